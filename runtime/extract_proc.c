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

/* ---- the process tree, as Falco walks it -------------------------------- */

static struct thr *thread_of(const struct extract_evt *x, int64_t tid)
{
	return x->st ? state__thread(x->st, tid) : NULL;
}

/* The process's main thread: t itself, or the thread of its pid; NULL when
 * that is unknown (a thread seen alone has pid -1). */
static struct thr *main_of(const struct extract_evt *x, const struct thr *t)
{
	if (t->tid == t->pid)
		return (struct thr *)t;
	return t->pid > 0 ? thread_of(x, t->pid) : NULL;
}

/* The thread that made t (its ptid). */
static struct thr *parent_thread(const struct extract_evt *x, const struct thr *t)
{
	struct thr *p = thread_of(x, t->ptid);

	return p != t ? p : NULL;
}

/* The Nth ancestor process (0: t's own process), through main threads. */
static struct thr *ancestor(const struct extract_evt *x, const struct thr *t, uint64_t n)
{
	struct thr *m = main_of(x, t);

	for (uint64_t i = 0; m && i < n; i++) {
		if (i >= XT_MAX_ANCESTORS)
			return NULL;
		m = parent_thread(x, m);
		m = m ? main_of(x, m) : NULL;
	}
	return m;
}

static bool in_pidns(const struct thr *t)
{
	return (t->flags & THR_F_CHILD_IN_PIDNS) || (t->vtid >= 0 && t->vtid != t->tid);
}

/* The oldest ancestor that still carries t's id (session, process group):
 * the thread of that id when ids are the host's, else the walk up the
 * parents while the id matches. NULL when the id is unset. */
static const struct thr *group_leader(const struct extract_evt *x, const struct thr *t,
				      uint32_t which, bool virt)
{
	int64_t want = which == 0 ? t->sid : which == 1 ? t->pgid : t->vpgid;
	const struct thr *l = NULL, *c = t;

	if (want == -1)
		return NULL;
	if (!virt || !in_pidns(t)) {
		l = thread_of(x, want);
		if (l)
			return l;
	}
	for (int i = 0; i < XT_MAX_ANCESTORS && (c = parent_thread(x, c)); i++) {
		int64_t id = which == 0 ? c->sid : which == 1 ? c->pgid : c->vpgid;

		if (id != want)
			break;
		l = c;
	}
	return l;
}

/* proc.cmdline: the name, then the arguments. */
static void cmdline(const struct thr *t, struct strbuf *sb)
{
	strbuf_adds(sb, t->comm ? t->comm : "");
	for (uint32_t i = 0; i < t->args.len;) {
		size_t n = strnlen(t->args.p + i, t->args.len - i);

		strbuf_addc(sb, ' ');
		strbuf_add(sb, t->args.p + i, n);
		i += (uint32_t)n + 1;
	}
}

/* A per-process value of an ancestor (proc.a*, proc.p*). */
static void proc_val(const struct thr *t, uint32_t what, struct extract_scratch *sc,
		     struct fval *out)
{
	switch (what) {
	case FID_PROC_ANAME: case FID_PROC_PNAME: xt_cstr(out, t->comm); break;
	case FID_PROC_APID: case FID_PROC_PPID:
		if (t->pid >= -1 && t->pid <= (int64_t)UINT32_MAX)
			fval_set_s64(out, t->pid);
		break;
	case FID_PROC_AEXE: case FID_PROC_PEXE: xt_cstr(out, t->exe); break;
	case FID_PROC_AEXEPATH: case FID_PROC_PEXEPATH: xt_cstr(out, t->exepath ? t->exepath : ""); break;
	case FID_PROC_ACMDLINE: case FID_PROC_PCMDLINE:
		strbuf_reset(&sc->sb);
		cmdline(t, &sc->sb);
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

/* proc.aname[N] and friends: N given, the Nth ancestor (0 the process);
 * no N, every ancestor from the parent up, any of which may satisfy the
 * comparison. */
static void ancestors(const struct extract_evt *x, const struct thr *t, const char *arg,
		      uint32_t what, struct extract_scratch *sc, struct fval *out)
{
	uint32_t n = 0, offs[XT_MAX_ANCESTORS], lens[XT_MAX_ANCESTORS];
	struct fval tmp[XT_MAX_ANCESTORS], *it;
	struct extract_scratch one = { 0 };
	struct strbuf all = STRBUF_INIT;
	const struct thr *a;

	xt_none(out);
	if (arg) {
		a = ancestor(x, t, strtoull(arg, NULL, 10));
		if (a)
			proc_val(a, what, sc, out);
		return;
	}
	/* text values share one buffer: lay them down, then point into it */
	for (a = ancestor(x, t, 1); a && n < XT_MAX_ANCESTORS; n++) {
		proc_val(a, what, &one, &tmp[n]);
		if (tmp[n].kind == FV_STR) {
			offs[n] = (uint32_t)all.len;
			lens[n] = tmp[n].s.len;
			strbuf_add(&all, tmp[n].s.p, tmp[n].s.len);
		}
		a = parent_thread(x, a);
		a = a ? main_of(x, a) : NULL;
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

/* proc.aenv: the environment of an ancestor, or the value of a variable in
 * the nearest ancestor (from the parent up) that has it. */
static void aenv(const struct extract_evt *x, const struct thr *t, const char *arg,
		 struct extract_scratch *sc, struct fval *out)
{
	char *end;
	unsigned long n = arg ? strtoul(arg, &end, 10) : 0;
	bool index = arg && end != arg && !*end;
	const struct thr *m;

	if (!arg || (index && n < 1)) {
		strbuf_reset(&sc->sb);
		add_blob(&sc->sb, &t->env);
		xt_sb(out, sc);
		return;
	}
	if (!(m = main_of(x, t))) {
		xt_cstr(out, "");
		return;
	}
	if (index) {
		for (unsigned long i = 0; i < n && m; i++)
			m = i < XT_MAX_ANCESTORS ? parent_thread(x, m) : NULL;
		if (!m)
			return;
		strbuf_reset(&sc->sb);
		add_blob(&sc->sb, &m->env);
		xt_sb(out, sc);
		return;
	}
	for (int i = 0; i < 20 && (m = parent_thread(x, m)); i++) {
		const char *v = blob_lookup(&m->env, arg);

		if (v && *v) {
			xt_cstr(out, v);
			return;
		}
	}
	xt_cstr(out, "");
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

static void std_fd(const struct extract_evt *x, const struct thr *t, int64_t n, bool type,
		   struct fval *out)
{
	struct fdi *f = x->st ? state__fd(x->st, t, n) : NULL;

	if (!f)
		xt_none(out);
	else if (type)
		xt_cstr(out, fdi_typename(f));
	else
		fval_set_str(out, f->name, f->name_len);
}

/* Threads of t's process alive now: a thread whose procexit is being
 * processed no longer counts. */
static uint64_t live_threads(const struct extract_evt *x, const struct thr *t)
{
	return x->st && t->pid >= 0 ? state__nthreads(x->st, t) : 0;
}

static void leader_field(const struct extract_evt *x, const struct thr *t, uint32_t id,
			 struct fval *out)
{
	uint32_t which = id == FID_PROC_SNAME || id == FID_PROC_SID_EXE || id == FID_PROC_SID_EXEPATH
				 ? 0
			 : id == FID_PROC_PGID_NAME || id == FID_PROC_PGID_EXE ||
					 id == FID_PROC_PGID_EXEPATH
				 ? 1
				 : 2;
	const struct thr *l = group_leader(x, t, which, which != 1);

	if (!l)
		xt_cstr(out, "");
	else if (id == FID_PROC_SNAME || id == FID_PROC_PGID_NAME || id == FID_PROC_VPGID_NAME)
		xt_cstr(out, l->comm);
	else if (id == FID_PROC_SID_EXE || id == FID_PROC_PGID_EXE || id == FID_PROC_VPGID_EXE)
		xt_cstr(out, l->exe);
	else
		xt_cstr(out, l->exepath ? l->exepath : "");
}

static bool proc_field(const struct extract_evt *x, uint32_t id, const char *arg,
		      struct extract_scratch *sc, struct fval *out)
{
	const struct thr *t = x->cur.thr, *p, *m;
	uint64_t ts = x->e->ts, n;

	xt_none(out);
	if (id == FID_THREAD_TID) {
		if (x->e->tid >= -1 && x->e->tid <= (int64_t)UINT32_MAX)
			fval_set_s64(out, x->e->tid);
		return true;
	}
	if (!t)
		return true;
	switch (id) {
	case FID_PROC_NAME: xt_cstr(out, t->comm); break;
	case FID_PROC_EXE: xt_cstr(out, t->exe); break;
	case FID_PROC_EXEPATH: xt_cstr(out, t->exepath ? t->exepath : ""); break;
	case FID_PROC_ARGS:
		strbuf_reset(&sc->sb);
		if (arg) {
			/* proc.args[N]: one argument */
			unsigned long k = strtoul(arg, NULL, 10);

			for (uint32_t i = 0; i < t->args.len; k--) {
				size_t len = strnlen(t->args.p + i, t->args.len - i);

				if (!k) {
					strbuf_add(&sc->sb, t->args.p + i, len);
					break;
				}
				i += (uint32_t)len + 1;
			}
		} else {
			add_blob(&sc->sb, &t->args);
		}
		xt_sb(out, sc);
		break;
	case FID_PROC_CMDLINE:
		strbuf_reset(&sc->sb);
		cmdline(t, &sc->sb);
		xt_sb(out, sc);
		break;
	case FID_PROC_EXELINE:
		strbuf_reset(&sc->sb);
		strbuf_adds(&sc->sb, t->exe ? t->exe : "");
		strbuf_addc(&sc->sb, ' ');
		add_blob(&sc->sb, &t->args);
		xt_sb(out, sc);
		break;
	case FID_PROC_CMDNARGS: fval_set_u64(out, blob_count(&t->args)); break;
	case FID_PROC_CMDLENARGS:
		n = 0;
		for (uint32_t i = 0; i < t->args.len; i++)
			n += t->args.p[i] != '\0';
		fval_set_u64(out, n);
		break;
	case FID_PROC_ENV:
		if (arg) {
			const char *v = blob_lookup(&t->env, arg);

			xt_cstr(out, v ? v : "");
		} else {
			strbuf_reset(&sc->sb);
			add_blob(&sc->sb, &t->env);
			xt_sb(out, sc);
		}
		break;
	case FID_PROC_AENV: aenv(x, t, arg, sc, out); break;
	case FID_PROC_CWD:
		/* the process's, kept by its main thread; "./" without one */
		m = main_of(x, t);
		xt_cstr(out, !m ? "./" : m->cwd ? m->cwd : "");
		break;
	case FID_PROC_TTY: fval_set_u64(out, t->tty); break;
	case FID_PROC_PID:
		if (t->pid >= -1 && t->pid <= (int64_t)UINT32_MAX)
			fval_set_s64(out, t->pid);
		break;
	case FID_PROC_VPID: if (t->vpid != -1) fval_set_s64(out, t->vpid); break;
	case FID_PROC_PVPID: if ((p = parent_thread(x, t))) fval_set_s64(out, p->vpid); break;
	case FID_PROC_SID: fval_set_s64(out, t->sid); break;
	case FID_PROC_PGID: fval_set_s64(out, t->pgid); break;
	case FID_PROC_VPGID: fval_set_s64(out, t->vpgid); break;
	case FID_PROC_SNAME: case FID_PROC_SID_EXE: case FID_PROC_SID_EXEPATH:
	case FID_PROC_PGID_NAME: case FID_PROC_PGID_EXE: case FID_PROC_PGID_EXEPATH:
	case FID_PROC_VPGID_NAME: case FID_PROC_VPGID_EXE: case FID_PROC_VPGID_EXEPATH:
		leader_field(x, t, id, out);
		break;
	case FID_PROC_LOGINSHELLID: {
		const struct thr *c = main_of(x, t);
		int64_t found = INT64_MIN;

		for (int i = 0; c && i < XT_MAX_ANCESTORS; i++) {
			size_t len = c->comm ? strlen(c->comm) : 0;

			if (len >= 2 && !strcmp(c->comm + len - 2, "sh"))
				found = c->pid;
			c = parent_thread(x, c);
		}
		if (found != INT64_MIN)
			fval_set_s64(out, found);
		break;
	}
	case FID_PROC_DURATION:
		if (t->clone_ts)
			fval_set_s64(out, (int64_t)(ts - t->clone_ts));
		break;
	case FID_PROC_PPID_DURATION:
		if ((p = ancestor(x, t, 1)) && p->clone_ts)
			fval_set_s64(out, (int64_t)(ts - p->clone_ts));
		break;
	case FID_PROC_PID_TS: if (t->clone_ts) fval_set_u64(out, t->clone_ts); break;
	case FID_PROC_PPID_TS: if ((p = parent_thread(x, t))) fval_set_u64(out, p->clone_ts); break;
	case FID_PROC_PIDNS_INIT_START_TS:
		if (t->pidns_init_start_ts)
			fval_set_u64(out, t->pidns_init_start_ts);
		break;
	case FID_PROC_PNAME: case FID_PROC_PEXE: case FID_PROC_PEXEPATH: case FID_PROC_PCMDLINE:
	case FID_PROC_PPID:
		if ((p = ancestor(x, t, 1)))
			proc_val(p, id, sc, out);
		break;
	case FID_PROC_ANAME: case FID_PROC_APID: case FID_PROC_AEXE: case FID_PROC_AEXEPATH:
	case FID_PROC_ACMDLINE: case FID_PROC_AARGS:
		ancestors(x, t, arg, id, sc, out);
		break;
	case FID_PROC_NTHREADS: fval_set_u64(out, live_threads(x, t)); break;
	case FID_PROC_NCHILDS:
		/* Falco's count: the threads of the process but the leader */
		n = live_threads(x, t);
		m = main_of(x, t);
		fval_set_u64(out, m && x->st && state__alive(x->st, m) && n ? n - 1 : n);
		break;
	case FID_PROC_FDOPENCOUNT:
		m = main_of(x, t);
		fval_set_u64(out, m && x->st ? state__fd_count(x->st, m) : 0);
		break;
	case FID_PROC_FDLIMIT:
		m = main_of(x, t);
		fval_set_s64(out, m ? m->fdlimit : 0);
		break;
	case FID_PROC_FDUSAGE:
		m = main_of(x, t);
		if (m && m->fdlimit > 0 && x->st) {
			uint64_t open = state__fd_count(x->st, m);

			fval_set_double(out, open <= (uint64_t)m->fdlimit
						     ? (double)open * 100 / (double)m->fdlimit : 100);
		} else {
			fval_set_double(out, 0);
		}
		break;
	case FID_PROC_VMSIZE: fval_set_u64(out, t->vmsize_kb); break;
	case FID_PROC_VMRSS: fval_set_u64(out, t->vmrss_kb); break;
	case FID_PROC_VMSWAP: fval_set_u64(out, t->vmswap_kb); break;
	case FID_PROC_IS_EXE_WRITABLE: fval_set_bool(out, t->flags & THR_F_EXE_WRITABLE); break;
	case FID_PROC_IS_EXE_UPPER_LAYER: fval_set_bool(out, t->flags & THR_F_EXE_UPPER_LAYER); break;
	case FID_PROC_IS_EXE_LOWER_LAYER: fval_set_bool(out, t->flags & THR_F_EXE_LOWER_LAYER); break;
	case FID_PROC_IS_EXE_FROM_MEMFD: fval_set_bool(out, t->flags & THR_F_EXE_FROM_MEMFD); break;
	case FID_PROC_EXE_INO: if (t->exe_ino) fval_set_s64(out, (int64_t)t->exe_ino); break;
	case FID_PROC_EXE_INO_CTIME: if (t->exe_ino_ctime) fval_set_u64(out, t->exe_ino_ctime); break;
	case FID_PROC_EXE_INO_MTIME: if (t->exe_ino_mtime) fval_set_u64(out, t->exe_ino_mtime); break;
	case FID_PROC_EXE_INO_CTIME_DURATION_PROC_START:
		/* as Falco computes it at exec: clone time minus ctime, modulo 2^64 */
		if (t->exe_ino_ctime && t->clone_ts && t->clone_ts != t->exe_ino_ctime)
			fval_set_u64(out, t->clone_ts - t->exe_ino_ctime);
		break;
	case FID_PROC_EXE_INO_CTIME_DURATION_PIDNS_START:
		if (t->exe_ino_ctime && t->pidns_init_start_ts &&
		    t->exe_ino_ctime > t->pidns_init_start_ts)
			fval_set_u64(out, t->exe_ino_ctime - t->pidns_init_start_ts);
		break;
	case FID_PROC_IS_SID_LEADER: fval_set_bool(out, t->sid == t->vpid); break;
	case FID_PROC_IS_VPGID_LEADER: fval_set_bool(out, t->vpgid == t->vpid); break;
	case FID_PROC_IS_PGID_LEADER: fval_set_bool(out, t->pgid == t->pid); break;
	case FID_PROC_STDIN_NAME: std_fd(x, t, 0, false, out); break;
	case FID_PROC_STDIN_TYPE: std_fd(x, t, 0, true, out); break;
	case FID_PROC_STDOUT_NAME: std_fd(x, t, 1, false, out); break;
	case FID_PROC_STDOUT_TYPE: std_fd(x, t, 1, true, out); break;
	case FID_PROC_STDERR_NAME: std_fd(x, t, 2, false, out); break;
	case FID_PROC_STDERR_TYPE: std_fd(x, t, 2, true, out); break;
	case FID_PROC_IS_CONTAINER_HEALTHCHECK:
	case FID_PROC_IS_CONTAINER_LIVENESS_PROBE:
	case FID_PROC_IS_CONTAINER_READINESS_PROBE:
		fval_set_bool(out, false);
		break;
	case FID_THREAD_VTID: if (t->vtid != -1) fval_set_s64(out, t->vtid); break;
	case FID_THREAD_ISMAIN: fval_set_bool(out, t->tid == t->pid); break;
	case FID_THREAD_NAMETID:
		strbuf_reset(&sc->sb);
		strbuf_printf(&sc->sb, "%s%" PRId64, t->comm ? t->comm : "", x->e->tid);
		xt_sb(out, sc);
		break;
	case FID_THREAD_CAP_PERMITTED: caps_text(t->cap_permitted, sc, out); break;
	case FID_THREAD_CAP_EFFECTIVE: caps_text(t->cap_effective, sc, out); break;
	case FID_THREAD_CAP_INHERITABLE: caps_text(t->cap_inheritable, sc, out); break;
	case FID_THREAD_CGROUPS:
		if (t->cgroups.len) {
			strbuf_reset(&sc->sb);
			add_blob(&sc->sb, &t->cgroups);
			xt_sb(out, sc);
		}
		break;
	case FID_THREAD_CGROUP: if (arg) xt_cstr(out, blob_lookup(&t->cgroups, arg)); break;
	case FID_THREAD_PFMAJOR: fval_set_u64(out, t->pfmajor); break;
	case FID_THREAD_PFMINOR: fval_set_u64(out, t->pfminor); break;
	case FID_THREAD_VMSIZE: fval_set_u64(out, t->tid == t->pid ? t->vmsize_kb : 0); break;
	case FID_THREAD_VMRSS: fval_set_u64(out, t->tid == t->pid ? t->vmrss_kb : 0); break;
	case FID_THREAD_VMSIZE_B:
		fval_set_u64(out, t->tid == t->pid ? (uint64_t)t->vmsize_kb * 1024 : 0);
		break;
	case FID_THREAD_VMRSS_B:
		fval_set_u64(out, t->tid == t->pid ? (uint64_t)t->vmrss_kb * 1024 : 0);
		break;
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

XT_FAMILY(proc, proc_field)
