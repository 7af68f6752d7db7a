/* lower: checked AST -> interned IR nodes. */
#include "compiler/lower.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ast.h"
#include "compiler/fields.h"
#include "compiler/ir.h"
#include "compiler/rules.h"
#include "runtime/base/arena.h"

static struct ir_opnd *opnd(struct ir_prog *p, enum ir_opnd_kind k)
{
	struct ir_opnd *o = arena_alloc(p->arena, sizeof(*o));

	if (o)
		o->kind = k;
	return o;
}

static struct ir_opnd *lower_src(struct ir_prog *p, const struct ast_node *n)
{
	struct ir_opnd *o;

	if (n->kind == AST_FIELD) {
		o = opnd(p, IRV_FIELD);
		if (!o)
			return NULL;
		o->fi = n->fref->fi;
		o->arg = n->fref->arg;
		o->type = n->type;
		return o;
	}
	o = opnd(p, IRV_XFORM);
	if (!o)
		return NULL;
	o->xf = n->xform;
	o->type = n->type;
	o->inner = lower_src(p, n->kids[0]);
	return o->inner ? o : NULL;
}

/* Canonical text of a constant compared with a value of type t. */
static const char *canon(struct ir_prog *p, enum ppm_param_type t, const char *v)
{
	char buf[32];

	if (fields_type_is_numeric(t) && t != PT_DOUBLE) {
		char *end;

		if (v[0] == '-') {
			long long x = strtoll(v, &end, 0);

			if (!*end) {
				snprintf(buf, sizeof(buf), "%lld", x);
				return arena_strdup(p->arena, buf);
			}
		} else {
			unsigned long long x = strtoull(v, &end, 0);

			if (!*end) {
				snprintf(buf, sizeof(buf), "%llu", x);
				return arena_strdup(p->arena, buf);
			}
		}
	}
	if (t == PT_BOOL)
		return !strcmp(v, "1") || !strcmp(v, "true") ? "true" : "false";
	return v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct ir_opnd *lower_rhs(struct ir_prog *p, enum ast_op op, enum ppm_param_type t,
				 const struct ast_node *r)
{
	struct ir_opnd *o;

	if (r->kind == AST_FIELD || r->kind == AST_XFORM)
		return lower_src(p, r);
	if (r->kind == AST_VALUE) {
		o = opnd(p, IRV_VALUE);
		if (!o)
			return NULL;
		o->type = (uint8_t)t;
		o->str = canon(p, t, r->str);
		return o;
	}
	o = opnd(p, IRV_LIST);
	if (!o)
		return NULL;
	o->type = (uint8_t)t;
	o->items = arena_alloc(p->arena, (r->n + 1) * sizeof(*o->items));
	if (!o->items)
		return NULL;
	for (uint32_t i = 0; i < r->n; i++)
		o->items[i] = canon(p, t, r->vals[i].str);
	o->nitems = r->n;
	if (op == AST_OP_IN || op == AST_OP_INTERSECTS) {
		uint32_t k = 0;

		qsort(o->items, o->nitems, sizeof(*o->items), cmp_str);
		for (uint32_t i = 0; i < o->nitems; i++)
			if (!k || strcmp(o->items[k - 1], o->items[i]))
				o->items[k++] = o->items[i];
		o->nitems = k;
	}
	return o;
}

struct ir_node *lower_condition(struct ir_prog *p, struct ast_node *n)
{
	switch (n->kind) {
	case AST_AND:
	case AST_OR: {
		struct ir_node **kids = arena_alloc(p->arena, n->n * sizeof(*kids));

		if (!kids)
			return NULL;
		for (uint32_t i = 0; i < n->n; i++)
			if (!(kids[i] = lower_condition(p, n->kids[i])))
				return NULL;
		return ir_junction(p, n->kind == AST_AND ? IR_AND : IR_OR, kids, n->n);
	}
	case AST_NOT:
		return ir_not(p, lower_condition(p, n->kids[0]));
	case AST_MACRO:
		if (!n->macro->ir)
			n->macro->ir = lower_condition(p, n->macro->ast);
		else
			n->macro->ir->uses++;
		return n->macro->ir;
	case AST_UNARY:
		return ir_cmp(p, n->op, lower_src(p, n->kids[0]), NULL);
	case AST_BINARY: {
		struct ir_opnd *l = lower_src(p, n->kids[0]);

		if (!l)
			return NULL;
		return ir_cmp(p, n->op, l, lower_rhs(p, n->op, (enum ppm_param_type)l->type, n->kids[1]));
	}
	default:
		return NULL;
	}
}
