/* A plugin library: opened once (dlopen), its symbols resolved
 * (plugin_syms.def), its required API version checked against saker's,
 * its capabilities deduced from what it exports, and its static description
 * read: name, version, event source, fields (get_fields), the sources and
 * event types it extracts from and parses, its async events, its init
 * schema. Instances are initialised from it by plugin_inst.c. A library
 * that misses a symbol, asks for another API, exports a broken set of
 * capabilities or describes itself wrongly is refused with a sentence
 * naming the file and the reason. Prefix plugin_ (methods plugin__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/plugin_abi.h"

/* Capabilities, as Falco deduces them from the exported symbols. */
enum plugin_cap {
	PLUGIN_CAP_SOURCE = 1u << 0,
	PLUGIN_CAP_EXTRACT = 1u << 1,
	PLUGIN_CAP_PARSE = 1u << 2,
	PLUGIN_CAP_ASYNC = 1u << 3,
	PLUGIN_CAP_LISTEN = 1u << 4,	/* capture listening */
};

/* The symbols, resolved: api.init, api.get_fields, ... (NULL when the
 * library does not export an optional one). */
struct plugin_api {
#define SYM(name, ret, params, req) ret(*name) params;
#include "runtime/plugin_syms.def"
#undef SYM
};

/* A list of strings a plugin gave as a JSON array. */
struct plugin_strs {
	char **v;
	size_t n;
};

/* One field of get_fields. */
struct plugin_field {
	char *name, *display, *desc;
	uint8_t type;		/* enum ppm_param_type: PT_CHARBUF, PT_UINT64, ... */
	uint32_t ftype;		/* enum pa_field_type */
	bool list;		/* isList */
	bool arg_required, arg_index, arg_key;
	bool add_output;	/* addOutput: suggested for outputs */
	bool hidden, info;	/* properties */
};

struct plugin {
	char *path;		/* the library */
	void *dl;
	struct plugin_api api;
	char *name, *version, *desc, *contact;
	char *required_api;	/* the API version it was built for */
	uint32_t caps;		/* enum plugin_cap */
	uint32_t id;		/* sourcing: 0 when it has no event source of its own */
	char *source;		/* sourcing with an id: its event source; else NULL */
	struct plugin_field *fields;
	size_t nfields;
	struct plugin_strs extract_sources, parse_sources, async_sources, async_names;
};

/* Opens the library at path and reads its description. 0, or -errno with
 * err: "could not load plugin library 'PATH': REASON". */
int plugin__load(const char *path, struct plugin **out, char *err, size_t errlen);
/* Closes the library; no instance may remain. NULL is a no-op. */
void plugin__free(struct plugin *p);

/* Whether s holds str. */
bool plugin_strs_has(const struct plugin_strs *s, const char *str);
/* Whether a list of compatible sources admits source: an empty list admits
 * every source (Falco's rule). */
bool plugin_source_compatible(const struct plugin_strs *srcs, const char *source);

/* "x.y.z" as three numbers; false when s is not that. */
bool plugin_parse_version(const char *s, uint32_t v[3]);
