/*
 * schema.h - private to libdbrev: SQLite's part of the schema model
 * (lib/db/sqlite/introspect.c, emit.c), shared by the files of its
 * home (autogen.c, schema.c) and its tests.  Not installed.
 */
#ifndef DBREV_DB_SQLITE_SCHEMA_H
#define DBREV_DB_SQLITE_SCHEMA_H

#include <stddef.h>

#include "dbrev/schema.h"
#include "dbrev/util.h"

struct sqlite3;

/*
 * Read the schema of an open SQLite database ("main") from
 * sqlite_schema and the table_xinfo, index_list, index_xinfo and
 * foreign_key_list pragmas, parsing the stored CREATE text for what
 * the pragmas do not show (COLLATE, generated expressions, CHECK,
 * constraint names, DEFERRABLE, table options).
 */
int	 dbrev_sqlite_introspect(struct sqlite3 *db, struct dbrev_schema **out,
	    struct dbrev_error *err);

/* Options for dbrev_schema_diff as SQLite needs them (rebuilds). */
void	 dbrev_sqlite_diff_options(struct dbrev_diff_options *);

/*
 * Does the diff rebuild a table that another table references?  Then
 * foreign keys must be off during the rebuild, which SQLite only allows
 * outside a transaction: the revision must be "transaction: none" and
 * the emitted SQL carries its own BEGIN/COMMIT.
 */
int	 dbrev_sqlite_needs_fk_off(const struct dbrev_diff *);

/* Does this ALTER_TABLE change need the twelve-step rebuild? */
int	 dbrev_sqlite_needs_rebuild(const struct dbrev_change *);

/*
 * Append SQL to `out` that takes the diff's `from` schema to its `to`.
 * Column adds and drops use ALTER TABLE where SQLite allows; other
 * table changes use the twelve-step rebuild.  fk_off: 1 for the
 * transaction-less form (PRAGMA foreign_keys=OFF, BEGIN ... COMMIT,
 * PRAGMA foreign_keys=ON), 0 for the form that runs inside the
 * revision's transaction (PRAGMA defer_foreign_keys=ON).  Warnings
 * (data loss, unmodelled objects) are appended to *warnings and named
 * in SQL comments.  `before` and `after` (may be NULL) are SQL placed
 * before and after the changes inside the same transaction (rename
 * hints).  Foreign keys are turned back on at the end of the fk_off form.
 */
void	 dbrev_sqlite_emit(const struct dbrev_diff *, int fk_off,
	    const char *before, const char *after, struct dbrev_buf *out,
	    char ***warnings, size_t *nwarnings);

/* SQL that renames a table / a column (rename hints). */
void	 dbrev_sqlite_emit_rename_table(struct dbrev_buf *out,
	    const char *from, const char *to);
void	 dbrev_sqlite_emit_rename_column(struct dbrev_buf *out,
	    const char *table, const char *from, const char *to);

#endif /* DBREV_DB_SQLITE_SCHEMA_H */
