/* Private to field extraction (runtime/extract*.c): the extractor family
 * entry points the dispatch table in extract.c is generated from, and the
 * helpers the families share (values, event parameters, paths, ancestors).
 * Prefix xt_ for the shared helpers; each family's entry point is
 * extract_cls_<family>. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "compiler/fields.h"
#include "compiler/fval.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/extract.h"

#define XT_MAX_ANCESTORS 64	/* bound on process-tree walks */

/* One extractor family: the value of field id (enum field_id) with argument
 * arg for x. Returns false when id is not a field of the family (the
 * catalogue test calls every field through its family to prove each has
 * a case). */
typedef bool (*extract_cls_fn)(const struct extract_evt *x, uint32_t id, const char *arg,
			       struct extract_scratch *sc, struct fval *out);

#define XT_FAMILY_DECL(fam)                                                                 \
	bool extract_cls_##fam(const struct extract_evt *x, uint32_t id, const char *arg,    \
			       struct extract_scratch *sc, struct fval *out);                  \
	void extract_prep_##fam(const void *x, const void *p, struct fval *out);
XT_FAMILY_DECL(evt)
XT_FAMILY_DECL(proc)
XT_FAMILY_DECL(user)
XT_FAMILY_DECL(fd)
XT_FAMILY_DECL(fdlist)
XT_FAMILY_DECL(fspath)
XT_FAMILY_DECL(syslog)
XT_FAMILY_DECL(ctr)
XT_FAMILY_DECL(plugin)

/* Defines a family's two entry points from its switch, impl(x, id, arg,
 * sc, out): extract_cls_<fam> as above, and extract_prep_<fam>, the form
 * a prepared operand calls (extract.h), which reaches the switch without
 * another indirection. */
#define XT_FAMILY(fam, impl)                                                                \
	bool extract_cls_##fam(const struct extract_evt *x, uint32_t id, const char *arg,    \
			       struct extract_scratch *sc, struct fval *out)                   \
	{                                                                                    \
		return impl(x, id, arg, sc, out);                                            \
	}                                                                                    \
	void extract_prep_##fam(const void *x, const void *p, struct fval *out)              \
	{                                                                                    \
		const struct extract_prep *pp = p;                                           \
                                                                                             \
		impl(x, pp->xid, pp->arg, pp->sc, out);                                      \
	}

/* ---- values ------------------------------------------------------------- */

static inline void xt_none(struct fval *out)
{
	out->kind = FV_NONE;
	out->ip.fam = 0;	/* no address for the domain comparisons either */
}

static inline void xt_cstr(struct fval *out, const char *s)
{
	if (!s)
		xt_none(out);
	else
		fval_set_str(out, s, (uint32_t)strlen(s));
}

/* The scratch text as a value (after the caller filled sc->sb). */
static inline void xt_sb(struct fval *out, struct extract_scratch *sc)
{
	if (sc->sb.oom)
		xt_none(out);
	else
		fval_set_str(out, sc->sb.buf ? sc->sb.buf : "", (uint32_t)sc->sb.len);
}

/* Room for n list items in the scratch; NULL when out of memory. */
struct fval *xt_items(struct extract_scratch *sc, uint32_t n);
/* An IP address value of family AF_INET or AF_INET6. */
void xt_ip(struct fval *out, uint8_t family, const uint8_t *addr);

/* ---- event parameters (extract_param.c) --------------------------------- */

const struct evt_param_info *xt_pinfo(const struct evt *e, uint32_t i);
/* Integer parameter types read as signed numbers. */
bool xt_type_signed(enum ppm_param_type t);
/* Integer value of parameter i of any integer width, sign-extended for
 * signed types. */
bool xt_param_int(const struct evt *e, uint32_t i, int64_t *v);
/* Parameter name in the event, or else in its paired enter event. */
bool xt_param_find(const struct extract_evt *x, const char *name, const struct evt **ev,
		   uint32_t *idx);
/* Parameter named or numbered by arg, of the event itself (evt.arg, evt.rawarg). */
bool xt_param_by_arg(const struct extract_evt *x, const char *arg, const struct evt **ev,
		     uint32_t *idx);
const char *xt_param_str_named(const struct extract_evt *x, const char *name);
/* Raw typed value of parameter i (evt.rawarg). */
void xt_raw_param(const struct evt *e, uint32_t i, struct fval *out);
/* The syscall's return value: the first parameter of a syscall exit when
 * it is the result (res, fd, pid). */
bool xt_retval(const struct evt *e, int64_t *v);
/* Opens and creat: events that describe a file by their parameters. */
bool xt_is_open(uint16_t code, bool *newer);
bool xt_names_file(uint16_t code);
/* Path parameter pname resolved against its dirfd or the cwd into sc. */
bool xt_abspath(const struct extract_evt *x, const char *pname, struct extract_scratch *sc,
		struct fval *out);
/* Appends path resolved against dir to sb. */
void xt_path_join(struct strbuf *sb, const char *dir, const char *path);

/* ---- syslog messages (extract_syslog.c) --------------------------------- */

struct xt_syslog {
	uint32_t severity, facility;
	const char *msg;	/* in the event's data, not NUL-terminated */
	uint32_t msg_len;
};

/* The syslog message the event writes, if it is one. */
bool xt_syslog_decode(const struct extract_evt *x, struct xt_syslog *out);
const char *xt_syslog_severity(uint32_t s);

/* ---- state -------------------------------------------------------------- */

static inline struct thr *xt_parent(const struct extract_evt *x, const struct thr *t)
{
	return x->st && t ? state__parent(x->st, t) : NULL;
}
