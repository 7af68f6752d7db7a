/* Condition parser: text -> AST, with the exact positions of errors. */
#include "compiler/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "compiler/ast.h"
#include "runtime/base/arena.h"

struct p {
	const char *s;
	size_t len;
	size_t i;
	struct arena *a;
	struct parse_error *err;
	const char *last;	/* text of the last token, for messages */
	size_t last_len;
	unsigned depth;
	bool failed;
	bool oom;
};

static const char *const op_names[AST_OP__COUNT] = {
	[AST_OP_EQ] = "=", [AST_OP_NE] = "!=", [AST_OP_LT] = "<", [AST_OP_LE] = "<=",
	[AST_OP_GT] = ">", [AST_OP_GE] = ">=", [AST_OP_CONTAINS] = "contains",
	[AST_OP_ICONTAINS] = "icontains", [AST_OP_BCONTAINS] = "bcontains",
	[AST_OP_STARTSWITH] = "startswith", [AST_OP_BSTARTSWITH] = "bstartswith",
	[AST_OP_ENDSWITH] = "endswith", [AST_OP_GLOB] = "glob", [AST_OP_IGLOB] = "iglob",
	[AST_OP_REGEX] = "regex", [AST_OP_IN] = "in", [AST_OP_INTERSECTS] = "intersects",
	[AST_OP_PMATCH] = "pmatch", [AST_OP_EXISTS] = "exists",
};

static const char *const xform_names[AST_XF__COUNT] = {
	[AST_XF_VAL] = "val", [AST_XF_TOLOWER] = "tolower", [AST_XF_TOUPPER] = "toupper",
	[AST_XF_B64] = "b64", [AST_XF_BASENAME] = "basename", [AST_XF_LEN] = "len",
};

const char *ast_op_name(enum ast_op op)
{
	return op < AST_OP__COUNT ? op_names[op] : "?";
}

const char *ast_xform_name(enum ast_xform x)
{
	return x < AST_XF__COUNT ? xform_names[x] : "?";
}

static void fail(struct p *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct p *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	p->err->pos = (uint32_t)p->i;
}

static char cur(const struct p *p)
{
	return p->i < p->len ? p->s[p->i] : '\0';
}

static bool blank(struct p *p)
{
	bool found = false;

	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\b' ||
				 p->s[p->i] == '\r' || p->s[p->i] == '\n')) {
		p->i++;
		found = true;
	}
	return found;
}

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

static void set_last(struct p *p, size_t from)
{
	p->last = p->s + from;
	p->last_len = p->i - from;
}

static bool lit(struct p *p, const char *w)
{
	size_t n = strlen(w);

	if (p->len - p->i < n || memcmp(p->s + p->i, w, n))
		return false;
	p->i += n;
	set_last(p, p->i - n);
	return true;
}

/* A word operator must be followed by white space; symbols need not be. */
static bool word_op(struct p *p, const char *w)
{
	size_t save = p->i, n = strlen(w);

	if (p->len - p->i < n || memcmp(p->s + p->i, w, n))
		return false;
	if (p->i + n < p->len && is_blank_char(p->s[p->i + n])) {
		p->i += n;
		set_last(p, save);
		blank(p);
		return true;
	}
	p->i = save;
	return false;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* [a-zA-Z]+[a-zA-Z0-9_]* */
static size_t ident_len_at(const struct p *p, size_t i)
{
	size_t j = i;

	if (j >= p->len || !is_alpha(p->s[j]))
		return 0;
	while (j < p->len && is_ident_char(p->s[j]))
		j++;
	return j - i;
}

static bool lex_identifier(struct p *p)
{
	size_t n = ident_len_at(p, p->i);

	if (!n)
		return false;
	p->i += n;
	set_last(p, p->i - n);
	return true;
}

/* identifier ('.' identifier)+ */
static bool lex_field_name(struct p *p)
{
	size_t j = p->i, n = ident_len_at(p, j), parts = 0;

	if (!n)
		return false;
	j += n;
	while (j + 1 < p->len && p->s[j] == '.' && (n = ident_len_at(p, j + 1))) {
		j += 1 + n;
		parts++;
	}
	if (!parts)
		return false;
	p->last = p->s + p->i;
	p->last_len = j - p->i;
	p->i = j;
	return true;
}

static char *dup_last(struct p *p)
{
	char *s = arena_strndup(p->a, p->last, p->last_len);

	if (!s)
		p->oom = p->failed = true;
	return s;
}

/* Quoted string with escapes; sets *val to the unescaped content. */
static bool lex_quoted(struct p *p, char **val)
{
	char q = cur(p), prev = q, *out;
	size_t start = p->i, j, o = 0;

	if (q != '"' && q != '\'')
		return false;
	for (j = p->i + 1; j < p->len; j++) {
		if (p->s[j] == q && prev != '\\')
			break;
		prev = (prev == '\\' && p->s[j] == '\\') ? '\0' : p->s[j];
	}
	if (j >= p->len)
		return false;
	out = arena_alloc(p->a, j - start);
	if (!out) {
		p->oom = p->failed = true;
		return false;
	}
	for (size_t k = start + 1; k < j; k++) {
		char c = p->s[k];

		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		c = p->s[++k];
		switch (c) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case ' ': case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case '"': case '\'':
			if (c != q) {
				p->i = k - 1;
				fail(p, "invalid \\%c escape in %c-quoted string", c, q);
				return false;
			}
			out[o++] = c;
			break;
		case 'x': {
			unsigned v = 0;

			for (int h = 0; h < 2; h++) {
				char d = k + 1 < j ? p->s[++k] : '\0';

				if (!isxdigit((unsigned char)d)) {
					p->i = k;
					fail(p, "invalid hex char escape sequence");
					return false;
				}
				v = v * 16 + (unsigned)(isdigit((unsigned char)d) ? d - '0'
							: (tolower((unsigned char)d) - 'a' + 10));
			}
			out[o++] = (char)v;
			break;
		}
		default:
			p->i = k - 1;
			fail(p, "unsupported string escape sequence: \\%c", c);
			return false;
		}
	}
	out[o] = '\0';
	p->i = j + 1;
	set_last(p, start);
	*val = out;
	return true;
}

/* [^()"'[:space:]=,]+ */
static bool lex_bare(struct p *p)
{
	size_t j = p->i;

	while (j < p->len && !strchr("()\"'=,", p->s[j]) && !isspace((unsigned char)p->s[j]))
		j++;
	if (j == p->i)
		return false;
	p->last = p->s + p->i;
	p->last_len = j - p->i;
	p->i = j;
	return true;
}

/* [^][\"'[:space:]]+ for field arguments */
static bool lex_arg_bare(struct p *p)
{
	size_t j = p->i;

	while (j < p->len && !strchr("[]\"'", p->s[j]) && !isspace((unsigned char)p->s[j]))
		j++;
	if (j == p->i)
		return false;
	p->last = p->s + p->i;
	p->last_len = j - p->i;
	p->i = j;
	return true;
}

/* 0x hex or [+-]?digits[.digits][e[+-]digits] */
static bool lex_number(struct p *p)
{
	size_t j = p->i;

	if (j + 2 < p->len + 0 && p->s[j] == '0' && (p->s[j + 1] == 'x' || p->s[j + 1] == 'X') &&
	    isxdigit((unsigned char)p->s[j + 2])) {
		j += 2;
		while (j < p->len && isxdigit((unsigned char)p->s[j]))
			j++;
	} else {
		if (j < p->len && (p->s[j] == '+' || p->s[j] == '-'))
			j++;
		if (j >= p->len || !isdigit((unsigned char)p->s[j]))
			return false;
		while (j < p->len && isdigit((unsigned char)p->s[j]))
			j++;
		if (j < p->len && p->s[j] == '.')
			j++;
		while (j < p->len && isdigit((unsigned char)p->s[j]))
			j++;
		if (j + 2 < p->len + 1 && j + 1 < p->len && (p->s[j] == 'e' || p->s[j] == 'E') &&
		    (p->s[j + 1] == '+' || p->s[j + 1] == '-') && j + 2 < p->len &&
		    isdigit((unsigned char)p->s[j + 2])) {
			j += 2;
			while (j < p->len && isdigit((unsigned char)p->s[j]))
				j++;
		}
	}
	p->last = p->s + p->i;
	p->last_len = j - p->i;
	p->i = j;
	return true;
}

static struct ast_node *node(struct p *p, enum ast_kind k, size_t pos)
{
	struct ast_node *n = arena_alloc(p->a, sizeof(*n));

	if (!n) {
		p->oom = p->failed = true;
		return NULL;
	}
	n->kind = k;
	n->pos = (uint32_t)pos;
	return n;
}

struct kids {
	struct ast_node **v;
	uint32_t n, cap;
};

static bool push(struct p *p, struct kids *k, struct ast_node *c)
{
	if (k->n == k->cap) {
		uint32_t cap = k->cap ? k->cap * 2 : 4;
		struct ast_node **nv = arena_alloc(p->a, cap * sizeof(*nv));

		if (!nv) {
			p->oom = p->failed = true;
			return false;
		}
		if (k->n)
			memcpy(nv, k->v, k->n * sizeof(*nv));
		k->v = nv;
		k->cap = cap;
	}
	k->v[k->n++] = c;
	return true;
}

static bool enter(struct p *p)
{
	if (++p->depth >= PARSE_MAX_DEPTH) {
		fail(p, "exceeded max depth limit of %d", PARSE_MAX_DEPTH);
		return false;
	}
	return true;
}

static struct ast_node *parse_or(struct p *p);

static struct ast_node *parse_embedded(struct p *p)
{
	struct ast_node *c;

	blank(p);
	c = parse_or(p);
	if (!c)
		return NULL;
	blank(p);
	if (!lit(p, ")")) {
		fail(p, "expected a ')' token");
		return NULL;
	}
	return c;
}

static bool parse_field_arg(struct p *p, struct ast_node *f)
{
	char *q;

	if (!lit(p, "["))
		return true;
	f->arg_pos = (uint32_t)p->i;
	if (lex_quoted(p, &q)) {
		f->arg = q;
	} else if (!p->failed && lex_arg_bare(p)) {
		f->arg = dup_last(p);
	} else {
		fail(p, "expected a valid field argument: a quoted string or a bare string");
		return false;
	}
	if (!lit(p, "]")) {
		fail(p, "expected a ']' token");
		return false;
	}
	return true;
}

static struct ast_node *parse_field(struct p *p, size_t pos)
{
	struct ast_node *f = node(p, AST_FIELD, pos);

	if (!f)
		return NULL;
	f->str = dup_last(p);
	if (!parse_field_arg(p, f))
		return NULL;
	return f;
}

/* After "name(" of a transformer. */
static struct ast_node *parse_xform_rest(struct p *p, enum ast_xform x, size_t pos);

static bool lex_xform(struct p *p, bool with_val, enum ast_xform *x)
{
	for (int i = with_val ? 0 : 1; i < AST_XF__COUNT; i++) {
		char w[16];

		snprintf(w, sizeof(w), "%s(", xform_names[i]);
		if (lit(p, w)) {
			*x = (enum ast_xform)i;
			return true;
		}
	}
	return false;
}

static struct ast_node *parse_xform_arg(struct p *p)
{
	size_t pos;
	enum ast_xform x;

	blank(p);
	pos = p->i;
	if (lex_xform(p, false, &x))
		return parse_xform_rest(p, x, pos);
	if (lex_field_name(p))
		return parse_field(p, pos);
	fail(p, "expected a field or a nested valid transformer: 'val', 'tolower', 'toupper', "
		"'b64', 'basename', 'len'");
	return NULL;
}

static struct ast_node *parse_xform_rest(struct p *p, enum ast_xform x, size_t pos)
{
	struct ast_node *t = node(p, AST_XFORM, pos), *c;
	struct kids k = { 0 };

	if (!t || !enter(p))
		return NULL;
	t->xform = x;
	blank(p);
	if (x == AST_XF_VAL) {
		size_t fpos = p->i;

		if (!lex_field_name(p)) {
			fail(p, "expected a field within 'val' transformer");
			return NULL;
		}
		c = parse_field(p, fpos);
	} else {
		c = parse_xform_arg(p);
	}
	if (!c || !push(p, &k, c))
		return NULL;
	blank(p);
	if (!lit(p, ")")) {
		fail(p, "expected a ')' token closing the transformer");
		return NULL;
	}
	t->kids = k.v;
	t->n = k.n;
	p->depth--;
	if (!parse_field_arg(p, t))
		return NULL;
	return t;
}

static struct ast_node *try_xform_or_val(struct p *p)
{
	size_t pos;
	enum ast_xform x;

	blank(p);
	pos = p->i;
	if (lex_xform(p, true, &x))
		return parse_xform_rest(p, x, pos);
	return NULL;
}

static struct ast_node *value_node(struct p *p, size_t pos, char *s, bool quoted)
{
	struct ast_node *v = node(p, AST_VALUE, pos);

	if (!v)
		return NULL;
	v->str = s;
	v->quoted = quoted;
	return v;
}

static struct ast_node *parse_str_value(struct p *p, bool allow_xform)
{
	struct ast_node *t;
	size_t pos;
	char *q;

	blank(p);
	pos = p->i;
	if (allow_xform && (t = try_xform_or_val(p)))
		return t;
	if (p->failed)
		return NULL;
	if (lex_quoted(p, &q))
		return value_node(p, pos, q, true);
	if (p->failed)
		return NULL;
	if (lex_bare(p))
		return value_node(p, pos, dup_last(p), false);
	if (allow_xform)
		fail(p, "expected a string value or a field with a valid transformer: 'val', "
			"'tolower', 'toupper', 'b64', 'basename', 'len'");
	else
		fail(p, "expected a string value");
	return NULL;
}

static struct ast_node *parse_num_value(struct p *p)
{
	struct ast_node *t;
	size_t pos;

	blank(p);
	pos = p->i;
	if ((t = try_xform_or_val(p)))
		return t;
	if (p->failed)
		return NULL;
	if (lex_number(p))
		return value_node(p, pos, dup_last(p), false);
	fail(p, "expected a number value or a field with a valid transformer: 'val', "
		"'tolower', 'toupper', 'b64', 'basename', 'len'");
	return NULL;
}

static struct ast_node *try_list(struct p *p)
{
	struct ast_item *vals = NULL;
	uint32_t n = 0, cap = 0;
	struct ast_node *l;
	size_t pos = p->i;

	if (!lit(p, "("))
		return NULL;
	blank(p);
	if (cur(p) != ')') {
		for (;;) {
			size_t ipos;
			char *q;
			bool quoted = false;

			blank(p);
			ipos = p->i;
			if (lex_quoted(p, &q)) {
				quoted = true;
			} else if (p->failed) {
				return NULL;
			} else if (lex_bare(p)) {
				q = dup_last(p);
			} else {
				fail(p, "expected a string value");
				return NULL;
			}
			if (n == cap) {
				uint32_t ncap = cap ? cap * 2 : 8;
				struct ast_item *nv = arena_alloc(p->a, ncap * sizeof(*nv));

				if (!nv) {
					p->oom = p->failed = true;
					return NULL;
				}
				if (n)
					memcpy(nv, vals, n * sizeof(*nv));
				vals = nv;
				cap = ncap;
			}
			vals[n].str = q;
			vals[n].pos = (uint32_t)ipos;
			vals[n].quoted = quoted;
			n++;
			blank(p);
			if (!lit(p, ","))
				break;
		}
	}
	if (!lit(p, ")")) {
		fail(p, "expected a ')' token");
		return NULL;
	}
	l = node(p, AST_LIST, pos);
	if (!l)
		return NULL;
	l->vals = vals;
	l->n = n;
	return l;
}

static struct ast_node *parse_list_value(struct p *p)
{
	struct ast_node *r;
	size_t pos;

	blank(p);
	pos = p->i;
	if ((r = try_list(p)) || p->failed)
		return r;
	if ((r = try_xform_or_val(p)) || p->failed)
		return r;
	if (lex_identifier(p))
		return value_node(p, pos, dup_last(p), false);
	fail(p, "expected a list, an identifier, or a field with a valid transformer: 'val', "
		"'tolower', 'toupper', 'b64', 'basename', 'len'");
	return NULL;
}

static const struct {
	const char *w;
	enum ast_op op;
	bool word;
} str_ops[] = {
	{ "==", AST_OP_EQ, false }, { "=", AST_OP_EQ, false }, { "!=", AST_OP_NE, false },
	{ "glob", AST_OP_GLOB, true }, { "iglob", AST_OP_IGLOB, true },
	{ "contains", AST_OP_CONTAINS, true }, { "icontains", AST_OP_ICONTAINS, true },
	{ "bcontains", AST_OP_BCONTAINS, true }, { "startswith", AST_OP_STARTSWITH, true },
	{ "bstartswith", AST_OP_BSTARTSWITH, true }, { "endswith", AST_OP_ENDSWITH, true },
	{ "regex", AST_OP_REGEX, true },
};

static struct ast_node *parse_cond_rest(struct p *p, struct ast_node *left, size_t pos)
{
	struct ast_node *c, *right = NULL;
	enum ast_op op = AST_OP_EQ;
	bool found = false;
	size_t i;

	blank(p);
	if (lit(p, "exists")) {
		c = node(p, AST_UNARY, pos);
		if (!c)
			return NULL;
		c->op = AST_OP_EXISTS;
		c->kids = arena_alloc(p->a, sizeof(*c->kids));
		if (!c->kids)
			return NULL;
		c->kids[0] = left;
		c->n = 1;
		return c;
	}
	if (lit(p, "<=")) {
		op = AST_OP_LE;
	} else if (lit(p, "<")) {
		op = AST_OP_LT;
	} else if (lit(p, ">=")) {
		op = AST_OP_GE;
	} else if (lit(p, ">")) {
		op = AST_OP_GT;
	}
	if (op != AST_OP_EQ) {
		right = parse_num_value(p);
		found = true;
	}
	for (i = 0; !found && i < sizeof(str_ops) / sizeof(str_ops[0]); i++) {
		if (str_ops[i].word ? word_op(p, str_ops[i].w) : lit(p, str_ops[i].w)) {
			op = str_ops[i].op;
			right = parse_str_value(p, true);
			found = true;
		}
	}
	if (!found) {
		if (lit(p, "intersects"))
			op = AST_OP_INTERSECTS, found = true;
		else if (lit(p, "in"))
			op = AST_OP_IN, found = true;
		else if (lit(p, "pmatch"))
			op = AST_OP_PMATCH, found = true;
		if (found)
			right = parse_list_value(p);
	}
	if (!found) {
		fail(p, "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', "
			"'==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', "
			"'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', "
			"'pmatch'");
		return NULL;
	}
	if (!right)
		return NULL;
	c = node(p, AST_BINARY, pos);
	if (!c)
		return NULL;
	c->op = op;
	c->kids = arena_alloc(p->a, 2 * sizeof(*c->kids));
	if (!c->kids) {
		p->oom = p->failed = true;
		return NULL;
	}
	c->kids[0] = left;
	c->kids[1] = right;
	c->n = 2;
	return c;
}

static struct ast_node *parse_check(struct p *p)
{
	struct ast_node *left;
	enum ast_xform x;
	size_t pos;

	blank(p);
	pos = p->i;
	if (lit(p, "("))
		return parse_embedded(p);
	if (lex_field_name(p)) {
		left = parse_field(p, pos);
		return left ? parse_cond_rest(p, left, pos) : NULL;
	}
	if (lex_xform(p, false, &x)) {
		left = parse_xform_rest(p, x, pos);
		return left ? parse_cond_rest(p, left, pos) : NULL;
	}
	if (lex_identifier(p)) {
		struct ast_node *m = node(p, AST_MACRO, pos);

		if (m)
			m->str = dup_last(p);
		return m;
	}
	fail(p, "expected a '(' token, a field check, or an identifier");
	return NULL;
}

static bool not_blank(struct p *p)
{
	size_t save = p->i;

	if (lit(p, "not") && blank(p))
		return true;
	p->i = save;
	return false;
}

static struct ast_node *parse_not(struct p *p)
{
	struct ast_node *c, *n;
	bool neg = false;
	size_t pos;

	if (!enter(p))
		return NULL;
	blank(p);
	pos = p->i;
	while (not_blank(p))
		neg = !neg;
	if (lit(p, "not(")) {
		neg = !neg;
		c = parse_embedded(p);
	} else {
		c = parse_check(p);
	}
	p->depth--;
	if (!c || !neg)
		return c;
	n = node(p, AST_NOT, pos);
	if (!n)
		return NULL;
	n->kids = arena_alloc(p->a, sizeof(*n->kids));
	if (!n->kids) {
		p->oom = p->failed = true;
		return NULL;
	}
	n->kids[0] = c;
	n->n = 1;
	return n;
}

static struct ast_node *parse_junction(struct p *p, bool is_or)
{
	const char *kw = is_or ? "or" : "and";
	struct kids k = { 0 };
	struct ast_node *c, *j;
	size_t pos;

	if (!enter(p))
		return NULL;
	blank(p);
	pos = p->i;
	c = is_or ? parse_junction(p, false) : parse_not(p);
	if (!c || !push(p, &k, c))
		return NULL;
	blank(p);
	while (lit(p, kw)) {
		if (!blank(p)) {
			if (lit(p, "(")) {
				c = parse_embedded(p);
			} else {
				fail(p, "expected blank or '(' after '%s'", kw);
				return NULL;
			}
		} else {
			c = is_or ? parse_junction(p, false) : parse_not(p);
		}
		if (!c || !push(p, &k, c))
			return NULL;
		blank(p);
	}
	p->depth--;
	if (k.n == 1)
		return k.v[0];
	j = node(p, is_or ? AST_OR : AST_AND, pos);
	if (!j)
		return NULL;
	j->kids = k.v;
	j->n = k.n;
	return j;
}

static struct ast_node *parse_or(struct p *p)
{
	return parse_junction(p, true);
}

int parse_condition(const char *text, size_t len, struct arena *a, struct ast_node **out,
		    struct parse_error *err)
{
	struct p p = { .s = text, .len = len, .a = a, .err = err, .last = "", .last_len = 0 };
	struct ast_node *root;

	memset(err, 0, sizeof(*err));
	if (len == 0) {
		fail(&p, "filter input string is empty");
		return -EINVAL;
	}
	root = parse_or(&p);
	if (!root || p.failed)
		return p.oom ? -ENOMEM : -EINVAL;
	if (p.i != len) {
		fail(&p, "unexpected token after '%.*s', expecting 'or', 'and'", (int)p.last_len,
		     p.last);
		return -EINVAL;
	}
	*out = root;
	return 0;
}
