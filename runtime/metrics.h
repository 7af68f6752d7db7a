/* Metrics, as Falco's `metrics:` keys configure them: snapshots of the
 * event loop's counters (taken on the event thread between two events,
 * through engine__request_service, so the loop only ever increments plain
 * counters), the probe's per-CPU events and drops, BPF program statistics,
 * the state tables, alerts per rule, saker's own CPU and memory and the
 * host's; written every metrics.interval as the rule output "Falco
 * internal: metrics snapshot" and as JSON lines in metrics.output_file, and
 * on request in Prometheus's text format with Falco's falcosecurity_ names
 * (saker's own counters under saker_). Prefix metrics_ (methods metrics__). */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct config;
struct engine;
struct strbuf;
struct metrics;

/* Ready to serve snapshots of en (which must outlive it); turns the
 * kernel's BPF statistics on when metrics.libbpf_stats_enabled asks. */
int metrics__new(const struct config *cfg, struct engine *en, struct metrics **out);
/* Starts the periodic outputs (metrics.output_rule, metrics.output_file)
 * when metrics.enabled. 0, or -errno with err filled. */
int metrics__start(struct metrics *m, char *err, size_t errlen);
/* Stops the periodic outputs and hands the event loop's service back. */
void metrics__free(struct metrics *m);

/* A fresh snapshot (waits up to half a second for the event loop, else
 * the last one) in Prometheus's text exposition format. Any thread. */
void metrics__prometheus(struct metrics *m, struct strbuf *out);
/* A fresh snapshot's output fields, the JSON object of the rule and file
 * outputs (the rates computed against the previous call). Any thread. */
void metrics__output_fields(struct metrics *m, struct strbuf *out);

/* Falco's metric name of a rule: every character outside [a-zA-Z0-9_:]
 * as '_', runs of '_' as one, a trailing '_' dropped. */
void metrics_rule_name(const char *name, struct strbuf *out);
