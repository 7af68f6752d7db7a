/* The proc.* and thread.* fields (libsinsp's thread check): the event's
 * thread and process as the thread table keeps them, their ancestry
 * (parent, grandparent, proc.a*[N] and any-ancestor lists), session and
 * process-group leaders, the executable's facts, capabilities, memory,
 * limits, standard fds and cgroups. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/extract_int.h"

/* ---- NUL-separated lists (argv, env, cgroups) ---------------------------- */
/* Blob items joined with one space. */
static void add_blob(struct strbuf *sb, const struct thr_blob *b)
{
	uint32_t i = 0;
	bool first = true;

	while (i < b->len) {
		size_t n = strnlen(b->p + i, b->len - i);

		if (!first)
			strbuf_addc(sb, ' ');
		strbuf_add(sb, b->p + i, n);
		first = false;
		i += (uint32_t)n + 1;
	}
}

static uint32_t blob_count(const struct thr_blob *b)
{
	uint32_t i = 0, n = 0;

	while (i < b->len) {
		i += (uint32_t)strnlen(b->p + i, b->len - i) + 1;
		n++;
	}
	return n;
}

/* Value of KEY in a blob of "KEY=value" items (env, cgroups), or NULL. */
static const char *blob_lookup(const struct thr_blob *b, const char *key)
{
	size_t kl = strlen(key);
	uint32_t i = 0;

	while (i < b->len) {
		const char *s = b->p + i;
		size_t n = strnlen(s, b->len - i);

		if (n > kl && !memcmp(s, key, kl) && s[kl] == '=')
			return s + kl + 1;
		i += (uint32_t)n + 1;
	}
	return NULL;
}

/* ---- process ------------------------------------------------------------ */

/* The Nth ancestor (0: the thread itself). */
static struct thr *ancestor(const struct extract_evt *x, uint64_t n)
{
	struct thr *t = x->cur.thr;

	for (uint64_t i = 0; t && i < n; i++) {
		if (i >= XT_MAX_ANCESTORS)
			return NULL;
		t = xt_parent(x, t);
	}
	return t;
}

static void proc_cmdline(const struct thr *t, bool exe, struct strbuf *sb)
{
	strbuf_adds(sb, exe ? (t->exe ? t->exe : "") : (t->comm ? t->comm : ""));
	if (t->args.len) {
		strbuf_addc(sb, ' ');
		add_blob(sb, &t->args);
	}
}

/* A per-process value for the ancestor accessors. */
static void proc_val(const struct extract_evt *x, const struct thr *t, uint32_t what,
		     struct extract_scratch *sc, struct fval *out)
{
	(void)x;
	switch (what) {
	case FID_PROC_ANAME: xt_cstr(out, t->comm); break;
	case FID_PROC_APID: fval_set_s64(out, t->pid); break;
	case FID_PROC_AEXE: xt_cstr(out, t->exe); break;
	case FID_PROC_AEXEPATH: xt_cstr(out, t->exepath ? t->exepath : ""); break;
	case FID_PROC_ACMDLINE:
		strbuf_reset(&sc->sb);
		proc_cmdline(t, false, &sc->sb);
		xt_sb(out, sc);
		break;
	case FID_PROC_AARGS:
		strbuf_reset(&sc->sb);
		add_blob(&sc->sb, &t->args);
		xt_sb(out, sc);
		break;
	default: xt_none(out); break;
	}
}

/* proc.aname[N] and friends: N given -> the Nth ancestor (0 is the
 * process); no N -> every ancestor (parent upwards), any of which may
 * satisfy the comparison (FV_LIST with any-of semantics is what the
 * interpreter applies to ancestor fields). */
static void ancestors(const struct extract_evt *x, const char *arg, uint32_t what,
		      struct extract_scratch *sc, struct fval *out)
{
	struct thr *t;

	xt_none(out);
	if (arg) {
		t = ancestor(x, strtoull(arg, NULL, 10));
		if (t)
			proc_val(x, t, what, sc, out);
		return;
	}
	/* Every ancestor; text values share one buffer, so lay them down
	 * first and point into it afterwards. */
	{
		uint32_t n = 0, offs[XT_MAX_ANCESTORS], lens[XT_MAX_ANCESTORS];
		struct fval tmp[XT_MAX_ANCESTORS], *it;
		struct extract_scratch one = { 0 };
		struct strbuf all = STRBUF_INIT;

		t = x->cur.thr;
		while (n < XT_MAX_ANCESTORS && (t = xt_parent(x, t))) {
			proc_val(x, t, what, &one, &tmp[n]);
			if (tmp[n].kind == FV_STR) {
				offs[n] = (uint32_t)all.len;
				lens[n] = tmp[n].s.len;
				strbuf_add(&all, tmp[n].s.p, tmp[n].s.len);
			}
			n++;
		}
		extract_scratch_release(&one);
		it = xt_items(sc, n ? n : 1);
		if (!it || all.oom) {
			strbuf_release(&all);
			return;
		}
		strbuf_release(&sc->sb);
		sc->sb = all;
		for (uint32_t i = 0; i < n; i++) {
			it[i] = tmp[i];
			if (tmp[i].kind == FV_STR)
				it[i] = fval_str(sc->sb.buf + offs[i], lens[i]);
		}
		out->kind = FV_LIST;
		out->list.items = it;
		out->list.n = n;
		out->list.any = true;
	}
}

static void caps_text(uint64_t caps, struct extract_scratch *sc, struct fval *out)
{
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
		"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
		"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
		"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
		"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
		"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
		"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
		"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
		"CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
	};

	strbuf_reset(&sc->sb);
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(caps & (1ull << i)))
			continue;
		if (sc->sb.len)
			strbuf_addc(&sc->sb, ' ');
		strbuf_adds(&sc->sb, names[i]);
	}
	xt_sb(out, sc);
}

/* Falco's test: the thread lives in a pid namespace other than the host's. */
static bool thr_in_pidns(const struct thr *t)
{
	return (t->flags & THR_F_CHILD_IN_PIDNS) || (t->vtid >= 0 && t->vtid != t->tid);
}

static struct thr *leader(const struct extract_evt *x, int64_t pid)
{
	return x->st && pid > 0 ? state__thread(x->st, pid) : NULL;
}

static void std_fd(const struct extract_evt *x, int64_t n, bool type, struct fval *out)
{
	struct fdi *f = x->st && x->cur.thr ? state__fd(x->st, x->cur.thr, n) : NULL;

	if (!f)
		xt_none(out);
	else if (type)
		xt_cstr(out, fdi_typename(f));
	else
		fval_set_str(out, f->name, f->name_len);
}

bool extract_cls_proc(const struct extract_evt *x, uint32_t id, const char *arg,
		      struct extract_scratch *sc, struct fval *out)
{
	const struct thr *t = x->cur.thr, *p, *l;
	uint64_t ts = x->e->ts;

	xt_none(out);
	if (!t)
		return true;
	switch (id) {
	case FID_PROC_NAME: xt_cstr(out, t->comm); break;
	case FID_PROC_EXE: xt_cstr(out, t->exe); break;
	case FID_PROC_EXEPATH: xt_cstr(out, t->exepath ? t->exepath : ""); break;
	case FID_PROC_ARGS:
		strbuf_reset(&sc->sb);
		add_blob(&sc->sb, &t->args);
		xt_sb(out, sc);
		break;
	case FID_PROC_CMDLINE:
	case FID_PROC_EXELINE:
		strbuf_reset(&sc->sb);
		proc_cmdline(t, id == FID_PROC_EXELINE, &sc->sb);
		xt_sb(out, sc);
		break;
	case FID_PROC_CMDNARGS: fval_set_u64(out, blob_count(&t->args)); break;
	case FID_PROC_CMDLENARGS: {
		uint64_t n = 0;

		for (uint32_t i = 0; i < t->args.len; i++)
			n += t->args.p[i] != '\0';
		fval_set_u64(out, n);
		break;
	}
	case FID_PROC_ENV:
		if (arg) {
			xt_cstr(out, blob_lookup(&t->env, arg));
		} else {
			strbuf_reset(&sc->sb);
			add_blob(&sc->sb, &t->env);
			xt_sb(out, sc);
		}
		break;
	case FID_PROC_CWD: xt_cstr(out, t->cwd); break;
	case FID_PROC_TTY: fval_set_u64(out, t->tty); break;
	case FID_PROC_PID: fval_set_s64(out, t->pid); break;
	case FID_PROC_PPID: fval_set_s64(out, t->ptid); break;
	case FID_PROC_VPID: fval_set_s64(out, t->vpid); break;
	case FID_PROC_PVPID:
		if ((p = xt_parent(x, t)))
			fval_set_s64(out, p->vpid);
		break;
	case FID_PROC_SID: fval_set_s64(out, t->sid); break;
	case FID_PROC_PGID: fval_set_s64(out, t->pgid); break;
	case FID_PROC_VPGID: fval_set_s64(out, t->vpgid); break;
	case FID_PROC_SNAME: case FID_PROC_SID_EXE: case FID_PROC_SID_EXEPATH:
	case FID_PROC_PGID_NAME: case FID_PROC_PGID_EXE: case FID_PROC_PGID_EXEPATH:
	case FID_PROC_VPGID_NAME: case FID_PROC_VPGID_EXE: case FID_PROC_VPGID_EXEPATH: {
		/* Falco's group leader: unset id (-1) gives nothing; a real
		 * id (or any id outside a pid namespace) names the thread
		 * directly; otherwise the oldest ancestor, from the parent up,
		 * that still carries the same id. Not found: "". */
		int64_t want = id <= FID_PROC_SID_EXEPATH ? t->sid : id <= FID_PROC_PGID_EXEPATH ? t->pgid
											: t->vpgid;
		bool virt = id >= FID_PROC_VPGID_NAME;

		if (want == -1) {
			xt_cstr(out, "");
			break;
		}
		l = !virt || !thr_in_pidns(t) ? leader(x, want) : NULL;
		if (!l) {
			for (const struct thr *c = xt_parent(x, t); c && c->tid != -1; c = xt_parent(x, c)) {
				int64_t cid = id <= FID_PROC_SID_EXEPATH ? c->sid
					      : id <= FID_PROC_PGID_EXEPATH ? c->pgid : c->vpgid;

				if (cid != want || c == l)
					break;
				l = c;
			}
		}
		if (!l) {
			xt_cstr(out, "");
			break;
		}
		if (id == FID_PROC_SNAME || id == FID_PROC_PGID_NAME || id == FID_PROC_VPGID_NAME)
			xt_cstr(out, l->comm);
		else if (id == FID_PROC_SID_EXE || id == FID_PROC_PGID_EXE || id == FID_PROC_VPGID_EXE)
			xt_cstr(out, l->exe);
		else
			xt_cstr(out, l->exepath ? l->exepath : "");
		break;
	}
	case FID_PROC_LOGINSHELLID: {
		const struct thr *c = t;
		int64_t found = -1;

		for (int i = 0; c && i < XT_MAX_ANCESTORS; i++) {
			size_t n = c->comm ? strlen(c->comm) : 0;

			if (n >= 2 && !strcmp(c->comm + n - 2, "sh"))
				found = c->pid;
			c = xt_parent(x, c);
		}
		if (found >= 0)
			fval_set_s64(out, found);
		break;
	}
	case FID_PROC_DURATION:
		if (t->clone_ts && ts >= t->clone_ts)
			fval_set_u64(out, ts - t->clone_ts);
		break;
	case FID_PROC_PPID_DURATION:
		if ((p = xt_parent(x, t)) && p->clone_ts && ts >= p->clone_ts)
			fval_set_u64(out, ts - p->clone_ts);
		break;
	case FID_PROC_PID_TS:
		if (t->clone_ts)
			fval_set_u64(out, t->clone_ts);
		break;
	case FID_PROC_PPID_TS:
		if ((p = xt_parent(x, t)) && p->clone_ts)
			fval_set_u64(out, p->clone_ts);
		break;
	case FID_PROC_PIDNS_INIT_START_TS:
		if (t->pidns_init_start_ts)
			fval_set_u64(out, t->pidns_init_start_ts);
		break;
	case FID_PROC_PNAME: case FID_PROC_PEXE: case FID_PROC_PEXEPATH: case FID_PROC_PCMDLINE:
		if (!(p = xt_parent(x, t)))
			break;
		if (id == FID_PROC_PNAME)
			xt_cstr(out, p->comm);
		else if (id == FID_PROC_PEXE)
			xt_cstr(out, p->exe);
		else if (id == FID_PROC_PEXEPATH)
			xt_cstr(out, p->exepath ? p->exepath : "");
		else
			proc_val(x, p, FID_PROC_ACMDLINE, sc, out);
		break;
	case FID_PROC_ANAME: case FID_PROC_APID: case FID_PROC_AEXE: case FID_PROC_AEXEPATH:
	case FID_PROC_ACMDLINE: case FID_PROC_AARGS:
		ancestors(x, arg, id, sc, out);
		break;
	case FID_PROC_NTHREADS: if (x->st) fval_set_u64(out, state__nthreads(x->st, t)); break;
	case FID_PROC_NCHILDS: if (x->st) fval_set_u64(out, state__nchilds(x->st, t)); break;
	case FID_PROC_FDOPENCOUNT: if (x->st) fval_set_u64(out, state__fd_count(x->st, t)); break;
	case FID_PROC_FDLIMIT: if (t->fdlimit > 0) fval_set_s64(out, t->fdlimit); break;
	case FID_PROC_FDUSAGE:
		if (x->st && t->fdlimit > 0)
			fval_set_u64(out, state__fd_count(x->st, t) * 100ull / (uint64_t)t->fdlimit);
		break;
	case FID_PROC_VMSIZE: fval_set_u64(out, t->vmsize_kb); break;
	case FID_PROC_VMRSS: fval_set_u64(out, t->vmrss_kb); break;
	case FID_PROC_VMSWAP: fval_set_u64(out, t->vmswap_kb); break;
	case FID_PROC_IS_EXE_WRITABLE: fval_set_bool(out, t->flags & THR_F_EXE_WRITABLE); break;
	case FID_PROC_IS_EXE_UPPER_LAYER: fval_set_bool(out, t->flags & THR_F_EXE_UPPER_LAYER); break;
	case FID_PROC_IS_EXE_LOWER_LAYER: fval_set_bool(out, t->flags & THR_F_EXE_LOWER_LAYER); break;
	case FID_PROC_IS_EXE_FROM_MEMFD: fval_set_bool(out, t->flags & THR_F_EXE_FROM_MEMFD); break;
	case FID_PROC_EXE_INO: if (t->exe_ino) fval_set_u64(out, t->exe_ino); break;
	case FID_PROC_EXE_INO_CTIME: if (t->exe_ino_ctime) fval_set_u64(out, t->exe_ino_ctime); break;
	case FID_PROC_EXE_INO_MTIME: if (t->exe_ino_mtime) fval_set_u64(out, t->exe_ino_mtime); break;
	case FID_PROC_EXE_INO_CTIME_DURATION_PROC_START:
		if (t->exe_ino_ctime && t->clone_ts >= t->exe_ino_ctime)
			fval_set_u64(out, t->clone_ts - t->exe_ino_ctime);
		break;
	case FID_PROC_EXE_INO_CTIME_DURATION_PIDNS_START:
		if (t->exe_ino_ctime && t->pidns_init_start_ts >= t->exe_ino_ctime)
			fval_set_u64(out, t->pidns_init_start_ts - t->exe_ino_ctime);
		break;
	case FID_PROC_IS_SID_LEADER: fval_set_bool(out, t->sid == t->vpid); break;
	case FID_PROC_IS_VPGID_LEADER: fval_set_bool(out, t->vpgid == t->vpid); break;
	case FID_PROC_IS_PGID_LEADER: fval_set_bool(out, t->pgid == t->pid); break;
	case FID_PROC_STDIN_NAME: std_fd(x, 0, false, out); break;
	case FID_PROC_STDIN_TYPE: std_fd(x, 0, true, out); break;
	case FID_PROC_STDOUT_NAME: std_fd(x, 1, false, out); break;
	case FID_PROC_STDOUT_TYPE: std_fd(x, 1, true, out); break;
	case FID_PROC_STDERR_NAME: std_fd(x, 2, false, out); break;
	case FID_PROC_STDERR_TYPE: std_fd(x, 2, true, out); break;
	case FID_PROC_IS_CONTAINER_HEALTHCHECK:
	case FID_PROC_IS_CONTAINER_LIVENESS_PROBE:
	case FID_PROC_IS_CONTAINER_READINESS_PROBE:
		fval_set_bool(out, false);
		break;
	/* thread */
	case FID_THREAD_TID: fval_set_s64(out, t->tid); break;
	case FID_THREAD_VTID: fval_set_s64(out, t->vtid); break;
	case FID_THREAD_ISMAIN: fval_set_bool(out, t->tid == t->pid); break;
	case FID_THREAD_NAMETID:
		strbuf_reset(&sc->sb);
		strbuf_printf(&sc->sb, "%s%" PRId64, t->comm ? t->comm : "", t->tid);
		xt_sb(out, sc);
		break;
	case FID_THREAD_CAP_PERMITTED: caps_text(t->cap_permitted, sc, out); break;
	case FID_THREAD_CAP_EFFECTIVE: caps_text(t->cap_effective, sc, out); break;
	case FID_THREAD_CAP_INHERITABLE: caps_text(t->cap_inheritable, sc, out); break;
	case FID_THREAD_CGROUPS:
		strbuf_reset(&sc->sb);
		add_blob(&sc->sb, &t->cgroups);
		xt_sb(out, sc);
		break;
	case FID_THREAD_CGROUP: if (arg) xt_cstr(out, blob_lookup(&t->cgroups, arg)); break;
	case FID_THREAD_PFMAJOR: fval_set_u64(out, t->pfmajor); break;
	case FID_THREAD_PFMINOR: fval_set_u64(out, t->pfminor); break;
	case FID_THREAD_VMSIZE: fval_set_u64(out, t->vmsize_kb); break;
	case FID_THREAD_VMRSS: fval_set_u64(out, t->vmrss_kb); break;
	case FID_THREAD_VMSIZE_B: fval_set_u64(out, (uint64_t)t->vmsize_kb * 1024); break;
	case FID_THREAD_VMRSS_B: fval_set_u64(out, (uint64_t)t->vmrss_kb * 1024); break;
	case FID_THREAD_EXECTIME: fval_set_u64(out, x->cur.exectime); break;
	case FID_THREAD_TOTEXECTIME: fval_set_u64(out, t->totexectime); break;
	case FID_THREAD_CPU:
	case FID_THREAD_CPU_USER:
	case FID_THREAD_CPU_SYSTEM:
		if (x->e->type == PPME_PROCINFO_E)
			fval_set_double(out, x->cur.cpu[id == FID_THREAD_CPU ? 0 : id == FID_THREAD_CPU_USER ? 1 : 2]);
		break;
	default:
		return false;
	}
	return true;
}
