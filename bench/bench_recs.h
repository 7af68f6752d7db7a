/* A capture's event records held in memory for benchmarks: loaded once
 * (decompressed, state lists fed to an engine), replayed from memory so
 * that file reading and gzip are not measured. Prefix bench_recs_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct engine;
struct evt;

struct bench_recs {
	uint8_t *buf;
	size_t len, cap;
	uint64_t n;		/* records of known event types */
};

/* Loads the known events of the capture at path; seeds en's state from
 * its lists when en is not NULL. 0 or -errno. */
int bench_recs_load(const char *path, struct engine *en, struct bench_recs *out);
/* Decodes the record at off into e (e->info NULL when it does not decode)
 * and returns the offset of the next one; off < rs->len. */
size_t bench_recs_next(const struct bench_recs *rs, size_t off, struct evt *e);
void bench_recs_release(struct bench_recs *rs);

struct bench_state;
/* Replays rs through en (engine__process) for as long as st runs: events
 * per second, with the events of one pass and the alerts as counters;
 * skipped when jit is asked for and the rules have no native code. */
void bench_recs_replay(struct bench_state *st, struct engine *en, const struct bench_recs *rs,
		       bool jit);
