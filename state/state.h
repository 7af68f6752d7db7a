/* The system state the engine keeps while events stream by: threads and
 * their process tree, per-process fd tables, users and groups, container
 * ids. This header is the contract between the state engine (the .c files of state/)
 * and its readers (field extraction, the engine, the capture writer); the
 * tables themselves live in thr_tab.c, fd_tab.c, user_tab.c, ctr_id.c and
 * are driven by state_update.c. Prefix state_ / thr_ / fdi_.
 *
 * Lifetimes. Every pointer returned is borrowed: valid until the next call
 * of state__update/state__post on the same state (the single ordered
 * consumer). Strings are NUL-terminated and owned by the tables.
 *
 * Event order. For each event the engine calls
 *     state__update(st, e, &cur)   -- applies what the event tells
 *     ... evaluate rules, format alerts using cur ...
 *     state__post(st)              -- deferred removals (close, procexit)
 * so that a close's exit still sees the fd it closed and a procexit still
 * sees its thread, as Falco's filters do. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evt;

/* ---- fds ---------------------------------------------------------------- */

/* Kinds of fd; fdi_typechar()/fdi_typename() give Falco's letters and names. */
enum fdi_type {
	FDI_UNKNOWN = 0,
	FDI_FILE,
	FDI_DIRECTORY,
	FDI_IPV4_SOCK,
	FDI_IPV6_SOCK,
	FDI_UNIX_SOCK,
	FDI_PIPE,
	FDI_EVENT,
	FDI_SIGNALFD,
	FDI_EVENTPOLL,
	FDI_INOTIFY,
	FDI_TIMERFD,
	FDI_NETLINK,
	FDI_BPF,
	FDI_USERFAULTFD,
	FDI_IOURING,
	FDI_MEMFD,
	FDI_PIDFD,
	FDI_RAW_SOCK,
	FDI_TYPE_MAX,
};

/* Socket role, as Falco infers it: the side that called listen/accept is
 * the server, the side that called connect the client. */
enum fdi_role {
	FDI_ROLE_NONE = 0,
	FDI_ROLE_CLIENT,
	FDI_ROLE_SERVER,
};

enum fdi_flag {
	FDI_F_LISTENING = 1u << 0,	/* listen() called */
	FDI_F_CONNECTED = 1u << 1,	/* connect/accept completed */
	FDI_F_UPPER_LAYER = 1u << 2,	/* file on an overlayfs upper layer */
	FDI_F_LOWER_LAYER = 1u << 3,	/* file on an overlayfs lower layer */
	FDI_F_CLOEXEC = 1u << 5,
	/* bound to a port with no peer yet (Falco's server socket type): dst
	 * holds the bound address, src is empty */
	FDI_F_SERVSOCK = 1u << 6,
};

/* An IPv4/IPv6 endpoint; addr in network byte order (v4 in addr[0..3]). */
struct fdi_ep {
	uint8_t addr[16];
	uint16_t port;	/* host byte order */
};

struct fdi {
	int64_t num;
	uint8_t type;		/* enum fdi_type */
	uint8_t role;		/* enum fdi_role */
	uint8_t l4proto;	/* IPPROTO_TCP/UDP/ICMP/RAW..., 0 when unknown */
	uint8_t family;		/* AF_INET, AF_INET6, AF_UNIX, ... 0 when not a socket */
	uint32_t flags;		/* enum fdi_flag */
	uint32_t open_flags;	/* PPM_O_* as recorded at open */
	uint32_t dev;		/* device of an opened file, 0 when unknown */
	uint64_t ino;		/* inode of an opened file, 0 when unknown */
	uint32_t mount_id;
	/* Sockets: the connection tuple as Falco's fd.sip/fd.cip etc. read it:
	 * src is the client side, dst the server side. */
	struct fdi_ep src, dst;
	/* Unix sockets: peer and own kernel addresses from the tuple. */
	uint64_t unix_src, unix_dst;
	/* fd.name: the path (files, directories, unix sockets), the tuple
	 * text "1.2.3.4:5->6.7.8.9:10" (IP sockets), "pipe:[ino]"-style names
	 * for anonymous fds, as Falco renders them. Never NULL ("" when
	 * unknown). */
	const char *name;
	uint32_t name_len;
	/* fd.nameraw: the name as the syscall gave it, before resolution
	 * against cwd/dirfd, runs of '/' made one; NULL when no syscall named
	 * it (sockets, pipes, fds from a list or the /proc scan). */
	const char *nameraw;
	uint32_t nameraw_len;
};

/* libscap's fd types (scap_fd_type): capture fd lists and the fd table
 * plugins read. */
enum fdi_scap_type {
	SFD_FILE = 1, SFD_DIRECTORY, SFD_IPV4_SOCK, SFD_IPV6_SOCK, SFD_IPV4_SERVSOCK,
	SFD_IPV6_SERVSOCK, SFD_FIFO, SFD_UNIX_SOCK, SFD_EVENT, SFD_UNSUPPORTED, SFD_SIGNALFD,
	SFD_EVENTPOLL, SFD_INOTIFY, SFD_TIMERFD, SFD_NETLINK, SFD_FILE_V2, SFD_BPF,
	SFD_USERFAULTFD, SFD_IOURING, SFD_MEMFD, SFD_PIDFD,
};
/* The scap_fd_type of an fd (a listening IP socket is a server socket). */
uint8_t fdi_scap_type(const struct fdi *f);
/* libscap's layer-4 protocol codes (scap_l4_proto), and the one of an
 * IPPROTO_* number. */
enum fdi_scap_l4 { SL4_UNKNOWN = 0, SL4_TCP = 2, SL4_UDP = 3, SL4_ICMP = 4, SL4_RAW = 5 };
uint8_t fdi_scap_l4(uint8_t ipproto);

/* Falco's one-letter fd type (fd.typechar) and type name (fd.type:
 * "file", "directory", "ipv4", "ipv6", "unix", "pipe", "event",
 * "signalfd", "eventpoll", "inotify", "timerfd", "netlink", "bpf",
 * "userfaultfd", "io_uring", "memfd", "pidfd", ...). */
char fdi_typechar(const struct fdi *f);
/* The transport protocol Falco reports for an IP socket (IPPROTO_*): raw
 * sockets always, others once they have a role (connected, accepted,
 * bound); 0 when unknown or not an IP socket. */
uint8_t fdi_l4proto(const struct fdi *f);
const char *fdi_typename(const struct fdi *f);

/* Whether a 16-byte address is IPv4 mapped into IPv6 (::ffff:a.b.c.d). */
bool fdi_addr_v4_mapped(const uint8_t *a);
/* An endpoint of family AF_INET or AF_INET6 as fd.name shows it,
 * "ip:port"; a socket's tuple, "sip:sport->dip:dport" (src, then dst). */
void fdi_ep_name(int family, const struct fdi_ep *ep, char *buf, size_t n);
void fdi_tuple_name(const struct fdi *f, char *buf, size_t n);

/* ---- threads ------------------------------------------------------------ */

enum thr_flag {
	THR_F_EXE_WRITABLE = 1u << 0,	/* exe writable by its user */
	THR_F_EXE_UPPER_LAYER = 1u << 1,
	THR_F_EXE_LOWER_LAYER = 1u << 2,
	THR_F_EXE_FROM_MEMFD = 1u << 3,
	THR_F_DEAD = 1u << 4,		/* procexit seen: kept until evicted or no longer referenced */
	THR_F_INCOMPLETE = 1u << 5,	/* created from a lone event, no clone/exec/seed seen */
	THR_F_VTID_KNOWN = 1u << 6,
	THR_F_CHILD_IN_PIDNS = 1u << 7,	/* runs in a pid namespace of its own (clone flags) */
};

/* A NUL-separated list (argv, env, cgroups "subsys=path"): p[0..len),
 * each item NUL-terminated. */
struct thr_blob {
	const char *p;
	uint32_t len;
};

struct thr {
	int64_t tid;
	int64_t pid;		/* thread group leader */
	int64_t ptid;		/* parent (of the process) */
	int64_t sid;
	int64_t pgid;
	int64_t vtid, vpid, vpgid;	/* in the thread's pid namespace; -1 unknown */
	int64_t loginuid;	/* -1 (4294967295 as Falco prints) when unset */
	uint32_t uid, gid;	/* effective user and group */
	uint32_t flags;		/* enum thr_flag */
	uint32_t tty;		/* controlling tty device, 0 none */
	uint64_t cap_permitted, cap_effective, cap_inheritable;
	uint64_t clone_ts;	/* ns; process start time */
	uint64_t pidns_init_start_ts;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t pfmajor, pfminor;
	int64_t fdlimit;
	uint64_t lastexec_ts;
	uint64_t totexectime;	/* ns on CPU summed over its switch events */
	uint64_t procinfo_user, procinfo_sys;	/* CPU ticks of its last procinfo event */
	const char *comm;	/* proc.name: the task name (comm) */
	const char *exe;	/* proc.exe: argv[0] as executed */
	const char *exepath;	/* proc.exepath: full path of the executable */
	const char *cwd;	/* with a trailing '/', as Falco keeps it */
	const char *root;	/* chroot, "/" by default */
	struct thr_blob args;	/* argv[1..] */
	struct thr_blob env;
	struct thr_blob cgroups;
	/* container.id: "" for the host, else the 12-character id (or the
	 * whole id for runtimes whose ids are not hex). See ctr_id.h. */
	const char *container_id;
};

/* ---- users -------------------------------------------------------------- */

struct state_user {
	uint32_t uid, gid;
	const char *name, *homedir, *shell;
};

struct state_group {
	uint32_t gid;
	const char *name;
};

/* ---- the state ---------------------------------------------------------- */

struct state_opts {
	size_t sz;
	size_t max_threads;	/* default 131072 */
	size_t max_fds_per_proc;	/* default 4096 */
	size_t max_users;	/* default 16384 */
	size_t max_containers;	/* default 4096 */
	/* Look up users/groups missing from the seeded lists on the host
	 * (getpwuid_r/getgrgid_r). Off for replay of foreign captures. */
	bool host_users;
};

struct state_stats {
	uint64_t threads, fds, containers;	/* live entries */
	uint64_t threads_evicted, fds_evicted, users_evicted, containers_evicted;
	uint64_t threads_created_incomplete;	/* from events of unknown threads */
	uint64_t events_malformed;		/* state-changing events with unusable params */
	int64_t heap_bytes;			/* heap the tables hold (0 on libc's malloc) */
};

/* What the current event is about, filled by state__update. */
struct state_cur {
	struct thr *thr;	/* the event's thread; NULL only if the table is full and nothing can be evicted */
	struct fdi *fd;		/* the fd the event works on, NULL when none */
	/* fd.num: the fd the event names, as Falco keeps it per thread: the
	 * new fd of a successful open/socket/accept..., -1 for a failed one,
	 * the fd parameter of events that use one. Valid when fd_event. */
	int64_t fdnum;
	bool fd_event;		/* the event creates, uses or closes an fd */
	/* The enter event paired with this exit event when the capture has
	 * both (older drivers): its record, or NULL. Valid until the next
	 * state__update. */
	const struct evt *enter;
	/* The event changed the name of its fd (or made it, named). */
	bool fd_name_changed;
	/* Switch events: ns since the previous switch on the same CPU. */
	uint64_t exectime;
	/* Procinfo events: CPU ticks since the thread's previous procinfo,
	 * total, user and system, each at most 100 (thread.cpu*). */
	double cpu[3];
};

struct state;

int state__new(const struct state_opts *o, struct state **out);
void state__free(struct state *st);

/* Applies one event (in timestamp order). Never fails: malformed or
 * unusable parameters are counted in events_malformed and skipped. */
void state__update(struct state *st, const struct evt *e, struct state_cur *cur);
/* Applies the removals the last event deferred (fd close, thread exit). */
void state__post(struct state *st);

/* Lookups. NULL when unknown. */
struct thr *state__thread(struct state *st, int64_t tid);
/* The process's main thread (pid), falling back to tid itself. */
struct thr *state__main_thread(struct state *st, const struct thr *t);
/* Parent process of t's process; NULL at the top or when unknown. Walk
 * with a bound: loops in corrupt input must not hang the caller. */
struct thr *state__parent(struct state *st, const struct thr *t);
struct fdi *state__fd(struct state *st, const struct thr *t, int64_t fd);
/* Calls fn for every open fd of t's process, in ascending fd order; stops
 * when fn returns non-zero. */
int state__fd_foreach(struct state *st, const struct thr *t,
		      int (*fn)(void *ctx, const struct fdi *f), void *ctx);
/* Whether t lives: not exited, and not the thread whose procexit is
 * being processed. */
bool state__alive(const struct state *st, const struct thr *t);
/* Number of live threads of t's process; number of its child processes. */
uint32_t state__nthreads(struct state *st, const struct thr *t);
uint32_t state__nchilds(struct state *st, const struct thr *t);
/* Number of open fds of t's process. */
uint32_t state__fd_count(struct state *st, const struct thr *t);

/* The machine's interface addresses (a capture's interface list, the
 * live host's): add one (-ENOSPC past the table's bound); whether addr,
 * of family AF_INET or AF_INET6 in network order, is an address of this
 * machine or of t's container. */
int state__add_iface(struct state *st, int family, const uint8_t *addr, const uint8_t *netmask);
/* The address of this machine a datagram to peer most likely left from,
 * as Falco guesses it: the interface with that address, else one on its
 * network, else the first that is not loopback. false when none. */
bool state__infer_local_addr(struct state *st, int family, const uint8_t *peer, uint8_t *out);
/* Calls fn for every interface address, in the order added; stops when fn
 * returns non-zero and returns that. For the capture writer. */
int state__iface_foreach(struct state *st,
			 int (*fn)(void *ctx, int family, const uint8_t *addr, const uint8_t *netmask),
			 void *ctx);
bool state__addr_is_local(struct state *st, const struct thr *t, int family,
			  const uint8_t *addr);

/* ---- containers (ctr_tab.c) --------------------------------------------- */

/* What the runtimes said of container id (container.id), NULL when
 * nothing is known. */
struct ctr_meta;
const struct ctr_meta *state__container(struct state *st, const char *id);
/* Stores what a runtime or a container event says of container m->id,
 * in place of what was known (a failed or unfinished lookup does not
 * replace a successful one). Takes m in every case. 0, -EINVAL (no id),
 * -ENOMEM. */
int state__container_put(struct state *st, struct ctr_meta *m);
/* The lookup hook: called with each container id the thread table meets
 * for the first time; true when it took the id (a runtime client will
 * answer), false when it could not (state__container_repost offers it
 * again). Runs on the thread that updates the state; must not block. */
void state__set_container_hook(struct state *st, bool (*fn)(void *ctx, const char *id),
			       void *ctx);
/* Offers the hook the ids it did not take, oldest first, until it refuses
 * one; how many remain. */
void state__container_repost(struct state *st);
uint32_t state__container_unrequested(const struct state *st);
/* Calls fn for every described container, in no particular order; stops
 * when fn returns non-zero and returns that. For the capture writer. */
int state__container_foreach(struct state *st, int (*fn)(void *ctx, const struct ctr_meta *m),
			     void *ctx);

const struct state_user *state__user(struct state *st, uint32_t uid);
const struct state_group *state__group(struct state *st, uint32_t gid);
/* Call fn for every user, or every group, the state holds, oldest first;
 * stop when fn returns non-zero and return that value. For the capture
 * writer's user list. */
int state__user_foreach(struct state *st, int (*fn)(void *ctx, const struct state_user *u),
			void *ctx);
int state__group_foreach(struct state *st, int (*fn)(void *ctx, const struct state_group *g),
			 void *ctx);

/* Calls fn for every thread, in no particular order; for the capture writer's
 * process list and the statistics. */
int state__thread_foreach(struct state *st, int (*fn)(void *ctx, const struct thr *t), void *ctx);

void state__stats(const struct state *st, struct state_stats *out);
/* Where a number lives that changes whenever anything the process fields
 * (proc.*, thread ids, user.*, group.*, container id; not times, counters
 * or fds) read may have changed: values derived from those fields for a
 * thread stay valid while it stays the same. Read it on every event. */
const uint64_t *state__proc_gen_ptr(const struct state *st);

/* ---- seeding (capture process/fd/user lists, /proc scan) --------------- */

/* A thread as a process list describes it. Strings and blobs are copied.
 * Unset numbers are -1 / 0 as in struct thr. */
struct state_thr_seed {
	int64_t tid, pid, ptid, sid, vpgid, pgid, vtid, vpid, loginuid;
	uint32_t uid, gid, tty, flags;
	uint64_t cap_permitted, cap_effective, cap_inheritable;
	uint64_t clone_ts, pidns_init_start_ts, exe_ino, exe_ino_ctime, exe_ino_mtime;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t pfmajor, pfminor;
	int64_t fdlimit;
	const char *comm, *exe, *exepath, *cwd, *root;
	struct thr_blob args, env, cgroups;
};

/* An fd as a capture's fd list or /proc describes it: the fields of
 * struct fdi that apply; name is copied. */
int state__seed_thread(struct state *st, const struct state_thr_seed *s);
int state__seed_fd(struct state *st, int64_t pid, const struct fdi *f);
int state__seed_user(struct state *st, const struct state_user *u);
int state__seed_group(struct state *st, const struct state_group *g);

/* ---- edits by the state's users (plugins writing tables) ---------------- */

/* Values plugins attach to threads and fds (state/dynv.c): typed slots per
 * entry, numbered by the caller, at most STATE_DYNV_MAX, freed with the
 * entry and copied with a forked process's fds. */
#define STATE_DYNV_MAX 64
struct state_dynv;
bool state_dynv_num(const struct state_dynv *v, uint32_t slot, uint64_t *out);
/* Borrowed until the slot or the entry changes; NULL when unset. */
const char *state_dynv_str(const struct state_dynv *v, uint32_t slot);
/* 0; -ERANGE past STATE_DYNV_MAX; -ENOMEM. *v may move. */
int state_dynv_set_num(struct state_dynv **v, uint32_t slot, uint64_t num);
int state_dynv_set_str(struct state_dynv **v, uint32_t slot, const char *s);
void state_dynv_free(struct state_dynv *v);
struct state_dynv *state_dynv_dup(const struct state_dynv *v);

/* Where a thread's values, and those of fd number fd of its process, are
 * kept (NULL: no such fd). */
struct state_dynv **state__thr_dynv(struct state *st, struct thr *t);
struct state_dynv **state__fd_dynv(struct state *st, const struct thr *t, int64_t fd);

/* The thread being applied by state__update (until state__post), -1 none:
 * users must not erase it. */
int64_t state__busy_tid(const struct state *st);

/* A user changed t's numbers in place (uid, vtid, ...): tells the readers
 * that keep results over process fields (state__proc_gen_ptr). */
void state__thr_changed(struct state *st, struct thr *t);
/* pid and ptid, which index the table. */
void state__thr_set_pid(struct state *st, struct thr *t, int64_t pid);
void state__thr_set_ptid(struct state *st, struct thr *t, int64_t ptid);
/* A string of t (one of its comm, exe, exepath, root, cwd members) set to s
 * (copied); and a list (args, env, cgroups) set to the NUL-separated
 * p[0..len). 0 or -ENOMEM. */
int state__thr_set_str(struct state *st, struct thr *t, const char **member, const char *s);
int state__thr_set_blob(struct state *st, struct thr *t, struct thr_blob *member, const char *p,
			uint32_t len);
/* Removes thread tid: -EBUSY for the thread of the event being applied,
 * -ENOENT when unknown. */
int state__erase_thread(struct state *st, int64_t tid);
/* Adds or replaces an fd of t's process (name copied; the values attached
 * stay); removes one (-ENOENT when absent). Either moves the other fds of
 * the process: pointers to them must be looked up again. 0, -ENOMEM. */
int state__put_fd(struct state *st, const struct thr *t, const struct fdi *f);
int state__erase_fd(struct state *st, const struct thr *t, int64_t fd);
/* The i-th open fd of t's process in fd order, NULL past the last. */
struct fdi *state__fd_at(struct state *st, const struct thr *t, uint32_t i);
