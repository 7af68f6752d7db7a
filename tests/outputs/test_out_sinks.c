/* The file and program sinks for real. file_output through the outputs
 * module itself: without keep_alive the file is opened for every alert
 * (an alert after the file was renamed away lands in a new file), with it
 * the file stays open (the same alert lands in the renamed one).
 * program_output through build/saker into a real shell pipeline: the
 * program reads one alert a line, the lines the stdout sink prints; one
 * program for all alerts with keep_alive, one per alert without. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/config.h"
#include "runtime/outputs.h"
#include "tests/common/run_cmd.h"
#include "tests/outputs/out_harness.h"

#define FIELDPROBE SAKER_SHARED_DIR "/falco/groundtruth/fieldprobe_rules.yaml"
#define CAPTURE OH_CAPTURES "/curl_google.scap"

static char g_dir[128];

static int setup(void **state)
{
	(void)state;
	oh_tmpdir(g_dir, sizeof(g_dir), "sinks");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	oh_rmdir(g_dir);
	return 0;
}

/* Waits (5 s at most) until path holds want. */
static void wait_for(const char *path, const char *want)
{
	for (int i = 0; i < 500; i++) {
		char *t = oh_read(path);
		bool ok = t && !strcmp(t, want);

		free(t);
		if (ok)
			return;
		usleep(10000);
	}
	fail_msg("%s never held \"%s\"", path, want);
}

static void file_keep_alive(bool keep)
{
	char path[256], moved[300], opt[320];
	struct outputs *o = NULL;
	struct config cfg;
	char err[256];
	char *a, *b;

	snprintf(path, sizeof(path), "%s/alerts-%d.txt", g_dir, keep);
	snprintf(moved, sizeof(moved), "%s.1", path);
	snprintf(opt, sizeof(opt), "file_output.filename=%s", path);
	const char *ov[] = { "stdout_output.enabled=false", "file_output.enabled=true", opt };

	config_init(&cfg);
	assert_int_equal(config_load(&cfg, NULL, ov, 3, err, sizeof(err)), 0);
	cfg.file_output_keep_alive = keep;
	assert_int_equal(outputs__new(&cfg, &o), 0);
	assert_true(outputs__active(o));
	assert_int_equal(outputs__emit(o, RL_PRIO_WARNING, "first alert", 11), 0);
	wait_for(path, "first alert\n");
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(outputs__emit(o, RL_PRIO_WARNING, "second alert", 12), 0);
	outputs__close(o);
	a = oh_read(path);
	b = oh_read(moved);
	if (keep) {
		/* the open file was renamed: both alerts are in it */
		assert_null(a);
		assert_string_equal(b, "first alert\nsecond alert\n");
	} else {
		/* reopened by name for the second alert */
		assert_string_equal(a, "second alert\n");
		assert_string_equal(b, "first alert\n");
	}
	free(a);
	free(b);
	outputs__free(o);
	config_release(&cfg);
}

static void file_reopened_without_keep_alive(void **state)
{
	(void)state;
	file_keep_alive(false);
}

static void file_kept_open_with_keep_alive(void **state)
{
	(void)state;
	file_keep_alive(true);
}

/* The program's shell notes its pid, then passes its input to a file. */
static void program(bool keep)
{
	char prog[600], pids[256], got[256], o_prog[700];
	const char *argv[] = { "-r", FIELDPROBE, "-e", CAPTURE, "-o", "program_output.enabled=true",
			       "-o", o_prog, "-o", keep ? "program_output.keep_alive=true"
							: "program_output.keep_alive=false",
			       "-o", "output_timeout=20000", NULL };
	struct oh_run r;
	char *text, *pid_text;
	long long n;

	snprintf(pids, sizeof(pids), "%s/pids-%d", g_dir, keep);
	snprintf(got, sizeof(got), "%s/program-%d.txt", g_dir, keep);
	snprintf(prog, sizeof(prog), "echo $$ >> %s; cat >> %s", pids, got);
	snprintf(o_prog, sizeof(o_prog), "program_output.program=%s", prog);
	oh_saker(argv, NULL, &r);
	assert_int_equal(r.status, 0);
	n = oh_alerts(r.err);
	assert_true(n > 0);
	assert_int_equal(oh_stat(r.err, "program", "written"), n);
	text = oh_read(got);
	assert_non_null(text);
	assert_string_equal(text, r.out);
	pid_text = oh_read(pids);
	assert_non_null(pid_text);
	/* one program in all, or one per alert (each its own process) */
	assert_int_equal(oh_count(pid_text, ""), keep ? 1 : n);
	if (!keep) {
		char cmd[512];
		char *u;
		int status;

		snprintf(cmd, sizeof(cmd), "sort -u %s | wc -l", pids);
		u = run_cmd(cmd, NULL, &status);
		assert_non_null(u);
		assert_int_equal(atoll(u), n);
		free(u);
	}
	free(text);
	free(pid_text);
	oh_run_release(&r);
}

static void program_kept_alive(void **state)
{
	(void)state;
	program(true);
}

static void program_per_alert(void **state)
{
	(void)state;
	program(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_reopened_without_keep_alive),
		cmocka_unit_test(file_kept_open_with_keep_alive),
		cmocka_unit_test(program_kept_alive),
		cmocka_unit_test(program_per_alert),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
