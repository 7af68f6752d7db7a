/* String -> index hash map (open addressing, xxh3), for name lookups of
 * rules, macros, lists and fields. Keys are borrowed: they must outlive the
 * map. Prefix strmap_. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct strmap {
	const char **keys;
	uint32_t *vals;
	size_t cap;	/* power of two */
	size_t n;
};

#define STRMAP_INIT { 0 }

/* Sets key to val (replacing). 0 or -ENOMEM. */
int strmap_put(struct strmap *m, const char *key, uint32_t val);
/* Value of key, or -1 (as int64) when absent. */
int64_t strmap_get(const struct strmap *m, const char *key);
void strmap_release(struct strmap *m);
