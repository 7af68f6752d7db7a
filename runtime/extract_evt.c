/* The evt.* and syscall.* fields (libsinsp's event and generic-event
 * checks): number, time in every form, type, direction, category, cpu,
 * parameters rendered and raw, result, error counts, I/O flags and
 * buffer lengths, open flags, latency, host, source, async and
 * infrastructure events. Values are read from the record in place; the
 * state is consulted only for what Falco derives from it (the event's fd
 * for category and buffer lengths, the paired enter event for latency). */
#define _GNU_SOURCE	/* memmem, memrchr */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ppm_flags.h"
#include "runtime/base/evt_fmt.h"
#include "runtime/extract_int.h"
#include "runtime/plugin_lane.h"

/* Open flags and mode bits of the PPM wire format. */

static const char *evt_type_name(const struct evt *e)
{
	uint16_t sc;
	int idx;

	if (!e->info)
		return NULL;
	if ((e->type == PPME_GENERIC_E || e->type == PPME_GENERIC_X) && evt_param_u16(e, 0, &sc)) {
		idx = evt_schema_syscall_by_ppm_sc(sc);
		return idx >= 0 ? evt_schema_syscall_name((size_t)idx) : "syscall";
	}
	if (e->type == PPME_ASYNCEVENT_E)
		return evt_param_str(e, 1);
	return e->info->name;
}

static void fmt_time(struct strbuf *sb, uint64_t ts, bool date, bool ns, bool iso)
{
	time_t secs = (time_t)(ts / 1000000000ull);
	struct tm tm;
	char buf[64];

	if (iso)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), iso ? "%Y-%m-%dT%H:%M:%S" : date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
		 &tm);
	strbuf_adds(sb, buf);
	if (ns)
		strbuf_printf(sb, ".%09" PRIu64, (uint64_t)(ts % 1000000000ull));
	if (iso)
		strbuf_addc(sb, 'Z');
}

/* The old openat enter event carries the flags too, as Falco reads them. */
static void evt_is_open(const struct extract_evt *x, uint32_t id, struct fval *out)
{
	const struct evt *e = x->e;
	bool newer, v = false;
	uint32_t flags = 0, mode = 0;
	int64_t res;

	if (xt_is_open(e->type, &newer) || e->type == PPME_SYSCALL_OPENAT_E) {
		evt_param_u32(e, newer ? 3 : 2, &flags);
		if (id == FID_EVT_IS_OPEN_READ)
			v = flags & PPM_FILE_FLAGS_O_RDONLY;
		else if (id == FID_EVT_IS_OPEN_WRITE)
			v = flags & PPM_FILE_FLAGS_O_WRONLY;
		else if (id == FID_EVT_IS_OPEN_CREATE)
			v = (flags & PPM_FILE_FLAGS_O_F_CREATED) ||
			    ((flags & PPM_FILE_FLAGS_O_TMPFILE) && xt_retval(e, &res) && res >= 0);
		else if ((flags & (PPM_FILE_FLAGS_O_TMPFILE | PPM_FILE_FLAGS_O_CREAT)) &&
			 e->type != PPME_SYSCALL_OPEN_BY_HANDLE_AT_X &&
			 evt_param_u32(e, newer ? 4 : 3, &mode))
			v = mode & (PPM_CHMOD_MODE_S_IXUSR | PPM_CHMOD_MODE_S_IXGRP | PPM_CHMOD_MODE_S_IXOTH);
	} else if (id == FID_EVT_IS_OPEN_EXEC && e->type == PPME_SYSCALL_CREAT_X &&
		   evt_param_u32(e, 2, &mode)) {
		v = mode & (PPM_CHMOD_MODE_S_IXUSR | PPM_CHMOD_MODE_S_IXGRP | PPM_CHMOD_MODE_S_IXOTH);
	}
	fval_set_bool(out, v);
}

/* What the I/O classes say of the event's fd (Falco's subcategory). */
enum io_kind { IO_NONE, IO_FILE, IO_NET, IO_IPC, IO_OTHER };

static enum io_kind io_kind_of(const struct fdi *f)
{
	if (!f)
		return IO_NONE;
	switch (f->type) {
	case FDI_FILE: case FDI_DIRECTORY: return IO_FILE;
	case FDI_IPV4_SOCK: case FDI_IPV6_SOCK: return IO_NET;
	case FDI_PIPE: case FDI_UNIX_SOCK: case FDI_EVENT: case FDI_SIGNALFD: case FDI_INOTIFY:
	case FDI_USERFAULTFD:
		return IO_IPC;
	default: return IO_OTHER;
	}
}

static bool cls_io(uint32_t flags)
{
	uint32_t c = EVF_CLS(flags);

	return c == EVF_CLS_IO_READ || c == EVF_CLS_IO_WRITE || c == EVF_CLS_IO_OTHER;
}

static const char *category_name(const struct extract_evt *x)
{
	static const char *const names[] = {
		"unknown", "other", "file", "net", "IPC", "memory", "process", "sleep", "system",
		"signal", "user", "time", "processing", NULL, NULL, NULL, "wait", "scheduler",
		"internal",
	};
	uint32_t f = x->e->info->flags, c = EVF_CLS(f) >> EVF_CLS_SHIFT;

	if (cls_io(f)) {
		switch (io_kind_of(x->cur.fd)) {
		case IO_FILE: return "file";
		case IO_NET: return "net";
		case IO_IPC: return "ipc";
		default: return "unknown";
		}
	}
	return c < sizeof(names) / sizeof(names[0]) && names[c] ? names[c] : "unknown";
}

/* evt.buflen and its variants: the result of an I/O exit on a known fd. */
static void buflen(const struct extract_evt *x, uint32_t id, struct fval *out)
{
	const struct evt *e = x->e;
	uint32_t c = EVF_CLS(e->info->flags);
	enum io_kind k = io_kind_of(x->cur.fd);
	int64_t v;
	bool in = id == FID_EVT_BUFLEN_IN || id == FID_EVT_BUFLEN_FILE_IN ||
		  id == FID_EVT_BUFLEN_NET_IN;
	bool outw = id == FID_EVT_BUFLEN_OUT || id == FID_EVT_BUFLEN_FILE_OUT ||
		    id == FID_EVT_BUFLEN_NET_OUT;
	bool file = id == FID_EVT_BUFLEN_FILE || id == FID_EVT_BUFLEN_FILE_IN ||
		    id == FID_EVT_BUFLEN_FILE_OUT;
	bool net = id == FID_EVT_BUFLEN_NET || id == FID_EVT_BUFLEN_NET_IN ||
		   id == FID_EVT_BUFLEN_NET_OUT;

	if (!x->cur.fd || !cls_io(e->info->flags) || e->info->dir != EVD_EXIT)
		return;
	if ((in && c != EVF_CLS_IO_READ) || (outw && c != EVF_CLS_IO_WRITE))
		return;
	if ((file && x->cur.fd->type != FDI_FILE) || (net && k != IO_NET))
		return;
	if (xt_retval(e, &v) && v >= 0)
		fval_set_s64(out, v);
}

/* The error counters: 1 when the syscall failed, 0 when it did not, <NA>
 * without a result; the file/net/memory/other variants by the fd's kind
 * or, without one, by the event. */
static void error_count(const struct extract_evt *x, uint32_t id, struct fval *out)
{
	const struct evt *e = x->e;
	enum io_kind k = io_kind_of(x->cur.fd);
	bool open = xt_names_file(e->type) || e->type == PPME_SYSCALL_OPENAT_X;
	bool netev = e->type == PPME_SOCKET_ACCEPT_X || e->type == PPME_SOCKET_ACCEPT_5_X ||
		     e->type == PPME_SOCKET_ACCEPT4_X || e->type == PPME_SOCKET_ACCEPT4_5_X ||
		     e->type == PPME_SOCKET_ACCEPT4_6_X || e->type == PPME_SOCKET_CONNECT_X;
	bool mem = EVF_CLS(e->info->flags) == EVF_CLS_MEMORY;
	bool netfd = k == IO_NET || (x->cur.fd && x->cur.fd->type == FDI_UNIX_SOCK);
	int64_t v;

	switch (id) {
	case FID_EVT_COUNT_ERROR_FILE:
		if (x->cur.fd ? k != IO_FILE : !open)
			return;
		break;
	case FID_EVT_COUNT_ERROR_NET:
		if (x->cur.fd ? !netfd : !netev)
			return;
		break;
	case FID_EVT_COUNT_ERROR_MEMORY:
		if (!mem)
			return;
		break;
	case FID_EVT_COUNT_ERROR_OTHER:
		if (x->cur.fd ? (k == IO_FILE || netfd) : (open || netev || mem))
			return;
		break;
	default:
		break;
	}
	if (!xt_retval(e, &v))
		return;
	fval_set_u64(out, v < 0);
}

/* evt.infra.docker.*: one "Key: value" item of the infrastructure event's
 * description, "Event: ...; ID: ...; name: ...; Image: ...". */
static void infra_item(const struct evt *e, uint32_t id, struct extract_scratch *sc,
		       struct fval *out)
{
	const char *d = e->type == PPME_INFRASTRUCTURE_EVENT_E ? evt_param_str(e, 2) : NULL;
	const char *key = id == FID_EVT_INFRA_DOCKER_NAME	      ? "Event"
			  : id == FID_EVT_INFRA_DOCKER_CONTAINER_ID   ? "ID"
			  : id == FID_EVT_INFRA_DOCKER_CONTAINER_NAME ? "name"
								      : "Image";
	size_t kl = strlen(key);

	while (d && *d) {
		const char *end = strchr(d, ';'), *v, *ve;

		if (!end)
			end = d + strlen(d);
		while (d < end && *d == ' ')
			d++;
		if ((size_t)(end - d) >= kl && !strncmp(d, key, kl) && (v = memchr(d, ':', (size_t)(end - d)))) {
			v++;
			ve = end;
			if (id == FID_EVT_INFRA_DOCKER_CONTAINER_IMAGE) {
				const char *at = memchr(v, '@', (size_t)(ve - v));

				if (at)
					ve = at;
			}
			while (v < ve && *v == ' ')
				v++;
			while (ve > v && ve[-1] == ' ')
				ve--;
			if (id == FID_EVT_INFRA_DOCKER_CONTAINER_ID && ve - v > 12)
				ve = v + 12;
			strbuf_reset(&sc->sb);
			strbuf_add(&sc->sb, v, (size_t)(ve - v));
			xt_sb(out, sc);
			return;
		}
		d = *end ? end + 1 : end;
	}
}

static void latency(const struct extract_evt *x, uint32_t id, struct extract_scratch *sc,
		    struct fval *out)
{
	const struct evt *e = x->e;
	uint64_t d = 0;

	if (EVF_CLS(e->info->flags) == EVF_CLS_INTERNAL)
		return;
	if (x->cur.enter && e->ts >= x->cur.enter->ts)
		d = e->ts - x->cur.enter->ts;
	switch (id) {
	case FID_EVT_LATENCY_HUMAN:
		strbuf_reset(&sc->sb);
		if (d >= 1000000000ull)
			strbuf_printf(&sc->sb, "%.2fs", (double)d / 1e9);
		else if (d >= 1000000ull)
			strbuf_printf(&sc->sb, "%.2fms", (double)d / 1e6);
		else if (d >= 1000ull)
			strbuf_printf(&sc->sb, "%.2fus", (double)d / 1e3);
		else
			strbuf_printf(&sc->sb, "%" PRIu64 "ns", d);
		xt_sb(out, sc);
		break;
	case FID_EVT_LATENCY_QUANTIZED:
		if (d) {
			double l = log10((double)d);

			fval_set_u64(out, (uint64_t)((l > 11 ? 11 : l) * 256 / 11) + 1);
		}
		break;
	case FID_EVT_WAIT_LATENCY:
		if ((e->info->flags & EVF_WAITS) && e->info->dir == EVD_EXIT)
			fval_set_u64(out, d);
		break;
	default:
		fval_set_u64(out, id == FID_EVT_LATENCY_S ? d / 1000000000ull
			      : id == FID_EVT_LATENCY_NS ? d % 1000000000ull : d);
		break;
	}
}

static bool evt_field(const struct extract_evt *x, uint32_t id, const char *arg,
		     struct extract_scratch *sc, struct fval *out)
{
	const struct evt *e = x->e, *ev;
	struct evt_fmt_fd fdr;
	uint32_t i;
	int64_t v;

	xt_none(out);
	switch (id) {
	case FID_EVT_NUM: fval_set_u64(out, x->num); break;
	case FID_EVT_TIME: case FID_EVT_TIME_S: case FID_EVT_TIME_ISO8601: case FID_EVT_DATETIME:
	case FID_EVT_DATETIME_S:
		strbuf_reset(&sc->sb);
		fmt_time(&sc->sb, e->ts, id == FID_EVT_DATETIME || id == FID_EVT_DATETIME_S,
			 id != FID_EVT_TIME_S && id != FID_EVT_DATETIME_S, id == FID_EVT_TIME_ISO8601);
		xt_sb(out, sc);
		break;
	case FID_EVT_RAWTIME: case FID_EVT_OUTPUTTIME: fval_set_u64(out, e->ts); break;
	case FID_EVT_RAWTIME_S: fval_set_u64(out, e->ts / 1000000000ull); break;
	case FID_EVT_RAWTIME_NS: fval_set_u64(out, e->ts % 1000000000ull); break;
	case FID_EVT_RELTIME: fval_set_u64(out, e->ts - x->first_ts); break;
	case FID_EVT_RELTIME_S: fval_set_u64(out, (e->ts - x->first_ts) / 1000000000ull); break;
	case FID_EVT_RELTIME_NS: fval_set_u64(out, (e->ts - x->first_ts) % 1000000000ull); break;
	case FID_EVT_DELTATIME: fval_set_u64(out, x->prev_ts ? e->ts - x->prev_ts : 0); break;
	case FID_EVT_DELTATIME_S:
		fval_set_u64(out, (x->prev_ts ? e->ts - x->prev_ts : 0) / 1000000000ull);
		break;
	case FID_EVT_DELTATIME_NS:
		fval_set_u64(out, (x->prev_ts ? e->ts - x->prev_ts : 0) % 1000000000ull);
		break;
	case FID_EVT_TYPE: xt_cstr(out, evt_type_name(e)); break;
	case FID_SYSCALL_TYPE:
		if (e->info && (e->info->flags & EVF_SYSCALL))
			xt_cstr(out, evt_type_name(e));
		break;
	case FID_EVT_TYPE_IS:
		if (arg)
			fval_set_u64(out, evt_type_name(e) && !strcmp(evt_type_name(e), arg));
		break;
	case FID_EVT_DIR:
		if (e->info)
			xt_cstr(out, e->info->dir == EVD_ENTER ? ">" : "<");
		break;
	case FID_EVT_CPU: fval_set_s64(out, e->cpu); break;
	case FID_EVT_INFO: {
		struct xt_syslog m;

		if (xt_syslog_decode(x, &m)) {
			strbuf_reset(&sc->sb);
			strbuf_printf(&sc->sb, "syslog sev=%s msg=", xt_syslog_severity(m.severity));
			strbuf_add(&sc->sb, m.msg, m.msg_len);
			xt_sb(out, sc);
			break;
		}
	}
		/* fall through */
	case FID_EVT_ARGS:
		strbuf_reset(&sc->sb);
		extract_fmt_ctx(x, &fdr);
		evt_fmt_args(&sc->sb, e, &fdr);
		xt_sb(out, sc);
		break;
	case FID_EVT_ARG:
		if (xt_param_by_arg(x, arg, &ev, &i)) {
			strbuf_reset(&sc->sb);
			extract_fmt_ctx(x, &fdr);
			evt_fmt_param(&sc->sb, ev, i, &fdr);
			xt_sb(out, sc);
		}
		break;
	case FID_EVT_RAWARG:
		if (xt_param_by_arg(x, arg, &ev, &i))
			xt_raw_param(ev, i, out);
		break;
	case FID_EVT_ABSPATH:
		if (arg && !strcmp(arg, "src"))
			xt_abspath(x, "oldpath", sc, out);
		else if (arg && !strcmp(arg, "dst"))
			xt_abspath(x, "newpath", sc, out);
		else if (!xt_abspath(x, "name", sc, out) && !xt_abspath(x, "path", sc, out))
			xt_abspath(x, "pathname", sc, out);
		break;
	case FID_EVT_BUFFER:
		if (xt_param_find(x, "data", &ev, &i))
			xt_raw_param(ev, i, out);
		break;
	case FID_EVT_BUFLEN: case FID_EVT_BUFLEN_IN: case FID_EVT_BUFLEN_OUT:
	case FID_EVT_BUFLEN_FILE: case FID_EVT_BUFLEN_FILE_IN: case FID_EVT_BUFLEN_FILE_OUT:
	case FID_EVT_BUFLEN_NET: case FID_EVT_BUFLEN_NET_IN: case FID_EVT_BUFLEN_NET_OUT:
		if (e->info)
			buflen(x, id, out);
		break;
	case FID_EVT_RES:
		if (xt_retval(e, &v)) {
			if (v >= 0) {
				xt_cstr(out, "SUCCESS");
			} else {
				strbuf_reset(&sc->sb);
				extract_fmt_ctx(x, &fdr);
				evt_fmt_param(&sc->sb, e, 0, &fdr);
				xt_sb(out, sc);
			}
		}
		break;
	case FID_EVT_RAWRES: if (xt_retval(e, &v)) fval_set_s64(out, v); break;
	case FID_EVT_FAILED: if (xt_retval(e, &v)) fval_set_bool(out, v < 0); break;
	case FID_EVT_COUNT: fval_set_u64(out, 1); break;
	case FID_EVT_COUNT_ERROR: case FID_EVT_COUNT_ERROR_FILE: case FID_EVT_COUNT_ERROR_NET:
	case FID_EVT_COUNT_ERROR_MEMORY: case FID_EVT_COUNT_ERROR_OTHER:
		if (e->info)
			error_count(x, id, out);
		break;
	case FID_EVT_COUNT_EXIT: if (e->info && e->info->dir == EVD_EXIT) fval_set_u64(out, 1); break;
	case FID_EVT_COUNT_PROCINFO:
		fval_set_u64(out, e->type == PPME_PROCINFO_E && x->cur.thr &&
					  x->cur.thr->tid == x->cur.thr->pid);
		break;
	case FID_EVT_COUNT_THREADINFO: fval_set_u64(out, e->type == PPME_PROCINFO_E); break;
	case FID_EVT_IS_IO:
		fval_set_bool(out, e->info && (e->info->flags & (EVF_READS_FD | EVF_WRITES_FD)));
		break;
	case FID_EVT_IS_IO_READ: fval_set_bool(out, e->info && (e->info->flags & EVF_READS_FD)); break;
	case FID_EVT_IS_IO_WRITE: fval_set_bool(out, e->info && (e->info->flags & EVF_WRITES_FD)); break;
	case FID_EVT_IO_DIR:
		if (e->info && (e->info->flags & EVF_WRITES_FD))
			xt_cstr(out, "write");
		else if (e->info && (e->info->flags & EVF_READS_FD))
			xt_cstr(out, "read");
		break;
	case FID_EVT_IS_WAIT: fval_set_bool(out, e->info && (e->info->flags & EVF_WAITS)); break;
	case FID_EVT_IS_SYSLOG:
		fval_set_bool(out, e->info && (e->info->flags & EVF_WRITES_FD) && x->cur.fd &&
					   memmem(x->cur.fd->name, x->cur.fd->name_len, "/dev/log", 8));
		break;
	case FID_EVT_IS_ASYNC: fval_set_bool(out, e->type == PPME_ASYNCEVENT_E); break;
	case FID_EVT_ASYNCTYPE:
		if (e->type == PPME_ASYNCEVENT_E)
			xt_cstr(out, evt_param_str(e, 1));
		break;
	case FID_EVT_IS_OPEN_READ: case FID_EVT_IS_OPEN_WRITE: case FID_EVT_IS_OPEN_EXEC:
	case FID_EVT_IS_OPEN_CREATE:
		evt_is_open(x, id, out);
		break;
	case FID_EVT_CATEGORY: if (e->info) xt_cstr(out, category_name(x)); break;
	case FID_EVT_HOSTNAME: xt_cstr(out, x->hostname); break;
	case FID_EVT_SOURCE: xt_cstr(out, x->source_name ? x->source_name : "syscall"); break;
	case FID_EVT_LATENCY: case FID_EVT_LATENCY_S: case FID_EVT_LATENCY_NS:
	case FID_EVT_LATENCY_HUMAN: case FID_EVT_LATENCY_QUANTIZED: case FID_EVT_WAIT_LATENCY:
		if (e->info && x->cur.thr)
			latency(x, id, sc, out);
		break;
	case FID_EVT_INFRA_DOCKER_NAME: case FID_EVT_INFRA_DOCKER_CONTAINER_ID:
	case FID_EVT_INFRA_DOCKER_CONTAINER_NAME: case FID_EVT_INFRA_DOCKER_CONTAINER_IMAGE:
		infra_item(e, id, sc, out);
		break;
	case FID_EVT_PLUGINNAME:
		if (x->plugins)
			xt_cstr(out, plugin_lane_event_plugin(x->plugins, e));
		break;
	case FID_EVT_PLUGININFO:
		if (x->plugins) {
			char buf[1024];
			const char *s = plugin_lane_event_info(x->plugins, e, x->num, buf, sizeof(buf));

			if (s) {
				strbuf_reset(&sc->sb);
				strbuf_adds(&sc->sb, s);
				xt_sb(out, sc);
			}
		}
		break;
	case FID_EVT_AROUND:
		/* compiled into a time-window test on evt.rawtime (lower.c) */
		break;
	default:
		return false;
	}
	return true;
}

XT_FAMILY(evt, evt_field)
