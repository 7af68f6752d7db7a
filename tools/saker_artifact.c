/* saker-artifact: rules files and plugins as artifacts, with falcoctl's
 * commands, configuration keys and file formats: configured indexes
 * (index add/list/remove/update), search and info, install, and follow
 * (install each new version, then make the running saker reload). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "runtime/artifact/art_types.h"
#include "runtime/artifact/cosign.h"
#include "runtime/artifact/follow.h"
#include "runtime/artifact/index_cfg.h"
#include "runtime/artifact/install.h"
#include "runtime/artifact/settings.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

#define DEFAULT_RULESFILES_DIR "/etc/falco"
#define DEFAULT_PLUGINS_DIR "/usr/share/falco/plugins"
#define DEFAULT_ASSETS_DIR "/etc/falco/assets"
#define DEFAULT_STATE_DIR "/var/lib/saker"
#define DEFAULT_EVERY_MS (6ul * 3600 * 1000)
#define DEFAULT_MIN_SCORE 0.65

static volatile sig_atomic_t g_stop;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: saker-artifact [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"  index add NAME URL [BACKEND]  fetch an index.yaml (https, http or file) and keep it\n"
		"  index list                    the configured indexes\n"
		"  index remove NAME...          forget indexes\n"
		"  index update [NAME]           fetch the indexes again\n"
		"  [artifact] search KEYWORD...  index entries whose name or keywords match\n"
		"  [artifact] info REF...        type, version, digest, dependencies, requirements\n"
		"  [artifact] install [REF...]   install (default: artifact.install.refs)\n"
		"  [artifact] follow [REF...]    install every new version (default:\n"
		"                                artifact.follow.refs), then SIGHUP saker\n"
		"\n"
		"REF: an index name (falco-rules, falco-rules:3, falco-rules@sha256:...), an OCI\n"
		"reference (registry/repository[:tag|@digest]) or an http(s) URL of a .tar.gz.\n"
		"\n"
		"  -c, --config FILE         settings with falcoctl's keys (saker's config file works)\n"
		"  --config-dir DIR          where configured indexes are kept (~/.config/saker)\n"
		"  --rulesfiles-dir DIR      destination of rules files (" DEFAULT_RULESFILES_DIR ")\n"
		"  --plugins-dir DIR         destination of plugins (" DEFAULT_PLUGINS_DIR ")\n"
		"  --assets-dir DIR          destination of assets (" DEFAULT_ASSETS_DIR ")\n"
		"  --allowed-types LIST      rulesfile,plugin,asset (default: all)\n"
		"  --resolve-deps            install dependencies from the indexes\n"
		"  --key FILE                cosign public key (PEM; repeatable): signatures required\n"
		"  --no-verify               do not check signatures\n"
		"  --cafile FILE             extra CA certificates for TLS\n"
		"  --plain-http              talk to registries over http\n"
		"  --user USER:PASSWORD      basic credentials for every registry\n"
		"  --timeout SECS            a server silent this long fails the request (30)\n"
		"  --type TYPE               artifact type of tarball URLs (rulesfile)\n"
		"  --min-score F             search: name similarity threshold (0.65)\n"
		"  --every DURATION          follow: interval between checks (6h)\n"
		"  --state-dir DIR           follow: last installed digests (" DEFAULT_STATE_DIR ")\n"
		"  --pid PID, --pidfile FILE follow: the saker to SIGHUP after an update\n"
		"  --rounds N                follow: stop after N rounds of checks\n"
		"  -v, --verbose             debug messages\n"
		"  -h, --help                this help\n");
}

static void on_log(enum log_level lvl, const char *msg)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	fprintf(stderr, "saker-artifact: %s: %s\n", names[lvl], msg);
}

static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

struct cli {
	struct settings s;
	char *config_dir;
	const char *dirs[ART__COUNT];
	bool plain_http, resolve_deps, no_verify;
	unsigned timeout_s, rounds;
	double min_score;
	int url_type;
	char *user, *password;
	struct oci_cred *creds;		/* settings' plus --user's */
	size_t ncreds;
};

static int load_indexes(struct cli *c, const struct http_opts *ho, struct index_cfg *ic,
			struct index *ix)
{
	int err = index_cfg_load(c->config_dir, ic);

	/* indexes named in the configuration are fetched once, as if added */
	for (size_t i = 0; !err && i < c->s.nindexes; i++) {
		bool known = false;

		for (size_t k = 0; k < ic->n; k++)
			known |= !strcmp(ic->items[k].name, c->s.indexes[i].name);
		if (!known)
			err = index_cfg_add(ic, ho, c->s.indexes[i].name, c->s.indexes[i].url,
					    c->s.indexes[i].backend);
	}
	if (!err && ix)
		err = index_cfg_merged(ic, ix);
	return err;
}

static int cmd_index(struct cli *c, const struct http_opts *ho, int argc, char **argv)
{
	struct index_cfg ic;
	int err;

	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	if ((err = index_cfg_load(c->config_dir, &ic)))
		return 1;
	if (!strcmp(argv[0], "add") && (argc == 3 || argc == 4)) {
		err = index_cfg_add(&ic, ho, argv[1], argv[2], argc == 4 ? argv[3] : NULL);
		if (!err)
			printf("index %s added\n", argv[1]);
	} else if (!strcmp(argv[0], "list") && argc == 1) {
		printf("%-20s %-50s %-20s %s\n", "NAME", "URL", "ADDED", "UPDATED");
		for (size_t i = 0; i < ic.n; i++)
			printf("%-20s %-50s %-20s %s\n", ic.items[i].name, ic.items[i].url,
			       ic.items[i].added, ic.items[i].updated);
	} else if (!strcmp(argv[0], "remove") && argc >= 2) {
		for (int i = 1; i < argc && !err; i++)
			err = index_cfg_remove(&ic, argv[i]);
	} else if (!strcmp(argv[0], "update") && argc <= 2) {
		err = index_cfg_update(&ic, ho, argc == 2 ? argv[1] : NULL);
	} else {
		usage(stderr);
		err = 2;
	}
	index_cfg_release(&ic);
	return err == 2 ? 2 : err ? 1 : 0;
}

static int cmd_search(struct cli *c, const struct http_opts *ho, int argc, char **argv)
{
	struct index_cfg ic;
	struct index ix;
	int err;

	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	if ((err = load_indexes(c, ho, &ic, &ix))) {
		index_cfg_release(&ic);
		return 1;
	}
	printf("%-16s %-28s %-10s %-60s %s\n", "INDEX", "ARTIFACT", "TYPE", "REGISTRY/REPOSITORY",
	       "DESCRIPTION");
	for (size_t i = 0; i < ix.n; i++) {
		const struct index_entry *e = &ix.e[i];
		bool hit = false;

		for (int k = 0; k < argc && !hit; k++)
			hit = index_entry_matches(e, argv[k], c->min_score);
		if (hit)
			printf("%-16s %-28s %-10s %s/%-*s %s\n", e->index_name, e->name, e->type,
			       e->registry, (int)(59 - strlen(e->registry)) > 0 ? (int)(59 - strlen(e->registry)) : 0,
			       e->repository, e->description ? e->description : "");
	}
	index_release(&ix);
	index_cfg_release(&ic);
	return 0;
}

static const char *host_arch(void)
{
	static struct utsname u;

	if (uname(&u))
		return "amd64";
	if (!strcmp(u.machine, "x86_64"))
		return "amd64";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	return u.machine;
}

/* install, info, follow: everything that talks to registries. */
static int cmd_artifacts(struct cli *c, struct http_opts *ho, const char *cmd, int argc,
			 char **argv)
{
	bool follow = !strcmp(cmd, "follow");
	struct oci_opts oo = { .http = *ho, .creds = c->creds, .ncreds = c->ncreds,
			       .plain_http = c->plain_http };
	struct install_opts io = { .http = *ho, .os = "linux", .arch = host_arch(),
				   .allowed_types = c->s.allowed_types,
				   .resolve_deps = c->resolve_deps || c->s.resolve_deps,
				   .no_verify = c->no_verify || c->s.no_verify,
				   .url_type = (enum art_type)c->url_type };
	struct settings_list *refs = follow ? &c->s.follow_refs : &c->s.install_refs;
	struct cosign_keys *keys = NULL;
	struct index_cfg ic = { 0 };
	struct index ix = { 0 };
	int err, rc = 0;

	if (argc == 0 && !refs->n && strcmp(cmd, "info")) {
		fprintf(stderr, "saker-artifact: %s: no reference given (nor artifact.%s.refs)\n", cmd,
			cmd);
		return 2;
	}
	if (argc == 0 && !strcmp(cmd, "info")) {
		usage(stderr);
		return 2;
	}
	for (int t = 0; t < ART__COUNT; t++) {
		io.dirs[t] = c->dirs[t] ? c->dirs[t]
			     : follow && c->s.follow_dirs[t] ? c->s.follow_dirs[t]
			     : c->s.install_dirs[t];
		if (!io.dirs[t])
			io.dirs[t] = t == ART_RULESFILE ? DEFAULT_RULESFILES_DIR
				     : t == ART_PLUGIN  ? DEFAULT_PLUGINS_DIR
							: DEFAULT_ASSETS_DIR;
	}
	if (c->s.keys.n && !io.no_verify &&
	    cosign_keys__load((const char *const *)c->s.keys.v, c->s.keys.n, &keys))
		return 1;
	io.keys = keys;
	if ((err = load_indexes(c, ho, &ic, &ix)) || (err = oci_client__new(&oo, &io.oci))) {
		rc = 1;
		goto out;
	}
	io.index = &ix;
	if (follow) {
		struct follow_opts fo = {
			.inst = &io,
			.refs = argc ? (const char *const *)argv : (const char *const *)refs->v,
			.nrefs = argc ? (size_t)argc : refs->n,
			.every_ms = c->s.every_ms ? c->s.every_ms : DEFAULT_EVERY_MS,
			.state_dir = c->s.state_dir ? c->s.state_dir : DEFAULT_STATE_DIR,
			.pid = (pid_t)c->s.pid,
			.pidfile = c->s.pidfile,
			.max_rounds = c->rounds,
			.stop = &g_stop,
		};
		struct follow_stats st;

		rc = follow_run(&fo, &st) ? 1 : 0;
		goto out;
	}
	for (size_t i = 0; i < (argc ? (size_t)argc : refs->n); i++) {
		const char *ref = argc ? argv[i] : refs->v[i];

		err = !strcmp(cmd, "info") ? install_info(&io, ref) : install_artifact(&io, ref, NULL);
		if (err) {
			log_error("%s: %s refused", ref, cmd);
			rc = 1;
		}
	}
out:
	oci_client__free(io.oci);
	cosign_keys__free(keys);
	index_release(&ix);
	index_cfg_release(&ic);
	return rc;
}

enum {
	OPT_CONFIG_DIR = 256, OPT_RULES_DIR, OPT_PLUGINS_DIR, OPT_ASSETS_DIR, OPT_ALLOWED,
	OPT_RESOLVE, OPT_KEY, OPT_NO_VERIFY, OPT_CAFILE, OPT_PLAIN, OPT_USER, OPT_TIMEOUT,
	OPT_TYPE, OPT_MIN_SCORE, OPT_EVERY, OPT_STATE_DIR, OPT_PID, OPT_PIDFILE, OPT_ROUNDS,
};

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
	{ "rulesfiles-dir", required_argument, NULL, OPT_RULES_DIR },
	{ "plugins-dir", required_argument, NULL, OPT_PLUGINS_DIR },
	{ "assets-dir", required_argument, NULL, OPT_ASSETS_DIR },
	{ "allowed-types", required_argument, NULL, OPT_ALLOWED },
	{ "resolve-deps", no_argument, NULL, OPT_RESOLVE },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "plain-http", no_argument, NULL, OPT_PLAIN },
	{ "user", required_argument, NULL, OPT_USER },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "min-score", required_argument, NULL, OPT_MIN_SCORE },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "rounds", required_argument, NULL, OPT_ROUNDS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Flags are applied after the configuration file, whatever their order. */
static int apply_flag(struct cli *c, int opt, const char *arg)
{
	unsigned mask;
	int t;

	switch (opt) {
	case OPT_CONFIG_DIR:
		return settings_set_str(&c->config_dir, arg);
	case OPT_RULES_DIR:
	case OPT_PLUGINS_DIR:
	case OPT_ASSETS_DIR:
		c->dirs[opt == OPT_RULES_DIR ? ART_RULESFILE : opt == OPT_PLUGINS_DIR ? ART_PLUGIN : ART_ASSET] = arg;
		return 0;
	case OPT_ALLOWED:
		if (art_type_parse_list(arg, &mask))
			return -EINVAL;
		c->s.allowed_types = mask;
		return 0;
	case OPT_RESOLVE:
		c->resolve_deps = true;
		return 0;
	case OPT_KEY:
		return settings_list_add(&c->s.keys, arg);
	case OPT_NO_VERIFY:
		c->no_verify = true;
		return 0;
	case OPT_CAFILE:
		return settings_set_str(&c->s.cafile, arg);
	case OPT_PLAIN:
		c->plain_http = true;
		return 0;
	case OPT_USER: {
		const char *colon = strchr(arg, ':');

		if (!colon) {
			log_error("--user: expected USER:PASSWORD");
			return -EINVAL;
		}
		c->user = mem_strndup(arg, (size_t)(colon - arg));
		c->password = mem_strdup(colon + 1);
		return c->user && c->password ? 0 : -ENOMEM;
	}
	case OPT_TIMEOUT:
		c->timeout_s = (unsigned)strtoul(arg, NULL, 10);
		return c->timeout_s ? 0 : -EINVAL;
	case OPT_TYPE:
		t = art_type_from_name(arg);
		if (t < 0) {
			log_error("--type: unknown artifact type '%s'", arg);
			return -EINVAL;
		}
		c->url_type = t;
		return 0;
	case OPT_MIN_SCORE:
		c->min_score = strtod(arg, NULL);
		return c->min_score > 0 && c->min_score <= 1 ? 0 : -EINVAL;
	case OPT_EVERY:
		if (settings_duration(arg, &c->s.every_ms) || !c->s.every_ms) {
			log_error("--every: '%s' is not a duration (6h, 10m, 30s)", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_STATE_DIR:
		return settings_set_str(&c->s.state_dir, arg);
	case OPT_PID:
		c->s.pid = strtol(arg, NULL, 10);
		return c->s.pid > 0 ? 0 : -EINVAL;
	case OPT_PIDFILE:
		return settings_set_str(&c->s.pidfile, arg);
	case OPT_ROUNDS:
		c->rounds = (unsigned)strtoul(arg, NULL, 10);
		return 0;
	}
	return -EINVAL;
}

/* Settings' credentials plus --user's for every registry the
 * configuration does not name. */
static int build_creds(struct cli *c)
{
	c->creds = mem_calloc(c->s.ncreds + 1, sizeof(*c->creds));
	if (!c->creds)
		return -ENOMEM;
	if (c->s.ncreds)
		memcpy(c->creds, c->s.creds, c->s.ncreds * sizeof(*c->creds));
	c->ncreds = c->s.ncreds;
	if (c->user)	/* registry NULL: any registry */
		c->creds[c->ncreds++] = (struct oci_cred){ NULL, c->user, c->password };
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .min_score = DEFAULT_MIN_SCORE, .url_type = ART_RULESFILE };
	struct http_opts ho = { 0 };
	struct { int opt; const char *arg; } flags[64];
	const char *config = NULL, *cmd;
	size_t nflags = 0;
	int opt, rc = 1;

	log_set_handler(on_log);
	while ((opt = getopt_long(argc, argv, "c:vh", long_opts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == 'c')
			config = optarg;
		else if (opt == 'v')
			log_set_level(LOG_DEBUG);
		else if (opt == '?' || nflags == sizeof(flags) / sizeof(flags[0]))
			return 2;
		else
			flags[nflags++] = (typeof(flags[0])){ opt, optarg };
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (config && settings_load(&c.s, config))
		goto out;
	for (size_t i = 0; i < nflags; i++)
		if (apply_flag(&c, flags[i].opt, flags[i].arg)) {
			fprintf(stderr, "saker-artifact: bad value for an option\n");
			rc = 2;
			goto out;
		}
	if (!c.config_dir) {
		const char *home = getenv("HOME");
		struct strbuf sb = STRBUF_INIT;

		strbuf_printf(&sb, "%s/.config/saker", home && *home ? home : "/root");
		c.config_dir = sb.buf;
	}
	if (!c.config_dir || build_creds(&c))
		goto out;
	ho.cafile = c.s.cafile;
	ho.connect_timeout_s = c.timeout_s;
	ho.stall_timeout_s = c.timeout_s;
	ho.total_timeout_s = c.timeout_s ? c.timeout_s * 10 : 0;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGPIPE, SIG_IGN);
	cmd = argv[optind++];
	if (!strcmp(cmd, "artifact") && optind < argc)
		cmd = argv[optind++];
	if (!strcmp(cmd, "index"))
		rc = cmd_index(&c, &ho, argc - optind, argv + optind);
	else if (!strcmp(cmd, "search"))
		rc = cmd_search(&c, &ho, argc - optind, argv + optind);
	else if (!strcmp(cmd, "install") || !strcmp(cmd, "info") || !strcmp(cmd, "follow"))
		rc = cmd_artifacts(&c, &ho, cmd, argc - optind, argv + optind);
	else {
		usage(stderr);
		rc = 2;
	}
out:
	settings_release(&c.s);
	mem_free(c.config_dir);
	mem_free(c.creds);
	mem_free(c.user);
	mem_free(c.password);
	return rc;
}
