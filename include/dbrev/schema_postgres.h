/*
 * dbrev/schema_postgres.h - autogenerate on PostgreSQL: the scratch
 * databases, the rename hints and the pipeline that lib/autogen.c calls
 * for a postgresql:// DATABASE_URL.
 *
 * The catalog introspection, diff options and emitter themselves are
 * declared in dbrev/schema.h (dbrev_postgres_introspect,
 * dbrev_postgres_diff_options, dbrev_postgres_emit).
 */
#ifndef DBREV_SCHEMA_POSTGRES_H
#define DBREV_SCHEMA_POSTGRES_H

#include <stddef.h>

#include "dbrev/autogen.h"
#include "dbrev/error.h"
#include "dbrev/util.h"

/* lib/autogen.c dispatches postgresql:// URLs here when this is defined. */
#define DBREV_HAVE_AUTOGEN_POSTGRES 1

/*
 * A rename hint, parsed by lib/autogen.c ("-- dbrev: rename ..." in the
 * schema file, --rename on the command line).  Names are unquoted and
 * lowercased; `table` may be "schema.table" or a bare name (public or
 * the one schema that has it).
 */
struct dbrev_pg_rename {
	int		 is_table;	/* 1: rename table `from` to `to` */
	const char	*table;		/* column hints: the table */
	const char	*from;
	const char	*to;
	const char	*origin;	/* the schema file or "--rename" */
	unsigned	 line;		/* in the schema file, or 0 */
};

/*
 * Autogenerate against PostgreSQL: on the scratch server (opts->dev_url,
 * default the server of opts->url with dbname=postgres) create two
 * temporary databases named dbrev_tmp_<pid>_<random>, replay the
 * revisions into one, load the schema file into the other, apply the
 * rename hints to the first, introspect, diff and emit both directions
 * into *res.  Both databases are dropped on every path.  The database
 * opts->url names is never opened.  A role that may not create
 * databases gets an error naming --dev-url.  SIGINT, SIGTERM and SIGHUP
 * are held (blocked) meanwhile and looked for between steps: one that
 * arrives stops the work, the databases are dropped, the caller's mask
 * is restored and the signal then takes its course.
 */
int	 dbrev_autogen_postgres(const struct dbrev_autogen_options *opts,
	    const struct dbrev_pg_rename *renames, size_t nrenames,
	    struct dbrev_autogen_result *res, struct dbrev_error *err);

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

#endif /* DBREV_SCHEMA_POSTGRES_H */
