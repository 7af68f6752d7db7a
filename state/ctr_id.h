/* Container ids from cgroup paths: the runtime's naming of the cgroup
 * (docker, containerd/cri, cri-o, podman, kubepods) gives the id. Prefix
 * ctr_id_. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Writes the 12-character short id of the container found in a thread's
 * cgroups blob ("subsys=path" items, NUL-separated) into out (at least 13
 * bytes); "" when the thread is on the host. */
void ctr_id_from_cgroups(const char *blob, uint32_t len, char *out);
