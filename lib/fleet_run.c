/*
 * fleet_run.c - one database of a fleet, and a whole run over many:
 * each database in its own child process, up to o->jobs at once, its
 * result sent back over a pipe as a record (dbrev_fleet_result_encode).
 *
 * What keeps two databases apart is theirs alone: each its own
 * connection and lock (revapply's), its own state files (keyed by its
 * URL) and its own backup directory (DIR/NAME/).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbrev/apply.h"
#include "dbrev/backup.h"
#include "dbrev/fleet.h"
#include "dbrev/graph.h"
#include "dbrev/track.h"
#include "dbrev/url.h"

/* A timestamp this much older than now is one a later write changes. */
#define SETTLE_MS	60

void
dbrev_fleet_opts_init(struct dbrev_fleet_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->dir = "migrations";
	o->lock_timeout = DBREV_DEFAULT_LOCK_TIMEOUT;
	o->jobs = 1;
}

static void
apply_opts(const struct dbrev_fleet_db *db, const struct dbrev_fleet_opts *o,
    struct dbrev_apply_options *ao)
{
	dbrev_apply_options_init(ao);
	ao->dir = o->dir;
	ao->url = db->url;
	ao->table = db->table;
	ao->lock_timeout = o->lock_timeout;
}

/* "a (head), b" from ids, heads marked; "<base>" for none. */
static char *
ids_text(char *const *ids, size_t n, const unsigned char *head)
{
	struct dbrev_buf b = { 0 };
	size_t i;

	if (n == 0)
		return dbrev_xstrdup("<base>");
	for (i = 0; i < n; i++)
		dbrev_buf_printf(&b, "%s%s%s", i ? ", " : "", ids[i],
		    head == NULL || head[i] ? " (head)" : "");
	return dbrev_buf_take(&b);
}

/* err's first entry into out (FAILED): with and without its hint. */
static void
failed(struct dbrev_fleet_result *out, struct dbrev_error *err)
{
	char buf[4096];
	char *hint;
	size_t more = dbrev_error_count(err) - 1;

	out->outcome = DBREV_FLEET_FAILED;
	dbrev_error_format(err, buf, sizeof buf);
	if (more > 0) {
		size_t l = strlen(buf);

		snprintf(buf + l, sizeof buf - l, " (and %zu more)", more);
	}
	free(out->error);
	out->error = dbrev_xstrdup(buf);
	hint = err->hint;
	err->hint = NULL;
	dbrev_error_format(err, buf, sizeof buf);
	err->hint = hint;
	free(out->reason);
	out->reason = dbrev_xstrdup(buf);
	dbrev_error_clear(err);
}

/*
 * Read where the database stands: current (heads marked), pending, and
 * the first thing that would make an upgrade refuse, into err.
 */
static int
standing(const struct dbrev_apply_options *ao, struct dbrev_fleet_result *out,
    int *trouble, struct dbrev_error *err)
{
	struct dbrev_status st;
	const struct dbrev_revision *r;
	unsigned char *head;
	char **ids;
	size_t i, n;

	*trouble = 0;
	if (dbrev_apply_status(ao, &st, err) == -1)
		return -1;
	n = dbrev_graph_count(st.graph);
	ids = dbrev_xcalloc(st.ncurrent + 1, sizeof(*ids));
	head = dbrev_xcalloc(st.ncurrent + 1, 1);
	for (i = 0; i < st.ncurrent; i++) {
		ids[i] = dbrev_graph_at(st.graph, st.current[i])->id;
		head[i] = (unsigned char)dbrev_graph_is_head(st.graph,
		    st.current[i]);
	}
	free(out->current);
	out->current = ids_text(ids, st.ncurrent, head);
	out->pending = 0;
	for (i = 0; i < n; i++) {
		r = dbrev_graph_at(st.graph, i);
		out->pending += !st.applied.in[i];
		if (*trouble)
			continue;
		*trouble = st.in_progress[i] || st.edited[i];
		if (st.in_progress[i])
			dbrev_error_set(err, DBREV_ERR_RUNTIME, r->path, 0,
			    "check the database, then run revapply resolve "
			    "with applied or reverted", "revision '%s' was "
			    "left in progress by an interrupted run", r->id);
		else if (st.edited[i])
			dbrev_error_set(err, DBREV_ERR_RUNTIME, r->path, 0,
			    "restore the file as applied, or run revapply "
			    "resolve REV applied", "revision '%s' was edited "
			    "after it was applied (checksum differs)", r->id);
	}
	if (!*trouble && st.nunknown > 0) {
		*trouble = 1;
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, "restore its "
		    "file, or run revapply resolve REV reverted", "the version "
		    "table records revision '%s', which is not in %s/versions",
		    st.unknown[0], ao->dir);
	}
	free(ids);
	free(head);
	dbrev_status_free(&st);
	return 0;
}

/*
 * Whether the database is one local file (see dbrev_target_file) and,
 * in *missing, whether that file is not there yet.
 */
static int
is_file(const char *url, int *missing)
{
	struct dbrev_target *t = dbrev_target_new(url);
	const char *path = dbrev_target_file(t);

	*missing = path != NULL && access(path, F_OK) == -1;
	dbrev_target_free(t);
	return path != NULL;
}

/* A backup into DIR/NAME/ (none of a database file not there yet). */
static int
backup(const struct dbrev_fleet_db *db, const struct dbrev_fleet_opts *o,
    struct dbrev_fleet_result *out, struct dbrev_error *err)
{
	struct dbrev_backup_opts bo;
	struct dbrev_backup_result res;
	struct dbrev_buf dir = { 0 };
	enum dbrev_backup_kind kind;
	char *id = NULL, *label = NULL;
	int rc = -1, missing;

	if (is_file(db->url, &missing) && missing)
		return 0;
	dbrev_backup_opts_init(&bo);
	bo.migrations_dir = o->dir;
	bo.table = db->table;
	bo.lock_timeout = o->lock_timeout;
	dbrev_buf_printf(&dir, "%s/%s", o->backup_dir, db->name);
	if (dbrev_backup_take(db->url, NULL, dir.data, &bo, &res, err) == -1)
		goto out;
	out->backup = res.path;
	res.path = NULL;
	dbrev_backup_result_free(&res);
	rc = 0;
	if (o->backup_keep > 0) {
		kind = dbrev_backup_kind_for(dbrev_url_dialect(db->url));
		if (dbrev_backup_identity(db->url, &id, err) == -1 ||
		    dbrev_backup_url_label(db->url, &label, err) == -1 ||
		    dbrev_backup_prune(dir.data, id, label, kind,
		    o->backup_keep, NULL, NULL, err) == -1)
			rc = -1;
	}
out:
	free(id);
	free(label);
	dbrev_buf_free(&dir);
	return rc;
}

/* Pending: back up, then upgrade; on failure, where it stopped. */
static void
upgrade(const struct dbrev_fleet_db *db, const struct dbrev_fleet_opts *o,
    const struct dbrev_apply_options *ao, struct dbrev_fleet_result *out,
    int backup_first)
{
	struct dbrev_apply_result res;
	struct dbrev_error err = { 0 }, ignore = { 0 };
	int trouble;

	if (backup_first && o->backup_dir != NULL &&
	    backup(db, o, out, &err) == -1) {
		dbrev_error_hint(&err, "the database was not upgraded: fix "
		    "the backup, or run without one");
		(void)standing(ao, out, &trouble, &ignore);
		dbrev_error_clear(&ignore);
		failed(out, &err);
		return;
	}
	if (dbrev_apply_run(ao, DBREV_UPGRADE, NULL, &res, &err) == -1) {
		dbrev_apply_result_free(&res);
		(void)standing(ao, out, &trouble, &ignore);
		dbrev_error_clear(&ignore);
		failed(out, &err);
		return;
	}
	out->applied = res.napplied;
	out->outcome = res.napplied > 0 ? DBREV_FLEET_UPGRADED :
	    DBREV_FLEET_AT_HEAD;	/* another runner did it */
	free(out->current);
	out->current = ids_text(res.current, res.ncurrent, NULL);
	dbrev_apply_result_free(&res);
}

void
dbrev_fleet_one(const struct dbrev_fleet_db *db, enum dbrev_fleet_verb v,
    const struct dbrev_fleet_opts *o, struct dbrev_fleet_result *out)
{
	struct dbrev_apply_options ao;
	struct dbrev_error err = { 0 };
	struct dbrev_track t;
	double t0 = dbrev_now_ms();
	int trouble = 0;

	memset(out, 0, sizeof(*out));
	out->name = dbrev_xstrdup(db->name);
	apply_opts(db, o, &ao);
	if (dbrev_track_check(&ao, o->state_dir, &t, &err) == -1) {
		failed(out, &err);
		goto out;
	}
	if (t.verdict == DBREV_TRACK_AT_HEAD) {
		out->outcome = DBREV_FLEET_AT_HEAD;
		out->known = t.known;
		out->current = ids_text(t.heads, t.nheads, NULL);
	} else if (v == DBREV_FLEET_UPGRADE)
		upgrade(db, o, &ao, out, t.verdict == DBREV_TRACK_PENDING);
	else if (standing(&ao, out, &trouble, &err) == -1 || trouble)
		failed(out, &err);
	else
		out->outcome = out->pending > 0 ? DBREV_FLEET_PENDING :
		    DBREV_FLEET_AT_HEAD;
	dbrev_track_free(&t);
out:
	out->ms = dbrev_now_ms() - t0;
}

int
dbrev_fleet_known(const struct dbrev_fleet_db *db,
    const struct dbrev_fleet_opts *o, struct dbrev_fleet_result *out)
{
	struct dbrev_apply_options ao;
	struct dbrev_error err = { 0 };
	struct dbrev_track t;
	int rc;

	apply_opts(db, o, &ao);
	rc = dbrev_track_known(&ao, o->state_dir, &t, &err);
	dbrev_error_clear(&err);	/* the database's own run says it */
	if (rc != 1)
		return 0;
	memset(out, 0, sizeof(*out));
	out->name = dbrev_xstrdup(db->name);
	out->outcome = DBREV_FLEET_AT_HEAD;
	out->known = 1;
	out->current = ids_text(t.heads, t.nheads, NULL);
	dbrev_track_free(&t);
	return 1;
}

/* --- The run: children, a pipe each. --- */

struct child {
	pid_t		 pid;
	int		 fd;
	size_t		 idx;
	struct dbrev_buf buf;
};

struct run {
	const struct dbrev_fleet	*f;
	enum dbrev_fleet_verb		 verb;
	const struct dbrev_fleet_opts	*o;
	struct dbrev_fleet_result	*r;
	struct child			*kids;
	size_t				 nkids, jobs, done, total;
	int				 failures;
};

/* The child: one database, its record down the pipe, and gone. */
static void __attribute__((noreturn))
child_main(struct run *run, size_t idx, int fd)
{
	struct dbrev_fleet_result res;
	struct dbrev_buf b = { 0 };
	size_t off = 0;
	ssize_t w;

	dbrev_fleet_one(&run->f->db[idx], run->verb, run->o, &res);
	dbrev_fleet_result_encode(&b, &res);
	while (off < b.len) {
		w = write(fd, b.data + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(1);
		off += (size_t)w;
	}
	dbrev_fleet_result_free(&res);
	dbrev_buf_free(&b);
	_exit(0);
}

static int
start(struct run *run, size_t idx, struct dbrev_error *err)
{
	struct child *k = &run->kids[run->nkids];
	int fd[2];

	if (pipe(fd) == -1)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot start a worker: %s", strerror(errno));
	fflush(NULL);
	if ((k->pid = fork()) == -1) {
		close(fd[0]);
		close(fd[1]);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "run fewer jobs at once", "cannot start a worker: %s",
		    strerror(errno));
	}
	if (k->pid == 0) {
		close(fd[0]);
		child_main(run, idx, fd[1]);
	}
	close(fd[1]);
	k->fd = fd[0];
	k->idx = idx;
	memset(&k->buf, 0, sizeof(k->buf));
	run->nkids++;
	return 0;
}

/* A child is done: its record, or why there is none. */
static void
reap(struct run *run, size_t ki)
{
	struct child *k = &run->kids[ki];
	struct dbrev_fleet_result *r = &run->r[k->idx];
	const char *name = run->f->db[k->idx].name;
	struct dbrev_error e = { 0 };
	int st = 0;

	close(k->fd);
	while (waitpid(k->pid, &st, 0) == -1 && errno == EINTR)
		;
	dbrev_fleet_result_free(r);
	if (dbrev_fleet_result_decode(k->buf.data != NULL ? k->buf.data : "",
	    k->buf.len, r) == -1 || strcmp(r->name, name) != 0) {
		dbrev_fleet_result_free(r);
		r->name = dbrev_xstrdup(name);
		if (WIFSIGNALED(st))
			dbrev_error_set(&e, DBREV_ERR_RUNTIME, NULL, 0,
			    "run it again: each revision is in its own "
			    "transaction", "its worker was killed by signal "
			    "%d", WTERMSIG(st));
		else
			dbrev_error_set(&e, DBREV_ERR_RUNTIME, NULL, 0,
			    "run it again", "its worker ended without a result");
		failed(r, &e);
	}
	dbrev_buf_free(&k->buf);
	run->failures += r->outcome == DBREV_FLEET_FAILED;
	run->done++;
	if (run->o->on_result != NULL)
		run->o->on_result(run->o->arg, run->done, run->total, r);
	run->kids[ki] = run->kids[--run->nkids];
}

/* Wait until a child is done (its pipe at end of file). */
static void
wait_one(struct run *run)
{
	struct pollfd *p = dbrev_xcalloc(run->nkids, sizeof(*p));
	char chunk[8192];
	size_t i;
	ssize_t n;
	int gone = 0;

	while (!gone) {
		for (i = 0; i < run->nkids; i++) {
			p[i].fd = run->kids[i].fd;
			p[i].events = POLLIN;
		}
		if (poll(p, run->nkids, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = run->nkids; i > 0; i--) {
			if (p[i - 1].revents == 0)
				continue;
			n = read(run->kids[i - 1].fd, chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0) {
				dbrev_buf_add(&run->kids[i - 1].buf, chunk,
				    (size_t)n);
				continue;
			}
			reap(run, i - 1);
			gone = 1;
		}
	}
	free(p);
}

/* Run the selected ones with canary == c (and no result yet). */
static int
phase(struct run *run, int c, struct dbrev_error *err)
{
	size_t i;

	for (i = 0; i < run->f->n; i++) {
		const struct dbrev_fleet_db *db = &run->f->db[i];

		if (!db->selected || db->canary != c ||
		    run->r[i].outcome != DBREV_FLEET_NOT_RUN)
			continue;
		/* Wait for a free slot first: what ends meanwhile counts. */
		while (run->nkids >= run->jobs)
			wait_one(run);
		if (run->o->stop && run->failures > 0)
			break;
		if (start(run, i, err) == -1)
			break;
	}
	while (run->nkids > 0)
		wait_one(run);
	return dbrev_error_isset(err) ? -1 : 0;
}

/* The graph, once for all: valid, and one head for an upgrade. */
static int
graph_ok(const struct dbrev_fleet_opts *o, enum dbrev_fleet_verb v,
    struct dbrev_error *err)
{
	struct dbrev_graph *g;
	struct dbrev_buf b = { 0 };
	size_t *idx, n, i;

	if (dbrev_graph_load(o->dir, DBREV_PARSE_HEADER_ONLY, &g, err) == -1)
		return -1;
	idx = dbrev_xcalloc(dbrev_graph_count(g) + 1, sizeof(*idx));
	n = dbrev_graph_heads(g, idx);
	if (v == DBREV_FLEET_UPGRADE && n > 1) {
		for (i = 0; i < n; i++)
			dbrev_buf_printf(&b, "%s%s", i ? ", " : "",
			    dbrev_graph_at(g, idx[i])->id);
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "join them "
		    "first: revgen merge -m MSG (make db-merge)", "the "
		    "revisions have %zu heads (%s): a fleet upgrades to one",
		    n, b.data);
		dbrev_buf_free(&b);
	}
	free(idx);
	dbrev_graph_free(g);
	return dbrev_error_isset(err) ? -1 : 0;
}

static void
sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void
dbrev_fleet_remember(const struct dbrev_fleet *f,
    const struct dbrev_fleet_result *r, const struct dbrev_fleet_opts *o)
{
	struct dbrev_apply_options ao;
	struct dbrev_error err = { 0 };
	struct dbrev_track t;
	size_t i;
	int slept = 0, missing;

	if (o->state_dir == NULL)
		return;
	/* Only a database file's state is remembered (dbrev/track.h). */
	for (i = 0; i < f->n; i++) {
		if (r[i].outcome != DBREV_FLEET_UPGRADED ||
		    !is_file(f->db[i].url, &missing))
			continue;
		if (!slept++)
			sleep_ms(SETTLE_MS);
		apply_opts(&f->db[i], o, &ao);
		if (dbrev_track_check(&ao, o->state_dir, &t, &err) == 0)
			dbrev_track_free(&t);
		dbrev_error_clear(&err);
	}
}

int
dbrev_fleet_run(const struct dbrev_fleet *f, enum dbrev_fleet_verb v,
    const struct dbrev_fleet_opts *o, struct dbrev_fleet_result **results,
    struct dbrev_error *err)
{
	struct run run = { f, v, o, NULL, NULL, 0, 0, 0, 0, 0 };
	struct dbrev_fleet_counts c;
	size_t i;
	int rc = 0;

	*results = NULL;
	if (graph_ok(o, v, err) == -1)
		return -1;
	run.r = dbrev_xcalloc(f->n + 1, sizeof(*run.r));
	run.jobs = o->jobs > 0 ? o->jobs : 1;
	run.kids = dbrev_xcalloc(run.jobs, sizeof(*run.kids));
	for (i = 0; i < f->n; i++)
		run.total += f->db[i].selected;
	for (i = 0; i < f->n; i++) {
		if (!f->db[i].selected || !dbrev_fleet_known(&f->db[i], o,
		    &run.r[i]))
			run.r[i].name = dbrev_xstrdup(f->db[i].name);
		else if (++run.done && o->on_result != NULL)
			o->on_result(o->arg, run.done, run.total, &run.r[i]);
	}
	if (phase(&run, 1, err) == -1)
		rc = -1;
	dbrev_fleet_count(f, run.r, &c);
	if (rc == 0 && c.failed == 0 && phase(&run, 0, err) == -1)
		rc = -1;
	if (v == DBREV_FLEET_UPGRADE)
		dbrev_fleet_remember(f, run.r, o);
	free(run.kids);
	*results = run.r;
	return rc;
}
