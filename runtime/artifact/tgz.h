/* The gzip'd tar archives artifacts carry, read from memory through
 * libarchive into files in memory: regular files and directories only,
 * relative names without "..", bounded count and size. Prefix tgz_. */
#pragma once
#include <stddef.h>

#include "runtime/base/strbuf.h"

#define TGZ_MAX_FILES 256
#define TGZ_MAX_BYTES (256u << 20)

struct tgz_file {
	char *name;		/* relative path, owned */
	unsigned mode;		/* permission bits */
	struct strbuf data;
};

struct tgz {
	struct tgz_file *files;
	size_t n;
};

/* -EINVAL (logged with the entry at fault) on a broken archive, a link, a
 * device, an absolute or escaping name, or too much content. */
int tgz_read(const char *what, const void *data, size_t len, struct tgz *out);
void tgz_release(struct tgz *t);
