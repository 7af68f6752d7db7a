/* Diagnostics: coded errors and warnings about user input (rules files,
 * captures), each with a chain of locations (outermost first), the text the
 * innermost location points into, and notes. A diag_list collects them and
 * counts errors so that processing goes on after the first one.
 * Prefix diag_. Strings are owned by the list's arena. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct strbuf;

enum diag_code {
#define DIAG_CODE(name, is_err, desc) DIAG_##name,
#include "runtime/base/diag_codes.def"
#undef DIAG_CODE
	DIAG__COUNT,
};

/* A position in a named text: 1-based line and column, 0-based byte offset. */
struct src_loc {
	const char *file;
	uint32_t line;
	uint32_t col;
	uint32_t off;
};

struct diag_loc {
	const char *item_type;	/* Falco's item type words: "rule", "macro condition", ... */
	const char *item_name;	/* "" when the item has no name */
	struct src_loc pos;
};

#define DIAG_MAX_LOCS 8

struct diag {
	enum diag_code code;
	const char *msg;
	struct diag_loc locs[DIAG_MAX_LOCS];
	unsigned nlocs;
	const char *text;	/* whole text the innermost location points into, or NULL */
	size_t text_len;
	const char **notes;	/* extra lines ("expanded from macro ..."), outermost last */
	unsigned nnotes;
};

struct diag_list {
	struct arena *arena;
	struct diag **items;
	size_t n, cap;
	size_t nerr;
	size_t nwarn;
	size_t max;		/* stop recording past this many (still counted) */
	size_t dropped;
};

int diag_list_init(struct diag_list *dl);
void diag_list_release(struct diag_list *dl);

const char *diag_code_name(enum diag_code c);
const char *diag_code_desc(enum diag_code c);
bool diag_code_is_error(enum diag_code c);

/* Starts a diagnostic; the caller adds locations and notes. NULL when out of
 * memory or past the cap (the count still goes up). */
struct diag *diag_add(struct diag_list *dl, enum diag_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_push_loc(struct diag_list *dl, struct diag *d, const char *item_type,
		   const char *item_name, struct src_loc pos);
void diag_add_note(struct diag_list *dl, struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_set_text(struct diag *d, const char *text, size_t len);

/* "file:line:col: error[CODE]: message" + item, snippet with caret, notes. */
void diag_format_text(const struct diag *d, struct strbuf *out);
/* One Falco-shaped JSON object: code, codedesc, message, context. */
void diag_format_json(const struct diag *d, struct strbuf *out);
