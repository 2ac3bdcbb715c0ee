/*
 * hooks.h - the SQLite driver's schema group (lib/db/sqlite/schema.c),
 * private to lib/db/sqlite/.
 */
#ifndef DBREV_SQLITE_HOOKS_H
#define DBREV_SQLITE_HOOKS_H

#include <sqlite3.h>

#include "../driver.h"

/* The connection's SQLite handle (lib/db/sqlite/driver.c). */
sqlite3	*dbrev_sqlite_conn_db(struct dbrev_conn *);

int	 dbrev_sqlite_scratch_create(const char *url, const char *dev_url,
	    struct dbrev_scratch *, struct dbrev_error *);
void	 dbrev_sqlite_scratch_drop(struct dbrev_scratch *);
int	 dbrev_sqlite_conn_introspect(struct dbrev_conn *,
	    struct dbrev_schema **, struct dbrev_error *);
void	 dbrev_sqlite_conn_diff_options(struct dbrev_conn *,
	    struct dbrev_diff_options *);
void	 dbrev_sqlite_diff_sql(struct dbrev_conn *, const struct dbrev_diff *,
	    struct dbrev_buf *);
int	 dbrev_sqlite_fingerprint(struct dbrev_conn *, struct dbrev_buf *,
	    struct dbrev_error *);
int	 dbrev_sqlite_scratch_fast(struct dbrev_conn *, struct dbrev_error *);
int	 dbrev_sqlite_read_only(struct dbrev_conn *, struct dbrev_error *);

#endif /* DBREV_SQLITE_HOOKS_H */
