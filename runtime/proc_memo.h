/* The per-thread memo of the JIT's process-static results (jit_opts
 * proc_memo): a fixed-size, direct-mapped table keyed by tid, each entry
 * holding the state generation it was filled at and one byte per kept
 * node. An entry is handed out zeroed when its thread changed hands or the
 * generation moved; a thread taking another's entry is counted as an
 * eviction. Memory: entries x (16 + slots) bytes, fixed at creation.
 * Prefix proc_memo_ (methods proc_memo__). */
#pragma once
#include <stdint.h>

struct proc_memo;

int proc_memo__new(uint32_t slots, uint32_t entries, struct proc_memo **out);
void proc_memo__free(struct proc_memo *pm);

/* The memo bytes of thread tid at generation gen (never NULL). */
uint8_t *proc_memo_get(struct proc_memo *pm, int64_t tid, uint64_t gen);
/* Zeroed bytes for an event without a thread: nothing is kept. */
uint8_t *proc_memo_scratch(struct proc_memo *pm);
uint64_t proc_memo_evictions(const struct proc_memo *pm);
