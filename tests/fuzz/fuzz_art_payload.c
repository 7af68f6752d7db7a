/* libFuzzer target: cosign's simple-signing payload parser and the
 * signature decoding of the verifier (no key: nothing may verify). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/artifact/cosign.h"
#include "runtime/base/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(enum log_level lvl, const char *msg)
{
	(void)lvl;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cosign_payload p;
	char sig[512];

	log_set_handler(quiet);
	if (!cosign_payload_parse("fuzz", (const char *)data, size, &p))
		cosign_payload_release(&p);
	if (size < sizeof(sig)) {
		memcpy(sig, data, size);
		sig[size] = '\0';
		if (!cosign_verify(NULL, data, size, sig))
			__builtin_trap();
	}
	return 0;
}
