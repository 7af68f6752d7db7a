/* Zero-copy view of one event record (bpf/shared/ppm_hdr.h): the header
 * fields and the offset and length of every parameter, computed once by
 * evt_decode. Parameters are read in place through fixed-size memcpy
 * accessors; nothing is copied. A view borrows the record: valid until the
 * record's buffer is released (ring-buffer slot, file block). Prefix evt_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bpf/shared/ppm_events.h"
#include "bpf/shared/ppm_hdr.h"

struct evt_info;

struct evt {
	const uint8_t *raw;		/* the record */
	uint64_t ts;
	int64_t tid;
	uint32_t len;
	uint16_t type;
	uint16_t cpu;			/* from the source (capture block, ring) */
	uint32_t nparams;		/* as recorded: may be fewer than the schema's */
	uint32_t flags;			/* capture-block flags, 0 when none */
	const struct evt_info *info;	/* schema entry, NULL for an unknown type */
	uint32_t off[PPM_MAX_EVENT_PARAMS];
	uint32_t plen[PPM_MAX_EVENT_PARAMS];
};

/* Decodes the record at buf (avail bytes readable). 0; -EINVAL when the
 * record is malformed (length smaller than its header, parameters past its
 * end, too many parameters); -ENOENT for an event type saker does not know
 * (the view is still filled, with info NULL, so the caller can skip it). */
int evt_decode(struct evt *e, const void *buf, size_t avail);

/* Pointer to parameter i and its length, NULL when the record has no such
 * parameter. */
static inline const uint8_t *evt_param(const struct evt *e, uint32_t i, uint32_t *len)
{
	if (i >= e->nparams)
		return NULL;
	*len = e->plen[i];
	return e->raw + e->off[i];
}

/* Fixed-size integer parameters. false when absent or of another size. */
static inline bool evt_param_u64(const struct evt *e, uint32_t i, uint64_t *v)
{
	if (i >= e->nparams || e->plen[i] != 8)
		return false;
	memcpy(v, e->raw + e->off[i], 8);
	return true;
}

static inline bool evt_param_s64(const struct evt *e, uint32_t i, int64_t *v)
{
	return evt_param_u64(e, i, (uint64_t *)v);
}

static inline bool evt_param_u32(const struct evt *e, uint32_t i, uint32_t *v)
{
	if (i >= e->nparams || e->plen[i] != 4)
		return false;
	memcpy(v, e->raw + e->off[i], 4);
	return true;
}

static inline bool evt_param_u16(const struct evt *e, uint32_t i, uint16_t *v)
{
	if (i >= e->nparams || e->plen[i] != 2)
		return false;
	memcpy(v, e->raw + e->off[i], 2);
	return true;
}

static inline bool evt_param_u8(const struct evt *e, uint32_t i, uint8_t *v)
{
	if (i >= e->nparams || e->plen[i] != 1)
		return false;
	*v = e->raw[e->off[i]];
	return true;
}

/* A string parameter: NUL-terminated in the record, or (len 0) absent. */
static inline const char *evt_param_str(const struct evt *e, uint32_t i)
{
	if (i >= e->nparams || !e->plen[i] || e->raw[e->off[i] + e->plen[i] - 1] != '\0')
		return NULL;
	return (const char *)e->raw + e->off[i];
}

/* Index of the parameter named name in the event's schema, or -1. */
int evt_param_index(const struct evt *e, const char *name);
