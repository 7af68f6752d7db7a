/* Falco's internal alerts: messages of the engine itself (syscall event
 * drops, a failed rules reload) in the shape Falco gives them, source
 * "internal", with string-valued output fields: as text
 * `TIME: Priority MESSAGE (key="value" ...)`, or as JSON
 * {hostname, output, output_fields, priority, rule, source, time}, keys in
 * sorted order as Falco writes them. Prefix alert_internal_. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "compiler/rules.h"

struct alert_fmt_opts;
struct strbuf;

struct alert_kv {
	const char *key;
	const char *value;
};

/* The alert of `rule` raised at ts (ns since the epoch) with message msg
 * and the n fields kv (any order), appended to out without a newline. */
void alert_internal(const struct alert_fmt_opts *o, uint64_t ts, enum rl_priority prio,
		    const char *rule, const char *msg, const struct alert_kv *kv, size_t n,
		    struct strbuf *out);
