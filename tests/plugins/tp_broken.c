/* A test plugin broken on purpose, one way per build (TP_BROKEN): an init
 * that fails with its last error (fail_init), an API version saker does not
 * have (api_major: 4.0.0, api_minor: 3.99.0), a required symbol missing
 * (no_version: no plugin_get_version), an incomplete capability
 * (half_source: plugin_open without plugin_next_batch), and fields JSON
 * that is not an array of fields (bad_fields). Otherwise it extracts one
 * field from syscall events. */
#include "tests/plugins/tp_common.h"

#define IS(x) (!strcmp(TP_BROKEN, x))

struct tp {
	char err[PA_MAX_ERRLEN];
};

TP_EXPORT const char *plugin_get_required_api_version(void)
{
	return IS("api_major") ? "4.0.0" : IS("api_minor") ? "3.99.0" : "3.0.0";
}

#ifndef TP_NO_VERSION
TP_EXPORT const char *plugin_get_version(void) { return "0.0.1"; }
#endif
TP_EXPORT const char *plugin_get_name(void) { return "tpbroken"; }
TP_EXPORT const char *plugin_get_description(void) { return "broken on purpose"; }
TP_EXPORT const char *plugin_get_contact(void) { return "saker tests"; }

TP_EXPORT const char *plugin_get_last_error(pa_plugin_t *s)
{
	return ((struct tp *)s)->err;
}

TP_EXPORT pa_plugin_t *plugin_init(const struct pa_init_input *in, int32_t *rc)
{
	struct tp *p = calloc(1, sizeof(*p));

	*rc = PA_SUCCESS;
	if (p && IS("fail_init")) {
		tp_err(p->err, "tpbroken refuses to start: init_config was '%s'", in->config);
		*rc = PA_FAILURE;
	}
	return p;
}

TP_EXPORT void plugin_destroy(pa_plugin_t *s)
{
	free(s);
}

#ifdef TP_HALF_SOURCE
TP_EXPORT pa_instance_t *plugin_open(pa_plugin_t *s, const char *params, int32_t *rc)
{
	(void)s;
	(void)params;
	*rc = PA_FAILURE;
	return NULL;
}
#endif

TP_EXPORT const char *plugin_get_fields(void)
{
	if (IS("bad_fields"))
		return "[{\"type\":\"uint64\",\"name\":\"tpbroken.x\"}]";
	return "[{\"type\":\"uint64\",\"name\":\"tpbroken.x\",\"desc\":\"always 7\"}]";
}

TP_EXPORT int32_t plugin_extract_fields(pa_plugin_t *s, const struct pa_event_input *ev,
					const struct pa_field_extract_input *in)
{
	static uint64_t seven = 7;

	(void)s;
	(void)ev;
	in->fields[0].res.u64 = &seven;
	in->fields[0].res_len = 1;
	return PA_SUCCESS;
}
