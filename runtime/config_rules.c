/* config_rules (see config_rules.h). */
#include "runtime/config_rules.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "compiler/rules.h"
#include "compiler/ruleset.h"
#include "compiler/ydoc.h"
#include "runtime/config.h"

/* Falco's rule name wildcards: '*' matches any text, nothing else is special. */
static bool wildcard(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

static int bad(const struct ydoc_node *n, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s:%u:%u: rules: %s", n->start.file ? n->start.file : "-o",
		 n->start.line, n->start.col, what);
	return -EINVAL;
}

int config_rules_check(const struct config *c, char *err, size_t errlen)
{
	const struct ydoc_node *l = config_get(c, "rules");

	for (size_t i = 0; l && i < l->n; i++) {
		const struct ydoc_node *e = l->kids[i], *op, *sel;

		if (e->kind != YDOC_MAP || e->n != 1)
			return bad(e, err, errlen, "each entry is one 'enable:' or 'disable:' map");
		op = e->kids[0];
		sel = e->kids[1];
		if (strcmp(op->str, "enable") && strcmp(op->str, "disable"))
			return bad(op, err, errlen, "expected 'enable' or 'disable'");
		if (sel->kind != YDOC_MAP || !sel->n)
			return bad(sel, err, errlen, "expected a map with 'rule' and/or 'tag'");
		for (size_t k = 0; k < sel->n; k++) {
			const struct ydoc_node *key = sel->kids[2 * k], *v = sel->kids[2 * k + 1];

			if (strcmp(key->str, "rule") && strcmp(key->str, "tag"))
				return bad(key, err, errlen, "expected 'rule' or 'tag'");
			if (v->kind != YDOC_SCALAR)
				return bad(v, err, errlen, "a rule name or a tag is a string");
		}
	}
	return 0;
}

void config_rules_apply(const struct config *c, struct ruleset *rs)
{
	const struct ydoc_node *l = config_get(c, "rules");

	for (size_t i = 0; l && l->kind == YDOC_SEQ && i < l->n; i++) {
		const struct ydoc_node *e = l->kids[i], *sel;
		const struct ydoc_node *rule, *tag;
		bool on;

		if (e->kind != YDOC_MAP || e->n != 1)
			continue;
		on = !strcmp(e->kids[0]->str, "enable");
		sel = e->kids[1];
		rule = ydoc_map_get(sel, "rule");
		tag = ydoc_map_get(sel, "tag");
		for (size_t r = 0; r < rs->nrules; r++) {
			/* the ruleset owns its rules: the selection edits them in place */
			struct rl_rule *src = (struct rl_rule *)rs->rules[r].src;

			if (rule && rule->kind == YDOC_SCALAR && wildcard(rule->str, src->name))
				src->enabled = on;
			for (uint32_t t = 0; tag && tag->kind == YDOC_SCALAR && t < src->ntags; t++)
				if (!strcmp(tag->str, src->tags[t]))
					src->enabled = on;
		}
	}
}
