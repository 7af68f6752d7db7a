/* Rendering of event parameters as text (see evt_fmt.h). */
#define _GNU_SOURCE
#include "runtime/base/evt_fmt.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/strbuf.h"

#define PPM_AF_UNIX 1
#define PPM_AF_INET 2
#define PPM_AF_INET6 10

static bool get_int(const uint8_t *p, uint32_t len, bool sgn, int64_t *v)
{
	switch (len) {
	case 1: *v = sgn ? (int8_t)p[0] : p[0]; return true;
	case 2: { uint16_t x; memcpy(&x, p, 2); *v = sgn ? (int16_t)x : x; return true; }
	case 4: { uint32_t x; memcpy(&x, p, 4); *v = sgn ? (int32_t)x : (int64_t)x; return true; }
	case 8: memcpy(v, p, 8); return true;
	default: return false;
	}
}

static void add_printable(struct strbuf *sb, const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		if (!p[i] && i + 1 == len)
			break;
		strbuf_addc(sb, p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.');
	}
}

static void add_ep(struct strbuf *sb, int fam, const uint8_t *a, const uint8_t *port)
{
	char buf[INET6_ADDRSTRLEN];
	uint16_t po;

	memcpy(&po, port, 2);
	inet_ntop(fam, a, buf, sizeof(buf));
	strbuf_printf(sb, "%s:%u", buf, po);
}

static void add_sockaddr(struct strbuf *sb, const uint8_t *p, uint32_t len, bool tuple)
{
	if (!len) {
		strbuf_adds(sb, "NULL");
		return;
	}
	if (p[0] == PPM_AF_INET && len >= (tuple ? 13u : 7u)) {
		add_ep(sb, AF_INET, p + 1, p + 5);
		if (tuple) {
			strbuf_adds(sb, "->");
			add_ep(sb, AF_INET, p + 7, p + 11);
		}
	} else if (p[0] == PPM_AF_INET6 && len >= (tuple ? 37u : 19u)) {
		add_ep(sb, AF_INET6, p + 1, p + 17);
		if (tuple) {
			strbuf_adds(sb, "->");
			add_ep(sb, AF_INET6, p + 19, p + 35);
		}
	} else if (p[0] == PPM_AF_UNIX) {
		uint32_t skip = tuple ? 17 : 1;

		if (tuple && len >= 17) {
			uint64_t s, d;

			memcpy(&s, p + 1, 8);
			memcpy(&d, p + 9, 8);
			strbuf_printf(sb, "%" PRIx64 "->%" PRIx64 " ", s, d);
		}
		if (len > skip)
			add_printable(sb, p + skip, len - skip);
	} else {
		strbuf_adds(sb, "<unknown family>");
	}
}

void evt_fmt_param(struct strbuf *sb, const struct evt *e, uint32_t i, const struct evt_fmt_fd *fdr)
{
	const struct evt_param_info *pi = e->info && i < e->info->nparams ? &e->info->params[i] : NULL;
	uint32_t len;
	const uint8_t *p = evt_param(e, i, &len);
	int64_t v;

	if (!pi || !p) {
		strbuf_adds(sb, "<NA>");
		return;
	}
	switch (pi->type) {
	case PT_CHARBUF: case PT_FSPATH: case PT_FSRELPATH: case PT_BYTEBUF:
	case PT_CHARBUFARRAY:
		add_printable(sb, p, len);
		return;
	case PT_SOCKADDR:
		add_sockaddr(sb, p, len, false);
		return;
	case PT_SOCKTUPLE:
		add_sockaddr(sb, p, len, true);
		return;
	case PT_ERRNO:
		if (!get_int(p, len, true, &v))
			break;
		if (v < 0) {
			const char *n = strerrorname_np((int)-v);

			strbuf_printf(sb, "%" PRId64 "(%s)", v, n ? n : "E?");
		} else {
			strbuf_printf(sb, "%" PRId64, v);
		}
		return;
	case PT_FD: case PT_FD32: {
		char tc;
		const char *name;

		if (!get_int(p, len, true, &v))
			break;
		if (v < 0) {
			const char *n = strerrorname_np((int)-v);

			strbuf_printf(sb, "%" PRId64 "(%s)", v, n ? n : "E?");
		} else if (fdr && fdr->lookup && fdr->lookup(fdr->ctx, v, &tc, &name)) {
			strbuf_printf(sb, "%" PRId64 "(<%c>%s)", v, tc, name);
		} else {
			strbuf_printf(sb, "%" PRId64, v);
		}
		return;
	}
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64: case PT_PID: case PT_PID32:
		if (!get_int(p, len, true, &v))
			break;
		strbuf_printf(sb, "%" PRId64, v);
		return;
	default:
		if (!get_int(p, len, false, &v))
			break;
		if (pi->fmt == PF_HEX)
			strbuf_printf(sb, "%" PRIX64, (uint64_t)v);
		else if (pi->fmt == PF_OCT)
			strbuf_printf(sb, "%" PRIo64, (uint64_t)v);
		else
			strbuf_printf(sb, "%" PRIu64, (uint64_t)v);
		return;
	}
	strbuf_adds(sb, "<invalid>");
}

void evt_fmt_args(struct strbuf *sb, const struct evt *e, const struct evt_fmt_fd *fdr)
{
	if (!e->info)
		return;
	for (uint32_t i = 0; i < e->nparams && i < e->info->nparams; i++) {
		if (i)
			strbuf_addc(sb, ' ');
		strbuf_printf(sb, "%s=", e->info->params[i].name);
		evt_fmt_param(sb, e, i, fdr);
	}
}

void evt_fmt_line(struct strbuf *sb, uint64_t num, const struct evt *e, const char *comm,
		  const struct evt_fmt_fd *fdr)
{
	time_t secs = (time_t)(e->ts / 1000000000ull);
	struct tm tm;
	char tbuf[32];
	uint16_t sc;
	const char *type = e->info ? e->info->name : "?";
	int idx;

	if (e->info && (e->type == PPME_GENERIC_E || e->type == PPME_GENERIC_X) &&
	    evt_param_u16(e, 0, &sc) && (idx = evt_schema_syscall_by_ppm_sc(sc)) >= 0)
		type = evt_schema_syscall_name((size_t)idx);
	localtime_r(&secs, &tm);
	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
	strbuf_printf(sb, "%" PRIu64 " %s.%09" PRIu64 " %u %s (%" PRId64 ") %s %s ", num, tbuf,
		      (uint64_t)(e->ts % 1000000000ull), e->cpu, comm, e->tid,
		      e->info && e->info->dir == EVD_ENTER ? ">" : "<", type);
	evt_fmt_args(sb, e, fdr);
}
