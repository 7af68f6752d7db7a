/* The queue of asynchronous events (see async_queue.h): a binary min-heap
 * of copied records keyed by time, a sequence number breaking ties so that
 * events of the same time keep their order of arrival. */
#include "runtime/async_queue.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "bpf/shared/ppm_hdr.h"
#include "runtime/base/mem.h"

#define ASYNC_QUEUE_DEFAULT_CAP 4096

struct aq_item {
	uint64_t key;		/* the time; 0 for "as early as possible" */
	uint64_t seq;
	uint8_t *rec;
	uint32_t len;
};

struct async_queue {
	pthread_mutex_t mu;
	struct aq_item *heap;
	size_t n, cap;
	uint64_t seq;
	atomic_size_t count;
	_Atomic uint64_t pushed, dropped;
};

int async_queue__new(size_t cap, struct async_queue **out)
{
	struct async_queue *q = mem_calloc(1, sizeof(*q));

	*out = NULL;
	if (!q)
		return -ENOMEM;
	q->cap = cap ? cap : ASYNC_QUEUE_DEFAULT_CAP;
	q->heap = mem_calloc(q->cap, sizeof(*q->heap));
	if (!q->heap) {
		mem_free(q);
		return -ENOMEM;
	}
	pthread_mutex_init(&q->mu, NULL);
	*out = q;
	return 0;
}

void async_queue__free(struct async_queue *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++)
		mem_free(q->heap[i].rec);
	mem_free(q->heap);
	pthread_mutex_destroy(&q->mu);
	mem_free(q);
}

static bool before(const struct aq_item *a, const struct aq_item *b)
{
	return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static void swap(struct aq_item *a, struct aq_item *b)
{
	struct aq_item t = *a;

	*a = *b;
	*b = t;
}

int async_queue_push(struct async_queue *q, void *rec, uint32_t len)
{
	uint8_t *copy = rec;
	struct ppm_hdr h;
	size_t i;

	if (len < PPM_HDR_LEN) {
		mem_free(rec);
		return -EINVAL;
	}
	memcpy(&h, rec, PPM_HDR_LEN);
	pthread_mutex_lock(&q->mu);
	if (q->n == q->cap) {
		pthread_mutex_unlock(&q->mu);
		mem_free(copy);
		atomic_fetch_add(&q->dropped, 1);
		return -ENOSPC;
	}
	i = q->n++;
	q->heap[i] = (struct aq_item){ .key = h.ts == UINT64_MAX ? 0 : h.ts, .seq = q->seq++,
				       .rec = copy, .len = len };
	while (i && before(&q->heap[i], &q->heap[(i - 1) / 2])) {
		swap(&q->heap[i], &q->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	atomic_store_explicit(&q->count, q->n, memory_order_release);
	pthread_mutex_unlock(&q->mu);
	atomic_fetch_add(&q->pushed, 1);
	return 0;
}

size_t async_queue_len(const struct async_queue *q)
{
	return atomic_load_explicit(&q->count, memory_order_relaxed);
}

void *async_queue_pop(struct async_queue *q, uint64_t until, uint64_t now, uint32_t *len)
{
	struct aq_item top;
	size_t i = 0;

	pthread_mutex_lock(&q->mu);
	if (!q->n || q->heap[0].key > until) {
		pthread_mutex_unlock(&q->mu);
		return NULL;
	}
	top = q->heap[0];
	q->heap[0] = q->heap[--q->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < q->n && before(&q->heap[l], &q->heap[m]))
			m = l;
		if (r < q->n && before(&q->heap[r], &q->heap[m]))
			m = r;
		if (m == i)
			break;
		swap(&q->heap[i], &q->heap[m]);
		i = m;
	}
	atomic_store_explicit(&q->count, q->n, memory_order_release);
	pthread_mutex_unlock(&q->mu);
	if (!top.key)
		memcpy(top.rec, &now, sizeof(now));	/* ts is the header's first field */
	*len = top.len;
	return top.rec;
}

void async_queue_counts(const struct async_queue *q, uint64_t *pushed, uint64_t *dropped)
{
	*pushed = atomic_load((_Atomic uint64_t *)&q->pushed);
	*dropped = atomic_load((_Atomic uint64_t *)&q->dropped);
}
