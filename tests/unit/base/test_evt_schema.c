/* Tests of runtime/base/evt_schema: the event numbering pinned to Falco's,
 * the shape of every events.def entry, name lookups, and the syscall and
 * tracepoint tables against this machine's syscall numbers. */
#include "runtime/base/evt_schema.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

/* Codes as Falco's drivers number them (ppm_events_public.h, schema 4.5.1);
 * a capture written by Falco carries these on the wire. */
_Static_assert(PPME_GENERIC_E == 0 && PPME_GENERIC_X == 1, "generic");
_Static_assert(PPME_SYSCALL_OPEN_E == 2 && PPME_SYSCALL_OPEN_X == 3, "open");
_Static_assert(PPME_SYSCALL_CLOSE_X == 5, "close");
_Static_assert(PPME_SOCKET_CONNECT_E == 22 && PPME_SOCKET_CONNECT_X == 23, "connect");
_Static_assert(PPME_SYSCALL_OPENAT_E == 102 && PPME_SYSCALL_OPENAT_2_X == 307, "openat");
_Static_assert(PPME_SYSCALL_OPENAT2_X == 327, "openat2");
_Static_assert(PPME_SYSCALL_EXECVE_8_E == 12 && PPME_SYSCALL_EXECVE_19_X == 293, "execve");
_Static_assert(PPME_SYSCALL_EXECVEAT_X == 331, "execveat");
_Static_assert(PPME_SYSCALL_CLONE_20_X == 223 && PPME_SYSCALL_CLONE3_X == 335, "clone");
_Static_assert(PPME_PROCEXIT_E == 16 && PPME_PROCEXIT_1_E == 186, "procexit");
_Static_assert(PPME_SCHEDSWITCH_6_E == 152, "switch");
_Static_assert(PPME_SIGNALDELIVER_E == 232, "signaldeliver");
_Static_assert(PPME_PAGE_FAULT_E == 290, "page_fault");
_Static_assert(PPME_CONTAINER_JSON_2_E == 324, "container");
_Static_assert(PPME_PLUGINEVENT_E == 322, "pluginevent");
_Static_assert(PPME_ASYNCEVENT_E == 402, "asyncevent");
_Static_assert(PPME_SOCKET_ACCEPT4_6_X == 389, "accept4");
_Static_assert(PPME_SYSCALL_KEYCTL_X == 453, "keyctl");
_Static_assert(PPM_EVENT_MAX == 454, "event count");
_Static_assert(PT_FSRELPATH == 43 && PT_FD32 == 47 && PT_PID32 == 48 && PT_MAX == 49,
	       "param types");

/* Syscall numbers of the table against <sys/syscall.h>, at compile time. */
enum {
#define SC(name, ppm_sc, x86_64, aarch64, enter, exit) \
	NR_X86_64_##name = (x86_64), NR_AARCH64_##name = (aarch64),
#include "bpf/shared/syscalls.def"
#undef SC
};

#if defined(__x86_64__)
#define NR_NATIVE(name) NR_X86_64_##name
#elif defined(__aarch64__)
#define NR_NATIVE(name) NR_AARCH64_##name
#endif

#ifdef NR_NATIVE
#define CHECK_SYS(name) _Static_assert(NR_NATIVE(name) == SYS_##name, #name " number");
CHECK_SYS(read)
CHECK_SYS(write)
CHECK_SYS(close)
CHECK_SYS(openat)
CHECK_SYS(openat2)
CHECK_SYS(execve)
CHECK_SYS(execveat)
CHECK_SYS(clone)
CHECK_SYS(clone3)
CHECK_SYS(connect)
CHECK_SYS(accept)
CHECK_SYS(accept4)
CHECK_SYS(madvise)
CHECK_SYS(ptrace)
CHECK_SYS(setns)
CHECK_SYS(unshare)
CHECK_SYS(memfd_create)
CHECK_SYS(pread64)
CHECK_SYS(close_range)
CHECK_SYS(io_uring_setup)
CHECK_SYS(init_module)
CHECK_SYS(bpf)
#endif
#if defined(__x86_64__)
CHECK_SYS(open)
CHECK_SYS(creat)
CHECK_SYS(fork)
CHECK_SYS(symlink)
_Static_assert(NR_AARCH64_open == -1 && NR_AARCH64_fork == -1, "legacy syscalls absent on arm64");
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void assert_codes(const char *name, const uint16_t *want, size_t nwant)
{
	uint16_t got[64];
	size_t n = 0;

	assert_int_equal(evt_schema_codes_by_name(name, got, ARRAY_SIZE(got), &n), 0);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_int_equal(got[i], want[i]);
}

static void assert_syscalls_for(const char *evt_name, const char *const *want, size_t nwant)
{
	uint16_t got[64];
	size_t n = 0;

	assert_int_equal(evt_schema_syscalls_for_event(evt_name, got, ARRAY_SIZE(got), &n), 0);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_string_equal(evt_schema_syscall_name(got[i]), want[i]);
}

static void test_falco_numbering(void **state)
{
	static const struct {
		uint16_t code;
		const char *name;
	} facts[] = {
		{ 0, "syscall" },	{ 1, "syscall" },	{ 2, "open" },
		{ 3, "open" },		{ 22, "connect" },	{ 23, "connect" },
		{ 306, "openat" },	{ 307, "openat" },	{ 292, "execve" },
		{ 293, "execve" },	{ 186, "procexit" },	{ 152, "switch" },
		{ 232, "signaldeliver" }, { 290, "page_fault" }, { 322, "pluginevent" },
		{ 324, "container" },	{ 402, "asyncevent" },	{ 223, "clone" },
		{ 389, "accept4" },	{ 453, "keyctl" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		const struct evt_info *e = evt_schema_get(facts[i].code);

		assert_non_null(e);
		assert_string_equal(e->name, facts[i].name);
	}
	assert_string_equal(evt_schema_get(PPME_SYSCALL_OPEN_X)->id, "PPME_SYSCALL_OPEN_X");
	assert_null(evt_schema_get(PPM_EVENT_MAX));
	assert_null(evt_schema_get(UINT16_MAX));
}

/* Every entry is well formed; the P() count is also checked at compile
 * time in evt_schema.c, the sentinel check here confirms it at run time. */
static void test_table_shape(void **state)
{
	(void)state;
	for (uint16_t c = 0; c < PPM_EVENT_MAX; c++) {
		const struct evt_info *e = evt_schema_get(c);
		uint32_t src = e->flags & EVF_SOURCE_MASK;
		uint32_t cls = EVF_CLS(e->flags) >> EVF_CLS_SHIFT;

		assert_non_null(e->name);
		assert_int_equal(e->code, c);
		assert_int_equal(e->dir, c & 1);
		assert_true(e->nparams <= PPM_MAX_EVENT_PARAMS);
		assert_null(e->params[e->nparams].name);
		for (unsigned i = 0; i < e->nparams; i++) {
			const struct evt_param_info *p = &e->params[i];

			assert_non_null(p->name);
			assert_true(p->type > PT_NONE && p->type < PT_MAX);
			assert_true(p->fmt <= PF_OCT);
			if (p->aux_kind == PA_KIND_DIRFD) {
				assert_int_equal(p->type, PT_FSRELPATH);
				assert_true(p->dirfd >= 0 && (unsigned)p->dirfd < e->nparams);
				assert_int_equal(e->params[p->dirfd].type, PT_FD);
			} else {
				assert_int_equal(p->dirfd, -1);
			}
			if (p->aux_kind == PA_KIND_FLAGS || p->aux_kind == PA_KIND_DYN)
				assert_non_null(p->aux_table);
			if (p->type == PT_DYN)
				assert_int_equal(p->aux_kind, PA_KIND_DYN);
		}
		if (e->flags & EVF_UNUSED) {
			/* placeholders have no source; one (tracer exit)
			 * keeps a parameter list, as in Falco's table */
			assert_string_equal(e->name, "NA");
			assert_int_equal(src, 0);
		} else {
			assert_string_not_equal(e->name, "NA");
			/* exactly one source bit, a known class */
			assert_true(src && !(src & (src - 1)));
			assert_true(cls >= 1 && cls <= EVF_CLS_INTERNAL >> EVF_CLS_SHIFT);
		}
	}
	assert_true(evt_schema_get(PPME_PLUGINEVENT_E)->flags & EVF_PLUGIN);
	assert_true(evt_schema_get(PPME_PLUGINEVENT_E)->flags & EVF_LARGE_PAYLOAD);
	assert_true(evt_schema_get(PPME_PROCEXIT_1_E)->flags & EVF_TRACEPOINT);
	assert_true(evt_schema_get(PPME_SYSCALL_OPENAT_2_X)->flags & EVF_CREATES_FD);
	assert_int_equal(EVF_CLS(evt_schema_get(PPME_SYSCALL_READ_X)->flags), EVF_CLS_IO_READ);
	assert_true(evt_schema_get(PPME_SYSCALL_EXECVE_8_X)->flags & EVF_OLD);
	assert_int_equal(evt_schema_get(PPME_SYSCALL_EXECVE_19_X)->nparams, 31);
	assert_int_equal(evt_schema_get(PPME_SYSCALL_EXECVEAT_X)->nparams, 30);
	assert_int_equal(evt_schema_get(PPME_ITER_TASK_E)->nparams, PPM_MAX_EVENT_PARAMS);
}

static void test_params(void **state)
{
	const struct evt_info *e;

	(void)state;
	e = evt_schema_get(PPME_GENERIC_E);
	assert_int_equal(e->nparams, 2);
	assert_string_equal(e->params[0].name, "ID");
	assert_int_equal(e->params[0].type, PT_SYSCALLID);
	assert_string_equal(e->params[1].name, "nativeID");
	assert_int_equal(e->params[1].type, PT_UINT16);

	e = evt_schema_get(PPME_SYSCALL_OPENAT_2_X);
	assert_int_equal(e->nparams, 7);
	assert_string_equal(e->params[0].name, "fd");
	assert_int_equal(e->params[0].type, PT_FD);
	assert_string_equal(e->params[2].name, "name");
	assert_int_equal(e->params[2].type, PT_FSRELPATH);
	assert_int_equal(e->params[2].aux_kind, PA_KIND_DIRFD);
	assert_int_equal(e->params[2].dirfd, 1);
	assert_string_equal(e->params[3].name, "flags");
	assert_int_equal(e->params[3].type, PT_FLAGS32);
	assert_int_equal(e->params[3].fmt, PF_HEX);
	assert_string_equal(e->params[3].aux_table, "file_flags");
	assert_int_equal(e->params[4].fmt, PF_OCT);

	e = evt_schema_get(PPME_SOCKET_CONNECT_X);
	assert_string_equal(e->params[0].name, "res");
	assert_int_equal(e->params[0].type, PT_ERRNO);
	assert_int_equal(e->params[1].type, PT_SOCKTUPLE);

	e = evt_schema_get(PPME_PROCEXIT_1_E);
	assert_string_equal(e->params[0].name, "status");
}

static void test_codes_by_name(void **state)
{
	static const uint16_t open[] = { 2, 3 };
	static const uint16_t procexit[] = { 16, 186 };
	static const uint16_t generic[] = { 0, 1 };
	static const uint16_t execve[] = { 12, 13, 154, 155, 172, 173, 214, 215,
					   230, 231, 282, 283, 288, 289, 292, 293 };
	uint16_t buf[4];
	size_t n = 99;

	(void)state;
	assert_codes("open", open, ARRAY_SIZE(open));
	assert_codes("procexit", procexit, ARRAY_SIZE(procexit));
	assert_codes("syscall", generic, ARRAY_SIZE(generic));
	assert_codes("execve", execve, ARRAY_SIZE(execve));

	assert_int_equal(evt_schema_codes_by_name("madvise", buf, ARRAY_SIZE(buf), &n), -ENOENT);
	assert_int_equal(n, 0);
	assert_int_equal(evt_schema_codes_by_name("NA", buf, ARRAY_SIZE(buf), &n), -ENOENT);
	assert_int_equal(evt_schema_codes_by_name("", buf, ARRAY_SIZE(buf), &n), -ENOENT);

	/* too small: first cap codes written, *n tells the full count */
	assert_int_equal(evt_schema_codes_by_name("execve", buf, ARRAY_SIZE(buf), &n), -ENOSPC);
	assert_int_equal(n, ARRAY_SIZE(execve));
	assert_int_equal(buf[3], 155);
	assert_int_equal(evt_schema_codes_by_name("execve", NULL, 0, &n), -ENOSPC);
	assert_int_equal(n, ARRAY_SIZE(execve));
	assert_int_equal(evt_schema_codes_by_name(NULL, buf, 1, &n), -EINVAL);
	assert_int_equal(evt_schema_codes_by_name("open", NULL, 1, &n), -EINVAL);

	assert_true(evt_schema_is_event_name("open"));
	assert_true(evt_schema_is_event_name("switch"));
	assert_true(evt_schema_is_event_name("syscall"));
	assert_false(evt_schema_is_event_name("madvise"));
	assert_false(evt_schema_is_event_name("NA"));
	assert_false(evt_schema_is_event_name(NULL));
	assert_true(evt_schema_is_syscall_name("madvise"));
	assert_true(evt_schema_is_syscall_name("pread64"));
	assert_false(evt_schema_is_syscall_name("pread"));
	assert_false(evt_schema_is_syscall_name("procexit"));
	assert_false(evt_schema_is_syscall_name("sched_switch"));
}

static void test_evttype_codes(void **state)
{
	uint16_t buf[32];
	size_t n;

	(void)state;
	assert_int_equal(evt_schema_evttype_codes("madvise", buf, ARRAY_SIZE(buf), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(buf[0], PPME_GENERIC_E);
	assert_int_equal(buf[1], PPME_GENERIC_X);

	assert_int_equal(evt_schema_evttype_codes("open", buf, ARRAY_SIZE(buf), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(buf[0], PPME_SYSCALL_OPEN_E);

	/* pread64 writes "pread" events, so the name reaches only generics */
	assert_int_equal(evt_schema_evttype_codes("pread64", buf, ARRAY_SIZE(buf), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(buf[0], PPME_GENERIC_E);

	assert_int_equal(evt_schema_evttype_codes("syscall", buf, ARRAY_SIZE(buf), &n), -ENOENT);
	assert_int_equal(evt_schema_evttype_codes("no_such", buf, ARRAY_SIZE(buf), &n), -ENOENT);
}

static void test_syscall_table(void **state)
{
	size_t count = evt_schema_syscall_count();
	int i;

	(void)state;
	assert_true(count > 400);
	for (size_t a = 0; a < count; a++) {
		const struct evt_syscall_info *s = evt_schema_syscall(a);
		const struct evt_info *ex = evt_schema_get(s->exit_event);

		assert_non_null(s->name);
		assert_int_equal(evt_schema_syscall_by_name(s->name), (int)a);
		assert_int_equal(evt_schema_syscall_by_ppm_sc(s->ppm_sc), (int)a);
		for (int arch = 0; arch < EVT_SCHEMA_ARCH_MAX; arch++) {
			if (s->nr[arch] >= 0)
				assert_int_equal(evt_schema_syscall_by_nr(arch, s->nr[arch]), (int)a);
		}
		/* the newest pair: a syscall exit event that drivers still send */
		assert_non_null(ex);
		assert_int_equal(s->enter_event + 1, s->exit_event);
		assert_true(ex->flags & EVF_SYSCALL);
		assert_false(ex->flags & (EVF_OLD | EVF_UNUSED));
	}
	assert_null(evt_schema_syscall(count));
	assert_null(evt_schema_syscall_name(count));
	assert_int_equal(evt_schema_syscall_nr(count, EVT_SCHEMA_ARCH_X86_64), -EINVAL);
	assert_int_equal(evt_schema_syscall_enter_event(count), -EINVAL);
	assert_false(evt_schema_syscall_is_generic(count));

	i = evt_schema_syscall_by_name("openat");
	assert_true(i >= 0);
	assert_string_equal(evt_schema_syscall_name(i), "openat");
	assert_int_equal(evt_schema_syscall_nr(i, EVT_SCHEMA_ARCH_X86_64), 257);
	assert_int_equal(evt_schema_syscall_nr(i, EVT_SCHEMA_ARCH_AARCH64), 56);
	assert_int_equal(evt_schema_syscall_enter_event(i), PPME_SYSCALL_OPENAT_2_E);
	assert_int_equal(evt_schema_syscall_exit_event(i), PPME_SYSCALL_OPENAT_2_X);
	assert_int_equal(evt_schema_syscall_by_nr(EVT_SCHEMA_ARCH_X86_64, 257), i);
	assert_int_equal(evt_schema_syscall_nr(i, EVT_SCHEMA_ARCH_MAX), -EINVAL);

	i = evt_schema_syscall_by_name("execve");
	assert_int_equal(evt_schema_syscall_exit_event(i), PPME_SYSCALL_EXECVE_19_X);
	assert_int_equal(evt_schema_syscall(i)->ppm_sc, 324);

	i = evt_schema_syscall_by_name("open");
	assert_int_equal(evt_schema_syscall_nr(i, EVT_SCHEMA_ARCH_AARCH64), -ENOENT);

	i = evt_schema_syscall_by_name("madvise");
	assert_true(i >= 0);
	assert_true(evt_schema_syscall_is_generic(i));
	assert_int_equal(evt_schema_syscall_enter_event(i), PPME_GENERIC_E);
	assert_int_equal(evt_schema_syscall_exit_event(i), PPME_GENERIC_X);
	assert_int_equal(evt_schema_syscall(i)->ppm_sc, 139);
	assert_int_equal(evt_schema_syscall_by_ppm_sc(139), i);
	assert_false(evt_schema_syscall_is_generic(evt_schema_syscall_by_name("open")));

	assert_int_equal(evt_schema_syscall_by_name("procexit"), -ENOENT);
	assert_int_equal(evt_schema_syscall_by_name(NULL), -ENOENT);
	assert_int_equal(evt_schema_syscall_by_ppm_sc(0), -ENOENT);
	assert_int_equal(evt_schema_syscall_by_nr(EVT_SCHEMA_ARCH_X86_64, -1), -ENOENT);
	assert_int_equal(evt_schema_syscall_by_nr(EVT_SCHEMA_ARCH_MAX, 0), -EINVAL);
#ifdef EVT_SCHEMA_ARCH_NATIVE
	i = evt_schema_syscall_by_nr(EVT_SCHEMA_ARCH_NATIVE, SYS_getpid);
	assert_string_equal(evt_schema_syscall_name(i), "getpid");
#endif
}

/* Every event a driver still sends for a syscall is reachable from some
 * syscall of the table under its name. */
static void test_current_syscall_events_reachable(void **state)
{
	(void)state;
	for (uint16_t c = 2; c < PPM_EVENT_MAX; c++) {
		const struct evt_info *e = evt_schema_get(c);
		uint16_t idx[8];
		size_t n = 0;

		if (!(e->flags & EVF_SYSCALL) || (e->flags & (EVF_OLD | EVF_UNUSED)))
			continue;
		assert_int_equal(evt_schema_syscalls_for_event(e->name, idx, ARRAY_SIZE(idx), &n), 0);
		if (n == 0)
			fail_msg("event %s (%u) has no syscall", e->name, c);
	}
}

static void test_syscalls_for_event(void **state)
{
	static const char *const open[] = { "open" };
	static const char *const openat[] = { "openat" };
	static const char *const execve[] = { "execve" };
	static const char *const accept[] = { "accept", "accept4" };
	static const char *const accept4[] = { "accept4" };
	static const char *const pread[] = { "pread64" };
	static const char *const setuid[] = { "setuid", "setuid32" };
	static const char *const madvise[] = { "madvise" };
	static const char *const connect[] = { "connect" };
	uint16_t idx[4];
	size_t n = 99;

	(void)state;
	assert_syscalls_for("open", open, ARRAY_SIZE(open));
	assert_syscalls_for("openat", openat, ARRAY_SIZE(openat));
	assert_syscalls_for("execve", execve, ARRAY_SIZE(execve));
	assert_syscalls_for("accept", accept, ARRAY_SIZE(accept));
	assert_syscalls_for("accept4", accept4, ARRAY_SIZE(accept4));
	assert_syscalls_for("pread", pread, ARRAY_SIZE(pread));
	assert_syscalls_for("setuid", setuid, ARRAY_SIZE(setuid));
	assert_syscalls_for("madvise", madvise, ARRAY_SIZE(madvise));
	assert_syscalls_for("connect", connect, ARRAY_SIZE(connect));

	/* valid names no syscall produces */
	assert_int_equal(evt_schema_syscalls_for_event("procexit", idx, ARRAY_SIZE(idx), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(evt_schema_syscalls_for_event("pread64", idx, ARRAY_SIZE(idx), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(evt_schema_syscalls_for_event("syscall", idx, ARRAY_SIZE(idx), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(evt_schema_syscalls_for_event("no_such", idx, ARRAY_SIZE(idx), &n),
			 -ENOENT);
	assert_int_equal(evt_schema_syscalls_for_event("accept", idx, 1, &n), -ENOSPC);
	assert_int_equal(n, 2);
}

static void test_tracepoints(void **state)
{
	uint16_t idx[4];
	size_t n;
	int i;

	(void)state;
	assert_int_equal(evt_schema_tracepoint_count(), 7);
	i = evt_schema_tracepoint_for_event("procexit");
	assert_string_equal(evt_schema_tracepoint(i)->name, "sched_process_exit");
	assert_int_equal(evt_schema_tracepoint(i)->event, PPME_PROCEXIT_1_E);
	i = evt_schema_tracepoint_for_event("switch");
	assert_string_equal(evt_schema_tracepoint(i)->name, "sched_switch");
	i = evt_schema_tracepoint_for_event("signaldeliver");
	assert_string_equal(evt_schema_tracepoint(i)->name, "signal_deliver");
	i = evt_schema_tracepoint_for_event("execve");
	assert_string_equal(evt_schema_tracepoint(i)->name, "sched_process_exec");
	i = evt_schema_tracepoint_for_event("clone");
	assert_string_equal(evt_schema_tracepoint(i)->name, "sched_process_fork");

	assert_int_equal(evt_schema_tracepoints_for_event("page_fault", idx, ARRAY_SIZE(idx), &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(evt_schema_tracepoint(idx[0])->name, "page_fault_user");
	assert_string_equal(evt_schema_tracepoint(idx[1])->name, "page_fault_kernel");

	assert_int_equal(evt_schema_tracepoint_for_event("open"), -ENOENT);
	assert_int_equal(evt_schema_tracepoint_by_name("sched_switch"),
			 evt_schema_tracepoint_for_event("switch"));
	assert_int_equal(evt_schema_tracepoint_by_name("nope"), -ENOENT);
	assert_null(evt_schema_tracepoint(evt_schema_tracepoint_count()));
	for (size_t t = 0; t < evt_schema_tracepoint_count(); t++) {
		const struct evt_info *e = evt_schema_get(evt_schema_tracepoint(t)->event);

		assert_false(e->flags & (EVF_OLD | EVF_UNUSED));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_falco_numbering),
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_codes_by_name),
		cmocka_unit_test(test_evttype_codes),
		cmocka_unit_test(test_syscall_table),
		cmocka_unit_test(test_current_syscall_events_reachable),
		cmocka_unit_test(test_syscalls_for_event),
		cmocka_unit_test(test_tracepoints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
