/* Artifact indexes in falcoctl's index.yaml format: a list of entries
 * (name, type, registry, repository, signature, description, home,
 * keywords, license, maintainers, sources), read, merged, searched and
 * written back. Prefix index_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "runtime/base/strbuf.h"

#define INDEX_MAX_ENTRIES 100000
#define INDEX_MAX_BYTES (32u << 20)

struct index_maint {
	char *name, *email;
};

/* signature.cosign of an entry */
struct index_cosign {
	bool present;
	char *key;			/* path of a PEM public key */
	char *identity, *identity_regexp, *issuer, *issuer_regexp;
};

struct index_entry {
	char *name, *type, *registry, *repository;
	char *description, *home, *license;
	char **keywords;
	size_t nkeywords;
	char **sources;
	size_t nsources;
	struct index_maint *maints;
	size_t nmaints;
	struct index_cosign cosign;
	const char *index_name;	/* the configured index it came from (borrowed) */
};

struct index {
	struct index_entry *e;
	size_t n;
};

/* Parses index.yaml text; what names it in errors ("what:line:col: ..."),
 * -EINVAL on a malformed document or a duplicate name. Owned. */
int index_parse(const char *what, const char *text, size_t len, struct index *out);
void index_release(struct index *ix);
/* Writes the entries sorted by name in the same format. */
void index_write(const struct index *ix, struct strbuf *out);
/* Entry named name, NULL when none. */
const struct index_entry *index_find(const struct index *ix, const char *name);
/* Moves every entry of from into into (a later one with the same name
 * replaces an earlier one), tagging them with index_name; from is emptied. */
int index_merge(struct index *into, struct index *from, const char *index_name);
/* falcoctl's search: the name is close to the keyword (edit-distance score
 * at least min_score) or a keyword of the entry contains it. */
bool index_entry_matches(const struct index_entry *e, const char *keyword, double min_score);
