/* saker-rulec: the rule compiler's command line. validate, syscalls,
 * evttypes and ir over one or more rules files, loaded in order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ruleset.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: saker-rulec validate [--json] FILE...\n"
		"       saker-rulec syscalls [-A] FILE...\n"
		"       saker-rulec evttypes FILE...\n"
		"       saker-rulec ir FILE...\n"
		"\n"
		"  validate  check rules files; exit 0 when every file loads without error\n"
		"  syscalls  the adaptive syscall set the rules need, one name a line, sorted\n"
		"            (-A: include heavy I/O syscalls such as read and write)\n"
		"  evttypes  the event types of every rule: 'rule name: type,type' or 'all'\n"
		"  ir        the optimized IR of every rule\n");
}

/* Loads and compiles files; prints diagnostics to stderr unless quiet. */
static int build(struct ruleset **out, char **files, int nfiles)
{
	struct ruleset *rs;
	int err;

	err = ruleset__new(&rs);
	if (err) {
		fprintf(stderr, "saker-rulec: %s\n", strerror(-err));
		return err;
	}
	for (int i = 0; i < nfiles; i++) {
		err = ruleset__load_file(rs, files[i]);
		if (err == -ENOMEM)
			break;
	}
	if (err != -ENOMEM)
		err = ruleset__compile(rs);
	*out = rs;
	return err;
}

static void print_diags(const struct ruleset *rs, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < rs->diags.n; i++)
		diag_format_text(rs->diags.items[i], &sb);
	if (sb.buf)
		fputs(sb.buf, f);
	strbuf_release(&sb);
}

static const char *diag_file(const struct diag *d)
{
	return d->nlocs && d->locs[0].pos.file ? d->locs[0].pos.file : "";
}

static int cmd_validate(int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	struct ruleset *rs;
	bool json = false;
	int first = 0, err;

	if (argc > 0 && !strcmp(argv[0], "--json")) {
		json = true;
		first = 1;
	}
	if (first >= argc) {
		usage(stderr);
		return 2;
	}
	err = build(&rs, argv + first, argc - first);
	if (err == -ENOMEM) {
		fprintf(stderr, "saker-rulec: out of memory\n");
		ruleset__free(rs);
		return 1;
	}
	if (json)
		strbuf_adds(&sb, "{\"falco_load_results\":[");
	for (int i = first; i < argc; i++) {
		size_t nerr = 0, nwarn = 0;

		for (size_t k = 0; k < rs->diags.n; k++) {
			const struct diag *d = rs->diags.items[k];

			if (strcmp(diag_file(d), argv[i]))
				continue;
			if (diag_code_is_error(d->code))
				nerr++;
			else
				nwarn++;
		}
		if (json) {
			if (i > first)
				strbuf_addc(&sb, ',');
			strbuf_adds(&sb, "{\"name\":");
			strbuf_add_json_str(&sb, argv[i]);
			strbuf_printf(&sb, ",\"successful\":%s", nerr ? "false" : "true");
			for (int pass = 0; pass < 2; pass++) {
				bool first_item = true;

				strbuf_adds(&sb, pass ? ",\"warnings\":[" : ",\"errors\":[");
				for (size_t k = 0; k < rs->diags.n; k++) {
					const struct diag *d = rs->diags.items[k];

					if (strcmp(diag_file(d), argv[i]) ||
					    diag_code_is_error(d->code) == (pass == 1))
						continue;
					if (!first_item)
						strbuf_addc(&sb, ',');
					first_item = false;
					diag_format_json(d, &sb);
				}
				strbuf_addc(&sb, ']');
			}
			strbuf_addc(&sb, '}');
		} else {
			strbuf_printf(&sb, "%s: %s\n", argv[i],
				      nerr ? "Invalid" : nwarn ? "Ok, with warnings" : "Ok");
			for (size_t k = 0; k < rs->diags.n; k++)
				if (!strcmp(diag_file(rs->diags.items[k]), argv[i]))
					diag_format_text(rs->diags.items[k], &sb);
		}
	}
	if (json)
		strbuf_adds(&sb, "]}\n");
	else if (rs->diags.dropped)
		strbuf_printf(&sb, "(%zu more diagnostics not shown)\n", rs->diags.dropped);
	if (sb.buf)
		fputs(sb.buf, stdout);
	strbuf_release(&sb);
	err = rs->diags.nerr ? 1 : 0;
	ruleset__free(rs);
	return err;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmd_syscalls(int argc, char **argv)
{
	size_t n = evt_schema_syscall_count(), k = 0;
	struct ruleset *rs;
	bool all_io = false, *mark;
	const char **names;
	int first = 0, err;

	if (argc > 0 && !strcmp(argv[0], "-A")) {
		all_io = true;
		first = 1;
	}
	if (first >= argc) {
		usage(stderr);
		return 2;
	}
	err = build(&rs, argv + first, argc - first);
	if (err) {
		print_diags(rs, stderr);
		ruleset__free(rs);
		return 1;
	}
	mark = mem_calloc(n, sizeof(*mark));
	names = mem_calloc(n, sizeof(*names));
	if (!mark || !names) {
		mem_free(mark);
		mem_free(names);
		ruleset__free(rs);
		return 1;
	}
	ruleset__syscalls(rs, all_io, mark);
	for (size_t i = 0; i < n; i++)
		if (mark[i])
			names[k++] = evt_schema_syscall_name(i);
	qsort(names, k, sizeof(*names), cmp_name);
	for (size_t i = 0; i < k; i++)
		if (!i || strcmp(names[i - 1], names[i]))
			printf("%s\n", names[i]);
	mem_free(mark);
	mem_free(names);
	ruleset__free(rs);
	return 0;
}

static int cmd_listing(int argc, char **argv, bool ir)
{
	struct strbuf sb = STRBUF_INIT;
	struct ruleset *rs;
	int err;

	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	err = build(&rs, argv, argc);
	if (err) {
		print_diags(rs, stderr);
		ruleset__free(rs);
		return 1;
	}
	if (ir) {
		ruleset__dump_ir(rs, &sb);
	} else {
		for (size_t i = 0; i < rs->nrules; i++) {
			if (!rs->rules[i].root)
				continue;
			ruleset__format_evttypes(&rs->rules[i], &sb);
			strbuf_addc(&sb, '\n');
		}
	}
	if (sb.buf)
		fputs(sb.buf, stdout);
	strbuf_release(&sb);
	ruleset__free(rs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "validate"))
		return cmd_validate(argc - 2, argv + 2);
	if (!strcmp(argv[1], "syscalls"))
		return cmd_syscalls(argc - 2, argv + 2);
	if (!strcmp(argv[1], "evttypes"))
		return cmd_listing(argc - 2, argv + 2, false);
	if (!strcmp(argv[1], "ir"))
		return cmd_listing(argc - 2, argv + 2, true);
	fprintf(stderr, "saker-rulec: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
