/* libFuzzer target: the OCI JSON parsers of the artifact client (manifests
 * and indexes, artifact config layers). */
#include <stddef.h>
#include <stdint.h>

#include "runtime/artifact/art_config.h"
#include "runtime/artifact/manifest.h"
#include "runtime/base/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(enum log_level lvl, const char *msg)
{
	(void)lvl;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_manifest m;
	struct art_config c;

	log_set_handler(quiet);
	if (!manifest_parse("fuzz", (const char *)data, size, &m)) {
		for (size_t i = 0; i < m.ndescs; i++)
			manifest_annot(&m.descs[i], OCI_ANNOT_TITLE);
		manifest_platform(&m, "linux", "amd64");
		manifest_release(&m);
	}
	if (!art_config_parse("fuzz", (const char *)data, size, &c))
		art_config_release(&c);
	return 0;
}
