/* Falco's container JSON (see ctr_json.h), through json-c, and the small
 * typed readers the runtime clients share with it. */
#include "state/ctr_json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/strbuf.h"
#include "state/ctr_meta.h"

int ctr_json_doc(const char *s, size_t n, json_object **out, char *err, size_t errlen)
{
	json_tokener *tok;
	json_object *o;
	enum json_tokener_error e;
	size_t end;

	*out = NULL;
	n = strnlen(s, n);
	if (n > INT_MAX) {
		snprintf(err, errlen, "JSON text of %zu bytes is too large", n);
		return -EINVAL;
	}
	tok = json_tokener_new_ex(CTR_JSON_DEPTH);
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, s, (int)n);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o) {
		snprintf(err, errlen, "offset %zu: %s", e == json_tokener_continue ? n : end,
			 e == json_tokener_continue ? "the JSON text ends inside a value"
						    : json_tokener_error_desc(e));
		return -EINVAL;
	}
	while (end < n && strchr(" \t\r\n", s[end]))
		end++;
	if (end < n) {
		snprintf(err, errlen, "offset %zu: unexpected bytes after the JSON value", end);
		json_object_put(o);
		return -EINVAL;
	}
	*out = o;
	return 0;
}

json_object *ctr_json_get(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

const char *ctr_json_str(json_object *o, const char *key)
{
	json_object *v = ctr_json_get(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

int8_t ctr_json_bool(json_object *o, const char *key)
{
	json_object *v = ctr_json_get(o, key, json_type_boolean);

	return v ? (int8_t)json_object_get_boolean(v) : -1;
}

/* Copies string member key of o into *member when it is a string. */
static int take_str(struct ctr_meta *m, json_object *o, const char *key, const char **member)
{
	const char *s = ctr_json_str(o, key);

	return s ? ctr_meta__set(m, member, s, (size_t)-1) : 0;
}

/* "exe arg arg" of a probe object {"exe": ..., "args": [...]}. */
static int take_probe(struct ctr_meta *m, json_object *c, const char *key, const char **member)
{
	json_object *p = ctr_json_get(c, key, json_type_object), *args;
	const char *exe = ctr_json_str(p, "exe");
	struct strbuf sb = STRBUF_INIT;
	int err;

	if (!exe)
		return 0;
	strbuf_adds(&sb, exe);
	args = ctr_json_get(p, "args", json_type_array);
	for (size_t i = 0; args && i < json_object_array_length(args); i++) {
		json_object *a = json_object_array_get_idx(args, i);

		if (json_object_is_type(a, json_type_string)) {
			strbuf_addc(&sb, ' ');
			strbuf_adds(&sb, json_object_get_string(a));
		}
	}
	err = sb.oom ? -ENOMEM : ctr_meta__set(m, member, sb.buf, sb.len);
	strbuf_release(&sb);
	return err;
}

static int take_labels(struct ctr_meta *m, json_object *c, const char *key, bool pod)
{
	json_object *l = ctr_json_get(c, key, json_type_object);
	int err = 0;

	if (!l)
		return 0;
	json_object_object_foreach(l, k, v) {
		if (!err && json_object_is_type(v, json_type_string))
			err = ctr_meta__add_label(m, pod, k, json_object_get_string(v));
	}
	return err;
}

static int take_mounts(struct ctr_meta *m, json_object *c)
{
	json_object *a = ctr_json_get(c, "Mounts", json_type_array);
	int err = 0;

	for (size_t i = 0; !err && a && i < json_object_array_length(a); i++) {
		json_object *mt = json_object_array_get_idx(a, i);

		if (!json_object_is_type(mt, json_type_object))
			continue;
		err = ctr_meta__add_mount(m, ctr_json_str(mt, "Source"), ctr_json_str(mt, "Destination"),
					  ctr_json_str(mt, "Mode"), ctr_json_bool(mt, "RW") == 1,
					  ctr_json_str(mt, "Propagation"));
	}
	return err;
}

static int64_t int_member(json_object *o, const char *key, int64_t dflt)
{
	json_object *v = ctr_json_get(o, key, json_type_int);

	return v ? json_object_get_int64(v) : dflt;
}

int ctr_json_parse(const char *s, size_t n, struct ctr_meta **out, char *err, size_t errlen)
{
	json_object *root, *c;
	struct ctr_meta *m = NULL;
	const char *ip;
	int64_t v;
	int ret;

	*out = NULL;
	ret = ctr_json_doc(s, n, &root, err, errlen);
	if (ret)
		return ret;
	c = ctr_json_get(root, "container", json_type_object);
	ret = -EINVAL;
	if (!c) {
		snprintf(err, errlen, "no \"container\" object");
		goto out;
	}
	if (!ctr_json_str(c, "id") || !*ctr_json_str(c, "id")) {
		snprintf(err, errlen, "the container has no \"id\"");
		goto out;
	}
	ret = -ENOMEM;
	if (!(m = ctr_meta__new()))
		goto out;
	if (take_str(m, c, "id", &m->id) || take_str(m, c, "full_id", &m->full_id) ||
	    take_str(m, c, "name", &m->name) || take_str(m, c, "image", &m->image) ||
	    take_str(m, c, "imageid", &m->image_id) || take_str(m, c, "imagerepo", &m->image_repo) ||
	    take_str(m, c, "imagetag", &m->image_tag) ||
	    take_str(m, c, "imagedigest", &m->image_digest) || take_str(m, c, "User", &m->user) ||
	    take_str(m, c, "cni_json", &m->cni_json) ||
	    take_str(m, c, "pod_sandbox_id", &m->pod_sandbox_id) ||
	    take_probe(m, c, "Healthcheck", &m->healthcheck) ||
	    take_probe(m, c, "LivenessProbe", &m->liveness_probe) ||
	    take_probe(m, c, "ReadinessProbe", &m->readiness_probe) ||
	    take_labels(m, c, "labels", false) || take_labels(m, c, "pod_sandbox_labels", true) ||
	    take_mounts(m, c))
		goto out;
	v = int_member(c, "type", -1);
	m->type = v >= 0 && v <= UINT32_MAX ? ctr_type_from_falco((uint32_t)v) : CTR_TYPE_UNKNOWN;
	m->privileged = ctr_json_bool(c, "privileged");
	m->host_pid = ctr_json_bool(c, "host_pid");
	m->host_network = ctr_json_bool(c, "host_network");
	m->host_ipc = ctr_json_bool(c, "host_ipc");
	m->is_pod_sandbox = ctr_json_bool(c, "is_pod_sandbox") == 1;
	m->created_time = int_member(c, "created_time", 0);
	/* a lookup still running when the capture was written never ends */
	v = int_member(c, "lookup_state", CTR_LOOKUP_SUCCESSFUL);
	m->lookup = v == CTR_LOOKUP_STARTED || v == CTR_LOOKUP_FAILED ? CTR_LOOKUP_FAILED
								     : CTR_LOOKUP_SUCCESSFUL;
	ip = ctr_json_str(c, "ip");
	if (ip) {
		struct in_addr a;

		if (inet_pton(AF_INET, ip, &a) == 1)
			m->ip = ntohl(a.s_addr);
	}
	ctr_meta__finish(m);
	*out = m;
	m = NULL;
	ret = 0;
out:
	ctr_meta__free(m);
	json_object_put(root);
	return ret;
}

/* ---- writing ------------------------------------------------------------ */

static void key(struct strbuf *sb, const char *k)
{
	strbuf_addc(sb, ',');
	strbuf_add_json_str(sb, k);
	strbuf_addc(sb, ':');
}

static void str_member(struct strbuf *sb, const char *k, const char *v)
{
	key(sb, k);
	strbuf_add_json_str(sb, v ? v : "");
}

static void bool_member(struct strbuf *sb, const char *k, bool v)
{
	key(sb, k);
	strbuf_adds(sb, v ? "true" : "false");
}

static void labels_member(struct strbuf *sb, const char *k, const struct ctr_label *l, uint32_t n)
{
	key(sb, k);
	if (!n) {
		strbuf_adds(sb, "null");
		return;
	}
	strbuf_addc(sb, '{');
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			strbuf_addc(sb, ',');
		strbuf_add_json_str(sb, l[i].key ? l[i].key : "");
		strbuf_addc(sb, ':');
		strbuf_add_json_str(sb, l[i].value ? l[i].value : "");
	}
	strbuf_addc(sb, '}');
}

/* Appends s[0..n) as a JSON string literal. */
static void json_str_n(struct strbuf *sb, struct strbuf *tmp, const char *s, size_t n)
{
	strbuf_reset(tmp);
	strbuf_add(tmp, s, n);
	strbuf_add_json_str(sb, tmp->buf ? tmp->buf : "");
	sb->oom |= tmp->oom;
}

/* A probe "exe arg arg" as {"args": [...], "exe": ...}. */
static void probe_member(struct strbuf *sb, const char *k, const char *probe)
{
	struct strbuf tmp = STRBUF_INIT;
	const char *sp, *a, *b;

	if (!probe)
		return;
	key(sb, k);
	strbuf_adds(sb, "{\"args\":[");
	sp = strchr(probe, ' ');
	for (a = sp; a; a = b) {
		b = strchr(a + 1, ' ');
		if (a != sp)
			strbuf_addc(sb, ',');
		json_str_n(sb, &tmp, a + 1, b ? (size_t)(b - a - 1) : strlen(a + 1));
	}
	strbuf_adds(sb, "],\"exe\":");
	json_str_n(sb, &tmp, probe, sp ? (size_t)(sp - probe) : strlen(probe));
	strbuf_addc(sb, '}');
	strbuf_release(&tmp);
}

int ctr_json_write(const struct ctr_meta *m, struct strbuf *sb)
{
	uint32_t ipn = htonl(m->ip);
	char ip[INET_ADDRSTRLEN];

	strbuf_adds(sb, "{\"container\":{\"Mounts\":[");
	for (uint32_t i = 0; i < m->nmounts; i++) {
		const struct ctr_mount *mt = &m->mounts[i];

		strbuf_adds(sb, i ? ",{" : "{");
		strbuf_adds(sb, "\"Destination\":");
		strbuf_add_json_str(sb, mt->dest ? mt->dest : "");
		str_member(sb, "Mode", mt->mode);
		str_member(sb, "Propagation", mt->propagation);
		bool_member(sb, "RW", mt->rdwr);
		str_member(sb, "Source", mt->source);
		strbuf_addc(sb, '}');
	}
	strbuf_addc(sb, ']');
	str_member(sb, "User", m->user);
	probe_member(sb, "Healthcheck", m->healthcheck);
	probe_member(sb, "LivenessProbe", m->liveness_probe);
	probe_member(sb, "ReadinessProbe", m->readiness_probe);
	str_member(sb, "cni_json", m->cni_json);
	key(sb, "created_time");
	strbuf_add_i64(sb, m->created_time);
	str_member(sb, "full_id", m->full_id);
	bool_member(sb, "host_ipc", m->host_ipc == 1);
	bool_member(sb, "host_network", m->host_network == 1);
	bool_member(sb, "host_pid", m->host_pid == 1);
	str_member(sb, "id", m->id);
	str_member(sb, "image", m->image);
	str_member(sb, "imagedigest", m->image_digest);
	str_member(sb, "imageid", m->image_id);
	str_member(sb, "imagerepo", m->image_repo);
	str_member(sb, "imagetag", m->image_tag);
	inet_ntop(AF_INET, &ipn, ip, sizeof(ip));
	str_member(sb, "ip", ip);
	bool_member(sb, "is_pod_sandbox", m->is_pod_sandbox);
	labels_member(sb, "labels", m->labels, m->nlabels);
	key(sb, "lookup_state");
	strbuf_add_u64(sb, m->lookup);
	str_member(sb, "name", m->name);
	labels_member(sb, "pod_sandbox_labels", m->pod_labels, m->npod_labels);
	str_member(sb, "pod_sandbox_id", m->pod_sandbox_id);
	bool_member(sb, "privileged", m->privileged == 1);
	key(sb, "type");
	strbuf_add_u64(sb, ctr_type_falco(m->type));
	strbuf_adds(sb, "}}");
	return sb->oom ? -ENOMEM : 0;
}
