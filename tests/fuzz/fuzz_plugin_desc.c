/* libFuzzer target: what a plugin says of itself in JSON
 * (runtime/plugin_desc.c) on arbitrary bytes: the first byte picks the
 * parser (fields, a list of strings, open parameters), the rest is the
 * document, as a plugin library would return it (NUL-terminated). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/plugin.h"
#include "runtime/plugin_desc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *doc, err[512];
	struct plugin_field *f;
	struct plugin_open_param *op;
	struct plugin_strs s;
	size_t n;

	if (!size)
		return 0;
	doc = malloc(size);
	if (!doc)
		return 0;
	memcpy(doc, data + 1, size - 1);
	doc[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		if (!plugin_desc_fields(doc, &f, &n, err, sizeof(err)))
			plugin_desc_fields_free(f, n);
		break;
	case 1:
		if (!plugin_desc_strs(doc, data[0] & 4, &s, err, sizeof(err)))
			plugin_desc_strs_free(&s);
		break;
	default:
		if (!plugin_desc_open_params(doc, &op, &n, err, sizeof(err)))
			plugin_desc_open_params_free(op, n);
		break;
	}
	free(doc);
	return 0;
}
