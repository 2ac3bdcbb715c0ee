/*
 * test_sqlite_driver.c - the SQLite driver through its table of
 * operations, on an in-memory database and files in a temporary
 * directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../lib/db/driver.h"

static const struct dbrev_driver *D = &dbrev_driver_sqlite;

static struct dbrev_conn *
open_ok(const char *url)
{
	struct dbrev_error err = { 0 };
	struct dbrev_conn *c = NULL;

	if (D->open(url, &c, &err) != 0)
		fail_msg("open %s: %s", url, err.message);
	assert_non_null(c);
	return c;
}

/*
 * A large script is not copied once per statement: the largest block
 * SQLite allocates while running it stays far below the script's size
 * (giving sqlite3_prepare a length without the terminating NUL makes it
 * copy the rest of the script for every statement: quadratic).
 */
static void
test_large_script_not_copied(void **state)
{
	struct dbrev_buf sql = { 0 };
	struct dbrev_error err = { 0 };
	struct dbrev_conn *c;
	sqlite3_int64 cur, hi;
	int i;

	(void)state;
	dbrev_buf_puts(&sql, "CREATE TABLE t (id INTEGER PRIMARY KEY, s);\n");
	for (i = 0; i < 20000; i++)
		dbrev_buf_printf(&sql, "INSERT INTO t VALUES (%d, 'row %d');\n",
		    i, i);
	c = open_ok("sqlite::memory:");
	assert_int_equal(D->begin(c, &err), 0);
	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MALLOC_SIZE, &cur, &hi,
	    1), SQLITE_OK);
	if (D->exec(c, sql.data, "big.sql", 1, &err) != 0)
		fail_msg("exec: %s", err.message);
	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MALLOC_SIZE, &cur, &hi,
	    0), SQLITE_OK);
	if (hi >= (sqlite3_int64)sql.len / 4)
		fail_msg("largest allocation %lld bytes for a %zu-byte script",
		    (long long)hi, sql.len);
	assert_int_equal(D->commit(c, &err), 0);
	D->close(c);
	dbrev_buf_free(&sql);
}

/* Version-table names are quoted: SCHEMA.TABLE split at the first '.'. */
static void
test_table_names_quoted(void **state)
{
	static const char *const names[] = { "main.odd.name", "we\"ird; --",
	    "sp ace.x", "it's" };
	struct dbrev_error err = { 0 };
	struct dbrev_applied *rows;
	struct dbrev_conn *c;
	size_t i, n;

	(void)state;
	c = open_ok("sqlite::memory:");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i], "sp ace.x") == 0)
			assert_int_equal(D->exec(c, "ATTACH ':memory:' AS "
			    "\"sp ace\"", NULL, 1, &err), 0);
		if (D->table_ensure(c, names[i], &err) != 0 ||
		    D->table_insert(c, names[i], "a1", "sum",
		    DBREV_ROW_APPLIED, &err) != 0 ||
		    D->table_read(c, names[i], &rows, &n, &err) != 0)
			fail_msg("%s: %s", names[i], err.message);
		assert_int_equal(n, 1);
		assert_string_equal(rows[0].revision, "a1");
		dbrev_applied_free(rows, n);
	}
	D->close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_script_not_copied),
		cmocka_unit_test(test_table_names_quoted),
	};

	/* Allocation statistics, before SQLite initialises itself. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
