/* syscall_event_drops: Falco's "syscall event drop" internal alert.
 * simulate_drops on a capture of Falco's shared set (12 s of events, one
 * look a second): the alert's text and JSON shape with its fields, the
 * token bucket (rate, max_burst) limiting how many come, Falco's choice of
 * the first configured action (log before alert), ignore, and exit. Then,
 * as root, real drops: saker watches with 1 MiB rings, is stopped while
 * the test opens and closes files as fast as it can, and once it goes on
 * it raises one alert (max_burst 1) counting the drops its statistics
 * show. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/outputs/out_harness.h"

#define CAPTURE OH_CAPTURES "/bench-falcoset.scap.gz"
#define RULE "Falco internal: syscall event drop"
#define MSG RULE ". 1 system calls dropped in last second."

static char g_dir[128], g_rules[256];

static int setup(void **state)
{
	(void)state;
	oh_tmpdir(g_dir, sizeof(g_dir), "drops");
	snprintf(g_rules, sizeof(g_rules), "%s/rules.yaml", g_dir);
	/* a rule that never fires: only internal alerts come out */
	oh_write(g_rules, "- rule: never\n"
			  "  desc: no event has this name\n"
			  "  condition: evt.type=openat and fd.name=/saker/none\n"
			  "  output: never %fd.name\n"
			  "  priority: WARNING\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	oh_rmdir(g_dir);
	return 0;
}

/* Replays the capture with simulated drops and the -o settings opts. */
static void simulate(const char *const *opts, struct oh_run *r)
{
	const char *argv[40] = { "-r", g_rules, "-e", CAPTURE, "-o",
				 "syscall_event_drops.simulate_drops=true" };

	oh_opts(argv, 6, 40, opts);
	oh_saker(argv, NULL, r);
}

static long long stat_after(const char *err, const char *key)
{
	const char *p = strstr(err, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/* The JSON alert: Falco's keys, its sorted fields as strings, one
 * simulated drop, ebpf_enabled 0 on a capture. */
static void json_shape(void **state)
{
	const char *opts[] = { "syscall_event_drops.actions=[alert]", "json_output=true", NULL };
	static const char want_fields[] =
		",\"output_fields\":{\"ebpf_enabled\":\"0\",\"n_drops\":\"1\","
		"\"n_drops_buffer_clone_fork_enter\":\"0\",\"n_drops_buffer_clone_fork_exit\":\"0\","
		"\"n_drops_buffer_close_exit\":\"0\",\"n_drops_buffer_connect_enter\":\"0\","
		"\"n_drops_buffer_connect_exit\":\"0\",\"n_drops_buffer_dir_file_enter\":\"0\","
		"\"n_drops_buffer_dir_file_exit\":\"0\",\"n_drops_buffer_execve_enter\":\"0\","
		"\"n_drops_buffer_execve_exit\":\"0\",\"n_drops_buffer_open_enter\":\"0\","
		"\"n_drops_buffer_open_exit\":\"0\",\"n_drops_buffer_other_interest_enter\":\"0\","
		"\"n_drops_buffer_other_interest_exit\":\"0\",\"n_drops_buffer_proc_exit\":\"0\","
		"\"n_drops_buffer_total\":\"0\",\"n_drops_bug\":\"0\",\"n_drops_page_faults\":\"0\","
		"\"n_drops_scratch_map\":\"0\",\"n_evts\":\"";
	struct oh_run r;
	const char *p;

	(void)state;
	simulate(opts, &r);
	/* the first look is a second after the first event; the bucket
	 * starts with one token */
	assert_int_equal(oh_count(r.out, "\"rule\":\"" RULE "\""), 1);
	p = strstr(r.out, "{\"hostname\":\"");
	assert_non_null(p);
	p = strstr(p, "\",\"output\":\"" MSG "\"");
	assert_non_null(p);
	p += strlen("\",\"output\":\"" MSG "\"");
	assert_memory_equal(p, want_fields, strlen(want_fields));
	p += strlen(want_fields);
	assert_true(atoll(p) > 0);
	p = strstr(p, "\"},\"priority\":\"Debug\",\"rule\":\"" RULE "\","
		      "\"source\":\"internal\",\"time\":\"");
	assert_non_null(p);
	/* the event's time in UTC, to the nanosecond */
	assert_non_null(strstr(p, "Z\"}"));
	assert_int_equal(r.status, 0);
	oh_run_release(&r);
}

/* The text alert: the time, Debug, the message and key="value" pairs. */
static void text_shape(void **state)
{
	const char *opts[] = { "syscall_event_drops.actions=alert", NULL };
	struct oh_run r;
	const char *p;

	(void)state;
	simulate(opts, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(oh_count(r.out, ": Debug " MSG " (ebpf_enabled=\"0\" n_drops=\"1\" "
				   "n_drops_buffer_clone_fork_enter=\"0\""), 1);
	p = strstr(r.out, "n_drops_scratch_map=\"0\" n_evts=\"");
	assert_non_null(p);
	assert_non_null(strstr(p, "\")\n"));
	/* HH:MM:SS.nnnnnnnnn first */
	assert_true(r.out[2] == ':' && r.out[5] == ':' && r.out[8] == '.' && r.out[18] == ':');
	oh_run_release(&r);
}

/* The token bucket: a burst of 3 and no refill gives 3; one token every
 * two seconds gives about half the seconds; no limit gives one a second;
 * Falco's defaults (one every 30 s, a burst of 1) give 1 in 12 s. */
static void rate_limiting(void **state)
{
	struct oh_run r;
	long long every;

	(void)state;
	{
		const char *opts[] = { "syscall_event_drops.actions=alert",
				       "syscall_event_drops.rate=1000",
				       "syscall_event_drops.max_burst=1000", NULL };

		simulate(opts, &r);
		every = oh_count(r.out, MSG);
		assert_int_equal(stat_after(r.err, "syscall event drops: detected "), every);
		assert_int_equal(stat_after(r.err, "actions taken "), every);
		assert_true(every >= 10 && every <= 12);
		oh_run_release(&r);
	}
	{
		const char *opts[] = { "syscall_event_drops.actions=alert",
				       "syscall_event_drops.rate=0", "syscall_event_drops.max_burst=3",
				       NULL };

		simulate(opts, &r);
		assert_int_equal(oh_count(r.out, MSG), 3);
		assert_int_equal(stat_after(r.err, "syscall event drops: detected "), every);
		assert_int_equal(stat_after(r.err, "actions taken "), 3);
		oh_run_release(&r);
	}
	{
		const char *opts[] = { "syscall_event_drops.actions=alert",
				       "syscall_event_drops.rate=0.5", "syscall_event_drops.max_burst=1",
				       NULL };
		long long n;

		simulate(opts, &r);
		n = oh_count(r.out, MSG);
		assert_true(n >= every / 2 && n <= (every + 2) / 2);
		oh_run_release(&r);
	}
	{
		const char *opts[] = { "syscall_event_drops.actions=alert", NULL };

		simulate(opts, &r);
		assert_int_equal(oh_count(r.out, MSG), 1);
		oh_run_release(&r);
	}
}

/* Falco takes the first action in the order ignore, log, alert, exit: its
 * default [log, alert] logs and does not alert; ignore does nothing; exit
 * ends the run with an error at the first look with drops. */
static void actions(void **state)
{
	struct oh_run r;

	(void)state;
	{
		const char *opts[] = { "syscall_event_drops.actions=[log, alert]", NULL };

		simulate(opts, &r);
		assert_int_equal(oh_count(r.out, RULE), 0);
		assert_int_equal(stat_after(r.err, "actions taken "), 1);
		assert_int_equal(r.status, 0);
		oh_run_release(&r);
	}
	{
		const char *opts[] = { "syscall_event_drops.actions=ignore", NULL };

		simulate(opts, &r);
		assert_int_equal(oh_count(r.out, RULE), 0);
		assert_int_equal(r.status, 0);
		oh_run_release(&r);
	}
	{
		const char *opts[] = { "syscall_event_drops.actions=[exit, alert]", NULL };

		simulate(opts, &r);
		assert_int_equal(oh_count(r.out, RULE), 1);
		assert_int_equal(r.status, 0);
		oh_run_release(&r);
	}
	{
		const char *opts[] = { "syscall_event_drops.actions=exit", NULL };

		simulate(opts, &r);
		assert_int_equal(r.status, 1);
		assert_non_null(strstr(r.err, "Exiting."));
		assert_non_null(strstr(r.err, "syscall event drops: exiting"));
		/* it stopped at the first look, not at the end */
		assert_true(stat_after(r.err, "processed ") < 2000000);
		oh_run_release(&r);
	}
	{
		const char *opts[] = { "syscall_event_drops.actions=[ignore, alert]", NULL };

		simulate(opts, &r);
		assert_int_equal(r.status, 1);
		assert_non_null(strstr(r.err, "does not make sense"));
		oh_run_release(&r);
	}
}

static void *storm(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200000; i++)
		close(open("/dev/null", O_RDONLY));
	return NULL;
}

/* Real drops: rings of 1 MiB that nobody reads while the test storms. */
static void real_drops(void **state)
{
	char out[256], err[256];
	const char *argv[] = { "-r", g_rules, "-U", "-o", "engine.modern_ebpf.buf_size_preset=1",
			       "-o", "syscall_event_drops.actions=alert", "-o",
			       "syscall_event_drops.rate=0", "-o", "syscall_event_drops.max_burst=1",
			       "-o", "syscall_event_drops.threshold=0.1", NULL };
	pthread_t th[2];
	pid_t pid;
	char *text, *errs;
	long long dropped;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(out, sizeof(out), "%s/live.out", g_dir);
	snprintf(err, sizeof(err), "%s/live.err", g_dir);
	pid = oh_saker_bg(argv, out, err);
	if (!oh_wait_text(err, "watching this machine", 1, 60, pid))
		fail_msg("saker did not start watching");
	assert_int_equal(kill(pid, SIGSTOP), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, storm, NULL), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(kill(pid, SIGCONT), 0);
	/* events a second or more after the storm make saker look again */
	for (int i = 0; i < 30; i++) {
		close(open("/dev/null", O_RDONLY));
		usleep(100000);
	}
	if (!oh_wait_text(out, RULE, 1, 20, pid))
		fail_msg("no drop alert");
	status = oh_end(pid, SIGINT);
	assert_int_equal(status, 0);
	text = oh_read(out);
	errs = oh_read(err);
	assert_non_null(text);
	assert_non_null(errs);
	assert_int_equal(oh_count(text, RULE), 1);
	assert_non_null(strstr(text, "(ebpf_enabled=\"1\" n_drops=\""));
	assert_null(strstr(text, "n_drops=\"0\""));
	dropped = stat_after(errs, ", dropped ");
	assert_true(dropped > 0);
	/* the alert counts drops the statistics count */
	assert_true(atoll(strstr(text, "n_drops=\"") + 9) <= dropped);
	assert_int_equal(stat_after(errs, "actions taken "), 1);
	free(text);
	free(errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_shape),
		cmocka_unit_test(text_shape),
		cmocka_unit_test(rate_limiting),
		cmocka_unit_test(actions),
		cmocka_unit_test_teardown(real_drops, oh_stop_helpers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
