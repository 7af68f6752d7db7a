// SPDX-License-Identifier: GPL-2.0-only
/* saker's kernel module: the same events as saker's probe for kernels
 * where BPF cannot run it. The device /dev/saker is opened by one reader
 * at a time (a session): it sets up one ring per CPU (kmod_ring.c), says
 * which syscalls it wants and that its own process is left out, attaches
 * the hooks (kmod_hooks.c), maps the rings and reads them in place, and
 * reads each CPU's counters. Closing it detaches the hooks and frees the
 * rings; the module cannot be unloaded while a session is open. */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include "kmod_abi.h"
#include "kmod_hooks.h"
#include "kmod_ring.h"

static DEFINE_MUTEX(lock);	/* serialises the ioctls */
static atomic_t busy = ATOMIC_INIT(0);

static int dev_open(struct inode *in, struct file *f)
{
	if (atomic_cmpxchg(&busy, 0, 1))
		return -EBUSY;
	return 0;
}

static int dev_release(struct inode *in, struct file *f)
{
	mutex_lock(&lock);
	kmod_hooks_detach();
	kmod_hooks_skip(0);
	kmod_ring_free();
	mutex_unlock(&lock);
	atomic_set(&busy, 0);
	return 0;
}

static long ioc_info(void __user *arg)
{
	struct saker_kmod_info i = { .api = SAKER_KMOD_API, .ncpus = nr_cpu_ids };

	strscpy(i.build, SAKER_KMOD_BUILD, sizeof(i.build));
	return copy_to_user(arg, &i, sizeof(i)) ? -EFAULT : 0;
}

static long ioc_setup(void __user *arg)
{
	struct saker_kmod_setup s;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (nr_cpu_ids > PROBE_CPU_MAX)
		return -EOPNOTSUPP;
	return kmod_ring_alloc(s.ring_bytes, s.boot_epoch_ns);
}

static long ioc_syscalls(void __user *arg)
{
	struct saker_kmod_syscalls *s = memdup_user(arg, sizeof(*s));

	if (IS_ERR(s))
		return PTR_ERR(s);
	kmod_hooks_set_syscalls(s->on);
	kfree(s);
	return 0;
}

static long ioc_stats(void __user *arg)
{
	struct saker_kmod_stats s;
	const struct probe_cnt *c;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	c = s.cpu < nr_cpu_ids ? kmod_ring_cnt(s.cpu) : NULL;
	if (!c)
		return -EINVAL;
	s.cnt.seen = READ_ONCE(c->seen);
	s.cnt.sent = READ_ONCE(c->sent);
	s.cnt.drop_full = READ_ONCE(c->drop_full);
	s.cnt.drop_big = READ_ONCE(c->drop_big);
	for (int k = 0; k < DROP_KIND_MAX; k++)
		s.cnt.drop_kind[k] = READ_ONCE(c->drop_kind[k]);
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long dev_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *u = (void __user *)arg;
	long ret;

	mutex_lock(&lock);
	switch (cmd) {
	case SAKER_IOC_INFO:
		ret = ioc_info(u);
		break;
	case SAKER_IOC_SETUP:
		ret = ioc_setup(u);
		break;
	case SAKER_IOC_SYSCALLS:
		ret = ioc_syscalls(u);
		break;
	case SAKER_IOC_SKIP_SELF:
		kmod_hooks_skip(current->tgid);
		ret = 0;
		break;
	case SAKER_IOC_ATTACH:
		ret = kmod_ring_ready() ? kmod_hooks_attach() : -ENODEV;
		break;
	case SAKER_IOC_DETACH:
		kmod_hooks_detach();
		ret = 0;
		break;
	case SAKER_IOC_STATS:
		ret = ioc_stats(u);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&lock);
	return ret;
}

static int dev_mmap(struct file *f, struct vm_area_struct *vma)
{
	int ret;

	mutex_lock(&lock);
	ret = kmod_ring_mmap(vma);
	mutex_unlock(&lock);
	return ret;
}

static const struct file_operations dev_fops = {
	.owner = THIS_MODULE,
	.open = dev_open,
	.release = dev_release,
	.unlocked_ioctl = dev_ioctl,
	.mmap = dev_mmap,
};

static struct miscdevice dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SAKER_KMOD_NAME,
	.fops = &dev_fops,
	.mode = 0600,
};

static int __init saker_init(void)
{
	int ret = kmod_hooks_init();

	return ret ? ret : misc_register(&dev);
}

static void __exit saker_exit(void)
{
	misc_deregister(&dev);
}

module_init(saker_init);
module_exit(saker_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("saker: syscall events for runtime security");
MODULE_VERSION(SAKER_KMOD_BUILD);
