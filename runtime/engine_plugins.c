/* The engine's side of plugins: its lane (plugin_lane.h), each event's
 * source, the state update left to syscall events, the parsers after it,
 * plugin-source rules dispatched per source and evaluated by the
 * interpreter, async events fed in timestamp order, capture listening, the
 * plugins' state dumped into captures, and their statistics. With no
 * plugin, none of this runs: engine.c tests one pointer. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compiler/field_reg.h"
#include "compiler/ruleset.h"
#include "runtime/async_queue.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/engine_int.h"
#include "runtime/plugin.h"
#include "runtime/plugin_abi.h"
#include "runtime/plugin_lane.h"
#include "runtime/plugin_set.h"

uint64_t engine_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The index of an enabled source, -1 when unknown. */
static int source_index(const struct plugin_set *ps, const char *name)
{
	return field_reg_source_index(ps->reg, name);
}

int engine__use_plugins(struct engine *en, struct plugin_set *ps, bool capture,
			const char *const *enable, size_t nenable, char *err, size_t errlen)
{
	size_t nsrc = field_reg_nsources(ps->reg);
	int first = -1, ret;
	bool *on = mem_calloc(nsrc, sizeof(*on));

	if (!on) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < nsrc; i++)
		on[i] = !enable;
	for (size_t i = 0; enable && i < nenable; i++) {
		int k = source_index(ps, enable[i]);

		if (k < 0) {
			snprintf(err, errlen, "Attempted enabling an unknown event source: %s", enable[i]);
			mem_free(on);
			return -EINVAL;
		}
		on[k] = true;
	}
	for (size_t i = 0; i < nsrc && first < 0; i++)
		if (on[i])
			first = (int)i;
	if (first < 0) {
		snprintf(err, errlen, "Must enable at least one event source");
		mem_free(on);
		return -EINVAL;
	}
	en->ps = ps;
	en->freg = ps->reg;
	en->source = capture ? -1 : first;
	if (!ps->n) {
		/* no plugin: syscalls alone, through the engine's own path */
		en->source = 0;
		mem_free(on);
		return 0;
	}
	ret = plugin_lane__new(ps, en->st, en->source, &en->pl, err, errlen);
	if (ret) {
		mem_free(on);
		return ret;
	}
	en->aq = plugin_lane_async(en->pl);
	en->x.plugins = en->pl;
	ret = 0;
	if (!capture) {
		/* the other enabled sources run on engines of their own */
		for (size_t i = (size_t)first + 1; i < nsrc && !ret; i++)
			if (on[i])
				ret = engine_sibling_add(en, (int)i, err, errlen);
	}
	mem_free(on);
	return ret;
}

int engine__plugin_set_config(struct engine *en, const char *name, const char *config,
			      char *err, size_t errlen)
{
	const struct plugin_entry *pe = en->ps ? plugin_set_find(en->ps, name) : NULL;
	size_t i;
	int ret;

	if (!pe) {
		snprintf(err, errlen, "no plugin '%s' is loaded", name);
		return -ENOENT;
	}
	i = (size_t)(pe - en->ps->v);
	if (!pe->p->api.set_config) {
		snprintf(err, errlen, "plugin '%s' takes no new configuration (no set_config)",
			 pe->p->name);
		return -ENOTSUP;
	}
	ret = en->pl ? plugin_lane_set_config(en->pl, i, config, err, errlen) : -ENOENT;
	if (ret && ret != -ENOENT)
		return ret;
	if (engine_siblings_set_config(en, i, config)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

void engine_plugins_update(struct engine *en, const struct evt *e)
{
	struct state_cur *cur = &en->x.cur;
	int src = plugin_lane_source_of(en->pl, e);
	int64_t tid = -1, fd = -1;

	en->x.source = src;
	en->x.source_name = src ? plugin_lane_source_name(en->pl, src) : NULL;
	if (src == 0 && e->type != PPME_ASYNCEVENT_E) {
		state__update(en->st, e, cur);
	} else {
		/* plugin and async events change no thread; an async event of
		 * the syscall source may name one */
		memset(cur, 0, sizeof(*cur));
		cur->fdnum = -1;
		if (src == 0)
			cur->thr = state__thread(en->st, e->tid);
	}
	if (cur->thr)
		tid = cur->thr->tid;
	if (cur->fd)
		fd = cur->fd->num;
	if (plugin_lane_parse(en->pl, e, en->x.num, src)) {
		/* a parser moved threads or fds: look them up again */
		if (cur->thr)
			cur->thr = state__thread(en->st, tid);
		if (cur->fd)
			cur->fd = cur->thr ? state__fd(en->st, cur->thr, fd) : NULL;
	}
}

int engine_plugins_dispatch(struct engine_rules *r, bool (*ok)(void *ctx, uint32_t i))
{
	struct engine *en = r->en;
	size_t nsrc = field_reg_nsources(en->freg);
	int err;

	if (nsrc < 2)
		return 0;
	r->pdp = mem_calloc(nsrc, sizeof(*r->pdp));
	if (!r->pdp)
		return -ENOMEM;
	r->npdp = (uint32_t)nsrc;
	for (size_t s = 1; s < nsrc; s++) {
		if (!plugin_lane_serves(en->pl, (int)s))
			continue;
		err = dispatch__new_source(r->rs, (uint32_t)s, ok, r, &r->pdp[s]);
		if (err)
			return err;
	}
	return 0;
}

void engine_plugins_dispatch_free(struct engine_rules *r)
{
	for (uint32_t s = 0; r->pdp && s < r->npdp; s++)
		dispatch__free(r->pdp[s]);
	mem_free(r->pdp);
	r->pdp = NULL;
}

uint32_t engine_plugins_match(struct engine *en, struct engine_rules *r, uint32_t *out)
{
	int src = en->x.source;

	return engine_interp_match(en, r, src > 0 && (uint32_t)src < r->npdp ? r->pdp[src] : NULL,
				   out);
}

int engine_inject_async(struct engine *en, uint64_t until, char *err, size_t errlen)
{
	uint64_t now = 0;
	int ret = 0;

	if (!async_queue_len(en->aq))
		return 0;
	en->injecting = true;
	while (!ret) {
		struct evt e;
		uint32_t len;
		void *rec;

		if (!now)
			now = engine_now_ns();
		if (!(rec = async_queue_pop(en->aq, until, now, &len)))
			break;
		if (evt_decode(&e, rec, len) == 0) {
			en->async_fed++;
			ret = engine_feed(en, &e, err, errlen);
		}
		mem_free(rec);
	}
	en->injecting = false;
	return ret;
}

int engine_plugins_start(struct engine *en, bool live, char *err, size_t errlen)
{
	int ret = plugin_lane_start(en->pl, live, err, errlen);

	if (!ret && en->w)
		ret = engine_plugins_dump(en, err, errlen);
	return ret;
}

void engine_plugins_stop(struct engine *en)
{
	plugin_lane_stop(en->pl);
}

/* A dumped async event into the capture being written. */
static int dump_one(void *ctx, const struct pa_event *pe)
{
	struct engine *en = ctx;
	struct evt e;

	if (evt_decode(&e, pe, pe->len))
		return -EINVAL;
	return scap_writer__write(en->w, &e);
}

int engine_plugins_dump(struct engine *en, char *err, size_t errlen)
{
	return en->w ? plugin_lane_dump(en->pl, dump_one, en, err, errlen) : 0;
}

void engine_format_plugin_stats(const struct engine *en, struct strbuf *sb)
{
	struct plugin_lane_stats ls;

	plugin_lane_stats(en->pl, &ls);
	strbuf_printf(sb, "plugins: parse failures %" PRIu64 ", extract failures %" PRIu64
		      ", async events queued %" PRIu64 ", dropped %" PRIu64 ", refused %" PRIu64 "\n",
		      ls.parse_failures, ls.extract_failures, ls.async_queued, ls.async_dropped,
		      ls.async_rejected);
	engine_siblings_format_stats(en, sb);
}
