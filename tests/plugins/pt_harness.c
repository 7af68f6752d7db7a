/* The plugins suite's helpers (see pt_harness.h). */
#define _GNU_SOURCE
#include "tests/plugins/pt_harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char g_dir[64];
static int g_runs;

const char *pt_dir(void)
{
	if (!g_dir[0]) {
		snprintf(g_dir, sizeof(g_dir), "/tmp/saker-plugins-XXXXXX");
		if (!mkdtemp(g_dir)) {
			perror("mkdtemp");
			exit(1);
		}
	}
	return g_dir;
}

const char *pt_path(const char *name)
{
	static char bufs[8][512];
	static int k;
	char *b = bufs[k++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", pt_dir(), name);
	return b;
}

void pt_write(const char *name, const char *text)
{
	FILE *f = fopen(pt_path(name), "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(name);
		exit(1);
	}
}

char *pt_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	char tmp[65536];
	size_t n;

	while (f && (n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		memcpy(buf + len, tmp, n);
		len += n;
	}
	if (f)
		fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

int pt_run(const char *args, char **out, char **err)
{
	char cmd[8192], o[512], e[512];
	int st, k = g_runs++;

	snprintf(o, sizeof(o), "%s/run%d.out", pt_dir(), k);
	snprintf(e, sizeof(e), "%s/run%d.err", pt_dir(), k);
	snprintf(cmd, sizeof(cmd), "%s -o log_syslog=false %s > %s 2> %s", PT_SAKER, args, o, e);
	st = system(cmd);
	*out = pt_read(o);
	*err = pt_read(e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

bool pt_can_watch(void)
{
	return geteuid() == 0 && !access("/sys/kernel/btf/vmlinux", R_OK);
}

static char g_bg_out[512], g_bg_err[512];

pid_t pt_start(const char *args, const char *needle, int ms)
{
	char cmd[8192];
	pid_t pid;
	int k = g_runs++;

	snprintf(g_bg_out, sizeof(g_bg_out), "%s/run%d.out", pt_dir(), k);
	snprintf(g_bg_err, sizeof(g_bg_err), "%s/run%d.err", pt_dir(), k);
	snprintf(cmd, sizeof(cmd), "exec %s -o log_syslog=false %s > %s 2> %s", PT_SAKER, args,
		 g_bg_out, g_bg_err);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (int waited = 0; waited < ms; waited += 50) {
		char *e = pt_read(g_bg_err);
		bool found = strstr(e, needle) != NULL;

		free(e);
		if (found)
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int pt_stop(pid_t pid, char **out, char **err)
{
	int st = 0;

	kill(pid, SIGINT);
	waitpid(pid, &st, 0);
	*out = pt_read(g_bg_out);
	*err = pt_read(g_bg_err);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

char **pt_lines(const char *text, const char *prefix, size_t *n)
{
	size_t cap = 16, pl = strlen(prefix);
	char **v = malloc(cap * sizeof(*v));

	*n = 0;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *p = memmem(l, len, prefix, pl);

		if (p) {
			if (*n == cap)
				v = realloc(v, (cap *= 2) * sizeof(*v));
			v[(*n)++] = strndup(p + pl, len - (size_t)(p - l) - pl);
		}
		l = nl ? nl + 1 : NULL;
	}
	return v;
}

void pt_free_lines(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

size_t pt_split(char *line, char **parts, size_t max)
{
	size_t n = 0;

	while (line && n < max) {
		char *bar = strchr(line, '|');

		parts[n++] = line;
		if (bar)
			*bar = '\0';
		line = bar ? bar + 1 : NULL;
	}
	return n;
}

bool pt_have(const char *path)
{
	return !access(path, R_OK);
}
