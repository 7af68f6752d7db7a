/* saker's configuration: the falco.yaml keys saker honours, read from a
 * YAML file (-c) and overridden by `-o key=value` (dotted keys for nested
 * maps, e.g. file_output.enabled=true). Prefix config_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "compiler/rules.h"

enum config_match { CONFIG_MATCH_FIRST, CONFIG_MATCH_ALL };

/* syscall_event_drops.actions, as bits; Falco takes the first of them in
 * this order. */
enum config_drop_action {
	CONFIG_DROP_IGNORE = 1u << 0,
	CONFIG_DROP_LOG = 1u << 1,
	CONFIG_DROP_ALERT = 1u << 2,
	CONFIG_DROP_EXIT = 1u << 3,
};

/* One extra_fields entry of append_output: `key: format`, or a bare field
 * name (raw: its value as the field's own JSON type). */
struct config_extra_field {
	char *key;
	char *format;
	bool raw;
};

/* One append_output entry: the rules it matches (all of source, every tag
 * and rule name that are set) and what it appends. */
struct config_append_output {
	char *source;
	char **tags;
	size_t ntags;
	char *rule;
	char *extra_output;
	struct config_extra_field *fields;
	size_t nfields;
};

struct config {
	bool json_output;
	bool json_include_output_property;
	bool json_include_tags_property;
	bool json_include_message_property;
	bool json_include_output_fields_property;
	bool time_format_iso_8601;
	enum config_match rule_matching;
	enum rl_priority min_priority;	/* `priority`: alerts below it are dropped */
	bool stdout_output;
	bool file_output;
	char *file_output_filename;
	bool file_output_keep_alive;
	bool buffered_outputs;
	bool all_syscalls;		/* -A */
	size_t ring_bytes;		/* engine.modern_ebpf.buf_size_preset: per CPU */
	bool capture_env;		/* capture_environment: -w keeps the process
					 * list's environments */
	char **rules_files;		/* `rules_files` (or the older `rules_file`) */
	size_t nrules_files;
	/* outputs (runtime/outputs.c and out_*.c) */
	bool syslog_output;
	bool program_output;
	bool program_output_keep_alive;
	char *program_output_program;
	bool http_output;
	char *http_output_url;
	char *http_output_user_agent;	/* NULL: saker/VERSION */
	bool http_output_insecure;
	char *http_output_ca_cert;
	char *http_output_ca_bundle;
	char *http_output_ca_path;
	bool http_output_mtls;
	char *http_output_client_cert;
	char *http_output_client_key;
	bool http_output_echo;
	bool http_output_compress_uploads;
	bool http_output_keep_alive;
	unsigned http_output_max_consecutive_timeouts;
	unsigned long outputs_queue_capacity;	/* 0: saker's bound */
	unsigned output_timeout_ms;
	struct config_append_output *append_output;
	size_t nappend_output;
	/* syscall_event_drops */
	unsigned drop_actions;		/* enum config_drop_action bits; 0: ignore */
	double drop_threshold;
	double drop_rate;
	double drop_max_burst;
	bool drop_simulate;
};

void config_init(struct config *c);
void config_release(struct config *c);

/* Reads a falco.yaml-style file. Unknown keys are ignored (a warning goes to
 * the log); a bad value is an error. 0, or -errno with a message in err
 * naming the file, line and column. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/* Applies one "key=value". 0, or -EINVAL with a message in err. */
int config_set(struct config *c, const char *kv, char *err, size_t errlen);
