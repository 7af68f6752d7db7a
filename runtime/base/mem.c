/* Allocator wrapper: routes every heap allocation of saker through one place. */
#include "runtime/base/mem.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SAKER_MALLOC_JEMALLOC
#include <jemalloc/jemalloc.h>

/* jemalloc's options, read at its start (MALLOC_CONF in the environment
 * still overrides them). One arena for all threads: saker's threads
 * (events, outputs, the JIT's, the resolver's) allocate little each, and
 * an arena per thread kept each one's metadata and freed pages apart, some
 * 4 MiB of resident memory after the JIT's start for nothing. */
const char *malloc_conf = "narenas:1";
#endif

void *mem_malloc(size_t n)
{
	return malloc(n ? n : 1);
}

void *mem_calloc(size_t nmemb, size_t n)
{
	return calloc(nmemb ? nmemb : 1, n ? n : 1);
}

void *mem_realloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

void *mem_reallocarray(void *p, size_t nmemb, size_t n)
{
	if (n && nmemb > SIZE_MAX / n)
		return NULL;
	return mem_realloc(p, nmemb * n);
}

void mem_free(void *p)
{
	free(p);
}

char *mem_strndup(const char *s, size_t n)
{
	char *d = mem_malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *mem_strdup(const char *s)
{
	return mem_strndup(s, strlen(s));
}

void mem_trim(void)
{
#ifdef SAKER_MALLOC_JEMALLOC
	char name[32];

	snprintf(name, sizeof(name), "arena.%u.purge", (unsigned)MALLCTL_ARENAS_ALL);
	mallctl(name, NULL, NULL, NULL, 0);
#endif
}

int mem_stats(struct mem_stats *out)
{
#ifdef SAKER_MALLOC_JEMALLOC
	static const char *const names[] = { "stats.allocated", "stats.active", "stats.metadata",
					     "stats.resident", "stats.mapped", "stats.retained" };
	size_t *dst[] = { &out->allocated, &out->active, &out->metadata, &out->resident,
			  &out->mapped, &out->retained };
	uint64_t epoch = 1;
	size_t sz = sizeof(epoch);

	/* the statistics are refreshed when the epoch advances */
	if (mallctl("epoch", &epoch, &sz, &epoch, sz))
		return -EIO;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		sz = sizeof(size_t);
		if (mallctl(names[i], dst[i], &sz, NULL, 0))
			return -EIO;
	}
	return 0;
#else
	(void)out;
	return -ENOTSUP;
#endif
}

__thread const uint64_t *mem_thr_alloc, *mem_thr_dealloc;
static const uint64_t zero_counter;

/* The thread's counters (jemalloc's), looked up once; on libc's malloc
 * two zeros. */
void mem_thread_counters(void)
{
#ifdef SAKER_MALLOC_JEMALLOC
	size_t sz = sizeof(mem_thr_alloc);

	if (mallctl("thread.allocatedp", (void *)&mem_thr_alloc, &sz, NULL, 0))
		mem_thr_alloc = &zero_counter;
	sz = sizeof(mem_thr_dealloc);
	if (mallctl("thread.deallocatedp", (void *)&mem_thr_dealloc, &sz, NULL, 0))
		mem_thr_dealloc = &zero_counter;
#else
	mem_thr_alloc = mem_thr_dealloc = &zero_counter;
#endif
}

bool mem_accounted(void)
{
#ifdef SAKER_MALLOC_JEMALLOC
	return true;
#else
	return false;
#endif
}
