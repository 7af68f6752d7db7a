/* containerd's answers to container records: a Containers/List answer
 * decoded (protobuf, containers.v1), each container described from its
 * labels, image, OCI runtime spec (JSON) and, for the containers kubelet
 * made through containerd's CRI plugin (namespace k8s.io), the pod: the
 * sandbox id from the spec's annotations, the pod's labels, address and
 * CNI result from the sandbox container. Prefix containerd_parse_. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "containerd.pb-c.h"

struct ctr_meta;

/* Decodes a ListContainersResponse. 0 with *out (free with
 * ctrd__list_containers_response__free_unpacked(*out, NULL)); -EBADMSG
 * with err when the bytes are not one. */
int containerd_parse_list(const uint8_t *buf, size_t len, Ctrd__ListContainersResponse **out,
			  char *err, size_t errlen);

/* Describes container c. 0 with *out (the caller's; its pod_sandbox_id
 * names the sandbox to complete it with, "" outside a pod); -EBADMSG when
 * the spec is not JSON; -ENOMEM. */
int containerd_parse_container(const Ctrd__Container *c, struct ctr_meta **out, char *err,
			       size_t errlen);

/* Adds the pod's labels, address and CNI result from its sandbox
 * container. 0 or -ENOMEM (a sandbox without them adds nothing). */
int containerd_parse_sandbox(struct ctr_meta *m, const Ctrd__Container *sandbox);

/* The image digest of a GetImageResponse into m (nothing when the bytes
 * do not decode or have none). 0 or -ENOMEM. */
int containerd_parse_image(struct ctr_meta *m, const uint8_t *buf, size_t len);
