/*
 * dbrev/lint.h - find the dangerous operations in revisions before they
 * run: locks that stop an application, table rewrites, changes that
 * break the code still running, statements a transaction turns into
 * no-ops or errors.
 *
 * The lint reads each revision's upgrade section with a tokenizer
 * (strings, dollar quotes, comments and quoted identifiers are never
 * mistaken for SQL), statement by statement, in apply order.  It keeps
 * track of what the revisions build: tables and their columns, indexes,
 * constraints, triggers and views.  A table created earlier in the
 * revision being checked is new and empty; every other table counts as
 * existing and populated.
 *
 * Rules belong to a database (dbrev_lint_nrules); each has a name, a
 * default level and a one-line summary.  A project changes levels in a
 * lint.conf file (dbrev_lint_config_parse); a revision opts out of a rule
 * with a header line "-- lint: allow RULE -- reason" (dbrev-revision(5)).
 * The library never prints: findings are returned as data, in apply
 * order and, within a revision, in file order.
 */
#ifndef DBREV_LINT_H
#define DBREV_LINT_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/graph.h"
#include "dbrev/url.h"

enum dbrev_lint_level {
	DBREV_LINT_OFF = 0,
	DBREV_LINT_WARNING,	/* reported; does not fail the lint */
	DBREV_LINT_ERROR	/* reported; the lint fails (revorder exit 1) */
};

/* "off", "warning", "error". */
const char	*dbrev_lint_level_name(enum dbrev_lint_level);

/* What a rule is, for listings and documentation. */
struct dbrev_lint_rule_info {
	const char		*name;	  /* e.g. "require-concurrent-index-creation" */
	enum dbrev_lint_level	 level;	  /* its default level */
	const char		*summary; /* what it flags, one line */
};

/*
 * The rules of a dialect: how many (0 when the dialect has none, or is
 * not compiled in) and the i-th, or NULL past the end.
 */
size_t	 dbrev_lint_nrules(enum dbrev_dialect);
const struct dbrev_lint_rule_info *
	 dbrev_lint_rule(enum dbrev_dialect, size_t i);

/*
 * A project's levels: one "RULE off|warning|error" per line; '#' starts
 * a comment; blank lines are ignored.  A rule of another database is
 * accepted and ignored (one file may serve both); a name no database
 * knows, a bad level, extra words or a rule named twice is an INPUT
 * error at path:line (all of them are chained).  Free with
 * dbrev_lint_config_free.
 */
struct dbrev_lint_config;	/* opaque */

int	 dbrev_lint_config_parse(const char *path, const char *text,
	    size_t len, enum dbrev_dialect, struct dbrev_lint_config **out,
	    struct dbrev_error *err);
void	 dbrev_lint_config_free(struct dbrev_lint_config *);

/* One finding. */
struct dbrev_lint_finding {
	const char		*rule;	  /* the rule's name (static) */
	enum dbrev_lint_level	 level;	  /* WARNING or ERROR */
	char			*file;	  /* the revision's path */
	unsigned		 line;	  /* file line of the statement part */
	char			*message; /* what is dangerous */
	char			*hint;	  /* the safe way */
};

struct dbrev_lint_result {
	struct dbrev_lint_finding *findings;
	size_t		 nfindings;
	size_t		 nerrors;	/* findings of level ERROR */
	size_t		 nwarnings;	/* findings of level WARNING */
	size_t		 nallowed;	/* left out by "lint: allow" lines */
	size_t		 nrevisions;	/* revisions checked */
};

void	 dbrev_lint_result_free(struct dbrev_lint_result *);

/*
 * Lint a graph loaded with its SQL (flags 0): every revision is read in
 * apply order for what it builds, and those with check[i] != 0 (all
 * when check is NULL) are checked.  config may be NULL (the default
 * levels).  Appends to res (zero it first).  A "lint:" header line that
 * is not "allow RULE -- REASON" with a rule of the dialect and a reason
 * is an INPUT error at its file:line; every such line is reported and
 * -1 returned.  An UNKNOWN dialect is an INPUT error.
 */
int	 dbrev_lint_graph(const struct dbrev_graph *,
	    const unsigned char *check, enum dbrev_dialect,
	    const struct dbrev_lint_config *, struct dbrev_lint_result *res,
	    struct dbrev_error *err);

struct dbrev_lint_options {
	const char		*dir;	  /* migrations directory */
	enum dbrev_dialect	 dialect; /* UNKNOWN: the URL's */
	/*
	 * NULL: check every revision.  A database URL: check only the
	 * revisions not applied there (the version table is read through
	 * the driver; nothing is written, a missing SQLite file is not
	 * created).
	 */
	const char		*url;
	const char		*table;	  /* version table; NULL: the default */
	/*
	 * NULL: check every revision.  A target (id, prefix, head, heads,
	 * base): check only the revisions outside its ancestry, the ones an
	 * upgrade from it would apply.  Not together with url.
	 */
	const char		*since;
	/* Levels file; NULL: DIR/lint.conf when it exists. */
	const char		*config;
};

/* Defaults: dir "migrations", no URL, no since, the default config. */
void	 dbrev_lint_options_init(struct dbrev_lint_options *);

/*
 * Load the directory, pick the revisions to check, read the levels and
 * lint (dbrev_lint_graph).  Returns 0 when the lint ran (whatever it
 * found: see res->nerrors) and -1 with err filled when it could not:
 * invalid files or options (INPUT), an unreadable file or database
 * (RUNTIME).
 */
int	 dbrev_lint_run(const struct dbrev_lint_options *,
	    struct dbrev_lint_result *res, struct dbrev_error *err);

#endif /* DBREV_LINT_H */
