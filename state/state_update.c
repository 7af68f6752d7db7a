/* The state's event handlers: what each process, fd and identity event
 * changes, for both the enter+exit pairs of older captures (the enter
 * record is kept per thread and read for parameters its exit lacks) and
 * the exit-only layouts. Removals (close, procexit) wait for state__post. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "state/state_int.h"

#define CL_CLONE_FILES (1u << 2)	/* PPM_CL_CLONE_FILES */
#define CL_CLONE_THREAD (1u << 12)	/* PPM_CL_CLONE_THREAD */
#define O_DIRECTORY_PPM (1u << 10)
#define PPM_AF_UNIX 1
#define PPM_AF_INET 2
#define PPM_AF_INET6 10

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

/* ---- parameters --------------------------------------------------------- */

struct ectx {
	struct state *st;
	const struct evt *e;
	const struct evt *enter;	/* paired enter record, or NULL */
	struct thr_ent *te;
};

static bool find(const struct ectx *c, const char *name, const struct evt **ev, uint32_t *i)
{
	int k = evt_param_index(c->e, name);

	if (k >= 0 && (uint32_t)k < c->e->nparams) {
		*ev = c->e;
		*i = (uint32_t)k;
		return true;
	}
	if (c->enter && (k = evt_param_index(c->enter, name)) >= 0 &&
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
	uint32_t i, len;
	const uint8_t *p;

	if (!find(c, name, &ev, &i) || !(p = evt_param(ev, i, &len)))
		return false;
	switch (len) {
	case 1: *v = (int8_t)p[0]; return true;
	case 2: { int16_t x; memcpy(&x, p, 2); *v = x; return true; }
	case 4: { int32_t x; memcpy(&x, p, 4); *v = x; return true; }
	case 8: memcpy(v, p, 8); return true;
	default: return false;
	}
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
	struct ectx c = { .e = e };
	uint8_t t;

	if (!e->info || e->info->dir != EVD_EXIT || !e->info->nparams)
		return false;
	t = e->info->params[0].type;
	if (t != PT_ERRNO && t != PT_FD && t != PT_PID && t != PT_INT64)
		return false;
	return p_int(&c, e->info->params[0].name, v);
}

/* ---- paths -------------------------------------------------------------- */

/* Resolves path against dir into out (normalised: no ".", "..", "//"). */
static void resolve(const char *dir, const char *path, char *out, size_t n)
{
	char tmp[4096];
	size_t w = 0;
	const char *p;

	if (path[0] == '/' || !dir)
		snprintf(tmp, sizeof(tmp), "%s", path);
	else
		snprintf(tmp, sizeof(tmp), "%s/%s", dir, path);
	out[w++] = '/';
	p = tmp;
	while (*p) {
		const char *q = strchr(p, '/');
		size_t l = q ? (size_t)(q - p) : strlen(p);

		if (l == 0 || (l == 1 && p[0] == '.')) {
			/* nothing */
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			while (w > 1 && out[w - 1] == '/')
				w--;
			while (w > 1 && out[w - 1] != '/')
				w--;
		} else if (w + l + 2 < n) {
			if (out[w - 1] != '/')
				out[w++] = '/';
			memcpy(out + w, p, l);
			w += l;
		}
		if (!q)
			break;
		p = q + 1;
	}
	if (w > 1 && out[w - 1] == '/')
		w--;
	out[w] = '\0';
}

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
	struct fd_ent *fe = t ? state_fd_add(c->st, t, f) : NULL;

	if (!fe)
		c->st->st.events_malformed++;
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
	resolve(name[0] == '/' ? NULL : dirfd_dir(c, evt_param_index(c->e, "dirfd") >= 0 ? "dirfd" : NULL),
		name, path, sizeof(path));
	f.num = fd;
	f.type = flags & O_DIRECTORY_PPM ? FDI_DIRECTORY : FDI_FILE;
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
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	static char name[512];

	if (!p || len < 1)
		return false;
	if (p[0] == PPM_AF_INET && len >= 13) {
		f->type = FDI_IPV4_SOCK;
		f->family = AF_INET;
		memcpy(f->src.addr, p + 1, 4);
		memcpy(&f->src.port, p + 5, 2);
		memcpy(f->dst.addr, p + 7, 4);
		memcpy(&f->dst.port, p + 11, 2);
	} else if (p[0] == PPM_AF_INET6 && len >= 37) {
		f->type = FDI_IPV6_SOCK;
		f->family = AF_INET6;
		memcpy(f->src.addr, p + 1, 16);
		memcpy(&f->src.port, p + 17, 2);
		memcpy(f->dst.addr, p + 19, 16);
		memcpy(&f->dst.port, p + 35, 2);
	} else if (p[0] == PPM_AF_UNIX && len >= 17) {
		size_t n = strnlen((const char *)p + 17, len - 17);

		f->type = FDI_UNIX_SOCK;
		f->family = AF_UNIX;
		memcpy(&f->unix_src, p + 1, 8);
		memcpy(&f->unix_dst, p + 9, 8);
		snprintf(name, sizeof(name), "%.*s", (int)n, (const char *)p + 17);
		f->name = name;
		f->name_len = (uint32_t)strlen(name);
		return true;
	} else {
		return false;
	}
	if (f->type == FDI_IPV6_SOCK && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)f->src.addr) &&
	    IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)f->dst.addr)) {
		/* Falco reports v4-mapped pairs as IPv4 */
		f->type = FDI_IPV4_SOCK;
		f->family = AF_INET;
		memmove(f->src.addr, f->src.addr + 12, 4);
		memmove(f->dst.addr, f->dst.addr + 12, 4);
		memset(f->src.addr + 4, 0, 12);
		memset(f->dst.addr + 4, 0, 12);
	}
	inet_ntop(f->family, f->src.addr, a, sizeof(a));
	inet_ntop(f->family, f->dst.addr, b, sizeof(b));
	snprintf(name, sizeof(name), "%s:%u->%s:%u", a, f->src.port, b, f->dst.port);
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
	f.role = (uint8_t)role;
	f.flags |= FDI_F_CONNECTED;
	if (fe && fe->f.name_len)
		f.flags |= FDI_F_NAME_CHANGED;
	f.nameraw = NULL;
	add_fd(c, &f);
}

static void on_socket(struct ectx *c, int64_t fd)
{
	int64_t dom = 0, type = 0;
	struct fdi f = { .num = fd, .name = "" };

	p_int(c, "domain", &dom);
	p_int(c, "type", &type);
	if (dom == PPM_AF_INET)
		f.type = FDI_IPV4_SOCK;
	else if (dom == PPM_AF_INET6)
		f.type = FDI_IPV6_SOCK;
	else if (dom == PPM_AF_UNIX)
		f.type = FDI_UNIX_SOCK;
	else if (dom == 16)
		f.type = FDI_NETLINK;
	else
		f.type = FDI_RAW_SOCK;
	f.family = dom == PPM_AF_INET ? AF_INET : dom == PPM_AF_INET6 ? AF_INET6 : 0;
	type &= 0xf;
	f.l4proto = type == 1 ? IPPROTO_TCP : type == 2 ? IPPROTO_UDP : type == 3 ? IPPROTO_RAW : 0;
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
		t->pid = v;
	if (p_int(c, "ptid", &v) && v >= 0)
		t->ptid = v;
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
	state_thr_refresh_ctr(te);
	if ((s = p_str(c, "cwd"))) {
		char buf[4096];
		size_t n = strlen(s);

		snprintf(buf, sizeof(buf), "%s%s", s, n && s[n - 1] == '/' ? "" : "/");
		state_set_str(&t->cwd, buf, strlen(buf));
	}
	if (!exec) {
		if (!t->exepath && t->exe)
			state_set_str(&t->exepath, t->exe, strlen(t->exe));
		return;
	}
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
		/* PPM_EXE_WRITABLE 1, UPPER_LAYER 2, FROM_MEMFD 4, LOWER_LAYER 8 */
		t->flags &= ~(uint32_t)(THR_F_EXE_WRITABLE | THR_F_EXE_UPPER_LAYER |
					THR_F_EXE_FROM_MEMFD | THR_F_EXE_LOWER_LAYER);
		t->flags |= (u & 1 ? THR_F_EXE_WRITABLE : 0) | (u & 2 ? THR_F_EXE_UPPER_LAYER : 0) |
			    (u & 4 ? THR_F_EXE_FROM_MEMFD : 0) | (u & 8 ? THR_F_EXE_LOWER_LAYER : 0);
	}
	s = p_str(c, "trusted_exepath");
	if (!s || !*s)
		s = p_str(c, "filename");
	if (!s || !*s)
		s = t->exe;
	if (s)
		state_set_str(&t->exepath, s, strlen(s));
	t->lastexec_ts = c->e->ts;
}

static void on_clone(struct ectx *c, int64_t res)
{
	struct thr_ent *child, *parent = c->te;
	int64_t child_tid = res == 0 ? c->e->tid : res;
	uint32_t flags = 0;
	bool created;

	if (res < 0)
		return;
	if (res > 0 && state_thr_get(c->st, child_tid))
		return;	/* the child's own exit already made it */
	child = state_thr_make(c->st, child_tid, &created);
	if (!child)
		return;
	p_u32(c, "flags", &flags);
	if (res > 0 || created) {
		/* start from the parent's (or, on the child side, from what
		 * the parameters say) */
		struct ectx cc = *c;

		cc.te = child;
		fill_proc(&cc, child, false);
		if (res > 0) {
			child->t.tid = child_tid;
			if (!(flags & CL_CLONE_THREAD))
				child->t.pid = child_tid;
			child->t.ptid = flags & CL_CLONE_THREAD ? parent->t.ptid : parent->t.pid;
			child->t.vtid = child->t.vpid = -1;
		}
	}
	child->t.clone_ts = c->e->ts;
	child->t.flags &= ~(uint32_t)THR_F_INCOMPLETE;
	if (!child->t.exepath && parent != child && parent->t.exepath)
		state_set_str(&child->t.exepath, parent->t.exepath, strlen(parent->t.exepath));
	if (!child->t.env.len && parent != child && parent->t.env.len)
		state_set_blob(&child->t.env, parent->t.env.p, parent->t.env.len);
	child->t.sid = parent != child ? parent->t.sid : child->t.sid;
	child->t.loginuid = parent != child ? parent->t.loginuid : child->t.loginuid;
	child->t.tty = parent != child ? parent->t.tty : child->t.tty;
	if (child->fds)
		return;
	{
		struct thr_ent *pp = state_thr_get(c->st, child->t.ptid);
		struct thr_ent *src = res > 0 ? parent : pp;

		if (src && src->fds && (flags & (CL_CLONE_THREAD | CL_CLONE_FILES))) {
			child->fds = src->fds;
			child->fds->refs++;
		} else {
			child->fds = state_fdtab_copy(src ? src->fds : NULL);
		}
	}
}

/* ---- dispatch by event name --------------------------------------------- */

static void on_exit_event(struct ectx *c, const char *n)
{
	int64_t res = 0, fd, fd2;
	bool has_res = retval(c->e, &res);

	if (!strcmp(n, "clone") || !strcmp(n, "fork") || !strcmp(n, "vfork") || !strcmp(n, "clone3")) {
		if (has_res)
			on_clone(c, res);
		return;
	}
	if (!strcmp(n, "execve") || !strcmp(n, "execveat")) {
		if (has_res && res == 0)
			fill_proc(c, c->te, true);
		return;
	}
	if (!has_res || res < 0)
		return;
	if (!strcmp(n, "open") || !strcmp(n, "openat") || !strcmp(n, "openat2") ||
	    !strcmp(n, "creat") || !strcmp(n, "open_by_handle_at")) {
		on_open(c, res);
	} else if (!strcmp(n, "socket")) {
		on_socket(c, res);
	} else if (!strcmp(n, "connect")) {
		if (p_int(c, "fd", &fd))
			on_tuple(c, fd, FDI_ROLE_CLIENT, false);
	} else if (!strcmp(n, "accept") || !strcmp(n, "accept4")) {
		on_tuple(c, res, FDI_ROLE_SERVER, true);
	} else if (!strcmp(n, "listen")) {
		struct fd_ent *fe = p_int(c, "fd", &fd) ? state_fd_find(fds(c), fd) : NULL;

		if (fe) {
			fe->f.role = FDI_ROLE_SERVER;
			fe->f.flags |= FDI_F_LISTENING;
		}
	} else if (!strcmp(n, "close")) {
		if (p_int(c, "fd", &fd)) {
			c->st->close_tid = c->te->t.tid;
			c->st->close_fd = fd;
		}
	} else if (!strcmp(n, "dup") || !strcmp(n, "dup2") || !strcmp(n, "dup3")) {
		on_dup(c, res);
	} else if (!strcmp(n, "fcntl")) {
		int64_t cmd;

		/* PPM_FCNTL_F_DUPFD 1, F_DUPFD_CLOEXEC 24 */
		if (p_int(c, "cmd", &cmd) && (cmd == 1 || cmd == 24))
			on_dup(c, res);
	} else if (!strcmp(n, "pipe") || !strcmp(n, "pipe2")) {
		if (p_int(c, "fd1", &fd) && p_int(c, "fd2", &fd2)) {
			simple_fd(c, fd, FDI_PIPE, "");
			simple_fd(c, fd2, FDI_PIPE, "");
		}
	} else if (!strcmp(n, "socketpair")) {
		if (p_int(c, "fd1", &fd) && p_int(c, "fd2", &fd2)) {
			simple_fd(c, fd, FDI_UNIX_SOCK, "");
			simple_fd(c, fd2, FDI_UNIX_SOCK, "");
		}
	} else if (!strcmp(n, "eventfd") || !strcmp(n, "eventfd2")) {
		simple_fd(c, res, FDI_EVENT, "");
	} else if (!strcmp(n, "signalfd") || !strcmp(n, "signalfd4")) {
		simple_fd(c, res, FDI_SIGNALFD, "");
	} else if (!strcmp(n, "timerfd_create")) {
		simple_fd(c, res, FDI_TIMERFD, "");
	} else if (!strcmp(n, "inotify_init") || !strcmp(n, "inotify_init1")) {
		simple_fd(c, res, FDI_INOTIFY, "");
	} else if (!strcmp(n, "epoll_create") || !strcmp(n, "epoll_create1")) {
		simple_fd(c, res, FDI_EVENTPOLL, "");
	} else if (!strcmp(n, "userfaultfd")) {
		simple_fd(c, res, FDI_USERFAULTFD, "");
	} else if (!strcmp(n, "io_uring_setup")) {
		simple_fd(c, res, FDI_IOURING, "");
	} else if (!strcmp(n, "pidfd_open")) {
		simple_fd(c, res, FDI_PIDFD, "");
	} else if (!strcmp(n, "bpf")) {
		simple_fd(c, res, FDI_BPF, "");
	} else if (!strcmp(n, "memfd_create")) {
		char buf[512];
		const char *nm = p_str(c, "name");

		snprintf(buf, sizeof(buf), "memfd:%s", nm ? nm : "");
		simple_fd(c, res, FDI_MEMFD, buf);
	} else if (!strcmp(n, "chdir")) {
		const char *p = p_str(c, "path");
		char buf[4096];

		if (p) {
			resolve(c->te->t.cwd, p, buf, sizeof(buf) - 1);
			strcat(buf, buf[1] ? "/" : "");
			state_set_str(&c->te->t.cwd, buf, strlen(buf));
		}
	} else if (!strcmp(n, "fchdir")) {
		struct fd_ent *fe = p_int(c, "fd", &fd) ? state_fd_find(fds(c), fd) : NULL;

		if (fe) {
			char buf[4096];

			snprintf(buf, sizeof(buf), "%s/", fe->name);
			state_set_str(&c->te->t.cwd, buf, strlen(buf));
		}
	} else if (!strcmp(n, "setuid") || !strcmp(n, "setresuid") || !strcmp(n, "setreuid")) {
		uint32_t u;

		if (p_u32(c, "euid", &u) || p_u32(c, "uid", &u))
			if (u != UINT32_MAX)
				c->te->t.uid = u;
	} else if (!strcmp(n, "setgid") || !strcmp(n, "setresgid") || !strcmp(n, "setregid")) {
		uint32_t g;

		if (p_u32(c, "egid", &g) || p_u32(c, "gid", &g))
			if (g != UINT32_MAX)
				c->te->t.gid = g;
	} else if (!strcmp(n, "setsid")) {
		c->te->t.sid = res;
	} else if (!strcmp(n, "capset")) {
		int64_t v;

		if (p_int(c, "cap_inheritable", &v))
			c->te->t.cap_inheritable = (uint64_t)v;
		if (p_int(c, "cap_permitted", &v))
			c->te->t.cap_permitted = (uint64_t)v;
		if (p_int(c, "cap_effective", &v))
			c->te->t.cap_effective = (uint64_t)v;
	}
}

/* The fd an event works on: the one it names, or the one it created. */
static int64_t event_fd(struct ectx *c)
{
	int64_t fd, res;
	uint32_t f = c->e->info->flags;

	if ((f & EVF_CREATES_FD) && retval(c->e, &res) && res >= 0)
		return res;
	if ((f & EVF_USES_FD) && p_int(c, "fd", &fd))
		return fd;
	return -1;
}

void state__update(struct state *st, const struct evt *e, struct state_cur *cur)
{
	struct ectx c = { .st = st, .e = e };
	bool created;

	memset(cur, 0, sizeof(*cur));
	cur->fdnum = -1;
	if (!e->info)
		return;
	c.te = state_thr_make(st, e->tid, &created);
	if (!c.te)
		return;
	if (created) {
		c.te->t.flags |= THR_F_INCOMPLETE;
		st->st.threads_created_incomplete++;
	}
	c.te->last_ts = e->ts;
	if (e->info->dir == EVD_ENTER) {
		/* keep the record for its exit */
		if (e->len <= STATE_ENTER_MAX) {
			if (!c.te->enter)
				c.te->enter = mem_malloc(STATE_ENTER_MAX);
			if (c.te->enter) {
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
	cur->enter = c.enter;
	if (e->info->dir == EVD_EXIT && (e->info->flags & EVF_SYSCALL))
		on_exit_event(&c, e->info->name);
	else if (!strcmp(e->info->name, "procexit"))
		st->exit_tid = e->tid;
	/* the clone/exec handlers may have replaced the thread entry */
	c.te = state_thr_get(st, e->tid);
	cur->thr = c.te ? &c.te->t : NULL;
	if (c.te) {
		cur->fdnum = event_fd(&c);
		if (cur->fdnum >= 0) {
			struct fd_ent *fe = state_fd_find(c.te->fds, cur->fdnum);

			cur->fd = fe ? &fe->f : NULL;
		}
	}
}

void state__post(struct state *st)
{
	if (st->close_tid >= 0) {
		struct thr_ent *te = state_thr_get(st, st->close_tid);

		if (te)
			state_fd_remove(te->fds, st->close_fd);
		st->close_tid = -1;
	}
	if (st->exit_tid >= 0) {
		struct thr_ent *te = state_thr_get(st, st->exit_tid);

		if (te) {
			te->t.flags |= THR_F_DEAD;
			/* children of an exiting process go to init */
			if (te->t.tid == te->t.pid)
				for (size_t i = 0; i < st->nbuckets; i++)
					for (struct thr_ent *k = st->buckets[i]; k; k = k->next)
						if (k->t.ptid == te->t.pid)
							k->t.ptid = 1;
			state_thr_remove(st, st->exit_tid);
		}
		st->exit_tid = -1;
	}
}
