/* Internals of the state engine shared by its tables (thr_tab.c, fd_tab.c,
 * user_tab.c), seeding (seed.c) and its event handlers (state_update.c). Not for readers outside state/. */
#pragma once
#include "runtime/base/mem.h"
#include <stddef.h>

#include "state/state.h"

#include "runtime/base/evt.h"

#define STATE_ENTER_MAX 4096	/* largest enter record kept for its exit */
#define STATE_ENTER_ROUND 64	/* its buffer grows by this much at least */

/* The heap the state holds, accounted around every public function that
 * may allocate or free: what the calling thread's net allocation moved by
 * (runtime/base/mem.h, two loads each side). */
#define STATE_HEAP_BEGIN() int64_t heap0_ = mem_thread_net()
#define STATE_HEAP_END(st) ((st)->heap += mem_thread_net() - heap0_)
#define STATE_MAX_CPUS 1024	/* CPUs whose last context switch is kept */
#define STATE_MAX_IFACES 256	/* interface addresses kept (iface_tab.c) */

struct state_iface {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order */
	uint8_t netmask[16];
};

struct fd_ent {
	struct fdi f;
	char *name;		/* the block f.name and f.nameraw (after it) lie in */
	struct state_dynv *dynv;	/* plugins' values (dynv.c) */
};

/* The fds of one process, shared by its threads. */
struct fd_tab {
	uint32_t refs;
	struct fd_ent *v;	/* sorted by fd number */
	uint32_t n, cap;
	uint32_t hint;		/* where the last fd looked up was: an event's
				 * enter and exit name the same one */
};

struct thr_ent {
	struct thr t;
	struct thr_ent *next;		/* hash chain by tid */
	struct thr_ent *grp_next;	/* chain of the pid index */
	struct thr_ent *kid_next;	/* chain of the ptid index */
	struct thr_ent *lru_prev, *lru_next;	/* on st->live or st->dead */
	bool on_dead;
	struct fd_tab *fds;
	uint64_t last_ts;
	char ctr[16];
	uint8_t *enter;		/* copy of the last enter record */
	uint32_t enter_len;
	uint32_t enter_cap;	/* bytes of the buffer */
	uint16_t enter_type;
	struct state_dynv *dynv;	/* plugins' values (dynv.c) */
};


/* Threads in order of last activity, oldest first. */
struct thr_list {
	struct thr_ent *head, *tail;
};

#define STATE_PIDX_MEMO 512	/* (event type, parameter name) -> index */

struct state_pidx {
	const char *name;
	uint16_t type;
	int16_t idx;
};

struct state {
	struct state_opts o;
	struct state_pidx pidx[STATE_PIDX_MEMO];
	int64_t heap;			/* net bytes its public functions allocated */
	struct thr_ent **buckets, **grp_buckets, **kid_buckets;
	size_t nbuckets, nthreads;
	size_t max_buckets;		/* nbuckets grows up to this */
	struct thr_list live, dead;
	struct user_tab *users;		/* user_tab.c */
	struct state_stats st;
	/* deferred by the last event */
	int64_t close_tid, close_fd;
	int64_t exit_tid, exit_reaper;	/* exit_reaper: the procexit's reaper_tid, 0 unknown */
	/* the thread of the event being applied: never the one evicted */
	int64_t pin_tid;
	struct evt enter_view;
	uint64_t last_switch_ts[STATE_MAX_CPUS];	/* per CPU, for thread.exectime */
	struct state_iface ifaces[STATE_MAX_IFACES];
	uint32_t nifaces;
	/* bumped by every change of what the process fields read (threads
	 * created, changed, reparented or removed; users added; containers
	 * described or evicted) */
	uint64_t proc_gen;
	struct ctr_tab *ctrs;		/* ctr_tab.c */
	/* the thread of a container event (as Falco makes one: tid -1,
	 * named "container:ID", in that container) */
	struct thr ctr_thr;
	char ctr_thr_id[72], ctr_thr_name[96];
	bool (*ctr_hook)(void *ctx, const char *id);	/* state__set_container_hook */
	void *ctr_hook_ctx;
};

/* state_update.c: its tables by event type, built once (state__new). */
void state_update_init(void);

/* thr_tab.c */
int state_thr_tab_init(struct state *st);
void state_thr_tab_release(struct state *st);
struct thr_ent *state_thr_get(struct state *st, int64_t tid);
/* Finds or creates tid (evicting when full); NULL only when nothing can
 * be evicted or memory is out. */
struct thr_ent *state_thr_make(struct state *st, int64_t tid, bool *created);
void state_thr_remove(struct state *st, int64_t tid);
/* pid and ptid change only through these (they keep the indexes). */
void state_thr_set_pid(struct state *st, struct thr_ent *te, int64_t pid);
void state_thr_set_ptid(struct state *st, struct thr_ent *te, int64_t ptid);
/* Iterates the threads of process pid / the children of ptid: k NULL for
 * the first; NULL at the end. */
struct thr_ent *state_thr_next_in_group(struct state *st, struct thr_ent *k, int64_t pid);
struct thr_ent *state_thr_next_child(struct state *st, struct thr_ent *k, int64_t ptid);
/* An event of te's at ts: te becomes the most recently active. */
void state_thr_touch(struct state *st, struct thr_ent *te, uint64_t ts);
/* Marks te dead (first in line for eviction) or alive again. */
void state_thr_set_dead(struct state *st, struct thr_ent *te, bool dead);
/* Recomputes te's container id from its cgroups (and the container
 * table's thread counts). */
void state_thr_refresh_ctr(struct state *st, struct thr_ent *te);

/* ctr_tab.c */
int state_ctr_tab_init(struct state *st);
void state_ctr_tab_release(struct state *st);
/* A thread of the thread table enters or leaves container id ("": the
 * host, nothing happens); a new id is offered to the lookup hook. */
void state_ctr_join(struct state *st, const char *id);
void state_ctr_leave(struct state *st, const char *id);
/* state__container_put inside a function that counts the heap already. */
int state_ctr_put(struct state *st, struct ctr_meta *m);
uint64_t state_ctr_count(const struct state *st);

/* user_tab.c */
int state_user_tab_init(struct state *st);
void state_user_tab_release(struct state *st);

/* state.c */
int state_set_str(const char **dst, const char *src, size_t n);
int state_set_blob(struct thr_blob *dst, const char *src, uint32_t n);

/* fd_tab.c */
struct fd_tab *state_fdtab_new(void);
struct fd_tab *state_fdtab_copy(const struct fd_tab *src);
void state_fdtab_put(struct fd_tab *t);
struct fd_ent *state_fd_find(struct fd_tab *t, int64_t fd);
/* Adds or replaces fd; name copied. */
struct fd_ent *state_fd_add(struct state *st, struct fd_tab *t, const struct fdi *f);
void state_fd_remove(struct fd_tab *t, int64_t fd);
