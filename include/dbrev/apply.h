/*
 * dbrev/apply.h - bring a database to a target revision: upgrade,
 * downgrade, stamp, resolve; report where it is; write the SQL offline.
 *
 * Each revision runs in its own transaction together with its row in the
 * version table (or all in one with single_transaction), so a failure
 * leaves the database at the previous revision.  Runners serialise on
 * the driver's lock and re-check each revision's row inside its
 * transaction: every revision is applied exactly once, and a runner that
 * finds its work done by another reports nothing to do.  The library
 * never prints: progress goes to the on_step callback.
 */
#ifndef DBREV_APPLY_H
#define DBREV_APPLY_H

#include <stddef.h>

#include "dbrev/db.h"
#include "dbrev/error.h"
#include "dbrev/graph.h"
#include "dbrev/revision.h"
#include "dbrev/url.h"
#include "dbrev/util.h"

/* One revision run (or found done by another runner), as it happens. */
struct dbrev_step_report {
	enum dbrev_direction		 direction;
	const struct dbrev_revision	*rev;	/* id, parents, message, path */
	double				 ms;	/* time it took */
	int				 skipped; /* another runner did it */
};

/*
 * A revision (with single_transaction: the whole run) that failed only
 * because a statement waited longer than the lock timeout for another
 * session's lock: it was rolled back and is tried again after `delay`.
 */
struct dbrev_retry_report {
	const struct dbrev_revision	*rev;	/* the one whose statement waited */
	unsigned			 try;	/* the try that failed, from 1 */
	unsigned			 tries;	/* tries in all */
	double				 delay;	/* seconds until the next */
	int				 whole_run; /* single_transaction */
	const char			*message; /* the database's error */
};

#define DBREV_DEFAULT_STATEMENT_LOCK_TIMEOUT 5.0	/* seconds */
#define DBREV_DEFAULT_RETRIES	2	/* tries after the first: 3 in all */
#define DBREV_DEFAULT_RETRY_DELAY 1.0	/* seconds before the second try */

struct dbrev_apply_options {
	const char	*dir;		/* migrations directory */
	const char	*url;		/* database URL (may hold a password) */
	/*
	 * The database URL read once (dbrev_target_new), which the library
	 * uses instead of url when not NULL; the caller frees it.
	 */
	const struct dbrev_target *target;
	const char	*table;		/* version table; NULL: the default */
	/*
	 * Seconds to wait for the migration lock (the advisory lock, the
	 * version table); < 0: the default (60).  Not for the statements of
	 * revisions: statement_lock_timeout is.
	 */
	double		 lock_timeout;
	/*
	 * Each revision's statements (where the driver can bound them,
	 * PostgreSQL): how long each may wait for a lock another session
	 * holds (< 0: DBREV_DEFAULT_STATEMENT_LOCK_TIMEOUT) and how long
	 * each may run (<= 0: no limit, the default); 0 is no limit for
	 * both.  A revision's "lock-timeout:" and "statement-timeout:"
	 * lines take precedence.
	 */
	double		 statement_lock_timeout;
	double		 statement_timeout;
	/*
	 * How many times a revision that failed only for its lock timeout
	 * is rolled back and tried again (< 0: DBREV_DEFAULT_RETRIES; 0:
	 * never), waiting retry_delay seconds (< 0: the default) before the
	 * second try, doubling for each next, with up to +50% jitter.  A
	 * transaction: none revision is tried again only when nothing it
	 * ran was kept; with single_transaction the whole run is.
	 */
	int		 retries;
	double		 retry_delay;
	int		 single_transaction; /* all revisions in one */
	/* Called after each revision; may be NULL. */
	void		(*on_step)(void *arg, const struct dbrev_step_report *);
	/*
	 * Called with each notice the database raises while SQL runs
	 * ("NOTICE: ...", "WARNING: ...", no password); may be NULL.
	 */
	void		(*on_notice)(void *arg, const char *msg);
	/* Called before each wait for another try; may be NULL. */
	void		(*on_retry)(void *arg, const struct dbrev_retry_report *);
	void		*arg;		/* for on_step, on_notice, on_retry */
};

/* Fill the options with the defaults (dir "migrations", no URL). */
void	 dbrev_apply_options_init(struct dbrev_apply_options *);

/* What a run did. */
struct dbrev_apply_result {
	size_t	  napplied;	/* revisions this runner ran */
	size_t	  nskipped;	/* found done by another runner */
	double	  ms;		/* the whole run */
	char	**current;	/* ids of the current revisions afterwards */
	size_t	  ncurrent;	/* 0: at base */
	int	  no_database;	/* downgrade: the SQLite file is not there
				 * (not created): at base */
};

void	 dbrev_apply_result_free(struct dbrev_apply_result *);

/*
 * Upgrade or downgrade to target (see dbrev_graph_plan for the forms;
 * NULL: "head" for upgrade, "-1" for downgrade).  An upgrade after which
 * every versioned revision is applied then runs each repeatable whose
 * checksum differs from its row's (or that has none), in run order,
 * each in its own transaction with its row replaced; the steps report
 * them too (rev->repeatable).  A downgrade leaves repeatables alone.  Refuses to start
 * when a row is left in progress, an applied revision's file changed
 * (checksum), a row names a revision not in the directory, or the plan
 * would downgrade across an irreversible revision.  An SQL error rolls
 * back the failing revision, keeps earlier ones, and fills err with the
 * file:line of the failing statement and the revision id.
 */
int	 dbrev_apply_run(const struct dbrev_apply_options *,
	    enum dbrev_direction, const char *target,
	    struct dbrev_apply_result *, struct dbrev_error *);

/*
 * Set the version table to exactly the target and its ancestors
 * (head, heads, base, id or prefix), running no migration SQL.
 * Repeatables' rows are left as they are (resolve sets one).
 */
int	 dbrev_apply_stamp(const struct dbrev_apply_options *,
	    const char *target, struct dbrev_apply_result *,
	    struct dbrev_error *);

/*
 * Settle one revision's row by hand after checking the database:
 * applied != 0 records it applied with its file's current checksum
 * (clears an in-progress mark, accepts an edited file); applied == 0
 * removes its row (also for ids no longer in the directory).
 */
int	 dbrev_apply_resolve(const struct dbrev_apply_options *,
	    const char *revision, int applied, struct dbrev_error *);

/* A repeatable revision against the version table. */
enum dbrev_rep_state {
	DBREV_REP_CURRENT = 0,	/* recorded with its file's checksum */
	DBREV_REP_NEW,		/* no row: never run here */
	DBREV_REP_CHANGED	/* its file changed since it last ran */
};

/* Where a database stands, for current and history. */
struct dbrev_status {
	struct dbrev_graph	*graph;
	struct dbrev_applied	*rows;	 /* the version table */
	size_t			 nrows;
	struct dbrev_revset	 applied; /* rows in state applied */
	unsigned char		*in_progress; /* per apply-order index */
	unsigned char		*edited;  /* applied, checksum differs */
	size_t			*current; /* apply-order indices */
	size_t			 ncurrent;
	/*
	 * Per repeatable (run order, dbrev_graph_repeatable): what the next
	 * upgrade to head does with it.
	 */
	unsigned char		*rep_state; /* enum dbrev_rep_state */
	char			**unknown; /* row ids not in the directory */
	size_t			 nunknown;
	int			 no_database; /* sqlite: file not there (not
					       * created): at base */
};

/*
 * Read the graph and the version table; the table is not modified, and
 * a SQLite file that does not exist is not created.
 */
int	 dbrev_apply_status(const struct dbrev_apply_options *,
	    struct dbrev_status *, struct dbrev_error *);
void	 dbrev_status_free(struct dbrev_status *);

/*
 * Offline SQL: append to out a script (for sqlite3 or psql, by
 * dialect) that takes a database from `from` (a target whose closure
 * is taken as applied; NULL or "base": nothing) to `to`, version-table
 * DDL and rows included, each revision in BEGIN/COMMIT unless it is
 * "transaction: none" (or all in one with single_transaction).  When
 * `to` leaves every versioned revision applied (an upgrade), every
 * repeatable follows, each with its row replaced (what ran before is
 * not known offline).  No connection is made.
 */
int	 dbrev_apply_sql(const struct dbrev_apply_options *,
	    enum dbrev_dialect, enum dbrev_direction, const char *from,
	    const char *to, struct dbrev_buf *out, struct dbrev_error *);

#endif /* DBREV_APPLY_H */
