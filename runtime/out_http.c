/* http_output: every alert POSTed to `url` with libcurl, the body being
 * the alert as the other outputs print it (Falco's JSON with json_output,
 * Content-Type application/json; text/plain otherwise), so falcosidekick
 * and any webhook that takes Falco's alerts take saker's. The keys are
 * Falco's: user_agent (default saker/VERSION), insecure (no verification
 * of the server), ca_cert or ca_bundle (a CA file) else ca_path (a
 * directory, /etc/ssl/certs), mtls with client_cert and client_key, echo
 * (the server's answers to stdout), compress_uploads (asks the server for
 * a gzip transfer encoding, as Falco's libcurl option does), keep_alive
 * (TCP keep-alive probes) and max_consecutive_timeouts (a request that
 * times out is sent again up to that many times). A request times out
 * after output_timeout; an answer of 400 or more counts as a failure. The
 * connection is reused between alerts. libcurl is opened when the first
 * http output starts (runtime/base/curl_lib.h). */
#include "runtime/out_sink.h"

/* the functions are called through the table below, not by name */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/curl_lib.h"
#include "runtime/base/mem.h"
#include "runtime/config.h"

#define HTTP_CA_PATH "/etc/ssl/certs"
#define HTTP_CLIENT_CERT "/etc/ssl/certs/client.crt"
#define HTTP_CLIENT_KEY "/etc/ssl/certs/client.key"

struct out_http {
	CURL *curl;
	struct curl_slist *headers;
	char *url;
	unsigned max_timeouts;
	const atomic_bool *abort;
	char curl_err[CURL_ERROR_SIZE];
};

/* libcurl's functions, once it is opened (runtime/base/curl_lib.h) */
static const struct curl_lib *lc;

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	return size * n;
}

/* Gives up a request when saker stops waiting for its outputs. */
static int progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		    curl_off_t ulnow)
{
	struct out_http *s = ctx;

	return atomic_load(s->abort) ? 1 : 0;
}

/* The URL without the quotes a YAML value may have kept (as Falco). */
static char *unquote(const char *u)
{
	size_t n = strlen(u);

	if (n >= 2 && (u[0] == '"' || u[0] == '\'') && u[n - 1] == u[0])
		return mem_strndup(u + 1, n - 2);
	return mem_strdup(u);
}

static void http_close(void *p)
{
	struct out_http *s = p;

	if (!s)
		return;
	if (s->curl)
		lc->easy_cleanup(s->curl);
	lc->slist_free_all(s->headers);
	mem_free(s->url);
	mem_free(s);
}

static const char *or_default(const char *v, const char *def)
{
	return v ? v : def;
}

static int http_open(const struct out_sink_opts *o, void **out, char *err, size_t errlen)
{
	const struct config *c = o->cfg;
	struct out_http *s;
	CURLcode rc = CURLE_OK;
	char why[256];
	CURL *h;
	int ret;

	if (!c->http_output_url || !*c->http_output_url) {
		snprintf(err, errlen, "http output enabled but no url in configuration block "
			 "(http_output.url)");
		return -EINVAL;
	}
	if ((ret = curl_lib_open(&lc, why, sizeof(why)))) {
		snprintf(err, errlen, "http output: %s", why);
		return ret;
	}
	s = mem_calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->abort = o->abort;
	s->max_timeouts = c->http_output_max_consecutive_timeouts;
	s->url = unquote(c->http_output_url);
	s->headers = lc->slist_append(NULL, c->json_output ? "Content-Type: application/json"
							    : "Content-Type: text/plain");
	s->curl = h = lc->easy_init();
	if (!s->url || !s->headers || !h) {
		http_close(s);
		snprintf(err, errlen, "libcurl could not make a handle");
		return -ENOMEM;
	}
#define SET(opt, v) (rc = rc == CURLE_OK ? lc->easy_setopt(h, opt, v) : rc)
	SET(CURLOPT_ERRORBUFFER, s->curl_err);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_URL, s->url);
	SET(CURLOPT_HTTPHEADER, s->headers);
	SET(CURLOPT_USERAGENT, or_default(c->http_output_user_agent, "saker/" SAKER_VERSION));
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_TIMEOUT_MS, (long)(c->output_timeout_ms ? c->output_timeout_ms : 2000));
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, progress);
	SET(CURLOPT_XFERINFODATA, s);
	if (c->http_output_insecure) {
		SET(CURLOPT_SSL_VERIFYPEER, 0L);
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->http_output_mtls) {
		SET(CURLOPT_SSLCERT, or_default(c->http_output_client_cert, HTTP_CLIENT_CERT));
		SET(CURLOPT_SSLKEY, or_default(c->http_output_client_key, HTTP_CLIENT_KEY));
	}
	if (c->http_output_ca_cert && *c->http_output_ca_cert)
		SET(CURLOPT_CAINFO, c->http_output_ca_cert);
	else if (c->http_output_ca_bundle && *c->http_output_ca_bundle)
		SET(CURLOPT_CAINFO, c->http_output_ca_bundle);
	else
		SET(CURLOPT_CAPATH, or_default(c->http_output_ca_path, HTTP_CA_PATH));
	if (!c->http_output_echo)
		SET(CURLOPT_WRITEFUNCTION, discard);
	if (c->http_output_compress_uploads)
		SET(CURLOPT_TRANSFER_ENCODING, 1L);
	if (c->http_output_keep_alive)
		SET(CURLOPT_TCP_KEEPALIVE, 1L);
#undef SET
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "libcurl: %s", lc->easy_strerror(rc));
		http_close(s);
		return -EINVAL;
	}
	*out = s;
	return 0;
}

static int http_write(void *p, const struct out_msg *m, char *err, size_t errlen)
{
	struct out_http *s = p;
	unsigned timeouts = 0;
	long code = 0;
	CURLcode rc;

	lc->easy_setopt(s->curl, CURLOPT_POSTFIELDS, (const char *)m->text);
	lc->easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE, (long)m->len);
	do {
		s->curl_err[0] = '\0';
		rc = lc->easy_perform(s->curl);
	} while (rc == CURLE_OPERATION_TIMEDOUT && timeouts++ < s->max_timeouts &&
		 !atomic_load(s->abort));
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", s->url, s->curl_err[0] ? s->curl_err
								   : lc->easy_strerror(rc));
		return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
	}
	lc->easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 400) {
		snprintf(err, errlen, "%s: the server answered %ld", s->url, code);
		return -EPROTO;
	}
	return 0;
}

const struct out_sink_ops out_http_ops = {
	.name = "http",
	.open = http_open,
	.write = http_write,
	.close = http_close,
};
