/* What the output tests share: a scratch directory, files, build/saker run
 * to its end with its stdout and stderr kept, helper processes (the HTTP
 * receiver) started and stopped, and the statistics saker prints read
 * back. Every helper fails the running cmocka test on a problem of the
 * harness itself. Prefix oh_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define OH_SAKER SAKER_BINARY_DIR "/saker"
#define OH_PYTHON "/usr/bin/python3"
#define OH_RECEIVER SAKER_SOURCE_DIR "/tests/outputs/http_receiver.py"
#define OH_CAPTURES SAKER_SHARED_DIR "/falco/captures"
#define OH_RULES SAKER_SHARED_DIR "/falco/rules"

/* A fresh directory under /tmp (static buffer of the caller). */
void oh_tmpdir(char *out, size_t n, const char *tag);
void oh_rmdir(const char *dir);
void oh_write(const char *path, const char *text);
/* The whole file, NUL-terminated (malloc'd); NULL when it cannot be read. */
char *oh_read(const char *path);
/* Lines of text that contain needle. */
int oh_count(const char *text, const char *needle);
/* Lines of text that begin an alert in text format ("HH:MM:SS.nnnnnnnnn: "),
 * continuation lines of outputs with newlines in their values left out. */
int oh_alert_lines(const char *text);

struct oh_run {
	int status;		/* exit code, or 128 + signal */
	char *out, *err;	/* what it wrote (malloc'd) */
	double secs;		/* wall time */
};

/* Appends "-o OPT" for each of opts (NULL-terminated) to argv from index
 * k, within max entries (one kept for the final NULL); the new end. */
size_t oh_opts(const char **argv, size_t k, size_t max, const char *const *opts);

/* Runs build/saker with argv (NULL-terminated, argv[0] excluded) and env
 * (NAME=VALUE strings added, NULL-terminated or NULL), to its end. */
void oh_saker(const char *const *argv, const char *const *env, struct oh_run *r);
void oh_run_release(struct oh_run *r);

/* build/saker started with argv (as oh_saker) in the background, its
 * stdout and stderr going to the files out and err; its pid. */
pid_t oh_saker_bg(const char *const *argv, const char *out, const char *err);
/* Waits (at most secs) until the file at path has needle n times or more;
 * false when it did not, or when pid (if > 0) ended first. */
bool oh_wait_text(const char *path, const char *needle, int n, int secs, pid_t pid);
/* Signals pid with sig and reaps it (60 s at most); its exit code, or 128 +
 * signal. */
int oh_end(pid_t pid, int sig);

/* A figure of the outputs' statistics saker printed on stderr: for sink
 * (e.g. "http") and what ("written", "failed", "dropped", "timeouts"); or
 * for sink NULL, the hand-off queue's ("queued", "dropped"). -1 when
 * absent. */
long long oh_stat(const char *err, const char *sink, const char *what);
/* The alerts count of saker's "events:" line. */
long long oh_alerts(const char *err);

/* Starts the HTTP receiver (tests/outputs/http_receiver.py) with args
 * (NULL-terminated) in dir, waits until it listens, and gives its port. */
pid_t oh_receiver(const char *dir, const char *const *args, int *port);
/* Kills and reaps a helper process. */
void oh_stop(pid_t pid);
/* Stops every helper still running (a cmocka teardown). */
int oh_stop_helpers(void **state);

/* True when built with AddressSanitizer (the suite then takes smaller
 * inputs). */
bool oh_asan(void);
