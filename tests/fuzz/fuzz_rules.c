/* libFuzzer target: a whole rules file through load, checks and lowering. */
#include <stddef.h>
#include <stdint.h>

#include "compiler/ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset *rs;

	if (ruleset__new(&rs))
		return 0;
	if (ruleset__load_text(rs, "fuzz.yaml", (const char *)data, size) != -12)
		ruleset__compile(rs);
	ruleset__free(rs);
	return 0;
}
