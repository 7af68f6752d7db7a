/* dns_names (see dns_names.h). Each name's addresses sit in fixed arrays
 * behind a sequence counter: the resolver thread writes them (the counter
 * odd while it does), readers copy them and try again if the counter
 * moved. Names are only added (under a mutex, by whatever thread compiles
 * rules), never removed, so a name's text stays where it is; a hash of the
 * names (written before a name is published) finds one without a lock.
 * The thread resolves the names not yet resolved all at once
 * (getaddrinfo_a: a name whose server never answers holds up none of the
 * others), then each again on its own schedule. */
#define _GNU_SOURCE
#include "runtime/dns_names.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <xxhash.h>

#include "compiler/irop_rt.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

#define ADDRS 16			/* addresses of each family kept per name */
#define PERIOD_MIN_NS (10ull * 1000000000ull)
#define PERIOD_MAX_NS (320ull * 1000000000ull)
#define POLL_NS (5 * 1000000L)		/* first answers looked for every 5 ms */
#define SLOTS (DNS_NAMES_MAX * 2)	/* the hash's slots: a power of two */

struct addrs {
	uint8_t n4, n6;
	uint8_t v4[ADDRS][4];
	uint8_t v6[ADDRS][16];
};

struct entry {
	char name[256];
	atomic_uint seq;		/* odd while the resolver writes a */
	struct addrs a;
	atomic_bool resolved;		/* resolved once (found or not) */
	uint64_t next_ns, period_ns;	/* the resolver's alone */
};

static struct entry *tab;
static _Atomic uint16_t *slots;		/* entry index + 1 by hash, 0: free */
static atomic_uint ntab;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;	/* names added */
static atomic_uint_fast64_t patience_ns;	/* left to wait for first answers */
static bool started;
static atomic_uint_fast64_t refused;	/* names beyond DNS_NAMES_MAX */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void take_addrs(const struct addrinfo *res, struct addrs *out)
{
	memset(out, 0, sizeof(*out));
	for (const struct addrinfo *p = res; p; p = p->ai_next) {
		if (p->ai_family == AF_INET && out->n4 < ADDRS)
			memcpy(out->v4[out->n4++], &((struct sockaddr_in *)p->ai_addr)->sin_addr, 4);
		else if (p->ai_family == AF_INET6 && out->n6 < ADDRS)
			memcpy(out->v6[out->n6++], &((struct sockaddr_in6 *)p->ai_addr)->sin6_addr, 16);
	}
}

/* A consistent copy of e's addresses. */
static void read_addrs(struct entry *e, struct addrs *out)
{
	unsigned s;

	do {
		while ((s = atomic_load_explicit(&e->seq, memory_order_acquire)) & 1)
			;
		memcpy(out, &e->a, sizeof(*out));
		atomic_thread_fence(memory_order_acquire);
	} while (atomic_load_explicit(&e->seq, memory_order_relaxed) != s);
}

/* Puts a as e's addresses; whether they changed. */
static bool store(struct entry *e, const struct addrs *a)
{
	bool changed = memcmp(a, &e->a, sizeof(*a)) != 0;

	if (changed) {
		atomic_fetch_add_explicit(&e->seq, 1, memory_order_acq_rel);
		memcpy(&e->a, a, sizeof(*a));
		atomic_fetch_add_explicit(&e->seq, 1, memory_order_release);
	}
	return changed;
}

/* Resolves the entries [from, to) together, each for the first time,
 * each published as soon as its answer comes. */
static void resolve_new(uint32_t from, uint32_t to)
{
	static const struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	uint32_t n = to - from, left = n;
	struct gaicb *cb = mem_calloc(n, sizeof(*cb));
	struct gaicb **list = mem_calloc(n, sizeof(*list));
	bool asked;

	for (uint32_t i = 0; cb && list && i < n; i++) {
		cb[i].ar_name = tab[from + i].name;
		cb[i].ar_request = &hints;
		list[i] = &cb[i];
	}
	asked = cb && list && !getaddrinfo_a(GAI_NOWAIT, list, (int)n, NULL);
	if (!asked)
		log_warn("fd.*ip.name: %u names cannot be resolved now: %s", n, strerror(errno));
	while (left) {
		/* polled, not gai_suspend: glibc's worker sets a request's result
		 * before it wakes the waiters, so a gai_suspend that returns on
		 * another answer in between leaves its wait record (on its stack)
		 * in that request for the worker to signal after it returned */
		struct timespec ts = { 0, POLL_NS };

		if (asked)
			nanosleep(&ts, NULL);
		for (uint32_t i = 0; i < n; i++) {
			struct entry *e = &tab[from + i];
			struct addrs a = { 0 };

			if (asked && (!list[i] || gai_error(list[i]) == EAI_INPROGRESS))
				continue;
			if (asked && !gai_error(list[i]) && cb[i].ar_result) {
				take_addrs(cb[i].ar_result, &a);
				freeaddrinfo(cb[i].ar_result);
			}
			if (list)
				list[i] = NULL;
			store(e, &a);
			e->period_ns = PERIOD_MIN_NS;
			e->next_ns = now_ns() + e->period_ns;
			atomic_store_explicit(&e->resolved, true, memory_order_release);
			left--;
		}
		if (!asked)
			break;
	}
	mem_free(cb);
	mem_free(list);
}

/* Resolves e again; whether its addresses changed. */
static bool refresh(struct entry *e)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	struct addrs a = { 0 };

	if (!getaddrinfo(e->name, NULL, &hints, &res) && res) {
		take_addrs(res, &a);
		freeaddrinfo(res);
	}
	return store(e, &a);
}

static void *resolver_main(void *arg)
{
	uint32_t seen = 0;

	(void)arg;
	for (;;) {
		struct timespec ts;
		uint32_t n;
		uint64_t now;

		pthread_mutex_lock(&mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		while (atomic_load(&ntab) == seen &&
		       pthread_cond_timedwait(&wake, &mu, &ts) != ETIMEDOUT)
			;
		n = atomic_load(&ntab);
		pthread_mutex_unlock(&mu);
		if (n > seen) {
			resolve_new(seen, n);
			seen = n;
			continue;
		}
		now = now_ns();
		for (uint32_t i = 0; i < seen; i++) {
			struct entry *e = &tab[i];

			if (now < e->next_ns)
				continue;
			/* changed: every 10 s again; unchanged: ask less often */
			if (refresh(e))
				e->period_ns = PERIOD_MIN_NS;
			else if (e->period_ns < PERIOD_MAX_NS)
				e->period_ns *= 2;
			e->next_ns = now_ns() + e->period_ns;
		}
	}
	return NULL;
}

static uint32_t slot_of(const char *name)
{
	return (uint32_t)XXH3_64bits(name, strlen(name)) & (SLOTS - 1);
}

static struct entry *find(const char *name)
{
	if (!atomic_load_explicit(&ntab, memory_order_acquire))
		return NULL;	/* before the first name, slots may be in the making */
	for (uint32_t s = slot_of(name);; s = (s + 1) & (SLOTS - 1)) {
		uint16_t v = atomic_load_explicit(&slots[s], memory_order_acquire);

		if (!v)
			return NULL;
		if (!strcmp(tab[v - 1].name, name))
			return &tab[v - 1];
	}
}

static void add(const char *name)
{
	uint32_t n, s;

	if (strlen(name) >= sizeof(tab->name))
		return;	/* longer than a domain name can be */
	pthread_mutex_lock(&mu);
	if (!tab) {
		tab = mem_calloc(DNS_NAMES_MAX, sizeof(*tab));
		slots = mem_calloc(SLOTS, sizeof(*slots));
		if (!tab || !slots) {
			mem_free(tab);
			mem_free((void *)slots);
			tab = NULL;
			slots = NULL;
			pthread_mutex_unlock(&mu);
			return;
		}
	}
	if (find(name)) {
		pthread_mutex_unlock(&mu);
		return;
	}
	n = atomic_load_explicit(&ntab, memory_order_relaxed);
	if (n == DNS_NAMES_MAX) {
		if (!atomic_fetch_add(&refused, 1))
			log_warn("fd.*ip.name: more than %d names in the rules; '%s' and the "
				 "ones after it are not resolved", DNS_NAMES_MAX, name);
		pthread_mutex_unlock(&mu);
		return;
	}
	strcpy(tab[n].name, name);
	for (s = slot_of(name); atomic_load(&slots[s]); s = (s + 1) & (SLOTS - 1))
		;
	atomic_store_explicit(&slots[s], (uint16_t)(n + 1), memory_order_release);
	atomic_store_explicit(&ntab, n + 1, memory_order_release);
	if (!started) {
		pthread_t th;
		pthread_attr_t at;

		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		started = !pthread_create(&th, &at, resolver_main, NULL);
		pthread_attr_destroy(&at);
		if (!started)
			log_warn("fd.*ip.name: no resolver thread: '%s' and the other names are "
				 "not resolved", name);
	}
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
}

static bool addrs_have(const struct addrs *a, uint8_t fam, const uint8_t *addr)
{
	if (fam == 4) {
		for (uint8_t i = 0; i < a->n4; i++)
			if (!memcmp(a->v4[i], addr, 4))
				return true;
	} else if (fam == 6) {
		for (uint8_t i = 0; i < a->n6; i++)
			if (!memcmp(a->v6[i], addr, 16))
				return true;
	}
	return false;
}

/* Waits for e's first answer while there is patience left. */
static void wait_first(struct entry *e)
{
	while (!atomic_load_explicit(&e->resolved, memory_order_acquire)) {
		uint64_t left = atomic_load_explicit(&patience_ns, memory_order_relaxed);
		uint64_t t0 = now_ns(), spent;
		struct timespec ts = { 0, 1000000 };

		if (!left)
			return;
		nanosleep(&ts, NULL);
		spent = now_ns() - t0;
		atomic_compare_exchange_strong(&patience_ns, &left, left > spent ? left - spent : 0);
	}
}

static bool has(const char *name, uint8_t fam, const uint8_t *addr)
{
	struct entry *e = find(name);
	struct addrs a;

	if (!e)
		return false;
	if (!atomic_load_explicit(&e->resolved, memory_order_acquire))
		wait_first(e);
	read_addrs(e, &a);
	return addrs_have(&a, fam, addr);
}

const char *dns_names_name_of(uint8_t fam, const uint8_t *addr)
{
	uint32_t n = atomic_load_explicit(&ntab, memory_order_acquire);

	for (uint32_t i = 0; i < n; i++) {
		struct addrs a;

		read_addrs(&tab[i], &a);
		if (addrs_have(&a, fam, addr))
			return tab[i].name;
	}
	return NULL;
}

void dns_names_install(void)
{
	static const struct irop_dns_ops ops = { .add = add, .has = has };

	irop_dns = &ops;
}

void dns_names_patience(unsigned ms)
{
	atomic_store(&patience_ns, (uint64_t)ms * 1000000ull);
}
