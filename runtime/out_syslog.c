/* syslog_output: every alert through syslog(3) with the facility LOG_USER
 * and the severity of its priority (Falco's priorities are syslog's
 * severities, emergency 0 to debug 7), the identity left to the C library
 * (the program's name), as Falco does. syslog(3) reports no error. */
#include "runtime/out_sink.h"

#include <syslog.h>

#include "compiler/rules.h"

_Static_assert(RL_PRIO_EMERGENCY == LOG_EMERG && RL_PRIO_ALERT == LOG_ALERT &&
		       RL_PRIO_CRITICAL == LOG_CRIT && RL_PRIO_ERROR == LOG_ERR &&
		       RL_PRIO_WARNING == LOG_WARNING && RL_PRIO_NOTICE == LOG_NOTICE &&
		       RL_PRIO_INFORMATIONAL == LOG_INFO && RL_PRIO_DEBUG == LOG_DEBUG,
	       "Falco's priorities are syslog's severities");

static int syslog_open(const struct out_sink_opts *o, void **out, char *err, size_t errlen)
{
	*out = NULL;
	return 0;
}

static int syslog_write(void *p, const struct out_msg *m, char *err, size_t errlen)
{
	syslog(LOG_USER | (m->prio & LOG_PRIMASK), "%.*s", (int)m->len, m->text);
	return 0;
}

static void syslog_close(void *p)
{
	closelog();
}

const struct out_sink_ops out_syslog_ops = {
	.name = "syslog",
	.open = syslog_open,
	.write = syslog_write,
	.close = syslog_close,
};
