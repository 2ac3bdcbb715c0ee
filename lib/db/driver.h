/*
 * lib/db/driver.h - private: the table of operations every database
 * fills, and the registry that picks one.
 *
 * A database lives in one directory, lib/db/<name>/, which exports one
 * const struct dbrev_driver (its driver.c) and nothing else the generic
 * code calls by name.  lib/db/registry.c lists the databases and their
 * URL schemes; it is the only file outside lib/db/<name>/ that knows a
 * database by name.  The operations (apply, backup, autogenerate, lint,
 * track) call the table and branch on its capabilities, never on which
 * database it is.
 *
 * The table is in groups:
 *   identity   names, the file a URL names, loading the client library
 *   runtime    connect, transactions, run a script, version table, lock
 *   script     the offline script (revapply --sql), no connection
 *   backup     take, verify, restore (lib/db/<name>/backup.c)
 *   schema     autogenerate (lib/db/<name>/autogen.c)
 *   reads      scratch databases, introspection, fingerprints: the
 *              stairway test and drift (lib/db/<name>/schema.c)
 *   lint       the rule table (lib/db/<name>/lint.c)
 * An optional hook or group is NULL when the database has none.
 *
 * Lock timeouts, everywhere in this table and in the options of the
 * operations, are seconds: 0 does not wait at all, a negative value (or
 * NaN) is DBREV_DEFAULT_LOCK_TIMEOUT.
 */
#ifndef DBREV_DB_DRIVER_H
#define DBREV_DB_DRIVER_H

#include <stddef.h>

#include "dbrev/db.h"
#include "dbrev/error.h"
#include "dbrev/url.h"
#include "dbrev/util.h"

struct dbrev_conn;	/* a driver's own connection, opaque */

/*
 * One row of another tool's version table, read for revapply adopt
 * (lib/adopt.c gives the rows their meaning).
 */
struct dbrev_foreign_row {
	char	*version;	/* version, change or revision as the tool
				   records it; NULL for an SQL NULL */
	char	*type;		/* flyway: type; else NULL */
	char	*name;		/* flyway: script; sqitch: project; else NULL */
	int	 flag;		/* golang-migrate: dirty; goose: is_applied;
				   flyway: success; else 1 */
};

void	 dbrev_foreign_rows_free(struct dbrev_foreign_row *, size_t n);
struct dbrev_schema;
struct dbrev_diff;
struct dbrev_diff_options;
struct dbrev_scratch;
struct dbrev_backup_ops;
struct dbrev_schema_ops;
struct lint_dialect;

struct dbrev_driver {
	/* --- identity ------------------------------------------------- */
	const char		*name;	/* "sqlite": --dialect, messages */
	const char		*title;	/* "SQLite": in sentences */
	const char		*url_example;	/* "sqlite:": in hints */
	enum dbrev_dialect	 dialect;
	/*
	 * Optional.  The database file a URL of this driver names when
	 * the database is one local file that opening creates (a copy;
	 * NULL when it is not, e.g. in memory, or when the URL is bad:
	 * open() says what is wrong).  Generic code uses it to look at a
	 * database without creating it.
	 */
	char	*(*file_of)(const char *url);
	/*
	 * Optional (NULL: any URL open() takes names a lasting database).
	 * Without opening anything: 1 when the URL names a database that
	 * outlives its connection, 0 when it lives in the connection's
	 * memory only, -1 (err: DBREV_ERR_INPUT, with a hint giving the
	 * lasting forms) when the URL names none.
	 */
	int	(*url_lasting)(const char *url, struct dbrev_error *);
	/*
	 * Optional (NULL: the database has no schemas).  A copy of url that
	 * opens the same database with schema first on its search path;
	 * NULL, with *hint saying how to set it once, when url has settings
	 * of its own that could set the path too.
	 */
	char	*(*url_with_schema)(const char *url, const char *schema,
		    const char **hint);
	/*
	 * Optional.  Load the client library (PostgreSQL: libpq, loaded
	 * when first used); called before open().  Fills err when it
	 * cannot.
	 */
	int	(*load)(struct dbrev_error *);
	/*
	 * The first lines of an offline script: how to run it, and the
	 * database shell's setting that stops at the first error.
	 */
	const char		*script_preamble;

	/* --- runtime -------------------------------------------------- */
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
	/*
	 * Optional (NULL: the database makes nobody wait).  Bound every
	 * later wait of this connection for a lock that another connection
	 * holds to timeout seconds.  SQLite: the busy timeout, which lock()
	 * also sets.  PostgreSQL: the session's lock_timeout, for a
	 * connection that runs no revision (a revision's RESET ALL ends
	 * it): reports such as revapply current and dbbackup's reads of the
	 * version table.  Callers use dbrev_db_set_lock_timeout.
	 */
	int	(*set_lock_timeout)(struct dbrev_conn *, double timeout,
		    struct dbrev_error *);

	int	(*begin)(struct dbrev_conn *, struct dbrev_error *);
	int	(*commit)(struct dbrev_conn *, struct dbrev_error *);
	int	(*rollback)(struct dbrev_conn *, struct dbrev_error *);

	/*
	 * Run a script of one or more statements (a revision), then put
	 * the session back as it was (role, settings, PRAGMAs).  On an
	 * error, err names file:line, where line is first_line plus the
	 * line of the failing statement within sql.
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
	/*
	 * Optional (NULL when the database has none).  Hand each notice
	 * the server raises while SQL runs (NOTICE, WARNING, INFO), as one
	 * password-free line such as "NOTICE: table x does not exist,
	 * skipping", to fn(arg, msg); without it notices are dropped.
	 */
	void	(*set_notice)(struct dbrev_conn *,
		    void (*fn)(void *arg, const char *msg), void *arg);

	/*
	 * The version table (see dbrev/db.h): create when missing, read
	 * (ordered by applied_at, then revision), add, mark, remove.
	 */
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
	 * Optional (NULL: callers fall back to table_read).  Whether one
	 * revision has a row, and its state, read inside the current
	 * transaction: *found is 1 or 0.  Called in each revision's
	 * transaction to re-check what another runner may have done, so it
	 * should be cheap (a prepared statement).
	 */
	int	(*table_get)(struct dbrev_conn *, const char *table,
		    const char *revision, int *found,
		    enum dbrev_row_state *state, struct dbrev_error *);

	/*
	 * Optional (NULL: adopt is refused on this database).  Read the
	 * version table of another tool (revapply adopt; kind as in
	 * dbrev/import.h), in the order the tool wrote it, outside a
	 * transaction, writing nothing.  Returns 0 with the rows, 1 when
	 * the table is not there, -1 on an error.
	 */
	int	(*foreign_read)(struct dbrev_conn *, const char *kind,
		    struct dbrev_foreign_row **rows, size_t *nrows,
		    struct dbrev_error *);

	/* --- offline script ------------------------------------------ */
	/*
	 * Append to `out` the statements, in this dialect, that create the
	 * version table when missing, record a revision as applied, and
	 * remove its row.
	 */
	void	(*script_table_ensure)(struct dbrev_buf *out, const char *table);
	void	(*script_insert)(struct dbrev_buf *out, const char *table,
		    const char *revision, const char *checksum);
	void	(*script_delete)(struct dbrev_buf *out, const char *table,
		    const char *revision);
	/*
	 * Optional.  Append what puts the session back after a revision
	 * whose text is sql, as exec() does online, so that the script does
	 * what the online run does.
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

	/* --- reads: the stairway test and drift ---------------------- */
	/*
	 * Optional (NULL when the database has no introspection).
	 *
	 * scratch_create makes a fresh empty database of this kind, never
	 * the one url names: SQLite a temporary file; PostgreSQL a
	 * database dbrev_tmp_<pid>_<random> created from template0 on
	 * dev_url (NULL: url's server, maintenance database postgres).
	 * scratch_drop removes it and frees the fields; it needs no new
	 * connection (PostgreSQL keeps the one it created the database
	 * with, and reconnects only when that was lost) and waits out
	 * other sessions still closing.
	 */
	int	(*scratch_create)(const char *url, const char *dev_url,
		    struct dbrev_scratch *, struct dbrev_error *);
	void	(*scratch_drop)(struct dbrev_scratch *);
	/*
	 * Optional.  For a scratch database only: trade durability for
	 * speed on this connection (SQLite: no fsync, the journal in
	 * memory; PostgreSQL: scratch_create turns synchronous_commit off
	 * for the database, and this adds a log of what each command
	 * changes, so that fingerprint reads only that).
	 */
	int	(*scratch_fast)(struct dbrev_conn *, struct dbrev_error *);
	/* Read the schema of the open database (nothing is written). */
	int	(*introspect)(struct dbrev_conn *, struct dbrev_schema **,
		    struct dbrev_error *);
	/* dbrev_schema_diff options for schemas read from this database. */
	void	(*diff_options)(struct dbrev_conn *,
		    struct dbrev_diff_options *);
	/* Append the SQL that takes diff->from to diff->to, to show. */
	void	(*diff_sql)(struct dbrev_conn *, const struct dbrev_diff *,
		    struct dbrev_buf *out);
	/*
	 * Optional.  Replace out's contents with bytes that change
	 * whenever anything introspect reads changes: equal bytes mean
	 * equal schemas (different bytes may still introspect equal, e.g.
	 * column order).  A cheap first comparison of states of one
	 * database, on one connection (which may keep what it needs to
	 * make the next one cheaper); NULL: always introspect.
	 */
	int	(*fingerprint)(struct dbrev_conn *, struct dbrev_buf *out,
		    struct dbrev_error *);
	/*
	 * Make the connection refuse every write from now on (SQLite:
	 * PRAGMA query_only; PostgreSQL: default_transaction_read_only),
	 * so that a report that must not write cannot.
	 */
	int	(*read_only)(struct dbrev_conn *, struct dbrev_error *);

	/* --- the other groups ---------------------------------------- */
	const struct dbrev_backup_ops	*backup;	/* lib/db/<name>/backup.c */
	const struct dbrev_schema_ops	*schema;	/* lib/db/<name>/autogen.c */
	const struct lint_dialect	*lint;		/* lib/db/<name>/lint.c */
};

/*
 * A scratch database (stairway test, drift): a fresh, empty database
 * the driver made and drops again.  url opens it with dbrev_db_open;
 * the other fields are the driver's own.
 */
struct dbrev_scratch {
	const struct dbrev_driver *driver;
	char		*url;		/* may hold a password: never print */
	char		*name;		/* driver's: file or database name */
	void		*admin;		/* driver's: what drops it */
};

/* A database URL, read once (dbrev/url.h). */
struct dbrev_target {
	const struct dbrev_driver	*driver;	/* NULL: see dbrev_target_check */
	enum dbrev_dialect		 dialect;	/* known even when not built */
	char				*url;		/* as given; may be NULL */
	char				*display;	/* no secrets */
	char				*file;		/* driver->file_of(url) */
};

/*
 * The target's driver: 0, or -1 with err saying what is wrong with the
 * URL (none given, unknown scheme, not compiled in; see
 * dbrev_driver_of_url for `doing`).
 */
int	 dbrev_target_check(const struct dbrev_target *, const char *doing,
	    struct dbrev_error *err);

/* A connection with its driver. */
struct dbrev_db {
	const struct dbrev_driver	*driver;
	struct dbrev_conn		*conn;
	char				*url_redacted;	/* safe to print */
};

/* The drivers, one directory each in lib/db/ (listed in registry.c). */
extern const struct dbrev_driver dbrev_driver_sqlite;	/* lib/db/sqlite/driver.c */
extern const struct dbrev_driver dbrev_driver_postgres;	/* lib/db/postgres/driver.c */

/* --- lib/db/registry.c --------------------------------------------- */

/* The driver for a dialect, or NULL when not compiled in. */
const struct dbrev_driver *dbrev_driver_for(enum dbrev_dialect);

/* "SQLite", "PostgreSQL": a dialect's name in sentences. */
const char *dbrev_dialect_title(enum dbrev_dialect);

/*
 * For a known dialect not compiled in: the hint that says how to build
 * it in (NULL otherwise).
 */
const char *dbrev_dialect_unbuilt_hint(enum dbrev_dialect);

/*
 * The i-th compiled-in driver (from 0), or NULL past the last.  The
 * first is the default database (SQLite, embedded, always built in):
 * autogenerate and the stairway test use it when no URL is given.
 */
const struct dbrev_driver *dbrev_driver_at(size_t i);

/*
 * The driver of a URL: 0 and *drv; -1 with err (DBREV_ERR_INPUT) when
 * the URL is missing, its scheme unknown, or its database not compiled
 * in.  `doing` completes "cannot DOING 'URL': built without ..." (e.g.
 * "open", "back up").
 */
int	 dbrev_driver_of_url(const char *url, const char *doing,
	    const struct dbrev_driver **drv, struct dbrev_error *err);

/* --- lib/db/driver.c ------------------------------------------------ */

/*
 * Open the database a URL names.  Bad URL, unknown scheme, a driver
 * not compiled in or an unreachable server fill err.
 * Free with dbrev_db_close.
 */
int	 dbrev_db_open(const char *url, struct dbrev_db **out,
	    struct dbrev_error *err);
void	 dbrev_db_close(struct dbrev_db *);
/* The same for a target. */
int	 dbrev_db_connect(const struct dbrev_target *, struct dbrev_db **out,
	    struct dbrev_error *err);

/*
 * Bound the waits of db for other connections' locks (see the driver's
 * set_lock_timeout).  A driver without the operation makes nobody wait.
 */
int	 dbrev_db_set_lock_timeout(struct dbrev_db *db, double timeout,
	    struct dbrev_error *err);

/*
 * libpq is loaded when first used (lib/db/postgres/libpq.c, so that runs
 * that never touch PostgreSQL do not pay for loading it).  Load it now;
 * fills err when it cannot be loaded.  Only with PostgreSQL support.
 */
int	 dbrev_libpq_load(struct dbrev_error *err);

#endif /* DBREV_DB_DRIVER_H */
