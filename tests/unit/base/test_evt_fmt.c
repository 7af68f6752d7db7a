/* Tests of runtime/base/evt_fmt: flags.def against events.def, the flag,
 * enum and mode naming rules, and the text of every parameter type in
 * records built here, in the three shapes Falco shows them (evt.arg.<name>,
 * evt.args, the `sysdig -r` line).
 *
 * Where the expected strings come from is noted at each test: Falco's
 * official rules (which compare evt.arg.* and evt.args text), the sysdig
 * user guide's sample output, and the libsinsp behaviour described in
 * runtime/base/evt_fmt.h. */
#include "runtime/base/evt_fmt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/strbuf.h"

/* ---- a small record builder --------------------------------------------- */

struct rec {
	uint8_t buf[4096];
	uint16_t lens[32];
	uint8_t data[2048];
	uint32_t n, dlen;
	struct evt e;
};

static void rec_add(struct rec *r, const void *p, uint32_t len)
{
	assert_true(r->n < 32 && r->dlen + len <= sizeof(r->data));
	memcpy(r->data + r->dlen, p, len);
	r->lens[r->n++] = (uint16_t)len;
	r->dlen += len;
}

static void add_u8(struct rec *r, uint8_t v) { rec_add(r, &v, 1); }
static void add_u16(struct rec *r, uint16_t v) { rec_add(r, &v, 2); }
static void add_u32(struct rec *r, uint32_t v) { rec_add(r, &v, 4); }
static void add_u64(struct rec *r, uint64_t v) { rec_add(r, &v, 8); }
static void add_str(struct rec *r, const char *s) { rec_add(r, s, (uint32_t)strlen(s) + 1); }

/* Writes the header and lengths, decodes, returns the view. */
static const struct evt *rec_done(struct rec *r, uint16_t type)
{
	struct ppm_hdr h = {
		.ts = 1700000000123456789ull,
		.tid = 42,
		.type = type,
		.nparams = r->n,
	};
	uint32_t off = PPM_HDR_LEN;

	h.len = PPM_HDR_LEN + 2 * r->n + r->dlen;
	memcpy(r->buf, &h, PPM_HDR_LEN);
	memcpy(r->buf + off, r->lens, 2 * r->n);
	off += 2 * r->n;
	memcpy(r->buf + off, r->data, r->dlen);
	assert_int_equal(evt_decode(&r->e, r->buf, h.len), 0);
	r->e.cpu = 2;
	return &r->e;
}

static uint32_t val(const char *table, const char *name)
{
	uint64_t v = 0;

	if (!evt_fmt_flag_value(table, name, &v))
		fail_msg("%s has no %s", table, name);
	return (uint32_t)v;
}

/* Renders with a fresh buffer and compares. */
#define CHECK_ARGS(e, fdr, want)                                \
	do {                                                    \
		struct strbuf sb_ = STRBUF_INIT;                \
		evt_fmt_args(&sb_, (e), (fdr));                 \
		assert_string_equal(sb_.buf ? sb_.buf : "", want); \
		strbuf_release(&sb_);                           \
	} while (0)

#define CHECK_ARG(e, i, fdr, want)                              \
	do {                                                    \
		struct strbuf sb_ = STRBUF_INIT;                \
		evt_fmt_param(&sb_, (e), (i), (fdr));           \
		assert_string_equal(sb_.buf ? sb_.buf : "", want); \
		strbuf_release(&sb_);                           \
	} while (0)

/* A resolver standing in for the state engine: fd 3 is /etc/passwd, fd 5
 * a TCP socket, pid 1 is systemd, uid 0 root, gid 0 root, cwd /home/u. */
static bool fake_fd(void *ctx, int64_t fd, char *tc, const char **name)
{
	(void)ctx;
	if (fd == 3) {
		tc[0] = 'f';
		*name = "/etc/passwd";
		return true;
	}
	if (fd == 5) {
		tc[0] = '4';
		tc[1] = 't';
		*name = "127.0.0.1:40000->127.0.0.1:80";
		return true;
	}
	return false;
}

static bool fake_comm(void *ctx, int64_t pid, const char **comm)
{
	(void)ctx;
	*comm = "systemd";
	return pid == 1;
}

static bool fake_user(void *ctx, uint32_t id, const char **name)
{
	(void)ctx;
	*name = "root";
	return id == 0;
}

static bool fake_abspath(void *ctx, int64_t dirfd, const char *rel, struct strbuf *out)
{
	(void)ctx;
	if (dirfd != -100)
		return false;
	strbuf_printf(out, "/home/u/%s", rel);
	return true;
}

static const struct evt_fmt_fd g_fdr = {
	.lookup = fake_fd, .comm = fake_comm, .user = fake_user, .group = fake_user,
	.abspath = fake_abspath,
};

/* ---- tables ------------------------------------------------------------- */

/* Every PA_FLAGS / PA_DYN table events.def names exists, with the kind the
 * parameter type needs. */
static void test_tables_cover_events_def(void **state)
{
	unsigned checked = 0;

	(void)state;
	for (uint16_t c = 0; c < PPM_EVENT_MAX; c++) {
		const struct evt_info *ei = evt_schema_get(c);

		assert_non_null(ei);
		for (uint32_t i = 0; i < ei->nparams; i++) {
			const struct evt_param_info *pi = &ei->params[i];

			if (pi->aux_kind == PA_KIND_FLAGS) {
				const struct evt_fmt_table *t = evt_fmt_table(pi->aux_table);

				if (!t)
					fail_msg("%s.%s: no table %s", ei->id, pi->name, pi->aux_table);
				switch (pi->type) {
				case PT_FLAGS8: case PT_FLAGS16: case PT_FLAGS32:
					assert_int_equal(t->kind, EVT_FMT_BITS);
					break;
				case PT_ENUMFLAGS8: case PT_ENUMFLAGS16: case PT_ENUMFLAGS32:
					assert_int_equal(t->kind, EVT_FMT_ENUM);
					break;
				case PT_MODE:
					assert_int_equal(t->kind, EVT_FMT_MODE);
					break;
				default:
					fail_msg("%s.%s: a table on a non-flag type", ei->id, pi->name);
				}
				checked++;
			} else if (pi->aux_kind == PA_KIND_DYN) {
				const struct evt_fmt_dyn_table *t = evt_fmt_dyn_table(pi->aux_table);

				if (!t)
					fail_msg("%s.%s: no dyn table %s", ei->id, pi->name, pi->aux_table);
				assert_int_equal(pi->type, PT_DYN);
				for (uint32_t j = 0; j < t->n; j++)
					assert_int_not_equal(t->v[j].type, PT_NONE);
				checked++;
			} else if (pi->type == PT_DYN) {
				fail_msg("%s.%s: PT_DYN without a table", ei->id, pi->name);
			}
		}
	}
	assert_true(checked > 100);
	/* Entries are named and no table is empty. */
	for (size_t i = 0; i < evt_fmt_table_count(); i++) {
		const struct evt_fmt_table *t = evt_fmt_table_at(i);

		assert_true(t->n > 0);
		for (uint32_t j = 0; j < t->n; j++)
			assert_non_null(t->v[j].name);
	}
	assert_null(evt_fmt_table_at(evt_fmt_table_count()));
	assert_null(evt_fmt_table("no_such_table"));
}

/* Values as the drivers encode them (PPM, not the kernel's O_*). */
static void test_table_values(void **state)
{
	(void)state;
	assert_int_equal(val("file_flags", "O_RDONLY"), 1);
	assert_int_equal(val("file_flags", "O_WRONLY"), 2);
	assert_int_equal(val("file_flags", "O_RDWR"), 3);
	assert_int_equal(val("file_flags", "O_CREAT"), 4);
	assert_int_equal(val("file_flags", "O_CLOEXEC"), 0x1000);
	assert_int_equal(val("socket_families", "AF_INET6"), 10);
	assert_string_equal(evt_fmt_flag_name("socket_families", 2), "AF_INET");
	assert_string_equal(evt_fmt_flag_name("lseek_whence", 0), "SEEK_SET");
	assert_null(evt_fmt_flag_name("socket_families", 200));
	assert_null(evt_fmt_flag_name("nope", 0));
}

/* ---- naming rules ------------------------------------------------------- */

static void check_flags(void (*fn)(struct strbuf *, const char *, uint64_t), const char *table,
			uint64_t v, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	fn(&sb, table, v);
	assert_string_equal(sb.buf ? sb.buf : "", want);
	strbuf_release(&sb);
}

/* The official rules test flag text with contains: "evt.arg.flags contains
 * O_CREAT" (macro open_file_failed / create_files_below_dev),
 * "evt.arg.flags contains O_WRONLY" / "O_RDWR" (open_write), "contains
 * O_TMPFILE" and "evt.arg.flags contains CLONE_NEWUSER" style checks; the
 * names must come out whole and "|"-joined. */
static void test_flags_rules(void **state)
{
	(void)state;
	check_flags(evt_fmt_flags, "file_flags", 1 | 0x1000, "O_RDONLY|O_CLOEXEC");
	/* Order is table order, not bit order: O_TRUNC comes first. */
	check_flags(evt_fmt_flags, "file_flags", 2 | 4 | 0x100, "O_TRUNC|O_CREAT|O_WRONLY");
	/* A composite entry wins over its parts and clears them. */
	check_flags(evt_fmt_flags, "file_flags", 3, "O_RDWR");
	/* Zero is named only by a zero entry. */
	check_flags(evt_fmt_flags, "file_flags", 0, "O_NONE");
	check_flags(evt_fmt_flags, "clone_flags", 0, "");
	check_flags(evt_fmt_flags, "prot_flags", 0, "PROT_NONE");
	/* Unknown bits are dropped; no known bit gives nothing. */
	check_flags(evt_fmt_flags, "file_flags", 1 | (1u << 30), "O_RDONLY");
	check_flags(evt_fmt_flags, "splice_flags", 1u << 30, "");
	check_flags(evt_fmt_flags, "clone_flags",
		    val("clone_flags", "CLONE_VM") | val("clone_flags", "CLONE_FILES"),
		    "CLONE_FILES|CLONE_VM");
	/* Enums name every equal entry. */
	check_flags(evt_fmt_enum, "socket_families", 1, "AF_LOCAL|AF_UNIX");
	check_flags(evt_fmt_enum, "socket_families", 10, "AF_INET6");
	check_flags(evt_fmt_enum, "socket_families", 200, "");
	/* Modes: permission bits in table order, then the exact entry. */
	check_flags(evt_fmt_mode, "chmod_mode", 0755,
		    "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR");
	check_flags(evt_fmt_mode, "chmod_mode", 0400, "S_IRUSR");
	check_flags(evt_fmt_mode, "mknod_mode", 0x8000 | 0644,
		    "S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR|S_IFREG");
	check_flags(evt_fmt_flags, "no_such_table", 1, "");
}

static void test_errno_signal_names(void **state)
{
	(void)state;
	assert_string_equal(evt_fmt_errno_name(2), "ENOENT");
	assert_string_equal(evt_fmt_errno_name(13), "EACCES");
	assert_string_equal(evt_fmt_errno_name(115), "EINPROGRESS");
	assert_string_equal(evt_fmt_errno_name(125), "ECANCELED");
	assert_string_equal(evt_fmt_errno_name(512), "ERESTARTSYS");
	assert_string_equal(evt_fmt_errno_name(521), "EBADHANDLE");
	assert_null(evt_fmt_errno_name(41));	/* no errno 41 */
	assert_null(evt_fmt_errno_name(126));	/* ENOKEY: Falco has no name */
	assert_null(evt_fmt_errno_name(517));
	assert_null(evt_fmt_errno_name(0));
	assert_null(evt_fmt_errno_name(-2));
	assert_string_equal(evt_fmt_signal_name(9), "SIGKILL");
	assert_string_equal(evt_fmt_signal_name(31), "SIGSYS");
	assert_null(evt_fmt_signal_name(0));
	assert_null(evt_fmt_signal_name(34));
}

/* ---- parameters --------------------------------------------------------- */

/* sysdig's guide shows "close fd=3(/usr/lib/locale/locale-archive)" and
 * current libsinsp prefixes the type: "fd=3(<f>/etc/passwd)"; rules read
 * evt.arg.flags as names (above) and evt.args as "name=raw(resolved)". */
static void test_openat_exit(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;

	(void)state;
	add_u64(&r, 3);
	add_u64(&r, (uint64_t)-100);
	add_str(&r, "/etc/passwd");
	add_u32(&r, 1 | 0x1000);
	add_u32(&r, 0);
	add_u32(&r, 0x803);
	add_u64(&r, 1234);
	e = rec_done(&r, PPME_SYSCALL_OPENAT_2_X);
	CHECK_ARGS(e, &g_fdr,
		   "fd=3(<f>/etc/passwd) dirfd=-100(AT_FDCWD) name=/etc/passwd "
		   "flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=803 ino=1234");
	/* Without a thread, fds are bare numbers. */
	CHECK_ARGS(e, NULL,
		   "fd=3 dirfd=-100 name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=803 ino=1234");
	CHECK_ARG(e, 0, &g_fdr, "<f>/etc/passwd");
	CHECK_ARG(e, 0, NULL, "3");
	CHECK_ARG(e, 1, &g_fdr, "AT_FDCWD");
	CHECK_ARG(e, 3, NULL, "O_RDONLY|O_CLOEXEC");
	CHECK_ARG(e, 4, NULL, "0");
	CHECK_ARG(e, 9, NULL, "<NA>");
}

/* A failed open: "fd=-2(ENOENT)"; a relative name resolves against the cwd
 * (evt.arg.name is then the absolute path); octal mode has a leading 0. */
static void test_openat_failed_relative(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;

	(void)state;
	add_u64(&r, (uint64_t)-2);
	add_u64(&r, (uint64_t)-100);
	add_str(&r, "notes.txt");
	add_u32(&r, 2 | 4 | 0x100);
	add_u32(&r, 0644);
	add_u32(&r, 0);
	add_u64(&r, 0);
	e = rec_done(&r, PPME_SYSCALL_OPENAT_2_X);
	CHECK_ARGS(e, &g_fdr,
		   "fd=-2(ENOENT) dirfd=-100(AT_FDCWD) name=notes.txt(/home/u/notes.txt) "
		   "flags=262(O_TRUNC|O_CREAT|O_WRONLY) mode=0644 dev=0 ino=0");
	CHECK_ARG(e, 2, &g_fdr, "/home/u/notes.txt");
	CHECK_ARG(e, 2, NULL, "notes.txt");
	CHECK_ARG(e, 0, &g_fdr, "ENOENT");
}

static void test_errno_and_unsigned(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;

	(void)state;
	add_u64(&r, (uint64_t)-9);
	add_str(&r, "hi\x01\n");	/* bytebuf with its NUL: non-printables are dots */
	add_u64(&r, 5);
	add_u32(&r, 0xffffffffu);	/* PT_UINT32 in decimal prints signed */
	e = rec_done(&r, PPME_SYSCALL_WRITE_X);
	CHECK_ARGS(e, &g_fdr, "res=-9(EBADF) data=hi... fd=5(<4t>127.0.0.1:40000->127.0.0.1:80) size=-1");
	CHECK_ARG(e, 0, NULL, "EBADF");
	/* An unknown errno keeps the number alone. */
	memset(&r, 0, sizeof(r));
	add_u64(&r, (uint64_t)-126);
	add_u64(&r, 3);
	e = rec_done(&r, PPME_SYSCALL_CLOSE_X);
	CHECK_ARGS(e, NULL, "res=-126 fd=3");
}

/* "connect ... tuple=127.0.0.1:40000->127.0.0.1:80" as in the rules'
 * outbound-connection outputs (%fd.name carries the same text). */
static void test_sockets(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;
	uint8_t t4[13] = { 2, 127, 0, 0, 1, 0x40, 0x9c, 10, 0, 0, 1, 80, 0 };
	uint8_t t6[37] = { 10 };
	uint8_t m6[37] = { 10 };
	uint8_t a4[7] = { 2, 10, 1, 2, 3, 0xbb, 0x01 };
	uint8_t un[20] = { 1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, '/', 's', 0 };
	uint8_t ua[8] = { 1, '/', 'r', 'u', 'n', '/', 'x', 0 };

	(void)state;
	add_u64(&r, 0);
	rec_add(&r, t4, sizeof(t4));
	add_u64(&r, 5);
	rec_add(&r, a4, sizeof(a4));
	e = rec_done(&r, PPME_SOCKET_CONNECT_X);
	CHECK_ARGS(e, NULL, "res=0 tuple=127.0.0.1:40000->10.0.0.1:80 fd=5 addr=10.1.2.3:443");

	/* IPv6, and IPv4-mapped IPv6 printed as IPv4. */
	t6[1] = 0xfe; t6[2] = 0x80; t6[16] = 1; t6[17] = 0x50; t6[19 + 15] = 2; t6[35] = 0x51;
	m6[11] = 0xff; m6[12] = 0xff; m6[13] = 1; m6[14] = 2; m6[15] = 3; m6[16] = 4; m6[17] = 80;
	m6[29] = 0xff; m6[30] = 0xff; m6[31] = 5; m6[32] = 6; m6[33] = 7; m6[34] = 8; m6[35] = 81;
	memset(&r, 0, sizeof(r));
	add_u64(&r, 0);
	rec_add(&r, t6, sizeof(t6));
	add_u64(&r, 5);
	rec_add(&r, un, 0);
	e = rec_done(&r, PPME_SOCKET_CONNECT_X);
	CHECK_ARGS(e, NULL, "res=0 tuple=fe80::1:80->::2:81 fd=5 addr=<NA>");
	memset(&r, 0, sizeof(r));
	add_u64(&r, 0);
	rec_add(&r, m6, sizeof(m6));
	add_u64(&r, 5);
	rec_add(&r, ua, sizeof(ua));
	e = rec_done(&r, PPME_SOCKET_CONNECT_X);
	CHECK_ARGS(e, NULL, "res=0 tuple=1.2.3.4:80->5.6.7.8:81 fd=5 addr=/run/x");

	/* Unix tuple: source and peer as hex pointers, then the path. */
	memset(&r, 0, sizeof(r));
	add_u64(&r, 0);
	rec_add(&r, un, sizeof(un));
	add_u64(&r, 5);
	rec_add(&r, a4, 3);	/* too short for AF_INET */
	e = rec_done(&r, PPME_SOCKET_CONNECT_X);
	CHECK_ARGS(e, NULL, "res=0 tuple=1->2 /s fd=5 addr=INVALID IPv4");

	/* Empty tuple is NULL; unknown family. */
	memset(&r, 0, sizeof(r));
	add_u64(&r, 0);
	rec_add(&r, t4, 0);
	add_u64(&r, 5);
	add_u8(&r, 16);
	e = rec_done(&r, PPME_SOCKET_CONNECT_X);
	CHECK_ARGS(e, NULL, "res=0 tuple=NULL fd=5 addr=family 16");

	/* socket(AF_UNIX): enum names every equal value. */
	memset(&r, 0, sizeof(r));
	add_u32(&r, 1);
	add_u32(&r, 1);
	add_u32(&r, 0);
	e = rec_done(&r, PPME_SOCKET_SOCKET_E);
	CHECK_ARGS(e, NULL, "domain=1(AF_LOCAL|AF_UNIX) type=1 proto=0");
	CHECK_ARG(e, 0, NULL, "AF_LOCAL|AF_UNIX");
}

static void test_pid_sig_uid_time(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;

	(void)state;
	add_u64(&r, 1);
	add_u8(&r, 9);
	e = rec_done(&r, PPME_SYSCALL_KILL_E);
	CHECK_ARGS(e, &g_fdr, "pid=1(systemd) sig=9(SIGKILL)");
	CHECK_ARGS(e, NULL, "pid=1 sig=9(SIGKILL)");
	CHECK_ARG(e, 1, NULL, "SIGKILL");

	/* Uids always carry a resolved part: the name, <NA>, or <NONE>. */
	memset(&r, 0, sizeof(r));
	add_u32(&r, 0);
	e = rec_done(&r, PPME_SYSCALL_SETUID_E);
	CHECK_ARGS(e, &g_fdr, "uid=0(root)");
	CHECK_ARGS(e, NULL, "uid=0(<NA>)");
	memset(&r, 0, sizeof(r));
	add_u32(&r, 0xffffffffu);
	e = rec_done(&r, PPME_SYSCALL_SETUID_E);
	CHECK_ARGS(e, NULL, "uid=-1(<NONE>)");

	/* Relative time in ns with seconds resolved; -1 is "none". */
	memset(&r, 0, sizeof(r));
	add_u64(&r, 1500000000);
	e = rec_done(&r, PPME_SYSCALL_NANOSLEEP_E);
	CHECK_ARGS(e, NULL, "interval=1500000000(1.5s)");
	memset(&r, 0, sizeof(r));
	add_u64(&r, UINT64_MAX);
	e = rec_done(&r, PPME_SYSCALL_NANOSLEEP_E);
	CHECK_ARGS(e, NULL, "interval=none");
}

/* chmod/mknod: PT_MODE is octal raw with names resolved. */
static void test_mode(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;

	(void)state;
	add_u64(&r, 0);
	add_str(&r, "/tmp/x");
	add_u32(&r, 04755);
	e = rec_done(&r, PPME_SYSCALL_CHMOD_X);
	CHECK_ARGS(e, NULL, "res=0 filename=/tmp/x "
			    "mode=04755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID)");
}

/* ptrace: PT_DYN picks its type from the first byte and prints in the
 * outer parameter's base (PF_HEX here); the request is an enum. */
static void test_dyn(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;
	uint8_t addr[9] = { 0, 0x34, 0x12, 0xff, 0x7f };
	uint8_t data[2] = { 1, 9 };
	uint8_t bad[2] = { 7, 0 };

	(void)state;
	add_u64(&r, 0);
	rec_add(&r, addr, sizeof(addr));
	rec_add(&r, data, sizeof(data));
	add_u16(&r, (uint16_t)val("ptrace_requests", "PTRACE_ATTACH"));
	add_u64(&r, 77);
	e = rec_done(&r, PPME_SYSCALL_PTRACE_X);
	CHECK_ARGS(e, NULL, "res=0 addr=7FFF1234 data=9(SIGKILL) request=11(PTRACE_ATTACH) pid=77");
	CHECK_ARG(e, 3, NULL, "PTRACE_ATTACH");

	memset(&r, 0, sizeof(r));
	add_u64(&r, 0);
	rec_add(&r, bad, sizeof(bad));
	rec_add(&r, data, 0);
	add_u16(&r, 0xfff);
	add_u64(&r, 77);
	e = rec_done(&r, PPME_SYSCALL_PTRACE_X);
	CHECK_ARGS(e, NULL, "res=0 addr=INVALID DYNAMIC PARAMETER data=NULL request=4095 pid=77");
}

/* poll: fd lists need the thread ('?' for unknown fds); empty otherwise. */
static void test_fdlist(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;
	uint8_t fl[2 + 20];
	uint16_t n = 2, f1 = 1, f2 = 4;
	uint64_t fd1 = 3, fd2 = 9;

	(void)state;
	memcpy(fl, &n, 2);
	memcpy(fl + 2, &fd1, 8);
	memcpy(fl + 10, &f1, 2);
	memcpy(fl + 12, &fd2, 8);
	memcpy(fl + 20, &f2, 2);
	rec_add(&r, fl, sizeof(fl));
	add_u64(&r, (uint64_t)-1);
	e = rec_done(&r, PPME_SYSCALL_POLL_E);
	CHECK_ARGS(e, &g_fdr, "fds=3:f1 9:?4 timeout=-1");
	CHECK_ARGS(e, NULL, "fds= timeout=-1");
	/* A count larger than the bytes: only whole entries. */
	n = 9;
	memcpy(fl, &n, 2);
	memset(&r, 0, sizeof(r));
	rec_add(&r, fl, 15);
	add_u64(&r, 0);
	e = rec_done(&r, PPME_SYSCALL_POLL_E);
	CHECK_ARGS(e, &g_fdr, "fds=3:f1 timeout=0");
}

/* Empty and malformed parameters. */
static void test_empty_and_malformed(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;

	(void)state;
	add_u64(&r, 0);
	rec_add(&r, "", 0);	/* empty bytebuf: NULL */
	add_u32(&r, 3);		/* fd of the wrong size */
	add_u64(&r, 1);		/* size of the wrong size */
	e = rec_done(&r, PPME_SYSCALL_WRITE_X);
	CHECK_ARGS(e, NULL, "res=0 data=NULL fd=<invalid> size=<invalid>");

	memset(&r, 0, sizeof(r));
	add_u64(&r, (uint64_t)-100);
	add_u64(&r, (uint64_t)-100);
	rec_add(&r, "(NULL)", 7);	/* the drivers' null path */
	add_u32(&r, 0);
	add_u32(&r, 0);
	add_u32(&r, 0);
	rec_add(&r, "", 0);
	e = rec_done(&r, PPME_SYSCALL_OPENAT_2_X);
	CHECK_ARGS(e, NULL, "fd=-100 dirfd=-100 name=<NA> flags=0(O_NONE) mode=0 dev=0 ino=<NA>");

	/* A string without its NUL stops at the parameter's end. */
	memset(&r, 0, sizeof(r));
	add_u64(&r, 0);
	rec_add(&r, "/tmp/abc", 4);
	add_u32(&r, 0);
	e = rec_done(&r, PPME_SYSCALL_CHMOD_X);
	CHECK_ARGS(e, NULL, "res=0 filename=/tmp mode=0");
}

/* Generic events: evt.args is empty on exit, and the line shows the
 * syscall's name as evt.type. */
static void test_generic_and_line(void **state)
{
	struct rec r = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const struct evt *e;
	int idx = evt_schema_syscall_by_name("getpid");
	uint16_t sc;

	(void)state;
	assert_true(idx >= 0);
	sc = evt_schema_syscall(idx)->ppm_sc;
	add_u16(&r, sc);
	add_u16(&r, 39);
	e = rec_done(&r, PPME_GENERIC_X);
	CHECK_ARGS(e, NULL, "");
	e = rec_done(&r, PPME_GENERIC_E);
	{
		char want[64];

		snprintf(want, sizeof(want), "ID=%u(getpid) nativeID=39", sc);
		CHECK_ARGS(e, NULL, want);
	}

	/* The sysdig line, in UTC: 1700000000.123456789 is 22:13:20. */
	setenv("TZ", "UTC", 1);
	tzset();
	memset(&r, 0, sizeof(r));
	add_u64(&r, 3);
	e = rec_done(&r, PPME_SYSCALL_CLOSE_E);
	evt_fmt_line(&sb, 7, e, "cat", &g_fdr);
	assert_string_equal(sb.buf, "7 22:13:20.123456789 2 cat (42) > close fd=3(<f>/etc/passwd)");
	strbuf_reset(&sb);
	memset(&r, 0, sizeof(r));
	add_u16(&r, sc);
	add_u16(&r, 39);
	e = rec_done(&r, PPME_GENERIC_X);
	evt_fmt_line(&sb, 8, e, "cat", NULL);
	assert_string_equal(sb.buf, "8 22:13:20.123456789 2 cat (42) < getpid ");
	strbuf_release(&sb);
}

/* execve's args are a bytebuf of NUL-separated strings: "args=-la./tmp.". */
static void test_bytebuf_args(void **state)
{
	struct rec r = { 0 };
	const struct evt *e;

	(void)state;
	add_u64(&r, 4);
	rec_add(&r, "-la\0/tmp", 9);
	add_u64(&r, 3);
	add_u32(&r, 9);
	e = rec_done(&r, PPME_SYSCALL_WRITE_X);
	CHECK_ARG(e, 1, NULL, "-la./tmp.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_cover_events_def),
		cmocka_unit_test(test_table_values),
		cmocka_unit_test(test_flags_rules),
		cmocka_unit_test(test_errno_signal_names),
		cmocka_unit_test(test_openat_exit),
		cmocka_unit_test(test_openat_failed_relative),
		cmocka_unit_test(test_errno_and_unsigned),
		cmocka_unit_test(test_sockets),
		cmocka_unit_test(test_pid_sig_uid_time),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_dyn),
		cmocka_unit_test(test_fdlist),
		cmocka_unit_test(test_empty_and_malformed),
		cmocka_unit_test(test_generic_and_line),
		cmocka_unit_test(test_bytebuf_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
