/* No driver as the event source (engine.kind: nodriver, as Falco's): the
 * syscall source opened with nothing behind it. It never has an event, so
 * a live run waits for a stop while other sources (plugins) and injected
 * async events do the work; this machine is its machine. */
#include "runtime/evt_source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "runtime/scap.h"
#include "runtime/src_live.h"

struct src_nodriver {
	struct evt_source base;
	bool stopped;
};

static int nd_open(const struct evt_source_opts *o, struct evt_source **out, char *err,
		   size_t errlen)
{
	struct src_nodriver *n = mem_calloc(1, sizeof(*n));

	(void)o;
	*out = NULL;
	if (!n) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n->base = (struct evt_source){ .ops = &src_nodriver_ops, .name = "syscall", .live = true };
	*out = &n->base;
	return 0;
}

static int nd_start(struct evt_source *s, char *err, size_t errlen)
{
	(void)s;
	(void)err;
	(void)errlen;
	return 0;
}

static int nd_next(struct evt_source *s, struct evt *e, char *err, size_t errlen)
{
	(void)e;
	(void)err;
	(void)errlen;
	return ((struct src_nodriver *)s)->stopped ? EVT_SOURCE_END : EVT_SOURCE_NONE;
}

static void nd_release(struct evt_source *s)
{
	(void)s;
}

static void nd_machine(struct evt_source *s, struct scap_machine *out)
{
	(void)s;
	src_live_machine(out);
}

static void nd_stop(struct evt_source *s)
{
	((struct src_nodriver *)s)->stopped = true;
}

static void nd_stats(const struct evt_source *s, int cpu, struct evt_source_stats *out)
{
	(void)s;
	(void)cpu;
	memset(out, 0, sizeof(*out));
}

static void nd_close(struct evt_source *s)
{
	mem_free(s);
}

const struct evt_source_ops src_nodriver_ops = {
	.kind = "nodriver",
	.open = nd_open,
	.start = nd_start,
	.next = nd_next,
	.release = nd_release,
	.machine = nd_machine,
	.stop = nd_stop,
	.stats = nd_stats,
	.close = nd_close,
};
