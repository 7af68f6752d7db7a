/* Several event sources at once, as Falco 0.33+ runs them: the engine a
 * live run starts with serves the first enabled source, and each other
 * enabled source (a plugin's) gets an engine of its own, its sibling, with
 * its own state, plugins and copy of the rules, fed by its own source on a
 * thread of its own and emitting to the first engine's outputs. A source
 * that ends leaves the others running; an error in one stops them all;
 * stop requests reach every one, and so do reloads, once the first engine
 * has read the configuration again: each sibling takes the rules files and
 * the plugins' new configurations the first engine handed it on its own
 * thread, before it builds its rules again. Also the live sources that are
 * not a driver: a plugin's event source, and nodriver. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "compiler/field_reg.h"
#include "compiler/ruleset.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/engine_int.h"
#include "runtime/evt_source.h"
#include "runtime/plugin.h"
#include "runtime/plugin_inst.h"
#include "runtime/plugin_lane.h"
#include "runtime/plugin_set.h"

/* A plugin's new configuration waiting for a sibling's next reload. */
struct sibling_cfg {
	size_t entry;		/* in the plugin set */
	char *config;
};

struct engine_sibling {
	struct engine *main;
	struct engine *en;
	struct evt_source *src;
	pthread_t th;
	bool running;
	int ret;
	char err[1024];
	/* handed over by the first engine's thread, taken by the sibling's */
	pthread_mutex_t mu;
	char **files;		/* the rules files, NULL: unchanged */
	size_t nfiles;
	struct sibling_cfg *cfgs;
	size_t ncfgs;
};

static void free_files(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		mem_free(v[i]);
	mem_free(v);
}

static void free_cfgs(struct sibling_cfg *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		mem_free(v[i].config);
	mem_free(v);
}

/* A sibling's reload hook, on its thread: what the first engine handed it. */
static int sibling_reload(void *ctx, struct engine *en)
{
	struct engine_sibling *s = ctx;
	struct sibling_cfg *cfgs;
	size_t ncfgs, nfiles;
	char **files, err[512];
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	files = s->files;
	nfiles = s->nfiles;
	cfgs = s->cfgs;
	ncfgs = s->ncfgs;
	s->files = NULL;
	s->cfgs = NULL;
	s->nfiles = s->ncfgs = 0;
	pthread_mutex_unlock(&s->mu);
	for (size_t i = 0; i < ncfgs; i++) {
		int e = plugin_lane_set_config(en->pl, cfgs[i].entry, cfgs[i].config, err,
					       sizeof(err));

		if (e && e != -ENOENT)
			log_error("source '%s': %s", plugin_lane_source_name(en->pl, en->source),
				  err);
	}
	if (files)
		ret = engine__set_rule_files(en, (const char *const *)files, nfiles);
	free_cfgs(cfgs, ncfgs);
	free_files(files, nfiles);
	return ret;
}

int engine_sibling_add(struct engine *en, int src, char *err, size_t errlen)
{
	struct engine_opts o = {
		.sz = sizeof(o),
		.cfg = en->cfg,
		.no_jit = en->no_jit,
		.jit_passes = en->jit_passes,
		.outputs = en->out,
	};
	struct engine_sibling *v = mem_reallocarray(en->sib, en->nsib + 1, sizeof(*v)), *s;
	int ret;

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (en->nsib && v != en->sib) {
		/* the siblings moved: their engines' hook contexts with them */
		for (size_t i = 0; i < en->nsib; i++)
			v[i].en->reload_ctx = &v[i];
	}
	en->sib = v;
	s = &v[en->nsib];
	memset(s, 0, sizeof(*s));
	s->main = en;
	pthread_mutex_init(&s->mu, NULL);
	if ((ret = engine__new(&o, &s->en))) {
		pthread_mutex_destroy(&s->mu);
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	en->nsib++;
	s->en->reload_hook = sibling_reload;
	s->en->reload_ctx = s;
	s->en->ps = en->ps;
	s->en->freg = en->freg;
	s->en->source = src;
	ret = plugin_lane__new(en->ps, s->en->st, src, &s->en->pl, err, errlen);
	if (ret)
		return ret;
	s->en->aq = plugin_lane_async(s->en->pl);
	s->en->x.plugins = s->en->pl;
	return 0;
}

int engine_siblings_load_rules(struct engine *en, const char *const *files, size_t n)
{
	int ret = 0;

	for (size_t i = 0; i < en->nsib && !ret; i++)
		ret = engine__load_rules(en->sib[i].en, files, n, NULL);
	return ret;
}

void engine_siblings_signal(struct engine *en)
{
	for (size_t i = 0; i < en->nsib; i++)
		en->sib[i].en->stop = 1;
}

void engine_siblings_reload(struct engine *en)
{
	for (size_t i = 0; i < en->nsib; i++) {
		struct engine_sibling *s = &en->sib[i];
		char **files = mem_calloc(en->nrule_files + 1, sizeof(*files));
		size_t n = 0;

		while (files && n < en->nrule_files && (files[n] = mem_strdup(en->rule_files[n])))
			n++;
		if (n < en->nrule_files) {
			log_error("source '%s': rules reload failed (%s): the running rules stay",
				  plugin_lane_source_name(s->en->pl, s->en->source),
				  strerror(ENOMEM));
			free_files(files, n);
			continue;
		}
		pthread_mutex_lock(&s->mu);
		free_files(s->files, s->nfiles);
		s->files = files;
		s->nfiles = n;
		pthread_mutex_unlock(&s->mu);
		s->en->reload = 1;
	}
}

int engine_siblings_set_config(struct engine *en, size_t entry, const char *config)
{
	for (size_t i = 0; i < en->nsib; i++) {
		struct engine_sibling *s = &en->sib[i];
		struct sibling_cfg *v;
		char *c = mem_strdup(config);

		pthread_mutex_lock(&s->mu);
		v = c ? mem_reallocarray(s->cfgs, s->ncfgs + 1, sizeof(*v)) : NULL;
		if (v) {
			s->cfgs = v;
			v[s->ncfgs++] = (struct sibling_cfg){ entry, c };
		}
		pthread_mutex_unlock(&s->mu);
		if (!v) {
			mem_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

void engine_siblings_free(struct engine *en)
{
	for (size_t i = 0; i < en->nsib; i++) {
		evt_source__close(en->sib[i].src);
		engine__free(en->sib[i].en);
		free_files(en->sib[i].files, en->sib[i].nfiles);
		free_cfgs(en->sib[i].cfgs, en->sib[i].ncfgs);
		pthread_mutex_destroy(&en->sib[i].mu);
	}
	mem_free(en->sib);
	en->sib = NULL;
	en->nsib = 0;
}

/* A source that is no driver for a live engine: its plugin's event source,
 * or for syscall with engine.kind nodriver a plugin with event sourcing
 * and no source of its own, else nothing. */
static int open_other(struct engine *en, struct evt_source **out, char *err, size_t errlen)
{
	struct evt_source_opts o = {
		.sz = sizeof(o),
		.hostinfo = en->ps ? en->ps->hostinfo : true,
		.name = en->pl ? plugin_lane_source_name(en->pl, en->source) : "syscall",
	};

	o.plugin = en->pl ? plugin_lane_opener(en->pl) : NULL;
	if (en->source > 0 && !o.plugin) {
		snprintf(err, errlen, "Can't find plugin for event source: %s", o.name);
		return -ENOENT;
	}
	if (!o.plugin) {
		log_info("Opening 'syscall' source with no driver");
		return evt_source__open("nodriver", &o, out, err, errlen);
	}
	o.params = plugin_lane_open_params(en->pl);
	log_info("Opening '%s' source with plugin '%s'", o.name, o.plugin->p->name);
	return evt_source__open("plugin", &o, out, err, errlen);
}

/* How far a source read, logged when it can tell. */
static void log_progress(struct evt_source *src)
{
	const char *txt;
	uint32_t pct;

	if (!src->ops->progress)
		return;
	txt = src->ops->progress(src, &pct);
	log_info("source '%s': read %u.%02u%%%s%s", src->name, pct / 100, pct % 100,
		 txt && *txt ? ", " : "", txt && *txt ? txt : "");
}

static void *sibling_main(void *arg)
{
	struct engine_sibling *s = arg;
	sigset_t all;

	/* signals are the first engine's to take */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	s->ret = engine__run_source(s->en, s->src, s->err, sizeof(s->err));
	log_progress(s->src);
	if (s->ret)
		engine__stop(s->main);	/* one source fails: all stop */
	return NULL;
}

int engine_siblings_start(struct engine *en, char *err, size_t errlen)
{
	int ret;

	for (size_t i = 0; i < en->nsib; i++) {
		struct engine_sibling *s = &en->sib[i];

		if ((ret = open_other(s->en, &s->src, err, errlen)))
			goto fail;
		if ((ret = -pthread_create(&s->th, NULL, sibling_main, s))) {
			snprintf(err, errlen, "can't start the thread of source '%s': %s",
				 plugin_lane_source_name(s->en->pl, s->en->source), strerror(-ret));
			goto fail;
		}
		s->running = true;
	}
	return 0;
fail:
	engine_siblings_signal(en);
	engine_siblings_join(en, ret, NULL, 0);
	return ret;
}

int engine_siblings_join(struct engine *en, int ret, char *err, size_t errlen)
{
	if (ret)
		engine_siblings_signal(en);
	for (size_t i = 0; i < en->nsib; i++) {
		struct engine_sibling *s = &en->sib[i];

		if (!s->running)
			continue;
		pthread_join(s->th, NULL);
		s->running = false;
		if (s->ret && !ret) {
			ret = s->ret;
			if (err)
				snprintf(err, errlen, "source '%s': %s",
					 plugin_lane_source_name(s->en->pl, s->en->source), s->err);
		}
	}
	if (en->nsib && en->own_out)
		outputs__close(en->out);
	return ret;
}

int engine_run_other(struct engine *en, char *err, size_t errlen)
{
	struct evt_source *src = NULL;
	int ret;

	if ((ret = open_other(en, &src, err, errlen)))
		return ret;
	if (src->ops->start && (ret = src->ops->start(src, err, errlen)))
		goto out;
	if ((ret = engine_siblings_start(en, err, errlen)))
		goto out;
	engine_notify("READY=1");
	ret = engine__run_source(en, src, err, errlen);
	log_progress(src);
	engine_notify("STOPPING=1");
	ret = engine_siblings_join(en, ret, err, errlen);
out:
	evt_source__close(src);
	return ret;
}

void engine_siblings_format_stats(const struct engine *en, struct strbuf *sb)
{
	for (size_t i = 0; i < en->nsib; i++) {
		const struct engine *e = en->sib[i].en;
		const struct engine_rules *r = e->ev;
		struct engine_stats st;
		struct plugin_lane_stats ls;

		engine__stats(e, &st);
		plugin_lane_stats(e->pl, &ls);
		strbuf_printf(sb, "source %s: events: seen %" PRIu64 ", processed %" PRIu64
			      ", dropped %" PRIu64 ", alerts %" PRIu64 "; plugins: parse failures %"
			      PRIu64 ", extract failures %" PRIu64 "\n",
			      plugin_lane_source_name(e->pl, e->source), st.seen, st.processed,
			      st.dropped, st.alerts, ls.parse_failures, ls.extract_failures);
		for (size_t k = 0; r && st.alerts && k < r->rs->nrules; k++)
			if (r->hits[k])
				strbuf_printf(sb, "  %s: %" PRIu64 "\n", r->rs->rules[k].src->name,
					      r->hits[k]);
	}
}
