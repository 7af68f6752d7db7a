/* metrics_prom: a snapshot in Prometheus's text exposition format (0.0.4),
 * named as Falco names it: falcosecurity_<subsystem>_<name>_<unit>, the
 * unit suffixes of the raw name replaced by the unit's Prometheus word,
 * memory in bytes and percentages as ratios, rules, CPUs and drop kinds
 * as labels; saker's own counters as saker_<name>_<unit>. */
#include "runtime/metrics.h"
#include "runtime/metrics_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/base/mem.h"

static const char *const unit_words[] = {
	"total", "ratio", "percentage", "bytes", "kibibytes", "megabytes", "nanoseconds",
	"seconds", "nanoseconds_total", "seconds_total", "timestamp_nanoseconds",
};

/* The raw names' unit suffixes, removed wherever they occur (longest
 * first where two start at the same place). */
static const char *const unit_suffixes[] = {
	"_percentage", "_bytes", "_ratio", "_total", "_perc", "_sec", "_kb", "_mb", "_ns", "_ts",
};

struct label {
	const char *key, *value;
};

/* Prometheus's name alphabet: others become '_', runs of '_' one, and a
 * name that does not start with a letter or '_' gets one. */
static void sanitize(const char *s, bool colon_ok, struct strbuf *out)
{
	size_t start = out->len;

	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || (colon_ok && c == ':')))
			c = '_';
		if (c == '_' && out->len > start && out->buf[out->len - 1] == '_')
			continue;
		strbuf_addc(out, c);
	}
	if (out->len == start || !((out->buf[start] >= 'a' && out->buf[start] <= 'z') ||
				   (out->buf[start] >= 'A' && out->buf[start] <= 'Z') ||
				   out->buf[start] == '_')) {
		strbuf_addc(out, '_');
		if (!out->oom) {
			memmove(out->buf + start + 1, out->buf + start, out->len - start - 1);
			out->buf[start] = '_';
		}
	}
}

static void strip_units(char *s)
{
	char *w = s;

	while (*s) {
		size_t best = 0;

		for (size_t i = 0; i < sizeof(unit_suffixes) / sizeof(unit_suffixes[0]); i++) {
			size_t l = strlen(unit_suffixes[i]);

			if (l > best && !strncmp(s, unit_suffixes[i], l))
				best = l;
		}
		if (best) {
			s += best;
			continue;
		}
		*w++ = *s++;
	}
	*w = '\0';
}

static int label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct label *)a)->key, ((const struct label *)b)->key);
}

/* One sample with its HELP and TYPE lines (once per family: samples of a
 * family come together). */
static void sample(struct strbuf *out, struct strbuf *last, const char *fqn_raw,
		   const char *type, const char *value, struct label *labels, size_t nl)
{
	struct strbuf fqn = STRBUF_INIT;

	sanitize(fqn_raw, true, &fqn);
	if (!fqn.buf)
		return;
	if (!last->buf || strcmp(last->buf, fqn.buf)) {
		strbuf_printf(out, "# HELP %s https://falco.org/docs/metrics/\n# TYPE %s %s\n",
			      fqn.buf, fqn.buf, type);
		strbuf_reset(last);
		strbuf_adds(last, fqn.buf);
	}
	strbuf_adds(out, fqn.buf);
	if (nl) {
		qsort(labels, nl, sizeof(*labels), label_cmp);
		strbuf_addc(out, '{');
		for (size_t i = 0; i < nl; i++) {
			if (i)
				strbuf_addc(out, ',');
			sanitize(labels[i].key, false, out);
			strbuf_adds(out, "=\"");
			for (const char *v = labels[i].value; *v; v++) {
				if (*v == '\\' || *v == '"')
					strbuf_addc(out, '\\');
				if (*v == '\n')
					strbuf_adds(out, "\\n");
				else
					strbuf_addc(out, *v);
			}
			strbuf_addc(out, '"');
		}
		strbuf_addc(out, '}');
	}
	strbuf_printf(out, " %s\n", value);
	strbuf_release(&fqn);
}

/* An information metric: <ns>_<subsystem>_<name>_info{labels} 1. */
static void info(struct strbuf *out, struct strbuf *last, const char *subsystem,
		 const char *name, struct label *labels, size_t nl)
{
	char fqn[256];

	snprintf(fqn, sizeof(fqn), "falcosecurity_%s_%s_info", subsystem, name);
	sample(out, last, fqn, "gauge", "1", labels, nl);
}

static const char *subsystem(enum metric_cat c)
{
	return c == MC_RESOURCE || c == MC_MISC || c == MC_JEMALLOC ? "falco"
	       : c == MC_PLUGINS ? "plugins" : "scap";
}

/* A numeric metric, in Prometheus's units, under its Falco name. */
static void metric(struct strbuf *out, struct strbuf *last, struct metric *e,
		   struct label *labels, size_t nl)
{
	char fqn[384], value[64];

	if (!e->dbl && (e->unit == MU_KIB || e->unit == MU_BYTES)) {
		char *suf = strstr(e->name, e->unit == MU_KIB ? "_kb" : "_bytes");

		e->v.d = e->unit == MU_KIB ? (double)e->v.u * 1024.0 : (double)e->v.u;
		e->dbl = true;
		e->unit = MU_BYTES;
		if (suf)
			strcpy(suf, "_bytes");
	} else if (e->dbl && e->unit == MU_PERC) {
		char *suf = strstr(e->name, "_perc");

		e->v.d /= 100.0;
		e->unit = MU_RATIO;
		if (suf)
			strcpy(suf, "_ratio");
	}
	if (e->cat == MC_SAKER)
		snprintf(fqn, sizeof(fqn), "saker_%s_", e->name);
	else
		snprintf(fqn, sizeof(fqn), "falcosecurity_%s_%s_", subsystem(e->cat), e->name);
	strip_units(fqn);
	strncat(fqn, unit_words[e->unit], sizeof(fqn) - strlen(fqn) - 1);
	if (e->dbl)
		snprintf(value, sizeof(value), "%f", e->v.d);
	else
		snprintf(value, sizeof(value), "%" PRIu64, e->v.u);
	sample(out, last, fqn, e->monotonic ? "counter" : "gauge", value, labels, nl);
}

/* A driver's drops of one kind (n_drops_buffer_<what>_<enter|exit>) as
 * Falco gives them: n_drops_buffer{dir, drop}. */
static void drops_by_kind(struct strbuf *out, struct strbuf *last, struct metric *e)
{
	char what[sizeof(e->name)];
	const char *dir;
	struct label lb[2];
	char *us;

	snprintf(what, sizeof(what), "%s", e->name + 15);
	if (!(us = strrchr(what, '_')))
		return;
	*us = '\0';
	dir = us + 1;
	lb[0] = (struct label){ "dir", dir };
	lb[1] = (struct label){ "drop", what };
	snprintf(e->name, sizeof(e->name), "n_drops_buffer");
	metric(out, last, e, lb, 2);
}

/* The files' hashes as sha256_<kind>_files_info{file_name, sha256}. */
static void hashes(struct strbuf *out, struct strbuf *last, const struct strbuf *h,
		   const char *name)
{
	for (size_t o = 0; h->buf && o + 1 < h->len;) {
		const char *file = h->buf + o, *hex = file + strlen(file) + 1;
		struct label l[2] = { { "file_name", file }, { "sha256", hex } };

		if (*hex)
			info(out, last, "falco", name, l, 2);
		o = (size_t)(hex + strlen(hex) + 1 - h->buf);
	}
}

void metrics__prometheus(struct metrics *m, struct strbuf *out)
{
	const struct snap *s = &m->snap;
	struct metrics_list l = { 0 };
	struct strbuf last = STRBUF_INIT, tag = STRBUF_INIT;
	struct label one;

	metrics_lock_fresh(m);
	if (s->live) {
		one = (struct label){ "engine_name", "modern_bpf" };
		info(out, &last, "scap", "engine_name", &one, 1);
	}
	one = (struct label){ "version", SAKER_VERSION };
	info(out, &last, "falco", "version", &one, 1);
	one = (struct label){ "kernel_release", m->kernel };
	info(out, &last, "falco", "kernel_release", &one, 1);
	one = (struct label){ "hostname", m->hostname };
	info(out, &last, "evt", "hostname", &one, 1);
	metrics_file_hashes(m);
	hashes(out, &last, &m->sha_rules, "sha256_rules_files");
	hashes(out, &last, &m->sha_config, "sha256_config_files");
	one = (struct label){ "evt_source", "syscall" };
	info(out, &last, "falco", "evt_source", &one, 1);
	metrics_collect(m, &l);
	/* the wrapper's metrics first, as Falco orders them */
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].cat == MC_MISC)
			metric(out, &last, &l.v[i], NULL, 0);
	if (metrics_flag(m, "metrics.rules_counters_enabled")) {
		for (size_t i = 0; i < s->nrules; i++) {
			const struct snap_rule *r = &s->rules[i];
			struct label *lb;
			struct metric e = { .name = "rules_matches", .cat = MC_MISC, .unit = MU_COUNT,
					    .monotonic = true, .v.u = s->hits[i] };
			char prio[8];
			size_t nl = 3;

			if (!s->hits[i])
				continue;
			lb = mem_calloc(3 + r->ntags, sizeof(*lb));
			if (!lb)
				continue;
			snprintf(prio, sizeof(prio), "%d", r->priority);
			lb[0] = (struct label){ "rule_name", r->name };
			lb[1] = (struct label){ "priority", prio };
			lb[2] = (struct label){ "source", r->source };
			strbuf_reset(&tag);
			for (uint32_t t = 0; t < r->ntags; t++) {
				strbuf_printf(&tag, "tag_%s", r->tags[t]);
				strbuf_addc(&tag, '\0');
			}
			for (size_t o = 0; tag.buf && o < tag.len; o += strlen(tag.buf + o) + 1)
				lb[nl++] = (struct label){ tag.buf + o, "true" };
			metric(out, &last, &e, lb, nl);
			mem_free(lb);
		}
	}
	for (size_t i = 0; i < l.n; i++) {
		struct metric *e = &l.v[i];

		if (e->cat == MC_MISC)
			continue;
		if (e->cat == MC_KERNEL && !strcmp(e->name, "n_drops_buffer_total"))
			continue;	/* Falco gives the drops by kind as labels instead */
		if (e->cat == MC_KERNEL && !strncmp(e->name, "n_drops_buffer_", 15)) {
			drops_by_kind(out, &last, e);
			continue;
		}
		if (e->cat == MC_KERNEL_CPU) {
			char cpu[16];
			struct label lc = { "cpu", cpu };

			snprintf(cpu, sizeof(cpu), "%d", e->cpu);
			e->name[strcspn(e->name, "0123456789")] = '\0';
			metric(out, &last, e, &lc, 1);
			continue;
		}
		metric(out, &last, e, NULL, 0);
	}
	pthread_mutex_unlock(&m->mu);
	mem_free(l.v);
	strbuf_release(&last);
	strbuf_release(&tag);
}
