/*
 * fuzz_emit_sqlite.c - libFuzzer target for the functions that quote or
 * rewrite SQL for SQLite (lib/db/sqlite/text.h, dbrev_sql_ident_add),
 * each checked by a round trip through SQLite's own parser, in process.
 *
 * The first byte picks the function, the rest (up to a NUL) is its text:
 *   0 identifier  SELECT 1 AS <q>, CREATE TABLE <q> (<q>): SQLite reads
 *                 back exactly the name
 *   1 literal     SELECT <q>: exactly the text, as TEXT
 *   2 statement   a text SQLite prepares as one statement, written by
 *                 dbrev_sqlite_put_statement, is one complete statement
 *                 with the same columns, and nothing after it
 *   3 create      for a text that creates one table: its name as stored
 *                 (dbrev_sqlite_create_name); the renamed copy creates
 *                 the same columns under the new name; renamed back
 *                 (dbrev_sqlite_put_create_name) it is the same table,
 *                 its stored text the same but for the name's quotes
 *   4 internal    dbrev_sqlite_internal_table skips a whole statement
 *                 or nothing, and only statements SQLite would refuse
 *                 (or dbrev's version table)
 *   5 comment     dbrev_sqlite_put_comment is one line that SQLite reads
 *                 as nothing
 * Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "dbrev/schema.h"
#include "dbrev/util.h"
#include "../../lib/db/sqlite/text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static sqlite3 *
db_new(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		abort();
	return db;
}

static int
exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* The one row, one column text of a query, or NULL. */
static char *
one(sqlite3 *db, const char *sql, const char *bind)
{
	sqlite3_stmt *st;
	char *r = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		abort();
	if (bind != NULL)
		sqlite3_bind_text(st, 1, bind, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		r = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return r;
}

/* Does the rest of a script hold no statement? */
static int
empty_tail(sqlite3 *db, const char *tail)
{
	sqlite3_stmt *st = NULL;
	const char *t2;

	while (*tail != '\0') {
		if (sqlite3_prepare_v2(db, tail, -1, &st, &t2) != SQLITE_OK)
			return 0;
		if (st != NULL) {
			sqlite3_finalize(st);
			return 0;
		}
		if (t2 <= tail)
			break;
		tail = t2;
	}
	return 1;
}

static void
check_ident(const char *name)
{
	struct dbrev_buf q = { 0 }, b = { 0 };
	sqlite3 *db = db_new();
	sqlite3_stmt *st;
	char *got;

	if (*name == '\0')
		goto out;
	dbrev_sql_ident_add(&q, name);
	dbrev_buf_printf(&b, "SELECT 1 AS %s", q.data);
	if (sqlite3_prepare_v2(db, b.data, -1, &st, NULL) != SQLITE_OK)
		abort();
	if (strcmp(sqlite3_column_name(st, 0), name) != 0)
		abort();
	sqlite3_finalize(st);
	if (strncasecmp(name, "sqlite_", 7) == 0)
		goto out;
	dbrev_buf_reset(&b);
	dbrev_buf_printf(&b, "CREATE TABLE %s (%s)", q.data, q.data);
	if (exec(db, b.data) != SQLITE_OK)
		abort();
	got = one(db, "SELECT name FROM sqlite_schema", NULL);
	if (got == NULL || strcmp(got, name) != 0)
		abort();
	free(got);
	got = one(db, "SELECT name FROM pragma_table_info(?1)", name);
	if (got == NULL || strcmp(got, name) != 0)
		abort();
	free(got);
out:
	sqlite3_close(db);
	dbrev_buf_free(&q);
	dbrev_buf_free(&b);
}

static void
check_literal(const char *text)
{
	struct dbrev_buf b = { 0 };
	sqlite3 *db = db_new();
	sqlite3_stmt *st;

	dbrev_buf_puts(&b, "SELECT ");
	dbrev_sqlite_quote_literal(&b, text);
	if (sqlite3_prepare_v2(db, b.data, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_type(st, 0) != SQLITE_TEXT ||
	    (size_t)sqlite3_column_bytes(st, 0) != strlen(text) ||
	    memcmp(sqlite3_column_text(st, 0), text, strlen(text)) != 0)
		abort();
	sqlite3_finalize(st);
	sqlite3_close(db);
	dbrev_buf_free(&b);
}

static void
check_statement(const char *sql)
{
	struct dbrev_buf b = { 0 };
	sqlite3 *db = db_new();
	sqlite3_stmt *st1 = NULL, *st2 = NULL;
	const char *tail;

	exec(db, "CREATE TABLE t (a, b); CREATE VIEW v AS SELECT a FROM t");
	if (sqlite3_prepare_v2(db, sql, -1, &st1, &tail) != SQLITE_OK ||
	    st1 == NULL || !empty_tail(db, tail))
		goto out;
	dbrev_sqlite_put_statement(&b, sql);
	if (!sqlite3_complete(b.data))
		abort();
	if (sqlite3_prepare_v2(db, b.data, -1, &st2, &tail) != SQLITE_OK ||
	    st2 == NULL || !empty_tail(db, tail))
		abort();
	if (sqlite3_column_count(st1) != sqlite3_column_count(st2) ||
	    sqlite3_bind_parameter_count(st1) !=
	    sqlite3_bind_parameter_count(st2))
		abort();
out:
	sqlite3_finalize(st1);
	sqlite3_finalize(st2);
	sqlite3_close(db);
	dbrev_buf_free(&b);
}

/* "name|type|notnull|dflt|pk|hidden;" for every column of table. */
static char *
columns_of(sqlite3 *db, const char *table)
{
	return one(db, "SELECT group_concat(name || '|' || type || '|' ||"
	    " \"notnull\" || '|' || ifnull(dflt_value, '-') || '|' || pk ||"
	    " '|' || hidden, ';') FROM pragma_table_xinfo(?1)", table);
}

static void
check_create(const char *sql)
{
	struct dbrev_buf b = { 0 };
	sqlite3 *db1 = db_new(), *db2 = db_new();
	char *name = NULL, *stored = NULL, *n2 = NULL, *c1 = NULL, *c2 = NULL;
	char *got = NULL, *norm1 = NULL, *norm2 = NULL, *s2 = NULL;
	sqlite3_stmt *st = NULL;
	const char *tail;
	int rc;

	/* One CREATE TABLE, nothing else (no ATTACH, no VACUUM INTO). */
	norm1 = dbrev_sql_normalize(sql);
	if (strncmp(norm1, "create table ", 13) != 0 ||
	    sqlite3_prepare_v2(db1, sql, -1, &st, &tail) != SQLITE_OK ||
	    st == NULL || !empty_tail(db1, tail)) {
		sqlite3_finalize(st);
		goto out;
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(norm1);
	norm1 = NULL;
	if (rc != SQLITE_DONE)
		goto out;
	got = one(db1, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
	    NULL);
	if (got == NULL || strcmp(got, "1") != 0)
		goto out;
	name = one(db1, "SELECT name FROM sqlite_schema WHERE type = 'table'",
	    NULL);
	stored = one(db1, "SELECT sql FROM sqlite_schema WHERE type = 'table'",
	    NULL);
	if (name == NULL || stored == NULL)
		goto out;
	/* The name as stored: what sqlite_sequence holds. */
	n2 = dbrev_sqlite_create_name(stored);
	if (n2 == NULL || strcmp(n2, name) != 0)
		abort();
	c1 = columns_of(db1, name);
	/* Renamed: the same columns under the new name. */
	dbrev_sqlite_put_create_renamed(&b, stored, "_dbrev_new_x y");
	if (exec(db2, b.data) != SQLITE_OK)
		abort();
	c2 = columns_of(db2, "_dbrev_new_x y");
	if (c1 == NULL || c2 == NULL || strcmp(c1, c2) != 0)
		abort();
	/* Renamed back: the same table, stored text and all. */
	dbrev_buf_reset(&b);
	dbrev_buf_puts(&b, "ALTER TABLE \"_dbrev_new_x y\" RENAME TO ");
	dbrev_sqlite_put_create_name(&b, stored, "fallback");
	if (exec(db2, b.data) != SQLITE_OK)
		abort();
	free(got);
	got = one(db2, "SELECT name FROM sqlite_schema WHERE type = 'table'",
	    NULL);
	s2 = one(db2, "SELECT sql FROM sqlite_schema WHERE type = 'table'",
	    NULL);
	if (got == NULL || strcmp(got, name) != 0 || s2 == NULL)
		abort();
	/* The same text but for how the name is quoted ('x', [x], "x"). */
	dbrev_buf_reset(&b);
	dbrev_sqlite_put_create_renamed(&b, stored, "x");
	norm1 = dbrev_sql_normalize(b.data);
	dbrev_buf_reset(&b);
	dbrev_sqlite_put_create_renamed(&b, s2, "x");
	norm2 = dbrev_sql_normalize(b.data);
	if (strcmp(norm1, norm2) != 0)
		abort();
out:
	free(name);
	free(stored);
	free(n2);
	free(c1);
	free(c2);
	free(got);
	free(norm1);
	free(norm2);
	free(s2);
	sqlite3_close(db1);
	sqlite3_close(db2);
	dbrev_buf_free(&b);
}

static void
check_internal(const char *sql)
{
	size_t n = dbrev_sqlite_internal_table(sql), len = strlen(sql);
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char *span;
	int rc;

	if (n == 0)
		return;
	if (n > len || (n < len && sql[n - 1] != ';'))
		abort();
	/*
	 * A whole statement: complete once a ";" follows on a line of its
	 * own (the last one may lack its ";", or end in a comment).
	 */
	span = calloc(1, n + 3);
	memcpy(span, sql, n);
	if (!sqlite3_complete(strcat(span, "\n;")))
		abort();
	span[n] = '\0';
	/* Only what SQLite refuses to create, or dbrev's version table. */
	db = db_new();
	rc = sqlite3_prepare_v2(db, span, -1, &st, NULL);
	if (rc == SQLITE_OK && st != NULL &&
	    strcasestr(span, "dbrev_revisions") == NULL)
		abort();
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(span);
}

static void
check_comment(const char *text)
{
	struct dbrev_buf b = { 0 };
	sqlite3 *db = db_new();
	const char *nl;

	dbrev_sqlite_put_comment(&b, text);
	nl = strpbrk(b.data, "\n\r");
	if (strncmp(b.data, "-- ", 3) != 0 || nl == NULL ||
	    nl != b.data + b.len - 1)
		abort();
	/* Between two statements it is nothing. */
	dbrev_buf_reset(&b);
	dbrev_buf_puts(&b, "SELECT 1\n");
	dbrev_sqlite_put_comment(&b, text);
	dbrev_buf_puts(&b, ";");
	if (!empty_tail(db, b.data + 9) || !sqlite3_complete(b.data))
		abort();
	sqlite3_close(db);
	dbrev_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size == 0)
		return 0;
	/* The text up to a NUL, as C strings hold it. */
	text = strndup((const char *)data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:	check_ident(text);	break;
	case 1:	check_literal(text);	break;
	case 2:	check_statement(text);	break;
	case 3:	check_create(text);	break;
	case 4:	check_internal(text);	break;
	case 5:	check_comment(text);	break;
	}
	free(text);
	return 0;
}
