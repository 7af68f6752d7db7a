/* Content digests: sha256 over bytes through OpenSSL, the text form OCI
 * uses, and the check of a downloaded blob against its descriptor. */
#include "runtime/artifact/digest.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "runtime/base/log.h"

void digest_sha256(const void *data, size_t len, char out[DIGEST_STR_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;

	memcpy(out, "sha256:", 7);
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		memset(md, 0, sizeof(md));
	for (int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[DIGEST_STR_LEN - 1] = '\0';
}

bool digest_valid(const char *s)
{
	if (!s || strncmp(s, "sha256:", 7))
		return false;
	for (int i = 0; i < 64; i++) {
		char c = s[7 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return s[71] == '\0';
}

int digest_check(const char *what, const void *data, size_t len, const char *want)
{
	char got[DIGEST_STR_LEN];

	if (!digest_valid(want)) {
		log_error("%s: unsupported or malformed digest '%s' (only sha256 is accepted)",
			  what, want ? want : "");
		return -ENOTSUP;
	}
	digest_sha256(data, len, got);
	if (strcmp(got, want)) {
		log_error("%s: digest mismatch: expected %s, the content hashes to %s", what, want,
			  got);
		return -EBADMSG;
	}
	return 0;
}
