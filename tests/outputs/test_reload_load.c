/* Rules reloads under load, in the real kernel: saker watches this machine
 * with Falco's three official rules files and a fourth, rewritten before
 * each of 100 SIGHUPs sent over 60 s while the shared workload runs, whose
 * one rule alerts on the test opening a marker file and names the
 * generation of the file it was built from. Builds happen off the event
 * thread and requests made during a build are served by the next one, so:
 * every marker open raises exactly one alert (no event goes through two
 * rule sets or none), generations never go back, the last one is in force
 * at the end, every reload done is logged once, none fails, and every
 * event the probe saw is processed with none dropped. The ASan build runs
 * 15 reloads (leaks are checked at saker's exit). Needs root. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/outputs/out_harness.h"

#define WORKLOAD SAKER_SHARED_DIR "/bench/workload.sh"
#define OPENS_PER_RELOAD 6

static char g_dir[128];
static pid_t g_workload;

static int stop_all(void **state)
{
	if (g_workload > 0) {
		kill(-g_workload, SIGKILL);
		waitpid(g_workload, NULL, 0);
		g_workload = 0;
	}
	return oh_stop_helpers(state);
}

/* The fourth rules file at generation gen, replaced in one rename. */
static void write_switch(const char *path, const char *marker, int gen)
{
	char tmp[300], text[1024];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(text, sizeof(text),
		 "- rule: reload marker\n"
		 "  desc: the test opens its marker file\n"
		 "  condition: evt.type in (open, openat, openat2) and evt.dir=< and fd.name=%s "
		 "and proc.pid=%d\n"
		 "  output: reload marker gen=%d %%fd.name\n"
		 "  priority: WARNING\n",
		 marker, (int)getpid(), gen);
	oh_write(tmp, text);
	assert_int_equal(rename(tmp, path), 0);
}

static void open_marker(const char *marker, int *opens)
{
	int fd = open(marker, O_RDONLY);

	assert_true(fd >= 0);
	close(fd);
	(*opens)++;
}

/* The generation of the last marker alert in the file, -1 when none. */
static int last_gen(const char *out)
{
	char *t = oh_read(out);
	const char *p, *last = NULL;
	int g = -1;

	for (p = t; p && (p = strstr(p, "reload marker gen=")) != NULL; p++)
		last = p;
	if (last)
		g = atoi(last + strlen("reload marker gen="));
	free(t);
	return g;
}

static long long after(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

static void reloads_under_load(void **state)
{
	const int reloads = oh_asan() ? 15 : 100;
	char sw[256], marker[256], out[256], err[256], secs[16];
	const char *argv[] = { "-r", OH_RULES "/falco_rules.yaml",
			       "-r", OH_RULES "/falco-incubating_rules.yaml",
			       "-r", OH_RULES "/falco-sandbox_rules.yaml",
			       "-r", sw, "-U",
			       /* SIGHUP alone asks for the reloads counted here (a
				* watched rules file that changes asks too) */
			       "-o", "watch_config_files=false", NULL };
	long long seen, processed, skipped, dropped, asked, done, failed;
	int opens = 0, status, prev = -1, n = 0;
	char *text, *errs, *save = NULL, *line;
	pid_t pid;

	(void)state;
	snprintf(sw, sizeof(sw), "%s/switch.yaml", g_dir);
	snprintf(marker, sizeof(marker), "%s/marker", g_dir);
	snprintf(out, sizeof(out), "%s/saker.out", g_dir);
	snprintf(err, sizeof(err), "%s/saker.err", g_dir);
	oh_write(marker, "marker\n");
	write_switch(sw, marker, 0);
	pid = oh_saker_bg(argv, out, err);
	if (!oh_wait_text(err, "watching this machine", 1, 120, pid))
		fail_msg("saker did not start watching");

	/* the workload, for as long as the reloads take, in its own group */
	snprintf(secs, sizeof(secs), "%d", reloads * 6 / 10 + 5);
	g_workload = fork();
	assert_true(g_workload >= 0);
	if (g_workload == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl("/bin/bash", "bash", WORKLOAD, secs, (char *)NULL);
		_exit(127);
	}
	setpgid(g_workload, g_workload);

	for (int gen = 1; gen <= reloads; gen++) {
		write_switch(sw, marker, gen);
		assert_int_equal(kill(pid, SIGHUP), 0);
		for (int k = 0; k < OPENS_PER_RELOAD; k++) {
			open_marker(marker, &opens);
			usleep(100000);
		}
	}
	/* the build after the last SIGHUP read the last generation */
	for (int i = 0; i < 600 && last_gen(out) != reloads; i++) {
		open_marker(marker, &opens);
		usleep(100000);
	}
	assert_int_equal(last_gen(out), reloads);
	kill(-g_workload, SIGKILL);
	waitpid(g_workload, NULL, 0);
	g_workload = 0;
	status = oh_end(pid, SIGINT);

	text = oh_read(out);
	errs = oh_read(err);
	assert_non_null(text);
	assert_non_null(errs);
	if (status != 0)
		fail_msg("saker ended with %d:\n%s", status, errs);
	/* one alert per open, generations in order */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = strstr(line, "reload marker gen=");
		int g;

		if (!p)
			continue;
		g = atoi(p + strlen("reload marker gen="));
		if (g < prev || g > reloads)
			fail_msg("generation %d after %d", g, prev);
		prev = g;
		n++;
	}
	/* every reload done was logged, none failed */
	asked = after(errs, "rules reloads: asked ");
	done = after(errs, ", done ");
	failed = after(errs, ", failed ");
	assert_int_equal(asked, reloads);
	assert_int_equal(failed, 0);
	assert_true(done >= 1 && done <= reloads);
	assert_int_equal(oh_count(errs, "rules reloaded: "), done);
	assert_int_equal(oh_count(errs, "rules reload failed"), 0);
	/* no event lost */
	seen = after(errs, "events: seen ");
	processed = after(errs, ", processed ");
	dropped = after(errs, ", dropped ");
	skipped = after(errs, "skipped (unknown event type): ");
	assert_int_equal(seen, processed + skipped + dropped);
	if (!oh_asan() && dropped != 0)
		fail_msg("%lld events dropped:\n%s", dropped, errs);
	/* one alert per open; a sanitizer build may drop events (and with
	 * them marker opens) under the workload, and says how many */
	if (dropped)
		assert_true(n <= opens);
	else
		assert_int_equal(n, opens);
	printf("%d reloads asked, %lld built, %d marker alerts, %lld events\n", reloads, done, n,
	       seen);
	free(text);
	free(errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(reloads_under_load, stop_all),
	};
	int ret;

	if (geteuid() != 0 || access(WORKLOAD, R_OK)) {
		printf("skipped: needs root and %s\n", WORKLOAD);
		return 77;
	}
	oh_tmpdir(g_dir, sizeof(g_dir), "reload");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	oh_rmdir(g_dir);
	return ret;
}
