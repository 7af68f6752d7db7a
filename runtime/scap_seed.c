/* The receivers that seed a state from a capture's header lists (process,
 * fd, user, group and interface lists): what every reader of a capture that keeps
 * state hands to scap_reader__open. A list entry the state cannot take for
 * a reason other than memory is dropped, as Falco drops it. */
#include <errno.h>

#include "runtime/scap.h"

static int seed_thread(void *ctx, const struct state_thr_seed *t)
{
	return state__seed_thread(ctx, t) == -ENOMEM ? -ENOMEM : 0;
}

static int seed_fd(void *ctx, int64_t pid, const struct fdi *f)
{
	return state__seed_fd(ctx, pid, f) == -ENOMEM ? -ENOMEM : 0;
}

static int seed_user(void *ctx, const struct state_user *u)
{
	return state__seed_user(ctx, u) == -ENOMEM ? -ENOMEM : 0;
}

static int seed_group(void *ctx, const struct state_group *g)
{
	return state__seed_group(ctx, g) == -ENOMEM ? -ENOMEM : 0;
}

static int seed_iface(void *ctx, const struct scap_iface *i)
{
	state__add_iface(ctx, i->family, i->addr, i->netmask);
	return 0;
}

void scap_seed_cb(struct state *st, struct scap_cb *cb)
{
	*cb = (struct scap_cb){
		.ctx = st, .thread = seed_thread, .fd = seed_fd,
		.user = seed_user, .group = seed_group, .iface = seed_iface,
	};
}
