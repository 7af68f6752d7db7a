/* The signature check of an artifact as cosign stores it in a registry:
 * the "sha256-<hex>.sig" manifest beside the artifact, its simple-signing
 * payload layers and their signature annotations. Prefix verify_. */
#pragma once

#include "runtime/artifact/cosign.h"
#include "runtime/artifact/oci.h"

/* 0 when a signature of digest in registry/repo verifies under one of
 * keys and its payload names digest. Otherwise logs which check failed:
 * -ENOKEY (no signature stored), -EBADMSG (the signed payload names
 * another digest), -EKEYREJECTED (no signature verifies with the keys),
 * or the transport's error. */
int verify_oci(struct oci_client *c, const char *registry, const char *repo, const char *digest,
	       const struct cosign_keys *keys);
