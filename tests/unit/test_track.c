/*
 * test_track.c - "is the database at head", as make's db-upgrade asks
 * it (dbrev/track.h), on SQLite files in a temporary directory: the
 * verdicts, what the state directory spares (the graph, the open), and
 * every way it must not be fooled: a file put back with an older copy,
 * replaced by another, changed in WAL mode, edited revisions, rows in
 * progress or unknown, garbage in the state directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "dbrev/apply.h"
#include "dbrev/track.h"

#include "helpers.h"

static char	 tmp[256];
static char	 dir[300];
static char	 dbfile[300];
static char	 state[300];
static char	 url[320];

static int
setup(void **st)
{
	char path[512];

	(void)st;
	snprintf(tmp, sizeof(tmp), "%s/dbrev-track.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmp));
	snprintf(dir, sizeof(dir), "%s/m", tmp);
	snprintf(path, sizeof(path), "%s/versions", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(dbfile, sizeof(dbfile), "%s/app.db", tmp);
	snprintf(url, sizeof(url), "sqlite:%s", dbfile);
	snprintf(state, sizeof(state), "%s/state", tmp);
	th_write_rev(dir, "aaa", "", "CREATE TABLE a (x);", "SELECT 1;");
	th_write_rev(dir, "bbb", "aaa", "CREATE TABLE b (x);", "SELECT 1;");
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	th_rmtree(tmp);
	return 0;
}

static void
sql(const char *text)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(dbfile, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
options(struct dbrev_apply_options *o)
{
	dbrev_apply_options_init(o);
	o->dir = dir;
	o->url = url;
}

static void
upgrade(const char *target)
{
	struct dbrev_apply_options o;
	struct dbrev_apply_result r;
	struct dbrev_error e = { 0 };

	options(&o);
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, target, &r, &e),
	    0);
	dbrev_apply_result_free(&r);
}

/* The verdict, and whether it was known without opening the database. */
static enum dbrev_track_verdict
check(const char *sdir, int *known)
{
	struct dbrev_apply_options o;
	struct dbrev_track t;
	struct dbrev_error e = { 0 };
	enum dbrev_track_verdict v;

	options(&o);
	if (dbrev_track_check(&o, sdir, &t, &e) != 0)
		fail_msg("dbrev_track_check: %s", e.message);
	v = t.verdict;
	if (known != NULL)
		*known = t.known;
	dbrev_track_free(&t);
	return v;
}

/*
 * Wait until what was just written is older than the clock tick that
 * stamped it (see too_recent in lib/track.c): then it can be remembered.
 * Sleeping longer is harmless; the wait only has a lower bound.
 */
static void
settle(void)
{
	struct timespec ts = { 0, 150000000L };
	struct stat sb;

	if (stat(dbfile, &sb) == 0 && sb.st_ctim.tv_nsec == 0)
		ts.tv_sec = 2;
	nanosleep(&ts, NULL);
}

/* cp -p: the same bytes and mtime, written into the same inode. */
static void
copy_p(const char *from, const char *to)
{
	char buf[8192];
	struct stat sb;
	struct timespec t[2];
	ssize_t n;
	int in, out;

	assert_int_equal(stat(from, &sb), 0);
	in = open(from, O_RDONLY);
	out = open(to, O_WRONLY | O_TRUNC | O_CREAT, 0644);
	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	t[0] = sb.st_atim;
	t[1] = sb.st_mtim;
	assert_int_equal(futimens(out, t), 0);
	close(in);
	close(out);
}

static void
test_digest(void **st)
{
	char *ids1[] = { "b", "a" }, *sums1[] = { "2", "1" };
	char *ids2[] = { "a", "b" }, *sums2[] = { "1", "2" };
	char *sums3[] = { "1", "3" };
	char d1[65], d2[65], d3[65], d0[65];

	(void)st;
	dbrev_track_digest(ids1, sums1, 2, d1);
	dbrev_track_digest(ids2, sums2, 2, d2);
	dbrev_track_digest(ids2, sums3, 2, d3);
	dbrev_track_digest(NULL, NULL, 0, d0);
	assert_string_equal(d1, d2);		/* order does not count */
	assert_string_not_equal(d2, d3);	/* a checksum does */
	assert_string_not_equal(d0, d2);
	assert_int_equal(strlen(d0), 64);
}

static void
test_parse_state(void **st)
{
	static const char *const keys[] = { "graph", "heads", "files" };
	static const char *const dbkeys[] = { "graph", "file" };
	const char *v[3];
	char *copy, good[400], h[65];

	(void)st;
	memset(h, 'a', 64);
	h[64] = '\0';
	snprintf(good, sizeof(good), "dbrev-state 1\ngraph %s\n"
	    "heads abc d_1\nfiles 12\n", h);
	assert_int_equal(dbrev_track_parse_state(good, strlen(good), keys, 3,
	    v, &copy), 0);
	assert_string_equal(v[1], "abc d_1");
	assert_string_equal(v[2], "12");
	free(copy);
	snprintf(good, sizeof(good), "dbrev-state 1\ngraph %s\nheads \n"
	    "files 0\n", h);
	assert_int_equal(dbrev_track_parse_state(good, strlen(good), keys, 3,
	    v, &copy), 0);
	assert_string_equal(v[1], "");
	free(copy);
	snprintf(good, sizeof(good), "dbrev-state 1\ngraph %s\nfile 00ff\n", h);
	assert_int_equal(dbrev_track_parse_state(good, strlen(good), dbkeys,
	    2, v, &copy), 0);
	free(copy);
	/* Anything else is not a state: each of these is refused. */
	{
		const char *bad[] = {
			"",
			"dbrev-state 2\n",
			"dbrev-state 1\ngraph x\nheads a\nfiles 1\n",
			"dbrev-state 1\nheads a\ngraph %s\nfiles 1\n",
			"dbrev-state 1\ngraph %s\nheads a\nfiles 1",
			"dbrev-state 1\ngraph %s\nheads a\nfiles 1\nmore\n",
			"dbrev-state 1\ngraph %s\nheads a;id\nfiles 1\n",
			"dbrev-state 1\ngraph %s\nheads a  b\nfiles 1\n",
			"dbrev-state 1\ngraph %s\nheads $(shell x)\nfiles 1\n",
			"dbrev-state 1\ngraph %sA\nheads a\nfiles 1\n",
			"dbrev-state 1\ngraph %s\nheads head\nfiles 1\n",
			"dbrev-state 1\ngraph %s\nheads a\nfiles 01\n",
			"dbrev-state 1\ngraph %s\nheads a\nfiles -1\n",
			"dbrev-state 1\ngraph %s\nheads a\nfiles 1x\n",
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(good, sizeof(good), bad[i], h);
			assert_int_equal(dbrev_track_parse_state(good,
			    strlen(good), keys, 3, v, &copy), -1);
			assert_null(copy);
		}
		snprintf(good, sizeof(good), "dbrev-state 1\ngraph %s\n"
		    "file 0f0\n", h);
		assert_int_equal(dbrev_track_parse_state(good, strlen(good),
		    dbkeys, 2, v, &copy), -1);
		memcpy(good, "dbrev-state 1\0\n", 15);
		assert_int_equal(dbrev_track_parse_state(good, 15, keys, 1,
		    v, &copy), -1);
	}
}

/* State file names: one per text, made of safe characters. */
static void
test_state_name(void **st)
{
	const char *texts[] = { "sqlite:a/b.db", "sqlite:a_b.db",
	    "sqlite:a__b.db", "sqlite:a_2fb.db", "migrations", "my dir/m",
	    "postgresql:///db?options=-csearch_path%3Dt1",
	    "postgresql:///db?options=-csearch_path%3Dt2" };
	struct dbrev_buf b[8];
	char longer[400];
	size_t i, j;

	(void)st;
	for (i = 0; i < 8; i++) {
		memset(&b[i], 0, sizeof(b[i]));
		dbrev_track_state_name(&b[i], "db-", texts[i]);
		assert_null(strpbrk(b[i].data, "/ :?%=;$#'\""));
		for (j = 0; j < i; j++)
			assert_string_not_equal(b[i].data, b[j].data);
	}
	assert_string_equal(b[0].data, "db-sqlite_3aa_2fb.db");
	assert_string_equal(b[1].data, "db-sqlite_3aa__b.db");
	for (i = 0; i < 8; i++)
		dbrev_buf_free(&b[i]);
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memset(&b[0], 0, sizeof(b[0]));
	dbrev_track_state_name(&b[0], "graph-", longer);
	assert_int_equal(strlen(b[0].data), 6 + 2 + 64);
	assert_memory_equal(b[0].data, "graph-_h", 8);
	dbrev_buf_free(&b[0]);
}

static void
test_verdicts(void **st)
{
	int known;

	(void)st;
	/* No file yet: pending, and looking does not create it. */
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	assert_int_equal(access(dbfile, F_OK), -1);
	upgrade("aaa");
	assert_int_equal(check(state, NULL), DBREV_TRACK_PENDING);
	assert_int_equal(check(NULL, NULL), DBREV_TRACK_PENDING);
	upgrade(NULL);
	assert_int_equal(check(NULL, NULL), DBREV_TRACK_AT_HEAD);
	assert_int_equal(check(state, NULL), DBREV_TRACK_AT_HEAD);
	/* A row in progress, an edited revision, an unknown row. */
	sql("UPDATE dbrev_revisions SET state = 'in_progress' "
	    "WHERE revision = 'bbb'");
	assert_int_equal(check(state, NULL), DBREV_TRACK_TROUBLE);
	sql("UPDATE dbrev_revisions SET state = 'applied'");
	assert_int_equal(check(state, NULL), DBREV_TRACK_AT_HEAD);
	sql("UPDATE dbrev_revisions SET checksum = 'x' WHERE revision = 'aaa'");
	assert_int_equal(check(state, NULL), DBREV_TRACK_TROUBLE);
	sql("DELETE FROM dbrev_revisions WHERE revision = 'aaa'");
	sql("INSERT INTO dbrev_revisions VALUES ('zzz', 'x', 'applied', '')");
	assert_int_equal(check(state, NULL), DBREV_TRACK_TROUBLE);
}

static void
test_known_when_unchanged(void **st)
{
	char path[512];
	int known;

	(void)st;
	upgrade(NULL);
	settle();
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_false(known);		/* read, then remembered */
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_true(known);
	/*
	 * Not opened: with another connection holding an exclusive lock, a
	 * read would wait out the busy timeout (60 s) and fail; this is
	 * answered at once.
	 */
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(dbfile, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL,
		    NULL, NULL), SQLITE_OK);
		assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
		assert_true(known);
		assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL,
		    NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	sql("INSERT INTO a VALUES (1)");	/* any write */
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_false(known);
	/* A new revision: the graph is read again, and it is pending. */
	th_write_rev(dir, "ccc", "bbb", "CREATE TABLE c (x);", "SELECT 1;");
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	assert_false(known);
	upgrade(NULL);
	/* An edited comment only: the same at-head digest. */
	snprintf(path, sizeof(path), "%s/versions/ccc_x.sql", dir);
	{
		FILE *f = fopen(path, "a");

		assert_non_null(f);
		fputs("-- a comment\n", f);
		fclose(f);
	}
	settle();
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_false(known);
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_true(known);
	/* An applied revision edited, the same size: not at head. */
	th_write_rev(dir, "ccc", "bbb", "CREATE TABLE d (x);", "SELECT 1;");
	assert_int_equal(check(state, &known), DBREV_TRACK_TROUBLE);
	assert_false(known);
}

/*
 * Every way of putting an older copy back is another file, even when
 * the copy has the same size and an older mtime: ccc only adds a row.
 */
static void
test_replaced_by_older_copy(void **st)
{
	char old[512], tmpf[512];
	struct stat a, b;
	int known, how;

	(void)st;
	th_write_rev(dir, "ccc", "bbb", "INSERT INTO a VALUES (1);", "SELECT 1;");
	snprintf(old, sizeof(old), "%s/old.db", tmp);
	snprintf(tmpf, sizeof(tmpf), "%s/.app.db.tmp", tmp);
	for (how = 0; how < 2; how++) {
		unlink(dbfile);
		upgrade("bbb");
		copy_p(dbfile, old);	/* a backup at bbb */
		settle();
		upgrade(NULL);
		settle();
		assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
		assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
		assert_true(known);
		assert_int_equal(stat(old, &a), 0);
		assert_int_equal(stat(dbfile, &b), 0);
		assert_int_equal(a.st_size, b.st_size);
		if (how == 0)
			copy_p(old, dbfile);	/* cp -p: same inode */
		else {
			copy_p(old, tmpf);	/* rsync -a, mv: new inode */
			assert_int_equal(rename(tmpf, dbfile), 0);
		}
		assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
		assert_false(known);
	}
}

/* Two version tables in one file: what one is at says nothing of the other. */
static void
test_two_tables(void **st)
{
	struct dbrev_apply_options o;
	struct dbrev_apply_result r;
	struct dbrev_track t;
	struct dbrev_error e = { 0 };

	(void)st;
	upgrade(NULL);
	settle();
	assert_int_equal(check(state, NULL), DBREV_TRACK_AT_HEAD);
	assert_int_equal(check(state, NULL), DBREV_TRACK_AT_HEAD);
	options(&o);
	o.table = "other_versions";
	assert_int_equal(dbrev_track_check(&o, state, &t, &e), 0);
	assert_int_equal(t.verdict, DBREV_TRACK_PENDING);
	assert_false(t.known);
	dbrev_track_free(&t);
	/* at head for that table too once it is upgraded (no DDL twice) */
	sql("DROP TABLE a; DROP TABLE b");
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, NULL, &r, &e), 0);
	dbrev_apply_result_free(&r);
	assert_int_equal(dbrev_track_check(&o, state, &t, &e), 0);
	assert_int_equal(t.verdict, DBREV_TRACK_AT_HEAD);
	dbrev_track_free(&t);
}

/* In WAL mode a write goes to the -wal file, not to the database file. */
static void
test_wal(void **st)
{
	sqlite3 *db;
	int known;

	(void)st;
	upgrade(NULL);
	sql("PRAGMA journal_mode=WAL");
	/* Keep a connection open, so the WAL is not checkpointed away. */
	assert_int_equal(sqlite3_open(dbfile, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "SELECT 1", NULL, NULL, NULL),
	    SQLITE_OK);
	settle();
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_true(known);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM dbrev_revisions "
	    "WHERE revision = 'bbb'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	assert_false(known);
	sqlite3_close(db);
}

/* Garbage in the state directory is not believed; none is not fatal. */
static void
test_state_not_trusted(void **st)
{
	char path[600], cmd[1400];
	int known;

	(void)st;
	upgrade("aaa");
	settle();
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	/* Overwrite every state file with a plausible lie. */
	snprintf(cmd, sizeof(cmd), "for f in '%s'/*; do printf 'dbrev-state 1\\n"
	    "graph %%064d\\nfile %%064d\\n' 0 0 > \"$f\"; done; "
	    "for f in '%s'/graph-*; do printf 'dbrev-state 1\\ngraph %%064d\\n"
	    "heads aaa\\nfiles 3\\nabc' 0 > \"$f\"; done", state, state);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	assert_false(known);
	/* A state directory that cannot be made: answered all the same. */
	snprintf(path, sizeof(path), "%s/file", tmp);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/file/state", tmp);
	upgrade(NULL);
	assert_int_equal(check(path, &known), DBREV_TRACK_AT_HEAD);
	assert_int_equal(check(path, &known), DBREV_TRACK_AT_HEAD);
	assert_false(known);
}

static void
test_errors(void **st)
{
	struct dbrev_apply_options o;
	struct dbrev_track t;
	struct dbrev_error e = { 0 };
	char path[512];

	(void)st;
	options(&o);
	o.url = NULL;
	assert_int_equal(dbrev_track_check(&o, state, &t, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	dbrev_error_clear(&e);
	o.url = "mysql://x/y";
	assert_int_equal(dbrev_track_check(&o, state, &t, &e), -1);
	dbrev_error_clear(&e);
	/* An invalid graph is the graph's error, named by file. */
	options(&o);
	snprintf(path, sizeof(path), "%s/versions/aaa_x.sql", dir);
	th_write_rev(dir, "ddd", "nope", "SELECT 1;", "SELECT 1;");
	assert_int_equal(dbrev_track_check(&o, state, &t, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	th_error_has(&e, "nope");
	dbrev_error_clear(&e);
}

static void
write_rpt(const char *id, const char *up)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/versions/R__%s.sql", dir, id);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "-- revision: %s\n-- repeatable: yes\n\n-- +upgrade\n%s\n",
	    id, up);
	fclose(f);
}

/*
 * A repeatable is part of "at head": never run, or its file edited
 * since it ran (a repeatable's edit is pending, not trouble), and the
 * remembered state does not hide either; a directory of repeatables
 * alone and no database file is pending too.
 */
static void
test_repeatables(void **st)
{
	char path[512];
	int known;

	(void)st;
	upgrade(NULL);
	settle();
	assert_int_equal(check(state, NULL), DBREV_TRACK_AT_HEAD);
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_true(known);
	write_rpt("view_v", "CREATE VIEW v AS SELECT x FROM a;");
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	assert_false(known);
	upgrade(NULL);
	settle();
	assert_int_equal(check(state, NULL), DBREV_TRACK_AT_HEAD);
	assert_int_equal(check(state, &known), DBREV_TRACK_AT_HEAD);
	assert_true(known);
	write_rpt("view_v", "DROP VIEW v; CREATE VIEW v AS SELECT 1 AS x;");
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	assert_int_equal(check(NULL, NULL), DBREV_TRACK_PENDING);
	upgrade(NULL);
	assert_int_equal(check(state, NULL), DBREV_TRACK_AT_HEAD);
	/* Only repeatables, no database: pending. */
	snprintf(path, sizeof(path), "%s/versions/aaa_x.sql", dir);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/versions/bbb_x.sql", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(unlink(dbfile), 0);
	assert_int_equal(check(state, &known), DBREV_TRACK_PENDING);
	assert_true(known);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_parse_state),
		cmocka_unit_test(test_state_name),
		cmocka_unit_test_setup_teardown(test_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_known_when_unchanged,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaced_by_older_copy,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_tables, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_not_trusted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeatables, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
