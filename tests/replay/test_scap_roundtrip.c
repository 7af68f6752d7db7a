/* Round trip of the capture writer. Each shared capture is read into a
 * state seeded from its lists (as the engine seeds one), written out with
 * its events, and read back: the threads, their fds, the users and groups,
 * the machine info and every event of the written file must equal those of
 * the original. A file written from a written file must be the same bytes.
 * Write failures (a full device) come back as -ENOSPC, and events too large
 * for libscap's small read buffer go in LARGE event blocks. */
#include "runtime/scap.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/common/shared_dir.h"

#include "runtime/base/evt.h"
#include "state/state.h"

#define CAPS SAKER_SHARED_DIR "/falco/captures"
#define SMALL_CAPTURE (1u << 20)	/* on disk; smaller ones are also written gzip */

/* ---- helpers ------------------------------------------------------------ */

static struct state *new_state(void)
{
	struct state_opts o = { .sz = sizeof(o), .host_users = false };
	struct state *st = NULL;

	assert_int_equal(state__new(&o, &st), 0);
	return st;
}

/* Opens path with its lists seeded into st (NULL: lists ignored). */
static struct scap_reader *open_capture(const char *path, struct state *st)
{
	struct scap_cb cb;
	struct scap_reader *r = NULL;
	struct scap_err err;
	int ret;

	scap_seed_cb(st, &cb);
	ret = scap_reader__open(path, st ? &cb : NULL, &r, &err);

	if (ret)
		fail_msg("%s: %d at offset %llu: %s", path, ret, (unsigned long long)err.off,
			 err.msg);
	return r;
}

static void temp_path(char *buf, size_t n)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(buf, n, "%s/saker-roundtrip-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(buf);
	assert_true(fd >= 0);
	close(fd);
}

/* Writes the state st and the events of r to path; the event count. */
static uint64_t write_capture(const char *path, bool gzip, struct scap_reader *r,
			      struct state *st)
{
	struct scap_writer_opts o = { .sz = sizeof(o), .gzip = gzip, .level = 1 };
	struct scap_writer *w = NULL;
	struct scap_err err;
	struct evt e;
	uint64_t n = 0;
	int ret;

	assert_int_equal(scap_writer__open(path, &o, scap_reader__machine(r), st, &w), 0);
	while (!(ret = scap_reader__next(r, &e, &err))) {
		assert_int_equal(scap_writer__write(w, &e), 0);
		n++;
	}
	if (ret != 1)
		fail_msg("event %llu: %d at offset %llu: %s", (unsigned long long)n, ret,
			 (unsigned long long)err.off, err.msg);
	assert_int_equal(scap_writer__close(w), 0);
	return n;
}

static void str_eq(const char *a, const char *b)
{
	assert_string_equal(a ? a : "", b ? b : "");
}

static void blob_eq(const struct thr_blob *a, const struct thr_blob *b)
{
	assert_int_equal(a->len, b->len);
	if (a->len)
		assert_memory_equal(a->p, b->p, a->len);
}

/* ---- comparing states --------------------------------------------------- */

struct thr_list {
	const struct thr **v;
	size_t n, cap;
};

static int collect_thread(void *ctx, const struct thr *t)
{
	struct thr_list *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = t;
	return 0;
}

struct fd_list {
	struct fdi *v;
	size_t n, cap;
};

static int collect_fd(void *ctx, const struct fdi *f)
{
	struct fd_list *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = *f;
	return 0;
}

static void thread_eq(const struct thr *a, const struct thr *b)
{
	assert_int_equal(a->tid, b->tid);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->ptid, b->ptid);
	assert_int_equal(a->sid, b->sid);
	assert_int_equal(a->pgid, b->pgid);
	assert_int_equal(a->vtid, b->vtid);
	assert_int_equal(a->vpid, b->vpid);
	assert_int_equal(a->vpgid, b->vpgid);
	assert_int_equal(a->loginuid, b->loginuid);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->tty, b->tty);
	assert_int_equal(a->cap_permitted, b->cap_permitted);
	assert_int_equal(a->cap_effective, b->cap_effective);
	assert_int_equal(a->cap_inheritable, b->cap_inheritable);
	assert_int_equal(a->pidns_init_start_ts, b->pidns_init_start_ts);
	assert_int_equal(a->exe_ino, b->exe_ino);
	assert_int_equal(a->exe_ino_ctime, b->exe_ino_ctime);
	assert_int_equal(a->exe_ino_mtime, b->exe_ino_mtime);
	assert_int_equal(a->vmsize_kb, b->vmsize_kb);
	assert_int_equal(a->vmrss_kb, b->vmrss_kb);
	assert_int_equal(a->vmswap_kb, b->vmswap_kb);
	assert_int_equal(a->pfmajor, b->pfmajor);
	assert_int_equal(a->pfminor, b->pfminor);
	assert_int_equal(a->fdlimit, b->fdlimit);
	str_eq(a->comm, b->comm);
	str_eq(a->exe, b->exe);
	str_eq(a->exepath, b->exepath);
	str_eq(a->cwd, b->cwd);
	str_eq(a->root, b->root);
	str_eq(a->container_id, b->container_id);
	blob_eq(&a->args, &b->args);
	blob_eq(&a->env, &b->env);
	blob_eq(&a->cgroups, &b->cgroups);
}

static void fd_eq(const struct fdi *a, const struct fdi *b)
{
	assert_int_equal(a->num, b->num);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->name_len, b->name_len);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->role, b->role);
	assert_int_equal(a->l4proto, b->l4proto);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->open_flags, b->open_flags);
	assert_int_equal(a->dev, b->dev);
	assert_int_equal(a->ino, b->ino);
	assert_memory_equal(a->src.addr, b->src.addr, 16);
	assert_memory_equal(a->dst.addr, b->dst.addr, 16);
	assert_int_equal(a->src.port, b->src.port);
	assert_int_equal(a->dst.port, b->dst.port);
	assert_int_equal(a->unix_src, b->unix_src);
	assert_int_equal(a->unix_dst, b->unix_dst);
}

struct cred_cmp {
	struct state *other;
	size_t n;
};

static int user_in_other(void *ctx, const struct state_user *u)
{
	struct cred_cmp *c = ctx;
	const struct state_user *o = state__user(c->other, u->uid);

	assert_non_null(o);
	assert_int_equal(u->gid, o->gid);
	str_eq(u->name, o->name);
	str_eq(u->homedir, o->homedir);
	str_eq(u->shell, o->shell);
	c->n++;
	return 0;
}

static int group_in_other(void *ctx, const struct state_group *g)
{
	struct cred_cmp *c = ctx;
	const struct state_group *o = state__group(c->other, g->gid);

	assert_non_null(o);
	str_eq(g->name, o->name);
	c->n++;
	return 0;
}

static int count_user(void *ctx, const struct state_user *u)
{
	(void)u;
	++*(size_t *)ctx;
	return 0;
}

static int count_group(void *ctx, const struct state_group *g)
{
	(void)g;
	++*(size_t *)ctx;
	return 0;
}

/* a and b hold the same threads, fds, users and groups. The counts of
 * threads, fds (of every process) and users in a go to the optional
 * out-params. */
static void states_eq(struct state *a, struct state *b, size_t *nthreads, size_t *nfds,
		      size_t *nusers)
{
	struct thr_list la = { 0 }, lb = { 0 };
	struct cred_cmp cc = { .other = b };
	size_t fds = 0, n = 0;

	state__thread_foreach(a, collect_thread, &la);
	state__thread_foreach(b, collect_thread, &lb);
	assert_int_equal(la.n, lb.n);
	for (size_t i = 0; i < la.n; i++) {
		const struct thr *ta = la.v[i], *tb = state__thread(b, ta->tid);
		struct fd_list fa = { 0 }, fb = { 0 };
		bool counted = false;	/* with its leader */

		if (!tb)
			fail_msg("thread %lld is missing after the round trip", (long long)ta->tid);
		thread_eq(ta, tb);
		/* fds belong to the process: a thread's are its leader's. (A thread
		 * seeded before its leader has a table of its own on the first
		 * read; the written file has leaders first.) */
		if (ta->tid != ta->pid && state__thread(a, ta->pid)) {
			ta = state__thread(a, ta->pid);
			tb = state__thread(b, ta->tid);
			assert_non_null(tb);
			counted = true;
		}
		state__fd_foreach(a, ta, collect_fd, &fa);
		state__fd_foreach(b, tb, collect_fd, &fb);
		if (fa.n != fb.n)
			fail_msg("thread %lld: %zu fds before, %zu after", (long long)ta->tid, fa.n,
				 fb.n);
		for (size_t k = 0; k < fa.n; k++)
			fd_eq(&fa.v[k], &fb.v[k]);
		fds += counted ? 0 : fa.n;
		free(fa.v);
		free(fb.v);
	}
	state__user_foreach(a, user_in_other, &cc);
	state__group_foreach(a, group_in_other, &cc);
	state__user_foreach(b, count_user, &n);
	state__group_foreach(b, count_group, &n);
	assert_int_equal(cc.n, n);
	if (nthreads)
		*nthreads = la.n;
	if (nfds)
		*nfds = fds;
	if (nusers)
		*nusers = n;
	free(la.v);
	free(lb.v);
}

static void machine_eq(const struct scap_machine *a, const struct scap_machine *b)
{
	assert_int_equal(a->num_cpus, b->num_cpus);
	assert_int_equal(a->memory_size_bytes, b->memory_size_bytes);
	assert_int_equal(a->max_pid, b->max_pid);
	assert_string_equal(a->hostname, b->hostname);
	assert_int_equal(a->boot_time_ns, b->boot_time_ns);
}

/* Every event of a and b, in order, with the same header and bytes. */
static uint64_t events_eq(struct scap_reader *a, struct scap_reader *b)
{
	struct scap_err ea, eb;
	struct evt x, y;
	uint64_t n = 0;

	for (;; n++) {
		int ra = scap_reader__next(a, &x, &ea), rb = scap_reader__next(b, &y, &eb);

		if (ra < 0 || rb < 0)
			fail_msg("event %llu: %d (%s) / %d (%s)", (unsigned long long)n, ra, ea.msg, rb,
				 eb.msg);
		assert_int_equal(ra, rb);
		if (ra == 1)
			return n;
		assert_int_equal(x.type, y.type);
		assert_int_equal(x.ts, y.ts);
		assert_int_equal(x.tid, y.tid);
		assert_int_equal(x.cpu, y.cpu);
		assert_int_equal(x.flags, y.flags);
		assert_int_equal(x.len, y.len);
		assert_int_equal(x.nparams, y.nparams);
		assert_true(x.info == y.info);
		if (x.info) {
			for (uint32_t i = 0; i < x.nparams; i++) {
				uint32_t lx, ly;
				const uint8_t *px = evt_param(&x, i, &lx), *py = evt_param(&y, i, &ly);

				assert_int_equal(lx, ly);
				if (lx)
					assert_memory_equal(px, py, lx);
			}
		}
		assert_memory_equal(x.raw, y.raw, x.len);
	}
}

/* ---- tests -------------------------------------------------------------- */

/* Reads path, writes it to a temp file (gzip or not), reads that back and
 * compares both. */
static void round_trip(const char *path, bool gzip)
{
	struct state *orig = new_state(), *back = new_state();
	struct scap_reader *r = open_capture(path, orig), *a, *b;
	size_t nthr, nfd, nusr;
	uint64_t written, compared;
	char tmp[4096];

	temp_path(tmp, sizeof(tmp));
	written = write_capture(tmp, gzip, r, orig);
	b = open_capture(tmp, back);
	machine_eq(scap_reader__machine(r), scap_reader__machine(b));
	scap_reader__free(r);
	states_eq(orig, back, &nthr, &nfd, &nusr);
	a = open_capture(path, NULL);
	compared = events_eq(a, b);
	assert_int_equal(written, compared);
	assert_true(compared > 100);
	assert_true(nthr > 0);
	assert_true(nfd > 0);
	print_message("    %s%s: %zu threads, %zu fds, %zu users/groups, %llu events\n",
		      strrchr(path, '/') + 1, gzip ? " (gzip)" : "", nthr, nfd, nusr,
		      (unsigned long long)compared);
	scap_reader__free(a);
	scap_reader__free(b);
	state__free(orig);
	state__free(back);
	unlink(tmp);
}

struct capture {
	char path[1024];
	off_t size;
};

static int capture_cmp(const void *a, const void *b)
{
	return strcmp(((const struct capture *)a)->path, ((const struct capture *)b)->path);
}

/* The shared captures, sorted by name; the count in *n. */
static struct capture *list_captures(size_t *n)
{
	DIR *d = opendir(CAPS);
	struct capture *v = NULL;
	struct dirent *de;
	size_t cap = 0;

	*n = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct stat sb;

		if (de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		snprintf(v[*n].path, sizeof(v[*n].path), "%s/%s", CAPS, de->d_name);
		if (stat(v[*n].path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		v[(*n)++].size = sb.st_size;
	}
	closedir(d);
	assert_true(*n > 0);
	qsort(v, *n, sizeof(*v), capture_cmp);
	return v;
}

static void every_capture_round_trips(void **state)
{
	size_t n;
	struct capture *caps;

	SKIP_WITHOUT_SHARED();
	caps = list_captures(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		round_trip(caps[i].path, false);
		if (caps[i].size < SMALL_CAPTURE)
			round_trip(caps[i].path, true);
	}
	free(caps);
}

static void read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	*buf = malloc((size_t)n);
	assert_non_null(*buf);
	assert_int_equal(fread(*buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
}

/* What the writer writes from a file it wrote is the same file: nothing is
 * lost or reordered on the second trip. */
static void second_generation_is_identical(void **state)
{
	size_t n;
	struct capture *caps;

	SKIP_WITHOUT_SHARED();
	caps = list_captures(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct state *s1, *s2;
		struct scap_reader *r;
		char t1[4096], t2[4096];
		uint8_t *b1, *b2;
		size_t l1, l2;

		if (caps[i].size >= SMALL_CAPTURE)
			continue;
		s1 = new_state();
		s2 = new_state();
		temp_path(t1, sizeof(t1));
		temp_path(t2, sizeof(t2));
		r = open_capture(caps[i].path, s1);
		write_capture(t1, false, r, s1);
		scap_reader__free(r);
		r = open_capture(t1, s2);
		write_capture(t2, false, r, s2);
		scap_reader__free(r);
		read_file(t1, &b1, &l1);
		read_file(t2, &b2, &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(b1, b2, l1);
		free(b1);
		free(b2);
		unlink(t1);
		unlink(t2);
		state__free(s1);
		state__free(s2);
	}
	free(caps);
}

/* A record of type type with the given parameter lengths (zero bytes). */
static uint8_t *make_record(uint16_t type, const uint16_t *lens, uint32_t np, struct evt *e)
{
	uint32_t len = 26 + 2 * np;
	struct ppm_hdr h = { .ts = 1000, .tid = 42, .type = type, .nparams = np };
	uint8_t *p;

	for (uint32_t i = 0; i < np; i++)
		len += lens[i];
	p = calloc(1, len);
	assert_non_null(p);
	h.len = len;
	memcpy(p, &h, sizeof(h));
	memcpy(p + 26, lens, 2 * np);
	for (uint32_t i = 26 + 2 * np; i < len; i++)
		p[i] = (uint8_t)i;
	assert_true(evt_decode(e, p, len) == 0 || e->info == NULL);
	e->cpu = 3;
	e->flags = 0;
	return p;
}

static void full_device_reports_enospc(void **state)
{
	static const uint16_t lens[2] = { 8, 100 };
	struct scap_writer_opts plain = { .sz = sizeof(plain) };
	struct scap_writer_opts gz = { .sz = sizeof(gz), .gzip = true, .level = 1 };
	struct scap_writer *w = NULL;
	struct evt e;
	uint8_t *rec;
	int err = 0, i;

	(void)state;
	if (access("/dev/full", W_OK))
		skip();
	rec = make_record(PPME_GENERIC_X, lens, 2, &e);
	/* the failure shows in the write that fills the buffer, then stays */
	assert_int_equal(scap_writer__open("/dev/full", &plain, NULL, NULL, &w), 0);
	for (i = 0; i < 1000000 && !err; i++)
		err = scap_writer__write(w, &e);
	assert_int_equal(err, -ENOSPC);
	assert_int_equal(scap_writer__write(w, &e), -ENOSPC);
	assert_int_equal(scap_writer__close(w), -ENOSPC);
	/* a header alone fails at close */
	assert_int_equal(scap_writer__open("/dev/full", &plain, NULL, NULL, &w), 0);
	assert_int_equal(scap_writer__close(w), -ENOSPC);
	assert_int_equal(scap_writer__open("/dev/full", &gz, NULL, NULL, &w), 0);
	assert_int_equal(scap_writer__write(w, &e), 0);
	assert_int_equal(scap_writer__close(w), -ENOSPC);
	free(rec);
}

/* Events whose block would pass libscap's 64 KiB read buffer go in LARGE
 * event blocks; the others in the usual ones. Both read back the same. */
static void large_event_goes_in_large_block(void **state)
{
	static const uint16_t big[2] = { 40000, 40000 }, small[2] = { 8, 16 };
	struct scap_writer_opts o = { .sz = sizeof(o) };
	struct scap_writer *w = NULL;
	struct scap_reader *r;
	struct scap_err err;
	struct evt e1, e2, x;
	uint8_t *p1 = make_record(PPME_GENERIC_X, big, 2, &e1);
	uint8_t *p2 = make_record(PPME_GENERIC_X, small, 2, &e2);
	uint8_t *buf;
	size_t len, off = 0;
	uint32_t types[4], nblk = 0;
	char tmp[4096];

	(void)state;
	temp_path(tmp, sizeof(tmp));
	assert_int_equal(scap_writer__open(tmp, &o, NULL, NULL, &w), 0);
	assert_int_equal(scap_writer__write(w, &e1), 0);
	assert_int_equal(scap_writer__write(w, &e2), 0);
	assert_int_equal(scap_writer__close(w), 0);
	read_file(tmp, &buf, &len);
	while (off + 8 <= len && nblk < 4) {
		uint32_t h[2];

		memcpy(h, buf + off, 8);
		types[nblk++] = h[0];
		assert_true(h[1] % 4 == 0 && off + h[1] <= len);
		off += h[1];
	}
	assert_int_equal(off, len);
	assert_int_equal(nblk, 4);
	assert_int_equal(types[0], 0x0A0D0D0A);	/* section header */
	assert_int_equal(types[1], 0x201);	/* machine info */
	assert_int_equal(types[2], 0x222);	/* event with flags, large */
	assert_int_equal(types[3], 0x217);	/* event with flags */
	r = open_capture(tmp, NULL);
	assert_int_equal(scap_reader__next(r, &x, &err), 0);
	assert_int_equal(x.len, e1.len);
	assert_int_equal(x.cpu, 3);
	assert_memory_equal(x.raw, p1, e1.len);
	assert_int_equal(scap_reader__next(r, &x, &err), 0);
	assert_memory_equal(x.raw, p2, e2.len);
	assert_int_equal(scap_reader__next(r, &x, &err), 1);
	scap_reader__free(r);
	free(buf);
	free(p1);
	free(p2);
	unlink(tmp);
}

static const struct fdi *fd_of(struct state *st, int64_t tid, int64_t num)
{
	struct thr *t = state__thread(st, tid);

	assert_non_null(t);
	return state__fd(st, t, num);
}

static void add_fd(struct state *st, int64_t pid, struct fdi *f)
{
	f->name_len = (uint32_t)strlen(f->name);
	assert_int_equal(state__seed_fd(st, pid, f), 0);
}

/* Every kind of fd, a thread sharing its leader's fds, a thread without
 * its leader, and strings longer than libscap reads, through a file. */
static void every_fd_kind_and_long_strings(void **state)
{
	static const struct {
		uint8_t type, back;
		const char *name;
	} named[] = {
		{ FDI_DIRECTORY, FDI_DIRECTORY, "/tmp" }, { FDI_PIPE, FDI_PIPE, "pipe:[123]" },
		{ FDI_EVENT, FDI_EVENT, "anon_inode:[eventfd]" },
		{ FDI_SIGNALFD, FDI_SIGNALFD, "anon_inode:[signalfd]" },
		{ FDI_EVENTPOLL, FDI_EVENTPOLL, "anon_inode:[eventpoll]" },
		{ FDI_INOTIFY, FDI_INOTIFY, "anon_inode:inotify" },
		{ FDI_TIMERFD, FDI_TIMERFD, "anon_inode:[timerfd]" },
		{ FDI_NETLINK, FDI_NETLINK, "" }, { FDI_BPF, FDI_BPF, "anon_inode:bpf-map" },
		{ FDI_USERFAULTFD, FDI_USERFAULTFD, "anon_inode:[userfaultfd]" },
		{ FDI_IOURING, FDI_IOURING, "anon_inode:[io_uring]" },
		{ FDI_MEMFD, FDI_MEMFD, "memfd:x" }, { FDI_PIDFD, FDI_PIDFD, "anon_inode:[pidfd]" },
		{ FDI_UNKNOWN, FDI_UNKNOWN, "?" },
		/* no libscap type of its own: unsupported, read back as unknown */
		{ FDI_RAW_SOCK, FDI_UNKNOWN, "" },
	};
	struct state *a = new_state(), *b = new_state();
	struct scap_writer_opts o = { .sz = sizeof(o) };
	struct scap_writer *w = NULL;
	struct scap_reader *r;
	char exe[2000], args[5000], fname[2000], uname[300], tmp[4096];
	struct state_thr_seed t = {
		.tid = 100, .pid = 100, .ptid = 1, .sid = 100, .vpgid = 100, .pgid = 100,
		.vtid = 100, .vpid = 100, .loginuid = -1, .uid = 1000, .gid = 1000,
		.comm = "long", .exe = exe, .cwd = "/tmp", .root = "/",
		.args = { args, sizeof(args) }, .fdlimit = 1024,
	};
	struct state_user u = { .uid = 1000, .gid = 1000, .name = uname, .homedir = "/home/u",
				.shell = "/bin/sh" };
	struct state_group g = { .gid = 50, .name = "staff" };
	struct fdi f;
	const struct fdi *x;
	const struct thr *tb;
	int64_t num = 10;

	(void)state;
	memset(exe, 'e', sizeof(exe) - 1);
	exe[sizeof(exe) - 1] = '\0';
	memset(args, 'a', sizeof(args));
	for (size_t i = 9; i < sizeof(args); i += 10)
		args[i] = '\0';
	memset(fname, 'f', sizeof(fname) - 1);
	fname[0] = '/';
	fname[sizeof(fname) - 1] = '\0';
	memset(uname, 'u', sizeof(uname) - 1);
	uname[sizeof(uname) - 1] = '\0';
	assert_int_equal(state__seed_thread(a, &t), 0);
	t.tid = 101;	/* a thread of 100 */
	assert_int_equal(state__seed_thread(a, &t), 0);
	t.tid = 200;	/* a thread of 150, which the state does not have */
	t.pid = 150;
	assert_int_equal(state__seed_thread(a, &t), 0);
	assert_int_equal(state__seed_user(a, &u), 0);
	assert_int_equal(state__seed_group(a, &g), 0);

	f = (struct fdi){ .num = 0, .type = FDI_FILE, .name = "/etc/passwd", .open_flags = 1,
			  .dev = 0x803, .ino = 77 };
	add_fd(a, 100, &f);
	f = (struct fdi){ .num = 1, .type = FDI_FILE, .name = fname };
	add_fd(a, 100, &f);
	f = (struct fdi){ .num = 2, .type = FDI_IPV4_SOCK, .family = 2, .l4proto = 6,
			  .src = { { 10, 0, 0, 1 }, 40000 }, .dst = { { 10, 0, 0, 2 }, 80 },
			  .name = "" };
	add_fd(a, 100, &f);
	f = (struct fdi){ .num = 3, .type = FDI_IPV4_SOCK, .family = 2, .l4proto = 6,
			  .role = FDI_ROLE_SERVER, .flags = FDI_F_LISTENING,
			  .dst = { { 0 }, 8080 }, .name = "" };
	add_fd(a, 100, &f);
	f = (struct fdi){ .num = 4, .type = FDI_IPV6_SOCK, .family = 10, .l4proto = 17,
			  .src = { { [15] = 1 }, 5000 }, .dst = { { [15] = 1 }, 53 }, .name = "" };
	add_fd(a, 100, &f);
	f = (struct fdi){ .num = 5, .type = FDI_IPV6_SOCK, .family = 10, .l4proto = 6,
			  .role = FDI_ROLE_SERVER, .flags = FDI_F_LISTENING,
			  .dst = { { 0 }, 443 }, .name = "" };
	add_fd(a, 100, &f);
	f = (struct fdi){ .num = 6, .type = FDI_UNIX_SOCK, .family = 1, .unix_src = 0xabc,
			  .unix_dst = 0xdef, .name = "/run/x.sock" };
	add_fd(a, 100, &f);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		f = (struct fdi){ .num = num++, .type = named[i].type, .name = named[i].name };
		add_fd(a, 100, &f);
	}
	f = (struct fdi){ .num = 3, .type = FDI_PIPE, .name = "pipe:[9]" };
	add_fd(a, 200, &f);

	temp_path(tmp, sizeof(tmp));
	assert_int_equal(scap_writer__open(tmp, &o, NULL, a, &w), 0);
	assert_int_equal(scap_writer__close(w), 0);
	r = open_capture(tmp, b);

	tb = state__thread(b, 100);
	assert_non_null(tb);
	assert_int_equal(strlen(tb->exe), 1024);
	assert_int_equal(tb->args.len, 4096);
	assert_memory_equal(tb->args.p, args, 4095);
	assert_int_equal(tb->args.p[4095], '\0');
	assert_string_equal(tb->cwd, "/tmp/");
	assert_int_equal(tb->loginuid, -1);
	assert_non_null(state__thread(b, 101));
	assert_int_equal(state__thread(b, 101)->pid, 100);
	assert_int_equal(state__thread(b, 200)->pid, 150);
	assert_null(state__thread(b, 150));
	assert_int_equal(state__fd_count(b, state__thread(b, 100)), 7 + (num - 10));
	assert_int_equal(state__fd_count(b, state__thread(b, 101)), 7 + (num - 10));
	assert_int_equal(state__fd_count(b, state__thread(b, 200)), 1);
	assert_string_equal(fd_of(b, 200, 3)->name, "pipe:[9]");

	x = fd_of(b, 101, 0);
	assert_int_equal(x->type, FDI_FILE);
	assert_string_equal(x->name, "/etc/passwd");
	assert_int_equal(x->open_flags, 1);
	assert_int_equal(x->dev, 0x803);
	assert_int_equal(x->ino, 77);
	x = fd_of(b, 100, 1);
	assert_int_equal(x->name_len, 1023);
	assert_memory_equal(x->name, fname, 1023);
	x = fd_of(b, 100, 2);
	assert_int_equal(x->type, FDI_IPV4_SOCK);
	assert_string_equal(x->name, "10.0.0.1:40000->10.0.0.2:80");
	assert_int_equal(x->l4proto, 6);
	x = fd_of(b, 100, 3);
	assert_string_equal(x->name, "0.0.0.0:8080");
	assert_int_equal(x->role, FDI_ROLE_SERVER);
	assert_true(x->flags & FDI_F_LISTENING);
	x = fd_of(b, 100, 4);
	assert_int_equal(x->type, FDI_IPV6_SOCK);
	assert_string_equal(x->name, "::1:5000->::1:53");
	assert_int_equal(x->l4proto, 17);
	x = fd_of(b, 100, 5);
	assert_string_equal(x->name, ":::443");
	assert_true(x->flags & FDI_F_LISTENING);
	x = fd_of(b, 100, 6);
	assert_int_equal(x->type, FDI_UNIX_SOCK);
	assert_string_equal(x->name, "/run/x.sock");
	assert_int_equal(x->unix_src, 0xabc);
	assert_int_equal(x->unix_dst, 0xdef);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		x = fd_of(b, 100, 10 + (int64_t)i);
		assert_non_null(x);
		assert_int_equal(x->type, named[i].back);
		assert_string_equal(x->name, named[i].name);
	}
	assert_int_equal(strlen(state__user(b, 1000)->name), 255);
	assert_string_equal(state__user(b, 1000)->shell, "/bin/sh");
	assert_string_equal(state__group(b, 50)->name, "staff");

	scap_reader__free(r);
	state__free(a);
	state__free(b);
	unlink(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_capture_round_trips),
		cmocka_unit_test(second_generation_is_identical),
		cmocka_unit_test(every_fd_kind_and_long_strings),
		cmocka_unit_test(full_device_reports_enospc),
		cmocka_unit_test(large_event_goes_in_large_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
