/* Artifact references: the grammar of OCI references (registry host,
 * repository path components, tag, digest) checked here once. */
#include "runtime/artifact/ref.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/artifact/digest.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"

/* A tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static bool tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (!n || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)t[i]) || strchr("_.-", t[i])))
			return false;
	return true;
}

/* Repository path components: lowercase alphanumerics separated by ., _,
 * __, - (any count), components joined by '/'. */
static bool repo_valid(const char *r, size_t n)
{
	bool start = true;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = r[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			start = false;
			continue;
		}
		if (start || !strchr("._-/", c))
			return false;
		if (c == '/')
			start = true;
		else if (i + 1 == n || r[i + 1] == '/')
			return false;
	}
	return !start;
}

static bool host_valid(const char *h, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)h[i]) || strchr(".-:[]", h[i])))
			return false;
	return true;
}

int ref_parse(const char *s, struct ref *out)
{
	const char *slash, *at, *colon, *end;
	int err = -EINVAL;

	memset(out, 0, sizeof(*out));
	slash = strchr(s, '/');
	if (!slash || !host_valid(s, (size_t)(slash - s)) ||
	    (!memchr(s, '.', (size_t)(slash - s)) && !memchr(s, ':', (size_t)(slash - s)) &&
	     strncmp(s, "localhost/", 10))) {
		log_error("'%s' is not a reference: expected registry/repository[:tag|@digest]", s);
		return -EINVAL;
	}
	end = s + strlen(s);
	at = strchr(slash, '@');
	if (at) {
		if (!digest_valid(at + 1)) {
			log_error("'%s': the digest is not sha256:<64 hex digits>", s);
			return -EINVAL;
		}
		out->digest = mem_strdup(at + 1);
		end = at;
	}
	colon = memchr(slash, ':', (size_t)(end - slash));
	if (colon) {
		out->tag = mem_strndup(colon + 1, (size_t)(end - colon - 1));
		if (out->tag && !tag_valid(out->tag)) {
			log_error("'%s': '%s' is not a valid tag", s, out->tag);
			goto fail;
		}
		end = colon;
	} else if (!at) {
		out->tag = mem_strdup(REF_DEFAULT_TAG);
	}
	if (!repo_valid(slash + 1, (size_t)(end - slash - 1))) {
		log_error("'%s': '%.*s' is not a valid repository name", s, (int)(end - slash - 1),
			  slash + 1);
		goto fail;
	}
	out->registry = mem_strndup(s, (size_t)(slash - s));
	out->repo = mem_strndup(slash + 1, (size_t)(end - slash - 1));
	if (!out->registry || !out->repo || (!out->tag && !out->digest)) {
		err = -ENOMEM;
		goto fail;
	}
	if (out->tag && out->digest) {	/* repo:tag@digest: the digest wins */
		mem_free(out->tag);
		out->tag = NULL;
	}
	return 0;
fail:
	ref_release(out);
	return err;
}

void ref_release(struct ref *r)
{
	mem_free(r->registry);
	mem_free(r->repo);
	mem_free(r->tag);
	mem_free(r->digest);
	memset(r, 0, sizeof(*r));
}

char *ref_format(const struct ref *r)
{
	const char *v = r->digest ? r->digest : r->tag;
	size_t n = strlen(r->registry) + strlen(r->repo) + strlen(v) + 3;
	char *s = mem_malloc(n);

	if (s)
		snprintf(s, n, "%s/%s%c%s", r->registry, r->repo, r->digest ? '@' : ':', v);
	return s;
}

char *ref_repo_name(const struct ref *r)
{
	size_t n = strlen(r->registry) + strlen(r->repo) + 2;
	char *s = mem_malloc(n);

	if (s)
		snprintf(s, n, "%s/%s", r->registry, r->repo);
	return s;
}

bool ref_is_index_name(const char *s)
{
	return s[0] && !strchr(s, '/');
}

bool ref_is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

int ref_split_name(const char *s, char **name, char **tag, char **digest)
{
	const char *at = strchr(s, '@'), *colon = strchr(s, ':');
	size_t n = strlen(s);

	*name = *tag = *digest = NULL;
	if (at) {
		n = (size_t)(at - s);
		if (!digest_valid(at + 1)) {
			log_error("'%s': the digest is not sha256:<64 hex digits>", s);
			return -EINVAL;
		}
		*digest = mem_strdup(at + 1);
	} else if (colon) {
		n = (size_t)(colon - s);
		if (!tag_valid(colon + 1)) {
			log_error("'%s': '%s' is not a valid tag", s, colon + 1);
			return -EINVAL;
		}
		*tag = mem_strdup(colon + 1);
	}
	if (!n) {
		log_error("'%s': no artifact name", s);
		mem_free(*digest);
		mem_free(*tag);
		*tag = *digest = NULL;
		return -EINVAL;
	}
	*name = mem_strndup(s, n);
	if (!*name || (at && !*digest) || (!at && colon && !*tag)) {
		mem_free(*name);
		mem_free(*tag);
		mem_free(*digest);
		*name = *tag = *digest = NULL;
		return -ENOMEM;
	}
	return 0;
}
