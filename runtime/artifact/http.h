/* HTTP(S) requests through libcurl for the artifact client: one request,
 * a bounded body in memory, the few response headers the OCI protocol needs,
 * timeouts for a server that never answers, an extra CA bundle.
 * Prefix http_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "runtime/base/strbuf.h"

struct http_opts {
	const char *cafile;		/* extra trusted CAs (PEM), NULL: the system's */
	unsigned connect_timeout_s;	/* 0: 10 s */
	unsigned stall_timeout_s;	/* no byte for this long fails the request; 0: 30 s */
	unsigned total_timeout_s;	/* 0: 300 s */
	size_t max_body;		/* larger bodies fail with -EFBIG; 0: 64 MiB */
};

struct http_resp {
	long status;
	struct strbuf body;		/* owned */
	char *content_type;		/* owned, NULL when absent */
	char *docker_digest;		/* Docker-Content-Digest */
	char *www_auth;			/* WWW-Authenticate */
};

/* Runs one request (method "GET" or "HEAD") with extra header lines
 * (NULL-terminated, may be NULL); follows redirects over http(s) only.
 * Any status is a success: the caller reads r->status. -ETIMEDOUT,
 * -ECONNREFUSED, -EFBIG, -EPROTO (TLS), -EIO, each logged with the URL. */
int http_request(const struct http_opts *o, const char *method, const char *url,
		 const char *const *headers, struct http_resp *r);
void http_resp_release(struct http_resp *r);
/* "Basic <base64(user:password)>" into out (owned), or NULL when out of memory. */
char *http_basic_auth(const char *user, const char *password);
/* GET url and require HTTP 200: the body moves into body. -ENOENT on 404,
 * -EACCES on 401/403, -EIO on another status, each logged. */
int http_fetch(const struct http_opts *o, const char *url, const char *const *headers,
	       struct strbuf *body);
