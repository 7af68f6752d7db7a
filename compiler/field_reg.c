/* field_reg: plugin fields and event sources beside the catalogue (see
 * field_reg.h). Small tables scanned at compile time. */
#include "compiler/field_reg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/mem.h"

struct reg_field {
	struct field_info fi;	/* first: handed out as the field's info */
	char *name, *doc;
	uint32_t provider, index;
	char **sources;		/* NULL (n 0): every source */
	size_t nsources;
};

struct reg_provider {
	char *name, *version;
};

struct field_reg {
	char **sources;		/* beyond syscall */
	size_t nsources;
	struct reg_provider *providers;
	size_t nproviders;
	struct reg_field **fields;
	size_t nfields;
};

int field_reg__new(struct field_reg **out)
{
	*out = mem_calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		mem_free(v[i]);
	mem_free(v);
}

void field_reg__free(struct field_reg *r)
{
	if (!r)
		return;
	free_strv(r->sources, r->nsources);
	for (size_t i = 0; i < r->nproviders; i++) {
		mem_free(r->providers[i].name);
		mem_free(r->providers[i].version);
	}
	mem_free(r->providers);
	for (size_t i = 0; i < r->nfields; i++) {
		struct reg_field *f = r->fields[i];

		mem_free(f->name);
		mem_free(f->doc);
		free_strv(f->sources, f->nsources);
		mem_free(f);
	}
	mem_free(r->fields);
	mem_free(r);
}

size_t field_reg_nsources(const struct field_reg *r)
{
	return 1 + (r ? r->nsources : 0);
}

const char *field_reg_source(const struct field_reg *r, size_t i)
{
	if (!i)
		return "syscall";
	return r && i - 1 < r->nsources ? r->sources[i - 1] : NULL;
}

int field_reg_source_index(const struct field_reg *r, const char *name)
{
	for (size_t i = 0; i < field_reg_nsources(r); i++)
		if (!strcmp(field_reg_source(r, i), name))
			return (int)i;
	return -1;
}

int field_reg__add_source(struct field_reg *r, const char *name)
{
	char **v;

	if (field_reg_source_index(r, name) >= 0)
		return 0;
	v = mem_reallocarray(r->sources, r->nsources + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->sources = v;
	if (!(v[r->nsources] = mem_strdup(name)))
		return -ENOMEM;
	r->nsources++;
	return 0;
}

int field_reg__add_provider(struct field_reg *r, const char *name, const char *version,
			    uint32_t *id)
{
	struct reg_provider *v = mem_reallocarray(r->providers, r->nproviders + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	r->providers = v;
	v[r->nproviders].name = mem_strdup(name);
	v[r->nproviders].version = mem_strdup(version);
	if (!v[r->nproviders].name || !v[r->nproviders].version) {
		mem_free(v[r->nproviders].name);
		mem_free(v[r->nproviders].version);
		return -ENOMEM;
	}
	*id = (uint32_t)r->nproviders++;
	return 0;
}

size_t field_reg_nproviders(const struct field_reg *r)
{
	return r ? r->nproviders : 0;
}

void field_reg_provider(const struct field_reg *r, uint32_t id, const char **name,
			const char **version)
{
	*name = r->providers[id].name;
	*version = r->providers[id].version;
}

static bool offers(const struct reg_field *f, const char *source)
{
	if (!f->nsources)
		return true;
	for (size_t i = 0; i < f->nsources; i++)
		if (!strcmp(f->sources[i], source))
			return true;
	return false;
}

int field_reg__add_field(struct field_reg *r, uint32_t provider, uint32_t index, const char *name,
			 uint8_t type, uint32_t flags, const char *doc, const char *const *sources,
			 size_t nsources, char *err, size_t errlen)
{
	struct reg_field *f, **v;

	for (size_t i = 0; i < r->nfields; i++) {
		const struct reg_field *o = r->fields[i];
		bool clash = !strcmp(o->name, name) && o->provider != provider &&
			     (!nsources || !o->nsources);

		for (size_t k = 0; !clash && !strcmp(o->name, name) && o->provider != provider &&
				   k < nsources; k++)
			clash = offers(o, sources[k]);
		if (clash) {
			snprintf(err, errlen, "plugin '%s' supports extraction of field '%s' that is "
				 "overlapping with plugin '%s'", r->providers[provider].name, name,
				 r->providers[o->provider].name);
			return -EEXIST;
		}
	}
	f = mem_calloc(1, sizeof(*f));
	v = f ? mem_reallocarray(r->fields, r->nfields + 1, sizeof(*v)) : NULL;
	if (!v) {
		mem_free(f);
		return -ENOMEM;
	}
	r->fields = v;
	f->name = mem_strdup(name);
	f->doc = mem_strdup(doc ? doc : "");
	f->sources = nsources ? mem_calloc(nsources, sizeof(*f->sources)) : NULL;
	f->nsources = 0;
	if (!f->name || !f->doc || (nsources && !f->sources))
		goto oom;
	for (size_t k = 0; k < nsources; k++) {
		if (!(f->sources[k] = mem_strdup(sources[k])))
			goto oom;
		f->nsources++;
	}
	f->provider = provider;
	f->index = index;
	f->fi = (struct field_info){ .name = f->name, .type = (enum ppm_param_type)type,
				     .flags = flags, .doc = f->doc, .id = (uint32_t)r->nfields,
				     .cls = FC_PLUGIN };
	r->fields[r->nfields++] = f;
	return 0;
oom:
	free_strv(f->sources, f->nsources);
	mem_free(f->name);
	mem_free(f->doc);
	mem_free(f);
	return -ENOMEM;
}

size_t field_reg_nfields(const struct field_reg *r)
{
	return r ? r->nfields : 0;
}

const struct field_info *field_reg_field(const struct field_reg *r, uint32_t id)
{
	return r && id < r->nfields ? &r->fields[id]->fi : NULL;
}

void field_reg_origin(const struct field_reg *r, uint32_t id, uint32_t *provider,
		      uint32_t *index)
{
	*provider = r->fields[id]->provider;
	*index = r->fields[id]->index;
}

bool field_reg_offers(const struct field_reg *r, uint32_t id, const char *source)
{
	return r && id < r->nfields && offers(r->fields[id], source);
}

/* The plugin field called name offered to source, or NULL. */
static const struct field_info *plugin_field(const struct field_reg *r, const char *source,
					     const char *name)
{
	for (size_t i = 0; r && i < r->nfields; i++)
		if (!strcmp(r->fields[i]->name, name) && offers(r->fields[i], source))
			return &r->fields[i]->fi;
	return NULL;
}

int field_reg_resolve(const struct field_reg *r, const char *source, const char *name,
		      const char *bracket_arg, struct field_ref *out, char *err, size_t errlen)
{
	const struct field_info *cat = fields_find(name), *pf;
	int ret;

	if (!source)
		source = "syscall";
	pf = plugin_field(r, source, name);
	if (!strcmp(source, "syscall")) {
		/* the catalogue first, unless it only names the field */
		if (pf && (!cat || !fields_supported(cat)))
			return fields_ref_of(pf, bracket_arg, out, err, errlen);
		return fields_resolve(name, bracket_arg, out, err, errlen);
	}
	if (pf)
		return fields_ref_of(pf, bracket_arg, out, err, errlen);
	ret = fields_resolve(name, bracket_arg, out, err, errlen);
	if (ret == 0 && !(out->fi->flags & FF_ALL_SOURCES)) {
		memset(out, 0, sizeof(*out));
		snprintf(err, errlen, "filter_check called with nonexistent field %s", name);
		return -ENOENT;
	}
	return ret;
}

bool field_reg_valid_lhs(const struct field_reg *r, const char *source, const char *text)
{
	char name[256], arg[256], err[256];
	const char *br = strchr(text, '[');
	struct field_ref ref;
	size_t n, tl = strlen(text);

	if (!br) {
		if (tl >= sizeof(name))
			return false;
		return field_reg_resolve(r, source, text, NULL, &ref, err, sizeof(err)) == 0;
	}
	n = (size_t)(br - text);
	if (n >= sizeof(name) || text[tl - 1] != ']' || strlen(br) - 2 >= sizeof(arg))
		return false;
	memcpy(name, text, n);
	name[n] = '\0';
	memcpy(arg, br + 1, strlen(br) - 2);
	arg[strlen(br) - 2] = '\0';
	return field_reg_resolve(r, source, name, arg, &ref, err, sizeof(err)) == 0;
}
