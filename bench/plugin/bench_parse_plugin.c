/* The parse plugin of the benchmarks (bench/bench_plugins.c): it parses
 * every syscall event. With {"lookup":true} as its configuration it does
 * what a plugin keeping per-thread state does on each event: finds the
 * event's thread in saker's threads table, reads its comm and a field of
 * its own, and writes that field back (a count of the thread's events).
 * Otherwise it only counts, which measures the call alone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/plugin_abi.h"

#define EXPORT __attribute__((visibility("default")))

#define SYM(name, ret, params, req) EXPORT ret plugin_##name params;
#include "runtime/plugin_syms.def"
#undef SYM

struct bp {
	char err[PA_MAX_ERRLEN];
	int lookup;
	pa_table_t *threads;
	pa_table_field_t *f_comm, *f_seen;
	uint64_t parsed, found, comm_bytes;
};

EXPORT const char *plugin_get_required_api_version(void) { return "3.10.0"; }
EXPORT const char *plugin_get_version(void) { return "0.1.0"; }
EXPORT const char *plugin_get_name(void) { return "benchparse"; }
EXPORT const char *plugin_get_description(void) { return "parses every event, for benchmarks"; }
EXPORT const char *plugin_get_contact(void) { return "saker benchmarks"; }

EXPORT const char *plugin_get_last_error(pa_plugin_t *s)
{
	return ((struct bp *)s)->err;
}

EXPORT pa_plugin_t *plugin_init(const struct pa_init_input *in, int32_t *rc)
{
	const struct pa_init_tables_input *t = in->tables;
	struct bp *p = calloc(1, sizeof(*p));

	*rc = PA_FAILURE;
	if (!p)
		return NULL;
	p->lookup = in->config && strstr(in->config, "\"lookup\":true");
	if (!p->lookup) {
		*rc = PA_SUCCESS;
		return p;
	}
	if (!t || !(p->threads = t->get_table(in->owner, "threads", PA_ST_INT64)) ||
	    !(p->f_comm = t->fields_ext->get_table_field(p->threads, "comm", PA_ST_STRING)) ||
	    !(p->f_seen = t->fields_ext->add_table_field(p->threads, "bp_seen", PA_ST_UINT64))) {
		strcpy(p->err, "benchparse: no threads table");
		return p;
	}
	*rc = PA_SUCCESS;
	return p;
}

EXPORT void plugin_destroy(pa_plugin_t *s)
{
	free(s);
}

EXPORT const char *plugin_get_parse_event_sources(void)
{
	return "[\"syscall\"]";
}

EXPORT int32_t plugin_parse_event(pa_plugin_t *s, const struct pa_event_input *ev,
				  const struct pa_event_parse_input *in)
{
	struct bp *p = s;
	union pa_state_data key = { .s64 = (int64_t)ev->evt->tid }, v;
	pa_table_entry_t *th;

	p->parsed++;
	if (!p->lookup)
		return PA_SUCCESS;
	th = in->table_reader_ext->get_table_entry(p->threads, &key);
	if (!th)
		return PA_SUCCESS;
	p->found++;
	if (!in->table_reader_ext->read_entry_field(p->threads, th, p->f_comm, &v))
		p->comm_bytes += strlen(v.str);
	if (!in->table_reader_ext->read_entry_field(p->threads, th, p->f_seen, &v)) {
		v.u64++;
		in->table_writer_ext->write_entry_field(p->threads, th, p->f_seen, &v);
	}
	in->table_reader_ext->release_table_entry(p->threads, th);
	return PA_SUCCESS;
}
