/* The container lookup thread: asks the configured runtimes (Docker Engine
 * API for docker and podman, containerd's gRPC API) what they know of the
 * containers the event thread meets, and hands the descriptions back.
 * The event thread and the lookup thread share two bounded lock-free
 * queues and nothing else: ids go one way (ctr_client__request), finished
 * container records the other (ctr_client__take). The event thread never
 * waits; the lookup thread alone waits for runtimes, each bounded by its
 * timeout. At start the lookup thread describes every container the
 * runtimes already run. A runtime that is absent, down, slow or answers
 * garbage is left alone for a backoff that doubles with each failure (up
 * to 30 s), counted, and logged once per outage (and when it answers
 * again). An id that no runtime knows is asked again twice (a container
 * may be seen before its runtime has recorded it), then given up.
 * Prefix ctr_client_ (methods ctr_client__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctr_meta;

struct ctr_client_opts {
	size_t sz;
	const char *const *docker;	/* Docker Engine API sockets (docker) */
	size_t ndocker;
	const char *const *podman;	/* podman's Docker-compatible sockets */
	size_t npodman;
	const char *const *containerd;	/* containerd sockets */
	size_t ncontainerd;
	long timeout_ms;		/* per request to a runtime (default 1000) */
	/* Called on the lookup thread after it queued descriptions (wakes the
	 * event loop); must not block. */
	void (*wake)(void *ctx);
	void *wake_ctx;
};

/* Counters, all since the start; read from any thread. */
struct ctr_client_stats {
	uint64_t requests;	/* ids asked by the event thread */
	uint64_t requests_dropped;	/* refused: the request queue was full */
	uint64_t lookups;	/* questions to runtimes */
	uint64_t described;	/* containers described (seeding included) */
	uint64_t seeded;	/* of which at start */
	uint64_t not_found;	/* ids no runtime knew, given up */
	uint64_t errors;	/* runtime failures: down, timeouts, garbage */
	uint64_t timeouts;	/* of which no answer in time */
	uint64_t malformed;	/* of which answers that are not the API's */
	uint64_t results_dropped;	/* descriptions lost to a full answer queue */
};

struct ctr_client;

/* Makes the runtimes (none: nothing to do, *out NULL and 0) and starts the
 * lookup thread. 0 or -errno. */
int ctr_client__start(const struct ctr_client_opts *o, struct ctr_client **out);
/* Stops the thread (waiting at most for the request it is in) and frees
 * everything, the descriptions not taken included. NULL is a no-op. */
void ctr_client__free(struct ctr_client *c);

/* Event thread: asks for container id; false when the queue is full (ask
 * again later). Lock-free, never waits. */
bool ctr_client__request(struct ctr_client *c, const char *id);
/* Event thread: the next finished description (the caller's), or NULL. */
struct ctr_meta *ctr_client__take(struct ctr_client *c);
/* Whether descriptions are waiting. */
bool ctr_client__ready(struct ctr_client *c);

void ctr_client__stats(const struct ctr_client *c, struct ctr_client_stats *out);
