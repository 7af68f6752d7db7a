/* The four example plugins of Falco's C++ SDK (built with make from the
 * shared folder) loaded by build/saker, each checked against what its
 * source says it computes:
 *  - plugin_source ("example", id 999): open params N give N events whose
 *    payload is "hello world #i"; plugin_extract gives it as example.msg.
 *    Rules of source example fire on them, with the generic event fields;
 *    a capture written while they run replays, the source plugin loaded
 *    only for its source, to the same alerts.
 *  - syscall_parse counts the open-family events of each thread in the
 *    thread's open_evt_count (a field it adds to the threads table);
 *    syscall_extract reads it back as sample.open_count and tells open
 *    events by sample.is_open: in replay of the shipped capture the count
 *    of a thread goes up by one with each of its opens, and live (as root)
 *    a process that opens a file five times is seen with counts 1 to 5.
 *  - live, the syscall source and the example source run at once, each
 *    with its rules. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/plugins/pt_harness.h"

#define SRC SDK_OUT "/libplugin_source.so"
#define EXTRACT SDK_OUT "/libplugin_extract.so"
#define PARSE SDK_OUT "/libsyscall_parse.so"
#define SYSX SDK_OUT "/libsyscall_extract.so"
#define CAPTURE SAKER_SOURCE_DIR "/tests/data/live_suite.scap.gz"

static void need_sdk(void)
{
	if (!pt_have(SRC) || !pt_have(EXTRACT) || !pt_have(PARSE) || !pt_have(SYSX))
		skip();
}

static void source_config(const char *name, const char *params)
{
	char cfg[2048];

	snprintf(cfg, sizeof(cfg),
		 "plugins:\n"
		 "  - name: plugin-source-example\n"
		 "    library_path: " SRC "\n"
		 "    open_params: '%s'\n"
		 "  - name: plugin-extract-example\n"
		 "    library_path: " EXTRACT "\n"
		 "load_plugins: [plugin-source-example, plugin-extract-example]\n"
		 "rule_matching: all\n"
		 "json_output: false\n",
		 params);
	pt_write(name, cfg);
}

static const char example_rules[] =
	"- rule: hello\n"
	"  desc: every example event\n"
	"  condition: 'example.msg startswith \"hello world #\"'\n"
	"  output: 'H %example.msg|%evt.num|%evt.source|%evt.pluginname|%evt.is_async'\n"
	"  priority: WARNING\n"
	"  source: example\n"
	"- rule: seven\n"
	"  desc: the eighth event\n"
	"  condition: 'example.msg = \"hello world #7\"'\n"
	"  output: 'S %example.msg'\n"
	"  priority: ERROR\n"
	"  source: example\n";

static void test_source_and_extract(void **state)
{
	char *out, *err, **l, *p[8];
	size_t n;

	(void)state;
	need_sdk();
	source_config("src.yaml", "10");
	pt_write("example.yaml", example_rules);
	{
		char args[1024];

		snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall",
			 pt_path("src.yaml"), pt_path("example.yaml"));
		assert_int_equal(pt_run(args, &out, &err), 0);
	}
	l = pt_lines(out, "Warning H ", &n);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < n; i++) {
		char want[64], num[32];

		assert_int_equal(pt_split(l[i], p, 8), 5);
		snprintf(want, sizeof(want), "hello world #%zu", i);
		snprintf(num, sizeof(num), "%zu", i + 1);
		assert_string_equal(p[0], want);
		assert_string_equal(p[1], num);
		assert_string_equal(p[2], "example");
		assert_string_equal(p[3], "plugin-source-example");
		assert_string_equal(p[4], "false");
	}
	pt_free_lines(l, n);
	l = pt_lines(out, "Error S ", &n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "hello world #7");
	pt_free_lines(l, n);
	assert_non_null(strstr(err, "events: seen 10, processed 10"));
	assert_non_null(strstr(err, "Opening 'example' source with plugin 'plugin-source-example'"));
	free(out);
	free(err);
}

/* Without open params the example gives its default, 1000 events. */
static void test_source_default(void **state)
{
	char args[1024], *out, *err;

	(void)state;
	need_sdk();
	source_config("src0.yaml", "");
	pt_write("example.yaml", example_rules);
	snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall", pt_path("src0.yaml"),
		 pt_path("example.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	assert_non_null(strstr(err, "events: seen 1000, processed 1000, dropped 0, alerts 1001"));
	free(out);
	free(err);
}

/* The capture written while the source runs, replayed with the plugins
 * loaded (the source plugin only to name the source of its id): the same
 * alerts, to the nanosecond. */
static void test_capture_replay(void **state)
{
	char args[1024], *out, *err, *rout, *rerr;

	(void)state;
	need_sdk();
	source_config("src.yaml", "25");
	pt_write("example.yaml", example_rules);
	snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall -w %s",
		 pt_path("src.yaml"), pt_path("example.yaml"), pt_path("example.scap"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	snprintf(args, sizeof(args), "-c %s -r %s -e %s", pt_path("src.yaml"),
		 pt_path("example.yaml"), pt_path("example.scap"));
	assert_int_equal(pt_run(args, &rout, &rerr), 0);
	assert_non_null(strstr(out, "hello world #24"));
	assert_string_equal(out, rout);
	assert_non_null(strstr(rerr, "events: seen 25, processed 25, dropped 0, alerts 26"));
	/* replay opens no plugin source */
	assert_null(strstr(rerr, "Opening 'example'"));
	free(out);
	free(err);
	free(rout);
	free(rerr);
}

static void parse_config(const char *name)
{
	pt_write(name, "plugins:\n"
		       "  - name: syscall-parse-example\n"
		       "    library_path: " PARSE "\n"
		       "  - name: syscall-extract-example\n"
		       "    library_path: " SYSX "\n"
		       "json_output: false\n");
}

/* Per thread, each open raises the count by one (syscall_parse counts the
 * events of the open family, syscall_extract reads the count back). */
static void check_counts(char **l, size_t n, size_t *checked)
{
	struct {
		long tid, count;
	} seen[4096];
	size_t nseen = 0;

	for (size_t i = 0; i < n; i++) {
		char *p[4];
		long tid, count;
		size_t k;

		assert_int_equal(pt_split(l[i], p, 4), 3);
		tid = strtol(p[0], NULL, 10);
		count = strtol(p[1], NULL, 10);
		assert_string_equal(p[2], "true");
		for (k = 0; k < nseen && seen[k].tid != tid; k++)
			;
		if (k == nseen) {
			assert_true(nseen < 4096);
			seen[nseen++].tid = tid;
			/* a thread seeded from the capture may have opened before */
			assert_true(count >= 1);
		} else {
			assert_int_equal(count, seen[k].count + 1);
		}
		seen[k].count = count;
		(*checked)++;
	}
}

static const char open_rules[] =
	"- rule: opens\n"
	"  desc: the open family with the plugins' count\n"
	"  condition: evt.type in (open, openat, openat2) and evt.dir=< and sample.open_count > 0\n"
	"  output: 'O %thread.tid|%sample.open_count|%sample.is_open'\n"
	"  priority: WARNING\n"
	"- rule: not_open\n"
	"  desc: closes are not opens\n"
	"  condition: evt.type=close and sample.is_open=true\n"
	"  output: 'C %thread.tid'\n"
	"  priority: WARNING\n"
	"- rule: closes\n"
	"  desc: closes\n"
	"  condition: evt.type=close and sample.is_open=false\n"
	"  output: 'D %thread.tid'\n"
	"  priority: WARNING\n";

static void test_parse_extract_replay(void **state)
{
	char args[1024], *out, *err, **l;
	size_t n, checked = 0;

	(void)state;
	need_sdk();
	parse_config("parse.yaml");
	pt_write("opens.yaml", open_rules);
	snprintf(args, sizeof(args), "-c %s -r %s -e %s", pt_path("parse.yaml"), pt_path("opens.yaml"),
		 CAPTURE);
	assert_int_equal(pt_run(args, &out, &err), 0);
	l = pt_lines(out, "Warning O ", &n);
	assert_true(n > 100);
	check_counts(l, n, &checked);
	assert_int_equal(checked, n);
	pt_free_lines(l, n);
	l = pt_lines(out, "Warning C ", &n);
	assert_int_equal(n, 0);
	pt_free_lines(l, n);
	l = pt_lines(out, "Warning D ", &n);
	assert_true(n > 0);
	pt_free_lines(l, n);
	/* capture_open of syscall_parse walked the threads table */
	assert_non_null(strstr(out, "read thread id: "));
	assert_non_null(strstr(err, "parse failures 0, extract failures 0"));
	free(out);
	free(err);
}

/* A child of the test that opens /dev/null five times, watched live. */
static void test_parse_extract_live(void **state)
{
	char args[2048], rules[2048], *out, *err, **l;
	size_t n;
	pid_t saker, child;

	(void)state;
	need_sdk();
	if (!pt_can_watch())
		skip();
	parse_config("parse.yaml");
	snprintf(rules, sizeof(rules),
		 "- rule: opens\n"
		 "  desc: the child's opens\n"
		 "  condition: evt.type in (open, openat, openat2) and evt.dir=< and proc.ppid=%d "
		 "and fd.name=/dev/null\n"
		 "  output: 'O %%thread.tid|%%sample.open_count|%%sample.is_open'\n"
		 "  priority: WARNING\n",
		 (int)getpid());
	pt_write("live_opens.yaml", rules);
	snprintf(args, sizeof(args), "-c %s -r %s", pt_path("parse.yaml"), pt_path("live_opens.yaml"));
	saker = pt_start(args, "watching this machine", 30000);
	assert_true(saker > 0);
	child = fork();
	if (!child) {
		for (int i = 0; i < 5; i++)
			close(open("/dev/null", O_RDONLY));
		_exit(0);
	}
	waitpid(child, NULL, 0);
	usleep(300000);
	assert_int_equal(pt_stop(saker, &out, &err), 0);
	l = pt_lines(out, "Warning O ", &n);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		char *p[4], want[24];

		assert_int_equal(pt_split(l[i], p, 4), 3);
		assert_int_equal(strtol(p[0], NULL, 10), child);
		snprintf(want, sizeof(want), "%zu", i + 1);
		assert_string_equal(p[1], want);
		assert_string_equal(p[2], "true");
	}
	pt_free_lines(l, n);
	free(out);
	free(err);
}

/* Live: the syscall source (probe) and the example source at once, each
 * with its rules, on threads of their own, to the same outputs. */
static void test_two_sources_live(void **state)
{
	char args[2048], cfg[2048], rules[4096], *out, *err, **l;
	size_t n;
	pid_t saker;

	(void)state;
	need_sdk();
	if (!pt_can_watch())
		skip();
	snprintf(cfg, sizeof(cfg),
		 "plugins:\n"
		 "  - name: plugin-source-example\n"
		 "    library_path: " SRC "\n"
		 "    open_params: '3'\n"
		 "  - name: plugin-extract-example\n"
		 "    library_path: " EXTRACT "\n"
		 "  - name: syscall-parse-example\n"
		 "    library_path: " PARSE "\n"
		 "  - name: syscall-extract-example\n"
		 "    library_path: " SYSX "\n"
		 "json_output: false\n");
	pt_write("both.yaml", cfg);
	snprintf(rules, sizeof(rules),
		 "%s"
		 "- rule: devnull\n"
		 "  desc: the test's own open of /dev/null\n"
		 "  condition: evt.type=openat and fd.name=/dev/null and proc.pid=%d\n"
		 "  output: 'N %%proc.pid|%%evt.source|%%sample.open_count'\n"
		 "  priority: WARNING\n",
		 example_rules, (int)getpid());
	pt_write("both_rules.yaml", rules);
	snprintf(args, sizeof(args), "-c %s -r %s", pt_path("both.yaml"), pt_path("both_rules.yaml"));
	saker = pt_start(args, "watching this machine", 30000);
	assert_true(saker > 0);
	close(open("/dev/null", O_RDONLY));
	usleep(500000);
	assert_int_equal(pt_stop(saker, &out, &err), 0);
	l = pt_lines(out, "Warning H ", &n);
	assert_int_equal(n, 3);
	pt_free_lines(l, n);
	l = pt_lines(out, "Warning N ", &n);
	assert_true(n >= 1);
	assert_non_null(strstr(l[0], "|syscall|"));
	pt_free_lines(l, n);
	assert_non_null(strstr(err, "source example: events: seen 3, processed 3"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_and_extract),
		cmocka_unit_test(test_source_default),
		cmocka_unit_test(test_capture_replay),
		cmocka_unit_test(test_parse_extract_replay),
		cmocka_unit_test(test_parse_extract_live),
		cmocka_unit_test(test_two_sources_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
