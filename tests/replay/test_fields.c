/* Field coverage: tests/replay/fields.yaml has a rule for every field the
 * official rules files use, each anchored on one event of a shared capture
 * whose value was read from the capture by hand. build/saker replays each
 * capture with those rules (rule_matching=all) and the alerts must be
 * exactly the ones tests/replay/fields.expected lists for that capture: no
 * alert missing (a wrong value fails the rule's condition), none extra. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/common/shared_dir.h"

#define MAX_LINES 512

struct lines {
	char *v[MAX_LINES];
	size_t n;
};

static void add(struct lines *l, const char *s, size_t len)
{
	assert_true(l->n < MAX_LINES);
	l->v[l->n] = strndup(s, len);
	assert_non_null(l->v[l->n]);
	l->n++;
}

static void release(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The expected messages of one capture. */
static void expected(const char *cap, struct lines *out)
{
	FILE *f = fopen(SAKER_SOURCE_DIR "/tests/replay/fields.expected", "r");
	char line[4096];
	size_t n = strlen(cap);

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\n");

		if (line[0] == '#' || strncmp(line, cap, n) || line[n] != '\t')
			continue;
		add(out, line + n + 1, len - n - 1);
	}
	fclose(f);
}

/* The alerts saker prints, each without "HH:MM:SS.nnnnnnnnn: Priority ". */
static void alerts(const char *cap, struct lines *out)
{
	char cmd[2048], line[8192];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "%s/saker -r %s/tests/replay/fields.yaml -e %s/falco/captures/%s.scap "
		 "-o rule_matching=all -o json_output=false 2>/dev/null",
		 SAKER_BINARY_DIR, SAKER_SOURCE_DIR, SAKER_SHARED_DIR, cap);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char *msg = strstr(line, ": ");

		assert_non_null(msg);
		msg = strchr(msg + 2, ' ');
		assert_non_null(msg);
		msg++;
		add(out, msg, strcspn(msg, "\n"));
	}
	assert_int_equal(pclose(p), 0);
}

static void check_capture(const char *cap)
{
	struct lines want = { 0 }, got = { 0 };
	size_t i = 0, j = 0;
	int bad = 0;

	expected(cap, &want);
	alerts(cap, &got);
	assert_true(want.n > 0);
	qsort(want.v, want.n, sizeof(char *), cmp);
	qsort(got.v, got.n, sizeof(char *), cmp);
	while (i < want.n || j < got.n) {
		int c = i == want.n ? 1 : j == got.n ? -1 : strcmp(want.v[i], got.v[j]);

		if (c < 0) {
			print_error("%s: missing alert: %s\n", cap, want.v[i++]);
			bad++;
		} else if (c > 0) {
			print_error("%s: unexpected alert: %s\n", cap, got.v[j++]);
			bad++;
		} else {
			i++;
			j++;
		}
	}
	release(&want);
	release(&got);
	assert_int_equal(bad, 0);
}

static void curl_google(void **state)
{
	(void)state;
	check_capture("curl_google");
}

static void single_ipv6_conn(void **state)
{
	(void)state;
	check_capture("single_ipv6_conn");
}

static void test_ipv6_client(void **state)
{
	(void)state;
	check_capture("test_ipv6_client");
}

/* Every field the official rules use has a rule in fields.yaml. */
static void covers_official_fields(void **state)
{
	static const char *const used[] = {
		"container.id", "container.image.repository", "container.mount.dest",
		"container.mounts", "container.privileged", "container.start_ts", "evt.args",
		"evt.buffer", "evt.hostname", "evt.is_open_exec", "evt.is_open_read",
		"evt.is_open_write", "evt.num", "evt.rawres", "evt.res", "evt.type", "fd.cip",
		"fd.cip.name", "fd.cnet", "fd.connected", "fd.directory", "fd.filename", "fd.ip",
		"fd.l4proto", "fd.lip.name", "fd.lport", "fd.name", "fd.name_changed",
		"fd.nameraw", "fd.net", "fd.num", "fd.port", "fd.rip", "fd.rip.name", "fd.rnet",
		"fd.rport", "fd.sip", "fd.sip.name", "fd.snet", "fd.sockfamily", "fd.sport",
		"fd.type", "fd.typechar", "fd.types", "group.gid", "group.name", "k8s.ns.name",
		"k8s.pod.name", "proc.aexe", "proc.aexepath", "proc.aname", "proc.args",
		"proc.cmdline", "proc.cwd", "proc.duration", "proc.env", "proc.exe",
		"proc.exe_ino.ctime", "proc.exe_ino.ctime_duration_proc_start",
		"proc.exe_ino.mtime", "proc.exepath", "proc.is_exe_from_memfd",
		"proc.is_exe_upper_layer", "proc.is_vpgid_leader", "proc.name", "proc.pcmdline",
		"proc.pexe", "proc.pexepath", "proc.pname", "proc.ppid.duration", "proc.sname",
		"proc.tty", "proc.vpgid.exe", "proc.vpgid.name", "proc.vpid", "syscall.type",
		"thread.cap_effective", "thread.cap_permitted", "user.loginname",
		"user.loginuid", "user.name", "user.uid", "evt.arg.cmd", "evt.arg.domain",
		"evt.arg.fd", "evt.arg.filename", "evt.arg.flags", "evt.arg.linkpath",
		"evt.arg.mode", "evt.arg.name", "evt.arg.newpath", "evt.arg.oldpath",
		"evt.arg.path", "evt.arg.request", "evt.arg.res_or_fd", "evt.arg.target",
		"evt.arg.uid",
	};
	FILE *f = fopen(SAKER_SOURCE_DIR "/tests/replay/fields.yaml", "r");
	static char text[1 << 20];
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
		char want[128];

		snprintf(want, sizeof(want), "- rule: %s\n", used[i]);
		if (!strstr(text, want))
			fail_msg("no rule for %s in fields.yaml", used[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(covers_official_fields),
		cmocka_unit_test(curl_google),
		cmocka_unit_test(single_ipv6_conn),
		cmocka_unit_test(test_ipv6_client),
	};

	shared_dir_require();

	return cmocka_run_group_tests(tests, NULL, NULL);
}
