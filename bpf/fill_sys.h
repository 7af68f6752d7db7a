/* Fillers of the remaining system syscalls: the generic event of those
 * without one of their own, identity queries, signals to threads, resource
 * limits, cross-process memory access, seccomp, keys, System V semaphores,
 * io_uring and disk quotas. */
#pragma once

#include "bpf/fill_io.h"

/* A syscall with no event of its own: its ppm_sc code and number. */
FILLER(generic)
{
	__u32 id = SC_ID(regs);

	EV_BEGIN(e, PPME_GENERIC_X, 2);
	ev_u16(&e, sc_ppm[id & (PROBE_SC_MAX - 1)]);
	ev_u16(&e, id);
	ev_submit(&e);
	return 0;
}

/* the id the call returned */
#define FILLER_GETID(name, type)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 1);						\
		ev_u32(&e, ret);						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_GETID(getuid, PPME_SYSCALL_GETUID_X)
FILLER_GETID(getgid, PPME_SYSCALL_GETGID_X)
FILLER_GETID(geteuid, PPME_SYSCALL_GETEUID_X)
FILLER_GETID(getegid, PPME_SYSCALL_GETEGID_X)

/* res, then the three ids the call wrote */
#define FILLER_GETRES(name, type)						\
	FILLER(name)								\
	{									\
		__u32 a = 0, b = 0, c = 0;					\
									\
		EV_BEGIN(e, type, 4);						\
		bpf_probe_read_user(&a, 4, (void *)ARG(0));			\
		bpf_probe_read_user(&b, 4, (void *)ARG(1));			\
		bpf_probe_read_user(&c, 4, (void *)ARG(2));			\
		ev_s64(&e, ret);						\
		ev_u32(&e, a);							\
		ev_u32(&e, b);							\
		ev_u32(&e, c);							\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_GETRES(getresuid, PPME_SYSCALL_GETRESUID_X)
FILLER_GETRES(getresgid, PPME_SYSCALL_GETRESGID_X)

FILLER(tgkill)
{
	EV_BEGIN(e, PPME_SYSCALL_TGKILL_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, (int)ARG(0));
	ev_s64(&e, (int)ARG(1));
	ev_u8(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

struct tr_rlimit {
	__s64 cur, max;
};

static __always_inline struct tr_rlimit tr_user_rlimit(unsigned long u)
{
	struct tr_rlimit r = { -1, -1 };

	if (u)
		bpf_probe_read_user(&r, sizeof(r), (void *)u);
	return r;
}

FILLER(getrlimit)
{
	struct tr_rlimit r = { -1, -1 };

	EV_BEGIN(e, PPME_SYSCALL_GETRLIMIT_X, 4);
	if (ret == 0)
		r = tr_user_rlimit(ARG(1));
	ev_s64(&e, ret);
	ev_s64(&e, r.cur);
	ev_s64(&e, r.max);
	ev_u8(&e, fc_rlimit_resource(ARG(0)));
	ev_submit(&e);
	return 0;
}

FILLER(setrlimit)
{
	struct tr_rlimit r = tr_user_rlimit(ARG(1));

	EV_BEGIN(e, PPME_SYSCALL_SETRLIMIT_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, r.cur);
	ev_s64(&e, r.max);
	ev_u8(&e, fc_rlimit_resource(ARG(0)));
	ev_submit(&e);
	return 0;
}

FILLER(prlimit64)
{
	struct tr_rlimit n = tr_user_rlimit(ARG(2)), o = { -1, -1 };

	EV_BEGIN(e, PPME_SYSCALL_PRLIMIT_X, 7);
	if (ret == 0)
		o = tr_user_rlimit(ARG(3));
	ev_s64(&e, ret);
	ev_s64(&e, n.cur);
	ev_s64(&e, n.max);
	ev_s64(&e, o.cur);
	ev_s64(&e, o.max);
	ev_s64(&e, (int)ARG(0));
	ev_u8(&e, fc_rlimit_resource(ARG(1)));
	ev_submit(&e);
	return 0;
}

/* res, pid, the first bytes moved (local side) */
#define FILLER_PROCESS_VM(name, type)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 3);						\
		ev_s64(&e, ret);						\
		ev_s64(&e, (int)ARG(0));					\
		if (ret > 0)							\
			tr_push_iovec(&e, ARG(1), ARG(2), ret);			\
		else								\
			ev_empty(&e);						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_PROCESS_VM(process_vm_readv, PPME_SYSCALL_PROCESS_VM_READV_X)
FILLER_PROCESS_VM(process_vm_writev, PPME_SYSCALL_PROCESS_VM_WRITEV_X)

FILLER(seccomp)
{
	EV_BEGIN(e, PPME_SYSCALL_SECCOMP_X, 3);
	ev_s64(&e, ret);
	ev_u64(&e, ARG(0));
	ev_u64(&e, (__u32)ARG(1));
	ev_submit(&e);
	return 0;
}

/* What each keyctl operation's arguments 2 to 5 are, two bits each (from
 * the low bits): 0 absent (written as 0), 1 a number, 2 a string. */
#define KA(a, b, c, d) ((a) | (b) << 2 | (c) << 4 | (d) << 6)
static const volatile __u8 keyctl_args[33] = {
	KA(1, 1, 0, 0), KA(2, 0, 0, 0), KA(1, 1, 1, 0), KA(1, 0, 0, 0), KA(1, 1, 1, 0),
	KA(1, 1, 0, 0), KA(1, 1, 1, 0), KA(1, 0, 0, 0), KA(1, 1, 0, 0), KA(1, 1, 0, 0),
	KA(1, 2, 2, 1), KA(1, 1, 1, 0), KA(1, 1, 1, 1), KA(1, 1, 1, 0), KA(1, 0, 0, 0),
	KA(1, 1, 0, 0), KA(1, 0, 0, 0), KA(1, 1, 1, 0), KA(0, 0, 0, 0), KA(1, 1, 1, 1),
	KA(1, 1, 1, 1), KA(1, 0, 0, 0), KA(1, 1, 0, 0), KA(1, 1, 1, 1), KA(1, 1, 2, 0),
	KA(1, 2, 1, 1), KA(1, 2, 1, 1), KA(1, 2, 1, 1), KA(1, 2, 1, 1), KA(1, 2, 2, 0),
	KA(1, 1, 1, 1), KA(1, 1, 0, 0), KA(1, 1, 1, 0),
};
#undef KA

/* A keyctl argument as a PT_DYN: variant 0 a number, 1 a string. */
static __always_inline void push_keyctl_arg(struct ev *e, __u32 kind, unsigned long v)
{
	__u8 *c = ev_cursor(e);
	__u32 before;

	if (ev_room(e) < 16) {
		ev_empty(e);
		return;
	}
	if (kind == 2) {
		long n = bpf_probe_read_user_str(&c[1], 256, (void *)v);

		c[0] = 1;
		if (n <= 0) {
			c[1] = 0;
			n = 1;
		}
		before = 1 + (__u32)n;
		ev_len(e, before);
		return;
	}
	c[0] = 0;
	*(__s64 *)&c[1] = kind ? (__s64)v : 0;
	ev_len(e, 9);
}

FILLER(keyctl)
{
	__u32 op = fc_keyctl_op(ARG(0)), kinds = op < 33 ? keyctl_args[op & 63] : 0;

	EV_BEGIN(e, PPME_SYSCALL_KEYCTL_X, 6);
	ev_s64(&e, ret);
	ev_u32(&e, op);
	push_keyctl_arg(&e, kinds & 3, ARG(1));
	push_keyctl_arg(&e, (kinds >> 2) & 3, ARG(2));
	push_keyctl_arg(&e, (kinds >> 4) & 3, ARG(3));
	push_keyctl_arg(&e, (kinds >> 6) & 3, ARG(4));
	ev_submit(&e);
	return 0;
}

struct tr_sembuf {
	__u16 num;
	__s16 op;
	__s16 flg;
};

FILLER(semop)
{
	struct tr_sembuf s[2] = {};
	__u32 n = ARG(2);

	EV_BEGIN(e, PPME_SYSCALL_SEMOP_X, 9);
	if (ret == 0 && ARG(1) && n)
		bpf_probe_read_user(s, n == 1 ? sizeof(s[0]) : sizeof(s), (void *)ARG(1));
	ev_s64(&e, ret);
	ev_u32(&e, n);
	ev_u16(&e, s[0].num);
	ev_u16(&e, s[0].op);
	ev_u16(&e, fc_semop_flags(s[0].flg));
	ev_u16(&e, s[1].num);
	ev_u16(&e, s[1].op);
	ev_u16(&e, fc_semop_flags(s[1].flg));
	ev_u32(&e, (int)ARG(0));
	ev_submit(&e);
	return 0;
}

FILLER(semget)
{
	EV_BEGIN(e, PPME_SYSCALL_SEMGET_X, 4);
	ev_s64(&e, ret);
	ev_u32(&e, (int)ARG(0));
	ev_u32(&e, (int)ARG(1));
	ev_u32(&e, fc_semget_flags(ARG(2)));
	ev_submit(&e);
	return 0;
}

#define TR_SETVAL 16

FILLER(semctl)
{
	__u32 cmd = ARG(2);

	EV_BEGIN(e, PPME_SYSCALL_SEMCTL_X, 5);
	ev_s64(&e, ret);
	ev_u32(&e, (int)ARG(0));
	ev_u32(&e, (int)ARG(1));
	ev_u16(&e, fc_semctl_cmd(cmd));
	ev_u32(&e, cmd == TR_SETVAL ? (int)ARG(3) : 0);
	ev_submit(&e);
	return 0;
}

FILLER(io_uring_enter)
{
	EV_BEGIN(e, PPME_SYSCALL_IO_URING_ENTER_X, 6);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, ARG(1));
	ev_u32(&e, ARG(2));
	ev_u32(&e, fc_io_uring_enter_flags(ARG(3)));
	ev_u32(&e, ARG(4));
	ev_submit(&e);
	return 0;
}

FILLER(io_uring_register)
{
	EV_BEGIN(e, PPME_SYSCALL_IO_URING_REGISTER_X, 5);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u16(&e, fc_io_uring_register_opcode(ARG(1)));
	ev_u64(&e, ARG(2));
	ev_u32(&e, ARG(3));
	ev_submit(&e);
	return 0;
}

/* quotactl_cmds values the filler tests */
#define TR_Q_QUOTAON 0x1
#define TR_Q_GETFMT 0x4
#define TR_Q_GETINFO 0x8
#define TR_Q_SETINFO 0x10
#define TR_Q_GETQUOTA 0x20
#define TR_Q_SETQUOTA 0x40
#define TR_Q_XGETQUOTA 0x400
#define TR_Q_XSETQLIM 0x800
#define TR_QFMT_NOT_USED 0x1

/* struct if_dqblk and struct if_dqinfo of the quota uapi, and which of
 * their fields are valid */
struct tr_dqblk {
	__u64 bhardlimit, bsoftlimit, curspace, ihardlimit, isoftlimit, curinodes, btime, itime;
	__u32 valid;
};
struct tr_dqinfo {
	__u64 bgrace, igrace;
	__u32 flags, valid;
};

FILLER(quotactl)
{
	__u32 kcmd = ARG(0), id = ARG(2);
	__u16 cmd = fc_quotactl_cmd(kcmd);
	unsigned long addr = ARG(3);
	struct tr_dqblk b = {};
	struct tr_dqinfo i = {};
	__u32 fmt_out = TR_QFMT_NOT_USED;

	EV_BEGIN(e, PPME_SYSCALL_QUOTACTL_X, 18);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(1));
	if (cmd == TR_Q_QUOTAON)
		ev_ustr(&e, addr);
	else
		ev_empty(&e);
	if (cmd == TR_Q_GETQUOTA || cmd == TR_Q_SETQUOTA)
		bpf_probe_read_user(&b, sizeof(b), (void *)addr);
	ev_u64(&e, (b.valid & 1) ? b.bhardlimit : 0);	/* QIF_BLIMITS */
	ev_u64(&e, (b.valid & 1) ? b.bsoftlimit : 0);
	ev_u64(&e, (b.valid & 2) ? b.curspace : 0);	/* QIF_SPACE */
	ev_u64(&e, (b.valid & 4) ? b.ihardlimit : 0);	/* QIF_ILIMITS */
	ev_u64(&e, (b.valid & 4) ? b.isoftlimit : 0);
	ev_u64(&e, (b.valid & 16) ? b.btime : 0);	/* QIF_BTIME */
	ev_u64(&e, (b.valid & 32) ? b.itime : 0);	/* QIF_ITIME */
	if (cmd == TR_Q_GETINFO || cmd == TR_Q_SETINFO)
		bpf_probe_read_user(&i, sizeof(i), (void *)addr);
	ev_u64(&e, (i.valid & 1) ? i.bgrace : 0);	/* IIF_BGRACE */
	ev_u64(&e, (i.valid & 2) ? i.igrace : 0);	/* IIF_IGRACE */
	ev_u8(&e, (i.valid & 4) ? fc_quotactl_dqi_flags(i.flags) : 0);	/* IIF_FLAGS */
	if (cmd == TR_Q_GETFMT) {
		__u32 f = 0;

		bpf_probe_read_user(&f, sizeof(f), (void *)addr);
		fmt_out = fc_quotactl_fmt(f);
	}
	ev_u8(&e, fmt_out);
	ev_u16(&e, cmd);
	ev_u8(&e, fc_quotactl_type(kcmd));
	ev_u32(&e, (cmd == TR_Q_GETQUOTA || cmd == TR_Q_SETQUOTA || cmd == TR_Q_XGETQUOTA ||
		    cmd == TR_Q_XSETQLIM) ? id : 0);
	ev_u8(&e, cmd == TR_Q_QUOTAON ? fc_quotactl_fmt(id) : TR_QFMT_NOT_USED);
	ev_submit(&e);
	return 0;
}
