/* The live probe as an event source (see evt_source.h): the probe loaded
 * (probe.c) with one BPF ring per CPU, attached at start before the /proc
 * scan, its rings read in place and merged in time order (ring_src.c). */
#include "runtime/evt_source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/evt.h"
#include "runtime/base/mem.h"
#include "runtime/probe.h"
#include "runtime/ring_src.h"
#include "runtime/src_live.h"

struct src_probe {
	struct src_live l;
	struct probe *p;
};

static void sp_close(struct evt_source *s)
{
	struct src_probe *sp = (struct src_probe *)s;

	if (!sp)
		return;
	ring_src__free(sp->l.rs);
	probe__free(sp->p);
	mem_free(sp);
}

static int sp_open(const struct evt_source_opts *o, struct evt_source **out, char *err,
		   size_t errlen)
{
	struct probe_opts po = { .sz = sizeof(po), .ring_bytes = o->ring_bytes,
				 .skip_self = o->skip_self };
	struct src_probe *sp = mem_calloc(1, sizeof(*sp));
	int *fds = NULL, ret;

	*out = NULL;
	if (!sp) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sp->l.base = (struct evt_source){ .ops = &src_probe_ops, .name = "syscall", .live = true };
	sp->l.seed = o->seed;
	ret = probe__open(&po, &sp->p, err, errlen);
	if (ret)
		goto bad;
	sp->l.base.ncpus = probe__ncpus(sp->p);
	fds = mem_calloc((size_t)sp->l.base.ncpus, sizeof(*fds));
	if (!fds) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto bad;
	}
	for (int c = 0; c < sp->l.base.ncpus; c++)
		fds[c] = probe__ring_fd(sp->p, c);
	ret = ring_src__open(fds, sp->l.base.ncpus, probe__ring_bytes(sp->p), &sp->l.rs);
	mem_free(fds);
	if (ret) {
		snprintf(err, errlen, "cannot map the probe's ring buffers: %s", strerror(-ret));
		goto bad;
	}
	*out = &sp->l.base;
	return 0;
bad:
	sp_close(&sp->l.base);
	return ret;
}

static void sp_set_syscalls(struct evt_source *s, const bool *on)
{
	probe__set_syscalls(((struct src_probe *)s)->p, on);
}

static int sp_start(struct evt_source *s, char *err, size_t errlen)
{
	struct src_probe *sp = (struct src_probe *)s;
	int ret = probe__attach(sp->p, err, errlen);

	return ret ? ret : src_live_seed_op(&sp->l, err, errlen);
}

static void sp_stop(struct evt_source *s)
{
	probe__detach(((struct src_probe *)s)->p);
}

static void sp_stats(const struct evt_source *s, int cpu, struct evt_source_stats *out)
{
	const struct src_probe *sp = (const struct src_probe *)s;
	struct probe_stats ps;

	probe__stats(sp->p, cpu, &ps);
	*out = (struct evt_source_stats){ .seen = ps.seen, .sent = ps.sent,
					  .drop_full = ps.drop_full, .drop_big = ps.drop_big };
	memcpy(out->drop_kind, ps.drop_kind, sizeof(out->drop_kind));
	src_live_stats_tail(&sp->l, cpu, out);
}

static void sp_prog_stats(const struct evt_source *s,
			  void (*fn)(void *ctx, const char *name, uint64_t run_cnt, uint64_t run_ns),
			  void *ctx)
{
	probe__prog_stats(((const struct src_probe *)s)->p, fn, ctx);
}

const struct evt_source_ops src_probe_ops = {
	.kind = "modern_ebpf",
	.open = sp_open,
	.set_syscalls = sp_set_syscalls,
	.start = sp_start,
	.next = src_live_next_op,
	.release = src_live_release_op,
	.machine = src_live_machine_op,
	.stop = sp_stop,
	.stats = sp_stats,
	.close = sp_close,
	.prog_stats = sp_prog_stats,
};
