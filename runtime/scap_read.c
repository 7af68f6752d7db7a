/* Capture-file reader (see scap.h): block framing, the header lists
 * (machine info, process lists V1..V9, fd lists V1/V2, user lists V1/V2,
 * interface lists) and event blocks in every variant, from plain or
 * gzip files. Every length is checked against what is left of its block.
 * A file is read ahead by its feed (scap_feed.c) and its events decoded
 * where they lie in the feed's chunks; only a block that straddles two
 * chunks is gathered into a buffer. */
#include <errno.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <zlib.h>

#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"
#include "runtime/scap.h"
#include "runtime/scap_convert.h"
#include "runtime/scap_feed.h"

enum {
	SHB = 0x0A0D0D0A, SHB_MAGIC = 0x1A2B3C4D,
	MI = 0x201, MI_INT = 0x8002ABCD,
	PL_V1 = 0x202, PL_V1_INT = 0x8000ABCD, PL_V2 = 0x207, PL_V2_INT = 0x8013ABCD,
	PL_V3 = 0x209, PL_V3_INT = 0x8014ABCD, PL_V4 = 0x210, PL_V5 = 0x211, PL_V6 = 0x212,
	PL_V7 = 0x213, PL_V8 = 0x214, PL_V9 = 0x215,
	FDL = 0x203, FDL_INT = 0x8001ABCD, FDL_V2 = 0x218,
	EV = 0x204, EV_INT = 0x8010ABCD, EV_V2 = 0x216, EV_V2_LARGE = 0x221,
	EVF = 0x208, EVF_V2 = 0x217, EVF_V2_LARGE = 0x222,
	IL = 0x205, IL_INT = 0x8011ABCD, IL_V2 = 0x219,
	UL = 0x206, UL_INT = 0x8012ABCD, UL_V2 = 0x220,
};

#define MAX_BLOCK (256u << 20)	/* larger blocks are taken as corruption */
#define V1_HDR_LEN 22		/* event header without nparams */

struct scap_reader {
	struct scap_feed *feed;		/* file source (scap_feed.c), or NULL */
	uint8_t *inflated;		/* owned copy of inflated gzip memory */
	const uint8_t *cur, *end;	/* the bytes not yet read: of the memory
					 * source (or its inflated copy), or of the
					 * feed's current chunk */
	const uint8_t *body;		/* the current block's body: in place, or blk */
	uint64_t off;			/* stream offset of the next block */
	uint8_t *blk;			/* a block body gathered across chunks */
	size_t blk_cap;
	uint8_t *conv;			/* v1 events: header rewritten with nparams */
	size_t conv_cap;
	struct scap_cb cb;
	struct scap_machine mi;
	struct scap_conv *cv;		/* older layouts upgraded as read */
	struct evt cv_evt;
	bool pending;			/* body holds an event block already read */
	uint32_t hdr[2];		/* its type and body length */
};

/* ---- input -------------------------------------------------------------- */

/* How far ahead of the reader its next bytes are asked into the cache: far
 * enough for the next few events. */
#define PREFETCH_AHEAD 512

/* take() when the n bytes are not all in r->cur..r->end: gathered from the
 * feed's chunks into *gather. */
static long take_slow(struct scap_reader *r, size_t n, const uint8_t **p, uint8_t **gather,
		      size_t *cap)
{
	size_t got = 0, k;

	if (!r->feed) {
		/* a memory source: what is left */
		n = (size_t)(r->end - r->cur);
		*p = r->cur;
		r->cur = r->end;
		return (long)n;
	}
	if (n > *cap) {
		uint8_t *b = mem_realloc(*gather, n);

		if (!b)
			return -ENOMEM;
		*gather = b;
		*cap = n;
	}
	for (;;) {
		k = (size_t)(r->end - r->cur);
		if (k > n - got)
			k = n - got;
		if (k) {
			memcpy(*gather + got, r->cur, k);
			r->cur += k;
			got += k;
		}
		if (got == n)
			break;
		k = scap_feed_next(r->feed, &r->cur);
		if (!k) {
			r->cur = r->end = NULL;
			if (scap_feed_error(r->feed))
				return scap_feed_error(r->feed);
			break;
		}
		r->end = r->cur + k;
	}
	*p = *gather;
	return (long)got;
}

/* The next n bytes of the stream, in place when they lie in one piece (a
 * memory source, or one chunk of the feed), else gathered into *gather
 * (grown to *cap): *p points at them, valid until the next take. The count
 * there (fewer than n at the end of the stream), the feed's -errno on a
 * read error, -ENOMEM. */
static inline long take(struct scap_reader *r, size_t n, const uint8_t **p, uint8_t **gather,
			size_t *cap)
{
	if (__builtin_expect((size_t)(r->end - r->cur) >= n, 1)) {
		*p = r->cur;
		r->cur += n;
		__builtin_prefetch(r->cur + PREFETCH_AHEAD);
		return (long)n;
	}
	return take_slow(r, n, p, gather, cap);
}

static int fail(struct scap_err *err, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct scap_err *err, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	err->off = off;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Reads the next block; body (without header, with trailer checked) at
 * r->body, its length in *blen. 1 at a clean end of stream. */
static int read_block(struct scap_reader *r, uint32_t *type, uint32_t *blen, struct scap_err *err)
{
	uint32_t h[2], trailer, total;
	uint8_t hb[8], *hg = hb;
	size_t hcap = sizeof(hb);
	const uint8_t *p;
	long k;

	if (r->pending) {
		/* the first event block, read while opening */
		r->pending = false;
		*type = r->hdr[0];
		*blen = r->hdr[1];
		return 0;
	}
	k = take(r, sizeof(h), &p, &hg, &hcap);
	if (k == -ENOMEM)
		return -ENOMEM;
	if (k < 0)
		return fail(err, r->off, "read error: %s", strerror((int)-k));
	if (k == 0)
		return 1;
	if (k != sizeof(h))
		return fail(err, r->off, "truncated block header: expected 8 bytes, %ld left", k);
	memcpy(h, p, sizeof(h));
	total = h[1];
	if (total < 12 || total > MAX_BLOCK)
		return fail(err, r->off, "block of type 0x%x has a bad length %u", h[0], total);
	k = take(r, total - 8, &r->body, &r->blk, &r->blk_cap);
	if (k == -ENOMEM)
		return -ENOMEM;
	if (k < 0)
		return fail(err, r->off, "read error: %s", strerror((int)-k));
	if ((uint32_t)k != total - 8)
		return fail(err, r->off + 8, "truncated block of type 0x%x: expected %u bytes, %ld left",
			    h[0], total - 8, k);
	memcpy(&trailer, r->body + total - 12, 4);
	if (trailer != total)
		return fail(err, r->off + total - 4,
			    "block of type 0x%x: trailing length %u does not match %u", h[0], trailer,
			    total);
	*type = h[0];
	*blen = total - 12;
	r->off += total;
	return 0;
}

/* ---- a cursor over a block body ----------------------------------------- */

struct cur {
	const uint8_t *p;
	uint32_t n, pos;
	uint64_t base;		/* stream offset of p[0] */
	const char *what;	/* "process list entry", ... */
	struct scap_err *err;
	bool bad;
};

static bool need(struct cur *c, uint32_t k, const char *field)
{
	if (c->bad)
		return false;
	if (k > c->n - c->pos) {
		fail(c->err, c->base + c->pos, "truncated %s: %s needs %u bytes, %u left", c->what,
		     field, k, c->n - c->pos);
		c->bad = true;
		return false;
	}
	return true;
}

#define GETTER(name, type)                                                  \
	static type name(struct cur *c, const char *field)                 \
	{                                                                   \
		type v = 0;                                                 \
		if (need(c, sizeof(v), field)) {                            \
			memcpy(&v, c->p + c->pos, sizeof(v));               \
			c->pos += sizeof(v);                                \
		}                                                           \
		return v;                                                   \
	}
GETTER(get_u8, uint8_t)
GETTER(get_u16, uint16_t)
GETTER(get_u32, uint32_t)
GETTER(get_u64, uint64_t)

/* A u16-length string, copied NUL-terminated into a fresh buffer the
 * caller frees. */
static char *get_str(struct cur *c, const char *field, uint32_t *len)
{
	uint16_t n = get_u16(c, field);
	char *s;

	if (!need(c, n, field))
		return NULL;
	s = mem_malloc((size_t)n + 1);
	if (!s) {
		c->bad = true;
		c->err->off = c->base + c->pos;
		snprintf(c->err->msg, sizeof(c->err->msg), "out of memory");
		return NULL;
	}
	memcpy(s, c->p + c->pos, n);
	s[n] = '\0';
	c->pos += n;
	if (len)
		*len = n;
	return s;
}

/* ---- header lists ------------------------------------------------------- */

static int pl_version(uint32_t t)
{
	switch (t) {
	case PL_V1: case PL_V1_INT: return 1;
	case PL_V2: case PL_V2_INT: return 2;
	case PL_V3: case PL_V3_INT: return 3;
	case PL_V4: return 4;
	case PL_V5: return 5;
	case PL_V6: return 6;
	case PL_V7: return 7;
	case PL_V8: return 8;
	case PL_V9: return 9;
	default: return 0;
	}
}

/* Blobs end with a NUL per item; a last item without one gets it. */
static struct thr_blob blob_of(char *s, uint32_t n)
{
	return (struct thr_blob){ .p = s, .len = n && s[n - 1] != '\0' ? n + 1 : n };
}

static int read_proc_entry(struct scap_reader *r, struct cur *c, int v)
{
	struct state_thr_seed t = { 0 };
	char *comm = NULL, *exe = NULL, *exepath = NULL, *args = NULL, *cwd = NULL, *env = NULL;
	char *cgroups = NULL, *root = NULL;
	uint32_t sub_len = 0, start = c->pos, n, clone_flags;
	int ret = 0;

	t.vtid = t.vpid = t.sid = t.vpgid = t.pgid = -1;
	t.loginuid = -1;
	if (v == 9)
		sub_len = get_u32(c, "entry length");
	t.tid = (int64_t)get_u64(c, "tid");
	t.pid = (int64_t)get_u64(c, "pid");
	t.ptid = (int64_t)get_u64(c, "ptid");
	if (v >= 6)
		t.sid = (int64_t)get_u64(c, "sid");
	if (v >= 8)
		t.vpgid = (int64_t)get_u64(c, "vpgid");
	comm = get_str(c, "comm", NULL);
	exe = get_str(c, "exe", NULL);
	if (v >= 7)
		exepath = get_str(c, "exepath", NULL);
	args = get_str(c, "args", &n);
	if (args)
		t.args = blob_of(args, n);
	cwd = get_str(c, "cwd", NULL);
	t.fdlimit = (int64_t)get_u64(c, "fdlimit");
	clone_flags = get_u32(c, "flags");	/* PPM_CL_*: not saker's THR_F_* */
	t.uid = get_u32(c, "uid");
	t.gid = get_u32(c, "gid");
	if (v >= 2) {
		t.vmsize_kb = get_u32(c, "vmsize");
		t.vmrss_kb = get_u32(c, "vmrss");
		t.vmswap_kb = get_u32(c, "vmswap");
		t.pfmajor = get_u64(c, "pfmajor");
		t.pfminor = get_u64(c, "pfminor");
	}
	if (v >= 3 && (env = get_str(c, "env", &n)))
		t.env = blob_of(env, n);
	if (v >= 4) {
		t.vtid = (int64_t)get_u64(c, "vtid");
		t.vpid = (int64_t)get_u64(c, "vpid");
		if ((cgroups = get_str(c, "cgroups", &n)))
			t.cgroups = blob_of(cgroups, n);
	}
	if (v >= 5)
		root = get_str(c, "root", NULL);
	if (v == 9 && !c->bad) {
		uint32_t used = c->pos - start;
		uint8_t b;

		if (sub_len < used) {
			ret = fail(c->err, c->base + start, "process list entry of tid %" PRId64
				   " is longer (%u bytes) than it says (%u)", t.tid, used, sub_len);
			goto out;
		}
		/* optional tail, each field present when the entry has room */
#define ROOM(k) (sub_len - (c->pos - start) >= (k))
		if (sub_len - used > 29) {
			if (ROOM(8))
				t.pidns_init_start_ts = get_u64(c, "pidns_init_start_ts");
			if (ROOM(4))
				t.tty = get_u32(c, "tty");
		}
		if (ROOM(4)) {
			uint32_t l = get_u32(c, "loginuid");

			t.loginuid = l == UINT32_MAX ? -1 : (int64_t)l;
		}
		if (ROOM(1) && (b = get_u8(c, "exe_writable")))
			t.flags |= THR_F_EXE_WRITABLE;
		if (ROOM(8))
			t.cap_inheritable = get_u64(c, "cap_inheritable");
		if (ROOM(8))
			t.cap_permitted = get_u64(c, "cap_permitted");
		if (ROOM(8))
			t.cap_effective = get_u64(c, "cap_effective");
		if (ROOM(1) && (b = get_u8(c, "exe_upper_layer")))
			t.flags |= THR_F_EXE_UPPER_LAYER;
		if (ROOM(8))
			t.exe_ino = get_u64(c, "exe_ino");
		if (ROOM(8))
			t.exe_ino_ctime = get_u64(c, "exe_ino_ctime");
		if (ROOM(8))
			t.exe_ino_mtime = get_u64(c, "exe_ino_mtime");
		if (ROOM(1) && (b = get_u8(c, "exe_from_memfd")))
			t.flags |= THR_F_EXE_FROM_MEMFD;
		if (ROOM(1) && (b = get_u8(c, "exe_lower_layer")))
			t.flags |= THR_F_EXE_LOWER_LAYER;
		if (ROOM(8))
			t.pgid = (int64_t)get_u64(c, "pgid");
#undef ROOM
		/* compared, not added: start + sub_len could wrap back into
		 * the block and read the same entries forever */
		if (sub_len > c->n - start) {
			ret = fail(c->err, c->base + start, "process list entry of tid %" PRId64
				   " says %u bytes, the block has %u left", t.tid, sub_len, c->n - start);
			goto out;
		}
		c->pos = start + sub_len;	/* skip what newer writers added */
	}
	if (c->bad) {
		ret = -EINVAL;
		goto out;
	}
	if (clone_flags & 0x20000000u)	/* PPM_CL_CHILD_IN_PIDNS */
		t.flags |= THR_F_CHILD_IN_PIDNS;
	t.comm = comm;
	t.exe = exe;
	t.exepath = exepath;	/* older lists have none, as for Falco */
	t.cwd = cwd;
	t.root = root;
	if (r->cb.thread)
		ret = r->cb.thread(r->cb.ctx, &t);
out:
	mem_free(comm);
	mem_free(exe);
	mem_free(exepath);
	mem_free(args);
	mem_free(cwd);
	mem_free(env);
	mem_free(cgroups);
	mem_free(root);
	return ret;
}

static uint8_t l4_proto(uint8_t scap_l4)
{
	switch (scap_l4) {
	case 2: return IPPROTO_TCP;
	case 3: return IPPROTO_UDP;
	case 4: return IPPROTO_ICMP;
	case 5: return IPPROTO_RAW;
	default: return 0;
	}
}

static void ep_text(char *buf, size_t n, int fam, const struct fdi_ep *ep)
{
	char a[64];

	inet_ntop(fam, ep->addr, a, sizeof(a));
	snprintf(buf, n, "%s:%u", a, ep->port);
}

static int read_fd_entry(struct scap_reader *r, struct cur *c, int64_t tid, bool v2)
{
	struct fdi f = { 0 };
	char namebuf[200], a[80], b[80], *fname = NULL;
	uint32_t sub_len = 0, start = c->pos;
	uint8_t type;
	int ret = 0;

	if (v2)
		sub_len = get_u32(c, "entry length");
	f.num = (int64_t)get_u64(c, "fd");
	f.ino = get_u64(c, "ino");
	type = get_u8(c, "type");
	namebuf[0] = '\0';
	switch (type) {
	case 3:	/* IPv4 socket */
	case 5:	/* IPv4 server socket */
		f.type = FDI_IPV4_SOCK;
		f.family = AF_INET;
		if (type == 3) {
			uint32_t sip = get_u32(c, "sip"), dip = get_u32(c, "dip");

			memcpy(f.src.addr, &sip, 4);
			memcpy(f.dst.addr, &dip, 4);
			f.src.port = get_u16(c, "sport");
			f.dst.port = get_u16(c, "dport");
			ep_text(a, sizeof(a), AF_INET, &f.src);
			ep_text(b, sizeof(b), AF_INET, &f.dst);
			snprintf(namebuf, sizeof(namebuf), "%s->%s", a, b);
		} else {
			uint32_t ip = get_u32(c, "ip");

			memcpy(f.dst.addr, &ip, 4);
			f.dst.port = get_u16(c, "port");
			f.role = FDI_ROLE_SERVER;
			f.flags |= FDI_F_LISTENING;
			ep_text(a, sizeof(a), AF_INET, &f.dst);
			snprintf(namebuf, sizeof(namebuf), "%s", a);
		}
		f.l4proto = l4_proto(get_u8(c, "l4proto"));
		break;
	case 4:	/* IPv6 socket */
	case 6:	/* IPv6 server socket */
		f.type = FDI_IPV6_SOCK;
		f.family = AF_INET6;
		if (type == 4) {
			if (need(c, 32, "addresses")) {
				memcpy(f.src.addr, c->p + c->pos, 16);
				memcpy(f.dst.addr, c->p + c->pos + 16, 16);
				c->pos += 32;
			}
			f.src.port = get_u16(c, "sport");
			f.dst.port = get_u16(c, "dport");
			ep_text(a, sizeof(a), AF_INET6, &f.src);
			ep_text(b, sizeof(b), AF_INET6, &f.dst);
			snprintf(namebuf, sizeof(namebuf), "%s->%s", a, b);
		} else {
			if (need(c, 16, "address")) {
				memcpy(f.dst.addr, c->p + c->pos, 16);
				c->pos += 16;
			}
			f.dst.port = get_u16(c, "port");
			f.role = FDI_ROLE_SERVER;
			f.flags |= FDI_F_LISTENING;
			ep_text(a, sizeof(a), AF_INET6, &f.dst);
			snprintf(namebuf, sizeof(namebuf), "%s", a);
		}
		f.l4proto = l4_proto(get_u8(c, "l4proto"));
		break;
	case 8:	/* unix socket */
		f.type = FDI_UNIX_SOCK;
		f.family = AF_UNIX;
		f.unix_src = get_u64(c, "source");
		f.unix_dst = get_u64(c, "destination");
		fname = get_str(c, "name", NULL);
		break;
	case 16:	/* file, with open flags */
		f.type = FDI_FILE;
		f.open_flags = get_u32(c, "open flags");
		fname = get_str(c, "name", NULL);
		if (v2 && sub_len >= c->pos - start + 4)
			f.dev = get_u32(c, "dev");
		break;
	default: {
		static const uint8_t map[] = {
			[1] = FDI_FILE, [2] = FDI_DIRECTORY, [7] = FDI_PIPE, [9] = FDI_EVENT,
			[10] = FDI_UNKNOWN, [11] = FDI_SIGNALFD, [12] = FDI_EVENTPOLL,
			[13] = FDI_INOTIFY, [14] = FDI_TIMERFD, [15] = FDI_NETLINK, [17] = FDI_BPF,
			[18] = FDI_USERFAULTFD, [19] = FDI_IOURING, [20] = FDI_MEMFD, [21] = FDI_PIDFD,
		};

		if (type == 0 || type >= sizeof(map))
			return fail(c->err, c->base + start, "fd list entry of fd %" PRId64
				    " has an unknown type %u", f.num, type);
		f.type = map[type];
		fname = get_str(c, "name", NULL);
		break;
	}
	}
	if (!c->bad && v2 && sub_len) {
		if (sub_len < c->pos - start) {
			ret = fail(c->err, c->base + start, "fd list entry of fd %" PRId64
				   " is longer than it says (%u bytes)", f.num, sub_len);
			goto out;
		}
		if (sub_len > c->n - start) {
			ret = fail(c->err, c->base + start, "fd list entry of fd %" PRId64
				   " says %u bytes, the block has %u left", f.num, sub_len, c->n - start);
			goto out;
		}
		c->pos = start + sub_len;
	}
	if (c->bad) {
		ret = -EINVAL;
		goto out;
	}
	f.name = fname ? fname : namebuf;
	f.name_len = (uint32_t)strlen(f.name);
	if (r->cb.fd)
		ret = r->cb.fd(r->cb.ctx, tid, &f);
out:
	mem_free(fname);
	return ret;
}

static int read_user_entry(struct scap_reader *r, struct cur *c, bool v2)
{
	uint32_t sub_len = 0, start = c->pos;
	char *name = NULL, *home = NULL, *shell = NULL;
	uint8_t type;
	int ret = 0;

	if (v2)
		sub_len = get_u32(c, "entry length");
	type = get_u8(c, "type");
	if (type == 0) {
		struct state_user u = { 0 };

		u.uid = get_u32(c, "uid");
		u.gid = get_u32(c, "gid");
		name = get_str(c, "name", NULL);
		home = get_str(c, "homedir", NULL);
		shell = get_str(c, "shell", NULL);
		u.name = name;
		u.homedir = home;
		u.shell = shell;
		if (!c->bad && r->cb.user)
			ret = r->cb.user(r->cb.ctx, &u);
	} else if (type == 1) {
		struct state_group g = { 0 };

		g.gid = get_u32(c, "gid");
		name = get_str(c, "name", NULL);
		g.name = name;
		if (!c->bad && r->cb.group)
			ret = r->cb.group(r->cb.ctx, &g);
	} else if (!c->bad) {
		ret = fail(c->err, c->base + start, "user list entry has an unknown type %u", type);
	}
	if (!ret && !c->bad && v2 && sub_len) {
		if (sub_len < c->pos - start || sub_len > c->n - start)
			ret = fail(c->err, c->base + start, "user list entry has a bad length %u, "
				   "the block has %u left", sub_len, c->n - start);
		else
			c->pos = start + sub_len;
	}
	if (c->bad && !ret)
		ret = -EINVAL;
	mem_free(name);
	mem_free(home);
	mem_free(shell);
	return ret;
}

/* One interface list entry: a type (1 IPv4, 2 IPv6; 3 and 4 the same
 * without the link speed), the name's length, address, netmask and
 * broadcast, the link speed, the name; in the V2 block each entry is
 * prefixed with its length. */
static int read_iface_entry(struct scap_reader *r, struct cur *c, bool v2)
{
	struct scap_iface i = { 0 };
	uint32_t start, len = 0, alen;
	uint16_t type, nlen;

	if (v2)
		len = get_u32(c, "entry length");
	start = c->pos;
	type = get_u16(c, "type");
	nlen = get_u16(c, "name length");
	if (c->bad)
		return -EINVAL;
	if (type < 1 || type > 4) {
		fail(c->err, c->base + start, "interface list: unknown interface type %u", type);
		c->bad = true;
		return -EINVAL;
	}
	i.family = type == 1 || type == 3 ? AF_INET : AF_INET6;
	alen = i.family == AF_INET ? 4 : 16;
	if (!need(c, 3 * alen + (type <= 2 ? 8 : 0) + nlen, "addresses and name"))
		return -EINVAL;
	memcpy(i.addr, c->p + c->pos, alen);
	memcpy(i.netmask, c->p + c->pos + alen, alen);
	memcpy(i.bcast, c->p + c->pos + 2 * alen, alen);
	c->pos += 3 * alen + (type <= 2 ? 8 : 0);
	memcpy(i.name, c->p + c->pos, nlen < sizeof(i.name) ? nlen : sizeof(i.name) - 1);
	c->pos += nlen;
	if (v2 && len >= c->pos - start && need(c, len - (c->pos - start), "entry"))
		c->pos = start + len;	/* skip what newer writers added */
	return r->cb.iface ? r->cb.iface(r->cb.ctx, &i) : 0;
}

/* One non-event block: applied through the callbacks, or skipped. */
static int read_list_block(struct scap_reader *r, uint32_t type, uint32_t blen,
			   struct scap_err *err)
{
	struct cur c = { .p = r->body, .n = blen, .base = r->off - blen - 4, .err = err };
	int v = pl_version(type), ret = 0;

	if (v) {
		c.what = "process list entry";
		while (!ret && c.n - c.pos >= 4 && !c.bad)
			ret = read_proc_entry(r, &c, v);
	} else if (type == FDL || type == FDL_INT || type == FDL_V2) {
		int64_t tid;

		c.what = "fd list";
		tid = (int64_t)get_u64(&c, "tid");
		while (!ret && c.n - c.pos >= 4 && !c.bad)
			ret = read_fd_entry(r, &c, tid, type == FDL_V2);
	} else if (type == UL || type == UL_INT || type == UL_V2) {
		c.what = "user list entry";
		while (!ret && c.n - c.pos >= 4 && !c.bad)
			ret = read_user_entry(r, &c, type == UL_V2);
	} else if (type == IL || type == IL_INT || type == IL_V2) {
		c.what = "interface list";
		while (!ret && c.n - c.pos >= 4 && !c.bad)
			ret = read_iface_entry(r, &c, type == IL_V2);
	} else if (type == MI || type == MI_INT) {
		c.what = "machine info";
		r->mi.num_cpus = get_u32(&c, "num_cpus");
		r->mi.memory_size_bytes = get_u64(&c, "memory size");
		r->mi.max_pid = get_u64(&c, "max pid");
		if (need(&c, 128, "hostname")) {
			memcpy(r->mi.hostname, c.p + c.pos, 128);
			r->mi.hostname[127] = '\0';
			c.pos += 128;
		}
		if (c.n - c.pos >= 8)
			r->mi.boot_time_ns = get_u64(&c, "boot time");
	}
	if (c.bad && !ret)
		ret = -EINVAL;
	return ret;
}

static bool is_event_block(uint32_t t)
{
	return t == EV || t == EV_INT || t == EV_V2 || t == EV_V2_LARGE || t == EVF || t == EVF_V2 ||
	       t == EVF_V2_LARGE;
}

/* ---- open --------------------------------------------------------------- */

static int read_header(struct scap_reader *r, struct scap_err *err)
{
	uint32_t type = 0, blen = 0, magic;
	int ret;

	ret = read_block(r, &type, &blen, err);
	if (ret == 1)
		return fail(err, 0, "empty file: expected a section header block");
	if (ret)
		return ret;
	if (type != SHB)
		return fail(err, 0, "not a capture file: first block has type 0x%x, expected the "
			    "section header 0x%x", type, SHB);
	if (blen < 16)
		return fail(err, 8, "section header too short: %u bytes", blen);
	memcpy(&magic, r->body, 4);
	if (magic != SHB_MAGIC)
		return fail(err, 8, "section header: byte-order magic 0x%x, expected 0x%x", magic,
			    SHB_MAGIC);
	for (;;) {
		ret = read_block(r, &type, &blen, err);
		if (ret == 1)
			return 0;	/* a capture without events */
		if (ret)
			return ret;
		if (is_event_block(type)) {
			/* Keep it, read, for the first scap_reader__next. */
			r->pending = true;
			r->hdr[0] = type;
			r->hdr[1] = blen;
			return 0;
		}
		ret = read_list_block(r, type, blen, err);
		if (ret)
			return ret;
	}
}

static int finish_open(struct scap_reader *r, const struct scap_cb *cb, struct scap_reader **out,
		       struct scap_err *err)
{
	int ret;

	if (cb)
		r->cb = *cb;
	ret = read_header(r, err);
	if (ret) {
		scap_reader__free(r);
		return ret;
	}
	*out = r;
	return 0;
}

int scap_reader__open(const char *path, const struct scap_cb *cb, struct scap_reader **out,
		      struct scap_err *err)
{
	struct scap_reader *r = mem_calloc(1, sizeof(*r));
	int ret;

	memset(err, 0, sizeof(*err));
	if (!r || !(r->cv = mem_calloc(1, sizeof(*r->cv)))) {
		mem_free(r);
		return -ENOMEM;
	}
	scap_conv__init(r->cv);
	ret = scap_feed__open(path, &r->feed);
	if (ret) {
		mem_free(r->cv);
		mem_free(r);
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(-ret));
		return ret;
	}
	return finish_open(r, cb, out, err);
}

/* Inflates a gzip buffer into an owned copy. */
static int inflate_all(struct scap_reader *r, const uint8_t *buf, size_t len, struct scap_err *err)
{
	z_stream z = { 0 };
	size_t cap = len * 4 + 4096, n = 0;
	int zr;

	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)buf;
	z.avail_in = (uInt)len;
	do {
		if (n == cap || !r->inflated) {
			uint8_t *p;

			if (r->inflated)
				cap *= 2;
			if (cap > MAX_BLOCK * 4ull) {
				inflateEnd(&z);
				return fail(err, n, "inflated data larger than %u bytes", MAX_BLOCK * 4);
			}
			p = mem_realloc(r->inflated, cap);
			if (!p) {
				inflateEnd(&z);
				return -ENOMEM;
			}
			r->inflated = p;
		}
		z.next_out = r->inflated + n;
		z.avail_out = (uInt)(cap - n);
		zr = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
	} while (zr == Z_OK);
	inflateEnd(&z);
	if (zr != Z_STREAM_END)
		return fail(err, n, "corrupt or truncated gzip data");
	r->cur = r->inflated;
	r->end = r->inflated + n;
	return 0;
}

int scap_reader__open_mem(const void *buf, size_t len, const struct scap_cb *cb,
			  struct scap_reader **out, struct scap_err *err)
{
	struct scap_reader *r = mem_calloc(1, sizeof(*r));
	const uint8_t *b = buf;
	int ret;

	memset(err, 0, sizeof(*err));
	if (!r || !(r->cv = mem_calloc(1, sizeof(*r->cv)))) {
		mem_free(r);
		return -ENOMEM;
	}
	scap_conv__init(r->cv);
	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
		ret = inflate_all(r, b, len, err);
		if (ret) {
			scap_reader__free(r);
			return ret;
		}
	} else {
		r->cur = b;
		r->end = b + len;
	}
	return finish_open(r, cb, out, err);
}

void scap_reader__free(struct scap_reader *r)
{
	if (!r)
		return;
	scap_feed__free(r->feed);
	mem_free(r->inflated);
	mem_free(r->blk);
	mem_free(r->conv);
	mem_free(r->cv);
	mem_free(r);
}

const struct scap_machine *scap_reader__machine(const struct scap_reader *r)
{
	return &r->mi;
}

uint64_t scap_reader__offset(const struct scap_reader *r)
{
	return r->off;
}

/* ---- events ------------------------------------------------------------- */

/* An event of the first format (no nparams in its header): rewritten into
 * r->conv with the current header, nparams found as the largest count
 * whose lengths fill the record exactly. */
static int convert_v1(struct scap_reader *r, const uint8_t *p, uint32_t avail, uint64_t at,
		      struct evt *e, struct scap_err *err)
{
	struct ppm_hdr h;
	uint32_t len, type_np;
	uint16_t type;
	const struct evt_info *info;

	if (avail < V1_HDR_LEN)
		return fail(err, at, "event header needs %u bytes, the block has %u", V1_HDR_LEN,
			    avail);
	memcpy(&len, p + 16, 4);
	memcpy(&type, p + 20, 2);
	if (len < V1_HDR_LEN || len > avail)
		return fail(err, at, "event length %u outside its block (%u bytes)", len, avail);
	info = evt_schema_get(type);
	if (!info || !strcmp(info->name, "NA")) {
		/* a type saker does not know: returned for the caller to skip */
		memset(e, 0, offsetof(struct evt, off));
		e->raw = p;
		e->type = type;
		e->len = len;
		return 0;
	}
	type_np = info->nparams;
	for (int np = (int)type_np; np >= 0; np--) {
		uint32_t pos = V1_HDR_LEN + 2 * (uint32_t)np;

		if (pos > len)
			continue;
		for (int i = 0; i < np; i++) {
			uint16_t l;

			memcpy(&l, p + V1_HDR_LEN + 2 * i, 2);
			pos += l;
		}
		if (pos > len)
			continue;
		if (pos < len && np == (int)type_np)
			return fail(err, at, "event of type %u: parameters do not fill its %u bytes",
				    type, len);
		if (pos != len)
			continue;
		if (len + 4 > r->conv_cap) {
			uint8_t *q = mem_realloc(r->conv, len + 4);

			if (!q)
				return -ENOMEM;
			r->conv = q;
			r->conv_cap = len + 4;
		}
		memcpy(&h, p, 20);
		h.len = len + 4;
		h.type = type;
		h.nparams = (uint32_t)np;
		memcpy(r->conv, &h, PPM_HDR_LEN);
		memcpy(r->conv + PPM_HDR_LEN, p + V1_HDR_LEN, len - V1_HDR_LEN);
		return evt_decode(e, r->conv, len + 4) == -EINVAL
			       ? fail(err, at, "malformed event of type %u", type)
			       : 0;
	}
	return fail(err, at, "event of type %u: no parameter count fits its %u bytes", type, len);
}

int scap_reader__next(struct scap_reader *r, struct evt *e, struct scap_err *err)
{
	for (;;) {
		uint32_t type = 0, blen = 0, hdr, flags = 0, avail;
		uint16_t cpu;
		uint64_t at;
		int ret;

		ret = read_block(r, &type, &blen, err);
		if (ret)
			return ret;
		if (!is_event_block(type)) {
			ret = read_list_block(r, type, blen, err);
			if (ret)
				return ret;
			continue;
		}
		at = r->off - blen - 4;
		hdr = type == EVF || type == EVF_V2 || type == EVF_V2_LARGE ? 6 : 2;
		if (blen < hdr)
			return fail(err, at, "event block of %u bytes has no room for its cpu and flags",
				    blen);
		memcpy(&cpu, r->body, 2);
		if (hdr == 6)
			memcpy(&flags, r->body + 2, 4);
		avail = blen - hdr;
		if (type == EV || type == EV_INT || type == EVF) {
			ret = convert_v1(r, r->body + hdr, avail, at + hdr, e, err);
			if (ret)
				return ret;
		} else {
			ret = evt_decode(e, r->body + hdr, avail);
			if (ret == -EINVAL) {
				uint32_t len = 0;

				if (avail >= 20)
					memcpy(&len, r->body + hdr + 16, 4);
				return fail(err, at + hdr, "malformed event: length %u, %u bytes in its "
					    "block, or parameters past its end", len, avail);
			}
		}
		e->cpu = cpu;
		e->flags = flags;
		if (e->info && r->cv) {
			if (scap_conv_may_apply(r->cv, e->type) &&
			    scap_conv__apply(r->cv, e, &r->cv_evt) == 1)
				*e = r->cv_evt;
		}
		return 0;
	}
}
