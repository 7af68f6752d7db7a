/* Fillers of the socket syscalls: creation, naming, connections (with
 * their tuples read from the kernel's socket), options, and the
 * send/receive calls watched with heavy I/O. */
#pragma once

#include "bpf/fill_io.h"

#define TR_SOCK_TYPE_MASK 0xf

FILLER(socket)
{
	EV_BEGIN(e, PPME_SOCKET_SOCKET_X, 5);
	ev_s64(&e, ret);
	ev_u32(&e, fc_socket_family(ARG(0)));
	ev_u32(&e, ARG(1) & TR_SOCK_TYPE_MASK);
	ev_u32(&e, ARG(2));
	ev_u32(&e, fc_socket_flags(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(socketpair)
{
	int fds[2] = { -1, -1 };
	__u64 src = 0, peer = 0;

	EV_BEGIN(e, PPME_SOCKET_SOCKETPAIR_X, 8);
	if (ret == 0) {
		bpf_probe_read_user(fds, sizeof(fds), (void *)ARG(3));
		struct socket *so = tr_file_socket(tr_fd_file(fds[0]));
		struct sock *sk = so ? BPF_CORE_READ(so, sk) : NULL;

		src = (__u64)sk;
		peer = sk ? (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer) : 0;
	}
	ev_s64(&e, ret);
	ev_s64(&e, fds[0]);
	ev_s64(&e, fds[1]);
	ev_u64(&e, src);
	ev_u64(&e, peer);
	ev_u32(&e, fc_socket_family(ARG(0)));
	ev_u32(&e, ARG(1) & TR_SOCK_TYPE_MASK);
	ev_u32(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(bind)
{
	EV_BEGIN(e, PPME_SOCKET_BIND_X, 3);
	ev_s64(&e, ret);
	tr_push_sockaddr(&e, ARG(1), ARG(2));
	ev_s64(&e, ARG_FD(0));
	ev_submit(&e);
	return 0;
}

FILLER(listen)
{
	EV_BEGIN(e, PPME_SOCKET_LISTEN_X, 3);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_s64(&e, (int)ARG(1));
	ev_submit(&e);
	return 0;
}

FILLER(connect)
{
	EV_BEGIN(e, PPME_SOCKET_CONNECT_X, 4);
	ev_s64(&e, ret);
	/* a connect still in progress has its tuple already */
	if (ret == 0 || ret == -115)
		tr_push_tuple(&e, ARG_FD(0), 1);
	else
		ev_empty(&e);
	ev_s64(&e, ARG_FD(0));
	tr_push_sockaddr(&e, ARG(1), ARG(2));
	ev_submit(&e);
	return 0;
}

/* fd, tuple, queue fill of the listening socket. */
static __always_inline void push_accept(struct ev *e, long ret, __s64 lfd)
{
	struct socket *so = tr_file_socket(tr_fd_file(lfd));
	struct sock *sk = so ? BPF_CORE_READ(so, sk) : NULL;
	__u32 qlen = 0, qmax = 0;

	ev_s64(e, ret);
	if (ret >= 0)
		tr_push_tuple(e, ret, 0);
	else
		ev_empty(e);
	if (sk) {
		qlen = BPF_CORE_READ(sk, sk_ack_backlog);
		qmax = BPF_CORE_READ(sk, sk_max_ack_backlog);
	}
	ev_u8(e, qmax ? qlen * 100 / qmax : 0);
	ev_u32(e, qlen);
	ev_u32(e, qmax);
}

FILLER(accept)
{
	EV_BEGIN(e, PPME_SOCKET_ACCEPT_5_X, 5);
	push_accept(&e, ret, ARG_FD(0));
	ev_submit(&e);
	return 0;
}

FILLER(accept4)
{
	EV_BEGIN(e, PPME_SOCKET_ACCEPT4_6_X, 6);
	push_accept(&e, ret, ARG_FD(0));
	ev_u32(&e, fc_socket_flags(ARG(3)));
	ev_submit(&e);
	return 0;
}

FILLER(shutdown)
{
	EV_BEGIN(e, PPME_SOCKET_SHUTDOWN_X, 3);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u8(&e, fc_shutdown_how(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(sendto)
{
	__u32 size = ARG(2);

	EV_BEGIN(e, PPME_SOCKET_SENDTO_X, 5);
	ev_s64(&e, ret);
	ev_ubuf(&e, ARG(1), size > PROBE_SNAPLEN ? PROBE_SNAPLEN : size);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, size);
	tr_push_tuple(&e, ARG_FD(0), 1);
	ev_submit(&e);
	return 0;
}

FILLER(recvfrom)
{
	__u32 n = ret > 0 ? ret : 0;

	EV_BEGIN(e, PPME_SOCKET_RECVFROM_X, 5);
	ev_s64(&e, ret);
	ev_ubuf(&e, ARG(1), n > PROBE_SNAPLEN ? PROBE_SNAPLEN : n);
	if (ret >= 0)
		tr_push_tuple(&e, ARG_FD(0), 0);
	else
		ev_empty(&e);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

/* Events with no parameters. */
#define FILLER_BARE(name, type)							\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 0);						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_BARE(getsockname, PPME_SOCKET_GETSOCKNAME_X)
FILLER_BARE(getpeername, PPME_SOCKET_GETPEERNAME_X)

#define TR_SOL_SOCKET 1
#define TR_SO_ERROR 4
#define TR_SO_RCVTIMEO_OLD 20
#define TR_SO_SNDTIMEO_OLD 21
#define TR_SO_COOKIE 57
#define TR_SO_RCVTIMEO_NEW 66
#define TR_SO_SNDTIMEO_NEW 67

/* A socket option's value as a PT_DYN parameter: the error of SO_ERROR,
 * the timeouts as nanoseconds, the cookie as 64 bits, 4-byte values as
 * numbers, anything else as its bytes. */
static __always_inline void push_sockopt(struct ev *e, int level, int name, unsigned long uval,
					 __u32 len)
{
	__u8 *c = ev_cursor(e);

	if (!uval || ev_room(e) < 16 + 256) {
		ev_empty(e);
		return;
	}
	if (level == TR_SOL_SOCKET && name == TR_SO_ERROR) {
		int v = 0;

		bpf_probe_read_user(&v, sizeof(v), (void *)uval);
		c[0] = 1;
		*(__s64 *)&c[1] = -(__s64)v;
		ev_len(e, 9);
	} else if (level == TR_SOL_SOCKET && (name == TR_SO_RCVTIMEO_OLD || name == TR_SO_SNDTIMEO_OLD ||
					      name == TR_SO_RCVTIMEO_NEW || name == TR_SO_SNDTIMEO_NEW)) {
		struct { __s64 sec, usec; } tv = {};

		bpf_probe_read_user(&tv, sizeof(tv), (void *)uval);
		c[0] = 4;
		*(__u64 *)&c[1] = (__u64)tv.sec * 1000000000ULL + (__u64)tv.usec * 1000ULL;
		ev_len(e, 9);
	} else if (level == TR_SOL_SOCKET && name == TR_SO_COOKIE) {
		__u64 v = 0;

		bpf_probe_read_user(&v, sizeof(v), (void *)uval);
		c[0] = 3;
		*(__u64 *)&c[1] = v;
		ev_len(e, 9);
	} else if (len == 4) {
		__u32 v = 0;

		bpf_probe_read_user(&v, sizeof(v), (void *)uval);
		c[0] = 2;
		*(__u32 *)&c[1] = v;
		ev_len(e, 5);
	} else {
		__u32 n = len > 256 ? 256 : len;

		c[0] = 0;
		if (n && bpf_probe_read_user(&c[1], ev_bound(n, 511), (void *)uval))
			n = 0;
		ev_len(e, 1 + n);
	}
}

FILLER(setsockopt)
{
	int level = ARG(1), name = ARG(2);
	__u32 len = ARG(4);

	EV_BEGIN(e, PPME_SOCKET_SETSOCKOPT_X, 6);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u8(&e, fc_sockopt_level(level));
	ev_u8(&e, fc_sockopt_optname(level, name));
	push_sockopt(&e, level, name, ARG(3), len);
	ev_u32(&e, len);
	ev_submit(&e);
	return 0;
}

FILLER(getsockopt)
{
	int level = ARG(1), name = ARG(2);
	__u32 len = 0;

	EV_BEGIN(e, PPME_SOCKET_GETSOCKOPT_X, 6);
	bpf_probe_read_user(&len, sizeof(len), (void *)ARG(4));
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u8(&e, fc_sockopt_level(level));
	ev_u8(&e, fc_sockopt_optname(level, name));
	if (ret == 0)
		push_sockopt(&e, level, name, ARG(3), len);
	else
		ev_empty(&e);
	ev_u32(&e, len);
	ev_submit(&e);
	return 0;
}

struct tr_msghdr {
	unsigned long name;
	int namelen;
	unsigned long iov;
	unsigned long iovlen;
	unsigned long control;
	unsigned long controllen;
	unsigned int flags;
};

FILLER(sendmsg)
{
	struct tr_msghdr m = {};

	EV_BEGIN(e, PPME_SOCKET_SENDMSG_X, 5);
	bpf_probe_read_user(&m, sizeof(m), (void *)ARG(1));
	ev_s64(&e, ret);
	tr_push_iovec(&e, m.iov, m.iovlen, ret > 0 ? (__u32)ret : PROBE_SNAPLEN);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, tr_iovec_size(m.iov, m.iovlen));
	if (ret >= 0)
		tr_push_tuple(&e, ARG_FD(0), 1);
	else
		ev_empty(&e);
	ev_submit(&e);
	return 0;
}

FILLER(recvmsg)
{
	struct tr_msghdr m = {};

	EV_BEGIN(e, PPME_SOCKET_RECVMSG_X, 6);
	bpf_probe_read_user(&m, sizeof(m), (void *)ARG(1));
	ev_s64(&e, ret);
	if (ret >= 0) {
		ev_u32(&e, ret);
		tr_push_iovec(&e, m.iov, m.iovlen, ret);
		tr_push_tuple(&e, ARG_FD(0), 0);
		if (m.control && m.controllen && m.controllen <= 0xffff)
			ev_ubuf(&e, m.control, m.controllen);
		else
			ev_empty(&e);
	} else {
		ev_u32(&e, 0);
		ev_empty(&e);
		ev_empty(&e);
		ev_empty(&e);
	}
	ev_s64(&e, ARG_FD(0));
	ev_submit(&e);
	return 0;
}

/* The first message of a sendmmsg/recvmmsg: its header and byte count. */
struct tr_mmsghdr {
	struct tr_msghdr hdr;
	unsigned int len;
};

FILLER(sendmmsg)
{
	struct tr_mmsghdr m = {};

	EV_BEGIN(e, PPME_SOCKET_SENDMMSG_X, 5);
	bpf_probe_read_user(&m, sizeof(m), (void *)ARG(1));
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, m.len);
	tr_push_iovec(&e, m.hdr.iov, m.hdr.iovlen, ret > 0 ? m.len : 0);
	if (ret > 0)
		tr_push_tuple(&e, ARG_FD(0), 1);
	else
		ev_empty(&e);
	ev_submit(&e);
	return 0;
}

FILLER(recvmmsg)
{
	struct tr_mmsghdr m = {};

	EV_BEGIN(e, PPME_SOCKET_RECVMMSG_X, 6);
	bpf_probe_read_user(&m, sizeof(m), (void *)ARG(1));
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, m.len);
	tr_push_iovec(&e, m.hdr.iov, m.hdr.iovlen, ret > 0 ? m.len : 0);
	if (ret > 0) {
		tr_push_tuple(&e, ARG_FD(0), 0);
		if (m.hdr.control && m.hdr.controllen && m.hdr.controllen <= 0xffff)
			ev_ubuf(&e, m.hdr.control, m.hdr.controllen);
		else
			ev_empty(&e);
	} else {
		ev_empty(&e);
		ev_empty(&e);
	}
	ev_submit(&e);
	return 0;
}
