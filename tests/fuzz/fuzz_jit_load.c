/* libFuzzer target: saker's loader of the JIT's objects (compiler/
 * jit_load.c) on arbitrary bytes. Every symbol the object does not define
 * resolves to a fixed address except one name, to reach the unresolved
 * path too; a loaded image is looked up and freed, its code never run. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler/jit_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool resolve(void *ctx, const char *name, uint64_t *addr)
{
	(void)ctx;
	*addr = 0x100000;
	return strcmp(name, "unresolved") != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jit_image *im;
	char err[256];

	if (!jit_image__load(data, size, resolve, NULL, &im, err, sizeof(err))) {
		(void)jit_image_symbol(im, "t0_0");
		jit_image__free(im);
	}
	return 0;
}
