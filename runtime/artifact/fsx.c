/* Atomic file replacement and directory creation. */
#include "runtime/artifact/fsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/base/log.h"
#include "runtime/base/mem.h"

int fsx_mkdirs(const char *path, mode_t mode)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, mode) && errno != EEXIST) {
			int err = -errno;

			log_error("%s: %s", buf, strerror(-err));
			return err;
		}
		buf[i] = i == n ? '\0' : '/';
	}
	return 0;
}

static int fsync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fsync(fd);
	close(fd);
	return 0;
}

int fsx_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	size_t n = strlen(path) + 16;
	char *tmp = mem_malloc(n);
	const char *p = data, *slash;
	int fd, err = 0;

	if (!tmp)
		return -ENOMEM;
	slash = strrchr(path, '/');
	/* a hidden name in the same directory, so the rename stays atomic */
	snprintf(tmp, n, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0, path,
		 slash ? slash + 1 : path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		log_error("%s: cannot create a temporary file beside it: %s", path, strerror(-err));
		mem_free(tmp);
		return err;
	}
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (!err && fchmod(fd, mode))
		err = -errno;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		log_error("%s: %s", path, strerror(-err));
		unlink(tmp);
	} else {
		fsync_dir(path);
	}
	mem_free(tmp);
	return err;
}
