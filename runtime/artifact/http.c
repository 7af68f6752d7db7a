/* HTTP(S) requests through libcurl: the artifact client's only transport.
 * Bodies are read into memory up to a bound; a server that accepts and
 * then stalls is cut by the stall and total timeouts. */
#include "runtime/artifact/http.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "runtime/base/log.h"
#include "runtime/base/mem.h"

#define HTTP_DEFAULT_MAX_BODY (64u << 20)

struct xfer {
	struct http_resp *r;
	size_t max;
	bool too_big;
};

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;

	if (x->r->body.len + len > x->max) {
		x->too_big = true;
		return 0;
	}
	strbuf_add(&x->r->body, p, len);
	return x->r->body.oom ? 0 : len;
}

/* Copies the value of "Name: value" when the line has that name. */
static void take_header(char **dst, const char *name, const char *line, size_t len)
{
	size_t nl = strlen(name);
	const char *v, *end = line + len;

	if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
		return;
	v = line + nl + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	mem_free(*dst);
	*dst = mem_strndup(v, (size_t)(end - v));
}

static size_t on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;

	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new response (after a redirect): forget the previous one's */
		mem_free(x->r->content_type);
		mem_free(x->r->docker_digest);
		mem_free(x->r->www_auth);
		x->r->content_type = x->r->docker_digest = x->r->www_auth = NULL;
		strbuf_reset(&x->r->body);
		return len;
	}
	take_header(&x->r->content_type, "Content-Type", p, len);
	take_header(&x->r->docker_digest, "Docker-Content-Digest", p, len);
	take_header(&x->r->www_auth, "WWW-Authenticate", p, len);
	return len;
}

static int curl_err(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
		return -EHOSTUNREACH;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return -EPROTO;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

int http_request(const struct http_opts *o, const char *method, const char *url,
		 const char *const *headers, struct http_resp *r)
{
	static bool inited;
	struct http_opts def = { 0 };
	struct curl_slist *hl = NULL;
	struct xfer x = { .r = r };
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode c;
	CURL *h;
	int err = 0;

	if (!o)
		o = &def;
	memset(r, 0, sizeof(*r));
	x.max = o->max_body ? o->max_body : HTTP_DEFAULT_MAX_BODY;
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return -ENOMEM;
		inited = true;
	}
	h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	for (size_t i = 0; headers && headers[i]; i++) {
		struct curl_slist *t = curl_slist_append(hl, headers[i]);

		if (!t) {
			err = -ENOMEM;
			goto out;
		}
		hl = t;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "saker-artifact");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)(o->connect_timeout_s ? o->connect_timeout_s : 10));
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)(o->stall_timeout_s ? o->stall_timeout_s : 30));
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)(o->total_timeout_s ? o->total_timeout_s : 300));
	if (o->cafile)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->cafile);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	c = curl_easy_perform(h);
	if (c != CURLE_OK) {
		if (x.too_big) {
			log_error("%s: response larger than %zu bytes", url, x.max);
			err = -EFBIG;
		} else {
			log_error("%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(c));
			err = r->body.oom ? -ENOMEM : curl_err(c);
		}
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->body.oom)
		err = -ENOMEM;
out:
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	if (err)
		http_resp_release(r);
	return err;
}

void http_resp_release(struct http_resp *r)
{
	strbuf_release(&r->body);
	mem_free(r->content_type);
	mem_free(r->docker_digest);
	mem_free(r->www_auth);
	r->content_type = r->docker_digest = r->www_auth = NULL;
}

char *http_basic_auth(const char *user, const char *password)
{
	size_t ul = strlen(user), pl = strlen(password), n = ul + 1 + pl;
	char *raw = mem_malloc(n + 1), *out = mem_malloc(6 + 4 * ((n + 2) / 3) + 1);

	if (!raw || !out) {
		mem_free(raw);
		mem_free(out);
		return NULL;
	}
	memcpy(raw, user, ul);
	raw[ul] = ':';
	memcpy(raw + ul + 1, password, pl);
	memcpy(out, "Basic ", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, (const unsigned char *)raw, (int)n);
	mem_free(raw);
	return out;
}

int http_fetch(const struct http_opts *o, const char *url, const char *const *headers,
	       struct strbuf *body)
{
	struct http_resp r;
	int err = http_request(o, "GET", url, headers, &r);

	if (err)
		return err;
	if (r.status == 200) {
		strbuf_release(body);
		*body = r.body;
		memset(&r.body, 0, sizeof(r.body));
		if (!body->buf)
			strbuf_adds(body, "");
	} else {
		log_error("%s: HTTP %ld", url, r.status);
		err = r.status == 404 ? -ENOENT : r.status == 401 || r.status == 403 ? -EACCES : -EIO;
	}
	http_resp_release(&r);
	return err;
}
