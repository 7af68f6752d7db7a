/* Fillers of the memory syscalls: the program break, mappings and their
 * protections, page locking. Mapping changes carry the process's memory
 * counters after the call. */
#pragma once

#include "bpf/filler.h"

/* vm_size, vm_rss, vm_swap of the current process, in KiB. */
static __always_inline void push_vm(struct ev *e)
{
	struct mm_struct *mm = BPF_CORE_READ(tr_current(), mm);

	ev_u32(e, tr_vm_kb(mm, 0));
	ev_u32(e, tr_vm_kb(mm, 1));
	ev_u32(e, tr_vm_kb(mm, 2));
}

FILLER(brk)
{
	EV_BEGIN(e, PPME_SYSCALL_BRK_4_X, 5);
	ev_u64(&e, ret);
	push_vm(&e);
	ev_u64(&e, ARG(0));
	ev_submit(&e);
	return 0;
}

FILLER(mmap)
{
	EV_BEGIN(e, PPME_SYSCALL_MMAP_X, 10);
	ev_s64(&e, ret);
	push_vm(&e);
	ev_u64(&e, ARG(0));
	ev_u64(&e, ARG(1));
	ev_u32(&e, fc_mmap_prot(ARG(2)));
	ev_u32(&e, fc_mmap_flags(ARG(3)));
	ev_s64(&e, ARG_FD(4));
	ev_u64(&e, ARG(5));
	ev_submit(&e);
	return 0;
}

FILLER(munmap)
{
	EV_BEGIN(e, PPME_SYSCALL_MUNMAP_X, 6);
	ev_s64(&e, ret);
	push_vm(&e);
	ev_u64(&e, ARG(0));
	ev_u64(&e, ARG(1));
	ev_submit(&e);
	return 0;
}

FILLER(mprotect)
{
	EV_BEGIN(e, PPME_SYSCALL_MPROTECT_X, 4);
	ev_s64(&e, ret);
	ev_u64(&e, ARG(0));
	ev_u64(&e, ARG(1));
	ev_u32(&e, fc_mmap_prot(ARG(2)));
	ev_submit(&e);
	return 0;
}

/* res, addr, len */
#define FILLER_ADDR_LEN(name, type)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 3);						\
		ev_s64(&e, ret);						\
		ev_u64(&e, ARG(0));						\
		ev_u64(&e, ARG(1));						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_ADDR_LEN(mlock, PPME_SYSCALL_MLOCK_X)
FILLER_ADDR_LEN(munlock, PPME_SYSCALL_MUNLOCK_X)

FILLER(mlock2)
{
	EV_BEGIN(e, PPME_SYSCALL_MLOCK2_X, 4);
	ev_s64(&e, ret);
	ev_u64(&e, ARG(0));
	ev_u64(&e, ARG(1));
	ev_u32(&e, fc_mlock2_flags(ARG(2)));
	ev_submit(&e);
	return 0;
}

FILLER(mlockall)
{
	EV_BEGIN(e, PPME_SYSCALL_MLOCKALL_X, 2);
	ev_s64(&e, ret);
	ev_u32(&e, fc_mlockall_flags(ARG(0)));
	ev_submit(&e);
	return 0;
}

FILLER(munlockall)
{
	EV_BEGIN(e, PPME_SYSCALL_MUNLOCKALL_X, 1);
	ev_s64(&e, ret);
	ev_submit(&e);
	return 0;
}
