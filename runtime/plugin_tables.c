/* The plugin table API's owner side (see plugin_tables.h): the threads
 * table and its subtables over the state, the fields plugins add, the
 * tables plugins define, entry handles, and the dispatching vtables. */
#include "runtime/plugin_tables.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ppm_flags.h"
#include "runtime/base/mem.h"
#include "state/state.h"

/* Bounds: tables plugins define, entries a plugin holds at once. */
#define PTAB_MAX_PLUGIN_TABLES 64
#define PTAB_MAX_HANDLES 4096

enum ptab_kind { PK_THREADS, PK_FDS, PK_ARGS, PK_ENV, PK_CGROUPS, PK__COUNT };

/* ---- fields ------------------------------------------------------------- */

/* A field accessor (the pa_table_field_t plugins hold). */
struct ptab_field {
	const char *name;
	uint32_t type;		/* enum pa_state_type */
	bool ro;
	bool dyn;
	uint16_t id;		/* static: the TF_/FF_/VF_ id; dynamic: the dynv slot */
};

enum thr_field {
	TF_TID, TF_PID, TF_PTID, TF_REAPER, TF_SID, TF_COMM, TF_EXE, TF_EXEPATH, TF_EXE_WRITABLE,
	TF_EXE_UPPER, TF_EXE_LOWER, TF_EXE_MEMFD, TF_ARGS, TF_ENV, TF_CGROUPS, TF_FLAGS,
	TF_FDLIMIT, TF_UID, TF_GID, TF_LOGINUID, TF_EXE_INO, TF_EXE_INO_CTIME, TF_EXE_INO_MTIME,
	TF_VTID, TF_VPID, TF_VPGID, TF_PGID, TF_PIDNS_TS, TF_ROOT, TF_TTY, TF_FDS, TF_CWD,
};

/* libsinsp's names and types; saker's key fields, flags, cwd and the
 * subtables are read-only */
static const struct ptab_field thr_fields[] = {
	{ "tid", PA_ST_INT64, true, false, TF_TID },
	{ "pid", PA_ST_INT64, false, false, TF_PID },
	{ "ptid", PA_ST_INT64, false, false, TF_PTID },
	{ "reaper_tid", PA_ST_INT64, true, false, TF_REAPER },
	{ "sid", PA_ST_INT64, false, false, TF_SID },
	{ "comm", PA_ST_STRING, false, false, TF_COMM },
	{ "exe", PA_ST_STRING, false, false, TF_EXE },
	{ "exe_path", PA_ST_STRING, false, false, TF_EXEPATH },
	{ "exe_writable", PA_ST_BOOL, false, false, TF_EXE_WRITABLE },
	{ "exe_upper_layer", PA_ST_BOOL, false, false, TF_EXE_UPPER },
	{ "exe_lower_layer", PA_ST_BOOL, false, false, TF_EXE_LOWER },
	{ "exe_from_memfd", PA_ST_BOOL, false, false, TF_EXE_MEMFD },
	{ "args", PA_ST_TABLE, true, false, TF_ARGS },
	{ "env", PA_ST_TABLE, true, false, TF_ENV },
	{ "cgroups", PA_ST_TABLE, true, false, TF_CGROUPS },
	{ "flags", PA_ST_UINT32, true, false, TF_FLAGS },
	{ "fd_limit", PA_ST_INT64, false, false, TF_FDLIMIT },
	{ "uid", PA_ST_UINT32, false, false, TF_UID },
	{ "gid", PA_ST_UINT32, false, false, TF_GID },
	{ "loginuid", PA_ST_UINT32, false, false, TF_LOGINUID },
	{ "exe_ino", PA_ST_UINT64, false, false, TF_EXE_INO },
	{ "exe_ino_ctime", PA_ST_UINT64, false, false, TF_EXE_INO_CTIME },
	{ "exe_ino_mtime", PA_ST_UINT64, false, false, TF_EXE_INO_MTIME },
	{ "vtid", PA_ST_INT64, false, false, TF_VTID },
	{ "vpid", PA_ST_INT64, false, false, TF_VPID },
	{ "vpgid", PA_ST_INT64, false, false, TF_VPGID },
	{ "pgid", PA_ST_INT64, false, false, TF_PGID },
	{ "pidns_init_start_ts", PA_ST_UINT64, false, false, TF_PIDNS_TS },
	{ "root", PA_ST_STRING, false, false, TF_ROOT },
	{ "tty", PA_ST_UINT32, false, false, TF_TTY },
	{ "file_descriptors", PA_ST_TABLE, true, false, TF_FDS },
	{ "cwd", PA_ST_STRING, true, false, TF_CWD },
};

enum fd_field {
	FF_TYPE, FF_OPEN_FLAGS, FF_NAME, FF_NAME_RAW, FF_OLD_NAME, FF_FLAGS, FF_DEV, FF_MOUNT_ID,
	FF_INO, FF_PID, FF_FD, FF_V4_SIP, FF_V4_DIP, FF_V4_SPORT, FF_V4_DPORT, FF_V4_L4,
	FF_V6_SIP_LO, FF_V6_SIP_HI, FF_V6_DIP_LO, FF_V6_DIP_HI, FF_V6_SPORT, FF_V6_DPORT, FF_V6_L4,
	FF_V4S_IP, FF_V4S_PORT, FF_V4S_L4, FF_V6S_IP_LO, FF_V6S_IP_HI, FF_V6S_PORT, FF_V6S_L4,
	FF_UNIX_SRC, FF_UNIX_DST,
};

static const struct ptab_field fd_fields[] = {
	{ "type", PA_ST_UINT8, true, false, FF_TYPE },
	{ "open_flags", PA_ST_UINT32, false, false, FF_OPEN_FLAGS },
	{ "name", PA_ST_STRING, false, false, FF_NAME },
	{ "name_raw", PA_ST_STRING, false, false, FF_NAME_RAW },
	{ "old_name", PA_ST_STRING, true, false, FF_OLD_NAME },
	{ "flags", PA_ST_UINT32, true, false, FF_FLAGS },
	{ "dev", PA_ST_UINT32, false, false, FF_DEV },
	{ "mount_id", PA_ST_UINT32, false, false, FF_MOUNT_ID },
	{ "ino", PA_ST_UINT64, false, false, FF_INO },
	{ "pid", PA_ST_INT64, true, false, FF_PID },
	{ "fd", PA_ST_INT64, true, false, FF_FD },
	{ "socket_ipv4_src_ip", PA_ST_UINT32, false, false, FF_V4_SIP },
	{ "socket_ipv4_dest_dip", PA_ST_UINT32, false, false, FF_V4_DIP },
	{ "socket_ipv4_src_port", PA_ST_UINT16, false, false, FF_V4_SPORT },
	{ "socket_ipv4_dst_port", PA_ST_UINT16, false, false, FF_V4_DPORT },
	{ "socket_ipv4_l4_proto", PA_ST_UINT8, true, false, FF_V4_L4 },
	{ "socket_ipv6_src_ip_low", PA_ST_UINT64, false, false, FF_V6_SIP_LO },
	{ "socket_ipv6_src_ip_high", PA_ST_UINT64, false, false, FF_V6_SIP_HI },
	{ "socket_ipv6_dest_ip_low", PA_ST_UINT64, false, false, FF_V6_DIP_LO },
	{ "socket_ipv6_dest_ip_high", PA_ST_UINT64, false, false, FF_V6_DIP_HI },
	{ "socket_ipv6_src_port", PA_ST_UINT16, false, false, FF_V6_SPORT },
	{ "socket_ipv6_dst_port", PA_ST_UINT16, false, false, FF_V6_DPORT },
	{ "socket_ipv6_l4_proto", PA_ST_UINT8, true, false, FF_V6_L4 },
	{ "socket_ipv4_server_ip", PA_ST_UINT32, false, false, FF_V4S_IP },
	{ "socket_ipv4_server_port", PA_ST_UINT16, false, false, FF_V4S_PORT },
	{ "socket_ipv4_server_l4_proto", PA_ST_UINT8, true, false, FF_V4S_L4 },
	{ "socket_ipv6_server_ip_low", PA_ST_UINT64, false, false, FF_V6S_IP_LO },
	{ "socket_ipv6_server_ip_high", PA_ST_UINT64, false, false, FF_V6S_IP_HI },
	{ "socket_ipv6_server_port", PA_ST_UINT16, false, false, FF_V6S_PORT },
	{ "socket_ipv6_server_l4_proto", PA_ST_UINT8, true, false, FF_V6S_L4 },
	{ "socket_unix_src", PA_ST_UINT64, false, false, FF_UNIX_SRC },
	{ "socket_unix_dest", PA_ST_UINT64, false, false, FF_UNIX_DST },
};

enum { VF_VALUE, VF_FIRST, VF_SECOND };

static const struct ptab_field value_fields[] = {
	{ "value", PA_ST_STRING, false, false, VF_VALUE },
};

static const struct ptab_field pair_fields[] = {
	{ "first", PA_ST_STRING, false, false, VF_FIRST },
	{ "second", PA_ST_STRING, false, false, VF_SECOND },
};

/* One kind of saker table: its fields, fixed and added. */
struct ptab_class {
	const char *name;
	uint32_t key_type;
	const struct ptab_field *stat;
	uint32_t nstat;
	bool can_add;
	struct ptab_field dyn[STATE_DYNV_MAX];
	uint32_t ndyn;
	struct pa_table_fieldinfo infos[64 + STATE_DYNV_MAX];
};

#define ARRAY_N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))

/* A table another plugin defined. */
struct ptab_plugin_table {
	struct pa_table_input in;	/* its vtables copied into rd, wr, fl */
	struct pa_reader_vt rd;
	struct pa_writer_vt wr;
	struct pa_fields_vt fl;
	char *name;
};

struct ptab_reg {
	struct state *st;
	struct ptab_class cls[PK__COUNT];
	struct ptab_plugin_table *ptabs[PTAB_MAX_PLUGIN_TABLES];
	uint32_t nptabs;
	struct pa_table_info infos[PTAB_MAX_PLUGIN_TABLES + 1];
	bool written;
	uint32_t iterating;	/* threads iterations under way: no erase */
};

/* ---- tables and entries --------------------------------------------------- */

struct ptab_ent;

/* A saker table as one plugin holds it: the table input first. */
struct ptab {
	struct pa_table_input in;	/* in.table is this ptab */
	struct ptab_owner *o;
	enum ptab_kind kind;
	int64_t tid;			/* subtables: the thread; -1 none */
	struct ptab_ent *det;		/* subtables of a detached thread: that entry */
};

/* What an entry created and not yet added holds. */
struct ptab_detached {
	struct thr t;			/* threads: strings and blobs owned */
	struct fdi f;			/* fds: name and nameraw owned */
	char *first, *second;		/* args, env (first), cgroups */
	struct state_dynv *dynv;
};

enum ent_mode { ENT_FREE, ENT_LIVE, ENT_ITER, ENT_DETACHED };

struct ptab_ent {
	struct ptab *t;
	int64_t key;
	enum ent_mode mode;
	struct ptab_ent *next;		/* the owner's free or busy list */
	struct ptab_detached *d;
	struct ptab sub[4];		/* fds, args, env, cgroups of a thread entry */
	bool sub_set[4];
};

struct ptab_owner {
	struct ptab_reg *r;
	const char *name;
	char *err;
	size_t errlen;
	struct ptab threads;
	struct ptab_ent *free, *busy;
	uint32_t nhandles;
};

static struct pa_reader_vt impl_rd;
static struct pa_writer_vt impl_wr;
static struct pa_fields_vt impl_fl;

static void seterr(struct ptab_owner *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void seterr(struct ptab_owner *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->err, o->errlen, fmt, ap);
	va_end(ap);
}

static void ptab_init(struct ptab *t, struct ptab_owner *o, enum ptab_kind k, int64_t tid,
		      struct ptab_ent *det)
{
	memset(t, 0, sizeof(*t));
	t->in.name = o->r->cls[k].name;
	t->in.key_type = o->r->cls[k].key_type;
	t->in.table = t;
	t->in.reader = (struct pa_reader_vt_v0){ impl_rd.get_table_name, impl_rd.get_table_size,
						 impl_rd.get_table_entry, impl_rd.read_entry_field };
	t->in.writer = impl_wr;
	t->in.fields = impl_fl;
	t->in.reader_ext = &impl_rd;
	t->in.writer_ext = &impl_wr;
	t->in.fields_ext = &impl_fl;
	t->o = o;
	t->kind = k;
	t->tid = tid;
	t->det = det;
}

static void set_class(struct ptab_class *c, const char *name, uint32_t key_type,
		      const struct ptab_field *stat, uint32_t nstat, bool can_add)
{
	c->name = name;
	c->key_type = key_type;
	c->stat = stat;
	c->nstat = nstat;
	c->can_add = can_add;
}

int ptab_reg__new(struct state *st, struct ptab_reg **out)
{
	struct ptab_reg *r = mem_calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->st = st;
	set_class(&r->cls[PK_THREADS], "threads", PA_ST_INT64, thr_fields, ARRAY_N(thr_fields),
		  true);
	set_class(&r->cls[PK_FDS], "file_descriptors", PA_ST_INT64, fd_fields,
		  ARRAY_N(fd_fields), true);
	set_class(&r->cls[PK_ARGS], "args", PA_ST_UINT64, value_fields, ARRAY_N(value_fields),
		  false);
	set_class(&r->cls[PK_ENV], "env", PA_ST_UINT64, value_fields, ARRAY_N(value_fields),
		  false);
	set_class(&r->cls[PK_CGROUPS], "cgroups", PA_ST_UINT64, pair_fields, ARRAY_N(pair_fields),
		  false);
	*out = r;
	return 0;
}

void ptab_reg__free(struct ptab_reg *r)
{
	if (!r)
		return;
	for (int k = 0; k < PK__COUNT; k++)
		for (uint32_t i = 0; i < r->cls[k].ndyn; i++)
			mem_free((char *)r->cls[k].dyn[i].name);
	for (uint32_t i = 0; i < r->nptabs; i++) {
		mem_free(r->ptabs[i]->name);
		mem_free(r->ptabs[i]);
	}
	mem_free(r);
}

bool ptab_reg_take_written(struct ptab_reg *r)
{
	bool w = r->written;

	r->written = false;
	return w;
}

static void detached_free(struct ptab_detached *d)
{
	if (!d)
		return;
	mem_free((char *)d->t.comm);
	mem_free((char *)d->t.exe);
	mem_free((char *)d->t.exepath);
	mem_free((char *)d->t.cwd);
	mem_free((char *)d->t.root);
	mem_free((char *)d->t.args.p);
	mem_free((char *)d->t.env.p);
	mem_free((char *)d->t.cgroups.p);
	mem_free((char *)d->f.name);
	mem_free((char *)d->f.nameraw);
	mem_free(d->first);
	mem_free(d->second);
	state_dynv_free(d->dynv);
	mem_free(d);
}

int ptab_owner__new(struct ptab_reg *r, const char *name, char *err, size_t errlen,
		    struct ptab_owner **out)
{
	struct ptab_owner *o = mem_calloc(1, sizeof(*o));

	*out = NULL;
	if (!o)
		return -ENOMEM;
	o->r = r;
	o->name = name;
	o->err = err;
	o->errlen = errlen;
	ptab_init(&o->threads, o, PK_THREADS, -1, NULL);
	*out = o;
	return 0;
}

static void free_list(struct ptab_ent *e)
{
	while (e) {
		struct ptab_ent *n = e->next;

		detached_free(e->d);
		mem_free(e);
		e = n;
	}
}

void ptab_owner__free(struct ptab_owner *o)
{
	if (!o)
		return;
	free_list(o->free);
	free_list(o->busy);
	mem_free(o);
}

/* A handle of o's for an entry of table t. NULL (error set) past the bound. */
static struct ptab_ent *ent_get(struct ptab *t, int64_t key, enum ent_mode mode)
{
	struct ptab_owner *o = t->o;
	struct ptab_ent *e = o->free;

	if (e) {
		o->free = e->next;
	} else {
		if (o->nhandles >= PTAB_MAX_HANDLES) {
			seterr(o, "plugin '%s' holds %d table entries it never released", o->name,
			       PTAB_MAX_HANDLES);
			return NULL;
		}
		if (!(e = mem_calloc(1, sizeof(*e)))) {
			seterr(o, "out of memory");
			return NULL;
		}
		o->nhandles++;
	}
	e->t = t;
	e->key = key;
	e->mode = mode;
	e->d = NULL;
	memset(e->sub_set, 0, sizeof(e->sub_set));
	e->next = o->busy;
	o->busy = e;
	return e;
}

/* Back to the free list (and out of the busy list). */
static void ent_put(struct ptab_owner *o, struct ptab_ent *e)
{
	struct ptab_ent **pp = &o->busy;

	while (*pp && *pp != e)
		pp = &(*pp)->next;
	if (!*pp)
		return;	/* not busy: released twice, or not ours */
	*pp = e->next;
	detached_free(e->d);
	e->d = NULL;
	e->mode = ENT_FREE;
	e->next = o->free;
	o->free = e;
}

void ptab_owner_end_call(struct ptab_owner *o)
{
	while (o->busy)
		ent_put(o, o->busy);
}

/* ---- what entries stand for ------------------------------------------------ */

/* The thread a threads entry or a subtable is about: live, or the
 * detached entry's own. NULL (error set) when it is gone. */
static struct thr *thread_of(struct ptab *t, struct ptab_ent *e)
{
	struct state *st = t->o->r->st;
	struct thr *th;

	if (t->kind == PK_THREADS) {
		if (e->mode == ENT_DETACHED)
			return &e->d->t;
		th = state__thread(st, e->key);
		if (!th)
			seterr(t->o, "thread %" PRId64 " is no longer in the threads table", e->key);
		return th;
	}
	if (t->det)
		return &t->det->d->t;
	th = state__thread(st, t->tid);
	if (!th)
		seterr(t->o, "thread %" PRId64 " is no longer in the threads table", t->tid);
	return th;
}

/* The fd of a file_descriptors entry. */
static struct fdi *fd_of(struct ptab *t, struct ptab_ent *e)
{
	struct thr *th;
	struct fdi *f;

	if (e->mode == ENT_DETACHED)
		return &e->d->f;
	if (t->det) {
		seterr(t->o, "the thread entry was never added: it has no fds");
		return NULL;
	}
	if (!(th = thread_of(t, e)))
		return NULL;
	f = state__fd(t->o->r->st, th, e->key);
	if (!f)
		seterr(t->o, "fd %" PRId64 " of thread %" PRId64 " is not open", e->key, t->tid);
	return f;
}

static struct thr_blob *blob_of(struct thr *th, enum ptab_kind k)
{
	return k == PK_ARGS ? &th->args : k == PK_ENV ? &th->env : &th->cgroups;
}

/* Item i of a NUL-separated list, its length in *len. */
static const char *blob_item(const struct thr_blob *b, uint64_t i, uint32_t *len)
{
	uint32_t off = 0;

	for (uint64_t k = 0; b->p && off < b->len; k++) {
		uint32_t l = (uint32_t)strnlen(b->p + off, b->len - off);

		if (k == i) {
			*len = l;
			return b->p + off;
		}
		off += l + 1;
	}
	return NULL;
}

static uint64_t blob_count(const struct thr_blob *b)
{
	uint64_t n = 0;

	for (uint32_t off = 0; b->p && off < b->len; n++)
		off += (uint32_t)strnlen(b->p + off, b->len - off) + 1;
	return n;
}

/* ---- fields: listing and lookup ------------------------------------------- */

static struct ptab_class *class_of(struct ptab *t)
{
	return &t->o->r->cls[t->kind];
}

static const struct pa_table_fieldinfo *t_list_fields(pa_table_t *tt, uint32_t *n)
{
	struct ptab *t = tt;
	struct ptab_class *c = class_of(t);
	uint32_t k = 0;

	for (uint32_t i = 0; i < c->nstat; i++)
		c->infos[k++] = (struct pa_table_fieldinfo){ c->stat[i].name, c->stat[i].type,
							     c->stat[i].ro };
	for (uint32_t i = 0; i < c->ndyn; i++)
		c->infos[k++] = (struct pa_table_fieldinfo){ c->dyn[i].name, c->dyn[i].type, false };
	*n = k;
	return c->infos;
}

static const char *type_name(uint32_t t)
{
	switch (t) {
	case PA_ST_INT8: return "int8";
	case PA_ST_INT16: return "int16";
	case PA_ST_INT32: return "int32";
	case PA_ST_INT64: return "int64";
	case PA_ST_UINT8: return "uint8";
	case PA_ST_UINT16: return "uint16";
	case PA_ST_UINT32: return "uint32";
	case PA_ST_UINT64: return "uint64";
	case PA_ST_STRING: return "string";
	case PA_ST_TABLE: return "table";
	case PA_ST_BOOL: return "bool";
	default: return "unknown";
	}
}

/* Integer types of one width: a fixed field may be read and written with
 * either signedness (the bits are the same). */
static int int_width(uint32_t t)
{
	switch (t) {
	case PA_ST_INT8: case PA_ST_UINT8: return 1;
	case PA_ST_INT16: case PA_ST_UINT16: return 2;
	case PA_ST_INT32: case PA_ST_UINT32: return 4;
	case PA_ST_INT64: case PA_ST_UINT64: return 8;
	default: return 0;
	}
}

static pa_table_field_t *t_get_field(pa_table_t *tt, const char *name, uint32_t type)
{
	struct ptab *t = tt;
	struct ptab_class *c = class_of(t);

	for (uint32_t i = 0; i < c->nstat; i++) {
		const struct ptab_field *f = &c->stat[i];

		if (strcmp(f->name, name))
			continue;
		if (f->type != type && (!int_width(type) || int_width(type) != int_width(f->type))) {
			seterr(t->o, "data type for field: %s, requested type %s doesn't match actual "
			       "type %s", name, type_name(type), type_name(f->type));
			return NULL;
		}
		return (pa_table_field_t *)f;
	}
	for (uint32_t i = 0; i < c->ndyn; i++) {
		if (strcmp(c->dyn[i].name, name))
			continue;
		if (c->dyn[i].type != type) {
			seterr(t->o, "incompatible data types for dynamic field: %s", name);
			return NULL;
		}
		return &c->dyn[i];
	}
	seterr(t->o, "undefined field '%s' in table '%s'", name, c->name);
	return NULL;
}

static bool dyn_type_ok(uint32_t t)
{
	return int_width(t) || t == PA_ST_STRING || t == PA_ST_BOOL;
}

static pa_table_field_t *t_add_field(pa_table_t *tt, const char *name, uint32_t type)
{
	struct ptab *t = tt;
	struct ptab_class *c = class_of(t);
	struct ptab_field *f;

	if (!c->can_add) {
		seterr(t->o, "can't add dynamic fields to table '%s'", c->name);
		return NULL;
	}
	if (type == PA_ST_TABLE) {
		seterr(t->o, "can't add dynamic field of type table: %s", name);
		return NULL;
	}
	if (!dyn_type_ok(type)) {
		seterr(t->o, "can't add dynamic field %s of unknown type %u", name, type);
		return NULL;
	}
	for (uint32_t i = 0; i < c->nstat; i++)
		if (!strcmp(c->stat[i].name, name)) {
			seterr(t->o, "can't add dynamic field already defined as static: %s", name);
			return NULL;
		}
	for (uint32_t i = 0; i < c->ndyn; i++)
		if (!strcmp(c->dyn[i].name, name)) {
			if (c->dyn[i].type != type) {
				seterr(t->o, "multiple definitions of dynamic field with different "
				       "types in table '%s': %s", c->name, name);
				return NULL;
			}
			return &c->dyn[i];
		}
	if (c->ndyn == STATE_DYNV_MAX) {
		seterr(t->o, "table '%s' has the most fields plugins may add (%d)", c->name,
		       STATE_DYNV_MAX);
		return NULL;
	}
	f = &c->dyn[c->ndyn];
	*f = (struct ptab_field){ .name = mem_strdup(name), .type = type, .dyn = true,
				  .id = (uint16_t)c->ndyn };
	if (!f->name) {
		seterr(t->o, "out of memory");
		return NULL;
	}
	c->ndyn++;
	return f;
}

/* ---- reading -------------------------------------------------------------- */

static void put_int(union pa_state_data *out, uint32_t type, uint64_t v)
{
	switch (int_width(type)) {
	case 1: out->u8 = (uint8_t)v; break;
	case 2: out->u16 = (uint16_t)v; break;
	case 4: out->u32 = (uint32_t)v; break;
	default: out->u64 = v; break;
	}
}

static uint64_t get_int(const union pa_state_data *in, uint32_t type)
{
	switch (type) {
	case PA_ST_INT8: return (uint64_t)(int64_t)in->s8;
	case PA_ST_INT16: return (uint64_t)(int64_t)in->s16;
	case PA_ST_INT32: return (uint64_t)(int64_t)in->s32;
	case PA_ST_UINT8: return in->u8;
	case PA_ST_UINT16: return in->u16;
	case PA_ST_UINT32: return in->u32;
	case PA_ST_BOOL: return in->b != 0;
	default: return in->u64;
	}
}

/* The subtable of thread entry e: one of e's own. */
static pa_table_t *subtable(struct ptab *t, struct ptab_ent *e, enum ptab_kind k)
{
	int i = k - PK_FDS;

	if (!e->sub_set[i]) {
		ptab_init(&e->sub[i], t->o, k, e->mode == ENT_DETACHED ? -1 : e->key,
			  e->mode == ENT_DETACHED ? e : NULL);
		e->sub_set[i] = true;
	}
	return &e->sub[i];
}

static uint32_t thr_flags(const struct thr *th)
{
	uint32_t f = 0;

	if (th->tid != th->pid)
		f |= PPM_CLONE_FLAGS_CLONE_THREAD;
	if (th->flags & THR_F_CHILD_IN_PIDNS)
		f |= PPM_CLONE_FLAGS_CLONE_CHILD_IN_PIDNS;
	if (th->flags & THR_F_DEAD)
		f |= PPM_CLONE_FLAGS_CLOSED;
	return f;
}

static int32_t read_thread(struct ptab *t, struct ptab_ent *e, const struct ptab_field *f,
			   union pa_state_data *out)
{
	struct thr *th = thread_of(t, e);

	if (!th)
		return PA_FAILURE;
	switch (f->id) {
	case TF_TID: put_int(out, f->type, (uint64_t)(e->mode == ENT_DETACHED ? -1 : th->tid)); break;
	case TF_PID: put_int(out, f->type, (uint64_t)th->pid); break;
	case TF_PTID: put_int(out, f->type, (uint64_t)th->ptid); break;
	case TF_REAPER: put_int(out, f->type, (uint64_t)-1); break;
	case TF_SID: put_int(out, f->type, (uint64_t)th->sid); break;
	case TF_COMM: out->str = th->comm ? th->comm : ""; break;
	case TF_EXE: out->str = th->exe ? th->exe : ""; break;
	case TF_EXEPATH: out->str = th->exepath ? th->exepath : ""; break;
	case TF_EXE_WRITABLE: out->b = !!(th->flags & THR_F_EXE_WRITABLE); break;
	case TF_EXE_UPPER: out->b = !!(th->flags & THR_F_EXE_UPPER_LAYER); break;
	case TF_EXE_LOWER: out->b = !!(th->flags & THR_F_EXE_LOWER_LAYER); break;
	case TF_EXE_MEMFD: out->b = !!(th->flags & THR_F_EXE_FROM_MEMFD); break;
	case TF_ARGS: out->table = subtable(t, e, PK_ARGS); break;
	case TF_ENV: out->table = subtable(t, e, PK_ENV); break;
	case TF_CGROUPS: out->table = subtable(t, e, PK_CGROUPS); break;
	case TF_FDS: out->table = subtable(t, e, PK_FDS); break;
	case TF_FLAGS: put_int(out, f->type, thr_flags(th)); break;
	case TF_FDLIMIT: put_int(out, f->type, (uint64_t)th->fdlimit); break;
	case TF_UID: put_int(out, f->type, th->uid); break;
	case TF_GID: put_int(out, f->type, th->gid); break;
	case TF_LOGINUID: put_int(out, f->type, (uint32_t)th->loginuid); break;
	case TF_EXE_INO: put_int(out, f->type, th->exe_ino); break;
	case TF_EXE_INO_CTIME: put_int(out, f->type, th->exe_ino_ctime); break;
	case TF_EXE_INO_MTIME: put_int(out, f->type, th->exe_ino_mtime); break;
	case TF_VTID: put_int(out, f->type, (uint64_t)th->vtid); break;
	case TF_VPID: put_int(out, f->type, (uint64_t)th->vpid); break;
	case TF_VPGID: put_int(out, f->type, (uint64_t)th->vpgid); break;
	case TF_PGID: put_int(out, f->type, (uint64_t)th->pgid); break;
	case TF_PIDNS_TS: put_int(out, f->type, th->pidns_init_start_ts); break;
	case TF_ROOT: out->str = th->root ? th->root : ""; break;
	case TF_TTY: put_int(out, f->type, th->tty); break;
	case TF_CWD: out->str = th->cwd ? th->cwd : ""; break;
	default: return PA_FAILURE;
	}
	return PA_SUCCESS;
}

static uint32_t v4(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, 4);	/* network byte order, as libsinsp keeps it */
	return v;
}

static uint64_t v6half(const uint8_t *a, int hi)
{
	uint64_t v;

	memcpy(&v, a + (hi ? 8 : 0), 8);
	return v;
}

static int32_t read_fd(struct ptab *t, struct ptab_ent *e, const struct ptab_field *f,
		       union pa_state_data *out)
{
	const struct fdi *fd = fd_of(t, e);
	bool server;

	if (!fd)
		return PA_FAILURE;
	server = fd->flags & (FDI_F_LISTENING | FDI_F_SERVSOCK);
	switch (f->id) {
	case FF_TYPE: put_int(out, f->type, fdi_scap_type(fd)); break;
	case FF_OPEN_FLAGS: put_int(out, f->type, fd->open_flags); break;
	case FF_NAME: out->str = fd->name ? fd->name : ""; break;
	case FF_NAME_RAW: out->str = fd->nameraw ? fd->nameraw : ""; break;
	case FF_OLD_NAME: out->str = ""; break;
	case FF_FLAGS: put_int(out, f->type, 0); break;
	case FF_DEV: put_int(out, f->type, fd->dev); break;
	case FF_MOUNT_ID: put_int(out, f->type, fd->mount_id); break;
	case FF_INO: put_int(out, f->type, fd->ino); break;
	case FF_PID: put_int(out, f->type, (uint64_t)(t->det ? -1 : t->tid)); break;
	case FF_FD: put_int(out, f->type, (uint64_t)fd->num); break;
	case FF_V4_SIP: put_int(out, f->type, v4(fd->src.addr)); break;
	case FF_V4_DIP: put_int(out, f->type, v4(fd->dst.addr)); break;
	case FF_V4_SPORT: case FF_V6_SPORT: put_int(out, f->type, fd->src.port); break;
	case FF_V4_DPORT: case FF_V6_DPORT: put_int(out, f->type, fd->dst.port); break;
	case FF_V4_L4: case FF_V6_L4: case FF_V4S_L4: case FF_V6S_L4:
		put_int(out, f->type, fdi_scap_l4(fd->l4proto));
		break;
	case FF_V6_SIP_LO: put_int(out, f->type, v6half(fd->src.addr, 0)); break;
	case FF_V6_SIP_HI: put_int(out, f->type, v6half(fd->src.addr, 1)); break;
	case FF_V6_DIP_LO: put_int(out, f->type, v6half(fd->dst.addr, 0)); break;
	case FF_V6_DIP_HI: put_int(out, f->type, v6half(fd->dst.addr, 1)); break;
	case FF_V4S_IP: put_int(out, f->type, server ? v4(fd->dst.addr) : 0); break;
	case FF_V4S_PORT: case FF_V6S_PORT: put_int(out, f->type, server ? fd->dst.port : 0); break;
	case FF_V6S_IP_LO: put_int(out, f->type, server ? v6half(fd->dst.addr, 0) : 0); break;
	case FF_V6S_IP_HI: put_int(out, f->type, server ? v6half(fd->dst.addr, 1) : 0); break;
	case FF_UNIX_SRC: put_int(out, f->type, fd->unix_src); break;
	case FF_UNIX_DST: put_int(out, f->type, fd->unix_dst); break;
	default: return PA_FAILURE;
	}
	return PA_SUCCESS;
}

/* A list item as the entry's value(s), copied into the owner's scratch. */
static int32_t read_item(struct ptab *t, struct ptab_ent *e, const struct ptab_field *f,
			 union pa_state_data *out)
{
	static __thread char buf[4096];
	const struct thr *th;
	const char *s, *eq;
	uint32_t len;

	if (e->mode == ENT_DETACHED) {
		out->str = f->id == VF_SECOND ? (e->d->second ? e->d->second : "")
					      : (e->d->first ? e->d->first : "");
		return PA_SUCCESS;
	}
	if (!(th = thread_of(t, e)))
		return PA_FAILURE;
	s = blob_item(blob_of((struct thr *)th, t->kind), (uint64_t)e->key, &len);
	if (!s) {
		seterr(t->o, "entry %" PRId64 " of table '%s' is gone", e->key, class_of(t)->name);
		return PA_FAILURE;
	}
	if (t->kind != PK_CGROUPS) {
		out->str = s;	/* NUL-terminated in the list */
		return PA_SUCCESS;
	}
	/* a cgroup is "subsys=path" */
	eq = memchr(s, '=', len);
	if (f->id == VF_SECOND) {
		out->str = eq ? eq + 1 : "";
		return PA_SUCCESS;
	}
	len = eq ? (uint32_t)(eq - s) : len;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	out->str = buf;
	return PA_SUCCESS;
}

static struct state_dynv **dynv_of(struct ptab *t, struct ptab_ent *e)
{
	struct state *st = t->o->r->st;
	struct thr *th;
	struct state_dynv **v;

	if (e->mode == ENT_DETACHED)
		return &e->d->dynv;
	if (!(th = thread_of(t, e)))
		return NULL;
	if (t->kind == PK_THREADS)
		return state__thr_dynv(st, th);
	v = state__fd_dynv(st, th, e->key);
	if (!v)
		seterr(t->o, "fd %" PRId64 " of thread %" PRId64 " is not open", e->key, t->tid);
	return v;
}

static int32_t t_read(pa_table_t *tt, pa_table_entry_t *ee, const pa_table_field_t *ff,
		      union pa_state_data *out)
{
	struct ptab *t = tt;
	struct ptab_ent *e = ee;
	const struct ptab_field *f = ff;
	struct state_dynv **v;
	uint64_t num;

	memset(out, 0, sizeof(*out));
	if (!e || !f)
		return PA_FAILURE;
	if (f->dyn) {
		if (!(v = dynv_of(t, e)))
			return PA_FAILURE;
		if (f->type == PA_ST_STRING) {
			const char *s = state_dynv_str(*v, f->id);

			out->str = s ? s : "";
		} else {
			put_int(out, f->type, state_dynv_num(*v, f->id, &num) ? num : 0);
			if (f->type == PA_ST_BOOL)
				out->b = state_dynv_num(*v, f->id, &num) && num;
		}
		return PA_SUCCESS;
	}
	switch (t->kind) {
	case PK_THREADS: return read_thread(t, e, f, out);
	case PK_FDS: return read_fd(t, e, f, out);
	default: return read_item(t, e, f, out);
	}
}

/* ---- writing -------------------------------------------------------------- */

static int32_t write_thread(struct ptab *t, struct ptab_ent *e, const struct ptab_field *f,
			    const union pa_state_data *in)
{
	struct state *st = t->o->r->st;
	bool live = e->mode != ENT_DETACHED;
	struct thr *th = thread_of(t, e);
	uint64_t v;
	int err = 0;

	if (!th)
		return PA_FAILURE;
	v = get_int(in, f->type);
	switch (f->id) {
	case TF_PID:
		if (live)
			state__thr_set_pid(st, th, (int64_t)v);
		else
			th->pid = (int64_t)v;
		break;
	case TF_PTID:
		if (live)
			state__thr_set_ptid(st, th, (int64_t)v);
		else
			th->ptid = (int64_t)v;
		break;
	case TF_COMM: case TF_EXE: case TF_EXEPATH: case TF_ROOT: {
		const char **m = f->id == TF_COMM ? &th->comm : f->id == TF_EXE ? &th->exe
				 : f->id == TF_EXEPATH ? &th->exepath : &th->root;

		if (live) {
			err = state__thr_set_str(st, th, m, in->str ? in->str : "");
		} else {
			char *c = mem_strdup(in->str ? in->str : "");

			if (!c)
				err = -ENOMEM;
			else {
				mem_free((char *)*m);
				*m = c;
			}
		}
		break;
	}
	case TF_EXE_WRITABLE: case TF_EXE_UPPER: case TF_EXE_LOWER: case TF_EXE_MEMFD: {
		uint32_t bit = f->id == TF_EXE_WRITABLE ? THR_F_EXE_WRITABLE
			       : f->id == TF_EXE_UPPER ? THR_F_EXE_UPPER_LAYER
			       : f->id == TF_EXE_LOWER ? THR_F_EXE_LOWER_LAYER : THR_F_EXE_FROM_MEMFD;

		th->flags = in->b ? th->flags | bit : th->flags & ~bit;
		break;
	}
	case TF_SID: th->sid = (int64_t)v; break;
	case TF_FDLIMIT: th->fdlimit = (int64_t)v; break;
	case TF_UID: th->uid = (uint32_t)v; break;
	case TF_GID: th->gid = (uint32_t)v; break;
	case TF_LOGINUID: th->loginuid = (uint32_t)v == UINT32_MAX ? -1 : (int64_t)(uint32_t)v; break;
	case TF_EXE_INO: th->exe_ino = v; break;
	case TF_EXE_INO_CTIME: th->exe_ino_ctime = v; break;
	case TF_EXE_INO_MTIME: th->exe_ino_mtime = v; break;
	case TF_VTID: th->vtid = (int64_t)v; break;
	case TF_VPID: th->vpid = (int64_t)v; break;
	case TF_VPGID: th->vpgid = (int64_t)v; break;
	case TF_PGID: th->pgid = (int64_t)v; break;
	case TF_PIDNS_TS: th->pidns_init_start_ts = v; break;
	case TF_TTY: th->tty = (uint32_t)v; break;
	default:
		return PA_FAILURE;
	}
	if (err) {
		seterr(t->o, "out of memory");
		return PA_FAILURE;
	}
	if (live)
		state__thr_changed(st, th);
	return PA_SUCCESS;
}

static void set_v4(uint8_t *a, uint64_t v)
{
	uint32_t x = (uint32_t)v;

	memcpy(a, &x, 4);
}

static void set_v6half(uint8_t *a, int hi, uint64_t v)
{
	memcpy(a + (hi ? 8 : 0), &v, 8);
}

static int32_t write_fd(struct ptab *t, struct ptab_ent *e, const struct ptab_field *f,
			const union pa_state_data *in)
{
	struct fdi *cur = fd_of(t, e), nf;
	uint64_t v = get_int(in, f->type);
	const char *s = in->str ? in->str : "";

	if (!cur)
		return PA_FAILURE;
	nf = *cur;
	switch (f->id) {
	case FF_OPEN_FLAGS: nf.open_flags = (uint32_t)v; break;
	case FF_NAME: nf.name = s; nf.name_len = (uint32_t)strlen(s); break;
	case FF_NAME_RAW: nf.nameraw = s; nf.nameraw_len = (uint32_t)strlen(s); break;
	case FF_DEV: nf.dev = (uint32_t)v; break;
	case FF_MOUNT_ID: nf.mount_id = (uint32_t)v; break;
	case FF_INO: nf.ino = v; break;
	case FF_V4_SIP: set_v4(nf.src.addr, v); break;
	case FF_V4_DIP: case FF_V4S_IP: set_v4(nf.dst.addr, v); break;
	case FF_V4_SPORT: case FF_V6_SPORT: nf.src.port = (uint16_t)v; break;
	case FF_V4_DPORT: case FF_V6_DPORT: case FF_V4S_PORT: case FF_V6S_PORT:
		nf.dst.port = (uint16_t)v;
		break;
	case FF_V6_SIP_LO: set_v6half(nf.src.addr, 0, v); break;
	case FF_V6_SIP_HI: set_v6half(nf.src.addr, 1, v); break;
	case FF_V6_DIP_LO: case FF_V6S_IP_LO: set_v6half(nf.dst.addr, 0, v); break;
	case FF_V6_DIP_HI: case FF_V6S_IP_HI: set_v6half(nf.dst.addr, 1, v); break;
	case FF_UNIX_SRC: nf.unix_src = v; break;
	case FF_UNIX_DST: nf.unix_dst = v; break;
	default: return PA_FAILURE;
	}
	if (e->mode == ENT_DETACHED) {
		if (f->id == FF_NAME || f->id == FF_NAME_RAW) {
			char *c = mem_strdup(s);

			if (!c) {
				seterr(t->o, "out of memory");
				return PA_FAILURE;
			}
			mem_free((char *)(f->id == FF_NAME ? cur->name : cur->nameraw));
			if (f->id == FF_NAME)
				nf.name = c;
			else
				nf.nameraw = c;
		}
		*cur = nf;
		return PA_SUCCESS;
	}
	if (state__put_fd(t->o->r->st, thread_of(t, e), &nf)) {
		seterr(t->o, "out of memory");
		return PA_FAILURE;
	}
	t->o->r->written = true;
	return PA_SUCCESS;
}

/* Replaces item i of a list (args, env: s; cgroups: first=second). */
static int32_t write_item(struct ptab *t, struct ptab_ent *e, const struct ptab_field *f,
			  const union pa_state_data *in)
{
	const char *s = in->str ? in->str : "";
	struct thr *th;
	struct thr_blob *b;
	char **slot;
	const char *old, *eq;
	uint32_t len, pre, post;
	char *nb, first[4096];
	size_t n, fl;

	if (e->mode == ENT_DETACHED) {
		slot = f->id == VF_SECOND ? &e->d->second : &e->d->first;
		if (!(nb = mem_strdup(s))) {
			seterr(t->o, "out of memory");
			return PA_FAILURE;
		}
		mem_free(*slot);
		*slot = nb;
		return PA_SUCCESS;
	}
	if (!(th = thread_of(t, e)))
		return PA_FAILURE;
	b = blob_of(th, t->kind);
	if (!(old = blob_item(b, (uint64_t)e->key, &len))) {
		seterr(t->o, "entry %" PRId64 " of table '%s' is gone", e->key, class_of(t)->name);
		return PA_FAILURE;
	}
	pre = (uint32_t)(old - b->p);
	post = b->len - pre - len - 1;
	if (t->kind == PK_CGROUPS) {
		eq = memchr(old, '=', len);
		fl = eq ? (size_t)(eq - old) : len;
		if (f->id == VF_FIRST) {
			snprintf(first, sizeof(first), "%s=%.*s", s, eq ? (int)(len - fl - 1) : 0,
				 eq ? eq + 1 : "");
		} else {
			snprintf(first, sizeof(first), "%.*s=%s", (int)fl, old, s);
		}
		s = first;
	}
	n = strlen(s);
	nb = mem_malloc(pre + n + 1 + post);
	if (!nb) {
		seterr(t->o, "out of memory");
		return PA_FAILURE;
	}
	memcpy(nb, b->p, pre);
	memcpy(nb + pre, s, n + 1);
	memcpy(nb + pre + n + 1, old + len + 1, post);
	if (state__thr_set_blob(t->o->r->st, th, b, nb, (uint32_t)(pre + n + 1 + post))) {
		mem_free(nb);
		seterr(t->o, "out of memory");
		return PA_FAILURE;
	}
	mem_free(nb);
	t->o->r->written = true;
	return PA_SUCCESS;
}

static int32_t t_write(pa_table_t *tt, pa_table_entry_t *ee, const pa_table_field_t *ff,
		       const union pa_state_data *in)
{
	struct ptab *t = tt;
	struct ptab_ent *e = ee;
	const struct ptab_field *f = ff;
	struct state_dynv **v;
	int err;

	if (!e || !f || !in)
		return PA_FAILURE;
	if (f->ro) {
		seterr(t->o, "field '%s' of table '%s' is read-only", f->name, class_of(t)->name);
		return PA_FAILURE;
	}
	if (f->dyn) {
		if (!(v = dynv_of(t, e)))
			return PA_FAILURE;
		if (f->type == PA_ST_STRING)
			err = state_dynv_set_str(v, f->id, in->str);
		else
			err = state_dynv_set_num(v, f->id, get_int(in, f->type));
		if (err) {
			seterr(t->o, "out of memory");
			return PA_FAILURE;
		}
		return PA_SUCCESS;
	}
	switch (t->kind) {
	case PK_THREADS:
		if (write_thread(t, e, f, in) != PA_SUCCESS)
			return PA_FAILURE;
		t->o->r->written = e->mode != ENT_DETACHED || t->o->r->written;
		return PA_SUCCESS;
	case PK_FDS: return write_fd(t, e, f, in);
	default: return write_item(t, e, f, in);
	}
}

/* ---- entries ----------------------------------------------------------------- */

static const char *t_name(pa_table_t *tt)
{
	return class_of(tt)->name;
}

static uint64_t t_size(pa_table_t *tt)
{
	struct ptab *t = tt;
	struct state *st = t->o->r->st;
	struct state_stats ss;
	struct thr *th;

	if (t->kind == PK_THREADS) {
		state__stats(st, &ss);
		return ss.threads;
	}
	if (t->det) {
		struct thr *dt = &t->det->d->t;

		return t->kind == PK_FDS ? 0 : blob_count(blob_of(dt, t->kind));
	}
	if (!(th = state__thread(st, t->tid)))
		return 0;
	return t->kind == PK_FDS ? state__fd_count(st, th) : blob_count(blob_of(th, t->kind));
}

static int64_t key_of(struct ptab *t, const union pa_state_data *key)
{
	return t->in.key_type == PA_ST_UINT64 ? (int64_t)key->u64 : key->s64;
}

static pa_table_entry_t *t_get_entry(pa_table_t *tt, const union pa_state_data *key)
{
	struct ptab *t = tt;
	int64_t k;
	uint32_t len;
	struct thr *th;

	if (!key) {
		seterr(t->o, "null key");
		return NULL;
	}
	k = key_of(t, key);
	if (t->kind == PK_THREADS) {
		if (!state__thread(t->o->r->st, k)) {
			seterr(t->o, "get_entry found no element at given key");
			return NULL;
		}
		return ent_get(t, k, ENT_LIVE);
	}
	if (t->det) {
		seterr(t->o, "get_entry found no element at given key");
		return NULL;
	}
	if (!(th = state__thread(t->o->r->st, t->tid)) ||
	    (t->kind == PK_FDS ? !state__fd(t->o->r->st, th, k)
			       : !blob_item(blob_of(th, t->kind), (uint64_t)k, &len))) {
		seterr(t->o, "get_entry found no element at given key");
		return NULL;
	}
	return ent_get(t, k, ENT_LIVE);
}

static void t_release(pa_table_t *tt, pa_table_entry_t *ee)
{
	struct ptab *t = tt;
	struct ptab_ent *e = ee;

	if (e && e->mode == ENT_LIVE)
		ent_put(t->o, e);
}

struct thr_iter {
	struct ptab *t;
	pa_table_iter_fn fn;
	pa_table_iter_state_t *s;
	struct ptab_ent e;
	bool stopped;
};

static int iter_thread(void *ctx, const struct thr *th)
{
	struct thr_iter *it = ctx;

	memset(&it->e, 0, sizeof(it->e));
	it->e.t = it->t;
	it->e.key = th->tid;
	it->e.mode = ENT_ITER;
	if (!it->fn(it->s, &it->e)) {
		it->stopped = true;
		return 1;
	}
	return 0;
}

/* The first fd of th's process numbered above last (binary search: the
 * table is in fd order). */
static struct fdi *fd_after(struct state *st, const struct thr *th, int64_t last)
{
	uint32_t lo = 0, hi = state__fd_count(st, th);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		struct fdi *f = state__fd_at(st, th, mid);

		if (f && f->num <= last)
			lo = mid + 1;
		else
			hi = mid;
	}
	return state__fd_at(st, th, lo);
}

static pa_bool t_iterate(pa_table_t *tt, pa_table_iter_fn fn, pa_table_iter_state_t *s)
{
	struct ptab *t = tt;
	struct state *st = t->o->r->st;
	struct thr_iter it = { .t = t, .fn = fn, .s = s };
	struct thr *th;

	if (!fn)
		return 0;
	if (t->kind == PK_THREADS) {
		/* a thread erased now would pull the table from under the walk */
		t->o->r->iterating++;
		state__thread_foreach(st, iter_thread, &it);
		t->o->r->iterating--;
		return !it.stopped;
	}
	if (t->det || !(th = state__thread(st, t->tid)))
		return 1;
	if (t->kind == PK_FDS) {
		/* in fd order, the next one found by number each time, so fds
		 * the callback adds or erases do not derail the walk */
		int64_t last = INT64_MIN;
		struct fdi *f;

		while ((f = fd_after(st, th, last)) != NULL) {
			last = f->num;
			memset(&it.e, 0, sizeof(it.e));
			it.e.t = t;
			it.e.key = f->num;
			it.e.mode = ENT_ITER;
			if (!fn(s, &it.e))
				return 0;
			if (!(th = state__thread(st, t->tid)))
				break;
		}
		return 1;
	}
	for (uint64_t i = 0, n = blob_count(blob_of(th, t->kind)); i < n; i++) {
		memset(&it.e, 0, sizeof(it.e));
		it.e.t = t;
		it.e.key = (int64_t)i;
		it.e.mode = ENT_ITER;
		if (!fn(s, &it.e))
			return 0;
		if (!(th = state__thread(st, t->tid)))
			break;
	}
	return 1;
}

static int32_t t_clear(pa_table_t *tt)
{
	struct ptab *t = tt;

	seterr(t->o, "saker does not let plugins clear its '%s' table", class_of(t)->name);
	return PA_FAILURE;
}

static int32_t t_erase(pa_table_t *tt, const union pa_state_data *key)
{
	struct ptab *t = tt;
	struct state *st = t->o->r->st;
	struct thr *th;
	int64_t k;
	int err;

	if (!key)
		return PA_FAILURE;
	k = key_of(t, key);
	if (t->kind == PK_THREADS) {
		if (t->o->r->iterating) {
			seterr(t->o, "can't erase thread %" PRId64 " while the threads table is "
			       "iterated", k);
			return PA_FAILURE;
		}
		err = state__erase_thread(st, k);
		if (err == -EBUSY)
			seterr(t->o, "can't erase thread %" PRId64 ": its event is being processed", k);
		else if (err)
			seterr(t->o, "no thread %" PRId64 " in the threads table", k);
		t->o->r->written |= !err;
		return err ? PA_FAILURE : PA_SUCCESS;
	}
	if (t->kind != PK_FDS) {
		seterr(t->o, "saker does not let plugins erase entries of table '%s'",
		       class_of(t)->name);
		return PA_FAILURE;
	}
	if (t->det || !(th = state__thread(st, t->tid)) || state__erase_fd(st, th, k)) {
		seterr(t->o, "no fd %" PRId64 " in the table", k);
		return PA_FAILURE;
	}
	t->o->r->written = true;
	return PA_SUCCESS;
}

static pa_table_entry_t *t_create(pa_table_t *tt)
{
	struct ptab *t = tt;
	struct ptab_ent *e;
	struct ptab_detached *d = mem_calloc(1, sizeof(*d));

	if (!d) {
		seterr(t->o, "out of memory");
		return NULL;
	}
	/* the defaults of a thread nothing is known of yet */
	d->t.tid = d->t.pid = d->t.ptid = d->t.sid = d->t.pgid = -1;
	d->t.vtid = d->t.vpid = d->t.vpgid = d->t.loginuid = -1;
	d->t.uid = d->t.gid = UINT32_MAX;
	d->f.num = -1;
	if (!(e = ent_get(t, -1, ENT_DETACHED))) {
		mem_free(d);
		return NULL;
	}
	e->d = d;
	return e;
}

static void t_destroy(pa_table_t *tt, pa_table_entry_t *ee)
{
	struct ptab *t = tt;
	struct ptab_ent *e = ee;

	if (e && e->mode == ENT_DETACHED)
		ent_put(t->o, e);
}

/* The seed a detached thread entry becomes. */
static void seed_of(const struct thr *d, int64_t tid, struct state_thr_seed *s)
{
	*s = (struct state_thr_seed){
		.tid = tid, .pid = d->pid >= 0 ? d->pid : tid, .ptid = d->ptid, .sid = d->sid,
		.vpgid = d->vpgid, .pgid = d->pgid, .vtid = d->vtid, .vpid = d->vpid,
		.loginuid = d->loginuid, .uid = d->uid, .gid = d->gid, .tty = d->tty,
		.flags = d->flags, .exe_ino = d->exe_ino, .exe_ino_ctime = d->exe_ino_ctime,
		.exe_ino_mtime = d->exe_ino_mtime, .pidns_init_start_ts = d->pidns_init_start_ts,
		.fdlimit = d->fdlimit, .comm = d->comm, .exe = d->exe, .exepath = d->exepath,
		.cwd = d->cwd, .root = d->root, .args = d->args, .env = d->env,
		.cgroups = d->cgroups,
	};
}

/* Adds or replaces item k of a list with a detached entry's value. */
static int add_item(struct ptab *t, struct thr *th, uint64_t k, const struct ptab_detached *d)
{
	struct thr_blob *b = blob_of(th, t->kind);
	uint64_t n = blob_count(b);
	char item[4096], *nb;
	size_t nlen = 0;
	const char *v = d->first ? d->first : "";
	uint32_t len;
	int err;

	if (t->kind == PK_CGROUPS) {
		snprintf(item, sizeof(item), "%s=%s", v, d->second ? d->second : "");
		v = item;
	}
	if (k > n) {
		seterr(t->o, "entry %" PRIu64 " of table '%s' would leave a hole (it has %" PRIu64 ")",
		       k, class_of(t)->name, n);
		return -EINVAL;
	}
	nb = mem_malloc(b->len + strlen(v) + 2);
	if (!nb)
		return -ENOMEM;
	for (uint64_t i = 0; i <= n; i++) {
		const char *s = i == k ? v : i < n ? blob_item(b, i, &len) : NULL;
		size_t l;

		if (!s)
			continue;
		l = strlen(s);
		memcpy(nb + nlen, s, l + 1);
		nlen += l + 1;
	}
	err = state__thr_set_blob(t->o->r->st, th, b, nb, (uint32_t)nlen);
	mem_free(nb);
	return err;
}

static pa_table_entry_t *t_add(pa_table_t *tt, const union pa_state_data *key,
			       pa_table_entry_t *ee)
{
	struct ptab *t = tt;
	struct ptab_ent *e = ee;
	struct state *st = t->o->r->st;
	struct state_thr_seed seed;
	struct thr *th;
	int64_t k;
	int err = 0;

	if (!key || !e || e->mode != ENT_DETACHED || e->t->kind != t->kind) {
		seterr(t->o, "entry with mismatching type added to table: %s", class_of(t)->name);
		return NULL;
	}
	k = key_of(t, key);
	if (t->kind == PK_THREADS && t->o->r->iterating) {
		seterr(t->o, "can't add thread %" PRId64 " while the threads table is iterated", k);
		return NULL;
	}
	if (t->kind == PK_THREADS) {
		seed_of(&e->d->t, k, &seed);
		err = state__seed_thread(st, &seed);
		if (!err && (th = state__thread(st, k))) {
			struct state_dynv **v = state__thr_dynv(st, th);

			state_dynv_free(*v);
			*v = e->d->dynv;
			e->d->dynv = NULL;
		}
	} else if (t->det || !(th = state__thread(st, t->tid))) {
		seterr(t->o, "the thread of this '%s' table is not in the threads table",
		       class_of(t)->name);
		return NULL;
	} else if (t->kind == PK_FDS) {
		struct fdi f = e->d->f;
		struct state_dynv **v;

		f.num = k;
		if (!f.name)
			f.name = "";
		f.name_len = (uint32_t)strlen(f.name);
		f.nameraw_len = f.nameraw ? (uint32_t)strlen(f.nameraw) : 0;
		err = state__put_fd(st, th, &f);
		if (!err && (v = state__fd_dynv(st, th, k))) {
			state_dynv_free(*v);
			*v = e->d->dynv;
			e->d->dynv = NULL;
		}
	} else {
		err = add_item(t, th, (uint64_t)k, e->d);
		if (err == -EINVAL)
			return NULL;
	}
	if (err) {
		seterr(t->o, "can't add the entry: %s", strerror(-err));
		return NULL;
	}
	t->o->r->written = true;
	/* the handle now stands for the added entry */
	detached_free(e->d);
	e->d = NULL;
	e->key = k;
	e->mode = ENT_LIVE;
	memset(e->sub_set, 0, sizeof(e->sub_set));
	return e;
}

/* ---- the vtables ------------------------------------------------------------- */

static struct pa_reader_vt impl_rd = {
	.get_table_name = t_name,
	.get_table_size = t_size,
	.get_table_entry = t_get_entry,
	.read_entry_field = t_read,
	.release_table_entry = t_release,
	.iterate_entries = t_iterate,
};

static struct pa_writer_vt impl_wr = {
	.clear_table = t_clear,
	.erase_table_entry = t_erase,
	.create_table_entry = t_create,
	.destroy_table_entry = t_destroy,
	.add_table_entry = t_add,
	.write_entry_field = t_write,
};

static struct pa_fields_vt impl_fl = {
	.list_table_fields = t_list_fields,
	.get_table_field = t_get_field,
	.add_table_field = t_add_field,
};

/* What plugins call: every table is a pa_table_input; forward to its own
 * vtables with its own table pointer. */
#define TI(t) ((struct pa_table_input *)(t))

static const struct pa_table_fieldinfo *d_list_fields(pa_table_t *t, uint32_t *n)
{
	return TI(t)->fields_ext->list_table_fields(TI(t)->table, n);
}

static pa_table_field_t *d_get_field(pa_table_t *t, const char *name, uint32_t type)
{
	return TI(t)->fields_ext->get_table_field(TI(t)->table, name, type);
}

static pa_table_field_t *d_add_field(pa_table_t *t, const char *name, uint32_t type)
{
	return TI(t)->fields_ext->add_table_field(TI(t)->table, name, type);
}

static const char *d_name(pa_table_t *t)
{
	return TI(t)->reader_ext->get_table_name(TI(t)->table);
}

static uint64_t d_size(pa_table_t *t)
{
	return TI(t)->reader_ext->get_table_size(TI(t)->table);
}

static pa_table_entry_t *d_get_entry(pa_table_t *t, const union pa_state_data *key)
{
	return TI(t)->reader_ext->get_table_entry(TI(t)->table, key);
}

static int32_t d_read(pa_table_t *t, pa_table_entry_t *e, const pa_table_field_t *f,
		      union pa_state_data *out)
{
	return TI(t)->reader_ext->read_entry_field(TI(t)->table, e, f, out);
}

static void d_release(pa_table_t *t, pa_table_entry_t *e)
{
	TI(t)->reader_ext->release_table_entry(TI(t)->table, e);
}

static pa_bool d_iterate(pa_table_t *t, pa_table_iter_fn fn, pa_table_iter_state_t *s)
{
	return TI(t)->reader_ext->iterate_entries(TI(t)->table, fn, s);
}

static int32_t d_clear(pa_table_t *t)
{
	return TI(t)->writer_ext->clear_table(TI(t)->table);
}

static int32_t d_erase(pa_table_t *t, const union pa_state_data *key)
{
	return TI(t)->writer_ext->erase_table_entry(TI(t)->table, key);
}

static pa_table_entry_t *d_create(pa_table_t *t)
{
	return TI(t)->writer_ext->create_table_entry(TI(t)->table);
}

static void d_destroy(pa_table_t *t, pa_table_entry_t *e)
{
	TI(t)->writer_ext->destroy_table_entry(TI(t)->table, e);
}

static pa_table_entry_t *d_add(pa_table_t *t, const union pa_state_data *key,
			       pa_table_entry_t *e)
{
	return TI(t)->writer_ext->add_table_entry(TI(t)->table, key, e);
}

static int32_t d_write(pa_table_t *t, pa_table_entry_t *e, const pa_table_field_t *f,
		       const union pa_state_data *in)
{
	return TI(t)->writer_ext->write_entry_field(TI(t)->table, e, f, in);
}

struct pa_fields_vt ptab_fields_vt = {
	.list_table_fields = d_list_fields,
	.get_table_field = d_get_field,
	.add_table_field = d_add_field,
};

struct pa_reader_vt ptab_reader_vt = {
	.get_table_name = d_name,
	.get_table_size = d_size,
	.get_table_entry = d_get_entry,
	.read_entry_field = d_read,
	.release_table_entry = d_release,
	.iterate_entries = d_iterate,
};

const struct pa_reader_vt_v0 ptab_reader_vt_v0 = {
	.get_table_name = d_name,
	.get_table_size = d_size,
	.get_table_entry = d_get_entry,
	.read_entry_field = d_read,
};

struct pa_writer_vt ptab_writer_vt = {
	.clear_table = d_clear,
	.erase_table_entry = d_erase,
	.create_table_entry = d_create,
	.destroy_table_entry = d_destroy,
	.add_table_entry = d_add,
	.write_entry_field = d_write,
};

/* ---- the registry: listing, getting and adding tables ------------------------ */

struct pa_table_info *ptab_list_tables(struct ptab_owner *o, uint32_t *n)
{
	struct ptab_reg *r = o->r;
	uint32_t k = 0;

	r->infos[k++] = (struct pa_table_info){ "threads", PA_ST_INT64 };
	for (uint32_t i = 0; i < r->nptabs; i++)
		r->infos[k++] = (struct pa_table_info){ r->ptabs[i]->name, r->ptabs[i]->in.key_type };
	*n = k;
	return r->infos;
}

pa_table_t *ptab_get_table(struct ptab_owner *o, const char *name, uint32_t key_type)
{
	struct ptab_reg *r = o->r;

	if (!name)
		return NULL;
	if (!strcmp(name, "threads")) {
		if (key_type != PA_ST_INT64) {
			seterr(o, "table 'threads' has key type int64, not %s", type_name(key_type));
			return NULL;
		}
		return &o->threads;
	}
	for (uint32_t i = 0; i < r->nptabs; i++) {
		struct ptab_plugin_table *p = r->ptabs[i];

		if (strcmp(p->name, name))
			continue;
		if (p->in.key_type != key_type) {
			seterr(o, "table '%s' has key type %s, not %s", name,
			       type_name(p->in.key_type), type_name(key_type));
			return NULL;
		}
		return &p->in;
	}
	seterr(o, "no table named '%s'", name);
	return NULL;
}

int32_t ptab_add_table(struct ptab_owner *o, const struct pa_table_input *in)
{
	struct ptab_reg *r = o->r;
	struct ptab_plugin_table *p;
	const struct pa_reader_vt *rd;
	const struct pa_writer_vt *wr;
	const struct pa_fields_vt *fl;

	if (!in || !in->name) {
		seterr(o, "failure in adding state table defined by plugin '%s': %s", o->name,
		       in ? "name is null" : "input is null");
		return PA_FAILURE;
	}
	rd = in->reader_ext;
	wr = in->writer_ext;
	fl = in->fields_ext;
	if (!rd || !wr || !fl || !rd->get_table_name || !rd->get_table_size ||
	    !rd->get_table_entry || !rd->read_entry_field || !rd->release_table_entry ||
	    !rd->iterate_entries || !wr->clear_table || !wr->erase_table_entry ||
	    !wr->create_table_entry || !wr->destroy_table_entry || !wr->add_table_entry ||
	    !wr->write_entry_field || !fl->list_table_fields || !fl->get_table_field ||
	    !fl->add_table_field) {
		seterr(o, "failure in adding state table defined by plugin '%s': broken or "
		       "incomplete vtables of table '%s'", o->name, in->name);
		return PA_FAILURE;
	}
	if (!int_width(in->key_type) && in->key_type != PA_ST_STRING && in->key_type != PA_ST_BOOL) {
		seterr(o, "failure in adding state table defined by plugin '%s': invalid key type "
		       "%s", o->name, type_name(in->key_type));
		return PA_FAILURE;
	}
	if (!strcmp(in->name, "threads"))
		goto taken;
	for (uint32_t i = 0; i < r->nptabs; i++)
		if (!strcmp(r->ptabs[i]->name, in->name))
			goto taken;
	if (r->nptabs == PTAB_MAX_PLUGIN_TABLES) {
		seterr(o, "plugins defined too many tables (%d)", PTAB_MAX_PLUGIN_TABLES);
		return PA_FAILURE;
	}
	p = mem_calloc(1, sizeof(*p));
	if (!p || !(p->name = mem_strdup(in->name))) {
		mem_free(p);
		seterr(o, "out of memory");
		return PA_FAILURE;
	}
	p->rd = *rd;
	p->wr = *wr;
	p->fl = *fl;
	p->in = *in;
	p->in.name = p->name;
	p->in.reader = (struct pa_reader_vt_v0){ rd->get_table_name, rd->get_table_size,
						 rd->get_table_entry, rd->read_entry_field };
	p->in.writer = *wr;
	p->in.fields = *fl;
	p->in.reader_ext = &p->rd;
	p->in.writer_ext = &p->wr;
	p->in.fields_ext = &p->fl;
	r->ptabs[r->nptabs++] = p;
	return PA_SUCCESS;
taken:
	seterr(o, "failure in adding state table defined by plugin '%s': a table named '%s' "
	       "exists", o->name, in->name);
	return PA_FAILURE;
}
