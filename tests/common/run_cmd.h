/* Test helper: runs a shell command line and returns everything it wrote
 * on stdout (NUL-terminated, malloc'd) with its exit status. */
#pragma once
#include <stddef.h>

char *run_cmd(const char *cmd, size_t *len, int *status);
