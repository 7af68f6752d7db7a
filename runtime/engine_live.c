/* The live drivers as the engine's event source (engine__run_live): the
 * driver of engine.kind (the probe, src_probe.c, or the kernel module,
 * src_kmod.c) opened with the ruleset's syscall set and started before the
 * /proc scan, so nothing between the scan and the first event is missed
 * (events that race the scan meet a state that already has their threads);
 * then the engine's one loop (engine__run_source), which drains the rings
 * at the end and switches the driver's syscalls, without reloading it,
 * when reloaded rules go in force. The engines of other enabled sources
 * (plugins') run beside it (engine_sources.c); a live run whose first
 * source is no driver goes there too. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <stdlib.h>

#include "compiler/ruleset.h"
#include "runtime/base/dynlib.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/engine_int.h"
#include "runtime/evt_source.h"

/* Tells systemd (a Type=notify service) how saker stands; libsystemd is
 * opened only when systemd asks for notifications (NOTIFY_SOCKET). */
static int (*notify_fn)(int unset_environment, const char *state);
static pthread_once_t notify_once = PTHREAD_ONCE_INIT;

static void notify_open(void)
{
	static const struct dynlib_sym sym = { "sd_notify", (void **)&notify_fn };
	char why[256];

	if (getenv("NOTIFY_SOCKET") && dynlib_open("libsystemd.so.0", &sym, 1, why, sizeof(why)))
		log_warn("systemd notifications off: %s", why);
}

void engine_notify(const char *state)
{
	pthread_once(&notify_once, notify_open);
	if (notify_fn)
		notify_fn(0, state);
}

int engine__run_live(struct engine *en, char *err, size_t errlen)
{
	const char *kind = en->cfg->engine_kind ? en->cfg->engine_kind : "modern_ebpf";
	bool kmod = !strcmp(kind, "kmod");
	struct evt_source_opts o = {
		.sz = sizeof(o),
		.ring_bytes = kmod ? en->cfg->kmod_ring_bytes : en->cfg->ring_bytes,
		.path = kmod ? en->cfg->kmod_module : NULL,
		.skip_self = true,
		.seed = en->st,
	};
	struct evt_source_stats ss;
	struct evt_source *src = NULL;
	int ret, nsc;

	/* a plugin's source first (syscall disabled), or no driver */
	if ((en->pl && en->source > 0) || !strcmp(kind, "nodriver"))
		return engine_run_other(en, err, errlen);
	ret = evt_source__open(kind, &o, &src, err, errlen);
	if (ret)
		return ret;
	/* the driver's load (libbpf reads the kernel's BTF) used tens of MiB
	 * for a moment */
	mem_trim();
	en->live_ncpus = src->ncpus;
	en->live_ring_bytes = o.ring_bytes;
	en->live_cpus = mem_calloc((size_t)(src->ncpus ? src->ncpus : 1), sizeof(*en->live_cpus));
	nsc = engine_switch_syscalls(en, src);
	if (!en->live_cpus || nsc < 0) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* container lookups from the start, so the /proc scan's containers are asked */
	if ((ret = engine_ctr_start(en)) != 0) {
		snprintf(err, errlen, "container lookups: %s", strerror(-ret));
		goto out;
	}
	ret = src->ops->start(src, err, errlen);
	if (ret)
		goto out;
	src->ops->stats(src, -1, &ss);
	en->live = true;
	log_info("watching this machine: %s attached on %d CPUs for %d syscalls, "
		 "state seeded with %" PRIu64 " threads and %" PRIu64 " fds",
		 kmod ? "kernel module" : "probe", src->ncpus, nsc, ss.threads, ss.fds);
	ret = engine_siblings_start(en, err, errlen);
	if (ret)
		goto out;
	engine_notify("READY=1");
	ret = engine__run_source(en, src, err, errlen);
	engine_notify("STOPPING=1");
	ret = engine_siblings_join(en, ret, err, errlen);
out:
	evt_source__close(src);
	return ret;
}

void engine_format_live_stats(const struct engine *en, struct strbuf *sb)
{
	bool any = false;

	strbuf_adds(sb, "drops per CPU (ring full / too large):");
	for (int c = 0; en->live_cpus && c < en->live_ncpus; c++)
		strbuf_printf(sb, " cpu%d %" PRIu64 "/%" PRIu64, c, en->live_cpus[c].drop_full,
			      en->live_cpus[c].drop_big);
	strbuf_adds(sb, "\nevents by type:");
	for (uint16_t t = 0; t < PPM_EVENT_MAX; t++) {
		const struct evt_info *ei = evt_schema_get(t);

		if (en->type_counts[t] && ei) {
			strbuf_printf(sb, "\n  %s (%u): %" PRIu64, ei->name, t, en->type_counts[t]);
			any = true;
		}
	}
	strbuf_adds(sb, any ? "\n" : " none\n");
}
