/* The single-producer single-consumer pointer queue (see spsc.h): the
 * producer publishes a slot with a release store of the tail, the consumer
 * frees one with a release store of the head; each reads the other's
 * counter with acquire. */
#include "runtime/base/spsc.h"

#include <errno.h>

#include "runtime/base/mem.h"

int spsc__init(struct spsc *q, size_t cap)
{
	size_t n = 2;

	while (n < cap)
		n <<= 1;
	q->slots = mem_calloc(n, sizeof(*q->slots));
	if (!q->slots)
		return -ENOMEM;
	q->mask = n - 1;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	return 0;
}

void spsc__release(struct spsc *q)
{
	mem_free(q->slots);
	q->slots = NULL;
}

bool spsc__push(struct spsc *q, void *p)
{
	size_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (t - atomic_load_explicit(&q->head, memory_order_acquire) > q->mask)
		return false;
	q->slots[t & q->mask] = p;
	atomic_store_explicit(&q->tail, t + 1, memory_order_release);
	return true;
}

void *spsc__pop(struct spsc *q)
{
	size_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
	void *p;

	if (h == atomic_load_explicit(&q->tail, memory_order_acquire))
		return NULL;
	p = q->slots[h & q->mask];
	atomic_store_explicit(&q->head, h + 1, memory_order_release);
	return p;
}

bool spsc__empty(struct spsc *q)
{
	return atomic_load_explicit(&q->head, memory_order_acquire) ==
	       atomic_load_explicit(&q->tail, memory_order_acquire);
}
