/* Arena: chunks that double in size, handed out by bumping a pointer. */
#include "runtime/base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/mem.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#endif

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct arena_chunk *head;
	size_t next_size;
	size_t total;
};

int arena__new(size_t first_chunk, struct arena **out)
{
	struct arena *a = mem_calloc(1, sizeof(*a));

	if (!a)
		return -12; /* ENOMEM */
	a->next_size = first_chunk < 256 ? 256 : first_chunk;
	*out = a;
	return 0;
}

void arena__free(struct arena *a)
{
	struct arena_chunk *c, *n;

	if (!a)
		return;
	for (c = a->head; c; c = n) {
		n = c->next;
#ifdef ARENA_ASAN
		ASAN_UNPOISON_MEMORY_REGION(c->data, c->size);
#endif
		mem_free(c);
	}
	mem_free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;
	void *p;

	if (need < n)
		return NULL;
	if (!c || c->size - c->used < need) {
		size_t sz = a->next_size;

		while (sz < need)
			sz *= 2;
		c = mem_malloc(sizeof(*c) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->next_size = sz * 2 > (1u << 24) ? (1u << 24) : sz * 2;
#ifdef ARENA_ASAN
		ASAN_POISON_MEMORY_REGION(c->data, c->size);
#endif
	}
	p = c->data + c->used;
	c->used += need;
	a->total += need;
#ifdef ARENA_ASAN
	ASAN_UNPOISON_MEMORY_REGION(p, n);
#endif
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *d;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	d = arena_alloc(a, (size_t)n + 1);
	if (!d)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
