/* Event sources: whatever delivers events to the engine, behind one table
 * of operations. A capture file (src_capture.c), the live probe's BPF rings
 * (src_probe.c), the kernel module's rings (src_kmod.c), a plugin's event
 * source (src_plugin.c) and no driver at all (src_nodriver.c) implement it;
 * the engine drives any of them through one loop (engine__run_source).
 *
 * A source has a name (the event source its events belong to: "syscall"
 * for captures and the drivers, the plugin's for a plugin), may deliver events of any PPM type, tells
 * the machine it reads from, and hands its process list to a state before
 * its first event (a capture's lists, a /proc scan of the live machine).
 * Events are read in place: the view next() fills borrows the source's
 * buffer (a ring slot, a file block) until the next call to next() or
 * release(). Prefix evt_source_ (methods evt_source__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/shared/drop_kinds.h"

struct evt;
struct plugin_inst;
struct scap_machine;
struct state;

/* What next() found. */
enum evt_source_next {
	EVT_SOURCE_NONE = 0,	/* nothing right now: a live source, try again later */
	EVT_SOURCE_EVENT = 1,	/* an event, in the view */
	EVT_SOURCE_END = 2,	/* no event will come any more */
};

struct evt_source_opts {
	size_t sz;
	const char *path;	/* capture: the file; kmod: the module (.ko) to load when
				 * none is loaded (NULL: saker loads none) */
	size_t ring_bytes;	/* live: bytes of each CPU's ring (0: the driver's default) */
	bool skip_self;		/* live: leave this process's own syscalls out */
	struct state *seed;	/* receives the source's process list (NULL: none): a
				 * capture's at open, the live machine's at start */
	/* plugin: the instance whose event source is opened, its open
	 * parameters, the source's name, whether the machine info is this
	 * host's (plugins_hostinfo) */
	struct plugin_inst *plugin;
	const char *params;
	const char *name;
	bool hostinfo;
};

/* Counters of a source, over all CPUs or for one. A live driver's satisfy
 * seen = sent + drop_full + drop_big: every event it built for a wanted
 * syscall is in its ring or counted as dropped. */
struct evt_source_stats {
	uint64_t seen;		/* events the source produced (a capture: records read) */
	uint64_t sent;		/* live: events written to the rings */
	uint64_t drop_full;	/* live: lost to a full ring */
	uint64_t drop_big;	/* live: larger than a record may be */
	uint64_t drop_kind[DROP_KIND_MAX];	/* live: of drop_full, by kind */
	uint64_t malformed;	/* records that did not decode, skipped */
	uint64_t threads, fds;	/* seeded into the state */
};

struct evt_source;

struct evt_source_ops {
	const char *kind;	/* "capture", "modern_ebpf", "kmod" */
	/* Opens the source; a capture seeds o->seed with its lists here.
	 * 0, or -errno with a sentence in err. */
	int (*open)(const struct evt_source_opts *o, struct evt_source **out, char *err,
		    size_t errlen);
	/* Live only (NULL otherwise): the syscalls to report, on[i] for every
	 * schema syscall index i; takes effect at once, started or not. */
	void (*set_syscalls)(struct evt_source *s, const bool *on);
	/* Live only (NULL otherwise): starts producing events, then seeds the
	 * state (so nothing between the scan and the first event is missed).
	 * 0, or -errno with err. */
	int (*start)(struct evt_source *s, char *err, size_t errlen);
	/* The next event, decoded in place (e->info NULL for a type saker does
	 * not know), with e->cpu set. An enum evt_source_next, or -errno with
	 * err naming the file and offset. */
	int (*next)(struct evt_source *s, struct evt *e, char *err, size_t errlen);
	/* Gives the space of the events read so far back to the producer
	 * (call it before waiting); views taken before are invalid. */
	void (*release)(struct evt_source *s);
	/* The machine the events come from. */
	void (*machine)(struct evt_source *s, struct scap_machine *out);
	/* Live only (NULL otherwise): no new events; what the rings hold can
	 * still be read. */
	void (*stop)(struct evt_source *s);
	/* Counters over every CPU (cpu -1) or of one. */
	void (*stats)(const struct evt_source *s, int cpu, struct evt_source_stats *out);
	/* Closes and frees; NULL is a no-op. */
	void (*close)(struct evt_source *s);
	/* Optional (NULL when the source has none): run count and run time
	 * (ns) of each kernel program of the source, as the kernel counts them
	 * while its BPF statistics are on. */
	void (*prog_stats)(const struct evt_source *s,
			   void (*fn)(void *ctx, const char *name, uint64_t run_cnt, uint64_t run_ns),
			   void *ctx);
	/* Optional (NULL when the source cannot tell): how much it has read,
	 * *pct from 0 to 10000, and its own text for it (NULL: none). */
	const char *(*progress)(struct evt_source *s, uint32_t *pct);
};

/* The part every source starts with. */
struct evt_source {
	const struct evt_source_ops *ops;
	const char *name;	/* the event source of its events: "syscall" */
	int ncpus;		/* rings read (0: one stream) */
	bool live;		/* next() may find nothing for a while */
};

/* The operations of a kind of source ("capture", "modern_ebpf", "kmod"),
 * or NULL. */
const struct evt_source_ops *evt_source_kind(const char *kind);

/* Opens a source of the given kind: -ENOENT with err for an unknown kind. */
int evt_source__open(const char *kind, const struct evt_source_opts *o, struct evt_source **out,
		     char *err, size_t errlen);

static inline int evt_source__next(struct evt_source *s, struct evt *e, char *err, size_t errlen)
{
	return s->ops->next(s, e, err, errlen);
}

static inline void evt_source__close(struct evt_source *s)
{
	if (s)
		s->ops->close(s);
}

/* The sources, for evt_source_kind. */
extern const struct evt_source_ops src_capture_ops;
extern const struct evt_source_ops src_probe_ops;
extern const struct evt_source_ops src_kmod_ops;
extern const struct evt_source_ops src_plugin_ops;	/* a plugin's event source */
extern const struct evt_source_ops src_nodriver_ops;	/* engine.kind nodriver: no events */
