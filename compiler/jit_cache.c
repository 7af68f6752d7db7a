/* jit_cache: native code of rules compiled before, kept on disk so that a
 * later start with the same rules links it instead of compiling. One file
 * per entry, named by its key (a hash of everything the code depends on,
 * see jit.c), written whole under a temporary name and renamed into place;
 * a header (magic, format, key, length, checksum) lets a reader reject a
 * file that is truncated, corrupt or not what its name says. The directory
 * is bounded in bytes: past the bound, the least recently used entries
 * (oldest modification time: a hit touches its entry) are removed. The
 * threads of one compilation may use a cache at once. */
#define _GNU_SOURCE
#include "compiler/jit_cache.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "runtime/base/mem.h"

#define MAGIC "SAKERJIT"
#define FORMAT 1u
#define SUFFIX ".jit"
#define MAX_ENTRY (256u << 20)	/* larger files are not ours */

struct header {
	char magic[8];
	uint32_t format;
	uint32_t pad;
	uint8_t key[JIT_CACHE_KEY_LEN];
	uint64_t len;
	uint64_t sum;		/* XXH64 of the payload */
};

struct jit_cache {
	char *dir;
	uint64_t max_bytes;
	struct jit_cache_stats st;
};

static int mkdirs(const char *path)
{
	char buf[4096];
	size_t l = strlen(path);

	if (!l || l >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, l + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int jit_cache__open(const char *dir, uint64_t max_bytes, struct jit_cache **out, char *err,
		    size_t errlen)
{
	struct jit_cache *c;
	int ret;

	*out = NULL;
	ret = mkdirs(dir);
	if (!ret && access(dir, W_OK | X_OK))
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "%s: %s", dir, strerror(-ret));
		return ret;
	}
	c = mem_calloc(1, sizeof(*c));
	if (!c || !(c->dir = mem_strdup(dir))) {
		mem_free(c);
		return -ENOMEM;
	}
	c->max_bytes = max_bytes;
	*out = c;
	return 0;
}

void jit_cache__free(struct jit_cache *c)
{
	if (!c)
		return;
	mem_free(c->dir);
	mem_free(c);
}

void jit_cache__stats(const struct jit_cache *c, struct jit_cache_stats *out)
{
	out->hits = __atomic_load_n(&c->st.hits, __ATOMIC_RELAXED);
	out->misses = __atomic_load_n(&c->st.misses, __ATOMIC_RELAXED);
	out->rejected = __atomic_load_n(&c->st.rejected, __ATOMIC_RELAXED);
	out->evicted = __atomic_load_n(&c->st.evicted, __ATOMIC_RELAXED);
	out->write_errors = __atomic_load_n(&c->st.write_errors, __ATOMIC_RELAXED);
}

static void entry_path(const struct jit_cache *c, const uint8_t *key, char *buf, size_t n)
{
	char hex[2 * JIT_CACHE_KEY_LEN + 1];

	for (int i = 0; i < JIT_CACHE_KEY_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	snprintf(buf, n, "%s/%s" SUFFIX, c->dir, hex);
}

/* Reads exactly n bytes; -EIO when the file ends before. */
static int read_all(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		got += (size_t)r;
	}
	return 0;
}

int jit_cache__get(struct jit_cache *c, const uint8_t *key, void **data, size_t *len, char *why,
		   size_t whylen)
{
	char path[4200];
	struct header h;
	struct stat st;
	void *p = NULL;
	const char *bad = NULL;
	int fd, ret;

	*data = NULL;
	*len = 0;
	entry_path(c, key, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		__atomic_fetch_add(&c->st.misses, 1, __ATOMIC_RELAXED);
		return -ENOENT;
	}
	if (fstat(fd, &st) || (uint64_t)st.st_size < sizeof(h))
		bad = "shorter than its header";
	else if ((ret = read_all(fd, &h, sizeof(h))))
		bad = "unreadable header";
	else if (memcmp(h.magic, MAGIC, sizeof(h.magic)))
		bad = "not a saker JIT cache entry";
	else if (h.format != FORMAT)
		bad = "another format of the cache";
	else if (memcmp(h.key, key, sizeof(h.key)))
		bad = "its key is not its name";
	else if (h.len > MAX_ENTRY || (uint64_t)st.st_size != sizeof(h) + h.len)
		bad = "truncated or extended";
	else if (!(p = mem_malloc(h.len ? h.len : 1)))
		ret = -ENOMEM;
	else if (read_all(fd, p, h.len))
		bad = "unreadable code";
	else if (XXH64(p, h.len, 0) != h.sum)
		bad = "its checksum does not match";
	close(fd);
	if (!p && !bad) {
		__atomic_fetch_add(&c->st.misses, 1, __ATOMIC_RELAXED);
		return -ENOMEM;
	}
	if (bad) {
		mem_free(p);
		snprintf(why, whylen, "%s: %s", path, bad);
		unlink(path);
		__atomic_fetch_add(&c->st.rejected, 1, __ATOMIC_RELAXED);
		return -EINVAL;
	}
	/* the entry was used: the newest for eviction */
	utimensat(AT_FDCWD, path, NULL, 0);
	__atomic_fetch_add(&c->st.hits, 1, __ATOMIC_RELAXED);
	*data = p;
	*len = h.len;
	return 0;
}

struct ent {
	char *name;
	off_t size;
	struct timespec mtime;
};

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Removes the least recently used entries until the directory holds at
 * most max_bytes of them. */
static void evict(struct jit_cache *c)
{
	DIR *d = opendir(c->dir);
	struct ent *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		struct stat st;

		if (l <= strlen(SUFFIX) || strcmp(de->d_name + l - strlen(SUFFIX), SUFFIX) ||
		    fstatat(dirfd(d), de->d_name, &st, 0) || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			struct ent *nv = mem_reallocarray(v, cap ? 2 * cap : 64, sizeof(*v));

			if (!nv)
				break;
			v = nv;
			cap = cap ? 2 * cap : 64;
		}
		if (!(v[n].name = mem_strdup(de->d_name)))
			break;
		v[n].size = st.st_size;
		v[n].mtime = st.st_mtim;
		total += (uint64_t)st.st_size;
		n++;
	}
	if (v)
		qsort(v, n, sizeof(*v), ent_cmp);
	for (size_t i = 0; i < n && total > c->max_bytes; i++) {
		if (!unlinkat(dirfd(d), v[i].name, 0) || errno == ENOENT) {
			total -= (uint64_t)v[i].size;
			__atomic_fetch_add(&c->st.evicted, 1, __ATOMIC_RELAXED);
		}
	}
	for (size_t i = 0; i < n; i++)
		mem_free(v[i].name);
	mem_free(v);
	closedir(d);
}

int jit_cache__put(struct jit_cache *c, const uint8_t *key, const void *data, size_t len)
{
	char path[4200], tmp[4300];
	struct header h = { .format = FORMAT, .len = len };
	int fd, ret = 0;

	if (sizeof(h) + len > c->max_bytes || len > MAX_ENTRY)
		return -EFBIG;
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	memcpy(h.key, key, sizeof(h.key));
	h.sum = XXH64(data, len, 0);
	entry_path(c, key, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		__atomic_fetch_add(&c->st.write_errors, 1, __ATOMIC_RELAXED);
		return -errno;
	}
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    write(fd, data, len) != (ssize_t)len)
		ret = errno ? -errno : -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		__atomic_fetch_add(&c->st.write_errors, 1, __ATOMIC_RELAXED);
		return ret;
	}
	evict(c);
	return 0;
}

/* The GNU build id of the running program, from its notes. */
struct build_id {
	uint8_t id[64];
	size_t len;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct build_id *b = arg;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const char *name = p + sizeof(*nh);
			const char *desc = name + ((nh->n_namesz + 3) & ~3u);

			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4) && nh->n_descsz <= sizeof(b->id)) {
				memcpy(b->id, desc, nh->n_descsz);
				b->len = nh->n_descsz;
				return 1;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 1;	/* the first object is the program itself */
}

size_t jit_cache_build_id(uint8_t *out, size_t n)
{
	struct build_id b = { .len = 0 };
	struct stat st;

	dl_iterate_phdr(find_build_id, &b);
	if (!b.len && !stat("/proc/self/exe", &st)) {
		/* no build id: the program file's identity */
		uint64_t v[3] = { (uint64_t)st.st_ino, (uint64_t)st.st_size,
				  (uint64_t)st.st_mtim.tv_sec * 1000000000ull +
					  (uint64_t)st.st_mtim.tv_nsec };

		memcpy(b.id, v, sizeof(v));
		b.len = sizeof(v);
	}
	if (b.len > n)
		b.len = n;
	memcpy(out, b.id, b.len);
	return b.len;
}
