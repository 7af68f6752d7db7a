/* Drops under stress, in the real kernel: the probe gets small rings and
 * nobody reads them while one thread per CPU opens and closes files as
 * fast as it can, so the rings fill. Then the probe is detached and the
 * rings drained: per CPU, every event the probe built is either in its
 * ring or counted as dropped (seen = sent + dropped), what the rings held
 * is exactly what was counted as sent, and the drops are there to see,
 * counted by kind as Falco's drivers count them.
 * Needs root; skipped otherwise. SAKER_TEST_DRIVER=kmod runs it on the
 * kernel module (SAKER_TEST_KMOD: a saker.ko to load when none is). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/evt_source.h"

#define PAIRS 50000

static void *storm(void *arg)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)(intptr_t)arg, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	for (int i = 0; i < PAIRS; i++)
		close(open("/dev/null", O_RDONLY));
	return NULL;
}

static void counters_add_up_under_stress(void **state)
{
	const char *kind = getenv("SAKER_TEST_DRIVER");
	struct evt_source_opts o = { .sz = sizeof(o), .ring_bytes = 1u << 16,
				     .path = getenv("SAKER_TEST_KMOD") };
	struct evt_source *src = NULL;
	struct evt_source_stats all, cs;
	uint64_t *got;
	pthread_t th[2];
	char err[512];
	bool *on;
	int n, ncpu;
	struct evt e;

	(void)state;
	if (geteuid() != 0)
		skip();
	if (evt_source__open(kind ? kind : "modern_ebpf", &o, &src, err, sizeof(err)))
		fail_msg("%s", err);
	n = src->ncpus;
	on = calloc(evt_schema_syscall_count(), sizeof(*on));
	on[evt_schema_syscall_by_name("openat")] = true;
	on[evt_schema_syscall_by_name("close")] = true;
	src->ops->set_syscalls(src, on);
	assert_int_equal(src->ops->start(src, err, sizeof(err)), 0);

	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	for (int i = 0; i < ncpu; i++)
		assert_int_equal(pthread_create(&th[i], NULL, storm, (void *)(intptr_t)i), 0);
	for (int i = 0; i < ncpu; i++)
		pthread_join(th[i], NULL);
	src->ops->stop(src);

	got = calloc((size_t)n, sizeof(*got));
	while (evt_source__next(src, &e, err, sizeof(err)) == EVT_SOURCE_EVENT)
		got[e.cpu]++;

	src->ops->stats(src, -1, &all);
	assert_true(all.seen >= (uint64_t)ncpu * PAIRS * 2);
	assert_true(all.drop_full > 0);
	assert_int_equal(all.seen, all.sent + all.drop_full + all.drop_big);
	/* the drops by kind: the storm's events are of two kinds, and every
	 * kind's count is part of the full-ring total */
	{
		uint64_t kinds = 0;

		for (int k = 0; k < DROP_KIND_MAX; k++)
			kinds += all.drop_kind[k];
		assert_true(all.drop_kind[DROP_KIND_OPEN_EXIT] > 0);
		assert_true(all.drop_kind[DROP_KIND_CLOSE_EXIT] > 0);
		assert_true(kinds <= all.drop_full);
		printf("dropped by kind: open_exit %llu, close_exit %llu, others %llu\n",
		       (unsigned long long)all.drop_kind[DROP_KIND_OPEN_EXIT],
		       (unsigned long long)all.drop_kind[DROP_KIND_CLOSE_EXIT],
		       (unsigned long long)(all.drop_full - all.drop_kind[DROP_KIND_OPEN_EXIT] -
					    all.drop_kind[DROP_KIND_CLOSE_EXIT]));
	}
	for (int c = 0; c < n; c++) {
		uint64_t kinds = 0;

		src->ops->stats(src, c, &cs);
		for (int k = 0; k < DROP_KIND_MAX; k++)
			kinds += cs.drop_kind[k];
		assert_true(kinds <= cs.drop_full);
		assert_int_equal(cs.seen, cs.sent + cs.drop_full + cs.drop_big);
		assert_int_equal(got[c], cs.sent);
	}
	printf("seen %llu, sent %llu, dropped %llu (ring full) on %d CPUs\n",
	       (unsigned long long)all.seen, (unsigned long long)all.sent,
	       (unsigned long long)all.drop_full, ncpu);
	evt_source__close(src);
	free(on);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters_add_up_under_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
