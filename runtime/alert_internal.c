/* alert_internal: text and JSON renderings of Falco's internal alerts. */
#include "runtime/alert_internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/alert_fmt.h"
#include "runtime/base/strbuf.h"

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct alert_kv *)a)->key, ((const struct alert_kv *)b)->key);
}

/* key="value" pairs apart by spaces (text), or "key":"value" by commas. */
static void add_fields(const struct alert_kv *kv, size_t n, bool json, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addc(out, json ? ',' : ' ');
		if (json)
			strbuf_add_json_str(out, kv[i].key);
		else
			strbuf_adds(out, kv[i].key);
		strbuf_addc(out, json ? ':' : '=');
		strbuf_add_json_str(out, kv[i].value);
	}
}

void alert_internal(const struct alert_fmt_opts *o, uint64_t ts, enum rl_priority prio,
		    const char *rule, const char *msg, const struct alert_kv *kv, size_t n,
		    struct strbuf *out)
{
	struct alert_kv sorted[32];

	if (n > sizeof(sorted) / sizeof(sorted[0]))
		n = sizeof(sorted) / sizeof(sorted[0]);
	if (n) {
		memcpy(sorted, kv, n * sizeof(*kv));
		qsort(sorted, n, sizeof(*sorted), by_key);
	}
	if (!o->json) {
		alert_fmt_time(ts, false, false, out);
		strbuf_printf(out, ": %s %s (", rl_priority_name(prio), msg);
		add_fields(sorted, n, false, out);
		strbuf_addc(out, ')');
		return;
	}
	strbuf_adds(out, "{\"hostname\":");
	strbuf_add_json_str(out, o->hostname ? o->hostname : "");
	strbuf_adds(out, ",\"output\":");
	strbuf_add_json_str(out, msg);
	strbuf_adds(out, ",\"output_fields\":{");
	add_fields(sorted, n, true, out);
	strbuf_adds(out, "},\"priority\":");
	strbuf_add_json_str(out, rl_priority_name(prio));
	strbuf_adds(out, ",\"rule\":");
	strbuf_add_json_str(out, rule);
	strbuf_adds(out, ",\"source\":\"internal\",\"time\":\"");
	alert_fmt_time(ts, true, true, out);
	strbuf_adds(out, "\"}");
}
