/* engine_reload: SIGHUP's rules reload, built off the event thread. The
 * event loop asks (engine_reload_ask); a thread of the engine's reads
 * and compiles the rules files into new rules with their interpreter and
 * JIT code while events keep flowing through the rules in force, and
 * publishes them with one atomic pointer; the event loop takes them
 * between two events (engine_reload_take), puts them in force with one
 * pointer and hands the replaced ones back to this thread, which frees
 * them: no event can be using them any more, the event thread being their
 * only user and past them. Requests made during a build are served by one
 * build after it. A build that fails leaves the rules in force, is logged
 * with its diagnostics and raises Falco's "hot restart failure" internal
 * alert. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "compiler/ruleset.h"
#include "runtime/alert_internal.h"
#include "runtime/base/log.h"
#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "runtime/engine_int.h"
#include "runtime/evt_source.h"
#include "runtime/outputs.h"

struct engine_reload {
	struct engine *en;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu: */
	bool want, stop;
	char **files;			/* the rules files of the next build */
	size_t nfiles;
	struct engine_rules *retired[4];	/* replaced rules to free */
	uint32_t nretired;
	/* built rules waiting for the event loop */
	_Atomic(struct engine_rules *) ready;
	_Atomic uint64_t asked, done, failed;
};

/* The builder's nice value: below the event thread's priority. */
#define RELOAD_NICE 10

static const char RELOAD_RULE[] = "Falco internal: hot restart failure";

/* The failure as one line: the first error of the diagnostics, else the
 * error code. */
static void failure_text(int err, const struct strbuf *diags, char *out, size_t outlen)
{
	const char *d = diags->buf, *e = d ? strstr(d, "error") : NULL;

	if (err == -EINVAL && e) {
		const char *start = e, *end;

		while (start > d && start[-1] != '\n')
			start--;
		end = strchr(start, '\n');
		snprintf(out, outlen, "%.*s", (int)(end ? end - start : (long)strlen(start)), start);
		return;
	}
	snprintf(out, outlen, "%s", strerror(-err));
}

static void raise_failure(struct engine *en, const char *why)
{
	struct strbuf sb = STRBUF_INIT, msg = STRBUF_INIT;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	strbuf_printf(&msg, "%s: %s", RELOAD_RULE, why);
	if (!msg.oom)
		alert_internal(&en->afo,
			       (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec,
			       RL_PRIO_CRITICAL, RELOAD_RULE, msg.buf, NULL, 0, &sb);
	if (!sb.oom && sb.buf)
		outputs__emit(en->out, RL_PRIO_CRITICAL, sb.buf, sb.len);
	strbuf_release(&sb);
	strbuf_release(&msg);
}

static void free_files(char **files, size_t n)
{
	while (n)
		mem_free(files[--n]);
	mem_free(files);
}

/* A copy of the engine's rules files, for the thread to build from. */
static char **copy_files(const struct engine *en)
{
	char **v = mem_calloc(en->nrule_files ? en->nrule_files : 1, sizeof(*v));

	for (size_t i = 0; v && i < en->nrule_files; i++) {
		if (!(v[i] = mem_strdup(en->rule_files[i]))) {
			free_files(v, i);
			return NULL;
		}
	}
	return v;
}

static void build(struct engine_reload *rl)
{
	struct engine *en = rl->en;
	struct strbuf diags = STRBUF_INIT;
	struct engine_rules *r = NULL, *old;
	char why[512];
	int err;

	char **files;
	size_t nfiles;

	pthread_mutex_lock(&rl->mu);
	files = rl->files;
	nfiles = rl->nfiles;
	rl->files = NULL;
	rl->nfiles = 0;
	pthread_mutex_unlock(&rl->mu);
	err = engine_rules_build(en, (const char *const *)files, nfiles, false, &diags, &r);
	free_files(files, nfiles);
	if (diags.buf)
		log_warn("rules reload:\n%s", diags.buf);
	if (err) {
		atomic_fetch_add(&rl->failed, 1);
		failure_text(err, &diags, why, sizeof(why));
		log_error("rules reload failed (%s): the running rules stay", strerror(-err));
		raise_failure(en, why);
	} else {
		atomic_fetch_add(&rl->done, 1);
		/* rules built before and not yet taken were never in force */
		old = atomic_exchange(&rl->ready, r);
		engine_rules_free(old);
	}
	strbuf_release(&diags);
}

static void *reload_main(void *arg)
{
	struct engine_reload *rl = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* the event thread comes first: building yields to it */
	setpriority(PRIO_PROCESS, (id_t)gettid(), RELOAD_NICE);
	pthread_mutex_lock(&rl->mu);
	for (;;) {
		while (!rl->want && !rl->stop && !rl->nretired)
			pthread_cond_wait(&rl->cv, &rl->mu);
		if (rl->nretired) {
			struct engine_rules *r = rl->retired[--rl->nretired];

			pthread_mutex_unlock(&rl->mu);
			engine_rules_free(r);
			pthread_mutex_lock(&rl->mu);
			continue;
		}
		if (rl->stop)
			break;
		rl->want = false;
		pthread_mutex_unlock(&rl->mu);
		build(rl);
		pthread_mutex_lock(&rl->mu);
	}
	pthread_mutex_unlock(&rl->mu);
	return NULL;
}

static int engine_reload_request(struct engine *en)
{
	struct engine_reload *rl = en->reloader;
	char **files;
	int err;

	if (!rl) {
		rl = mem_calloc(1, sizeof(*rl));
		if (!rl)
			return -ENOMEM;
		rl->en = en;
		pthread_mutex_init(&rl->mu, NULL);
		pthread_cond_init(&rl->cv, NULL);
		err = -pthread_create(&rl->th, NULL, reload_main, rl);
		if (err) {
			pthread_mutex_destroy(&rl->mu);
			pthread_cond_destroy(&rl->cv);
			mem_free(rl);
			log_error("rules reload failed (%s): the running rules stay", strerror(-err));
			return err;
		}
		en->reloader = rl;
	}
	if (!(files = copy_files(en))) {
		log_error("rules reload failed (%s): the running rules stay", strerror(ENOMEM));
		return -ENOMEM;
	}
	atomic_fetch_add(&rl->asked, 1);
	pthread_mutex_lock(&rl->mu);
	free_files(rl->files, rl->nfiles);
	rl->files = files;
	rl->nfiles = en->nrule_files;
	rl->want = true;
	pthread_cond_signal(&rl->cv);
	pthread_mutex_unlock(&rl->mu);
	return 0;
}

void engine_reload_ask(struct engine *en)
{
	int err;

	en->reload = 0;
	/* the hook (the configuration read again for its rules files) runs
	 * here, on the event thread, the only one that changes them */
	if (en->reload_hook && (err = en->reload_hook(en->reload_ctx, en))) {
		if (err < 0)
			log_error("rules reload failed (%s): the running rules stay",
				  strerror(-err));
		return;
	}
	engine_siblings_reload(en);
	engine_reload_request(en);
}

struct engine_rules *engine_reload_take(struct engine *en)
{
	struct engine_reload *rl = en->reloader;

	if (!rl || !atomic_load_explicit(&rl->ready, memory_order_relaxed))
		return NULL;
	return atomic_exchange_explicit(&rl->ready, NULL, memory_order_acquire);
}

static void engine_reload_retire(struct engine *en, struct engine_rules *old)
{
	struct engine_reload *rl = en->reloader;

	if (!old)
		return;
	pthread_mutex_lock(&rl->mu);
	if (rl->nretired == sizeof(rl->retired) / sizeof(rl->retired[0])) {
		/* the thread is behind (it frees between builds): free here */
		pthread_mutex_unlock(&rl->mu);
		engine_rules_free(old);
		return;
	}
	rl->retired[rl->nretired++] = old;
	pthread_cond_signal(&rl->cv);
	pthread_mutex_unlock(&rl->mu);
}

void engine_reload_stop(struct engine *en)
{
	struct engine_reload *rl = en->reloader;

	if (!rl)
		return;
	pthread_mutex_lock(&rl->mu);
	rl->stop = true;
	pthread_cond_signal(&rl->cv);
	pthread_mutex_unlock(&rl->mu);
	pthread_join(rl->th, NULL);
	while (rl->nretired)
		engine_rules_free(rl->retired[--rl->nretired]);
	engine_rules_free(atomic_load(&rl->ready));
	free_files(rl->files, rl->nfiles);
	en->reloads_asked += atomic_load(&rl->asked);
	en->reloads_done += atomic_load(&rl->done);
	en->reloads_failed += atomic_load(&rl->failed);
	pthread_mutex_destroy(&rl->mu);
	pthread_cond_destroy(&rl->cv);
	mem_free(rl);
	en->reloader = NULL;
}

void engine_reload_counts(const struct engine *en, uint64_t *asked, uint64_t *done,
			  uint64_t *failed)
{
	const struct engine_reload *rl = en->reloader;

	*asked = en->reloads_asked + (rl ? atomic_load(&rl->asked) : 0);
	*done = en->reloads_done + (rl ? atomic_load(&rl->done) : 0);
	*failed = en->reloads_failed + (rl ? atomic_load(&rl->failed) : 0);
}

void engine_reload_put(struct engine *en, struct evt_source *src, struct engine_rules *r)
{
	int nsc;

	engine_reload_retire(en, engine_rules_swap(en, r));
	nsc = engine_switch_syscalls(en, src);
	if (src->ops->set_syscalls)
		log_info("rules reloaded: %zu rules, %s switched to %d syscalls", r->rs->nrules,
			 src->ops->kind, nsc);
	else
		log_info("rules reloaded: %zu rules", r->rs->nrules);
}
