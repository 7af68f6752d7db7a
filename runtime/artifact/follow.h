/* Following references: every interval, ask each one's current digest;
 * when it changed, install it (all checks, then atomic renames) and ask
 * the running saker to reload its rules (SIGHUP to a pid or a pid file).
 * A failure at any step leaves the installed files and the running rules
 * as they were; it is logged and counted. Prefix follow_. */
#pragma once
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/artifact/install.h"

struct follow_opts {
	const struct install_opts *inst;
	const char *const *refs;
	size_t nrefs;
	unsigned long every_ms;	/* between two checks */
	const char *state_dir;		/* last installed digests */
	pid_t pid;			/* saker to signal, 0: none */
	const char *pidfile;		/* or read its pid from here */
	unsigned max_rounds;		/* 0: until *stop */
	volatile sig_atomic_t *stop;
};

struct follow_stats {
	unsigned long checks;		/* reference checks made */
	unsigned long updates;		/* new versions installed */
	unsigned long failures;		/* checks or installs that failed */
	unsigned long reloads;		/* reload signals sent */
};

/* Runs until *stop (or max_rounds rounds). 0, or -errno on a setup error. */
int follow_run(const struct follow_opts *o, struct follow_stats *st);
