/* libFuzzer target: the JIT cache's reader (compiler/jit_cache.c) on
 * arbitrary entry files. The input is written as the entry of a fixed key
 * in a private directory and read back: anything but a valid entry of
 * that key must be rejected (and removed), never read past its end. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/jit_cache.h"
#include "runtime/base/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[JIT_CACHE_KEY_LEN] = { 0xab, 0xcd };
	struct jit_cache *c = NULL;
	char path[256], err[256], why[512];
	void *got;
	size_t len;
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/saker-fuzz-jit-cache-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	if (jit_cache__open(dir, 1 << 20, &c, err, sizeof(err)))
		abort();
	snprintf(path, sizeof(path), "%s/abcd0000000000000000000000000000.jit", dir);
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (!jit_cache__get(c, key, &got, &len, why, sizeof(why))) {
		/* a valid entry: as long as the file said */
		if (len + 48 != size)
			abort();
		mem_free(got);
	}
	unlink(path);
	jit_cache__free(c);
	return 0;
}
