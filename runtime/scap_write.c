/* Capture-file writer (see scap.h): section header, machine info, user
 * list (UL V2), process list (PL V9), one fd list (FDL V2) per process,
 * then one event block with flags per event, in the layouts and order that
 * Falco's libscap writes, plain or gzip. The bytes go through a private
 * buffer to write(2) (through deflate for gzip), so that the first failure
 * is kept with its errno and returned by every later call and by close. */
#include <errno.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ppm_flags.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/scap.h"

#define SHB_TYPE 0x0A0D0D0Au
#define SHB_MAGIC 0x1A2B3C4Du
#define MI_TYPE 0x201u
#define PL_V9_TYPE 0x215u
#define FDL_V2_TYPE 0x218u
#define UL_V2_TYPE 0x220u
#define IL_TYPE 0x205u
#define EVF_V2_TYPE 0x217u
#define EVF_V2_LARGE_TYPE 0x222u

/* What libscap's reader accepts: strings of the process list up to
 * PATH_MAX_LEN bytes (args, env, cgroups up to LIST_MAX_LEN), fd names and
 * user strings shorter than FD_NAME_LIM and CRED_LIM, and event blocks
 * without the LARGE type up to READ_BUF_LEN bytes after their header. */
#define PATH_MAX_LEN 1024u
#define LIST_MAX_LEN 4096u
#define FD_NAME_LIM 1024u
#define CRED_LIM 256u
#define READ_BUF_LEN 65536u

/* The process list's flags word holds clone flags (PPM_CL_*), which saker
 * does not keep: a thread other than its process's leader gets
 * PPM_CL_CLONE_THREAD, the bit Falco tells threads by. (libscap's /proc
 * scan adds PPM_CL_CLONE_FILES, bit 0, which saker's reader would take for
 * THR_F_EXE_WRITABLE.) */

#define OUT_LEN (256u << 10)
#define PL_SPLIT (8u << 20)	/* a process list larger than this goes in several blocks */

/* A list block's body while it is built. */
struct body {
	uint8_t *p;
	size_t n, cap;
};

struct scap_writer {
	int fd;
	bool gzip;
	bool z_ready;
	bool no_env;
	z_stream z;
	uint8_t *out;		/* OUT_LEN bytes waiting for write(2) */
	size_t nout;
	int err;		/* the first failure, kept */
	struct body b;
};

/* ---- output ------------------------------------------------------------- */

static void flush_out(struct scap_writer *w)
{
	size_t off = 0;

	while (!w->err && off < w->nout) {
		ssize_t k = write(w->fd, w->out + off, w->nout - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			w->err = -errno;
		else if (k == 0)
			w->err = -EIO;
		else
			off += (size_t)k;
	}
	w->nout = 0;
}

/* Runs deflate over what z holds until it wants more input (flush
 * Z_NO_FLUSH) or has ended the stream (Z_FINISH). */
static void deflate_out(struct scap_writer *w, int flush)
{
	for (;;) {
		int zr;

		if (w->nout == OUT_LEN)
			flush_out(w);
		if (w->err)
			return;
		w->z.next_out = w->out + w->nout;
		w->z.avail_out = (uInt)(OUT_LEN - w->nout);
		zr = deflate(&w->z, flush);
		w->nout = OUT_LEN - w->z.avail_out;
		if (zr == Z_STREAM_END || (flush == Z_NO_FLUSH && !w->z.avail_in && w->z.avail_out))
			return;
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			w->err = -EIO;
			return;
		}
	}
}

static void put(struct scap_writer *w, const void *p, size_t n)
{
	const uint8_t *s = p;

	if (w->err || !n)
		return;
	if (w->gzip) {
		while (n && !w->err) {
			uInt k = n > (1u << 30) ? 1u << 30 : (uInt)n;

			w->z.next_in = (Bytef *)s;
			w->z.avail_in = k;
			deflate_out(w, Z_NO_FLUSH);
			s += k;
			n -= k;
		}
		return;
	}
	while (n && !w->err) {
		size_t k = OUT_LEN - w->nout < n ? OUT_LEN - w->nout : n;

		memcpy(w->out + w->nout, s, k);
		w->nout += k;
		s += k;
		n -= k;
		if (w->nout == OUT_LEN)
			flush_out(w);
	}
}

/* One block: header, the body pieces, padding to 4, trailing length. */
static void block(struct scap_writer *w, uint32_t type, const void *a, size_t alen, const void *b,
		  size_t blen)
{
	static const uint8_t zero[4];
	size_t body = alen + blen, pad = (4 - body % 4) % 4;
	uint32_t total = (uint32_t)(8 + body + pad + 4);

	put(w, &type, 4);
	put(w, &total, 4);
	put(w, a, alen);
	put(w, b, blen);
	put(w, zero, pad);
	put(w, &total, 4);
}

/* ---- block bodies ------------------------------------------------------- */

static void b_put(struct scap_writer *w, const void *p, size_t n)
{
	struct body *b = &w->b;

	if (w->err || !n)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *q;

		while (cap < b->n + n)
			cap *= 2;
		q = mem_realloc(b->p, cap);
		if (!q) {
			w->err = -ENOMEM;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void b_u8(struct scap_writer *w, uint8_t v)
{
	b_put(w, &v, 1);
}

static void b_u16(struct scap_writer *w, uint16_t v)
{
	b_put(w, &v, 2);
}

static void b_u32(struct scap_writer *w, uint32_t v)
{
	b_put(w, &v, 4);
}

static void b_u64(struct scap_writer *w, uint64_t v)
{
	b_put(w, &v, 8);
}

/* A string as a u16 length and its bytes, at most max of them, no NUL. */
static void b_str(struct scap_writer *w, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;

	b_u16(w, (uint16_t)n);
	b_put(w, s, n);
}

/* A NUL-separated list as a u16 length and its bytes; one longer than max
 * is cut to max bytes, the last one a NUL. */
static void b_blob(struct scap_writer *w, const struct thr_blob *bl, size_t max)
{
	size_t n = bl->p ? bl->len : 0;

	if (n <= max) {
		b_u16(w, (uint16_t)n);
		b_put(w, bl->p, n);
		return;
	}
	b_u16(w, (uint16_t)max);
	b_put(w, bl->p, max - 1);
	b_u8(w, 0);
}

/* Entries of the lists start with their own length, the u32 included:
 * entry_begin leaves room for it, entry_end fills it in. */
static size_t entry_begin(struct scap_writer *w)
{
	size_t at = w->b.n;

	b_u32(w, 0);
	return at;
}

static void entry_end(struct scap_writer *w, size_t at)
{
	uint32_t len = (uint32_t)(w->b.n - at);

	if (!w->err)
		memcpy(w->b.p + at, &len, 4);
}

static void emit_body(struct scap_writer *w, uint32_t type)
{
	if (!w->err)
		block(w, type, w->b.p, w->b.n, NULL, 0);
	w->b.n = 0;
}

/* ---- the lists ---------------------------------------------------------- */

static int user_entry(void *ctx, const struct state_user *u)
{
	struct scap_writer *w = ctx;
	size_t at = entry_begin(w);

	b_u8(w, 0);	/* a user */
	b_u32(w, u->uid);
	b_u32(w, u->gid);
	b_str(w, u->name, CRED_LIM - 1);
	b_str(w, u->homedir, CRED_LIM - 1);
	b_str(w, u->shell, CRED_LIM - 1);
	entry_end(w, at);
	return w->err;
}

static int group_entry(void *ctx, const struct state_group *g)
{
	struct scap_writer *w = ctx;
	size_t at = entry_begin(w);

	b_u8(w, 1);	/* a group */
	b_u32(w, g->gid);
	b_str(w, g->name, CRED_LIM - 1);
	entry_end(w, at);
	return w->err;
}

static void write_users(struct scap_writer *w, struct state *st)
{
	/* libscap keeps only the last user list block it reads: one block */
	state__user_foreach(st, user_entry, w);
	state__group_foreach(st, group_entry, w);
	if (w->b.n)
		emit_body(w, UL_V2_TYPE);
}

/* One interface list entry: type (1 IPv4, 2 IPv6), name length 0, the
 * address, netmask and broadcast (zero), link speed 0, no name. */
static int iface_entry(void *ctx, int family, const uint8_t *addr, const uint8_t *netmask)
{
	struct scap_writer *w = ctx;
	static const uint8_t zero[16];
	size_t n = family == AF_INET ? 4 : 16;

	b_u16(w, family == AF_INET ? 1 : 2);
	b_u16(w, 0);
	b_put(w, addr, n);
	b_put(w, netmask, n);
	b_put(w, zero, n);
	b_u64(w, 0);
	return w->err;
}

static void write_ifaces(struct scap_writer *w, struct state *st)
{
	state__iface_foreach(st, iface_entry, w);
	if (w->b.n)
		emit_body(w, IL_TYPE);
}

static void proc_entry(struct scap_writer *w, const struct thr *t)
{
	size_t at = entry_begin(w);

	b_u64(w, (uint64_t)t->tid);
	b_u64(w, (uint64_t)t->pid);
	b_u64(w, (uint64_t)t->ptid);
	b_u64(w, (uint64_t)t->sid);
	b_u64(w, (uint64_t)t->vpgid);
	b_str(w, t->comm, PATH_MAX_LEN);
	b_str(w, t->exe, PATH_MAX_LEN);
	b_str(w, t->exepath, PATH_MAX_LEN);
	b_blob(w, &t->args, LIST_MAX_LEN);
	b_str(w, t->cwd, PATH_MAX_LEN);
	b_u64(w, (uint64_t)t->fdlimit);
	b_u32(w, t->tid == t->pid ? 0 : PPM_CLONE_FLAGS_CLONE_THREAD);
	b_u32(w, t->uid);
	b_u32(w, t->gid);
	b_u32(w, t->vmsize_kb);
	b_u32(w, t->vmrss_kb);
	b_u32(w, t->vmswap_kb);
	b_u64(w, t->pfmajor);
	b_u64(w, t->pfminor);
	b_blob(w, w->no_env ? &(struct thr_blob){ 0 } : &t->env, LIST_MAX_LEN);
	b_u64(w, (uint64_t)t->vtid);
	b_u64(w, (uint64_t)t->vpid);
	b_blob(w, &t->cgroups, LIST_MAX_LEN);
	b_str(w, t->root, PATH_MAX_LEN);
	b_u64(w, t->pidns_init_start_ts);
	b_u32(w, t->tty);
	b_u32(w, t->loginuid < 0 || t->loginuid > UINT32_MAX ? UINT32_MAX : (uint32_t)t->loginuid);
	b_u8(w, !!(t->flags & THR_F_EXE_WRITABLE));
	b_u64(w, t->cap_inheritable);
	b_u64(w, t->cap_permitted);
	b_u64(w, t->cap_effective);
	b_u8(w, !!(t->flags & THR_F_EXE_UPPER_LAYER));
	b_u64(w, t->exe_ino);
	b_u64(w, t->exe_ino_ctime);
	b_u64(w, t->exe_ino_mtime);
	b_u8(w, !!(t->flags & THR_F_EXE_FROM_MEMFD));
	b_u8(w, !!(t->flags & THR_F_EXE_LOWER_LAYER));
	b_u64(w, (uint64_t)t->pgid);
	entry_end(w, at);
}

static int fd_entry(void *ctx, const struct fdi *f)
{
	struct scap_writer *w = ctx;
	size_t at;
	uint8_t type = fdi_scap_type(f);

	at = entry_begin(w);
	b_u64(w, (uint64_t)f->num);
	b_u64(w, f->ino);
	b_u8(w, type);
	switch (type) {
	case SFD_IPV4_SOCK:
		b_put(w, f->src.addr, 4);
		b_put(w, f->dst.addr, 4);
		b_u16(w, f->src.port);
		b_u16(w, f->dst.port);
		b_u8(w, fdi_scap_l4(f->l4proto));
		break;
	case SFD_IPV4_SERVSOCK:
		b_put(w, f->dst.addr, 4);
		b_u16(w, f->dst.port);
		b_u8(w, fdi_scap_l4(f->l4proto));
		break;
	case SFD_IPV6_SOCK:
		b_put(w, f->src.addr, 16);
		b_put(w, f->dst.addr, 16);
		b_u16(w, f->src.port);
		b_u16(w, f->dst.port);
		b_u8(w, fdi_scap_l4(f->l4proto));
		break;
	case SFD_IPV6_SERVSOCK:
		b_put(w, f->dst.addr, 16);
		b_u16(w, f->dst.port);
		b_u8(w, fdi_scap_l4(f->l4proto));
		break;
	case SFD_UNIX_SOCK:
		b_u64(w, f->unix_src);
		b_u64(w, f->unix_dst);
		b_str(w, f->name, FD_NAME_LIM - 1);
		break;
	case SFD_FILE_V2:
		b_u32(w, f->open_flags);
		b_str(w, f->name, FD_NAME_LIM - 1);
		b_u32(w, f->dev);
		break;
	default:
		b_str(w, f->name, FD_NAME_LIM - 1);
		break;
	}
	entry_end(w, at);
	return w->err;
}

struct thr_vec {
	const struct thr **v;
	size_t n, cap;
};

static int collect_thread(void *ctx, const struct thr *t)
{
	struct thr_vec *tv = ctx;

	if (t->flags & THR_F_DEAD)
		return 0;	/* it would come back to life in a replay */
	if (tv->n == tv->cap) {
		size_t cap = tv->cap ? tv->cap * 2 : 256;
		const struct thr **v = mem_reallocarray(tv->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		tv->v = v;
		tv->cap = cap;
	}
	tv->v[tv->n++] = t;
	return 0;
}

/* By process, its leader first, then by tid: a reader meets every leader
 * before its threads (which share its fd table) and the output is stable. */
static int thr_cmp(const void *a, const void *b)
{
	const struct thr *x = *(const struct thr *const *)a, *y = *(const struct thr *const *)b;
	bool xl = x->tid == x->pid, yl = y->tid == y->pid;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (xl != yl)
		return xl ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

static void write_procs(struct scap_writer *w, struct state *st)
{
	struct thr_vec tv = { 0 };
	int err = state__thread_foreach(st, collect_thread, &tv);

	if (err) {
		w->err = err;
		goto out;
	}
	if (tv.n)	/* none: a plugin source's engine */
		qsort(tv.v, tv.n, sizeof(*tv.v), thr_cmp);
	for (size_t i = 0; i < tv.n && !w->err; i++) {
		proc_entry(w, tv.v[i]);
		if (w->b.n >= PL_SPLIT)
			emit_body(w, PL_V9_TYPE);
	}
	if (w->b.n)
		emit_body(w, PL_V9_TYPE);
	/* One fd list per process, under its leader (its threads share its
	 * table); a thread whose leader is not written gets a table of its
	 * own on the reading side, so its list goes under its own tid. */
	for (size_t i = 0, first = 0; i < tv.n && !w->err; i++) {
		const struct thr *t = tv.v[i];

		if (i && t->pid != tv.v[i - 1]->pid)
			first = i;
		if (t->tid != t->pid && tv.v[first]->tid == t->pid)
			continue;
		if (!state__fd_count(st, t))
			continue;
		b_u64(w, (uint64_t)t->tid);
		state__fd_foreach(st, t, fd_entry, w);
		emit_body(w, FDL_V2_TYPE);
	}
out:
	mem_free(tv.v);
}

/* ---- the writer --------------------------------------------------------- */

static void write_header(struct scap_writer *w, const struct scap_machine *mi)
{
	/* machine info: num_cpus, memory size, max pid, hostname[128], boot
	 * time, flags and two reserved words, packed */
	uint8_t shb[16], mib[4 + 8 + 8 + 128 + 8 * 4] = { 0 };
	uint32_t magic = SHB_MAGIC;
	uint16_t major = 1, minor = 2;
	uint64_t section_len = UINT64_MAX;

	memcpy(shb, &magic, 4);
	memcpy(shb + 4, &major, 2);
	memcpy(shb + 6, &minor, 2);
	memcpy(shb + 8, &section_len, 8);
	block(w, SHB_TYPE, shb, sizeof(shb), NULL, 0);
	if (mi) {
		memcpy(mib, &mi->num_cpus, 4);
		memcpy(mib + 4, &mi->memory_size_bytes, 8);
		memcpy(mib + 12, &mi->max_pid, 8);
		memcpy(mib + 20, mi->hostname, strnlen(mi->hostname, 127));
		memcpy(mib + 148, &mi->boot_time_ns, 8);
	}
	block(w, MI_TYPE, mib, sizeof(mib), NULL, 0);
}

int scap_writer__open(const char *path, const struct scap_writer_opts *o,
		      const struct scap_machine *mi, struct state *st, struct scap_writer **out)
{
	struct scap_writer *w = mem_calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->fd = -1;
	w->no_env = o && o->no_env;
	w->out = mem_malloc(OUT_LEN);
	if (!w->out) {
		err = -ENOMEM;
		goto err_out;
	}
	if (o && o->gzip) {
		int level = o->level >= 1 && o->level <= 9 ? o->level : 3;

		/* window bits 15 + 16: a gzip wrapper, as gzopen writes */
		if (deflateInit2(&w->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			err = -ENOMEM;
			goto err_out;
		}
		w->gzip = w->z_ready = true;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (w->fd < 0) {
		err = -errno;
		goto err_out;
	}
	write_header(w, mi);
	if (st) {
		write_ifaces(w, st);
		write_users(w, st);
		write_procs(w, st);
	}
	mem_free(w->b.p);
	w->b = (struct body){ 0 };
	if (w->err) {
		err = w->err;
		goto err_out;
	}
	*out = w;
	return 0;
err_out:
	scap_writer__close(w);
	return err;
}

int scap_writer__write(struct scap_writer *w, const struct evt *e)
{
	uint8_t pre[6];
	uint16_t cpu = e->cpu;
	uint32_t flags = e->flags;
	size_t body = sizeof(pre) + (size_t)e->len;
	bool large = (e->info && (e->info->flags & EVF_LARGE_PAYLOAD)) ||
		     body + (4 - body % 4) % 4 + 4 > READ_BUF_LEN;

	if (w->err)
		return w->err;
	memcpy(pre, &cpu, 2);
	memcpy(pre + 2, &flags, 4);
	block(w, large ? EVF_V2_LARGE_TYPE : EVF_V2_TYPE, pre, sizeof(pre), e->raw, e->len);
	return w->err;
}

int scap_writer__close(struct scap_writer *w)
{
	int err;

	if (!w)
		return 0;
	if (w->fd >= 0) {
		if (w->z_ready && !w->err) {
			w->z.next_in = NULL;
			w->z.avail_in = 0;
			deflate_out(w, Z_FINISH);
		}
		flush_out(w);
		if (close(w->fd) && !w->err && errno != EINTR)
			w->err = -errno;
	}
	if (w->z_ready)
		deflateEnd(&w->z);
	err = w->err;
	mem_free(w->b.p);
	mem_free(w->out);
	mem_free(w);
	return err;
}
