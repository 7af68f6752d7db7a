/* Field values as outputs print them (field_render.h): the value is cast to
 * the width and sign of the field's declared type (or, for evt.rawarg, its
 * parameter's), then written in the field's print format — decimal, upper
 * case hex, 9-digit zero padding — as text, and in JSON as a number, a
 * boolean, a string or null the way Falco's JSON output types each. */
#include "runtime/field_render.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bpf/shared/ppm_events.h"
#include "compiler/fields.h"
#include "runtime/base/strbuf.h"
#include "runtime/dns_names.h"

struct how {
	uint8_t type;	/* enum ppm_param_type */
	uint8_t fmt;	/* enum ppm_print_format */
};

static struct how how_of(const struct field_info *fi, const struct fval *v)
{
	struct how h = { .type = (uint8_t)fi->type, .fmt = PF_DEC };

	if (fi->flags & FF_PF_HEX)
		h.fmt = PF_HEX;
	else if (fi->flags & FF_PF_PAD9)
		h.fmt = PF_10_PADDED_DEC;
	if (v->rtype) {
		h.type = v->rtype;
		h.fmt = v->rfmt;
	}
	return h;
}

static uint64_t as_u64(const struct fval *v)
{
	switch (v->kind) {
	case FV_U64: return v->u;
	case FV_S64: return (uint64_t)v->i;
	case FV_BOOL: return v->b;
	case FV_DOUBLE: return (uint64_t)v->d;
	default: return 0;
	}
}

/* Width in bytes and sign of an integer type; 0 for other types. */
static unsigned int_width(uint8_t t, bool *sgn)
{
	*sgn = false;
	switch (t) {
	case PT_INT8: *sgn = true; return 1;
	case PT_INT16: *sgn = true; return 2;
	case PT_INT32: *sgn = true; return 4;
	case PT_INT64: case PT_PID: case PT_FD: case PT_ERRNO: *sgn = true; return 8;
	case PT_FD32: case PT_PID32: *sgn = true; return 4;
	case PT_UINT8: case PT_FLAGS8: case PT_ENUMFLAGS8: case PT_L4PROTO: case PT_SIGTYPE:
		return 1;
	case PT_UINT16: case PT_FLAGS16: case PT_ENUMFLAGS16: case PT_PORT: case PT_SYSCALLID:
		return 2;
	case PT_UINT32: case PT_FLAGS32: case PT_ENUMFLAGS32: case PT_UID: case PT_GID:
	case PT_MODE: case PT_SIGSET:
		return 4;
	case PT_UINT64: case PT_RELTIME: case PT_ABSTIME:
		return 8;
	default:
		return 0;
	}
}

/* An integer in the type's width and the print format. */
static void int_text(const struct fval *v, struct how h, unsigned w, bool sgn, struct strbuf *out)
{
	uint64_t u = as_u64(v);
	int64_t s;

	if (w < 8)
		u &= (1ull << (8 * w)) - 1;
	s = sgn && w < 8 && (u >> (8 * w - 1)) ? (int64_t)(u | ~((1ull << (8 * w)) - 1)) : (int64_t)u;
	switch (h.fmt) {
	case PF_HEX: strbuf_printf(out, "%" PRIX64, u); break;
	case PF_OCT: strbuf_printf(out, "%" PRIo64, u); break;
	case PF_10_PADDED_DEC:
		if (sgn)
			strbuf_printf(out, "%09" PRId64, s);
		else
			strbuf_printf(out, "%09" PRIu64, u);
		break;
	default:
		if (sgn)
			strbuf_printf(out, "%" PRId64, s);
		else
			strbuf_printf(out, "%" PRIu64, u);
		break;
	}
}

/* An integer's width and signedness as its type gives them (8 bytes and
 * its own sign for an untyped one); a boolean is written out whole
 * instead, and true returned. */
static bool int_shape(const struct fval *v, struct how h, unsigned *w, bool *sgn,
		      struct strbuf *out)
{
	if (h.type == PT_BOOL) {
		strbuf_adds(out, as_u64(v) ? "true" : "false");
		return true;
	}
	*w = int_width(h.type, sgn);
	if (!*w) {
		*w = 8;
		*sgn = v->kind == FV_S64;
	}
	return false;
}

static void one_text(const struct fval *v, struct how h, struct strbuf *out)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned w;
	bool sgn;

	switch (v->kind) {
	case FV_NONE:
		strbuf_adds(out, "<NA>");
		return;
	case FV_STR:
		if (h.type == PT_BYTEBUF) {
			/* printable ASCII as is, every other byte as '.' */
			for (uint32_t i = 0; i < v->s.len; i++) {
				unsigned char c = (unsigned char)v->s.p[i];

				strbuf_addc(out, c >= 0x20 && c < 0x7f ? (char)c : '.');
			}
		} else {
			strbuf_add(out, v->s.p, v->s.len);
		}
		return;
	case FV_BOOL:
		strbuf_adds(out, v->b ? "true" : "false");
		return;
	case FV_DOUBLE:
		strbuf_printf(out, "%.1f", v->d);
		return;
	case FV_IP:
		if (inet_ntop(v->ip.fam == 4 ? AF_INET : AF_INET6, v->ip.b, buf, sizeof(buf)))
			strbuf_adds(out, buf);
		return;
	case FV_U64:
	case FV_S64:
		if (int_shape(v, h, &w, &sgn, out))
			return;
		int_text(v, h, w, sgn, out);
		return;
	case FV_LIST:
		return;
	}
}

/* A domain field's value as outputs give it (FF_DOMAIN: the extractor
 * gives the address, runtime/extract_fd.c): the name among the rules'
 * that resolves to it. False when v is no such value or none does. */
static bool domain_name(const struct field_info *fi, const struct fval *v, struct fval *name)
{
	const char *n;

	if (!(fi->flags & FF_DOMAIN) || v->kind != FV_NONE || (v->ip.fam != 4 && v->ip.fam != 6) ||
	    !(n = dns_names_name_of(v->ip.fam, v->ip.b)))
		return false;
	*name = (struct fval){ .kind = FV_STR, .s = { n, (uint32_t)strlen(n) } };
	return true;
}

void field_render_text(const struct field_info *fi, const struct fval *v, struct strbuf *out)
{
	struct fval dn;
	struct how h;

	if (domain_name(fi, v, &dn))
		v = &dn;
	h = how_of(fi, v);

	if (v->kind != FV_LIST) {
		one_text(v, h, out);
		return;
	}
	strbuf_addc(out, '(');
	for (uint32_t i = 0; i < v->list.n; i++) {
		if (i)
			strbuf_addc(out, ',');
		one_text(&v->list.items[i], h, out);
	}
	strbuf_addc(out, ')');
}

static void one_json(const struct fval *v, struct how h, struct strbuf *out)
{
	struct strbuf tmp = STRBUF_INIT;
	unsigned w;
	bool sgn;

	switch (v->kind) {
	case FV_NONE:
		strbuf_adds(out, "null");
		return;
	case FV_BOOL:
		strbuf_adds(out, v->b ? "true" : "false");
		return;
	case FV_DOUBLE: {
		char buf[40];

		/* as JSON writers print a double: shortest exact form, with a
		 * fraction even when integral */
		snprintf(buf, sizeof(buf), "%.17g", v->d);
		strbuf_adds(out, buf);
		if (!strpbrk(buf, ".eEn"))
			strbuf_adds(out, ".0");
		return;
	}
	case FV_U64:
	case FV_S64:
		if (int_shape(v, h, &w, &sgn, out))
			return;
		if (h.fmt == PF_HEX || h.fmt == PF_OCT || h.fmt == PF_10_PADDED_DEC) {
			strbuf_addc(out, '"');
			int_text(v, h, w, sgn, out);
			strbuf_addc(out, '"');
		} else {
			h.fmt = PF_DEC;
			int_text(v, h, w, sgn, out);
		}
		return;
	default:
		one_text(v, h, &tmp);
		strbuf_add_json_str(out, tmp.buf ? tmp.buf : "");
		strbuf_release(&tmp);
		return;
	}
}

void field_render_json(const struct field_info *fi, const struct fval *v, uint64_t ts,
		       struct strbuf *out)
{
	struct fval dn;
	struct how h;

	if (domain_name(fi, v, &dn))
		v = &dn;
	h = how_of(fi, v);

	if (v->kind == FV_NONE) {
		strbuf_adds(out, "null");
		return;
	}
	if (fi->flags & FF_JSON_TS) {
		strbuf_printf(out, "%" PRIu64, ts);
		return;
	}
	if ((fi->flags & FF_JSON_NUM) && v->kind == FV_S64) {
		strbuf_printf(out, "%" PRId64, v->i);
		return;
	}
	if ((fi->flags & FF_JSON_NUM) && v->kind == FV_U64) {
		strbuf_printf(out, "%" PRIu64, v->u);
		return;
	}
	if (v->kind != FV_LIST) {
		one_json(v, h, out);
		return;
	}
	strbuf_addc(out, '[');
	for (uint32_t i = 0; i < v->list.n; i++) {
		if (i)
			strbuf_addc(out, ',');
		one_json(&v->list.items[i], h, out);
	}
	strbuf_addc(out, ']');
}
