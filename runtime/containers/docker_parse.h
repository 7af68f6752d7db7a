/* The Docker Engine API's answers, read into container records as Falco's
 * docker engine reads them: GET /containers/{id}/json (docker inspect), GET
 * /images/{id}/json (the image's tags and digests) and GET /containers/json
 * (the running containers' ids). Podman's Docker-compatible service gives
 * the same documents. Prefix docker_parse_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctr_meta;

/* What a container's description still needs from other requests. */
struct docker_followup {
	bool image;			/* the image's tags and digests: GET /images/{image_id}/json */
	char net_container[72];		/* the container whose network it shares ("": none) */
};

/* Reads a container's inspect document as runtime type (CTR_TYPE_DOCKER or
 * CTR_TYPE_PODMAN). 0 with *out (the caller's) and what is still needed;
 * -EBADMSG with a sentence in err when the text is not a container's
 * description; -ENOMEM. */
int docker_parse_inspect(const char *s, size_t n, uint8_t type, struct ctr_meta **out,
			 struct docker_followup *more, char *err, size_t errlen);
/* Completes m's image repository, tag and digest from the image document;
 * the tag "latest" when none is found. 0, -EBADMSG, -ENOMEM. */
int docker_parse_image(struct ctr_meta *m, const char *s, size_t n, char *err, size_t errlen);
/* The container's IPv4 address (host order) from its inspect document, 0
 * when none. -EBADMSG when the text is not JSON. */
int docker_parse_ip(const char *s, size_t n, uint32_t *ip, char *err, size_t errlen);
/* Calls fn with each container id of a GET /containers/json answer; stops
 * at fn's first non-zero and returns it. -EBADMSG, -ENOMEM. */
int docker_parse_list(const char *s, size_t n, int (*fn)(void *ctx, const char *id), void *ctx,
		      char *err, size_t errlen);
