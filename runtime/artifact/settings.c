/* Settings from YAML: a walk over the document that matches each dotted
 * key, normalised (lowercase, no '_' or '-'), against the table below. */
#include "runtime/artifact/settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/artifact/art_types.h"
#include "runtime/artifact/yfile.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

_Static_assert(ART__COUNT == 3, "settings keep one directory per artifact type");

int settings_set_str(char **dst, const char *v)
{
	char *c = mem_strdup(v);

	if (!c)
		return -ENOMEM;
	mem_free(*dst);
	*dst = c;
	return 0;
}

int settings_list_add(struct settings_list *l, const char *v)
{
	char **n = mem_reallocarray(l->v, l->n + 2, sizeof(*n));

	if (!n)
		return -ENOMEM;
	l->v = n;
	if (!(l->v[l->n] = mem_strdup(v)))
		return -ENOMEM;
	l->v[++l->n] = NULL;
	return 0;
}

static void list_release(struct settings_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		mem_free(l->v[i]);
	mem_free(l->v);
	memset(l, 0, sizeof(*l));
}

int settings_duration(const char *s, unsigned long *ms)
{
	static const struct {
		const char *unit;
		unsigned long ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 } };
	unsigned long total = 0;
	const char *p = s;

	if (!*p)
		return -EINVAL;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		size_t ul;
		int u = -1;

		if (end == p || v < 0)
			return -EINVAL;
		p = end;
		ul = strspn(p, "abcdefghijklmnopqrstuvwxyz");
		if (!ul && !*p && p != s && total == 0) {
			total = (unsigned long)(v * 1000);	/* plain seconds */
			break;
		}
		for (int i = 0; i < 4; i++)
			if (strlen(units[i].unit) == ul && !strncmp(p, units[i].unit, ul))
				u = i;
		if (u < 0)
			return -EINVAL;
		total += (unsigned long)(v * (double)units[u].ms);
		p += ul;
	}
	*ms = total;
	return 0;
}

static void norm(const char *in, char *out, size_t n)
{
	size_t k = 0;

	for (; *in && k + 1 < n; in++)
		if (*in != '_' && *in != '-')
			out[k++] = (char)tolower((unsigned char)*in);
	out[k] = '\0';
}

struct ctx {
	struct settings *s;
	const struct yfile *y;
};

/* A string or a list of strings appended to l. */
static int take_list(const struct ctx *c, const struct ydoc_node *v, struct settings_list *l)
{
	int err = 0;

	if (v->kind == YDOC_SCALAR)
		return settings_list_add(l, v->str);
	if (v->kind != YDOC_SEQ)
		return yfile_err(c->y, v, "expected a string or a list of strings");
	for (size_t i = 0; i < v->n && !err; i++)
		err = v->kids[i]->kind == YDOC_SCALAR ? settings_list_add(l, v->kids[i]->str)
						       : yfile_err(c->y, v->kids[i], "expected a string");
	return err;
}

static int take_bool(const struct ctx *c, const struct ydoc_node *v, bool *b)
{
	if (v->kind == YDOC_SCALAR && (!strcmp(v->str, "true") || !strcmp(v->str, "false"))) {
		*b = v->str[0] == 't';
		return 0;
	}
	return yfile_err(c->y, v, "expected true or false");
}

static int take_str(const struct ctx *c, const struct ydoc_node *v, char **dst)
{
	if (v->kind != YDOC_SCALAR)
		return yfile_err(c->y, v, "expected a string");
	return settings_set_str(dst, v->str);
}

/* A list of mappings with up to three string members (keys; NULL-ended,
 * the first two required), each item handed to add. */
static int each_map(const struct ctx *c, const struct ydoc_node *v, const char *what,
		    const char *const keys[3], int (*add)(struct settings *s, const char *const *vals))
{
	if (v->kind != YDOC_SEQ)
		return yfile_err(c->y, v, what);
	for (size_t i = 0; i < v->n; i++) {
		const char *vals[3] = { NULL, NULL, NULL };
		int err;

		if (v->kids[i]->kind != YDOC_MAP)
			return yfile_err(c->y, v->kids[i], what);
		for (int k = 0; k < 3 && keys[k]; k++)
			if ((err = yfile_str(c->y, v->kids[i], keys[k], k < 2, &vals[k])))
				return err;
		if ((err = add(c->s, vals)))
			return err;
	}
	return 0;
}

static int add_index(struct settings *s, const char *const *vals)
{
	struct settings_index *n = mem_reallocarray(s->indexes, s->nindexes + 1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->indexes = n;
	n = &s->indexes[s->nindexes++];
	memset(n, 0, sizeof(*n));
	if (settings_set_str(&n->name, vals[0]) || settings_set_str(&n->url, vals[1]) ||
	    (vals[2] && settings_set_str(&n->backend, vals[2])))
		return -ENOMEM;
	return 0;
}

static int add_cred(struct settings *s, const char *const *vals)
{
	struct oci_cred *n = mem_reallocarray(s->creds, s->ncreds + 1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->creds = n;
	n = &s->creds[s->ncreds++];
	n->registry = mem_strdup(vals[0]);
	n->user = mem_strdup(vals[1]);
	n->password = mem_strdup(vals[2] ? vals[2] : "");
	return n->registry && n->user && n->password ? 0 : -ENOMEM;
}

static int take(const struct ctx *c, const char *key, const struct ydoc_node *v)
{
	struct settings *s = c->s;
	char *tmp = NULL;
	int err;

	if (v->kind == YDOC_NULL)
		return 0;
	if (!strcmp(key, "indexes"))
		return each_map(c, v, "'indexes' must be a list of {name, url, backend}",
				(const char *const[3]){ "name", "url", "backend" }, add_index);
	if (!strcmp(key, "registry.auth.basic"))
		return each_map(c, v, "'registry.auth.basic' must be a list of {registry, user, password}",
				(const char *const[3]){ "registry", "user", "password" }, add_cred);
	if (!strcmp(key, "registry.tls.cafile"))
		return take_str(c, v, &s->cafile);
	if (!strcmp(key, "artifact.noverify"))
		return take_bool(c, v, &s->no_verify);
	if (!strcmp(key, "artifact.install.resolvedeps"))
		return take_bool(c, v, &s->resolve_deps);
	if (!strcmp(key, "artifact.signature.cosign.key"))
		return take_list(c, v, &s->keys);
	if (!strcmp(key, "artifact.install.refs"))
		return take_list(c, v, &s->install_refs);
	if (!strcmp(key, "artifact.follow.refs"))
		return take_list(c, v, &s->follow_refs);
	if (!strcmp(key, "artifact.follow.statedir"))
		return take_str(c, v, &s->state_dir);
	if (!strcmp(key, "artifact.follow.pidfile"))
		return take_str(c, v, &s->pidfile);
	if (!strcmp(key, "artifact.allowedtypes")) {
		struct settings_list l = { 0 };

		err = take_list(c, v, &l);
		s->allowed_types = 0;
		for (size_t i = 0; i < l.n && !err; i++) {
			int t = art_type_from_name(l.v[i]);

			if (t < 0)
				err = yfile_err(c->y, v, "unknown artifact type (rulesfile, plugin or asset)");
			else
				s->allowed_types |= ART_TYPE_BIT(t);
		}
		list_release(&l);
		return err;
	}
	if (!strcmp(key, "artifact.follow.every") || !strcmp(key, "artifact.follow.pid")) {
		bool every = !strcmp(key, "artifact.follow.every");

		if ((err = take_str(c, v, &tmp)))
			return err;
		if (every)
			err = settings_duration(tmp, &s->every_ms);
		else
			err = (s->pid = strtol(tmp, NULL, 10)) > 0 ? 0 : -EINVAL;
		mem_free(tmp);
		return err ? yfile_err(c->y, v, every ? "not a duration (6h, 10m, 30s)" : "not a pid")
			   : 0;
	}
	for (int t = 0; t < 3; t++) {
		static const char *const names[] = { "rulesfilesdir", "pluginsdir", "assetsdir" };
		char k1[64], k2[64];

		snprintf(k1, sizeof(k1), "artifact.install.%s", names[t]);
		snprintf(k2, sizeof(k2), "artifact.follow.%s", names[t]);
		if (!strcmp(key, k1))
			return take_str(c, v, &s->install_dirs[t]);
		if (!strcmp(key, k2))
			return take_str(c, v, &s->follow_dirs[t]);
	}
	return 1;
}

static int walk(const struct ctx *c, const struct ydoc_node *m, const char *prefix)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct ydoc_node *k = m->kids[2 * i], *v = m->kids[2 * i + 1];
		char nk[128], key[256];
		int rc;

		if (k->kind != YDOC_SCALAR)
			continue;
		norm(k->str, nk, sizeof(nk));
		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", nk);
		rc = take(c, key, v);
		if (rc < 0)
			return rc;
		if (rc == 1 && v->kind == YDOC_MAP && (rc = walk(c, v, key)))
			return rc;
	}
	return 0;
}

int settings_load(struct settings *s, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	struct yfile y = { 0 };
	int err;

	if (!(err = yfile_read(path, 4u << 20, &text)) &&
	    !(err = yfile_parse(path, text.buf, text.len, &y)) && y.root) {
		struct ctx c = { s, &y };

		if (y.root->kind == YDOC_MAP)
			err = walk(&c, y.root, "");
		else if (y.root->kind != YDOC_NULL)
			err = yfile_err(&y, y.root, "the configuration is not a mapping");
	}
	yfile_release(&y);
	strbuf_release(&text);
	return err;
}

void settings_release(struct settings *s)
{
	for (size_t i = 0; i < s->nindexes; i++) {
		mem_free(s->indexes[i].name);
		mem_free(s->indexes[i].url);
		mem_free(s->indexes[i].backend);
	}
	mem_free(s->indexes);
	for (size_t i = 0; i < s->ncreds; i++) {
		mem_free((char *)s->creds[i].registry);
		mem_free((char *)s->creds[i].user);
		mem_free((char *)s->creds[i].password);
	}
	mem_free(s->creds);
	mem_free(s->cafile);
	list_release(&s->keys);
	list_release(&s->install_refs);
	list_release(&s->follow_refs);
	for (int t = 0; t < 3; t++) {
		mem_free(s->install_dirs[t]);
		mem_free(s->follow_dirs[t]);
	}
	mem_free(s->state_dir);
	mem_free(s->pidfile);
	memset(s, 0, sizeof(*s));
}
