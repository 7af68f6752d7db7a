/* Seeding the state with a thread as a capture's process list or the
 * /proc scan describes it (its fds and users go through fd_tab.c and
 * user_tab.c). */
#include <errno.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/state_int.h"

static int seed_thread(struct state *st, const struct state_thr_seed *s)
{
	bool created;
	struct thr_ent *te = state_thr_make(st, s->tid, &created), *leader;
	struct thr *t;

	if (!te)
		return -ENOMEM;
	st->proc_gen++;
	t = &te->t;
	state_thr_set_pid(st, te, s->pid);
	state_thr_set_ptid(st, te, s->ptid);
	t->sid = s->sid;
	t->pgid = s->pgid;
	t->vpgid = s->vpgid;
	t->vtid = s->vtid;
	t->vpid = s->vpid;
	t->loginuid = s->loginuid;
	t->uid = s->uid;
	t->gid = s->gid;
	t->tty = s->tty;
	t->flags = s->flags & ~(uint32_t)(THR_F_DEAD | THR_F_INCOMPLETE);
	state_thr_set_dead(st, te, false);
	t->cap_permitted = s->cap_permitted;
	t->cap_effective = s->cap_effective;
	t->cap_inheritable = s->cap_inheritable;
	t->clone_ts = s->clone_ts;
	t->pidns_init_start_ts = s->pidns_init_start_ts;
	t->exe_ino = s->exe_ino;
	t->exe_ino_ctime = s->exe_ino_ctime;
	t->exe_ino_mtime = s->exe_ino_mtime;
	t->vmsize_kb = s->vmsize_kb;
	t->vmrss_kb = s->vmrss_kb;
	t->vmswap_kb = s->vmswap_kb;
	t->pfmajor = s->pfmajor;
	t->pfminor = s->pfminor;
	t->fdlimit = s->fdlimit;
	if (state_set_str(&t->comm, s->comm, s->comm ? strlen(s->comm) : 0) ||
	    state_set_str(&t->exe, s->exe, s->exe ? strlen(s->exe) : 0) ||
	    state_set_str(&t->exepath, s->exepath, s->exepath ? strlen(s->exepath) : 0) ||
	    state_set_str(&t->root, s->root, s->root ? strlen(s->root) : 0) ||
	    state_set_blob(&t->args, s->args.p, s->args.len) ||
	    state_set_blob(&t->env, s->env.p, s->env.len) ||
	    state_set_blob(&t->cgroups, s->cgroups.p, s->cgroups.len))
		return -ENOMEM;
	if (s->cwd) {
		size_t n = strlen(s->cwd);
		char *c = mem_malloc(n + 2);

		if (!c)
			return -ENOMEM;
		memcpy(c, s->cwd, n);
		if (!n || c[n - 1] != '/')
			c[n++] = '/';
		c[n] = '\0';
		mem_free((char *)t->cwd);
		t->cwd = c;
	}
	state_thr_refresh_ctr(te);
	/* threads of a process share the leader's fd table */
	if (!te->fds) {
		leader = s->pid != s->tid ? state_thr_get(st, s->pid) : NULL;
		if (leader && leader->fds) {
			te->fds = leader->fds;
			te->fds->refs++;
		} else {
			te->fds = state_fdtab_new();
			if (!te->fds)
				return -ENOMEM;
		}
	}
	return 0;
}

int state__seed_thread(struct state *st, const struct state_thr_seed *s)
{
	STATE_HEAP_BEGIN();
	int ret = seed_thread(st, s);

	STATE_HEAP_END(st);
	return ret;
}
