/* drop_alert: the once-a-second comparison, threshold and token bucket of
 * syscall_event_drops. */
#include "runtime/drop_alert.h"

#include <string.h>

#include "runtime/base/log.h"
#include "runtime/config.h"

#define NS_PER_SEC 1000000000ull

void drop_alert_init(struct drop_alert *d, const struct config *cfg)
{
	memset(d, 0, sizeof(*d));
	d->actions = cfg->drop_actions ? cfg->drop_actions : CONFIG_DROP_IGNORE;
	d->threshold = cfg->drop_threshold;
	d->rate = cfg->drop_rate;
	d->max_tokens = cfg->drop_max_burst;
	d->tokens = d->max_tokens;
	d->simulate = cfg->drop_simulate;
	if (d->simulate)
		d->threshold = 0;
}

/* One token when the bucket has it, refilled at `rate` a second of event
 * time up to max_tokens. */
static bool claim(struct drop_alert *d, uint64_t ts)
{
	if (d->bucket_ts && ts > d->bucket_ts)
		d->tokens += d->rate * (double)(ts - d->bucket_ts) / 1e9;
	else if (!d->bucket_ts)
		d->tokens = d->max_tokens;
	d->bucket_ts = ts;
	if (d->tokens > d->max_tokens)
		d->tokens = d->max_tokens;
	if (d->tokens < 1)
		return false;
	d->tokens -= 1;
	return true;
}

static enum drop_action first_action(unsigned acts)
{
	if (acts & CONFIG_DROP_IGNORE)
		return DROP_ACT_IGNORE;
	if (acts & CONFIG_DROP_LOG)
		return DROP_ACT_LOG;
	if (acts & CONFIG_DROP_ALERT)
		return DROP_ACT_ALERT;
	return DROP_ACT_EXIT;
}

enum drop_action drop_alert_check(struct drop_alert *d, uint64_t ts, const struct drop_counts *now,
				  struct drop_counts *delta)
{
	bool first = !d->next_check;

	d->next_check = ts + NS_PER_SEC;
	if (first)
		return DROP_ACT_NONE;
	delta->n_evts = now->n_evts - d->last.n_evts;
	delta->n_drops = now->n_drops - d->last.n_drops;
	delta->n_drops_buffer = now->n_drops_buffer - d->last.n_drops_buffer;
	d->last = *now;
	if (d->simulate) {
		log_info("Simulating syscall event drop");
		delta->n_drops++;
	}
	/* with no event counted, any drop is above the threshold */
	if (!delta->n_drops ||
	    (delta->n_evts && (double)delta->n_drops / (double)delta->n_evts <= d->threshold))
		return DROP_ACT_NONE;
	d->detected++;
	if (!claim(d, ts)) {
		log_debug("Syscall event drop but token bucket depleted, skipping actions");
		return DROP_ACT_NONE;
	}
	d->taken++;
	return first_action(d->actions);
}
