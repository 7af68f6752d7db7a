/* Bump allocator for compile-time objects (YAML tree, tokens, AST, IR,
 * diagnostics): allocate freely, free everything in one call. Prefix arena_. */
#pragma once
#include <stddef.h>

struct arena;

int arena__new(size_t first_chunk, struct arena **out);
void arena__free(struct arena *a);

/* Memory is zeroed and aligned to 16 bytes. NULL only when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for limits and benchmarks). */
size_t arena_used(const struct arena *a);
