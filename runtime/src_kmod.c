/* The kernel module (kmod/) as an event source (see evt_source.h). Opens
 * /dev/saker, loading the module first when it is not loaded and the
 * configuration names one (engine.kmod.module); refuses a module of
 * another build than its own; sets up one ring per CPU, maps them and
 * reads them in place, merged in time order (ring_src.c: the rings are
 * laid out as BPF ring buffers are). A module saker loaded is unloaded at
 * close. While saker holds the device the kernel refuses to unload it. */
#define _GNU_SOURCE
#include "runtime/evt_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kmod/kmod_abi.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/ring_src.h"
#include "runtime/src_live.h"

#define KMOD_RING_DEFAULT (8u << 20)
/* How long a freshly loaded module's device may take to appear. */
#define KMOD_DEV_WAIT_MS 2000

struct src_kmod {
	struct src_live l;
	int fd;
	bool loaded;			/* saker loaded the module */
	enum evt_schema_arch arch;
};

/* Loads the module file path. 0, or -errno with err. */
static int load_module(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "kmod: %s: %s", path, strerror(-ret));
		return ret;
	}
	if (syscall(SYS_finit_module, fd, "", 0)) {
		ret = -errno;
		if (ret == -ENOEXEC)
			snprintf(err, errlen, "kmod: %s was not built for this kernel "
				 "(build it against this kernel's headers)", path);
		else
			snprintf(err, errlen, "kmod: loading %s: %s", path, strerror(-ret));
	}
	close(fd);
	return ret;
}

static void unload_module(void)
{
	syscall(SYS_delete_module, SAKER_KMOD_NAME, O_NONBLOCK);
}

/* Opens the device, waiting for it a little after a load. */
static int open_dev(bool wait)
{
	for (int ms = 0;; ms += 10) {
		int fd = open(SAKER_KMOD_DEV, O_RDWR | O_CLOEXEC);
		struct timespec ts = { 0, 10000000 };

		if (fd >= 0)
			return fd;
		if (errno != ENOENT || !wait || ms >= KMOD_DEV_WAIT_MS)
			return -errno;
		nanosleep(&ts, NULL);
	}
}

static void km_close(struct evt_source *s)
{
	struct src_kmod *k = (struct src_kmod *)s;

	if (!k)
		return;
	ring_src__free(k->l.rs);
	if (k->fd >= 0)
		close(k->fd);
	if (k->loaded)
		unload_module();
	mem_free(k);
}

/* The module's build against ours. 0, or -errno with err. */
static int check_build(struct src_kmod *k, struct saker_kmod_info *info, char *err, size_t errlen)
{
	if (ioctl(k->fd, SAKER_IOC_INFO, info)) {
		int ret = -errno;

		snprintf(err, errlen, "kmod: %s does not answer as saker's module: %s", SAKER_KMOD_DEV,
			 strerror(-ret));
		return ret;
	}
	info->build[sizeof(info->build) - 1] = 0;
	if (info->api != SAKER_KMOD_API || strcmp(info->build, SAKER_KMOD_BUILD)) {
		snprintf(err, errlen, "kmod: the loaded module is of another build (%s, interface %u) "
			 "than this saker (%s, interface %u): unload it (rmmod %s) and load the module "
			 "built with this saker", info->build, info->api, SAKER_KMOD_BUILD,
			 SAKER_KMOD_API, SAKER_KMOD_NAME);
		return -EPROTO;
	}
	if (info->ncpus == 0 || info->ncpus > PROBE_CPU_MAX) {
		snprintf(err, errlen, "kmod: %u CPUs (at most %d are supported)", info->ncpus,
			 PROBE_CPU_MAX);
		return -ENOTSUP;
	}
	return 0;
}

static int map_rings(struct src_kmod *k, size_t ring_bytes, char *err, size_t errlen)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct ring_src_map *maps = mem_calloc((size_t)k->l.base.ncpus, sizeof(*maps));
	off_t stride = (off_t)SAKER_KMOD_STRIDE(ring_bytes / page) * (off_t)page;
	int ret;

	if (!maps)
		return -ENOMEM;
	for (int c = 0; c < k->l.base.ncpus; c++)
		maps[c] = (struct ring_src_map){ .fd = k->fd, .off = c * stride };
	ret = ring_src__open_maps(maps, k->l.base.ncpus, ring_bytes, &k->l.rs);
	mem_free(maps);
	if (ret)
		snprintf(err, errlen, "kmod: cannot map the rings: %s", strerror(-ret));
	return ret;
}

static int km_open(const struct evt_source_opts *o, struct evt_source **out, char *err,
		   size_t errlen)
{
	struct src_kmod *k = mem_calloc(1, sizeof(*k));
	struct saker_kmod_setup setup = { 0 };
	struct saker_kmod_info info;
	int ret;

	*out = NULL;
	if (!k) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	k->l.base = (struct evt_source){ .ops = &src_kmod_ops, .name = "syscall", .live = true };
	k->fd = -1;
	k->l.seed = o->seed;
#if defined(__aarch64__)
	k->arch = EVT_SCHEMA_ARCH_AARCH64;
#else
	k->arch = EVT_SCHEMA_ARCH_X86_64;
#endif
	if (geteuid() != 0) {
		ret = -EPERM;
		snprintf(err, errlen, "the kernel module needs root; run with sudo, or replay a "
			 "capture with -e FILE");
		goto bad;
	}
	ret = k->fd = open_dev(false);
	if (ret == -ENOENT && o->path) {
		ret = load_module(o->path, err, errlen);
		if (ret)
			goto bad;
		k->loaded = true;
		ret = k->fd = open_dev(true);
	}
	if (ret < 0) {
		if (ret == -ENOENT)
			snprintf(err, errlen, "kmod: the kernel module is not loaded (%s is missing): "
				 "load saker.ko (insmod) or name it in engine.kmod.module",
				 SAKER_KMOD_DEV);
		else if (ret == -EBUSY)
			snprintf(err, errlen, "kmod: %s is busy: another saker reads the module",
				 SAKER_KMOD_DEV);
		else
			snprintf(err, errlen, "kmod: %s: %s", SAKER_KMOD_DEV, strerror(-ret));
		goto bad;
	}
	ret = check_build(k, &info, err, errlen);
	if (ret)
		goto bad;
	k->l.base.ncpus = (int)info.ncpus;
	setup.ring_bytes = o->ring_bytes ? o->ring_bytes : KMOD_RING_DEFAULT;
	setup.boot_epoch_ns = src_live_boot_epoch_ns();
	if (ioctl(k->fd, SAKER_IOC_SETUP, &setup)) {
		ret = -errno;
		snprintf(err, errlen, "kmod: rings of %llu bytes per CPU: %s",
			 (unsigned long long)setup.ring_bytes, strerror(-ret));
		goto bad;
	}
	if (o->skip_self && ioctl(k->fd, SAKER_IOC_SKIP_SELF)) {
		ret = -errno;
		snprintf(err, errlen, "kmod: cannot leave saker out: %s", strerror(-ret));
		goto bad;
	}
	ret = map_rings(k, setup.ring_bytes, err, errlen);
	if (ret)
		goto bad;
	*out = &k->l.base;
	return 0;
bad:
	/* closing unloads what saker loaded and cannot use */
	km_close(&k->l.base);
	return ret;
}

static void km_set_syscalls(struct evt_source *s, const bool *on)
{
	struct src_kmod *k = (struct src_kmod *)s;
	struct saker_kmod_syscalls sc = { 0 };

	for (size_t i = 0; i < evt_schema_syscall_count(); i++) {
		int nr = evt_schema_syscall_nr(i, k->arch);

		if (nr >= 0 && nr < PROBE_SC_MAX)
			sc.on[nr] = on[i] ? PROBE_SC_ON : PROBE_SC_OFF;
	}
	/* cannot fail on an open session */
	(void)ioctl(k->fd, SAKER_IOC_SYSCALLS, &sc);
}

static int km_start(struct evt_source *s, char *err, size_t errlen)
{
	struct src_kmod *k = (struct src_kmod *)s;

	if (ioctl(k->fd, SAKER_IOC_ATTACH)) {
		int ret = -errno;

		snprintf(err, errlen, "kmod: attach failed: %s", strerror(-ret));
		return ret;
	}
	return src_live_seed_op(&k->l, err, errlen);
}

static void km_stop(struct evt_source *s)
{
	(void)ioctl(((struct src_kmod *)s)->fd, SAKER_IOC_DETACH);
}

static void km_stats(const struct evt_source *s, int cpu, struct evt_source_stats *out)
{
	const struct src_kmod *k = (const struct src_kmod *)s;

	memset(out, 0, sizeof(*out));
	for (int c = 0; c < k->l.base.ncpus; c++) {
		struct saker_kmod_stats st = { .cpu = (__u32)c };

		if ((cpu >= 0 && c != cpu) || ioctl(k->fd, SAKER_IOC_STATS, &st))
			continue;
		out->seen += st.cnt.seen;
		out->sent += st.cnt.sent;
		out->drop_full += st.cnt.drop_full;
		out->drop_big += st.cnt.drop_big;
		for (int d = 0; d < DROP_KIND_MAX; d++)
			out->drop_kind[d] += st.cnt.drop_kind[d];
	}
	src_live_stats_tail(&k->l, cpu, out);
}

const struct evt_source_ops src_kmod_ops = {
	.kind = "kmod",
	.open = km_open,
	.set_syscalls = km_set_syscalls,
	.start = km_start,
	.next = src_live_next_op,
	.release = src_live_release_op,
	.machine = src_live_machine_op,
	.stop = km_stop,
	.stats = km_stats,
	.close = km_close,
};
