/* sema: rl_set -> checked ASTs per rule, with Falco's resolution rules. */
#include "compiler/sema.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ast.h"
#include "compiler/evttypes.h"
#include "runtime/base/evt_schema.h"
#include "compiler/field_reg.h"
#include "compiler/fields.h"
#include "compiler/irop_rt.h"
#include "compiler/parse.h"
#include "compiler/ydoc.h"
#include "runtime/base/arena.h"
#include "runtime/base/strbuf.h"

#define MAX_VISIBILITY UINT32_MAX
#define MAX_EXPANSION 64

/* The macros being expanded, outermost first, for loop detection and notes. */
struct expn {
	struct rl_macro *m[MAX_EXPANSION];
	struct ast_node *at[MAX_EXPANSION];	/* the reference that expanded m[i] */
	unsigned n;
};

struct s {
	struct rl_set *rl;
	struct diag_list *dl;
	struct arena *a;
	bool oom;
};

/* ---- locations ---- */

struct src_loc sema_text_loc(const struct src_text *t, uint32_t off, const char **text,
			     size_t *text_len)
{
	const struct text_seg *seg = NULL;
	uint32_t i;

	for (i = 0; i < t->nsegs; i++)
		if (off >= t->segs[i].off && (off < t->segs[i].off + t->segs[i].len || i + 1 == t->nsegs))
			seg = &t->segs[i];
	if (!seg && t->nsegs)
		seg = &t->segs[0];
	if (!seg) {
		*text = NULL;
		*text_len = 0;
		return (struct src_loc){ 0 };
	}
	*text = seg->doc ? seg->doc->text : NULL;
	*text_len = seg->doc ? seg->doc->len : 0;
	if (seg->node && off >= seg->off)
		return ydoc_scalar_loc(seg->doc, seg->node, off - seg->off);
	return seg->loc;
}

static const char *expr_name(struct s *s, const struct src_text *t)
{
	char buf[32];
	size_t n = t->len > 20 ? 17 : t->len, i;

	buf[0] = '"';
	memcpy(buf + 1, t->s, n);
	for (i = 1; i <= n; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	snprintf(buf + 1 + n, sizeof(buf) - 1 - n, "%s\"", t->len > 20 ? "..." : "");
	return arena_strdup(s->a, buf);
}

/* A diagnostic at byte off of a condition that belongs to item ictx. */
static struct diag *vat_text(struct s *s, enum diag_code code, const struct rl_rule *outer,
			     const struct item_ctx *ictx, const char *cond_type,
			     struct src_loc cond_loc, const struct src_text *t, uint32_t off,
			     const char *fmt, va_list ap)
{
	char msg[1024];
	const char *text;
	size_t text_len;
	struct src_loc pos = sema_text_loc(t, off, &text, &text_len);
	struct diag *d;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	d = diag_add(s->dl, code, "%s", msg);
	/* the problem belongs to the file whose text has it (an append can
	 * break an item defined in an earlier file) */
	diag_push_loc(s->dl, d, "rules content", "",
		      pos.file ? (struct src_loc){ pos.file, 1, 1, 0 } : ictx->file);
	if (outer) {
		diag_push_loc(s->dl, d, outer->ctx.type, outer->ctx.name, outer->ctx.pos);
		diag_push_loc(s->dl, d, "rule condition", "", outer->cond_loc);
	}
	diag_push_loc(s->dl, d, ictx->type, ictx->name, ictx->pos);
	diag_push_loc(s->dl, d, cond_type, "", cond_loc);
	diag_push_loc(s->dl, d, "condition expression", expr_name(s, t), pos);
	diag_set_text(d, text, text_len);
	return d;
}

/* A diagnostic at byte off of a condition that belongs to item ictx. */
static struct diag *at_text(struct s *s, enum diag_code code, const struct item_ctx *ictx,
			    const char *cond_type, struct src_loc cond_loc, const struct src_text *t,
			    uint32_t off, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static struct diag *at_text(struct s *s, enum diag_code code, const struct item_ctx *ictx,
			    const char *cond_type, struct src_loc cond_loc, const struct src_text *t,
			    uint32_t off, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	d = vat_text(s, code, NULL, ictx, cond_type, cond_loc, t, off, fmt, ap);
	va_end(ap);
	return d;
}

/* The same inside the body of a macro that rule outer uses. */
static struct diag *at_macro_text(struct s *s, enum diag_code code, const struct rl_rule *outer,
				  const struct rl_macro *m, uint32_t off, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static struct diag *at_macro_text(struct s *s, enum diag_code code, const struct rl_rule *outer,
				  const struct rl_macro *m, uint32_t off, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	d = vat_text(s, code, outer, &m->ctx, "macro condition", m->cond_loc, &m->cond, off, fmt, ap);
	va_end(ap);
	return d;
}

static struct diag *at_item(struct s *s, enum diag_code code, const struct item_ctx *ictx,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static struct diag *at_item(struct s *s, enum diag_code code, const struct item_ctx *ictx,
			    const char *fmt, ...)
{
	char msg[1024];
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d = diag_add(s->dl, code, "%s", msg);
	diag_push_loc(s->dl, d, "rules content", "", ictx->file);
	diag_push_loc(s->dl, d, ictx->type, ictx->name, ictx->pos);
	if (ictx->doc)
		diag_set_text(d, ictx->doc->text, ictx->doc->len);
	return d;
}

/* ---- lists ---- */

static void resolve_lists(struct s *s)
{
	struct rl_set *rl = s->rl;

	for (uint32_t i = 0; i < rl->nlists; i++) {
		struct rl_list *l = rl->lists[i];
		uint32_t n = 0, cap = l->nitems + 1;
		struct rl_str *out = arena_alloc(s->a, cap * sizeof(*out));

		if (!out) {
			s->oom = true;
			return;
		}
		for (uint32_t j = 0; j < l->nitems; j++) {
			int64_t k = strmap_get(&rl->list_idx, l->items[j].s);
			struct rl_list *ref = k >= 0 ? rl->lists[k] : NULL;

			if (ref && ref->index < l->visibility) {
				struct rl_str *nout;

				ref->used = true;
				cap += ref->nitems;
				nout = arena_alloc(s->a, cap * sizeof(*nout));
				if (!nout) {
					s->oom = true;
					return;
				}
				memcpy(nout, out, n * sizeof(*out));
				out = nout;
				for (uint32_t q = 0; q < ref->nitems; q++)
					out[n++] = ref->items[q];
			} else {
				out[n++] = l->items[j];
			}
		}
		l->resolved = out;
		l->nresolved = n;
	}
}

/* Strips quotes a list item carries into a condition ("'a b'" -> a b). */
static const char *unquote_item(struct s *s, const char *v, bool *quoted)
{
	size_t n = strlen(v);

	*quoted = false;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		*quoted = true;
		return arena_strndup(s->a, v + 1, n - 2);
	}
	if (strchr(v, ' '))
		*quoted = true;
	return v;
}

struct items {
	struct ast_item *v;
	uint32_t n, cap;
};

static void push_item(struct s *s, struct items *it, struct ast_item x)
{
	if (it->n == it->cap) {
		uint32_t cap = it->cap ? it->cap * 2 : 16;
		struct ast_item *nv = arena_alloc(s->a, cap * sizeof(*nv));

		if (!nv) {
			s->oom = true;
			return;
		}
		if (it->n)
			memcpy(nv, it->v, it->n * sizeof(*nv));
		it->v = nv;
		it->cap = cap;
	}
	it->v[it->n++] = x;
}

/* Expands item (a list name?) the way Falco's textual substitution does:
 * lists are substituted in definition order, so the items of list i are
 * substituted again only by lists defined after i. */
static void expand_item(struct s *s, struct ast_item x, uint32_t min_pos, struct items *out,
			unsigned depth)
{
	int64_t k = x.quoted ? -1 : strmap_get(&s->rl->list_idx, x.str);

	if (k < 0 || (uint32_t)k < min_pos || depth > 64) {
		push_item(s, out, x);
		return;
	}
	s->rl->lists[k]->used = true;
	for (uint32_t i = 0; i < s->rl->lists[k]->nresolved; i++) {
		struct ast_item y = { .pos = x.pos };

		y.str = unquote_item(s, s->rl->lists[k]->resolved[i].s, &y.quoted);
		expand_item(s, y, (uint32_t)k + 1, out, depth + 1);
	}
}

/* Substitutes list references in list literals of an AST (in place). */
static void expand_lists(struct s *s, struct ast_node *n)
{
	if (!n)
		return;
	if (n->kind == AST_LIST) {
		struct items out = { 0 };

		for (uint32_t i = 0; i < n->n; i++)
			expand_item(s, n->vals[i], 0, &out, 0);
		n->vals = out.v;
		n->n = out.n;
		return;
	}
	if (n->kind == AST_BINARY && n->kids[1]->kind == AST_VALUE && !n->kids[1]->quoted &&
	    (n->op == AST_OP_IN || n->op == AST_OP_INTERSECTS || n->op == AST_OP_PMATCH)) {
		/* `x in name` without parentheses: a list reference or a single value */
		struct ast_node *v = n->kids[1], *l = arena_alloc(s->a, sizeof(*l));
		struct items out = { 0 };
		struct ast_item x = { v->str, v->pos, false };

		if (!l) {
			s->oom = true;
			return;
		}
		expand_item(s, x, 0, &out, 0);
		l->kind = AST_LIST;
		l->pos = v->pos;
		l->vals = out.v;
		l->n = out.n;
		n->kids[1] = l;
		return;
	}
	if (n->kind == AST_MACRO || n->kind == AST_FIELD || n->kind == AST_VALUE)
		return;
	for (uint32_t i = 0; i < n->n; i++)
		expand_lists(s, n->kids[i]);
}

/* ---- macros ---- */

static void parse_macro(struct s *s, struct rl_macro *m)
{
	struct parse_error pe;
	int err;

	if (m->parsed)
		return;
	m->parsed = true;
	err = parse_condition(m->cond.s, m->cond.len, s->a, &m->ast, &pe);
	if (err == -ENOMEM) {
		s->oom = true;
		return;
	}
	if (err) {
		m->parse_failed = true;
		m->ast = NULL;
		at_text(s, DIAG_LOAD_ERR_COMPILE_CONDITION, &m->ctx, "macro condition", m->cond_loc,
			&m->cond, pe.pos, "%s", pe.msg);
		return;
	}
	expand_lists(s, m->ast);
}

/* Resolves macro references below n: every one must name a macro visible
 * (index < vis). Reports undefined macros and loops against the item that
 * owns the text. Returns false when something failed. */
static bool resolve_refs(struct s *s, struct ast_node *n, uint32_t vis, struct expn *st,
			 unsigned base, const struct item_ctx *ictx, const char *ctype,
			 struct src_loc cloc, const struct src_text *t)
{
	bool ok = true;

	if (!n)
		return false;
	if (n->kind == AST_MACRO) {
		int64_t k = strmap_get(&s->rl->macro_idx, n->str);
		struct rl_macro *m = k >= 0 ? s->rl->macros[k] : NULL;

		if (!m || m->index >= vis) {
			/* reported where the text that names it is resolved */
			if (st->n == base)
				at_text(s, DIAG_LOAD_ERR_VALIDATE, ictx, ctype, cloc, t, n->pos,
					"Undefined macro '%s' used in filter.", n->str);
			return false;
		}
		for (unsigned i = 0; i < st->n; i++) {
			if (st->m[i] == m) {
				at_text(s, DIAG_LOAD_ERR_VALIDATE, ictx, ctype, cloc, t,
					st->at[0] ? st->at[0]->pos : n->pos,
					"reference loop in macro '%s'", m->name);
				return false;
			}
		}
		if (st->n >= MAX_EXPANSION) {
			at_text(s, DIAG_LOAD_ERR_VALIDATE, ictx, ctype, cloc, t, n->pos,
				"macro expansion deeper than %d", MAX_EXPANSION);
			return false;
		}
		n->macro = m;
		m->used = true;
		parse_macro(s, m);
		if (m->parse_failed || !m->ast)
			return false;
		st->m[st->n] = m;
		st->at[st->n] = n;
		st->n++;
		ok = resolve_refs(s, m->ast, vis, st, base, ictx, ctype, cloc, t);
		st->n--;
		return ok;
	}
	if (n->kind == AST_FIELD || n->kind == AST_VALUE || n->kind == AST_LIST)
		return true;
	for (uint32_t i = 0; i < n->n; i++)
		ok &= resolve_refs(s, n->kids[i], vis, st, base, ictx, ctype, cloc, t);
	return ok;
}

/* ---- checks of fields, operators and values ---- */

struct chk {
	struct s *s;
	struct sema_rule *r;
	struct expn st;
	bool unknown_seen;	/* an unknown field/type (skip-if-unknown-filter) */
	bool failed;
};

/* Reports a problem at node n, in the text that contains it: the rule's
 * condition, or the body of the innermost macro being expanded. */
/* Reports an error of the rule at pos of the node being checked (in the
 * macro it comes from, with the expansion chain), without marking a node. */
static void chk_error_at(struct chk *c, struct ast_node *n, uint32_t pos, bool unknown,
			 const char *msg)
{
	struct s *s = c->s;
	struct rl_rule *rr = c->r->src;
	struct diag *d;

	(void)n;
	c->failed = true;
	if (unknown) {
		c->unknown_seen = true;
		if (rr->skip_unknown)
			return;	/* the rule reports one warning */
	}
	if (c->st.n) {
		struct rl_macro *m = c->st.m[c->st.n - 1];

		d = at_macro_text(s, DIAG_LOAD_ERR_COMPILE_CONDITION, rr, m, pos, "%s", msg);
		for (unsigned i = c->st.n; i > 0; i--) {
			const struct src_text *outer = i > 1 ? &c->st.m[i - 2]->cond : &c->r->cond;
			const char *tx;
			size_t tl;
			struct src_loc l = sema_text_loc(outer, c->st.at[i - 1]->pos, &tx, &tl);

			diag_add_note(s->dl, d, "macro '%s' expanded at %s:%u:%u in %s '%s'",
				      c->st.m[i - 1]->name, l.file ? l.file : "?", l.line, l.col,
				      i > 1 ? "macro" : "rule",
				      i > 1 ? c->st.m[i - 2]->name : rr->name);
		}
	} else {
		at_text(s, DIAG_LOAD_ERR_COMPILE_CONDITION, &rr->ctx, "rule condition", rr->cond_loc,
			&c->r->cond, pos, "%s", msg);
	}
}

static void node_error(struct chk *c, struct ast_node *n, uint32_t pos, bool unknown,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* An error at node n: the node is marked bad (its message kept for the
 * other rules that share it) and the error reported. */
static void node_error(struct chk *c, struct ast_node *n, uint32_t pos, bool unknown,
		       const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n->checked = true;
	n->bad = true;
	n->unknown = unknown;
	n->errmsg = arena_strdup(c->s->a, msg);
	n->errpos = pos;
	chk_error_at(c, n, pos, unknown, msg);
}

/* A warning at node n (reported once: n is checked once). */
static void node_warning(struct chk *c, struct ast_node *n, enum diag_code code, const char *fmt,
			 ...) __attribute__((format(printf, 4, 5)));

static void node_warning(struct chk *c, struct ast_node *n, enum diag_code code, const char *fmt,
			 ...)
{
	struct rl_rule *rr = c->r->src;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->st.n) {
		struct rl_macro *m = c->st.m[c->st.n - 1];

		at_macro_text(c->s, code, rr, m, n->pos, "%s", msg);
	} else {
		at_text(c->s, code, &rr->ctx, "rule condition", rr->cond_loc, &c->r->cond, n->pos, "%s",
			msg);
	}
}

/* Replays a failure cached on a shared (macro) node for another rule. */
static void replay_error(struct chk *c, struct ast_node *n)
{
	c->failed = true;
	if (n->unknown)
		c->unknown_seen = true;
}

static bool parse_num(const char *v, bool is_signed, uint64_t *u)
{
	char *end;

	errno = 0;
	if (!*v)
		return false;
	if (is_signed || v[0] == '-')
		*u = (uint64_t)strtoll(v, &end, 0);
	else
		*u = strtoull(v, &end, 0);
	if (errno || *end)
		return false;
	return true;
}

static bool parse_double(const char *v)
{
	char *end;

	strtod(v, &end);
	return *v && !*end;
}

static bool parse_ip(const char *v, bool net)
{
	char buf[64];
	const char *slash = strchr(v, '/');
	unsigned char tmp[16];
	size_t n = slash ? (size_t)(slash - v) : strlen(v);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (slash) {
		char *end;
		long bits = strtol(slash + 1, &end, 10);

		if (!net || *end || bits < 0 || bits > (strchr(buf, ':') ? 128 : 32))
			return false;
	}
	return inet_pton(AF_INET, buf, tmp) == 1 || inet_pton(AF_INET6, buf, tmp) == 1;
}

/* Checks that value v can be compared with a value of type t. */
static const char *check_value(enum ppm_param_type t, const char *v)
{
	uint64_t u;

	switch (t) {
	case PT_BOOL:
		return !strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "0") ||
		       !strcmp(v, "1") ? NULL : "not a boolean";
	case PT_IPADDR: case PT_IPV4ADDR: case PT_IPV6ADDR:
		return parse_ip(v, false) ? NULL : "not an IP address";
	case PT_IPNET: case PT_IPV4NET: case PT_IPV6NET:
		return parse_ip(v, true) ? NULL : "not an IP network";
	case PT_DOUBLE:
		return parse_double(v) ? NULL : "not a number";
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64: case PT_ERRNO: case PT_FD:
	case PT_PID:
		return parse_num(v, true, &u) ? NULL : "not a number";
	default:
		if (fields_type_is_numeric(t))
			return parse_num(v, false, &u) ? NULL : "not a number";
		return NULL;
	}
}

static bool op_allowed(enum ast_op op, enum ppm_param_type t, bool list_field)
{
	bool num = fields_type_is_numeric(t), str = fields_type_is_string(t);

	if (t == PT_DYN)	/* typed by the event parameter it names */
		return true;
	switch (op) {
	case AST_OP_EQ: case AST_OP_NE: case AST_OP_IN: case AST_OP_EXISTS:
	case AST_OP_INTERSECTS:
		return true;
	case AST_OP_LT: case AST_OP_LE: case AST_OP_GT: case AST_OP_GE:
		return num || str || t == PT_BOOL;
	case AST_OP_CONTAINS: case AST_OP_ICONTAINS: case AST_OP_STARTSWITH:
	case AST_OP_ENDSWITH: case AST_OP_GLOB: case AST_OP_IGLOB: case AST_OP_REGEX:
		return str || list_field;
	case AST_OP_BCONTAINS: case AST_OP_BSTARTSWITH:
		return str;
	case AST_OP_PMATCH:
		return str;
	default:
		return false;
	}
}

static bool is_evttype_field(const struct ast_node *f)
{
	return f->kind == AST_FIELD && !f->arg &&
	       (!strcmp(f->str, "evt.type") || !strcmp(f->str, "syscall.type"));
}

static bool check_expr(struct chk *c, struct ast_node *n);

/* The type evt.rawarg.NAME compares as: that of the first event parameter
 * of the schema so named, as Falco types it; PT_DYN when none is. */
static enum ppm_param_type rawarg_type(const char *name)
{
	for (uint16_t code = 0; code < PPM_EVENT_MAX; code++) {
		const struct evt_info *ei = evt_schema_get(code);

		if (!ei || (ei->flags & EVF_UNUSED))
			continue;
		for (uint32_t i = 0; i < ei->nparams; i++)
			if (!strcmp(ei->params[i].name, name))
				return (enum ppm_param_type)ei->params[i].type;
	}
	return PT_DYN;
}

/* A field of a macro shared by rules of several sources: it compiled for
 * one source; in a rule of another it must name the same field (the
 * macro's code is shared), else the rule fails here. */
static bool recheck_source(struct chk *c, struct ast_node *n)
{
	struct field_ref ref;
	char err[256];
	int rc = field_reg_resolve(c->s->rl->freg, c->r->src->source, n->str, n->arg, &ref, err,
				   sizeof(err));

	if (rc) {
		chk_error_at(c, n, rc == -EINVAL && n->arg ? n->arg_pos : n->pos, rc == -ENOENT, err);
		return false;
	}
	if (ref.fi != n->fref->fi) {
		snprintf(err, sizeof(err), "field %s means another field in source %s than in source "
			 "%s (a macro shared by rules of both)", n->str, c->r->src->source,
			 n->chk_source);
		chk_error_at(c, n, n->pos, false, err);
		return false;
	}
	return true;
}

/* Resolves a field or transformer; sets n->type. */
static bool check_value_src(struct chk *c, struct ast_node *n)
{
	if (n->checked && n->kind == AST_FIELD && !n->bad && n->chk_source &&
	    strcmp(n->chk_source, c->r->src->source))
		return recheck_source(c, n);
	if (n->checked) {
		if (n->bad)
			replay_error(c, n);
		return !n->bad;
	}
	if (n->kind == AST_FIELD) {
		struct field_ref *ref = arena_alloc(c->s->a, sizeof(*ref));
		char err[256];
		int rc;

		if (!ref) {
			c->s->oom = true;
			return false;
		}
		rc = field_reg_resolve(c->s->rl->freg, c->r->src->source, n->str, n->arg, ref, err,
				       sizeof(err));
		if (rc) {
			node_error(c, n, rc == -EINVAL && n->arg ? n->arg_pos : n->pos, rc == -ENOENT,
				   "%s", err);
			return false;
		}
		n->chk_source = c->r->src->source;
		if (ref->fi->flags & FF_OUTPUT_ONLY) {
			node_error(c, n, n->pos, false, "field %s can only be used in outputs", n->str);
			return false;
		}
		n->fref = ref;
		n->type = (uint8_t)ref->fi->type;
		if (n->type == PT_DYN && ref->arg)
			n->type = (uint8_t)rawarg_type(ref->arg);
		n->checked = true;
		if (ref->fi->flags & FF_DEPRECATED)
			node_warning(c, n, DIAG_LOAD_DEPRECATED_ITEM,
				     "usage of deprecated field '%s' has been detected in the rule condition",
				     ref->fi->name);
		if (!fields_supported(ref->fi))
			node_warning(c, n, DIAG_LOAD_UNSUPPORTED_FIELD,
				     "field '%s' needs a plugin saker does not load: it has no value "
				     "and comparisons on it are false",
				     ref->fi->name);
		return true;
	}
	if (n->kind == AST_XFORM) {
		struct ast_node *in = n->kids[0];

		if (!check_value_src(c, in))
			return false;
		if (in->kind == AST_FIELD && n->xform != AST_XF_VAL &&
		    (in->fref->fi->flags & FF_NO_TRANSFORMER)) {
			node_error(c, n, n->pos, false, "transformer '%s' can't be applied to field '%s'",
				   ast_xform_name(n->xform), in->str);
			return false;
		}
		if (n->xform == AST_XF_LEN) {
			n->type = PT_UINT64;
		} else if (n->xform == AST_XF_VAL) {
			n->type = in->type;
		} else {
			if (!fields_type_is_string((enum ppm_param_type)in->type)) {
				node_error(c, n, n->pos, false,
					   "transformer '%s' can't be applied to field of type '%s'",
					   ast_xform_name(n->xform),
					   fields_type_name((enum ppm_param_type)in->type));
				return false;
			}
			n->type = in->type;
		}
		n->checked = true;
		return true;
	}
	return true;
}

static bool check_cmp(struct chk *c, struct ast_node *n)
{
	struct ast_node *l = n->kids[0], *r = n->n > 1 ? n->kids[1] : NULL;
	enum ppm_param_type t;
	bool list_field;

	if (!check_value_src(c, l))
		return false;
	t = (enum ppm_param_type)l->type;
	list_field = l->kind == AST_FIELD && (l->fref->fi->flags & FF_LIST);
	if (l->kind == AST_XFORM && l->xform == AST_XF_VAL) {
		node_error(c, n, l->pos, false, "'val' transformer is only allowed on the right side");
		return false;
	}
	if (!op_allowed(n->op, t, list_field)) {
		node_error(c, n, n->pos, false, "operator '%s' is not allowed on field '%s' of type '%s'",
			   ast_op_name(n->op), l->kind == AST_FIELD ? l->str : ast_xform_name(l->xform),
			   fields_type_name(t));
		return false;
	}
	if (!r)
		return true;
	if (r->kind == AST_FIELD || r->kind == AST_XFORM) {
		const struct ast_node *rf = r->kind == AST_XFORM ? r->kids[0] : r;

		if (!check_value_src(c, r))
			return false;
		if (is_evttype_field(l)) {
			node_error(c, n, r->pos, false, "right-hand field comparisons on `evt.type` checks "
				   "are not supported");
			return false;
		}
		if (rf->kind == AST_FIELD && (rf->fref->fi->flags & FF_NO_RHS)) {
			node_error(c, n, r->pos, false, "field %s can't be compared with another field",
				   rf->str);
			return false;
		}
		return true;
	}
	if (is_evttype_field(l)) {
		uint32_t nv = r->kind == AST_LIST ? r->n : 1;

		for (uint32_t i = 0; i < nv; i++) {
			const char *v = r->kind == AST_LIST ? r->vals[i].str : r->str;
			uint32_t pos = r->kind == AST_LIST ? r->vals[i].pos : r->pos;

			if (evttypes_find(v) < 0) {
				node_error(c, n, pos, true, "unknown event type %s", v);
				return false;
			}
		}
		return true;
	}
	if (n->op == AST_OP_REGEX && r->kind == AST_VALUE) {
		char err[256];

		if (!irop_regex_check(r->str, err, sizeof(err))) {
			node_error(c, n, r->pos, false, "%s", err);
			return false;
		}
		return true;
	}
	if (n->op == AST_OP_GLOB || n->op == AST_OP_IGLOB)
		return true;
	if (r->kind == AST_LIST) {
		for (uint32_t i = 0; i < r->n; i++) {
			const char *why = check_value(t, r->vals[i].str);

			if (why) {
				node_error(c, n, r->vals[i].pos, false,
					   "value '%s' for field '%s' is %s", r->vals[i].str, l->str, why);
				return false;
			}
		}
		return true;
	}
	if (r->kind == AST_VALUE) {
		const char *why = check_value(t, r->str);

		if (why && !(list_field && n->op == AST_OP_EQ)) {
			node_error(c, n, r->pos, false, "value '%s' for field '%s' is %s", r->str,
				   l->kind == AST_FIELD ? l->str : ast_xform_name(l->xform), why);
			return false;
		}
	}
	return true;
}

static bool check_expr(struct chk *c, struct ast_node *n)
{
	bool ok = true;

	switch (n->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		for (uint32_t i = 0; i < n->n; i++)
			ok &= check_expr(c, n->kids[i]);
		return ok;
	case AST_MACRO:
		if (!n->macro || !n->macro->ast)
			return false;
		if (c->st.n >= MAX_EXPANSION)
			return false;
		c->st.m[c->st.n] = n->macro;
		c->st.at[c->st.n] = n;
		c->st.n++;
		ok = check_expr(c, n->macro->ast);
		c->st.n--;
		return ok;
	case AST_UNARY:
	case AST_BINARY:
		if (n->checked) {
			if (n->bad)
				replay_error(c, n);
			return !n->bad;
		}
		ok = check_cmp(c, n);
		n->checked = true;
		if (!ok && !n->bad) {
			n->bad = true;
			n->unknown = c->unknown_seen;
		}
		return ok;
	default:
		node_error(c, n, n->pos, false, "unexpected expression");
		return false;
	}
}

/* ---- exceptions ---- */

static void quote_into(struct strbuf *sb, const char *v)
{
	if (strchr(v, ' ') && v[0] != '"' && v[0] != '\'')
		strbuf_printf(sb, "\"%s\"", v);
	else
		strbuf_adds(sb, v);
}

static bool comp_is_list_op(const char *op)
{
	return !strcmp(op, "in") || !strcmp(op, "intersects") || !strcmp(op, "pmatch");
}

/* Builds "(cond) and not (...)" exactly as Falco composes exception text.
 * Returns false (with a diagnostic) on malformed values. */
static bool fold_exceptions(struct s *s, struct sema_rule *sr)
{
	struct rl_rule *r = sr->src;
	struct strbuf sb = STRBUF_INIT;
	struct text_seg *segs;
	uint32_t nsegs = 0;
	bool ok = true;

	sr->cond = r->cond;
	if (!r->nexceptions)
		return true;
	segs = arena_alloc(s->a, (r->cond.nsegs + r->nexceptions + 2) * sizeof(*segs));
	if (!segs) {
		s->oom = true;
		return false;
	}
	strbuf_addc(&sb, '(');
	for (uint32_t i = 0; i < r->cond.nsegs; i++) {
		segs[nsegs] = r->cond.segs[i];
		segs[nsegs++].off += 1;
	}
	strbuf_add(&sb, r->cond.s, r->cond.len);
	strbuf_addc(&sb, ')');
	for (uint32_t e = 0; e < r->nexceptions && ok; e++) {
		const struct rl_exception *ex = &r->exceptions[e];
		struct strbuf ic = STRBUF_INIT;

		if (!ex->fields.is_list) {
			for (uint32_t v = 0; v < ex->nvalues; v++) {
				const struct rl_exentry *val = &ex->values[v];

				if (val->is_list) {
					at_item(s, DIAG_LOAD_ERR_VALIDATE, &ex->ctx,
						"Expected values array to contain a list of strings");
					ok = false;
					break;
				}
				if (!ic.len)
					strbuf_printf(&ic, "(%s %s (", ex->fields.item.s, ex->comps.item.s);
				else
					strbuf_adds(&ic, ", ");
				quote_into(&ic, val->item.s);
			}
			if (ic.len)
				strbuf_adds(&ic, "))");
		} else {
			strbuf_addc(&ic, '(');
			for (uint32_t v = 0; v < ex->nvalues && ok; v++) {
				const struct rl_exentry *tuple = &ex->values[v];

				if (!tuple->is_list || tuple->nitems != ex->fields.nitems) {
					at_item(s, DIAG_LOAD_ERR_VALIDATE, &ex->ctx,
						"Fields and values lists must have equal length");
					ok = false;
					break;
				}
				strbuf_adds(&ic, ic.len > 1 ? " or (" : "(");
				for (uint32_t k = 0; k < ex->fields.nitems; k++) {
					const struct rl_exentry *val = &tuple->items[k];
					const char *comp = ex->comps.items[k].item.s;

					if (k)
						strbuf_adds(&ic, " and ");
					strbuf_printf(&ic, " %s %s ", ex->fields.items[k].item.s, comp);
					if (val->is_list) {
						strbuf_addc(&ic, '(');
						for (uint32_t q = 0; q < val->nitems; q++) {
							if (q)
								strbuf_adds(&ic, ", ");
							quote_into(&ic, val->items[q].item.s);
						}
						strbuf_addc(&ic, ')');
					} else if (comp_is_list_op(comp)) {
						if (val->item.s[0] != '(')
							strbuf_printf(&ic, "(%s)", val->item.s);
						else
							strbuf_adds(&ic, val->item.s);
					} else {
						quote_into(&ic, val->item.s);
					}
				}
				strbuf_addc(&ic, ')');
			}
			strbuf_addc(&ic, ')');
			if (ic.len == 2 && !strcmp(ic.buf, "()"))
				strbuf_reset(&ic);
		}
		if (ok && ic.len) {
			segs[nsegs++] = (struct text_seg){ .off = (uint32_t)sb.len, .len = (uint32_t)(ic.len + 9),
							   .doc = ex->ctx.doc, .node = NULL, .loc = ex->ctx.pos };
			strbuf_adds(&sb, " and not ");
			strbuf_add(&sb, ic.buf, ic.len);
		}
		strbuf_release(&ic);
	}
	if (ok && !sb.oom) {
		sr->cond.s = arena_strndup(s->a, sb.buf, sb.len);
		sr->cond.len = (uint32_t)sb.len;
		sr->cond.segs = segs;
		sr->cond.nsegs = nsegs;
	}
	strbuf_release(&sb);
	return ok;
}

/* ---- outputs ---- */

static bool is_field_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_';
}

/* Splits an output format into literal text and %field tokens, checking
 * every field. Returns false on error (reported unless quiet). */
/* Room for one more output token and the closing one. */
static bool grow_toks(struct s *s, struct out_tok **toks, uint32_t n, uint32_t *cap)
{
	struct out_tok *nt;

	if (n + 1 < *cap)
		return true;
	nt = arena_alloc(s->a, *cap * 2 * sizeof(*nt));
	if (!nt) {
		s->oom = true;
		return false;
	}
	memcpy(nt, *toks, n * sizeof(**toks));
	*toks = nt;
	*cap *= 2;
	return true;
}

static bool parse_output(struct s *s, struct sema_rule *sr, const struct src_text *text,
			 struct out_tok **out, uint32_t *nout, bool *unknown)
{
	struct rl_rule *r = sr->src;
	const char *f = text->s;
	uint32_t n = 0, cap = 8, i = 0, lit_start = 0;
	struct out_tok *toks = arena_alloc(s->a, cap * sizeof(*toks));

	*unknown = false;
	if (!toks) {
		s->oom = true;
		return false;
	}
	while (f[i]) {
		uint32_t start, name_end, end;
		struct field_ref *ref;
		char name[256], arg[256], err[512];
		bool has_arg = false;
		int rc;

		if (f[i] != '%') {
			i++;
			continue;
		}
		if (f[i + 1] == '%') {
			i += 2;
			continue;
		}
		start = i + 1;
		if (f[start] == '(') /* %(field) form */
			start++;
		name_end = start;
		while (is_field_char(f[name_end]))
			name_end++;
		end = name_end;
		if (f[end] == '[') {
			const char *close = strchr(f + end, ']');

			if (close) {
				has_arg = true;
				if ((size_t)(close - (f + end + 1)) < sizeof(arg)) {
					memcpy(arg, f + end + 1, (size_t)(close - (f + end + 1)));
					arg[close - (f + end + 1)] = '\0';
				} else {
					arg[0] = '\0';
				}
				end = (uint32_t)(close - f) + 1;
			}
		}
		if (f[i + 1] == '(' && f[end] == ')')
			end++;
		if (name_end - start >= sizeof(name) || name_end == start ||
		    !memchr(f + start, '.', name_end - start)) {
			size_t tl = name_end - start < sizeof(name) ? name_end - start : sizeof(name) - 1;

			memcpy(name, f + start, tl);
			name[tl] = '\0';
			at_text(s, DIAG_LOAD_ERR_COMPILE_OUTPUT, &r->ctx, "rule output", r->output_loc,
				text, i, "invalid formatting token %s", name);
			return false;
		}
		memcpy(name, f + start, name_end - start);
		name[name_end - start] = '\0';
		if (!has_arg && !strcmp(name, "container.info")) {
			/* the deprecated placeholder stands for Falco's default
			 * "container_id=%container.id container_name=%container.name"
			 * (warned about by the caller) */
			static const char *const parts[2][2] = {
				{ "container_id=", "container.id" },
				{ " container_name=", "container.name" },
			};

			for (int k = 0; k < 2; k++) {
				ref = arena_alloc(s->a, sizeof(*ref));
				if (!ref || !grow_toks(s, &toks, n, &cap)) {
					s->oom = true;
					return false;
				}
				fields_resolve(parts[k][1], NULL, ref, err, sizeof(err));
				toks[n].lit = k ? arena_strdup(s->a, parts[k][0])
						: arena_printf(s->a, "%.*s%s", (int)(i - lit_start),
								f + lit_start, parts[k][0]);
				toks[n].fref = ref;
				toks[n].field_text = arena_strdup(s->a, parts[k][1]);
				n++;
			}
			i = lit_start = end;
			continue;
		}
		ref = arena_alloc(s->a, sizeof(*ref));
		if (!ref) {
			s->oom = true;
			return false;
		}
		rc = field_reg_resolve(s->rl->freg, r->source, name, has_arg ? arg : NULL, ref, err,
				       sizeof(err));
		if (rc == 0 && (ref->fi->flags & FF_FILTER_ONLY)) {
			snprintf(err, sizeof(err), "field %s can only be used in conditions", name);
			rc = -EINVAL;
		}
		if (rc) {
			*unknown = rc == -ENOENT;
			if (!(*unknown && r->skip_unknown))
				at_text(s, DIAG_LOAD_ERR_COMPILE_OUTPUT, &r->ctx, "rule output",
					r->output_loc, text, start, "%s", err);
			return false;
		}
		if (ref->fi->flags & FF_DEPRECATED)
			at_text(s, DIAG_LOAD_DEPRECATED_ITEM, &r->ctx, "rule output", r->output_loc,
				text, start,
				"usage of deprecated field '%s' has been detected in the rule output",
				ref->fi->name);
		if (!fields_supported(ref->fi))
			at_text(s, DIAG_LOAD_UNSUPPORTED_FIELD, &r->ctx, "rule output", r->output_loc,
				&r->output, start,
				"field '%s' needs a plugin saker does not load: it prints <NA>",
				ref->fi->name);
		if (ref->arg && has_arg)
			ref->arg = arena_strdup(s->a, arg);
		else if (ref->arg)
			ref->arg = arena_strdup(s->a, ref->arg);
		if (!grow_toks(s, &toks, n, &cap))
			return false;
		toks[n].lit = arena_strndup(s->a, f + lit_start, i - lit_start);
		toks[n].fref = ref;
		toks[n].field_text = arena_strndup(s->a, f + i + 1, end - i - 1);
		n++;
		i = lit_start = end;
	}
	toks[n].lit = arena_strdup(s->a, f + lit_start);
	toks[n].fref = NULL;
	n++;
	*out = toks;
	*nout = n;
	return true;
}

/* The append_output fields of the rule, parsed like its output. */
static bool parse_extra_fields(struct s *s, struct sema_rule *sr, bool *unknown)
{
	struct rl_rule *r = sr->src;

	if (!r->nextra_fields)
		return true;
	sr->extra = arena_alloc(s->a, r->nextra_fields * sizeof(*sr->extra));
	if (!sr->extra) {
		s->oom = true;
		return false;
	}
	for (uint32_t i = 0; i < r->nextra_fields; i++) {
		struct sema_extra *e = &sr->extra[i];

		e->key = r->extra_fields[i].key;
		e->raw = r->extra_fields[i].raw;
		if (!parse_output(s, sr, &r->extra_fields[i].fmt, &e->out, &e->nout, unknown))
			return false;
		sr->nextra++;
	}
	return true;
}

/* ---- rules ---- */

static void compile_rule(struct s *s, struct sema_rule *sr)
{
	struct rl_rule *r = sr->src;
	struct chk c = { .s = s, .r = sr };
	struct expn st = { 0 };
	struct parse_error pe;
	struct ast_node *ast;
	bool out_unknown, out_failed = false;
	int err;

	if (r->unknown_source) {
		sr->skipped = true;
		return;
	}
	if (!fold_exceptions(s, sr))
		return;
	if (strstr(r->output.s, "%container.info"))
		at_item(s, DIAG_LOAD_DEPRECATED_ITEM, &r->ctx,
			"%%container.info is deprecated and no longer useful: it stands for "
			"container_id=%%container.id container_name=%%container.name");
	/* a bad output does not stop the condition from being checked */
	if (!parse_output(s, sr, &r->output, &sr->out, &sr->nout, &out_unknown) ||
	    !parse_extra_fields(s, sr, &out_unknown)) {
		if (out_unknown && r->skip_unknown) {
			at_item(s, DIAG_LOAD_UNKNOWN_FIELD, &r->ctx, "unknown field in output; rule skipped");
			sr->skipped = true;
			return;
		}
		out_failed = true;
	}
	err = parse_condition(sr->cond.s, sr->cond.len, s->a, &ast, &pe);
	if (err == -ENOMEM) {
		s->oom = true;
		return;
	}
	if (err) {
		at_text(s, DIAG_LOAD_ERR_COMPILE_CONDITION, &r->ctx, "rule condition", r->cond_loc,
			&sr->cond, pe.pos, "%s", pe.msg);
		return;
	}
	expand_lists(s, ast);
	if (!resolve_refs(s, ast, MAX_VISIBILITY, &st, 0, &r->ctx, "rule condition", r->cond_loc,
			  &sr->cond))
		return;
	check_expr(&c, ast);
	if (c.failed) {
		if (c.unknown_seen && r->skip_unknown) {
			struct ast_node *bad = NULL;

			(void)bad;
			at_text(s, DIAG_LOAD_UNKNOWN_FIELD, &r->ctx, "rule condition", r->cond_loc,
				&sr->cond, 0, "%s", "rule skipped: its condition uses an unknown field "
				"or event type (skip-if-unknown-filter)");
			sr->skipped = true;
		}
		return;
	}
	if (!out_failed)
		sr->ast = ast;
}

int sema_run(struct rl_set *rl, struct sema *out)
{
	struct s s = { .rl = rl, .dl = rl->diags, .a = rl->arena };

	memset(out, 0, sizeof(*out));
	out->rl = rl;
	out->diags = rl->diags;
	resolve_lists(&s);
	/* macros: parse all (lists used there count), then resolve each with
	 * the macros visible where it was (last) defined */
	for (uint32_t i = 0; i < rl->nmacros; i++)
		parse_macro(&s, rl->macros[i]);
	for (uint32_t i = 0; i < rl->nmacros; i++) {
		struct rl_macro *m = rl->macros[i];
		struct expn st = { 0 };
		bool used = m->used;

		if (m->ast) {
			st.m[0] = m;
			st.at[0] = NULL;
			st.n = 1;
			if (!resolve_refs(&s, m->ast, m->visibility, &st, 1, &m->ctx, "macro condition",
					  m->cond_loc, &m->cond))
				m->parse_failed = true;
		}
		m->used = used;
	}
	out->rules = arena_alloc(rl->arena, (rl->nrules + 1) * sizeof(*out->rules));
	if (!out->rules)
		return -ENOMEM;
	for (uint32_t i = 0; i < rl->nrules; i++) {
		out->rules[i].src = rl->rules[i];
		compile_rule(&s, &out->rules[i]);
	}
	out->nrules = rl->nrules;
	for (uint32_t i = 0; i < rl->nmacros; i++)
		if (!rl->macros[i]->used)
			at_item(&s, DIAG_LOAD_UNUSED_MACRO, &rl->macros[i]->ctx,
				"Macro not referred to by any other rule/macro");
	for (uint32_t i = 0; i < rl->nlists; i++)
		if (!rl->lists[i]->used)
			at_item(&s, DIAG_LOAD_UNUSED_LIST, &rl->lists[i]->ctx,
				"List not referred to by any other rule/macro");
	return s.oom ? -ENOMEM : 0;
}
