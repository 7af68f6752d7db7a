/* The state's tables: threads (hash by tid, bounded, evicting dead then
 * least recently active threads), per-process fd tables (sorted arrays,
 * bounded, evicting the lowest-numbered fd when full), users and groups
 * (seeded, optionally looked up on the host, bounded), plus the lookups and
 * seeding of state.h. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/ctr_id.h"
#include "state/state_int.h"

#define MAX_WALK 64

static size_t hash_tid(const struct state *st, int64_t tid)
{
	uint64_t x = (uint64_t)tid * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 32) & (st->nbuckets - 1);
}

int state__new(const struct state_opts *o, struct state **out)
{
	struct state *st = mem_calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	if (o)
		memcpy(&st->o, o, o->sz && o->sz < sizeof(st->o) ? o->sz : sizeof(st->o));
	if (!st->o.max_threads)
		st->o.max_threads = 131072;
	if (!st->o.max_fds_per_proc)
		st->o.max_fds_per_proc = 4096;
	if (!st->o.max_users)
		st->o.max_users = 16384;
	st->nbuckets = 1;
	while (st->nbuckets < st->o.max_threads && st->nbuckets < (1u << 20))
		st->nbuckets <<= 1;
	st->buckets = mem_calloc(st->nbuckets, sizeof(*st->buckets));
	if (!st->buckets) {
		mem_free(st);
		return -ENOMEM;
	}
	st->close_tid = st->exit_tid = st->pin_tid = -1;
	*out = st;
	return 0;
}

static void thr_free(struct thr_ent *te)
{
	mem_free((char *)te->t.comm);
	mem_free((char *)te->t.exe);
	mem_free((char *)te->t.exepath);
	mem_free((char *)te->t.cwd);
	mem_free((char *)te->t.root);
	mem_free((char *)te->t.args.p);
	mem_free((char *)te->t.env.p);
	mem_free((char *)te->t.cgroups.p);
	mem_free(te->enter);
	state_fdtab_put(te->fds);
	mem_free(te);
}

void state__free(struct state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nbuckets; i++) {
		struct thr_ent *te = st->buckets[i], *nx;

		for (; te; te = nx) {
			nx = te->next;
			thr_free(te);
		}
	}
	for (size_t i = 0; i < st->nusers; i++) {
		mem_free((char *)st->users[i].u.name);
		mem_free((char *)st->users[i].u.homedir);
		mem_free((char *)st->users[i].u.shell);
	}
	mem_free(st->users);
	mem_free(st->buckets);
	mem_free(st);
}

int state_set_str(const char **dst, const char *src, size_t n)
{
	char *s = src ? mem_strndup(src, n) : NULL;

	if (src && !s)
		return -ENOMEM;
	mem_free((char *)*dst);
	*dst = s;
	return 0;
}

int state_set_blob(struct thr_blob *dst, const char *src, uint32_t n)
{
	char *s = NULL;
	uint32_t len = n && src[n - 1] != '\0' ? n + 1 : n;

	if (len) {
		s = mem_malloc(len);
		if (!s)
			return -ENOMEM;
		memcpy(s, src, n);
		s[len - 1] = '\0';
	}
	mem_free((char *)dst->p);
	dst->p = s;
	dst->len = len;
	return 0;
}

void state_thr_refresh_ctr(struct thr_ent *te)
{
	ctr_id_from_cgroups(te->t.cgroups.p, te->t.cgroups.len, te->ctr);
	te->t.container_id = te->ctr;
}

struct thr_ent *state_thr_get(struct state *st, int64_t tid)
{
	struct thr_ent *te = st->buckets[hash_tid(st, tid)];

	while (te && te->t.tid != tid)
		te = te->next;
	return te;
}

void state_thr_remove(struct state *st, int64_t tid)
{
	struct thr_ent **pp = &st->buckets[hash_tid(st, tid)];

	while (*pp && (*pp)->t.tid != tid)
		pp = &(*pp)->next;
	if (*pp) {
		struct thr_ent *te = *pp;

		*pp = te->next;
		thr_free(te);
		st->nthreads--;
	}
}

/* Frees room for one thread: a dead one if any, else the least recently
 * active; never the thread of the event being applied (its handler holds
 * it). */
static bool evict_one(struct state *st)
{
	struct thr_ent *victim = NULL;

	for (size_t i = 0; i < st->nbuckets; i++)
		for (struct thr_ent *te = st->buckets[i]; te; te = te->next) {
			bool dead = te->t.flags & THR_F_DEAD, vdead;

			if (te->t.tid == st->pin_tid)
				continue;
			if (!victim) {
				victim = te;
				continue;
			}
			vdead = victim->t.flags & THR_F_DEAD;
			if ((dead && !vdead) || (dead == vdead && te->last_ts < victim->last_ts))
				victim = te;
		}
	if (!victim)
		return false;
	state_thr_remove(st, victim->t.tid);
	st->st.threads_evicted++;
	return true;
}

struct thr_ent *state_thr_make(struct state *st, int64_t tid, bool *created)
{
	struct thr_ent *te = state_thr_get(st, tid);
	size_t b;

	*created = false;
	if (te)
		return te;
	if (st->nthreads >= st->o.max_threads && !evict_one(st))
		return NULL;
	te = mem_calloc(1, sizeof(*te));
	if (!te)
		return NULL;
	te->t.tid = tid;
	te->t.pid = tid;
	te->t.ptid = -1;
	te->t.sid = te->t.pgid = te->t.vtid = te->t.vpid = te->t.vpgid = -1;
	te->t.loginuid = -1;
	te->t.uid = te->t.gid = UINT32_MAX;	/* unknown, as Falco has it */
	te->t.container_id = te->ctr;
	b = hash_tid(st, tid);
	te->next = st->buckets[b];
	st->buckets[b] = te;
	st->nthreads++;
	*created = true;
	return te;
}

/* ---- fd tables ---------------------------------------------------------- */

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
	mem_free(e->nameraw);
}

void state_fdtab_put(struct fd_tab *t)
{
	if (!t || --t->refs)
		return;
	for (uint32_t i = 0; i < t->n; i++)
		fd_ent_release(&t->v[i]);
	mem_free(t->v);
	mem_free(t);
}

static int fd_ent_set(struct fd_ent *e, const struct fdi *f)
{
	char *name = mem_strndup(f->name ? f->name : "", f->name ? f->name_len : 0);
	char *raw = f->nameraw ? mem_strndup(f->nameraw, f->nameraw_len) : NULL;

	if (!name || (f->nameraw && !raw)) {
		mem_free(name);
		mem_free(raw);
		return -ENOMEM;
	}
	fd_ent_release(e);
	e->f = *f;
	e->name = name;
	e->nameraw = raw;
	e->f.name = name;
	e->f.name_len = (uint32_t)strlen(name);
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
	i = fd_pos(t, fd);
	return i < t->n && t->v[i].f.num == fd ? &t->v[i] : NULL;
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
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
	t->n--;
}

/* ---- lookups ------------------------------------------------------------ */

struct thr *state__thread(struct state *st, int64_t tid)
{
	struct thr_ent *te = state_thr_get(st, tid);

	return te ? &te->t : NULL;
}

struct thr *state__main_thread(struct state *st, const struct thr *t)
{
	struct thr *m = state__thread(st, t->pid);

	return m ? m : state__thread(st, t->tid);
}

struct thr *state__parent(struct state *st, const struct thr *t)
{
	struct thr *p;

	if (t->ptid <= 0 || t->ptid == t->pid)
		return NULL;
	p = state__thread(st, t->ptid);
	return p && p != t ? p : NULL;
}

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

uint32_t state__nthreads(struct state *st, const struct thr *t)
{
	uint32_t n = 0;

	for (size_t i = 0; i < st->nbuckets; i++)
		for (struct thr_ent *te = st->buckets[i]; te; te = te->next)
			n += te->t.pid == t->pid && !(te->t.flags & THR_F_DEAD);
	return n;
}

uint32_t state__nchilds(struct state *st, const struct thr *t)
{
	uint32_t n = 0;

	for (size_t i = 0; i < st->nbuckets; i++)
		for (struct thr_ent *te = st->buckets[i]; te; te = te->next)
			n += te->t.ptid == t->pid && te->t.tid == te->t.pid &&
			     !(te->t.flags & THR_F_DEAD);
	return n;
}

uint32_t state__fd_count(struct state *st, const struct thr *t)
{
	struct fd_tab *ft = fds_of(st, t);

	return ft ? ft->n : 0;
}

int state__thread_foreach(struct state *st, int (*fn)(void *ctx, const struct thr *t), void *ctx)
{
	int r;

	for (size_t i = 0; i < st->nbuckets; i++)
		for (struct thr_ent *te = st->buckets[i]; te; te = te->next)
			if ((r = fn(ctx, &te->t)))
				return r;
	return 0;
}

void state__stats(const struct state *st, struct state_stats *out)
{
	uint64_t fds = 0;

	*out = st->st;
	out->threads = st->nthreads;
	for (size_t i = 0; i < st->nbuckets; i++)
		for (struct thr_ent *te = st->buckets[i]; te; te = te->next)
			if (te->fds && te->t.tid == te->t.pid)
				fds += te->fds->n;
	out->fds = fds;
}

/* ---- users -------------------------------------------------------------- */

static struct user_ent *user_slot(struct state *st, uint32_t id, bool group)
{
	for (size_t i = 0; i < st->nusers; i++)
		if (st->users[i].is_group == group &&
		    (group ? st->users[i].u.gid : st->users[i].u.uid) == id)
			return &st->users[i];
	return NULL;
}

static int user_add(struct state *st, const struct state_user *u, bool group)
{
	struct user_ent *e = user_slot(st, group ? u->gid : u->uid, group);
	struct state_user c = *u;

	if (!e) {
		if (st->nusers >= st->o.max_users) {
			/* evict the oldest entry */
			mem_free((char *)st->users[0].u.name);
			mem_free((char *)st->users[0].u.homedir);
			mem_free((char *)st->users[0].u.shell);
			memmove(&st->users[0], &st->users[1], (st->nusers - 1) * sizeof(*st->users));
			st->nusers--;
			st->st.users_evicted++;
		}
		if (st->nusers == st->capusers) {
			size_t cap = st->capusers ? st->capusers * 2 : 64;
			struct user_ent *v = mem_reallocarray(st->users, cap, sizeof(*v));

			if (!v)
				return -ENOMEM;
			st->users = v;
			st->capusers = cap;
		}
		e = &st->users[st->nusers++];
		memset(e, 0, sizeof(*e));
	}
	c.name = c.homedir = c.shell = NULL;
	if (state_set_str(&c.name, u->name ? u->name : "", u->name ? strlen(u->name) : 0) ||
	    (u->homedir && state_set_str(&c.homedir, u->homedir, strlen(u->homedir))) ||
	    (u->shell && state_set_str(&c.shell, u->shell, strlen(u->shell)))) {
		mem_free((char *)c.name);
		mem_free((char *)c.homedir);
		return -ENOMEM;
	}
	mem_free((char *)e->u.name);
	mem_free((char *)e->u.homedir);
	mem_free((char *)e->u.shell);
	e->u = c;
	e->is_group = group;
	return 0;
}

int state__seed_user(struct state *st, const struct state_user *u)
{
	return user_add(st, u, false);
}

int state__seed_group(struct state *st, const struct state_group *g)
{
	struct state_user u = { .gid = g->gid, .name = g->name };

	return user_add(st, &u, true);
}

const struct state_user *state__user(struct state *st, uint32_t uid)
{
	struct user_ent *e = user_slot(st, uid, false);
	struct passwd pw, *res = NULL;
	char buf[2048];

	if (e)
		return &e->u;
	if (!st->o.host_users || getpwuid_r(uid, &pw, buf, sizeof(buf), &res) || !res)
		return NULL;
	{
		struct state_user u = { .uid = uid, .gid = pw.pw_gid, .name = pw.pw_name,
					.homedir = pw.pw_dir, .shell = pw.pw_shell };

		if (user_add(st, &u, false))
			return NULL;
	}
	e = user_slot(st, uid, false);
	return e ? &e->u : NULL;
}

const struct state_group *state__group(struct state *st, uint32_t gid)
{
	static _Thread_local struct state_group g;
	struct user_ent *e = user_slot(st, gid, true);
	struct group gr, *res = NULL;
	char buf[2048];

	if (!e && st->o.host_users && !getgrgid_r(gid, &gr, buf, sizeof(buf), &res) && res) {
		struct state_user u = { .gid = gid, .name = gr.gr_name };

		if (!user_add(st, &u, true))
			e = user_slot(st, gid, true);
	}
	if (!e)
		return NULL;
	g.gid = e->u.gid;
	g.name = e->u.name;
	return &g;
}

int state__user_foreach(struct state *st, int (*fn)(void *ctx, const struct state_user *u),
			void *ctx)
{
	int r;

	for (size_t i = 0; i < st->nusers; i++)
		if (!st->users[i].is_group && (r = fn(ctx, &st->users[i].u)))
			return r;
	return 0;
}

int state__group_foreach(struct state *st, int (*fn)(void *ctx, const struct state_group *g),
			 void *ctx)
{
	int r;

	for (size_t i = 0; i < st->nusers; i++) {
		struct state_group g = { .gid = st->users[i].u.gid, .name = st->users[i].u.name };

		if (st->users[i].is_group && (r = fn(ctx, &g)))
			return r;
	}
	return 0;
}

/* ---- seeding ------------------------------------------------------------ */

int state__seed_thread(struct state *st, const struct state_thr_seed *s)
{
	bool created;
	struct thr_ent *te = state_thr_make(st, s->tid, &created), *leader;
	struct thr *t;

	if (!te)
		return -ENOMEM;
	t = &te->t;
	t->pid = s->pid;
	t->ptid = s->ptid;
	t->sid = s->sid;
	t->pgid = s->pgid;
	t->vpgid = s->vpgid;
	t->vtid = s->vtid;
	t->vpid = s->vpid;
	t->loginuid = s->loginuid;
	t->uid = s->uid;
	t->gid = s->gid;
	t->tty = s->tty;
	t->flags = s->flags & ~(uint32_t)(THR_F_DEAD | THR_F_INCOMPLETE);
	t->cap_permitted = s->cap_permitted;
	t->cap_effective = s->cap_effective;
	t->cap_inheritable = s->cap_inheritable;
	t->clone_ts = s->clone_ts;
	t->pidns_init_start_ts = s->pidns_init_start_ts;
	t->exe_ino = s->exe_ino;
	t->exe_ino_ctime = s->exe_ino_ctime;
	t->exe_ino_mtime = s->exe_ino_mtime;
	t->vmsize_kb = s->vmsize_kb;
	t->vmrss_kb = s->vmrss_kb;
	t->vmswap_kb = s->vmswap_kb;
	t->pfmajor = s->pfmajor;
	t->pfminor = s->pfminor;
	t->fdlimit = s->fdlimit;
	if (state_set_str(&t->comm, s->comm, s->comm ? strlen(s->comm) : 0) ||
	    state_set_str(&t->exe, s->exe, s->exe ? strlen(s->exe) : 0) ||
	    state_set_str(&t->exepath, s->exepath, s->exepath ? strlen(s->exepath) : 0) ||
	    state_set_str(&t->root, s->root, s->root ? strlen(s->root) : 0) ||
	    state_set_blob(&t->args, s->args.p, s->args.len) ||
	    state_set_blob(&t->env, s->env.p, s->env.len) ||
	    state_set_blob(&t->cgroups, s->cgroups.p, s->cgroups.len))
		return -ENOMEM;
	if (s->cwd) {
		size_t n = strlen(s->cwd);
		char *c = mem_malloc(n + 2);

		if (!c)
			return -ENOMEM;
		memcpy(c, s->cwd, n);
		if (!n || c[n - 1] != '/')
			c[n++] = '/';
		c[n] = '\0';
		mem_free((char *)t->cwd);
		t->cwd = c;
	}
	state_thr_refresh_ctr(te);
	/* threads of a process share the leader's fd table */
	if (!te->fds) {
		leader = s->pid != s->tid ? state_thr_get(st, s->pid) : NULL;
		if (leader && leader->fds) {
			te->fds = leader->fds;
			te->fds->refs++;
		} else {
			te->fds = state_fdtab_new();
			if (!te->fds)
				return -ENOMEM;
		}
	}
	return 0;
}

int state__seed_fd(struct state *st, int64_t pid, const struct fdi *f)
{
	struct thr_ent *te = state_thr_get(st, pid);

	if (!te || !te->fds)
		return 0;	/* fds of a thread the list did not give: dropped */
	return state_fd_add(st, te->fds, f) ? 0 : -ENOMEM;
}
