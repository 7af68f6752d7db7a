/* Log callback and level filter. */
#include "runtime/base/log.h"

#include <stdarg.h>
#include <stdio.h>

static void log_stderr(enum log_level lvl, const char *msg)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	fprintf(stderr, "saker: %s: %s\n", names[lvl], msg);
}

static log_fn handler = log_stderr;
static enum log_level max_level = LOG_INFO;

void log_set_handler(log_fn fn)
{
	handler = fn ? fn : log_stderr;
}

void log_set_level(enum log_level max)
{
	max_level = max;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (lvl > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	handler(lvl, buf);
}
