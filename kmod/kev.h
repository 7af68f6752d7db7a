/* The kernel module's side of bpf/ev_build.h and bpf/task_read.h: what
 * the shared fillers (bpf/fill_*.h) build on, written as plain kernel C.
 * The CPU's scratch and counters and its ring (kmod_ring.c), the clock,
 * and the BPF helpers and CO-RE macros the fillers call, each with the
 * helper's semantics (a failed read zeroes its destination; string reads
 * return the length with the NUL). Included by bpf/ev_build.h when
 * __KERNEL__ is defined; nothing else includes it. */
#pragma once

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/io_uring.h>
#include <linux/kernfs.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/net.h>
#include <linux/openat2.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/time_types.h>
#include <linux/tty.h>
#include <linux/uaccess.h>
#include <linux/un.h>
#include <linux/version.h>
#include <net/af_unix.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "bpf/probe_abi.h"

/* ---- the CPU's scratch, counters and ring (kmod_ring.c) ---------------- */

struct ev_scratch;

/* Set by the module for the session: each CPU's scratch and counters. */
extern struct ev_scratch *kev_scratch[PROBE_CPU_MAX];
extern struct probe_cnt *kev_cnt[PROBE_CPU_MAX];
extern u64 kev_boot_epoch_ns;
/* Each syscall's ppm_sc code, for generic events. */
extern u16 sc_ppm[PROBE_SC_MAX];

/* Copies a record of len bytes into the CPU's ring: 0, or -ENOSPC when it
 * is full. Called with preemption off, by the CPU that owns the ring. */
int kev_ring_write(u32 cpu, const void *rec, u32 len);

static __always_inline struct ev_scratch *ev_drv_scratch(const u32 *cpu)
{
	return kev_scratch[*cpu & (PROBE_CPU_MAX - 1)];
}

static __always_inline struct probe_cnt *ev_cnt(u32 cpu)
{
	return kev_cnt[cpu & (PROBE_CPU_MAX - 1)];
}

static __always_inline u32 ev_drv_cpu(void)
{
	return smp_processor_id();
}

static __always_inline u32 ev_drv_tid(void)
{
	return current->pid;
}

/* The probe's clock: boot time (bpf_ktime_get_boot_ns) from the epoch. */
static __always_inline u64 ev_drv_now(void)
{
	return kev_boot_epoch_ns + ktime_get_boot_fast_ns();
}

static __always_inline long ev_drv_output(u32 cpu, const void *b, u32 len)
{
	return kev_ring_write(cpu, b, len);
}

static __always_inline u32 ev_bound(u32 v, u32 mask)
{
	return v & mask;
}

/* ---- the BPF helpers the fillers call ----------------------------------- */

static __always_inline long bpf_probe_read_user(void *dst, u32 size, const void *src)
{
	if (copy_from_user_nofault(dst, (const void __user *)src, size)) {
		memset(dst, 0, size);
		return -EFAULT;
	}
	return 0;
}

/* A NUL-terminated string of user memory, at most size bytes with its
 * NUL; the length with the NUL, or -EFAULT (dst zeroed). Faults are not
 * taken: a page not present fails, as in the probe. */
static __always_inline long bpf_probe_read_user_str(void *dst, u32 size, const void *src)
{
	long n;

	if (!size)
		return 0;
	pagefault_disable();
	n = strncpy_from_user(dst, (const char __user *)src, size);
	pagefault_enable();
	if (n < 0) {
		memset(dst, 0, size);
		return n;
	}
	if (n >= size) {
		((char *)dst)[size - 1] = 0;
		return size;
	}
	return n + 1;
}

static __always_inline long bpf_probe_read_kernel(void *dst, u32 size, const void *src)
{
	if (copy_from_kernel_nofault(dst, src, size)) {
		memset(dst, 0, size);
		return -EFAULT;
	}
	return 0;
}

/* Kernel strings come from live kernel objects (names, paths, comm). */
static __always_inline long bpf_probe_read_kernel_str(void *dst, u32 size, const void *src)
{
	size_t n;

	if (!size)
		return 0;
	if (!src) {
		memset(dst, 0, size);
		return -EFAULT;
	}
	n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	((char *)dst)[n] = 0;
	return n + 1;
}

/* fn(i, ctx) for i from 0 until it returns non-zero or n calls. */
static __always_inline long bpf_loop(u32 n, int (*fn)(u32, void *), void *ctx, u64 flags)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (fn(i, ctx))
			return i + 1;
	return n;
}

/* BPF_CORE_READ(p, a, b, c): p->a->b->c, the layout being the one the
 * module is built against. */
#define ___KR_N(_1, _2, _3, _4, _5, N, ...) N
#define ___KR_CAT(a, b) a##b
#define ___KR_SEL(...) ___KR_N(__VA_ARGS__, 5, 4, 3, 2, 1, 0)
#define ___KR1(s, a) ((s)->a)
#define ___KR2(s, a, b) ((s)->a->b)
#define ___KR3(s, a, b, c) ((s)->a->b->c)
#define ___KR4(s, a, b, c, d) ((s)->a->b->c->d)
#define ___KR5(s, a, b, c, d, f) ((s)->a->b->c->d->f)
#define ___KR_GO(n) ___KR_CAT(___KR, n)
#define BPF_CORE_READ(s, ...) ___KR_GO(___KR_SEL(__VA_ARGS__))(s, __VA_ARGS__)
#define bpf_core_field_offset(type, field) offsetof(type, field)

/* ---- kernel structures private to their subsystems ---------------------- */

/* The head of struct mount (fs/mount.h), the same since 3.3. */
struct mount {
	struct hlist_node mnt_hash;
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};

/* Whether an overlayfs inode has its upper dentry: struct ovl_inode of
 * fs/overlayfs/ovl_entry.h as 5.7 to 6.4 have it, vfs_inode followed by
 * __upperdentry. */
static __always_inline bool kev_ovl_upper(struct inode *in)
{
	return *(struct dentry **)(in + 1) != NULL;
}
