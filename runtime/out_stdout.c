/* stdout_output: one alert a line on standard output, through stdio's
 * buffer when buffered_outputs is on (flushed whenever the queue runs
 * empty), flushed after every alert otherwise. */
#include "runtime/out_sink.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/base/mem.h"

struct out_stdout {
	bool buffered;
};

static int stdout_open(const struct out_sink_opts *o, void **out, char *err, size_t errlen)
{
	struct out_stdout *s = mem_calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->buffered = o->buffered;
	*out = s;
	return 0;
}

static int stdout_flush(void *p)
{
	(void)p;
	if (fflush(stdout)) {
		clearerr(stdout);
		return -EIO;
	}
	return 0;
}

static int stdout_write(void *p, const struct out_msg *m, char *err, size_t errlen)
{
	struct out_stdout *s = p;

	errno = 0;
	if (fwrite(m->text, 1, m->len + 1, stdout) != m->len + 1 ||
	    (!s->buffered && fflush(stdout))) {
		int e = errno ? errno : EIO;

		clearerr(stdout);
		snprintf(err, errlen, "write: %s", strerror(e));
		return -e;
	}
	return 0;
}

static void stdout_close(void *p)
{
	fflush(stdout);
	mem_free(p);
}

const struct out_sink_ops out_stdout_ops = {
	.name = "stdout",
	.open = stdout_open,
	.write = stdout_write,
	.flush = stdout_flush,
	.close = stdout_close,
};
