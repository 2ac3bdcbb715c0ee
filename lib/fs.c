/*
 * fs.c - the file system steps libdbrev writes files with (fs.h).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbrev/util.h"

#include "fs.h"

char *
dbrev_fs_join(const char *dir, const char *name)
{
	struct dbrev_buf b = { 0 };
	size_t n = strlen(dir);

	dbrev_buf_puts(&b, dir);
	if (n > 0 && dir[n - 1] != '/')
		dbrev_buf_puts(&b, "/");
	dbrev_buf_puts(&b, name);
	return dbrev_buf_take(&b);
}

int
dbrev_fs_mkdirs(const char *path, mode_t mode, char **created, char **failed)
{
	char *s, *p, c;
	int e;

	if (created != NULL)
		*created = NULL;
	if (failed != NULL)
		*failed = NULL;
	if (*path == '\0') {
		if (failed != NULL)
			*failed = dbrev_xstrdup(path);
		errno = ENOENT;
		return -1;
	}
	s = dbrev_xstrdup(path);
	for (p = s + 1; ; p++) {
		if ((c = *p) != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(s, mode) == 0) {
			if (created != NULL && *created == NULL)
				*created = dbrev_xstrdup(s);
		} else if (errno != EEXIST) {
			e = errno;
			if (failed != NULL)
				*failed = s;
			else
				free(s);
			errno = e;
			return -1;
		}
		if (c == '\0')
			break;
		*p = c;
	}
	free(s);
	return 0;
}

static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
dbrev_fs_write_new(const char *path, const char *text, size_t len, int sync)
{
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd == -1)
		return -1;
	if (write_all(fd, text, len) == -1 || (sync && fsync(fd) == -1)) {
		e = errno;
		close(fd);
		unlink(path);
		errno = e;
		return -2;
	}
	if (close(fd) == -1) {
		e = errno;
		unlink(path);
		errno = e;
		return -2;
	}
	return 0;
}

/* Does errno say the file system has no hard links? */
static int
no_hard_links(int e)
{
	return e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS ||
	    e == EXDEV || e == EMLINK;
}

int
dbrev_fs_publish(const char *tmp, const char *final)
{
	int fd;

#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST)
		return 1;
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
#endif
	if (link(tmp, final) == 0) {
		(void)unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return 1;
	if (!no_hard_links(errno))
		return -1;
	/*
	 * Claim the name with an exclusive create, then rename over the
	 * empty file just made: only that file is ever replaced.
	 */
	fd = open(final, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return errno == EEXIST ? 1 : -1;
	close(fd);
	if (rename(tmp, final) == -1) {
		int e = errno;

		(void)unlink(final);
		errno = e;
		return -1;
	}
	return 0;
}

int
dbrev_fs_sync_dir(const char *dir)
{
	int fd, rc, e;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}
