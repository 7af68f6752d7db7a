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

int state__add_iface(struct state *st, int family, const uint8_t *addr)
{
	struct state_iface *i;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	if (st->nifaces >= STATE_MAX_IFACES)
		return -ENOSPC;
	i = &st->ifaces[st->nifaces++];
	i->family = (uint8_t)family;
	memset(i->addr, 0, sizeof(i->addr));
	memcpy(i->addr, addr, family == AF_INET ? 4 : 16);
	return 0;
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
