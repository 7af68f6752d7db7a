/* The bytes of a capture file, read ahead of the reader on a thread of the
 * feed's own: a plain file as it is, a gzip file inflated. The thread fills
 * a few fixed chunks in turn; the reader takes them in order, reads them
 * in place and hands each back once it has moved past it, so reading (and
 * inflating) overlaps with the processing of the events already read, and
 * what is resident is the chunks alone. Prefix scap_feed. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct scap_feed;

/* Opens path (a gzip file by its magic) and starts the thread. 0, or
 * -errno. */
int scap_feed__open(const char *path, struct scap_feed **out);
/* Stops the thread and frees everything. */
void scap_feed__free(struct scap_feed *f);

/* The next chunk: its length, *p where it is. The chunk returned before
 * goes back to the thread (its bytes are no longer valid). 0 at the end of
 * the file or on a read error (scap_feed_error). */
size_t scap_feed_next(struct scap_feed *f, const uint8_t **p);
/* 0, or the -errno of a failed read (-EBADMSG for corrupt gzip data). */
int scap_feed_error(const struct scap_feed *f);
