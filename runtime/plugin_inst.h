/* A plugin instance: a library (plugin.h) initialised with its
 * configuration for one engine, and the owner it talks to. Init checks the
 * configuration against the plugin's schema, hands over the table API
 * (plugin_tables.h) to extracting and parsing plugins, a logger and the
 * owner's last error, then reads which event types it extracts from and
 * parses and checks the event schema it needs. The calls the engine makes
 * (parse, extract, capture open/close, async handler, metrics, set_config,
 * dump_state, the source's open/next_batch) go through here, each followed
 * by the reclaiming of the table entries the plugin left. A failure is a
 * sentence naming the plugin and its get_last_error. The pointer plugins
 * get as their owner is the instance. Prefix plugin_inst_ (methods
 * plugin_inst__). */
#pragma once
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/shared/ppm_events.h"
#include "runtime/plugin_abi.h"

struct async_queue;
struct evt;
struct plugin;
struct ptab_reg;
struct ptab_owner;

struct plugin_inst {
	char owner_err[PA_MAX_ERRLEN];	/* get_owner_last_error's text */
	struct plugin *p;		/* borrowed */
	pa_plugin_t *state;
	struct ptab_owner *tabs;	/* NULL: no table access */
	bool extract_codes[PPM_EVENT_MAX];	/* event types it extracts from */
	bool parse_codes[PPM_EVENT_MAX];	/* and parses */
	struct pa_extract_field xf;	/* the one field being extracted */
	/* async events: where they go, stamped with the plugin id of the
	 * source they join (0: syscall); NULL while off */
	_Atomic(struct async_queue *) aq;
	uint32_t async_id;
	/* counters */
	uint64_t parse_failures, extract_failures;
	_Atomic uint64_t async_rejected;
	bool warned_parse, warned_extract;
};

/* Initialises an instance of p with config (NULL: ""), its tables in reg
 * (NULL: none offered). 0, or -errno with err naming the plugin: its
 * schema's verdict, "could not initialize plugin: <last error>", an event
 * schema it needs that saker's is not. */
int plugin_inst__new(struct plugin *p, const char *config, struct ptab_reg *reg,
		     struct plugin_inst **out, char *err, size_t errlen);
/* destroy(), then frees. NULL is a no-op. */
void plugin_inst__free(struct plugin_inst *pi);

/* The plugin's get_last_error (never NULL). */
const char *plugin_inst_last_error(struct plugin_inst *pi);

/* The event handed to a plugin. */
void plugin_inst_event(const struct evt *e, uint64_t num, const char *source,
		       struct pa_event_input *out);

/* parse_event; false (counted, the first logged) when the plugin fails. */
bool plugin_inst_parse(struct plugin_inst *pi, const struct pa_event_input *in);
/* extract_fields of field `field` (its index in the plugin's fields) with
 * its argument; the answer in pi->xf (res, res_len), valid until the next
 * call. false when the plugin fails (counted, the first logged). */
bool plugin_inst_extract(struct plugin_inst *pi, const struct pa_event_input *in, uint32_t field,
			 const char *arg_key, uint64_t arg_index, bool arg_present);

/* capture_open / capture_close. 0 or -EIO with err. */
int plugin_inst_capture(struct plugin_inst *pi, bool open, char *err, size_t errlen);

/* Starts the plugin's async events into aq, stamped with plugin id `id`;
 * stops them (aq NULL), waiting for the plugin to stop as the API has it.
 * 0 or -EIO with err. */
int plugin_inst_async(struct plugin_inst *pi, struct async_queue *aq, uint32_t id, char *err,
		      size_t errlen);
/* dump_state: the plugin's state as async events, each given to fn. 0,
 * -ENOTSUP (no dump_state) or -EIO with err. */
int plugin_inst_dump(struct plugin_inst *pi, int (*fn)(void *ctx, const struct pa_event *e),
		     void *ctx, char *err, size_t errlen);

/* set_config (checked against the schema first). 0 or -EINVAL with err. */
int plugin_inst_set_config(struct plugin_inst *pi, const char *config, char *err, size_t errlen);

/* get_metrics: fn per metric, named "<plugin>.<metric>", its value as a
 * double, monotonic or not. */
void plugin_inst_metrics(struct plugin_inst *pi,
			 void (*fn)(void *ctx, const char *name, double v, bool monotonic),
			 void *ctx);
