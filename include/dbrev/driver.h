/*
 * dbrev/driver.h - one small interface in front of every database.
 *
 * Each database is one file in lib/db/ that fills a struct dbrev_driver;
 * lib/db/driver.c lists them.  Adding a database means adding one file
 * and one line there.  Callers use the dbrev_db_* functions, which pick
 * the driver from the URL and never show a password.
 */
#ifndef DBREV_DRIVER_H
#define DBREV_DRIVER_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/url.h"
#include "dbrev/util.h"

#define DBREV_DEFAULT_TABLE	"dbrev_revisions"
#define DBREV_DEFAULT_LOCK_TIMEOUT 60.0	/* seconds */

/*
 * The version table, the same on every database:
 *
 *   revision   TEXT PRIMARY KEY
 *   checksum   TEXT NOT NULL        hex SHA-256 of the upgrade section
 *   state      TEXT NOT NULL        'applied' | 'in_progress'
 *   applied_at timestamp, UTC       (SQLite: TEXT 'YYYY-MM-DDTHH:MM:SSZ';
 *                                    PostgreSQL: timestamptz DEFAULT now())
 *
 * table_read returns the rows ordered by applied_at, then revision.
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

struct dbrev_conn;	/* a driver's own connection, opaque */

struct dbrev_driver {
	const char		*name;		/* "sqlite", "postgresql" */
	enum dbrev_dialect	 dialect;

	int	(*open)(const char *url, struct dbrev_conn **,
		    struct dbrev_error *);
	void	(*close)(struct dbrev_conn *);

	/*
	 * Serialise runners on this database: wait up to timeout seconds,
	 * then fail with a clear error.  The lock cannot outlive the
	 * process (PostgreSQL: session advisory lock; SQLite: an exclusive
	 * flock(2) on the database file held from lock() to unlock(), so
	 * that a transaction: none revision is covered too, plus a busy
	 * timeout of the same length for begin()'s BEGIN IMMEDIATE).
	 * revapply takes it before reading the version table, holds it for
	 * the whole run, and re-checks each revision's row inside its
	 * transaction anyway.
	 */
	int	(*lock)(struct dbrev_conn *, const char *table, double timeout,
		    struct dbrev_error *);
	int	(*unlock)(struct dbrev_conn *, const char *table,
		    struct dbrev_error *);

	int	(*begin)(struct dbrev_conn *, struct dbrev_error *);
	int	(*commit)(struct dbrev_conn *, struct dbrev_error *);
	int	(*rollback)(struct dbrev_conn *, struct dbrev_error *);

	/*
	 * Run a script of one or more statements.  On an error, err names
	 * file:line, where line is first_line plus the line of the failing
	 * statement within sql.
	 */
	int	(*exec)(struct dbrev_conn *, const char *sql, const char *file,
		    unsigned first_line, struct dbrev_error *);
	/*
	 * Optional (NULL: assume 1).  After exec() outside a transaction:
	 * whether anything it ran was kept, 0 when every change it made ran
	 * in a transaction of the script's own that was rolled back (its
	 * session settings aside, which exec() puts back anyway).
	 */
	int	(*exec_kept)(struct dbrev_conn *);

	/* Version table: create when missing, read, add, mark, remove. */
	int	(*table_ensure)(struct dbrev_conn *, const char *table,
		    struct dbrev_error *);
	int	(*table_read)(struct dbrev_conn *, const char *table,
		    struct dbrev_applied **rows, size_t *nrows,
		    struct dbrev_error *);
	int	(*table_insert)(struct dbrev_conn *, const char *table,
		    const char *revision, const char *checksum,
		    enum dbrev_row_state, struct dbrev_error *);
	int	(*table_set_state)(struct dbrev_conn *, const char *table,
		    const char *revision, enum dbrev_row_state,
		    struct dbrev_error *);
	int	(*table_delete)(struct dbrev_conn *, const char *table,
		    const char *revision, struct dbrev_error *);

	/*
	 * Offline SQL (revapply --sql, no connection): append to `out` the
	 * statements, in this dialect, that create the version table when
	 * missing, record a revision as applied, and remove its row.
	 */
	void	(*script_table_ensure)(struct dbrev_buf *out, const char *table);
	void	(*script_insert)(struct dbrev_buf *out, const char *table,
		    const char *revision, const char *checksum);
	void	(*script_delete)(struct dbrev_buf *out, const char *table,
		    const char *revision);
	/*
	 * Optional.  Append what puts the session back after a revision
	 * whose text is sql, as exec() does online (PostgreSQL: the role,
	 * the settings, ...; SQLite: the session PRAGMAs), so that the
	 * script does what the online run does.
	 */
	void	(*script_reset)(struct dbrev_buf *out, const char *sql);
	/*
	 * Append a revision's text (upgrade or downgrade section, its first
	 * line first_line of file) to out, terminated so that what follows
	 * starts a statement of its own; in_tx: it runs inside a
	 * transaction of the script's.  Refuses (DBREV_ERR_INPUT,
	 * file:line), appending nothing, what exec() would refuse before
	 * running it and what the database's shell (psql, sqlite3) would
	 * read otherwise than the database: a statement that ends the
	 * transaction, a transaction begun and not ended, an unclosed quote,
	 * a meta-command.
	 */
	int	(*script_sql)(struct dbrev_buf *out, const char *sql,
		    const char *file, unsigned first_line, int in_tx,
		    struct dbrev_error *err);

	/*
	 * Added for revapply (optional: NULL makes callers fall back to
	 * table_read).  Whether one revision has a row, and its state, read
	 * inside the current transaction: *found is 1 or 0.  revapply calls
	 * it in each revision's transaction to re-check what another runner
	 * may have done, so it should be cheap (a prepared statement).
	 */
	int	(*table_get)(struct dbrev_conn *, const char *table,
		    const char *revision, int *found,
		    enum dbrev_row_state *state, struct dbrev_error *);

	/*
	 * Added by H4 for PostgreSQL (optional: NULL when the database has
	 * none).  Hand each notice the server raises while SQL runs
	 * (NOTICE, WARNING, INFO), as one password-free line such as
	 * "NOTICE: table x does not exist, skipping", to fn(arg, msg).
	 * Without it notices are dropped, since the library never prints.
	 * apply.c passes dbrev_apply_options.on_notice on right after
	 * opening; revapply prints the line on stderr unless -q.
	 */
	void	(*set_notice)(struct dbrev_conn *,
		    void (*fn)(void *arg, const char *msg), void *arg);

	/*
	 * Optional (NULL: the database makes nobody wait).  Bound every
	 * later wait of this connection for a lock that another connection
	 * holds to timeout seconds: 0 does not wait, a negative timeout is
	 * DBREV_DEFAULT_LOCK_TIMEOUT (the same as lock()'s).  SQLite: the
	 * busy timeout, which lock() also sets.  PostgreSQL: the session's
	 * lock_timeout, for a connection that runs no revision (a
	 * revision's RESET ALL ends it): reports such as revapply current
	 * and dbbackup's reads of the version table.  Callers use
	 * dbrev_db_set_lock_timeout.
	 */
	int	(*set_lock_timeout)(struct dbrev_conn *, double timeout,
		    struct dbrev_error *);

	/*
	 * Optional (NULL: the database cannot bound a revision's statements;
	 * apply.c notes a revision's header line that asks for it).  Bound
	 * the statements of the revision about to run: each waits at most
	 * lock_timeout seconds for a lock another session holds, and runs
	 * at most statement_timeout seconds; 0: no limit.  Inside a
	 * transaction until it ends (PostgreSQL: SET LOCAL, sent with the
	 * next statement); outside one, until exec() puts the session back.
	 */
	int	(*set_statement_timeouts)(struct dbrev_conn *,
		    double lock_timeout, double statement_timeout,
		    struct dbrev_error *);
	/*
	 * Optional (NULL: never).  Right after a failed exec() or commit():
	 * 1 when the failure was a wait for a lock reaching the lock timeout
	 * (PostgreSQL: SQLSTATE 55P03, lock_not_available), so that rolled
	 * back, the same work may succeed later.
	 */
	int	(*lock_timed_out)(struct dbrev_conn *);
};

/* A connection with its driver. */
struct dbrev_db {
	const struct dbrev_driver	*driver;
	struct dbrev_conn		*conn;
	char				*url_redacted;	/* safe to print */
};

/* The drivers, one file each in lib/db/. */
extern const struct dbrev_driver dbrev_driver_sqlite;	/* lib/db/sqlite/driver.c */
extern const struct dbrev_driver dbrev_driver_postgres;	/* lib/db/postgres/driver.c */

/*
 * libpq is loaded when first used (lib/db/postgres/libpq.c, so that runs
 * that never touch PostgreSQL do not pay for loading it).  Load it now;
 * fills err when it cannot be loaded.  Only with PostgreSQL support.
 */
int	 dbrev_libpq_load(struct dbrev_error *err);

/* The driver for a dialect, or NULL when not compiled in. */
const struct dbrev_driver *dbrev_driver_for(enum dbrev_dialect);

/*
 * Open the database a URL names.  Bad URL, unknown scheme, a driver
 * not compiled in or an unreachable server fill err.
 * Free with dbrev_db_close.
 */
int	 dbrev_db_open(const char *url, struct dbrev_db **out,
	    struct dbrev_error *err);
void	 dbrev_db_close(struct dbrev_db *);

/*
 * Bound the waits of db for other connections' locks (see the driver's
 * set_lock_timeout): timeout seconds, 0 does not wait, negative is the
 * default.  A driver without the operation makes nobody wait: 0.
 */
int	 dbrev_db_set_lock_timeout(struct dbrev_db *db, double timeout,
	    struct dbrev_error *err);

#endif /* DBREV_DRIVER_H */
