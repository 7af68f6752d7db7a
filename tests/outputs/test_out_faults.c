/* Outputs that fail, for real: an HTTP receiver that accepts and never
 * answers, a port nobody listens on, a program that exits, a full disk
 * (/dev/full), a file in a directory that does not exist, a closed
 * standard output, and a queue too small for the alerts. In every case
 * saker replays the capture to its end in about the time it takes without
 * outputs (a bound, not a benchmark: a stalled loop would take many
 * times longer), exits 0, prints every other alert, logs each failing
 * sink once, and its statistics account for every alert of every sink:
 * written + failed + dropped = handed to the outputs. An output enabled
 * without what it writes to stops saker at start, as it stops Falco. The
 * ASan build runs the same on the small capture that ships with saker. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/common/run_cmd.h"
#include "tests/outputs/out_harness.h"

#define SMALL_CAPTURE SAKER_SOURCE_DIR "/tests/data/live_suite.scap.gz"
#define BENCH_CAPTURE OH_CAPTURES "/bench-falcoset.scap.gz"
/* output_timeout of these runs (ms) and how long saker may take on top
 * of twice its run without outputs (other tests may run beside): the wait
 * at exit, the grace given to a sink told to stop, and a slack */
#define TIMEOUT_MS 300
#define BOUND_S (TIMEOUT_MS / 1000.0 + 1.5 + 3.0)

static char g_dir[128];
static char g_many[256];	/* a rule raising an alert on every open */
static double g_base;		/* the replay without outputs, seconds */

static const char *capture(void)
{
	return oh_asan() ? SMALL_CAPTURE : BENCH_CAPTURE;
}

/* Replays the capture with the official rules (or many, the rule that
 * fires on every open) and the -o settings in opts. */
static void replay(bool many, const char *const *opts, struct oh_run *r)
{
	const char *argv[64] = { "-e", capture(), "-o", "output_timeout=300" };
	size_t k = 4;

	if (many) {
		argv[k++] = "-r";
		argv[k++] = g_many;
	} else {
		static const char *const files[] = { OH_RULES "/falco_rules.yaml",
						     OH_RULES "/falco-incubating_rules.yaml",
						     OH_RULES "/falco-sandbox_rules.yaml" };

		for (int i = 0; i < 3; i++) {
			argv[k++] = "-r";
			argv[k++] = files[i];
		}
	}
	oh_opts(argv, k, 64, opts);
	oh_saker(argv, NULL, r);
}

static int setup(void **state)
{
	const char *opts[] = { "stdout_output.enabled=false", NULL };
	struct oh_run r;

	(void)state;
	oh_tmpdir(g_dir, sizeof(g_dir), "faults");
	snprintf(g_many, sizeof(g_many), "%s/many.yaml", g_dir);
	oh_write(g_many, "- rule: every open\n"
			 "  desc: every file a process opens\n"
			 "  condition: evt.type in (open, openat, openat2) and evt.dir=<\n"
			 "  output: open %fd.name by %proc.name\n"
			 "  priority: NOTICE\n");
	/* the time to beat: the slower of the two rule sets, no outputs */
	replay(false, opts, &r);
	assert_int_equal(r.status, 0);
	g_base = r.secs;
	oh_run_release(&r);
	replay(true, opts, &r);
	assert_int_equal(r.status, 0);
	if (r.secs > g_base)
		g_base = r.secs;
	oh_run_release(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	oh_rmdir(g_dir);
	return 0;
}

/* Every alert handed to the outputs is written, failed or dropped, for
 * every sink, and saker ended in bounded time and well. */
static void accounted(const struct oh_run *r, const char *const *sinks)
{
	long long queued = oh_stat(r->err, NULL, "queued");
	long long qdrop = oh_stat(r->err, NULL, "dropped");

	if (r->status != 0)
		fail_msg("saker ended with %d:\n%s", r->status, r->err);
	if (r->secs > 2 * g_base + BOUND_S)
		fail_msg("saker took %.2f s, %.2f s without outputs", r->secs, g_base);
	assert_int_equal(queued, oh_alerts(r->err));
	for (size_t i = 0; sinks[i]; i++) {
		long long w = oh_stat(r->err, sinks[i], "written");
		long long f = oh_stat(r->err, sinks[i], "failed");
		long long d = oh_stat(r->err, sinks[i], "dropped");

		if (w < 0 || f < 0 || d < 0 || w + f + d != queued - qdrop)
			fail_msg("%s: written %lld + failed %lld + dropped %lld != %lld alerts",
				 sinks[i], w, f, d, queued - qdrop);
	}
}

/* Every alert failed on sink, and one log line said it (logged). */
static void all_failed(const struct oh_run *r, const char *sink, const char *logged)
{
	assert_int_equal(oh_stat(r->err, sink, "failed"), oh_alerts(r->err));
	assert_int_equal(oh_count(r->err, logged), 1);
}

/* Starts a receiver that accepts and never answers; the -o setting of
 * its URL in url. */
static pid_t hung_receiver(char *url, size_t n)
{
	const char *args[] = { "--mode", "hang", NULL };
	int port;
	pid_t rx = oh_receiver(g_dir, args, &port);

	snprintf(url, n, "http_output.url=http://127.0.0.1:%d/", port);
	return rx;
}

/* A receiver that takes the connection and never answers: the HTTP sink
 * is reported blocked, writes nothing, holds back neither the replay nor
 * stdout, and what it could not send is counted. */
static void receiver_that_never_answers(void **state)
{
	const char *sinks[] = { "stdout", "http", NULL };
	char url[128];
	struct oh_run r;
	pid_t rx;

	(void)state;
	rx = hung_receiver(url, sizeof(url));
	{
		const char *opts[] = { "http_output.enabled=true", url, NULL };

		replay(false, opts, &r);
	}
	oh_stop(rx);
	accounted(&r, sinks);
	assert_true(oh_alerts(r.err) > 0);
	assert_int_equal(oh_stat(r.err, "stdout", "written"), oh_alerts(r.err));
	assert_int_equal(oh_alert_lines(r.out), oh_alerts(r.err));
	assert_int_equal(oh_stat(r.err, "http", "written"), 0);
	assert_true(oh_stat(r.err, "http", "timeouts") >= 1);
	assert_int_equal(oh_count(r.err, "\"http\" output timeout"),
			 oh_stat(r.err, "http", "timeouts"));
	assert_non_null(strstr(r.err, "output channels still blocked"));
	oh_run_release(&r);
}

/* Nobody listens: every alert fails at once, one error line. */
static void port_refused(void **state)
{
	const char *sinks[] = { "stdout", "http", NULL };
	const char *opts[] = { "http_output.enabled=true", "http_output.url=http://127.0.0.1:1/",
			       NULL };
	struct oh_run r;

	(void)state;
	replay(false, opts, &r);
	accounted(&r, sinks);
	all_failed(&r, "http", "output http:");
	assert_int_equal(oh_stat(r.err, "stdout", "written"), oh_alerts(r.err));
	oh_run_release(&r);
}

/* A program that exits at once: with keep_alive it is started again for
 * the next alert after the pipe breaks; without, each alert's program
 * fails with its status. Nothing stalls, each run of failures is logged
 * once. */
static void program_that_exits(void **state)
{
	const char *sinks[] = { "program", NULL };
	struct oh_run r;

	(void)state;
	{
		const char *opts[] = { "program_output.enabled=true", "program_output.program=exit 0",
				       "program_output.keep_alive=true",
				       "stdout_output.enabled=false", NULL };

		replay(false, opts, &r);
	}
	accounted(&r, sinks);
	assert_true(oh_stat(r.err, "program", "failed") >= 1);
	oh_run_release(&r);
	{
		const char *opts[] = { "program_output.enabled=true", "program_output.program=exit 3",
				       "stdout_output.enabled=false", NULL };

		replay(false, opts, &r);
	}
	accounted(&r, sinks);
	all_failed(&r, "program", "output program: 'exit 3'");
	oh_run_release(&r);
}

/* A full disk and a missing directory: every alert of the file sink
 * fails, with and without keep_alive, and stdout goes on. */
static void file_that_fails(void **state)
{
	const char *sinks[] = { "stdout", "file", NULL };
	const char *ka[] = { "file_output.keep_alive=true", "file_output.keep_alive=false" };
	char missing[320];
	struct oh_run r;

	(void)state;
	snprintf(missing, sizeof(missing), "file_output.filename=%s/no/such/dir/alerts.txt",
		 g_dir);
	for (int i = 0; i < 2; i++) {
		const char *opts[] = { "file_output.enabled=true", "file_output.filename=/dev/full",
				       ka[i], "buffered_outputs=false", NULL };

		replay(false, opts, &r);
		accounted(&r, sinks);
		all_failed(&r, "file", "No space left on device");
		assert_int_equal(oh_stat(r.err, "stdout", "written"), oh_alerts(r.err));
		oh_run_release(&r);
	}
	{
		const char *opts[] = { "file_output.enabled=true", missing, NULL };

		replay(false, opts, &r);
	}
	accounted(&r, sinks);
	all_failed(&r, "file", "No such file or directory");
	oh_run_release(&r);
}

/* Standard output closed by its reader: the sink fails, saker does not
 * die of SIGPIPE and ends well. */
static void stdout_closed(void **state)
{
	char cmd[1024], errp[256];
	char *out, *err;
	int status;

	(void)state;
	snprintf(errp, sizeof(errp), "%s/closed.err", g_dir);
	snprintf(cmd, sizeof(cmd),
		 "bash -c '%s -r %s -e %s -o buffered_outputs=false 2>%s | true; "
		 "echo ${PIPESTATUS[0]}'",
		 OH_SAKER, g_many, capture(), errp);
	out = run_cmd(cmd, NULL, &status);
	assert_non_null(out);
	err = oh_read(errp);
	assert_non_null(err);
	assert_int_equal(atoi(out), 0);
	assert_true(oh_stat(err, "stdout", "failed") > 0);
	assert_int_equal(oh_count(err, "output stdout: write:"), 1);
	free(out);
	free(err);
}

/* A queue of 16 alerts, a blocked HTTP sink and a file sink against many
 * alerts: the replay is not held back, the hand-off queue and the HTTP
 * sink's queue drop (and count) what they cannot take, each full queue is
 * logged once, every alert is accounted for. */
static void full_queue(void **state)
{
	const char *sinks[] = { "file", "http", NULL };
	char url[128], file[320];
	struct oh_run r;
	pid_t rx;

	(void)state;
	rx = hung_receiver(url, sizeof(url));
	snprintf(file, sizeof(file), "file_output.filename=%s/many.txt", g_dir);
	{
		const char *opts[] = { "outputs_queue.capacity=16", "http_output.enabled=true",
				       url, "file_output.enabled=true", file,
				       "file_output.keep_alive=true", "stdout_output.enabled=false",
				       NULL };

		replay(true, opts, &r);
	}
	oh_stop(rx);
	accounted(&r, sinks);
	assert_true(oh_alerts(r.err) > 1000);
	assert_int_equal(oh_stat(r.err, "http", "written"), 0);
	assert_true(oh_stat(r.err, "http", "dropped") > 0);
	assert_int_equal(oh_count(r.err, "output http: its queue is full"), 1);
	assert_true(oh_count(r.err, "Outputs queue out of memory") <= 1);
	/* the file has what the file sink says it wrote */
	{
		char path[320];
		char *text;

		snprintf(path, sizeof(path), "%s/many.txt", g_dir);
		text = oh_read(path);
		assert_non_null(text);
		assert_int_equal(oh_count(text, ": Notice open "), oh_stat(r.err, "file", "written"));
		free(text);
	}
	oh_run_release(&r);
}

/* An output enabled without its file, program or URL stops saker before
 * it starts, with Falco's sentence. */
static void enabled_without_target(void **state)
{
	static const char *const cases[][2] = {
		{ "file_output.enabled=true", "file output enabled but no filename" },
		{ "program_output.enabled=true", "program output enabled but no program" },
		{ "http_output.enabled=true", "http output enabled but no url" },
	};
	struct oh_run r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[] = { "-r", g_many, "-e", SMALL_CAPTURE, "-o", cases[i][0], NULL };

		oh_saker(argv, NULL, &r);
		assert_int_equal(r.status, 1);
		assert_non_null(strstr(r.err, cases[i][1]));
		assert_string_equal(r.out, "");
		oh_run_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(receiver_that_never_answers, oh_stop_helpers),
		cmocka_unit_test(port_refused),
		cmocka_unit_test(program_that_exits),
		cmocka_unit_test(file_that_fails),
		cmocka_unit_test(stdout_closed),
		cmocka_unit_test_teardown(full_queue, oh_stop_helpers),
		cmocka_unit_test(enabled_without_target),
	};

	if (access(OH_PYTHON, X_OK)) {
		printf("skipped: needs %s\n", OH_PYTHON);
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
