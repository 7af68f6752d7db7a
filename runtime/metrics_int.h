/* Metrics' insides, shared by metrics.c (snapshots, the periodic outputs,
 * output fields) and metrics_prom.c (the Prometheus text). */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime/base/strbuf.h"
#include "runtime/engine.h"
#include "runtime/evt_source.h"
#include "state/state.h"

/* Falco's metric categories (libs' METRICS_V2_*), plus saker's own. */
enum metric_cat {
	MC_MISC, MC_RESOURCE, MC_STATE, MC_KERNEL, MC_KERNEL_CPU, MC_LIBBPF, MC_JEMALLOC, MC_SAKER,
	MC_PLUGINS,	/* the plugins' own (get_metrics): "<plugin>.<metric>" */
};

/* Falco's metric units (libs' METRIC_VALUE_UNIT_*), in its order. */
enum metric_unit {
	MU_COUNT, MU_RATIO, MU_PERC, MU_BYTES, MU_KIB, MU_MB, MU_NS, MU_S, MU_NS_COUNT,
	MU_S_COUNT, MU_TS_NS,
};

struct metric {
	char name[160];		/* without its category's prefix */
	enum metric_cat cat;
	enum metric_unit unit;
	bool monotonic;		/* a counter; else a gauge */
	bool dbl;		/* v.d, else v.u */
	union { uint64_t u; double d; } v;
	int cpu;		/* MC_KERNEL_CPU: the CPU */
};

struct metrics_list {
	struct metric *v;
	size_t n, cap;
};

struct snap_rule {
	char *name, *source;
	int priority;
	char **tags;
	uint32_t ntags;
};

struct snap_prog {
	char name[64];
	uint64_t run_cnt, run_ns;
};

#define METRICS_MAX_PROGS 16
/* Plugin metrics a snapshot keeps. */
#define METRICS_MAX_PLUGIN 256

struct snap_plugin_metric {
	char name[160];
	double v;
	bool monotonic;
};

/* What the event thread copies (struct metrics::snap). */
struct snap {
	uint64_t seq;			/* snapshots taken */
	struct engine_stats es;
	struct state_stats ss;
	bool live;
	int ncpus;
	struct evt_source_stats tot, *cpu;
	struct snap_prog progs[METRICS_MAX_PROGS];
	int nprogs;
	uint64_t rules_gen;
	struct snap_rule *rules;
	size_t nrules;
	uint64_t *hits;
	char **rule_files;
	size_t nrule_files;
	struct snap_plugin_metric plugin[METRICS_MAX_PLUGIN];	/* metrics.plugins_metrics_enabled */
	size_t nplugin;
};

struct metrics {
	const struct config *cfg;
	struct engine *en;
	pthread_mutex_t mu;		/* snap, want, line; the event thread only trylocks */
	pthread_cond_t cv;		/* a snapshot was taken (with mu) */
	pthread_cond_t stop_cv;		/* stop the periodic outputs (with fields_mu) */
	struct snap snap;
	bool want;			/* a reader waits for a snapshot */
	struct strbuf line;		/* a rule output for the event thread to emit */
	int stats_fd;			/* BPF statistics on while open; -1 */
	uint64_t start_ns;		/* CLOCK_REALTIME at start */
	double start_uptime;		/* the host's uptime (s) when saker started */
	char hostname[256];
	char kernel[128];
	/* sha256 of the files, computed once per rules generation */
	uint64_t sha_gen;
	struct strbuf sha_rules, sha_config;	/* "name\0hex\0" pairs */
	/* the periodic outputs */
	pthread_t thr;
	bool thr_started, stop;
	FILE *file;
	uint64_t samples;
	uint64_t last_num_evts, last_n_evts, last_n_drops, last_ns;
	pthread_mutex_t fields_mu;	/* the rates' previous values */
};

/* Takes a fresh snapshot (the event loop gets half a second) and returns
 * with m->mu held. */
void metrics_lock_fresh(struct metrics *m);
/* The numeric metrics of the snapshot, every enabled category. */
int metrics_collect(struct metrics *m, struct metrics_list *l);
/* The files' sha256 as "name\0hex\0" pairs, refreshed for the rules
 * generation of the snapshot (m->mu held). */
void metrics_file_hashes(struct metrics *m);
bool metrics_flag(const struct metrics *m, const char *key);
