/* The field catalogue (fields.def) and the resolution of field references as
 * written in conditions and outputs: `proc.name`, `proc.aname[2]`,
 * `evt.arg.flags`, `container.mount.dest[/etc]`. Prefix fields_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/shared/ppm_types.h"
#include "compiler/field_flags.h"

struct field_info {
	const char *name;
	enum ppm_param_type type;
	uint32_t flags;		/* enum field_flag */
	const char *doc;
	uint32_t id;		/* index in the catalogue */
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
