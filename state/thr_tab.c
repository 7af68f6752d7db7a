/* The thread table: entries hashed by tid, indexed a second and a third
 * time by pid (the threads of a process) and by ptid (the children of a
 * thread) so that exits and the nthreads/nchilds fields never scan the
 * table; bounded, with live threads on a least-recently-active list and
 * dead ones on a list of their own, so eviction takes the oldest dead
 * thread, else the least recently active one, in constant time. The hash
 * tables start small and double with the threads they hold, up to the
 * table's bound. */
#include <errno.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/ctr_id.h"
#include "state/state_int.h"

static size_t hash_id(const struct state *st, int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 32) & (st->nbuckets - 1);
}

#define THR_BUCKETS_MIN 1024

int state_thr_tab_init(struct state *st)
{
	st->max_buckets = 1;
	while (st->max_buckets < st->o.max_threads && st->max_buckets < (1u << 20))
		st->max_buckets <<= 1;
	st->nbuckets = st->max_buckets < THR_BUCKETS_MIN ? st->max_buckets : THR_BUCKETS_MIN;
	st->buckets = mem_calloc(st->nbuckets, sizeof(*st->buckets));
	st->grp_buckets = mem_calloc(st->nbuckets, sizeof(*st->grp_buckets));
	st->kid_buckets = mem_calloc(st->nbuckets, sizeof(*st->kid_buckets));
	return st->buckets && st->grp_buckets && st->kid_buckets ? 0 : -ENOMEM;
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
	state_dynv_free(te->dynv);
	state_fdtab_put(te->fds);
	mem_free(te);
}

void state_thr_tab_release(struct state *st)
{
	for (size_t i = 0; st->buckets && i < st->nbuckets; i++) {
		struct thr_ent *te = st->buckets[i], *nx;

		for (; te; te = nx) {
			nx = te->next;
			thr_free(te);
		}
	}
	mem_free(st->buckets);
	mem_free(st->grp_buckets);
	mem_free(st->kid_buckets);
}

/* ---- the activity lists ------------------------------------------------- */

/* The list te is on (recorded in te: its flags may change under it). */
static struct thr_list *list_of(struct state *st, const struct thr_ent *te)
{
	return te->on_dead ? &st->dead : &st->live;
}

static void list_unlink(struct thr_list *l, struct thr_ent *te)
{
	if (te->lru_prev)
		te->lru_prev->lru_next = te->lru_next;
	else
		l->head = te->lru_next;
	if (te->lru_next)
		te->lru_next->lru_prev = te->lru_prev;
	else
		l->tail = te->lru_prev;
	te->lru_prev = te->lru_next = NULL;
}

static void list_append(struct thr_list *l, struct thr_ent *te)
{
	te->lru_prev = l->tail;
	te->lru_next = NULL;
	if (l->tail)
		l->tail->lru_next = te;
	else
		l->head = te;
	l->tail = te;
}

void state_thr_touch(struct state *st, struct thr_ent *te, uint64_t ts)
{
	struct thr_list *l = list_of(st, te);

	te->last_ts = ts;
	if (l->tail != te) {
		list_unlink(l, te);
		list_append(l, te);
	}
}

void state_thr_set_dead(struct state *st, struct thr_ent *te, bool dead)
{
	st->proc_gen++;
	if (dead)
		te->t.flags |= THR_F_DEAD;
	else
		te->t.flags &= ~(uint32_t)THR_F_DEAD;
	if (te->on_dead == dead)
		return;
	list_unlink(list_of(st, te), te);
	te->on_dead = dead;
	list_append(list_of(st, te), te);
}

/* ---- the pid and ptid indexes ------------------------------------------- */

static void chain_unlink(struct thr_ent **head, struct thr_ent *te, size_t link)
{
	struct thr_ent **pp = head;

	while (*pp && *pp != te)
		pp = (struct thr_ent **)((char *)*pp + link);
	if (*pp)
		*pp = *(struct thr_ent **)((char *)te + link);
}

static void chain_push(struct thr_ent **head, struct thr_ent *te, size_t link)
{
	*(struct thr_ent **)((char *)te + link) = *head;
	*head = te;
}

void state_thr_set_pid(struct state *st, struct thr_ent *te, int64_t pid)
{
	const size_t link = offsetof(struct thr_ent, grp_next);

	st->proc_gen++;
	if (te->t.pid == pid)
		return;
	chain_unlink(&st->grp_buckets[hash_id(st, te->t.pid)], te, link);
	te->t.pid = pid;
	chain_push(&st->grp_buckets[hash_id(st, pid)], te, link);
}

void state_thr_set_ptid(struct state *st, struct thr_ent *te, int64_t ptid)
{
	const size_t link = offsetof(struct thr_ent, kid_next);

	st->proc_gen++;
	if (te->t.ptid == ptid)
		return;
	chain_unlink(&st->kid_buckets[hash_id(st, te->t.ptid)], te, link);
	te->t.ptid = ptid;
	chain_push(&st->kid_buckets[hash_id(st, ptid)], te, link);
}

struct thr_ent *state_thr_next_in_group(struct state *st, struct thr_ent *k, int64_t pid)
{
	k = k ? k->grp_next : st->grp_buckets[hash_id(st, pid)];
	while (k && k->t.pid != pid)
		k = k->grp_next;
	return k;
}

struct thr_ent *state_thr_next_child(struct state *st, struct thr_ent *k, int64_t ptid)
{
	k = k ? k->kid_next : st->kid_buckets[hash_id(st, ptid)];
	while (k && k->t.ptid != ptid)
		k = k->kid_next;
	return k;
}

/* ---- entries ------------------------------------------------------------ */

struct thr_ent *state_thr_get(struct state *st, int64_t tid)
{
	struct thr_ent *te = st->buckets[hash_id(st, tid)];

	while (te && te->t.tid != tid)
		te = te->next;
	return te;
}

void state_thr_remove(struct state *st, int64_t tid)
{
	struct thr_ent **pp = &st->buckets[hash_id(st, tid)], *te;

	while (*pp && (*pp)->t.tid != tid)
		pp = &(*pp)->next;
	if (!(te = *pp))
		return;
	*pp = te->next;
	st->proc_gen++;
	chain_unlink(&st->grp_buckets[hash_id(st, te->t.pid)], te, offsetof(struct thr_ent, grp_next));
	chain_unlink(&st->kid_buckets[hash_id(st, te->t.ptid)], te, offsetof(struct thr_ent, kid_next));
	list_unlink(list_of(st, te), te);
	state_ctr_leave(st, te->ctr);
	thr_free(te);
	st->nthreads--;
}

/* Frees room for one thread: the oldest dead one, else the least recently
 * active; never the thread of the event being applied (its handler holds
 * it). */
static bool evict_one(struct state *st)
{
	struct thr_ent *v = st->dead.head;

	if (v && v->t.tid == st->pin_tid)
		v = v->lru_next;
	if (!v) {
		v = st->live.head;
		if (v && v->t.tid == st->pin_tid)
			v = v->lru_next;
	}
	if (!v)
		return false;
	state_thr_remove(st, v->t.tid);
	st->st.threads_evicted++;
	return true;
}

/* Twice the buckets, every entry hashed again (each is on the live or the
 * dead list). Out of memory, the table stays as it is: slower, not wrong. */
static void grow(struct state *st)
{
	size_t n = st->nbuckets * 2;
	struct thr_ent **b = mem_calloc(n, sizeof(*b)), **g = mem_calloc(n, sizeof(*g));
	struct thr_ent **k = mem_calloc(n, sizeof(*k));
	const struct thr_list *lists[2] = { &st->live, &st->dead };

	if (!b || !g || !k) {
		mem_free(b);
		mem_free(g);
		mem_free(k);
		return;
	}
	mem_free(st->buckets);
	mem_free(st->grp_buckets);
	mem_free(st->kid_buckets);
	st->buckets = b;
	st->grp_buckets = g;
	st->kid_buckets = k;
	st->nbuckets = n;
	for (int i = 0; i < 2; i++) {
		for (struct thr_ent *te = lists[i]->head; te; te = te->lru_next) {
			size_t h = hash_id(st, te->t.tid);

			te->next = b[h];
			b[h] = te;
			chain_push(&g[hash_id(st, te->t.pid)], te, offsetof(struct thr_ent, grp_next));
			chain_push(&k[hash_id(st, te->t.ptid)], te, offsetof(struct thr_ent, kid_next));
		}
	}
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
	if (st->nthreads >= st->nbuckets && st->nbuckets < st->max_buckets)
		grow(st);
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
	b = hash_id(st, tid);
	te->next = st->buckets[b];
	st->buckets[b] = te;
	chain_push(&st->grp_buckets[hash_id(st, tid)], te, offsetof(struct thr_ent, grp_next));
	chain_push(&st->kid_buckets[hash_id(st, -1)], te, offsetof(struct thr_ent, kid_next));
	list_append(&st->live, te);
	st->nthreads++;
	st->proc_gen++;
	*created = true;
	return te;
}

void state_thr_refresh_ctr(struct state *st, struct thr_ent *te)
{
	char id[sizeof(te->ctr)];

	ctr_id_from_cgroups(te->t.cgroups.p, te->t.cgroups.len, id);
	te->t.container_id = te->ctr;
	if (!strcmp(id, te->ctr))
		return;
	state_ctr_leave(st, te->ctr);
	memcpy(te->ctr, id, sizeof(id));
	state_ctr_join(st, te->ctr);
}

/* ---- lookups of state.h ------------------------------------------------- */

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

bool state__alive(const struct state *st, const struct thr *t)
{
	return !(t->flags & THR_F_DEAD) && t->tid != st->exit_tid;
}

uint32_t state__nthreads(struct state *st, const struct thr *t)
{
	uint32_t n = 0;

	for (struct thr_ent *k = NULL; (k = state_thr_next_in_group(st, k, t->pid));)
		n += state__alive(st, &k->t);
	return n;
}

uint32_t state__nchilds(struct state *st, const struct thr *t)
{
	uint32_t n = 0;

	for (struct thr_ent *k = NULL; (k = state_thr_next_child(st, k, t->pid));)
		n += k->t.tid == k->t.pid && !(k->t.flags & THR_F_DEAD);
	return n;
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
