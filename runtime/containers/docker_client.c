/* The Docker Engine API over its unix socket, through libcurl: docker's
 * daemon and podman's Docker-compatible service (see ctr_rt.h). A
 * container is described by GET /containers/{id}/json, completed by its
 * image's document and, for a container sharing another's network, by
 * that container's address; GET /containers/json lists the running ones.
 * Requests go to API version 1.24 (what Falco asks for), unversioned when
 * the daemon refuses it. Answers are bounded in size and time. libcurl is
 * opened at the first request (runtime/base/curl_lib.h): a machine without
 * docker or podman never loads it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/curl_lib.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/containers/ctr_rt.h"
#include "runtime/containers/docker_parse.h"
#include "state/ctr_meta.h"

#define ANSWER_MAX (8u << 20)	/* a larger answer is refused */

struct docker_rt {
	struct ctr_rt base;
	CURL *curl;
	const char *version;	/* "/v1.24", "" once the daemon refused it */
	struct strbuf body;
	char cerr[CURL_ERROR_SIZE];
};

/* libcurl's functions, once it is opened (runtime/base/curl_lib.h) */
static const struct curl_lib *lc;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct docker_rt *d = ctx;
	size_t n = size * nmemb;

	if (d->body.len + n > ANSWER_MAX)
		return 0;	/* curl fails the transfer: too large */
	strbuf_add(&d->body, p, n);
	return d->body.oom ? 0 : n;
}

/* GET path; 0 with the answer in d->body, -ENOENT for 404, an error of
 * ctr_rt.h otherwise. */
static int get(struct docker_rt *d, const char *path, char *err, size_t errlen)
{
	char url[512];
	long status = 0;
	CURLcode rc;

	if (!d->curl) {
		if (curl_lib_open(&lc, err, errlen))
			return -ELIBACC;
		if (!(d->curl = lc->easy_init()))
			return -ENOMEM;
		lc->easy_setopt(d->curl, CURLOPT_UNIX_SOCKET_PATH, d->base.socket);
		lc->easy_setopt(d->curl, CURLOPT_TIMEOUT_MS, d->base.timeout_ms);
		lc->easy_setopt(d->curl, CURLOPT_CONNECTTIMEOUT_MS, d->base.timeout_ms);
		lc->easy_setopt(d->curl, CURLOPT_NOSIGNAL, 1L);
		lc->easy_setopt(d->curl, CURLOPT_WRITEFUNCTION, on_body);
		lc->easy_setopt(d->curl, CURLOPT_WRITEDATA, d);
		lc->easy_setopt(d->curl, CURLOPT_ERRORBUFFER, d->cerr);
		lc->easy_setopt(d->curl, CURLOPT_PROTOCOLS_STR, "http");
	}

	for (;;) {
		strbuf_reset(&d->body);
		snprintf(url, sizeof(url), "http://localhost%s%s", d->version, path);
		lc->easy_setopt(d->curl, CURLOPT_URL, url);
		d->cerr[0] = '\0';
		rc = lc->easy_perform(d->curl);
		if (rc != CURLE_OK)
			break;
		lc->easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status == 400 && *d->version) {
			d->version = "";	/* an API too old for 1.24: ask unversioned */
			continue;
		}
		break;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(err, errlen, "no answer to GET %s within %ld ms", path, d->base.timeout_ms);
		return -ETIMEDOUT;
	}
	if (rc == CURLE_COULDNT_CONNECT) {
		snprintf(err, errlen, "nothing listens on %s", d->base.socket);
		return -EHOSTDOWN;
	}
	if (rc == CURLE_WRITE_ERROR) {
		snprintf(err, errlen, "GET %s: answer larger than %u bytes", path, ANSWER_MAX);
		return d->body.oom ? -ENOMEM : -EBADMSG;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "GET %s: %s", path, *d->cerr ? d->cerr : lc->easy_strerror(rc));
		return rc == CURLE_GOT_NOTHING || rc == CURLE_WEIRD_SERVER_REPLY ||
		       rc == CURLE_RECV_ERROR ? -EBADMSG : -EIO;
	}
	if (status == 404) {
		snprintf(err, errlen, "GET %s: not found", path);
		return -ENOENT;
	}
	if (status != 200) {
		snprintf(err, errlen, "GET %s: HTTP status %ld", path, status);
		return -EIO;
	}
	return 0;
}

static int inspect(struct ctr_rt *rt, const char *id, struct ctr_meta **out, char *err,
		   size_t errlen)
{
	struct docker_rt *d = (struct docker_rt *)rt;
	struct docker_followup more;
	struct ctr_meta *m;
	char path[256];
	uint32_t ip;
	int ret;

	*out = NULL;
	if (strchr(id, '/') || strchr(id, '?') || strlen(id) > 128)
		return -ENOENT;
	snprintf(path, sizeof(path), "/containers/%s/json", id);
	if ((ret = get(d, path, err, errlen)))
		return ret;
	ret = docker_parse_inspect(d->body.buf, d->body.len, rt->type, &m, &more, err, errlen);
	if (ret)
		return ret;
	if (more.image) {
		snprintf(path, sizeof(path), "/images/%s/json?digests=1", m->image_id);
		ret = get(d, path, err, errlen);
		if (!ret)
			ret = docker_parse_image(m, d->body.buf, d->body.len, err, errlen);
		else if (ret == -ENOENT)
			ret = 0;	/* an image removed since: what the container says */
		if (!ret && !m->image_tag)
			ret = ctr_meta__set(m, &m->image_tag, "latest", 6);
	}
	if (!ret && *more.net_container && !strchr(more.net_container, '/')) {
		snprintf(path, sizeof(path), "/containers/%s/json", more.net_container);
		if (!get(d, path, err, errlen) &&
		    !docker_parse_ip(d->body.buf, d->body.len, &ip, err, errlen))
			m->ip = ip;
	}
	if (ret) {
		ctr_meta__free(m);
		return ret;
	}
	*out = m;
	return 0;
}

struct list_ctx {
	char **ids;
	size_t n;
};

static int keep_id(void *ctx, const char *id)
{
	struct list_ctx *l = ctx;
	char **v = mem_realloc(l->ids, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->ids = v;
	if (!(v[l->n] = mem_strdup(id)))
		return -ENOMEM;
	l->n++;
	return 0;
}

static int list(struct ctr_rt *rt, ctr_rt_take_fn fn, void *ctx, char *err, size_t errlen)
{
	struct docker_rt *d = (struct docker_rt *)rt;
	struct list_ctx l = { 0 };
	struct ctr_meta *m;
	int ret;

	ret = get(d, "/containers/json", err, errlen);
	if (!ret)
		ret = docker_parse_list(d->body.buf, d->body.len, keep_id, &l, err, errlen);
	for (size_t i = 0; i < l.n; i++) {
		if (!ret) {
			int r = inspect(rt, l.ids[i], &m, err, errlen);

			/* a container gone between the list and its description is no error */
			if (!r)
				ret = fn(ctx, m);
			else if (r != -ENOENT)
				ret = r;
		}
		mem_free(l.ids[i]);
	}
	mem_free(l.ids);
	return ret;
}

static void docker_free(struct ctr_rt *rt)
{
	struct docker_rt *d = (struct docker_rt *)rt;

	if (d->curl)
		lc->easy_cleanup(d->curl);
	strbuf_release(&d->body);
	mem_free(d->base.socket);
	mem_free(d);
}

static const struct ctr_rt_ops docker_ops = {
	.kind = "docker", .inspect = inspect, .list = list, .free = docker_free,
};

static const struct ctr_rt_ops podman_ops = {
	.kind = "podman", .inspect = inspect, .list = list, .free = docker_free,
};

int docker_rt__new(const char *socket, uint8_t type, long timeout_ms, struct ctr_rt **out)
{
	struct docker_rt *d = mem_calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->base.ops = type == CTR_TYPE_PODMAN ? &podman_ops : &docker_ops;
	d->base.type = type;
	d->base.timeout_ms = timeout_ms;
	d->base.socket = mem_strdup(socket);
	d->version = "/v1.24";
	if (!d->base.socket) {
		docker_free(&d->base);
		return -ENOMEM;
	}
	*out = &d->base;
	return 0;
}
