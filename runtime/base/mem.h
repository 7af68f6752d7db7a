/* The only door to the allocator: jemalloc by default, libc under the
 * sanitizers (ASan must own malloc). Prefix mem_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *mem_malloc(size_t n);
void *mem_calloc(size_t nmemb, size_t n);
void *mem_realloc(void *p, size_t n);
/* realloc of an array of nmemb elements of n bytes; NULL on overflow. */
void *mem_reallocarray(void *p, size_t nmemb, size_t n);
void mem_free(void *p);
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t n);

/* Gives the pages the allocator keeps of memory already freed back to the
 * system at once, instead of over the next seconds: after a piece of work
 * that allocated much for a moment (loading the probe, compiling rules). */
void mem_trim(void);

/* The allocator's own figures, in bytes (jemalloc's stats.*). */
struct mem_stats {
	size_t allocated, active, metadata, resident, mapped, retained;
};
/* 0; -ENOTSUP when saker runs on libc's malloc; -EIO. */
int mem_stats(struct mem_stats *out);

/* Net bytes the calling thread has allocated (allocated minus freed) since
 * it started: the difference across a piece of work is what it kept.
 * Two loads, no call; 0 when saker runs on libc's malloc (mem_accounted
 * says which). */
bool mem_accounted(void);
extern __thread const uint64_t *mem_thr_alloc, *mem_thr_dealloc;
void mem_thread_counters(void);

static inline int64_t mem_thread_net(void)
{
	if (__builtin_expect(!mem_thr_alloc, 0))
		mem_thread_counters();
	return (int64_t)(*mem_thr_alloc - *mem_thr_dealloc);
}
