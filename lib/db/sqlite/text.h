/*
 * text.h - internal to libdbrev: the SQLite text helpers that
 * quote or rewrite SQL (lib/db/sqlite/emit.c) and recognise what a
 * schema file may hold that SQLite makes itself
 * (lib/db/sqlite/introspect.c).  Exposed for tests/fuzz only; not
 * installed.
 */
#ifndef DBREV_SQLITE_TEXT_H
#define DBREV_SQLITE_TEXT_H

#include <stddef.h>

#include "dbrev/util.h"

/* lib/db/sqlite/driver.c: an SQLite string literal that reads back as s. */
void	 dbrev_sqlite_quote_literal(struct dbrev_buf *, const char *s);

/*
 * lib/db/sqlite/driver.c: "name" or "schema"."name" (split at the first
 * '.'), each part an SQLite identifier that reads back as the given
 * bytes.
 */
void	 dbrev_sqlite_quote_table(struct dbrev_buf *, const char *table);

/*
 * One "-- " comment line of text, newline included.  Names may hold
 * newlines: each is written as \n (a CR as \r), for the rest of the
 * line would otherwise run as SQL.
 */
void	 dbrev_sqlite_put_comment(struct dbrev_buf *out, const char *text);

/*
 * One statement stored by SQLite (sqlite_schema.sql) followed by ";\n":
 * the text up to its last token, so that a trailing comment (which
 * SQLite keeps in the text of views and indexes) cannot swallow the
 * ";" or what follows.
 */
void	 dbrev_sqlite_put_statement(struct dbrev_buf *out, const char *sql);

/*
 * A CREATE TABLE text with the table's name (and any schema prefix)
 * replaced by newname, quoted as needed, and so is every use of the
 * name as a qualifier inside ("CHECK (t.a > 0)").  Text that has no
 * table name is copied as is.
 */
void	 dbrev_sqlite_put_create_renamed(struct dbrev_buf *out,
	    const char *sql, const char *newname);

/*
 * The name of the table a CREATE TABLE text creates, as SQLite stores
 * it (case kept, quotes removed): what sqlite_sequence.name holds.
 * NULL when the text names no table.  Caller frees.
 */
char	*dbrev_sqlite_create_name(const char *sql);

/*
 * The name of the table a CREATE TABLE text creates, written for an
 * ALTER TABLE ... RENAME TO that gives back the same stored text: the
 * token as written when it is a plain word, else quoted.  `fallback`
 * (quoted as needed) when the text names no table.
 */
void	 dbrev_sqlite_put_create_name(struct dbrev_buf *out, const char *sql,
	    const char *fallback);

/*
 * Does the schema-file text at sql start with a CREATE TABLE of a table
 * that SQLite or dbrev makes itself: sqlite_sequence and sqlite_stat1
 * to sqlite_stat4 (which `sqlite3 DB .schema` prints and SQLite refuses
 * to create), or dbrev's version table dbrev_revisions?  Returns the
 * length of that statement, its ";" included, or 0.
 */
size_t	 dbrev_sqlite_internal_table(const char *sql);

#endif /* DBREV_SQLITE_TEXT_H */
