/* evttypes: the evt.type universe built once from the event schema. */
#include "compiler/evttypes.h"

#include <pthread.h>
#include <string.h>

#include "runtime/base/evt_schema.h"
#include "runtime/base/strmap.h"

#define SC_MAX 1024

static struct {
	int16_t by_code[PPM_EVENT_MAX];
	int16_t by_sc[SC_MAX];
	const char *names[EVTSET_MAX];
	uint16_t ncodes[EVTSET_MAX];
	size_t n;
	struct strmap idx;
	struct evtset all;
} U;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void add_name(const char *name)
{
	size_t nc = 0;

	if (U.n >= EVTSET_MAX || strmap_get(&U.idx, name) >= 0)
		return;
	evt_schema_evttype_codes(name, NULL, 0, &nc);
	U.names[U.n] = name;
	U.ncodes[U.n] = (uint16_t)nc;
	strmap_put(&U.idx, name, (uint32_t)U.n);
	evtset_add(&U.all, U.n);
	U.n++;
}

static void build(void)
{
	memset(U.by_code, 0xff, sizeof(U.by_code));
	memset(U.by_sc, 0xff, sizeof(U.by_sc));
	for (uint32_t c = 0; c < PPM_EVENT_MAX; c++) {
		const struct evt_info *e = evt_schema_get((uint16_t)c);

		if (e && strcmp(e->name, "NA") && evt_schema_is_event_name(e->name))
			add_name(e->name);
	}
	for (size_t i = 0; i < evt_schema_syscall_count(); i++)
		add_name(evt_schema_syscall_name(i));
	for (uint32_t c = 0; c < PPM_EVENT_MAX; c++) {
		const struct evt_info *e = evt_schema_get((uint16_t)c);

		if (e && c != PPME_GENERIC_E && c != PPME_GENERIC_X)
			U.by_code[c] = (int16_t)strmap_get(&U.idx, e->name);
	}
	for (size_t i = 0; i < evt_schema_syscall_count(); i++) {
		const struct evt_syscall_info *sc = evt_schema_syscall(i);

		if (sc->ppm_sc < SC_MAX)
			U.by_sc[sc->ppm_sc] = (int16_t)strmap_get(&U.idx, sc->name);
	}
}

static bool built;	/* set once build() is done: lookups skip pthread_once */

static void build_once(void)
{
	build();
	__atomic_store_n(&built, true, __ATOMIC_RELEASE);
}

static void init(void)
{
	if (!__atomic_load_n(&built, __ATOMIC_ACQUIRE))
		pthread_once(&once, build_once);
}

size_t evttypes_count(void)
{
	init();
	return U.n;
}

const char *evttypes_name(size_t i)
{
	init();
	return i < U.n ? U.names[i] : NULL;
}

int evttypes_find(const char *name)
{
	init();
	return (int)strmap_get(&U.idx, name);
}

int evttypes_of_event(uint16_t code)
{
	init();
	return code < PPM_EVENT_MAX ? U.by_code[code] : -1;
}

int evttypes_of_syscall(uint16_t ppm_sc)
{
	init();
	return ppm_sc < SC_MAX ? U.by_sc[ppm_sc] : -1;
}

size_t evttypes_ncodes(size_t i)
{
	init();
	return i < U.n ? U.ncodes[i] : 0;
}

size_t evttypes_syscalls(size_t i, int *out, size_t cap)
{
	uint16_t idx[64];
	size_t n = 0, k;

	init();
	if (i >= U.n)
		return 0;
	evt_schema_syscalls_for_event(U.names[i], idx, 64, &n);
	if (n > 64)
		n = 64;
	for (k = 0; k < n && k < cap; k++)
		out[k] = idx[k];
	return k;
}

void evtset_fill(struct evtset *s)
{
	init();
	*s = U.all;
}

void evtset_invert(struct evtset *s)
{
	init();
	for (size_t i = 0; i < EVTSET_MAX / 64; i++)
		s->w[i] = ~s->w[i] & U.all.w[i];
}

size_t evtset_count(const struct evtset *s)
{
	size_t n = 0;

	for (size_t i = 0; i < EVTSET_MAX / 64; i++)
		n += (size_t)__builtin_popcountll(s->w[i]);
	return n;
}

bool evtset_is_full(const struct evtset *s)
{
	init();
	return !memcmp(s, &U.all, sizeof(*s));
}

size_t evtset_ncodes(const struct evtset *s)
{
	size_t n = 0;

	init();
	for (size_t i = 0; i < U.n; i++)
		if (evtset_has(s, i))
			n += U.ncodes[i];
	return n;
}
