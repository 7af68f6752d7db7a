// SPDX-License-Identifier: GPL-2.0-only
/* saker's probe: one tp_btf program on sys_exit that drops every syscall
 * the rules do not need before doing any work, and tail-calls the filler
 * of those they do; scheduler tracepoints for successful execs and process
 * exits. Events go to the ring buffer of the CPU that made them. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "bpf/shared/ppm_events.h"
#include "bpf/fill_file.h"
#include "bpf/fill_io.h"
#include "bpf/fill_mem.h"
#include "bpf/fill_net.h"
#include "bpf/fill_proc.h"
#include "bpf/fill_sys.h"

char LICENSE[] SEC("license") = "GPL";

/* Written by the loader at any time (mapped .bss): which syscall numbers
 * are wanted, and the process whose own syscalls are not (0: none). */
__u8 sc_on[PROBE_SC_MAX];
__u32 skip_tgid;

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, PROBE_SC_MAX);
	__type(key, __u32);
	__type(value, __u32);
} fillers SEC(".maps");

static __always_inline int wanted(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return !skip_tgid || tgid != skip_tgid;
}

/* A 32-bit process's syscall numbers are another table's: its syscalls
 * are not reported (as Falco's probe does without its ia32 support). */
static __always_inline int compat_syscall(void)
{
#if defined(__TARGET_ARCH_x86)
	return (tr_current()->thread_info.status & TR_TS_COMPAT) != 0;
#else
	return 0;
#endif
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u64 id = SC_ID(regs);

	if (id >= PROBE_SC_MAX || !sc_on[id] || !wanted() || compat_syscall())
		return 0;
	bpf_tail_call(ctx, &fillers, (__u32)id);
	return 0;
}

/* Run once by the loader (BPF_PROG_RUN, in the loader's own context): the
 * process to leave out, as the kernel numbers it, which getpid() inside a
 * pid namespace does not tell. */
SEC("syscall")
int self_tgid(void *ctx)
{
	skip_tgid = bpf_get_current_pid_tgid() >> 32;
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if ((BPF_CORE_READ(p, flags) & TR_PF_KTHREAD) || !sc_on[PROBE_SC_EXECVE] || !wanted())
		return 0;
	return exec_event(bprm);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *p)
{
	if ((BPF_CORE_READ(p, flags) & TR_PF_KTHREAD) || !wanted())
		return 0;
	return exit_event(p);
}
