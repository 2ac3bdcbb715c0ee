/*
 * dbrev/fleet.h - many databases brought to head together: the fleet
 * file, and runs over it (revapply --fleet, make db-fleet-upgrade).
 *
 * A fleet file names one database per line:
 *
 *   # name      URL                                    fields
 *   tenant1     sqlite:data/tenant1.db
 *   eu7         postgresql://app:${EU_PW}@eu.example/app  schema=t7
 *   ops         "host=/run/postgresql dbname=ops"      table=ops.revs
 *
 * The syntax, decided once (dbrev_fleet_parse):
 *
 *   - Lines end with '\n' (a '\r' before it is dropped).  A line that is
 *     blank, or whose first word starts with '#', says nothing; a word
 *     starting with '#' ends the line (a '#' inside a word is text).
 *   - Words are separated by blanks (spaces, tabs).  In a word, '...' is
 *     text taken as it is; "..." is text where \", \\ and \$ stand for
 *     the character and ${NAME} is expanded; outside quotes, \c stands
 *     for c and ${NAME} is expanded.  Any other '$' is an error (write
 *     \$).  Other control characters are an error.
 *   - ${NAME} (NAME: [A-Za-z_][A-Za-z0-9_]*) is the value of environment
 *     variable NAME, taken as text: never split into words nor expanded
 *     again.  An unset variable is an error naming it.
 *   - The first word is the database's name, taken literally: 1 to 64 of
 *     [A-Za-z0-9._-], starting with a letter or a digit, unique in the
 *     file.  It names a make target and a file, so nothing else is
 *     allowed; it is never expanded.
 *   - The second word is its URL, as DATABASE_URL takes it (sqlite:PATH
 *     relative to the current directory, sqlite:///ABS, postgresql://,
 *     postgres://, a libpq keyword string in quotes).  A password
 *     written in the file itself is refused: write ${VAR}, or use
 *     ~/.pgpass or a service file.
 *   - Then KEY=VALUE fields, each at most once:
 *       schema=NAME  (PostgreSQL) the tenant's schema, [a-z_][a-z0-9_]*,
 *                    at most 63 bytes: the connection's search_path is
 *                    NAME (options=-csearch_path=NAME is added to the
 *                    URL, which must then set no options of its own) and
 *                    the version table is NAME.TABLE.
 *       table=NAME   its version table, as --table takes it (with
 *                    schema=, without a schema of its own).
 *     Any other key is an error.
 *
 * No message ever shows a URL or a value a ${VAR} gave, only names, keys
 * and file:line.
 */
#ifndef DBREV_FLEET_H
#define DBREV_FLEET_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/util.h"

#define DBREV_FLEET_NAME_MAX	64
#define DBREV_FLEET_SCHEMA_MAX	63

/* One database of a fleet. */
struct dbrev_fleet_db {
	char		*name;
	char		*url;		/* as connected to; may hold a password */
	char		*safe_url;	/* url without its password */
	char		*table;		/* version table, or NULL: the default */
	char		*schema;	/* schema=, or NULL */
	unsigned	 line;		/* its line in the fleet file */
	unsigned char	 selected;	/* taken by this run */
	unsigned char	 canary;	/* run before the others */
};

struct dbrev_fleet {
	char			*source;	/* the file, for messages */
	char			*table;		/* the default it was read with */
	struct dbrev_fleet_db	*db;		/* in file order */
	size_t			 n;
};

struct dbrev_fleet_parse_opts {
	const char	*source;	/* named in messages; NULL: "fleet" */
	const char	*table;		/* default version table, or NULL */
	/* Where ${NAME} is looked up; NULL: getenv(3). */
	const char	*(*getenv)(void *arg, const char *name);
	void		*arg;
};

/*
 * Parse a fleet file's text.  Returns 0 with *out (every database
 * selected; free with dbrev_fleet_free), or -1 with err: INPUT errors,
 * one per bad line ("source:line: what; what to do"), none holding a
 * URL or a variable's value.
 */
int	 dbrev_fleet_parse(const char *text, size_t len,
	    const struct dbrev_fleet_parse_opts *, struct dbrev_fleet **out,
	    struct dbrev_error *err);

/*
 * Read and parse the file at path (opts->source defaults to path); its
 * text goes to *text when not NULL.
 */
int	 dbrev_fleet_load(const char *path, const struct dbrev_fleet_parse_opts *,
	    struct dbrev_fleet **out, struct dbrev_buf *text,
	    struct dbrev_error *err);

/*
 * Run cmd with /bin/sh -c, and parse what it prints (source "command"
 * unless opts says otherwise).  Its text goes to *text when not NULL
 * (it holds no password, or parsing would have refused it).  A command
 * that fails is a RUNTIME error; its stderr goes where ours goes.
 */
int	 dbrev_fleet_load_cmd(const char *cmd,
	    const struct dbrev_fleet_parse_opts *, struct dbrev_fleet **out,
	    struct dbrev_buf *text, struct dbrev_error *err);

void	 dbrev_fleet_free(struct dbrev_fleet *);

/* Whether s is a database name a fleet file may hold. */
int	 dbrev_fleet_name_valid(const char *s);

/* The database called name, or NULL. */
struct dbrev_fleet_db *dbrev_fleet_find(const struct dbrev_fleet *,
	    const char *name);

/*
 * The shard (1 to n) a name falls in: 1 + FNV-1a (64 bits) of its bytes
 * modulo n.  Stable across versions and machines, so that runners given
 * --shard 1/4 ... 4/4 split any fleet between them.
 */
unsigned dbrev_fleet_shard_of(const char *name, unsigned n);

/*
 * Choose this run's databases: name (NULL: all), then shard k of n
 * (n == 0: all).  canary, when not NULL, names databases (blank or
 * comma separated) that run first; each must be chosen.  An unknown
 * name is an INPUT error.  Returns how many are selected, or -1.
 */
long	 dbrev_fleet_select(struct dbrev_fleet *, const char *name,
	    unsigned shard_k, unsigned shard_n, const char *canary,
	    struct dbrev_error *err);

/* --- Runs. --- */

enum dbrev_fleet_verb {
	DBREV_FLEET_UPGRADE = 0,	/* to head, backing up first */
	DBREV_FLEET_CURRENT,		/* where each stands */
	DBREV_FLEET_STATUS,		/* the same, with what is pending */
	DBREV_FLEET_CHECK		/* fail where an upgrade would refuse */
};

const char	*dbrev_fleet_verb_name(enum dbrev_fleet_verb);
/* 0 and *v, or -1 for a word that is no verb. */
int		 dbrev_fleet_verb_parse(const char *s, enum dbrev_fleet_verb *v);

enum dbrev_fleet_outcome {
	DBREV_FLEET_NOT_RUN = 0,	/* not tried: a canary failed, the run
					 * stopped or was interrupted */
	DBREV_FLEET_AT_HEAD,		/* nothing to do */
	DBREV_FLEET_UPGRADED,
	DBREV_FLEET_PENDING,		/* revisions to apply (reports) */
	DBREV_FLEET_FAILED
};

/* What happened to one database. */
struct dbrev_fleet_result {
	char			*name;
	enum dbrev_fleet_outcome outcome;
	size_t			 applied;	/* revisions this run applied */
	size_t			 pending;	/* revisions left to apply */
	double			 ms;
	int			 known;		/* answered without opening it */
	char			*current;	/* "id", "a, b" or "<base>"; or NULL */
	char			*error;		/* FAILED: "file:line: what; hint" */
	char			*reason;	/* FAILED: the same without hint */
	char			*backup;	/* the backup taken, or NULL */
};

void	 dbrev_fleet_result_free(struct dbrev_fleet_result *);

/*
 * A result as one record of "key value" lines, every value on one line
 * (dbrev_fleet_escape), and back: decode returns 0, or -1 (out empty)
 * for any text encode cannot have written.
 */
void	 dbrev_fleet_result_encode(struct dbrev_buf *out,
	    const struct dbrev_fleet_result *);
int	 dbrev_fleet_result_decode(const char *text, size_t len,
	    struct dbrev_fleet_result *out);

/*
 * Append s on one line: '\\' is "\\\\", a byte below 0x20 or 0x7f is
 * "\\xHH"; unescape undoes it in place and returns 0, or -1 for text
 * escape cannot have written.
 */
void	 dbrev_fleet_escape(struct dbrev_buf *out, const char *s);
int	 dbrev_fleet_unescape(char *s);

struct dbrev_fleet_opts {
	const char	*dir;		/* migrations directory */
	const char	*state_dir;	/* what no-ops remember, or NULL */
	const char	*backup_dir;	/* back up to DIR/NAME/ first, or NULL */
	unsigned	 backup_keep;	/* keep the newest N there; 0: all */
	double		 lock_timeout;	/* seconds; < 0: the default */
	unsigned	 jobs;		/* databases at once (dbrev_fleet_run) */
	int		 stop;		/* start nothing after a failure */
	/*
	 * dbrev_fleet_run calls it as each database is done (done of
	 * total, known ones included); may be NULL.
	 */
	void		(*on_result)(void *arg, size_t done, size_t total,
			    const struct dbrev_fleet_result *);
	void		*arg;
};

void	 dbrev_fleet_opts_init(struct dbrev_fleet_opts *);

/*
 * One database, in this process.  Upgrade: at head (a SQLite file
 * known at head from state_dir is not opened) or, when revisions are
 * pending, a backup (backup_dir) and the upgrade, under the database's
 * lock.  Current, status: where it stands.  Check: fails when an
 * upgrade would refuse (a row in progress, an edited revision, a row
 * the directory lacks).  Never fails itself: what went wrong is in
 * out->error, without a password.
 */
void	 dbrev_fleet_one(const struct dbrev_fleet_db *, enum dbrev_fleet_verb,
	    const struct dbrev_fleet_opts *, struct dbrev_fleet_result *out);

/*
 * Whether state_dir proves, without opening it, that a SQLite database
 * of the fleet is at head: 1 (out filled: AT_HEAD, known) or 0.
 */
int	 dbrev_fleet_known(const struct dbrev_fleet_db *,
	    const struct dbrev_fleet_opts *, struct dbrev_fleet_result *out);

/*
 * The whole run over the selected databases: the graph is checked once
 * (a single head), known ones are settled without a process, the others
 * run in up to o->jobs child processes, canaries first (the others only
 * when every canary succeeded), nothing new after a failure when
 * o->stop.  SQLite databases upgraded are looked at once more at the
 * end, so that the next run needs not open them.  *results has one
 * entry per database of the fleet (unselected ones NOT_RUN); free each
 * and the array.  Returns 0, or -1 with err when the run could not
 * start (an invalid graph: INPUT).
 */
int	 dbrev_fleet_run(const struct dbrev_fleet *, enum dbrev_fleet_verb,
	    const struct dbrev_fleet_opts *, struct dbrev_fleet_result **results,
	    struct dbrev_error *err);

/*
 * Remember the SQLite databases this run upgraded as at head (each is
 * opened once, after the clock has moved past their last write), so
 * that the next run opens none of them.
 */
void	 dbrev_fleet_remember(const struct dbrev_fleet *,
	    const struct dbrev_fleet_result *, const struct dbrev_fleet_opts *);

/* --- Reports. --- */

struct dbrev_fleet_counts {
	size_t	selected, at_head, upgraded, pending, failed, not_run;
};

void	 dbrev_fleet_count(const struct dbrev_fleet *,
	    const struct dbrev_fleet_result *, struct dbrev_fleet_counts *);

/*
 * "[37/200] tenant37 upgraded (2 revisions, 14 ms)" (no newline); empty
 * for a result not worth a line unless verbose (at head, pending).
 */
void	 dbrev_fleet_progress_line(struct dbrev_buf *out, size_t done,
	    size_t total, const struct dbrev_fleet_result *, int verbose);

/* current/status: "tenant37: 3f2a9c1b7e44 (head)" and the like. */
void	 dbrev_fleet_report_line(struct dbrev_buf *out,
	    enum dbrev_fleet_verb, const struct dbrev_fleet_result *);

/*
 * "fleet: 198 at head, 1 upgraded, 1 failed: tenant17 at 3f2a9c1b7e44
 * (versions/x.sql:12: ...)"; the first failures are named, with where
 * each stopped and why.
 */
void	 dbrev_fleet_summary(struct dbrev_buf *out, const struct dbrev_fleet *,
	    const struct dbrev_fleet_result *, enum dbrev_fleet_verb);

/* 0 when every selected database did what the verb asks, else 1. */
int	 dbrev_fleet_status(const struct dbrev_fleet *,
	    const struct dbrev_fleet_result *);

/* --- make: one target per database. --- */

/*
 * The make text listing the databases as make sees them: names only,
 * never a URL.  known (may be NULL) marks those needing no target.
 *
 *   DBREV_FLEET_CANARY := a b     targets that run first
 *   DBREV_FLEET_REST   := c d     the others (after the canaries)
 */
void	 dbrev_fleet_make(struct dbrev_buf *out, const struct dbrev_fleet *,
	    const struct dbrev_fleet_result *known);

/*
 * A run of make over the fleet lives in a run directory, made fresh
 * under o->state_dir (".dbrev" when NULL) and named on one line:
 *
 *   fleet.list   the fleet's text as read (its ${VAR}s unexpanded)
 *   plan         the verb, the options, the selected and the canaries
 *   targets.mk   dbrev_fleet_make, and DBREV_FLEET_VERB
 *   progress     how many databases are done
 *   results/NAME one record per database done (known ones at once)
 *
 * Run directories left by runs that stopped more than a week ago are
 * removed.  Returns 0 with *run_dir (free it), or -1 with err.
 */
int	 dbrev_fleet_plan(const struct dbrev_fleet *, const char *fleet_text,
	    size_t fleet_len, enum dbrev_fleet_verb,
	    const struct dbrev_fleet_opts *, char **run_dir,
	    struct dbrev_error *err);

/* A run directory read back. */
struct dbrev_fleet_plan {
	enum dbrev_fleet_verb	 verb;
	struct dbrev_fleet_opts	 opts;	/* its strings point into text */
	size_t			 total;
	char			*text;
};

/*
 * Read a run directory's plan, and its fleet (expanded in this
 * environment; selected and canaries as planned).  A plan that is not
 * exactly what dbrev_fleet_plan writes is an error, never trusted.
 * Free with dbrev_fleet_plan_free and dbrev_fleet_free.
 */
int	 dbrev_fleet_plan_read(const char *run_dir, struct dbrev_fleet_plan *,
	    struct dbrev_fleet **fleet, struct dbrev_error *err);
void	 dbrev_fleet_plan_free(struct dbrev_fleet_plan *);

/*
 * Record one database's result in the run directory; *done is how many
 * are done, this one included.
 */
int	 dbrev_fleet_record(const char *run_dir,
	    const struct dbrev_fleet_result *, size_t *done,
	    struct dbrev_error *err);

/*
 * The results recorded in a run directory, one per database of the
 * fleet: NOT_RUN where none is (or one that is not a record of it).
 * Free each and the array.
 */
void	 dbrev_fleet_collect(const char *run_dir, const struct dbrev_fleet *,
	    struct dbrev_fleet_result **results);

/* Remove a run directory: only the names a run writes in it. */
void	 dbrev_fleet_plan_remove(const char *run_dir);

/*
 * One target of a make run (revapply --run-dir DIR --name NAME VERB):
 * the plan read back, NAME run (dbrev_fleet_one) and its result
 * recorded.  Returns 0 with *out (free it), *done of *total, and
 * *fail_target set when make must see a failure (a canary failed, or
 * the run stops at the first failure); or -1 with err: the plan is
 * unreadable, or the verb or the name is not the plan's (INPUT).
 */
int	 dbrev_fleet_plan_one(const char *run_dir, const char *name,
	    enum dbrev_fleet_verb, struct dbrev_fleet_result *out,
	    size_t *done, size_t *total, int *fail_target,
	    struct dbrev_error *err);

/*
 * The end of a make run: the results collected (one per database of
 * *fleet; the SQLite ones upgraded remembered in the state directory)
 * and the run directory removed.  Under make -n (dry_run) nothing ran:
 * the directory is only removed and *results is NULL.  Returns 0 with
 * *fleet and *results (free both) and *verb, or -1 with err.
 */
int	 dbrev_fleet_plan_end(const char *run_dir, int dry_run,
	    struct dbrev_fleet **fleet, struct dbrev_fleet_result **results,
	    enum dbrev_fleet_verb *verb, struct dbrev_error *err);

#endif /* DBREV_FLEET_H */
