/* The fd.* fields (libsinsp's fd check): the fd an event creates, uses or
 * closes, as the fd table keeps it — name, type, path parts, device and
 * inode, socket ends (client/server from the connection, local/remote from
 * the machine's interface addresses), protocol and flags — and, where the
 * table has no entry, what the event's own parameters say (the name of a
 * failed open or connect). Events that name no fd have no fd fields. */
#define _GNU_SOURCE	/* memmem, memrchr */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/base/evt_fmt.h"
#include "runtime/dns_names.h"
#include "runtime/extract_int.h"

static bool fd_is_ip(const struct fdi *f)
{
	return f->type == FDI_IPV4_SOCK || f->type == FDI_IPV6_SOCK;
}

/* An IP socket with two ends known (not a bound server socket). */
static bool fd_is_conn(const struct fdi *f)
{
	return fd_is_ip(f) && !(f->flags & FDI_F_SERVSOCK) && f->role != FDI_ROLE_NONE;
}

static uint8_t fd_family(const struct fdi *f)
{
	return f->type == FDI_IPV4_SOCK ? AF_INET : AF_INET6;
}

/* Whether the client end (src) is an address of this machine: the local
 * end is then the client, else the server. */
static bool client_is_local(const struct extract_evt *x, const struct fdi *f)
{
	return x->st && state__addr_is_local(x->st, x->cur.thr, fd_family(f), f->src.addr);
}

static const struct fdi_ep *fd_local(const struct extract_evt *x, const struct fdi *f)
{
	return client_is_local(x, f) ? &f->src : &f->dst;
}

static const struct fdi_ep *fd_remote(const struct extract_evt *x, const struct fdi *f)
{
	return client_is_local(x, f) ? &f->dst : &f->src;
}

/* fd.cip.name, fd.sip.name, fd.lip.name, fd.rip.name: the name (among
 * those the rules compare these fields with, runtime/dns_names.h) that
 * resolves to the address; when none does, no value but the address kept
 * in it for the comparisons with names (compiler/irop_rt.h), on a
 * connected IP socket only, as Falco compares. */
static void domain_name(const struct extract_evt *x, const struct fdi *f, uint32_t id,
			struct fval *out)
{
	const uint8_t *addr;
	const char *name;
	uint8_t fam;

	if (!fd_is_ip(f) || f->role == FDI_ROLE_NONE)
		return;
	if ((f->flags & FDI_F_SERVSOCK) && id != FID_FD_SIP_NAME)
		return;
	addr = id == FID_FD_CIP_NAME ? f->src.addr
	       : id == FID_FD_SIP_NAME ? f->dst.addr
	       : id == FID_FD_LIP_NAME ? fd_local(x, f)->addr : fd_remote(x, f)->addr;
	fam = f->type == FDI_IPV4_SOCK ? 4 : 6;
	if ((name = dns_names_name_of(fam, addr))) {
		xt_cstr(out, name);
		return;
	}
	if (f->flags & FDI_F_SERVSOCK)
		return;
	out->ip.fam = fam;
	memset(out->ip.b, 0, sizeof(out->ip.b));
	memcpy(out->ip.b, addr, fam == 4 ? 4 : 16);
}

static void two_vals(struct extract_scratch *sc, struct fval a, struct fval b, struct fval *out)
{
	struct fval *it = xt_items(sc, 2);

	if (!it) {
		xt_none(out);
		return;
	}
	it[0] = a;
	it[1] = b;
	out->kind = FV_LIST;
	out->list.items = it;
	out->list.n = 2;
	out->list.any = true;
}

/* fd.types: the distinct types of every fd of the process, in fd order;
 * fd.types[N]: the type of fd N. */
struct fd_types_acc {
	struct extract_scratch *sc;
	uint32_t n;
	bool oom;
};

static int fd_types_add(void *ctx, const struct fdi *f)
{
	struct fd_types_acc *a = ctx;
	const char *tn = fdi_typename(f);
	struct fval *it;

	for (uint32_t i = 0; i < a->n; i++)
		if (a->sc->items[i].s.p == tn)
			return 0;
	it = xt_items(a->sc, a->n + 1);
	if (!it) {
		a->oom = true;
		return 1;
	}
	it[a->n++] = fval_str(tn, (uint32_t)strlen(tn));
	return 0;
}

static void fd_types(const struct extract_evt *x, const char *arg, struct extract_scratch *sc,
		     struct fval *out)
{
	struct fd_types_acc a = { .sc = sc };
	const struct fdi *f;
	char *end;
	long n;

	if (arg) {
		n = strtol(arg, &end, 10);
		if (end == arg || *end || n < 0)
			return;
		f = state__fd(x->st, x->cur.thr, n);
		if (f)
			xt_cstr(out, fdi_typename(f));
		return;
	}
	state__fd_foreach(x->st, x->cur.thr, fd_types_add, &a);
	if (a.oom || !a.n)
		return;
	out->kind = FV_LIST;
	out->list.items = sc->items;
	out->list.n = a.n;
	out->list.any = false;
}

/* The name an exit event gives the fd it works on when the table has no
 * entry: the path of an open, the tuple of an accept or connect; "" for
 * other events; false for enter events. */
static bool name_from_event(const struct extract_evt *x, bool raw, struct extract_scratch *sc,
			    struct fval *out)
{
	const struct evt *e = x->e;
	struct evt_fmt_fd fdr;

	if (!e->info || e->info->dir != EVD_EXIT)
		return false;
	switch (e->type) {
	case PPME_SYSCALL_OPENAT_X: case PPME_SYSCALL_OPENAT_2_X: case PPME_SYSCALL_OPENAT2_X:
		if (raw) {
			xt_cstr(out, xt_param_str_named(x, "name"));
			return out->kind != FV_NONE;
		}
		return xt_abspath(x, "name", sc, out);
	case PPME_SYSCALL_OPEN_BY_HANDLE_AT_X:
		xt_cstr(out, evt_param_str(e, 3));
		return out->kind != FV_NONE;
	case PPME_SYSCALL_OPEN_X: case PPME_SYSCALL_CREAT_X: case PPME_SOCKET_ACCEPT_X:
	case PPME_SOCKET_ACCEPT_5_X: case PPME_SOCKET_ACCEPT4_X: case PPME_SOCKET_ACCEPT4_5_X:
	case PPME_SOCKET_ACCEPT4_6_X: case PPME_SOCKET_CONNECT_X:
		strbuf_reset(&sc->sb);
		extract_fmt_ctx(x, &fdr);
		evt_fmt_param(&sc->sb, e, 1, &fdr);
		xt_sb(out, sc);
		return true;
	default:
		xt_cstr(out, "");
		return true;
	}
}

/* name_from_event for the fd.name family, worked out once per event when
 * x has a memo: every rule that reads fd.name of a failed open shares it. */
static bool event_name(const struct extract_evt *x, struct extract_scratch *sc, struct fval *out)
{
	struct extract_memo *m = x->memo;
	struct fval v = { .kind = FV_NONE };

	if (!m)
		return name_from_event(x, false, sc, out);
	if (m->num != x->num) {
		m->num = x->num;
		m->fd_ok = name_from_event(x, false, &m->sc, &v) && v.kind == FV_STR;
		m->fd.name = m->fd_ok ? v.s.p : "";
		m->fd.name_len = m->fd_ok ? v.s.len : 0;
	}
	if (m->fd_ok)
		fval_set_str(out, m->fd.name, m->fd.name_len);
	return m->fd_ok;
}

/* Path text with runs of '/' made one, into the scratch (p may be
 * anywhere but the scratch). */
static void squeeze_slashes(struct extract_scratch *sc, const char *p, uint32_t n,
			    struct fval *out)
{
	strbuf_reset(&sc->sb);
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != '/' || !i || p[i - 1] != '/')
			strbuf_addc(&sc->sb, p[i]);
	xt_sb(out, sc);
}

/* "container-id:" before a name (the id is empty on the host). */
static void with_container(const struct extract_evt *x, struct extract_scratch *sc,
			   const char *p, uint32_t n, struct fval *out)
{
	const char *cid = x->cur.thr->container_id ? x->cur.thr->container_id : "";
	struct strbuf tmp = STRBUF_INIT;

	strbuf_adds(&tmp, cid);
	strbuf_addc(&tmp, ':');
	strbuf_add(&tmp, p, n);
	strbuf_release(&sc->sb);
	sc->sb = tmp;
	xt_sb(out, sc);
}

static char typechar_of_event(uint16_t code)
{
	switch (code & ~1u) {
	case PPME_SYSCALL_OPENAT_E: case PPME_SYSCALL_OPENAT_2_E: case PPME_SYSCALL_OPENAT2_E:
	case PPME_SYSCALL_CREAT_E:
		return 'f';
	case PPME_SOCKET_SOCKET_E: case PPME_SOCKET_ACCEPT_E: case PPME_SOCKET_ACCEPT_5_E:
	case PPME_SOCKET_ACCEPT4_E: case PPME_SOCKET_ACCEPT4_5_E: case PPME_SOCKET_ACCEPT4_6_E:
		return '4';
	case PPME_SYSCALL_PIPE_E: case PPME_SYSCALL_PIPE2_E: return 'p';
	case PPME_SYSCALL_EVENTFD_E: case PPME_SYSCALL_EVENTFD2_E: return 'e';
	case PPME_SYSCALL_SIGNALFD_E: case PPME_SYSCALL_SIGNALFD4_E: return 's';
	case PPME_SYSCALL_TIMERFD_CREATE_E: return 't';
	case PPME_SYSCALL_INOTIFY_INIT_E: case PPME_SYSCALL_INOTIFY_INIT1_E: return 'i';
	default: return 'o';
	}
}

/* The type letter as a static string, so the value needs no copy. */
static void one_char(char c, struct fval *out)
{
	static const char letters[] = "fd46upeslitnbrmPo";
	const char *l = c ? memchr(letters, c, sizeof(letters) - 1) : NULL;

	if (l)
		fval_set_str(out, l, 1);
}

static const char *l4_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_RAW: return "raw";
	default: return "<NA>";
	}
}

/* The directory of a file fd's name: up to its last '/' ("/" when that is
 * the first character or there is none; the whole name when it ends with
 * '/'). */
static void dir_part(const struct fdi *f, const char **p, uint32_t *n)
{
	const char *slash = memrchr(f->name, '/', f->name_len);

	*p = f->name;
	*n = f->name_len;
	if (f->type != FDI_FILE)
		return;
	if (!slash || slash == f->name) {
		*p = "/";
		*n = 1;
	} else if ((uint32_t)(slash - f->name) < f->name_len - 1) {
		*n = (uint32_t)(slash - f->name);
	}
}

__attribute__((noinline)) static bool fd_field(const struct extract_evt *x, uint32_t id,
						const char *arg,
		    struct extract_scratch *sc, struct fval *out)
{
	const struct fdi *f;
	const char *p, *slash;
	uint32_t n;
	struct fval a, b;

	xt_none(out);
	if (!x->cur.fd_event || !x->cur.thr || !x->st)
		return fields_at(id) && fields_at(id)->cls == FC_FD;
	f = x->cur.fd;
	switch (id) {
	case FID_FD_NUM: fval_set_s64(out, x->cur.fdnum); return true;
	case FID_FD_UID:
		strbuf_reset(&sc->sb);
		strbuf_printf(&sc->sb, "%" PRId64 "%" PRId64, x->cur.thr->tid, x->cur.fdnum);
		xt_sb(out, sc);
		return true;
	case FID_FD_TYPES: fd_types(x, arg, sc, out); return true;
	case FID_FD_NAME: case FID_FD_CONTAINERNAME: {
		/* a failed connect names what it tried, whatever the table says */
		int64_t r;
		bool failed = x->e->type == PPME_SOCKET_CONNECT_X && xt_retval(x->e, &r) && r < 0;

		if (f && !failed)
			fval_set_str(out, f->name, f->name_len);
		else if (!event_name(x, sc, out))
			return true;
		if (id == FID_FD_CONTAINERNAME)
			with_container(x, sc, out->s.p, out->s.len, out);
		return true;
	}
	case FID_FD_NAMERAW:
		if (f) {
			/* squeezed by the table; "" for fds no syscall named */
			fval_set_str(out, f->nameraw ? f->nameraw : "", f->nameraw ? f->nameraw_len : 0);
		} else if (name_from_event(x, true, sc, out) && out->kind == FV_STR) {
			struct strbuf keep = STRBUF_INIT;

			strbuf_add(&keep, out->s.p, out->s.len);
			squeeze_slashes(sc, keep.buf ? keep.buf : "", (uint32_t)keep.len, out);
			strbuf_release(&keep);
		}
		return true;
	case FID_FD_DIRECTORY: case FID_FD_CONTAINERDIRECTORY:
		if (!f) {
			if (!event_name(x, sc, out))
				return true;
		} else if (f->type != FDI_FILE && f->type != FDI_DIRECTORY) {
			return true;
		} else {
			dir_part(f, &p, &n);
			fval_set_str(out, p, n);
		}
		if (id == FID_FD_CONTAINERDIRECTORY)
			with_container(x, sc, out->s.p, out->s.len, out);
		return true;
	case FID_FD_TYPECHAR:
		one_char(f ? fdi_typechar(f) : typechar_of_event(x->e->type), out);
		return true;
	default:
		break;
	}
	if (!f)
		return fields_at(id) && fields_at(id)->cls == FC_FD;
	switch (id) {
	case FID_FD_TYPE: xt_cstr(out, fdi_typename(f)); break;
	case FID_FD_FILENAME:
		if (f->type != FDI_FILE)
			break;
		slash = memrchr(f->name, '/', f->name_len);
		if (!slash)
			xt_cstr(out, "/");
		else if ((uint32_t)(slash - f->name) < f->name_len - 1)
			fval_set_str(out, slash + 1, (uint32_t)(f->name + f->name_len - slash - 1));
		else
			fval_set_str(out, f->name, f->name_len);
		break;
	case FID_FD_INO: fval_set_u64(out, f->ino); break;
	case FID_FD_DEV: fval_set_u64(out, f->dev); break;
	case FID_FD_DEV_MAJOR: fval_set_u64(out, (f->dev & 0xfff00) >> 8); break;
	case FID_FD_DEV_MINOR: fval_set_u64(out, (f->dev & 0xff) | ((f->dev >> 12) & 0xfff00)); break;
	case FID_FD_CIP: case FID_FD_CNET:
		if (fd_is_conn(f))
			xt_ip(out, fd_family(f), f->src.addr);
		break;
	case FID_FD_SIP: case FID_FD_SNET:
		if (fd_is_ip(f) && (f->role != FDI_ROLE_NONE || (f->flags & FDI_F_SERVSOCK)))
			xt_ip(out, fd_family(f), f->dst.addr);
		break;
	case FID_FD_LIP: case FID_FD_LNET:
		if (fd_is_conn(f))
			xt_ip(out, fd_family(f), fd_local(x, f)->addr);
		break;
	case FID_FD_RIP: case FID_FD_RNET:
		if (fd_is_conn(f))
			xt_ip(out, fd_family(f), fd_remote(x, f)->addr);
		break;
	case FID_FD_IP: case FID_FD_NET:
		if (fd_is_conn(f)) {
			xt_ip(&a, fd_family(f), f->src.addr);
			xt_ip(&b, fd_family(f), f->dst.addr);
			two_vals(sc, a, b, out);
		}
		break;
	case FID_FD_CPORT:
		if (fd_is_conn(f))
			fval_set_u64(out, f->src.port);
		break;
	case FID_FD_SPORT:
		if (fd_is_ip(f) && (f->role != FDI_ROLE_NONE || (f->flags & FDI_F_SERVSOCK)))
			fval_set_u64(out, f->dst.port);
		break;
	case FID_FD_LPORT:
		if (fd_is_conn(f))
			fval_set_u64(out, fd_local(x, f)->port);
		break;
	case FID_FD_RPORT:
		if (fd_is_conn(f))
			fval_set_u64(out, fd_remote(x, f)->port);
		break;
	case FID_FD_PORT:
		if (fd_is_conn(f))
			two_vals(sc, fval_u64(f->src.port), fval_u64(f->dst.port), out);
		break;
	case FID_FD_CPROTO: case FID_FD_SPROTO: case FID_FD_LPROTO: case FID_FD_RPROTO:
	case FID_FD_PROTO:
		/* port names need a services database lookup Falco leaves off:
		 * the port number as text */
		if (fd_is_conn(f)) {
			uint16_t port = id == FID_FD_CPROTO ? f->src.port
					: id == FID_FD_SPROTO ? f->dst.port
					: id == FID_FD_LPROTO ? fd_local(x, f)->port
					: id == FID_FD_RPROTO ? fd_remote(x, f)->port : f->dst.port;

			strbuf_reset(&sc->sb);
			strbuf_printf(&sc->sb, "%u", port);
			xt_sb(out, sc);
		}
		break;
	case FID_FD_CIP_NAME: case FID_FD_SIP_NAME: case FID_FD_LIP_NAME: case FID_FD_RIP_NAME:
		domain_name(x, f, id, out);
		break;
	case FID_FD_L4PROTO: xt_cstr(out, l4_name(fdi_l4proto(f))); break;
	case FID_FD_SOCKFAMILY:
		if (fd_is_ip(f))
			xt_cstr(out, "ip");
		else if (f->type == FDI_UNIX_SOCK)
			xt_cstr(out, "unix");
		break;
	case FID_FD_IS_SERVER:
		fval_set_bool(out, (f->flags & FDI_F_SERVSOCK) ||
					   (fd_is_ip(f) && x->st &&
					    state__addr_is_local(x->st, x->cur.thr, fd_family(f), f->dst.addr)));
		break;
	case FID_FD_CONNECTED: fval_set_bool(out, f->flags & FDI_F_CONNECTED); break;
	case FID_FD_NAME_CHANGED: fval_set_bool(out, x->cur.fd_name_changed); break;
	case FID_FD_IS_UPPER_LAYER: fval_set_bool(out, f->flags & FDI_F_UPPER_LAYER); break;
	case FID_FD_IS_LOWER_LAYER: fval_set_bool(out, f->flags & FDI_F_LOWER_LAYER); break;
	default:
		return false;
	}
	return true;
}

/* The fields most rules read, answered without the full switch's frame:
 * the name, number, type and letter of an fd the table holds. */
static inline bool fd_front(const struct extract_evt *x, uint32_t id, const char *arg,
			    struct extract_scratch *sc, struct fval *out)
{
	const struct fdi *f = x->cur.fd;

	if (f && x->cur.fd_event) {
		switch (id) {
		case FID_FD_NAME:
			if (x->e->type == PPME_SOCKET_CONNECT_X)
				break;
			fval_set_str(out, f->name, f->name_len);
			return true;
		case FID_FD_NUM: fval_set_s64(out, x->cur.fdnum); return true;
		case FID_FD_TYPE: xt_cstr(out, fdi_typename(f)); return true;
		case FID_FD_TYPECHAR: xt_none(out); one_char(fdi_typechar(f), out); return true;
		case FID_FD_DIRECTORY:
			if (f->type == FDI_FILE || f->type == FDI_DIRECTORY) {
				const char *p;
				uint32_t n;

				dir_part(f, &p, &n);
				fval_set_str(out, p, n);
				return true;
			}
			break;
		default: break;
		}
	}
	return fd_field(x, id, arg, sc, out);
}

XT_FAMILY(fd, fd_front)
