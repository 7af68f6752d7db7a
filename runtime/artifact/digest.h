/* Content digests as OCI writes them ("sha256:<64 hex>"): computing one over
 * bytes, checking the text form, comparing a blob with the digest it was
 * asked for. Prefix digest_. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* "sha256:" + 64 hex digits + NUL */
#define DIGEST_STR_LEN (7 + 64 + 1)

/* Writes "sha256:<hex>" of data into out. */
void digest_sha256(const void *data, size_t len, char out[DIGEST_STR_LEN]);
/* True when s is "sha256:" followed by exactly 64 lowercase hex digits. */
bool digest_valid(const char *s);
/* 0 when data hashes to want, -EBADMSG (and a logged error naming what,
 * want and the digest found) when not, -ENOTSUP for another algorithm. */
int digest_check(const char *what, const void *data, size_t len, const char *want);
