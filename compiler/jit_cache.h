/* jit_cache: the JIT's compiled code on disk, by key, bounded in bytes
 * with the least recently used entries evicted; usable from several
 * threads at once. Prefix jit_cache_ (methods jit_cache__). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define JIT_CACHE_KEY_LEN 16

struct jit_cache;

struct jit_cache_stats {
	uint64_t hits;		/* entries found and valid */
	uint64_t misses;	/* no entry */
	uint64_t rejected;	/* entries found corrupt or foreign (removed) */
	uint64_t evicted;	/* entries removed to stay within the bound */
	uint64_t write_errors;	/* entries that could not be written */
};

/* The cache in dir (made, mode 0700, when missing), holding at most
 * max_bytes. 0; -errno with err filled when the directory cannot be made
 * or written; -ENOMEM. */
int jit_cache__open(const char *dir, uint64_t max_bytes, struct jit_cache **out, char *err,
		    size_t errlen);
void jit_cache__free(struct jit_cache *c);

/* The entry of key (JIT_CACHE_KEY_LEN bytes): 0 with *data (mem_free it)
 * and *len; -ENOENT when there is none; -EINVAL when the entry is corrupt
 * or foreign (removed, why says which file and what is wrong); -ENOMEM. */
int jit_cache__get(struct jit_cache *c, const uint8_t *key, void **data, size_t *len, char *why,
		   size_t whylen);
/* Stores data as the entry of key, then evicts beyond the bound. 0 or
 * -errno (-EFBIG: larger than the bound). */
int jit_cache__put(struct jit_cache *c, const uint8_t *key, const void *data, size_t len);

void jit_cache__stats(const struct jit_cache *c, struct jit_cache_stats *out);

/* What identifies the running program's build (its GNU build id, else its
 * file's identity), at most n bytes written to out; how many. */
size_t jit_cache_build_id(uint8_t *out, size_t n);
