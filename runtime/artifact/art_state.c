/* Follow state on disk: the last installed digest of each reference. */
#include "runtime/artifact/art_state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtime/artifact/fsx.h"
#include "runtime/artifact/jsonx.h"
#include "runtime/artifact/yfile.h"
#include "runtime/base/log.h"
#include "runtime/base/strbuf.h"

static void state_path(const char *dir, const char *ref, struct strbuf *sb)
{
	char d[DIGEST_STR_LEN];

	digest_sha256(ref, strlen(ref), d);
	strbuf_printf(sb, "%s/artifact-state/%s.json", dir, d + 7);
}

int art_state_read(const char *dir, const char *ref, char digest[DIGEST_STR_LEN])
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	json_object *doc = NULL;
	const char *dg;
	FILE *f;
	int err = -ENOENT;

	state_path(dir, ref, &path);
	if (path.oom)
		return -ENOMEM;
	f = fopen(path.buf, "r");
	if (!f)
		goto out;
	fclose(f);
	if (yfile_read(path.buf, 64u << 10, &text) ||
	    jsonx_parse(path.buf, text.buf, text.len, &doc) ||
	    jsonx_str(path.buf, doc, "digest", 1, &dg))
		goto out;
	if (!digest_valid(dg)) {
		log_error("%s: digest '%s' is not sha256", path.buf, dg);
		goto out;
	}
	memcpy(digest, dg, DIGEST_STR_LEN);
	err = 0;
out:
	json_object_put(doc);
	strbuf_release(&path);
	strbuf_release(&text);
	return err;
}

int art_state_write(const char *dir, const char *ref, const char *digest)
{
	struct strbuf path = STRBUF_INIT, sub = STRBUF_INIT, doc = STRBUF_INIT;
	time_t t = time(NULL);
	struct tm tm;
	char ts[40];
	int err;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	state_path(dir, ref, &path);
	strbuf_printf(&sub, "%s/artifact-state", dir);
	strbuf_adds(&doc, "{\"ref\":");
	strbuf_add_json_str(&doc, ref);
	strbuf_adds(&doc, ",\"digest\":");
	strbuf_add_json_str(&doc, digest);
	strbuf_printf(&doc, ",\"updatedAt\":\"%s\"}\n", ts);
	if (path.oom || sub.oom || doc.oom)
		err = -ENOMEM;
	else if (!(err = fsx_mkdirs(sub.buf, 0700)))
		err = fsx_write_atomic(path.buf, doc.buf, doc.len, 0600);
	strbuf_release(&path);
	strbuf_release(&sub);
	strbuf_release(&doc);
	return err;
}
