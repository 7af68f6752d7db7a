/* Benchmarks of the rule compiler: loading and compiling the three official
 * Falco rules files to IR (what a start or a reload costs). */
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench.h"
#include "compiler/ruleset.h"

static const char *const official[] = BENCH_OFFICIAL_RULES;

static void compile_official_rules(struct bench_state *st)
{
	size_t rules = 0, nodes = 0;

	while (bench_keep_running(st)) {
		struct ruleset *rs;

		if (ruleset__new(&rs)) {
			bench_skip(st, "out of memory");
			return;
		}
		for (size_t i = 0; i < sizeof(official) / sizeof(official[0]); i++) {
			if (ruleset__load_file(rs, official[i])) {
				ruleset__free(rs);
				bench_skip(st, "cannot load the official rules files");
				return;
			}
		}
		if (ruleset__compile(rs)) {
			ruleset__free(rs);
			bench_skip(st, "the official rules files do not compile");
			return;
		}
		rules = rs->nrules;
		nodes = rs->ir.nnodes;
		bench_do_not_optimize(rs);
		ruleset__free(rs);
	}
	bench_counter(st, "rules", (double)rules, false);
	bench_counter(st, "ir_nodes", (double)nodes, false);
}
BENCH(compile_official_rules);
