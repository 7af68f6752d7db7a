/* webserver (see webserver.h): libmicrohttpd with a thread pool, GET only;
 * the library is opened when the web server starts (runtime/base/dynlib.h). */
#include "runtime/webserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/rules_load.h"
#include "runtime/base/dynlib.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/config.h"
#include "runtime/metrics.h"
#include "runtime/plugin_abi.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4"

/* The libmicrohttpd functions the server calls. */
#define MHD_FNS(X)                                                                          \
	X(struct MHD_Response *, create_response_from_buffer,                                \
	  (size_t, void *, enum MHD_ResponseMemoryMode))                                     \
	X(enum MHD_Result, add_response_header, (struct MHD_Response *, const char *,        \
						 const char *))                                \
	X(enum MHD_Result, queue_response, (struct MHD_Connection *, unsigned int,           \
					    struct MHD_Response *))                            \
	X(void, destroy_response, (struct MHD_Response *))                                   \
	X(enum MHD_Result, is_feature_supported, (enum MHD_FEATURE))                         \
	X(struct MHD_Daemon *, start_daemon, (unsigned int, uint16_t, MHD_AcceptPolicyCallback, \
					      void *, MHD_AccessHandlerCallback, void *, ...))  \
	X(void, stop_daemon, (struct MHD_Daemon *))

static struct {
#define X(ret, name, args) ret(*name) args;
	MHD_FNS(X)
#undef X
} lm;

static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;
static int mhd_open_rc;
static char mhd_open_err[256];

static void mhd_open(void)
{
	static const struct dynlib_sym syms[] = {
#define X(ret, name, args) { "MHD_" #name, (void **)&lm.name },
		MHD_FNS(X)
#undef X
	};

	mhd_open_rc = dynlib_open("libmicrohttpd.so.12", syms, sizeof(syms) / sizeof(syms[0]),
				  mhd_open_err, sizeof(mhd_open_err));
}

struct webserver {
	struct MHD_Daemon *d;
	struct metrics *m;
	char *healthz;
	char *versions;
	char *pem;
};

void webserver_versions_json(struct strbuf *out)
{
	const char *minor = strchr(SAKER_ENGINE_VERSION, '.');

	strbuf_printf(out,
		      "{\"default_driver_version\":\"%s\",\"driver_api_version\":\"%s\","
		      "\"driver_schema_version\":\"%s\",\"engine_version\":\"%ld\","
		      "\"engine_version_semver\":\"%s\",\"falco_version\":\"%s\","
		      "\"libs_version\":\"%s\",\"plugin_api_version\":\"%s\"}",
		      SAKER_VERSION, SAKER_VERSION, SAKER_VERSION,
		      minor ? strtol(minor + 1, NULL, 10) : 0L, SAKER_ENGINE_VERSION, SAKER_VERSION,
		      SAKER_VERSION, PA_API_VERSION_STR);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     const char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = lm.create_response_from_buffer(len, (void *)body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	lm.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = lm.queue_response(c, status, r);
	lm.destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	static int first;
	struct webserver *w = cls;

	if (!*state) {
		*state = &first;	/* headers only: the body (if any) comes next */
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;	/* bodies are not read */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n",
			     19, MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, w->healthz))
		return reply(c, MHD_HTTP_OK, "application/json", "{\"status\": \"ok\"}", 16,
			     MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/versions"))
		return reply(c, MHD_HTTP_OK, "application/json", w->versions, strlen(w->versions),
			     MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/metrics") && w->m) {
		struct strbuf sb = STRBUF_INIT;
		enum MHD_Result ret;

		metrics__prometheus(w->m, &sb);
		if (sb.oom || !sb.buf) {
			strbuf_release(&sb);
			return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
				     "out of memory\n", 14, MHD_RESPMEM_PERSISTENT);
		}
		ret = reply(c, MHD_HTTP_OK, PROM_CONTENT_TYPE, sb.buf, sb.len,
			    MHD_RESPMEM_MUST_COPY);
		strbuf_release(&sb);
		return ret;
	}
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", 10,
		     MHD_RESPMEM_PERSISTENT);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_warn("webserver: %s", buf);
}

static int read_pem(const char *path, char **out)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	int err;

	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	err = ferror(f) ? -EIO : sb.oom ? -ENOMEM : 0;
	fclose(f);
	if (!err && (!sb.buf || !strstr(sb.buf, "-----BEGIN")))
		err = -EINVAL;
	if (err) {
		strbuf_release(&sb);
		return err;
	}
	*out = sb.buf;
	return 0;
}

int webserver__start(const struct config *cfg, struct metrics *m, struct webserver **out,
		     char *err, size_t errlen)
{
	const char *addr = config_get_str(cfg, "webserver.listen_address");
	int64_t port = config_get_int(cfg, "webserver.listen_port");
	int64_t threads = config_get_int(cfg, "webserver.threadiness");
	bool tls = config_get_bool(cfg, "webserver.ssl_enabled");
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	struct sockaddr_storage ss = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct webserver *w = mem_calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return -ENOMEM;
	pthread_once(&mhd_once, mhd_open);
	if (mhd_open_rc) {
		mem_free(w);
		snprintf(err, errlen, "webserver: %s", mhd_open_err);
		return mhd_open_rc;
	}
	if (threads <= 0)
		threads = sysconf(_SC_NPROCESSORS_ONLN);
	if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		flags |= MHD_USE_IPv6;
	} else {
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	}
	webserver_versions_json(&sb);
	w->versions = sb.buf;
	w->healthz = mem_strdup(config_get_str(cfg, "webserver.k8s_healthz_endpoint"));
	if (!w->versions || !w->healthz) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (config_get_bool(cfg, "metrics.enabled") &&
	    config_get_bool(cfg, "webserver.prometheus_metrics_enabled"))
		w->m = m;
	if (tls) {
		const char *pem = config_get_str(cfg, "webserver.ssl_certificate");

		if (!lm.is_feature_supported(MHD_FEATURE_TLS)) {
			ret = -ENOTSUP;
			snprintf(err, errlen, "webserver.ssl_enabled: libmicrohttpd was built without TLS");
			goto fail;
		}
		if ((ret = read_pem(pem, &w->pem))) {
			snprintf(err, errlen, "webserver.ssl_certificate %s: %s", pem,
				 ret == -EINVAL ? "no PEM certificate and key in it" : strerror(-ret));
			goto fail;
		}
		flags |= MHD_USE_TLS;
	}
	/* the logger first, so that the library's own says nothing; the
	 * address reused as a restarted server needs (SO_REUSEADDR, the
	 * library's default), never shared with another server; the file
	 * holds the certificate and its key: each option takes its part */
	w->d = lm.start_daemon(flags, (uint16_t)port, NULL, NULL, handle, w,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
				MHD_OPTION_CONNECTION_TIMEOUT, 30u,
				tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, w->pem,
				MHD_OPTION_HTTPS_MEM_CERT, w->pem, MHD_OPTION_END);
	if (!w->d) {
		ret = -EADDRNOTAVAIL;
		snprintf(err, errlen, "webserver: cannot listen on %s:%d%s (address in use, or a bad "
			 "certificate)", addr, (int)port, tls ? " with TLS" : "");
		goto fail;
	}
	log_info("webserver listening on %s:%d%s with %d threads", addr, (int)port,
		 tls ? " (TLS)" : "", (int)threads);
	*out = w;
	return 0;
fail:
	webserver__stop(w);
	return ret;
}

void webserver__stop(struct webserver *w)
{
	if (!w)
		return;
	if (w->d)
		lm.stop_daemon(w->d);
	mem_free(w->versions);
	mem_free(w->healthz);
	mem_free(w->pem);
	mem_free(w);
}
