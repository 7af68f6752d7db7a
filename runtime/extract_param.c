/* What every extractor family reads of the event itself (extract_int.h):
 * parameters by index or name (in the exit event, or else in the enter
 * event older captures pair with it), integers of any width with their
 * sign, the syscall's result, raw typed values, and path parameters made
 * absolute against their dirfd or the thread's cwd. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/base/path.h"
#include "runtime/base/mem.h"
#include "runtime/extract_int.h"

struct fval *xt_items(struct extract_scratch *sc, uint32_t n)
{
	if (n > sc->cap) {
		struct fval *p = mem_reallocarray(sc->items, n, sizeof(*p));

		if (!p)
			return NULL;
		sc->items = p;
		sc->cap = n;
	}
	return sc->items;
}

void xt_ip(struct fval *out, uint8_t family, const uint8_t *addr)
{
	out->kind = FV_IP;
	memset(out->ip.b, 0, sizeof(out->ip.b));
	if (family == AF_INET) {
		out->ip.fam = 4;
		memcpy(out->ip.b, addr, 4);
	} else {
		out->ip.fam = 6;
		memcpy(out->ip.b, addr, 16);
	}
}

const struct evt_param_info *xt_pinfo(const struct evt *e, uint32_t i)
{
	return e->info && i < e->info->nparams ? &e->info->params[i] : NULL;
}

bool xt_type_signed(enum ppm_param_type t)
{
	return t == PT_INT8 || t == PT_INT16 || t == PT_INT32 || t == PT_INT64 || t == PT_ERRNO ||
	       t == PT_FD || t == PT_PID || t == PT_FD32 || t == PT_PID32;
}

bool xt_param_int(const struct evt *e, uint32_t i, int64_t *v)
{
	const struct evt_param_info *pi = xt_pinfo(e, i);
	uint32_t len;
	const uint8_t *p = evt_param(e, i, &len);
	bool sgn;

	if (!p || !pi)
		return false;
	sgn = xt_type_signed((enum ppm_param_type)pi->type);
	switch (len) {
	case 1: { uint8_t u = p[0]; *v = sgn ? (int8_t)u : u; return true; }
	case 2: { uint16_t u; memcpy(&u, p, 2); *v = sgn ? (int16_t)u : u; return true; }
	case 4: { uint32_t u; memcpy(&u, p, 4); *v = sgn ? (int32_t)u : (int64_t)u; return true; }
	case 8: { uint64_t u; memcpy(&u, p, 8); *v = (int64_t)u; return true; }
	default: return false;
	}
}

bool xt_param_find(const struct extract_evt *x, const char *name, const struct evt **ev,
		   uint32_t *idx)
{
	int i = evt_param_index(x->e, name);

	if (i >= 0 && (uint32_t)i < x->e->nparams) {
		*ev = x->e;
		*idx = (uint32_t)i;
		return true;
	}
	if (x->cur.enter) {
		i = evt_param_index(x->cur.enter, name);
		if (i >= 0 && (uint32_t)i < x->cur.enter->nparams) {
			*ev = x->cur.enter;
			*idx = (uint32_t)i;
			return true;
		}
	}
	return false;
}

bool xt_param_by_arg(const struct extract_evt *x, const char *arg, const struct evt **ev,
		     uint32_t *idx)
{
	char *end;
	unsigned long n;
	int i;

	if (!arg)
		return false;
	n = strtoul(arg, &end, 10);
	if (end != arg && !*end) {
		if (n >= x->e->nparams)
			return false;
		*ev = x->e;
		*idx = (uint32_t)n;
		return true;
	}
	/* a name: the event's own parameter (older layouts were upgraded
	 * when read, scap_convert.c), never its enter event's */
	i = evt_param_index(x->e, arg);
	if (i < 0 || (uint32_t)i >= x->e->nparams)
		return false;
	*ev = x->e;
	*idx = (uint32_t)i;
	return true;
}

const char *xt_param_str_named(const struct extract_evt *x, const char *name)
{
	const struct evt *ev;
	uint32_t i;

	return xt_param_find(x, name, &ev, &i) ? evt_param_str(ev, i) : NULL;
}

void xt_raw_param(const struct evt *e, uint32_t i, struct fval *out)
{
	const struct evt_param_info *pi = xt_pinfo(e, i);
	uint32_t len;
	const uint8_t *p = evt_param(e, i, &len);
	int64_t v;

	xt_none(out);
	if (!pi || !p)
		return;
	/* outputs render it as its parameter, not as the field's PT_DYN */
	out->rtype = pi->type;
	out->rfmt = pi->fmt;
	switch (pi->type) {
	case PT_CHARBUF:
	case PT_FSPATH:
	case PT_FSRELPATH:
		if (len && p[len - 1] == '\0')
			fval_set_str(out, (const char *)p, len - 1);
		return;
	case PT_BYTEBUF:
	case PT_CHARBUFARRAY:
		fval_set_str(out, (const char *)p, len);
		return;
	default:
		if (xt_type_signed((enum ppm_param_type)pi->type)) {
			if (xt_param_int(e, i, &v))
				fval_set_s64(out, v);
			return;
		}
		if ((len == 1 || len == 2 || len == 4 || len == 8) && xt_param_int(e, i, &v))
			fval_set_u64(out, (uint64_t)v);
		return;
	}
}

bool xt_retval(const struct evt *e, int64_t *v)
{
	const struct evt_param_info *pi;

	if (!e->info || e->info->dir != EVD_EXIT || !(e->info->flags & EVF_SYSCALL))
		return false;
	pi = xt_pinfo(e, 0);
	if (!pi || (pi->type != PT_ERRNO && pi->type != PT_FD && pi->type != PT_PID &&
		    pi->type != PT_INT64 && pi->type != PT_UINT64))
		return false;
	return xt_param_int(e, 0, v);
}

bool xt_is_open(uint16_t t, bool *newer)
{
	*newer = t == PPME_SYSCALL_OPENAT_2_X || t == PPME_SYSCALL_OPENAT2_X;
	return *newer || t == PPME_SYSCALL_OPEN_X || t == PPME_SYSCALL_OPEN_BY_HANDLE_AT_X;
}

bool xt_names_file(uint16_t code)
{
	bool newer;

	return xt_is_open(code, &newer) || code == PPME_SYSCALL_CREAT_X;
}

void xt_path_join(struct strbuf *sb, const char *dir, const char *path)
{
	char buf[PATH_RESOLVE_MAX];

	path_resolve(dir, path, buf, sizeof(buf));
	strbuf_adds(sb, buf);
}

/* The directory a dirfd parameter stands for. */
static const char *dirfd_path(const struct extract_evt *x, const struct evt *ev, uint32_t pidx)
{
	const struct evt_param_info *pi = xt_pinfo(ev, pidx);
	int64_t dirfd;
	struct fdi *f;

	if (!x->cur.thr)
		return NULL;
	if (!pi || pi->dirfd < 0 || !xt_param_int(ev, (uint32_t)pi->dirfd, &dirfd))
		return x->cur.thr->cwd;
	if (dirfd == -100)	/* AT_FDCWD */
		return x->cur.thr->cwd;
	f = x->st ? state__fd(x->st, x->cur.thr, dirfd) : NULL;
	return f ? f->name : NULL;
}

bool xt_abspath(const struct extract_evt *x, const char *pname, struct extract_scratch *sc,
		struct fval *out)
{
	const struct evt *ev;
	uint32_t i;
	const char *s, *dir;

	if (!xt_param_find(x, pname, &ev, &i) || !(s = evt_param_str(ev, i)))
		return false;
	dir = s[0] == '/' ? NULL : dirfd_path(x, ev, i);
	if (s[0] != '/' && !dir)
		return false;
	strbuf_reset(&sc->sb);
	xt_path_join(&sc->sb, dir, s);
	xt_sb(out, sc);
	return true;
}
