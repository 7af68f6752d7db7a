/* The live probe in the real kernel: the test loads it with every syscall
 * switched on, makes real syscalls of its own (files in a temporary
 * directory, a TCP connection on loopback, processes it forks and execs,
 * identity changes, ptrace, memfd, mounts), and checks the exit event each
 * one produced: its type, its thread, and every parameter as evt.arg.* renders
 * it, against values the test knows (paths it chose, fds and ports the
 * kernel returned, stat of the files). Needs root; skipped otherwise.
 *
 * The driver is an event source of runtime/evt_source.h: the probe, or
 * with SAKER_TEST_DRIVER=kmod the kernel module (SAKER_TEST_KMOD names a
 * saker.ko to load when none is). The kmod suite (tests/kmod) runs it with
 * both; SAKER_TEST_RECORD=FILE writes every event read after the first
 * scenario starts to a capture, and SAKER_TEST_DIR fixes the scratch
 * directory, so the two drivers' streams can be compared. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpf/shared/ppm_events.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_fmt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/strbuf.h"
#include "runtime/evt_source.h"
#include "runtime/scap.h"

static struct evt_source *g_src;
static char g_dir[64];

/* SAKER_TEST_RECORD: copies of every event read once the first scenario
 * started, written out at the end (writing them as they come would add
 * the writer's own syscalls to the stream). */
static bool g_recording;
static uint8_t **g_rec;
static uint32_t g_nrec, g_caprec;

/* Copies of the events read since the last drain. */
#define MAX_GOT 65536
static uint8_t *g_got[MAX_GOT];
static uint32_t g_ngot;

static void forget(void)
{
	for (uint32_t i = 0; i < g_ngot; i++)
		free(g_got[i]);
	g_ngot = 0;
}

/* Reads every record the rings hold now into g_got. */
static void collect(void)
{
	struct evt e;
	char err[256];

	while (evt_source__next(g_src, &e, err, sizeof(err)) == EVT_SOURCE_EVENT) {
		if (g_recording && getenv("SAKER_TEST_RECORD")) {
			if (g_nrec == g_caprec) {
				g_caprec = g_caprec ? 2 * g_caprec : 4096;
				g_rec = realloc(g_rec, g_caprec * sizeof(*g_rec));
				assert_non_null(g_rec);
			}
			g_rec[g_nrec] = malloc(e.len);
			assert_non_null(g_rec[g_nrec]);
			memcpy(g_rec[g_nrec++], e.raw, e.len);
		}
		if (g_ngot == MAX_GOT)
			continue;
		g_got[g_ngot] = malloc(e.len);
		assert_non_null(g_got[g_ngot]);
		memcpy(g_got[g_ngot++], e.raw, e.len);
	}
	g_src->ops->release(g_src);
}

static void drain(void)
{
	collect();
	forget();
	g_recording = true;
}

static void decode(struct evt *e, const uint8_t *rec)
{
	uint32_t len;

	memcpy(&len, rec + 16, 4);
	assert_int_equal(evt_decode(e, rec, len), 0);
}

static int param_index(const struct evt *e, const char *name)
{
	for (uint32_t i = 0; i < e->info->nparams; i++)
		if (!strcmp(e->info->params[i].name, name))
			return (int)i;
	fail_msg("event %s has no parameter %s", e->info->id, name);
	return -1;
}

/* Parameter name of e as evt.arg.<name> renders it (static buffer). */
static const char *arg(const struct evt *e, const char *name)
{
	static char out[8][4096];
	static int k;
	struct strbuf sb = STRBUF_INIT;
	char *o = out[k++ & 7];

	evt_fmt_param(&sb, e, (uint32_t)param_index(e, name), NULL);
	snprintf(o, 4096, "%s", sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	return o;
}

static int64_t arg_s64(const struct evt *e, const char *name)
{
	int64_t v = 0;

	assert_true(evt_param_s64(e, (uint32_t)param_index(e, name), &v));
	return v;
}

static uint64_t arg_u(const struct evt *e, const char *name)
{
	uint32_t i = (uint32_t)param_index(e, name), len = 0;
	const uint8_t *p = evt_param(e, i, &len);
	uint64_t v = 0;

	assert_non_null(p);
	assert_true(len == 1 || len == 2 || len == 4 || len == 8);
	memcpy(&v, p, len);
	return v;
}

/* The raw bytes of a parameter (blobs such as args and env). */
static const uint8_t *arg_raw(const struct evt *e, const char *name, uint32_t *len)
{
	const uint8_t *p = evt_param(e, (uint32_t)param_index(e, name), len);

	assert_non_null(p);
	return p;
}

/* The first event of type from tid whose parameter key renders as val (key
 * NULL: any), collected after the action. */
static bool find(struct evt *e, uint16_t type, int64_t tid, const char *key, const char *val)
{
	collect();
	for (uint32_t i = 0; i < g_ngot; i++) {
		decode(e, g_got[i]);
		if (e->type != type || (tid && e->tid != tid))
			continue;
		if (key && strcmp(arg(e, key), val))
			continue;
		return true;
	}
	return false;
}

static void must_find(struct evt *e, uint16_t type, int64_t tid, const char *key, const char *val)
{
	if (!find(e, type, tid, key, val) && getenv("SAKER_TEST_DUMP")) {
		for (uint32_t i = 0; i < g_ngot; i++) {
			struct strbuf sb = STRBUF_INIT;

			decode(e, g_got[i]);
			evt_fmt_line(&sb, i, e, "?", NULL);
			fprintf(stderr, "  %s\n", sb.buf);
			strbuf_release(&sb);
		}
	}
	if (!find(e, type, tid, key, val))
		fail_msg("no event %s of thread %lld with %s=%s among %u", evt_schema_get(type)->id,
			 (long long)tid, key ? key : "-", val ? val : "-", g_ngot);
}

static int64_t me(void)
{
	return syscall(SYS_gettid);
}

static void path_in_dir(char *out, size_t n, const char *leaf)
{
	snprintf(out, n, "%s/%s", g_dir, leaf);
}

static int setup(void **state)
{
	const char *kind = getenv("SAKER_TEST_DRIVER"), *dir = getenv("SAKER_TEST_DIR");
	struct evt_source_opts o = { .sz = sizeof(o), .ring_bytes = 16u << 20,
				     .path = getenv("SAKER_TEST_KMOD") };
	char err[512];
	bool *on;

	(void)state;
	if (geteuid() != 0)
		return 0;
	if (evt_source__open(kind ? kind : "modern_ebpf", &o, &g_src, err, sizeof(err)))
		fail_msg("%s", err);
	on = calloc(evt_schema_syscall_count(), sizeof(*on));
	for (size_t i = 0; i < evt_schema_syscall_count(); i++)
		on[i] = true;
	g_src->ops->set_syscalls(g_src, on);
	free(on);
	assert_int_equal(g_src->ops->start(g_src, err, sizeof(err)), 0);
	if (dir) {
		snprintf(g_dir, sizeof(g_dir), "%s", dir);
		assert_int_equal(mkdir(g_dir, 0700), 0);
	} else {
		snprintf(g_dir, sizeof(g_dir), "/tmp/saker-probe-XXXXXX");
		assert_non_null(mkdtemp(g_dir));
	}
	return 0;
}

/* Writes the recorded events to path. */
static void record(const char *path)
{
	struct scap_writer_opts wo = { .sz = sizeof(wo) };
	struct scap_writer *w;
	struct scap_machine mi;
	struct evt e;

	/* the tail of the last scenario, then no more: stopping the driver
	 * makes syscalls of the reader's own */
	collect();
	g_recording = false;
	g_src->ops->stop(g_src);
	g_src->ops->machine(g_src, &mi);
	assert_int_equal(scap_writer__open(path, &wo, &mi, NULL, &w), 0);
	for (uint32_t i = 0; i < g_nrec; i++) {
		decode(&e, g_rec[i]);
		assert_int_equal(scap_writer__write(w, &e), 0);
		free(g_rec[i]);
	}
	free(g_rec);
	assert_int_equal(scap_writer__close(w), 0);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	forget();
	if (g_src && getenv("SAKER_TEST_RECORD"))
		record(getenv("SAKER_TEST_RECORD"));
	evt_source__close(g_src);
	if (g_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
		assert_int_equal(system(cmd), 0);
	}
	return 0;
}

#define NEED_ROOT()								\
	do {									\
		if (!g_src)							\
			skip();							\
	} while (0)

static void openat_creates_file(void **state)
{
	char path[128], want[64];
	struct stat st;
	struct evt e;
	int fd;

	(void)state;
	NEED_ROOT();
	path_in_dir(path, sizeof(path), "created");
	drain();
	fd = openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0640);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	must_find(&e, PPME_SYSCALL_OPENAT_2_X, me(), "name", path);
	assert_int_equal(arg_s64(&e, "fd"), fd);
	assert_int_equal(arg_s64(&e, "dirfd"), -100);
	assert_string_equal(arg(&e, "flags"), "O_TRUNC|O_CREAT|O_WRONLY|O_CLOEXEC|O_F_CREATED");
	assert_string_equal(arg(&e, "mode"), "0640");
	assert_int_equal(arg_u(&e, "ino"), st.st_ino);
	assert_int_equal(arg_u(&e, "dev"), (uint32_t)st.st_dev);
	close(fd);

	/* the second open does not create it */
	drain();
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	must_find(&e, PPME_SYSCALL_OPENAT_2_X, me(), "name", path);
	assert_string_equal(arg(&e, "flags"), "O_RDONLY");
	close(fd);
	snprintf(want, sizeof(want), "%d", fd);
	must_find(&e, PPME_SYSCALL_CLOSE_X, me(), "fd", want);
	assert_int_equal(arg_s64(&e, "res"), 0);
}

static void openat2_and_failures(void **state)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY, .resolve = RESOLVE_NO_SYMLINKS };
	char path[128];
	struct evt e;
	int fd;

	(void)state;
	NEED_ROOT();
	drain();
	fd = (int)syscall(SYS_openat2, AT_FDCWD, g_dir, &how, sizeof(how));
	assert_true(fd >= 0);
	must_find(&e, PPME_SYSCALL_OPENAT2_X, me(), "name", g_dir);
	assert_int_equal(arg_s64(&e, "fd"), fd);
	assert_string_equal(arg(&e, "resolve"), "RESOLVE_NO_SYMLINKS");
	close(fd);

	path_in_dir(path, sizeof(path), "missing/file");
	drain();
	assert_int_equal(open(path, O_RDONLY), -1);
	must_find(&e, PPME_SYSCALL_OPENAT_2_X, me(), "name", path);
	assert_int_equal(arg_s64(&e, "fd"), -ENOENT);
	assert_int_equal(arg_u(&e, "ino"), 0);
}

static void path_changes(void **state)
{
	char a[128], b[128], d[128], l[128];
	struct evt e;

	(void)state;
	NEED_ROOT();
	path_in_dir(a, sizeof(a), "a");
	path_in_dir(b, sizeof(b), "b");
	path_in_dir(d, sizeof(d), "sub");
	path_in_dir(l, sizeof(l), "link");
	close(open(a, O_CREAT | O_WRONLY, 0600));
	drain();
	assert_int_equal(rename(a, b), 0);
	assert_int_equal(mkdir(d, 0750), 0);
	assert_int_equal(symlink("/etc/shadow", l), 0);
	assert_int_equal(chmod(b, 04755), 0);
	assert_int_equal(unlink(b), 0);
	assert_int_equal(rmdir(d), 0);
	assert_int_equal(unlinkat(AT_FDCWD, l, 0), 0);

	/* glibc's rename is renameat2 or rename, depending on version */
	if (find(&e, PPME_SYSCALL_RENAME_X, me(), "oldpath", a)) {
		assert_string_equal(arg(&e, "newpath"), b);
	} else {
		must_find(&e, PPME_SYSCALL_RENAMEAT2_X, me(), "oldpath", a);
		assert_string_equal(arg(&e, "newpath"), b);
		assert_int_equal(arg_s64(&e, "olddirfd"), -100);
	}
	assert_int_equal(arg_s64(&e, "res"), 0);
	if (!find(&e, PPME_SYSCALL_MKDIR_2_X, me(), "path", d))
		must_find(&e, PPME_SYSCALL_MKDIRAT_X, me(), "path", d);
	assert_int_equal(arg_u(&e, "mode"), 0750);
	if (!find(&e, PPME_SYSCALL_SYMLINK_X, me(), "linkpath", l))
		must_find(&e, PPME_SYSCALL_SYMLINKAT_X, me(), "linkpath", l);
	assert_string_equal(arg(&e, "target"), "/etc/shadow");
	if (!find(&e, PPME_SYSCALL_CHMOD_X, me(), "filename", b))
		must_find(&e, PPME_SYSCALL_FCHMODAT_X, me(), "filename", b);
	assert_string_equal(arg(&e, "mode"), "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
	if (!find(&e, PPME_SYSCALL_UNLINK_2_X, me(), "path", b))
		must_find(&e, PPME_SYSCALL_UNLINKAT_2_X, me(), "name", b);
	assert_int_equal(arg_s64(&e, "res"), 0);
	if (!find(&e, PPME_SYSCALL_RMDIR_2_X, me(), "path", d)) {
		must_find(&e, PPME_SYSCALL_UNLINKAT_2_X, me(), "name", d);
		assert_string_equal(arg(&e, "flags"), "AT_REMOVEDIR");
	}
	must_find(&e, PPME_SYSCALL_UNLINKAT_2_X, me(), "name", l);
	assert_int_equal(arg_s64(&e, "dirfd"), -100);
}

static void tcp_on_loopback(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in ca;
	socklen_t sl = sizeof(sa);
	char tuple[128], fdtxt[32], addr[64];
	int l, c, a;
	struct evt e;

	(void)state;
	NEED_ROOT();
	drain();
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &sl), 0);
	assert_int_equal(listen(l, 8), 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	sl = sizeof(ca);
	assert_int_equal(getsockname(c, (struct sockaddr *)&ca, &sl), 0);
	a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	assert_true(a >= 0);

	snprintf(fdtxt, sizeof(fdtxt), "%d", l);
	must_find(&e, PPME_SOCKET_SOCKET_X, me(), "fd", fdtxt);
	assert_string_equal(arg(&e, "domain"), "AF_INET");
	assert_int_equal(arg_u(&e, "type"), SOCK_STREAM);
	assert_string_equal(arg(&e, "flags"), "O_CLOEXEC");
	must_find(&e, PPME_SOCKET_BIND_X, me(), "fd", fdtxt);
	/* the address as the caller gave it: any port */
	assert_string_equal(arg(&e, "addr"), "127.0.0.1:0");
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", ntohs(sa.sin_port));
	must_find(&e, PPME_SOCKET_LISTEN_X, me(), "fd", fdtxt);
	assert_int_equal(arg_s64(&e, "backlog"), 8);

	snprintf(fdtxt, sizeof(fdtxt), "%d", c);
	must_find(&e, PPME_SOCKET_CONNECT_X, me(), "fd", fdtxt);
	assert_int_equal(arg_s64(&e, "res"), 0);
	snprintf(tuple, sizeof(tuple), "127.0.0.1:%u->127.0.0.1:%u", ntohs(ca.sin_port),
		 ntohs(sa.sin_port));
	assert_string_equal(arg(&e, "tuple"), tuple);
	assert_string_equal(arg(&e, "addr"), addr);

	snprintf(fdtxt, sizeof(fdtxt), "%d", a);
	must_find(&e, PPME_SOCKET_ACCEPT4_6_X, me(), "fd", fdtxt);
	/* inbound: the client first, as Falco writes accepted tuples */
	assert_string_equal(arg(&e, "tuple"), tuple);
	assert_int_equal(arg_u(&e, "flags"), 0x40);	/* file_flags O_NONBLOCK */
	assert_int_equal(arg_u(&e, "queuemax"), 8);
	close(a);
	close(c);
	close(l);
}

static void tcp6_on_loopback(void **state)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in6 ca;
	socklen_t sl = sizeof(sa);
	char tuple[160], fdtxt[32];
	int l, c, a;
	struct evt e;

	(void)state;
	NEED_ROOT();
	l = socket(AF_INET6, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa))) {
		if (l >= 0)
			close(l);
		skip();	/* no IPv6 on this machine */
	}
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &sl), 0);
	assert_int_equal(listen(l, 8), 0);
	drain();
	c = socket(AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	sl = sizeof(ca);
	assert_int_equal(getsockname(c, (struct sockaddr *)&ca, &sl), 0);
	a = accept(l, NULL, NULL);
	assert_true(a >= 0);
	snprintf(tuple, sizeof(tuple), "::1:%u->::1:%u", ntohs(ca.sin6_port), ntohs(sa.sin6_port));
	snprintf(fdtxt, sizeof(fdtxt), "%d", c);
	must_find(&e, PPME_SOCKET_CONNECT_X, me(), "fd", fdtxt);
	assert_string_equal(arg(&e, "tuple"), tuple);
	snprintf(fdtxt, sizeof(fdtxt), "%d", a);
	if (!find(&e, PPME_SOCKET_ACCEPT_5_X, me(), "fd", fdtxt))
		must_find(&e, PPME_SOCKET_ACCEPT4_6_X, me(), "fd", fdtxt);
	assert_string_equal(arg(&e, "tuple"), tuple);
	close(a);
	close(c);
	close(l);
}

static void fork_exec_exit(void **state)
{
	char pidtxt[32], exe_path[4096];
	const uint8_t *p;
	uint32_t len;
	struct evt e;
	pid_t child;
	int status;

	(void)state;
	NEED_ROOT();
	assert_non_null(realpath("/bin/true", exe_path));
	drain();
	child = fork();
	if (child == 0) {
		char *const argv[] = { "true", "saker-arg1", "saker arg2", NULL };
		char *const envp[] = { "SAKER_PROBE_TEST=1", "PATH=/bin", NULL };

		execve("/bin/true", argv, envp);
		_exit(127);
	}
	assert_true(child > 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* the parent's side, then the child's */
	snprintf(pidtxt, sizeof(pidtxt), "%d", child);
	if (!find(&e, PPME_SYSCALL_CLONE_20_X, me(), "res", pidtxt))
		must_find(&e, PPME_SYSCALL_CLONE3_X, me(), "res", pidtxt);
	assert_int_equal(arg_s64(&e, "tid"), me());
	if (!find(&e, PPME_SYSCALL_CLONE_20_X, child, "res", "0"))
		must_find(&e, PPME_SYSCALL_CLONE3_X, child, "res", "0");
	assert_int_equal(arg_s64(&e, "tid"), child);
	assert_int_equal(arg_s64(&e, "pid"), child);
	assert_int_equal(arg_s64(&e, "ptid"), me());

	must_find(&e, PPME_SYSCALL_EXECVE_19_X, child, "res", "0");
	assert_string_equal(arg(&e, "exe"), "true");
	p = arg_raw(&e, "args", &len);
	assert_int_equal(len, sizeof("saker-arg1") + sizeof("saker arg2"));
	assert_memory_equal(p, "saker-arg1\0saker arg2", len);
	p = arg_raw(&e, "env", &len);
	assert_int_equal(len, sizeof("SAKER_PROBE_TEST=1") + sizeof("PATH=/bin"));
	assert_memory_equal(p, "SAKER_PROBE_TEST=1\0PATH=/bin", len);
	assert_string_equal(arg(&e, "filename"), "/bin/true");
	assert_string_equal(arg(&e, "trusted_exepath"), exe_path);
	assert_string_equal(arg(&e, "comm"), "true");
	assert_int_equal(arg_s64(&e, "pid"), child);
	assert_int_equal(arg_s64(&e, "ptid"), me());
	assert_int_equal(arg_u(&e, "uid"), 0);
	{
		struct stat st;

		assert_int_equal(stat(exe_path, &st), 0);
		assert_int_equal(arg_u(&e, "exe_ino"), st.st_ino);
		assert_int_equal(arg_u(&e, "exe_ino_mtime"),
				 (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec);
	}
	/* root may write any exe on a writable file system */
	assert_true(arg_u(&e, "flags") & 1);

	must_find(&e, PPME_PROCEXIT_1_E, child, NULL, NULL);
	assert_int_equal(arg_s64(&e, "ret"), 0);
}

static void failed_exec(void **state)
{
	char path[128];
	char *const argv[] = { "nothing", "first", "second arg", NULL };
	const uint8_t *p;
	uint32_t len;
	struct evt e;

	(void)state;
	NEED_ROOT();
	path_in_dir(path, sizeof(path), "no-such-binary");
	drain();
	assert_int_equal(execve(path, argv, argv), -1);
	must_find(&e, PPME_SYSCALL_EXECVE_19_X, me(), "filename", path);
	assert_int_equal(arg_s64(&e, "res"), -ENOENT);
	assert_string_equal(arg(&e, "exe"), "nothing");
	/* the arguments the call was given */
	p = arg_raw(&e, "args", &len);
	assert_int_equal(len, sizeof("first") + sizeof("second arg"));
	assert_memory_equal(p, "first\0second arg", len);
}

static void identity_and_process(void **state)
{
	char fdtxt[32];
	struct evt e;
	pid_t child;
	int fd, status;

	(void)state;
	NEED_ROOT();
	drain();
	assert_int_equal(setuid(0), 0);
	assert_int_equal(setresgid((gid_t)-1, 0, (gid_t)-1), 0);
	assert_int_equal(prctl(PR_SET_NAME, "saker-probe-t"), 0);
	must_find(&e, PPME_SYSCALL_SETUID_X, me(), "res", "0");
	assert_int_equal(arg_u(&e, "uid"), 0);
	must_find(&e, PPME_SYSCALL_SETRESGID_X, me(), "res", "0");
	assert_int_equal(arg_u(&e, "egid"), 0);
	assert_int_equal(arg_u(&e, "rgid"), (uint32_t)-1);
	must_find(&e, PPME_SYSCALL_PRCTL_X, me(), "arg2_str", "saker-probe-t");
	assert_string_equal(arg(&e, "option"), "PR_SET_NAME");

	drain();
	fd = memfd_create("saker-memfd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	assert_true(fd >= 0);
	snprintf(fdtxt, sizeof(fdtxt), "%d", fd);
	must_find(&e, PPME_SYSCALL_MEMFD_CREATE_X, me(), "fd", fdtxt);
	assert_string_equal(arg(&e, "name"), "saker-memfd");
	assert_string_equal(arg(&e, "flags"), "MFD_CLOEXEC|MFD_ALLOW_SEALING");
	close(fd);

	/* ptrace: attach to a child and let it go */
	child = fork();
	if (child == 0) {
		/* spins without a syscall: whenever the tracer attaches, the
		 * child's events are the same (a pause would or would not be
		 * interrupted by the attach, by timing) */
		for (volatile unsigned spin = 0;; spin++)
			;
	}
	drain();
	assert_int_equal(ptrace(PTRACE_ATTACH, child, NULL, NULL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(ptrace(PTRACE_DETACH, child, NULL, (void *)(long)SIGCONT), 0);
	must_find(&e, PPME_SYSCALL_PTRACE_X, me(), "request", "PTRACE_ATTACH");
	assert_int_equal(arg_s64(&e, "pid"), child);
	assert_int_equal(arg_s64(&e, "res"), 0);
	must_find(&e, PPME_SYSCALL_PTRACE_X, me(), "request", "PTRACE_DETACH");
	assert_string_equal(arg(&e, "data"), "SIGCONT");
	drain();
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	must_find(&e, PPME_SYSCALL_KILL_X, me(), "sig", "SIGKILL");
	assert_int_equal(arg_s64(&e, "pid"), child);
	must_find(&e, PPME_PROCEXIT_1_E, child, NULL, NULL);
	assert_int_equal(arg_u(&e, "sig"), SIGKILL);
}

static void mount_and_pipes(void **state)
{
	char mnt[128], fdtxt[32];
	int fds[2], d;
	struct evt e;

	(void)state;
	NEED_ROOT();
	path_in_dir(mnt, sizeof(mnt), "mnt");
	assert_int_equal(mkdir(mnt, 0700), 0);
	drain();
	assert_int_equal(mount("saker-tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m"), 0);
	assert_int_equal(umount2(mnt, MNT_DETACH), 0);
	must_find(&e, PPME_SYSCALL_MOUNT_X, me(), "dir", mnt);
	assert_string_equal(arg(&e, "dev"), "saker-tmpfs");
	assert_string_equal(arg(&e, "type"), "tmpfs");
	assert_string_equal(arg(&e, "flags"), "NOSUID|NODEV");
	must_find(&e, PPME_SYSCALL_UMOUNT2_X, me(), "name", mnt);
	assert_string_equal(arg(&e, "flags"), "DETACH");

	drain();
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	d = dup3(fds[0], 100, O_CLOEXEC);
	assert_int_equal(d, 100);
	snprintf(fdtxt, sizeof(fdtxt), "%d", fds[0]);
	must_find(&e, PPME_SYSCALL_PIPE2_X, me(), "fd1", fdtxt);
	snprintf(fdtxt, sizeof(fdtxt), "%d", fds[1]);
	assert_string_equal(arg(&e, "fd2"), fdtxt);
	assert_string_equal(arg(&e, "flags"), "O_CLOEXEC");
	assert_true(arg_u(&e, "ino") != 0);
	must_find(&e, PPME_SYSCALL_DUP3_X, me(), "res", "100");
	close(d);
	close(fds[0]);
	close(fds[1]);
}

/* The heavy I/O family (watched with -A): data, sizes and positions. */
static void io_family(void **state)
{
	char path[128], fdtxt[32], buf[16] = { 0 };
	struct iovec iov[2] = { { "saker-", 6 }, { "iov", 3 } };
	struct iovec rin[2] = { { buf, 4 }, { buf + 8, 4 } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	int fd, sp[2];
	struct evt e;

	(void)state;
	NEED_ROOT();
	path_in_dir(path, sizeof(path), "io");
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	assert_true(fd >= 0);
	snprintf(fdtxt, sizeof(fdtxt), "%d", fd);
	drain();
	assert_int_equal(pwrite(fd, "hello-saker", 11, 5), 11);
	assert_int_equal(pread(fd, buf, 4, 10), 4);
	assert_int_equal(writev(fd, iov, 2), 9);
	assert_int_equal(preadv(fd, rin, 2, 5), 8);
	must_find(&e, PPME_SYSCALL_PWRITE_X, me(), "fd", fdtxt);
	assert_string_equal(arg(&e, "data"), "hello-saker");
	assert_int_equal(arg_u(&e, "size"), 11);
	assert_int_equal(arg_u(&e, "pos"), 5);
	must_find(&e, PPME_SYSCALL_PREAD_X, me(), "fd", fdtxt);
	assert_int_equal(arg_s64(&e, "res"), 4);
	assert_string_equal(arg(&e, "data"), "-sak");	/* "hello-saker" from offset 5 */
	must_find(&e, PPME_SYSCALL_WRITEV_X, me(), "fd", fdtxt);
	assert_string_equal(arg(&e, "data"), "saker-iov");
	assert_int_equal(arg_u(&e, "size"), 9);
	must_find(&e, PPME_SYSCALL_PREADV_X, me(), "fd", fdtxt);
	assert_int_equal(arg_u(&e, "size"), 8);
	{
		char want[9];

		memcpy(want, buf, 4);	/* what preadv put in its two buffers */
		memcpy(want + 4, buf + 8, 4);
		want[8] = 0;
		assert_string_equal(arg(&e, "data"), want);
		assert_string_equal(want, "-iovo-sa");
	}
	close(fd);

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp), 0);
	drain();
	assert_int_equal(sendmsg(sp[0], &mh, 0), 9);
	memset(buf, 0, sizeof(buf));
	rin[0].iov_len = 9;
	mh.msg_iov = rin;
	mh.msg_iovlen = 1;
	assert_int_equal(recvmsg(sp[1], &mh, 0), 9);
	snprintf(fdtxt, sizeof(fdtxt), "%d", sp[0]);
	must_find(&e, PPME_SOCKET_SENDMSG_X, me(), "fd", fdtxt);
	assert_string_equal(arg(&e, "data"), "saker-iov");
	assert_int_equal(arg_u(&e, "size"), 9);
	snprintf(fdtxt, sizeof(fdtxt), "%d", sp[1]);
	must_find(&e, PPME_SOCKET_RECVMSG_X, me(), "fd", fdtxt);
	assert_string_equal(arg(&e, "data"), "saker-iov");
	close(sp[0]);
	close(sp[1]);
}

static void memory_and_limits(void **state)
{
	struct rlimit rl = { 1000, 2000 }, old;
	char path[128];
	struct evt e;
	void *p;

	(void)state;
	NEED_ROOT();
	drain();
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p, 4096, PROT_READ), 0);
	assert_int_equal(munmap(p, 8192), 0);
	must_find(&e, PPME_SYSCALL_MMAP_X, me(), "length", "8192");
	assert_int_equal(arg_u(&e, "res"), (uint64_t)(uintptr_t)p);
	assert_string_equal(arg(&e, "prot"), "PROT_READ|PROT_WRITE");
	assert_string_equal(arg(&e, "flags"), "MAP_PRIVATE|MAP_ANONYMOUS");
	assert_true(arg_u(&e, "vm_size") > 0);
	must_find(&e, PPME_SYSCALL_MPROTECT_X, me(), "length", "4096");
	assert_string_equal(arg(&e, "prot"), "PROT_READ");
	must_find(&e, PPME_SYSCALL_MUNMAP_X, me(), "length", "8192");

	drain();
	assert_int_equal(prlimit(0, RLIMIT_NOFILE, NULL, &old), 0);
	assert_int_equal(prlimit(0, RLIMIT_CORE, &rl, NULL), 0);
	must_find(&e, PPME_SYSCALL_PRLIMIT_X, me(), "resource", "RLIMIT_CORE");
	assert_int_equal(arg_s64(&e, "newcur"), 1000);
	assert_int_equal(arg_s64(&e, "newmax"), 2000);
	must_find(&e, PPME_SYSCALL_PRLIMIT_X, me(), "resource", "RLIMIT_NOFILE");
	assert_int_equal(arg_s64(&e, "oldcur"), (int64_t)old.rlim_cur);

	path_in_dir(path, sizeof(path), "owned");
	close(open(path, O_CREAT | O_WRONLY, 0600));
	drain();
	assert_int_equal(chown(path, 1234, 5678), 0);
	assert_int_equal(access(path, R_OK | W_OK), 0);
	if (!find(&e, PPME_SYSCALL_CHOWN_X, me(), "path", path))
		must_find(&e, PPME_SYSCALL_FCHOWNAT_X, me(), "pathname", path);
	assert_int_equal(arg_u(&e, "uid"), 1234);
	assert_int_equal(arg_u(&e, "gid"), 5678);
	if (!find(&e, PPME_SYSCALL_ACCESS_X, me(), "name", path))
		return;	/* glibc may use faccessat, which has no event of its own */
	assert_string_equal(arg(&e, "mode"), "R_OK|W_OK");
}

/* A syscall switched off produces nothing; switched back on, it does. */
static void adaptive_set(void **state)
{
	bool *on = calloc(evt_schema_syscall_count(), sizeof(*on));
	int unl = evt_schema_syscall_by_name("unlinkat");
	char path[128];
	struct evt e;

	(void)state;
	NEED_ROOT();
	for (size_t i = 0; i < evt_schema_syscall_count(); i++)
		on[i] = (int)i != unl;
	g_src->ops->set_syscalls(g_src, on);
	path_in_dir(path, sizeof(path), "adaptive");
	close(open(path, O_CREAT | O_WRONLY, 0600));
	drain();
	assert_int_equal(unlinkat(AT_FDCWD, path, 0), 0);
	assert_false(find(&e, PPME_SYSCALL_UNLINKAT_2_X, me(), "name", path));
	on[unl] = true;
	g_src->ops->set_syscalls(g_src, on);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	drain();
	assert_int_equal(unlinkat(AT_FDCWD, path, 0), 0);
	must_find(&e, PPME_SYSCALL_UNLINKAT_2_X, me(), "name", path);
	free(on);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openat_creates_file),
		cmocka_unit_test(openat2_and_failures),
		cmocka_unit_test(path_changes),
		cmocka_unit_test(tcp_on_loopback),
		cmocka_unit_test(tcp6_on_loopback),
		cmocka_unit_test(fork_exec_exit),
		cmocka_unit_test(failed_exec),
		cmocka_unit_test(identity_and_process),
		cmocka_unit_test(mount_and_pipes),
		cmocka_unit_test(io_family),
		cmocka_unit_test(memory_and_limits),
		cmocka_unit_test(adaptive_set),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
