/* The follow loop: digest checks, installs of new versions, state on
 * disk, reload signals, counters. */
#include "runtime/artifact/follow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/artifact/art_state.h"
#include "runtime/base/log.h"

static pid_t target_pid(const struct follow_opts *o)
{
	char buf[32] = "";
	long v;
	FILE *f;

	if (o->pid > 0 || !o->pidfile)
		return o->pid;
	f = fopen(o->pidfile, "r");
	if (!f) {
		log_error("follow: pid file %s: %s", o->pidfile, strerror(errno));
		return -1;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	v = strtol(buf, NULL, 10);
	if (v <= 0) {
		log_error("follow: pid file %s holds no pid", o->pidfile);
		return -1;
	}
	return (pid_t)v;
}

static void reload(const struct follow_opts *o, struct follow_stats *st)
{
	pid_t pid = target_pid(o);

	if (!pid) {
		log_info("follow: no saker to reload configured");
		return;
	}
	if (pid < 0 || kill(pid, SIGHUP)) {
		if (pid > 0)
			log_error("follow: SIGHUP to pid %d: %s", (int)pid, strerror(errno));
		st->failures++;
		return;
	}
	st->reloads++;
	log_info("follow: asked saker (pid %d) to reload its rules", (int)pid);
}

/* One reference: 1 when a new version was installed, 0 when unchanged,
 * -errno on a failure. */
static int check(const struct follow_opts *o, const char *ref, struct follow_stats *st)
{
	struct install_target t;
	char have[DIGEST_STR_LEN] = "", got[DIGEST_STR_LEN];
	int err;

	st->checks++;
	if ((err = install_resolve(o->inst, ref, &t)))
		goto fail;
	if (o->state_dir && !art_state_read(o->state_dir, ref, have) && !strcmp(have, t.digest)) {
		install_target_release(&t);
		return 0;
	}
	log_info("follow: %s: new version %s", ref, t.digest);
	install_target_release(&t);
	if ((err = install_artifact(o->inst, ref, got)))
		goto fail;
	if (o->state_dir && (err = art_state_write(o->state_dir, ref, got)))
		goto fail;
	st->updates++;
	return 1;
fail:
	st->failures++;
	log_error("follow: %s: check failed (%s); the installed files and running rules are untouched "
		  "(failures %lu)", ref, strerror(-err), st->failures);
	return err;
}

int follow_run(const struct follow_opts *o, struct follow_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned round = 0; !*o->stop && (!o->max_rounds || round < o->max_rounds); round++) {
		bool changed = false;

		for (size_t i = 0; i < o->nrefs && !*o->stop; i++)
			if (check(o, o->refs[i], st) > 0)
				changed = true;
		if (changed)
			reload(o, st);
		if (o->max_rounds && round + 1 >= o->max_rounds)
			break;
		for (unsigned long ms = 0; ms < o->every_ms && !*o->stop; ms += 100) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	log_info("follow: checks %lu, updates %lu, failures %lu, reloads %lu", st->checks,
		 st->updates, st->failures, st->reloads);
	return 0;
}
