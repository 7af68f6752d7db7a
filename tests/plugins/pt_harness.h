/* What the plugins suite's tests share: a temporary directory per test
 * program, files written into it, build/saker run to its end or started in
 * the background and watched, output lines picked apart, and the paths of
 * the plugins the suite built. Prefix pt_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PT_SAKER SAKER_BINARY_DIR "/saker"

/* The test program's temporary directory (made on first use). */
const char *pt_dir(void);
/* name inside it (a static buffer of 8 rotating slots). */
const char *pt_path(const char *name);
void pt_write(const char *name, const char *text);
/* The text of a file (malloc'd, "" when missing). */
char *pt_read(const char *path);

/* Runs `saker ARGS` (a shell word list) with its stdout and stderr kept;
 * the exit status. *out and *err are malloc'd. */
int pt_run(const char *args, char **out, char **err);

/* Whether the live driver can run here (root, BTF): else the caller skips. */
bool pt_can_watch(void);

/* Starts `saker ARGS` in the background, stdout and stderr to files;
 * waits (up to ms) for needle in its stderr. The pid, -1 when it did not
 * come. */
pid_t pt_start(const char *args, const char *needle, int ms);
/* SIGINT to it, then its exit status; *out and *err its output. */
int pt_stop(pid_t pid, char **out, char **err);

/* The lines of text starting with prefix, in order: an array of
 * NUL-terminated lines (malloc'd, the prefix cut off), *n of them. */
char **pt_lines(const char *text, const char *prefix, size_t *n);
void pt_free_lines(char **v, size_t n);
/* The '|'-separated parts of a line (modified in place), at most max. */
size_t pt_split(char *line, char **parts, size_t max);
/* Whether the file is there (an SDK example that could not be built). */
bool pt_have(const char *path);
