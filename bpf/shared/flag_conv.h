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
 * and inotify_init, which take no flags, send flags 0. Those of a flags.def
 * table get a pass-through anyway (userfaultfd and renameat2 flags, prctl
 * option, bpf cmd, io_uring_register opcode, keyctl operation, fsconfig
 * cmd, quotactl dqi_flags), so every such parameter has its fc_*(). */
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

/* ---- files: mknod, lseek, flock, fchownat, newfstatat, splice ---------- */

/* File types: the PPM S_IF* values are the kernel's. */
#define FC_K_S_IFMT		0170000u
#define FC_K_S_IFSOCK		0140000u
#define FC_K_S_IFREG		0100000u
#define FC_K_S_IFBLK		0060000u
#define FC_K_S_IFCHR		0020000u
#define FC_K_S_IFIFO		0010000u

/* mknod_mode: the mode of mknod and mknodat, permission bits as
 * chmod_mode plus the file type. A type of 0 is a regular file, as for
 * the kernel, so it reports S_IFREG; S_IFDIR, S_IFLNK and invalid types
 * have no name and leave the permission bits alone. */
FC_INLINE __u32 fc_mknod_mode(__u64 mode)
{
	__u32 m = (__u32)mode;
	__u32 type = m & FC_K_S_IFMT;

	if (type == 0)
		type = FC_K_S_IFREG;
	else if (type != FC_K_S_IFREG && type != FC_K_S_IFCHR && type != FC_K_S_IFBLK &&
		 type != FC_K_S_IFIFO && type != FC_K_S_IFSOCK)
		type = 0;
	return (m & FC_K_S_PERM) | type;
}

/* lseek_whence: lseek's and llseek's whence. SEEK_SET 0, SEEK_CUR 1,
 * SEEK_END 2 keep their values; any other whence (SEEK_DATA, SEEK_HOLE)
 * is 0, so it shows as SEEK_SET, as in Falco. */
FC_INLINE __u8 fc_lseek_whence(__u32 whence)
{
	return whence <= 2 ? (__u8)whence : 0;
}

/* flock_flags: flock's operation. LOCK_SH 1, LOCK_EX 2, LOCK_NB 4,
 * LOCK_UN 8 are the PPM values (0 is LOCK_NONE); LOCK_MAND and the other
 * old bits drop. */
#define FC_K_LOCK_KNOWN		0xfu

FC_INLINE __u32 fc_flock_flags(__u32 op)
{
	return op & FC_K_LOCK_KNOWN;
}

/* fchownat_flags: Falco tests fchownat's flags for AT_SYMLINK_FOLLOW
 * (0x400), which fchownat rejects, and names that value
 * "AT_SYMLINK_NOFOLLOW"; the real AT_SYMLINK_NOFOLLOW (0x100) drops.
 * AT_EMPTY_PATH keeps its value. Kept for compatibility. */
FC_INLINE __u32 fc_fchownat_flags(__u32 flags)
{
	return flags & (FC_K_AT_SYMLINK_FOLLOW | FC_K_AT_EMPTY_PATH);
}

/* newfstatat_flags: AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT, AT_EMPTY_PATH,
 * same values in PPM; other bits (AT_STATX_*) drop. */
#define FC_K_AT_NO_AUTOMOUNT	0x800u

FC_INLINE __u32 fc_newfstatat_flags(__u32 flags)
{
	return flags & (FC_K_AT_SYMLINK_NOFOLLOW | FC_K_AT_NO_AUTOMOUNT | FC_K_AT_EMPTY_PATH);
}

/* splice_flags: SPLICE_F_MOVE 1, NONBLOCK 2, MORE 4, GIFT 8 are the PPM
 * values. */
#define FC_K_SPLICE_F_KNOWN	0xfu

FC_INLINE __u32 fc_splice_flags(__u32 flags)
{
	return flags & FC_K_SPLICE_F_KNOWN;
}

/* ---- memory: mlockall, mlock2 ------------------------------------------- */

/* mlockall_flags: MCL_CURRENT 1, MCL_FUTURE 2, MCL_ONFAULT 4 (x86 and
 * asm-generic) are the PPM values. */
#define FC_K_MCL_KNOWN		0x7u

FC_INLINE __u32 fc_mlockall_flags(__u32 flags)
{
	return flags & FC_K_MCL_KNOWN;
}

/* mlock2_flags: MLOCK_ONFAULT 1, the PPM value too. */
#define FC_K_MLOCK_ONFAULT	0x1u

FC_INLINE __u32 fc_mlock2_flags(__u32 flags)
{
	return flags & FC_K_MLOCK_ONFAULT;
}

/* ---- futex, rlimits ----------------------------------------------------- */

/* futex_operations: futex's op, a command in the low 7 bits plus two
 * flag bits. The PPM commands are the kernel's FUTEX_WAIT (0) ..
 * FUTEX_CMP_REQUEUE_PI (12) and the flags keep their bits; a newer
 * command (FUTEX_LOCK_PI2, 13, ...) is 0, so it shows as FUTEX_WAIT, as
 * in Falco. */
#define FC_K_FUTEX_CMD_MASK		0x7fu
#define FC_K_FUTEX_CMP_REQUEUE_PI	12u
#define FC_K_FUTEX_PRIVATE_FLAG		0x80u
#define FC_K_FUTEX_CLOCK_REALTIME	0x100u

FC_INLINE __u16 fc_futex_op(__u32 op)
{
	__u32 cmd = op & FC_K_FUTEX_CMD_MASK;

	if (cmd > FC_K_FUTEX_CMP_REQUEUE_PI)
		cmd = 0;
	return (__u16)(cmd | (op & (FC_K_FUTEX_PRIVATE_FLAG | FC_K_FUTEX_CLOCK_REALTIME)));
}

/* rlimit_resources: the resource of getrlimit, setrlimit, prlimit64.
 * The PPM values are the kernel's RLIMIT_CPU (0) .. RLIMIT_RTTIME (15);
 * anything else is RLIMIT_UNKNOWN (0xff). */
#define FC_K_RLIMIT_RTTIME	15u
#define FC_P_RLIMIT_UNKNOWN	0xffu

FC_INLINE __u8 fc_rlimit_resource(__u32 res)
{
	return res <= FC_K_RLIMIT_RTTIME ? (__u8)res : (__u8)FC_P_RLIMIT_UNKNOWN;
}

/* ---- io_uring_enter, io_uring_register ---------------------------------- */

/* io_uring_enter_flags: GETEVENTS 1, SQ_WAKEUP 2, SQ_WAIT 4, EXT_ARG 8
 * are the PPM values; newer flags (REGISTERED_RING, ...) have no name. */
#define FC_K_IORING_ENTER_KNOWN	0xfu

FC_INLINE __u32 fc_io_uring_enter_flags(__u32 flags)
{
	return flags & FC_K_IORING_ENTER_KNOWN;
}

/* io_uring_register_opcodes: the PPM values are the uapi enum's, so the
 * opcode passes through, cut to the 16-bit parameter as Falco does
 * (which also drops IORING_REGISTER_USE_REGISTERED_RING, bit 31).
 * Opcodes flags.def does not list (from IORING_REGISTER_PBUF_RING, 22)
 * show as numbers. */
FC_INLINE __u16 fc_io_uring_register_opcode(__u32 op)
{
	return (__u16)op;
}

/* ---- modules ------------------------------------------------------------ */

#define FC_P_DELETE_MODULE_O_TRUNC	0x1u
#define FC_P_DELETE_MODULE_O_NONBLOCK	0x2u

/* delete_module_flags: O_NONBLOCK and O_TRUNC (the kernel's O_* values)
 * get small PPM bits of their own. */
FC_INLINE __u32 fc_delete_module_flags(__u32 flags)
{
	return FC_MAP(flags, FC_K_O_NONBLOCK, FC_P_DELETE_MODULE_O_NONBLOCK) |
	       FC_MAP(flags, FC_K_O_TRUNC, FC_P_DELETE_MODULE_O_TRUNC);
}

/* ---- SysV semaphores: semop, semget, semctl ----------------------------- */

#define FC_K_IPC_CREAT		01000u
#define FC_K_IPC_EXCL		02000u
#define FC_K_IPC_NOWAIT		04000u
#define FC_K_SEM_UNDO		0x1000u

#define FC_P_IPC_NOWAIT		0x1u
#define FC_P_SEM_UNDO		0x2u
#define FC_P_IPC_CREAT		0x2000u
#define FC_P_IPC_EXCL		0x4000u

/* semop_flags: the sem_flg of a sembuf. */
FC_INLINE __u16 fc_semop_flags(__u16 flags)
{
	return (__u16)(FC_MAP(flags, FC_K_IPC_NOWAIT, FC_P_IPC_NOWAIT) |
		       FC_MAP(flags, FC_K_SEM_UNDO, FC_P_SEM_UNDO));
}

/* semget_flags: semget's semflg; the permission bits drop. */
FC_INLINE __u32 fc_semget_flags(__u32 flags)
{
	return FC_MAP(flags, FC_K_IPC_CREAT, FC_P_IPC_CREAT) |
	       FC_MAP(flags, FC_K_IPC_EXCL, FC_P_IPC_EXCL);
}

/* semctl_commands: semctl's cmd, one PPM bit per command, 0 for the rest
 * (SEM_STAT_ANY, or a cmd with IPC_64 set). Falco's modern probe reads
 * cmd as 16 bits, so the high bits of the int are ignored. */
FC_INLINE __u16 fc_semctl_cmd(__u32 cmd)
{
	switch ((__u16)cmd) {
	case 0: return 0x4;		/* IPC_RMID */
	case 1: return 0x2;		/* IPC_SET */
	case 2: return 0x1;		/* IPC_STAT */
	case 3: return 0x8;		/* IPC_INFO */
	case 11: return 0x100;		/* GETPID */
	case 12: return 0x200;		/* GETVAL */
	case 13: return 0x40;		/* GETALL */
	case 14: return 0x80;		/* GETNCNT */
	case 15: return 0x400;		/* GETZCNT */
	case 16: return 0x1000;		/* SETVAL */
	case 17: return 0x800;		/* SETALL */
	case 18: return 0x20;		/* SEM_STAT */
	case 19: return 0x10;		/* SEM_INFO */
	default: return 0;
	}
}

/* ---- socket options ----------------------------------------------------- */

#define FC_K_SOL_SOCKET		1
#define FC_K_SOL_TCP		6
#define FC_P_SOL_SOCKET		1u
#define FC_P_SOL_TCP		2u

/* sockopt_levels: getsockopt's and setsockopt's level; SOL_SOCKET and
 * SOL_TCP are named, every other level is UNKNOWN (0). */
FC_INLINE __u8 fc_sockopt_level(__s32 level)
{
	return level == FC_K_SOL_SOCKET ? (__u8)FC_P_SOL_SOCKET
		: level == FC_K_SOL_TCP ? (__u8)FC_P_SOL_TCP : 0;
}

/* sockopt_options: the optname of a SOL_SOCKET option (UNKNOWN, 0, at
 * any other level and for options not named). The PPM values are x86's
 * SO_* numbers for SO_DEBUG (1) .. SO_ATTACH_BPF (50), where the
 * timestamp and timeout options are their _OLD forms; after that they
 * are renumbered. SO_RCVTIMEO_NEW and SO_SNDTIMEO_NEW report SO_RCVTIMEO
 * and SO_SNDTIMEO, but the SO_TIMESTAMP*_NEW options are UNKNOWN, as in
 * Falco. */
#define FC_K_SO_ATTACH_BPF	50

FC_INLINE __u8 fc_sockopt_optname(__s32 level, __s32 optname)
{
	if (level != FC_K_SOL_SOCKET)
		return 0;
	if (optname >= 1 && optname <= FC_K_SO_ATTACH_BPF)
		return (__u8)optname;
	switch (optname) {
	case 55: return 0x34;		/* SO_MEMINFO */
	case 57: return 0x35;		/* SO_COOKIE */
	case 59: return 0x33;		/* SO_PEERGROUPS */
	case 66: return 0x14;		/* SO_RCVTIMEO_NEW: SO_RCVTIMEO */
	case 67: return 0x15;		/* SO_SNDTIMEO_NEW: SO_SNDTIMEO */
	default: return 0;		/* UNKNOWN */
	}
}

/* ---- keyctl, fsconfig --------------------------------------------------- */

/* keyctl_operations: keyctl's operation. The PPM values are the uapi
 * KEYCTL_* numbers, so it passes through; operations flags.def does not
 * list show as numbers. */
FC_INLINE __u32 fc_keyctl_op(__u32 op)
{
	return op;
}

/* fsconfig_cmds: fsconfig's cmd, the uapi enum's values; passes through
 * (FSCONFIG_CMD_CREATE_EXCL, 8, shows as a number). */
FC_INLINE __u32 fc_fsconfig_cmd(__u32 cmd)
{
	return cmd;
}

/* ---- quotactl ----------------------------------------------------------- */

/* quotactl's cmd is QCMD(command, type): the command above bit 8, the
 * quota type in the low byte. */
#define FC_K_SUBCMDSHIFT	8
#define FC_K_SUBCMDMASK		0xffu
#define FC_K_USRQUOTA		0u
#define FC_K_GRPQUOTA		1u
#define FC_P_USRQUOTA		0x1u
#define FC_P_GRPQUOTA		0x2u

/* quotactl_cmds: the command part of quotactl's cmd, one PPM bit per
 * command; 0 for those Falco does not name (Q_GETNEXTQUOTA,
 * Q_XGETQSTATV, Q_XGETNEXTQUOTA, ...). The probe reads the other
 * parameters (quotafilepath, dqblk, dqinfo, formats) according to it. */
FC_INLINE __u16 fc_quotactl_cmd(__u32 cmd)
{
	switch (cmd >> FC_K_SUBCMDSHIFT) {
	case 0x800001: return 0x80;	/* Q_SYNC */
	case 0x800002: return 0x1;	/* Q_QUOTAON */
	case 0x800003: return 0x2;	/* Q_QUOTAOFF */
	case 0x800004: return 0x4;	/* Q_GETFMT */
	case 0x800005: return 0x8;	/* Q_GETINFO */
	case 0x800006: return 0x10;	/* Q_SETINFO */
	case 0x800007: return 0x20;	/* Q_GETQUOTA */
	case 0x800008: return 0x40;	/* Q_SETQUOTA */
	case 0x5801: return 0x100;	/* Q_XQUOTAON, ('X' << 8) + 1 */
	case 0x5802: return 0x200;	/* Q_XQUOTAOFF */
	case 0x5803: return 0x400;	/* Q_XGETQUOTA */
	case 0x5804: return 0x800;	/* Q_XSETQLIM */
	case 0x5805: return 0x1000;	/* Q_XGETQSTAT */
	case 0x5806: return 0x2000;	/* Q_XQUOTARM */
	case 0x5807: return 0x4000;	/* Q_XQUOTASYNC */
	default: return 0;
	}
}

/* quotactl_types: the type part of quotactl's cmd. USRQUOTA and
 * GRPQUOTA are named; PRJQUOTA and the rest are 0. */
FC_INLINE __u8 fc_quotactl_type(__u32 cmd)
{
	__u32 type = cmd & FC_K_SUBCMDMASK;

	return type == FC_K_USRQUOTA ? (__u8)FC_P_USRQUOTA
		: type == FC_K_GRPQUOTA ? (__u8)FC_P_GRPQUOTA : 0;
}

/* quotactl_dqi_flags: the dqi_flags of an if_dqinfo, which Falco stores
 * unconverted in the 8-bit parameter; passes through, cut to 8 bits
 * (DQF_SYS_FILE, 1 << 16, is lost). So the kernel's DQF_ROOT_SQUASH (1)
 * shows as "DQF_NONE", the name of PPM bit 1; kept. */
FC_INLINE __u8 fc_quotactl_dqi_flags(__u32 flags)
{
	return (__u8)flags;
}

/* quotactl_quota_fmts: a quota format id (the id of Q_QUOTAON, or what
 * Q_GETFMT returns). QFMT_VFS_OLD 1, QFMT_VFS_V0 2, QFMT_VFS_V1 4 have
 * PPM bits; any other id (QFMT_OCFS2, 3) is QFMT_NOT_USED, as in Falco,
 * which also sends QFMT_NOT_USED for commands without a format. */
#define FC_P_QFMT_NOT_USED	0x1u

FC_INLINE __u8 fc_quotactl_fmt(__u32 fmt)
{
	switch (fmt) {
	case 1: return 0x2;		/* QFMT_VFS_OLD */
	case 2: return 0x4;		/* QFMT_VFS_V0 */
	case 4: return 0x8;		/* QFMT_VFS_V1 */
	default: return (__u8)FC_P_QFMT_NOT_USED;
	}
}

/* ---- poll ---------------------------------------------------------------- */

#define FC_K_POLLIN		0x1u
#define FC_K_POLLPRI		0x2u
#define FC_K_POLLOUT		0x4u
#define FC_K_POLLERR		0x8u
#define FC_K_POLLHUP		0x10u
#define FC_K_POLLNVAL		0x20u
#define FC_K_POLLRDNORM		0x40u
#define FC_K_POLLRDBAND		0x80u
#define FC_K_POLLWRNORM		0x100u
#define FC_K_POLLWRBAND		0x200u
#define FC_K_POLLRDHUP		0x2000u

/* poll_flags: the events of a pollfd (poll and ppoll fd lists). */
FC_INLINE __u16 fc_poll_events(__u32 kev)
{
	return (__u16)(FC_MAP(kev, FC_K_POLLIN, 0x1u) | FC_MAP(kev, FC_K_POLLPRI, 0x2u) |
		       FC_MAP(kev, FC_K_POLLOUT, 0x4u) | FC_MAP(kev, FC_K_POLLRDHUP, 0x8u) |
		       FC_MAP(kev, FC_K_POLLERR, 0x10u) | FC_MAP(kev, FC_K_POLLHUP, 0x20u) |
		       FC_MAP(kev, FC_K_POLLNVAL, 0x40u) | FC_MAP(kev, FC_K_POLLRDNORM, 0x80u) |
		       FC_MAP(kev, FC_K_POLLRDBAND, 0x100u) | FC_MAP(kev, FC_K_POLLWRNORM, 0x200u) |
		       FC_MAP(kev, FC_K_POLLWRBAND, 0x400u));
}

#undef FC_K_POLLIN
#undef FC_K_POLLPRI
#undef FC_K_POLLOUT
#undef FC_K_POLLERR
#undef FC_K_POLLHUP
#undef FC_K_POLLNVAL
#undef FC_K_POLLRDNORM
#undef FC_K_POLLRDBAND
#undef FC_K_POLLWRNORM
#undef FC_K_POLLWRBAND
#undef FC_K_POLLRDHUP

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
#undef FC_K_S_IFMT
#undef FC_K_S_IFSOCK
#undef FC_K_S_IFREG
#undef FC_K_S_IFBLK
#undef FC_K_S_IFCHR
#undef FC_K_S_IFIFO
#undef FC_K_LOCK_KNOWN
#undef FC_K_AT_NO_AUTOMOUNT
#undef FC_K_SPLICE_F_KNOWN
#undef FC_K_MCL_KNOWN
#undef FC_K_MLOCK_ONFAULT
#undef FC_K_FUTEX_CMD_MASK
#undef FC_K_FUTEX_CMP_REQUEUE_PI
#undef FC_K_FUTEX_PRIVATE_FLAG
#undef FC_K_FUTEX_CLOCK_REALTIME
#undef FC_K_RLIMIT_RTTIME
#undef FC_P_RLIMIT_UNKNOWN
#undef FC_K_IORING_ENTER_KNOWN
#undef FC_P_DELETE_MODULE_O_TRUNC
#undef FC_P_DELETE_MODULE_O_NONBLOCK
#undef FC_K_IPC_CREAT
#undef FC_K_IPC_EXCL
#undef FC_K_IPC_NOWAIT
#undef FC_K_SEM_UNDO
#undef FC_P_IPC_NOWAIT
#undef FC_P_SEM_UNDO
#undef FC_P_IPC_CREAT
#undef FC_P_IPC_EXCL
#undef FC_K_SOL_SOCKET
#undef FC_K_SOL_TCP
#undef FC_P_SOL_SOCKET
#undef FC_P_SOL_TCP
#undef FC_K_SO_ATTACH_BPF
#undef FC_K_SUBCMDSHIFT
#undef FC_K_SUBCMDMASK
#undef FC_K_USRQUOTA
#undef FC_K_GRPQUOTA
#undef FC_P_USRQUOTA
#undef FC_P_GRPQUOTA
#undef FC_P_QFMT_NOT_USED
