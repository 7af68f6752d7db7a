/* saker: the main command line, with Falco's flags. Watches this machine
 * through the live probe, or replays a capture (-e), through the rules
 * (-r); prints events (--print), lists rules (-L) and fields (--list),
 * validates rules (-V), copies events to a capture (-w). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/fields.h"
#include "compiler/ruleset.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/engine.h"

#define SAKER_VERSION "0.1.0"

static struct engine *g_engine;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: saker [OPTIONS]\n"
		"\n"
		"  -r FILE           load rules from FILE (repeatable; default: rules_files of the\n"
		"                    config, else saker's own ruleset)\n"
		"  -e FILE           replay events from a capture file (.scap, .scap.gz);\n"
		"                    without it saker watches this machine (root)\n"
		"  -c FILE           configuration file (falco.yaml keys)\n"
		"  -o KEY=VALUE      override a configuration key (repeatable)\n"
		"  -A                monitor every syscall, heavy I/O included\n"
		"  -M SECONDS        stop after SECONDS (live or replay)\n"
		"  -w FILE           write the events read to a capture file (.gz: compressed)\n"
		"  -V FILE           validate rules files and exit (repeatable)\n"
		"  -L                list the loaded rules and exit\n"
		"  --list            list the supported fields and exit\n"
		"  --print           print every event, one a line, as sysdig -r does\n"
		"  --no-jit          evaluate rules with the interpreter\n"
		"  -U, --unbuffered  do not buffer alert output\n"
		"  --version         print the version and exit\n"
		"  -h, --help        this help\n");
}

static void on_signal(int sig)
{
	if (!g_engine)
		return;
	if (sig == SIGHUP)
		engine__request_reload(g_engine);
	else
		engine__stop(g_engine);
}

static int list_fields(void)
{
	for (size_t i = 0; i < fields_count(); i++) {
		const struct field_info *fi = fields_at(i);

		if (fi->flags & FF_HIDDEN)
			continue;
		printf("%-40s %-10s %s\n", fi->name, fields_type_name(fi->type), fi->doc);
	}
	return 0;
}

static int list_rules(struct engine *en)
{
	struct ruleset *rs = engine__ruleset(en);

	printf("%-60s %s\n", "Rule", "Description");
	printf("%-60s %s\n", "----", "-----------");
	for (size_t i = 0; i < rs->nrules; i++) {
		const char *d = rs->rules[i].src->desc ? rs->rules[i].src->desc : "";

		printf("%-60s %.*s\n", rs->rules[i].src->name, (int)strcspn(d, "\n"), d);
	}
	return 0;
}

static int validate(char **files, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	struct ruleset *rs;
	int err = ruleset__new(&rs), ret = 0;

	if (err) {
		fprintf(stderr, "saker: %s\n", strerror(-err));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		ruleset__load_file(rs, files[i]);
	ruleset__compile(rs);
	for (size_t i = 0; i < rs->diags.n; i++)
		diag_format_text(rs->diags.items[i], &sb);
	for (size_t i = 0; i < n; i++)
		printf("%s: %s\n", files[i], rs->diags.nerr ? "Invalid" : "Ok");
	if (sb.buf)
		fputs(sb.buf, stdout);
	if (rs->diags.nerr)
		ret = 1;
	strbuf_release(&sb);
	ruleset__free(rs);
	return ret;
}

enum { OPT_LIST = 256, OPT_PRINT, OPT_NOJIT, OPT_VERSION };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, OPT_LIST },
		{ "print", no_argument, NULL, OPT_PRINT },
		{ "no-jit", no_argument, NULL, OPT_NOJIT },
		{ "unbuffered", no_argument, NULL, 'U' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char **rules = NULL, **validate_files = NULL, **overrides = NULL;
	size_t nrules = 0, nvalidate = 0, noverrides = 0;
	const char *capture = NULL, *cfg_path = NULL, *write_path = NULL;
	bool list_r = false, print = false, all_sc = false, unbuffered = false;
	struct strbuf sb = STRBUF_INIT;
	struct engine_opts eo = { .sz = sizeof(eo) };
	struct engine *en = NULL;
	struct config cfg;
	char err[512];
	int c, ret = 1, e, duration = 0;

	rules = mem_calloc((size_t)argc, sizeof(*rules));
	validate_files = mem_calloc((size_t)argc, sizeof(*validate_files));
	overrides = mem_calloc((size_t)argc, sizeof(*overrides));
	config_init(&cfg);
	if (!rules || !validate_files || !overrides)
		goto out;
	while ((c = getopt_long(argc, argv, "r:e:c:o:AM:w:V:LUh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rules[nrules++] = optarg; break;
		case 'e': capture = optarg; break;
		case 'c': cfg_path = optarg; break;
		case 'o': overrides[noverrides++] = optarg; break;
		case 'A': all_sc = true; break;
		case 'M': duration = atoi(optarg); break;
		case 'w': write_path = optarg; break;
		case 'V': validate_files[nvalidate++] = optarg; break;
		case 'L': list_r = true; break;
		case 'U': unbuffered = true; break;
		case OPT_LIST: ret = list_fields(); goto out;
		case OPT_PRINT: print = true; break;
		case OPT_NOJIT: eo.no_jit = true; break;
		case OPT_VERSION: printf("saker version %s\n", SAKER_VERSION); ret = 0; goto out;
		case 'h': usage(stdout); ret = 0; goto out;
		default: usage(stderr); ret = 2; goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "saker: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		ret = 2;
		goto out;
	}
	if (nvalidate) {
		ret = validate(validate_files, nvalidate);
		goto out;
	}
	if (cfg_path && config_load_file(&cfg, cfg_path, err, sizeof(err))) {
		fprintf(stderr, "saker: %s\n", err);
		goto out;
	}
	for (size_t i = 0; i < noverrides; i++) {
		if (config_set(&cfg, overrides[i], err, sizeof(err))) {
			fprintf(stderr, "saker: -o %s: %s\n", overrides[i], err);
			goto out;
		}
	}
	cfg.all_syscalls |= all_sc;
	if (unbuffered)
		cfg.buffered_outputs = false;
	if (!nrules && cfg.nrules_files) {
		for (size_t i = 0; i < cfg.nrules_files && nrules < (size_t)argc; i++)
			rules[nrules++] = cfg.rules_files[i];
	}
	if (!nrules && !print)
		rules[nrules++] = SAKER_DEFAULT_RULES;
	eo.cfg = &cfg;
	eo.print_events = print;
	eo.write_path = write_path;
	e = engine__new(&eo, &en);
	if (e) {
		fprintf(stderr, "saker: %s\n", strerror(-e));
		goto out;
	}
	if (nrules) {
		e = engine__load_rules(en, (const char *const *)rules, nrules, &sb);
		if (sb.buf)
			fputs(sb.buf, stderr);
		strbuf_reset(&sb);
		if (e) {
			fprintf(stderr, "saker: could not load rules: %s\n",
				e == -EINVAL ? "errors above" : strerror(-e));
			goto out;
		}
	}
	if (list_r) {
		ret = list_rules(en);
		goto out;
	}
	g_engine = en;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);
	signal(SIGHUP, on_signal);
	if (duration > 0)
		alarm((unsigned)duration);
	if (capture)
		e = engine__run_capture(en, capture, err, sizeof(err));
	else
		e = engine__run_live(en, err, sizeof(err));
	engine__format_stats(en, &sb);
	if (sb.buf)
		fputs(sb.buf, stderr);
	if (e) {
		fprintf(stderr, "saker: %s\n", err);
		goto out;
	}
	ret = 0;
out:
	g_engine = NULL;
	engine__free(en);
	strbuf_release(&sb);
	config_release(&cfg);
	mem_free(rules);
	mem_free(validate_files);
	mem_free(overrides);
	return ret;
}
