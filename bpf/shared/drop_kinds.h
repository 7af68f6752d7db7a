/* The kinds of full-ring drops (drop_kinds.def): their numbers, names and
 * the kind of an event. Shared by the probe, the kmod and user space: enums
 * and a switch, nothing else. */
#pragma once

#include "ppm_events.h"

enum drop_kind {
#define DROP_KIND(id, name) DROP_KIND_##id,
#define DROP_EV(ev, id)
#include "drop_kinds.def"
#undef DROP_KIND
#undef DROP_EV
	DROP_KIND_MAX	/* also: the event is of no kind */
};

/* The kind of a dropped event of that code, or DROP_KIND_MAX. */
static inline __attribute__((always_inline)) unsigned drop_kind_of(unsigned code)
{
	switch (code) {
#define DROP_KIND(id, name)
#define DROP_EV(ev, id) case ev: return DROP_KIND_##id;
#include "drop_kinds.def"
#undef DROP_KIND
#undef DROP_EV
	default:
		return DROP_KIND_MAX;
	}
}

/* The name of a kind (its metric suffix). */
static inline __attribute__((always_inline)) const char *drop_kind_name(unsigned k)
{
	switch (k) {
#define DROP_KIND(id, name) case DROP_KIND_##id: return name;
#define DROP_EV(ev, id)
#include "drop_kinds.def"
#undef DROP_KIND
#undef DROP_EV
	default:
		return "";
	}
}
