/* program_output: alerts written one a line to the standard input of
 * `program`, run by /bin/sh -c as Falco's popen does. With keep_alive the
 * program is started once and fed every alert (the pipe is the buffer);
 * without it a new program takes each alert and is waited for. A program that exited
 * (a broken pipe) or ended with a failure status counts as a failed alert
 * and the next alert starts it again. Writes never block for good: the
 * pipe is non-blocking and waited on in short polls that give up when
 * saker stops waiting for its outputs. */
#define _GNU_SOURCE
#include "runtime/out_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/base/mem.h"
#include "runtime/config.h"

extern char **environ;

#define PROGRAM_POLL_MS 100

struct out_program {
	char *cmd;
	bool keep_alive;
	const atomic_bool *abort;
	pid_t pid;		/* the running program, 0 when none */
	int fd;			/* its standard input, -1 when none */
};

static int program_open(const struct out_sink_opts *o, void **out, char *err, size_t errlen)
{
	struct out_program *s;

	if (!o->cfg->program_output_program || !*o->cfg->program_output_program) {
		snprintf(err, errlen, "program output enabled but no program in configuration block "
			 "(program_output.program)");
		return -EINVAL;
	}
	s = mem_calloc(1, sizeof(*s));
	if (!s || !(s->cmd = mem_strdup(o->cfg->program_output_program))) {
		mem_free(s);
		return -ENOMEM;
	}
	s->keep_alive = o->cfg->program_output_keep_alive;
	s->abort = o->abort;
	s->fd = -1;
	*out = s;
	return 0;
}

static int spawn(struct out_program *s, char *err, size_t errlen)
{
	char *argv[] = { "sh", "-c", s->cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	int p[2], ret;

	if (pipe2(p, O_CLOEXEC)) {
		ret = -errno;
		snprintf(err, errlen, "pipe: %s", strerror(-ret));
		return ret;
	}
	/* the output thread blocks every signal; the program must not */
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	ret = -posix_spawn(&s->pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[0]);
	if (ret) {
		close(p[1]);
		s->pid = 0;
		snprintf(err, errlen, "cannot run /bin/sh -c '%s': %s", s->cmd, strerror(-ret));
		return ret;
	}
	s->fd = p[1];
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Closes the program's input and waits for it to end (killed when saker
 * stops waiting). 0, or -ECHILD with err filled when it failed. */
static int reap(struct out_program *s, char *err, size_t errlen)
{
	struct timespec nap = { 0, 1000000 };
	int status = 0;
	pid_t r;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (!s->pid)
		return 0;
	while ((r = waitpid(s->pid, &status, WNOHANG)) == 0) {
		if (atomic_load(s->abort))
			kill(s->pid, SIGKILL);
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 64000000)
			nap.tv_nsec *= 2;
	}
	s->pid = 0;
	if (r < 0 || (WIFEXITED(status) && !WEXITSTATUS(status)))
		return 0;
	if (WIFEXITED(status))
		snprintf(err, errlen, "'%s' exited with status %d", s->cmd, WEXITSTATUS(status));
	else
		snprintf(err, errlen, "'%s' was killed by signal %d", s->cmd, WTERMSIG(status));
	return -ECHILD;
}

/* Writes all of p to the program, waiting while its pipe is full. */
static int put(struct out_program *s, const char *p, size_t n, char *err, size_t errlen)
{
	while (n) {
		ssize_t w = write(s->fd, p, n);
		struct pollfd pf = { .fd = s->fd, .events = POLLOUT };

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			int e = errno;

			snprintf(err, errlen, "'%s': %s", s->cmd,
				 e == EPIPE ? "the program exited" : strerror(e));
			return -e;
		}
		if (atomic_load(s->abort)) {
			snprintf(err, errlen, "'%s' does not read its input", s->cmd);
			return -ETIMEDOUT;
		}
		poll(&pf, 1, PROGRAM_POLL_MS);
	}
	return 0;
}

static int program_write(void *p, const struct out_msg *m, char *err, size_t errlen)
{
	struct out_program *s = p;
	int ret;

	if (s->fd < 0 && (ret = spawn(s, err, errlen)))
		return ret;
	ret = put(s, m->text, m->len + 1, err, errlen);
	if (ret || !s->keep_alive) {
		char rerr[256];
		int rret = reap(s, rerr, sizeof(rerr));

		if (!ret && rret) {
			snprintf(err, errlen, "%s", rerr);
			ret = rret;
		}
	}
	return ret;
}

static void program_close(void *p)
{
	struct out_program *s = p;
	char err[8];

	reap(s, err, sizeof(err));
	mem_free(s->cmd);
	mem_free(s);
}

const struct out_sink_ops out_program_ops = {
	.name = "program",
	.open = program_open,
	.write = program_write,
	.close = program_close,
};
