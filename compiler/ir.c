/* ir: node interning, canonical keys, folding and cheap-first ordering. */
#include "compiler/ir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/fields.h"
#include "runtime/base/arena.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"

int ir_prog_init(struct ir_prog *p, struct arena *a)
{
	memset(p, 0, sizeof(*p));
	p->arena = a;
	return 0;
}

void ir_prog_release(struct ir_prog *p)
{
	strmap_release(&p->by_key);
	mem_free(p->nodes);
	memset(p, 0, sizeof(*p));
}

static void add_quoted(struct strbuf *sb, const char *s)
{
	strbuf_add_json_str(sb, s);
}

void ir_opnd_format(const struct ir_opnd *o, struct strbuf *sb)
{
	switch (o->kind) {
	case IRV_FIELD:
		strbuf_adds(sb, o->fi->name);
		if (o->arg) {
			strbuf_addc(sb, '[');
			strbuf_adds(sb, o->arg);
			strbuf_addc(sb, ']');
		}
		break;
	case IRV_XFORM:
		strbuf_printf(sb, "%s(", ast_xform_name(o->xf));
		ir_opnd_format(o->inner, sb);
		strbuf_addc(sb, ')');
		break;
	case IRV_VALUE:
		add_quoted(sb, o->str);
		break;
	case IRV_LIST:
		strbuf_addc(sb, '(');
		for (uint32_t i = 0; i < o->nitems; i++) {
			if (i)
				strbuf_adds(sb, ", ");
			add_quoted(sb, o->items[i]);
		}
		strbuf_addc(sb, ')');
		break;
	}
}

static struct ir_node *intern(struct ir_prog *p, struct ir_node *tmpl, struct strbuf *key)
{
	int64_t id;
	struct ir_node *n;

	if (key->oom)
		return NULL;
	id = strmap_get(&p->by_key, key->buf);
	if (id >= 0) {
		p->shared_hits++;
		p->nodes[id]->uses++;
		return p->nodes[id];
	}
	n = arena_alloc(p->arena, sizeof(*n));
	if (!n)
		return NULL;
	*n = *tmpl;
	n->key = arena_strndup(p->arena, key->buf, key->len);
	if (!n->key)
		return NULL;
	if (p->nnodes == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 256;
		struct ir_node **nn = mem_reallocarray(p->nodes, cap, sizeof(*nn));

		if (!nn)
			return NULL;
		p->nodes = nn;
		p->cap = cap;
	}
	n->id = p->nnodes;
	n->uses = 1;
	if (strmap_put(&p->by_key, n->key, n->id))
		return NULL;
	p->nodes[p->nnodes++] = n;
	return n;
}

struct ir_node *ir_const(struct ir_prog *p, bool v)
{
	struct ir_node t = { .kind = IR_CONST, .val = v, .cost = 0 };
	struct strbuf key = STRBUF_INIT;
	struct ir_node *n;

	strbuf_adds(&key, v ? "const true" : "const false");
	n = intern(p, &t, &key);
	strbuf_release(&key);
	return n;
}

struct ir_node *ir_not(struct ir_prog *p, struct ir_node *k)
{
	struct ir_node t = { .kind = IR_NOT, .n = 1 };
	struct strbuf key = STRBUF_INIT;
	struct ir_node *n;

	if (!k)
		return NULL;
	if (k->kind == IR_CONST)
		return ir_const(p, !k->val);
	if (k->kind == IR_NOT)
		return k->kids[0];
	t.kids = arena_alloc(p->arena, sizeof(*t.kids));
	if (!t.kids)
		return NULL;
	t.kids[0] = k;
	t.cost = k->cost + 1;
	strbuf_printf(&key, "not %%%u", k->id);
	n = intern(p, &t, &key);
	strbuf_release(&key);
	return n;
}

static int by_cost(const void *a, const void *b)
{
	const struct ir_node *x = *(struct ir_node *const *)a, *y = *(struct ir_node *const *)b;

	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* In a conjunction, negations go after the other tests: rules end in `and
 * not <exception>`, true for nearly every event, so the selective tests
 * before them decide most events without them. */
static int by_cost_negations_last(const void *a, const void *b)
{
	const struct ir_node *x = *(struct ir_node *const *)a, *y = *(struct ir_node *const *)b;
	bool nx = x->kind == IR_NOT, ny = y->kind == IR_NOT;

	if (nx != ny)
		return nx ? 1 : -1;
	return by_cost(a, b);
}

/* `x = a or x in (b, c)` on one scalar operand is `x in (a, b, c)`, and
 * `x startswith a or x startswith b` is one test against a table of
 * prefixes (`endswith` likewise): the operator a test merges under, or
 * AST_OP__COUNT when it does not merge. */
static enum ast_op set_test(const struct ir_node *n)
{
	if (n->kind != IR_CMP || !n->rhs || n->rhs->kind == IRV_FIELD || n->rhs->kind == IRV_XFORM ||
	    (n->lhs->kind == IRV_FIELD && (n->lhs->fi->flags & FF_LIST)) ||
	    (n->lhs->kind == IRV_FIELD && (n->lhs->fi->flags & FF_ANCESTORS) && !n->lhs->arg))
		return AST_OP__COUNT;
	if (n->op == AST_OP_EQ || n->op == AST_OP_IN)
		return AST_OP_IN;
	if (n->op == AST_OP_STARTSWITH || n->op == AST_OP_ENDSWITH)
		return n->op;
	return AST_OP__COUNT;
}

static int cmp_item(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct ir_node *merge_sets(struct ir_prog *p, const struct ir_node *a, const struct ir_node *b)
{
	const struct ir_node *x[2] = { a, b };
	enum ast_op op = set_test(a);
	struct ir_opnd *set;
	uint32_t cap = 0, k = 0;

	if (op == AST_OP__COUNT || set_test(b) != op)
		return NULL;
	/* the same left operand */
	{
		struct strbuf ka = STRBUF_INIT, kb = STRBUF_INIT;
		bool same;

		ir_opnd_format(a->lhs, &ka);
		ir_opnd_format(b->lhs, &kb);
		same = ka.buf && kb.buf && !strcmp(ka.buf, kb.buf) && a->lhs->type == b->lhs->type;
		strbuf_release(&ka);
		strbuf_release(&kb);
		if (!same)
			return NULL;
	}
	for (int i = 0; i < 2; i++)
		cap += x[i]->rhs->kind == IRV_LIST ? x[i]->rhs->nitems : 1;
	set = arena_alloc(p->arena, sizeof(*set));
	if (!set)
		return NULL;
	set->kind = IRV_LIST;
	set->type = a->rhs->type;
	set->items = arena_alloc(p->arena, (cap + 1) * sizeof(*set->items));
	if (!set->items)
		return NULL;
	for (int i = 0; i < 2; i++) {
		const struct ir_opnd *r = x[i]->rhs;

		if (r->kind == IRV_LIST)
			for (uint32_t j = 0; j < r->nitems; j++)
				set->items[k++] = r->items[j];
		else
			set->items[k++] = r->str;
	}
	qsort(set->items, k, sizeof(*set->items), cmp_item);
	set->nitems = 0;
	for (uint32_t j = 0; j < k; j++)
		if (!set->nitems || strcmp(set->items[set->nitems - 1], set->items[j]))
			set->items[set->nitems++] = set->items[j];
	return ir_cmp(p, op, a->lhs, set);
}

struct ir_node *ir_junction(struct ir_prog *p, enum ir_kind k, struct ir_node **kids, uint32_t n)
{
	bool is_and = k == IR_AND;
	struct ir_node t = { .kind = k }, **flat, *res;
	struct strbuf key = STRBUF_INIT;
	uint32_t nf = 0, cap = n;

	for (uint32_t i = 0; i < n; i++) {
		if (!kids[i])
			return NULL;
		if (kids[i]->kind == k)
			cap += kids[i]->n;
	}
	flat = arena_alloc(p->arena, (cap + 1) * sizeof(*flat));
	if (!flat)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		struct ir_node *c = kids[i];
		uint32_t m = c->kind == k ? c->n : 1;

		for (uint32_t j = 0; j < m; j++) {
			struct ir_node *x = c->kind == k ? c->kids[j] : c;
			bool dup = false;

			if (x->kind == IR_CONST) {
				if (x->val != is_and)	/* false in and, true in or */
					return ir_const(p, !is_and);
				continue;
			}
			for (uint32_t q = 0; q < nf; q++)
				dup |= flat[q] == x;
			if (!dup)
				flat[nf++] = x;
		}
	}
	/* in a disjunction, set tests of one operand become one set test */
	for (uint32_t i = 0; !is_and && i < nf; i++) {
		for (uint32_t j = i + 1; j < nf; j++) {
			struct ir_node *m = merge_sets(p, flat[i], flat[j]);

			if (!m)
				continue;
			flat[i] = m;
			flat[j--] = flat[--nf];
		}
	}
	if (nf == 0)
		return ir_const(p, is_and);
	if (nf == 1)
		return flat[0];
	qsort(flat, nf, sizeof(*flat), is_and ? by_cost_negations_last : by_cost);
	t.kids = flat;
	t.n = nf;
	strbuf_adds(&key, is_and ? "and" : "or");
	for (uint32_t i = 0; i < nf; i++) {
		strbuf_printf(&key, "%s%%%u", i ? ", " : " ", flat[i]->id);
		t.cost += flat[i]->cost;
	}
	res = intern(p, &t, &key);
	strbuf_release(&key);
	return res;
}

static uint32_t opnd_cost(const struct ir_opnd *o)
{
	if (!o)
		return 0;
	switch (o->kind) {
	case IRV_FIELD: {
		const char *n = o->fi->name;

		if (!strncmp(n, "proc.a", 6) || !strncmp(n, "proc.p", 6) || !strncmp(n, "proc.s", 6))
			return 6;	/* walks the process tree */
		return 1;
	}
	case IRV_XFORM:
		return 3 + opnd_cost(o->inner);
	default:
		return 0;
	}
}

static uint32_t op_cost(enum ast_op op, const struct ir_opnd *l)
{
	bool num = fields_type_is_numeric((enum ppm_param_type)l->type);

	switch (op) {
	case AST_OP_EQ: case AST_OP_NE: case AST_OP_LT: case AST_OP_LE: case AST_OP_GT:
	case AST_OP_GE: case AST_OP_EXISTS:
		return num ? 1 : 3;
	case AST_OP_IN: case AST_OP_INTERSECTS:
		return num ? 2 : 4;
	case AST_OP_STARTSWITH: case AST_OP_BSTARTSWITH: case AST_OP_ENDSWITH:
		return 4;
	case AST_OP_CONTAINS: case AST_OP_BCONTAINS: case AST_OP_ICONTAINS:
		return 6;
	case AST_OP_GLOB: case AST_OP_IGLOB: case AST_OP_PMATCH:
		return 8;
	case AST_OP_REGEX:
		return 20;
	default:
		return 10;
	}
}

struct ir_node *ir_cmp(struct ir_prog *p, enum ast_op op, struct ir_opnd *lhs, struct ir_opnd *rhs)
{
	struct ir_node t = { .kind = IR_CMP, .op = op, .lhs = lhs, .rhs = rhs };
	struct strbuf key = STRBUF_INIT;
	struct ir_node *n;

	if (!lhs)
		return NULL;
	/* a set test against the empty set is false */
	if (rhs && rhs->kind == IRV_LIST && !rhs->nitems &&
	    (op == AST_OP_IN || op == AST_OP_INTERSECTS || op == AST_OP_PMATCH))
		return ir_const(p, false);
	/* evt.type comparisons are the cheapest: the dispatcher already knows */
	t.cost = !strcmp(lhs->kind == IRV_FIELD ? lhs->fi->name : "", "evt.type") ? 0
		 : op_cost(op, lhs) + opnd_cost(lhs) + opnd_cost(rhs);
	strbuf_adds(&key, "cmp ");
	ir_opnd_format(lhs, &key);
	strbuf_printf(&key, " %s", ast_op_name(op));
	if (rhs) {
		strbuf_addc(&key, ' ');
		ir_opnd_format(rhs, &key);
	}
	n = intern(p, &t, &key);
	strbuf_release(&key);
	return n;
}

void ir_dump_node(const struct ir_prog *p, const struct ir_node *root, bool *seen,
		  struct strbuf *sb)
{
	if (seen[root->id])
		return;
	for (uint32_t i = 0; i < root->n; i++)
		ir_dump_node(p, root->kids[i], seen, sb);
	seen[root->id] = true;
	strbuf_printf(sb, "  %%%u = %s", root->id, root->key);
	if (root->uses > 1)
		strbuf_printf(sb, "    ; shared x%u", root->uses);
	strbuf_addc(sb, '\n');
}
