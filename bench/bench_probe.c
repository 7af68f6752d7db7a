/* What watching costs the watched: the time of one syscall no rule needs
 * (getppid) and of one interesting pair (open + close of /etc/hostname),
 * with nothing attached, with an empty tp_btf program on sys_exit only
 * (the floor every syscall-tracepoint design pays), with empty programs on
 * both sys_enter and sys_exit, and with saker running live with the three
 * official rules files (its consumer on another core, as in production),
 * through the probe (saker) or through the kernel module (saker_kmod: the
 * module of SAKER_BENCH_KMOD, else of this build, loaded by saker).
 * The added cost is the difference to the "none" figure of the same run.
 * Needs root (skipped otherwise). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bench/bench.h"
#include "bpf/floor.skel.h"

enum attached { NONE, FLOOR_EXIT, FLOOR_PAIR, SAKER, SAKER_KMOD };

struct watcher {
	struct floor_bpf *floor;
	pid_t saker;
};

static int quiet(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	(void)lvl;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Starts saker live (through the kernel module when kmod) and waits for
 * its "watching" line. */
static pid_t start_saker(bool kmod)
{
	static const char *const rules[] = BENCH_OFFICIAL_RULES;
	int err[2];
	pid_t pid;
	char buf[8192];
	size_t len = 0;
	time_t end = time(NULL) + 60;

	if (pipe(err))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(err[1], 2);
		close(err[0]);
		const char *ko = getenv("SAKER_BENCH_KMOD");
		char kopt[4096];

		snprintf(kopt, sizeof(kopt), "engine.kmod.module=%s",
			 ko ? ko : SAKER_BINARY_DIR "/kmod/saker.ko");
		execl(SAKER_BINARY_DIR "/saker", "saker", "-r", rules[0], "-r", rules[1], "-r", rules[2],
		      "-o", kmod ? "engine.kind=kmod" : "engine.kind=modern_ebpf", "-o", kopt,
		      (char *)NULL);
		_exit(127);
	}
	close(err[1]);
	while (pid > 0 && time(NULL) < end) {
		struct pollfd p = { .fd = err[0], .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 500) <= 0)
			continue;
		n = read(err[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = 0;
		if (strstr(buf, "watching this machine")) {
			close(err[0]);
			return pid;
		}
		if (len > sizeof(buf) / 2)
			len = 0;
	}
	close(err[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return -1;
}

static int attach(struct watcher *w, enum attached a)
{
	memset(w, 0, sizeof(*w));
	if (a == NONE)
		return 0;
	if (geteuid() != 0)
		return -EPERM;
	if (a == SAKER || a == SAKER_KMOD) {
		w->saker = start_saker(a == SAKER_KMOD);
		return w->saker > 0 ? 0 : -1;
	}
	libbpf_set_print(quiet);
	w->floor = floor_bpf__open();
	if (!w->floor)
		return -1;
	if (a == FLOOR_EXIT)
		bpf_program__set_autoload(w->floor->progs.floor_enter, false);
	if (floor_bpf__load(w->floor) || floor_bpf__attach(w->floor)) {
		floor_bpf__destroy(w->floor);
		return -1;
	}
	return 0;
}

static void detach(struct watcher *w)
{
	if (w->floor)
		floor_bpf__destroy(w->floor);
	if (w->saker > 0) {
		kill(w->saker, SIGINT);
		waitpid(w->saker, NULL, 0);
	}
}

/* What is attached now: kept from one timing run of a benchmark to the
 * next (google-benchmark calls a function several times while it sizes
 * the iterations), so saker starts once per benchmark, not once per call. */
static struct watcher cur;
static enum attached cur_a = NONE;

static void detach_cur(void)
{
	detach(&cur);
	memset(&cur, 0, sizeof(cur));
	cur_a = NONE;
}

static void run(struct bench_state *st, enum attached a, bool openclose)
{
	static bool registered;

	if (!registered)
		registered = !atexit(detach_cur);
	if (a != cur_a) {
		detach_cur();
		if (attach(&cur, a)) {
			bench_skip(st, "cannot attach (needs root and the probe, or the module)");
			return;
		}
		cur_a = a;
	}
	while (bench_keep_running(st)) {
		if (openclose)
			close(open("/etc/hostname", O_RDONLY));
		else
			syscall(SYS_getppid);
	}
	bench_set_items(st, bench_iterations(st));
}

#define PROBE_BENCH(name, a, oc)                                            \
	static void name(struct bench_state *st)                            \
	{                                                                   \
		run(st, a, oc);                                             \
	}                                                                   \
	BENCH(name)

PROBE_BENCH(probe_getppid_none, NONE, false);
PROBE_BENCH(probe_getppid_floor_exit, FLOOR_EXIT, false);
PROBE_BENCH(probe_getppid_floor_pair, FLOOR_PAIR, false);
PROBE_BENCH(probe_getppid_saker, SAKER, false);
PROBE_BENCH(probe_getppid_saker_kmod, SAKER_KMOD, false);
PROBE_BENCH(probe_openclose_none, NONE, true);
PROBE_BENCH(probe_openclose_floor_exit, FLOOR_EXIT, true);
PROBE_BENCH(probe_openclose_floor_pair, FLOOR_PAIR, true);
PROBE_BENCH(probe_openclose_saker, SAKER, true);
PROBE_BENCH(probe_openclose_saker_kmod, SAKER_KMOD, true);
