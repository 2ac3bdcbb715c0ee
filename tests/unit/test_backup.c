/*
 * test_backup.c - backups: names and parsing them back, listing,
 * retention selection and pruning, the revision a name records, the
 * atomic-write helpers and recognising a backup's kind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "dbrev/backup.h"
#include "dbrev/graph.h"
#include "dbrev/revision.h"

#include "helpers.h"

/* 2026-11-24T01:02:03Z */
#define T0	((time_t)1795482123)

static char tmpdir[256];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/test_backup.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown_dir(void **state)
{
	(void)state;
	th_rmtree(tmpdir);
	return 0;
}

static void
touch(const char *dir, const char *name, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int
exists(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void
test_format(void **state)
{
	char *s;

	(void)state;
	s = dbrev_backup_name_format("app", T0, "3f2a9c1b7e44", 0,
	    DBREV_BACKUP_SQLITE);
	assert_string_equal(s, "app-20261124T010203Z-3f2a9c1b7e44.sqlite3");
	free(s);
	s = dbrev_backup_name_format("shop", T0, "a1+b2", 2,
	    DBREV_BACKUP_PGDUMP);
	assert_string_equal(s, "shop-20261124T010203Z-a1+b2-2.pgdump");
	free(s);
	s = dbrev_backup_name_format("app", T0, NULL, 0, DBREV_BACKUP_SQLITE);
	assert_string_equal(s, "app-20261124T010203Z-base.sqlite3");
	free(s);
	/* Unsafe characters in a database name never reach a file name. */
	s = dbrev_backup_name_format("../my db/x", T0, "base", 0,
	    DBREV_BACKUP_PGDUMP);
	assert_string_equal(s, "_._my_db_x-20261124T010203Z-base.pgdump");
	free(s);
	s = dbrev_backup_db_label("");
	assert_string_equal(s, "db");
	free(s);
	s = dbrev_backup_db_label("-rf");
	assert_string_equal(s, "_rf");
	free(s);
	s = dbrev_backup_db_label("my-app.v2");
	assert_string_equal(s, "my-app.v2");
	free(s);
}

static void
test_parse(void **state)
{
	struct dbrev_backup_name n;
	char *s;

	(void)state;
	assert_int_equal(dbrev_backup_name_parse(
	    "backups/app-20261124T010203Z-3f2a9c1b7e44.sqlite3", &n), 0);
	assert_string_equal(n.db, "app");
	assert_string_equal(n.stamp, "20261124T010203Z");
	assert_true(n.time == T0);
	assert_string_equal(n.revision, "3f2a9c1b7e44");
	assert_int_equal(n.seq, 0);
	assert_int_equal(n.kind, DBREV_BACKUP_SQLITE);
	dbrev_backup_name_free(&n);

	/* A database name with dashes, several heads, a suffix. */
	assert_int_equal(dbrev_backup_name_parse(
	    "my-shop-20261124T010203Z-a1+b2-12.pgdump", &n), 0);
	assert_string_equal(n.db, "my-shop");
	assert_string_equal(n.revision, "a1+b2");
	assert_int_equal(n.seq, 12);
	assert_int_equal(n.kind, DBREV_BACKUP_PGDUMP);
	dbrev_backup_name_free(&n);

	/* A stamp-like database name: the last stamp is the backup's. */
	assert_int_equal(dbrev_backup_name_parse(
	    "x-20200101T000000Z-20261124T010203Z-base.sqlite3", &n), 0);
	assert_string_equal(n.db, "x-20200101T000000Z");
	assert_string_equal(n.revision, "base");
	dbrev_backup_name_free(&n);

	/* Every name format writes parses back to what it was made of. */
	s = dbrev_backup_name_format("app.v2", T0 + 86399, "abc_DEF", 3,
	    DBREV_BACKUP_SQLITE);
	assert_int_equal(dbrev_backup_name_parse(s, &n), 0);
	assert_string_equal(n.db, "app.v2");
	assert_true(n.time == T0 + 86399);
	assert_string_equal(n.revision, "abc_DEF");
	assert_int_equal(n.seq, 3);
	dbrev_backup_name_free(&n);
	free(s);
}

static void
test_parse_rejects(void **state)
{
	static const char *bad[] = {
		"app-20261124T010203Z-3f2a.sqlite",	/* extension */
		"app-20261124T010203Z-3f2a.sqlite3.gz",
		"app-20261124T010203Z-3f2a",
		"app-20261324T010203Z-3f2a.sqlite3",	/* month 13 */
		"app-20260230T010203Z-3f2a.sqlite3",	/* 30 February */
		"app-20261124T250203Z-3f2a.sqlite3",	/* hour 25 */
		"app-20261124 010203Z-3f2a.sqlite3",
		"app-20261124T010203-3f2a.sqlite3",	/* no Z */
		"-20261124T010203Z-3f2a.sqlite3",	/* no database */
		"app-20261124T010203Z-.sqlite3",	/* no revision */
		"app-20261124T010203Z.sqlite3",
		"app-20261124T010203Z-3f2a-0.sqlite3",	/* suffix 0 */
		"app-20261124T010203Z-3f2a-01.sqlite3",
		"app-20261124T010203Z-3f2a-1-2.sqlite3",
		"app-20261124T010203Z-3f2a-x.sqlite3",
		"app-20261124T010203Z-3f+.sqlite3",	/* empty head */
		"app-20261124T010203Z-+3f.sqlite3",
		"app-20261124T010203Z-3f..2.sqlite3",
		"app-20261124T010203Z-3f2a-.sqlite3",
		"app-20261124T010203Z-"
		    "abcdefghijabcdefghijabcdefghijabc.sqlite3", /* 33 chars */
		".dbbackup-Ab12Cd.tmp",			/* our temporary */
		".app-20261124T010203Z-3f2a.sqlite3",	/* hidden */
		"a b-20261124T010203Z-3f2a.sqlite3",	/* not a label */
		"app.db",
		"",
		NULL
	};
	struct dbrev_backup_name n;
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		if (dbrev_backup_name_parse(bad[i], &n) == 0)
			fail_msg("parsed, should not: '%s'", bad[i]);
		assert_null(n.db);
		assert_null(n.revision);
	}
	assert_int_equal(dbrev_backup_name_parse(NULL, &n), -1);
	/* 32 characters is the longest id and still fine. */
	assert_int_equal(dbrev_backup_name_parse("app-20261124T010203Z-"
	    "abcdefghijabcdefghijabcdefghijab.sqlite3", &n), 0);
	dbrev_backup_name_free(&n);
}

/* touch, then append a record naming database db (NULL: none). */
static void
touch_rec(const char *dir, const char *name, const char *content,
    const char *db)
{
	struct dbrev_backup_record r;
	struct dbrev_error e;
	char path[512];
	int fd;

	touch(dir, name, content);
	if (db == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.database = (char *)db;
	r.revision = (char *)"a";
	dbrev_error_init(&e);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(dbrev_backup_record_append(fd, &r, 0, &e), 0);
	close(fd);
}

#define PROD	"sqlite:///srv/prod/app.db"
#define STAGING	"sqlite:///srv/staging/app.db"

static void
test_list(void **state)
{
	struct dbrev_backup_entry *v;
	struct dbrev_error e;
	char path[512], link_to[512];
	size_t n;

	(void)state;
	dbrev_error_init(&e);
	touch_rec(tmpdir, "app-20261124T010205Z-b.sqlite3", "22", PROD);
	touch(tmpdir, "app-20261124T010203Z-a.sqlite3", "1");
	touch_rec(tmpdir, "app-20261124T010203Z-a-1.sqlite3", "333", STAGING);
	touch(tmpdir, "shop-20261124T010204Z-a.pgdump", "4444");
	touch_rec(tmpdir, "other-20261124T010201Z-a.sqlite3", "5", PROD);
	touch(tmpdir, "app.db", "not a backup");
	touch(tmpdir, "notes.txt", "x");
	touch(tmpdir, ".dbbackup-abcdef.tmp", "partial");
	snprintf(path, sizeof path, "%s/app-20261124T010209Z-c.sqlite3",
	    tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);	/* a directory: skipped */
	snprintf(path, sizeof path, "%s/app-20261124T010210Z-d.sqlite3",
	    tmpdir);
	snprintf(link_to, sizeof link_to, "%s/notes.txt", tmpdir);
	assert_int_equal(symlink(link_to, path), 0); /* a link: skipped */

	assert_int_equal(dbrev_backup_list(tmpdir, NULL, NULL,
	    DBREV_BACKUP_NONE, &v, &n, &e), 0);
	assert_int_equal(n, 5);
	/* Oldest first; within a second, by suffix. */
	assert_non_null(strstr(v[0].path, "other-20261124T010201Z-a"));
	assert_non_null(strstr(v[1].path, "app-20261124T010203Z-a.sqlite3"));
	assert_non_null(strstr(v[2].path, "app-20261124T010203Z-a-1"));
	assert_true(v[2].size > 3);	/* its record counts */
	assert_non_null(strstr(v[3].path, "shop-"));
	assert_non_null(strstr(v[4].path, "app-20261124T010205Z-b"));
	assert_int_equal(strncmp(v[0].path, tmpdir, strlen(tmpdir)), 0);
	/* What the records say. */
	assert_int_equal(v[0].record, DBREV_RECORD_OK);
	assert_string_equal(v[0].database, PROD);
	assert_int_equal(v[1].record, DBREV_RECORD_NONE);
	assert_null(v[1].database);
	assert_string_equal(v[2].database, STAGING);
	dbrev_backup_entries_free(v, n);

	/*
	 * One database's: those its record names, whatever their label,
	 * and those without a record that bear its label.
	 */
	assert_int_equal(dbrev_backup_list(tmpdir, PROD, "app",
	    DBREV_BACKUP_SQLITE, &v, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_non_null(strstr(v[0].path, "other-"));
	assert_non_null(strstr(v[1].path, "app-20261124T010203Z-a.sqlite3"));
	assert_non_null(strstr(v[2].path, "app-20261124T010205Z-b"));
	dbrev_backup_entries_free(v, n);
	assert_int_equal(dbrev_backup_list(tmpdir, STAGING, NULL,
	    DBREV_BACKUP_SQLITE, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(v[0].path, "app-20261124T010203Z-a-1"));
	dbrev_backup_entries_free(v, n);
	assert_int_equal(dbrev_backup_list(tmpdir, PROD, "app",
	    DBREV_BACKUP_PGDUMP, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	dbrev_backup_entries_free(v, n);

	/* A directory that does not exist holds no backups. */
	snprintf(path, sizeof path, "%s/nope", tmpdir);
	assert_int_equal(dbrev_backup_list(path, NULL, NULL,
	    DBREV_BACKUP_NONE, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_false(dbrev_error_isset(&e));
}

static struct dbrev_backup_entry
entry(const char *name, const char *db)
{
	struct dbrev_backup_entry x;

	memset(&x, 0, sizeof x);
	x.path = dbrev_xstrdup(name);
	if (dbrev_backup_name_parse(name, &x.name) != 0)
		fail_msg("bad test name %s", name);
	x.record = db != NULL ? DBREV_RECORD_OK : DBREV_RECORD_NONE;
	x.database = db != NULL ? dbrev_xstrdup(db) : NULL;
	return x;
}

static void
test_prune_select(void **state)
{
	static const struct { const char *name, *db; } names[] = {
		{ "app-20261124T010201Z-a.sqlite3", PROD },	/* 0 */
		{ "app-20261124T010201Z-a.pgdump", PROD },	/* 1: kind */
		{ "shop-20261124T010202Z-a.sqlite3", PROD },	/* 2: renamed */
		{ "app-20261124T010203Z-b.sqlite3", PROD },	/* 3 */
		{ "app-20261124T010203Z-b-1.sqlite3", STAGING }, /* 4 */
		{ "app-20261124T010203Z-b-2.sqlite3", NULL },	/* 5: no record */
		{ "app-20261124T010204Z-c.sqlite3", PROD },	/* 6 */
	};
	struct dbrev_backup_entry v[7];
	size_t out[7], k, i;

	(void)state;
	for (i = 0; i < 7; i++)
		v[i] = entry(names[i].name, names[i].db);
	k = dbrev_backup_prune_select(v, 7, PROD, DBREV_BACKUP_SQLITE, 2,
	    out);
	assert_int_equal(k, 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 2);
	k = dbrev_backup_prune_select(v, 7, PROD, DBREV_BACKUP_SQLITE, 1,
	    out);
	assert_int_equal(k, 3);
	assert_int_equal(out[2], 3);
	k = dbrev_backup_prune_select(v, 7, PROD, DBREV_BACKUP_SQLITE, 4,
	    out);
	assert_int_equal(k, 0);
	/* Staging's only backup, whatever its name. */
	k = dbrev_backup_prune_select(v, 7, STAGING, DBREV_BACKUP_SQLITE, 1,
	    out);
	assert_int_equal(k, 0);
	k = dbrev_backup_prune_select(v, 7, STAGING, DBREV_BACKUP_SQLITE, 0,
	    out);
	assert_int_equal(k, 1);
	assert_int_equal(out[0], 4);
	k = dbrev_backup_prune_select(v, 7, PROD, DBREV_BACKUP_PGDUMP, 0,
	    out);
	assert_int_equal(k, 1);
	assert_int_equal(out[0], 1);
	/* Without a record, never. */
	k = dbrev_backup_prune_select(v, 7, "sqlite:///nobody",
	    DBREV_BACKUP_SQLITE, 0, out);
	assert_int_equal(k, 0);
	dbrev_backup_entries_free(NULL, 0);
	for (i = 0; i < 7; i++) {
		free(v[i].path);
		free(v[i].database);
		dbrev_backup_name_free(&v[i].name);
	}
}

static void
test_prune(void **state)
{
	struct dbrev_error e;
	char **removed = NULL;
	size_t i, unrecorded = 9;

	(void)state;
	dbrev_error_init(&e);
	/* staging/app.db and prod/app.db share a directory and a label. */
	touch_rec(tmpdir, "app-20261124T010201Z-a.sqlite3", "1", STAGING);
	touch_rec(tmpdir, "app-20261124T010202Z-b.sqlite3", "2", STAGING);
	touch_rec(tmpdir, "app-20261124T010203Z-c.sqlite3", "3", STAGING);
	touch_rec(tmpdir, "app-20261124T010100Z-a.sqlite3", "p", PROD);
	touch(tmpdir, "app-20261124T010000Z-a.sqlite3", "old");
	touch_rec(tmpdir, "app-20261124T010200Z-z.pgdump", "4", STAGING);
	touch_rec(tmpdir, "shop-20261124T010100Z-a.sqlite3", "5", PROD);
	touch(tmpdir, "app-old.sqlite3", "6");
	touch(tmpdir, "app.db", "7");
	assert_int_equal(dbrev_backup_prune(tmpdir, STAGING, "app",
	    DBREV_BACKUP_SQLITE, 2, &removed, &unrecorded, &e), 0);
	assert_non_null(removed);
	assert_non_null(removed[0]);
	assert_non_null(strstr(removed[0], "app-20261124T010201Z-a.sqlite3"));
	assert_null(removed[1]);
	for (i = 0; removed[i] != NULL; i++)
		free(removed[i]);
	free(removed);
	assert_int_equal(unrecorded, 1);
	assert_false(exists(tmpdir, "app-20261124T010201Z-a.sqlite3"));
	assert_true(exists(tmpdir, "app-20261124T010202Z-b.sqlite3"));
	assert_true(exists(tmpdir, "app-20261124T010203Z-c.sqlite3"));
	assert_true(exists(tmpdir, "app-20261124T010100Z-a.sqlite3"));
	assert_true(exists(tmpdir, "app-20261124T010000Z-a.sqlite3"));
	assert_true(exists(tmpdir, "app-20261124T010200Z-z.pgdump"));
	assert_true(exists(tmpdir, "shop-20261124T010100Z-a.sqlite3"));
	assert_true(exists(tmpdir, "app-old.sqlite3"));
	assert_true(exists(tmpdir, "app.db"));
	/* Prod's only backup stays at --keep 1 of staging; prod's own... */
	assert_int_equal(dbrev_backup_prune(tmpdir, STAGING, "app",
	    DBREV_BACKUP_SQLITE, 1, NULL, NULL, &e), 0);
	assert_true(exists(tmpdir, "app-20261124T010100Z-a.sqlite3"));
	assert_false(exists(tmpdir, "app-20261124T010202Z-b.sqlite3"));
	/* ...goes by its record, not its name. */
	assert_int_equal(dbrev_backup_prune(tmpdir, PROD, "app",
	    DBREV_BACKUP_SQLITE, 1, NULL, NULL, &e), 0);
	assert_false(exists(tmpdir, "app-20261124T010100Z-a.sqlite3"));
	assert_true(exists(tmpdir, "shop-20261124T010100Z-a.sqlite3"));
	assert_true(exists(tmpdir, "app-20261124T010203Z-c.sqlite3"));
	assert_true(exists(tmpdir, "app-20261124T010000Z-a.sqlite3"));
	assert_false(dbrev_error_isset(&e));
}

static struct dbrev_revision *
rev(const char *id, const char *parents)
{
	struct dbrev_revision *r = NULL;
	struct dbrev_error e;
	char text[512], path[64];

	snprintf(text, sizeof text, "-- revision: %s\n-- parents: %s\n"
	    "-- message: m\n\n-- +upgrade\nSELECT 1;\n-- +downgrade\n"
	    "SELECT 2;\n", id, parents);
	snprintf(path, sizeof path, "versions/%s.sql", id);
	dbrev_error_init(&e);
	if (dbrev_revision_parse(path, text, strlen(text), 0, &r, &e) != 0)
		fail_msg("bad test revision %s: %s", id, e.message);
	return r;
}

static void
test_revision_of(void **state)
{
	struct dbrev_revision *revs[4];
	struct dbrev_graph *g = NULL;
	struct dbrev_error e;
	struct dbrev_applied rows[4];
	char *s;

	(void)state;
	dbrev_error_init(&e);
	/* a <- b, a <- c (two branches), b + c <- d (their merge) */
	revs[0] = rev("aaa", "");
	revs[1] = rev("bbb", "aaa");
	revs[2] = rev("ccc", "aaa");
	revs[3] = rev("ddd", "bbb ccc");
	assert_int_equal(dbrev_graph_build(revs, 4, &g, &e), 0);
	memset(rows, 0, sizeof rows);
	rows[0].revision = (char *)"aaa";
	rows[1].revision = (char *)"ccc";
	rows[2].revision = (char *)"bbb";
	rows[3].revision = (char *)"ddd";

	s = dbrev_backup_revision_of(rows, 0, g);
	assert_string_equal(s, "base");
	free(s);
	s = dbrev_backup_revision_of(rows, 1, g);
	assert_string_equal(s, "aaa");
	free(s);
	s = dbrev_backup_revision_of(rows, 2, g);
	assert_string_equal(s, "ccc");
	free(s);
	/* Two heads applied: both, in apply order. */
	s = dbrev_backup_revision_of(rows, 3, g);
	assert_string_equal(s, "bbb+ccc");
	free(s);
	s = dbrev_backup_revision_of(rows, 4, g);
	assert_string_equal(s, "ddd");
	free(s);
	/* A revision still in progress is not applied. */
	rows[3].state = DBREV_ROW_IN_PROGRESS;
	s = dbrev_backup_revision_of(rows, 4, g);
	assert_string_equal(s, "bbb+ccc");
	free(s);
	rows[0].state = DBREV_ROW_IN_PROGRESS;
	s = dbrev_backup_revision_of(rows, 1, g);
	assert_string_equal(s, "base");
	free(s);
	rows[0].state = rows[3].state = DBREV_ROW_APPLIED;
	/* No graph: the most recently applied row. */
	s = dbrev_backup_revision_of(rows, 3, NULL);
	assert_string_equal(s, "bbb");
	free(s);
	/* A row the graph does not know: the same fallback. */
	rows[1].revision = (char *)"zzz";
	s = dbrev_backup_revision_of(rows, 3, g);
	assert_string_equal(s, "bbb");
	free(s);
	/* Whatever a table holds, a name gets only safe characters. */
	rows[2].revision = (char *)"../x y";
	s = dbrev_backup_revision_of(rows, 3, NULL);
	assert_string_equal(s, "___x_y");
	free(s);
	dbrev_graph_free(g);
}

static void
test_tmpfile(void **state)
{
	struct dbrev_tmpfile t, u;
	struct dbrev_error e;
	struct stat st;
	char final[512];
	const char *base;

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_tmpfile_open(tmpdir, &t, &e), 0);
	assert_true(t.fd >= 0);
	base = strrchr(t.path, '/') + 1;
	assert_int_equal(strncmp(base, ".dbbackup-", 10), 0);
	assert_int_equal(fstat(t.fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(write(t.fd, "hello", 5), 5);
	snprintf(final, sizeof final, "%s/final.sqlite3", tmpdir);
	assert_int_equal(dbrev_tmpfile_commit(&t, final, &e), 0);
	dbrev_tmpfile_discard(&t);
	assert_int_equal(stat(final, &st), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Never replaces: 1, and both files stay as they were. */
	assert_int_equal(dbrev_tmpfile_open(tmpdir, &u, &e), 0);
	assert_int_equal(write(u.fd, "other!", 6), 6);
	assert_int_equal(dbrev_tmpfile_commit(&u, final, &e), 1);
	assert_int_equal(stat(final, &st), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(access(u.path, F_OK), 0);
	{
		char *p = dbrev_xstrdup(u.path);

		dbrev_tmpfile_discard(&u);
		assert_int_equal(access(p, F_OK), -1);
		free(p);
	}
	assert_false(dbrev_error_isset(&e));

	/* A directory that is not there: a clear error. */
	snprintf(final, sizeof final, "%s/missing/dir", tmpdir);
	assert_int_equal(dbrev_tmpfile_open(final, &t, &e), -1);
	th_error_has(&e, "cannot create a file in");
	dbrev_error_clear(&e);
}

/*
 * mkstemps as libc's, except that with raise_in_mkstemps set it sends
 * SIGTERM the moment the file exists: the worst time for a signal.
 */
static int raise_in_mkstemps;
static int handled;

int
mkstemps(char *template, int suffixlen)
{
	int (*real)(char *, int);
	int fd;

	real = (int (*)(char *, int))dlsym(RTLD_NEXT, "mkstemps");
	fd = real(template, suffixlen);
	if (fd != -1 && raise_in_mkstemps)
		raise(SIGTERM);
	return fd;
}

static void
on_term(int sig)
{
	(void)sig;
	dbrev_backup_interrupted();
	handled++;
}

static void
test_tmpfile_signal(void **state)
{
	struct dbrev_tmpfile t;
	struct dbrev_error e;
	struct sigaction sa, old;

	(void)state;
	dbrev_error_init(&e);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGTERM, &sa, &old), 0);
	handled = 0;
	raise_in_mkstemps = 1;
	assert_int_equal(dbrev_tmpfile_open(tmpdir, &t, &e), 0);
	raise_in_mkstemps = 0;
	/* The signal waited until the handler knew the file: it is gone. */
	assert_int_equal(handled, 1);
	assert_int_equal(access(t.path, F_OK), -1);
	dbrev_tmpfile_discard(&t);
	assert_int_equal(sigaction(SIGTERM, &old, NULL), 0);
	assert_false(dbrev_error_isset(&e));
}

static void
test_sniff(void **state)
{
	enum dbrev_backup_kind k;
	struct dbrev_error e;
	char path[512];
	FILE *f;

	(void)state;
	dbrev_error_init(&e);
	snprintf(path, sizeof path, "%s/a", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite("SQLite format 3\0\x10\0", 1, 18, f);
	fclose(f);
	assert_int_equal(dbrev_backup_sniff(path, &k, &e), 0);
	assert_int_equal(k, DBREV_BACKUP_SQLITE);
	touch(tmpdir, "b", "PGDMP\x01\x0e");
	snprintf(path, sizeof path, "%s/b", tmpdir);
	assert_int_equal(dbrev_backup_sniff(path, &k, &e), 0);
	assert_int_equal(k, DBREV_BACKUP_PGDUMP);
	touch(tmpdir, "c", "CREATE TABLE t (x);\n");
	snprintf(path, sizeof path, "%s/c", tmpdir);
	assert_int_equal(dbrev_backup_sniff(path, &k, &e), 0);
	assert_int_equal(k, DBREV_BACKUP_NONE);
	touch(tmpdir, "d", "");
	snprintf(path, sizeof path, "%s/d", tmpdir);
	assert_int_equal(dbrev_backup_sniff(path, &k, &e), 0);
	assert_int_equal(k, DBREV_BACKUP_NONE);
	snprintf(path, sizeof path, "%s/none", tmpdir);
	assert_int_equal(dbrev_backup_sniff(path, &k, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_RUNTIME);
	dbrev_error_clear(&e);
}

/* A failed operation leaves nothing in its result (nothing to free). */
static void
test_result_on_failure(void **state)
{
	struct dbrev_backup_result res;
	struct dbrev_error e;
	char bad[512], good[512], url[600];
	sqlite3 *db;
	FILE *f;

	(void)state;
	dbrev_error_init(&e);
	snprintf(bad, sizeof bad, "%s/bad.sqlite3", tmpdir);
	f = fopen(bad, "w");
	assert_non_null(f);
	fwrite("SQLite format 3\0\x10\0", 1, 18, f);
	fclose(f);
	assert_int_equal(dbrev_backup_verify(NULL, bad, NULL, &res, &e), -1);
	assert_null(res.path);
	assert_null(res.detail);
	th_error_has(&e, "truncated");
	dbrev_error_clear(&e);

	/* Verifies, but the database cannot be opened. */
	snprintf(good, sizeof good, "%s/good.sqlite3", tmpdir);
	assert_int_equal(sqlite3_open(good, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	snprintf(url, sizeof url, "sqlite:%s/no/such/dir/app.db", tmpdir);
	assert_int_equal(dbrev_backup_restore(url, good, NULL, &res, &e), -1);
	assert_null(res.path);
	assert_null(res.detail);
	assert_null(res.revision);
	dbrev_error_clear(&e);
}

static void
test_url_label(void **state)
{
	struct dbrev_error e;
	char *s;

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_backup_url_label("sqlite:data/app.db", &s, &e),
	    0);
	assert_string_equal(s, "app");
	free(s);
	assert_int_equal(dbrev_backup_url_label("sqlite:///srv/x.y.sqlite3",
	    &s, &e), 0);
	assert_string_equal(s, "x.y");
	free(s);
	assert_int_equal(dbrev_backup_url_label("sqlite:noext", &s, &e), 0);
	assert_string_equal(s, "noext");
	free(s);
#if DBREV_WITH_POSTGRES
	assert_int_equal(dbrev_backup_url_label(
	    "postgresql://u:pw@h:5/shop?sslmode=disable", &s, &e), 0);
	assert_string_equal(s, "shop");
	free(s);
	assert_int_equal(dbrev_backup_url_label("host=/tmp dbname=my_db",
	    &s, &e), 0);
	assert_string_equal(s, "my_db");
	free(s);
#endif
	assert_false(dbrev_error_isset(&e));
	assert_int_equal(dbrev_backup_url_label("mysql://x/y", &s, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_backup_url_label(NULL, &s, &e), -1);
	dbrev_error_clear(&e);
}

static void
test_record(void **state)
{
	struct dbrev_backup_record r, back;
	struct dbrev_error e;
	char path[512], *text, *buf;
	size_t len, start = 99;
	struct stat st;
	off_t end;
	int fd;

	(void)state;
	dbrev_error_init(&e);
	memset(&r, 0, sizeof r);
	/* A path may hold anything but a NUL; it reads back the same. */
	r.database = (char *)"sqlite:///srv/a b/50%\n\r\t\001\177\303\251.db";
	r.revision = (char *)"a1+b2";
	r.taken = (char *)"2026-11-24T01:02:03Z";
	text = dbrev_backup_record_encode(&r, &len);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "database: sqlite:///srv/a b/50%25%0A"
	    "%0D%09%01%7F\303\251.db\n"));
	assert_null(strstr(text, "dbrev:"));	/* NULL: left out */
	buf = dbrev_xcalloc(len + 10, 1);
	memcpy(buf, "0123456789", 10);
	memcpy(buf + 10, text, len);
	assert_int_equal(dbrev_backup_record_decode(buf, len + 10, &back,
	    &start), 1);
	assert_int_equal(start, 10);
	assert_string_equal(back.database, r.database);
	assert_string_equal(back.revision, "a1+b2");
	assert_string_equal(back.taken, r.taken);
	assert_null(back.dbrev);
	dbrev_backup_record_free(&back);
	/* No record; then a record damaged in its body, in its last line. */
	assert_int_equal(dbrev_backup_record_decode(buf, 10, &back, NULL), 0);
	buf[10 + 30] ^= 1;
	assert_int_equal(dbrev_backup_record_decode(buf, len + 10, &back,
	    NULL), -1);
	buf[10 + 30] ^= 1;
	buf[len + 10 - 3] = buf[len + 10 - 3] == '0' ? '1' : '0';
	assert_int_equal(dbrev_backup_record_decode(buf, len + 10, &back,
	    NULL), -1);
	/* Cut: no record at all. */
	assert_int_equal(dbrev_backup_record_decode(buf, len + 9, &back,
	    NULL), 0);
	free(buf);
	free(text);

	/* Appended to a file, padded to whole 4096-byte pages. */
	touch(tmpdir, "b.sqlite3", "0123456789");
	snprintf(path, sizeof path, "%s/b.sqlite3", tmpdir);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(dbrev_backup_record_append(fd, &r, 4096, &e), 0);
	close(fd);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size % 4096, 0);
	assert_int_equal(dbrev_backup_record_read(path, &back, &end, &e),
	    DBREV_RECORD_OK);
	assert_string_equal(back.database, r.database);
	assert_true(end >= 10 && end < 4096);
	dbrev_backup_record_free(&back);
	/* A file without one: all of it is data. */
	touch(tmpdir, "old.sqlite3", "0123456789");
	snprintf(path, sizeof path, "%s/old.sqlite3", tmpdir);
	assert_int_equal(dbrev_backup_record_read(path, &back, &end, &e),
	    DBREV_RECORD_NONE);
	assert_int_equal(end, 10);
	/* One whose body was overwritten. */
	touch_rec(tmpdir, "bad.sqlite3", "xx", PROD);
	snprintf(path, sizeof path, "%s/bad.sqlite3", tmpdir);
	fd = open(path, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, 20), 1);
	close(fd);
	assert_int_equal(dbrev_backup_record_read(path, &back, &end, &e),
	    DBREV_RECORD_DAMAGED);
	snprintf(path, sizeof path, "%s/nope.sqlite3", tmpdir);
	assert_int_equal(dbrev_backup_record_read(path, &back, &end, &e), -1);
	dbrev_error_clear(&e);
}

/* The identity of url, or NULL; the error is dropped. */
static char *
ident(const char *url)
{
	struct dbrev_error e;
	char *id = NULL;

	dbrev_error_init(&e);
	if (dbrev_backup_identity(url, &id, &e) == -1)
		id = NULL;
	dbrev_error_clear(&e);
	return id;
}

static void
assert_ident(const char *url, const char *want)
{
	char *id = ident(url);

	if (id == NULL || strcmp(id, want) != 0)
		fail_msg("identity of %s: %s, expected %s", url,
		    id != NULL ? id : "(error)", want);
	free(id);
}

static void
test_identity_sqlite(void **state)
{
	char real[512], url[1024], want[1024], cwd[512];
	char *id;

	(void)state;
	assert_non_null(realpath(tmpdir, real));
	touch(tmpdir, "app.db", "x");
	snprintf(url, sizeof url, "sqlite:%s/app.db", tmpdir);
	snprintf(want, sizeof want, "sqlite://%s/app.db", real);
	assert_ident(url, want);
	snprintf(url, sizeof url, "sqlite://%s/./sub/../app.db", tmpdir);
	assert_non_null(getcwd(cwd, sizeof cwd));
	/* sub does not exist: resolved by name below what does. */
	assert_ident(url, want);
	/* A relative path, from the current directory. */
	assert_int_equal(chdir(tmpdir), 0);
	assert_ident("sqlite:app.db", want);
	assert_ident("sqlite:./app.db", want);
	/* A symbolic link names the file it points to. */
	assert_int_equal(symlink("app.db", "link.db"), 0);
	assert_ident("sqlite:link.db", want);
	/* Also one pointing to a file not there yet. */
	assert_int_equal(symlink("later.db", "dangling.db"), 0);
	snprintf(want, sizeof want, "sqlite://%s/later.db", real);
	assert_ident("sqlite:dangling.db", want);
	assert_ident("sqlite:later.db", want);
	/* Staging and prod are two databases. */
	assert_int_equal(mkdir("staging", 0700), 0);
	assert_int_equal(mkdir("prod", 0700), 0);
	snprintf(want, sizeof want, "sqlite://%s/staging/app.db", real);
	assert_ident("sqlite:staging/app.db", want);
	snprintf(want, sizeof want, "sqlite://%s/prod/app.db", real);
	assert_ident("sqlite:prod/app.db", want);
	assert_int_equal(chdir(cwd), 0);
	assert_null(ident("sqlite::memory:"));
	assert_null(ident("sqlite:///."));
	assert_null(ident(NULL));
	assert_null(ident("mysql://h/db"));
	id = ident("sqlite:///no/such/dir/x.db");
	assert_string_equal(id, "sqlite:///no/such/dir/x.db");
	free(id);
}

#if DBREV_WITH_POSTGRES
static void
test_identity_postgres(void **state)
{
	static const char *const vars[] = {
		"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER",
		"PGSERVICE", NULL
	};
	char url[1024], real[512];
	size_t i;

	(void)state;
	for (i = 0; vars[i] != NULL; i++)
		unsetenv(vars[i]);
	setenv("PGUSER", "me", 1);
	/* One server and database, spelled many ways. */
	assert_ident("postgresql://db.example.com/shop",
	    "postgresql://db.example.com:5432/shop");
	assert_ident("postgres://u:secret@DB.Example.COM.:05432/shop"
	    "?sslmode=require&application_name=x",
	    "postgresql://db.example.com:5432/shop");
	assert_ident("host=db.example.com port=5432 dbname=shop user=u "
	    "password=secret", "postgresql://db.example.com:5432/shop");
	assert_ident("postgresql://localhost/shop",
	    "postgresql://localhost:5432/shop");
	assert_ident("postgresql://127.0.0.1/shop",
	    "postgresql://localhost:5432/shop");
	assert_ident("postgresql://[::1]/shop",
	    "postgresql://localhost:5432/shop");
	assert_ident("hostaddr=127.0.0.1 dbname=shop",
	    "postgresql://localhost:5432/shop");
	assert_ident("postgresql://[fe80::1]:6000/shop",
	    "postgresql://[fe80%3A%3A1]:6000/shop");
	/* Two servers, two databases of one name. */
	assert_ident("postgresql://db1/shop", "postgresql://db1:5432/shop");
	assert_ident("postgresql://db1:5433/shop",
	    "postgresql://db1:5433/shop");
	/* Several hosts, in any order. */
	assert_ident("postgresql://b:2,a:1/x", "postgresql://a:1,b:2/x");
	assert_ident("host=b,a port=2,1 dbname=x", "postgresql://a:1,b:2/x");
	assert_ident("host=a,b port=7 dbname=x", "postgresql://a:7,b:7/x");
	assert_null(ident("host=a,b port=1,2,3 dbname=x"));
	/* A socket directory, resolved like a path. */
	assert_non_null(realpath(tmpdir, real));
	snprintf(url, sizeof url, "postgresql:///shop?host=%s/", tmpdir);
	{
		struct dbrev_buf b = { 0 };
		const char *p;

		dbrev_buf_puts(&b, "postgresql://");
		for (p = real; *p != '\0'; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    strchr("-._~", *p) != NULL)
				dbrev_buf_add(&b, p, 1);
			else
				dbrev_buf_printf(&b, "%%%02X",
				    (unsigned char)*p);
		dbrev_buf_puts(&b, ":5432/shop");
		assert_ident(url, b.data);
		snprintf(url, sizeof url, "host=%s/. dbname=shop", tmpdir);
		assert_ident(url, b.data);
		/* The same from PGHOST, and its identity is itself. */
		setenv("PGHOST", tmpdir, 1);
		assert_ident("postgresql:///shop", b.data);
		assert_ident(b.data, b.data);
		unsetenv("PGHOST");
		dbrev_buf_free(&b);
	}
	/* libpq's defaults: PGPORT, PGDATABASE, else the user's name. */
	assert_ident("postgresql://h", "postgresql://h:5432/me");
	setenv("PGPORT", "6432", 1);
	setenv("PGDATABASE", "envdb", 1);
	assert_ident("postgresql://h", "postgresql://h:6432/envdb");
	assert_ident("postgresql://h:1/d", "postgresql://h:1/d");
	unsetenv("PGPORT");
	unsetenv("PGDATABASE");
	/* No host: libpq's own socket directory. */
	assert_ident("postgresql:///shop", "postgresql://:5432/shop");
	/* A service file's entry is only libpq's to read. */
	assert_ident("postgresql:///shop?service=prod",
	    "postgresql://:5432/shop?service=prod");
	/* Names that need quoting stay one identity. */
	assert_ident("host=h dbname='my db/x'", "postgresql://h:5432/my%20db%2Fx");
	assert_null(ident("postgresql://h:5432/shop?nosuchoption=1"));
}
#endif

static void
test_oneline(void **state)
{
	static const struct { const char *in; int join; const char *out; }
	    cases[] = {
		{ "backups/app.sqlite3", 0, "backups/app.sqlite3" },
		{ "evil\nname\t.db", 0, "evil\\nname\\t.db" },
		{ "a\rb\001c\177", 0, "a\\rb\\x01c\\x7f" },
		{ "*** x ***\nPage 4: bad\r\nPage 5: worse\n", 1,
		    "*** x ***; Page 4: bad; Page 5: worse" },
		{ "\n\nlead", 1, "lead" },
		{ "tab\there\001", 1, "tab here\\x01" },
		{ "", 1, "" },
	};
	struct dbrev_error e = { 0 };
	char buf[256];
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = dbrev_backup_oneline(cases[i].in, cases[i].join);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	/* file: what is wrong; what to do, on one line. */
	assert_int_equal(dbrev_backup_file_error(&e, DBREV_ERR_RUNTIME,
	    "b\nx.sqlite3", "take\na new one", "corrupt backup: %s",
	    "*** in\nPage 2"), -1);
	assert_string_equal(dbrev_error_format(&e, buf, sizeof buf),
	    "b\\nx.sqlite3: corrupt backup: *** in; Page 2; take; a new one");
	assert_int_equal(e.kind, DBREV_ERR_RUNTIME);
	dbrev_error_clear(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test_setup_teardown(test_list, setup_dir,
		    teardown_dir),
		cmocka_unit_test(test_prune_select),
		cmocka_unit_test_setup_teardown(test_prune, setup_dir,
		    teardown_dir),
		cmocka_unit_test(test_revision_of),
		cmocka_unit_test_setup_teardown(test_tmpfile, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_tmpfile_signal, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_sniff, setup_dir,
		    teardown_dir),
		cmocka_unit_test(test_url_label),
		cmocka_unit_test(test_oneline),
		cmocka_unit_test_setup_teardown(test_record, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_identity_sqlite,
		    setup_dir, teardown_dir),
#if DBREV_WITH_POSTGRES
		cmocka_unit_test_setup_teardown(test_identity_postgres,
		    setup_dir, teardown_dir),
#endif
		cmocka_unit_test_setup_teardown(test_result_on_failure,
		    setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
