/* append_output from a falco.yaml, on a capture: an entry matching a rule
 * by name appends text with a field to that rule's output only; one
 * matching by tags touches only the rules having every tag; one without
 * match touches all; extra_fields add a formatted string and a bare field
 * with its own JSON type to output_fields (and not to the text), and a
 * field the output already has takes the extra's value; entries apply in
 * their order. A field that does not exist in extra_output is a load error
 * of the rule, as an output's would be; a malformed entry is a
 * configuration error naming the file and line. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/outputs/out_harness.h"

#define CAPTURE OH_CAPTURES "/curl_google.scap"

static char g_dir[128], g_rules[256], g_cfg[256];

static int setup(void **state)
{
	(void)state;
	oh_tmpdir(g_dir, sizeof(g_dir), "append");
	snprintf(g_rules, sizeof(g_rules), "%s/rules.yaml", g_dir);
	snprintf(g_cfg, sizeof(g_cfg), "%s/falco.yaml", g_dir);
	oh_write(g_rules, "- rule: opens\n"
			  "  desc: files curl opens\n"
			  "  condition: evt.type=open and evt.dir=< and proc.name=curl\n"
			  "  output: curl opened %fd.name\n"
			  "  priority: NOTICE\n"
			  "  tags: [files, t1, t2]\n"
			  "- rule: accesses\n"
			  "  desc: files curl checks\n"
			  "  condition: evt.type=access and evt.dir=< and proc.name=curl\n"
			  "  output: curl checked %evt.arg.name\n"
			  "  priority: INFO\n"
			  "  tags: [files, t1]\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	oh_rmdir(g_dir);
	return 0;
}

static void replay(const char *cfg_text, bool json, struct oh_run *r)
{
	const char *argv[] = { "-c", g_cfg, "-r", g_rules, "-e", CAPTURE, "-o",
			       json ? "json_output=true" : "json_output=false", NULL };

	oh_write(g_cfg, cfg_text);
	oh_saker(argv, NULL, r);
}

/* Lines of text with a, and of them those with b too. */
static void count2(const char *text, const char *a, const char *b, int *na, int *nb)
{
	const char *p = text;

	*na = *nb = 0;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, l);

		if (strstr(line, a)) {
			(*na)++;
			*nb += strstr(line, b) != NULL;
		}
		free(line);
		p += l + (nl != NULL);
	}
}

static void text_by_rule_tags_and_all(void **state)
{
	struct oh_run r;
	int na, nb;

	(void)state;
	replay("append_output:\n"
	       "  - match:\n"
	       "      rule: opens\n"
	       "    extra_output: \"pid=%proc.pid\"\n"
	       "  - match:\n"
	       "      tags: [t1, t2]\n"
	       "    extra_output: both-tags\n"
	       "  - match:\n"
	       "      tags: [t1, missing]\n"
	       "    extra_output: never\n"
	       "  - match:\n"
	       "      source: syscall\n"
	       "    extra_output: \"[%evt.type]\"\n"
	       "  - extra_output: last\n",
	       false, &r);
	assert_int_equal(r.status, 0);
	count2(r.out, ": Notice curl opened ", " pid=17497 both-tags [open] last", &na, &nb);
	assert_true(na > 0);
	assert_int_equal(na, nb);
	count2(r.out, ": Informational curl checked ", " [access] last", &na, &nb);
	assert_true(na > 0);
	assert_int_equal(na, nb);
	assert_int_equal(oh_count(r.out, "pid="), oh_count(r.out, "curl opened"));
	assert_int_equal(oh_count(r.out, "never"), 0);
	oh_run_release(&r);
}

static void extra_fields_in_json(void **state)
{
	struct oh_run r;
	int na, nb;

	(void)state;
	replay("append_output:\n"
	       "  - match:\n"
	       "      tags: [files]\n"
	       "    extra_fields:\n"
	       "      - who: \"%proc.name (%proc.pid)\"\n"
	       "      - proc.pid\n"
	       "      - fd.name: \"replaced\"\n",
	       true, &r);
	assert_int_equal(r.status, 0);
	count2(r.out, "\"rule\":\"opens\"", "\"who\":\"curl (17497)\",\"proc.pid\":17497,"
		      "\"fd.name\":\"replaced\"}", &na, &nb);
	assert_true(na > 0);
	assert_int_equal(na, nb);
	/* the output field of the same name is left out, the text keeps it */
	assert_int_equal(oh_count(r.out, "\"fd.name\":\"/"), 0);
	assert_true(oh_count(r.out, "curl opened /") > 0);
	count2(r.out, "\"rule\":\"accesses\"", "\"who\":\"curl (17497)\",\"proc.pid\":17497", &na,
	       &nb);
	assert_true(na > 0);
	assert_int_equal(na, nb);
	oh_run_release(&r);
}

static void bad_field_and_bad_entry(void **state)
{
	struct oh_run r;

	(void)state;
	replay("append_output:\n"
	       "  - match:\n"
	       "      rule: accesses\n"
	       "    extra_output: \"%proc.nosuchfield\"\n",
	       false, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "LOAD_ERR_COMPILE_OUTPUT"));
	assert_non_null(strstr(r.err, "proc.nosuchfield"));
	assert_non_null(strstr(r.err, "accesses"));
	oh_run_release(&r);
	replay("priority: debug\n"
	       "append_output:\n"
	       "  - match: [not, a, map]\n",
	       false, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "falco.yaml:3:"));
	assert_non_null(strstr(r.err, "append_output.match"));
	oh_run_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_by_rule_tags_and_all),
		cmocka_unit_test(extra_fields_in_json),
		cmocka_unit_test(bad_field_and_bad_entry),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
