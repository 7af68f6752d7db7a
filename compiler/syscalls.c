/* syscalls: evt.type sets over the IR, heavy I/O and base syscall lists. */
#include "compiler/syscalls.h"

#include <stdlib.h>
#include <string.h>

#include "compiler/ast.h"
#include "compiler/fields.h"
#include "compiler/rules.h"
#include "compiler/ir.h"
#include "runtime/base/evt_schema.h"

enum inv { INV_UNKNOWN, INV_EMPTY, INV_ALL };

/* evt.num counts from 1: some checks on it are decided statically. */
static enum inv evtnum_invariant(const struct ir_node *n)
{
	const struct ir_opnd *l = n->lhs, *r = n->rhs;
	unsigned long long v;
	char *end;

	if (l->kind != IRV_FIELD || strcmp(l->fi->name, "evt.num") || l->arg || !r)
		return INV_UNKNOWN;
	if (n->op == AST_OP_IN && r->kind == IRV_LIST) {
		for (uint32_t i = 0; i < r->nitems; i++)
			if (strcmp(r->items[i], "0"))
				return INV_UNKNOWN;
		return INV_EMPTY;
	}
	if (r->kind != IRV_VALUE)
		return INV_UNKNOWN;
	v = strtoull(r->str, &end, 10);
	if (*end || r->str[0] == '-')
		return INV_UNKNOWN;
	switch (n->op) {
	case AST_OP_EQ: return v == 0 ? INV_EMPTY : INV_UNKNOWN;
	case AST_OP_NE: return v == 0 ? INV_ALL : INV_UNKNOWN;
	case AST_OP_LT: return v <= 1 ? INV_EMPTY : INV_UNKNOWN;
	case AST_OP_LE: return v == 0 ? INV_EMPTY : INV_UNKNOWN;
	case AST_OP_GT: return v == 0 ? INV_ALL : INV_UNKNOWN;
	case AST_OP_GE: return v <= 1 ? INV_ALL : INV_UNKNOWN;
	default: return INV_UNKNOWN;
	}
}

static bool is_evttype(const struct ir_opnd *o)
{
	return o->kind == IRV_FIELD && !o->arg &&
	       (!strcmp(o->fi->name, "evt.type") || !strcmp(o->fi->name, "syscall.type"));
}

static void names_to_set(const struct ir_opnd *r, struct evtset *out)
{
	evtset_clear(out);
	if (r->kind == IRV_VALUE) {
		int i = evttypes_find(r->str);

		if (i >= 0)
			evtset_add(out, (size_t)i);
		return;
	}
	for (uint32_t k = 0; k < r->nitems; k++) {
		int i = evttypes_find(r->items[k]);

		if (i >= 0)
			evtset_add(out, (size_t)i);
	}
}

static void visit(const struct ir_node *n, bool neg, struct evtset *out)
{
	struct evtset tmp;

	switch (n->kind) {
	case IR_CONST:
		/* a folded constant: false matches nothing, true everything */
		if (n->val != neg)
			evtset_fill(out);
		else
			evtset_clear(out);
		return;
	case IR_AND:
	case IR_OR:
		/* under negation, and/or swap (De Morgan) */
		if ((n->kind == IR_AND) != neg) {
			evtset_fill(out);
			for (uint32_t i = 0; i < n->n; i++) {
				visit(n->kids[i], neg, &tmp);
				evtset_and(out, &tmp);
			}
		} else {
			evtset_clear(out);
			for (uint32_t i = 0; i < n->n; i++) {
				visit(n->kids[i], neg, &tmp);
				evtset_or(out, &tmp);
			}
		}
		return;
	case IR_NOT:
		visit(n->kids[0], !neg, out);
		return;
	case IR_CMP:
		switch (evtnum_invariant(n)) {
		case INV_EMPTY:
			evtset_clear(out);
			if (neg)
				evtset_invert(out);
			return;
		case INV_ALL:
			evtset_fill(out);
			if (neg)
				evtset_invert(out);
			return;
		default:
			break;
		}
		if (is_evttype(n->lhs) && n->rhs && n->rhs->kind != IRV_FIELD &&
		    n->rhs->kind != IRV_XFORM &&
		    (n->op == AST_OP_EQ || n->op == AST_OP_NE || n->op == AST_OP_IN)) {
			names_to_set(n->rhs, out);
			if (neg != (n->op == AST_OP_NE))
				evtset_invert(out);
			return;
		}
		/* checks unrelated to event types match every type, negated or not */
		evtset_fill(out);
		return;
	}
}

void syscalls_evtset_of(const struct ir_node *root, struct evtset *out)
{
	visit(root, false, out);
}

static const char *const heavy_io[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
	"preadv2", "pwritev2", "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom",
	"recvmsg", "recvmmsg", "sendfile", "sendfile64", "splice", "tee", "vmsplice",
	"copy_file_range", "poll", "ppoll", "select", "pselect6", "_newselect", "epoll_wait",
	"epoll_pwait", "epoll_pwait2", "epoll_ctl", "futex", "futex_waitv", "nanosleep",
	"clock_nanosleep", "sched_yield", "getdents", "getdents64", "lseek", "llseek",
	"_llseek", "io_getevents", "io_pgetevents", "io_submit", "io_uring_enter", "mmap",
	"mmap2", "munmap", "mprotect", "brk", "fstat", "fstat64", "stat", "stat64", "lstat",
	"lstat64", "newfstatat", "fstatat64", "statx", "getrusage", "times", "gettimeofday",
	"clock_gettime", "alarm", "pause", "getitimer", "setitimer", NULL,
};

bool syscalls_is_heavy_io(size_t i)
{
	const char *name = evt_schema_syscall_name(i);

	for (size_t k = 0; name && heavy_io[k]; k++)
		if (!strcmp(name, heavy_io[k]))
			return true;
	return false;
}

static const char *const base_set[] = {
	/* process lifecycle */
	"clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group",
	"prctl", "setsid", "setpgid", "chdir", "fchdir", "chroot", "unshare", "setns",
	/* fd lifecycle */
	"open", "openat", "openat2", "open_by_handle_at", "creat", "close", "close_range",
	"dup", "dup2", "dup3", "fcntl", "fcntl64", "pipe", "pipe2", "socket", "socketpair",
	"bind", "listen", "connect", "accept", "accept4", "shutdown", "eventfd", "eventfd2",
	"signalfd", "signalfd4", "timerfd_create", "inotify_init", "inotify_init1",
	"epoll_create", "epoll_create1", "memfd_create", "userfaultfd", "io_uring_setup",
	"pidfd_open", "pidfd_getfd", "bpf", "perf_event_open", "mount", "umount", "umount2",
	/* identity */
	"setuid", "setuid32", "setgid", "setgid32", "setresuid", "setresuid32", "setresgid",
	"setresgid32", "setreuid", "setreuid32", "setregid", "setregid32", "setfsuid",
	"setfsgid", "capset", NULL,
};

void syscalls_add_base(bool *mark, size_t n)
{
	for (size_t k = 0; base_set[k]; k++) {
		int i = evt_schema_syscall_by_name(base_set[k]);

		if (i >= 0 && (size_t)i < n)
			mark[i] = true;
	}
}

/* The order-sensitive resolution of Falco's original rule loader, which its
 * conformance suite (rules_events) still describes: walking the expanded
 * condition left to right, an evt.type test seen after any `not` or `!=`
 * makes the rule match every type, and so does having no evt.type test. */
struct legacy {
	bool found_event, found_not, event_after_not;
	struct evtset names;
};

static void legacy_visit(const struct ast_node *n, struct legacy *lg)
{
	switch (n->kind) {
	case AST_NOT:
		lg->found_not = true;
		break;
	case AST_MACRO:
		if (n->macro && n->macro->ast)
			legacy_visit(n->macro->ast, lg);
		return;
	case AST_BINARY: {
		const struct ast_node *l = n->kids[0], *r = n->kids[1];

		if (n->op == AST_OP_NE)
			lg->found_not = true;
		if (l->kind == AST_FIELD && !l->arg && !strcmp(l->str, "evt.type")) {
			lg->found_event = true;
			if (lg->found_not)
				lg->event_after_not = true;
			if (r->kind == AST_LIST) {
				for (uint32_t i = 0; i < r->n; i++) {
					int k = evttypes_find(r->vals[i].str);

					if (k >= 0)
						evtset_add(&lg->names, (size_t)k);
				}
			} else if (r->kind == AST_VALUE) {
				int k = evttypes_find(r->str);

				if (k >= 0)
					evtset_add(&lg->names, (size_t)k);
			}
		}
		return;
	}
	default:
		break;
	}
	for (uint32_t i = 0; i < n->n; i++)
		legacy_visit(n->kids[i], lg);
}

void syscalls_legacy_evtset_of(const struct ast_node *root, struct evtset *out)
{
	struct legacy lg = { 0 };

	evtset_clear(&lg.names);
	legacy_visit(root, &lg);
	if (!lg.found_event || lg.event_after_not)
		evtset_fill(out);
	else
		*out = lg.names;
}
