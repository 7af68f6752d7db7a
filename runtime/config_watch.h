/* watch_config_files: inotify on the configuration and rules files, on a
 * thread of its own. A file is watched through its directory (editors
 * replace files by renaming), a directory for any change of its files;
 * a burst of changes calls the function once, 200 ms after the last.
 * Prefix config_watch_ (methods config_watch__). */
#pragma once
#include <stddef.h>

struct config_watch;

typedef void (*config_watch_fn)(void *ctx);

/* 0, or -errno (no inotify). */
int config_watch__start(config_watch_fn fn, void *ctx, struct config_watch **out);
/* The paths to watch from now on (files or directories; missing ones are
 * watched through their directory, so that their creation counts). */
int config_watch__set(struct config_watch *w, const char *const *paths, size_t n);
void config_watch__stop(struct config_watch *w);
