/* A bounded lock-free queue of pointers between threads: any number of
 * producers, one consumer (a ring of slots stamped with sequence numbers,
 * so a push is one compare-and-swap and a pop one load and two stores).
 * A push never blocks: a full queue says so and the caller counts the
 * drop. The consumer naps while items keep coming and sleeps when they
 * stop; producers pay a system call only to wake a consumer that sleeps.
 * Prefix alert_queue_
 * (methods alert_queue__). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct alert_queue;

/* A queue that holds at most capacity items (>= 1). 0 or -ENOMEM. */
int alert_queue__new(uint32_t capacity, struct alert_queue **out);
/* Frees the queue (not the items it may still hold). */
void alert_queue__free(struct alert_queue *q);

/* Adds item at the tail and wakes the consumer if it sleeps; false when
 * the queue holds capacity items already. Any thread. */
bool alert_queue__push(struct alert_queue *q, void *item);
/* The item at the head, or NULL when empty. The consumer thread only. */
void *alert_queue__pop(struct alert_queue *q);
/* Items in the queue (a snapshot). */
uint32_t alert_queue__len(const struct alert_queue *q);

/* The consumer waits for an item: at once when there is one; a nap of a
 * millisecond for the first empty looks in a row; then a sleep until an
 * item is pushed, alert_queue__wake is called or timeout_ms passed (< 0:
 * no limit). Producers wake only a consumer that sleeps. */
void alert_queue__wait(struct alert_queue *q, int timeout_ms);
/* Wakes the consumer (any thread). */
void alert_queue__wake(struct alert_queue *q);
