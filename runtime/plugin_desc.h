/* What a plugin says of itself in JSON, parsed and checked as Falco checks
 * it: its fields (get_fields: name, type, desc, isList, arg, addOutput,
 * properties), the lists of event sources and async event names it gives
 * (get_*_sources, get_async_events) and its suggested open parameters
 * (list_open_params). Errors are one sentence naming what is wrong.
 * Prefix plugin_desc_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct plugin_field;
struct plugin_strs;

/* A suggested open parameter. */
struct plugin_open_param {
	char *value, *desc, *separator;
};

/* Parses get_fields' array into *out (n fields, at least one). 0; -EINVAL
 * with err; -ENOMEM. */
int plugin_desc_fields(const char *json, struct plugin_field **out, size_t *n, char *err,
		       size_t errlen);
void plugin_desc_fields_free(struct plugin_field *f, size_t n);

/* A JSON array of strings (empty strings left out). json NULL: an empty
 * list; "" too when allow_empty, else an error. */
int plugin_desc_strs(const char *json, bool allow_empty, struct plugin_strs *out, char *err,
		     size_t errlen);
void plugin_desc_strs_free(struct plugin_strs *s);

/* list_open_params' array: every entry needs a value. */
int plugin_desc_open_params(const char *json, struct plugin_open_param **out, size_t *n,
			    char *err, size_t errlen);
void plugin_desc_open_params_free(struct plugin_open_param *p, size_t n);
