/* A compiled ruleset: the public entry of the compiler. Loads rules files,
 * runs the checks, lowers conditions to the shared IR and computes event-type
 * sets and the adaptive syscall set. Owns everything it made (one arena).
 * Prefix ruleset_ (methods ruleset__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "compiler/evttypes.h"
#include "compiler/ir.h"
#include "compiler/rules.h"
#include "compiler/sema.h"
#include "runtime/base/diag.h"

struct strbuf;

struct ruleset_rule {
	const struct rl_rule *src;
	const struct sema_rule *sema;
	struct ir_node *root;		/* NULL when the rule failed or was skipped */
	struct evtset evttypes;		/* the types the rule is evaluated on */
	bool all_types;
	uint32_t source;		/* index of its event source (field_reg_source:
					 * 0 syscall) */
};

struct ruleset {
	struct arena *arena;
	struct diag_list diags;
	struct rl_set rl;
	struct sema sema;
	struct ir_prog ir;
	struct ruleset_rule *rules;	/* in definition order */
	size_t nrules;
	bool compiled;
};

int ruleset__new(struct ruleset **out);
void ruleset__free(struct ruleset *rs);

struct field_reg;
/* The plugin sources and fields rules may use (compiler/field_reg.h),
 * borrowed until the ruleset is freed; set before loading. */
void ruleset__set_fields(struct ruleset *rs, const struct field_reg *reg);

/* Loads one file; problems become diagnostics (see rs->diags). Returns 0,
 * -EINVAL when the file had errors, or -errno. */
int ruleset__load_file(struct ruleset *rs, const char *path);
int ruleset__load_text(struct ruleset *rs, const char *name, const char *text, size_t len);

/* Checks and lowers everything loaded. 0, -EINVAL on errors, -ENOMEM. */
int ruleset__compile(struct ruleset *rs);

/* Marks (mark[i], i < evt_schema_syscall_count()) the adaptive syscall set:
 * the syscalls of every enabled rule's event types plus the base set;
 * heavy I/O syscalls only when all_io. */
void ruleset__syscalls(const struct ruleset *rs, bool all_io, bool *mark);

/* Readable listing of the IR with every rule's root and event types. */
void ruleset__dump_ir(const struct ruleset *rs, struct strbuf *sb);
/* "name: type,type" (or "all") per compiled rule. */
void ruleset__format_evttypes(const struct ruleset_rule *r, struct strbuf *sb);
