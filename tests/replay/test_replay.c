/* Replay of the shared captures through build/saker: every capture runs to
 * its end with exit 0 and a summary, and rules on curl_google.scap raise
 * alerts carrying facts of that file. The expected values were read from
 * the capture itself: its process list and execve record hold the strings
 * "curl", "-6", "http://www.google.com" and the cwd "/home/ubuntu" (zcat
 * | strings), and the connect exit record's tuple holds the IPv6 address
 * 2001:4860:4860::8888 and port 53 in its bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/common/shared_dir.h"

#include "tests/common/run_cmd.h"

#define CAPS SAKER_SHARED_DIR "/falco/captures/"

/* Runs a shell command line, returns its output and exit status. */
static char *run(const char *cmd, int *status)
{
	char *out = run_cmd(cmd, NULL, status);

	assert_non_null(out);
	return out;
}

static void every_capture_replays(void **state)
{
	SKIP_WITHOUT_SHARED();
	static const char *const caps[] = {
		"curl_google.scap", "curl_google_comments.scap", "single_ipv6_conn.scap",
		"test_ipv6_client.scap",
	};
	char cmd[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		int st;
		char *out;
		unsigned long long seen = 0, processed = 0;
		const char *s;

		snprintf(cmd, sizeof(cmd), "%s/saker -r %s/falco/rules/falco_rules.yaml -e %s%s 2>&1",
			 SAKER_BINARY_DIR, SAKER_SHARED_DIR, CAPS, caps[i]);
		out = run(cmd, &st);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
		s = strstr(out, "events: seen ");
		assert_non_null(s);
		assert_int_equal(sscanf(s, "events: seen %llu, processed %llu", &seen, &processed), 2);
		assert_true(seen > 100);
		assert_true(processed <= seen);
		free(out);
	}
}

static void curl_alerts(void **state)
{
	char cmd[1024];
	char *out;
	int st;

	SKIP_WITHOUT_SHARED();

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s/saker -r %s/tests/replay/curl.yaml -e %scurl_google.scap 2>/dev/null",
		 SAKER_BINARY_DIR, SAKER_SOURCE_DIR, CAPS);
	out = run(cmd, &st);
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_non_null(strstr(out, "exec curl args=-6 http://www.google.com cwd= ppid="));
	assert_non_null(strstr(out, "sip=2001:4860:4860::8888 sport=53 l4=udp"));
	free(out);
}

static void truncated_capture_is_reported(void **state)
{
	char cmd[1024];
	char *out;
	int st;

	SKIP_WITHOUT_SHARED();

	(void)state;
	/* the first 60000 bytes of the inflated capture end inside a block */
	snprintf(cmd, sizeof(cmd),
		 "zcat %scurl_google.scap | head -c 60000 > %s/trunc.scap && "
		 "%s/saker -r %s/tests/replay/curl.yaml -e %s/trunc.scap 2>&1",
		 CAPS, SAKER_BINARY_DIR, SAKER_BINARY_DIR, SAKER_SOURCE_DIR, SAKER_BINARY_DIR);
	out = run(cmd, &st);
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_non_null(strstr(out, "trunc.scap: offset "));
	assert_non_null(strstr(out, "truncated"));
	free(out);
}

/* The same capture read every way a file reaches the reader gives the
 * same events: plain and gzip, from a file and through a pipe (which
 * cannot be looked at twice). Each is printed whole (--print) and the
 * outputs compared by their sha256; bench-falcoset's 2 M events cross
 * the reader's chunks hundreds of times, with blocks straddling them. */
static void capture_sources_agree(void **state)
{
	static const char *const ways[] = {
		"-e %1$s/src.scap", "-e %1$s/src.scap.gz", "-e /dev/stdin < %1$s/src.scap",
		"-e /dev/stdin < %1$s/src.scap.gz",
	};
	static const char *const caps[] = { "curl_google.scap", "bench-falcoset.scap.gz" };
	char cmd[2048], fmt[1024], first[80];
	char *out;
	int st;

	SKIP_WITHOUT_SHARED();
	(void)state;
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		snprintf(cmd, sizeof(cmd), "zcat -f %s%s > %s/src.scap && gzip -1 -c %s/src.scap > "
			 "%s/src.scap.gz", CAPS, caps[c], SAKER_BINARY_DIR, SAKER_BINARY_DIR,
			 SAKER_BINARY_DIR);
		out = run(cmd, &st);
		assert_int_equal(WEXITSTATUS(st), 0);
		free(out);
		for (size_t w = 0; w < sizeof(ways) / sizeof(ways[0]); w++) {
			snprintf(fmt, sizeof(fmt), "%%2$s/saker --print %s | sha256sum", ways[w]);
			snprintf(cmd, sizeof(cmd), fmt, SAKER_BINARY_DIR, SAKER_BINARY_DIR);
			out = run(cmd, &st);
			assert_int_equal(WEXITSTATUS(st), 0);
			/* not the hash of nothing */
			assert_null(strstr(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
			if (!w)
				snprintf(first, sizeof(first), "%s", out);
			else if (strcmp(first, out))
				fail_msg("%s: %s gives %s, the plain file %s", caps[c], ways[w], out, first);
			free(out);
		}
	}
	snprintf(cmd, sizeof(cmd), "rm -f %s/src.scap %s/src.scap.gz", SAKER_BINARY_DIR,
		 SAKER_BINARY_DIR);
	free(run(cmd, &st));
}

/* A directory, or gzip data that does not inflate, is refused with what
 * is wrong with it, naming the file. */
static void unreadable_captures_are_reported(void **state)
{
	char cmd[1024];
	char *out;
	int st;

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s/saker -r %s/tests/replay/curl.yaml -e / 2>&1",
		 SAKER_BINARY_DIR, SAKER_SOURCE_DIR);
	out = run(cmd, &st);
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_non_null(strstr(out, "Error: /: offset 0: Is a directory"));
	free(out);
	snprintf(cmd, sizeof(cmd),
		 "printf '\\037\\213\\010\\000\\000\\000\\000\\000\\000\\003not deflate data' "
		 "> %s/bad.scap.gz && %s/saker -r %s/tests/replay/curl.yaml -e %s/bad.scap.gz 2>&1",
		 SAKER_BINARY_DIR, SAKER_BINARY_DIR, SAKER_SOURCE_DIR, SAKER_BINARY_DIR);
	out = run(cmd, &st);
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_non_null(strstr(out, "bad.scap.gz: offset 0: read error: "));
	free(out);
}

/* fd.*ip.name as Falco's: the names the rules compare with are resolved
 * (here through an /etc/hosts of the test's own, bind-mounted in a mount
 * namespace) and a connection to an address one of them resolves to
 * carries that name. curl_google.scap connects to 2001:4860:4860::8888
 * (port 53) and to 2607:f8b0:4004:802::2004 (port 80); the hosts file
 * names the second only, twice. = and in hold for any name that resolves
 * to the address, != for the others, other operators never (as Falco's).
 * Interpreted and compiled conditions alike. */
static void domain_names_resolved(void **state)
{
	static const char *const modes[] = { "-o jit.enabled=false", "--jit-wait" };
	char dir[] = "/tmp/saker-dns-XXXXXX", cmd[2048], path[600];
	FILE *f;

	SKIP_WITHOUT_SHARED();
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hosts", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("127.0.0.1 localhost\n2607:f8b0:4004:802::2004 saker-web.test\n"
	      "2607:f8b0:4004:802::2004 saker-alias.test\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/rules.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("- rule: to named\n  desc: d\n"
	      "  condition: evt.type=connect and evt.dir=< and fd.sip.name = saker-web.test\n"
	      "  output: \"named sip=%fd.sip name=%fd.sip.name rname=%fd.rip.name\"\n"
	      "  priority: WARNING\n"
	      "- rule: in named\n  desc: d\n"
	      "  condition: evt.type=connect and evt.dir=< and fd.rip.name in (other.test, saker-web.test)\n"
	      "  output: \"in-list rip=%fd.rip\"\n"
	      "  priority: WARNING\n"
	      "- rule: not named\n  desc: d\n"
	      "  condition: evt.type=connect and evt.dir=< and fd.sip.name != saker-web.test\n"
	      "  output: \"unnamed sip=%fd.sip name=%fd.sip.name\"\n"
	      "  priority: WARNING\n"
	      "- rule: alias\n  desc: d\n"
	      "  condition: evt.type=connect and evt.dir=< and fd.sip.name = saker-alias.test\n"
	      "  output: \"alias rip=%fd.rip\"\n"
	      "  priority: WARNING\n"
	      "- rule: other operators\n  desc: d\n"
	      "  condition: evt.type=connect and evt.dir=< and (fd.sip.name exists or "
	      "fd.sip.name startswith saker or fd.sip.name contains web)\n"
	      "  output: \"other-op rip=%fd.rip\"\n"
	      "  priority: WARNING\n", f);
	fclose(f);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int st;
		char *out;

		snprintf(cmd, sizeof(cmd),
			 "unshare -m sh -c 'mount --bind %s/hosts /etc/hosts && "
			 "%s/saker -o rule_matching=all %s -r %s/rules.yaml -e %scurl_google.scap' 2>&1",
			 dir, SAKER_BINARY_DIR, modes[i], dir, CAPS);
		out = run(cmd, &st);
		assert_int_equal(WEXITSTATUS(st), 0);
		if (!strstr(out, "named sip=2607:f8b0:4004:802::2004 name=saker-web.test "
				 "rname=saker-web.test") ||
		    !strstr(out, "in-list rip=2607:f8b0:4004:802::2004") ||
		    !strstr(out, "unnamed sip=2001:4860:4860::8888 name=<NA>") ||
		    !strstr(out, "alias rip=2607:f8b0:4004:802::2004") ||
		    strstr(out, "unnamed sip=2607") || strstr(out, "in-list rip=2001") ||
		    strstr(out, "alias rip=2001") || strstr(out, "other-op"))
			fail_msg("%s:\n%s", modes[i], out);
		free(out);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The capture shipped with saker, recorded from the live detection suite
 * (tests/detect), replays through saker's own ruleset to an alert of every
 * rule. */
static void default_rules_on_the_shipped_capture(void **state)
{
	char cmd[1024], line[512], needle[600];
	FILE *rules;
	int status, nrules = 0;
	char *out;

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "%s/saker -o rule_matching=all -o json_output=true -e %s/tests/data/live_suite.scap.gz "
		 "2>/dev/null", SAKER_BINARY_DIR, SAKER_SOURCE_DIR);
	out = run(cmd, &status);
	assert_int_equal(status, 0);
	rules = fopen(SAKER_SOURCE_DIR "/rules/saker_rules.yaml", "r");
	assert_non_null(rules);
	while (fgets(line, sizeof(line), rules)) {
		if (strncmp(line, "- rule: ", 8))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(needle, sizeof(needle), "\"rule\":\"%s\"", line + 8);
		if (!strstr(out, needle))
			fail_msg("no alert of rule '%s' on the shipped capture", line + 8);
		nrules++;
	}
	fclose(rules);
	assert_true(nrules >= 30);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_capture_replays),
		cmocka_unit_test(curl_alerts),
		cmocka_unit_test(truncated_capture_is_reported),
		cmocka_unit_test(capture_sources_agree),
		cmocka_unit_test(unreadable_captures_are_reported),
		cmocka_unit_test(domain_names_resolved),
		cmocka_unit_test(default_rules_on_the_shipped_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
