/* Semantics of comparisons: the right-hand constants of an IR comparison
 * compiled once (numbers parsed, networks split, sets hashed, regexes
 * compiled), and the operator applied to an extracted value. The
 * interpreter calls these; the JIT calls the very same functions.
 * Prefix irop_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/ast.h"
#include "compiler/fval.h"

struct ir_opnd;

/* One constant, in the form its comparisons need. */
struct irop_val {
	enum fval_kind kind;	/* FV_STR, FV_U64, FV_S64, FV_BOOL, FV_DOUBLE, FV_IP */
	struct fval v;
	const char *str;	/* the text, NUL-terminated (always set) */
	uint32_t len;
	uint8_t prefix;		/* FV_IP: network prefix length (32/128 for one address) */
	bool is_net;
	const uint8_t *bytes;	/* bcontains/bstartswith: the hex text decoded */
	uint32_t nbytes;
};

struct irop_set;

/* The compiled right side of one comparison. */
struct irop_rhs {
	enum ast_op op;
	uint8_t type;		/* enum ppm_param_type of the left side */
	struct irop_val one;	/* single-value operators */
	struct irop_set *set;	/* in, intersects, pmatch */
	void *re;		/* regex: pcre2_code */
	void *re_md;		/* pcre2_match_data */
	bool is_field;		/* val(field) or a transformer: compared at run time */
	bool dns;		/* the left side is a domain field (FF_DOMAIN) */
};

/* Domain fields (fd.*ip.name), as Falco's: a value is the name (among those
 * the loaded rules compare these fields with) that resolves to the
 * address; an address no such name resolves to has no value, but =, in and
 * != still hold when the compared name resolves (or, for !=, does not) to
 * it. The extractor then gives FV_NONE with the address in its ip. The
 * runtime's resolver (runtime/dns_names.c) is behind irop_dns; without one
 * names resolve to nothing. */
struct irop_dns_ops {
	/* A name the rules compare with, to resolve (and keep resolved). */
	void (*add)(const char *name);
	/* Whether name resolves to the address (fam 4 or 6, network order). */
	bool (*has)(const char *name, uint8_t fam, const uint8_t *addr);
};
extern const struct irop_dns_ops *irop_dns;
/* The compared names of r (dns set) given to the resolver. */
void irop_dns_register(const struct irop_rhs *r);
/* The comparison r on an address with no name (see above). */
bool irop_dns_eval(const struct irop_rhs *r, const struct fval *f);

/* Compiles rhs (a constant or list) for op against a left side of type t.
 * 0, -EINVAL with a message (bad regex, bad number) or -ENOMEM. */
int irop_compile(enum ast_op op, uint8_t t, const struct ir_opnd *rhs, struct irop_rhs *out,
		 char *err, size_t errlen);
void irop_release(struct irop_rhs *r);
/* Whether pattern is a valid regex; a message in err when not. */
bool irop_regex_check(const char *pattern, char *err, size_t errlen);

/* The members of a compiled set, for code generators: how many, the i-th,
 * and whether membership is plain equality (no networks, case-sensitive). */
uint32_t irop_set_count(const struct irop_set *s);
const struct irop_val *irop_set_member(const struct irop_set *s, uint32_t i);
bool irop_set_exact(const struct irop_set *s);

/* The comparison: lhs (an extracted value; FV_NONE gives false) op rhs.
 * For list values (FV_LIST) `in` needs every element in the set,
 * `intersects` and the other operators any element. */
bool irop_eval(const struct irop_rhs *r, const struct fval *lhs);
/* irop_eval specialised for r's operator: the same answer for every lhs,
 * with the operator's test reached without a switch (a caller that knows
 * r ahead, the JIT, calls it directly). */
typedef bool (*irop_eval_fn)(const struct irop_rhs *r, const struct fval *lhs);
irop_eval_fn irop_evaluator(const struct irop_rhs *r);

/* Its name in this file's LLVM bitcode (saker_irop_bc): the JIT links
 * the evaluator from there and inlines it into the rules' code. */
const char *irop_evaluator_name(const struct irop_rhs *r);

/* The tests the evaluators call, which the JIT's linked evaluators call
 * in this process: membership of a set, a prefix (suffix) table, a
 * substring, a path prefix. */
bool irop_set_has(const struct irop_set *s, const struct fval *f, bool sgn);
bool irop_affix_has(const struct irop_set *s, const char *p, uint32_t len, bool start);
bool irop_mem_has(const char *h, uint32_t hl, const char *n, uint32_t nl, bool icase);
bool irop_pmatch_set(const struct irop_set *s, const char *p, uint32_t len);

/* The comparison against a value extracted at run time (val(field)). */
bool irop_eval_fields(enum ast_op op, const struct fval *lhs, const struct fval *rhs);
