/* fields: the catalogue table expanded from fields.def, and lookups. */
#include "compiler/fields.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/base/strmap.h"

static const struct field_info field_tab[] = {
#define FIELD(id, name, type, flags, cls, doc) \
	[FID_##id] = { name, type, (uint32_t)(flags), doc, FID_##id, FC_##cls },
#include "compiler/fields.def"
#undef FIELD
};

#define NFIELDS (sizeof(field_tab) / sizeof(field_tab[0]))
_Static_assert(NFIELDS == FID__COUNT, "one entry per field id");

size_t fields_count(void)
{
	return NFIELDS;
}

const struct field_info *fields_at(size_t i)
{
	return i < NFIELDS ? &field_tab[i] : NULL;
}

/* The catalogue by name, built once: rules name fields thousands of
 * times as they load. */
static struct strmap by_name;
static pthread_once_t by_name_once = PTHREAD_ONCE_INIT;
static bool by_name_ok;

static void index_names(void)
{
	bool ok = true;

	for (size_t i = 0; i < NFIELDS && ok; i++)
		if (strmap_get(&by_name, field_tab[i].name) < 0)	/* the first of a name */
			ok = !strmap_put(&by_name, field_tab[i].name, (uint32_t)i);
	__atomic_store_n(&by_name_ok, ok, __ATOMIC_RELEASE);
}

const struct field_info *fields_find(const char *name)
{
	int64_t k;

	pthread_once(&by_name_once, index_names);
	if (!__atomic_load_n(&by_name_ok, __ATOMIC_ACQUIRE)) {
		/* no memory for the index: the table itself */
		for (size_t i = 0; i < NFIELDS; i++)
			if (!strcmp(field_tab[i].name, name))
				return &field_tab[i];
		return NULL;
	}
	k = strmap_get(&by_name, name);
	return k >= 0 ? &field_tab[k] : NULL;
}

static bool parse_index(const char *s, uint64_t *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && *end == '\0';
}

int fields_ref_of(const struct field_info *fi, const char *arg, struct field_ref *out, char *err,
		  size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (arg && !(fi->flags & (FF_ARG_REQUIRED | FF_ARG_OPTIONAL))) {
		snprintf(err, errlen, "field %s does not take an argument", fi->name);
		return -EINVAL;
	}
	if (!arg && (fi->flags & FF_ARG_REQUIRED)) {
		snprintf(err, errlen, "field %s requires an argument", fi->name);
		return -EINVAL;
	}
	out->fi = fi;
	out->arg = arg;
	if (arg) {
		out->arg_is_index = parse_index(arg, &out->index);
		if (!out->arg_is_index && !(fi->flags & FF_ARG_NAME)) {
			snprintf(err, errlen, "field %s: argument '%s' is not a number", fi->name, arg);
			return -EINVAL;
		}
		if (out->arg_is_index && !(fi->flags & FF_ARG_INDEX) && !(fi->flags & FF_ARG_NAME)) {
			snprintf(err, errlen, "field %s: argument '%s' is not a name", fi->name, arg);
			return -EINVAL;
		}
	}
	return 0;
}

int fields_resolve(const char *name, const char *bracket_arg, struct field_ref *out, char *err,
		   size_t errlen)
{
	const struct field_info *fi = fields_find(name), *best = NULL;
	const char *arg = bracket_arg;
	size_t i, bestlen = 0, nlen = strlen(name);

	memset(out, 0, sizeof(*out));
	if (!fi) {
		/* longest catalogue name N with name == N "." arg, for dotted arguments */
		for (i = 0; i < NFIELDS; i++) {
			size_t l = strlen(field_tab[i].name);

			if ((field_tab[i].flags & FF_ARG_DOT) && l < nlen && name[l] == '.' &&
			    !strncmp(name, field_tab[i].name, l) && l > bestlen) {
				best = &field_tab[i];
				bestlen = l;
			}
		}
		if (!best) {
			snprintf(err, errlen, "filter_check called with nonexistent field %s", name);
			return -ENOENT;
		}
		if (bracket_arg) {
			snprintf(err, errlen, "field %s takes one argument, two given", best->name);
			return -EINVAL;
		}
		fi = best;
		arg = name + bestlen + 1;
	}
	return fields_ref_of(fi, arg, out, err, errlen);
}

bool fields_proc_static(const struct field_info *fi)
{
	/* thread-table fields that follow time, counters or the fd table */
	static const char *const moving[] = {
		"proc.duration", "proc.ppid.duration", "proc.fdopencount", "proc.fdusage",
		"proc.nchilds", "proc.nthreads", "proc.stderr.", "proc.stdin.", "proc.stdout.",
		"proc.vm", "thread.cpu", "thread.exectime", "thread.totexectime", "thread.pf",
		"thread.vm", "fd.types",
	};

	if (fi->cls == FC_PLUGIN)	/* a plugin's value may follow anything */
		return false;
	if (!strncmp(fi->name, "container.", 10))	/* from the thread's cgroups */
		return !strcmp(fi->name + 10, "id") || !strcmp(fi->name + 10, "full_id") ||
		       !strcmp(fi->name + 10, "name") || !strcmp(fi->name + 10, "type");
	if (!(fi->flags & FF_EV_PROC))
		return false;
	for (size_t i = 0; i < sizeof(moving) / sizeof(moving[0]); i++)
		if (!strncmp(fi->name, moving[i], strlen(moving[i])))
			return false;
	return true;
}

bool fields_is_valid_lhs(const char *text)
{
	char name[256], arg[256], err[256];
	const char *br = strchr(text, '[');
	struct field_ref ref;
	size_t n;

	if (!br) {
		if (strlen(text) >= sizeof(name))
			return false;
		return fields_resolve(text, NULL, &ref, err, sizeof(err)) == 0;
	}
	n = (size_t)(br - text);
	if (n >= sizeof(name) || text[strlen(text) - 1] != ']' || strlen(br) - 2 >= sizeof(arg))
		return false;
	memcpy(name, text, n);
	name[n] = '\0';
	memcpy(arg, br + 1, strlen(br) - 2);
	arg[strlen(br) - 2] = '\0';
	return fields_resolve(name, arg, &ref, err, sizeof(err)) == 0;
}

bool fields_type_is_numeric(enum ppm_param_type t)
{
	switch (t) {
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64:
	case PT_UINT8: case PT_UINT16: case PT_UINT32: case PT_UINT64:
	case PT_ERRNO: case PT_FD: case PT_PID: case PT_SYSCALLID: case PT_SIGTYPE:
	case PT_RELTIME: case PT_ABSTIME: case PT_PORT: case PT_L4PROTO: case PT_SOCKFAMILY:
	case PT_FLAGS8: case PT_FLAGS16: case PT_FLAGS32: case PT_UID: case PT_GID:
	case PT_DOUBLE: case PT_MODE: case PT_ENUMFLAGS8: case PT_ENUMFLAGS16:
	case PT_ENUMFLAGS32: case PT_SIGSET:
		return true;
	default:
		return false;
	}
}

bool fields_type_is_string(enum ppm_param_type t)
{
	return t == PT_CHARBUF || t == PT_FSPATH || t == PT_FSRELPATH || t == PT_BYTEBUF ||
	       t == PT_CHARBUFARRAY || t == PT_CHARBUF_PAIR_ARRAY;
}

const char *fields_type_name(enum ppm_param_type t)
{
	static const char *const names[PT_MAX] = {
		[PT_NONE] = "none", [PT_INT8] = "int8", [PT_INT16] = "int16",
		[PT_INT32] = "int32", [PT_INT64] = "int64", [PT_UINT8] = "uint8",
		[PT_UINT16] = "uint16", [PT_UINT32] = "uint32", [PT_UINT64] = "uint64",
		[PT_CHARBUF] = "string", [PT_BYTEBUF] = "bytebuf", [PT_ERRNO] = "errno",
		[PT_SOCKADDR] = "sockaddr", [PT_SOCKTUPLE] = "socktuple", [PT_FD] = "fd",
		[PT_PID] = "pid", [PT_FDLIST] = "fdlist", [PT_FSPATH] = "fspath",
		[PT_SYSCALLID] = "syscallid", [PT_SIGTYPE] = "sigtype", [PT_RELTIME] = "reltime",
		[PT_ABSTIME] = "abstime", [PT_PORT] = "port", [PT_L4PROTO] = "l4proto",
		[PT_SOCKFAMILY] = "sockfamily", [PT_BOOL] = "bool", [PT_IPV4ADDR] = "ipv4addr",
		[PT_DYN] = "dyn", [PT_FLAGS8] = "flags8", [PT_FLAGS16] = "flags16",
		[PT_FLAGS32] = "flags32", [PT_UID] = "uid", [PT_GID] = "gid",
		[PT_DOUBLE] = "double", [PT_SIGSET] = "sigset", [PT_CHARBUFARRAY] = "strarray",
		[PT_CHARBUF_PAIR_ARRAY] = "strpairs", [PT_IPV4NET] = "ipv4net",
		[PT_IPV6ADDR] = "ipv6addr", [PT_IPV6NET] = "ipv6net", [PT_IPADDR] = "ipaddr",
		[PT_IPNET] = "ipnet", [PT_MODE] = "mode", [PT_FSRELPATH] = "fsrelpath",
		[PT_ENUMFLAGS8] = "enumflags8", [PT_ENUMFLAGS16] = "enumflags16",
		[PT_ENUMFLAGS32] = "enumflags32",
	};
	return (unsigned)t < PT_MAX && names[t] ? names[t] : "?";
}
