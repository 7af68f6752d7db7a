/* C API of saker's benchmark harness (google-benchmark behind a small C++
 * shim). A benchmark is a C function registered with BENCH(fn):
 *
 *	static void compile_rules(struct bench_state *st)
 *	{
 *		while (bench_keep_running(st))
 *			...;
 *	}
 *	BENCH(compile_rules);
 *
 * Prefix bench_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct bench_state;

typedef void (*bench_fn)(struct bench_state *st);

void bench_register(const char *name, bench_fn fn);
/* The same, timed by the wall clock (what runs in child processes counts)
 * over a fixed number of iterations. */
void bench_register_wall(const char *name, bench_fn fn, int64_t iterations);
bool bench_keep_running(struct bench_state *st);
void bench_pause_timing(struct bench_state *st);
void bench_resume_timing(struct bench_state *st);
/* Items processed in all; google-benchmark reports items per second. */
void bench_set_items(struct bench_state *st, int64_t n);
/* Iterations run so far (after the loop: all of them). */
int64_t bench_iterations(struct bench_state *st);
/* A named figure shown beside the timings (averaged per iteration when
 * per_iteration). */
void bench_counter(struct bench_state *st, const char *name, double v, bool per_iteration);
/* Stops the compiler from optimising away the computation of p. */
void bench_do_not_optimize(const void *p);
/* Fails the benchmark with a message (e.g. a missing input file). */
void bench_skip(struct bench_state *st, const char *msg);

/* The input most benchmarks share: Falco's three official rules files,
 * loaded in this order (static const char *const x[] = BENCH_OFFICIAL_RULES). */
#define BENCH_OFFICIAL_RULES                                               \
	{                                                                  \
		SAKER_SHARED_DIR "/falco/rules/falco_rules.yaml",          \
		SAKER_SHARED_DIR "/falco/rules/falco-incubating_rules.yaml", \
		SAKER_SHARED_DIR "/falco/rules/falco-sandbox_rules.yaml",  \
	}

#define BENCH_WALL(fn, iterations)                                          \
	static void bench_reg_##fn(void) __attribute__((constructor));     \
	static void bench_reg_##fn(void)                                   \
	{                                                                  \
		bench_register_wall(#fn, fn, iterations);                  \
	}

#define BENCH(fn)                                                          \
	static void bench_reg_##fn(void) __attribute__((constructor));     \
	static void bench_reg_##fn(void)                                   \
	{                                                                  \
		bench_register(#fn, fn);                                   \
	}
