/* The fields and event sources rules can name beyond saker's own catalogue
 * (fields.def): what loaded plugins bring, registered before rules load so
 * that rules with `source: <plugin source>` compile against their fields,
 * syscall rules can use the fields of plugins that extract from syscall
 * events, and `required_plugin_versions` is checked against the plugins
 * present. A ruleset borrows one (ruleset__set_fields); without one, only
 * the syscall source and the catalogue exist.
 *
 * Resolution follows Falco: a rule of the syscall source sees the catalogue
 * and the fields of plugins compatible with syscall (a plugin field takes
 * the place of a catalogue field saker cannot provide, FC_NONE); a rule of
 * another source sees the fields of plugins compatible with that source and
 * the catalogue's generic event fields (FF_ALL_SOURCES). Two plugins may not
 * offer the same field to the same source. Plugin fields get the class
 * FC_PLUGIN and, as id, their index here. Prefix field_reg_ (methods
 * field_reg__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/fields.h"

struct field_reg;

int field_reg__new(struct field_reg **out);
void field_reg__free(struct field_reg *r);

/* An event source beyond syscall (a plugin's). Adding one twice is a no-op.
 * 0 or -ENOMEM. */
int field_reg__add_source(struct field_reg *r, const char *name);
/* The sources, syscall first (index 0). r NULL: syscall alone. */
size_t field_reg_nsources(const struct field_reg *r);
const char *field_reg_source(const struct field_reg *r, size_t i);
/* The index of source name, -1 when unknown. */
int field_reg_source_index(const struct field_reg *r, const char *name);

/* A provider of fields (a plugin) with its name and version, for
 * required_plugin_versions; *id numbers it. 0 or -ENOMEM. */
int field_reg__add_provider(struct field_reg *r, const char *name, const char *version,
			    uint32_t *id);
size_t field_reg_nproviders(const struct field_reg *r);
void field_reg_provider(const struct field_reg *r, uint32_t id, const char **name,
			const char **version);

/* A field of provider p (its index-th), of type `type` (enum
 * ppm_param_type) and field_flag `flags`, offered to rules of the given
 * sources (n 0: every source). Strings are copied. 0; -EEXIST with err
 * when another provider offers the same field to one of these sources;
 * -ENOMEM. */
int field_reg__add_field(struct field_reg *r, uint32_t provider, uint32_t index, const char *name,
			 uint8_t type, uint32_t flags, const char *doc, const char *const *sources,
			 size_t nsources, char *err, size_t errlen);
size_t field_reg_nfields(const struct field_reg *r);
/* Field id (FC_PLUGIN's id), its provider and its index there. */
const struct field_info *field_reg_field(const struct field_reg *r, uint32_t id);
void field_reg_origin(const struct field_reg *r, uint32_t id, uint32_t *provider,
		      uint32_t *index);
/* Whether field id is offered to source. */
bool field_reg_offers(const struct field_reg *r, uint32_t id, const char *source);

/* Resolves a field reference (as fields_resolve) for a rule of source
 * `source` (NULL: syscall); r may be NULL. 0; -ENOENT for a field the
 * source does not have; -EINVAL for a bad argument; err filled. */
int field_reg_resolve(const struct field_reg *r, const char *source, const char *name,
		      const char *bracket_arg, struct field_ref *out, char *err, size_t errlen);
/* Whether text ("name" or "name[arg]") is a field of source usable on the
 * left of a check (exceptions' `fields:`). */
bool field_reg_valid_lhs(const struct field_reg *r, const char *source, const char *text);
