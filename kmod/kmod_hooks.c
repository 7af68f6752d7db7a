// SPDX-License-Identifier: GPL-2.0-only
/* The hooks (see kmod_hooks.h). At syscall exit, a syscall the rules do
 * not want (or of the skipped process, or a 32-bit one, which the probe
 * does not report either) returns after one table lookup; a wanted one
 * goes to its filler, the very code of the probe's (bpf/fill_*.h, built
 * here against kmod/kev.h), or to the generic filler. A successful
 * execve is written from sched_process_exec, process exits from
 * sched_process_exit, as the probe does. */
#include "kmod_hooks.h"

#include <linux/compat.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>

#include "bpf/shared/ppm_events.h"
#include "bpf/fill_file.h"
#include "bpf/fill_io.h"
#include "bpf/fill_mem.h"
#include "bpf/fill_net.h"
#include "bpf/fill_proc.h"
#include "bpf/fill_sys.h"

typedef int (*kmod_filler)(struct pt_regs *regs, long ret);

/* Every syscall's filler: the one of its name when the fillers have it
 * (the weak declarations below resolve to nothing otherwise), else the
 * generic one. Numbers of this architecture. */
#ifdef CONFIG_X86_64
#define SC_NR(x86, a64) (x86)
#else
#define SC_NR(x86, a64) (a64)
#endif

#define SC(name, ppm, x86, a64, enter, exit) int fl_##name(struct pt_regs *regs, long ret) __weak;
#include "bpf/shared/syscalls.def"
#undef SC

u16 sc_ppm[PROBE_SC_MAX];

static const struct {
	int nr;
	kmod_filler fill;	/* NULL: generic */
	u16 ppm;
} syscalls[] = {
#define SC(name, ppm, x86, a64, enter, exit) { SC_NR(x86, a64), fl_##name, ppm },
#include "bpf/shared/syscalls.def"
#undef SC
};

static kmod_filler fillers[PROBE_SC_MAX];
static u8 sc_on[PROBE_SC_MAX];
static pid_t skip_tgid;
static bool attached;

static struct tracepoint *tp_sys_exit, *tp_exec, *tp_exit;

static void find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_exit"))
		tp_sys_exit = tp;
	else if (!strcmp(tp->name, "sched_process_exec"))
		tp_exec = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		tp_exit = tp;
}

static bool wanted(void)
{
	return !skip_tgid || current->tgid != READ_ONCE(skip_tgid);
}

static void on_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long id = syscall_get_nr(current, regs);

	if (id < 0 || id >= PROBE_SC_MAX || !READ_ONCE(sc_on[id]) || !wanted() || in_compat_syscall())
		return;
	/* the CPU's scratch and ring are ours until the event is out (kernels
	 * whose syscall tracepoints may fault run them preemptible) */
	preempt_disable_notrace();
	fillers[id](regs, ret);
	preempt_enable_notrace();
}

static void on_exec(void *data, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if ((p->flags & PF_KTHREAD) || !READ_ONCE(sc_on[PROBE_SC_EXECVE]) || !wanted())
		return;
	preempt_disable_notrace();
	exec_event(bprm);
	preempt_enable_notrace();
}

static void on_exit(void *data, struct task_struct *p)
{
	if ((p->flags & PF_KTHREAD) || !wanted())
		return;
	preempt_disable_notrace();
	exit_event(p);
	preempt_enable_notrace();
}

int kmod_hooks_init(void)
{
	for (u32 i = 0; i < PROBE_SC_MAX; i++)
		fillers[i] = fl_generic;
	for (u32 i = 0; i < ARRAY_SIZE(syscalls); i++) {
		int nr = syscalls[i].nr;

		if (nr < 0 || nr >= PROBE_SC_MAX)
			continue;
		sc_ppm[nr] = syscalls[i].ppm;
		if (syscalls[i].fill)
			fillers[nr] = syscalls[i].fill;
	}
	for_each_kernel_tracepoint(find_tp, NULL);
	if (!tp_sys_exit || !tp_exec || !tp_exit) {
		pr_err("saker: tracepoints sys_exit, sched_process_exec and sched_process_exit are needed\n");
		return -ENOENT;
	}
	return 0;
}

int kmod_hooks_attach(void)
{
	int ret;

	if (attached)
		return 0;
	ret = tracepoint_probe_register(tp_sys_exit, on_sys_exit, NULL);
	if (ret)
		return ret;
	ret = tracepoint_probe_register(tp_exec, on_exec, NULL);
	if (ret)
		goto no_exec;
	ret = tracepoint_probe_register(tp_exit, on_exit, NULL);
	if (ret)
		goto no_exit;
	attached = true;
	return 0;
no_exit:
	tracepoint_probe_unregister(tp_exec, on_exec, NULL);
no_exec:
	tracepoint_probe_unregister(tp_sys_exit, on_sys_exit, NULL);
	tracepoint_synchronize_unregister();
	return ret;
}

void kmod_hooks_detach(void)
{
	if (!attached)
		return;
	tracepoint_probe_unregister(tp_sys_exit, on_sys_exit, NULL);
	tracepoint_probe_unregister(tp_exec, on_exec, NULL);
	tracepoint_probe_unregister(tp_exit, on_exit, NULL);
	tracepoint_synchronize_unregister();
	attached = false;
}

bool kmod_hooks_attached(void)
{
	return attached;
}

void kmod_hooks_set_syscalls(const u8 *on)
{
	for (u32 i = 0; i < PROBE_SC_MAX; i++)
		WRITE_ONCE(sc_on[i], on[i]);
}

void kmod_hooks_skip(pid_t tgid)
{
	WRITE_ONCE(skip_tgid, tgid);
}
