/* The live probe's loader (see probe.h): libbpf skeleton of
 * bpf/probe.bpf.c (on kernels before 6.2, which lack bpf_rdonly_cast, the
 * same skeleton over the object built for them, bpf/CMakeLists.txt), rings created per CPU and put in the probe's
 * array-of-maps, the filler of each syscall put in its tail-call table by
 * name (fl_<syscall>, else fl_generic), the wanted-syscall table written
 * through the mapped .bss. */
#define _GNU_SOURCE
#include "runtime/probe.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/probe_abi.h"
#include "bpf/probe.skel.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/src_live.h"

#define PROBE_RING_DEFAULT (8u << 20)

struct probe {
	struct probe_bpf *skel;
	int ncpus;
	size_t ring_bytes;
	int *ring_fds;
	enum evt_schema_arch arch;
};

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

static int libbpf_log(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	char *buf = NULL;
	int n;

	if (lvl == LIBBPF_DEBUG)
		return 0;
	n = vasprintf(&buf, fmt, ap);
	if (n <= 0)
		return 0;
	if (buf[n - 1] == '\n')
		buf[n - 1] = 0;
	/* a verifier log runs to thousands of lines: keep only its tail,
	 * where the kernel says why it refused */
	log_msg(lvl == LIBBPF_WARN ? LOG_WARN : LOG_DEBUG, "%s",
		n > 900 ? buf + n - 900 : buf);
	free(buf);
	return 0;
}

/* The probe built with TR_NO_RDONLY_CAST (probe_compat_obj.c). */
extern const unsigned char saker_probe_compat_obj[];
extern const size_t saker_probe_compat_obj_len;

/* Whether the kernel has the kfunc the probe's plain loads need. */
static bool has_rdonly_cast(void)
{
	struct btf *vm = btf__load_vmlinux_btf();
	bool has;

	if (!vm)
		return true;	/* let the load say what is wrong */
	has = btf__find_by_name_kind(vm, "bpf_rdonly_cast", BTF_KIND_FUNC) >= 0;
	btf__free(vm);
	return has;
}

/* The skeleton over the object for kernels before 6.2: the same
 * programs, maps and globals, so the same skeleton type. */
static struct probe_bpf *open_compat(void)
{
	struct probe_bpf *obj = calloc(1, sizeof(*obj));

	if (!obj)
		return NULL;
	if (probe_bpf__create_skeleton(obj))
		goto bad;
	obj->skeleton->data = (void *)saker_probe_compat_obj;
	obj->skeleton->data_sz = saker_probe_compat_obj_len;
	if (bpf_object__open_skeleton(obj->skeleton, NULL))
		goto bad;
	return obj;
bad:
	probe_bpf__destroy(obj);
	return NULL;
}

/* What the machine lacks for the probe, or 0. */
static int check_machine(char *err, size_t errlen)
{
	if (geteuid() != 0)
		return fail(err, errlen, -EPERM,
			    "the live probe needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE); "
			    "run with sudo, or replay a capture with -e FILE");
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return fail(err, errlen, -ENOTSUP,
			    "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): "
			    "the probe needs CONFIG_DEBUG_INFO_BTF=y");
	return 0;
}

static int fill_tail_calls(struct probe *p, char *err, size_t errlen)
{
	int map = bpf_map__fd(p->skel->maps.fillers);
	struct bpf_program *generic = p->skel->progs.fl_generic;
	char name[64];

	for (size_t i = 0; i < evt_schema_syscall_count(); i++) {
		int nr = evt_schema_syscall_nr(i, p->arch), fd;
		struct bpf_program *prog;
		__u32 key;

		if (nr < 0 || nr >= PROBE_SC_MAX)
			continue;
		snprintf(name, sizeof(name), "fl_%s", evt_schema_syscall_name(i));
		prog = bpf_object__find_program_by_name(p->skel->obj, name);
		if (!prog)
			prog = generic;
		fd = bpf_program__fd(prog);
		key = (__u32)nr;
		if (bpf_map_update_elem(map, &key, &fd, BPF_ANY))
			return fail(err, errlen, -errno, "probe: filler of %s: %s",
				    evt_schema_syscall_name(i), strerror(errno));
	}
	return 0;
}

static int make_rings(struct probe *p, char *err, size_t errlen)
{
	p->ring_fds = mem_calloc((size_t)p->ncpus, sizeof(*p->ring_fds));
	if (!p->ring_fds)
		return -ENOMEM;
	for (int c = 0; c < p->ncpus; c++) {
		p->ring_fds[c] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "saker_ring", 0, 0,
						(__u32)p->ring_bytes, NULL);
		if (p->ring_fds[c] < 0) {
			int e = -errno;

			p->ring_fds[c] = -1;
			return fail(err, errlen, e, "probe: ring buffer of CPU %d (%zu bytes): %s", c,
				    p->ring_bytes, strerror(-e));
		}
	}
	return 0;
}

int probe__open(const struct probe_opts *o, struct probe **out, char *err, size_t errlen)
{
	struct probe *p;
	struct bpf_program *prog;
	int ret;

	*out = NULL;
	ret = check_machine(err, errlen);
	if (ret)
		return ret;
	p = mem_calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
#if defined(__aarch64__)
	p->arch = EVT_SCHEMA_ARCH_AARCH64;
#else
	p->arch = EVT_SCHEMA_ARCH_X86_64;
#endif
	libbpf_set_print(libbpf_log);
	p->ring_bytes = o && o->ring_bytes ? o->ring_bytes : PROBE_RING_DEFAULT;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0 || p->ncpus > PROBE_CPU_MAX) {
		ret = fail(err, errlen, -ENOTSUP, "probe: %d CPUs (at most %d are supported)",
			   p->ncpus, PROBE_CPU_MAX);
		goto bad;
	}
	p->skel = has_rdonly_cast() ? probe_bpf__open() : open_compat();
	if (!p->skel) {
		ret = fail(err, errlen, -errno, "probe: cannot open the BPF object: %s",
			   strerror(errno));
		goto bad;
	}
	p->skel->rodata->boot_epoch_ns = src_live_boot_epoch_ns();
	for (size_t i = 0; i < evt_schema_syscall_count(); i++) {
		int nr = evt_schema_syscall_nr(i, p->arch);

		if (nr >= 0 && nr < PROBE_SC_MAX)
			p->skel->rodata->sc_ppm[nr] = evt_schema_syscall(i)->ppm_sc;
	}
	bpf_map__set_max_entries(p->skel->maps.ev_scratch, (__u32)p->ncpus);
	bpf_map__set_max_entries(p->skel->maps.ev_rings, (__u32)p->ncpus);
	ret = make_rings(p, err, errlen);
	if (ret)
		goto bad;
	bpf_map__set_inner_map_fd(p->skel->maps.ev_rings, p->ring_fds[0]);
	/* fillers are reached by tail call only */
	bpf_object__for_each_program(prog, p->skel->obj) {
		if (!strncmp(bpf_program__name(prog), "fl_", 3) ||
		    !strcmp(bpf_program__name(prog), "self_tgid"))
			bpf_program__set_autoattach(prog, false);
	}
	ret = probe_bpf__load(p->skel);
	if (ret) {
		ret = fail(err, errlen, ret < 0 ? ret : -EINVAL,
			   "probe: the kernel refused the BPF programs (%s); see the libbpf lines above",
			   strerror(ret < 0 ? -ret : EINVAL));
		goto bad;
	}
	for (int c = 0; c < p->ncpus; c++) {
		__u32 key = (__u32)c;

		if (bpf_map_update_elem(bpf_map__fd(p->skel->maps.ev_rings), &key, &p->ring_fds[c],
					BPF_ANY)) {
			ret = fail(err, errlen, -errno, "probe: ring of CPU %d: %s", c, strerror(errno));
			goto bad;
		}
	}
	ret = fill_tail_calls(p, err, errlen);
	if (ret)
		goto bad;
	if (o && o->skip_self) {
		LIBBPF_OPTS(bpf_test_run_opts, run);

		if (bpf_prog_test_run_opts(bpf_program__fd(p->skel->progs.self_tgid), &run)) {
			ret = fail(err, errlen, -errno, "probe: cannot tell its own process id: %s",
				   strerror(errno));
			goto bad;
		}
	}
	*out = p;
	return 0;
bad:
	probe__free(p);
	return ret;
}

void probe__free(struct probe *p)
{
	if (!p)
		return;
	if (p->skel)
		probe_bpf__destroy(p->skel);
	for (int c = 0; p->ring_fds && c < p->ncpus; c++) {
		if (p->ring_fds[c] >= 0)
			close(p->ring_fds[c]);
	}
	mem_free(p->ring_fds);
	mem_free(p);
}

void probe__set_syscalls(struct probe *p, const bool *on)
{
	volatile __u8 *tab = p->skel->bss->sc_on;

	for (size_t i = 0; i < evt_schema_syscall_count(); i++) {
		int nr = evt_schema_syscall_nr(i, p->arch);

		if (nr >= 0 && nr < PROBE_SC_MAX)
			tab[nr] = on[i] ? PROBE_SC_ON : PROBE_SC_OFF;
	}
}

int probe__attach(struct probe *p, char *err, size_t errlen)
{
	int ret = probe_bpf__attach(p->skel);

	if (ret)
		return fail(err, errlen, ret < 0 ? ret : -EINVAL, "probe: attach failed: %s",
			    strerror(ret < 0 ? -ret : EINVAL));
	return 0;
}

int probe__ncpus(const struct probe *p)
{
	return p->ncpus;
}

int probe__ring_fd(const struct probe *p, int cpu)
{
	return cpu >= 0 && cpu < p->ncpus ? p->ring_fds[cpu] : -1;
}

size_t probe__ring_bytes(const struct probe *p)
{
	return p->ring_bytes;
}

void probe__stats(const struct probe *p, int cpu, struct probe_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (int c = 0; c < p->ncpus; c++) {
		const volatile struct probe_cnt *k = &p->skel->bss->probe_cnt[c];

		if (cpu >= 0 && c != cpu)
			continue;
		out->seen += k->seen;
		out->sent += k->sent;
		out->drop_full += k->drop_full;
		out->drop_big += k->drop_big;
		for (int d = 0; d < DROP_KIND_MAX; d++)
			out->drop_kind[d] += k->drop_kind[d];
	}
}

void probe__detach(struct probe *p)
{
	probe_bpf__detach(p->skel);
}

void probe__prog_stats(const struct probe *p, probe_prog_stats_fn fn, void *ctx)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, p->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || !bpf_program__autoattach(prog))
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		fn(ctx, bpf_program__name(prog), info.run_cnt, info.run_time_ns);
	}
}
