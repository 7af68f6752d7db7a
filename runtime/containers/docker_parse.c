/* Docker Engine API documents to container records (see docker_parse.h),
 * with the rules of Falco's docker engine: the image named at `run` split
 * into repository and tag (the image's own tags and digests asked for when
 * the container was started by image id, or lacks a tag or digest), the
 * health check or the Kubernetes probes of the pod spec, labels of at most
 * 100 bytes, the host namespaces and privilege from HostConfig, the mounts
 * as docker lists them. */
#define _GNU_SOURCE
#include "runtime/containers/docker_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtime/base/strbuf.h"
#include "state/ctr_json.h"
#include "state/ctr_meta.h"

#define LABEL_MAX 100	/* longer label values are left out, as Falco does */

static int doc(const char *s, size_t n, json_object **out, const char *what, char *err,
	       size_t errlen)
{
	char msg[160];
	int ret = ctr_json_doc(s, n, out, msg, sizeof(msg));

	if (ret == -EINVAL) {
		snprintf(err, errlen, "%s: %s", what, msg);
		return -EBADMSG;
	}
	if (!ret && !json_object_is_type(*out, json_type_object) &&
	    !json_object_is_type(*out, json_type_array)) {
		snprintf(err, errlen, "%s: not a JSON object", what);
		json_object_put(*out);
		*out = NULL;
		return -EBADMSG;
	}
	return ret;
}

/* An argument without the pairs of quotes around it. */
static void unquoted(const char *a, const char **p, size_t *n)
{
	*p = a;
	*n = strlen(a);
	while (*n >= 2 && (**p == '"' || **p == '\'') && (*p)[*n - 1] == **p) {
		(*p)++;
		*n -= 2;
	}
}

/* Joins the strings of array a from index i as "exe arg arg". */
static int join_cmd(struct ctr_meta *m, const char **member, json_object *a, size_t i,
		    const char *exe)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	size_t n;
	int err;

	if (exe)
		strbuf_adds(&sb, exe);
	for (; i < json_object_array_length(a); i++) {
		json_object *v = json_object_array_get_idx(a, i);

		if (!json_object_is_type(v, json_type_string))
			continue;
		unquoted(json_object_get_string(v), &p, &n);
		if (sb.len)
			strbuf_addc(&sb, ' ');
		strbuf_add(&sb, p, n);
	}
	err = sb.oom ? -ENOMEM : ctr_meta__set(m, member, sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	return err;
}

/* Healthcheck.Test: ["CMD", exe, args...], ["CMD-SHELL", command] (run by
 * /bin/sh -c) or ["NONE"]. */
static int healthcheck(struct ctr_meta *m, json_object *hc)
{
	json_object *t = ctr_json_get(hc, "Test", json_type_array);
	const char *kind;

	if (!t || json_object_array_length(t) < 2)
		return 0;
	kind = json_object_get_string(json_object_array_get_idx(t, 0));
	if (kind && !strcmp(kind, "CMD"))
		return join_cmd(m, &m->healthcheck, t, 1, NULL);
	if (kind && !strcmp(kind, "CMD-SHELL")) {
		struct strbuf sb = STRBUF_INIT;
		const char *c = json_object_get_string(json_object_array_get_idx(t, 1));
		int err;

		strbuf_adds(&sb, "/bin/sh -c ");
		strbuf_adds(&sb, c ? c : "");
		err = sb.oom ? -ENOMEM : ctr_meta__set(m, &m->healthcheck, sb.buf, sb.len);
		strbuf_release(&sb);
		return err;
	}
	return 0;
}

/* The liveness or readiness probe of the first container of the pod spec
 * kubectl leaves in a label; 1 when one was found. */
static int k8s_probes(struct ctr_meta *m, json_object *labels)
{
	const char *cfg = ctr_json_str(labels, "annotation.kubectl.kubernetes.io/last-applied-configuration");
	json_object *root, *spec, *c, *p, *cmd;
	char msg[80];
	int ret = 0;

	if (!cfg || !*cfg || ctr_json_doc(cfg, strlen(cfg), &root, msg, sizeof(msg)))
		return 0;
	spec = ctr_json_get(ctr_json_get(root, "spec", json_type_object), "containers", json_type_array);
	c = spec && json_object_array_length(spec) ? json_object_array_get_idx(spec, 0) : NULL;
	if ((p = ctr_json_get(c, "livenessProbe", json_type_object))) {
		cmd = ctr_json_get(ctr_json_get(p, "exec", json_type_object), "command", json_type_array);
		if (cmd)
			ret = join_cmd(m, &m->liveness_probe, cmd, 0, NULL) ?: 1;
	} else if ((p = ctr_json_get(c, "readinessProbe", json_type_object))) {
		cmd = ctr_json_get(ctr_json_get(p, "exec", json_type_object), "command", json_type_array);
		if (cmd)
			ret = join_cmd(m, &m->readiness_probe, cmd, 0, NULL) ?: 1;
	}
	json_object_put(root);
	return ret;
}

static int64_t epoch_seconds(const char *s)
{
	struct tm tm = { 0 };

	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static uint32_t ipv4(const char *s)
{
	struct in_addr a;

	return s && inet_pton(AF_INET, s, &a) == 1 ? ntohl(a.s_addr) : 0;
}

static bool starts(const char *s, const char *prefix)
{
	return s && prefix && !strncmp(s, prefix, strlen(prefix));
}

static int8_t is_host(json_object *hc, const char *key)
{
	const char *v = ctr_json_str(hc, key);

	return v && !strcmp(v, "host");
}

/* Image, image id, repository and tag (see the file's comment). */
static int image(struct ctr_meta *m, json_object *root, struct docker_followup *more)
{
	const char *img = ctr_json_str(ctr_json_get(root, "Config", json_type_object), "Image");
	const char *ref = ctr_json_str(root, "Image"), *colon;
	int err;

	if ((err = ctr_meta__set(m, &m->image, img, (size_t)-1)))
		return err;
	if (!ref)
		ref = "";
	if (!strchr(ref, '/')) {
		/* the image's id, as "sha256:..." */
		bool no_name;

		if ((colon = strchr(ref, ':')) &&
		    (err = ctr_meta__set(m, &m->image_id, colon + 1, (size_t)-1)))
			return err;
		no_name = (m->image_id && img && starts(m->image_id, img)) || (img && starts(ref, img));
		if (!no_name && img && (err = ctr_meta__split_image(m, img)))
			return err;
		more->image = m->image_id && *m->image_id &&
			      (no_name || !m->image_digest || !m->image_tag);
	} else if ((err = ctr_meta__split_image(m, ref))) {
		return err;
	}
	if (!m->image_tag && !more->image)
		err = ctr_meta__set(m, &m->image_tag, "latest", 6);
	return err;
}

int docker_parse_inspect(const char *s, size_t n, uint8_t type, struct ctr_meta **out,
			 struct docker_followup *more, char *err, size_t errlen)
{
	json_object *root, *cfg, *hc, *labels, *net, *mounts;
	struct ctr_meta *m;
	const char *name, *nm;
	int ret;

	*out = NULL;
	memset(more, 0, sizeof(*more));
	ret = doc(s, n, &root, "container description", err, errlen);
	if (ret)
		return ret;
	if (!ctr_json_str(root, "Id") || !*ctr_json_str(root, "Id")) {
		snprintf(err, errlen, "container description: no \"Id\"");
		json_object_put(root);
		return -EBADMSG;
	}
	if (!(m = ctr_meta__new())) {
		json_object_put(root);
		return -ENOMEM;
	}
	m->type = type;
	cfg = ctr_json_get(root, "Config", json_type_object);
	hc = ctr_json_get(root, "HostConfig", json_type_object);
	labels = ctr_json_get(cfg, "Labels", json_type_object);
	net = ctr_json_get(root, "NetworkSettings", json_type_object);
	name = ctr_json_str(root, "Name");
	if (name && *name == '/')
		name++;
	ret = ctr_meta__set(m, &m->full_id, ctr_json_str(root, "Id"), (size_t)-1);
	ret = ret ?: ctr_meta__set(m, &m->name, name, (size_t)-1);
	ret = ret ?: image(m, root, more);
	if (!ret && ctr_json_str(cfg, "User"))
		ret = ctr_meta__set(m, &m->user, ctr_json_str(cfg, "User"), (size_t)-1);
	/* probes of a Kubernetes pod spec win over the image's health check */
	if (!ret && !(ret = k8s_probes(m, labels)))
		ret = healthcheck(m, ctr_json_get(cfg, "Healthcheck", json_type_object));
	if (ret > 0)
		ret = 0;
	m->is_pod_sandbox = starts(name, "k8s_POD");
	m->created_time = epoch_seconds(ctr_json_str(root, "Created"));
	m->ip = ipv4(ctr_json_str(net, "IPAddress"));
	nm = ctr_json_str(hc, "NetworkMode");
	if (!m->ip && starts(nm, "container:"))
		snprintf(more->net_container, sizeof(more->net_container), "%s", nm + 10);
	if (labels) {
		json_object_object_foreach(labels, k, v) {
			if (!ret && json_object_is_type(v, json_type_string) &&
			    strlen(json_object_get_string(v)) <= LABEL_MAX &&
			    !(type == CTR_TYPE_PODMAN && !strcmp(k, "podman_owner_uid")))
				ret = ctr_meta__add_label(m, false, k, json_object_get_string(v));
		}
	}
	if (hc) {
		m->privileged = ctr_json_bool(hc, "Privileged") == 1;
		m->host_pid = is_host(hc, "PidMode");
		m->host_network = is_host(hc, "NetworkMode");
		m->host_ipc = is_host(hc, "IpcMode");
	}
	mounts = ctr_json_get(root, "Mounts", json_type_array);
	for (size_t i = 0; !ret && mounts && i < json_object_array_length(mounts); i++) {
		json_object *mt = json_object_array_get_idx(mounts, i);

		ret = ctr_meta__add_mount(m, ctr_json_str(mt, "Source"), ctr_json_str(mt, "Destination"),
					  ctr_json_str(mt, "Mode"), ctr_json_bool(mt, "RW") == 1,
					  ctr_json_str(mt, "Propagation"));
	}
	json_object_put(root);
	if (ret) {
		ctr_meta__free(m);
		return ret;
	}
	ctr_meta__finish(m);
	*out = m;
	return 0;
}

/* The repository part of "repo@digest" or "repo:tag". */
static size_t repo_len(const char *s, char sep)
{
	const char *p = sep == '@' ? strchr(s, '@') : strrchr(s, ':');

	return p ? (size_t)(p - s) : strlen(s);
}

int docker_parse_image(struct ctr_meta *m, const char *s, size_t n, char *err, size_t errlen)
{
	json_object *img, *digests, *tags;
	const char *d, *one = NULL;
	bool several = false;
	int ret;

	ret = doc(s, n, &img, "image description", err, errlen);
	if (ret)
		return ret;
	d = ctr_json_str(img, "Digest");	/* podman's, as it is */
	if (d && *d) {
		ret = ctr_meta__set(m, &m->image_digest, d, (size_t)-1);
	} else if ((digests = ctr_json_get(img, "RepoDigests", json_type_array))) {
		for (size_t i = 0; !ret && i < json_object_array_length(digests); i++) {
			const char *rd = json_object_get_string(json_object_array_get_idx(digests, i));
			const char *at = rd ? strchr(rd, '@') : NULL;

			if (!at)
				continue;
			several |= one && strcmp(one, at + 1);
			one = at + 1;
			if (!m->image_repo || !*m->image_repo)
				ret = ctr_meta__set(m, &m->image_repo, rd, repo_len(rd, '@'));
			if (!ret && strstr(rd, m->image_repo)) {
				ret = ctr_meta__set(m, &m->image_digest, at + 1, (size_t)-1);
				break;
			}
		}
		/* a local tag of an image with one digest */
		if (!ret && (!m->image_digest || !*m->image_digest) && one && !several)
			ret = ctr_meta__set(m, &m->image_digest, one, (size_t)-1);
	}
	tags = ctr_json_get(img, "RepoTags", json_type_array);
	for (size_t i = 0; !ret && tags && i < json_object_array_length(tags); i++) {
		const char *rt = json_object_get_string(json_object_array_get_idx(tags, i));
		const char *c = rt ? strrchr(rt, ':') : NULL;

		if (!rt)
			continue;
		if (!m->image_repo || !*m->image_repo)
			ret = ctr_meta__set(m, &m->image_repo, rt, repo_len(rt, ':'));
		if (!ret && strstr(rt, m->image_repo)) {
			ret = ctr_meta__set(m, &m->image_tag, c ? c + 1 : rt, (size_t)-1);
			break;
		}
	}
	if (!ret && (!m->image_tag || !*m->image_tag))
		ret = ctr_meta__set(m, &m->image_tag, "latest", 6);
	json_object_put(img);
	return ret;
}

int docker_parse_ip(const char *s, size_t n, uint32_t *ip, char *err, size_t errlen)
{
	json_object *root;
	int ret = doc(s, n, &root, "container description", err, errlen);

	if (ret)
		return ret;
	*ip = ipv4(ctr_json_str(ctr_json_get(root, "NetworkSettings", json_type_object), "IPAddress"));
	json_object_put(root);
	return 0;
}

int docker_parse_list(const char *s, size_t n, int (*fn)(void *ctx, const char *id), void *ctx,
		      char *err, size_t errlen)
{
	json_object *root;
	int ret = doc(s, n, &root, "container list", err, errlen);

	if (ret)
		return ret;
	if (!json_object_is_type(root, json_type_array)) {
		snprintf(err, errlen, "container list: not a JSON array");
		ret = -EBADMSG;
	}
	for (size_t i = 0; !ret && i < json_object_array_length(root); i++) {
		const char *id = ctr_json_str(json_object_array_get_idx(root, i), "Id");

		if (id && *id)
			ret = fn(ctx, id);
	}
	json_object_put(root);
	return ret;
}
