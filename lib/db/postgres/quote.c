/*
 * quote.c - PostgreSQL's quoting without a connection, written once:
 * string literals, identifiers of the offline script and libpq's
 * keyword='value'.  Each is checked on every input by
 * tests/fuzz/fuzz_postgres_quote.c (and the literal by
 * fuzz_emit_postgres.c), and on a real server by
 * tests/unit/test_postgres_driver.c.
 */
#include <string.h>

#include "schema.h"
#include "dbrev/util.h"


/*
 * A string literal that reads the same whatever the server's
 * standard_conforming_strings (a script runs on any server): E'...'
 * with backslashes doubled when there is one, as PQescapeLiteral does.
 */
void
dbrev_pg_literal(struct dbrev_buf *b, const char *s)
{
	dbrev_buf_puts(b, strchr(s, '\\') != NULL ? "E'" : "'");
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			dbrev_buf_add(b, s, 1);
		dbrev_buf_add(b, s, 1);
	}
	dbrev_buf_puts(b, "'");
}

void
dbrev_pg_quote_ident(struct dbrev_buf *b, const char *s, size_t n)
{
	dbrev_buf_puts(b, "\"");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			dbrev_buf_puts(b, "\"");
		dbrev_buf_add(b, s + i, 1);
	}
	dbrev_buf_puts(b, "\"");
}

/* libpq reads \' and \\ inside a single-quoted value as ' and \. */
void
dbrev_pg_quote_conninfo(struct dbrev_buf *b, const char *kw, const char *val)
{
	const char *p;

	dbrev_buf_printf(b, "%s%s='", b->len > 0 ? " " : "", kw);
	for (p = val; *p != '\0'; p++) {
		if (*p == '\'' || *p == '\\')
			dbrev_buf_puts(b, "\\");
		dbrev_buf_add(b, p, 1);
	}
	dbrev_buf_puts(b, "'");
}
