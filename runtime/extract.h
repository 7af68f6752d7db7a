/* Field extraction: the value of a catalogue field (compiler/fields.def) for
 * the current event, read from the event's parameters in place and from the
 * state tables, with Falco's semantics (types, <NA> as FV_NONE, list-valued
 * fields). Used by the interpreter for conditions and by the alert
 * formatter for outputs. Prefix extract_ (methods extract__).
 *
 * Values point into the event, the state or a scratch area given by the
 * caller: valid until that scratch is reused or the next event. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "compiler/fval.h"
#include "runtime/base/strbuf.h"
#include "state/state.h"

struct evt;
struct evt_fmt_fd;
struct field_info;

/* Room for one extracted value: text and list items. */
struct extract_scratch {
	struct strbuf sb;
	struct fval *items;
	uint32_t cap;
};

void extract_scratch_release(struct extract_scratch *s);

/* The current event and what the state says about it. */
struct extract_evt {
	const struct evt *e;
	struct state *st;
	struct state_cur cur;
	uint64_t num;		/* evt.num, from 1 */
	uint64_t first_ts;	/* timestamp of the first event (evt.reltime) */
	uint64_t prev_ts;	/* timestamp of the previous event (evt.deltatime) */
	const char *hostname;
	struct extract_memo *memo;	/* optional: work shared by fields of one event */
	/* the engine's plugins (NULL: none) and the event's source: its index
	 * (0 syscall) and name (NULL: "syscall") */
	struct plugin_lane *plugins;
	int source;
	const char *source_name;
};

/* What several fields of one event derive from the same costly step,
 * computed on the first and kept until the event changes (evt.num): the
 * file a failed open names, for the fd.* fields. */
struct extract_memo {
	uint64_t num;		/* evt.num of the event it holds, 0 none */
	bool fd_ok;
	struct fdi fd;
	struct extract_scratch sc;
};

/* The callbacks through which evt.args, evt.arg.* and printed events
 * resolve fds, pids, uids, gids and relative paths against x's state. */
void extract_fmt_ctx(const struct extract_evt *x, struct evt_fmt_fd *out);

/* The value of field fi with argument arg (NULL when none) for x. */
void extract_field(const struct extract_evt *x, const struct field_info *fi, const char *arg,
		   struct extract_scratch *sc, struct fval *out);
/* The same; false when fi's extractor family has no case for it (what the
 * catalogue test asserts never happens). */
bool extract_field_known(const struct extract_evt *x, const struct field_info *fi,
			 const char *arg, struct extract_scratch *sc, struct fval *out);

/* A field operand prepared for a caller that extracts it often (the JIT):
 * fn(x, p, out) is extract_field(x, p->fi, p->arg, p->sc, out), with the
 * shape of struct jit_direct's function, the field's family chosen ahead. */
struct extract_prep {
	const struct field_info *fi;
	const char *arg;
	struct extract_scratch *sc;
	uint32_t xid;		/* filled by extract_prepare: the field's id */
};

typedef void (*extract_prep_fn)(const void *x, const void *p, struct fval *out);
/* Fills p->xid and returns the extractor for p (p->fi, p->arg, p->sc set). */
extract_prep_fn extract_prepare(struct extract_prep *p);

/* The value fi (argument arg) has on every event with PPM code `code`,
 * when the code alone decides it: evt.dir; evt.is_open_* on events other
 * than opens; every fd field on events that make, use or close no fd; the
 * fd fields but fd.num, fd.uid, fd.typechar and fd.types on enter events
 * that name no fd. false when the event itself is needed. */
bool extract_static(const struct field_info *fi, const char *arg, uint16_t code,
		    struct fval *out);

/* Where fi (argument arg) reads its value on events of PPM code `code`
 * when it is an integer parameter of the event itself taken as a number
 * (evt.rawres, evt.rawarg.NAME): parameter index, the length the schema
 * gives it, whether it is signed (sign-extended to an FV_S64, else
 * zero-extended to an FV_U64). The caller reads it in place and leaves every other case
 * (another length, a missing parameter) to the extractor. false when the
 * code does not decide it. */
struct extract_param_layout {
	uint32_t index;
	uint8_t size;
	bool sgn;
};
bool extract_param_layout(const struct field_info *fi, const char *arg, uint16_t code,
			  struct extract_param_layout *out);

/* Whether saker extracts fi at all (the others, fields of plugins that
 * are not loaded, always give FV_NONE). */
bool extract_supported(const struct field_info *fi);
