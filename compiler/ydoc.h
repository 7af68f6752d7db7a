/* YAML documents as a tree of nodes that keep where they came from.
 * Built from libyaml's event stream with limits on nesting depth, node count
 * and scalar size; anchors and aliases are resolved to shared nodes.
 * Prefix ydoc_. Every node and string is owned by the caller's arena. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/base/diag.h"

struct arena;

enum ydoc_kind { YDOC_NULL, YDOC_SCALAR, YDOC_SEQ, YDOC_MAP };

enum ydoc_style { YDOC_PLAIN, YDOC_SQUOTED, YDOC_DQUOTED, YDOC_LITERAL, YDOC_FOLDED };

struct ydoc_node {
	enum ydoc_kind kind;
	enum ydoc_style style;		/* scalars only */
	struct src_loc start;		/* first character of the node */
	uint32_t end_off;		/* one past its last character */
	const char *str;		/* scalar value, NUL-terminated */
	size_t len;
	struct ydoc_node **kids;	/* seq items; map keys and values interleaved */
	size_t n;			/* seq: item count; map: pair count */
};

struct ydoc_limits {
	unsigned max_depth;		/* default 64 */
	size_t max_nodes;		/* default 1,000,000 (alias expansion counts) */
	size_t max_scalar;		/* default 1 MiB */
};

struct ydoc {
	const char *file;
	const char *text;
	size_t len;
	struct ydoc_node **docs;	/* one root per YAML document ('---') */
	size_t ndocs;
};

/* Parses text (which must outlive the result). Syntax errors and exceeded
 * limits become LOAD_ERR_YAML_PARSE diagnostics; the return value is then
 * -EINVAL. -ENOMEM when out of memory. */
int ydoc_parse(const char *file, const char *text, size_t len, const struct ydoc_limits *lim,
	       struct arena *a, struct diag_list *dl, struct ydoc **out);

/* Value of key in a map, NULL when absent. */
struct ydoc_node *ydoc_map_get(const struct ydoc_node *map, const char *key);

/* Position in the file of byte `off` of a scalar's value, found by walking
 * the value and its source text side by side (folding and escapes make the
 * two differ). */
struct src_loc ydoc_scalar_loc(const struct ydoc *doc, const struct ydoc_node *scalar,
			       size_t off);

/* Line and column of a byte offset of the document's text. */
struct src_loc ydoc_loc_at(const struct ydoc *doc, size_t off);
