/* Diagnostics list, and its text and JSON renderings. */
#include "runtime/base/diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/arena.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"

static const struct {
	const char *name;
	const char *desc;
	bool is_error;
} code_tab[DIAG__COUNT] = {
#define DIAG_CODE(n, e, d) [DIAG_##n] = { #n, d, e },
#include "runtime/base/diag_codes.def"
#undef DIAG_CODE
};

int diag_list_init(struct diag_list *dl)
{
	memset(dl, 0, sizeof(*dl));
	dl->max = 10000;
	return arena__new(4096, &dl->arena);
}

void diag_list_release(struct diag_list *dl)
{
	arena__free(dl->arena);
	mem_free(dl->items);
	memset(dl, 0, sizeof(*dl));
}

const char *diag_code_name(enum diag_code c)
{
	return c < DIAG__COUNT ? code_tab[c].name : "?";
}

const char *diag_code_desc(enum diag_code c)
{
	return c < DIAG__COUNT ? code_tab[c].desc : "?";
}

bool diag_code_is_error(enum diag_code c)
{
	return c < DIAG__COUNT && code_tab[c].is_error;
}

struct diag *diag_add(struct diag_list *dl, enum diag_code code, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;
	char *msg;
	int n;

	if (diag_code_is_error(code))
		dl->nerr++;
	else
		dl->nwarn++;
	if (dl->n >= dl->max) {
		dl->dropped++;
		return NULL;
	}
	if (dl->n == dl->cap) {
		size_t cap = dl->cap ? dl->cap * 2 : 16;
		struct diag **ni = mem_reallocarray(dl->items, cap, sizeof(*ni));

		if (!ni)
			return NULL;
		dl->items = ni;
		dl->cap = cap;
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	d = arena_alloc(dl->arena, sizeof(*d));
	msg = n >= 0 ? arena_alloc(dl->arena, (size_t)n + 1) : NULL;
	if (!d || !msg)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	d->code = code;
	d->msg = msg;
	dl->items[dl->n++] = d;
	return d;
}

void diag_push_loc(struct diag_list *dl, struct diag *d, const char *item_type,
		   const char *item_name, struct src_loc pos)
{
	if (!d || d->nlocs >= DIAG_MAX_LOCS)
		return;
	d->locs[d->nlocs].item_type = item_type;
	d->locs[d->nlocs].item_name = item_name ? arena_strdup(dl->arena, item_name) : "";
	d->locs[d->nlocs].pos = pos;
	d->nlocs++;
}

void diag_add_note(struct diag_list *dl, struct diag *d, const char *fmt, ...)
{
	const char **nn;
	va_list ap;
	char *s;
	int n;

	if (!d)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = n >= 0 ? arena_alloc(dl->arena, (size_t)n + 1) : NULL;
	nn = arena_alloc(dl->arena, sizeof(*nn) * (d->nnotes + 1));
	if (!s || !nn)
		return;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (d->nnotes)
		memcpy(nn, d->notes, sizeof(*nn) * d->nnotes);
	nn[d->nnotes++] = s;
	d->notes = nn;
}

void diag_set_text(struct diag *d, const char *text, size_t len)
{
	if (!d)
		return;
	d->text = text;
	d->text_len = len;
}

/* The innermost location that names a real position. */
static const struct diag_loc *innermost(const struct diag *d)
{
	return d->nlocs ? &d->locs[d->nlocs - 1] : NULL;
}

/* The innermost location that names an item (rule, macro, list, ...). */
static const struct diag_loc *named_item(const struct diag *d)
{
	unsigned i;

	for (i = d->nlocs; i > 0; i--)
		if (d->locs[i - 1].item_name[0] &&
		    strcmp(d->locs[i - 1].item_type, "condition expression"))
			return &d->locs[i - 1];
	return NULL;
}

static void add_snippet(const struct diag *d, const struct diag_loc *l, struct strbuf *out)
{
	size_t off = l->pos.off, from, to, i;

	if (!d->text || !d->text_len)
		return;
	if (off >= d->text_len)
		off = d->text_len - 1;
	while (off > 0 && d->text[off] == '\n' && off + 1 >= d->text_len)
		off--;
	from = off;
	while (from > 0 && d->text[from - 1] != '\n')
		from--;
	to = off;
	while (to < d->text_len && d->text[to] != '\n')
		to++;
	strbuf_adds(out, "  ");
	for (i = from; i < to; i++)
		strbuf_addc(out, d->text[i] == '\t' ? ' ' : d->text[i]);
	strbuf_adds(out, "\n  ");
	for (i = from; i < off; i++)
		strbuf_addc(out, ' ');
	strbuf_adds(out, "^\n");
}

void diag_format_text(const struct diag *d, struct strbuf *out)
{
	const struct diag_loc *l = innermost(d), *item = named_item(d);
	unsigned i;

	if (l && l->pos.file)
		strbuf_printf(out, "%s:%u:%u: ", l->pos.file, l->pos.line, l->pos.col);
	strbuf_printf(out, "%s[%s]: %s", diag_code_is_error(d->code) ? "error" : "warning",
		      diag_code_name(d->code), d->msg);
	if (item)
		strbuf_printf(out, " (in %s '%s')", item->item_type, item->item_name);
	strbuf_addc(out, '\n');
	if (l)
		add_snippet(d, l, out);
	for (i = 0; i < d->nnotes; i++)
		strbuf_printf(out, "  note: %s\n", d->notes[i]);
}

void diag_format_json(const struct diag *d, struct strbuf *out)
{
	const struct diag_loc *l = innermost(d);
	unsigned i;

	strbuf_adds(out, "{\"code\":");
	strbuf_add_json_str(out, diag_code_name(d->code));
	strbuf_adds(out, ",\"codedesc\":");
	strbuf_add_json_str(out, diag_code_desc(d->code));
	strbuf_adds(out, ",\"message\":");
	strbuf_add_json_str(out, d->msg);
	strbuf_adds(out, ",\"context\":{\"locations\":[");
	for (i = 0; i < d->nlocs; i++) {
		const struct diag_loc *x = &d->locs[i];

		strbuf_adds(out, i ? ",{\"item_type\":" : "{\"item_type\":");
		strbuf_add_json_str(out, x->item_type);
		strbuf_adds(out, ",\"item_name\":");
		strbuf_add_json_str(out, x->item_name);
		strbuf_adds(out, ",\"position\":{\"name\":");
		strbuf_add_json_str(out, x->pos.file ? x->pos.file : "");
		strbuf_printf(out, ",\"line\":%u,\"column\":%u,\"offset\":%u}}", x->pos.line,
			      x->pos.col, x->pos.off);
	}
	strbuf_adds(out, "],\"snippet\":");
	if (l) {
		struct strbuf sn = STRBUF_INIT;

		add_snippet(d, l, &sn);
		strbuf_add_json_str(out, sn.buf ? sn.buf : "");
		strbuf_release(&sn);
	} else {
		strbuf_adds(out, "\"\"");
	}
	if (d->nnotes) {
		strbuf_adds(out, ",\"notes\":[");
		for (i = 0; i < d->nnotes; i++) {
			if (i)
				strbuf_addc(out, ',');
			strbuf_add_json_str(out, d->notes[i]);
		}
		strbuf_addc(out, ']');
	}
	strbuf_adds(out, "}}");
}
