/* Benchmarks of the outputs: alerts per second through the queue and the
 * output thread to a file (keep_alive, buffered) and to an HTTP server on
 * loopback (a minimal one in this file, answering 200 on one kept-alive
 * connection), from emit to written, with the drops counted (0 expected);
 * and the replay loop's CPU time per event (the event thread's alone:
 * loop_ns_per_event) with sinks attached against none, with the official
 * rules (few alerts) and with a rule that fires on every open (a fifth of
 * the events alert; the HTTP sink cannot keep up and drops, counted in
 * lost): the loop must not get slower with sinks. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_recs.h"
#include "runtime/base/evt.h"
#include "runtime/config.h"
#include "runtime/engine.h"
#include "runtime/outputs.h"

#define FALCOSET SAKER_SHARED_DIR "/falco/captures/bench-falcoset.scap.gz"
#define FILE_ALERTS 100000
#define HTTP_ALERTS 5000

static const char *const official[] = BENCH_OFFICIAL_RULES;

/* A JSON alert of a usual size (about 600 bytes). */
static const char alert_line[] =
	"{\"hostname\":\"bench\",\"output\":\"07:39:14.188185498: Warning Sensitive file opened "
	"for reading by non-trusted program (file=/etc/shadow gparent=bash ggparent=sshd "
	"gggparent=systemd evt_type=openat user=root user_uid=0 user_loginuid=0 process=cat "
	"proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow terminal=34816 "
	"container_id=host container_name=host)\",\"output_fields\":{\"evt.time\":"
	"1795246754188185498,\"fd.name\":\"/etc/shadow\",\"proc.aname[2]\":\"bash\","
	"\"proc.cmdline\":\"cat /etc/shadow\",\"proc.exepath\":\"/usr/bin/cat\","
	"\"proc.name\":\"cat\",\"proc.pname\":\"bash\",\"user.name\":\"root\"},\"priority\":"
	"\"Warning\",\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\",\"tags\":"
	"[\"T1555\",\"container\",\"filesystem\",\"host\",\"maturity_stable\",\"mitre_credential_"
	"access\"],\"time\":\"2026-11-22T07:39:14.188185498Z\"}";

/* ---- the loopback HTTP server ---- */

struct http_srv {
	int lfd;
	int port;
	pthread_t th;
};

/* Answers every request on every connection with an empty 200. */
static void serve_conn(int fd)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	char buf[65536];
	size_t have = 0;
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (;;) {
		char *end = have ? memmem(buf, have, "\r\n\r\n", 4) : NULL;
		ssize_t n;

		if (end) {
			const char *cl = memmem(buf, (size_t)(end - buf), "Content-Length:", 15);
			size_t body = cl ? strtoul(cl + 15, NULL, 10) : 0;
			size_t need = (size_t)(end + 4 - buf) + body;

			if (have >= need) {
				if (write(fd, ok, sizeof(ok) - 1) < 0)
					return;
				memmove(buf, buf + need, have - need);
				have -= need;
				continue;
			}
		}
		if (have == sizeof(buf))
			return;
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			return;
		have += (size_t)n;
	}
}

static void *srv_main(void *arg)
{
	struct http_srv *s = arg;
	int fd;

	while ((fd = accept(s->lfd, NULL, NULL)) >= 0) {
		serve_conn(fd);
		close(fd);
	}
	return NULL;
}

static int srv_start(struct http_srv *s)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);

	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(s->lfd, (struct sockaddr *)&sa, &sl) || listen(s->lfd, 16))
		return -errno;
	s->port = ntohs(sa.sin_port);
	return -pthread_create(&s->th, NULL, srv_main, s);
}

static void srv_stop(struct http_srv *s)
{
	shutdown(s->lfd, SHUT_RDWR);
	close(s->lfd);
	pthread_join(s->th, NULL);
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- alerts per second ---- */

/* A configuration of the overrides ov (stdout off); false with a message
 * when they do not load. */
static bool load_cfg(struct config *c, const char *const *ov, size_t n)
{
	char err[256];

	config_init(c);
	if (!config_load(c, NULL, ov, n, err, sizeof(err)))
		return true;
	fprintf(stderr, "bench_outputs: %s\n", err);
	return false;
}

/* Emits n alerts and closes (all written), each iteration: alerts per
 * second of wall time from the first emit to the last write, and the
 * emitting thread's CPU time per alert. */
static void through(struct bench_state *st, struct config *cfg, int n)
{
	uint64_t lost = 0, wall = 0, cpu = 0;

	while (bench_keep_running(st)) {
		struct outputs *o = NULL;
		uint64_t w0, c0, c1;

		bench_pause_timing(st);
		if (outputs__new(cfg, &o)) {
			bench_skip(st, "cannot start the outputs");
			return;
		}
		bench_resume_timing(st);
		w0 = clock_ns(CLOCK_MONOTONIC);
		c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		for (int i = 0; i < n; i++)
			outputs__emit(o, RL_PRIO_WARNING, alert_line, sizeof(alert_line) - 1);
		c1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		outputs__close(o);
		wall += clock_ns(CLOCK_MONOTONIC) - w0;
		cpu += c1 - c0;
		lost += outputs__lost(o);
		bench_pause_timing(st);
		outputs__free(o);
		bench_resume_timing(st);
	}
	bench_set_items(st, (int64_t)n * bench_iterations(st));
	bench_counter(st, "lost", (double)lost, true);
	bench_counter(st, "alerts_per_s",
		      (double)n * (double)bench_iterations(st) / ((double)wall / 1e9), false);
	bench_counter(st, "emit_ns", (double)cpu / ((double)n * (double)bench_iterations(st)),
		      false);
}

static void outputs_file(struct bench_state *st)
{
	char path[] = "/tmp/saker-bench-alerts-XXXXXX", opt[128];
	struct config cfg;
	int fd = mkstemp(path);

	if (fd < 0) {
		bench_skip(st, "cannot make a file");
		return;
	}
	close(fd);
	snprintf(opt, sizeof(opt), "file_output.filename=%s", path);
	{
		const char *ov[] = { "stdout_output.enabled=false", "file_output.enabled=true",
				     "file_output.keep_alive=true", opt,
				     "outputs_queue.capacity=200000" };

		if (load_cfg(&cfg, ov, sizeof(ov) / sizeof(ov[0])))
			through(st, &cfg, FILE_ALERTS);
	}
	config_release(&cfg);
	unlink(path);
}
BENCH(outputs_file);

static void outputs_http(struct bench_state *st)
{
	struct http_srv srv;
	struct config cfg;
	char opt[128];

	if (srv_start(&srv)) {
		bench_skip(st, "cannot listen on loopback");
		return;
	}
	snprintf(opt, sizeof(opt), "http_output.url=http://127.0.0.1:%d/", srv.port);
	{
		const char *ov[] = { "stdout_output.enabled=false", "json_output=true",
				     "http_output.enabled=true", opt,
				     "outputs_queue.capacity=200000" };

		if (load_cfg(&cfg, ov, sizeof(ov) / sizeof(ov[0])))
			through(st, &cfg, HTTP_ALERTS);
	}
	config_release(&cfg);
	srv_stop(&srv);
}
BENCH(outputs_http);

/* ---- the replay loop with and without sinks ---- */

enum sinks { SINKS_NONE, SINKS_FILE_HTTP };

static void replay(struct bench_state *st, const char *const *files, size_t nfiles,
		   enum sinks sinks)
{
	struct engine_opts eo = { .sz = sizeof(eo) };
	struct bench_recs rs = { 0 };
	struct engine *en = NULL;
	struct http_srv srv = { .lfd = -1 };
	struct engine_stats s;
	struct config cfg;
	uint64_t cpu = 0;
	char opt[128];

	const char *ov[] = { "stdout_output.enabled=false", "file_output.enabled=true",
			     "file_output.keep_alive=true", "file_output.filename=/dev/null",
			     "http_output.enabled=true", opt };

	config_init(&cfg);
	if (sinks == SINKS_FILE_HTTP && srv_start(&srv)) {
		bench_skip(st, "cannot listen on loopback");
		goto out;
	}
	snprintf(opt, sizeof(opt), "http_output.url=http://127.0.0.1:%d/", srv.port);
	if (!load_cfg(&cfg, ov, sinks == SINKS_FILE_HTTP ? 6 : 1)) {
		bench_skip(st, "bad configuration");
		goto out;
	}
	eo.cfg = &cfg;
	if (engine__new(&eo, &en) || engine__load_rules(en, files, nfiles, NULL) ||
	    bench_recs_load(FALCOSET, en, &rs)) {
		bench_skip(st, "cannot set up the replay (rules or capture)");
		goto out;
	}
	while (bench_keep_running(st)) {
		uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);

		for (size_t off = 0; off < rs.len;) {
			struct evt e;

			off = bench_recs_next(&rs, off, &e);
			if (e.info)
				engine__process(en, &e);
		}
		cpu += clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	}
	engine__stats(en, &s);
	bench_set_items(st, (int64_t)rs.n * bench_iterations(st));
	bench_counter(st, "loop_ns_per_event",
		      (double)cpu / ((double)rs.n * (double)bench_iterations(st)), false);
	bench_counter(st, "alerts", (double)s.alerts, false);
	bench_counter(st, "lost", (double)s.output_errors, false);
out:
	engine__free(en);
	if (srv.lfd >= 0)
		srv_stop(&srv);
	config_release(&cfg);
	bench_recs_release(&rs);
}

static void replay_official_outputs_off(struct bench_state *st)
{
	replay(st, official, 3, SINKS_NONE);
}
BENCH(replay_official_outputs_off);

static void replay_official_outputs_on(struct bench_state *st)
{
	replay(st, official, 3, SINKS_FILE_HTTP);
}
BENCH(replay_official_outputs_on);

static char every_open_path[] = "/tmp/saker-bench-every-open-XXXXXX";

static void remove_every_open(void)
{
	unlink(every_open_path);
}

/* The rule that fires on every open, in a file of its own (removed at
 * exit). */
static const char *every_open_rules(void)
{
	static bool made;
	FILE *f;
	int fd;

	if (made)
		return every_open_path;
	fd = mkstemp(every_open_path);
	if (fd < 0)
		return NULL;
	atexit(remove_every_open);
	if (!(f = fdopen(fd, "w")))
		return NULL;
	fputs("- rule: every open\n"
	      "  desc: every file a process opens\n"
	      "  condition: evt.type in (open, openat, openat2) and evt.dir=<\n"
	      "  output: open %fd.name by %proc.name (user=%user.name command=%proc.cmdline)\n"
	      "  priority: NOTICE\n", f);
	fclose(f);
	made = true;
	return every_open_path;
}

static void replay_every_open(struct bench_state *st, enum sinks sinks)
{
	const char *path = every_open_rules();

	if (!path) {
		bench_skip(st, "cannot write the rules");
		return;
	}
	replay(st, &path, 1, sinks);
}

static void replay_alerting_outputs_off(struct bench_state *st)
{
	replay_every_open(st, SINKS_NONE);
}
BENCH(replay_alerting_outputs_off);

static void replay_alerting_outputs_on(struct bench_state *st)
{
	replay_every_open(st, SINKS_FILE_HTTP);
}
BENCH(replay_alerting_outputs_on);
