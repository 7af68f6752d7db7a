/* Semantic analysis of an rl_set: list resolution, macro parsing and
 * resolution (with Falco's visibility order), exceptions folded into
 * conditions, field and operator checks, output format checks, unused
 * list/macro warnings. Prefix sema_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "compiler/rules.h"

struct ast_node;

/* One %field (or %%) piece of an output format. */
struct out_tok {
	const char *lit;		/* literal text before the field (may be "") */
	struct field_ref *fref;		/* NULL for the trailing literal */
	const char *field_text;		/* the field as written, e.g. proc.aname[2] */
};

/* An extra output field (append_output) parsed like an output. */
struct sema_extra {
	const char *key;
	struct out_tok *out;
	uint32_t nout;
	bool raw;
};

struct sema_rule {
	struct rl_rule *src;
	struct ast_node *ast;		/* checked condition; NULL when the rule failed */
	struct src_text cond;		/* condition text with exceptions folded in */
	struct out_tok *out;
	uint32_t nout;
	struct sema_extra *extra;	/* src->extra_fields, parsed */
	uint32_t nextra;
	bool skipped;			/* skip-if-unknown-filter applied */
};

struct sema {
	struct rl_set *rl;
	struct diag_list *diags;
	struct sema_rule *rules;	/* in rule definition order */
	uint32_t nrules;
};

/* Runs every check; diagnostics go to rl->diags. 0, or -ENOMEM. */
int sema_run(struct rl_set *rl, struct sema *out);

/* Position in the files of byte off of a composed text. */
struct src_loc sema_text_loc(const struct src_text *t, uint32_t off, const char **text,
			     size_t *text_len);
