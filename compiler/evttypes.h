/* The names `evt.type` can take (event names and syscall names), numbered
 * densely, and sets of them as bitsets: the currency of per-rule event-type
 * sets and of the adaptive syscall set. Prefix evttypes_ / evtset_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVTSET_MAX 1024

struct evtset {
	uint64_t w[EVTSET_MAX / 64];
};

/* Number of names in the universe. */
size_t evttypes_count(void);
const char *evttypes_name(size_t i);
/* Index of name, or -1 when no event or syscall has it. */
int evttypes_find(const char *name);
/* How many PPM event codes (directions and versions) a name stands for;
 * Falco's "too many event types" warning counts codes. */
size_t evttypes_ncodes(size_t i);
/* Index of the evt.type of an event with this code, or -1 for the generic
 * events (whose type is their syscall: evttypes_of_syscall) and unknown
 * codes. O(1). */
int evttypes_of_event(uint16_t code);
/* Index of the evt.type of a generic event for syscall ppm_sc, or -1. */
int evttypes_of_syscall(uint16_t ppm_sc);

/* Syscall table index (evt_schema) of each syscall this name needs; returns
 * how many were written (at most cap). */
size_t evttypes_syscalls(size_t i, int *out, size_t cap);

static inline void evtset_clear(struct evtset *s)
{
	for (size_t i = 0; i < EVTSET_MAX / 64; i++)
		s->w[i] = 0;
}

void evtset_fill(struct evtset *s);	/* every name of the universe */
void evtset_invert(struct evtset *s);	/* universe minus s */

static inline void evtset_add(struct evtset *s, size_t i)
{
	s->w[i / 64] |= 1ull << (i % 64);
}

static inline bool evtset_has(const struct evtset *s, size_t i)
{
	return s->w[i / 64] >> (i % 64) & 1;
}

static inline void evtset_and(struct evtset *d, const struct evtset *s)
{
	for (size_t i = 0; i < EVTSET_MAX / 64; i++)
		d->w[i] &= s->w[i];
}

static inline void evtset_or(struct evtset *d, const struct evtset *s)
{
	for (size_t i = 0; i < EVTSET_MAX / 64; i++)
		d->w[i] |= s->w[i];
}

size_t evtset_count(const struct evtset *s);
bool evtset_is_full(const struct evtset *s);
/* Number of PPM codes the set stands for. */
size_t evtset_ncodes(const struct evtset *s);
