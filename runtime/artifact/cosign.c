/* cosign signatures: payload parsing, signature tags and the public-key
 * check through OpenSSL's EVP interface. */
#include "runtime/artifact/cosign.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include "runtime/artifact/digest.h"
#include "runtime/artifact/jsonx.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

struct cosign_keys {
	EVP_PKEY *keys[COSIGN_MAX_KEYS];
	size_t n;
};

static int key_kind_ok(const char *path, EVP_PKEY *k)
{
	char group[64] = "";
	size_t glen = 0;

	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_ED25519:
	case EVP_PKEY_RSA:
		return 0;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), &glen) &&
		    !strcmp(group, "prime256v1"))
			return 0;
		log_error("%s: the ECDSA key is on curve '%s'; only P-256 is accepted", path, group);
		return -EINVAL;
	default:
		log_error("%s: unsupported public key type (ECDSA P-256, Ed25519 or RSA)", path);
		return -EINVAL;
	}
}

int cosign_keys__load(const char *const *paths, size_t n, struct cosign_keys **out)
{
	struct cosign_keys *k;
	int err = 0;

	*out = NULL;
	if (n > COSIGN_MAX_KEYS) {
		log_error("more than %d signature keys", COSIGN_MAX_KEYS);
		return -EINVAL;
	}
	k = mem_calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "r");
		EVP_PKEY *pk;

		if (!f) {
			err = -errno;
			log_error("%s: %s", paths[i], strerror(-err));
			goto fail;
		}
		pk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
		fclose(f);
		if (!pk) {
			log_error("%s: no PEM public key in it", paths[i]);
			err = -EINVAL;
			goto fail;
		}
		k->keys[k->n++] = pk;
		if ((err = key_kind_ok(paths[i], pk)))
			goto fail;
	}
	*out = k;
	return 0;
fail:
	cosign_keys__free(k);
	return err;
}

void cosign_keys__free(struct cosign_keys *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		EVP_PKEY_free(k->keys[i]);
	mem_free(k);
}

int cosign_sig_tag(const char *digest, char *out, size_t n)
{
	int len;

	if (!digest_valid(digest))
		return -EINVAL;
	len = snprintf(out, n, "sha256-%s.sig", digest + 7);
	return len > 0 && (size_t)len < n ? 0 : -ENAMETOOLONG;
}

int cosign_payload_parse(const char *what, const char *buf, size_t len,
			 struct cosign_payload *out)
{
	json_object *root, *crit, *image, *ident;
	const char *type, *dg, *ref = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	if (len > COSIGN_PAYLOAD_MAX_BYTES) {
		log_error("%s: payload larger than %u bytes", what, COSIGN_PAYLOAD_MAX_BYTES);
		return -EINVAL;
	}
	if ((err = jsonx_parse(what, buf, len, &root)))
		return err;
	if ((err = jsonx_obj(what, root, "critical", 1, &crit)) ||
	    (err = jsonx_str(what, crit, "type", 1, &type)) ||
	    (err = jsonx_obj(what, crit, "image", 1, &image)) ||
	    (err = jsonx_str(what, image, "docker-manifest-digest", 1, &dg)) ||
	    (err = jsonx_obj(what, crit, "identity", 0, &ident)) ||
	    (ident && (err = jsonx_str(what, ident, "docker-reference", 0, &ref))))
		goto out;
	if (strcmp(type, COSIGN_PAYLOAD_TYPE)) {
		log_error("%s: payload type '%s' is not '%s'", what, type, COSIGN_PAYLOAD_TYPE);
		err = -EINVAL;
		goto out;
	}
	if (!digest_valid(dg)) {
		log_error("%s: docker-manifest-digest '%s' is not a sha256 digest", what, dg);
		err = -EINVAL;
		goto out;
	}
	out->digest = mem_strdup(dg);
	out->reference = ref ? mem_strdup(ref) : NULL;
	if (!out->digest || (ref && !out->reference)) {
		cosign_payload_release(out);
		err = -ENOMEM;
	}
out:
	json_object_put(root);
	return err;
}

void cosign_payload_release(struct cosign_payload *p)
{
	mem_free(p->digest);
	mem_free(p->reference);
	memset(p, 0, sizeof(*p));
}

/* Standard base64 with padding; NULL when s is not that. */
static unsigned char *b64_decode(const char *s, size_t *outlen)
{
	size_t n = strlen(s);
	unsigned char *out;
	EVP_ENCODE_CTX *ctx;
	int l1 = 0, l2 = 0, ok;

	if (!n || n > (1u << 16) || n % 4)
		return NULL;
	out = mem_malloc(n);
	ctx = EVP_ENCODE_CTX_new();
	if (!out || !ctx) {
		mem_free(out);
		EVP_ENCODE_CTX_free(ctx);
		return NULL;
	}
	EVP_DecodeInit(ctx);
	ok = EVP_DecodeUpdate(ctx, out, &l1, (const unsigned char *)s, (int)n) >= 0 &&
	     EVP_DecodeFinal(ctx, out + l1, &l2) == 1;
	EVP_ENCODE_CTX_free(ctx);
	if (!ok) {
		mem_free(out);
		return NULL;
	}
	*outlen = (size_t)(l1 + l2);
	return out;
}

int cosign_verify(const struct cosign_keys *k, const void *data, size_t len, const char *sig_b64)
{
	unsigned char *sig;
	size_t siglen = 0;
	int err = -EKEYREJECTED;

	sig = b64_decode(sig_b64, &siglen);
	if (!sig)
		return -EINVAL;
	for (size_t i = 0; k && i < k->n && err; i++) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		const EVP_MD *md = EVP_PKEY_get_base_id(k->keys[i]) == EVP_PKEY_ED25519 ? NULL
											: EVP_sha256();

		if (!ctx) {
			err = -ENOMEM;
			break;
		}
		if (EVP_DigestVerifyInit(ctx, NULL, md, NULL, k->keys[i]) == 1 &&
		    EVP_DigestVerify(ctx, sig, siglen, data, len) == 1)
			err = 0;
		EVP_MD_CTX_free(ctx);
	}
	mem_free(sig);
	return err;
}
