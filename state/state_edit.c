/* Edits of the state by its users outside the event handlers: plugins that
 * write the threads and file_descriptors tables (runtime/plugin_tables.c).
 * Each keeps the indexes and the process generation consistent, and
 * refuses to erase the thread being applied. Adding or removing an fd
 * moves its process's other fds: a caller holding a struct fdi of that
 * process looks it up again. */
#include <errno.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/state_int.h"

static struct thr_ent *ent_of(struct thr *t)
{
	return (struct thr_ent *)t;	/* struct thr is its entry's first member */
}

struct state_dynv **state__thr_dynv(struct state *st, struct thr *t)
{
	(void)st;
	return &ent_of(t)->dynv;
}

struct state_dynv **state__fd_dynv(struct state *st, const struct thr *t, int64_t fd)
{
	struct thr_ent *te = state_thr_get(st, t->tid);
	struct fd_ent *e = te ? state_fd_find(te->fds, fd) : NULL;

	return e ? &e->dynv : NULL;
}

int64_t state__busy_tid(const struct state *st)
{
	return st->pin_tid;
}

void state__thr_changed(struct state *st, struct thr *t)
{
	(void)t;
	st->proc_gen++;
}

void state__thr_set_pid(struct state *st, struct thr *t, int64_t pid)
{
	state_thr_set_pid(st, ent_of(t), pid);
}

void state__thr_set_ptid(struct state *st, struct thr *t, int64_t ptid)
{
	state_thr_set_ptid(st, ent_of(t), ptid);
}

int state__thr_set_str(struct state *st, struct thr *t, const char **member, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int err;

	if (member == &t->cwd && s && (!n || s[n - 1] != '/')) {
		/* a cwd keeps its trailing '/', as everywhere in the state */
		char *c = mem_malloc(n + 2);

		if (!c)
			return -ENOMEM;
		memcpy(c, s, n);
		c[n] = '/';
		c[n + 1] = '\0';
		mem_free((char *)*member);
		*member = c;
		st->proc_gen++;
		return 0;
	}
	err = state_set_str(member, s, n);
	if (!err)
		st->proc_gen++;
	return err;
}

int state__thr_set_blob(struct state *st, struct thr *t, struct thr_blob *member, const char *p,
			uint32_t len)
{
	int err = state_set_blob(member, p, len);

	if (err)
		return err;
	if (member == &t->cgroups)
		state_thr_refresh_ctr(st, ent_of(t));
	st->proc_gen++;
	return 0;
}

int state__erase_thread(struct state *st, int64_t tid)
{
	if (tid == st->pin_tid || tid == st->exit_tid || tid == st->close_tid)
		return -EBUSY;
	if (!state_thr_get(st, tid))
		return -ENOENT;
	state_thr_remove(st, tid);
	return 0;
}

int state__put_fd(struct state *st, const struct thr *t, const struct fdi *f)
{
	struct thr_ent *te = state_thr_get(st, t->tid);

	if (!te)
		return -ENOENT;
	if (!te->fds && !(te->fds = state_fdtab_new()))
		return -ENOMEM;
	return state_fd_add(st, te->fds, f) ? 0 : -ENOMEM;
}

int state__erase_fd(struct state *st, const struct thr *t, int64_t fd)
{
	struct thr_ent *te = state_thr_get(st, t->tid);

	if (!te || !state_fd_find(te->fds, fd))
		return -ENOENT;
	state_fd_remove(te->fds, fd);
	return 0;
}

struct fdi *state__fd_at(struct state *st, const struct thr *t, uint32_t i)
{
	struct thr_ent *te = state_thr_get(st, t->tid);

	return te && te->fds && i < te->fds->n ? &te->fds->v[i].f : NULL;
}
