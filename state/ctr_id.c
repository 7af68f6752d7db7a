/* Container ids from cgroup paths (see ctr_id.h). A path component that is
 * a 64-digit hex id, bare (docker's /docker/<id>, kubepods' .../<id>) or
 * wrapped by a runtime's systemd scope name (docker-<id>.scope,
 * cri-containerd-<id>.scope, crio-<id>.scope, libpod-<id>.scope), names the
 * container; the last one a path names (the innermost, for nested
 * containers), from the first item that has one. */
#include "state/ctr_id.h"

#include <ctype.h>
#include <string.h>

#define ID_LEN 64

static const char *const prefixes[] = { "", "docker-", "cri-containerd-", "crio-", "libpod-" };

static int is_hex_id(const char *s, size_t n)
{
	if (n != ID_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The id in one path component, or NULL. */
static const char *component_id(const char *c, size_t n)
{
	if (n > 6 && !memcmp(c + n - 6, ".scope", 6))
		n -= 6;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);

		if (n == pl + ID_LEN && !memcmp(c, prefixes[i], pl) && is_hex_id(c + pl, ID_LEN))
			return c + pl;
	}
	return NULL;
}

void ctr_id_from_cgroups(const char *blob, uint32_t len, char *out)
{
	uint32_t i = 0;

	out[0] = '\0';
	while (i < len) {
		const char *item = blob + i, *path = memchr(item, '=', strnlen(item, len - i));
		const char *id = NULL;
		size_t n = strnlen(item, len - i);

		i += (uint32_t)n + 1;
		if (!path)
			continue;
		path++;
		/* the last id of the path: the innermost container */
		while (path < item + n) {
			const char *end = memchr(path, '/', (size_t)(item + n - path));
			size_t cl = end ? (size_t)(end - path) : (size_t)(item + n - path);
			const char *c = component_id(path, cl);

			if (c)
				id = c;
			if (!end)
				break;
			path = end + 1;
		}
		if (id) {
			memcpy(out, id, 12);
			out[12] = '\0';
			return;
		}
	}
}
