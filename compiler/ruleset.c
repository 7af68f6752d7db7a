/* ruleset: load -> sema -> lower -> event types, and the listings. */
#include "compiler/ruleset.h"

#include <errno.h>
#include <string.h>

#include "compiler/field_reg.h"
#include "compiler/lower.h"
#include "compiler/rules_load.h"
#include "compiler/syscalls.h"
#include "compiler/ydoc.h"
#include "runtime/base/arena.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"

/* Falco warns when a rule selects more than this many event codes. */
#define NO_EVTTYPE_THRESHOLD 100

int ruleset__new(struct ruleset **out)
{
	struct ruleset *rs = mem_calloc(1, sizeof(*rs));
	int err;

	if (!rs)
		return -ENOMEM;
	err = arena__new(1 << 16, &rs->arena);
	if (!err)
		err = diag_list_init(&rs->diags);
	if (!err)
		err = rules_load_init(&rs->rl, rs->arena, &rs->diags);
	if (!err)
		err = ir_prog_init(&rs->ir, rs->arena);
	if (err) {
		ruleset__free(rs);
		return err;
	}
	*out = rs;
	return 0;
}

void ruleset__free(struct ruleset *rs)
{
	if (!rs)
		return;
	ir_prog_release(&rs->ir);
	rules_load_release(&rs->rl);
	diag_list_release(&rs->diags);
	arena__free(rs->arena);
	mem_free(rs);
}

void ruleset__set_fields(struct ruleset *rs, const struct field_reg *reg)
{
	rs->rl.freg = reg;
}

int ruleset__load_file(struct ruleset *rs, const char *path)
{
	return rules_load_file(&rs->rl, path);
}

int ruleset__load_text(struct ruleset *rs, const char *name, const char *text, size_t len)
{
	return rules_load_text(&rs->rl, name, text, len);
}

int ruleset__compile(struct ruleset *rs)
{
	int err;

	err = sema_run(&rs->rl, &rs->sema);
	if (err)
		return err;
	rs->rules = arena_alloc(rs->arena, (rs->sema.nrules + 1) * sizeof(*rs->rules));
	if (!rs->rules)
		return -ENOMEM;
	for (uint32_t i = 0; i < rs->sema.nrules; i++) {
		const struct sema_rule *sr = &rs->sema.rules[i];
		struct ruleset_rule *r = &rs->rules[rs->nrules++];
		struct evtset legacy;
		bool warn;

		r->src = sr->src;
		r->sema = sr;
		r->source = (uint32_t)field_reg_source_index(rs->rl.freg, sr->src->source);
		if (!sr->ast)
			continue;
		r->root = lower_condition(&rs->ir, sr->ast);
		if (!r->root)
			return -ENOMEM;
		/* Falco's current resolution decides the warning; the rule is
		 * dispatched on the union with the original resolution, so it
		 * never sees fewer types than either Falco would give it (and
		 * `not evt.type=x` keeps meaning every type) */
		syscalls_evtset_of(r->root, &r->evttypes);
		warn = evtset_ncodes(&r->evttypes) > NO_EVTTYPE_THRESHOLD;
		syscalls_legacy_evtset_of(sr->ast, &legacy);
		evtset_or(&r->evttypes, &legacy);
		r->all_types = evtset_is_full(&r->evttypes);
		/* as Falco, only syscall rules are told */
		if (sr->src->warn_evttypes && warn && r->source == 0) {
			const struct item_ctx *c = &sr->src->ctx;
			struct diag *d = diag_add(&rs->diags, DIAG_LOAD_NO_EVTTYPE,
				"Rule matches too many evt.type values. This has a significant "
				"performance penalty.");

			diag_push_loc(&rs->diags, d, "rules content", "", c->file);
			diag_push_loc(&rs->diags, d, c->type, c->name, c->pos);
			if (c->doc)
				diag_set_text(d, c->doc->text, c->doc->len);
		}
	}
	rs->compiled = true;
	return rs->diags.nerr ? -EINVAL : 0;
}

void ruleset__syscalls(const struct ruleset *rs, bool all_io, bool *mark)
{
	size_t n = evt_schema_syscall_count();

	memset(mark, 0, n * sizeof(*mark));
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];

		if (!r->root || !r->src->enabled || r->source != 0)
			continue;
		for (size_t t = 0; t < evttypes_count(); t++) {
			int sc[64];
			size_t k;

			if (!evtset_has(&r->evttypes, t))
				continue;
			k = evttypes_syscalls(t, sc, 64);
			for (size_t j = 0; j < k; j++)
				mark[sc[j]] = true;
		}
	}
	syscalls_add_base(mark, n);
	if (!all_io)
		for (size_t i = 0; i < n; i++)
			if (syscalls_is_heavy_io(i))
				mark[i] = false;
}

void ruleset__format_evttypes(const struct ruleset_rule *r, struct strbuf *sb)
{
	const char **names;
	size_t n = 0, cnt;

	strbuf_printf(sb, "%s: ", r->src->name);
	if (r->all_types) {
		strbuf_adds(sb, "all");
		return;
	}
	cnt = evtset_count(&r->evttypes);
	if (!cnt) {
		strbuf_adds(sb, "none");
		return;
	}
	names = mem_calloc(cnt + 1, sizeof(*names));
	if (!names)
		return;
	for (size_t t = 0; t < evttypes_count(); t++)
		if (evtset_has(&r->evttypes, t))
			names[n++] = evttypes_name(t);
	/* sorted by name */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *x = names[j];

			names[j] = names[j - 1];
			names[j - 1] = x;
		}
	for (size_t i = 0; i < n; i++)
		strbuf_printf(sb, "%s%s", i ? "," : "", names[i]);
	mem_free(names);
}

void ruleset__dump_ir(const struct ruleset *rs, struct strbuf *sb)
{
	bool *seen = mem_calloc(rs->ir.nnodes + 1, sizeof(*seen));
	size_t compiled = 0;

	if (!seen)
		return;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];

		if (!r->root)
			continue;
		compiled++;
		strbuf_printf(sb, "rule \"%s\" (%s%s, %s)\n", r->src->name,
			      rl_priority_name(r->src->priority),
			      r->src->enabled ? "" : ", disabled", r->src->source);
		ir_dump_node(&rs->ir, r->root, seen, sb);
		strbuf_printf(sb, "  return %%%u\n  evttypes ", r->root->id);
		{
			struct strbuf et = STRBUF_INIT;
			const char *colon;

			ruleset__format_evttypes(r, &et);
			colon = et.buf ? strstr(et.buf, ": ") : NULL;
			strbuf_adds(sb, colon ? colon + 2 : "");
			strbuf_release(&et);
		}
		strbuf_adds(sb, "\n\n");
	}
	strbuf_printf(sb, "; %zu rules, %u IR nodes, %u shared references\n", compiled,
		      rs->ir.nnodes, rs->ir.shared_hits);
	mem_free(seen);
}
