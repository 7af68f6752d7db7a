/* The start-up /proc scan (proc_scan.h): reads every thread, the fds of
 * every process and the users and groups, and hands them to the state's
 * seed functions the way Falco's libscap (scap_procs.c, scap_fds.c,
 * scap_cgroup.c, scap_userlist.c) and libsinsp (threadinfo init,
 * add_fd_from_scap, fix_sockets_coming_from_proc) fill their tables.
 *
 * A thread, from <proc>/<pid>/ for the leader and <proc>/<pid>/task/<tid>/
 * for the others:
 *   tid            the directory name; pid from status Tgid
 *   ptid           status PPid (the parent process's tgid)
 *   uid, gid       status Uid/Gid, second column (effective)
 *   cap_*          status CapInh/CapPrm/CapEff (hex)
 *   vm*_kb         status VmSize/VmRSS/VmSwap
 *   vtid, vpid     status NSpid/NStgid, last value (the thread's own pid
 *                  namespace; libscap takes the second, the same but for
 *                  namespaces nested twice)
 *   pgid, vpgid    NSpgid when it has two values or more (first, last);
 *                  otherwise pgid from stat field 5 and vpgid 0, as libscap
 *                  leaves it for processes of the initial pid namespace
 *   sid, tty       stat fields 6 and 7
 *   pfminor/major  stat fields 10 and 12
 *   loginuid       loginuid; 4294967295 (unset) and a missing file give -1
 *   comm           comm
 *   exe, args      cmdline: argv[0], the rest as the NUL-separated blob,
 *                  the first 4096 bytes as libscap reads them
 *   env            environ, whole (libsinsp rereads it past 4096 bytes);
 *                  threads share their leader's; unreadable gives empty
 *   exepath        readlink exe, " (deleted)" stripped as libsinsp does
 *   cwd, root      readlink cwd (the state adds the trailing '/'), root
 *   cgroups        cgroup: "subsys=path" per v1 controller; the v2 line
 *                  "0::/path" resolved against cgroup.controllers of the
 *                  cgroup2 mount found in <proc>/1/mounts, walking up the
 *                  tree, as scap_cgroup.c does (no cgroup-namespace
 *                  prefixing of the scanner's own cgroup)
 *   fdlimit        limits "Max open files" soft value ("unlimited" -1);
 *                  libscap asks prlimit64, the same number
 *   clone_ts       ctime of <dir>cmdline, as libscap takes it (the time the
 *                  proc inode was made, not stat field 22)
 *   pidns_init_start_ts  ctime of <dir>root/proc/1/cmdline, 0 if none
 *   exe_ino, exe_ino_ctime/mtime  stat of <dir>exe (the executable itself;
 *                  libscap stats the exe path in its own mount namespace)
 *   flags          THR_F_EXE_WRITABLE: the executable is owned by the
 *                  thread's euid, or its mode bits (root: any) let the
 *                  euid/egid write it on a writable mount. libscap's
 *                  PPM_CL_CLONE_THREAD|CLONE_FILES for non-leaders has no
 *                  THR_F_ bit: the state shares the leader's fd table.
 * Threads with an empty cmdline and no readable exe (kernel threads,
 * zombies) are skipped, as libscap skips them.
 *
 * An fd (leaders only), by the text of its link:
 *   socket:[ino]   looked up in the socket tables of the process's network
 *                  namespace (net/tcp, udp, raw, unix, netlink, tcp6,
 *                  udp6, raw6, read once per namespace inode of ns/net);
 *                  a socket in none of them is dropped, as libscap does
 *   pipe:[ino]     pipe, named so
 *   anon_inode:X   event, eventpoll, inotify, signalfd, timerfd, io_uring,
 *                  userfaultfd, pidfd, bpf (map/prog/link/iter); anything
 *                  else unknown; named "" as libscap names them
 *   a path         by stat of the target: directory; fifo (pipe named by
 *                  its path); regular/device/symlink a file with open flags
 *                  (fdinfo "flags:" through fc_open_flags of
 *                  bpf/shared/flag_conv.h, the kernel's O_LARGEFILE
 *                  masked as libscap never sees it) and mount id, or a
 *                  memfd when the path starts "/memfd:"; else unknown
 * IPv4 sockets with a remote address are seeded last: when their local
 * port is a port some socket listens on (any process, IPv4 or IPv6) the
 * tuple is swapped to client->server and the role is server, else it stays
 * local->remote with the role client, as libsinsp fixes them after its
 * scan. IPv6 pairs of IPv4-mapped addresses become IPv4 sockets. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "runtime/proc_scan.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#include "bpf/shared/flag_conv.h"
#include "runtime/base/mem.h"
#include "runtime/base/strmap.h"
#include "state/state.h"

#define ARGS_MAX 4096		/* libscap's SCAP_MAX_ARGS_SIZE */
#define CGROUPS_MAX 4096	/* SCAP_MAX_CGROUPS_SIZE */
#define ENV_MAX (1u << 20)	/* bound on one environment */
#define STATUS_MAX 16384

enum { RS_OK, RS_VANISHED, RS_SKIPPED, RS_ERROR, RS_NOMEM };

enum sock_kind { SK_V4, SK_V6, SK_UNIX, SK_NETLINK };

/* One line of a socket table. Addresses as the kernel keeps them
 * (network order); path an offset into the namespace's string pool. */
struct sock_ent {
	uint64_t ino;
	uint64_t unix_src;
	uint32_t path;
	uint16_t lport, rport;
	uint8_t kind, l4;
	uint8_t lip[16], rip[16];
};

struct netns {
	uint64_t ino;		/* inode of ns/net; 0 when unknown */
	struct sock_ent *v;
	size_t n, cap;
	char *pool;
	size_t plen, pcap;
};

/* A connected IPv4 socket waiting for the server ports. */
struct pend {
	int64_t pid;
	struct fdi f;
};

/* A cgroup file's text and the cgroups blob made of it. */
struct cg_ent {
	char *key;
	char *blob;
	uint32_t len;
};

/* What threads of one process share, read with the leader. */
struct proc_ctx {
	bool have;
	int64_t fdlimit;
	uint64_t pidns_ts;
	struct thr_blob env;
};

struct scan {
	struct state *st;
	const char *proc;
	char host[PATH_MAX];		/* proc_root without its last component */
	struct proc_scan_stats *s;
	char *err;
	size_t errlen;
	bool err_set;
	int fatal;			/* -ENOMEM once memory ran out */

	struct netns *ns;
	size_t nns, capns;
	uint8_t srv_ports[65536 / 8];
	struct pend *pend;
	size_t npend, cappend;

	char cg2_mount[PATH_MAX];	/* "" when no cgroup v2 */
	char cg2_root[CGROUPS_MAX];	/* controllers of the v2 root, NUL-separated */
	uint32_t cg2_root_len;
	struct cg_ent *cg;	/* by index; cg_idx maps their keys */
	size_t ncg, cgcap;
	struct strmap cg_idx;

	/* scratch, reused per thread */
	char path[PATH_MAX], path2[PATH_MAX];
	char cmd[ARGS_MAX + 1];
	char status[STATUS_MAX];
	char statb[4096];
	char comm[64];
	char exepath[PATH_MAX], cwd[PATH_MAX], root[PATH_MAX], link[PATH_MAX];
	char cgtext[CGROUPS_MAX + 1];
	char cgblob[CGROUPS_MAX];
	uint32_t cgblob_len;
	char *env;			/* the current leader's environment */
	size_t envcap;
};

/* ---- small helpers ------------------------------------------------------- */

static bool vanished_errno(int e)
{
	return e == ENOENT || e == ESRCH;
}

/* A failure at path: RS_VANISHED for a thread gone, else RS_ERROR with the
 * first one described in err. */
static int fail_at(struct scan *sc, const char *path, int e)
{
	if (vanished_errno(e))
		return RS_VANISHED;
	if (!sc->err_set && sc->err && sc->errlen) {
		snprintf(sc->err, sc->errlen, "%s: %s", path, strerror(e));
		sc->err_set = true;
	}
	return RS_ERROR;
}

/* dir + name into buf; proc_scan bounds proc_root so that nothing it
 * builds is truncated (a truncated path would only fail to open). */
static const char *path_at(char *buf, size_t n, const char *dir, const char *name)
{
	if (snprintf(buf, n, "%s%s", dir, name) >= (int)n)
		buf[0] = '\0';
	return buf;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Reads fd into buf[*n .. room) until the end of the file or of the room;
 * 0 at the end of the file, 1 when the room ran out, or -errno. */
static int read_more(int fd, char *buf, size_t *n, size_t room)
{
	while (*n < room) {
		ssize_t r = read(fd, buf + *n, room - *n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		*n += (size_t)r;
	}
	return 1;
}

/* Reads up to cap - 1 bytes of path into buf and NUL-terminates them; the
 * byte count, or -errno. */
static ssize_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;
	size_t n = 0;

	if (fd < 0)
		return -errno;
	r = read_more(fd, buf, &n, cap - 1);
	close(fd);
	if (r < 0)
		return r;
	buf[n] = '\0';
	return (ssize_t)n;
}

/* Reads all of path (up to max bytes) into a buffer grown as needed. */
static ssize_t slurp_all(const char *path, char **buf, size_t *cap, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 1;
	size_t n = 0;

	if (fd < 0)
		return -errno;
	while (r == 1) {
		if (n + 1 >= *cap) {
			size_t nc = *cap ? *cap * 2 : 4096;
			char *nb;

			if (*cap >= max + 1)
				break;
			if (nc > max + 1)
				nc = max + 1;
			nb = mem_realloc(*buf, nc);
			if (!nb) {
				close(fd);
				return -ENOMEM;
			}
			*buf = nb;
			*cap = nc;
		}
		r = read_more(fd, *buf, &n, *cap - 1);
	}
	close(fd);
	if (r < 0)
		return r;
	(*buf)[n] = '\0';
	return (ssize_t)n;
}

/* readlink into buf (NUL-terminated); the length or -errno. */
static ssize_t read_link(const char *path, char *buf, size_t cap)
{
	ssize_t n = readlink(path, buf, cap - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static uint64_t ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

/* The numbers after "Key:" on a status line; how many were read. */
static int parse_nums(const char *p, int base, uint64_t *v, int max)
{
	int n = 0;

	while (n < max) {
		char *end;
		unsigned long long x;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!isxdigit((unsigned char)*p))
			break;
		errno = 0;
		x = strtoull(p, &end, base);
		if (end == p || errno)
			break;
		v[n++] = x;
		p = end;
	}
	return n;
}

/* The value of the last of up to 8 numbers; n the count. */
static int parse_last(const char *p, uint64_t *first, uint64_t *last)
{
	uint64_t v[8];
	int n = parse_nums(p, 10, v, 8);

	if (n) {
		*first = v[0];
		*last = v[n - 1];
	}
	return n;
}

/* fdinfo's octal flags (the kernel's f_flags) as PPM_O_*. The kernel sets
 * O_LARGEFILE on every 64-bit open; libscap converts with the userspace
 * O_LARGEFILE, 0 on 64-bit, so it never reports it from /proc: masked. */
static uint32_t open_flags_to_ppm(unsigned long fl)
{
	return fc_open_flags((__u32)fl & ~(__u32)0100000);
}

/* ---- cgroups ------------------------------------------------------------- */

/* Appends "a=b" (NUL-terminated) to the blob; false when it is full. */
static bool cg_add(struct scan *sc, const char *a, const char *b, size_t blen)
{
	size_t al = strlen(a), need = al + 1 + blen + 1;

	if (sc->cgblob_len + need > CGROUPS_MAX)
		return false;
	memcpy(sc->cgblob + sc->cgblob_len, a, al);
	sc->cgblob[sc->cgblob_len + al] = '=';
	memcpy(sc->cgblob + sc->cgblob_len + al + 1, b, blen);
	sc->cgblob[sc->cgblob_len + need - 1] = '\0';
	sc->cgblob_len += (uint32_t)need;
	return true;
}

/* The controllers of a v2 cgroup directory, NUL-separated into out. */
static uint32_t cg2_controllers(const char *dir, char *out, size_t cap)
{
	char path[PATH_MAX + 32], line[1024];
	uint32_t n = 0;
	char *p, *tok, *save = NULL;

	path_at(path, sizeof(path), dir, "/cgroup.controllers");
	if (slurp(path, line, sizeof(line)) < 0)
		return 0;
	for (p = line; (tok = strtok_r(p, " \n", &save)); p = NULL) {
		size_t l = strlen(tok) + 1;

		if (n + l > cap)
			break;
		memcpy(out + n, tok, l);
		n += (uint32_t)l;
	}
	return n;
}

static bool in_set(const char *set, uint32_t len, const char *name)
{
	for (uint32_t i = 0; i < len; i += (uint32_t)strlen(set + i) + 1)
		if (!strcmp(set + i, name))
			return true;
	return false;
}

/* "0::/path": every controller enabled at path or the nearest ancestor
 * that has it, "ctrl=ancestor", walking up until the root's controllers
 * are all found. */
static void cg2_resolve(struct scan *sc, const char *cgpath)
{
	char full[PATH_MAX], dir[2 * PATH_MAX], ctrl[1024], found[1024];
	uint32_t nfound = 0;

	if (snprintf(full, sizeof(full), "%s", cgpath) >= (int)sizeof(full) ||
	    snprintf(dir, sizeof(dir), "%s%s", sc->cg2_mount, full) >= (int)sizeof(dir))
		return;
	for (;;) {
		uint32_t n = cg2_controllers(dir, ctrl, sizeof(ctrl)), i;
		bool all = true;
		char *q;

		for (i = 0; i < n; i += (uint32_t)strlen(ctrl + i) + 1) {
			size_t l = strlen(ctrl + i) + 1;

			if (in_set(found, nfound, ctrl + i))
				continue;
			if (!cg_add(sc, ctrl + i, full, strlen(full)) || nfound + l > sizeof(found))
				return;
			memcpy(found + nfound, ctrl + i, l);
			nfound += (uint32_t)l;
		}
		if (!full[0] || (full[0] == '/' && !full[1]))
			break;
		for (i = 0; i < sc->cg2_root_len; i += (uint32_t)strlen(sc->cg2_root + i) + 1)
			if (!in_set(found, nfound, sc->cg2_root + i))
				all = false;
		if (all)
			break;
		q = strrchr(full, '/');
		if (!q)
			break;
		if (q == full)
			q++;
		*q = '\0';
		q = strrchr(dir, '/');
		if (!q)
			break;
		*q = '\0';
	}
}

/* Builds the blob of a cgroup file's text into sc->cgblob. */
static void cg_build(struct scan *sc, char *text)
{
	char *line, *save = NULL;

	sc->cgblob_len = 0;
	for (char *p = text; (line = strtok_r(p, "\n", &save)); p = NULL) {
		char *c1 = strchr(line, ':'), *c2, *subs, *tok, *s2 = NULL;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c1 = *c2 = '\0';
		subs = c1 + 1;
		if (!*subs) {
			if (sc->cg2_mount[0] && !strcmp(line, "0"))
				cg2_resolve(sc, c2 + 1);
			continue;
		}
		for (char *q = subs; (tok = strtok_r(q, ",", &s2)); q = NULL)
			if (!cg_add(sc, tok, c2 + 1, strlen(c2 + 1)))
				return;
	}
}

/* The cgroups blob of the thread at dir, from the cache of texts seen. */
static int read_cgroups(struct scan *sc, const char *dir, struct thr_blob *out)
{
	struct cg_ent *e;
	int64_t k;
	ssize_t n;

	out->p = NULL;
	out->len = 0;
	path_at(sc->path, sizeof(sc->path), dir, "cgroup");
	n = slurp(sc->path, sc->cgtext, sizeof(sc->cgtext));
	if (n < 0)
		return vanished_errno((int)-n) ? RS_VANISHED : RS_OK;	/* EACCES: none, as libscap */
	k = strmap_get(&sc->cg_idx, sc->cgtext);
	if (k < 0) {
		if (sc->ncg == sc->cgcap) {
			size_t cap = sc->cgcap ? sc->cgcap * 2 : 16;
			struct cg_ent *nc = mem_realloc(sc->cg, cap * sizeof(*nc));

			if (!nc)
				return RS_NOMEM;
			sc->cg = nc;
			sc->cgcap = cap;
		}
		e = &sc->cg[sc->ncg];
		if (!(e->key = mem_strdup(sc->cgtext)))
			return RS_NOMEM;
		cg_build(sc, sc->cgtext);	/* tokenizes cgtext, key was copied first */
		e->blob = mem_malloc(sc->cgblob_len ? sc->cgblob_len : 1);
		if (!e->blob || strmap_put(&sc->cg_idx, e->key, (uint32_t)sc->ncg)) {
			mem_free(e->key);
			mem_free(e->blob);
			return RS_NOMEM;
		}
		memcpy(e->blob, sc->cgblob, sc->cgblob_len);
		e->len = sc->cgblob_len;
		k = (int64_t)sc->ncg++;
	}
	e = &sc->cg[k];
	out->p = e->blob;
	out->len = e->len;
	return RS_OK;
}

/* The cgroup2 mount, from the mounts init sees, as libscap finds it:
 * the first with controllers, else the last one. */
static void cg2_find_mount(struct scan *sc)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;

	snprintf(sc->path, sizeof(sc->path), "%s/1/mounts", sc->proc);
	f = fopen(sc->path, "re");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char dev[256], dir[PATH_MAX], type[64];

		if (sscanf(line, "%255s %4095s %63s", dev, dir, type) != 3 || strcmp(type, "cgroup2"))
			continue;
		if (snprintf(sc->cg2_mount, sizeof(sc->cg2_mount), "%s%s", sc->host, dir) >=
		    (int)sizeof(sc->cg2_mount)) {
			sc->cg2_mount[0] = '\0';
			continue;
		}
		sc->cg2_root_len = cg2_controllers(sc->cg2_mount, sc->cg2_root, sizeof(sc->cg2_root));
		if (sc->cg2_root_len)
			break;
	}
	free(line);
	fclose(f);
}

/* ---- threads ------------------------------------------------------------- */

static void parse_status(char *buf, struct state_thr_seed *t, bool *nspgid)
{
	char *line, *save = NULL;
	uint64_t v[2], a, b;

	for (char *p = buf; (line = strtok_r(p, "\n", &save)); p = NULL) {
		switch (line[0]) {
		case 'T':
			if (starts(line, "Tgid:") && parse_nums(line + 5, 10, v, 1) == 1)
				t->pid = (int64_t)v[0];
			break;
		case 'P':
			if (starts(line, "PPid:") && parse_nums(line + 5, 10, v, 1) == 1)
				t->ptid = (int64_t)(uint32_t)v[0];
			break;
		case 'U':
			if (starts(line, "Uid:") && parse_nums(line + 4, 10, v, 2) == 2)
				t->uid = (uint32_t)v[1];
			break;
		case 'G':
			if (starts(line, "Gid:") && parse_nums(line + 4, 10, v, 2) == 2)
				t->gid = (uint32_t)v[1];
			break;
		case 'C':
			if (starts(line, "CapInh:") && parse_nums(line + 7, 16, v, 1) == 1)
				t->cap_inheritable = v[0];
			else if (starts(line, "CapPrm:") && parse_nums(line + 7, 16, v, 1) == 1)
				t->cap_permitted = v[0];
			else if (starts(line, "CapEff:") && parse_nums(line + 7, 16, v, 1) == 1)
				t->cap_effective = v[0];
			break;
		case 'V':
			if (starts(line, "VmSize:") && parse_nums(line + 7, 10, v, 1) == 1)
				t->vmsize_kb = (uint32_t)v[0];
			else if (starts(line, "VmRSS:") && parse_nums(line + 6, 10, v, 1) == 1)
				t->vmrss_kb = (uint32_t)v[0];
			else if (starts(line, "VmSwap:") && parse_nums(line + 7, 10, v, 1) == 1)
				t->vmswap_kb = (uint32_t)v[0];
			break;
		case 'N':
			if (starts(line, "NSpid:") && parse_last(line + 6, &a, &b) >= 1)
				t->vtid = (int64_t)b;
			else if (starts(line, "NStgid:") && parse_last(line + 7, &a, &b) >= 1)
				t->vpid = (int64_t)b;
			else if (starts(line, "NSpgid:") && parse_last(line + 7, &a, &b) >= 2) {
				t->pgid = (int64_t)a;
				t->vpgid = (int64_t)b;
				*nspgid = true;
			}
			break;
		default:
			break;
		}
	}
}

static int parse_stat(struct scan *sc, const char *dir, struct state_thr_seed *t, bool nspgid)
{
	ssize_t n;
	const char *p;
	int64_t pgid, sid;
	int tty;
	uint64_t minflt, majflt;

	path_at(sc->path, sizeof(sc->path), dir, "stat");
	n = slurp(sc->path, sc->statb, sizeof(sc->statb));
	if (n < 0)
		return fail_at(sc, sc->path, (int)-n);
	p = strrchr(sc->statb, ')');
	if (!p || sscanf(p + 1, " %*c %*d %" SCNd64 " %" SCNd64 " %d %*d %*u %" SCNu64
			 " %*u %" SCNu64, &pgid, &sid, &tty, &minflt, &majflt) != 5)
		return fail_at(sc, sc->path, EINVAL);
	if (!nspgid)
		t->pgid = pgid;
	t->sid = sid;
	t->tty = (uint32_t)tty;
	t->pfminor = minflt;
	t->pfmajor = majflt;
	return RS_OK;
}

static int64_t read_fdlimit(struct scan *sc, const char *dir)
{
	char buf[4096], *p;

	path_at(sc->path, sizeof(sc->path), dir, "limits");
	if (slurp(sc->path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "Max open files")))
		return -1;
	p += strlen("Max open files");
	while (*p == ' ')
		p++;
	if (starts(p, "unlimited"))
		return -1;
	return isdigit((unsigned char)*p) ? strtoll(p, NULL, 10) : -1;
}

static bool exe_writable(const char *exe_link, const struct stat *sb, uint32_t uid, uint32_t gid)
{
	struct statvfs vfs;
	bool bits;

	if (sb->st_uid == uid)
		return true;
	if (uid == 0)
		bits = true;
	else if (sb->st_gid == gid)
		bits = sb->st_mode & S_IWGRP;
	else
		bits = sb->st_mode & S_IWOTH;
	if (!bits)
		return false;
	return statvfs(exe_link, &vfs) != 0 || !(vfs.f_flag & ST_RDONLY);
}

/* Reads the thread at dir ("<proc>/<pid>/" or ".../task/<tid>/") into t;
 * strings point into sc's scratch and pc's environment. */
static int read_thread(struct scan *sc, const char *dir, int64_t tid, struct proc_ctx *pc,
		       struct state_thr_seed *t)
{
	ssize_t n, cmdlen, exelen;
	bool nspgid = false;
	struct stat sb, exe_sb;
	int r;

	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pid = tid;
	t->ptid = (int64_t)UINT32_MAX;
	t->sid = 0;
	t->pgid = -1;
	t->vpgid = 0;
	t->vtid = tid;
	t->vpid = -1;
	t->loginuid = -1;
	t->uid = t->gid = UINT32_MAX;

	/* cmdline and exe first: they tell kernel threads and zombies */
	path_at(sc->path, sizeof(sc->path), dir, "cmdline");
	cmdlen = slurp(sc->path, sc->cmd, ARGS_MAX + 1);
	if (cmdlen < 0)
		return fail_at(sc, sc->path, (int)-cmdlen);
	if (cmdlen > ARGS_MAX)
		cmdlen = ARGS_MAX;
	path_at(sc->path, sizeof(sc->path), dir, "exe");
	exelen = read_link(sc->path, sc->exepath, sizeof(sc->exepath));
	if (exelen < 0) {
		if (cmdlen == 0)
			return RS_SKIPPED;
		sc->exepath[0] = '\0';
		exelen = 0;
	} else if (exelen > 10 && !strcmp(sc->exepath + exelen - 10, " (deleted)")) {
		sc->exepath[exelen - 10] = '\0';
	}
	t->exepath = sc->exepath;
	if (stat(sc->path, &exe_sb) == 0) {
		t->exe_ino = exe_sb.st_ino;
		t->exe_ino_ctime = ts_ns(&exe_sb.st_ctim);
		t->exe_ino_mtime = ts_ns(&exe_sb.st_mtim);
	}

	/* exe and args */
	if (cmdlen > 0) {
		size_t exe_len;

		sc->cmd[cmdlen - 1] = '\0';
		exe_len = strlen(sc->cmd) + 1;
		t->exe = sc->cmd;
		if ((size_t)cmdlen > exe_len) {
			t->args.p = sc->cmd + exe_len;
			t->args.len = (uint32_t)((size_t)cmdlen - exe_len);
		}
	} else {
		t->exe = "";
	}

	path_at(sc->path, sizeof(sc->path), dir, "comm");
	n = slurp(sc->path, sc->comm, sizeof(sc->comm));
	if (n < 0)
		return fail_at(sc, sc->path, (int)-n);
	if (n > 0 && sc->comm[n - 1] == '\n')
		sc->comm[n - 1] = '\0';
	t->comm = sc->comm;

	path_at(sc->path, sizeof(sc->path), dir, "cwd");
	if ((n = read_link(sc->path, sc->cwd, sizeof(sc->cwd))) < 0)
		return fail_at(sc, sc->path, (int)-n);
	t->cwd = sc->cwd;
	path_at(sc->path, sizeof(sc->path), dir, "root");
	if ((n = read_link(sc->path, sc->root, sizeof(sc->root))) < 0)
		return fail_at(sc, sc->path, (int)-n);
	t->root = sc->root;

	path_at(sc->path, sizeof(sc->path), dir, "status");
	n = slurp(sc->path, sc->status, sizeof(sc->status));
	if (n < 0)
		return fail_at(sc, sc->path, (int)-n);
	parse_status(sc->status, t, &nspgid);
	if (t->vpid < 0)
		t->vpid = t->pid;
	if ((r = parse_stat(sc, dir, t, nspgid)) != RS_OK)
		return r;

	path_at(sc->path, sizeof(sc->path), dir, "loginuid");
	{
		char buf[32];

		n = slurp(sc->path, buf, sizeof(buf));
		if (n < 0 && vanished_errno((int)-n) && access(dir, F_OK) != 0)
			return RS_VANISHED;
		if (n > 0) {
			unsigned long long l = strtoull(buf, NULL, 10);

			t->loginuid = (uint32_t)l == UINT32_MAX ? -1 : (int64_t)(uint32_t)l;
		}
	}

	path_at(sc->path, sizeof(sc->path), dir, "cmdline");
	if (stat(sc->path, &sb) == 0)
		t->clone_ts = ts_ns(&sb.st_ctim);

	if ((r = read_cgroups(sc, dir, &t->cgroups)) != RS_OK)
		return r;

	/* what the process shares: read with the leader */
	if (!pc->have) {
		pc->fdlimit = read_fdlimit(sc, dir);
		path_at(sc->path, sizeof(sc->path), dir, "root/proc/1/cmdline");
		pc->pidns_ts = stat(sc->path, &sb) == 0 ? ts_ns(&sb.st_ctim) : 0;
		path_at(sc->path, sizeof(sc->path), dir, "environ");
		n = slurp_all(sc->path, &sc->env, &sc->envcap, ENV_MAX);
		if (n == -ENOMEM)
			return RS_NOMEM;
		if (n < 0 && vanished_errno((int)-n))
			return RS_VANISHED;
		pc->env.p = sc->env;
		pc->env.len = n > 0 ? (uint32_t)n : 0;
		/* the last item NUL-terminated, as a blob wants */
		if (pc->env.len && sc->env[pc->env.len - 1] != '\0')
			pc->env.len++;	/* slurp_all put a NUL there */
		pc->have = true;
	}
	t->fdlimit = pc->fdlimit;
	t->pidns_init_start_ts = pc->pidns_ts;
	t->env = pc->env;

	path_at(sc->path, sizeof(sc->path), dir, "exe");
	if (t->exe_ino && exe_writable(sc->path, &exe_sb, t->uid, t->gid))
		t->flags |= THR_F_EXE_WRITABLE;
	return RS_OK;
}

/* ---- sockets ------------------------------------------------------------- */

static int sock_cmp(const void *a, const void *b)
{
	const struct sock_ent *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static struct sock_ent *ns_push(struct netns *ns)
{
	if (ns->n == ns->cap) {
		size_t nc = ns->cap ? ns->cap * 2 : 64;
		struct sock_ent *v = mem_reallocarray(ns->v, nc, sizeof(*v));

		if (!v)
			return NULL;
		ns->v = v;
		ns->cap = nc;
	}
	memset(&ns->v[ns->n], 0, sizeof(ns->v[0]));
	return &ns->v[ns->n++];
}

static uint32_t ns_str(struct netns *ns, const char *s)
{
	size_t l = strlen(s) + 1;
	uint32_t off;

	if (l == 1)
		return 0;
	if (ns->plen + l > ns->pcap) {
		size_t nc = ns->pcap ? ns->pcap * 2 : 4096;
		char *p;

		while (nc < ns->plen + l)
			nc *= 2;
		p = mem_realloc(ns->pool, nc);
		if (!p)
			return UINT32_MAX;
		if (!ns->pcap)
			p[0] = '\0';	/* offset 0: "" */
		ns->pool = p;
		ns->pcap = nc;
		if (!ns->plen)
			ns->plen = 1;
	}
	off = (uint32_t)ns->plen;
	memcpy(ns->pool + off, s, l);
	ns->plen += l;
	return off;
}

/* 32 hex digits as /proc/net/tcp6 prints them: four words, each the
 * number the kernel read from memory. */
static bool hex_words(const char *h, uint8_t *out, int words)
{
	for (int i = 0; i < words; i++) {
		char w[9];
		uint32_t v;

		memcpy(w, h + 8 * i, 8);
		w[8] = '\0';
		for (int k = 0; k < 8; k++)
			if (!isxdigit((unsigned char)w[k]))
				return false;
		v = (uint32_t)strtoul(w, NULL, 16);
		memcpy(out + 4 * i, &v, 4);
	}
	return true;
}

static int parse_inet_line(struct netns *ns, const char *line, bool v6, uint8_t l4)
{
	char la[33], ra[33];
	unsigned lp, rp;
	uint64_t ino;
	struct sock_ent *e;
	const char *p = strchr(line, ':');

	if (!p)
		return 0;
	if (sscanf(p + 1, " %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %*x %*x:%*x %*x:%*x %*x %*u %*d %"
		   SCNu64, la, &lp, ra, &rp, &ino) != 5)
		return 0;
	if (strlen(la) != (v6 ? 32u : 8u) || strlen(ra) != strlen(la))
		return 0;
	if (!(e = ns_push(ns)))
		return -ENOMEM;
	if (!hex_words(la, e->lip, v6 ? 4 : 1) || !hex_words(ra, e->rip, v6 ? 4 : 1)) {
		ns->n--;
		return 0;
	}
	e->ino = ino;
	e->kind = v6 ? SK_V6 : SK_V4;
	e->l4 = l4;
	e->lport = (uint16_t)lp;
	e->rport = (uint16_t)rp;
	return 0;
}

static int parse_unix_line(struct netns *ns, char *line)
{
	char *p = line, *end;
	unsigned long long src;
	uint64_t ino;
	struct sock_ent *e;
	int i;

	errno = 0;
	src = strtoull(p, &end, 16);
	if (end == p || *end != ':' || errno)
		return 0;
	p = end + 1;
	/* RefCount Protocol Flags Type St, then Inode */
	for (i = 0; i < 5; i++) {
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
	}
	ino = strtoull(p, &end, 10);
	if (end == p)
		return 0;
	p = end;
	while (*p == ' ')
		p++;
	p[strcspn(p, "\n")] = '\0';
	if (!(e = ns_push(ns)))
		return -ENOMEM;
	e->ino = ino;
	e->kind = SK_UNIX;
	e->unix_src = src;
	if ((e->path = ns_str(ns, p)) == UINT32_MAX) {
		ns->n--;
		return -ENOMEM;
	}
	return 0;
}

static int parse_netlink_line(struct netns *ns, const char *line)
{
	uint64_t ino;
	struct sock_ent *e;

	if (line[0] == 's' ||
	    sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %" SCNu64, &ino) != 1)
		return 0;
	if (!(e = ns_push(ns)))
		return -ENOMEM;
	e->ino = ino;
	e->kind = SK_NETLINK;
	return 0;
}

/* Reads one table; -errno when it cannot be opened. */
static int load_table(struct netns *ns, const char *path, int kind, uint8_t l4)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	if (!f)
		return -errno;
	while (!r && getline(&line, &cap, f) > 0) {
		switch (kind) {
		case SK_V4: r = parse_inet_line(ns, line, false, l4); break;
		case SK_V6: r = parse_inet_line(ns, line, true, l4); break;
		case SK_UNIX: r = parse_unix_line(ns, line); break;
		default: r = parse_netlink_line(ns, line); break;
		}
	}
	free(line);
	fclose(f);
	return r;
}

static void netns_release(struct netns *ns)
{
	mem_free(ns->v);
	mem_free(ns->pool);
	memset(ns, 0, sizeof(*ns));
}

/* The socket tables of the namespace ino, read through dir's net/ the
 * first time; NULL when they cannot be read (the process left). */
static struct netns *netns_get(struct scan *sc, const char *dir, uint64_t ino)
{
	static const struct {
		const char *file;
		int kind;
		uint8_t l4;
	} tabs[] = {
		{ "tcp", SK_V4, IPPROTO_TCP }, { "udp", SK_V4, IPPROTO_UDP },
		{ "raw", SK_V4, IPPROTO_RAW }, { "unix", SK_UNIX, 0 },
		{ "netlink", SK_NETLINK, 0 }, { "tcp6", SK_V6, IPPROTO_TCP },
		{ "udp6", SK_V6, IPPROTO_UDP }, { "raw6", SK_V6, IPPROTO_RAW },
	};
	struct netns ns = { .ino = ino };
	size_t i;

	for (i = 0; i < sc->nns; i++)
		if (sc->ns[i].ino == ino)
			return &sc->ns[i];
	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		int r;

		if (snprintf(sc->path2, sizeof(sc->path2), ino ? "%snet/%s" : "%s/net/%s",
			     ino ? dir : sc->proc, tabs[i].file) >= (int)sizeof(sc->path2))
			break;
		r = load_table(&ns, sc->path2, tabs[i].kind, tabs[i].l4);
		if (r == -ENOMEM) {
			sc->fatal = -ENOMEM;
			netns_release(&ns);
			return NULL;
		}
		if (r < 0 && i == 0) {	/* no tcp table: the process is gone */
			if (!vanished_errno(-r)) {
				fail_at(sc, sc->path2, -r);
				sc->s->errors++;
			}
			netns_release(&ns);
			return NULL;
		}
	}
	if (ns.n)
		qsort(ns.v, ns.n, sizeof(ns.v[0]), sock_cmp);
	if (sc->nns == sc->capns) {
		size_t nc = sc->capns ? sc->capns * 2 : 8;
		struct netns *v = mem_reallocarray(sc->ns, nc, sizeof(*v));

		if (!v) {
			sc->fatal = -ENOMEM;
			netns_release(&ns);
			return NULL;
		}
		sc->ns = v;
		sc->capns = nc;
	}
	sc->ns[sc->nns] = ns;
	sc->s->netns++;
	return &sc->ns[sc->nns++];
}

static const struct sock_ent *sock_find(const struct netns *ns, uint64_t ino)
{
	struct sock_ent key = { .ino = ino };

	return ns->n ? bsearch(&key, ns->v, ns->n, sizeof(key), sock_cmp) : NULL;
}

static bool all_zero(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i])
			return false;
	return true;
}

static void seed_fd(struct scan *sc, int64_t pid, const struct fdi *f)
{
	if (state__seed_fd(sc->st, pid, f))
		sc->s->rejected++;
	else
		sc->s->fds++;
}

static void defer_fd(struct scan *sc, int64_t pid, const struct fdi *f)
{
	if (sc->npend == sc->cappend) {
		size_t nc = sc->cappend ? sc->cappend * 2 : 64;
		struct pend *v = mem_reallocarray(sc->pend, nc, sizeof(*v));

		if (!v) {
			sc->fatal = -ENOMEM;
			return;
		}
		sc->pend = v;
		sc->cappend = nc;
	}
	sc->pend[sc->npend].pid = pid;
	sc->pend[sc->npend].f = *f;
	sc->npend++;
}

/* Seeds the socket fd f (num and ino set) from its table entry. */
static void seed_socket(struct scan *sc, int64_t pid, struct fdi *f, const struct netns *ns,
			const struct sock_ent *e)
{
	char name[256];

	name[0] = '\0';
	f->l4proto = e->l4;
	switch (e->kind) {
	case SK_V4:
	case SK_V6: {
		bool v6 = e->kind == SK_V6;
		size_t alen = v6 ? 16 : 4;

		if (all_zero(e->rip, alen)) {	/* listening, or unconnected */
			f->type = v6 ? FDI_IPV6_SOCK : FDI_IPV4_SOCK;
			f->family = v6 ? AF_INET6 : AF_INET;
			f->role = FDI_ROLE_SERVER;
			f->flags |= FDI_F_LISTENING;
			memcpy(f->dst.addr, e->lip, alen);
			f->dst.port = e->lport;
			sc->srv_ports[e->lport / 8] |= (uint8_t)(1u << (e->lport % 8));
			fdi_ep_name(f->family, &f->dst, name, sizeof(name));
			break;
		}
		if (e->l4 == IPPROTO_TCP)
			f->flags |= FDI_F_CONNECTED;
		if (!v6 || (fdi_addr_v4_mapped(e->lip) && fdi_addr_v4_mapped(e->rip))) {
			f->type = FDI_IPV4_SOCK;
			f->family = AF_INET;
			memcpy(f->src.addr, v6 ? e->lip + 12 : e->lip, 4);
			memcpy(f->dst.addr, v6 ? e->rip + 12 : e->rip, 4);
			f->src.port = e->lport;
			f->dst.port = e->rport;
			defer_fd(sc, pid, f);	/* direction known once all servers are */
			return;
		}
		f->type = FDI_IPV6_SOCK;
		f->family = AF_INET6;
		memcpy(f->src.addr, e->lip, 16);
		memcpy(f->dst.addr, e->rip, 16);
		f->src.port = e->lport;
		f->dst.port = e->rport;
		fdi_tuple_name(f, name, sizeof(name));
		break;
	}
	case SK_UNIX: {
		const char *path = e->path ? ns->pool + e->path : "";

		f->type = FDI_UNIX_SOCK;
		f->family = AF_UNIX;
		f->unix_src = e->unix_src;
		f->unix_dst = 0;
		f->role = *path ? FDI_ROLE_SERVER : FDI_ROLE_CLIENT;
		f->name = path;
		f->name_len = (uint32_t)strlen(path);
		seed_fd(sc, pid, f);
		return;
	}
	default:
		f->type = FDI_NETLINK;
		f->family = AF_NETLINK;
		break;
	}
	f->name = name;
	f->name_len = (uint32_t)strlen(name);
	seed_fd(sc, pid, f);
}

/* The connected IPv4 sockets, once every listening port is known. */
static void flush_pending(struct scan *sc)
{
	char name[256];

	for (size_t i = 0; i < sc->npend; i++) {
		struct fdi *f = &sc->pend[i].f;
		uint16_t lport = f->src.port;

		if (sc->srv_ports[lport / 8] & (1u << (lport % 8))) {
			struct fdi_ep t = f->src;

			f->src = f->dst;
			f->dst = t;
			f->role = FDI_ROLE_SERVER;
		} else {
			f->role = FDI_ROLE_CLIENT;
		}
		fdi_tuple_name(f, name, sizeof(name));
		f->name = name;
		f->name_len = (uint32_t)strlen(name);
		seed_fd(sc, sc->pend[i].pid, f);
	}
}

/* ---- fds ----------------------------------------------------------------- */

static uint8_t anon_type(const char *what)
{
	static const struct {
		const char *name;
		uint8_t type;
	} map[] = {
		{ "[eventfd]", FDI_EVENT }, { "[eventpoll]", FDI_EVENTPOLL },
		{ "inotify", FDI_INOTIFY }, { "[signalfd]", FDI_SIGNALFD },
		{ "[timerfd]", FDI_TIMERFD }, { "[io_uring]", FDI_IOURING },
		{ "[userfaultfd]", FDI_USERFAULTFD }, { "[pidfd]", FDI_PIDFD },
		{ "bpf-map", FDI_BPF }, { "bpf-prog", FDI_BPF },
		{ "bpf-link", FDI_BPF }, { "bpf_iter", FDI_BPF },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(what, map[i].name))
			return map[i].type;
	return FDI_UNKNOWN;
}

/* fdinfo's "flags:" (octal) and "mnt_id:" of a file fd. */
static void file_fdinfo(struct scan *sc, const char *dir, const char *fdname, struct fdi *f)
{
	char buf[1024], *p;

	if (snprintf(sc->path2, sizeof(sc->path2), "%sfdinfo/%s", dir, fdname) >=
	    (int)sizeof(sc->path2))
		return;
	if (slurp(sc->path2, buf, sizeof(buf)) <= 0)
		return;
	if ((p = strstr(buf, "flags:")))
		f->open_flags = open_flags_to_ppm(strtoul(p + 6, NULL, 8));
	if ((p = strstr(buf, "mnt_id:")))
		f->mount_id = (uint32_t)strtoul(p + 7, NULL, 10);
}

static void scan_fds(struct scan *sc, const char *dir, int64_t pid)
{
	char fddir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	struct stat sb;
	uint64_t netns_ino = 0;
	struct netns *ns = NULL;
	bool ns_tried = false;

	path_at(fddir, sizeof(fddir), dir, "fd");
	d = opendir(fddir);
	if (!d) {
		int e = errno;

		if (fail_at(sc, fddir, e) == RS_ERROR)
			sc->s->errors++;
		return;
	}
	path_at(sc->path, sizeof(sc->path), dir, "ns/net");
	if (stat(sc->path, &sb) == 0)
		netns_ino = sb.st_ino;
	while (!sc->fatal && (de = readdir(d))) {
		struct fdi f = { 0 };
		char *end;
		ssize_t n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		f.num = strtoll(de->d_name, &end, 10);
		if (*end)
			continue;
		if (snprintf(sc->path, sizeof(sc->path), "%s/%s", fddir, de->d_name) >=
		    (int)sizeof(sc->path))
			continue;
		n = read_link(sc->path, sc->link, sizeof(sc->link));
		if (n <= 0)
			continue;	/* closed meanwhile */
		f.name = "";
		if (starts(sc->link, "socket:[")) {
			const struct sock_ent *e;

			f.ino = strtoull(sc->link + 8, NULL, 10);
			if (!ns_tried) {
				ns = netns_get(sc, dir, netns_ino);
				ns_tried = true;
			}
			if (ns && (e = sock_find(ns, f.ino)))
				seed_socket(sc, pid, &f, ns, e);
			continue;
		}
		if (starts(sc->link, "pipe:[")) {
			f.type = FDI_PIPE;
			f.ino = strtoull(sc->link + 6, NULL, 10);
			f.name = sc->link;
		} else if (starts(sc->link, "anon_inode:")) {
			f.type = anon_type(sc->link + 11);
			if (stat(sc->path, &sb) == 0)
				f.ino = sb.st_ino;
		} else {
			if (stat(sc->path, &sb) != 0)
				continue;
			f.ino = sb.st_ino;
			switch (sb.st_mode & S_IFMT) {
			case S_IFDIR:
				f.type = FDI_DIRECTORY;
				f.name = sc->link;
				break;
			case S_IFIFO:
				f.type = FDI_PIPE;
				f.name = sc->link;
				break;
			case S_IFREG:
			case S_IFBLK:
			case S_IFCHR:
			case S_IFLNK:
				f.name = sc->link;
				if (starts(sc->link, "/memfd:")) {
					f.type = FDI_MEMFD;
				} else {
					f.type = FDI_FILE;
					file_fdinfo(sc, dir, de->d_name, &f);
				}
				break;
			case S_IFSOCK:
				f.type = FDI_UNKNOWN;
				f.name = sc->link;
				break;
			default:
				f.type = FDI_UNKNOWN;
				break;
			}
		}
		f.name_len = (uint32_t)strlen(f.name);
		seed_fd(sc, pid, &f);
	}
	closedir(d);
}

/* ---- processes ----------------------------------------------------------- */

static void count(struct scan *sc, int r)
{
	switch (r) {
	case RS_VANISHED: sc->s->vanished++; break;
	case RS_SKIPPED: sc->s->skipped++; break;
	case RS_ERROR: sc->s->errors++; break;
	case RS_NOMEM: sc->fatal = -ENOMEM; break;
	default: break;
	}
}

static int seed_thread(struct scan *sc, const struct state_thr_seed *t)
{
	int r = state__seed_thread(sc->st, t);

	if (r) {
		sc->s->rejected++;
		return r;
	}
	sc->s->threads++;
	return 0;
}

static void scan_process(struct scan *sc, int64_t pid)
{
	char dir[PATH_MAX], taskdir[PATH_MAX];
	struct state_thr_seed t;
	struct proc_ctx pc = { 0 };
	DIR *d;
	struct dirent *de;
	int r;
	bool leader_ok = false;

	snprintf(dir, sizeof(dir), "%s/%" PRId64 "/", sc->proc, pid);
	r = read_thread(sc, dir, pid, &pc, &t);
	if (r == RS_OK)
		leader_ok = seed_thread(sc, &t) == 0;
	else
		count(sc, r);
	if (r == RS_VANISHED || sc->fatal)
		return;

	snprintf(taskdir, sizeof(taskdir), "%s/%" PRId64 "/task", sc->proc, pid);
	d = opendir(taskdir);
	if (d) {
		while (!sc->fatal && (de = readdir(d))) {
			char tdir[PATH_MAX + 64], *end;
			long long tid;

			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			tid = strtoll(de->d_name, &end, 10);
			if (*end || tid == pid)
				continue;
			if (snprintf(tdir, sizeof(tdir), "%s/%s/", taskdir, de->d_name) >=
			    (int)sizeof(tdir))
				continue;
			r = read_thread(sc, tdir, tid, &pc, &t);
			if (r == RS_OK)
				seed_thread(sc, &t);
			else
				count(sc, r);
		}
		closedir(d);
	}
	if (leader_ok && !sc->fatal)
		scan_fds(sc, dir, pid);
}

/* ---- users and groups ---------------------------------------------------- */

static void seed_pw(struct scan *sc, const struct passwd *p)
{
	struct state_user u = {
		.uid = p->pw_uid, .gid = p->pw_gid, .name = p->pw_name ? p->pw_name : "",
		.homedir = p->pw_dir ? p->pw_dir : "", .shell = p->pw_shell ? p->pw_shell : "",
	};

	if (state__seed_user(sc->st, &u))
		sc->s->rejected++;
	else
		sc->s->users++;
}

static void seed_gr(struct scan *sc, const struct group *g)
{
	struct state_group gr = { .gid = g->gr_gid, .name = g->gr_name ? g->gr_name : "" };

	if (state__seed_group(sc->st, &gr))
		sc->s->rejected++;
	else
		sc->s->groups++;
}

static void scan_users(struct scan *sc)
{
	struct passwd *p;
	struct group *g;
	FILE *f;

	if (!sc->host[0]) {	/* the host itself: its name service */
		setpwent();
		while ((p = getpwent()))
			seed_pw(sc, p);
		endpwent();
		setgrent();
		while ((g = getgrent()))
			seed_gr(sc, g);
		endgrent();
		return;
	}
	if (snprintf(sc->path, sizeof(sc->path), "%s/etc/passwd", sc->host) <
	    (int)sizeof(sc->path) && (f = fopen(sc->path, "re"))) {
		while ((p = fgetpwent(f)))
			seed_pw(sc, p);
		fclose(f);
	}
	if (snprintf(sc->path, sizeof(sc->path), "%s/etc/group", sc->host) <
	    (int)sizeof(sc->path) && (f = fopen(sc->path, "re"))) {
		while ((g = fgetgrent(f)))
			seed_gr(sc, g);
		fclose(f);
	}
}

/* ---- the scan ------------------------------------------------------------ */

static void scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->nns; i++)
		netns_release(&sc->ns[i]);
	mem_free(sc->ns);
	mem_free(sc->pend);
	for (size_t i = 0; i < sc->ncg; i++) {
		mem_free(sc->cg[i].key);
		mem_free(sc->cg[i].blob);
	}
	mem_free(sc->cg);
	strmap_release(&sc->cg_idx);
	mem_free(sc->env);
	mem_free(sc);
}

/* The host's interface addresses (what tells local from remote ends of
 * connections), as libscap lists them when a live source opens. */
static void scan_ifaces(struct scan *sc)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr *a = i->ifa_addr, *m = i->ifa_netmask;

		if (!a || (a->sa_family != AF_INET && a->sa_family != AF_INET6))
			continue;
		if (a->sa_family == AF_INET)
			state__add_iface(sc->st, AF_INET,
					 (const uint8_t *)&((const struct sockaddr_in *)a)->sin_addr,
					 m ? (const uint8_t *)&((const struct sockaddr_in *)m)->sin_addr : NULL);
		else
			state__add_iface(sc->st, AF_INET6,
					 ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr,
					 m ? ((const struct sockaddr_in6 *)m)->sin6_addr.s6_addr : NULL);
		sc->s->ifaces++;
	}
	freeifaddrs(ifa);
}

int proc_scan(struct state *st, const char *proc_root, struct proc_scan_stats *out,
	      char *err, size_t errlen)
{
	struct proc_scan_stats local;
	struct scan *sc;
	DIR *d;
	struct dirent *de;
	char *slash;
	int ret;

	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (!proc_root)
		proc_root = "/proc";
	if (strlen(proc_root) > PATH_MAX / 2) {	/* leaves room for every path built */
		if (err && errlen)
			snprintf(err, errlen, "proc scan: root path too long");
		return -ENAMETOOLONG;
	}
	sc = mem_calloc(1, sizeof(*sc));
	if (!sc) {
		if (err && errlen)
			snprintf(err, errlen, "proc scan: out of memory");
		return -ENOMEM;
	}
	sc->st = st;
	sc->proc = proc_root;
	sc->s = out;
	sc->err = err;
	sc->errlen = errlen;
	snprintf(sc->host, sizeof(sc->host), "%s", proc_root);
	for (size_t n = strlen(sc->host); n > 1 && sc->host[n - 1] == '/'; n--)
		sc->host[n - 1] = '\0';
	slash = strrchr(sc->host, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(sc->host, sizeof(sc->host), ".");

	d = opendir(proc_root);
	if (!d) {
		ret = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", proc_root, strerror(-ret));
		scan_free(sc);
		return ret;
	}
	cg2_find_mount(sc);
	while (!sc->fatal && (de = readdir(d))) {
		char *end;
		long long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtoll(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		scan_process(sc, pid);
	}
	closedir(d);
	if (!sc->fatal)
		flush_pending(sc);
	if (!sc->fatal)
		scan_users(sc);
	if (!sc->fatal && !strcmp(proc_root, "/proc"))
		scan_ifaces(sc);
	ret = sc->fatal;
	if (ret && err && errlen)
		snprintf(err, errlen, "proc scan: out of memory");
	scan_free(sc);
	return ret;
}
