/* config_watch (see config_watch.h). */
#include "runtime/config_watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/base/log.h"
#include "runtime/base/mem.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | \
		    IN_MODIFY | IN_ATTRIB)
#define WATCH_QUIET_MS 200

struct watch {
	int wd;
	char *dir;
	char *name;	/* the file watched in dir; NULL: every file of dir */
};

struct config_watch {
	config_watch_fn fn;
	void *ctx;
	int ino, wake;		/* inotify fd, eventfd (stop or new paths) */
	pthread_t thr;
	pthread_mutex_t mu;	/* paths, dirty, stop */
	char **paths;
	size_t npaths;
	bool dirty, stop;
	struct watch *w;	/* the thread's own */
	size_t nw;
};

static void clear_watches(struct config_watch *cw)
{
	for (size_t i = 0; i < cw->nw; i++) {
		inotify_rm_watch(cw->ino, cw->w[i].wd);
		mem_free(cw->w[i].dir);
		mem_free(cw->w[i].name);
	}
	mem_free(cw->w);
	cw->w = NULL;
	cw->nw = 0;
}

static void add_watch(struct config_watch *cw, const char *dir, const char *name)
{
	struct watch *nw;
	int wd = inotify_add_watch(cw->ino, dir, WATCH_MASK);

	if (wd < 0) {
		log_debug("watch_config_files: %s: %s", dir, strerror(errno));
		return;
	}
	nw = mem_reallocarray(cw->w, cw->nw + 1, sizeof(*nw));
	if (!nw)
		return;
	cw->w = nw;
	nw[cw->nw].wd = wd;
	nw[cw->nw].dir = mem_strdup(dir);
	nw[cw->nw].name = name ? mem_strdup(name) : NULL;
	cw->nw++;
}

/* Watches for the paths (under cw->mu). */
static void rebuild(struct config_watch *cw)
{
	clear_watches(cw);
	for (size_t i = 0; i < cw->npaths; i++) {
		const char *p = cw->paths[i], *slash = strrchr(p, '/');
		char dir[PATH_MAX];
		struct stat st;

		if (!stat(p, &st) && S_ISDIR(st.st_mode)) {
			add_watch(cw, p, NULL);
			continue;
		}
		if (!slash)
			snprintf(dir, sizeof(dir), ".");
		else if (slash == p)
			snprintf(dir, sizeof(dir), "/");
		else
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - p), p);
		add_watch(cw, dir, slash ? slash + 1 : p);
	}
}

/* Whether an event of the inotify stream concerns a watched path. */
static bool relevant(const struct config_watch *cw, const struct inotify_event *ev)
{
	for (size_t i = 0; i < cw->nw; i++) {
		if (cw->w[i].wd != ev->wd)
			continue;
		if (!cw->w[i].name || (ev->len && !strcmp(cw->w[i].name, ev->name)))
			return true;
	}
	return false;
}

static void *watch_main(void *arg)
{
	struct config_watch *cw = arg;
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool pending = false;

	for (;;) {
		struct pollfd p[2] = { { cw->ino, POLLIN, 0 }, { cw->wake, POLLIN, 0 } };
		int r = poll(p, 2, pending ? WATCH_QUIET_MS : -1);

		if (r < 0 && errno != EINTR)
			break;
		if (r == 0 && pending) {
			pending = false;
			log_info("watch_config_files: a configuration or rules file changed, reloading");
			cw->fn(cw->ctx);
			continue;
		}
		if (r > 0 && (p[1].revents & POLLIN)) {
			uint64_t v;
			bool stop;

			if (read(cw->wake, &v, sizeof(v)) < 0)
				v = 0;
			pthread_mutex_lock(&cw->mu);
			stop = cw->stop;
			if (cw->dirty && !stop)
				rebuild(cw);
			cw->dirty = false;
			pthread_mutex_unlock(&cw->mu);
			if (stop)
				break;
		}
		if (r > 0 && (p[0].revents & POLLIN)) {
			ssize_t n = read(cw->ino, buf, sizeof(buf));

			for (ssize_t o = 0; n > 0 && o < n;) {
				const struct inotify_event *ev = (const struct inotify_event *)(buf + o);

				pthread_mutex_lock(&cw->mu);
				pending |= relevant(cw, ev) || (ev->mask & IN_Q_OVERFLOW);
				pthread_mutex_unlock(&cw->mu);
				o += (ssize_t)(sizeof(*ev) + ev->len);
			}
		}
	}
	return NULL;
}

int config_watch__start(config_watch_fn fn, void *ctx, struct config_watch **out)
{
	struct config_watch *cw = mem_calloc(1, sizeof(*cw));
	int err;

	if (!cw)
		return -ENOMEM;
	cw->fn = fn;
	cw->ctx = ctx;
	cw->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	cw->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_mutex_init(&cw->mu, NULL);
	if (cw->ino < 0 || cw->wake < 0) {
		err = -errno;
		goto fail;
	}
	err = -pthread_create(&cw->thr, NULL, watch_main, cw);
	if (err)
		goto fail;
	*out = cw;
	return 0;
fail:
	if (cw->ino >= 0)
		close(cw->ino);
	if (cw->wake >= 0)
		close(cw->wake);
	pthread_mutex_destroy(&cw->mu);
	mem_free(cw);
	return err;
}

static void free_paths(struct config_watch *cw)
{
	for (size_t i = 0; i < cw->npaths; i++)
		mem_free(cw->paths[i]);
	mem_free(cw->paths);
	cw->paths = NULL;
	cw->npaths = 0;
}

int config_watch__set(struct config_watch *w, const char *const *paths, size_t n)
{
	char **copy = mem_calloc(n ? n : 1, sizeof(*copy));
	uint64_t one = 1;

	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!(copy[i] = mem_strdup(paths[i]))) {
			while (i--)
				mem_free(copy[i]);
			mem_free(copy);
			return -ENOMEM;
		}
	}
	pthread_mutex_lock(&w->mu);
	free_paths(w);
	w->paths = copy;
	w->npaths = n;
	w->dirty = true;
	pthread_mutex_unlock(&w->mu);
	return write(w->wake, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

void config_watch__stop(struct config_watch *w)
{
	uint64_t one = 1;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_mutex_unlock(&w->mu);
	if (write(w->wake, &one, sizeof(one)) != sizeof(one))
		log_warn("watch_config_files: cannot stop the watcher");
	pthread_join(w->thr, NULL);
	clear_watches(w);
	free_paths(w);
	close(w->ino);
	close(w->wake);
	pthread_mutex_destroy(&w->mu);
	mem_free(w);
}
