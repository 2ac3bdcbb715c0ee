/*
 * fs.h - the file system steps libdbrev writes files with: mkdir -p,
 * a new file written whole, a file published under a name it never
 * replaces, and a directory's entries made durable.  Private to
 * libdbrev (not installed).
 *
 * None of these sets a struct dbrev_error: they return -1 with errno
 * set, and the caller says what failed in its own words.
 */
#ifndef DBREV_FS_H
#define DBREV_FS_H

#include <sys/types.h>

#include <stddef.h>

/*
 * dir and name joined with one slash (none added when dir is empty or
 * already ends in one).  Caller frees.
 */
char	*dbrev_fs_join(const char *dir, const char *name);

/*
 * mkdir -p: create path and each missing parent with mode (before the
 * umask).  Stops at the first directory it cannot create: returns -1
 * with errno set and, when failed is not NULL, *failed the prefix of
 * path that failed (caller frees).  When created is not NULL, *created
 * is the topmost directory made (NULL when none; caller frees), so that
 * a caller that fails later can take them away again.  A path that
 * exists but is not a directory is not reported here: stat it after.
 */
int	 dbrev_fs_mkdirs(const char *path, mode_t mode, char **created,
	    char **failed);

/*
 * Create path, which must not exist, holding len bytes of text,
 * flushed to disk first when sync.  Returns 0; -1 when path could not
 * be created (errno EEXIST: it exists, and was left alone); -2 when it
 * could not be written (path is removed again).  errno tells why.
 */
int	 dbrev_fs_write_new(const char *path, const char *text, size_t len,
	    int sync);

/*
 * Give the whole, already flushed file tmp the name final unless
 * final exists: rename(2) with RENAME_NOREPLACE where the file system
 * has it, else link(2) and unlink of tmp, else (no hard links: some
 * FUSE, SMB and FAT mounts) an exclusive create of final that tmp is
 * then renamed over.  Never replaces a file that was there.  Returns
 * 0 (tmp is gone), 1 when final exists (tmp is left), -1 with errno.
 */
int	 dbrev_fs_publish(const char *tmp, const char *final);

/* fsync(2) the directory dir, so that its entries survive a crash. */
int	 dbrev_fs_sync_dir(const char *dir);

#endif /* DBREV_FS_H */
