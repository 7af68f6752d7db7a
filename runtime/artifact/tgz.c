/* gzip'd tar archives to files in memory through libarchive, refusing
 * anything that could write outside the destination. */
#include "runtime/artifact/tgz.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>

#include "runtime/base/log.h"
#include "runtime/base/mem.h"

static bool name_safe(const char *n)
{
	const char *p = n;

	if (!*n || *n == '/')
		return false;
	while (*p) {
		size_t len = strcspn(p, "/");

		if ((len == 2 && !strncmp(p, "..", 2)))
			return false;
		p += len;
		p += strspn(p, "/");
	}
	return true;
}

int tgz_read(const char *what, const void *data, size_t len, struct tgz *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t total = 0;
	int err = 0, rc;

	memset(out, 0, sizeof(*out));
	if (!a)
		return -ENOMEM;
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		log_error("%s: not a gzip'd tar archive: %s", what, archive_error_string(a));
		err = -EINVAL;
		goto out;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		mode_t type = archive_entry_filetype(e);
		struct tgz_file *f, *nf;
		char buf[65536];
		la_ssize_t n;

		if (!name || !name_safe(name)) {
			log_error("%s: entry '%s': absolute or escaping path", what, name ? name : "");
			err = -EINVAL;
			goto out;
		}
		if (type == AE_IFDIR)
			continue;
		if (type != AE_IFREG) {
			log_error("%s: entry '%s': only regular files are allowed (links and devices are not)",
				  what, name);
			err = -EINVAL;
			goto out;
		}
		if (out->n >= TGZ_MAX_FILES) {
			log_error("%s: more than %d files", what, TGZ_MAX_FILES);
			err = -EINVAL;
			goto out;
		}
		nf = mem_reallocarray(out->files, out->n + 1, sizeof(*out->files));
		if (!nf) {
			err = -ENOMEM;
			goto out;
		}
		out->files = nf;
		f = &out->files[out->n++];
		memset(f, 0, sizeof(*f));
		f->mode = archive_entry_perm(e) & 0777;
		if (!(f->name = mem_strdup(name))) {
			err = -ENOMEM;
			goto out;
		}
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
			total += (size_t)n;
			if (total > TGZ_MAX_BYTES) {
				log_error("%s: more than %u bytes of content", what, TGZ_MAX_BYTES);
				err = -EINVAL;
				goto out;
			}
			strbuf_add(&f->data, buf, (size_t)n);
		}
		if (n < 0) {
			log_error("%s: entry '%s': %s", what, name, archive_error_string(a));
			err = -EINVAL;
			goto out;
		}
		if (f->data.oom) {
			err = -ENOMEM;
			goto out;
		}
	}
	if (rc != ARCHIVE_EOF) {
		log_error("%s: broken archive: %s", what, archive_error_string(a));
		err = -EINVAL;
	} else if (!out->n) {
		log_error("%s: the archive holds no file", what);
		err = -EINVAL;
	}
out:
	archive_read_free(a);
	if (err)
		tgz_release(out);
	return err;
}

void tgz_release(struct tgz *t)
{
	for (size_t i = 0; i < t->n; i++) {
		mem_free(t->files[i].name);
		strbuf_release(&t->files[i].data);
	}
	mem_free(t->files);
	memset(t, 0, sizeof(*t));
}
