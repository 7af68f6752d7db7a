/* Benchmarks of rule evaluation alone: the three official rules files on
 * the events of the bench captures, JIT against interpreter, in ns per
 * event; single rules per operator; the JIT's compile time. Evaluation is
 * isolated by running each event's state update once and its evaluation
 * several times, minus a pass that only updates the state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_recs.h"
#include "compiler/ruleset.h"
#include "runtime/base/evt.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/engine.h"

#define REPEAT 8

static const char *const official[] = BENCH_OFFICIAL_RULES;

#define FALCOSET SAKER_SHARED_DIR "/falco/captures/bench-falcoset.scap.gz"
#define SYSCALLS SAKER_SHARED_DIR "/falco/captures/bench-syscalls.scap.gz"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One pass over the events: state update, `repeat` evaluations, end. */
static uint64_t pass(struct engine *en, const struct bench_recs *rs, bool jit, int repeat,
		     uint32_t *out)
{
	uint64_t t0 = now_ns(), matched = 0;

	for (size_t off = 0; off < rs->len;) {
		struct evt e;

		off = bench_recs_next(rs, off, &e);
		if (!e.info)
			continue;
		engine__update(en, &e);
		for (int i = 0; i < repeat; i++)
			matched += engine__match(en, jit, out);
		engine__finish(en);
	}
	bench_do_not_optimize(&matched);
	return now_ns() - t0;
}

static void eval(struct bench_state *st, const char *rules_path, const char *capture, bool jit)
{
	struct engine_opts eo = { .sz = sizeof(eo), .no_jit = !jit };
	const char *const *files = rules_path ? &rules_path : official;
	size_t nfiles = rules_path ? 1 : sizeof(official) / sizeof(official[0]);
	struct bench_recs rs = { 0 };
	struct engine *en = NULL;
	struct engine_stats s;
	uint64_t state_ns = UINT64_MAX, eval_ns = 0;
	uint32_t *out = NULL;
	struct config cfg;
	int64_t passes = 0;

	config_init(&cfg);
	cfg.stdout_output = false;
	eo.cfg = &cfg;
	if (engine__new(&eo, &en) || engine__load_rules(en, files, nfiles, NULL) ||
	    bench_recs_load(capture, en, &rs) ||
	    !(out = mem_calloc(engine__ruleset(en)->nrules + 1, sizeof(*out)))) {
		bench_skip(st, "cannot set up the evaluation (rules or capture)");
		goto done;
	}
	engine__stats(en, &s);
	if (jit && !s.jit) {
		bench_skip(st, "the JIT did not compile the rules");
		goto done;
	}
	for (int i = 0; i < 3; i++) {
		uint64_t t = pass(en, &rs, jit, 0, out);

		state_ns = t < state_ns ? t : state_ns;
	}
	while (bench_keep_running(st)) {
		eval_ns += pass(en, &rs, jit, REPEAT, out);
		passes++;
	}
	bench_set_items(st, (int64_t)rs.n * passes * REPEAT);
	bench_counter(st, "events", (double)rs.n, false);
	bench_counter(st, "state_ns_per_event", (double)state_ns / (double)rs.n, false);
	if (passes) {
		double per = ((double)eval_ns / (double)passes - (double)state_ns) /
			     ((double)rs.n * REPEAT);

		bench_counter(st, "eval_ns_per_event", per > 0 ? per : 0, false);
	}
done:
	mem_free(out);
	engine__free(en);
	config_release(&cfg);
	bench_recs_release(&rs);
}

#define EVAL_BENCH(name, capture, jit)              \
	static void name(struct bench_state *st)    \
	{                                           \
		eval(st, NULL, capture, jit);       \
	}                                           \
	BENCH(name)

EVAL_BENCH(eval_official_falcoset_jit, FALCOSET, true);
EVAL_BENCH(eval_official_falcoset_interp, FALCOSET, false);
EVAL_BENCH(eval_official_syscalls_jit, SYSCALLS, true);
EVAL_BENCH(eval_official_syscalls_interp, SYSCALLS, false);

/* One rule per operator, on the open family of the syscalls capture. */
static const struct {
	const char *name, *cond;
} op_rules[] = {
	{ "eq", "fd.name = /etc/shadow" },
	{ "ne", "fd.name != /etc/shadow" },
	{ "lt", "fd.num < 3" },
	{ "in_str", "proc.name in (cat, bash, sh, sshd, sudo, su, vi, nano)" },
	{ "in_num", "fd.num in (0, 1, 2, 3, 4, 5)" },
	{ "intersects", "proc.aname intersects (bash, sh, sshd)" },
	{ "contains", "fd.name contains passwd" },
	{ "icontains", "fd.name icontains PASSWD" },
	{ "startswith", "fd.name startswith /etc/" },
	{ "endswith", "fd.name endswith .conf" },
	{ "glob", "fd.name glob '/etc/*.conf'" },
	{ "pmatch", "fd.name pmatch (/etc, /usr/lib, /var/lib)" },
	{ "regex", "fd.name regex '^/etc/[a-z]+\\\\.conf$'" },
	{ "exists", "fd.name exists" },
};

static void eval_op(struct bench_state *st, size_t i, bool jit)
{
	char path[] = "/tmp/saker-bench-op-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		bench_skip(st, "cannot write a rules file");
		return;
	}
	fprintf(f, "- rule: op %s\n  desc: bench\n  condition: evt.type in (open, openat, openat2) "
		"and %s\n  output: x %%fd.name\n  priority: INFO\n", op_rules[i].name,
		op_rules[i].cond);
	fclose(f);
	eval(st, path, SYSCALLS, jit);
	unlink(path);
}

#define OP_BENCH(i, op)                                                  \
	static void eval_op_##op##_jit(struct bench_state *st)           \
	{                                                                \
		eval_op(st, i, true);                                    \
	}                                                                \
	BENCH(eval_op_##op##_jit);                                       \
	static void eval_op_##op##_interp(struct bench_state *st)        \
	{                                                                \
		eval_op(st, i, false);                                   \
	}                                                                \
	BENCH(eval_op_##op##_interp)

OP_BENCH(0, eq);
OP_BENCH(1, ne);
OP_BENCH(2, lt);
OP_BENCH(3, in_str);
OP_BENCH(4, in_num);
OP_BENCH(5, intersects);
OP_BENCH(6, contains);
OP_BENCH(7, icontains);
OP_BENCH(8, startswith);
OP_BENCH(9, endswith);
OP_BENCH(10, glob);
OP_BENCH(11, pmatch);
OP_BENCH(12, regex);
OP_BENCH(13, exists);

/* Loading the official files with and without the JIT: the difference is
 * the JIT's compile time (also reported by the engine itself). */
static void jit_compile_official(struct bench_state *st)
{
	struct engine_opts eo = { .sz = sizeof(eo) };
	struct engine_stats s = { 0 };
	struct config cfg;
	double ms = 0;
	int64_t n = 0;

	config_init(&cfg);
	cfg.stdout_output = false;
	eo.cfg = &cfg;
	while (bench_keep_running(st)) {
		struct engine *en = NULL;

		if (engine__new(&eo, &en) ||
		    engine__load_rules(en, official, sizeof(official) / sizeof(official[0]), NULL)) {
			engine__free(en);
			bench_skip(st, "cannot load the official rules files");
			break;
		}
		engine__stats(en, &s);
		engine__free(en);
		if (!s.jit) {
			bench_skip(st, "the JIT did not compile the rules");
			break;
		}
		ms += s.jit_compile_ns / 1e6;
		n++;
	}
	if (n)
		bench_counter(st, "jit_compile_ms", ms / (double)n, false);
	config_release(&cfg);
}
BENCH(jit_compile_official);
