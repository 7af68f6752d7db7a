/* libFuzzer target: the artifact archive reader (gzip'd tar to files in
 * memory); no name it accepts may be absolute or climb out. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/artifact/tgz.h"
#include "runtime/base/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(enum log_level lvl, const char *msg)
{
	(void)lvl;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tgz t;

	log_set_handler(quiet);
	if (tgz_read("fuzz", data, size, &t))
		return 0;
	for (size_t i = 0; i < t.n; i++)
		if (t.files[i].name[0] == '/' || !strcmp(t.files[i].name, "..") ||
		    !strncmp(t.files[i].name, "../", 3) || strstr(t.files[i].name, "/../"))
			__builtin_trap();
	tgz_release(&t);
	return 0;
}
