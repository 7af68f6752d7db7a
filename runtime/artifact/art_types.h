/* Artifact types (rules files, plugins, assets), their names and media
 * types, from art_types.def. Prefix art_type_. */
#pragma once

enum art_type {
#define ART_TYPE(id, name, layer, config) ART_##id,
#include "runtime/artifact/art_types.def"
#undef ART_TYPE
	ART__COUNT
};

#define ART_TYPE_BIT(t) (1u << (t))
#define ART_TYPES_ALL ((1u << ART__COUNT) - 1)

const char *art_type_name(enum art_type t);
const char *art_type_layer_media(enum art_type t);
const char *art_type_config_media(enum art_type t);
/* The type a name or a layer media type stands for; -1 when none. */
int art_type_from_name(const char *name);
int art_type_from_layer_media(const char *media);
/* Parses "rulesfile,plugin" into a mask of ART_TYPE_BIT; -EINVAL (logged)
 * on an unknown name. */
int art_type_parse_list(const char *s, unsigned *mask);
