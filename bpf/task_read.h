/* Reading the kernel's view of a task, its files and sockets for the
 * fillers: ids in and out of pid namespaces, credentials, memory counters,
 * the terminal, paths of dentries (the d_path walk), exe facts, cgroups and
 * socket tuples, written into events in Falco's encodings.
 *
 * In the probe these are CO-RE reads, so one object runs on every BTF
 * kernel: layouts that changed between 6.1 and today have an alternative
 * each (a ___flavour struct), tried by field existence, with the kernel
 * change that made it. Kernels without bpf_rdonly_cast (before 6.2) get an
 * object built with TR_NO_RDONLY_CAST, where the plain loads of TR_RD
 * become helper reads. In the kernel module (__KERNEL__) the same reads
 * are plain C against the headers it is built with. */
#pragma once

#include "bpf/ev_build.h"
#include "bpf/shared/flag_conv.h"

#define TR_PATH_DEPTH 48
#define TR_CGROUP_DEPTH 24
#define TR_AF_UNIX 1
#define TR_AF_INET 2
#define TR_AF_INET6 10
#define TR_RLIMIT_NOFILE 7
#define TR_PAGE_KB_SHIFT 2	/* 4 KiB pages */
#define TR_PF_KTHREAD 0x00200000
#define TR_TS_COMPAT 0x0002	/* x86 thread_info.status: in a 32-bit syscall */
#define TR_OVERLAYFS_MAGIC 0x794c7630
#define TR_FMODE_CREATED 0x100000

#ifdef __KERNEL__
#define TR_CAST(type, p) ((type *)(p))
#define TR_RD(p, field) ((p)->field)

static __always_inline struct task_struct *tr_current(void)
{
	return current;
}
#else
/* Layouts of other kernels, for CO-RE alternatives. */

/* 6.15 renamed kernfs_node.parent to __parent (633488947ef6, "kernfs: Use
 * RCU to access kernfs_node::parent"). */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));
struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

/* 6.2 made mm_struct.rss_stat an array of percpu counters (f1a7941243c1,
 * "mm: convert mm's rss stats into percpu_counter"); before, one struct of
 * atomic counters. */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));
struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));
struct mm_struct___new {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

/* The inode times: timespec64 i_ctime and i_mtime until 6.5; 6.6 hid the
 * ctime as __i_ctime (13bc24457850, "fs: rename i_ctime field to
 * __i_ctime"), 6.7 the mtime as __i_mtime (12cd44023651, "fs: rename
 * inode i_atime and i_mtime fields"); 6.11 split them into seconds and
 * nanoseconds (3aa63a569c64, "fs: switch timespec64 fields in inode to
 * discrete integers"). */
struct inode___v65 {
	struct timespec64 i_mtime;
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));
struct inode___v66 {
	struct timespec64 i_mtime;
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));
struct inode___v67 {
	struct timespec64 __i_mtime;
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));
struct inode___v611 {
	time64_t i_mtime_sec;
	time64_t i_ctime_sec;
	u32 i_mtime_nsec;
	u32 i_ctime_nsec;
} __attribute__((preserve_access_index));

/* 6.3 made kernel_cap_t one u64 (f122a08b197d, "capability: just use a
 * 'u64' instead of a 'u32[2]' array"); before, two u32 words. */
struct kernel_cap_struct___old {
	__u32 cap[2];
} __attribute__((preserve_access_index));
struct cred___old {
	struct kernel_cap_struct___old cap_inheritable;
	struct kernel_cap_struct___old cap_permitted;
	struct kernel_cap_struct___old cap_effective;
} __attribute__((preserve_access_index));

/* overlayfs's inode around the VFS one (fs/overlayfs/ovl_entry.h), when
 * the overlay module is there. */
struct ovl_inode___saker {
	struct dentry *__upperdentry;
	struct inode vfs_inode;
} __attribute__((preserve_access_index));

static __always_inline struct task_struct *tr_current(void)
{
	return (struct task_struct *)bpf_get_current_task_btf();
}

#ifdef TR_NO_RDONLY_CAST
/* Before 6.2: pointers read from memory cannot be made typed again, so
 * every load is a helper read. */
#define TR_CAST(type, p) ((type *)(p))
#define TR_RD(p, field) BPF_CORE_READ(p, field)
#else
/* A kernel pointer obtained as a number (read from an array, say) made a
 * typed one again, for direct loads instead of helper calls; the verifier
 * turns the call into a plain move (6.2, a35b9af4ec2c "bpf: Add a kfunc
 * for generic type cast"). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define TR_CAST(type, p) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))
#define TR_RD(p, field) ((p)->field)
#endif
#endif

/* Falco's encoding of a device number (the kernel's new_encode_dev). */
static __always_inline __u32 tr_encode_dev(__u32 dev)
{
	__u32 major = dev >> 20, minor = dev & ((1U << 20) - 1);

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

#define TR_CAP_INHERITABLE 0
#define TR_CAP_PERMITTED 1
#define TR_CAP_EFFECTIVE 2

/* One of the capability sets of the task's credentials, 64 bits. */
static __always_inline __u64 tr_cap(struct task_struct *t, int which)
{
#ifdef __KERNEL__
	const struct cred *c = rcu_dereference_raw(t->cred);
	const kernel_cap_t *k = which == TR_CAP_INHERITABLE ? &c->cap_inheritable :
				which == TR_CAP_PERMITTED ? &c->cap_permitted : &c->cap_effective;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return k->val;
#else
	return k->cap[0] | (__u64)k->cap[1] << 32;
#endif
#else
	const struct cred *c = BPF_CORE_READ(t, cred);
	struct cred___old *o = (void *)c;

	if (bpf_core_field_exists(c->cap_effective.val)) {
		if (which == TR_CAP_INHERITABLE)
			return BPF_CORE_READ(c, cap_inheritable.val);
		if (which == TR_CAP_PERMITTED)
			return BPF_CORE_READ(c, cap_permitted.val);
		return BPF_CORE_READ(c, cap_effective.val);
	}
	if (which == TR_CAP_INHERITABLE)
		return BPF_CORE_READ(o, cap_inheritable.cap[0]) |
		       (__u64)BPF_CORE_READ(o, cap_inheritable.cap[1]) << 32;
	if (which == TR_CAP_PERMITTED)
		return BPF_CORE_READ(o, cap_permitted.cap[0]) |
		       (__u64)BPF_CORE_READ(o, cap_permitted.cap[1]) << 32;
	return BPF_CORE_READ(o, cap_effective.cap[0]) |
	       (__u64)BPF_CORE_READ(o, cap_effective.cap[1]) << 32;
#endif
}

/* The number of a pid as its own namespace (level) sees it, or the root
 * namespace when root. */
static __always_inline __s64 tr_pid_nr(struct pid *pid, int root)
{
	unsigned int level = 0;

	if (!pid)
		return 0;
	if (!root)
		level = BPF_CORE_READ(pid, level);
	return BPF_CORE_READ(pid, numbers[level & 31].nr);
}

static __always_inline struct pid *tr_task_pid(struct task_struct *t, enum pid_type type)
{
	if (type == PIDTYPE_PID)
		return BPF_CORE_READ(t, thread_pid);
	return BPF_CORE_READ(t, signal, pids[type]);
}

static __always_inline __u32 tr_loginuid(struct task_struct *t)
{
	return BPF_CORE_READ(t, loginuid.val);
}

static __always_inline __u32 tr_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	struct tty_driver *drv;
	int index, major, minor;

	if (!tty)
		return 0;
	drv = BPF_CORE_READ(tty, driver);
	if (!drv)
		return 0;
	index = BPF_CORE_READ(tty, index);
	major = BPF_CORE_READ(drv, major);
	minor = BPF_CORE_READ(drv, minor_start);
	return tr_encode_dev(((__u32)major << 20) + (__u32)minor + (__u32)index);
}

/* Pages of one of the mm's counters (MM_FILEPAGES...). */
static __always_inline __s64 tr_mm_counter(struct mm_struct *mm, int which)
{
#ifdef __KERNEL__
	return get_mm_counter(mm, which);
#else
	struct mm_struct___new *mn = (void *)mm;
	struct mm_struct___old *mo = (void *)mm;

	if (bpf_core_field_exists(mn->rss_stat))
		return BPF_CORE_READ(mn, rss_stat[which & 3].count);
	return BPF_CORE_READ(mo, rss_stat.count[which & 3].counter);
#endif
}

static __always_inline __u64 tr_vm_kb(struct mm_struct *mm, int what)
{
	__s64 pages = 0;

	if (!mm)
		return 0;
	switch (what) {
	case 0:
		pages = BPF_CORE_READ(mm, total_vm);
		break;
	case 1:
		pages = tr_mm_counter(mm, MM_FILEPAGES) + tr_mm_counter(mm, MM_ANONPAGES) +
			tr_mm_counter(mm, MM_SHMEMPAGES);
		break;
	default:
		pages = tr_mm_counter(mm, MM_SWAPENTS);
		break;
	}
	return pages < 0 ? 0 : (__u64)pages << TR_PAGE_KB_SHIFT;
}

static __always_inline __u64 tr_time_ns(__s64 sec, __u32 nsec)
{
	return (__u64)sec * 1000000000ULL + nsec;
}

/* The change (ctime) and modification (mtime) times of an inode, in ns. */
static __always_inline void tr_inode_times(struct inode *in, __u64 *ctime, __u64 *mtime)
{
#ifdef __KERNEL__
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	struct timespec64 c = inode_get_ctime(in), m = inode_get_mtime(in);
#else
	struct timespec64 c = in->i_ctime, m = in->i_mtime;
#endif
	*ctime = tr_time_ns(c.tv_sec, c.tv_nsec);
	*mtime = tr_time_ns(m.tv_sec, m.tv_nsec);
#else
	struct inode___v611 *n = (void *)in;
	struct inode___v67 *v67 = (void *)in;
	struct inode___v66 *v66 = (void *)in;
	struct inode___v65 *v65 = (void *)in;

	if (bpf_core_field_exists(n->i_ctime_sec)) {
		*ctime = tr_time_ns(BPF_CORE_READ(n, i_ctime_sec), BPF_CORE_READ(n, i_ctime_nsec));
		*mtime = tr_time_ns(BPF_CORE_READ(n, i_mtime_sec), BPF_CORE_READ(n, i_mtime_nsec));
	} else if (bpf_core_field_exists(v67->__i_mtime)) {
		*ctime = tr_time_ns(BPF_CORE_READ(v67, __i_ctime.tv_sec), BPF_CORE_READ(v67, __i_ctime.tv_nsec));
		*mtime = tr_time_ns(BPF_CORE_READ(v67, __i_mtime.tv_sec), BPF_CORE_READ(v67, __i_mtime.tv_nsec));
	} else if (bpf_core_field_exists(v66->__i_ctime)) {
		*ctime = tr_time_ns(BPF_CORE_READ(v66, __i_ctime.tv_sec), BPF_CORE_READ(v66, __i_ctime.tv_nsec));
		*mtime = tr_time_ns(BPF_CORE_READ(v66, i_mtime.tv_sec), BPF_CORE_READ(v66, i_mtime.tv_nsec));
	} else {
		*ctime = tr_time_ns(BPF_CORE_READ(v65, i_ctime.tv_sec), BPF_CORE_READ(v65, i_ctime.tv_nsec));
		*mtime = tr_time_ns(BPF_CORE_READ(v65, i_mtime.tv_sec), BPF_CORE_READ(v65, i_mtime.tv_nsec));
	}
#endif
}

/* Whether an overlayfs inode has its upper layer (1), only lower ones
 * (2), or the inode is not an overlay one (0). */
static __always_inline int tr_ovl_layer(struct inode *in)
{
	if (BPF_CORE_READ(in, i_sb, s_magic) != TR_OVERLAYFS_MAGIC)
		return 0;
#ifdef __KERNEL__
	return kev_ovl_upper(in) ? 1 : 2;
#else
	if (!bpf_core_type_exists(struct ovl_inode___saker))
		return 0;
	/* the overlay inode around the VFS one, at the running kernel's
	 * offset */
	struct ovl_inode___saker *oi = (void *)((char *)in -
		bpf_core_field_offset(struct ovl_inode___saker, vfs_inode));

	return BPF_CORE_READ(oi, __upperdentry) ? 1 : 2;
#endif
}

/* The file behind fd of the current task, or NULL. */
static __always_inline struct file *tr_fd_file(__s64 fd)
{
#ifdef __KERNEL__
	struct fdtable *fdt = files_fdtable(current->files);

	if (fd < 0 || (__u64)fd >= fdt->max_fds)
		return NULL;
	return rcu_dereference_raw(fdt->fd[fd]);
#else
	struct task_struct *t = tr_current();
	struct files_struct *files = TR_RD(t, files);
	struct fdtable *fdt = files ? TR_RD(files, fdt) : NULL;
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || !fdt || (__u64)fd >= TR_RD(fdt, max_fds))
		return NULL;
#ifdef TR_NO_RDONLY_CAST
	fds = TR_RD(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
#else
	/* the array read with a plain load: an untyped read-only view */
	fds = bpf_rdonly_cast(fdt->fd, 0);
	f = fds[fd];
	return f ? TR_CAST(struct file, f) : NULL;
#endif
#endif
}

/* Whether the open that returned f created its file. */
static __always_inline int tr_file_created(struct file *f)
{
	return f && (TR_RD(f, f_mode) & TR_FMODE_CREATED);
}

static __always_inline void tr_file_dev_ino(struct file *f, __u32 *dev, __u64 *ino)
{
	struct inode *in = f ? TR_RD(f, f_inode) : NULL;
	struct super_block *sb;

	*dev = 0;
	*ino = 0;
	if (!in)
		return;
	sb = TR_RD(in, i_sb);
	*ino = TR_RD(in, i_ino);
	*dev = sb ? tr_encode_dev(TR_RD(sb, s_dev)) : 0;
}

static __always_inline struct kernfs_node *tr_kn_parent(struct kernfs_node *kn)
{
#ifdef __KERNEL__
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	return rcu_dereference_raw(kn->__parent);
#else
	return kn->parent;
#endif
#else
	struct kernfs_node___new *kn_new = (void *)kn;

	if (bpf_core_field_exists(kn_new->__parent))
		return BPF_CORE_READ(kn_new, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
#endif
}

/* One walk towards a root, written backwards into the CPU's tmp area:
 * components go before pos, each preceded by a '/'. */
struct tr_walk {
	struct ev_tmp *tmp;
	__u32 pos;
	struct dentry *d;		/* dentry walk */
	struct vfsmount *vmnt;
	struct mount *mnt;
	struct kernfs_node *kn;		/* cgroup walk */
};

/* Puts len bytes of kernel name and a '/' before w->pos; 0 when full. */
static __always_inline int tr_walk_put(struct tr_walk *w, const void *name, __u32 len)
{
	if (len + 1 > w->pos)
		return 0;
	w->pos -= len;
	bpf_probe_read_kernel(&w->tmp->b[w->pos & (PROBE_PARAM_MAX - 1)], ev_bound(len, 255), name);
	w->pos--;
	w->tmp->b[w->pos & (PROBE_PARAM_MAX - 1)] = '/';
	return 1;
}

static int tr_dentry_step(__u32 i, void *ctx)
{
	struct tr_walk *w = ctx;
	struct dentry *d = w->d, *parent, *mnt_root;
	struct vfsmount *vmnt = w->vmnt;
	struct mount *mnt = w->mnt, *mnt_parent;

	if (!d)
		return 1;
	mnt_root = BPF_CORE_READ(vmnt, mnt_root);
	parent = BPF_CORE_READ(d, d_parent);
	if (d == mnt_root || d == parent) {
		mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (d != mnt_root || mnt_parent == mnt)
			return 1;
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vmnt = &mnt_parent->mnt;
		return 0;
	}
	if (!tr_walk_put(w, BPF_CORE_READ(d, d_name.name), BPF_CORE_READ(d, d_name.len) & 255))
		return 1;
	w->d = parent;
	return 0;
}

static int tr_kernfs_step(__u32 i, void *ctx)
{
	struct tr_walk *w = ctx;
	struct kernfs_node *kn = w->kn, *up;
	const char *nm;
	char first = 0;
	long n;

	if (!kn)
		return 1;
	up = tr_kn_parent(kn);
	if (!up)
		return 1;
	nm = BPF_CORE_READ(kn, name);
	/* the length of the name, read into the area's unused head */
	n = bpf_probe_read_kernel_str(&w->tmp->b[PROBE_PARAM_MAX], 256, nm);
	bpf_probe_read_kernel(&first, 1, nm);
	if (n <= 1 || !first || !tr_walk_put(w, nm, (n - 1) & 255))
		return 1;
	w->kn = up;
	return 0;
}

/* Ends a walk: a lone "/" when nothing was written. The string's length,
 * NUL included; it starts at w->pos. */
static __always_inline __u32 tr_walk_end(struct tr_walk *w)
{
	if (w->pos == PROBE_PARAM_MAX - 1) {
		w->pos--;
		w->tmp->b[w->pos & (PROBE_PARAM_MAX - 1)] = '/';
	}
	return PROBE_PARAM_MAX - (w->pos & (PROBE_PARAM_MAX - 1));
}

/* The walked string into the event. */
static __always_inline void tr_walk_push(struct ev *e, struct tr_walk *w)
{
	__u32 len = tr_walk_end(w);

	ev_kbuf(e, &w->tmp->b[w->pos & (PROBE_PARAM_MAX - 1)], len);
}

static __always_inline int tr_walk_init(struct tr_walk *w, struct ev *e)
{
	w->tmp = ev_tmp(e);
	w->pos = PROBE_PARAM_MAX - 1;
	w->tmp->b[PROBE_PARAM_MAX - 1] = 0;
	return 1;
}

/* Writes "/a/b/c" for the dentry chain of path into the event (the walk
 * crosses mount points up to the root of the mount namespace; chroots are
 * ignored, as Falco's drivers do). */
static __always_inline void tr_push_path(struct ev *e, const struct path *p)
{
	struct tr_walk w = {};

	if (!tr_walk_init(&w, e)) {
		ev_empty(e);
		return;
	}
	w.d = BPF_CORE_READ(p, dentry);
	w.vmnt = BPF_CORE_READ(p, mnt);
	w.mnt = (void *)((char *)w.vmnt - bpf_core_field_offset(struct mount, mnt));
	struct dentry *first = w.d;
	bpf_loop(TR_PATH_DEPTH, tr_dentry_step, &w, 0);
	/* a file of an internal mount (memfd, anonymous files) is its own
	 * root: named "/name", as the kernel names it */
	if (w.pos == PROBE_PARAM_MAX - 1 && first) {
		const unsigned char *nm = BPF_CORE_READ(first, d_name.name);
		char c0 = 0;

		bpf_probe_read_kernel(&c0, 1, nm);
		if (c0 && c0 != '/') {
			/* " (deleted)" after it when no link is left, as d_path
			 * names a memfd; the walk writes backwards: suffix first */
			if (!BPF_CORE_READ(first, d_inode, i_nlink) && w.pos > 16) {
				static const char deleted[] = " (deleted)";

				w.pos -= sizeof(deleted) - 1;
				bpf_probe_read_kernel(&w.tmp->b[w.pos & (PROBE_PARAM_MAX - 1)],
						      sizeof(deleted) - 1, deleted);
			}
			tr_walk_put(&w, nm, BPF_CORE_READ(first, d_name.len) & 255);
		}
	}
	tr_walk_push(e, &w);
}

/* "subsys=path" NUL-separated for every cgroup subsystem of the task, as
 * the drivers write the cgroups parameter. */
struct tr_cg {
	struct ev *e;
	struct task_struct *t;
	__u32 start, total;
};

/* Cgroup subsystems of the running kernel (14 on 6.1, one more with dmem
 * since 6.14), at most 16. */
#ifdef __KERNEL__
#define TR_CGROUP_SUBSYS CGROUP_SUBSYS_COUNT
#else
#define TR_CGROUP_SUBSYS tr_cgroup_subsys()
static __always_inline __u32 tr_cgroup_subsys(void)
{
	__u32 n = bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);

	return n > 16 ? 16 : n;
}
#endif

static int tr_cgroup_step(__u32 s, void *ctx)
{
	struct tr_cg *cg = ctx;
	struct ev *e = cg->e;
	struct task_struct *t = cg->t;
	struct cgroup_subsys_state *css = BPF_CORE_READ(t, cgroups, subsys[s & 15]);
	struct tr_walk w = {};
	__u32 at, plen;
	long n;

	if (s >= TR_CGROUP_SUBSYS)
		return 1;
	if (!css)
		return 0;
	if (!tr_walk_init(&w, e))
		return 1;
	w.kn = BPF_CORE_READ(css, cgroup, kn);
	bpf_loop(TR_CGROUP_DEPTH, tr_kernfs_step, &w, 0);
	plen = tr_walk_end(&w);
	at = cg->start + cg->total;
	if (at + 32 + plen >= PROBE_EV_MAX || cg->total + 32 + plen > PROBE_PARAM_MAX)
		return 1;
	n = bpf_probe_read_kernel_str(&e->b[at & EV_MASK], 32, BPF_CORE_READ(css, ss, name));
	if (n <= 1)
		return 0;
	e->b[(at + n - 1) & EV_MASK] = '=';
	at += n;
	bpf_probe_read_kernel(&e->b[at & EV_MASK], ev_bound(plen, PROBE_PARAM_MAX * 2 - 1),
			      &w.tmp->b[w.pos & (PROBE_PARAM_MAX - 1)]);
	cg->total += n + plen;
	return 0;
}

static __always_inline void tr_push_cgroups(struct ev *e, struct task_struct *t)
{
	struct tr_cg cg = { .e = e, .t = t, .start = e->off };

	if (ev_room(e) < PROBE_PARAM_MAX) {
		ev_empty(e);
		return;
	}
	bpf_loop(TR_CGROUP_SUBSYS, tr_cgroup_step, &cg, 0);
	ev_len(e, cg.total);
}

/* The NUL-separated strings between user addresses [from, to) of the
 * current task (argv or envp as the process sees them). */
static __always_inline void tr_push_user_range(struct ev *e, unsigned long from, unsigned long to)
{
	__u32 len = to > from ? to - from : 0;

	ev_ubuf(e, from, len);
}

static __always_inline struct socket *tr_file_socket(struct file *f)
{
	struct socket *s;

	if (!f || !TR_RD(f, private_data))
		return NULL;
	s = TR_CAST(struct socket, TR_RD(f, private_data));
	/* a socket's file points back to it */
	return TR_RD(s, file) == f ? s : NULL;
}

static __always_inline __u16 tr_ntohs(__u16 v)
{
	return (v >> 8) | (v << 8);
}

/* The socket tuple of the socket behind fd: local side first when
 * outbound (connect, send), remote first when inbound (accept). */
static __always_inline void tr_push_tuple(struct ev *e, __s64 fd, int outbound)
{
	struct socket *so = tr_file_socket(tr_fd_file(fd));
	struct sock *sk = so ? TR_RD(so, sk) : NULL;
	__u8 *c = ev_cursor(e);
	__u16 fam;

	if (!sk || ev_room(e) < 128) {
		ev_empty(e);
		return;
	}
	fam = TR_RD(sk, __sk_common.skc_family);
	if (fam == TR_AF_INET) {
		struct inet_sock *in = TR_CAST(struct inet_sock, sk);
		__u32 la = TR_RD(in, inet_saddr), ra = TR_RD(sk, __sk_common.skc_daddr);
		__u16 lp = tr_ntohs(TR_RD(in, inet_sport)), rp = tr_ntohs(TR_RD(sk, __sk_common.skc_dport));

		if (!la)
			la = TR_RD(sk, __sk_common.skc_rcv_saddr);
		c[0] = fc_socket_family(fam);
		*(__u32 *)&c[1] = outbound ? la : ra;
		*(__u16 *)&c[5] = outbound ? lp : rp;
		*(__u32 *)&c[7] = outbound ? ra : la;
		*(__u16 *)&c[11] = outbound ? rp : lp;
		ev_len(e, 13);
	} else if (fam == TR_AF_INET6) {
		struct inet_sock *in = TR_CAST(struct inet_sock, sk);
		__u16 lp = tr_ntohs(TR_RD(in, inet_sport)), rp = tr_ntohs(TR_RD(sk, __sk_common.skc_dport));
		__u64 la[2], ra[2];

		la[0] = TR_RD(sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[0]) |
			(__u64)TR_RD(sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[1]) << 32;
		la[1] = TR_RD(sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[2]) |
			(__u64)TR_RD(sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[3]) << 32;
		ra[0] = TR_RD(sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32[0]) |
			(__u64)TR_RD(sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32[1]) << 32;
		ra[1] = TR_RD(sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32[2]) |
			(__u64)TR_RD(sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32[3]) << 32;
		c[0] = fc_socket_family(fam);
		*(__u64 *)&c[1] = outbound ? la[0] : ra[0];
		*(__u64 *)&c[9] = outbound ? la[1] : ra[1];
		*(__u16 *)&c[17] = outbound ? lp : rp;
		*(__u64 *)&c[19] = outbound ? ra[0] : la[0];
		*(__u64 *)&c[27] = outbound ? ra[1] : la[1];
		*(__u16 *)&c[35] = outbound ? rp : lp;
		ev_len(e, 37);
	} else if (fam == TR_AF_UNIX) {
		struct unix_sock *us = TR_CAST(struct unix_sock, sk);
		struct sock *psk = TR_RD(us, peer);
		struct unix_sock *peer = psk ? TR_CAST(struct unix_sock, psk) : NULL;
		struct unix_address *addr = outbound ? (peer ? TR_RD(peer, addr) : NULL) : TR_RD(us, addr);
		long n = 0;

		c[0] = fc_socket_family(fam);
		*(__u64 *)&c[1] = outbound ? (__u64)peer : (__u64)us;
		*(__u64 *)&c[9] = outbound ? (__u64)us : (__u64)peer;
		if (addr) {
			const char *p = (const char *)addr->name[0].sun_path;
			char first = 0;

			bpf_probe_read_kernel(&first, 1, p);
			n = bpf_probe_read_kernel_str(&c[17], 108, p + (first == 0));
		}
		if (n <= 0) {
			c[17] = 0;
			n = 1;
		}
		ev_len(e, 17 + n);
	} else {
		ev_empty(e);
	}
}

/* A sockaddr from user memory as Falco packs it: family, then address and
 * port (host order) for IP, the path for unix sockets. */
static __always_inline void tr_push_sockaddr(struct ev *e, unsigned long uaddr, __u32 ulen)
{
	__u8 *c = ev_cursor(e);
	__u16 fam = 0;

	if (!uaddr || ulen < 2 || ev_room(e) < 128 || bpf_probe_read_user(&fam, 2, (void *)uaddr)) {
		ev_empty(e);
		return;
	}
	c[0] = fc_socket_family(fam);
	if (fam == TR_AF_INET) {
		struct sockaddr_in sa = {};

		bpf_probe_read_user(&sa, sizeof(sa), (void *)uaddr);
		*(__u32 *)&c[1] = sa.sin_addr.s_addr;
		*(__u16 *)&c[5] = tr_ntohs(sa.sin_port);
		ev_len(e, 7);
	} else if (fam == TR_AF_INET6) {
		struct sockaddr_in6 sa = {};

		bpf_probe_read_user(&sa, sizeof(sa), (void *)uaddr);
		__builtin_memcpy(&c[1], &sa.sin6_addr, 16);
		*(__u16 *)&c[17] = tr_ntohs(sa.sin6_port);
		ev_len(e, 19);
	} else if (fam == TR_AF_UNIX) {
		char first = 0;
		long n;

		bpf_probe_read_user(&first, 1, (void *)(uaddr + 2));
		n = bpf_probe_read_user_str(&c[1], 108, (void *)(uaddr + 2 + (first == 0)));
		if (n <= 0) {
			c[1] = 0;
			n = 1;
		}
		ev_len(e, 1 + n);
	} else {
		ev_len(e, 1);
	}
}
