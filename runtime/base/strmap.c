/* strmap: linear-probing hash table keyed by NUL-terminated strings. */
#include "runtime/base/strmap.h"

#include <errno.h>
#include <string.h>
#include <xxhash.h>

#include "runtime/base/mem.h"

static size_t slot(const struct strmap *m, const char *key)
{
	return (size_t)XXH3_64bits(key, strlen(key)) & (m->cap - 1);
}

static int grow(struct strmap *m)
{
	struct strmap nm = { 0 };
	size_t i;

	nm.cap = m->cap ? m->cap * 2 : 64;
	nm.keys = mem_calloc(nm.cap, sizeof(*nm.keys));
	nm.vals = mem_calloc(nm.cap, sizeof(*nm.vals));
	if (!nm.keys || !nm.vals) {
		mem_free(nm.keys);
		mem_free(nm.vals);
		return -ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i]) {
			size_t s = slot(&nm, m->keys[i]);

			while (nm.keys[s])
				s = (s + 1) & (nm.cap - 1);
			nm.keys[s] = m->keys[i];
			nm.vals[s] = m->vals[i];
			nm.n++;
		}
	}
	strmap_release(m);
	*m = nm;
	return 0;
}

int strmap_put(struct strmap *m, const char *key, uint32_t val)
{
	size_t s;

	if ((m->n + 1) * 4 > m->cap * 3) {
		int err = grow(m);

		if (err)
			return err;
	}
	s = slot(m, key);
	while (m->keys[s]) {
		if (!strcmp(m->keys[s], key)) {
			m->vals[s] = val;
			return 0;
		}
		s = (s + 1) & (m->cap - 1);
	}
	m->keys[s] = key;
	m->vals[s] = val;
	m->n++;
	return 0;
}

int64_t strmap_get(const struct strmap *m, const char *key)
{
	size_t s;

	if (!m->cap)
		return -1;
	s = slot(m, key);
	while (m->keys[s]) {
		if (!strcmp(m->keys[s], key))
			return m->vals[s];
		s = (s + 1) & (m->cap - 1);
	}
	return -1;
}

void strmap_release(struct strmap *m)
{
	mem_free(m->keys);
	mem_free(m->vals);
	memset(m, 0, sizeof(*m));
}
