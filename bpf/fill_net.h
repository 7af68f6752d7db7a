/* Fillers of the socket syscalls: creation, naming, connections (with
 * their tuples read from the kernel's socket), and the send/receive calls
 * watched with heavy I/O. */
#pragma once

#include "bpf/filler.h"

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
