/* Field extraction (see extract.h): the entry points. The catalogue
 * (compiler/fields.def) names each field's extractor family; the table
 * below is generated from it, so extract_field is one indexed call into
 * the family (runtime/extract_<family>.c), which switches on the field's
 * id. Also: operands prepared for the JIT, values the event code alone
 * decides, in-place parameter layouts, and the state callbacks parameter
 * rendering resolves fds, pids, users and paths through. */
#include "runtime/extract.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/evt_fmt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/extract_int.h"

/* The family of every field, from the catalogue. */
static const extract_cls_fn cls_fn[FC__COUNT] = {
	[FC_EVT] = extract_cls_evt,
	[FC_PROC] = extract_cls_proc,
	[FC_USER] = extract_cls_user,
	[FC_FD] = extract_cls_fd,
	[FC_FDLIST] = extract_cls_fdlist,
	[FC_FSPATH] = extract_cls_fspath,
	[FC_SYSLOG] = extract_cls_syslog,
	[FC_CTR] = extract_cls_ctr,
	[FC_PLUGIN] = extract_cls_plugin,
};

void extract_scratch_release(struct extract_scratch *s)
{
	strbuf_release(&s->sb);
	mem_free(s->items);
	s->items = NULL;
	s->cap = 0;
}

bool extract_supported(const struct field_info *fi)
{
	return fi->cls < FC__COUNT && cls_fn[fi->cls] != NULL;
}

bool extract_field_known(const struct extract_evt *x, const struct field_info *fi,
			 const char *arg, struct extract_scratch *sc, struct fval *out)
{
	extract_cls_fn fn = fi->cls < FC__COUNT ? cls_fn[fi->cls] : NULL;

	out->kind = FV_NONE;
	return fn && fn(x, fi->id, arg, sc, out);
}

void extract_field(const struct extract_evt *x, const struct field_info *fi, const char *arg,
		   struct extract_scratch *sc, struct fval *out)
{
	extract_cls_fn fn = fi->cls < FC__COUNT ? cls_fn[fi->cls] : NULL;

	out->kind = FV_NONE;
	if (fn)
		fn(x, fi->id, arg, sc, out);
}

static void prep_none(const void *x, const void *p, struct fval *out)
{
	(void)x;
	(void)p;
	out->kind = FV_NONE;
}

/* The prepared form of every family. */
static const extract_prep_fn prep_fn[FC__COUNT] = {
	[FC_NONE] = prep_none,
	[FC_EVT] = extract_prep_evt,
	[FC_PROC] = extract_prep_proc,
	[FC_USER] = extract_prep_user,
	[FC_FD] = extract_prep_fd,
	[FC_FDLIST] = extract_prep_fdlist,
	[FC_FSPATH] = extract_prep_fspath,
	[FC_SYSLOG] = extract_prep_syslog,
	[FC_CTR] = extract_prep_ctr,
	[FC_PLUGIN] = extract_prep_plugin,
};

extract_prep_fn extract_prepare(struct extract_prep *p)
{
	p->xid = p->fi->id;
	return prep_fn[p->fi->cls < FC__COUNT ? p->fi->cls : FC_NONE];
}

/* ---- what evt.args, evt.arg.* and --print resolve through the state ---- */

static bool fmt_fd(void *ctx, int64_t fd, char *typechar, const char **name)
{
	const struct extract_evt *x = ctx;
	struct fdi *f;

	if (!x->st || !x->cur.thr)
		return false;
	f = state__fd(x->st, x->cur.thr, fd);
	if (!f)
		return false;
	typechar[0] = fdi_typechar(f);
	switch (fdi_l4proto(f)) {
	case IPPROTO_TCP: typechar[1] = 't'; break;
	case IPPROTO_UDP: typechar[1] = 'u'; break;
	case IPPROTO_ICMP: typechar[1] = 'i'; break;
	case IPPROTO_RAW: typechar[1] = 'r'; break;
	default: break;
	}
	*name = f->name;
	return true;
}

static bool fmt_comm(void *ctx, int64_t pid, const char **comm)
{
	const struct extract_evt *x = ctx;
	const struct thr *t = x->st ? state__thread(x->st, pid) : NULL;

	if (!t || !t->comm)
		return false;
	*comm = t->comm;
	return true;
}

static bool fmt_user(void *ctx, uint32_t uid, const char **name)
{
	const struct extract_evt *x = ctx;
	const struct state_user *u = x->st ? state__user(x->st, uid) : NULL;

	if (!u || !u->name)
		return false;
	*name = u->name;
	return true;
}

static bool fmt_group(void *ctx, uint32_t gid, const char **name)
{
	const struct extract_evt *x = ctx;
	const struct state_group *g = x->st ? state__group(x->st, gid) : NULL;

	if (!g || !g->name)
		return false;
	*name = g->name;
	return true;
}

static bool fmt_abspath(void *ctx, int64_t dirfd, const char *rel, struct strbuf *out)
{
	const struct extract_evt *x = ctx;
	const char *dir = NULL;
	struct fdi *f;

	if (!x->cur.thr)
		return false;
	if (dirfd == -100) {	/* AT_FDCWD */
		dir = x->cur.thr->cwd;
	} else if (x->st && (f = state__fd(x->st, x->cur.thr, dirfd)) != NULL) {
		dir = f->name;
	}
	if (!dir || !dir[0])
		return false;
	xt_path_join(out, dir, rel);
	return true;
}

void extract_fmt_ctx(const struct extract_evt *x, struct evt_fmt_fd *out)
{
	*out = (struct evt_fmt_fd){
		.ctx = (void *)x,
		.lookup = fmt_fd,
		.comm = fmt_comm,
		.user = fmt_user,
		.group = fmt_group,
		.abspath = fmt_abspath,
	};
}

bool extract_param_layout(const struct field_info *fi, const char *arg, uint16_t code,
			  struct extract_param_layout *out)
{
	const struct evt_info *ei = evt_schema_get(code);
	uint32_t id = fi->id;
	enum ppm_param_type t;
	int i = -1;

	if (!ei || code == PPME_GENERIC_E || code == PPME_GENERIC_X || fi->cls == FC_PLUGIN)
		return false;
	if (id == FID_EVT_RAWRES) {
		/* evt_retval: the first parameter of a syscall exit, when a result */
		if (ei->dir != EVD_EXIT || !(ei->flags & EVF_SYSCALL) || !ei->nparams)
			return false;
		t = (enum ppm_param_type)ei->params[0].type;
		if (t != PT_ERRNO && t != PT_FD && t != PT_PID && t != PT_INT64 && t != PT_UINT64)
			return false;
		*out = (struct extract_param_layout){ .index = 0, .size = 8, .sgn = true };
		return true;
	}
	if (id != FID_EVT_RAWARG || !arg || (*arg >= '0' && *arg <= '9'))
		return false;
	for (uint32_t k = 0; k < ei->nparams && i < 0; k++)
		if (!strcmp(ei->params[k].name, arg))
			i = (int)k;
	if (i < 0)
		return false;	/* maybe in the enter event: the extractor's */
	t = (enum ppm_param_type)ei->params[i].type;
	if (!evt_schema_int_size(t))
		return false;
	/* as raw_param and param_int give it */
	out->index = (uint32_t)i;
	out->size = evt_schema_int_size(t);
	out->sgn = xt_type_signed(t);
	return true;
}

bool extract_static(const struct field_info *fi, const char *arg, uint16_t code,
		    struct fval *out)
{
	const struct evt_info *ei = evt_schema_get(code);
	uint32_t id = fi->id;

	if (!ei || code == PPME_GENERIC_E || code == PPME_GENERIC_X || fi->cls == FC_PLUGIN)
		return false;
	xt_none(out);
	switch (id) {
	case FID_EVT_DIR:
		xt_cstr(out, ei->dir == EVD_ENTER ? ">" : "<");
		return true;
	case FID_EVT_IS_OPEN_READ: case FID_EVT_IS_OPEN_WRITE: case FID_EVT_IS_OPEN_CREATE:
	case FID_EVT_IS_OPEN_EXEC:
		if (xt_names_file(code) || code == PPME_SYSCALL_OPENAT_E)
			return false;
		fval_set_bool(out, false);
		return true;
	default:
		break;
	}
	if (fi->cls != FC_FD)
		return false;
	/* an event that makes, uses or closes no fd has no fd fields */
	if (!(ei->flags & (EVF_CREATES_FD | EVF_USES_FD | EVF_DESTROYS_FD)))
		return true;
	if (id == FID_FD_NUM || id == FID_FD_TYPES || id == FID_FD_UID || id == FID_FD_TYPECHAR)
		return false;
	/* an enter event has no result, so no new fd; without an fd parameter
	 * it names none; and only open exits describe a file by parameters */
	if (ei->dir != EVD_ENTER || xt_names_file(code))
		return false;
	for (uint32_t i = 0; i < ei->nparams; i++)
		if (!strcmp(ei->params[i].name, "fd"))
			return false;
	return true;	/* no value */
}
