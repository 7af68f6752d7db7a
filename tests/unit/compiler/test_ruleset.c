/* Tests of the compiled ruleset: IR sharing and folding, event-type sets,
 * the adaptive syscall set, load order of overrides and appends. Rules are
 * written inline; expectations follow from Falco's documented semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/common/shared_dir.h"

#include "compiler/fields.h"
#include "compiler/ruleset.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"

static struct ruleset *compile(const char *text, int expect_err)
{
	struct ruleset *rs;

	assert_int_equal(ruleset__new(&rs), 0);
	ruleset__load_text(rs, "test.yaml", text, strlen(text));
	assert_int_equal(ruleset__compile(rs) != 0, expect_err);
	return rs;
}

static const struct ruleset_rule *rule(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (!strcmp(rs->rules[i].src->name, name))
			return &rs->rules[i];
	fail_msg("no rule %s", name);
	return NULL;
}

static char *evttypes(const struct ruleset *rs, const char *name)
{
	static char buf[4096];
	struct strbuf sb = STRBUF_INIT;

	ruleset__format_evttypes(rule(rs, name), &sb);
	snprintf(buf, sizeof(buf), "%s", sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	return buf;
}

static bool has_syscall(const bool *mark, const char *name)
{
	int i = evt_schema_syscall_by_name(name);

	assert_true(i >= 0);
	return mark[i];
}

#define RULE(name, cond)                                                       \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: INFO\n"

static void shared_macro_is_one_node(void **state)
{
	struct ruleset *rs = compile(
		"- macro: shell\n  condition: proc.name in (bash, sh)\n"
		RULE("a", "evt.type = execve and shell")
		RULE("b", "evt.type = open and shell and fd.name startswith /etc"), 0);
	const struct ir_node *ra = rule(rs, "a")->root, *rb = rule(rs, "b")->root;
	const struct ir_node *sa = NULL, *sb = NULL;

	(void)state;
	assert_int_equal(ra->kind, IR_AND);
	assert_int_equal(rb->kind, IR_AND);
	for (uint32_t i = 0; i < ra->n; i++)
		if (ra->kids[i]->kind == IR_CMP && !strcmp(ra->kids[i]->lhs->fi->name, "proc.name"))
			sa = ra->kids[i];
	for (uint32_t i = 0; i < rb->n; i++)
		if (rb->kids[i]->kind == IR_CMP && !strcmp(rb->kids[i]->lhs->fi->name, "proc.name"))
			sb = rb->kids[i];
	assert_non_null(sa);
	assert_ptr_equal(sa, sb);
	assert_true(sa->uses >= 2);
	ruleset__free(rs);
}

static void folding(void **state)
{
	struct ruleset *rs = compile(
		RULE("empty_in", "evt.type = open and proc.name in ()")
		RULE("dup_or", "evt.type = open and (proc.name = a or proc.name = a)")
		RULE("merge_or", "evt.type = open or evt.type = openat or evt.type in (creat)")
		RULE("double_not", "evt.type = open and not not proc.name = a"), 0);

	(void)state;
	assert_int_equal(rule(rs, "empty_in")->root->kind, IR_CONST);
	assert_false(rule(rs, "empty_in")->root->val);
	assert_string_equal(rule(rs, "merge_or")->root->key,
			    "cmp evt.type in (\"creat\", \"open\", \"openat\")");
	/* a or a is a; not not a is a: both rules end as the same and-node */
	assert_ptr_equal(rule(rs, "dup_or")->root, rule(rs, "double_not")->root);
	ruleset__free(rs);
}

static void event_types(void **state)
{
	struct ruleset *rs = compile(
		RULE("one", "evt.type = execve and proc.name = a")
		RULE("none", "proc.name = a")
		RULE("negated", "not evt.type = execve")
		RULE("or", "evt.type in (open, openat) or evt.type = connect")
		RULE("generic", "evt.type = madvise")
		RULE("never", "evt.num = 0 and evt.type = open"), 0);

	(void)state;
	assert_string_equal(evttypes(rs, "one"), "one: execve");
	assert_string_equal(evttypes(rs, "none"), "none: all");
	assert_string_equal(evttypes(rs, "negated"), "negated: all");
	assert_string_equal(evttypes(rs, "or"), "or: connect,open,openat");
	assert_string_equal(evttypes(rs, "generic"), "generic: madvise");
	ruleset__free(rs);
}

static void syscall_set(void **state)
{
	struct ruleset *rs = compile(
		RULE("rd", "evt.type = read and fd.name = /etc/shadow")
		RULE("mad", "evt.type = madvise")
		"- rule: off\n  desc: d\n  condition: evt.type = ptrace\n  output: o\n"
		"  priority: INFO\n  enabled: false\n", 0);
	size_t n = evt_schema_syscall_count();
	bool *mark = mem_calloc(n, sizeof(*mark));

	(void)state;
	assert_non_null(mark);
	ruleset__syscalls(rs, false, mark);
	assert_false(has_syscall(mark, "read"));	/* heavy I/O: only with -A */
	assert_true(has_syscall(mark, "madvise"));
	assert_false(has_syscall(mark, "ptrace"));	/* disabled rule */
	assert_true(has_syscall(mark, "execve"));	/* base set */
	assert_true(has_syscall(mark, "close"));
	ruleset__syscalls(rs, true, mark);
	assert_true(has_syscall(mark, "read"));
	mem_free(mark);
	ruleset__free(rs);
}

static void overrides_and_appends(void **state)
{
	struct ruleset *rs = compile(
		"- list: l\n  items: [a]\n"
		"- list: l\n  items: [b]\n  override:\n    items: append\n"
		"- macro: m\n  condition: proc.name in (l)\n"
		RULE("r", "evt.type = open and m")
		"- rule: r\n  condition: and fd.name = x\n  override:\n    condition: append\n"
		"- rule: r\n  priority: ERROR\n  override:\n    priority: replace\n", 0);
	const struct ruleset_rule *r = rule(rs, "r");
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(r->src->priority, RL_PRIO_ERROR);
	ruleset__dump_ir(rs, &sb);
	assert_non_null(strstr(sb.buf, "cmp proc.name in (\"a\", \"b\")"));
	assert_non_null(strstr(sb.buf, "cmp fd.name = \"x\""));
	strbuf_release(&sb);
	ruleset__free(rs);
}

static void errors_do_not_stop_loading(void **state)
{
	struct ruleset *rs = compile(
		RULE("bad1", "evt.type = open and proc.nmae = a")
		RULE("good", "evt.type = open")
		RULE("bad2", "evt.type = opne"), 1);

	(void)state;
	assert_int_equal(rs->diags.nerr, 2);
	assert_non_null(rule(rs, "good")->root);
	assert_null(rule(rs, "bad1")->root);
	assert_null(rule(rs, "bad2")->root);
	ruleset__free(rs);
}

/* Both official sets load without an error: the current one without a
 * warning either, the 3.2.0 one (what Falco 0.40 loads) with a deprecation
 * warning per %container.info, which stands for nothing in outputs. */
static void official_rule_sets_load(void **state)
{
	SKIP_WITHOUT_SHARED();
	static const char *const files[2][3] = {
		{ SAKER_SHARED_DIR "/falco/rules/falco_rules.yaml",
		  SAKER_SHARED_DIR "/falco/rules/falco-incubating_rules.yaml",
		  SAKER_SHARED_DIR "/falco/rules/falco-sandbox_rules.yaml" },
		{ SAKER_SHARED_DIR "/falco/rules-3.2.0/falco_rules.yaml",
		  SAKER_SHARED_DIR "/falco/rules-3.2.0/falco-incubating_rules.yaml",
		  SAKER_SHARED_DIR "/falco/rules-3.2.0/falco-sandbox_rules.yaml" },
	};

	(void)state;
	for (int set = 0; set < 2; set++) {
		struct ruleset *rs;
		size_t deprecated = 0, other = 0;

		assert_int_equal(ruleset__new(&rs), 0);
		for (int i = 0; i < 3; i++)
			ruleset__load_file(rs, files[set][i]);
		assert_int_equal(ruleset__compile(rs), 0);
		assert_int_equal(rs->diags.nerr, 0);
		for (size_t i = 0; i < rs->diags.n; i++) {
			if (rs->diags.items[i]->code == DIAG_LOAD_DEPRECATED_ITEM)
				deprecated++;
			else
				other++;
		}
		assert_int_equal(other, 0);
		if (set == 0)
			assert_int_equal(deprecated, 0);
		else
			assert_true(deprecated > 0);
		assert_true(rs->nrules > 50);
		ruleset__free(rs);
	}
}

/* saker's own ruleset loads without an error or a warning, and the tuning
 * the README shows (exception values appended, a list extended) applies
 * cleanly on top of it. */
static void default_ruleset_loads_clean(void **state)
{
	static const char tuning[] =
		"- rule: Binary directory written\n"
		"  exceptions:\n"
		"    - name: proc_writes_file\n"
		"      values: [[my-updater, /usr/local/bin/my-tool]]\n"
		"  override:\n"
		"    exceptions: append\n"
		"- list: saker_package_managers\n"
		"  items: [my-pkg]\n"
		"  override:\n"
		"    items: append\n";
	struct ruleset *rs;

	(void)state;
	assert_int_equal(ruleset__new(&rs), 0);
	ruleset__load_file(rs, SAKER_SOURCE_DIR "/rules/saker_rules.yaml");
	ruleset__load_text(rs, "tuning.yaml", tuning, strlen(tuning));
	assert_int_equal(ruleset__compile(rs), 0);
	assert_int_equal(rs->diags.n, 0);
	assert_true(rs->nrules >= 30);
	ruleset__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shared_macro_is_one_node),
		cmocka_unit_test(folding),
		cmocka_unit_test(event_types),
		cmocka_unit_test(syscall_set),
		cmocka_unit_test(overrides_and_appends),
		cmocka_unit_test(errors_do_not_stop_loading),
		cmocka_unit_test(official_rule_sets_load),
		cmocka_unit_test(default_ruleset_loads_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
