/* saker's own C test plugins (tests/plugins/tp_*.c) through build/saker:
 *  - plugins broken on purpose (init that fails, another API version, a
 *    missing symbol, an incomplete capability, bad fields JSON, a library
 *    that is not there or outside the plugins directory) stop saker with
 *    one sentence naming the library and the reason;
 *  - tp_clock's event source and fields: numbers, strings, lists, an
 *    address, arguments as key and index, its init config checked against
 *    its JSON schema (a YAML map handed over as JSON), a field that fails
 *    with its get_last_error logged, async events injected among its
 *    events in timestamp order, its state dumped into a capture that
 *    replays to the same alerts, its metrics, its progress, a new
 *    init_config taken live at a reload (set_config, no restart), alone
 *    or beside syscall, and a restart when its open_params change too;
 *  - tp_tables: the threads table and its subtables read, fields of its own
 *    on threads and fds written and read back, a table of its own read by
 *    another plugin (tp_reader), a comm it writes seen by saker's rules;
 *  - --list-plugins, --plugin-info, --list of a plugin source, required
 *    plugin versions, rules of unknown sources and of fields a source does
 *    not have. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/plugins/pt_harness.h"

#define LIB(name) TP_DIR "/lib" name ".so"
#define CAPTURE SAKER_SOURCE_DIR "/tests/data/live_suite.scap.gz"

static const char clock_rules[] =
	"- rule: ticks\n"
	"  desc: every tick and async event\n"
	"  condition: evt.num > 0\n"
	"  output: 'T %evt.rawtime|%evt.is_async|%tpclock.n|%tpclock.async'\n"
	"  priority: WARNING\n"
	"  source: tpclock\n";

/* A configuration with the given plugins entries and more keys. */
static void config(const char *name, const char *entries, const char *more)
{
	char cfg[8192];

	snprintf(cfg, sizeof(cfg), "plugins:\n%s%sjson_output: false\nrule_matching: all\n", entries,
		 more ? more : "");
	pt_write(name, cfg);
}

static char *run_fail(const char *cfgname, const char *rules)
{
	char args[2048], *out, *err;

	pt_write("fail_rules.yaml", rules ? rules : "[]\n");
	snprintf(args, sizeof(args), "-c %s -r %s --dry-run", pt_path(cfgname),
		 pt_path("fail_rules.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 1);
	free(out);
	return err;
}

static void expect_error(const char *lib, const char *extra, const char *want)
{
	char entries[1024], *err;

	snprintf(entries, sizeof(entries), "  - name: b\n    library_path: %s\n%s", lib,
		 extra ? extra : "");
	config("broken.yaml", entries, NULL);
	err = run_fail("broken.yaml", NULL);
	if (!strstr(err, want))
		fail_msg("no '%s' in:\n%s", want, err);
	free(err);
}

static void test_broken(void **state)
{
	(void)state;
	expect_error(LIB("tp_broken_fail_init"), "    init_config: hello\n",
		     "plugin 'tpbroken' (" LIB("tp_broken_fail_init")
		     "): could not initialize plugin: tpbroken refuses to start: init_config was "
		     "'hello'");
	expect_error(LIB("tp_broken_api_major"), NULL,
		     "could not load plugin library '" LIB("tp_broken_api_major")
		     "': plugin required API version '4.0.0' not compatible with saker's plugin API "
		     "version '3.12.0': major versions disagree");
	expect_error(LIB("tp_broken_api_minor"), NULL,
		     "plugin required API version '3.99.0' not compatible with saker's plugin API "
		     "version '3.12.0': saker's minor is less than the requested one");
	expect_error(LIB("tp_broken_no_version"), NULL,
		     "could not load plugin library '" LIB("tp_broken_no_version")
		     "': required symbol not implemented: 'get_version'");
	expect_error(LIB("tp_broken_half_source"), NULL,
		     "broken plugin capabilities: must implement all of 'plugin_open', "
		     "'plugin_close', and 'plugin_next_batch' (event sourcing)");
	expect_error(LIB("tp_broken_bad_fields"), NULL, "get_fields: field tpbroken.x has no desc");
	expect_error(TP_DIR "/libnot_there.so", NULL,
		     "could not load plugin library '" TP_DIR
		     "/libnot_there.so': can't load plugin dynamic library");
	expect_error("../../../etc/x.so", NULL,
		     "plugin library_path '../../../etc/x.so' resolves outside the plugins directory");
	expect_error("sub/libnothere.so", NULL,
		     "could not load plugin library '/usr/share/falco/plugins/sub/libnothere.so'");
	{
		char *err;

		config("unknown.yaml", "  - name: a\n    library_path: " LIB("tp_clock") "\n",
		       "load_plugins: [nope]\n");
		err = run_fail("unknown.yaml", NULL);
		assert_non_null(strstr(err, "Cannot load plugin 'nope': plugin config not found for "
					    "given name"));
		free(err);
	}
}

static const char clock_entry[] =
	"  - name: tpclock\n"
	"    library_path: " LIB("tp_clock") "\n"
	"    init_config:\n"
	"      label: lbl\n"
	"      t0: 7\n";

static void test_clock_fields(void **state)
{
	char args[2048], entries[2048], *out, *err, **l, *p[16];
	size_t n;

	(void)state;
	snprintf(entries, sizeof(entries), "%s    open_params: '6,1000000000'\n", clock_entry);
	config("clock.yaml", entries, NULL);
	pt_write("clock_rules.yaml",
		 "- rule: fields\n"
		 "  desc: every tick's fields\n"
		 "  condition: tpclock.n >= 0 and tpclock.fail >= 0\n"
		 "  output: 'F %tpclock.n|%tpclock.text|%tpclock.words|%tpclock.nums|%tpclock.ip|"
		 "%tpclock.arg[foo]|%tpclock.arg[7]|%tpclock.label|%tpclock.even|%evt.rawtime|"
		 "%evt.source|%evt.pluginname'\n"
		 "  priority: WARNING\n"
		 "  source: tpclock\n"
		 "- rule: lists\n"
		 "  desc: list and address comparisons\n"
		 "  condition: tpclock.nums intersects (40, 77) or tpclock.ip = 10.0.0.5 or "
		 "tpclock.words contains tick\n"
		 "  output: 'L %tpclock.n'\n"
		 "  priority: NOTICE\n"
		 "  source: tpclock\n");
	snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall", pt_path("clock.yaml"),
		 pt_path("clock_rules.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	l = pt_lines(out, "Warning F ", &n);
	/* tick 3's tpclock.fail has no value (the plugin failed): no alert */
	assert_int_equal(n, 5);
	for (size_t k = 0; k < n; k++) {
		size_t i = k < 3 ? k : k + 1;
		char want[128];

		assert_int_equal(pt_split(l[k], p, 16), 12);
		assert_int_equal(strtoul(p[0], NULL, 10), i);
		snprintf(want, sizeof(want), "tick %zu", i);
		assert_string_equal(p[1], want);
		assert_string_equal(p[2], i % 2 ? "<NA>" : "(a,b,tick)");
		snprintf(want, sizeof(want), "(%zu,%zu,%zu)", i, i * 10, i * 100);
		assert_string_equal(p[3], want);
		snprintf(want, sizeof(want), "10.0.0.%zu", i);
		assert_string_equal(p[4], want);
		assert_string_equal(p[5], "key=foo index=-1 present=1");
		assert_string_equal(p[6], "key=7 index=7 present=1");
		assert_string_equal(p[7], "lbl");
		assert_string_equal(p[8], i % 2 ? "false" : "true");
		snprintf(want, sizeof(want), "%zu", 1000000000 + i * 1000);
		assert_string_equal(p[9], want);
		assert_string_equal(p[10], "tpclock");
		assert_string_equal(p[11], "tpclock");
	}
	pt_free_lines(l, n);
	l = pt_lines(out, "Notice L ", &n);
	/* even ticks (words), tick 4 (40 in its list), tick 5 (the address) */
	assert_int_equal(n, 4);
	assert_string_equal(l[0], "0");
	assert_string_equal(l[1], "2");
	assert_string_equal(l[2], "4");
	assert_string_equal(l[3], "5");
	pt_free_lines(l, n);
	assert_non_null(strstr(err, "plugin 'tpclock' could not extract tpclock.fail from event "));
	assert_non_null(strstr(err, "(further failures are only counted): tpclock: no value on tick 3"));
	assert_non_null(strstr(err, "extract failures 1"));
	assert_non_null(strstr(err, "tpclock: tpclock initialized"));
	assert_non_null(strstr(err, "source 'tpclock': read 100.00%, 6 of 6 ticks"));
	free(out);
	free(err);
}

/* append_output's suggested_output, as Falco 0.40's default entry: the
 * fields a plugin marks addOutput (tp_clock's tpclock.text) appended to
 * the outputs of its source's rules as `tpclock_text=%tpclock.text`; not
 * without the entry. */
static void test_suggested_output(void **state)
{
	static const char *const more[] = { "append_output:\n  - suggested_output: true\n",
					    "append_output:\n  - suggested_output: false\n" };
	char args[2048], entries[2048], *out, *err, **l;
	size_t n;

	(void)state;
	snprintf(entries, sizeof(entries), "%s    open_params: '3,1000000000'\n", clock_entry);
	pt_write("suggest_rules.yaml", "- rule: ticks\n  desc: d\n  condition: tpclock.n >= 0\n"
				       "  output: 'S %tpclock.n'\n  priority: WARNING\n"
				       "  source: tpclock\n");
	for (int k = 0; k < 2; k++) {
		config("suggest.yaml", entries, more[k]);
		snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall",
			 pt_path("suggest.yaml"), pt_path("suggest_rules.yaml"));
		assert_int_equal(pt_run(args, &out, &err), 0);
		l = pt_lines(out, "Warning S ", &n);
		assert_int_equal(n, 3);
		for (size_t i = 0; i < n; i++) {
			char want[64];

			if (k == 0)
				snprintf(want, sizeof(want), "%zu tpclock_text=tick %zu", i, i);
			else
				snprintf(want, sizeof(want), "%zu", i);
			assert_string_equal(l[i], want);
		}
		pt_free_lines(l, n);
		free(out);
		free(err);
	}
}

static void test_clock_schema(void **state)
{
	char *err;

	(void)state;
	config("schema1.yaml", "  - name: tpclock\n    library_path: " LIB("tp_clock") "\n"
	       "    init_config:\n      label: a label far longer than twenty\n", NULL);
	err = run_fail("schema1.yaml", NULL);
	assert_non_null(strstr(err, "error in plugin tpclock init config: In <root>[label], "
				    "string is longer than 20 characters"));
	free(err);
	config("schema2.yaml", "  - name: tpclock\n    library_path: " LIB("tp_clock") "\n"
	       "    init_config:\n      other: 1\n", NULL);
	err = run_fail("schema2.yaml", NULL);
	assert_non_null(strstr(err, "In <root>, property 'other' is not allowed"));
	free(err);
	config("schema3.yaml", "  - name: tpclock\n    library_path: " LIB("tp_clock") "\n"
	       "    init_config: 'not {json'\n", NULL);
	err = run_fail("schema3.yaml", NULL);
	assert_non_null(strstr(err, "error in plugin tpclock init config: init config is not "
				    "valid JSON"));
	free(err);
	config("schema4.yaml", "  - name: tpclock\n    library_path: " LIB("tp_clock") "\n"
	       "    init_config:\n      t0: -1\n", NULL);
	err = run_fail("schema4.yaml", NULL);
	assert_non_null(strstr(err, "In <root>[t0], value is less than the minimum of 0"));
	free(err);
}

/* tpclock with fixed times: ticks at T0 + 1000 i, its async events at
 * T0 + 500 + 2000 k: saker feeds them in time order. */
static void check_order(const char *out, size_t *nasync)
{
	char **l, *p[6];
	size_t n;
	unsigned long long last = 0;
	int k = 0;

	l = pt_lines(out, "Warning T ", &n);
	*nasync = 0;
	assert_true(n >= 10 + 5);
	for (size_t i = 0; i < n; i++) {
		unsigned long long ts;

		assert_int_equal(pt_split(l[i], p, 6), 4);
		ts = strtoull(p[0], NULL, 10);
		assert_true(ts >= last);
		last = ts;
		if (!strncmp(p[3], "tpclock_state:", 14))
			continue;	/* the dumped state, in a capture */
		if (!strcmp(p[1], "true")) {
			char want[64];

			snprintf(want, sizeof(want), "tpclock_async:async %d", k);
			assert_string_equal(p[3], want);
			assert_int_equal(ts, 1000000000ull + 500 + 2000ull * (unsigned)k);
			k++;
			(*nasync)++;
		} else {
			assert_string_equal(p[1], "false");
			assert_string_equal(p[3], "<NA>");
		}
	}
	pt_free_lines(l, n);
}

static void test_async_order_and_capture(void **state)
{
	char args[2048], entries[2048], *out, *err, *rout, *rerr, **l;
	size_t nasync, n;

	(void)state;
	snprintf(entries, sizeof(entries), "%s    open_params: '10,1000000000'\n", clock_entry);
	config("async.yaml", entries, NULL);
	pt_write("async_rules.yaml", clock_rules);
	snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall -w %s",
		 pt_path("async.yaml"), pt_path("async_rules.yaml"), pt_path("async.scap"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	check_order(out, &nasync);
	assert_int_equal(nasync, 5);
	assert_non_null(strstr(err, "async events queued 5, dropped 0, refused 0"));
	/* the capture holds the async events and the dumped state */
	pt_write("state_rules.yaml",
		 "- rule: state\n"
		 "  desc: the dumped state\n"
		 "  condition: evt.asynctype = tpclock_state\n"
		 "  output: 'D %tpclock.async'\n"
		 "  priority: INFO\n"
		 "  source: tpclock\n");
	snprintf(args, sizeof(args), "-c %s -r %s -r %s -e %s", pt_path("async.yaml"),
		 pt_path("async_rules.yaml"), pt_path("state_rules.yaml"), pt_path("async.scap"));
	assert_int_equal(pt_run(args, &rout, &rerr), 0);
	check_order(rout, &nasync);
	assert_int_equal(nasync, 5);
	l = pt_lines(rout, "Informational D ", &n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "tpclock_state:ticks 0");
	pt_free_lines(l, n);
	free(out);
	free(err);
	free(rout);
	free(rerr);
}

/* tpclock stamped by saker (T0 0) for a while: async events come from its
 * thread as time goes, its metrics reach the metrics output. */
static void test_live_async_and_metrics(void **state)
{
	char args[2048], *out, *err, *m, **l;
	size_t n;

	(void)state;
	{
		char cfg[4096];

		snprintf(cfg, sizeof(cfg),
			 "plugins:\n%s    open_params: '1000000,0,2000'\njson_output: false\n"
			 "metrics:\n  enabled: true\n  interval: 200ms\n  output_rule: false\n"
			 "  output_file: %s\n",
			 clock_entry, pt_path("metrics.json"));
		pt_write("live.yaml", cfg);
	}
	pt_write("async_rules.yaml", clock_rules);
	snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall -M 2",
		 pt_path("live.yaml"), pt_path("async_rules.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	l = pt_lines(out, "|true|", &n);
	assert_true(n >= 10);
	pt_free_lines(l, n);
	m = pt_read(pt_path("metrics.json"));
	assert_non_null(strstr(m, "\"plugins.tpclock.ticks\":"));
	assert_non_null(strstr(m, "\"plugins.tpclock.half\":"));
	free(m);
	free(out);
	free(err);
}

/* tpclock's configuration with label and open_params params. */
static void write_clock_config(const char *label, const char *params)
{
	char cfg[2048];

	snprintf(cfg, sizeof(cfg),
		 "plugins:\n  - name: tpclock\n    library_path: %s\n"
		 "    init_config:\n      label: %s\n    open_params: '%s'\n"
		 "json_output: false\nwatch_config_files: false\n",
		 LIB("tp_clock"), label, params);
	pt_write("setcfg.yaml", cfg);
}

/* One live run of tpclock with label one: the configuration rewritten
 * with label two, SIGHUP, and the plugin takes it (set_config) without a
 * restart; with other open_params too (restart), saker starts again with
 * the new configuration instead, as on any change beyond rules files and
 * init_config. Its source runs alone (syscall off) or beside syscall, in
 * an engine of its own (a sibling, with_syscall). */
static void set_config_run(bool with_syscall, bool restart)
{
	static const char rules[] = "- rule: label\n"
				    "  desc: the label of every tick\n"
				    "  condition: tpclock.n exists\n"
				    "  output: 'L %tpclock.label'\n"
				    "  priority: WARNING\n"
				    "  source: tpclock\n";
	char args[2048], *out, *err, **l;
	size_t n, first_two = 0;
	bool took, restarted;
	pid_t saker;

	write_clock_config("one", "1000000,0,20000");
	pt_write("setcfg_rules.yaml", rules);
	snprintf(args, sizeof(args), "-c %s -r %s%s", pt_path("setcfg.yaml"),
		 pt_path("setcfg_rules.yaml"), with_syscall ? "" : " --disable-source syscall");
	saker = pt_start(args, "source with plugin 'tpclock'", 30000);
	assert_true(saker > 0);
	usleep(300000);
	write_clock_config("two", restart ? "1000000,0,30000" : "1000000,0,20000");
	kill(saker, SIGHUP);
	usleep(restart ? 1500000 : 600000);
	assert_int_equal(pt_stop(saker, &out, &err), 0);
	took = strstr(err, "reload: plugin 'tpclock' took its new init_config");
	restarted = strstr(err, "restarting with it");
	if (took == restart || restarted != restart)
		fail_msg("%s expected:\n%s", restart ? "a restart" : "set_config alone", err);
	l = pt_lines(out, "Warning L ", &n);
	assert_true(n >= 2);
	assert_string_equal(l[0], "one");
	assert_string_equal(l[n - 1], "two");
	/* once two, never one again */
	while (first_two < n && strcmp(l[first_two], "two"))
		first_two++;
	for (size_t i = first_two; i < n; i++)
		assert_string_equal(l[i], "two");
	pt_free_lines(l, n);
	free(out);
	free(err);
}

static void test_live_set_config(void **state)
{
	(void)state;
	set_config_run(false, false);
	set_config_run(false, true);
	if (pt_can_watch())
		set_config_run(true, false);
}

static const char tables_entries[] =
	"  - name: tptables\n"
	"    library_path: " LIB("tp_tables") "\n"
	"  - name: tpreader\n"
	"    library_path: " LIB("tp_reader") "\n";

/* Every successful open of the capture: what tp_tables reads from the
 * tables agrees with saker's own fields, and its three counts (a field of
 * its own on threads, its own table, that table read by tp_reader) agree
 * and go up by one with each open of the thread. */
static void test_tables_replay(void **state)
{
	char args[2048], *out, *err, **l;
	size_t n;
	struct {
		long tid, count;
	} seen[4096];
	size_t nseen = 0;

	(void)state;
	config("tables.yaml", tables_entries, NULL);
	pt_write("tables_rules.yaml",
		 "- rule: opens\n"
		 "  desc: successful opens\n"
		 "  condition: evt.type in (open, openat, openat2) and evt.dir=< and evt.rawres >= 0\n"
		 "  output: 'T %thread.tid|%tp.opens|%tp.count|%tpr.count|%tp.fdtag|%tp.fdname|"
		 "%fd.name|%tp.comm|%proc.name|%tp.cwd|%proc.cwd|%tp.uid|%user.uid|%tp.argc|"
		 "%tp.args|%proc.args|%tp.nfds|%tp.env[PATH]|%proc.env[PATH]|%tp.cgroups'\n"
		 "  priority: WARNING\n");
	snprintf(args, sizeof(args), "-c %s -r %s -e %s", pt_path("tables.yaml"),
		 pt_path("tables_rules.yaml"), CAPTURE);
	assert_int_equal(pt_run(args, &out, &err), 0);
	l = pt_lines(out, "Warning T ", &n);
	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		char *p[24], tag[4200], args_joined[4200] = "", *a;
		long tid, count;
		size_t k, nparts;

		/* arguments may hold '|': then only the fields before them count */
		nparts = pt_split(l[i], p, 24);
		assert_true(nparts >= 13);	/* or a newline in them cut the line */
		tid = strtol(p[0], NULL, 10);
		count = strtol(p[1], NULL, 10);
		assert_string_equal(p[1], p[2]);
		assert_string_equal(p[1], p[3]);
		for (k = 0; k < nseen && seen[k].tid != tid; k++)
			;
		if (k == nseen) {
			assert_true(nseen < 4096);
			seen[nseen++].tid = tid;
			assert_int_equal(count, 1);
		} else {
			assert_int_equal(count, seen[k].count + 1);
		}
		seen[k].count = count;
		snprintf(tag, sizeof(tag), "opened:%s", p[5]);
		assert_string_equal(p[4], tag);
		assert_string_equal(p[5], p[6]);
		assert_string_equal(p[7], p[8]);
		assert_string_equal(p[9], p[10]);
		assert_string_equal(p[11], p[12]);
		if (nparts != 20)
			continue;
		/* proc.args: the arguments joined by spaces */
		a = p[14];
		if (a[0] == '(') {
			a++;
			a[strlen(a) - 1] = '\0';
			for (char *c = a; *c; c++)
				if (*c == ',')
					*c = ' ';
			snprintf(args_joined, sizeof(args_joined), "%s", a);
		}
		if (strcmp(p[13], "0") && !strchr(p[15], ','))
			assert_string_equal(args_joined, p[15]);
		assert_true(strtol(p[16], NULL, 10) >= 1);
		/* saker's proc.env[X] is "" for a variable the process lacks */
		assert_string_equal(strcmp(p[17], "<NA>") ? p[17] : "", p[18]);
	}
	pt_free_lines(l, n);
	assert_non_null(strstr(err, "parse failures 0, extract failures 0"));
	free(out);
	free(err);
}

/* A comm tp_tables writes is the one saker's rules see. */
static void test_table_write_visible(void **state)
{
	char args[2048], entries[1024], *out, *err, **l;
	size_t before, after, stale;

	(void)state;
	pt_write("comm_rules.yaml",
		 "- rule: sleep_opens\n"
		 "  desc: opens by sleep\n"
		 "  condition: evt.type=openat and evt.dir=< and evt.rawres >= 0 and proc.name=sleep\n"
		 "  output: 'S %proc.name'\n"
		 "  priority: WARNING\n"
		 "- rule: renamed_opens\n"
		 "  desc: opens by the renamed\n"
		 "  condition: evt.type=openat and evt.dir=< and evt.rawres >= 0 and proc.name=renamed\n"
		 "  output: 'R %proc.name'\n"
		 "  priority: WARNING\n");
	pt_write("nocomm.yaml", "json_output: false\nrule_matching: all\n");
	snprintf(args, sizeof(args), "-c %s -r %s -e %s", pt_path("nocomm.yaml"),
		 pt_path("comm_rules.yaml"), CAPTURE);
	assert_int_equal(pt_run(args, &out, &err), 0);
	l = pt_lines(out, "Warning S ", &before);
	pt_free_lines(l, before);
	assert_true(before > 0);
	free(out);
	free(err);
	snprintf(entries, sizeof(entries),
		 "  - name: tptables\n    library_path: " LIB("tp_tables") "\n"
		 "    init_config: {rename: sleep, to: renamed}\n");
	config("comm.yaml", entries, NULL);
	snprintf(args, sizeof(args), "-c %s -r %s -e %s", pt_path("comm.yaml"),
		 pt_path("comm_rules.yaml"), CAPTURE);
	assert_int_equal(pt_run(args, &out, &err), 0);
	l = pt_lines(out, "Warning R ", &after);
	pt_free_lines(l, after);
	l = pt_lines(out, "Warning S ", &stale);
	pt_free_lines(l, stale);
	assert_int_equal(after, before);
	assert_int_equal(stale, 0);
	free(out);
	free(err);
}

/* Live ground truth: a child with known arguments, environment and
 * working directory opens a file it names. */
static void test_tables_live(void **state)
{
	char args[2048], rules[2048], *out, *err, **l, *p[12];
	char dir[512];
	size_t n;
	pid_t saker, child;

	(void)state;
	if (!pt_can_watch())
		skip();
	config("tables.yaml", tables_entries, NULL);
	snprintf(dir, sizeof(dir), "%s", pt_dir());
	snprintf(rules, sizeof(rules),
		 "- rule: child_open\n"
		 "  desc: the child's open\n"
		 "  condition: evt.type=openat and evt.dir=< and proc.ppid=%d and fd.name endswith "
		 "/pt-target\n"
		 "  output: 'C %%tp.args|%%tp.argc|%%tp.env[PT_VAR]|%%tp.cwd|%%tp.fdtag|%%tp.opens|"
		 "%%tpr.count|%%tp.comm'\n"
		 "  priority: WARNING\n",
		 (int)getpid());
	pt_write("tables_live.yaml", rules);
	snprintf(args, sizeof(args), "-c %s -r %s", pt_path("tables.yaml"),
		 pt_path("tables_live.yaml"));
	saker = pt_start(args, "watching this machine", 30000);
	assert_true(saker > 0);
	child = fork();
	if (!child) {
		char *argv[] = { "/bin/sh", "-c", "exec cat ./pt-target > /dev/null", NULL };
		char *envp[] = { "PT_VAR=ground-truth", "PATH=/usr/bin:/bin", NULL };

		if (chdir(dir))
			_exit(1);
		close(open("pt-target", O_CREAT | O_WRONLY, 0600));
		execve(argv[0], argv, envp);
		_exit(1);
	}
	waitpid(child, NULL, 0);
	usleep(300000);
	assert_int_equal(pt_stop(saker, &out, &err), 0);
	l = pt_lines(out, "Warning C ", &n);
	/* the child's own open (creat) and cat's */
	assert_true(n >= 1);
	assert_int_equal(pt_split(l[n - 1], p, 12), 8);
	assert_string_equal(p[0], "(./pt-target)");
	assert_string_equal(p[1], "1");
	assert_string_equal(p[2], "ground-truth");
	{
		char want[600];

		snprintf(want, sizeof(want), "%s/", dir);
		assert_string_equal(p[3], want);
		snprintf(want, sizeof(want), "opened:%s/pt-target", dir);
		assert_string_equal(p[4], want);
	}
	assert_string_equal(p[6], p[5]);
	assert_string_equal(p[7], "cat");
	pt_free_lines(l, n);
	free(out);
	free(err);
}

static void test_listings(void **state)
{
	char args[2048], entries[2048], *out, *err;

	(void)state;
	snprintf(entries, sizeof(entries), "%s%s", clock_entry, tables_entries);
	config("list.yaml", entries, NULL);
	snprintf(args, sizeof(args), "-c %s --list-plugins", pt_path("list.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	assert_non_null(strstr(out, "3 Plugins Loaded:\n\nName: tpclock\nDescription: ticks for "
				    "saker's tests\nContact: saker tests\nVersion: 1.2.3\n"
				    "Capabilities: \n  - Event Sourcing (ID=1999, source='tpclock')\n"
				    "  - Field Extraction\n  - Async Events\n"));
	assert_non_null(strstr(out, "Name: tptables\n"));
	assert_non_null(strstr(out, "  - Event Parsing\n"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "-c %s --plugin-info tpclock", pt_path("list.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	assert_non_null(strstr(out, "Init config schema type: JSON\n{\"type\":\"object\""));
	assert_non_null(strstr(out, "Suggested open params:\n10,0: ten ticks, stamped by saker\n"
				    "5,1000000000\n"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "-c %s --plugin-info nope", pt_path("list.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 1);
	assert_non_null(strstr(err, "Error: can't find plugin and print its info: nope"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "-c %s --list tpclock -N", pt_path("list.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	assert_non_null(strstr(out, "\ntpclock.n\n"));
	assert_non_null(strstr(out, "evt.num\n"));
	assert_null(strstr(out, "proc.name"));
	assert_null(strstr(out, "tp.opens"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "-c %s --list syscall -N", pt_path("list.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 0);
	assert_non_null(strstr(out, "\ntp.opens\n"));
	assert_null(strstr(out, "tpclock.n"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "-c %s --list nope", pt_path("list.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 1);
	assert_non_null(strstr(err, "Value for --list must be a valid source type"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "-c %s --enable-source nope --dry-run", pt_path("list.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 1);
	assert_non_null(strstr(err, "Attempted enabling an unknown event source: nope"));
	free(out);
	free(err);
}

static void requires(const char *reqs, int status, const char *want)
{
	char args[2048], *out, *err, rules[2048];

	snprintf(rules, sizeof(rules), "- required_plugin_versions:\n%s%s", reqs, clock_rules);
	pt_write("req_rules.yaml", rules);
	snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall --dry-run",
		 pt_path("req.yaml"), pt_path("req_rules.yaml"));
	assert_int_equal(pt_run(args, &out, &err), status);
	if (want && !strstr(err, want))
		fail_msg("no '%s' in:\n%s", want, err);
	free(out);
	free(err);
}

static void test_required_versions(void **state)
{
	(void)state;
	config("req.yaml", clock_entry, NULL);
	requires("  - name: tpclock\n    version: 1.2.0\n", 0, NULL);
	requires("  - name: tpclock\n    version: 1.2.3\n", 0, NULL);
	requires("  - name: tpclock\n    version: 1.3.0\n", 1,
		 "Plugin 'tpclock' version '1.2.3' is not compatible with required plugin version "
		 "'1.3.0'");
	requires("  - name: tpclock\n    version: 0.9.0\n", 1,
		 "Plugin 'tpclock' version '1.2.3' is not compatible with required plugin version "
		 "'0.9.0'");
	requires("  - name: k8saudit\n    version: 0.1.0\n", 1,
		 "Plugin requirement not satisfied, must load one of: k8saudit (>= 0.1.0)");
	requires("  - name: k8saudit\n    version: 0.1.0\n    alternatives:\n"
		 "      - name: tpclock\n        version: 1.0.0\n", 0, NULL);
	requires("  - name: k8saudit\n    version: 0.1.0\n    alternatives:\n"
		 "      - name: k8s-other\n        version: 1.0.0\n", 1,
		 "must load one of: k8saudit (>= 0.1.0), k8s-other (>= 1.0.0)");
	requires("  - name: container\n    version: 0.1.0\n", 0, NULL);
}

static void test_rules_sources(void **state)
{
	char args[2048], *out, *err;

	(void)state;
	config("src.yaml", clock_entry, NULL);
	pt_write("src_rules.yaml",
		 "- rule: elsewhere\n"
		 "  desc: a source nothing provides\n"
		 "  condition: evt.num > 0\n"
		 "  output: x\n"
		 "  priority: INFO\n"
		 "  source: nope\n"
		 "- rule: wrong_field\n"
		 "  desc: a syscall field in a tpclock rule\n"
		 "  condition: proc.name = x\n"
		 "  output: x\n"
		 "  priority: INFO\n"
		 "  source: tpclock\n");
	snprintf(args, sizeof(args), "-c %s -r %s --disable-source syscall --dry-run",
		 pt_path("src.yaml"), pt_path("src_rules.yaml"));
	assert_int_equal(pt_run(args, &out, &err), 1);
	assert_non_null(strstr(err, "warning[LOAD_UNKNOWN_SOURCE]: Unknown source nope, skipping"));
	assert_non_null(strstr(err, "filter_check called with nonexistent field proc.name"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_clock_fields),
		cmocka_unit_test(test_suggested_output),
		cmocka_unit_test(test_clock_schema),
		cmocka_unit_test(test_async_order_and_capture),
		cmocka_unit_test(test_live_async_and_metrics),
		cmocka_unit_test(test_live_set_config),
		cmocka_unit_test(test_tables_replay),
		cmocka_unit_test(test_table_write_visible),
		cmocka_unit_test(test_tables_live),
		cmocka_unit_test(test_listings),
		cmocka_unit_test(test_required_versions),
		cmocka_unit_test(test_rules_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
