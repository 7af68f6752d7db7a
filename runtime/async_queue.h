/* Asynchronous events waiting to enter an event stream: plugins push them
 * from their own threads (any number at once), the event loop takes them
 * in timestamp order, each before the first source event that is not
 * older. A bounded min-heap on the event time under a mutex, with the
 * count readable without the lock so the loop looks at an empty queue
 * for one load. An event whose time is UINT64_MAX (the plugin left it to
 * the owner) comes first and is stamped when taken. A full queue drops the
 * event and counts it. Prefix async_queue_ (methods async_queue__). */
#pragma once
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct async_queue;

/* Room for cap events (0: 4096, Falco's bound). 0 or -ENOMEM. */
int async_queue__new(size_t cap, struct async_queue **out);
/* Frees what is still queued. NULL is a no-op. */
void async_queue__free(struct async_queue *q);

/* Queues the event record rec (len bytes, a PPM record, mem_malloc'd: the
 * queue owns it from now on, and frees it on failure). 0; -ENOSPC when
 * full (counted in drops); -EINVAL for a record shorter than its header.
 * Any thread. */
int async_queue_push(struct async_queue *q, void *rec, uint32_t len);

/* How many wait (relaxed: a hint for the event loop). */
size_t async_queue_len(const struct async_queue *q);

/* The earliest event when its time is at or before until (UINT64_MAX:
 * any), stamped with now when it had none: an owned copy (mem_free) of len
 * bytes. NULL when none is due. */
void *async_queue_pop(struct async_queue *q, uint64_t until, uint64_t now, uint32_t *len);

/* Events pushed and dropped since the start. */
void async_queue_counts(const struct async_queue *q, uint64_t *pushed, uint64_t *dropped);
