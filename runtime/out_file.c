/* file_output: alerts appended to `filename`, one a line. With keep_alive
 * the file stays open (buffered when buffered_outputs is on, flushed when
 * the queue runs empty); without it the file is opened and closed for
 * every alert, as Falco does. A write that fails (full disk, a removed
 * directory) closes the file: the next alert opens it again. */
#include "runtime/out_sink.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "runtime/config.h"

struct out_file {
	char *path;
	bool keep_alive, buffered;
	FILE *f;		/* open between alerts (keep_alive) */
};

static int file_open(const struct out_sink_opts *o, void **out, char *err, size_t errlen)
{
	struct out_file *s;

	if (!o->cfg->file_output_filename || !*o->cfg->file_output_filename) {
		snprintf(err, errlen, "file output enabled but no filename in configuration block "
			 "(file_output.filename)");
		return -EINVAL;
	}
	s = mem_calloc(1, sizeof(*s));
	if (!s || !(s->path = mem_strdup(o->cfg->file_output_filename))) {
		mem_free(s);
		return -ENOMEM;
	}
	s->keep_alive = o->cfg->file_output_keep_alive;
	s->buffered = o->buffered;
	*out = s;
	return 0;
}

/* Closes the file; the first error of the close, or 0. */
static int file_shut(struct out_file *s)
{
	int ret = 0;

	if (s->f && fclose(s->f))
		ret = -(errno ? errno : EIO);
	s->f = NULL;
	return ret;
}

static int file_write(void *p, const struct out_msg *m, char *err, size_t errlen)
{
	struct out_file *s = p;
	int ret = 0, cret;

	if (!s->f && !(s->f = fopen(s->path, "ae"))) {
		ret = -errno;
		snprintf(err, errlen, "open %s: %s", s->path, strerror(-ret));
		return ret;
	}
	errno = 0;
	if (fwrite(m->text, 1, m->len + 1, s->f) != m->len + 1 ||
	    (!s->buffered && fflush(s->f)))
		ret = -(errno ? errno : EIO);
	if (ret || !s->keep_alive) {
		cret = file_shut(s);
		ret = ret ? ret : cret;
	}
	if (ret)
		snprintf(err, errlen, "write %s: %s", s->path, strerror(-ret));
	return ret;
}

static int file_flush(void *p)
{
	struct out_file *s = p;
	int ret;

	if (!s->f || !fflush(s->f))
		return 0;
	ret = -(errno ? errno : EIO);
	file_shut(s);
	return ret;
}

static void file_close(void *p)
{
	struct out_file *s = p;

	file_shut(s);
	mem_free(s->path);
	mem_free(s);
}

const struct out_sink_ops out_file_ops = {
	.name = "file",
	.open = file_open,
	.write = file_write,
	.flush = file_flush,
	.close = file_close,
};
