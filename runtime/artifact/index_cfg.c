/* The configured indexes: the list file, the cached copies, fetching over
 * http(s) or from a file, and the merged view that names resolve through. */
#include "runtime/artifact/index_cfg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/artifact/fsx.h"
#include "runtime/artifact/yfile.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

static void item_release(struct index_cfg_item *it)
{
	mem_free(it->name);
	mem_free(it->url);
	mem_free(it->backend);
	mem_free(it->added);
	mem_free(it->updated);
	memset(it, 0, sizeof(*it));
}

static char *dup_or_empty(const char *s)
{
	return mem_strdup(s ? s : "");
}

static char *list_path(const struct index_cfg *c)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s/indexes.yaml", c->dir);
	return sb.oom ? NULL : sb.buf;
}

static char *cache_path(const struct index_cfg *c, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s/indexes/%s.yaml", c->dir, name);
	return sb.oom ? NULL : sb.buf;
}

int index_cfg_load(const char *dir, struct index_cfg *out)
{
	struct strbuf text = STRBUF_INIT;
	const struct ydoc_node *cfgs;
	struct yfile y = { 0 };
	char *path;
	int err;

	memset(out, 0, sizeof(*out));
	if (!(out->dir = mem_strdup(dir)) || !(path = list_path(out))) {
		index_cfg_release(out);
		return -ENOMEM;
	}
	if (access(path, F_OK)) {
		mem_free(path);
		return 0;
	}
	if ((err = yfile_read(path, 1u << 20, &text)) ||
	    (err = yfile_parse(path, text.buf, text.len, &y)))
		goto out;
	cfgs = y.root ? ydoc_map_get(y.root, "configs") : NULL;
	if (!cfgs || cfgs->kind == YDOC_NULL)
		goto out;
	if (cfgs->kind != YDOC_SEQ) {
		err = yfile_err(&y, cfgs, "'configs' must be a list");
		goto out;
	}
	out->items = mem_calloc(cfgs->n + 1, sizeof(*out->items));
	if (!out->items) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < cfgs->n; i++) {
		const struct ydoc_node *m = cfgs->kids[i];
		const char *v[5];
		struct index_cfg_item *it = &out->items[out->n];

		if (m->kind != YDOC_MAP) {
			err = yfile_err(&y, m, "an index config must be a mapping");
			goto out;
		}
		if ((err = yfile_str(&y, m, "name", true, &v[0])) ||
		    (err = yfile_str(&y, m, "url", true, &v[1])) ||
		    (err = yfile_str(&y, m, "backend", false, &v[2])) ||
		    (err = yfile_str(&y, m, "added_timestamp", false, &v[3])) ||
		    (err = yfile_str(&y, m, "updated_timestamp", false, &v[4])))
			goto out;
		out->n++;
		it->name = dup_or_empty(v[0]);
		it->url = dup_or_empty(v[1]);
		it->backend = dup_or_empty(v[2]);
		it->added = dup_or_empty(v[3]);
		it->updated = dup_or_empty(v[4]);
		if (!it->name || !it->url || !it->backend || !it->added || !it->updated) {
			err = -ENOMEM;
			goto out;
		}
	}
out:
	yfile_release(&y);
	strbuf_release(&text);
	mem_free(path);
	if (err)
		index_cfg_release(out);
	return err;
}

void index_cfg_release(struct index_cfg *c)
{
	for (size_t i = 0; i < c->n; i++)
		item_release(&c->items[i]);
	mem_free(c->items);
	mem_free(c->dir);
	memset(c, 0, sizeof(*c));
}

static int save(const struct index_cfg *c)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = list_path(c);
	int err;

	strbuf_adds(&sb, "configs:\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct index_cfg_item *it = &c->items[i];

		strbuf_adds(&sb, "  - added_timestamp: ");
		yfile_add_str(&sb, it->added);
		strbuf_adds(&sb, "\n    name: ");
		yfile_add_str(&sb, it->name);
		strbuf_adds(&sb, "\n    updated_timestamp: ");
		yfile_add_str(&sb, it->updated);
		strbuf_adds(&sb, "\n    url: ");
		yfile_add_str(&sb, it->url);
		strbuf_adds(&sb, "\n    backend: ");
		yfile_add_str(&sb, it->backend);
		strbuf_addc(&sb, '\n');
	}
	err = !path || sb.oom ? -ENOMEM : fsx_write_atomic(path, sb.buf, sb.len, 0644);
	strbuf_release(&sb);
	mem_free(path);
	return err;
}

static const char *backend_of(const char *url, const char *backend)
{
	if (backend && *backend)
		return backend;
	if (!strncmp(url, "https://", 8))
		return "https";
	if (!strncmp(url, "http://", 7))
		return "http";
	return "file";
}

/* Fetches and checks the index of it; writes the cache. */
static int fetch(const struct index_cfg *c, const struct http_opts *ho,
		 const struct index_cfg_item *it)
{
	struct strbuf body = STRBUF_INIT, dir = STRBUF_INIT;
	struct index ix;
	char *path = NULL;
	int err;

	if (!strcmp(it->backend, "https") || !strcmp(it->backend, "http")) {
		struct http_opts o = *ho;

		o.max_body = INDEX_MAX_BYTES;
		err = http_fetch(&o, it->url, NULL, &body);
	} else if (!strcmp(it->backend, "file")) {
		err = yfile_read(!strncmp(it->url, "file://", 7) ? it->url + 7 : it->url,
				 INDEX_MAX_BYTES, &body);
	} else {
		log_error("index %s: unsupported backend '%s' (https, http or file)", it->name,
			  it->backend);
		err = -EINVAL;
	}
	if (err)
		goto out;
	if ((err = index_parse(it->url, body.buf, body.len, &ix)))
		goto out;
	index_release(&ix);
	strbuf_printf(&dir, "%s/indexes", c->dir);
	path = cache_path(c, it->name);
	if (dir.oom || !path) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = fsx_mkdirs(dir.buf, 0755)))
		goto out;
	err = fsx_write_atomic(path, body.buf, body.len, 0644);
out:
	strbuf_release(&body);
	strbuf_release(&dir);
	mem_free(path);
	return err;
}

static void now_str(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static bool name_ok(const char *name)
{
	if (!*name || strlen(name) > 128)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20 || (p == name && *p == '.'))
			return false;
	return true;
}

int index_cfg_add(struct index_cfg *c, const struct http_opts *ho, const char *name,
		  const char *url, const char *backend)
{
	struct index_cfg_item it = { 0 }, *slot = NULL, *ni;
	char ts[32];
	int err;

	if (!name_ok(name)) {
		log_error("'%s' is not a valid index name", name);
		return -EINVAL;
	}
	now_str(ts, sizeof(ts));
	it.name = mem_strdup(name);
	it.url = mem_strdup(url);
	it.backend = mem_strdup(backend_of(url, backend));
	it.added = mem_strdup(ts);
	it.updated = mem_strdup(ts);
	if (!it.name || !it.url || !it.backend || !it.added || !it.updated) {
		item_release(&it);
		return -ENOMEM;
	}
	if ((err = fetch(c, ho, &it))) {
		item_release(&it);
		return err;
	}
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->items[i].name, name))
			slot = &c->items[i];
	if (slot) {
		mem_free(it.added);
		it.added = slot->added;
		slot->added = NULL;
		item_release(slot);
		*slot = it;
	} else {
		ni = mem_reallocarray(c->items, c->n + 1, sizeof(*ni));
		if (!ni) {
			item_release(&it);
			return -ENOMEM;
		}
		c->items = ni;
		c->items[c->n++] = it;
	}
	return save(c);
}

int index_cfg_remove(struct index_cfg *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++) {
		char *path;

		if (strcmp(c->items[i].name, name))
			continue;
		if ((path = cache_path(c, name))) {
			unlink(path);
			mem_free(path);
		}
		item_release(&c->items[i]);
		memmove(&c->items[i], &c->items[i + 1], (c->n - i - 1) * sizeof(*c->items));
		c->n--;
		return save(c);
	}
	log_error("index '%s' is not configured", name);
	return -ENOENT;
}

int index_cfg_update(struct index_cfg *c, const struct http_opts *ho, const char *name)
{
	bool found = false;
	int err = 0;

	for (size_t i = 0; i < c->n; i++) {
		char ts[32], *u;

		if (name && strcmp(c->items[i].name, name))
			continue;
		found = true;
		if ((err = fetch(c, ho, &c->items[i])))
			return err;
		now_str(ts, sizeof(ts));
		if (!(u = mem_strdup(ts)))
			return -ENOMEM;
		mem_free(c->items[i].updated);
		c->items[i].updated = u;
	}
	if (name && !found) {
		log_error("index '%s' is not configured", name);
		return -ENOENT;
	}
	return save(c);
}

int index_cfg_merged(const struct index_cfg *c, struct index *out)
{
	int err = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < c->n && !err; i++) {
		struct strbuf text = STRBUF_INIT;
		char *path = cache_path(c, c->items[i].name);
		struct index ix;

		if (!path)
			err = -ENOMEM;
		else if (!(err = yfile_read(path, INDEX_MAX_BYTES, &text)) &&
			 !(err = index_parse(path, text.buf, text.len, &ix))) {
			err = index_merge(out, &ix, c->items[i].name);
			index_release(&ix);
		}
		strbuf_release(&text);
		mem_free(path);
	}
	if (err)
		index_release(out);
	return err;
}
