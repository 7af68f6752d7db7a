/* The start-up scan of /proc that seeds the state before the live probe
 * attaches, as Falco's libscap does when it opens a live source: every
 * thread of every process (<proc>/<pid>/task/<tid>), the fds of every
 * process (<proc>/<pid>/fd, sockets resolved against the socket tables of
 * the process's network namespace), then the users and groups, and with
 * proc_root "/proc" the host's interface addresses. Owns no
 * state of its own: everything goes through state__seed_*. Prefix
 * proc_scan_.
 *
 * What each thread field is read from, and where it follows Falco, is told
 * at the top of proc_scan.c. Users and groups: with proc_root "/proc" the
 * host's name service (getpwent/getgrent, as libscap without a host root);
 * with any other proc_root, the files etc/passwd and etc/group next to it
 * ("/host/proc" reads "/host/etc/passwd"), so a test can hand a prepared
 * tree. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct state;

struct proc_scan_stats {
	uint64_t threads;	/* threads seeded */
	uint64_t fds;		/* fds seeded */
	uint64_t vanished;	/* threads gone mid-scan (ENOENT/ESRCH): skipped silently */
	uint64_t skipped;	/* kernel threads and zombies (no cmdline, no exe): Falco skips them */
	uint64_t errors;	/* threads or fd tables not read for another reason; the first in err */
	uint64_t rejected;	/* entries a state__seed_* call refused (out of memory) */
	uint64_t users, groups;	/* seeded */
	uint64_t netns;		/* network namespaces whose socket tables were read */
	uint64_t ifaces;	/* interface addresses of the host (proc_root "/proc" only) */
};

/* Scans proc_root ("/proc" normally) into st. Returns 0 when the scan
 * ran (per-thread problems are counted in out, the first one described in
 * err with its path), or -errno when proc_root cannot be read at all or
 * memory ran out (err says why). out and err may be NULL. */
int proc_scan(struct state *st, const char *proc_root, struct proc_scan_stats *out,
	      char *err, size_t errlen);
