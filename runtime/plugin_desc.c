/* Plugin self-descriptions in JSON (see plugin_desc.h), read through json-c. */
#include "runtime/plugin_desc.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "bpf/shared/ppm_types.h"
#include "runtime/base/mem.h"
#include "runtime/plugin.h"

/* Field and list counts a plugin may declare. */
#define DESC_MAX_ITEMS 4096

/* The document as one JSON array, or an error. */
static int parse_array(const char *json, const char *what, json_object **out, char *err,
		       size_t errlen)
{
	json_tokener *tok = json_tokener_new_ex(64);
	size_t len = strlen(json), end;
	json_object *o;

	*out = NULL;
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, json, (int)(len > 0x7fffffff ? 0x7fffffff : len));
	end = json_tokener_get_parse_end(tok);
	if (!o) {
		snprintf(err, errlen, "%s is not valid JSON (offset %zu: %s)", what, end,
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		json_tokener_free(tok);
		return -EINVAL;
	}
	json_tokener_free(tok);
	while (end < len && strchr(" \t\r\n", json[end]))
		end++;
	if (end < len || !json_object_is_type(o, json_type_array)) {
		snprintf(err, errlen, "%s is not a JSON array", what);
		json_object_put(o);
		return -EINVAL;
	}
	if (json_object_array_length(o) > DESC_MAX_ITEMS) {
		snprintf(err, errlen, "%s has more than %d entries", what, DESC_MAX_ITEMS);
		json_object_put(o);
		return -EINVAL;
	}
	*out = o;
	return 0;
}

/* Member key of o as text: NULL when absent or null; "" when not a string
 * and *bad set. */
static const char *member_str(json_object *o, const char *key, bool *bad)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		*bad = true;
		return NULL;
	}
	return json_object_get_string(v);
}

/* Member key as a boolean: 0 absent (false), 1 set, -1 not a boolean. */
static int member_bool(json_object *o, const char *key, bool *out)
{
	json_object *v;

	*out = false;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v);
	return 1;
}

static const struct {
	const char *name;
	uint8_t type;
} field_types[] = {
	{ "string", PT_CHARBUF }, { "uint64", PT_UINT64 }, { "reltime", PT_RELTIME },
	{ "abstime", PT_ABSTIME }, { "bool", PT_BOOL }, { "ipaddr", PT_IPADDR },
	{ "ipnet", PT_IPNET },
};

/* A field name as rules can write it: letters, digits, '_', '.', '-'. */
static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

static int field_arg(json_object *f, struct plugin_field *pf, char *err, size_t errlen)
{
	json_object *a;
	int r;

	if (!json_object_object_get_ex(f, "arg", &a) || !a)
		return 0;
	if (!json_object_is_type(a, json_type_object)) {
		snprintf(err, errlen, "field %s: arg is not an object", pf->name);
		return -EINVAL;
	}
	if ((r = member_bool(a, "isRequired", &pf->arg_required)) < 0 ||
	    (r = member_bool(a, "isIndex", &pf->arg_index)) < 0 ||
	    (r = member_bool(a, "isKey", &pf->arg_key)) < 0) {
		snprintf(err, errlen, "field %s: arg's isRequired, isIndex and isKey must be booleans",
			 pf->name);
		return -EINVAL;
	}
	if (pf->arg_required && !pf->arg_index && !pf->arg_key) {
		snprintf(err, errlen, "field %s: arg has isRequired true, but none of isKey nor "
			 "isIndex is true", pf->name);
		return -EINVAL;
	}
	return 0;
}

static int field_props(json_object *f, struct plugin_field *pf, char *err, size_t errlen)
{
	json_object *p;

	if (!json_object_object_get_ex(f, "properties", &p) || !p)
		return 0;
	if (!json_object_is_type(p, json_type_array)) {
		snprintf(err, errlen, "field %s: properties is not an array", pf->name);
		return -EINVAL;
	}
	for (size_t i = 0; i < json_object_array_length(p); i++) {
		json_object *v = json_object_array_get_idx(p, i);
		const char *s;

		if (!json_object_is_type(v, json_type_string)) {
			snprintf(err, errlen, "field %s: a property is not a string", pf->name);
			return -EINVAL;
		}
		s = json_object_get_string(v);
		if (!strcmp(s, "hidden"))
			pf->hidden = true;
		else if (!strcmp(s, "info"))
			pf->info = true;
	}
	return 0;
}

static int one_field(json_object *f, size_t i, struct plugin_field *pf, char *err, size_t errlen)
{
	const char *type, *name, *desc, *display;
	bool bad = false;
	size_t k;

	if (!json_object_is_type(f, json_type_object)) {
		snprintf(err, errlen, "field entry %zu is not an object", i);
		return -EINVAL;
	}
	type = member_str(f, "type", &bad);
	name = member_str(f, "name", &bad);
	desc = member_str(f, "desc", &bad);
	display = member_str(f, "display", &bad);
	if (bad) {
		snprintf(err, errlen, "field entry %zu: type, name, desc and display must be strings",
			 i);
		return -EINVAL;
	}
	if (!type || !*type) {
		snprintf(err, errlen, "field entry %zu has no type", i);
		return -EINVAL;
	}
	if (!name || !*name) {
		snprintf(err, errlen, "field entry %zu has no name", i);
		return -EINVAL;
	}
	if (!name_ok(name)) {
		snprintf(err, errlen, "field entry %zu: '%.200s' is not a field name", i, name);
		return -EINVAL;
	}
	pf->name = mem_strdup(name);
	pf->desc = mem_strdup(desc ? desc : "");
	pf->display = mem_strdup(display ? display : "");
	if (!pf->name || !pf->desc || !pf->display)
		return -ENOMEM;
	if (!desc || !*desc) {
		snprintf(err, errlen, "field %s has no desc", pf->name);
		return -EINVAL;
	}
	for (k = 0; k < sizeof(field_types) / sizeof(field_types[0]); k++)
		if (!strcmp(type, field_types[k].name))
			break;
	if (k == sizeof(field_types) / sizeof(field_types[0])) {
		snprintf(err, errlen, "field %s: invalid field type '%.100s'", pf->name, type);
		return -EINVAL;
	}
	pf->type = field_types[k].type;
	pf->ftype = field_types[k].type;	/* enum pa_field_type has the same numbers */
	if (member_bool(f, "isList", &pf->list) < 0) {
		snprintf(err, errlen, "field %s: isList is not a boolean", pf->name);
		return -EINVAL;
	}
	if (member_bool(f, "addOutput", &pf->add_output) < 0) {
		snprintf(err, errlen, "field %s: addOutput is not a boolean", pf->name);
		return -EINVAL;
	}
	if (field_arg(f, pf, err, errlen) || field_props(f, pf, err, errlen))
		return -EINVAL;
	return 0;
}

void plugin_desc_fields_free(struct plugin_field *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++) {
		mem_free(f[i].name);
		mem_free(f[i].desc);
		mem_free(f[i].display);
	}
	mem_free(f);
}

int plugin_desc_fields(const char *json, struct plugin_field **out, size_t *n, char *err,
		       size_t errlen)
{
	struct plugin_field *f = NULL;
	json_object *a;
	size_t cnt = 0, len;
	int ret;

	*out = NULL;
	*n = 0;
	if (!json) {
		snprintf(err, errlen, "get_fields returned a null string");
		return -EINVAL;
	}
	if ((ret = parse_array(json, "get_fields' answer", &a, err, errlen)))
		return ret;
	len = json_object_array_length(a);
	if (!len) {
		snprintf(err, errlen, "plugins with extraction capability must export at least one "
			 "field");
		ret = -EINVAL;
		goto out;
	}
	f = mem_calloc(len, sizeof(*f));
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		ret = one_field(json_object_array_get_idx(a, i), i, &f[cnt], err, errlen);
		cnt++;
		if (ret)
			goto out;
		for (size_t j = 0; j + 1 < cnt; j++)
			if (!strcmp(f[j].name, f[cnt - 1].name)) {
				snprintf(err, errlen, "field %s is declared twice", f[j].name);
				ret = -EINVAL;
				goto out;
			}
	}
	*out = f;
	*n = cnt;
	f = NULL;
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	plugin_desc_fields_free(f, cnt);
	json_object_put(a);
	return ret;
}

void plugin_desc_strs_free(struct plugin_strs *s)
{
	for (size_t i = 0; s->v && i < s->n; i++)
		mem_free(s->v[i]);
	mem_free(s->v);
	s->v = NULL;
	s->n = 0;
}

int plugin_desc_strs(const char *json, bool allow_empty, struct plugin_strs *out, char *err,
		     size_t errlen)
{
	json_object *a;
	size_t len;
	int ret;

	out->v = NULL;
	out->n = 0;
	if (!json || (!*json && allow_empty))
		return 0;
	if (!*json) {
		snprintf(err, errlen, "an empty string where a JSON array was due");
		return -EINVAL;
	}
	if ((ret = parse_array(json, "the list", &a, err, errlen)))
		return ret;
	len = json_object_array_length(a);
	out->v = mem_calloc(len ? len : 1, sizeof(*out->v));
	if (!out->v) {
		json_object_put(a);
		return -ENOMEM;
	}
	for (size_t i = 0; i < len; i++) {
		json_object *v = json_object_array_get_idx(a, i);

		if (!json_object_is_type(v, json_type_string)) {
			snprintf(err, errlen, "entry %zu of the list is not a string", i);
			ret = -EINVAL;
			break;
		}
		if (!*json_object_get_string(v))
			continue;
		if (!(out->v[out->n] = mem_strdup(json_object_get_string(v)))) {
			ret = -ENOMEM;
			break;
		}
		out->n++;
	}
	json_object_put(a);
	if (ret)
		plugin_desc_strs_free(out);
	return ret;
}

void plugin_desc_open_params_free(struct plugin_open_param *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		mem_free(p[i].value);
		mem_free(p[i].desc);
		mem_free(p[i].separator);
	}
	mem_free(p);
}

int plugin_desc_open_params(const char *json, struct plugin_open_param **out, size_t *n,
			    char *err, size_t errlen)
{
	struct plugin_open_param *p;
	json_object *a;
	size_t len, cnt = 0;
	int ret;

	*out = NULL;
	*n = 0;
	if (!json || !*json)
		return 0;
	if ((ret = parse_array(json, "list_open_params' answer", &a, err, errlen)))
		return ret;
	len = json_object_array_length(a);
	p = mem_calloc(len ? len : 1, sizeof(*p));
	if (!p) {
		json_object_put(a);
		return -ENOMEM;
	}
	for (size_t i = 0; i < len && !ret; i++) {
		json_object *o = json_object_array_get_idx(a, i);
		const char *v, *d, *s;
		bool bad = false;

		if (!json_object_is_type(o, json_type_object)) {
			snprintf(err, errlen, "open parameter %zu is not an object", i);
			ret = -EINVAL;
			break;
		}
		v = member_str(o, "value", &bad);
		d = member_str(o, "desc", &bad);
		s = member_str(o, "separator", &bad);
		if (bad || !v || !*v) {
			snprintf(err, errlen, "list_open_params has an entry with no value");
			ret = -EINVAL;
			break;
		}
		p[cnt].value = mem_strdup(v);
		p[cnt].desc = mem_strdup(d ? d : "");
		p[cnt].separator = mem_strdup(s ? s : "");
		cnt++;
		if (!p[cnt - 1].value || !p[cnt - 1].desc || !p[cnt - 1].separator)
			ret = -ENOMEM;
	}
	json_object_put(a);
	if (ret) {
		plugin_desc_open_params_free(p, cnt);
		return ret;
	}
	*out = p;
	*n = cnt;
	return 0;
}
