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
#include <sys/resource.h>
#include <unistd.h>

#include "compiler/field_reg.h"
#include "compiler/fields.h"
#include "compiler/rules_load.h"
#include "compiler/interp.h"
#include "compiler/ir.h"
#include "compiler/jit.h"
#include "compiler/evttypes.h"
#include "compiler/ruleset.h"
#include "runtime/alert_fmt.h"
#include "runtime/alert_internal.h"
#include "runtime/append_output.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/evt_fmt.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/base/strmap.h"
#include "runtime/config.h"
#include "runtime/config_rules.h"
#include "runtime/dispatch.h"
#include "runtime/dns_names.h"
#include "runtime/evt_source.h"
#include "runtime/extract.h"
#include "runtime/outputs.h"
#include "runtime/plugin_lane.h"
#include "runtime/proc_memo.h"
#include "runtime/scap.h"
#include "state/state.h"

static const char DROP_RULE[] = "Falco internal: syscall event drop";

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
	en->jit_tiered = o->jit_tiered;
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
	if (o->outputs) {
		en->out = o->outputs;
	} else {
		err = outputs__new(o->cfg, &en->out);
		if (err)
			goto fail;
		en->own_out = true;
	}
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
	drop_alert_init(&en->drops, o->cfg);
	dns_names_install();
	*out = en;
	return 0;
fail:
	engine__free(en);
	return err;
}

void engine_rules_free(struct engine_rules *r)
{
	if (!r)
		return;
	/* first: a background JIT still compiling reads what follows */
	engine_jit_release(r);
	for (uint32_t i = 0; r->fsc && i < r->nfsc; i++)
		extract_scratch_release(&r->fsc[i]);
	mem_free(r->fsc);
	mem_free(r->preps);
	engine_plugins_dispatch_free(r);
	dispatch__free(r->dp);
	interp__free(r->ip);
	ruleset__free(r->rs);
	mem_free(r->hits);
	mem_free(r->matches);
	mem_free(r->syscalls);
	mem_free(r->from);
	mem_free(r);
}

void engine__free(struct engine *en)
{
	if (!en)
		return;
	engine_ctr_stop(en);
	engine_reload_stop(en);
	engine_siblings_free(en);
	if (en->own_out)
		outputs__free(en->out);
	engine_rules_free(en->ev);
	if (en->w)
		scap_writer__close(en->w);
	mem_free(en->live_cpus);
	for (size_t i = 0; i < en->nrule_files; i++)
		mem_free(en->rule_files[i]);
	mem_free(en->rule_files);
	plugin_lane__free(en->pl);
	state__free(en->st);
	extract_scratch_release(&en->asc);
	extract_scratch_release(&en->xmemo.sc);
	strbuf_release(&en->line);
	mem_free(en->write_path);
	mem_free(en);
}

struct ruleset *engine__ruleset(struct engine *en)
{
	return en->ev ? en->ev->rs : NULL;
}

/* Interpreter extraction at run time: ctx is the engine, the field's
 * scratch that of the rules in force. */
static void extract_cb(void *ctx, uint32_t id, const struct ir_opnd *o, struct fval *out)
{
	struct engine *en = ctx;

	extract_field(&en->x, o->fi, o->arg, &en->ev->fsc[id], out);
}

static void alert_field_cb(void *ctx, const struct field_ref *f, struct fval *out)
{
	struct engine *en = ctx;

	extract_field(&en->x, f->fi, f->arg, &en->asc, out);
}

/* The build callbacks below get the rules being built as ctx. A rule
 * takes part when it compiled, is enabled and is at or above the
 * configured minimum priority. */
static bool rule_ok(void *ctx, uint32_t i)
{
	struct engine_rules *r = ctx;
	const struct ruleset_rule *rr = &r->rs->rules[i];

	return interp_rule_ok(r->ip, i) && rr->src->enabled &&
	       rr->src->priority <= r->en->cfg->min_priority;
}

/* The same, for the syscall dispatch and the JIT: syscall rules only. */
static bool syscall_rule_ok(void *ctx, uint32_t i)
{
	struct engine_rules *r = ctx;

	return r->rs->rules[i].source == 0 && rule_ok(ctx, i);
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

/* Loads and compiles the files into a ruleset of their own, with the
 * configuration's append_output; diagnostics are formatted into diags. 0;
 * -EINVAL when a file has errors (nothing is kept); -errno. */
static int read_rules(const struct config *cfg, const struct field_reg *freg,
		      const char *const *files, size_t n, struct strbuf *diags,
		      struct ruleset **out)
{
	struct ruleset *rs;
	int err;

	err = ruleset__new(&rs);
	if (err)
		return err;
	ruleset__set_fields(rs, freg);
	for (size_t i = 0; i < n; i++) {
		err = ruleset__load_file(rs, files[i]);
		if (err && err != -EINVAL)
			goto bad;
	}
	err = append_output_apply(rs, cfg);
	if (err == -ENOMEM)
		goto bad;
	err = ruleset__compile(rs);
	if (err == -ENOMEM)
		goto bad;
	format_diags(rs, diags);
	if (rs->diags.nerr) {
		err = -EINVAL;
		goto bad;
	}
	if (freg) {
		/* as Falco at start: every required plugin loaded */
		char msg[1024];

		if (rules_load_check_plugin_reqs(&rs->rl, msg, sizeof(msg))) {
			if (diags)
				strbuf_printf(diags, "%s\n", msg);
			err = -EINVAL;
			goto bad;
		}
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

/* Where each rule of r was in prev (by name), so its alert count goes on. */
static int map_hits(struct engine_rules *r, const struct engine_rules *prev)
{
	struct strmap names = STRMAP_INIT;
	int err = 0;

	r->prev = prev;
	if (!prev)
		return 0;
	r->from = mem_calloc(r->rs->nrules ? r->rs->nrules : 1, sizeof(*r->from));
	if (!r->from)
		return -ENOMEM;
	for (size_t i = 0; i < prev->rs->nrules && !err; i++)
		err = strmap_put(&names, prev->rs->rules[i].src->name, (uint32_t)i);
	for (size_t i = 0; i < r->rs->nrules && !err; i++) {
		int64_t j = strmap_get(&names, r->rs->rules[i].src->name);

		r->from[i] = j < 0 ? UINT32_MAX : (uint32_t)j;
	}
	strmap_release(&names);
	return err;
}

int engine_rules_build(struct engine *en, const char *const *files, size_t n, bool background,
		       struct strbuf *diags, struct engine_rules **out)
{
	int64_t heap0 = mem_thread_net();
	struct engine_rules *r = mem_calloc(1, sizeof(*r));
	size_t nsc = evt_schema_syscall_count();
	uint32_t nr;
	int err;

	if (!r)
		return -ENOMEM;
	r->en = en;
	/* rules that do not load leave the running ones as they are */
	err = read_rules(en->cfg, en->freg, files, n, diags, &r->rs);
	if (err)
		goto fail;
	config_rules_apply(en->cfg, r->rs);	/* the configuration's `rules:` */
	err = interp__new(r->rs, extract_cb, &r->ip);
	if (err)
		goto fail;
	nr = (uint32_t)r->rs->nrules;
	r->nfsc = interp_nfields(r->ip);
	r->fsc = mem_calloc(r->nfsc ? r->nfsc : 1, sizeof(*r->fsc));
	r->preps = mem_calloc(r->nfsc ? r->nfsc : 1, sizeof(*r->preps));
	r->hits = mem_calloc(nr ? nr : 1, sizeof(*r->hits));
	r->matches = mem_calloc(nr ? nr : 1, sizeof(*r->matches));
	r->syscalls = mem_calloc(nsc ? nsc : 1, sizeof(*r->syscalls));
	if (!r->fsc || !r->preps || !r->hits || !r->matches || !r->syscalls) {
		err = -ENOMEM;
		goto fail;
	}
	ruleset__syscalls(r->rs, en->cfg->all_syscalls, r->syscalls);
	err = dispatch__new(r->rs, syscall_rule_ok, r, &r->dp);
	if (!err && en->pl)
		err = engine_plugins_dispatch(r, rule_ok);
	/* the JIT counts its own heap (engine_jit.c); an engine of a plugin
	 * source alone, or rules none of which is evaluated on syscalls, leave
	 * it nothing to compile (and LLVM unused) */
	heap0 -= mem_thread_net();
	r->no_syscall_rules = !err && (!r->dp || !dispatch_nrules(r->dp));
	if (!err && !en->no_jit && en->source <= 0 && !r->no_syscall_rules)
		err = engine_jit_start(r, background);
	heap0 += mem_thread_net();
	if (!err)
		err = map_hits(r, atomic_load(&en->ev_pub));
	if (err)
		goto fail;
	r->heap += mem_thread_net() - heap0;
	*out = r;
	return 0;
fail:
	engine_rules_free(r);
	return err;
}

struct engine_rules *engine_rules_swap(struct engine *en, struct engine_rules *r)
{
	struct engine_rules *old = en->ev;

	if (old && r->from && r->prev == old) {
		for (size_t i = 0; i < r->rs->nrules; i++)
			if (r->from[i] != UINT32_MAX)
				r->hits[i] = old->hits[r->from[i]];
	}
	en->stats.jit_fallbacks += r->jit_fallbacks;
	en->rules_gen++;
	en->ev = r;
	atomic_store(&en->ev_pub, r);
	return old;
}

const bool *engine_syscalls(const struct engine *en)
{
	return en->ev ? en->ev->syscalls : NULL;
}

int engine_switch_syscalls(struct engine *en, struct evt_source *src)
{
	const bool *sc = engine_syscalls(en);
	size_t n = evt_schema_syscall_count();
	bool *on;
	int nsc = 0;

	if (!src->ops->set_syscalls)
		return 0;
	if (!(on = mem_calloc(n ? n : 1, sizeof(*on))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		on[i] = sc ? sc[i] : true;
		nsc += on[i];
	}
	src->ops->set_syscalls(src, on);
	mem_free(on);
	return nsc;
}

int engine__load_rules(struct engine *en, const char *const *files, size_t n,
		       struct strbuf *diags)
{
	struct engine_rules *r;
	int err;

	err = keep_rule_files(en, files, n);
	if (err)
		return err;
	err = engine_rules_build(en, files, n, en->jit_tiered, diags, &r);
	if (err)
		return err;
	engine_rules_free(engine_rules_swap(en, r));
	return en->nsib ? engine_siblings_load_rules(en, files, n) : 0;
}

static void alert(struct engine *en, uint32_t rule)
{
	const struct ruleset_rule *r = &en->ev->rs->rules[rule];

	strbuf_reset(&en->line);
	alert_fmt(&en->afo, r->sema, en->x.e->ts, alert_field_cb, en, &en->line);
	if (en->line.oom)
		return;
	en->stats.alerts++;
	en->ev->hits[rule]++;
	outputs__emit(en->out, r->src->priority, en->line.buf, en->line.len);
}

/* --print: the event as sysdig prints it, straight to stdout (every
 * event, none dropped: this is no alert). */
static void print_event(struct engine *en, const struct evt *e)
{
	struct evt_fmt_fd fdr;
	const struct thr *t = en->x.cur.thr;

	extract_fmt_ctx(&en->x, &fdr);
	strbuf_reset(&en->line);
	evt_fmt_line(&en->line, en->x.num, e, t && t->comm ? t->comm : "<NA>", &fdr);
	if (en->line.oom)
		return;
	strbuf_addc(&en->line, '\n');
	if (fwrite(en->line.buf, 1, en->line.len, stdout) != en->line.len)
		en->stats.output_errors++;
	else if (!en->cfg->buffered_outputs)
		fflush(stdout);
}

void engine__update(struct engine *en, const struct evt *e)
{
	en->stats.processed++;
	en->x.e = e;
	en->x.num = en->stats.processed;
	if (!en->x.first_ts)
		en->x.first_ts = e->ts;
	if (en->pl)
		engine_plugins_update(en, e);
	else
		state__update(en->st, e, &en->x.cur);
	if (en->print_events)
		print_event(en, e);
}

/* The rules of r the current event matches (engine__match). */
static inline uint32_t match(struct engine *en, struct engine_rules *r, bool jit, uint32_t *out)
{
	if (__builtin_expect(en->x.source != 0, 0))
		return engine_plugins_match(en, r, out);
	if (r->no_syscall_rules)
		return 0;
	if (jit && (r->jit || (__builtin_expect(r->tier != NULL, 0) && engine_jit_take(en, r)))) {
		uint16_t code = en->x.e->type;

		if (code == PPME_GENERIC_E || code == PPME_GENERIC_X)
			return jit_eval(r->jit, dispatch_evttype(en->x.e),
					en->x.e->info->dir == EVD_ENTER ? 0 : 1, en, out);
		return jit_eval_code(r->jit, code, en, out);
	}
	return engine_interp_match(en, r, r->dp, out);
}

uint32_t engine_interp_match(struct engine *en, struct engine_rules *r, const struct dispatch *d,
			     uint32_t *out)
{
	const uint32_t *cand;
	uint32_t n, m = 0;

	if (!d || !(cand = dispatch_rules(d, en->x.e, &n)) || !n)
		return 0;
	interp_begin_event(r->ip);
	for (uint32_t i = 0; i < n; i++) {
		if (!interp_eval_rule(r->ip, cand[i], en))
			continue;
		out[m++] = cand[i];
		if (en->cfg->rule_matching == CONFIG_MATCH_FIRST)
			break;
	}
	return m;
}

uint32_t engine__match(struct engine *en, bool jit, uint32_t *out)
{
	return en->ev ? match(en, en->ev, jit, out) : 0;
}

void engine__finish(struct engine *en)
{
	state__post(en->st);
	en->x.prev_ts = en->x.e->ts;
}

void engine__process(struct engine *en, const struct evt *e)
{
	uint32_t n;

	struct engine_rules *r;

	en->type_counts[e->type]++;
	engine__update(en, e);
	if ((r = en->ev) != NULL) {
		n = match(en, r, true, r->matches);
		for (uint32_t i = 0; i < n; i++)
			alert(en, r->matches[i]);
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

/* syscall_event_drops' look once a second of event time, and its action. */
static int check_drops(struct engine *en, uint64_t ts, char *err, size_t errlen)
{
	struct drop_counts now = { .n_evts = en->stats.seen }, d = { 0 };
	char msg[160], v[21][24];
	struct strbuf sb = STRBUF_INIT;
	bool ebpf = en->src && en->src->live && strcmp(en->src->ops->kind, "kmod");

	if (en->src) {
		struct evt_source_stats ss;

		en->src->ops->stats(en->src, -1, &ss);
		now.n_evts = ss.seen;
		now.n_drops = ss.drop_full + ss.drop_big;
		now.n_drops_buffer = ss.drop_full;
	}
	switch (drop_alert_check(&en->drops, ts, &now, &d)) {
	case DROP_ACT_NONE:
	case DROP_ACT_IGNORE:
		return 0;
	case DROP_ACT_LOG:
		log_debug("%s. %" PRIu64 " system calls dropped in last second.", DROP_RULE,
			  d.n_drops);
		return 0;
	case DROP_ACT_EXIT:
		log_error("%s. %" PRIu64 " system calls dropped in last second.", DROP_RULE,
			  d.n_drops);
		log_error("Exiting.");
		snprintf(err, errlen, "syscall event drops: exiting, as syscall_event_drops.actions "
			 "says");
		en->stop = 1;
		return -ECANCELED;
	case DROP_ACT_ALERT:
		break;
	}
	/* Falco's fields, as strings; the categories saker's probe does not
	 * count are 0 */
	{
		const char *keys[21] = {
			"n_evts", "n_drops", "n_drops_buffer_total",
			"n_drops_buffer_clone_fork_enter", "n_drops_buffer_clone_fork_exit",
			"n_drops_buffer_execve_enter", "n_drops_buffer_execve_exit",
			"n_drops_buffer_connect_enter", "n_drops_buffer_connect_exit",
			"n_drops_buffer_open_enter", "n_drops_buffer_open_exit",
			"n_drops_buffer_dir_file_enter", "n_drops_buffer_dir_file_exit",
			"n_drops_buffer_other_interest_enter", "n_drops_buffer_other_interest_exit",
			"n_drops_buffer_close_exit", "n_drops_buffer_proc_exit",
			"n_drops_scratch_map", "n_drops_page_faults", "n_drops_bug", "ebpf_enabled",
		};
		const uint64_t vals[21] = { [0] = d.n_evts, [1] = d.n_drops,
					    [2] = d.n_drops_buffer, [20] = ebpf };
		struct alert_kv kv[21];

		for (int i = 0; i < 21; i++) {
			snprintf(v[i], sizeof(v[i]), "%" PRIu64, vals[i]);
			kv[i] = (struct alert_kv){ keys[i], v[i] };
		}
		snprintf(msg, sizeof(msg), "%s. %" PRIu64 " system calls dropped in last second.",
			 DROP_RULE, d.n_drops);
		alert_internal(&en->afo, ts, RL_PRIO_DEBUG, DROP_RULE, msg, kv, 21, &sb);
	}
	if (!sb.oom && sb.buf)
		outputs__emit(en->out, RL_PRIO_DEBUG, sb.buf, sb.len);
	strbuf_release(&sb);
	return 0;
}

int engine_feed(struct engine *en, const struct evt *e, char *err, size_t errlen)
{
	int ret;

	if (en->aq && !en->injecting && (ret = engine_inject_async(en, e->ts, err, errlen)))
		return ret;
	if (en->w && (ret = scap_writer__write(en->w, e)) != 0) {
		snprintf(err, errlen, "%s: %s", en->write_path, strerror(-ret));
		return ret;
	}
	engine_poll_service(en);
	if (drop_alert_due(&en->drops, e->ts) && (ret = check_drops(en, e->ts, err, errlen)))
		return ret;
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
	en->stats.seen = ss.seen + en->async_fed;
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
	if (!ret && en->pl)
		ret = engine_plugins_start(en, src->live, err, errlen);
	if (ret) {
		engine_writer_close(en, ret, err, errlen);
		return ret;
	}
	en->src = src;
	while (!en->stop) {
		struct engine_rules *nr;

		if (en->reload && en->ev)
			engine_reload_ask(en);
		if ((nr = engine_reload_take(en)) != NULL)
			engine_reload_put(en, src, nr);
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
		src->ops->release(src);
		if (en->aq && (ret = engine_inject_async(en, engine_now_ns(), err, errlen)))
			goto out;
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
	if (en->pl) {
		/* the plugins stop producing; what they queued still goes in */
		engine_plugins_stop(en);
		if (en->aq && (r = engine_inject_async(en, UINT64_MAX, err, errlen)))
			ret = r;
	}
out:
	if (en->pl)
		engine_plugins_stop(en);
	take_source_stats(en, src);
	en->src = NULL;
	ret = engine_writer_close(en, ret, err, errlen);
	engine_reload_stop(en);
	if (en->own_out && !en->nsib)
		outputs__close(en->out);
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
	dns_names_patience(ENGINE_DNS_PATIENCE_MS);
	ret = engine__run_source(en, src, err, errlen);
	evt_source__close(src);
	return ret;
}

void engine__jit_hold(struct engine *en, bool hold)
{
	en->jit_hold = hold;
}

void engine__jit_wait(struct engine *en)
{
	if (en->ev && en->ev->tier) {
		engine_jit_wait(en->ev);
		en->stats.jit_from_event = en->stats.processed;
	}
}

void engine__stop(struct engine *en)
{
	en->stop = 1;
	engine_siblings_signal(en);
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
	out->output_errors += outputs__lost(en->out);
	out->jit = en->ev && en->ev->jit != NULL;
	out->jit_compile_ns = en->ev ? en->ev->jit_compile_ns : 0;
	out->jit_param_reads = en->ev ? en->ev->jit_param_reads : 0;
	out->jit_cache_hits = en->ev ? en->ev->jit_cache_hits : 0;
	out->jit_llvm_links = en->ev ? en->ev->jit_llvm_links : 0;
	out->jit_cache_misses = en->ev ? en->ev->jit_cache_misses : 0;
	out->rules_heap = en->ev ? en->ev->heap : 0;
	out->proc_memo_evictions = en->ev && en->ev->pm ? proc_memo_evictions(en->ev->pm) : 0;
	engine_reload_counts(en, &out->reloads_asked, &out->reloads, &out->reloads_failed);
	out->drops_detected = en->drops.detected;
	out->drop_actions = en->drops.taken;
}

/* The process's memory: the heap by owner (on jemalloc), the resident set
 * now and at its peak, a live driver's rings. */
static void engine_format_memory(const struct engine *en, const struct engine_stats *s,
				 const struct state_stats *ss, struct strbuf *sb)
{
	struct mem_stats ms;
	struct rusage ru;
	long size_pages, rss_pages = 0;
	FILE *f;

	if (mem_accounted() && !mem_stats(&ms)) {
		int64_t other = (int64_t)ms.allocated - ss->heap_bytes - s->rules_heap;

		strbuf_printf(sb, "memory: heap %.1f MiB (state %.1f, rules %.1f, other %.1f)",
			      ms.allocated / 1048576.0, ss->heap_bytes / 1048576.0,
			      s->rules_heap / 1048576.0, (other > 0 ? other : 0) / 1048576.0);
	} else {
		strbuf_adds(sb, "memory: heap by owner not counted (libc's malloc)");
	}
	if ((f = fopen("/proc/self/statm", "r"))) {
		if (fscanf(f, "%ld %ld", &size_pages, &rss_pages) != 2)
			rss_pages = 0;
		fclose(f);
	}
	getrusage(RUSAGE_SELF, &ru);
	strbuf_printf(sb, ", resident %.1f MiB, peak %.1f MiB",
		      rss_pages * (double)sysconf(_SC_PAGESIZE) / 1048576.0, ru.ru_maxrss / 1024.0);
	if (en->live && en->live_ncpus)
		strbuf_printf(sb, ", rings %.1f MiB mapped (%d CPUs)",
			      (double)en->live_ring_bytes * en->live_ncpus / 1048576.0,
			      en->live_ncpus);
	strbuf_addc(sb, '\n');
}

void engine__format_stats(const struct engine *en, struct strbuf *sb)
{
	const struct engine_rules *r = en->ev;
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
	if (r && s.jit) {
		strbuf_printf(sb, "evaluator: jit (%s in %.1f ms", s.jit_cache_misses ?
			      "compiled" : "linked from the cache", s.jit_compile_ns / 1e6);
		if (s.jit_cache_hits && s.jit_cache_misses)
			strbuf_printf(sb, ", %u of %u parts from the cache", s.jit_cache_hits,
				      s.jit_cache_hits + s.jit_cache_misses);
		if (s.jit_from_event)
			strbuf_printf(sb, ", in force after %" PRIu64 " events in the interpreter",
				      s.jit_from_event);
		strbuf_printf(sb, "), per-thread results evicted %" PRIu64 "\n",
			      s.proc_memo_evictions);
	}
	else if (r && r->tier)
		strbuf_printf(sb, "evaluator: interpreter (the JIT was not ready before the end)\n");
	else if (r && r->no_syscall_rules && !en->pl)
		strbuf_printf(sb, "evaluator: none (no rule is evaluated on syscalls)\n");
	else if (r)
		strbuf_printf(sb, "evaluator: interpreter\n");
	engine_format_memory(en, &s, &ss, sb);
	if (s.reloads_asked)
		strbuf_printf(sb, "rules reloads: asked %" PRIu64 ", done %" PRIu64 ", failed %"
			      PRIu64 "\n", s.reloads_asked, s.reloads, s.reloads_failed);
	if (s.drops_detected || en->drops.simulate)
		strbuf_printf(sb, "syscall event drops: detected %" PRIu64 " times, actions taken %"
			      PRIu64 "\n", s.drops_detected, s.drop_actions);
	outputs__format_stats(en->out, sb);
	if (s.output_errors)
		strbuf_printf(sb, "output errors: %" PRIu64 "\n", s.output_errors);
	engine_ctr_format_stats(en, sb);
	if (en->live)
		engine_format_live_stats(en, sb);
	if (en->pl)
		engine_format_plugin_stats(en, sb);
	if (!r || !s.alerts)
		return;
	strbuf_adds(sb, "alerts by rule:\n");
	for (size_t i = 0; i < r->rs->nrules; i++)
		if (r->hits[i])
			strbuf_printf(sb, "  %s: %" PRIu64 "\n", r->rs->rules[i].src->name, r->hits[i]);
}
