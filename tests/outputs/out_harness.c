/* out_harness: processes, files and statistics for the output tests. */
#define _GNU_SOURCE
#include "tests/outputs/out_harness.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define OH_MAX_HELPERS 16

/* Helper processes running, stopped by oh_stop_helpers when a test fails
 * before it stops them. */
static pid_t oh_helpers[OH_MAX_HELPERS];
static unsigned oh_nhelpers;

void oh_tmpdir(char *out, size_t n, const char *tag)
{
	snprintf(out, n, "/tmp/saker-%s-XXXXXX", tag);
	assert_non_null(mkdtemp(out));
	chmod(out, 0755);
}

void oh_rmdir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fail_msg("cannot remove %s", dir);
}

void oh_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

char *oh_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, n;
	char tmp[65536];

	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		assert_non_null(buf);
		memcpy(buf + len, tmp, n);
		len += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	assert_non_null(buf);
	buf[len] = '\0';
	return buf;
}

int oh_count(const char *text, const char *needle)
{
	int n = 0;

	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t l = nl ? (size_t)(nl - text) : strlen(text);
		const char *hit = memmem(text, l, needle, strlen(needle));

		n += hit != NULL;
		text += l + (nl != NULL);
	}
	return n;
}

int oh_alert_lines(const char *text)
{
	static const char shape[] = "dd:dd:dd.ddddddddd: ";
	int n = 0;

	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t l = nl ? (size_t)(nl - text) : strlen(text), i;

		for (i = 0; i < sizeof(shape) - 1 && i < l; i++)
			if (shape[i] == 'd' ? !isdigit((unsigned char)text[i]) : text[i] != shape[i])
				break;
		n += i == sizeof(shape) - 1;
		text += l + (nl != NULL);
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* args = build/saker, then argv (NULL-terminated). */
static void saker_args(const char *const *argv, const char **args, size_t max)
{
	size_t n = 0;

	args[n++] = OH_SAKER;
	while (argv[n - 1] && n < max - 1) {
		args[n] = argv[n - 1];
		n++;
	}
	args[n] = NULL;
}

size_t oh_opts(const char **argv, size_t k, size_t max, const char *const *opts)
{
	for (size_t i = 0; opts && opts[i] && k + 2 < max; i++) {
		argv[k++] = "-o";
		argv[k++] = opts[i];
	}
	argv[k] = NULL;
	return k;
}

void oh_saker(const char *const *argv, const char *const *env, struct oh_run *r)
{
	char outp[] = "/tmp/saker-oh-out-XXXXXX", errp[] = "/tmp/saker-oh-err-XXXXXX";
	int of = mkstemp(outp), ef = mkstemp(errp), status;
	const char *args[64];
	double t0 = now_s();
	pid_t pid;

	assert_true(of >= 0 && ef >= 0);
	saker_args(argv, args, 64);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(of, 1);
		dup2(ef, 2);
		for (size_t i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		execv(OH_SAKER, (char *const *)args);
		_exit(127);
	}
	close(of);
	close(ef);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->secs = now_s() - t0;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r->out = oh_read(outp);
	r->err = oh_read(errp);
	unlink(outp);
	unlink(errp);
	assert_non_null(r->out);
	assert_non_null(r->err);
}

pid_t oh_saker_bg(const char *const *argv, const char *out, const char *err)
{
	const char *args[64];
	pid_t pid;

	saker_args(argv, args, 64);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int of = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int ef = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (of < 0 || ef < 0)
			_exit(126);
		dup2(of, 1);
		dup2(ef, 2);
		execv(OH_SAKER, (char *const *)args);
		_exit(127);
	}
	oh_helpers[oh_nhelpers++ % OH_MAX_HELPERS] = pid;
	return pid;
}

bool oh_wait_text(const char *path, const char *needle, int n, int secs, pid_t pid)
{
	double end = now_s() + secs;

	while (now_s() < end) {
		char *t = oh_read(path);
		int have = 0;

		for (const char *p = t; p && (p = strstr(p, needle)) != NULL; p++)
			have++;
		free(t);
		if (have >= n)
			return true;
		if (pid > 0 && waitpid(pid, NULL, WNOHANG) == pid)
			return false;
		usleep(20000);
	}
	return false;
}

int oh_end(pid_t pid, int sig)
{
	int status;

	kill(pid, sig);
	for (int i = 0; i < 6000; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			for (unsigned k = 0; k < OH_MAX_HELPERS; k++)
				if (oh_helpers[k] == pid)
					oh_helpers[k] = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		usleep(10000);
	}
	oh_stop(pid);
	fail_msg("process %d did not end within 60 s", (int)pid);
	return -1;
}

void oh_run_release(struct oh_run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

long long oh_stat(const char *err, const char *sink, const char *what)
{
	char head[64], key[64];
	const char *p, *eol;

	if (sink)
		snprintf(head, sizeof(head), "\n  %s: ", sink);
	else
		snprintf(head, sizeof(head), "\noutputs: ");
	p = strstr(err, head);
	if (!p)
		return -1;
	eol = strchr(p + 1, '\n');
	snprintf(key, sizeof(key), "%s ", what);
	if (!sink && !strcmp(what, "dropped"))
		snprintf(key, sizeof(key), "dropped (queue full) ");
	p = strstr(p, key);
	if (!p || (eol && p > eol))
		return -1;
	return strtoll(p + strlen(key), NULL, 10);
}

long long oh_alerts(const char *err)
{
	const char *p = strstr(err, ", alerts ");

	return p ? strtoll(p + 9, NULL, 10) : -1;
}

pid_t oh_receiver(const char *dir, const char *const *args, int *port)
{
	char portf[512];
	const char *argv[32];
	size_t n = 0;
	pid_t pid;

	snprintf(portf, sizeof(portf), "%s/port", dir);
	unlink(portf);
	argv[n++] = OH_PYTHON;
	argv[n++] = OH_RECEIVER;
	argv[n++] = "--port-file";
	argv[n++] = portf;
	for (size_t i = 0; args && args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (chdir(dir))
			_exit(126);
		execv(OH_PYTHON, (char *const *)argv);
		_exit(127);
	}
	oh_helpers[oh_nhelpers++ % OH_MAX_HELPERS] = pid;
	for (int i = 0; i < 200; i++) {
		char *p = oh_read(portf);

		if (p) {
			*port = atoi(p);
			free(p);
			return pid;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid)
			fail_msg("the HTTP receiver did not start");
		usleep(50000);
	}
	oh_stop(pid);
	fail_msg("the HTTP receiver did not listen within 10 s");
	return -1;
}

void oh_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (unsigned i = 0; i < OH_MAX_HELPERS; i++)
		if (oh_helpers[i] == pid)
			oh_helpers[i] = 0;
}

int oh_stop_helpers(void **state)
{
	(void)state;
	for (unsigned i = 0; i < OH_MAX_HELPERS; i++)
		oh_stop(oh_helpers[i]);
	return 0;
}

bool oh_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#else
	return false;
#endif
#else
	return false;
#endif
}
