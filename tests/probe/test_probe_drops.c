/* Drops under stress, in the real kernel: the probe gets small rings and
 * nobody reads them while one thread per CPU opens and closes files as
 * fast as it can, so the rings fill. Then the probe is detached and the
 * rings drained: per CPU, every event the probe built is either in its
 * ring or counted as dropped (seen = sent + dropped), what the rings held
 * is exactly what was counted as sent, and the drops are there to see.
 * Needs root; skipped otherwise. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/base/evt_schema.h"
#include "runtime/probe.h"
#include "runtime/ring_src.h"

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
	struct probe_opts po = { .sz = sizeof(po), .ring_bytes = 1u << 16 };
	struct probe *p = NULL;
	struct ring_src *rs = NULL;
	struct probe_stats all, cs;
	uint64_t *got;
	pthread_t th[2];
	char err[512];
	bool *on;
	int *fds, n, ncpu;
	const void *rec;
	uint32_t len;
	uint16_t cpu;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(probe__open(&po, &p, err, sizeof(err)), 0);
	n = probe__ncpus(p);
	on = calloc(evt_schema_syscall_count(), sizeof(*on));
	on[evt_schema_syscall_by_name("openat")] = true;
	on[evt_schema_syscall_by_name("close")] = true;
	probe__set_syscalls(p, on);
	assert_int_equal(probe__attach(p, err, sizeof(err)), 0);

	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	for (int i = 0; i < ncpu; i++)
		assert_int_equal(pthread_create(&th[i], NULL, storm, (void *)(intptr_t)i), 0);
	for (int i = 0; i < ncpu; i++)
		pthread_join(th[i], NULL);
	probe__detach(p);

	fds = calloc((size_t)n, sizeof(*fds));
	got = calloc((size_t)n, sizeof(*got));
	for (int c = 0; c < n; c++)
		fds[c] = probe__ring_fd(p, c);
	assert_int_equal(ring_src__open(fds, n, probe__ring_bytes(p), &rs), 0);
	while ((rec = ring_src__next(rs, &len, &cpu)) != NULL)
		got[cpu]++;

	probe__stats(p, -1, &all);
	assert_true(all.seen >= (uint64_t)ncpu * PAIRS * 2);
	assert_true(all.drop_full > 0);
	assert_int_equal(all.seen, all.sent + all.drop_full + all.drop_big);
	for (int c = 0; c < n; c++) {
		probe__stats(p, c, &cs);
		assert_int_equal(cs.seen, cs.sent + cs.drop_full + cs.drop_big);
		assert_int_equal(got[c], cs.sent);
	}
	ring_src__free(rs);
	probe__free(p);
	free(on);
	free(fds);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters_add_up_under_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
