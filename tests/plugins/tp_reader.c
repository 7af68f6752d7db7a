/* A test plugin that reads a table another plugin defines: "tp_counts" of
 * tp_tables.c (tid -> count), found by name at init through the owner and
 * read on each syscall event as tpr.count. Loaded after tp_tables. */
#include "tests/plugins/tp_common.h"

struct tp {
	char err[PA_MAX_ERRLEN];
	pa_table_t *counts;
	pa_table_field_t *f_count;
	uint64_t num;
};

TP_EXPORT const char *plugin_get_required_api_version(void) { return "3.0.0"; }
TP_EXPORT const char *plugin_get_version(void) { return "0.1.0"; }
TP_EXPORT const char *plugin_get_name(void) { return "tpreader"; }
TP_EXPORT const char *plugin_get_description(void) { return "reads tp_counts"; }
TP_EXPORT const char *plugin_get_contact(void) { return "saker tests"; }

TP_EXPORT const char *plugin_get_last_error(pa_plugin_t *s)
{
	return ((struct tp *)s)->err;
}

TP_EXPORT pa_plugin_t *plugin_init(const struct pa_init_input *in, int32_t *rc)
{
	struct tp *p = calloc(1, sizeof(*p));
	uint32_t n = 0;
	struct pa_table_info *ti;
	bool listed = false;

	*rc = PA_FAILURE;
	if (!p)
		return NULL;
	ti = in->tables->list_tables(in->owner, &n);
	for (uint32_t i = 0; ti && i < n; i++)
		listed |= !strcmp(ti[i].name, "tp_counts") && ti[i].key_type == PA_ST_INT64;
	p->counts = in->tables->get_table(in->owner, "tp_counts", PA_ST_INT64);
	if (!listed || !p->counts) {
		tp_err(p->err, "tpreader: no table tp_counts (listed: %d): %s", listed,
		       in->get_owner_last_error(in->owner));
		return p;
	}
	p->f_count = in->tables->fields_ext->get_table_field(p->counts, "count", PA_ST_UINT64);
	if (!p->f_count) {
		tp_err(p->err, "tpreader: tp_counts has no count");
		return p;
	}
	*rc = PA_SUCCESS;
	return p;
}

TP_EXPORT void plugin_destroy(pa_plugin_t *s)
{
	free(s);
}

TP_EXPORT const char *plugin_get_fields(void)
{
	return "[{\"type\":\"uint64\",\"name\":\"tpr.count\",\"desc\":\"tp_counts of the thread\"}]";
}

TP_EXPORT const char *plugin_get_extract_event_sources(void)
{
	return "[\"syscall\"]";
}

TP_EXPORT int32_t plugin_extract_fields(pa_plugin_t *s, const struct pa_event_input *ev,
					const struct pa_field_extract_input *in)
{
	struct tp *p = s;
	union pa_state_data key = { .s64 = (int64_t)ev->evt->tid }, v;
	pa_table_entry_t *e = in->table_reader_ext->get_table_entry(p->counts, &key);

	in->fields[0].res_len = 0;
	if (!e)
		return PA_SUCCESS;
	if (!in->table_reader_ext->read_entry_field(p->counts, e, p->f_count, &v)) {
		p->num = v.u64;
		in->fields[0].res.u64 = &p->num;
		in->fields[0].res_len = 1;
	}
	in->table_reader_ext->release_table_entry(p->counts, e);
	return PA_SUCCESS;
}
