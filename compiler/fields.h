/* The field catalogue (fields.def) and the resolution of field references as
 * written in conditions and outputs: `proc.name`, `proc.aname[2]`,
 * `evt.arg.flags`, `container.mount.dest[/etc]`. Prefix fields_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/shared/ppm_types.h"
#include "compiler/field_flags.h"

/* Every catalogue field by identifier: FID_<id> is its index in the table. */
enum field_id {
#define FIELD(id, name, type, flags, cls, doc) FID_##id,
#include "compiler/fields.def"
#undef FIELD
	FID__COUNT
};

/* The extractor family that gives a field its value (fields.def's cls
 * column): one runtime/extract_<family>.c each. FC_NONE: saker cannot
 * provide the field (a plugin's, with no plugin loaded). */
enum field_cls {
	FC_NONE,
	FC_EVT,
	FC_PROC,
	FC_USER,
	FC_FD,
	FC_FDLIST,
	FC_FSPATH,
	FC_SYSLOG,
	FC_CTR,
	FC_PLUGIN,	/* a loaded plugin's field (compiler/field_reg.h): not in fields.def */
	FC__COUNT
};

struct field_info {
	const char *name;
	enum ppm_param_type type;
	uint32_t flags;		/* enum field_flag */
	const char *doc;
	uint32_t id;		/* enum field_id: the index in the catalogue */
	uint8_t cls;		/* enum field_cls */
};

struct field_ref {
	const struct field_info *fi;
	const char *arg;	/* argument text (dotted or bracketed), NULL when none */
	bool arg_is_index;	/* arg is a non-negative integer */
	uint64_t index;
};

size_t fields_count(void);
const struct field_info *fields_at(size_t i);
/* Exact name lookup. */
const struct field_info *fields_find(const char *name);

/* Resolves name (as lexed: may carry a dotted argument) plus an optional
 * bracket argument. 0 on success; -ENOENT for an unknown field, -EINVAL for
 * a bad argument, with a message in err. *out->arg points into name or arg. */
int fields_resolve(const char *name, const char *bracket_arg, struct field_ref *out, char *err,
		   size_t errlen);

/* The reference to fi with argument arg (NULL: none), the argument checked
 * against fi's argument form. 0 or -EINVAL with err. */
int fields_ref_of(const struct field_info *fi, const char *arg, struct field_ref *out, char *err,
		  size_t errlen);

/* Whether saker provides fi's value (class other than FC_NONE). */
static inline bool fields_supported(const struct field_info *fi)
{
	return fi->cls != FC_NONE;
}

/* True when fi's value for an event is a function of the event's thread
 * entry, its ancestors, users, groups and container id alone (no event
 * parameter, time, counter or fd): state__proc_gen_ptr() tells when such a
 * value may have changed, so the JIT keeps results over them per thread. */
bool fields_proc_static(const struct field_info *fi);

/* True when text is a field reference usable on the left side of a check
 * (exceptions' `fields:`). */
bool fields_is_valid_lhs(const char *text);

/* Whether the field's values compare as numbers, strings, addresses, ... */
bool fields_type_is_numeric(enum ppm_param_type t);
bool fields_type_is_string(enum ppm_param_type t);
const char *fields_type_name(enum ppm_param_type t);
