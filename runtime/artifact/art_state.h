/* What each followed reference was last installed at: one small JSON file
 * per reference ({"ref", "digest", "updatedAt"}) under the state
 * directory, named by the sha256 of the reference. Prefix art_state_. */
#pragma once

#include "runtime/artifact/digest.h"

/* The recorded digest of ref into digest: 0, -ENOENT when none (or the
 * file is unreadable or broken: logged, treated as none). */
int art_state_read(const char *dir, const char *ref, char digest[DIGEST_STR_LEN]);
int art_state_write(const char *dir, const char *ref, const char *digest);
