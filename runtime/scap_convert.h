/* The upgrade of older event layouts that a capture reader applies as it
 * reads, as Falco's does (scap_convert.c): a few exit events gain the
 * parameters their enter events carried, and a few empty enter events are
 * dropped. The enter events it keeps are bounded: one per slot of a table
 * hashed by thread, a newer thread's taking the slot (counted). Prefix
 * scap_conv_ (methods scap_conv__). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "runtime/base/evt.h"

#define SCAP_CONV_SLOTS 4096	/* a power of two */

struct scap_conv_slot {
	int64_t tid;
	uint32_t len;		/* 0: empty */
	uint8_t rec[64];	/* the enter record (every stored kind fits) */
};

struct scap_conv {
	uint8_t has_rule[(PPM_EVENT_MAX + 7) / 8];	/* event codes some upgrade names */
	struct scap_conv_slot slots[SCAP_CONV_SLOTS];
	uint8_t buf[1024];	/* the last converted record */
	uint64_t converted, evicted;
};

/* Readies a zeroed converter. */
void scap_conv__init(struct scap_conv *c);

/* Applies the upgrade to e: 0, e stands as it is; 1, *out is its upgraded
 * form (valid until the next call). */
int scap_conv__apply(struct scap_conv *c, const struct evt *e, struct evt *out);

/* Whether an upgrade may apply to events of this code: the others go by
 * with this one look. */
static inline bool scap_conv_may_apply(const struct scap_conv *c, uint16_t code)
{
	return code < PPM_EVENT_MAX && (c->has_rule[code / 8] & (1u << (code % 8)));
}
