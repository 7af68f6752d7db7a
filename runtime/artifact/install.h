/* Installing one artifact: resolve its reference (index name, OCI
 * reference or tarball URL), fetch manifest and config, check type,
 * requirements, dependencies and signature, fetch and unpack the layer,
 * validate rules files with the rule compiler, and only then replace the
 * files in the destination directory, each atomically. Any failure leaves
 * the destination as it was. Prefix install_. */
#pragma once
#include <stdbool.h>

#include "runtime/artifact/art_types.h"
#include "runtime/artifact/cosign.h"
#include "runtime/artifact/digest.h"
#include "runtime/artifact/index.h"
#include "runtime/artifact/oci.h"

struct install_opts {
	struct oci_client *oci;
	struct http_opts http;			/* for tarball URLs */
	const char *dirs[ART__COUNT];		/* destination of each type */
	unsigned allowed_types;			/* ART_TYPE_BIT mask; 0: all */
	const struct cosign_keys *keys;		/* NULL: signatures are not checked */
	bool no_verify;				/* skip signatures even where an index asks */
	bool resolve_deps;			/* install dependencies from the index */
	const struct index *index;		/* resolves names; may be NULL */
	const char *os, *arch;			/* platform of multi-platform plugins */
	enum art_type url_type;			/* type of tarball URLs */
};

/* What a reference points at now, without installing it. */
struct install_target {
	char *ref;				/* the full reference or URL, owned */
	char digest[DIGEST_STR_LEN];		/* the manifest's (or tarball's) digest */
};

/* Resolves ref to its full form and its current digest. */
int install_resolve(const struct install_opts *o, const char *ref, struct install_target *t);
void install_target_release(struct install_target *t);
/* Installs ref. On success, digest (when not NULL) gets what was installed.
 * Errors are logged, each naming the check that failed. */
int install_artifact(const struct install_opts *o, const char *ref, char *digest);
/* Prints what ref is (type, version, digest, dependencies, requirements,
 * files) to stdout without installing. */
int install_info(const struct install_opts *o, const char *ref);
