/* dispatch: per-evt.type candidate lists. */
#include "runtime/dispatch.h"

#include <errno.h>

#include "compiler/evttypes.h"
#include "compiler/ruleset.h"
#include "runtime/base/evt.h"
#include "runtime/base/mem.h"

struct dispatch {
	uint32_t *lists[EVTSET_MAX];
	uint32_t n[EVTSET_MAX];
	uint32_t nrules;
};

/* The rules of source src (-1: any) that ok admits. */
static int build(const struct ruleset *rs, int64_t src, bool (*ok)(void *ctx, uint32_t rule),
		 void *ctx, struct dispatch **out)
{
	struct dispatch *d = mem_calloc(1, sizeof(*d));
	size_t nt = evttypes_count();

	if (!d)
		return -ENOMEM;
	for (uint32_t i = 0; i < rs->nrules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];

		if (!r->root || !r->src->enabled || (src >= 0 && r->source != src) || !ok(ctx, i))
			continue;
		d->nrules++;
		for (size_t t = 0; t < nt; t++) {
			uint32_t *nl;

			if (!evtset_has(&r->evttypes, t))
				continue;
			nl = mem_reallocarray(d->lists[t], d->n[t] + 1, sizeof(*nl));
			if (!nl) {
				dispatch__free(d);
				return -ENOMEM;
			}
			nl[d->n[t]++] = i;
			d->lists[t] = nl;
		}
	}
	*out = d;
	return 0;
}

int dispatch__new(const struct ruleset *rs, bool (*ok)(void *ctx, uint32_t rule), void *ctx,
		  struct dispatch **out)
{
	return build(rs, -1, ok, ctx, out);
}

int dispatch__new_source(const struct ruleset *rs, uint32_t src,
			 bool (*ok)(void *ctx, uint32_t rule), void *ctx, struct dispatch **out)
{
	return build(rs, src, ok, ctx, out);
}

void dispatch__free(struct dispatch *d)
{
	if (!d)
		return;
	for (size_t t = 0; t < EVTSET_MAX; t++)
		mem_free(d->lists[t]);
	mem_free(d);
}

int dispatch_evttype(const struct evt *e)
{
	if (e->type == PPME_GENERIC_E || e->type == PPME_GENERIC_X) {
		uint16_t sc;

		return evt_param_u16(e, 0, &sc) ? evttypes_of_syscall(sc) : -1;
	}
	return evttypes_of_event(e->type);
}

const uint32_t *dispatch_type_rules(const struct dispatch *d, uint32_t t, uint32_t *n)
{
	if (t >= EVTSET_MAX) {
		*n = 0;
		return NULL;
	}
	*n = d->n[t];
	return d->lists[t];
}

const uint32_t *dispatch_rules(const struct dispatch *d, const struct evt *e, uint32_t *n)
{
	int t = dispatch_evttype(e);

	if (t < 0) {
		*n = 0;
		return NULL;
	}
	return dispatch_type_rules(d, (uint32_t)t, n);
}

uint32_t dispatch_nrules(const struct dispatch *d)
{
	return d->nrules;
}
