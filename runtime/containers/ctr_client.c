/* The container lookup thread (see ctr_client.h): the runtimes, the
 * request and answer queues, the ids being looked up with their retry
 * times, and each runtime's backoff. */
#include "runtime/containers/ctr_client.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/spsc.h"
#include "runtime/containers/ctr_rt.h"
#include "state/ctr_meta.h"

#define QUEUE_LEN 1024		/* each queue's slots */
#define PENDING_MAX 4096	/* ids being looked up at once */
#define PARKED_MAX 1024		/* ids given up while a runtime was down */
#define TRIES 3			/* lookups of an id no runtime knows */
#define RETRY_NS 250000000ull	/* first wait before asking again, doubling */
#define BACKOFF_MAX_NS 30000000000ull
#define ABSENT_NS 5000000000ull	/* a socket that does not exist: look again after */
#define MS 1000000ull

struct pending {
	char id[72];
	uint32_t tries;
	uint64_t at_ns;		/* when to ask */
	bool blocked;		/* a runtime could not be asked */
};

struct ctr_client {
	struct spsc req, res;
	int efd;
	pthread_t th;
	bool started;
	atomic_bool stop;
	struct ctr_rt **rts;
	size_t nrts;
	struct pending *pend;	/* lookup thread only */
	size_t npend;
	char (*parked)[72];
	size_t nparked;
	void (*wake)(void *ctx);
	void *wake_ctx;
	struct {
		_Atomic uint64_t requests, requests_dropped, lookups, described, seeded, not_found,
			errors, timeouts, malformed, results_dropped;
	} st;
};

#define BUMP(c, f) atomic_fetch_add_explicit(&(c)->st.f, 1, memory_order_relaxed)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *rt_name(const struct ctr_rt *rt)
{
	return rt->ops->kind;
}

/* ---- runtime health ----------------------------------------------------- */

static void unpark(struct ctr_client *c);

static void rt_ok(struct ctr_client *c, struct ctr_rt *rt)
{
	if (rt->last_err) {
		log_info("containers: %s (%s) answers again", rt_name(rt), rt->socket);
		unpark(c);
	}
	rt->fails = 0;
	rt->retry_ns = 0;
	rt->last_err = 0;
	rt->answered = true;
}

static void rt_failed(struct ctr_client *c, struct ctr_rt *rt, int err, const char *msg)
{
	uint32_t shift = rt->fails < 7 ? rt->fails : 7;
	uint64_t delay = RETRY_NS << shift;

	if (err == -EPROTONOSUPPORT || err == -ELIBACC) {
		if (err == -ELIBACC)
			log_warn("containers: %s (%s): %s; not asked", rt_name(rt), rt->socket, msg);
		else
			log_warn("containers: %s (%s) does not speak the %s API (%s); not asked again",
				 rt_name(rt), rt->socket, rt_name(rt), msg);
		rt->retry_ns = UINT64_MAX;
		rt->last_err = err;
		return;
	}
	rt->fails++;
	rt->retry_ns = now_ns() + (delay < BACKOFF_MAX_NS ? delay : BACKOFF_MAX_NS);
	BUMP(c, errors);
	if (err == -ETIMEDOUT)
		BUMP(c, timeouts);
	if (err == -EBADMSG)
		BUMP(c, malformed);
	if (!rt->last_err)
		log_warn("containers: %s (%s): %s; asked again with backoff, its containers "
			 "read their id only meanwhile", rt_name(rt), rt->socket, msg);
	rt->last_err = err;
}

/* Whether rt may be asked now: not in backoff, and its socket exists. A
 * socket never seen is a runtime not installed or not started: left alone
 * quietly; one that answered before and is gone is an outage. */
static bool rt_available(struct ctr_client *c, struct ctr_rt *rt, uint64_t now)
{
	struct stat sb;
	char msg[300];

	if (now < rt->retry_ns)
		return false;
	if (stat(rt->socket, &sb) || !S_ISSOCK(sb.st_mode)) {
		if (rt->answered && !rt->last_err) {
			snprintf(msg, sizeof(msg), "nothing listens on %s (it is gone)", rt->socket);
			rt_failed(c, rt, -EHOSTDOWN, msg);
		}
		rt->retry_ns = now + ABSENT_NS;
		return false;
	}
	return true;
}

/* ---- answers ------------------------------------------------------------ */

/* Queues m for the event thread, waiting while the queue is full (this
 * thread may wait; the event thread drains it between events). */
static int give(struct ctr_client *c, struct ctr_meta *m)
{
	while (!spsc__push(&c->res, m)) {
		struct timespec ts = { 0, 1000000 };

		if (atomic_load(&c->stop)) {
			BUMP(c, results_dropped);
			ctr_meta__free(m);
			return -ECANCELED;
		}
		if (c->wake)
			c->wake(c->wake_ctx);
		nanosleep(&ts, NULL);
	}
	BUMP(c, described);
	if (c->wake)
		c->wake(c->wake_ctx);
	return 0;
}

static int give_seed(void *ctx, struct ctr_meta *m)
{
	struct ctr_client *c = ctx;

	ctr_meta__finish(m);
	BUMP(c, seeded);
	return give(c, m);
}

static void seed(struct ctr_client *c)
{
	char err[512];

	for (size_t i = 0; i < c->nrts && !atomic_load(&c->stop); i++) {
		struct ctr_rt *rt = c->rts[i];
		int r;

		if (!rt_available(c, rt, now_ns()))
			continue;
		BUMP(c, lookups);
		r = rt->ops->list(rt, give_seed, c, err, sizeof(err));
		if (!r)
			rt_ok(c, rt);
		else if (r != -ECANCELED)
			rt_failed(c, rt, r, err);
	}
}

/* ---- lookups ------------------------------------------------------------ */

static void add_pending(struct ctr_client *c, const char *id, uint64_t at)
{
	for (size_t i = 0; i < c->npend; i++)
		if (!strcmp(c->pend[i].id, id))
			return;
	if (c->npend >= PENDING_MAX || strlen(id) >= sizeof(c->pend[0].id)) {
		BUMP(c, requests_dropped);
		return;
	}
	snprintf(c->pend[c->npend].id, sizeof(c->pend[0].id), "%s", id);
	c->pend[c->npend].tries = 0;
	c->pend[c->npend].at_ns = at;
	c->npend++;
}

static void unpark(struct ctr_client *c)
{
	uint64_t now = now_ns();

	for (size_t i = 0; i < c->nparked; i++)
		add_pending(c, c->parked[i], now);
	c->nparked = 0;
}

/* Asks the runtimes about p: true when p is done with (described or given
 * up). */
static bool lookup(struct ctr_client *c, struct pending *p)
{
	uint64_t now = now_ns();
	struct ctr_meta *m;
	char err[512];

	p->blocked = false;
	for (size_t i = 0; i < c->nrts && !atomic_load(&c->stop); i++) {
		struct ctr_rt *rt = c->rts[i];
		int r;

		if (!rt_available(c, rt, now)) {
			p->blocked |= rt->last_err != 0;
			continue;
		}
		BUMP(c, lookups);
		r = rt->ops->inspect(rt, p->id, &m, err, sizeof(err));
		if (!r) {
			rt_ok(c, rt);
			ctr_meta__set(m, &m->id, p->id, (size_t)-1);
			ctr_meta__finish(m);
			give(c, m);
			return true;
		}
		if (r == -ENOENT) {
			rt_ok(c, rt);
			continue;
		}
		rt_failed(c, rt, r, err);
		p->blocked = true;
	}
	if (++p->tries < TRIES) {
		p->at_ns = now_ns() + (RETRY_NS << (p->tries - 1));
		return false;
	}
	BUMP(c, not_found);
	if (p->blocked && c->nparked < PARKED_MAX)
		memcpy(c->parked[c->nparked++], p->id, sizeof(p->id));
	return true;
}

static void take_requests(struct ctr_client *c)
{
	uint64_t now = now_ns(), v;
	char *id;

	if (read(c->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_debug("containers: eventfd: %s", strerror(errno));
	while ((id = spsc__pop(&c->req))) {
		add_pending(c, id, now);
		mem_free(id);
	}
}

static void *run(void *arg)
{
	struct ctr_client *c = arg;

	seed(c);
	while (!atomic_load(&c->stop)) {
		uint64_t now = now_ns(), next = now + 1000 * MS;
		struct pollfd pfd = { .fd = c->efd, .events = POLLIN };

		for (size_t i = 0; i < c->npend; i++)
			if (c->pend[i].at_ns < next)
				next = c->pend[i].at_ns;
		if (next > now)
			poll(&pfd, 1, (int)((next - now) / MS) + 1);
		take_requests(c);
		now = now_ns();
		for (size_t i = 0; i < c->npend && !atomic_load(&c->stop);) {
			if (c->pend[i].at_ns <= now && lookup(c, &c->pend[i]))
				c->pend[i] = c->pend[--c->npend];
			else
				i++;
		}
	}
	return NULL;
}

/* ---- the event thread's side -------------------------------------------- */

bool ctr_client__request(struct ctr_client *c, const char *id)
{
	uint64_t one = 1;
	char *copy = mem_strdup(id);

	BUMP(c, requests);
	if (!copy || !spsc__push(&c->req, copy)) {
		mem_free(copy);
		BUMP(c, requests_dropped);
		return false;
	}
	if (write(c->efd, &one, sizeof(one)) < 0)
		log_debug("containers: eventfd: %s", strerror(errno));
	return true;
}

struct ctr_meta *ctr_client__take(struct ctr_client *c)
{
	return spsc__pop(&c->res);
}

bool ctr_client__ready(struct ctr_client *c)
{
	return !spsc__empty(&c->res);
}

void ctr_client__stats(const struct ctr_client *c, struct ctr_client_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
#define LOAD(f) out->f = atomic_load_explicit(&c->st.f, memory_order_relaxed)
	LOAD(requests);
	LOAD(requests_dropped);
	LOAD(lookups);
	LOAD(described);
	LOAD(seeded);
	LOAD(not_found);
	LOAD(errors);
	LOAD(timeouts);
	LOAD(malformed);
	LOAD(results_dropped);
#undef LOAD
}

/* ---- life --------------------------------------------------------------- */

static int add_rts(struct ctr_client *c, const char *const *socks, size_t n, int kind, long to)
{
	for (size_t i = 0; i < n; i++) {
		struct ctr_rt *rt = NULL;
		int err = kind == CTR_TYPE_CONTAINERD ? containerd_rt__new(socks[i], to, &rt)
						      : docker_rt__new(socks[i], (uint8_t)kind, to, &rt);

		if (err)
			return err;
		c->rts[c->nrts++] = rt;
	}
	return 0;
}

void ctr_client__free(struct ctr_client *c)
{
	struct ctr_meta *m;
	char *id;

	if (!c)
		return;
	if (c->started) {
		uint64_t one = 1;

		atomic_store(&c->stop, true);
		if (write(c->efd, &one, sizeof(one)) < 0)
			log_debug("containers: eventfd: %s", strerror(errno));
		pthread_join(c->th, NULL);
	}
	while (c->req.slots && (id = spsc__pop(&c->req)))
		mem_free(id);
	while (c->res.slots && (m = spsc__pop(&c->res)))
		ctr_meta__free(m);
	spsc__release(&c->req);
	spsc__release(&c->res);
	for (size_t i = 0; i < c->nrts; i++)
		ctr_rt__free(c->rts[i]);
	mem_free(c->rts);
	mem_free(c->pend);
	mem_free(c->parked);
	if (c->efd >= 0)
		close(c->efd);
	mem_free(c);
}

int ctr_client__start(const struct ctr_client_opts *o, struct ctr_client **out)
{
	size_t n = o->ndocker + o->npodman + o->ncontainerd;
	long to = o->timeout_ms > 0 ? o->timeout_ms : 1000;
	struct ctr_client *c;
	int err;

	*out = NULL;
	if (!n)
		return 0;
	c = mem_calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->wake = o->wake;
	c->wake_ctx = o->wake_ctx;
	c->rts = mem_calloc(n, sizeof(*c->rts));
	c->pend = mem_calloc(PENDING_MAX, sizeof(*c->pend));
	c->parked = mem_calloc(PARKED_MAX, sizeof(*c->parked));
	err = c->efd < 0 ? -errno : 0;
	if (!err && (!c->rts || !c->pend || !c->parked))
		err = -ENOMEM;
	err = err ?: spsc__init(&c->req, QUEUE_LEN);
	err = err ?: spsc__init(&c->res, QUEUE_LEN);
	/* the order of asking: docker, podman, containerd */
	err = err ?: add_rts(c, o->docker, o->ndocker, CTR_TYPE_DOCKER, to);
	err = err ?: add_rts(c, o->podman, o->npodman, CTR_TYPE_PODMAN, to);
	err = err ?: add_rts(c, o->containerd, o->ncontainerd, CTR_TYPE_CONTAINERD, to);
	if (!err) {
		err = -pthread_create(&c->th, NULL, run, c);
		c->started = !err;
	}
	if (err) {
		ctr_client__free(c);
		return err;
	}
	*out = c;
	return 0;
}
