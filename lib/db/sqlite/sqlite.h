/*
 * sqlite.h - private to lib/db/sqlite/: the groups of SQLite's table of
 * operations that live in files other than driver.c, which gathers
 * them into dbrev_driver_sqlite.
 */
#ifndef DBREV_DB_SQLITE_H
#define DBREV_DB_SQLITE_H

#include "../driver.h"

extern const struct lint_dialect dbrev_lint_sqlite;	/* lint.c */

#endif
