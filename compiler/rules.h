/* The items of loaded rules files, after load order, overrides and appends
 * are applied and before conditions are compiled: what rules_load produces
 * and sema consumes. Everything lives in the ruleset's arena. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "runtime/base/diag.h"
#include "runtime/base/strmap.h"

struct arena;
struct field_reg;
struct ydoc;
struct ydoc_node;
struct ast_node;
struct ir_node;

/* A piece of a composed text (condition, output) and where it came from. */
struct text_seg {
	uint32_t off, len;
	const struct ydoc *doc;
	const struct ydoc_node *node;	/* scalar it was copied from; NULL when generated */
	struct src_loc loc;		/* generated text: the item it was made for */
};

struct src_text {
	char *s;
	uint32_t len;
	struct text_seg *segs;
	uint32_t nsegs;
};

/* Where in the files an item was defined: the location chain of diagnostics. */
struct item_ctx {
	const char *type;	/* "rule", "macro", "list", ... */
	const char *name;
	struct src_loc file;	/* "rules content" location: the file itself */
	struct src_loc pos;	/* the item */
	const struct ydoc *doc;
};

struct rl_str {
	const char *s;
	struct src_loc loc;
	const struct ydoc *doc;
	const struct ydoc_node *node;
};

enum rl_priority {
	RL_PRIO_EMERGENCY, RL_PRIO_ALERT, RL_PRIO_CRITICAL, RL_PRIO_ERROR,
	RL_PRIO_WARNING, RL_PRIO_NOTICE, RL_PRIO_INFORMATIONAL, RL_PRIO_DEBUG,
};

struct rl_list {
	const char *name;
	struct rl_str *items;
	uint32_t nitems, capitems;
	uint32_t index, visibility;
	struct item_ctx ctx;
	/* filled by sema */
	struct rl_str *resolved;
	uint32_t nresolved;
	bool used;
};

struct rl_macro {
	const char *name;
	struct src_text cond;
	uint32_t index, visibility;
	struct item_ctx ctx;
	struct src_loc cond_loc;
	/* filled by sema */
	struct ast_node *ast;
	struct ir_node *ir;		/* lowered body, shared by every use */
	bool parsed, parse_failed, used;
};

/* One side of an exception: a single value or a (possibly nested) list. */
struct rl_exentry {
	bool valid, is_list;
	struct rl_str item;
	struct rl_exentry *items;
	uint32_t nitems;
};

struct rl_exception {
	const char *name;
	struct rl_exentry fields, comps;
	struct rl_exentry *values;	/* each an entry (tuple or single) */
	uint32_t nvalues, capvalues;
	struct item_ctx ctx;
};

/* An output field append_output adds to a rule's JSON output_fields: key
 * and format (raw: the single field `%key`, printed with its own type). */
struct rl_extra_field {
	const char *key;
	struct src_text fmt;
	bool raw;
};

struct rl_rule {
	const char *name;
	const char *desc;
	struct src_text cond, output;
	enum rl_priority priority;
	const char **tags;
	uint32_t ntags;
	const char *source;
	bool enabled, capture, warn_evttypes, skip_unknown, unknown_source;
	uint64_t capture_duration;
	struct rl_exception *exceptions;
	uint32_t nexceptions, capexceptions;
	uint32_t index, visibility;
	struct item_ctx ctx;
	struct src_loc cond_loc, output_loc;
	struct rl_extra_field *extra_fields;	/* append_output's, in order */
	uint32_t nextra_fields;
};

/* One entry of required_plugin_versions: a plugin and its alternatives,
 * any of which satisfies it (Falco's semantics: same major version, at
 * least the one asked for). */
struct rl_plugin_alt {
	const char *name;
	const char *version;
};

struct rl_plugin_req {
	const char *name;
	const char *version;
	struct rl_plugin_alt *alts;	/* the entry itself first, then its alternatives */
	uint32_t nalts;
	struct item_ctx ctx;
	bool satisfied;		/* by saker's built-in fields or the registry's plugins */
};

struct rl_set {
	struct arena *arena;
	struct diag_list *diags;
	/* plugin sources and fields (NULL: the syscall source and the
	 * catalogue alone); borrowed, outlives the set */
	const struct field_reg *freg;
	struct rl_list **lists;
	uint32_t nlists, caplists;
	struct rl_macro **macros;
	uint32_t nmacros, capmacros;
	struct rl_rule **rules;
	uint32_t nrules, caprules;
	struct strmap list_idx, macro_idx, rule_idx;
	uint32_t cur_index;
	const char *required_engine_version;
	struct rl_plugin_req *plugin_reqs;
	uint32_t nplugin_reqs, capplugin_reqs;
	struct ydoc **docs;
	uint32_t ndocs, capdocs;
};

const char *rl_priority_name(enum rl_priority p);
/* Parses Falco's priority words, case-insensitively. 0 or -EINVAL. */
int rl_priority_parse(const char *s, enum rl_priority *out);
