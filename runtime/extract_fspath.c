/* The fs.path.* fields (libsinsp's fspath check): the path a file syscall
 * works on (name) or the two paths of a rename, link, symlink or mount
 * (source and target), taken from the exit event's parameters (or the
 * enter event's for the oldest layouts), only when the call succeeded,
 * made absolute against the cwd or the call's dirfd unless raw. Which
 * parameter each event reads is the table below. */
#include <stdlib.h>
#include <string.h>

#include "runtime/base/path.h"
#include "runtime/extract_int.h"

/* How a relative path is made absolute. */
enum fs_dir {
	FS_CWD,		/* the thread's cwd */
	FS_DIRFD,	/* the directory of the path parameter's dirfd */
	FS_OPENED,	/* the name of the fd the open created */
	FS_UNKNOWN,	/* nothing to resolve against: "<UNKNOWN>" */
};

struct fs_param {
	const char *name;	/* parameter; "@fd" the fd's name; NULL none */
	bool enter;		/* read from the paired enter event */
	uint8_t dir;		/* enum fs_dir */
};

static const struct fs_event {
	uint16_t code;
	bool fd_ok;		/* success is "fd != -1" (opens), else "res == 0" */
	struct fs_param name, source, target;
} fs_events[] = {
	{ PPME_SYSCALL_MKDIR_X, false, { "path", true, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_MKDIR_2_X, false, { "path", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_MKDIRAT_X, false, { "path", false, FS_DIRFD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_RMDIR_X, false, { "path", true, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_RMDIR_2_X, false, { "path", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_UNLINK_X, false, { "path", true, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_UNLINK_2_X, false, { "path", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_UNLINKAT_X, false, { "name", true, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_UNLINKAT_2_X, false, { "name", false, FS_DIRFD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_OPEN_X, true, { "name", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_OPENAT_X, true, { "name", true, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_OPENAT_2_X, true, { "name", false, FS_OPENED }, { 0 }, { 0 } },
	{ PPME_SYSCALL_OPENAT2_X, true, { "name", false, FS_OPENED }, { 0 }, { 0 } },
	{ PPME_SYSCALL_FCHMODAT_X, false, { "filename", false, FS_DIRFD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_CHMOD_X, false, { "filename", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_FCHMOD_X, false, { "@fd", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_CHOWN_X, false, { "path", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_LCHOWN_X, false, { "path", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_FCHOWN_X, false, { "@fd", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_FCHOWNAT_X, false, { "pathname", false, FS_DIRFD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_QUOTACTL_X, false, { "special", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_RENAME_X, false, { 0 }, { "oldpath", false, FS_CWD },
	  { "newpath", false, FS_CWD } },
	{ PPME_SYSCALL_RENAMEAT_X, false, { 0 }, { "oldpath", false, FS_CWD },
	  { "newpath", false, FS_CWD } },
	{ PPME_SYSCALL_RENAMEAT2_X, false, { 0 }, { "oldpath", false, FS_DIRFD },
	  { "newpath", false, FS_DIRFD } },
	{ PPME_SYSCALL_LINK_X, false, { 0 }, { "newpath", true, FS_CWD },
	  { "oldpath", true, FS_CWD } },
	{ PPME_SYSCALL_LINKAT_X, false, { 0 }, { "newpath", true, FS_CWD },
	  { "oldpath", true, FS_CWD } },
	{ PPME_SYSCALL_LINK_2_X, false, { 0 }, { "newpath", false, FS_CWD },
	  { "oldpath", false, FS_CWD } },
	{ PPME_SYSCALL_LINKAT_2_X, false, { 0 }, { "newpath", false, FS_CWD },
	  { "oldpath", false, FS_CWD } },
	{ PPME_SYSCALL_SYMLINK_X, false, { 0 }, { "linkpath", false, FS_CWD },
	  { "target", false, FS_CWD } },
	{ PPME_SYSCALL_SYMLINKAT_X, false, { 0 }, { "linkpath", false, FS_DIRFD },
	  { "target", false, FS_UNKNOWN } },
	{ PPME_SYSCALL_MOUNT_X, false, { 0 }, { "dev", false, FS_CWD }, { "dir", false, FS_CWD } },
	{ PPME_SYSCALL_UMOUNT_X, false, { "name", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_UMOUNT_1_X, false, { "name", false, FS_CWD }, { 0 }, { 0 } },
	{ PPME_SYSCALL_UMOUNT2_X, false, { "name", false, FS_CWD }, { 0 }, { 0 } },
};

static const struct fs_event *fs_event_of(uint16_t code)
{
	for (size_t i = 0; i < sizeof(fs_events) / sizeof(fs_events[0]); i++)
		if (fs_events[i].code == code)
			return &fs_events[i];
	return NULL;
}

/* The parameter's text and, for the directory rules, where it came from. */
static const char *param_text(const struct extract_evt *x, const struct fs_param *p,
			      const struct evt **ev, uint32_t *idx)
{
	const struct evt *src = p->enter ? x->cur.enter : x->e;
	int i;

	if (!strcmp(p->name, "@fd"))
		return x->cur.fd ? x->cur.fd->name : NULL;
	if (!src)
		return NULL;
	i = evt_param_index(src, p->name);
	if (i < 0 || (uint32_t)i >= src->nparams)
		return NULL;
	*ev = src;
	*idx = (uint32_t)i;
	return evt_param_str(src, (uint32_t)i);
}

/* The directory a relative path of parameter idx resolves against. */
static const char *base_dir(const struct extract_evt *x, const struct fs_param *p,
			    const struct evt *ev, uint32_t idx)
{
	const struct evt_param_info *pi;
	int64_t dirfd;
	const struct fdi *f;

	switch (p->dir) {
	case FS_DIRFD:
		pi = ev ? xt_pinfo(ev, idx) : NULL;
		if (!pi || pi->dirfd < 0 || !xt_param_int(ev, (uint32_t)pi->dirfd, &dirfd))
			return "<UNKNOWN>";
		if (dirfd == -100)	/* AT_FDCWD */
			return x->cur.thr->cwd;
		f = x->st ? state__fd(x->st, x->cur.thr, dirfd) : NULL;
		return f ? f->name : "<UNKNOWN>";
	case FS_UNKNOWN:
		return "<UNKNOWN>";
	default:
		return x->cur.thr->cwd;
	}
}

static bool fspath_field(const struct extract_evt *x, uint32_t id, const char *arg,
			struct extract_scratch *sc, struct fval *out)
{
	const struct fs_event *fe;
	const struct fs_param *p;
	const struct evt *ev = NULL;
	const char *s, *dir;
	uint32_t idx = 0;
	int64_t res;
	bool raw = id == FID_FS_PATH_NAMERAW || id == FID_FS_PATH_SOURCERAW ||
		   id == FID_FS_PATH_TARGETRAW;

	(void)arg;
	xt_none(out);
	switch (id) {
	case FID_FS_PATH_NAME: case FID_FS_PATH_NAMERAW: case FID_FS_PATH_SOURCE:
	case FID_FS_PATH_SOURCERAW: case FID_FS_PATH_TARGET: case FID_FS_PATH_TARGETRAW:
		break;
	default:
		return false;
	}
	fe = fs_event_of(x->e->type);
	if (!fe || !xt_retval(x->e, &res) || (fe->fd_ok ? res == -1 : res != 0))
		return true;
	p = id == FID_FS_PATH_NAME || id == FID_FS_PATH_NAMERAW ? &fe->name
	    : id == FID_FS_PATH_SOURCE || id == FID_FS_PATH_SOURCERAW ? &fe->source : &fe->target;
	if (!p->name || !(s = param_text(x, p, &ev, &idx)))
		return true;
	if (raw) {
		xt_cstr(out, s);
		return true;
	}
	if (!x->cur.thr)
		return true;
	strbuf_reset(&sc->sb);
	if (s[0] == '/') {
		xt_path_join(&sc->sb, NULL, s);
	} else if (p->dir == FS_OPENED) {
		xt_cstr(out, x->cur.fd ? x->cur.fd->name : "<UNKNOWN>");
		return true;
	} else {
		dir = base_dir(x, p, ev, idx);
		if (!dir || !strcmp(dir, "<UNKNOWN>")) {
			strbuf_adds(&sc->sb, "<UNKNOWN>");
			strbuf_adds(&sc->sb, s);
		} else {
			xt_path_join(&sc->sb, dir, s);
		}
	}
	xt_sb(out, sc);
	return true;
}

XT_FAMILY(fspath, fspath_field)
