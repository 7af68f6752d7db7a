/* libFuzzer target: the artifact index parser (index.yaml) and its writer
 * (what it writes must parse again to the same entries). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/artifact/index.h"
#include "runtime/base/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(enum log_level lvl, const char *msg)
{
	(void)lvl;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT;
	struct index ix, again;

	log_set_handler(quiet);
	if (index_parse("fuzz.yaml", (const char *)data, size, &ix))
		return 0;
	for (size_t i = 0; i < ix.n; i++)
		index_entry_matches(&ix.e[i], "falco", 0.65);
	index_write(&ix, &out);
	if (!out.oom && out.buf) {
		if (index_parse("rewritten.yaml", out.buf, out.len, &again))
			__builtin_trap();
		if (again.n != ix.n)
			__builtin_trap();
		index_release(&again);
	}
	strbuf_release(&out);
	index_release(&ix);
	return 0;
}
