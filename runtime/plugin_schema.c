/* Init configurations against JSON schemas (see plugin_schema.h): a
 * recursive validator over json-c values. It reports the first violation
 * found, with the path of the value in brackets. */
#include "runtime/plugin_schema.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "runtime/base/mem.h"

/* Bounds on the walk: schema references followed on one path, and the
 * depth of values and schemas. */
#define SCHEMA_MAX_DEPTH 64
#define SCHEMA_MAX_STEPS 100000

struct vctx {
	json_object *root;	/* the schema, for $ref */
	char path[512];
	size_t pathlen;
	char *err;
	size_t errlen;
	bool failed;
	bool bad_schema;
	unsigned steps;
};

static bool fail(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct vctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (c->failed)
		return false;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "In <root>%s, %s", c->path, msg);
	return false;
}

static bool schema_bad(struct vctx *c, const char *what)
{
	if (c->failed)
		return false;
	c->failed = c->bad_schema = true;
	snprintf(c->err, c->errlen, "the plugin's init schema is invalid: %s", what);
	return false;
}

/* Pushes "[key]" on the path; returns the length to restore. */
static size_t push(struct vctx *c, const char *key, long idx)
{
	size_t old = c->pathlen;
	int n;

	if (key)
		n = snprintf(c->path + old, sizeof(c->path) - old, "[%s]", key);
	else
		n = snprintf(c->path + old, sizeof(c->path) - old, "[%ld]", idx);
	if (n > 0 && old + (size_t)n < sizeof(c->path))
		c->pathlen = old + (size_t)n;
	else
		c->path[old] = '\0';
	return old;
}

static void pop(struct vctx *c, size_t old)
{
	c->pathlen = old;
	c->path[old] = '\0';
}

static bool is_number(json_object *v)
{
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

static bool is_integer(json_object *v)
{
	double d;

	if (json_object_is_type(v, json_type_int))
		return true;
	if (!json_object_is_type(v, json_type_double))
		return false;
	d = json_object_get_double(v);
	return isfinite(d) && floor(d) == d;
}

static bool type_is(json_object *v, const char *t)
{
	if (!strcmp(t, "null"))
		return v == NULL || json_object_is_type(v, json_type_null);
	if (!v)
		return false;
	if (!strcmp(t, "boolean"))
		return json_object_is_type(v, json_type_boolean);
	if (!strcmp(t, "object"))
		return json_object_is_type(v, json_type_object);
	if (!strcmp(t, "array"))
		return json_object_is_type(v, json_type_array);
	if (!strcmp(t, "string"))
		return json_object_is_type(v, json_type_string);
	if (!strcmp(t, "number"))
		return is_number(v);
	if (!strcmp(t, "integer"))
		return is_integer(v);
	return false;
}

static const char *type_name(json_object *v)
{
	if (!v || json_object_is_type(v, json_type_null))
		return "null";
	switch (json_object_get_type(v)) {
	case json_type_boolean: return "boolean";
	case json_type_object: return "object";
	case json_type_array: return "array";
	case json_type_string: return "string";
	case json_type_int: return "integer";
	default: return "number";
	}
}

static bool equal(json_object *a, json_object *b)
{
	if (is_number(a) && is_number(b))
		return json_object_get_double(a) == json_object_get_double(b);
	return json_object_equal(a, b) != 0;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The schema a local reference ("#", "#/definitions/x", "#/a/0/b") names. */
static json_object *resolve_ref(struct vctx *c, const char *ref)
{
	json_object *cur = c->root;
	char tok[256];

	if (ref[0] != '#')
		return NULL;
	ref++;
	if (!*ref)
		return cur;
	if (*ref != '/')
		return NULL;
	while (*ref == '/' && cur) {
		size_t n = 0;

		ref++;
		while (*ref && *ref != '/' && n + 1 < sizeof(tok)) {
			if (ref[0] == '~' && ref[1] == '0') {
				tok[n++] = '~';
				ref += 2;
			} else if (ref[0] == '~' && ref[1] == '1') {
				tok[n++] = '/';
				ref += 2;
			} else {
				tok[n++] = *ref++;
			}
		}
		tok[n] = '\0';
		if (json_object_is_type(cur, json_type_array)) {
			char *end;
			long i = strtol(tok, &end, 10);

			cur = *end || i < 0 ? NULL : json_object_array_get_idx(cur, (size_t)i);
		} else if (json_object_is_type(cur, json_type_object)) {
			cur = get(cur, tok);
		} else {
			cur = NULL;
		}
	}
	return *ref ? NULL : cur;
}

static bool validate(struct vctx *c, json_object *s, json_object *v, unsigned depth);

/* Whether v validates against s, without recording the failure. */
static bool quietly(struct vctx *c, json_object *s, json_object *v, unsigned depth)
{
	bool ok;

	if (c->failed)
		return false;
	ok = validate(c, s, v, depth);
	if (!ok && !c->bad_schema)
		c->failed = false;
	return ok;
}

static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static bool check_pattern(struct vctx *c, const char *pat, const char *str, bool *match)
{
	pcre2_code *re;
	pcre2_match_data *md;
	int errcode, rc;
	PCRE2_SIZE erroff;

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode, &erroff,
			   NULL);
	if (!re)
		return schema_bad(c, "a pattern does not compile");
	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (!md) {
		pcre2_code_free(re);
		return schema_bad(c, "out of memory");
	}
	rc = pcre2_match(re, (PCRE2_SPTR)str, strlen(str), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	*match = rc >= 0;
	return true;
}

static bool number_limits(struct vctx *c, json_object *s, json_object *v)
{
	double x = json_object_get_double(v), lim;
	json_object *k, *ex;

	if ((k = get(s, "minimum"))) {
		if (!is_number(k))
			return schema_bad(c, "minimum is not a number");
		lim = json_object_get_double(k);
		ex = get(s, "exclusiveMinimum");
		if (ex && json_object_is_type(ex, json_type_boolean) && json_object_get_boolean(ex)) {
			if (!(x > lim))
				return fail(c, "value must be greater than %g", lim);
		} else if (x < lim) {
			return fail(c, "value is less than the minimum of %g", lim);
		}
	}
	if ((k = get(s, "maximum"))) {
		if (!is_number(k))
			return schema_bad(c, "maximum is not a number");
		lim = json_object_get_double(k);
		ex = get(s, "exclusiveMaximum");
		if (ex && json_object_is_type(ex, json_type_boolean) && json_object_get_boolean(ex)) {
			if (!(x < lim))
				return fail(c, "value must be less than %g", lim);
		} else if (x > lim) {
			return fail(c, "value is greater than the maximum of %g", lim);
		}
	}
	if ((k = get(s, "exclusiveMinimum")) && is_number(k) && !(x > json_object_get_double(k)))
		return fail(c, "value must be greater than %g", json_object_get_double(k));
	if ((k = get(s, "exclusiveMaximum")) && is_number(k) && !(x < json_object_get_double(k)))
		return fail(c, "value must be less than %g", json_object_get_double(k));
	if ((k = get(s, "multipleOf"))) {
		double m = is_number(k) ? json_object_get_double(k) : 0, q;

		if (!(m > 0))
			return schema_bad(c, "multipleOf is not a positive number");
		q = x / m;
		if (fabs(q - round(q)) > 1e-9)
			return fail(c, "value is not a multiple of %g", m);
	}
	return true;
}

static bool string_limits(struct vctx *c, json_object *s, json_object *v, unsigned depth)
{
	const char *str = json_object_get_string(v);
	size_t n = utf8_len(str);
	json_object *k;

	(void)depth;
	if ((k = get(s, "minLength")) && is_integer(k) && (double)n < json_object_get_double(k))
		return fail(c, "string is shorter than %g characters", json_object_get_double(k));
	if ((k = get(s, "maxLength")) && is_integer(k) && (double)n > json_object_get_double(k))
		return fail(c, "string is longer than %g characters", json_object_get_double(k));
	if ((k = get(s, "pattern"))) {
		bool m;

		if (!json_object_is_type(k, json_type_string))
			return schema_bad(c, "pattern is not a string");
		if (!check_pattern(c, json_object_get_string(k), str, &m))
			return false;
		if (!m)
			return fail(c, "string does not match the pattern '%s'",
				    json_object_get_string(k));
	}
	return true;
}

static bool array_limits(struct vctx *c, json_object *s, json_object *v, unsigned depth)
{
	size_t n = json_object_array_length(v);
	json_object *k, *items = get(s, "items");

	if ((k = get(s, "minItems")) && is_integer(k) && (double)n < json_object_get_double(k))
		return fail(c, "array has fewer than %g items", json_object_get_double(k));
	if ((k = get(s, "maxItems")) && is_integer(k) && (double)n > json_object_get_double(k))
		return fail(c, "array has more than %g items", json_object_get_double(k));
	if ((k = get(s, "uniqueItems")) && json_object_get_boolean(k)) {
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (equal(json_object_array_get_idx(v, i), json_object_array_get_idx(v, j)))
					return fail(c, "array items are not unique");
	}
	for (size_t i = 0; items && i < n; i++) {
		json_object *is = items, *item = json_object_array_get_idx(v, i);
		size_t old;
		bool ok;

		if (json_object_is_type(items, json_type_array)) {
			if (i < json_object_array_length(items))
				is = json_object_array_get_idx(items, i);
			else if (!(is = get(s, "additionalItems")))
				break;
		}
		old = push(c, NULL, (long)i);
		ok = validate(c, is, item, depth + 1);
		pop(c, old);
		if (!ok)
			return false;
	}
	if ((k = get(s, "contains"))) {
		bool any = false;

		for (size_t i = 0; i < n && !any; i++)
			any = quietly(c, k, json_object_array_get_idx(v, i), depth + 1);
		if (c->failed)
			return false;
		if (!any)
			return fail(c, "no array item matches 'contains'");
	}
	return true;
}

/* Whether key matches one of patternProperties' patterns, validating the
 * value against each that does. */
static bool pattern_props(struct vctx *c, json_object *pp, const char *key, json_object *val,
			  unsigned depth, bool *matched)
{
	*matched = false;
	json_object_object_foreach(pp, pat, ps) {
		bool m;

		if (!check_pattern(c, pat, key, &m))
			return false;
		if (!m)
			continue;
		*matched = true;
		if (!validate(c, ps, val, depth + 1))
			return false;
	}
	return true;
}

static bool object_limits(struct vctx *c, json_object *s, json_object *v, unsigned depth)
{
	json_object *props = get(s, "properties"), *pp = get(s, "patternProperties");
	json_object *addl = get(s, "additionalProperties"), *req = get(s, "required"), *k;
	size_t n = (size_t)json_object_object_length(v);

	if ((k = get(s, "minProperties")) && is_integer(k) && (double)n < json_object_get_double(k))
		return fail(c, "object has fewer than %g properties", json_object_get_double(k));
	if ((k = get(s, "maxProperties")) && is_integer(k) && (double)n > json_object_get_double(k))
		return fail(c, "object has more than %g properties", json_object_get_double(k));
	if (req) {
		if (!json_object_is_type(req, json_type_array))
			return schema_bad(c, "required is not an array");
		for (size_t i = 0; i < json_object_array_length(req); i++) {
			const char *name = json_object_get_string(json_object_array_get_idx(req, i));

			if (name && !get(v, name))
				return fail(c, "missing required property '%s'", name);
		}
	}
	json_object_object_foreach(v, key, val) {
		json_object *ps = props ? get(props, key) : NULL;
		bool matched = false, ok = true;
		size_t old = push(c, key, 0);

		if (ps)
			ok = validate(c, ps, val, depth + 1);
		if (ok && pp && json_object_is_type(pp, json_type_object))
			ok = pattern_props(c, pp, key, val, depth, &matched);
		if (ok && !ps && !matched && addl) {
			if (json_object_is_type(addl, json_type_boolean)) {
				if (!json_object_get_boolean(addl)) {
					pop(c, old);
					return fail(c, "property '%s' is not allowed", key);
				}
			} else {
				ok = validate(c, addl, val, depth + 1);
			}
		}
		if (ok && (k = get(s, "propertyNames"))) {
			json_object *name = json_object_new_string(key);

			ok = name ? validate(c, k, name, depth + 1) : schema_bad(c, "out of memory");
			json_object_put(name);
		}
		pop(c, old);
		if (!ok)
			return false;
	}
	if ((k = get(s, "dependencies")) && json_object_is_type(k, json_type_object)) {
		json_object_object_foreach(k, dkey, dval) {
			if (!get(v, dkey))
				continue;
			if (json_object_is_type(dval, json_type_array)) {
				for (size_t i = 0; i < json_object_array_length(dval); i++) {
					const char *d = json_object_get_string(
						json_object_array_get_idx(dval, i));

					if (d && !get(v, d))
						return fail(c, "missing property '%s' required by a "
							    "dependency", d);
				}
			} else if (!validate(c, dval, v, depth + 1)) {
				return false;
			}
		}
	}
	return true;
}

static bool combinators(struct vctx *c, json_object *s, json_object *v, unsigned depth)
{
	json_object *k;

	if ((k = get(s, "allOf"))) {
		if (!json_object_is_type(k, json_type_array))
			return schema_bad(c, "allOf is not an array");
		for (size_t i = 0; i < json_object_array_length(k); i++)
			if (!validate(c, json_object_array_get_idx(k, i), v, depth + 1))
				return false;
	}
	if ((k = get(s, "anyOf"))) {
		bool any = false;

		if (!json_object_is_type(k, json_type_array))
			return schema_bad(c, "anyOf is not an array");
		for (size_t i = 0; i < json_object_array_length(k) && !any; i++)
			any = quietly(c, json_object_array_get_idx(k, i), v, depth + 1);
		if (c->failed)
			return false;
		if (!any)
			return fail(c, "value matches none of the anyOf schemas");
	}
	if ((k = get(s, "oneOf"))) {
		size_t hits = 0;

		if (!json_object_is_type(k, json_type_array))
			return schema_bad(c, "oneOf is not an array");
		for (size_t i = 0; i < json_object_array_length(k); i++)
			hits += quietly(c, json_object_array_get_idx(k, i), v, depth + 1);
		if (c->failed)
			return false;
		if (hits != 1)
			return fail(c, "value matches %zu of the oneOf schemas, not exactly one", hits);
	}
	if ((k = get(s, "not"))) {
		bool ok = quietly(c, k, v, depth + 1);

		if (c->failed)
			return false;
		if (ok)
			return fail(c, "value matches the schema it must not match");
	}
	if ((k = get(s, "if"))) {
		bool ok = quietly(c, k, v, depth + 1);
		json_object *branch = get(s, ok ? "then" : "else");

		if (c->failed)
			return false;
		if (branch && !validate(c, branch, v, depth + 1))
			return false;
	}
	return true;
}

static bool validate(struct vctx *c, json_object *s, json_object *v, unsigned depth)
{
	json_object *k;

	if (c->failed)
		return false;
	if (depth > SCHEMA_MAX_DEPTH || ++c->steps > SCHEMA_MAX_STEPS)
		return schema_bad(c, "nested or recursive beyond saker's bounds");
	if (json_object_is_type(s, json_type_boolean))
		return json_object_get_boolean(s) ? true : fail(c, "no value is allowed here");
	if (!json_object_is_type(s, json_type_object))
		return schema_bad(c, "a schema is neither an object nor a boolean");
	if ((k = get(s, "$ref"))) {
		json_object *target;

		if (!json_object_is_type(k, json_type_string))
			return schema_bad(c, "$ref is not a string");
		if (!(target = resolve_ref(c, json_object_get_string(k))))
			return schema_bad(c, "a $ref names nothing in the schema");
		return validate(c, target, v, depth + 1);
	}
	if ((k = get(s, "type"))) {
		bool ok = false;

		if (json_object_is_type(k, json_type_string)) {
			ok = type_is(v, json_object_get_string(k));
		} else if (json_object_is_type(k, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(k) && !ok; i++) {
				json_object *t = json_object_array_get_idx(k, i);

				ok = json_object_is_type(t, json_type_string) &&
				     type_is(v, json_object_get_string(t));
			}
		} else {
			return schema_bad(c, "type is neither a string nor an array");
		}
		if (!ok)
			return fail(c, "value of type %s is not of the type the schema requires",
				    type_name(v));
	}
	if ((k = get(s, "enum"))) {
		bool ok = false;

		if (!json_object_is_type(k, json_type_array))
			return schema_bad(c, "enum is not an array");
		for (size_t i = 0; i < json_object_array_length(k) && !ok; i++)
			ok = equal(json_object_array_get_idx(k, i), v);
		if (!ok)
			return fail(c, "value is not one of the enumerated values");
	}
	if ((k = get(s, "const")) && !equal(k, v))
		return fail(c, "value is not the constant the schema requires");
	if (v && is_number(v) && !number_limits(c, s, v))
		return false;
	if (v && json_object_is_type(v, json_type_string) && !string_limits(c, s, v, depth))
		return false;
	if (v && json_object_is_type(v, json_type_array) && !array_limits(c, s, v, depth))
		return false;
	if (v && json_object_is_type(v, json_type_object) && !object_limits(c, s, v, depth))
		return false;
	return combinators(c, s, v, depth);
}

/* Parses one JSON value (NULL for `null`). false with *why on error. */
static bool parse(const char *text, json_object **out, const char **why)
{
	json_tokener *tok = json_tokener_new_ex(SCHEMA_MAX_DEPTH);
	size_t len = strlen(text), end;
	enum json_tokener_error e;
	json_object *o;

	*out = NULL;
	*why = "out of memory";
	if (!tok)
		return false;
	o = json_tokener_parse_ex(tok, text, (int)(len > 0x7fffffff ? 0x7fffffff : len));
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o && e != json_tokener_success) {
		*why = e == json_tokener_continue ? "the text ends inside a value"
						  : json_tokener_error_desc(e);
		return false;
	}
	while (end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (end < len) {
		json_object_put(o);
		*why = "unexpected bytes after the JSON value";
		return false;
	}
	*out = o;
	return true;
}

int plugin_schema_check(const char *schema, const char *config, char **effective, char *err,
			size_t errlen)
{
	const char *cfg = config && *config ? config : "{}", *why;
	json_object *s, *v;
	struct vctx c = { 0 };
	int ret = 0;

	*effective = NULL;
	if (!parse(schema, &s, &why) || !json_object_is_type(s, json_type_object)) {
		snprintf(err, errlen, "get_init_schema did not return a JSON object");
		json_object_put(s);
		return -EINVAL;
	}
	if (!parse(cfg, &v, &why)) {
		snprintf(err, errlen, "init config is not valid JSON: %s", why);
		json_object_put(s);
		return -EINVAL;
	}
	c.root = s;
	c.err = err;
	c.errlen = errlen;
	if (!validate(&c, s, v, 0))
		ret = -EINVAL;
	json_object_put(v);
	json_object_put(s);
	if (ret)
		return ret;
	if (!(*effective = mem_strdup(cfg)))
		return -ENOMEM;
	return 0;
}
