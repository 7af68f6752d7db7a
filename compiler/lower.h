/* Lowering of checked condition ASTs into the shared IR, expanding macros
 * (each macro body is lowered once) and canonicalising constants so equal
 * subexpressions meet. Prefix lower_. */
#pragma once

struct ast_node;
struct ir_node;
struct ir_prog;

/* NULL when out of memory. */
struct ir_node *lower_condition(struct ir_prog *p, struct ast_node *ast);
