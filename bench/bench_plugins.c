/* The cost of a parse plugin per event: the official rules (JIT) on the
 * falcoset bench capture, as replay_official_falcoset runs it, with a
 * plugin (bench/plugin/bench_parse_plugin.c) that parses every syscall
 * event, called and returning at once (replay_official_falcoset_parse), or
 * looking up the event's thread in the threads table, reading its comm and
 * writing a field of its own on each event (..._parse_tables). Compare
 * both with replay_official_falcoset, which runs without plugins. */
#include <stdio.h>

#include "bench/bench.h"
#include "bench/bench_recs.h"
#include "runtime/base/evt.h"
#include "runtime/config.h"
#include "runtime/engine.h"
#include "runtime/plugin_set.h"

static const char *const official[] = BENCH_OFFICIAL_RULES;

static void replay_parse(struct bench_state *st, bool lookup)
{
	const char *opts[] = {
		"load_plugins=[benchparse]",
		"plugins[0].name=benchparse",
		"plugins[0].library_path=" SAKER_BINARY_DIR "/bench/libbench_parse_plugin.so",
		lookup ? "plugins[0].init_config={lookup: true}" : "plugins[0].init_config=",
	};
	struct engine_opts eo = { .sz = sizeof(eo) };
	struct bench_recs rs = { 0 };
	struct plugin_set *ps = NULL;
	struct engine *en = NULL;
	struct config cfg;
	char err[512];

	config_init(&cfg);
	if (config_load(&cfg, NULL, opts, sizeof(opts) / sizeof(opts[0]), err, sizeof(err)) ||
	    plugin_set__load(&cfg, true, &ps, err, sizeof(err))) {
		bench_skip(st, err);
		goto out;
	}
	cfg.stdout_output = false;
	eo.cfg = &cfg;
	if (engine__new(&eo, &en) || engine__use_plugins(en, ps, true, NULL, 0, err, sizeof(err)) ||
	    engine__load_rules(en, official, sizeof(official) / sizeof(official[0]), NULL) ||
	    bench_recs_load(SAKER_SHARED_DIR "/falco/captures/bench-falcoset.scap.gz", en, &rs)) {
		bench_skip(st, "cannot set up the replay (plugin, rules or capture)");
		goto out;
	}
	bench_recs_replay(st, en, &rs, true);
out:
	engine__free(en);
	plugin_set__free(ps);
	config_release(&cfg);
	bench_recs_release(&rs);
}

static void replay_official_falcoset_parse(struct bench_state *st)
{
	replay_parse(st, false);
}
BENCH(replay_official_falcoset_parse);

static void replay_official_falcoset_parse_tables(struct bench_state *st)
{
	replay_parse(st, true);
}
BENCH(replay_official_falcoset_parse_tables);
