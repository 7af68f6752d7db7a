/* The state as a whole: creation and release of its tables, statistics,
 * and the string helpers its tables share. */
#include <errno.h>
#include <string.h>

#include "runtime/base/mem.h"
#include "state/state_int.h"

int state__new(const struct state_opts *o, struct state **out)
{
	int64_t heap0 = mem_thread_net();
	struct state *st = mem_calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	state_update_init();
	if (o)
		memcpy(&st->o, o, o->sz && o->sz < sizeof(st->o) ? o->sz : sizeof(st->o));
	if (!st->o.max_threads)
		st->o.max_threads = 131072;
	if (!st->o.max_fds_per_proc)
		st->o.max_fds_per_proc = 4096;
	if (!st->o.max_users)
		st->o.max_users = 16384;
	if (!st->o.max_containers)
		st->o.max_containers = 4096;
	if (state_thr_tab_init(st) || state_user_tab_init(st) || state_ctr_tab_init(st)) {
		state__free(st);
		return -ENOMEM;
	}
	st->close_tid = st->exit_tid = st->pin_tid = -1;
	st->heap = mem_thread_net() - heap0;
	*out = st;
	return 0;
}

void state__free(struct state *st)
{
	if (!st)
		return;
	state_thr_tab_release(st);
	state_user_tab_release(st);
	state_ctr_tab_release(st);
	mem_free(st);
}

const uint64_t *state__proc_gen_ptr(const struct state *st)
{
	return &st->proc_gen;
}

void state__stats(const struct state *st, struct state_stats *out)
{
	uint64_t fds = 0;

	*out = st->st;
	out->heap_bytes = st->heap;
	out->threads = st->nthreads;
	out->containers = state_ctr_count(st);
	for (size_t i = 0; i < st->nbuckets; i++)
		for (struct thr_ent *te = st->buckets[i]; te; te = te->next)
			if (te->fds && te->t.tid == te->t.pid)
				fds += te->fds->n;
	out->fds = fds;
}

int state_set_str(const char **dst, const char *src, size_t n)
{
	char *s = src ? mem_strndup(src, n) : NULL;

	if (src && !s)
		return -ENOMEM;
	mem_free((char *)*dst);
	*dst = s;
	return 0;
}

int state_set_blob(struct thr_blob *dst, const char *src, uint32_t n)
{
	char *s = NULL;
	uint32_t len = n && src[n - 1] != '\0' ? n + 1 : n;

	if (len) {
		s = mem_malloc(len);
		if (!s)
			return -ENOMEM;
		memcpy(s, src, n);
		s[len - 1] = '\0';
	}
	mem_free((char *)dst->p);
	dst->p = s;
	dst->len = len;
	return 0;
}
