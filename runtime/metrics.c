/* metrics (see metrics.h): the snapshot the event thread takes, the
 * numeric metrics read from it and from /proc, the output fields and the
 * periodic rule and file outputs. */
#include "runtime/metrics.h"
#include "runtime/metrics_int.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "compiler/ruleset.h"
#include "runtime/base/dynlib.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"
#include "runtime/engine_int.h"
#include "runtime/outputs.h"
#include "runtime/plugin_lane.h"

#define METRICS_RULE "Falco internal: metrics snapshot"
#define METRICS_MSG "Falco metrics snapshot"

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool metrics_flag(const struct metrics *m, const char *key)
{
	return config_get_bool(m->cfg, key);
}

/* ---- the snapshot, on the event thread ------------------------------------ */

static void free_rules(struct snap *s)
{
	for (size_t i = 0; i < s->nrules; i++) {
		mem_free(s->rules[i].name);
		mem_free(s->rules[i].source);
		for (uint32_t t = 0; t < s->rules[i].ntags; t++)
			mem_free(s->rules[i].tags[t]);
		mem_free(s->rules[i].tags);
	}
	mem_free(s->rules);
	mem_free(s->hits);
	for (size_t i = 0; i < s->nrule_files; i++)
		mem_free(s->rule_files[i]);
	mem_free(s->rule_files);
	s->rules = NULL;
	s->hits = NULL;
	s->rule_files = NULL;
	s->nrules = s->nrule_files = 0;
}

/* Copies what the rules are (names, tags), once per load. */
static void copy_rules(struct snap *s, const struct engine *en)
{
	const struct ruleset *rs = en->ev ? en->ev->rs : NULL;
	size_t n = rs ? rs->nrules : 0;

	free_rules(s);
	s->rules_gen = en->rules_gen;
	s->rules = mem_calloc(n ? n : 1, sizeof(*s->rules));
	s->hits = mem_calloc(n ? n : 1, sizeof(*s->hits));
	s->rule_files = mem_calloc(en->nrule_files ? en->nrule_files : 1, sizeof(char *));
	if (!s->rules || !s->hits || !s->rule_files) {
		free_rules(s);
		return;
	}
	for (size_t i = 0; i < en->nrule_files; i++)
		if ((s->rule_files[i] = mem_strdup(en->rule_files[i])))
			s->nrule_files++;
	for (size_t i = 0; i < n; i++) {
		const struct rl_rule *r = rs->rules[i].src;
		struct snap_rule *d = &s->rules[i];

		d->name = mem_strdup(r->name);
		d->source = mem_strdup(r->source ? r->source : "syscall");
		d->priority = (int)r->priority;
		d->tags = mem_calloc(r->ntags ? r->ntags : 1, sizeof(*d->tags));
		for (uint32_t t = 0; d->tags && t < r->ntags; t++)
			if ((d->tags[d->ntags] = mem_strdup(r->tags[t])))
				d->ntags++;
		s->nrules = i + 1;
	}
}

static void add_prog(void *ctx, const char *name, uint64_t run_cnt, uint64_t run_ns)
{
	struct snap *s = ctx;

	if (s->nprogs == METRICS_MAX_PROGS)
		return;
	snprintf(s->progs[s->nprogs].name, sizeof(s->progs[0].name), "%s", name);
	s->progs[s->nprogs].run_cnt = run_cnt;
	s->progs[s->nprogs++].run_ns = run_ns;
}

static void add_plugin_metric(void *ctx, const char *name, double v, bool monotonic)
{
	struct snap *s = ctx;

	if (s->nplugin == METRICS_MAX_PLUGIN)
		return;
	snprintf(s->plugin[s->nplugin].name, sizeof(s->plugin[0].name), "%s", name);
	s->plugin[s->nplugin].v = v;
	s->plugin[s->nplugin++].monotonic = monotonic;
}

static void take_snapshot(struct metrics *m)
{
	struct engine *en = m->en;
	struct snap *s = &m->snap;

	engine__stats(en, &s->es);
	state__stats(en->st, &s->ss);
	s->live = en->live;
	if (en->src && en->src->live) {
		const struct evt_source *src = en->src;
		int n = src->ncpus;

		if (n != s->ncpus) {
			mem_free(s->cpu);
			s->cpu = mem_calloc((size_t)n, sizeof(*s->cpu));
			s->ncpus = s->cpu ? n : 0;
		}
		src->ops->stats(src, -1, &s->tot);
		s->es.seen = s->tot.seen;
		s->es.dropped = s->tot.drop_full + s->tot.drop_big;
		for (int c = 0; c < s->ncpus; c++)
			src->ops->stats(src, c, &s->cpu[c]);
		s->nprogs = 0;
		if (m->stats_fd >= 0 && src->ops->prog_stats)
			src->ops->prog_stats(src, add_prog, s);
	}
	if (s->rules_gen != en->rules_gen || (!s->rules && en->ev))
		copy_rules(s, en);
	if (s->hits && en->ev && s->nrules == en->ev->rs->nrules)
		memcpy(s->hits, en->ev->hits, s->nrules * sizeof(*s->hits));
	/* plugins answer on the thread that runs them (this one) */
	s->nplugin = 0;
	if (en->pl && metrics_flag(m, "metrics.plugins_metrics_enabled"))
		plugin_lane_metrics(en->pl, add_plugin_metric, s);
	s->seq++;
}

/* The event thread's part: a snapshot when asked, the rule output when
 * one waits. */
static void service(void *ctx)
{
	struct metrics *m = ctx;

	if (pthread_mutex_trylock(&m->mu)) {
		engine__request_service(m->en);	/* a reader holds it: next event */
		return;
	}
	if (m->want) {
		take_snapshot(m);
		m->want = false;
		pthread_cond_broadcast(&m->cv);
	}
	if (m->line.len) {
		outputs__emit(m->en->out, RL_PRIO_INFORMATIONAL, m->line.buf, m->line.len);
		strbuf_reset(&m->line);
	}
	pthread_mutex_unlock(&m->mu);
}

void metrics_lock_fresh(struct metrics *m)
{
	struct timespec dl;
	uint64_t target;

	pthread_mutex_lock(&m->mu);
	target = m->snap.seq + 1;
	m->want = true;
	engine__request_service(m->en);
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 500000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	while (m->snap.seq < target)
		if (pthread_cond_timedwait(&m->cv, &m->mu, &dl) == ETIMEDOUT)
			break;
}

/* ---- numeric metrics ------------------------------------------------------ */

static struct metric *push(struct metrics_list *l, enum metric_cat cat, const char *name,
			   enum metric_unit unit, bool monotonic)
{
	struct metric *m;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		struct metric *nv = mem_reallocarray(l->v, nc, sizeof(*nv));

		if (!nv)
			return NULL;
		l->v = nv;
		l->cap = nc;
	}
	m = &l->v[l->n++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->cat = cat;
	m->unit = unit;
	m->monotonic = monotonic;
	m->cpu = -1;
	return m;
}

static void push_u(struct metrics_list *l, enum metric_cat cat, const char *name,
		   enum metric_unit unit, bool monotonic, uint64_t v)
{
	struct metric *m = push(l, cat, name, unit, monotonic);

	if (m)
		m->v.u = v;
}

static void push_d(struct metrics_list *l, enum metric_cat cat, const char *name,
		   enum metric_unit unit, double v)
{
	struct metric *m = push(l, cat, name, unit, false);

	if (m) {
		m->dbl = true;
		m->v.d = v;
	}
}

/* "Key: N kB" lines of a /proc file. */
static uint64_t proc_kv(const char *file, const char *key)
{
	FILE *f = fopen(file, "r");
	char line[256];
	size_t kl = strlen(key);
	uint64_t v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtoull(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static double uptime_sec(void)
{
	FILE *f = fopen("/proc/uptime", "r");
	double up = 0;

	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = 0;
		fclose(f);
	}
	return up;
}

static double round1(double v)
{
	return round(v * 10.0) / 10.0;
}

/* Falco's resource utilization: CPU of this process since it started and
 * of the host since boot (percent), memory in kB, running processes, open
 * fds of the host. */
static void resource_metrics(struct metrics *m, struct metrics_list *l)
{
	const char *cg = getenv("FALCO_CGROUP_MEM_PATH");
	uint64_t user = 0, nice = 0, sys = 0, idle = 0, iow = 0, irq = 0, sirq = 0;
	uint64_t total, mfree, buf, cached, open_fds = 0, cmem = 0;
	uint32_t running = 0;
	double cpu = 0, host_cpu = 0, elapsed;
	long hz = sysconf(_SC_CLK_TCK);
	struct tms t;
	char line[512];
	FILE *f;

	if (hz <= 0)
		hz = 100;
	elapsed = uptime_sec() - m->start_uptime;
	if (times(&t) != (clock_t)-1 && elapsed > 0)
		cpu = round1(100.0 * ((double)t.tms_utime + (double)t.tms_stime) / (double)hz / elapsed);
	if ((f = fopen("/proc/stat", "r"))) {
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "cpu ", 4))
				sscanf(line, "cpu %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
				       " %" SCNu64 " %" SCNu64, &user, &nice, &sys, &idle, &iow, &irq,
				       &sirq);
			else if (!strncmp(line, "procs_running ", 14))
				running = (uint32_t)strtoul(line + 14, NULL, 10);
		}
		fclose(f);
	}
	total = user + nice + sys + idle + iow + irq + sirq;
	if (total)
		host_cpu = round1(100.0 - (double)idle * 100.0 / (double)total);
	if ((f = fopen("/proc/sys/fs/file-nr", "r"))) {
		if (fscanf(f, "%" SCNu64, &open_fds) != 1)
			open_fds = 0;
		fclose(f);
	}
	if ((f = fopen(cg ? cg : "/sys/fs/cgroup/memory/memory.usage_in_bytes", "r"))) {
		if (fscanf(f, "%" SCNu64, &cmem) != 1)
			cmem = 0;
		fclose(f);
	}
	total = proc_kv("/proc/meminfo", "MemTotal");
	mfree = proc_kv("/proc/meminfo", "MemFree");
	buf = proc_kv("/proc/meminfo", "Buffers");
	cached = proc_kv("/proc/meminfo", "Cached");
	push_d(l, MC_RESOURCE, "cpu_usage_perc", MU_PERC, cpu);
	push_u(l, MC_RESOURCE, "memory_rss_kb", MU_KIB, false, proc_kv("/proc/self/status", "VmRSS"));
	push_u(l, MC_RESOURCE, "memory_vsz_kb", MU_KIB, false, proc_kv("/proc/self/status", "VmSize"));
	push_u(l, MC_RESOURCE, "memory_pss_kb", MU_KIB, false,
	       proc_kv("/proc/self/smaps_rollup", "Pss"));
	push_u(l, MC_RESOURCE, "container_memory_used_bytes", MU_BYTES, false, cmem);
	push_d(l, MC_RESOURCE, "host_cpu_usage_perc", MU_PERC, host_cpu);
	push_u(l, MC_RESOURCE, "host_memory_used_kb", MU_KIB, false,
	       total > mfree + buf + cached ? total - mfree - buf - cached : 0);
	push_u(l, MC_RESOURCE, "host_procs_running", MU_COUNT, false, running);
	push_u(l, MC_RESOURCE, "host_open_fds", MU_COUNT, false, open_fds);
}

int metrics_collect(struct metrics *m, struct metrics_list *l)
{
	const struct snap *s = &m->snap;
	uint64_t now = now_ns(CLOCK_REALTIME);
	struct mem_stats ms;
	char name[160];

	push_u(l, MC_MISC, "start_ts", MU_TS_NS, false, m->start_ns);
	push_u(l, MC_MISC, "host_boot_ts", MU_TS_NS, false,
	       now - now_ns(CLOCK_BOOTTIME));
	push_u(l, MC_MISC, "host_num_cpus", MU_COUNT, false, (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
	{
		/* alerts no queue had room for: the outputs' and each sink's */
		struct outputs_stats os;
		uint64_t drops;

		outputs__stats(m->en->out, &os);
		drops = os.dropped;
		for (uint32_t i = 0; i < os.nsinks; i++)
			drops += os.sinks[i].dropped;
		push_u(l, MC_MISC, "outputs_queue_num_drops", MU_COUNT, true, drops);
	}
	push_u(l, MC_MISC, "duration_sec", MU_S_COUNT, true, (now - m->start_ns) / 1000000000ull);
	if (metrics_flag(m, "metrics.resource_utilization_enabled"))
		resource_metrics(m, l);
	if (metrics_flag(m, "metrics.state_counters_enabled")) {
		push_u(l, MC_STATE, "n_threads", MU_COUNT, false, s->ss.threads);
		push_u(l, MC_STATE, "n_fds", MU_COUNT, false, s->ss.fds);
	}
	if (s->live && (metrics_flag(m, "metrics.kernel_event_counters_enabled") ||
			metrics_flag(m, "metrics.kernel_event_counters_per_cpu_enabled"))) {
		push_u(l, MC_KERNEL, "n_evts", MU_COUNT, true, s->tot.seen);
		push_u(l, MC_KERNEL, "n_drops_buffer_total", MU_COUNT, true, s->tot.drop_full);
		for (int k = 0; k < DROP_KIND_MAX; k++) {
			snprintf(name, sizeof(name), "n_drops_buffer_%s", drop_kind_name((unsigned)k));
			push_u(l, MC_KERNEL, name, MU_COUNT, true, s->tot.drop_kind[k]);
		}
		push_u(l, MC_KERNEL, "n_drops_scratch_map", MU_COUNT, true, s->tot.drop_big);
		push_u(l, MC_KERNEL, "n_drops", MU_COUNT, true, s->tot.drop_full + s->tot.drop_big);
	}
	if (s->live && metrics_flag(m, "metrics.kernel_event_counters_per_cpu_enabled")) {
		for (int c = 0; c < s->ncpus; c++) {
			struct metric *e;

			snprintf(name, sizeof(name), "n_evts_cpu_%d", c);
			if ((e = push(l, MC_KERNEL_CPU, name, MU_COUNT, true))) {
				e->v.u = s->cpu[c].seen;
				e->cpu = c;
			}
			snprintf(name, sizeof(name), "n_drops_cpu_%d", c);
			if ((e = push(l, MC_KERNEL_CPU, name, MU_COUNT, true))) {
				e->v.u = s->cpu[c].drop_full + s->cpu[c].drop_big;
				e->cpu = c;
			}
		}
	}
	for (int i = 0; s->live && i < s->nprogs; i++) {
		const struct snap_prog *p = &s->progs[i];

		snprintf(name, sizeof(name), "%s.run_cnt", p->name);
		push_u(l, MC_LIBBPF, name, MU_COUNT, true, p->run_cnt);
		snprintf(name, sizeof(name), "%s.run_time_ns", p->name);
		push_u(l, MC_LIBBPF, name, MU_NS_COUNT, true, p->run_ns);
		snprintf(name, sizeof(name), "%s.avg_time_ns", p->name);
		push_u(l, MC_LIBBPF, name, MU_NS, false, p->run_cnt ? p->run_ns / p->run_cnt : 0);
	}
	if (metrics_flag(m, "metrics.jemalloc_stats_enabled") && !mem_stats(&ms)) {
		push_u(l, MC_JEMALLOC, "jemalloc.active_bytes", MU_BYTES, true, ms.active);
		push_u(l, MC_JEMALLOC, "jemalloc.allocated_bytes", MU_BYTES, true, ms.allocated);
		push_u(l, MC_JEMALLOC, "jemalloc.mapped_bytes", MU_BYTES, true, ms.mapped);
		push_u(l, MC_JEMALLOC, "jemalloc.metadata_bytes", MU_BYTES, true, ms.metadata);
		push_u(l, MC_JEMALLOC, "jemalloc.resident_bytes", MU_BYTES, true, ms.resident);
		push_u(l, MC_JEMALLOC, "jemalloc.retained_bytes", MU_BYTES, true, ms.retained);
	}
	for (size_t i = 0; i < s->nplugin; i++) {
		struct metric *e = push(l, MC_PLUGINS, s->plugin[i].name, MU_COUNT,
					s->plugin[i].monotonic);

		if (e) {
			e->dbl = true;
			e->v.d = s->plugin[i].v;
		}
	}
	/* saker's own counters */
	push_u(l, MC_SAKER, "n_evts_processed", MU_COUNT, true, s->es.processed);
	push_u(l, MC_SAKER, "n_evts_skipped", MU_COUNT, true, s->es.skipped);
	push_u(l, MC_SAKER, "n_alerts", MU_COUNT, true, s->es.alerts);
	push_u(l, MC_SAKER, "output_errors", MU_COUNT, true, s->es.output_errors);
	push_u(l, MC_SAKER, "jit_enabled", MU_COUNT, false, s->es.jit);
	push_u(l, MC_SAKER, "jit_compile_time_ns", MU_NS, false, s->es.jit_compile_ns);
	push_u(l, MC_SAKER, "jit_fallbacks", MU_COUNT, true, s->es.jit_fallbacks);
	push_u(l, MC_SAKER, "jit_param_reads", MU_COUNT, false, s->es.jit_param_reads);
	push_u(l, MC_SAKER, "proc_memo_evictions", MU_COUNT, true, s->es.proc_memo_evictions);
	if (mem_accounted()) {
		push_u(l, MC_SAKER, "memory.state_heap_bytes", MU_BYTES, false,
		       s->ss.heap_bytes > 0 ? (uint64_t)s->ss.heap_bytes : 0);
		push_u(l, MC_SAKER, "memory.rules_heap_bytes", MU_BYTES, false,
		       s->es.rules_heap > 0 ? (uint64_t)s->es.rules_heap : 0);
	}
	push_u(l, MC_SAKER, "n_threads_evicted", MU_COUNT, true, s->ss.threads_evicted);
	push_u(l, MC_SAKER, "n_fds_evicted", MU_COUNT, true, s->ss.fds_evicted);
	push_u(l, MC_SAKER, "n_users_evicted", MU_COUNT, true, s->ss.users_evicted);
	push_u(l, MC_SAKER, "n_threads_incomplete", MU_COUNT, true, s->ss.threads_created_incomplete);
	push_u(l, MC_SAKER, "n_evts_malformed", MU_COUNT, true, s->ss.events_malformed);
	return 0;
}

/* ---- files' sha256 ---------------------------------------------------------- */

/* The libcrypto functions the files' sha256 calls: opened at the first
 * hash (runtime/base/dynlib.h), so that a process whose metrics never
 * name a file does not load libcrypto. */
#define CRYPTO_FNS(X)                                                                 \
	X(EVP_MD_CTX *, EVP_MD_CTX_new, (void))                                        \
	X(void, EVP_MD_CTX_free, (EVP_MD_CTX *))                                       \
	X(const EVP_MD *, EVP_sha256, (void))                                          \
	X(int, EVP_DigestInit_ex, (EVP_MD_CTX *, const EVP_MD *, ENGINE *))            \
	X(int, EVP_DigestUpdate, (EVP_MD_CTX *, const void *, size_t))                 \
	X(int, EVP_DigestFinal_ex, (EVP_MD_CTX *, unsigned char *, unsigned int *))

static struct {
#define X(ret, name, args) ret(*name) args;
	CRYPTO_FNS(X)
#undef X
} lcr;

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
static int crypto_open_rc;

static void crypto_open(void)
{
	static const struct dynlib_sym syms[] = {
#define X(ret, name, args) { #name, (void **)&lcr.name },
		CRYPTO_FNS(X)
#undef X
	};
	char err[256];

	crypto_open_rc = dynlib_open(SAKER_CRYPTO_SONAME, syms, sizeof(syms) / sizeof(syms[0]),
				     err, sizeof(err));
	if (crypto_open_rc)
		log_warn("metrics: the files' sha256 are left empty: %s", err);
}

static void sha256_file(const char *path, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	FILE *f;
	size_t n;

	hex[0] = '\0';
	pthread_once(&crypto_once, crypto_open);
	if (crypto_open_rc)
		return;
	ctx = lcr.EVP_MD_CTX_new();
	f = fopen(path, "rb");
	if (ctx && f && lcr.EVP_DigestInit_ex(ctx, lcr.EVP_sha256(), NULL)) {
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			lcr.EVP_DigestUpdate(ctx, buf, n);
		if (lcr.EVP_DigestFinal_ex(ctx, md, &mdlen))
			for (unsigned int i = 0; i < mdlen && i < 32; i++)
				sprintf(hex + 2 * i, "%02x", md[i]);
	}
	if (f)
		fclose(f);
	lcr.EVP_MD_CTX_free(ctx);
}

static void hash_into(struct strbuf *sb, const char *path)
{
	const char *base = strrchr(path, '/');
	char hex[65];

	sha256_file(path, hex);
	strbuf_adds(sb, base ? base + 1 : path);
	strbuf_addc(sb, '\0');
	strbuf_adds(sb, hex);
	strbuf_addc(sb, '\0');
}

void metrics_file_hashes(struct metrics *m)
{
	if (m->sha_gen == m->snap.rules_gen && m->sha_config.len)
		return;
	m->sha_gen = m->snap.rules_gen;
	strbuf_reset(&m->sha_rules);
	strbuf_reset(&m->sha_config);
	for (size_t i = 0; i < m->snap.nrule_files; i++)
		hash_into(&m->sha_rules, m->snap.rule_files[i]);
	for (size_t i = 0; i < m->cfg->nfiles; i++)
		hash_into(&m->sha_config, m->cfg->files[i]);
	if (!m->sha_config.len)
		strbuf_addc(&m->sha_config, '\0');	/* computed: no files */
}

/* ---- output fields ---------------------------------------------------------- */

struct field {
	char *key;
	char *val;	/* JSON text */
};

struct fields {
	struct field *v;
	size_t n, cap;
};

static void field_add(struct fields *f, const char *key, const char *json)
{
	if (f->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 128;
		struct field *nv = mem_reallocarray(f->v, nc, sizeof(*nv));

		if (!nv)
			return;
		f->v = nv;
		f->cap = nc;
	}
	f->v[f->n].key = mem_strdup(key);
	f->v[f->n].val = mem_strdup(json);
	if (!f->v[f->n].key || !f->v[f->n].val) {
		mem_free(f->v[f->n].key);
		mem_free(f->v[f->n].val);
		return;
	}
	f->n++;
}

static void field_u(struct fields *f, const char *key, uint64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	field_add(f, key, b);
}

/* A double as JSON prints it: the shortest text that reads back the same,
 * with a ".0" on whole numbers. */
static void fmt_double(double v, char *b, size_t len)
{
	for (int p = 1; p <= 17; p++) {
		snprintf(b, len, "%.*g", p, v);
		if (strtod(b, NULL) == v)
			break;
	}
	if (!strpbrk(b, ".eni"))
		strncat(b, ".0", len - strlen(b) - 1);
}

static void field_d(struct fields *f, const char *key, double v)
{
	char b[48];

	fmt_double(v, b, sizeof(b));
	field_add(f, key, b);
}

static void field_s(struct fields *f, const char *key, const char *v)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_json_str(&sb, v);
	if (sb.buf)
		field_add(f, key, sb.buf);
	strbuf_release(&sb);
}

static int field_cmp(const void *a, const void *b)
{
	return strcmp(((const struct field *)a)->key, ((const struct field *)b)->key);
}

static void fields_release(struct fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		mem_free(f->v[i].key);
		mem_free(f->v[i].val);
	}
	mem_free(f->v);
}

void metrics_rule_name(const char *name, struct strbuf *out)
{
	size_t start = out->len;

	for (const char *p = name; *p; p++) {
		char c = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				 (*p >= '0' && *p <= '9') || *p == ':' ? *p : '_';

		if (c == '_' && out->len > start && out->buf[out->len - 1] == '_')
			continue;
		strbuf_addc(out, c);
	}
	if (out->len > start && out->buf[out->len - 1] == '_')
		out->buf[--out->len] = '\0';
}

static void netinfo(struct fields *f)
{
	struct ifaddrs *ifa, *i;
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;

	if (getifaddrs(&ifa))
		return;
	/* one field per interface and family: its addresses, comma-separated */
	for (int fam = AF_INET; fam <= AF_INET6; fam += AF_INET6 - AF_INET) {
		for (i = ifa; i; i = i->ifa_next) {
			char addr[INET6_ADDRSTRLEN];
			const void *src;
			struct ifaddrs *j;
			bool first_of_name = true;

			if (!i->ifa_addr || i->ifa_addr->sa_family != fam || !strcmp(i->ifa_name, "lo"))
				continue;
			for (j = ifa; j != i; j = j->ifa_next)
				if (j->ifa_addr && j->ifa_addr->sa_family == fam &&
				    !strcmp(j->ifa_name, i->ifa_name))
					first_of_name = false;
			if (!first_of_name)
				continue;
			strbuf_reset(&val);
			for (j = i; j; j = j->ifa_next) {
				if (!j->ifa_addr || j->ifa_addr->sa_family != fam ||
				    strcmp(j->ifa_name, i->ifa_name))
					continue;
				src = fam == AF_INET ?
					      (const void *)&((struct sockaddr_in *)j->ifa_addr)->sin_addr :
					      (const void *)&((struct sockaddr_in6 *)j->ifa_addr)->sin6_addr;
				if (!inet_ntop(fam, src, addr, sizeof(addr)))
					continue;
				if (val.len)
					strbuf_addc(&val, ',');
				strbuf_adds(&val, addr);
			}
			strbuf_reset(&key);
			strbuf_printf(&key, "falco.host_netinfo.interfaces.%s.protocols.%s.addresses",
				      i->ifa_name, fam == AF_INET ? "ipv4" : "ipv6");
			if (key.buf && val.buf)
				field_s(f, key.buf, val.buf);
		}
	}
	freeifaddrs(ifa);
	strbuf_release(&key);
	strbuf_release(&val);
}

static const char *field_prefix(enum metric_cat c)
{
	return c == MC_KERNEL || c == MC_KERNEL_CPU || c == MC_LIBBPF ? "scap." :
	       c == MC_SAKER ? "saker." : c == MC_PLUGINS ? "plugins." : "falco.";
}

/* Falco's output fields of the snapshot (m->mu held). */
static void build_fields(struct metrics *m, struct fields *f)
{
	const struct snap *s = &m->snap;
	bool empty = metrics_flag(m, "metrics.include_empty_values");
	bool mb = metrics_flag(m, "metrics.convert_memory_to_mb");
	uint64_t now = now_ns(CLOCK_REALTIME), n_evts = 0, n_drops = 0, d_evts = 0, d_drops = 0;
	double dt;
	struct metrics_list l = { 0 };
	struct strbuf key = STRBUF_INIT;
	bool kernel = false;

	pthread_mutex_lock(&m->fields_mu);
	dt = m->last_ns ? (double)(now - m->last_ns) / 1e9 : 0;
	field_u(f, "evt.time", now);
	field_s(f, "falco.version", SAKER_VERSION);
	field_s(f, "falco.kernel_release", m->kernel);
	field_s(f, "evt.hostname", m->hostname);
	field_s(f, "evt.source", "syscall");
	if (s->live)
		field_s(f, "scap.engine_name", "modern_bpf");
	metrics_file_hashes(m);
	for (int w = 0; w < 2; w++) {
		const struct strbuf *h = w ? &m->sha_config : &m->sha_rules;

		for (size_t o = 0; h->buf && o + 1 < h->len;) {
			const char *name = h->buf + o, *hex = name + strlen(name) + 1;

			strbuf_reset(&key);
			strbuf_adds(&key, w ? "falco.sha256_config_file." : "falco.sha256_rules_file.");
			metrics_rule_name(name, &key);
			if (key.buf && *hex)
				field_s(f, key.buf, hex);
			o = (size_t)(hex + strlen(hex) + 1 - h->buf);
		}
	}
	netinfo(f);
	if (m->last_num_evts && dt > 0)
		field_d(f, "falco.evts_rate_sec",
			round1((double)(s->es.processed - m->last_num_evts) / dt));
	field_u(f, "falco.num_evts", s->es.processed);
	field_u(f, "falco.num_evts_prev", m->last_num_evts);
	m->last_num_evts = s->es.processed;
	if (metrics_flag(m, "metrics.rules_counters_enabled")) {
		uint64_t total = 0;

		for (size_t i = 0; i < s->nrules; i++) {
			total += s->hits[i];
			if (!s->hits[i] && !empty)
				continue;
			strbuf_reset(&key);
			strbuf_adds(&key, "falco.rules.");
			metrics_rule_name(s->rules[i].name, &key);
			if (key.buf)
				field_u(f, key.buf, s->hits[i]);
		}
		field_u(f, "falco.rules.matches_total", total);
	}
	metrics_collect(m, &l);
	for (size_t i = 0; i < l.n; i++) {
		struct metric *e = &l.v[i];
		bool always = e->cat == MC_MISC;

		if (mb && !e->dbl && (e->unit == MU_KIB || e->unit == MU_BYTES)) {
			char *suf = strstr(e->name, e->unit == MU_KIB ? "_kb" : "_bytes");

			e->v.d = e->unit == MU_KIB ? (double)e->v.u / 1024.0 :
						     (double)e->v.u / 1048576.0;
			e->dbl = true;
			if (suf)
				strcpy(suf, "_mb");
		}
		if (e->cat == MC_KERNEL && !strcmp(e->name, "n_evts")) {
			n_evts = e->v.u;
			kernel = always = true;
		} else if (e->cat == MC_KERNEL && !strcmp(e->name, "n_drops")) {
			n_drops = e->v.u;
			always = true;
		}
		if (!always && !empty && (e->dbl ? e->v.d == 0 : e->v.u == 0))
			continue;
		strbuf_reset(&key);
		strbuf_adds(&key, field_prefix(e->cat));
		strbuf_adds(&key, e->name);
		if (!key.buf)
			continue;
		if (e->dbl)
			field_d(f, key.buf, e->v.d);
		else
			field_u(f, key.buf, e->v.u);
	}
	if (kernel) {
		d_evts = n_evts - m->last_n_evts;
		d_drops = n_drops - m->last_n_drops;
		field_u(f, "scap.n_evts_prev", m->last_n_evts);
		field_u(f, "scap.n_drops_prev", m->last_n_drops);
		field_d(f, "scap.evts_rate_sec", d_evts && dt > 0 ? round1((double)d_evts / dt) : 0);
		field_d(f, "scap.evts_drop_rate_sec",
			d_drops && dt > 0 ? round1((double)d_drops / dt) : 0);
		field_d(f, "scap.n_drops_perc", d_evts ? 100.0 * (double)d_drops / (double)d_evts : 0);
		m->last_n_evts = n_evts;
		m->last_n_drops = n_drops;
	}
	m->last_ns = now;
	pthread_mutex_unlock(&m->fields_mu);
	mem_free(l.v);
	strbuf_release(&key);
	qsort(f->v, f->n, sizeof(*f->v), field_cmp);
}

static void fields_json(const struct fields *f, struct strbuf *out)
{
	strbuf_addc(out, '{');
	for (size_t i = 0; i < f->n; i++) {
		if (i)
			strbuf_addc(out, ',');
		strbuf_add_json_str(out, f->v[i].key);
		strbuf_addc(out, ':');
		strbuf_adds(out, f->v[i].val);
	}
	strbuf_addc(out, '}');
}

void metrics__output_fields(struct metrics *m, struct strbuf *out)
{
	struct fields f = { 0 };

	metrics_lock_fresh(m);
	build_fields(m, &f);
	pthread_mutex_unlock(&m->mu);
	fields_json(&f, out);
	fields_release(&f);
}

/* The rule output of a snapshot, as Falco writes its internal messages. */
static void rule_line(struct metrics *m, const struct fields *f, uint64_t ts, struct strbuf *out)
{
	time_t sec = (time_t)(ts / 1000000000ull);
	struct tm tm;
	char tbuf[64];

	if (m->cfg->json_output) {
		gmtime_r(&sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
		strbuf_adds(out, "{\"hostname\":");
		strbuf_add_json_str(out, m->hostname);
		strbuf_adds(out, ",\"output\":\"" METRICS_MSG "\",\"output_fields\":");
		fields_json(f, out);
		strbuf_printf(out, ",\"priority\":\"Informational\",\"rule\":\"" METRICS_RULE
			      "\",\"source\":\"internal\",\"time\":\"%s.%09" PRIu64 "Z\"}", tbuf,
			      (uint64_t)(ts % 1000000000ull));
		return;
	}
	localtime_r(&sec, &tm);
	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
	strbuf_printf(out, "%s.%09" PRIu64 ": Informational " METRICS_MSG " (", tbuf,
		      (uint64_t)(ts % 1000000000ull));
	for (size_t i = 0; i < f->n; i++)
		strbuf_printf(out, "%s%s=%s", i ? " " : "", f->v[i].key, f->v[i].val);
	strbuf_addc(out, ')');
}

/* One period: the snapshot to the file and, through the event thread, as
 * the rule output. */
static void write_sample(struct metrics *m)
{
	struct strbuf sb = STRBUF_INIT;
	struct fields f = { 0 };
	uint64_t ts;

	metrics_lock_fresh(m);
	build_fields(m, &f);
	ts = now_ns(CLOCK_REALTIME);
	m->samples++;
	if (metrics_flag(m, "metrics.output_rule") && m->cfg->min_priority >= RL_PRIO_INFORMATIONAL) {
		strbuf_reset(&m->line);
		rule_line(m, &f, ts, &m->line);
		engine__request_service(m->en);
	}
	pthread_mutex_unlock(&m->mu);
	if (m->file) {
		strbuf_adds(&sb, "{\"output_fields\":");
		fields_json(&f, &sb);
		strbuf_printf(&sb, ",\"sample\":%" PRIu64 "}\n", m->samples);
		if (sb.buf && (fwrite(sb.buf, 1, sb.len, m->file) != sb.len || fflush(m->file)))
			log_error("metrics: %s: write failed", config_get_str(m->cfg, "metrics.output_file"));
	}
	strbuf_release(&sb);
	fields_release(&f);
}

static void *writer_main(void *arg)
{
	struct metrics *m = arg;
	uint64_t ms = config_parse_duration(config_get_str(m->cfg, "metrics.interval"));
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&m->fields_mu);
	while (!m->stop) {
		next.tv_sec += (time_t)(ms / 1000);
		next.tv_nsec += (long)(ms % 1000) * 1000000;
		if (next.tv_nsec >= 1000000000) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000;
		}
		while (!m->stop && pthread_cond_timedwait(&m->stop_cv, &m->fields_mu, &next) != ETIMEDOUT)
			;
		if (m->stop)
			break;
		pthread_mutex_unlock(&m->fields_mu);
		write_sample(m);
		pthread_mutex_lock(&m->fields_mu);
	}
	pthread_mutex_unlock(&m->fields_mu);
	return NULL;
}

/* ---- life ------------------------------------------------------------------- */

int metrics__new(const struct config *cfg, struct engine *en, struct metrics **out)
{
	struct metrics *m = mem_calloc(1, sizeof(*m));
	pthread_condattr_t ca;
	struct utsname u;
	const char *h = getenv("FALCO_HOSTNAME");

	if (!m)
		return -ENOMEM;
	m->cfg = cfg;
	m->en = en;
	m->stats_fd = -1;
	pthread_mutex_init(&m->mu, NULL);
	pthread_mutex_init(&m->fields_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->cv, &ca);
	pthread_cond_init(&m->stop_cv, &ca);
	pthread_condattr_destroy(&ca);
	m->start_ns = now_ns(CLOCK_REALTIME);
	m->start_uptime = uptime_sec();
	if (h && *h)
		snprintf(m->hostname, sizeof(m->hostname), "%s", h);
	else if (gethostname(m->hostname, sizeof(m->hostname) - 1))
		snprintf(m->hostname, sizeof(m->hostname), "localhost");
	if (!uname(&u))
		snprintf(m->kernel, sizeof(m->kernel), "%s", u.release);
	if (config_get_bool(cfg, "metrics.enabled") &&
	    config_get_bool(cfg, "metrics.libbpf_stats_enabled")) {
		m->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (m->stats_fd < 0)
			log_debug("metrics: BPF statistics unavailable: %s", strerror(errno));
	}
	engine__set_service(en, service, m);
	*out = m;
	return 0;
}

int metrics__start(struct metrics *m, char *err, size_t errlen)
{
	const char *path = config_get_str(m->cfg, "metrics.output_file");
	int ret;

	if (!config_get_bool(m->cfg, "metrics.enabled"))
		return 0;
	if (*path && !(m->file = fopen(path, "a"))) {
		ret = -errno;
		snprintf(err, errlen, "metrics.output_file %s: %s", path, strerror(-ret));
		return ret;
	}
	if (!*path && !config_get_bool(m->cfg, "metrics.output_rule"))
		return 0;
	ret = -pthread_create(&m->thr, NULL, writer_main, m);
	if (ret) {
		snprintf(err, errlen, "metrics: cannot start a thread: %s", strerror(-ret));
		return ret;
	}
	m->thr_started = true;
	log_info("metrics every %s", config_get_str(m->cfg, "metrics.interval"));
	return 0;
}

void metrics__free(struct metrics *m)
{
	if (!m)
		return;
	if (m->thr_started) {
		pthread_mutex_lock(&m->fields_mu);
		m->stop = true;
		pthread_cond_broadcast(&m->stop_cv);
		pthread_mutex_unlock(&m->fields_mu);
		pthread_join(m->thr, NULL);
	}
	engine__set_service(m->en, NULL, NULL);
	if (m->file)
		fclose(m->file);
	if (m->stats_fd >= 0)
		close(m->stats_fd);
	free_rules(&m->snap);
	mem_free(m->snap.cpu);
	strbuf_release(&m->line);
	strbuf_release(&m->sha_rules);
	strbuf_release(&m->sha_config);
	pthread_cond_destroy(&m->cv);
	pthread_cond_destroy(&m->stop_cv);
	pthread_mutex_destroy(&m->mu);
	pthread_mutex_destroy(&m->fields_mu);
	mem_free(m);
}
