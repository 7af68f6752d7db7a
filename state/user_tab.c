/* The user and group table: uid/gid -> names, from the capture's user list
 * or the /proc scan, optionally completed from the host's databases.
 * Hashed by id, bounded by state_opts.max_users: when full the oldest
 * entry makes room (a ring), counted in users_evicted. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/state_int.h"

struct user_ent {
	struct state_user u;
	bool is_group;
	int32_t hnext;		/* next slot in the hash chain, -1 at the end */
};

struct user_tab {
	struct user_ent *v;
	uint32_t n, cap, max;
	uint32_t ring;		/* when full: the slot to reuse next (the oldest) */
	int32_t *heads;		/* hash chains, -1 empty */
	uint32_t nheads;	/* power of two */
};

static uint32_t hash_key(const struct user_tab *ut, uint32_t id, bool group)
{
	uint64_t x = ((uint64_t)id << 1 | group) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(x >> 40) & (ut->nheads - 1);
}

int state_user_tab_init(struct state *st)
{
	struct user_tab *ut = mem_calloc(1, sizeof(*ut));

	if (!ut)
		return -ENOMEM;
	ut->max = (uint32_t)(st->o.max_users < UINT32_MAX / 2 ? st->o.max_users : UINT32_MAX / 2);
	ut->nheads = 64;
	while (ut->nheads < ut->max && ut->nheads < (1u << 16))
		ut->nheads <<= 1;
	ut->heads = mem_malloc(ut->nheads * sizeof(*ut->heads));
	if (!ut->heads) {
		mem_free(ut);
		return -ENOMEM;
	}
	memset(ut->heads, 0xff, ut->nheads * sizeof(*ut->heads));
	st->users = ut;
	return 0;
}

static void ent_release(struct user_ent *e)
{
	mem_free((char *)e->u.name);
	mem_free((char *)e->u.homedir);
	mem_free((char *)e->u.shell);
}

void state_user_tab_release(struct state *st)
{
	struct user_tab *ut = st->users;

	if (!ut)
		return;
	for (uint32_t i = 0; i < ut->n; i++)
		ent_release(&ut->v[i]);
	mem_free(ut->v);
	mem_free(ut->heads);
	mem_free(ut);
}

static struct user_ent *find(const struct user_tab *ut, uint32_t id, bool group)
{
	for (int32_t i = ut->heads[hash_key(ut, id, group)]; i >= 0; i = ut->v[i].hnext) {
		struct user_ent *e = &ut->v[i];

		if (e->is_group == group && (group ? e->u.gid : e->u.uid) == id)
			return e;
	}
	return NULL;
}

static void unchain(struct user_tab *ut, uint32_t slot)
{
	struct user_ent *e = &ut->v[slot];
	int32_t *pp = &ut->heads[hash_key(ut, e->is_group ? e->u.gid : e->u.uid, e->is_group)];

	while (*pp >= 0 && *pp != (int32_t)slot)
		pp = &ut->v[*pp].hnext;
	if (*pp >= 0)
		*pp = e->hnext;
}

/* A slot for a new entry: a fresh one, or the oldest one, evicted. */
static struct user_ent *new_slot(struct state *st, struct user_tab *ut)
{
	uint32_t slot;

	if (ut->n < ut->max) {
		if (ut->n == ut->cap) {
			uint32_t cap = ut->cap ? ut->cap * 2 : 64;
			struct user_ent *v;

			if (cap > ut->max)
				cap = ut->max;
			v = mem_reallocarray(ut->v, cap, sizeof(*v));
			if (!v)
				return NULL;
			ut->v = v;
			ut->cap = cap;
		}
		slot = ut->n++;
	} else {
		if (!ut->max)
			return NULL;
		slot = ut->ring;
		ut->ring = (ut->ring + 1) % ut->max;
		unchain(ut, slot);
		ent_release(&ut->v[slot]);
		st->st.users_evicted++;
	}
	memset(&ut->v[slot], 0, sizeof(ut->v[slot]));
	ut->v[slot].hnext = -1;
	return &ut->v[slot];
}

static int user_add(struct state *st, const struct state_user *u, bool group)
{
	struct user_tab *ut = st->users;
	struct user_ent *e = find(ut, group ? u->gid : u->uid, group);
	struct state_user c = *u;

	st->proc_gen++;
	c.name = c.homedir = c.shell = NULL;
	if (state_set_str(&c.name, u->name ? u->name : "", u->name ? strlen(u->name) : 0) ||
	    (u->homedir && state_set_str(&c.homedir, u->homedir, strlen(u->homedir))) ||
	    (u->shell && state_set_str(&c.shell, u->shell, strlen(u->shell)))) {
		mem_free((char *)c.name);
		mem_free((char *)c.homedir);
		return -ENOMEM;
	}
	if (e) {
		ent_release(e);
		e->u = c;
		return 0;
	}
	e = new_slot(st, ut);
	if (!e) {
		mem_free((char *)c.name);
		mem_free((char *)c.homedir);
		mem_free((char *)c.shell);
		return -ENOMEM;
	}
	e->u = c;
	e->is_group = group;
	{
		uint32_t h = hash_key(ut, group ? c.gid : c.uid, group);

		e->hnext = ut->heads[h];
		ut->heads[h] = (int32_t)(e - ut->v);
	}
	return 0;
}

int state__seed_user(struct state *st, const struct state_user *u)
{
	STATE_HEAP_BEGIN();
	int ret = user_add(st, u, false);

	STATE_HEAP_END(st);
	return ret;
}

int state__seed_group(struct state *st, const struct state_group *g)
{
	struct state_user u = { .gid = g->gid, .name = g->name };
	STATE_HEAP_BEGIN();
	int ret = user_add(st, &u, true);

	STATE_HEAP_END(st);
	return ret;
}

const struct state_user *state__user(struct state *st, uint32_t uid)
{
	struct user_ent *e = find(st->users, uid, false);
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
	e = find(st->users, uid, false);
	return e ? &e->u : NULL;
}

const struct state_group *state__group(struct state *st, uint32_t gid)
{
	static _Thread_local struct state_group g;
	struct user_ent *e = find(st->users, gid, true);
	struct group gr, *res = NULL;
	char buf[2048];

	if (!e && st->o.host_users && !getgrgid_r(gid, &gr, buf, sizeof(buf), &res) && res) {
		struct state_user u = { .gid = gid, .name = gr.gr_name };

		if (!user_add(st, &u, true))
			e = find(st->users, gid, true);
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
	struct user_tab *ut = st->users;
	int r;

	for (uint32_t i = 0; i < ut->n; i++)
		if (!ut->v[i].is_group && (r = fn(ctx, &ut->v[i].u)))
			return r;
	return 0;
}

int state__group_foreach(struct state *st, int (*fn)(void *ctx, const struct state_group *g),
			 void *ctx)
{
	struct user_tab *ut = st->users;
	int r;

	for (uint32_t i = 0; i < ut->n; i++) {
		struct state_group g = { .gid = ut->v[i].u.gid, .name = ut->v[i].u.name };

		if (ut->v[i].is_group && (r = fn(ctx, &g)))
			return r;
	}
	return 0;
}
