/* build/saker watching this machine: the test starts it with a small rules
 * file whose rules are scoped to the test's own process, waits for its
 * "watching" line (and systemd's READY=1 on a notify socket of its own),
 * performs the actions for real (an open in a temporary directory, a TCP
 * connect on loopback, an execve with known arguments, unlink, rename,
 * setuid, ptrace, memfd_create), stops it with SIGINT, and checks each
 * rule's alert with the fields the test knows, the statistics (every event
 * the probe saw is processed or counted as dropped), and that the capture
 * saker wrote with -w replays to the same alerts. Needs root. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/common/run_cmd.h"

#define SAKER SAKER_BINARY_DIR "/saker"

static char g_dir[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Appends whatever fd has to *buf (grown), waiting up to ms; false at EOF. */
static bool read_some(int fd, char **buf, size_t *len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char tmp[65536];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return true;
	n = read(fd, tmp, sizeof(tmp));
	if (n <= 0)
		return false;
	*buf = realloc(*buf, *len + (size_t)n + 1);
	assert_non_null(*buf);
	memcpy(*buf + *len, tmp, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = 0;
	return true;
}

/* Fields every rule also prints, so that the replay of the capture, which
 * must print the same lines, checks that a live event and its replay give
 * the same value for each of them. (Not proc.pid.ts: a capture's process
 * list has no start time for the processes the /proc scan found, in
 * Falco's format as in saker's.) */
#define MORE " | %%proc.exepath %%proc.cmdline %%proc.pcmdline %%proc.aname[2] %%user.name " \
	"%%user.loginuid %%group.name %%proc.tty %%proc.sid %%proc.vpgid %%proc.cwd %%proc.ppid " \
	"%%proc.fdlimit %%proc.nthreads %%proc.exe_ino %%proc.is_exe_writable " \
	"%%thread.cap_effective %%container.id %%fd.num %%fd.type %%fd.typechar %%fd.directory " \
	"%%fd.filename %%fd.ino %%fd.dev %%fd.l4proto %%fd.lip %%fd.rip %%fd.lport %%fd.rport " \
	"%%fd.is_server %%fd.connected %%fd.name_changed %%evt.category %%evt.res %%evt.rawres " \
	"%%evt.failed %%evt.args\n"

static void rules_for(const char *path, pid_t pid, int port)
{
	char text[16384];

	snprintf(text, sizeof(text),
		 "- rule: t_open\n"
		 "  desc: open in the test directory\n"
		 "  condition: evt.type in (open, openat, openat2) and fd.name startswith %s/ and not fd.name endswith .yaml and proc.pid=%d\n"
		 "  output: opened %%fd.name flags=%%evt.arg.flags by %%proc.name pid=%%proc.pid" MORE
		 "  priority: WARNING\n"
		 "- rule: t_connect\n"
		 "  desc: connect to the test's listener\n"
		 "  condition: evt.type=connect and fd.sport=%d and proc.pid=%d\n"
		 "  output: connected %%fd.name sip=%%fd.sip sport=%%fd.sport" MORE
		 "  priority: NOTICE\n"
		 "- rule: t_exec\n"
		 "  desc: the test's child execs\n"
		 "  condition: evt.type=execve and evt.dir=< and proc.ppid=%d\n"
		 "  output: exec %%proc.exepath args=[%%proc.args] parent=%%proc.pname cwd=%%proc.cwd" MORE
		 "  priority: ERROR\n"
		 "- rule: t_unlink\n"
		 "  desc: unlink in the test directory\n"
		 "  condition: evt.type in (unlink, unlinkat) and fs.path.name startswith %s/ and proc.pid=%d\n"
		 "  output: unlinked %%fs.path.name" MORE
		 "  priority: WARNING\n"
		 "- rule: t_rename\n"
		 "  desc: rename in the test directory\n"
		 "  condition: evt.type in (rename, renameat, renameat2) and fs.path.source startswith %s/ and proc.pid=%d\n"
		 "  output: renamed %%fs.path.source to %%fs.path.target" MORE
		 "  priority: WARNING\n"
		 "- rule: t_setuid\n"
		 "  desc: setuid by the test\n"
		 "  condition: evt.type=setuid and proc.pid=%d\n"
		 "  output: setuid uid=%%evt.arg.uid res=%%evt.res" MORE
		 "  priority: WARNING\n"
		 "- rule: t_ptrace\n"
		 "  desc: ptrace attach by the test\n"
		 "  condition: evt.type=ptrace and evt.arg.request=PTRACE_ATTACH and proc.pid=%d\n"
		 "  output: ptrace %%evt.arg.request" MORE
		 "  priority: CRITICAL\n"
		 "- rule: t_memfd\n"
		 "  desc: memfd by the test\n"
		 "  condition: evt.type=memfd_create and proc.pid=%d\n"
		 "  output: memfd %%evt.arg.name fd=%%evt.rawres" MORE
		 "  priority: WARNING\n",
		 g_dir, pid, port, pid, pid, g_dir, pid, g_dir, pid, pid, pid, pid);
	write_file(path, text);
}

struct saker_run {
	pid_t pid;
	int out, err;
	char *obuf, *ebuf;
	size_t olen, elen;
};

/* The saker a test started, killed by the teardown if the test failed
 * before stopping it. */
static pid_t g_running;

static int kill_leftover(void **state)
{
	(void)state;
	if (g_running > 0) {
		kill(g_running, SIGKILL);
		waitpid(g_running, NULL, 0);
		g_running = 0;
	}
	return 0;
}

static void start(struct saker_run *r, const char *rules, const char *scap, const char *notify)
{
	int o[2], e[2];

	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe(o), 0);
	assert_int_equal(pipe(e), 0);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (r->pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		setenv("NOTIFY_SOCKET", notify, 1);
		execl(SAKER, SAKER, "-r", rules, "-U", "-w", scap, (char *)NULL);
		_exit(127);
	}
	g_running = r->pid;
	close(o[1]);
	close(e[1]);
	r->out = o[0];
	r->err = e[0];
}

/* Waits until saker's stderr has said needle (at most 60 s). */
static void wait_err(struct saker_run *r, const char *needle)
{
	time_t end = time(NULL) + 60;

	while (!r->ebuf || !strstr(r->ebuf, needle)) {
		if (time(NULL) > end)
			fail_msg("saker did not say \"%s\": %s", needle, r->ebuf ? r->ebuf : "");
		if (!read_some(r->err, &r->ebuf, &r->elen, 200))
			fail_msg("saker ended: %s", r->ebuf ? r->ebuf : "(nothing)");
	}
}

static int stop(struct saker_run *r)
{
	int status;

	assert_int_equal(kill(r->pid, SIGINT), 0);
	while (read_some(r->out, &r->obuf, &r->olen, 1000) | read_some(r->err, &r->ebuf, &r->elen, 10))
		;
	assert_int_equal(waitpid(r->pid, &status, 0), r->pid);
	g_running = 0;
	close(r->out);
	close(r->err);
	return status;
}

/* The one line of out containing needle (fails when none). */
/* The replay printed what the live run printed, line for line; the first
 * line that differs is shown with the word where they part. */
static void expect_same_lines(const char *replay, const char *live)
{
	const char *a = replay, *b = live;

	while (*a && *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n"), i = 0;

		if (la != lb || memcmp(a, b, la)) {
			while (i < la && i < lb && a[i] == b[i])
				i++;
			while (i && a[i - 1] != ' ')
				i--;
			fail_msg("replay and live differ at: replay '%.80s' live '%.80s'", a + i, b + i);
		}
		a += la + (a[la] != 0);
		b += lb + (b[lb] != 0);
	}
	if (*a || *b)
		fail_msg("replay and live printed different numbers of alerts");
}

static void expect_line(const char *out, const char *needle)
{
	if (!strstr(out, needle))
		fail_msg("no alert with \"%s\" in:\n%s", needle, out);
}

static void live_alerts(void **state)
{
	char rules[128], scap[128], sock[128], file[128], file2[128], cmd[1024], want[4608];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un ua = { .sun_family = AF_UNIX };
	unsigned long long seen, processed, dropped, alerts, skipped;
	socklen_t sl = sizeof(sa);
	struct saker_run r;
	char notify[64] = "";
	int l, c, ns, fd, status;
	pid_t child;
	char *replay, *s;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(g_dir, sizeof(g_dir), "/tmp/saker-live-XXXXXX");
	assert_non_null(mkdtemp(g_dir));
	snprintf(rules, sizeof(rules), "%s/rules.yaml", g_dir);
	snprintf(scap, sizeof(scap), "%s/live.scap", g_dir);
	snprintf(sock, sizeof(sock), "%s/notify", g_dir);
	snprintf(file, sizeof(file), "%s/secret.txt", g_dir);
	snprintf(file2, sizeof(file2), "%s/renamed.txt", g_dir);

	l = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &sl), 0);
	assert_int_equal(listen(l, 4), 0);
	ns = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(strlen(sock) < sizeof(ua.sun_path));
	memcpy(ua.sun_path, sock, strlen(sock) + 1);
	assert_int_equal(bind(ns, (struct sockaddr *)&ua, sizeof(ua)), 0);
	rules_for(rules, getpid(), ntohs(sa.sin_port));

	start(&r, rules, scap, sock);
	wait_err(&r, "watching this machine");
	{
		struct pollfd p = { .fd = ns, .events = POLLIN };

		assert_int_equal(poll(&p, 1, 5000), 1);
	}
	assert_int_equal(recv(ns, notify, sizeof(notify) - 1, MSG_DONTWAIT) > 0, 1);
	assert_non_null(strstr(notify, "READY=1"));

	/* the actions */
	fd = open(file, O_CREAT | O_RDWR, 0600);
	assert_true(fd >= 0);
	close(fd);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(c);
	child = fork();
	if (child == 0) {
		execl("/bin/echo", "echo", "saker-live-arg", "second", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(rename(file, file2), 0);
	assert_int_equal(unlink(file2), 0);
	assert_int_equal(setuid(0), 0);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(ptrace(PTRACE_ATTACH, child, NULL, NULL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	kill(child, SIGKILL);
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	waitpid(child, &status, 0);
	fd = memfd_create("saker-live-memfd", 0);
	assert_true(fd >= 0);

	/* SIGHUP reloads the rules: a broken file leaves the running ones,
	 * a good one switches the probe to its syscalls (flock was off) */
	{
		char text[65536];
		FILE *f = fopen(rules, "r");
		size_t n = fread(text, 1, sizeof(text) - 1, f);
		int lfd;

		fclose(f);
		text[n] = 0;
		write_file(rules, "- rule: broken\n  condition: evt.type=\n");
		assert_int_equal(kill(r.pid, SIGHUP), 0);
		wait_err(&r, "rules reload failed");
		snprintf(text + n, sizeof(text) - n,
			 "- rule: t_flock\n"
			 "  desc: flock by the test\n"
			 "  condition: evt.type=flock and proc.pid=%d\n"
			 "  output: flock %%evt.arg.operation on %%fd.name" MORE
			 "  priority: WARNING\n", getpid());
		write_file(rules, text);
		assert_int_equal(kill(r.pid, SIGHUP), 0);
		wait_err(&r, "rules reloaded: 9 rules");
		lfd = open(rules, O_RDONLY);
		assert_int_equal(flock(lfd, LOCK_EX), 0);
		close(lfd);
	}

	status = stop(&r);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(r.obuf);

	snprintf(want, sizeof(want), "Warning opened %s flags=O_CREAT|O_RDWR|O_F_CREATED by test_live_alert pid=%d",
		 file, getpid());
	expect_line(r.obuf, want);
	snprintf(want, sizeof(want), "Notice connected 127.0.0.1:");
	expect_line(r.obuf, want);
	snprintf(want, sizeof(want), "->127.0.0.1:%u sip=127.0.0.1 sport=%u", ntohs(sa.sin_port),
		 ntohs(sa.sin_port));
	expect_line(r.obuf, want);
	{
		char cwd[4096];

		assert_non_null(getcwd(cwd, sizeof(cwd)));
		snprintf(want, sizeof(want),
			 "Error exec /usr/bin/echo args=[saker-live-arg second] parent=test_live_alert cwd=%s/",
			 strcmp(cwd, "/") ? cwd : "");
		expect_line(r.obuf, want);
	}
	snprintf(want, sizeof(want), "Warning renamed %s to %s", file, file2);
	expect_line(r.obuf, want);
	snprintf(want, sizeof(want), "Warning unlinked %s", file2);
	expect_line(r.obuf, want);
	expect_line(r.obuf, "Warning setuid uid=root res=SUCCESS");
	expect_line(r.obuf, "Critical ptrace PTRACE_ATTACH");
	snprintf(want, sizeof(want), "Warning memfd saker-live-memfd fd=%d", fd);
	expect_line(r.obuf, want);
	snprintf(want, sizeof(want), "Warning flock LOCK_EX on %s", rules);
	expect_line(r.obuf, want);
	close(fd);

	/* no event is lost silently */
	s = strstr(r.ebuf, "events: seen ");
	assert_non_null(s);
	assert_int_equal(sscanf(s, "events: seen %llu, processed %llu, dropped %llu, alerts %llu",
				&seen, &processed, &dropped, &alerts), 4);
	s = strstr(r.ebuf, "skipped (unknown event type): ");
	assert_non_null(s);
	assert_int_equal(sscanf(s, "skipped (unknown event type): %llu", &skipped), 1);
	assert_true(seen > 0);
	assert_int_equal(seen, processed + skipped + dropped);
	if (alerts != 9)
		fail_msg("%llu alerts:\n%s", alerts, r.obuf);
	assert_non_null(strstr(r.ebuf, "drops per CPU"));
	assert_non_null(strstr(r.ebuf, "events by type:"));
	assert_non_null(strstr(r.ebuf, "alerts by rule:"));

	/* the broken reload raised Falco's internal alert, naming the file */
	s = strstr(r.obuf, ": Critical Falco internal: hot restart failure: ");
	assert_non_null(s);
	assert_non_null(strstr(s, rules));

	/* the capture it wrote replays to the same alerts (the internal one
	 * aside) */
	{
		char *nl = strchr(s, '\n'), *bol = s;

		while (bol > r.obuf && bol[-1] != '\n')
			bol--;
		assert_non_null(nl);
		memmove(bol, nl + 1, strlen(nl + 1) + 1);
	}
	snprintf(cmd, sizeof(cmd), "%s -r %s -e %s 2>/dev/null", SAKER, rules, scap);
	replay = run_cmd(cmd, NULL, &status);
	assert_non_null(replay);
	assert_int_equal(status, 0);
	expect_same_lines(replay, r.obuf);
	free(replay);

	close(l);
	close(ns);
	free(r.obuf);
	free(r.ebuf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
	assert_int_equal(system(cmd), 0);
}

/* Without root the live mode says so and fails cleanly. The binary is
 * copied where an unprivileged user can run it. */
static void live_needs_root(void **state)
{
	char dir[] = "/tmp/saker-noroot-XXXXXX", cmd[1024];
	char *out;
	int status;

	(void)state;
	if (geteuid() != 0 || (access("/usr/sbin/runuser", X_OK) && access("/sbin/runuser", X_OK)))
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "chmod 755 %s && cp %s %s/saker && cd / && "
		 "runuser -u nobody -- %s/saker -r /dev/null 2>&1 >/dev/null; echo \"exit $?\"",
		 dir, SAKER, dir, dir);
	out = run_cmd(cmd, NULL, &status);
	assert_non_null(out);
	assert_non_null(strstr(out, "the live probe needs root"));
	assert_non_null(strstr(out, "exit 1"));
	free(out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(live_alerts, kill_leftover),
		cmocka_unit_test(live_needs_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
