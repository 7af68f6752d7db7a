// SPDX-License-Identifier: GPL-2.0-only
/* The rings (see kmod_ring.h and kmod_abi.h): per CPU a consumer page, a
 * producer page holding the write position and the counters, and the data
 * pages, mapped twice in a row in the kernel as in user space so a record
 * is always written and read in one piece. Only the CPU's own hooks write
 * its ring, with preemption off: one writer, no lock; the position is
 * published after the record. */
#include "kmod_ring.h"

#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "bpf/ev_build.h"
#include "kmod_abi.h"

struct kmod_ring {
	struct page *cons_page, *prod_page;
	struct page **data_pages;	/* n pages */
	u64 *cons;			/* user space's read position */
	u64 *prod;			/* our write position */
	u8 *data;			/* the data pages mapped twice */
	u64 mask;
};

static struct kmod_ring *rings[PROBE_CPU_MAX];
static u32 ndata;			/* data pages per ring */

struct ev_scratch *kev_scratch[PROBE_CPU_MAX];
struct probe_cnt *kev_cnt[PROBE_CPU_MAX];
u64 kev_boot_epoch_ns;

static void ring_free(struct kmod_ring *r)
{
	if (!r)
		return;
	if (r->data)
		vunmap(r->data);
	for (u32 i = 0; r->data_pages && i < ndata; i++)
		if (r->data_pages[i])
			__free_page(r->data_pages[i]);
	kvfree(r->data_pages);
	if (r->cons_page)
		__free_page(r->cons_page);
	if (r->prod_page)
		__free_page(r->prod_page);
	kfree(r);
}

static struct kmod_ring *ring_alloc(void)
{
	struct kmod_ring *r = kzalloc(sizeof(*r), GFP_KERNEL);
	struct page **twice;

	if (!r)
		return NULL;
	r->data_pages = kvcalloc(ndata, sizeof(*r->data_pages), GFP_KERNEL);
	r->cons_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	r->prod_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!r->data_pages || !r->cons_page || !r->prod_page)
		goto bad;
	for (u32 i = 0; i < ndata; i++)
		if (!(r->data_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO)))
			goto bad;
	twice = kvcalloc(2 * ndata, sizeof(*twice), GFP_KERNEL);
	if (!twice)
		goto bad;
	for (u32 i = 0; i < 2 * ndata; i++)
		twice[i] = r->data_pages[i % ndata];
	r->data = vmap(twice, 2 * ndata, VM_MAP, PAGE_KERNEL);
	kvfree(twice);
	if (!r->data)
		goto bad;
	r->cons = page_address(r->cons_page);
	r->prod = page_address(r->prod_page);
	r->mask = (u64)ndata * PAGE_SIZE - 1;
	return r;
bad:
	ring_free(r);
	return NULL;
}

bool kmod_ring_ready(void)
{
	return ndata != 0;
}

void kmod_ring_free(void)
{
	for (u32 c = 0; c < PROBE_CPU_MAX; c++) {
		ring_free(rings[c]);
		rings[c] = NULL;
		kvfree(kev_scratch[c]);
		kev_scratch[c] = NULL;
		kev_cnt[c] = NULL;
	}
	ndata = 0;
}

int kmod_ring_alloc(u64 ring_bytes, u64 boot_epoch_ns)
{
	u32 c;

	if (ndata)
		return -EBUSY;
	if (ring_bytes < PAGE_SIZE || ring_bytes > (1ull << 30) || (ring_bytes & (ring_bytes - 1)))
		return -EINVAL;
	ndata = ring_bytes >> PAGE_SHIFT;
	kev_boot_epoch_ns = boot_epoch_ns;
	for_each_possible_cpu(c) {
		if (c >= PROBE_CPU_MAX)
			break;
		rings[c] = ring_alloc();
		kev_scratch[c] = kvzalloc(sizeof(struct ev_scratch), GFP_KERNEL);
		if (!rings[c] || !kev_scratch[c]) {
			kmod_ring_free();
			return -ENOMEM;
		}
		kev_cnt[c] = (struct probe_cnt *)((u8 *)rings[c]->prod + SAKER_KMOD_CNT_OFF);
	}
	return 0;
}

const struct probe_cnt *kmod_ring_cnt(u32 cpu)
{
	return cpu < PROBE_CPU_MAX ? kev_cnt[cpu] : NULL;
}

int kev_ring_write(u32 cpu, const void *rec, u32 len)
{
	struct kmod_ring *r = rings[cpu & (PROBE_CPU_MAX - 1)];
	u64 prod, cons, need = ALIGN((u64)len + 8, 8);
	u8 *p;

	if (!r)
		return -ENOSPC;
	prod = *r->prod;
	cons = smp_load_acquire(r->cons);
	if (prod - cons + need > r->mask + 1)
		return -ENOSPC;
	p = r->data + (prod & r->mask);
	*(u32 *)p = len;
	*(u32 *)(p + 4) = 0;
	memcpy(p + 8, rec, len);
	smp_store_release(r->prod, prod + need);
	return 0;
}

/* 6.3 made vm_flags writable only through vm_flags_set/clear (bc292ab00f6c,
 * "mm: introduce vma->vm_flags wrapper functions"). */
static void vma_set(struct vm_area_struct *vma, unsigned long f)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, f);
#else
	vma->vm_flags |= f;
#endif
}

static void vma_clear(struct vm_area_struct *vma, unsigned long f)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, f);
#else
	vma->vm_flags &= ~f;
#endif
}

int kmod_ring_mmap(struct vm_area_struct *vma)
{
	unsigned long n = vma_pages(vma), stride = SAKER_KMOD_STRIDE(ndata);
	unsigned long cpu, rel;
	int ret;

	if (!ndata)
		return -ENODEV;
	cpu = vma->vm_pgoff / stride;
	rel = vma->vm_pgoff % stride;
	if (cpu >= PROBE_CPU_MAX || !rings[cpu] || rel + n > stride)
		return -EINVAL;
	/* only the consumer page may be written */
	if (rel != 0 || n != 1) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vma_clear(vma, VM_MAYWRITE);
	}
	vma_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	for (unsigned long i = 0; i < n; i++) {
		unsigned long k = rel + i;
		struct page *pg = k == 0 ? rings[cpu]->cons_page :
				  k == 1 ? rings[cpu]->prod_page :
				  rings[cpu]->data_pages[(k - 2) % ndata];

		ret = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE, pg);
		if (ret)
			return ret;
	}
	return 0;
}
