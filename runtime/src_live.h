/* What the live drivers' sources (src_probe.c, src_kmod.c) share: the
 * machine they watch, the /proc scan that seeds the state once a driver is
 * attached, and events taken from their per-CPU rings (merged in time
 * order by ring_src) and decoded in place. Prefix src_live_. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct evt;
struct ring_src;
struct scap_machine;
struct state;
struct evt_source_stats;

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
