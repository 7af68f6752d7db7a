/* Unary gRPC calls over a unix socket through gRPC's C core library: one
 * channel per socket, one blocking call at a time with a deadline, the
 * request and the answer as protobuf bytes (encoded and decoded by the
 * caller with protobuf-c). Prefix grpc_unary_ (methods grpc_unary__). */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct grpc_unary;

/* A channel to the unix socket at path (gRPC's libraries opened at the
 * first). 0, -ENOMEM, or -ELIBACC with err saying which library could
 * not be opened. */
int grpc_unary__new(const char *path, struct grpc_unary **out, char *err, size_t errlen);
void grpc_unary__free(struct grpc_unary *g);

/* Calls method ("/package.Service/Method") with the request bytes and,
 * when ns is not NULL, containerd's namespace header; waits at most
 * timeout_ms. 0 with the answer in *resp (mem_free it) and *resp_len;
 * -ENOENT (NOT_FOUND), -ETIMEDOUT, -EHOSTDOWN (nothing answers on the
 * socket), -EBADMSG (an answer that is not gRPC), -EPROTONOSUPPORT (the
 * server has no such method), -EIO (another status),
 * -ENOMEM; err says what the runtime said. */
int grpc_unary__call(struct grpc_unary *g, const char *method, const char *ns, const uint8_t *req,
		     size_t req_len, long timeout_ms, uint8_t **resp, size_t *resp_len, char *err,
		     size_t errlen);
