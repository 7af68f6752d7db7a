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
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/dynlib.h"
#include "runtime/base/mem.h"

/* The functions of gRPC's C core (libgrpc) and of its support library
 * (libgpr) the calls use, opened at the first channel (SAKER_GRPC_SONAME
 * and SAKER_GPR_SONAME, the build's): gRPC and its thirty-odd libraries
 * are loaded only where a containerd socket exists. */
#define GRPC_FNS(X)                                                                           \
	X(void, init, (void))                                                                 \
	X(void, shutdown, (void))                                                             \
	X(grpc_channel_credentials *, insecure_credentials_create, (void))                    \
	X(void, channel_credentials_release, (grpc_channel_credentials *))                    \
	X(grpc_channel *, channel_create,                                                     \
	  (const char *, grpc_channel_credentials *, const grpc_channel_args *))              \
	X(void, channel_destroy, (grpc_channel *))                                            \
	X(grpc_completion_queue *, completion_queue_create_for_pluck, (void *))               \
	X(void, completion_queue_shutdown, (grpc_completion_queue *))                         \
	X(void, completion_queue_destroy, (grpc_completion_queue *))                          \
	X(grpc_event, completion_queue_pluck,                                                 \
	  (grpc_completion_queue *, void *, gpr_timespec, void *))                            \
	X(grpc_call *, channel_create_call,                                                   \
	  (grpc_channel *, grpc_call *, uint32_t, grpc_completion_queue *, grpc_slice,        \
	   const grpc_slice *, gpr_timespec, void *))                                         \
	X(grpc_call_error, call_start_batch,                                                  \
	  (grpc_call *, const grpc_op *, size_t, void *, void *))                             \
	X(grpc_call_error, call_cancel, (grpc_call *, void *))                                \
	X(void, call_unref, (grpc_call *))                                                    \
	X(grpc_slice, empty_slice, (void))                                                    \
	X(grpc_slice, slice_from_copied_string, (const char *))                               \
	X(grpc_slice, slice_from_copied_buffer, (const char *, size_t))                       \
	X(grpc_slice, slice_from_static_string, (const char *))                               \
	X(char *, slice_to_c_string, (grpc_slice))                                            \
	X(void, slice_unref, (grpc_slice))                                                    \
	X(grpc_byte_buffer *, raw_byte_buffer_create, (grpc_slice *, size_t))                 \
	X(void, byte_buffer_destroy, (grpc_byte_buffer *))                                    \
	X(int, byte_buffer_reader_init, (grpc_byte_buffer_reader *, grpc_byte_buffer *))      \
	X(void, byte_buffer_reader_destroy, (grpc_byte_buffer_reader *))                      \
	X(grpc_slice, byte_buffer_reader_readall, (grpc_byte_buffer_reader *))                \
	X(void, metadata_array_init, (grpc_metadata_array *))                                 \
	X(void, metadata_array_destroy, (grpc_metadata_array *))
#define GPR_FNS(X)                                                                            \
	X(gpr_timespec, now, (gpr_clock_type))                                                \
	X(gpr_timespec, time_add, (gpr_timespec, gpr_timespec))                               \
	X(gpr_timespec, time_from_millis, (int64_t, gpr_clock_type))                          \
	X(gpr_timespec, time_from_seconds, (int64_t, gpr_clock_type))                         \
	X(gpr_timespec, inf_future, (gpr_clock_type))                                         \
	X(void, free, (void *))

static struct {
#define X(ret, name, args) ret(*name) args;
	GRPC_FNS(X)
	struct {
		GPR_FNS(X)
	} gpr;
#undef X
} lg;

static pthread_once_t lg_once = PTHREAD_ONCE_INIT;
static int lg_rc;
static char lg_err[256];

static void lg_open(void)
{
#define X(ret, name, args) { "grpc_" #name, (void **)&lg.name },
	static const struct dynlib_sym grpc_syms[] = { GRPC_FNS(X) };
#undef X
#define X(ret, name, args) { "gpr_" #name, (void **)&lg.gpr.name },
	static const struct dynlib_sym gpr_syms[] = { GPR_FNS(X) };
#undef X

	lg_rc = dynlib_open(SAKER_GRPC_SONAME, grpc_syms, sizeof(grpc_syms) / sizeof(grpc_syms[0]),
			    lg_err, sizeof(lg_err));
	if (!lg_rc)
		lg_rc = dynlib_open(SAKER_GPR_SONAME, gpr_syms,
				    sizeof(gpr_syms) / sizeof(gpr_syms[0]), lg_err, sizeof(lg_err));
}

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

int grpc_unary__new(const char *path, struct grpc_unary **out, char *err, size_t errlen)
{
	struct grpc_unary *g;
	grpc_channel_credentials *creds;
	grpc_arg args[3];
	grpc_channel_args ca = { .num_args = 3, .args = args };
	char target[4200];

	pthread_once(&lg_once, lg_open);
	if (lg_rc) {
		snprintf(err, errlen, "%s", lg_err);
		return -ELIBACC;
	}
	if (!(g = mem_calloc(1, sizeof(*g))))
		return -ENOMEM;
	lg.init();
	args[0] = int_arg(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
	args[1] = int_arg(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
	args[2] = int_arg(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
	snprintf(target, sizeof(target), "unix:%s", path);
	creds = lg.insecure_credentials_create();
	g->ch = creds ? lg.channel_create(target, creds, &ca) : NULL;
	lg.channel_credentials_release(creds);
	g->cq = lg.completion_queue_create_for_pluck(NULL);
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
		lg.channel_destroy(g->ch);
	if (g->cq) {
		lg.completion_queue_shutdown(g->cq);
		lg.completion_queue_destroy(g->cq);
	}
	mem_free(g->path);
	mem_free(g);
	lg.shutdown();
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
	gpr_timespec deadline = lg.gpr.time_add(lg.gpr.now(GPR_CLOCK_MONOTONIC),
						lg.gpr.time_from_millis(timeout_ms, GPR_TIMESPAN));
	grpc_slice msl = lg.slice_from_copied_string(method), rsl, details = lg.empty_slice();
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
	call = lg.channel_create_call(g->ch, NULL, GRPC_PROPAGATE_DEFAULTS, g->cq, msl, NULL,
					deadline, NULL);
	lg.slice_unref(msl);
	if (!call)
		return -ENOMEM;
	rsl = lg.slice_from_copied_buffer((const char *)req, req_len);
	send = lg.raw_byte_buffer_create(&rsl, 1);
	lg.slice_unref(rsl);
	lg.metadata_array_init(&imd);
	lg.metadata_array_init(&tmd);
	if (ns) {
		md.key = lg.slice_from_static_string("containerd-namespace");
		md.value = lg.slice_from_copied_string(ns);
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
	if (lg.call_start_batch(call, ops, 6, call, NULL) != GRPC_CALL_OK) {
		snprintf(err, errlen, "%s: the call could not start", method);
		ret = -EIO;
		lg.call_cancel(call, NULL);
	} else {
		/* the call's deadline ends it; the queue's own is a safety net */
		gpr_timespec end = lg.gpr.time_add(deadline,
						   lg.gpr.time_from_seconds(5, GPR_TIMESPAN));

		ev = lg.completion_queue_pluck(g->cq, call, end, NULL);
		if (ev.type != GRPC_OP_COMPLETE) {
			lg.call_cancel(call, NULL);
			end = lg.gpr.inf_future(GPR_CLOCK_MONOTONIC);
			lg.completion_queue_pluck(g->cq, call, end, NULL);
			st = GRPC_STATUS_DEADLINE_EXCEEDED;
		}
		if (st != GRPC_STATUS_OK) {
			char *d = lg.slice_to_c_string(details);

			ret = status_err(st);
			if (ret == -ETIMEDOUT)
				snprintf(err, errlen, "%s: no answer within %ld ms", method, timeout_ms);
			else
				snprintf(err, errlen, "%s: %s", method, d && *d ? d : "failed");
			lg.gpr.free(d);
		} else if (!recv) {
			snprintf(err, errlen, "%s: an answer without a message", method);
			ret = -EBADMSG;
		} else {
			grpc_byte_buffer_reader rd;
			grpc_slice all;

			if (!lg.byte_buffer_reader_init(&rd, recv)) {
				ret = -EBADMSG;
				snprintf(err, errlen, "%s: an answer that cannot be read", method);
			} else {
				all = lg.byte_buffer_reader_readall(&rd);
				*resp_len = GRPC_SLICE_LENGTH(all);
				*resp = mem_malloc(*resp_len ? *resp_len : 1);
				if (*resp)
					memcpy(*resp, GRPC_SLICE_START_PTR(all), *resp_len);
				else
					ret = -ENOMEM;
				lg.slice_unref(all);
				lg.byte_buffer_reader_destroy(&rd);
			}
		}
	}
	if (ns)
		lg.slice_unref(md.value);
	lg.slice_unref(details);
	lg.metadata_array_destroy(&imd);
	lg.metadata_array_destroy(&tmd);
	lg.byte_buffer_destroy(send);
	if (recv)
		lg.byte_buffer_destroy(recv);
	lg.call_unref(call);
	return ret;
}
