/* alert_queue with real threads: it holds exactly its capacity and says
 * full past it; two producers pushing 200000 items each while one
 * consumer pops (and sleeps when it runs dry) lose nothing, duplicate
 * nothing and keep each producer's order; a sleeping consumer is woken by
 * a push and by alert_queue__wake. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/alert_queue.h"

#define ITEMS 200000

static void exact_capacity(void **state)
{
	struct alert_queue *q;

	(void)state;
	assert_int_equal(alert_queue__new(0, &q), -EINVAL);
	assert_int_equal(alert_queue__new(5, &q), 0);
	for (uintptr_t i = 1; i <= 5; i++)
		assert_true(alert_queue__push(q, (void *)i));
	assert_false(alert_queue__push(q, (void *)6));
	assert_int_equal(alert_queue__len(q), 5);
	assert_ptr_equal(alert_queue__pop(q), (void *)1);
	assert_true(alert_queue__push(q, (void *)6));
	for (uintptr_t i = 2; i <= 6; i++)
		assert_ptr_equal(alert_queue__pop(q), (void *)i);
	assert_null(alert_queue__pop(q));
	alert_queue__free(q);
}

struct producer {
	struct alert_queue *q;
	uintptr_t tag;
	uint64_t full;		/* pushes refused (retried) */
};

static void *produce(void *arg)
{
	struct producer *p = arg;

	for (uintptr_t i = 1; i <= ITEMS; i++) {
		while (!alert_queue__push(p->q, (void *)(p->tag << 32 | i)))
			p->full++;
	}
	return NULL;
}

static void two_producers_one_consumer(void **state)
{
	struct producer p[2];
	struct alert_queue *q;
	pthread_t th[2];
	uintptr_t next[2] = { 1, 1 };
	uint64_t got = 0;

	(void)state;
	assert_int_equal(alert_queue__new(1024, &q), 0);
	for (int i = 0; i < 2; i++) {
		p[i] = (struct producer){ .q = q, .tag = (uintptr_t)i + 1 };
		assert_int_equal(pthread_create(&th[i], NULL, produce, &p[i]), 0);
	}
	while (got < 2 * ITEMS) {
		uintptr_t v = (uintptr_t)alert_queue__pop(q);
		unsigned who;

		if (!v) {
			alert_queue__wait(q, 100);
			continue;
		}
		who = (unsigned)(v >> 32) - 1;
		assert_true(who < 2);
		assert_int_equal(v & 0xffffffffu, next[who]);
		next[who]++;
		got++;
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_null(alert_queue__pop(q));
	assert_int_equal(next[0], ITEMS + 1);
	assert_int_equal(next[1], ITEMS + 1);
	alert_queue__free(q);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *push_later(void *arg)
{
	usleep(300000);
	alert_queue__push(arg, (void *)1);
	return NULL;
}

static void *wake_later(void *arg)
{
	usleep(300000);
	alert_queue__wake(arg);
	return NULL;
}

/* Past its naps the consumer sleeps; a push or a wake ends the sleep long
 * before its 10 s limit. */
static void sleeping_consumer_is_woken(void **state)
{
	void *(*fns[2])(void *) = { push_later, wake_later };
	struct alert_queue *q;

	(void)state;
	assert_int_equal(alert_queue__new(4, &q), 0);
	for (int k = 0; k < 2; k++) {
		pthread_t th;
		double t0;

		for (int i = 0; i < 16; i++)
			alert_queue__wait(q, 0);	/* use up the naps */
		assert_int_equal(pthread_create(&th, NULL, fns[k], q), 0);
		t0 = now_s();
		while (now_s() - t0 < 0.25)
			alert_queue__wait(q, 1);
		alert_queue__wait(q, 10000);
		assert_true(now_s() - t0 < 5);
		pthread_join(th, NULL);
		alert_queue__pop(q);
	}
	alert_queue__free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_capacity),
		cmocka_unit_test(two_producers_one_consumer),
		cmocka_unit_test(sleeping_consumer_is_woken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
