/* libFuzzer target: init configurations against JSON schemas
 * (runtime/plugin_schema.c) and init_config maps turned into JSON
 * (runtime/plugin_set.c) on arbitrary bytes. The input is a schema and a
 * configuration separated by the first NUL (no NUL: the whole input is the
 * configuration, against a schema that uses most keywords); the
 * configuration is also read as YAML and converted as an init_config map
 * is. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ydoc.h"
#include "runtime/base/arena.h"
#include "runtime/base/diag.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/plugin_schema.h"
#include "runtime/plugin_set.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char dflt[] =
	"{\"type\":\"object\",\"definitions\":{\"p\":{\"type\":\"integer\",\"minimum\":1}},"
	"\"properties\":{\"a\":{\"$ref\":\"#/definitions/p\"},\"b\":{\"type\":\"array\","
	"\"items\":{\"type\":\"string\",\"pattern\":\"^x+$\"},\"uniqueItems\":true},"
	"\"c\":{\"anyOf\":[{\"type\":\"null\"},{\"enum\":[1,\"two\",true]}]},"
	"\"d\":{\"oneOf\":[{\"maxLength\":3},{\"minLength\":5}]}},"
	"\"patternProperties\":{\"^z\":{\"not\":{\"type\":\"boolean\"}}},"
	"\"required\":[\"a\"],\"additionalProperties\":{\"type\":\"number\"}}";

static void yaml_json(const char *text, size_t len)
{
	struct diag_list dl;
	struct arena *a;
	struct ydoc *doc;
	struct strbuf sb = STRBUF_INIT;

	if (arena__new(4096, &a))
		return;
	if (diag_list_init(&dl)) {
		arena__free(a);
		return;
	}
	if (!ydoc_parse("fuzz", text, len, NULL, a, &dl, &doc) && doc->ndocs)
		plugin_set_yaml_json(doc->docs[0], &sb);
	strbuf_release(&sb);
	diag_list_release(&dl);
	arena__free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *cfg, *eff = NULL, err[512];
	const char *schema = dflt;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	cfg = buf;
	if (memchr(data, '\0', size)) {
		schema = buf;
		cfg = buf + strlen(buf) + 1;
	}
	if (!plugin_schema_check(schema, cfg, &eff, err, sizeof(err)))
		mem_free(eff);
	yaml_json(cfg, strlen(cfg));
	free(buf);
	return 0;
}
