/* test_fields_def: the field catalogue (compiler/fields.def) on its own — well-formed
 * entries (unique names, valid types, coherent flags, sorted groups), a few pinned
 * facts about argument forms, and coverage: every field that Falco's official rules
 * files and the conformance rules reference must be in the catalogue, with an
 * argument form that accepts the way the rules write it. */
#include <ctype.h>
#include <dirent.h>
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

#include "bpf/shared/ppm_types.h"
#include "compiler/field_flags.h"

#ifndef SAKER_SHARED_DIR
#define SAKER_SHARED_DIR "/work/shared"
#endif

struct fdef {
	const char *name;
	int type;
	uint32_t flags;
	const char *doc;
};

static const struct fdef cat[] = {
#define FIELD(id, name, type, flags, cls, doc) { name, type, (uint32_t)(flags), doc },
#include "compiler/fields.def"
#undef FIELD
};

#define NCAT (sizeof(cat) / sizeof(cat[0]))

#define FF_ARG_FORM (FF_ARG_INDEX | FF_ARG_NAME | FF_ARG_DOT)
#define FF_ALL                                                                              \
	(FF_LIST | FF_ARG_REQUIRED | FF_ARG_OPTIONAL | FF_ARG_FORM | FF_FILTER_ONLY |       \
	 FF_OUTPUT_ONLY | FF_NO_TRANSFORMER | FF_NO_RHS | FF_DEPRECATED | FF_INFO |        \
	 FF_HIDDEN | FF_ANCESTORS | FF_PF_HEX | FF_PF_PAD9 | FF_JSON_TS | FF_JSON_NUM | FF_DOMAIN | \
	 FF_EV_MASK | FF_ALL_SOURCES | FF_SUGGESTED)

/* Field classes the catalogue covers; a dotted token starting with one of these in
 * a condition is taken for a field reference. */
static const char *const classes[] = {
	"evt", "syscall", "proc", "thread", "user", "group", "fd", "fdlist", "fs",
	"container", "k8s", "k8smeta",
};

/* ---- catalogue lookups (the same resolution the compiler applies) ---- */

static const struct fdef *find_exact(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NCAT; i++)
		if (strlen(cat[i].name) == n && !strncmp(cat[i].name, name, n))
			return &cat[i];
	return NULL;
}

/* Longest FF_ARG_DOT field F with name == F "." arg. */
static const struct fdef *find_dotted(const char *name, size_t n)
{
	const struct fdef *best = NULL;
	size_t i, bestlen = 0;

	for (i = 0; i < NCAT; i++) {
		size_t l = strlen(cat[i].name);

		if ((cat[i].flags & FF_ARG_DOT) && l + 1 < n && name[l] == '.' &&
		    !strncmp(name, cat[i].name, l) && l > bestlen) {
			best = &cat[i];
			bestlen = l;
		}
	}
	return best;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Resolves a reference as written: name (maybe with a dotted argument) and an optional
 * bracket argument (arg == NULL when none). NULL with *why set when not acceptable. */
static const struct fdef *resolve(const char *name, size_t n, const char *arg, size_t alen,
				  const char **why)
{
	const struct fdef *f = find_exact(name, n);
	bool has_arg = arg != NULL;

	if (!f) {
		f = find_dotted(name, n);
		if (!f) {
			*why = "unknown field";
			return NULL;
		}
		if (arg) {
			*why = "dotted and bracket arguments together";
			return NULL;
		}
		arg = name + strlen(f->name) + 1;
		alen = n - strlen(f->name) - 1;
		has_arg = true;
	}
	if (has_arg && !(f->flags & (FF_ARG_REQUIRED | FF_ARG_OPTIONAL))) {
		*why = "field takes no argument";
		return NULL;
	}
	if (!has_arg && (f->flags & FF_ARG_REQUIRED)) {
		*why = "field requires an argument";
		return NULL;
	}
	if (has_arg && !(f->flags & FF_ARG_NAME) &&
	    !((f->flags & FF_ARG_INDEX) && all_digits(arg, alen))) {
		*why = "argument form not accepted";
		return NULL;
	}
	return f;
}

static const struct fdef *resolve_str(const char *ref)
{
	const char *br = strchr(ref, '['), *why = NULL;

	if (!br)
		return resolve(ref, strlen(ref), NULL, 0, &why);
	return resolve(ref, (size_t)(br - ref), br + 1, strlen(br + 1) - 1, &why);
}

/* ---- catalogue well-formedness ---- */

static bool name_ok(const char *s)
{
	int comps = 0;

	/* [a-z0-9_]+(\.[a-z0-9_]+)+ */
	for (;;) {
		const char *start = s;

		while (islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_')
			s++;
		if (s == start)
			return false;
		comps++;
		if (*s == '\0')
			return comps >= 2;
		if (*s != '.')
			return false;
		s++;
	}
}

static size_t class_len(const char *name)
{
	/* fs.path.* is one class */
	if (!strncmp(name, "fs.path.", 8))
		return 7;
	return strcspn(name, ".");
}

static void test_names_unique_and_well_formed(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(NCAT > 250);
	for (i = 0; i < NCAT; i++) {
		if (!name_ok(cat[i].name))
			fail_msg("bad field name '%s'", cat[i].name);
		for (j = i + 1; j < NCAT; j++)
			if (!strcmp(cat[i].name, cat[j].name))
				fail_msg("duplicate field '%s'", cat[i].name);
	}
}

static void test_types_valid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NCAT; i++)
		if (cat[i].type <= PT_NONE || cat[i].type >= PT_MAX)
			fail_msg("field '%s': type %d out of range", cat[i].name, cat[i].type);
}

/* Every flag of field_flags.h, one bit each: two flags sharing a bit
 * would make one field's flag another's. */
static const uint32_t one_bit_flags[] = {
	FF_LIST, FF_ARG_REQUIRED, FF_ARG_OPTIONAL, FF_ARG_INDEX, FF_ARG_NAME, FF_ARG_DOT,
	FF_FILTER_ONLY, FF_OUTPUT_ONLY, FF_NO_TRANSFORMER, FF_NO_RHS, FF_DEPRECATED, FF_INFO,
	FF_HIDDEN, FF_ANCESTORS, FF_PF_HEX, FF_PF_PAD9, FF_JSON_TS, FF_JSON_NUM, FF_DOMAIN,
	FF_ALL_SOURCES, FF_SUGGESTED, FF_EV_ANY, FF_EV_PARAM, FF_EV_FD, FF_EV_PROC, FF_EV_EXEC, FF_EV_PLUGIN,
};

static void test_flags_coherent(void **state)
{
	uint32_t seen = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(one_bit_flags) / sizeof(one_bit_flags[0]); i++) {
		uint32_t b = one_bit_flags[i];

		if (!b || (b & (b - 1)) || (seen & b))
			fail_msg("flag %zu of field_flags.h is not a bit of its own (%#x)", i,
				 (unsigned)b);
		seen |= b;
	}
	assert_int_equal(seen, (uint32_t)FF_ALL);
	for (i = 0; i < NCAT; i++) {
		const struct fdef *f = &cat[i];
		uint32_t ev = f->flags & FF_EV_MASK;
		bool req = f->flags & FF_ARG_REQUIRED, opt = f->flags & FF_ARG_OPTIONAL;

		if (f->flags & ~(uint32_t)FF_ALL)
			fail_msg("field '%s': unknown flag bits %#x", f->name,
				 (unsigned)(f->flags & ~(uint32_t)FF_ALL));
		if (!ev || (ev & (ev - 1)))
			fail_msg("field '%s': needs exactly one FF_EV_* class", f->name);
		if (req && opt)
			fail_msg("field '%s': argument both required and optional", f->name);
		if ((req || opt) && !(f->flags & (FF_ARG_INDEX | FF_ARG_NAME)))
			fail_msg("field '%s': argument without a form", f->name);
		if (!(req || opt) && (f->flags & FF_ARG_FORM))
			fail_msg("field '%s': argument form but no argument", f->name);
		if ((f->flags & FF_ANCESTORS) && !opt)
			fail_msg("field '%s': FF_ANCESTORS needs an optional argument", f->name);
		if ((f->flags & FF_FILTER_ONLY) && (f->flags & FF_OUTPUT_ONLY))
			fail_msg("field '%s': both filter-only and output-only", f->name);
		if (!f->doc || !f->doc[0])
			fail_msg("field '%s': empty doc", f->name);
	}
}

static void test_sorted_within_class(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 1; i < NCAT; i++) {
		size_t a = class_len(cat[i - 1].name), b = class_len(cat[i].name);

		if (a == b && !strncmp(cat[i - 1].name, cat[i].name, a)) {
			if (strcmp(cat[i - 1].name, cat[i].name) >= 0)
				fail_msg("'%s' is not sorted after '%s'", cat[i].name,
					 cat[i - 1].name);
			continue;
		}
		/* a new group: its class must not have appeared before */
		for (j = 0; j + 1 < i; j++)
			if (class_len(cat[j].name) == b && !strncmp(cat[j].name, cat[i].name, b))
				fail_msg("class of '%s' is split into two groups", cat[i].name);
	}
}

static void expect_flags(const char *name, uint32_t want)
{
	const struct fdef *f = find_exact(name, strlen(name));

	if (!f)
		fail_msg("field '%s' missing", name);
	if ((f->flags & want) != want)
		fail_msg("field '%s': flags %#x lack %#x", name, (unsigned)f->flags, (unsigned)want);
}

static void expect_type(const char *name, int type)
{
	const struct fdef *f = find_exact(name, strlen(name));

	if (!f)
		fail_msg("field '%s' missing", name);
	if (f->type != type)
		fail_msg("field '%s': type %d, want %d", name, f->type, type);
}

static void test_pinned_facts(void **state)
{
	(void)state;
	expect_flags("proc.aname", FF_ARG_INDEX | FF_ARG_OPTIONAL | FF_ANCESTORS);
	expect_flags("proc.apid", FF_ARG_INDEX | FF_ARG_OPTIONAL | FF_ANCESTORS);
	expect_flags("proc.env", FF_ARG_NAME | FF_ARG_OPTIONAL);
	expect_flags("evt.arg", FF_ARG_NAME | FF_ARG_INDEX | FF_ARG_REQUIRED | FF_ARG_DOT);
	expect_flags("evt.rawarg", FF_ARG_NAME | FF_ARG_REQUIRED | FF_ARG_DOT | FF_NO_TRANSFORMER);
	expect_flags("fd.types", FF_LIST | FF_ARG_INDEX | FF_ARG_OPTIONAL);
	expect_flags("fd.net", FF_FILTER_ONLY);
	expect_flags("evt.outputtime", FF_OUTPUT_ONLY);
	expect_flags("container.mount.dest", FF_ARG_NAME | FF_ARG_INDEX | FF_ARG_REQUIRED);
	expect_flags("k8s.pod.label", FF_ARG_NAME | FF_ARG_REQUIRED | FF_ARG_DOT);
	expect_flags("evt.type", FF_EV_ANY);
	expect_flags("fd.name", FF_EV_FD);
	expect_flags("proc.name", FF_EV_PROC);
	expect_flags("container.id", FF_EV_PLUGIN);
	expect_type("evt.num", PT_UINT64);
	expect_type("evt.rawres", PT_INT64);
	expect_type("evt.rawarg", PT_DYN);
	expect_type("proc.pid", PT_INT64);
	expect_type("user.uid", PT_UINT32);
	expect_type("fd.sip", PT_IPADDR);
	expect_type("fd.snet", PT_IPNET);
	expect_type("fd.sport", PT_PORT);
	expect_type("proc.duration", PT_RELTIME);
	expect_type("container.start_ts", PT_ABSTIME);
	expect_type("proc.is_exe_upper_layer", PT_BOOL);
}

static void test_resolution_forms(void **state)
{
	(void)state;
	assert_ptr_equal(resolve_str("evt.arg.flags"), find_exact("evt.arg", 7));
	assert_ptr_equal(resolve_str("evt.arg[0]"), find_exact("evt.arg", 7));
	assert_ptr_equal(resolve_str("evt.rawarg.res"), find_exact("evt.rawarg", 10));
	assert_ptr_equal(resolve_str("evt.args"), find_exact("evt.args", 8));
	assert_ptr_equal(resolve_str("evt.type.is.open"), find_exact("evt.type.is", 11));
	assert_ptr_equal(resolve_str("thread.cgroup.cpuset"), find_exact("thread.cgroup", 13));
	assert_ptr_equal(resolve_str("k8s.pod.label.app"), find_exact("k8s.pod.label", 13));
	assert_ptr_equal(resolve_str("k8s.pod.label[app]"), find_exact("k8s.pod.label", 13));
	assert_ptr_equal(resolve_str("container.mount.dest[/var/run/docker.sock]"),
			 find_exact("container.mount.dest", 20));
	assert_ptr_equal(resolve_str("proc.aname[2]"), find_exact("proc.aname", 10));
	assert_ptr_equal(resolve_str("proc.aexepath[1]"), find_exact("proc.aexepath", 13));
	assert_ptr_equal(resolve_str("proc.env[HOME]"), find_exact("proc.env", 8));
	assert_ptr_equal(resolve_str("fd.types[0]"), find_exact("fd.types", 8));
	assert_ptr_equal(resolve_str("fs.path.targetraw"), find_exact("fs.path.targetraw", 17));
	assert_non_null(resolve_str("container.mount[0]"));
	assert_null(resolve_str("proc.nobody"));
	assert_null(resolve_str("proc.name.x"));
	assert_null(resolve_str("proc.name[1]"));
	assert_null(resolve_str("proc.aname[sh]"));
	assert_null(resolve_str("evt.arg"));
	assert_null(resolve_str("container.mount.dest"));
	assert_null(resolve_str("k8s.pod.label"));
}

/* ---- coverage over rules files ---- */

enum ref_ctx { IN_CONDITION, IN_OUTPUT, IN_FIELDS };

struct scan {
	const char *path;
	int line;
	int nrefs;
	int nbad;
	char quote;		/* open quote inside a condition, carried across lines */
};

static bool tok_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static bool is_class(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i]) == n && !strncmp(classes[i], s, n))
			return true;
	return false;
}

/* Names written in the rules that must stay unknown (negative conformance cases). */
static bool expected_unknown(const char *s, size_t n)
{
	return n == 11 && !strncmp(s, "proc.nobody", n);
}

static void check_ref(struct scan *sc, const char *tok, size_t n, const char *arg, size_t alen,
		      enum ref_ctx ctx)
{
	const struct fdef *f;
	const char *why = NULL;

	sc->nrefs++;
	f = resolve(tok, n, arg, alen, &why);
	if (f && ctx == IN_OUTPUT && (f->flags & FF_FILTER_ONLY))
		why = "filter-only field in an output";
	else if (f && ctx != IN_OUTPUT && (f->flags & FF_OUTPUT_ONLY))
		why = "output-only field in a condition";
	else if (f)
		return;
	if (!f && expected_unknown(tok, n))
		return;
	sc->nbad++;
	print_error("%s:%d: '%.*s%s%.*s%s': %s\n", sc->path, sc->line, (int)n, tok, arg ? "[" : "",
		    (int)alen, arg ? arg : "", arg ? "]" : "", why);
}

/* Finds field references in one line of a condition, output or exception fields. */
static void scan_text(struct scan *sc, const char *p, const char *end, enum ref_ctx ctx)
{
	while (p < end) {
		const char *t, *arg = NULL;
		size_t n, alen = 0;

		if (ctx != IN_OUTPUT) {
			if (sc->quote) {
				if (*p == sc->quote)
					sc->quote = 0;
				p++;
				continue;
			}
			if (*p == '"' || *p == '\'') {
				sc->quote = *p++;
				continue;
			}
		}
		if (!tok_char(*p)) {
			p++;
			continue;
		}
		t = p;
		while (p < end && tok_char(*p))
			p++;
		/* a reference starts after a separator; outputs mark theirs with '%' */
		if (ctx == IN_OUTPUT ? t[-1] != '%'
				     : (t[-1] == '/' || t[-1] == '-' || t[-1] == '$'))
			continue;
		n = (size_t)(p - t);
		while (n && t[n - 1] == '.')
			n--;
		if (!memchr(t, '.', n) || !is_class(t, strcspn(t, ".")) ||
		    isdigit((unsigned char)*t))
			continue;
		if (p < end && *p == '[') {
			const char *close = memchr(p, ']', (size_t)(end - p));

			if (close) {
				arg = p + 1;
				alen = (size_t)(close - arg);
				p = close + 1;
			}
		}
		check_ref(sc, t, n, arg, alen, ctx);
	}
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc((size_t)len + 1);
	if (!buf)
		goto out;
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[len] = '\0';
out:
	fclose(f);
	return buf;
}

static const struct {
	const char *key;
	enum ref_ctx ctx;
} keys[] = {
	{ "condition:", IN_CONDITION },
	{ "output:", IN_OUTPUT },
	{ "fields:", IN_FIELDS },
};

/* A line-based reader for the YAML shapes rules files use: `key: value` on one line,
 * continued by more-indented lines (block scalars, plain multi-line, block lists). */
static void scan_yaml(struct scan *sc, const char *buf)
{
	const char *line = buf;
	bool capturing = false;
	enum ref_ctx ctx = IN_CONDITION;
	int key_col = 0;

	sc->line = 0;
	while (*line) {
		const char *eol = strchr(line, '\n'), *p = line;
		int col;
		size_t k;

		if (!eol)
			eol = line + strlen(line);
		sc->line++;
		while (p < eol && *p == ' ')
			p++;
		col = (int)(p - line);
		if (p == eol || *p == '#' || *p == '\r')
			goto next;
		if (capturing && col > key_col) {
			scan_text(sc, p, eol, ctx);
			goto next;
		}
		capturing = false;
		while (p + 1 < eol && p[0] == '-' && p[1] == ' ') {
			p++;
			while (p < eol && *p == ' ')
				p++;
		}
		col = (int)(p - line);
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t kl = strlen(keys[k].key);

			if ((size_t)(eol - p) < kl || strncmp(p, keys[k].key, kl))
				continue;
			capturing = true;
			ctx = keys[k].ctx;
			key_col = col;
			sc->quote = 0;
			p += kl;
			while (p < eol && *p == ' ')
				p++;
			if (p < eol && (*p == '>' || *p == '|'))
				p = eol;		/* block scalar: text on the next lines */
			else if (p < eol && (*p == '"' || *p == '\''))
				p++;			/* YAML quoting of the whole value */
			scan_text(sc, p, eol, ctx);
			break;
		}
next:
		line = *eol ? eol + 1 : eol;
	}
}

static void scan_file(const char *path, int *nrefs, int *nbad)
{
	struct scan sc = { .path = path };
	char *buf = read_file(path);

	if (!buf)
		fail_msg("cannot read %s", path);
	scan_yaml(&sc, buf);
	free(buf);
	*nrefs += sc.nrefs;
	*nbad += sc.nbad;
}

static void test_official_rules_fields_known(void **state)
{
	SKIP_WITHOUT_SHARED();
	static const char *const files[] = {
		SAKER_SHARED_DIR "/falco/rules/falco_rules.yaml",
		SAKER_SHARED_DIR "/falco/rules/falco-incubating_rules.yaml",
		SAKER_SHARED_DIR "/falco/rules/falco-sandbox_rules.yaml",
	};
	int nrefs = 0, nbad = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		scan_file(files[i], &nrefs, &nbad);
	/* the scanner must actually see the rules: they reference fields thousands of times */
	assert_true(nrefs > 1000);
	assert_int_equal(nbad, 0);
}

static bool yaml_name(const char *s)
{
	size_t n = strlen(s);

	return (n > 5 && !strcmp(s + n - 5, ".yaml")) || (n > 4 && !strcmp(s + n - 4, ".yml"));
}

static void scan_dir(const char *dir, int *nrefs, int *nbad, int *nfiles)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];

	if (!d)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "k8s_audit"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (yaml_name(de->d_name)) {
			scan_file(path, nrefs, nbad);
			(*nfiles)++;
		} else {
			DIR *sub = opendir(path);

			if (sub) {
				closedir(sub);
				scan_dir(path, nrefs, nbad, nfiles);
			}
		}
	}
	closedir(d);
}

static void test_conformance_rules_fields_known(void **state)
{
	int nrefs = 0, nbad = 0, nfiles = 0;

	SKIP_WITHOUT_SHARED();

	(void)state;
	scan_dir(SAKER_SHARED_DIR "/falco/conformance/rules", &nrefs, &nbad, &nfiles);
	assert_true(nfiles > 50);
	assert_true(nrefs > 100);
	assert_int_equal(nbad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique_and_well_formed),
		cmocka_unit_test(test_types_valid),
		cmocka_unit_test(test_flags_coherent),
		cmocka_unit_test(test_sorted_within_class),
		cmocka_unit_test(test_pinned_facts),
		cmocka_unit_test(test_resolution_forms),
		cmocka_unit_test(test_official_rules_fields_known),
		cmocka_unit_test(test_conformance_rules_fields_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
