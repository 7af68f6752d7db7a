/* What saker offers to artifacts' requirements and dependencies: its
 * Falco engine version (engine_version_semver, engine_version) and the
 * plugins whose fields it provides itself. Prefix require_. */
#pragma once
#include <stdbool.h>

#include "runtime/artifact/art_config.h"

/* Compares semantic versions (MAJOR.MINOR.PATCH[-pre][+build]): <0, 0, >0;
 * *ok false when either is not one. */
int require_semver_cmp(const char *a, const char *b, bool *ok);
/* 0 when saker meets every requirement of c; otherwise -EPERM with a
 * logged error naming the requirement, what it asks and what saker has. */
int require_check(const char *what, const struct art_config *c);
/* True when saker itself provides the plugin name at a version
 * compatible with version (as required_plugin_versions would accept). */
bool require_builtin_plugin(const char *name, const char *version);
