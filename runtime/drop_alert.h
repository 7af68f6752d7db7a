/* syscall_event_drops: Falco's watch over events the source lost. Once a
 * second of event time it compares the source's counters with those of
 * the last look; when events were dropped (or simulate_drops pretends one
 * was) in a proportion above `threshold`, it counts a detection and, if
 * its token bucket (`rate` tokens a second, at most `max_burst`) has a
 * token, takes an action: the first of the configured ones in the order
 * ignore, log, alert, exit, as Falco 0.40 does. The engine carries the
 * action out (a log line, the "Falco internal: syscall event drop" alert,
 * or the end of the run). Prefix drop_alert_. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct config;

/* A source's counters since it started. */
struct drop_counts {
	uint64_t n_evts;		/* events it built, dropped ones included */
	uint64_t n_drops;		/* every event it lost */
	uint64_t n_drops_buffer;	/* of them, lost to a full buffer */
};

enum drop_action {
	DROP_ACT_NONE,		/* nothing to do this time */
	DROP_ACT_IGNORE,
	DROP_ACT_LOG,
	DROP_ACT_ALERT,
	DROP_ACT_EXIT,
};

struct drop_alert {
	unsigned actions;		/* enum config_drop_action bits */
	double threshold, rate, max_tokens;
	bool simulate;
	double tokens;
	uint64_t bucket_ts;		/* last claim; 0: none yet (full bucket) */
	uint64_t next_check;		/* event time of the next look; 0: none yet */
	struct drop_counts last;
	uint64_t detected;		/* seconds with drops above the threshold */
	uint64_t taken;			/* actions taken */
};

void drop_alert_init(struct drop_alert *d, const struct config *cfg);

/* Whether the event at ts is due for a look (a second past the last). */
static inline bool drop_alert_due(const struct drop_alert *d, uint64_t ts)
{
	return ts > d->next_check;
}

/* The look at event time ts with the source's counters now: the action to
 * take, with the second's counters in delta (simulated drops included). */
enum drop_action drop_alert_check(struct drop_alert *d, uint64_t ts, const struct drop_counts *now,
				  struct drop_counts *delta);
