/*
 * fuzz_sqlite_quote.c - libFuzzer target for the SQLite driver's quoting
 * of identifiers and literals (lib/db/sqlite/driver.c), with SQLite's own
 * parser, in process, as the judge.
 *
 * Input: NAME \0 TEXT.  Properties, on every input:
 *   - SELECT <literal of TEXT> is one statement returning TEXT's bytes;
 *   - a NAME without '.' reads back as itself: the column name of
 *     SELECT 1 AS <quoted NAME>, and the table CREATE TABLE <quoted>
 *     makes (names SQLite reserves, sqlite_*, aside);
 *   - a NAME with a '.' is SCHEMA.TABLE, split at the first '.': the
 *     table is made in that schema under the rest of the name;
 *   - nothing reads or writes out of bounds (ASan).
 */
#include <strings.h>

#include <sqlite3.h>

#include "fuzz.h"
#include "../../lib/db/sqlite/text.h"


static sqlite3 *db;

/* Prepare sql as exactly one statement, or fail the property. */
static sqlite3_stmt *
one(const char *sql)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;

	PROPERTY(sqlite3_prepare_v2(db, sql, -1, &st, &tail) == SQLITE_OK &&
	    st != NULL && *tail == '\0', "'%s' is not one statement: %s", sql,
	    sqlite3_errmsg(db));
	return st;
}

static void
check_literal(const char *text)
{
	struct dbrev_buf b = { 0 };
	sqlite3_stmt *st;

	dbrev_buf_puts(&b, "SELECT ");
	dbrev_sqlite_quote_literal(&b, text);
	st = one(b.data);
	PROPERTY(sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) == SQLITE_TEXT &&
	    (size_t)sqlite3_column_bytes(st, 0) == strlen(text) &&
	    memcmp(sqlite3_column_text(st, 0), text, strlen(text)) == 0,
	    "%s does not read back", b.data);
	sqlite3_finalize(st);
	dbrev_buf_free(&b);
}

/* Whether table `name` exists in schema `schema` (not quoted: bound). */
static int
table_in(const char *schema, const char *name)
{
	sqlite3_stmt *st;
	int found;

	st = one("SELECT 1 FROM pragma_table_list WHERE schema = ?1 AND "
	    "name = ?2 AND type = 'table'");
	sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static void
check_table(const char *name)
{
	struct dbrev_buf b = { 0 }, q = { 0 };
	const char *dot = strchr(name, '.'), *table = name;
	char *schema = dbrev_xstrdup("main");
	sqlite3_stmt *st;
	int attached = 0;

	dbrev_sqlite_quote_table(&q, name);
	if (dot == NULL) {
		dbrev_buf_printf(&b, "SELECT 1 AS %s", q.data);
		st = one(b.data);
		PROPERTY(strcmp(sqlite3_column_name(st, 0), name) == 0,
		    "%s names column '%s'", b.data, sqlite3_column_name(st, 0));
		sqlite3_finalize(st);
	} else {
		free(schema);
		schema = dbrev_xstrndup(name, (size_t)(dot - name));
		table = dot + 1;
		if (strcasecmp(schema, "main") != 0 &&
		    strcasecmp(schema, "temp") != 0) {
			st = one("ATTACH ':memory:' AS ?1");
			sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
			attached = sqlite3_step(st) == SQLITE_DONE;
			sqlite3_finalize(st);
			if (!attached)
				goto out;	/* a schema SQLite refuses */
		}
	}
	if (strncasecmp(table, "sqlite_", 7) == 0)
		goto out;	/* reserved for SQLite's own tables */
	dbrev_buf_reset(&b);
	dbrev_buf_printf(&b, "CREATE TABLE %s (x)", q.data);
	st = one(b.data);
	PROPERTY(sqlite3_step(st) == SQLITE_DONE, "%s: %s", b.data,
	    sqlite3_errmsg(db));
	sqlite3_finalize(st);
	PROPERTY(table_in(strcasecmp(schema, "temp") == 0 ? "temp" :
	    strcasecmp(schema, "main") == 0 ? "main" : schema, table), "%s made no table '%s' in '%s'", b.data, table, schema);
	dbrev_buf_reset(&b);
	dbrev_buf_printf(&b, "DROP TABLE %s", q.data);
	PROPERTY(sqlite3_exec(db, b.data, NULL, NULL, NULL) == SQLITE_OK,
	    "%s: %s", b.data, sqlite3_errmsg(db));
out:
	if (attached) {
		st = one("DETACH ?1");
		sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	free(schema);
	dbrev_buf_free(&b);
	dbrev_buf_free(&q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[2];

	if (db == NULL && sqlite3_open(":memory:", &db) != SQLITE_OK)
		abort();
	fields(data, size, f, 2);
	check_literal(f[1]);
	check_table(f[0]);
	fields_free(f, 2);
	return 0;
}
