/* libFuzzer target: a capture file from memory through the reader, and every
 * event it yields through the state update, a small ruleset (dispatch,
 * interpreter, field extraction, alert text) and the event printer, the way
 * the engine's loop runs them. The ruleset is compiled once; each input gets
 * a fresh state with small tables so that eviction is reached. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/fields.h"
#include "compiler/interp.h"
#include "compiler/ruleset.h"
#include "runtime/alert_fmt.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_fmt.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/dispatch.h"
#include "runtime/extract.h"
#include "runtime/scap.h"
#include "state/state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rules touching the process, fd, network and user fields, with outputs
 * that read many more; "any event" runs on every type. */
static const char rules_text[] =
	"- list: shells\n"
	"  items: [bash, sh, zsh, curl, sed]\n"
	"- macro: spawned\n"
	"  condition: evt.type in (execve, execveat) and evt.dir=<\n"
	"- rule: process\n"
	"  desc: process starts and clones\n"
	"  condition: >\n"
	"    (spawned or evt.type in (clone, clone3, fork, vfork, procexit)) and\n"
	"    (proc.name in (shells) or proc.pname exists or proc.aname[2] != x or\n"
	"     proc.cmdline contains a or proc.exepath endswith /bin/sh)\n"
	"  output: >\n"
	"    %proc.name %proc.args %proc.cmdline %proc.exe %proc.exepath %proc.cwd\n"
	"    %proc.pname %proc.pcmdline %proc.aname[3] %proc.apid[2] %proc.aexepath[1]\n"
	"    %proc.env %proc.tty %proc.sid %proc.sname %proc.vpgid.name %proc.pgid.exe\n"
	"    %proc.nthreads %proc.nchilds %proc.loginshellid %proc.is_exe_writable\n"
	"    %proc.stdin.name %proc.stdout.type %thread.cgroups %thread.cap_effective\n"
	"    %user.name %user.homedir %user.loginname %group.name %container.id\n"
	"    %proc.duration %proc.ppid.duration %proc.exe_ino.ctime_duration_proc_start\n"
	"  priority: INFO\n"
	"- rule: files\n"
	"  desc: fd work\n"
	"  condition: >\n"
	"    evt.type in (open, openat, openat2, creat, close, read, write, dup, dup2,\n"
	"    dup3, fcntl, fchdir, chdir, mkdirat, unlinkat, renameat2, symlinkat, linkat)\n"
	"    and (fd.name startswith / or fd.directory != x or fd.filename glob \"*a*\"\n"
	"    or fs.path.name exists or evt.is_open_write = true)\n"
	"  output: >\n"
	"    %fd.name %fd.nameraw %fd.directory %fd.filename %fd.typechar %fd.type\n"
	"    %fd.num %fd.ino %fd.dev.major %fd.dev.minor %fd.name_changed\n"
	"    %evt.arg.flags %evt.arg.name %evt.args %evt.info %evt.abspath\n"
	"    %fs.path.name %fs.path.nameraw %fs.path.source %fs.path.target\n"
	"    %proc.fdopencount %proc.fdusage %fdlist.names\n"
	"  priority: NOTICE\n"
	"- rule: network\n"
	"  desc: sockets\n"
	"  condition: >\n"
	"    evt.type in (socket, connect, accept, accept4, listen, bind, sendto,\n"
	"    recvfrom, sendmsg, recvmsg, socketpair) and\n"
	"    (fd.sip != 1.2.3.4 or fd.cport > 0 or fd.net = \"10.0.0.0/8\" or\n"
	"     fd.l4proto = tcp or fd.sockfamily = ip or fd.snet exists)\n"
	"  output: >\n"
	"    %fd.name %fd.cip %fd.sip %fd.cport %fd.sport %fd.lip %fd.rip %fd.lport\n"
	"    %fd.rport %fd.l4proto %fd.sockfamily %fd.is_server %fd.connected\n"
	"    %fd.cip.name %fdlist.sips %fdlist.cports %evt.res %evt.rawres\n"
	"    %evt.arg.tuple %evt.buflen %evt.buffer\n"
	"  priority: WARNING\n"
	"- rule: any event\n"
	"  desc: every type\n"
	"  condition: >\n"
	"    evt.num > 0 and (evt.failed = true or proc.fdopencount > 2 or\n"
	"    thread.tid != 0 or evt.rawarg.res < 0)\n"
	"  output: >\n"
	"    %evt.num %evt.time %evt.time.iso8601 %evt.datetime %evt.type\n"
	"    %evt.cpu %evt.args %evt.info %evt.category %evt.deltatime\n"
	"    %evt.reltime %proc.name %thread.tid %thread.vtid %thread.ismain\n"
	"    %user.uid %user.loginuid %fd.name %fd.typechar %syscall.type\n"
	"  priority: DEBUG\n";

static struct ruleset *g_rs;
static struct interp *g_ip;
static struct dispatch *g_dp;
static struct alert_fmt_opts g_afo;

/* What one input works with: its state and the extraction scratch. */
struct run {
	struct extract_evt x;
	struct extract_scratch *fsc;	/* one per interpreter field */
	struct extract_scratch asc;	/* alert formatting */
	struct strbuf line;
};

static void extract_cb(void *ctx, uint32_t id, const struct ir_opnd *o, struct fval *out)
{
	struct run *r = ctx;

	extract_field(&r->x, o->fi, o->arg, &r->fsc[id], out);
}

static void alert_field_cb(void *ctx, const struct field_ref *f, struct fval *out)
{
	struct run *r = ctx;

	extract_field(&r->x, f->fi, f->arg, &r->asc, out);
}

static bool rule_ok(void *ctx, uint32_t i)
{
	return interp_rule_ok(g_ip, i) && g_rs->rules[i].src->enabled;
}

/* Compiles the rules once; aborts if they do not compile, since every
 * later input would test nothing. */
static void init_once(void)
{
	struct strbuf sb = STRBUF_INIT;

	if (g_dp)
		return;
	alert_fmt_opts_default(&g_afo);
	g_afo.hostname = "fuzz";
	if (ruleset__new(&g_rs) ||
	    ruleset__load_text(g_rs, "fuzz_scap.yaml", rules_text, sizeof(rules_text) - 1) ||
	    ruleset__compile(g_rs) || interp__new(g_rs, extract_cb, &g_ip) ||
	    g_rs->diags.nerr || dispatch__new(g_rs, rule_ok, NULL, &g_dp)) {
		for (size_t i = 0; g_rs && i < g_rs->diags.n; i++)
			diag_format_text(g_rs->diags.items[i], &sb);
		fprintf(stderr, "fuzz_scap: the built-in rules do not compile\n%s\n",
			sb.buf ? sb.buf : "");
		abort();
	}
	strbuf_release(&sb);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	init_once();
	return 0;
}

/* One known event: the engine's per-event body. */
static void process(struct run *r, const struct evt *e)
{
	struct evt_fmt_fd fdr;
	const struct thr *t;
	const uint32_t *cand;
	uint32_t n;

	r->x.e = e;
	r->x.num++;
	if (!r->x.first_ts)
		r->x.first_ts = e->ts;
	state__update(r->x.st, e, &r->x.cur);
	t = r->x.cur.thr;
	extract_fmt_ctx(&r->x, &fdr);
	strbuf_reset(&r->line);
	evt_fmt_line(&r->line, r->x.num, e, t && t->comm ? t->comm : "<NA>", &fdr);
	if ((cand = dispatch_rules(g_dp, e, &n)) && n) {
		interp_begin_event(g_ip);
		for (uint32_t i = 0; i < n; i++) {
			if (!interp_eval_rule(g_ip, cand[i], r))
				continue;
			strbuf_reset(&r->line);
			alert_fmt(&g_afo, g_rs->rules[cand[i]].sema, e->ts, alert_field_cb, r,
				  &r->line);
		}
	}
	state__post(r->x.st);
	r->x.prev_ts = e->ts;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state_opts so = {
		.sz = sizeof(so), .max_threads = 32, .max_fds_per_proc = 16, .max_users = 8,
	};
	struct run r = { .x.hostname = "fuzz" };
	struct scap_reader *rd = NULL;
	struct scap_err err;
	struct scap_cb cb;
	struct evt e;
	uint32_t nf;

	init_once();	/* the corpus replayer has no LLVMFuzzerInitialize */
	nf = interp_nfields(g_ip);
	if (state__new(&so, &r.x.st))
		return 0;
	r.fsc = mem_calloc(nf ? nf : 1, sizeof(*r.fsc));
	if (!r.fsc)
		goto out;
	scap_seed_cb(r.x.st, &cb);
	if (scap_reader__open_mem(data, size, &cb, &rd, &err))
		goto out;
	(void)scap_reader__machine(rd);
	while (scap_reader__next(rd, &e, &err) == 0)
		if (e.info)
			process(&r, &e);
	(void)scap_reader__offset(rd);
out:
	scap_reader__free(rd);
	for (uint32_t i = 0; r.fsc && i < nf; i++)
		extract_scratch_release(&r.fsc[i]);
	mem_free(r.fsc);
	extract_scratch_release(&r.asc);
	strbuf_release(&r.line);
	state__free(r.x.st);
	return 0;
}
