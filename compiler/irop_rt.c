/* irop_rt: comparison operators and their compiled constants. */
#define _GNU_SOURCE	/* memmem, FNM_CASEFOLD */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "compiler/irop_rt.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "compiler/fields.h"
#include "compiler/ir.h"
#include "runtime/base/mem.h"

/* Members of one length in a table of prefixes or suffixes. */
struct affix_group {
	uint32_t len, first, n;	/* sorted[first .. first + n) */
};

/* An open-addressing set of constants keyed by their canonical bytes,
 * plus the networks of an IP set and the prefixes of a pmatch. */
struct irop_set {
	struct irop_val *vals;	/* all members */
	uint32_t n;
	uint32_t *slots;	/* index + 1, 0 empty; power-of-two size */
	uint32_t cap;
	bool has_nets;
	bool icase;
	uint32_t minlen, maxlen;	/* of the members' text: a string of another
					 * length is in no set without hashing it */
	/* startswith/endswith a list: members grouped by length, each group
	 * sorted by bytes, for one binary search per length */
	uint32_t *sorted;
	struct affix_group *groups;
	uint32_t ngroups;
};

static inline __attribute__((always_inline)) bool is_signed_type(uint8_t t)
{
	switch (t) {
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64: case PT_ERRNO: case PT_FD:
	case PT_PID: case PT_DOUBLE:
		return true;
	default:
		return false;
	}
}

static bool is_ip_type(uint8_t t)
{
	return t == PT_IPADDR || t == PT_IPNET || t == PT_IPV4ADDR || t == PT_IPV6ADDR ||
	       t == PT_IPV4NET || t == PT_IPV6NET;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses one constant for a left side of type t. */
static int parse_val(uint8_t t, enum ast_op op, const char *s, struct irop_val *v, char *err,
		     size_t errlen)
{
	memset(v, 0, sizeof(*v));
	v->str = s;
	v->len = (uint32_t)strlen(s);
	if (op == AST_OP_BCONTAINS || op == AST_OP_BSTARTSWITH) {
		uint8_t *b;

		if (v->len % 2) {
			snprintf(err, errlen, "bytes value '%s' has an odd number of hex digits", s);
			return -EINVAL;
		}
		b = mem_malloc(v->len / 2 + 1);
		if (!b)
			return -ENOMEM;
		for (uint32_t i = 0; i < v->len / 2; i++) {
			int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				mem_free(b);
				snprintf(err, errlen, "bytes value '%s' is not hexadecimal", s);
				return -EINVAL;
			}
			b[i] = (uint8_t)(hi * 16 + lo);
		}
		v->bytes = b;
		v->nbytes = v->len / 2;
		v->kind = FV_STR;
		return 0;
	}
	if (is_ip_type(t)) {
		char buf[64];
		const char *slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);

		if (n >= sizeof(buf))
			goto bad_ip;
		memcpy(buf, s, n);
		buf[n] = '\0';
		v->kind = FV_IP;
		v->v.kind = FV_IP;
		if (inet_pton(AF_INET, buf, v->v.ip.b) == 1) {
			v->v.ip.fam = 4;
			v->prefix = 32;
		} else if (inet_pton(AF_INET6, buf, v->v.ip.b) == 1) {
			v->v.ip.fam = 6;
			v->prefix = 128;
		} else {
			goto bad_ip;
		}
		if (slash) {
			char *end;
			long bits = strtol(slash + 1, &end, 10);

			if (*end || bits < 0 || bits > v->prefix)
				goto bad_ip;
			v->prefix = (uint8_t)bits;
			v->is_net = true;
		}
		return 0;
bad_ip:
		snprintf(err, errlen, "'%s' is not an IP address or network", s);
		return -EINVAL;
	}
	if (t == PT_BOOL) {
		v->kind = FV_BOOL;
		v->v = fval_bool(!strcmp(s, "true") || !strcmp(s, "1"));
		return 0;
	}
	if (t == PT_DOUBLE) {
		char *end;

		v->kind = FV_DOUBLE;
		v->v.kind = FV_DOUBLE;
		v->v.d = strtod(s, &end);
		return *end ? -EINVAL : 0;
	}
	if (fields_type_is_numeric((enum ppm_param_type)t)) {
		char *end;

		errno = 0;
		if (s[0] == '-' || is_signed_type(t)) {
			v->kind = FV_S64;
			v->v = fval_s64(strtoll(s, &end, 0));
		} else {
			v->kind = FV_U64;
			v->v = fval_u64(strtoull(s, &end, 0));
		}
		if (errno || *end || !*s) {
			snprintf(err, errlen, "'%s' is not a number", s);
			return -EINVAL;
		}
		return 0;
	}
	v->kind = FV_STR;
	v->v = fval_str(s, v->len);
	return 0;
}

static uint64_t val_hash(const struct irop_val *v, bool icase)
{
	if (v->kind == FV_STR && icase) {
		uint64_t h = 1469598103934665603ull;

		for (uint32_t i = 0; i < v->len; i++)
			h = (h ^ (uint8_t)tolower((unsigned char)v->str[i])) * 1099511628211ull;
		return h;
	}
	switch (v->kind) {
	case FV_STR: return XXH3_64bits(v->str, v->len);
	case FV_IP: return XXH3_64bits(v->v.ip.b, v->v.ip.fam == 4 ? 4 : 16);
	default: return XXH3_64bits(&v->v.u, sizeof(v->v.u));
	}
}

static uint64_t fval_hash(const struct fval *f, bool icase, bool sgn)
{
	struct irop_val tmp = { .kind = f->kind, .v = *f };

	if (f->kind == FV_STR) {
		tmp.str = f->s.p;
		tmp.len = f->s.len;
	} else if ((f->kind == FV_U64 && sgn) || (f->kind == FV_S64 && !sgn)) {
		tmp.kind = sgn ? FV_S64 : FV_U64;
	}
	return val_hash(&tmp, icase);
}

static inline __attribute__((always_inline)) bool str_eq(const char *a, uint32_t la, const char *b,
						    uint32_t lb, bool icase)
{
	if (la != lb)
		return false;
	return icase ? !strncasecmp(a, b, la) : !memcmp(a, b, la);
}

static bool ip_in(const struct fval *f, const struct irop_val *c)
{
	uint32_t bits = c->prefix, full = bits / 8;

	if (f->kind != FV_IP || f->ip.fam != c->v.ip.fam)
		return false;
	if (memcmp(f->ip.b, c->v.ip.b, full))
		return false;
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));

		return (f->ip.b[full] & mask) == (c->v.ip.b[full] & mask);
	}
	return true;
}

/* Equality of an extracted value and a constant. */
static bool val_eq(const struct fval *f, const struct irop_val *c, bool icase)
{
	switch (f->kind) {
	case FV_STR:
		return str_eq(f->s.p, f->s.len, c->str, c->len, icase);
	case FV_U64:
		if (c->kind == FV_S64)
			return c->v.i >= 0 && f->u == (uint64_t)c->v.i;
		if (c->kind == FV_U64)
			return f->u == c->v.u;
		if (c->kind == FV_BOOL)
			return (f->u != 0) == c->v.b;
		return false;
	case FV_S64:
		if (c->kind == FV_U64)
			return f->i >= 0 && (uint64_t)f->i == c->v.u;
		if (c->kind == FV_S64)
			return f->i == c->v.i;
		return false;
	case FV_BOOL:
		return c->kind == FV_BOOL ? f->b == c->v.b : (c->kind == FV_U64 && f->b == (c->v.u != 0));
	case FV_DOUBLE:
		return c->kind == FV_DOUBLE && f->d == c->v.d;
	case FV_IP:
		return c->kind == FV_IP && ip_in(f, c);
	default:
		return false;
	}
}

static int set_add(struct irop_set *s, uint32_t idx)
{
	uint64_t h = val_hash(&s->vals[idx], s->icase);
	uint32_t i = (uint32_t)h & (s->cap - 1);

	while (s->slots[i])
		i = (i + 1) & (s->cap - 1);
	s->slots[i] = idx + 1;
	return 0;
}

bool irop_set_has(const struct irop_set *s, const struct fval *f, bool sgn)
{
	uint32_t i;

	if (s->has_nets && f->kind == FV_IP) {
		for (uint32_t k = 0; k < s->n; k++)
			if (ip_in(f, &s->vals[k]))
				return true;
		return false;
	}
	if (f->kind == FV_STR && (f->s.len < s->minlen || f->s.len > s->maxlen))
		return false;
	i = (uint32_t)fval_hash(f, s->icase, sgn) & (s->cap - 1);
	while (s->slots[i]) {
		if (val_eq(f, &s->vals[s->slots[i] - 1], s->icase))
			return true;
		i = (i + 1) & (s->cap - 1);
	}
	/* numbers of the other signedness hash differently: fall back */
	if (f->kind == FV_U64 || f->kind == FV_S64 || f->kind == FV_BOOL) {
		for (uint32_t k = 0; k < s->n; k++)
			if (val_eq(f, &s->vals[k], false))
				return true;
	}
	return false;
}

static int by_len_bytes(const void *a, const void *b, void *set)
{
	const struct irop_set *s = set;
	const struct irop_val *x = &s->vals[*(const uint32_t *)a];
	const struct irop_val *y = &s->vals[*(const uint32_t *)b];

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->str, y->str, x->len);
}

/* The prefix (suffix) table of a startswith (endswith) list. */
static int build_affixes(struct irop_set *s)
{
	s->sorted = mem_calloc(s->n + 1, sizeof(*s->sorted));
	s->groups = mem_calloc(s->n + 1, sizeof(*s->groups));
	if (!s->sorted || !s->groups)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->n; i++)
		s->sorted[i] = i;
	qsort_r(s->sorted, s->n, sizeof(*s->sorted), by_len_bytes, s);
	for (uint32_t i = 0; i < s->n; i++) {
		uint32_t len = s->vals[s->sorted[i]].len;

		if (!s->ngroups || s->groups[s->ngroups - 1].len != len)
			s->groups[s->ngroups++] = (struct affix_group){ .len = len, .first = i };
		s->groups[s->ngroups - 1].n++;
	}
	return 0;
}

/* Whether a member of s is a prefix (suffix, when !start) of p[0..len). */
bool irop_affix_has(const struct irop_set *s, const char *p, uint32_t len, bool start)
{
	for (uint32_t g = 0; g < s->ngroups && s->groups[g].len <= len; g++) {
		const struct affix_group *gr = &s->groups[g];
		const char *c = start ? p : p + len - gr->len;
		uint32_t lo = gr->first, hi = gr->first + gr->n;

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			int r = memcmp(c, s->vals[s->sorted[mid]].str, gr->len);

			if (!r)
				return true;
			if (r < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return false;
}

int irop_compile(enum ast_op op, uint8_t t, const struct ir_opnd *rhs, struct irop_rhs *out,
		 char *err, size_t errlen)
{
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->op = op;
	out->type = t;
	if (!rhs)
		return 0;
	if (rhs->kind == IRV_FIELD || rhs->kind == IRV_XFORM) {
		out->is_field = true;
		return 0;
	}
	if (op == AST_OP_REGEX) {
		int ecode;
		PCRE2_SIZE eoff;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)rhs->str, PCRE2_ZERO_TERMINATED,
					       PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF, &ecode,
					       &eoff, NULL);

		if (!re) {
			PCRE2_UCHAR msg[128];

			pcre2_get_error_message(ecode, msg, sizeof(msg));
			snprintf(err, errlen, "invalid regex pattern: %s at offset %zu", msg, (size_t)eoff);
			return -EINVAL;
		}
		out->re = re;
		out->re_md = pcre2_match_data_create_from_pattern(re, NULL);
		return out->re_md ? 0 : -ENOMEM;
	}
	if (rhs->kind == IRV_VALUE)
		return parse_val(t, op, rhs->str, &out->one, err, errlen);
	/* a list: a hashed set */
	{
		struct irop_set *s = mem_calloc(1, sizeof(*s));

		if (!s)
			return -ENOMEM;
		out->set = s;
		s->n = rhs->nitems;
		s->cap = 8;
		while (s->cap < s->n * 2)
			s->cap *= 2;
		s->vals = mem_calloc(s->n + 1, sizeof(*s->vals));
		s->slots = mem_calloc(s->cap, sizeof(*s->slots));
		if (!s->vals || !s->slots)
			return -ENOMEM;
		for (uint32_t i = 0; i < s->n && !rc; i++) {
			rc = parse_val(t, op, rhs->items[i], &s->vals[i], err, errlen);
			if (!rc && s->vals[i].is_net)
				s->has_nets = true;
			if (!rc && (!i || s->vals[i].len < s->minlen))
				s->minlen = s->vals[i].len;
			if (!rc && s->vals[i].len > s->maxlen)
				s->maxlen = s->vals[i].len;
			if (!rc)
				set_add(s, i);
		}
		if (!rc && (op == AST_OP_STARTSWITH || op == AST_OP_ENDSWITH))
			rc = build_affixes(s);
	}
	return rc;
}

bool irop_regex_check(const char *pattern, char *err, size_t errlen)
{
	struct ir_opnd o = { .kind = IRV_VALUE, .str = pattern };
	struct irop_rhs r;
	int rc = irop_compile(AST_OP_REGEX, PT_CHARBUF, &o, &r, err, errlen);

	irop_release(&r);
	return rc == 0;
}

void irop_release(struct irop_rhs *r)
{
	if (r->set) {
		for (uint32_t i = 0; i < r->set->n; i++)
			mem_free((void *)r->set->vals[i].bytes);
		mem_free(r->set->vals);
		mem_free(r->set->slots);
		mem_free(r->set->sorted);
		mem_free(r->set->groups);
		mem_free(r->set);
	}
	mem_free((void *)r->one.bytes);
	if (r->re_md)
		pcre2_match_data_free(r->re_md);
	if (r->re)
		pcre2_code_free(r->re);
	memset(r, 0, sizeof(*r));
}

uint32_t irop_set_count(const struct irop_set *s)
{
	return s->n;
}

const struct irop_val *irop_set_member(const struct irop_set *s, uint32_t i)
{
	return &s->vals[i];
}

bool irop_set_exact(const struct irop_set *s)
{
	return !s->has_nets && !s->icase;
}

bool irop_mem_has(const char *h, uint32_t hl, const char *n, uint32_t nl, bool icase)
{
	if (nl == 0)
		return true;
	if (nl > hl)
		return false;
	if (!icase && nl <= 16) {
		/* short needles in short values (paths, names): memchr on the
		 * first byte beats memmem's set-up */
		const char *p = h, *end = h + hl - nl + 1;

		while (p < end && (p = memchr(p, n[0], (size_t)(end - p))) != NULL) {
			uint32_t k = 1;

			while (k < nl && p[k] == n[k])
				k++;
			if (k == nl)
				return true;
			p++;
		}
		return false;
	}
	if (!icase)
		return memmem(h, hl, n, nl) != NULL;
	for (uint32_t i = 0; i + nl <= hl; i++)
		if (!strncasecmp(h + i, n, nl))
			return true;
	return false;
}

/* fnmatch needs NUL-terminated text. */
static bool glob_match(const char *pat, const char *s, uint32_t len, bool icase)
{
	char small[512], *buf = small;
	bool r;

	if (len >= sizeof(small)) {
		buf = mem_malloc(len + 1);
		if (!buf)
			return false;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	r = fnmatch(pat, buf, icase ? FNM_CASEFOLD : 0) == 0;
	if (buf != small)
		mem_free(buf);
	return r;
}

/* Path prefix match: the value is the path or lies below it. */
bool irop_pmatch_set(const struct irop_set *s, const char *p, uint32_t len)
{
	for (uint32_t i = 0; i < s->n; i++) {
		const struct irop_val *c = &s->vals[i];

		if (c->len > len || memcmp(p, c->str, c->len))
			continue;
		if (c->len == len || c->str[c->len - 1] == '/' || p[c->len] == '/')
			return true;
	}
	return false;
}

static int num_cmp(const struct fval *f, const struct irop_val *c, bool *ok)
{
	*ok = true;
	if (f->kind == FV_U64 && c->kind == FV_U64)
		return f->u < c->v.u ? -1 : f->u > c->v.u;
	if (f->kind == FV_S64 && c->kind == FV_S64)
		return f->i < c->v.i ? -1 : f->i > c->v.i;
	if (f->kind == FV_U64 && c->kind == FV_S64)
		return c->v.i < 0 ? 1 : (f->u < (uint64_t)c->v.i ? -1 : f->u > (uint64_t)c->v.i);
	if (f->kind == FV_S64 && c->kind == FV_U64)
		return f->i < 0 ? -1 : ((uint64_t)f->i < c->v.u ? -1 : (uint64_t)f->i > c->v.u);
	if (f->kind == FV_DOUBLE && c->kind == FV_DOUBLE)
		return f->d < c->v.d ? -1 : f->d > c->v.d;
	if (f->kind == FV_STR && c->kind == FV_STR) {
		uint32_t n = f->s.len < c->len ? f->s.len : c->len;
		int r = memcmp(f->s.p, c->str, n);

		return r ? r : (f->s.len < c->len ? -1 : f->s.len > c->len);
	}
	*ok = false;
	return 0;
}

/* startswith/endswith on a string: against one constant or a table. The
 * evaluators built into the JIT's bitcode call these, so they must inline
 * there (bitcode is built without inlining). */
static inline __attribute__((always_inline)) bool has_prefix(const struct irop_rhs *r,
							    const char *p, uint32_t len)
{
	if (r->set)
		return irop_affix_has(r->set, p, len, true);
	return len >= r->one.len && !memcmp(p, r->one.str, r->one.len);
}

static inline __attribute__((always_inline)) bool has_suffix(const struct irop_rhs *r,
							    const char *p, uint32_t len)
{
	if (r->set)
		return irop_affix_has(r->set, p, len, false);
	return len >= r->one.len && !memcmp(p + len - r->one.len, r->one.str, r->one.len);
}

/* One scalar value against the compiled right side. */
static bool eval_one(const struct irop_rhs *r, const struct fval *f)
{
	const struct irop_val *c = &r->one;
	bool ok;
	int k;

	if (f->kind == FV_NONE)
		return r->dns && irop_dns_eval(r, f);
	switch (r->op) {
	case AST_OP_EXISTS:
		return true;
	case AST_OP_EQ:
		return val_eq(f, c, false);
	case AST_OP_NE:
		return !val_eq(f, c, false);
	case AST_OP_LT: k = num_cmp(f, c, &ok); return ok && k < 0;
	case AST_OP_LE: k = num_cmp(f, c, &ok); return ok && k <= 0;
	case AST_OP_GT: k = num_cmp(f, c, &ok); return ok && k > 0;
	case AST_OP_GE: k = num_cmp(f, c, &ok); return ok && k >= 0;
	case AST_OP_CONTAINS:
		return f->kind == FV_STR && irop_mem_has(f->s.p, f->s.len, c->str, c->len, false);
	case AST_OP_ICONTAINS:
		return f->kind == FV_STR && irop_mem_has(f->s.p, f->s.len, c->str, c->len, true);
	case AST_OP_BCONTAINS:
		return f->kind == FV_STR &&
		       irop_mem_has(f->s.p, f->s.len, (const char *)c->bytes, c->nbytes, false);
	case AST_OP_STARTSWITH:
		return f->kind == FV_STR && has_prefix(r, f->s.p, f->s.len);
	case AST_OP_BSTARTSWITH:
		return f->kind == FV_STR && f->s.len >= c->nbytes &&
		       !memcmp(f->s.p, c->bytes, c->nbytes);
	case AST_OP_ENDSWITH:
		return f->kind == FV_STR && has_suffix(r, f->s.p, f->s.len);
	case AST_OP_GLOB:
		return f->kind == FV_STR && glob_match(c->str, f->s.p, f->s.len, false);
	case AST_OP_IGLOB:
		return f->kind == FV_STR && glob_match(c->str, f->s.p, f->s.len, true);
	case AST_OP_REGEX:
		return f->kind == FV_STR && r->re &&
		       pcre2_match(r->re, (PCRE2_SPTR)f->s.p, f->s.len, 0, 0, r->re_md, NULL) >= 0;
	case AST_OP_IN:
	case AST_OP_INTERSECTS:
		return r->set && irop_set_has(r->set, f, is_signed_type(r->type));
	case AST_OP_PMATCH:
		return r->set && f->kind == FV_STR && irop_pmatch_set(r->set, f->s.p, f->s.len);
	default:
		return false;
	}
}

bool irop_eval(const struct irop_rhs *r, const struct fval *lhs)
{
	if (lhs->kind != FV_LIST)
		return eval_one(r, lhs);
	if (r->op == AST_OP_EXISTS)
		return true;
	if (r->op == AST_OP_IN && !lhs->list.any) {
		/* every element in the set (an empty list is not in anything) */
		if (!lhs->list.n)
			return false;
		for (uint32_t i = 0; i < lhs->list.n; i++)
			if (!eval_one(r, &lhs->list.items[i]))
				return false;
		return true;
	}
	for (uint32_t i = 0; i < lhs->list.n; i++)
		if (eval_one(r, &lhs->list.items[i]))
			return true;
	return false;
}

/* The specialised evaluators: the common case (one string, or one scalar
 * in a set) inline, everything else (no value, lists, other kinds) through
 * irop_eval. */
static bool ev_str_eq(const struct irop_rhs *r, const struct fval *f)
{
	if (f->kind == FV_STR)
		return r->one.kind == FV_STR && str_eq(f->s.p, f->s.len, r->one.str, r->one.len, false);
	return irop_eval(r, f);
}

static bool ev_str_ne(const struct irop_rhs *r, const struct fval *f)
{
	if (f->kind == FV_STR)
		return !(r->one.kind == FV_STR &&
			 str_eq(f->s.p, f->s.len, r->one.str, r->one.len, false));
	return irop_eval(r, f);
}

static bool ev_in(const struct irop_rhs *r, const struct fval *f)
{
	if (f->kind != FV_LIST && f->kind != FV_NONE)
		return irop_set_has(r->set, f, is_signed_type(r->type));
	return irop_eval(r, f);
}

static bool ev_startswith(const struct irop_rhs *r, const struct fval *f)
{
	if (f->kind == FV_STR)
		return has_prefix(r, f->s.p, f->s.len);
	return irop_eval(r, f);
}

static bool ev_endswith(const struct irop_rhs *r, const struct fval *f)
{
	if (f->kind == FV_STR)
		return has_suffix(r, f->s.p, f->s.len);
	return irop_eval(r, f);
}

static bool ev_contains(const struct irop_rhs *r, const struct fval *f)
{
	if (f->kind == FV_STR)
		return irop_mem_has(f->s.p, f->s.len, r->one.str, r->one.len, false);
	return irop_eval(r, f);
}

static bool ev_pmatch(const struct irop_rhs *r, const struct fval *f)
{
	if (f->kind == FV_STR)
		return r->set && irop_pmatch_set(r->set, f->s.p, f->s.len);
	return irop_eval(r, f);
}

irop_eval_fn irop_evaluator(const struct irop_rhs *r)
{
	bool str1 = !r->set && r->one.kind == FV_STR;

	switch (r->op) {
	case AST_OP_EQ: return str1 ? ev_str_eq : irop_eval;
	case AST_OP_NE: return str1 ? ev_str_ne : irop_eval;
	case AST_OP_IN: case AST_OP_INTERSECTS: return r->set ? ev_in : irop_eval;
	case AST_OP_STARTSWITH: return r->set || str1 ? ev_startswith : irop_eval;
	case AST_OP_ENDSWITH: return r->set || str1 ? ev_endswith : irop_eval;
	case AST_OP_CONTAINS: return str1 ? ev_contains : irop_eval;
	case AST_OP_PMATCH: return ev_pmatch;
	default: return irop_eval;
	}
}

const char *irop_evaluator_name(const struct irop_rhs *r)
{
	static const struct {
		irop_eval_fn fn;
		const char *name;
	} names[] = {
		{ ev_str_eq, "ev_str_eq" }, { ev_str_ne, "ev_str_ne" }, { ev_in, "ev_in" },
		{ ev_startswith, "ev_startswith" }, { ev_endswith, "ev_endswith" },
		{ ev_contains, "ev_contains" }, { ev_pmatch, "ev_pmatch" },
	};
	irop_eval_fn fn = irop_evaluator(r);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].fn == fn)
			return names[i].name;
	return "irop_eval";
}

bool irop_eval_fields(enum ast_op op, const struct fval *a, const struct fval *b)
{
	struct irop_rhs r = { .op = op };

	if (a->kind == FV_NONE || b->kind == FV_NONE)
		return false;
	if (b->kind == FV_LIST) {
		for (uint32_t i = 0; i < b->list.n; i++)
			if (irop_eval_fields(op == AST_OP_IN || op == AST_OP_INTERSECTS ? AST_OP_EQ : op,
					     a, &b->list.items[i]))
				return true;
		return false;
	}
	r.one.kind = b->kind;
	r.one.v = *b;
	if (b->kind == FV_STR) {
		r.one.str = b->s.p;
		r.one.len = b->s.len;
	} else if (b->kind == FV_IP) {
		r.one.prefix = b->ip.fam == 4 ? 32 : 128;
	}
	if (op == AST_OP_IN || op == AST_OP_INTERSECTS)
		r.op = AST_OP_EQ;
	/* string operators need the constant NUL-terminated only for glob */
	if (op == AST_OP_GLOB || op == AST_OP_IGLOB || op == AST_OP_REGEX || op == AST_OP_PMATCH)
		r.op = AST_OP_EQ;
	return irop_eval(&r, a);
}

/* ---- domain fields ---- */

const struct irop_dns_ops *irop_dns;

void irop_dns_register(const struct irop_rhs *r)
{
	if (!r->dns || !irop_dns)
		return;
	if (r->set) {
		for (uint32_t i = 0; i < irop_set_count(r->set); i++)
			irop_dns->add(irop_set_member(r->set, i)->str);
	} else if (r->one.kind == FV_STR) {
		irop_dns->add(r->one.str);
	}
}

bool irop_dns_eval(const struct irop_rhs *r, const struct fval *f)
{
	const struct irop_dns_ops *d = irop_dns;

	if (!d || (f->ip.fam != 4 && f->ip.fam != 6))
		return false;	/* no fd, or not a connected IP socket */
	switch (r->op) {
	case AST_OP_EQ:
		return r->one.kind == FV_STR && d->has(r->one.str, f->ip.fam, f->ip.b);
	case AST_OP_NE:
		return !(r->one.kind == FV_STR && d->has(r->one.str, f->ip.fam, f->ip.b));
	case AST_OP_IN:
		for (uint32_t i = 0; r->set && i < irop_set_count(r->set); i++)
			if (d->has(irop_set_member(r->set, i)->str, f->ip.fam, f->ip.b))
				return true;
		return false;
	default:
		return false;
	}
}
