/* saker's configuration: Falco's falco.yaml. A tree of YAML nodes built
 * from the main file, the `config_files` it names and `-o key=value`
 * overrides, checked against the key table (config_keys.def), read by
 * every part through the tree API (config_get_*("http_output.url")), and
 * the keys the engine reads on its hot paths copied into struct config.
 * Prefix config_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/rules.h"

enum config_match { CONFIG_MATCH_FIRST, CONFIG_MATCH_ALL };

struct arena;
struct strbuf;
struct ydoc_node;

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
	bool suggested_output;	/* the fields plugins suggest for outputs
				 * (addOutput) appended, `name=%name` each */
};

struct config {
	bool json_output;
	bool json_include_output_property;
	bool json_include_tags_property;
	bool json_include_message_property;
	bool json_include_output_fields_property;
	bool time_format_iso_8601;
	enum config_match rule_matching;
	enum rl_priority min_priority;	/* `priority`: rules below it do not run */
	bool stdout_output;
	bool file_output;
	char *file_output_filename;
	bool file_output_keep_alive;
	bool buffered_outputs;
	bool all_syscalls;		/* -A, base_syscalls.all */
	size_t ring_bytes;		/* engine.modern_ebpf.buf_size_preset: per CPU */
	size_t thread_table_size;	/* falco_libs.thread_table_size (0: the state's default) */
	const char *engine_kind;	/* engine.kind: "modern_ebpf" (default), "kmod", "replay" */
	size_t kmod_ring_bytes;		/* engine.kmod.buf_size_preset: per CPU */
	char *kmod_module;		/* engine.kmod.module: the .ko saker loads when no
					 * module is (NULL: it loads none) */
	bool capture_env;		/* capture_environment: -w keeps the process
					 * list's environments */
	char **rules_files;		/* `rules_files` (or `rules_file`), as written */
	size_t nrules_files;

	/* the tree (NULL until config_load) and what it was read from */
	struct arena *arena;
	struct ydoc_node *root;
	char **files;			/* configuration files read, in order */
	size_t nfiles;
	char **dirs;			/* config_files directories read */
	size_t ndirs;

	/* outputs (runtime/outputs.c and out_*.c); strings and append_output
	 * live in the tree's arena */
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

/* The values of the table's defaults, no tree. */
void config_init(struct config *c);
void config_release(struct config *c);

/* Builds the configuration: the file at path (NULL: none, only defaults
 * and overrides), then the files of its config_files, with the overrides
 * ("key=value", "key={yaml}", "a.b[0].c=value"; those that set
 * config_files apply before it is read, the others after every file),
 * checked against the key table and copied into c. On error, -EINVAL (or
 * -errno) with one line in err: "file:line:col: what" for a file, "-o
 * KEY=VALUE: what" for an override. c is then as after config_init. */
int config_load(struct config *c, const char *path, const char *const *overrides, size_t n,
		char *err, size_t errlen);

/* ---- the tree API: every key of the table, by its dotted path ------------ */

/* The node at path ("a.b", "a.list[2].c"), NULL when absent. */
const struct ydoc_node *config_get(const struct config *c, const char *path);
/* The value at path, else the table's default for it (false, 0, "" for a
 * path the table does not know). */
bool config_get_bool(const struct config *c, const char *path);
int64_t config_get_int(const struct config *c, const char *path);
double config_get_num(const struct config *c, const char *path);
/* Borrowed until config_release. */
const char *config_get_str(const struct config *c, const char *path);
/* A list of strings (a lone string is a list of one); items borrowed until
 * config_release. */
size_t config_list_len(const struct config *c, const char *path);
const char *config_list_str(const struct config *c, const char *path, size_t i);
/* Where the key is set, "file:line:col" (or "-o KEY=VALUE", or "default"). */
void config_where(const struct config *c, const char *path, char *buf, size_t len);

/* A Prometheus time duration ("1h30m", "10s", "250ms", "1y2w3d") in ms; 0
 * for text that is not one. */
uint64_t config_parse_duration(const char *s);

/* The rules files to load: each entry of the list, a directory giving its
 * .yaml/.yml files in name order; missing entries are skipped when
 * skip_missing. Owned (free each and the array with mem_free). 0, -errno
 * with err filled. */
int config_expand_rules(const char *const *entries, size_t n, bool skip_missing,
			char ***out, size_t *nout, char *err, size_t errlen);

/* The configuration as JSON (the merged tree, defaults not added). */
void config_dump_json(const struct config *c, struct strbuf *sb);
/* Whether a and b say something different beyond their rules files
 * (rules_files, rules_file); true when that cannot be told (no memory). */
bool config_differs_beyond_rules(const struct config *a, const struct config *b);
/* The same beyond the top-level keys of skip (NULL-ended). */
bool config_differs_beyond(const struct config *a, const struct config *b,
			   const char *const *skip);
/* The key table as a JSON schema (draft-06), and as a Markdown table. */
void config_schema_json(struct strbuf *sb);
void config_keys_markdown(struct strbuf *sb);
