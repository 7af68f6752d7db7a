/* test_conformance: Falco's legacy rule-loading conformance suite
 * (SAKER_SHARED_DIR/falco/conformance: falco_tests.yaml and
 * falco_tests_exceptions.yaml) run against the rule compiler. Every case of
 * the `trace_files` mapping becomes one cmocka test named after it. Cases that
 * loading alone decides (validate_rules_file with validate_errors,
 * validate_warnings, validate_ok, exit_status, and rules_events) are run: the
 * files go into one ruleset, which is compiled, and its diagnostics and
 * per-rule event types are compared with the case. Every other case needs a
 * trace file or a running engine and is reported as skipped, with the reason.
 * Expected results come only from the YAML files. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/common/shared_dir.h"

#include "compiler/ruleset.h"
#include "compiler/ydoc.h"
#include "runtime/base/arena.h"
#include "runtime/base/diag.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"

#ifndef SAKER_SHARED_DIR
#define SAKER_SHARED_DIR "/work/shared"
#endif

#define CONF_DIR SAKER_SHARED_DIR "/falco/conformance"

static const char *const suite_files[] = {
	"falco_tests.yaml",
	"falco_tests_exceptions.yaml",
};

struct conf_case {
	const char *name;
	const char *suite;		/* YAML file the case comes from */
	const struct ydoc_node *node;	/* the case's mapping */
	const char *skip;		/* why it is not run; NULL when it is */
};

/* ---- YAML helpers ---- */

static const char *scalar_str(const struct ydoc_node *n)
{
	return n && n->kind == YDOC_SCALAR ? n->str : NULL;
}

/* A key that holds either one scalar or a sequence of them. */
static size_t items_count(const struct ydoc_node *n)
{
	if (!n)
		return 0;
	if (n->kind == YDOC_SCALAR)
		return 1;
	if (n->kind == YDOC_SEQ)
		return n->n;
	return 0;
}

static const struct ydoc_node *items_at(const struct ydoc_node *n, size_t i)
{
	return n->kind == YDOC_SCALAR ? n : n->kids[i];
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : (path ? path : "");
}

/* path names the file `want` (given relative to the conformance dir, or by
 * its base name as validate_ok does). */
static bool path_is(const char *path, const char *want)
{
	size_t lp, lw;

	if (!path || !want)
		return false;
	lp = strlen(path);
	lw = strlen(want);
	if (lp == lw)
		return !strcmp(path, want);
	return lp > lw && path[lp - lw - 1] == '/' && !strcmp(path + lp - lw, want);
}

/* ---- reading the suite ---- */

static int read_text(struct arena *a, const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long sz;
	int err = 0;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		err = -EIO;
		goto out;
	}
	buf = arena_alloc(a, (size_t)sz + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		err = -EIO;
		goto out;
	}
	*out = buf;
	*len = (size_t)sz;
out:
	fclose(f);
	return err;
}

/* Keys of the case other than `except`, comma separated. */
static void case_keys(struct strbuf *sb, const struct ydoc_node *c, const char *except)
{
	bool first = true;

	for (size_t i = 0; i < c->n; i++) {
		const char *k = scalar_str(c->kids[2 * i]);

		if (!k || (except && !strcmp(k, except)))
			continue;
		strbuf_printf(sb, "%s%s", first ? "" : ", ", k);
		first = false;
	}
}

/* NULL when loading alone decides the case, else why it is skipped. */
static const char *skip_reason(struct arena *a, const struct ydoc_node *c)
{
	const struct ydoc_node *files = ydoc_map_get(c, "validate_rules_file");
	const char *trace = scalar_str(ydoc_map_get(c, "trace_file"));
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	if (items_count(files)) {
		for (size_t i = 0; i < items_count(files); i++) {
			const char *f = scalar_str(items_at(files, i));

			if (f && (!strncmp(f, "rules/k8s_audit/", 16) || strstr(f, "/k8s_audit/")))
				return "k8s_audit source";
		}
		return NULL;
	}
	if (trace) {
		strbuf_printf(&sb, "needs trace file %s (checks ", trace);
		case_keys(&sb, c, "trace_file");
		strbuf_adds(&sb, ")");
	} else {
		strbuf_adds(&sb, "needs a running engine (checks ");
		case_keys(&sb, c, NULL);
		strbuf_adds(&sb, ")");
	}
	r = sb.buf ? arena_strdup(a, sb.buf) : "not decided by loading";
	strbuf_release(&sb);
	return r ? r : "not decided by loading";
}

static int load_suite(struct arena *a, struct diag_list *dl, const char *file,
		      struct conf_case **cases, size_t *ncases, size_t *cap)
{
	char *path = arena_printf(a, "%s/%s", CONF_DIR, file);
	const struct ydoc_node *root, *mux;
	struct ydoc *doc;
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!path)
		return -ENOMEM;
	err = read_text(a, path, &text, &len);
	if (err) {
		fprintf(stderr, "conformance: read %s: %s\n", path, strerror(-err));
		return err;
	}
	err = ydoc_parse(path, text, len, NULL, a, dl, &doc);
	if (err) {
		fprintf(stderr, "conformance: parse %s: %s\n", path, strerror(-err));
		return err;
	}
	root = doc->ndocs ? doc->docs[0] : NULL;
	mux = root && root->kind == YDOC_MAP ? ydoc_map_get(root, "trace_files") : NULL;
	if (!mux || mux->kind != YDOC_MAP) {
		fprintf(stderr, "conformance: %s: no trace_files mapping\n", path);
		return -EINVAL;
	}
	for (size_t i = 0; i < mux->n; i++) {
		const char *name = scalar_str(mux->kids[2 * i]);
		const struct ydoc_node *c = mux->kids[2 * i + 1];
		struct conf_case *cc;

		if (!name || !c || c->kind != YDOC_MAP) {
			fprintf(stderr, "conformance: %s: case %zu is not a mapping\n", path, i);
			return -EINVAL;
		}
		if (*ncases == *cap) {
			size_t ncap = *cap ? *cap * 2 : 64;
			struct conf_case *nc = mem_reallocarray(*cases, ncap, sizeof(*nc));

			if (!nc)
				return -ENOMEM;
			*cases = nc;
			*cap = ncap;
		}
		cc = &(*cases)[(*ncases)++];
		cc->name = name;
		cc->suite = file;
		cc->node = c;
		cc->skip = skip_reason(a, c);
	}
	return 0;
}

/* ---- checks ---- */

static void print_diag(struct strbuf *sb, const struct diag *d)
{
	strbuf_printf(sb, "    %s %s", diag_code_is_error(d->code) ? "error" : "warning",
		      diag_code_name(d->code));
	for (unsigned i = 0; i < d->nlocs; i++) {
		const struct diag_loc *l = &d->locs[i];

		strbuf_printf(sb, "%s%s '%s' @ %s:%u", i ? " > " : " [",
			      l->item_type ? l->item_type : "(null)",
			      l->item_name ? l->item_name : "(null)", base_name(l->pos.file),
			      l->pos.line);
	}
	strbuf_printf(sb, "%s: %s\n", d->nlocs ? "]" : "", d->msg ? d->msg : "");
}

static bool diag_at(const struct diag *d, const char *type, const char *name)
{
	for (unsigned i = 0; i < d->nlocs; i++) {
		const struct diag_loc *l = &d->locs[i];

		if (l->item_type && !strcmp(l->item_type, type) &&
		    !strcmp(l->item_name ? l->item_name : "", name))
			return true;
	}
	return false;
}

/* Every expected diagnostic in `list` (validate_errors or
 * validate_warnings) must match an actual one of the same severity. */
static void check_diags(struct strbuf *prob, const struct diag_list *dl,
			   const struct ydoc_node *list, bool want_err, const char *key)
{
	if (!list)
		return;
	if (list->kind != YDOC_SEQ) {
		strbuf_printf(prob, "  %s is not a sequence\n", key);
		return;
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct ydoc_node *e = list->kids[i];
		const char *code, *type, *name, *msg;
		bool found = false;

		if (!e || e->kind != YDOC_MAP) {
			strbuf_printf(prob, "  %s[%zu] is not a mapping\n", key, i);
			continue;
		}
		code = scalar_str(ydoc_map_get(e, "code"));
		type = scalar_str(ydoc_map_get(e, "item_type"));
		name = scalar_str(ydoc_map_get(e, "item_name"));
		msg = scalar_str(ydoc_map_get(e, "message"));
		if (!msg)
			msg = scalar_str(ydoc_map_get(e, "message_contains"));
		if (!code || !type) {
			strbuf_printf(prob, "  %s[%zu] lacks code or item_type\n", key, i);
			continue;
		}
		if (!name)
			name = "";
		for (size_t j = 0; j < dl->n && !found; j++) {
			const struct diag *d = dl->items[j];

			found = diag_code_is_error(d->code) == want_err &&
				!strcmp(diag_code_name(d->code), code) && diag_at(d, type, name);
		}
		if (!found)
			strbuf_printf(prob, "  missing %s: %s at %s '%s' (falco: \"%s\")\n",
				      want_err ? "error" : "warning", code, type, name,
				      msg ? msg : "");
	}
}

static void check_validate_ok(struct strbuf *prob, const struct diag_list *dl,
			      const struct ydoc_node *ok)
{
	for (size_t i = 0; i < items_count(ok); i++) {
		const char *f = scalar_str(items_at(ok, i));

		if (!f)
			continue;
		for (size_t j = 0; j < dl->n; j++) {
			const struct diag *d = dl->items[j];

			if (diag_code_is_error(d->code) && d->nlocs && path_is(d->locs[0].pos.file, f))
				strbuf_printf(prob, "  validate_ok file %s has error %s: %s\n", f,
					      diag_code_name(d->code), d->msg ? d->msg : "");
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, deduplicated, comma-joined copy of names[0..n) into sb. */
static void canon_set(struct strbuf *sb, const char **names, size_t n)
{
	size_t k = 0;

	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(names[i], names[i - 1]))
			continue;
		strbuf_printf(sb, "%s%s", k++ ? "," : "", names[i]);
	}
}

/* Splits a comma list in place (s is a private copy) into canonical form. */
static int canon_list(struct strbuf *sb, char *s)
{
	const char **names;
	size_t n = 0, cap = 1;
	char *save = NULL;

	for (const char *p = s; *p; p++)
		cap += *p == ',';
	names = mem_calloc(cap, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (*t)
			names[n++] = t;
	}
	canon_set(sb, names, n);
	mem_free(names);
	return 0;
}

static void check_rule_events(struct strbuf *prob, const struct ruleset *rs,
			      const struct ydoc_node *events)
{
	if (!events)
		return;
	if (events->kind != YDOC_SEQ) {
		strbuf_adds(prob, "  rules_events is not a sequence\n");
		return;
	}
	for (size_t i = 0; i < events->n; i++) {
		const struct ydoc_node *e = events->kids[i];
		const struct ruleset_rule *r = NULL;
		struct strbuf want = STRBUF_INIT, got = STRBUF_INIT, raw = STRBUF_INIT;
		const struct ydoc_node *types;
		const char **names;
		const char *rule;
		size_t nl;
		char *copy;

		if (!e || e->kind != YDOC_MAP || e->n != 1 || !scalar_str(e->kids[0]) ||
		    e->kids[1]->kind != YDOC_SEQ) {
			strbuf_printf(prob, "  rules_events[%zu] is not 'rule: [types]'\n", i);
			continue;
		}
		rule = e->kids[0]->str;
		types = e->kids[1];
		for (size_t j = 0; j < rs->nrules && !r; j++)
			if (rs->rules[j].src && !strcmp(rs->rules[j].src->name, rule))
				r = &rs->rules[j];
		if (!r) {
			strbuf_printf(prob, "  rules_events: rule '%s' not in the ruleset\n", rule);
			continue;
		}
		names = mem_calloc(types->n + 1, sizeof(*names));
		if (!names) {
			strbuf_adds(prob, "  out of memory\n");
			continue;
		}
		for (size_t j = 0; j < types->n; j++)
			names[j] = scalar_str(types->kids[j]) ? types->kids[j]->str : "?";
		canon_set(&want, names, types->n);
		mem_free(names);

		ruleset__format_evttypes(r, &raw);
		nl = strlen(rule);
		if (!raw.buf || strncmp(raw.buf, rule, nl) || strncmp(raw.buf + nl, ": ", 2)) {
			strbuf_printf(prob, "  rules_events: rule '%s': unexpected listing '%s'\n",
				      rule, raw.buf ? raw.buf : "");
			goto next;
		}
		copy = mem_strdup(raw.buf + nl + 2);
		if (!copy || canon_list(&got, copy)) {
			mem_free(copy);
			strbuf_adds(prob, "  out of memory\n");
			goto next;
		}
		mem_free(copy);
		if (!r->root)
			strbuf_printf(prob, "  rules_events: rule '%s' did not compile\n", rule);
		else if (strcmp(want.buf ? want.buf : "", got.buf ? got.buf : ""))
			strbuf_printf(prob, "  rules_events: rule '%s': expected [%s], got [%s]\n",
				      rule, want.buf ? want.buf : "", got.buf ? got.buf : "");
next:
		strbuf_release(&want);
		strbuf_release(&got);
		strbuf_release(&raw);
	}
}

/* print_error formats into a fixed buffer (1 KiB in cmocka 1.1.5): hand it
 * the report in pieces. */
static void print_long(const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);

		if (n > 800)
			n = 800;
		print_error("%.*s", (int)n, s);
		s += n;
	}
}

static void run_case(void **state)
{
	const struct conf_case *c = *state;
	const struct ydoc_node *files, *st;
	struct strbuf prob = STRBUF_INIT, rep = STRBUF_INIT;
	struct ruleset *rs = NULL;
	bool want_fail;
	int err;

	if (c->skip) {
		print_message("%s: skipped: %s\n", c->name, c->skip);
		skip();
	}
	err = ruleset__new(&rs);
	assert_int_equal(err, 0);
	files = ydoc_map_get(c->node, "validate_rules_file");
	for (size_t i = 0; i < items_count(files); i++) {
		const char *f = scalar_str(items_at(files, i));
		char path[4096];

		assert_non_null(f);
		snprintf(path, sizeof(path), "%s/%s", CONF_DIR, f);
		err = ruleset__load_file(rs, path);
		if (err == -ENOMEM)
			strbuf_printf(&prob, "  out of memory loading %s\n", f);
	}
	err = ruleset__compile(rs);
	if (err == -ENOMEM)
		strbuf_adds(&prob, "  out of memory compiling\n");

	st = ydoc_map_get(c->node, "exit_status");
	want_fail = scalar_str(st) && atoi(st->str) != 0;
	if (want_fail && !rs->diags.nerr)
		strbuf_adds(&prob, "  exit_status 1 expected, but there is no error\n");
	else if (!want_fail && rs->diags.nerr)
		strbuf_printf(&prob, "  no error expected, but there are %zu\n", rs->diags.nerr);
	check_diags(&prob, &rs->diags, ydoc_map_get(c->node, "validate_errors"), true,
		    "validate_errors");
	check_diags(&prob, &rs->diags, ydoc_map_get(c->node, "validate_warnings"), false,
		    "validate_warnings");
	check_validate_ok(&prob, &rs->diags, ydoc_map_get(c->node, "validate_ok"));
	check_rule_events(&prob, rs, ydoc_map_get(c->node, "rules_events"));

	if (prob.len) {
		strbuf_printf(&rep, "%s (%s):\n%s  actual diagnostics (%zu errors, %zu warnings):\n",
			      c->name, c->suite, prob.buf, rs->diags.nerr, rs->diags.nwarn);
		for (size_t i = 0; i < rs->diags.n; i++)
			print_diag(&rep, rs->diags.items[i]);
		print_long(rep.buf ? rep.buf : "(out of memory)\n");
	}
	err = prob.len ? -1 : 0;
	strbuf_release(&prob);
	strbuf_release(&rep);
	ruleset__free(rs);
	if (err)
		fail_msg("%s: conformance mismatch", c->name);
}

int main(void)
{
	struct conf_case *cases = NULL;
	struct CMUnitTest *tests = NULL;
	struct diag_list dl;
	struct arena *a = NULL;
	size_t n = 0, cap = 0;
	int rc = 1, err;

	shared_dir_require();

	if (arena__new(1 << 16, &a) || diag_list_init(&dl)) {
		fprintf(stderr, "conformance: out of memory\n");
		arena__free(a);
		return 1;
	}
	for (size_t i = 0; i < sizeof(suite_files) / sizeof(suite_files[0]); i++) {
		err = load_suite(a, &dl, suite_files[i], &cases, &n, &cap);
		if (err) {
			for (size_t j = 0; j < dl.n; j++)
				fprintf(stderr, "conformance: %s\n", dl.items[j]->msg);
			goto out;
		}
	}
	tests = mem_calloc(n ? n : 1, sizeof(*tests));
	if (!tests)
		goto out;
	for (size_t i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("conformance", tests, n, NULL, NULL);
out:
	mem_free(tests);
	mem_free(cases);
	diag_list_release(&dl);
	arena__free(a);
	return rc;
}
