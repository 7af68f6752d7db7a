/* Event codes and the constants events.def is written in: directions, event
 * flags (source, class, behaviour), parameter print formats and parameter
 * aux kinds. Shared by the probe, the kmod and user space, so it holds only
 * enums and integer constants: no pointers, no structs, no libc. */
#pragma once

#include "ppm_types.h"

/* Version of Falco's event schema that events.def mirrors. */
#define PPM_SCHEMA_MAJOR 4
#define PPM_SCHEMA_MINOR 5
#define PPM_SCHEMA_PATCH 1

/* Most parameters any event has (the task iterator event has 32). */
#define PPM_MAX_EVENT_PARAMS 32

/* Wire type numbers: PPME_<id> = code. Enter events are even, exit odd. */
enum ppm_event_code {
#define EV(code, id, name, dir, flags, nparams) id = (code),
#define P(name, type, fmt, aux)
#define EV_END()
#include "events.def"
#undef EV
#undef P
#undef EV_END
	PPM_EVENT_MAX
};

/* Direction of an event; it is also the low bit of its code. */
enum ppm_event_dir {
	EVD_ENTER = 0,
	EVD_EXIT = 1,
};

#define PPM_EVENT_DIR(code) ((code) & 1)
#define PPM_EVENT_PAIR_ENTER(code) ((code) & ~1)
#define PPM_EVENT_PAIR_EXIT(code) ((code) | 1)

/*
 * Event flags, one 32-bit word per event:
 *   bits  0..12  behaviour (what parsing the event does to the state)
 *   bits 16..20  class, an enumerated value (EVF_CLS_*), 0 when unknown
 *   bits 24..28  source (what produced it)
 * A flags word ORs at most one class and one source with any behaviours.
 */
enum ppm_event_flags {
	EVF_NONE = 0,
	/* behaviour */
	EVF_CREATES_FD = 1u << 0,	/* returns a new fd (open, socket, ...) */
	EVF_DESTROYS_FD = 1u << 1,	/* releases an fd (close) */
	EVF_USES_FD = 1u << 2,		/* one parameter is the fd acted on */
	EVF_READS_FD = 1u << 3,		/* data flows from the fd */
	EVF_WRITES_FD = 1u << 4,	/* data flows to the fd */
	EVF_MODIFIES_STATE = 1u << 5,	/* must be parsed even when no rule wants it */
	EVF_UNUSED = 1u << 6,		/* placeholder slot, never written */
	EVF_WAITS = 1u << 7,		/* blocks waiting on something */
	EVF_SKIP_PARSE_RESET = 1u << 8,	/* does not reset the per-thread "last event" state */
	EVF_OLD = 1u << 9,		/* older layout: only read from captures */
	EVF_LARGE_PAYLOAD = 1u << 11,	/* parameter lengths are 4 bytes, not 2 */
	EVF_CONVERTER = 1u << 12,	/* older versions are upgraded to this one on read */
	EVF_BEHAVIOUR_MASK = 0x1fffu,

	/* class */
	EVF_CLS_SHIFT = 16,
	EVF_CLS_MASK = 0x1fu << 16,
	EVF_CLS_OTHER = 1u << 16,
	EVF_CLS_FILE = 2u << 16,
	EVF_CLS_NET = 3u << 16,
	EVF_CLS_IPC = 4u << 16,
	EVF_CLS_MEMORY = 5u << 16,
	EVF_CLS_PROCESS = 6u << 16,
	EVF_CLS_SLEEP = 7u << 16,
	EVF_CLS_SYSTEM = 8u << 16,
	EVF_CLS_SIGNAL = 9u << 16,
	EVF_CLS_USER = 10u << 16,
	EVF_CLS_TIME = 11u << 16,
	EVF_CLS_PROCESSING = 12u << 16,
	EVF_CLS_IO_READ = 13u << 16,	/* I/O that reads (file, socket, pipe, ...) */
	EVF_CLS_IO_WRITE = 14u << 16,	/* I/O that writes */
	EVF_CLS_IO_OTHER = 15u << 16,	/* I/O that is neither */
	EVF_CLS_WAIT = 16u << 16,
	EVF_CLS_SCHEDULER = 17u << 16,
	EVF_CLS_INTERNAL = 18u << 16,	/* made by the libraries, not a driver */

	/* source */
	EVF_SYSCALL = 1u << 24,		/* sys_enter / sys_exit */
	EVF_TRACEPOINT = 1u << 25,	/* another kernel tracepoint (tracepoints.def) */
	EVF_PLUGIN = 1u << 26,		/* a plugin event source */
	EVF_META = 1u << 27,		/* notification made in user space (container, async, ...) */
	EVF_ITER = 1u << 28,		/* a BPF task/file iterator (state snapshot) */
	EVF_SOURCE_MASK = 0x1fu << 24,
};

#define EVF_CLS(flags) ((flags) & EVF_CLS_MASK)

/* How a numeric parameter prints. */
enum ppm_print_format {
	PF_NA = 0,
	PF_DEC = 1,
	PF_HEX = 2,
	PF_10_PADDED_DEC = 3,	/* fraction of a second: 10 digits, zero padded */
	PF_ID = 4,
	PF_DIR = 5,
	PF_OCT = 6,
};

/* What the aux argument of a P() line names (see events.def). */
enum ppm_param_aux {
	PA_KIND_NONE = 0,
	PA_KIND_FLAGS = 1,	/* a flag or enum value table */
	PA_KIND_DYN = 2,	/* the variant table of a PT_DYN parameter */
	PA_KIND_DIRFD = 3,	/* index of the dirfd parameter of a PT_FSRELPATH */
};
