/* A test plugin of the table API on syscall events. At init it takes the
 * threads table and its fields, adds a field of its own to threads
 * ("tp_opens") and one to the file_descriptors subtable ("tp_tag"), and
 * registers a table of its own, "tp_counts" (tid -> count), for other
 * plugins. Parsing each successful open it counts the open in tp_opens and
 * in tp_counts, tags the new fd "opened:<its name>", and, when its
 * configuration says {"rename":"A","to":"B"}, writes B as the comm of
 * threads called A. Its fields read all this back: tp.opens, tp.count,
 * tp.fdtag, tp.fdname, tp.nfds (fds iterated), tp.argc and tp.args (the
 * args subtable), tp.env[NAME] (the env subtable), tp.cgroups, tp.comm,
 * tp.cwd, tp.uid. */
#include "tests/plugins/tp_common.h"

#define MAX_COUNTS 4096

struct count {
	int64_t tid;
	uint64_t count;
	bool used;
};

struct tp {
	char err[PA_MAX_ERRLEN];
	char rename[64], to[64];
	pa_table_t *threads;
	pa_table_field_t *f_comm, *f_cwd, *f_uid, *f_args, *f_env, *f_cgroups, *f_fds, *f_opens;
	pa_table_field_t *f_fd_name, *f_fd_tag, *f_value, *f_first, *f_second;
	struct count counts[MAX_COUNTS];
	struct pa_table_input own;
	struct pa_reader_vt own_rd;
	struct pa_writer_vt own_wr;
	struct pa_fields_vt own_fl;
	/* extraction answers */
	uint64_t num;
	char text[1024];
	const char *strs[64];
	char items[64][256];
	uint64_t parsed;
	struct pa_metric metric;
};

TP_EXPORT const char *plugin_get_required_api_version(void) { return "3.10.0"; }
TP_EXPORT const char *plugin_get_version(void) { return "0.3.0"; }
TP_EXPORT const char *plugin_get_name(void) { return "tptables"; }
TP_EXPORT const char *plugin_get_description(void) { return "tables for saker's tests"; }
TP_EXPORT const char *plugin_get_contact(void) { return "saker tests"; }
TP_EXPORT const char *plugin_get_required_event_schema_version(pa_plugin_t *s)
{
	(void)s;
	return "4.0.0";
}

TP_EXPORT const char *plugin_get_last_error(pa_plugin_t *s)
{
	return ((struct tp *)s)->err;
}

/* ---- tp_counts: a table of this plugin's ------------------------------------ */

static struct pa_table_fieldinfo count_info[] = { { "count", PA_ST_UINT64, 0 } };
static int count_field;	/* the address is the accessor */

static struct count *find(struct tp *p, int64_t tid, bool make)
{
	struct count *free_slot = NULL;

	for (int i = 0; i < MAX_COUNTS; i++) {
		if (p->counts[i].used && p->counts[i].tid == tid)
			return &p->counts[i];
		if (!p->counts[i].used && !free_slot)
			free_slot = &p->counts[i];
	}
	if (!make || !free_slot)
		return NULL;
	*free_slot = (struct count){ tid, 0, true };
	return free_slot;
}

static struct tp *owner_of(pa_table_t *t)
{
	return (struct tp *)((char *)t - offsetof(struct tp, counts));
}

static const char *c_name(pa_table_t *t)
{
	(void)t;
	return "tp_counts";
}

static uint64_t c_size(pa_table_t *t)
{
	struct tp *p = owner_of(t);
	uint64_t n = 0;

	for (int i = 0; i < MAX_COUNTS; i++)
		n += p->counts[i].used;
	return n;
}

static pa_table_entry_t *c_get(pa_table_t *t, const union pa_state_data *key)
{
	struct count *c = find(owner_of(t), key->s64, false);

	if (!c)
		tp_err(owner_of(t)->err, "tp_counts: no entry %lld", (long long)key->s64);
	return c;
}

static int32_t c_read(pa_table_t *t, pa_table_entry_t *e, const pa_table_field_t *f,
		      union pa_state_data *out)
{
	(void)t;
	if (f != &count_field)
		return PA_FAILURE;
	out->u64 = ((struct count *)e)->count;
	return PA_SUCCESS;
}

static void c_release(pa_table_t *t, pa_table_entry_t *e)
{
	(void)t;
	(void)e;
}

static pa_bool c_iterate(pa_table_t *t, pa_table_iter_fn fn, pa_table_iter_state_t *s)
{
	struct tp *p = owner_of(t);

	for (int i = 0; i < MAX_COUNTS; i++)
		if (p->counts[i].used && !fn(s, &p->counts[i]))
			return 0;
	return 1;
}

static int32_t c_clear(pa_table_t *t)
{
	memset(owner_of(t)->counts, 0, sizeof(owner_of(t)->counts));
	return PA_SUCCESS;
}

static int32_t c_erase(pa_table_t *t, const union pa_state_data *key)
{
	struct count *c = find(owner_of(t), key->s64, false);

	if (!c)
		return PA_FAILURE;
	c->used = false;
	return PA_SUCCESS;
}

static pa_table_entry_t *c_create(pa_table_t *t)
{
	(void)t;
	return calloc(1, sizeof(struct count));
}

static void c_destroy(pa_table_t *t, pa_table_entry_t *e)
{
	(void)t;
	free(e);
}

static pa_table_entry_t *c_add(pa_table_t *t, const union pa_state_data *key,
			       pa_table_entry_t *e)
{
	struct count *c = find(owner_of(t), key->s64, true);

	if (c)
		c->count = ((struct count *)e)->count;
	free(e);
	return c;
}

static int32_t c_write(pa_table_t *t, pa_table_entry_t *e, const pa_table_field_t *f,
		       const union pa_state_data *in)
{
	(void)t;
	if (f != &count_field)
		return PA_FAILURE;
	((struct count *)e)->count = in->u64;
	return PA_SUCCESS;
}

static const struct pa_table_fieldinfo *c_list(pa_table_t *t, uint32_t *n)
{
	(void)t;
	*n = 1;
	return count_info;
}

static pa_table_field_t *c_field(pa_table_t *t, const char *name, uint32_t type)
{
	(void)t;
	return !strcmp(name, "count") && type == PA_ST_UINT64 ? &count_field : NULL;
}

static pa_table_field_t *c_add_field(pa_table_t *t, const char *name, uint32_t type)
{
	(void)t;
	(void)name;
	(void)type;
	return NULL;
}

/* ---- init ------------------------------------------------------------------ */

/* A field of table t, or the init fails naming it. */
#define FIELD(dst, tbl, name, type)                                                          \
	do {                                                                                 \
		if (!((dst) = tin->fields_ext->get_table_field((tbl), (name), (type)))) {       \
			tp_err(p->err, "tptables: no field %s: %s", (name),                      \
			       in->get_owner_last_error(in->owner));                             \
			goto fail;                                                           \
		}                                                                            \
	} while (0)

static void read_config(struct tp *p, const char *cfg)
{
	const char *r = cfg ? strstr(cfg, "\"rename\":\"") : NULL;
	const char *t = cfg ? strstr(cfg, "\"to\":\"") : NULL;

	if (r)
		sscanf(r + 10, "%63[^\"]", p->rename);
	if (t)
		sscanf(t + 6, "%63[^\"]", p->to);
}

TP_EXPORT pa_plugin_t *plugin_init(const struct pa_init_input *in, int32_t *rc)
{
	const struct pa_init_tables_input *tin = in->tables;
	struct tp *p = calloc(1, sizeof(*p));
	pa_table_entry_t *tmp;
	union pa_state_data sub;

	*rc = PA_FAILURE;
	if (!p)
		return NULL;
	if (!tin) {
		tp_err(p->err, "tptables: no table API");
		return p;
	}
	read_config(p, in->config);
	p->threads = tin->get_table(in->owner, "threads", PA_ST_INT64);
	if (!p->threads) {
		tp_err(p->err, "tptables: no threads table");
		return p;
	}
	FIELD(p->f_comm, p->threads, "comm", PA_ST_STRING);
	FIELD(p->f_cwd, p->threads, "cwd", PA_ST_STRING);
	FIELD(p->f_uid, p->threads, "uid", PA_ST_UINT32);
	FIELD(p->f_args, p->threads, "args", PA_ST_TABLE);
	FIELD(p->f_env, p->threads, "env", PA_ST_TABLE);
	FIELD(p->f_cgroups, p->threads, "cgroups", PA_ST_TABLE);
	FIELD(p->f_fds, p->threads, "file_descriptors", PA_ST_TABLE);
	p->f_opens = tin->fields_ext->add_table_field(p->threads, "tp_opens", PA_ST_UINT64);
	if (!p->f_opens) {
		tp_err(p->err, "tptables: can't add tp_opens");
		return p;
	}
	/* the subtables' fields, through an entry made for the purpose */
	tmp = tin->writer_ext->create_table_entry(p->threads);
	if (!tmp || tin->reader_ext->read_entry_field(p->threads, tmp, p->f_fds, &sub)) {
		tp_err(p->err, "tptables: no fd subtable");
		return p;
	}
	FIELD(p->f_fd_name, sub.table, "name", PA_ST_STRING);
	p->f_fd_tag = tin->fields_ext->add_table_field(sub.table, "tp_tag", PA_ST_STRING);
	tin->reader_ext->read_entry_field(p->threads, tmp, p->f_args, &sub);
	FIELD(p->f_value, sub.table, "value", PA_ST_STRING);
	tin->reader_ext->read_entry_field(p->threads, tmp, p->f_cgroups, &sub);
	FIELD(p->f_first, sub.table, "first", PA_ST_STRING);
	FIELD(p->f_second, sub.table, "second", PA_ST_STRING);
	tin->writer_ext->destroy_table_entry(p->threads, tmp);
	if (!p->f_fd_tag) {
		tp_err(p->err, "tptables: can't add tp_tag");
		return p;
	}
	/* tp_counts, for other plugins */
	p->own_rd = (struct pa_reader_vt){ c_name, c_size, c_get, c_read, c_release, c_iterate };
	p->own_wr = (struct pa_writer_vt){ c_clear, c_erase, c_create, c_destroy, c_add, c_write };
	p->own_fl = (struct pa_fields_vt){ c_list, c_field, c_add_field };
	p->own = (struct pa_table_input){
		.name = "tp_counts", .key_type = PA_ST_INT64, .table = p->counts,
		.reader = { c_name, c_size, c_get, c_read },
		.writer = p->own_wr, .fields = p->own_fl,
		.reader_ext = &p->own_rd, .writer_ext = &p->own_wr, .fields_ext = &p->own_fl,
	};
	if (tin->add_table(in->owner, &p->own) != PA_SUCCESS) {
		tp_err(p->err, "tptables: can't add tp_counts: %s", in->get_owner_last_error(in->owner));
		return p;
	}
	*rc = PA_SUCCESS;
	return p;
fail:
	return p;
}

TP_EXPORT void plugin_destroy(pa_plugin_t *s)
{
	free(s);
}

/* ---- parsing --------------------------------------------------------------- */

static const uint16_t open_exits[] = { 3, 307, 327 };

TP_EXPORT uint16_t *plugin_get_parse_event_types(uint32_t *n, pa_plugin_t *s)
{
	(void)s;
	*n = 3;
	return (uint16_t *)open_exits;
}

TP_EXPORT const char *plugin_get_parse_event_sources(void)
{
	return "[\"syscall\"]";
}

TP_EXPORT int32_t plugin_parse_event(pa_plugin_t *s, const struct pa_event_input *ev,
				     const struct pa_event_parse_input *in)
{
	struct tp *p = s;
	union pa_state_data key = { .s64 = (int64_t)ev->evt->tid }, v, fds;
	pa_table_entry_t *th, *fe;
	struct count *c;
	int64_t fd;

	if (!tp_param_s64(ev->evt, 0, &fd) || fd < 0)
		return PA_SUCCESS;
	p->parsed++;
	th = in->table_reader_ext->get_table_entry(p->threads, &key);
	if (!th)
		return PA_SUCCESS;	/* a thread saker does not know */
	if (in->table_reader_ext->read_entry_field(p->threads, th, p->f_opens, &v)) {
		tp_err(p->err, "tptables: can't read tp_opens: %s", in->get_owner_last_error(in->owner));
		return PA_FAILURE;
	}
	v.u64++;
	if (in->table_writer_ext->write_entry_field(p->threads, th, p->f_opens, &v)) {
		tp_err(p->err, "tptables: can't write tp_opens: %s",
		       in->get_owner_last_error(in->owner));
		return PA_FAILURE;
	}
	if ((c = find(p, key.s64, true)))
		c->count++;
	/* tag the new fd */
	if (!in->table_reader_ext->read_entry_field(p->threads, th, p->f_fds, &fds)) {
		union pa_state_data fk = { .s64 = fd }, name, tag;

		fe = in->table_reader_ext->get_table_entry(fds.table, &fk);
		if (fe && !in->table_reader_ext->read_entry_field(fds.table, fe, p->f_fd_name, &name)) {
			snprintf(p->text, sizeof(p->text), "opened:%s", name.str);
			tag.str = p->text;
			in->table_writer_ext->write_entry_field(fds.table, fe, p->f_fd_tag, &tag);
		}
		if (fe)
			in->table_reader_ext->release_table_entry(fds.table, fe);
	}
	/* rename */
	if (p->rename[0] && !in->table_reader_ext->read_entry_field(p->threads, th, p->f_comm, &v) &&
	    !strcmp(v.str, p->rename)) {
		v.str = p->to;
		if (in->table_writer_ext->write_entry_field(p->threads, th, p->f_comm, &v)) {
			tp_err(p->err, "tptables: can't rename: %s", in->get_owner_last_error(in->owner));
			return PA_FAILURE;
		}
	}
	in->table_reader_ext->release_table_entry(p->threads, th);
	return PA_SUCCESS;
}

/* ---- extraction ------------------------------------------------------------ */

TP_EXPORT const char *plugin_get_fields(void)
{
	return "["
	       "{\"type\":\"uint64\",\"name\":\"tp.opens\",\"desc\":\"opens counted in tp_opens\"},"
	       "{\"type\":\"uint64\",\"name\":\"tp.argc\",\"desc\":\"entries of args\"},"
	       "{\"type\":\"string\",\"name\":\"tp.args\",\"desc\":\"args\",\"isList\":true},"
	       "{\"type\":\"string\",\"name\":\"tp.env\",\"desc\":\"an env var\","
	       "\"arg\":{\"isRequired\":true,\"isKey\":true}},"
	       "{\"type\":\"string\",\"name\":\"tp.cgroups\",\"desc\":\"cgroups\",\"isList\":true},"
	       "{\"type\":\"string\",\"name\":\"tp.fdtag\",\"desc\":\"tp_tag of the new fd\"},"
	       "{\"type\":\"string\",\"name\":\"tp.fdname\",\"desc\":\"name of the new fd\"},"
	       "{\"type\":\"uint64\",\"name\":\"tp.nfds\",\"desc\":\"fds of the thread\"},"
	       "{\"type\":\"string\",\"name\":\"tp.comm\",\"desc\":\"comm\"},"
	       "{\"type\":\"uint64\",\"name\":\"tp.count\",\"desc\":\"tp_counts of the thread\"},"
	       "{\"type\":\"string\",\"name\":\"tp.cwd\",\"desc\":\"cwd\"},"
	       "{\"type\":\"uint64\",\"name\":\"tp.uid\",\"desc\":\"uid\"}"
	       "]";
}

TP_EXPORT const char *plugin_get_extract_event_sources(void)
{
	return "[\"syscall\"]";
}

struct walk {
	struct tp *p;
	const struct pa_field_extract_input *in;
	pa_table_t *t;
	uint32_t n;
	int field;		/* what to collect: 0 count, 1 values, 2 pairs, 3 env key */
	const char *key;
	const char *found;
};

static pa_bool walk_one(pa_table_iter_state_t *st, pa_table_entry_t *e)
{
	struct walk *w = st;
	struct tp *p = w->p;
	union pa_state_data a, b;

	if (w->field == 0) {
		w->n++;
		return 1;
	}
	if (w->in->table_reader_ext->read_entry_field(w->t, e, w->field == 2 ? p->f_first
								      : p->f_value, &a))
		return 0;
	if (w->field == 3) {
		size_t kl = strlen(w->key);

		if (!strncmp(a.str, w->key, kl) && a.str[kl] == '=') {
			snprintf(p->text, sizeof(p->text), "%s", a.str + kl + 1);
			w->found = p->text;
			return 0;
		}
		return 1;
	}
	if (w->n >= 64)
		return 0;
	if (w->field == 2) {
		if (w->in->table_reader_ext->read_entry_field(w->t, e, p->f_second, &b))
			return 0;
		snprintf(p->items[w->n], sizeof(p->items[0]), "%s=%s", a.str, b.str);
	} else {
		snprintf(p->items[w->n], sizeof(p->items[0]), "%s", a.str);
	}
	p->strs[w->n] = p->items[w->n];
	w->n++;
	return 1;
}

static void one_str(struct pa_extract_field *x, struct tp *p, const char *s)
{
	if (s != p->text)
		snprintf(p->text, sizeof(p->text), "%s", s);
	p->strs[0] = p->text;
	x->res.str = p->strs;
	x->res_len = 1;
}

static void one_num(struct pa_extract_field *x, struct tp *p, uint64_t v)
{
	p->num = v;
	x->res.u64 = &p->num;
	x->res_len = 1;
}

TP_EXPORT int32_t plugin_extract_fields(pa_plugin_t *s, const struct pa_event_input *ev,
					const struct pa_field_extract_input *in)
{
	struct tp *p = s;
	const struct pa_reader_vt *r = in->table_reader_ext;
	union pa_state_data key = { .s64 = (int64_t)ev->evt->tid }, v, sub;
	struct pa_extract_field *x = &in->fields[0];
	pa_table_entry_t *th;
	struct count *c;
	int64_t fd;

	x->res_len = 0;
	if (x->field_id == 9) {	/* tp.count: the table of this plugin's */
		if ((c = find(p, key.s64, false)))
			one_num(x, p, c->count);
		return PA_SUCCESS;
	}
	th = r->get_table_entry(p->threads, &key);
	if (!th)
		return PA_SUCCESS;
	switch (x->field_id) {
	case 0:
		if (!r->read_entry_field(p->threads, th, p->f_opens, &v))
			one_num(x, p, v.u64);
		break;
	case 1: case 2: case 3: case 4: case 7: {
		pa_table_field_t *f = x->field_id == 3 ? p->f_env : x->field_id == 4 ? p->f_cgroups
				      : x->field_id == 7 ? p->f_fds : p->f_args;
		struct walk w = { .p = p, .in = in, .key = x->arg_key,
				  .field = x->field_id == 1 || x->field_id == 7 ? 0
					   : x->field_id == 3 ? 3 : x->field_id == 4 ? 2 : 1 };

		if (r->read_entry_field(p->threads, th, f, &sub))
			break;
		w.t = sub.table;
		if (x->field_id == 1) {
			one_num(x, p, r->get_table_size(sub.table));
			break;
		}
		r->iterate_entries(sub.table, walk_one, &w);
		if (x->field_id == 7) {
			one_num(x, p, w.n);
		} else if (x->field_id == 3) {
			if (w.found)
				one_str(x, p, w.found);
		} else {
			x->res.str = p->strs;
			x->res_len = w.n;
		}
		break;
	}
	case 5: case 6:
		if (tp_param_s64(ev->evt, 0, &fd) && fd >= 0 &&
		    !r->read_entry_field(p->threads, th, p->f_fds, &sub)) {
			union pa_state_data fk = { .s64 = fd };
			pa_table_entry_t *fe = r->get_table_entry(sub.table, &fk);

			if (fe && !r->read_entry_field(sub.table, fe, x->field_id == 5 ? p->f_fd_tag
								       : p->f_fd_name, &v) &&
			    *v.str)
				one_str(x, p, v.str);
			if (fe)
				r->release_table_entry(sub.table, fe);
		}
		break;
	case 8:
		if (!r->read_entry_field(p->threads, th, p->f_comm, &v))
			one_str(x, p, v.str);
		break;
	case 10:
		if (!r->read_entry_field(p->threads, th, p->f_cwd, &v))
			one_str(x, p, v.str);
		break;
	case 11:
		if (!r->read_entry_field(p->threads, th, p->f_uid, &v))
			one_num(x, p, v.u32);
		break;
	default:
		break;
	}
	r->release_table_entry(p->threads, th);
	return PA_SUCCESS;
}

TP_EXPORT struct pa_metric *plugin_get_metrics(pa_plugin_t *s, uint32_t *n)
{
	struct tp *p = s;

	p->metric = (struct pa_metric){ .name = "parsed", .type = PA_METRIC_MONOTONIC,
					.value.u64 = p->parsed, .value_type = PA_MV_U64 };
	*n = 1;
	return &p->metric;
}
