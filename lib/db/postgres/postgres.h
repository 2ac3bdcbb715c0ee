/*
 * postgres.h - private to lib/db/postgres/: the groups of PostgreSQL's table of
 * operations that live in files other than driver.c, which gathers
 * them into dbrev_driver_postgres.
 */
#ifndef DBREV_DB_POSTGRES_H
#define DBREV_DB_POSTGRES_H

#include "../driver.h"

extern const struct lint_dialect dbrev_lint_postgres;	/* lint.c */

#endif
