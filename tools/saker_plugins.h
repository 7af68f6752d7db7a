/* The plugin side of saker's command line (tools/saker_plugins.c):
 * --list-plugins, --plugin-info, the fields of every source in --list, and
 * the sources --enable-source / --disable-source leave enabled. Each prints
 * on stdout and returns the exit code (0, or 1 after "Error: ..." on
 * stderr). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct config;
struct engine;
struct plugin_set;

int saker_list_plugins(const struct plugin_set *ps);
int saker_plugin_info(struct plugin_set *ps, const char *name);
/* The fields rules of source may use (NULL or "": every source). */
int saker_list_fields(const struct plugin_set *ps, const char *source, bool names_only,
		      bool markdown);
/* The enabled sources as names (owned array of borrowed names, *n of
 * them; NULL when every source is), or 1 with the error printed. */
int saker_sources(const struct plugin_set *ps, char **enable, size_t nenable, char **disable,
		  size_t ndisable, const char ***out, size_t *n);
/* At a reload, on the event thread: the plugins of the configuration read
 * again (nc) against those running (ps). Each plugin whose init_config
 * alone changed takes the new one through set_config
 * (engine__plugin_set_config), logged. 0 when that was every change to the
 * plugins; 1 when they changed otherwise or a plugin could not take its
 * new configuration (saker then starts again with it). */
int saker_plugins_reconfigure(struct engine *en, struct plugin_set *ps, const struct config *nc);
