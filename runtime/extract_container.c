/* The container.* and k8s.* fields: the event thread's container id from
 * the thread table, everything else from what the container runtimes said
 * of that container (state__container). A host thread (no container id,
 * not in a pid namespace of its own) reads "host" for the id, name and
 * type and <NA> for the rest; a container the runtimes have not described
 * yet reads its id and <NA>. Pod fields come from the labels the kubelet
 * puts on CRI containers and the pod sandbox. */
#include <arpa/inet.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/extract_int.h"
#include "state/ctr_meta.h"

static bool in_pidns(const struct thr *t)
{
	return (t->flags & THR_F_CHILD_IN_PIDNS) || (t->vtid >= 0 && t->vtid != t->tid);
}

static void str_or_none(struct fval *out, const char *s)
{
	if (s && *s)
		xt_cstr(out, s);
}

/* The mount an argument selects: an index, or the first mount whose
 * source (dest for container.mount.source) matches the argument as a
 * glob. */
static const struct ctr_mount *mount_of(const struct ctr_meta *m, const char *arg, bool by_dest)
{
	char *end;
	unsigned long n;

	if (!arg)
		return NULL;
	n = strtoul(arg, &end, 10);
	if (end != arg && !*end)
		return n < m->nmounts ? &m->mounts[n] : NULL;
	for (uint32_t i = 0; i < m->nmounts; i++) {
		const char *s = by_dest ? m->mounts[i].dest : m->mounts[i].source;

		if (s && !fnmatch(arg, s, 0))
			return &m->mounts[i];
	}
	return NULL;
}

static void mount_text(struct strbuf *sb, const struct ctr_mount *mt)
{
	strbuf_printf(sb, "%s:%s:%s:%s:%s", mt->source ? mt->source : "", mt->dest ? mt->dest : "",
		      mt->mode ? mt->mode : "", mt->rdwr ? "true" : "false",
		      mt->propagation ? mt->propagation : "");
}

static void ip_text(uint32_t ip, struct extract_scratch *sc, struct fval *out)
{
	uint32_t n = htonl(ip);
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &n, buf, sizeof(buf));
	strbuf_reset(&sc->sb);
	strbuf_adds(&sc->sb, buf);
	xt_sb(out, sc);
}

/* "key:value, key:value" in the runtime's order. */
static void labels_text(const struct ctr_label *l, uint32_t n, struct extract_scratch *sc,
			struct fval *out)
{
	strbuf_reset(&sc->sb);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			strbuf_adds(&sc->sb, ", ");
		strbuf_printf(&sc->sb, "%s:%s", l[i].key ? l[i].key : "", l[i].value ? l[i].value : "");
	}
	xt_sb(out, sc);
}

static void tristate(struct fval *out, const struct ctr_meta *m, int8_t v)
{
	/* known only for runtimes that speak Docker's API */
	if (v >= 0 && (m->type == CTR_TYPE_DOCKER || m->type == CTR_TYPE_PODMAN))
		fval_set_bool(out, v);
}

static void k8s_field(const struct ctr_meta *m, uint32_t id, const char *arg,
		      struct extract_scratch *sc, struct fval *out)
{
	const char *s;

	if (!m || !m->pod_sandbox_id || !*m->pod_sandbox_id)
		return;
	switch (id) {
	case FID_K8S_POD_NAME:
		xt_cstr(out, ctr_meta_label(m->labels, m->nlabels, "io.kubernetes.pod.name"));
		break;
	case FID_K8S_NS_NAME:
		xt_cstr(out, ctr_meta_label(m->labels, m->nlabels, "io.kubernetes.pod.namespace"));
		break;
	case FID_K8S_POD_ID: case FID_K8S_POD_UID:
		xt_cstr(out, ctr_meta_label(m->labels, m->nlabels, "io.kubernetes.pod.uid"));
		break;
	case FID_K8S_POD_SANDBOX_ID:
		fval_set_str(out, m->pod_sandbox_id,
			     (uint32_t)(strlen(m->pod_sandbox_id) > 12 ? 12 : strlen(m->pod_sandbox_id)));
		break;
	case FID_K8S_POD_FULL_SANDBOX_ID: xt_cstr(out, m->pod_sandbox_id); break;
	case FID_K8S_POD_LABEL:
		s = ctr_meta_label(m->pod_labels, m->npod_labels, arg);
		xt_cstr(out, s ? s : "");
		break;
	case FID_K8S_POD_LABELS: labels_text(m->pod_labels, m->npod_labels, sc, out); break;
	case FID_K8S_POD_IP: ip_text(m->ip, sc, out); break;
	case FID_K8S_POD_CNI_JSON: xt_cstr(out, m->cni_json ? m->cni_json : ""); break;
	default: break;
	}
}

static bool ctr_field(const struct extract_evt *x, uint32_t id, const char *arg,
		     struct extract_scratch *sc, struct fval *out)
{
	const struct thr *t = x->cur.thr;
	const struct ctr_meta *m = NULL;
	const struct ctr_mount *mt;
	const char *cid, *probe;
	bool host;

	xt_none(out);
	if (!t)
		return fields_at(id) && fields_at(id)->cls == FC_CTR;
	cid = t->container_id ? t->container_id : "";
	host = !*cid && !in_pidns(t);
	if (id == FID_CONTAINER_ID) {	/* the rules' most read: no table lookup */
		xt_cstr(out, host ? "host" : cid);
		return true;
	}
	if (*cid && x->st)
		m = state__container(x->st, cid);
	switch (id) {
	case FID_CONTAINER_FULL_ID: case FID_CONTAINER_NAME: case FID_CONTAINER_TYPE:
		if (host)
			xt_cstr(out, "host");
		else if (m && id == FID_CONTAINER_TYPE)
			xt_cstr(out, ctr_type_name(m->type));
		else if (m)
			str_or_none(out, id == FID_CONTAINER_NAME ? m->name : m->full_id);
		return true;
	case FID_CONTAINER_START_TS:
		if (!host && t->pidns_init_start_ts)
			fval_set_u64(out, t->pidns_init_start_ts);
		return true;
	case FID_CONTAINER_DURATION:
		if (!host && t->clone_ts)
			fval_set_s64(out, (int64_t)(x->e->ts - t->pidns_init_start_ts));
		return true;
	case FID_K8S_POD_NAME: case FID_K8S_NS_NAME: case FID_K8S_POD_ID: case FID_K8S_POD_UID:
	case FID_K8S_POD_SANDBOX_ID: case FID_K8S_POD_FULL_SANDBOX_ID: case FID_K8S_POD_LABEL:
	case FID_K8S_POD_LABELS: case FID_K8S_POD_IP: case FID_K8S_POD_CNI_JSON:
		if (*cid)
			k8s_field(m, id, arg, sc, out);
		return true;
	default:
		break;
	}
	if (host || !m)
		return fields_at(id) && fields_at(id)->cls == FC_CTR;
	switch (id) {
	case FID_CONTAINER_IMAGE: str_or_none(out, m->image); break;
	case FID_CONTAINER_IMAGE_ID: str_or_none(out, m->image_id); break;
	case FID_CONTAINER_IMAGE_REPOSITORY: str_or_none(out, m->image_repo); break;
	case FID_CONTAINER_IMAGE_TAG: str_or_none(out, m->image_tag); break;
	case FID_CONTAINER_IMAGE_DIGEST: str_or_none(out, m->image_digest); break;
	case FID_CONTAINER_PRIVILEGED: tristate(out, m, m->privileged); break;
	case FID_CONTAINER_HOST_PID: tristate(out, m, m->host_pid); break;
	case FID_CONTAINER_HOST_NETWORK: tristate(out, m, m->host_network); break;
	case FID_CONTAINER_HOST_IPC: tristate(out, m, m->host_ipc); break;
	case FID_CONTAINER_MOUNTS:
		strbuf_reset(&sc->sb);
		for (uint32_t i = 0; i < m->nmounts; i++) {
			if (i)
				strbuf_addc(&sc->sb, ',');
			mount_text(&sc->sb, &m->mounts[i]);
		}
		xt_sb(out, sc);
		break;
	case FID_CONTAINER_MOUNT:
		if ((mt = mount_of(m, arg, false))) {
			strbuf_reset(&sc->sb);
			mount_text(&sc->sb, mt);
			xt_sb(out, sc);
		}
		break;
	case FID_CONTAINER_MOUNT_SOURCE: case FID_CONTAINER_MOUNT_DEST:
	case FID_CONTAINER_MOUNT_MODE: case FID_CONTAINER_MOUNT_RDWR:
	case FID_CONTAINER_MOUNT_PROPAGATION:
		if (!(mt = mount_of(m, arg, id == FID_CONTAINER_MOUNT_SOURCE)))
			break;
		xt_cstr(out, id == FID_CONTAINER_MOUNT_SOURCE ? mt->source
			     : id == FID_CONTAINER_MOUNT_DEST ? mt->dest
			     : id == FID_CONTAINER_MOUNT_MODE ? mt->mode
			     : id == FID_CONTAINER_MOUNT_RDWR ? (mt->rdwr ? "true" : "false")
							       : mt->propagation);
		break;
	case FID_CONTAINER_HEALTHCHECK: case FID_CONTAINER_LIVENESS_PROBE:
	case FID_CONTAINER_READINESS_PROBE:
		probe = id == FID_CONTAINER_HEALTHCHECK ? m->healthcheck
			: id == FID_CONTAINER_LIVENESS_PROBE ? m->liveness_probe : m->readiness_probe;
		xt_cstr(out, probe ? probe : "NONE");
		break;
	case FID_CONTAINER_IP: ip_text(m->ip, sc, out); break;
	case FID_CONTAINER_CNI_JSON: xt_cstr(out, m->cni_json ? m->cni_json : ""); break;
	case FID_CONTAINER_LABEL: xt_cstr(out, ctr_meta_label(m->labels, m->nlabels, arg)); break;
	case FID_CONTAINER_LABELS: labels_text(m->labels, m->nlabels, sc, out); break;
	default:
		return false;
	}
	return true;
}

XT_FAMILY(ctr, ctr_field)
