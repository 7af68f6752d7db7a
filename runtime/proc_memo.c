/* proc_memo: direct-mapped per-thread memo entries. */
#include "runtime/proc_memo.h"

#include <errno.h>
#include <string.h>

#include "runtime/base/mem.h"

struct pm_hdr {
	int64_t tid;
	uint64_t gen;
	uint8_t used;
};

struct proc_memo {
	uint8_t *buf;
	uint8_t *scratch;
	uint32_t slots, stride, mask;
	uint64_t evictions;
};

int proc_memo__new(uint32_t slots, uint32_t entries, struct proc_memo **out)
{
	struct proc_memo *pm = mem_calloc(1, sizeof(*pm));
	uint32_t n = 1;

	if (!pm)
		return -ENOMEM;
	while (n < entries)
		n <<= 1;
	pm->slots = slots;
	pm->stride = (uint32_t)((sizeof(struct pm_hdr) + slots + 15) & ~15u);
	pm->mask = n - 1;
	pm->buf = mem_calloc(n, pm->stride);
	pm->scratch = mem_calloc(1, slots ? slots : 1);
	if (!pm->buf || !pm->scratch) {
		proc_memo__free(pm);
		return -ENOMEM;
	}
	*out = pm;
	return 0;
}

void proc_memo__free(struct proc_memo *pm)
{
	if (!pm)
		return;
	mem_free(pm->buf);
	mem_free(pm->scratch);
	mem_free(pm);
}

uint8_t *proc_memo_get(struct proc_memo *pm, int64_t tid, uint64_t gen)
{
	uint64_t h = (uint64_t)tid * 0x9e3779b97f4a7c15ull;
	uint8_t *ent = pm->buf + (size_t)((h >> 40) & pm->mask) * pm->stride;
	struct pm_hdr *hd = (struct pm_hdr *)ent;

	if (!hd->used || hd->tid != tid || hd->gen != gen) {
		if (hd->used && hd->tid != tid)
			pm->evictions++;
		hd->used = 1;
		hd->tid = tid;
		hd->gen = gen;
		memset(ent + sizeof(*hd), 0, pm->slots);
	}
	return ent + sizeof(*hd);
}

uint8_t *proc_memo_scratch(struct proc_memo *pm)
{
	memset(pm->scratch, 0, pm->slots);
	return pm->scratch;
}

uint64_t proc_memo_evictions(const struct proc_memo *pm)
{
	return pm->evictions;
}
