/* Rendering of event parameters as text, Falco's way, and the value tables
 * of bpf/shared/flags.def (see evt_fmt.h for the rules followed).
 *
 * Each parameter renders into the caller's strbuf as its raw text followed
 * directly by its resolved text; the position between the two is kept, and
 * the result is then cut down to what the field shows (evt.arg: resolved
 * or raw) or wrapped (evt.args: raw(resolved)). No scratch buffers. */
#include "ppm_flags.h"
#include "runtime/base/evt_fmt.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/strbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* PPM encodings (driver ABI) that rendering tests. */
#define PPM_AT_FDCWD (-100)

/* ---- flags.def as tables ----------------------------------------------- */

#define FT_BITS EVT_FMT_BITS
#define FT_ENUM EVT_FMT_ENUM
#define FT_MODE EVT_FMT_MODE

#define FT(name, kind) static const struct evt_fmt_value values_##name[] = {
#define FV(name, value) { name, value },
#define FT_END() };
#define DT(name) static const struct evt_fmt_dyn_variant variants_##name[] = {
#define DV(idx, type, fmt) [idx] = { type, fmt },
#define DT_END() };
#include "bpf/shared/flags.def"
#undef FT
#undef FV
#undef FT_END
#undef DT
#undef DV
#undef DT_END

#define FV(name, value)
#define FT_END()
#define DV(idx, type, fmt)
#define DT_END()

static const struct evt_fmt_table g_tables[] = {
#define FT(name_, kind_) { .name = #name_, .kind = kind_, .n = ARRAY_SIZE(values_##name_), .v = values_##name_ },
#define DT(name)
#include "bpf/shared/flags.def"
#undef FT
#undef DT
};

static const struct evt_fmt_dyn_table g_dyn_tables[] = {
#define FT(name, kind)
#define DT(name_) { .name = #name_, .n = ARRAY_SIZE(variants_##name_), .v = variants_##name_ },
#include "bpf/shared/flags.def"
#undef FT
#undef DT
};

#undef FV
#undef FT_END
#undef DV
#undef DT_END

const struct evt_fmt_table *evt_fmt_table(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(g_tables); i++)
		if (!strcmp(g_tables[i].name, name))
			return &g_tables[i];
	return NULL;
}

const struct evt_fmt_dyn_table *evt_fmt_dyn_table(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(g_dyn_tables); i++)
		if (!strcmp(g_dyn_tables[i].name, name))
			return &g_dyn_tables[i];
	return NULL;
}

size_t evt_fmt_table_count(void)
{
	return ARRAY_SIZE(g_tables);
}

const struct evt_fmt_table *evt_fmt_table_at(size_t idx)
{
	return idx < ARRAY_SIZE(g_tables) ? &g_tables[idx] : NULL;
}

const char *evt_fmt_flag_name(const char *table, uint64_t value)
{
	const struct evt_fmt_table *t = evt_fmt_table(table);

	if (!t)
		return NULL;
	for (uint32_t i = 0; i < t->n; i++)
		if (t->v[i].value == value)
			return t->v[i].name;
	return NULL;
}

bool evt_fmt_flag_value(const char *table, const char *name, uint64_t *value)
{
	const struct evt_fmt_table *t = evt_fmt_table(table);

	for (uint32_t i = 0; t && i < t->n; i++) {
		if (!strcmp(t->v[i].name, name)) {
			*value = t->v[i].value;
			return true;
		}
	}
	return false;
}

static void add_name(struct strbuf *sb, bool *first, const char *name)
{
	if (!*first)
		strbuf_addc(sb, '|');
	strbuf_adds(sb, name);
	*first = false;
}

static void flags_of(struct strbuf *sb, const struct evt_fmt_table *t, uint64_t value)
{
	uint64_t left = value;
	bool first = true;

	for (uint32_t i = 0; t && i < t->n; i++) {
		uint64_t f = t->v[i].value;

		if (f ? left && (left & f) == f : !value) {
			add_name(sb, &first, t->v[i].name);
			left &= ~f;
			if (f == value)
				break;
		}
	}
}

static void enum_of(struct strbuf *sb, const struct evt_fmt_table *t, uint64_t value)
{
	bool first = true;

	for (uint32_t i = 0; t && i < t->n; i++)
		if (t->v[i].value == value)
			add_name(sb, &first, t->v[i].name);
}

static void mode_of(struct strbuf *sb, const struct evt_fmt_table *t, uint64_t value)
{
	uint64_t left = value;
	bool first = true;
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < t->n && t->v[i].value != value; i++) {
		uint64_t f = t->v[i].value;

		if (f ? left && (left & f) == f : !value) {
			add_name(sb, &first, t->v[i].name);
			left &= ~f;
		}
	}
	if (i < t->n)
		add_name(sb, &first, t->v[i].name);
}

void evt_fmt_flags(struct strbuf *sb, const char *table, uint64_t value)
{
	flags_of(sb, evt_fmt_table(table), value);
}

void evt_fmt_enum(struct strbuf *sb, const char *table, uint64_t value)
{
	enum_of(sb, evt_fmt_table(table), value);
}

void evt_fmt_mode(struct strbuf *sb, const char *table, uint64_t value)
{
	mode_of(sb, evt_fmt_table(table), value);
}

/* ---- errno and signal names -------------------------------------------- */

static const char *const g_errnos[] = {
	[1] = "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC",
	"EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY",
	"EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE",
	"ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE",
	"EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
	"ELOOP", [42] = "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST",
	"ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO",
	"EBADRQC", "EBADSLT", [59] = "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR",
	"ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO",
	"EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG",
	"ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART",
	"ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE",
	"ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
	"EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH",
	"ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN",
	"ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN",
	"EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM",
	"ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE",
	"ECANCELED",
};
_Static_assert(ARRAY_SIZE(g_errnos) == 126, "errno names end at ECANCELED (125)");

/* Kernel-internal codes, from 512, that leak to user space in traces. */
static const char *const g_errnos_kernel[] = {
	"ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ENOIOCTLCMD",
	"ERESTART_RESTARTBLOCK", [9] = "EBADHANDLE", "ENOTSYNC", "EBADCOOKIE", "ENOTSUPP",
	"ETOOSMALL", "ESERVERFAULT", "EBADTYPE", "EJUKEBOX", "EIOCBQUEUED", "EIOCBRETRY",
};

static const char *const g_signals[] = {
	[1] = "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
	"SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
	"SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
	"SIGIO", "SIGPWR", "SIGSYS",
};
_Static_assert(ARRAY_SIZE(g_signals) == 32, "signal names 1..31");

const char *evt_fmt_errno_name(int64_t err)
{
	if (err > 0 && err < (int64_t)ARRAY_SIZE(g_errnos))
		return g_errnos[err];
	if (err >= 512 && err < 512 + (int64_t)ARRAY_SIZE(g_errnos_kernel))
		return g_errnos_kernel[err - 512];
	return NULL;
}

const char *evt_fmt_signal_name(uint64_t sig)
{
	return sig < ARRAY_SIZE(g_signals) ? g_signals[sig] : NULL;
}

/* ---- one parameter ------------------------------------------------------ */

/* What a rendering is for: which of raw and resolved text is kept. */
enum shape {
	SHAPE_ARG,	/* evt.arg: resolved if any, else raw */
	SHAPE_ARGS,	/* evt.args: raw, or raw(resolved) */
};

/* Reads a fixed-size integer; sign-extends when sgn. */
static bool get_int(const uint8_t *p, uint32_t len, uint32_t want, bool sgn, int64_t *v)
{
	if (len != want)
		return false;
	switch (len) {
	case 1: *v = sgn ? (int8_t)p[0] : (int64_t)p[0]; return true;
	case 2: { uint16_t x; memcpy(&x, p, 2); *v = sgn ? (int16_t)x : (int64_t)x; return true; }
	case 4: { uint32_t x; memcpy(&x, p, 4); *v = sgn ? (int32_t)x : (int64_t)x; return true; }
	case 8: { uint64_t x; memcpy(&x, p, 8); *v = (int64_t)x; return true; }
	default: return false;
	}
}

/* A number in base fmt as Falco prints an integer of width w: decimal
 * signed (an int for w <= 4), hex upper case and octal "%#o" of the value
 * as unsigned int (w <= 4) or unsigned 64-bit. */
static void add_num(struct strbuf *sb, int64_t v, uint32_t w, uint8_t fmt)
{
	uint64_t u = w <= 4 ? (uint32_t)v : (uint64_t)v;

	switch (fmt) {
	case PF_OCT: strbuf_printf(sb, "%#" PRIo64, u); break;
	case PF_HEX: strbuf_printf(sb, "%" PRIX64, u); break;
	case PF_10_PADDED_DEC: strbuf_printf(sb, "%09" PRId64, v); break;
	default: strbuf_add_i64(sb, v); break;
	}
}

/* A string parameter: up to its first NUL, never past its end. */
static void add_str(struct strbuf *sb, const uint8_t *p, uint32_t len)
{
	const uint8_t *z = memchr(p, 0, len);

	strbuf_add(sb, (const char *)p, z ? (size_t)(z - p) : len);
}

static void add_dots(struct strbuf *sb, const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		strbuf_addc(sb, p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.');
}

/* NUL-separated strings (a trailing NUL optional), joined by sep. For pairs,
 * items alternate between pair_sep and sep. */
static void add_str_array(struct strbuf *sb, const uint8_t *p, uint32_t len, char sep, char pair_sep)
{
	uint32_t i = 0, n = 0;

	while (i < len) {
		const uint8_t *z = memchr(p + i, 0, len - i);
		uint32_t l = z ? (uint32_t)(z - (p + i)) : len - i;

		if (n)
			strbuf_addc(sb, pair_sep && (n & 1) ? pair_sep : sep);
		strbuf_add(sb, (const char *)p + i, l);
		i += l + 1;
		n++;
	}
}

static void add_ip4_port(struct strbuf *sb, const uint8_t *ip, const uint8_t *port)
{
	uint16_t po;

	memcpy(&po, port, 2);
	strbuf_printf(sb, "%u.%u.%u.%u:%u", ip[0], ip[1], ip[2], ip[3], po);
}

static void add_ip6(struct strbuf *sb, const uint8_t *ip)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, ip, buf, sizeof(buf)))
		strbuf_adds(sb, buf);
}

static void add_ip6_port(struct strbuf *sb, const uint8_t *ip, const uint8_t *port)
{
	uint16_t po;

	memcpy(&po, port, 2);
	add_ip6(sb, ip);
	strbuf_printf(sb, ":%u", po);
}

/* ::ffff:a.b.c.d, or :: (taken for an IPv4 socket not yet connected). */
static bool ip6_is_v4(const uint8_t *ip)
{
	static const uint8_t zero[16];

	return !memcmp(ip, zero, 10) &&
	       ((ip[10] == 0xff && ip[11] == 0xff) || !memcmp(ip + 10, zero, 6));
}

static void add_invalid_family(struct strbuf *sb, uint8_t fam, const char *other)
{
	strbuf_adds(sb, fam == PPM_SOCKET_FAMILIES_AF_UNIX ? "INVALID PATH" :
			fam == PPM_SOCKET_FAMILIES_AF_INET ? "INVALID IPv4" :
			fam == PPM_SOCKET_FAMILIES_AF_INET6 ? "INVALID IPv6" : other);
}

static void add_sockaddr(struct strbuf *sb, const uint8_t *p, uint32_t len)
{
	switch (p[0]) {
	case PPM_SOCKET_FAMILIES_AF_INET:
		if (len < 7)
			break;
		add_ip4_port(sb, p + 1, p + 5);
		return;
	case PPM_SOCKET_FAMILIES_AF_INET6:
		if (len < 19)
			break;
		add_ip6_port(sb, p + 1, p + 17);
		return;
	case PPM_SOCKET_FAMILIES_AF_UNIX:
		if (len < 2 || p[len - 1])
			break;
		add_str(sb, p + 1, len - 1);
		return;
	default:
		strbuf_printf(sb, "family %u", p[0]);
		return;
	}
	add_invalid_family(sb, p[0], "INVALID SOCKADDR");
}

static void add_socktuple(struct strbuf *sb, const uint8_t *p, uint32_t len)
{
	switch (p[0]) {
	case PPM_SOCKET_FAMILIES_AF_INET:
		if (len < 13)
			break;
		add_ip4_port(sb, p + 1, p + 5);
		strbuf_adds(sb, "->");
		add_ip4_port(sb, p + 7, p + 11);
		return;
	case PPM_SOCKET_FAMILIES_AF_INET6:
		if (len < 37)
			break;
		if (ip6_is_v4(p + 1) && ip6_is_v4(p + 19)) {
			add_ip4_port(sb, p + 13, p + 17);
			strbuf_adds(sb, "->");
			add_ip4_port(sb, p + 31, p + 35);
		} else {
			add_ip6_port(sb, p + 1, p + 17);
			strbuf_adds(sb, "->");
			add_ip6_port(sb, p + 19, p + 35);
		}
		return;
	case PPM_SOCKET_FAMILIES_AF_UNIX: {
		uint64_t s, d;

		if (len < 18 || p[len - 1])
			break;
		memcpy(&s, p + 1, 8);
		memcpy(&d, p + 9, 8);
		strbuf_printf(sb, "%" PRIx64 "->%" PRIx64 " ", s, d);
		add_str(sb, p + 17, len - 17);
		return;
	}
	default:
		strbuf_printf(sb, "family %u", p[0]);
		return;
	}
	add_invalid_family(sb, p[0], "INVALID SOCKTUPLE");
}

static void add_fdlist(struct strbuf *sb, const uint8_t *p, uint32_t len, const struct evt_fmt_fd *fdr)
{
	uint16_t n;

	if (!fdr || len < 2)
		return;
	memcpy(&n, p, 2);
	for (uint32_t j = 0, pos = 2; j < n && pos + 10 <= len; j++, pos += 10) {
		char tc[2] = { 0, 0 };
		const char *name;
		uint64_t fd;
		int16_t fl;

		memcpy(&fd, p + pos, 8);
		memcpy(&fl, p + pos + 8, 2);
		if (!fdr->lookup || !fdr->lookup(fdr->ctx, (int64_t)fd, tc, &name) || !tc[0])
			tc[0] = '?';
		strbuf_printf(sb, "%s%" PRIu64 ":%c%x", j ? " " : "", fd, tc[0], (uint32_t)(int32_t)fl);
	}
}

static void add_sigset(struct strbuf *sb, uint32_t set)
{
	bool first = true;

	for (uint32_t sig = 0; sig < 32; sig++) {
		const char *n = (set >> sig) & 1 ? evt_fmt_signal_name(sig + 1) : NULL;

		if (n) {
			strbuf_printf(sb, "%s%s", first ? "" : " ", n);
			first = false;
		}
	}
}

static void add_abstime(struct strbuf *sb, uint64_t ts)
{
	time_t secs = (time_t)(ts / 1000000000ull);
	struct tm tm;
	char buf[32];

	if (!localtime_r(&secs, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm)) {
		strbuf_adds(sb, "<invalid>");
		return;
	}
	strbuf_printf(sb, "%s.%09" PRIu64, buf, (uint64_t)(ts % 1000000000u));
}

/* The dirfd a path parameter is relative to: the dirfd parameter's value
 * for PT_FSRELPATH when that parameter is an fd, else the cwd. */
static int64_t base_dirfd(const struct evt *e, const struct evt_param_info *pi)
{
	int64_t dfd;

	if (pi->type != PT_FSRELPATH || pi->dirfd < 0 || (uint32_t)pi->dirfd >= e->info->nparams ||
	    e->info->params[pi->dirfd].type != PT_FD || !evt_param_s64(e, (uint32_t)pi->dirfd, &dfd))
		return PPM_AT_FDCWD;
	return dfd;
}

static void add_fd_resolved(struct strbuf *sb, int64_t fd, const struct evt_fmt_fd *fdr)
{
	const char *name;
	char tc[3] = { 0, 0, 0 };

	if (!fdr)
		return;
	if (fd >= 0) {
		if (fdr->lookup && fdr->lookup(fdr->ctx, fd, tc, &name))
			strbuf_printf(sb, "<%s>%s", tc, name ? name : "");
	} else if (fd == PPM_AT_FDCWD) {
		strbuf_adds(sb, "AT_FDCWD");
	} else if ((name = evt_fmt_errno_name(-(int64_t)(int32_t)fd)) != NULL) {
		strbuf_adds(sb, name);
	}
}

/* Appends the raw text of a value of type (after the empty check), then
 * sets *res to where the resolved text starts and appends it. pi is the
 * schema entry of the (outer) parameter: it gives fmt and aux. */
static void render(struct strbuf *sb, size_t *res, const struct evt *e, const struct evt_param_info *pi,
		   uint8_t type, const uint8_t *p, uint32_t len, const struct evt_fmt_fd *fdr, int depth)
{
	uint8_t fmt = pi->fmt;
	const char *s;
	int64_t v;

	*res = SIZE_MAX;
	switch (type) {
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64:
	case PT_UINT8: case PT_UINT16: case PT_UINT32: case PT_UINT64:
	case PT_PORT: case PT_L4PROTO: case PT_SOCKFAMILY: case PT_BOOL: {
		/* Width and signedness as Falco reads them: unsigned 8/16-bit
		 * values promote to int, 32/64-bit ones print as signed. */
		static const uint8_t width[PT_MAX] = {
			[PT_INT8] = 1, [PT_INT16] = 2, [PT_INT32] = 4, [PT_INT64] = 8,
			[PT_UINT8] = 1, [PT_UINT16] = 2, [PT_UINT32] = 4, [PT_UINT64] = 8,
			[PT_PORT] = 2, [PT_L4PROTO] = 1, [PT_SOCKFAMILY] = 1, [PT_BOOL] = 4,
		};
		bool sgn = type <= PT_INT64 || type == PT_UINT32 || type == PT_UINT64 || type == PT_BOOL;

		if (!get_int(p, len, width[type], sgn, &v))
			break;
		add_num(sb, v, width[type], fmt);
		*res = sb->len;
		return;
	}
	case PT_ERRNO:
		if (!get_int(p, len, 8, true, &v))
			break;
		strbuf_add_i64(sb, v);
		*res = sb->len;
		if (v < 0 && (s = evt_fmt_errno_name(-(int64_t)(int32_t)v)) != NULL)
			strbuf_adds(sb, s);
		return;
	case PT_FD: case PT_FD32:
		if (!get_int(p, len, type == PT_FD ? 8 : 4, true, &v))
			break;
		strbuf_add_i64(sb, v);
		*res = sb->len;
		add_fd_resolved(sb, v, fdr);
		return;
	case PT_PID: case PT_PID32:
		if (!get_int(p, len, type == PT_PID ? 8 : 4, true, &v))
			break;
		strbuf_add_i64(sb, v);
		*res = sb->len;
		if (fdr && fdr->comm && fdr->comm(fdr->ctx, v, &s) && s)
			strbuf_adds(sb, s);
		return;
	case PT_UID: case PT_GID: {
		bool (*cb)(void *, uint32_t, const char **) =
			!fdr ? NULL : type == PT_UID ? fdr->user : fdr->group;

		if (!get_int(p, len, 4, false, &v))
			break;
		if (v == UINT32_MAX) {
			strbuf_adds(sb, "-1");
			*res = sb->len;
			strbuf_adds(sb, "<NONE>");
			return;
		}
		strbuf_add_i64(sb, (int32_t)(uint32_t)v);
		*res = sb->len;
		strbuf_adds(sb, cb && cb(fdr->ctx, (uint32_t)v, &s) && s && s[0] ? s : "<NA>");
		return;
	}
	case PT_CHARBUF:
		add_str(sb, p, len);
		*res = sb->len;
		return;
	case PT_FSPATH: case PT_FSRELPATH: {
		size_t start = sb->len;

		add_str(sb, p, len);
		*res = sb->len;
		if (sb->oom || sb->len == start || sb->buf[start] == '/' || !fdr || !fdr->abspath)
			return;
		/* The callback appends to sb, which may move its buffer: it
		 * gets a copy of the relative path. */
		{
			char rel[4096];
			size_t n = sb->len - start;

			if (n >= sizeof(rel))
				return;
			memcpy(rel, sb->buf + start, n);
			rel[n] = '\0';
			if (!fdr->abspath(fdr->ctx, base_dirfd(e, pi), rel, sb)) {
				sb->len = *res;
				if (sb->buf)
					sb->buf[sb->len] = '\0';
			}
		}
		return;
	}
	case PT_BYTEBUF:
		add_dots(sb, p, len);
		*res = sb->len;
		return;
	case PT_SOCKADDR:
		add_sockaddr(sb, p, len);
		*res = sb->len;
		return;
	case PT_SOCKTUPLE:
		add_socktuple(sb, p, len);
		*res = sb->len;
		return;
	case PT_FDLIST:
		add_fdlist(sb, p, len, fdr);
		*res = sb->len;
		return;
	case PT_SYSCALLID: {
		int idx;

		if (!get_int(p, len, 2, false, &v))
			break;
		strbuf_add_i64(sb, v);
		*res = sb->len;
		if ((idx = evt_schema_syscall_by_ppm_sc((uint16_t)v)) >= 0)
			strbuf_adds(sb, evt_schema_syscall_name((size_t)idx));
		return;
	}
	case PT_SIGTYPE:
		if (!get_int(p, len, 1, false, &v))
			break;
		strbuf_add_i64(sb, v);
		*res = sb->len;
		if ((s = evt_fmt_signal_name((uint64_t)v)) != NULL)
			strbuf_adds(sb, s);
		return;
	case PT_SIGSET:
		if (!get_int(p, len, 4, false, &v))
			break;
		add_sigset(sb, (uint32_t)v);
		*res = sb->len;
		return;
	case PT_RELTIME:
		if (!get_int(p, len, 8, false, &v))
			break;
		if (v == -1) {
			strbuf_adds(sb, "none");
			*res = sb->len;
			return;
		}
		strbuf_add_u64(sb, (uint64_t)v);
		*res = sb->len;
		strbuf_printf(sb, "%gs", (double)(uint64_t)v / 1000000000);
		return;
	case PT_ABSTIME:
		if (!get_int(p, len, 8, false, &v))
			break;
		add_abstime(sb, (uint64_t)v);
		*res = sb->len;
		return;
	case PT_FLAGS8: case PT_FLAGS16: case PT_FLAGS32:
	case PT_ENUMFLAGS8: case PT_ENUMFLAGS16: case PT_ENUMFLAGS32: {
		uint32_t w = type == PT_FLAGS8 || type == PT_ENUMFLAGS8 ? 1 :
			     type == PT_FLAGS16 || type == PT_ENUMFLAGS16 ? 2 : 4;
		const struct evt_fmt_table *t =
			pi->aux_kind == PA_KIND_FLAGS ? evt_fmt_table(pi->aux_table) : NULL;

		if (!get_int(p, len, w, false, &v))
			break;
		strbuf_add_u64(sb, (uint64_t)v);
		*res = sb->len;
		if (type >= PT_ENUMFLAGS8)
			enum_of(sb, t, (uint64_t)v);
		else
			flags_of(sb, t, (uint64_t)v);
		return;
	}
	case PT_MODE:
		if (!get_int(p, len, 4, false, &v))
			break;
		add_num(sb, (int32_t)(uint32_t)v, 4, fmt);
		*res = sb->len;
		mode_of(sb, pi->aux_kind == PA_KIND_FLAGS ? evt_fmt_table(pi->aux_table) : NULL,
			(uint64_t)v);
		return;
	case PT_DYN: {
		const struct evt_fmt_dyn_table *t =
			pi->aux_kind == PA_KIND_DYN ? evt_fmt_dyn_table(pi->aux_table) : NULL;

		if (depth || !t || p[0] >= t->n || t->v[p[0]].type == PT_DYN) {
			strbuf_adds(sb, "INVALID DYNAMIC PARAMETER");
			*res = sb->len;
			return;
		}
		render(sb, res, e, pi, t->v[p[0]].type, p + 1, len - 1, fdr, depth + 1);
		return;
	}
	case PT_CHARBUFARRAY:
		add_str_array(sb, p, len, '.', 0);
		*res = sb->len;
		return;
	case PT_CHARBUF_PAIR_ARRAY:
		add_str_array(sb, p, len, ',', ':');
		*res = sb->len;
		return;
	case PT_IPV4ADDR:
		if (len != 4)
			break;
		strbuf_printf(sb, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
		*res = sb->len;
		return;
	case PT_IPV6ADDR: case PT_IPADDR:
		if (len == 4 && type == PT_IPADDR) {
			strbuf_printf(sb, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
		} else if (len == 16) {
			add_ip6(sb, p);
		} else {
			break;
		}
		*res = sb->len;
		return;
	case PT_DOUBLE: {
		double d;

		if (len != 8)
			break;
		memcpy(&d, p, 8);
		strbuf_printf(sb, "%g", d);
		*res = sb->len;
		return;
	}
	default:
		strbuf_adds(sb, "(n.a.)");
		*res = sb->len;
		return;
	}
	strbuf_adds(sb, "<invalid>");
	*res = sb->len;
}

/* Renders parameter i at the end of sb in the given shape. */
static void param_shaped(struct strbuf *sb, const struct evt *e, uint32_t i, const struct evt_fmt_fd *fdr,
			 enum shape shape)
{
	const struct evt_param_info *pi;
	const uint8_t *p;
	size_t start = sb->len, res, end;
	uint32_t len;

	if (!e->info || i >= e->info->nparams || !(p = evt_param(e, i, &len))) {
		strbuf_adds(sb, "<NA>");
		return;
	}
	pi = &e->info->params[i];
	if (!len || ((pi->type == PT_CHARBUF || pi->type == PT_FSPATH || pi->type == PT_FSRELPATH) &&
		     len == 7 && !memcmp(p, "(NULL)", 7))) {
		switch (pi->type) {
		case PT_BYTEBUF: case PT_SOCKTUPLE: case PT_FDLIST: case PT_CHARBUFARRAY:
		case PT_CHARBUF_PAIR_ARRAY: case PT_DYN:
			strbuf_adds(sb, "NULL");
			return;
		default:
			strbuf_adds(sb, "<NA>");
			return;
		}
	}
	render(sb, &res, e, pi, pi->type, p, len, fdr, 0);
	end = sb->len;
	if (sb->oom || res >= end)
		return;
	if (shape == SHAPE_ARG) {
		memmove(sb->buf + start, sb->buf + res, end - res);
		sb->len = start + (end - res);
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_add(sb, "()", 2);
	if (sb->oom)
		return;
	memmove(sb->buf + res + 1, sb->buf + res, end - res);
	sb->buf[res] = '(';
	sb->buf[end + 1] = ')';
}

void evt_fmt_param(struct strbuf *sb, const struct evt *e, uint32_t i, const struct evt_fmt_fd *fdr)
{
	param_shaped(sb, e, i, fdr, SHAPE_ARG);
}

void evt_fmt_args(struct strbuf *sb, const struct evt *e, const struct evt_fmt_fd *fdr)
{
	if (!e->info || e->type == PPME_GENERIC_X)
		return;
	for (uint32_t i = 0; i < e->nparams && i < e->info->nparams; i++) {
		if (i)
			strbuf_addc(sb, ' ');
		strbuf_adds(sb, e->info->params[i].name);
		strbuf_addc(sb, '=');
		param_shaped(sb, e, i, fdr, SHAPE_ARGS);
	}
}

/* Seconds east of UTC now: sysdig shifts every timestamp by today's
 * offset, not by the offset at the event's time. */
static long zone_offset(void)
{
	time_t now = time(NULL);
	struct tm tm;

	return localtime_r(&now, &tm) ? tm.tm_gmtoff : 0;
}

void evt_fmt_line(struct strbuf *sb, uint64_t num, const struct evt *e, const char *comm,
		  const struct evt_fmt_fd *fdr)
{
	int64_t day = (int64_t)((e->ts / 1000000000ull) % 86400) + zone_offset() % 86400;
	const char *type = e->info ? e->info->name : "NA";
	uint16_t sc;
	int idx;

	day = ((day % 86400) + 86400) % 86400;
	if (e->info && (e->type == PPME_GENERIC_E || e->type == PPME_GENERIC_X) &&
	    evt_param_u16(e, 0, &sc) && (idx = evt_schema_syscall_by_ppm_sc(sc)) >= 0)
		type = evt_schema_syscall_name((size_t)idx);
	strbuf_printf(sb, "%" PRIu64 " %02d:%02d:%02d.%09" PRIu64 " %u %s (%" PRId64 ") %s %s ", num,
		      (int)(day / 3600), (int)(day % 3600 / 60), (int)(day % 60),
		      (uint64_t)(e->ts % 1000000000u), e->cpu, comm ? comm : "<NA>", e->tid,
		      e->info && e->info->dir == EVD_ENTER ? ">" : "<", type);
	evt_fmt_args(sb, e, fdr);
}
