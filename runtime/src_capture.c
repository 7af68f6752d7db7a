/* A capture file as an event source (see evt_source.h): the scap reader
 * (scap_read.c) behind the source operations. Its process, fd and user
 * lists seed the state while it opens; its events come in file order, each
 * valid until the next one is read. */
#include "runtime/evt_source.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/evt.h"
#include "runtime/base/mem.h"
#include "runtime/scap.h"

struct src_capture {
	struct evt_source base;
	struct scap_reader *r;
	char *path;
	uint64_t seen;
};

static void cap_close(struct evt_source *s)
{
	struct src_capture *c = (struct src_capture *)s;

	if (!c)
		return;
	scap_reader__free(c->r);
	mem_free(c->path);
	mem_free(c);
}

static int cap_open(const struct evt_source_opts *o, struct evt_source **out, char *err,
		    size_t errlen)
{
	struct src_capture *c = mem_calloc(1, sizeof(*c));
	struct scap_err se = { 0 };
	struct scap_cb cb = { 0 };
	int ret;

	*out = NULL;
	if (c)
		c->path = mem_strdup(o->path ? o->path : "");
	if (!c || !c->path) {
		mem_free(c);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->base = (struct evt_source){ .ops = &src_capture_ops, .name = "syscall" };
	if (o->seed)
		scap_seed_cb(o->seed, &cb);
	ret = scap_reader__open(c->path, &cb, &c->r, &se);
	if (ret) {
		snprintf(err, errlen, "%s: offset %" PRIu64 ": %s", c->path, se.off,
			 ret == -EINVAL ? se.msg : strerror(-ret));
		cap_close(&c->base);
		return ret;
	}
	*out = &c->base;
	return 0;
}

static int cap_next(struct evt_source *s, struct evt *e, char *err, size_t errlen)
{
	struct src_capture *c = (struct src_capture *)s;
	struct scap_err se;	/* its message is written on errors only */
	int ret;

	se.off = 0;
	se.msg[0] = '\0';
	ret = scap_reader__next(c->r, e, &se);

	if (ret == 1)
		return EVT_SOURCE_END;
	if (ret) {
		snprintf(err, errlen, "%s: offset %" PRIu64 ": %s", c->path, se.off,
			 ret == -EINVAL ? se.msg : strerror(-ret));
		return ret;
	}
	c->seen++;
	return EVT_SOURCE_EVENT;
}

static void cap_release(struct evt_source *s)
{
	(void)s;
}

static void cap_machine(struct evt_source *s, struct scap_machine *out)
{
	*out = *scap_reader__machine(((struct src_capture *)s)->r);
}

static void cap_stats(const struct evt_source *s, int cpu, struct evt_source_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (cpu < 0)
		out->seen = ((const struct src_capture *)s)->seen;
}

const struct evt_source_ops src_capture_ops = {
	.kind = "capture",
	.open = cap_open,
	.next = cap_next,
	.release = cap_release,
	.machine = cap_machine,
	.stats = cap_stats,
	.close = cap_close,
};
