/* The configured indexes, kept as falcoctl keeps them: a list file
 * (indexes.yaml: configs of name, url, backend, added and updated
 * timestamps) and a cached copy of each index (indexes/NAME.yaml) in a
 * directory of the tool's. Prefix index_cfg_. */
#pragma once
#include <stddef.h>

#include "runtime/artifact/http.h"
#include "runtime/artifact/index.h"

struct index_cfg_item {
	char *name, *url, *backend, *added, *updated;
};

struct index_cfg {
	char *dir;			/* owned */
	struct index_cfg_item *items;
	size_t n;
};

/* Reads dir/indexes.yaml (absent: no index). -EINVAL logged when broken. */
int index_cfg_load(const char *dir, struct index_cfg *out);
void index_cfg_release(struct index_cfg *c);
/* Fetches the index at url (backend "https", "http" or "file"; NULL or ""
 * from the URL), checks it parses, caches it and records it under name
 * (replacing one of that name). Then writes indexes.yaml. */
int index_cfg_add(struct index_cfg *c, const struct http_opts *ho, const char *name,
		  const char *url, const char *backend);
/* Forgets an index and its cached copy; -ENOENT (logged) when unknown. */
int index_cfg_remove(struct index_cfg *c, const char *name);
/* Fetches every configured index (or the one named) again. */
int index_cfg_update(struct index_cfg *c, const struct http_opts *ho, const char *name);
/* All cached indexes merged in the order they were added. */
int index_cfg_merged(const struct index_cfg *c, struct index *out);
