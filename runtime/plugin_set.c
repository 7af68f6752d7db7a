/* The configured plugins (see plugin_set.h). */
#include "runtime/plugin_set.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/field_reg.h"
#include "compiler/ydoc.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/plugin.h"

/* Bound on configured plugins. */
#define PLUGIN_SET_MAX 64

/* ---- init_config maps as JSON ------------------------------------------------ */

static bool scalar_int(const char *s, long long *v)
{
	char *end;

	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return !errno && !*end && *v >= INT32_MIN && *v <= INT32_MAX;
}

static bool scalar_num(const char *s, double *v)
{
	char *end;

	if (!*s || isspace((unsigned char)*s) || strpbrk(s, "xX"))
		return false;
	*v = strtod(s, &end);
	return !*end && isfinite(*v);
}

static bool scalar_bool(const char *s, bool *v)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on",
					   "On", "ON", "y", "Y" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off",
					  "Off", "OFF", "n", "N" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i])) {
			*v = true;
			return true;
		}
		if (!strcmp(s, no[i])) {
			*v = false;
			return true;
		}
	}
	return false;
}

/* The shortest text that reads back as d. */
static void add_double(struct strbuf *out, double d)
{
	char buf[40];

	for (int p = 15; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	strbuf_adds(out, buf);
	if (!strpbrk(buf, ".eEn"))
		strbuf_adds(out, ".0");
}

static int key_cmp(const void *a, const void *b)
{
	const struct ydoc_node *const *x = a, *const *y = b;

	return strcmp((*x)->str ? (*x)->str : "", (*y)->str ? (*y)->str : "");
}

void plugin_set_yaml_json(const struct ydoc_node *n, struct strbuf *out)
{
	long long i;
	double d;
	bool b;

	if (!n || n->kind == YDOC_NULL) {
		strbuf_adds(out, "null");
		return;
	}
	switch (n->kind) {
	case YDOC_SCALAR:
		if (scalar_int(n->str, &i))
			strbuf_printf(out, "%lld", i);
		else if (scalar_num(n->str, &d))
			add_double(out, d);
		else if (scalar_bool(n->str, &b))
			strbuf_adds(out, b ? "true" : "false");
		else
			strbuf_add_json_str(out, n->str);
		return;
	case YDOC_SEQ:
		strbuf_addc(out, '[');
		for (size_t k = 0; k < n->n; k++) {
			if (k)
				strbuf_addc(out, ',');
			plugin_set_yaml_json(n->kids[k], out);
		}
		strbuf_addc(out, ']');
		return;
	default: {
		/* keys in byte order, the last of duplicates winning */
		const struct ydoc_node **keys = mem_calloc(n->n ? n->n : 1, sizeof(*keys));
		size_t m = 0;

		if (!keys) {
			out->oom = true;
			return;
		}
		for (size_t k = 0; k < n->n; k++)
			keys[m++] = n->kids[2 * k];
		qsort(keys, m, sizeof(*keys), key_cmp);
		strbuf_addc(out, '{');
		for (size_t k = 0; k < m; k++) {
			const struct ydoc_node *val = NULL;

			if (k + 1 < m && !key_cmp(&keys[k], &keys[k + 1]))
				continue;
			for (size_t j = 0; j < n->n; j++)
				if (n->kids[2 * j] == keys[k])
					val = n->kids[2 * j + 1];
			if (k && out->len && out->buf[out->len - 1] != '{')
				strbuf_addc(out, ',');
			strbuf_add_json_str(out, keys[k]->str ? keys[k]->str : "");
			strbuf_addc(out, ':');
			plugin_set_yaml_json(val, out);
		}
		strbuf_addc(out, '}');
		mem_free(keys);
		return;
	}
	}
}

/* ---- entries ------------------------------------------------------------------ */

/* The components of path s, lexically normalised ("." dropped, ".." taking
 * one off), pointing into buf (s copied). false past max components. */
static bool components(const char *s, char *buf, const char **parts, size_t max, size_t *n)
{
	char *save = NULL;

	strcpy(buf, s);
	*n = 0;
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			if (*n)
				(*n)--;
			continue;
		}
		if (*n == max)
			return false;
		parts[(*n)++] = t;
	}
	return true;
}

#define MAX_PARTS 128

/* A relative library path joined to the plugins directory, lexically
 * normalised; NULL (err set) when it leaves the directory. Owned. */
static char *resolve_library(const char *path, char *err, size_t errlen)
{
	const char *dir = SAKER_PLUGINS_DIR, *dp[MAX_PARTS], *fp[MAX_PARTS];
	size_t dn, fn, len = strlen(dir) + strlen(path) + 2, o = 0;
	char *dbuf, *fbuf, *full, *out = NULL;
	bool ok;

	if (path[0] == '/')
		return mem_strdup(path);
	dbuf = mem_malloc(len);
	fbuf = mem_malloc(len);
	full = mem_malloc(len);
	out = mem_malloc(len + 1);
	if (!dbuf || !fbuf || !full || !out) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(full, len, "%s/%s", dir, path);
	ok = components(dir, dbuf, dp, MAX_PARTS, &dn) && components(full, fbuf, fp, MAX_PARTS, &fn);
	for (size_t i = 0; ok && i < dn; i++)
		ok = i < fn && !strcmp(dp[i], fp[i]);
	if (!ok || fn <= dn) {
		snprintf(err, errlen, "plugin library_path '%s' resolves outside the plugins directory "
			 "(%s)", path, dir);
		goto fail;
	}
	for (size_t i = 0; i < fn; i++)
		o += (size_t)snprintf(out + o, len + 1 - o, "/%s", fp[i]);
	mem_free(dbuf);
	mem_free(fbuf);
	mem_free(full);
	return out;
fail:
	mem_free(dbuf);
	mem_free(fbuf);
	mem_free(full);
	mem_free(out);
	return NULL;
}

static void entry_free(struct plugin_entry *e)
{
	mem_free(e->name);
	mem_free(e->library);
	mem_free(e->init_config);
	mem_free(e->open_params);
	plugin__free(e->p);
}

void plugin_set__free(struct plugin_set *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		entry_free(&ps->v[i]);
	mem_free(ps->v);
	field_reg__free(ps->reg);
	mem_free(ps);
}

static char *trimmed(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return mem_strndup(s, n);
}

/* One `plugins` entry. */
static int read_entry(const struct config *cfg, size_t i, const struct ydoc_node *n,
		      struct plugin_entry *e, char *err, size_t errlen)
{
	const struct ydoc_node *name, *lib, *ic, *op;
	char where[256], path[64];
	struct strbuf sb = STRBUF_INIT;

	snprintf(path, sizeof(path), "plugins[%zu]", i);
	config_where(cfg, path, where, sizeof(where));
	if (n->kind != YDOC_MAP) {
		snprintf(err, errlen, "%s: plugins[%zu] must be a map with a name and a library_path",
			 where, i);
		return -EINVAL;
	}
	name = ydoc_map_get(n, "name");
	lib = ydoc_map_get(n, "library_path");
	if (!name || name->kind != YDOC_SCALAR || !*name->str) {
		snprintf(err, errlen, "%s: plugins[%zu] has no name", where, i);
		return -EINVAL;
	}
	if (!lib || lib->kind != YDOC_SCALAR || !*lib->str) {
		snprintf(err, errlen, "%s: plugin '%s' has no library_path", where, name->str);
		return -EINVAL;
	}
	e->name = mem_strdup(name->str);
	if (!e->name || !(e->library = resolve_library(lib->str, err, errlen))) {
		char msg[512];

		if (!e->name)
			snprintf(err, errlen, "out of memory");
		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", where, msg);
		return -EINVAL;
	}
	ic = ydoc_map_get(n, "init_config");
	if (!ic || ic->kind == YDOC_NULL) {
		e->init_config = mem_strdup("");
	} else if (ic->kind == YDOC_MAP) {
		plugin_set_yaml_json(ic, &sb);
		e->init_config = sb.oom ? NULL : mem_strdup(sb.buf ? sb.buf : "{}");
		strbuf_release(&sb);
	} else if (ic->kind == YDOC_SCALAR) {
		e->init_config = mem_strdup(ic->str);
	} else {
		snprintf(err, errlen, "%s: init_config of plugin '%s' must be a string or a map", where,
			 e->name);
		return -EINVAL;
	}
	op = ydoc_map_get(n, "open_params");
	if (op && op->kind != YDOC_NULL && op->kind != YDOC_SCALAR) {
		snprintf(err, errlen, "%s: open_params of plugin '%s' must be a string", where, e->name);
		return -EINVAL;
	}
	e->open_params = trimmed(op && op->kind == YDOC_SCALAR ? op->str : "");
	e->source = -1;
	if (!e->init_config || !e->open_params) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* The entries, ordered and narrowed by load_plugins when it is set. */
static int read_entries(const struct config *cfg, struct plugin_set *ps, char *err, size_t errlen)
{
	const struct ydoc_node *seq = config_get(cfg, "plugins");
	struct plugin_entry *all;
	size_t n = seq && seq->kind == YDOC_SEQ ? seq->n : 0, nl;
	bool narrowed = config_get(cfg, "load_plugins") != NULL;
	int ret = 0;

	if (seq && seq->kind != YDOC_SEQ) {
		char where[256];

		config_where(cfg, "plugins", where, sizeof(where));
		snprintf(err, errlen, "%s: plugins must be a list", where);
		return -EINVAL;
	}
	if (n > PLUGIN_SET_MAX) {
		snprintf(err, errlen, "more than %d plugins configured", PLUGIN_SET_MAX);
		return -EINVAL;
	}
	all = mem_calloc(n ? n : 1, sizeof(*all));
	ps->v = mem_calloc(n ? n : 1, sizeof(*ps->v));
	if (!all || !ps->v) {
		mem_free(all);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && !ret; i++)
		ret = read_entry(cfg, i, seq->kids[i], &all[i], err, errlen);
	nl = narrowed ? config_list_len(cfg, "load_plugins") : n;
	for (size_t k = 0; k < nl && !ret; k++) {
		const char *want = narrowed ? config_list_str(cfg, "load_plugins", k) : NULL;
		size_t i = k;

		if (narrowed) {
			for (i = 0; i < n && (!all[i].name || strcmp(all[i].name, want)); i++)
				;
			if (i == n) {
				bool again = false;

				for (size_t j = 0; j < ps->n; j++)
					again |= !strcmp(ps->v[j].name, want);
				if (again)	/* listed twice: loaded once */
					continue;
				snprintf(err, errlen, "Cannot load plugin '%s': plugin config not found for "
					 "given name", want);
				ret = -EINVAL;
				break;
			}
		}
		ps->v[ps->n++] = all[i];
		memset(&all[i], 0, sizeof(all[i]));
	}
	for (size_t i = 0; i < n; i++)
		entry_free(&all[i]);
	mem_free(all);
	return ret;
}

/* ---- the set ------------------------------------------------------------------ */

static uint32_t field_flags(const struct plugin_field *f)
{
	uint32_t fl = FF_EV_PLUGIN;

	if (f->list)
		fl |= FF_LIST;
	if (f->arg_required)
		fl |= FF_ARG_REQUIRED;
	else if (f->arg_index || f->arg_key)
		fl |= FF_ARG_OPTIONAL;
	if (f->arg_index)
		fl |= FF_ARG_INDEX;
	if (f->arg_key)
		fl |= FF_ARG_NAME;
	if (f->hidden)
		fl |= FF_HIDDEN;
	if (f->info)
		fl |= FF_INFO;
	if (f->add_output)
		fl |= FF_SUGGESTED;
	return fl;
}

/* Whether a plugin has a use with the loaded sources. */
static bool used(const struct plugin_set *ps, const struct plugin *p)
{
	for (size_t s = 0; s < field_reg_nsources(ps->reg); s++) {
		const char *src = field_reg_source(ps->reg, s);

		if (((p->caps & PLUGIN_CAP_SOURCE) && (p->id ? !strcmp(p->source, src) : s == 0)) ||
		    ((p->caps & PLUGIN_CAP_EXTRACT) &&
		     plugin_source_compatible(&p->extract_sources, src)) ||
		    ((p->caps & PLUGIN_CAP_PARSE) && plugin_source_compatible(&p->parse_sources, src)) ||
		    ((p->caps & PLUGIN_CAP_ASYNC) && plugin_source_compatible(&p->async_sources, src)))
			return true;
	}
	return false;
}

static int build(struct plugin_set *ps, char *err, size_t errlen)
{
	int ret;

	for (size_t i = 0; i < ps->n; i++) {
		struct plugin_entry *e = &ps->v[i];

		for (size_t k = 0; k < i; k++) {
			const struct plugin *o = ps->v[k].p;

			if (!strcmp(o->name, e->p->name)) {
				snprintf(err, errlen, "plugin '%s' (%s): found another plugin with name %s",
					 e->name, e->library, o->name);
				return -EINVAL;
			}
			if (e->p->id && o->id == e->p->id) {
				snprintf(err, errlen, "plugin '%s' (%s): found another plugin with ID %u",
					 e->name, e->library, o->id);
				return -EINVAL;
			}
		}
		if (e->p->source) {
			if ((ret = field_reg__add_source(ps->reg, e->p->source)))
				return ret;
			e->source = field_reg_source_index(ps->reg, e->p->source);
		}
	}
	for (size_t i = 0; i < ps->n; i++) {
		const struct plugin *p = ps->v[i].p;
		uint32_t prov;

		if ((ret = field_reg__add_provider(ps->reg, p->name, p->version, &prov)))
			return ret;
		for (size_t f = 0; f < p->nfields; f++) {
			const struct plugin_field *pf = &p->fields[f];

			ret = field_reg__add_field(ps->reg, prov, (uint32_t)f, pf->name, pf->type,
						   field_flags(pf), pf->desc,
						   (const char *const *)p->extract_sources.v,
						   p->extract_sources.n, err, errlen);
			if (ret)
				return ret;
		}
		if (!used(ps, p)) {
			snprintf(err, errlen, "Plugin '%s' is loaded but unused as not compatible with any "
				 "known event source", p->name);
			return -EINVAL;
		}
	}
	return 0;
}

int plugin_set__load(const struct config *cfg, bool load_libs, struct plugin_set **out,
		     char *err, size_t errlen)
{
	struct plugin_set *ps = mem_calloc(1, sizeof(*ps));
	int ret;

	*out = NULL;
	if (!ps || field_reg__new(&ps->reg)) {
		plugin_set__free(ps);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ps->hostinfo = config_get_bool(cfg, "plugins_hostinfo");
	if ((ret = read_entries(cfg, ps, err, errlen)))
		goto fail;
	for (size_t i = 0; load_libs && i < ps->n; i++) {
		if ((ret = plugin__load(ps->v[i].library, &ps->v[i].p, err, errlen)))
			goto fail;
		log_info("Loaded plugin '%s@%s' from file %s", ps->v[i].name, ps->v[i].p->version,
			 ps->v[i].library);
	}
	if (load_libs && (ret = build(ps, err, errlen)))
		goto fail;
	*out = ps;
	return 0;
fail:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	plugin_set__free(ps);
	return ret;
}

const struct plugin_entry *plugin_set_by_id(const struct plugin_set *ps, uint32_t id)
{
	for (size_t i = 0; id && i < ps->n; i++)
		if (ps->v[i].p && ps->v[i].p->id == id)
			return &ps->v[i];
	return NULL;
}

const struct plugin_entry *plugin_set_find(const struct plugin_set *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].name, name) || !strcmp(ps->v[i].library, name) ||
		    (ps->v[i].p && !strcmp(ps->v[i].p->name, name)))
			return &ps->v[i];
	return NULL;
}

const struct plugin_entry *plugin_set_opener(const struct plugin_set *ps, int src)
{
	for (size_t i = 0; i < ps->n; i++) {
		const struct plugin *p = ps->v[i].p;

		if (p && (p->caps & PLUGIN_CAP_SOURCE) &&
		    (src ? ps->v[i].source == src : p->id == 0))
			return &ps->v[i];
	}
	return NULL;
}
