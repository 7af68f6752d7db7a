/* libFuzzer target: containerd's answers as its client reads them
 * (runtime/containers/containerd_parse.c): a Containers/List answer
 * (protobuf), each container described (its runtime spec and the CRI
 * plugin's metadata are JSON inside), completed with every other as its
 * sandbox, and an Images/Get answer. */
#include <stddef.h>
#include <stdint.h>

#include "runtime/containers/containerd_parse.h"
#include "state/ctr_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Ctrd__ListContainersResponse *r;
	struct ctr_meta *m;
	char err[256];

	if (!containerd_parse_list(data, size, &r, err, sizeof(err))) {
		for (size_t i = 0; i < r->n_containers; i++) {
			if (containerd_parse_container(r->containers[i], &m, err, sizeof(err)))
				continue;
			for (size_t k = 0; k < r->n_containers; k++)
				containerd_parse_sandbox(m, r->containers[k]);
			containerd_parse_image(m, data, size);
			ctr_meta__free(m);
		}
		ctrd__list_containers_response__free_unpacked(r, NULL);
	}
	return 0;
}
