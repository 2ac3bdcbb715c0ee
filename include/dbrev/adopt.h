/*
 * dbrev/adopt.h - take over a database that another tool migrated.
 *
 * After `revgen import --from KIND`, the database still records what it
 * has in KIND's version table.  Adopt reads that table (through the
 * driver's foreign_read) and records the matching revisions, ids derived
 * as the import derives them, as applied in dbrev's version table with
 * the checksums of their files.  It runs no migration SQL and leaves the
 * other table as it is.  What each kind's table means is in revapply(1),
 * ADOPT.
 */
#ifndef DBREV_ADOPT_H
#define DBREV_ADOPT_H

#include "dbrev/apply.h"
#include "dbrev/error.h"

/*
 * Stamp the revisions KIND's table records as applied.  Refuses, before
 * writing anything, when that table is missing, names a version with no
 * revision in the directory, records what dbrev cannot take over (a
 * dirty or failed migration, a repeatable, one applied before its
 * parent), or when dbrev's version table disagrees (an edited file, a
 * row in progress, an imported revision recorded as applied that the
 * other table does not record).  Rows dbrev's table has already are
 * kept; res->napplied counts the rows added, res->current is where the
 * database stands afterwards.
 */
int	 dbrev_apply_adopt(const struct dbrev_apply_options *,
	    const char *kind, struct dbrev_apply_result *res,
	    struct dbrev_error *err);

#endif /* DBREV_ADOPT_H */
