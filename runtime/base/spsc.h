/* A bounded lock-free queue of pointers between exactly one producer
 * thread and one consumer thread (a ring of slots indexed by two counters,
 * each written by one side only). Neither side ever waits: push fails when
 * the ring is full, pop when it is empty. Prefix spsc_ (methods spsc__). */
#pragma once
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct spsc {
	_Atomic size_t head;	/* next slot to pop: written by the consumer */
	char pad1[64 - sizeof(size_t)];
	_Atomic size_t tail;	/* next slot to fill: written by the producer */
	char pad2[64 - sizeof(size_t)];
	size_t mask;
	void **slots;
};

/* A queue of cap slots (rounded up to a power of two). 0 or -ENOMEM. */
int spsc__init(struct spsc *q, size_t cap);
/* Frees the slots (not what they point to). */
void spsc__release(struct spsc *q);

/* Producer side: false when full. */
bool spsc__push(struct spsc *q, void *p);
/* Consumer side: NULL when empty. */
void *spsc__pop(struct spsc *q);
/* Either side: whether anything is queued right now. */
bool spsc__empty(struct spsc *q);
