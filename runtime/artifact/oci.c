/* The OCI Distribution client: URL building, the authentication dance
 * (anonymous first, then basic or a bearer token as the registry's
 * challenge asks, remembered for the repository), status handling and
 * digest checks of what comes back. */
#define _GNU_SOURCE /* strcasestr */
#include "runtime/artifact/oci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "runtime/artifact/jsonx.h"
#include "runtime/artifact/manifest.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

#define OCI_MAX_TAGS 100000

struct oci_client {
	struct oci_opts o;
	char *auth_scope;	/* "registry/repo" the header below was made for */
	char *auth_header;	/* "Authorization: ..." */
};

int oci_client__new(const struct oci_opts *o, struct oci_client **out)
{
	struct oci_client *c = mem_calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->o = *o;
	*out = c;
	return 0;
}

void oci_client__free(struct oci_client *c)
{
	if (!c)
		return;
	mem_free(c->auth_scope);
	mem_free(c->auth_header);
	mem_free(c);
}

static const struct oci_cred *find_cred(const struct oci_client *c, const char *registry)
{
	for (size_t i = 0; i < c->o.ncreds; i++)
		if (!c->o.creds[i].registry || !strcmp(c->o.creds[i].registry, registry))
			return &c->o.creds[i];
	return NULL;
}

/* Value of param (e.g. realm) in a challenge's "k=\"v\",k2=\"v2\"" list. */
static char *challenge_param(const char *ch, const char *param)
{
	size_t pl = strlen(param);

	for (const char *p = ch; (p = strcasestr(p, param)); p += pl) {
		const char *v, *e;

		if ((p != ch && p[-1] != ' ' && p[-1] != ',') || p[pl] != '=')
			continue;
		v = p + pl + 1;
		if (*v == '"') {
			e = strchr(++v, '"');
			if (!e)
				return NULL;
		} else {
			e = v + strcspn(v, ", ");
		}
		return mem_strndup(v, (size_t)(e - v));
	}
	return NULL;
}

static char *escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *out;

	if (!e)
		return NULL;
	out = mem_strdup(e);
	curl_free(e);
	return out;
}

/* Gets a bearer token from the realm the challenge names. */
static int fetch_token(struct oci_client *c, const char *registry, const char *repo,
		       const char *ch, char **header)
{
	char *realm = challenge_param(ch, "realm"), *service = challenge_param(ch, "service");
	char *scope = challenge_param(ch, "scope"), *url = NULL, *basic = NULL, *e1 = NULL,
	     *e2 = NULL;
	const struct oci_cred *cred = find_cred(c, registry);
	struct strbuf defscope = STRBUF_INIT, ab = STRBUF_INIT;
	const char *hdrs[2] = { NULL, NULL };
	struct http_resp r;
	json_object *doc = NULL;
	const char *tok = NULL;
	size_t n;
	int err;

	if (!realm) {
		log_error("%s: the registry asks for a bearer token but names no realm", registry);
		err = -EACCES;
		goto out;
	}
	if (!scope)
		strbuf_printf(&defscope, "repository:%s:pull", repo);
	e1 = escape(service ? service : registry);
	e2 = escape(scope ? scope : defscope.buf ? defscope.buf : "");
	n = strlen(realm) + (e1 ? strlen(e1) : 0) + (e2 ? strlen(e2) : 0) + 32;
	url = mem_malloc(n);
	if (!url || !e1 || !e2) {
		err = -ENOMEM;
		goto out;
	}
	snprintf(url, n, "%s%cservice=%s&scope=%s", realm, strchr(realm, '?') ? '&' : '?', e1, e2);
	if (cred) {
		basic = http_basic_auth(cred->user, cred->password);
		strbuf_printf(&ab, "Authorization: %s", basic ? basic : "");
		hdrs[0] = ab.buf;
	}
	if ((err = http_request(&c->o.http, "GET", url, hdrs, &r)))
		goto out;
	if (r.status != 200) {
		log_error("%s: token request refused (HTTP %ld)", realm, r.status);
		err = -EACCES;
	} else if (!(err = jsonx_parse(realm, r.body.buf ? r.body.buf : "", r.body.len, &doc))) {
		if (!(err = jsonx_str(realm, doc, "token", 0, &tok)) && !tok)
			err = jsonx_str(realm, doc, "access_token", 1, &tok);
	}
	if (!err && tok) {
		size_t hl = strlen(tok) + 32;

		*header = mem_malloc(hl);
		if (!*header)
			err = -ENOMEM;
		else
			snprintf(*header, hl, "Authorization: Bearer %s", tok);
	} else if (!err) {
		err = -EACCES;
	}
	json_object_put(doc);
	http_resp_release(&r);
out:
	mem_free(realm);
	mem_free(service);
	mem_free(scope);
	mem_free(url);
	mem_free(basic);
	mem_free(e1);
	mem_free(e2);
	strbuf_release(&defscope);
	strbuf_release(&ab);
	return err;
}

/* Answers a 401 challenge: a header for the next try, or -EACCES. */
static int authenticate(struct oci_client *c, const char *registry, const char *repo,
			const char *ch, char **header)
{
	const struct oci_cred *cred = find_cred(c, registry);

	*header = NULL;
	if (ch && !strncasecmp(ch, "Bearer", 6))
		return fetch_token(c, registry, repo, ch, header);
	if (ch && !strncasecmp(ch, "Basic", 5) && cred) {
		char *b = http_basic_auth(cred->user, cred->password);
		size_t n = b ? strlen(b) + 32 : 0;

		if (b && (*header = mem_malloc(n)))
			snprintf(*header, n, "Authorization: %s", b);
		mem_free(b);
		return *header ? 0 : -ENOMEM;
	}
	log_error("%s: authentication required and no credentials for it are configured",
		  registry);
	return -EACCES;
}

/* GET on the registry, with authentication; the response in r on success
 * (any status but 401). */
static int get(struct oci_client *c, const char *registry, const char *repo, const char *path,
	       const char *accept, size_t max, struct http_resp *r)
{
	struct strbuf url = STRBUF_INIT, scope = STRBUF_INIT, acc = STRBUF_INIT;
	const char *hdrs[3];
	int err = 0;

	strbuf_printf(&url, "%s://%s/v2/%s/%s", c->o.plain_http ? "http" : "https", registry, repo,
		      path);
	strbuf_printf(&scope, "%s/%s", registry, repo);
	if (accept)
		strbuf_printf(&acc, "Accept: %s", accept);
	if (url.oom || scope.oom || acc.oom) {
		err = -ENOMEM;
		goto out;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		struct http_opts ho = c->o.http;
		size_t k = 0;

		ho.max_body = max;
		if (acc.buf)
			hdrs[k++] = acc.buf;
		if (c->auth_header && c->auth_scope && !strcmp(c->auth_scope, scope.buf))
			hdrs[k++] = c->auth_header;
		hdrs[k] = NULL;
		if ((err = http_request(&ho, "GET", url.buf, hdrs, r)))
			goto out;
		if (r->status != 401)
			goto out;
		if (attempt) {
			log_error("%s: the registry refused the credentials (HTTP 401)", url.buf);
			break;
		}
		mem_free(c->auth_header);
		c->auth_header = NULL;
		mem_free(c->auth_scope);
		c->auth_scope = mem_strdup(scope.buf);
		err = c->auth_scope ? authenticate(c, registry, repo, r->www_auth, &c->auth_header)
				    : -ENOMEM;
		http_resp_release(r);
		if (err)
			goto out;
	}
	http_resp_release(r);
	err = -EACCES;
out:
	strbuf_release(&url);
	strbuf_release(&scope);
	strbuf_release(&acc);
	return err;
}

static int status_err(const char *what, long status)
{
	if (status == 200)
		return 0;
	if (status == 404) {
		log_error("%s: not found in the registry", what);
		return -ENOENT;
	}
	if (status == 403) {
		log_error("%s: access denied (HTTP 403)", what);
		return -EACCES;
	}
	log_error("%s: the registry answered HTTP %ld", what, status);
	return -EIO;
}

static void take_body(struct http_resp *r, struct strbuf *body)
{
	strbuf_release(body);
	*body = r->body;
	memset(&r->body, 0, sizeof(r->body));
}

int oci_get_manifest(struct oci_client *c, const char *registry, const char *repo,
		     const char *reference, struct strbuf *body, char digest[DIGEST_STR_LEN])
{
	struct strbuf path = STRBUF_INIT, what = STRBUF_INIT;
	struct http_resp r;
	int err;

	strbuf_printf(&path, "manifests/%s", reference);
	strbuf_printf(&what, "%s/%s%c%s manifest", registry, repo,
		      digest_valid(reference) ? '@' : ':', reference);
	if (path.oom || what.oom) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = get(c, registry, repo, path.buf, MANIFEST_ACCEPT, MANIFEST_MAX_BYTES, &r)))
		goto out;
	if (!(err = status_err(what.buf, r.status))) {
		digest_sha256(r.body.buf ? r.body.buf : "", r.body.len, digest);
		if (digest_valid(reference))
			err = digest_check(what.buf, r.body.buf ? r.body.buf : "", r.body.len, reference);
		if (!err && r.docker_digest && digest_valid(r.docker_digest) &&
		    strcmp(r.docker_digest, digest)) {
			log_error("%s: the registry says its digest is %s, its content hashes to %s",
				  what.buf, r.docker_digest, digest);
			err = -EBADMSG;
		}
		if (!err)
			take_body(&r, body);
	}
	http_resp_release(&r);
out:
	strbuf_release(&path);
	strbuf_release(&what);
	return err;
}

int oci_get_blob(struct oci_client *c, const char *registry, const char *repo,
		 const char *digest, size_t max, struct strbuf *body)
{
	struct strbuf path = STRBUF_INIT, what = STRBUF_INIT;
	struct http_resp r;
	int err;

	if (!digest_valid(digest)) {
		log_error("%s/%s: blob digest '%s' is not sha256", registry, repo, digest);
		return -EINVAL;
	}
	strbuf_printf(&path, "blobs/%s", digest);
	strbuf_printf(&what, "%s/%s blob %s", registry, repo, digest);
	if (path.oom || what.oom) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = get(c, registry, repo, path.buf, NULL, max, &r)))
		goto out;
	if (!(err = status_err(what.buf, r.status)) &&
	    !(err = digest_check(what.buf, r.body.buf ? r.body.buf : "", r.body.len, digest)))
		take_body(&r, body);
	http_resp_release(&r);
out:
	strbuf_release(&path);
	strbuf_release(&what);
	return err;
}

int oci_list_tags(struct oci_client *c, const char *registry, const char *repo, char ***tags,
		  size_t *n)
{
	struct strbuf what = STRBUF_INIT;
	json_object *doc = NULL, *arr;
	struct http_resp r;
	size_t k;
	int err;

	*tags = NULL;
	*n = 0;
	strbuf_printf(&what, "%s/%s tag list", registry, repo);
	if (what.oom)
		return -ENOMEM;
	if ((err = get(c, registry, repo, "tags/list?n=" "10000", "application/json", 8u << 20, &r)))
		goto out;
	if ((err = status_err(what.buf, r.status)) ||
	    (err = jsonx_parse(what.buf, r.body.buf ? r.body.buf : "", r.body.len, &doc)) ||
	    (err = jsonx_arr(what.buf, doc, "tags", 0, &arr)))
		goto done;
	k = arr ? json_object_array_length(arr) : 0;
	if (k > OCI_MAX_TAGS)
		k = OCI_MAX_TAGS;
	*tags = mem_calloc(k + 1, sizeof(**tags));
	if (!*tags) {
		err = -ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < k; i++) {
		json_object *t = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(t, json_type_string))
			continue;
		if (!((*tags)[*n] = mem_strdup(json_object_get_string(t)))) {
			err = -ENOMEM;
			break;
		}
		(*n)++;
	}
done:
	json_object_put(doc);
	http_resp_release(&r);
out:
	strbuf_release(&what);
	return err;
}
