/* What a container runtime says of one container, as the container.* and
 * k8s.* fields read it: names, image, privileges, namespaces shared with
 * the host, mounts, health probes, network, labels and the pod sandbox.
 * Strings are NUL-terminated, "" or NULL when the runtime gave none; the
 * tristate flags are -1 where the runtime does not say. Owned by the
 * state's container table; borrowed like every state pointer. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

enum ctr_type {
	CTR_TYPE_UNKNOWN = 0,
	CTR_TYPE_DOCKER,
	CTR_TYPE_LXC,
	CTR_TYPE_LIBVIRT_LXC,
	CTR_TYPE_MESOS,
	CTR_TYPE_CRI,
	CTR_TYPE_CONTAINERD,
	CTR_TYPE_CRIO,
	CTR_TYPE_RKT,
	CTR_TYPE_BPM,
	CTR_TYPE_PODMAN,
};

struct ctr_mount {
	const char *source, *dest, *mode, *propagation;
	bool rdwr;
};

struct ctr_label {
	const char *key, *value;
};

struct ctr_meta {
	const char *id;			/* the short id container.id gives */
	const char *full_id, *name, *image;
	const char *image_id, *image_repo, *image_tag, *image_digest;
	uint8_t type;			/* enum ctr_type */
	int8_t privileged, host_pid, host_network, host_ipc;
	const struct ctr_mount *mounts;
	uint32_t nmounts;
	/* health probes as "exe arg arg", NULL when the container has none */
	const char *healthcheck, *liveness_probe, *readiness_probe;
	uint32_t ip;			/* IPv4, host byte order, 0 when none */
	const char *cni_json;		/* the pod sandbox's CNI result */
	const struct ctr_label *labels;	/* the container's labels */
	uint32_t nlabels;
	const char *pod_sandbox_id;	/* "" outside Kubernetes */
	const struct ctr_label *pod_labels;
	uint32_t npod_labels;
};

/* Falco's name of a runtime type (container.type): "docker", "cri-o", ... */
const char *ctr_type_name(uint8_t type);
