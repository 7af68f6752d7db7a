/* Signature verification of OCI artifacts in cosign's layout: find the
 * signature manifest, fetch each simple-signing payload (digest-checked),
 * check that it names the artifact and that its signature verifies. */
#include "runtime/artifact/verify.h"

#include <errno.h>
#include <string.h>

#include <openssl/err.h>

#include "runtime/artifact/manifest.h"
#include "runtime/base/log.h"

int verify_oci(struct oci_client *c, const char *registry, const char *repo, const char *digest,
	       const struct cosign_keys *keys)
{
	struct strbuf body = STRBUF_INIT;
	struct oci_manifest m = { 0 };
	char tag[128], sdig[DIGEST_STR_LEN], other[DIGEST_STR_LEN] = "";
	int err, nsig = 0;

	if ((err = cosign_sig_tag(digest, tag, sizeof(tag))))
		return err;
	err = oci_get_manifest(c, registry, repo, tag, &body, sdig);
	if (err == -ENOENT) {
		log_error("signature check failed: %s/%s@%s is not signed (no %s in the registry)",
			  registry, repo, digest, tag);
		return -ENOKEY;
	}
	if (err || (err = manifest_parse(tag, body.buf, body.len, &m)))
		goto out;
	for (size_t i = 0; i < m.ndescs; i++) {
		const struct oci_desc *l = &m.descs[i];
		const char *sig = manifest_annot(l, COSIGN_ANNOT_SIGNATURE);
		struct cosign_payload p;
		struct strbuf payload = STRBUF_INIT;
		int e;

		if (!l->media_type || strcmp(l->media_type, COSIGN_MEDIA_PAYLOAD) || !sig)
			continue;
		nsig++;
		e = oci_get_blob(c, registry, repo, l->digest, COSIGN_PAYLOAD_MAX_BYTES, &payload);
		if (!e && !(e = cosign_payload_parse(l->digest, payload.buf, payload.len, &p))) {
			if (strcmp(p.digest, digest)) {
				memcpy(other, p.digest, DIGEST_STR_LEN);
			} else if (!cosign_verify(keys, payload.buf, payload.len, sig)) {
				cosign_payload_release(&p);
				strbuf_release(&payload);
				goto out;	/* err is 0 */
			}
			cosign_payload_release(&p);
		}
		strbuf_release(&payload);
		ERR_clear_error();
	}
	if (!nsig) {
		log_error("signature check failed: %s holds no cosign signature layer", tag);
		err = -ENOKEY;
	} else if (other[0]) {
		log_error("signature check failed: the signed payload names %s, the artifact is %s "
			  "(manifest swapped?)", other, digest);
		err = -EBADMSG;
	} else {
		log_error("signature check failed: no signature of %s/%s@%s verifies with the configured key(s)",
			  registry, repo, digest);
		err = -EKEYREJECTED;
	}
out:
	manifest_release(&m);
	strbuf_release(&body);
	return err;
}
