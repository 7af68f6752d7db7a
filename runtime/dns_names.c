/* dns_names (see dns_names.h). Each name's addresses sit in fixed arrays
 * behind a sequence counter: the resolver thread writes them (the counter
 * odd while it does), readers copy them and try again if the counter
 * moved. Names are only added (under a mutex, by whatever thread compiles
 * rules), never removed, so a name's text stays where it is. */
#include "runtime/dns_names.h"

#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "compiler/irop_rt.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

#define ADDRS 16			/* addresses of each family kept per name */
#define PERIOD_MIN_NS (10ull * 1000000000ull)
#define PERIOD_MAX_NS (320ull * 1000000000ull)

struct addrs {
	uint8_t n4, n6;
	uint8_t v4[ADDRS][4];
	uint8_t v6[ADDRS][16];
};

struct entry {
	char name[256];
	atomic_uint seq;		/* odd while the resolver writes a */
	struct addrs a;
	uint64_t next_ns, period_ns;	/* the resolver's alone */
};

static struct entry *tab;
static atomic_uint ntab;
static pthread_mutex_t add_mu = PTHREAD_MUTEX_INITIALIZER;
static bool started;
static atomic_uint_fast64_t refused;	/* names beyond DNS_NAMES_MAX */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The name's addresses now (getaddrinfo). */
static void lookup(const char *name, struct addrs *out)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;

	memset(out, 0, sizeof(*out));
	if (getaddrinfo(name, NULL, &hints, &res) || !res)
		return;
	for (struct addrinfo *p = res; p; p = p->ai_next) {
		if (p->ai_family == AF_INET && out->n4 < ADDRS)
			memcpy(out->v4[out->n4++], &((struct sockaddr_in *)p->ai_addr)->sin_addr, 4);
		else if (p->ai_family == AF_INET6 && out->n6 < ADDRS)
			memcpy(out->v6[out->n6++], &((struct sockaddr_in6 *)p->ai_addr)->sin6_addr, 16);
	}
	freeaddrinfo(res);
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

/* Resolves e again; whether its addresses changed. */
static bool refresh(struct entry *e)
{
	struct addrs a;
	bool changed;

	lookup(e->name, &a);
	changed = memcmp(&a, &e->a, sizeof(a)) != 0;
	if (changed) {
		atomic_fetch_add_explicit(&e->seq, 1, memory_order_acq_rel);
		memcpy(&e->a, &a, sizeof(a));
		atomic_fetch_add_explicit(&e->seq, 1, memory_order_release);
	}
	return changed;
}

static void *resolver_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec ts = { 1, 0 };
		uint32_t n = atomic_load_explicit(&ntab, memory_order_acquire);
		uint64_t now = now_ns();

		for (uint32_t i = 0; i < n; i++) {
			struct entry *e = &tab[i];

			if (now < e->next_ns)
				continue;
			/* unchanged: ask less often; changed: every 10 s again */
			if (refresh(e))
				e->period_ns = PERIOD_MIN_NS;
			else if (e->period_ns < PERIOD_MAX_NS)
				e->period_ns *= 2;
			e->next_ns = now_ns() + e->period_ns;
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static struct entry *find(const char *name)
{
	uint32_t n = atomic_load_explicit(&ntab, memory_order_acquire);

	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	return NULL;
}

static void add(const char *name)
{
	uint32_t n;
	struct entry *e;

	if (strlen(name) >= sizeof(tab->name))
		return;	/* longer than a domain name can be */
	pthread_mutex_lock(&add_mu);
	if (!tab && !(tab = mem_calloc(DNS_NAMES_MAX, sizeof(*tab)))) {
		pthread_mutex_unlock(&add_mu);
		return;
	}
	if (find(name)) {
		pthread_mutex_unlock(&add_mu);
		return;
	}
	n = atomic_load_explicit(&ntab, memory_order_relaxed);
	if (n == DNS_NAMES_MAX) {
		if (!atomic_fetch_add(&refused, 1))
			log_warn("fd.*ip.name: more than %d names in the rules; '%s' and the "
				 "ones after it are not resolved", DNS_NAMES_MAX, name);
		pthread_mutex_unlock(&add_mu);
		return;
	}
	e = &tab[n];
	strcpy(e->name, name);
	/* the first resolution now, as Falco's first comparison does */
	lookup(name, &e->a);
	e->period_ns = PERIOD_MIN_NS;
	e->next_ns = now_ns() + e->period_ns;
	atomic_store_explicit(&ntab, n + 1, memory_order_release);
	if (!started) {
		pthread_t th;
		pthread_attr_t at;

		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		started = !pthread_create(&th, &at, resolver_main, NULL);
		pthread_attr_destroy(&at);
		if (!started)
			log_warn("fd.*ip.name: no resolver thread: names are resolved once");
	}
	pthread_mutex_unlock(&add_mu);
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

static bool has(const char *name, uint8_t fam, const uint8_t *addr)
{
	struct entry *e = tab ? find(name) : NULL;
	struct addrs a;

	if (!e)
		return false;
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
