/* test_async_queue: the queue async events wait in (runtime/async_queue.c):
 * taken in time order whatever the order they came in, events of one time
 * in their order of arrival, an unstamped event first and stamped when
 * taken, nothing taken before its time, a full queue dropping and
 * counting, and pushes from several threads at once all arriving. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bpf/shared/ppm_hdr.h"
#include "runtime/async_queue.h"
#include "runtime/base/mem.h"

/* A record of 30 bytes: header and a 4-byte tag. */
static void *rec(uint64_t ts, uint32_t tag)
{
	uint8_t *r = mem_calloc(1, PPM_HDR_LEN + 4);
	struct ppm_hdr h = { .ts = ts, .len = PPM_HDR_LEN + 4, .type = 402 };

	memcpy(r, &h, PPM_HDR_LEN);
	memcpy(r + PPM_HDR_LEN, &tag, 4);
	return r;
}

static uint32_t pop(struct async_queue *q, uint64_t until, uint64_t now, uint64_t *ts)
{
	uint32_t len, tag;
	uint8_t *r = async_queue_pop(q, until, now, &len);

	if (!r)
		return UINT32_MAX;
	assert_int_equal(len, PPM_HDR_LEN + 4);
	memcpy(ts, r, 8);
	memcpy(&tag, r + PPM_HDR_LEN, 4);
	mem_free(r);
	return tag;
}

static void test_order(void **unused)
{
	struct async_queue *q;
	uint64_t ts, pushed, dropped;
	(void)unused;

	assert_int_equal(async_queue__new(8, &q), 0);
	assert_int_equal(async_queue_push(q, rec(300, 1), PPM_HDR_LEN + 4), 0);
	assert_int_equal(async_queue_push(q, rec(100, 2), PPM_HDR_LEN + 4), 0);
	assert_int_equal(async_queue_push(q, rec(300, 3), PPM_HDR_LEN + 4), 0);
	assert_int_equal(async_queue_push(q, rec(UINT64_MAX, 4), PPM_HDR_LEN + 4), 0);
	assert_int_equal(async_queue_push(q, rec(200, 5), PPM_HDR_LEN + 4), 0);
	assert_int_equal(async_queue_len(q), 5);
	/* the unstamped one first, stamped with now */
	assert_int_equal(pop(q, 50, 777, &ts), 4);
	assert_int_equal(ts, 777);
	assert_int_equal(pop(q, 50, 777, &ts), UINT32_MAX);	/* nothing due yet */
	assert_int_equal(pop(q, 250, 0, &ts), 2);
	assert_int_equal(pop(q, 250, 0, &ts), 5);
	assert_int_equal(pop(q, 250, 0, &ts), UINT32_MAX);
	assert_int_equal(pop(q, UINT64_MAX, 0, &ts), 1);	/* ties: arrival order */
	assert_int_equal(pop(q, UINT64_MAX, 0, &ts), 3);
	assert_int_equal(async_queue_len(q), 0);
	for (uint32_t i = 0; i < 10; i++)
		async_queue_push(q, rec(i, i), PPM_HDR_LEN + 4);
	async_queue_counts(q, &pushed, &dropped);
	assert_int_equal(pushed, 5 + 8);
	assert_int_equal(dropped, 2);
	assert_int_equal(async_queue_push(q, rec(1, 1), 10), -EINVAL);
	async_queue__free(q);	/* frees what is still queued */
}

static void *pusher(void *arg)
{
	struct async_queue *q = arg;

	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(async_queue_push(q, rec(1000 + i, i), PPM_HDR_LEN + 4), 0);
	return NULL;
}

static void test_threads(void **unused)
{
	struct async_queue *q;
	pthread_t th[4];
	uint64_t ts, last = 0;
	size_t n = 0;
	(void)unused;

	assert_int_equal(async_queue__new(4000, &q), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, pusher, q), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	while (pop(q, UINT64_MAX, 0, &ts) != UINT32_MAX) {
		assert_true(ts >= last);
		last = ts;
		n++;
	}
	assert_int_equal(n, 4000);
	async_queue__free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
