/* syslog_output received by a real rsyslogd: the test runs saker in a
 * private mount namespace it makes (unshare -m) where rsyslogd listens on
 * /dev/log (tests/outputs/syslog_ns.sh). One rule per priority fires on a
 * known event of a capture; every alert the stdout sink prints must reach
 * syslog with the facility user and the severity of its priority
 * (Emergency is emerg ... Debug is debug), under saker's name, in text
 * and in JSON. Needs root, unshare and rsyslogd; skipped otherwise. */
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

#include "tests/outputs/out_harness.h"

#define CAPTURE OH_CAPTURES "/curl_google.scap"
#define NS_SCRIPT SAKER_SOURCE_DIR "/tests/outputs/syslog_ns.sh"

static const struct {
	const char *prio, *sev;
} prios[] = {
	{ "Emergency", "emerg" }, { "Alert", "alert" }, { "Critical", "crit" },
	{ "Error", "err" }, { "Warning", "warning" }, { "Notice", "notice" },
	{ "Informational", "info" }, { "Debug", "debug" },
};

static char g_dir[128];

static const char *rsyslogd(void)
{
	if (!access("/usr/sbin/rsyslogd", X_OK))
		return "/usr/sbin/rsyslogd";
	return NULL;
}

/* One rule per priority, each on one event (evt.num 100 + i). */
static void write_rules(const char *path)
{
	char text[4096];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(prios) / sizeof(prios[0]); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "- rule: syslog %s\n"
				      "  desc: event %zu\n"
				      "  condition: evt.num = %zu\n"
				      "  output: syslog test %s on %%evt.type by %%proc.name\n"
				      "  priority: %s\n",
				      prios[i].prio, 100 + i, 100 + i, prios[i].prio, prios[i].prio);
	oh_write(path, text);
}

/* The severity syslog must show for an alert line of stdout. */
static const char *severity_of(const char *line, bool json)
{
	for (size_t i = 0; i < sizeof(prios) / sizeof(prios[0]); i++) {
		char key[64];

		if (json)
			snprintf(key, sizeof(key), "\"priority\":\"%s\"", prios[i].prio);
		else
			snprintf(key, sizeof(key), ": %s syslog test", prios[i].prio);
		if (strstr(line, key))
			return prios[i].sev;
	}
	return NULL;
}

static void through_rsyslog(bool json)
{
	char rules[256], cmd[2048], path[256];
	char *out, *log, *rc, *line, *save = NULL;
	int n = 0;

	snprintf(rules, sizeof(rules), "%s/rules.yaml", g_dir);
	write_rules(rules);
	snprintf(path, sizeof(path), "%s/syslog.txt", g_dir);
	unlink(path);
	snprintf(cmd, sizeof(cmd),
		 "unshare -m --propagation private bash %s %s %s -r %s -e %s "
		 "-o syslog_output.enabled=true -o json_output=%s",
		 NS_SCRIPT, g_dir, OH_SAKER, rules, CAPTURE, json ? "true" : "false");
	if (system(cmd) != 0)
		fail_msg("the namespace with rsyslogd could not be set up");
	snprintf(path, sizeof(path), "%s/cmd.rc", g_dir);
	rc = oh_read(path);
	assert_non_null(rc);
	assert_int_equal(atoi(rc), 0);
	snprintf(path, sizeof(path), "%s/cmd.out", g_dir);
	out = oh_read(path);
	snprintf(path, sizeof(path), "%s/syslog.txt", g_dir);
	log = oh_read(path);
	assert_non_null(out);
	assert_non_null(log);
	/* every alert, with its severity, and nothing else from saker */
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *sev = severity_of(line, json);
		char want[4096];

		assert_non_null(sev);
		snprintf(want, sizeof(want), "user.%s saker: %s", sev, line);
		if (oh_count(log, want) != 1)
			fail_msg("syslog does not have \"%s\" once:\n%s", want, log);
		n++;
	}
	assert_int_equal(n, (int)(sizeof(prios) / sizeof(prios[0])));
	assert_int_equal(oh_count(log, " saker: "), n);
	free(rc);
	free(out);
	free(log);
}

static void text_alerts(void **state)
{
	(void)state;
	through_rsyslog(false);
}

static void json_alerts(void **state)
{
	(void)state;
	through_rsyslog(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_alerts),
		cmocka_unit_test(json_alerts),
	};
	int ret;

	if (geteuid() != 0 || !rsyslogd() || access("/usr/bin/unshare", X_OK)) {
		printf("skipped: needs root, /usr/bin/unshare and rsyslogd\n");
		return 77;
	}
	oh_tmpdir(g_dir, sizeof(g_dir), "syslog");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	oh_rmdir(g_dir);
	return ret;
}
