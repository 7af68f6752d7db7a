/* Artifact config layers: JSON to name, version, dependencies and
 * requirements, each member checked. */
#include "runtime/artifact/art_config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/artifact/jsonx.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

static int dup_pair(const char *what, json_object *o, char **name, char **version)
{
	const char *n, *v;
	int err;

	if ((err = jsonx_str(what, o, "name", 1, &n)) || (err = jsonx_str(what, o, "version", 1, &v)))
		return err;
	*name = mem_strdup(n);
	*version = mem_strdup(v);
	return *name && *version ? 0 : -ENOMEM;
}

static int items(const char *what, json_object *root, const char *key, json_object **arr,
		 size_t *n)
{
	int err = jsonx_arr(what, root, key, 0, arr);

	*n = *arr ? json_object_array_length(*arr) : 0;
	if (!err && *n > ART_CONFIG_MAX_ITEMS) {
		log_error("%s: more than %d %s", what, ART_CONFIG_MAX_ITEMS, key);
		err = -EINVAL;
	}
	return err;
}

static void dep_release(struct art_dep *d)
{
	mem_free(d->name);
	mem_free(d->version);
	for (size_t i = 0; i < d->nalts; i++)
		dep_release(&d->alts[i]);
	mem_free(d->alts);
}

static int parse_dep(const char *what, json_object *o, struct art_dep *d)
{
	json_object *alts;
	char sub[300];
	size_t n;
	int err;

	if ((err = dup_pair(what, o, &d->name, &d->version)) ||
	    (err = items(what, o, "alternatives", &alts, &n)))
		return err;
	if (!n)
		return 0;
	d->alts = mem_calloc(n, sizeof(*d->alts));
	if (!d->alts)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s: alternatives[%zu]", what, i);
		d->nalts++;
		if ((err = dup_pair(sub, json_object_array_get_idx(alts, i), &d->alts[i].name,
				    &d->alts[i].version)))
			return err;
	}
	return 0;
}

int art_config_parse(const char *what, const char *buf, size_t len, struct art_config *out)
{
	json_object *root, *deps, *reqs;
	const char *name, *version;
	char sub[300];
	size_t nd, nr;
	int err;

	memset(out, 0, sizeof(*out));
	if (len > ART_CONFIG_MAX_BYTES) {
		log_error("%s: config larger than %u bytes", what, ART_CONFIG_MAX_BYTES);
		return -EINVAL;
	}
	if ((err = jsonx_parse(what, buf, len, &root)))
		return err;
	if ((err = jsonx_str(what, root, "name", 0, &name)) ||
	    (err = jsonx_str(what, root, "version", 0, &version)) ||
	    (err = items(what, root, "dependencies", &deps, &nd)) ||
	    (err = items(what, root, "requirements", &reqs, &nr)))
		goto out;
	out->name = name ? mem_strdup(name) : NULL;
	out->version = version ? mem_strdup(version) : NULL;
	out->deps = mem_calloc(nd + 1, sizeof(*out->deps));
	out->reqs = mem_calloc(nr + 1, sizeof(*out->reqs));
	if ((name && !out->name) || (version && !out->version) || !out->deps || !out->reqs) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nd; i++) {
		snprintf(sub, sizeof(sub), "%s: dependencies[%zu]", what, i);
		out->ndeps++;
		if ((err = parse_dep(sub, json_object_array_get_idx(deps, i), &out->deps[i])))
			goto out;
	}
	for (size_t i = 0; i < nr; i++) {
		snprintf(sub, sizeof(sub), "%s: requirements[%zu]", what, i);
		out->nreqs++;
		if ((err = dup_pair(sub, json_object_array_get_idx(reqs, i), &out->reqs[i].name,
				    &out->reqs[i].version)))
			goto out;
	}
out:
	json_object_put(root);
	if (err)
		art_config_release(out);
	return err;
}

void art_config_release(struct art_config *c)
{
	mem_free(c->name);
	mem_free(c->version);
	for (size_t i = 0; i < c->ndeps; i++)
		dep_release(&c->deps[i]);
	mem_free(c->deps);
	for (size_t i = 0; i < c->nreqs; i++) {
		mem_free(c->reqs[i].name);
		mem_free(c->reqs[i].version);
	}
	mem_free(c->reqs);
	memset(c, 0, sizeof(*c));
}
