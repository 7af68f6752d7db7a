/* Golden diagnostics: every tests/golden/diag/NAME.yaml is a broken (or
 * warning-raising) rules file; NAME.err holds exactly what
 * `saker-rulec validate tests/golden/diag/NAME.yaml` prints when run from the
 * source root: its stdout, then its stderr (empty unless the command itself
 * fails), then a line `exit: N`. Each case is one cmocka test, found at run
 * time and run in name order; tools/update_golden.sh BUILD_DIR regenerates
 * the .err files. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define DIAG_DIR "tests/golden/diag"
#define RULEC SAKER_BINARY_DIR "/saker-rulec"
#define MIN_CASES 40

struct buf {
	char *p;
	size_t n, cap;
};

static void buf_reserve(struct buf *b, size_t more)
{
	char *p;

	if (b->n + more + 1 <= b->cap)
		return;
	while (b->n + more + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 8192;
	p = realloc(b->p, b->cap);
	assert_non_null(p);
	b->p = p;
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* Reads a whole file; false when it cannot be opened. */
static bool read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	size_t r;

	if (!f)
		return false;
	do {
		buf_reserve(b, 4096);
		r = fread(b->p + b->n, 1, 4096, f);
		b->n += r;
	} while (r);
	b->p[b->n] = '\0';
	fclose(f);
	return true;
}

/* Reads what is ready on fd into b; false at end of file. */
static bool drain(int fd, struct buf *b)
{
	ssize_t r;

	buf_reserve(b, 4096);
	do
		r = read(fd, b->p + b->n, 4096);
	while (r < 0 && errno == EINTR);
	assert_true(r >= 0);
	if (r == 0)
		return false;
	b->n += (size_t)r;
	b->p[b->n] = '\0';
	return true;
}

/* Runs `saker-rulec validate rel` in the source root and puts its stdout,
 * its stderr and `exit: N` into got. Without a shell: fork, chdir, execv. */
static void run_validate(const char *rel, struct buf *got)
{
	char *argv[] = { "saker-rulec", "validate", (char *)rel, NULL };
	struct buf out = { 0 }, err = { 0 };
	int po[2], pe[2], status;
	char line[64];
	pid_t pid;

	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(po[1], STDOUT_FILENO) < 0 || dup2(pe[1], STDERR_FILENO) < 0)
			_exit(126);
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		if (chdir(SAKER_SOURCE_DIR))
			_exit(126);
		execv(RULEC, argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	{
		struct pollfd fds[2] = { { .fd = po[0], .events = POLLIN },
					 { .fd = pe[0], .events = POLLIN } };
		struct buf *dst[2] = { &out, &err };
		int open_fds = 2;

		while (open_fds) {
			if (poll(fds, 2, -1) < 0) {
				assert_int_equal(errno, EINTR);
				continue;
			}
			for (int i = 0; i < 2; i++) {
				if (fds[i].fd < 0 || !fds[i].revents)
					continue;
				if (!drain(fds[i].fd, dst[i])) {
					close(fds[i].fd);
					fds[i].fd = -1;
					open_fds--;
				}
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	if (WIFEXITED(status))
		snprintf(line, sizeof(line), "exit: %d\n", WEXITSTATUS(status));
	else
		snprintf(line, sizeof(line), "killed by signal %d\n",
			 WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	if (out.n)
		buf_add(got, out.p, out.n);
	if (err.n)
		buf_add(got, err.p, err.n);
	buf_add(got, line, strlen(line));
	free(out.p);
	free(err.p);
}

/* Prints the first line where want and got differ, diff style. */
static void report_diff(const char *name, const struct buf *want, const struct buf *got)
{
	size_t i = 0, ws, gs, we, ge;
	unsigned line = 1;

	while (i < want->n && i < got->n && want->p[i] == got->p[i]) {
		if (want->p[i] == '\n')
			line++;
		i++;
	}
	ws = gs = i;
	while (ws > 0 && want->p[ws - 1] != '\n')
		ws--;
	while (gs > 0 && got->p[gs - 1] != '\n')
		gs--;
	we = ws;
	while (we < want->n && want->p[we] != '\n')
		we++;
	ge = gs;
	while (ge < got->n && got->p[ge] != '\n')
		ge++;
	print_error("%s.err: first difference at line %u\n"
		    "--- expected\n+++ got\n"
		    "-%.*s%s\n+%.*s%s\n",
		    name, line, (int)(we - ws), want->p + ws, ws >= want->n ? "(end of file)" : "",
		    (int)(ge - gs), got->p + gs, gs >= got->n ? "(end of output)" : "");
}

static void golden_case(void **state)
{
	const char *name = *state;	/* "NN_kind" */
	struct buf want = { 0 }, got = { 0 };
	char rel[512], err_path[1024];
	bool same;

	snprintf(rel, sizeof(rel), DIAG_DIR "/%s.yaml", name);
	snprintf(err_path, sizeof(err_path), SAKER_SOURCE_DIR "/" DIAG_DIR "/%s.err", name);
	if (!read_file(err_path, &want))
		fail_msg("%s: no expected output %s (run tools/update_golden.sh)", name, err_path);
	run_validate(rel, &got);
	same = want.n == got.n && !memcmp(want.p, got.p, want.n);
	if (!same)
		report_diff(name, &want, &got);
	free(want.p);
	free(got.p);
	assert_true(same);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t l = strlen(s), k = strlen(suffix);

	return l > k && !strcmp(s + l - k, suffix);
}

int main(void)
{
	struct CMUnitTest *tests;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int ret;

	if (access(RULEC, X_OK)) {
		fprintf(stderr, "golden_diag: %s: %s\n", RULEC, strerror(errno));
		return 1;
	}
	d = opendir(SAKER_SOURCE_DIR "/" DIAG_DIR);
	if (!d) {
		fprintf(stderr, "golden_diag: %s: %s\n", SAKER_SOURCE_DIR "/" DIAG_DIR,
			strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (!has_suffix(de->d_name, ".yaml"))
			continue;
		if (n == cap) {
			char **p;

			cap = cap ? cap * 2 : 64;
			p = realloc(names, cap * sizeof(*names));
			if (!p)
				return 1;
			names = p;
		}
		names[n] = strndup(de->d_name, strlen(de->d_name) - strlen(".yaml"));
		if (!names[n])
			return 1;
		n++;
	}
	closedir(d);
	if (n < MIN_CASES) {
		fprintf(stderr, "golden_diag: only %zu cases in %s (want at least %d)\n", n,
			DIAG_DIR, MIN_CASES);
		return 1;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	tests = calloc(n, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < n; i++) {
		tests[i].name = names[i];
		tests[i].test_func = golden_case;
		tests[i].initial_state = names[i];
	}
	ret = _cmocka_run_group_tests("golden_diag", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return ret;
}
