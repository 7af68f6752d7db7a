/* The live probe (bpf/probe.bpf.c): checks the machine can run it, loads
 * it with one ring buffer per CPU, points each syscall at its filler,
 * switches syscalls on and off (the adaptive set, at any time, without a
 * reload), attaches it, and reads its per-CPU counters. Prefix probe_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct probe_opts {
	size_t sz;
	size_t ring_bytes;	/* per CPU, a power of two >= 4096 pages; 0: 8 MiB */
	bool skip_self;		/* do not report this process's own syscalls */
};

#include "bpf/shared/drop_kinds.h"

/* Totals over CPUs and per CPU: seen = sent + dropped. */
struct probe_stats {
	uint64_t seen, sent, drop_full, drop_big;
	uint64_t drop_kind[DROP_KIND_MAX];	/* of drop_full, by kind */
};

struct probe;

/* Loads (not yet attached). 0, or -errno with a sentence in err saying
 * what the machine lacks (root, BTF, BPF) or what failed. */
int probe__open(const struct probe_opts *o, struct probe **out, char *err, size_t errlen);
void probe__free(struct probe *p);

/* The syscalls to report: on[i] for every schema syscall index i
 * (evt_schema_syscall_count()). Takes effect at once, attached or not. */
void probe__set_syscalls(struct probe *p, const bool *on);

int probe__attach(struct probe *p, char *err, size_t errlen);

/* The CPUs' ring buffers: count, map fds and size in bytes. */
int probe__ncpus(const struct probe *p);
int probe__ring_fd(const struct probe *p, int cpu);
size_t probe__ring_bytes(const struct probe *p);

void probe__stats(const struct probe *p, int cpu, struct probe_stats *out);	/* cpu -1: all */

/* Run count and run time (ns) of each program attached (not the fillers
 * they call), as the kernel
 * counts them while its BPF statistics are on (bpf_enable_stats). */
typedef void (*probe_prog_stats_fn)(void *ctx, const char *name, uint64_t run_cnt,
				    uint64_t run_ns);
void probe__prog_stats(const struct probe *p, probe_prog_stats_fn fn, void *ctx);

/* Stops new events (the rings and counters stay readable). */
void probe__detach(struct probe *p);
