/* The cost of metrics on the event loop: the official rules (JIT) on the
 * falcoset bench capture, as replay_official_falcoset runs it, with the
 * loop's per-event check for a service request (metrics_poll), and with a
 * metrics reader asking for a fresh snapshot every millisecond, a
 * thousand times more often than the shortest sensible metrics.interval
 * (metrics_1ms). Compare both with replay_official_falcoset. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "bench/bench.h"
#include "bench/bench_recs.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/engine.h"
#include "runtime/engine_int.h"
#include "runtime/metrics.h"

static const char *const official[] = BENCH_OFFICIAL_RULES;

struct reader {
	struct metrics *m;
	atomic_bool stop;
	uint64_t snapshots;
};

static void *read_often(void *arg)
{
	struct reader *r = arg;
	struct timespec ms = { 0, 1000000 };

	while (!atomic_load(&r->stop)) {
		struct strbuf sb = STRBUF_INIT;

		metrics__prometheus(r->m, &sb);
		strbuf_release(&sb);
		r->snapshots++;
		nanosleep(&ms, NULL);
	}
	return NULL;
}

static void replay_metrics(struct bench_state *st, bool reader_on)
{
	static const char *const opts[] = { "metrics.enabled=true", "metrics.interval=1s",
					    "metrics.output_rule=false",
					    "webserver.prometheus_metrics_enabled=true" };
	struct engine_opts eo = { .sz = sizeof(eo) };
	struct reader r = { 0 };
	struct bench_recs rs = { 0 };
	struct engine *en = NULL;
	struct config cfg;
	pthread_t thr;
	bool started = false;
	char err[512];

	config_init(&cfg);
	if (config_load(&cfg, NULL, opts, 4, err, sizeof(err))) {
		bench_skip(st, err);
		return;
	}
	cfg.stdout_output = false;
	eo.cfg = &cfg;
	if (engine__new(&eo, &en) ||
	    engine__load_rules(en, official, sizeof(official) / sizeof(official[0]), NULL) ||
	    bench_recs_load(SAKER_SHARED_DIR "/falco/captures/bench-falcoset.scap.gz", en, &rs) ||
	    metrics__new(&cfg, en, &r.m)) {
		bench_skip(st, "cannot set up the replay (rules or capture)");
		goto out;
	}
	if (reader_on && !pthread_create(&thr, NULL, read_often, &r))
		started = true;
	while (bench_keep_running(st)) {
		for (size_t off = 0; off < rs.len;) {
			struct evt e;

			off = bench_recs_next(&rs, off, &e);
			engine_poll_service(en);
			if (e.info)
				engine__process(en, &e);
		}
	}
	if (started) {
		atomic_store(&r.stop, true);
		pthread_join(thr, NULL);
	}
	bench_set_items(st, (int64_t)rs.n * bench_iterations(st));
	bench_counter(st, "snapshots", (double)r.snapshots, false);
out:
	metrics__free(r.m);
	engine__free(en);
	config_release(&cfg);
	bench_recs_release(&rs);
}

static void metrics_poll(struct bench_state *st)
{
	replay_metrics(st, false);
}
BENCH(metrics_poll);

static void metrics_1ms(struct bench_state *st)
{
	replay_metrics(st, true);
}
BENCH(metrics_1ms);
