/* What the live drivers' sources (src_probe.c, src_kmod.c) share: the
 * machine they watch, the /proc scan that seeds the state once a driver is
 * attached, and events taken from their per-CPU rings (merged in time
 * order by ring_src) and decoded in place. Prefix src_live_. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/evt_source.h"

struct evt;
struct ring_src;
struct scap_machine;
struct state;

/* The start of a live driver's source: its rings and what it seeds. */
struct src_live {
	struct evt_source base;
	struct ring_src *rs;		/* owned */
	struct state *seed;		/* borrowed, NULL: no seeding */
	struct evt_source_stats seeded;	/* threads and fds seeded */
	uint64_t malformed;		/* records skipped */
};

/* The source operations both drivers share: next, release, machine. */
int src_live_next_op(struct evt_source *s, struct evt *e, char *err, size_t errlen);
void src_live_release_op(struct evt_source *s);
void src_live_machine_op(struct evt_source *s, struct scap_machine *out);
/* Adds the reader's own counters (malformed, seeded) to the totals. */
void src_live_stats_tail(const struct src_live *l, int cpu, struct evt_source_stats *out);
/* Attached: seeds the state from /proc (src_live_seed into l->seeded). */
int src_live_seed_op(struct src_live *l, char *err, size_t errlen);

/* This machine: CPUs, memory, host name, boot time. */
void src_live_machine(struct scap_machine *mi);

/* Seeds st from /proc (st NULL: nothing), counting threads and fds in out.
 * 0, or -errno with err. */
int src_live_seed(struct state *st, struct evt_source_stats *out, char *err, size_t errlen);

/* The next record of the rings decoded into e (e->cpu set); a record the
 * schema disagrees with is skipped and counted in *malformed (the first
 * one logged). EVT_SOURCE_EVENT, or EVT_SOURCE_NONE when the rings are
 * empty now. */
int src_live_next(struct ring_src *rs, struct evt *e, uint64_t *malformed);

/* The epoch time of boot in ns, the base of the drivers' timestamps. */
uint64_t src_live_boot_epoch_ns(void);
