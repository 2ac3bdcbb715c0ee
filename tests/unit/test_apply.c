/*
 * test_apply.c - the apply operations through the library, on SQLite
 * files in a temporary directory: progress reports, results, status,
 * offline SQL, and the re-check inside each revision's transaction
 * (a row written by someone else between two revisions).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "dbrev/apply.h"

#include "helpers.h"

static char	 tmp[256];
static char	 dir[300];
static char	 dbfile[300];
static char	 url[320];

static int
setup(void **state)
{
	char path[512];

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/dbrev-apply.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmp));
	snprintf(dir, sizeof(dir), "%s/m", tmp);
	snprintf(path, sizeof(path), "%s/versions", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(dbfile, sizeof(dbfile), "%s/app.db", tmp);
	snprintf(url, sizeof(url), "sqlite:%s", dbfile);
	th_write_rev(dir, "aaa", "", "CREATE TABLE a (x);", "DROP TABLE a;");
	th_write_rev(dir, "bbb", "aaa", "CREATE TABLE b (x);", "DROP TABLE b;");
	th_write_rev(dir, "ccc", "bbb", "CREATE TABLE c (x);", "DROP TABLE c;");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	th_rmtree(tmp);
	return 0;
}

/* Run SQL on the database through a connection of our own. */
static void
sql(const char *text)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(dbfile, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int
count(const char *query)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	assert_int_equal(sqlite3_open(dbfile, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, query, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* What the callback saw, and what it does after the first step. */
struct seen {
	char	 ids[16][8];
	int	 skipped[16];
	int	 n;
	const char *inject;	/* SQL to run after the first step */
};

static void
on_step(void *arg, const struct dbrev_step_report *r)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", r->rev->id);
	s->skipped[s->n] = r->skipped;
	assert_true(r->ms >= 0);
	s->n++;
	if (s->n == 1 && s->inject != NULL)
		sql(s->inject);
}

static void
options(struct dbrev_apply_options *o, struct seen *s)
{
	dbrev_apply_options_init(o);
	o->dir = dir;
	o->url = url;
	o->lock_timeout = 5;
	o->on_step = on_step;
	o->arg = s;
}

static void
test_upgrade_reports_and_result(void **state)
{
	struct dbrev_apply_options o;
	struct dbrev_apply_result res;
	struct dbrev_error e = { 0 };
	struct seen s = { 0 };

	(void)state;
	options(&o, &s);
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, NULL, &res, &e),
	    0);
	assert_int_equal(res.napplied, 3);
	assert_int_equal(res.nskipped, 0);
	assert_int_equal(res.ncurrent, 1);
	assert_string_equal(res.current[0], "ccc");
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], "aaa");
	assert_string_equal(s.ids[2], "ccc");
	dbrev_apply_result_free(&res);

	/* Again: nothing to do, no report. */
	s.n = 0;
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, "heads", &res,
	    &e), 0);
	assert_int_equal(res.napplied, 0);
	assert_int_equal(s.n, 0);
	dbrev_apply_result_free(&res);

	assert_int_equal(dbrev_apply_run(&o, DBREV_DOWNGRADE, "base", &res,
	    &e), 0);
	assert_int_equal(res.napplied, 3);
	assert_int_equal(res.ncurrent, 0);
	assert_string_equal(s.ids[0], "ccc");
	dbrev_apply_result_free(&res);
	assert_int_equal(count("select count(*) from dbrev_revisions"), 0);
}

/*
 * Someone else records the next revision between two of ours: the
 * re-check inside the transaction skips it, and the run succeeds.
 */
static void
test_recheck_skips_what_another_did(void **state)
{
	struct dbrev_apply_options o;
	struct dbrev_apply_result res;
	struct dbrev_error e = { 0 };
	struct seen s = { 0 };

	(void)state;
	options(&o, &s);
	s.inject = "CREATE TABLE b (x); INSERT INTO dbrev_revisions "
	    "(revision, checksum, state) VALUES ('bbb', 'x', 'applied')";
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, "head", &res, &e),
	    0);
	assert_int_equal(res.napplied, 2);
	assert_int_equal(res.nskipped, 1);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[1], "bbb");
	assert_int_equal(s.skipped[1], 1);
	assert_int_equal(s.skipped[2], 0);
	dbrev_apply_result_free(&res);
	assert_int_equal(count("select count(*) from dbrev_revisions"), 3);

	/* Its checksum was made up: accept the file's. */
	assert_int_equal(dbrev_apply_resolve(&o, "bbb", 1, &e), 0);
	assert_int_equal(count("select count(*) from dbrev_revisions where "
	    "revision = 'bbb' and length(checksum) = 64"), 1);

	/* Going down, a row another removed is skipped too. */
	s.n = 0;
	s.inject = "DROP TABLE b; DELETE FROM dbrev_revisions "
	    "WHERE revision = 'bbb'";
	if (dbrev_apply_run(&o, DBREV_DOWNGRADE, "base", &res, &e) == -1)
		fail_msg("%s", e.message);
	assert_int_equal(res.napplied, 2);
	assert_int_equal(res.nskipped, 1);
	dbrev_apply_result_free(&res);
	assert_int_equal(count("select count(*) from sqlite_master where "
	    "name in ('a', 'b', 'c')"), 0);
}

/* A row another run marked in progress stops ours, keeping what ran. */
static void
test_recheck_stops_at_in_progress(void **state)
{
	struct dbrev_apply_options o;
	struct dbrev_apply_result res;
	struct dbrev_error e = { 0 };
	struct seen s = { 0 };

	(void)state;
	options(&o, &s);
	s.inject = "INSERT INTO dbrev_revisions (revision, checksum, state) "
	    "VALUES ('bbb', 'x', 'in_progress')";
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, NULL, &res, &e),
	    -1);
	assert_int_equal(e.kind, DBREV_ERR_RUNTIME);
	th_error_has(&e, "in progress");
	assert_non_null(strstr(e.hint, "revapply resolve bbb"));
	assert_int_equal(res.napplied, 1);
	dbrev_apply_result_free(&res);
	dbrev_error_clear(&e);
	assert_int_equal(count("select count(*) from dbrev_revisions where "
	    "state = 'applied'"), 1);
	assert_int_equal(count("select count(*) from sqlite_master where "
	    "name = 'c'"), 0);

	assert_int_equal(dbrev_apply_resolve(&o, "bbb", 0, &e), 0);
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, NULL, &res, &e),
	    0);
	assert_int_equal(res.napplied, 2);
	dbrev_apply_result_free(&res);
}

static void
test_status_and_stamp(void **state)
{
	struct dbrev_apply_options o;
	struct dbrev_apply_result res;
	struct dbrev_error e = { 0 };
	struct dbrev_status st;
	struct seen s = { 0 };

	(void)state;
	options(&o, &s);
	/* No table yet: nothing applied. */
	assert_int_equal(dbrev_apply_status(&o, &st, &e), 0);
	assert_int_equal(st.nrows, 0);
	assert_int_equal(st.ncurrent, 0);
	dbrev_status_free(&st);

	assert_int_equal(dbrev_apply_stamp(&o, "bbb", &res, &e), 0);
	assert_int_equal(res.napplied, 2);
	assert_string_equal(res.current[0], "bbb");
	dbrev_apply_result_free(&res);
	assert_int_equal(s.n, 0);	/* no SQL ran */
	assert_int_equal(count("select count(*) from sqlite_master where "
	    "name = 'a'"), 0);

	sql("INSERT INTO dbrev_revisions (revision, checksum, state) VALUES "
	    "('gone', 'x', 'applied'); UPDATE dbrev_revisions SET checksum = "
	    "'y' WHERE revision = 'aaa'");
	assert_int_equal(dbrev_apply_status(&o, &st, &e), 0);
	assert_int_equal(st.nrows, 3);
	assert_int_equal(st.ncurrent, 1);
	assert_string_equal(dbrev_graph_at(st.graph, st.current[0])->id,
	    "bbb");
	assert_int_equal(st.nunknown, 1);
	assert_string_equal(st.unknown[0], "gone");
	assert_int_equal(st.edited[dbrev_graph_index(st.graph, "aaa")], 1);
	assert_int_equal(st.edited[dbrev_graph_index(st.graph, "bbb")], 0);
	assert_true(st.applied.in[dbrev_graph_index(st.graph, "aaa")]);
	assert_false(st.applied.in[dbrev_graph_index(st.graph, "ccc")]);
	dbrev_status_free(&st);

	/* Both problems refuse a run, reported together. */
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, NULL, &res, &e),
	    -1);
	assert_int_equal(dbrev_error_count(&e), 2);
	dbrev_apply_result_free(&res);
	dbrev_error_clear(&e);

	/* Stamping head settles both. */
	assert_int_equal(dbrev_apply_stamp(&o, "head", &res, &e), 0);
	assert_int_equal(res.napplied, 3);	/* gone, aaa, ccc */
	dbrev_apply_result_free(&res);
	assert_int_equal(count("select count(*) from dbrev_revisions"), 3);
}

static void
test_offline_sql(void **state)
{
	struct dbrev_apply_options o;
	struct dbrev_error e = { 0 };
	struct dbrev_buf b = { 0 };
	struct seen s = { 0 };
	const char *p;
	int n = 0;

	(void)state;
	options(&o, &s);
	o.table = "v";
	assert_int_equal(dbrev_apply_sql(&o, DBREV_DIALECT_SQLITE,
	    DBREV_UPGRADE, "aaa", "head", &b, &e), 0);
	for (p = b.data; (p = strstr(p, "\nBEGIN;\n")) != NULL; p++)
		n++;
	assert_int_equal(n, 2);
	assert_null(strstr(b.data, "CREATE TABLE a "));
	assert_non_null(strstr(b.data, "CREATE TABLE c (x);"));
	assert_non_null(strstr(b.data, "INSERT INTO \"v\""));
	assert_non_null(strstr(b.data, "-- upgrade aaa -> bbb, msg bbb"));
	dbrev_buf_free(&b);

	o.single_transaction = 1;
	assert_int_equal(dbrev_apply_sql(&o, DBREV_DIALECT_SQLITE,
	    DBREV_DOWNGRADE, "head", "base", &b, &e), 0);
	assert_non_null(strstr(b.data, "DELETE FROM \"v\" WHERE revision = "
	    "'aaa';"));
	for (n = 0, p = b.data; (p = strstr(p, "BEGIN;")) != NULL; p++)
		n++;
	assert_int_equal(n, 1);
	dbrev_buf_free(&b);

	assert_int_equal(dbrev_apply_sql(&o, DBREV_DIALECT_UNKNOWN,
	    DBREV_UPGRADE, NULL, "head", &b, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_apply_sql(&o, DBREV_DIALECT_SQLITE,
	    DBREV_UPGRADE, "nosuch", "head", &b, &e), -1);
	dbrev_error_clear(&e);
	dbrev_buf_free(&b);
	/* No connection was made. */
	assert_int_equal(access(dbfile, F_OK), -1);
}

/* Any lock timeout the library is given works (kept in an int, or nan). */
static void
test_lock_timeouts(void **state)
{
	static const double t[] = { 1e12, -1, 0 };
	struct dbrev_apply_options o;
	struct dbrev_apply_result res;
	struct dbrev_error e = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]) + 1; i++) {
		dbrev_apply_options_init(&o);
		o.dir = dir;
		o.url = url;
		o.lock_timeout = i < sizeof(t) / sizeof(t[0]) ? t[i] :
		    (double)NAN;
		assert_int_equal(dbrev_apply_run(&o, i % 2 ? DBREV_DOWNGRADE :
		    DBREV_UPGRADE, i % 2 ? "base" : NULL, &res, &e), 0);
		assert_false(dbrev_error_isset(&e));
		assert_int_equal(res.napplied, 3);
		dbrev_apply_result_free(&res);
	}
	/* Up, down to base, up, down to base. */
	assert_int_equal(count("SELECT count(*) FROM dbrev_revisions"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_upgrade_reports_and_result,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_recheck_skips_what_another_did, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_recheck_stops_at_in_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_and_stamp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_offline_sql, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_timeouts, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
