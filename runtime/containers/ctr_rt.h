/* A container runtime as the lookup thread (ctr_client.c) sees it: a
 * socket and a table of operations, implemented for the Docker Engine API
 * (docker_client.c: docker and podman) and containerd's gRPC API
 * (containerd_client.c). The operations block (with the runtime's
 * timeout) and run on the lookup thread only. Prefix ctr_rt_.
 *
 * Errors: -ENOENT the runtime does not know the container; -EHOSTDOWN
 * nothing listens on the socket (or it does not exist); -ETIMEDOUT no
 * answer in time; -EBADMSG an answer that is not what the API says
 * (malformed); -EPROTONOSUPPORT the socket speaks another API (CRI-O's
 * CRI only); -ELIBACC a library the client needs (libcurl, gRPC) cannot
 * be opened; -EIO any other failure; -ENOMEM. err says what happened. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctr_meta;
struct ctr_rt;

/* Receives a container description (owned by the callee from then on);
 * non-zero stops the listing. */
typedef int (*ctr_rt_take_fn)(void *ctx, struct ctr_meta *m);

struct ctr_rt_ops {
	const char *kind;	/* "docker", "podman", "containerd" */
	/* Describes container id (its short or full id). */
	int (*inspect)(struct ctr_rt *rt, const char *id, struct ctr_meta **out, char *err,
		       size_t errlen);
	/* Describes every container the runtime runs, one call of fn each. */
	int (*list)(struct ctr_rt *rt, ctr_rt_take_fn fn, void *ctx, char *err, size_t errlen);
	void (*free)(struct ctr_rt *rt);
};

struct ctr_rt {
	const struct ctr_rt_ops *ops;
	char *socket;		/* the unix socket's path */
	uint8_t type;		/* enum ctr_type of what it describes */
	long timeout_ms;	/* per request */
	/* the lookup thread's view of its health */
	uint32_t fails;		/* failures in a row */
	uint64_t retry_ns;	/* CLOCK_MONOTONIC time before which it is left alone */
	int last_err;		/* the error of the outage being reported (0: healthy) */
	bool answered;		/* it answered once */
};

/* The Docker Engine API on socket: docker's (type CTR_TYPE_DOCKER) or
 * podman's Docker-compatible service (CTR_TYPE_PODMAN). */
int docker_rt__new(const char *socket, uint8_t type, long timeout_ms, struct ctr_rt **out);
/* containerd's gRPC API on socket, every namespace. */
int containerd_rt__new(const char *socket, long timeout_ms, struct ctr_rt **out);

static inline void ctr_rt__free(struct ctr_rt *rt)
{
	if (rt)
		rt->ops->free(rt);
}
