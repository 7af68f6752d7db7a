/* outputs: the dispatcher between the event loop and the sinks. Alerts
 * are copied once into a reference-counted message; the event loop pushes
 * its pointer to the hand-off queue; the output thread pushes it to each
 * sink's queue (a full one drops it for that sink) and watches how long
 * each sink has been busy; every sink thread writes, flushes when its
 * queue runs empty, and frees the message with the last reference. At
 * close the output thread empties the hand-off queue, the sinks empty
 * theirs, and a sink still busy after output_timeout is told to give up;
 * one stuck in the kernel past that is left to the process's exit. */
#define _GNU_SOURCE
#include "runtime/outputs.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtime/alert_queue.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/out_sink.h"

/* How often the output thread looks at busy sinks, at most. */
#define OUTPUTS_TICK_MS 100
/* After output_timeout at close, how long a sink told to give up has
 * (libcurl looks at its progress callback about once a second). */
#define OUTPUTS_ABORT_GRACE_MS 1500

struct sink {
	const struct out_sink_ops *ops;
	void *impl;
	struct alert_queue *q;
	pthread_t th;
	bool started;
	atomic_bool closing;		/* write what is queued, then stop */
	atomic_bool abort;		/* stop now (out_sink_opts.abort) */
	bool abandoned;			/* its thread did not end at close */
	_Atomic uint64_t busy_since;	/* monotonic ns the current write began; 0 idle */
	uint64_t reported;		/* output thread: busy_since already reported */
	_Atomic uint64_t written, failed, dropped, timeouts;
	/* the sink's thread: */
	uint64_t fail_run;		/* failures since the last success */
	uint64_t unflushed;		/* alerts written since the last flush */
};

struct outputs {
	struct alert_queue *q;
	struct sink *sinks;
	uint32_t nsinks;
	unsigned timeout_ms;
	pthread_t th;
	bool started, closed;
	atomic_bool closing;		/* no more alerts: finish */
	atomic_bool watch_done;		/* the sinks are joined: the output thread ends */
	_Atomic uint64_t queued, dropped;
};

static const struct {
	const struct out_sink_ops *ops;
	size_t enabled;			/* offset of the bool in struct config */
} sink_table[] = {
	{ &out_stdout_ops, offsetof(struct config, stdout_output) },
	{ &out_file_ops, offsetof(struct config, file_output) },
	{ &out_syslog_ops, offsetof(struct config, syslog_output) },
	{ &out_program_ops, offsetof(struct config, program_output) },
	{ &out_http_ops, offsetof(struct config, http_output) },
};

/* Sinks with a thread that did not end at close: kept reachable, never
 * freed. */
static struct sink *abandoned[16];
static atomic_uint nabandoned;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void unref(struct out_msg *m)
{
	if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
		mem_free(m);
}

/* Signals go to the main thread: the output threads block them all, so a
 * broken pipe is an EPIPE and a write is never interrupted. */
static void block_signals(void)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
}

static void write_one(struct sink *s, struct out_msg *m)
{
	char err[512] = "";
	int ret;

	atomic_store(&s->busy_since, now_ns());
	ret = s->ops->write(s->impl, m, err, sizeof(err));
	atomic_store(&s->busy_since, 0);
	if (!ret) {
		atomic_fetch_add(&s->written, 1);
		if (s->fail_run)
			log_info("output %s: writing again after %" PRIu64 " failed alerts",
				 s->ops->name, s->fail_run);
		s->fail_run = 0;
		s->unflushed++;
		return;
	}
	atomic_fetch_add(&s->failed, 1);
	if (!s->fail_run++)
		log_error("output %s: %s (failed alerts are counted, the next ones are tried)",
			  s->ops->name, err);
}

/* The queue ran empty: what a buffered sink holds goes out. */
static void flush_sink(struct sink *s)
{
	int ret;

	if (!s->ops->flush || !s->unflushed)
		return;
	ret = s->ops->flush(s->impl);
	if (ret) {
		atomic_fetch_add(&s->failed, s->unflushed);
		if (!s->fail_run++)
			log_error("output %s: flush: %s", s->ops->name, strerror(-ret));
	}
	s->unflushed = 0;
}

static void *sink_main(void *arg)
{
	struct sink *s = arg;

	block_signals();
	for (;;) {
		struct out_msg *m = alert_queue__pop(s->q);

		if (m) {
			if (atomic_load(&s->abort))
				atomic_fetch_add(&s->dropped, 1);
			else
				write_one(s, m);
			unref(m);
			continue;
		}
		flush_sink(s);
		if (atomic_load(&s->closing) && !alert_queue__len(s->q))
			break;
		alert_queue__wait(s->q, -1);
	}
	s->ops->close(s->impl);
	s->impl = NULL;
	return NULL;
}

/* Reports each sink busy with one alert longer than output_timeout, once
 * per alert (Falco logs the same timeout). */
static void watch(struct outputs *o)
{
	uint64_t now = now_ns();

	for (uint32_t i = 0; i < o->nsinks; i++) {
		struct sink *s = &o->sinks[i];
		uint64_t since = atomic_load(&s->busy_since);

		/* since may be later than now: the write began after the look */
		if (!since || since == s->reported || since > now ||
		    now - since < (uint64_t)o->timeout_ms * 1000000ull)
			continue;
		s->reported = since;
		atomic_fetch_add(&s->timeouts, 1);
		log_error("\"%s\" output timeout: busy with one alert for more than %u ms; its "
			  "alerts wait in its queue, the other outputs go on", s->ops->name,
			  o->timeout_ms);
	}
}

static void dispatch(struct outputs *o, struct out_msg *m)
{
	atomic_store_explicit(&m->refs, o->nsinks, memory_order_relaxed);
	for (uint32_t i = 0; i < o->nsinks; i++) {
		struct sink *s = &o->sinks[i];

		if (alert_queue__push(s->q, m))
			continue;
		if (!atomic_fetch_add(&s->dropped, 1))
			log_error("output %s: its queue is full (outputs_queue.capacity): alerts "
				  "are dropped and counted", s->ops->name);
		unref(m);
	}
}

/* Each sink writes what it holds and stops. */
static void close_sinks(struct outputs *o)
{
	for (uint32_t i = 0; i < o->nsinks; i++) {
		atomic_store(&o->sinks[i].closing, true);
		alert_queue__wake(o->sinks[i].q);
	}
}

static void *output_main(void *arg)
{
	struct outputs *o = arg;
	int tick = o->timeout_ms < 4 * OUTPUTS_TICK_MS ? (int)(o->timeout_ms / 4) + 1
						       : OUTPUTS_TICK_MS;

	bool sinks_closing = false;

	block_signals();
	/* after the last alert is handed on, the sinks are told to finish and
	 * watched until outputs__close is done with them */
	while (!atomic_load(&o->watch_done)) {
		struct out_msg *m;

		while ((m = alert_queue__pop(o->q)) != NULL)
			dispatch(o, m);
		watch(o);
		if (!sinks_closing && atomic_load(&o->closing) && !alert_queue__len(o->q)) {
			close_sinks(o);
			sinks_closing = true;
		}
		alert_queue__wait(o->q, tick);
	}
	return NULL;
}

static int add_sink(struct outputs *o, const struct config *cfg, const struct out_sink_ops *ops,
		    uint32_t cap)
{
	struct sink *s = &o->sinks[o->nsinks];
	struct out_sink_opts so = {
		.cfg = cfg, .buffered = cfg->buffered_outputs, .abort = &s->abort,
	};
	char err[512] = "";
	int ret;

	memset(s, 0, sizeof(*s));
	s->ops = ops;
	ret = ops->open(&so, &s->impl, err, sizeof(err));
	if (ret == -ENOMEM)
		return ret;
	if (ret == -EINVAL) {
		/* a configuration that cannot work: saker does not start */
		log_error("%s", err);
		return ret;
	}
	if (ret) {
		log_error("output %s left out: %s", ops->name, err);
		return 0;
	}
	ret = alert_queue__new(cap, &s->q);
	if (ret) {
		ops->close(s->impl);
		return ret;
	}
	o->nsinks++;
	return 0;
}

int outputs__new(const struct config *cfg, struct outputs **out)
{
	const size_t nt = sizeof(sink_table) / sizeof(sink_table[0]);
	struct outputs *o = mem_calloc(1, sizeof(*o));
	uint32_t cap = cfg->outputs_queue_capacity ? (uint32_t)cfg->outputs_queue_capacity
						   : OUTPUTS_QUEUE_DEFAULT;
	int ret;

	if (!o)
		return -ENOMEM;
	o->timeout_ms = cfg->output_timeout_ms ? cfg->output_timeout_ms : 2000;
	o->sinks = mem_calloc(nt, sizeof(*o->sinks));
	if (!o->sinks) {
		ret = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < nt; i++) {
		if (!*(const bool *)((const char *)cfg + sink_table[i].enabled))
			continue;
		if ((ret = add_sink(o, cfg, sink_table[i].ops, cap)) != 0)
			goto fail;
	}
	*out = o;
	if (!o->nsinks)
		return 0;
	if ((ret = alert_queue__new(cap, &o->q)) != 0)
		goto fail;
	for (uint32_t i = 0; i < o->nsinks; i++) {
		ret = -pthread_create(&o->sinks[i].th, NULL, sink_main, &o->sinks[i]);
		if (ret)
			goto fail;
		o->sinks[i].started = true;
	}
	ret = -pthread_create(&o->th, NULL, output_main, o);
	if (ret)
		goto fail;
	o->started = true;
	return 0;
fail:
	*out = NULL;
	outputs__free(o);
	return ret;
}

bool outputs__active(const struct outputs *o)
{
	return o && o->nsinks;
}

int outputs__emit(struct outputs *o, enum rl_priority prio, const char *line, size_t len)
{
	struct out_msg *m;

	if (!o->nsinks)
		return 0;
	atomic_fetch_add_explicit(&o->queued, 1, memory_order_relaxed);
	if (atomic_load_explicit(&o->closing, memory_order_relaxed) || len > UINT32_MAX - 2) {
		atomic_fetch_add(&o->dropped, 1);
		return -ENOBUFS;
	}
	m = mem_malloc(sizeof(*m) + len + 2);
	if (!m) {
		atomic_fetch_add(&o->dropped, 1);
		return -ENOMEM;
	}
	m->prio = (uint8_t)prio;
	m->len = (uint32_t)len;
	memcpy(m->text, line, len);
	m->text[len] = '\n';
	m->text[len + 1] = '\0';
	if (alert_queue__push(o->q, m))
		return 0;
	mem_free(m);
	if (!atomic_fetch_add(&o->dropped, 1))
		log_error("Outputs queue out of memory. Drop event and continue on ... "
			  "(outputs_queue.capacity; drops are counted)");
	return -ENOBUFS;
}

static struct timespec deadline_after(unsigned ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

/* Joins the sinks still running that end by dl; how many do not. */
static uint32_t join_until(struct outputs *o, const struct timespec *dl)
{
	uint32_t left = 0;

	for (uint32_t i = 0; i < o->nsinks; i++) {
		struct sink *s = &o->sinks[i];

		if (!s->started)
			continue;
		if (pthread_timedjoin_np(s->th, NULL, dl) == 0)
			s->started = false;
		else
			left++;
	}
	return left;
}

/* Sinks still busy at output_timeout: told to stop, and left behind when
 * they do not. */
static void give_up(struct outputs *o)
{
	struct timespec dl;

	log_error("output channels still blocked, discarding all remaining notifications");
	for (uint32_t i = 0; i < o->nsinks; i++) {
		if (o->sinks[i].started) {
			atomic_store(&o->sinks[i].abort, true);
			alert_queue__wake(o->sinks[i].q);
		}
	}
	dl = deadline_after(OUTPUTS_ABORT_GRACE_MS);
	if (!join_until(o, &dl))
		return;
	for (uint32_t i = 0; i < o->nsinks; i++) {
		struct sink *s = &o->sinks[i];

		if (!s->started)
			continue;
		/* stuck in the kernel: its thread keeps the sink until exit */
		log_error("output %s does not return; it is left behind", s->ops->name);
		atomic_fetch_add(&s->dropped, alert_queue__len(s->q));
		pthread_detach(s->th);
		s->started = false;
		s->abandoned = true;
	}
}

void outputs__close(struct outputs *o)
{
	struct timespec dl;

	if (!o || o->closed)
		return;
	o->closed = true;
	atomic_store(&o->closing, true);
	if (o->started)
		alert_queue__wake(o->q);
	else
		close_sinks(o);
	dl = deadline_after(o->timeout_ms);
	if (join_until(o, &dl))
		give_up(o);
	if (o->started) {
		atomic_store(&o->watch_done, true);
		alert_queue__wake(o->q);
		pthread_join(o->th, NULL);
		o->started = false;
	}
}

void outputs__free(struct outputs *o)
{
	bool keep = false;

	if (!o)
		return;
	outputs__close(o);
	for (uint32_t i = 0; i < o->nsinks; i++) {
		struct sink *s = &o->sinks[i];

		if (s->abandoned) {
			keep = true;
			continue;
		}
		if (s->impl)
			s->ops->close(s->impl);
		alert_queue__free(s->q);
	}
	alert_queue__free(o->q);
	if (keep) {
		/* a left-behind thread still uses its sink and queue: they
		 * stay, reachable, until the process ends */
		unsigned k = atomic_fetch_add(&nabandoned, 1);

		if (k < sizeof(abandoned) / sizeof(abandoned[0]))
			abandoned[k] = o->sinks;
	} else {
		mem_free(o->sinks);
	}
	mem_free(o);
}

void outputs__stats(const struct outputs *o, struct outputs_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!o)
		return;
	out->queued = atomic_load(&o->queued);
	out->dropped = atomic_load(&o->dropped);
	for (uint32_t i = 0; i < o->nsinks && i < sizeof(out->sinks) / sizeof(out->sinks[0]);
	     i++) {
		const struct sink *s = &o->sinks[i];
		struct outputs_sink_stats *ss = &out->sinks[out->nsinks++];

		ss->name = s->ops->name;
		ss->written = atomic_load(&s->written);
		ss->failed = atomic_load(&s->failed);
		ss->dropped = atomic_load(&s->dropped);
		ss->timeouts = atomic_load(&s->timeouts);
	}
}

uint64_t outputs__lost(const struct outputs *o)
{
	struct outputs_stats st;
	uint64_t n;

	outputs__stats(o, &st);
	n = st.dropped;
	for (uint32_t i = 0; i < st.nsinks; i++)
		n += st.sinks[i].failed + st.sinks[i].dropped;
	return n;
}

void outputs__format_stats(const struct outputs *o, struct strbuf *sb)
{
	struct outputs_stats st;

	outputs__stats(o, &st);
	if (!st.nsinks)
		return;
	strbuf_printf(sb, "outputs: queued %" PRIu64 ", dropped (queue full) %" PRIu64 "\n",
		      st.queued, st.dropped);
	for (uint32_t i = 0; i < st.nsinks; i++)
		strbuf_printf(sb, "  %s: written %" PRIu64 ", failed %" PRIu64 ", dropped %" PRIu64
			      ", timeouts %" PRIu64 "\n", st.sinks[i].name, st.sinks[i].written,
			      st.sinks[i].failed, st.sinks[i].dropped, st.sinks[i].timeouts);
}
