/* libFuzzer target: Falco's container events as the state reads them
 * (state/ctr_json.c), and the text written back from what was read, read
 * again. */
#include <stddef.h>
#include <stdint.h>

#include "runtime/base/strbuf.h"
#include "state/ctr_json.h"
#include "state/ctr_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	struct ctr_meta *m, *again;
	char err[256];

	if (ctr_json_parse((const char *)data, size, &m, err, sizeof(err)))
		return 0;
	if (!ctr_json_write(m, &sb) && !ctr_json_parse(sb.buf, sb.len, &again, err, sizeof(err)))
		ctr_meta__free(again);
	strbuf_release(&sb);
	ctr_meta__free(m);
	return 0;
}
