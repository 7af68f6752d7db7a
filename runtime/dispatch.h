/* Event type -> the rules that can match it, in rule order: each event is
 * tested only against its candidates. Built from the rules' event-type sets;
 * disabled and failed rules are left out. Prefix dispatch_ (methods
 * dispatch__). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct evt;
struct ruleset;

struct dispatch;

/* ok(rule) tells whether a rule can be evaluated (compiled, enabled). */
int dispatch__new(const struct ruleset *rs, bool (*ok)(void *ctx, uint32_t rule), void *ctx,
		  struct dispatch **out);
/* The same for the rules of one event source (ruleset_rule.source). */
int dispatch__new_source(const struct ruleset *rs, uint32_t src,
			 bool (*ok)(void *ctx, uint32_t rule), void *ctx, struct dispatch **out);
void dispatch__free(struct dispatch *d);

/* The evt.type index of an event (generic events: by their syscall), or -1. */
int dispatch_evttype(const struct evt *e);
/* Candidate rules of event e; *n of them (0 when none). */
const uint32_t *dispatch_rules(const struct dispatch *d, const struct evt *e, uint32_t *n);
/* Candidate rules of evt.type index t; *n of them (0 when none). */
const uint32_t *dispatch_type_rules(const struct dispatch *d, uint32_t t, uint32_t *n);
/* How many rules are dispatched at all. */
uint32_t dispatch_nrules(const struct dispatch *d);
