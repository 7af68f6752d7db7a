/* jit_load: the JIT's own object files (what compiler/jit.c emits and the
 * JIT cache keeps) put in executable memory by saker itself. LLVM's linker
 * does the same, but touching it costs a started process some 10 MiB of
 * resident code and tables and 10-20 ms for code that is already
 * compiled; these objects need only a little of what it does. Anything
 * else in an object is refused (-ENOTSUP) and the caller links it with
 * LLVM. Every offset, index and size is checked against the object.
 * Prefix jit_image (methods jit_image__). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jit_image;

/* The address of a symbol the object uses but does not define; false when
 * it has none. */
typedef bool (*jit_image_resolve)(void *ctx, const char *name, uint64_t *addr);

/* Loads an ELF64 x86-64 relocatable object: its allocated sections copied
 * into fresh pages, its relocations applied (symbols it does not define
 * through resolve), the pages then made read-only and executable. 0;
 * -ENOTSUP for what it does not handle (err says what), -EINVAL for a
 * malformed object, -ENOENT for an unresolved symbol, -ENOMEM. */
int jit_image__load(const void *obj, size_t len, jit_image_resolve resolve, void *ctx,
		    struct jit_image **out, char *err, size_t errlen);
void jit_image__free(struct jit_image *im);

/* The address of a global symbol the object defines, NULL when none. */
void *jit_image_symbol(const struct jit_image *im, const char *name);
