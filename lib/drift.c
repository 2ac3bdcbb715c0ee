/*
 * drift.c - the live database's schema against the schema its applied
 * revisions build on a scratch database.
 *
 * The live database is read through dbrev_apply_status (which creates
 * nothing) and then through a connection the driver has made read-only
 * before anything else runs on it, so that drift cannot write there
 * even by mistake.  dbrev's own version table (and what hangs on it) is
 * left out of the live schema.  This file names no database.
 */
#include <stdlib.h>
#include <string.h>

#include "dbrev/apply.h"
#include "db/driver.h"
#include "dbrev/schema.h"
#include "dbrev/stairway.h"
#include "dbrev/util.h"
#include "stairway_impl.h"
#include "signals.h"

/* Does table t (schema may be NULL) name the version table `name`? */
static int
is_version_table(const char *schema, const char *tname, const char *name)
{
	const char *dot = strchr(name, '.');

	if (dot == NULL)
		return strcmp(tname, name) == 0;
	return schema != NULL && strlen(schema) == (size_t)(dot - name) &&
	    strncmp(schema, name, (size_t)(dot - name)) == 0 &&
	    strcmp(tname, dot + 1) == 0;
}

/* Move s's table or object array element into trash (freed with it). */
static void
to_trash(void ***arr, size_t *n, void *elem)
{
	*arr = dbrev_xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = elem;
}

/* Does object o hang on a table of trash? */
static int
on_trashed(const struct dbrev_object *o, const struct dbrev_schema *trash)
{
	char qn[1024];
	size_t i;

	if (o->table == NULL)
		return 0;
	for (i = 0; i < trash->ntables; i++) {
		const struct dbrev_table *t = trash->tables[i];

		if (strcmp(o->table, t->name) == 0 || strcmp(o->table,
		    dbrev_qname(t->schema, t->name, qn, sizeof(qn))) == 0)
			return 1;
	}
	return 0;
}

/* Take the version table and the objects on it out of s. */
static void
drop_version_table(struct dbrev_schema *s, const char *name)
{
	struct dbrev_schema *trash = dbrev_schema_new(s->dialect);
	size_t i, k;

	for (i = k = 0; i < s->ntables; i++)
		if (is_version_table(s->tables[i]->schema, s->tables[i]->name,
		    name))
			to_trash((void ***)&trash->tables, &trash->ntables,
			    s->tables[i]);
		else
			s->tables[k++] = s->tables[i];
	s->ntables = k;
	for (i = k = 0; i < s->nobjects; i++)
		if (on_trashed(s->objects[i], trash))
			to_trash((void ***)&trash->objects, &trash->nobjects,
			    s->objects[i]);
		else
			s->objects[k++] = s->objects[i];
	s->nobjects = k;
	dbrev_schema_free(trash);
}

/* The live database's schema, read on a read-only connection. */
static int
live_schema(const struct dbrev_drift_options *o, struct dbrev_schema **out,
    struct dbrev_error *err)
{
	struct dbrev_db *db = NULL;
	int rc = -1;

	*out = NULL;
	if (dbrev_db_open(o->url, &db, err) == -1)
		return -1;
	if (db->driver->introspect == NULL || db->driver->read_only == NULL) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "%s has no introspection: drift cannot compare it",
		    db->driver->name);
		goto out;
	}
	if (db->driver->read_only(db->conn, err) == -1 ||
	    db->driver->introspect(db->conn, out, err) == -1)
		goto out;
	drop_version_table(*out, o->table != NULL ? o->table :
	    DBREV_DEFAULT_TABLE);
	rc = 0;
out:
	dbrev_db_close(db);
	return rc;
}

/* The version table must say exactly which revisions built the schema. */
static int
check_status(const struct dbrev_drift_options *o, const struct dbrev_status *st,
    struct dbrev_error *err)
{
	size_t i, n = dbrev_graph_count(st->graph);

	if (st->no_database)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "check DATABASE_URL", "the database does not exist");
	for (i = 0; i < st->nunknown; i++)
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, "restore its "
		    "file, or run 'revapply resolve REV reverted'", "the "
		    "version table records revision '%s', which is not in "
		    "%s/versions: the schema it builds is unknown",
		    st->unknown[i], o->dir);
	for (i = 0; i < n; i++) {
		const struct dbrev_revision *r = dbrev_graph_at(st->graph, i);

		if (st->in_progress[i])
			dbrev_error_set(err, DBREV_ERR_RUNTIME, r->path, 0,
			    "resolve it first (revapply resolve)", "revision "
			    "'%s' is in progress", r->id);
		if (st->edited[i])
			dbrev_error_set(err, DBREV_ERR_RUNTIME, r->path, 0,
			    "restore the file as applied, or resolve it",
			    "revision '%s' was edited after it was applied",
			    r->id);
	}
	return dbrev_error_isset(err) ? -1 : 0;
}

/* Replay the applied revisions on a scratch database and read it. */
static int
built_schema(const struct dbrev_drift_options *o, const struct dbrev_status *st,
    struct dbrev_stair_db *s, struct dbrev_drift_result *res,
    struct dbrev_schema **out, struct dbrev_error *err)
{
	size_t i, n = dbrev_graph_count(st->graph);
	struct dbrev_graph *g = NULL;
	sigset_t old;
	int rc = -1;

	*out = NULL;
	/* The status's graph holds headers only: the SQL too, here. */
	if (dbrev_graph_load(o->dir, 0, &g, err) == -1)
		return -1;
	dbrev_signals_hold(&old);
	if (dbrev_stair_open(s, o->url, o->dev_url, err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		const struct dbrev_revision *r;

		if (!st->applied.in[i])
			continue;
		r = dbrev_graph_find(g, dbrev_graph_at(st->graph, i)->id);
		if (r == NULL) {
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
			    "revision '%s' changed while drift read it",
			    dbrev_graph_at(st->graph, i)->id);
			goto out;
		}
		dbrev_strv_add(&res->applied, &res->napplied, r->id);
		if (dbrev_stair_interrupted(&old, err) ||
		    dbrev_stair_exec(s, r, r->upgrade != NULL ? r->upgrade : "",
		    r->upgrade_line, NULL, err) == -1)
			goto out;
	}
	rc = dbrev_stair_schema(s, out, err);
out:
	if (rc == -1)
		dbrev_stair_close(s);
	sigprocmask(SIG_SETMASK, &old, NULL);
	dbrev_graph_free(g);
	return rc;
}

static void
describe(struct dbrev_drift_result *res, const struct dbrev_diff *d)
{
	size_t i;

	for (i = 0; i < d->nchanges; i++)
		if (d->changes[i].description != NULL)
			dbrev_strv_add(&res->differences, &res->ndifferences,
			    d->changes[i].description);
	if (d->nchanges > 0 && res->ndifferences == 0)
		dbrev_strv_add(&res->differences, &res->ndifferences,
		    "a dependent object");
}

int
dbrev_drift_run(const struct dbrev_drift_options *o,
    struct dbrev_drift_result *res, struct dbrev_error *err)
{
	struct dbrev_apply_options ao;
	struct dbrev_status st;
	struct dbrev_stair_db s;
	struct dbrev_schema *live = NULL, *built = NULL;
	struct dbrev_diff back = { 0 }, fwd = { 0 };
	struct dbrev_buf a = { 0 }, b = { 0 };
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	dbrev_apply_options_init(&ao);
	ao.dir = o->dir;
	ao.url = o->url;
	ao.table = o->table;
	if (dbrev_apply_status(&ao, &st, err) == -1)
		return -1;
	if (check_status(o, &st, err) == -1 || live_schema(o, &live,
	    err) == -1 || built_schema(o, &st, &s, res, &built, err) == -1)
		goto out;
	if (!o->exact_names)
		dbrev_schema_match_invented_names(built, live);
	/* back: live -> built (the repair); fwd: built -> live (by hand). */
	if (dbrev_schema_diff(live, built, &s.dopts, &back, err) == -1 ||
	    dbrev_schema_diff(built, live, &s.dopts, &fwd, err) == -1)
		goto out;
	describe(res, &fwd);
	if (back.nchanges > 0)
		s.db->driver->diff_sql(s.db->conn, &back, &a);
	if (fwd.nchanges > 0)
		s.db->driver->diff_sql(s.db->conn, &fwd, &b);
	res->repair = dbrev_stair_trimmed(a.data != NULL ? a.data : "");
	res->reverse = dbrev_stair_trimmed(b.data != NULL ? b.data : "");
	dbrev_buf_free(&a);
	dbrev_buf_free(&b);
	rc = 0;
out:
	dbrev_diff_free(&back);
	dbrev_diff_free(&fwd);
	dbrev_schema_free(live);
	dbrev_schema_free(built);
	dbrev_stair_close(&s);
	dbrev_status_free(&st);
	if (rc == -1)
		dbrev_drift_result_free(res);
	return rc;
}

void
dbrev_drift_result_free(struct dbrev_drift_result *res)
{
	size_t i;

	for (i = 0; i < res->ndifferences; i++)
		free(res->differences[i]);
	free(res->differences);
	for (i = 0; i < res->napplied; i++)
		free(res->applied[i]);
	free(res->applied);
	free(res->repair);
	free(res->reverse);
	memset(res, 0, sizeof(*res));
}
