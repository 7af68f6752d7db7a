/* Tests of the start-up /proc scan (runtime/proc_scan.c) against the real
 * /proc of this machine, no mocks: a forked child holding a known set of
 * fds (a file opened O_RDWR|O_APPEND, a directory, a listening TCP socket
 * on 127.0.0.1, both ends of a loopback TCP connection, a pipe, an
 * eventfd, an epoll fd, a memfd, a unix socket pair) in a directory of its
 * own; the test process with a second thread; a zombie, which the scan
 * skips as Falco's libscap does; the users and groups, from the host and
 * from a prepared tree. Also prints how long the scan of this machine
 * takes. Needs root (to read every process's fds). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "runtime/proc_scan.h"
#include "state/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* PPM open flags (bpf/shared/flags.def file_flags). */
#define PPM_O_RDWR 0x3u
#define PPM_O_APPEND 0x8u

/* ---- the child and its fds ---------------------------------------------- */

struct fixture {
	char dir[PATH_MAX];	/* the child's cwd (realpath'd) */
	char file[PATH_MAX + 16];
	int file_fd, dir_fd, lfd, cfd, afd, pipe_fd[2], efd, epfd, mfd, usk[2];
	uint16_t lport, cport;
	pid_t child, zombie;
	pid_t thread_tid;
	pthread_t thread;
	int thread_stop[2];
};

static void *thread_main(void *arg)
{
	struct fixture *fx = arg;
	char c;

	fx->thread_tid = (pid_t)syscall(SYS_gettid);
	prctl(PR_SET_NAME, "ps_thread");
	while (read(fx->thread_stop[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	return ntohs(a.sin_port);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct sockaddr_in a = { .sin_family = AF_INET };
	char tmpl[] = "/tmp/saker-proc-scan.XXXXXX", real[PATH_MAX], c;
	int ready[2];

	assert_non_null(fx);
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, real));
	snprintf(fx->dir, sizeof(fx->dir), "%s", real);
	snprintf(fx->file, sizeof(fx->file), "%s/known.txt", fx->dir);
	fx->file_fd = open(fx->file, O_RDWR | O_APPEND | O_CREAT, 0600);
	assert_true(fx->file_fd >= 0);
	fx->dir_fd = open(fx->dir, O_RDONLY | O_DIRECTORY);
	assert_true(fx->dir_fd >= 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fx->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fx->lfd >= 0);
	assert_int_equal(bind(fx->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fx->lfd, 4), 0);
	fx->lport = local_port(fx->lfd);
	a.sin_port = htons(fx->lport);
	fx->cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fx->cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	fx->afd = accept(fx->lfd, NULL, NULL);
	assert_true(fx->afd >= 0);
	fx->cport = local_port(fx->cfd);

	assert_int_equal(pipe(fx->pipe_fd), 0);
	fx->efd = eventfd(0, 0);
	assert_true(fx->efd >= 0);
	fx->epfd = epoll_create1(0);
	assert_true(fx->epfd >= 0);
	fx->mfd = memfd_create("ps_memfd", 0);
	assert_true(fx->mfd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fx->usk), 0);

	/* the child: keeps every fd above, in a directory of its own */
	assert_int_equal(pipe(ready), 0);
	fx->child = fork();
	assert_true(fx->child >= 0);
	if (fx->child == 0) {
		prctl(PR_SET_NAME, "ps_child");
		if (chdir(fx->dir) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);

	/* a zombie: exited, not reaped */
	fx->zombie = fork();
	assert_true(fx->zombie >= 0);
	if (fx->zombie == 0)
		_exit(0);
	for (int i = 0; i < 1000; i++) {
		char path[64], buf[256], *p;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)fx->zombie);
		f = fopen(path, "r");
		assert_non_null(f);
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (p && (p = strrchr(buf, ')')) && p[2] == 'Z')
			break;
		usleep(1000);
	}

	/* a second thread of the test process */
	assert_int_equal(pipe(fx->thread_stop), 0);
	assert_int_equal(pthread_create(&fx->thread, NULL, thread_main, fx), 0);
	for (int i = 0; i < 1000 && !__atomic_load_n(&fx->thread_tid, __ATOMIC_SEQ_CST); i++)
		usleep(1000);
	assert_true(fx->thread_tid > 0);
	usleep(10000);	/* let it name itself */
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int fds[] = { fx->file_fd, fx->dir_fd, fx->lfd, fx->cfd, fx->afd, fx->pipe_fd[0],
		      fx->pipe_fd[1], fx->efd, fx->epfd, fx->mfd, fx->usk[0], fx->usk[1] };

	kill(fx->child, SIGKILL);
	waitpid(fx->child, NULL, 0);
	waitpid(fx->zombie, NULL, 0);
	assert_int_equal(write(fx->thread_stop[1], "x", 1), 1);
	pthread_join(fx->thread, NULL);
	close(fx->thread_stop[0]);
	close(fx->thread_stop[1]);
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
	unlink(fx->file);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static struct state *new_state(void)
{
	struct state_opts o = { .sz = sizeof(o), .host_users = false };
	struct state *st;

	assert_int_equal(state__new(&o, &st), 0);
	return st;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void self_link(const char *what, char *buf, size_t n)
{
	char path[64];
	ssize_t l;

	snprintf(path, sizeof(path), "/proc/self/%s", what);
	l = readlink(path, buf, n - 1);
	assert_true(l > 0);
	buf[l] = '\0';
}

/* argv[0] of this process, as the scan reads it. */
static void self_argv0(char *buf, size_t n)
{
	FILE *f = fopen("/proc/self/cmdline", "r");
	size_t l;

	assert_non_null(f);
	l = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[l] = '\0';
}

static uint64_t ino_of(int fd)
{
	struct stat sb;

	assert_int_equal(fstat(fd, &sb), 0);
	return sb.st_ino;
}

static void assert_ep(const struct fdi_ep *ep, uint16_t port)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };

	assert_memory_equal(ep->addr, lo, 4);
	assert_int_equal(ep->port, port);
}

static int count_fd(void *ctx, const struct fdi *f)
{
	(void)f;
	(*(int *)ctx)++;
	return 0;
}

/* ---- tests -------------------------------------------------------------- */

static void test_child(void **state)
{
	struct fixture *fx = *state;
	struct state *st = new_state();
	struct proc_scan_stats s;
	char err[512], exe[PATH_MAX], argv0[4096], cwd[PATH_MAX + 2], name[128];
	struct thr *t;
	struct fdi *f;
	double t0, t1;
	int nfd = 0;

	t0 = now_ms();
	assert_int_equal(proc_scan(st, "/proc", &s, err, sizeof(err)), 0);
	t1 = now_ms();
	print_message("proc_scan of this machine: %" PRIu64 " threads, %" PRIu64 " fds, "
		      "%" PRIu64 " vanished, %" PRIu64 " skipped, %" PRIu64 " errors, "
		      "%" PRIu64 " users, %" PRIu64 " groups, %" PRIu64 " netns, %.2f ms%s%s\n",
		      s.threads, s.fds, s.vanished, s.skipped, s.errors, s.users, s.groups,
		      s.netns, t1 - t0, s.errors ? "; first error: " : "", s.errors ? err : "");
	assert_true(s.threads >= 3);
	assert_true(s.fds >= 12);
	assert_int_equal(s.rejected, 0);

	self_link("exe", exe, sizeof(exe));
	self_argv0(argv0, sizeof(argv0));

	/* the child */
	t = state__thread(st, fx->child);
	assert_non_null(t);
	assert_int_equal(t->tid, fx->child);
	assert_int_equal(t->pid, fx->child);
	assert_int_equal(t->ptid, getpid());
	assert_string_equal(t->comm, "ps_child");
	assert_string_equal(t->exepath, exe);
	assert_string_equal(t->exe, argv0);
	snprintf(cwd, sizeof(cwd), "%s/", fx->dir);
	assert_string_equal(t->cwd, cwd);
	assert_string_equal(t->root, "/");
	assert_int_equal(t->uid, geteuid());
	assert_int_equal(t->gid, getegid());
	assert_int_equal(t->sid, getsid(0));
	assert_int_equal(t->pgid, getpgid(0));
	assert_true(t->vtid > 0);
	assert_true(t->vmsize_kb > 0);
	assert_true(t->clone_ts > 0);
	{
		struct stat sb;

		assert_int_equal(stat("/proc/self/exe", &sb), 0);
		assert_int_equal(t->exe_ino, sb.st_ino);
	}
	assert_true(t->fdlimit > 0 || t->fdlimit == -1);
	for (uint32_t i = 0; i < t->cgroups.len; i += (uint32_t)strlen(t->cgroups.p + i) + 1)
		assert_non_null(strchr(t->cgroups.p + i, '='));

	/* the file, opened O_RDWR|O_APPEND */
	f = state__fd(st, t, fx->file_fd);
	assert_non_null(f);
	assert_int_equal(f->type, FDI_FILE);
	assert_string_equal(f->name, fx->file);
	assert_int_equal(f->open_flags & PPM_O_RDWR, PPM_O_RDWR);
	assert_true(f->open_flags & PPM_O_APPEND);
	assert_int_equal(f->ino, ino_of(fx->file_fd));
	assert_true(f->mount_id > 0);

	/* the directory */
	f = state__fd(st, t, fx->dir_fd);
	assert_non_null(f);
	assert_int_equal(f->type, FDI_DIRECTORY);
	assert_string_equal(f->name, fx->dir);

	/* the listening socket */
	f = state__fd(st, t, fx->lfd);
	assert_non_null(f);
	assert_int_equal(f->type, FDI_IPV4_SOCK);
	assert_int_equal(f->family, AF_INET);
	assert_int_equal(f->l4proto, IPPROTO_TCP);
	assert_int_equal(f->role, FDI_ROLE_SERVER);
	assert_true(f->flags & FDI_F_LISTENING);
	assert_ep(&f->dst, fx->lport);
	snprintf(name, sizeof(name), "127.0.0.1:%u", fx->lport);
	assert_string_equal(f->name, name);

	/* both ends of the connection: client -> server either way */
	snprintf(name, sizeof(name), "127.0.0.1:%u->127.0.0.1:%u", fx->cport, fx->lport);
	f = state__fd(st, t, fx->cfd);
	assert_non_null(f);
	assert_int_equal(f->type, FDI_IPV4_SOCK);
	assert_int_equal(f->role, FDI_ROLE_CLIENT);
	assert_true(f->flags & FDI_F_CONNECTED);
	assert_ep(&f->src, fx->cport);
	assert_ep(&f->dst, fx->lport);
	assert_string_equal(f->name, name);
	f = state__fd(st, t, fx->afd);
	assert_non_null(f);
	assert_int_equal(f->type, FDI_IPV4_SOCK);
	assert_int_equal(f->role, FDI_ROLE_SERVER);
	assert_ep(&f->src, fx->cport);
	assert_ep(&f->dst, fx->lport);
	assert_string_equal(f->name, name);

	/* the pipe */
	snprintf(name, sizeof(name), "pipe:[%" PRIu64 "]", ino_of(fx->pipe_fd[0]));
	for (int i = 0; i < 2; i++) {
		f = state__fd(st, t, fx->pipe_fd[i]);
		assert_non_null(f);
		assert_int_equal(f->type, FDI_PIPE);
		assert_string_equal(f->name, name);
		assert_int_equal(f->ino, ino_of(fx->pipe_fd[0]));
	}

	/* anonymous inodes: named "" as libscap names them */
	f = state__fd(st, t, fx->efd);
	assert_non_null(f);
	assert_int_equal(f->type, FDI_EVENT);
	assert_string_equal(f->name, "");
	f = state__fd(st, t, fx->epfd);
	assert_non_null(f);
	assert_int_equal(f->type, FDI_EVENTPOLL);

	/* the memfd */
	f = state__fd(st, t, fx->mfd);
	assert_non_null(f);
	assert_int_equal(f->type, FDI_MEMFD);
	assert_string_equal(f->name, "/memfd:ps_memfd (deleted)");

	/* the unix socket pair: no path, so the client side */
	for (int i = 0; i < 2; i++) {
		f = state__fd(st, t, fx->usk[i]);
		assert_non_null(f);
		assert_int_equal(f->type, FDI_UNIX_SOCK);
		assert_int_equal(f->family, AF_UNIX);
		assert_int_equal(f->role, FDI_ROLE_CLIENT);
		assert_int_equal(f->ino, ino_of(fx->usk[i]));
	}

	state__fd_foreach(st, t, count_fd, &nfd);
	assert_true(nfd >= 14);	/* the above and stdin/out/err */

	/* the zombie: skipped */
	assert_null(state__thread(st, fx->zombie));
	assert_true(s.skipped >= 1);
	state__free(st);
}

static void test_self(void **state)
{
	struct fixture *fx = *state;
	struct state *st = new_state();
	struct proc_scan_stats s;
	char err[512], cwd[PATH_MAX + 2], comm[64];
	struct thr *t, *th;
	struct fdi *f;
	FILE *cf;

	assert_int_equal(proc_scan(st, "/proc", &s, err, sizeof(err)), 0);

	/* the test process */
	t = state__thread(st, getpid());
	assert_non_null(t);
	assert_int_equal(t->pid, getpid());
	assert_int_equal(t->ptid, getppid());
	cf = fopen("/proc/self/comm", "r");
	assert_non_null(cf);
	assert_non_null(fgets(comm, sizeof(comm), cf));
	fclose(cf);
	comm[strcspn(comm, "\n")] = '\0';
	assert_string_equal(t->comm, comm);
	assert_non_null(getcwd(cwd, sizeof(cwd) - 1));
	if (strcmp(cwd, "/"))
		strcat(cwd, "/");
	assert_string_equal(t->cwd, cwd);
	assert_true(t->env.len > 0);
	assert_non_null(state__fd(st, t, fx->file_fd));

	/* its second thread: same process, same fds */
	th = state__thread(st, fx->thread_tid);
	assert_non_null(th);
	assert_int_equal(th->tid, fx->thread_tid);
	assert_int_equal(th->pid, getpid());
	assert_int_equal(th->ptid, getppid());
	assert_string_equal(th->comm, "ps_thread");
	assert_int_equal(th->env.len, t->env.len);
	assert_true(state__nthreads(st, t) >= 2);
	f = state__fd(st, th, fx->file_fd);
	assert_non_null(f);
	assert_string_equal(f->name, fx->file);

	/* the child is a child of the test process */
	assert_true(state__nchilds(st, t) >= 1);

	/* users and groups of the host */
	assert_true(s.users >= 1);
	assert_non_null(state__user(st, 0));
	assert_string_equal(state__user(st, 0)->name, "root");
	assert_non_null(state__group(st, 0));
	assert_string_equal(state__group(st, 0)->name, "root");

	/* the parent of the test process, found through the tree */
	th = state__thread(st, getppid());
	if (th)
		assert_ptr_equal(state__parent(st, t), th);
	state__free(st);
}

/* A prepared tree: users and groups from its etc/, nothing in its proc/. */
static void test_prepared_root(void **state)
{
	char tmpl[] = "/tmp/saker-proc-root.XXXXXX", path[PATH_MAX], err[512];
	struct state *st = new_state();
	struct proc_scan_stats s;
	const struct state_user *u;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/proc", tmpl);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/etc", tmpl);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/etc/passwd", tmpl);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("root:x:0:0:root:/root:/bin/sh\n"
	      "alice:x:1000:1001:Alice:/home/alice:/bin/bash\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/etc/group", tmpl);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("root:x:0:\nwheel:x:10:alice\n", f);
	fclose(f);

	snprintf(path, sizeof(path), "%s/proc", tmpl);
	assert_int_equal(proc_scan(st, path, &s, err, sizeof(err)), 0);
	assert_int_equal(s.threads, 0);
	assert_int_equal(s.fds, 0);
	assert_int_equal(s.users, 2);
	assert_int_equal(s.groups, 2);
	u = state__user(st, 1000);
	assert_non_null(u);
	assert_string_equal(u->name, "alice");
	assert_int_equal(u->gid, 1001);
	assert_string_equal(u->homedir, "/home/alice");
	assert_string_equal(u->shell, "/bin/bash");
	assert_string_equal(state__group(st, 10)->name, "wheel");
	state__free(st);

	/* a root that is not there */
	st = new_state();
	snprintf(path, sizeof(path), "%s/nothing", tmpl);
	assert_int_equal(proc_scan(st, path, &s, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	state__free(st);

	snprintf(path, sizeof(path), "%s/etc/passwd", tmpl);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc/group", tmpl);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", tmpl);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", tmpl);
	rmdir(path);
	rmdir(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_prepared_root),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "test_proc_scan: needs root to read every process's fds; skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
