/* The plugin side of saker's command line (see saker_plugins.h), printed as
 * Falco prints it. */
#include "tools/saker_plugins.h"

#include <stdio.h>
#include <string.h>

#include "compiler/field_reg.h"
#include "compiler/fields.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/engine.h"
#include "runtime/plugin.h"
#include "runtime/plugin_desc.h"
#include "runtime/plugin_inst.h"
#include "runtime/plugin_set.h"
#include "runtime/plugin_tables.h"
#include "state/state.h"

static void plugin_info(const struct plugin *p)
{
	printf("Name: %s\n", p->name);
	printf("Description: %s\n", p->desc);
	printf("Contact: %s\n", p->contact);
	printf("Version: %s\n", p->version);
	printf("Capabilities: \n");
	if (p->caps & PLUGIN_CAP_SOURCE) {
		if (p->id)
			printf("  - Event Sourcing (ID=%u, source='%s')\n", p->id, p->source);
		else
			printf("  - Event Sourcing (system events)\n");
	}
	if (p->caps & PLUGIN_CAP_EXTRACT)
		printf("  - Field Extraction\n");
	if (p->caps & PLUGIN_CAP_PARSE)
		printf("  - Event Parsing\n");
	if (p->caps & PLUGIN_CAP_ASYNC)
		printf("  - Async Events\n");
	if (p->caps & PLUGIN_CAP_LISTEN)
		printf("  - Capture Listening\n");
}

int saker_list_plugins(const struct plugin_set *ps)
{
	printf("%zu Plugins Loaded:\n\n", ps->n);
	for (size_t i = 0; i < ps->n; i++) {
		plugin_info(ps->v[i].p);
		printf("\n");
	}
	printf("\n");
	return 0;
}

int saker_plugin_info(struct plugin_set *ps, const char *name)
{
	const struct plugin_entry *e = plugin_set_find(ps, name);
	struct plugin_open_param *params = NULL;
	struct state_opts so = { .sz = sizeof(so), .max_threads = 64 };
	struct plugin_inst *pi = NULL;
	struct ptab_reg *reg = NULL;
	struct state *st = NULL;
	uint32_t type = PA_SCHEMA_NONE;
	const char *schema = "";
	size_t np = 0;
	char err[1024];
	int ret = 1;

	if (!e) {
		fprintf(stderr, "Error: can't find plugin and print its info: %s\n", name);
		return 1;
	}
	plugin_info(e->p);
	printf("\n");
	if (e->p->api.get_init_schema)
		schema = e->p->api.get_init_schema(&type);
	printf("Init config schema type: %s\n%s\n\n",
	       type == PA_SCHEMA_JSON ? "JSON"
				      : "Not available, plugin does not implement the init config "
					"schema functionality",
	       schema ? schema : "");
	/* init with tables over an empty state, as any plugin expects them */
	if (state__new(&so, &st) || ptab_reg__new(st, &reg)) {
		fprintf(stderr, "Error: out of memory\n");
		goto out;
	}
	if (plugin_inst__new(e->p, e->init_config, reg, &pi, err, sizeof(err))) {
		fprintf(stderr, "Error: %s\n", err);
		goto out;
	}
	if (e->p->caps & PLUGIN_CAP_SOURCE) {
		int32_t rc = PA_SUCCESS;
		const char *json = e->p->api.list_open_params
					   ? e->p->api.list_open_params(pi->state, &rc) : NULL;

		if (rc != PA_SUCCESS) {
			fprintf(stderr, "Error: error in plugin %s: list_open_params has error %s\n",
				e->p->name, plugin_inst_last_error(pi));
			goto out;
		}
		if (plugin_desc_open_params(json, &params, &np, err, sizeof(err))) {
			fprintf(stderr, "Error: error in plugin %s: %s\n", e->p->name, err);
			goto out;
		}
		if (!np) {
			printf("No suggested open params available: plugin has not been configured, or "
			       "it does not implement the open params suggestion functionality\n");
		} else {
			printf("Suggested open params:\n");
			for (size_t i = 0; i < np; i++)
				printf(*params[i].desc ? "%s: %s\n" : "%s\n", params[i].value,
				       params[i].desc);
		}
		printf("\n");
	}
	ret = 0;
out:
	plugin_desc_open_params_free(params, np);
	plugin_inst__free(pi);
	ptab_reg__free(reg);
	state__free(st);
	return ret;
}

static void field_line(const struct field_info *fi, bool names_only, bool markdown)
{
	if (fi->flags & FF_HIDDEN)
		return;
	if (names_only)
		printf("%s\n", fi->name);
	else if (markdown)
		printf("`%s` | %s | %s\n", fi->name, fields_type_name(fi->type), fi->doc);
	else
		printf("%-40s %-10s %s\n", fi->name, fields_type_name(fi->type), fi->doc);
}

int saker_list_fields(const struct plugin_set *ps, const char *source, bool names_only,
		      bool markdown)
{
	const struct field_reg *reg = ps ? ps->reg : NULL;
	bool all = !source || !*source, syscall = all || !strcmp(source, "syscall");

	if (!all && field_reg_source_index(reg, source) < 0) {
		fprintf(stderr, "Error: Value for --list must be a valid source type\n");
		return 1;
	}
	if (markdown && !names_only)
		printf("Name | Type | Description\n:----|:-----|:-----------\n");
	for (size_t i = 0; i < fields_count(); i++) {
		const struct field_info *fi = fields_at(i);

		if (syscall || (fi->flags & FF_ALL_SOURCES))
			field_line(fi, names_only, markdown);
	}
	for (size_t i = 0; i < field_reg_nfields(reg); i++) {
		const struct field_info *fi = field_reg_field(reg, (uint32_t)i);
		const struct field_info *cat = fields_find(fi->name);

		/* fields saker gives itself stay saker's for syscall rules */
		if (cat && (all || syscall))
			continue;
		if (all || field_reg_offers(reg, (uint32_t)i, source))
			field_line(fi, names_only, markdown);
	}
	return 0;
}

int saker_sources(const struct plugin_set *ps, char **enable, size_t nenable, char **disable,
		  size_t ndisable, const char ***out, size_t *n)
{
	size_t nsrc = field_reg_nsources(ps->reg);
	const char **v;

	*out = NULL;
	*n = 0;
	if (nenable && ndisable) {
		fprintf(stderr, "Error: You can not mix --enable-source and --disable-source\n");
		return 1;
	}
	for (size_t i = 0; i < nenable + ndisable; i++) {
		const char *s = i < nenable ? enable[i] : disable[i - nenable];

		if (field_reg_source_index(ps->reg, s) < 0) {
			fprintf(stderr, "Error: Attempted %s an unknown event source: %s\n",
				i < nenable ? "enabling" : "disabling", s);
			return 1;
		}
	}
	if (!nenable && !ndisable)
		return 0;
	v = mem_calloc(nsrc, sizeof(*v));
	if (!v) {
		fprintf(stderr, "Error: out of memory\n");
		return 1;
	}
	for (size_t k = 0; k < nsrc; k++) {
		const char *s = field_reg_source(ps->reg, k);
		bool on = !nenable;

		for (size_t i = 0; i < nenable; i++)
			on |= !strcmp(enable[i], s);
		for (size_t i = 0; i < ndisable; i++)
			on &= strcmp(disable[i], s) != 0;
		if (on)
			v[(*n)++] = s;
	}
	if (!*n) {
		mem_free(v);
		fprintf(stderr, "Error: Must enable at least one event source\n");
		return 1;
	}
	*out = v;
	return 0;
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

int saker_plugins_reconfigure(struct engine *en, struct plugin_set *ps, const struct config *nc)
{
	struct plugin_set *nps = NULL;
	bool other;
	char err[1024];
	int ret = 0;

	if (plugin_set__load(nc, false, &nps, err, sizeof(err))) {
		log_error("reload: %s", err);
		return 1;
	}
	other = nps->n != ps->n;
	for (size_t i = 0; i < ps->n && !other; i++) {
		struct plugin_entry *o = &ps->v[i], *n = &nps->v[i];

		other = !same(o->name, n->name) || !same(o->library, n->library) ||
			!same(o->open_params, n->open_params);
	}
	for (size_t i = 0; i < ps->n && !other && !ret; i++) {
		struct plugin_entry *o = &ps->v[i];
		const char *nc_cfg = nps->v[i].init_config;
		char *copy;

		if (same(o->init_config, nc_cfg))
			continue;
		if (engine__plugin_set_config(en, o->name, nc_cfg, err, sizeof(err))) {
			log_error("reload: %s", err);
			ret = 1;
			continue;
		}
		log_info("reload: plugin '%s' took its new init_config", o->name);
		if ((copy = mem_strdup(nc_cfg))) {
			mem_free(o->init_config);
			o->init_config = copy;
		}
	}
	plugin_set__free(nps);
	return other ? 1 : ret;
}
