/*
 * schema.c - the PostgreSQL driver's schema group: introspection of an
 * open connection, the SQL of a difference, a read-only connection
 * (scratch databases are made where autogenerate makes its own, in
 * autogen.c; the fingerprint is in fingerprint.c).
 */
#include <stdlib.h>

#include "libpq.h"

#include "dbrev/schema.h"
#include "hooks.h"
#include "schema.h"

int
dbrev_pg_conn_introspect(struct dbrev_conn *c, struct dbrev_schema **out,
    struct dbrev_error *err)
{
	return dbrev_postgres_introspect(dbrev_pg_conn_pg(c), out, err);
}

void
dbrev_pg_conn_diff_options(struct dbrev_conn *c, struct dbrev_diff_options *o)
{
	dbrev_postgres_diff_options(o, PQserverVersion(dbrev_pg_conn_pg(c)));
}

void
dbrev_pg_diff_sql(struct dbrev_conn *c, const struct dbrev_diff *d,
    struct dbrev_buf *out)
{
	char **w = NULL;
	size_t nw = 0, i;
	int tx = 1;

	dbrev_postgres_emit(d, PQserverVersion(dbrev_pg_conn_pg(c)), out, &tx,
	    &w, &nw);
	for (i = 0; i < nw; i++)
		free(w[i]);
	free(w);
}

int
dbrev_pg_read_only(struct dbrev_conn *c, struct dbrev_error *err)
{
	PGresult *r = PQexec(dbrev_pg_conn_pg(c),
	    "SET default_transaction_read_only = on");
	int ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	if (!ok)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot make the connection read-only");
	return 0;
}
