/* Reading rules files into an rl_set: items, keys, load order, overrides and
 * appends, with a diagnostic for every problem (loading goes on with the
 * next item). Prefix rules_load_. */
#pragma once
#include <stddef.h>

#include "compiler/rules.h"

/* The Falco engine version saker's rule language matches. */
#define SAKER_ENGINE_VERSION "0.63.0"

int rules_load_init(struct rl_set *rs, struct arena *a, struct diag_list *dl);
/* Reads and loads one file. A file that cannot be read is a
 * LOAD_ERR_FILE_READ diagnostic and -errno. */
int rules_load_file(struct rl_set *rs, const char *path);
/* Loads rules text; name is used in diagnostics. text must outlive rs. */
int rules_load_text(struct rl_set *rs, const char *name, const char *text, size_t len);
void rules_load_release(struct rl_set *rs);

/* Compares dotted versions ("0.57.0", "9"); <0, 0, >0. Sets *ok=false when a
 * part is not a number. */
int rules_load_version_cmp(const char *a, const char *b, int *ok);

/* Checks every required_plugin_versions entry loaded against the plugins
 * of rs->freg and saker's built-in providers, as Falco does at start. 0, or
 * -EINVAL with Falco's sentence in err ("Plugin requirement not satisfied,
 * must load one of: k8saudit (>= 0.1.0)"). */
int rules_load_check_plugin_reqs(const struct rl_set *rs, char *err, size_t errlen);
