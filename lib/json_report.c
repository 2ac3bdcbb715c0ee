/*
 * json_report.c - the documents of --format=json (schema version 1,
 * documented in revapply(1) and revorder(1)).  A new field may be added
 * within a version; a field's meaning changed or removed bumps
 * DBREV_JSON_FORMAT_VERSION.
 */
#include <stdlib.h>
#include <string.h>

#include "dbrev/apply.h"
#include "dbrev/graph.h"
#include "dbrev/json.h"
#include "dbrev/stairway.h"

static void
head(struct dbrev_json *j, const char *command)
{
	dbrev_json_object(j, NULL);
	dbrev_json_int(j, "format_version", DBREV_JSON_FORMAT_VERSION);
	dbrev_json_string(j, "command", command);
}

static void
finish(struct dbrev_json *j)
{
	dbrev_json_end(j);
	dbrev_buf_puts(j->out, "\n");
}

static void
strv(struct dbrev_json *j, const char *key, char *const *v, size_t n)
{
	size_t i;

	dbrev_json_array(j, key);
	for (i = 0; i < n; i++)
		dbrev_json_string(j, NULL, v[i]);
	dbrev_json_end(j);
}

/* The fields every listing of a revision has. */
static void
rev_fields(struct dbrev_json *j, const struct dbrev_revision *r)
{
	dbrev_json_string(j, "revision", r->id);
	strv(j, "parents", r->parents, r->nparents);
	strv(j, "depends", r->depends, r->ndepends);
	dbrev_json_string(j, "message", r->message);
	dbrev_json_string(j, "file", r->path);
	dbrev_json_bool(j, "reversible", r->has_downgrade);
	dbrev_json_bool(j, "transactional", r->transactional);
}

void
dbrev_json_graph(struct dbrev_buf *out, const char *command,
    const struct dbrev_graph *g, const size_t *which, size_t n)
{
	struct dbrev_json j;
	size_t k, i, count = dbrev_graph_count(g);

	dbrev_json_init(&j, out);
	head(&j, command);
	dbrev_json_array(&j, "revisions");
	if (which == NULL)
		n = count;
	for (k = 0; k < n; k++) {
		i = which != NULL ? which[k] : k;
		dbrev_json_object(&j, NULL);
		rev_fields(&j, dbrev_graph_at(g, i));
		dbrev_json_bool(&j, "head", dbrev_graph_is_head(g, i));
		dbrev_json_bool(&j, "branchpoint",
		    dbrev_graph_is_branchpoint(g, i));
		dbrev_json_bool(&j, "mergepoint",
		    dbrev_graph_at(g, i)->nparents >= 2);
		dbrev_json_end(&j);
	}
	dbrev_json_end(&j);
	finish(&j);
}

/* A list of the revisions i of the graph for which pick(i) holds. */
static void
rev_list(struct dbrev_json *j, const char *key, const struct dbrev_graph *g,
    const unsigned char *flags, int want)
{
	size_t i, n = dbrev_graph_count(g);

	dbrev_json_array(j, key);
	for (i = 0; i < n; i++) {
		const struct dbrev_revision *r;

		if ((flags != NULL ? flags[i] != 0 : 0) != want)
			continue;
		r = dbrev_graph_at(g, i);
		dbrev_json_object(j, NULL);
		dbrev_json_string(j, "revision", r->id);
		dbrev_json_string(j, "message", r->message);
		dbrev_json_string(j, "file", r->path);
		dbrev_json_end(j);
	}
	dbrev_json_end(j);
}

static void
history(struct dbrev_json *j, const struct dbrev_status *st,
    const struct dbrev_graph *g)
{
	unsigned char *cur;
	size_t i, n = dbrev_graph_count(g);

	cur = dbrev_xcalloc(n + 1, 1);
	for (i = 0; st != NULL && i < st->ncurrent; i++)
		cur[st->current[i]] = 1;
	dbrev_json_array(j, "revisions");
	for (i = 0; i < n; i++) {
		dbrev_json_object(j, NULL);
		rev_fields(j, dbrev_graph_at(g, i));
		dbrev_json_bool(j, "head", dbrev_graph_is_head(g, i));
		dbrev_json_bool(j, "branchpoint",
		    dbrev_graph_is_branchpoint(g, i));
		dbrev_json_bool(j, "mergepoint",
		    dbrev_graph_at(g, i)->nparents >= 2);
		if (st != NULL) {
			dbrev_json_bool(j, "applied", st->applied.in[i]);
			dbrev_json_bool(j, "current", cur[i]);
			dbrev_json_bool(j, "in_progress", st->in_progress[i]);
			dbrev_json_bool(j, "edited", st->edited[i]);
		}
		dbrev_json_end(j);
	}
	dbrev_json_end(j);
	free(cur);
}

void
dbrev_json_status(struct dbrev_buf *out, const char *command,
    const struct dbrev_status *st, const struct dbrev_graph *g,
    int exit_status)
{
	struct dbrev_json j;
	unsigned char *pending, *cur;
	size_t i, n, napplied;

	if (st != NULL)
		g = st->graph;
	n = dbrev_graph_count(g);
	dbrev_json_init(&j, out);
	head(&j, command);
	if (strcmp(command, "history") == 0) {
		history(&j, st, g);
		if (st != NULL)
			strv(&j, "unknown", st->unknown, st->nunknown);
		finish(&j);
		return;
	}
	pending = dbrev_xcalloc(n + 1, 1);
	cur = dbrev_xcalloc(n + 1, 1);
	for (i = 0; i < n; i++)
		pending[i] = !st->applied.in[i] && !st->in_progress[i];
	for (i = 0; i < st->ncurrent; i++)
		cur[st->current[i]] = 1;
	dbrev_json_int(&j, "exit_status", exit_status);
	dbrev_json_bool(&j, "database_exists", !st->no_database);
	rev_list(&j, "current", g, cur, 1);
	rev_list(&j, "pending", g, pending, 1);
	rev_list(&j, "in_progress", g, st->in_progress, 1);
	rev_list(&j, "edited", g, st->edited, 1);
	strv(&j, "unknown", st->unknown, st->nunknown);
	for (i = 0, napplied = 0; i < n; i++)
		napplied += st->applied.in[i] != 0;
	dbrev_json_int(&j, "applied", (long long)napplied);
	dbrev_json_int(&j, "total", (long long)n);
	finish(&j);
	free(pending);
	free(cur);
}

void
dbrev_json_stairway(struct dbrev_buf *out,
    const struct dbrev_stairway_result *res, int strict)
{
	struct dbrev_json j;
	size_t k;
	int v;

	dbrev_json_init(&j, out);
	head(&j, "test");
	dbrev_json_bool(&j, "passed", res->failed == 0);
	dbrev_json_bool(&j, "strict", strict);
	dbrev_json_array(&j, "revisions");
	for (k = 0; k < res->nsteps; k++) {
		const struct dbrev_stair_step *st = &res->steps[k];

		if (st->rev == NULL)
			continue;
		dbrev_json_object(&j, NULL);
		dbrev_json_string(&j, "revision", st->rev->id);
		dbrev_json_string(&j, "message", st->rev->message);
		dbrev_json_string(&j, "file", st->rev->path);
		dbrev_json_string(&j, "result",
		    dbrev_stair_verdict_name(st->verdict));
		dbrev_json_string(&j, "detail", st->detail);
		dbrev_json_string(&j, "sql", st->sql);
		dbrev_json_number(&j, "ms", st->ms);
		dbrev_json_end(&j);
	}
	dbrev_json_end(&j);
	dbrev_json_object(&j, "summary");
	dbrev_json_int(&j, "tested", (long long)(res->nsteps - res->untried));
	for (v = 0; v < DBREV_STAIR_NVERDICTS; v++)
		dbrev_json_int(&j, dbrev_stair_verdict_name(v),
		    (long long)res->count[v]);
	dbrev_json_int(&j, "failed", (long long)res->failed);
	dbrev_json_int(&j, "untried", (long long)res->untried);
	dbrev_json_number(&j, "ms", res->ms);
	dbrev_json_end(&j);
	finish(&j);
}

void
dbrev_json_drift(struct dbrev_buf *out, const struct dbrev_drift_result *res)
{
	struct dbrev_json j;

	dbrev_json_init(&j, out);
	head(&j, "drift");
	dbrev_json_bool(&j, "drift", res->ndifferences > 0);
	strv(&j, "applied", res->applied, res->napplied);
	strv(&j, "differences", res->differences, res->ndifferences);
	dbrev_json_string(&j, "repair_sql", res->repair);
	dbrev_json_string(&j, "reverse_sql", res->reverse);
	finish(&j);
}
