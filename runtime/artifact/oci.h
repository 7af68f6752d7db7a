/* A client of the OCI Distribution API: manifests by tag or digest, blobs
 * by digest, tag lists; basic and bearer-token authentication from a
 * WWW-Authenticate challenge; every byte checked against the digest it
 * was asked for. Prefix oci_ (methods oci_client__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "runtime/artifact/digest.h"
#include "runtime/artifact/http.h"
#include "runtime/base/strbuf.h"

struct oci_cred {
	const char *registry;	/* "host[:port]"; NULL: any registry (put it last) */
	const char *user, *password;
};

struct oci_opts {
	struct http_opts http;
	const struct oci_cred *creds;	/* borrowed for the client's life */
	size_t ncreds;
	bool plain_http;		/* http:// instead of https:// */
};

struct oci_client;

int oci_client__new(const struct oci_opts *o, struct oci_client **out);
void oci_client__free(struct oci_client *c);

/* Fetches a manifest or index by tag or digest into body; digest receives
 * the sha256 of its bytes. A reference that is a digest must match it, as
 * must the registry's Docker-Content-Digest. -ENOENT when there is none,
 * -EACCES when refused, -EBADMSG on a digest mismatch, or http_request's
 * errors; each logged. */
int oci_get_manifest(struct oci_client *c, const char *registry, const char *repo,
		     const char *reference, struct strbuf *body, char digest[DIGEST_STR_LEN]);
/* Fetches a blob (at most max bytes) and checks it against digest. */
int oci_get_blob(struct oci_client *c, const char *registry, const char *repo,
		 const char *digest, size_t max, struct strbuf *body);
/* The repository's tags (owned array of owned strings). */
int oci_list_tags(struct oci_client *c, const char *registry, const char *repo, char ***tags,
		  size_t *n);
