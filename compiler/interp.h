/* The IR interpreter: the reference evaluator of rule conditions (and the
 * fallback of the JIT). Built once per ruleset: every comparison's constants
 * compiled (irop_rt), every distinct field operand numbered so that its
 * value is extracted at most once per event, every node's result memoised
 * per event so subexpressions shared by rules are evaluated once.
 * Prefix interp_ (methods interp__). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "compiler/fval.h"

struct diag_list;
struct ir_node;
struct ir_opnd;
struct ruleset;

/* Extracts field operand o (id: its number in this interpreter, stable for
 * the interpreter's life, < interp_nfields()) for the current event into
 * out. Values must stay valid until the next interp_begin_event(). */
typedef void (*interp_extract_fn)(void *ctx, uint32_t id, const struct ir_opnd *o,
				  struct fval *out);

struct interp;

/* Compiles the ruleset's IR. Problems found only now (an invalid regex) are
 * LOAD_ERR_COMPILE_CONDITION diagnostics on rs and the rule is disabled.
 * 0, -ENOMEM. */
int interp__new(struct ruleset *rs, interp_extract_fn fn, struct interp **out);
void interp__free(struct interp *ip);

uint32_t interp_nfields(const struct interp *ip);
const struct ir_opnd *interp_field(const struct interp *ip, uint32_t id);

/* Forgets the previous event's memoised values. */
void interp_begin_event(struct interp *ip);
/* The same, inline for hot callers given interp_epoch(ip). */
static inline void interp_begin_event_fast(struct interp *ip, uint32_t *epoch)
{
	if (*epoch + 1 > 1)	/* not about to wrap to 0 */
		++*epoch;
	else
		interp_begin_event(ip);
}
/* Evaluates the condition of rule i (index in rs->rules) on the current
 * event; ctx goes to the extractor. */
bool interp_eval_rule(struct interp *ip, uint32_t rule, void *ctx);
/* Whether rule i compiled (a condition and no late error). */
bool interp_rule_ok(const struct interp *ip, uint32_t rule);

/* What the JIT shares with the interpreter: field numbering, per-event
 * field values (memoised, transformers applied) and compiled constants. */
struct irop_rhs;
const struct ruleset *interp_ruleset(const struct interp *ip);
/* The value of field operand id for the current event (extracted at most
 * once per event). */
const struct fval *interp_field_value(struct interp *ip, uint32_t id, void *ctx);
/* Where field operand id keeps its value for the current event and the
 * event stamp that says whether it is filled (equal to *interp_epoch()):
 * stable for the interpreter's life, so generated code can test and fill
 * it in place. */
void interp_field_slot(struct interp *ip, uint32_t id, struct fval **val, uint32_t **epoch);
/* The current event's stamp (interp_begin_event advances it). */
uint32_t *interp_epoch(struct interp *ip);

/* Comparison node `node` (an IR node id): its compiled right side and the
 * ids of its field operands (rhs: only when cmp->is_field). */
struct interp_cmp {
	const struct irop_rhs *cmp;
	uint32_t node;
	uint32_t lhs, rhs;
};
void interp_node_cmp(const struct interp *ip, uint32_t node, struct interp_cmp *out);
