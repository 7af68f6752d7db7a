/* The per-CPU rings of a session (kmod_ring.c): allocated when user space
 * asks, written by the hooks of their CPU, mapped by user space (see
 * kmod_abi.h for the layout). Prefix kmod_ring_. */
#pragma once

#include <linux/mm_types.h>
#include <linux/types.h>

struct probe_cnt;

/* Allocates one ring of ring_bytes per possible CPU and the CPUs' scratch;
 * records are stamped from boot_epoch_ns, the epoch time of boot.
 * 0 or -errno. */
int kmod_ring_alloc(u64 ring_bytes, u64 boot_epoch_ns);
void kmod_ring_free(void);
bool kmod_ring_ready(void);
/* Maps the pages the vma's offset names. 0 or -errno. */
int kmod_ring_mmap(struct vm_area_struct *vma);
/* The counters of cpu (NULL before the rings exist). */
const struct probe_cnt *kmod_ring_cnt(u32 cpu);
