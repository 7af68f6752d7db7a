/* Unary gRPC calls (see grpc_unary.h) on gRPC's C core: a channel without
 * proxy and with short reconnect backoff (a runtime that restarts is found
 * again within seconds), a completion queue plucked for one batch per call
 * (send metadata, message and close; receive metadata, message and
 * status), the call's deadline bounding the wait. */
#include "runtime/containers/grpc_unary.h"

#include <errno.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/mem.h"

struct grpc_unary {
	grpc_channel *ch;
	grpc_completion_queue *cq;
	char *path;
};

static grpc_arg int_arg(const char *key, int v)
{
	grpc_arg a = { .type = GRPC_ARG_INTEGER, .key = (char *)key };

	a.value.integer = v;
	return a;
}

int grpc_unary__new(const char *path, struct grpc_unary **out)
{
	struct grpc_unary *g = mem_calloc(1, sizeof(*g));
	grpc_channel_credentials *creds;
	grpc_arg args[3];
	grpc_channel_args ca = { .num_args = 3, .args = args };
	char target[4200];

	if (!g)
		return -ENOMEM;
	grpc_init();
	args[0] = int_arg(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
	args[1] = int_arg(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
	args[2] = int_arg(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
	snprintf(target, sizeof(target), "unix:%s", path);
	creds = grpc_insecure_credentials_create();
	g->ch = creds ? grpc_channel_create(target, creds, &ca) : NULL;
	grpc_channel_credentials_release(creds);
	g->cq = grpc_completion_queue_create_for_pluck(NULL);
	g->path = mem_strdup(path);
	if (!g->ch || !g->cq || !g->path) {
		grpc_unary__free(g);
		return -ENOMEM;
	}
	*out = g;
	return 0;
}

void grpc_unary__free(struct grpc_unary *g)
{
	if (!g)
		return;
	if (g->ch)
		grpc_channel_destroy(g->ch);
	if (g->cq) {
		grpc_completion_queue_shutdown(g->cq);
		grpc_completion_queue_destroy(g->cq);
	}
	mem_free(g->path);
	mem_free(g);
	grpc_shutdown();
}

static int status_err(grpc_status_code st)
{
	switch (st) {
	case GRPC_STATUS_NOT_FOUND: return -ENOENT;
	case GRPC_STATUS_DEADLINE_EXCEEDED: return -ETIMEDOUT;
	case GRPC_STATUS_UNAVAILABLE: return -EHOSTDOWN;
	case GRPC_STATUS_UNIMPLEMENTED: return -EPROTONOSUPPORT;
	case GRPC_STATUS_INTERNAL: case GRPC_STATUS_DATA_LOSS:
		return -EBADMSG;
	default: return -EIO;
	}
}

int grpc_unary__call(struct grpc_unary *g, const char *method, const char *ns, const uint8_t *req,
		     size_t req_len, long timeout_ms, uint8_t **resp, size_t *resp_len, char *err,
		     size_t errlen)
{
	gpr_timespec deadline = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
					     gpr_time_from_millis(timeout_ms, GPR_TIMESPAN));
	grpc_slice msl = grpc_slice_from_copied_string(method), rsl, details = grpc_empty_slice();
	grpc_metadata md = { 0 };
	grpc_metadata_array imd, tmd;
	grpc_byte_buffer *send, *recv = NULL;
	grpc_status_code st = GRPC_STATUS_UNKNOWN;
	grpc_op ops[6];
	grpc_call *call;
	grpc_event ev;
	int ret = 0;

	*resp = NULL;
	*resp_len = 0;
	call = grpc_channel_create_call(g->ch, NULL, GRPC_PROPAGATE_DEFAULTS, g->cq, msl, NULL,
					deadline, NULL);
	grpc_slice_unref(msl);
	if (!call)
		return -ENOMEM;
	rsl = grpc_slice_from_copied_buffer((const char *)req, req_len);
	send = grpc_raw_byte_buffer_create(&rsl, 1);
	grpc_slice_unref(rsl);
	grpc_metadata_array_init(&imd);
	grpc_metadata_array_init(&tmd);
	if (ns) {
		md.key = grpc_slice_from_static_string("containerd-namespace");
		md.value = grpc_slice_from_copied_string(ns);
	}
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[0].data.send_initial_metadata.count = ns ? 1 : 0;
	ops[0].data.send_initial_metadata.metadata = ns ? &md : NULL;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = send;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &imd;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &recv;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &tmd;
	ops[5].data.recv_status_on_client.status = &st;
	ops[5].data.recv_status_on_client.status_details = &details;
	if (grpc_call_start_batch(call, ops, 6, call, NULL) != GRPC_CALL_OK) {
		snprintf(err, errlen, "%s: the call could not start", method);
		ret = -EIO;
		grpc_call_cancel(call, NULL);
	} else {
		/* the call's deadline ends it; the queue's own is a safety net */
		ev = grpc_completion_queue_pluck(g->cq, call,
						 gpr_time_add(deadline, gpr_time_from_seconds(5, GPR_TIMESPAN)),
						 NULL);
		if (ev.type != GRPC_OP_COMPLETE) {
			grpc_call_cancel(call, NULL);
			grpc_completion_queue_pluck(g->cq, call, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
			st = GRPC_STATUS_DEADLINE_EXCEEDED;
		}
		if (st != GRPC_STATUS_OK) {
			char *d = grpc_slice_to_c_string(details);

			ret = status_err(st);
			if (ret == -ETIMEDOUT)
				snprintf(err, errlen, "%s: no answer within %ld ms", method, timeout_ms);
			else
				snprintf(err, errlen, "%s: %s", method, d && *d ? d : "failed");
			gpr_free(d);
		} else if (!recv) {
			snprintf(err, errlen, "%s: an answer without a message", method);
			ret = -EBADMSG;
		} else {
			grpc_byte_buffer_reader rd;
			grpc_slice all;

			if (!grpc_byte_buffer_reader_init(&rd, recv)) {
				ret = -EBADMSG;
				snprintf(err, errlen, "%s: an answer that cannot be read", method);
			} else {
				all = grpc_byte_buffer_reader_readall(&rd);
				*resp_len = GRPC_SLICE_LENGTH(all);
				*resp = mem_malloc(*resp_len ? *resp_len : 1);
				if (*resp)
					memcpy(*resp, GRPC_SLICE_START_PTR(all), *resp_len);
				else
					ret = -ENOMEM;
				grpc_slice_unref(all);
				grpc_byte_buffer_reader_destroy(&rd);
			}
		}
	}
	if (ns)
		grpc_slice_unref(md.value);
	grpc_slice_unref(details);
	grpc_metadata_array_destroy(&imd);
	grpc_metadata_array_destroy(&tmd);
	grpc_byte_buffer_destroy(send);
	if (recv)
		grpc_byte_buffer_destroy(recv);
	grpc_call_unref(call);
	return ret;
}
