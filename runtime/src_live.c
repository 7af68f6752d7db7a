/* Shared by the live drivers' sources (see src_live.h). */
#include "runtime/src_live.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "runtime/base/evt.h"
#include "runtime/base/log.h"
#include "runtime/evt_source.h"
#include "runtime/proc_scan.h"
#include "runtime/ring_src.h"
#include "runtime/scap.h"

uint64_t src_live_boot_epoch_ns(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec -
	       ((uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec);
}

void src_live_machine(struct scap_machine *mi)
{
	struct utsname u;

	memset(mi, 0, sizeof(*mi));
	mi->num_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	mi->memory_size_bytes = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	mi->max_pid = 4194304;
	if (!uname(&u))
		snprintf(mi->hostname, sizeof(mi->hostname), "%s", u.nodename);
	mi->boot_time_ns = src_live_boot_epoch_ns();
}

int src_live_seed(struct state *st, struct evt_source_stats *out, char *err, size_t errlen)
{
	struct proc_scan_stats ps = { 0 };
	int ret;

	if (!st)
		return 0;
	ret = proc_scan(st, "/proc", &ps, err, errlen);
	out->threads = ps.threads;
	out->fds = ps.fds;
	return ret;
}

int src_live_next(struct ring_src *rs, struct evt *e, uint64_t *malformed)
{
	const void *rec;
	uint32_t len;
	uint16_t cpu;

	while ((rec = ring_src__next(rs, &len, &cpu)) != NULL) {
		if (evt_decode(e, rec, len) == -EINVAL) {
			/* the driver wrote something the schema disagrees with */
			if (!(*malformed)++)
				log_warn("live: malformed event of type %u from CPU %u (%u bytes) skipped",
					 e->type, cpu, len);
			continue;
		}
		e->cpu = cpu;
		return EVT_SOURCE_EVENT;
	}
	return EVT_SOURCE_NONE;
}

int src_live_next_op(struct evt_source *s, struct evt *e, char *err, size_t errlen)
{
	struct src_live *l = (struct src_live *)s;

	(void)err;
	(void)errlen;
	return src_live_next(l->rs, e, &l->malformed);
}

void src_live_release_op(struct evt_source *s)
{
	ring_src__release(((struct src_live *)s)->rs);
}

void src_live_machine_op(struct evt_source *s, struct scap_machine *out)
{
	(void)s;
	src_live_machine(out);
}

void src_live_stats_tail(const struct src_live *l, int cpu, struct evt_source_stats *out)
{
	if (cpu >= 0)
		return;
	out->malformed = l->malformed;
	out->threads = l->seeded.threads;
	out->fds = l->seeded.fds;
}

int src_live_seed_op(struct src_live *l, char *err, size_t errlen)
{
	return src_live_seed(l->seed, &l->seeded, err, errlen);
}
