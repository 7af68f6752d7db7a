/* What saker's kernel module and its user-space side (runtime/src_kmod.c)
 * agree on: the device, the ioctls, the build the two must share, and the
 * layout of the per-CPU rings user space maps. Included by both. */
#pragma once

#ifdef __KERNEL__
#include <linux/ioctl.h>
#include <linux/types.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#include "bpf/probe_abi.h"
#include "kmod_build_id.h"	/* SAKER_KMOD_BUILD, generated from the sources */

#define SAKER_KMOD_NAME "saker"
#define SAKER_KMOD_DEV "/dev/saker"
/* The version of this interface. */
#define SAKER_KMOD_API 1

struct saker_kmod_info {
	__u32 api;		/* SAKER_KMOD_API */
	__u32 ncpus;		/* possible CPUs: one ring each */
	char build[64];		/* SAKER_KMOD_BUILD of the module */
};

/* A session's rings: bytes per CPU (a power of two, at least a page), and
 * the epoch time of boot, the base of the records' timestamps. */
struct saker_kmod_setup {
	__u64 ring_bytes;
	__u64 boot_epoch_ns;
};

/* The wanted syscalls, by number: PROBE_SC_ON or PROBE_SC_OFF each. */
struct saker_kmod_syscalls {
	__u8 on[PROBE_SC_MAX];
};

struct saker_kmod_stats {
	__u32 cpu;		/* in */
	__u32 pad;
	struct probe_cnt cnt;	/* out: seen = sent + drop_full + drop_big */
};

#define SAKER_IOC_INFO _IOR('S', 1, struct saker_kmod_info)
/* Allocates the rings; once per open. */
#define SAKER_IOC_SETUP _IOW('S', 2, struct saker_kmod_setup)
#define SAKER_IOC_SYSCALLS _IOW('S', 3, struct saker_kmod_syscalls)
/* Leaves the caller's process (as the kernel numbers it) out. */
#define SAKER_IOC_SKIP_SELF _IO('S', 4)
/* Starts and stops the hooks; a stop returns once no hook runs. */
#define SAKER_IOC_ATTACH _IO('S', 5)
#define SAKER_IOC_DETACH _IO('S', 6)
#define SAKER_IOC_STATS _IOWR('S', 7, struct saker_kmod_stats)

/* The mapping of the device: for CPU c, at page c * SAKER_KMOD_STRIDE(n)
 * (n data pages), the consumer page (the position read up to, written by
 * user space: the only page it may map writable), the producer page (the
 * position written up to, then the CPU's counters), and the n data pages
 * twice over, so a record that wraps is contiguous. A record is the BPF
 * ring buffer's: a 4-byte length, 4 bytes of zero, the PPM event, padded
 * to 8 bytes. */
#define SAKER_KMOD_STRIDE(n) (2 + 2 * (n))
#define SAKER_KMOD_CNT_OFF 64	/* struct probe_cnt in the producer page */
