/* The live probe as the engine's event source (engine__run_live): probe
 * loaded with the ruleset's syscall set, attached before the /proc scan
 * so nothing between the scan and the first event is missed (events that
 * race the scan meet a state that already has their threads), per-CPU
 * rings merged in timestamp order, drained at the end. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "compiler/ruleset.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/engine_int.h"
#include "runtime/probe.h"
#include "runtime/proc_scan.h"
#include "runtime/ring_src.h"

/* Sleeps while every ring is empty: from LIVE_IDLE_MIN_NS, doubling with
 * each empty look up to LIVE_IDLE_MAX_NS, back to the minimum once events
 * come. Reading in batches of a millisecond or more keeps the reader off
 * the cache lines the probe is writing (each look at a ring moves them to
 * this CPU and costs the writer a miss), and 8 MiB per CPU hold far more
 * than 4 ms of events at any rate the probe can produce. */
#define LIVE_IDLE_MIN_NS 1000000
#define LIVE_IDLE_MAX_NS 4000000

static void machine_info(struct scap_machine *mi)
{
	struct utsname u;
	struct timespec rt, bt;

	memset(mi, 0, sizeof(*mi));
	mi->num_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	mi->memory_size_bytes = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	mi->max_pid = 4194304;
	if (!uname(&u))
		snprintf(mi->hostname, sizeof(mi->hostname), "%s", u.nodename);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	mi->boot_time_ns = (uint64_t)(rt.tv_sec - bt.tv_sec) * 1000000000ull +
			   (uint64_t)(rt.tv_nsec - bt.tv_nsec);
}

/* One ring record through the engine (engine_feed); a record the schema
 * disagrees with is skipped and counted. 0, or the writer's error. */
static int run_record(struct engine *en, const void *rec, uint32_t len, uint16_t cpu,
		      char *err, size_t errlen)
{
	struct evt e;

	if (evt_decode(&e, rec, len) == -EINVAL) {
		/* the probe wrote something the schema disagrees with */
		if (!en->stats.skipped++)
			log_warn("live: malformed event of type %u from CPU %u (%u bytes) skipped",
				 e.type, cpu, len);
		return 0;
	}
	e.cpu = cpu;
	return engine_feed(en, &e, err, errlen);
}

/* Gives the probe the syscalls of the rules in force (every syscall when
 * there are none: --print), in the scratch table on of n entries; how
 * many. */
static int switch_syscalls(struct engine *en, struct probe *p, bool *on, size_t n)
{
	const bool *sc = engine_syscalls(en);
	int nsc = 0;

	for (size_t i = 0; i < n; i++) {
		on[i] = sc ? sc[i] : true;
		nsc += on[i];
	}
	probe__set_syscalls(p, on);
	return nsc;
}

/* Between two events: rules the reload thread built go in force, the
 * probe switches to their syscalls, and the replaced rules go back to that
 * thread to be freed (no event uses them any more). */
static void swap_rules(struct engine *en, struct engine_rules *r, struct probe *p, bool *on,
		       size_t n)
{
	engine_reload_retire(en, engine_rules_swap(en, r));
	log_info("rules reloaded: %zu rules, probe switched to %d syscalls", r->rs->nrules,
		 switch_syscalls(en, p, on, n));
}

/* The probe's counters for syscall_event_drops. */
static void probe_drop_counts(void *ctx, struct drop_counts *out)
{
	struct probe_stats st;

	probe__stats(ctx, -1, &st);
	out->n_evts = st.seen;
	out->n_drops = st.drop_full + st.drop_big;
	out->n_drops_buffer = st.drop_full;
}

static void idle(long *ns)
{
	struct timespec ts = { 0, *ns };

	nanosleep(&ts, NULL);
	if (*ns < LIVE_IDLE_MAX_NS)
		*ns *= 2;
}

int engine__run_live(struct engine *en, char *err, size_t errlen)
{
	struct probe_opts po = { .sz = sizeof(po), .skip_self = true };
	struct proc_scan_stats ps = { 0 };
	struct scap_machine mi;
	struct probe_stats pst;
	struct ring_src *rs = NULL;
	struct probe *p = NULL;
	bool *on = NULL;
	int *fds = NULL, ret, nsc = 0;
	long idle_ns = LIVE_IDLE_MIN_NS;
	size_t n = evt_schema_syscall_count();

	po.ring_bytes = en->cfg->ring_bytes;
	ret = probe__open(&po, &p, err, errlen);
	if (ret)
		return ret;
	on = mem_calloc(n, sizeof(*on));
	fds = mem_calloc((size_t)probe__ncpus(p), sizeof(*fds));
	en->live_ncpus = probe__ncpus(p);
	en->live_cpus = mem_calloc((size_t)en->live_ncpus, sizeof(*en->live_cpus));
	if (!on || !fds || !en->live_cpus) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	nsc = switch_syscalls(en, p, on, n);
	ret = probe__attach(p, err, errlen);
	if (ret)
		goto out;
	ret = proc_scan(en->st, "/proc", &ps, err, errlen);
	if (ret)
		goto out;
	machine_info(&mi);
	ret = engine_writer_open(en, &mi, err, errlen);
	if (ret)
		goto out;
	for (int c = 0; c < en->live_ncpus; c++)
		fds[c] = probe__ring_fd(p, c);
	ret = ring_src__open(fds, en->live_ncpus, probe__ring_bytes(p), &rs);
	if (ret) {
		snprintf(err, errlen, "cannot map the ring buffers: %s", strerror(-ret));
		goto out;
	}
	en->live = true;
	en->drop_counts = probe_drop_counts;
	en->drop_ctx = p;
	log_info("watching this machine: probe attached on %d CPUs for %d syscalls, "
		 "state seeded with %" PRIu64 " threads and %" PRIu64 " fds",
		 en->live_ncpus, nsc, ps.threads, ps.fds);
	sd_notify(0, "READY=1");
	while (!en->stop) {
		uint32_t len;
		uint16_t cpu;
		const void *rec;
		struct engine_rules *nr;

		if (en->reload && en->ev) {
			en->reload = 0;
			engine_reload_request(en);
		}
		if ((nr = engine_reload_take(en)) != NULL)
			swap_rules(en, nr, p, on, n);
		rec = ring_src__next(rs, &len, &cpu);
		if (!rec) {
			ring_src__release(rs);
			idle(&idle_ns);
			continue;
		}
		idle_ns = LIVE_IDLE_MIN_NS;
		if ((ret = run_record(en, rec, len, cpu, err, errlen)) != 0)
			goto out;
	}
	sd_notify(0, "STOPPING=1");
	/* no new events: process what the rings still hold */
	probe__detach(p);
	for (;;) {
		uint32_t len;
		uint16_t cpu;
		const void *rec = ring_src__next(rs, &len, &cpu);

		if (!rec)
			break;
		if ((ret = run_record(en, rec, len, cpu, err, errlen)) != 0)
			goto out;
	}
out:
	if (p) {
		probe__stats(p, -1, &pst);
		en->stats.seen = pst.seen;
		en->stats.dropped = pst.drop_full + pst.drop_big;
		for (int c = 0; en->live_cpus && c < en->live_ncpus; c++) {
			probe__stats(p, c, &pst);
			en->live_cpus[c].drop_full = pst.drop_full;
			en->live_cpus[c].drop_big = pst.drop_big;
		}
	}
	en->drop_counts = NULL;
	engine_reload_stop(en);
	ret = engine_writer_close(en, ret, err, errlen);
	outputs__close(en->out);
	ring_src__free(rs);
	probe__free(p);
	mem_free(on);
	mem_free(fds);
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
