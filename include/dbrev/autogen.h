/*
 * dbrev/autogen.h - autogenerate: compare the schema the revisions build
 * with the schema a file declares, and write the SQL between them.
 *
 * Both sides are built in scratch databases (SQLite: in memory;
 * PostgreSQL: temporary databases on the dev server) and read back from
 * the same engine, so they compare as that engine normalises them.  The
 * database that DATABASE_URL names is never opened: the URL only tells
 * the dialect (and, for PostgreSQL, the default dev server).
 */
#ifndef DBREV_AUTOGEN_H
#define DBREV_AUTOGEN_H

#include <stddef.h>

#include "dbrev/error.h"

struct dbrev_autogen_options {
	const char		 *dir;		/* migrations directory */
	const char		 *schema_path;	/* the wanted schema (schema.sql) */
	const char		 *url;		/* DATABASE_URL: dialect only */
	const char		 *dev_url;	/* PostgreSQL scratch server, or NULL */
	const char *const	 *renames;	/* --rename hints, "t.a->b" or "t->u" */
	size_t			  nrenames;
};

struct dbrev_autogen_result {
	char	 *upgrade;	/* SQL from built to wanted; "" when equal */
	char	 *downgrade;	/* SQL from wanted to built */
	int	  transactional; /* 0: the revision needs "transaction: none" */
	char	**differences;	/* one human line per difference */
	size_t	  ndifferences;
	char	**warnings;	/* data loss, unmodelled objects, ... */
	size_t	  nwarnings;
};

/*
 * Diff the revisions in opts->dir against opts->schema_path.  On
 * success fills *res (free with dbrev_autogen_result_free); no
 * difference gives ndifferences == 0.  A schema file or revision that
 * does not load fills err naming file:line.
 */
int	 dbrev_autogen_diff(const struct dbrev_autogen_options *opts,
	    struct dbrev_autogen_result *res, struct dbrev_error *err);

void	 dbrev_autogen_result_free(struct dbrev_autogen_result *);

#endif /* DBREV_AUTOGEN_H */
