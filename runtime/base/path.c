/* Path normalisation as Falco applies it to the paths of events: a relative
 * path joined to its directory, "." and ".." folded, repeated slashes
 * collapsed. Prefix path_. */
#include <string.h>

#include "runtime/base/path.h"

/* Appends the segments of s to out[0..*w), folding "." and "..". */
static void add_segments(char *out, size_t *w, size_t n, const char *s)
{
	const char *p = s;

	while (*p) {
		const char *q = strchr(p, '/');
		size_t l = q ? (size_t)(q - p) : strlen(p);

		if (l == 0 || (l == 1 && p[0] == '.')) {
			/* nothing */
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			while (*w > 1 && out[*w - 1] == '/')
				(*w)--;
			while (*w > 1 && out[*w - 1] != '/')
				(*w)--;
		} else if (*w + l + 2 < n) {
			if (out[*w - 1] != '/')
				out[(*w)++] = '/';
			memcpy(out + *w, p, l);
			*w += l;
		}
		if (!q)
			break;
		p = q + 1;
	}
}

void path_resolve(const char *dir, const char *path, char *out, size_t n)
{
	size_t w = 0;

	out[w++] = '/';
	if (path[0] != '/' && dir)
		add_segments(out, &w, n, dir);
	add_segments(out, &w, n, path);
	if (w > 1 && out[w - 1] == '/')
		w--;
	out[w] = '\0';
}
