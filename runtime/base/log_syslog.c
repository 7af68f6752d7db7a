/* log_syslog (see log_syslog.h). */
#include "runtime/base/log_syslog.h"

#include <syslog.h>

void log_syslog_open(const char *ident)
{
	openlog(ident, 0, LOG_USER);
}

void log_syslog_write(int level, const char *msg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	syslog(prio[level < 0 || level > 3 ? 3 : level], "%s", msg);
}
