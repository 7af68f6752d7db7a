/* YAML files of the artifact tool (index.yaml, the list of configured
 * indexes, the settings) read through the compiler's ydoc, with errors
 * that say file:line:col. Prefix yfile_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "compiler/ydoc.h"
#include "runtime/base/strbuf.h"

struct yfile {
	struct arena *arena;
	struct ydoc *doc;
	const struct ydoc_node *root;	/* first document, NULL when empty */
	char *text;			/* owned copy the tree points into */
};

/* Reads a whole file into sb (at most max bytes). -errno, logged. */
int yfile_read(const char *path, size_t max, struct strbuf *sb);
/* Parses text (copied). -EINVAL logged as "what:line:col: message". */
int yfile_parse(const char *what, const char *text, size_t len, struct yfile *out);
void yfile_release(struct yfile *y);

/* A scalar member of map as a string (borrowed from y); NULL when absent
 * and !required. -EINVAL (logged with its place) when of another kind. */
int yfile_str(const struct yfile *y, const struct ydoc_node *map, const char *key, bool required,
	      const char **s);
/* Logs "file:line:col: msg" for node n; returns -EINVAL. */
int yfile_err(const struct yfile *y, const struct ydoc_node *n, const char *msg);
/* Appends s to sb as a YAML double-quoted scalar. */
void yfile_add_str(struct strbuf *sb, const char *s);
