/* cosign's signature format: the simple-signing payload naming the signed
 * manifest's digest, the signature tag "sha256-<hex>.sig", the signature
 * annotation, and the check of a signature with public keys (ECDSA P-256
 * with SHA-256, Ed25519, RSA PKCS#1 v1.5 with SHA-256) through OpenSSL.
 * Prefix cosign_. */
#pragma once
#include <stddef.h>

#define COSIGN_MEDIA_PAYLOAD "application/vnd.dev.cosign.simplesigning.v1+json"
#define COSIGN_ANNOT_SIGNATURE "dev.cosignproject.cosign/signature"
#define COSIGN_PAYLOAD_TYPE "cosign container image signature"
#define COSIGN_PAYLOAD_MAX_BYTES (64u << 10)
#define COSIGN_MAX_KEYS 16

struct cosign_keys;

/* Loads PEM public keys (SubjectPublicKeyInfo). -EINVAL (logged) on a file
 * that holds none, or a key of another kind. */
int cosign_keys__load(const char *const *paths, size_t n, struct cosign_keys **out);
void cosign_keys__free(struct cosign_keys *k);

/* The tag cosign stores the signatures of a manifest digest under. */
int cosign_sig_tag(const char *digest, char *out, size_t n);

struct cosign_payload {
	char *digest;		/* critical.image.docker-manifest-digest */
	char *reference;	/* critical.identity.docker-reference */
};

/* Parses a simple-signing payload; -EINVAL (logged) when malformed or of
 * another type. Owned. */
int cosign_payload_parse(const char *what, const char *buf, size_t len,
			 struct cosign_payload *out);
void cosign_payload_release(struct cosign_payload *p);

/* 0 when sig_b64 (base64 of the signature) signs data under one of the
 * keys; -EKEYREJECTED when none verifies, -EINVAL when sig_b64 is not
 * base64. Logs nothing: the caller says what was checked. */
int cosign_verify(const struct cosign_keys *k, const void *data, size_t len, const char *sig_b64);
