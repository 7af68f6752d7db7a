/* libFuzzer target: the condition parser on arbitrary text. */
#include <stddef.h>
#include <stdint.h>

#include "compiler/ast.h"
#include "compiler/parse.h"
#include "runtime/base/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_error pe;
	struct ast_node *root;
	struct arena *a;

	if (arena__new(4096, &a))
		return 0;
	parse_condition((const char *)data, size, a, &root, &pe);
	arena__free(a);
	return 0;
}
