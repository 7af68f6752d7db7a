/* The shape of a filler: the code that writes the exit event of one
 * syscall, given the syscall's registers and return value. In the probe a
 * tp_btf program tail-called by the dispatcher; in the kernel module
 * (__KERNEL__) a function its dispatcher calls. Fillers use only this
 * file, ev_build.h and task_read.h, which both drivers supply. */
#pragma once

#include "bpf/task_read.h"

#ifdef __KERNEL__
#define FILLER(name) int fl_##name(struct pt_regs *regs, long ret)
#else
#define FILLER(name)								\
	SEC("tp_btf/sys_exit")							\
	int BPF_PROG(fl_##name, struct pt_regs *regs, long ret)
#endif

#if defined(__TARGET_ARCH_x86)
#define SC_ID(regs) ((regs)->orig_ax)
#define SC_ARG0(regs) ((regs)->di)
#define SC_ARG1(regs) ((regs)->si)
#define SC_ARG2(regs) ((regs)->dx)
#define SC_ARG3(regs) ((regs)->r10)
#define SC_ARG4(regs) ((regs)->r8)
#define SC_ARG5(regs) ((regs)->r9)
#define PROBE_SC_EXECVE 59
#elif defined(__TARGET_ARCH_arm64)
#define SC_ID(regs) ((regs)->syscallno)
#define SC_ARG0(regs) ((regs)->orig_x0)
#define SC_ARG1(regs) ((regs)->regs[1])
#define SC_ARG2(regs) ((regs)->regs[2])
#define SC_ARG3(regs) ((regs)->regs[3])
#define SC_ARG4(regs) ((regs)->regs[4])
#define SC_ARG5(regs) ((regs)->regs[5])
#define PROBE_SC_EXECVE 221
#else
#error "the probe supports x86_64 and arm64"
#endif

/* Syscall argument n (0..5) as the kernel received it. */
#define ARG(n) ((unsigned long)SC_ARG##n(regs))
/* An int argument that names an fd, sign-extended as the drivers store fds
 * (AT_FDCWD stays -100). */
#define ARG_FD(n) ((__s64)(int)SC_ARG##n(regs))

#define EV_BEGIN(e, type, np)							\
	struct ev e;								\
	if (!ev_begin(&e, type, np))						\
		return 0
