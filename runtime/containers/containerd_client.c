/* containerd's gRPC API as a container runtime (see ctr_rt.h): every
 * namespace (Namespaces/List) but docker's, in each the containers whose id starts with
 * the one looked up (Containers/List with a filter), the image's digest
 * (Images/Get) and, for a container of a pod, its sandbox container. The
 * messages are protobuf-c's (proto/containerd.proto), the calls
 * grpc_unary.c's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "runtime/containers/containerd_parse.h"
#include "runtime/containers/ctr_rt.h"
#include "runtime/containers/grpc_unary.h"
#include "state/ctr_meta.h"

#define M_NAMESPACES "/containerd.services.namespaces.v1.Namespaces/List"
#define M_CONTAINERS "/containerd.services.containers.v1.Containers/List"
#define M_IMAGE "/containerd.services.images.v1.Images/Get"
/* docker's own namespace: its containers are docker's to describe */
#define DOCKER_NS "moby"

struct containerd_rt {
	struct ctr_rt base;
	struct grpc_unary *g;	/* made at the first call: gRPC starts threads of its own */
};

/* Calls method with message req (packed here). */
static int call(struct containerd_rt *c, const char *method, const char *ns,
		const ProtobufCMessage *req, uint8_t **resp, size_t *len, char *err, size_t errlen)
{
	size_t n = protobuf_c_message_get_packed_size(req);
	uint8_t *buf = mem_malloc(n ? n : 1);
	int ret;

	if (!buf)
		return -ENOMEM;
	if (!c->g && (ret = grpc_unary__new(c->base.socket, &c->g, err, errlen))) {
		mem_free(buf);
		return ret;
	}
	protobuf_c_message_pack(req, buf);
	ret = grpc_unary__call(c->g, method, ns, buf, n, c->base.timeout_ms, resp, len, err, errlen);
	mem_free(buf);
	return ret;
}

/* The namespaces' names: *out (free each and it) of *n. */
static int namespaces(struct containerd_rt *c, char ***out, size_t *n, char *err, size_t errlen)
{
	Ctrd__ListNamespacesRequest req = CTRD__LIST_NAMESPACES_REQUEST__INIT;
	Ctrd__ListNamespacesResponse *r;
	uint8_t *buf;
	size_t len;
	int ret;

	*out = NULL;
	*n = 0;
	ret = call(c, M_NAMESPACES, NULL, &req.base, &buf, &len, err, errlen);
	if (ret)
		return ret;
	r = ctrd__list_namespaces_response__unpack(NULL, len, buf);
	mem_free(buf);
	if (!r) {
		snprintf(err, errlen, "%s: an answer that does not decode", M_NAMESPACES);
		return -EBADMSG;
	}
	*out = mem_calloc(r->n_namespaces ? r->n_namespaces : 1, sizeof(**out));
	for (size_t i = 0; *out && i < r->n_namespaces; i++)
		if (r->namespaces[i]->name && ((*out)[*n] = mem_strdup(r->namespaces[i]->name)))
			(*n)++;
	ctrd__list_namespaces_response__free_unpacked(r, NULL);
	return *out ? 0 : -ENOMEM;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mem_free(v[i]);
	mem_free(v);
}

/* The containers of namespace ns matching filter (NULL: all). */
static int containers(struct containerd_rt *c, const char *ns, const char *filter,
		      Ctrd__ListContainersResponse **out, char *err, size_t errlen)
{
	Ctrd__ListContainersRequest req = CTRD__LIST_CONTAINERS_REQUEST__INIT;
	char *filters[1] = { (char *)filter };
	uint8_t *buf;
	size_t len;
	int ret;

	if (filter) {
		req.n_filters = 1;
		req.filters = filters;
	}
	ret = call(c, M_CONTAINERS, ns, &req.base, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = containerd_parse_list(buf, len, out, err, errlen);
	mem_free(buf);
	return ret;
}

/* Completes m (container c of namespace ns): image digest, pod. */
static int complete(struct containerd_rt *c, const char *ns, struct ctr_meta *m,
		    const Ctrd__ListContainersResponse *same_ns, char *err, size_t errlen)
{
	Ctrd__GetImageRequest ireq = CTRD__GET_IMAGE_REQUEST__INIT;
	Ctrd__ListContainersResponse *sr = NULL;
	const Ctrd__Container *sandbox = NULL;
	char filter[128];
	uint8_t *buf;
	size_t len;
	int ret = 0;

	if (m->image && *m->image && !m->image_digest) {
		ireq.name = (char *)m->image;
		ret = call(c, M_IMAGE, ns, &ireq.base, &buf, &len, err, errlen);
		if (!ret) {
			ret = containerd_parse_image(m, buf, len);
			mem_free(buf);
		} else if (ret == -ENOENT) {
			ret = 0;	/* an image removed since */
		}
		if (ret)
			return ret;
	}
	if (!m->pod_sandbox_id || !*m->pod_sandbox_id)
		return 0;
	for (size_t i = 0; same_ns && i < same_ns->n_containers; i++)
		if (!strcmp(same_ns->containers[i]->id, m->pod_sandbox_id))
			sandbox = same_ns->containers[i];
	if (!sandbox && strspn(m->pod_sandbox_id, "0123456789abcdefABCDEF") == strlen(m->pod_sandbox_id)) {
		snprintf(filter, sizeof(filter), "id==%s", m->pod_sandbox_id);
		ret = containers(c, ns, filter, &sr, err, errlen);
		if (ret)
			return ret == -ENOENT ? 0 : ret;
		if (sr->n_containers == 1)
			sandbox = sr->containers[0];
	}
	if (sandbox)
		ret = containerd_parse_sandbox(m, sandbox);
	if (sr)
		ctrd__list_containers_response__free_unpacked(sr, NULL);
	return ret;
}

static bool plain_id(const char *id)
{
	size_t n = strlen(id);

	return n && n <= 128 && strspn(id, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ_.-") == n;
}

static int inspect(struct ctr_rt *rt, const char *id, struct ctr_meta **out, char *err,
		   size_t errlen)
{
	struct containerd_rt *c = (struct containerd_rt *)rt;
	Ctrd__ListContainersResponse *r;
	char filter[160], **ns;
	size_t nns;
	int ret;

	*out = NULL;
	if (!plain_id(id))
		return -ENOENT;
	if ((ret = namespaces(c, &ns, &nns, err, errlen)))
		return ret;
	snprintf(filter, sizeof(filter), "id~=^%s", id);
	ret = -ENOENT;
	for (size_t i = 0; ret == -ENOENT && i < nns; i++) {
		int r2;

		if (!strcmp(ns[i], DOCKER_NS))
			continue;
		r2 = containers(c, ns[i], filter, &r, err, errlen);

		if (r2) {
			ret = r2;
			break;
		}
		/* one match only: a short id that names several is no answer */
		if (r->n_containers == 1 &&
		    !(ret = containerd_parse_container(r->containers[0], out, err, errlen))) {
			ret = complete(c, ns[i], *out, NULL, err, errlen);
			if (ret) {
				ctr_meta__free(*out);
				*out = NULL;
			}
		}
		ctrd__list_containers_response__free_unpacked(r, NULL);
	}
	if (ret == -ENOENT)
		snprintf(err, errlen, "no container %s in %zu namespaces", id, nns);
	free_names(ns, nns);
	return ret;
}

static int list(struct ctr_rt *rt, ctr_rt_take_fn fn, void *ctx, char *err, size_t errlen)
{
	struct containerd_rt *c = (struct containerd_rt *)rt;
	Ctrd__ListContainersResponse *r;
	struct ctr_meta *m;
	char **ns;
	size_t nns;
	int ret;

	if ((ret = namespaces(c, &ns, &nns, err, errlen)))
		return ret;
	for (size_t i = 0; !ret && i < nns; i++) {
		if (!strcmp(ns[i], DOCKER_NS))
			continue;
		if ((ret = containers(c, ns[i], NULL, &r, err, errlen)))
			break;
		for (size_t k = 0; !ret && k < r->n_containers; k++) {
			ret = containerd_parse_container(r->containers[k], &m, err, errlen);
			if (ret == -EBADMSG) {
				ret = 0;	/* one broken container spoils not the others */
				continue;
			}
			if (!ret && (ret = complete(c, ns[i], m, r, err, errlen)))
				ctr_meta__free(m);
			else if (!ret)
				ret = fn(ctx, m);
		}
		ctrd__list_containers_response__free_unpacked(r, NULL);
	}
	free_names(ns, nns);
	return ret;
}

static void containerd_free(struct ctr_rt *rt)
{
	struct containerd_rt *c = (struct containerd_rt *)rt;

	grpc_unary__free(c->g);
	mem_free(c->base.socket);
	mem_free(c);
}

static const struct ctr_rt_ops containerd_ops = {
	.kind = "containerd", .inspect = inspect, .list = list, .free = containerd_free,
};

int containerd_rt__new(const char *socket, long timeout_ms, struct ctr_rt **out)
{
	struct containerd_rt *c = mem_calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->base.ops = &containerd_ops;
	c->base.type = CTR_TYPE_CONTAINERD;
	c->base.timeout_ms = timeout_ms;
	c->base.socket = mem_strdup(socket);
	if (!c->base.socket) {
		containerd_free(&c->base);
		return -ENOMEM;
	}
	*out = &c->base;
	return 0;
}
