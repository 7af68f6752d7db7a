/* JSON documents read through json-c with errors that name the document
 * and the byte offset, and typed member access that says which member of
 * which document had the wrong type. Prefix jsonx_. */
#pragma once
#include <stddef.h>

#include <json-c/json.h>

/* Parses len bytes (no NUL needed) as one JSON value; trailing bytes
 * other than white space are an error. -EINVAL, logged as
 * "what: offset N: reason". Release *out with json_object_put. */
int jsonx_parse(const char *what, const char *buf, size_t len, json_object **out);
/* Member key of object o as a string: 0 with *s borrowed from o (NULL when
 * absent and !required), -EINVAL (logged) when missing or not a string. */
int jsonx_str(const char *what, json_object *o, const char *key, int required, const char **s);
/* Member key as an array (NULL when absent and !required). */
int jsonx_arr(const char *what, json_object *o, const char *key, int required, json_object **a);
/* Member key as an object (NULL when absent and !required). */
int jsonx_obj(const char *what, json_object *o, const char *key, int required, json_object **v);
