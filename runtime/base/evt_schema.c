/* Expands events.def, syscalls.def and tracepoints.def into const tables
 * and answers lookups on them (see evt_schema.h for the name rules). The
 * table shapes are checked at compile time: each event's P() count against
 * its nparams, its direction against its code, and the dense numbering. */
#include "runtime/base/evt_schema.h"

#include <errno.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parameter aux forms used by events.def. */
#define PA_NONE .aux_kind = PA_KIND_NONE, .dirfd = -1
#define PA_FLAGS(t) .aux_kind = PA_KIND_FLAGS, .dirfd = -1, .aux_table = #t
#define PA_DYN(t) .aux_kind = PA_KIND_DYN, .dirfd = -1, .aux_table = #t
#define PA_DIRFD(i) .aux_kind = PA_KIND_DIRFD, .dirfd = (i)

/* One parameter array per event, each closed by a sentinel so that
 * parameterless events still make a valid array. */
#define EV(code, id, name, dir, flags, nparams) \
	static const struct evt_param_info params_##id[] = {
#define P(name_, type_, fmt_, aux_) { .name = name_, .type = type_, .fmt = fmt_, aux_ },
#define EV_END() { .name = NULL, .dirfd = -1 } };
#include "bpf/shared/events.def"
#undef EV
#undef P
#undef EV_END

#define P(name, type, fmt, aux)
#define EV_END()

#define EV(code, id, name, dir, flags, nparams)                                     \
	_Static_assert(ARRAY_SIZE(params_##id) == (nparams) + 1,                    \
		       #id ": P() lines differ from nparams");                     \
	_Static_assert((nparams) <= PPM_MAX_EVENT_PARAMS, #id ": too many params"); \
	_Static_assert(((code) & 1) == (dir), #id ": direction differs from code");
#include "bpf/shared/events.def"
#undef EV

/* Designated indices: a repeated code is an error under -Werror
 * (-Woverride-init); a missing one leaves a NULL name, caught by the size
 * check below and by the unit test. */
static const struct evt_info g_events[] = {
#define EV(code_, id_, name_, dir_, flags_, nparams_)                         \
	[code_] = { .name = name_, .id = #id_, .code = (code_), .dir = (dir_), \
		    .nparams = (nparams_), .flags = (flags_), .params = params_##id_ },
#include "bpf/shared/events.def"
#undef EV
};
#undef P
#undef EV_END

_Static_assert(ARRAY_SIZE(g_events) == PPM_EVENT_MAX, "events.def is not dense");

static const struct evt_syscall_info g_syscalls[] = {
#define SC(name_, ppm_sc_, x86_64_, aarch64_, enter_, exit_)                     \
	{ .name = #name_, .ppm_sc = (ppm_sc_), .enter_event = (enter_),          \
	  .exit_event = (exit_),                                                 \
	  .nr = { [EVT_SCHEMA_ARCH_X86_64] = (x86_64_), [EVT_SCHEMA_ARCH_AARCH64] = (aarch64_) } },
#include "bpf/shared/syscalls.def"
#undef SC
};

_Static_assert(sizeof(g_syscalls) / sizeof(g_syscalls[0]) <= UINT16_MAX,
	       "syscall indices are handed out as uint16_t");

/* Every syscall's pair must be a real enter/exit pair. */
#define SC(name_, ppm_sc_, x86_64_, aarch64_, enter_, exit_)                 \
	_Static_assert((enter_) + 1 == (exit_) && ((enter_) & 1) == 0,       \
		       #name_ ": enter/exit events are not a pair");
#include "bpf/shared/syscalls.def"
#undef SC

static const struct evt_tracepoint_info g_tracepoints[] = {
#define TP(name_, ppm_sc_, event_) { .name = #name_, .ppm_sc = (ppm_sc_), .event = (event_) },
#include "bpf/shared/tracepoints.def"
#undef TP
};

/* Syscalls that produced events under another syscall's event name in an
 * older event version: accept4 once wrote events named "accept" (codes
 * 56/57 and 248/249). evt.type=accept still selects those codes, so the
 * syscall belongs to that name too. */
static const struct {
	const char *evt_name;
	const char *syscall;
} g_historic_producers[] = {
	{ "accept", "accept4" },
};

static bool is_used(const struct evt_info *e)
{
	return !(e->flags & EVF_UNUSED);
}

/* Appends v to a capped list; the count always advances. */
static void list_add(uint16_t *out, size_t cap, size_t *n, uint16_t v)
{
	if (*n < cap)
		out[*n] = v;
	(*n)++;
}

static int list_done(size_t cap, size_t n)
{
	return n > cap ? -ENOSPC : 0;
}

uint8_t evt_schema_int_size(enum ppm_param_type t)
{
	switch (t) {
	case PT_INT8: case PT_UINT8: case PT_FLAGS8: case PT_ENUMFLAGS8: case PT_SIGTYPE:
	case PT_L4PROTO: case PT_SOCKFAMILY:
		return 1;
	case PT_INT16: case PT_UINT16: case PT_FLAGS16: case PT_ENUMFLAGS16: case PT_PORT:
	case PT_SYSCALLID:
		return 2;
	case PT_INT32: case PT_UINT32: case PT_FLAGS32: case PT_ENUMFLAGS32: case PT_UID:
	case PT_GID: case PT_MODE: case PT_FD32: case PT_PID32: case PT_SIGSET: case PT_BOOL:
		return 4;
	case PT_INT64: case PT_UINT64: case PT_ERRNO: case PT_FD: case PT_PID: case PT_RELTIME:
	case PT_ABSTIME:
		return 8;
	default:
		return 0;
	}
}

const struct evt_info *evt_schema_get(uint16_t code)
{
	if (code >= PPM_EVENT_MAX)
		return NULL;
	return &g_events[code];
}

/* Codes from `first` up whose used event is named name. */
static void collect_named(const char *name, uint16_t first, uint16_t *codes, size_t cap,
			  size_t *n)
{
	for (uint16_t c = first; c < PPM_EVENT_MAX; c++) {
		if (is_used(&g_events[c]) && strcmp(g_events[c].name, name) == 0)
			list_add(codes, cap, n, c);
	}
}

int evt_schema_codes_by_name(const char *name, uint16_t *codes, size_t cap, size_t *n)
{
	size_t cnt = 0;

	if (!name || !n || (cap && !codes))
		return -EINVAL;
	collect_named(name, 0, codes, cap, &cnt);
	*n = cnt;
	if (!cnt)
		return -ENOENT;
	return list_done(cap, cnt);
}

int evt_schema_evttype_codes(const char *name, uint16_t *codes, size_t cap, size_t *n)
{
	size_t cnt = 0;

	if (!name || !n || (cap && !codes))
		return -EINVAL;
	/* The generic pair is reached through syscall names only. */
	collect_named(name, PPME_GENERIC_X + 1, codes, cap, &cnt);
	if (!cnt && evt_schema_syscall_by_name(name) >= 0) {
		list_add(codes, cap, &cnt, PPME_GENERIC_E);
		list_add(codes, cap, &cnt, PPME_GENERIC_X);
	}
	*n = cnt;
	if (!cnt)
		return -ENOENT;
	return list_done(cap, cnt);
}

bool evt_schema_is_event_name(const char *name)
{
	if (!name)
		return false;
	for (size_t c = 0; c < PPM_EVENT_MAX; c++) {
		if (is_used(&g_events[c]) && strcmp(g_events[c].name, name) == 0)
			return true;
	}
	return false;
}

bool evt_schema_is_syscall_name(const char *name)
{
	return evt_schema_syscall_by_name(name) >= 0;
}

size_t evt_schema_syscall_count(void)
{
	return ARRAY_SIZE(g_syscalls);
}

const struct evt_syscall_info *evt_schema_syscall(size_t idx)
{
	if (idx >= ARRAY_SIZE(g_syscalls))
		return NULL;
	return &g_syscalls[idx];
}

int evt_schema_syscall_by_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(g_syscalls); i++) {
		if (strcmp(g_syscalls[i].name, name) == 0)
			return (int)i;
	}
	return -ENOENT;
}

int evt_schema_syscall_by_ppm_sc(uint16_t ppm_sc)
{
	for (size_t i = 0; i < ARRAY_SIZE(g_syscalls); i++) {
		if (g_syscalls[i].ppm_sc == ppm_sc)
			return (int)i;
	}
	return -ENOENT;
}

int evt_schema_syscall_by_nr(enum evt_schema_arch arch, int nr)
{
	if ((unsigned)arch >= EVT_SCHEMA_ARCH_MAX)
		return -EINVAL;
	if (nr < 0)
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(g_syscalls); i++) {
		if (g_syscalls[i].nr[arch] == nr)
			return (int)i;
	}
	return -ENOENT;
}

const char *evt_schema_syscall_name(size_t idx)
{
	const struct evt_syscall_info *s = evt_schema_syscall(idx);

	return s ? s->name : NULL;
}

int evt_schema_syscall_nr(size_t idx, enum evt_schema_arch arch)
{
	const struct evt_syscall_info *s = evt_schema_syscall(idx);

	if (!s || (unsigned)arch >= EVT_SCHEMA_ARCH_MAX)
		return -EINVAL;
	return s->nr[arch] < 0 ? -ENOENT : s->nr[arch];
}

int evt_schema_syscall_enter_event(size_t idx)
{
	const struct evt_syscall_info *s = evt_schema_syscall(idx);

	return s ? s->enter_event : -EINVAL;
}

int evt_schema_syscall_exit_event(size_t idx)
{
	const struct evt_syscall_info *s = evt_schema_syscall(idx);

	return s ? s->exit_event : -EINVAL;
}

bool evt_schema_syscall_is_generic(size_t idx)
{
	const struct evt_syscall_info *s = evt_schema_syscall(idx);

	return s && s->exit_event == PPME_GENERIC_X;
}

static bool syscall_produces(const struct evt_syscall_info *s, const char *evt_name)
{
	if (s->exit_event == PPME_GENERIC_X)
		return strcmp(s->name, evt_name) == 0;
	/* Current drivers send the exit event; its name is the pair's. */
	if (strcmp(g_events[s->exit_event].name, evt_name) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(g_historic_producers); i++) {
		if (strcmp(g_historic_producers[i].evt_name, evt_name) == 0 &&
		    strcmp(g_historic_producers[i].syscall, s->name) == 0)
			return true;
	}
	return false;
}

int evt_schema_syscalls_for_event(const char *evt_name, uint16_t *idx, size_t cap, size_t *n)
{
	size_t cnt = 0;

	if (!evt_name || !n || (cap && !idx))
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(g_syscalls); i++) {
		if (syscall_produces(&g_syscalls[i], evt_name))
			list_add(idx, cap, &cnt, (uint16_t)i);
	}
	*n = cnt;
	if (!cnt && !evt_schema_is_event_name(evt_name) && !evt_schema_is_syscall_name(evt_name))
		return -ENOENT;
	return list_done(cap, cnt);
}

size_t evt_schema_tracepoint_count(void)
{
	return ARRAY_SIZE(g_tracepoints);
}

const struct evt_tracepoint_info *evt_schema_tracepoint(size_t idx)
{
	if (idx >= ARRAY_SIZE(g_tracepoints))
		return NULL;
	return &g_tracepoints[idx];
}

int evt_schema_tracepoint_by_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(g_tracepoints); i++) {
		if (strcmp(g_tracepoints[i].name, name) == 0)
			return (int)i;
	}
	return -ENOENT;
}

int evt_schema_tracepoints_for_event(const char *evt_name, uint16_t *idx, size_t cap, size_t *n)
{
	size_t cnt = 0;

	if (!evt_name || !n || (cap && !idx))
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(g_tracepoints); i++) {
		if (strcmp(g_events[g_tracepoints[i].event].name, evt_name) == 0)
			list_add(idx, cap, &cnt, (uint16_t)i);
	}
	*n = cnt;
	if (!cnt)
		return -ENOENT;
	return list_done(cap, cnt);
}

int evt_schema_tracepoint_for_event(const char *evt_name)
{
	uint16_t first;
	size_t n;
	int err;

	err = evt_schema_tracepoints_for_event(evt_name, &first, 1, &n);
	if (err && err != -ENOSPC)
		return err;
	return first;
}
