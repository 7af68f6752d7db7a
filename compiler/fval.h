/* Field values: what an extractor returns for one field of one event and
 * what the operators compare. Strings and lists point into the event, the
 * state tables or the extractor's scratch space: borrowed until the next
 * event. Prefix fval_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

enum fval_kind {
	FV_NONE,	/* no value: Falco's <NA>; every comparison is false */
	FV_STR,		/* s.p[0..s.len), not necessarily NUL-terminated */
	FV_U64,
	FV_S64,
	FV_BOOL,
	FV_DOUBLE,
	FV_IP,		/* ip.fam 4 or 6, ip.b in network order */
	FV_LIST,	/* list.items[0..list.n): a list-valued field */
};

struct fval {
	enum fval_kind kind;
	/* How outputs render the value when the field's own type does not say
	 * (evt.rawarg: its parameter's): enum ppm_param_type and
	 * ppm_print_format, 0 for the field's. Set only by the extractor that
	 * knows; readers of other fields leave them as initialised. */
	uint8_t rtype, rfmt;
	union {
		struct {
			const char *p;
			uint32_t len;
		} s;
		uint64_t u;
		int64_t i;
		bool b;
		double d;
		struct {
			uint8_t fam;
			uint8_t b[16];
		} ip;
		struct {
			const struct fval *items;
			uint32_t n;
			/* true: the comparison holds when it holds for any
			 * item (ancestor fields, proc.aname without index),
			 * `in` included; false: `in` needs every item */
			bool any;
		} list;
	};
};

static inline struct fval fval_str(const char *p, uint32_t len)
{
	struct fval v = { .kind = FV_STR };

	v.s.p = p;
	v.s.len = len;
	return v;
}

static inline struct fval fval_u64(uint64_t u)
{
	struct fval v = { .kind = FV_U64 };

	v.u = u;
	return v;
}

static inline struct fval fval_s64(int64_t i)
{
	struct fval v = { .kind = FV_S64 };

	v.i = i;
	return v;
}

static inline struct fval fval_bool(bool b)
{
	struct fval v = { .kind = FV_BOOL };

	v.b = b;
	return v;
}

/* The same, written in place: no temporary, so a reader of *v right after
 * does not wait on stores of another width. */
static inline void fval_set_str(struct fval *v, const char *p, uint32_t len)
{
	v->kind = FV_STR;
	v->s.p = p;
	v->s.len = len;
}

static inline void fval_set_u64(struct fval *v, uint64_t u)
{
	v->kind = FV_U64;
	v->u = u;
}

static inline void fval_set_s64(struct fval *v, int64_t i)
{
	v->kind = FV_S64;
	v->i = i;
}

static inline void fval_set_bool(struct fval *v, bool b)
{
	v->kind = FV_BOOL;
	v->b = b;
}

static inline void fval_set_double(struct fval *v, double d)
{
	v->kind = FV_DOUBLE;
	v->d = d;
}
