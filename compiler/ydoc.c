/* ydoc: libyaml event stream -> node tree with source marks and limits. */
#include "compiler/ydoc.h"

#include <errno.h>
#include <string.h>
#include <yaml.h>

#include "runtime/base/arena.h"
#include "runtime/base/mem.h"

struct anchor {
	const char *name;
	struct ydoc_node *node;
};

struct builder {
	struct ydoc *doc;
	struct arena *a;
	struct diag_list *dl;
	struct ydoc_limits lim;
	yaml_parser_t parser;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	size_t nodes;
	unsigned depth;
	bool failed;
};

static struct src_loc mark_loc(const struct builder *b, yaml_mark_t m)
{
	struct src_loc l = {
		.file = b->doc->file,
		.line = (uint32_t)m.line + 1,
		.col = (uint32_t)m.column + 1,
		.off = (uint32_t)m.index,
	};
	return l;
}

static void fail(struct builder *b, yaml_mark_t m, const char *what, const char *detail)
{
	struct diag *d;

	if (b->failed)
		return;
	b->failed = true;
	d = diag_add(b->dl, DIAG_LOAD_ERR_YAML_PARSE, "%s%s%s", what, detail ? ": " : "",
		     detail ? detail : "");
	diag_push_loc(b->dl, d, "rules content", "", mark_loc(b, m));
	diag_set_text(d, b->doc->text, b->doc->len);
}

static bool next_event(struct builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return true;
	{
		yaml_mark_t m = b->parser.problem_mark;
		char msg[512];

		if (b->parser.context)
			snprintf(msg, sizeof(msg), "%s (%s at line %zu, column %zu)",
				 b->parser.problem ? b->parser.problem : "syntax error",
				 b->parser.context, b->parser.context_mark.line + 1,
				 b->parser.context_mark.column + 1);
		else
			snprintf(msg, sizeof(msg), "%s",
				 b->parser.problem ? b->parser.problem : "syntax error");
		fail(b, m, "invalid YAML", msg);
	}
	return false;
}

static struct ydoc_node *new_node(struct builder *b, enum ydoc_kind k, yaml_mark_t m)
{
	struct ydoc_node *n;

	if (++b->nodes > b->lim.max_nodes) {
		fail(b, m, "YAML document too large", "too many nodes");
		return NULL;
	}
	n = arena_alloc(b->a, sizeof(*n));
	if (!n) {
		b->failed = true;
		return NULL;
	}
	n->kind = k;
	n->start = mark_loc(b, m);
	return n;
}

static void add_anchor(struct builder *b, const yaml_char_t *name, struct ydoc_node *n)
{
	if (!name || !n)
		return;
	if (b->nanchors == b->capanchors) {
		size_t cap = b->capanchors ? b->capanchors * 2 : 16;
		struct anchor *na = mem_reallocarray(b->anchors, cap, sizeof(*na));

		if (!na) {
			b->failed = true;
			return;
		}
		b->anchors = na;
		b->capanchors = cap;
	}
	b->anchors[b->nanchors].name = arena_strdup(b->a, (const char *)name);
	b->anchors[b->nanchors].node = n;
	b->nanchors++;
}

static struct ydoc_node *find_anchor(struct builder *b, const yaml_char_t *name)
{
	size_t i;

	for (i = b->nanchors; i > 0; i--)
		if (!strcmp(b->anchors[i - 1].name, (const char *)name))
			return b->anchors[i - 1].node;
	return NULL;
}

static size_t node_weight(const struct ydoc_node *n, size_t cap)
{
	size_t w = 1, i, kids;

	if (!n || n->kind == YDOC_SCALAR || n->kind == YDOC_NULL)
		return 1;
	kids = n->kind == YDOC_MAP ? n->n * 2 : n->n;
	for (i = 0; i < kids && w < cap; i++)
		w += node_weight(n->kids[i], cap);
	return w;
}

static struct ydoc_node *build_node(struct builder *b, yaml_event_t *ev);

/* Reads children until the closing event; returns false on failure. */
static bool build_children(struct builder *b, struct ydoc_node *n, yaml_event_type_t end)
{
	struct ydoc_node **kids = NULL;
	size_t nk = 0, cap = 0;

	for (;;) {
		yaml_event_t ev;
		struct ydoc_node *k;

		if (!next_event(b, &ev))
			goto fail;
		if (ev.type == end) {
			n->end_off = (uint32_t)ev.end_mark.index;
			yaml_event_delete(&ev);
			break;
		}
		k = build_node(b, &ev);
		yaml_event_delete(&ev);
		if (!k)
			goto fail;
		if (nk == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct ydoc_node **nkids = arena_alloc(b->a, ncap * sizeof(*nkids));

			if (!nkids)
				goto fail;
			if (nk)
				memcpy(nkids, kids, nk * sizeof(*kids));
			kids = nkids;
			cap = ncap;
		}
		kids[nk++] = k;
	}
	n->kids = kids;
	n->n = n->kind == YDOC_MAP ? nk / 2 : nk;
	return true;
fail:
	b->failed = true;
	return false;
}

static struct ydoc_node *build_node(struct builder *b, yaml_event_t *ev)
{
	struct ydoc_node *n = NULL;

	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		const char *v = (const char *)ev->data.scalar.value;
		size_t len = ev->data.scalar.length;
		bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

		if (len > b->lim.max_scalar) {
			fail(b, ev->start_mark, "YAML scalar too large", NULL);
			return NULL;
		}
		if (plain && (len == 0 || !strcmp(v, "~") || !strcmp(v, "null") ||
			      !strcmp(v, "Null") || !strcmp(v, "NULL")))
			n = new_node(b, YDOC_NULL, ev->start_mark);
		else
			n = new_node(b, YDOC_SCALAR, ev->start_mark);
		if (!n)
			return NULL;
		n->str = arena_strndup(b->a, v, len);
		n->len = len;
		n->end_off = (uint32_t)ev->end_mark.index;
		switch (ev->data.scalar.style) {
		case YAML_SINGLE_QUOTED_SCALAR_STYLE: n->style = YDOC_SQUOTED; break;
		case YAML_DOUBLE_QUOTED_SCALAR_STYLE: n->style = YDOC_DQUOTED; break;
		case YAML_LITERAL_SCALAR_STYLE: n->style = YDOC_LITERAL; break;
		case YAML_FOLDED_SCALAR_STYLE: n->style = YDOC_FOLDED; break;
		default: n->style = YDOC_PLAIN; break;
		}
		add_anchor(b, ev->data.scalar.anchor, n);
		return n;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		const yaml_char_t *anchor =
			seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;

		if (++b->depth > b->lim.max_depth) {
			fail(b, ev->start_mark, "YAML nesting too deep", NULL);
			return NULL;
		}
		n = new_node(b, seq ? YDOC_SEQ : YDOC_MAP, ev->start_mark);
		if (!n || !build_children(b, n, seq ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT))
			return NULL;
		b->depth--;
		add_anchor(b, anchor, n);
		return n;
	}
	case YAML_ALIAS_EVENT:
		n = find_anchor(b, ev->data.alias.anchor);
		if (!n) {
			fail(b, ev->start_mark, "unknown YAML alias", (const char *)ev->data.alias.anchor);
			return NULL;
		}
		b->nodes += node_weight(n, b->lim.max_nodes);
		if (b->nodes > b->lim.max_nodes) {
			fail(b, ev->start_mark, "YAML document too large", "alias expansion");
			return NULL;
		}
		return n;
	default:
		fail(b, ev->start_mark, "unexpected YAML event", NULL);
		return NULL;
	}
}

int ydoc_parse(const char *file, const char *text, size_t len, const struct ydoc_limits *lim,
	       struct arena *a, struct diag_list *dl, struct ydoc **out)
{
	struct builder b = { .a = a, .dl = dl };
	struct ydoc_node **docs = NULL;
	size_t cap = 0;
	int err = 0;

	b.lim.max_depth = lim && lim->max_depth ? lim->max_depth : 64;
	b.lim.max_nodes = lim && lim->max_nodes ? lim->max_nodes : 1000000;
	b.lim.max_scalar = lim && lim->max_scalar ? lim->max_scalar : (1u << 20);
	b.doc = arena_alloc(a, sizeof(*b.doc));
	if (!b.doc)
		return -ENOMEM;
	b.doc->file = arena_strdup(a, file);
	b.doc->text = text;
	b.doc->len = len;
	if (!yaml_parser_initialize(&b.parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);

	for (;;) {
		yaml_event_t ev;
		bool done;

		if (!next_event(&b, &ev))
			break;
		done = ev.type == YAML_STREAM_END_EVENT;
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_t root;
			struct ydoc_node *r;

			yaml_event_delete(&ev);
			if (!next_event(&b, &root))
				break;
			b.nanchors = 0;
			r = build_node(&b, &root);
			yaml_event_delete(&root);
			if (!r)
				break;
			if (b.doc->ndocs == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				struct ydoc_node **nd = arena_alloc(a, ncap * sizeof(*nd));

				if (!nd) {
					b.failed = true;
					break;
				}
				if (cap)
					memcpy(nd, docs, cap * sizeof(*nd));
				docs = nd;
				cap = ncap;
				b.doc->docs = docs;
			}
			docs[b.doc->ndocs++] = r;
			continue;
		}
		yaml_event_delete(&ev);
		if (done)
			break;
	}
	yaml_parser_delete(&b.parser);
	mem_free(b.anchors);
	if (b.failed)
		err = dl->nerr ? -EINVAL : -ENOMEM;
	*out = b.doc;
	return err;
}

struct ydoc_node *ydoc_map_get(const struct ydoc_node *map, const char *key)
{
	size_t i;

	if (!map || map->kind != YDOC_MAP)
		return NULL;
	for (i = 0; i < map->n; i++) {
		const struct ydoc_node *k = map->kids[2 * i];

		if (k->kind == YDOC_SCALAR && !strcmp(k->str, key))
			return map->kids[2 * i + 1];
	}
	return NULL;
}

struct src_loc ydoc_loc_at(const struct ydoc *doc, size_t off)
{
	struct src_loc l = { .file = doc->file, .line = 1, .col = 1, .off = (uint32_t)off };
	size_t i;

	if (off > doc->len)
		off = doc->len;
	for (i = 0; i < off; i++) {
		if (doc->text[i] == '\n') {
			l.line++;
			l.col = 1;
		} else {
			l.col++;
		}
	}
	return l;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct src_loc ydoc_scalar_loc(const struct ydoc *doc, const struct ydoc_node *s, size_t off)
{
	size_t src = s->start.off, end = s->end_off, i;

	if (end > doc->len || end < src)
		end = doc->len;
	/* skip the block indicator line or the opening quote */
	if (s->style == YDOC_LITERAL || s->style == YDOC_FOLDED) {
		while (src < end && doc->text[src] != '\n')
			src++;
	} else if (s->style == YDOC_SQUOTED || s->style == YDOC_DQUOTED) {
		src++;
	}
	for (i = 0; i < off && i < s->len && src < end; i++) {
		char c = s->str[i];

		if (is_ws(c)) {
			while (src < end && !is_ws(doc->text[src]))
				src++;
			/* consume one run of source white space per run in the value */
			if (i + 1 < s->len && is_ws(s->str[i + 1]))
				src++;
			else
				while (src < end && is_ws(doc->text[src]))
					src++;
			continue;
		}
		while (src < end && doc->text[src] != c)
			src++;
		if (src < end)
			src++;
	}
	/* land on the character itself, not on white space before it */
	if (i < s->len && !is_ws(s->str[i]))
		while (src < end && is_ws(doc->text[src]))
			src++;
	if (src > end)
		src = s->start.off;
	return ydoc_loc_at(doc, src);
}
