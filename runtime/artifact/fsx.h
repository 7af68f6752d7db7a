/* Files written so that readers see the old content or the new, never a
 * part: a temporary file beside the target, fsync, rename, fsync of the
 * directory. Prefix fsx_. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* mkdir -p. 0 or -errno (logged). */
int fsx_mkdirs(const char *path, mode_t mode);
/* Replaces path with data atomically. 0 or -errno (logged). */
int fsx_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
