/* Plugin libraries (see plugin.h): dlopen, the symbol table, the API
 * version check, capabilities and the static description. */
#define _GNU_SOURCE
#include "runtime/plugin.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "runtime/plugin_desc.h"

bool plugin_parse_version(const char *s, uint32_t v[3])
{
	char tail;

	return s && sscanf(s, "%" SCNu32 ".%" SCNu32 ".%" SCNu32 "%c", &v[0], &v[1], &v[2],
			   &tail) == 3;
}

bool plugin_strs_has(const struct plugin_strs *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return true;
	return false;
}

bool plugin_source_compatible(const struct plugin_strs *srcs, const char *source)
{
	return !srcs->n || plugin_strs_has(srcs, source);
}

void plugin__free(struct plugin *p)
{
	if (!p)
		return;
	plugin_desc_fields_free(p->fields, p->nfields);
	plugin_desc_strs_free(&p->extract_sources);
	plugin_desc_strs_free(&p->parse_sources);
	plugin_desc_strs_free(&p->async_sources);
	plugin_desc_strs_free(&p->async_names);
	mem_free(p->name);
	mem_free(p->version);
	mem_free(p->desc);
	mem_free(p->contact);
	mem_free(p->required_api);
	mem_free(p->source);
	if (p->dl)
		dlclose(p->dl);
	mem_free(p->path);
	mem_free(p);
}

static char *dup_or_empty(const char *s)
{
	return mem_strdup(s ? s : "");
}

/* The API version the library asks for, against saker's. */
static int check_api(struct plugin *p, char *why, size_t len)
{
	const char *v = p->api.get_required_api_version();
	uint32_t req[3];

	if (!plugin_parse_version(v, req)) {
		snprintf(why, len, "plugin provided an invalid required API version: '%.64s'",
			 v ? v : "(null)");
		return -EINVAL;
	}
	if (!(p->required_api = mem_strdup(v)))
		return -ENOMEM;
	if (req[0] != PA_API_MAJOR || req[1] > PA_API_MINOR ||
	    (req[1] == PA_API_MINOR && req[2] > PA_API_PATCH)) {
		snprintf(why, len, "plugin required API version '%s' not compatible with saker's "
			 "plugin API version '" PA_API_VERSION_STR "': %s", v,
			 req[0] != PA_API_MAJOR ? "major versions disagree"
			 : req[1] > PA_API_MINOR ? "saker's minor is less than the requested one"
			 : "saker's patch is less than the requested one");
		return -ENOTSUP;
	}
	return 0;
}

/* Appends one reason to why ("a, b"). */
static void add_reason(char *why, size_t len, const char *msg)
{
	size_t o = strlen(why);

	if (o + 1 < len)
		snprintf(why + o, len - o, "%s%s", o ? ", " : "", msg);
}

/* Capabilities from the symbols, as Falco deduces them; an incomplete set
 * is an error. */
static int read_caps(struct plugin *p, char *why, size_t len)
{
	const struct plugin_api *a = &p->api;
	char broken[PA_MAX_ERRLEN] = "";

	if (a->open && a->close && a->next_batch) {
		bool has_id = a->get_id && a->get_id() != 0;
		const char *src = a->get_event_source ? a->get_event_source() : NULL;
		bool has_src = src && *src;

		if (has_id == has_src)
			p->caps |= PLUGIN_CAP_SOURCE;
		else
			add_reason(broken, sizeof(broken), "must implement both 'plugin_get_id' and "
				   "'plugin_get_event_source' or neither (event sourcing)");
	} else if (a->open || a->close || a->next_batch) {
		add_reason(broken, sizeof(broken), "must implement all of 'plugin_open', "
			   "'plugin_close', and 'plugin_next_batch' (event sourcing)");
	}
	if (a->get_fields && a->extract_fields)
		p->caps |= PLUGIN_CAP_EXTRACT;
	else if (a->extract_fields)
		add_reason(broken, sizeof(broken), "must implement both 'plugin_get_fields' and "
			   "'plugin_extract_fields' (field extraction)");
	if (a->parse_event)
		p->caps |= PLUGIN_CAP_PARSE;
	if (a->get_async_events && a->set_async_event_handler)
		p->caps |= PLUGIN_CAP_ASYNC;
	else if (a->set_async_event_handler)
		add_reason(broken, sizeof(broken), "must implement both 'plugin_get_async_events' and "
			   "'plugin_set_async_event_handler' (async events)");
	if (a->capture_open && a->capture_close)
		p->caps |= PLUGIN_CAP_LISTEN;
	else if (a->capture_open)
		add_reason(broken, sizeof(broken), "must implement both 'plugin_capture_open' and "
			   "'plugin_capture_close' (capture listening)");
	if (broken[0]) {
		snprintf(why, len, "broken plugin capabilities: %s", broken);
		return -EINVAL;
	}
	if (!p->caps) {
		snprintf(why, len, "plugin does not implement any capability");
		return -EINVAL;
	}
	return 0;
}

/* A JSON list of the plugin's: its sources (and, for a plugin with an
 * event source, that one); a broken list is an error. */
static int read_list(struct plugin *p, const char *sym, const char *(*fn)(void), bool allow_empty,
		     bool add_own, struct plugin_strs *out, char *why, size_t len)
{
	char e[512];
	int ret = plugin_desc_strs(fn ? fn() : NULL, allow_empty, out, e, sizeof(e));

	if (ret) {
		snprintf(why, len, "'%s' did not return a JSON array of strings: %s", sym, e);
		return ret;
	}
	if (add_own && p->source && !plugin_strs_has(out, p->source)) {
		char **v = mem_reallocarray(out->v, out->n + 1, sizeof(*v));

		if (!v)
			return -ENOMEM;
		out->v = v;
		if (!(v[out->n] = mem_strdup(p->source)))
			return -ENOMEM;
		out->n++;
	}
	return 0;
}

static int describe(struct plugin *p, char *why, size_t len)
{
	const struct plugin_api *a = &p->api;
	uint32_t v[3];
	char e[512];
	int ret;

	p->name = dup_or_empty(a->get_name());
	p->version = dup_or_empty(a->get_version());
	p->desc = dup_or_empty(a->get_description());
	p->contact = dup_or_empty(a->get_contact());
	if (!p->name || !p->version || !p->desc || !p->contact)
		return -ENOMEM;
	if (!*p->name) {
		snprintf(why, len, "plugin has an empty name");
		return -EINVAL;
	}
	if (!plugin_parse_version(p->version, v)) {
		snprintf(why, len, "plugin provided an invalid version string: '%.64s'", p->version);
		return -EINVAL;
	}
	if ((ret = read_caps(p, why, len)))
		return ret;
	if ((p->caps & PLUGIN_CAP_SOURCE) && a->get_id && a->get_event_source && a->get_id()) {
		p->id = a->get_id();
		if (!(p->source = mem_strdup(a->get_event_source())))
			return -ENOMEM;
		if (!strcmp(p->source, "syscall")) {
			snprintf(why, len, "plugin can't implement the reserved event source 'syscall'");
			return -EINVAL;
		}
	}
	if (p->caps & PLUGIN_CAP_EXTRACT) {
		ret = plugin_desc_fields(a->get_fields(), &p->fields, &p->nfields, e, sizeof(e));
		if (ret) {
			snprintf(why, len, "get_fields: %s", e);
			return ret;
		}
		if ((ret = read_list(p, "get_extract_event_sources", a->get_extract_event_sources, true,
				     true, &p->extract_sources, why, len)))
			return ret;
	}
	if ((p->caps & PLUGIN_CAP_PARSE) &&
	    (ret = read_list(p, "get_parse_event_sources", a->get_parse_event_sources, true, true,
			     &p->parse_sources, why, len)))
		return ret;
	if (p->caps & PLUGIN_CAP_ASYNC) {
		if ((ret = read_list(p, "get_async_event_sources", a->get_async_event_sources, true,
				     true, &p->async_sources, why, len)) ||
		    (ret = read_list(p, "get_async_events", a->get_async_events, false, false,
				     &p->async_names, why, len)))
			return ret;
	}
	return 0;
}

int plugin__load(const char *path, struct plugin **out, char *err, size_t errlen)
{
	struct plugin *p = mem_calloc(1, sizeof(*p));
	char why[PA_MAX_ERRLEN] = "";
	int ret = 0;

	*out = NULL;
	if (!p || !(p->path = mem_strdup(path))) {
		ret = -ENOMEM;
		goto fail;
	}
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		const char *d = dlerror();

		snprintf(why, sizeof(why), "can't load plugin dynamic library: %s", d ? d : "?");
		ret = -ENOENT;
		goto fail;
	}
#define SYM(name, r, params, req) *(void **)&p->api.name = dlsym(p->dl, "plugin_" #name);
#include "runtime/plugin_syms.def"
#undef SYM
	/* the API version first: a library of another API may not even have
	 * the other symbols' meaning */
	if (!p->api.get_required_api_version) {
		snprintf(why, sizeof(why), "required symbol not implemented: 'get_required_api_version'");
		ret = -EINVAL;
		goto fail;
	}
	if ((ret = check_api(p, why, sizeof(why))))
		goto fail;
#define SYM(name, r, params, req)                                                           \
	if ((req) && !p->api.name) {                                                        \
		snprintf(why, sizeof(why), "required symbol not implemented: '%s'", #name); \
		ret = -EINVAL;                                                               \
		goto fail;                                                                   \
	}
#include "runtime/plugin_syms.def"
#undef SYM
	if ((ret = describe(p, why, sizeof(why))))
		goto fail;
	*out = p;
	return 0;
fail:
	if (ret == -ENOMEM)
		snprintf(why, sizeof(why), "out of memory");
	snprintf(err, errlen, "could not load plugin library '%s': %s", path, why);
	plugin__free(p);
	return ret;
}
