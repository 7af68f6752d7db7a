/* The syslog.* fields (libsinsp's syslog decoder): a successful write to
 * an fd whose name holds "/dev/log" carries a syslog message, "<PRI>text";
 * PRI gives the severity (low 3 bits) and the facility (the rest), the
 * text follows the '>'. evt.info shows such a message as "syslog sev=...
 * msg=...". Nothing is kept between events. */
#define _GNU_SOURCE	/* memmem, memrchr */
#include <stdlib.h>
#include <string.h>

#include "runtime/extract_int.h"

static const char *const severities[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

static const char *const facilities[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "clock", "authpriv", "ftp", "ntp", "logaudit", "logalert", "cron",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
};

bool xt_syslog_decode(const struct extract_evt *x, struct xt_syslog *out)
{
	const struct evt *e = x->e;
	const struct evt *ev;
	const uint8_t *p;
	uint32_t i, len, n = 0;
	int64_t res, pri = 0;

	if (!e->info || !(e->info->flags & EVF_WRITES_FD) || e->info->dir != EVD_EXIT ||
	    !x->cur.fd || !memmem(x->cur.fd->name, x->cur.fd->name_len, "/dev/log", 8) ||
	    !xt_retval(e, &res) || res < 0 || !xt_param_find(x, "data", &ev, &i) ||
	    !(p = evt_param(ev, i, &len)) || len < 1)
		return false;
	/* up to 15 characters between the first byte and '>' */
	while (1 + n < len && p[1 + n] != '>' && p[1 + n] && n < 15) {
		if (p[1 + n] < '0' || p[1 + n] > '9')
			return false;
		pri = pri * 10 + (p[1 + n] - '0');
		n++;
	}
	if (!n || len < n + 2)
		return false;
	out->severity = (uint32_t)(pri & 7);
	out->facility = (uint32_t)(pri >> 3);
	out->msg = (const char *)p + n + 2;
	out->msg_len = len - n - 2;
	return true;
}

const char *xt_syslog_severity(uint32_t s)
{
	return s < sizeof(severities) / sizeof(severities[0]) ? severities[s] : "<NA>";
}

static bool syslog_field(const struct extract_evt *x, uint32_t id, const char *arg,
			struct extract_scratch *sc, struct fval *out)
{
	struct xt_syslog m;

	(void)arg;
	(void)sc;
	xt_none(out);
	if (id < FID_SYSLOG_FACILITY || id > FID_SYSLOG_SEVERITY_STR)
		return false;
	if (!xt_syslog_decode(x, &m))
		return true;
	switch (id) {
	case FID_SYSLOG_FACILITY: fval_set_u64(out, m.facility); break;
	case FID_SYSLOG_FACILITY_STR:
		xt_cstr(out, m.facility < sizeof(facilities) / sizeof(facilities[0])
				     ? facilities[m.facility] : "<NA>");
		break;
	case FID_SYSLOG_SEVERITY: fval_set_u64(out, m.severity); break;
	case FID_SYSLOG_SEVERITY_STR: xt_cstr(out, xt_syslog_severity(m.severity)); break;
	case FID_SYSLOG_MESSAGE: fval_set_str(out, m.msg, m.msg_len); break;
	default: break;
	}
	return true;
}

XT_FAMILY(syslog, syslog_field)
