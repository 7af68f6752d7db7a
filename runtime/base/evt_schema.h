/* The event schema as data: per-event descriptors expanded from
 * bpf/shared/events.def, the syscall table from syscalls.def and the
 * tracepoint table from tracepoints.def, with name lookups. Prefix
 * evt_schema_.
 *
 * Everything returned points into static const tables: valid for the life
 * of the program, never freed. evt_schema_get() is O(1) and fit for the hot
 * path; every lookup by name is a linear scan meant for rule compilation.
 *
 * How an evt.type value resolves (Falco's rules, which saker follows):
 *  - Event names. Each event has a name ("open", "execve", "procexit",
 *    "switch", ...). All versions and both directions of an event share it,
 *    so evt.type=execve names every execve code, old ones included.
 *    evt_schema_codes_by_name() lists them. Placeholder slots (EVF_UNUSED,
 *    named "NA") are never matched by name.
 *  - Syscall names. A syscall with no event of its own (madvise, getpid,
 *    ...) is written as the generic pair PPME_GENERIC_E/X, whose evt.type is
 *    the syscall's name taken from the event's ppm_sc "ID" parameter, never
 *    "syscall". So evt.type also accepts any syscall name.
 *  - evt_schema_evttype_codes() gives the event codes a value selects the
 *    way Falco computes a rule's event types: the named events (codes 2 and
 *    up), or, when no event has that name but a syscall does, the generic
 *    pair. "syscall" itself therefore selects nothing, and a syscall whose
 *    events have another name (pread64 writes "pread") selects only the
 *    generic pair, which it never produces.
 *  - evt_schema_syscalls_for_event() answers which syscalls produce events
 *    of a given evt.type: the syscalls whose event pair has that name (every
 *    version counts, so "accept" includes accept4, whose older events were
 *    named "accept"), or the generic syscall of that name. Non-syscall
 *    sources are answered by evt_schema_tracepoints_for_event().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/shared/ppm_events.h"

/* The version of Falco's event schema events.def follows (plugins that
 * read events ask for one). */
#define EVT_SCHEMA_VERSION "4.5.1"

/* One parameter of an event, in wire order. */
struct evt_param_info {
	const char *name;
	uint8_t type;		/* enum ppm_param_type */
	uint8_t fmt;		/* enum ppm_print_format */
	uint8_t aux_kind;	/* enum ppm_param_aux */
	int8_t dirfd;		/* PA_KIND_DIRFD: index of the dirfd parameter, else -1 */
	const char *aux_table;	/* PA_KIND_FLAGS/DYN: value table name, else NULL */
};

struct evt_info {
	const char *name;	/* evt.type; "NA" for unused slots */
	const char *id;		/* "PPME_SYSCALL_OPEN_X" */
	uint16_t code;
	uint8_t dir;		/* enum ppm_event_dir */
	uint8_t nparams;
	uint32_t flags;		/* enum ppm_event_flags */
	const struct evt_param_info *params;	/* nparams entries */
};

enum evt_schema_arch {
	EVT_SCHEMA_ARCH_X86_64 = 0,
	EVT_SCHEMA_ARCH_AARCH64 = 1,
	EVT_SCHEMA_ARCH_MAX,
};

#if defined(__x86_64__)
#define EVT_SCHEMA_ARCH_NATIVE EVT_SCHEMA_ARCH_X86_64
#elif defined(__aarch64__)
#define EVT_SCHEMA_ARCH_NATIVE EVT_SCHEMA_ARCH_AARCH64
#endif

struct evt_syscall_info {
	const char *name;
	uint16_t ppm_sc;	/* Falco's architecture-independent code */
	uint16_t enter_event;	/* PPME_* (PPME_GENERIC_E for generic syscalls) */
	uint16_t exit_event;	/* PPME_* (PPME_GENERIC_X for generic syscalls) */
	int32_t nr[EVT_SCHEMA_ARCH_MAX];	/* native number, -1 when absent */
};

struct evt_tracepoint_info {
	const char *name;	/* "sched_process_exit" */
	int32_t ppm_sc;		/* -1 when Falco gives it no code */
	uint16_t event;		/* the PPME_* code it writes */
};

/* The bytes of an integer parameter type (fixed size), 0 for the others. */
uint8_t evt_schema_int_size(enum ppm_param_type t);

/* Events. */
const struct evt_info *evt_schema_get(uint16_t code);	/* NULL when >= PPM_EVENT_MAX */

/* List helpers below share one contract: up to cap items are written to the
 * out array, *n receives how many there are in all, and the call returns 0,
 * or -ENOSPC when cap was too small (the first cap items are written; call
 * again with *n slots), or -ENOENT as described. out may be NULL if cap is 0.
 * Items come in ascending order. */

/* Every used event code named name, all versions, both directions.
 * -ENOENT when no event has that name. */
int evt_schema_codes_by_name(const char *name, uint16_t *codes, size_t cap, size_t *n);

/* The event codes evt.type=name selects (see the top of this file).
 * -ENOENT when name is neither an event name nor a syscall name. */
int evt_schema_evttype_codes(const char *name, uint16_t *codes, size_t cap, size_t *n);

bool evt_schema_is_event_name(const char *name);	/* some used event is named so */
bool evt_schema_is_syscall_name(const char *name);	/* some syscall is named so */

/* Syscalls, indexed 0 .. evt_schema_syscall_count() - 1 in ppm_sc order. */
size_t evt_schema_syscall_count(void);
const struct evt_syscall_info *evt_schema_syscall(size_t idx);	/* NULL when out of range */
int evt_schema_syscall_by_name(const char *name);	/* index, or -ENOENT */
int evt_schema_syscall_by_ppm_sc(uint16_t ppm_sc);	/* index, or -ENOENT */
int evt_schema_syscall_by_nr(enum evt_schema_arch arch, int nr);	/* index, or -ENOENT/-EINVAL */
const char *evt_schema_syscall_name(size_t idx);	/* NULL when out of range */
/* Native number (>= 0), -ENOENT when the syscall does not exist on arch,
 * -EINVAL for a bad idx or arch. */
int evt_schema_syscall_nr(size_t idx, enum evt_schema_arch arch);
int evt_schema_syscall_enter_event(size_t idx);	/* PPME_* code, or -EINVAL */
int evt_schema_syscall_exit_event(size_t idx);	/* PPME_* code, or -EINVAL */
bool evt_schema_syscall_is_generic(size_t idx);	/* only generic events; false when out of range */

/* Syscall indices whose events are named evt_name (see the top of this
 * file). 0 with *n == 0 when evt_name is an event or syscall name that no
 * syscall produces (procexit, pread64); -ENOENT when it is neither. */
int evt_schema_syscalls_for_event(const char *evt_name, uint16_t *idx, size_t cap, size_t *n);

/* Tracepoints, indexed 0 .. evt_schema_tracepoint_count() - 1. */
size_t evt_schema_tracepoint_count(void);
const struct evt_tracepoint_info *evt_schema_tracepoint(size_t idx);	/* NULL when out of range */
int evt_schema_tracepoint_by_name(const char *name);	/* index, or -ENOENT */
/* Tracepoint indices that write events named evt_name ("procexit" ->
 * sched_process_exit, "page_fault" -> both page-fault tracepoints, "execve"
 * -> sched_process_exec). -ENOENT when none does. */
int evt_schema_tracepoints_for_event(const char *evt_name, uint16_t *idx, size_t cap, size_t *n);
/* The first of those, or -ENOENT. */
int evt_schema_tracepoint_for_event(const char *evt_name);
