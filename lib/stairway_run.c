/*
 * stairway_run.c - dbrev_stairway_run: which revisions are under test
 * (FROM:TO), the up/down/up of each, what is done after a failure, and
 * --jobs (ranges in child processes, each on its own scratch database).
 */
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbrev/graph.h"
#include "dbrev/stairway.h"
#include "dbrev/util.h"
#include "stairway_impl.h"
#include "signals.h"

struct run {
	const struct dbrev_stairway_options *o;
	struct dbrev_graph	*g;
	unsigned char		*needed;	/* replayed or tested */
	size_t			*order;		/* apply-order indices tested */
	size_t			 norder;
	sigset_t		 old;
	struct dbrev_stairway_result *res;
	int			 stream_fd;	/* a job's: send each step */
	size_t			 streamed;	/* steps reported as they came */
	int			 not_opened;	/* a range's database was not */
};

static int	send_step(int, size_t, const struct dbrev_stair_step *);
static void	await_job(struct run *, int, const pid_t *, unsigned, int *);

/* What try_one leaves the scratch database at. */
enum after {
	AT_AFTER,		/* the revision applied: go on */
	AT_UNKNOWN,		/* somewhere else: rebuild to go on */
	STOPPED			/* the upgrade itself fails: no going on */
};

/* The revisions in closure(to) but not closure(from), apply order. */
static int
plan_range(struct run *R, struct dbrev_error *err)
{
	struct dbrev_revset from, to;
	char *f = NULL, *t = NULL, *colon;
	size_t i, n = dbrev_graph_count(R->g);
	int rc = -1;

	if (R->o->range != NULL && *R->o->range != '\0') {
		f = dbrev_xstrdup(R->o->range);
		if ((colon = strchr(f, ':')) != NULL) {
			*colon = '\0';
			t = dbrev_xstrdup(colon + 1);
		} else {
			t = f;
			f = NULL;
		}
	}
	dbrev_revset_init(&from, R->g);
	dbrev_revset_init(&to, R->g);
	if (dbrev_graph_closure(R->g, f != NULL && *f != '\0' ? f : "base",
	    &from, err) == -1 || dbrev_graph_closure(R->g, t != NULL &&
	    *t != '\0' ? t : "heads", &to, err) == -1)
		goto out;
	R->needed = dbrev_xcalloc(n + 1, 1);
	R->order = dbrev_xcalloc(n + 1, sizeof(*R->order));
	for (i = 0; i < n; i++) {
		R->needed[i] = to.in[i] || from.in[i];
		if (to.in[i] && !from.in[i])
			R->order[R->norder++] = i;
	}
	rc = 0;
out:
	dbrev_revset_free(&from);
	dbrev_revset_free(&to);
	free(f);
	free(t);
	return rc;
}

/*
 * Upgrade every needed revision of apply-order indices [from, upto);
 * returns how many, or -1 with err.
 */
static int
replay(struct run *R, struct dbrev_stair_db *s, size_t from, size_t upto,
    struct dbrev_error *err)
{
	size_t i;
	int n = 0;

	for (i = from; i < upto; i++) {
		const struct dbrev_revision *r = dbrev_graph_at(R->g, i);

		if (!R->needed[i])
			continue;
		if (dbrev_stair_interrupted(&R->old, err))
			return -1;
		if (dbrev_stair_exec(s, r, r->upgrade != NULL ? r->upgrade : "",
		    r->upgrade_line, NULL, err) == -1) {
			dbrev_error_hint(err, "the revisions before the range "
			    "under test must apply");
			return -1;
		}
		n++;
	}
	return n;
}

/*
 * Bring a fresh scratch database to where one process is when it
 * reaches order[lo]: each revision tested before it run up, down and up
 * as try_one runs them (without comparing), the others upgraded, and
 * what try_one leaves to be rebuilt (a downgrade that fails outside a
 * transaction, a second upgrade that fails) rebuilt.  So the range
 * starts on what one process would leave, rows and invented names too;
 * a difference try_one would find is a failure, after which one process
 * goes on only with --keep-going (and then from a rebuilt database).
 */
static int
replay_as_tested(struct run *R, struct dbrev_stair_db *s, size_t lo,
    struct dbrev_error *err)
{
	struct dbrev_error e = { 0 };
	size_t k, at = 0;

	for (k = 0; k < lo; k++) {
		size_t idx = R->order[k];
		const struct dbrev_revision *r = dbrev_graph_at(R->g, idx);
		const char *up = r->upgrade != NULL ? r->upgrade : "";

		if (replay(R, s, at, idx + 1, err) == -1)
			return -1;
		at = idx + 1;
		if (!r->has_downgrade || r->downgrade == NULL)
			continue;
		if (dbrev_stair_exec(s, r, r->downgrade, r->downgrade_line,
		    NULL, &e) == -1 && r->transactional) {
			dbrev_error_clear(&e);
			continue;	/* rolled back: after the upgrade */
		}
		if (!dbrev_error_isset(&e) && dbrev_stair_exec(s, r, up,
		    r->upgrade_line, NULL, &e) == 0)
			continue;
		dbrev_error_clear(&e);
		dbrev_stair_close(s);
		if (dbrev_stair_open(s, R->o->url, R->o->dev_url, err) == -1 ||
		    replay(R, s, 0, at, err) == -1)
			return -1;
	}
	return replay(R, s, at, lo < R->norder ? R->order[lo] : at, err) ==
	    -1 ? -1 : 0;
}

static char *
error_line(struct dbrev_error *e)
{
	char buf[8192];
	char *s = dbrev_xstrdup(dbrev_error_format(e, buf, sizeof(buf)));

	dbrev_error_clear(e);
	return s;
}

static enum after
fail_step(struct dbrev_stair_step *st, enum dbrev_stair_verdict v,
    struct dbrev_error *e, enum after at)
{
	st->verdict = v;
	st->detail = error_line(e);
	return at;
}

/*
 * A state of the scratch database: its fingerprint when the driver has
 * one (the schema is then read only when fingerprints differ), else its
 * schema; upto: the apply-order index the state is "every needed
 * revision before", to rebuild it on a second scratch database.
 */
struct snap {
	struct dbrev_buf	 fp;
	int			 has_fp;
	struct dbrev_schema	*schema;
	size_t			 upto;
};

static void
snap_free(struct snap *p)
{
	dbrev_buf_free(&p->fp);
	dbrev_schema_free(p->schema);
	memset(p, 0, sizeof(*p));
}

/* Take the state the database is in now. */
static int
snap_take(struct dbrev_stair_db *s, size_t upto, struct snap *p,
    struct dbrev_error *err)
{
	const struct dbrev_driver *d = s->db->driver;

	snap_free(p);
	p->upto = upto;
	if (d->fingerprint != NULL) {
		p->has_fp = 1;
		return d->fingerprint(s->db->conn, &p->fp, err);
	}
	return dbrev_stair_schema(s, &p->schema, err);
}

/* The schema of a past state, built again on another scratch database. */
static int
snap_rebuild(struct run *R, struct snap *p, struct dbrev_error *err)
{
	struct dbrev_stair_db h;
	int rc;

	if (p->schema != NULL)
		return 0;
	if (dbrev_stair_open(&h, R->o->url, R->o->dev_url, err) == -1)
		return -1;
	rc = replay(R, &h, 0, p->upto, err) == -1 ||
	    dbrev_stair_schema(&h, &p->schema, err) == -1 ? -1 : 0;
	dbrev_stair_close(&h);
	return rc;
}

/*
 * Compare a past state `want` with `got`, the state the database is in
 * now: 0 equal, 1 different (st->detail and st->sql filled), -1 error.
 */
static int
snap_compare(struct run *R, struct dbrev_stair_db *s, struct snap *want,
    struct snap *got, struct dbrev_stair_step *st, struct dbrev_error *err)
{
	if (want->has_fp && got->has_fp && want->fp.len == got->fp.len &&
	    memcmp(want->fp.data, got->fp.data, want->fp.len) == 0)
		return 0;
	if (got->schema == NULL && dbrev_stair_schema(s, &got->schema,
	    err) == -1)
		return -1;
	if (snap_rebuild(R, want, err) == -1)
		return -1;
	return dbrev_stair_compare(s, want->schema, got->schema,
	    R->o->exact_names, &st->detail, &st->sql, err);
}

/*
 * Up, down, up for one revision (apply-order index idx); *before is the
 * state before it and becomes the state after it.  Returns where the
 * database is left, or -1 with err when the test itself cannot go on.
 */
static int
try_one(struct run *R, struct dbrev_stair_db *s, size_t idx,
    struct snap *before, struct dbrev_stair_step *st, struct dbrev_error *err)
{
	const struct dbrev_revision *r = dbrev_graph_at(R->g, idx);
	struct snap after = { 0 }, now = { 0 };
	struct dbrev_stair_hook h;
	struct dbrev_error e = { 0 };
	const char *up = r->upgrade != NULL ? r->upgrade : "";
	int rc = -1, c;

	st->rev = r;
	if (dbrev_stair_hook_for(R->o->data_hook, r, &h, err) == -1)
		return -1;
	if (dbrev_stair_exec(s, r, up, r->upgrade_line, &h, &e) == -1) {
		rc = fail_step(st, DBREV_STAIR_UPGRADE_FAILS, &e, STOPPED);
		goto out;
	}
	if (snap_take(s, idx + 1, &after, err) == -1)
		goto out;
	if (!r->has_downgrade || r->downgrade == NULL) {
		st->verdict = DBREV_STAIR_IRREVERSIBLE;
		rc = AT_AFTER;
		goto done;
	}
	if (dbrev_stair_exec(s, r, r->downgrade, r->downgrade_line, NULL,
	    &e) == -1) {
		/* Rolled back: still after the upgrade, unless untracked. */
		rc = fail_step(st, DBREV_STAIR_DOWNGRADE_FAILS, &e,
		    r->transactional ? AT_AFTER : AT_UNKNOWN);
		goto done;
	}
	if (snap_take(s, idx, &now, err) == -1 ||
	    (c = snap_compare(R, s, before, &now, st, err)) == -1)
		goto out;
	if (c == 1) {
		st->verdict = DBREV_STAIR_DOWNGRADE_DIFFERS;
		rc = AT_UNKNOWN;
		goto out;
	}
	if (dbrev_stair_exec(s, r, up, r->upgrade_line, NULL, &e) == -1) {
		rc = fail_step(st, DBREV_STAIR_REUPGRADE_FAILS, &e, AT_UNKNOWN);
		goto out;
	}
	if (snap_take(s, idx + 1, &now, err) == -1 ||
	    (c = snap_compare(R, s, &after, &now, st, err)) == -1)
		goto out;
	if (c == 1) {
		st->verdict = DBREV_STAIR_REUPGRADE_FAILS;
		rc = AT_UNKNOWN;
		goto out;
	}
	/* What the next revision starts on: this state, not the first's. */
	snap_free(&after);
	after = now;
	memset(&now, 0, sizeof(now));
	st->verdict = DBREV_STAIR_OK;
	rc = AT_AFTER;
done:
	snap_free(before);
	*before = after;
	memset(&after, 0, sizeof(after));
out:
	snap_free(&after);
	snap_free(&now);
	dbrev_stair_hook_free(&h);
	return rc;
}

static int
is_failure(const struct run *R, const struct dbrev_stair_step *st)
{
	return st->verdict != DBREV_STAIR_OK &&
	    (st->verdict != DBREV_STAIR_IRREVERSIBLE || R->o->strict);
}

/* A fresh scratch database at the state after revision idx. */
static int
rebuild(struct run *R, struct dbrev_stair_db *s, size_t idx,
    struct snap *before, struct dbrev_error *err)
{
	dbrev_stair_close(s);
	if (dbrev_stair_open(s, R->o->url, R->o->dev_url, err) == -1 ||
	    replay(R, s, 0, idx + 1, err) == -1)
		return -1;
	return snap_take(s, idx + 1, before, err);
}

/*
 * Test order[lo..hi) on one scratch database, steps into steps[lo..hi).
 * Returns 0 (the range ran, or stopped at a failure) or -1 with err.
 */
static int
run_range(struct run *R, size_t lo, size_t hi, struct dbrev_stair_step *steps,
    int report, struct dbrev_error *err)
{
	struct dbrev_stair_db s;
	struct snap before = { 0 };
	size_t k, start = lo < hi ? R->order[lo] : 0;
	int at, n, rc = -1;

	if (dbrev_stair_open(&s, R->o->url, R->o->dev_url, err) == -1) {
		R->not_opened = 1;
		return -1;
	}
	if (replay_as_tested(R, &s, lo, err) == -1 ||
	    snap_take(&s, start, &before, err) == -1)
		goto out;
	for (k = lo; k < hi; k++) {
		struct dbrev_stair_step *st = &steps[k];
		double t0 = dbrev_now_ms();

		if (dbrev_stair_interrupted(&R->old, err))
			goto out;
		/* Revisions of FROM's closure that come between (branches). */
		if (k > lo && (n = replay(R, &s, R->order[k - 1] + 1,
		    R->order[k], err)) != 0 && (n == -1 || snap_take(&s,
		    R->order[k], &before, err) == -1))
			goto out;
		at = try_one(R, &s, R->order[k], &before, st, err);
		if (at == -1)
			goto out;
		st->ms = dbrev_now_ms() - t0;
		if (report && R->o->on_step != NULL)
			R->o->on_step(R->o->arg, st);
		/* A parent gone: its death signal stops the range next. */
		if (R->stream_fd != -1 && send_step(R->stream_fd, k, st) == -1)
			R->stream_fd = -1;
		if (at == STOPPED || (is_failure(R, st) && !R->o->keep_going))
			break;
		if (at == AT_UNKNOWN && k + 1 < hi &&
		    rebuild(R, &s, R->order[k], &before, err) == -1)
			goto out;
	}
	rc = 0;
out:
	snap_free(&before);
	dbrev_stair_close(&s);
	return rc;
}

/* ------------------------------------------------------------ jobs */

static int
put_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
get_all(int fd, void *p, size_t n)
{
	char *c = p;
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* A step on the wire: k, verdict, ms, then two counted strings. */
/* The range failed before its scratch database was open: SIZE_MAX - 1. */
#define NOT_OPENED	(SIZE_MAX - 1)

struct wire {
	size_t	k;		/* SIZE_MAX: the range failed, detail says */
	int	verdict;	/* or the error's kind */
	double	ms;
	size_t	len[2];		/* SIZE_MAX: NULL */
};

static int
send_one(int fd, size_t k, int verdict, double ms, const char *a,
    const char *b)
{
	struct wire w = { k, verdict, ms, { a ? strlen(a) : SIZE_MAX,
	    b ? strlen(b) : SIZE_MAX } };

	return put_all(fd, &w, sizeof(w)) == -1 ||
	    (a != NULL && put_all(fd, a, w.len[0]) == -1) ||
	    (b != NULL && put_all(fd, b, w.len[1]) == -1) ? -1 : 0;
}

static char *
get_str(int fd, size_t len)
{
	char *s;

	if (len == SIZE_MAX)
		return NULL;
	s = dbrev_xmalloc(len + 1);
	if (get_all(fd, s, len) == -1)
		return free(s), NULL;
	s[len] = '\0';
	return s;
}

static int
send_step(int fd, size_t k, const struct dbrev_stair_step *st)
{
	return send_one(fd, k, st->verdict, st->ms, st->detail, st->sql);
}

/*
 * In the child: test the range, send every step tried (the first range
 * each as it is done, for the parent to print as it goes), exit.
 */
static void __attribute__((noreturn))
child(struct run *R, size_t lo, size_t hi, int fd)
{
	struct dbrev_error e = { 0 };
	size_t k;
	int rc;

	/* A write to a parent that died fails, and kills no one. */
	(void)signal(SIGPIPE, SIG_IGN);
	R->stream_fd = lo == 0 ? fd : -1;
	rc = run_range(R, lo, hi, R->res->steps, 0, &e);
	for (k = lo; k < hi && lo > 0; k++)
		if (R->res->steps[k].rev != NULL &&
		    send_step(fd, k, &R->res->steps[k]) == -1)
			_exit(3);
	if (rc == -1) {
		char *m = error_line(&e);

		if (send_one(fd, R->not_opened ? NOT_OPENED : SIZE_MAX,
		    dbrev_error_exit_status(&e) == 2 ? DBREV_ERR_INPUT :
		    DBREV_ERR_RUNTIME, 0, m, NULL) == -1)
			_exit(3);
		free(m);
	}
	close(fd);
	_exit(0);
}

/*
 * Read one child's steps as they come (waiting as await_job does); a
 * range that failed fills err (and *not_opened, when it could not even
 * open its scratch database).  With report, each step is reported on
 * arrival (the first range's, which are sent as they are done).
 */
static void
collect(struct run *R, int fd, const pid_t *pid, unsigned njobs,
    int *passed_on, int report, int *not_opened, struct dbrev_error *err)
{
	struct wire w;
	char *a, *b;

	for (;;) {
		await_job(R, fd, pid, njobs, passed_on);
		if (get_all(fd, &w, sizeof(w)) != 0)
			break;
		a = get_str(fd, w.len[0]);
		b = get_str(fd, w.len[1]);

		if (w.k == SIZE_MAX || w.k == NOT_OPENED) {
			*not_opened = w.k == NOT_OPENED;
			dbrev_error_set(err, (enum dbrev_error_kind)w.verdict,
			    NULL, 0, NULL, "%s", a != NULL ? a : "?");
			free(a);
			free(b);
		} else if (w.k < R->norder) {
			struct dbrev_stair_step *st = &R->res->steps[w.k];

			st->rev = dbrev_graph_at(R->g, R->order[w.k]);
			st->verdict = (enum dbrev_stair_verdict)w.verdict;
			st->ms = w.ms;
			st->detail = a;
			st->sql = b;
			if (report && R->o->on_step != NULL)
				R->o->on_step(R->o->arg, st);
		} else {
			free(a);
			free(b);
		}
	}
}

/*
 * Where one job would have stopped: the first step, in apply order,
 * whose upgrade failed (nothing after it can be reached), or, without
 * --keep-going, that fails the test.  SIZE_MAX: nowhere.
 */
static size_t
first_stop(const struct run *R)
{
	const struct dbrev_stair_step *st;
	size_t k;

	for (k = 0; k < R->norder; k++) {
		st = &R->res->steps[k];
		if (st->rev != NULL &&
		    (st->verdict == DBREV_STAIR_UPGRADE_FAILS ||
		    (is_failure(R, st) && !R->o->keep_going)))
			return k;
	}
	return SIZE_MAX;
}

static void
step_clear(struct dbrev_stair_step *st)
{
	free(st->detail);
	free(st->sql);
	memset(st, 0, sizeof(*st));
}

/*
 * The ranges' results made what one job would have given: nothing after
 * where it would have stopped (ranges there could not even replay an
 * upgrade that fails), and the first error of a range before that.
 */
static void
as_one_job(struct run *R, const size_t *lo, struct dbrev_error *errs,
    unsigned started, struct dbrev_error *err)
{
	size_t stop = first_stop(R), k;
	unsigned j;

	for (k = stop == SIZE_MAX ? R->norder : stop + 1; k < R->norder; k++)
		step_clear(&R->res->steps[k]);
	for (j = 0; j < started; j++) {
		if (lo[j] <= stop && dbrev_error_isset(&errs[j]) &&
		    !dbrev_error_isset(err)) {
			*err = errs[j];
			memset(&errs[j], 0, sizeof(errs[j]));
		}
		dbrev_error_clear(&errs[j]);
	}
}

/*
 * Wait until the job reading from fd has something to say; a signal
 * held meanwhile is passed on to every job (once), so that each stops
 * at its next step and drops its scratch database, as one process
 * would.
 */
static void
await_job(struct run *R, int fd, const pid_t *pid, unsigned njobs,
    int *passed_on)
{
	struct pollfd p = { fd, POLLIN, 0 };
	unsigned j;
	int sig, n;

	while ((n = poll(&p, 1, 100)) == 0 || (n == -1 && errno == EINTR)) {
		if (*passed_on || (sig = dbrev_signals_pending(&R->old)) == 0)
			continue;
		for (j = 0; j < njobs; j++)
			if (pid[j] > 0)
				(void)kill(pid[j], sig);
		*passed_on = 1;
	}
}

/*
 * In a job: the parent's death (kill -9) comes as a SIGTERM, held as the
 * others, so that the job stops at its next step and drops its scratch
 * database rather than testing its range to the end for nobody.
 */
static void
stop_with(pid_t parent)
{
#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	if (getppid() != parent)
		(void)kill(getpid(), SIGTERM);
}

/*
 * Where range j of jobs ends (in order[]): a range starts by replaying
 * the revisions before it, about half what testing them costs (the
 * same SQL, without reading schemas), so later ranges are shorter and
 * every job takes about as long: range j's length is (1/2)^j of the
 * first's.
 */
static size_t
range_end(size_t n, unsigned jobs, unsigned j)
{
	double end = 0, total = 0, len = 1;
	unsigned i;

	for (i = 0; i < jobs; i++, len /= 2) {
		total += len;
		if (i <= j)
			end = total;
	}
	return j + 1 >= jobs ? n : (size_t)((double)n * end / total + 0.5);
}

/*
 * Test again here, one after another, the ranges whose job could not
 * open a scratch database (a server that allows fewer connections than
 * the ranges need): the other jobs are done and their connections
 * free.  Returns how many.
 */
static unsigned
again_here(struct run *R, unsigned jobs, const size_t *lo,
    const int *not_opened, struct dbrev_error *errs, unsigned started)
{
	unsigned j, n = 0;

	for (j = 0; j < started; j++) {
		if (!not_opened[j])
			continue;
		dbrev_error_clear(&errs[j]);
		if (lo[j] == 0)
			R->streamed = 0;	/* reported at the end */
		(void)run_range(R, lo[j], range_end(R->norder, jobs, j),
		    R->res->steps, 0, &errs[j]);
		n++;
	}
	return n;
}

static int
run_jobs(struct run *R, unsigned jobs, struct dbrev_error *err)
{
	pid_t parent = getpid();
	pid_t *pid = dbrev_xcalloc(jobs, sizeof(*pid));
	int *fd = dbrev_xcalloc(jobs, sizeof(*fd));
	size_t *lo = dbrev_xcalloc(jobs, sizeof(*lo));
	struct dbrev_error *errs = dbrev_xcalloc(jobs, sizeof(*errs));
	int *not_opened = dbrev_xcalloc(jobs, sizeof(*not_opened));
	unsigned j, started = 0, ran = 0;
	int p[2], status = 0, e = 0, passed_on = 0;
	pid_t w;

	for (j = 0; j < jobs; j++) {
		size_t hi = range_end(R->norder, jobs, j);

		lo[j] = j == 0 ? 0 : range_end(R->norder, jobs, j - 1);
		if (lo[j] >= hi)
			continue;
		fflush(NULL);
		pid[j] = -1;
		if (pipe(p) == -1)
			e = errno;
		else if ((pid[j] = fork()) == -1) {
			e = errno;
			close(p[0]);
			close(p[1]);
		}
		if (pid[j] == -1) {
			dbrev_error_set(&errs[j], DBREV_ERR_RUNTIME, NULL, 0,
			    NULL, "cannot start job %u: %s", j + 1,
			    strerror(e));
			started = j + 1;
			break;
		}
		if (pid[j] == 0) {
			close(p[0]);
			stop_with(parent);
			child(R, lo[j], hi, p[1]);
		}
		close(p[1]);
		fd[j] = p[0];
		started = j + 1;
		ran++;
	}
	for (j = 0; j < started; j++) {
		if (pid[j] <= 0)
			continue;
		collect(R, fd[j], pid, started, &passed_on, lo[j] == 0,
		    &not_opened[j], &errs[j]);
		if (lo[j] == 0)
			R->streamed = range_end(R->norder, jobs, j);
		close(fd[j]);
		while ((w = waitpid(pid[j], &status, 0)) == -1 &&
		    errno == EINTR)
			;
		pid[j] = 0;	/* reaped: never signalled again */
		/* A range that did not report to its end is not passed. */
		if (w != -1 && (!WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) && !dbrev_error_isset(&errs[j]))
			dbrev_error_set(&errs[j], DBREV_ERR_RUNTIME, NULL, 0,
			    NULL, "job %u ended before its revisions were "
			    "tested (%s)", j + 1, WIFSIGNALED(status) ?
			    strsignal(WTERMSIG(status)) : "write error");
	}
	if (!passed_on)
		ran -= again_here(R, jobs, lo, not_opened, errs, started);
	as_one_job(R, lo, errs, started, err);
	dbrev_error_hint(err, "--jobs 1 tests in one process, on one scratch "
	    "database");
	R->res->jobs = ran;
	free(not_opened);
	free(pid);
	free(fd);
	free(lo);
	free(errs);
	return dbrev_error_isset(err) ? -1 : 0;
}

/* The cores this process may run on (its affinity, as nproc says). */
static long
cores(void)
{
#ifdef __linux__
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set);
#endif
	return sysconf(_SC_NPROCESSORS_ONLN);
}

/* The jobs asked for, DBREV_STAIR_JOBS_AUTO worked out for n steps. */
static unsigned
jobs_for(unsigned jobs, size_t n)
{
	long cpus;

	if (jobs != DBREV_STAIR_JOBS_AUTO)
		return jobs > 1 ? jobs : 1;
	cpus = cores();
	jobs = cpus > 4 ? 4 : cpus < 1 ? 1 : (unsigned)cpus;
	if (n / 100 < jobs)
		jobs = n / 100 > 0 ? (unsigned)(n / 100) : 1;
	return jobs;
}

/* ----------------------------------------------------------- entry */

static void
sum_up(struct run *R)
{
	struct dbrev_stairway_result *res = R->res;
	size_t k;

	for (k = 0; k < res->nsteps; k++) {
		if (res->steps[k].rev == NULL) {
			res->untried++;
			continue;
		}
		res->count[res->steps[k].verdict]++;
		if (is_failure(R, &res->steps[k]))
			res->failed++;
	}
}

int
dbrev_stairway_run(const struct dbrev_stairway_options *o,
    struct dbrev_stairway_result *res, struct dbrev_error *err)
{
	struct run R;
	double t0 = dbrev_now_ms();
	size_t k;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&R, 0, sizeof(R));
	R.stream_fd = -1;
	R.o = o;
	R.res = res;
	if (dbrev_graph_load(o->dir, 0, &R.g, err) == -1)
		return -1;
	res->graph = R.g;
	if (plan_range(&R, err) == -1)
		goto out;
	res->nsteps = R.norder;
	res->steps = dbrev_xcalloc(R.norder + 1, sizeof(*res->steps));
	dbrev_signals_hold(&R.old);
	/*
	 * A range's replay cannot put back the rows the data hooks of the
	 * revisions before it left behind (and one process loses some of
	 * them to a downgrade): with a data hook, one process.
	 */
	res->jobs = o->data_hook != NULL || R.norder < 2 ? 1 :
	    jobs_for(o->jobs, R.norder);
	if (res->jobs > 1) {
		rc = run_jobs(&R, res->jobs, err);
		for (k = R.streamed; rc == 0 && o->on_step != NULL &&
		    k < R.norder; k++)
			if (res->steps[k].rev != NULL)
				o->on_step(o->arg, &res->steps[k]);
	} else
		rc = run_range(&R, 0, R.norder, res->steps, 1, err);
	sigprocmask(SIG_SETMASK, &R.old, NULL);
	if (rc == 0)
		sum_up(&R);
out:
	res->ms = dbrev_now_ms() - t0;
	free(R.needed);
	free(R.order);
	return rc;
}

void
dbrev_stairway_result_free(struct dbrev_stairway_result *res)
{
	size_t k;

	for (k = 0; k < res->nsteps; k++) {
		free(res->steps[k].detail);
		free(res->steps[k].sql);
	}
	free(res->steps);
	dbrev_graph_free(res->graph);
	memset(res, 0, sizeof(*res));
}
