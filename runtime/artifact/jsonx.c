/* JSON through json-c: one parse entry with located errors, typed member
 * access with errors naming the member. */
#include "runtime/artifact/jsonx.h"

#include <errno.h>
#include <limits.h>

#include "runtime/base/log.h"

int jsonx_parse(const char *what, const char *buf, size_t len, json_object **out)
{
	json_tokener *tok;
	json_object *o;
	enum json_tokener_error e;
	size_t off;

	*out = NULL;
	if (len > INT_MAX) {
		log_error("%s: document too large", what);
		return -EINVAL;
	}
	tok = json_tokener_new_ex(64);
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	e = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	if (!o && e == json_tokener_continue) {
		log_error("%s: offset %zu: the document ends inside a value", what, len);
		goto fail;
	}
	if (!o) {
		log_error("%s: offset %zu: %s", what, off, json_tokener_error_desc(e));
		goto fail;
	}
	for (; off < len; off++) {
		char c = buf[off];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			log_error("%s: offset %zu: unexpected bytes after the JSON value", what, off);
			json_object_put(o);
			goto fail;
		}
	}
	json_tokener_free(tok);
	*out = o;
	return 0;
fail:
	json_tokener_free(tok);
	return -EINVAL;
}

static int member(const char *what, json_object *o, const char *key, int required,
		  json_type want, const char *tname, json_object **v)
{
	*v = NULL;
	if (!o || !json_object_is_type(o, json_type_object)) {
		log_error("%s: expected a JSON object", what);
		return -EINVAL;
	}
	if (!json_object_object_get_ex(o, key, v) || json_object_is_type(*v, json_type_null)) {
		*v = NULL;
		if (!required)
			return 0;
		log_error("%s: member '%s' is missing", what, key);
		return -EINVAL;
	}
	if (!json_object_is_type(*v, want)) {
		log_error("%s: member '%s' is not %s", what, key, tname);
		*v = NULL;
		return -EINVAL;
	}
	return 0;
}

int jsonx_str(const char *what, json_object *o, const char *key, int required, const char **s)
{
	json_object *v;
	int err = member(what, o, key, required, json_type_string, "a string", &v);

	*s = v ? json_object_get_string(v) : NULL;
	return err;
}

int jsonx_arr(const char *what, json_object *o, const char *key, int required, json_object **a)
{
	return member(what, o, key, required, json_type_array, "an array", a);
}

int jsonx_obj(const char *what, json_object *o, const char *key, int required, json_object **v)
{
	return member(what, o, key, required, json_type_object, "an object", v);
}
