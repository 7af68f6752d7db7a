/* Benchmarks of replay: events per second through decode alone, and
 * through decode + state + rule evaluation with the three official rules
 * files, on the shipped bench captures held in memory (one core). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "runtime/base/evt.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/engine.h"
#include "runtime/scap.h"

static const char *const official[] = {
	SAKER_SHARED_DIR "/falco/rules/falco_rules.yaml",
	SAKER_SHARED_DIR "/falco/rules/falco-incubating_rules.yaml",
	SAKER_SHARED_DIR "/falco/rules/falco-sandbox_rules.yaml",
};

/* A capture's event records laid end to end in memory, each preceded by
 * its cpu (u16) and flags (u32) so that the loop can rebuild the view. */
struct recs {
	uint8_t *buf;
	size_t len, cap;
	uint64_t n;
};

struct rec_hdr {
	uint32_t len;
	uint16_t cpu;
	uint32_t flags;
} __attribute__((packed));

static int recs_add(struct recs *r, const struct evt *e)
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

/* Loads a capture's events into memory and seeds en's state from its
 * lists (en may be NULL). */
static int load(const char *path, struct engine *en, struct recs *out)
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

static void decode_only(struct bench_state *st, const char *path)
{
	struct recs rs = { 0 };
	uint64_t sum = 0;

	if (load(path, NULL, &rs)) {
		bench_skip(st, "cannot read the bench capture");
		return;
	}
	while (bench_keep_running(st)) {
		for (size_t off = 0; off < rs.len;) {
			struct rec_hdr h;
			struct evt e;

			memcpy(&h, rs.buf + off, sizeof(h));
			off += sizeof(h);
			evt_decode(&e, rs.buf + off, h.len);
			sum += e.nparams;
			off += h.len;
		}
		bench_do_not_optimize(&sum);
	}
	bench_set_items(st, (int64_t)rs.n * bench_iterations(st));
	bench_counter(st, "events", (double)rs.n, false);
	mem_free(rs.buf);
}

static void replay(struct bench_state *st, const char *path)
{
	struct engine_opts eo = { .sz = sizeof(eo) };
	struct recs rs = { 0 };
	struct engine *en = NULL;
	struct engine_stats s;
	struct config cfg;

	config_init(&cfg);
	cfg.stdout_output = false;	/* alerts are formatted, not printed */
	eo.cfg = &cfg;
	if (engine__new(&eo, &en) ||
	    engine__load_rules(en, official, sizeof(official) / sizeof(official[0]), NULL) ||
	    load(path, en, &rs)) {
		bench_skip(st, "cannot set up the replay (rules or capture)");
		goto out;
	}
	while (bench_keep_running(st)) {
		for (size_t off = 0; off < rs.len;) {
			struct rec_hdr h;
			struct evt e;

			memcpy(&h, rs.buf + off, sizeof(h));
			off += sizeof(h);
			if (!evt_decode(&e, rs.buf + off, h.len)) {
				e.cpu = h.cpu;
				e.flags = h.flags;
				engine__process(en, &e);
			}
			off += h.len;
		}
	}
	engine__stats(en, &s);
	bench_set_items(st, (int64_t)rs.n * bench_iterations(st));
	bench_counter(st, "events", (double)rs.n, false);
	bench_counter(st, "alerts", (double)s.alerts, false);
out:
	engine__free(en);
	config_release(&cfg);
	mem_free(rs.buf);
}

static void decode_falcoset(struct bench_state *st)
{
	decode_only(st, SAKER_SHARED_DIR "/falco/captures/bench-falcoset.scap.gz");
}
BENCH(decode_falcoset);

static void decode_syscalls(struct bench_state *st)
{
	decode_only(st, SAKER_SHARED_DIR "/falco/captures/bench-syscalls.scap.gz");
}
BENCH(decode_syscalls);

static void replay_official_falcoset(struct bench_state *st)
{
	replay(st, SAKER_SHARED_DIR "/falco/captures/bench-falcoset.scap.gz");
}
BENCH(replay_official_falcoset);

static void replay_official_syscalls(struct bench_state *st)
{
	replay(st, SAKER_SHARED_DIR "/falco/captures/bench-syscalls.scap.gz");
}
BENCH(replay_official_syscalls);
