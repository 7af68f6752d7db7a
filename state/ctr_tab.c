/* The container table: one entry per container id the state has met (a
 * thread's cgroups named it, or a container event or a runtime client
 * described it), holding what the runtimes said of it once they said it
 * (state__container), hashed by the short id the thread table keeps
 * (container.id). Each entry counts the threads of the thread table in
 * it; entries with none (exited containers, or described before their
 * first thread) are on a list of their own, evicted first, oldest first,
 * before the least recently joined live entry; evictions are counted.
 * A container id met for the first time goes to the lookup hook (the
 * runtime clients); one the hook could not take is offered again by
 * state__container_repost. */
#include <errno.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/ctr_meta.h"
#include "state/state_int.h"

#define CTR_ID_MAX 72	/* the longest id kept, NUL included */

struct ctr_ent {
	char id[CTR_ID_MAX];
	struct ctr_meta *meta;		/* NULL until described */
	struct ctr_ent *next;		/* hash chain */
	struct ctr_ent *lru_prev, *lru_next;
	uint32_t nthreads;		/* threads of the thread table in it */
	bool requested;			/* the lookup hook took it */
};

struct ctr_list {
	struct ctr_ent *head, *tail;
};

struct ctr_tab {
	struct ctr_ent **buckets;
	size_t nbuckets, n;
	struct ctr_list live, idle;	/* idle: no thread in it, evicted first */
	uint32_t unrequested;		/* entries the hook did not take */
};

static size_t hash_str(const struct ctr_tab *ct, const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29)) & (ct->nbuckets - 1);
}

int state_ctr_tab_init(struct state *st)
{
	struct ctr_tab *ct = mem_calloc(1, sizeof(*ct));

	if (!ct)
		return -ENOMEM;
	ct->nbuckets = 1;
	while (ct->nbuckets < st->o.max_containers)
		ct->nbuckets <<= 1;
	ct->buckets = mem_calloc(ct->nbuckets, sizeof(*ct->buckets));
	st->ctrs = ct;
	return ct->buckets ? 0 : -ENOMEM;
}

void state_ctr_tab_release(struct state *st)
{
	struct ctr_tab *ct = st->ctrs;

	if (!ct)
		return;
	for (size_t i = 0; ct->buckets && i < ct->nbuckets; i++) {
		for (struct ctr_ent *e = ct->buckets[i], *nx; e; e = nx) {
			nx = e->next;
			ctr_meta__free(e->meta);
			mem_free(e);
		}
	}
	mem_free(ct->buckets);
	mem_free(ct);
	st->ctrs = NULL;
}

static void list_unlink(struct ctr_list *l, struct ctr_ent *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		l->head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		l->tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void list_append(struct ctr_list *l, struct ctr_ent *e)
{
	e->lru_prev = l->tail;
	e->lru_next = NULL;
	if (l->tail)
		l->tail->lru_next = e;
	else
		l->head = e;
	l->tail = e;
}

static struct ctr_list *list_of(struct ctr_tab *ct, const struct ctr_ent *e)
{
	return e->nthreads ? &ct->live : &ct->idle;
}

static struct ctr_ent *find(struct ctr_tab *ct, const char *id)
{
	struct ctr_ent *e = ct->buckets[hash_str(ct, id)];

	while (e && strcmp(e->id, id))
		e = e->next;
	return e;
}

static void remove_ent(struct state *st, struct ctr_ent *e)
{
	struct ctr_tab *ct = st->ctrs;
	struct ctr_ent **pp = &ct->buckets[hash_str(ct, e->id)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	list_unlink(list_of(ct, e), e);
	if (!e->requested && !e->meta)
		ct->unrequested--;
	ctr_meta__free(e->meta);
	mem_free(e);
	ct->n--;
	st->proc_gen++;
}

/* Room for one more: the oldest idle entry goes, else the least recently
 * joined live one. */
static void evict_one(struct state *st)
{
	struct ctr_tab *ct = st->ctrs;
	struct ctr_ent *v = ct->idle.head ? ct->idle.head : ct->live.head;

	if (!v)
		return;
	remove_ent(st, v);
	st->st.containers_evicted++;
}

/* Finds or makes the entry of id; NULL when id is too long or memory is
 * out. A new entry has no thread and no description. */
static struct ctr_ent *make(struct state *st, const char *id, bool *created)
{
	struct ctr_tab *ct = st->ctrs;
	struct ctr_ent *e = find(ct, id);
	size_t b, n = strlen(id);

	*created = false;
	if (e)
		return e;
	if (!n || n >= CTR_ID_MAX)
		return NULL;
	if (ct->n >= st->o.max_containers)
		evict_one(st);
	e = mem_calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	memcpy(e->id, id, n + 1);
	b = hash_str(ct, id);
	e->next = ct->buckets[b];
	ct->buckets[b] = e;
	list_append(&ct->idle, e);
	ct->n++;
	*created = true;
	return e;
}

/* Offers a new entry to the lookup hook. */
static void request(struct state *st, struct ctr_ent *e)
{
	e->requested = st->ctr_hook && st->ctr_hook(st->ctr_hook_ctx, e->id);
	if (!e->requested)
		st->ctrs->unrequested++;
}

void state_ctr_join(struct state *st, const char *id)
{
	struct ctr_tab *ct = st->ctrs;
	struct ctr_ent *e;
	bool created;

	if (!*id || !(e = make(st, id, &created)))
		return;
	list_unlink(list_of(ct, e), e);
	e->nthreads++;
	list_append(&ct->live, e);
	if (created)
		request(st, e);
}

void state_ctr_leave(struct state *st, const char *id)
{
	struct ctr_tab *ct = st->ctrs;
	struct ctr_ent *e;

	if (!*id || !(e = find(ct, id)) || !e->nthreads)
		return;
	if (e->nthreads == 1) {
		list_unlink(&ct->live, e);
		e->nthreads = 0;
		list_append(&ct->idle, e);
	} else {
		e->nthreads--;
	}
}

const struct ctr_meta *state__container(struct state *st, const char *id)
{
	struct ctr_ent *e = find(st->ctrs, id);

	return e ? e->meta : NULL;
}

int state_ctr_put(struct state *st, struct ctr_meta *m)
{
	struct ctr_ent *e;
	bool created;

	if (!m->id || !(e = make(st, m->id, &created))) {
		int err = m->id ? -ENOMEM : -EINVAL;

		ctr_meta__free(m);
		return err;
	}
	/* a failed or unfinished lookup never hides a successful one */
	if (e->meta && e->meta->lookup == CTR_LOOKUP_SUCCESSFUL && m->lookup != CTR_LOOKUP_SUCCESSFUL) {
		ctr_meta__free(m);
		return 0;
	}
	if (!e->meta && !created && !e->requested)
		st->ctrs->unrequested--;
	ctr_meta__free(e->meta);
	e->meta = m;
	st->proc_gen++;
	return 0;
}

int state__container_put(struct state *st, struct ctr_meta *m)
{
	/* m was built outside the window: its own bytes are added to it */
	int64_t built = m->heap;
	STATE_HEAP_BEGIN();
	int ret = state_ctr_put(st, m);

	STATE_HEAP_END(st);
	st->heap += built;
	return ret;
}

void state__set_container_hook(struct state *st, bool (*fn)(void *ctx, const char *id), void *ctx)
{
	st->ctr_hook = fn;
	st->ctr_hook_ctx = ctx;
}

void state__container_repost(struct state *st)
{
	struct ctr_tab *ct = st->ctrs;

	for (struct ctr_list *l = &ct->live; ct->unrequested && l; l = l == &ct->live ? &ct->idle : NULL) {
		for (struct ctr_ent *e = l->head; e && ct->unrequested; e = e->lru_next) {
			if (e->requested || e->meta)
				continue;
			if (!st->ctr_hook || !st->ctr_hook(st->ctr_hook_ctx, e->id))
				return;
			e->requested = true;
			ct->unrequested--;
		}
	}
}

uint32_t state__container_unrequested(const struct state *st)
{
	return st->ctrs->unrequested;
}

int state__container_foreach(struct state *st, int (*fn)(void *ctx, const struct ctr_meta *m),
			     void *ctx)
{
	struct ctr_tab *ct = st->ctrs;
	int r;

	for (size_t i = 0; i < ct->nbuckets; i++)
		for (struct ctr_ent *e = ct->buckets[i]; e; e = e->next)
			if (e->meta && (r = fn(ctx, e->meta)))
				return r;
	return 0;
}

uint64_t state_ctr_count(const struct state *st)
{
	return st->ctrs->n;
}
