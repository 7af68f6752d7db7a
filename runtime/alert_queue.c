/* alert_queue: the bounded many-producer, one-consumer ring and its
 * futex-based sleep. Each slot carries a sequence number: a producer that
 * claimed position p (compare-and-swap on the tail) writes its item and
 * publishes it by storing p + 1; the consumer at position p takes the slot
 * when it reads p + 1 and gives it back for the next lap by storing
 * p + size. The exact capacity is kept by a counter of items in flight. */
#include "runtime/alert_queue.h"

#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/base/mem.h"

/* Empty looks the consumer naps through (a millisecond each) before it
 * sleeps until woken: while alerts keep coming, producers never pay for a
 * wake-up, and an idle consumer costs nothing. */
#define QUEUE_NAPS 8
#define QUEUE_NAP_NS 1000000

struct slot {
	atomic_size_t seq;
	void *item;
};

struct alert_queue {
	size_t mask;			/* slots - 1, slots a power of two */
	uint32_t cap;
	_Alignas(64) atomic_size_t tail;	/* next position to push */
	_Alignas(64) atomic_size_t head;	/* next position to pop */
	_Alignas(64) atomic_uint count;		/* items pushed and not popped */
	_Alignas(64) atomic_uint wake_seq;	/* the futex word */
	atomic_int sleeping;			/* the consumer waits on wake_seq */
	unsigned naps;				/* the consumer's empty looks in a row */
	struct slot slots[];
};

int alert_queue__new(uint32_t capacity, struct alert_queue **out)
{
	struct alert_queue *q;
	size_t n = 2;

	if (!capacity)
		return -EINVAL;
	while (n < capacity)
		n <<= 1;
	q = mem_calloc(1, sizeof(*q) + n * sizeof(q->slots[0]));
	if (!q)
		return -ENOMEM;
	q->mask = n - 1;
	q->cap = capacity;
	for (size_t i = 0; i < n; i++)
		atomic_init(&q->slots[i].seq, i);
	*out = q;
	return 0;
}

void alert_queue__free(struct alert_queue *q)
{
	mem_free(q);
}

static void futex_wake(atomic_uint *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void alert_queue__wake(struct alert_queue *q)
{
	atomic_fetch_add(&q->wake_seq, 1);
	futex_wake(&q->wake_seq);
}

bool alert_queue__push(struct alert_queue *q, void *item)
{
	struct slot *s;
	size_t pos;

	if (atomic_fetch_add_explicit(&q->count, 1, memory_order_relaxed) >= q->cap) {
		atomic_fetch_sub_explicit(&q->count, 1, memory_order_relaxed);
		return false;
	}
	pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
	for (;;) {
		size_t seq;

		s = &q->slots[pos & q->mask];
		seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (seq == pos) {
			if (atomic_compare_exchange_weak_explicit(&q->tail, &pos, pos + 1,
								  memory_order_relaxed,
								  memory_order_relaxed))
				break;
		} else {
			/* another producer took pos (the count leaves room) */
			pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
		}
	}
	s->item = item;
	atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
	/* pairs with the fence in alert_queue__wait: either the consumer
	 * sees the item or this producer sees it sleeping */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&q->sleeping, memory_order_relaxed))
		alert_queue__wake(q);
	return true;
}

static struct slot *ready(const struct alert_queue *q, size_t *pos)
{
	struct slot *s;

	*pos = atomic_load_explicit(&q->head, memory_order_relaxed);
	s = (struct slot *)&q->slots[*pos & q->mask];
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != *pos + 1)
		return NULL;
	return s;
}

void *alert_queue__pop(struct alert_queue *q)
{
	size_t pos;
	struct slot *s = ready(q, &pos);
	void *item;

	if (!s)
		return NULL;
	item = s->item;
	q->naps = 0;
	atomic_store_explicit(&q->head, pos + 1, memory_order_relaxed);
	atomic_store_explicit(&s->seq, pos + q->mask + 1, memory_order_release);
	atomic_fetch_sub_explicit(&q->count, 1, memory_order_relaxed);
	return item;
}

uint32_t alert_queue__len(const struct alert_queue *q)
{
	return atomic_load_explicit(&q->count, memory_order_relaxed);
}

void alert_queue__wait(struct alert_queue *q, int timeout_ms)
{
	unsigned w = atomic_load(&q->wake_seq);
	struct timespec ts, *tp = NULL;
	size_t pos;

	if (ready(q, &pos))
		return;
	if (q->naps < QUEUE_NAPS && timeout_ms != 0) {
		struct timespec nap = { 0, QUEUE_NAP_NS };

		q->naps++;
		nanosleep(&nap, NULL);
		return;
	}
	atomic_store(&q->sleeping, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (!ready(q, &pos)) {
		if (timeout_ms >= 0) {
			ts.tv_sec = timeout_ms / 1000;
			ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
			tp = &ts;
		}
		syscall(SYS_futex, &q->wake_seq, FUTEX_WAIT_PRIVATE, w, tp, NULL, 0);
	}
	atomic_store(&q->sleeping, 0);
}
