/* Event parameters as text, exactly as Falco's evt.arg.<name> / evt.args /
 * evt.info fields and `sysdig -r` show them, and the flag, enum and PT_DYN
 * tables of bpf/shared/flags.def that this needs. Prefix evt_fmt_.
 *
 * A parameter renders as two parts, as in Falco: a raw text (the number,
 * the string) and an optional resolved text (the errno name, the flag
 * names, the fd's type and name, the signal name, ...). evt.arg.<name>
 * shows the resolved text when there is one, else the raw one; evt.args
 * shows "name=raw" or "name=raw(resolved)". So an open exit renders as
 *   fd=3(<f>/etc/passwd) name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0
 * and evt.arg.flags is "O_RDONLY|O_CLOEXEC".
 *
 * Rules worth knowing (all Falco's):
 *  - an empty parameter is "NULL" for buffers, tuples, fd lists, string
 *    arrays and PT_DYN, "<NA>" for everything else; so is a string
 *    parameter holding "(NULL)";
 *  - numbers print in the parameter's PF_* base: PF_HEX upper case with no
 *    prefix, PF_OCT with a leading 0; PT_UINT32/PT_UINT64 in decimal print
 *    as signed (0xffffffff shows "-1");
 *  - flag values print their raw number in decimal whatever the base;
 *  - types Falco has no text for print "(n.a.)" there; saker's own
 *    events carry some of them, so saker prints them plainly instead:
 *    PT_FD32/PT_PID32 like PT_FD/PT_PID, PT_IPV4ADDR/PT_IPV6ADDR/PT_IPADDR
 *    as addresses, PT_PORT/PT_L4PROTO/PT_SOCKFAMILY/PT_BOOL as numbers,
 *    PT_DOUBLE with %g. Only PT_NONE and the network types stay "(n.a.)".
 * Where Falco would throw (a fixed-size parameter of the wrong length, an
 * address shorter than its family needs) saker writes "<invalid>" or
 * Falco's "INVALID IPv4"-style text; nothing reads past a parameter.
 * Strings stop at their first NUL or at the end of the parameter.
 *
 * Nothing here allocates except the strbuf's own growth. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct evt;

/* What rendering may ask of the process and fd state. Passing NULL means
 * "the event's thread is unknown", which in Falco shows fds as bare numbers
 * (no AT_FDCWD, no errno name, no type), fd lists as "", and uids as "<NA>".
 * Every callback is optional (NULL: the answer is unknown). Strings
 * returned are borrowed until the rendering call returns. */
struct evt_fmt_fd {
	void *ctx;
	/* fd of the event's thread. typechar points to two zeroed chars: [0]
	 * gets the fd type letter (f, d, 4, 6, u, p, ...), [1] may get the
	 * protocol letter of an IP socket (t, u, i, r), as in "<4t>". */
	bool (*lookup)(void *ctx, int64_t fd, char *typechar, const char **name);
	bool (*comm)(void *ctx, int64_t pid, const char **comm);	/* PT_PID */
	bool (*user)(void *ctx, uint32_t uid, const char **name);	/* PT_UID */
	bool (*group)(void *ctx, uint32_t gid, const char **name);	/* PT_GID */
	/* A relative path made absolute against dirfd's directory (the cwd
	 * when dirfd is PPM_AT_FDCWD, -100), normalised, appended to out. */
	bool (*abspath)(void *ctx, int64_t dirfd, const char *rel, struct strbuf *out);
};

/* flags.def as data. Tables live in static storage: never freed. */
enum evt_fmt_kind {
	EVT_FMT_BITS = 0,	/* PT_FLAGS*: an OR of flags */
	EVT_FMT_ENUM = 1,	/* PT_ENUMFLAGS*: one value */
	EVT_FMT_MODE = 2,	/* PT_MODE: permission bits and file type */
};

struct evt_fmt_value {
	const char *name;
	uint32_t value;
};

struct evt_fmt_table {
	const char *name;
	enum evt_fmt_kind kind;
	uint32_t n;
	const struct evt_fmt_value *v;	/* n entries, in rendering order */
};

struct evt_fmt_dyn_variant {
	uint8_t type;	/* enum ppm_param_type of the bytes after the index */
	uint8_t fmt;	/* as written in flags.def (rendering uses the outer P's) */
};

struct evt_fmt_dyn_table {
	const char *name;
	uint32_t n;
	const struct evt_fmt_dyn_variant *v;	/* indexed by the first byte */
};

const struct evt_fmt_table *evt_fmt_table(const char *name);	/* NULL if none */
const struct evt_fmt_dyn_table *evt_fmt_dyn_table(const char *name);	/* NULL if none */
size_t evt_fmt_table_count(void);
const struct evt_fmt_table *evt_fmt_table_at(size_t idx);	/* NULL out of range */

/* The first name of table whose value is exactly value (an enum value, or
 * a single flag); NULL when none is or the table does not exist. */
const char *evt_fmt_flag_name(const char *table, uint64_t value);
/* The value of the entry of table named name; false when there is none. */
bool evt_fmt_flag_value(const char *table, const char *name, uint64_t *value);

/* Appends the names of value, "|"-separated, following Falco: walking the
 * table in order, a zero-valued entry matches only a zero value; any other
 * entry matches when all its bits are still set, and its bits are then
 * cleared; the walk stops at an entry equal to the whole value. Bits no
 * entry names are dropped silently. Appends nothing when no name matched
 * (Falco then shows the number alone). */
void evt_fmt_flags(struct strbuf *sb, const char *table, uint64_t value);
/* Every name equal to value, "|"-separated ("AF_LOCAL|AF_UNIX"). */
void evt_fmt_enum(struct strbuf *sb, const char *table, uint64_t value);
/* PT_MODE: permission names as for flags, then the file-type entry equal
 * to the whole value, if any. */
void evt_fmt_mode(struct strbuf *sb, const char *table, uint64_t value);

/* Falco's names for errnos (EPERM .. ECANCELED, the kernel-internal 512+
 * ones) and signals (1..31); NULL when it has none. err is positive. */
const char *evt_fmt_errno_name(int64_t err);
const char *evt_fmt_signal_name(uint64_t sig);

/* Parameter i of e as evt.arg.<name> shows it (resolved text, else raw).
 * Appends "<NA>" when e has no parameter i. fdr may be NULL. */
void evt_fmt_param(struct strbuf *sb, const struct evt *e, uint32_t i, const struct evt_fmt_fd *fdr);

/* Every parameter as "name=raw" or "name=raw(resolved)", space-separated:
 * evt.args (and evt.info). Empty for PPME_GENERIC_X and unknown events. */
void evt_fmt_args(struct strbuf *sb, const struct evt *e, const struct evt_fmt_fd *fdr);

/* The line `sysdig -r` prints by default,
 *   %evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.args
 * with evt.time as HH:MM:SS.nnnnnnnnn in local time (the zone offset of
 * now, as sysdig applies it) and evt.type the syscall's name for generic
 * events. comm is proc.name ("<NA>" when unknown). No newline. */
void evt_fmt_line(struct strbuf *sb, uint64_t num, const struct evt *e, const char *comm,
		  const struct evt_fmt_fd *fdr);
