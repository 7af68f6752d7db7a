/* A test plugin with an event source of its own ("tpclock", id 1999):
 * open("N,T0,US") gives N plugin events "tick i", stamped T0 + i*1000 ns
 * (T0 0: left to saker), in batches of 3 (US microseconds apart), with its
 * progress. It extracts from
 * them (tpclock.*: the tick's number, text, a list of strings and of
 * numbers, an address, its argument as received, the configured label,
 * and a field that fails on tick 3 with a last error), pushes async events
 * named "tpclock_async" from a thread of its own while the handler is set
 * (with T0: one at T0 + 500 + 2000*k for k < 5, between the ticks), dumps
 * its state as one "tpclock_state" async event, reports metrics, takes a
 * new configuration, and declares a JSON schema for its init config. */
#include <pthread.h>
#include <unistd.h>

#include "tests/plugins/tp_common.h"

#define ID 1999

struct tp {
	char err[PA_MAX_ERRLEN];
	char label[64];
	char cfg[256];
	uint64_t ticks;		/* events produced so far */
	/* async */
	pthread_t th;
	bool running;
	volatile bool stop;
	pa_owner_t *owner;
	pa_async_handler_fn handler;
	uint64_t t0;
	volatile int pushed;	/* async events handed over */
	/* extraction answers */
	const char *strs[4];
	char text[256];
	uint64_t nums[4];
	pa_bool flag;
	uint8_t ip[4];
	struct pa_byte_buffer buf;
	struct pa_metric metrics[2];
};

struct inst {
	uint64_t n, t0, i, sleep_us;
	uint8_t bufs[3][256];
	struct pa_event *evts[3];
	char prog[64];
};

TP_EXPORT const char *plugin_get_required_api_version(void) { return "3.6.0"; }
TP_EXPORT const char *plugin_get_version(void) { return "1.2.3"; }
TP_EXPORT const char *plugin_get_name(void) { return "tpclock"; }
TP_EXPORT const char *plugin_get_description(void) { return "ticks for saker's tests"; }
TP_EXPORT const char *plugin_get_contact(void) { return "saker tests"; }
TP_EXPORT uint32_t plugin_get_id(void) { return ID; }
TP_EXPORT const char *plugin_get_event_source(void) { return "tpclock"; }

TP_EXPORT const char *plugin_get_init_schema(uint32_t *type)
{
	*type = PA_SCHEMA_JSON;
	return "{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\",\"maxLength\":20},"
	       "\"t0\":{\"type\":\"integer\",\"minimum\":0}},\"additionalProperties\":false}";
}

/* The "label" of a JSON config like {"label":"x"} (enough for the test). */
static void read_label(struct tp *p, const char *cfg)
{
	const char *l = cfg ? strstr(cfg, "\"label\":\"") : NULL;
	size_t n = 0;

	snprintf(p->cfg, sizeof(p->cfg), "%s", cfg ? cfg : "");
	p->label[0] = '\0';
	if (!l)
		return;
	l += 9;
	while (l[n] && l[n] != '"' && n + 1 < sizeof(p->label))
		n++;
	memcpy(p->label, l, n);
	p->label[n] = '\0';
}

TP_EXPORT pa_plugin_t *plugin_init(const struct pa_init_input *in, int32_t *rc)
{
	struct tp *p = calloc(1, sizeof(*p));

	if (!p) {
		*rc = PA_FAILURE;
		return NULL;
	}
	read_label(p, in->config);
	if (in->log_fn)
		in->log_fn(in->owner, NULL, "tpclock initialized", PA_LOG_INFO);
	*rc = PA_SUCCESS;
	return p;
}

TP_EXPORT void plugin_destroy(pa_plugin_t *s)
{
	free(s);
}

TP_EXPORT const char *plugin_get_last_error(pa_plugin_t *s)
{
	return ((struct tp *)s)->err;
}

TP_EXPORT const char *plugin_list_open_params(pa_plugin_t *s, int32_t *rc)
{
	(void)s;
	*rc = PA_SUCCESS;
	return "[{\"value\":\"10,0\",\"desc\":\"ten ticks, stamped by saker\"},"
	       "{\"value\":\"5,1000000000\"}]";
}

TP_EXPORT pa_instance_t *plugin_open(pa_plugin_t *s, const char *params, int32_t *rc)
{
	struct tp *p = s;
	struct inst *h = calloc(1, sizeof(*h));
	unsigned long long n = 10, t0 = 0, sleep_us = 0;

	if (!h) {
		*rc = PA_FAILURE;
		return NULL;
	}
	if (params && *params && sscanf(params, "%llu,%llu,%llu", &n, &t0, &sleep_us) < 1) {
		tp_err(p->err, "tpclock: bad open params '%s'", params);
		free(h);
		*rc = PA_FAILURE;
		return NULL;
	}
	h->n = n;
	h->t0 = t0;
	h->sleep_us = sleep_us;
	p->t0 = t0;
	p->ticks = 0;
	*rc = PA_SUCCESS;
	return h;
}

TP_EXPORT void plugin_close(pa_plugin_t *s, pa_instance_t *h)
{
	(void)s;
	free(h);
}

TP_EXPORT int32_t plugin_next_batch(pa_plugin_t *s, pa_instance_t *hh, uint32_t *nevts,
				    struct pa_event ***evts)
{
	struct tp *p = s;
	struct inst *h = hh;
	uint32_t k = 0;

	/* with fixed times, the async events go in first, so that their
	 * order among the ticks is the owner's doing, not a race's */
	for (int w = 0; h->t0 && p->running && h->i == 0 && p->pushed < 5 && w < 2000; w++)
		usleep(1000);
	if (h->sleep_us)
		usleep((useconds_t)h->sleep_us);
	while (k < 3 && h->i < h->n) {
		char msg[64];
		uint64_t ts = h->t0 ? h->t0 + h->i * 1000 : UINT64_MAX;
		int l = snprintf(msg, sizeof(msg), "tick %llu", (unsigned long long)h->i);

		/* plugin id 0 for odd ticks: saker fills it in */
		tp_plugin_event(h->bufs[k], sizeof(h->bufs[k]), ts, h->i % 2 ? 0 : ID, msg,
				(uint32_t)l + 1);
		h->evts[k] = (struct pa_event *)h->bufs[k];
		k++;
		h->i++;
		p->ticks++;
	}
	*nevts = k;
	*evts = h->evts;
	if (h->i >= h->n)
		return PA_EOF;
	return PA_SUCCESS;
}

TP_EXPORT const char *plugin_get_progress(pa_plugin_t *s, pa_instance_t *hh, uint32_t *pct)
{
	struct inst *h = hh;

	(void)s;
	*pct = h->n ? (uint32_t)(h->i * 10000 / h->n) : 10000;
	snprintf(h->prog, sizeof(h->prog), "%llu of %llu ticks", (unsigned long long)h->i,
		 (unsigned long long)h->n);
	return h->prog;
}

TP_EXPORT const char *plugin_get_fields(void)
{
	return "["
	       "{\"type\":\"uint64\",\"name\":\"tpclock.n\",\"desc\":\"the tick's number\"},"
	       "{\"type\":\"string\",\"name\":\"tpclock.text\",\"desc\":\"the tick's text\","
	       "\"addOutput\":true},"
	       "{\"type\":\"string\",\"name\":\"tpclock.words\",\"desc\":\"words\",\"isList\":true},"
	       "{\"type\":\"uint64\",\"name\":\"tpclock.nums\",\"desc\":\"numbers\",\"isList\":true},"
	       "{\"type\":\"ipaddr\",\"name\":\"tpclock.ip\",\"desc\":\"10.0.0.<n>\"},"
	       "{\"type\":\"string\",\"name\":\"tpclock.arg\",\"desc\":\"the argument received\","
	       "\"arg\":{\"isKey\":true,\"isIndex\":true}},"
	       "{\"type\":\"string\",\"name\":\"tpclock.label\",\"desc\":\"configured label\"},"
	       "{\"type\":\"uint64\",\"name\":\"tpclock.fail\",\"desc\":\"fails on tick 3\"},"
	       "{\"type\":\"string\",\"name\":\"tpclock.async\",\"desc\":\"an async event's data\"},"
	       "{\"type\":\"bool\",\"name\":\"tpclock.even\",\"desc\":\"the tick is even\","
	       "\"properties\":[\"info\"]}"
	       "]";
}

/* Plugin events and async events (without this list, a plugin of its own
 * source gets plugin events alone). */
TP_EXPORT uint16_t *plugin_get_extract_event_types(uint32_t *n, pa_plugin_t *s)
{
	static uint16_t types[] = { 322, 402 };

	(void)s;
	*n = 2;
	return types;
}

/* The tick number of a plugin event, -1 for others. */
static int64_t tick_of(const struct pa_event *e)
{
	uint32_t len;
	const uint8_t *d = tp_payload(e, &len);
	unsigned long long i;

	if (!d || len < 6 || sscanf((const char *)d, "tick %llu", &i) != 1)
		return -1;
	return (int64_t)i;
}

TP_EXPORT int32_t plugin_extract_fields(pa_plugin_t *s, const struct pa_event_input *ev,
					const struct pa_field_extract_input *in)
{
	struct tp *p = s;

	for (uint32_t f = 0; f < in->num_fields; f++) {
		struct pa_extract_field *x = &in->fields[f];
		int64_t i = tick_of(ev->evt);
		const uint8_t *data;
		uint32_t dlen;

		x->res_len = 0;
		if (x->field_id == 8) {	/* tpclock.async */
			const char *name = tp_async_name(ev->evt, &data, &dlen);

			if (!name || !dlen)
				continue;
			snprintf(p->text, sizeof(p->text), "%s:%.*s", name, (int)dlen, (const char *)data);
			p->strs[0] = p->text;
			x->res.str = p->strs;
			x->res_len = 1;
			continue;
		}
		if (i < 0)
			continue;
		switch (x->field_id) {
		case 0:
			p->nums[0] = (uint64_t)i;
			x->res.u64 = p->nums;
			x->res_len = 1;
			break;
		case 1:
			snprintf(p->text, sizeof(p->text), "tick %lld", (long long)i);
			p->strs[0] = p->text;
			x->res.str = p->strs;
			x->res_len = 1;
			break;
		case 2:	/* even ticks: ["a", "b", "tick"], odd: none */
			if (i % 2)
				break;
			p->strs[0] = "a";
			p->strs[1] = "b";
			p->strs[2] = "tick";
			x->res.str = p->strs;
			x->res_len = 3;
			break;
		case 3:	/* i, i*10, i*100 */
			p->nums[0] = (uint64_t)i;
			p->nums[1] = (uint64_t)i * 10;
			p->nums[2] = (uint64_t)i * 100;
			x->res.u64 = p->nums;
			x->res_len = 3;
			break;
		case 4:
			p->ip[0] = 10;
			p->ip[1] = 0;
			p->ip[2] = 0;
			p->ip[3] = (uint8_t)i;
			p->buf = (struct pa_byte_buffer){ 4, p->ip };
			x->res.buf = &p->buf;
			x->res_len = 1;
			break;
		case 5:
			snprintf(p->text, sizeof(p->text), "key=%s index=%lld present=%u",
				 x->arg_key ? x->arg_key : "(null)", (long long)x->arg_index,
				 x->arg_present);
			p->strs[0] = p->text;
			x->res.str = p->strs;
			x->res_len = 1;
			break;
		case 6:
			p->strs[0] = p->label;
			x->res.str = p->strs;
			x->res_len = 1;
			break;
		case 7:
			if (i == 3) {
				tp_err(p->err, "tpclock: no value on tick 3");
				return PA_FAILURE;
			}
			p->nums[0] = (uint64_t)i;
			x->res.u64 = p->nums;
			x->res_len = 1;
			break;
		case 9:
			p->flag = i % 2 == 0;
			x->res.boolean = &p->flag;
			x->res_len = 1;
			break;
		default:
			break;
		}
	}
	return PA_SUCCESS;
}

/* ---- async events ------------------------------------------------------------ */

TP_EXPORT const char *plugin_get_async_events(void)
{
	return "[\"tpclock_async\",\"tpclock_state\"]";
}

TP_EXPORT const char *plugin_get_async_event_sources(void)
{
	return "[\"tpclock\"]";
}

static void *producer(void *arg)
{
	struct tp *p = arg;
	uint8_t buf[256];
	char err[PA_MAX_ERRLEN];

	for (uint64_t k = 0; !p->stop; k++) {
		char data[32];
		int l = snprintf(data, sizeof(data), "async %llu", (unsigned long long)k);
		uint64_t ts = p->t0 ? p->t0 + 500 + 2000 * k : UINT64_MAX;
		uint32_t len;

		if (p->t0 && k >= 5)
			break;
		len = tp_async(buf, sizeof(buf), ts, "tpclock_async", data, (uint32_t)l);
		if (len)
			p->handler(p->owner, (const struct pa_event *)buf, err);
		__atomic_add_fetch(&p->pushed, 1, __ATOMIC_SEQ_CST);
		usleep(p->t0 ? 0 : 20000);
	}
	return NULL;
}

TP_EXPORT int32_t plugin_set_async_event_handler(pa_plugin_t *s, pa_owner_t *o,
						 pa_async_handler_fn h)
{
	struct tp *p = s;

	if (p->running) {
		p->stop = true;
		pthread_join(p->th, NULL);
		p->running = false;
	}
	if (!h)
		return PA_SUCCESS;
	p->owner = o;
	p->handler = h;
	p->stop = false;
	if (pthread_create(&p->th, NULL, producer, p)) {
		tp_err(p->err, "tpclock: no thread");
		return PA_FAILURE;
	}
	p->running = true;
	return PA_SUCCESS;
}

TP_EXPORT int32_t plugin_dump_state(pa_plugin_t *s, pa_owner_t *o, pa_async_handler_fn h)
{
	struct tp *p = s;
	uint8_t buf[256];
	char data[64], err[PA_MAX_ERRLEN];
	int l = snprintf(data, sizeof(data), "ticks %llu", (unsigned long long)p->ticks);
	uint32_t len = tp_async(buf, sizeof(buf), p->t0 ? p->t0 : 1, "tpclock_state", data,
				(uint32_t)l);

	if (!len)
		return PA_FAILURE;
	return h(o, (const struct pa_event *)buf, err);
}

/* ---- configuration and metrics ---------------------------------------------- */

TP_EXPORT int32_t plugin_set_config(pa_plugin_t *s, const struct pa_set_config_input *in)
{
	read_label(s, in->config);
	return PA_SUCCESS;
}

TP_EXPORT struct pa_metric *plugin_get_metrics(pa_plugin_t *s, uint32_t *n)
{
	struct tp *p = s;

	p->metrics[0] = (struct pa_metric){ .name = "ticks", .type = PA_METRIC_MONOTONIC,
					    .value.u64 = p->ticks, .value_type = PA_MV_U64 };
	p->metrics[1] = (struct pa_metric){ .name = "half", .type = PA_METRIC_NON_MONOTONIC,
					    .value.d = (double)p->ticks / 2, .value_type = PA_MV_D };
	*n = 2;
	return p->metrics;
}
