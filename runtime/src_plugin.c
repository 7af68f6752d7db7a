/* A plugin's event source (see evt_source.h): the instance opened with its
 * open parameters, events taken from next_batch in batches and handed out
 * one at a time, decoded in place in the plugin's memory (valid until the
 * next batch). As Falco checks them: a plugin with an event source of its
 * own may only give plugin events of its id (id 0 is filled in), plugin
 * events have no thread, an unset time is the time they arrive. EOF ends
 * the source, a timeout means nothing now, a failure is an error with the
 * plugin's last error. */
#include "runtime/evt_source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtime/base/evt.h"
#include "runtime/base/mem.h"
#include "runtime/plugin.h"
#include "runtime/plugin_inst.h"
#include "runtime/scap.h"
#include "runtime/src_live.h"

struct src_plugin {
	struct evt_source base;
	struct plugin_inst *pi;
	pa_instance_t *h;
	struct pa_event **batch;
	uint32_t n, i;
	int32_t last_rc;	/* of the batch being handed out */
	bool hostinfo, ended;
	uint64_t seen;
	char name[128];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sp_close(struct evt_source *s)
{
	struct src_plugin *p = (struct src_plugin *)s;

	if (!p)
		return;
	if (p->h)
		p->pi->p->api.close(p->pi->state, p->h);
	mem_free(p);
}

static int sp_open(const struct evt_source_opts *o, struct evt_source **out, char *err,
		   size_t errlen)
{
	struct src_plugin *p;
	int32_t rc = PA_FAILURE;

	*out = NULL;
	if (!o->plugin || !(o->plugin->p->caps & PLUGIN_CAP_SOURCE)) {
		snprintf(err, errlen, "no plugin with event sourcing to open");
		return -EINVAL;
	}
	if (!(p = mem_calloc(1, sizeof(*p)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	p->pi = o->plugin;
	p->hostinfo = o->hostinfo;
	snprintf(p->name, sizeof(p->name), "%s", o->name ? o->name : "syscall");
	p->base = (struct evt_source){ .ops = &src_plugin_ops, .name = p->name, .live = true };
	p->h = p->pi->p->api.open(p->pi->state, o->params ? o->params : "", &rc);
	if (rc != PA_SUCCESS) {
		snprintf(err, errlen, "could not open event source '%s' with plugin '%s': %s", p->name,
			 p->pi->p->name, plugin_inst_last_error(p->pi));
		if (!p->h) {
			mem_free(p);
			return -EIO;
		}
		sp_close(&p->base);
		return -EIO;
	}
	*out = &p->base;
	return 0;
}

/* The next batch: EVT_SOURCE_EVENT when there is one, else NONE, END or
 * -EIO with err. */
static int refill(struct src_plugin *p, char *err, size_t errlen)
{
	const struct plugin_api *a = &p->pi->p->api;
	int32_t rc;

	if (p->ended || p->last_rc == PA_EOF) {
		p->ended = true;
		return EVT_SOURCE_END;
	}
	p->n = p->i = 0;
	p->batch = NULL;
	rc = a->next_batch(p->pi->state, p->h, &p->n, &p->batch);
	p->last_rc = rc;
	if (rc == PA_SUCCESS && (!p->n || !p->batch)) {
		snprintf(err, errlen, "unexpected 0 size event returned by plugin %s", p->pi->p->name);
		return -EIO;
	}
	if (rc != PA_SUCCESS && rc != PA_EOF && rc != PA_TIMEOUT) {
		snprintf(err, errlen, "plugin %s failed reading its event source: %s", p->pi->p->name,
			 plugin_inst_last_error(p->pi));
		return -EIO;
	}
	if (!p->batch)
		p->n = 0;
	if (p->n)
		return EVT_SOURCE_EVENT;
	if (rc == PA_EOF) {
		p->ended = true;
		return EVT_SOURCE_END;
	}
	return EVT_SOURCE_NONE;
}

static int sp_next(struct evt_source *s, struct evt *e, char *err, size_t errlen)
{
	struct src_plugin *p = (struct src_plugin *)s;
	struct pa_event *pe;
	uint32_t id, mine = p->pi->p->id;
	int r;

	if (p->i >= p->n && (r = refill(p, err, errlen)) != EVT_SOURCE_EVENT)
		return r;
	pe = p->batch[p->i++];
	if (!pe || pe->len < PPM_HDR_LEN) {
		snprintf(err, errlen, "malformed plugin event produced by plugin: '%s'",
			 p->pi->p->name);
		return -EIO;
	}
	if (mine && (pe->type != PPME_PLUGINEVENT_E || pe->nparams != 2 ||
		     pe->len < PA_PLUGIN_EVENT_PAYLOAD_OFF)) {
		snprintf(err, errlen, "malformed plugin event produced by plugin: '%s'",
			 p->pi->p->name);
		return -EIO;
	}
	if (pe->type == PPME_PLUGINEVENT_E && pe->len >= PA_PLUGIN_EVENT_PAYLOAD_OFF) {
		uint8_t *pid = (uint8_t *)pe + PPM_HDR_LEN + 8;

		memcpy(&id, pid, 4);
		if (!id && mine) {
			memcpy(pid, &mine, 4);
			id = mine;
		} else if (mine && id != mine) {
			snprintf(err, errlen, "unexpected plugin ID in plugin event: plugin='%s', "
				 "expected_id=%u, actual_id=%u", p->pi->p->name, mine, id);
			return -EIO;
		}
		if (!id) {
			snprintf(err, errlen, "malformed plugin event produced by plugin (no ID): '%s'",
				 p->pi->p->name);
			return -EIO;
		}
		pe->tid = UINT64_MAX;	/* plugin events have no thread */
	}
	if (pe->ts == UINT64_MAX)
		pe->ts = now_ns();
	r = evt_decode(e, pe, pe->len);
	if (r == -EINVAL) {
		snprintf(err, errlen, "malformed event of type %u produced by plugin '%s'", pe->type,
			 p->pi->p->name);
		return -EIO;
	}
	e->cpu = 0;
	p->seen++;
	return EVT_SOURCE_EVENT;
}

static void sp_release(struct evt_source *s)
{
	(void)s;
}

static void sp_machine(struct evt_source *s, struct scap_machine *out)
{
	if (((struct src_plugin *)s)->hostinfo)
		src_live_machine(out);
	else
		memset(out, 0, sizeof(*out));
}

static void sp_stop(struct evt_source *s)
{
	struct src_plugin *p = (struct src_plugin *)s;

	/* what the current batch holds is still handed out */
	p->ended = true;
}

static void sp_stats(const struct evt_source *s, int cpu, struct evt_source_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (cpu < 0)
		out->seen = ((const struct src_plugin *)s)->seen;
}

static const char *sp_progress(struct evt_source *s, uint32_t *pct)
{
	struct src_plugin *p = (struct src_plugin *)s;

	*pct = 0;
	if (!p->pi->p->api.get_progress)
		return NULL;
	return p->pi->p->api.get_progress(p->pi->state, p->h, pct);
}

const struct evt_source_ops src_plugin_ops = {
	.kind = "plugin",
	.open = sp_open,
	.next = sp_next,
	.release = sp_release,
	.machine = sp_machine,
	.stop = sp_stop,
	.stats = sp_stats,
	.close = sp_close,
	.progress = sp_progress,
};
