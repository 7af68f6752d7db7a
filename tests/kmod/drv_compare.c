/* The driver comparison of the kmod suite: two captures of the same
 * scenarios (tests/probe/test_probe_events.c run once with the probe, once
 * with the kernel module, SAKER_TEST_RECORD) compared event by event.
 *
 * Events are compared per thread, the threads named by descent from the
 * test's main thread ("T", its children "T.1", "T.2" in the order it
 * created them, theirs "T.1.1"...), so the runs' different thread ids and
 * interleavings across CPUs do not matter. Each thread's two sequences are
 * aligned by event type (longest common subsequence); an event without a
 * partner fails, a pair passes when every parameter is equal after the
 * normalisations below, which name what differs by nature between two runs
 * or two readers and why.
 *
 *   saker_drv_compare PROBE.scap KMOD.scap
 *
 * The one event expected in one stream only: the module's reader switches
 * the syscall set with an ioctl on its device, where the probe's writes
 * the probe's memory; such ioctls of the second capture are listed apart.
 *
 * Prints the events compared, each difference, and `N passed, N failed`;
 * exits 1 when any event failed. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/shared/ppm_events.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_fmt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/strbuf.h"
#include "runtime/scap.h"

/* socket_families values of bpf/shared/flags.def, as tuples carry them */
#define FAM_UNIX 0x1
#define FAM_INET 0x2
#define FAM_INET6 0xa

#define MAX_THREADS 256
#define NAME_LEN 48

/* Parameters not compared, and why. */
static const struct {
	const char *name;
	const char *why;
} ignored[] = {
	{ "vm_size", "the reader's own memory differs between drivers (ring mappings, the probe's maps)" },
	{ "vm_rss", "as vm_size" },
	{ "vm_swap", "as vm_size" },
	{ "pgft_maj", "page faults depend on the reader's memory and the page cache of each run" },
	{ "pgft_min", "as pgft_maj" },
};

/* Values compared by identity, not by value: a value seen first in one
 * capture must stand where its counterpart stands first in the other. */
enum ident {
	ID_INO,		/* inode numbers of the files each run creates anew (per thread:
			 * the threads interleave differently in each run) */
	ID_PORT,	/* ephemeral ports the kernel picks per connection */
	ID_KPTR,	/* kernel addresses of unix sockets */
	ID_ADDR,	/* mapping addresses: the readers' own mappings differ (per process) */
	ID_MAX,
};

struct ident_map {
	char key[ID_MAX][64][NAME_LEN];	/* scope (process name or ""), per class */
	uint64_t val[ID_MAX][4096];
	char scope[ID_MAX][4096][NAME_LEN];
	uint32_t n[ID_MAX];
};

/* fds by what created them: the k-th fd a process created is "f<k>" for
 * as long as its number is not reused. The numbers follow the reader's
 * own fds, which differ by nature (the probe holds hundreds of program
 * and map fds, the module one). fds no event created keep their number. */
#define MAX_FDS 4096
struct fd_label {
	char scope[NAME_LEN];
	int64_t fd;
	uint32_t label;
};

struct cap {
	struct fd_label fds[MAX_FDS];
	uint32_t nfds;
	char scopes[MAX_THREADS][NAME_LEN];
	uint32_t ncreated[MAX_THREADS];
	uint32_t nscopes;
	const char *path;
	uint8_t **rec;
	uint32_t n;
	int64_t tid[MAX_THREADS];
	char name[MAX_THREADS][NAME_LEN];
	uint32_t nchildren[MAX_THREADS];
	uint32_t nthreads;
	struct ident_map *ids;
};

static void decode(struct evt *e, const uint8_t *rec)
{
	uint32_t len;

	memcpy(&len, rec + 16, 4);
	evt_decode(e, rec, len);
}

static int load(struct cap *c, const char *path)
{
	struct scap_cb cb = { 0 };
	struct scap_reader *r;
	struct scap_err se = { 0 };
	struct evt e;
	uint32_t cap = 0;
	int ret;

	c->path = path;
	ret = scap_reader__open(path, &cb, &r, &se);
	if (ret) {
		fprintf(stderr, "%s: offset %" PRIu64 ": %s\n", path, se.off,
			ret == -EINVAL ? se.msg : strerror(-ret));
		return ret;
	}
	while ((ret = scap_reader__next(r, &e, &se)) == 0) {
		if (c->n == cap) {
			cap = cap ? 2 * cap : 4096;
			c->rec = realloc(c->rec, cap * sizeof(*c->rec));
		}
		c->rec[c->n] = malloc(e.len);
		memcpy(c->rec[c->n++], e.raw, e.len);
	}
	scap_reader__free(r);
	if (ret != 1) {
		fprintf(stderr, "%s: offset %" PRIu64 ": %s\n", path, se.off, se.msg);
		return -EINVAL;
	}
	c->ids = calloc(1, sizeof(*c->ids));
	return c->ids ? 0 : -ENOMEM;
}

static int thread_of(const struct cap *c, int64_t tid)
{
	for (uint32_t i = 0; i < c->nthreads; i++)
		if (c->tid[i] == tid)
			return (int)i;
	return -1;
}

static bool is_clone(uint16_t type)
{
	return type == PPME_SYSCALL_CLONE_20_X || type == PPME_SYSCALL_CLONE3_X ||
	       type == PPME_SYSCALL_FORK_20_X || type == PPME_SYSCALL_VFORK_20_X;
}

/* Names the test's threads: the main one is the thread with most events;
 * a child is named after its parent's clone event that returned its id. */
static void name_threads(struct cap *c)
{
	int64_t best = 0;
	uint32_t best_n = 0;
	struct evt e;
	bool grew = true;

	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t k = 0;

		decode(&e, c->rec[i]);
		for (uint32_t j = 0; j < c->n && k <= best_n; j++) {
			int64_t t;

			memcpy(&t, c->rec[j] + 8, 8);
			k += t == e.tid;
		}
		if (k > best_n) {
			best_n = k;
			best = e.tid;
		}
	}
	c->tid[0] = best;
	snprintf(c->name[0], NAME_LEN, "T");
	c->nthreads = 1;
	while (grew) {
		grew = false;
		memset(c->nchildren, 0, sizeof(c->nchildren));
		for (uint32_t i = 0; i < c->n; i++) {
			int64_t child;
			int p;

			decode(&e, c->rec[i]);
			if (!e.info || !is_clone(e.type) || (p = thread_of(c, e.tid)) < 0 ||
			    !evt_param_s64(&e, 0, &child) || child <= 0)
				continue;
			c->nchildren[p]++;
			if (thread_of(c, child) >= 0 || c->nthreads == MAX_THREADS)
				continue;
			char parent[NAME_LEN];

			memcpy(parent, c->name[p], NAME_LEN);
			c->tid[c->nthreads] = child;
			snprintf(c->name[c->nthreads], NAME_LEN, "%.40s.%u", parent, c->nchildren[p]);
			c->nthreads++;
			grew = true;
		}
	}
}

/* The ordinal of v in class id of scope: its place among the values of
 * that class in the order they first appeared. */
static uint32_t ident(struct ident_map *m, enum ident id, const char *scope, uint64_t v)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < m->n[id]; i++) {
		if (strcmp(m->scope[id][i], scope))
			continue;
		if (m->val[id][i] == v)
			return k;
		k++;
	}
	if (m->n[id] < 4096) {
		m->val[id][m->n[id]] = v;
		snprintf(m->scope[id][m->n[id]], NAME_LEN, "%s", scope);
		m->n[id]++;
	}
	return k;
}

/* The fds a scope has created so far. */
static uint32_t *created_in(struct cap *c, const char *scope)
{
	for (uint32_t i = 0; i < c->nscopes; i++)
		if (!strcmp(c->scopes[i], scope))
			return &c->ncreated[i];
	if (c->nscopes == MAX_THREADS)
		return &c->ncreated[0];
	snprintf(c->scopes[c->nscopes], NAME_LEN, "%s", scope);
	return &c->ncreated[c->nscopes++];
}

static void fd_name(struct strbuf *sb, struct cap *c, const char *scope, const struct evt *e,
		    const char *param, int64_t fd)
{
	bool created = (e->info->flags & EVF_CREATES_FD) &&
		       (!strcmp(param, "fd") || !strcmp(param, "res") || !strcmp(param, "fd1") ||
			!strcmp(param, "fd2"));
	uint32_t i;

	for (i = 0; i < c->nfds; i++)
		if (c->fds[i].fd == fd && !strcmp(c->fds[i].scope, scope))
			break;
	if (created) {
		uint32_t label = (*created_in(c, scope))++;

		if (i == c->nfds && c->nfds < MAX_FDS) {
			snprintf(c->fds[i].scope, NAME_LEN, "%s", scope);
			c->fds[i].fd = fd;
			c->nfds++;
		}
		if (i < c->nfds)
			c->fds[i].label = label;
		strbuf_printf(sb, "f%u", label);
	} else if (i < c->nfds) {
		strbuf_printf(sb, "f%u", c->fds[i].label);
	} else {
		strbuf_printf(sb, "%" PRId64, fd);
	}
}

/* The process of a thread name: threads here are processes of their own. */
static const char *scope_of(const char *thread)
{
	return thread;
}

static bool ignored_param(const char *name)
{
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (!strcmp(ignored[i].name, name))
			return true;
	return false;
}

static bool mem_event(const struct evt *e)
{
	return e->type == PPME_SYSCALL_MMAP_X || e->type == PPME_SYSCALL_MUNMAP_X ||
	       e->type == PPME_SYSCALL_MPROTECT_X || e->type == PPME_SYSCALL_BRK_4_X;
}

/* Socket tuples and addresses with their ports (and unix socket kernel
 * addresses) by identity. */
static void put_sock(struct strbuf *sb, struct cap *c, const uint8_t *p, uint32_t len, bool tuple)
{
	uint16_t port;
	uint64_t ptr;

	if (!len) {
		strbuf_adds(sb, "<empty>");
		return;
	}
	strbuf_printf(sb, "fam%u", p[0]);
	if (p[0] == FAM_INET && len >= (tuple ? 13u : 7u)) {
		for (int side = 0; side < (tuple ? 2 : 1); side++) {
			const uint8_t *q = p + 1 + 6 * side;

			memcpy(&port, q + 4, 2);
			strbuf_printf(sb, " %u.%u.%u.%u:port%u", q[0], q[1], q[2], q[3],
				      ident(c->ids, ID_PORT, "", port));
		}
	} else if (p[0] == FAM_INET6 && len >= (tuple ? 37u : 19u)) {
		for (int side = 0; side < (tuple ? 2 : 1); side++) {
			const uint8_t *q = p + 1 + 18 * side;

			memcpy(&port, q + 16, 2);
			strbuf_adds(sb, " ");
			for (int i = 0; i < 16; i++)
				strbuf_printf(sb, "%02x", q[i]);
			strbuf_printf(sb, ":port%u", ident(c->ids, ID_PORT, "", port));
		}
	} else if (p[0] == FAM_UNIX && tuple && len >= 17) {
		memcpy(&ptr, p + 1, 8);
		strbuf_printf(sb, " k%u", ptr ? ident(c->ids, ID_KPTR, "", ptr) + 1 : 0);
		memcpy(&ptr, p + 9, 8);
		strbuf_printf(sb, " k%u %.*s", ptr ? ident(c->ids, ID_KPTR, "", ptr) + 1 : 0,
			      (int)(len - 17), (const char *)p + 17);
	} else {
		for (uint32_t i = 1; i < len; i++)
			strbuf_printf(sb, "%02x", p[i]);
	}
}

/* Parameter i of e as compared: normalised text. */
static void norm_param(struct strbuf *sb, struct cap *c, const char *thread, const struct evt *e,
		       uint32_t i)
{
	const struct evt_param_info *pi = &e->info->params[i];
	uint32_t len = 0;
	const uint8_t *p = evt_param(e, i, &len);
	int64_t v = 0;
	int t;

	if (!p) {
		strbuf_adds(sb, "<absent>");
		return;
	}
	if (pi->type == PT_PID && len == 8) {
		memcpy(&v, p, 8);
		t = thread_of(c, v);
		if (t >= 0)
			strbuf_adds(sb, c->name[t]);
		else
			strbuf_printf(sb, "%" PRId64, v);
		return;
	}
	if (pi->type == PT_FD && len == 8) {
		memcpy(&v, p, 8);
		if (v >= 0)
			fd_name(sb, c, scope_of(thread), e, pi->name, v);
		else
			strbuf_printf(sb, "%" PRId64, v);
		return;
	}
	if ((!strcmp(pi->name, "ino") || !strcmp(pi->name, "exe_ino")) && len == 8) {
		memcpy(&v, p, 8);
		strbuf_printf(sb, "ino#%u",
			      v ? ident(c->ids, ID_INO, scope_of(thread), (uint64_t)v) + 1 : 0);
		return;
	}
	if (mem_event(e) && (!strcmp(pi->name, "res") || !strcmp(pi->name, "addr")) && len == 8) {
		memcpy(&v, p, 8);
		if (v > 0 && (uint64_t)v > 4096)
			strbuf_printf(sb, "addr#%u", ident(c->ids, ID_ADDR, scope_of(thread), (uint64_t)v));
		else
			strbuf_printf(sb, "%" PRId64, v);
		return;
	}
	if (e->type == PPME_SOCKET_SOCKETPAIR_X && (!strcmp(pi->name, "source") ||
						    !strcmp(pi->name, "peer")) && len == 8) {
		memcpy(&v, p, 8);
		strbuf_printf(sb, "k%u", v ? ident(c->ids, ID_KPTR, "", (uint64_t)v) + 1 : 0);
		return;
	}
	if (pi->type == PT_SOCKTUPLE || pi->type == PT_SOCKADDR) {
		put_sock(sb, c, p, len, pi->type == PT_SOCKTUPLE);
		return;
	}
	strbuf_printf(sb, "[%u]", len);
	evt_fmt_param(sb, e, i, NULL);
	if (pi->type == PT_BYTEBUF || pi->type == PT_CHARBUF || pi->type == PT_CHARBUFARRAY) {
		/* the bytes themselves, NULs included */
		strbuf_adds(sb, " =");
		for (uint32_t k = 0; k < len; k++)
			strbuf_printf(sb, "%02x", p[k]);
	}
}

struct seq {
	uint32_t *idx;
	uint32_t n;
};

static void thread_seq(const struct cap *c, int64_t tid, struct seq *s)
{
	struct evt e;

	s->idx = calloc(c->n ? c->n : 1, sizeof(*s->idx));
	s->n = 0;
	for (uint32_t i = 0; i < c->n; i++) {
		decode(&e, c->rec[i]);
		if (e.tid == tid)
			s->idx[s->n++] = i;
	}
}

static uint16_t type_at(const struct cap *c, uint32_t i)
{
	uint16_t t;

	memcpy(&t, c->rec[i] + 20, 2);
	return t;
}

static uint32_t passed, failed, other_a, other_b, control_b;
static uint32_t reported;

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	va_list ap;

	if (reported++ >= 60)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void compare_pair(struct cap *a, struct cap *b, const char *thread, uint32_t ia, uint32_t ib)
{
	struct evt ea, eb;
	bool ok = true;

	decode(&ea, a->rec[ia]);
	decode(&eb, b->rec[ib]);
	if (!ea.info || ea.nparams != eb.nparams) {
		report("FAIL %s: %s: %u parameters against %u\n", thread,
		       ea.info ? ea.info->name : "?", ea.nparams, eb.nparams);
		failed++;
		return;
	}
	for (uint32_t i = 0; i < ea.nparams && i < ea.info->nparams; i++) {
		struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;

		if (ignored_param(ea.info->params[i].name))
			continue;
		norm_param(&sa, a, thread, &ea, i);
		norm_param(&sb, b, thread, &eb, i);
		if (strcmp(sa.buf ? sa.buf : "", sb.buf ? sb.buf : "")) {
			report("FAIL %s: %s %s: %s | %s\n", thread, ea.info->name,
			       ea.info->params[i].name, sa.buf, sb.buf);
			ok = false;
		}
		strbuf_release(&sa);
		strbuf_release(&sb);
	}
	if (ok)
		passed++;
	else
		failed++;
}

/* An ioctl: how the module's reader talks to its device. */
static bool driver_control(const struct cap *c, uint32_t i)
{
	int k = evt_schema_syscall_by_name("ioctl");
	uint16_t id;
	struct evt e;

	decode(&e, c->rec[i]);
	return k >= 0 && e.type == PPME_GENERIC_X && evt_param_u16(&e, 0, &id) &&
	       id == evt_schema_syscall((size_t)k)->ppm_sc;
}

static void only_in(struct cap *c, const char *thread, uint32_t i)
{
	struct strbuf sb = STRBUF_INIT;
	struct evt e;

	decode(&e, c->rec[i]);
	evt_fmt_line(&sb, i, &e, thread, NULL);
	report("FAIL %s: only in %s: %.300s\n", thread, c->path, sb.buf ? sb.buf : "?");
	strbuf_release(&sb);
}

/* Aligns one thread's two sequences by event type and compares them. */
static void compare_thread(struct cap *a, struct cap *b, const char *thread, const struct seq *sa,
			   const struct seq *sb)
{
	uint32_t n = sa->n, m = sb->n, i, j;
	uint32_t *dp;

	if ((uint64_t)(n + 1) * (m + 1) > 64u << 20) {
		report("FAIL %s: %u and %u events, too many to align\n", thread, n, m);
		failed += n > m ? n : m;
		return;
	}
	dp = calloc((size_t)(n + 1) * (m + 1), sizeof(*dp));
#define DP(x, y) dp[(size_t)(x) * (m + 1) + (y)]
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			DP(i, j) = type_at(a, sa->idx[i]) == type_at(b, sb->idx[j]) ?
				   DP(i + 1, j + 1) + 1 :
				   (DP(i + 1, j) > DP(i, j + 1) ? DP(i + 1, j) : DP(i, j + 1));
	for (i = 0, j = 0; i < n || j < m;) {
		if (i < n && j < m && type_at(a, sa->idx[i]) == type_at(b, sb->idx[j])) {
			compare_pair(a, b, thread, sa->idx[i++], sb->idx[j++]);
		} else if (j == m || (i < n && DP(i + 1, j) >= DP(i, j + 1))) {
			only_in(a, thread, sa->idx[i]);
			failed++;
			i++;
		} else {
			if (driver_control(b, sb->idx[j])) {
				control_b++;
			} else {
				only_in(b, thread, sb->idx[j]);
				failed++;
			}
			j++;
		}
	}
#undef DP
	free(dp);
}

int main(int argc, char **argv)
{
	static struct cap a, b;
	uint32_t threads = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: saker_drv_compare PROBE.scap KMOD.scap\n");
		return 2;
	}
	if (load(&a, argv[1]) || load(&b, argv[2]))
		return 2;
	name_threads(&a);
	name_threads(&b);
	printf("not compared, by nature:\n");
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		printf("  %s: %s\n", ignored[i].name, ignored[i].why);
	printf("  timestamps, CPUs and thread ids: each run's own; threads are named by descent\n"
	       "  fds: by the event that created them (their numbers follow the reader's own fds)\n"
	       "  inode numbers, ports, unix socket and mapping addresses: by identity\n");
	for (uint32_t t = 0; t < a.nthreads; t++) {
		int tb = -1;
		struct seq sa, sb = { 0 };

		for (uint32_t k = 0; k < b.nthreads; k++)
			if (!strcmp(a.name[t], b.name[k]))
				tb = (int)k;
		thread_seq(&a, a.tid[t], &sa);
		if (tb >= 0)
			thread_seq(&b, b.tid[tb], &sb);
		compare_thread(&a, &b, a.name[t], &sa, &sb);
		threads++;
		free(sa.idx);
		free(sb.idx);
	}
	for (uint32_t k = 0; k < b.nthreads; k++) {
		bool found = false;

		for (uint32_t t = 0; t < a.nthreads; t++)
			found |= !strcmp(a.name[t], b.name[k]);
		if (!found) {
			struct seq sa = { 0 }, sb;

			thread_seq(&b, b.tid[k], &sb);
			compare_thread(&a, &b, b.name[k], &sa, &sb);
			free(sb.idx);
			threads++;
		}
	}
	for (uint32_t i = 0; i < a.n; i++) {
		struct evt e;

		decode(&e, a.rec[i]);
		other_a += thread_of(&a, e.tid) < 0;
	}
	for (uint32_t i = 0; i < b.n; i++) {
		struct evt e;

		decode(&e, b.rec[i]);
		other_b += thread_of(&b, e.tid) < 0;
	}
	printf("compared %u events of %u threads (%u and %u events of other processes left out, "
	       "%u ioctls of the module's reader)\n", passed + failed, threads, other_a, other_b,
	       control_b);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
