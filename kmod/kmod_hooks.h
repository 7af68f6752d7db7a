/* The module's hooks (kmod_hooks.c): syscall exit and the scheduler's
 * exec and exit tracepoints, writing the same events as the probe through
 * the shared fillers. Prefix kmod_hooks_. */
#pragma once

#include <linux/types.h>

#include "bpf/probe_abi.h"

/* Finds the tracepoints; 0 or -ENOENT. */
int kmod_hooks_init(void);
/* Registers (and unregisters) the hooks; a detach returns once no hook
 * runs any more. 0 or -errno. */
int kmod_hooks_attach(void);
void kmod_hooks_detach(void);
bool kmod_hooks_attached(void);
/* The wanted syscalls by number, and the process left out (0: none). */
void kmod_hooks_set_syscalls(const u8 *on);
void kmod_hooks_skip(pid_t tgid);
