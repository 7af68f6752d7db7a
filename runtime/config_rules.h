/* Falco's `rules:` key: after the rules files are loaded, rules are
 * enabled or disabled by name ('*' matches any text) or by tag, entry by
 * entry in order, over what the files said. Prefix config_rules_. */
#pragma once
#include <stddef.h>

struct config;
struct ruleset;

/* The entries' shape (a list of {enable|disable: {rule: NAME, tag: TAG}}):
 * 0, or -EINVAL with "file:line:col: what" in err. */
int config_rules_check(const struct config *c, char *err, size_t errlen);
/* Applies the entries to the loaded rules of rs. */
void config_rules_apply(const struct config *c, struct ruleset *rs);
