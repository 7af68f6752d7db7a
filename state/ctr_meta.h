/* What a container runtime says of one container, as the container.* and
 * k8s.* fields read it: names, image, privileges, namespaces shared with
 * the host, mounts, health probes, network, labels and the pod sandbox;
 * and the builder that makes such a record (ctr_meta.c). Strings are
 * NUL-terminated, "" or NULL when the runtime gave none; the tristate
 * flags are -1 where the runtime does not say. A record is owned by whoever
 * built it until it is handed to the state's container table
 * (state__container_put), which owns it from then on; what
 * state__container returns is borrowed like every state pointer.
 * Prefix ctr_meta_ (methods ctr_meta__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ctr_type {
	CTR_TYPE_UNKNOWN = 0,
#define CTR_TYPE(e, name, falco) CTR_TYPE_##e,
#include "state/ctr_types.def"
#undef CTR_TYPE
	CTR_TYPE_MAX,
};

/* How the lookup of a container ended, as Falco's container events say
 * (lookup_state): the numbers are Falco's. */
enum ctr_lookup {
	CTR_LOOKUP_STARTED = 0,
	CTR_LOOKUP_SUCCESSFUL = 1,
	CTR_LOOKUP_FAILED = 2,
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
	uint8_t lookup;			/* enum ctr_lookup */
	int8_t privileged, host_pid, host_network, host_ipc;
	bool is_pod_sandbox;
	int64_t created_time;		/* s since the epoch, 0 when unknown */
	const char *user;		/* the user the container runs as */
	const struct ctr_mount *mounts;
	uint32_t nmounts;
	/* health probes as "exe arg arg", NULL when the container has none */
	const char *healthcheck, *liveness_probe, *readiness_probe;
	uint32_t ip;			/* IPv4, host byte order, 0 when none */
	const char *cni_json;		/* the pod sandbox's CNI result */
	const struct ctr_label *labels;	/* the container's labels, sorted by key */
	uint32_t nlabels;
	const char *pod_sandbox_id;	/* "" outside Kubernetes */
	const struct ctr_label *pod_labels;	/* the pod's labels, sorted by key */
	uint32_t npod_labels;
	/* the heap the record holds, as its builder's thread counted it
	 * (runtime/base/mem.h; 0 on libc's malloc) */
	int64_t heap;
};

/* Falco's name of a runtime type (container.type): "docker", "cri-o", ...
 * NULL for an unknown type. */
const char *ctr_type_name(uint8_t type);
/* Falco's number of a type in its container events, and back
 * (CTR_TYPE_UNKNOWN for a number Falco does not define). */
uint32_t ctr_type_falco(uint8_t type);
uint8_t ctr_type_from_falco(uint32_t n);

/* ---- building a record -------------------------------------------------- */

/* A new record with nothing known (tristates -1, lookup successful); NULL
 * when memory is out. */
struct ctr_meta *ctr_meta__new(void);
void ctr_meta__free(struct ctr_meta *m);

/* Sets one of m's string members (a pointer into m) to a copy of s[0..n)
 * (n (size_t)-1: strlen). 0 or -ENOMEM. */
int ctr_meta__set(struct ctr_meta *m, const char **member, const char *s, size_t n);
/* Appends a mount; a label of the container or of its pod (replacing the
 * value of a key already there). 0 or -ENOMEM. */
int ctr_meta__add_mount(struct ctr_meta *m, const char *source, const char *dest,
			const char *mode, bool rdwr, const char *propagation);
int ctr_meta__add_label(struct ctr_meta *m, bool pod, const char *key, const char *value);
/* A label's value, NULL when absent. */
const char *ctr_meta_label(const struct ctr_label *l, uint32_t n, const char *key);
/* Sorts the labels by key (Falco keeps them in a sorted map) and sets the
 * short id from the full id when it has none. Call once built. */
void ctr_meta__finish(struct ctr_meta *m);

/* Splits an image reference as Falco does ("host:port/name/x:tag@digest"):
 * the repository (with the registry), the tag and the digest, each copied
 * into m (left alone where the reference has none). 0 or -ENOMEM. */
int ctr_meta__split_image(struct ctr_meta *m, const char *image);
