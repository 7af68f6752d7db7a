/* The fd tables: one per process, shared by its threads (reference
 * counted), a sorted array by fd number, bounded by
 * state_opts.max_fds_per_proc: when full the lowest-numbered fd above the
 * standard three makes room, counted in fds_evicted. */
#include <errno.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/state_int.h"

struct fd_tab *state_fdtab_new(void)
{
	struct fd_tab *t = mem_calloc(1, sizeof(*t));

	if (t)
		t->refs = 1;
	return t;
}

static void fd_ent_release(struct fd_ent *e)
{
	mem_free(e->name);
}

void state_fdtab_put(struct fd_tab *t)
{
	if (!t || --t->refs)
		return;
	for (uint32_t i = 0; i < t->n; i++) {
		fd_ent_release(&t->v[i]);
		state_dynv_free(t->v[i].dynv);
	}
	mem_free(t->v);
	mem_free(t);
}

/* Runs of '/' made one, in place: fd.nameraw as Falco gives it. */
static void squeeze_slashes(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++)
		if (*r != '/' || w == s || w[-1] != '/')
			*w++ = *r;
	*w = '\0';
}

/* e holds f, its names copied into one block (name, then nameraw). */
static int fd_ent_set(struct fd_ent *e, const struct fdi *f)
{
	size_t nl = f->name ? strnlen(f->name, f->name_len) : 0;
	size_t rl = f->nameraw ? strnlen(f->nameraw, f->nameraw_len) : 0;
	char *name = mem_malloc(nl + 1 + (f->nameraw ? rl + 1 : 0)), *raw = NULL;

	if (!name)
		return -ENOMEM;
	memcpy(name, f->name ? f->name : "", nl);
	name[nl] = '\0';
	if (f->nameraw) {
		raw = name + nl + 1;
		memcpy(raw, f->nameraw, rl);
		raw[rl] = '\0';
		squeeze_slashes(raw);
	}
	fd_ent_release(e);
	e->f = *f;
	e->name = name;
	e->f.name = name;
	e->f.name_len = (uint32_t)nl;
	e->f.nameraw = raw;
	e->f.nameraw_len = raw ? (uint32_t)strlen(raw) : 0;
	return 0;
}

struct fd_tab *state_fdtab_copy(const struct fd_tab *src)
{
	struct fd_tab *t = state_fdtab_new();

	if (!t || !src || !src->n)
		return t;
	t->v = mem_calloc(src->n, sizeof(*t->v));
	if (!t->v) {
		state_fdtab_put(t);
		return NULL;
	}
	t->cap = src->n;
	for (uint32_t i = 0; i < src->n; i++) {
		if (fd_ent_set(&t->v[t->n], &src->v[i].f))
			break;
		t->v[t->n].dynv = state_dynv_dup(src->v[i].dynv);
		t->n++;
	}
	return t;
}

static uint32_t fd_pos(const struct fd_tab *t, int64_t fd)
{
	uint32_t lo = 0, hi = t->n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (t->v[mid].f.num < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct fd_ent *state_fd_find(struct fd_tab *t, int64_t fd)
{
	uint32_t i;

	if (!t)
		return NULL;
	/* the hint checks itself: fd numbers are unique in the table */
	if (t->hint < t->n && t->v[t->hint].f.num == fd)
		return &t->v[t->hint];
	i = fd_pos(t, fd);
	if (i < t->n && t->v[i].f.num == fd) {
		t->hint = i;
		return &t->v[i];
	}
	return NULL;
}

struct fd_ent *state_fd_add(struct state *st, struct fd_tab *t, const struct fdi *f)
{
	struct fd_ent *e = state_fd_find(t, f->num), ne = { 0 };
	uint32_t i;

	if (e)
		return fd_ent_set(e, f) ? NULL : e;
	/* f's names may belong to an entry of this table (dup copies one):
	 * copy them before an eviction can free them */
	if (fd_ent_set(&ne, f))
		return NULL;
	if (t->n >= st->o.max_fds_per_proc) {
		/* evict the lowest-numbered fd above the standard ones */
		uint32_t k = t->n > 3 ? 3 : 0;

		fd_ent_release(&t->v[k]);
		state_dynv_free(t->v[k].dynv);
		memmove(&t->v[k], &t->v[k + 1], (t->n - k - 1) * sizeof(*t->v));
		t->n--;
		st->st.fds_evicted++;
	}
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 8;
		struct fd_ent *v = mem_reallocarray(t->v, cap, sizeof(*v));

		if (!v) {
			fd_ent_release(&ne);
			return NULL;
		}
		t->v = v;
		t->cap = cap;
	}
	i = fd_pos(t, f->num);
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	t->v[i] = ne;
	t->n++;
	return &t->v[i];
}

void state_fd_remove(struct fd_tab *t, int64_t fd)
{
	struct fd_ent *e = state_fd_find(t, fd);
	uint32_t i;

	if (!e)
		return;
	i = (uint32_t)(e - t->v);
	fd_ent_release(e);
	state_dynv_free(e->dynv);
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
	t->n--;
}


/* ---- lookups of state.h ------------------------------------------------- */

static struct fd_tab *fds_of(struct state *st, const struct thr *t)
{
	struct thr_ent *te = state_thr_get(st, t->tid);

	return te ? te->fds : NULL;
}

struct fdi *state__fd(struct state *st, const struct thr *t, int64_t fd)
{
	struct fd_ent *e = state_fd_find(fds_of(st, t), fd);

	return e ? &e->f : NULL;
}

int state__fd_foreach(struct state *st, const struct thr *t,
		      int (*fn)(void *ctx, const struct fdi *f), void *ctx)
{
	struct fd_tab *ft = fds_of(st, t);
	int r;

	for (uint32_t i = 0; ft && i < ft->n; i++)
		if ((r = fn(ctx, &ft->v[i].f)))
			return r;
	return 0;
}

uint32_t state__fd_count(struct state *st, const struct thr *t)
{
	struct fd_tab *ft = fds_of(st, t);

	return ft ? ft->n : 0;
}

int state__seed_fd(struct state *st, int64_t pid, const struct fdi *f)
{
	struct thr_ent *te = state_thr_get(st, pid);
	STATE_HEAP_BEGIN();
	bool ok;

	if (!te || !te->fds)
		return 0;	/* fds of a thread the list did not give: dropped */
	ok = state_fd_add(st, te->fds, f) != NULL;
	STATE_HEAP_END(st);
	return ok ? 0 : -ENOMEM;
}
