/*
 * test_url.c - database URLs: dialects, SQLite paths, redaction of
 * passwords and scrubbing them out of messages; and the driver table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/db/driver.h"
#include "../../lib/db/sqlite/sqlite.h"
#include "dbrev/url.h"

#include "helpers.h"

static void
test_dialect(void **state)
{
	(void)state;
	assert_int_equal(dbrev_url_dialect("sqlite:app.db"),
	    DBREV_DIALECT_SQLITE);
	assert_int_equal(dbrev_url_dialect("sqlite:///tmp/app.db"),
	    DBREV_DIALECT_SQLITE);
	assert_int_equal(dbrev_url_dialect("sqlite::memory:"),
	    DBREV_DIALECT_SQLITE);
	assert_int_equal(dbrev_url_dialect("postgresql://h/db"),
	    DBREV_DIALECT_POSTGRES);
	assert_int_equal(dbrev_url_dialect("postgres://h/db"),
	    DBREV_DIALECT_POSTGRES);
	assert_int_equal(dbrev_url_dialect("host=/tmp dbname=x"),
	    DBREV_DIALECT_POSTGRES);
	assert_int_equal(dbrev_url_dialect(" dbname = x"),
	    DBREV_DIALECT_POSTGRES);
	assert_int_equal(dbrev_url_dialect("mysql://h/db"),
	    DBREV_DIALECT_UNKNOWN);
	assert_int_equal(dbrev_url_dialect("app.db"), DBREV_DIALECT_UNKNOWN);
	assert_int_equal(dbrev_url_dialect(""), DBREV_DIALECT_UNKNOWN);
	assert_int_equal(dbrev_url_dialect(NULL), DBREV_DIALECT_UNKNOWN);
	assert_int_equal(dbrev_dialect_from_name("sqlite"),
	    DBREV_DIALECT_SQLITE);
	assert_int_equal(dbrev_dialect_from_name("postgresql"),
	    DBREV_DIALECT_POSTGRES);
	assert_int_equal(dbrev_dialect_from_name("oracle"),
	    DBREV_DIALECT_UNKNOWN);
	assert_string_equal(dbrev_dialect_name(DBREV_DIALECT_SQLITE),
	    "sqlite");
	assert_string_equal(dbrev_dialect_name(DBREV_DIALECT_POSTGRES),
	    "postgresql");
}

static void
path_is(const char *url, const char *want)
{
	struct dbrev_error e = { 0 };
	char *p = dbrev_url_sqlite_path(url, &e);

	if (want == NULL) {
		assert_null(p);
		assert_true(dbrev_error_isset(&e));
		assert_int_equal(e.kind, DBREV_ERR_INPUT);
		assert_non_null(e.hint);
	} else {
		assert_non_null(p);
		assert_string_equal(p, want);
		assert_false(dbrev_error_isset(&e));
	}
	free(p);
	dbrev_error_clear(&e);
}

static void
test_sqlite_path(void **state)
{
	(void)state;
	path_is("sqlite:app.db", "app.db");
	path_is("sqlite:data/app.db", "data/app.db");
	path_is("sqlite:///abs/app.db", "/abs/app.db");
	path_is("sqlite:////abs/app.db", "/abs/app.db");
	path_is("sqlite:/abs/app.db", "/abs/app.db");
	path_is("sqlite::memory:", ":memory:");
	path_is("sqlite:", NULL);
	path_is("sqlite://", NULL);
	path_is("sqlite:///", NULL);
	path_is("sqlite://host/app.db", NULL);
	path_is("postgresql://h/db", NULL);
}

static void
redacts(const char *url, const char *want)
{
	char *r = dbrev_url_redact(url);

	assert_string_equal(r, want);
	free(r);
}

static void
test_redact(void **state)
{
	(void)state;
	redacts("postgresql://alice:s3cret@db.example/app",
	    "postgresql://alice@db.example/app");
	redacts("postgres://alice:s3cret@db.example:5432/app?sslmode=require",
	    "postgres://alice@db.example:5432/app?sslmode=require");
	/* An unencoded '@' in the password is removed too. */
	redacts("postgresql://alice:p@ss@db/app", "postgresql://alice@db/app");
	redacts("postgresql://alice@db/app", "postgresql://alice@db/app");
	/*
	 * libpq reads the userinfo up to the '@' before the first '/': a
	 * password holding '#' or '?' is one, and goes too.
	 */
	redacts("postgresql://u:Xy$(9k'#;s3cr3t@h/db", "postgresql://u@h/db");
	redacts("postgresql://u:a?b@h/db?x=1", "postgresql://u@h/db?x=1");
	redacts("postgresql://u:a#b@h", "postgresql://u@h");
	redacts("postgresql:///app?host=/tmp", "postgresql:///app?host=/tmp");
	redacts("postgresql:///app?password=s3cret",
	    "postgresql:///app");
	redacts("postgresql:///app?password=s3cret&host=/tmp",
	    "postgresql:///app?host=/tmp");
	redacts("postgresql:///app?host=/tmp&password=s3cret",
	    "postgresql:///app?host=/tmp");
	redacts("postgresql:///app?host=/tmp&password=s3cret&port=5433",
	    "postgresql:///app?host=/tmp&port=5433");
	redacts("postgresql://u:a@h/app?password=b&x=1",
	    "postgresql://u@h/app?x=1");
	redacts("host=/tmp password=s3cret dbname=app",
	    "host=/tmp dbname=app");
	redacts("password = s3cret host=/tmp", "host=/tmp");
	redacts("host=/tmp password='se cret\\'x' dbname=app",
	    "host=/tmp dbname=app");
	redacts("dbname=app password=s3cret", "dbname=app");
	/* The client key's passphrase is a secret too. */
	redacts("postgresql:///app?sslpassword=k3y&sslmode=require",
	    "postgresql:///app?sslmode=require");
	redacts("postgresql://u:a@h/app?x=1&sslpassword=k3y&password=b",
	    "postgresql://u@h/app?x=1");
	redacts("host=/tmp sslpassword='k 3y' dbname=app",
	    "host=/tmp dbname=app");
	/*
	 * An '@' in a parameter after the host is not the userinfo's end:
	 * libpq reads password "a" and then password=x@h/app?h, whole.
	 */
	redacts("postgresql://u:a@b?password=x@h/app?h", "postgresql://u@b");
	/*
	 * A '?' before the userinfo's '@' is in the user name: what looks
	 * like a parameter there is not one, and stays (removing it would
	 * move the '@' and change the host); the real one goes.
	 */
	redacts("postgresql://u?password=x:@h&y?password=z:@w",
	    "postgresql://u?password=x@h&y");
	/* Only whole keywords: "xpassword" is not one. */
	redacts("postgresql:///app?xpassword=1", "postgresql:///app?xpassword=1");
	redacts("mysql://u:pw@h/d", "mysql://u@h/d");
	redacts("sqlite:app.db", "sqlite:app.db");
	redacts("", "");
	/*
	 * As libpq reads them: the userinfo runs to the first '/', so a
	 * '?' or '#' before it is in the password; a parameter's name is
	 * percent-decoded.
	 */
	redacts("postgresql://user:s3c?ret@host/db", "postgresql://user@host/db");
	redacts("postgresql://user:s3c#ret@host/db", "postgresql://user@host/db");
	redacts("postgresql://h/db?pass%77ord=s3cret&port=5",
	    "postgresql://h/db?port=5");
	redacts("postgresql://h/db?a=?&password=x", "postgresql://h/db?a=?");
}

static void
scrubs(const char *url, const char *msg, const char *want)
{
	char *m = strdup(msg);

	assert_non_null(m);
	dbrev_url_scrub(url, m);
	assert_string_equal(m, want);
	free(m);
}

static void
test_scrub(void **state)
{
	(void)state;
	scrubs("postgresql://alice:s3cret@db/app",
	    "password authentication failed (s3cret) for alice",
	    "password authentication failed (***) for alice");
	/* Percent-encoded in the URL, decoded in libpq's message. */
	scrubs("postgresql://alice:p%40ss%2Fword@db/app",
	    "bad: p@ss/word and p%40ss%2Fword",
	    "bad: *** and ***");
	scrubs("postgresql:///app?password=hunter22&host=/tmp",
	    "hunter22 hunter22", "*** ***");
	scrubs("postgresql:///app?host=/tmp&password=a1b2c3",
	    "x a1b2c3 y", "x *** y");
	scrubs("host=/tmp password=s3cret dbname=app",
	    "FATAL: s3cret", "FATAL: ***");
	scrubs("host=/tmp password='se cret' dbname=app",
	    "was se cret", "was ***");
	scrubs("postgresql:///app?sslpassword=k3yphrase",
	    "bad k3yphrase", "bad ***");
	scrubs("host=/tmp sslpassword=k3yphrase password=s3cret",
	    "k3yphrase s3cret", "*** ***");
	/* Short passwords become as many stars, never longer text. */
	scrubs("postgresql://u:ab@h/d", "xabx", "x**x");
	scrubs("postgresql://u@h/d", "nothing secret", "nothing secret");
	scrubs("postgresql://u:pa#ss?w@h/d", "was pa#ss?w", "was ***");
	scrubs("sqlite:app.db", "no such table", "no such table");
	/* Wherever libpq may find a password, as libpq decodes it. */
	scrubs("postgresql://user:s3c?ret@host/db", "for s3c?ret",
	    "for ***");
	scrubs("postgresql://h/db?pass%77ord=s3cret", "s3cret", "***");
	/* libpq ends the userinfo at the first '@': password "a". */
	scrubs("postgresql://u:a@b?password=x1y@h/db",
	    "x1y@h/db a@b?password=x1y a", "*** *** *");
	/* A backslash at the end of a keyword value is dropped by libpq. */
	scrubs("host=h password=abc\\", "abc", "***");
	/* Replacing one occurrence makes another: scrubbed until none. */
	scrubs("postgresql://u:b**@h/d", "bb**", "****");
	/* A password of stars only reads as scrubbed already. */
	scrubs("postgresql://u:***@h/d", "a *** b", "a *** b");
}

/* Every message and hint of a chain, and nothing without a URL. */
static void
test_error_scrub(void **state)
{
	const char *url = "postgresql://alice:s3cret@db/app";
	struct dbrev_error err = { 0 };

	(void)state;
	dbrev_error_set(&err, DBREV_ERR_RUNTIME, NULL, 0, "hint s3cret",
	    "first s3cret");
	dbrev_error_set(&err, DBREV_ERR_RUNTIME, NULL, 0, "again s3cret",
	    "second s3cret");
	dbrev_error_scrub(&err, NULL);
	assert_string_equal(err.message, "first s3cret");
	dbrev_error_scrub(&err, url);
	assert_string_equal(err.message, "first ***");
	assert_string_equal(err.hint, "hint ***");
	assert_non_null(err.next);
	assert_string_equal(err.next->message, "second ***");
	assert_string_equal(err.next->hint, "again ***");
	dbrev_error_clear(&err);
	dbrev_error_scrub(&err, url);
}

static void
test_drivers(void **state)
{
	struct dbrev_error e = { 0 };
	struct dbrev_db *db = NULL;

	(void)state;
	assert_ptr_equal(dbrev_driver_for(DBREV_DIALECT_SQLITE),
	    &dbrev_driver_sqlite);
	assert_null(dbrev_driver_for(DBREV_DIALECT_UNKNOWN));
#if DBREV_WITH_POSTGRES
	assert_ptr_equal(dbrev_driver_for(DBREV_DIALECT_POSTGRES),
	    &dbrev_driver_postgres);
#else
	assert_null(dbrev_driver_for(DBREV_DIALECT_POSTGRES));
	assert_int_equal(dbrev_db_open("postgresql://u:pw@h/d", &db, &e), -1);
	th_error_has(&e, "without PostgreSQL");
	th_error_lacks(&e, "pw");
	dbrev_error_clear(&e);
#endif
	assert_int_equal(dbrev_db_open("mysql://u:topsecret@h/d", &db, &e),
	    -1);
	assert_null(db);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	th_error_lacks(&e, "topsecret");
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_db_open(NULL, &db, &e), -1);
	dbrev_error_clear(&e);

	assert_int_equal(dbrev_db_open("sqlite::memory:", &db, &e), 0);
	assert_non_null(db);
	assert_string_equal(db->url_redacted, "sqlite::memory:");
	assert_ptr_equal(db->driver, &dbrev_driver_sqlite);
	dbrev_db_close(db);
}

/* The SQLite driver on an in-memory database: line mapping, table. */
static void
test_sqlite_exec(void **state)
{
	const struct dbrev_driver *d = &dbrev_driver_sqlite;
	struct dbrev_error e = { 0 };
	struct dbrev_applied *rows;
	struct dbrev_db *db;
	enum dbrev_row_state st;
	size_t n;
	int found;

	(void)state;
	assert_int_equal(dbrev_db_open("sqlite::memory:", &db, &e), 0);
	assert_int_equal(d->lock(db->conn, "t", 1, &e), 0);
	/* No table yet: nothing applied. */
	assert_int_equal(d->table_read(db->conn, "v", &rows, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(d->table_ensure(db->conn, "v", &e), 0);
	assert_int_equal(d->begin(db->conn, &e), 0);
	assert_int_equal(d->exec(db->conn,
	    "CREATE TABLE a (x);\n"
	    "-- comment ; with a semicolon\n"
	    "/* block\n comment */\n"
	    "\n"
	    "INSERT INTO a VALUES (1);\n"
	    "INSERT INTO\n"
	    "  nosuch VALUES (2);\n", "f.sql", 10, &e), -1);
	assert_string_equal(e.file, "f.sql");
	assert_int_equal(e.line, 16);
	th_error_has(&e, "nosuch");
	dbrev_error_clear(&e);
	assert_int_equal(d->rollback(db->conn, &e), 0);
	/* A syntax error names its statement's line. */
	assert_int_equal(d->exec(db->conn, "SELECT 1;\n\nSELEC 2;", "g.sql",
	    1, &e), -1);
	assert_int_equal(e.line, 3);
	dbrev_error_clear(&e);

	assert_int_equal(d->begin(db->conn, &e), 0);
	assert_int_equal(d->table_insert(db->conn, "v", "r1", "c1",
	    DBREV_ROW_APPLIED, &e), 0);
	assert_int_equal(d->table_insert(db->conn, "v", "r2", "c2",
	    DBREV_ROW_IN_PROGRESS, &e), 0);
	assert_int_equal(d->commit(db->conn, &e), 0);
	assert_int_equal(d->table_get(db->conn, "v", "r2", &found, &st, &e),
	    0);
	assert_int_equal(found, 1);
	assert_int_equal(st, DBREV_ROW_IN_PROGRESS);
	assert_int_equal(d->table_set_state(db->conn, "v", "r2",
	    DBREV_ROW_APPLIED, &e), 0);
	assert_int_equal(d->table_delete(db->conn, "v", "r1", &e), 0);
	assert_int_equal(d->table_get(db->conn, "v", "r1", &found, &st, &e),
	    0);
	assert_int_equal(found, 0);
	assert_int_equal(d->table_read(db->conn, "v", &rows, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].revision, "r2");
	assert_string_equal(rows[0].checksum, "c2");
	assert_int_equal(rows[0].state, DBREV_ROW_APPLIED);
	assert_int_equal(strlen(rows[0].applied_at), 20);
	dbrev_applied_free(rows, n);
	assert_int_equal(d->unlock(db->conn, "t", &e), 0);
	dbrev_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialect),
		cmocka_unit_test(test_sqlite_path),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_error_scrub),
		cmocka_unit_test(test_drivers),
		cmocka_unit_test(test_sqlite_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
