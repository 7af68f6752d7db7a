/* The engine: the public entry of the runtime. Loads and compiles rules,
 * owns the state, the evaluator and the outputs, and runs events from a
 * source (a capture file here; the live probe plugs into the same loop)
 * through state update, per-type rule dispatch, evaluation and alerting.
 * Prefix engine_ (methods engine__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;
struct engine;
struct evt;
struct ruleset;
struct strbuf;

struct outputs;

struct engine_opts {
	size_t sz;
	const struct config *cfg;	/* borrowed; must outlive the engine */
	bool print_events;		/* --print: one line per event on stdout, no rules needed */
	const char *write_path;		/* -w: copy every event read to this capture */
	bool no_jit;			/* --no-jit: evaluate with the interpreter */
	/* Tiered evaluation: the JIT of engine__load_rules compiles in the
	 * background while the interpreter evaluates, and takes over between
	 * two events once ready (false: engine__load_rules returns with the
	 * code compiled). */
	bool jit_tiered;
	const char *jit_passes;		/* LLVM pass pipeline (NULL: the JIT's own); a
					 * pipeline LLVM rejects makes the JIT fail */
	/* Run on the event thread at each reload before the rules are read
	 * (it may name other files with engine__set_rule_files): 0 reloads,
	 * > 0 skips this reload (the hook did what the change needs), < 0 is
	 * a failure that keeps the running rules. NULL: the same files again. */
	int (*reload_hook)(void *ctx, struct engine *en);
	void *reload_ctx;
	/* the outputs of another engine to emit to (borrowed; NULL: the
	 * engine's own, made from cfg) */
	struct outputs *outputs;
};

struct engine_stats {
	uint64_t seen;		/* records read from the source */
	uint64_t processed;	/* known events run through state and rules */
	uint64_t skipped;	/* unknown event types */
	uint64_t dropped;	/* lost by the source before saker saw them */
	uint64_t alerts;	/* alerts emitted */
	uint64_t alerts_filtered;	/* matches below the minimum priority */
	uint64_t output_errors;	/* alerts lost by the outputs: queue full, a sink's
				 * queue full, failed writes, discarded at exit
				 * (and --print lines stdout refused) */
	uint64_t jit_fallbacks;	/* rule loads the JIT failed on (interpreter used) */
	bool jit;		/* conditions run as native code */
	uint64_t jit_compile_ns;	/* last JIT compilation */
	uint64_t jit_from_event;	/* tiered: events the interpreter evaluated
					 * before the JIT took over */
	uint32_t jit_cache_hits;	/* parts of the JIT's code linked from its cache */
	uint32_t jit_llvm_links;	/* parts linked by LLVM (what saker's loader refused) */
	uint32_t jit_cache_misses;	/* parts compiled */
	int64_t rules_heap;		/* heap the rules in force hold, their JIT's included */
	uint32_t jit_param_reads;	/* comparisons reading their parameter in place */
	uint64_t proc_memo_evictions;	/* per-thread rule results lost to another thread */
	uint64_t reloads_asked, reloads, reloads_failed;	/* SIGHUP's rules reloads */
	uint64_t drops_detected;	/* seconds with syscall event drops above the threshold */
	uint64_t drop_actions;		/* syscall_event_drops actions taken */
};

struct engine;

int engine__new(const struct engine_opts *o, struct engine **out);
void engine__free(struct engine *en);

/* Loads the rules files in order and compiles them, in place of the rules
 * loaded before. Diagnostics are formatted into diags (text, one per
 * problem). 0; -EINVAL when a file has errors, and the rules loaded before
 * stay; -errno. */
int engine__load_rules(struct engine *en, const char *const *files, size_t n,
		       struct strbuf *diags);
struct ruleset *engine__ruleset(struct engine *en);

/* Tiered evaluation: while held, a background JIT that is ready waits
 * (the interpreter goes on); engine__jit_wait blocks until the compilation
 * ends and puts the code in force. Both on the event thread. */
void engine__jit_hold(struct engine *en, bool hold);
void engine__jit_wait(struct engine *en);

/* Asks a running live loop to reload the rules (signal-safe): they are
 * built on another thread while events go on through the running ones,
 * then put in force between two events, with the probe switched to their
 * syscalls; a file that fails leaves the running rules. */
void engine__request_reload(struct engine *en);
/* The rules files the next reload reads. 0 or -ENOMEM. */
int engine__set_rule_files(struct engine *en, const char *const *files, size_t n);

/* A function the event loop runs on its own thread between two events,
 * soon after engine__request_service (from any thread, lock-free): how
 * other threads read the loop's plain counters (metrics). */
typedef void (*engine_service_fn)(void *ctx);
void engine__set_service(struct engine *en, engine_service_fn fn, void *ctx);
void engine__request_service(struct engine *en);

/* Replays a capture file to its end. 0; -EINVAL with a message in err for
 * a corrupt or truncated file (events before the problem are processed);
 * -errno. */
int engine__run_capture(struct engine *en, const char *path, char *err, size_t errlen);

struct evt_source;
/* Runs every event of an open source (runtime/evt_source.h) through the
 * engine until the source ends or engine__stop: the one loop behind
 * captures and live drivers. A live source that has nothing is polled with
 * growing pauses; at a stop it is stopped and what it still holds is
 * processed. SIGHUP reloads the rules (and switches a live driver's
 * syscalls). The source's counters become the engine's seen and dropped.
 * 0; -errno with err (a corrupt capture: events before the problem are
 * processed). */
int engine__run_source(struct engine *en, struct evt_source *src, char *err, size_t errlen);

/* Runs one decoded event (known type) through state, rules and outputs:
 * the body of every source's loop. Same as engine__update, the alerts of
 * engine__match, engine__finish. */
void engine__process(struct engine *en, const struct evt *e);

/* The steps of engine__process, for benchmarks and differential tests:
 * the state update of e; the rules e matches (indexes into the ruleset, in
 * rule order, at most one with rule_matching first; out has room for
 * every rule), with the JIT when loaded and jit is true, else with the
 * interpreter, no alerts raised, as often as wanted; the end of e. */
void engine__update(struct engine *en, const struct evt *e);
uint32_t engine__match(struct engine *en, bool jit, uint32_t *out);
void engine__finish(struct engine *en);

struct scap_cb;
/* Receivers that seed the engine's state from a capture's lists. */
void engine__seed_cb(struct engine *en, struct scap_cb *cb);

/* Asks a running loop to stop after the current event (signal-safe). */
void engine__stop(struct engine *en);

void engine__stats(const struct engine *en, struct engine_stats *out);
/* Human-readable statistics: events, state tables, alerts per rule. */
void engine__format_stats(const struct engine *en, struct strbuf *sb);

struct plugin_set;
/* Gives the engine the configured plugins (runtime/plugin_set.h, borrowed,
 * outliving the engine), before its rules are loaded: rules of their
 * sources compile against their fields and required_plugin_versions is
 * checked against them. For a capture (capture true) the engine serves
 * every source with one instance of each plugin. Live, it serves the first
 * of the enabled sources (syscall, then the plugins' in load order; enable
 * NULL: all) and starts an engine of its own for each other one, run in
 * parallel by engine__run_live, all emitting to this engine's outputs. 0,
 * or -errno with err (a plugin failing init, an unknown source, ...). */
int engine__use_plugins(struct engine *en, struct plugin_set *ps, bool capture,
			const char *const *enable, size_t nenable, char *err, size_t errlen);

/* On the event thread (a reload hook): plugin `name` (a set entry) takes
 * config, the text of a new init_config, through its set_config: this
 * engine's instance now, those of the other sources' engines at their next
 * reload (engine__request_reload). 0, or -errno with err: -ENOENT no such
 * plugin, -ENOTSUP it has no set_config, -EINVAL it refused config. */
int engine__plugin_set_config(struct engine *en, const char *name, const char *config,
			      char *err, size_t errlen);

/* Watches this machine through the live driver of the configuration
 * (engine.kind: modern_ebpf, the probe, or kmod, the kernel module) until
 * engine__stop: loads and attaches it with the rules' syscalls, seeds the state from
 * /proc, logs one line when watching (and tells systemd READY=1), runs
 * every event through state, rules and outputs, and at the end detaches
 * and drains the rings so that every event the driver saw is processed or
 * counted as dropped. 0; -errno with a sentence in err (no root, no BTF,
 * probe refused, no module, ...). */
int engine__run_live(struct engine *en, char *err, size_t errlen);
