/* Artifact types: lookups over the table of art_types.def. */
#include "runtime/artifact/art_types.h"

#include <errno.h>
#include <string.h>

#include "runtime/base/log.h"

static const struct {
	const char *name, *layer, *config;
} types[] = {
#define ART_TYPE(id, n, l, c) [ART_##id] = { n, l, c },
#include "runtime/artifact/art_types.def"
#undef ART_TYPE
};

_Static_assert(sizeof(types) / sizeof(types[0]) == ART__COUNT, "one row per type");

const char *art_type_name(enum art_type t)
{
	return types[t].name;
}

const char *art_type_layer_media(enum art_type t)
{
	return types[t].layer;
}

const char *art_type_config_media(enum art_type t)
{
	return types[t].config;
}

int art_type_from_name(const char *name)
{
	for (int t = 0; t < ART__COUNT; t++)
		if (!strcmp(types[t].name, name))
			return t;
	return -1;
}

int art_type_from_layer_media(const char *media)
{
	for (int t = 0; t < ART__COUNT; t++)
		if (media && !strcmp(types[t].layer, media))
			return t;
	return -1;
}

int art_type_parse_list(const char *s, unsigned *mask)
{
	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ", ");
		char name[32];
		int t = -1;

		if (n && n < sizeof(name)) {
			memcpy(name, s, n);
			name[n] = '\0';
			t = art_type_from_name(name);
		}
		if (n && t < 0) {
			log_error("unknown artifact type '%.*s' (expected rulesfile, plugin or asset)",
				  (int)n, s);
			return -EINVAL;
		}
		if (t >= 0)
			*mask |= ART_TYPE_BIT(t);
		s += n;
		s += strspn(s, ", ");
	}
	return 0;
}
