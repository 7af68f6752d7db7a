/* Capture-file writer (see scap.h): section header, machine info, then one
 * event block with flags per event (the current header layout), plain or
 * gzip through zlib. The process, fd and user lists are not written yet:
 * a replay of a written file starts from an empty state. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "runtime/base/evt.h"
#include "runtime/base/mem.h"
#include "runtime/scap.h"

#define SHB_TYPE 0x0A0D0D0Au
#define SHB_MAGIC 0x1A2B3C4Du
#define MI_TYPE 0x201u
#define EVF_V2_TYPE 0x217u
#define EVF_V2_LARGE_TYPE 0x222u

struct scap_writer {
	gzFile gz;
	int err;
};

static void put(struct scap_writer *w, const void *p, size_t n)
{
	if (w->err || !n)
		return;
	if (gzwrite(w->gz, p, (unsigned)n) != (int)n)
		w->err = -EIO;
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

int scap_writer__open(const char *path, const struct scap_writer_opts *o,
		      const struct scap_machine *mi, struct state *st, struct scap_writer **out)
{
	struct scap_writer *w = mem_calloc(1, sizeof(*w));
	uint8_t shb[16], mib[8 * 4 + 4 + 128 + 8 * 4];
	uint32_t magic = SHB_MAGIC, u32;
	uint16_t major = 1, minor = 2;
	uint64_t section_len = UINT64_MAX, u64;
	char mode[8];
	size_t k = 0;

	(void)st;
	if (!w)
		return -ENOMEM;
	if (o && o->gzip)
		snprintf(mode, sizeof(mode), "wb%d", o->level >= 1 && o->level <= 9 ? o->level : 3);
	else
		snprintf(mode, sizeof(mode), "wbT");
	w->gz = gzopen(path, mode);
	if (!w->gz) {
		int e = errno ? errno : EIO;

		mem_free(w);
		return -e;
	}
	memcpy(shb, &magic, 4);
	memcpy(shb + 4, &major, 2);
	memcpy(shb + 6, &minor, 2);
	memcpy(shb + 8, &section_len, 8);
	block(w, SHB_TYPE, shb, sizeof(shb), NULL, 0);
	memset(mib, 0, sizeof(mib));
	u32 = mi ? mi->num_cpus : 0;
	memcpy(mib + k, &u32, 4);
	k += 4;
	u64 = mi ? mi->memory_size_bytes : 0;
	memcpy(mib + k, &u64, 8);
	k += 8;
	u64 = mi ? mi->max_pid : 0;
	memcpy(mib + k, &u64, 8);
	k += 8;
	if (mi)
		memcpy(mib + k, mi->hostname, strnlen(mi->hostname, 127));
	k += 128;
	u64 = mi ? mi->boot_time_ns : 0;
	memcpy(mib + k, &u64, 8);
	k += 8 * 4;	/* boot time, flags, two reserved words */
	block(w, MI_TYPE, mib, k, NULL, 0);
	if (w->err) {
		int e = w->err;

		scap_writer__close(w);
		return e;
	}
	*out = w;
	return 0;
}

int scap_writer__write(struct scap_writer *w, const struct evt *e)
{
	uint8_t pre[6];
	uint16_t cpu = e->cpu;
	uint32_t flags = e->flags;

	memcpy(pre, &cpu, 2);
	memcpy(pre + 2, &flags, 4);
	block(w, e->len > 65000 ? EVF_V2_LARGE_TYPE : EVF_V2_TYPE, pre, sizeof(pre), e->raw, e->len);
	return w->err;
}

int scap_writer__close(struct scap_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->err;
	if (gzclose(w->gz) != Z_OK && !err)
		err = -EIO;
	mem_free(w);
	return err;
}
