/* Fillers of the file syscalls: opens, closes, fd duplication, pipes and
 * the anonymous fds, path changes (link, unlink, rename, mkdir, rmdir,
 * symlink, mknod), permission and owner changes, mounts and module
 * loading. */
#pragma once

#include "bpf/filler.h"

/* flags, mode, dev, ino of an open whose result is fd. */
static __always_inline void push_open_tail(struct ev *e, long fd, __u32 kflags, __u32 mode)
{
	struct file *f = fd >= 0 ? tr_fd_file(fd) : NULL;
	__u32 flags = fc_open_flags(kflags), dev;
	__u64 ino;

	if (tr_file_created(f))
		flags |= FC_CTX_O_F_CREATED;
	ev_u32(e, flags);
	ev_u32(e, fc_open_mode(kflags, mode));
	tr_file_dev_ino(f, &dev, &ino);
	ev_u32(e, dev);
	ev_u64(e, ino);
}

FILLER(open)
{
	EV_BEGIN(e, PPME_SYSCALL_OPEN_X, 6);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	push_open_tail(&e, ret, ARG(1), ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(openat)
{
	EV_BEGIN(e, PPME_SYSCALL_OPENAT_2_X, 7);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	push_open_tail(&e, ret, ARG(2), ARG(3));
	ev_submit(&e);
	return 0;
}

FILLER(openat2)
{
	struct open_how how = {};
	__u32 dev;
	__u64 ino;

	EV_BEGIN(e, PPME_SYSCALL_OPENAT2_X, 8);
	bpf_probe_read_user(&how, sizeof(how), (void *)ARG(2));
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	struct file *f = ret >= 0 ? tr_fd_file(ret) : NULL;
	__u32 flags = fc_open_flags(how.flags);
	if (tr_file_created(f))
		flags |= FC_CTX_O_F_CREATED;
	ev_u32(&e, flags);
	ev_u32(&e, fc_open_mode(how.flags, how.mode));
	ev_u32(&e, fc_openat2_resolve(how.resolve));
	tr_file_dev_ino(f, &dev, &ino);
	ev_u32(&e, dev);
	ev_u64(&e, ino);
	ev_submit(&e);
	return 0;
}

FILLER(creat)
{
	__u32 dev;
	__u64 ino;

	EV_BEGIN(e, PPME_SYSCALL_CREAT_X, 6);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_u32(&e, fc_creat_mode(ARG(1)));
	tr_file_dev_ino(ret >= 0 ? tr_fd_file(ret) : NULL, &dev, &ino);
	ev_u32(&e, dev);
	ev_u64(&e, ino);
	ev_u16(&e, 0);
	ev_submit(&e);
	return 0;
}

FILLER(open_by_handle_at)
{
	__u32 dev;
	__u64 ino;
	struct file *f = ret >= 0 ? tr_fd_file(ret) : NULL;

	EV_BEGIN(e, PPME_SYSCALL_OPEN_BY_HANDLE_AT_X, 6);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, fc_open_flags(ARG(2)));
	if (f)
		tr_push_path(&e, &f->f_path);
	else
		ev_empty(&e);
	tr_file_dev_ino(f, &dev, &ino);
	ev_u32(&e, dev);
	ev_u64(&e, ino);
	ev_submit(&e);
	return 0;
}

FILLER(close)
{
	EV_BEGIN(e, PPME_SYSCALL_CLOSE_X, 2);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_submit(&e);
	return 0;
}

FILLER(close_range)
{
	EV_BEGIN(e, PPME_SYSCALL_CLOSE_RANGE_X, 4);
	ev_s64(&e, ret);
	ev_u32(&e, ARG(0));
	ev_u32(&e, ARG(1));
	ev_u32(&e, fc_close_range_flags(ARG(2)));
	ev_submit(&e);
	return 0;
}

FILLER(dup)
{
	EV_BEGIN(e, PPME_SYSCALL_DUP_1_X, 2);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_submit(&e);
	return 0;
}

FILLER(dup2)
{
	EV_BEGIN(e, PPME_SYSCALL_DUP2_X, 3);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_s64(&e, ARG_FD(1));
	ev_submit(&e);
	return 0;
}

FILLER(dup3)
{
	EV_BEGIN(e, PPME_SYSCALL_DUP3_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_s64(&e, ARG_FD(1));
	ev_u32(&e, fc_dup3_flags(ARG(2)));
	ev_submit(&e);
	return 0;
}

FILLER(fcntl)
{
	EV_BEGIN(e, PPME_SYSCALL_FCNTL_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u8(&e, fc_fcntl_cmd(ARG(1)));
	ev_u64(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

static __always_inline void push_pipe(struct ev *e, long ret, unsigned long ufds)
{
	int fds[2] = { -1, -1 };
	__u32 dev;
	__u64 ino = 0;

	ev_s64(e, ret);
	if (ret == 0)
		bpf_probe_read_user(fds, sizeof(fds), (void *)ufds);
	ev_s64(e, fds[0]);
	ev_s64(e, fds[1]);
	if (ret == 0)
		tr_file_dev_ino(tr_fd_file(fds[0]), &dev, &ino);
	ev_u64(e, ino);
}

FILLER(pipe)
{
	EV_BEGIN(e, PPME_SYSCALL_PIPE_X, 4);
	push_pipe(&e, ret, ARG(0));
	ev_submit(&e);
	return 0;
}

FILLER(pipe2)
{
	EV_BEGIN(e, PPME_SYSCALL_PIPE2_X, 5);
	push_pipe(&e, ret, ARG(0));
	ev_u32(&e, fc_pipe2_flags(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(eventfd)
{
	EV_BEGIN(e, PPME_SYSCALL_EVENTFD_X, 3);
	ev_s64(&e, ret);
	ev_u64(&e, ARG(0));
	ev_u32(&e, 0);
	ev_submit(&e);
	return 0;
}

FILLER(eventfd2)
{
	EV_BEGIN(e, PPME_SYSCALL_EVENTFD2_X, 3);
	ev_s64(&e, ret);
	ev_u16(&e, fc_eventfd2_flags(ARG(1)));
	ev_u64(&e, ARG(0));
	ev_submit(&e);
	return 0;
}

FILLER(signalfd)
{
	__u32 mask = 0;

	EV_BEGIN(e, PPME_SYSCALL_SIGNALFD_X, 4);
	bpf_probe_read_user(&mask, 4, (void *)ARG(1));
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, mask);
	ev_u8(&e, 0);
	ev_submit(&e);
	return 0;
}

FILLER(signalfd4)
{
	__u32 mask = 0;

	EV_BEGIN(e, PPME_SYSCALL_SIGNALFD4_X, 4);
	bpf_probe_read_user(&mask, 4, (void *)ARG(1));
	ev_s64(&e, ret);
	ev_u16(&e, fc_signalfd4_flags(ARG(3)));
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, mask);
	ev_submit(&e);
	return 0;
}

FILLER(timerfd_create)
{
	EV_BEGIN(e, PPME_SYSCALL_TIMERFD_CREATE_X, 3);
	ev_s64(&e, ret);
	ev_u8(&e, ARG(0));
	ev_u8(&e, fc_timerfd_create_flags(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(inotify_init)
{
	EV_BEGIN(e, PPME_SYSCALL_INOTIFY_INIT_X, 2);
	ev_s64(&e, ret);
	ev_u8(&e, 0);
	ev_submit(&e);
	return 0;
}

FILLER(inotify_init1)
{
	EV_BEGIN(e, PPME_SYSCALL_INOTIFY_INIT1_X, 2);
	ev_s64(&e, ret);
	ev_u16(&e, fc_inotify_init1_flags(ARG(0)));
	ev_submit(&e);
	return 0;
}

FILLER(epoll_create)
{
	EV_BEGIN(e, PPME_SYSCALL_EPOLL_CREATE_X, 2);
	ev_s64(&e, ret);
	ev_u32(&e, ARG(0));
	ev_submit(&e);
	return 0;
}

FILLER(epoll_create1)
{
	EV_BEGIN(e, PPME_SYSCALL_EPOLL_CREATE1_X, 2);
	ev_s64(&e, ret);
	ev_u32(&e, fc_epoll_create1_flags(ARG(0)));
	ev_submit(&e);
	return 0;
}

FILLER(memfd_create)
{
	EV_BEGIN(e, PPME_SYSCALL_MEMFD_CREATE_X, 3);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_u32(&e, fc_memfd_create_flags(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(userfaultfd)
{
	EV_BEGIN(e, PPME_SYSCALL_USERFAULTFD_X, 2);
	ev_s64(&e, ret);
	ev_u32(&e, fc_userfaultfd_flags(ARG(0)));
	ev_submit(&e);
	return 0;
}

FILLER(io_uring_setup)
{
	struct io_uring_params p = {};

	EV_BEGIN(e, PPME_SYSCALL_IO_URING_SETUP_X, 8);
	bpf_probe_read_user(&p, sizeof(p), (void *)ARG(1));
	ev_s64(&e, ret);
	ev_u32(&e, ARG(0));
	ev_u32(&e, p.sq_entries);
	ev_u32(&e, p.cq_entries);
	ev_u32(&e, fc_io_uring_setup_flags(p.flags));
	ev_u32(&e, p.sq_thread_cpu);
	ev_u32(&e, p.sq_thread_idle);
	ev_u32(&e, fc_io_uring_setup_feats(p.features));
	ev_submit(&e);
	return 0;
}

FILLER(pidfd_open)
{
	EV_BEGIN(e, PPME_SYSCALL_PIDFD_OPEN_X, 3);
	ev_s64(&e, ret);
	ev_s64(&e, (int)ARG(0));
	ev_u32(&e, fc_pidfd_open_flags(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(pidfd_getfd)
{
	EV_BEGIN(e, PPME_SYSCALL_PIDFD_GETFD_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_s64(&e, ARG_FD(1));
	ev_u32(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(bpf)
{
	EV_BEGIN(e, PPME_SYSCALL_BPF_2_X, 2);
	ev_s64(&e, ret);
	ev_u32(&e, fc_bpf_cmd(ARG(0)));
	ev_submit(&e);
	return 0;
}

FILLER(mount)
{
	EV_BEGIN(e, PPME_SYSCALL_MOUNT_X, 5);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_ustr(&e, ARG(1));
	ev_ustr(&e, ARG(2));
	ev_u32(&e, fc_mount_flags(ARG(3)));
	ev_submit(&e);
	return 0;
}

FILLER(umount2)
{
	EV_BEGIN(e, PPME_SYSCALL_UMOUNT2_X, 3);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_u32(&e, fc_umount2_flags(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(init_module)
{
	EV_BEGIN(e, PPME_SYSCALL_INIT_MODULE_X, 4);
	ev_s64(&e, ret);
	ev_ubuf(&e, ARG(0), ARG(1) > PROBE_SNAPLEN ? PROBE_SNAPLEN : ARG(1));
	ev_u64(&e, ARG(1));
	ev_ustr(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(finit_module)
{
	EV_BEGIN(e, PPME_SYSCALL_FINIT_MODULE_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_u32(&e, fc_finit_module_flags(ARG(2)));
	ev_submit(&e);
	return 0;
}

/* res, one path */
#define FILLER_RES_PATH(name, type)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 2);						\
		ev_s64(&e, ret);						\
		ev_ustr(&e, ARG(0));						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_RES_PATH(unlink, PPME_SYSCALL_UNLINK_2_X)
FILLER_RES_PATH(rmdir, PPME_SYSCALL_RMDIR_2_X)
FILLER_RES_PATH(chroot, PPME_SYSCALL_CHROOT_X)
FILLER_RES_PATH(chdir, PPME_SYSCALL_CHDIR_X)

/* res, two paths */
#define FILLER_RES_2PATH(name, type)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 3);						\
		ev_s64(&e, ret);						\
		ev_ustr(&e, ARG(0));						\
		ev_ustr(&e, ARG(1));						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_RES_2PATH(link, PPME_SYSCALL_LINK_2_X)
FILLER_RES_2PATH(rename, PPME_SYSCALL_RENAME_X)
FILLER_RES_2PATH(symlink, PPME_SYSCALL_SYMLINK_X)

FILLER(unlinkat)
{
	EV_BEGIN(e, PPME_SYSCALL_UNLINKAT_2_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_u32(&e, fc_unlinkat_flags(ARG(2)));
	ev_submit(&e);
	return 0;
}

FILLER(linkat)
{
	EV_BEGIN(e, PPME_SYSCALL_LINKAT_2_X, 6);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_s64(&e, ARG_FD(2));
	ev_ustr(&e, ARG(3));
	ev_u32(&e, fc_linkat_flags(ARG(4)));
	ev_submit(&e);
	return 0;
}

FILLER(renameat)
{
	EV_BEGIN(e, PPME_SYSCALL_RENAMEAT_X, 5);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_s64(&e, ARG_FD(2));
	ev_ustr(&e, ARG(3));
	ev_submit(&e);
	return 0;
}

FILLER(renameat2)
{
	EV_BEGIN(e, PPME_SYSCALL_RENAMEAT2_X, 6);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_s64(&e, ARG_FD(2));
	ev_ustr(&e, ARG(3));
	ev_u32(&e, fc_renameat2_flags(ARG(4)));
	ev_submit(&e);
	return 0;
}

FILLER(symlinkat)
{
	EV_BEGIN(e, PPME_SYSCALL_SYMLINKAT_X, 4);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_s64(&e, ARG_FD(1));
	ev_ustr(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(mkdir)
{
	EV_BEGIN(e, PPME_SYSCALL_MKDIR_2_X, 3);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_u32(&e, ARG(1));
	ev_submit(&e);
	return 0;
}

FILLER(mkdirat)
{
	EV_BEGIN(e, PPME_SYSCALL_MKDIRAT_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_u32(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(chmod)
{
	EV_BEGIN(e, PPME_SYSCALL_CHMOD_X, 3);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_u32(&e, fc_chmod_mode(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(fchmod)
{
	EV_BEGIN(e, PPME_SYSCALL_FCHMOD_X, 3);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, fc_chmod_mode(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(fchmodat)
{
	EV_BEGIN(e, PPME_SYSCALL_FCHMODAT_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_u32(&e, fc_chmod_mode(ARG(2)));
	ev_submit(&e);
	return 0;
}

FILLER(fchdir)
{
	EV_BEGIN(e, PPME_SYSCALL_FCHDIR_X, 2);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_submit(&e);
	return 0;
}

FILLER(mknod)
{
	EV_BEGIN(e, PPME_SYSCALL_MKNOD_X, 4);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_u32(&e, fc_mknod_mode(ARG(1)));
	ev_u32(&e, tr_encode_dev(ARG(2)));
	ev_submit(&e);
	return 0;
}

FILLER(mknodat)
{
	EV_BEGIN(e, PPME_SYSCALL_MKNODAT_X, 5);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_u32(&e, fc_mknod_mode(ARG(2)));
	ev_u32(&e, tr_encode_dev(ARG(3)));
	ev_submit(&e);
	return 0;
}

FILLER(access)
{
	EV_BEGIN(e, PPME_SYSCALL_ACCESS_X, 3);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_u32(&e, fc_access_mode(ARG(1)));
	ev_submit(&e);
	return 0;
}

/* res, path, uid, gid */
#define FILLER_CHOWN(name, type)						\
	FILLER(name)								\
	{									\
		EV_BEGIN(e, type, 4);						\
		ev_s64(&e, ret);						\
		ev_ustr(&e, ARG(0));						\
		ev_u32(&e, ARG(1));						\
		ev_u32(&e, ARG(2));						\
		ev_submit(&e);							\
		return 0;							\
	}
FILLER_CHOWN(chown, PPME_SYSCALL_CHOWN_X)
FILLER_CHOWN(lchown, PPME_SYSCALL_LCHOWN_X)

FILLER(fchown)
{
	EV_BEGIN(e, PPME_SYSCALL_FCHOWN_X, 4);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, ARG(1));
	ev_u32(&e, ARG(2));
	ev_submit(&e);
	return 0;
}

FILLER(fchownat)
{
	EV_BEGIN(e, PPME_SYSCALL_FCHOWNAT_X, 6);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_ustr(&e, ARG(1));
	ev_u32(&e, ARG(2));
	ev_u32(&e, ARG(3));
	ev_u32(&e, fc_fchownat_flags(ARG(4)));
	ev_submit(&e);
	return 0;
}

FILLER(getcwd)
{
	EV_BEGIN(e, PPME_SYSCALL_GETCWD_X, 2);
	ev_s64(&e, ret);
	if (ret > 0)
		ev_ustr(&e, ARG(0));
	else
		ev_empty(&e);
	ev_submit(&e);
	return 0;
}

FILLER(delete_module)
{
	EV_BEGIN(e, PPME_SYSCALL_DELETE_MODULE_X, 3);
	ev_s64(&e, ret);
	ev_ustr(&e, ARG(0));
	ev_u32(&e, fc_delete_module_flags(ARG(1)));
	ev_submit(&e);
	return 0;
}

FILLER(fsconfig)
{
	__u32 cmd = ARG(1);

	EV_BEGIN(e, PPME_SYSCALL_FSCONFIG_X, 7);
	ev_s64(&e, ret);
	ev_s64(&e, ARG_FD(0));
	ev_u32(&e, fc_fsconfig_cmd(cmd));
	ev_ustr(&e, ARG(2));
	/* the value is binary for FSCONFIG_SET_BINARY (2), a string for
	 * the string and path commands (1, 3, 4), absent otherwise */
	if (cmd == 2)
		ev_ubuf(&e, ARG(3), (__u32)ARG(4) > PROBE_PARAM_MAX ? PROBE_PARAM_MAX : (__u32)ARG(4));
	else
		ev_empty(&e);
	if (cmd == 1 || cmd == 3 || cmd == 4)
		ev_ustr(&e, ARG(3));
	else
		ev_empty(&e);
	ev_s64(&e, (int)ARG(4));
	ev_submit(&e);
	return 0;
}
