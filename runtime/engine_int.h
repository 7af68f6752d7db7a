/* The engine's insides, shared by engine.c (rules, state, evaluation,
 * captures, the loop over any event source) and engine_live.c (the live
 * drivers as sources). */
#pragma once

#include <signal.h>
#include <stdatomic.h>

#include "compiler/interp.h"
#include "runtime/alert_fmt.h"
#include "runtime/base/evt.h"
#include "runtime/base/strbuf.h"
#include "runtime/dispatch.h"
#include "runtime/drop_alert.h"
#include "runtime/engine.h"
#include "runtime/extract.h"
#include "runtime/outputs.h"
#include "runtime/proc_memo.h"
#include "runtime/scap.h"
#include "state/state.h"

/* Threads whose process-static rule results the JIT keeps at a time. */
#define ENGINE_PROC_MEMO_THREADS 4096
/* What a replay's comparisons may wait, in all, for domain names' first
 * answers (runtime/dns_names.h). */
#define ENGINE_DNS_PATIENCE_MS 1000

/* One loaded ruleset and everything that evaluates it, built whole (on
 * the reload thread for a reload) and put in place with one pointer
 * between two events; the event thread is its only user from then on. */
struct engine_rules {
	struct engine *en;
	struct ruleset *rs;
	struct interp *ip;
	struct jit *jit;		/* NULL: the interpreter evaluates */
	struct engine_jit_tier *tier;	/* the JIT compiling in the background */
	struct proc_memo *pm;		/* the JIT's per-thread results */
	struct dispatch *dp;		/* syscall rules */
	bool no_syscall_rules;		/* dp dispatches none: syscall events skip evaluation */
	struct dispatch **pdp;		/* rules of plugin source i (index as in the
					 * field registry), NULL for the others */
	uint32_t npdp;
	struct extract_scratch *fsc;	/* one per interpreter field */
	struct extract_prep *preps;	/* the same fields, for the JIT */
	uint32_t nfsc;
	uint32_t *matches;		/* rules matched by the current event */
	uint64_t *hits;			/* alerts per rule */
	bool *syscalls;			/* the probe's set for these rules */
	uint32_t *from;			/* per rule: its index in `prev` (hits
					 * carried over), UINT32_MAX if new */
	const struct engine_rules *prev;	/* the rules current when built */
	uint64_t jit_compile_ns;
	uint32_t jit_param_reads;
	uint32_t jit_fallbacks;
	uint32_t jit_cache_hits, jit_cache_misses;	/* shards linked from the cache, compiled */
	uint32_t jit_llvm_links;	/* shards LLVM linked, not jit_load.c */
	int64_t heap;			/* bytes the build kept (the JIT's included) */
};

struct engine_reload;

struct engine {
	const struct config *cfg;
	bool print_events;
	bool no_jit;
	bool jit_tiered;		/* the first rules' JIT compiled in the background */
	bool jit_hold;			/* a ready background JIT waits (engine__jit_hold) */
	const char *jit_passes;
	char *write_path;
	struct engine_rules *ev;	/* the rules in force, NULL before any */
	/* the same, as the reload thread may read it */
	_Atomic(const struct engine_rules *) ev_pub;
	const uint64_t *proc_gen;	/* the state's process generation */
	struct state *st;
	struct outputs *out;
	struct scap_writer *w;
	struct extract_evt x;
	struct extract_scratch asc;	/* alert formatting */
	struct extract_memo xmemo;
	struct alert_fmt_opts afo;
	struct strbuf line;
	struct engine_stats stats;
	struct engine_reload *reloader;	/* SIGHUP's builder thread, once asked */
	uint64_t reloads_asked, reloads_done, reloads_failed;	/* of builders stopped */
	struct drop_alert drops;	/* syscall_event_drops (a live source's counters) */
	char hostname[256];
	uint64_t type_counts[PPM_EVENT_MAX];	/* events processed per type */
	bool live;			/* events from a live driver */
	struct engine_live_cpu {
		uint64_t drop_full, drop_big;
	} *live_cpus;			/* the driver's drops per CPU */
	int live_ncpus;
	size_t live_ring_bytes;		/* each CPU's ring */
	char **rule_files;		/* as loaded, for reloads */
	size_t nrule_files;
	volatile sig_atomic_t stop;
	volatile sig_atomic_t reload;	/* rules files to be read again */
	int (*reload_hook)(void *ctx, struct engine *en);
	void *reload_ctx;
	uint64_t rules_gen;		/* bumped by every set of rules put in force */
	struct evt_source *src;		/* the source while engine__run_source runs */
	atomic_int svc_req;		/* ENGINE_SVC_* bits: what to run between events */
	engine_service_fn svc;
	void *svc_ctx;
	struct ctr_client *cc;		/* container lookups (engine_ctr.c), live only */
	uint64_t ctr_events;		/* container events made from the lookups */
	uint64_t ctr_event_errors;
	bool ctr_write_failed;
	bool own_out;			/* out is this engine's (not another's) */
	/* plugins (engine_plugins.c, engine_sources.c); NULL/0 without */
	struct plugin_set *ps;		/* borrowed */
	const struct field_reg *freg;	/* ps's registry */
	struct plugin_lane *pl;
	struct async_queue *aq;		/* the lane's async events, NULL none */
	int source;			/* the source this engine serves, -1 every one
					 * (a capture) */
	bool injecting;			/* async events being fed */
	uint64_t async_fed;		/* async events fed (counted as seen) */
	struct engine_sibling *sib;	/* engines of the other sources of a live run */
	size_t nsib;
};

#define ENGINE_SVC_USER 1		/* engine__request_service */
#define ENGINE_SVC_CONTAINERS 2		/* container descriptions are waiting */

/* engine_ctr.c: starts the container lookups of the configuration (none
 * configured: nothing) and hooks them to the state; stops them; takes the
 * descriptions waiting (into the state, the rules and the -w capture);
 * the statistics line. */
int engine_ctr_start(struct engine *en);
void engine_ctr_stop(struct engine *en);
void engine_ctr_drain(struct engine *en);
void engine_ctr_format_stats(const struct engine *en, struct strbuf *sb);

/* Runs the service function and takes the container descriptions when
 * asked: a relaxed load per event, nothing more. */
static inline void engine_poll_service(struct engine *en)
{
	if (__builtin_expect(atomic_load_explicit(&en->svc_req, memory_order_relaxed), 0)) {
		int req = atomic_exchange_explicit(&en->svc_req, 0, memory_order_relaxed);

		if ((req & ENGINE_SVC_USER) && en->svc)
			en->svc(en->svc_ctx);
		if (req & ENGINE_SVC_CONTAINERS)
			engine_ctr_drain(en);
	}
}

/* Loads and compiles the files into rules of their own with their
 * evaluators (the interpreter, the JIT unless --no-jit: compiled on a
 * thread of its own when background, see engine_jit.c), reading only what
 * does not change while events run, so any thread may call it. 0;
 * -EINVAL when a file has errors (diagnostics in diags); -errno. */
int engine_rules_build(struct engine *en, const char *const *files, size_t n, bool background,
		       struct strbuf *diags, struct engine_rules **out);
void engine_rules_free(struct engine_rules *r);
/* Puts r in force in place of the current rules (between two events, on
 * the event thread) and returns those, for the caller to free. */
struct engine_rules *engine_rules_swap(struct engine *en, struct engine_rules *r);
/* The probe's syscall set of the rules in force (every syscall without
 * rules), n entries. */
const bool *engine_syscalls(const struct engine *en);
struct evt_source;
/* Gives src (when it filters syscalls) the set of the rules in force; how
 * many syscalls that is. */
int engine_switch_syscalls(struct engine *en, struct evt_source *src);

/* The reload thread (engine_reload.c), driven by the event loop:
 * engine_reload_ask (on a reload request: the reload hook, then a build
 * of the rules files on the thread, started the first time);
 * engine_reload_take gives the built rules when there are some (one atomic
 * load otherwise); engine_reload_put puts them in force between two
 * events, switches the source to their syscalls and hands the replaced
 * rules back to the thread to be freed; engine_reload_stop ends the
 * thread. */
void engine_reload_ask(struct engine *en);
struct engine_rules *engine_reload_take(struct engine *en);
void engine_reload_put(struct engine *en, struct evt_source *src, struct engine_rules *r);
void engine_reload_stop(struct engine *en);
/* Reloads requested, done and failed, for the statistics. */
void engine_reload_counts(const struct engine *en, uint64_t *asked, uint64_t *done,
			  uint64_t *failed);

/* The JIT tier (engine_jit.c): engine_jit_start compiles r's conditions,
 * here or in the background (0 or -ENOMEM; an LLVM failure leaves the
 * interpreter, said once); engine_jit_take puts background code in force
 * when it is ready and not held (true: r has code now); engine_jit_wait
 * waits for it and puts it in force; engine_jit_release frees r's code. */
int engine_jit_start(struct engine_rules *r, bool background);
bool engine_jit_take(struct engine *en, struct engine_rules *r);
void engine_jit_wait(struct engine_rules *r);
void engine_jit_release(struct engine_rules *r);

/* Opens the -w capture (when asked) with machine info mi; 0 or -errno with
 * err filled. */
int engine_writer_open(struct engine *en, const struct scap_machine *mi, char *err, size_t errlen);
/* Closes it (when open) at the end of a run that ended with ret: ret when
 * not 0, else the writer's first error (err filled), else 0. */
int engine_writer_close(struct engine *en, int ret, char *err, size_t errlen);
/* One event read from a source: copied to the -w capture, then skipped
 * (unknown type, counted) or run through engine__process. 0, or the
 * writer's error (err filled). */
int engine_feed(struct engine *en, const struct evt *e, char *err, size_t errlen);
/* The live source's lines of the statistics (engine_live.c). */
void engine_format_live_stats(const struct engine *en, struct strbuf *sb);

/* The rules of dispatch d (of r) the current event matches, by the
 * interpreter (d NULL: none). */
uint32_t engine_interp_match(struct engine *en, struct engine_rules *r, const struct dispatch *d,
			     uint32_t *out);

/* ---- plugins (engine_plugins.c) ------------------------------------------ */
/* Per event (en->pl set): the event's source, the state update (syscall
 * events only), then the plugins' parsers. */
void engine_plugins_update(struct engine *en, const struct evt *e);
/* The rules a plugin source's event matches (the interpreter). */
uint32_t engine_plugins_match(struct engine *en, struct engine_rules *r, uint32_t *out);
/* The per-source dispatch of rules r (when the engine has plugin sources). */
int engine_plugins_dispatch(struct engine_rules *r, bool (*ok)(void *ctx, uint32_t i));
void engine_plugins_dispatch_free(struct engine_rules *r);
/* Feeds the queued async events stamped at or before until. 0 or the
 * error of engine_feed. */
int engine_inject_async(struct engine *en, uint64_t until, char *err, size_t errlen);
/* Around a run: async handlers and capture listening on and off; the
 * plugins' state dumped into a capture being written. */
int engine_plugins_start(struct engine *en, bool live, char *err, size_t errlen);
void engine_plugins_stop(struct engine *en);
int engine_plugins_dump(struct engine *en, char *err, size_t errlen);
/* The plugins' lines of the statistics. */
void engine_format_plugin_stats(const struct engine *en, struct strbuf *sb);

/* ---- the other sources of a live run (engine_sources.c) ------------------ */
struct engine_sibling;
/* Adds the engine of source index src (engine__use_plugins). */
int engine_sibling_add(struct engine *en, int src, char *err, size_t errlen);
/* Loads the rules files into them too (engine__load_rules). */
int engine_siblings_load_rules(struct engine *en, const char *const *files, size_t n);
/* Their lines of the statistics. */
void engine_siblings_format_stats(const struct engine *en, struct strbuf *sb);
/* Runs a live engine whose source is not a driver: a plugin's event
 * source, or nodriver (engine.kind), with the siblings. */
int engine_run_other(struct engine *en, char *err, size_t errlen);
/* Runs the engines of the other enabled sources beside this one (each on
 * a thread of its own), started before and joined after the caller's own
 * loop; an error in one stops all. */
int engine_siblings_start(struct engine *en, char *err, size_t errlen);
/* Waits for them; their first error when the caller had none. */
int engine_siblings_join(struct engine *en, int ret, char *err, size_t errlen);
void engine_siblings_free(struct engine *en);
/* engine__stop for them too: signal-safe. */
void engine_siblings_signal(struct engine *en);
/* On the first engine's thread, once its reload hook has run: its rules
 * files handed to each sibling, and their reload asked for. */
void engine_siblings_reload(struct engine *en);
/* A plugin's new configuration (set entry) handed to each sibling, given
 * to its instance at its next reload. 0 or -ENOMEM. */
int engine_siblings_set_config(struct engine *en, size_t entry, const char *config);

/* Tells systemd how saker stands (engine_live.c): READY=1, STOPPING=1;
 * nothing when it asks for no notifications. */
void engine_notify(const char *state);

/* CLOCK_REALTIME in ns: the time async events are stamped in. */
uint64_t engine_now_ns(void);
