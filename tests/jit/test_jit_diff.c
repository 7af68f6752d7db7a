/* Differential tests of the JIT against the interpreter, its reference:
 * every event of the shared captures is evaluated by both after one state
 * update, and the lists of matching rules must be equal, for the three
 * official rules files and for rules generated at random from the grammar
 * and the field catalogue (fixed seed; SAKER_DIFF_SEED and SAKER_DIFF_RULES
 * choose others for longer runs). Tiered evaluation switches from the
 * interpreter to the JIT between two events with the same answers.
 * build/saker's alert output must be the same bytes tiered (the default),
 * with --jit-wait and with --no-jit. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/common/shared_dir.h"

#include "tests/common/run_cmd.h"

#include "compiler/ruleset.h"
#include "runtime/base/evt.h"
#include "runtime/base/log.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/engine.h"
#include "runtime/scap.h"

#define CAPS SAKER_SHARED_DIR "/falco/captures/"
#define RULES SAKER_SHARED_DIR "/falco/rules/"

static const char *const small_caps[] = {
	"curl_google.scap", "curl_google_comments.scap", "single_ipv6_conn.scap",
	"test_ipv6_client.scap",
};

static const char *const official[] = {
	RULES "falco_rules.yaml", RULES "falco-incubating_rules.yaml",
	RULES "falco-sandbox_rules.yaml",
};

/* The bench captures are long: a prefix of them is enough here (less
 * under the sanitizers). */
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_EVENTS 40000
#else
#define BENCH_EVENTS 400000
#endif

struct tally {
	uint64_t events;	/* events evaluated by both */
	uint64_t matches;	/* rule matches (agreed) */
};

/* Replays at most max events of capture through en, comparing the two
 * evaluators on each. */
static void diff_capture(struct engine *en, const char *capture, uint64_t max, struct tally *t)
{
	uint32_t n = engine__ruleset(en)->nrules + 1;
	uint32_t *a = calloc(n, sizeof(*a)), *b = calloc(n, sizeof(*b));
	struct scap_reader *r;
	struct scap_err se;
	struct scap_cb cb;
	struct evt e;
	uint64_t seen = 0;

	assert_non_null(a);
	assert_non_null(b);
	engine__seed_cb(en, &cb);
	assert_int_equal(scap_reader__open(capture, &cb, &r, &se), 0);
	while (seen < max && scap_reader__next(r, &e, &se) == 0) {
		uint32_t na, nb;

		if (!e.info)
			continue;
		seen++;
		engine__update(en, &e);
		na = engine__match(en, true, a);
		nb = engine__match(en, false, b);
		if (na != nb || memcmp(a, b, na * sizeof(*a))) {
			fprintf(stderr, "%s: event %llu (type %u): jit %u matches, interpreter %u\n",
				capture, (unsigned long long)seen, e.type, na, nb);
			for (uint32_t i = 0; i < na || i < nb; i++)
				fprintf(stderr, "  jit %s | interp %s\n",
					i < na ? engine__ruleset(en)->rules[a[i]].src->name : "-",
					i < nb ? engine__ruleset(en)->rules[b[i]].src->name : "-");
			fail();
		}
		t->matches += na;
		engine__finish(en);
	}
	t->events += seen;
	scap_reader__free(r);
	free(a);
	free(b);
}

/* The configuration of these tests: no JIT cache (every engine compiles,
 * so the code generator is what is tested), or the cache in dir. */
static void test_config(struct config *cfg, const char *dir)
{
	char opt[300], err[256];
	const char *ov[] = { "jit.cache.enabled=false", opt };

	snprintf(opt, sizeof(opt), "jit.cache.dir=%s", dir ? dir : "");
	config_init(cfg);
	if (dir)
		ov[0] = "jit.cache.enabled=true";
	assert_int_equal(config_load(cfg, NULL, ov, 2, err, sizeof(err)), 0);
}

static struct engine *new_engine(struct config *cfg, const char *const *files, size_t n,
				 bool first)
{
	struct engine_opts eo = { .sz = sizeof(eo), .cfg = cfg };
	struct engine_stats s;
	struct engine *en;

	test_config(cfg, NULL);
	cfg->stdout_output = false;
	cfg->rule_matching = first ? CONFIG_MATCH_FIRST : CONFIG_MATCH_ALL;
	struct strbuf diags = STRBUF_INIT;
	int err;

	assert_int_equal(engine__new(&eo, &en), 0);
	err = engine__load_rules(en, files, n, &diags);
	if (err)
		fprintf(stderr, "%s", diags.buf ? diags.buf : "");
	strbuf_release(&diags);
	assert_int_equal(err, 0);
	engine__stats(en, &s);
	assert_true(s.jit);	/* LLVM compiled the rules: no fallback */
	assert_int_equal(s.jit_fallbacks, 0);
	return en;
}

static void run_all_captures(const char *const *files, size_t nfiles, bool first,
			     struct tally *t)
{
	for (size_t i = 0; i < sizeof(small_caps) / sizeof(small_caps[0]); i++) {
		struct config cfg;
		struct engine *en = new_engine(&cfg, files, nfiles, first);
		char path[512];

		snprintf(path, sizeof(path), CAPS "%s", small_caps[i]);
		diff_capture(en, path, UINT64_MAX, t);
		engine__free(en);
		config_release(&cfg);
	}
	for (int i = 0; i < 2; i++) {
		struct config cfg;
		struct engine *en = new_engine(&cfg, files, nfiles, first);

		diff_capture(en, i ? CAPS "bench-syscalls.scap.gz" : CAPS "bench-falcoset.scap.gz",
			     BENCH_EVENTS, t);
		engine__free(en);
		config_release(&cfg);
	}
}

static void official_rules_agree(void **state)
{
	struct tally all = { 0 }, first = { 0 };

	(void)state;
	run_all_captures(official, 3, false, &all);
	run_all_captures(official, 3, true, &first);
	fprintf(stderr, "official rules: %llu events, %llu matches (all), %llu (first)\n",
		(unsigned long long)all.events, (unsigned long long)all.matches,
		(unsigned long long)first.matches);
	assert_true(all.matches > 0);
	assert_true(first.matches > 0 && first.matches <= all.matches);
	{	/* the official rules' evt.rawres tests read the result in place */
		struct config cfg;
		struct engine_stats s;
		struct engine *en = new_engine(&cfg, official, 3, false);

		engine__stats(en, &s);
		assert_true(s.jit_param_reads > 0);
		engine__free(en);
		config_release(&cfg);
	}
}

static void gen_rules(const char *path, unsigned seed, int n);

/* Tiered evaluation: the JIT compiles in the background while the
 * interpreter evaluates; held until half of the events went through the
 * interpreter, it then takes over between two events, and every event's
 * matches are the interpreter's on both sides of the switch. The official
 * rules and random rules that match often, so that both sides match. */
static void tier_switch(const char *const *files, size_t nfiles, uint64_t *jit_matches);

static void tier_switch_mid_stream(void **state)
{
	char path[] = "/tmp/saker-jit-tier-XXXXXX.yaml";
	const char *random[1] = { path };
	uint64_t official_matches, random_matches;
	int fd = mkstemps(path, 5);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	gen_rules(path, 11, 200);
	tier_switch(official, 3, &official_matches);
	tier_switch(random, 1, &random_matches);
	unlink(path);
	assert_true(random_matches > 0);
}

static void tier_switch(const char *const *files, size_t nfiles, uint64_t *jit_matches_out)
{
	struct engine_opts eo = { .sz = sizeof(eo), .jit_tiered = true };
	struct engine_stats s;
	struct config cfg;
	struct engine *en;
	uint32_t *a, *b, n;
	struct scap_reader *r;
	struct scap_err se;
	struct scap_cb cb;
	struct evt e;
	uint64_t seen = 0, jit_matches = 0, half = BENCH_EVENTS / 2;

	test_config(&cfg, NULL);
	cfg.stdout_output = false;
	cfg.rule_matching = CONFIG_MATCH_ALL;
	eo.cfg = &cfg;
	assert_int_equal(engine__new(&eo, &en), 0);
	engine__jit_hold(en, true);
	assert_int_equal(engine__load_rules(en, files, nfiles, NULL), 0);
	n = engine__ruleset(en)->nrules + 1;
	a = calloc(n, sizeof(*a));
	b = calloc(n, sizeof(*b));
	assert_non_null(a);
	assert_non_null(b);
	engine__seed_cb(en, &cb);
	assert_int_equal(scap_reader__open(CAPS "bench-falcoset.scap.gz", &cb, &r, &se), 0);
	while (seen < BENCH_EVENTS && scap_reader__next(r, &e, &se) == 0) {
		uint32_t na, nb;

		if (!e.info)
			continue;
		if (seen == half) {
			engine__stats(en, &s);
			assert_false(s.jit);	/* held: the interpreter so far */
			engine__jit_hold(en, false);
			engine__jit_wait(en);
			engine__stats(en, &s);
			assert_true(s.jit);
			assert_int_equal(s.jit_from_event, half);
		}
		seen++;
		engine__update(en, &e);
		na = engine__match(en, true, a);
		nb = engine__match(en, false, b);
		if (na != nb || memcmp(a, b, na * sizeof(*a)))
			fail_msg("event %llu: %u matches tiered, %u in the interpreter",
				 (unsigned long long)seen, na, nb);
		if (seen > half)
			jit_matches += na;
		engine__finish(en);
	}
	assert_true(seen > half);
	*jit_matches_out = jit_matches;
	scap_reader__free(r);
	free(a);
	free(b);
	engine__free(en);
	config_release(&cfg);
}

static int cache_notes;

static void count_cache_notes(enum log_level lvl, const char *msg)
{
	if (lvl == LOG_WARN && strstr(msg, "JIT cache: entry ignored"))
		cache_notes++;
}

/* One engine of the official rules with the cache in dir: its JIT's
 * parts linked from the cache and compiled; the matches agree with the
 * interpreter's on a capture. */
static void cached_engine(const char *dir, uint32_t *hits, uint32_t *misses)
{
	struct engine_opts eo = { .sz = sizeof(eo) };
	struct engine_stats s;
	struct tally t = { 0 };
	struct config cfg;
	struct engine *en;

	test_config(&cfg, dir);
	cfg.stdout_output = false;
	cfg.rule_matching = CONFIG_MATCH_ALL;
	eo.cfg = &cfg;
	assert_int_equal(engine__new(&eo, &en), 0);
	assert_int_equal(engine__load_rules(en, official, 3, NULL), 0);
	engine__stats(en, &s);
	assert_true(s.jit);
	assert_true(s.jit_param_reads > 0);
	*hits = s.jit_cache_hits;
	*misses = s.jit_cache_misses;
	/* saker's loader put every part in memory, compiled or cached */
	assert_int_equal(s.jit_llvm_links, 0);
	diff_capture(en, CAPS "bench-falcoset.scap.gz", BENCH_EVENTS / 4, &t);
	assert_true(t.events > 0);
	engine__free(en);
	config_release(&cfg);
}

/* The JIT cache: the first engine compiles and stores, the second links
 * every part from the cache, with the same answers; an entry damaged on
 * disk is said once, removed and compiled again. */
static void code_cache_cold_warm_damaged(void **state)
{
	char dir[] = "/tmp/saker-jit-diff-cache-XXXXXX", cmd[512];
	uint32_t hits, misses, parts;
	struct dirent *de;
	DIR *d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	cached_engine(dir, &hits, &misses);
	assert_int_equal(hits, 0);
	assert_true(misses > 0);
	parts = misses;
	cached_engine(dir, &hits, &misses);
	assert_int_equal(hits, parts);
	assert_int_equal(misses, 0);
	/* one entry cut short */
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) && !strstr(de->d_name, ".jit"))
		;
	assert_non_null(de);
	snprintf(cmd, sizeof(cmd), "truncate -s -8 %s/%s", dir, de->d_name);
	closedir(d);
	assert_int_equal(system(cmd), 0);
	cache_notes = 0;
	log_set_handler(count_cache_notes);
	cached_engine(dir, &hits, &misses);
	log_set_handler(NULL);
	assert_int_equal(cache_notes, 1);
	assert_int_equal(misses, 1);
	assert_int_equal(hits, parts - 1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Random rules. */

enum fk { K_STR, K_NUM, K_BOOL, K_IP, K_NET, K_LIST };

static const struct {
	const char *name;
	enum fk kind;
} rfields[] = {
	{ "proc.name", K_STR }, { "proc.pname", K_STR }, { "proc.cmdline", K_STR },
	{ "proc.exe", K_STR }, { "proc.exepath", K_STR }, { "proc.cwd", K_STR },
	{ "proc.aname[2]", K_STR }, { "fd.name", K_STR }, { "fd.directory", K_STR },
	{ "fd.filename", K_STR }, { "fd.typechar", K_STR }, { "fd.type", K_STR },
	{ "user.name", K_STR }, { "group.name", K_STR }, { "evt.dir", K_STR },
	{ "proc.tty", K_NUM }, { "container.id", K_STR }, { "evt.res", K_STR },
	{ "fd.l4proto", K_STR }, { "proc.args", K_STR },
	{ "fd.num", K_NUM }, { "proc.pid", K_NUM }, { "proc.ppid", K_NUM },
	{ "evt.rawres", K_NUM }, { "user.uid", K_NUM }, { "fd.sport", K_NUM },
	{ "fd.rport", K_NUM }, { "fd.lport", K_NUM }, { "thread.tid", K_NUM },
	{ "proc.vpid", K_NUM }, { "evt.cpu", K_NUM }, { "proc.sid", K_NUM },
	{ "evt.rawarg.fd", K_NUM }, { "evt.rawarg.flags", K_NUM }, { "evt.rawarg.res", K_NUM },
	{ "evt.rawarg.size", K_NUM }, { "evt.rawarg.uid", K_NUM },
	{ "evt.failed", K_BOOL }, { "fd.is_server", K_BOOL }, { "proc.is_exe_writable", K_BOOL },
	{ "fd.rip", K_IP }, { "fd.sip", K_IP }, { "fd.cip", K_IP },
	{ "fd.net", K_NET }, { "fd.snet", K_NET }, { "fd.cnet", K_NET },
	{ "proc.aname", K_LIST }, { "fd.types", K_LIST },
};

static const char *const rstrs[] = {
	"curl", "bash", "sh", "/etc", "/usr/bin", "/home/ubuntu", "google", "c", "ls", "sshd",
	"systemd", "/dev/null", "/proc", "root", "f", "4", "0", "6", "file", "ipv6", "udp", "tcp",
	"open", "openat", "connect", "socket", "<", ">", "ENOENT", "SUCCESS", "/lib", "sudo",
	"/usr/lib/x86_64-linux-gnu/libc.so.6", "-6", "www", "ubuntu", "python", "/",
};
static const char *const rnums[] = {
	"0", "1", "2", "3", "-1", "4", "1000", "443", "53", "80", "-2", "65535", "-11", "5",
};
static const char *const rips[] = {
	"127.0.0.1", "::1", "2001:4860:4860::8888", "8.8.8.8", "10.0.2.15", "0.0.0.0",
};
static const char *const rnets[] = {
	"10.0.0.0/8", "0.0.0.0/0", "2001:4860::/32", "192.168.0.0/16", "127.0.0.0/8", "::1/128",
};
static const char *const rtypes[] = {
	"open", "openat", "connect", "socket", "execve", "close", "read", "write", "clone",
	"sendto", "recvfrom", "bind", "accept", "stat", "mmap", "fcntl", "dup2", "procexit",
};

static const char *pick(const char *const *a, size_t n, unsigned *seed)
{
	return a[(size_t)rand_r(seed) % n];
}

#define PICK(a, seed) pick(a, sizeof(a) / sizeof(a[0]), seed)

static void gen_list(FILE *f, const char *const *a, size_t n, unsigned *seed)
{
	int k = 1 + rand_r(seed) % 5;

	fputc('(', f);
	for (int i = 0; i < k; i++)
		fprintf(f, "%s%s", i ? ", " : "", pick(a, n, seed));
	fputc(')', f);
}

static void gen_atom(FILE *f, unsigned *seed)
{
	size_t fi = (size_t)rand_r(seed) % (sizeof(rfields) / sizeof(rfields[0]));
	const char *name = rfields[fi].name;
	int r = rand_r(seed) % 16;

	if (r == 0) {
		fprintf(f, "%s exists", name);
		return;
	}
	if (r == 1) {	/* evt.type, which the JIT decides per function */
		if (rand_r(seed) % 2) {
			fputs("evt.type in ", f);
			gen_list(f, rtypes, sizeof(rtypes) / sizeof(rtypes[0]), seed);
		} else {
			fprintf(f, "evt.type %s %s", rand_r(seed) % 2 ? "=" : "!=", PICK(rtypes, seed));
		}
		return;
	}
	switch (rfields[fi].kind) {
	case K_STR: {
		static const char *const ops[] = { "=", "!=", "contains", "icontains", "startswith",
						   "endswith", "glob", "in", "pmatch" };
		const char *op = PICK(ops, seed);
		bool xf = !strchr(name, '[') && rand_r(seed) % 6 == 0;

		if (xf)
			fprintf(f, "%s(%s) ", rand_r(seed) % 2 ? "tolower" : "basename", name);
		else
			fprintf(f, "%s ", name);
		if (!strcmp(op, "in") || !strcmp(op, "pmatch")) {
			fprintf(f, "%s ", op);
			gen_list(f, rstrs, sizeof(rstrs) / sizeof(rstrs[0]), seed);
		} else if (!strcmp(op, "glob")) {
			fprintf(f, "glob '*%s*'", PICK(rstrs, seed));
		} else if (!xf && !strchr(name, '[') && rand_r(seed) % 8 == 0) {
			const char *other;

			do
				other = rfields[(size_t)rand_r(seed) % 19].name;
			while (strchr(other, '['));
			fprintf(f, "%s val(%s)", op, other);
		} else {
			fprintf(f, "%s '%s'", op, PICK(rstrs, seed));
		}
		return;
	}
	case K_NUM: {
		static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=", "in" };
		const char *op = PICK(ops, seed);

		if (!strcmp(op, "in")) {
			fprintf(f, "%s in ", name);
			gen_list(f, rnums, sizeof(rnums) / sizeof(rnums[0]), seed);
		} else {
			fprintf(f, "%s %s %s", name, op, PICK(rnums, seed));
		}
		return;
	}
	case K_BOOL:
		fprintf(f, "%s %s %s", name, rand_r(seed) % 2 ? "=" : "!=",
			rand_r(seed) % 2 ? "true" : "false");
		return;
	case K_IP:
	case K_NET: {
		bool net = rfields[fi].kind == K_NET;

		if (rand_r(seed) % 2) {
			fprintf(f, "%s in ", name);
			if (net)
				gen_list(f, rnets, sizeof(rnets) / sizeof(rnets[0]), seed);
			else
				gen_list(f, rips, sizeof(rips) / sizeof(rips[0]), seed);
		} else {
			fprintf(f, "%s %s %s", name, rand_r(seed) % 2 ? "=" : "!=",
				net ? PICK(rnets, seed) : PICK(rips, seed));
		}
		return;
	}
	case K_LIST:
		fprintf(f, "%s %s ", name, rand_r(seed) % 2 ? "intersects" : "in");
		gen_list(f, rstrs, sizeof(rstrs) / sizeof(rstrs[0]), seed);
		return;
	}
}

static void gen_expr(FILE *f, int depth, unsigned *seed)
{
	int r = rand_r(seed) % 4;

	if (!depth || r == 0) {
		gen_atom(f, seed);
		return;
	}
	if (r == 1) {
		fputs("not (", f);
		gen_expr(f, depth - 1, seed);
		fputc(')', f);
		return;
	}
	fputc('(', f);
	gen_expr(f, depth - 1, seed);
	fputs(r == 2 ? " and " : " or ", f);
	gen_expr(f, depth - 1, seed);
	fputc(')', f);
}

/* A rules file of n random rules: a shared macro, event-type filters on
 * most rules (some rules without one run on every event). */
static void gen_rules(const char *path, unsigned seed, int n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("- macro: shared_m\n  condition: ", f);
	gen_expr(f, 2, &seed);
	fputs("\n", f);
	for (int i = 0; i < n; i++) {
		fprintf(f, "- rule: random %d\n  desc: generated\n  condition: ", i);
		if (rand_r(&seed) % 5) {
			fputs("evt.type in ", f);
			gen_list(f, rtypes, sizeof(rtypes) / sizeof(rtypes[0]), &seed);
			fputs(" and ", f);
		}
		if (rand_r(&seed) % 4 == 0)
			fputs("shared_m and ", f);
		gen_expr(f, 3, &seed);
		fprintf(f, "\n  output: r%d %%proc.name %%fd.name %%evt.type\n  priority: INFO\n", i);
	}
	fclose(f);
}

static unsigned env_num(const char *name, unsigned dflt)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned)strtoul(v, NULL, 10) : dflt;
}

static void random_rules_agree(void **state)
{
	unsigned seed = env_num("SAKER_DIFF_SEED", 20261201);
	int nrules = (int)env_num("SAKER_DIFF_RULES", 300);
	unsigned rounds = env_num("SAKER_DIFF_ROUNDS", 1);
	char path[] = "/tmp/saker-jit-diff-XXXXXX.yaml";
	const char *files[1] = { path };
	struct tally t = { 0 };
	int fd;

	(void)state;
	for (unsigned round = 0; round < rounds; round++) {
		fd = mkstemps(path, 5);
		assert_true(fd >= 0);
		close(fd);
		gen_rules(path, seed + round, nrules);
		run_all_captures(files, 1, false, &t);
		if (!getenv("SAKER_DIFF_KEEP"))
			unlink(path);
		memcpy(path + strlen(path) - 11, "XXXXXX", 6);
	}
	fprintf(stderr, "random rules: %u rounds of %d rules, %llu events, %llu matches\n", rounds,
		nrules, (unsigned long long)t.events, (unsigned long long)t.matches);
	/* the generated rules match some events and not others */
	assert_true(t.matches > 0);
	assert_true(t.matches < t.events * (uint64_t)nrules * rounds);
}

static char *run(const char *cmd, size_t *len)
{
	int status;
	char *out = run_cmd(cmd, len, &status);

	assert_non_null(out);
	assert_int_equal(status, 0);
	return out;
}

/* The command line: same alert bytes with either evaluator, on the
 * official rules and on random rules that raise many alerts. */
static void saker_output_identical(void **state)
{
	char path[] = "/tmp/saker-jit-out-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	char cmd[2048];
	size_t total = 0;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	gen_rules(path, 7, 200);
	for (size_t i = 0; i < sizeof(small_caps) / sizeof(small_caps[0]) + 2; i++) {
		const char *cap = i < 4 ? small_caps[i]
				: i == 4 ? "bench-falcoset.scap.gz" : "bench-syscalls.scap.gz";

		for (int set = 0; set < 2; set++) {
			char *a, *b;
			size_t la, lb;

			if (set && i >= 4)
				continue;	/* random rules on a long capture: too many lines */
			if (set)
				snprintf(cmd, sizeof(cmd), "-r %s -o json_output=true", path);
			else
				snprintf(cmd, sizeof(cmd), "-r %s -r %s -r %s", official[0], official[1],
					 official[2]);
			{
				char full[4096];

				snprintf(full, sizeof(full), "%s/saker %s -e " CAPS "%s 2>/dev/null",
					 SAKER_BINARY_DIR, cmd, cap);
				a = run(full, &la);
				snprintf(full, sizeof(full), "%s/saker --no-jit %s -e " CAPS "%s 2>/dev/null",
					 SAKER_BINARY_DIR, cmd, cap);
				b = run(full, &lb);
				assert_int_equal(la, lb);
				assert_memory_equal(a, b, la);
				free(b);
				snprintf(full, sizeof(full), "%s/saker --jit-wait %s -e " CAPS "%s 2>/dev/null",
					 SAKER_BINARY_DIR, cmd, cap);
				b = run(full, &lb);
			}
			assert_int_equal(la, lb);
			assert_memory_equal(a, b, la);
			total += la;
			free(a);
			free(b);
		}
	}
	unlink(path);
	assert_true(total > 0);
}

static int warnings;

static void count_warnings(enum log_level lvl, const char *msg)
{
	if (lvl == LOG_WARN && strstr(msg, "JIT"))
		warnings++;
}

/* When LLVM fails (here: a pass pipeline it rejects), the engine says so
 * once, counts it, and the interpreter raises the same alerts. */
static void llvm_failure_falls_back(void **state)
{
	struct config cfg;
	struct engine_opts eo = { .sz = sizeof(eo), .cfg = &cfg, .jit_passes = "no-such-pass" };
	struct engine_stats s;
	struct engine *en;
	struct tally t = { 0 };

	(void)state;
	test_config(&cfg, NULL);
	cfg.stdout_output = false;
	log_set_handler(count_warnings);
	assert_int_equal(engine__new(&eo, &en), 0);
	assert_int_equal(engine__load_rules(en, official, 3, NULL), 0);
	log_set_handler(NULL);
	engine__stats(en, &s);
	assert_false(s.jit);
	assert_int_equal(s.jit_fallbacks, 1);
	assert_int_equal(warnings, 1);
	/* the interpreter carries on: alerts on the capture with a known one */
	diff_capture(en, CAPS "test_ipv6_client.scap", UINT64_MAX, &t);
	assert_true(t.matches > 0);
	engine__free(en);
	config_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(llvm_failure_falls_back),
		cmocka_unit_test(official_rules_agree),
		cmocka_unit_test(tier_switch_mid_stream),
		cmocka_unit_test(code_cache_cold_warm_damaged),
		cmocka_unit_test(random_rules_agree),
		cmocka_unit_test(saker_output_identical),
	};

	shared_dir_require();

	return cmocka_run_group_tests(tests, NULL, NULL);
}
