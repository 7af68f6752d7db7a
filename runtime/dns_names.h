/* dns_names: the domain names the loaded rules compare fd.*ip.name with,
 * resolved as Falco's DNS manager resolves them, but never on the event
 * thread or the thread that loads rules: a thread of its own resolves a
 * name as soon as a rule names it, then again every 10 s while the
 * addresses change, backing off to every 320 s while they do not. Until
 * its first resolution a name resolves to nothing. The event thread reads
 * the addresses without a lock. At most DNS_NAMES_MAX names (the others
 * are counted and left unresolved). Prefix dns_names_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define DNS_NAMES_MAX 1024

/* Puts the resolver behind the comparisons of domain fields
 * (compiler/irop_rt.h); idempotent. */
void dns_names_install(void);

/* The first name (in the order the rules named them) that resolves to the
 * address (fam 4 or 6, network order); NULL when none does. */
const char *dns_names_name_of(uint8_t fam, const uint8_t *addr);

/* How long, in all, comparisons may wait for names' first answers (0,
 * the default: not at all). A replay waits, as Falco's first comparison
 * with a name does, so that a capture's first connections meet resolved
 * names; a live engine never does. */
void dns_names_patience(unsigned ms);
