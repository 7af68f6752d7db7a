/* Field values as alert outputs print them, text and JSON, with Falco's
 * rendering of each field's type and print format (fields.def: the type,
 * FF_PF_HEX, FF_PF_PAD9, FF_JSON_TS, FF_JSON_NUM; an evt.rawarg value
 * carries its parameter's type in the fval). Prefix field_render_. */
#pragma once
#include <stdint.h>

#include "compiler/fval.h"

struct field_info;
struct strbuf;

/* The value as text: "<NA>" when none, "(a,b)" for lists. */
void field_render_text(const struct field_info *fi, const struct fval *v, struct strbuf *out);
/* The value as a JSON value: null when none, arrays for lists; ts is the
 * event's time for the fields whose JSON is the timestamp. */
void field_render_json(const struct field_info *fi, const struct fval *v, uint64_t ts,
		       struct strbuf *out);
