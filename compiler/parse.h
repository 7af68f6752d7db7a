/* Parser of Falco's condition language (recursive descent, scanner-less as
 * the grammar needs: whether a word is an operator, a field or a bare string
 * depends on where it stands). Prefix parse_. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct arena;
struct ast_node;

struct parse_error {
	char msg[256];
	uint32_t pos;		/* byte offset in the condition text */
};

/* Parses text[0..len). On success *out is the root (arena-owned) and 0 is
 * returned; on a syntax error -EINVAL with *err filled; -ENOMEM. */
int parse_condition(const char *text, size_t len, struct arena *a, struct ast_node **out,
		    struct parse_error *err);

/* Max nesting of the parser (parentheses, not, transformers). */
#define PARSE_MAX_DEPTH 1000
