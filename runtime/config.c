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
	c->engine_kind = "modern_ebpf";
	c->kmod_ring_bytes = (size_t)8 << 20;
	c->capture_env = true;
}

void config_release(struct config *c)
{
	mem_free(c->file_output_filename);
	mem_free(c->kmod_module);
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
};

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
	if (!strcmp(key, "engine.modern_ebpf.buf_size_preset") ||
	    !strcmp(key, "engine.kmod.buf_size_preset")) {
		/* Falco's presets: 1 is 1 MiB per CPU, each next one doubles */
		char *end;
		long n = strtol(v, &end, 10);

		if (*v == '\0' || *end || n < 1 || n > 10) {
			snprintf(err, errlen, "%s: '%s' is not a preset from 1 to 10", key, v);
			return -EINVAL;
		}
		*(strncmp(key, "engine.kmod.", 12) ? &c->ring_bytes : &c->kmod_ring_bytes) =
			(size_t)1 << (19 + n);
		return 0;
	}
	if (!strcmp(key, "engine.kind")) {
		if (!strcmp(v, "modern_ebpf") || !strcmp(v, "kmod")) {
			c->engine_kind = v[0] == 'k' ? "kmod" : "modern_ebpf";
			return 0;
		}
		snprintf(err, errlen, "engine.kind: '%s' is not a driver saker has (modern_ebpf, kmod)", v);
		return -EINVAL;
	}
	if (!strcmp(key, "engine.kmod.module")) {
		mem_free(c->kmod_module);
		c->kmod_module = mem_strdup(v);
		return c->kmod_module ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "file_output.filename")) {
		mem_free(c->file_output_filename);
		c->file_output_filename = mem_strdup(v);
		return c->file_output_filename ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "rules_files") || !strcmp(key, "rules_file"))
		return add_rules_file(c, v);
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
