/* A plugin's init configuration checked against the JSON schema the plugin
 * declares (get_init_schema), as Falco checks it before init and
 * set_config: an empty configuration stands for "{}", the configuration
 * must be JSON, and it must validate. The JSON Schema keywords plugins use
 * are understood (type, enum, const, the number, string, array and object
 * constraints, properties and required, additionalProperties,
 * patternProperties, allOf/anyOf/oneOf/not, if/then/else, local $ref);
 * others are ignored. Prefix plugin_schema_. */
#pragma once
#include <stddef.h>

/* Checks config against schema. 0 with *effective the text to hand the
 * plugin (owned, mem_free); -EINVAL with a sentence in err ("init config is
 * not valid JSON: ...", "In <root>[port], ... "); -ENOMEM. */
int plugin_schema_check(const char *schema, const char *config, char **effective, char *err,
			size_t errlen);
