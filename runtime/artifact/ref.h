/* Artifact references: "registry/repository[:tag|@digest]" as OCI writes
 * them, "name[:tag|@digest]" of an index entry, and http(s) URLs of plain
 * tarballs. Prefix ref_. */
#pragma once
#include <stdbool.h>

#define REF_DEFAULT_TAG "latest"

struct ref {
	char *registry;		/* "ghcr.io", "127.0.0.1:5000" */
	char *repo;		/* "falcosecurity/rules/falco-rules" */
	char *tag;		/* NULL when pinned by digest */
	char *digest;		/* NULL when named by tag */
};

/* Parses a full OCI reference; without tag or digest the tag is "latest".
 * -EINVAL (logged, with the reason) when it is not one. All owned. */
int ref_parse(const char *s, struct ref *out);
void ref_release(struct ref *r);
/* "registry/repo:tag" or "registry/repo@digest", owned (NULL: no memory). */
char *ref_format(const struct ref *r);
/* "registry/repo" */
char *ref_repo_name(const struct ref *r);

/* True for "name", "name:tag", "name@digest": no '/', so no registry. */
bool ref_is_index_name(const char *s);
/* Splits an index name reference into its parts (owned; tag and digest
 * NULL when absent). */
int ref_split_name(const char *s, char **name, char **tag, char **digest);
/* True for http:// and https:// URLs. */
bool ref_is_url(const char *s);
