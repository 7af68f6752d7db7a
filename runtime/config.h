/* saker's configuration: the falco.yaml keys saker honours, read from a
 * YAML file (-c) and overridden by `-o key=value` (dotted keys for nested
 * maps, e.g. file_output.enabled=true). Prefix config_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "compiler/rules.h"

enum config_match { CONFIG_MATCH_FIRST, CONFIG_MATCH_ALL };

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
	const char *engine_kind;	/* engine.kind: "modern_ebpf" (default) or "kmod" */
	size_t kmod_ring_bytes;		/* engine.kmod.buf_size_preset: per CPU */
	char *kmod_module;		/* engine.kmod.module: the .ko saker loads when no
					 * module is (NULL: it loads none) */
	bool capture_env;		/* capture_environment: -w keeps the process
					 * list's environments */
	char **rules_files;		/* `rules_files` (or the older `rules_file`) */
	size_t nrules_files;
};

void config_init(struct config *c);
void config_release(struct config *c);

/* Reads a falco.yaml-style file. Unknown keys are ignored (a warning goes to
 * the log); a bad value is an error. 0, or -errno with a message in err
 * naming the file, line and column. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/* Applies one "key=value". 0, or -EINVAL with a message in err. */
int config_set(struct config *c, const char *kv, char *err, size_t errlen);
