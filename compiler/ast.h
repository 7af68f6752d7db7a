/* Abstract syntax of Falco's condition language: the parser's output and the
 * input of semantic analysis. Nodes live in the compile arena. Prefix ast_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

enum ast_kind {
	AST_AND,	/* kids[0..n) */
	AST_OR,		/* kids[0..n) */
	AST_NOT,	/* kids[0] */
	AST_MACRO,	/* str: a bare identifier, a macro reference */
	AST_UNARY,	/* op (exists), kids[0] = left side */
	AST_BINARY,	/* op, kids[0] = left side, kids[1] = right side */
	AST_FIELD,	/* str = field name, arg = argument or NULL */
	AST_XFORM,	/* xform, kids = arguments, arg = argument or NULL */
	AST_VALUE,	/* str = literal value (quotes removed, escapes applied) */
	AST_LIST,	/* vals[0..n): literal list items */
};

enum ast_op {
	AST_OP_EQ, AST_OP_NE, AST_OP_LT, AST_OP_LE, AST_OP_GT, AST_OP_GE,
	AST_OP_CONTAINS, AST_OP_ICONTAINS, AST_OP_BCONTAINS,
	AST_OP_STARTSWITH, AST_OP_BSTARTSWITH, AST_OP_ENDSWITH,
	AST_OP_GLOB, AST_OP_IGLOB, AST_OP_REGEX,
	AST_OP_IN, AST_OP_INTERSECTS, AST_OP_PMATCH,
	AST_OP_EXISTS,
	AST_OP__COUNT,
};

enum ast_xform {
	AST_XF_VAL,	/* val(field): the right side is another field's value */
	AST_XF_TOLOWER, AST_XF_TOUPPER, AST_XF_B64, AST_XF_BASENAME, AST_XF_LEN,
	AST_XF__COUNT,
};

struct field_ref;
struct rl_macro;

struct ast_item {
	const char *str;
	uint32_t pos;
	bool quoted;
};

struct ast_node {
	enum ast_kind kind;
	uint32_t pos;			/* byte offset in the condition text */
	enum ast_op op;
	enum ast_xform xform;
	bool quoted;			/* AST_VALUE written in quotes */
	const char *str;
	const char *arg;
	uint32_t arg_pos;
	struct ast_node **kids;
	struct ast_item *vals;		/* AST_LIST */
	uint32_t n;
	/* filled by semantic analysis */
	struct rl_macro *macro;		/* AST_MACRO: the macro referred to */
	struct field_ref *fref;		/* AST_FIELD: the resolved field */
	uint8_t type;			/* AST_FIELD, AST_XFORM: enum ppm_param_type of the value */
	bool checked;			/* checked once; the verdict is in bad */
	const char *chk_source;		/* AST_FIELD: the rule source it was resolved for */
	bool bad;			/* this node has an error (reported once) */
	bool unknown;			/* the error is an unknown field or event type */
	const char *errmsg;
	uint32_t errpos;
};

const char *ast_op_name(enum ast_op op);
const char *ast_xform_name(enum ast_xform x);
