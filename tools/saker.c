/* saker: the main command line, with Falco 0.40's flags and exit codes (0,
 * or 1 with "Error: ..." on stderr). Reads the configuration (-c, -o,
 * config_files), then watches this machine through the live probe, or
 * replays a capture (-e, engine.kind=replay), through the rules (-r,
 * rules_files); serves metrics and health (webserver), watches the
 * configuration and rules files (watch_config_files); prints events
 * (--print), lists rules (-L, -l), fields (--list), events (--list-events),
 * validates rules (-V), copies events to a capture (-w). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "compiler/fields.h"
#include "compiler/rules_load.h"
#include "compiler/ruleset.h"
#include "compiler/syscalls.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/log.h"
#include "runtime/base/log_syslog.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/config_watch.h"
#include "runtime/engine.h"
#include "runtime/metrics.h"
#include "runtime/plugin_abi.h"
#include "runtime/plugin_set.h"
#include "runtime/webserver.h"
#include "tools/saker_plugins.h"

/* The configuration read when -c is not given, by an installed saker only
 * (a build tree's never picks up the machine's). */
#ifndef SAKER_INSTALL_CONFIG
#define SAKER_INSTALL_CONFIG "/etc/saker/saker.yaml"
#endif

struct app {
	/* command line */
	char **rules, **validate_files, **overrides;
	size_t nrules, nvalidate, noverrides;
	const char *capture, *cfg_path, *write_path, *describe_rule, *pidfile;
	const char *list_source, *plugin_info;
	char **enable_src, **disable_src;
	size_t nenable, ndisable;
	char cmdline[4096];
	bool list_fields, list_rules, print, all_sc, unbuffered, dry_run, names_only, markdown;
	bool print_version, print_support, print_help, list_events, print_ignored, page_size;
	bool list_plugins, verbose, config_schema, config_keys, no_jit, jit_wait;
	int duration;
	/* running */
	struct config cfg;
	struct engine *en;
	struct config_watch *watch;
	struct plugin_set *ps;		/* the configured plugins */
	bool restart;		/* the configuration changed beyond its rules files */
	char **rule_files;		/* expanded, owned */
	size_t nrule_files;
};

static struct engine *g_engine;
static bool g_syslog, g_stderr = true;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: saker [OPTIONS]\n"
		"\n"
		"  -c <path>                  configuration file (falco.yaml keys; an installed saker\n"
		"                             reads " SAKER_INSTALL_CONFIG " without it)\n"
		"  -o, --option <key>=<val>   set a configuration key: a.b.c=v, list[1].c=v, key={yaml}\n"
		"  -r <rules_file>            rules file or directory (repeatable; default: rules_files\n"
		"                             of the configuration, else saker's own ruleset)\n"
		"  -e <file>                  replay a capture file (.scap, .scap.gz) instead of\n"
		"                             watching this machine (as engine.kind=replay)\n"
		"  -w <file>                  write the events read to a capture file (.gz: compressed)\n"
		"  -A                         monitor every syscall, heavy I/O included\n"
		"                             (as -o base_syscalls.all=true)\n"
		"  -M <num_seconds>           stop after <num_seconds>\n"
		"  -V, --validate <rules_file>  validate rules files and exit (repeatable)\n"
		"  -L                         list the loaded rules and exit\n"
		"  -l <rule>                  show the rule <rule> and exit\n"
		"  --list [<source>]          list the fields (of <source>: syscall) and exit\n"
		"  -N                         with --list: names only\n"
		"  --markdown                 with --list or --list-events: Markdown\n"
		"  --list-events              list the events and exit\n"
		"  --list-plugins             list the loaded plugins and exit\n"
		"  --plugin-info <name>       print a plugin's description, schema and open params\n"
		"  -i                         list the syscalls left out without -A and exit\n"
		"  --dry-run                  read the configuration and rules, start nothing\n"
		"  --support                  print support information (JSON) and exit\n"
		"  --config-schema            print the configuration's JSON schema and exit\n"
		"  --config-keys              print the configuration keys (Markdown) and exit\n"
		"  --page-size                print the system page size and exit\n"
		"  -P, --pidfile <pid_file>   write the process id to <pid_file>\n"
		"  -S, --snaplen <len>        as -o falco_libs.snaplen=<len>\n"
		"  --enable-source <source>   only these event sources (repeatable)\n"
		"  --disable-source <source>  all event sources but these (repeatable)\n"
		"  --print                    print every event, one a line, as sysdig -r does\n"
		"  --no-jit                   evaluate rules with the interpreter\n"
		"  --jit-wait                 compile the rules before the first event (else the\n"
		"                             interpreter evaluates until the native code is ready)\n"
		"  -U, --unbuffered           do not buffer alert output\n"
		"  -v                         verbose\n"
		"  --version                  print the version (JSON with -o json_output=true) and exit\n"
		"  -h, --help                 this help\n");
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

static void log_sink(enum log_level lvl, const char *msg)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	if (g_stderr)
		fprintf(stderr, "saker: %s: %s\n", names[lvl], msg);
	if (g_syslog)
		log_syslog_write((int)lvl, msg);
}

/* log_level, log_stderr, log_syslog */
static void setup_logging(const struct app *a)
{
	const char *l = config_get_str(&a->cfg, "log_level");
	enum log_level lvl = LOG_INFO;

	if (!strcmp(l, "debug") || a->verbose)
		lvl = LOG_DEBUG;
	else if (!strcmp(l, "warning"))
		lvl = LOG_WARN;
	else if (strcmp(l, "info") && strcmp(l, "notice"))
		lvl = LOG_ERROR;
	log_set_level(lvl);
	g_stderr = config_get_bool(&a->cfg, "log_stderr");
	g_syslog = config_get_bool(&a->cfg, "log_syslog");
	if (g_syslog)
		log_syslog_open("saker");
	log_set_handler(log_sink);
}

static int list_events(const struct app *a)
{
	if (a->markdown)
		printf("Dir | Name | Params\n:----|:-----|:-----\n");
	for (uint16_t t = 0; t < PPM_EVENT_MAX; t++) {
		const struct evt_info *ei = evt_schema_get(t);

		if (!ei || !strcmp(ei->name, "NA"))
			continue;
		printf(a->markdown ? "`%c` | `%s` | " : "%c %s(", ei->dir == EVD_ENTER ? '>' : '<',
		       ei->name);
		for (uint8_t k = 0; k < ei->nparams; k++)
			printf("%s%s **%s**", k ? ", " : "",
			       fields_type_name((enum ppm_param_type)ei->params[k].type),
			       ei->params[k].name);
		printf(a->markdown ? "\n" : ")\n");
	}
	return 0;
}

static int print_ignored(void)
{
	printf("Ignored syscall(s):\n");
	for (size_t i = 0; i < evt_schema_syscall_count(); i++)
		if (syscalls_is_heavy_io(i))
			printf("- %s\n", evt_schema_syscall_name(i));
	printf("\n");
	return 0;
}

static int list_rules(struct engine *en, const char *only)
{
	struct ruleset *rs = engine__ruleset(en);
	bool found = false;

	printf("%-60s %s\n", "Rule", "Description");
	printf("%-60s %s\n", "----", "-----------");
	for (size_t i = 0; i < rs->nrules; i++) {
		const char *d = rs->rules[i].src->desc ? rs->rules[i].src->desc : "";

		if (only && strcmp(only, rs->rules[i].src->name))
			continue;
		found = true;
		printf("%-60s %.*s\n", rs->rules[i].src->name, (int)strcspn(d, "\n"), d);
	}
	if (only && !found) {
		fprintf(stderr, "Error: rule '%s' not found\n", only);
		return 1;
	}
	return 0;
}

static int validate(const struct app *a)
{
	struct strbuf sb = STRBUF_INIT;
	struct ruleset *rs;
	char **files = NULL, err[512];
	size_t n = 0;
	int e, ret = 0;

	e = config_expand_rules((const char *const *)a->validate_files, a->nvalidate, false, &files,
				&n, err, sizeof(err));
	if (e) {
		fprintf(stderr, "Error: %s\n", err);
		return 1;
	}
	if ((e = ruleset__new(&rs))) {
		fprintf(stderr, "Error: %s\n", strerror(-e));
		ret = 1;
		goto out;
	}
	ruleset__set_fields(rs, a->ps->reg);
	for (size_t i = 0; i < n; i++)
		ruleset__load_file(rs, files[i]);
	ruleset__compile(rs);
	if (rules_load_check_plugin_reqs(&rs->rl, err, sizeof(err))) {
		fprintf(stderr, "Error: %s\n", err);
		ret = 1;
		ruleset__free(rs);
		goto out;
	}
	if (a->cfg.json_output) {
		strbuf_adds(&sb, "{\"falco_load_results\":[{\"errors\":[");
		for (size_t i = 0, k = 0; i < rs->diags.n; i++)
			if (diag_code_is_error(rs->diags.items[i]->code)) {
				if (k++)
					strbuf_addc(&sb, ',');
				diag_format_json(rs->diags.items[i], &sb);
			}
		strbuf_printf(&sb, "],\"successful\":%s,\"warnings\":[",
			      rs->diags.nerr ? "false" : "true");
		for (size_t i = 0, k = 0; i < rs->diags.n; i++)
			if (!diag_code_is_error(rs->diags.items[i]->code)) {
				if (k++)
					strbuf_addc(&sb, ',');
				diag_format_json(rs->diags.items[i], &sb);
			}
		strbuf_adds(&sb, "]}]}\n");
	} else {
		for (size_t i = 0; i < n; i++)
			strbuf_printf(&sb, "%s: %s\n", files[i], rs->diags.nerr ? "Invalid" : "Ok");
		for (size_t i = 0; i < rs->diags.n; i++)
			diag_format_text(rs->diags.items[i], &sb);
	}
	if (sb.buf)
		fputs(sb.buf, stdout);
	ret = rs->diags.nerr ? 1 : 0;
	ruleset__free(rs);
out:
	for (size_t i = 0; i < n; i++)
		mem_free(files[i]);
	mem_free(files);
	strbuf_release(&sb);
	return ret;
}

static void free_rule_files(struct app *a)
{
	for (size_t i = 0; i < a->nrule_files; i++)
		mem_free(a->rule_files[i]);
	mem_free(a->rule_files);
	a->rule_files = NULL;
	a->nrule_files = 0;
}

/* The rules files to load: -r, else the configuration's rules_files (those
 * that exist), else saker's own ruleset. */
static int resolve_rules(struct app *a, const struct config *cfg, char *err, size_t errlen)
{
	const char *dflt = SAKER_DEFAULT_RULES;

	free_rule_files(a);
	if (a->nrules)
		return config_expand_rules((const char *const *)a->rules, a->nrules, false,
					   &a->rule_files, &a->nrule_files, err, errlen);
	if (cfg->nrules_files)
		return config_expand_rules((const char *const *)cfg->rules_files, cfg->nrules_files,
					   true, &a->rule_files, &a->nrule_files, err, errlen);
	if (a->print)
		return 0;
	return config_expand_rules(&dflt, 1, false, &a->rule_files, &a->nrule_files, err, errlen);
}

/* What watch_config_files watches: the configuration files, the
 * config_files directories and the rules files and directories. */
static void watch_paths(struct app *a, const struct config *cfg)
{
	const char **p;
	size_t n = 0;

	if (!a->watch)
		return;
	p = mem_calloc(cfg->nfiles + cfg->ndirs + a->nrules + cfg->nrules_files + a->nrule_files + 1,
		       sizeof(*p));
	if (!p)
		return;
	for (size_t i = 0; i < cfg->nfiles; i++)
		p[n++] = cfg->files[i];
	for (size_t i = 0; i < cfg->ndirs; i++)
		p[n++] = cfg->dirs[i];
	for (size_t i = 0; i < a->nrules; i++)
		p[n++] = a->rules[i];
	for (size_t i = 0; !a->nrules && i < cfg->nrules_files; i++)
		p[n++] = cfg->rules_files[i];
	for (size_t i = 0; i < a->nrule_files; i++)
		p[n++] = a->rule_files[i];
	config_watch__set(a->watch, p, n);
	mem_free(p);
}

/* Whether the configuration nc differs from the running one only by its
 * rules files and plugins' init_config, and every such plugin took its new
 * one through set_config. */
static bool plugins_reconfigured(struct app *a, struct engine *en, const struct config *nc)
{
	static const char *const skip[] = { "rules_files", "rules_file", "plugins", NULL };

	return a->ps && !config_differs_beyond(&a->cfg, nc, skip) &&
	       !saker_plugins_reconfigure(en, a->ps, nc);
}

/* On the event thread at every reload (SIGHUP, watch_config_files): the
 * configuration read again. A change of its rules files alone reloads the
 * rules with no event lost, and so does a change of plugins' init_config
 * the plugins take through set_config; any other change stops saker, which
 * then starts again with it (as Falco restarts); a configuration that no
 * longer loads keeps everything running as it is. */
static int reload_hook(void *ctx, struct engine *en)
{
	struct app *a = ctx;
	struct config nc;
	char err[1024];
	int e;

	config_init(&nc);
	if (a->cfg_path) {
		e = config_load(&nc, a->cfg_path, (const char *const *)a->overrides, a->noverrides, err,
				sizeof(err));
		if (e) {
			log_error("reload: %s; the running configuration and rules stay", err);
			config_release(&nc);
			return e;
		}
	}
	if (a->cfg_path && config_differs_beyond_rules(&a->cfg, &nc) &&
	    !plugins_reconfigured(a, en, &nc)) {
		log_info("reload: the configuration changed beyond its rules files: "
			 "restarting with it");
		a->restart = true;
		engine__stop(en);
		config_release(&nc);
		return 1;
	}
	e = resolve_rules(a, a->cfg_path ? &nc : &a->cfg, err, sizeof(err));
	if (!e)
		e = engine__set_rule_files(en, (const char *const *)a->rule_files, a->nrule_files);
	else
		log_error("reload: %s", err);
	watch_paths(a, a->cfg_path ? &nc : &a->cfg);
	config_release(&nc);
	return e;
}

static void on_watch(void *ctx)
{
	engine__request_reload(ctx);
}

static void print_version(const struct app *a)
{
	struct strbuf sb = STRBUF_INIT;

	if (a->cfg.json_output) {
		webserver_versions_json(&sb);
		if (sb.buf)
			printf("%s\n", sb.buf);
		strbuf_release(&sb);
		return;
	}
	printf("saker version: %s\n", SAKER_VERSION);
	printf("Plugin API:    %s\n", PA_API_VERSION_STR);
	printf("Engine:        %s\n", "0.63.0");
	printf("Driver:        modern_ebpf (CO-RE, built in)\n");
}

static int print_support(const struct app *a)
{
	struct strbuf sb = STRBUF_INIT, cfgj = STRBUF_INIT;
	struct utsname u;

	if (uname(&u)) {
		fprintf(stderr, "Error: Could not get system info: %s\n", strerror(errno));
		return 1;
	}
	strbuf_adds(&sb, "{\"cmdline\":");
	strbuf_add_json_str(&sb, a->cmdline);
	config_dump_json(&a->cfg, &cfgj);
	strbuf_adds(&sb, ",\"config\":");
	strbuf_add_json_str(&sb, cfgj.buf ? cfgj.buf : "{}");
	strbuf_adds(&sb, ",\"engine_info\":");
	webserver_versions_json(&sb);
	strbuf_adds(&sb, ",\"rules_files\":[");
	for (size_t i = 0; i < a->nrule_files; i++) {
		FILE *f = fopen(a->rule_files[i], "rb");
		struct strbuf content = STRBUF_INIT;
		char buf[65536];
		size_t n;

		while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(&content, buf, n);
		if (f)
			fclose(f);
		strbuf_adds(&sb, i ? ",{\"name\":" : "{\"name\":");
		strbuf_add_json_str(&sb, a->rule_files[i]);
		strbuf_adds(&sb, ",\"variants\":[{\"content\":");
		strbuf_add_json_str(&sb, content.buf ? content.buf : "");
		strbuf_adds(&sb, "}]}");
		strbuf_release(&content);
	}
	strbuf_adds(&sb, "],\"system_info\":{\"machine\":");
	strbuf_add_json_str(&sb, u.machine);
	strbuf_adds(&sb, ",\"nodename\":");
	strbuf_add_json_str(&sb, u.nodename);
	strbuf_adds(&sb, ",\"release\":");
	strbuf_add_json_str(&sb, u.release);
	strbuf_adds(&sb, ",\"sysname\":");
	strbuf_add_json_str(&sb, u.sysname);
	strbuf_adds(&sb, ",\"version\":");
	strbuf_add_json_str(&sb, u.version);
	strbuf_adds(&sb, "},\"version\":\"" SAKER_VERSION "\"}");
	if (sb.buf)
		printf("%s\n", sb.buf);
	strbuf_release(&sb);
	strbuf_release(&cfgj);
	return 0;
}

/* The configuration file when -c is absent: an installed saker's. */
static const char *default_config(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (strcmp(exe, SAKER_INSTALL_BINDIR "/saker") || access(SAKER_INSTALL_CONFIG, R_OK))
		return NULL;
	return SAKER_INSTALL_CONFIG;
}

enum {
	OPT_LIST = 256, OPT_PRINT, OPT_NOJIT, OPT_JIT_WAIT, OPT_VERSION, OPT_LIST_EVENTS, OPT_LIST_PLUGINS,
	OPT_DRY_RUN, OPT_SUPPORT, OPT_CONFIG_SCHEMA, OPT_CONFIG_KEYS, OPT_RULE_SCHEMA, OPT_MARKDOWN,
	OPT_PAGE_SIZE, OPT_ENABLE_SOURCE, OPT_DISABLE_SOURCE, OPT_PLUGIN_INFO, OPT_GVISOR,
};

/* 0 to go on, 1 to stop with failure. */
static int parse_args(struct app *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", optional_argument, NULL, OPT_LIST },
		{ "print", no_argument, NULL, OPT_PRINT },
		{ "no-jit", no_argument, NULL, OPT_NOJIT },
		{ "jit-wait", no_argument, NULL, OPT_JIT_WAIT },
		{ "unbuffered", no_argument, NULL, 'U' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ "option", required_argument, NULL, 'o' },
		{ "validate", required_argument, NULL, 'V' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "snaplen", required_argument, NULL, 'S' },
		{ "print-base64", no_argument, NULL, 'b' },
		{ "list-events", no_argument, NULL, OPT_LIST_EVENTS },
		{ "list-plugins", no_argument, NULL, OPT_LIST_PLUGINS },
		{ "plugin-info", required_argument, NULL, OPT_PLUGIN_INFO },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "support", no_argument, NULL, OPT_SUPPORT },
		{ "config-schema", no_argument, NULL, OPT_CONFIG_SCHEMA },
		{ "config-keys", no_argument, NULL, OPT_CONFIG_KEYS },
		{ "rule-schema", no_argument, NULL, OPT_RULE_SCHEMA },
		{ "markdown", no_argument, NULL, OPT_MARKDOWN },
		{ "page-size", no_argument, NULL, OPT_PAGE_SIZE },
		{ "enable-source", required_argument, NULL, OPT_ENABLE_SOURCE },
		{ "disable-source", required_argument, NULL, OPT_DISABLE_SOURCE },
		{ "gvisor-generate-config", optional_argument, NULL, OPT_GVISOR },
		{ NULL, 0, NULL, 0 },
	};
	char *snaplen = NULL;
	int c;

	for (int i = 0, o = 0; i < argc && o < (int)sizeof(a->cmdline) - 1; i++)
		o += snprintf(a->cmdline + o, sizeof(a->cmdline) - (size_t)o, "%s%s", i ? " " : "",
			      argv[i]);
	a->rules = mem_calloc((size_t)argc + 1, sizeof(char *));
	a->validate_files = mem_calloc((size_t)argc + 1, sizeof(char *));
	a->overrides = mem_calloc((size_t)argc + 4, sizeof(char *));
	a->enable_src = mem_calloc((size_t)argc + 1, sizeof(char *));
	a->disable_src = mem_calloc((size_t)argc + 1, sizeof(char *));
	if (!a->rules || !a->validate_files || !a->overrides || !a->enable_src || !a->disable_src) {
		fprintf(stderr, "Error: out of memory\n");
		return 1;
	}
	while ((c = getopt_long(argc, argv, "r:e:c:o:AM:w:V:Ll:UhvNP:S:bip:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': a->rules[a->nrules++] = optarg; break;
		case 'e': a->capture = optarg; break;
		case 'c': a->cfg_path = optarg; break;
		case 'o': a->overrides[a->noverrides++] = optarg; break;
		case 'A': a->all_sc = true; break;
		case 'M': a->duration = atoi(optarg); break;
		case 'w': a->write_path = optarg; break;
		case 'V': a->validate_files[a->nvalidate++] = optarg; break;
		case 'L': a->list_rules = true; break;
		case 'l': a->describe_rule = optarg; break;
		case 'U': a->unbuffered = true; break;
		case 'v': a->verbose = true; break;
		case 'N': a->names_only = true; break;
		case 'P': a->pidfile = optarg; break;
		case 'S': snaplen = optarg; break;
		case 'b': a->overrides[a->noverrides++] = "buffer_format_base64=true"; break;
		case 'i': a->print_ignored = true; break;
		case 'p':
			fprintf(stderr, "Error: -p is not supported: add output with append_output in "
				"the configuration\n");
			return 1;
		case OPT_LIST:
			a->list_fields = true;
			a->list_source = optarg;
			if (!optarg && optind < argc && argv[optind][0] != '-')
				a->list_source = argv[optind++];
			break;
		case OPT_PRINT: a->print = true; break;
		case OPT_NOJIT: a->no_jit = true; break;
		case OPT_JIT_WAIT: a->jit_wait = true; break;
		case OPT_VERSION: a->print_version = true; break;
		case OPT_LIST_EVENTS: a->list_events = true; break;
		case OPT_LIST_PLUGINS: a->list_plugins = true; break;
		case OPT_DRY_RUN: a->dry_run = true; break;
		case OPT_SUPPORT: a->print_support = true; break;
		case OPT_CONFIG_SCHEMA: a->config_schema = true; break;
		case OPT_CONFIG_KEYS: a->config_keys = true; break;
		case OPT_MARKDOWN: a->markdown = true; break;
		case OPT_PAGE_SIZE: a->page_size = true; break;
		case OPT_ENABLE_SOURCE: a->enable_src[a->nenable++] = optarg; break;
		case OPT_DISABLE_SOURCE: a->disable_src[a->ndisable++] = optarg; break;
		case OPT_PLUGIN_INFO: a->plugin_info = optarg; break;
		case OPT_RULE_SCHEMA:
			fprintf(stderr, "Error: --rule-schema is not supported\n");
			return 1;
		case OPT_GVISOR:
			fprintf(stderr, "Error: saker has no gVisor engine\n");
			return 1;
		case 'h': a->print_help = true; break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Error: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	if (snaplen) {
		static char opt[64];

		snprintf(opt, sizeof(opt), "falco_libs.snaplen=%s", snaplen);
		a->overrides[a->noverrides++] = opt;
	}
	return 0;
}

/* The engine and its services, then the events: 0 or 1. */
static int run(struct app *a)
{
	struct engine_opts eo = { .sz = sizeof(eo), .reload_hook = reload_hook, .reload_ctx = a };
	struct strbuf sb = STRBUF_INIT;
	struct metrics *m = NULL;
	struct webserver *ws = NULL;
	const char *capture = a->capture;
	char err[1024];
	int e, ret = 1;
	bool live;

	if (!capture && !strcmp(config_get_str(&a->cfg, "engine.kind"), "replay"))
		capture = config_get_str(&a->cfg, "engine.replay.capture_file");
	live = !capture;
	eo.cfg = &a->cfg;
	eo.print_events = a->print;
	eo.write_path = a->write_path;
	/* listing rules or checking the configuration evaluates no event */
	eo.no_jit = a->no_jit || !config_get_bool(&a->cfg, "jit.enabled") || a->list_rules ||
		    a->describe_rule || a->dry_run;
	eo.jit_tiered = !a->jit_wait && !config_get_bool(&a->cfg, "jit.wait");
	if ((e = engine__new(&eo, &a->en))) {
		fprintf(stderr, "Error: %s\n", strerror(-e));
		return 1;
	}
	{
		const char **enabled = NULL;
		size_t nen = 0;

		if (saker_sources(a->ps, a->enable_src, a->nenable, a->disable_src, a->ndisable,
				  &enabled, &nen))
			goto out;
		e = engine__use_plugins(a->en, a->ps, !live, enabled, nen, err, sizeof(err));
		mem_free(enabled);
		if (e) {
			fprintf(stderr, "Error: %s\n", err);
			goto out;
		}
	}
	if (a->nrule_files) {
		e = engine__load_rules(a->en, (const char *const *)a->rule_files, a->nrule_files, &sb);
		if (sb.buf)
			fputs(sb.buf, stderr);
		strbuf_reset(&sb);
		if (e) {
			fprintf(stderr, "Error: could not load rules: %s\n",
				e == -EINVAL ? "errors above" : strerror(-e));
			goto out;
		}
	}
	if (a->list_rules || a->describe_rule) {
		ret = list_rules(a->en, a->describe_rule);
		goto out;
	}
	if (a->print_support) {
		ret = print_support(a);
		goto out;
	}
	if (a->dry_run) {
		log_info("dry run: the configuration and %zu rules files load", a->nrule_files);
		ret = 0;
		goto out;
	}
	if (config_get_bool(&a->cfg, "metrics.enabled")) {
		if ((e = metrics__new(&a->cfg, a->en, &m)) || (e = metrics__start(m, err, sizeof(err)))) {
			fprintf(stderr, "Error: %s\n", e == -ENOMEM ? "out of memory" : err);
			goto out;
		}
	}
	if (live && config_get_bool(&a->cfg, "webserver.enabled") &&
	    (e = webserver__start(&a->cfg, m, &ws, err, sizeof(err)))) {
		fprintf(stderr, "Error: %s\n", err);
		goto out;
	}
	if (live && config_get_bool(&a->cfg, "watch_config_files")) {
		if ((e = config_watch__start(on_watch, a->en, &a->watch)))
			log_warn("watch_config_files: no inotify: %s", strerror(-e));
		watch_paths(a, &a->cfg);
	}
	if (a->pidfile) {
		FILE *f = fopen(a->pidfile, "w");

		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
			fprintf(stderr, "Error: pidfile %s: %s\n", a->pidfile, strerror(errno));
			goto out;
		}
	}
	g_engine = a->en;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);
	signal(SIGHUP, on_signal);
	if (a->duration > 0)
		alarm((unsigned)a->duration);
	if (capture)
		e = engine__run_capture(a->en, capture, err, sizeof(err));
	else
		e = engine__run_live(a->en, err, sizeof(err));
	g_engine = NULL;
	engine__format_stats(a->en, &sb);
	if (sb.buf)
		fputs(sb.buf, stderr);
	if (e) {
		fprintf(stderr, "Error: %s\n", err);
		goto out;
	}
	ret = 0;
out:
	g_engine = NULL;
	config_watch__stop(a->watch);
	a->watch = NULL;
	webserver__stop(ws);
	metrics__free(m);
	engine__free(a->en);
	a->en = NULL;
	if (a->pidfile)
		unlink(a->pidfile);
	strbuf_release(&sb);
	return ret;
}

int main(int argc, char **argv)
{
	struct app a = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char err[1024];
	int ret = 1;

	config_init(&a.cfg);
	if (parse_args(&a, argc, argv))
		goto out;
	if (a.config_schema || a.config_keys) {
		if (a.config_schema)
			config_schema_json(&sb);
		else
			config_keys_markdown(&sb);
		if (sb.buf)
			printf("%s%s", sb.buf, a.config_schema ? "\n" : "");
		ret = 0;
		goto out;
	}
	if (!a.cfg_path)
		a.cfg_path = default_config();
	else if (access(a.cfg_path, R_OK)) {
		fprintf(stderr, "Error: Could not find configuration file at %s\n", a.cfg_path);
		goto out;
	}
	if (a.all_sc)
		a.overrides[a.noverrides++] = "base_syscalls.all=true";
	if (config_load(&a.cfg, a.cfg_path, (const char *const *)a.overrides, a.noverrides, err,
			sizeof(err))) {
		fprintf(stderr, "Error: %s\n", err);
		goto out;
	}
	setup_logging(&a);
	if (a.unbuffered)
		a.cfg.buffered_outputs = false;
	if (!a.print_help && !a.print_version && !a.page_size &&
	    plugin_set__load(&a.cfg, true, &a.ps, err, sizeof(err))) {
		fprintf(stderr, "Error: %s\n", err);
		goto out;
	}
	ret = 0;
	if (a.print_help)
		usage(stdout);
	else if (a.print_version)
		print_version(&a);
	else if (a.page_size)
		log_info("Your system page size is: %ld bytes", sysconf(_SC_PAGESIZE));
	else if (a.print_ignored)
		ret = print_ignored();
	else if (a.list_events)
		ret = list_events(&a);
	else if (a.list_plugins)
		ret = saker_list_plugins(a.ps);
	else if (a.plugin_info)
		ret = saker_plugin_info(a.ps, a.plugin_info);
	else if (a.list_fields)
		ret = saker_list_fields(a.ps, a.list_source, a.names_only, a.markdown);
	else if (a.nvalidate)
		ret = validate(&a);
	else if (resolve_rules(&a, &a.cfg, err, sizeof(err))) {
		fprintf(stderr, "Error: %s\n", err);
		ret = 1;
	} else {
		ret = run(&a);
	}
	if (a.restart && !ret) {
		/* the same command line, on the configuration as it is now */
		plugin_set__free(a.ps);
		a.ps = NULL;
		fflush(NULL);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "Error: could not restart: %s\n", strerror(errno));
		ret = 1;
	}
out:
	free_rule_files(&a);
	plugin_set__free(a.ps);
	config_release(&a.cfg);
	strbuf_release(&sb);
	mem_free(a.rules);
	mem_free(a.validate_files);
	mem_free(a.overrides);
	mem_free(a.enable_src);
	mem_free(a.disable_src);
	return ret;
}
