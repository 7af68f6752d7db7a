/* The engine (see engine.h): ruleset, state, interpreter, dispatch and
 * outputs wired into one ordered event loop. */
#include "runtime/engine.h"
#include "runtime/engine_int.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compiler/fields.h"
#include "compiler/interp.h"
#include "compiler/ir.h"
#include "compiler/jit.h"
#include "compiler/evttypes.h"
#include "compiler/ruleset.h"
#include "runtime/alert_fmt.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/evt_fmt.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/config_rules.h"
#include "runtime/dispatch.h"
#include "runtime/evt_source.h"
#include "runtime/extract.h"
#include "runtime/outputs.h"
#include "runtime/proc_memo.h"
#include "runtime/scap.h"
#include "state/state.h"


int engine__new(const struct engine_opts *o, struct engine **out)
{
	struct engine *en = mem_calloc(1, sizeof(*en));
	struct state_opts so = { .sz = sizeof(so) };
	const char *h;
	int err;

	if (!en)
		return -ENOMEM;
	en->cfg = o->cfg;
	en->print_events = o->print_events;
	en->no_jit = o->no_jit;
	en->jit_passes = o->jit_passes;
	en->reload_hook = o->reload_hook;
	en->reload_ctx = o->reload_ctx;
	if (o->cfg->thread_table_size)
		so.max_threads = o->cfg->thread_table_size;
	so.max_containers = (size_t)config_get_int(o->cfg, "container_engines.max_containers");
	if (o->write_path && !(en->write_path = mem_strdup(o->write_path))) {
		err = -ENOMEM;
		goto fail;
	}
	err = state__new(&so, &en->st);
	if (err)
		goto fail;
	err = outputs__new(o->cfg, &en->out);
	if (err)
		goto fail;
	h = getenv("FALCO_HOSTNAME");
	if (h && *h)
		snprintf(en->hostname, sizeof(en->hostname), "%s", h);
	else if (gethostname(en->hostname, sizeof(en->hostname) - 1))
		snprintf(en->hostname, sizeof(en->hostname), "localhost");
	alert_fmt_opts_default(&en->afo);
	en->afo.json = o->cfg->json_output;
	en->afo.iso8601 = o->cfg->time_format_iso_8601;
	en->afo.json_output = o->cfg->json_include_output_property;
	en->afo.json_tags = o->cfg->json_include_tags_property;
	en->afo.json_output_fields = o->cfg->json_include_output_fields_property;
	en->afo.json_message = o->cfg->json_include_message_property;
	en->afo.hostname = en->hostname;
	en->x.st = en->st;
	en->proc_gen = state__proc_gen_ptr(en->st);
	en->x.memo = &en->xmemo;
	en->x.hostname = en->hostname;
	*out = en;
	return 0;
fail:
	engine__free(en);
	return err;
}

static void free_eval(struct engine *en)
{
	for (uint32_t i = 0; i < en->nfsc; i++)
		extract_scratch_release(&en->fsc[i]);
	mem_free(en->fsc);
	mem_free(en->preps);
	en->fsc = NULL;
	en->preps = NULL;
	en->nfsc = 0;
	jit__free(en->jit);
	proc_memo__free(en->pm);
	en->pm = NULL;
	dispatch__free(en->dp);
	interp__free(en->ip);
	ruleset__free(en->rs);
	mem_free(en->hits);
	mem_free(en->matches);
	en->jit = NULL;
	en->matches = NULL;
	en->dp = NULL;
	en->ip = NULL;
	en->rs = NULL;
	en->hits = NULL;
}

void engine__free(struct engine *en)
{
	if (!en)
		return;
	engine_ctr_stop(en);
	free_eval(en);
	if (en->w)
		scap_writer__close(en->w);
	mem_free(en->live_cpus);
	for (size_t i = 0; i < en->nrule_files; i++)
		mem_free(en->rule_files[i]);
	mem_free(en->rule_files);
	outputs__free(en->out);
	state__free(en->st);
	extract_scratch_release(&en->asc);
	extract_scratch_release(&en->xmemo.sc);
	strbuf_release(&en->line);
	mem_free(en->write_path);
	mem_free(en);
}

struct ruleset *engine__ruleset(struct engine *en)
{
	return en->rs;
}

static void extract_cb(void *ctx, uint32_t id, const struct ir_opnd *o, struct fval *out)
{
	struct engine *en = ctx;

	extract_field(&en->x, o->fi, o->arg, &en->fsc[id], out);
}

static void alert_field_cb(void *ctx, const struct field_ref *f, struct fval *out)
{
	struct engine *en = ctx;

	extract_field(&en->x, f->fi, f->arg, &en->asc, out);
}

/* A rule takes part when it compiled, is enabled and is at or above the
 * configured minimum priority. */
static bool rule_ok(void *ctx, uint32_t i)
{
	struct engine *en = ctx;
	const struct ruleset_rule *r = &en->rs->rules[i];

	return interp_rule_ok(en->ip, i) && r->src->enabled &&
	       r->src->priority <= en->cfg->min_priority;
}

static const uint32_t *jit_cands(void *ctx, uint32_t t, uint32_t *n)
{
	struct engine *en = ctx;

	return dispatch_type_rules(en->dp, t, n);
}

static bool direct_cb(void *ctx, uint32_t id, struct jit_direct *out)
{
	struct engine *en = ctx;
	const struct ir_opnd *o = interp_field(en->ip, id);

	if (!o || o->kind != IRV_FIELD)
		return false;
	en->preps[id] = (struct extract_prep){ .fi = o->fi, .arg = o->arg, .sc = &en->fsc[id] };
	out->fn = extract_prepare(&en->preps[id]);
	out->a = &en->x;
	out->b = &en->preps[id];
	return true;
}

static bool static_cb(void *ctx, uint32_t id, uint16_t code, struct fval *out)
{
	struct engine *en = ctx;
	const struct ir_opnd *o = interp_field(en->ip, id);

	return o && o->kind == IRV_FIELD && extract_static(o->fi, o->arg, code, out);
}

static bool param_cb(void *ctx, uint32_t id, uint16_t code, struct jit_param *out)
{
	struct engine *en = ctx;
	const struct ir_opnd *o = interp_field(en->ip, id);
	struct extract_param_layout l;

	if (!o || o->kind != IRV_FIELD || !extract_param_layout(o->fi, o->arg, code, &l))
		return false;
	*out = (struct jit_param){ .index = l.index, .size = l.size, .sgn = l.sgn };
	return true;
}

static uint8_t *proc_memo_cb(void *ctx)
{
	struct engine *en = ctx;
	const struct thr *t = en->x.cur.thr;

	if (!t)
		return proc_memo_scratch(en->pm);
	return proc_memo_get(en->pm, t->tid, *en->proc_gen);
}

/* Compiles the conditions to native code; when LLVM fails, says so once
 * and keeps the interpreter. */
static int start_jit(struct engine *en)
{
	struct jit_opts jo = {
		.sz = sizeof(jo),
		.ntypes = (uint32_t)evttypes_count(),
		.cands = jit_cands,
		.cands_ctx = en,
		.first_match = en->cfg->rule_matching == CONFIG_MATCH_FIRST,
		.passes = en->jit_passes,
		.proc_memo = proc_memo_cb,
		.direct = direct_cb,
		.direct_ctx = en,
		.static_value = static_cb,
		.evt_ctx_off = offsetof(struct engine, x) + offsetof(struct extract_evt, e),
		.param_of = param_cb,
	};
	struct jit_stats js;
	char msg[512];
	int err = jit__new(en->ip, &jo, &en->jit, msg, sizeof(msg));

	if (err == -ENOMEM)
		return err;
	if (err) {
		en->stats.jit_fallbacks++;
		log_warn("JIT compilation failed, rules run in the interpreter: %s", msg);
		return 0;
	}
	jit_stats(en->jit, &js);
	en->stats.jit_compile_ns = js.compile_ns;
	en->stats.jit_param_reads = js.param_reads;
	return proc_memo__new(jit_proc_slots(en->jit), ENGINE_PROC_MEMO_THREADS, &en->pm);
}

static void format_diags(const struct ruleset *rs, struct strbuf *sb)
{
	for (size_t i = 0; sb && i < rs->diags.n; i++) {
		diag_format_text(rs->diags.items[i], sb);
		if (sb->len && sb->buf[sb->len - 1] != '\n')
			strbuf_addc(sb, '\n');
	}
}

/* Keeps the names of the rules files for reloads. */
static int keep_rule_files(struct engine *en, const char *const *files, size_t n)
{
	char **copy;

	if ((const char *const *)en->rule_files == files)
		return 0;
	copy = mem_calloc(n ? n : 1, sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!(copy[i] = mem_strdup(files[i]))) {
			while (i--)
				mem_free(copy[i]);
			mem_free(copy);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < en->nrule_files; i++)
		mem_free(en->rule_files[i]);
	mem_free(en->rule_files);
	en->rule_files = copy;
	en->nrule_files = n;
	return 0;
}

/* Loads and compiles the files into a ruleset of their own; diagnostics
 * are formatted into diags. 0; -EINVAL when a file has errors (nothing is
 * kept); -errno. */
static int read_rules(const char *const *files, size_t n, struct strbuf *diags,
		      struct ruleset **out)
{
	struct ruleset *rs;
	int err;

	err = ruleset__new(&rs);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		err = ruleset__load_file(rs, files[i]);
		if (err && err != -EINVAL)
			goto bad;
	}
	err = ruleset__compile(rs);
	if (err == -ENOMEM)
		goto bad;
	format_diags(rs, diags);
	if (rs->diags.nerr) {
		err = -EINVAL;
		goto bad;
	}
	*out = rs;
	return 0;
bad:
	ruleset__free(rs);
	return err;
}

int engine__set_rule_files(struct engine *en, const char *const *files, size_t n)
{
	return keep_rule_files(en, files, n);
}

int engine__reload_rules(struct engine *en, struct strbuf *diags)
{
	int err;

	if (en->reload_hook && (err = en->reload_hook(en->reload_ctx, en)))
		return err;
	return engine__load_rules(en, (const char *const *)en->rule_files, en->nrule_files, diags);
}

int engine__load_rules(struct engine *en, const char *const *files, size_t n,
		       struct strbuf *diags)
{
	struct ruleset *rs;
	int err;

	err = keep_rule_files(en, files, n);
	if (err)
		return err;
	/* rules that do not load leave the running ones as they are */
	err = read_rules(files, n, diags, &rs);
	if (err)
		return err;
	config_rules_apply(en->cfg, rs);	/* the configuration's `rules:` */
	free_eval(en);
	en->rs = rs;
	en->rules_gen++;
	err = interp__new(en->rs, extract_cb, &en->ip);
	if (err)
		return err;
	en->nfsc = interp_nfields(en->ip);
	en->fsc = mem_calloc(en->nfsc ? en->nfsc : 1, sizeof(*en->fsc));
	en->preps = mem_calloc(en->nfsc ? en->nfsc : 1, sizeof(*en->preps));
	en->hits = mem_calloc(en->rs->nrules ? en->rs->nrules : 1, sizeof(*en->hits));
	en->matches = mem_calloc(en->rs->nrules ? en->rs->nrules : 1, sizeof(*en->matches));
	if (!en->fsc || !en->preps || !en->hits || !en->matches)
		return -ENOMEM;
	err = dispatch__new(en->rs, rule_ok, en, &en->dp);
	if (err || en->no_jit)
		return err;
	return start_jit(en);
}

static void alert(struct engine *en, uint32_t rule)
{
	const struct ruleset_rule *r = &en->rs->rules[rule];

	strbuf_reset(&en->line);
	alert_fmt(&en->afo, r->sema, en->x.e->ts, alert_field_cb, en, &en->line);
	if (en->line.oom)
		return;
	en->stats.alerts++;
	en->hits[rule]++;
	if (outputs__emit(en->out, en->line.buf, en->line.len))
		en->stats.output_errors++;
}

static void print_event(struct engine *en, const struct evt *e)
{
	struct evt_fmt_fd fdr;
	const struct thr *t = en->x.cur.thr;

	extract_fmt_ctx(&en->x, &fdr);
	strbuf_reset(&en->line);
	evt_fmt_line(&en->line, en->x.num, e, t && t->comm ? t->comm : "<NA>", &fdr);
	if (!en->line.oom)
		outputs__emit(en->out, en->line.buf, en->line.len);
}

void engine__update(struct engine *en, const struct evt *e)
{
	en->stats.processed++;
	en->x.e = e;
	en->x.num = en->stats.processed;
	if (!en->x.first_ts)
		en->x.first_ts = e->ts;
	state__update(en->st, e, &en->x.cur);
	if (en->print_events)
		print_event(en, e);
}

uint32_t engine__match(struct engine *en, bool jit, uint32_t *out)
{
	const uint32_t *cand;
	uint32_t n, m = 0;

	if (jit && en->jit) {
		uint16_t code = en->x.e->type;

		if (code == PPME_GENERIC_E || code == PPME_GENERIC_X)
			return jit_eval(en->jit, dispatch_evttype(en->x.e),
					en->x.e->info->dir == EVD_ENTER ? 0 : 1, en, out);
		return jit_eval_code(en->jit, code, en, out);
	}
	if (!en->dp || !(cand = dispatch_rules(en->dp, en->x.e, &n)) || !n)
		return 0;
	interp_begin_event(en->ip);
	for (uint32_t i = 0; i < n; i++) {
		if (!interp_eval_rule(en->ip, cand[i], en))
			continue;
		out[m++] = cand[i];
		if (en->cfg->rule_matching == CONFIG_MATCH_FIRST)
			break;
	}
	return m;
}

void engine__finish(struct engine *en)
{
	state__post(en->st);
	en->x.prev_ts = en->x.e->ts;
}

void engine__process(struct engine *en, const struct evt *e)
{
	uint32_t n;

	en->type_counts[e->type]++;
	engine__update(en, e);
	if (en->matches) {
		n = engine__match(en, true, en->matches);
		for (uint32_t i = 0; i < n; i++)
			alert(en, en->matches[i]);
	}
	engine__finish(en);
}

void engine__seed_cb(struct engine *en, struct scap_cb *cb)
{
	scap_seed_cb(en->st, cb);
}

int engine_writer_open(struct engine *en, const struct scap_machine *mi, char *err, size_t errlen)
{
	struct scap_writer_opts wo = { .sz = sizeof(wo) };
	size_t l;
	int ret;

	if (!en->write_path)
		return 0;
	l = strlen(en->write_path);
	wo.gzip = l > 3 && !strcmp(en->write_path + l - 3, ".gz");
	wo.no_env = en->cfg && !en->cfg->capture_env;
	ret = scap_writer__open(en->write_path, &wo, mi, en->st, &en->w);
	if (ret)
		snprintf(err, errlen, "%s: %s", en->write_path, strerror(-ret));
	return ret;
}

int engine_writer_close(struct engine *en, int ret, char *err, size_t errlen)
{
	int werr;

	if (!en->w)
		return ret;
	werr = scap_writer__close(en->w);
	en->w = NULL;
	if (ret)
		return ret;
	if (werr)
		snprintf(err, errlen, "%s: %s", en->write_path, strerror(-werr));
	return werr;
}

int engine_feed(struct engine *en, const struct evt *e, char *err, size_t errlen)
{
	int ret;

	if (en->w && (ret = scap_writer__write(en->w, e)) != 0) {
		snprintf(err, errlen, "%s: %s", en->write_path, strerror(-ret));
		return ret;
	}
	engine_poll_service(en);
	if (!e->info) {
		en->stats.skipped++;
		return 0;
	}
	engine__process(en, e);
	return 0;
}

/* Sleeps while a live source has nothing: from IDLE_MIN_NS, doubling with
 * each empty look up to IDLE_MAX_NS, back to the minimum once events come.
 * Reading in batches of a millisecond or more keeps the reader off the
 * cache lines the driver is writing (each look at a ring moves them to this
 * CPU and costs the writer a miss), and the rings hold far more than 4 ms
 * of events at any rate a driver can produce. */
#define IDLE_MIN_NS 1000000
#define IDLE_MAX_NS 4000000

static void idle(long *ns)
{
	struct timespec ts = { 0, *ns };

	nanosleep(&ts, NULL);
	if (*ns < IDLE_MAX_NS)
		*ns *= 2;
}

/* The counters of the source into the engine's statistics. */
static void take_source_stats(struct engine *en, const struct evt_source *src)
{
	struct evt_source_stats ss;

	src->ops->stats(src, -1, &ss);
	en->stats.seen = ss.seen;
	en->stats.dropped = ss.drop_full + ss.drop_big;
	en->stats.skipped += ss.malformed;
	for (int c = 0; en->live_cpus && c < en->live_ncpus && c < src->ncpus; c++) {
		src->ops->stats(src, c, &ss);
		en->live_cpus[c].drop_full = ss.drop_full;
		en->live_cpus[c].drop_big = ss.drop_big;
	}
}

int engine__run_source(struct engine *en, struct evt_source *src, char *err, size_t errlen)
{
	struct scap_machine mi;
	long idle_ns = IDLE_MIN_NS;
	struct evt e;
	int ret, r;

	src->ops->machine(src, &mi);
	ret = engine_writer_open(en, &mi, err, errlen);
	if (ret)
		return ret;
	en->src = src;
	while (!en->stop) {
		if (en->reload && en->rs)
			engine_reload(en, src);
		r = src->ops->next(src, &e, err, errlen);
		if (r == EVT_SOURCE_EVENT) {
			idle_ns = IDLE_MIN_NS;
			if ((ret = engine_feed(en, &e, err, errlen)) != 0)
				goto out;
			continue;
		}
		if (r == EVT_SOURCE_END)
			break;
		if (r < 0) {
			ret = r;
			goto out;
		}
		engine_poll_service(en);
		outputs__flush(en->out);
		src->ops->release(src);
		idle(&idle_ns);
	}
	if (src->ops->stop) {
		/* no new events: process what the source still holds */
		src->ops->stop(src);
		while ((r = src->ops->next(src, &e, err, errlen)) == EVT_SOURCE_EVENT) {
			if ((ret = engine_feed(en, &e, err, errlen)) != 0)
				goto out;
		}
	}
out:
	take_source_stats(en, src);
	en->src = NULL;
	ret = engine_writer_close(en, ret, err, errlen);
	outputs__flush(en->out);
	return ret;
}

int engine__run_capture(struct engine *en, const char *path, char *err, size_t errlen)
{
	struct evt_source_opts o = { .sz = sizeof(o), .path = path, .seed = en->st };
	struct evt_source *src;
	int ret;

	ret = evt_source__open("capture", &o, &src, err, errlen);
	if (ret)
		return ret;
	ret = engine__run_source(en, src, err, errlen);
	evt_source__close(src);
	return ret;
}

void engine__stop(struct engine *en)
{
	en->stop = 1;
}

void engine__request_reload(struct engine *en)
{
	en->reload = 1;
}

void engine__set_service(struct engine *en, engine_service_fn fn, void *ctx)
{
	en->svc_ctx = ctx;
	en->svc = fn;
}

void engine__request_service(struct engine *en)
{
	atomic_fetch_or_explicit(&en->svc_req, ENGINE_SVC_USER, memory_order_relaxed);
}

void engine__stats(const struct engine *en, struct engine_stats *out)
{
	*out = en->stats;
	out->output_errors = outputs__errors(en->out);
	out->jit = en->jit != NULL;
	out->proc_memo_evictions = en->pm ? proc_memo_evictions(en->pm) : 0;
}

void engine__format_stats(const struct engine *en, struct strbuf *sb)
{
	struct state_stats ss;
	struct engine_stats s;

	engine__stats(en, &s);
	state__stats(en->st, &ss);
	strbuf_printf(sb, "events: seen %" PRIu64 ", processed %" PRIu64 ", dropped %" PRIu64
		      ", alerts %" PRIu64 "\n", s.seen, s.processed, s.dropped, s.alerts);
	strbuf_printf(sb, "skipped (unknown event type): %" PRIu64 "\n", s.skipped);
	strbuf_printf(sb, "state: threads %" PRIu64 ", fds %" PRIu64 ", evicted threads %" PRIu64
		      ", evicted fds %" PRIu64 ", evicted users %" PRIu64 ", malformed events %" PRIu64
		      "\n", ss.threads, ss.fds, ss.threads_evicted, ss.fds_evicted,
		      ss.users_evicted, ss.events_malformed);
	if (en->rs && s.jit)
		strbuf_printf(sb, "evaluator: jit (compiled in %.1f ms), per-thread results evicted %"
			      PRIu64 "\n", s.jit_compile_ns / 1e6, s.proc_memo_evictions);
	else if (en->rs)
		strbuf_printf(sb, "evaluator: interpreter\n");
	if (s.output_errors)
		strbuf_printf(sb, "output errors: %" PRIu64 "\n", s.output_errors);
	engine_ctr_format_stats(en, sb);
	if (en->live)
		engine_format_live_stats(en, sb);
	if (!en->rs || !s.alerts)
		return;
	strbuf_adds(sb, "alerts by rule:\n");
	for (size_t i = 0; i < en->rs->nrules; i++)
		if (en->hits[i])
			strbuf_printf(sb, "  %s: %" PRIu64 "\n", en->rs->rules[i].src->name, en->hits[i]);
}
