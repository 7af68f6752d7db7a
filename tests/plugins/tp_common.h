/* What saker's C test plugins share (tests/plugins/tp_*.c): the plugin
 * ABI, a state with its last error, events read and built in the PPM
 * layout, and the JSON of fields. Header-only: each plugin is its own
 * library. */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/plugin_abi.h"

#define TP_EXPORT __attribute__((visibility("default")))

/* Every symbol a plugin may export, declared with the ABI's types (each
 * test plugin defines those it has). */
#define SYM(name, ret, params, req) TP_EXPORT ret plugin_##name params;
#include "runtime/plugin_syms.def"
#undef SYM

/* The header of a record, then its parameter lengths. */
#define TP_HDR 26

static inline void tp_err(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void tp_err(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PA_MAX_ERRLEN, fmt, ap);
	va_end(ap);
}

/* Parameter i of a syscall event (2-byte lengths), NULL when absent. */
static inline const uint8_t *tp_param(const struct pa_event *e, uint32_t i, uint32_t *len)
{
	const uint8_t *p = (const uint8_t *)e;
	uint32_t off = TP_HDR + 2 * e->nparams;

	if (i >= e->nparams)
		return NULL;
	for (uint32_t k = 0; k <= i; k++) {
		uint16_t l;

		memcpy(&l, p + TP_HDR + 2 * k, 2);
		if (k == i) {
			*len = l;
			return off + l <= e->len ? p + off : NULL;
		}
		off += l;
	}
	return NULL;
}

static inline bool tp_param_s64(const struct pa_event *e, uint32_t i, int64_t *v)
{
	uint32_t len;
	const uint8_t *p = tp_param(e, i, &len);

	if (!p || len != 8)
		return false;
	memcpy(v, p, 8);
	return true;
}

/* A record of type `type` with n parameters of 4-byte lengths (plugin and
 * async events) built in buf: header, lengths, values. Its length. */
static inline uint32_t tp_build(uint8_t *buf, size_t cap, uint64_t ts, uint64_t tid,
				uint16_t type, uint32_t n, const void *const *vals,
				const uint32_t *lens)
{
	uint32_t len = TP_HDR + 4 * n, off;

	for (uint32_t i = 0; i < n; i++)
		len += lens[i];
	if (len > cap)
		return 0;
	memcpy(buf, &ts, 8);
	memcpy(buf + 8, &tid, 8);
	memcpy(buf + 16, &len, 4);
	memcpy(buf + 20, &type, 2);
	memcpy(buf + 22, &n, 4);
	off = TP_HDR + 4 * n;
	for (uint32_t i = 0; i < n; i++) {
		memcpy(buf + TP_HDR + 4 * i, &lens[i], 4);
		memcpy(buf + off, vals[i], lens[i]);
		off += lens[i];
	}
	return len;
}

/* An async event (type 402): plugin id 0 (the owner sets it), name, data. */
static inline uint32_t tp_async(uint8_t *buf, size_t cap, uint64_t ts, const char *name,
				const void *data, uint32_t dlen)
{
	uint32_t zero = 0;
	const void *vals[3] = { &zero, name, data };
	uint32_t lens[3] = { 4, (uint32_t)strlen(name) + 1, dlen };

	return tp_build(buf, cap, ts, UINT64_MAX, 402, 3, vals, lens);
}

/* A plugin event (type 322): plugin id, payload. */
static inline uint32_t tp_plugin_event(uint8_t *buf, size_t cap, uint64_t ts, uint32_t id,
				       const void *data, uint32_t dlen)
{
	const void *vals[2] = { &id, data };
	uint32_t lens[2] = { 4, dlen };

	return tp_build(buf, cap, ts, UINT64_MAX, 322, 2, vals, lens);
}

/* Payload of a plugin event, NULL when not one. */
static inline const uint8_t *tp_payload(const struct pa_event *e, uint32_t *len)
{
	const uint8_t *p = (const uint8_t *)e;
	uint32_t l0, l1;

	if (e->type != 322 || e->nparams != 2 || e->len < TP_HDR + 12)
		return NULL;
	memcpy(&l0, p + TP_HDR, 4);
	memcpy(&l1, p + TP_HDR + 4, 4);
	if (TP_HDR + 8 + l0 + l1 > e->len)
		return NULL;
	*len = l1;
	return p + TP_HDR + 8 + l0;
}

/* An async event's name and data, NULL when not one. */
static inline const char *tp_async_name(const struct pa_event *e, const uint8_t **data,
					uint32_t *dlen)
{
	const uint8_t *p = (const uint8_t *)e;
	uint32_t l[3];

	if (e->type != 402 || e->nparams != 3 || e->len < TP_HDR + 12)
		return NULL;
	memcpy(l, p + TP_HDR, 12);
	if (TP_HDR + 12 + l[0] + l[1] + l[2] > e->len || !l[1])
		return NULL;
	*data = p + TP_HDR + 12 + l[0] + l[1];
	*dlen = l[2];
	return (const char *)p + TP_HDR + 12 + l[0];
}
