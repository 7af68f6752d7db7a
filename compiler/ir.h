/* The IR of rule conditions: a DAG of typed nodes, hash-consed so that a
 * subexpression used by many rules (or twice in one) exists once. Boolean
 * structure (and/or/not/const) over comparisons whose operands are fields,
 * transformers, typed constants and constant sets. Built by lower.c,
 * printed by ir_dump.c; both evaluators consume it. Prefix ir_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "compiler/ast.h"
#include "runtime/base/strmap.h"

struct arena;
struct field_info;
struct strbuf;

enum ir_kind { IR_CONST, IR_AND, IR_OR, IR_NOT, IR_CMP };

enum ir_opnd_kind { IRV_FIELD, IRV_XFORM, IRV_VALUE, IRV_LIST };

struct ir_opnd {
	enum ir_opnd_kind kind;
	uint8_t type;			/* enum ppm_param_type of the value */
	const struct field_info *fi;	/* IRV_FIELD */
	const char *arg;		/* IRV_FIELD argument, or NULL */
	enum ast_xform xf;		/* IRV_XFORM */
	struct ir_opnd *inner;		/* IRV_XFORM operand */
	const char *str;		/* IRV_VALUE, canonical text */
	const char **items;		/* IRV_LIST, canonical (sorted for set ops) */
	uint32_t nitems;
};

struct ir_node {
	uint32_t id;
	enum ir_kind kind;
	bool val;			/* IR_CONST */
	enum ast_op op;			/* IR_CMP */
	struct ir_opnd *lhs, *rhs;	/* IR_CMP; rhs NULL for exists */
	struct ir_node **kids;		/* IR_AND, IR_OR (>= 2), IR_NOT (1) */
	uint32_t n;
	uint32_t cost;			/* estimated evaluation cost, for ordering */
	uint32_t uses;			/* references from rules and other nodes */
	const char *key;		/* canonical text, the hash-consing key */
};

struct ir_prog {
	struct arena *arena;
	struct strmap by_key;
	struct ir_node **nodes;		/* by id */
	uint32_t nnodes, cap;
	uint32_t shared_hits;		/* times an existing node was reused */
};

int ir_prog_init(struct ir_prog *p, struct arena *a);
void ir_prog_release(struct ir_prog *p);

/* Interning constructors: return the existing node with the same canonical
 * form, or a new one. NULL when out of memory. */
struct ir_node *ir_const(struct ir_prog *p, bool v);
struct ir_node *ir_not(struct ir_prog *p, struct ir_node *k);
/* kids may be reordered; folding of constants and duplicates is done here. */
struct ir_node *ir_junction(struct ir_prog *p, enum ir_kind k, struct ir_node **kids, uint32_t n);
struct ir_node *ir_cmp(struct ir_prog *p, enum ast_op op, struct ir_opnd *lhs, struct ir_opnd *rhs);

/* Canonical text of an operand. */
void ir_opnd_format(const struct ir_opnd *o, struct strbuf *sb);
/* Listing of the nodes reachable from root, each once, children first:
 * "  %7 = and %3, %5" lines. seen (size p->nnodes) marks printed nodes. */
void ir_dump_node(const struct ir_prog *p, const struct ir_node *root, bool *seen,
		  struct strbuf *sb);
