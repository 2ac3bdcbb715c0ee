/*
 * postgres.c - the PostgreSQL driver (libpq).  Stub: being written.
 */
#include <stddef.h>

#include "dbrev/driver.h"

static int
pg_open(const char *url, struct dbrev_conn **out, struct dbrev_error *err)
{
	(void)url;
	*out = NULL;
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
	    "PostgreSQL driver not finished yet");
}

static void
pg_close(struct dbrev_conn *c)
{
	(void)c;
}

const struct dbrev_driver dbrev_driver_postgres = {
	.name = "postgresql",
	.dialect = DBREV_DIALECT_POSTGRES,
	.open = pg_open,
	.close = pg_close,
};
