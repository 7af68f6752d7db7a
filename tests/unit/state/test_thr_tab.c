/* Tests of the state engine's threads and users: the process tree that
 * clone/fork/vfork/clone3, execve and procexit records build, the bound of
 * the thread table and what it evicts, and the user and group lookups.
 *
 * Every record is built here the way the driver writes it (evt_build.h);
 * the values expected are the ones the records carry, read the way Falco's
 * libsinsp reads them (parse_clone_exit_caller/_child, parse_execve_exit,
 * the thread manager's remove_thread and find_new_reaper). */
#include "state/state.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "evt_build.h"

/* ---- what the records describe ------------------------------------------ */

/* One thread as its clone or execve exit describes it. */
struct task {
	int64_t tid, pid, ptid, vtid, vpid;
	const char *exe, *comm, *cwd, *arg, *cgroup;
	uint32_t uid, gid;
};

/* The shell everything starts from, as a /proc scan gives it. */
#define BASH_TID 100
#define BASH_EXEPATH "/usr/bin/bash"
#define BASH_SID 100
#define BASH_TTY 34816u
#define BASH_LOGINUID 1000

/* A docker container's id and the 12 characters container.id shows. */
#define CTR_ID "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8"
#define CTR_SHORT "3f2a1b4c5d6e"

static const struct task bash = {
	.tid = BASH_TID, .pid = BASH_TID, .ptid = 1, .vtid = BASH_TID, .vpid = BASH_TID,
	.exe = "bash", .comm = "bash", .cwd = "/home/alice", .uid = 1000, .gid = 1000,
};

/* A clone-family exit (clone, fork, vfork, clone3 share the layout): res
 * is the child's tid in the caller, 0 in the child; everything else is
 * about the thread t the event comes from. */
static const struct evt *clone_x(struct eb *b, uint16_t type, uint64_t ts, const struct task *t,
				 int64_t res, uint32_t flags)
{
	eb_begin(b, type, ts, t->tid);
	eb_int(b, "res", res);
	eb_str(b, "exe", t->exe);
	if (t->arg)
		eb_list(b, "args", t->arg, NULL);
	else
		eb_list(b, "args", NULL);
	eb_int(b, "tid", t->tid);
	eb_int(b, "pid", t->pid);
	eb_int(b, "ptid", t->ptid);
	eb_str(b, "cwd", t->cwd);
	eb_int(b, "fdlimit", 1024);
	eb_int(b, "pgft_maj", 0);
	eb_int(b, "pgft_min", 120);
	eb_int(b, "vm_size", 8000);
	eb_int(b, "vm_rss", 4000);
	eb_int(b, "vm_swap", 0);
	eb_str(b, "comm", t->comm);
	if (t->cgroup)
		eb_list(b, "cgroups", t->cgroup, NULL);
	else
		eb_list(b, "cgroups", "cpu=/user.slice", "memory=/user.slice", NULL);
	eb_int(b, "flags", flags);
	eb_int(b, "uid", t->uid);
	eb_int(b, "gid", t->gid);
	eb_int(b, "vtid", t->vtid);
	eb_int(b, "vpid", t->vpid);
	eb_int(b, "pidns_init_start_ts", 0);
	return eb_end(b);
}

/* An execve exit (PPME_SYSCALL_EXECVE_19_X) of thread t, now running
 * exepath with one argument. */
static const struct evt *execve_x(struct eb *b, uint64_t ts, const struct task *t, int64_t res,
				  const char *exepath)
{
	eb_begin(b, PPME_SYSCALL_EXECVE_19_X, ts, t->tid);
	eb_int(b, "res", res);
	eb_str(b, "exe", t->exe);
	eb_list(b, "args", t->arg, NULL);
	eb_int(b, "tid", t->tid);
	eb_int(b, "pid", t->pid);
	eb_int(b, "ptid", t->ptid);
	eb_str(b, "cwd", t->cwd);
	eb_int(b, "fdlimit", 1024);
	eb_int(b, "pgft_maj", 0);
	eb_int(b, "pgft_min", 30);
	eb_int(b, "vm_size", 2000);
	eb_int(b, "vm_rss", 900);
	eb_int(b, "vm_swap", 0);
	eb_str(b, "comm", t->comm);
	eb_list(b, "cgroups", "cpu=/user.slice", "memory=/user.slice", NULL);
	eb_list(b, "env", "HOME=/home/alice", "LANG=C", NULL);
	eb_int(b, "tty", BASH_TTY);
	eb_int(b, "vpgid", t->pid);
	eb_int(b, "loginuid", BASH_LOGINUID);
	eb_int(b, "flags", 0);
	eb_int(b, "cap_inheritable", 0);
	eb_int(b, "cap_permitted", 0);
	eb_int(b, "cap_effective", 0);
	eb_int(b, "exe_ino", 393300);
	eb_int(b, "exe_ino_ctime", 1690000000000000000ll);
	eb_int(b, "exe_ino_mtime", 1690000000000000000ll);
	eb_int(b, "uid", t->uid);
	eb_str(b, "trusted_exepath", exepath);
	eb_int(b, "pgid", t->pid);
	eb_int(b, "gid", t->gid);
	return eb_end(b);
}

/* A procexit (PPME_PROCEXIT_1_E) of tid; reaper is the kernel's choice of
 * new parent for its children (0: it had none it knew of). */
static const struct evt *procexit(struct eb *b, uint64_t ts, int64_t tid, int64_t reaper)
{
	eb_begin(b, PPME_PROCEXIT_1_E, ts, tid);
	eb_int(b, "status", 0);
	eb_int(b, "ret", 0);
	eb_int(b, "sig", 0);
	eb_int(b, "core", 0);
	eb_int(b, "reaper_tid", reaper);
	return eb_end(b);
}

/* A close exit of fd 99 that failed: an event that changes nothing, only
 * tells that tid is active. */
static const struct evt *noop(struct eb *b, uint64_t ts, int64_t tid)
{
	eb_begin(b, PPME_SYSCALL_CLOSE_X, ts, tid);
	eb_int(b, "res", -9);
	eb_int(b, "fd", 99);
	return eb_end(b);
}

/* An openat exit of tid giving fd for path. */
static const struct evt *openat_x(struct eb *b, uint64_t ts, int64_t tid, int64_t fd,
				  const char *path)
{
	eb_begin(b, PPME_SYSCALL_OPENAT_2_X, ts, tid);
	eb_int(b, "fd", fd);
	eb_int(b, "dirfd", -100);
	eb_str(b, "name", path);
	eb_int(b, "flags", 1);
	eb_int(b, "mode", 0);
	eb_int(b, "dev", 0x803);
	eb_int(b, "ino", 1234);
	return eb_end(b);
}

/* ---- the state ---------------------------------------------------------- */

static struct state *new_state(size_t max_threads)
{
	struct state_opts o = { .sz = sizeof(o), .max_threads = max_threads };
	struct state *st = NULL;

	assert_int_equal(state__new(&o, &st), 0);
	return st;
}

static void seed(struct state *st, int64_t tid, int64_t pid, int64_t ptid, const char *comm,
		 const char *exepath, const char *cwd)
{
	static const char env[] = "HOME=/home/alice\0LANG=C";
	struct state_thr_seed s = {
		.tid = tid, .pid = pid, .ptid = ptid, .sid = BASH_SID, .vpgid = pid, .pgid = pid,
		.vtid = tid, .vpid = pid, .loginuid = BASH_LOGINUID, .uid = 1000, .gid = 1000,
		.tty = BASH_TTY, .comm = comm, .exe = comm, .exepath = exepath, .cwd = cwd,
		.env = { env, sizeof(env) },
	};

	assert_int_equal(state__seed_thread(st, &s), 0);
}

/* init and an interactive bash under it. */
static struct state *with_bash(size_t max_threads)
{
	struct state *st = new_state(max_threads);

	seed(st, 1, 1, 0, "systemd", "/usr/lib/systemd/systemd", "/");
	seed(st, BASH_TID, BASH_TID, 1, "bash", BASH_EXEPATH, "/home/alice");
	return st;
}

static struct thr *apply(struct state *st, const struct evt *e)
{
	struct state_cur cur;

	state__update(st, e, &cur);
	state__post(st);
	return cur.thr;
}

static void assert_blob(const struct thr_blob *b, const char *want, size_t n)
{
	assert_int_equal(b->len, n);
	assert_memory_equal(b->p, want, n);
}

/* What a child of bash has right after the fork, whichever side's event
 * made it: its own ids, the event's comm/exe/args/cwd, and from its parent
 * what the event does not carry (exepath, env, session, tty, loginuid). */
static void assert_forked_bash(struct state *st, int64_t tid, uint64_t clone_ts)
{
	struct thr *t = state__thread(st, tid);

	assert_non_null(t);
	assert_int_equal(t->tid, tid);
	assert_int_equal(t->pid, tid);
	assert_int_equal(t->ptid, BASH_TID);
	assert_string_equal(t->comm, "bash");
	assert_string_equal(t->exe, "bash");
	assert_string_equal(t->exepath, BASH_EXEPATH);
	assert_string_equal(t->cwd, "/home/alice/");
	assert_int_equal(t->args.len, 0);
	assert_blob(&t->env, "HOME=/home/alice\0LANG=C", sizeof("HOME=/home/alice\0LANG=C"));
	assert_int_equal(t->uid, 1000);
	assert_int_equal(t->gid, 1000);
	assert_int_equal(t->sid, BASH_SID);
	assert_int_equal(t->tty, BASH_TTY);
	assert_int_equal(t->loginuid, BASH_LOGINUID);
	assert_int_equal(t->clone_ts, clone_ts);
	assert_false(t->flags & (THR_F_INCOMPLETE | THR_F_DEAD));
	assert_ptr_equal(state__parent(st, t), state__thread(st, BASH_TID));
	assert_string_equal(t->container_id, "");
}

/* ---- clone, fork, clone3 ------------------------------------------------ */

/* fork() in bash: the caller's exit comes first and makes the child; the
 * child's own exit then finds it there and changes nothing. Every variant
 * of the call writes the same layout. */
static void test_fork_caller_first(void **unused)
{
	static const uint16_t types[] = { PPME_SYSCALL_CLONE_20_X, PPME_SYSCALL_FORK_20_X,
					  PPME_SYSCALL_CLONE3_X };
	(void)unused;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct state *st = with_bash(0);
		struct task child = bash;
		struct eb b;
		struct thr *t;

		child.tid = child.pid = child.vtid = child.vpid = 200;
		child.ptid = BASH_TID;
		t = apply(st, clone_x(&b, types[i], 1000, &bash, 200, 0x1800000 /* CHILD_*TID */));
		assert_non_null(t);
		assert_int_equal(t->tid, BASH_TID);
		assert_forked_bash(st, 200, 1000);
		assert_int_equal(state__nchilds(st, state__thread(st, BASH_TID)), 1);

		apply(st, clone_x(&b, types[i], 1001, &child, 0, 0x1800000));
		assert_forked_bash(st, 200, 1000);
		state__free(st);
	}
}

/* The child's exit can come first (the fork tracepoint, another CPU): it
 * makes the child from its own parameters and its parent's entry; the
 * caller's exit, later, must not remake a child that has since exec'd. */
static void test_fork_child_first(void **unused)
{
	struct state *st = with_bash(0);
	struct task child = bash;
	struct eb b;
	struct thr *t;
	(void)unused;

	child.tid = child.pid = child.vtid = child.vpid = 200;
	child.ptid = BASH_TID;
	t = apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1000, &child, 0, 0x1800000));
	assert_ptr_equal(t, state__thread(st, 200));
	assert_forked_bash(st, 200, 1000);

	child.exe = child.comm = "ls";
	child.arg = "/tmp";
	apply(st, execve_x(&b, 1100, &child, 0, "/usr/bin/ls"));
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1200, &bash, 200, 0x1800000));
	t = state__thread(st, 200);
	assert_string_equal(t->comm, "ls");
	assert_string_equal(t->exepath, "/usr/bin/ls");
	assert_int_equal(t->ptid, BASH_TID);
	state__free(st);
}

/* A failed clone (res < 0) makes nothing. */
static void test_fork_failed(void **unused)
{
	struct state *st = with_bash(0);
	struct state_stats s;
	struct eb b;
	(void)unused;

	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1000, &bash, -11 /* EAGAIN */, 0));
	state__stats(st, &s);
	assert_int_equal(s.threads, 2);
	state__free(st);
}

/* pthread_create: the child is a thread of bash's process, shares its fd
 * table (an fd opened by either is the other's), and has the process's
 * parent as parent. */
static void test_thread_clone(void **unused)
{
	struct state *st = with_bash(0);
	struct thr *t, *m;
	struct eb b;
	(void)unused;

	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1000, &bash, 101, EB_CL_PTHREAD));
	t = state__thread(st, 101);
	m = state__thread(st, BASH_TID);
	assert_non_null(t);
	assert_int_equal(t->pid, BASH_TID);
	assert_int_equal(t->ptid, 1);
	assert_string_equal(t->comm, "bash");
	assert_string_equal(t->exepath, BASH_EXEPATH);
	assert_ptr_equal(state__main_thread(st, t), m);
	assert_int_equal(state__nthreads(st, m), 2);
	assert_int_equal(state__nchilds(st, state__thread(st, 1)), 1);

	apply(st, openat_x(&b, 1100, 101, 3, "/etc/hosts"));
	assert_non_null(state__fd(st, m, 3));
	assert_string_equal(state__fd(st, m, 3)->name, "/etc/hosts");
	apply(st, openat_x(&b, 1200, BASH_TID, 4, "/etc/passwd"));
	assert_non_null(state__fd(st, t, 4));
	assert_int_equal(state__fd_count(st, t), 2);
	state__free(st);
}

/* The same thread seen from its own clone exit first. */
static void test_thread_clone_child_first(void **unused)
{
	struct state *st = with_bash(0);
	struct task thread = bash;
	struct eb b;
	struct thr *t;
	(void)unused;

	apply(st, openat_x(&b, 900, BASH_TID, 3, "/etc/hosts"));
	thread.tid = thread.vtid = 101;
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1000, &thread, 0, EB_CL_PTHREAD));
	t = state__thread(st, 101);
	assert_non_null(t);
	assert_int_equal(t->pid, BASH_TID);
	assert_int_equal(t->ptid, 1);
	/* the leader's fds, not the parent process's */
	assert_non_null(state__fd(st, t, 3));
	apply(st, openat_x(&b, 1100, 101, 5, "/tmp/x"));
	assert_non_null(state__fd(st, state__thread(st, BASH_TID), 5));
	state__free(st);
}

/* The clone flags are PPM_CL_* (flags.def), not the kernel's CLONE_*:
 * CLONE_SYSVSEM alone does not make a thread, CLONE_THREAD does; a new
 * process gets a copy of the fds, not the parent's table. */
static void test_clone_flag_bits(void **unused)
{
	struct state *st = with_bash(0);
	struct thr *t;
	struct eb b;
	(void)unused;

	apply(st, openat_x(&b, 900, BASH_TID, 3, "/etc/hosts"));
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1000, &bash, 200,
			  EB_CL_CLONE_SYSVSEM | 0x4 /* CLONE_IO */));
	t = state__thread(st, 200);
	assert_int_equal(t->pid, 200);
	assert_int_equal(t->ptid, BASH_TID);
	assert_non_null(state__fd(st, t, 3));
	apply(st, openat_x(&b, 1100, 200, 4, "/tmp/child"));
	assert_null(state__fd(st, state__thread(st, BASH_TID), 4));

	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1200, &bash, 201,
			  EB_CL_CLONE_THREAD | EB_CL_CLONE_SIGHAND | EB_CL_CLONE_VM));
	t = state__thread(st, 201);
	assert_int_equal(t->pid, BASH_TID);
	apply(st, openat_x(&b, 1300, 201, 6, "/tmp/thread"));
	assert_non_null(state__fd(st, state__thread(st, BASH_TID), 6));
	state__free(st);
}

/* A caller inside a container learns its child's id in the container's pid
 * namespace, not the host tid the state is keyed by: the child is made by
 * its own event only. */
static void test_clone_in_container(void **unused)
{
	struct state *st = with_bash(0);
	struct task sh = { .tid = 5000, .pid = 5000, .ptid = 4990, .vtid = 7, .vpid = 7,
			   .exe = "sh", .comm = "sh", .cwd = "/",
			   .cgroup = "cpu=/docker/" CTR_ID };
	struct task child = sh;
	struct eb b;
	struct thr *t;
	(void)unused;

	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1000, &sh, 8,
			  0x1800000 | EB_CL_CHILD_IN_PIDNS));
	assert_null(state__thread(st, 8));

	child.tid = child.pid = 5001;
	child.vtid = child.vpid = 8;
	child.ptid = 5000;
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1001, &child, 0,
			  0x1800000 | EB_CL_CHILD_IN_PIDNS));
	t = state__thread(st, 5001);
	assert_non_null(t);
	assert_int_equal(t->pid, 5001);
	assert_int_equal(t->ptid, 5000);
	assert_int_equal(t->vtid, 8);
	assert_int_equal(t->vpid, 8);
	assert_string_equal(t->container_id, CTR_SHORT);
	state__free(st);
}

/* ---- vfork --------------------------------------------------------------- */

/* vfork: the parent sleeps until the child execs or exits, so the child's
 * events (its vfork exit, execve, procexit) all come before the parent's
 * vfork exit, which must not bring the dead child back. */
static void test_vfork(void **unused)
{
	struct state *st = with_bash(0);
	struct task child = bash;
	struct state_stats s;
	struct eb b;
	struct thr *t;
	(void)unused;

	child.tid = child.pid = child.vtid = child.vpid = 300;
	child.ptid = BASH_TID;
	apply(st, clone_x(&b, PPME_SYSCALL_VFORK_20_X, 1000, &child, 0,
			  EB_CL_CLONE_VM | EB_CL_CLONE_VFORK));
	assert_forked_bash(st, 300, 1000);

	child.exe = child.comm = "true";
	child.arg = "--version";
	apply(st, execve_x(&b, 1100, &child, 0, "/usr/bin/true"));
	t = state__thread(st, 300);
	assert_string_equal(t->comm, "true");
	apply(st, procexit(&b, 1200, 300, 0));
	assert_null(state__thread(st, 300));

	apply(st, clone_x(&b, PPME_SYSCALL_VFORK_20_X, 1300, &bash, 300,
			  EB_CL_CLONE_VM | EB_CL_CLONE_VFORK));
	assert_null(state__thread(st, 300));
	/* posix_spawn's clone(CLONE_VM|CLONE_VFORK) is the same case */
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1400, &bash, 301,
			  EB_CL_CLONE_VM | EB_CL_CLONE_VFORK));
	assert_null(state__thread(st, 301));
	state__stats(st, &s);
	assert_int_equal(s.threads, 2);
	state__free(st);
}

/* ---- execve -------------------------------------------------------------- */

/* execve replaces the program: comm, exe, args, exepath, env, the exec
 * time; the ids, the parent and the fds stay. A failed execve changes
 * nothing. */
static void test_execve(void **unused)
{
	struct state *st = with_bash(0);
	struct task child = bash;
	struct eb b;
	struct thr *t;
	(void)unused;

	child.tid = child.pid = child.vtid = child.vpid = 200;
	child.ptid = BASH_TID;
	apply(st, openat_x(&b, 900, BASH_TID, 3, "/etc/hosts"));
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1000, &bash, 200, 0x1800000));

	child.exe = child.comm = "nosuch";
	child.arg = "-x";
	apply(st, execve_x(&b, 1050, &child, -2 /* ENOENT */, "/usr/bin/nosuch"));
	t = state__thread(st, 200);
	assert_string_equal(t->comm, "bash");
	assert_string_equal(t->exepath, BASH_EXEPATH);
	assert_int_equal(t->lastexec_ts, 0);

	child.exe = "/bin/ls";
	child.comm = "ls";
	child.arg = "-l";
	t = apply(st, execve_x(&b, 1100, &child, 0, "/usr/bin/ls"));
	assert_ptr_equal(t, state__thread(st, 200));
	assert_string_equal(t->comm, "ls");
	assert_string_equal(t->exe, "/bin/ls");
	assert_string_equal(t->exepath, "/usr/bin/ls");
	assert_blob(&t->args, "-l", 3);
	assert_blob(&t->env, "HOME=/home/alice\0LANG=C", sizeof("HOME=/home/alice\0LANG=C"));
	assert_int_equal(t->exe_ino, 393300);
	assert_int_equal(t->lastexec_ts, 1100);
	assert_int_equal(t->tid, 200);
	assert_int_equal(t->pid, 200);
	assert_int_equal(t->ptid, BASH_TID);
	assert_int_equal(t->clone_ts, 1000);
	assert_string_equal(t->cwd, "/home/alice/");
	assert_non_null(state__fd(st, t, 3));
	/* the parent is untouched */
	assert_string_equal(state__thread(st, BASH_TID)->comm, "bash");
	state__free(st);
}

/* ---- procexit ------------------------------------------------------------ */

/* bash -> make (200) -> cc (300). make exits: its entry lives through the
 * event (rules still see it), goes at state__post, and cc is given to the
 * reaper the kernel names. */
static struct state *make_and_cc(void)
{
	struct state *st = with_bash(0);
	struct task make = bash;
	struct eb b;

	make.tid = make.pid = make.vtid = make.vpid = 200;
	make.ptid = BASH_TID;
	make.exe = make.comm = "make";
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1000, &bash, 200, 0x1800000));
	apply(st, execve_x(&b, 1010, &make, 0, "/usr/bin/make"));
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1020, &make, 300, 0x1800000));
	assert_int_equal(state__thread(st, 300)->ptid, 200);
	return st;
}

static void test_procexit(void **unused)
{
	struct state *st = make_and_cc();
	struct state_cur cur;
	struct state_stats s;
	struct eb b;
	(void)unused;

	state__update(st, procexit(&b, 2000, 200, 1), &cur);
	assert_non_null(cur.thr);
	assert_int_equal(cur.thr->tid, 200);
	assert_string_equal(cur.thr->comm, "make");
	assert_ptr_equal(state__thread(st, 200), cur.thr);
	state__post(st);
	assert_null(state__thread(st, 200));
	assert_int_equal(state__thread(st, 300)->ptid, 1);
	assert_ptr_equal(state__parent(st, state__thread(st, 300)), state__thread(st, 1));
	assert_int_equal(state__nchilds(st, state__thread(st, BASH_TID)), 0);
	state__stats(st, &s);
	assert_int_equal(s.threads, 3);
	state__free(st);
}

/* A subreaper (systemd --user, a container shim) named by the kernel takes
 * the orphans. */
static void test_procexit_subreaper(void **unused)
{
	struct state *st = make_and_cc();
	struct eb b;
	(void)unused;

	seed(st, 150, 150, 1, "systemd", "/usr/lib/systemd/systemd", "/");
	apply(st, procexit(&b, 2000, 200, 150));
	assert_int_equal(state__thread(st, 300)->ptid, 150);
	state__free(st);
}

/* Without the kernel's answer (old drivers, reaper 0), the reaper is found
 * as the kernel finds it: the nearest ancestor that is an init, here the
 * host's. */
static void test_procexit_no_reaper(void **unused)
{
	struct state *st = make_and_cc();
	struct eb b;
	(void)unused;

	apply(st, procexit(&b, 2000, 200, 0));
	assert_int_equal(state__thread(st, 300)->ptid, 1);

	/* the oldest layout has no parameters at all */
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 2100, &bash, 400, 0x1800000));
	{
		struct task c = bash;

		c.tid = c.pid = c.vtid = c.vpid = 400;
		c.ptid = BASH_TID;
		apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 2200, &c, 401, 0x1800000));
	}
	eb_begin(&b, PPME_PROCEXIT_E, 2300, 400);
	apply(st, eb_end(&b));
	assert_null(state__thread(st, 400));
	assert_int_equal(state__thread(st, 401)->ptid, 1);
	state__free(st);
}

/* In a container the orphans go to the container's init (vpid 1), not to
 * the host's. */
static void test_procexit_container_init(void **unused)
{
	struct state *st = with_bash(0);
	static const char cg[] = "cpu=/docker/" CTR_ID;
	struct state_thr_seed s = {
		.tid = 4000, .pid = 4000, .ptid = 1, .vtid = 1, .vpid = 1, .loginuid = -1,
		.comm = "tini", .exe = "tini", .exepath = "/sbin/tini", .cwd = "/",
		.cgroups = { cg, sizeof(cg) },
	};
	struct eb b;
	(void)unused;

	assert_int_equal(state__seed_thread(st, &s), 0);
	s.tid = s.pid = 4001;
	s.ptid = 4000;
	s.vtid = s.vpid = 2;
	s.comm = s.exe = "sh";
	assert_int_equal(state__seed_thread(st, &s), 0);
	s.tid = s.pid = 4002;
	s.ptid = 4001;
	s.vtid = s.vpid = 3;
	s.comm = s.exe = "sleep";
	assert_int_equal(state__seed_thread(st, &s), 0);

	apply(st, procexit(&b, 2000, 4001, 0));
	assert_int_equal(state__thread(st, 4002)->ptid, 4000);
	assert_string_equal(state__parent(st, state__thread(st, 4002))->comm, "tini");
	state__free(st);
}

/* A leader that exits before its threads stays, dead, while they live (it
 * holds what the process is: comm, exe, parent); its children go to a live
 * thread of the process. The last thread's exit takes both away. */
static void test_procexit_leader_before_threads(void **unused)
{
	struct state *st = make_and_cc();
	struct task make = bash;
	struct thr *m, *t;
	struct state_stats s;
	struct eb b;
	(void)unused;

	make.tid = make.pid = make.vtid = make.vpid = 200;
	make.ptid = BASH_TID;
	make.exe = make.comm = "make";
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 1500, &make, 201, EB_CL_PTHREAD));
	apply(st, openat_x(&b, 1600, 201, 3, "/tmp/Makefile"));

	apply(st, procexit(&b, 2000, 200, 201));
	m = state__thread(st, 200);
	t = state__thread(st, 201);
	assert_non_null(m);
	assert_true(m->flags & THR_F_DEAD);
	assert_non_null(t);
	assert_ptr_equal(state__main_thread(st, t), m);
	assert_string_equal(state__main_thread(st, t)->comm, "make");
	assert_int_equal(state__nthreads(st, t), 1);
	assert_non_null(state__fd(st, t, 3));
	assert_int_equal(state__thread(st, 300)->ptid, 201);

	apply(st, procexit(&b, 2100, 201, 0));
	assert_null(state__thread(st, 201));
	assert_null(state__thread(st, 200));
	assert_int_equal(state__thread(st, 300)->ptid, 1);
	state__stats(st, &s);
	assert_int_equal(s.threads, 3);
	state__free(st);
}

/* A procexit of a thread nobody knew of leaves nothing behind. */
static void test_procexit_unknown(void **unused)
{
	struct state *st = with_bash(0);
	struct state_stats s;
	struct eb b;
	(void)unused;

	apply(st, procexit(&b, 2000, 777, 0));
	assert_null(state__thread(st, 777));
	state__stats(st, &s);
	assert_int_equal(s.threads, 2);
	state__free(st);
}

/* ---- events of unknown threads ------------------------------------------- */

static void test_incomplete_thread(void **unused)
{
	struct state *st = new_state(0);
	struct state_stats s;
	struct thr *t;
	struct eb b;
	(void)unused;

	t = apply(st, noop(&b, 10, 555));
	assert_non_null(t);
	assert_int_equal(t->tid, 555);
	/* Falco's stand-in for a thread nothing told of: process unknown */
	assert_int_equal(t->pid, -1);
	assert_int_equal(t->ptid, -1);
	assert_string_equal(t->comm, "<NA>");
	assert_string_equal(t->exe, "<NA>");
	assert_true(t->flags & THR_F_INCOMPLETE);
	assert_null(state__parent(st, t));
	state__stats(st, &s);
	assert_int_equal(s.threads_created_incomplete, 1);
	assert_int_equal(s.threads, 1);
	state__free(st);
}

/* ---- the thread table's bound -------------------------------------------- */

/* Full, the table evicts the least recently active thread and counts it. */
static void test_bound_lru(void **unused)
{
	struct state *st = new_state(4);
	struct state_stats s;
	struct eb b;
	(void)unused;

	for (int64_t tid = 10; tid < 14; tid++)
		apply(st, noop(&b, (uint64_t)tid, tid));	/* 10..13 at ts 10..13 */
	apply(st, noop(&b, 20, 10));				/* 10 active again */
	apply(st, noop(&b, 21, 14));
	assert_null(state__thread(st, 11));
	assert_non_null(state__thread(st, 10));
	assert_non_null(state__thread(st, 12));
	assert_non_null(state__thread(st, 13));
	assert_non_null(state__thread(st, 14));
	apply(st, noop(&b, 22, 15));
	assert_null(state__thread(st, 12));
	state__stats(st, &s);
	assert_int_equal(s.threads, 4);
	assert_int_equal(s.threads_evicted, 2);
	state__free(st);
}

/* The hash tables grow with the threads (they start at 1024 buckets):
 * 5000 processes of 2 threads each, every one found again by tid, every
 * process's threads and init's child processes counted right. */
static void test_table_grows(void **unused)
{
	struct state *st = new_state(20000);
	struct state_stats s;
	(void)unused;

	seed(st, 1, 1, 0, "systemd", "/usr/lib/systemd/systemd", "/");
	for (int64_t p = 0; p < 5000; p++) {
		int64_t pid = 100 + 2 * p;

		seed(st, pid, pid, 1, "worker", "/usr/bin/worker", "/");
		seed(st, pid + 1, pid, 1, "worker", "/usr/bin/worker", "/");
	}
	for (int64_t p = 0; p < 5000; p++) {
		int64_t pid = 100 + 2 * p;
		struct thr *t = state__thread(st, pid + 1);

		assert_non_null(t);
		assert_int_equal(t->pid, pid);
		assert_int_equal(state__nthreads(st, t), 2);
	}
	assert_int_equal(state__nchilds(st, state__thread(st, 1)), 5000);	/* processes */
	state__stats(st, &s);
	assert_int_equal(s.threads, 10001);
	assert_int_equal(s.threads_evicted, 0);
	state__free(st);
}

/* Dead threads go before live ones, however recent. */
static void test_bound_dead_first(void **unused)
{
	struct state *st = new_state(5);
	struct task p = { .tid = 10, .pid = 10, .ptid = 1, .vtid = 10, .vpid = 10, .exe = "java",
			  .comm = "java", .cwd = "/srv" };
	struct state_stats s;
	struct eb b;
	(void)unused;

	apply(st, noop(&b, 1, 10));
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 2, &p, 11, EB_CL_PTHREAD));
	apply(st, noop(&b, 3, 12));
	apply(st, noop(&b, 4, 13));
	apply(st, noop(&b, 5, 11));
	apply(st, procexit(&b, 6, 10, 0));	/* leader dead, kept for thread 11 */
	assert_true(state__thread(st, 10)->flags & THR_F_DEAD);
	apply(st, noop(&b, 7, 14));		/* fills the table */
	apply(st, noop(&b, 8, 15));
	assert_null(state__thread(st, 10));
	assert_non_null(state__thread(st, 11));
	assert_non_null(state__thread(st, 12));
	apply(st, noop(&b, 9, 16));		/* no dead one left: the oldest, 12 */
	assert_null(state__thread(st, 12));
	assert_non_null(state__thread(st, 11));
	state__stats(st, &s);
	assert_int_equal(s.threads_evicted, 2);
	assert_int_equal(s.threads, 5);
	state__free(st);
}

/* A just-cloned child counts as active at its clone: the next eviction
 * takes an older thread, not it. */
static void test_bound_new_child_is_recent(void **unused)
{
	struct state *st = new_state(3);
	struct task p = { .tid = 10, .pid = 10, .ptid = 1, .vtid = 10, .vpid = 10, .exe = "sh",
			  .comm = "sh", .cwd = "/" };
	struct eb b;
	(void)unused;

	apply(st, noop(&b, 1, 20));
	apply(st, noop(&b, 2, 10));
	apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 3, &p, 11, 0x1800000));
	apply(st, noop(&b, 4, 21));
	assert_null(state__thread(st, 20));
	assert_non_null(state__thread(st, 11));
	assert_non_null(state__thread(st, 10));
	state__free(st);
}

/* The thread whose event is being applied is never the one evicted, even
 * when it is the least recent (events of several CPUs come slightly out of
 * order): a clone in a full table evicts another thread, not its caller. */
static void test_bound_keeps_event_thread(void **unused)
{
	(void)unused;

	for (int order = 0; order < 2; order++) {
		int64_t caller = order ? 10 : 11, other = order ? 11 : 10;
		struct task p = { .tid = caller, .pid = caller, .ptid = 1, .vtid = caller,
				  .vpid = caller, .exe = "sh", .comm = "sh", .cwd = "/" };
		struct state *st = new_state(2);
		struct eb b;
		struct thr *t;

		apply(st, noop(&b, 40, caller));
		apply(st, noop(&b, 100, other));
		t = apply(st, clone_x(&b, PPME_SYSCALL_CLONE_20_X, 50, &p, 12, 0x1800000));
		assert_non_null(t);
		assert_int_equal(t->tid, caller);
		assert_non_null(state__thread(st, caller));
		assert_null(state__thread(st, other));
		assert_non_null(state__thread(st, 12));
		assert_string_equal(state__thread(st, 12)->comm, "sh");
		state__free(st);
	}
}

/* ---- users and groups ---------------------------------------------------- */

static struct state *with_users(bool host, size_t max_users)
{
	struct state_opts o = { .sz = sizeof(o), .host_users = host, .max_users = max_users };
	struct state_user alice = { .uid = 1000, .gid = 1000, .name = "alice",
				    .homedir = "/home/alice", .shell = "/bin/bash" };
	struct state_group g = { .gid = 1000, .name = "alice" };
	struct state *st = NULL;

	assert_int_equal(state__new(&o, &st), 0);
	assert_int_equal(state__seed_user(st, &alice), 0);
	assert_int_equal(state__seed_group(st, &g), 0);
	return st;
}

static void test_users_seeded(void **unused)
{
	struct state *st = with_users(false, 0);
	const struct state_user *u;
	const struct state_group *g;
	(void)unused;

	u = state__user(st, 1000);
	assert_non_null(u);
	assert_int_equal(u->uid, 1000);
	assert_int_equal(u->gid, 1000);
	assert_string_equal(u->name, "alice");
	assert_string_equal(u->homedir, "/home/alice");
	assert_string_equal(u->shell, "/bin/bash");
	g = state__group(st, 1000);
	assert_non_null(g);
	assert_string_equal(g->name, "alice");
	/* a uid and a gid of the same number are different entries */
	assert_null(state__group(st, 1001));
	assert_null(state__user(st, 0));
	assert_null(state__group(st, 0));
	state__free(st);
}

/* With host lookups on, an unknown id is looked up on this machine (root
 * is uid and gid 0 everywhere) and kept; an id the host does not have
 * stays unknown. */
static void test_users_host(void **unused)
{
	struct state *st = with_users(true, 0);
	const struct state_user *u;
	const struct state_group *g;
	(void)unused;

	u = state__user(st, 0);
	assert_non_null(u);
	assert_int_equal(u->uid, 0);
	assert_string_equal(u->name, "root");
	g = state__group(st, 0);
	assert_non_null(g);
	assert_string_equal(g->name, "root");
	assert_null(state__user(st, 3999999999u));
	assert_null(state__group(st, 3999999999u));
	assert_string_equal(state__user(st, 1000)->name, "alice");
	state__free(st);
}

/* The table of users and groups is bounded too: the oldest entry goes. */
static void test_users_bound(void **unused)
{
	struct state *st = with_users(false, 3);
	struct state_user bob = { .uid = 1001, .gid = 1001, .name = "bob" };
	struct state_user carol = { .uid = 1002, .gid = 1002, .name = "carol" };
	struct state_stats s;
	(void)unused;

	assert_int_equal(state__seed_user(st, &bob), 0);
	assert_int_equal(state__seed_user(st, &carol), 0);
	assert_null(state__user(st, 1000));
	assert_string_equal(state__user(st, 1001)->name, "bob");
	assert_string_equal(state__user(st, 1002)->name, "carol");
	assert_string_equal(state__group(st, 1000)->name, "alice");
	state__stats(st, &s);
	assert_int_equal(s.users_evicted, 1);
	/* seeding an id again replaces its entry, evicting nothing */
	bob.name = "robert";
	assert_int_equal(state__seed_user(st, &bob), 0);
	assert_string_equal(state__user(st, 1001)->name, "robert");
	state__stats(st, &s);
	assert_int_equal(s.users_evicted, 1);
	state__free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_caller_first),
		cmocka_unit_test(test_table_grows),
		cmocka_unit_test(test_fork_child_first),
		cmocka_unit_test(test_fork_failed),
		cmocka_unit_test(test_thread_clone),
		cmocka_unit_test(test_thread_clone_child_first),
		cmocka_unit_test(test_clone_flag_bits),
		cmocka_unit_test(test_clone_in_container),
		cmocka_unit_test(test_vfork),
		cmocka_unit_test(test_execve),
		cmocka_unit_test(test_procexit),
		cmocka_unit_test(test_procexit_subreaper),
		cmocka_unit_test(test_procexit_no_reaper),
		cmocka_unit_test(test_procexit_container_init),
		cmocka_unit_test(test_procexit_leader_before_threads),
		cmocka_unit_test(test_procexit_unknown),
		cmocka_unit_test(test_incomplete_thread),
		cmocka_unit_test(test_bound_lru),
		cmocka_unit_test(test_bound_dead_first),
		cmocka_unit_test(test_bound_new_child_is_recent),
		cmocka_unit_test(test_bound_keeps_event_thread),
		cmocka_unit_test(test_users_seeded),
		cmocka_unit_test(test_users_host),
		cmocka_unit_test(test_users_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
