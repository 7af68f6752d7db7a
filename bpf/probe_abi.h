/* What the probe and its loader agree on: the sizes of the per-CPU event
 * scratch and of the syscall tables, and the layout of the counters the
 * probe keeps per CPU in its global data. Included by bpf/probe.bpf.c and
 * runtime/probe.c. */
#pragma once

#ifndef __BPF__
#include <linux/types.h>
#endif

#include "bpf/shared/drop_kinds.h"

/* Syscall numbers the tables cover (x86_64 and aarch64 are below 512). */
#define PROBE_SC_MAX 512
/* CPUs the counters cover; the loader refuses machines with more. */
#define PROBE_CPU_MAX 256
/* Bound of an event record (at most PROBE_EV_MAX - 1 bytes); a power of
 * two, offsets are masked with it. */
#define PROBE_EV_MAX 32768
/* Longest single variable-size parameter (a path, argv, env, a buffer). */
#define PROBE_PARAM_MAX 4096
/* Bytes of read/write data copied into I/O events (Falco's snaplen). */
#define PROBE_SNAPLEN 80

/* Per-CPU counters, two cache lines each, written only by their CPU.
 * seen = sent + dropped: every event the probe built for an interesting
 * syscall is either in the ring or counted as dropped. */
struct probe_cnt {
	__u64 seen;		/* events built */
	__u64 sent;		/* events written to the CPU's ring */
	__u64 drop_full;	/* ring full */
	__u64 drop_big;		/* larger than PROBE_EV_MAX */
	__u64 drop_kind[DROP_KIND_MAX];	/* of drop_full, by kind (drop_kinds.def) */
	__u64 pad[16 - 4 - DROP_KIND_MAX];
};

/* What a syscall's exit does: 0 nothing; otherwise the event is built
 * (by the syscall's filler, or as a generic event). Written by the loader
 * into the probe's global data, read at every syscall exit. */
#define PROBE_SC_OFF 0
#define PROBE_SC_ON 1
