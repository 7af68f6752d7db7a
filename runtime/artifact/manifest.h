/* OCI image manifests and image indexes (and their Docker v2 twins) as
 * JSON: descriptors with media type, digest, size, annotations and
 * platform, checked on the way in. Prefix manifest_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define OCI_MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MEDIA_INDEX "application/vnd.oci.image.index.v1+json"
#define DOCKER_MEDIA_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_MEDIA_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define OCI_ANNOT_TITLE "org.opencontainers.image.title"
/* Accept header of a manifest request: every form above */
#define MANIFEST_ACCEPT OCI_MEDIA_MANIFEST ", " OCI_MEDIA_INDEX ", " DOCKER_MEDIA_MANIFEST ", " DOCKER_MEDIA_LIST

/* Bounds: larger manifests are refused. */
#define MANIFEST_MAX_BYTES (4u << 20)
#define MANIFEST_MAX_DESCS 1024
#define MANIFEST_MAX_ANNOTATIONS 64

struct oci_annot {
	char *key, *value;
};

struct oci_desc {
	char *media_type;
	char *digest;		/* checked: sha256:<hex> */
	long long size;
	struct oci_annot *annots;
	size_t nannots;
	char *os, *arch;	/* platform of an index entry, NULL otherwise */
};

struct oci_manifest {
	bool is_index;
	char *media_type;	/* NULL when the document has none */
	struct oci_desc config;	/* manifests only */
	struct oci_desc *descs;	/* a manifest's layers, an index's manifests */
	size_t ndescs;
};

/* Parses a manifest or an index; what names it in errors (-EINVAL, logged
 * with the member at fault). Everything in *out is owned. */
int manifest_parse(const char *what, const char *buf, size_t len, struct oci_manifest *out);
void manifest_release(struct oci_manifest *m);
/* Value of an annotation (borrowed), NULL when absent. */
const char *manifest_annot(const struct oci_desc *d, const char *key);
/* The index entry for os/arch, NULL when none. */
const struct oci_desc *manifest_platform(const struct oci_manifest *idx, const char *os,
					 const char *arch);
