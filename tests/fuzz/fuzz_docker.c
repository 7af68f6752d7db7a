/* libFuzzer target: the Docker Engine API's documents as the docker and
 * podman client reads them (runtime/containers/docker_parse.c): a
 * container's inspect document, an image's, a container list. */
#include <stddef.h>
#include <stdint.h>

#include "runtime/containers/docker_parse.h"
#include "state/ctr_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, const char *id)
{
	(void)id;
	++*(int *)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_followup more;
	struct ctr_meta *m;
	char err[256];
	uint32_t ip;
	int n = 0;

	if (!docker_parse_inspect((const char *)data, size, CTR_TYPE_DOCKER, &m, &more, err,
				  sizeof(err))) {
		docker_parse_image(m, (const char *)data, size, err, sizeof(err));
		ctr_meta__free(m);
	}
	docker_parse_ip((const char *)data, size, &ip, err, sizeof(err));
	docker_parse_list((const char *)data, size, count, &n, err, sizeof(err));
	return 0;
}
