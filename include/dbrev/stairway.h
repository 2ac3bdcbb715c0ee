/*
 * dbrev/stairway.h - the stairway test and drift: the revisions' own
 * schemas, built on scratch databases and compared.
 *
 * Stairway test: on a scratch database (never the one the URL names;
 * see struct dbrev_driver's scratch_create), for each revision in apply
 * order, upgrade it and read the schema; downgrade it, the schema must
 * equal the one before it; upgrade it again, the schema must equal the
 * first upgrade's.
 *
 * Drift: the live database's schema against the one its applied
 * revisions build on a scratch database; the live database is opened
 * read-only (the driver's read_only) and only read.
 *
 * Both compare as autogenerate does (dbrev_schema_diff, column order
 * never counts) and, unless exact_names is set, constraint names the
 * database invents (PostgreSQL's t_pkey, t_a_fkey, t_a_check1, ...)
 * do not count: an invented name on one side matches an invented name
 * on the other for the same constraint.
 */
#ifndef DBREV_STAIRWAY_H
#define DBREV_STAIRWAY_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/revision.h"

struct dbrev_schema;

/* What happened to one revision, in the order they are tried. */
enum dbrev_stair_verdict {
	DBREV_STAIR_OK = 0,
	DBREV_STAIR_IRREVERSIBLE,	/* no downgrade section */
	DBREV_STAIR_DOWNGRADE_DIFFERS,	/* schema after down != before up */
	DBREV_STAIR_DOWNGRADE_FAILS,	/* the downgrade raised an error */
	DBREV_STAIR_REUPGRADE_FAILS,	/* upgrade after downgrade raised an
					   error or built another schema */
	DBREV_STAIR_UPGRADE_FAILS,	/* the first upgrade (or the data
					   hook after it) raised an error:
					   nothing after it can be tried */
	DBREV_STAIR_NVERDICTS
};

/* "ok", "irreversible", "downgrade differs", ... */
const char *dbrev_stair_verdict_name(enum dbrev_stair_verdict);

struct dbrev_stair_step {
	const struct dbrev_revision *rev;
	enum dbrev_stair_verdict verdict;
	/*
	 * A failure: the error (file:line: the database's message) or, for
	 * a schema difference, one line per difference; else NULL.
	 */
	char		*detail;
	/*
	 * A schema difference: the SQL that would take the schema found to
	 * the schema expected (what the downgrade forgot), else NULL.
	 */
	char		*sql;
	double		 ms;
};

struct dbrev_stairway_options {
	const char	*dir;		/* migrations directory */
	const char	*url;		/* DATABASE_URL: kind and server only */
	const char	*dev_url;	/* scratch server (PostgreSQL), or NULL */
	const char	*range;		/* "FROM:TO", "TO", or NULL: base:heads */
	/*
	 * SQL run after each first upgrade, in the revision's transaction
	 * (so that a downgrade that loses or breaks on data shows it): a
	 * file, run after every revision, or a directory, whose REV.sql is
	 * run after revision REV when it is there.  NULL: none.
	 */
	const char	*data_hook;
	int		 strict;	/* irreversible is a failure */
	int		 keep_going;	/* go on after a failure */
	int		 exact_names;	/* invented constraint names count */
	unsigned	 jobs;		/* scratch databases side by side
					   (0, 1: one; DBREV_STAIR_JOBS_AUTO) */
	/* Called for each revision as soon as its turn is over (when more
	   than one job runs, in apply order: the first range's as they
	   come, the others' once all are done); may be NULL. */
	void		(*on_step)(void *arg, const struct dbrev_stair_step *);
	void		*arg;
};

/*
 * jobs: one scratch database per core, at most 4, and at most one per
 * 100 revisions under test (fewer are not worth a database).  Each
 * range's database first runs the revisions before it as one process
 * would (up, down, up), so the verdicts are one process's (past a
 * failure that keep_going goes on after, they may not be).
 */
#define DBREV_STAIR_JOBS_AUTO	0xffffffffu

struct dbrev_stairway_result {
	struct dbrev_graph	*graph;		/* steps point into it */
	struct dbrev_stair_step	*steps;		/* in apply order */
	size_t			 nsteps;
	size_t			 count[DBREV_STAIR_NVERDICTS];
	size_t			 failed;	/* steps that fail the test */
	size_t			 untried;	/* not reached (stopped) */
	unsigned		 jobs;		/* scratch databases used */
	double			 ms;
};

/*
 * Run the test.  Returns 0 when it ran (res->failed says whether the
 * revisions pass), -1 with err when it could not (no scratch database,
 * unreadable revisions).  The scratch database is dropped on every
 * path; SIGINT, SIGTERM and SIGHUP are held meanwhile and end the run
 * between revisions.
 */
int	 dbrev_stairway_run(const struct dbrev_stairway_options *,
	    struct dbrev_stairway_result *, struct dbrev_error *);
void	 dbrev_stairway_result_free(struct dbrev_stairway_result *);

/* ------------------------------------------------------------ drift */

struct dbrev_drift_options {
	const char	*dir;
	const char	*url;		/* the live database */
	const char	*dev_url;
	const char	*table;		/* version table, ignored; NULL:
					   the default */
	int		 exact_names;
};

struct dbrev_drift_result {
	char	**differences;	/* one line each, live vs expected */
	size_t	  ndifferences;
	char	 *repair;	/* SQL taking the live schema back to the
				   revisions' ("" when equal) */
	char	 *reverse;	/* SQL taking the revisions' schema to the
				   live one */
	char	**applied;	/* ids of the applied revisions replayed */
	size_t	  napplied;
};

/*
 * Compare; 0 with res filled (ndifferences 0: no drift) or -1 with err.
 * Refuses when the version table has a row in progress, an edited
 * revision or a revision this directory lacks (the expected schema is
 * then unknown).
 */
int	 dbrev_drift_run(const struct dbrev_drift_options *,
	    struct dbrev_drift_result *, struct dbrev_error *);
void	 dbrev_drift_result_free(struct dbrev_drift_result *);

/*
 * Make invented constraint names of `to` that match a constraint of
 * `from` (same table, same definition, also invented) take from's name,
 * so that dbrev_schema_diff does not count them (lib/stairway.c).
 */
void	 dbrev_schema_match_invented_names(const struct dbrev_schema *from,
	    struct dbrev_schema *to);

#endif /* DBREV_STAIRWAY_H */
