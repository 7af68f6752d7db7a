/* Fillers of the I/O syscalls, watched with heavy I/O (-A): reads and
 * writes in all their forms (the first PROBE_SNAPLEN bytes of the data),
 * copies between fds, seeks, directory reads, stats, waits on fds, locks,
 * futexes and sleeps. */
#pragma once

#include "bpf/filler.h"

#define TR_IOV_MAX 8

struct tr_iovec {
	unsigned long base, len;
};

/* Up to max bytes of the data of an iovec array, first buffers first. */
static __always_inline void tr_push_iovec(struct ev *e, unsigned long uiov, __u32 cnt, __u32 max)
{
	__u8 *c = ev_cursor(e);
	__u32 got = 0;

	if (max > PROBE_SNAPLEN)
		max = PROBE_SNAPLEN;
	if (!uiov || ev_room(e) < PROBE_SNAPLEN) {
		ev_empty(e);
		return;
	}
	for (int i = 0; i < TR_IOV_MAX; i++) {
		struct tr_iovec v = {};
		__u32 n;

		if ((__u32)i >= cnt || got >= max)
			break;
		if (bpf_probe_read_user(&v, sizeof(v), (void *)(uiov + i * sizeof(v))))
			break;
		n = v.len > max - got ? max - got : v.len;
		if (bpf_probe_read_user(&c[ev_bound(got, PROBE_SNAPLEN * 2 - 1)],
					ev_bound(n, PROBE_SNAPLEN * 2 - 1), (void *)v.base))
			break;
		got += n;
	}
	ev_len(e, got);
}

/* The bytes an iovec array describes (its first TR_IOV_MAX buffers). */
static __always_inline __u32 tr_iovec_size(unsigned long uiov, __u32 cnt)
{
	__u64 total = 0;

	for (int i = 0; i < TR_IOV_MAX; i++) {
		struct tr_iovec v = {};

		if ((__u32)i >= cnt || bpf_probe_read_user(&v, sizeof(v), (void *)(uiov + i * sizeof(v))))
			break;
		total += v.len;
	}
	return total > 0xffffffffULL ? 0xffffffffU : (__u32)total;
}

/* res, data (snaplen bytes of what moved), fd, size */
static __always_inline void push_io(struct ev *e, long ret, __s64 fd, unsigned long buf,
				    __u32 size, int read)
{
	__u32 n = read ? (ret > 0 ? ret : 0) : size;

	ev_s64(e, ret);
	ev_ubuf(e, buf, n > PROBE_SNAPLEN ? PROBE_SNAPLEN : n);
	ev_s64(e, fd);
	ev_u32(e, size);
}

FILLER(read)
{
	EV_BEGIN(e, PPME_SYSCALL_READ_X, 4);
	push_io(&e, ret, ARG_FD(0), ARG(1), ARG(2), 1);
	ev_submit(&e);
	return 0;
}

FILLER(write)
{
	EV_BEGIN(e, PPME_SYSCALL_WRITE_X, 4);
	push_io(&e, ret, ARG_FD(0), ARG(1), ARG(2), 0);
	ev_submit(&e);
	return 0;
}

FILLER(pread64)
{
	EV_BEGIN(e, PPME_SYSCALL_PREAD_X, 5);
	push_io(&e, ret, ARG_FD(0), ARG(1), ARG(2), 1);
	ev_u64(&e, ARG(3));
	ev_submit(&e);
	return 0;
}

FILLER(pwrite64)
{
	EV_BEGIN(e, PPME_SYSCALL_PWRITE_X, 5);
	push_io(&e, ret, ARG_FD(0), ARG(1), ARG(2), 0);
	ev_u64(&e, ARG(3));
	ev_submit(&e);
	return 0;
}

/* readv and preadv: res, size read, data, fd */
static __always_inline void push_readv(struct ev *e, long ret, unsigned long uiov, __u32 cnt,
				       __s64 fd)
{
	ev_s64(e, ret);
	if (ret > 0) {
		ev_u32(e, ret);
		tr_push_iovec(e, uiov, cnt, ret);
	} else {
		ev_u32(e, 0);
		ev_empty(e);
	}
	ev_s64(e, fd);
}

FILLER(readv)
{
	EV_BEGIN(e, PPME_SYSCALL_READV_X, 4);
	push_readv(&e, ret, ARG(1), ARG(2), ARG_FD(0));
	ev_submit(&e);
	return 0;
}

FILLER(preadv)
{
	EV_BEGIN(e, PPME_SYSCALL_PREADV_X, 5);
	push_readv(&e, ret, ARG(1), ARG(2), ARG_FD(0));
	ev_u64(&e, ARG(3));
	ev_submit(&e);
	return 0;
}

/* writev and pwritev: res, data, fd, size asked */
static __always_inline void push_writev(struct ev *e, long ret, unsigned long uiov, __u32 cnt,
					__s64 fd)
{
	__u32 size = tr_iovec_size(uiov, cnt);

	ev_s64(e, ret);
	tr_push_iovec(e, uiov, cnt, ret > 0 ? (__u32)ret : size);
	ev_s64(e, fd);
	ev_u32(e, size);
}

FILLER(writev)
{
	EV_BEGIN(e, PPME_SYSCALL_WRITEV_X, 4);
	push_writev(&e, ret, ARG(1), ARG(2), ARG_FD(0));
	ev_submit(&e);
	return 0;
}

FILLER(pwritev)
{
	EV_BEGIN(e, PPME_SYSCALL_PWRITEV_X, 5);
	push_writev(&e, ret, ARG(1), ARG(2), ARG_FD(0));
	ev_u64(&e, ARG(3));
	ev_submit(&e);
	return 0;
}

FILLER(sendfile)
{
	__u64 off = 0;

	EV_BEGIN(e, PPME_SYSCALL_SENDFILE_X, 5);
	if (ARG(2))
		bpf_probe_read_user(&off, sizeof(off), (void *)ARG(2));
	ev_s64(&e, ret);
	ev_u64(&e, off);
	ev_s64(&e, ARG_FD(0));
	ev_s64(&e, ARG_FD(1));
	ev_u64(&e, ARG(3));
	ev_submit(&e);
	return 0;
}

FILLER(splice)
{
	EV_BEGIN(e, PPME_SYSCALL_SPLICE_X, 5);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_s64(&e, ARG_FD(2));
	ev_u64(&e, ARG(4));
	ev_u32(&e, fc_splice_flags(ARG(5)));
	ev_submit(&e);
	return 0;
}

FILLER(copy_file_range)
{
	__u64 offin = 0, offout = 0;

	EV_BEGIN(e, PPME_SYSCALL_COPY_FILE_RANGE_X, 6);
	if (ARG(1))
		bpf_probe_read_user(&offin, sizeof(offin), (void *)ARG(1));
	if (ARG(3))
		bpf_probe_read_user(&offout, sizeof(offout), (void *)ARG(3));
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(2));
	ev_u64(&e, offout);
	ev_s64(&e, ARG_FD(0));
	ev_u64(&e, offin);
	ev_u64(&e, ARG(4));
	ev_submit(&e);
	return 0;
}

FILLER(lseek)
{
	EV_BEGIN(e, PPME_SYSCALL_LSEEK_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u64(&e, ARG(1));
	ev_u8(&e, fc_lseek_whence(ARG(2)));
	ev_submit(&e);
	return 0;
}

/* res, fd */
#define FILLER_RES_FD(name, type)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 2);						\
		ev_s64(&e, ret);						\
		ev_s64(&e, ARG_FD(0));						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_RES_FD(getdents, PPME_SYSCALL_GETDENTS_X)
FILLER_RES_FD(getdents64, PPME_SYSCALL_GETDENTS64_X)
FILLER_RES_FD(fstat, PPME_SYSCALL_FSTAT_X)

FILLER(stat)
{
	EV_BEGIN(e, PPME_SYSCALL_STAT_X, 2);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_submit(&e);
	return 0;
}

FILLER(lstat)
{
	EV_BEGIN(e, PPME_SYSCALL_LSTAT_X, 2);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_submit(&e);
	return 0;
}

FILLER(newfstatat)
{
	EV_BEGIN(e, PPME_SYSCALL_NEWFSTATAT_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_u32(&e, fc_newfstatat_flags(ARG(3)));
	ev_submit(&e);
	return 0;
}

FILLER(flock)
{
	EV_BEGIN(e, PPME_SYSCALL_FLOCK_X, 3);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, fc_flock_flags(ARG(1)));
	ev_submit(&e);
	return 0;
}

struct tr_pollfd {
	int fd;
	short events, revents;
};

#define TR_POLL_MAX 16

/* The fds polled with the events they returned: a count, then (fd as 8
 * bytes, flags as 2) pairs, at most TR_POLL_MAX. */
static __always_inline void tr_push_fdlist(struct ev *e, unsigned long ufds, __u32 nfds)
{
	__u8 *c = ev_cursor(e);
	__u32 n = nfds < TR_POLL_MAX ? nfds : TR_POLL_MAX, i;

	if (ev_room(e) < 2 + TR_POLL_MAX * 10) {
		ev_empty(e);
		return;
	}
	for (i = 0; i < TR_POLL_MAX && i < n; i++) {
		struct tr_pollfd p = {};

		if (bpf_probe_read_user(&p, sizeof(p), (void *)(ufds + i * sizeof(p))))
			break;
		*(__s64 *)&c[2 + i * 10] = p.fd;
		*(__s16 *)&c[2 + i * 10 + 8] = fc_poll_events(p.revents);
	}
	*(__u16 *)c = i;
	ev_len(e, 2 + i * 10);
}

FILLER(poll)
{
	EV_BEGIN(e, PPME_SYSCALL_POLL_X, 3);
	ev_s64(&e, ret);
	tr_push_fdlist(&e, ARG(0), ARG(1));
	ev_s64(&e, (int)ARG(2));
	ev_submit(&e);
	return 0;
}

static __always_inline __u64 tr_user_timespec_ns(unsigned long uts)
{
	struct __kernel_timespec ts = {};

	if (!uts || bpf_probe_read_user(&ts, sizeof(ts), (void *)uts))
		return 0;
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

FILLER(ppoll)
{
	__u64 mask = 0;

	EV_BEGIN(e, PPME_SYSCALL_PPOLL_X, 4);
	if (ARG(3))
		bpf_probe_read_user(&mask, sizeof(mask), (void *)ARG(3));
	ev_s64(&e, ret);
	tr_push_fdlist(&e, ARG(0), ARG(1));
	ev_u64(&e, tr_user_timespec_ns(ARG(2)));
	ev_u32(&e, (__u32)mask);
	ev_submit(&e);
	return 0;
}

FILLER(select)
{
	EV_BEGIN(e, PPME_SYSCALL_SELECT_X, 1);
	ev_s64(&e, ret);
	ev_submit(&e);
	return 0;
}

FILLER(epoll_wait)
{
	EV_BEGIN(e, PPME_SYSCALL_EPOLLWAIT_X, 2);
	ev_s64(&e, ret);
	ev_s64(&e, (int)ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(futex)
{
	EV_BEGIN(e, PPME_SYSCALL_FUTEX_X, 4);
	ev_s64(&e, ret);
	ev_u64(&e, ARG(0));
	ev_u16(&e, fc_futex_op(ARG(1)));
	ev_u64(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(nanosleep)
{
	EV_BEGIN(e, PPME_SYSCALL_NANOSLEEP_X, 2);
	ev_s64(&e, ret);
	ev_u64(&e, tr_user_timespec_ns(ARG(0)));
	ev_submit(&e);
	return 0;
}
