/*
 * test_stairway.c - the pieces of the stairway test and drift that need
 * no database: the JSON writer, invented constraint names, the names of
 * the verdicts; and the SQLite driver's schema group on scratch files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../lib/db/driver.h"
#include "dbrev/json.h"
#include "dbrev/schema.h"
#include "dbrev/stairway.h"

static void
test_json_writer(void **state)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_json j;

	(void)state;
	dbrev_json_init(&j, &b);
	dbrev_json_object(&j, NULL);
	dbrev_json_int(&j, "n", 3);
	dbrev_json_string(&j, "s", "a\"b\\c\nd\x01\x7f");
	dbrev_json_array(&j, "a");
	dbrev_json_bool(&j, NULL, 1);
	dbrev_json_null(&j, NULL);
	dbrev_json_object(&j, NULL);
	dbrev_json_end(&j);
	dbrev_json_end(&j);
	dbrev_json_string(&j, "x", NULL);
	dbrev_json_end(&j);
	assert_string_equal(b.data, "{\"n\":3,\"s\":\"a\\\"b\\\\c\\nd\\u0001"
	    "\\u007f\",\"a\":[true,null,{}],\"x\":null}");
	dbrev_buf_free(&b);
	/* Invalid UTF-8: each bad byte is U+FFFD; valid sequences kept. */
	dbrev_json_quote(&b, "\xe9t\xc3\xa9\xed\xa0\x80", 7);
	assert_string_equal(b.data, "\"\\ufffdt\xc3\xa9\\ufffd\\ufffd\\ufffd\"");
	dbrev_buf_free(&b);
}

static struct dbrev_schema *
one_table(const char *pk, const char *check)
{
	struct dbrev_schema *s = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_table *t = dbrev_schema_add_table(s, "public", "t");
	struct dbrev_constraint *c;

	dbrev_table_add_column(t, "a");
	c = dbrev_table_add_constraint(t, DBREV_CON_PRIMARY_KEY, pk);
	dbrev_strv_add(&c->columns, &c->ncolumns, "a");
	c = dbrev_table_add_constraint(t, DBREV_CON_CHECK, check);
	c->expr = strdup("(a > 0)");
	dbrev_schema_sort(s);
	return s;
}

static void
test_invented_names(void **state)
{
	struct dbrev_schema *a, *b;

	(void)state;
	/* t_a_check1 (a clash made the database number it) is t_a_check. */
	a = one_table("t_pkey", "t_a_check");
	b = one_table("t_pkey", "t_a_check1");
	dbrev_schema_match_invented_names(a, b);
	assert_string_equal(b->tables[0]->constraints[1].name, "t_a_check");
	dbrev_schema_free(b);
	/* A name someone chose counts. */
	b = one_table("t_pkey", "positive_a");
	dbrev_schema_match_invented_names(a, b);
	assert_string_equal(b->tables[0]->constraints[1].name, "positive_a");
	dbrev_schema_free(b);
	dbrev_schema_free(a);
}

static void
test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(dbrev_stair_verdict_name(DBREV_STAIR_OK), "ok");
	assert_string_equal(dbrev_stair_verdict_name(
	    DBREV_STAIR_REUPGRADE_FAILS), "upgrade after downgrade fails");
	assert_string_equal(dbrev_stair_verdict_name(DBREV_STAIR_NVERDICTS),
	    "?");
}

/* A scratch SQLite file exists while in use and is gone after. */
static void
test_sqlite_scratch(void **state)
{
	const struct dbrev_driver *d = &dbrev_driver_sqlite;
	struct dbrev_scratch s;
	struct dbrev_error e = { 0 };
	struct dbrev_db *db = NULL;
	struct dbrev_buf fp1 = { 0 }, fp2 = { 0 };
	char *path;

	(void)state;
	assert_int_equal(d->scratch_create("sqlite:never.db", NULL, &s, &e), 0);
	path = strdup(s.name);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(dbrev_db_open(s.url, &db, &e), 0);
	assert_int_equal(d->fingerprint(db->conn, &fp1, &e), 0);
	assert_int_equal(d->exec(db->conn, "CREATE TABLE t (a)", NULL, 1, &e),
	    0);
	assert_int_equal(d->fingerprint(db->conn, &fp2, &e), 0);
	assert_true(fp1.len != fp2.len);
	assert_int_equal(d->read_only(db->conn, &e), 0);
	assert_int_equal(d->exec(db->conn, "CREATE TABLE u (a)", NULL, 1, &e),
	    -1);
	dbrev_error_clear(&e);
	dbrev_db_close(db);
	d->scratch_drop(&s);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access("never.db", F_OK), -1);
	free(path);
	dbrev_buf_free(&fp1);
	dbrev_buf_free(&fp2);
}

/* The fingerprint of SQL run on a new scratch SQLite database. */
static char *
sqlite_fingerprint_of(const char *sql, size_t *len)
{
	const struct dbrev_driver *d = &dbrev_driver_sqlite;
	struct dbrev_scratch s;
	struct dbrev_error e = { 0 };
	struct dbrev_db *db = NULL;
	struct dbrev_buf fp = { 0 };

	assert_int_equal(d->scratch_create("sqlite:never.db", NULL, &s, &e), 0);
	assert_int_equal(dbrev_db_open(s.url, &db, &e), 0);
	assert_int_equal(d->exec(db->conn, sql, NULL, 1, &e), 0);
	assert_int_equal(d->fingerprint(db->conn, &fp, &e), 0);
	dbrev_db_close(db);
	d->scratch_drop(&s);
	*len = fp.len;
	return dbrev_buf_take(&fp);
}

/*
 * Objects made in another order fingerprint the same (rows are sorted
 * by type and name); texts that run together the same do not.
 */
static void
test_sqlite_fingerprint_order(void **state)
{
	size_t la, lb, lc;
	char *a = sqlite_fingerprint_of("CREATE TABLE t (a); CREATE TABLE u "
	    "(b); CREATE INDEX t_a ON t (a); DROP TABLE u; CREATE TABLE u (b)",
	    &la);
	char *b = sqlite_fingerprint_of("CREATE TABLE u (b); CREATE TABLE t "
	    "(a); CREATE INDEX t_a ON t (a)", &lb);
	char *c = sqlite_fingerprint_of("CREATE TABLE \"u (b)\" (x); "
	    "CREATE TABLE t (a); CREATE INDEX t_a ON t (a)", &lc);

	(void)state;
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_true(lc != la || memcmp(a, c, la) != 0);
	free(a);
	free(b);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_invented_names),
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_sqlite_scratch),
		cmocka_unit_test(test_sqlite_fingerprint_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
