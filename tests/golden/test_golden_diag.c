/* Golden diagnostics: every tests/golden/diag/NAME.yaml is a broken (or
 * warning-raising) rules file; NAME.err holds exactly what
 * `saker-rulec validate tests/golden/diag/NAME.yaml` prints (stdout and
 * stderr, run from the source root) followed by `exit: N`. Each case is
 * one test; tools/update_golden.sh BUILD_DIR regenerates the .err files. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define DIAG_DIR "tests/golden/diag"
#define MIN_CASES 40

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Runs saker-rulec validate on rel (relative to the source root) and
 * returns its output plus the `exit: N` line. */
static char *run_validate(const char *rel, size_t *len)
{
	int pfd[2], status;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	ssize_t r;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		if (chdir(SAKER_SOURCE_DIR))
			_exit(126);
		execl(SAKER_BINARY_DIR "/saker-rulec", "saker-rulec", "validate", rel, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap + 64);
			assert_non_null(buf);
		}
		r = read(pfd[0], buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	n += (size_t)snprintf(buf + n, 64, "exit: %d\n", WEXITSTATUS(status));
	*len = n;
	return buf;
}

static void report_diff(const char *name, const char *want, const char *got)
{
	unsigned line = 1;
	const char *w = want, *g = got;

	while (*w && *w == *g) {
		if (*w == '\n')
			line++;
		w++;
		g++;
	}
	while (w > want && w[-1] != '\n')
		w--;
	while (g > got && g[-1] != '\n')
		g--;
	print_error("%s: output differs at line %u\n  expected: %.*s\n  got:      %.*s\n", name,
		    line, (int)strcspn(w, "\n"), w, (int)strcspn(g, "\n"), g);
}

static void golden_case(void **state)
{
	const char *name = *state;	/* "NN_kind" */
	char rel[512], err_path[1024];
	size_t wlen = 0, glen = 0;
	char *want, *got;

	snprintf(rel, sizeof(rel), DIAG_DIR "/%s.yaml", name);
	snprintf(err_path, sizeof(err_path), SAKER_SOURCE_DIR "/" DIAG_DIR "/%s.err", name);
	want = read_all(err_path, &wlen);
	if (!want)
		fail_msg("%s: missing expected output %s", name, err_path);
	got = run_validate(rel, &glen);
	if (wlen != glen || memcmp(want, got, wlen)) {
		report_diff(name, want, got);
		free(want);
		free(got);
		fail();
	}
	free(want);
	free(got);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	struct CMUnitTest *tests;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(SAKER_SOURCE_DIR "/" DIAG_DIR);
	int ret;

	if (!d) {
		fprintf(stderr, "cannot open %s\n", SAKER_SOURCE_DIR "/" DIAG_DIR);
		return 1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".yaml"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				return 1;
		}
		names[n++] = strndup(de->d_name, l - 5);
	}
	closedir(d);
	if (n < MIN_CASES) {
		fprintf(stderr, "only %zu golden cases in %s (want at least %d)\n", n, DIAG_DIR,
			MIN_CASES);
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
