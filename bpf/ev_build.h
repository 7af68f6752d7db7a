/* Building one PPM event record (bpf/shared/ppm_hdr.h) in the CPU's
 * scratch buffer and handing it to the CPU's ring: the interface the
 * fillers write against. Header, then one 2-byte length per parameter,
 * then the parameters in order; ev_submit stamps time and length. Every
 * write is masked into the scratch buffer, so the BPF verifier sees it
 * bounded; a parameter that does not fit is recorded empty and the event
 * is still sent.
 *
 * Two drivers supply what this file builds on (ev_drv_*: the CPU's scratch
 * and counters, the time, the ring; ev_bound; the bpf_probe_read_* and
 * BPF_CORE_READ family the fillers call): the probe, below, with BPF maps
 * and helpers, and the kernel module (kmod/kev.h) with plain kernel code. */
#pragma once

#include "bpf/probe_abi.h"
#include "bpf/shared/ppm_hdr.h"

#define EV_MASK (PROBE_EV_MAX - 1)

/* A work area beside the event, for strings assembled backwards (paths
 * walked from their last component) before they are copied in. */
struct ev_tmp {
	__u8 b[2 * PROBE_PARAM_MAX];
};

/* The scratch of one CPU: room for a whole event plus the largest
 * parameter read past any masked offset, then the work area. */
struct ev_scratch {
	__u8 b[PROBE_EV_MAX + 2 * PROBE_PARAM_MAX];
	struct ev_tmp tmp;
};

struct ev {
	__u8 *b;
	__u32 off;	/* next parameter byte */
	__u32 i;	/* next parameter */
	__u32 cpu;
};

#ifdef __KERNEL__
#include "kmod/kev.h"
#else
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* one per CPU, set by the loader */
	__type(key, __u32);
	__type(value, struct ev_scratch);
} ev_scratch SEC(".maps");

struct ev_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* set by the loader */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);		/* one per CPU, set by the loader */
	__type(key, __u32);
	__array(values, struct ev_ring);
} ev_rings SEC(".maps");

/* Set by the loader before load. */
const volatile __u64 boot_epoch_ns;	/* epoch time of boot */
/* Per-CPU counters, read by the loader through the mapped .bss. */
struct probe_cnt probe_cnt[PROBE_CPU_MAX];

/* Set before load: each syscall's ppm_sc code, for generic events. */
const volatile __u16 sc_ppm[PROBE_SC_MAX];

/* The scratch of *cpu (a pointer: the event stays in memory, where the
 * compiler leaves the masks the verifier needs alone). */
static __always_inline struct ev_scratch *ev_drv_scratch(const __u32 *cpu)
{
	return bpf_map_lookup_elem(&ev_scratch, cpu);
}

static __always_inline struct probe_cnt *ev_cnt(__u32 cpu)
{
	return &probe_cnt[cpu & (PROBE_CPU_MAX - 1)];
}

static __always_inline __u32 ev_drv_cpu(void)
{
	return bpf_get_smp_processor_id();
}

/* The current thread's id, as the kernel numbers it. */
static __always_inline __u32 ev_drv_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline __u64 ev_drv_now(void)
{
	return boot_epoch_ns + bpf_ktime_get_boot_ns();
}

/* Copies len bytes of the record into the CPU's ring: 0, or non-zero when
 * it is full. */
static __always_inline long ev_drv_output(__u32 cpu, const void *b, __u32 len)
{
	void *ring = bpf_map_lookup_elem(&ev_rings, &cpu);

	return !ring || bpf_ringbuf_output(ring, (void *)b, len, BPF_RB_NO_WAKEUP);
}

/* v & mask in an instruction of its own: the compiler would fold the mask
 * into an earlier check, and the verifier needs to see it. */
static __always_inline __u32 ev_bound(__u32 v, __u32 mask)
{
	asm volatile("%0 &= %1" : "+r"(v) : "i"(mask));
	return v;
}
#endif

static __always_inline struct ev_tmp *ev_tmp(struct ev *e)
{
	return &((struct ev_scratch *)e->b)->tmp;
}

/* Starts an event of type with np parameters for the current thread. */
static __always_inline int ev_begin(struct ev *e, __u16 type, __u32 np)
{
	struct ppm_hdr *h;

	e->cpu = ev_drv_cpu();
	e->b = (__u8 *)ev_drv_scratch(&e->cpu);
	if (!e->b)
		return 0;
	h = (struct ppm_hdr *)e->b;
	h->tid = ev_drv_tid();
	h->type = type;
	h->nparams = np;
	e->i = 0;
	e->off = PPM_HDR_LEN + 2 * (np & 63);
	return 1;
}

/* The thread an event is about, when not the current one (a fork child). */
static __always_inline void ev_set_tid(struct ev *e, __u64 tid)
{
	((struct ppm_hdr *)e->b)->tid = tid;
}

static __always_inline void ev_len(struct ev *e, __u32 len)
{
	__u32 p = PPM_HDR_LEN + 2 * (e->i & 63);

	*(__u16 *)&e->b[ev_bound(p, EV_MASK)] = len;
	e->i++;
	e->off += len;
}

/* Room left for a variable parameter, at most PROBE_PARAM_MAX. */
static __always_inline __u32 ev_room(const struct ev *e)
{
	if (e->off >= PROBE_EV_MAX - 1)
		return 0;
	__u32 r = PROBE_EV_MAX - 1 - e->off;
	return r > PROBE_PARAM_MAX ? PROBE_PARAM_MAX : r;
}

#define EV_FIXED(name, type)							\
	static __always_inline void name(struct ev *e, type v)			\
	{									\
		if (e->off + sizeof(type) > PROBE_EV_MAX - 1) {			\
			ev_len(e, 0);						\
			return;							\
		}								\
		*(type *)&e->b[ev_bound(e->off, EV_MASK)] = v;				\
		ev_len(e, sizeof(type));					\
	}
EV_FIXED(ev_u8, __u8)
EV_FIXED(ev_u16, __u16)
EV_FIXED(ev_u32, __u32)
EV_FIXED(ev_u64, __u64)
EV_FIXED(ev_s64, __s64)
#undef EV_FIXED

static __always_inline void ev_empty(struct ev *e)
{
	ev_len(e, 0);
}

/* The length with its NUL of a user string bpf_probe_read_user_str read:
 * some kernels (6.1 among them) return 0 for an empty string, whose NUL
 * they wrote all the same, where later ones return 1. */
static __always_inline long ev_ustr_len(long n)
{
	return n == 0 ? 1 : n;
}

/* A NUL-terminated string from user memory (its NUL counted, as the
 * drivers do); empty when unreadable. */
static __always_inline void ev_ustr(struct ev *e, unsigned long uptr)
{
	__u32 room = ev_room(e);
	long n = -1;

	if (uptr && room)
		n = ev_ustr_len(bpf_probe_read_user_str(&e->b[ev_bound(e->off, EV_MASK)],
							ev_bound(room, PROBE_PARAM_MAX * 2 - 1),
							(const void *)uptr));
	ev_len(e, n > 0 ? n : 0);
}

static __always_inline void ev_kstr(struct ev *e, const void *kptr)
{
	__u32 room = ev_room(e);
	long n = 0;

	if (kptr && room)
		n = bpf_probe_read_kernel_str(&e->b[ev_bound(e->off, EV_MASK)], ev_bound(room, PROBE_PARAM_MAX * 2 - 1),
					      kptr);
	ev_len(e, n > 0 ? n : 0);
}

/* len bytes of user memory, cut to the room left; empty when unreadable. */
static __always_inline void ev_ubuf(struct ev *e, unsigned long uptr, __u32 len)
{
	__u32 room = ev_room(e);

	if (len > room)
		len = room;
	if (!uptr || !len ||
	    bpf_probe_read_user(&e->b[ev_bound(e->off, EV_MASK)], ev_bound(len, PROBE_PARAM_MAX * 2 - 1),
				(const void *)uptr)) {
		ev_len(e, 0);
		return;
	}
	ev_len(e, len);
}

static __always_inline void ev_kbuf(struct ev *e, const void *kptr, __u32 len)
{
	__u32 room = ev_room(e);

	if (len > room)
		len = room;
	if (!kptr || !len ||
	    bpf_probe_read_kernel(&e->b[ev_bound(e->off, EV_MASK)], ev_bound(len, PROBE_PARAM_MAX * 2 - 1), kptr)) {
		ev_len(e, 0);
		return;
	}
	ev_len(e, len);
}

/* Pointer to where the next parameter's bytes go, and room for them; the
 * caller writes n bytes there and records them with ev_len(e, n). */
static __always_inline __u8 *ev_cursor(struct ev *e)
{
	return &e->b[ev_bound(e->off, EV_MASK)];
}

/* Stamps and sends the event; counts it as sent or dropped. */
static __always_inline void ev_submit(struct ev *e)
{
	struct ppm_hdr *h = (struct ppm_hdr *)e->b;
	struct probe_cnt *c = ev_cnt(e->cpu);
	__u32 len = e->off;

	c->seen++;
	if (len >= PROBE_EV_MAX) {
		c->drop_big++;
		return;
	}
	len = ev_bound(len, EV_MASK);
	h->ts = ev_drv_now();
	h->len = len;
	if (ev_drv_output(e->cpu, e->b, len)) {
		__u32 k = drop_kind_of(h->type);

		c->drop_full++;
		if (k < DROP_KIND_MAX)
			c->drop_kind[k]++;
		return;
	}
	c->sent++;
}
