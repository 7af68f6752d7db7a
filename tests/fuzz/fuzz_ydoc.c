/* libFuzzer target: the YAML loader (ydoc) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "compiler/ydoc.h"
#include "runtime/base/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ydoc_limits lim = { .max_depth = 32, .max_nodes = 20000, .max_scalar = 4096 };
	struct diag_list dl;
	struct arena *a;
	struct ydoc *doc;

	if (arena__new(4096, &a))
		return 0;
	if (diag_list_init(&dl)) {
		arena__free(a);
		return 0;
	}
	if (!ydoc_parse("fuzz.yaml", (const char *)data, size, &lim, a, &dl, &doc) && doc) {
		/* walk every scalar's position mapping */
		for (size_t d = 0; d < doc->ndocs; d++) {
			const struct ydoc_node *r = doc->docs[d];

			if (r->kind == YDOC_SCALAR)
				ydoc_scalar_loc(doc, r, r->len);
		}
	}
	diag_list_release(&dl);
	arena__free(a);
	return 0;
}
