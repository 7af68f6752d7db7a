/* Path normalisation as Falco applies it to event paths. Prefix path_. */
#pragma once
#include <stddef.h>

/* Longest path handled; longer inputs are truncated. */
#define PATH_RESOLVE_MAX 4096

/* Resolves path against dir (dir NULL or path absolute: path alone) into
 * out of n bytes, normalised: absolute, no ".", "..", "//" or trailing
 * slash ("/" stays "/"). Components that do not fit are dropped. */
void path_resolve(const char *dir, const char *path, char *out, size_t n);
