/* The configuration (runtime/config.c) on real files: Falco 0.40's own
 * falco.yaml loads with no unknown key; each refused key and each bad
 * value is an error naming the key and its file:line:col; config_files
 * merge in order; -o sets nested keys, list items and YAML maps; rules
 * directories give their .yaml files in name order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "compiler/ydoc.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/config_rules.h"
#include "compiler/ruleset.h"

#define FALCO_YAML SAKER_SOURCE_DIR "/tests/data/config/falco-0.40.yaml"

static char g_dir[] = "/tmp/saker-config-XXXXXX";

static const char *path_of(const char *name)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", g_dir, name);
	return buf[k];
}

static const char *write_file(const char *name, const char *text)
{
	const char *p = path_of(name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

/* c: zeroed or loaded before */
static int load(struct config *c, const char *path, const char *const *o, size_t n, char *err)
{
	return config_load(c, path, o, n, err, 1024);
}

static void test_falco_default_yaml(void **state)
{
	struct config c = { 0 };
	char err[1024];

	assert_int_equal(load(&c, FALCO_YAML, NULL, 0, err), 0);
	assert_string_equal(config_get_str(&c, "engine.kind"), "modern_ebpf");
	assert_int_equal(config_get_int(&c, "falco_libs.thread_table_size"), 262144);
	assert_int_equal(c.thread_table_size, 262144);
	assert_true(config_get_bool(&c, "webserver.enabled"));
	assert_int_equal(config_get_int(&c, "webserver.listen_port"), 8765);
	assert_int_equal(config_list_len(&c, "container_engines.cri.sockets"), 3);
	assert_string_equal(config_list_str(&c, "container_engines.cri.sockets", 1),
			    "/run/crio/crio.sock");
	assert_string_equal(config_get_str(&c, "plugins[1].name"), "cloudtrail");
	assert_int_equal(c.nrules_files, 3);
	assert_string_equal(c.rules_files[2], "/etc/falco/rules.d");
	assert_true(config_get_num(&c, "syscall_event_drops.threshold") > 0.09);
	assert_int_equal((int)c.ring_bytes, 8 << 20);
	/* ${HOME} is expanded as Falco expands it */
	{
		char want[512];

		snprintf(want, sizeof(want), "%s/.falco/falco-bpf.o", getenv("HOME") ? getenv("HOME") : "");
		assert_string_equal(config_get_str(&c, "engine.ebpf.probe"), want);
	}
	config_release(&c);
}

/* Each refused value: the error names the file, line, column and key. */
static void test_refused_keys(void **state)
{
	static const struct { const char *yaml, *where, *key; } cases[] = {
		{ "grpc:\n  enabled: true\n", ":2:12: ", "grpc.enabled" },
		{ "grpc_output:\n  enabled: true\n", ":2:12: ", "grpc_output.enabled" },
		{ "engine:\n  kind: modern_ebpf\n  modern_ebpf:\n    drop_failed_exit: true\n", ":4:23: ",
		  "engine.modern_ebpf.drop_failed_exit" },
		{ "buffer_format_base64: true\n", ":1:23: ", "buffer_format_base64" },
		{ "libs_logger:\n  enabled: true\n", ":2:12: ", "libs_logger.enabled" },
		{ "base_syscalls:\n  custom_set: [open]\n", ":2:15: ", "base_syscalls.custom_set" },
		{ "base_syscalls:\n  repair: true\n", ":2:11: ", "base_syscalls.repair" },
		{ "rules:\n  - disable: {rule: '*'}\n    enable: {tag: x}\n", ":2:5: ", "rules" },
		{ "rules:\n  - stop: {rule: x}\n", ":2:5: ", "rules" },
		{ "rules:\n  - enable: {name: x}\n", ":2:14: ", "rules" },
		{ "engine:\n  kind: ebpf\n", ":2:9: ", "engine.kind" },
		{ "engine:\n  kind: gvisor\n", ":2:9: ", "engine.kind" },
		{ "engine:\n  kind: replay\n", ":2:9: ", "engine.replay.capture_file" },
		{ "json_outptu: true\n", ":1:1: ", "json_outptu" },
		{ "webserver:\n  listen_port: 70000\n", ":2:16: ", "webserver.listen_port" },
		{ "webserver:\n  listen_address: nowhere\n", ":2:19: ", "webserver.listen_address" },
		{ "priority: loud\n", ":1:11: ", "priority" },
		{ "rule_matching: some\n", ":1:16: ", "rule_matching" },
		{ "json_output: maybe\n", ":1:14: ", "json_output" },
		{ "file_output:\n  enabled: true\n", ":2:12: ", "file output enabled but no filename" },
		{ "metrics:\n  enabled: true\n  interval: 15\n  output_rule: true\n", ":3:13: ",
		  "metrics.interval" },
		{ "metrics:\n  enabled: true\n  interval: 1h\n  output_rule: false\n", ":2:12: ",
		  "metrics" },
		{ "rules_files: [a]\nrules_file: [b]\n", ":2:13: ", "rules_file" },
		{ "webserver: 3\n", ":1:12: ", "webserver" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config c = { 0 };
		char err[1024], where[600];
		const char *p = write_file("refused.yaml", cases[i].yaml);

		assert_int_not_equal(load(&c, p, NULL, 0, err), 0);
		snprintf(where, sizeof(where), "%s%s", p, cases[i].where);
		print_message("%s\n", err);
		assert_non_null(strstr(err, where));
		assert_non_null(strstr(err, cases[i].key));
		/* a failed load leaves the defaults */
		assert_true(c.stdout_output);
		config_release(&c);
	}
}

static void test_broken_yaml(void **state)
{
	struct config c = { 0 };
	char err[1024], where[600];
	const char *p = write_file("broken.yaml", "json_output: true\nrules_files: [a, b\npriority: x\n");

	assert_int_not_equal(load(&c, p, NULL, 0, err), 0);
	snprintf(where, sizeof(where), "%s:3:", p);
	assert_non_null(strstr(err, where));
	assert_non_null(strstr(err, "expected ','"));
	p = write_file("list.yaml", "- a\n- b\n");
	assert_int_not_equal(load(&c, p, NULL, 0, err), 0);
	assert_non_null(strstr(err, "expected a map of configuration keys"));
	assert_int_equal(load(&c, path_of("missing.yaml"), NULL, 0, err), -2 /* ENOENT */);
	config_release(&c);
}

/* config_files: files and directories (their files in name order) after
 * the main file, in order; each top-level key replaces the one before;
 * -o comes last. */
static void test_config_files(void **state)
{
	struct config c = { 0 };
	char err[1024], main_yaml[1024], extra[600];
	const char *o[] = { "priority=error" };

	mkdir(path_of("conf.d"), 0755);
	write_file("conf.d/20-b.yaml", "priority: notice\nfile_output:\n  keep_alive: true\n");
	write_file("conf.d/10-a.yaml", "priority: warning\njson_output: true\n");
	write_file("conf.d/README", "time_format_iso_8601: true\n");
	write_file("last.yaml", "file_output:\n  filename: /tmp/x\n");
	snprintf(main_yaml, sizeof(main_yaml),
		 "config_files:\n  - %s\n  - %s\n  - %s\npriority: debug\n"
		 "file_output:\n  enabled: false\n  keep_alive: false\n",
		 path_of("conf.d"), path_of("nope.d"), path_of("last.yaml"));
	write_file("main.yaml", main_yaml);
	assert_int_equal(load(&c, path_of("main.yaml"), NULL, 0, err), 0);
	assert_string_equal(config_get_str(&c, "priority"), "notice");	/* 20-b after 10-a */
	assert_true(c.json_output);					/* 10-a */
	assert_true(c.time_format_iso_8601);				/* every file of the dir */
	/* last.yaml's file_output replaced 20-b's whole map */
	assert_false(config_get_bool(&c, "file_output.keep_alive"));
	assert_string_equal(config_get_str(&c, "file_output.filename"), "/tmp/x");
	assert_int_equal(c.nfiles, 5);
	assert_string_equal(c.files[1], path_of("conf.d/10-a.yaml"));
	assert_string_equal(c.files[3], path_of("conf.d/README"));
	/* -o wins over every file */
	assert_int_equal(load(&c, path_of("main.yaml"), o, 1, err), 0);
	assert_int_equal(c.min_priority, RL_PRIO_ERROR);
	/* -o config_files names the files to include */
	write_file("plain.yaml", "json_output: false\n");
	write_file("extra.yaml", "json_output: true\n");
	snprintf(extra, sizeof(extra), "config_files=%s", path_of("extra.yaml"));
	{
		const char *o2[] = { extra };

		assert_int_equal(load(&c, path_of("plain.yaml"), o2, 1, err), 0);
		assert_true(c.json_output);
	}
	/* an included file cannot include */
	snprintf(main_yaml, sizeof(main_yaml), "config_files: [%s]\n", path_of("nested.yaml"));
	write_file("nested.yaml", "config_files: [/tmp]\n");
	write_file("main2.yaml", main_yaml);
	assert_int_not_equal(load(&c, path_of("main2.yaml"), NULL, 0, err), 0);
	assert_non_null(strstr(err, "nested.yaml:1:1: config_files in an included file"));
	/* nor the main one include itself */
	snprintf(main_yaml, sizeof(main_yaml), "config_files: [%s]\n", path_of("self.yaml"));
	write_file("self.yaml", main_yaml);
	assert_int_not_equal(load(&c, path_of("self.yaml"), NULL, 0, err), 0);
	assert_non_null(strstr(err, "includes the main file"));
	config_release(&c);
}

static void test_overrides(void **state)
{
	struct config c = { 0 };
	char err[1024];
	const char *o[] = {
		"container_engines.cri.sockets[1]=/run/other.sock",
		"plugins[0].name=json",
		"plugins[0].library_path=libjson.so",
		"plugins[0].init_config={maxEventSize: 10, list: [a, b]}",
		"webserver={enabled: true, listen_port: 9001}",
		"rules_files[]=/r/one.yaml",
		"rules_files[]=/r/two.yaml",
		"engine.modern_ebpf.buf_size_preset=2",
		"json_output=true",
	};

	assert_int_equal(load(&c, FALCO_YAML, o, sizeof(o) / sizeof(o[0]), err), 0);
	assert_string_equal(config_list_str(&c, "container_engines.cri.sockets", 1), "/run/other.sock");
	assert_string_equal(config_list_str(&c, "container_engines.cri.sockets", 2),
			    "/run/k3s/containerd/containerd.sock");
	assert_string_equal(config_get_str(&c, "plugins[0].name"), "json");
	assert_string_equal(config_get_str(&c, "plugins[0].init_config.list[1]"), "b");
	assert_int_equal(config_get_int(&c, "plugins[0].init_config.maxEventSize"), 10);
	assert_int_equal(config_get_int(&c, "webserver.listen_port"), 9001);
	/* the map replaced the file's: the rest takes the defaults */
	assert_string_equal(config_get_str(&c, "webserver.listen_address"), "0.0.0.0");
	assert_int_equal(c.nrules_files, 5);
	assert_string_equal(c.rules_files[4], "/r/two.yaml");
	assert_int_equal((int)c.ring_bytes, 2 << 20);
	assert_true(c.json_output);
	{
		char where[64];

		config_where(&c, "json_output", where, sizeof(where));
		assert_string_equal(where, "-o json_output=true");
		config_where(&c, "priority", where, sizeof(where));
		assert_non_null(strstr(where, "falco-0.40.yaml:40:11"));
	}
	/* bad overrides */
	{
		static const struct { const char *o, *msg; } bad[] = {
			{ "json_output", "expected KEY=VALUE" },
			{ "plugins[7].name=x", "index 7 is past the end of the list" },
			{ "plugins[x].name=x", "expected a list index" },
			{ "json_output.x=1", "not a map" },
			{ "webserver={enabled: [}", "not a YAML map" },
			{ "webserver.nope=1", "unknown configuration key 'webserver.nope'" },
			{ "a..b=1", "expected a key name" },
			{ "metrics.interval=1h", NULL },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			const char *one[] = { bad[i].o };
			int rc = load(&c, FALCO_YAML, one, 1, err);

			if (!bad[i].msg) {
				assert_int_equal(rc, 0);
				continue;
			}
			print_message("%s\n", err);
			assert_int_not_equal(rc, 0);
			assert_non_null(strstr(err, bad[i].o));
			assert_non_null(strstr(err, bad[i].msg));
		}
	}
	config_release(&c);
}

static void test_env_and_defaults(void **state)
{
	struct config c = { 0 };
	char err[1024];
	const char *p;

	setenv("SAKER_TEST_FILE", "/tmp/alerts.txt", 1);
	p = write_file("env.yaml", "file_output:\n  enabled: true\n  filename: ${SAKER_TEST_FILE}\n"
				   "http_output:\n  url: \"$${NOT_EXPANDED}/x${SAKER_UNSET_VAR}\"\n");
	assert_int_equal(load(&c, p, NULL, 0, err), 0);
	assert_string_equal(c.file_output_filename, "/tmp/alerts.txt");
	assert_string_equal(config_get_str(&c, "http_output.url"), "${NOT_EXPANDED}/x");
	/* keys of other parts read through the tree, with the table's defaults */
	assert_string_equal(config_get_str(&c, "http_output.ca_path"), "/etc/ssl/certs");
	assert_int_equal(config_get_int(&c, "output_timeout"), 2000);
	assert_int_equal(config_list_len(&c, "container_engines.cri.sockets"), 3);
	assert_string_equal(config_list_str(&c, "container_engines.cri.sockets", 0),
			    "/run/containerd/containerd.sock");
	assert_null(config_get(&c, "grpc"));
	config_release(&c);
	/* no file at all: the defaults */
	assert_int_equal(load(&c, NULL, NULL, 0, err), 0);
	assert_true(config_get_bool(&c, "watch_config_files"));
	assert_int_equal(c.nrules_files, 0);
	config_release(&c);
}

static void test_durations(void **state)
{
	assert_int_equal(config_parse_duration("1h30m20s10ms"), 5420010);
	assert_int_equal(config_parse_duration("15m"), 900000);
	assert_int_equal(config_parse_duration("100ms"), 100);
	assert_int_equal(config_parse_duration("1y"), 31536000000ull);
	assert_int_equal(config_parse_duration("2w1d"), 15ull * 86400000);
	assert_int_equal(config_parse_duration("5000"), 0);
	assert_int_equal(config_parse_duration("1s1h"), 0);	/* units out of order */
	assert_int_equal(config_parse_duration("1x"), 0);
	assert_int_equal(config_parse_duration(""), 0);
}

static void test_rules_dirs(void **state)
{
	char e0[512], e1[512], e2[512];
	const char *entries[3] = { e0, e1, e2 };
	char **out, err[256];
	size_t n;

	mkdir(path_of("rules.d"), 0755);
	write_file("rules.d/b.yaml", "[]\n");
	write_file("rules.d/a.yml", "[]\n");
	write_file("rules.d/c.yaml.bak", "[]\n");
	write_file("rules.d/00.yaml", "[]\n");
	write_file("first.yaml", "[]\n");
	snprintf(e0, sizeof(e0), "%s", path_of("first.yaml"));
	snprintf(e1, sizeof(e1), "%s", path_of("rules.d"));
	snprintf(e2, sizeof(e2), "%s", path_of("missing.yaml"));
	assert_int_equal(config_expand_rules(entries, 3, true, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(out[0], path_of("first.yaml"));
	assert_string_equal(out[1], path_of("rules.d/00.yaml"));
	assert_string_equal(out[2], path_of("rules.d/a.yml"));
	assert_string_equal(out[3], path_of("rules.d/b.yaml"));
	for (size_t i = 0; i < n; i++)
		mem_free(out[i]);
	mem_free(out);
	/* -r names what must exist: a missing file stays for the loader to report */
	assert_int_equal(config_expand_rules(entries, 3, false, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		mem_free(out[i]);
	mem_free(out);
}

/* rules: entries after the files, in order, by name wildcard and tag. */
static void test_rule_selection(void **state)
{
	static const char rules_text[] =
		"- rule: Shell in a box\n  desc: x\n  condition: evt.type=execve\n  output: x\n"
		"  priority: INFO\n  tags: [shell]\n"
		"- rule: Shell in a tent\n  desc: x\n  condition: evt.type=execve\n  output: x\n"
		"  priority: INFO\n  enabled: false\n"
		"- rule: Network tool\n  desc: x\n  condition: evt.type=connect\n  output: x\n"
		"  priority: INFO\n  tags: [network, shell]\n";
	struct config c = { 0 };
	struct ruleset *rs;
	char err[1024];
	const char *p = write_file("select.yaml",
				   "rules:\n  - disable:\n      rule: '*'\n  - enable:\n"
				   "      rule: Shell in a *\n  - disable:\n      tag: network\n");

	assert_int_equal(load(&c, p, NULL, 0, err), 0);
	assert_int_equal(ruleset__new(&rs), 0);
	assert_int_equal(ruleset__load_text(rs, "r.yaml", rules_text, sizeof(rules_text) - 1), 0);
	assert_int_equal(ruleset__compile(rs), 0);
	config_rules_apply(&c, rs);
	assert_true(rs->rules[0].src->enabled);
	assert_true(rs->rules[1].src->enabled);	/* disabled in its file, enabled here */
	assert_false(rs->rules[2].src->enabled);
	ruleset__free(rs);
	config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_falco_default_yaml),
		cmocka_unit_test(test_refused_keys),
		cmocka_unit_test(test_broken_yaml),
		cmocka_unit_test(test_config_files),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_env_and_defaults),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_rules_dirs),
		cmocka_unit_test(test_rule_selection),
	};
	int rc;

	if (!mkdtemp(g_dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
		if (system(cmd))
			rc = rc ? rc : 1;
	}
	return rc;
}
