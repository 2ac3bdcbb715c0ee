/*
 * sqlite.h - private to lib/db/sqlite/: the groups of SQLite's table of
 * operations that live in files other than driver.c, which gathers
 * them into dbrev_driver_sqlite.
 */
#ifndef DBREV_DB_SQLITE_H
#define DBREV_DB_SQLITE_H

#include "../driver.h"

extern const struct lint_dialect dbrev_lint_sqlite;	/* lint.c */
extern const struct dbrev_backup_ops dbrev_sqlite_backup;	/* backup.c */
extern const struct dbrev_schema_ops dbrev_sqlite_schema;	/* autogen.c */

/*
 * url.c: the file path of a sqlite: URL (newly allocated; ":memory:"
 * for sqlite::memory:), or NULL with err filled when the URL is not a
 * valid sqlite: URL.
 */
char	*dbrev_url_sqlite_path(const char *url, struct dbrev_error *err);

#endif
