/* config: the configuration tree (files, config_files, -o), its checks
 * against the key table, the tree API and the keys copied into struct
 * config. */
#include "runtime/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "compiler/ydoc.h"
#include "runtime/base/arena.h"
#include "runtime/base/diag.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/config_rules.h"

/* ---- the key table -------------------------------------------------------- */

enum ck_type { CKT_BOOL, CKT_INT, CKT_NUM, CKT_STR, CKT_ENUM, CKT_LIST, CKT_SEQ, CKT_ANY, CKT_DUR };
enum ck_status { CKS_IMPL, CKS_ELSEWHERE, CKS_INERT, CKS_OFF };

struct ck_row {
	const char *path;
	enum ck_type type;
	const char *dflt;
	enum ck_status status;
	const char *extra;
	const char *doc;
};

static const struct ck_row rows[] = {
#define CONFIG_KEY(p, t, d, s, e, doc) { p, CKT_##t, d, CKS_##s, e, doc },
#include "runtime/config_keys.def"
#undef CONFIG_KEY
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const char *const type_names[] = {
	"boolean", "integer", "number", "string", "one of", "list of strings", "list", "any",
	"duration",
};
static const char *const status_names[] = { "implemented", "elsewhere", "no effect", "off only" };

static const struct ck_row *row_find(const char *path)
{
	for (size_t i = 0; i < NROWS; i++)
		if (!strcmp(rows[i].path, path))
			return &rows[i];
	return NULL;
}

/* A row lies below path (path is a map of the table). */
static bool rows_below(const char *path)
{
	size_t l = strlen(path);

	for (size_t i = 0; i < NROWS; i++)
		if (!strncmp(rows[i].path, path, l) && rows[i].path[l] == '.')
			return true;
	return false;
}

/* ---- errors ----------------------------------------------------------------- */

struct ctx {
	struct config *c;
	char *err;
	size_t errlen;
};

static void loc_text(const struct src_loc *l, char *buf, size_t n)
{
	if (!l->file)
		snprintf(buf, n, "default");
	else if (!l->line)
		snprintf(buf, n, "%s", l->file);
	else
		snprintf(buf, n, "%s:%u:%u", l->file, l->line, l->col);
}

static int failf(struct ctx *x, const struct src_loc *l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int failf(struct ctx *x, const struct src_loc *l, const char *fmt, ...)
{
	char where[512], msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l) {
		loc_text(l, where, sizeof(where));
		snprintf(x->err, x->errlen, "%s: %s", where, msg);
	} else {
		snprintf(x->err, x->errlen, "%s", msg);
	}
	return -EINVAL;
}

/* ---- nodes ------------------------------------------------------------------ */

static struct ydoc_node *node_new(struct arena *a, enum ydoc_kind k, struct src_loc l)
{
	struct ydoc_node *n = arena_alloc(a, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = k;
	n->start = l;
	n->str = "";
	return n;
}

/* Falco's ${VAR} (the variable's value, or nothing) and $${x} (a literal ${x}). */
static char *expand_env(struct arena *a, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	char *r;

	if (!strchr(s, '$'))
		return arena_strdup(a, s);
	while (*s) {
		const char *close;

		if (s[0] == '$' && s[1] == '{' && (close = strchr(s + 2, '}'))) {
			char name[256];
			const char *v;

			snprintf(name, sizeof(name), "%.*s", (int)(close - s - 2), s + 2);
			v = getenv(name);
			if (v)
				strbuf_adds(&sb, v);
			s = close + 1;
		} else if (s[0] == '$' && s[1] == '$' && s[2] == '{' && strchr(s + 3, '}')) {
			strbuf_adds(&sb, "${");
			s += 3;
		} else {
			strbuf_addc(&sb, *s++);
		}
	}
	r = sb.oom ? NULL : arena_strdup(a, sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	return r;
}

#define CONFIG_MAX_NODES 200000

/* A copy of n in the configuration's arena (aliases become copies), values
 * with their environment variables expanded when env. */
static struct ydoc_node *node_copy(struct arena *a, const struct ydoc_node *n, const char *file,
				   bool env, bool is_key, size_t *budget)
{
	struct ydoc_node *c;

	if (!*budget)
		return NULL;
	(*budget)--;
	c = node_new(a, n->kind, n->start);
	if (!c)
		return NULL;
	c->start.file = file;	/* the parser's copy of the name goes with its arena */
	c->style = n->style;
	if (n->kind == YDOC_SCALAR || n->kind == YDOC_NULL) {
		c->str = env && !is_key ? expand_env(a, n->str) : arena_strdup(a, n->str);
		if (!c->str)
			return NULL;
		c->len = strlen(c->str);
		return c;
	}
	c->n = n->n;
	if (!n->n)
		return c;
	{
		size_t nk = n->kind == YDOC_MAP ? 2 * n->n : n->n;

		c->kids = arena_alloc(a, nk * sizeof(*c->kids));
		if (!c->kids)
			return NULL;
		for (size_t i = 0; i < nk; i++) {
			c->kids[i] = node_copy(a, n->kids[i], file, env,
					       n->kind == YDOC_MAP && i % 2 == 0, budget);
			if (!c->kids[i])
				return NULL;
		}
	}
	return c;
}

/* Adds key -> value to a map (its kids array is copied: arenas do not
 * grow in place). */
static int map_add(struct arena *a, struct ydoc_node *map, struct ydoc_node *key,
		   struct ydoc_node *val)
{
	struct ydoc_node **k = arena_alloc(a, (2 * map->n + 2) * sizeof(*k));

	if (!k)
		return -ENOMEM;
	if (map->n)
		memcpy(k, map->kids, 2 * map->n * sizeof(*k));
	k[2 * map->n] = key;
	k[2 * map->n + 1] = val;
	map->kids = k;
	map->n++;
	return 0;
}

static int seq_add(struct arena *a, struct ydoc_node *seq, struct ydoc_node *val)
{
	struct ydoc_node **k = arena_alloc(a, (seq->n + 1) * sizeof(*k));

	if (!k)
		return -ENOMEM;
	if (seq->n)
		memcpy(k, seq->kids, seq->n * sizeof(*k));
	k[seq->n++] = val;
	seq->kids = k;
	return 0;
}

static struct ydoc_node **map_slot(struct ydoc_node *map, const char *key)
{
	for (size_t i = 0; map && map->kind == YDOC_MAP && i < map->n; i++)
		if (map->kids[2 * i]->kind == YDOC_SCALAR && !strcmp(map->kids[2 * i]->str, key))
			return &map->kids[2 * i + 1];
	return NULL;
}

/* ---- paths: "a.b[0].c" ---------------------------------------------------- */

#define PATH_MAX_SEGS 32

struct seg {
	char name[128];		/* map key; "" for an index */
	long idx;		/* -1: append ("[]") */
};

/* Splits a path into its steps. 0, or -EINVAL with why in msg. */
static int path_parse(const char *p, struct seg *segs, size_t *n, char *msg, size_t mlen)
{
	size_t k = 0;

	if (!*p) {
		snprintf(msg, mlen, "empty key");
		return -EINVAL;
	}
	while (*p) {
		size_t l = strcspn(p, ".[");

		if (k == PATH_MAX_SEGS) {
			snprintf(msg, mlen, "key too deep");
			return -EINVAL;
		}
		if (!l) {
			snprintf(msg, mlen, "expected a key name at '%s'", p);
			return -EINVAL;
		}
		if (l >= sizeof(segs[k].name)) {
			snprintf(msg, mlen, "key name too long");
			return -EINVAL;
		}
		memcpy(segs[k].name, p, l);
		segs[k].name[l] = '\0';
		segs[k++].idx = 0;
		p += l;
		while (*p == '[') {
			char *end;
			long v;

			if (k == PATH_MAX_SEGS) {
				snprintf(msg, mlen, "key too deep");
				return -EINVAL;
			}
			if (p[1] == ']') {
				v = -1;
				end = (char *)p + 1;
			} else {
				errno = 0;
				v = strtol(p + 1, &end, 10);
				if (end == p + 1 || *end != ']' || v < 0 || errno) {
					snprintf(msg, mlen, "expected a list index at '%s'", p);
					return -EINVAL;
				}
			}
			segs[k].name[0] = '\0';
			segs[k++].idx = v;
			p = end + 1;
		}
		if (*p == '.') {
			p++;
			if (!*p) {
				snprintf(msg, mlen, "key ends with '.'");
				return -EINVAL;
			}
		} else if (*p) {
			snprintf(msg, mlen, "expected '.' or '[' at '%s'", p);
			return -EINVAL;
		}
	}
	*n = k;
	return 0;
}

static const struct ydoc_node *tree_get(const struct ydoc_node *root, const char *path)
{
	struct seg segs[PATH_MAX_SEGS];
	const struct ydoc_node *n = root;
	size_t ns;
	char msg[64];

	if (!root || path_parse(path, segs, &ns, msg, sizeof(msg)))
		return NULL;
	for (size_t i = 0; i < ns && n; i++) {
		if (segs[i].name[0]) {
			struct ydoc_node **s = map_slot((struct ydoc_node *)n, segs[i].name);

			n = s ? *s : NULL;
		} else if (n->kind == YDOC_SEQ && segs[i].idx >= 0 && (size_t)segs[i].idx < n->n) {
			n = n->kids[segs[i].idx];
		} else {
			n = NULL;
		}
	}
	return n;
}

/* Puts val at path, making the maps and lists on the way. 0, or -EINVAL
 * with why in msg. */
static int tree_set(struct arena *a, struct ydoc_node *root, const char *path,
		    struct ydoc_node *val, char *msg, size_t mlen)
{
	struct seg segs[PATH_MAX_SEGS];
	struct ydoc_node **slot = NULL, *cur = root;
	size_t ns;
	int err = path_parse(path, segs, &ns, msg, mlen);

	if (err)
		return err;
	for (size_t i = 0; i < ns; i++) {
		bool last = i + 1 == ns;
		struct ydoc_node *next;

		if (segs[i].name[0]) {
			if (cur->kind == YDOC_NULL) {
				cur->kind = YDOC_MAP;
				cur->n = 0;
			}
			if (cur->kind != YDOC_MAP) {
				snprintf(msg, mlen, "'%s' is inside a value that is not a map",
					 segs[i].name);
				return -EINVAL;
			}
			slot = map_slot(cur, segs[i].name);
			if (!slot) {
				struct ydoc_node *k = node_new(a, YDOC_SCALAR, val->start);
				struct ydoc_node *v = node_new(a, YDOC_NULL, val->start);

				if (!k || !v || !(k->str = arena_strdup(a, segs[i].name)))
					return -ENOMEM;
				k->len = strlen(k->str);
				if ((err = map_add(a, cur, k, v)))
					return err;
				slot = &cur->kids[2 * cur->n - 1];
			}
		} else {
			if (cur->kind == YDOC_NULL) {
				cur->kind = YDOC_SEQ;
				cur->n = 0;
			}
			if (cur->kind != YDOC_SEQ) {
				snprintf(msg, mlen, "an index on a value that is not a list");
				return -EINVAL;
			}
			if (segs[i].idx < 0 || (size_t)segs[i].idx == cur->n) {
				struct ydoc_node *v = node_new(a, YDOC_NULL, val->start);

				if (!v)
					return -ENOMEM;
				if ((err = seq_add(a, cur, v)))
					return err;
				slot = &cur->kids[cur->n - 1];
			} else if ((size_t)segs[i].idx < cur->n) {
				slot = &cur->kids[segs[i].idx];
			} else {
				snprintf(msg, mlen, "index %ld is past the end of the list (%zu items)",
					 segs[i].idx, cur->n);
				return -EINVAL;
			}
		}
		if (last)
			break;
		next = *slot;
		cur = next;
	}
	*slot = val;
	return 0;
}

/* ---- files ------------------------------------------------------------------ */

static int read_text(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	int err = 0;

	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	if (ferror(f))
		err = -EIO;
	fclose(f);
	if (!err && sb.oom)
		err = -ENOMEM;
	if (err) {
		strbuf_release(&sb);
		return err;
	}
	*len = sb.len;
	*out = sb.buf ? sb.buf : mem_strdup("");
	return *out ? 0 : -ENOMEM;
}

/* Parses YAML text into a tree owned by the configuration. A text that
 * is empty (or only comments) gives an empty map. */
static int parse_yaml(struct ctx *x, const char *name, const char *text, size_t len, bool env,
		      struct ydoc_node **out)
{
	struct ydoc_limits lim = { .max_depth = 64, .max_nodes = CONFIG_MAX_NODES,
				   .max_scalar = 1u << 20 };
	struct diag_list dl;
	struct arena *tmp = NULL;
	struct ydoc *doc = NULL;
	size_t budget = CONFIG_MAX_NODES;
	const char *fname = arena_strdup(x->c->arena, name);
	int err;

	if (!fname)
		return -ENOMEM;
	if ((err = diag_list_init(&dl)))
		return err;
	if ((err = arena__new(4096, &tmp)))
		goto out;
	err = ydoc_parse(fname, text, len, &lim, tmp, &dl, &doc);
	if (err) {
		if (dl.n && dl.items[0]->nlocs)
			failf(x, &dl.items[0]->locs[0].pos, "%s", dl.items[0]->msg);
		else if (dl.n)
			failf(x, NULL, "%s: %s", name, dl.items[0]->msg);
		goto out;
	}
	if (doc->ndocs > 1) {
		err = failf(x, &doc->docs[1]->start, "a configuration is one YAML document");
		goto out;
	}
	if (!doc->ndocs || doc->docs[0]->kind == YDOC_NULL) {
		struct src_loc l = { .file = fname, .line = 1, .col = 1 };

		*out = node_new(x->c->arena, YDOC_MAP, l);
		err = *out ? 0 : -ENOMEM;
		goto out;
	}
	if (doc->docs[0]->kind != YDOC_MAP) {
		err = failf(x, &doc->docs[0]->start,
			    "expected a map of configuration keys, found a %s",
			    doc->docs[0]->kind == YDOC_SEQ ? "list" : "scalar");
		goto out;
	}
	*out = node_copy(x->c->arena, doc->docs[0], fname, env, false, &budget);
	if (!*out)
		err = budget ? -ENOMEM : failf(x, &doc->docs[0]->start, "too many YAML nodes");
out:
	arena__free(tmp);
	diag_list_release(&dl);
	return err;
}

static int parse_file(struct ctx *x, const char *path, struct ydoc_node **out)
{
	char *text = NULL;
	size_t len = 0;
	int err = read_text(path, &text, &len);

	if (err) {
		snprintf(x->err, x->errlen, "%s: %s", path, strerror(-err));
		return err;
	}
	err = parse_yaml(x, path, text, len, true, out);
	mem_free(text);
	return err;
}

static int push_str(struct arena *a, char ***arr, size_t *n, const char *s)
{
	char **na = arena_alloc(a, (*n + 1) * sizeof(*na));

	if (!na)
		return -ENOMEM;
	if (*n)
		memcpy(na, *arr, *n * sizeof(*na));
	if (!(na[*n] = arena_strdup(a, s)))
		return -ENOMEM;
	*arr = na;
	(*n)++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of a directory (following symlinks), sorted by name;
 * only those ending in one of the suffixes when given. Owned. */
static int dir_files(const char *dir, const char *const *suffixes, char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t nv = 0;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;
		char *p;
		bool ok = !suffixes;

		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; suffixes && suffixes[i]; i++) {
			size_t l = strlen(de->d_name), sl = strlen(suffixes[i]);

			ok |= l > sl && !strcmp(de->d_name + l - sl, suffixes[i]);
		}
		if (!ok)
			continue;
		if (!(p = mem_malloc(strlen(dir) + strlen(de->d_name) + 2))) {
			err = -ENOMEM;
			break;
		}
		sprintf(p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
		if (stat(p, &st) || !S_ISREG(st.st_mode)) {
			mem_free(p);
			continue;
		}
		{
			char **nv2 = mem_reallocarray(v, nv + 1, sizeof(*v));

			if (!nv2) {
				mem_free(p);
				err = -ENOMEM;
				break;
			}
			v = nv2;
			v[nv++] = p;
		}
	}
	closedir(d);
	if (err) {
		while (nv)
			mem_free(v[--nv]);
		mem_free(v);
		return err;
	}
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_str);
	*out = v;
	*n = nv;
	return 0;
}

/* An included file: its top-level keys replace the main tree's. */
static int merge_file(struct ctx *x, const char *path)
{
	struct ydoc_node *inc, *root = x->c->root;
	int err = parse_file(x, path, &inc);

	if (err)
		return err;
	if ((err = push_str(x->c->arena, &x->c->files, &x->c->nfiles, path)))
		return err;
	for (size_t i = 0; i < inc->n; i++) {
		struct ydoc_node *k = inc->kids[2 * i], *v = inc->kids[2 * i + 1], **slot;

		if (k->kind != YDOC_SCALAR)
			return failf(x, &k->start, "configuration keys are strings");
		if (!strcmp(k->str, "config_files"))
			return failf(x, &k->start,
				     "config_files in an included file: included files cannot "
				     "include others");
		slot = map_slot(root, k->str);
		if (slot)
			*slot = v;
		else if ((err = map_add(x->c->arena, root, k, v)))
			return err;
	}
	return 0;
}

static int merge_config_files(struct ctx *x, const char *main_path)
{
	const struct ydoc_node *cf = ydoc_map_get(x->c->root, "config_files");
	int err;

	if (!cf || cf->kind == YDOC_NULL)
		return 0;
	if (cf->kind == YDOC_MAP)
		return failf(x, &cf->start, "config_files: expected a list of files or directories");
	for (size_t i = 0; i < (cf->kind == YDOC_SEQ ? cf->n : 1); i++) {
		const struct ydoc_node *e = cf->kind == YDOC_SEQ ? cf->kids[i] : cf;
		struct stat st, mst;

		if (e->kind != YDOC_SCALAR)
			return failf(x, &e->start, "config_files: expected a file or directory name");
		if (stat(e->str, &st))
			continue;	/* as Falco: an entry that does not exist is skipped */
		if (main_path && !stat(main_path, &mst) && st.st_dev == mst.st_dev &&
		    st.st_ino == mst.st_ino)
			return failf(x, &e->start, "config_files includes the main file %s",
				     main_path);
		if (S_ISDIR(st.st_mode)) {
			char **v;
			size_t nv;

			if ((err = push_str(x->c->arena, &x->c->dirs, &x->c->ndirs, e->str)))
				return err;
			if ((err = dir_files(e->str, NULL, &v, &nv)))
				return failf(x, &e->start, "config_files: %s: %s", e->str,
					     strerror(-err));
			for (size_t j = 0; j < nv; j++) {
				if (!err)
					err = merge_file(x, v[j]);
				mem_free(v[j]);
			}
			mem_free(v);
			if (err)
				return err;
		} else if ((err = merge_file(x, e->str))) {
			return err;
		}
	}
	return 0;
}

/* One -o: "key=value" or "key={yaml}". */
static int apply_override(struct ctx *x, const char *kv)
{
	const char *eq = strchr(kv, '=');
	struct src_loc l = { .file = NULL };
	struct ydoc_node *val;
	char key[512], msg[256];
	size_t vl;
	int err;

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key)) {
		snprintf(x->err, x->errlen, "-o %s: expected KEY=VALUE (KEY in dotted form: "
			 "a.b.c, list[1].c)", kv);
		return -EINVAL;
	}
	if (!(l.file = arena_printf(x->c->arena, "-o %s", kv)))
		return -ENOMEM;
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	vl = strlen(eq + 1);
	if (vl >= 2 && eq[1] == '{' && eq[vl] == '}') {
		struct ydoc_node *m;

		err = parse_yaml(x, l.file, eq + 1, vl, false, &m);
		if (err) {
			char inner[512];

			snprintf(inner, sizeof(inner), "%s", x->err);
			snprintf(x->err, x->errlen, "-o %s: the value is not a YAML map: %s", kv, inner);
			return err;
		}
		val = m;
	} else if (vl >= 2 && eq[1] == '[' && eq[vl] == ']') {
		/* a flow list: parsed as the value of a one-key map */
		char *text = arena_printf(x->c->arena, "v: %s", eq + 1);
		struct ydoc_node *m;

		if (!text)
			return -ENOMEM;
		err = parse_yaml(x, l.file, text, strlen(text), false, &m);
		if (err || m->n != 1 || m->kids[1]->kind != YDOC_SEQ) {
			char inner[512];

			snprintf(inner, sizeof(inner), "%s", err ? x->err : "not a list");
			snprintf(x->err, x->errlen, "-o %s: the value is not a YAML list: %s", kv, inner);
			return err ? err : -EINVAL;
		}
		val = m->kids[1];
	} else {
		if (!(val = node_new(x->c->arena, YDOC_SCALAR, l)) ||
		    !(val->str = arena_strdup(x->c->arena, eq + 1)))
			return -ENOMEM;
		val->len = vl;
	}
	/* every node of the value names the option it came from */
	val->start = l;
	err = tree_set(x->c->arena, x->c->root, key, val, msg, sizeof(msg));
	if (err == -EINVAL)
		snprintf(x->err, x->errlen, "-o %s: %s", kv, msg);
	return err;
}

static bool is_config_files_key(const char *kv)
{
	return !strncmp(kv, "config_files", 12) && (kv[12] == '=' || kv[12] == '[');
}

/* ---- checks against the table ---------------------------------------------- */

static bool parse_bool(const char *v, bool *out)
{
	static const char *const t[] = { "true", "yes", "on", "y" };
	static const char *const f[] = { "false", "no", "off", "n" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, t[i])) {
			*out = true;
			return true;
		}
		if (!strcasecmp(v, f[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool parse_int(const char *v, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(v, &end, 0);
	return *v && !*end && !errno;
}

static bool parse_num(const char *v, double *out)
{
	char *end;

	*out = strtod(v, &end);
	return *v && !*end;
}

static bool enum_has(const char *values, const char *v)
{
	size_t l = strlen(v);

	while (*values) {
		size_t w = strcspn(values, "|");

		if (w == l && !strncasecmp(values, v, l))
			return true;
		values += w + (values[w] == '|');
	}
	return false;
}

static const char *kind_name(const struct ydoc_node *n)
{
	return n->kind == YDOC_MAP ? "a map" : n->kind == YDOC_SEQ ? "a list" : "a scalar";
}

/* The value turns on a feature of an OFF row. */
static bool value_on(const struct ck_row *r, const struct ydoc_node *v)
{
	bool b;

	if (v->kind == YDOC_NULL)
		return false;
	if (v->kind == YDOC_SEQ || v->kind == YDOC_MAP)
		return v->n > 0;
	if (r->type == CKT_BOOL)
		return parse_bool(v->str, &b) && b;
	return v->str[0] != '\0';
}

static int check_value(struct ctx *x, const struct ck_row *r, const struct ydoc_node *v)
{
	int64_t i;
	double d;
	bool b;

	switch (r->type) {
	case CKT_SEQ:
	case CKT_ANY:
		if (r->type == CKT_SEQ && v->kind != YDOC_SEQ && v->kind != YDOC_NULL)
			return failf(x, &v->start, "%s: expected a list, found %s", r->path,
				     kind_name(v));
		break;
	case CKT_LIST:
		if (v->kind == YDOC_MAP)
			return failf(x, &v->start, "%s: expected a list of strings, found a map",
				     r->path);
		for (size_t k = 0; v->kind == YDOC_SEQ && k < v->n; k++)
			if (v->kids[k]->kind != YDOC_SCALAR)
				return failf(x, &v->kids[k]->start,
					     "%s: expected a string, found %s", r->path,
					     kind_name(v->kids[k]));
		break;
	default:
		if (v->kind == YDOC_NULL)
			break;	/* an empty value: the default */
		if (v->kind != YDOC_SCALAR)
			return failf(x, &v->start, "%s: expected %s %s, found %s", r->path,
				     r->type == CKT_INT ? "an" : "a", type_names[r->type],
				     kind_name(v));
		if (r->type == CKT_BOOL && !parse_bool(v->str, &b))
			return failf(x, &v->start, "%s: expected a boolean (true or false), found '%s'",
				     r->path, v->str);
		if (r->type == CKT_INT) {
			if (!parse_int(v->str, &i))
				return failf(x, &v->start, "%s: expected an integer, found '%s'",
					     r->path, v->str);
			if (r->extra) {
				long long lo = 0;
				unsigned long long hi = 0;

				sscanf(r->extra, "%lld..%llu", &lo, &hi);
				if (i < lo || (i > 0 && (unsigned long long)i > hi))
					return failf(x, &v->start,
						     "%s: expected an integer from %s, found '%s'",
						     r->path, r->extra, v->str);
			}
		}
		if (r->type == CKT_NUM && !parse_num(v->str, &d))
			return failf(x, &v->start, "%s: expected a number, found '%s'", r->path,
				     v->str);
		if (r->type == CKT_ENUM && !enum_has(r->extra, v->str))
			return failf(x, &v->start, "%s: expected one of %s, found '%s'", r->path,
				     r->extra, v->str);
		break;
	}
	if (r->status == CKS_OFF && value_on(r, v))
		return failf(x, &v->start, "%s is refused: %s", r->path, r->doc);
	return 0;
}

static int check_map(struct ctx *x, const struct ydoc_node *m, const char *prefix)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct ydoc_node *k = m->kids[2 * i], *v = m->kids[2 * i + 1];
		const struct ck_row *r;
		char path[512];
		int err;

		if (k->kind != YDOC_SCALAR)
			return failf(x, &k->start, "configuration keys are strings");
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", k->str);
		if ((r = row_find(path))) {
			if ((err = check_value(x, r, v)))
				return err;
			continue;
		}
		if (!rows_below(path))
			return failf(x, &k->start, "unknown configuration key '%s'", path);
		if (v->kind == YDOC_NULL)
			continue;
		if (v->kind != YDOC_MAP)
			return failf(x, &v->start, "%s: expected a map, found %s", path,
				     kind_name(v));
		if ((err = check_map(x, v, path)))
			return err;
	}
	return 0;
}

/* ---- the tree API ----------------------------------------------------------- */

const struct ydoc_node *config_get(const struct config *c, const char *path)
{
	const struct ydoc_node *n = tree_get(c->root, path);

	return n && n->kind != YDOC_NULL ? n : NULL;
}

static const char *scalar_or_default(const struct config *c, const char *path)
{
	const struct ydoc_node *n = config_get(c, path);
	const struct ck_row *r;

	if (n && n->kind == YDOC_SCALAR)
		return n->str;
	r = row_find(path);
	return r && r->dflt ? r->dflt : NULL;
}

bool config_get_bool(const struct config *c, const char *path)
{
	const char *v = scalar_or_default(c, path);
	bool b = false;

	return v && parse_bool(v, &b) && b;
}

int64_t config_get_int(const struct config *c, const char *path)
{
	const char *v = scalar_or_default(c, path);
	int64_t i = 0;

	return v && parse_int(v, &i) ? i : 0;
}

double config_get_num(const struct config *c, const char *path)
{
	const char *v = scalar_or_default(c, path);
	double d = 0;

	return v && parse_num(v, &d) ? d : 0;
}

const char *config_get_str(const struct config *c, const char *path)
{
	const char *v = scalar_or_default(c, path);

	return v ? v : "";
}

/* The i-th item of a default list written "[a, b]" into buf. */
static bool default_item(const char *d, size_t i, char *buf, size_t len)
{
	if (!d || *d != '[')
		return false;
	d++;
	for (size_t k = 0;; k++) {
		size_t w;

		while (*d == ' ')
			d++;
		w = strcspn(d, ",]");
		if (!w)
			return false;
		if (k == i) {
			snprintf(buf, len, "%.*s", (int)w, d);
			return true;
		}
		d += w;
		if (*d != ',')
			return false;
		d++;
	}
}

size_t config_list_len(const struct config *c, const char *path)
{
	const struct ydoc_node *n = tree_get(c->root, path);
	const struct ck_row *r;
	size_t k = 0;
	char buf[8];

	if (n)
		return n->kind == YDOC_SEQ ? n->n : n->kind == YDOC_SCALAR ? 1 : 0;
	r = row_find(path);
	while (r && default_item(r->dflt, k, buf, sizeof(buf)))
		k++;
	return k;
}

const char *config_list_str(const struct config *c, const char *path, size_t i)
{
	const struct ydoc_node *n = tree_get(c->root, path);
	const struct ck_row *r;
	static __thread char buf[512];

	if (n && n->kind == YDOC_SEQ)
		return i < n->n && n->kids[i]->kind == YDOC_SCALAR ? n->kids[i]->str : "";
	if (n && n->kind == YDOC_SCALAR)
		return i == 0 ? n->str : "";
	if (n)
		return "";
	r = row_find(path);
	return r && default_item(r->dflt, i, buf, sizeof(buf)) ? buf : "";
}

void config_where(const struct config *c, const char *path, char *buf, size_t len)
{
	const struct ydoc_node *n = tree_get(c->root, path);
	struct src_loc none = { 0 };

	loc_text(n ? &n->start : &none, buf, len);
}

/* ---- durations ---------------------------------------------------------------- */

uint64_t config_parse_duration(const char *s)
{
	/* units in the order Prometheus requires them */
	static const struct { const char *u; uint64_t ms; } units[] = {
		{ "y", 365ull * 86400000 }, { "w", 7ull * 86400000 }, { "d", 86400000 },
		{ "h", 3600000 }, { "m", 60000 }, { "s", 1000 }, { "ms", 1 },
	};
	uint64_t total = 0;
	size_t next = 0;

	if (!*s)
		return 0;
	while (*s) {
		uint64_t v = 0;
		size_t u;

		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s)) {
			if (v > UINT64_MAX / 10)
				return 0;
			v = v * 10 + (uint64_t)(*s++ - '0');
		}
		for (u = next; u < sizeof(units) / sizeof(units[0]); u++) {
			size_t l = strlen(units[u].u);

			/* "m" must not take the "m" of "ms" */
			if (!strncmp(s, units[u].u, l) && !(l == 1 && *s == 'm' && s[1] == 's'))
				break;
		}
		if (u == sizeof(units) / sizeof(units[0]))
			return 0;
		total += v * units[u].ms;
		s += strlen(units[u].u);
		next = u + 1;
	}
	return total;
}

/* ---- struct config ---------------------------------------------------------- */

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
	c->kmod_ring_bytes = (size_t)8 << 20;
	c->engine_kind = "modern_ebpf";
	c->capture_env = true;
	c->http_output_max_consecutive_timeouts = 5;
	c->output_timeout_ms = 2000;
	c->drop_actions = CONFIG_DROP_LOG | CONFIG_DROP_ALERT;
	c->drop_threshold = .1;
	c->drop_rate = .03333;
	c->drop_max_burst = 1;
}

void config_release(struct config *c)
{
	arena__free(c->arena);
	memset(c, 0, sizeof(*c));
}

static int fail_at(struct ctx *x, const char *path, const char *fmt, const char *v)
{
	const struct ydoc_node *n = tree_get(x->c->root, path);

	return failf(x, n ? &n->start : NULL, fmt, v);
}

static bool is_ip_address(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* ---- outputs, append_output and syscall_event_drops ------------------------- */

static char *str_or_null(const struct config *c, const char *path)
{
	const char *v = config_get_str(c, path);

	return *v ? (char *)v : NULL;
}

/* The scalar of key k in map m, NULL when absent; -EINVAL when it is not
 * a scalar. */
static int entry_str(struct ctx *x, const struct ydoc_node *m, const char *k, char **out)
{
	struct ydoc_node **v = map_slot((struct ydoc_node *)m, k);

	*out = NULL;
	if (!v || (*v)->kind == YDOC_NULL)
		return 0;
	if ((*v)->kind != YDOC_SCALAR)
		return failf(x, &(*v)->start, "append_output.%s: expected a string", k);
	*out = (char *)(*v)->str;
	return 0;
}

/* The boolean of key k in map m, false when absent; -EINVAL when it is
 * not one. */
static int entry_bool(struct ctx *x, const struct ydoc_node *m, const char *k, bool *out)
{
	struct ydoc_node **v = map_slot((struct ydoc_node *)m, k);

	*out = false;
	if (!v || (*v)->kind == YDOC_NULL)
		return 0;
	if ((*v)->kind == YDOC_SCALAR && parse_bool((*v)->str, out))
		return 0;
	return failf(x, &(*v)->start, "append_output.%s: expected true or false", k);
}

static int add_extra_field(struct ctx *x, struct config_append_output *a,
			   const struct ydoc_node *at, const char *key, const char *fmt)
{
	struct arena *ar = x->c->arena;
	struct config_extra_field *n;

	for (size_t i = 0; i < a->nfields; i++)
		if (!strcmp(a->fields[i].key, key))
			return failf(x, &at->start, "append_output: extra field '%s' defined twice",
				     key);
	n = arena_alloc(ar, (a->nfields + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	if (a->nfields)
		memcpy(n, a->fields, a->nfields * sizeof(*n));
	a->fields = n;
	n = &a->fields[a->nfields];
	n->raw = !fmt;
	n->key = arena_strdup(ar, key);
	if (fmt) {
		n->format = arena_strdup(ar, fmt);
	} else if ((n->format = arena_alloc(ar, strlen(key) + 2))) {
		n->format[0] = '%';
		strcpy(n->format + 1, key);
	}
	if (!n->key || !n->format)
		return -ENOMEM;
	a->nfields++;
	return 0;
}

/* -EINVAL naming the first key of map m that is not among keys (a
 * NULL-terminated list) and where it is. */
static int only_keys(struct ctx *x, const struct ydoc_node *m, const char *what,
		     const char *const *keys)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct ydoc_node *k = m->kids[2 * i];
		size_t j = 0;

		while (keys[j] && (k->kind != YDOC_SCALAR || strcmp(keys[j], k->str)))
			j++;
		if (!keys[j])
			return failf(x, &k->start, "%s: unknown key '%s'", what,
				     k->kind == YDOC_SCALAR ? k->str : "?");
	}
	return 0;
}

/* One append_output entry: match (source, tags, rule), extra_output,
 * extra_fields (field names, or one `name: format` pair each); any other
 * key is refused. */
static int load_append_entry(struct ctx *x, const struct ydoc_node *m,
			     struct config_append_output *a)
{
	struct ydoc_node **match, **tags, **fields;
	int err;

	static const char *const entry_keys[] = { "match", "extra_output", "extra_fields",
						  "suggested_output", NULL };
	static const char *const match_keys[] = { "source", "tags", "rule", NULL };

	if (m->kind != YDOC_MAP)
		return failf(x, &m->start, "append_output: expected a map for each entry");
	if ((err = only_keys(x, m, "append_output", entry_keys)))
		return err;
	match = map_slot((struct ydoc_node *)m, "match");
	if (match && (*match)->kind != YDOC_MAP && (*match)->kind != YDOC_NULL)
		return failf(x, &(*match)->start, "append_output.match: expected a map");
	if (match && (*match)->kind == YDOC_MAP &&
	    (err = only_keys(x, *match, "append_output.match", match_keys)))
		return err;
	if ((err = entry_str(x, m, "extra_output", &a->extra_output)))
		return err;
	if ((err = entry_bool(x, m, "suggested_output", &a->suggested_output)))
		return err;
	if (match && (*match)->kind == YDOC_MAP &&
	    ((err = entry_str(x, *match, "source", &a->source)) ||
	     (err = entry_str(x, *match, "rule", &a->rule))))
		return err;
	tags = match && (*match)->kind == YDOC_MAP ? map_slot(*match, "tags") : NULL;
	if (tags && (*tags)->kind == YDOC_SCALAR) {
		if ((err = push_str(x->c->arena, &a->tags, &a->ntags, (*tags)->str)))
			return err;
	} else if (tags && (*tags)->kind == YDOC_SEQ) {
		for (size_t i = 0; i < (*tags)->n; i++) {
			const struct ydoc_node *t = (*tags)->kids[i];

			if (t->kind != YDOC_SCALAR)
				return failf(x, &t->start, "append_output.match.tags: expected strings");
			if ((err = push_str(x->c->arena, &a->tags, &a->ntags, t->str)))
				return err;
		}
	} else if (tags && (*tags)->kind != YDOC_NULL) {
		return failf(x, &(*tags)->start, "append_output.match.tags: expected a list of strings");
	}
	fields = map_slot((struct ydoc_node *)m, "extra_fields");
	if (fields && (*fields)->kind != YDOC_SEQ && (*fields)->kind != YDOC_NULL)
		return failf(x, &(*fields)->start, "append_output.extra_fields: expected a list");
	for (size_t i = 0; fields && (*fields)->kind == YDOC_SEQ && i < (*fields)->n; i++) {
		const struct ydoc_node *f = (*fields)->kids[i];

		if (f->kind == YDOC_SCALAR)
			err = add_extra_field(x, a, f, f->str, NULL);
		else if (f->kind == YDOC_MAP && f->n == 1 && f->kids[0]->kind == YDOC_SCALAR &&
			 f->kids[1]->kind == YDOC_SCALAR)
			err = add_extra_field(x, a, f, f->kids[0]->str, f->kids[1]->str);
		else
			err = failf(x, &f->start, "append_output.extra_fields: expected a field name "
				    "or one 'name: format' pair");
		if (err)
			return err;
	}
	return 0;
}

static int load_append_output(struct ctx *x)
{
	const struct ydoc_node *seq = config_get(x->c, "append_output");
	struct config *c = x->c;
	int err;

	if (!seq || seq->kind != YDOC_SEQ || !seq->n)
		return 0;
	c->append_output = arena_alloc(c->arena, seq->n * sizeof(*c->append_output));
	if (!c->append_output)
		return -ENOMEM;
	memset(c->append_output, 0, seq->n * sizeof(*c->append_output));
	for (size_t i = 0; i < seq->n; i++) {
		if ((err = load_append_entry(x, seq->kids[i], &c->append_output[i])))
			return err;
		c->nappend_output++;
	}
	return 0;
}

/* syscall_event_drops.actions: Falco's names; ignore goes with neither log
 * nor alert. */
static int load_drop_actions(struct ctx *x)
{
	static const struct {
		const char *name;
		unsigned bit;
	} acts[] = {
		{ "ignore", CONFIG_DROP_IGNORE }, { "log", CONFIG_DROP_LOG },
		{ "alert", CONFIG_DROP_ALERT }, { "exit", CONFIG_DROP_EXIT },
	};
	struct config *c = x->c;
	const char *k = "syscall_event_drops.actions";

	c->drop_actions = 0;
	for (size_t i = 0; i < config_list_len(c, k); i++) {
		const char *v = config_list_str(c, k, i);
		unsigned bit = 0;

		for (size_t j = 0; j < sizeof(acts) / sizeof(acts[0]); j++)
			if (!strcmp(v, acts[j].name))
				bit = acts[j].bit;
		if (!bit)
			return fail_at(x, k, "syscall_event_drops.actions: '%s' is none of ignore, "
				       "log, alert, exit", v);
		/* as Falco: log or alert after ignore (not before) is refused */
		if ((bit & (CONFIG_DROP_LOG | CONFIG_DROP_ALERT)) &&
		    (c->drop_actions & CONFIG_DROP_IGNORE))
			return fail_at(x, k, "syscall_event_drops.actions: action \"%s\" does not "
				       "make sense with the \"ignore\" action", v);
		c->drop_actions |= bit;
	}
	return 0;
}

/* The outputs' keys into the struct. */
static int apply_outputs(struct ctx *x)
{
	struct config *c = x->c;
	int err;

	c->syslog_output = config_get_bool(c, "syslog_output.enabled");
	c->program_output = config_get_bool(c, "program_output.enabled");
	c->program_output_keep_alive = config_get_bool(c, "program_output.keep_alive");
	c->program_output_program = str_or_null(c, "program_output.program");
	c->http_output = config_get_bool(c, "http_output.enabled");
	c->http_output_url = str_or_null(c, "http_output.url");
	c->http_output_user_agent = str_or_null(c, "http_output.user_agent");
	c->http_output_insecure = config_get_bool(c, "http_output.insecure");
	c->http_output_ca_cert = str_or_null(c, "http_output.ca_cert");
	c->http_output_ca_bundle = str_or_null(c, "http_output.ca_bundle");
	c->http_output_ca_path = str_or_null(c, "http_output.ca_path");
	c->http_output_mtls = config_get_bool(c, "http_output.mtls");
	c->http_output_client_cert = str_or_null(c, "http_output.client_cert");
	c->http_output_client_key = str_or_null(c, "http_output.client_key");
	c->http_output_echo = config_get_bool(c, "http_output.echo");
	c->http_output_compress_uploads = config_get_bool(c, "http_output.compress_uploads");
	c->http_output_keep_alive = config_get_bool(c, "http_output.keep_alive");
	c->http_output_max_consecutive_timeouts =
		(unsigned)config_get_int(c, "http_output.max_consecutive_timeouts");
	c->outputs_queue_capacity = (unsigned long)config_get_int(c, "outputs_queue.capacity");
	c->output_timeout_ms = (unsigned)config_get_int(c, "output_timeout");
	c->drop_threshold = config_get_num(c, "syscall_event_drops.threshold");
	c->drop_rate = config_get_num(c, "syscall_event_drops.rate");
	c->drop_max_burst = (double)config_get_int(c, "syscall_event_drops.max_burst");
	c->drop_simulate = config_get_bool(c, "syscall_event_drops.simulate_drops");
	if (c->program_output && !c->program_output_program)
		return fail_at(x, "program_output.enabled",
			       "%sprogram output enabled but no program in configuration block", "");
	if (c->http_output && !c->http_output_url)
		return fail_at(x, "http_output.enabled",
			       "%shttp output enabled but no url in configuration block", "");
	if (c->drop_threshold < 0 || c->drop_threshold > 1)
		return fail_at(x, "syscall_event_drops.threshold",
			       "%ssyscall_event_drops.threshold must be from 0 to 1", "");
	if (c->drop_rate < 0)
		return fail_at(x, "syscall_event_drops.rate",
			       "%ssyscall_event_drops.rate must not be negative", "");
	if ((err = load_drop_actions(x)))
		return err;
	return load_append_output(x);
}

/* Falco's checks across keys, then the hot keys into the struct. */
static int apply(struct ctx *x)
{
	struct config *c = x->c;
	const char *v;
	int64_t preset;
	int err;

	c->json_output = config_get_bool(c, "json_output");
	c->json_include_output_property = config_get_bool(c, "json_include_output_property");
	c->json_include_tags_property = config_get_bool(c, "json_include_tags_property");
	c->json_include_message_property = config_get_bool(c, "json_include_message_property");
	c->json_include_output_fields_property =
		config_get_bool(c, "json_include_output_fields_property");
	c->time_format_iso_8601 = config_get_bool(c, "time_format_iso_8601");
	c->rule_matching = strcasecmp(config_get_str(c, "rule_matching"), "all") ?
				   CONFIG_MATCH_FIRST : CONFIG_MATCH_ALL;
	v = config_get_str(c, "priority");
	if (rl_priority_parse(v, &c->min_priority))
		return fail_at(x, "priority", "priority: '%s' is not a priority", v);
	c->stdout_output = config_get_bool(c, "stdout_output.enabled");
	c->file_output = config_get_bool(c, "file_output.enabled");
	c->file_output_keep_alive = config_get_bool(c, "file_output.keep_alive");
	v = config_get_str(c, "file_output.filename");
	if (c->file_output && !*v)
		return fail_at(x, "file_output.enabled",
			       "%sfile output enabled but no filename in configuration block", "");
	c->file_output_filename = *v ? (char *)v : NULL;
	c->buffered_outputs = config_get_bool(c, "buffered_outputs");
	c->all_syscalls = config_get_bool(c, "base_syscalls.all");
	c->capture_env = config_get_bool(c, "capture_environment");
	preset = config_get_int(c, "engine.modern_ebpf.buf_size_preset");
	c->ring_bytes = (size_t)1 << (19 + preset);
	c->thread_table_size = (size_t)config_get_int(c, "falco_libs.thread_table_size");

	preset = config_get_int(c, "engine.kmod.buf_size_preset");
	c->kmod_ring_bytes = (size_t)1 << (19 + preset);
	v = config_get_str(c, "engine.kmod.module");
	c->kmod_module = *v ? (char *)v : NULL;
	v = config_get_str(c, "engine.kind");
	c->engine_kind = v;
	if (!strcmp(v, "ebpf") || !strcmp(v, "gvisor"))
		return fail_at(x, "engine.kind",
			       "engine.kind '%s' is refused: saker has no such engine (use "
			       "modern_ebpf, or replay with engine.replay.capture_file)", v);
	if (!strcmp(v, "replay") && !*config_get_str(c, "engine.replay.capture_file"))
		return fail_at(x, "engine.kind", "engine.kind is '%s' but no "
			       "engine.replay.capture_file is given", v);
	if (config_get(c, "rules_files") && config_get(c, "rules_file"))
		return fail_at(x, "rules_file", "%sboth 'rules_files' and 'rules_file' are set", "");
	if (config_get(c, "rules_file"))
		log_warn("config: 'rules_file' is deprecated, use 'rules_files'");
	for (const char *k = "rules_files"; k; k = strcmp(k, "rules_file") ? "rules_file" : NULL) {
		for (size_t i = 0; i < config_list_len(c, k); i++)
			if ((err = push_str(c->arena, &c->rules_files, &c->nrules_files,
					    config_list_str(c, k, i))))
				return err;
	}
	v = config_get_str(c, "webserver.listen_address");
	if (!is_ip_address(v))
		return fail_at(x, "webserver.listen_address",
			       "webserver.listen_address: '%s' is not an IPv4 or IPv6 address", v);
	if (config_get_bool(c, "metrics.enabled")) {
		const char *iv = config_get_str(c, "metrics.interval");

		if (!*iv || strspn(iv, "0123456789") == strlen(iv))
			return fail_at(x, "metrics.interval",
				       "metrics.interval: '%s' has no time unit (a Prometheus "
				       "duration such as 15m, 1h, 10s, 500ms)", iv);
		if (config_parse_duration(iv) < 100)
			return fail_at(x, "metrics.interval",
				       "metrics.interval: '%s' is not a Prometheus duration of at "
				       "least 100ms", iv);
		if (!config_get_bool(c, "metrics.output_rule") &&
		    !*config_get_str(c, "metrics.output_file") &&
		    !config_get_bool(c, "webserver.prometheus_metrics_enabled"))
			return fail_at(x, "metrics.enabled",
				       "%smetrics are enabled with no output: set metrics.output_rule, "
				       "metrics.output_file or webserver.prometheus_metrics_enabled", "");
	}
	return apply_outputs(x);
}

int config_load(struct config *c, const char *path, const char *const *overrides, size_t n,
		char *err, size_t errlen)
{
	struct ctx x = { .c = c, .err = err, .errlen = errlen };
	int ret;

	config_release(c);
	config_init(c);
	snprintf(err, errlen, "out of memory");
	if ((ret = arena__new(4096, &c->arena)))
		goto fail;
	if (path) {
		if ((ret = parse_file(&x, path, &c->root)))
			goto fail;
		if ((ret = push_str(c->arena, &c->files, &c->nfiles, path)))
			goto fail;
	} else {
		struct src_loc l = { 0 };

		if (!(c->root = node_new(c->arena, YDOC_MAP, l))) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	/* -o config_files=... names files to include, so it comes first */
	for (size_t i = 0; i < n; i++)
		if (is_config_files_key(overrides[i]) && (ret = apply_override(&x, overrides[i])))
			goto fail;
	if ((ret = merge_config_files(&x, path)))
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (!is_config_files_key(overrides[i]) && (ret = apply_override(&x, overrides[i])))
			goto fail;
	if ((ret = check_map(&x, c->root, "")) || (ret = apply(&x)) ||
	    (ret = config_rules_check(c, err, errlen)))
		goto fail;
	if (err && errlen)
		err[0] = '\0';
	return 0;
fail:
	config_release(c);
	config_init(c);
	return ret;
}

/* ---- rules files ------------------------------------------------------------- */

int config_expand_rules(const char *const *entries, size_t n, bool skip_missing, char ***out,
			size_t *nout, char *err, size_t errlen)
{
	static const char *const yaml_suffixes[] = { ".yaml", ".yml", NULL };
	char **v = NULL;
	size_t nv = 0;
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++) {
		struct stat st;
		char **add = NULL;
		size_t nadd = 0;

		if (stat(entries[i], &st)) {
			if (skip_missing)
				continue;
		} else if (S_ISDIR(st.st_mode)) {
			ret = dir_files(entries[i], yaml_suffixes, &add, &nadd);
			if (ret) {
				snprintf(err, errlen, "%s: %s", entries[i], strerror(-ret));
				break;
			}
		}
		if (!add) {
			char *one = mem_strdup(entries[i]);

			if (!one || !(add = mem_malloc(sizeof(*add)))) {
				mem_free(one);
				ret = -ENOMEM;
				break;
			}
			add[0] = one;
			nadd = 1;
		}
		{
			char **nv2 = mem_reallocarray(v, nv + nadd, sizeof(*v));

			if (!nv2) {
				while (nadd)
					mem_free(add[--nadd]);
				ret = -ENOMEM;
			} else {
				v = nv2;
				memcpy(v + nv, add, nadd * sizeof(*v));
				nv += nadd;
			}
		}
		mem_free(add);
	}
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		while (nv)
			mem_free(v[--nv]);
		mem_free(v);
		return ret;
	}
	*out = v;
	*nout = nv;
	return 0;
}

/* ---- printing --------------------------------------------------------------- */

/* A plain scalar JSON can carry bare: true, false or a JSON number. */
static bool plain_json_scalar(const struct ydoc_node *n)
{
	const char *p = n->str;

	if (n->style != YDOC_PLAIN)
		return false;
	if (!strcmp(p, "true") || !strcmp(p, "false"))
		return true;
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p) || (p[0] == '0' && isdigit((unsigned char)p[1])))
		return false;
	p += strspn(p, "0123456789");
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return false;
		p += 1 + strspn(p + 1, "0123456789");
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		p += strspn(p, "0123456789");
	}
	return !*p;
}

static void dump_node(const struct ydoc_node *n, struct strbuf *sb)
{
	switch (n->kind) {
	case YDOC_NULL:
		strbuf_adds(sb, "null");
		break;
	case YDOC_SCALAR:
		if (plain_json_scalar(n))
			strbuf_adds(sb, n->str);
		else
			strbuf_add_json_str(sb, n->str);
		break;
	case YDOC_SEQ:
		strbuf_addc(sb, '[');
		for (size_t i = 0; i < n->n; i++) {
			if (i)
				strbuf_addc(sb, ',');
			dump_node(n->kids[i], sb);
		}
		strbuf_addc(sb, ']');
		break;
	case YDOC_MAP:
		strbuf_addc(sb, '{');
		for (size_t i = 0; i < n->n; i++) {
			if (i)
				strbuf_addc(sb, ',');
			strbuf_add_json_str(sb, n->kids[2 * i]->str);
			strbuf_addc(sb, ':');
			dump_node(n->kids[2 * i + 1], sb);
		}
		strbuf_addc(sb, '}');
		break;
	}
}

/* The tree as JSON without its top-level keys in skip (NULL-ended). */
static void dump_beyond(const struct config *c, const char *const *skip, struct strbuf *sb)
{
	const struct ydoc_node *r = c->root;

	if (!r || r->kind != YDOC_MAP) {
		config_dump_json(c, sb);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		const char *k = r->kids[2 * i]->str;
		const char *const *s = skip;

		while (*s && strcmp(*s, k))
			s++;
		if (*s)
			continue;
		strbuf_add_json_str(sb, k);
		strbuf_addc(sb, ':');
		dump_node(r->kids[2 * i + 1], sb);
		strbuf_addc(sb, ',');
	}
}

bool config_differs_beyond(const struct config *a, const struct config *b,
			   const char *const *skip)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	bool differ;

	dump_beyond(a, skip, &x);
	dump_beyond(b, skip, &y);
	differ = x.oom || y.oom || (x.len != y.len) || (x.len && memcmp(x.buf, y.buf, x.len));
	strbuf_release(&x);
	strbuf_release(&y);
	return differ;
}

bool config_differs_beyond_rules(const struct config *a, const struct config *b)
{
	static const char *const rules[] = { "rules_files", "rules_file", NULL };

	return config_differs_beyond(a, b, rules);
}

void config_dump_json(const struct config *c, struct strbuf *sb)
{
	if (c->root)
		dump_node(c->root, sb);
	else
		strbuf_adds(sb, "{}");
}

static void schema_type(const struct ck_row *r, struct strbuf *sb)
{
	static const char *const json[] = { "boolean", "integer", "number", "string", "string",
					    "array", "array", NULL, "string" };

	strbuf_addc(sb, '{');
	if (json[r->type])
		strbuf_printf(sb, "\"type\":\"%s\",", json[r->type]);
	if (r->type == CKT_LIST)
		strbuf_adds(sb, "\"items\":{\"type\":\"string\"},");
	if (r->type == CKT_ENUM) {
		const char *e = r->extra;

		strbuf_adds(sb, "\"enum\":[");
		while (*e) {
			size_t w = strcspn(e, "|");
			char one[64];

			snprintf(one, sizeof(one), "%.*s", (int)w, e);
			strbuf_add_json_str(sb, one);
			e += w;
			if (*e == '|') {
				strbuf_addc(sb, ',');
				e++;
			}
		}
		strbuf_adds(sb, "],");
	}
	strbuf_adds(sb, "\"description\":");
	strbuf_add_json_str(sb, r->doc);
	strbuf_addc(sb, '}');
}

/* The properties of the object at prefix ("" for the top), as
 * "type":"object",...,"properties":{...} without braces around. */
static void schema_object(const char *prefix, struct strbuf *sb)
{
	size_t pl = strlen(prefix);
	bool first = true;

	strbuf_adds(sb, "\"type\":\"object\",\"additionalProperties\":false,\"properties\":{");
	for (size_t i = 0; i < NROWS; i++) {
		const char *p = rows[i].path, *seg, *dot;
		char name[128], sub[256];
		bool seen = false;

		if (strncmp(p, prefix, pl) || (pl && p[pl] != '.'))
			continue;
		seg = p + pl + (pl ? 1 : 0);
		dot = strchr(seg, '.');
		snprintf(name, sizeof(name), "%.*s", (int)(dot ? (size_t)(dot - seg) : strlen(seg)), seg);
		/* each property once, where it first appears */
		for (size_t j = 0; j < i && !seen; j++) {
			const char *q = rows[j].path;

			if (!strncmp(q, prefix, pl) && (!pl || q[pl] == '.')) {
				const char *qs = q + pl + (pl ? 1 : 0);
				size_t l = strlen(name);

				seen = !strncmp(qs, name, l) && (qs[l] == '.' || !qs[l]);
			}
		}
		if (seen)
			continue;
		if (!first)
			strbuf_addc(sb, ',');
		first = false;
		strbuf_add_json_str(sb, name);
		strbuf_addc(sb, ':');
		if (!dot) {
			schema_type(&rows[i], sb);
		} else {
			snprintf(sub, sizeof(sub), "%s%s%s", prefix, pl ? "." : "", name);
			strbuf_addc(sb, '{');
			schema_object(sub, sb);
			strbuf_addc(sb, '}');
		}
	}
	strbuf_addc(sb, '}');
}

void config_schema_json(struct strbuf *sb)
{
	strbuf_adds(sb, "{\"$schema\":\"http://json-schema.org/draft-06/schema#\",\"title\":"
			"\"saker configuration\",");
	schema_object("", sb);
	strbuf_addc(sb, '}');
}

void config_keys_markdown(struct strbuf *sb)
{
	strbuf_adds(sb, "| key | type | default | status | meaning |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < NROWS; i++) {
		const struct ck_row *r = &rows[i];

		strbuf_printf(sb, "| `%s` | %s%s%s | %s%s%s | %s | %s |\n", r->path,
			      type_names[r->type], r->extra ? " " : "", r->extra ? r->extra : "",
			      r->dflt ? "`" : "", r->dflt ? r->dflt : "", r->dflt ? "`" : "",
			      status_names[r->status], r->doc);
	}
}
