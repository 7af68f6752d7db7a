/* BPF ring buffers read in place (see ring_src.h); the kernel module's
 * rings are laid out the same way. The kernel maps each
 * ring as a consumer page (ours to write), then a producer page and the
 * data area twice over, so a record that wraps is still contiguous. A
 * record is an 8-byte header (length with busy and discard bits, page
 * offset) and its bytes, rounded up to 8. */
#include "runtime/ring_src.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/base/mem.h"

#define RB_BUSY (1u << 31)
#define RB_DISCARD (1u << 30)
#define RB_HDR 8u

struct ring {
	uint64_t *cons;			/* consumer position (shared) */
	const uint64_t *prod;		/* producer position (shared) */
	const uint8_t *data;
	uint64_t mask;
	uint64_t pos;			/* next record we read */
	uint64_t limit;			/* producer position of this batch */
	uint64_t ts;			/* timestamp of the record at pos */
	size_t map_len;
};

struct ring_src {
	struct ring *r;
	int n;
	int *heap;			/* CPUs with a record ready, by ts */
	int nheap;
	size_t page;
};

int ring_src__open(const int *fds, int n, size_t size, struct ring_src **out)
{
	struct ring_src_map *maps = mem_calloc((size_t)n, sizeof(*maps));
	int ret;

	*out = NULL;
	if (!maps)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		maps[i] = (struct ring_src_map){ .fd = fds[i], .off = 0 };
	ret = ring_src__open_maps(maps, n, size, out);
	mem_free(maps);
	return ret;
}

int ring_src__open_maps(const struct ring_src_map *maps, int n, size_t size, struct ring_src **out)
{
	struct ring_src *s = mem_calloc(1, sizeof(*s));
	int ret = 0;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->page = (size_t)sysconf(_SC_PAGESIZE);
	s->r = mem_calloc((size_t)n, sizeof(*s->r));
	s->heap = mem_calloc((size_t)n, sizeof(*s->heap));
	if (!s->r || !s->heap) {
		ring_src__free(s);
		return -ENOMEM;
	}
	s->n = n;
	for (int i = 0; i < n; i++) {
		struct ring *r = &s->r[i];
		void *c, *p;

		c = mmap(NULL, s->page, PROT_READ | PROT_WRITE, MAP_SHARED, maps[i].fd, maps[i].off);
		if (c == MAP_FAILED) {
			ret = -errno;
			break;
		}
		r->cons = c;
		r->map_len = s->page + 2 * size;
		p = mmap(NULL, r->map_len, PROT_READ, MAP_SHARED, maps[i].fd,
			 maps[i].off + (off_t)s->page);
		if (p == MAP_FAILED) {
			ret = -errno;
			break;
		}
		r->prod = p;
		r->data = (const uint8_t *)p + s->page;
		r->mask = size - 1;
		r->pos = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);
		r->limit = r->pos;
	}
	if (ret) {
		ring_src__free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void ring_src__free(struct ring_src *s)
{
	if (!s)
		return;
	for (int i = 0; s->r && i < s->n; i++) {
		if (s->r[i].cons)
			munmap(s->r[i].cons, s->page);
		if (s->r[i].prod)
			munmap((void *)s->r[i].prod, s->r[i].map_len);
	}
	mem_free(s->r);
	mem_free(s->heap);
	mem_free(s);
}

/* Moves r to its next committed record within the batch; false when
 * there is none (end of batch, or a record still being written). */
static bool ring_ready(struct ring *r)
{
	while (r->pos < r->limit) {
		const uint8_t *h = r->data + (r->pos & r->mask);
		uint32_t len = __atomic_load_n((const uint32_t *)h, __ATOMIC_ACQUIRE);

		if (len & RB_BUSY)
			return false;
		if (len & RB_DISCARD) {
			r->pos += (RB_HDR + (len & ~RB_DISCARD) + 7) & ~7ull;
			continue;
		}
		memcpy(&r->ts, h + RB_HDR, sizeof(r->ts));
		return true;
	}
	return false;
}

static bool before(const struct ring_src *s, int a, int b)
{
	return s->r[a].ts < s->r[b].ts;
}

static void heap_push(struct ring_src *s, int cpu)
{
	int i = s->nheap++;

	while (i > 0) {
		int up = (i - 1) / 2;

		if (!before(s, cpu, s->heap[up]))
			break;
		s->heap[i] = s->heap[up];
		i = up;
	}
	s->heap[i] = cpu;
}

static int heap_pop(struct ring_src *s)
{
	int top = s->heap[0], last = s->heap[--s->nheap], i = 0;

	for (;;) {
		int l = 2 * i + 1, m;

		if (l >= s->nheap)
			break;
		m = l + 1 < s->nheap && before(s, s->heap[l + 1], s->heap[l]) ? l + 1 : l;
		if (!before(s, s->heap[m], last))
			break;
		s->heap[i] = s->heap[m];
		i = m;
	}
	if (s->nheap)
		s->heap[i] = last;
	return top;
}

void ring_src__release(struct ring_src *s)
{
	for (int i = 0; i < s->n; i++) {
		struct ring *r = &s->r[i];

		/* records before the heap's current one are done */
		__atomic_store_n(r->cons, r->pos, __ATOMIC_RELEASE);
	}
}

static void new_batch(struct ring_src *s)
{
	ring_src__release(s);
	for (int i = 0; i < s->n; i++) {
		struct ring *r = &s->r[i];

		r->limit = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
		if (ring_ready(r))
			heap_push(s, i);
	}
}

/* The record handed out stays readable until the next call: its ring
 * gives its space back only at the next batch. */

const void *ring_src__next(struct ring_src *s, uint32_t *len, uint16_t *cpu)
{
	const uint8_t *h;
	struct ring *r;
	int c;

	if (!s->nheap)
		new_batch(s);
	if (!s->nheap)
		return NULL;
	c = heap_pop(s);
	r = &s->r[c];
	h = r->data + (r->pos & r->mask);
	*len = __atomic_load_n((const uint32_t *)h, __ATOMIC_RELAXED) & ~(RB_BUSY | RB_DISCARD);
	*cpu = (uint16_t)c;
	r->pos += (RB_HDR + *len + 7) & ~7ull;
	if (ring_ready(r))
		heap_push(s, c);
	return h + RB_HDR;
}
