/* The kernel module's faults, inside the kmod suite's VM (run by
 * vm_suite.sh with the module files in argv[1] and argv[2]: this build's
 * and one of another build id): saker loads the module itself and unloads
 * it again; without one it says so; it refuses a module of another build
 * (loaded before, or loaded by itself, which it then unloads); a second
 * reader is turned away; the kernel refuses to unload the module while
 * saker reads it and events keep coming; 32-bit syscalls are left out by
 * the module as by the probe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpf/shared/ppm_events.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/evt_source.h"

static const char *g_ko, *g_other;

static bool module_loaded(void)
{
	return access("/sys/module/saker", F_OK) == 0;
}

static int insmod(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	assert_true(fd >= 0);
	ret = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret ? -errno : 0;
}

static int rmmod(void)
{
	return syscall(SYS_delete_module, "saker", O_NONBLOCK) ? -errno : 0;
}

static int open_kmod(const char *path, struct evt_source **out, char *err, size_t errlen)
{
	struct evt_source_opts o = { .sz = sizeof(o), .path = path, .ring_bytes = 1u << 20 };

	return evt_source__open("kmod", &o, out, err, errlen);
}

static void all_syscalls(struct evt_source *s)
{
	bool *on = calloc(evt_schema_syscall_count(), sizeof(*on));

	for (size_t i = 0; i < evt_schema_syscall_count(); i++)
		on[i] = true;
	s->ops->set_syscalls(s, on);
	free(on);
}

/* Whether the source delivers an openat of path by this thread now. */
static bool sees_open(struct evt_source *s, const char *path)
{
	int64_t me = syscall(SYS_gettid);	/* once: reading must not make events */
	char err[256];
	struct evt e;
	bool seen = false;

	close(open(path, O_RDONLY));
	while (evt_source__next(s, &e, err, sizeof(err)) == EVT_SOURCE_EVENT) {
		const char *n;

		if (e.type == PPME_SYSCALL_OPENAT_2_X && e.tid == me &&
		    (n = evt_param_str(&e, 2)) && !strcmp(n, path))
			seen = true;
	}
	s->ops->release(s);
	return seen;
}

static void loads_and_unloads_itself(void **state)
{
	struct evt_source *s;
	char err[512];

	(void)state;
	assert_false(module_loaded());
	assert_int_equal(open_kmod(NULL, &s, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "not loaded"));
	printf("no module, no path: %s\n", err);
	assert_int_equal(open_kmod(g_ko, &s, err, sizeof(err)), 0);
	assert_true(module_loaded());
	all_syscalls(s);
	assert_int_equal(s->ops->start(s, err, sizeof(err)), 0);
	assert_true(sees_open(s, "/saker-fault-loaded"));
	evt_source__close(s);
	assert_false(module_loaded());
}

static void refuses_another_build(void **state)
{
	struct evt_source *s;
	char err[512];

	(void)state;
	/* loaded before saker */
	assert_int_equal(insmod(g_other), 0);
	assert_int_equal(open_kmod(g_ko, &s, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "another build"));
	printf("another build loaded: %s\n", err);
	assert_true(module_loaded());
	assert_int_equal(rmmod(), 0);
	/* loaded by saker itself: unloaded again */
	assert_int_equal(open_kmod(g_other, &s, err, sizeof(err)), -EPROTO);
	assert_false(module_loaded());
}

static void one_reader_and_no_unload_while_reading(void **state)
{
	struct evt_source *s, *s2;
	char err[512];
	int ret;

	(void)state;
	assert_int_equal(insmod(g_ko), 0);
	assert_int_equal(open_kmod(NULL, &s, err, sizeof(err)), 0);
	all_syscalls(s);
	assert_int_equal(s->ops->start(s, err, sizeof(err)), 0);
	assert_int_equal(open_kmod(NULL, &s2, err, sizeof(err)), -EBUSY);
	printf("second reader: %s\n", err);
	ret = rmmod();
	assert_true(ret == -EWOULDBLOCK || ret == -EBUSY);
	printf("unload while reading: %s\n", strerror(-ret));
	assert_true(module_loaded());
	assert_true(sees_open(s, "/saker-fault-still-reading"));
	evt_source__close(s);
	assert_int_equal(rmmod(), 0);
}

/* An i386 open (number 5, fstat's on x86_64) through int 0x80 from this
 * 64-bit process: a compat syscall, which the drivers leave out. Returns
 * the syscall's result. */
static long compat_open(const char *path)
{
#if defined(__x86_64__)
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			 -1, 0);
	long ret;

	assert_true(low != MAP_FAILED);
	snprintf(low, 4096, "%s", path);
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(5), "b"((long)low), "c"(0), "d"(0) : "memory");
	if (ret >= 0)
		close((int)ret);
	munmap(low, 4096);
	return ret;
#else
	(void)path;
	return -ENOSYS;
#endif
}

static void compat_syscalls_left_out(void **state)
{
	const char *kinds[] = { "kmod", "modern_ebpf" };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct evt_source_opts o = { .sz = sizeof(o), .path = g_ko, .ring_bytes = 1u << 20 };
		struct evt_source *s;
		char err[512];
		struct evt e;
		uint32_t mine = 0, bad = 0;
		int64_t me = syscall(SYS_gettid);	/* once: reading must not make events */
		long r;

		if (evt_source__open(kinds[k], &o, &s, err, sizeof(err)))
			fail_msg("%s: %s", kinds[k], err);
		close(open("/saker-compat-open", O_CREAT | O_RDONLY, 0600));
		all_syscalls(s);
		assert_int_equal(s->ops->start(s, err, sizeof(err)), 0);
		while (evt_source__next(s, &e, err, sizeof(err)) == EVT_SOURCE_EVENT)
			;
		s->ops->release(s);
		close(open("/saker-compat-before", O_RDONLY));
		r = compat_open("/saker-compat-open");
		close(open("/saker-compat-after", O_RDONLY));
		while (evt_source__next(s, &e, err, sizeof(err)) == EVT_SOURCE_EVENT) {
			if (e.tid != me)
				continue;
			mine++;
			/* nothing of the compat call: no fstat (its number's
			 * 64-bit syscall), no open of its path */
			if (e.type == PPME_SYSCALL_FSTAT_X || e.type == PPME_SYSCALL_OPEN_X)
				bad++;
			for (uint32_t i = 0; i < e.nparams; i++) {
				uint32_t len;
				const uint8_t *p = evt_param(&e, i, &len);

				if (p && len >= sizeof("/saker-compat-open") &&
				    memmem(p, len, "/saker-compat-open", sizeof("/saker-compat-open") - 1))
					bad++;
			}
		}
		printf("%s: i386 open returned %ld; %u events of this thread around it, %u of it\n",
		       kinds[k], r, mine, bad);
		assert_true(r >= 0);
		assert_true(mine >= 2);
		assert_int_equal(bad, 0);
		evt_source__close(s);
	}
	assert_false(module_loaded());
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_and_unloads_itself),
		cmocka_unit_test(refuses_another_build),
		cmocka_unit_test(one_reader_and_no_unload_while_reading),
		cmocka_unit_test(compat_syscalls_left_out),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: saker_kmod_faults SAKER_KO OTHER_BUILD_KO\n");
		return 2;
	}
	g_ko = argv[1];
	g_other = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
