/* Tests of the state engine's fd tables: what open, close, dup, fcntl,
 * socket, connect, accept, listen and pipe records do to the fds of a
 * process, and the per-process bound.
 *
 * Every record is built here the way the driver writes it (evt_build.h);
 * the values expected are the ones the records carry, read the way Falco's
 * libsinsp reads them (parse_open_openat_creat_exit, parse_close_exit,
 * parse_dup_exit, parse_fcntl_exit, parse_socket_exit, parse_connect_exit,
 * parse_accept_exit, parse_pipe_exit). */
#include "state/state.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "evt_build.h"

#define PID 100

/* PPM open flags (flags.def file_flags). */
#define O_RDONLY_PPM 0x1u
#define O_WRONLY_PPM 0x2u
#define O_CREAT_PPM 0x4u
#define O_DIRECTORY_PPM 0x400u
#define O_CLOEXEC_PPM 0x1000u

/* ---- records ------------------------------------------------------------ */

static const struct evt *open_x(struct eb *b, uint64_t ts, int64_t fd, const char *name,
				uint32_t flags)
{
	eb_begin(b, PPME_SYSCALL_OPEN_X, ts, PID);
	eb_int(b, "fd", fd);
	eb_str(b, "name", name);
	eb_int(b, "flags", flags);
	eb_int(b, "mode", 0644);
	eb_int(b, "dev", 0x803);
	eb_int(b, "ino", 131074);
	return eb_end(b);
}

static const struct evt *openat_x(struct eb *b, uint64_t ts, int64_t fd, int64_t dirfd,
				  const char *name, uint32_t flags)
{
	eb_begin(b, PPME_SYSCALL_OPENAT_2_X, ts, PID);
	eb_int(b, "fd", fd);
	eb_int(b, "dirfd", dirfd);
	eb_str(b, "name", name);
	eb_int(b, "flags", flags);
	eb_int(b, "mode", 0);
	eb_int(b, "dev", 0x803);
	eb_int(b, "ino", 262147);
	return eb_end(b);
}

static const struct evt *close_x(struct eb *b, uint64_t ts, int64_t res, int64_t fd)
{
	eb_begin(b, PPME_SYSCALL_CLOSE_X, ts, PID);
	eb_int(b, "res", res);
	eb_int(b, "fd", fd);
	return eb_end(b);
}

static const struct evt *socket_x(struct eb *b, uint64_t ts, int64_t fd, uint32_t domain,
				  uint32_t type, uint32_t proto)
{
	eb_begin(b, PPME_SOCKET_SOCKET_X, ts, PID);
	eb_int(b, "fd", fd);
	eb_int(b, "domain", domain);
	eb_int(b, "type", type);
	eb_int(b, "proto", proto);
	eb_int(b, "flags", 0);
	return eb_end(b);
}

/* ---- the state ---------------------------------------------------------- */

static struct state *with_proc(size_t max_fds)
{
	struct state_opts o = { .sz = sizeof(o), .max_fds_per_proc = max_fds };
	struct state_thr_seed s = {
		.tid = PID, .pid = PID, .ptid = 1, .vtid = PID, .vpid = PID, .loginuid = -1,
		.comm = "curl", .exe = "curl", .exepath = "/usr/bin/curl", .cwd = "/home/alice",
	};
	struct state *st = NULL;

	assert_int_equal(state__new(&o, &st), 0);
	assert_int_equal(state__seed_thread(st, &s), 0);
	for (int64_t fd = 0; fd < 3; fd++) {
		struct fdi f = { .num = fd, .type = FDI_FILE, .name = "/dev/pts/0", .name_len = 10,
				 .open_flags = 0x3 };

		assert_int_equal(state__seed_fd(st, PID, &f), 0);
	}
	return st;
}

static struct thr *proc(struct state *st)
{
	struct thr *t = state__thread(st, PID);

	assert_non_null(t);
	return t;
}

static struct fdi *fd_of(struct state *st, int64_t fd)
{
	return state__fd(st, proc(st), fd);
}

static void apply(struct state *st, const struct evt *e, struct state_cur *cur)
{
	struct state_cur c;

	state__update(st, e, cur ? cur : &c);
	state__post(st);
}

/* ---- open ---------------------------------------------------------------- */

static void test_open(void **unused)
{
	struct state *st = with_proc(0);
	struct state_cur cur;
	struct fdi *f;
	struct eb b;
	(void)unused;

	apply(st, open_x(&b, 10, 3, "/etc/passwd", O_RDONLY_PPM | O_CLOEXEC_PPM), &cur);
	f = fd_of(st, 3);
	assert_non_null(f);
	assert_ptr_equal(cur.fd, f);
	assert_int_equal(cur.fdnum, 3);
	assert_int_equal(f->num, 3);
	assert_int_equal(f->type, FDI_FILE);
	assert_int_equal(fdi_typechar(f), 'f');
	assert_string_equal(fdi_typename(f), "file");
	assert_string_equal(f->name, "/etc/passwd");
	assert_int_equal(f->name_len, strlen("/etc/passwd"));
	assert_string_equal(f->nameraw, "/etc/passwd");
	assert_int_equal(f->open_flags, O_RDONLY_PPM | O_CLOEXEC_PPM);
	assert_int_equal(f->dev, 0x803);
	assert_int_equal(f->ino, 131074);
	assert_int_equal(f->family, 0);
	assert_int_equal(state__fd_count(st, proc(st)), 4);
	state__free(st);
}

/* Relative names resolve against the cwd (dirfd AT_FDCWD) or the dirfd's
 * directory; nameraw keeps what the call was given. */
static void test_openat_relative(void **unused)
{
	struct state *st = with_proc(0);
	struct fdi *f;
	struct eb b;
	(void)unused;

	apply(st, openat_x(&b, 10, 3, -100, "notes.txt", O_WRONLY_PPM | O_CREAT_PPM), NULL);
	f = fd_of(st, 3);
	assert_string_equal(f->name, "/home/alice/notes.txt");
	assert_string_equal(f->nameraw, "notes.txt");

	apply(st, openat_x(&b, 11, 4, -100, "/var/log", O_RDONLY_PPM | O_DIRECTORY_PPM), NULL);
	f = fd_of(st, 4);
	assert_int_equal(f->type, FDI_DIRECTORY);
	assert_int_equal(fdi_typechar(f), 'd');
	assert_string_equal(fdi_typename(f), "directory");

	apply(st, openat_x(&b, 12, 5, 4, "syslog", O_RDONLY_PPM), NULL);
	assert_string_equal(fd_of(st, 5)->name, "/var/log/syslog");
	apply(st, openat_x(&b, 13, 6, -100, "../bob/./.profile", O_RDONLY_PPM), NULL);
	assert_string_equal(fd_of(st, 6)->name, "/home/bob/.profile");
	assert_string_equal(fd_of(st, 6)->nameraw, "../bob/./.profile");
	state__free(st);
}

/* A failed open adds nothing. */
static void test_open_failed(void **unused)
{
	struct state *st = with_proc(0);
	struct state_cur cur;
	struct state_stats s;
	struct eb b;
	(void)unused;

	apply(st, open_x(&b, 10, -2 /* ENOENT */, "/nonexistent", O_RDONLY_PPM), &cur);
	assert_null(cur.fd);
	assert_int_equal(cur.fdnum, -1);
	assert_int_equal(state__fd_count(st, proc(st)), 3);
	apply(st, openat_x(&b, 11, -13 /* EACCES */, -100, "/etc/shadow", O_RDONLY_PPM), NULL);
	assert_int_equal(state__fd_count(st, proc(st)), 3);
	state__stats(st, &s);
	assert_int_equal(s.fds, 3);
	state__free(st);
}

/* ---- close --------------------------------------------------------------- */

/* The close's exit still sees the fd (rules read fd.name on close); it goes
 * at state__post. A failed close removes nothing. */
static void test_close_deferred(void **unused)
{
	struct state *st = with_proc(0);
	struct state_cur cur;
	struct eb b;
	(void)unused;

	apply(st, open_x(&b, 10, 3, "/etc/passwd", O_RDONLY_PPM), NULL);
	state__update(st, close_x(&b, 11, 0, 3), &cur);
	assert_int_equal(cur.fdnum, 3);
	assert_non_null(cur.fd);
	assert_string_equal(cur.fd->name, "/etc/passwd");
	assert_ptr_equal(fd_of(st, 3), cur.fd);
	state__post(st);
	assert_null(fd_of(st, 3));
	assert_int_equal(state__fd_count(st, proc(st)), 3);

	apply(st, open_x(&b, 12, 3, "/etc/group", O_RDONLY_PPM), NULL);
	apply(st, close_x(&b, 13, -9 /* EBADF */, 3), NULL);
	assert_non_null(fd_of(st, 3));
	assert_string_equal(fd_of(st, 3)->name, "/etc/group");
	state__free(st);
}

/* ---- dup, dup2, dup3, fcntl ---------------------------------------------- */

static void assert_copy_of_passwd(struct state *st, int64_t fd)
{
	struct fdi *f = fd_of(st, fd);

	assert_non_null(f);
	assert_int_equal(f->num, fd);
	assert_int_equal(f->type, FDI_FILE);
	assert_string_equal(f->name, "/etc/passwd");
	assert_int_equal(f->ino, 131074);
}

static void test_dup(void **unused)
{
	struct state *st = with_proc(0);
	struct state_cur cur;
	struct eb b;
	(void)unused;

	apply(st, open_x(&b, 10, 3, "/etc/passwd", O_RDONLY_PPM), NULL);

	eb_begin(&b, PPME_SYSCALL_DUP_1_X, 11, PID);
	eb_int(&b, "res", 5);
	eb_int(&b, "oldfd", 3);
	apply(st, eb_end(&b), &cur);
	assert_copy_of_passwd(st, 5);
	assert_int_equal(cur.fdnum, 5);

	/* dup2 onto stdout replaces it */
	eb_begin(&b, PPME_SYSCALL_DUP2_X, 12, PID);
	eb_int(&b, "res", 1);
	eb_int(&b, "oldfd", 3);
	eb_int(&b, "newfd", 1);
	apply(st, eb_end(&b), NULL);
	assert_copy_of_passwd(st, 1);

	eb_begin(&b, PPME_SYSCALL_DUP3_X, 13, PID);
	eb_int(&b, "res", 7);
	eb_int(&b, "oldfd", 3);
	eb_int(&b, "newfd", 7);
	eb_int(&b, "flags", O_CLOEXEC_PPM);
	apply(st, eb_end(&b), NULL);
	assert_copy_of_passwd(st, 7);

	/* the source stays */
	assert_copy_of_passwd(st, 3);
	assert_int_equal(state__fd_count(st, proc(st)), 6);

	/* failed, or of an fd nobody knows: nothing */
	eb_begin(&b, PPME_SYSCALL_DUP_1_X, 14, PID);
	eb_int(&b, "res", -9);
	eb_int(&b, "oldfd", 3);
	apply(st, eb_end(&b), NULL);
	eb_begin(&b, PPME_SYSCALL_DUP_1_X, 15, PID);
	eb_int(&b, "res", 8);
	eb_int(&b, "oldfd", 42);
	apply(st, eb_end(&b), NULL);
	assert_null(fd_of(st, 8));
	assert_int_equal(state__fd_count(st, proc(st)), 6);
	state__free(st);
}

static const struct evt *fcntl_x(struct eb *b, uint64_t ts, int64_t res, int64_t fd, uint8_t cmd)
{
	eb_begin(b, PPME_SYSCALL_FCNTL_X, ts, PID);
	eb_int(b, "res", res);
	eb_int(b, "fd", fd);
	eb_int(b, "cmd", cmd);
	return eb_end(b);
}

/* fcntl(F_DUPFD) and fcntl(F_DUPFD_CLOEXEC) duplicate; the other commands
 * (whose result is not an fd) do not. */
static void test_fcntl_dupfd(void **unused)
{
	struct state *st = with_proc(0);
	struct eb b;
	(void)unused;

	apply(st, open_x(&b, 10, 3, "/etc/passwd", O_RDONLY_PPM), NULL);
	apply(st, fcntl_x(&b, 11, 10, 3, 0x1 /* F_DUPFD */), NULL);
	assert_copy_of_passwd(st, 10);
	apply(st, fcntl_x(&b, 12, 11, 3, 0x1a /* F_DUPFD_CLOEXEC */), NULL);
	assert_copy_of_passwd(st, 11);

	apply(st, fcntl_x(&b, 13, 0, 3, 0x3 /* F_SETFD */), NULL);
	apply(st, fcntl_x(&b, 14, 0x8002, 3, 0x4 /* F_GETFL */), NULL);
	apply(st, fcntl_x(&b, 15, 0, 3, 0x18 /* F_GETLEASE */), NULL);
	assert_string_equal(fd_of(st, 0)->name, "/dev/pts/0");
	assert_null(fd_of(st, 0x8002));
	assert_int_equal(state__fd_count(st, proc(st)), 6);
	state__free(st);
}

/* ---- sockets ------------------------------------------------------------- */

static const struct evt *connect_x4(struct eb *b, uint64_t ts, int64_t res, int64_t fd,
				    const uint8_t sip[4], uint16_t sport, const uint8_t dip[4],
				    uint16_t dport)
{
	eb_begin(b, PPME_SOCKET_CONNECT_X, ts, PID);
	eb_int(b, "res", res);
	eb_tuple4(b, "tuple", sip, sport, dip, dport);
	eb_int(b, "fd", fd);
	eb_addr4(b, "addr", dip, dport);
	return eb_end(b);
}

/* socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) then connect: an IPv4 TCP
 * client socket named by its tuple, client side first. */
static void test_socket_connect_ipv4(void **unused)
{
	static const uint8_t local[4] = { 10, 0, 0, 5 }, remote[4] = { 93, 184, 216, 34 };
	struct state *st = with_proc(0);
	struct state_cur cur;
	struct fdi *f;
	struct eb b;
	(void)unused;

	apply(st, socket_x(&b, 10, 4, EB_AF_INET, 1 | 0x80000 /* SOCK_STREAM|SOCK_CLOEXEC */, 0),
	      &cur);
	f = fd_of(st, 4);
	assert_non_null(f);
	assert_ptr_equal(cur.fd, f);
	assert_int_equal(f->type, FDI_IPV4_SOCK);
	assert_int_equal(f->family, AF_INET);
	assert_int_equal(f->l4proto, IPPROTO_TCP);
	assert_int_equal(f->role, FDI_ROLE_NONE);
	assert_string_equal(f->name, "");
	assert_int_equal(fdi_typechar(f), '4');
	assert_string_equal(fdi_typename(f), "ipv4");

	apply(st, connect_x4(&b, 11, 0, 4, local, 43210, remote, 443), &cur);
	f = fd_of(st, 4);
	assert_ptr_equal(cur.fd, f);
	assert_int_equal(f->type, FDI_IPV4_SOCK);
	assert_int_equal(f->family, AF_INET);
	assert_int_equal(f->l4proto, IPPROTO_TCP);
	assert_int_equal(f->role, FDI_ROLE_CLIENT);
	assert_true(f->flags & FDI_F_CONNECTED);
	assert_memory_equal(f->src.addr, local, 4);
	assert_int_equal(f->src.port, 43210);
	assert_memory_equal(f->dst.addr, remote, 4);
	assert_int_equal(f->dst.port, 443);
	assert_string_equal(f->name, "10.0.0.5:43210->93.184.216.34:443");
	state__free(st);
}

/* A refused connect leaves the socket as it was. */
static void test_connect_refused(void **unused)
{
	static const uint8_t local[4] = { 10, 0, 0, 5 }, remote[4] = { 10, 0, 0, 6 };
	struct state *st = with_proc(0);
	struct fdi *f;
	struct eb b;
	(void)unused;

	apply(st, socket_x(&b, 10, 4, EB_AF_INET, 1, 6 /* IPPROTO_TCP */), NULL);
	apply(st, connect_x4(&b, 11, -111 /* ECONNREFUSED */, 4, local, 43210, remote, 22), NULL);
	f = fd_of(st, 4);
	assert_string_equal(f->name, "");
	assert_false(f->flags & FDI_F_CONNECTED);
	assert_int_equal(f->role, FDI_ROLE_NONE);
	state__free(st);
}

/* socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP) then connect: IPv6 UDP, named
 * without brackets as Falco names it. */
static void test_socket_connect_ipv6(void **unused)
{
	uint8_t local[16], remote[16];
	struct state *st = with_proc(0);
	struct fdi *f;
	struct eb b;
	(void)unused;

	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", local), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::53", remote), 1);
	apply(st, socket_x(&b, 10, 5, EB_AF_INET6, 2 /* SOCK_DGRAM */, 17 /* IPPROTO_UDP */), NULL);
	f = fd_of(st, 5);
	assert_int_equal(f->type, FDI_IPV6_SOCK);
	assert_int_equal(f->family, AF_INET6);
	assert_int_equal(f->l4proto, IPPROTO_UDP);
	assert_int_equal(fdi_typechar(f), '6');
	assert_string_equal(fdi_typename(f), "ipv6");

	eb_begin(&b, PPME_SOCKET_CONNECT_X, 11, PID);
	eb_int(&b, "res", 0);
	eb_tuple6(&b, "tuple", local, 5353, remote, 53);
	eb_int(&b, "fd", 5);
	apply(st, eb_end(&b), NULL);
	f = fd_of(st, 5);
	assert_int_equal(f->type, FDI_IPV6_SOCK);
	assert_int_equal(f->family, AF_INET6);
	assert_int_equal(f->l4proto, IPPROTO_UDP);
	assert_int_equal(f->role, FDI_ROLE_CLIENT);
	assert_memory_equal(f->src.addr, local, 16);
	assert_int_equal(f->src.port, 5353);
	assert_memory_equal(f->dst.addr, remote, 16);
	assert_int_equal(f->dst.port, 53);
	assert_string_equal(f->name, "2001:db8::1:5353->2001:db8::53:53");
	state__free(st);
}

/* An AF_INET6 socket talking to IPv4 through mapped addresses is shown as
 * IPv4, as Falco shows it. */
static void test_connect_v4_mapped(void **unused)
{
	uint8_t local[16], remote[16];
	static const uint8_t l4[4] = { 192, 168, 1, 2 }, r4[4] = { 192, 168, 1, 1 };
	struct state *st = with_proc(0);
	struct fdi *f;
	struct eb b;
	(void)unused;

	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.168.1.2", local), 1);
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.168.1.1", remote), 1);
	apply(st, socket_x(&b, 10, 5, EB_AF_INET6, 1, 0), NULL);
	eb_begin(&b, PPME_SOCKET_CONNECT_X, 11, PID);
	eb_int(&b, "res", 0);
	eb_tuple6(&b, "tuple", local, 40000, remote, 8080);
	eb_int(&b, "fd", 5);
	apply(st, eb_end(&b), NULL);
	f = fd_of(st, 5);
	assert_int_equal(f->type, FDI_IPV4_SOCK);
	assert_int_equal(f->family, AF_INET);
	assert_int_equal(f->l4proto, IPPROTO_TCP);
	assert_memory_equal(f->src.addr, l4, 4);
	assert_memory_equal(f->dst.addr, r4, 4);
	assert_string_equal(f->name, "192.168.1.2:40000->192.168.1.1:8080");
	state__free(st);
}

/* A server: socket, listen, then accept gives a new connected fd whose
 * tuple has the client first; accept only happens on stream sockets, so
 * the new fd is TCP. */
static void test_listen_accept(void **unused)
{
	static const uint8_t client[4] = { 10, 0, 0, 9 }, server[4] = { 10, 0, 0, 5 };
	struct state *st = with_proc(0);
	struct state_cur cur;
	struct fdi *f;
	struct eb b;
	(void)unused;

	apply(st, socket_x(&b, 10, 3, EB_AF_INET, 1, 0), NULL);
	eb_begin(&b, PPME_SOCKET_LISTEN_X, 11, PID);
	eb_int(&b, "res", 0);
	eb_int(&b, "fd", 3);
	eb_int(&b, "backlog", 128);
	apply(st, eb_end(&b), NULL);
	f = fd_of(st, 3);
	assert_int_equal(f->role, FDI_ROLE_SERVER);
	assert_true(f->flags & FDI_F_LISTENING);

	eb_begin(&b, PPME_SOCKET_ACCEPT4_6_X, 12, PID);
	eb_int(&b, "fd", 7);
	eb_tuple4(&b, "tuple", client, 51000, server, 8080);
	eb_int(&b, "queuepct", 0);
	eb_int(&b, "queuelen", 0);
	eb_int(&b, "queuemax", 128);
	eb_int(&b, "flags", 0);
	apply(st, eb_end(&b), &cur);
	f = fd_of(st, 7);
	assert_non_null(f);
	assert_ptr_equal(cur.fd, f);
	assert_int_equal(f->type, FDI_IPV4_SOCK);
	assert_int_equal(f->family, AF_INET);
	assert_int_equal(f->l4proto, IPPROTO_TCP);
	assert_int_equal(f->role, FDI_ROLE_SERVER);
	assert_true(f->flags & FDI_F_CONNECTED);
	assert_memory_equal(f->src.addr, client, 4);
	assert_int_equal(f->src.port, 51000);
	assert_memory_equal(f->dst.addr, server, 4);
	assert_int_equal(f->dst.port, 8080);
	assert_string_equal(f->name, "10.0.0.9:51000->10.0.0.5:8080");
	/* the listening socket is untouched */
	assert_true(fd_of(st, 3)->flags & FDI_F_LISTENING);
	state__free(st);
}

/* Other families: a unix socket is AF_UNIX, a ping socket (SOCK_DGRAM,
 * IPPROTO_ICMP) is ICMP, a raw socket is raw. */
static void test_socket_families(void **unused)
{
	struct state *st = with_proc(0);
	struct fdi *f;
	struct eb b;
	(void)unused;

	apply(st, socket_x(&b, 10, 3, EB_AF_UNIX, 1, 0), NULL);
	f = fd_of(st, 3);
	assert_int_equal(f->type, FDI_UNIX_SOCK);
	assert_int_equal(f->family, AF_UNIX);
	assert_int_equal(fdi_typechar(f), 'u');
	assert_string_equal(fdi_typename(f), "unix");

	apply(st, socket_x(&b, 11, 4, EB_AF_INET, 2 /* SOCK_DGRAM */, 1 /* IPPROTO_ICMP */), NULL);
	f = fd_of(st, 4);
	assert_int_equal(f->type, FDI_IPV4_SOCK);
	assert_int_equal(f->l4proto, IPPROTO_ICMP);

	apply(st, socket_x(&b, 12, 5, EB_AF_INET, 3 /* SOCK_RAW */, 1 /* IPPROTO_ICMP */), NULL);
	assert_int_equal(fd_of(st, 5)->l4proto, IPPROTO_RAW);

	/* a failed socket() adds nothing */
	apply(st, socket_x(&b, 13, -97 /* EAFNOSUPPORT */, 99, 1, 0), NULL);
	assert_int_equal(state__fd_count(st, proc(st)), 6);
	state__free(st);
}

/* ---- pipes --------------------------------------------------------------- */

static void test_pipe(void **unused)
{
	struct state *st = with_proc(0);
	struct fdi *r, *w;
	struct eb b;
	(void)unused;

	eb_begin(&b, PPME_SYSCALL_PIPE2_X, 10, PID);
	eb_int(&b, "res", 0);
	eb_int(&b, "fd1", 3);
	eb_int(&b, "fd2", 4);
	eb_int(&b, "ino", 5555);
	eb_int(&b, "flags", O_CLOEXEC_PPM);
	apply(st, eb_end(&b), NULL);
	r = fd_of(st, 3);
	w = fd_of(st, 4);
	assert_non_null(r);
	assert_non_null(w);
	assert_int_equal(r->type, FDI_PIPE);
	assert_int_equal(w->type, FDI_PIPE);
	assert_int_equal(fdi_typechar(r), 'p');
	assert_string_equal(fdi_typename(w), "pipe");
	assert_int_equal(r->ino, 5555);
	assert_int_equal(w->ino, 5555);
	assert_int_equal(state__fd_count(st, proc(st)), 5);

	/* a failed pipe adds nothing */
	eb_begin(&b, PPME_SYSCALL_PIPE_X, 11, PID);
	eb_int(&b, "res", -24 /* EMFILE */);
	eb_int(&b, "fd1", -1);
	eb_int(&b, "fd2", -1);
	eb_int(&b, "ino", 0);
	apply(st, eb_end(&b), NULL);
	assert_int_equal(state__fd_count(st, proc(st)), 5);
	state__free(st);
}

/* ---- the per-process bound ----------------------------------------------- */

static int collect(void *ctx, const struct fdi *f)
{
	int64_t **p = ctx;

	*(*p)++ = f->num;
	return 0;
}

/* Full, a process's table evicts its lowest fd above stdin/stdout/stderr
 * and counts it; replacing an fd that is there evicts nothing. */
static void test_fd_bound(void **unused)
{
	struct state *st = with_proc(5);
	int64_t nums[8], *p = nums;
	struct state_stats s;
	struct eb b;
	(void)unused;

	apply(st, open_x(&b, 10, 3, "/a", O_RDONLY_PPM), NULL);
	apply(st, open_x(&b, 11, 4, "/b", O_RDONLY_PPM), NULL);
	state__stats(st, &s);
	assert_int_equal(s.fds_evicted, 0);
	assert_int_equal(s.fds, 5);

	apply(st, open_x(&b, 12, 9, "/c", O_RDONLY_PPM), NULL);
	assert_null(fd_of(st, 3));
	assert_string_equal(fd_of(st, 4)->name, "/b");
	assert_string_equal(fd_of(st, 9)->name, "/c");
	assert_non_null(fd_of(st, 0));
	state__fd_foreach(st, proc(st), collect, &p);
	assert_int_equal(p - nums, 5);
	assert_int_equal(nums[0], 0);
	assert_int_equal(nums[1], 1);
	assert_int_equal(nums[2], 2);
	assert_int_equal(nums[3], 4);
	assert_int_equal(nums[4], 9);

	apply(st, open_x(&b, 13, 9, "/d", O_RDONLY_PPM), NULL);
	assert_string_equal(fd_of(st, 9)->name, "/d");
	state__stats(st, &s);
	assert_int_equal(s.fds_evicted, 1);
	assert_int_equal(s.fds, 5);
	state__free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_openat_relative),
		cmocka_unit_test(test_open_failed),
		cmocka_unit_test(test_close_deferred),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_fcntl_dupfd),
		cmocka_unit_test(test_socket_connect_ipv4),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_socket_connect_ipv6),
		cmocka_unit_test(test_connect_v4_mapped),
		cmocka_unit_test(test_listen_accept),
		cmocka_unit_test(test_socket_families),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_fd_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
