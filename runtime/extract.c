/* Field extraction (see extract.h): one extractor per catalogue field,
 * selected through a table indexed by the field's catalogue id. Event
 * fields read the record in place (and the paired enter record of older
 * captures for parameters the exit lacks); process, thread, user, fd and
 * container fields read the state. */
#include "runtime/extract.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "bpf/shared/ppm_types.h"
#include "compiler/fields.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_fmt.h"
#include "runtime/base/path.h"
#include "runtime/base/evt_schema.h"
#include "runtime/base/mem.h"

/* Open flags and mode bits of the PPM wire format. */
#define O_PPM_RDONLY (1u << 0)
#define O_PPM_WRONLY (1u << 1)
#define O_PPM_CREAT (1u << 2)
#define O_PPM_TMPFILE (1u << 13)
#define O_PPM_F_CREATED (1u << 14)
#define S_PPM_IXALL ((1u << 0) | (1u << 3) | (1u << 6))

#define MAX_ANCESTORS 64	/* bound on process-tree walks */

enum xid {
	X_NONE = 0,
	/* evt */
	X_EVT_NUM, X_EVT_TIME, X_EVT_TIME_S, X_EVT_TIME_ISO, X_EVT_DATETIME, X_EVT_DATETIME_S,
	X_EVT_RAWTIME, X_EVT_RAWTIME_S, X_EVT_RAWTIME_NS, X_EVT_RELTIME, X_EVT_RELTIME_S,
	X_EVT_RELTIME_NS, X_EVT_DELTATIME, X_EVT_DELTATIME_S, X_EVT_DELTATIME_NS, X_EVT_OUTPUTTIME,
	X_EVT_TYPE, X_SYSCALL_TYPE, X_EVT_DIR, X_EVT_CPU, X_EVT_ARGS, X_EVT_INFO, X_EVT_ARG,
	X_EVT_RAWARG, X_EVT_ABSPATH, X_EVT_BUFFER, X_EVT_BUFLEN, X_EVT_RES, X_EVT_RAWRES,
	X_EVT_FAILED, X_EVT_COUNT, X_EVT_COUNT_ERROR, X_EVT_COUNT_EXIT, X_EVT_IS_IO,
	X_EVT_IS_IO_READ, X_EVT_IS_IO_WRITE, X_EVT_IO_DIR, X_EVT_IS_WAIT, X_EVT_IS_SYSLOG,
	X_EVT_IS_ASYNC, X_EVT_IS_OPEN_READ, X_EVT_IS_OPEN_WRITE, X_EVT_IS_OPEN_EXEC,
	X_EVT_IS_OPEN_CREATE, X_EVT_CATEGORY, X_EVT_HOSTNAME, X_EVT_SOURCE, X_EVT_LATENCY,
	X_EVT_LATENCY_S, X_EVT_LATENCY_NS, X_EVT_LATENCY_HUMAN, X_EVT_TYPE_IS,
	/* proc */
	X_PROC_NAME, X_PROC_EXE, X_PROC_EXEPATH, X_PROC_ARGS, X_PROC_CMDLINE, X_PROC_EXELINE,
	X_PROC_CMDNARGS, X_PROC_CMDLENARGS, X_PROC_ENV, X_PROC_CWD, X_PROC_TTY, X_PROC_PID,
	X_PROC_PPID, X_PROC_VPID, X_PROC_PVPID, X_PROC_SID, X_PROC_SNAME, X_PROC_SID_EXE,
	X_PROC_SID_EXEPATH, X_PROC_PGID, X_PROC_PGID_NAME, X_PROC_PGID_EXE, X_PROC_PGID_EXEPATH,
	X_PROC_VPGID, X_PROC_VPGID_NAME, X_PROC_VPGID_EXE, X_PROC_VPGID_EXEPATH,
	X_PROC_LOGINSHELLID, X_PROC_DURATION, X_PROC_PPID_DURATION, X_PROC_PID_TS,
	X_PROC_PPID_TS, X_PROC_PIDNS_INIT_START_TS, X_PROC_PNAME, X_PROC_PCMDLINE, X_PROC_PEXE,
	X_PROC_PEXEPATH, X_PROC_ANAME, X_PROC_APID, X_PROC_AEXE, X_PROC_AEXEPATH,
	X_PROC_ACMDLINE, X_PROC_AARGS, X_PROC_AENV, X_PROC_NTHREADS, X_PROC_NCHILDS,
	X_PROC_FDOPENCOUNT, X_PROC_FDLIMIT, X_PROC_FDUSAGE, X_PROC_VMSIZE, X_PROC_VMRSS,
	X_PROC_VMSWAP, X_PROC_EXE_WRITABLE, X_PROC_EXE_UPPER, X_PROC_EXE_LOWER,
	X_PROC_EXE_MEMFD, X_PROC_EXE_INO, X_PROC_EXE_INO_CTIME, X_PROC_EXE_INO_MTIME,
	X_PROC_EXE_INO_CTIME_PROC, X_PROC_EXE_INO_CTIME_PIDNS, X_PROC_SID_LEADER,
	X_PROC_VPGID_LEADER, X_PROC_PGID_LEADER, X_PROC_STDIN_NAME, X_PROC_STDIN_TYPE,
	X_PROC_STDOUT_NAME, X_PROC_STDOUT_TYPE, X_PROC_STDERR_NAME, X_PROC_STDERR_TYPE,
	X_PROC_CTR_PROBE,
	/* thread */
	X_THREAD_TID, X_THREAD_VTID, X_THREAD_ISMAIN, X_THREAD_NAMETID, X_THREAD_CAP_P,
	X_THREAD_CAP_E, X_THREAD_CAP_I, X_THREAD_CGROUPS, X_THREAD_CGROUP, X_THREAD_PFMAJOR,
	X_THREAD_PFMINOR, X_THREAD_VMSIZE, X_THREAD_VMRSS, X_THREAD_VMSIZE_B, X_THREAD_VMRSS_B,
	/* user, group */
	X_USER_UID, X_USER_NAME, X_USER_HOMEDIR, X_USER_SHELL, X_USER_LOGINUID,
	X_USER_LOGINNAME, X_GROUP_GID, X_GROUP_NAME,
	/* fd */
	X_FD_NUM, X_FD_TYPE, X_FD_TYPECHAR, X_FD_NAME, X_FD_NAMERAW, X_FD_DIRECTORY,
	X_FD_FILENAME, X_FD_INO, X_FD_DEV, X_FD_DEV_MAJOR, X_FD_DEV_MINOR, X_FD_IP, X_FD_CIP,
	X_FD_SIP, X_FD_LIP, X_FD_RIP, X_FD_PORT, X_FD_CPORT, X_FD_SPORT, X_FD_LPORT,
	X_FD_RPORT, X_FD_NET, X_FD_CNET, X_FD_SNET, X_FD_LNET, X_FD_RNET, X_FD_L4PROTO,
	X_FD_SOCKFAMILY, X_FD_IS_SERVER, X_FD_CONNECTED, X_FD_NAME_CHANGED, X_FD_UPPER,
	X_FD_LOWER, X_FD_TYPES, X_FD_CONTAINERNAME, X_FD_CONTAINERDIR, X_FD_PROTO_NAME,
	/* fs.path */
	X_FS_NAME, X_FS_NAMERAW, X_FS_SOURCE, X_FS_SOURCERAW, X_FS_TARGET, X_FS_TARGETRAW,
	/* container */
	X_CTR_ID, X_CTR_FULL_ID, X_CTR_NAME, X_CTR_TYPE,
};

static const struct {
	const char *name;
	enum xid id;
} xtab[] = {
	{ "evt.num", X_EVT_NUM }, { "evt.time", X_EVT_TIME }, { "evt.time.s", X_EVT_TIME_S },
	{ "evt.time.iso8601", X_EVT_TIME_ISO }, { "evt.datetime", X_EVT_DATETIME },
	{ "evt.datetime.s", X_EVT_DATETIME_S }, { "evt.rawtime", X_EVT_RAWTIME },
	{ "evt.rawtime.s", X_EVT_RAWTIME_S }, { "evt.rawtime.ns", X_EVT_RAWTIME_NS },
	{ "evt.reltime", X_EVT_RELTIME }, { "evt.reltime.s", X_EVT_RELTIME_S },
	{ "evt.reltime.ns", X_EVT_RELTIME_NS }, { "evt.deltatime", X_EVT_DELTATIME },
	{ "evt.deltatime.s", X_EVT_DELTATIME_S }, { "evt.deltatime.ns", X_EVT_DELTATIME_NS },
	{ "evt.outputtime", X_EVT_OUTPUTTIME }, { "evt.type", X_EVT_TYPE },
	{ "syscall.type", X_SYSCALL_TYPE }, { "evt.dir", X_EVT_DIR }, { "evt.cpu", X_EVT_CPU },
	{ "evt.args", X_EVT_ARGS }, { "evt.info", X_EVT_INFO }, { "evt.arg", X_EVT_ARG },
	{ "evt.rawarg", X_EVT_RAWARG }, { "evt.abspath", X_EVT_ABSPATH },
	{ "evt.buffer", X_EVT_BUFFER }, { "evt.buflen", X_EVT_BUFLEN }, { "evt.res", X_EVT_RES },
	{ "evt.rawres", X_EVT_RAWRES }, { "evt.failed", X_EVT_FAILED },
	{ "evt.count", X_EVT_COUNT }, { "evt.count.error", X_EVT_COUNT_ERROR },
	{ "evt.count.exit", X_EVT_COUNT_EXIT }, { "evt.is_io", X_EVT_IS_IO },
	{ "evt.is_io_read", X_EVT_IS_IO_READ }, { "evt.is_io_write", X_EVT_IS_IO_WRITE },
	{ "evt.io_dir", X_EVT_IO_DIR }, { "evt.is_wait", X_EVT_IS_WAIT },
	{ "evt.is_syslog", X_EVT_IS_SYSLOG }, { "evt.is_async", X_EVT_IS_ASYNC },
	{ "evt.is_open_read", X_EVT_IS_OPEN_READ }, { "evt.is_open_write", X_EVT_IS_OPEN_WRITE },
	{ "evt.is_open_exec", X_EVT_IS_OPEN_EXEC }, { "evt.is_open_create", X_EVT_IS_OPEN_CREATE },
	{ "evt.category", X_EVT_CATEGORY }, { "evt.hostname", X_EVT_HOSTNAME },
	{ "evt.source", X_EVT_SOURCE }, { "evt.latency", X_EVT_LATENCY },
	{ "evt.latency.s", X_EVT_LATENCY_S }, { "evt.latency.ns", X_EVT_LATENCY_NS },
	{ "evt.latency.human", X_EVT_LATENCY_HUMAN }, { "evt.type.is", X_EVT_TYPE_IS },

	{ "proc.name", X_PROC_NAME }, { "proc.exe", X_PROC_EXE }, { "proc.exepath", X_PROC_EXEPATH },
	{ "proc.args", X_PROC_ARGS }, { "proc.cmdline", X_PROC_CMDLINE },
	{ "proc.exeline", X_PROC_EXELINE }, { "proc.cmdnargs", X_PROC_CMDNARGS },
	{ "proc.cmdlenargs", X_PROC_CMDLENARGS }, { "proc.env", X_PROC_ENV },
	{ "proc.cwd", X_PROC_CWD }, { "proc.tty", X_PROC_TTY }, { "proc.pid", X_PROC_PID },
	{ "proc.ppid", X_PROC_PPID }, { "proc.vpid", X_PROC_VPID }, { "proc.pvpid", X_PROC_PVPID },
	{ "proc.sid", X_PROC_SID }, { "proc.sname", X_PROC_SNAME },
	{ "proc.sid.exe", X_PROC_SID_EXE }, { "proc.sid.exepath", X_PROC_SID_EXEPATH },
	{ "proc.pgid", X_PROC_PGID }, { "proc.pgid.name", X_PROC_PGID_NAME },
	{ "proc.pgid.exe", X_PROC_PGID_EXE }, { "proc.pgid.exepath", X_PROC_PGID_EXEPATH },
	{ "proc.vpgid", X_PROC_VPGID }, { "proc.vpgid.name", X_PROC_VPGID_NAME },
	{ "proc.vpgid.exe", X_PROC_VPGID_EXE }, { "proc.vpgid.exepath", X_PROC_VPGID_EXEPATH },
	{ "proc.loginshellid", X_PROC_LOGINSHELLID }, { "proc.duration", X_PROC_DURATION },
	{ "proc.ppid.duration", X_PROC_PPID_DURATION }, { "proc.pid.ts", X_PROC_PID_TS },
	{ "proc.ppid.ts", X_PROC_PPID_TS }, { "proc.pidns_init_start_ts", X_PROC_PIDNS_INIT_START_TS },
	{ "proc.pname", X_PROC_PNAME }, { "proc.pcmdline", X_PROC_PCMDLINE },
	{ "proc.pexe", X_PROC_PEXE }, { "proc.pexepath", X_PROC_PEXEPATH },
	{ "proc.aname", X_PROC_ANAME }, { "proc.apid", X_PROC_APID }, { "proc.aexe", X_PROC_AEXE },
	{ "proc.aexepath", X_PROC_AEXEPATH }, { "proc.acmdline", X_PROC_ACMDLINE },
	{ "proc.aargs", X_PROC_AARGS }, { "proc.aenv", X_PROC_AENV },
	{ "proc.nthreads", X_PROC_NTHREADS }, { "proc.nchilds", X_PROC_NCHILDS },
	{ "proc.fdopencount", X_PROC_FDOPENCOUNT }, { "proc.fdlimit", X_PROC_FDLIMIT },
	{ "proc.fdusage", X_PROC_FDUSAGE }, { "proc.vmsize", X_PROC_VMSIZE },
	{ "proc.vmrss", X_PROC_VMRSS }, { "proc.vmswap", X_PROC_VMSWAP },
	{ "proc.is_exe_writable", X_PROC_EXE_WRITABLE },
	{ "proc.is_exe_upper_layer", X_PROC_EXE_UPPER },
	{ "proc.is_exe_lower_layer", X_PROC_EXE_LOWER },
	{ "proc.is_exe_from_memfd", X_PROC_EXE_MEMFD }, { "proc.exe_ino", X_PROC_EXE_INO },
	{ "proc.exe_ino.ctime", X_PROC_EXE_INO_CTIME }, { "proc.exe_ino.mtime", X_PROC_EXE_INO_MTIME },
	{ "proc.exe_ino.ctime_duration_proc_start", X_PROC_EXE_INO_CTIME_PROC },
	{ "proc.exe_ino.ctime_duration_pidns_start", X_PROC_EXE_INO_CTIME_PIDNS },
	{ "proc.is_sid_leader", X_PROC_SID_LEADER }, { "proc.is_vpgid_leader", X_PROC_VPGID_LEADER },
	{ "proc.is_pgid_leader", X_PROC_PGID_LEADER },
	{ "proc.stdin.name", X_PROC_STDIN_NAME }, { "proc.stdin.type", X_PROC_STDIN_TYPE },
	{ "proc.stdout.name", X_PROC_STDOUT_NAME }, { "proc.stdout.type", X_PROC_STDOUT_TYPE },
	{ "proc.stderr.name", X_PROC_STDERR_NAME }, { "proc.stderr.type", X_PROC_STDERR_TYPE },
	{ "proc.is_container_healthcheck", X_PROC_CTR_PROBE },
	{ "proc.is_container_liveness_probe", X_PROC_CTR_PROBE },
	{ "proc.is_container_readiness_probe", X_PROC_CTR_PROBE },

	{ "thread.tid", X_THREAD_TID }, { "thread.vtid", X_THREAD_VTID },
	{ "thread.ismain", X_THREAD_ISMAIN }, { "thread.nametid", X_THREAD_NAMETID },
	{ "thread.cap_permitted", X_THREAD_CAP_P }, { "thread.cap_effective", X_THREAD_CAP_E },
	{ "thread.cap_inheritable", X_THREAD_CAP_I }, { "thread.cgroups", X_THREAD_CGROUPS },
	{ "thread.cgroup", X_THREAD_CGROUP }, { "thread.pfmajor", X_THREAD_PFMAJOR },
	{ "thread.pfminor", X_THREAD_PFMINOR }, { "thread.vmsize", X_THREAD_VMSIZE },
	{ "thread.vmrss", X_THREAD_VMRSS }, { "thread.vmsize.b", X_THREAD_VMSIZE_B },
	{ "thread.vmrss.b", X_THREAD_VMRSS_B },

	{ "user.uid", X_USER_UID }, { "user.name", X_USER_NAME }, { "user.homedir", X_USER_HOMEDIR },
	{ "user.shell", X_USER_SHELL }, { "user.loginuid", X_USER_LOGINUID },
	{ "user.loginname", X_USER_LOGINNAME }, { "group.gid", X_GROUP_GID },
	{ "group.name", X_GROUP_NAME },

	{ "fd.num", X_FD_NUM }, { "fd.type", X_FD_TYPE }, { "fd.typechar", X_FD_TYPECHAR },
	{ "fd.name", X_FD_NAME }, { "fd.nameraw", X_FD_NAMERAW }, { "fd.directory", X_FD_DIRECTORY },
	{ "fd.filename", X_FD_FILENAME }, { "fd.ino", X_FD_INO }, { "fd.dev", X_FD_DEV },
	{ "fd.dev.major", X_FD_DEV_MAJOR }, { "fd.dev.minor", X_FD_DEV_MINOR },
	{ "fd.ip", X_FD_IP }, { "fd.cip", X_FD_CIP }, { "fd.sip", X_FD_SIP }, { "fd.lip", X_FD_LIP },
	{ "fd.rip", X_FD_RIP }, { "fd.port", X_FD_PORT }, { "fd.cport", X_FD_CPORT },
	{ "fd.sport", X_FD_SPORT }, { "fd.lport", X_FD_LPORT }, { "fd.rport", X_FD_RPORT },
	{ "fd.net", X_FD_NET }, { "fd.cnet", X_FD_CNET }, { "fd.snet", X_FD_SNET },
	{ "fd.lnet", X_FD_LNET }, { "fd.rnet", X_FD_RNET }, { "fd.l4proto", X_FD_L4PROTO },
	{ "fd.sockfamily", X_FD_SOCKFAMILY }, { "fd.is_server", X_FD_IS_SERVER },
	{ "fd.connected", X_FD_CONNECTED }, { "fd.name_changed", X_FD_NAME_CHANGED },
	{ "fd.is_upper_layer", X_FD_UPPER }, { "fd.is_lower_layer", X_FD_LOWER },
	{ "fd.types", X_FD_TYPES }, { "fd.containername", X_FD_CONTAINERNAME },
	{ "fd.containerdirectory", X_FD_CONTAINERDIR }, { "fd.cproto", X_FD_PROTO_NAME },
	{ "fd.sproto", X_FD_PROTO_NAME }, { "fd.lproto", X_FD_PROTO_NAME },
	{ "fd.rproto", X_FD_PROTO_NAME }, { "fd.proto", X_FD_PROTO_NAME },

	{ "fs.path.name", X_FS_NAME }, { "fs.path.nameraw", X_FS_NAMERAW },
	{ "fs.path.source", X_FS_SOURCE }, { "fs.path.sourceraw", X_FS_SOURCERAW },
	{ "fs.path.target", X_FS_TARGET }, { "fs.path.targetraw", X_FS_TARGETRAW },

	{ "container.id", X_CTR_ID }, { "container.full_id", X_CTR_FULL_ID },
	{ "container.name", X_CTR_NAME }, { "container.type", X_CTR_TYPE },
};

static uint8_t *xmap;	/* catalogue id -> enum xid */
static size_t xmap_n;

void extract_init(void)
{
	size_t n = fields_count();

	if (xmap)
		return;
	xmap = mem_calloc(n ? n : 1, sizeof(*xmap));
	if (!xmap)
		return;
	_Static_assert(X_CTR_TYPE < 256, "xid fits a byte");
	for (size_t i = 0; i < sizeof(xtab) / sizeof(xtab[0]); i++) {
		const struct field_info *fi = fields_find(xtab[i].name);

		if (fi)
			xmap[fi - fields_at(0)] = (uint8_t)xtab[i].id;
	}
	xmap_n = n;
}

static enum xid xid_of(const struct field_info *fi)
{
	if (!xmap)
		extract_init();
	return xmap && fi->id < xmap_n ? (enum xid)xmap[fi->id] : X_NONE;
}

bool extract_supported(const struct field_info *fi)
{
	return xid_of(fi) != X_NONE;
}

void extract_scratch_release(struct extract_scratch *s)
{
	strbuf_release(&s->sb);
	mem_free(s->items);
	s->items = NULL;
	s->cap = 0;
}

/* ---- small value helpers ------------------------------------------------ */

static void set_none(struct fval *out)
{
	out->kind = FV_NONE;
}

static void set_cstr(struct fval *out, const char *s)
{
	if (!s)
		set_none(out);
	else
		fval_set_str(out, s, (uint32_t)strlen(s));
}

/* Returns the scratch text as a value (after the caller filled sc->sb). */
static void set_sb(struct fval *out, struct extract_scratch *sc)
{
	if (sc->sb.oom)
		set_none(out);
	else
		fval_set_str(out, sc->sb.buf ? sc->sb.buf : "", (uint32_t)sc->sb.len);
}

static struct fval *items(struct extract_scratch *sc, uint32_t n)
{
	if (n > sc->cap) {
		struct fval *p = mem_reallocarray(sc->items, n, sizeof(*p));

		if (!p)
			return NULL;
		sc->items = p;
		sc->cap = n;
	}
	return sc->items;
}

static void set_ip(struct fval *out, uint8_t family, const uint8_t *addr)
{
	out->kind = FV_IP;
	memset(out->ip.b, 0, sizeof(out->ip.b));
	if (family == AF_INET) {
		out->ip.fam = 4;
		memcpy(out->ip.b, addr, 4);
	} else {
		out->ip.fam = 6;
		memcpy(out->ip.b, addr, 16);
	}
}

/* Blob items joined with one space. */
static void add_blob(struct strbuf *sb, const struct thr_blob *b)
{
	uint32_t i = 0;
	bool first = true;

	while (i < b->len) {
		size_t n = strnlen(b->p + i, b->len - i);

		if (!first)
			strbuf_addc(sb, ' ');
		strbuf_add(sb, b->p + i, n);
		first = false;
		i += (uint32_t)n + 1;
	}
}

static uint32_t blob_count(const struct thr_blob *b)
{
	uint32_t i = 0, n = 0;

	while (i < b->len) {
		i += (uint32_t)strnlen(b->p + i, b->len - i) + 1;
		n++;
	}
	return n;
}

/* Value of KEY in a blob of "KEY=value" items (env, cgroups), or NULL. */
static const char *blob_lookup(const struct thr_blob *b, const char *key)
{
	size_t kl = strlen(key);
	uint32_t i = 0;

	while (i < b->len) {
		const char *s = b->p + i;
		size_t n = strnlen(s, b->len - i);

		if (n > kl && !memcmp(s, key, kl) && s[kl] == '=')
			return s + kl + 1;
		i += (uint32_t)n + 1;
	}
	return NULL;
}

/* ---- event parameters --------------------------------------------------- */

/* Finds parameter name in the event, or else in its paired enter event. */
static bool param_find(const struct extract_evt *x, const char *name, const struct evt **ev,
		       uint32_t *idx)
{
	int i = evt_param_index(x->e, name);

	if (i >= 0 && (uint32_t)i < x->e->nparams) {
		*ev = x->e;
		*idx = (uint32_t)i;
		return true;
	}
	if (x->cur.enter) {
		i = evt_param_index(x->cur.enter, name);
		if (i >= 0 && (uint32_t)i < x->cur.enter->nparams) {
			*ev = x->cur.enter;
			*idx = (uint32_t)i;
			return true;
		}
	}
	return false;
}

static const struct evt_param_info *pinfo(const struct evt *e, uint32_t i)
{
	return e->info && i < e->info->nparams ? &e->info->params[i] : NULL;
}

/* Integer value of a parameter of any integer width, sign-extended for
 * signed types. */
/* Integer parameter types read as signed numbers. */
static bool param_type_signed(enum ppm_param_type t)
{
	return t == PT_INT8 || t == PT_INT16 || t == PT_INT32 || t == PT_INT64 || t == PT_ERRNO ||
	       t == PT_FD || t == PT_PID || t == PT_FD32 || t == PT_PID32;
}

static bool param_int(const struct evt *e, uint32_t i, int64_t *v)
{
	const struct evt_param_info *pi = pinfo(e, i);
	uint32_t len;
	const uint8_t *p = evt_param(e, i, &len);
	bool sgn;

	if (!p || !pi)
		return false;
	sgn = param_type_signed((enum ppm_param_type)pi->type);
	switch (len) {
	case 1: { uint8_t u = p[0]; *v = sgn ? (int8_t)u : u; return true; }
	case 2: { uint16_t u; memcpy(&u, p, 2); *v = sgn ? (int16_t)u : u; return true; }
	case 4: { uint32_t u; memcpy(&u, p, 4); *v = sgn ? (int32_t)u : (int64_t)u; return true; }
	case 8: { uint64_t u; memcpy(&u, p, 8); *v = (int64_t)u; return true; }
	default: return false;
	}
}

static const char *param_str_named(const struct extract_evt *x, const char *name)
{
	const struct evt *ev;
	uint32_t i;

	return param_find(x, name, &ev, &i) ? evt_param_str(ev, i) : NULL;
}

/* The syscall's return value: the first parameter of an exit event when it
 * is the result (res, fd, pid). */
static bool evt_retval(const struct evt *e, int64_t *v)
{
	const struct evt_param_info *pi;

	if (!e->info || e->info->dir != EVD_EXIT || !(e->info->flags & EVF_SYSCALL))
		return false;
	pi = pinfo(e, 0);
	if (!pi || (pi->type != PT_ERRNO && pi->type != PT_FD && pi->type != PT_PID &&
		    pi->type != PT_INT64 && pi->type != PT_UINT64))
		return false;
	return param_int(e, 0, v);
}


static const char *evt_type_name(const struct evt *e)
{
	uint16_t sc;
	int idx;

	if (!e->info)
		return NULL;
	if ((e->type == PPME_GENERIC_E || e->type == PPME_GENERIC_X) && evt_param_u16(e, 0, &sc)) {
		idx = evt_schema_syscall_by_ppm_sc(sc);
		return idx >= 0 ? evt_schema_syscall_name((size_t)idx) : "syscall";
	}
	return e->info->name;
}

static void fmt_time(struct strbuf *sb, uint64_t ts, bool date, bool ns, bool iso)
{
	time_t secs = (time_t)(ts / 1000000000ull);
	struct tm tm;
	char buf[64];

	if (iso)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), iso ? "%Y-%m-%dT%H:%M:%S" : date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
		 &tm);
	strbuf_adds(sb, buf);
	if (ns)
		strbuf_printf(sb, ".%09" PRIu64, (uint64_t)(ts % 1000000000ull));
	if (iso)
		strbuf_addc(sb, 'Z');
}

/* Raw typed value of parameter i (evt.rawarg). */
static void raw_param(const struct evt *e, uint32_t i, struct fval *out)
{
	const struct evt_param_info *pi = pinfo(e, i);
	uint32_t len;
	const uint8_t *p = evt_param(e, i, &len);
	int64_t v;

	set_none(out);
	if (!pi || !p)
		return;
	switch (pi->type) {
	case PT_CHARBUF:
	case PT_FSPATH:
	case PT_FSRELPATH:
		if (len && p[len - 1] == '\0')
			fval_set_str(out, (const char *)p, len - 1);
		return;
	case PT_BYTEBUF:
	case PT_CHARBUFARRAY:
		fval_set_str(out, (const char *)p, len);
		return;
	default:
		if (param_type_signed((enum ppm_param_type)pi->type)) {
			if (param_int(e, i, &v))
				fval_set_s64(out, v);
			return;
		}
		if ((len == 1 || len == 2 || len == 4 || len == 8) && param_int(e, i, &v))
			fval_set_u64(out, (uint64_t)v);
		return;
	}
}

/* Parameter named or numbered by arg, in this event or its enter event. */
static bool param_by_arg(const struct extract_evt *x, const char *arg, const struct evt **ev,
			 uint32_t *idx)
{
	char *end;
	unsigned long n;

	if (!arg)
		return false;
	if (*arg < '0' || *arg > '9')	/* a name */
		return param_find(x, arg, ev, idx);
	n = strtoul(arg, &end, 10);
	if (!*end) {
		if (n >= x->e->nparams)
			return false;
		*ev = x->e;
		*idx = (uint32_t)n;
		return true;
	}
	return param_find(x, arg, ev, idx);
}

static bool is_open_event(uint16_t t, bool *newer)
{
	*newer = t == PPME_SYSCALL_OPENAT_2_X || t == PPME_SYSCALL_OPENAT2_X;
	return *newer || t == PPME_SYSCALL_OPEN_X || t == PPME_SYSCALL_OPEN_BY_HANDLE_AT_X;
}

/* Whether events of code describe a file by their parameters (opens and
 * creat on exit). */
static bool names_file(uint16_t code)
{
	bool newer;

	return is_open_event(code, &newer) || code == PPME_SYSCALL_CREAT_X;
}

static void evt_is_open(const struct extract_evt *x, enum xid id, struct fval *out)
{
	const struct evt *e = x->e;
	bool newer, v = false;
	uint32_t flags = 0, mode = 0;
	int64_t res;

	if (is_open_event(e->type, &newer)) {
		evt_param_u32(e, newer ? 3 : 2, &flags);
		if (id == X_EVT_IS_OPEN_READ)
			v = flags & O_PPM_RDONLY;
		else if (id == X_EVT_IS_OPEN_WRITE)
			v = flags & O_PPM_WRONLY;
		else if (id == X_EVT_IS_OPEN_CREATE)
			v = (flags & O_PPM_F_CREATED) ||
			    ((flags & O_PPM_TMPFILE) && evt_retval(e, &res) && res >= 0);
		else if ((flags & (O_PPM_TMPFILE | O_PPM_CREAT)) &&
			 e->type != PPME_SYSCALL_OPEN_BY_HANDLE_AT_X &&
			 evt_param_u32(e, newer ? 4 : 3, &mode))
			v = mode & S_PPM_IXALL;
	} else if (id == X_EVT_IS_OPEN_EXEC && e->type == PPME_SYSCALL_CREAT_X &&
		   evt_param_u32(e, 2, &mode)) {
		v = mode & S_PPM_IXALL;
	}
	fval_set_bool(out, v);
}

static const char *category_name(uint32_t flags)
{
	static const char *const names[] = {
		"unknown", "other", "file", "net", "IPC", "memory", "process", "sleep", "system",
		"signal", "user", "time", "processing", "IO", "IO", "IO", "wait", "scheduler",
		"internal",
	};
	uint32_t c = EVF_CLS(flags) >> EVF_CLS_SHIFT;

	return c < sizeof(names) / sizeof(names[0]) ? names[c] : "unknown";
}

/* Appends path resolved against dir to sb. */
static void path_join(struct strbuf *sb, const char *dir, const char *path)
{
	char buf[PATH_RESOLVE_MAX];

	path_resolve(dir, path, buf, sizeof(buf));
	strbuf_adds(sb, buf);
}

/* The directory a dirfd parameter stands for. */
static const char *dirfd_path(const struct extract_evt *x, const struct evt *ev, uint32_t pidx)
{
	const struct evt_param_info *pi = pinfo(ev, pidx);
	int64_t dirfd;
	struct fdi *f;

	if (!x->cur.thr)
		return NULL;
	if (!pi || pi->dirfd < 0 || !param_int(ev, (uint32_t)pi->dirfd, &dirfd))
		return x->cur.thr->cwd;
	if (dirfd == -100)	/* AT_FDCWD */
		return x->cur.thr->cwd;
	f = x->st ? state__fd(x->st, x->cur.thr, dirfd) : NULL;
	return f ? f->name : NULL;
}

/* evt.abspath and fs.path.*: a path parameter resolved against its dirfd
 * or the cwd. */
static bool abspath(const struct extract_evt *x, const char *pname, struct extract_scratch *sc,
		    struct fval *out)
{
	const struct evt *ev;
	uint32_t i;
	const char *s, *dir;

	if (!param_find(x, pname, &ev, &i) || !(s = evt_param_str(ev, i)))
		return false;
	dir = s[0] == '/' ? NULL : dirfd_path(x, ev, i);
	if (s[0] != '/' && !dir)
		return false;
	strbuf_reset(&sc->sb);
	path_join(&sc->sb, dir, s);
	set_sb(out, sc);
	return true;
}

/* ---- what evt.args, evt.arg.* and --print resolve through the state ---- */

static bool fmt_fd(void *ctx, int64_t fd, char *typechar, const char **name)
{
	const struct extract_evt *x = ctx;
	struct fdi *f;

	if (!x->st || !x->cur.thr)
		return false;
	f = state__fd(x->st, x->cur.thr, fd);
	if (!f)
		return false;
	typechar[0] = fdi_typechar(f);
	if (f->type == FDI_IPV4_SOCK || f->type == FDI_IPV6_SOCK)
		typechar[1] = f->l4proto == IPPROTO_TCP ? 't' : f->l4proto == IPPROTO_UDP ? 'u' :
			      f->l4proto == IPPROTO_ICMP ? 'i' : f->l4proto == IPPROTO_RAW ? 'r' : 0;
	*name = f->name;
	return true;
}

static bool fmt_comm(void *ctx, int64_t pid, const char **comm)
{
	const struct extract_evt *x = ctx;
	const struct thr *t = x->st ? state__thread(x->st, pid) : NULL;

	if (!t || !t->comm)
		return false;
	*comm = t->comm;
	return true;
}

static bool fmt_user(void *ctx, uint32_t uid, const char **name)
{
	const struct extract_evt *x = ctx;
	const struct state_user *u = x->st ? state__user(x->st, uid) : NULL;

	if (!u || !u->name)
		return false;
	*name = u->name;
	return true;
}

static bool fmt_group(void *ctx, uint32_t gid, const char **name)
{
	const struct extract_evt *x = ctx;
	const struct state_group *g = x->st ? state__group(x->st, gid) : NULL;

	if (!g || !g->name)
		return false;
	*name = g->name;
	return true;
}

static bool fmt_abspath(void *ctx, int64_t dirfd, const char *rel, struct strbuf *out)
{
	const struct extract_evt *x = ctx;
	const char *dir = NULL;
	struct fdi *f;

	if (!x->cur.thr)
		return false;
	if (dirfd == -100) {	/* AT_FDCWD */
		dir = x->cur.thr->cwd;
	} else if (x->st && (f = state__fd(x->st, x->cur.thr, dirfd)) != NULL) {
		dir = f->name;
	}
	if (!dir || !dir[0])
		return false;
	path_join(out, dir, rel);
	return true;
}

void extract_fmt_ctx(const struct extract_evt *x, struct evt_fmt_fd *out)
{
	*out = (struct evt_fmt_fd){
		.ctx = (void *)x,
		.lookup = fmt_fd,
		.comm = fmt_comm,
		.user = fmt_user,
		.group = fmt_group,
		.abspath = fmt_abspath,
	};
}

/* Which parameter fs.path.name, .source and .target read, per event (the
 * exit events libsinsp's fspath check knows), and when they have a value:
 * after a success (res 0), or for opens whenever the fd is not -1. "@fd"
 * is the name of the event's fd. Events not listed have no fs.path. */
static const struct fs_event {
	const char *evt;
	const char *name, *source, *target;
	bool fd_ok;
} fs_events[] = {
	{ "mkdir", "path", NULL, NULL, false },
	{ "mkdirat", "path", NULL, NULL, false },
	{ "rmdir", "path", NULL, NULL, false },
	{ "unlink", "path", NULL, NULL, false },
	{ "unlinkat", "name", NULL, NULL, false },
	{ "open", "name", NULL, NULL, true },
	{ "openat", "name", NULL, NULL, true },
	{ "openat2", "name", NULL, NULL, true },
	{ "chmod", "filename", NULL, NULL, false },
	{ "fchmodat", "filename", NULL, NULL, false },
	{ "fchmod", "@fd", NULL, NULL, false },
	{ "chown", "path", NULL, NULL, false },
	{ "lchown", "path", NULL, NULL, false },
	{ "fchown", "@fd", NULL, NULL, false },
	{ "fchownat", "pathname", NULL, NULL, false },
	{ "quotactl", "special", NULL, NULL, false },
	{ "umount", "name", NULL, NULL, false },
	{ "umount2", "name", NULL, NULL, false },
	{ "mount", NULL, "dev", "dir", false },
	{ "rename", NULL, "oldpath", "newpath", false },
	{ "renameat", NULL, "oldpath", "newpath", false },
	{ "renameat2", NULL, "oldpath", "newpath", false },
	{ "link", NULL, "oldpath", "newpath", false },
	{ "linkat", NULL, "oldpath", "newpath", false },
	{ "symlink", NULL, "target", "linkpath", false },
	{ "symlinkat", NULL, "target", "linkpath", false },
};

static const char *fs_param(const struct extract_evt *x, enum xid id)
{
	const struct evt *e = x->e;
	const char *n = e->info ? e->info->name : "";
	int64_t res;

	if (!e->info || e->info->dir != EVD_EXIT)
		return NULL;
	for (size_t i = 0; i < sizeof(fs_events) / sizeof(fs_events[0]); i++) {
		const struct fs_event *f = &fs_events[i];

		if (strcmp(n, f->evt))
			continue;
		if (!evt_retval(e, &res) || (f->fd_ok ? res == -1 : res != 0))
			return NULL;
		if (id == X_FS_NAME || id == X_FS_NAMERAW)
			return f->name;
		return id == X_FS_SOURCE || id == X_FS_SOURCERAW ? f->source : f->target;
	}
	return NULL;
}

static void extract_fs(const struct extract_evt *x, enum xid id, struct extract_scratch *sc,
		       struct fval *out)
{
	const char *p = fs_param(x, id);

	set_none(out);
	if (!p)
		return;
	if (!strcmp(p, "@fd")) {
		if (x->cur.fd && x->cur.fd->name)
			set_cstr(out, x->cur.fd->name);
		return;
	}
	if (id == X_FS_NAMERAW || id == X_FS_SOURCERAW || id == X_FS_TARGETRAW) {
		set_cstr(out, param_str_named(x, p));
		return;
	}
	if (!abspath(x, p, sc, out))
		set_cstr(out, param_str_named(x, p));
}

/* ---- process ------------------------------------------------------------ */

static struct thr *parent_of(const struct extract_evt *x, const struct thr *t)
{
	return x->st && t ? state__parent(x->st, t) : NULL;
}

/* The Nth ancestor (0: the thread itself). */
static struct thr *ancestor(const struct extract_evt *x, uint64_t n)
{
	struct thr *t = x->cur.thr;

	for (uint64_t i = 0; t && i < n; i++) {
		if (i >= MAX_ANCESTORS)
			return NULL;
		t = parent_of(x, t);
	}
	return t;
}

static void proc_cmdline(const struct thr *t, bool exe, struct strbuf *sb)
{
	strbuf_adds(sb, exe ? (t->exe ? t->exe : "") : (t->comm ? t->comm : ""));
	if (t->args.len) {
		strbuf_addc(sb, ' ');
		add_blob(sb, &t->args);
	}
}

/* A per-process value for the ancestor accessors. */
static void proc_val(const struct extract_evt *x, const struct thr *t, enum xid what,
		     struct extract_scratch *sc, struct fval *out)
{
	(void)x;
	switch (what) {
	case X_PROC_ANAME: set_cstr(out, t->comm); break;
	case X_PROC_APID: fval_set_s64(out, t->pid); break;
	case X_PROC_AEXE: set_cstr(out, t->exe); break;
	case X_PROC_AEXEPATH: set_cstr(out, t->exepath ? t->exepath : ""); break;
	case X_PROC_ACMDLINE:
		strbuf_reset(&sc->sb);
		proc_cmdline(t, false, &sc->sb);
		set_sb(out, sc);
		break;
	case X_PROC_AARGS:
		strbuf_reset(&sc->sb);
		add_blob(&sc->sb, &t->args);
		set_sb(out, sc);
		break;
	default: set_none(out); break;
	}
}

/* proc.aname[N] and friends: N given -> the Nth ancestor (0 is the
 * process); no N -> every ancestor (parent upwards), any of which may
 * satisfy the comparison (FV_LIST with any-of semantics is what the
 * interpreter applies to ancestor fields). */
static void ancestors(const struct extract_evt *x, const char *arg, enum xid what,
		      struct extract_scratch *sc, struct fval *out)
{
	struct thr *t;

	set_none(out);
	if (arg) {
		t = ancestor(x, strtoull(arg, NULL, 10));
		if (t)
			proc_val(x, t, what, sc, out);
		return;
	}
	/* Every ancestor; text values share one buffer, so lay them down
	 * first and point into it afterwards. */
	{
		uint32_t n = 0, offs[MAX_ANCESTORS], lens[MAX_ANCESTORS];
		struct fval tmp[MAX_ANCESTORS], *it;
		struct extract_scratch one = { 0 };
		struct strbuf all = STRBUF_INIT;

		t = x->cur.thr;
		while (n < MAX_ANCESTORS && (t = parent_of(x, t))) {
			proc_val(x, t, what, &one, &tmp[n]);
			if (tmp[n].kind == FV_STR) {
				offs[n] = (uint32_t)all.len;
				lens[n] = tmp[n].s.len;
				strbuf_add(&all, tmp[n].s.p, tmp[n].s.len);
			}
			n++;
		}
		extract_scratch_release(&one);
		it = items(sc, n ? n : 1);
		if (!it || all.oom) {
			strbuf_release(&all);
			return;
		}
		strbuf_release(&sc->sb);
		sc->sb = all;
		for (uint32_t i = 0; i < n; i++) {
			it[i] = tmp[i];
			if (tmp[i].kind == FV_STR)
				it[i] = fval_str(sc->sb.buf + offs[i], lens[i]);
		}
		out->kind = FV_LIST;
		out->list.items = it;
		out->list.n = n;
		out->list.any = true;
	}
}

static void caps_text(uint64_t caps, struct extract_scratch *sc, struct fval *out)
{
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
		"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
		"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
		"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
		"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
		"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
		"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
		"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
		"CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
	};

	strbuf_reset(&sc->sb);
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(caps & (1ull << i)))
			continue;
		if (sc->sb.len)
			strbuf_addc(&sc->sb, ' ');
		strbuf_adds(&sc->sb, names[i]);
	}
	set_sb(out, sc);
}

/* Falco's test: the thread lives in a pid namespace other than the host's. */
static bool thr_in_pidns(const struct thr *t)
{
	return (t->flags & THR_F_CHILD_IN_PIDNS) || (t->vtid >= 0 && t->vtid != t->tid);
}

static struct thr *leader(const struct extract_evt *x, int64_t pid)
{
	return x->st && pid > 0 ? state__thread(x->st, pid) : NULL;
}

static void std_fd(const struct extract_evt *x, int64_t n, bool type, struct fval *out)
{
	struct fdi *f = x->st && x->cur.thr ? state__fd(x->st, x->cur.thr, n) : NULL;

	if (!f)
		set_none(out);
	else if (type)
		set_cstr(out, fdi_typename(f));
	else
		fval_set_str(out, f->name, f->name_len);
}

static void extract_proc(const struct extract_evt *x, enum xid id, const char *arg,
			 struct extract_scratch *sc, struct fval *out)
{
	const struct thr *t = x->cur.thr, *p, *l;
	uint64_t ts = x->e->ts;

	set_none(out);
	if (!t)
		return;
	switch (id) {
	case X_PROC_NAME: set_cstr(out, t->comm); break;
	case X_PROC_EXE: set_cstr(out, t->exe); break;
	case X_PROC_EXEPATH: set_cstr(out, t->exepath ? t->exepath : ""); break;
	case X_PROC_ARGS:
		strbuf_reset(&sc->sb);
		add_blob(&sc->sb, &t->args);
		set_sb(out, sc);
		break;
	case X_PROC_CMDLINE:
	case X_PROC_EXELINE:
		strbuf_reset(&sc->sb);
		proc_cmdline(t, id == X_PROC_EXELINE, &sc->sb);
		set_sb(out, sc);
		break;
	case X_PROC_CMDNARGS: fval_set_u64(out, blob_count(&t->args)); break;
	case X_PROC_CMDLENARGS: {
		uint64_t n = 0;

		for (uint32_t i = 0; i < t->args.len; i++)
			n += t->args.p[i] != '\0';
		fval_set_u64(out, n);
		break;
	}
	case X_PROC_ENV:
		if (arg) {
			set_cstr(out, blob_lookup(&t->env, arg));
		} else {
			strbuf_reset(&sc->sb);
			add_blob(&sc->sb, &t->env);
			set_sb(out, sc);
		}
		break;
	case X_PROC_CWD: set_cstr(out, t->cwd); break;
	case X_PROC_TTY: fval_set_u64(out, t->tty); break;
	case X_PROC_PID: fval_set_s64(out, t->pid); break;
	case X_PROC_PPID: fval_set_s64(out, t->ptid); break;
	case X_PROC_VPID: fval_set_s64(out, t->vpid); break;
	case X_PROC_PVPID:
		if ((p = parent_of(x, t)))
			fval_set_s64(out, p->vpid);
		break;
	case X_PROC_SID: fval_set_s64(out, t->sid); break;
	case X_PROC_PGID: fval_set_s64(out, t->pgid); break;
	case X_PROC_VPGID: fval_set_s64(out, t->vpgid); break;
	case X_PROC_SNAME: case X_PROC_SID_EXE: case X_PROC_SID_EXEPATH:
	case X_PROC_PGID_NAME: case X_PROC_PGID_EXE: case X_PROC_PGID_EXEPATH:
	case X_PROC_VPGID_NAME: case X_PROC_VPGID_EXE: case X_PROC_VPGID_EXEPATH: {
		/* Falco's group leader: unset id (-1) gives nothing; a real
		 * id (or any id outside a pid namespace) names the thread
		 * directly; otherwise the oldest ancestor, from the parent up,
		 * that still carries the same id. Not found: "". */
		int64_t want = id <= X_PROC_SID_EXEPATH ? t->sid : id <= X_PROC_PGID_EXEPATH ? t->pgid
											: t->vpgid;
		bool virt = id >= X_PROC_VPGID_NAME;

		if (want == -1) {
			set_cstr(out, "");
			break;
		}
		l = !virt || !thr_in_pidns(t) ? leader(x, want) : NULL;
		if (!l) {
			for (const struct thr *c = parent_of(x, t); c && c->tid != -1; c = parent_of(x, c)) {
				int64_t cid = id <= X_PROC_SID_EXEPATH ? c->sid
					      : id <= X_PROC_PGID_EXEPATH ? c->pgid : c->vpgid;

				if (cid != want || c == l)
					break;
				l = c;
			}
		}
		if (!l) {
			set_cstr(out, "");
			break;
		}
		if (id == X_PROC_SNAME || id == X_PROC_PGID_NAME || id == X_PROC_VPGID_NAME)
			set_cstr(out, l->comm);
		else if (id == X_PROC_SID_EXE || id == X_PROC_PGID_EXE || id == X_PROC_VPGID_EXE)
			set_cstr(out, l->exe);
		else
			set_cstr(out, l->exepath ? l->exepath : "");
		break;
	}
	case X_PROC_LOGINSHELLID: {
		const struct thr *c = t;
		int64_t found = -1;

		for (int i = 0; c && i < MAX_ANCESTORS; i++) {
			size_t n = c->comm ? strlen(c->comm) : 0;

			if (n >= 2 && !strcmp(c->comm + n - 2, "sh"))
				found = c->pid;
			c = parent_of(x, c);
		}
		if (found >= 0)
			fval_set_s64(out, found);
		break;
	}
	case X_PROC_DURATION:
		if (t->clone_ts && ts >= t->clone_ts)
			fval_set_u64(out, ts - t->clone_ts);
		break;
	case X_PROC_PPID_DURATION:
		if ((p = parent_of(x, t)) && p->clone_ts && ts >= p->clone_ts)
			fval_set_u64(out, ts - p->clone_ts);
		break;
	case X_PROC_PID_TS:
		if (t->clone_ts)
			fval_set_u64(out, t->clone_ts);
		break;
	case X_PROC_PPID_TS:
		if ((p = parent_of(x, t)) && p->clone_ts)
			fval_set_u64(out, p->clone_ts);
		break;
	case X_PROC_PIDNS_INIT_START_TS:
		if (t->pidns_init_start_ts)
			fval_set_u64(out, t->pidns_init_start_ts);
		break;
	case X_PROC_PNAME: case X_PROC_PEXE: case X_PROC_PEXEPATH: case X_PROC_PCMDLINE:
		if (!(p = parent_of(x, t)))
			break;
		if (id == X_PROC_PNAME)
			set_cstr(out, p->comm);
		else if (id == X_PROC_PEXE)
			set_cstr(out, p->exe);
		else if (id == X_PROC_PEXEPATH)
			set_cstr(out, p->exepath ? p->exepath : "");
		else
			proc_val(x, p, X_PROC_ACMDLINE, sc, out);
		break;
	case X_PROC_ANAME: case X_PROC_APID: case X_PROC_AEXE: case X_PROC_AEXEPATH:
	case X_PROC_ACMDLINE: case X_PROC_AARGS:
		ancestors(x, arg, id, sc, out);
		break;
	case X_PROC_NTHREADS: if (x->st) fval_set_u64(out, state__nthreads(x->st, t)); break;
	case X_PROC_NCHILDS: if (x->st) fval_set_u64(out, state__nchilds(x->st, t)); break;
	case X_PROC_FDOPENCOUNT: if (x->st) fval_set_u64(out, state__fd_count(x->st, t)); break;
	case X_PROC_FDLIMIT: if (t->fdlimit > 0) fval_set_s64(out, t->fdlimit); break;
	case X_PROC_FDUSAGE:
		if (x->st && t->fdlimit > 0)
			fval_set_u64(out, state__fd_count(x->st, t) * 100ull / (uint64_t)t->fdlimit);
		break;
	case X_PROC_VMSIZE: fval_set_u64(out, t->vmsize_kb); break;
	case X_PROC_VMRSS: fval_set_u64(out, t->vmrss_kb); break;
	case X_PROC_VMSWAP: fval_set_u64(out, t->vmswap_kb); break;
	case X_PROC_EXE_WRITABLE: fval_set_bool(out, t->flags & THR_F_EXE_WRITABLE); break;
	case X_PROC_EXE_UPPER: fval_set_bool(out, t->flags & THR_F_EXE_UPPER_LAYER); break;
	case X_PROC_EXE_LOWER: fval_set_bool(out, t->flags & THR_F_EXE_LOWER_LAYER); break;
	case X_PROC_EXE_MEMFD: fval_set_bool(out, t->flags & THR_F_EXE_FROM_MEMFD); break;
	case X_PROC_EXE_INO: if (t->exe_ino) fval_set_u64(out, t->exe_ino); break;
	case X_PROC_EXE_INO_CTIME: if (t->exe_ino_ctime) fval_set_u64(out, t->exe_ino_ctime); break;
	case X_PROC_EXE_INO_MTIME: if (t->exe_ino_mtime) fval_set_u64(out, t->exe_ino_mtime); break;
	case X_PROC_EXE_INO_CTIME_PROC:
		if (t->exe_ino_ctime && t->clone_ts >= t->exe_ino_ctime)
			fval_set_u64(out, t->clone_ts - t->exe_ino_ctime);
		break;
	case X_PROC_EXE_INO_CTIME_PIDNS:
		if (t->exe_ino_ctime && t->pidns_init_start_ts >= t->exe_ino_ctime)
			fval_set_u64(out, t->pidns_init_start_ts - t->exe_ino_ctime);
		break;
	case X_PROC_SID_LEADER: fval_set_bool(out, t->sid == t->vpid); break;
	case X_PROC_VPGID_LEADER: fval_set_bool(out, t->vpgid == t->vpid); break;
	case X_PROC_PGID_LEADER: fval_set_bool(out, t->pgid == t->pid); break;
	case X_PROC_STDIN_NAME: std_fd(x, 0, false, out); break;
	case X_PROC_STDIN_TYPE: std_fd(x, 0, true, out); break;
	case X_PROC_STDOUT_NAME: std_fd(x, 1, false, out); break;
	case X_PROC_STDOUT_TYPE: std_fd(x, 1, true, out); break;
	case X_PROC_STDERR_NAME: std_fd(x, 2, false, out); break;
	case X_PROC_STDERR_TYPE: std_fd(x, 2, true, out); break;
	case X_PROC_CTR_PROBE: fval_set_bool(out, false); break;
	/* thread */
	case X_THREAD_TID: fval_set_s64(out, t->tid); break;
	case X_THREAD_VTID: fval_set_s64(out, t->vtid); break;
	case X_THREAD_ISMAIN: fval_set_bool(out, t->tid == t->pid); break;
	case X_THREAD_NAMETID:
		strbuf_reset(&sc->sb);
		strbuf_printf(&sc->sb, "%s%" PRId64, t->comm ? t->comm : "", t->tid);
		set_sb(out, sc);
		break;
	case X_THREAD_CAP_P: caps_text(t->cap_permitted, sc, out); break;
	case X_THREAD_CAP_E: caps_text(t->cap_effective, sc, out); break;
	case X_THREAD_CAP_I: caps_text(t->cap_inheritable, sc, out); break;
	case X_THREAD_CGROUPS:
		strbuf_reset(&sc->sb);
		add_blob(&sc->sb, &t->cgroups);
		set_sb(out, sc);
		break;
	case X_THREAD_CGROUP: if (arg) set_cstr(out, blob_lookup(&t->cgroups, arg)); break;
	case X_THREAD_PFMAJOR: fval_set_u64(out, t->pfmajor); break;
	case X_THREAD_PFMINOR: fval_set_u64(out, t->pfminor); break;
	case X_THREAD_VMSIZE: fval_set_u64(out, t->vmsize_kb); break;
	case X_THREAD_VMRSS: fval_set_u64(out, t->vmrss_kb); break;
	case X_THREAD_VMSIZE_B: fval_set_u64(out, (uint64_t)t->vmsize_kb * 1024); break;
	case X_THREAD_VMRSS_B: fval_set_u64(out, (uint64_t)t->vmrss_kb * 1024); break;
	/* user, group */
	case X_USER_UID: fval_set_u64(out, t->uid); break;
	case X_USER_NAME: case X_USER_HOMEDIR: case X_USER_SHELL: {
		const struct state_user *u = x->st ? state__user(x->st, t->uid) : NULL;

		if (u)
			set_cstr(out, id == X_USER_NAME ? u->name : id == X_USER_HOMEDIR ? u->homedir
											  : u->shell);
		break;
	}
	case X_USER_LOGINUID: fval_set_s64(out, t->loginuid); break;
	case X_USER_LOGINNAME: {
		const struct state_user *u = x->st && t->loginuid >= 0 && t->loginuid < 0xffffffffll
						     ? state__user(x->st, (uint32_t)t->loginuid)
						     : NULL;

		if (u)
			set_cstr(out, u->name);
		break;
	}
	case X_GROUP_GID: fval_set_u64(out, t->gid); break;
	case X_GROUP_NAME: {
		const struct state_group *g = x->st ? state__group(x->st, t->gid) : NULL;

		if (g)
			set_cstr(out, g->name);
		break;
	}
	/* container: ids only, metadata needs a container runtime */
	case X_CTR_ID:
	case X_CTR_FULL_ID:
		set_cstr(out, t->container_id && *t->container_id ? t->container_id : "host");
		break;
	case X_CTR_NAME:
	case X_CTR_TYPE:
		if (!t->container_id || !*t->container_id)
			set_cstr(out, "host");
		break;
	default:
		break;
	}
}

/* ---- fds ---------------------------------------------------------------- */

static const char *l4_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_RAW: return "raw";
	default: return NULL;
	}
}

static bool fd_is_ip(const struct fdi *f)
{
	return f->type == FDI_IPV4_SOCK || f->type == FDI_IPV6_SOCK;
}

static uint8_t fd_family(const struct fdi *f)
{
	return f->type == FDI_IPV4_SOCK ? AF_INET : AF_INET6;
}

/* Local and remote ends: the client is local unless this is the server. */
static const struct fdi_ep *fd_local(const struct fdi *f)
{
	return f->role == FDI_ROLE_SERVER ? &f->dst : &f->src;
}

static const struct fdi_ep *fd_remote(const struct fdi *f)
{
	return f->role == FDI_ROLE_SERVER ? &f->src : &f->dst;
}

static void two_vals(struct extract_scratch *sc, struct fval a, struct fval b, struct fval *out)
{
	struct fval *it = items(sc, 2);

	if (!it) {
		set_none(out);
		return;
	}
	it[0] = a;
	it[1] = b;
	out->kind = FV_LIST;
	out->list.items = it;
	out->list.n = 2;
	out->list.any = true;
}

/* fd.types: the distinct types of every fd of the process, in fd order;
 * fd.types[N]: the type of fd N. Falco's reverse-shell rules read
 * fd.types[0..2] of the stdio fds. */
struct fd_types_acc {
	struct extract_scratch *sc;
	uint32_t n;
	bool oom;
};

static int fd_types_add(void *ctx, const struct fdi *f)
{
	struct fd_types_acc *a = ctx;
	const char *tn = fdi_typename(f);
	struct fval *it;

	for (uint32_t i = 0; i < a->n; i++)
		if (a->sc->items[i].s.p == tn)
			return 0;
	it = items(a->sc, a->n + 1);
	if (!it) {
		a->oom = true;
		return 1;
	}
	it[a->n++] = fval_str(tn, (uint32_t)strlen(tn));
	return 0;
}

static void extract_fd_types(const struct extract_evt *x, const char *arg,
			     struct extract_scratch *sc, struct fval *out)
{
	struct fd_types_acc a = { .sc = sc };
	const struct fdi *f;
	char *end;
	long n;

	set_none(out);
	if (!x->st || !x->cur.thr || !x->cur.fd_event)
		return;
	if (arg) {
		n = strtol(arg, &end, 10);
		if (end == arg || *end || n < 0)
			return;
		f = state__fd(x->st, x->cur.thr, n);
		if (f)
			set_cstr(out, fdi_typename(f));
		return;
	}
	state__fd_foreach(x->st, x->cur.thr, fd_types_add, &a);
	if (a.oom || !a.n)
		return;
	out->kind = FV_LIST;
	out->list.items = sc->items;
	out->list.n = a.n;
	out->list.any = false;
}

static void extract_fd(const struct extract_evt *x, const struct fdi *f, enum xid id,
		       struct extract_scratch *sc, struct fval *out)
{
	const char *slash;
	struct fval a, b;

	set_none(out);
	if (id == X_FD_NUM) {
		if (x->cur.fd_event)
			fval_set_s64(out, x->cur.fdnum);
		return;
	}
	if (!f)
		return;
	switch (id) {
	case X_FD_TYPE: set_cstr(out, fdi_typename(f)); break;
	case X_FD_TYPECHAR: {
		/* one static string per letter: no copy */
		static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
		char c = fdi_typechar(f);
		const char *l = strchr(letters, c);

		if (l && c)
			fval_set_str(out, l, 1);
		else {
			strbuf_reset(&sc->sb);
			strbuf_addc(&sc->sb, c);
			set_sb(out, sc);
		}
		break;
	}
	case X_FD_NAME: fval_set_str(out, f->name, f->name_len); break;
	case X_FD_NAMERAW:
		if (f->nameraw)
			fval_set_str(out, f->nameraw, f->nameraw_len);
		else
			fval_set_str(out, f->name, f->name_len);
		break;
	case X_FD_DIRECTORY:
		if (f->type == FDI_DIRECTORY) {
			fval_set_str(out, f->name, f->name_len);
		} else if (f->type == FDI_FILE && (slash = strrchr(f->name, '/'))) {
			uint32_t n = (uint32_t)(slash - f->name);

			fval_set_str(out, f->name, n ? n : 1);
		}
		break;
	case X_FD_FILENAME:
		if (f->type == FDI_FILE && (slash = strrchr(f->name, '/')))
			set_cstr(out, slash + 1);
		break;
	case X_FD_INO: if (f->ino) fval_set_u64(out, f->ino); break;
	case X_FD_DEV: fval_set_u64(out, f->dev); break;
	case X_FD_DEV_MAJOR: fval_set_u64(out, (f->dev >> 20) & 0xfff); break;
	case X_FD_DEV_MINOR: fval_set_u64(out, f->dev & 0xfffff); break;
	case X_FD_CIP: case X_FD_CNET: if (fd_is_ip(f)) set_ip(out, fd_family(f), f->src.addr); break;
	case X_FD_SIP: case X_FD_SNET: if (fd_is_ip(f)) set_ip(out, fd_family(f), f->dst.addr); break;
	case X_FD_LIP: case X_FD_LNET: if (fd_is_ip(f)) set_ip(out, fd_family(f), fd_local(f)->addr); break;
	case X_FD_RIP: case X_FD_RNET: if (fd_is_ip(f)) set_ip(out, fd_family(f), fd_remote(f)->addr); break;
	case X_FD_IP: case X_FD_NET:
		if (fd_is_ip(f)) {
			set_ip(&a, fd_family(f), f->src.addr);
			set_ip(&b, fd_family(f), f->dst.addr);
			two_vals(sc, a, b, out);
		}
		break;
	case X_FD_CPORT: if (fd_is_ip(f)) fval_set_u64(out, f->src.port); break;
	case X_FD_SPORT: if (fd_is_ip(f)) fval_set_u64(out, f->dst.port); break;
	case X_FD_LPORT: if (fd_is_ip(f)) fval_set_u64(out, fd_local(f)->port); break;
	case X_FD_RPORT: if (fd_is_ip(f)) fval_set_u64(out, fd_remote(f)->port); break;
	case X_FD_PORT:
		if (fd_is_ip(f))
			two_vals(sc, fval_u64(f->src.port), fval_u64(f->dst.port), out);
		break;
	case X_FD_L4PROTO:
		if (fd_is_ip(f))
			set_cstr(out, l4_name(f->l4proto));
		break;
	case X_FD_SOCKFAMILY:
		if (fd_is_ip(f))
			set_cstr(out, "ip");
		else if (f->type == FDI_UNIX_SOCK)
			set_cstr(out, "unix");
		break;
	case X_FD_IS_SERVER:
		if (fd_is_ip(f) || f->type == FDI_UNIX_SOCK)
			fval_set_bool(out, f->role == FDI_ROLE_SERVER);
		break;
	case X_FD_CONNECTED: fval_set_bool(out, f->flags & FDI_F_CONNECTED); break;
	case X_FD_NAME_CHANGED: fval_set_bool(out, f->flags & FDI_F_NAME_CHANGED); break;
	case X_FD_UPPER: fval_set_bool(out, f->flags & FDI_F_UPPER_LAYER); break;
	case X_FD_LOWER: fval_set_bool(out, f->flags & FDI_F_LOWER_LAYER); break;
	case X_FD_CONTAINERNAME:
	case X_FD_CONTAINERDIR: {
		const char *cid = x->cur.thr && x->cur.thr->container_id && *x->cur.thr->container_id
					  ? x->cur.thr->container_id
					  : "host";

		strbuf_reset(&sc->sb);
		strbuf_adds(&sc->sb, cid);
		strbuf_addc(&sc->sb, ':');
		if (id == X_FD_CONTAINERNAME || f->type == FDI_DIRECTORY)
			strbuf_add(&sc->sb, f->name, f->name_len);
		else if (f->type == FDI_FILE && (slash = strrchr(f->name, '/')))
			strbuf_add(&sc->sb, f->name, slash > f->name ? (size_t)(slash - f->name) : 1);
		else
			break;
		set_sb(out, sc);
		break;
	}
	default:
		break;
	}
}

/* The fd an event names when the state has none for it: a failed or
 * untracked open still has a name Falco's fd fields report. */
static const struct fdi *fd_from_params(const struct extract_evt *x, struct fdi *tmp,
					struct extract_scratch *sc)
{
	struct fval v = { .kind = FV_NONE };

	if (!names_file(x->e->type))
		return NULL;
	if (!abspath(x, "name", sc, &v) && !abspath(x, "path", sc, &v))
		return NULL;
	memset(tmp, 0, sizeof(*tmp));
	tmp->num = -1;
	tmp->type = FDI_FILE;
	tmp->name = v.s.p;
	tmp->name_len = v.s.len;
	return tmp;
}

static const struct fdi *memo_fd(const struct extract_evt *x)
{
	struct extract_memo *m = x->memo;

	if (m->num != x->num) {
		m->num = x->num;
		m->fd_ok = fd_from_params(x, &m->fd, &m->sc) != NULL;
	}
	return m->fd_ok ? &m->fd : NULL;
}

/* An fd field of the event's fd, or of the file a failed open names. */
static void fd_field(const struct extract_evt *x, enum xid id, struct extract_scratch *sc,
		     struct fval *out)
{
	const struct fdi *f = x->cur.fd;
	struct fdi tmp;

	if (!f && id != X_FD_NUM)
		f = x->memo ? memo_fd(x) : fd_from_params(x, &tmp, sc);
	extract_fd(x, f, id, sc, out);
}

/* ---- the entry point ---------------------------------------------------- */

static void extract_evt_field(const struct extract_evt *x, enum xid id, const char *arg,
			      struct extract_scratch *sc, struct fval *out)
{
	const struct evt *e = x->e, *ev;
	struct evt_fmt_fd fdr;
	uint32_t i;
	int64_t v;

	set_none(out);
	switch (id) {
	case X_EVT_NUM: fval_set_u64(out, x->num); break;
	case X_EVT_TIME: case X_EVT_TIME_S: case X_EVT_TIME_ISO: case X_EVT_DATETIME:
	case X_EVT_DATETIME_S:
		strbuf_reset(&sc->sb);
		fmt_time(&sc->sb, e->ts, id == X_EVT_DATETIME || id == X_EVT_DATETIME_S,
			 id != X_EVT_TIME_S && id != X_EVT_DATETIME_S, id == X_EVT_TIME_ISO);
		set_sb(out, sc);
		break;
	case X_EVT_RAWTIME: case X_EVT_OUTPUTTIME: fval_set_u64(out, e->ts); break;
	case X_EVT_RAWTIME_S: fval_set_u64(out, e->ts / 1000000000ull); break;
	case X_EVT_RAWTIME_NS: fval_set_u64(out, e->ts % 1000000000ull); break;
	case X_EVT_RELTIME: fval_set_u64(out, e->ts - x->first_ts); break;
	case X_EVT_RELTIME_S: fval_set_u64(out, (e->ts - x->first_ts) / 1000000000ull); break;
	case X_EVT_RELTIME_NS: fval_set_u64(out, (e->ts - x->first_ts) % 1000000000ull); break;
	case X_EVT_DELTATIME: fval_set_u64(out, x->prev_ts ? e->ts - x->prev_ts : 0); break;
	case X_EVT_DELTATIME_S: fval_set_u64(out, (x->prev_ts ? e->ts - x->prev_ts : 0) / 1000000000ull); break;
	case X_EVT_DELTATIME_NS: fval_set_u64(out, (x->prev_ts ? e->ts - x->prev_ts : 0) % 1000000000ull); break;
	case X_EVT_TYPE: set_cstr(out, evt_type_name(e)); break;
	case X_SYSCALL_TYPE:
		if (e->info && (e->info->flags & EVF_SYSCALL))
			set_cstr(out, evt_type_name(e));
		break;
	case X_EVT_TYPE_IS:
		if (arg)
			fval_set_bool(out, evt_type_name(e) && !strcmp(evt_type_name(e), arg));
		break;
	case X_EVT_DIR:
		if (e->info)
			set_cstr(out, e->info->dir == EVD_ENTER ? ">" : "<");
		break;
	case X_EVT_CPU: fval_set_s64(out, e->cpu); break;
	case X_EVT_ARGS: case X_EVT_INFO:
		strbuf_reset(&sc->sb);
		extract_fmt_ctx(x, &fdr);
		evt_fmt_args(&sc->sb, e, &fdr);
		set_sb(out, sc);
		break;
	case X_EVT_ARG:
		if (param_by_arg(x, arg, &ev, &i)) {
			strbuf_reset(&sc->sb);
			extract_fmt_ctx(x, &fdr);
			evt_fmt_param(&sc->sb, ev, i, &fdr);
			set_sb(out, sc);
		}
		break;
	case X_EVT_RAWARG:
		if (param_by_arg(x, arg, &ev, &i))
			raw_param(ev, i, out);
		break;
	case X_EVT_ABSPATH:
		if (arg && !strcmp(arg, "src"))
			abspath(x, "oldpath", sc, out);
		else if (arg && !strcmp(arg, "dst"))
			abspath(x, "newpath", sc, out);
		else if (!abspath(x, "name", sc, out) && !abspath(x, "path", sc, out))
			abspath(x, "pathname", sc, out);
		break;
	case X_EVT_BUFFER:
		if (param_find(x, "data", &ev, &i))
			raw_param(ev, i, out);
		break;
	case X_EVT_BUFLEN:
		if (e->info && (e->info->flags & (EVF_READS_FD | EVF_WRITES_FD)) && evt_retval(e, &v) &&
		    v >= 0)
			fval_set_u64(out, (uint64_t)v);
		break;
	case X_EVT_RES:
		if (evt_retval(e, &v)) {
			if (v >= 0) {
				set_cstr(out, "SUCCESS");
			} else {
				strbuf_reset(&sc->sb);
				extract_fmt_ctx(x, &fdr);
				evt_fmt_param(&sc->sb, e, 0, &fdr);
				set_sb(out, sc);
			}
		}
		break;
	case X_EVT_RAWRES: if (evt_retval(e, &v)) fval_set_s64(out, v); break;
	case X_EVT_FAILED: fval_set_bool(out, evt_retval(e, &v) && v < 0); break;
	case X_EVT_COUNT: fval_set_u64(out, 1); break;
	case X_EVT_COUNT_ERROR: if (evt_retval(e, &v) && v < 0) fval_set_u64(out, 1); break;
	case X_EVT_COUNT_EXIT: if (e->info && e->info->dir == EVD_EXIT) fval_set_u64(out, 1); break;
	case X_EVT_IS_IO: fval_set_bool(out, e->info && (e->info->flags & (EVF_READS_FD | EVF_WRITES_FD))); break;
	case X_EVT_IS_IO_READ: fval_set_bool(out, e->info && (e->info->flags & EVF_READS_FD)); break;
	case X_EVT_IS_IO_WRITE: fval_set_bool(out, e->info && (e->info->flags & EVF_WRITES_FD)); break;
	case X_EVT_IO_DIR:
		if (e->info && (e->info->flags & EVF_READS_FD))
			set_cstr(out, "read");
		else if (e->info && (e->info->flags & EVF_WRITES_FD))
			set_cstr(out, "write");
		break;
	case X_EVT_IS_WAIT: fval_set_bool(out, e->info && EVF_CLS(e->info->flags) == EVF_CLS_WAIT); break;
	case X_EVT_IS_SYSLOG: case X_EVT_IS_ASYNC: fval_set_bool(out, false); break;
	case X_EVT_IS_OPEN_READ: case X_EVT_IS_OPEN_WRITE: case X_EVT_IS_OPEN_EXEC:
	case X_EVT_IS_OPEN_CREATE:
		evt_is_open(x, id, out);
		break;
	case X_EVT_CATEGORY: if (e->info) set_cstr(out, category_name(e->info->flags)); break;
	case X_EVT_HOSTNAME: set_cstr(out, x->hostname); break;
	case X_EVT_SOURCE: set_cstr(out, "syscall"); break;
	case X_EVT_LATENCY: case X_EVT_LATENCY_S: case X_EVT_LATENCY_NS: case X_EVT_LATENCY_HUMAN:
		if (x->cur.enter && e->ts >= x->cur.enter->ts) {
			uint64_t d = e->ts - x->cur.enter->ts;

			if (id == X_EVT_LATENCY_HUMAN) {
				strbuf_reset(&sc->sb);
				if (d >= 1000000000ull)
					strbuf_printf(&sc->sb, "%.2fs", (double)d / 1e9);
				else if (d >= 1000000ull)
					strbuf_printf(&sc->sb, "%.2fms", (double)d / 1e6);
				else if (d >= 1000ull)
					strbuf_printf(&sc->sb, "%.2fus", (double)d / 1e3);
				else
					strbuf_printf(&sc->sb, "%" PRIu64 "ns", d);
				set_sb(out, sc);
			} else {
				fval_set_u64(out, id == X_EVT_LATENCY_S ? d / 1000000000ull
					       : id == X_EVT_LATENCY_NS ? d % 1000000000ull : d);
			}
		} else if (id != X_EVT_LATENCY_HUMAN) {
			fval_set_u64(out, 0);
		}
		break;
	default:
		break;
	}
}

void extract_field(const struct extract_evt *x, const struct field_info *fi, const char *arg,
		   struct extract_scratch *sc, struct fval *out)
{
	enum xid id = xid_of(fi);

	set_none(out);
	if (id == X_NONE)
		return;
	if (id < X_PROC_NAME) {
		extract_evt_field(x, id, arg, sc, out);
	} else if (id < X_FD_NUM || id >= X_CTR_ID) {
		extract_proc(x, id, arg, sc, out);
	} else if (id == X_FD_TYPES) {
		extract_fd_types(x, arg, sc, out);
	} else if (id < X_FS_NAME) {
		fd_field(x, id, sc, out);
	} else {
		extract_fs(x, id, sc, out);
	}
}

static void prep_generic(const void *x, const void *p, struct fval *out)
{
	const struct extract_prep *pp = p;

	extract_field(x, pp->fi, pp->arg, pp->sc, out);
}

static void prep_evt(const void *xv, const void *p, struct fval *out)
{
	const struct extract_prep *pp = p;

	extract_evt_field(xv, (enum xid)pp->xid, pp->arg, pp->sc, out);
}

static void prep_fd(const void *x, const void *p, struct fval *out)
{
	const struct extract_prep *pp = p;

	fd_field(x, (enum xid)pp->xid, pp->sc, out);
}

extract_prep_fn extract_prepare(struct extract_prep *p)
{
	enum xid id = xid_of(p->fi);

	p->xid = (uint32_t)id;
	if (id != X_NONE && id < X_PROC_NAME)
		return prep_evt;
	if (id >= X_FD_NUM && id < X_FS_NAME && id != X_FD_TYPES)
		return prep_fd;
	return prep_generic;
}

/* The length an integer parameter type has in the schema, 0 for others. */
static uint8_t int_param_size(enum ppm_param_type t)
{
	switch (t) {
	case PT_INT8: case PT_UINT8: case PT_FLAGS8: case PT_ENUMFLAGS8: case PT_SIGTYPE:
	case PT_L4PROTO: case PT_SOCKFAMILY:
		return 1;
	case PT_INT16: case PT_UINT16: case PT_FLAGS16: case PT_ENUMFLAGS16: case PT_PORT:
	case PT_SYSCALLID:
		return 2;
	case PT_INT32: case PT_UINT32: case PT_FLAGS32: case PT_ENUMFLAGS32: case PT_UID:
	case PT_GID: case PT_MODE: case PT_FD32: case PT_PID32: case PT_SIGSET: case PT_BOOL:
		return 4;
	case PT_INT64: case PT_UINT64: case PT_ERRNO: case PT_FD: case PT_PID: case PT_RELTIME:
	case PT_ABSTIME:
		return 8;
	default:
		return 0;
	}
}

bool extract_param_layout(const struct field_info *fi, const char *arg, uint16_t code,
			  struct extract_param_layout *out)
{
	const struct evt_info *ei = evt_schema_get(code);
	enum xid id = xid_of(fi);
	enum ppm_param_type t;
	int i = -1;

	if (!ei || code == PPME_GENERIC_E || code == PPME_GENERIC_X)
		return false;
	if (id == X_EVT_RAWRES) {
		/* evt_retval: the first parameter of a syscall exit, when a result */
		if (ei->dir != EVD_EXIT || !(ei->flags & EVF_SYSCALL) || !ei->nparams)
			return false;
		t = (enum ppm_param_type)ei->params[0].type;
		if (t != PT_ERRNO && t != PT_FD && t != PT_PID && t != PT_INT64 && t != PT_UINT64)
			return false;
		*out = (struct extract_param_layout){ .index = 0, .size = 8, .sgn = true };
		return true;
	}
	if (id != X_EVT_RAWARG || !arg || (*arg >= '0' && *arg <= '9'))
		return false;
	for (uint32_t k = 0; k < ei->nparams && i < 0; k++)
		if (!strcmp(ei->params[k].name, arg))
			i = (int)k;
	if (i < 0)
		return false;	/* maybe in the enter event: the extractor's */
	t = (enum ppm_param_type)ei->params[i].type;
	if (!int_param_size(t))
		return false;
	/* as raw_param and param_int give it */
	out->index = (uint32_t)i;
	out->size = int_param_size(t);
	out->sgn = param_type_signed(t);
	return true;
}

bool extract_static(const struct field_info *fi, const char *arg, uint16_t code,
		    struct fval *out)
{
	const struct evt_info *ei = evt_schema_get(code);
	enum xid id = xid_of(fi);

	if (!ei || code == PPME_GENERIC_E || code == PPME_GENERIC_X)
		return false;
	set_none(out);
	switch (id) {
	case X_EVT_DIR:
		set_cstr(out, ei->dir == EVD_ENTER ? ">" : "<");
		return true;
	case X_EVT_IS_OPEN_READ: case X_EVT_IS_OPEN_WRITE: case X_EVT_IS_OPEN_CREATE:
	case X_EVT_IS_OPEN_EXEC:
		if (names_file(code))
			return false;
		fval_set_bool(out, false);
		return true;
	default:
		break;
	}
	if (id < X_FD_NUM || id >= X_FS_NAME || id == X_FD_NUM || id == X_FD_TYPES)
		return false;
	/* an enter event has no result, so no new fd; without an fd parameter
	 * it names none; and only open exits describe a file by parameters */
	if (ei->dir != EVD_ENTER || names_file(code))
		return false;
	for (uint32_t i = 0; i < ei->nparams; i++)
		if (!strcmp(ei->params[i].name, "fd"))
			return false;
	return true;	/* no value */
}
