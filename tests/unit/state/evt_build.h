/* Event records built in memory for the state tests, laid out as a driver
 * writes them and runtime/base/evt.c decodes them: the 26-byte PPM header,
 * one length per parameter (2 bytes, 4 for EVF_LARGE_PAYLOAD events), then
 * the parameters back to back. Parameters are set by their events.def name
 * in any order and written in schema order with the width the schema gives
 * their type; a parameter left unset is written empty (length 0), as
 * drivers write a value they could not read. Include after <cmocka.h>. */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"

/* Linux and PPM values the records carry (flags.def, socket_families). */
#define EB_AF_UNIX 1
#define EB_AF_INET 2
#define EB_AF_INET6 10
#define EB_CL_CLONE_FILES 0x1u
#define EB_CL_CLONE_FS 0x2u
#define EB_CL_CLONE_SIGHAND 0x800u
#define EB_CL_CLONE_SYSVSEM 0x1000u
#define EB_CL_CLONE_THREAD 0x2000u
#define EB_CL_CLONE_VM 0x8000u
#define EB_CL_CLONE_VFORK 0x8000000u
#define EB_CL_CHILD_IN_PIDNS 0x20000000u
/* What glibc's pthread_create passes, as the driver translates it. */
#define EB_CL_PTHREAD (EB_CL_CLONE_VM | EB_CL_CLONE_FS | EB_CL_CLONE_FILES | \
		       EB_CL_CLONE_SIGHAND | EB_CL_CLONE_THREAD | EB_CL_CLONE_SYSVSEM)

struct eb {
	const struct evt_info *info;
	uint64_t ts;
	int64_t tid;
	uint16_t type;
	uint32_t off[PPM_MAX_EVENT_PARAMS], len[PPM_MAX_EVENT_PARAMS];
	uint8_t data[8192];
	uint32_t dlen;
	uint8_t buf[8192 + 26 + 4 * PPM_MAX_EVENT_PARAMS];
	struct evt e;
};

static inline void eb_begin(struct eb *b, uint16_t type, uint64_t ts, int64_t tid)
{
	memset(b->len, 0, sizeof(b->len));
	b->dlen = 0;
	b->type = type;
	b->ts = ts;
	b->tid = tid;
	b->info = evt_schema_get(type);
	assert_non_null(b->info);
}

static inline int eb_index(const struct eb *b, const char *name)
{
	for (uint32_t i = 0; i < b->info->nparams; i++)
		if (!strcmp(b->info->params[i].name, name))
			return (int)i;
	fail_msg("%s has no parameter '%s'", b->info->id, name);
	return -1;
}

static inline void eb_raw(struct eb *b, const char *name, const void *p, uint32_t n)
{
	int i = eb_index(b, name);

	assert_true(b->dlen + n <= sizeof(b->data));
	memcpy(b->data + b->dlen, p, n);
	b->off[i] = b->dlen;
	b->len[i] = n;
	b->dlen += n;
}

/* An integer parameter, in the width its type has on the wire. */
static inline void eb_int(struct eb *b, const char *name, int64_t v)
{
	uint8_t t = b->info->params[eb_index(b, name)].type;
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (t) {
	case PT_INT8: case PT_UINT8: case PT_SIGTYPE: case PT_FLAGS8: case PT_ENUMFLAGS8:
	case PT_L4PROTO: case PT_SOCKFAMILY:
		eb_raw(b, name, &u8, 1);
		break;
	case PT_INT16: case PT_UINT16: case PT_PORT: case PT_FLAGS16: case PT_ENUMFLAGS16:
	case PT_SYSCALLID:
		eb_raw(b, name, &u16, 2);
		break;
	case PT_INT32: case PT_UINT32: case PT_FLAGS32: case PT_ENUMFLAGS32: case PT_UID:
	case PT_GID: case PT_MODE: case PT_BOOL: case PT_FD32: case PT_PID32:
		eb_raw(b, name, &u32, 4);
		break;
	case PT_INT64: case PT_UINT64: case PT_ERRNO: case PT_FD: case PT_PID:
	case PT_RELTIME: case PT_ABSTIME:
		eb_raw(b, name, &v, 8);
		break;
	default:
		fail_msg("%s.%s is not an integer (type %u)", b->info->id, name, t);
	}
}

static inline void eb_str(struct eb *b, const char *name, const char *s)
{
	eb_raw(b, name, s, (uint32_t)strlen(s) + 1);
}

/* A NUL-separated list (args, env, cgroups): the strings up to NULL. */
static inline void eb_list(struct eb *b, const char *name, ...)
{
	uint8_t tmp[4096];
	uint32_t n = 0;
	const char *s;
	va_list ap;

	va_start(ap, name);
	while ((s = va_arg(ap, const char *))) {
		size_t l = strlen(s) + 1;

		assert_true(n + l <= sizeof(tmp));
		memcpy(tmp + n, s, l);
		n += (uint32_t)l;
	}
	va_end(ap);
	eb_raw(b, name, tmp, n);
}

/* PT_SOCKTUPLE for IPv4: family, sip, sport, dip, dport. Addresses in
 * network order, ports in host order (the driver converts them). */
static inline void eb_tuple4(struct eb *b, const char *name, const uint8_t sip[4], uint16_t sport,
			     const uint8_t dip[4], uint16_t dport)
{
	uint8_t t[13];

	t[0] = EB_AF_INET;
	memcpy(t + 1, sip, 4);
	memcpy(t + 5, &sport, 2);
	memcpy(t + 7, dip, 4);
	memcpy(t + 11, &dport, 2);
	eb_raw(b, name, t, sizeof(t));
}

static inline void eb_tuple6(struct eb *b, const char *name, const uint8_t sip[16], uint16_t sport,
			     const uint8_t dip[16], uint16_t dport)
{
	uint8_t t[37];

	t[0] = EB_AF_INET6;
	memcpy(t + 1, sip, 16);
	memcpy(t + 17, &sport, 2);
	memcpy(t + 19, dip, 16);
	memcpy(t + 35, &dport, 2);
	eb_raw(b, name, t, sizeof(t));
}

/* PT_SOCKADDR for IPv4: family, address, port. */
static inline void eb_addr4(struct eb *b, const char *name, const uint8_t ip[4], uint16_t port)
{
	uint8_t a[7];

	a[0] = EB_AF_INET;
	memcpy(a + 1, ip, 4);
	memcpy(a + 5, &port, 2);
	eb_raw(b, name, a, sizeof(a));
}

/* Lays the record out and decodes it; the view is valid until the next
 * eb_begin on b. */
static inline const struct evt *eb_end(struct eb *b)
{
	uint32_t n = b->info->nparams, lsz = b->info->flags & EVF_LARGE_PAYLOAD ? 4 : 2;
	uint32_t pos = PPM_HDR_LEN + n * lsz;
	struct ppm_hdr h = {
		.ts = b->ts,
		.tid = (uint64_t)b->tid,
		.type = b->type,
		.nparams = n,
	};

	for (uint32_t i = 0; i < n; i++) {
		if (lsz == 4) {
			memcpy(b->buf + PPM_HDR_LEN + 4 * i, &b->len[i], 4);
		} else {
			uint16_t l = (uint16_t)b->len[i];

			memcpy(b->buf + PPM_HDR_LEN + 2 * i, &l, 2);
		}
		memcpy(b->buf + pos, b->data + b->off[i], b->len[i]);
		pos += b->len[i];
	}
	h.len = pos;
	memcpy(b->buf, &h, PPM_HDR_LEN);
	assert_int_equal(evt_decode(&b->e, b->buf, pos), 0);
	return &b->e;
}
