/* The syslog sink of the logs, apart from log.h (whose level names
 * <syslog.h> takes as macros). Prefix log_syslog_. */
#pragma once

void log_syslog_open(const char *ident);
/* level: 0 error, 1 warning, 2 info, 3 debug (enum log_level). */
void log_syslog_write(int level, const char *msg);
