/*
 * test_fs.c - lib/fs.c, the file system steps every writer of libdbrev
 * shares: mkdir -p, a new file written whole, publishing under a name
 * that is never replaced (also where the file system has no hard links
 * and no RENAME_NOREPLACE), and the backup and revgen writers on such a
 * file system.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dbrev/backup.h"
#include "dbrev/error.h"
#include "dbrev/graph.h"
#include "dbrev/scaffold.h"
#include "dbrev/util.h"

#include "../../lib/fs.h"

/*
 * With no_links set, link(2) and renameat2(2) answer as on a file
 * system without hard links (vfat, many FUSE and SMB mounts): EPERM and
 * EINVAL.  They interpose libc's for libdbrev too.
 */
static int no_links;

int
link(const char *from, const char *to)
{
	int (*real)(const char *, const char *);

	if (no_links) {
		errno = EPERM;
		return -1;
	}
	real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "link");
	return real(from, to);
}

int
renameat2(int ofd, const char *from, int nfd, const char *to, unsigned fl)
{
	int (*real)(int, const char *, int, const char *, unsigned);

	if (no_links) {
		errno = EINVAL;
		return -1;
	}
	real = (int (*)(int, const char *, int, const char *, unsigned))
	    dlsym(RTLD_NEXT, "renameat2");
	return real(ofd, from, nfd, to, fl);
}

static char *dir;

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	const char *base = getenv("TMPDIR");
	char path[4096];

	(void)state;
	snprintf(path, sizeof path, "%s/dbrev-fs.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	if (mkdtemp(path) == NULL)
		return -1;
	dir = strdup(path);
	no_links = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	no_links = 0;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return 0;
}

static char *
at(const char *name)
{
	return dbrev_fs_join(dir, name);
}

/* The whole content of path, or NULL. */
static char *
slurp(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static void
test_join(void **state)
{
	char *s;

	(void)state;
	s = dbrev_fs_join("a", "b");
	assert_string_equal(s, "a/b");
	free(s);
	s = dbrev_fs_join("a/", "b");
	assert_string_equal(s, "a/b");
	free(s);
	s = dbrev_fs_join("", "b");
	assert_string_equal(s, "b");
	free(s);
	s = dbrev_fs_join("a", "");
	assert_string_equal(s, "a/");
	free(s);
}

static void
test_mkdirs(void **state)
{
	char *p = at("a/b c/$(x);#/d/"), *q = at("a"), *file = at("f");
	char *created, *failed;
	struct stat st;

	(void)state;
	assert_int_equal(dbrev_fs_mkdirs(p, 0700, &created, &failed), 0);
	assert_string_equal(created, q);
	assert_null(failed);
	free(created);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	/* All there: nothing made, no error. */
	assert_int_equal(dbrev_fs_mkdirs(p, 0700, &created, NULL), 0);
	assert_null(created);

	/* A file in the way: -1, and the part that failed. */
	assert_int_equal(dbrev_fs_write_new(file, "x", 1, 0), 0);
	free(p);
	p = at("f/g/h");
	assert_int_equal(dbrev_fs_mkdirs(p, 0777, NULL, &failed), -1);
	assert_int_equal(errno, ENOTDIR);
	free(q);
	q = at("f/g");
	assert_string_equal(failed, q);
	free(failed);

	/* An empty path names nothing. */
	assert_int_equal(dbrev_fs_mkdirs("", 0777, NULL, &failed), -1);
	assert_int_equal(errno, ENOENT);
	free(failed);
	free(p);
	free(q);
	free(file);
}

static void
test_write_new(void **state)
{
	char *p = at("new 'file'\n"), *s;

	(void)state;
	assert_int_equal(dbrev_fs_write_new(p, "hello", 5, 1), 0);
	s = slurp(p);
	assert_string_equal(s, "hello");
	free(s);
	/* Never over a file: -1 EEXIST, the file as it was. */
	assert_int_equal(dbrev_fs_write_new(p, "other", 5, 1), -1);
	assert_int_equal(errno, EEXIST);
	s = slurp(p);
	assert_string_equal(s, "hello");
	free(s);
	free(p);
}

/* publish with and without hard links: same outcome. */
static void
publish_case(int without_links)
{
	char *tmp = at(".tmp"), *final = at("final"), *s;

	assert_int_equal(dbrev_fs_write_new(tmp, "one", 3, 1), 0);
	no_links = without_links;
	assert_int_equal(dbrev_fs_publish(tmp, final), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	s = slurp(final);
	assert_string_equal(s, "one");
	free(s);

	/* final exists: 1, both files left as they were. */
	no_links = 0;
	assert_int_equal(dbrev_fs_write_new(tmp, "two", 3, 1), 0);
	no_links = without_links;
	assert_int_equal(dbrev_fs_publish(tmp, final), 1);
	no_links = 0;
	s = slurp(final);
	assert_string_equal(s, "one");
	free(s);
	s = slurp(tmp);
	assert_string_equal(s, "two");
	free(s);
	unlink(tmp);
	unlink(final);
	free(tmp);
	free(final);
}

static void
test_publish(void **state)
{
	(void)state;
	publish_case(0);
}

static void
test_publish_without_hard_links(void **state)
{
	(void)state;
	publish_case(1);
}

/* A backup's temporary file gets its name without hard links too. */
static void
test_backup_without_hard_links(void **state)
{
	struct dbrev_tmpfile t;
	struct dbrev_error e;
	char *final = at("db-x.sqlite3"), *s;

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_tmpfile_open(dir, &t, &e), 0);
	assert_int_equal(write(t.fd, "whole", 5), 5);
	no_links = 1;
	assert_int_equal(dbrev_tmpfile_commit(&t, final, &e), 0);
	no_links = 0;
	assert_false(dbrev_error_isset(&e));
	dbrev_tmpfile_discard(&t);
	s = slurp(final);
	assert_string_equal(s, "whole");
	free(s);
	free(final);
}

/* revgen's new revision file, likewise. */
static void
test_scaffold_without_hard_links(void **state)
{
	struct dbrev_newrev r = { 0 };
	struct dbrev_error e;
	char id[DBREV_ID_MAX + 1], *path = NULL, *s;

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_scaffold_init(dir, NULL, &e), 0);
	r.message = "add users";
	r.id = "0001";
	no_links = 1;
	assert_int_equal(dbrev_scaffold_write(dir, NULL, &r, &path, id, &e),
	    0);
	no_links = 0;
	assert_false(dbrev_error_isset(&e));
	s = slurp(path);
	assert_non_null(s);
	assert_non_null(strstr(s, "add users"));
	free(s);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_join, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_new, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_publish_without_hard_links, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_backup_without_hard_links, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_scaffold_without_hard_links, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
