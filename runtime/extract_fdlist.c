/* The fdlist.* fields (libsinsp's fdlist check): the fds a poll or ppoll
 * waits on, from the event's fd-list parameter (a count, then an fd and
 * its event mask per entry), joined with commas: numbers, names, and the
 * client and server addresses and ports of the IP sockets among them. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/extract_int.h"

#define FDLIST_ENTRY 10	/* int64 fd + int16 events */

/* Appends fd's entry for field id; false when the fd gives none. */
static bool add_entry(const struct extract_evt *x, uint32_t id, int64_t fd, struct strbuf *sb)
{
	const struct fdi *f = state__fd(x->st, x->cur.thr, fd);
	bool ip = f && (f->type == FDI_IPV4_SOCK || f->type == FDI_IPV6_SOCK);
	char buf[INET6_ADDRSTRLEN];

	switch (id) {
	case FID_FDLIST_NUMS:
		strbuf_printf(sb, "%" PRId64, fd);
		return true;
	case FID_FDLIST_NAMES:
		strbuf_adds(sb, f && f->name_len ? f->name : "<NA>");
		return true;
	case FID_FDLIST_CIPS: case FID_FDLIST_SIPS:
		if (!ip)
			return false;
		inet_ntop(f->type == FDI_IPV4_SOCK ? AF_INET : AF_INET6,
			  id == FID_FDLIST_CIPS ? f->src.addr : f->dst.addr, buf, sizeof(buf));
		strbuf_adds(sb, buf);
		return true;
	case FID_FDLIST_CPORTS: case FID_FDLIST_SPORTS:
		if (!ip)
			return false;
		strbuf_printf(sb, "%u", id == FID_FDLIST_CPORTS ? f->src.port : f->dst.port);
		return true;
	default:
		return false;
	}
}

static bool fdlist_field(const struct extract_evt *x, uint32_t id, const char *arg,
			struct extract_scratch *sc, struct fval *out)
{
	const struct evt *e = x->e;
	const uint8_t *p;
	uint32_t len, idx;
	uint16_t n;

	(void)arg;
	xt_none(out);
	if (id < FID_FDLIST_CIPS || id > FID_FDLIST_SPORTS)
		return false;
	if (e->type == PPME_SYSCALL_POLL_E || e->type == PPME_SYSCALL_PPOLL_E)
		idx = 0;
	else if (e->type == PPME_SYSCALL_POLL_X || e->type == PPME_SYSCALL_PPOLL_X)
		idx = 1;
	else
		return true;
	if (!x->cur.thr || !x->st || !(p = evt_param(e, idx, &len)) || len < 2)
		return true;
	memcpy(&n, p, 2);
	strbuf_reset(&sc->sb);
	for (uint32_t i = 0; i < n && 2 + (i + 1) * FDLIST_ENTRY <= len; i++) {
		int64_t fd;

		memcpy(&fd, p + 2 + i * FDLIST_ENTRY, 8);
		if (add_entry(x, id, fd, &sc->sb))
			strbuf_addc(&sc->sb, ',');
	}
	if (!sc->sb.len)
		return true;
	sc->sb.len--;	/* the last comma */
	xt_sb(out, sc);
	return true;
}

XT_FAMILY(fdlist, fdlist_field)
