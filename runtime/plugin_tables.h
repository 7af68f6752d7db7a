/* The owner side of the plugin table API: saker's state as the tables
 * Falco's libsinsp exposes to plugins, plugin-defined tables, and tables
 * shared between the plugins of one engine.
 *
 * `threads` (key int64: the tid) has libsinsp's fields (tid, pid, ptid,
 * comm, exe, exe_path, uid, gid, vtid, cwd, ...) and four subtables read
 * from each entry: `file_descriptors` (key int64: the fd; type, name,
 * name_raw, open_flags, dev, ino, socket addresses and ports, ...), `args`
 * and `env` (key uint64: the index; `value`) and `cgroups` (`first`,
 * `second`). Plugins read and write them (the key fields, cwd, flags and
 * the subtables are read-only), add entries, erase them, and add fields
 * of their own to threads and file_descriptors (kept by the state with the
 * entry, state/dynv.c). A plugin's add_table registers a table of its own
 * that other plugins of the same engine then get by name.
 *
 * Every table pointer a plugin receives is a struct pa_table_input: the
 * vtables handed out (ptab_reader_vt, ...) forward to the table's own, so
 * a plugin reads saker's tables and other plugins' the same way. Entries
 * are handles from the plugin's pool, reclaimed after each call into the
 * plugin (ptab_owner_end_call). Errors go to the plugin's owner error
 * text. Prefix ptab_ (methods ptab__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/plugin_abi.h"

struct state;
struct ptab_reg;
struct ptab_owner;

/* The tables of one engine's plugins, over its state (borrowed). */
int ptab_reg__new(struct state *st, struct ptab_reg **out);
void ptab_reg__free(struct ptab_reg *r);
/* Whether a plugin changed threads or fds since the last call; clears it. */
bool ptab_reg_take_written(struct ptab_reg *r);

/* One plugin's view: its table accessors and entry handles. name names it
 * in messages; errors are written to err (errlen bytes), the text its
 * get_owner_last_error returns. */
int ptab_owner__new(struct ptab_reg *r, const char *name, char *err, size_t errlen,
		    struct ptab_owner **out);
void ptab_owner__free(struct ptab_owner *o);
/* After each call into the plugin: the entries it still holds are
 * reclaimed and entries it created but never added are destroyed. */
void ptab_owner_end_call(struct ptab_owner *o);

/* The init-time functions of ss_plugin_init_tables_input. */
struct pa_table_info *ptab_list_tables(struct ptab_owner *o, uint32_t *n);
pa_table_t *ptab_get_table(struct ptab_owner *o, const char *name, uint32_t key_type);
int32_t ptab_add_table(struct ptab_owner *o, const struct pa_table_input *in);

/* The vtables plugins call tables through. */
extern struct pa_fields_vt ptab_fields_vt;
extern struct pa_reader_vt ptab_reader_vt;
extern struct pa_writer_vt ptab_writer_vt;
extern const struct pa_reader_vt_v0 ptab_reader_vt_v0;
