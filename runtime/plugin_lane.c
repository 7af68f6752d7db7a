/* The plugins of one engine (see plugin_lane.h). */
#include "runtime/plugin_lane.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/field_reg.h"
#include "runtime/async_queue.h"
#include "runtime/base/evt.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/plugin.h"
#include "runtime/plugin_inst.h"
#include "runtime/plugin_set.h"
#include "runtime/plugin_tables.h"

struct lane_field {
	struct plugin_inst *pi;	/* NULL: no plugin of the lane gives it */
	uint32_t index;		/* its index in the plugin's fields */
};

struct plugin_lane {
	struct plugin_set *ps;
	struct ptab_reg *tabs;
	struct plugin_inst **inst;	/* by set entry, NULL when not in the lane */
	int src;			/* -1: every source */
	struct plugin_inst **parsers;	/* in configuration order */
	size_t nparsers;
	bool *parse_src;		/* nparsers x nsources: compatible */
	size_t nsources;
	struct lane_field *fields;	/* by registry id */
	size_t nfields;
	struct async_queue *aq;
	bool started, live;
	uint32_t last_id;		/* source_of's cache */
	int last_src;
};

/* Whether entry e's plugin belongs in a lane of source src (-1: all). */
static bool wanted(const struct plugin_set *ps, const struct plugin_entry *e, int src)
{
	const struct plugin *p = e->p;
	const char *s;

	if (src < 0)
		return true;
	s = field_reg_source(ps->reg, (size_t)src);
	return ((p->caps & PLUGIN_CAP_SOURCE) && (p->id ? e->source == src : src == 0)) ||
	       ((p->caps & PLUGIN_CAP_EXTRACT) && plugin_source_compatible(&p->extract_sources, s)) ||
	       ((p->caps & PLUGIN_CAP_PARSE) && plugin_source_compatible(&p->parse_sources, s)) ||
	       ((p->caps & PLUGIN_CAP_ASYNC) && plugin_source_compatible(&p->async_sources, s));
}

void plugin_lane__free(struct plugin_lane *l)
{
	if (!l)
		return;
	plugin_lane_stop(l);
	/* later plugins may use tables of earlier ones: destroy in reverse */
	for (size_t i = l->ps->n; i-- > 0;)
		plugin_inst__free(l->inst[i]);
	mem_free(l->inst);
	mem_free(l->parsers);
	mem_free(l->parse_src);
	mem_free(l->fields);
	async_queue__free(l->aq);
	ptab_reg__free(l->tabs);
	mem_free(l);
}

int plugin_lane__new(struct plugin_set *ps, struct state *st, int src, struct plugin_lane **out,
		     char *err, size_t errlen)
{
	struct plugin_lane *l = mem_calloc(1, sizeof(*l));
	bool async = false;
	int ret = -ENOMEM;

	*out = NULL;
	if (!l)
		goto oom;
	l->ps = ps;
	l->src = src;
	l->last_src = -1;
	l->nsources = field_reg_nsources(ps->reg);
	l->nfields = field_reg_nfields(ps->reg);
	l->inst = mem_calloc(ps->n ? ps->n : 1, sizeof(*l->inst));
	l->parsers = mem_calloc(ps->n ? ps->n : 1, sizeof(*l->parsers));
	l->parse_src = mem_calloc((ps->n ? ps->n : 1) * l->nsources, sizeof(*l->parse_src));
	l->fields = mem_calloc(l->nfields ? l->nfields : 1, sizeof(*l->fields));
	if (!l->inst || !l->parsers || !l->parse_src || !l->fields ||
	    ptab_reg__new(st, &l->tabs))
		goto oom;
	for (size_t i = 0; i < ps->n; i++) {
		const struct plugin_entry *e = &ps->v[i];

		if (!wanted(ps, e, src))
			continue;
		if ((ret = plugin_inst__new(e->p, e->init_config, l->tabs, &l->inst[i], err, errlen)))
			goto fail;
		if (e->p->caps & PLUGIN_CAP_PARSE) {
			for (size_t s = 0; s < l->nsources; s++)
				l->parse_src[l->nparsers * l->nsources + s] =
					plugin_source_compatible(&e->p->parse_sources,
								 field_reg_source(ps->reg, s));
			l->parsers[l->nparsers++] = l->inst[i];
		}
		async |= (e->p->caps & PLUGIN_CAP_ASYNC) != 0;
	}
	for (size_t id = 0; id < l->nfields; id++) {
		uint32_t prov, index;

		field_reg_origin(ps->reg, (uint32_t)id, &prov, &index);
		l->fields[id] = (struct lane_field){ l->inst[prov], index };
	}
	if (async && src >= 0 && async_queue__new(0, &l->aq))
		goto oom;
	*out = l;
	return 0;
oom:
	ret = -ENOMEM;
	snprintf(err, errlen, "out of memory");
fail:
	plugin_lane__free(l);
	return ret;
}

bool plugin_lane_serves(const struct plugin_lane *l, int src)
{
	return l->src < 0 || l->src == src;
}

const char *plugin_lane_source_name(const struct plugin_lane *l, int src)
{
	const char *s = src >= 0 ? field_reg_source(l->ps->reg, (size_t)src) : NULL;

	return s ? s : "unknown";
}

int plugin_lane_source_of(struct plugin_lane *l, const struct evt *e)
{
	const struct plugin_entry *pe;
	uint32_t id = 0;

	if (e->type != PPME_PLUGINEVENT_E && e->type != PPME_ASYNCEVENT_E)
		return 0;
	if (!evt_param_u32(e, 0, &id) || !id)
		return e->type == PPME_ASYNCEVENT_E ? 0 : -1;
	if (id == l->last_id)
		return l->last_src;
	pe = plugin_set_by_id(l->ps, id);
	l->last_id = id;
	l->last_src = pe ? pe->source : -1;
	return l->last_src;
}

bool plugin_lane_parse(struct plugin_lane *l, const struct evt *e, uint64_t num, int src)
{
	struct pa_event_input in;
	bool any = false;

	if (src < 0)
		return false;
	for (size_t i = 0; i < l->nparsers; i++) {
		struct plugin_inst *pi = l->parsers[i];

		if (!pi->parse_codes[e->type] || !l->parse_src[i * l->nsources + (size_t)src])
			continue;
		if (!any)
			plugin_inst_event(e, num, plugin_lane_source_name(l, src), &in);
		any = true;
		plugin_inst_parse(pi, &in);
	}
	return any && ptab_reg_take_written(l->tabs);
}

/* The argument as an index: digits, no leading zero (Falco's rule). */
static bool arg_index(const char *arg, uint64_t *out)
{
	char *end;

	if (!*arg || (arg[0] == '0' && arg[1]))
		return false;
	for (const char *p = arg; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	errno = 0;
	*out = strtoull(arg, &end, 10);
	return !errno;
}

const struct pa_extract_field *plugin_lane_extract(struct plugin_lane *l, const struct evt *e,
						   uint64_t num, int src, uint32_t id,
						   const char *arg)
{
	const struct plugin_field *f;
	struct pa_event_input in;
	struct plugin_inst *pi;
	const char *sname, *key = NULL;
	uint64_t index = UINT64_MAX;

	if (id >= l->nfields || src < 0 || !(pi = l->fields[id].pi) || !pi->extract_codes[e->type])
		return NULL;
	sname = plugin_lane_source_name(l, src);
	if (!field_reg_offers(l->ps->reg, id, sname))
		return NULL;
	f = &pi->p->fields[l->fields[id].index];
	if (arg && f->arg_index)
		arg_index(arg, &index);
	if (arg && f->arg_key)
		key = arg;
	plugin_inst_event(e, num, sname, &in);
	if (!plugin_inst_extract(pi, &in, l->fields[id].index, key, index, arg != NULL))
		return NULL;
	return &pi->xf;
}

const char *plugin_lane_event_plugin(struct plugin_lane *l, const struct evt *e)
{
	const struct plugin_entry *pe;
	uint32_t id;

	if (e->type != PPME_PLUGINEVENT_E || !evt_param_u32(e, 0, &id))
		return NULL;
	pe = plugin_set_by_id(l->ps, id);
	return pe ? pe->p->name : NULL;
}

const char *plugin_lane_event_info(struct plugin_lane *l, const struct evt *e, uint64_t num,
				   char *buf, size_t len)
{
	const struct plugin_entry *pe;
	struct plugin_inst *pi = NULL;
	const uint8_t *data;
	uint32_t id, dlen = 0;
	size_t o = 0;

	if (e->type != PPME_PLUGINEVENT_E || !evt_param_u32(e, 0, &id))
		return NULL;
	pe = plugin_set_by_id(l->ps, id);
	if (pe)
		pi = l->inst[pe - l->ps->v];
	if (pi && pe->p->api.event_to_string) {
		struct pa_event_input in;
		const char *s;

		plugin_inst_event(e, num, plugin_lane_source_name(l, pe->source), &in);
		s = pe->p->api.event_to_string(pi->state, &in);
		if (s && *s) {
			snprintf(buf, len, "%s", s);
			return buf;
		}
	}
	/* Falco's rendering when the plugin gives none */
	data = evt_param(e, 1, &dlen);
	o = (size_t)snprintf(buf, len, "datalen=%u data=", dlen);
	for (uint32_t i = 0; data && i < dlen && i < 50; i++)
		if (!isprint(data[i])) {
			snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, "<binary>");
			return buf;
		}
	if (o < len)
		snprintf(buf + o, len - o, "%.*s%s", (int)(dlen < 50 ? dlen : 50),
			 data ? (const char *)data : "", dlen > 50 ? "..." : "");
	return buf;
}

struct plugin_inst *plugin_lane_opener(struct plugin_lane *l)
{
	const struct plugin_entry *pe = l->src < 0 ? NULL : plugin_set_opener(l->ps, l->src);

	return pe ? l->inst[pe - l->ps->v] : NULL;
}

const char *plugin_lane_open_params(const struct plugin_lane *l)
{
	const struct plugin_entry *pe = l->src < 0 ? NULL : plugin_set_opener(l->ps, l->src);

	return pe ? pe->open_params : "";
}

struct async_queue *plugin_lane_async(struct plugin_lane *l)
{
	return l->aq;
}

int plugin_lane_start(struct plugin_lane *l, bool live, char *err, size_t errlen)
{
	const struct plugin_entry *op = l->src > 0 ? plugin_set_opener(l->ps, l->src) : NULL;
	uint32_t id = op ? op->p->id : 0;
	int ret;

	if (l->started)
		return 0;
	l->started = true;
	l->live = live && l->aq;
	for (size_t i = 0; l->live && i < l->ps->n; i++) {
		struct plugin_inst *pi = l->inst[i];

		if (pi && (pi->p->caps & PLUGIN_CAP_ASYNC) &&
		    (ret = plugin_inst_async(pi, l->aq, id, err, errlen)))
			return ret;
	}
	for (size_t i = 0; i < l->ps->n; i++) {
		struct plugin_inst *pi = l->inst[i];

		if (pi && (pi->p->caps & PLUGIN_CAP_LISTEN) &&
		    (ret = plugin_inst_capture(pi, true, err, errlen)))
			return ret;
	}
	return 0;
}

void plugin_lane_stop(struct plugin_lane *l)
{
	char err[PA_MAX_ERRLEN];

	if (!l->started)
		return;
	l->started = false;
	for (size_t i = 0; l->live && i < l->ps->n; i++)
		if (l->inst[i] && (l->inst[i]->p->caps & PLUGIN_CAP_ASYNC) &&
		    plugin_inst_async(l->inst[i], NULL, 0, err, sizeof(err)))
			log_warn("%s", err);
	for (size_t i = 0; i < l->ps->n; i++)
		if (l->inst[i] && (l->inst[i]->p->caps & PLUGIN_CAP_LISTEN) &&
		    plugin_inst_capture(l->inst[i], false, err, sizeof(err)))
			log_warn("%s", err);
}

int plugin_lane_dump(struct plugin_lane *l, int (*fn)(void *ctx, const struct pa_event *e),
		     void *ctx, char *err, size_t errlen)
{
	for (size_t i = 0; i < l->ps->n; i++) {
		int ret;

		if (!l->inst[i])
			continue;
		ret = plugin_inst_dump(l->inst[i], fn, ctx, err, errlen);
		if (ret && ret != -ENOTSUP)
			return ret;
	}
	return 0;
}

int plugin_lane_set_config(struct plugin_lane *l, size_t i, const char *config, char *err,
			   size_t errlen)
{
	if (i >= l->ps->n || !l->inst[i])
		return -ENOENT;
	return plugin_inst_set_config(l->inst[i], config, err, errlen);
}

void plugin_lane_metrics(struct plugin_lane *l,
			 void (*fn)(void *ctx, const char *name, double v, bool monotonic),
			 void *ctx)
{
	for (size_t i = 0; i < l->ps->n; i++)
		if (l->inst[i])
			plugin_inst_metrics(l->inst[i], fn, ctx);
}

void plugin_lane_stats(struct plugin_lane *l, struct plugin_lane_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < l->ps->n; i++) {
		struct plugin_inst *pi = l->inst[i];

		if (!pi)
			continue;
		out->parse_failures += pi->parse_failures;
		out->extract_failures += pi->extract_failures;
		out->async_rejected += atomic_load(&pi->async_rejected);
	}
	if (l->aq)
		async_queue_counts(l->aq, &out->async_queued, &out->async_dropped);
}
