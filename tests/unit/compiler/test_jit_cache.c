/* The JIT's code cache on a real directory: entries stored and read back,
 * entries truncated, corrupted, of another key or of another format
 * rejected (and removed), the bound kept by evicting the least recently
 * used entries and counting them, a directory that cannot be written
 * refused with its name. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "compiler/jit_cache.h"
#include "runtime/base/mem.h"

static char g_dir[256];

/* Each test in a directory of its own. */
static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/saker-jit-cache-XXXXXX");
	return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
	return system(cmd);
}

static void key_of(int n, uint8_t *key)
{
	for (int i = 0; i < JIT_CACHE_KEY_LEN; i++)
		key[i] = (uint8_t)(n * 31 + i);
}

static void entry_path(const uint8_t *key, char *buf, size_t n)
{
	int o = snprintf(buf, n, "%s/", g_dir);

	for (int i = 0; i < JIT_CACHE_KEY_LEN; i++)
		o += snprintf(buf + o, n - (size_t)o, "%02x", key[i]);
	snprintf(buf + o, n - (size_t)o, ".jit");
}

static int count_entries(void)
{
	DIR *d = opendir(g_dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".jit") != NULL;
	closedir(d);
	return n;
}

static struct jit_cache *open_cache(uint64_t max)
{
	struct jit_cache *c = NULL;
	char err[256];

	assert_int_equal(jit_cache__open(g_dir, max, &c, err, sizeof(err)), 0);
	return c;
}

static void stores_and_reads_back(void **state)
{
	struct jit_cache *c = open_cache(1 << 20);
	struct jit_cache_stats st;
	uint8_t key[JIT_CACHE_KEY_LEN], other[JIT_CACHE_KEY_LEN];
	const char payload[] = "object code of some rules";
	char why[512];
	void *data;
	size_t len;

	(void)state;
	key_of(1, key);
	key_of(2, other);
	assert_int_equal(jit_cache__get(c, key, &data, &len, why, sizeof(why)), -ENOENT);
	assert_int_equal(jit_cache__put(c, key, payload, sizeof(payload)), 0);
	assert_int_equal(jit_cache__get(c, key, &data, &len, why, sizeof(why)), 0);
	assert_int_equal(len, sizeof(payload));
	assert_memory_equal(data, payload, len);
	mem_free(data);
	assert_int_equal(jit_cache__get(c, other, &data, &len, why, sizeof(why)), -ENOENT);
	jit_cache__stats(c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 2);
	assert_int_equal(st.rejected, 0);
	jit_cache__free(c);
}

/* Rewrites the entry of key with f applied to its bytes. */
static void damage(const uint8_t *key, void (*f)(uint8_t *p, size_t *n))
{
	char path[512];
	uint8_t buf[4096];
	size_t n;
	FILE *fp;

	entry_path(key, path, sizeof(path));
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	f(buf, &n);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, n, fp), n);
	fclose(fp);
}

static void truncate_it(uint8_t *p, size_t *n)
{
	(void)p;
	*n -= 3;
}

static void flip_payload(uint8_t *p, size_t *n)
{
	p[*n - 1] ^= 0x40;
}

static void flip_magic(uint8_t *p, size_t *n)
{
	(void)n;
	p[0] = 'X';
}

static void flip_key(uint8_t *p, size_t *n)
{
	(void)n;
	p[16] ^= 1;	/* the key follows magic and format */
}

static void rejects_damaged_entries(void **state)
{
	static const struct {
		void (*f)(uint8_t *p, size_t *n);
		const char *why;
	} cases[] = {
		{ truncate_it, "truncated" },
		{ flip_payload, "checksum" },
		{ flip_magic, "not a saker JIT cache entry" },
		{ flip_key, "its key is not its name" },
	};
	struct jit_cache *c = open_cache(1 << 20);
	struct jit_cache_stats st;
	uint8_t key[JIT_CACHE_KEY_LEN];
	char why[512], path[512];
	void *data;
	size_t len;

	(void)state;
	key_of(3, key);
	entry_path(key, path, sizeof(path));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(jit_cache__put(c, key, "some code", 9), 0);
		damage(key, cases[i].f);
		why[0] = '\0';
		assert_int_equal(jit_cache__get(c, key, &data, &len, why, sizeof(why)), -EINVAL);
		assert_null(data);
		if (!strstr(why, cases[i].why) || !strstr(why, path))
			fail_msg("case %zu: '%s'", i, why);
		/* removed: the next look misses */
		assert_int_equal(access(path, F_OK), -1);
		assert_int_equal(jit_cache__get(c, key, &data, &len, why, sizeof(why)), -ENOENT);
	}
	jit_cache__stats(c, &st);
	assert_int_equal(st.rejected, 4);
	assert_int_equal(st.hits, 0);
	jit_cache__free(c);
}

/* Entries of 1000 bytes under a 3500-byte bound: three fit; a fourth
 * evicts the least recently used, which a read refreshes. */
static void evicts_least_recently_used(void **state)
{
	struct jit_cache *c = open_cache(3500);
	struct jit_cache_stats st;
	uint8_t k[5][JIT_CACHE_KEY_LEN];
	char payload[1000], big[3500], why[512], path[512];
	void *data;
	size_t len;

	(void)state;
	memset(payload, 'x', sizeof(payload));
	memset(big, 'y', sizeof(big));
	for (int i = 0; i < 5; i++)
		key_of(10 + i, k[i]);
	for (int i = 0; i < 3; i++) {
		struct timespec ts = { 0, 20000000 };

		assert_int_equal(jit_cache__put(c, k[i], payload, sizeof(payload)), 0);
		nanosleep(&ts, NULL);	/* distinct modification times */
	}
	assert_int_equal(count_entries(), 3);
	/* k[0] read: now the newest */
	assert_int_equal(jit_cache__get(c, k[0], &data, &len, why, sizeof(why)), 0);
	mem_free(data);
	assert_int_equal(jit_cache__put(c, k[3], payload, sizeof(payload)), 0);
	assert_int_equal(count_entries(), 3);
	entry_path(k[1], path, sizeof(path));
	assert_int_equal(access(path, F_OK), -1);	/* the oldest unread one went */
	entry_path(k[0], path, sizeof(path));
	assert_int_equal(access(path, F_OK), 0);
	jit_cache__stats(c, &st);
	assert_int_equal(st.evicted, 1);
	/* larger than the bound: not stored */
	assert_int_equal(jit_cache__put(c, k[4], big, sizeof(big)), -EFBIG);
	jit_cache__free(c);
}

static void unwritable_directory_refused(void **state)
{
	struct jit_cache *c = NULL;
	char err[512], path[300];

	(void)state;
	snprintf(path, sizeof(path), "%s/file", g_dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	snprintf(path, sizeof(path), "%s/file/sub", g_dir);
	assert_int_not_equal(jit_cache__open(path, 1 << 20, &c, err, sizeof(err)), 0);
	assert_null(c);
	assert_non_null(strstr(err, path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(stores_and_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(rejects_damaged_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(evicts_least_recently_used, setup, teardown),
		cmocka_unit_test_setup_teardown(unwritable_directory_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
