/* libFuzzer target: the configuration loader (runtime/config.c) on
 * arbitrary bytes. The first line, when it has an '=', is an -o override
 * (paths with indexes, {yaml} values); the rest is the configuration
 * file, read through a memfd as saker reads files. Inputs naming
 * config_files are left out: it reads whatever files it names. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/base/strbuf.h"
#include "runtime/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char opt[512], path[64], err[1024];
	const char *opts[1] = { opt };
	size_t n = 0, off = 0;
	struct config c;
	int fd;

	/* config_files reads whatever it names: /proc/kmsg would block */
	if (memmem(data, size, "config_files", 12))
		return 0;
	if (nl && (size_t)(nl - data) < sizeof(opt) && memchr(data, '=', (size_t)(nl - data)) &&
	    !memchr(data, '\0', (size_t)(nl - data))) {
		memcpy(opt, data, (size_t)(nl - data));
		opt[nl - data] = '\0';
		n = 1;
		off = (size_t)(nl - data) + 1;
	}
	fd = memfd_create("fuzz-config", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data + off, size - off) == (ssize_t)(size - off)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		config_init(&c);
		if (!config_load(&c, path, opts, n, err, sizeof(err))) {
			struct strbuf sb = STRBUF_INIT;

			/* every reader of the tree on what loaded */
			config_dump_json(&c, &sb);
			config_get_str(&c, "plugins[0].init_config.a");
			config_list_len(&c, "rules_files");
			config_get_int(&c, "webserver.listen_port");
			strbuf_release(&sb);
		}
		config_release(&c);
	}
	close(fd);
	return 0;
}
