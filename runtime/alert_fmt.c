/* alert_fmt: text and JSON renderings of an alert. */
#include "runtime/alert_fmt.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler/fields.h"
#include "compiler/rules.h"
#include "compiler/sema.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/field_render.h"

void alert_fmt_opts_default(struct alert_fmt_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->json_output = true;
	o->json_tags = true;
	o->json_output_fields = true;
	o->hostname = "";
}

static void time_text(uint64_t ts, bool iso, bool json, struct strbuf *out)
{
	time_t sec = (time_t)(ts / 1000000000ull);
	struct tm tm;
	char buf[64];

	if (json) {
		gmtime_r(&sec, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		strbuf_printf(out, "%s.%09" PRIu64 "Z", buf, (uint64_t)(ts % 1000000000u));
		return;
	}
	localtime_r(&sec, &tm);
	if (iso) {
		char zone[16];

		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		strftime(zone, sizeof(zone), "%z", &tm);
		strbuf_printf(out, "%s.%09" PRIu64 "%s", buf, (uint64_t)(ts % 1000000000u), zone);
	} else {
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		strbuf_printf(out, "%s.%09" PRIu64, buf, (uint64_t)(ts % 1000000000u));
	}
}

/* Tags in name order, as Falco keeps them. */
static int tag_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void alert_fmt_time(uint64_t ts, bool iso8601, bool json, struct strbuf *out)
{
	time_text(ts, iso8601, json, out);
}

/* A format's tokens with every %field substituted. */
static void tokens_text(const struct out_tok *t, uint32_t n, alert_fmt_field_fn fn, void *ctx,
			struct strbuf *out)
{
	for (uint32_t i = 0; i < n; i++) {
		strbuf_adds(out, t[i].lit);
		if (t[i].fref) {
			struct fval v = { .kind = FV_NONE };

			fn(ctx, t[i].fref, &v);
			field_render_text(t[i].fref->fi, &v, out);
		}
	}
}

/* The message: the output format with every %field substituted. */
static void message(const struct sema_rule *r, alert_fmt_field_fn fn, void *ctx, struct strbuf *out)
{
	tokens_text(r->out, r->nout, fn, ctx, out);
}

/* Whether append_output gives the rule an extra field named key (which
 * then replaces the output's field of that name). */
static bool extra_named(const struct sema_rule *r, const char *key)
{
	for (uint32_t i = 0; i < r->nextra; i++)
		if (!strcmp(r->extra[i].key, key))
			return true;
	return false;
}

/* append_output's extra fields: a raw field with its own JSON type, a
 * format as a string. */
static void extra_fields_json(const struct sema_rule *r, uint64_t ts, alert_fmt_field_fn fn,
			      void *ctx, struct strbuf *out)
{
	for (uint32_t i = 0; i < r->nextra; i++) {
		const struct sema_extra *x = &r->extra[i];

		strbuf_addc(out, ',');
		strbuf_add_json_str(out, x->key);
		strbuf_addc(out, ':');
		if (x->raw && x->nout == 2 && x->out[0].fref && !*x->out[0].lit) {
			struct fval v = { .kind = FV_NONE };

			fn(ctx, x->out[0].fref, &v);
			field_render_json(x->out[0].fref->fi, &v, ts, out);
		} else {
			struct strbuf tmp = STRBUF_INIT;

			tokens_text(x->out, x->nout, fn, ctx, &tmp);
			strbuf_add_json_str(out, tmp.buf ? tmp.buf : "");
			strbuf_release(&tmp);
		}
	}
}

void alert_fmt(const struct alert_fmt_opts *o, const struct sema_rule *r, uint64_t ts,
	       alert_fmt_field_fn fn, void *ctx, struct strbuf *out)
{
	const struct rl_rule *src = r->src;
	struct strbuf line = STRBUF_INIT, msg = STRBUF_INIT;

	time_text(ts, o->iso8601, false, &line);
	strbuf_printf(&line, ": %s ", rl_priority_name(src->priority));
	message(r, fn, ctx, &msg);
	strbuf_add(&line, msg.buf ? msg.buf : "", msg.len);
	if (!o->json) {
		strbuf_add(out, line.buf, line.len);
		goto done;
	}
	strbuf_adds(out, "{\"hostname\":");
	strbuf_add_json_str(out, o->hostname ? o->hostname : "");
	if (o->json_message) {
		strbuf_adds(out, ",\"message\":");
		strbuf_add_json_str(out, msg.buf ? msg.buf : "");
	}
	if (o->json_output) {
		strbuf_adds(out, ",\"output\":");
		strbuf_add_json_str(out, line.buf);
	}
	if (o->json_output_fields) {
		strbuf_adds(out, ",\"output_fields\":{");
		strbuf_adds(out, o->iso8601 ? "\"evt.time.iso8601\":" : "\"evt.time\":");
		strbuf_printf(out, "%" PRIu64, ts);
		for (uint32_t i = 0; i < r->nout; i++) {
			struct fval v = { .kind = FV_NONE };
			bool dup = false;

			if (!r->out[i].fref)
				continue;
			for (uint32_t j = 0; j < i; j++)
				dup |= r->out[j].fref && !strcmp(r->out[j].field_text, r->out[i].field_text);
			if (dup || extra_named(r, r->out[i].field_text))
				continue;
			fn(ctx, r->out[i].fref, &v);
			strbuf_addc(out, ',');
			strbuf_add_json_str(out, r->out[i].field_text);
			strbuf_addc(out, ':');
			field_render_json(r->out[i].fref->fi, &v, ts, out);
		}
		extra_fields_json(r, ts, fn, ctx, out);
		strbuf_addc(out, '}');
	}
	strbuf_adds(out, ",\"priority\":");
	strbuf_add_json_str(out, rl_priority_name(src->priority));
	strbuf_adds(out, ",\"rule\":");
	strbuf_add_json_str(out, src->name);
	strbuf_adds(out, ",\"source\":");
	strbuf_add_json_str(out, src->source);
	if (o->json_tags) {
		const char *few[32], **sorted = few;
		uint32_t n = src->ntags;

		if (n > 32 && !(sorted = mem_reallocarray(NULL, n, sizeof(*sorted)))) {
			sorted = few;
			n = 32;
		}
		if (n)
			memcpy(sorted, src->tags, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), tag_cmp);
		strbuf_adds(out, ",\"tags\":[");
		for (uint32_t i = 0; i < n; i++) {
			if (i && !strcmp(sorted[i], sorted[i - 1]))
				continue;
			if (i)
				strbuf_addc(out, ',');
			strbuf_add_json_str(out, sorted[i]);
		}
		strbuf_addc(out, ']');
		if (sorted != few)
			mem_free(sorted);
	}
	strbuf_adds(out, ",\"time\":\"");
	time_text(ts, true, true, out);
	strbuf_adds(out, "\"}");
done:
	strbuf_release(&line);
	strbuf_release(&msg);
}
