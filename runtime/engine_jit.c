/* The JIT tier of the engine's rules: the callbacks the compiler asks
 * while it builds native code for a set of rules, and tiered evaluation.
 * Compiled in the background, the code is built on a thread of its own
 * while the interpreter evaluates every event; once it is ready, the event
 * thread puts it in force between two events (engine_jit_take, from the
 * match), so each event is evaluated once, by one tier, and the alerts are
 * the same either way. Compiled in the foreground (reloads, which already
 * run off the event thread, and --jit-wait), the rules go in force with
 * their code. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "compiler/evttypes.h"
#include "compiler/jit.h"
#include "compiler/ruleset.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/engine_int.h"

/* What a compilation gives. */
struct jit_result {
	struct jit *jit;	/* NULL: LLVM failed (said once), the interpreter goes on */
	struct proc_memo *pm;
	uint64_t compile_ns;
	uint32_t param_reads;
	uint32_t cache_hits, cache_misses;	/* shards linked from the cache, compiled */
	uint32_t llvm_links;			/* shards LLVM linked (jit_stats) */
	int64_t heap;		/* bytes the compilation kept */
	bool fallback;
	int err;		/* -ENOMEM */
};

/* A compilation under way on its own thread. */
struct engine_jit_tier {
	pthread_t th;
	atomic_int done;	/* res is written */
	struct jit_result res;
};

/* ---- what the compiler asks (ctx: the rules being compiled) ---- */

static const uint32_t *jit_cands(void *ctx, uint32_t t, uint32_t *n)
{
	struct engine_rules *r = ctx;

	return dispatch_type_rules(r->dp, t, n);
}

static bool direct_cb(void *ctx, uint32_t id, struct jit_direct *out)
{
	struct engine_rules *r = ctx;
	const struct ir_opnd *o = interp_field(r->ip, id);

	if (!o || o->kind != IRV_FIELD)
		return false;
	r->preps[id] = (struct extract_prep){ .fi = o->fi, .arg = o->arg, .sc = &r->fsc[id] };
	out->fn = extract_prepare(&r->preps[id]);
	out->a = &r->en->x;
	out->b = &r->preps[id];
	return true;
}

static bool static_cb(void *ctx, uint32_t id, uint16_t code, struct fval *out)
{
	struct engine_rules *r = ctx;
	const struct ir_opnd *o = interp_field(r->ip, id);

	return o && o->kind == IRV_FIELD && extract_static(o->fi, o->arg, code, out);
}

static bool param_cb(void *ctx, uint32_t id, uint16_t code, struct jit_param *out)
{
	struct engine_rules *r = ctx;
	const struct ir_opnd *o = interp_field(r->ip, id);
	struct extract_param_layout l;

	if (!o || o->kind != IRV_FIELD || !extract_param_layout(o->fi, o->arg, code, &l))
		return false;
	*out = (struct jit_param){ .index = l.index, .size = l.size, .sgn = l.sgn };
	return true;
}

/* At run time (ctx: the engine): the current thread's memo. */
static uint8_t *proc_memo_cb(void *ctx)
{
	struct engine *en = ctx;
	const struct thr *t = en->x.cur.thr;

	if (!t)
		return proc_memo_scratch(en->ev->pm);
	return proc_memo_get(en->ev->pm, t->tid, *en->proc_gen);
}

/* ---- compiling ---- */

static void cache_note(void *ctx, const char *msg)
{
	(void)ctx;
	log_warn("%s", msg);
}

/* The JIT cache's directory: the configured one, else root's under
 * /var/cache, else the user's cache directory; "" for none. */
static void cache_dir(const struct config *cfg, char *buf, size_t n)
{
	const char *d = config_get_str(cfg, "jit.cache.dir"), *x, *home;

	buf[0] = '\0';
	if (!config_get_bool(cfg, "jit.cache.enabled"))
		return;
	if (*d)
		snprintf(buf, n, "%s", d);
	else if (geteuid() == 0)
		snprintf(buf, n, "/var/cache/saker/jit");
	else if ((x = getenv("XDG_CACHE_HOME")) && *x == '/')
		snprintf(buf, n, "%s/saker/jit", x);
	else if ((home = getenv("HOME")) && *home == '/')
		snprintf(buf, n, "%s/.cache/saker/jit", home);
}

/* Native code and its per-thread memo for r, reading only what does not
 * change while events run. */
static void compile(struct engine_rules *r, struct jit_result *out)
{
	struct engine *en = r->en;
	struct jit_opts jo = {
		.sz = sizeof(jo),
		.ntypes = (uint32_t)evttypes_count(),
		.cands = jit_cands,
		.cands_ctx = r,
		.first_match = en->cfg->rule_matching == CONFIG_MATCH_FIRST,
		.passes = en->jit_passes,
		.proc_memo = proc_memo_cb,
		.direct = direct_cb,
		.direct_ctx = r,
		.static_value = static_cb,
		.evt_ctx_off = offsetof(struct engine, x) + offsetof(struct extract_evt, e),
		.param_of = param_cb,
	};
	struct jit_stats js;
	char msg[512], dir[1024];
	int64_t heap0 = mem_thread_net();
	int err;

	cache_dir(en->cfg, dir, sizeof(dir));
	jo.cache_dir = dir;
	jo.cache_max_bytes = (uint64_t)config_get_int(en->cfg, "jit.cache.max_size") << 20;
	jo.note = cache_note;
	err = jit__new(r->ip, &jo, &out->jit, msg, sizeof(msg));

	if (err == -ENOMEM) {
		out->err = err;
		return;
	}
	if (err) {
		out->fallback = true;
		log_warn("JIT compilation failed, rules run in the interpreter: %s", msg);
		return;
	}
	jit_stats(out->jit, &js);
	out->compile_ns = js.compile_ns;
	out->param_reads = js.param_reads;
	out->cache_hits = js.cache_hits;
	out->llvm_links = js.llvm_links;
	out->cache_misses = js.cache_misses;
	out->err = proc_memo__new(jit_proc_slots(out->jit), ENGINE_PROC_MEMO_THREADS, &out->pm);
	if (out->err) {
		jit__free(out->jit);
		out->jit = NULL;
	}
	out->heap = mem_thread_net() - heap0;
}

/* The results into r. */
static int apply(struct engine_rules *r, const struct jit_result *res)
{
	r->jit = res->jit;
	r->pm = res->pm;
	r->jit_compile_ns = res->compile_ns;
	r->jit_param_reads = res->param_reads;
	r->jit_cache_hits = res->cache_hits;
	r->jit_llvm_links = res->llvm_links;
	r->jit_cache_misses = res->cache_misses;
	r->jit_fallbacks += res->fallback;
	r->heap += res->heap;
	return res->err;
}

static void *compile_main(void *arg)
{
	struct engine_rules *r = arg;
	struct engine_jit_tier *t = r->tier;

	compile(r, &t->res);
	mem_trim();	/* what LLVM used to compile */
	atomic_store_explicit(&t->done, 1, memory_order_release);
	return NULL;
}

int engine_jit_start(struct engine_rules *r, bool background)
{
	struct jit_result res = { 0 };
	struct engine_jit_tier *t;

	if (!background) {
		compile(r, &res);
		return apply(r, &res);
	}
	t = mem_calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	r->tier = t;
	if (pthread_create(&t->th, NULL, compile_main, r)) {
		/* no thread: compile here */
		r->tier = NULL;
		mem_free(t);
		compile(r, &res);
		return apply(r, &res);
	}
	return 0;
}

/* Joins the compilation and puts its code in force in r (the event
 * thread, between two events). */
static void install(struct engine_rules *r)
{
	struct engine_jit_tier *t = r->tier;

	pthread_join(t->th, NULL);
	r->tier = NULL;
	if (apply(r, &t->res))
		log_error("JIT compilation failed (%s), rules run in the interpreter",
			  strerror(-t->res.err));
	r->en->stats.jit_fallbacks += t->res.fallback;
	mem_free(t);
}

bool engine_jit_take(struct engine *en, struct engine_rules *r)
{
	if (en->jit_hold || !atomic_load_explicit(&r->tier->done, memory_order_acquire))
		return false;
	install(r);
	en->stats.jit_from_event = en->stats.processed;
	return r->jit != NULL;
}

void engine_jit_wait(struct engine_rules *r)
{
	if (r->tier)
		install(r);
}

void engine_jit_release(struct engine_rules *r)
{
	engine_jit_wait(r);
	jit__free(r->jit);
	proc_memo__free(r->pm);
	r->jit = NULL;
	r->pm = NULL;
}
