/* Capture bytes read ahead on a thread (see scap_feed.h): a ring of
 * FEED_CHUNKS chunks of FEED_CHUNK bytes. The thread fills the chunk at
 * `head` while the reader reads the one at `tail`; `filled` counts the
 * chunks between, under one lock taken once per chunk. A thread that
 * found the ring full sleeps until half of it is free again, so that
 * each wake-up (costly, across CPUs) buys half a ring of reading. */
#include "runtime/scap_feed.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "runtime/base/mem.h"

#define FEED_CHUNK (128u << 10)
#define FEED_CHUNKS 8

struct chunk {
	uint8_t *buf;
	size_t len;
};

struct scap_feed {
	int fd;				/* a plain file, or -1 */
	gzFile gz;			/* a gzip file, or NULL */
	bool may_block;			/* a pipe or a device: a read may wait for ever */
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv_filled, cv_freed;
	struct chunk ring[FEED_CHUNKS];
	unsigned head, tail, filled;	/* under mu */
	bool done, stop;		/* under mu: no chunk will follow / the reader quits */
	int err;			/* under mu until done, then fixed */
	bool holding;			/* the reader's: ring[tail] is the reader's */
};

/* Fills buf with up to n bytes: the count, 0 at the end, -errno. */
static long fill(struct scap_feed *f, uint8_t *buf, size_t n)
{
	if (f->gz) {
		int k = gzread(f->gz, buf, (unsigned)n);

		/* zlib's errors (corrupt data) say no more than this */
		return k < 0 ? -EBADMSG : k;
	}
	for (;;) {
		ssize_t k = read(f->fd, buf, n);

		if (k >= 0)
			return k;
		if (errno != EINTR)
			return -errno;
	}
}

static void *run(void *arg)
{
	struct scap_feed *f = arg;
	int old;

	/* cancelled (scap_feed__free) only while it reads */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	for (;;) {
		struct chunk *c;
		long k;

		pthread_mutex_lock(&f->mu);
		if (f->filled == FEED_CHUNKS)
			while (f->filled > FEED_CHUNKS / 2 && !f->stop)
				pthread_cond_wait(&f->cv_freed, &f->mu);
		if (f->stop) {
			pthread_mutex_unlock(&f->mu);
			return NULL;
		}
		c = &f->ring[f->head];
		pthread_mutex_unlock(&f->mu);
		/* the chunk at head is the thread's alone until filled is raised */
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
		k = fill(f, c->buf, FEED_CHUNK);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
		pthread_mutex_lock(&f->mu);
		if (k > 0) {
			c->len = (size_t)k;
			f->head = (f->head + 1) % FEED_CHUNKS;
			f->filled++;
		} else {
			f->err = (int)k;
			f->done = true;
		}
		pthread_cond_signal(&f->cv_filled);
		pthread_mutex_unlock(&f->mu);
		if (k <= 0)
			return NULL;
	}
}

static int open_source(struct scap_feed *f, const char *path)
{
	uint8_t magic[2];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	if (S_ISREG(st.st_mode) &&
	    (pread(fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b)) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		f->fd = fd;
		return 0;
	}
	/* gzip, or what cannot be looked at twice (a pipe): zlib tells */
	f->may_block = !S_ISREG(st.st_mode);
	f->gz = gzdopen(fd, "rb");
	if (!f->gz) {
		close(fd);
		return -ENOMEM;
	}
	gzbuffer(f->gz, 1 << 18);
	return 0;
}

int scap_feed__open(const char *path, struct scap_feed **out)
{
	struct scap_feed *f = mem_calloc(1, sizeof(*f));
	sigset_t all, old;
	int ret;

	if (!f)
		return -ENOMEM;
	f->fd = -1;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv_filled, NULL);
	pthread_cond_init(&f->cv_freed, NULL);
	for (int i = 0; i < FEED_CHUNKS; i++) {
		if (!(f->ring[i].buf = mem_malloc(FEED_CHUNK))) {
			scap_feed__free(f);
			return -ENOMEM;
		}
	}
	ret = open_source(f, path);
	if (ret) {
		scap_feed__free(f);
		return ret;
	}
	/* signals stay with the threads that handle them */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = -pthread_create(&f->thread, NULL, run, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		scap_feed__free(f);
		return ret;
	}
	f->started = true;
	*out = f;
	return 0;
}

void scap_feed__free(struct scap_feed *f)
{
	if (!f)
		return;
	if (f->started) {
		pthread_mutex_lock(&f->mu);
		f->stop = true;
		pthread_cond_signal(&f->cv_freed);
		pthread_mutex_unlock(&f->mu);
		/* a pipe that never writes again must not hold the reader */
		if (f->may_block)
			pthread_cancel(f->thread);
		pthread_join(f->thread, NULL);
	}
	if (f->gz)
		gzclose(f->gz);
	else if (f->fd >= 0)
		close(f->fd);
	for (int i = 0; i < FEED_CHUNKS; i++)
		mem_free(f->ring[i].buf);
	pthread_cond_destroy(&f->cv_filled);
	pthread_cond_destroy(&f->cv_freed);
	pthread_mutex_destroy(&f->mu);
	mem_free(f);
}

size_t scap_feed_next(struct scap_feed *f, const uint8_t **p)
{
	pthread_mutex_lock(&f->mu);
	if (f->holding) {
		/* used up: back to the thread */
		f->holding = false;
		f->tail = (f->tail + 1) % FEED_CHUNKS;
		if (--f->filled == FEED_CHUNKS / 2)
			pthread_cond_signal(&f->cv_freed);
	}
	while (!f->filled && !f->done)
		pthread_cond_wait(&f->cv_filled, &f->mu);
	if (f->filled)
		f->holding = true;
	pthread_mutex_unlock(&f->mu);
	if (!f->holding)
		return 0;
	*p = f->ring[f->tail].buf;
	return f->ring[f->tail].len;
}

int scap_feed_error(const struct scap_feed *f)
{
	return f->done ? f->err : 0;
}
