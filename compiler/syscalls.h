/* Event-type sets of rules (Falco's resolution: `and` intersects, `or`
 * unites, negation pushed to the leaves, anything that is not an evt.type
 * test matches every type) and the adaptive syscall set of a ruleset.
 * Prefix syscalls_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "compiler/evttypes.h"

struct ast_node;
struct ir_node;

void syscalls_evtset_of(const struct ir_node *root, struct evtset *out);
/* The legacy, order-sensitive resolution (see syscalls.c). */
void syscalls_legacy_evtset_of(const struct ast_node *root, struct evtset *out);

/* Whether syscall table index i is a heavy I/O syscall (read/write family,
 * send/recv family, polling and sleeping): only watched with -A. */
bool syscalls_is_heavy_io(size_t i);

/* Adds the syscalls the state engine needs whatever the rules say
 * (process lifecycle, fd lifecycle, identity changes) to mark. */
void syscalls_add_base(bool *mark, size_t n);
