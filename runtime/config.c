/* config: falco.yaml keys, from a file and from -o overrides. */
#include "runtime/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compiler/ydoc.h"
#include "runtime/base/arena.h"
#include "runtime/base/diag.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

/* The string keys of the outputs (file_output.filename predates them). */
static const struct {
	const char *key;
	size_t off;
} str_keys[] = {
	{ "program_output.program", offsetof(struct config, program_output_program) },
	{ "http_output.url", offsetof(struct config, http_output_url) },
	{ "http_output.user_agent", offsetof(struct config, http_output_user_agent) },
	{ "http_output.ca_cert", offsetof(struct config, http_output_ca_cert) },
	{ "http_output.ca_bundle", offsetof(struct config, http_output_ca_bundle) },
	{ "http_output.ca_path", offsetof(struct config, http_output_ca_path) },
	{ "http_output.client_cert", offsetof(struct config, http_output_client_cert) },
	{ "http_output.client_key", offsetof(struct config, http_output_client_key) },
};

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->json_include_output_property = true;
	c->json_include_tags_property = true;
	c->json_include_output_fields_property = true;
	c->rule_matching = CONFIG_MATCH_FIRST;
	c->min_priority = RL_PRIO_DEBUG;
	c->stdout_output = true;
	c->buffered_outputs = true;
	c->ring_bytes = (size_t)8 << 20;
	c->capture_env = true;
	c->http_output_max_consecutive_timeouts = 5;
	c->output_timeout_ms = 2000;
	c->drop_actions = CONFIG_DROP_LOG | CONFIG_DROP_ALERT;
	c->drop_threshold = .1;
	c->drop_rate = .03333;
	c->drop_max_burst = 1;
}

static void release_append_output(struct config *c)
{
	for (size_t i = 0; i < c->nappend_output; i++) {
		struct config_append_output *a = &c->append_output[i];

		mem_free(a->source);
		mem_free(a->rule);
		mem_free(a->extra_output);
		for (size_t j = 0; j < a->ntags; j++)
			mem_free(a->tags[j]);
		mem_free(a->tags);
		for (size_t j = 0; j < a->nfields; j++) {
			mem_free(a->fields[j].key);
			mem_free(a->fields[j].format);
		}
		mem_free(a->fields);
	}
	mem_free(c->append_output);
	c->append_output = NULL;
	c->nappend_output = 0;
}

void config_release(struct config *c)
{
	mem_free(c->file_output_filename);
	for (size_t i = 0; i < sizeof(str_keys) / sizeof(str_keys[0]); i++)
		mem_free(*(char **)((char *)c + str_keys[i].off));
	release_append_output(c);
	for (size_t i = 0; i < c->nrules_files; i++)
		mem_free(c->rules_files[i]);
	mem_free(c->rules_files);
	memset(c, 0, sizeof(*c));
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int add_rules_file(struct config *c, const char *v)
{
	char **n = mem_reallocarray(c->rules_files, c->nrules_files + 1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	c->rules_files = n;
	if (!(c->rules_files[c->nrules_files] = mem_strdup(v)))
		return -ENOMEM;
	c->nrules_files++;
	return 0;
}

static const struct {
	const char *key;
	size_t off;
} bool_keys[] = {
	{ "json_output", offsetof(struct config, json_output) },
	{ "json_include_output_property", offsetof(struct config, json_include_output_property) },
	{ "json_include_tags_property", offsetof(struct config, json_include_tags_property) },
	{ "json_include_message_property", offsetof(struct config, json_include_message_property) },
	{ "json_include_output_fields_property",
	  offsetof(struct config, json_include_output_fields_property) },
	{ "time_format_iso_8601", offsetof(struct config, time_format_iso_8601) },
	{ "stdout_output.enabled", offsetof(struct config, stdout_output) },
	{ "file_output.enabled", offsetof(struct config, file_output) },
	{ "file_output.keep_alive", offsetof(struct config, file_output_keep_alive) },
	{ "buffered_outputs", offsetof(struct config, buffered_outputs) },
	{ "capture_environment", offsetof(struct config, capture_env) },
	{ "syslog_output.enabled", offsetof(struct config, syslog_output) },
	{ "program_output.enabled", offsetof(struct config, program_output) },
	{ "program_output.keep_alive", offsetof(struct config, program_output_keep_alive) },
	{ "http_output.enabled", offsetof(struct config, http_output) },
	{ "http_output.insecure", offsetof(struct config, http_output_insecure) },
	{ "http_output.mtls", offsetof(struct config, http_output_mtls) },
	{ "http_output.echo", offsetof(struct config, http_output_echo) },
	{ "http_output.compress_uploads", offsetof(struct config, http_output_compress_uploads) },
	{ "http_output.keep_alive", offsetof(struct config, http_output_keep_alive) },
	{ "syscall_event_drops.simulate_drops", offsetof(struct config, drop_simulate) },
};

/* Unsigned keys and their largest value. */
static const struct {
	const char *key;
	size_t off, size;
	unsigned long max;
} uint_keys[] = {
	{ "http_output.max_consecutive_timeouts",
	  offsetof(struct config, http_output_max_consecutive_timeouts), sizeof(unsigned), 255 },
	{ "outputs_queue.capacity", offsetof(struct config, outputs_queue_capacity),
	  sizeof(unsigned long), 1ul << 30 },
	{ "output_timeout", offsetof(struct config, output_timeout_ms), sizeof(unsigned),
	  3600000 },
};

/* Real keys and their range. */
static const struct {
	const char *key;
	size_t off;
	double min, max;
} real_keys[] = {
	{ "syscall_event_drops.threshold", offsetof(struct config, drop_threshold), 0, 1 },
	{ "syscall_event_drops.rate", offsetof(struct config, drop_rate), 0, 1e9 },
	{ "syscall_event_drops.max_burst", offsetof(struct config, drop_max_burst), 0, 1e9 },
};

static int set_uint(struct config *c, size_t i, const char *v, char *err, size_t errlen)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (*v == '\0' || *v == '-' || *end || errno || n > uint_keys[i].max) {
		snprintf(err, errlen, "%s: '%s' is not a number from 0 to %lu", uint_keys[i].key, v,
			 uint_keys[i].max);
		return -EINVAL;
	}
	if (uint_keys[i].size == sizeof(unsigned))
		*(unsigned *)((char *)c + uint_keys[i].off) = (unsigned)n;
	else
		*(unsigned long *)((char *)c + uint_keys[i].off) = n;
	return 0;
}

static int set_real(struct config *c, size_t i, const char *v, char *err, size_t errlen)
{
	char *end;
	double d = strtod(v, &end);

	if (*v == '\0' || *end || !(d >= real_keys[i].min && d <= real_keys[i].max)) {
		snprintf(err, errlen, "%s: '%s' is not a number from %g to %g", real_keys[i].key, v,
			 real_keys[i].min, real_keys[i].max);
		return -EINVAL;
	}
	*(double *)((char *)c + real_keys[i].off) = d;
	return 0;
}

/* One syscall_event_drops action; "ignore" does not go with log or alert
 * (Falco's rule). */
static int add_drop_action(struct config *c, const char *v, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		unsigned bit;
	} acts[] = {
		{ "ignore", CONFIG_DROP_IGNORE }, { "log", CONFIG_DROP_LOG },
		{ "alert", CONFIG_DROP_ALERT }, { "exit", CONFIG_DROP_EXIT },
	};
	unsigned bit = 0;

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (!strcmp(v, acts[i].name))
			bit = acts[i].bit;
	if (!bit) {
		snprintf(err, errlen, "syscall_event_drops.actions: '%s' is none of ignore, log, "
			 "alert, exit", v);
		return -EINVAL;
	}
	c->drop_actions |= bit;
	if ((c->drop_actions & CONFIG_DROP_IGNORE) &&
	    (c->drop_actions & (CONFIG_DROP_LOG | CONFIG_DROP_ALERT))) {
		snprintf(err, errlen, "syscall_event_drops.actions: 'ignore' does not make sense "
			 "with 'log' or 'alert'");
		return -EINVAL;
	}
	return 0;
}

/* -o syscall_event_drops.actions=[log, alert] (or one action alone). */
static int set_drop_actions(struct config *c, const char *v, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *tok;
	size_t l = strlen(v);
	int rc = 0;

	if (l >= sizeof(buf)) {
		snprintf(err, errlen, "syscall_event_drops.actions: too long");
		return -EINVAL;
	}
	memcpy(buf, v, l + 1);
	if (l >= 2 && buf[0] == '[' && buf[l - 1] == ']') {
		buf[l - 1] = '\0';
		memmove(buf, buf + 1, l - 1);
	}
	c->drop_actions = 0;
	for (tok = strtok_r(buf, ", ", &save); tok && !rc; tok = strtok_r(NULL, ", ", &save))
		rc = add_drop_action(c, tok, err, errlen);
	return rc;
}

/* 1 when the key is not one saker knows. */
static int set_value(struct config *c, const char *key, const char *v, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(bool_keys) / sizeof(bool_keys[0]); i++) {
		if (strcmp(key, bool_keys[i].key))
			continue;
		if (parse_bool(v, (bool *)((char *)c + bool_keys[i].off))) {
			snprintf(err, errlen, "%s: '%s' is not a boolean", key, v);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "rule_matching")) {
		if (!strcmp(v, "first"))
			c->rule_matching = CONFIG_MATCH_FIRST;
		else if (!strcmp(v, "all"))
			c->rule_matching = CONFIG_MATCH_ALL;
		else {
			snprintf(err, errlen, "rule_matching: '%s' is neither 'first' nor 'all'", v);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "priority")) {
		if (rl_priority_parse(v, &c->min_priority)) {
			snprintf(err, errlen, "priority: '%s' is not a priority", v);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "engine.modern_ebpf.buf_size_preset")) {
		/* Falco's presets: 1 is 1 MiB per CPU, each next one doubles */
		char *end;
		long n = strtol(v, &end, 10);

		if (*v == '\0' || *end || n < 1 || n > 10) {
			snprintf(err, errlen, "%s: '%s' is not a preset from 1 to 10", key, v);
			return -EINVAL;
		}
		c->ring_bytes = (size_t)1 << (19 + n);
		return 0;
	}
	if (!strcmp(key, "file_output.filename")) {
		mem_free(c->file_output_filename);
		c->file_output_filename = mem_strdup(v);
		return c->file_output_filename ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "rules_files") || !strcmp(key, "rules_file"))
		return add_rules_file(c, v);
	for (size_t i = 0; i < sizeof(str_keys) / sizeof(str_keys[0]); i++) {
		char **p = (char **)((char *)c + str_keys[i].off);

		if (strcmp(key, str_keys[i].key))
			continue;
		mem_free(*p);
		*p = mem_strdup(v);
		return *p ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(uint_keys) / sizeof(uint_keys[0]); i++)
		if (!strcmp(key, uint_keys[i].key))
			return set_uint(c, i, v, err, errlen);
	for (size_t i = 0; i < sizeof(real_keys) / sizeof(real_keys[0]); i++)
		if (!strcmp(key, real_keys[i].key))
			return set_real(c, i, v, err, errlen);
	if (!strcmp(key, "syscall_event_drops.actions"))
		return set_drop_actions(c, v, err, errlen);
	return 1;
}

int config_set(struct config *c, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	char key[256];
	int rc;

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key)) {
		snprintf(err, errlen, "-o %s: expected key=value", kv);
		return -EINVAL;
	}
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	rc = set_value(c, key, eq + 1, err, errlen);
	if (rc == 1) {
		log_warn("config: unknown key '%s' ignored", key);
		return 0;
	}
	return rc;
}

/* Prefixes the message in err with the node's file, line and column. */
static int at_node(const struct ydoc_node *n, const char *path, char *err, size_t errlen, int rc)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", err);
	snprintf(err, errlen, "%s:%u:%u: %s", path, n->start.line, n->start.col, msg);
	return rc;
}

/* "key: expected what", with *at set to the node at fault. */
static int bad_node(const struct ydoc_node *n, const struct ydoc_node **at, const char *key,
		    const char *what, char *err, size_t errlen)
{
	*at = n;
	snprintf(err, errlen, "%s: expected %s", key, what);
	return -EINVAL;
}

/* The value of key k in map m (NULL when absent). */
static const struct ydoc_node *map_get(const struct ydoc_node *m, const char *k)
{
	for (size_t i = 0; m && m->kind == YDOC_MAP && i < m->n; i++)
		if (m->kids[2 * i]->kind == YDOC_SCALAR && !strcmp(m->kids[2 * i]->str, k))
			return m->kids[2 * i + 1];
	return NULL;
}

/* A scalar of map m copied to *out (left alone when absent). */
static int map_str(const struct ydoc_node *m, const char *k, char **out,
		   const struct ydoc_node **at, char *err, size_t errlen)
{
	const struct ydoc_node *v = map_get(m, k);

	if (!v)
		return 0;
	if (v->kind != YDOC_SCALAR)
		return bad_node(v, at, k, "a string", err, errlen);
	mem_free(*out);
	*out = mem_strdup(v->str);
	return *out ? 0 : -ENOMEM;
}

static int add_extra_field(struct config_append_output *a, const char *key, const char *fmt,
			   bool raw, char *err, size_t errlen)
{
	struct config_extra_field *n;

	for (size_t i = 0; i < a->nfields; i++) {
		if (!strcmp(a->fields[i].key, key)) {
			snprintf(err, errlen, "append_output: extra field '%s' defined twice", key);
			return -EINVAL;
		}
	}
	n = mem_reallocarray(a->fields, a->nfields + 1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	a->fields = n;
	n = &a->fields[a->nfields];
	n->raw = raw;
	n->key = mem_strdup(key);
	n->format = raw ? mem_malloc(strlen(key) + 2) : mem_strdup(fmt);
	if (!n->key || !n->format) {
		mem_free(n->key);
		mem_free(n->format);
		return -ENOMEM;
	}
	if (raw)
		snprintf(n->format, strlen(key) + 2, "%%%s", key);
	a->nfields++;
	return 0;
}

/* One append_output entry (match, extra_output, extra_fields,
 * suggested_output) from map m. */
static int load_append_entry(struct config_append_output *a, const struct ydoc_node *m,
			     const struct ydoc_node **at, char *err, size_t errlen)
{
	const struct ydoc_node *match = map_get(m, "match"), *tags, *fields;
	int rc;

	*at = m;
	if (m->kind != YDOC_MAP)
		return bad_node(m, at, "append_output", "a mapping", err, errlen);
	if (match && match->kind != YDOC_MAP && match->kind != YDOC_NULL)
		return bad_node(match, at, "append_output.match", "a mapping", err, errlen);
	if ((rc = map_str(match, "source", &a->source, at, err, errlen)) ||
	    (rc = map_str(match, "rule", &a->rule, at, err, errlen)) ||
	    (rc = map_str(m, "extra_output", &a->extra_output, at, err, errlen)))
		return rc;
	tags = map_get(match, "tags");
	for (size_t i = 0; tags && tags->kind == YDOC_SEQ && i < tags->n; i++) {
		char **n;

		if (tags->kids[i]->kind != YDOC_SCALAR)
			return bad_node(tags->kids[i], at, "append_output.match.tags", "strings", err,
					errlen);
		n = mem_reallocarray(a->tags, a->ntags + 1, sizeof(*n));
		if (!n)
			return -ENOMEM;
		a->tags = n;
		if (!(a->tags[a->ntags] = mem_strdup(tags->kids[i]->str)))
			return -ENOMEM;
		a->ntags++;
	}
	fields = map_get(m, "extra_fields");
	if (fields && fields->kind != YDOC_SEQ)
		return bad_node(fields, at, "append_output.extra_fields", "a sequence", err, errlen);
	for (size_t i = 0; fields && i < fields->n; i++) {
		const struct ydoc_node *f = fields->kids[i];

		if (f->kind == YDOC_SCALAR)
			rc = add_extra_field(a, f->str, NULL, true, err, errlen);
		else if (f->kind == YDOC_MAP && f->n == 1 && f->kids[0]->kind == YDOC_SCALAR &&
			 f->kids[1]->kind == YDOC_SCALAR)
			rc = add_extra_field(a, f->kids[0]->str, f->kids[1]->str, false, err, errlen);
		else
			rc = bad_node(f, at, "append_output.extra_fields", "a field name or one "
				      "'name: format' pair", err, errlen);
		if (rc) {
			*at = f;
			return rc;
		}
	}
	return 0;
}

/* append_output: a sequence of entries, added to those loaded before. */
static int load_append_output(struct config *c, const struct ydoc_node *seq, const char *path,
			      char *err, size_t errlen)
{
	for (size_t i = 0; i < seq->n; i++) {
		struct config_append_output *n;
		const struct ydoc_node *at = NULL;
		int rc;

		n = mem_reallocarray(c->append_output, c->nappend_output + 1, sizeof(*n));
		if (!n)
			return -ENOMEM;
		c->append_output = n;
		memset(&n[c->nappend_output], 0, sizeof(*n));
		c->nappend_output++;
		rc = load_append_entry(&n[c->nappend_output - 1], seq->kids[i], &at, err, errlen);
		if (rc == -EINVAL)
			return at_node(at, path, err, errlen, rc);
		if (rc)
			return rc;
	}
	return 0;
}

/* Walks a map, joining nested keys with dots. */
static int load_map(struct config *c, const struct ydoc_node *m, const char *prefix,
		    const char *path, char *err, size_t errlen)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct ydoc_node *k = m->kids[2 * i], *v = m->kids[2 * i + 1];
		char key[256];
		int rc;

		if (k->kind != YDOC_SCALAR)
			continue;
		snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "", k->str);
		if (v->kind == YDOC_MAP) {
			if ((rc = load_map(c, v, key, path, err, errlen)))
				return rc;
			continue;
		}
		if (v->kind == YDOC_SEQ && !strcmp(key, "append_output")) {
			if ((rc = load_append_output(c, v, path, err, errlen)))
				return rc;
			continue;
		}
		if (v->kind == YDOC_SEQ && !strcmp(key, "syscall_event_drops.actions")) {
			c->drop_actions = 0;
			for (size_t j = 0; j < v->n; j++) {
				const struct ydoc_node *a = v->kids[j], *at = a;

				rc = a->kind == YDOC_SCALAR ? add_drop_action(c, a->str, err, errlen)
							    : bad_node(a, &at, key, "an action", err, errlen);
				if (rc)
					return at_node(a, path, err, errlen, rc);
			}
			continue;
		}
		if (v->kind == YDOC_SEQ) {
			if (strcmp(key, "rules_files") && strcmp(key, "rules_file"))
				continue;
			for (size_t j = 0; j < v->n; j++) {
				if (v->kids[j]->kind != YDOC_SCALAR)
					continue;
				if ((rc = add_rules_file(c, v->kids[j]->str)))
					return rc;
			}
			continue;
		}
		if (v->kind != YDOC_SCALAR)
			continue;
		rc = set_value(c, key, v->str, err, errlen);
		if (rc < 0) {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s", err);
			snprintf(err, errlen, "%s:%u:%u: %s", path, v->start.line, v->start.col, msg);
			return rc;
		}
	}
	return 0;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	struct diag_list dl;
	struct arena *a = NULL;
	struct ydoc *doc = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	f = fopen(path, "rb");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = diag_list_init(&dl);
	if (!rc)
		rc = arena__new(4096, &a);
	if (!rc) {
		char buf[65536];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
			char *nt = mem_realloc(text, len + n + 1);

			if (!nt) {
				rc = -ENOMEM;
				break;
			}
			text = nt;
			memcpy(text + len, buf, n);
			len += n;
		}
	}
	fclose(f);
	if (!rc) {
		rc = ydoc_parse(path, text ? text : "", len, NULL, a, &dl, &doc);
		if (rc && dl.n) {
			const struct diag *d = dl.items[0];

			snprintf(err, errlen, "%s:%u:%u: %s", path, d->nlocs ? d->locs[0].pos.line : 0,
				 d->nlocs ? d->locs[0].pos.col : 0, d->msg);
		}
	}
	if (!rc && doc->ndocs && doc->docs[0]->kind == YDOC_MAP)
		rc = load_map(c, doc->docs[0], "", path, err, errlen);
	else if (!rc && doc->ndocs && doc->docs[0]->kind != YDOC_NULL) {
		snprintf(err, errlen, "%s: the configuration is not a YAML mapping", path);
		rc = -EINVAL;
	}
	mem_free(text);
	arena__free(a);
	diag_list_release(&dl);
	return rc;
}
