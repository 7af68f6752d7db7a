/* OCI manifests and indexes: JSON to descriptors, every member checked
 * (types, digests, sizes, counts) before anything is fetched by them. */
#include "runtime/artifact/manifest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/artifact/digest.h"
#include "runtime/artifact/jsonx.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

static void desc_release(struct oci_desc *d)
{
	mem_free(d->media_type);
	mem_free(d->digest);
	for (size_t i = 0; i < d->nannots; i++) {
		mem_free(d->annots[i].key);
		mem_free(d->annots[i].value);
	}
	mem_free(d->annots);
	mem_free(d->os);
	mem_free(d->arch);
	memset(d, 0, sizeof(*d));
}

static int dup_opt(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = mem_strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int parse_desc(const char *what, json_object *o, struct oci_desc *d)
{
	json_object *size, *annots, *plat;
	const char *mt, *dg, *os = NULL, *arch = NULL;
	int err;

	if ((err = jsonx_str(what, o, "mediaType", 1, &mt)) ||
	    (err = jsonx_str(what, o, "digest", 1, &dg)) ||
	    (err = jsonx_obj(what, o, "annotations", 0, &annots)) ||
	    (err = jsonx_obj(what, o, "platform", 0, &plat)))
		return err;
	if (!digest_valid(dg)) {
		log_error("%s: digest '%s' is not sha256:<64 lowercase hex digits>", what, dg);
		return -EINVAL;
	}
	if (!json_object_object_get_ex(o, "size", &size) || !json_object_is_type(size, json_type_int) ||
	    json_object_get_int64(size) < 0) {
		log_error("%s: member 'size' is missing or not a non-negative integer", what);
		return -EINVAL;
	}
	d->size = json_object_get_int64(size);
	if (plat && ((err = jsonx_str(what, plat, "os", 0, &os)) ||
		     (err = jsonx_str(what, plat, "architecture", 0, &arch))))
		return err;
	if ((err = dup_opt(mt, &d->media_type)) || (err = dup_opt(dg, &d->digest)) ||
	    (err = dup_opt(os, &d->os)) || (err = dup_opt(arch, &d->arch)))
		return err;
	if (!annots)
		return 0;
	if (json_object_object_length(annots) > MANIFEST_MAX_ANNOTATIONS) {
		log_error("%s: more than %d annotations", what, MANIFEST_MAX_ANNOTATIONS);
		return -EINVAL;
	}
	d->annots = mem_calloc((size_t)json_object_object_length(annots) + 1, sizeof(*d->annots));
	if (!d->annots)
		return -ENOMEM;
	json_object_object_foreach(annots, k, v) {
		if (!json_object_is_type(v, json_type_string)) {
			log_error("%s: annotation '%s' is not a string", what, k);
			return -EINVAL;
		}
		struct oci_annot *a = &d->annots[d->nannots++];

		a->key = mem_strdup(k);
		a->value = mem_strdup(json_object_get_string(v));
		if (!a->key || !a->value)
			return -ENOMEM;
	}
	return 0;
}

int manifest_parse(const char *what, const char *buf, size_t len, struct oci_manifest *out)
{
	json_object *root, *schema, *arr, *cfg;
	const char *mt;
	char sub[256];
	size_t n;
	int err;

	memset(out, 0, sizeof(*out));
	if (len > MANIFEST_MAX_BYTES) {
		log_error("%s: manifest larger than %u bytes", what, MANIFEST_MAX_BYTES);
		return -EINVAL;
	}
	if ((err = jsonx_parse(what, buf, len, &root)))
		return err;
	if ((err = jsonx_str(what, root, "mediaType", 0, &mt)))
		goto out;
	if (!json_object_object_get_ex(root, "schemaVersion", &schema) ||
	    !json_object_is_type(schema, json_type_int) || json_object_get_int64(schema) != 2) {
		log_error("%s: schemaVersion is not 2", what);
		err = -EINVAL;
		goto out;
	}
	out->is_index = mt ? !strcmp(mt, OCI_MEDIA_INDEX) || !strcmp(mt, DOCKER_MEDIA_LIST)
			   : json_object_object_get_ex(root, "manifests", NULL);
	if (mt && !out->is_index && strcmp(mt, OCI_MEDIA_MANIFEST) && strcmp(mt, DOCKER_MEDIA_MANIFEST)) {
		log_error("%s: unsupported manifest media type '%s'", what, mt);
		err = -EINVAL;
		goto out;
	}
	if ((err = dup_opt(mt, &out->media_type)))
		goto out;
	err = jsonx_arr(what, root, out->is_index ? "manifests" : "layers", 1, &arr);
	if (err)
		goto out;
	if (!out->is_index) {
		if ((err = jsonx_obj(what, root, "config", 1, &cfg)))
			goto out;
		snprintf(sub, sizeof(sub), "%s: config", what);
		if ((err = parse_desc(sub, cfg, &out->config)))
			goto out;
	}
	n = json_object_array_length(arr);
	if (n > MANIFEST_MAX_DESCS) {
		log_error("%s: more than %d entries", what, MANIFEST_MAX_DESCS);
		err = -EINVAL;
		goto out;
	}
	out->descs = mem_calloc(n + 1, sizeof(*out->descs));
	if (!out->descs) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s: %s[%zu]", what, out->is_index ? "manifests" : "layers", i);
		out->ndescs++;
		if ((err = parse_desc(sub, json_object_array_get_idx(arr, i), &out->descs[i])))
			goto out;
	}
out:
	json_object_put(root);
	if (err)
		manifest_release(out);
	return err;
}

void manifest_release(struct oci_manifest *m)
{
	mem_free(m->media_type);
	desc_release(&m->config);
	for (size_t i = 0; i < m->ndescs; i++)
		desc_release(&m->descs[i]);
	mem_free(m->descs);
	memset(m, 0, sizeof(*m));
}

const char *manifest_annot(const struct oci_desc *d, const char *key)
{
	for (size_t i = 0; i < d->nannots; i++)
		if (!strcmp(d->annots[i].key, key))
			return d->annots[i].value;
	return NULL;
}

const struct oci_desc *manifest_platform(const struct oci_manifest *idx, const char *os,
					 const char *arch)
{
	for (size_t i = 0; i < idx->ndescs; i++)
		if (idx->descs[i].os && idx->descs[i].arch && !strcmp(idx->descs[i].os, os) &&
		    !strcmp(idx->descs[i].arch, arch))
			return &idx->descs[i];
	return NULL;
}
