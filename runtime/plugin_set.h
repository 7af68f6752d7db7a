/* The plugins of the configuration: falco.yaml's `plugins` entries (name,
 * library_path resolved as Falco resolves it, init_config as a string or a
 * YAML map given as JSON, open_params), narrowed and ordered by
 * `load_plugins` when that key is set; each library loaded (plugin.h), the
 * set checked as Falco checks it (unique names and event source ids, no
 * plugin left unused), and the compile-time registry built from it: the
 * event sources (syscall first, then each plugin's in load order), the
 * plugins as providers for required_plugin_versions, and their fields
 * (compiler/field_reg.h). Errors name the configuration entry
 * (file:line:col) or the library. Prefix plugin_set_ (methods
 * plugin_set__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct field_reg;
struct plugin;

/* Where relative library paths are found, as in Falco. */
#ifndef SAKER_PLUGINS_DIR
#define SAKER_PLUGINS_DIR "/usr/share/falco/plugins/"
#endif

struct plugin_entry {
	char *name;		/* as configured */
	char *library;		/* resolved path */
	char *init_config;	/* text handed to init ("" when none) */
	char *open_params;	/* trimmed */
	struct plugin *p;	/* the loaded library */
	int source;		/* index (field_reg) of its event source, -1 none */
};

struct plugin_set {
	struct plugin_entry *v;
	size_t n;
	struct field_reg *reg;	/* sources, providers, fields */
	bool hostinfo;		/* plugins_hostinfo */
};

/* Reads the configuration's plugins and loads them (load_libs false: the
 * entries only, for listings that must not fail on a library). 0, or -errno
 * with one sentence in err. */
int plugin_set__load(const struct config *cfg, bool load_libs, struct plugin_set **out,
		     char *err, size_t errlen);
void plugin_set__free(struct plugin_set *ps);

/* The entry of plugin id `id` (event sourcing), NULL when none. */
const struct plugin_entry *plugin_set_by_id(const struct plugin_set *ps, uint32_t id);
/* The entry named name (configured name, plugin name or library path). */
const struct plugin_entry *plugin_set_find(const struct plugin_set *ps, const char *name);
/* The entry that opens source index src live: the first plugin with that
 * event source (src 0: a plugin with event sourcing and no source of its
 * own, NULL when none). */
const struct plugin_entry *plugin_set_opener(const struct plugin_set *ps, int src);

/* Converts a YAML node (compiler/ydoc.h) to JSON as Falco converts an
 * init_config map: keys sorted, scalars as integers, numbers, booleans or
 * strings, in that order of preference. */
struct strbuf;
struct ydoc_node;
void plugin_set_yaml_json(const struct ydoc_node *n, struct strbuf *out);
