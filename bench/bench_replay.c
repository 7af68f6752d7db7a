/* Benchmarks of replay: events per second through decode alone, and
 * through decode + state + rule evaluation with the three official rules
 * files, on the shipped bench captures held in memory (one core). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "bench/bench_recs.h"
#include "runtime/base/evt.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/engine.h"

static const char *const official[] = BENCH_OFFICIAL_RULES;

static void decode_only(struct bench_state *st, const char *path)
{
	struct bench_recs rs = { 0 };
	uint64_t sum = 0;

	if (bench_recs_load(path, NULL, &rs)) {
		bench_skip(st, "cannot read the bench capture");
		return;
	}
	while (bench_keep_running(st)) {
		for (size_t off = 0; off < rs.len;) {
			struct evt e;

			off = bench_recs_next(&rs, off, &e);
			sum += e.nparams;
		}
		bench_do_not_optimize(&sum);
	}
	bench_set_items(st, (int64_t)rs.n * bench_iterations(st));
	bench_counter(st, "events", (double)rs.n, false);
	bench_recs_release(&rs);
}

static void replay(struct bench_state *st, const char *path, bool jit)
{
	struct engine_opts eo = { .sz = sizeof(eo), .no_jit = !jit };
	struct bench_recs rs = { 0 };
	struct engine *en = NULL;
	struct config cfg;

	config_init(&cfg);
	cfg.stdout_output = false;	/* alerts are formatted, not printed */
	eo.cfg = &cfg;
	if (engine__new(&eo, &en) ||
	    engine__load_rules(en, official, sizeof(official) / sizeof(official[0]), NULL) ||
	    bench_recs_load(path, en, &rs)) {
		bench_skip(st, "cannot set up the replay (rules or capture)");
		goto out;
	}
	bench_recs_replay(st, en, &rs, jit);
out:
	engine__free(en);
	config_release(&cfg);
	bench_recs_release(&rs);
}

static void decode_falcoset(struct bench_state *st)
{
	decode_only(st, SAKER_SHARED_DIR "/falco/captures/bench-falcoset.scap.gz");
}
BENCH(decode_falcoset);

static void decode_syscalls(struct bench_state *st)
{
	decode_only(st, SAKER_SHARED_DIR "/falco/captures/bench-syscalls.scap.gz");
}
BENCH(decode_syscalls);

#define REPLAY_BENCH(name, file, jit)                                       \
	static void name(struct bench_state *st)                            \
	{                                                                   \
		replay(st, SAKER_SHARED_DIR "/falco/captures/" file, jit);  \
	}                                                                   \
	BENCH(name)

REPLAY_BENCH(replay_official_falcoset, "bench-falcoset.scap.gz", true);
REPLAY_BENCH(replay_official_falcoset_interp, "bench-falcoset.scap.gz", false);
REPLAY_BENCH(replay_official_syscalls, "bench-syscalls.scap.gz", true);
REPLAY_BENCH(replay_official_syscalls_interp, "bench-syscalls.scap.gz", false);
