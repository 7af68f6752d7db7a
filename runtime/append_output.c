/* append_output: entries matched against the loaded rules, texts and
 * fields added to them in the ruleset's arena. */
#include "runtime/append_output.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "compiler/field_reg.h"
#include "compiler/fields.h"
#include "compiler/ruleset.h"
#include "runtime/base/arena.h"
#include "runtime/config.h"

static bool matches(const struct config_append_output *a, const struct rl_rule *r)
{
	if (a->source && *a->source && strcmp(a->source, r->source ? r->source : "syscall"))
		return false;
	if (a->rule && *a->rule && strcmp(a->rule, r->name))
		return false;
	for (size_t i = 0; i < a->ntags; i++) {
		bool has = false;

		for (uint32_t j = 0; j < r->ntags && !has; j++)
			has = !strcmp(a->tags[i], r->tags[j]);
		if (!has)
			return false;
	}
	return true;
}

/* text as a generated piece of src_text (located at the rule's output). */
static int text_of(struct arena *a, const struct rl_rule *r, const char *prefix,
		   const struct src_text *base, const char *text, struct src_text *out)
{
	size_t bl = base ? base->len : 0, pl = strlen(prefix), tl = strlen(text);
	uint32_t nsegs = base ? base->nsegs : 0;
	char *s = arena_alloc(a, bl + pl + tl + 1);
	struct text_seg *segs = arena_alloc(a, (nsegs + 1) * sizeof(*segs));

	if (!s || !segs)
		return -ENOMEM;
	if (bl)
		memcpy(s, base->s, bl);
	memcpy(s + bl, prefix, pl);
	memcpy(s + bl + pl, text, tl + 1);
	if (nsegs)
		memcpy(segs, base->segs, nsegs * sizeof(*segs));
	segs[nsegs] = (struct text_seg){ .off = (uint32_t)(bl + pl), .len = (uint32_t)tl,
					 .loc = r->output_loc };
	*out = (struct src_text){ .s = s, .len = (uint32_t)(bl + pl + tl), .segs = segs,
				  .nsegs = nsegs + 1 };
	return 0;
}

static int add_field(struct arena *a, struct rl_rule *r, const struct config_extra_field *f)
{
	struct rl_extra_field *n;
	uint32_t i;

	for (i = 0; i < r->nextra_fields; i++)
		if (!strcmp(r->extra_fields[i].key, f->key))
			break;
	if (i == r->nextra_fields) {
		n = arena_alloc(a, (r->nextra_fields + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		if (r->nextra_fields)
			memcpy(n, r->extra_fields, r->nextra_fields * sizeof(*n));
		r->extra_fields = n;
		r->nextra_fields++;
	}
	n = &r->extra_fields[i];
	n->raw = f->raw;
	n->key = arena_strdup(a, f->key);
	if (!n->key)
		return -ENOMEM;
	return text_of(a, r, "", NULL, f->format, &n->fmt);
}

/* suggested_output: every field plugins suggest for outputs (addOutput)
 * and offer to r's source, as `a_b=%a.b`, in the registry's order. */
static int add_suggested(struct arena *a, const struct field_reg *reg, struct rl_rule *r)
{
	const char *src = r->source ? r->source : "syscall";
	int err = 0;

	for (uint32_t id = 0; reg && id < field_reg_nfields(reg) && !err; id++) {
		const struct field_info *fi = field_reg_field(reg, id);
		size_t n;
		char *t;

		if (!fi || !(fi->flags & FF_SUGGESTED) || !field_reg_offers(reg, id, src))
			continue;
		n = strlen(fi->name);
		if (!(t = arena_alloc(a, 2 * n + 3)))
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			t[i] = fi->name[i] == '.' ? '_' : fi->name[i];
		t[n] = '=';
		t[n + 1] = '%';
		memcpy(t + n + 2, fi->name, n + 1);
		err = text_of(a, r, " ", &r->output, t, &r->output);
	}
	return err;
}

int append_output_apply(struct ruleset *rs, const struct config *cfg)
{
	struct arena *a = rs->rl.arena;
	int err = 0;

	for (size_t e = 0; e < cfg->nappend_output && !err; e++) {
		const struct config_append_output *ao = &cfg->append_output[e];

		for (uint32_t i = 0; i < rs->rl.nrules && !err; i++) {
			struct rl_rule *r = rs->rl.rules[i];

			if (!matches(ao, r))
				continue;
			if (ao->extra_output && *ao->extra_output)
				err = text_of(a, r, " ", &r->output, ao->extra_output, &r->output);
			if (!err && ao->suggested_output)
				err = add_suggested(a, rs->rl.freg, r);
			for (size_t f = 0; f < ao->nfields && !err; f++)
				err = add_field(a, r, &ao->fields[f]);
		}
	}
	return err;
}
