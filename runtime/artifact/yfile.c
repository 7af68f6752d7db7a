/* YAML files of the artifact tool through ydoc: reading, parsing with
 * located errors, typed members. */
#include "runtime/artifact/yfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/arena.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

int yfile_read(const char *path, size_t max, struct strbuf *sb)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int err = 0;

	if (!f) {
		err = -errno;
		log_error("%s: %s", path, strerror(-err));
		return err;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb->len + n > max) {
			log_error("%s: larger than %zu bytes", path, max);
			err = -EFBIG;
			break;
		}
		strbuf_add(sb, buf, n);
	}
	if (!err && ferror(f)) {
		err = -EIO;
		log_error("%s: read error", path);
	}
	fclose(f);
	if (!err && sb->oom)
		err = -ENOMEM;
	if (!err && !sb->buf)
		strbuf_adds(sb, "");
	return err;
}

int yfile_parse(const char *what, const char *text, size_t len, struct yfile *out)
{
	struct ydoc_limits lim = { .max_depth = 32, .max_nodes = 200000, .max_scalar = 1 << 20 };
	struct diag_list dl;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = diag_list_init(&dl)))
		return err;
	if ((err = arena__new(4096, &out->arena)))
		goto out;
	out->text = mem_malloc(len + 1);
	if (!out->text) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(out->text, text, len);
	out->text[len] = '\0';
	err = ydoc_parse(what, out->text, len, &lim, out->arena, &dl, &out->doc);
	if (err && dl.n) {
		const struct diag *d = dl.items[0];

		log_error("%s:%u:%u: %s", what, d->nlocs ? d->locs[0].pos.line : 0,
			  d->nlocs ? d->locs[0].pos.col : 0, d->msg);
	} else if (err == -EINVAL) {
		log_error("%s: not YAML", what);
	}
	if (!err && out->doc->ndocs)
		out->root = out->doc->docs[0];
out:
	diag_list_release(&dl);
	if (err)
		yfile_release(out);
	return err;
}

void yfile_release(struct yfile *y)
{
	arena__free(y->arena);
	mem_free(y->text);
	memset(y, 0, sizeof(*y));
}

int yfile_err(const struct yfile *y, const struct ydoc_node *n, const char *msg)
{
	log_error("%s:%u:%u: %s", y->doc->file, n->start.line, n->start.col, msg);
	return -EINVAL;
}

int yfile_str(const struct yfile *y, const struct ydoc_node *map, const char *key, bool required,
	      const char **s)
{
	const struct ydoc_node *v = ydoc_map_get(map, key);
	char msg[160];

	*s = NULL;
	if (!v || v->kind == YDOC_NULL) {
		if (!required)
			return 0;
		snprintf(msg, sizeof(msg), "'%s' is missing", key);
		return yfile_err(y, map, msg);
	}
	if (v->kind != YDOC_SCALAR) {
		snprintf(msg, sizeof(msg), "'%s' must be a string", key);
		return yfile_err(y, v, msg);
	}
	*s = v->str;
	return 0;
}

void yfile_add_str(struct strbuf *sb, const char *s)
{
	strbuf_add_json_str(sb, s);
}
