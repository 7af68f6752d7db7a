/* The plugins of one engine, as Falco gives each event source's inspector
 * its own: for a live source, an instance of every configured plugin that
 * opens that source or extracts from, parses or injects async events into
 * it; for a capture, one instance of every plugin, for every source. Each
 * is initialised in configuration order with tables over the engine's
 * state. The lane routes the engine's events: the event source an event
 * belongs to (plugin events by their plugin id, async events by theirs),
 * the parsers that see it, the plugin that extracts a plugin field, the
 * async events waiting to join the stream, capture open and close, and
 * the plugins' metrics. Prefix plugin_lane_ (methods plugin_lane__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct async_queue;
struct evt;
struct pa_event;
struct pa_extract_field;
struct plugin_inst;
struct plugin_set;
struct state;

struct plugin_lane;

/* A lane for source index src of ps (-1: a capture, every source) with
 * tables over st. 0, or -errno with err naming the plugin that failed. */
int plugin_lane__new(struct plugin_set *ps, struct state *st, int src, struct plugin_lane **out,
		     char *err, size_t errlen);
/* Stops what start started, destroys the instances. NULL is a no-op. */
void plugin_lane__free(struct plugin_lane *l);

/* The registry's source index of event e (0 syscall; plugin events by
 * their plugin id, async events by theirs). -1 for a plugin event of an
 * unknown plugin. */
int plugin_lane_source_of(struct plugin_lane *l, const struct evt *e);
/* Whether the lane serves source index src. */
bool plugin_lane_serves(const struct plugin_lane *l, int src);
/* The name of source index src. */
const char *plugin_lane_source_name(const struct plugin_lane *l, int src);

/* Runs the parsers that take event e (number num, source src); true when
 * they wrote threads or fds (pointers into the state must be looked up
 * again). */
bool plugin_lane_parse(struct plugin_lane *l, const struct evt *e, uint64_t num, int src);

/* Extracts registry field id with argument arg (NULL: none; a key, an
 * index or both as the field takes it) from event e of source src: the
 * plugin's answer (valid until the next extraction), NULL when no plugin
 * of the lane gives it on this event or the plugin failed. */
const struct pa_extract_field *plugin_lane_extract(struct plugin_lane *l, const struct evt *e,
						   uint64_t num, int src, uint32_t id,
						   const char *arg);

/* The plugin of plugin event e (evt.pluginname), NULL when unknown; its
 * text for the event (evt.plugininfo: event_to_string, else Falco's
 * rendering of the payload) into buf. */
const char *plugin_lane_event_plugin(struct plugin_lane *l, const struct evt *e);
const char *plugin_lane_event_info(struct plugin_lane *l, const struct evt *e, uint64_t num,
				   char *buf, size_t len);

/* The instance that opens the lane's source (NULL: none, or a capture). */
struct plugin_inst *plugin_lane_opener(struct plugin_lane *l);
/* open params configured for it */
const char *plugin_lane_open_params(const struct plugin_lane *l);

/* The queue async events wait in (NULL: no plugin of the lane makes any). */
struct async_queue *plugin_lane_async(struct plugin_lane *l);

/* At the start of a run: async handlers set (live lanes), capture_open of
 * the listening plugins. 0 or -errno with err. Stop undoes it (once). */
int plugin_lane_start(struct plugin_lane *l, bool live, char *err, size_t errlen);
void plugin_lane_stop(struct plugin_lane *l);

/* dump_state of every plugin that has it, each event given to fn. */
int plugin_lane_dump(struct plugin_lane *l, int (*fn)(void *ctx, const struct pa_event *e),
		     void *ctx, char *err, size_t errlen);

/* set_config of the lane's instance of set entry i with config (the
 * text of an init_config). 0; -ENOENT when the lane has none; -ENOTSUP or
 * -EINVAL with err (no set_config, a configuration refused). */
int plugin_lane_set_config(struct plugin_lane *l, size_t i, const char *config, char *err,
			   size_t errlen);

/* Every plugin metric of the lane. */
void plugin_lane_metrics(struct plugin_lane *l,
			 void (*fn)(void *ctx, const char *name, double v, bool monotonic),
			 void *ctx);

/* Counters for the statistics. */
struct plugin_lane_stats {
	uint64_t parse_failures, extract_failures;
	uint64_t async_queued, async_dropped, async_rejected;
};
void plugin_lane_stats(struct plugin_lane *l, struct plugin_lane_stats *out);
