/*
 * apply.c - upgrade, downgrade, stamp and resolve a database; report
 * where it stands; write the same work as an offline script.
 *
 * The run: take the driver's lock, read the version table, refuse to
 * start on anything suspicious (rows in progress, edited files, rows of
 * unknown revisions, an inconsistent set), plan with the graph, then run
 * each revision in its own transaction with its row, re-checking the
 * row inside the transaction so a revision is never applied twice.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbrev/apply.h"
#include "baseline.h"
#include "db/driver.h"

void
dbrev_apply_options_init(struct dbrev_apply_options *o)
{
	memset(o, 0, sizeof(*o));
	o->dir = "migrations";
	o->table = DBREV_DEFAULT_TABLE;
	o->lock_timeout = DBREV_DEFAULT_LOCK_TIMEOUT;
	o->statement_lock_timeout = -1;
	o->retries = -1;
	o->retry_delay = -1;
}

void
dbrev_apply_result_free(struct dbrev_apply_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ncurrent; i++)
		free(r->current[i]);
	free(r->current);
	r->current = NULL;
	r->ncurrent = 0;
}

static const char *
table_of(const struct dbrev_apply_options *o)
{
	return o->table != NULL && *o->table != '\0' ? o->table :
	    DBREV_DEFAULT_TABLE;
}

/* The URL, for scrubbing messages. */
static const char *
url_of(const struct dbrev_apply_options *o)
{
	return o->target != NULL ? dbrev_target_url(o->target) : o->url;
}

static int
load_graph(const struct dbrev_apply_options *o, unsigned flags,
    struct dbrev_graph **g, struct dbrev_error *err)
{
	return dbrev_graph_load(o->dir != NULL ? o->dir : "migrations", flags,
	    g, err);
}

/* A revision's short file name for messages: the path as loaded. */
static const char *
path_of(const struct dbrev_revision *r)
{
	return r->path != NULL ? r->path : r->id;
}

/*
 * Match the version table against the graph: fill applied, and chain
 * an error for each row in progress, each edited applied revision and
 * each row naming a revision not in the directory (unless lenient).
 */
static int
check_rows(const struct dbrev_apply_options *o, const struct dbrev_graph *g,
    const struct dbrev_applied *rows, size_t nrows,
    struct dbrev_revset *applied, struct dbrev_error *err)
{
	const struct dbrev_revision *r;
	const char *table = table_of(o);
	size_t i;
	long k;
	int rc = 0;

	for (i = 0; i < nrows; i++) {
		k = dbrev_graph_index(g, rows[i].revision);
		/* A repeatable's row is a record of what ran, never in the way. */
		if (k < 0 && dbrev_graph_repeatable_index(g,
		    rows[i].revision) >= 0)
			continue;
		if (k < 0) {
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    NULL, "version table %s records revision '%s', "
			    "which is not in %s/versions", table,
			    rows[i].revision, o->dir);
			dbrev_error_hint(err, "restore its file; if it was "
			    "reverted by hand, remove the row with 'revapply "
			    "resolve %s reverted'", rows[i].revision);
			continue;
		}
		r = dbrev_graph_at(g, (size_t)k);
		if (rows[i].state == DBREV_ROW_IN_PROGRESS) {
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME,
			    path_of(r), 0, NULL, "revision '%s' was left in "
			    "progress by an interrupted run: it runs without "
			    "a transaction, so it may have partly run",
			    r->id);
			dbrev_error_hint(err, "check the database by hand and "
			    "finish or undo its statements, then run "
			    "'revapply resolve %s applied' or 'revapply "
			    "resolve %s reverted'", r->id, r->id);
			continue;
		}
		if (strcmp(rows[i].checksum, r->checksum) != 0) {
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME,
			    path_of(r), 0, NULL, "revision '%s' was edited "
			    "after it was applied: checksum applied %s, file "
			    "now %s", r->id, rows[i].checksum, r->checksum);
			dbrev_error_hint(err, "restore the file as it was "
			    "applied (e.g. git checkout) and put the change "
			    "in a new revision; if the edit is intended and "
			    "the database already matches it, run 'revapply "
			    "resolve %s applied'", r->id);
		}
		applied->in[k] = 1;
	}
	if (rc == 0)
		rc = dbrev_graph_check_applied(g, applied, err);
	return rc;
}

/* A connected session on the database, locked for the run. */
struct session {
	const struct dbrev_apply_options *o;
	struct dbrev_graph	*g;
	struct dbrev_db		*db;
	const struct dbrev_driver *drv;
	struct dbrev_conn	*c;
	const char		*table;
	int			 locked;
	struct dbrev_applied	*rows;
	size_t			 nrows;
	struct dbrev_revset	 applied;
	int			 no_database;	/* dbrev_target_file(t) is not there */
	const struct dbrev_target *t;		/* the database */
	struct dbrev_target	*own;		/* t, when made from o->url */
};

static void
session_end(struct session *s)
{
	struct dbrev_error ignore = { 0 };

	if (s->locked)
		s->drv->unlock(s->c, s->table, &ignore);
	dbrev_error_clear(&ignore);
	dbrev_db_close(s->db);
	dbrev_applied_free(s->rows, s->nrows);
	dbrev_revset_free(&s->applied);
	dbrev_graph_free(s->g);
	dbrev_target_free(s->own);
	memset(s, 0, sizeof(*s));
}

/*
 * The database is one local file, and it is not there.  Only looking
 * must not create it: a mistyped path would leave an empty database
 * behind.
 */
static int
file_missing(const struct dbrev_target *t)
{
	struct stat st;

	return dbrev_target_file(t) != NULL &&
	    stat(dbrev_target_file(t), &st) == -1 && errno == ENOENT;
}

/*
 * Load, connect, (lock) and read the version table.  Unless `create`
 * (only upgrade and stamp create a database), a SQLite file that does
 * not exist is read as an empty database, and not created:
 * s->no_database is set, s->db stays NULL.
 */
static int
session_start(struct session *s, const struct dbrev_apply_options *o,
    unsigned flags, int lock, int create, struct dbrev_error *err)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->table = table_of(o);
	if (load_graph(o, flags, &s->g, err) == -1)
		return -1;
	dbrev_revset_init(&s->applied, s->g);
	if (o->target == NULL)
		s->own = dbrev_target_new(o->url);
	s->t = o->target != NULL ? o->target : s->own;
	if (!create && file_missing(s->t)) {
		s->no_database = 1;
		return 0;
	}
	if (dbrev_db_connect(s->t, &s->db, err) == -1)
		return -1;
	s->drv = s->db->driver;
	s->c = s->db->conn;
	if (o->on_notice != NULL && s->drv->set_notice != NULL)
		s->drv->set_notice(s->c, o->on_notice, o->arg);
	if (lock) {
		if (s->drv->lock(s->c, s->table, o->lock_timeout, err) == -1)
			return -1;
		s->locked = 1;
	} else if (dbrev_db_set_lock_timeout(s->db, o->lock_timeout,
	    err) == -1)
		return -1;	/* only looking: bound the wait to read */
	if (s->drv->table_read(s->c, s->table, &s->rows, &s->nrows, err) == -1)
		return -1;
	/* Squashed revisions: their baseline (written only when locked). */
	return dbrev_baseline_settle(s->g, lock ? s->drv : NULL, s->c,
	    s->table, &s->rows, &s->nrows, err);
}

/* The row of one revision, from inside the current transaction. */
static int
row_get(struct session *s, const char *id, int *found,
    enum dbrev_row_state *state, struct dbrev_error *err)
{
	struct dbrev_applied *rows;
	size_t n, i;

	if (s->drv->table_get != NULL)
		return s->drv->table_get(s->c, s->table, id, found, state,
		    err);
	if (s->drv->table_read(s->c, s->table, &rows, &n, err) == -1)
		return -1;
	*found = 0;
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].revision, id) == 0) {
			*found = 1;
			*state = rows[i].state;
		}
	dbrev_applied_free(rows, n);
	return 0;
}

/*
 * Re-set an SQL error as "file:line: message (revision id)"; the file is
 * the revision's when the error names none (a COMMIT that failed).
 */
static int
sql_error(struct dbrev_error *err, struct dbrev_error *e,
    const struct dbrev_revision *r)
{
	dbrev_error_set(err, e->kind, e->file != NULL ? e->file : path_of(r),
	    e->file != NULL ? e->line : 0, e->hint,
	    "%s (revision %s)", e->message != NULL ? e->message : "error",
	    r->id);
	dbrev_error_clear(e);
	return -1;
}

static void
report(const struct dbrev_apply_options *o, enum dbrev_direction dir,
    const struct dbrev_revision *r, double ms, int skipped)
{
	struct dbrev_step_report rep;

	if (o->on_step == NULL)
		return;
	rep.direction = dir;
	rep.rev = r;
	rep.ms = ms;
	rep.skipped = skipped;
	o->on_step(o->arg, &rep);
}

/*
 * Take back the in-progress mark of a transaction: none revision that
 * failed having changed nothing: its row goes (upgrade) or is applied
 * again (downgrade).  The driver's error is dropped: the mark stays.
 */
static int
unmark(struct session *s, const struct dbrev_revision *r, int up)
{
	const struct dbrev_driver *d = s->drv;
	struct dbrev_error ignore = { 0 };
	int rc = -1;

	if (d->begin(s->c, &ignore) == 0 &&
	    (up ? d->table_delete(s->c, s->table, r->id, &ignore) :
	    d->table_set_state(s->c, s->table, r->id, DBREV_ROW_APPLIED,
	    &ignore)) == 0 && d->commit(s->c, &ignore) == 0)
		rc = 0;
	else
		d->rollback(s->c, &ignore);
	dbrev_error_clear(&ignore);
	return rc;
}

/* A revision's header line that the database cannot honour: say so. */
static void
note_ignored(struct session *s, const struct dbrev_revision *r)
{
	const struct dbrev_apply_options *o = s->o;
	struct dbrev_buf b = { 0 };

	if (o->on_notice == NULL)
		return;
	if (r->lock_timeout_line != 0) {
		dbrev_buf_printf(&b, "note: %s:%u: lock-timeout has no effect on "
		    "%s (its busy timeout, --lock-timeout, bounds the waits "
		    "for locks)", path_of(r), r->lock_timeout_line,
		    s->drv->name);
		o->on_notice(o->arg, b.data);
		dbrev_buf_reset(&b);
	}
	if (r->statement_timeout_line != 0) {
		dbrev_buf_printf(&b, "note: %s:%u: statement-timeout has no "
		    "effect on %s", path_of(r), r->statement_timeout_line,
		    s->drv->name);
		o->on_notice(o->arg, b.data);
	}
	dbrev_buf_free(&b);
}

/*
 * Bound the statements of revision r as its header lines, else the
 * run's options, say; a driver that cannot is left alone.
 */
static int
set_timeouts(struct session *s, const struct dbrev_revision *r,
    struct dbrev_error *err)
{
	const struct dbrev_apply_options *o = s->o;
	double lock, stmt;

	if (s->drv->set_statement_timeouts == NULL) {
		note_ignored(s, r);
		return 0;
	}
	lock = r->lock_timeout_line != 0 ? r->lock_timeout :
	    o->statement_lock_timeout >= 0 ? o->statement_lock_timeout :
	    DBREV_DEFAULT_STATEMENT_LOCK_TIMEOUT;
	stmt = r->statement_timeout_line != 0 ? r->statement_timeout :
	    o->statement_timeout > 0 ? o->statement_timeout : 0;
	return s->drv->set_statement_timeouts(s->c, lock, stmt, err);
}

/* Whether the last failure was only a lock timeout (a retry may pass). */
static int
lock_timed_out(const struct session *s)
{
	return s->drv->lock_timed_out != NULL && s->drv->lock_timed_out(s->c);
}

/*
 * Run one revision.  In its own transaction unless `outer` (single
 * transaction) or the revision is transaction: none.  Returns 0 (done,
 * *skipped set when another runner had done it) or -1, with *timed_out
 * set when only a lock timeout failed it and nothing of it was kept.
 */
static int
run_step(struct session *s, enum dbrev_direction dir,
    const struct dbrev_revision *r, int outer, int *skipped,
    int *timed_out, struct dbrev_error *err)
{
	const struct dbrev_driver *d = s->drv;
	struct dbrev_error e = { 0 };
	enum dbrev_row_state state = DBREV_ROW_APPLIED;
	int found, up = dir == DBREV_UPGRADE;
	const char *sql = up ? r->upgrade : r->downgrade;
	unsigned line = up ? r->upgrade_line : r->downgrade_line;

	*skipped = 0;
	*timed_out = 0;
	if (!outer && d->begin(s->c, err) == -1)
		return -1;
	/* Sent with BEGIN and the row's look-up: no round trip of its own. */
	if ((r->transactional || outer) && set_timeouts(s, r, err) == -1)
		goto fail;
	if (row_get(s, r->id, &found, &state, err) == -1)
		goto fail;
	if (found && state == DBREV_ROW_IN_PROGRESS) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, path_of(r), 0, NULL,
		    "revision '%s' is marked in progress by another run",
		    r->id);
		dbrev_error_hint(err, "if no other run is active, check the "
		    "database and run 'revapply resolve %s applied' or "
		    "'revapply resolve %s reverted'", r->id, r->id);
		goto fail;
	}
	if (up ? found : !found) {
		/* Another runner got here first. */
		*skipped = 1;
		if (!outer && d->commit(s->c, err) == -1)
			goto fail;
		return 0;
	}
	if (sql == NULL)
		sql = "";

	if (r->transactional || outer) {
		if (d->exec(s->c, sql, path_of(r), line, &e) == -1) {
			*timed_out = lock_timed_out(s);
			sql_error(err, &e, r);
			goto fail;
		}
		/*
		 * The row's change and the COMMIT fail for the revision too
		 * (a deferred constraint, a row already there): say which.
		 */
		if ((up ? d->table_insert(s->c, s->table, r->id, r->checksum,
		    DBREV_ROW_APPLIED, &e) : d->table_delete(s->c, s->table,
		    r->id, &e)) == -1 ||
		    (!outer && d->commit(s->c, &e) == -1)) {
			*timed_out = lock_timed_out(s);
			sql_error(err, &e, r);
			goto fail;
		}
		return 0;
	}

	/* transaction: none: mark, commit, run bare, then settle the row. */
	if ((up ? d->table_insert(s->c, s->table, r->id, r->checksum,
	    DBREV_ROW_IN_PROGRESS, err) : d->table_set_state(s->c, s->table,
	    r->id, DBREV_ROW_IN_PROGRESS, err)) == -1)
		goto fail;
	if (d->commit(s->c, err) == -1)
		goto fail;
	/* Session-wide for the revision: exec() puts the session back. */
	if (set_timeouts(s, r, err) == -1) {
		unmark(s, r, up);
		return -1;
	}
	if (d->exec(s->c, sql, path_of(r), line, &e) == -1) {
		/* The way out must show even when the server gave a hint. */
		int server_hint = e.hint != NULL, to = lock_timed_out(s);

		sql_error(err, &e, r);
		if (d->exec_kept != NULL && !d->exec_kept(s->c) &&
		    unmark(s, r, up) == 0) {
			*timed_out = to;
			dbrev_error_set(err, DBREV_ERR_RUNTIME, path_of(r), 0,
			    NULL, "revision '%s' was rolled back whole (it "
			    "changed nothing outside its own transaction): the "
			    "database is as before it", r->id);
			return -1;
		}
		if (server_hint)
			dbrev_error_set(err, DBREV_ERR_RUNTIME, path_of(r), 0,
			    NULL, "revision '%s' is left in progress", r->id);
		dbrev_error_hint(err, "it ran without a transaction, so some "
		    "statements may have taken effect; check the database, "
		    "then run 'revapply resolve %s applied' or 'revapply "
		    "resolve %s reverted'", r->id, r->id);
		return -1;
	}
	if (d->begin(s->c, err) == -1 ||
	    (up ? d->table_set_state(s->c, s->table, r->id, DBREV_ROW_APPLIED,
	    err) : d->table_delete(s->c, s->table, r->id, err)) == -1 ||
	    d->commit(s->c, err) == -1) {
		struct dbrev_error ignore = { 0 };

		d->rollback(s->c, &ignore);
		dbrev_error_clear(&ignore);
		/* Its statements all ran: say so, not just the DB error. */
		dbrev_error_set(err, DBREV_ERR_RUNTIME, path_of(r), 0, NULL,
		    "revision '%s' ran completely, but its row stays in "
		    "progress", r->id);
		dbrev_error_hint(err, "run 'revapply resolve %s %s'", r->id,
		    up ? "applied" : "reverted");
		return -1;
	}
	return 0;

fail:
	{
		struct dbrev_error ignore = { 0 };

		d->rollback(s->c, &ignore);
		dbrev_error_clear(&ignore);
	}
	return -1;
}

/* The repeatables a run is to replay, in run order. */
struct due {
	const char	**sums;	/* recorded checksum per repeatable (NULL: none) */
	size_t		 *idx;	/* indexes of those to run */
	size_t		  n;
};

/*
 * The checksum recorded for each repeatable (run order; NULL: no row
 * in state applied), pointing into rows.
 */
static const char **
recorded_sums(const struct dbrev_graph *g, const struct dbrev_applied *rows,
    size_t nrows)
{
	size_t n = dbrev_graph_nrepeatable(g), i;
	const char **sum = dbrev_xcalloc(n + 1, sizeof(*sum));
	long k;

	for (i = 0; i < nrows; i++)
		if (rows[i].state == DBREV_ROW_APPLIED &&
		    (k = dbrev_graph_repeatable_index(g, rows[i].revision)) >= 0)
			sum[k] = rows[i].checksum;
	return sum;
}

/*
 * The repeatables to run, in run order, into due[]: each whose text
 * differs from what ran (sums[i], NULL: never ran), and each that
 * depends on one of those, since re-creating an object may drop what
 * was built on it (DROP VIEW ... CASCADE).  Returns how many.
 */
static size_t
repeatables_due(const struct dbrev_graph *g, const char **sums, size_t *due)
{
	size_t n = dbrev_graph_nrepeatable(g), i, j, k = 0;
	unsigned char *run = dbrev_xcalloc(n + 1, 1);
	const struct dbrev_revision *r;
	long x;

	/* Run order puts a repeatable after those it depends on. */
	for (i = 0; i < n; i++) {
		r = dbrev_graph_repeatable(g, i);
		run[i] = sums[i] == NULL || strcmp(sums[i], r->checksum) != 0;
		for (j = 0; j < r->ndepends && !run[i]; j++)
			run[i] = (x = dbrev_graph_repeatable_index(g,
			    r->depends[j])) >= 0 && run[x];
		if (run[i])
			due[k++] = i;
	}
	free(run);
	return k;
}

/* Whether every versioned revision is applied once the plan has run. */
static int
plan_reaches_all(const struct dbrev_graph *g,
    const struct dbrev_revset *applied, const struct dbrev_plan *plan)
{
	size_t i, n = 0;

	if (plan->direction != DBREV_UPGRADE)
		return 0;
	for (i = 0; i < applied->n; i++)
		n += applied->in[i] != 0;
	return n + plan->nsteps == dbrev_graph_count(g);
}

/*
 * Run one repeatable in its own transaction, unless `outer`, with its
 * row replaced.  seen is the checksum its row had when the run began
 * (NULL: no row).  The row is looked up again inside the transaction
 * (one cheap read, as for a versioned revision): a row that came or
 * went since then means another runner has been at it, and *skipped is
 * set (the run's lock keeps that from happening between revapply runs).
 * Bounded by its timeouts as run_step; *timed_out as there.
 */
static int
run_repeatable(struct session *s, const struct dbrev_revision *r,
    const char *seen, int outer, int *skipped, int *timed_out,
    struct dbrev_error *err)
{
	const struct dbrev_driver *d = s->drv;
	struct dbrev_error e = { 0 };
	enum dbrev_row_state state = DBREV_ROW_APPLIED;
	int found = 0;

	*skipped = 0;
	*timed_out = 0;
	if (!outer && d->begin(s->c, err) == -1)
		return -1;
	if (set_timeouts(s, r, err) == -1 ||
	    row_get(s, r->id, &found, &state, err) == -1)
		goto fail;
	if (found != (seen != NULL) || state != DBREV_ROW_APPLIED) {
		*skipped = 1;
		return outer ? 0 : d->commit(s->c, err) == -1 ? -1 : 0;
	}
	if (d->exec(s->c, r->upgrade != NULL ? r->upgrade : "", path_of(r),
	    r->upgrade_line, &e) == -1 ||
	    (found && d->table_delete(s->c, s->table, r->id, &e) == -1) ||
	    d->table_insert(s->c, s->table, r->id, r->checksum,
	    DBREV_ROW_APPLIED, &e) == -1 ||
	    (!outer && d->commit(s->c, &e) == -1)) {
		*timed_out = lock_timed_out(s);
		sql_error(err, &e, r);
		goto fail;
	}
	return 0;
fail:
	{
		struct dbrev_error ignore = { 0 };

		if (!outer)
			d->rollback(s->c, &ignore);
		dbrev_error_clear(&ignore);
	}
	return -1;
}

/*
 * --single-transaction failed after reporting steps [0, done): they were
 * rolled back with it.  Say so, and put the applied set back as before.
 */
static void
undone(struct session *s, const char *before, const struct dbrev_plan *plan,
    size_t done, enum dbrev_direction dir, struct dbrev_apply_result *res,
    struct dbrev_error *err)
{
	struct dbrev_buf ids = { 0 };
	size_t i;

	memcpy(s->applied.in, before, s->applied.n);
	res->napplied = res->nskipped = 0;
	if (done == 0)
		return;
	for (i = 0; i < done && i < 10; i++)
		dbrev_buf_printf(&ids, "%s%s", i ? ", " : "",
		    dbrev_graph_at(s->g, plan->steps[i])->id);
	if (done > 10)
		dbrev_buf_puts(&ids, ", ...");
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
	    "--single-transaction: the %s of the %zu revision%s reported "
	    "before it (%s) %s rolled back with it: the database is as "
	    "before the run", dir == DBREV_UPGRADE ? "upgrade" : "downgrade",
	    done, done == 1 ? "" : "s", ids.data, done == 1 ? "was" : "were");
	dbrev_buf_free(&ids);
}

static unsigned
tries_of(const struct dbrev_apply_options *o)
{
	return o->retries >= 0 && o->retries < 1000 ? (unsigned)o->retries + 1 :
	    o->retries >= 1000 ? 1000 : DBREV_DEFAULT_RETRIES + 1;
}

static void
sleep_s(double sec)
{
	struct timespec ts;

	if (!(sec > 0))
		return;
	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = (long)((sec - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Try `try` of `tries` failed on a lock timeout and was rolled back:
 * report it, forget its error, and wait: the delay doubles each try (at
 * most a minute) plus up to half again of jitter, so that runners that
 * collided do not collide again in step.
 */
static void
wait_retry(struct session *s, const struct dbrev_revision *r, unsigned try,
    unsigned tries, int whole_run, unsigned *seed, struct dbrev_error *err)
{
	const struct dbrev_apply_options *o = s->o;
	struct dbrev_retry_report rep;
	double d = o->retry_delay >= 0 ? o->retry_delay :
	    DBREV_DEFAULT_RETRY_DELAY;
	unsigned i;

	for (i = 1; i < try && d < 60; i++)
		d *= 2;
	if (d > 60)
		d = 60;
	d *= 1 + 0.5 * (double)rand_r(seed) / ((double)RAND_MAX + 1);
	if (o->on_retry != NULL) {
		dbrev_error_scrub(err, url_of(o));
		rep.rev = r;
		rep.try = try;
		rep.tries = tries;
		rep.delay = d;
		rep.whole_run = whole_run;
		rep.message = err->message != NULL ? err->message : "";
		o->on_retry(o->arg, &rep);
	}
	dbrev_error_clear(err);
	sleep_s(d);
}

/* The last try failed on a lock timeout too: say what to do. */
static void
gave_up(const struct dbrev_revision *r, unsigned tries,
    struct dbrev_error *err)
{
	dbrev_error_hint(err, "another session held a lock that revision %s "
	    "needs longer than its lock timeout, on %u tr%s: find it "
	    "(pg_locks, pg_stat_activity) and end it, or raise the "
	    "revision's 'lock-timeout:' line, --statement-lock-timeout or "
	    "--retries", r->id, tries, tries == 1 ? "y" : "ies");
}

/*
 * One revision, versioned or repeatable (seen: the checksum its row had,
 * as run_repeatable), tried again while it fails only on its lock timeout.
 */
static int
step_retried(struct session *s, enum dbrev_direction dir,
    const struct dbrev_revision *r, const char *seen, int *skipped,
    unsigned *seed, struct dbrev_error *err)
{
	unsigned try, tries = tries_of(s->o);
	int to, rc;

	for (try = 1;; try++) {
		rc = r->repeatable ? run_repeatable(s, r, seen, 0, skipped, &to,
		    err) : run_step(s, dir, r, 0, skipped, &to, err);
		if (rc == 0)
			return 0;
		if (!to)
			return -1;
		if (try >= tries) {
			gave_up(r, tries, err);
			return -1;
		}
		wait_retry(s, r, try, tries, 0, seed, err);
	}
}

/* Revision i of a run: the plan's steps, then the repeatables due. */
static const struct dbrev_revision *
run_at(const struct session *s, const struct dbrev_plan *plan,
    const struct due *due, size_t i, const char **seen)
{
	*seen = NULL;
	if (i < plan->nsteps)
		return dbrev_graph_at(s->g, plan->steps[i]);
	*seen = due->sums[due->idx[i - plan->nsteps]];
	return dbrev_graph_repeatable(s->g, due->idx[i - plan->nsteps]);
}

/* Count and report revision i of a run, done. */
static void
done_at(struct session *s, const struct dbrev_plan *plan, size_t i,
    enum dbrev_direction dir, const struct dbrev_revision *r, double t,
    int skipped, struct dbrev_apply_result *res)
{
	if (i < plan->nsteps)
		s->applied.in[plan->steps[i]] = dir == DBREV_UPGRADE;
	if (skipped)
		res->nskipped++;
	else
		res->napplied++;
	report(s->o, dir, r, dbrev_now_ms() - t, skipped);
}

/*
 * --single-transaction: the plan and the repeatables due in one
 * transaction, once.  On failure everything is rolled back (undone()
 * says so); *timed_out when only a lock timeout failed it, *failed the
 * revision that failed (NULL: the COMMIT).
 */
static int
plan_once(struct session *s, const struct dbrev_plan *plan,
    const struct due *due, enum dbrev_direction dir, const char *before,
    struct dbrev_apply_result *res, const struct dbrev_revision **failed,
    int *timed_out, struct dbrev_error *err)
{
	const struct dbrev_revision *r;
	struct dbrev_error ignore = { 0 };
	const char *seen;
	double t;
	size_t i, n = plan->nsteps + due->n;
	int skipped, rc;

	*failed = NULL;
	*timed_out = 0;
	res->napplied = res->nskipped = 0;
	if (n == 0)
		return 0;
	if (s->drv->begin(s->c, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		r = run_at(s, plan, due, i, &seen);
		t = dbrev_now_ms();
		rc = r->repeatable ? run_repeatable(s, r, seen, 1, &skipped,
		    timed_out, err) : run_step(s, dir, r, 1, &skipped,
		    timed_out, err);
		if (rc == -1) {
			*failed = r;
			s->drv->rollback(s->c, &ignore);
			dbrev_error_clear(&ignore);
			undone(s, before, plan, i < plan->nsteps ? i :
			    plan->nsteps, dir, res, err);
			return -1;
		}
		done_at(s, plan, i, dir, r, t, skipped, res);
	}
	if (s->drv->commit(s->c, err) == -1) {
		*timed_out = lock_timed_out(s);
		undone(s, before, plan, plan->nsteps, dir, res, err);
		return -1;
	}
	return 0;
}

/* The whole run in one transaction, tried again as step_retried. */
static int
plan_retried(struct session *s, const struct dbrev_plan *plan,
    const struct due *due, enum dbrev_direction dir,
    struct dbrev_apply_result *res, unsigned *seed, struct dbrev_error *err)
{
	const struct dbrev_revision *r;
	const char *seen;
	unsigned try, tries = tries_of(s->o);
	char *before;
	int rc, to;

	before = dbrev_xmalloc(s->applied.n + 1);
	memcpy(before, s->applied.in, s->applied.n);
	for (try = 1;; try++) {
		rc = plan_once(s, plan, due, dir, before, res, &r, &to, err);
		if (rc == 0 || !to)
			break;
		if (r == NULL)
			r = run_at(s, plan, due, plan->nsteps + due->n - 1,
			    &seen);
		if (try >= tries) {
			gave_up(r, tries, err);
			break;
		}
		wait_retry(s, r, try, tries, 1, seed, err);
	}
	free(before);
	return rc;
}

/* Each revision of the run in its own transaction, each tried again. */
static int
steps_retried(struct session *s, const struct dbrev_plan *plan,
    const struct due *due, enum dbrev_direction dir,
    struct dbrev_apply_result *res, unsigned *seed, struct dbrev_error *err)
{
	const struct dbrev_revision *r;
	const char *seen;
	double t;
	size_t i;
	int skipped;

	for (i = 0; i < plan->nsteps + due->n; i++) {
		r = run_at(s, plan, due, i, &seen);
		t = dbrev_now_ms();
		if (step_retried(s, dir, r, seen, &skipped, seed, err) == -1)
			return -1;
		done_at(s, plan, i, dir, r, t, skipped, res);
	}
	return 0;
}

int
dbrev_apply_run(const struct dbrev_apply_options *o, enum dbrev_direction dir,
    const char *target, struct dbrev_apply_result *res,
    struct dbrev_error *err)
{
	struct session s;
	struct dbrev_plan plan = { 0 };
	struct due due = { 0 };
	const struct dbrev_revision *r;
	double t0 = dbrev_now_ms();
	unsigned seed = (unsigned)getpid() ^
	    (unsigned)(unsigned long long)(t0 * 1000);
	size_t i;
	int rc = -1, outer = o->single_transaction;

	memset(res, 0, sizeof(*res));
	if (session_start(&s, o, 0, 1, dir == DBREV_UPGRADE, err) == -1)
		goto out;
	res->no_database = s.no_database;
	if (check_rows(o, s.g, s.rows, s.nrows, &s.applied, err) == -1)
		goto out;
	if (dbrev_graph_plan(s.g, &s.applied, dir, target, &plan, err) == -1)
		goto out;
	/* Repeatables: once every versioned one is, each whose text changed. */
	due.idx = dbrev_xcalloc(dbrev_graph_nrepeatable(s.g) + 1,
	    sizeof(*due.idx));
	if (plan_reaches_all(s.g, &s.applied, &plan)) {
		due.sums = recorded_sums(s.g, s.rows, s.nrows);
		due.n = repeatables_due(s.g, due.sums, due.idx);
	}
	if (outer)
		for (i = 0; i < plan.nsteps; i++) {
			r = dbrev_graph_at(s.g, plan.steps[i]);
			if (!r->transactional) {
				dbrev_error_set(err, DBREV_ERR_INPUT,
				    path_of(r), 0, "run without "
				    "--single-transaction", "revision '%s' is "
				    "'transaction: none' and cannot run inside "
				    "a single transaction", r->id);
				goto out;
			}
		}
	if (plan.nsteps + due.n > 0 && dir == DBREV_UPGRADE &&
	    s.drv->table_ensure(s.c, s.table, err) == -1)
		goto out;
	rc = outer ? plan_retried(&s, &plan, &due, dir, res, &seed, err) :
	    steps_retried(&s, &plan, &due, dir, res, &seed, err);
out:
	if (s.g != NULL)
		res->current = dbrev_graph_current_ids(s.g, &s.applied,
		    &res->ncurrent);
	res->ms = dbrev_now_ms() - t0;
	free(due.sums);
	free(due.idx);
	dbrev_plan_free(&plan);
	session_end(&s);
	dbrev_error_scrub(err, url_of(o));
	return rc;
}

int
dbrev_apply_stamp(const struct dbrev_apply_options *o, const char *target,
    struct dbrev_apply_result *res, struct dbrev_error *err)
{
	struct session s;
	struct dbrev_revset want = { 0 };
	const struct dbrev_revision *r;
	double t0 = dbrev_now_ms();
	unsigned char *have = NULL;
	size_t i;
	long k;
	int rc = -1, ok;

	memset(res, 0, sizeof(*res));
	if (session_start(&s, o, DBREV_PARSE_HEADER_ONLY, 1, 1, err) == -1)
		goto out;
	dbrev_revset_init(&want, s.g);
	if (dbrev_graph_closure(s.g, target, &want, err) == -1)
		goto out;
	if (s.drv->table_ensure(s.c, s.table, err) == -1 ||
	    s.drv->begin(s.c, err) == -1)
		goto out;
	have = dbrev_xcalloc(dbrev_graph_count(s.g) + 1, 1);
	/* Rows to drop: outside the target, in progress, or edited. */
	for (i = 0; i < s.nrows; i++) {
		k = dbrev_graph_index(s.g, s.rows[i].revision);
		/* Stamping moves the chain only: repeatables keep their rows. */
		if (k < 0 && dbrev_graph_repeatable_index(s.g,
		    s.rows[i].revision) >= 0)
			continue;
		ok = k >= 0 && want.in[k] &&
		    s.rows[i].state == DBREV_ROW_APPLIED &&
		    strcmp(s.rows[i].checksum,
		    dbrev_graph_at(s.g, (size_t)k)->checksum) == 0;
		if (ok) {
			have[k] = 1;
			continue;
		}
		if (s.drv->table_delete(s.c, s.table, s.rows[i].revision,
		    err) == -1)
			goto rollback;
		if (k < 0 || !want.in[k])
			res->napplied++;	/* a replaced row counts once */
	}
	for (i = 0; i < dbrev_graph_count(s.g); i++) {
		if (!want.in[i] || have[i])
			continue;
		r = dbrev_graph_at(s.g, i);
		if (s.drv->table_insert(s.c, s.table, r->id, r->checksum,
		    DBREV_ROW_APPLIED, err) == -1)
			goto rollback;
		res->napplied++;
	}
	if (s.drv->commit(s.c, err) == -1)
		goto rollback;
	memcpy(s.applied.in, want.in, want.n);
	res->current = dbrev_graph_current_ids(s.g, &s.applied,
	    &res->ncurrent);
	rc = 0;
	goto out;
rollback:
	{
		struct dbrev_error ignore = { 0 };

		s.drv->rollback(s.c, &ignore);
		dbrev_error_clear(&ignore);
	}
out:
	free(have);
	dbrev_revset_free(&want);
	res->ms = dbrev_now_ms() - t0;
	session_end(&s);
	dbrev_error_scrub(err, url_of(o));
	return rc;
}

int
dbrev_apply_resolve(const struct dbrev_apply_options *o, const char *rev,
    int applied, struct dbrev_error *err)
{
	struct session s;
	const struct dbrev_revision *r = NULL;
	struct dbrev_error e = { 0 };
	const char *id = rev;
	size_t i;
	long k;
	int rc = -1, found = 0;

	if (session_start(&s, o, DBREV_PARSE_HEADER_ONLY, 1, 0, err) == -1)
		goto out;
	if (s.no_database) {
		dbrev_error_set(err, DBREV_ERR_INPUT, dbrev_target_file(s.t), 0,
		    "check the URL (--url or DATABASE_URL)", "no such %s "
		    "database: there is no row to resolve", s.t->driver->title);
		goto out;
	}
	/* An exact row id first: it may name a file that is gone. */
	for (i = 0; i < s.nrows; i++)
		if (strcmp(s.rows[i].revision, rev) == 0)
			found = 1;
	if ((k = dbrev_graph_repeatable_index(s.g, rev)) >= 0) {
		r = dbrev_graph_repeatable(s.g, (size_t)k);
		id = r->id;
	} else if (!found || applied) {
		if ((k = dbrev_graph_lookup(s.g, rev, &e)) < 0) {
			if (!found) {
				dbrev_error_set(err, e.kind, e.file, e.line,
				    e.hint, "%s", e.message);
				dbrev_error_clear(&e);
				goto out;
			}
		} else {
			r = dbrev_graph_at(s.g, (size_t)k);
			id = r->id;
		}
		dbrev_error_clear(&e);
	}
	if (applied && r == NULL) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "restore its "
		    "file first", "revision '%s' is not in %s/versions",
		    rev, o->dir);
		goto out;
	}
	found = 0;
	for (i = 0; i < s.nrows; i++)
		if (strcmp(s.rows[i].revision, id) == 0)
			found = 1;
	if (!applied && !found) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "revision '%s' has no row in version table %s", id,
		    s.table);
		goto out;
	}
	if (s.drv->table_ensure(s.c, s.table, err) == -1 ||
	    s.drv->begin(s.c, err) == -1)
		goto out;
	if ((found && s.drv->table_delete(s.c, s.table, id, err) == -1) ||
	    (applied && s.drv->table_insert(s.c, s.table, id, r->checksum,
	    DBREV_ROW_APPLIED, err) == -1) ||
	    s.drv->commit(s.c, err) == -1) {
		struct dbrev_error ignore = { 0 };

		s.drv->rollback(s.c, &ignore);
		dbrev_error_clear(&ignore);
		goto out;
	}
	rc = 0;
out:
	session_end(&s);
	dbrev_error_scrub(err, url_of(o));
	return rc;
}

/* Each repeatable's state against the rows. */
static void
rep_status(const struct dbrev_graph *g, const struct dbrev_applied *rows,
    size_t nrows, struct dbrev_status *st)
{
	const char **sums = recorded_sums(g, rows, nrows);
	size_t i, n = dbrev_graph_nrepeatable(g);

	st->rep_state = dbrev_xcalloc(n + 1, 1);
	for (i = 0; i < n; i++)
		st->rep_state[i] = sums[i] == NULL ? DBREV_REP_NEW :
		    strcmp(sums[i], dbrev_graph_repeatable(g, i)->checksum) ?
		    DBREV_REP_CHANGED : DBREV_REP_CURRENT;
	free(sums);
}

int
dbrev_apply_status(const struct dbrev_apply_options *o, struct dbrev_status *st,
    struct dbrev_error *err)
{
	struct session s;
	size_t i, n;
	long k;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (session_start(&s, o, DBREV_PARSE_HEADER_ONLY, 0, 0, err) == -1)
		goto out;
	n = dbrev_graph_count(s.g);
	st->in_progress = dbrev_xcalloc(n + 1, 1);
	st->edited = dbrev_xcalloc(n + 1, 1);
	st->current = dbrev_xcalloc(n + 1, sizeof(*st->current));
	st->unknown = dbrev_xcalloc(s.nrows + 1, sizeof(*st->unknown));
	rep_status(s.g, s.rows, s.nrows, st);
	for (i = 0; i < s.nrows; i++) {
		k = dbrev_graph_index(s.g, s.rows[i].revision);
		if (k < 0 && dbrev_graph_repeatable_index(s.g,
		    s.rows[i].revision) >= 0)
			continue;
		if (k < 0) {
			st->unknown[st->nunknown++] =
			    dbrev_xstrdup(s.rows[i].revision);
			continue;
		}
		if (s.rows[i].state == DBREV_ROW_IN_PROGRESS) {
			st->in_progress[k] = 1;
			continue;
		}
		s.applied.in[k] = 1;
		if (strcmp(s.rows[i].checksum,
		    dbrev_graph_at(s.g, (size_t)k)->checksum) != 0)
			st->edited[k] = 1;
	}
	st->ncurrent = dbrev_graph_current(s.g, &s.applied, st->current);
	st->no_database = s.no_database;
	/* Hand over what the status keeps. */
	st->graph = s.g;
	st->applied = s.applied;
	st->rows = s.rows;
	st->nrows = s.nrows;
	s.g = NULL;
	s.rows = NULL;
	s.nrows = 0;
	memset(&s.applied, 0, sizeof(s.applied));
	rc = 0;
out:
	session_end(&s);
	dbrev_error_scrub(err, url_of(o));
	return rc;
}

void
dbrev_status_free(struct dbrev_status *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nunknown; i++)
		free(st->unknown[i]);
	free(st->unknown);
	free(st->in_progress);
	free(st->edited);
	free(st->rep_state);
	free(st->current);
	dbrev_applied_free(st->rows, st->nrows);
	dbrev_revset_free(&st->applied);
	dbrev_graph_free(st->graph);
	memset(st, 0, sizeof(*st));
}

/* "-- upgrade a, b -> c, message" as a comment line. */
static void
script_comment(struct dbrev_buf *out, enum dbrev_direction dir,
    const struct dbrev_revision *r)
{
	size_t i;

	if (r->repeatable) {
		dbrev_buf_printf(out, "\n-- upgrade (repeatable) %s%s%s (%s)\n",
		    r->id, *r->message ? ", " : "", r->message, path_of(r));
		return;
	}
	dbrev_buf_printf(out, "\n-- %s ", dir == DBREV_UPGRADE ? "upgrade" :
	    "downgrade");
	if (dir == DBREV_DOWNGRADE)
		dbrev_buf_printf(out, "%s -> ", r->id);
	if (r->nparents == 0)
		dbrev_buf_puts(out, "<base>");
	for (i = 0; i < r->nparents; i++)
		dbrev_buf_printf(out, "%s%s", i ? ", " : "", r->parents[i]);
	if (dir == DBREV_UPGRADE)
		dbrev_buf_printf(out, " -> %s", r->id);
	dbrev_buf_printf(out, ", %s (%s)\n", r->message, path_of(r));
}

/* A repeatable in the offline script: run, then its row replaced. */
static int
script_repeatable(struct dbrev_buf *out, const struct dbrev_driver *d,
    const char *table, const struct dbrev_revision *r, int outer,
    struct dbrev_error *err)
{
	const char *sql = r->upgrade != NULL ? r->upgrade : "";

	script_comment(out, DBREV_UPGRADE, r);
	if (!outer)
		dbrev_buf_puts(out, "BEGIN;\n");
	if (d->script_sql(out, sql, path_of(r), r->upgrade_line, 1,
	    err) == -1)
		return -1;
	if (d->script_reset != NULL)
		d->script_reset(out, sql);
	d->script_delete(out, table, r->id);
	d->script_insert(out, table, r->id, r->checksum);
	if (!outer)
		dbrev_buf_puts(out, "COMMIT;\n");
	return 0;
}

int
dbrev_apply_sql(const struct dbrev_apply_options *o, enum dbrev_dialect dia,
    enum dbrev_direction dir, const char *from, const char *to,
    struct dbrev_buf *out, struct dbrev_error *err)
{
	const struct dbrev_driver *d;
	const struct dbrev_revision *r;
	struct dbrev_graph *g = NULL;
	struct dbrev_revset applied = { 0 };
	struct dbrev_plan plan = { 0 };
	const char *table = table_of(o), *sql;
	int rc = -1, outer = o->single_transaction, tx;
	size_t i, nreps = 0;

	if ((d = dbrev_driver_for(dia)) == NULL) {
		if (dbrev_dialect_unbuilt_hint(dia) != NULL)
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    dbrev_dialect_unbuilt_hint(dia),
			    "built without %s support", dbrev_dialect_title(dia));
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "give a database URL or --dialect sqlite|postgresql",
		    "no SQL dialect known for the offline script");
	}
	if (load_graph(o, 0, &g, err) == -1)
		return -1;
	dbrev_revset_init(&applied, g);
	if (from != NULL && *from != '\0' &&
	    dbrev_graph_closure(g, from, &applied, err) == -1)
		goto out;
	if (dbrev_graph_plan(g, &applied, dir, to, &plan, err) == -1)
		goto out;
	if (plan_reaches_all(g, &applied, &plan))
		nreps = dbrev_graph_nrepeatable(g);
	if (outer)
		for (i = 0; i < plan.nsteps; i++) {
			r = dbrev_graph_at(g, plan.steps[i]);
			if (!r->transactional) {
				dbrev_error_set(err, DBREV_ERR_INPUT,
				    path_of(r), 0, "write it without "
				    "--single-transaction", "revision '%s' is "
				    "'transaction: none' and cannot run inside "
				    "a single transaction", r->id);
				goto out;
			}
		}

	dbrev_buf_printf(out, "-- dbrev %s: %s from %s to %s (%s), "
	    "%zu revision%s", DBREV_VERSION, dir == DBREV_UPGRADE ?
	    "upgrade" : "downgrade", from != NULL && *from ? from : "base",
	    to != NULL && *to ? to : (dir == DBREV_UPGRADE ? "head" : "-1"),
	    dbrev_dialect_name(dia), plan.nsteps, plan.nsteps == 1 ? "" :
	    "s");
	if (nreps > 0)
		dbrev_buf_printf(out, " and %zu repeatable%s", nreps,
		    nreps == 1 ? "" : "s");
	dbrev_buf_puts(out, "\n");
	dbrev_buf_puts(out, d->script_preamble);
	d->script_table_ensure(out, table);
	if (outer)
		dbrev_buf_puts(out, "\nBEGIN;\n");
	for (i = 0; i < plan.nsteps; i++) {
		r = dbrev_graph_at(g, plan.steps[i]);
		tx = r->transactional && !outer;
		sql = dir == DBREV_UPGRADE ? r->upgrade : r->downgrade;
		script_comment(out, dir, r);
		if (tx)
			dbrev_buf_puts(out, "BEGIN;\n");
		/* Refused as online, or terminated for what follows. */
		if (d->script_sql(out, sql != NULL ? sql : "", path_of(r),
		    dir == DBREV_UPGRADE ? r->upgrade_line : r->downgrade_line,
		    r->transactional || outer, err) == -1)
			goto out;
		/* As online: what a revision sets in the session ends with it. */
		if (d->script_reset != NULL)
			d->script_reset(out, sql);
		if (dir == DBREV_UPGRADE)
			d->script_insert(out, table, r->id, r->checksum);
		else
			d->script_delete(out, table, r->id);
		if (tx)
			dbrev_buf_puts(out, "COMMIT;\n");
	}
	for (i = 0; i < nreps; i++)
		if (script_repeatable(out, d, table,
		    dbrev_graph_repeatable(g, i), outer, err) == -1)
			goto out;
	if (outer)
		dbrev_buf_puts(out, "\nCOMMIT;\n");
	rc = 0;
out:
	dbrev_plan_free(&plan);
	dbrev_revset_free(&applied);
	dbrev_graph_free(g);
	return rc;
}
