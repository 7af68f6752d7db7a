/* rules_load: YAML items -> rl_set, following Falco's load semantics:
 * a later definition replaces an earlier one in place (keeping its index and
 * raising its visibility), `append: true` and `override:` extend or replace
 * keys of an earlier item, exceptions are checked and merged. */
#include "compiler/rules_load.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compiler/field_reg.h"
#include "compiler/fields.h"
#include "compiler/ydoc.h"
#include "runtime/base/arena.h"
#include "runtime/base/mem.h"

/* The innermost locations of a diagnostic being built. */
struct where {
	const char *type;
	const char *name;
	struct src_loc pos;
};

struct ld {
	struct rl_set *rs;
	struct ydoc *doc;
	struct src_loc file;
	bool failed_item;
};

static const char *const prio_names[] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

const char *rl_priority_name(enum rl_priority p)
{
	return (unsigned)p < 8 ? prio_names[p] : "?";
}

int rl_priority_parse(const char *s, enum rl_priority *out)
{
	static const struct { const char *w; enum rl_priority p; } words[] = {
		{ "emergency", RL_PRIO_EMERGENCY }, { "alert", RL_PRIO_ALERT },
		{ "critical", RL_PRIO_CRITICAL }, { "error", RL_PRIO_ERROR },
		{ "warning", RL_PRIO_WARNING }, { "notice", RL_PRIO_NOTICE },
		{ "informational", RL_PRIO_INFORMATIONAL }, { "info", RL_PRIO_INFORMATIONAL },
		{ "debug", RL_PRIO_DEBUG },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!strcasecmp(s, words[i].w)) {
			*out = words[i].p;
			return 0;
		}
	}
	return -EINVAL;
}

int rules_load_version_cmp(const char *a, const char *b, int *ok)
{
	*ok = 1;
	while (*a || *b) {
		char *ea, *eb;
		unsigned long long va = 0, vb = 0;

		if (*a) {
			if (!isdigit((unsigned char)*a))
				*ok = 0;
			va = strtoull(a, &ea, 10);
			a = ea;
			if (*a == '.')
				a++;
			else if (*a)
				*ok = 0, a += strlen(a);
		}
		if (*b) {
			vb = strtoull(b, &eb, 10);
			b = eb;
			if (*b == '.')
				b++;
			else if (*b)
				b += strlen(b);
		}
		if (va != vb)
			return va < vb ? -1 : 1;
	}
	return 0;
}

static struct src_loc node_loc(const struct ydoc_node *n)
{
	return n->start;
}

/* Emits a diagnostic for an item: rules content > item > where... */
static struct diag *vreport(struct ld *ld, enum diag_code code, const struct item_ctx *ctx,
			    const struct where *w, unsigned nw, const char *fmt, va_list ap)
{
	struct diag_list *dl = ld->rs->diags;
	char msg[1024];
	struct diag *d;
	unsigned i;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	d = diag_add(dl, code, "%s", msg);
	diag_push_loc(dl, d, "rules content", "", ld->file);
	if (ctx)
		diag_push_loc(dl, d, ctx->type, ctx->name, ctx->pos);
	for (i = 0; i < nw; i++)
		diag_push_loc(dl, d, w[i].type, w[i].name, w[i].pos);
	diag_set_text(d, ld->doc->text, ld->doc->len);
	if (diag_code_is_error(code))
		ld->failed_item = true;
	return d;
}

static struct diag *report(struct ld *ld, enum diag_code code, const struct item_ctx *ctx,
			   const struct where *w, unsigned nw, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static struct diag *report(struct ld *ld, enum diag_code code, const struct item_ctx *ctx,
			   const struct where *w, unsigned nw, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	d = vreport(ld, code, ctx, w, nw, fmt, ap);
	va_end(ap);
	return d;
}

#define ERR(ld, ctx, fmt, ...) report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, NULL, 0, fmt, ##__VA_ARGS__)

static bool is_true_word(const char *s)
{
	static const char *const w[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					 "on", "On", "ON" };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(s, w[i]))
			return true;
	return false;
}

static bool is_false_word(const char *s)
{
	static const char *const w[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					 "off", "Off", "OFF" };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(s, w[i]))
			return true;
	return false;
}

/* Checks the value of key: present (unless optional), non-null, a non-empty
 * scalar. Returns the node or NULL (with a diagnostic when required). */
static const struct ydoc_node *get_scalar(struct ld *ld, const struct ydoc_node *item,
					  const char *key, const struct item_ctx *ctx,
					  bool optional, bool can_be_empty)
{
	const struct ydoc_node *v = ydoc_map_get(item, key);
	struct where w;

	if (!v) {
		if (!optional)
			ERR(ld, ctx, "Item has no mapping for key '%s'", key);
		return NULL;
	}
	if (v->kind == YDOC_NULL) {
		if (!can_be_empty)
			ERR(ld, ctx, "Mapping for key '%s' is empty", key);
		return NULL;
	}
	w = (struct where){ "value for", key, node_loc(v) };
	if (v->kind != YDOC_SCALAR) {
		report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Value is not a scalar value");
		return NULL;
	}
	if (!v->len && !can_be_empty) {
		report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Value must be non-empty");
		return NULL;
	}
	return v;
}

static bool get_bool(struct ld *ld, const struct ydoc_node *item, const char *key,
		     const struct item_ctx *ctx, bool *out)
{
	const struct ydoc_node *v = get_scalar(ld, item, key, ctx, true, false);
	struct where w;

	if (!v)
		return false;
	if (is_true_word(v->str)) {
		*out = true;
		return true;
	}
	if (is_false_word(v->str)) {
		*out = false;
		return true;
	}
	w = (struct where){ "value for", key, node_loc(v) };
	report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Can't decode YAML scalar value");
	return false;
}

static bool get_u64(struct ld *ld, const struct ydoc_node *item, const char *key,
		    const struct item_ctx *ctx, uint64_t *out)
{
	const struct ydoc_node *v = get_scalar(ld, item, key, ctx, true, false);
	struct where w;
	char *end;

	if (!v)
		return false;
	errno = 0;
	*out = strtoull(v->str, &end, 10);
	if (!errno && *end == '\0' && isdigit((unsigned char)v->str[0]))
		return true;
	w = (struct where){ "value for", key, node_loc(v) };
	report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Can't decode YAML scalar value");
	return false;
}

static void text_init(struct ld *ld, struct src_text *t, const struct ydoc_node *v)
{
	struct arena *a = ld->rs->arena;

	t->s = arena_strndup(a, v->str, v->len);
	t->len = (uint32_t)v->len;
	t->segs = arena_alloc(a, sizeof(*t->segs));
	if (!t->s || !t->segs)
		return;
	t->segs[0] = (struct text_seg){ .off = 0, .len = t->len, .doc = ld->doc, .node = v,
					.loc = v->start };
	t->nsegs = 1;
}

/* Drops the whitespace that ends t (the newline of a folded `>` scalar), as
 * Falco trims a rule's output. */
static void text_trim_end(struct src_text *t)
{
	if (!t->s || !t->segs)
		return;
	while (t->len && isspace((unsigned char)t->s[t->len - 1]))
		t->s[--t->len] = '\0';
	if (t->segs[t->nsegs - 1].len > t->len - t->segs[t->nsegs - 1].off)
		t->segs[t->nsegs - 1].len = t->len - t->segs[t->nsegs - 1].off;
}

/* t = t + " " + v */
static void text_append(struct ld *ld, struct src_text *t, const struct ydoc_node *v)
{
	struct arena *a = ld->rs->arena;
	uint32_t nlen = t->len + 1 + (uint32_t)v->len;
	char *ns = arena_alloc(a, nlen + 1);
	struct text_seg *segs = arena_alloc(a, (t->nsegs + 1) * sizeof(*segs));

	if (!ns || !segs)
		return;
	memcpy(ns, t->s, t->len);
	ns[t->len] = ' ';
	memcpy(ns + t->len + 1, v->str, v->len);
	memcpy(segs, t->segs, t->nsegs * sizeof(*segs));
	segs[t->nsegs] = (struct text_seg){ .off = t->len + 1, .len = (uint32_t)v->len,
					    .doc = ld->doc, .node = v, .loc = v->start };
	t->s = ns;
	t->len = nlen;
	t->segs = segs;
	t->nsegs++;
}

static char *trim_dup(struct arena *a, const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

#define GROW(arr, n, cap)                                                              \
	do {                                                                           \
		if ((n) == (cap)) {                                                    \
			uint32_t nc_ = (cap) ? (cap) * 2 : 8;                          \
			void *na_ = arena_alloc(ld->rs->arena, nc_ * sizeof(*(arr)));  \
			if (!na_)                                                      \
				return;                                                \
			if (n)                                                         \
				memcpy(na_, (arr), (n) * sizeof(*(arr)));              \
			(arr) = na_;                                                   \
			(cap) = nc_;                                                   \
		}                                                                      \
	} while (0)

static void ctx_for(struct ld *ld, struct item_ctx *ctx, const char *type, const char *name,
		    const struct ydoc_node *item)
{
	ctx->type = type;
	ctx->name = name ? name : "";
	ctx->file = ld->file;
	ctx->pos = item->start;
	ctx->doc = ld->doc;
}

/* Checks that every key of item is in allowed (NULL-terminated). */
static void check_keys(struct ld *ld, const struct ydoc_node *item, const char *const *allowed,
		       const struct item_ctx *ctx)
{
	size_t i, j;

	for (i = 0; i < item->n; i++) {
		const struct ydoc_node *k = item->kids[2 * i];
		bool ok = false;

		if (k->kind != YDOC_SCALAR) {
			struct where w = { "value for", "", node_loc(k) };

			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Item key is not a scalar");
			continue;
		}
		for (j = 0; allowed[j]; j++)
			ok |= !strcmp(k->str, allowed[j]);
		if (!ok) {
			struct where w = { "value for", k->str, node_loc(k) };

			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1,
			       "Unknown key '%s' in %s definition", k->str, ctx->type);
		}
	}
}

/* Reads `items:` / `tags:` style sequences of scalars. */
static bool read_str_seq(struct ld *ld, const struct ydoc_node *item, const char *key,
			 const struct item_ctx *ctx, bool optional, struct rl_str **out,
			 uint32_t *n)
{
	const struct ydoc_node *v = ydoc_map_get(item, key);
	struct where w[2];
	size_t i;

	*out = NULL;
	*n = 0;
	if (!v) {
		if (!optional)
			ERR(ld, ctx, "Item has no mapping for key '%s'", key);
		return optional;
	}
	w[0] = (struct where){ "value for", key, node_loc(v) };
	if (v->kind == YDOC_NULL && optional)
		return true;
	if (v->kind != YDOC_SEQ) {
		report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, w, 1, "Value is not a sequence");
		return false;
	}
	*out = arena_alloc(ld->rs->arena, (v->n ? v->n : 1) * sizeof(**out));
	if (!*out)
		return false;
	for (i = 0; i < v->n; i++) {
		const struct ydoc_node *e = v->kids[i];

		if (e->kind != YDOC_SCALAR) {
			w[1] = (struct where){ "list item", "", node_loc(e) };
			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, w, 2,
			       "sequence value is not scalar");
			return false;
		}
		(*out)[*n].s = e->str;
		(*out)[*n].loc = e->start;
		(*out)[*n].doc = ld->doc;
		(*out)[*n].node = e;
		(*n)++;
	}
	return true;
}

/* Falco accepts [a-zA-Z]+[a-zA-Z0-9_]* as list and macro names. */
static bool valid_ident(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* Parses the `override:` map. Returns false on error. */
struct overrides {
	bool present;
	const char *append[8], *replace[16];
	unsigned nappend, nreplace;
};

static bool read_overrides(struct ld *ld, const struct ydoc_node *item, const char *const *can_append,
			   const char *const *can_replace, const struct item_ctx *ctx,
			   struct overrides *o)
{
	const struct ydoc_node *v = ydoc_map_get(item, "override");
	size_t i;

	memset(o, 0, sizeof(*o));
	if (!v)
		return true;
	o->present = true;
	if (v->kind != YDOC_MAP) {
		struct where w = { "overrides", "", node_loc(v) };

		report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Value of 'override' must be a mapping");
		return false;
	}
	for (i = 0; i < v->n; i++) {
		const struct ydoc_node *k = v->kids[2 * i], *op = v->kids[2 * i + 1];
		const char *key = k->kind == YDOC_SCALAR ? k->str : "";
		bool ca = false, cr = false;
		struct where w = { "overrides", key, node_loc(k) };

		for (size_t j = 0; can_append[j]; j++)
			ca |= !strcmp(key, can_append[j]);
		for (size_t j = 0; can_replace[j]; j++)
			cr |= !strcmp(key, can_replace[j]);
		if (op->kind == YDOC_SCALAR && !strcmp(op->str, "append")) {
			if (!ca) {
				report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1,
				       "Key '%s' cannot be appended to, use 'replace' instead", key);
				return false;
			}
			if (o->nappend < 8)
				o->append[o->nappend++] = key;
		} else if (op->kind == YDOC_SCALAR && !strcmp(op->str, "replace")) {
			if (!cr) {
				report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1,
				       "Key '%s' cannot be replaced", key);
				return false;
			}
			if (o->nreplace < 16)
				o->replace[o->nreplace++] = key;
		} else {
			w.pos = node_loc(op);
			w.type = "value for";
			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1,
			       "Invalid override operation for key '%s': '%s'. Allowed values are: %s%s",
			       key, op->kind == YDOC_SCALAR ? op->str : "", ca ? "append " : "",
			       cr ? "replace " : "");
			return false;
		}
	}
	return true;
}

static bool in_set(const char *const *set, unsigned n, const char *key)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(set[i], key))
			return true;
	return false;
}

/* ---- lists ---- */

static void load_list(struct ld *ld, const struct ydoc_node *item)
{
	static const char *const keys[] = { "list", "items", "append", "override", NULL };
	static const char *const over[] = { "items", NULL };
	struct rl_set *rs = ld->rs;
	const struct ydoc_node *nv;
	struct item_ctx ctx;
	struct overrides o;
	struct rl_str *items;
	uint32_t nitems;
	bool append = false;
	int64_t prev;

	ctx_for(ld, &ctx, "list", "", item);
	nv = get_scalar(ld, item, "list", &ctx, false, false);
	if (!nv)
		return;
	ctx.name = nv->str;
	if (!valid_ident(nv->str))
		report(ld, DIAG_LOAD_INVALID_LIST_NAME, &ctx, NULL, 0,
		       "List has an invalid name. List names should match a regular expression: "
		       "^[a-zA-Z]+[a-zA-Z0-9_]*$");
	check_keys(ld, item, keys, &ctx);
	if (!read_str_seq(ld, item, "items", &ctx, false, &items, &nitems))
		return;
	if (ydoc_map_get(item, "append") && get_bool(ld, item, "append", &ctx, &append) && append)
		report(ld, DIAG_LOAD_DEPRECATED_ITEM, &ctx, NULL, 0,
		       "The 'append' key is deprecated. Add an 'append' entry (e.g. 'items: "
		       "append') under 'override' instead.");
	if (!read_overrides(ld, item, over, over, &ctx, &o))
		return;
	if (append && o.present) {
		ERR(ld, &ctx, "Keys 'override' and 'append: true' cannot be used together. Add an "
			      "'append' entry (e.g. 'condition: append') under 'override' instead.");
		return;
	}
	append |= in_set(o.append, o.nappend, "items");
	prev = strmap_get(&rs->list_idx, nv->str);
	if (append) {
		struct rl_list *l;

		if (prev < 0) {
			report(ld, DIAG_LOAD_ERR_VALIDATE, &ctx, NULL, 0,
			       "List uses 'append' or 'override.items: append' but no list by that "
			       "name already exists");
			return;
		}
		l = rs->lists[prev];
		for (uint32_t i = 0; i < nitems; i++) {
			GROW(l->items, l->nitems, l->capitems);
			l->items[l->nitems++] = items[i];
		}
		l->visibility = rs->cur_index++;
		return;
	}
	{
		struct rl_list *l = arena_alloc(rs->arena, sizeof(*l));

		if (!l)
			return;
		l->name = nv->str;
		l->items = items;
		l->nitems = l->capitems = nitems;
		l->ctx = ctx;
		if (prev >= 0) {
			l->index = rs->lists[prev]->index;
			l->visibility = rs->cur_index++;
			rs->lists[prev] = l;
		} else {
			l->index = l->visibility = rs->cur_index++;
			GROW(rs->lists, rs->nlists, rs->caplists);
			strmap_put(&rs->list_idx, l->name, rs->nlists);
			rs->lists[rs->nlists++] = l;
		}
	}
}

/* ---- macros ---- */

static void load_macro(struct ld *ld, const struct ydoc_node *item)
{
	static const char *const keys[] = { "macro", "condition", "append", "override", NULL };
	static const char *const over[] = { "condition", NULL };
	struct rl_set *rs = ld->rs;
	const struct ydoc_node *nv, *cv;
	struct item_ctx ctx;
	struct overrides o;
	bool append = false;
	int64_t prev;

	ctx_for(ld, &ctx, "macro", "", item);
	nv = get_scalar(ld, item, "macro", &ctx, false, false);
	if (!nv)
		return;
	ctx.name = nv->str;
	if (!valid_ident(nv->str))
		report(ld, DIAG_LOAD_INVALID_MACRO_NAME, &ctx, NULL, 0,
		       "Macro has an invalid name. Macro names should match a regular expression: "
		       "^[a-zA-Z]+[a-zA-Z0-9_]*$");
	check_keys(ld, item, keys, &ctx);
	cv = get_scalar(ld, item, "condition", &ctx, false, false);
	if (!cv)
		return;
	if (ydoc_map_get(item, "append") && get_bool(ld, item, "append", &ctx, &append) && append)
		report(ld, DIAG_LOAD_DEPRECATED_ITEM, &ctx, NULL, 0,
		       "The 'append' key is deprecated. Add an 'append' entry (e.g. 'condition: "
		       "append') under 'override' instead.");
	if (!read_overrides(ld, item, over, over, &ctx, &o))
		return;
	if (append && o.present) {
		ERR(ld, &ctx, "Keys 'override' and 'append: true' cannot be used together. Add an "
			      "'append' entry (e.g. 'condition: append') under 'override' instead.");
		return;
	}
	append |= in_set(o.append, o.nappend, "condition");
	prev = strmap_get(&rs->macro_idx, nv->str);
	if (append) {
		struct rl_macro *m;

		if (prev < 0) {
			report(ld, DIAG_LOAD_ERR_VALIDATE, &ctx, NULL, 0,
			       "Macro uses 'append' or 'override.condition: append' but no macro by "
			       "that name already exists");
			return;
		}
		m = rs->macros[prev];
		text_append(ld, &m->cond, cv);
		m->visibility = rs->cur_index++;
		return;
	}
	{
		struct rl_macro *m = arena_alloc(rs->arena, sizeof(*m));

		if (!m)
			return;
		m->name = nv->str;
		text_init(ld, &m->cond, cv);
		m->ctx = ctx;
		m->cond_loc = cv->start;
		if (prev >= 0) {
			m->index = rs->macros[prev]->index;
			m->visibility = rs->cur_index++;
			rs->macros[prev] = m;
		} else {
			m->index = m->visibility = rs->cur_index++;
			GROW(rs->macros, rs->nmacros, rs->capmacros);
			strmap_put(&rs->macro_idx, m->name, rs->nmacros);
			rs->macros[rs->nmacros++] = m;
		}
	}
}

/* ---- exceptions ---- */

static bool read_exentry(struct ld *ld, const struct ydoc_node *v, const char *key,
			 const struct item_ctx *ctx, struct rl_exentry *out, unsigned depth)
{
	struct where w = { "value for", key ? key : "", node_loc(v) };

	memset(out, 0, sizeof(*out));
	if (depth > 8) {
		report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Exception value nested too deep");
		return false;
	}
	if (v->kind == YDOC_SCALAR) {
		if (!v->len) {
			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Value must be non-empty");
			return false;
		}
		out->valid = true;
		out->item = (struct rl_str){ v->str, v->start, ld->doc, v };
		return true;
	}
	if (v->kind == YDOC_SEQ) {
		out->valid = out->is_list = true;
		out->items = arena_alloc(ld->rs->arena, (v->n ? v->n : 1) * sizeof(*out->items));
		if (!out->items)
			return false;
		for (size_t i = 0; i < v->n; i++)
			if (!read_exentry(ld, v->kids[i], NULL, ctx, &out->items[out->nitems++],
					  depth + 1))
				return false;
		return true;
	}
	if (v->kind == YDOC_NULL && depth == 0)
		return true;	/* absent */
	report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1,
	       v->kind == YDOC_NULL ? "Value must be non-empty" : "Value is not a scalar or a sequence");
	return false;
}

static void trim_comp(struct rl_exentry *c, struct arena *a)
{
	if (!c->is_list) {
		if (c->item.s)
			c->item.s = trim_dup(a, c->item.s);
		return;
	}
	for (uint32_t i = 0; i < c->nitems; i++)
		if (c->items[i].item.s)
			c->items[i].item.s = trim_dup(a, c->items[i].item.s);
}

static bool is_comp_op(const char *s)
{
	static const char *const ops[] = { "exists", "<=", "<", ">=", ">", "==", "=", "!=",
		"glob", "iglob", "contains", "icontains", "bcontains", "startswith",
		"bstartswith", "endswith", "regex", "intersects", "in", "pmatch", NULL };
	for (size_t i = 0; ops[i]; i++)
		if (!strcmp(s, ops[i]))
			return true;
	return false;
}

static bool is_list_op(const char *s)
{
	return !strcmp(s, "in") || !strcmp(s, "pmatch") || !strcmp(s, "intersects");
}

/* Checks fields/comps of an exception, defaulting comps as Falco does. */
static bool validate_exception(struct ld *ld, struct rl_exception *ex, const char *source)
{
	struct arena *a = ld->rs->arena;

	if (ex->fields.is_list) {
		if (!ex->comps.valid) {
			ex->comps.valid = ex->comps.is_list = true;
			ex->comps.nitems = ex->fields.nitems;
			ex->comps.items = arena_alloc(a, (ex->fields.nitems + 1) * sizeof(*ex->comps.items));
			if (!ex->comps.items)
				return false;
			for (uint32_t i = 0; i < ex->fields.nitems; i++) {
				ex->comps.items[i].valid = true;
				ex->comps.items[i].item.s = "=";
				ex->comps.items[i].item.loc = ex->ctx.pos;
			}
		}
		if (!ex->comps.is_list || ex->fields.nitems != ex->comps.nitems) {
			report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
			       "Fields and comps lists must have equal length");
			return false;
		}
		trim_comp(&ex->comps, a);
		for (uint32_t i = 0; i < ex->comps.nitems; i++) {
			if (ex->comps.items[i].is_list || !is_comp_op(ex->comps.items[i].item.s)) {
				report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
				       "'%s' is not a supported comparison operator",
				       ex->comps.items[i].is_list ? "(list)" : ex->comps.items[i].item.s);
				return false;
			}
		}
		for (uint32_t i = 0; i < ex->fields.nitems; i++) {
			const struct rl_exentry *f = &ex->fields.items[i];

			if (f->is_list || !field_reg_valid_lhs(ld->rs->freg, source, f->item.s)) {
				report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
				       "'%s' is not a supported filter field",
				       f->is_list ? "(list)" : f->item.s);
				return false;
			}
		}
	} else {
		if (!ex->comps.valid) {
			ex->comps.valid = true;
			ex->comps.item.s = "in";
			ex->comps.item.loc = ex->ctx.pos;
		}
		if (ex->comps.is_list) {
			report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
			       "Fields and comps must both be strings");
			return false;
		}
		trim_comp(&ex->comps, a);
		if (!is_list_op(ex->comps.item.s)) {
			report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
			       "When fields is a single value, comps must be one of (in, pmatch, "
			       "intersects)");
			return false;
		}
		if (!field_reg_valid_lhs(ld->rs->freg, source, ex->fields.item.s)) {
			report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
			       "'%s' is not a supported filter field", ex->fields.item.s);
			return false;
		}
	}
	return true;
}

/* Reads `exceptions:`; each parsed exception goes to out (arena array). */
static bool read_exceptions(struct ld *ld, const struct ydoc_node *item, const struct item_ctx *ctx,
			    bool append, struct rl_exception **out, uint32_t *n)
{
	const struct ydoc_node *exs = ydoc_map_get(item, "exceptions");
	struct where w;

	*out = NULL;
	*n = 0;
	if (!exs || exs->kind == YDOC_NULL)
		return true;
	w = (struct where){ "exceptions", "", node_loc(exs) };
	if (exs->kind != YDOC_SEQ) {
		report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Rule exceptions must be a sequence");
		return false;
	}
	*out = arena_alloc(ld->rs->arena, (exs->n ? exs->n : 1) * sizeof(**out));
	if (!*out)
		return false;
	for (size_t i = 0; i < exs->n; i++) {
		const struct ydoc_node *ex = exs->kids[i], *nv, *vals;
		struct rl_exception *e = &(*out)[*n];
		static const char *const keys[] = { "name", "fields", "comps", "values", NULL };
		struct where ew[2] = { w, { "exception", "", node_loc(ex) } };

		if (ex->kind != YDOC_MAP) {
			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, ew, 2, "Rule exception must be a mapping");
			return false;
		}
		ctx_for(ld, &e->ctx, "exception", "", ex);
		/* the exception's chain: the rule, then the exception itself */
		nv = ydoc_map_get(ex, "name");
		if (!nv) {
			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, ew, 2, "Item has no mapping for key 'name'");
			return false;
		}
		if (nv->kind != YDOC_SCALAR || !nv->len) {
			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, ew, 2, "Mapping for key 'name' is empty");
			return false;
		}
		e->name = nv->str;
		e->ctx.name = nv->str;
		ew[1].name = nv->str;
		for (uint32_t j = 0; j < *n; j++)
			if (!strcmp((*out)[j].name, e->name))
				report(ld, DIAG_LOAD_EXCEPTION_NAME_NOT_UNIQUE, ctx, ew, 2,
				       "Multiple definitions of exception '%s' in the same rule",
				       e->name);
		check_keys(ld, ex, keys, &e->ctx);
		if (ydoc_map_get(ex, "fields")) {
			if (!read_exentry(ld, ydoc_map_get(ex, "fields"), "fields", &e->ctx, &e->fields, 0))
				return false;
		} else if (!append) {
			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, ew, 2,
			       "Item has no mapping for key 'fields'");
			return false;
		}
		if (ydoc_map_get(ex, "comps") &&
		    !read_exentry(ld, ydoc_map_get(ex, "comps"), "comps", &e->ctx, &e->comps, 0))
			return false;
		vals = ydoc_map_get(ex, "values");
		if (vals && vals->kind != YDOC_NULL) {
			if (vals->kind != YDOC_SEQ) {
				struct where vw[3] = { ew[0], ew[1], { "exception values", "", node_loc(vals) } };

				report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, vw, 3,
				       "Rule exception values must be a sequence");
				return false;
			}
			e->values = arena_alloc(ld->rs->arena, (vals->n ? vals->n : 1) * sizeof(*e->values));
			if (!e->values)
				return false;
			e->capvalues = (uint32_t)(vals->n ? vals->n : 1);
			for (size_t j = 0; j < vals->n; j++)
				if (!read_exentry(ld, vals->kids[j], NULL, &e->ctx, &e->values[e->nvalues++], 1))
					return false;
		} else if (append) {
			report(ld, DIAG_LOAD_APPEND_NO_VALUES, ctx, ew, 2,
			       "Overriding/appending exception with no values");
		}
		(*n)++;
	}
	return true;
}

static void push_exception(struct ld *ld, struct rl_rule *r, const struct rl_exception *ex)
{
	GROW(r->exceptions, r->nexceptions, r->capexceptions);
	r->exceptions[r->nexceptions++] = *ex;
}

/* Merges appended exceptions into r. */
static void append_exceptions(struct ld *ld, struct rl_rule *r, struct rl_exception *exs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct rl_exception *ex = &exs[i], *prev = NULL;

		for (uint32_t j = 0; j < r->nexceptions; j++)
			if (!strcmp(r->exceptions[j].name, ex->name))
				prev = &r->exceptions[j];
		if (!prev) {
			if (!ex->fields.valid) {
				report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
				       "Rule exception must have fields property with a list of fields");
				continue;
			}
			if (!ex->nvalues) {
				report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
				       "Rule exception must have values property with a list of values");
				continue;
			}
			if (validate_exception(ld, ex, r->source))
				push_exception(ld, r, ex);
			continue;
		}
		if (ex->fields.valid) {
			report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
			       "Can not append exception fields to existing exception, only values");
			continue;
		}
		if (ex->comps.valid) {
			report(ld, DIAG_LOAD_ERR_VALIDATE, &ex->ctx, NULL, 0,
			       "Can not append exception comps to existing exception, only values");
			continue;
		}
		for (uint32_t j = 0; j < ex->nvalues; j++) {
			GROW(prev->values, prev->nvalues, prev->capvalues);
			prev->values[prev->nvalues++] = ex->values[j];
		}
	}
}

/* ---- rules ---- */

static bool read_tags(struct ld *ld, const struct ydoc_node *item, const struct item_ctx *ctx,
		      const char ***tags, uint32_t *n)
{
	struct rl_str *t;
	uint32_t nt;

	if (!read_str_seq(ld, item, "tags", ctx, true, &t, &nt))
		return false;
	*tags = arena_alloc(ld->rs->arena, (nt ? nt : 1) * sizeof(**tags));
	if (!*tags)
		return false;
	*n = 0;
	for (uint32_t i = 0; i < nt; i++) {
		bool dup = false;

		for (uint32_t j = 0; j < *n; j++)
			dup |= !strcmp((*tags)[j], t[i].s);
		if (!dup)
			(*tags)[(*n)++] = t[i].s;
	}
	return true;
}

static void add_tags(struct ld *ld, struct rl_rule *r, const char **tags, uint32_t n)
{
	const char **nt = arena_alloc(ld->rs->arena, (r->ntags + n + 1) * sizeof(*nt));
	uint32_t k = r->ntags;

	if (!nt)
		return;
	memcpy(nt, r->tags, r->ntags * sizeof(*nt));
	for (uint32_t i = 0; i < n; i++) {
		bool dup = false;

		for (uint32_t j = 0; j < k; j++)
			dup |= !strcmp(nt[j], tags[i]);
		if (!dup)
			nt[k++] = tags[i];
	}
	r->tags = nt;
	r->ntags = k;
}

static bool read_priority(struct ld *ld, const struct ydoc_node *item, const struct item_ctx *ctx,
			  enum rl_priority *p)
{
	const struct ydoc_node *v = get_scalar(ld, item, "priority", ctx, false, false);

	if (!v)
		return false;
	if (rl_priority_parse(v->str, p)) {
		struct where w = { "rule priority", "", node_loc(v) };

		report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1, "Invalid priority");
		return false;
	}
	return true;
}

static struct rl_rule *find_prev_rule(struct ld *ld, const char *name, const char *source,
				      const struct item_ctx *ctx)
{
	int64_t i = strmap_get(&ld->rs->rule_idx, name);
	struct rl_rule *r;

	if (i < 0)
		return NULL;
	r = ld->rs->rules[i];
	if (source && source[0] && r->source[0] && strcmp(source, r->source)) {
		report(ld, DIAG_LOAD_ERR_VALIDATE, ctx, NULL, 0,
		       "Rule has been re-defined with a different source");
		return NULL;
	}
	return r;
}

static const char *const rule_keys[] = {
	"rule", "condition", "output", "desc", "priority", "source", "enabled", "capture",
	"capture_duration", "warn_evttypes", "skip-if-unknown-filter", "tags", "exceptions",
	"override", "append", NULL,
};

static void rule_override(struct ld *ld, const struct ydoc_node *item, const struct item_ctx *ctx,
			  const char *name, const char *source, const struct overrides *o)
{
	struct rl_rule *r = find_prev_rule(ld, name, source, ctx);
	const struct ydoc_node *v;

	if (ld->failed_item)
		return;
	/* every key given must be named under override, and vice versa */
	for (size_t i = 0; i < item->n; i++) {
		const char *key = item->kids[2 * i]->str;

		if (!key || !strcmp(key, "rule") || !strcmp(key, "override") || !strcmp(key, "source"))
			continue;
		if (!in_set(o->append, o->nappend, key) && !in_set(o->replace, o->nreplace, key)) {
			struct where w = { "overrides", key, node_loc(item->kids[2 * i]) };

			report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, ctx, &w, 1,
			       "Unexpected key '%s': no corresponding entry under 'override' is defined.",
			       key);
			return;
		}
	}
	for (unsigned i = 0; i < o->nappend + o->nreplace; i++) {
		const char *key = i < o->nappend ? o->append[i] : o->replace[i - o->nappend];

		if (!ydoc_map_get(item, key)) {
			ERR(ld, ctx, "An %s override for '%s' was specified but '%s' cannot be found",
			    i < o->nappend ? "append" : "replace", key, key);
			return;
		}
	}
	if (!r) {
		report(ld, DIAG_LOAD_ERR_VALIDATE, ctx, NULL, 0,
		       o->nappend ? "Rule uses 'append' or 'override.<key>: append' but no rule by "
				    "that name already exists"
				  : "An 'override.<key>: replace' to a rule was requested but no rule "
				    "by that name already exists");
		return;
	}
	/* appends */
	if ((v = in_set(o->append, o->nappend, "condition") ? get_scalar(ld, item, "condition", ctx, false, false) : NULL))
		text_append(ld, &r->cond, v);
	if ((v = in_set(o->append, o->nappend, "output") ? get_scalar(ld, item, "output", ctx, false, false) : NULL))
		text_append(ld, &r->output, v);
	if ((v = in_set(o->append, o->nappend, "desc") ? get_scalar(ld, item, "desc", ctx, false, false) : NULL))
		r->desc = arena_printf(ld->rs->arena, "%s %s", r->desc, v->str);
	if (in_set(o->append, o->nappend, "tags")) {
		const char **tags;
		uint32_t nt;

		if (read_tags(ld, item, ctx, &tags, &nt))
			add_tags(ld, r, tags, nt);
	}
	if (in_set(o->append, o->nappend, "exceptions")) {
		struct rl_exception *exs;
		uint32_t n;

		if (read_exceptions(ld, item, ctx, true, &exs, &n))
			append_exceptions(ld, r, exs, n);
	}
	/* replaces */
	if ((v = in_set(o->replace, o->nreplace, "condition") ? get_scalar(ld, item, "condition", ctx, false, false) : NULL)) {
		text_init(ld, &r->cond, v);
		r->cond_loc = v->start;
	}
	if ((v = in_set(o->replace, o->nreplace, "output") ? get_scalar(ld, item, "output", ctx, false, false) : NULL)) {
		text_init(ld, &r->output, v);
		r->output_loc = v->start;
	}
	if ((v = in_set(o->replace, o->nreplace, "desc") ? get_scalar(ld, item, "desc", ctx, false, false) : NULL))
		r->desc = v->str;
	if (in_set(o->replace, o->nreplace, "tags"))
		read_tags(ld, item, ctx, &r->tags, &r->ntags);
	if (in_set(o->replace, o->nreplace, "exceptions")) {
		struct rl_exception *exs;
		uint32_t n;

		if (read_exceptions(ld, item, ctx, false, &exs, &n)) {
			r->nexceptions = 0;
			for (uint32_t i = 0; i < n; i++)
				if (validate_exception(ld, &exs[i], r->source))
					push_exception(ld, r, &exs[i]);
		}
	}
	if (in_set(o->replace, o->nreplace, "priority"))
		read_priority(ld, item, ctx, &r->priority);
	if (in_set(o->replace, o->nreplace, "capture"))
		get_bool(ld, item, "capture", ctx, &r->capture);
	if (in_set(o->replace, o->nreplace, "capture_duration"))
		get_u64(ld, item, "capture_duration", ctx, &r->capture_duration);
	if (in_set(o->replace, o->nreplace, "enabled"))
		get_bool(ld, item, "enabled", ctx, &r->enabled);
	if (in_set(o->replace, o->nreplace, "warn_evttypes"))
		get_bool(ld, item, "warn_evttypes", ctx, &r->warn_evttypes);
	if (in_set(o->replace, o->nreplace, "skip-if-unknown-filter"))
		get_bool(ld, item, "skip-if-unknown-filter", ctx, &r->skip_unknown);
	r->visibility = ld->rs->cur_index++;
}

static void rule_append(struct ld *ld, const struct ydoc_node *item, const struct item_ctx *ctx,
			const char *name, const char *source)
{
	struct rl_rule *r = find_prev_rule(ld, name, source, ctx);
	const struct ydoc_node *cv = ydoc_map_get(item, "condition");
	struct rl_exception *exs = NULL;
	uint32_t n = 0;

	if (ld->failed_item)
		return;
	if (!r) {
		report(ld, DIAG_LOAD_ERR_VALIDATE, ctx, NULL, 0,
		       "Rule uses 'append' or 'override.<key>: append' but no rule by that name "
		       "already exists");
		return;
	}
	if (cv)
		cv = get_scalar(ld, item, "condition", ctx, false, false);
	if (ydoc_map_get(item, "exceptions") && !read_exceptions(ld, item, ctx, true, &exs, &n))
		return;
	if (!cv && !ydoc_map_get(item, "exceptions")) {
		report(ld, DIAG_LOAD_ERR_VALIDATE, ctx, NULL, 0,
		       "Appended rule must have exceptions or condition property");
		return;
	}
	if (cv && cv->len)
		text_append(ld, &r->cond, cv);
	append_exceptions(ld, r, exs, n);
	r->visibility = ld->rs->cur_index++;
}

static void load_rule(struct ld *ld, const struct ydoc_node *item)
{
	static const char *const can_append[] = { "condition", "output", "desc", "tags",
						  "exceptions", NULL };
	static const char *const can_replace[] = { "condition", "output", "desc", "priority",
		"capture", "capture_duration", "tags", "exceptions", "enabled", "warn_evttypes",
		"skip-if-unknown-filter", NULL };
	struct rl_set *rs = ld->rs;
	const struct ydoc_node *nv, *sv, *cv, *ov, *dv;
	struct item_ctx ctx;
	struct overrides o;
	const char *source = "";
	bool append = false;
	struct rl_rule *r;
	int64_t prev;

	ctx_for(ld, &ctx, "rule", "", item);
	nv = get_scalar(ld, item, "rule", &ctx, false, false);
	if (!nv)
		return;
	ctx.name = nv->str;
	check_keys(ld, item, rule_keys, &ctx);
	sv = ydoc_map_get(item, "source");
	if (sv && (sv = get_scalar(ld, item, "source", &ctx, true, true)))
		source = sv->str;
	if (ydoc_map_get(item, "append") && get_bool(ld, item, "append", &ctx, &append) && append)
		report(ld, DIAG_LOAD_DEPRECATED_ITEM, &ctx, NULL, 0,
		       "The 'append' key is deprecated. Add an 'append' entry (e.g. 'condition: "
		       "append') under 'override' instead.");
	if (!read_overrides(ld, item, can_append, can_replace, &ctx, &o))
		return;
	if (append && o.present) {
		ERR(ld, &ctx, "Keys 'override' and 'append: true' cannot be used together. Add an "
			      "'append' entry (e.g. 'condition: append') under 'override' instead.");
		return;
	}
	if (o.present) {
		rule_override(ld, item, &ctx, nv->str, source, &o);
		return;
	}
	if (append) {
		rule_append(ld, item, &ctx, nv->str, source);
		return;
	}
	if (!ydoc_map_get(item, "condition") && !ydoc_map_get(item, "output") &&
	    !ydoc_map_get(item, "desc") && !ydoc_map_get(item, "priority")) {
		bool enabled = true;

		if (!ydoc_map_get(item, "enabled")) {
			ERR(ld, &ctx, "Item has no mapping for key 'enabled'");
			return;
		}
		if (!get_bool(ld, item, "enabled", &ctx, &enabled))
			return;
		report(ld, DIAG_LOAD_DEPRECATED_ITEM, &ctx, NULL, 0,
		       "The standalone 'enabled' key usage is deprecated. The correct approach "
		       "requires also a 'replace' entry under the 'override' key (i.e. 'enabled: "
		       "replace').");
		r = find_prev_rule(ld, nv->str, source, &ctx);
		if (!r) {
			if (!ld->failed_item)
				report(ld, DIAG_LOAD_ERR_VALIDATE, &ctx, NULL, 0,
				       "Rule has 'enabled' key but no rule by that name already exists");
			return;
		}
		r->enabled = enabled;
		return;
	}
	cv = get_scalar(ld, item, "condition", &ctx, false, false);
	ov = get_scalar(ld, item, "output", &ctx, false, false);
	dv = get_scalar(ld, item, "desc", &ctx, false, false);
	r = arena_alloc(rs->arena, sizeof(*r));
	if (!r)
		return;
	if (!read_priority(ld, item, &ctx, &r->priority) || !cv || !ov || !dv)
		return;
	r->name = nv->str;
	r->ctx = ctx;
	r->desc = dv->str;
	text_init(ld, &r->cond, cv);
	r->cond_loc = cv->start;
	text_init(ld, &r->output, ov);
	text_trim_end(&r->output);
	r->output_loc = ov->start;
	r->source = source[0] ? source : "syscall";
	r->enabled = true;
	r->warn_evttypes = true;
	if (ydoc_map_get(item, "enabled"))
		get_bool(ld, item, "enabled", &ctx, &r->enabled);
	if (ydoc_map_get(item, "capture"))
		get_bool(ld, item, "capture", &ctx, &r->capture);
	if (ydoc_map_get(item, "capture_duration"))
		get_u64(ld, item, "capture_duration", &ctx, &r->capture_duration);
	if (ydoc_map_get(item, "warn_evttypes"))
		get_bool(ld, item, "warn_evttypes", &ctx, &r->warn_evttypes);
	if (ydoc_map_get(item, "skip-if-unknown-filter"))
		get_bool(ld, item, "skip-if-unknown-filter", &ctx, &r->skip_unknown);
	if (!read_tags(ld, item, &ctx, &r->tags, &r->ntags))
		return;
	{
		struct rl_exception *exs;
		uint32_t n;

		if (!read_exceptions(ld, item, &ctx, false, &exs, &n))
			return;
		for (uint32_t i = 0; i < n; i++) {
			if (!exs[i].fields.valid) {
				report(ld, DIAG_LOAD_ERR_VALIDATE, &exs[i].ctx, NULL, 0,
				       "Rule exception item must have fields property with a list of fields");
				return;
			}
			if (!validate_exception(ld, &exs[i], r->source))
				return;
			push_exception(ld, r, &exs[i]);
		}
	}
	if (field_reg_source_index(ld->rs->freg, r->source) < 0) {
		r->unknown_source = true;
		report(ld, DIAG_LOAD_UNKNOWN_SOURCE, &ctx, NULL, 0, "Unknown source %s, skipping",
		       r->source);
	}
	if (ld->failed_item)
		return;
	prev = strmap_get(&rs->rule_idx, r->name);
	if (prev >= 0) {
		if (!find_prev_rule(ld, r->name, r->source, &ctx))
			return;
		r->index = rs->rules[prev]->index;
		r->visibility = rs->cur_index++;
		rs->rules[prev] = r;
	} else {
		r->index = r->visibility = rs->cur_index++;
		GROW(rs->rules, rs->nrules, rs->caprules);
		strmap_put(&rs->rule_idx, r->name, rs->nrules);
		rs->rules[rs->nrules++] = r;
	}
}

/* ---- versions ---- */

static void load_engine_version(struct ld *ld, const struct ydoc_node *item)
{
	static const char *const keys[] = { "required_engine_version", NULL };
	const struct ydoc_node *v;
	struct item_ctx ctx;
	const char *ver;
	int ok, c;

	ctx_for(ld, &ctx, "required_engine_version", "", item);
	check_keys(ld, item, keys, &ctx);
	v = get_scalar(ld, item, "required_engine_version", &ctx, false, false);
	if (!v)
		return;
	/* a bare number N is the old form of 0.N.0 */
	ver = strchr(v->str, '.') ? v->str : arena_printf(ld->rs->arena, "0.%s.0", v->str);
	c = rules_load_version_cmp(ver, SAKER_ENGINE_VERSION, &ok);
	if (!ok || !isdigit((unsigned char)v->str[0])) {
		struct where w = { "value for", "required_engine_version", node_loc(v) };

		report(ld, DIAG_LOAD_ERR_YAML_VALIDATE, &ctx, &w, 1, "Can't decode YAML scalar value");
		return;
	}
	if (c > 0 || strtoul(ver, NULL, 10) != strtoul(SAKER_ENGINE_VERSION, NULL, 10)) {
		report(ld, DIAG_LOAD_ERR_VALIDATE, &ctx, NULL, 0,
		       "Rules require engine version %s, but engine version is %s", v->str,
		       SAKER_ENGINE_VERSION);
		return;
	}
	if (!ld->rs->required_engine_version ||
	    rules_load_version_cmp(ld->rs->required_engine_version, ver, &ok) < 0)
		ld->rs->required_engine_version = ver;
}

/* Built-in providers of plugin fields: saker extracts container fields itself. */
static const char *builtin_plugin_version(const char *name)
{
	if (!strcmp(name, "container"))
		return "0.6.0";
	return NULL;
}

/* The version of plugin name present: a registered plugin's, else a
 * built-in provider's; NULL when none. */
static const char *present_version(const struct rl_set *rs, const char *name)
{
	for (size_t i = 0; i < field_reg_nproviders(rs->freg); i++) {
		const char *n, *v;

		field_reg_provider(rs->freg, (uint32_t)i, &n, &v);
		if (!strcmp(n, name))
			return v;
	}
	return builtin_plugin_version(name);
}

/* "x.y.z" (anything may follow, as Falco reads versions). */
static bool version3(const char *s, unsigned long long v[3])
{
	char *e;

	for (int i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v[i] = strtoull(s, &e, 10);
		s = e;
		if (i < 2 && *s++ != '.')
			return false;
	}
	return true;
}

/* Version have satisfies want: same major, at least as recent. */
static bool version_ok(const char *have, const char *want)
{
	unsigned long long h[3], w[3];

	if (!version3(have, h) || !version3(want, w) || h[0] != w[0])
		return false;
	return h[1] > w[1] || (h[1] == w[1] && h[2] >= w[2]);
}

int rules_load_check_plugin_reqs(const struct rl_set *rs, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < rs->nplugin_reqs; i++) {
		const struct rl_plugin_req *r = &rs->plugin_reqs[i];
		size_t o = 0;

		for (uint32_t k = 0; k < r->nalts; k++) {
			const char *have = present_version(rs, r->alts[k].name);

			if (!have)
				continue;
			if (version_ok(have, r->alts[k].version))
				goto next;
			snprintf(err, errlen, "Plugin '%s' version '%s' is not compatible with required "
				 "plugin version '%s'", r->alts[k].name, have, r->alts[k].version);
			return -EINVAL;
		}
		o = (size_t)snprintf(err, errlen, "Plugin requirement not satisfied, must load one of: ");
		for (uint32_t k = 0; k < r->nalts && o < errlen; k++)
			o += (size_t)snprintf(err + o, errlen - o, "%s%s (>= %s)", k ? ", " : "",
					      r->alts[k].name, r->alts[k].version);
		return -EINVAL;
next:;
	}
	return 0;
}

static void load_plugin_versions(struct ld *ld, const struct ydoc_node *item)
{
	static const char *const keys[] = { "required_plugin_versions", NULL };
	const struct ydoc_node *seq = ydoc_map_get(item, "required_plugin_versions");
	struct rl_set *rs = ld->rs;
	struct item_ctx ctx;

	ctx_for(ld, &ctx, "required plugin versions", "", item);
	check_keys(ld, item, keys, &ctx);
	if (!seq || seq->kind != YDOC_SEQ) {
		ERR(ld, &ctx, "Value of required_plugin_versions must be a sequence");
		return;
	}
	for (size_t i = 0; i < seq->n; i++) {
		static const char *const pkeys[] = { "name", "version", "alternatives", NULL };
		const struct ydoc_node *p = seq->kids[i], *nv, *vv, *alts;
		struct rl_plugin_req req = { 0 };
		struct item_ctx pctx;

		ctx_for(ld, &pctx, "required plugin versions entry", "", p);
		if (p->kind != YDOC_MAP) {
			ERR(ld, &pctx, "Plugin version must be a mapping");
			continue;
		}
		nv = get_scalar(ld, p, "name", &pctx, false, false);
		if (!nv)
			continue;
		pctx.name = nv->str;
		vv = get_scalar(ld, p, "version", &pctx, false, false);
		if (!vv)
			continue;
		alts = ydoc_map_get(p, "alternatives");
		if (alts && alts->kind != YDOC_SEQ) {
			ERR(ld, &pctx, "Value of alternatives must be a sequence");
			continue;
		}
		check_keys(ld, p, pkeys, &pctx);
		req = (struct rl_plugin_req){ .name = nv->str, .version = vv->str, .ctx = pctx };
		req.alts = arena_alloc(rs->arena, (1 + (alts ? alts->n : 0)) * sizeof(*req.alts));
		if (!req.alts)
			return;
		req.alts[req.nalts++] = (struct rl_plugin_alt){ nv->str, vv->str };
		for (size_t j = 0; alts && j < alts->n; j++) {
			const struct ydoc_node *an = ydoc_map_get(alts->kids[j], "name");
			const struct ydoc_node *av = ydoc_map_get(alts->kids[j], "version");

			if (an && av && an->kind == YDOC_SCALAR && av->kind == YDOC_SCALAR)
				req.alts[req.nalts++] = (struct rl_plugin_alt){ an->str, av->str };
		}
		for (uint32_t k = 0; k < req.nalts && !req.satisfied; k++) {
			const char *have = present_version(rs, req.alts[k].name);

			req.satisfied = have && version_ok(have, req.alts[k].version);
		}
		/* with plugins registered, the engine refuses unmet requirements
		 * (rules_load_check_plugin_reqs); the compiler alone warns */
		if (!req.satisfied && !rs->freg)
			report(ld, DIAG_LOAD_UNKNOWN_SOURCE, &pctx, NULL, 0,
			       "Plugin '%s' version %s is required but not available: rules "
			       "that need its fields or source are skipped", req.name,
			       req.version);
		GROW(rs->plugin_reqs, rs->nplugin_reqs, rs->capplugin_reqs);
		rs->plugin_reqs[rs->nplugin_reqs++] = req;
	}
}

/* ---- files ---- */

int rules_load_init(struct rl_set *rs, struct arena *a, struct diag_list *dl)
{
	memset(rs, 0, sizeof(*rs));
	rs->arena = a;
	rs->diags = dl;
	return 0;
}

void rules_load_release(struct rl_set *rs)
{
	strmap_release(&rs->list_idx);
	strmap_release(&rs->macro_idx);
	strmap_release(&rs->rule_idx);
}

static void load_item(struct ld *ld, const struct ydoc_node *item)
{
	ld->failed_item = false;
	if (item->kind == YDOC_NULL)
		return;
	if (item->kind != YDOC_MAP) {
		struct item_ctx ctx;

		ctx_for(ld, &ctx, "rules content item", "", item);
		ERR(ld, &ctx, "Unexpected element type. Each element should be a yaml associative "
			      "array.");
		return;
	}
	if (ydoc_map_get(item, "required_engine_version"))
		load_engine_version(ld, item);
	else if (ydoc_map_get(item, "required_plugin_versions"))
		load_plugin_versions(ld, item);
	else if (ydoc_map_get(item, "list"))
		load_list(ld, item);
	else if (ydoc_map_get(item, "macro"))
		load_macro(ld, item);
	else if (ydoc_map_get(item, "rule"))
		load_rule(ld, item);
	else {
		struct item_ctx ctx;

		ctx_for(ld, &ctx, "rules content item", "", item);
		report(ld, DIAG_LOAD_UNKNOWN_ITEM, &ctx, NULL, 0, "Unknown top level item");
	}
}

int rules_load_text(struct rl_set *rs, const char *name, const char *text, size_t len)
{
	struct ld ld = { .rs = rs };
	struct ydoc *doc = NULL;
	size_t nerr = rs->diags->nerr;
	int err;

	err = ydoc_parse(name, text, len, NULL, rs->arena, rs->diags, &doc);
	if (err == -ENOMEM)
		return err;
	if (!doc)
		return -ENOMEM;
	ld.doc = doc;
	ld.file = (struct src_loc){ .file = doc->file, .line = 1, .col = 1, .off = 0 };
	{
		struct ydoc **nd = arena_alloc(rs->arena, (rs->ndocs + 1) * sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		if (rs->ndocs)
			memcpy(nd, rs->docs, rs->ndocs * sizeof(*nd));
		nd[rs->ndocs++] = doc;
		rs->docs = nd;
	}
	if (err)
		return err;
	for (size_t d = 0; d < doc->ndocs; d++) {
		const struct ydoc_node *root = doc->docs[d];

		if (root->kind == YDOC_NULL)
			continue;
		if (root->kind == YDOC_SCALAR) {
			report(&ld, DIAG_LOAD_ERR_YAML_VALIDATE, NULL, NULL, 0, "Rules content is not yaml");
			continue;
		}
		if (root->kind != YDOC_SEQ) {
			report(&ld, DIAG_LOAD_ERR_YAML_VALIDATE, NULL, NULL, 0,
			       "Rules content is not yaml array of objects");
			continue;
		}
		for (size_t i = 0; i < root->n; i++)
			load_item(&ld, root->kids[i]);
	}
	return rs->diags->nerr > nerr ? -EINVAL : 0;
}

int rules_load_file(struct rl_set *rs, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct diag *d;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int err;

	if (f) {
		for (;;) {
			size_t r;

			if (cap - n < 65536) {
				char *nb;

				cap = cap ? cap * 2 : 65536;
				if (cap > (64u << 20)) {
					fclose(f);
					d = diag_add(rs->diags, DIAG_LOAD_ERR_FILE_READ,
						     "rules file is larger than 64 MiB");
					diag_push_loc(rs->diags, d, "rules content", "",
						      (struct src_loc){ path, 1, 1, 0 });
					return -EFBIG;
				}
				nb = arena_alloc(rs->arena, cap);
				if (!nb) {
					fclose(f);
					return -ENOMEM;
				}
				if (n)
					memcpy(nb, buf, n);
				buf = nb;
			}
			r = fread(buf + n, 1, cap - n - 1, f);
			n += r;
			if (r == 0)
				break;
		}
		err = ferror(f) ? -EIO : 0;
		fclose(f);
		if (!err) {
			buf[n] = '\0';
			return rules_load_text(rs, path, buf, n);
		}
	} else {
		err = -errno;
	}
	d = diag_add(rs->diags, DIAG_LOAD_ERR_FILE_READ, "Could not read rules file: %s",
		     strerror(-err));
	diag_push_loc(rs->diags, d, "rules content", "", (struct src_loc){ path, 1, 1, 0 });
	return err;
}
