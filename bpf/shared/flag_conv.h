/* Kernel flag and enum values of syscall arguments turned into the PPM wire
 * encodings of bpf/shared/flags.def, one fc_<what>() per conversion, with
 * the semantics of Falco's drivers (its modern probe where the kmod
 * differs). Shared by the probe (clang -target bpf, vmlinux.h only), the
 * kmod and user space: no libc, no uapi headers, straight-line code. The
 * kernel constants are x86_64 / asm-generic values, defined here as FC_K_*
 * and the PPM ones as FC_P_*; both are #undef'd at the end of the file.
 *
 * Only what an argument alone decides is here. Bits the probe adds from
 * kernel state go on top, with the FC_CTX_* values below:
 *   open/openat/openat2 flags  FC_CTX_O_F_CREATED when the call created
 *                              the file (FMODE_CREATED), FC_CTX_FD_UPPER_/
 *                              LOWER_LAYER for overlayfs files;
 *   creat creat_flags          FC_CTX_FD_UPPER_/LOWER_LAYER_CREAT only
 *                              (creat has no flags argument);
 *   clone/clone3/fork/vfork    FC_CTX_CL_CHILD_IN_PIDNS when the task or
 *                              its children live outside the init pid
 *                              namespace (fork/vfork convert flags 0);
 *   execve/execveat exit flags execve_flags are all state (writable exe,
 *                              overlay layer, memfd); none come from args.
 * CLONE_INVERTED, NAME_CHANGED, CLOSED and the other clone_flags entries
 * without a CLONE_* bit are libsinsp thread state, never set by a driver.
 *
 * Arguments Falco stores unconverted have no function: socket/socketpair
 * type and proto, mkdir/mkdirat mode, pidfd_getfd flags; eventfd, signalfd
 * and inotify_init, which take no flags, send flags 0. */
#pragma once

#ifdef __BPF__
/* vmlinux.h provides __u64 and friends */
#else
#include <linux/types.h>
#endif

#define FC_INLINE static __inline__ __attribute__((always_inline))

/* pbit when any bit of kbit is set in v. */
#define FC_MAP(v, kbit, pbit) (((v) & (kbit)) ? (__u32)(pbit) : 0u)

/* ---- bits the probe adds from context (flags.def names) ----------------- */

#define FC_CTX_O_F_CREATED		0x4000u		/* file_flags O_F_CREATED */
#define FC_CTX_FD_UPPER_LAYER		0x8000u		/* file_flags FD_UPPER_LAYER */
#define FC_CTX_FD_LOWER_LAYER		0x10000u	/* file_flags FD_LOWER_LAYER */
#define FC_CTX_FD_UPPER_LAYER_CREAT	0x1u		/* creat_flags */
#define FC_CTX_FD_LOWER_LAYER_CREAT	0x2u		/* creat_flags */
#define FC_CTX_CL_CHILD_IN_PIDNS	0x20000000u	/* clone_flags */

/* ---- open family: flags, mode, resolve ---------------------------------- */

#define FC_K_O_ACCMODE		03u
#define FC_K_O_WRONLY		01u
#define FC_K_O_RDWR		02u
#define FC_K_O_CREAT		0100u
#define FC_K_O_EXCL		0200u
#define FC_K_O_TRUNC		01000u
#define FC_K_O_APPEND		02000u
#define FC_K_O_NONBLOCK		04000u
#define FC_K_O_DSYNC		010000u
#define FC_K_O_DIRECT		040000u
#define FC_K_O_LARGEFILE	0100000u
#define FC_K_O_DIRECTORY	0200000u
#define FC_K_O_CLOEXEC		02000000u
/* As in the uapi, these two are multi-bit: O_SYNC includes O_DSYNC and
 * O_TMPFILE includes O_DIRECTORY. Falco tests them with "flags & X", so
 * either bit is enough: O_DSYNC alone also reports O_SYNC, O_DIRECTORY
 * alone also reports O_TMPFILE (and makes the mode count). Kept. */
#define FC_K_O_SYNC		(04000000u | FC_K_O_DSYNC)
#define FC_K_O_TMPFILE		(020000000u | FC_K_O_DIRECTORY)
/* Permission bits: the PPM S_* values are the kernel's. */
#define FC_K_S_PERM		07777u

#define FC_P_O_RDONLY		0x1u
#define FC_P_O_WRONLY		0x2u
#define FC_P_O_RDWR		0x3u
#define FC_P_O_CREAT		0x4u
#define FC_P_O_APPEND		0x8u
#define FC_P_O_DSYNC		0x10u
#define FC_P_O_EXCL		0x20u
#define FC_P_O_NONBLOCK		0x40u
#define FC_P_O_SYNC		0x80u
#define FC_P_O_TRUNC		0x100u
#define FC_P_O_DIRECT		0x200u
#define FC_P_O_DIRECTORY	0x400u
#define FC_P_O_LARGEFILE	0x800u
#define FC_P_O_CLOEXEC		0x1000u
#define FC_P_O_TMPFILE		0x2000u

/* file_flags: open, openat, openat2 (how.flags) flags. The access mode
 * is always named: 1 is O_WRONLY, 2 O_RDWR, 0 and the invalid 3 O_RDONLY.
 * O_NOCTTY, O_NOFOLLOW, O_NOATIME, O_PATH and FASYNC have no PPM bit. */
FC_INLINE __u32 fc_open_flags(__u32 kflags)
{
	__u32 acc = kflags & FC_K_O_ACCMODE;
	__u32 r = acc == FC_K_O_WRONLY ? FC_P_O_WRONLY
		: acc == FC_K_O_RDWR ? FC_P_O_RDWR : FC_P_O_RDONLY;

	r |= FC_MAP(kflags, FC_K_O_CREAT, FC_P_O_CREAT);
	r |= FC_MAP(kflags, FC_K_O_TMPFILE, FC_P_O_TMPFILE);
	r |= FC_MAP(kflags, FC_K_O_APPEND, FC_P_O_APPEND);
	r |= FC_MAP(kflags, FC_K_O_DSYNC, FC_P_O_DSYNC);
	r |= FC_MAP(kflags, FC_K_O_EXCL, FC_P_O_EXCL);
	r |= FC_MAP(kflags, FC_K_O_NONBLOCK, FC_P_O_NONBLOCK);
	r |= FC_MAP(kflags, FC_K_O_SYNC, FC_P_O_SYNC);
	r |= FC_MAP(kflags, FC_K_O_TRUNC, FC_P_O_TRUNC);
	r |= FC_MAP(kflags, FC_K_O_DIRECT, FC_P_O_DIRECT);
	r |= FC_MAP(kflags, FC_K_O_DIRECTORY, FC_P_O_DIRECTORY);
	r |= FC_MAP(kflags, FC_K_O_LARGEFILE, FC_P_O_LARGEFILE);
	r |= FC_MAP(kflags, FC_K_O_CLOEXEC, FC_P_O_CLOEXEC);
	return r;
}

/* The mode parameter of open, openat, openat2 (PT_UINT32, octal, values
 * as chmod_mode): the permission bits of mode when the flags create a
 * file (O_CREAT or O_TMPFILE, see above), else 0. File type bits drop. */
FC_INLINE __u32 fc_open_mode(__u32 kflags, __u64 mode)
{
	if (!(kflags & (FC_K_O_CREAT | FC_K_O_TMPFILE)))
		return 0;
	return (__u32)mode & FC_K_S_PERM;
}

/* creat's mode: creat is open with O_CREAT, so the mode always counts. */
FC_INLINE __u32 fc_creat_mode(__u64 mode)
{
	return fc_open_mode(FC_K_O_CREAT, mode);
}

#define FC_K_RESOLVE_NO_XDEV		0x01u
#define FC_K_RESOLVE_NO_MAGICLINKS	0x02u
#define FC_K_RESOLVE_NO_SYMLINKS	0x04u
#define FC_K_RESOLVE_BENEATH		0x08u
#define FC_K_RESOLVE_IN_ROOT		0x10u
#define FC_K_RESOLVE_CACHED		0x20u

#define FC_P_RESOLVE_BENEATH		0x01u
#define FC_P_RESOLVE_IN_ROOT		0x02u
#define FC_P_RESOLVE_NO_MAGICLINKS	0x04u
#define FC_P_RESOLVE_NO_SYMLINKS	0x08u
#define FC_P_RESOLVE_NO_XDEV		0x10u
#define FC_P_RESOLVE_CACHED		0x20u

/* openat2_flags: openat2's how.resolve. */
FC_INLINE __u32 fc_openat2_resolve(__u64 resolve)
{
	return FC_MAP(resolve, FC_K_RESOLVE_NO_XDEV, FC_P_RESOLVE_NO_XDEV) |
	       FC_MAP(resolve, FC_K_RESOLVE_NO_MAGICLINKS, FC_P_RESOLVE_NO_MAGICLINKS) |
	       FC_MAP(resolve, FC_K_RESOLVE_NO_SYMLINKS, FC_P_RESOLVE_NO_SYMLINKS) |
	       FC_MAP(resolve, FC_K_RESOLVE_BENEATH, FC_P_RESOLVE_BENEATH) |
	       FC_MAP(resolve, FC_K_RESOLVE_IN_ROOT, FC_P_RESOLVE_IN_ROOT) |
	       FC_MAP(resolve, FC_K_RESOLVE_CACHED, FC_P_RESOLVE_CACHED);
}

/* ---- O_* subsets of the fd-creating calls (file_flags values) ----------- */

/* dup3 flags: O_CLOEXEC only. */
FC_INLINE __u32 fc_dup3_flags(__u32 kflags)
{
	return FC_MAP(kflags, FC_K_O_CLOEXEC, FC_P_O_CLOEXEC);
}

/* pipe2 flags: O_CLOEXEC, O_DIRECT, O_NONBLOCK (O_NOTIFICATION_PIPE has
 * no name). A negative int is 0, as in Falco. */
FC_INLINE __u32 fc_pipe2_flags(__u32 kflags)
{
	if ((__s32)kflags < 0)
		return 0;
	return FC_MAP(kflags, FC_K_O_CLOEXEC, FC_P_O_CLOEXEC) |
	       FC_MAP(kflags, FC_K_O_DIRECT, FC_P_O_DIRECT) |
	       FC_MAP(kflags, FC_K_O_NONBLOCK, FC_P_O_NONBLOCK);
}

/* The NONBLOCK/CLOEXEC pair that eventfd2 (EFD_*), signalfd4 (SFD_*) and
 * inotify_init1 (IN_*) share with open: those flags are O_NONBLOCK and
 * O_CLOEXEC. A negative int is 0. Their parameters are PT_FLAGS16. */
FC_INLINE __u16 fc_nonblock_cloexec16(__u32 kflags)
{
	if ((__s32)kflags < 0)
		return 0;
	return (__u16)(FC_MAP(kflags, FC_K_O_NONBLOCK, FC_P_O_NONBLOCK) |
		       FC_MAP(kflags, FC_K_O_CLOEXEC, FC_P_O_CLOEXEC));
}

/* eventfd2 flags (EFD_SEMAPHORE has no name). */
FC_INLINE __u16 fc_eventfd2_flags(__u32 kflags)
{
	return fc_nonblock_cloexec16(kflags);
}

/* signalfd4 flags. */
FC_INLINE __u16 fc_signalfd4_flags(__u32 kflags)
{
	return fc_nonblock_cloexec16(kflags);
}

/* inotify_init1 flags. */
FC_INLINE __u16 fc_inotify_init1_flags(__u32 kflags)
{
	return fc_nonblock_cloexec16(kflags);
}

/* timerfd_create flags, a PT_UINT8 in file_flags values. Falco computes
 * O_NONBLOCK|O_CLOEXEC into 8 bits, so PPM O_CLOEXEC (0x1000) is always
 * cut off: only O_NONBLOCK (0x40) can appear. A negative int is 0. */
FC_INLINE __u8 fc_timerfd_create_flags(__u32 kflags)
{
	if ((__s32)kflags < 0)
		return 0;
	return (__u8)FC_MAP(kflags, FC_K_O_NONBLOCK, FC_P_O_NONBLOCK);
}

/* socket's flags parameter (from the type argument) and accept4's flags:
 * SOCK_NONBLOCK and SOCK_CLOEXEC are O_NONBLOCK and O_CLOEXEC. */
FC_INLINE __u32 fc_socket_flags(__u32 ktype)
{
	return FC_MAP(ktype, FC_K_O_NONBLOCK, FC_P_O_NONBLOCK) |
	       FC_MAP(ktype, FC_K_O_CLOEXEC, FC_P_O_CLOEXEC);
}

/* userfaultfd flags: Falco stores the argument as is (O_CLOEXEC,
 * O_NONBLOCK, UFFD_USER_MODE_ONLY in kernel values) although the
 * parameter names file_flags; kept for compatibility. */
FC_INLINE __u32 fc_userfaultfd_flags(__u32 kflags)
{
	return kflags;
}

/* ---- other fd-creating calls -------------------------------------------- */

#define FC_K_EPOLL_CLOEXEC	02000000u
#define FC_P_EPOLL_CLOEXEC	0x1u

/* epoll_create1_flags. */
FC_INLINE __u32 fc_epoll_create1_flags(__u32 kflags)
{
	return FC_MAP(kflags, FC_K_EPOLL_CLOEXEC, FC_P_EPOLL_CLOEXEC);
}

/* memfd_create_flags: MFD_CLOEXEC 1, MFD_ALLOW_SEALING 2, MFD_HUGETLB 4
 * are the PPM values too; MFD_NOEXEC_SEAL, MFD_EXEC and the huge page
 * size bits have no name and drop. */
#define FC_K_MFD_KNOWN		0x7u

FC_INLINE __u32 fc_memfd_create_flags(__u32 kflags)
{
	return kflags & FC_K_MFD_KNOWN;
}

/* pidfd_open_flags: PIDFD_NONBLOCK is O_NONBLOCK. */
#define FC_P_PIDFD_NONBLOCK	0x1u

FC_INLINE __u32 fc_pidfd_open_flags(__u32 kflags)
{
	return FC_MAP(kflags, FC_K_O_NONBLOCK, FC_P_PIDFD_NONBLOCK);
}

#define FC_K_IORING_SETUP_IOPOLL	(1u << 0)
#define FC_K_IORING_SETUP_SQPOLL	(1u << 1)
#define FC_K_IORING_SETUP_SQ_AFF	(1u << 2)
#define FC_K_IORING_SETUP_CQSIZE	(1u << 3)
#define FC_K_IORING_SETUP_CLAMP		(1u << 4)
#define FC_K_IORING_SETUP_ATTACH_WQ	(1u << 5)
#define FC_K_IORING_SETUP_R_DISABLED	(1u << 6)
/* An sq_ring->flags bit, not a setup flag, but Falco tests it against
 * params.flags too: it is bit 0, the same as IOPOLL. */
#define FC_K_IORING_SQ_NEED_WAKEUP	(1u << 0)

#define FC_P_IORING_SETUP_IOPOLL	0x01u
#define FC_P_IORING_SETUP_SQPOLL	0x02u
#define FC_P_IORING_SQ_NEED_WAKEUP	0x04u
#define FC_P_IORING_SETUP_SQ_AFF	0x08u
#define FC_P_IORING_SETUP_CQSIZE	0x10u
#define FC_P_IORING_SETUP_CLAMP		0x20u
#define FC_P_IORING_SETUP_ATTACH_WQ	0x40u	/* flags.def: IORING_SETUP_ATTACH_RW */
#define FC_P_IORING_SETUP_R_DISABLED	0x80u

/* io_uring_setup_flags: io_uring_setup's params.flags. IOPOLL therefore
 * shows as IORING_SETUP_IOPOLL|IORING_SQ_NEED_WAKEUP. Setup flags newer
 * than R_DISABLED (SUBMIT_ALL, COOP_TASKRUN, ...) have no name. */
FC_INLINE __u32 fc_io_uring_setup_flags(__u32 kflags)
{
	return FC_MAP(kflags, FC_K_IORING_SETUP_IOPOLL, FC_P_IORING_SETUP_IOPOLL) |
	       FC_MAP(kflags, FC_K_IORING_SETUP_SQPOLL, FC_P_IORING_SETUP_SQPOLL) |
	       FC_MAP(kflags, FC_K_IORING_SQ_NEED_WAKEUP, FC_P_IORING_SQ_NEED_WAKEUP) |
	       FC_MAP(kflags, FC_K_IORING_SETUP_SQ_AFF, FC_P_IORING_SETUP_SQ_AFF) |
	       FC_MAP(kflags, FC_K_IORING_SETUP_CQSIZE, FC_P_IORING_SETUP_CQSIZE) |
	       FC_MAP(kflags, FC_K_IORING_SETUP_CLAMP, FC_P_IORING_SETUP_CLAMP) |
	       FC_MAP(kflags, FC_K_IORING_SETUP_ATTACH_WQ, FC_P_IORING_SETUP_ATTACH_WQ) |
	       FC_MAP(kflags, FC_K_IORING_SETUP_R_DISABLED, FC_P_IORING_SETUP_R_DISABLED);
}

/* io_uring_setup_feats: params.features. The PPM bits are the kernel's
 * (SINGLE_MMAP 1<<0 .. SQPOLL_NONFIXED 1<<7, NATIVE_WORKERS 1<<9,
 * RSRC_TAGS 1<<10) except bit 8: Falco maps it under a name the uapi never
 * defined (IORING_FEAT_ENTER_EXT_ARG; the kernel's is IORING_FEAT_EXT_ARG),
 * so no driver sends it. Bits from 1<<11 have no name. */
#define FC_K_IORING_FEAT_KNOWN		0x6ffu

FC_INLINE __u32 fc_io_uring_setup_feats(__u32 kfeats)
{
	return kfeats & FC_K_IORING_FEAT_KNOWN;
}

/* ---- close_range -------------------------------------------------------- */

/* close_range_flags: CLOSE_RANGE_UNSHARE 1<<1, CLOSE_RANGE_CLOEXEC 1<<2,
 * same values in PPM. */
#define FC_K_CLOSE_RANGE_KNOWN		0x6u

FC_INLINE __u32 fc_close_range_flags(__u32 kflags)
{
	return kflags & FC_K_CLOSE_RANGE_KNOWN;
}

/* ---- processes: clone family, unshare, setns, execveat, ptrace, prctl --- */

#define FC_K_CLONE_VM			0x00000100u
#define FC_K_CLONE_FS			0x00000200u
#define FC_K_CLONE_FILES		0x00000400u
#define FC_K_CLONE_SIGHAND		0x00000800u
#define FC_K_CLONE_PTRACE		0x00002000u
#define FC_K_CLONE_VFORK		0x00004000u
#define FC_K_CLONE_PARENT		0x00008000u
#define FC_K_CLONE_THREAD		0x00010000u
#define FC_K_CLONE_NEWNS		0x00020000u
#define FC_K_CLONE_SYSVSEM		0x00040000u
#define FC_K_CLONE_SETTLS		0x00080000u
#define FC_K_CLONE_PARENT_SETTID	0x00100000u
#define FC_K_CLONE_CHILD_CLEARTID	0x00200000u
#define FC_K_CLONE_UNTRACED		0x00800000u
#define FC_K_CLONE_CHILD_SETTID		0x01000000u
#define FC_K_CLONE_NEWCGROUP		0x02000000u
#define FC_K_CLONE_NEWUTS		0x04000000u
#define FC_K_CLONE_NEWIPC		0x08000000u
#define FC_K_CLONE_NEWUSER		0x10000000u
#define FC_K_CLONE_NEWPID		0x20000000u
#define FC_K_CLONE_NEWNET		0x40000000u
#define FC_K_CLONE_IO			0x80000000u

#define FC_P_CL_CLONE_FILES		(1u << 0)
#define FC_P_CL_CLONE_FS		(1u << 1)
#define FC_P_CL_CLONE_IO		(1u << 2)
#define FC_P_CL_CLONE_NEWIPC		(1u << 3)
#define FC_P_CL_CLONE_NEWNET		(1u << 4)
#define FC_P_CL_CLONE_NEWNS		(1u << 5)
#define FC_P_CL_CLONE_NEWPID		(1u << 6)
#define FC_P_CL_CLONE_NEWUTS		(1u << 7)
#define FC_P_CL_CLONE_PARENT		(1u << 8)
#define FC_P_CL_CLONE_PARENT_SETTID	(1u << 9)
#define FC_P_CL_CLONE_PTRACE		(1u << 10)
#define FC_P_CL_CLONE_SIGHAND		(1u << 11)
#define FC_P_CL_CLONE_SYSVSEM		(1u << 12)
#define FC_P_CL_CLONE_THREAD		(1u << 13)
#define FC_P_CL_CLONE_UNTRACED		(1u << 14)
#define FC_P_CL_CLONE_VM		(1u << 15)
#define FC_P_CL_CLONE_NEWUSER		(1u << 20)
#define FC_P_CL_CLONE_CHILD_CLEARTID	(1u << 23)
#define FC_P_CL_CLONE_CHILD_SETTID	(1u << 24)
#define FC_P_CL_CLONE_SETTLS		(1u << 25)
#define FC_P_CL_CLONE_VFORK		(1u << 27)
#define FC_P_CL_CLONE_NEWCGROUP		(1u << 28)

/* clone_flags, the pure bit conversion: clone's and clone3's flags (Falco
 * reads them as an int: the clone3-only bits above 31 drop), unshare's
 * flags and setns's nstype. Unnamed and dropped: CSIGNAL (the exit
 * signal byte), CLONE_NEWTIME, CLONE_PIDFD, CLONE_DETACHED; CLONE_STOPPED
 * is no longer a kernel flag (its old bit is CLONE_NEWCGROUP). For clone,
 * clone3, fork and vfork the probe ORs in FC_CTX_CL_CHILD_IN_PIDNS. */
FC_INLINE __u32 fc_clone_flags(__u64 kflags)
{
	__u32 f = (__u32)kflags;

	return FC_MAP(f, FC_K_CLONE_FILES, FC_P_CL_CLONE_FILES) |
	       FC_MAP(f, FC_K_CLONE_FS, FC_P_CL_CLONE_FS) |
	       FC_MAP(f, FC_K_CLONE_IO, FC_P_CL_CLONE_IO) |
	       FC_MAP(f, FC_K_CLONE_NEWIPC, FC_P_CL_CLONE_NEWIPC) |
	       FC_MAP(f, FC_K_CLONE_NEWNET, FC_P_CL_CLONE_NEWNET) |
	       FC_MAP(f, FC_K_CLONE_NEWNS, FC_P_CL_CLONE_NEWNS) |
	       FC_MAP(f, FC_K_CLONE_NEWPID, FC_P_CL_CLONE_NEWPID) |
	       FC_MAP(f, FC_K_CLONE_NEWUTS, FC_P_CL_CLONE_NEWUTS) |
	       FC_MAP(f, FC_K_CLONE_PARENT, FC_P_CL_CLONE_PARENT) |
	       FC_MAP(f, FC_K_CLONE_PARENT_SETTID, FC_P_CL_CLONE_PARENT_SETTID) |
	       FC_MAP(f, FC_K_CLONE_PTRACE, FC_P_CL_CLONE_PTRACE) |
	       FC_MAP(f, FC_K_CLONE_SIGHAND, FC_P_CL_CLONE_SIGHAND) |
	       FC_MAP(f, FC_K_CLONE_SYSVSEM, FC_P_CL_CLONE_SYSVSEM) |
	       FC_MAP(f, FC_K_CLONE_THREAD, FC_P_CL_CLONE_THREAD) |
	       FC_MAP(f, FC_K_CLONE_UNTRACED, FC_P_CL_CLONE_UNTRACED) |
	       FC_MAP(f, FC_K_CLONE_VM, FC_P_CL_CLONE_VM) |
	       FC_MAP(f, FC_K_CLONE_NEWUSER, FC_P_CL_CLONE_NEWUSER) |
	       FC_MAP(f, FC_K_CLONE_CHILD_CLEARTID, FC_P_CL_CLONE_CHILD_CLEARTID) |
	       FC_MAP(f, FC_K_CLONE_CHILD_SETTID, FC_P_CL_CLONE_CHILD_SETTID) |
	       FC_MAP(f, FC_K_CLONE_SETTLS, FC_P_CL_CLONE_SETTLS) |
	       FC_MAP(f, FC_K_CLONE_VFORK, FC_P_CL_CLONE_VFORK) |
	       FC_MAP(f, FC_K_CLONE_NEWCGROUP, FC_P_CL_CLONE_NEWCGROUP);
}

/* unshare's flags: clone_flags. */
FC_INLINE __u32 fc_unshare_flags(__u64 kflags)
{
	return fc_clone_flags(kflags);
}

/* setns's nstype: clone_flags (0, "any namespace", stays 0). */
FC_INLINE __u32 fc_setns_nstype(__u64 knstype)
{
	return fc_clone_flags(knstype);
}

#define FC_K_AT_SYMLINK_NOFOLLOW	0x100u
#define FC_K_AT_REMOVEDIR		0x200u
#define FC_K_AT_SYMLINK_FOLLOW		0x400u
#define FC_K_AT_EMPTY_PATH		0x1000u

#define FC_P_EXVAT_AT_EMPTY_PATH	0x1u
#define FC_P_EXVAT_AT_SYMLINK_NOFOLLOW	0x2u

/* execveat_flags: the flags of the (old) execveat enter event. The exit
 * event's flags are execve_flags, all context (see the top comment). */
FC_INLINE __u32 fc_execveat_flags(__u32 kflags)
{
	return FC_MAP(kflags, FC_K_AT_EMPTY_PATH, FC_P_EXVAT_AT_EMPTY_PATH) |
	       FC_MAP(kflags, FC_K_AT_SYMLINK_NOFOLLOW, FC_P_EXVAT_AT_SYMLINK_NOFOLLOW);
}

/* ptrace_requests: ptrace's request, an enum (PTRACE_UNKNOWN, 0, for any
 * request not listed, e.g. PTRACE_SECCOMP_GET_FILTER). The 12..33
 * requests are x86's. */
FC_INLINE __u16 fc_ptrace_request(__u64 req)
{
	switch (req) {
	case 0: return 1;		/* PTRACE_TRACEME */
	case 1: return 2;		/* PTRACE_PEEKTEXT */
	case 2: return 3;		/* PTRACE_PEEKDATA */
	case 3: return 4;		/* PTRACE_PEEKUSR */
	case 4: return 5;		/* PTRACE_POKETEXT */
	case 5: return 6;		/* PTRACE_POKEDATA */
	case 6: return 7;		/* PTRACE_POKEUSR */
	case 7: return 8;		/* PTRACE_CONT */
	case 8: return 9;		/* PTRACE_KILL */
	case 9: return 10;		/* PTRACE_SINGLESTEP */
	case 12: return 26;		/* PTRACE_GETREGS */
	case 13: return 27;		/* PTRACE_SETREGS */
	case 14: return 28;		/* PTRACE_GETFPREGS */
	case 15: return 29;		/* PTRACE_SETFPREGS */
	case 16: return 11;		/* PTRACE_ATTACH */
	case 17: return 12;		/* PTRACE_DETACH */
	case 18: return 30;		/* PTRACE_GETFPXREGS */
	case 19: return 31;		/* PTRACE_SETFPXREGS */
	case 21: return 32;		/* PTRACE_OLDSETOPTIONS */
	case 24: return 13;		/* PTRACE_SYSCALL */
	case 25: return 33;		/* PTRACE_GET_THREAD_AREA */
	case 26: return 34;		/* PTRACE_SET_THREAD_AREA */
	case 30: return 35;		/* PTRACE_ARCH_PRCTL */
	case 31: return 36;		/* PTRACE_SYSEMU */
	case 32: return 37;		/* PTRACE_SYSEMU_SINGLESTEP */
	case 33: return 38;		/* PTRACE_SINGLEBLOCK */
	case 0x4200: return 14;		/* PTRACE_SETOPTIONS */
	case 0x4201: return 15;		/* PTRACE_GETEVENTMSG */
	case 0x4202: return 16;		/* PTRACE_GETSIGINFO */
	case 0x4203: return 17;		/* PTRACE_SETSIGINFO */
	case 0x4204: return 18;		/* PTRACE_GETREGSET */
	case 0x4205: return 19;		/* PTRACE_SETREGSET */
	case 0x4206: return 20;		/* PTRACE_SEIZE */
	case 0x4207: return 21;		/* PTRACE_INTERRUPT */
	case 0x4208: return 22;		/* PTRACE_LISTEN */
	case 0x4209: return 23;		/* PTRACE_PEEKSIGINFO */
	case 0x420a: return 24;		/* PTRACE_GETSIGMASK */
	case 0x420b: return 25;		/* PTRACE_SETSIGMASK */
	default: return 0;		/* PTRACE_UNKNOWN */
	}
}

/* prctl_options: prctl's option. The PPM values are the kernel's PR_*
 * numbers, so it passes through; options flags.def does not list show as
 * numbers. */
FC_INLINE __u32 fc_prctl_option(__u64 koption)
{
	return (__u32)koption;
}

/* ---- files: fcntl, *at flags, modes, access ----------------------------- */

/* fcntl_commands: fcntl's cmd, an enum (UNKNOWN, 0, for the rest, e.g.
 * F_GETOWNER_UIDS, F_ADD_SEALS). F_GETLK64/F_SETLK64/F_SETLKW64 (12..14)
 * are named as Falco's modern probe names them, though only 32-bit
 * callers use them. */
FC_INLINE __u8 fc_fcntl_cmd(__u32 cmd)
{
	switch (cmd) {
	case 0: return 1;		/* F_DUPFD */
	case 1: return 2;		/* F_GETFD */
	case 2: return 3;		/* F_SETFD */
	case 3: return 4;		/* F_GETFL */
	case 4: return 5;		/* F_SETFL */
	case 5: return 6;		/* F_GETLK */
	case 6: return 8;		/* F_SETLK */
	case 7: return 9;		/* F_SETLKW */
	case 8: return 10;		/* F_SETOWN */
	case 9: return 12;		/* F_GETOWN */
	case 10: return 13;		/* F_SETSIG */
	case 11: return 15;		/* F_GETSIG */
	case 12: return 17;		/* F_GETLK64 */
	case 13: return 18;		/* F_SETLK64 */
	case 14: return 19;		/* F_SETLKW64 */
	case 15: return 21;		/* F_SETOWN_EX */
	case 16: return 22;		/* F_GETOWN_EX */
	case 36: return 30;		/* F_OFD_GETLK */
	case 37: return 31;		/* F_OFD_SETLK */
	case 38: return 32;		/* F_OFD_SETLKW */
	case 1024: return 23;		/* F_SETLEASE */
	case 1025: return 24;		/* F_GETLEASE */
	case 1026: return 27;		/* F_NOTIFY */
	case 1029: return 25;		/* F_CANCELLK */
	case 1030: return 26;		/* F_DUPFD_CLOEXEC */
	case 1031: return 28;		/* F_SETPIPE_SZ */
	case 1032: return 29;		/* F_GETPIPE_SZ */
	default: return 0;		/* UNKNOWN */
	}
}

/* unlinkat_flags: AT_REMOVEDIR has the same value in PPM. */
FC_INLINE __u32 fc_unlinkat_flags(__u32 kflags)
{
	return kflags & FC_K_AT_REMOVEDIR;
}

/* linkat_flags: AT_SYMLINK_FOLLOW and AT_EMPTY_PATH, same values. */
FC_INLINE __u32 fc_linkat_flags(__u32 kflags)
{
	return kflags & (FC_K_AT_SYMLINK_FOLLOW | FC_K_AT_EMPTY_PATH);
}

/* renameat2_flags: RENAME_NOREPLACE 1, EXCHANGE 2, WHITEOUT 4 are the PPM
 * values; Falco stores the argument as is. */
FC_INLINE __u32 fc_renameat2_flags(__u32 kflags)
{
	return kflags;
}

/* chmod_mode: the mode of chmod, fchmod, fchmodat; permission bits only. */
FC_INLINE __u32 fc_chmod_mode(__u64 mode)
{
	return (__u32)mode & FC_K_S_PERM;
}

/* access_flags: access's mode. F_OK is 0 and X_OK 1, W_OK 2, R_OK 4 are
 * the PPM values; other bits drop. */
#define FC_K_ACCESS_KNOWN	0x7u

FC_INLINE __u32 fc_access_mode(__u32 kmode)
{
	return kmode & FC_K_ACCESS_KNOWN;
}

/* ---- mounts ------------------------------------------------------------- */

/* mount_flags: the PPM MS_* values are the kernel's, so mount's flags
 * pass through, minus the pre-2.4 magic 0xC0ED in the top 16 bits when it
 * is there (then the top half is cleared). */
#define FC_K_MS_MGC_MSK		0xffff0000u
#define FC_K_MS_MGC_VAL		0xc0ed0000u

FC_INLINE __u32 fc_mount_flags(__u64 kflags)
{
	__u32 f = (__u32)kflags;

	if ((f & FC_K_MS_MGC_MSK) == FC_K_MS_MGC_VAL)
		f &= ~FC_K_MS_MGC_MSK;
	return f;
}

/* umount_flags: umount2's flags; MNT_FORCE 1, MNT_DETACH 2, MNT_EXPIRE 4,
 * UMOUNT_NOFOLLOW 8 are the PPM values. */
#define FC_K_UMOUNT_KNOWN	0xfu

FC_INLINE __u32 fc_umount2_flags(__u32 kflags)
{
	return kflags & FC_K_UMOUNT_KNOWN;
}

/* ---- modules, bpf ------------------------------------------------------- */

/* finit_module_flags: MODULE_INIT_IGNORE_MODVERSIONS 1, _IGNORE_VERMAGIC
 * 2, _COMPRESSED_FILE 4 are the PPM values. */
#define FC_K_MODULE_INIT_KNOWN	0x7u

FC_INLINE __u32 fc_finit_module_flags(__u32 kflags)
{
	return kflags & FC_K_MODULE_INIT_KNOWN;
}

/* bpf_commands: bpf's cmd. enum bpf_cmd is stable uapi and the PPM values
 * are its values, so it passes through. */
FC_INLINE __u32 fc_bpf_cmd(__u64 kcmd)
{
	return (__u32)kcmd;
}

/* ---- sockets ------------------------------------------------------------ */

/* socket_families: socket's and socketpair's domain, and the family byte
 * of socket tuples. Falco reads the family as 8 bits; the PPM values are
 * the kernel's AF_* numbers for AF_UNSPEC..AF_NFC (39) except AF_IB (27)
 * and AF_MPLS (28), which like every newer family (AF_VSOCK, AF_XDP, ...)
 * become AF_UNSPEC (0). */
#define FC_K_AF_IB		27u
#define FC_K_AF_MPLS		28u
#define FC_K_AF_NFC		39u

FC_INLINE __u8 fc_socket_family(__u32 kfamily)
{
	__u32 f = kfamily & 0xffu;

	if (f > FC_K_AF_NFC || f == FC_K_AF_IB || f == FC_K_AF_MPLS)
		return 0;
	return (__u8)f;
}

/* shutdown_how: SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 keep their values, any
 * other how is SHUT_UNKNOWN (0xffff). The parameter is 8 bits wide, so
 * the probe stores (__u8) of this: 0xff on the wire for an unknown how. */
FC_INLINE __u16 fc_shutdown_how(__u64 khow)
{
	return khow <= 2 ? (__u16)khow : 0xffff;
}

/* ---- memory: mmap, mprotect --------------------------------------------- */

#define FC_K_PROT_READ		0x1u
#define FC_K_PROT_WRITE		0x2u
#define FC_K_PROT_EXEC		0x4u
#define FC_K_PROT_SEM		0x8u
#define FC_K_PROT_SAO		0x10u		/* powerpc's value */
#define FC_K_PROT_GROWSDOWN	0x01000000u
#define FC_K_PROT_GROWSUP	0x02000000u

#define FC_P_PROT_READ		0x1u
#define FC_P_PROT_WRITE		0x2u
#define FC_P_PROT_EXEC		0x4u
#define FC_P_PROT_SEM		0x8u
#define FC_P_PROT_GROWSDOWN	0x10u
#define FC_P_PROT_GROWSUP	0x20u
#define FC_P_PROT_SAO		0x40u

/* prot_flags: mmap's and mprotect's prot. Falco's modern probe tests
 * PROT_SAO with powerpc's value 0x10 on every arch; kept. */
FC_INLINE __u32 fc_mmap_prot(__u64 kprot)
{
	return FC_MAP(kprot, FC_K_PROT_READ, FC_P_PROT_READ) |
	       FC_MAP(kprot, FC_K_PROT_WRITE, FC_P_PROT_WRITE) |
	       FC_MAP(kprot, FC_K_PROT_EXEC, FC_P_PROT_EXEC) |
	       FC_MAP(kprot, FC_K_PROT_SEM, FC_P_PROT_SEM) |
	       FC_MAP(kprot, FC_K_PROT_GROWSDOWN, FC_P_PROT_GROWSDOWN) |
	       FC_MAP(kprot, FC_K_PROT_GROWSUP, FC_P_PROT_GROWSUP) |
	       FC_MAP(kprot, FC_K_PROT_SAO, FC_P_PROT_SAO);
}

#define FC_K_MAP_SHARED		0x01u
#define FC_K_MAP_PRIVATE	0x02u
#define FC_K_MAP_FIXED		0x10u
#define FC_K_MAP_ANONYMOUS	0x20u
#define FC_K_MAP_32BIT		0x40u
#define FC_K_MAP_INHERIT	0x80u		/* sparc's value */
#define FC_K_MAP_GROWSDOWN	0x0100u
#define FC_K_MAP_DENYWRITE	0x0800u
#define FC_K_MAP_EXECUTABLE	0x1000u
#define FC_K_MAP_LOCKED		0x2000u
#define FC_K_MAP_NORESERVE	0x4000u
#define FC_K_MAP_POPULATE	0x8000u
#define FC_K_MAP_NONBLOCK	0x10000u

#define FC_P_MAP_SHARED		(1u << 0)
#define FC_P_MAP_PRIVATE	(1u << 1)
#define FC_P_MAP_FIXED		(1u << 2)
#define FC_P_MAP_ANONYMOUS	(1u << 3)
#define FC_P_MAP_32BIT		(1u << 4)
#define FC_P_MAP_NORESERVE	(1u << 6)
#define FC_P_MAP_POPULATE	(1u << 7)
#define FC_P_MAP_NONBLOCK	(1u << 8)
#define FC_P_MAP_GROWSDOWN	(1u << 9)
#define FC_P_MAP_DENYWRITE	(1u << 10)
#define FC_P_MAP_EXECUTABLE	(1u << 11)
#define FC_P_MAP_INHERIT	(1u << 12)
#define FC_P_MAP_LOCKED		(1u << 14)

/* mmap_flags: mmap's flags. MAP_SHARED_VALIDATE (3) shows as
 * MAP_SHARED|MAP_PRIVATE. MAP_FILE is 0 and MAP_RENAME does not exist on
 * x86, so those names never appear; 0x80 is named MAP_INHERIT as in
 * Falco's modern probe. MAP_STACK, MAP_HUGETLB, MAP_SYNC,
 * MAP_FIXED_NOREPLACE and the rest have no name. */
FC_INLINE __u32 fc_mmap_flags(__u64 kflags)
{
	return FC_MAP(kflags, FC_K_MAP_SHARED, FC_P_MAP_SHARED) |
	       FC_MAP(kflags, FC_K_MAP_PRIVATE, FC_P_MAP_PRIVATE) |
	       FC_MAP(kflags, FC_K_MAP_FIXED, FC_P_MAP_FIXED) |
	       FC_MAP(kflags, FC_K_MAP_ANONYMOUS, FC_P_MAP_ANONYMOUS) |
	       FC_MAP(kflags, FC_K_MAP_32BIT, FC_P_MAP_32BIT) |
	       FC_MAP(kflags, FC_K_MAP_NORESERVE, FC_P_MAP_NORESERVE) |
	       FC_MAP(kflags, FC_K_MAP_POPULATE, FC_P_MAP_POPULATE) |
	       FC_MAP(kflags, FC_K_MAP_NONBLOCK, FC_P_MAP_NONBLOCK) |
	       FC_MAP(kflags, FC_K_MAP_GROWSDOWN, FC_P_MAP_GROWSDOWN) |
	       FC_MAP(kflags, FC_K_MAP_DENYWRITE, FC_P_MAP_DENYWRITE) |
	       FC_MAP(kflags, FC_K_MAP_EXECUTABLE, FC_P_MAP_EXECUTABLE) |
	       FC_MAP(kflags, FC_K_MAP_INHERIT, FC_P_MAP_INHERIT) |
	       FC_MAP(kflags, FC_K_MAP_LOCKED, FC_P_MAP_LOCKED);
}

/* ---- end: the constants stay private to this file ----------------------- */

#undef FC_INLINE
#undef FC_MAP
#undef FC_K_O_ACCMODE
#undef FC_K_O_WRONLY
#undef FC_K_O_RDWR
#undef FC_K_O_CREAT
#undef FC_K_O_EXCL
#undef FC_K_O_TRUNC
#undef FC_K_O_APPEND
#undef FC_K_O_NONBLOCK
#undef FC_K_O_DSYNC
#undef FC_K_O_DIRECT
#undef FC_K_O_LARGEFILE
#undef FC_K_O_DIRECTORY
#undef FC_K_O_CLOEXEC
#undef FC_K_O_SYNC
#undef FC_K_O_TMPFILE
#undef FC_K_S_PERM
#undef FC_P_O_RDONLY
#undef FC_P_O_WRONLY
#undef FC_P_O_RDWR
#undef FC_P_O_CREAT
#undef FC_P_O_APPEND
#undef FC_P_O_DSYNC
#undef FC_P_O_EXCL
#undef FC_P_O_NONBLOCK
#undef FC_P_O_SYNC
#undef FC_P_O_TRUNC
#undef FC_P_O_DIRECT
#undef FC_P_O_DIRECTORY
#undef FC_P_O_LARGEFILE
#undef FC_P_O_CLOEXEC
#undef FC_P_O_TMPFILE
#undef FC_K_RESOLVE_NO_XDEV
#undef FC_K_RESOLVE_NO_MAGICLINKS
#undef FC_K_RESOLVE_NO_SYMLINKS
#undef FC_K_RESOLVE_BENEATH
#undef FC_K_RESOLVE_IN_ROOT
#undef FC_K_RESOLVE_CACHED
#undef FC_P_RESOLVE_BENEATH
#undef FC_P_RESOLVE_IN_ROOT
#undef FC_P_RESOLVE_NO_MAGICLINKS
#undef FC_P_RESOLVE_NO_SYMLINKS
#undef FC_P_RESOLVE_NO_XDEV
#undef FC_P_RESOLVE_CACHED
#undef FC_K_EPOLL_CLOEXEC
#undef FC_P_EPOLL_CLOEXEC
#undef FC_K_MFD_KNOWN
#undef FC_P_PIDFD_NONBLOCK
#undef FC_K_IORING_SETUP_IOPOLL
#undef FC_K_IORING_SETUP_SQPOLL
#undef FC_K_IORING_SETUP_SQ_AFF
#undef FC_K_IORING_SETUP_CQSIZE
#undef FC_K_IORING_SETUP_CLAMP
#undef FC_K_IORING_SETUP_ATTACH_WQ
#undef FC_K_IORING_SETUP_R_DISABLED
#undef FC_K_IORING_SQ_NEED_WAKEUP
#undef FC_P_IORING_SETUP_IOPOLL
#undef FC_P_IORING_SETUP_SQPOLL
#undef FC_P_IORING_SQ_NEED_WAKEUP
#undef FC_P_IORING_SETUP_SQ_AFF
#undef FC_P_IORING_SETUP_CQSIZE
#undef FC_P_IORING_SETUP_CLAMP
#undef FC_P_IORING_SETUP_ATTACH_WQ
#undef FC_P_IORING_SETUP_R_DISABLED
#undef FC_K_IORING_FEAT_KNOWN
#undef FC_K_CLOSE_RANGE_KNOWN
#undef FC_K_CLONE_VM
#undef FC_K_CLONE_FS
#undef FC_K_CLONE_FILES
#undef FC_K_CLONE_SIGHAND
#undef FC_K_CLONE_PTRACE
#undef FC_K_CLONE_VFORK
#undef FC_K_CLONE_PARENT
#undef FC_K_CLONE_THREAD
#undef FC_K_CLONE_NEWNS
#undef FC_K_CLONE_SYSVSEM
#undef FC_K_CLONE_SETTLS
#undef FC_K_CLONE_PARENT_SETTID
#undef FC_K_CLONE_CHILD_CLEARTID
#undef FC_K_CLONE_UNTRACED
#undef FC_K_CLONE_CHILD_SETTID
#undef FC_K_CLONE_NEWCGROUP
#undef FC_K_CLONE_NEWUTS
#undef FC_K_CLONE_NEWIPC
#undef FC_K_CLONE_NEWUSER
#undef FC_K_CLONE_NEWPID
#undef FC_K_CLONE_NEWNET
#undef FC_K_CLONE_IO
#undef FC_P_CL_CLONE_FILES
#undef FC_P_CL_CLONE_FS
#undef FC_P_CL_CLONE_IO
#undef FC_P_CL_CLONE_NEWIPC
#undef FC_P_CL_CLONE_NEWNET
#undef FC_P_CL_CLONE_NEWNS
#undef FC_P_CL_CLONE_NEWPID
#undef FC_P_CL_CLONE_NEWUTS
#undef FC_P_CL_CLONE_PARENT
#undef FC_P_CL_CLONE_PARENT_SETTID
#undef FC_P_CL_CLONE_PTRACE
#undef FC_P_CL_CLONE_SIGHAND
#undef FC_P_CL_CLONE_SYSVSEM
#undef FC_P_CL_CLONE_THREAD
#undef FC_P_CL_CLONE_UNTRACED
#undef FC_P_CL_CLONE_VM
#undef FC_P_CL_CLONE_NEWUSER
#undef FC_P_CL_CLONE_CHILD_CLEARTID
#undef FC_P_CL_CLONE_CHILD_SETTID
#undef FC_P_CL_CLONE_SETTLS
#undef FC_P_CL_CLONE_VFORK
#undef FC_P_CL_CLONE_NEWCGROUP
#undef FC_K_AT_SYMLINK_NOFOLLOW
#undef FC_K_AT_REMOVEDIR
#undef FC_K_AT_SYMLINK_FOLLOW
#undef FC_K_AT_EMPTY_PATH
#undef FC_P_EXVAT_AT_EMPTY_PATH
#undef FC_P_EXVAT_AT_SYMLINK_NOFOLLOW
#undef FC_K_ACCESS_KNOWN
#undef FC_K_MS_MGC_MSK
#undef FC_K_MS_MGC_VAL
#undef FC_K_UMOUNT_KNOWN
#undef FC_K_MODULE_INIT_KNOWN
#undef FC_K_AF_IB
#undef FC_K_AF_MPLS
#undef FC_K_AF_NFC
#undef FC_K_PROT_READ
#undef FC_K_PROT_WRITE
#undef FC_K_PROT_EXEC
#undef FC_K_PROT_SEM
#undef FC_K_PROT_SAO
#undef FC_K_PROT_GROWSDOWN
#undef FC_K_PROT_GROWSUP
#undef FC_P_PROT_READ
#undef FC_P_PROT_WRITE
#undef FC_P_PROT_EXEC
#undef FC_P_PROT_SEM
#undef FC_P_PROT_GROWSDOWN
#undef FC_P_PROT_GROWSUP
#undef FC_P_PROT_SAO
#undef FC_K_MAP_SHARED
#undef FC_K_MAP_PRIVATE
#undef FC_K_MAP_FIXED
#undef FC_K_MAP_ANONYMOUS
#undef FC_K_MAP_32BIT
#undef FC_K_MAP_INHERIT
#undef FC_K_MAP_GROWSDOWN
#undef FC_K_MAP_DENYWRITE
#undef FC_K_MAP_EXECUTABLE
#undef FC_K_MAP_LOCKED
#undef FC_K_MAP_NORESERVE
#undef FC_K_MAP_POPULATE
#undef FC_K_MAP_NONBLOCK
#undef FC_P_MAP_SHARED
#undef FC_P_MAP_PRIVATE
#undef FC_P_MAP_FIXED
#undef FC_P_MAP_ANONYMOUS
#undef FC_P_MAP_32BIT
#undef FC_P_MAP_NORESERVE
#undef FC_P_MAP_POPULATE
#undef FC_P_MAP_NONBLOCK
#undef FC_P_MAP_GROWSDOWN
#undef FC_P_MAP_DENYWRITE
#undef FC_P_MAP_EXECUTABLE
#undef FC_P_MAP_INHERIT
#undef FC_P_MAP_LOCKED
