/* Plugin instances and their owner (see plugin_inst.h). */
#define _GNU_SOURCE
#include "runtime/plugin_inst.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtime/async_queue.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/plugin.h"
#include "runtime/plugin_schema.h"
#include "runtime/plugin_tables.h"

/* Async events stamped further ahead than this are refused (Falco's). */
#define ASYNC_MAX_AHEAD_NS (10ull * 1000000000ull)

/* ---- the owner's callbacks ------------------------------------------------ */

static const char *owner_last_error(pa_owner_t *o)
{
	struct plugin_inst *pi = o;

	return pi && pi->owner_err[0] ? pi->owner_err : NULL;
}

static void owner_log(pa_owner_t *o, const char *component, const char *msg, uint32_t sev)
{
	struct plugin_inst *pi = o;
	const char *who = component ? component : pi ? pi->p->name : "plugin";

	if (!msg)
		return;
	if (sev <= PA_LOG_ERROR)
		log_error("%s: %s", who, msg);
	else if (sev == PA_LOG_WARNING)
		log_warn("%s: %s", who, msg);
	else if (sev <= PA_LOG_INFO)
		log_info("%s: %s", who, msg);
	else
		log_debug("%s: %s", who, msg);
}

static struct pa_table_info *owner_list_tables(pa_owner_t *o, uint32_t *n)
{
	struct plugin_inst *pi = o;

	*n = 0;
	return pi->tabs ? ptab_list_tables(pi->tabs, n) : NULL;
}

static pa_table_t *owner_get_table(pa_owner_t *o, const char *name, uint32_t key_type)
{
	struct plugin_inst *pi = o;

	return pi->tabs ? ptab_get_table(pi->tabs, name, key_type) : NULL;
}

static int32_t owner_add_table(pa_owner_t *o, const struct pa_table_input *in)
{
	struct plugin_inst *pi = o;

	return pi->tabs ? ptab_add_table(pi->tabs, in) : PA_FAILURE;
}

/* After every call: what the plugin left of table entries is reclaimed. */
static void end_call(struct plugin_inst *pi)
{
	if (pi->tabs)
		ptab_owner_end_call(pi->tabs);
}

const char *plugin_inst_last_error(struct plugin_inst *pi)
{
	const char *e = pi->state ? pi->p->api.get_last_error(pi->state) : NULL;

	if (!pi->state)
		return "plugin handle or 'get_last_error' function not defined";
	return e && *e ? e : "(no error text)";
}

/* ---- init --------------------------------------------------------------------- */

/* The event types a plugin gets for extraction or parsing: those it names,
 * else every type when it takes syscall events, else plugin events. */
static void codes(struct plugin_inst *pi, uint16_t *(*get)(uint32_t *, pa_plugin_t *),
		  const struct plugin_strs *srcs, bool *out)
{
	uint32_t n = 0;
	uint16_t *v = get ? get(&n, pi->state) : NULL;
	bool any = false;

	for (uint32_t i = 0; v && i < n; i++)
		if (v[i] < PPM_EVENT_MAX)
			any = out[v[i]] = true;
	if (any)
		return;
	if (plugin_source_compatible(srcs, "syscall")) {
		for (uint32_t t = 0; t < PPM_EVENT_MAX; t++)
			out[t] = true;
	} else {
		out[PPME_PLUGINEVENT_E] = true;
	}
}

/* Whether the plugin reads events other than plugin events: then the event
 * schema it asks for must be saker's. A plugin that asks for none is taken
 * as it is (Falco assumes 3.0.0 of it, which its 4.x schema refuses). */
static int check_schema(struct plugin_inst *pi, char *err, size_t errlen)
{
	uint32_t have[3], want[3];
	const char *req = NULL, *why = NULL;
	bool needs = false;

	for (uint32_t t = 0; t < PPM_EVENT_MAX && !needs; t++)
		needs = t != PPME_PLUGINEVENT_E && (pi->parse_codes[t] || pi->extract_codes[t]);
	if (!needs)
		return 0;
	if (pi->p->api.get_required_event_schema_version)
		req = pi->p->api.get_required_event_schema_version(pi->state);
	if (!req)
		return 0;
	if (!plugin_parse_version(req, want)) {
		snprintf(err, errlen, "plugin %s provided an invalid required event schema version: "
			 "'%.64s'", pi->p->name, req);
		return -EINVAL;
	}
	plugin_parse_version(EVT_SCHEMA_VERSION, have);
	if (have[0] != want[0])
		why = "major versions disagree";
	else if (have[1] < want[1])
		why = "minor version is less than the requested one";
	else if (have[1] == want[1] && have[2] < want[2])
		why = "patch version is less than the requested one";
	if (why) {
		snprintf(err, errlen, "plugin %s required event schema version '%s' not compatible "
			 "with the event schema version in use '" EVT_SCHEMA_VERSION "': %s",
			 pi->p->name, req, why);
		return -ENOTSUP;
	}
	return 0;
}

/* The configuration to hand over: checked against the plugin's JSON
 * schema when it declares one. Owned. */
static int effective_config(struct plugin *p, const char *config, char **out, char *err,
			    size_t errlen)
{
	uint32_t type = PA_SCHEMA_NONE;
	const char *schema = p->api.get_init_schema ? p->api.get_init_schema(&type) : NULL;
	char why[PA_MAX_ERRLEN];
	int ret;

	if (!schema || !*schema || type == PA_SCHEMA_NONE) {
		*out = mem_strdup(config ? config : "");
		return *out ? 0 : -ENOMEM;
	}
	if (type != PA_SCHEMA_JSON) {
		snprintf(err, errlen, "error in plugin %s: get_init_schema returned an unknown schema "
			 "type %u", p->name, type);
		return -EINVAL;
	}
	ret = plugin_schema_check(schema, config, out, why, sizeof(why));
	if (ret == -EINVAL)
		snprintf(err, errlen, "error in plugin %s init config: %s", p->name, why);
	return ret;
}

int plugin_inst__new(struct plugin *p, const char *config, struct ptab_reg *reg,
		     struct plugin_inst **out, char *err, size_t errlen)
{
	struct plugin_inst *pi = mem_calloc(1, sizeof(*pi));
	struct pa_init_tables_input tin = { 0 };
	struct pa_init_input in = { 0 };
	char *cfg = NULL;
	int32_t rc = PA_FAILURE;
	int ret;

	*out = NULL;
	if (!pi) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pi->p = p;
	if ((ret = effective_config(p, config, &cfg, err, errlen)))
		goto fail;
	/* the table API goes to every plugin, not only those that parse or
	 * extract: the C++ SDK reads it in any plugin's init */
	if (reg && (ret = ptab_owner__new(reg, p->name, pi->owner_err, sizeof(pi->owner_err),
					  &pi->tabs)))
		goto fail;
	in.config = cfg;
	in.owner = pi;
	in.get_owner_last_error = owner_last_error;
	in.log_fn = owner_log;
	if (pi->tabs) {
		tin.list_tables = owner_list_tables;
		tin.get_table = owner_get_table;
		tin.add_table = owner_add_table;
		tin.fields = ptab_fields_vt;
		tin.fields_ext = &ptab_fields_vt;
		tin.reader_ext = &ptab_reader_vt;
		tin.writer_ext = &ptab_writer_vt;
		in.tables = &tin;
	}
	pi->state = p->api.init(&in, &rc);
	end_call(pi);
	if (rc != PA_SUCCESS) {
		snprintf(err, errlen, "plugin '%s' (%s): could not initialize plugin: %s", p->name,
			 p->path, plugin_inst_last_error(pi));
		ret = -EIO;
		goto fail;
	}
	if (p->caps & PLUGIN_CAP_EXTRACT)
		codes(pi, p->api.get_extract_event_types, &p->extract_sources, pi->extract_codes);
	if (p->caps & PLUGIN_CAP_PARSE)
		codes(pi, p->api.get_parse_event_types, &p->parse_sources, pi->parse_codes);
	if ((ret = check_schema(pi, err, errlen)))
		goto fail;
	mem_free(cfg);
	*out = pi;
	return 0;
fail:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	mem_free(cfg);
	plugin_inst__free(pi);
	return ret;
}

void plugin_inst__free(struct plugin_inst *pi)
{
	if (!pi)
		return;
	if (atomic_load(&pi->aq))
		plugin_inst_async(pi, NULL, 0, NULL, 0);
	if (pi->state)
		pi->p->api.destroy(pi->state);
	ptab_owner__free(pi->tabs);
	mem_free(pi);
}

/* ---- events ------------------------------------------------------------------- */

void plugin_inst_event(const struct evt *e, uint64_t num, const char *source,
		       struct pa_event_input *out)
{
	out->evt = (const struct pa_event *)e->raw;
	out->evtnum = num;
	out->evtsrc = source;
}

static void table_inputs(struct pa_reader_vt_v0 *rd, struct pa_writer_vt *wr)
{
	if (rd)
		*rd = ptab_reader_vt_v0;
	if (wr)
		*wr = ptab_writer_vt;
}

bool plugin_inst_parse(struct plugin_inst *pi, const struct pa_event_input *ev)
{
	struct pa_event_parse_input in = {
		.owner = pi,
		.get_owner_last_error = owner_last_error,
		.table_reader_ext = &ptab_reader_vt,
		.table_writer_ext = &ptab_writer_vt,
	};
	int32_t rc;

	table_inputs(&in.table_reader, &in.table_writer);
	rc = pi->p->api.parse_event(pi->state, ev, &in);
	end_call(pi);
	if (rc == PA_SUCCESS)
		return true;
	if (!pi->parse_failures++)
		log_warn("plugin '%s' could not parse event %" PRIu64 " (further failures are only "
			 "counted): %s", pi->p->name, ev->evtnum, plugin_inst_last_error(pi));
	return false;
}

bool plugin_inst_extract(struct plugin_inst *pi, const struct pa_event_input *ev, uint32_t field,
			 const char *arg_key, uint64_t arg_index, bool arg_present)
{
	const struct plugin_field *f = &pi->p->fields[field];
	struct pa_field_extract_input in = {
		.owner = pi,
		.get_owner_last_error = owner_last_error,
		.num_fields = 1,
		.fields = &pi->xf,
		.table_reader_ext = &ptab_reader_vt,
	};
	int32_t rc;

	table_inputs(&in.table_reader, NULL);
	memset(&pi->xf, 0, sizeof(pi->xf));
	pi->xf.field_id = field;
	pi->xf.field = f->name;
	pi->xf.arg_key = arg_key;
	pi->xf.arg_index = arg_index;
	pi->xf.arg_present = arg_present;
	pi->xf.ftype = f->ftype;
	pi->xf.flist = f->list;
	rc = pi->p->api.extract_fields(pi->state, ev, &in);
	end_call(pi);
	if (rc == PA_SUCCESS)
		return true;
	if (!pi->extract_failures++)
		log_warn("plugin '%s' could not extract %s from event %" PRIu64 " (further failures "
			 "are only counted): %s", pi->p->name, f->name, ev->evtnum,
			 plugin_inst_last_error(pi));
	return false;
}

int plugin_inst_capture(struct plugin_inst *pi, bool open, char *err, size_t errlen)
{
	struct pa_capture_listen_input in = {
		.owner = pi,
		.table_reader_ext = &ptab_reader_vt,
		.table_writer_ext = &ptab_writer_vt,
		.get_owner_last_error = owner_last_error,
	};
	struct pa_routine_vt routines = { 0 };
	int32_t rc;

	in.routine = &routines;
	rc = open ? pi->p->api.capture_open(pi->state, &in) : pi->p->api.capture_close(pi->state, &in);
	end_call(pi);
	if (rc != PA_SUCCESS) {
		snprintf(err, errlen, "%s error for plugin '%s': %s",
			 open ? "capture_open" : "capture_close", pi->p->name,
			 plugin_inst_last_error(pi));
		return -EIO;
	}
	return 0;
}

/* ---- async events ------------------------------------------------------------- */

static void async_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The handler's error text, in the plugin's buffer when it gave one. */
static void async_err(char *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err, PA_MAX_ERRLEN, fmt, ap);
	va_end(ap);
}



/* The name of an async event record, NULL when it is malformed. */
static const char *async_name(const struct pa_event *e, uint32_t len)
{
	uint32_t l[3];
	const char *name;

	if (len < PPM_HDR_LEN + 12 || e->len != len || e->type != PPME_ASYNCEVENT_E ||
	    e->nparams != 3)
		return NULL;
	memcpy(l, (const uint8_t *)e + PPM_HDR_LEN, sizeof(l));
	if (l[0] != 4 || (uint64_t)PPM_HDR_LEN + 12 + l[0] + l[1] + l[2] > len || !l[1])
		return NULL;
	name = (const char *)e + PPM_HDR_LEN + 12 + 4;
	return name[l[1] - 1] == '\0' ? name : NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int32_t on_async(pa_owner_t *o, const struct pa_event *e, char *err)
{
	struct plugin_inst *pi = o;
	struct async_queue *aq = pi ? atomic_load(&pi->aq) : NULL;
	const char *name;
	uint8_t *copy;
	uint32_t len;

	if (!aq) {
		async_err(err, "async event sent with NULL handler: %s", pi ? pi->p->name : "?");
		return PA_FAILURE;
	}
	len = e ? e->len : 0;
	if (!e || !(name = async_name(e, len))) {
		atomic_fetch_add(&pi->async_rejected, 1);
		async_err(err, "malformed async event produced by plugin: %s", pi->p->name);
		return PA_FAILURE;
	}
	if (!plugin_strs_has(&pi->p->async_names, name)) {
		atomic_fetch_add(&pi->async_rejected, 1);
		async_err(err, "incompatible async event '%s' produced by plugin: %s", name,
			  pi->p->name);
		return PA_FAILURE;
	}
	if (pi->async_id && e->tid != UINT64_MAX) {
		atomic_fetch_add(&pi->async_rejected, 1);
		async_err(err, "async events of plugin '%s' can have no thread associated with the "
			  "event source of plugin id %" PRIu32, pi->p->name, pi->async_id);
		return PA_FAILURE;
	}
	if (e->ts != UINT64_MAX && e->ts > now_ns() + ASYNC_MAX_AHEAD_NS) {
		atomic_fetch_add(&pi->async_rejected, 1);
		async_err(err, "async event of plugin '%s' is stamped too far in the future",
			  pi->p->name);
		return PA_FAILURE;
	}
	copy = mem_malloc(len);
	if (!copy) {
		async_err(err, "out of memory");
		return PA_FAILURE;
	}
	memcpy(copy, e, len);
	memcpy(copy + PPM_HDR_LEN + 12, &pi->async_id, 4);	/* the source it joins */
	if (async_queue_push(aq, copy, len)) {
		async_err(err, "async event queue is full: event of plugin '%s' dropped",
			  pi->p->name);
		return PA_FAILURE;
	}
	return PA_SUCCESS;
}

int plugin_inst_async(struct plugin_inst *pi, struct async_queue *aq, uint32_t id, char *err,
		      size_t errlen)
{
	int32_t rc;

	if (!(pi->p->caps & PLUGIN_CAP_ASYNC))
		return 0;
	if (aq) {
		pi->async_id = id;
		atomic_store(&pi->aq, aq);
		rc = pi->p->api.set_async_event_handler(pi->state, pi, on_async);
		if (rc != PA_SUCCESS)
			atomic_store(&pi->aq, (struct async_queue *)NULL);
	} else {
		/* the plugin stops its producers before it returns */
		rc = pi->p->api.set_async_event_handler(pi->state, pi, NULL);
		atomic_store(&pi->aq, (struct async_queue *)NULL);
	}
	if (rc != PA_SUCCESS && err)
		snprintf(err, errlen, "can't %s async event handler for plugin '%s': %s",
			 aq ? "set" : "reset", pi->p->name, plugin_inst_last_error(pi));
	return rc == PA_SUCCESS ? 0 : -EIO;
}

struct dump_ctx {
	struct plugin_inst *pi;
	int (*fn)(void *ctx, const struct pa_event *e);
	void *ctx;
};

/* dump_state's handler: the owner pointer is the dump's context. */
static int32_t on_dump(pa_owner_t *o, const struct pa_event *e, char *err)
{
	struct dump_ctx *d = o;
	const char *name;
	uint8_t *copy;
	int ret;

	if (!e || !(name = async_name(e, e->len))) {
		async_err(err, "malformed async event produced by plugin: %s", d->pi->p->name);
		return PA_FAILURE;
	}
	if (!plugin_strs_has(&d->pi->p->async_names, name)) {
		async_err(err, "incompatible async event '%s' produced by plugin: %s", name,
			  d->pi->p->name);
		return PA_FAILURE;
	}
	/* stamped as async events are: the source's plugin id, the time */
	if (!(copy = mem_malloc(e->len))) {
		async_err(err, "out of memory");
		return PA_FAILURE;
	}
	memcpy(copy, e, e->len);
	memcpy(copy + PPM_HDR_LEN + 12, &d->pi->async_id, 4);
	if (((struct pa_event *)copy)->ts == UINT64_MAX) {
		uint64_t now = now_ns();

		memcpy(copy, &now, 8);
	}
	ret = d->fn(d->ctx, (const struct pa_event *)copy);
	mem_free(copy);
	return ret ? PA_FAILURE : PA_SUCCESS;
}

int plugin_inst_dump(struct plugin_inst *pi, int (*fn)(void *ctx, const struct pa_event *e),
		     void *ctx, char *err, size_t errlen)
{
	struct dump_ctx d = { pi, fn, ctx };

	if (!(pi->p->caps & PLUGIN_CAP_ASYNC) || !pi->p->api.dump_state)
		return -ENOTSUP;
	if (pi->p->api.dump_state(pi->state, &d, on_dump) != PA_SUCCESS) {
		snprintf(err, errlen, "dump error for plugin '%s': %s", pi->p->name,
			 plugin_inst_last_error(pi));
		return -EIO;
	}
	return 0;
}

/* ---- configuration and metrics ---------------------------------------------- */

int plugin_inst_set_config(struct plugin_inst *pi, const char *config, char *err, size_t errlen)
{
	struct pa_set_config_input in;
	char *cfg = NULL;
	int ret;

	if (!pi->p->api.set_config) {
		snprintf(err, errlen, "plugin '%s' takes no new configuration (no set_config)",
			 pi->p->name);
		return -ENOTSUP;
	}
	if ((ret = effective_config(pi->p, config, &cfg, err, errlen)))
		return ret;
	in.config = cfg;
	ret = pi->p->api.set_config(pi->state, &in) == PA_SUCCESS ? 0 : -EINVAL;
	if (ret)
		snprintf(err, errlen, "plugin '%s' refused the configuration: %s", pi->p->name,
			 plugin_inst_last_error(pi));
	mem_free(cfg);
	return ret;
}

void plugin_inst_metrics(struct plugin_inst *pi,
			 void (*fn)(void *ctx, const char *name, double v, bool monotonic),
			 void *ctx)
{
	uint32_t n = 0;
	struct pa_metric *m;
	char name[256];

	if (!pi->p->api.get_metrics || !(m = pi->p->api.get_metrics(pi->state, &n)))
		return;
	for (uint32_t i = 0; i < n; i++) {
		double v;

		switch (m[i].value_type) {
		case PA_MV_U32: v = m[i].value.u32; break;
		case PA_MV_S32: v = m[i].value.s32; break;
		case PA_MV_U64: v = (double)m[i].value.u64; break;
		case PA_MV_S64: v = (double)m[i].value.s64; break;
		case PA_MV_D: v = m[i].value.d; break;
		case PA_MV_F: v = m[i].value.f; break;
		case PA_MV_I: v = m[i].value.i; break;
		default: continue;
		}
		snprintf(name, sizeof(name), "%s.%s", pi->p->name, m[i].name ? m[i].name : "?");
		fn(ctx, name, v, m[i].type == PA_METRIC_MONOTONIC);
	}
}
