/* Falco's container events (PPME_CONTAINER_JSON_E and _2_E): the JSON
 * text they carry, {"container": {...}}, read into a container record and
 * written from one, member for member as Falco writes them, so that saker
 * reads Falco's captures and Falco reads saker's. Prefix ctr_json_. */
#pragma once
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#define CTR_JSON_DEPTH 64	/* nesting the reader accepts */

struct ctr_meta;
struct strbuf;

/* Reads the JSON text s[0..n) (a NUL inside ends it). 0 with a new record
 * in *out (the caller's); -EINVAL with a sentence in err for text that is
 * not JSON, has no "container" object or no id; -ENOMEM. Members of the
 * wrong type are left out, as Falco leaves them. */
int ctr_json_parse(const char *s, size_t n, struct ctr_meta **out, char *err, size_t errlen);

/* Appends m as Falco's JSON text (no newline). 0 or -ENOMEM. */
int ctr_json_write(const struct ctr_meta *m, struct strbuf *sb);

/* Shared with the runtime clients: parses s[0..n) (a NUL inside ends it)
 * into *out (the caller's, json_object_put); -EINVAL with the offset and
 * the problem in err; -ENOMEM. */
int ctr_json_doc(const char *s, size_t n, json_object **out, char *err, size_t errlen);
/* Member key of object o when it has the type, else NULL (o may be NULL
 * or of another type). */
json_object *ctr_json_get(json_object *o, const char *key, json_type type);
/* A string member, or NULL; a boolean member as 0/1, or -1. */
const char *ctr_json_str(json_object *o, const char *key);
int8_t ctr_json_bool(json_object *o, const char *key);
