/* The machine's network interface addresses, from a capture's interface
 * list or the live host: what tells the local end of a connection from the
 * remote one (fd.lip, fd.rip, fd.is_server), as Falco decides it — an IPv4
 * address is local when an interface has it (or the thread's container
 * has it), an IPv6 address when it shares an interface's 64-bit prefix. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "state/ctr_meta.h"
#include "state/state_int.h"

int state__add_iface(struct state *st, int family, const uint8_t *addr, const uint8_t *netmask)
{
	struct state_iface *i;
	size_t n = family == AF_INET ? 4 : 16;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	if (st->nifaces >= STATE_MAX_IFACES)
		return -ENOSPC;
	i = &st->ifaces[st->nifaces++];
	memset(i, 0, sizeof(*i));
	i->family = (uint8_t)family;
	memcpy(i->addr, addr, n);
	if (netmask)
		memcpy(i->netmask, netmask, n);
	return 0;
}

static bool loopback(const struct state_iface *i)
{
	static const uint8_t v6[16] = { [15] = 1 };

	return i->family == AF_INET ? i->addr[0] == 127 && !i->addr[1] && !i->addr[2] && i->addr[3] == 1
				    : !memcmp(i->addr, v6, 16);
}

static bool same_net(const struct state_iface *i, const uint8_t *a)
{
	if (i->family == AF_INET6)
		return !memcmp(i->addr, a, 8);
	for (int k = 0; k < 4; k++)
		if ((i->addr[k] & i->netmask[k]) != (a[k] & i->netmask[k]))
			return false;
	return true;
}

bool state__infer_local_addr(struct state *st, int family, const uint8_t *peer, uint8_t *out)
{
	size_t n = family == AF_INET ? 4 : 16;
	const struct state_iface *pick = NULL;

	for (uint32_t k = 0; !pick && k < st->nifaces; k++)
		if (st->ifaces[k].family == family && !memcmp(st->ifaces[k].addr, peer, n))
			pick = &st->ifaces[k];
	for (uint32_t k = 0; !pick && k < st->nifaces; k++)
		if (st->ifaces[k].family == family && same_net(&st->ifaces[k], peer))
			pick = &st->ifaces[k];
	for (uint32_t k = 0; !pick && k < st->nifaces; k++)
		if (st->ifaces[k].family == family && !loopback(&st->ifaces[k]))
			pick = &st->ifaces[k];
	if (!pick)
		return false;
	memcpy(out, pick->addr, n);
	return true;
}

bool state__addr_is_local(struct state *st, const struct thr *t, int family,
			  const uint8_t *addr)
{
	const struct ctr_meta *m;

	if (t && t->container_id && *t->container_id) {
		if (family == AF_INET6)
			return false;
		m = state__container(st, t->container_id);
		if (m && m->ip) {
			uint8_t b[4] = { (uint8_t)(m->ip >> 24), (uint8_t)(m->ip >> 16),
					 (uint8_t)(m->ip >> 8), (uint8_t)m->ip };

			if (!memcmp(b, addr, 4))
				return true;
		}
	}
	for (uint32_t k = 0; k < st->nifaces; k++) {
		const struct state_iface *i = &st->ifaces[k];

		if (i->family != family)
			continue;
		if (family == AF_INET ? !memcmp(i->addr, addr, 4) : !memcmp(i->addr, addr, 8))
			return true;
	}
	return false;
}

int state__iface_foreach(struct state *st,
			 int (*fn)(void *ctx, int family, const uint8_t *addr, const uint8_t *netmask),
			 void *ctx)
{
	int r;

	for (uint32_t k = 0; k < st->nifaces; k++)
		if ((r = fn(ctx, st->ifaces[k].family, st->ifaces[k].addr, st->ifaces[k].netmask)))
			return r;
	return 0;
}
