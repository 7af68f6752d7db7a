/* Internals of the state engine shared by its tables (state_tab.c) and its
 * event handlers (state_update.c). Not for readers outside state/. */
#pragma once
#include "state/state.h"

#include "runtime/base/evt.h"

#define STATE_ENTER_MAX 4096	/* largest enter record kept for its exit */

struct fd_ent {
	struct fdi f;
	char *name, *nameraw;
};

/* The fds of one process, shared by its threads. */
struct fd_tab {
	uint32_t refs;
	struct fd_ent *v;	/* sorted by fd number */
	uint32_t n, cap;
};

struct thr_ent {
	struct thr t;
	struct thr_ent *next;	/* hash chain */
	struct fd_tab *fds;
	uint64_t last_ts;
	char ctr[16];
	uint8_t *enter;		/* copy of the last enter record */
	uint32_t enter_len;
	uint16_t enter_type;
};

struct user_ent {
	struct state_user u;
	bool is_group;
};

struct state {
	struct state_opts o;
	struct thr_ent **buckets;
	size_t nbuckets, nthreads;
	struct user_ent *users;
	size_t nusers, capusers;
	struct state_stats st;
	/* deferred by the last event */
	int64_t close_tid, close_fd;
	int64_t exit_tid, exit_reaper;	/* exit_reaper: the procexit's reaper_tid, 0 unknown */
	/* the thread of the event being applied: never the one evicted */
	int64_t pin_tid;
	struct evt enter_view;
};

struct thr_ent *state_thr_get(struct state *st, int64_t tid);
/* Finds or creates tid (evicting when full); NULL only when nothing can
 * be evicted or memory is out. */
struct thr_ent *state_thr_make(struct state *st, int64_t tid, bool *created);
void state_thr_remove(struct state *st, int64_t tid);
int state_set_str(const char **dst, const char *src, size_t n);
int state_set_blob(struct thr_blob *dst, const char *src, uint32_t n);
void state_thr_refresh_ctr(struct thr_ent *te);

struct fd_tab *state_fdtab_new(void);
struct fd_tab *state_fdtab_copy(const struct fd_tab *src);
void state_fdtab_put(struct fd_tab *t);
struct fd_ent *state_fd_find(struct fd_tab *t, int64_t fd);
/* Adds or replaces fd; name copied. */
struct fd_ent *state_fd_add(struct state *st, struct fd_tab *t, const struct fdi *f);
void state_fd_remove(struct fd_tab *t, int64_t fd);
