// SPDX-License-Identifier: GPL-2.0-only
/* The floor of any syscall-tracepoint design: an empty program on
 * sys_exit (and one on sys_enter, attached only when asked). Loaded by the
 * probe-overhead benchmark to measure what attaching alone costs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs *regs, long ret)
{
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_enter, struct pt_regs *regs, long id)
{
	return 0;
}
