/* bench_recs: capture records laid end to end, each behind a small header
 * carrying what the view needs besides the record (cpu, block flags). */
#include "bench/bench_recs.h"

#include "bench/bench.h"

#include <errno.h>
#include <string.h>

#include "runtime/base/evt.h"
#include "runtime/base/mem.h"
#include "runtime/engine.h"
#include "runtime/scap.h"

struct rec_hdr {
	uint32_t len;
	uint16_t cpu;
	uint32_t flags;
} __attribute__((packed));

static int recs_add(struct bench_recs *r, const struct evt *e)
{
	size_t need = sizeof(struct rec_hdr) + e->len;
	struct rec_hdr h = { .len = e->len, .cpu = e->cpu, .flags = e->flags };

	if (r->len + need > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1 << 24;
		uint8_t *p;

		while (cap < r->len + need)
			cap *= 2;
		p = mem_realloc(r->buf, cap);
		if (!p)
			return -ENOMEM;
		r->buf = p;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, &h, sizeof(h));
	memcpy(r->buf + r->len + sizeof(h), e->raw, e->len);
	r->len += need;
	r->n++;
	return 0;
}

int bench_recs_load(const char *path, struct engine *en, struct bench_recs *out)
{
	struct scap_cb cb = { 0 };
	struct scap_reader *r;
	struct scap_err se;
	struct evt e;
	int err;

	if (en)
		engine__seed_cb(en, &cb);
	err = scap_reader__open(path, &cb, &r, &se);
	if (err)
		return err;
	while (!(err = scap_reader__next(r, &e, &se)))
		if (e.info && (err = recs_add(out, &e)))
			break;
	scap_reader__free(r);
	return err == 1 ? 0 : err;
}

size_t bench_recs_next(const struct bench_recs *rs, size_t off, struct evt *e)
{
	struct rec_hdr h;

	memcpy(&h, rs->buf + off, sizeof(h));
	off += sizeof(h);
	if (evt_decode(e, rs->buf + off, h.len))
		e->info = NULL;
	e->cpu = h.cpu;
	e->flags = h.flags;
	return off + h.len;
}

void bench_recs_release(struct bench_recs *rs)
{
	mem_free(rs->buf);
	memset(rs, 0, sizeof(*rs));
}

void bench_recs_replay(struct bench_state *st, struct engine *en, const struct bench_recs *rs,
		       bool jit)
{
	struct engine_stats s;

	while (bench_keep_running(st)) {
		for (size_t off = 0; off < rs->len;) {
			struct evt e;

			off = bench_recs_next(rs, off, &e);
			if (e.info)
				engine__process(en, &e);
		}
	}
	engine__stats(en, &s);
	if (jit && !s.jit)
		bench_skip(st, "the JIT did not compile the rules");
	bench_set_items(st, (int64_t)rs->n * bench_iterations(st));
	bench_counter(st, "events", (double)rs->n, false);
	bench_counter(st, "alerts", (double)s.alerts, false);
}
