/* Fillers of the process syscalls and scheduler tracepoints: the clone
 * family (both sides), execve (failures here, successes from
 * sched_process_exec), process exit, identity changes, sessions, working
 * directory, namespaces, ptrace, signals and prctl. */
#pragma once

#include "bpf/filler.h"

#define TR_S_IMMUTABLE 8
#define TR_SB_RDONLY 1
#define TR_CAP_DAC_OVERRIDE 1
#define TR_PR_SET_NAME 15
#define TR_PR_GET_NAME 16
#define TR_PR_GET_CHILD_SUBREAPER 37
/* execve_flags of flags.def */
#define TR_EXE_WRITABLE 0x1
#define TR_EXE_UPPER_LAYER 0x2
#define TR_EXE_FROM_MEMFD 0x4
#define TR_EXE_LOWER_LAYER 0x8
#define TR_PTRACE_PEEKTEXT 1
#define TR_PTRACE_PEEKUSR 3
#define TR_PTRACE_CONT 7
#define TR_PTRACE_SINGLESTEP 9
#define TR_PTRACE_SYSCALL 24
#define TR_PTRACE_DETACH 17

/* exe and args of the task: argv[0], then the other arguments
 * NUL-separated, read from the task's own argument area. */
static __always_inline void push_exe_args(struct ev *e, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	unsigned long from = mm ? BPF_CORE_READ(mm, arg_start) : 0;
	unsigned long to = mm ? BPF_CORE_READ(mm, arg_end) : 0;
	__u32 before = e->off;

	ev_ustr(e, from);
	from += e->off - before;
	tr_push_user_range(e, from, to);
}

/* Everything a clone-family exit carries after exe and args. */
static __always_inline void push_clone_tail(struct ev *e, struct task_struct *t, long ret,
					    __u32 kflags)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	struct pid *pid = tr_task_pid(t, PIDTYPE_PID);
	struct pid_namespace *ns;
	unsigned int level = pid ? BPF_CORE_READ(pid, level) : 0;
	__u32 flags = fc_clone_flags(kflags);

	ns = pid ? BPF_CORE_READ(pid, numbers[level & 31].ns) : NULL;
	if (level || BPF_CORE_READ(t, nsproxy, pid_ns_for_children) != ns)
		flags |= FC_CTX_CL_CHILD_IN_PIDNS;
	ev_s64(e, BPF_CORE_READ(t, pid));
	ev_s64(e, BPF_CORE_READ(t, tgid));
	ev_s64(e, BPF_CORE_READ(t, real_parent, pid));
	ev_empty(e);	/* cwd: the state keeps the parent's */
	ev_s64(e, BPF_CORE_READ(t, signal, rlim[TR_RLIMIT_NOFILE].rlim_cur));
	ev_u64(e, BPF_CORE_READ(t, maj_flt));
	ev_u64(e, BPF_CORE_READ(t, min_flt));
	ev_u32(e, tr_vm_kb(mm, 0));
	ev_u32(e, tr_vm_kb(mm, 1));
	ev_u32(e, tr_vm_kb(mm, 2));
	ev_kstr(e, BPF_CORE_READ(t, comm));
	tr_push_cgroups(e, t);
	ev_u32(e, flags);
	ev_u32(e, BPF_CORE_READ(t, cred, euid.val));
	ev_u32(e, BPF_CORE_READ(t, cred, egid.val));
	ev_s64(e, tr_pid_nr(tr_task_pid(t, PIDTYPE_PID), 0));
	ev_s64(e, tr_pid_nr(tr_task_pid(t, PIDTYPE_TGID), 0));
	ev_u64(e, ret == 0 && ns ? BPF_CORE_READ(ns, child_reaper, start_time) : 0);
}

static __always_inline int clone_event(__u16 type, long ret, __u32 kflags)
{
	struct task_struct *t = tr_current();

	EV_BEGIN(e, type, 21);
	ev_s64(&e, ret);
	push_exe_args(&e, t);
	push_clone_tail(&e, t, ret, kflags);
	ev_submit(&e);
	return 0;
}

FILLER(clone)
{
	return clone_event(PPME_SYSCALL_CLONE_20_X, ret, ARG(0));
}

FILLER(clone3)
{
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (void *)ARG(0));
	return clone_event(PPME_SYSCALL_CLONE3_X, ret, flags);
}

FILLER(fork)
{
	return clone_event(PPME_SYSCALL_FORK_20_X, ret, 0);
}

FILLER(vfork)
{
	return clone_event(PPME_SYSCALL_VFORK_20_X, ret, 0);
}

static __always_inline __u32 exe_flags(struct task_struct *t, struct file *exe)
{
	struct inode *in = exe ? BPF_CORE_READ(exe, f_inode) : NULL;
	__u32 flags = 0, mode, fsuid, fsgid, iuid, igid;
	char name[8] = {};

	if (!in)
		return 0;
	mode = BPF_CORE_READ(in, i_mode);
	iuid = BPF_CORE_READ(in, i_uid.val);
	igid = BPF_CORE_READ(in, i_gid.val);
	fsuid = BPF_CORE_READ(t, cred, fsuid.val);
	fsgid = BPF_CORE_READ(t, cred, fsgid.val);
	if (!(BPF_CORE_READ(in, i_sb, s_flags) & TR_SB_RDONLY) &&
	    !(BPF_CORE_READ(in, i_flags) & TR_S_IMMUTABLE)) {
		if (fsuid == iuid)
			flags |= TR_EXE_WRITABLE;
		else if ((fsgid == igid ? mode >> 3 : mode) & 2)
			flags |= TR_EXE_WRITABLE;
		else if (tr_cap(t, TR_CAP_EFFECTIVE) & (1ULL << TR_CAP_DAC_OVERRIDE))
			flags |= TR_EXE_WRITABLE;
	}
	switch (tr_ovl_layer(in)) {
	case 1:
		flags |= TR_EXE_UPPER_LAYER;
		break;
	case 2:
		flags |= TR_EXE_LOWER_LAYER;
		break;
	}
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(exe, f_path.dentry, d_name.name));
	if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' &&
	    name[4] == 'd' && name[5] == ':')
		flags |= TR_EXE_FROM_MEMFD;
	return flags;
}

#define TR_ARGV_MAX 64

struct tr_argv {
	struct ev *e;
	unsigned long uargv;
	__u32 total;
};

static int tr_argv_step(__u32 i, void *ctx)
{
	struct tr_argv *a = ctx;
	struct ev *e = a->e;
	unsigned long p = 0;
	__u32 at = e->off + a->total;
	long n;

	/* argv[i + 1]: argv[0] is the exe parameter */
	if (bpf_probe_read_user(&p, sizeof(p), (void *)(a->uargv + 8 * ((unsigned long)i + 1))) || !p)
		return 1;
	if (a->total >= PROBE_PARAM_MAX || at >= PROBE_EV_MAX - PROBE_PARAM_MAX)
		return 1;
	n = ev_ustr_len(bpf_probe_read_user_str(&e->b[at & EV_MASK],
						ev_bound(PROBE_PARAM_MAX - a->total, PROBE_PARAM_MAX * 2 - 1),
						(void *)p));
	if (n <= 0)
		return 1;
	a->total += n;
	return 0;
}

/* argv[1..] of a user argv array, NUL-separated, as the args parameter. */
static __always_inline void push_user_argv(struct ev *e, unsigned long uargv)
{
	struct tr_argv a = { .e = e, .uargv = uargv };

	if (!uargv || ev_room(e) < PROBE_PARAM_MAX) {
		ev_empty(e);
		return;
	}
	bpf_loop(TR_ARGV_MAX, tr_argv_step, &a, 0);
	ev_len(e, a.total > PROBE_PARAM_MAX ? PROBE_PARAM_MAX : a.total);
}

/* The execve exit event: res, then the task as it is now; filename is
 * written by the caller. */
static __always_inline void push_exec_body(struct ev *e, struct task_struct *t, long ret,
					   unsigned long uargv, unsigned long uenvp)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	struct file *exe = mm ? BPF_CORE_READ(mm, exe_file) : NULL;
	struct inode *in = exe ? BPF_CORE_READ(exe, f_inode) : NULL;
	unsigned long env_from = mm ? BPF_CORE_READ(mm, env_start) : 0;
	unsigned long env_to = mm ? BPF_CORE_READ(mm, env_end) : 0;
	__u64 ctime = 0, mtime = 0;

	if (in)
		tr_inode_times(in, &ctime, &mtime);
	ev_s64(e, ret);
	if (ret == 0) {
		push_exe_args(e, t);
	} else {
		/* the old image stays: the arguments of the failed call */
		unsigned long a0 = 0;

		bpf_probe_read_user(&a0, sizeof(a0), (void *)uargv);
		ev_ustr(e, a0);
		push_user_argv(e, uargv);
	}
	ev_s64(e, BPF_CORE_READ(t, pid));
	ev_s64(e, BPF_CORE_READ(t, tgid));
	ev_s64(e, BPF_CORE_READ(t, real_parent, pid));
	ev_empty(e);	/* cwd: the state keeps it */
	ev_u64(e, BPF_CORE_READ(t, signal, rlim[TR_RLIMIT_NOFILE].rlim_cur));
	ev_u64(e, BPF_CORE_READ(t, maj_flt));
	ev_u64(e, BPF_CORE_READ(t, min_flt));
	ev_u32(e, tr_vm_kb(mm, 0));
	ev_u32(e, tr_vm_kb(mm, 1));
	ev_u32(e, tr_vm_kb(mm, 2));
	ev_kstr(e, BPF_CORE_READ(t, comm));
	tr_push_cgroups(e, t);
	if (ret == 0)
		tr_push_user_range(e, env_from, env_to);
	else
		ev_empty(e);
	ev_u32(e, tr_tty(t));
	ev_s64(e, tr_pid_nr(tr_task_pid(t, PIDTYPE_PGID), 0));
	ev_u32(e, tr_loginuid(t));
	ev_u32(e, ret == 0 ? exe_flags(t, exe) : 0);
	ev_u64(e, tr_cap(t, TR_CAP_INHERITABLE));
	ev_u64(e, tr_cap(t, TR_CAP_PERMITTED));
	ev_u64(e, tr_cap(t, TR_CAP_EFFECTIVE));
	ev_u64(e, in ? BPF_CORE_READ(in, i_ino) : 0);
	ev_u64(e, ctime);
	ev_u64(e, mtime);
	ev_u32(e, BPF_CORE_READ(t, cred, euid.val));
	if (ret == 0 && exe)
		tr_push_path(e, &exe->f_path);
	else
		ev_empty(e);
	ev_s64(e, tr_pid_nr(tr_task_pid(t, PIDTYPE_PGID), 1));
	ev_u32(e, BPF_CORE_READ(t, cred, egid.val));
}

/* Failed execve/execveat: the old image is still there. */
FILLER(execve)
{
	struct task_struct *t = tr_current();

	if (ret == 0)
		return 0;	/* sched_process_exec wrote it */
	EV_BEGIN(e, PPME_SYSCALL_EXECVE_19_X, 31);
	push_exec_body(&e, t, ret, ARG(1), ARG(2));
	ev_ustr(&e, ARG(0));
	ev_submit(&e);
	return 0;
}

FILLER(execveat)
{
	struct task_struct *t = tr_current();

	if (ret == 0)
		return 0;
	EV_BEGIN(e, PPME_SYSCALL_EXECVEAT_X, 30);
	push_exec_body(&e, t, ret, ARG(2), ARG(3));
	ev_submit(&e);
	return 0;
}

/* Writes the execve exit of every successful execve and execveat (as the
 * drivers do: the syscall exit cannot tell which it was on every
 * architecture), with the new image. */
static __always_inline int exec_event(struct linux_binprm *bprm)
{
	struct task_struct *t = tr_current();

	EV_BEGIN(e, PPME_SYSCALL_EXECVE_19_X, 31);
	push_exec_body(&e, t, 0, 0, 0);
	ev_kstr(&e, BPF_CORE_READ(bprm, filename));
	ev_submit(&e);
	return 0;
}

/* Process exit: status, exit code, signal, core dump bit. The reaper is
 * left to the state (0), which picks it as Falco's thread manager does. */
static __always_inline int exit_event(struct task_struct *t)
{
	__s64 code = BPF_CORE_READ(t, exit_code);

	EV_BEGIN(e, PPME_PROCEXIT_1_E, 5);
	ev_s64(&e, code);
	ev_s64(&e, (code & 0x7f) ? 0 : (code >> 8) & 0xff);
	ev_u8(&e, code & 0x7f);
	ev_u8(&e, (code & 0x80) != 0);
	ev_s64(&e, 0);
	ev_submit(&e);
	return 0;
}

/* res, then the first n arguments as ids (uid, gid, ruid/euid/suid, ...) */
#define FILLER_RES_IDS(name, type, n)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 1 + (n));					\
		ev_s64(&e, ret);						\
		ev_u32(&e, ARG(0));						\
		if ((n) > 1)							\
			ev_u32(&e, ARG(1));					\
		if ((n) > 2)							\
			ev_u32(&e, ARG(2));					\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_RES_IDS(setuid, PPME_SYSCALL_SETUID_X, 1)
FILLER_RES_IDS(setgid, PPME_SYSCALL_SETGID_X, 1)
FILLER_RES_IDS(setreuid, PPME_SYSCALL_SETREUID_X, 2)
FILLER_RES_IDS(setregid, PPME_SYSCALL_SETREGID_X, 2)
FILLER_RES_IDS(setresuid, PPME_SYSCALL_SETRESUID_X, 3)
FILLER_RES_IDS(setresgid, PPME_SYSCALL_SETRESGID_X, 3)

FILLER(capset)
{
	struct task_struct *t = tr_current();

	EV_BEGIN(e, PPME_SYSCALL_CAPSET_X, 4);
	ev_s64(&e, ret);
	ev_u64(&e, tr_cap(t, TR_CAP_INHERITABLE));
	ev_u64(&e, tr_cap(t, TR_CAP_PERMITTED));
	ev_u64(&e, tr_cap(t, TR_CAP_EFFECTIVE));
	ev_submit(&e);
	return 0;
}

FILLER(setsid)
{
	EV_BEGIN(e, PPME_SYSCALL_SETSID_X, 1);
	ev_s64(&e, ret);
	ev_submit(&e);
	return 0;
}

FILLER(setpgid)
{
	EV_BEGIN(e, PPME_SYSCALL_SETPGID_X, 3);
	ev_s64(&e, ret);
	ev_s64(&e, (int)ARG(0));
	ev_s64(&e, (int)ARG(1));
	ev_submit(&e);
	return 0;
}

FILLER(unshare)
{
	EV_BEGIN(e, PPME_SYSCALL_UNSHARE_X, 2);
	ev_s64(&e, ret);
	ev_u32(&e, fc_unshare_flags(ARG(0)));
	ev_submit(&e);
	return 0;
}

FILLER(setns)
{
	EV_BEGIN(e, PPME_SYSCALL_SETNS_X, 3);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, fc_setns_nstype(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(prctl)
{
	int opt = ARG(0);

	EV_BEGIN(e, PPME_SYSCALL_PRCTL_X, 4);
	ev_s64(&e, ret);
	ev_u32(&e, fc_prctl_option(opt));
	if (opt == TR_PR_SET_NAME || opt == TR_PR_GET_NAME) {
		ev_ustr(&e, ARG(1));
		ev_s64(&e, 0);
	} else {
		__s64 v = ARG(1);

		if (opt == TR_PR_GET_CHILD_SUBREAPER)
			bpf_probe_read_user(&v, 4, (void *)ARG(1)), v = (int)v;
		ev_empty(&e);
		ev_s64(&e, v);
	}
	ev_submit(&e);
	return 0;
}

/* A PT_DYN parameter: the variant index, then the value. */
static __always_inline void push_dyn_u64(struct ev *e, __u8 idx, __u64 v)
{
	__u8 *c = ev_cursor(e);

	if (ev_room(e) < 9) {
		ev_empty(e);
		return;
	}
	c[0] = idx;
	if (idx == 1) {
		c[1] = v;
		ev_len(e, 2);
		return;
	}
	*(__u64 *)&c[1] = v;
	ev_len(e, 9);
}

FILLER(ptrace)
{
	long req = ARG(0);
	__u64 data = ARG(3);

	EV_BEGIN(e, PPME_SYSCALL_PTRACE_X, 5);
	ev_s64(&e, ret);
	push_dyn_u64(&e, 0, ARG(2));
	if (ret >= 0 && req >= TR_PTRACE_PEEKTEXT && req <= TR_PTRACE_PEEKUSR) {
		__u64 v = 0;

		bpf_probe_read_user(&v, sizeof(v), (void *)data);
		push_dyn_u64(&e, 0, v);
	} else if (req == TR_PTRACE_CONT || req == TR_PTRACE_SINGLESTEP ||
		   req == TR_PTRACE_SYSCALL || req == TR_PTRACE_DETACH) {
		push_dyn_u64(&e, 1, data);
	} else {
		push_dyn_u64(&e, 0, data);
	}
	ev_u16(&e, fc_ptrace_request(req));
	ev_s64(&e, (int)ARG(1));
	ev_submit(&e);
	return 0;
}

/* res, the target (pid or tid), the signal */
#define FILLER_SIGNAL(name, type)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 3);						\
		ev_s64(&e, ret);						\
		ev_s64(&e, (int)ARG(0));					\
		ev_u8(&e, ARG(1));						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_SIGNAL(kill, PPME_SYSCALL_KILL_X)
FILLER_SIGNAL(tkill, PPME_SYSCALL_TKILL_X)
