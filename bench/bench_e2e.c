/* End to end: the saker process itself, as a user runs it, on the bench
 * captures gunzipped, with Falco 0.40's three official
 * rules files (rules-3.2.0) or none: the wall time of each run (the
 * benchmark's time), its peak resident set and its CPU time (counters
 * peak_rss_mib, cpu_s). Cold runs start with an empty JIT cache, warm runs
 * with the cache a previous run filled; _norules runs load no rules. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "bench/bench.h"

#define RULES SAKER_SHARED_DIR "/falco/rules-3.2.0/"
#define CAPS SAKER_SHARED_DIR "/falco/captures/"

enum cache { CACHE_COLD, CACHE_WARM, NO_RULES };

/* The capture gunzipped once into the temporary directory; its path. */
static const char *plain_capture(const char *name, char *buf, size_t n)
{
	char src[512], tmp[600];
	const char *dir = getenv("TMPDIR");
	char data[1 << 16];
	struct stat st;
	gzFile gz;
	FILE *out;
	int k;

	snprintf(buf, n, "%s/saker-bench-%s.scap", dir && *dir ? dir : "/tmp", name);
	if (!stat(buf, &st) && st.st_size > 0)
		return buf;
	snprintf(src, sizeof(src), CAPS "%s.scap.gz", name);
	snprintf(tmp, sizeof(tmp), "%s.%d", buf, (int)getpid());
	gz = gzopen(src, "rb");
	out = fopen(tmp, "wb");
	if (!gz || !out) {
		if (gz)
			gzclose(gz);
		if (out)
			fclose(out);
		return NULL;
	}
	while ((k = gzread(gz, data, sizeof(data))) > 0)
		if (fwrite(data, 1, (size_t)k, out) != (size_t)k)
			k = -1;
	gzclose(gz);
	if (fclose(out) || k < 0 || rename(tmp, buf)) {
		unlink(tmp);
		return NULL;
	}
	return buf;
}

/* One run of build/saker; 0 with its peak resident set and CPU time. */
static int run_saker(const char *cap, const char *cache, bool rules, double *rss_mib,
		     double *cpu_s)
{
	char opt[600];
	const char *argv[16];
	struct rusage ru;
	int k = 0, status;
	pid_t pid;

	snprintf(opt, sizeof(opt), "jit.cache.dir=%s", cache);
	argv[k++] = SAKER_BINARY_DIR "/saker";
	if (rules) {
		argv[k++] = "-r";
		argv[k++] = RULES "falco_rules.yaml";
		argv[k++] = "-r";
		argv[k++] = RULES "falco-incubating_rules.yaml";
		argv[k++] = "-r";
		argv[k++] = RULES "falco-sandbox_rules.yaml";
	} else {
		argv[k++] = "-r";
		argv[k++] = "/dev/null";
	}
	argv[k++] = "-e";
	argv[k++] = cap;
	argv[k++] = "-o";
	argv[k++] = "stdout_output.enabled=false";
	argv[k++] = "-o";
	argv[k++] = opt;
	argv[k] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	*rss_mib = ru.ru_maxrss / 1024.0;
	*cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		 (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	return 0;
}

static void empty_dir(const char *dir)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	if (system(cmd))
		fprintf(stderr, "bench_e2e: cannot reset %s\n", dir);
}

static void e2e(struct bench_state *st, const char *name, enum cache c)
{
	char capbuf[512], cache[512];
	const char *cap = plain_capture(name, capbuf, sizeof(capbuf));
	double rss, cpu, peak = 0, cpu_all = 0;

	if (!cap) {
		bench_skip(st, "cannot gunzip the capture");
		return;
	}
	snprintf(cache, sizeof(cache), "%s.jit-cache", cap);
	empty_dir(cache);
	if (c == CACHE_WARM && run_saker(cap, cache, true, &rss, &cpu)) {
		bench_skip(st, "saker failed");
		return;
	}
	while (bench_keep_running(st)) {
		if (c == CACHE_COLD) {
			bench_pause_timing(st);
			empty_dir(cache);
			bench_resume_timing(st);
		}
		if (run_saker(cap, cache, c != NO_RULES, &rss, &cpu)) {
			bench_skip(st, "saker failed");
			return;
		}
		peak = rss > peak ? rss : peak;
		cpu_all += cpu;
	}
	bench_counter(st, "peak_rss_mib", peak, false);
	bench_counter(st, "cpu_s", cpu_all, true);
}

#define E2E(name, cap, mode)                      \
	static void name(struct bench_state *st)  \
	{                                          \
		e2e(st, cap, mode);                \
	}                                          \
	BENCH_WALL(name, 5)

E2E(e2e_falcoset_cold, "bench-falcoset", CACHE_COLD);
E2E(e2e_falcoset_warm, "bench-falcoset", CACHE_WARM);
E2E(e2e_falcoset_norules, "bench-falcoset", NO_RULES);
E2E(e2e_syscalls_cold, "bench-syscalls", CACHE_COLD);
E2E(e2e_syscalls_warm, "bench-syscalls", CACHE_WARM);
E2E(e2e_syscalls_norules, "bench-syscalls", NO_RULES);
