/* Capture files in the scap block format that Falco and sysdig read and
 * write: the reader (scap_read.c) and the writer (scap_write.c) share this
 * header. Prefixes scap_reader__ and scap_writer__.
 *
 * A file is a sequence of blocks {u32 type; u32 total_len; body; padding to
 * 4; u32 total_len}: the section header first, then machine info, process
 * list, fd lists, user/group list, interface list (each in their versions,
 * LARGE variants included), then event blocks with or without flags. The
 * file may be gzip-compressed; the reader tells by the magic.
 *
 * Errors in the input are reported through struct scap_err: the byte offset
 * in the (uncompressed) stream where the problem starts and what was
 * expected there. The reader never reads past a bound it has not checked. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/state.h"

struct evt;

struct scap_err {
	uint64_t off;		/* byte offset of the offending block or field */
	char msg[256];		/* "truncated event block: expected 812 bytes, 40 left" */
};

struct scap_machine {
	uint32_t num_cpus;
	uint64_t memory_size_bytes;
	uint64_t max_pid;
	char hostname[256];
	uint64_t boot_time_ns;	/* 0 when the file does not say */
};

/* Interface addresses (the interface list): IPv4 or IPv6. */
struct scap_iface {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order */
	uint8_t netmask[16];
	uint8_t bcast[16];
	char name[64];
};

/* Receivers for the capture's header lists; any may be NULL. Returning
 * non-zero aborts the open with that error. The records are valid during
 * the call only (strings are copied by the state's seed functions). */
struct scap_cb {
	void *ctx;
	int (*thread)(void *ctx, const struct state_thr_seed *t);
	int (*fd)(void *ctx, int64_t pid, const struct fdi *f);
	int (*user)(void *ctx, const struct state_user *u);
	int (*group)(void *ctx, const struct state_group *g);
	int (*iface)(void *ctx, const struct scap_iface *i);
};

/* Receivers that seed st from the lists (scap_seed.c). */
void scap_seed_cb(struct state *st, struct scap_cb *cb);

struct scap_reader;

/* Opens path (plain or gzip) and reads every block before the first event
 * block, handing the lists to cb. 0, or -errno with *err filled (-EINVAL
 * for bad content). */
int scap_reader__open(const char *path, const struct scap_cb *cb,
		      struct scap_reader **out, struct scap_err *err);
/* Same from memory (for the fuzzer and the benchmarks): buf is borrowed
 * and must outlive the reader. gzip data is inflated into a private copy. */
int scap_reader__open_mem(const void *buf, size_t len, const struct scap_cb *cb,
			  struct scap_reader **out, struct scap_err *err);
void scap_reader__free(struct scap_reader *r);

const struct scap_machine *scap_reader__machine(const struct scap_reader *r);

/* The next event, decoded in place (evt_decode) with e->cpu and e->flags
 * from its block: valid until the next call. 0; 1 at a clean end of file;
 * -EINVAL with *err for a truncated or corrupt block (the offset names it).
 * An event of a type saker does not know is returned with e->info NULL:
 * the caller skips and counts it. List blocks found between event blocks
 * are applied through cb and skipped. */
int scap_reader__next(struct scap_reader *r, struct evt *e, struct scap_err *err);

/* Offset of the next block in the uncompressed stream. */
uint64_t scap_reader__offset(const struct scap_reader *r);

struct scap_writer;

struct scap_writer_opts {
	size_t sz;
	bool gzip;	/* compress (zlib level 1..9 below, default 3) */
	int level;
	bool no_env;	/* leave the environments out of the process list */
};

/* Creates path and writes the section header, machine info, and the user,
 * process and fd lists taken from st (NULL: none): every live thread, one
 * fd list per process. Output is buffered, so a failing device may show
 * only at a later write or at close. 0 or -errno. */
int scap_writer__open(const char *path, const struct scap_writer_opts *o,
		      const struct scap_machine *mi, struct state *st,
		      struct scap_writer **out);
/* Appends one event as an event block with flags (cpu, flags from e; the
 * LARGE block type when libscap needs it). 0, or the first write error as
 * -errno (-ENOSPC, -EIO, ...): once one happened, every later write and
 * close return it. */
int scap_writer__write(struct scap_writer *w, const struct evt *e);
/* Flushes, closes and frees; 0 or -errno, the first error of the writer's
 * life included (a full disk is reported here at the latest). */
int scap_writer__close(struct scap_writer *w);
