/* Growable byte string for building text (listings, JSON, messages).
 * Heap-owned; free with strbuf_release. Prefix strbuf_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;	/* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	bool oom;	/* set once an allocation failed; later appends are no-ops */
};

#define STRBUF_INIT { 0 }

void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Decimal numbers, without printf's cost (hot in event rendering). */
void strbuf_add_u64(struct strbuf *sb, unsigned long long v);
void strbuf_add_i64(struct strbuf *sb, long long v);
/* Appends s as a JSON string literal, quotes included. */
void strbuf_add_json_str(struct strbuf *sb, const char *s);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
