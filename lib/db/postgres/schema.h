/*
 * schema.h - private to libdbrev: PostgreSQL's part of the schema model
 * (lib/db/postgres/introspect.c, emit.c) and its quoting, shared by the
 * files of its home (autogen.c) and its tests.  Not installed.
 */
#ifndef DBREV_DB_POSTGRES_SCHEMA_H
#define DBREV_DB_POSTGRES_SCHEMA_H

#include <stddef.h>

#include "dbrev/schema.h"
#include "dbrev/util.h"

/* PostgreSQL's autogenerate is built in (tests look for it). */
#define DBREV_HAVE_AUTOGEN_POSTGRES 1

/*
 * The catalogs (format_type, pg_get_expr, pg_get_constraintdef,
 * pg_get_indexdef, pg_get_viewdef, pg_get_functiondef, ...) fill the
 * model with `schema` set on every name.
 */
struct pg_conn;
int	 dbrev_postgres_introspect(struct pg_conn *conn,
	    struct dbrev_schema **out, struct dbrev_error *err);
/*
 * server_version (PQserverVersion, e.g. 150004) is the server the
 * revision is written for: it picks statements the server has
 * (PostgreSQL 17: ALTER COLUMN ... SET EXPRESSION).
 */
void	 dbrev_postgres_diff_options(struct dbrev_diff_options *,
	    int server_version);
void	 dbrev_postgres_emit(const struct dbrev_diff *, int server_version,
	    struct dbrev_buf *out, int *transactional, char ***warnings,
	    size_t *nwarnings);

/* SQL identifier quoted for PostgreSQL when needed (case, keywords). */
const char *dbrev_pg_ident(const char *name, char *buf, size_t size);

/* "schema"."name" quoted as needed, appended to b. */
void	 dbrev_pg_qident(struct dbrev_buf *b, const char *schema,
	    const char *name);

/*
 * A string literal that reads back as s whatever the server's
 * standard_conforming_strings ('it''s', E'a\\b'), appended to b.
 */
void	 dbrev_pg_literal(struct dbrev_buf *b, const char *s);

/*
 * lib/db/postgres/quote.c, like dbrev_pg_literal without a connection:
 * a PostgreSQL identifier ("..." of n bytes) that reads back as the
 * given bytes.
 */
void	 dbrev_pg_quote_ident(struct dbrev_buf *, const char *s, size_t n);

/*
 * lib/db/postgres/quote.c: keyword='value' for a libpq keyword string (a
 * blank first unless b is empty).
 */
void	 dbrev_pg_quote_conninfo(struct dbrev_buf *, const char *kw,
	    const char *val);

#endif /* DBREV_DB_POSTGRES_SCHEMA_H */
