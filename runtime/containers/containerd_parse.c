/* containerd containers to container records (see containerd_parse.h).
 * The image reference is split as Falco splits CRI images; mounts come
 * from the OCI spec (read-only by option "ro", mode by "mode=", the
 * rootfs propagation for each, as Falco's containerd engine reads them);
 * the name is the Kubernetes container name (io.kubernetes.container.name)
 * or nerdctl's; the pod comes from the CRI plugin's annotations and its
 * sandbox container (labels other than containerd's and its plugin's, the address
 * and CNI result of the plugin's sandbox metadata). */
#include "runtime/containers/containerd_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state/ctr_json.h"
#include "state/ctr_meta.h"

#define LABEL_MAX 100	/* longer label values are left out, as Falco does */
#define CRI_SANDBOX_ID "io.kubernetes.cri.sandbox-id"
#define CRI_CONTAINER_TYPE "io.kubernetes.cri.container-type"
#define CRI_SANDBOX_META "io.cri-containerd.sandbox.metadata"
#define CRI_CONTAINER_META "io.cri-containerd.container.metadata"
#define CRI_LABEL_PREFIX "io.cri-containerd."
#define CTRD_LABEL_PREFIX "io.containerd."

int containerd_parse_list(const uint8_t *buf, size_t len, Ctrd__ListContainersResponse **out,
			  char *err, size_t errlen)
{
	*out = ctrd__list_containers_response__unpack(NULL, len, buf);
	if (!*out) {
		snprintf(err, errlen, "a container list of %zu bytes that does not decode", len);
		return -EBADMSG;
	}
	return 0;
}

static const char *label_of(const Ctrd__Container *c, const char *key)
{
	for (size_t i = 0; i < c->n_labels; i++)
		if (c->labels[i]->key && !strcmp(c->labels[i]->key, key))
			return c->labels[i]->value;
	return NULL;
}

static const Ctrd__Any *extension(const Ctrd__Container *c, const char *key)
{
	for (size_t i = 0; i < c->n_extensions; i++)
		if (c->extensions[i]->key && !strcmp(c->extensions[i]->key, key))
			return c->extensions[i]->value;
	return NULL;
}

/* The JSON of an Any (the spec, the CRI plugin's metadata); NULL when
 * absent or not JSON. */
static json_object *any_json(const Ctrd__Any *a)
{
	json_object *o;
	char msg[80];

	if (!a || !a->value.len ||
	    ctr_json_doc((const char *)a->value.data, a->value.len, &o, msg, sizeof(msg)))
		return NULL;
	return o;
}

static int mounts(struct ctr_meta *m, json_object *spec)
{
	json_object *a = ctr_json_get(spec, "mounts", json_type_array);
	const char *prop = ctr_json_str(ctr_json_get(spec, "linux", json_type_object),
					"rootfsPropagation");
	int err = 0;

	for (size_t i = 0; !err && a && i < json_object_array_length(a); i++) {
		json_object *mt = json_object_array_get_idx(a, i);
		json_object *opts = ctr_json_get(mt, "options", json_type_array);
		const char *mode = "";
		bool ro = false;

		for (size_t k = 0; opts && k < json_object_array_length(opts); k++) {
			const char *o = json_object_get_string(json_object_array_get_idx(opts, k));

			if (o && !strcmp(o, "ro"))
				ro = true;
			else if (o && !strncmp(o, "mode=", 5))
				mode = o + 5;
		}
		err = ctr_meta__add_mount(m, ctr_json_str(mt, "source"), ctr_json_str(mt, "destination"),
					  mode, !ro, prop);
	}
	return err;
}

int containerd_parse_container(const Ctrd__Container *c, struct ctr_meta **out, char *err,
			       size_t errlen)
{
	struct ctr_meta *m;
	json_object *spec = NULL, *ann, *meta;
	const char *name, *sb, *kind, *ref;
	int ret = 0;

	*out = NULL;
	if (!c->id || !*c->id) {
		snprintf(err, errlen, "a container without an id");
		return -EBADMSG;
	}
	if (c->spec && c->spec->value.len && !(spec = any_json(c->spec))) {
		snprintf(err, errlen, "container %s: its runtime spec is not JSON", c->id);
		return -EBADMSG;
	}
	if (!(m = ctr_meta__new())) {
		json_object_put(spec);
		return -ENOMEM;
	}
	m->type = CTR_TYPE_CONTAINERD;
	name = label_of(c, "io.kubernetes.container.name");
	if (!name)
		name = label_of(c, "nerdctl/name");
	ret = ctr_meta__set(m, &m->full_id, c->id, (size_t)-1);
	if (!ret && name)
		ret = ctr_meta__set(m, &m->name, name, (size_t)-1);
	if (!ret && c->image && *c->image) {
		ret = ctr_meta__set(m, &m->image, c->image, (size_t)-1);
		ret = ret ?: ctr_meta__split_image(m, c->image);
	}
	if (c->created_at)
		m->created_time = c->created_at->seconds;
	for (size_t i = 0; !ret && i < c->n_labels; i++) {
		const Ctrd__Container__LabelsEntry *l = c->labels[i];

		if (l->key && l->value && strlen(l->value) <= LABEL_MAX)
			ret = ctr_meta__add_label(m, false, l->key, l->value);
	}
	/* the CRI plugin's annotations say which pod */
	ann = ctr_json_get(spec, "annotations", json_type_object);
	kind = ctr_json_str(ann, CRI_CONTAINER_TYPE);
	sb = ctr_json_str(ann, CRI_SANDBOX_ID);
	if (kind && !strcmp(kind, "sandbox")) {
		m->is_pod_sandbox = true;
		sb = c->id;
	}
	if (!ret && sb)
		ret = ctr_meta__set(m, &m->pod_sandbox_id, sb, (size_t)-1);
	/* the image's id as the CRI plugin resolved it */
	meta = any_json(extension(c, CRI_CONTAINER_META));
	ref = ctr_json_str(ctr_json_get(meta, "Metadata", json_type_object), "ImageRef");
	if (!ret && ref)
		ret = ctr_meta__set(m, &m->image_id, strchr(ref, ':') ? strchr(ref, ':') + 1 : ref,
				    (size_t)-1);
	json_object_put(meta);
	if (!ret)
		ret = mounts(m, spec);
	json_object_put(spec);
	if (ret) {
		ctr_meta__free(m);
		return ret;
	}
	ctr_meta__finish(m);
	*out = m;
	return 0;
}

int containerd_parse_sandbox(struct ctr_meta *m, const Ctrd__Container *sandbox)
{
	json_object *meta, *md, *cni;
	const char *ip;
	int ret = 0;

	for (size_t i = 0; !ret && i < sandbox->n_labels; i++) {
		const Ctrd__Container__LabelsEntry *l = sandbox->labels[i];

		if (l->key && l->value && strncmp(l->key, CRI_LABEL_PREFIX, strlen(CRI_LABEL_PREFIX)) &&
		    strncmp(l->key, CTRD_LABEL_PREFIX, strlen(CTRD_LABEL_PREFIX)))
			ret = ctr_meta__add_label(m, true, l->key, l->value);
	}
	meta = any_json(extension(sandbox, CRI_SANDBOX_META));
	md = ctr_json_get(meta, "Metadata", json_type_object);
	ip = ctr_json_str(md, "IP");
	if (ip) {
		struct in_addr a;

		if (inet_pton(AF_INET, ip, &a) == 1)
			m->ip = ntohl(a.s_addr);
	}
	cni = ctr_json_get(md, "CNIResult", json_type_object);
	if (!ret && cni)
		ret = ctr_meta__set(m, &m->cni_json,
				    json_object_to_json_string_ext(cni, JSON_C_TO_STRING_PLAIN), (size_t)-1);
	json_object_put(meta);
	if (!ret)
		ctr_meta__finish(m);
	return ret;
}

int containerd_parse_image(struct ctr_meta *m, const uint8_t *buf, size_t len)
{
	Ctrd__GetImageResponse *r = ctrd__get_image_response__unpack(NULL, len, buf);
	int ret = 0;

	if (!r)
		return 0;
	if (r->image && r->image->target && r->image->target->digest && *r->image->target->digest)
		ret = ctr_meta__set(m, &m->image_digest, r->image->target->digest, (size_t)-1);
	ctrd__get_image_response__free_unpacked(r, NULL);
	return ret;
}
