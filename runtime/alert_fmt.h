/* Falco's alert formats: the text line `TIME: Priority message` and the JSON
 * object {hostname, output, output_fields, priority, rule, source, tags,
 * time}, with `%field` substituted from the event (`<NA>` in text, null in
 * JSON when a field has no value). Prefix alert_fmt_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "compiler/fval.h"

struct field_ref;
struct sema_rule;
struct strbuf;

struct alert_fmt_opts {
	bool json;			/* json_output */
	bool iso8601;			/* time_format_iso_8601 */
	bool json_output;		/* json_include_output_property */
	bool json_tags;			/* json_include_tags_property */
	bool json_output_fields;	/* json_include_output_fields_property */
	bool json_message;		/* json_include_message_property */
	const char *hostname;
};

void alert_fmt_opts_default(struct alert_fmt_opts *o);

/* The value of field f for the current event. */
typedef void (*alert_fmt_field_fn)(void *ctx, const struct field_ref *f, struct fval *out);

/* One alert for rule r raised by an event at ts (ns since the epoch),
 * appended to out without the trailing newline. */
void alert_fmt(const struct alert_fmt_opts *o, const struct sema_rule *r, uint64_t ts,
	       alert_fmt_field_fn fn, void *ctx, struct strbuf *out);

/* The time ts (ns since the epoch) as alerts print it: JSON's
 * 2006-01-02T15:04:05.000000000Z when json, else local time, with the
 * date and zone when iso8601. */
void alert_fmt_time(uint64_t ts, bool iso8601, bool json, struct strbuf *out);
