/* The state's event handlers: what each process, fd and identity event
 * changes, for both the enter+exit pairs of older captures (the enter
 * record is kept per thread and read for parameters its exit lacks) and
 * the exit-only layouts. Removals (close, procexit) wait for state__post. */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "ppm_flags.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/base/path.h"
#include "state/ctr_json.h"
#include "state/ctr_meta.h"
#include "state/state_int.h"

char fdi_typechar(const struct fdi *f)
{
	static const char c[FDI_TYPE_MAX] = {
		[FDI_UNKNOWN] = 'o', [FDI_FILE] = 'f', [FDI_DIRECTORY] = 'd',
		[FDI_IPV4_SOCK] = '4', [FDI_IPV6_SOCK] = '6', [FDI_UNIX_SOCK] = 'u',
		[FDI_PIPE] = 'p', [FDI_EVENT] = 'e', [FDI_SIGNALFD] = 's', [FDI_EVENTPOLL] = 'l',
		[FDI_INOTIFY] = 'i', [FDI_TIMERFD] = 't', [FDI_NETLINK] = 'n', [FDI_BPF] = 'b',
		[FDI_USERFAULTFD] = 'u', [FDI_IOURING] = 'r', [FDI_MEMFD] = 'm', [FDI_PIDFD] = 'P',
		[FDI_RAW_SOCK] = 'o',
	};

	return f->type < FDI_TYPE_MAX ? c[f->type] : 'o';
}

uint8_t fdi_scap_type(const struct fdi *f)
{
	static const uint8_t named[FDI_TYPE_MAX] = {
		[FDI_UNKNOWN] = SFD_UNSUPPORTED, [FDI_DIRECTORY] = SFD_DIRECTORY,
		[FDI_PIPE] = SFD_FIFO, [FDI_EVENT] = SFD_EVENT, [FDI_SIGNALFD] = SFD_SIGNALFD,
		[FDI_EVENTPOLL] = SFD_EVENTPOLL, [FDI_INOTIFY] = SFD_INOTIFY,
		[FDI_TIMERFD] = SFD_TIMERFD, [FDI_NETLINK] = SFD_NETLINK, [FDI_BPF] = SFD_BPF,
		[FDI_USERFAULTFD] = SFD_USERFAULTFD, [FDI_IOURING] = SFD_IOURING,
		[FDI_MEMFD] = SFD_MEMFD, [FDI_PIDFD] = SFD_PIDFD,
		/* no libscap type of its own; Falco shows such fds as unsupported */
		[FDI_RAW_SOCK] = SFD_UNSUPPORTED,
	};
	bool server = f->flags & FDI_F_LISTENING;

	switch (f->type) {
	case FDI_FILE: return SFD_FILE_V2;
	case FDI_IPV4_SOCK: return server ? SFD_IPV4_SERVSOCK : SFD_IPV4_SOCK;
	case FDI_IPV6_SOCK: return server ? SFD_IPV6_SERVSOCK : SFD_IPV6_SOCK;
	case FDI_UNIX_SOCK: return SFD_UNIX_SOCK;
	default: return f->type < FDI_TYPE_MAX ? named[f->type] : SFD_UNSUPPORTED;
	}
}

uint8_t fdi_scap_l4(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return SL4_TCP;
	case IPPROTO_UDP: return SL4_UDP;
	case IPPROTO_ICMP: return SL4_ICMP;
	case IPPROTO_RAW: return SL4_RAW;
	default: return SL4_UNKNOWN;
	}
}

uint8_t fdi_l4proto(const struct fdi *f)
{
	if (f->type != FDI_IPV4_SOCK && f->type != FDI_IPV6_SOCK)
		return 0;
	if (f->l4proto == IPPROTO_RAW)
		return IPPROTO_RAW;
	return f->role == FDI_ROLE_NONE ? 0 : f->l4proto;
}

const char *fdi_typename(const struct fdi *f)
{
	static const char *const n[FDI_TYPE_MAX] = {
		[FDI_UNKNOWN] = "unknown", [FDI_FILE] = "file", [FDI_DIRECTORY] = "directory",
		[FDI_IPV4_SOCK] = "ipv4", [FDI_IPV6_SOCK] = "ipv6", [FDI_UNIX_SOCK] = "unix",
		[FDI_PIPE] = "pipe", [FDI_EVENT] = "event", [FDI_SIGNALFD] = "signalfd",
		[FDI_EVENTPOLL] = "eventpoll", [FDI_INOTIFY] = "inotify", [FDI_TIMERFD] = "timerfd",
		[FDI_NETLINK] = "netlink", [FDI_BPF] = "bpf", [FDI_USERFAULTFD] = "userfaultfd",
		[FDI_IOURING] = "io_uring", [FDI_MEMFD] = "memfd", [FDI_PIDFD] = "pidfd",
		[FDI_RAW_SOCK] = "unknown",
	};

	return f->type < FDI_TYPE_MAX ? n[f->type] : "unknown";
}

/* The endpoint's bytes are only byte-aligned, so no IN6_IS_ADDR_V4MAPPED
 * (it reads them as 32-bit words). */
bool fdi_addr_v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, prefix, sizeof(prefix));
}

void fdi_ep_name(int family, const struct fdi_ep *ep, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, ep->addr, a, sizeof(a));
	snprintf(buf, n, "%s:%u", a, ep->port);
}

void fdi_tuple_name(const struct fdi *f, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];

	fdi_ep_name(f->family, &f->src, a, sizeof(a));
	fdi_ep_name(f->family, &f->dst, b, sizeof(b));
	snprintf(buf, n, "%s->%s", a, b);
}

/* ---- parameters --------------------------------------------------------- */

struct ectx {
	struct state *st;
	const struct evt *e;
	const struct evt *enter;	/* paired enter record, or NULL */
	struct thr_ent *te;
	int64_t added_fd;		/* the last fd the event added, -1 none */
	bool renamed;			/* that fd's name changed (or it is new and named) */
};

/* The index of each event code's "fd" parameter, -1 when it has none:
 * looked up once, not by name per event. */
static int8_t fd_param_of_type[PPM_EVENT_MAX];

/* Integer parameter i of e, sign-extended from its width. */
static bool int_at(const struct evt *e, int i, int64_t *v)
{
	uint32_t len;
	const uint8_t *p = i >= 0 ? evt_param(e, (uint32_t)i, &len) : NULL;

	if (!p)
		return false;
	switch (len) {
	case 1: *v = (int8_t)p[0]; return true;
	case 2: { int16_t x; memcpy(&x, p, 2); *v = x; return true; }
	case 4: { int32_t x; memcpy(&x, p, 4); *v = x; return true; }
	case 8: memcpy(v, p, 8); return true;
	default: return false;
	}
}

/* The index of parameter name in events of e's type, by the name's
 * address: the handlers name parameters with literals and the schema's own
 * strings, so (type, address) decides it and one probe of the state's
 * memo replaces the search by name. */
static int param_index(struct state *st, const struct evt *e, const char *name)
{
	uint32_t h = ((uint32_t)((uintptr_t)name >> 3) ^ (e->type * 0x9e3779b1u)) &
		     (STATE_PIDX_MEMO - 1);
	struct state_pidx *m = &st->pidx[h];

	if (m->name != name || m->type != e->type) {
		m->name = name;
		m->type = e->type;
		m->idx = (int16_t)evt_param_index(e, name);
	}
	return m->idx;
}

static bool find(const struct ectx *c, const char *name, const struct evt **ev, uint32_t *i)
{
	int k = param_index(c->st, c->e, name);

	if (k >= 0 && (uint32_t)k < c->e->nparams) {
		*ev = c->e;
		*i = (uint32_t)k;
		return true;
	}
	if (c->enter && (k = param_index(c->st, c->enter, name)) >= 0 &&
	    (uint32_t)k < c->enter->nparams) {
		*ev = c->enter;
		*i = (uint32_t)k;
		return true;
	}
	return false;
}

static bool p_int(const struct ectx *c, const char *name, int64_t *v)
{
	const struct evt *ev;
	uint32_t i;

	return find(c, name, &ev, &i) && int_at(ev, (int)i, v);
}

static bool p_u32(const struct ectx *c, const char *name, uint32_t *v)
{
	int64_t x;

	if (!p_int(c, name, &x))
		return false;
	*v = (uint32_t)x;
	return true;
}

static const uint8_t *p_buf(const struct ectx *c, const char *name, uint32_t *len)
{
	const struct evt *ev;
	uint32_t i;

	return find(c, name, &ev, &i) ? evt_param(ev, i, len) : NULL;
}

static const char *p_str(const struct ectx *c, const char *name)
{
	const struct evt *ev;
	uint32_t i;

	return find(c, name, &ev, &i) ? evt_param_str(ev, i) : NULL;
}

static void set_str_param(struct ectx *c, const char **dst, const char *name)
{
	const char *s = p_str(c, name);

	if (s && state_set_str(dst, s, strlen(s)))
		c->st->st.events_malformed++;
}

static void set_blob_param(struct ectx *c, struct thr_blob *dst, const char *name)
{
	uint32_t len;
	const uint8_t *p = p_buf(c, name, &len);

	if (p && state_set_blob(dst, (const char *)p, len))
		c->st->st.events_malformed++;
}

/* The event's return value (first parameter of a syscall exit). */
static bool retval(const struct evt *e, int64_t *v)
{
	uint8_t t;

	if (!e->info || e->info->dir != EVD_EXIT || !e->info->nparams)
		return false;
	t = e->info->params[0].type;
	if (t != PT_ERRNO && t != PT_FD && t != PT_PID && t != PT_INT64)
		return false;
	return int_at(e, 0, v);
}

/* ---- paths -------------------------------------------------------------- */

static const char *dirfd_dir(struct ectx *c, const char *dirfd_param)
{
	int64_t dfd;
	struct fd_ent *fe;

	if (!dirfd_param || !p_int(c, dirfd_param, &dfd) || dfd == -100)
		return c->te->t.cwd;
	fe = state_fd_find(c->te->fds, dfd);
	return fe ? fe->name : NULL;
}

/* ---- fds ---------------------------------------------------------------- */

static struct fd_tab *fds(struct ectx *c)
{
	if (!c->te->fds)
		c->te->fds = state_fdtab_new();
	return c->te->fds;
}

static struct fd_ent *add_fd(struct ectx *c, struct fdi *f)
{
	struct fd_tab *t = fds(c);
	struct fd_ent *old = t ? state_fd_find(t, f->num) : NULL, *fe;

	c->renamed = old ? strcmp(old->f.name, f->name) != 0 : f->name[0] != '\0';
	fe = t ? state_fd_add(c->st, t, f) : NULL;

	if (!fe)
		c->st->st.events_malformed++;
	c->added_fd = f->num;
	return fe;
}

static void on_open(struct ectx *c, int64_t fd)
{
	const char *name = p_str(c, "name");
	char path[4096];
	uint32_t flags = 0, dev = 0;
	int64_t ino = 0;
	struct fdi f = { 0 };

	if (!name)
		name = p_str(c, "path");
	if (!name)
		return;
	p_u32(c, "flags", &flags);
	p_u32(c, "dev", &dev);
	p_int(c, "ino", &ino);
	path_resolve(name[0] == '/' ? NULL : dirfd_dir(c, evt_param_index(c->e, "dirfd") >= 0 ? "dirfd" : NULL),
		name, path, sizeof(path));
	f.num = fd;
	f.type = flags & PPM_FILE_FLAGS_O_DIRECTORY ? FDI_DIRECTORY : FDI_FILE;
	f.open_flags = flags;
	f.dev = dev;
	f.ino = (uint64_t)ino;
	f.name = path;
	f.name_len = (uint32_t)strlen(path);
	f.nameraw = name;
	f.nameraw_len = (uint32_t)strlen(name);
	add_fd(c, &f);
}

static void simple_fd(struct ectx *c, int64_t fd, enum fdi_type type, const char *name)
{
	struct fdi f = { .num = fd, .type = (uint8_t)type, .name = name ? name : "" };

	f.name_len = (uint32_t)strlen(f.name);
	add_fd(c, &f);
}

/* Parses a PT_SOCKTUPLE into f (src = first address, dst = second). */
static bool parse_tuple(const uint8_t *p, uint32_t len, struct fdi *f)
{
	static char name[512];

	if (!p || len < 1)
		return false;
	if (p[0] == PPM_SOCKET_FAMILIES_AF_INET && len >= 13) {
		f->type = FDI_IPV4_SOCK;
		f->family = AF_INET;
		memcpy(f->src.addr, p + 1, 4);
		memcpy(&f->src.port, p + 5, 2);
		memcpy(f->dst.addr, p + 7, 4);
		memcpy(&f->dst.port, p + 11, 2);
	} else if (p[0] == PPM_SOCKET_FAMILIES_AF_INET6 && len >= 37) {
		f->type = FDI_IPV6_SOCK;
		f->family = AF_INET6;
		memcpy(f->src.addr, p + 1, 16);
		memcpy(&f->src.port, p + 17, 2);
		memcpy(f->dst.addr, p + 19, 16);
		memcpy(&f->dst.port, p + 35, 2);
	} else if (p[0] == PPM_SOCKET_FAMILIES_AF_UNIX && len >= 17) {
		size_t n = strnlen((const char *)p + 17, len - 17);

		f->type = FDI_UNIX_SOCK;
		f->family = AF_UNIX;
		memcpy(&f->unix_src, p + 1, 8);
		memcpy(&f->unix_dst, p + 9, 8);
		/* Falco names a unix socket "src->dst path", addresses in hex */
		snprintf(name, sizeof(name), "%" PRIx64 "->%" PRIx64 " %.*s", f->unix_src, f->unix_dst,
			 (int)n, (const char *)p + 17);
		f->name = name;
		f->name_len = (uint32_t)strlen(name);
		return true;
	} else {
		return false;
	}
	if (f->type == FDI_IPV6_SOCK && fdi_addr_v4_mapped(f->src.addr) &&
	    fdi_addr_v4_mapped(f->dst.addr)) {
		/* Falco reports v4-mapped pairs as IPv4 */
		f->type = FDI_IPV4_SOCK;
		f->family = AF_INET;
		memmove(f->src.addr, f->src.addr + 12, 4);
		memmove(f->dst.addr, f->dst.addr + 12, 4);
		memset(f->src.addr + 4, 0, 12);
		memset(f->dst.addr + 4, 0, 12);
	}
	fdi_tuple_name(f, name, sizeof(name));
	f->name = name;
	f->name_len = (uint32_t)strlen(name);
	return true;
}

static void on_tuple(struct ectx *c, int64_t fd, enum fdi_role role, bool new_fd)
{
	struct fd_ent *fe = new_fd ? NULL : state_fd_find(fds(c), fd);
	struct fdi f = { 0 };
	uint32_t len;
	const uint8_t *p = p_buf(c, "tuple", &len);

	if (fe)
		f = fe->f;
	f.num = fd;
	if (!parse_tuple(p, len, &f)) {
		if (!fe)
			simple_fd(c, fd, FDI_UNKNOWN, "");
		return;
	}
	if (!fe || fe->f.role == FDI_ROLE_NONE)
		f.role = (uint8_t)role;
	if (new_fd && (f.type == FDI_IPV4_SOCK || f.type == FDI_IPV6_SOCK))
		f.l4proto = IPPROTO_TCP;	/* only stream sockets accept */
	f.flags |= FDI_F_CONNECTED;
	f.flags &= ~(uint32_t)FDI_F_SERVSOCK;
	f.nameraw = NULL;
	add_fd(c, &f);
}

/* Whether t's process has an IP socket bound to port (a server socket of
 * that port, or a connection whose server end it is). */
static bool bound_to_port(struct ectx *c, uint16_t port, bool client_side)
{
	struct fd_tab *t = fds(c);

	for (uint32_t i = 0; t && i < t->n; i++) {
		const struct fdi *f = &t->v[i].f;

		if (f->type != FDI_IPV4_SOCK && f->type != FDI_IPV6_SOCK)
			continue;
		if (client_side ? !(f->flags & FDI_F_SERVSOCK) && f->src.port == port
				: f->dst.port == port)
			return true;
	}
	return false;
}

/* A datagram's addresses, as Falco takes them from sendto/recvfrom and
 * friends: an IP socket with no name yet or not TCP gets the tuple, a role
 * guessed from the ports the process holds when it has none, and its ends
 * ordered client first. */
static void on_rw_tuple(struct ectx *c, int64_t fd, bool incoming)
{
	struct fd_ent *fe = state_fd_find(fds(c), fd);
	uint32_t len = 0;
	const uint8_t *p = p_buf(c, "tuple", &len);
	struct fdi f;
	char name[512];

	if (!fe || !p || !len || (fe->f.name_len && fe->f.l4proto == IPPROTO_TCP &&
				  !(fe->f.flags & FDI_F_SERVSOCK)))
		return;
	f = fe->f;
	if (!parse_tuple(p, len, &f))
		return;
	f.flags &= ~(uint32_t)FDI_F_SERVSOCK;
	if (f.type == FDI_IPV4_SOCK || f.type == FDI_IPV6_SOCK) {
		int fam = f.type == FDI_IPV4_SOCK ? AF_INET : AF_INET6;
		size_t n = fam == AF_INET ? 4 : 16;
		static const uint8_t zero[16];
		bool s0 = !memcmp(f.src.addr, zero, n), d0 = !memcmp(f.dst.addr, zero, n);

		if (!f.l4proto)
			f.l4proto = IPPROTO_UDP;
		/* an end left unbound: this machine's likely address */
		if (s0 != d0) {
			uint8_t *fix = s0 ? f.src.addr : f.dst.addr;
			const uint8_t *peer = s0 ? f.dst.addr : f.src.addr;
			uint8_t guess[16] = { 0 };

			if (state__infer_local_addr(c->st, fam, peer, guess) &&
			    (memcmp(guess, peer, n) || f.src.port != f.dst.port))
				memcpy(fix, guess, n);
		}
		if (f.role == FDI_ROLE_NONE) {
			if (bound_to_port(c, f.dst.port, false) && !bound_to_port(c, f.src.port, true))
				f.role = FDI_ROLE_SERVER;
			else if (bound_to_port(c, f.dst.port, false))
				f.role = incoming ? FDI_ROLE_SERVER : FDI_ROLE_CLIENT;
			else
				f.role = FDI_ROLE_CLIENT;
		}
		if ((incoming && f.role == FDI_ROLE_CLIENT) || (!incoming && f.role == FDI_ROLE_SERVER)) {
			struct fdi_ep tmp = f.src;

			f.src = f.dst;
			f.dst = tmp;
		}
		fdi_tuple_name(&f, name, sizeof(name));
		f.name = name;
		f.name_len = (uint32_t)strlen(name);
	}
	f.nameraw = fe->f.nameraw;
	add_fd(c, &f);
	c->added_fd = -1;	/* the event works on its fd, it made none */
}

static void on_socket(struct ectx *c, int64_t fd)
{
	int64_t dom = 0, type = 0, proto = 0;
	struct fdi f = { .num = fd, .name = "" };

	p_int(c, "domain", &dom);
	p_int(c, "type", &type);
	p_int(c, "proto", &proto);
	if (dom == PPM_SOCKET_FAMILIES_AF_INET)
		f.type = FDI_IPV4_SOCK;
	else if (dom == PPM_SOCKET_FAMILIES_AF_INET6)
		f.type = FDI_IPV6_SOCK;
	else if (dom == PPM_SOCKET_FAMILIES_AF_UNIX)
		f.type = FDI_UNIX_SOCK;
	else if (dom == 16)
		f.type = FDI_NETLINK;
	else
		f.type = FDI_RAW_SOCK;
	f.family = dom == PPM_SOCKET_FAMILIES_AF_INET ? AF_INET : dom == PPM_SOCKET_FAMILIES_AF_INET6 ? AF_INET6 :
		   dom == PPM_SOCKET_FAMILIES_AF_UNIX ? AF_UNIX : dom == 16 ? AF_NETLINK : 0;
	/* IP sockets: the protocol asked for, else the one the type implies
	 * (SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3), as Falco infers it */
	type &= 0xf;
	if (f.type == FDI_IPV4_SOCK || f.type == FDI_IPV6_SOCK) {
		if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_ICMP)
			f.l4proto = type == 3 ? IPPROTO_RAW : (uint8_t)proto;
		else if (proto == IPPROTO_RAW)
			f.l4proto = IPPROTO_RAW;
		else if (proto == 0)
			f.l4proto = type == 1 ? IPPROTO_TCP : type == 2 ? IPPROTO_UDP : 0;
	}
	add_fd(c, &f);
}

/* bind: a socket bound to a port is a server socket; its name becomes the
 * bound address, as Falco renders it ("1.2.3.4:80", "::1:80", a path). */
static void on_bind(struct ectx *c, int64_t fd)
{
	struct fd_ent *fe = state_fd_find(fds(c), fd);
	uint32_t len;
	const uint8_t *p = p_buf(c, "addr", &len);
	char a[INET6_ADDRSTRLEN], name[512];
	struct fdi f;
	uint16_t port;

	if (!fe || !p || len < 1)
		return;
	f = fe->f;
	if (p[0] == PPM_SOCKET_FAMILIES_AF_INET && len >= 7) {
		memcpy(&port, p + 5, 2);
		inet_ntop(AF_INET, p + 1, a, sizeof(a));
		snprintf(name, sizeof(name), "%s:%u", a, port);
		if (port) {
			memset(&f.dst, 0, sizeof(f.dst));
			memcpy(f.dst.addr, p + 1, 4);
			f.dst.port = port;
			f.type = FDI_IPV4_SOCK;
			f.role = FDI_ROLE_SERVER;
			f.flags |= FDI_F_SERVSOCK;
		}
	} else if (p[0] == PPM_SOCKET_FAMILIES_AF_INET6 && len >= 19) {
		memcpy(&port, p + 17, 2);
		inet_ntop(AF_INET6, p + 1, a, sizeof(a));
		snprintf(name, sizeof(name), "%s:%u", a, port);
		if (port) {
			memset(&f.dst, 0, sizeof(f.dst));
			if (fdi_addr_v4_mapped(p + 1)) {
				f.type = FDI_IPV4_SOCK;
				memcpy(f.dst.addr, p + 13, 4);
			} else {
				f.type = FDI_IPV6_SOCK;
				memcpy(f.dst.addr, p + 1, 16);
			}
			f.dst.port = port;
			f.role = FDI_ROLE_SERVER;
			f.flags |= FDI_F_SERVSOCK;
		}
	} else if (p[0] == PPM_SOCKET_FAMILIES_AF_UNIX) {
		snprintf(name, sizeof(name), "%.*s", (int)strnlen((const char *)p + 1, len - 1),
			 (const char *)p + 1);
	} else {
		return;
	}
	f.name = name;
	f.name_len = (uint32_t)strlen(name);
	f.nameraw = NULL;
	add_fd(c, &f);
}

static void on_dup(struct ectx *c, int64_t newfd)
{
	int64_t old;
	struct fd_ent *fe;
	struct fdi f;

	if (!p_int(c, "oldfd", &old) && !p_int(c, "fd", &old))
		return;
	fe = state_fd_find(fds(c), old);
	if (!fe)
		return;
	f = fe->f;
	f.num = newfd;
	add_fd(c, &f);
}

/* ---- processes ---------------------------------------------------------- */

static void fill_proc(struct ectx *c, struct thr_ent *te, bool exec)
{
	struct thr *t = &te->t;
	int64_t v;
	uint32_t u;
	const char *s;

	if (p_int(c, "pid", &v) && v > 0)
		state_thr_set_pid(c->st, te, v);
	/* an exec keeps the parent the table knows (it may have been
	 * reparented since); a thread of unknown parent takes the event's */
	if (p_int(c, "ptid", &v) && v >= 0 && (!exec || t->ptid < 0)) {
		state_thr_set_ptid(c->st, te, v);
		if (exec && !(t->flags & THR_F_CHILD_IN_PIDNS)) {
			t->vtid = t->tid;
			t->vpid = t->pid;
		}
	}
	if (p_int(c, "vtid", &v))
		t->vtid = v;
	if (p_int(c, "vpid", &v))
		t->vpid = v;
	if (p_int(c, "vpgid", &v))
		t->vpgid = v;
	if (p_int(c, "pgid", &v))
		t->pgid = v;
	if (p_int(c, "fdlimit", &v))
		t->fdlimit = v;
	if (p_u32(c, "uid", &u))
		t->uid = u;
	if (p_u32(c, "gid", &u))
		t->gid = u;
	if (p_int(c, "pgft_maj", &v))
		t->pfmajor = (uint64_t)v;
	if (p_int(c, "pgft_min", &v))
		t->pfminor = (uint64_t)v;
	if (p_u32(c, "vm_size", &u))
		t->vmsize_kb = u;
	if (p_u32(c, "vm_rss", &u))
		t->vmrss_kb = u;
	if (p_u32(c, "vm_swap", &u))
		t->vmswap_kb = u;
	if (p_int(c, "pidns_init_start_ts", &v))
		t->pidns_init_start_ts = (uint64_t)v;
	set_str_param(c, &t->comm, "comm");
	set_str_param(c, &t->exe, "exe");
	set_blob_param(c, &t->args, "args");
	set_blob_param(c, &t->cgroups, "cgroups");
	state_thr_refresh_ctr(c->st, te);
	/* no cwd from the event: Falco keeps the one it tracks (scan, clone,
	 * chdir) whatever clone or exec report */
	if (!exec)
		return;	/* the rest is the caller's (on_clone) */
	set_blob_param(c, &t->env, "env");
	if (p_u32(c, "tty", &u))
		t->tty = u;
	if (p_int(c, "loginuid", &v))
		t->loginuid = (uint32_t)v == UINT32_MAX ? -1 : (int64_t)(uint32_t)v;
	if (p_int(c, "cap_inheritable", &v))
		t->cap_inheritable = (uint64_t)v;
	if (p_int(c, "cap_permitted", &v))
		t->cap_permitted = (uint64_t)v;
	if (p_int(c, "cap_effective", &v))
		t->cap_effective = (uint64_t)v;
	if (p_int(c, "exe_ino", &v))
		t->exe_ino = (uint64_t)v;
	if (p_int(c, "exe_ino_ctime", &v))
		t->exe_ino_ctime = (uint64_t)v;
	if (p_int(c, "exe_ino_mtime", &v))
		t->exe_ino_mtime = (uint64_t)v;
	if (p_u32(c, "flags", &u)) {
		t->flags &= ~(uint32_t)(THR_F_EXE_WRITABLE | THR_F_EXE_UPPER_LAYER |
					THR_F_EXE_FROM_MEMFD | THR_F_EXE_LOWER_LAYER);
		t->flags |= (u & PPM_EXECVE_FLAGS_EXE_WRITABLE ? THR_F_EXE_WRITABLE : 0) |
			    (u & PPM_EXECVE_FLAGS_EXE_UPPER_LAYER ? THR_F_EXE_UPPER_LAYER : 0) |
			    (u & PPM_EXECVE_FLAGS_EXE_FROM_MEMFD ? THR_F_EXE_FROM_MEMFD : 0) |
			    (u & PPM_EXECVE_FLAGS_EXE_LOWER_LAYER ? THR_F_EXE_LOWER_LAYER : 0);
	}
	/* proc.exepath: the kernel's trusted path when the event has it, else
	 * the filename execve was given, made absolute against the cwd (older
	 * captures); unchanged when neither is known. */
	s = p_str(c, "trusted_exepath");
	if (s && *s) {
		state_set_str(&t->exepath, s, strlen(s));
	} else if ((s = p_str(c, "filename")) != NULL && *s) {
		char buf[4096];

		if (!strcmp(s, "<NA>"))
			snprintf(buf, sizeof(buf), "<NA>");
		else
			path_resolve(s[0] == '/' ? NULL : t->cwd, s, buf, sizeof(buf));
		state_set_str(&t->exepath, buf, strlen(buf));
	}
	t->lastexec_ts = c->e->ts;
}

/* What a new thread takes from the thread it was cloned from that its
 * clone event does not carry, as Falco copies it: the executable, the
 * session, terminal, login uid and capabilities, the environment, and the
 * working directory when the event leaves it empty (as current drivers
 * do). */
static void inherit(struct state *st, struct thr *t, const struct thr *p, bool thread)
{
	const struct thr *pm = p->tid == p->pid ? p : state__thread(st, p->pid);

	/* a new process starts in its maker's process's directory */
	if (!thread && pm && pm->cwd)
		state_set_str(&t->cwd, pm->cwd, strlen(pm->cwd));
	if (p->exepath)
		state_set_str(&t->exepath, p->exepath, strlen(p->exepath));
	if (p->root)
		state_set_str(&t->root, p->root, strlen(p->root));
	if (p->env.len)
		state_set_blob(&t->env, p->env.p, p->env.len);
	t->sid = p->sid;
	t->pgid = p->pgid;
	t->vpgid = p->vpgid;
	t->loginuid = p->loginuid;
	t->tty = p->tty;
	t->cap_permitted = p->cap_permitted;
	t->cap_effective = p->cap_effective;
	t->cap_inheritable = p->cap_inheritable;
	t->exe_ino = p->exe_ino;
	t->exe_ino_ctime = p->exe_ino_ctime;
	t->exe_ino_mtime = p->exe_ino_mtime;
	t->flags |= p->flags & (THR_F_EXE_WRITABLE | THR_F_EXE_UPPER_LAYER |
				THR_F_EXE_LOWER_LAYER | THR_F_EXE_FROM_MEMFD);
	if (thread)
		t->lastexec_ts = p->lastexec_ts;
}

static void on_clone(struct ectx *c, int64_t res)
{
	struct thr_ent *child, *src;
	int64_t child_tid = res == 0 ? c->e->tid : res, v;
	uint32_t flags = 0;
	bool created, fresh, invalid_caller = false;

	if (res < 0)
		return;
	p_u32(c, "flags", &flags);
	if (res > 0 && (c->te->t.pid < 0 || c->te->t.ptid < 0)) {
		/* a caller the table did not know: its clone says who it is */
		struct thr *t = &c->te->t;

		if (p_int(c, "pid", &v))
			state_thr_set_pid(c->st, c->te, v);
		if (p_int(c, "ptid", &v))
			state_thr_set_ptid(c->st, c->te, v);
		t->vtid = p_int(c, "vtid", &v) ? v : t->tid;
		t->vpid = p_int(c, "vpid", &v) ? v : -1;
		invalid_caller = true;
	}
	if (res > 0) {
		/* The caller's exit makes the child only where Falco's does:
		 * not from inside a pid namespace (res is then the child's id
		 * there, not the host tid the table uses), nor for a vfork,
		 * whose child runs, and may exit, before the caller returns.
		 * The child's own exit makes it then. */
		if ((flags & (PPM_CLONE_FLAGS_CLONE_CHILD_IN_PIDNS | PPM_CLONE_FLAGS_CLONE_NEWPID | PPM_CLONE_FLAGS_CLONE_PARENT | PPM_CLONE_FLAGS_CLONE_VFORK)) ||
		    !strcmp(c->e->info->name, "vfork") ||
		    (p_int(c, "vtid", &v) && v > 0 && v != c->e->tid))
			return;
		if (state_thr_get(c->st, child_tid))
			return;	/* the child's own exit already made it */
	}
	child = state_thr_make(c->st, child_tid, &created);
	if (!child)
		return;
	/* on the child's side the event itself made the entry, incomplete */
	fresh = res > 0 || created || (child->t.flags & THR_F_INCOMPLETE);
	if (fresh) {
		/* start from what the parameters say: the caller's view on
		 * its side, the child's own on the child's side */
		struct ectx cc = *c;

		cc.te = child;
		fill_proc(&cc, child, false);
		if (res > 0) {
			child->t.tid = child_tid;
			if (!(flags & PPM_CLONE_FLAGS_CLONE_THREAD))
				state_thr_set_pid(c->st, child, child_tid);
			state_thr_set_ptid(c->st, child,
					   flags & PPM_CLONE_FLAGS_CLONE_THREAD ? c->te->t.ptid : c->te->t.pid);
			child->t.vtid = child_tid;
			child->t.vpid = child->t.pid;
		}
		state_thr_touch(c->st, child, c->e->ts);
	}
	if (fresh || !child->t.clone_ts)
		child->t.clone_ts = c->e->ts;
	child->t.flags &= ~(uint32_t)THR_F_INCOMPLETE;
	if (flags & (PPM_CLONE_FLAGS_CLONE_CHILD_IN_PIDNS | PPM_CLONE_FLAGS_CLONE_NEWPID))
		child->t.flags |= THR_F_CHILD_IN_PIDNS;
	/* the rest comes from the caller, or on the child's side from its
	 * parent (from its leader for a thread) */
	src = res > 0 ? c->te :
	      state_thr_get(c->st, flags & PPM_CLONE_FLAGS_CLONE_THREAD ? child->t.pid : child->t.ptid);
	if (src == child || invalid_caller)
		src = NULL;
	if (fresh && src)
		inherit(c->st, &child->t, &src->t, flags & PPM_CLONE_FLAGS_CLONE_THREAD);
	if (child->fds)
		return;
	if (src && src->fds && (flags & (PPM_CLONE_FLAGS_CLONE_THREAD | PPM_CLONE_FLAGS_CLONE_FILES))) {
		child->fds = src->fds;
		child->fds->refs++;
	} else {
		child->fds = state_fdtab_copy(src ? src->fds : NULL);
	}
}

/* ---- dispatch by event type ---------------------------------------------- */

enum state_op {
	OP_NONE = 0,
	OP_CLONE,
	OP_EXEC,
	OP_CONNECT,
	OP_OPEN,
	OP_SOCKET,
	OP_ACCEPT,
	OP_BIND,
	OP_LISTEN,
	OP_CLOSE,
	OP_DUP,
	OP_FCNTL,
	OP_PIPE,
	OP_SOCKETPAIR,
	OP_EVENTFD,
	OP_SIGNALFD,
	OP_TIMERFD,
	OP_INOTIFY,
	OP_EPOLL,
	OP_USERFAULTFD,
	OP_IOURING,
	OP_PIDFD,
	OP_BPF,
	OP_MEMFD,
	OP_RW,		/* I/O: a socket that moves data is connected */
	OP_RW_TUPLE,	/* datagram I/O naming its peer */
	/* from here on: ops that change the thread itself */
	OP_VM,
	OP_RLIMIT,
	OP_PRLIMIT,
	OP_CHDIR,
	OP_FCHDIR,
	OP_SETUID,
	OP_SETGID,
	OP_SETSID,
	OP_CAPSET,
};

static const struct {
	const char *name;
	enum state_op op;
} op_names[] = {
	{ "clone", OP_CLONE },
	{ "fork", OP_CLONE },
	{ "vfork", OP_CLONE },
	{ "clone3", OP_CLONE },
	{ "execve", OP_EXEC },
	{ "execveat", OP_EXEC },
	{ "connect", OP_CONNECT },
	{ "open", OP_OPEN },
	{ "openat", OP_OPEN },
	{ "openat2", OP_OPEN },
	{ "creat", OP_OPEN },
	{ "open_by_handle_at", OP_OPEN },
	{ "socket", OP_SOCKET },
	{ "accept", OP_ACCEPT },
	{ "accept4", OP_ACCEPT },
	{ "bind", OP_BIND },
	{ "listen", OP_LISTEN },
	{ "close", OP_CLOSE },
	{ "dup", OP_DUP },
	{ "dup2", OP_DUP },
	{ "dup3", OP_DUP },
	{ "fcntl", OP_FCNTL },
	{ "pipe", OP_PIPE },
	{ "pipe2", OP_PIPE },
	{ "socketpair", OP_SOCKETPAIR },
	{ "eventfd", OP_EVENTFD },
	{ "eventfd2", OP_EVENTFD },
	{ "signalfd", OP_SIGNALFD },
	{ "signalfd4", OP_SIGNALFD },
	{ "timerfd_create", OP_TIMERFD },
	{ "inotify_init", OP_INOTIFY },
	{ "inotify_init1", OP_INOTIFY },
	{ "epoll_create", OP_EPOLL },
	{ "epoll_create1", OP_EPOLL },
	{ "userfaultfd", OP_USERFAULTFD },
	{ "io_uring_setup", OP_IOURING },
	{ "pidfd_open", OP_PIDFD },
	{ "bpf", OP_BPF },
	{ "memfd_create", OP_MEMFD },
	{ "read", OP_RW },
	{ "write", OP_RW },
	{ "send", OP_RW },
	{ "recv", OP_RW },
	{ "readv", OP_RW },
	{ "writev", OP_RW },
	{ "pread", OP_RW },
	{ "pwrite", OP_RW },
	{ "preadv", OP_RW },
	{ "pwritev", OP_RW },
	{ "sendto", OP_RW_TUPLE },
	{ "sendmsg", OP_RW_TUPLE },
	{ "sendmmsg", OP_RW_TUPLE },
	{ "recvfrom", OP_RW_TUPLE },
	{ "recvmsg", OP_RW_TUPLE },
	{ "recvmmsg", OP_RW_TUPLE },
	{ "brk", OP_VM },
	{ "mmap", OP_VM },
	{ "mmap2", OP_VM },
	{ "munmap", OP_VM },
	{ "getrlimit", OP_RLIMIT },
	{ "setrlimit", OP_RLIMIT },
	{ "prlimit", OP_PRLIMIT },
	{ "chdir", OP_CHDIR },
	{ "fchdir", OP_FCHDIR },
	{ "setuid", OP_SETUID },
	{ "setresuid", OP_SETUID },
	{ "setreuid", OP_SETUID },
	{ "setgid", OP_SETGID },
	{ "setresgid", OP_SETGID },
	{ "setregid", OP_SETGID },
	{ "setsid", OP_SETSID },
	{ "capset", OP_CAPSET },
};

/* What the state does with each exit event type, looked up once (by
 * state__new, through state_update_init): the event's name decides,
 * whatever the version of its layout. */
static uint8_t op_of_type[PPM_EVENT_MAX];
static pthread_once_t op_once = PTHREAD_ONCE_INIT;

static void op_init(void)
{
	for (uint16_t t = 0; t < PPM_EVENT_MAX; t++) {
		const struct evt_info *ei = evt_schema_get(t);

		fd_param_of_type[t] = -1;
		for (uint32_t i = 0; ei && i < ei->nparams && fd_param_of_type[t] < 0; i++)
			if (!strcmp(ei->params[i].name, "fd"))
				fd_param_of_type[t] = (int8_t)i;

		if (!ei || ei->dir != EVD_EXIT || !(ei->flags & EVF_SYSCALL))
			continue;
		for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
			if (!strcmp(ei->name, op_names[i].name))
				op_of_type[t] = (uint8_t)op_names[i].op;
	}
}

/* A connect's enter event (older captures) already says where to: the
 * server end of an IP socket, the name of a unix socket. */
static void on_connect_enter(struct ectx *c)
{
	struct fd_ent *fe;
	struct fdi f;
	int64_t fd;
	uint32_t len = 0;
	const uint8_t *p = p_buf(c, "addr", &len);
	char name[512];

	if (!p_int(c, "fd", &fd) || !(fe = state_fd_find(fds(c), fd)) || !p || !len)
		return;
	f = fe->f;
	if (p[0] == PPM_SOCKET_FAMILIES_AF_INET && len >= 7) {
		f.type = FDI_IPV4_SOCK;
		memset(f.dst.addr, 0, sizeof(f.dst.addr));
		memcpy(f.dst.addr, p + 1, 4);
		memcpy(&f.dst.port, p + 5, 2);
	} else if (p[0] == PPM_SOCKET_FAMILIES_AF_INET6 && len >= 19) {
		memset(f.dst.addr, 0, sizeof(f.dst.addr));
		memcpy(&f.dst.port, p + 17, 2);
		if (fdi_addr_v4_mapped(p + 1)) {
			f.type = FDI_IPV4_SOCK;
			memcpy(f.dst.addr, p + 13, 4);
		} else {
			f.type = FDI_IPV6_SOCK;
			memcpy(f.dst.addr, p + 1, 16);
		}
	} else if (p[0] == PPM_SOCKET_FAMILIES_AF_UNIX) {
		snprintf(name, sizeof(name), "%.*s", (int)strnlen((const char *)p + 1, len - 1),
			 (const char *)p + 1);
		f.name = name;
		f.name_len = (uint32_t)strlen(name);
	} else {
		return;
	}
	f.nameraw = fe->f.nameraw;
	add_fd(c, &f);
	c->added_fd = -1;	/* the event works on its fd, it made none */
}

/* A successful getrlimit/setrlimit/prlimit on RLIMIT_NOFILE sets the fd
 * limit of the process (its main thread), as Falco records it: the
 * current value the call reports, whatever it is but -1. */
static void on_rlimit(struct ectx *c, bool prlimit)
{
	int64_t resource, cur, tid = 0;
	struct thr_ent *te = c->te, *m;

	if (!p_int(c, "resource", &resource) || resource != PPM_RLIMIT_RESOURCES_RLIMIT_NOFILE ||
	    !p_int(c, prlimit ? "newcur" : "cur", &cur) || cur == -1)
		return;
	if (prlimit && p_int(c, "pid", &tid) && tid != 0 && !(te = state_thr_get(c->st, tid)))
		return;
	if (te->t.pid < 0)
		return;
	m = te->t.tid == te->t.pid ? te : state_thr_get(c->st, te->t.pid);
	if (m)
		m->t.fdlimit = cur;
}

static int64_t event_fd(struct ectx *c);

static void on_exit_event(struct ectx *c, enum state_op op)
{
	int64_t res = 0, fd, fd2;
	bool has_res = retval(c->e, &res);

	if (op >= OP_CHDIR || op == OP_CLONE || op == OP_EXEC)
		c->st->proc_gen++;	/* the thread's process fields change */
	if (op == OP_CLONE) {
		if (has_res)
			on_clone(c, res);
		return;
	}
	if (op == OP_EXEC) {
		if (has_res && res == 0) {
			/* a thread's execve takes over its dead leader's tid */
			state_thr_set_dead(c->st, c->te, false);
			fill_proc(c, c->te, true);
		}
		return;
	}
	if (op == OP_VM) {
		/* memory counters, whatever the result */
		uint32_t u;

		if (p_u32(c, "vm_size", &u))
			c->te->t.vmsize_kb = u;
		if (p_u32(c, "vm_rss", &u))
			c->te->t.vmrss_kb = u;
		if (p_u32(c, "vm_swap", &u))
			c->te->t.vmswap_kb = u;
		return;
	}
	if (op == OP_RLIMIT || op == OP_PRLIMIT) {
		if (has_res && res >= 0)
			on_rlimit(c, op == OP_PRLIMIT);
		return;
	}
	/* a non-blocking connect still in progress has its tuple already */
	if (has_res && res == -115 /* EINPROGRESS */ && op == OP_CONNECT) {
		if (p_int(c, "fd", &fd))
			on_tuple(c, fd, FDI_ROLE_CLIENT, false);
		return;
	}
	if (!has_res || res < 0)
		return;
	if (op == OP_RW || op == OP_RW_TUPLE) {
		struct fd_ent *fe;

		fd = event_fd(c);
		fe = fd >= 0 ? state_fd_find(fds(c), fd) : NULL;
		if (fe && (fe->f.type == FDI_IPV4_SOCK || fe->f.type == FDI_IPV6_SOCK) &&
		    !(fe->f.flags & FDI_F_SERVSOCK))
			fe->f.flags |= FDI_F_CONNECTED;
		if (fe && op == OP_RW_TUPLE)
			on_rw_tuple(c, fd, c->e->info->flags & EVF_READS_FD);
	} else if (op == OP_OPEN) {
		on_open(c, res);
	} else if (op == OP_SOCKET) {
		on_socket(c, res);
	} else if (op == OP_CONNECT) {
		if (p_int(c, "fd", &fd))
			on_tuple(c, fd, FDI_ROLE_CLIENT, false);
	} else if (op == OP_ACCEPT) {
		on_tuple(c, res, FDI_ROLE_SERVER, true);
	} else if (op == OP_BIND) {
		if (p_int(c, "fd", &fd))
			on_bind(c, fd);
	} else if (op == OP_LISTEN) {
		struct fd_ent *fe = p_int(c, "fd", &fd) ? state_fd_find(fds(c), fd) : NULL;

		if (fe) {
			fe->f.role = FDI_ROLE_SERVER;
			fe->f.flags |= FDI_F_LISTENING;
		}
	} else if (op == OP_CLOSE) {
		if (p_int(c, "fd", &fd)) {
			c->st->close_tid = c->te->t.tid;
			c->st->close_fd = fd;
		}
	} else if (op == OP_DUP) {
		on_dup(c, res);
	} else if (op == OP_FCNTL) {
		int64_t cmd;

		if (p_int(c, "cmd", &cmd) &&
		    (cmd == PPM_FCNTL_COMMANDS_F_DUPFD || cmd == PPM_FCNTL_COMMANDS_F_DUPFD_CLOEXEC))
			on_dup(c, res);
	} else if (op == OP_PIPE) {
		if (p_int(c, "fd1", &fd) && p_int(c, "fd2", &fd2)) {
			/* both ends: the pipe's inode, pipe2's flags */
			struct fdi f = { .type = FDI_PIPE, .name = "" };
			int64_t ino = 0;

			p_int(c, "ino", &ino);
			p_u32(c, "flags", &f.open_flags);
			f.ino = (uint64_t)ino;
			f.num = fd;
			add_fd(c, &f);
			f.num = fd2;
			add_fd(c, &f);
		}
	} else if (op == OP_SOCKETPAIR) {
		if (p_int(c, "fd1", &fd) && p_int(c, "fd2", &fd2)) {
			simple_fd(c, fd, FDI_UNIX_SOCK, "");
			simple_fd(c, fd2, FDI_UNIX_SOCK, "");
		}
	} else if (op == OP_EVENTFD) {
		simple_fd(c, res, FDI_EVENT, "");
	} else if (op == OP_SIGNALFD) {
		simple_fd(c, res, FDI_SIGNALFD, "");
	} else if (op == OP_TIMERFD) {
		simple_fd(c, res, FDI_TIMERFD, "");
	} else if (op == OP_INOTIFY) {
		simple_fd(c, res, FDI_INOTIFY, "");
	} else if (op == OP_EPOLL) {
		simple_fd(c, res, FDI_EVENTPOLL, "");
	} else if (op == OP_USERFAULTFD) {
		simple_fd(c, res, FDI_USERFAULTFD, "");
	} else if (op == OP_IOURING) {
		simple_fd(c, res, FDI_IOURING, "");
	} else if (op == OP_PIDFD) {
		simple_fd(c, res, FDI_PIDFD, "");
	} else if (op == OP_BPF) {
		simple_fd(c, res, FDI_BPF, "");
	} else if (op == OP_MEMFD) {
		char buf[512];
		const char *nm = p_str(c, "name");

		snprintf(buf, sizeof(buf), "memfd:%s", nm ? nm : "");
		simple_fd(c, res, FDI_MEMFD, buf);
	} else if (op == OP_CHDIR) {
		const char *p = p_str(c, "path");
		char buf[4096];

		if (p) {
			path_resolve(c->te->t.cwd, p, buf, sizeof(buf) - 1);
			strcat(buf, buf[1] ? "/" : "");
			state_set_str(&c->te->t.cwd, buf, strlen(buf));
		}
	} else if (op == OP_FCHDIR) {
		struct fd_ent *fe = p_int(c, "fd", &fd) ? state_fd_find(fds(c), fd) : NULL;

		if (fe) {
			char buf[4096];

			snprintf(buf, sizeof(buf), "%s/", fe->name);
			state_set_str(&c->te->t.cwd, buf, strlen(buf));
		}
	} else if (op == OP_SETUID) {
		uint32_t u;

		if (p_u32(c, "euid", &u) || p_u32(c, "uid", &u))
			if (u != UINT32_MAX)
				c->te->t.uid = u;
	} else if (op == OP_SETGID) {
		uint32_t g;

		if (p_u32(c, "egid", &g) || p_u32(c, "gid", &g))
			if (g != UINT32_MAX)
				c->te->t.gid = g;
	} else if (op == OP_SETSID) {
		c->te->t.sid = res;
	} else if (op == OP_CAPSET) {
		int64_t v;

		if (p_int(c, "cap_inheritable", &v))
			c->te->t.cap_inheritable = (uint64_t)v;
		if (p_int(c, "cap_permitted", &v))
			c->te->t.cap_permitted = (uint64_t)v;
		if (p_int(c, "cap_effective", &v))
			c->te->t.cap_effective = (uint64_t)v;
	}
}

/* The fd an event works on, as Falco keeps it per thread: the last fd the
 * event added (a pipe's second end, a dup's copy), else the fd its enter
 * event named (older captures), else the fd its exit event names; -1. */
static int64_t event_fd(struct ectx *c)
{
	int64_t fd, res;
	uint32_t f = c->e->info->flags;
	const struct evt_info *ei;

	if (c->added_fd >= 0)
		return c->added_fd;
	if ((f & EVF_CREATES_FD) && retval(c->e, &res) && res >= 0)
		return res;
	if (c->enter && (ei = c->enter->info) && (ei->flags & EVF_USES_FD))
		return int_at(c->enter, fd_param_of_type[c->enter->type], &fd) ? fd : -1;
	if ((f & EVF_USES_FD) && int_at(c->e, fd_param_of_type[c->e->type], &fd))
		return fd;
	return -1;
}

/* A context switch: the time since the previous one on this CPU is the
 * switched-out thread's slice (thread.exectime), added to its total. */
static void on_switch(struct state *st, struct thr_ent *te, const struct evt *e,
		      struct state_cur *cur)
{
	uint64_t *last;

	uint32_t u;
	int64_t v;
	struct thr_ent *m;
	struct ectx c = { .st = st, .e = e, .te = te, .added_fd = -1 };

	/* the switched-out thread's page faults, its process's memory */
	if (p_int(&c, "pgft_maj", &v))
		te->t.pfmajor = (uint64_t)v;
	if (p_int(&c, "pgft_min", &v))
		te->t.pfminor = (uint64_t)v;
	m = te->t.tid == te->t.pid ? te : te->t.pid > 0 ? state_thr_get(st, te->t.pid) : NULL;
	if (m && p_u32(&c, "vm_size", &u))
		m->t.vmsize_kb = u;
	if (m && p_u32(&c, "vm_rss", &u))
		m->t.vmrss_kb = u;
	if (m && p_u32(&c, "vm_swap", &u))
		m->t.vmswap_kb = u;
	if (e->cpu >= STATE_MAX_CPUS)
		return;
	last = &st->last_switch_ts[e->cpu];
	if (*last && e->ts >= *last)
		cur->exectime = e->ts - *last;
	*last = e->ts;
	te->t.totexectime += cur->exectime;
}

/* CPU ticks since the thread's previous procinfo event, at most 100. */
static double ticks_since(uint64_t now, uint64_t before)
{
	double d;

	if (!before)
		return 0;
	d = (double)(now - before);
	return d > 100 ? 100 : d;
}

static void on_procinfo(struct thr_ent *te, const struct evt *e, struct state_cur *cur)
{
	uint64_t u, s;
	struct thr *t = &te->t;

	if (!evt_param_u64(e, 0, &u) || !evt_param_u64(e, 1, &s))
		return;
	cur->cpu[0] = ticks_since(u + s, t->procinfo_user + t->procinfo_sys);
	cur->cpu[1] = ticks_since(u, t->procinfo_user);
	cur->cpu[2] = ticks_since(s, t->procinfo_sys);
	t->procinfo_user = u;
	t->procinfo_sys = s;
}

/* The stand-in thread of a container event: tid, pid -1, virtual ids -2,
 * named "container:ID", in container id. */
static struct thr *container_thread(struct state *st, const char *id)
{
	struct thr *t = &st->ctr_thr;

	memset(t, 0, sizeof(*t));
	t->tid = t->pid = t->ptid = t->sid = t->pgid = t->loginuid = -1;
	t->vtid = t->vpid = t->vpgid = -2;
	t->uid = t->gid = UINT32_MAX;
	snprintf(st->ctr_thr_id, sizeof(st->ctr_thr_id), "%s", id);
	snprintf(st->ctr_thr_name, sizeof(st->ctr_thr_name), "container:%s", id);
	t->comm = t->exe = t->exepath = st->ctr_thr_name;
	t->container_id = st->ctr_thr_id;
	return t;
}

/* A container event: what a runtime said of a container, as Falco's
 * engine wrote it into the capture (JSON, or the four parameters of the
 * oldest layout). Its thread is the container's stand-in. */
static void on_container(struct state *st, const struct evt *e, struct state_cur *cur)
{
	struct ctr_meta *m = NULL;
	const uint8_t *p;
	uint32_t len, type;
	char err[160];

	if (e->type != PPME_CONTAINER_E) {
		if (!(p = evt_param(e, 0, &len)) ||
		    ctr_json_parse((const char *)p, len, &m, err, sizeof(err)) == -EINVAL)
			st->st.events_malformed++;
	} else if ((p = evt_param(e, 0, &len)) && len && (m = ctr_meta__new())) {
		ctr_meta__set(m, &m->id, (const char *)p, strnlen((const char *)p, len));
		if (evt_param_u32(e, 1, &type))
			m->type = ctr_type_from_falco(type);
		if ((p = evt_param(e, 2, &len)))
			ctr_meta__set(m, &m->name, (const char *)p, strnlen((const char *)p, len));
		if ((p = evt_param(e, 3, &len)))
			ctr_meta__set(m, &m->image, (const char *)p, strnlen((const char *)p, len));
	}
	if (m && m->id) {
		cur->thr = container_thread(st, m->id);
		state_ctr_put(st, m);
	} else {
		ctr_meta__free(m);
	}
}

static void update(struct state *st, const struct evt *e, struct state_cur *cur)
{
	struct ectx c = { .st = st, .e = e, .added_fd = -1 };
	bool created;
	uint64_t gen;

	memset(cur, 0, sizeof(*cur));
	cur->fdnum = -1;
	if (!e->info)
		return;
	/* meta events are rare: one flag test on every other event */
	if (__builtin_expect(e->info->flags & EVF_META, 0) &&
	    (e->type == PPME_CONTAINER_JSON_2_E || e->type == PPME_CONTAINER_JSON_E ||
	     e->type == PPME_CONTAINER_E)) {
		on_container(st, e, cur);
		return;
	}
	st->pin_tid = e->tid;
	c.te = state_thr_make(st, e->tid, &created);
	if (!c.te)
		return;
	if (created) {
		/* a thread no clone, exec or list told of: Falco's stand-in,
		 * process unknown (pid and ptid -1), named "<NA>" */
		c.te->t.flags |= THR_F_INCOMPLETE;
		state_thr_set_pid(st, c.te, -1);
		state_set_str(&c.te->t.comm, "<NA>", 4);
		state_set_str(&c.te->t.exe, "<NA>", 4);
		st->st.threads_created_incomplete++;
	}
	state_thr_touch(st, c.te, e->ts);
	gen = st->proc_gen;
	if ((e->info->flags & EVF_SKIP_PARSE_RESET) || e->type == PPME_SCHEDSWITCH_6_E) {
		/* scheduler and info events leave the thread's last event alone */
	} else if (e->info->dir == EVD_ENTER) {
		/* keep the record for its exit, in a buffer sized to the
		 * largest the thread made (rounded up: few reallocations) */
		if (e->len <= STATE_ENTER_MAX) {
			if (e->len > c.te->enter_cap) {
				uint32_t cap = (e->len + STATE_ENTER_ROUND - 1) & ~(STATE_ENTER_ROUND - 1u);
				uint8_t *p = mem_realloc(c.te->enter, cap);

				if (p) {
					c.te->enter = p;
					c.te->enter_cap = cap;
				}
			}
			if (e->len <= c.te->enter_cap) {
				memcpy(c.te->enter, e->raw, e->len);
				c.te->enter_len = e->len;
				c.te->enter_type = e->type;
			}
		} else {
			c.te->enter_len = 0;
		}
	} else if (c.te->enter_len && c.te->enter_type + 1 == e->type &&
		   !evt_decode(&st->enter_view, c.te->enter, c.te->enter_len)) {
		c.enter = &st->enter_view;
		c.te->enter_len = 0;
	}
	if (e->type == PPME_SOCKET_CONNECT_E)
		on_connect_enter(&c);
	if (e->info->dir == EVD_EXIT && (e->info->flags & EVF_SYSCALL)) {
		if (e->type < PPM_EVENT_MAX && op_of_type[e->type])
			on_exit_event(&c, (enum state_op)op_of_type[e->type]);
	} else if (e->type == PPME_PROCEXIT_1_E || e->type == PPME_PROCEXIT_E) {
		int64_t r;

		st->exit_tid = e->tid;
		st->exit_reaper = p_int(&c, "reaper_tid", &r) ? r : 0;
	} else if (e->type == PPME_SCHEDSWITCH_6_E || e->type == PPME_SCHEDSWITCH_1_E) {
		on_switch(st, c.te, e, cur);
	} else if (e->type == PPME_PROCINFO_E) {
		on_procinfo(c.te, e, cur);
	}
	/* the clone/exec handlers may have replaced the thread entry (and a
	 * clone that evicted it dropped the enter record it held): a thread
	 * made or removed changes proc_gen */
	if (st->proc_gen != gen)
		c.te = state_thr_get(st, e->tid);
	cur->thr = c.te ? &c.te->t : NULL;
	cur->enter = c.enter;
	cur->fd_name_changed = c.renamed;
	if (c.te) {
		cur->fd_event = (e->info->flags & (EVF_CREATES_FD | EVF_USES_FD | EVF_DESTROYS_FD)) != 0;
		cur->fdnum = event_fd(&c);
		if (cur->fdnum >= 0) {
			struct fd_ent *fe = state_fd_find(c.te->fds, cur->fdnum);

			cur->fd = fe ? &fe->f : NULL;
		}
	}
}

/* The new parent of the children of te, which exits, chosen as the kernel
 * and Falco's thread manager choose it: the reaper its procexit names,
 * else another live thread of its process (sib), else the nearest ancestor
 * that is an init, of the host or of a container; 0 when none is known. */
static int64_t find_reaper(struct state *st, const struct thr_ent *te, int64_t reaper,
			   const struct thr_ent *sib)
{
	const struct thr_ent *k;
	const struct thr *p = &te->t;

	if (reaper > 0 && (k = state_thr_get(st, reaper)) && !(k->t.flags & THR_F_DEAD))
		return reaper;
	if (sib)
		return sib->t.tid;
	for (int i = 0; i < 64 && (p = state__parent(st, p)); i++)
		if (!(p->flags & THR_F_DEAD) && (p->pid == 1 || p->vpid == 1))
			return p->tid;
	return 0;
}

/* te exits: its children go to a reaper, and it goes, unless it leads a
 * process whose other threads live on: it stays for them, dead, and goes
 * with the last of them (THR_F_DEAD, as Falco keeps a main thread). */
static void thr_exit(struct state *st, struct thr_ent *te, int64_t reaper)
{
	int64_t tid = te->t.tid, pid = te->t.pid, to = 0;
	struct thr_ent *sib = NULL, *leader, *k, *next;
	bool kids = false;

	state_thr_set_dead(st, te, true);
	for (k = NULL; !sib && (k = state_thr_next_in_group(st, k, pid));)
		if (k != te && !(k->t.flags & THR_F_DEAD))
			sib = k;
	for (k = NULL; !kids && (k = state_thr_next_child(st, k, tid));)
		kids = k != te && k->t.pid != pid;
	if (kids) {
		to = find_reaper(st, te, reaper, sib);
		/* moving a child to another chain ends this walk: restart */
		for (k = state_thr_next_child(st, NULL, tid); k; k = next) {
			next = state_thr_next_child(st, k, tid);
			if (k != te && k->t.pid != pid) {
				state_thr_set_ptid(st, k, to);
				next = state_thr_next_child(st, NULL, tid);
			}
		}
	}
	if (tid == pid && sib)
		return;
	state_thr_remove(st, tid);
	if (tid != pid && !sib && (leader = state_thr_get(st, pid)) && (leader->t.flags & THR_F_DEAD))
		state_thr_remove(st, pid);
}

static void post(struct state *st)
{
	if (st->close_tid >= 0) {
		struct thr_ent *te = state_thr_get(st, st->close_tid);

		if (te)
			state_fd_remove(te->fds, st->close_fd);
		st->close_tid = -1;
	}
	if (st->exit_tid >= 0) {
		struct thr_ent *te = state_thr_get(st, st->exit_tid);

		if (te)
			thr_exit(st, te, st->exit_reaper);
		st->exit_tid = -1;
	}
}

void state_update_init(void)
{
	pthread_once(&op_once, op_init);
}

void state__update(struct state *st, const struct evt *e, struct state_cur *cur)
{
	STATE_HEAP_BEGIN();

	update(st, e, cur);
	STATE_HEAP_END(st);
}

void state__post(struct state *st)
{
	STATE_HEAP_BEGIN();

	post(st);
	STATE_HEAP_END(st);
}
