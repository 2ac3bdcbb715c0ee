/*
 * dbrev/db.h - a database as a library user sees it: the version table's
 * rows and the defaults.  Which database a URL names, and how to talk to
 * it, is the library's business (see dbrev/url.h for the URL itself).
 */
#ifndef DBREV_DB_H
#define DBREV_DB_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/url.h"
#include "dbrev/util.h"

#define DBREV_DEFAULT_TABLE	"dbrev_revisions"
/*
 * Seconds to wait for a lock another connection holds.  Every lock
 * timeout of the library is in seconds: 0 does not wait at all, a
 * negative value is this default.
 */
#define DBREV_DEFAULT_LOCK_TIMEOUT 60.0

/*
 * The version table, the same on every database:
 *
 *   revision   TEXT PRIMARY KEY
 *   checksum   TEXT NOT NULL        hex SHA-256 of the upgrade section
 *   state      TEXT NOT NULL        'applied' | 'in_progress'
 *   applied_at timestamp, UTC       (SQLite: TEXT 'YYYY-MM-DDTHH:MM:SSZ';
 *                                    PostgreSQL: timestamptz DEFAULT now())
 *
 * Rows are read ordered by applied_at, then revision.
 */

/* State of a row in the version table. */
enum dbrev_row_state {
	DBREV_ROW_APPLIED = 0,
	DBREV_ROW_IN_PROGRESS	/* a transaction: none revision not finished */
};

/* One row of the version table. */
struct dbrev_applied {
	char			*revision;
	char			*checksum;	/* hex SHA-256 */
	char			*applied_at;	/* as the database prints it */
	enum dbrev_row_state	 state;
};

void	 dbrev_applied_free(struct dbrev_applied *, size_t n);

#endif /* DBREV_DB_H */
