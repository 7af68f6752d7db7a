/* append_output (falco.yaml): extra text appended to the output of the
 * rules an entry matches, and extra fields for their JSON output_fields.
 * An entry matches a rule when each of its conditions that is set holds:
 * the rule's source, every one of its tags among the rule's, the rule's
 * name; an entry without conditions matches every rule. Applied to the
 * loaded rules before they compile, in the order of the entries, as Falco
 * does: the text joins the output after a space (so its fields are checked
 * like the output's), and a later field of the same name replaces an
 * earlier one. Prefix append_output_. */
#pragma once

struct config;
struct ruleset;

/* 0 or -ENOMEM. */
int append_output_apply(struct ruleset *rs, const struct config *cfg);
