/*
 * baseline.c - a version table read in the light of the baselines that
 * revgen squash writes ("-- replaces: FIRST LAST", dbrev-revision(5)).
 *
 * A database that had the squashed revisions applied records them by
 * their old ids, which are no longer in the directory.  When it records
 * a baseline's LAST revision it has the whole range, so the baseline
 * counts as applied: its row is added and the rows of revisions that
 * are not in the directory (the replaced ones) are dropped, in the
 * caller's memory and, when writing, in the table (one transaction,
 * under the caller's lock).  A database that records FIRST but not LAST
 * stopped inside the range, which the baseline cannot finish: refused.
 */
#include <stdlib.h>
#include <string.h>

#include "db/driver.h"
#include "dbrev/graph.h"
#include "baseline.h"

static long
row_of(const struct dbrev_applied *rows, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i].revision, id) == 0)
			return (long)i;
	return -1;
}

/* Which baselines to settle: 1 per apply-order index; -1 on partway. */
static int
pick(const struct dbrev_graph *g, const struct dbrev_applied *rows,
    size_t n, unsigned char *todo, int *any, struct dbrev_error *err)
{
	const struct dbrev_revision *r;
	size_t i;
	int rc = 0;

	*any = 0;
	for (i = 0; i < dbrev_graph_count(g); i++) {
		r = dbrev_graph_at(g, i);
		if (r->replaces_first == NULL || row_of(rows, n, r->id) >= 0)
			continue;
		if (row_of(rows, n, r->replaces_last) >= 0) {
			todo[i] = 1;
			*any = 1;
		} else if (row_of(rows, n, r->replaces_first) >= 0) {
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, r->path,
			    r->replaces_line, NULL, "the database is partway "
			    "through the revisions that baseline %s replaces "
			    "(%s to %s): it records %s but not %s", r->id,
			    r->replaces_first, r->replaces_last,
			    r->replaces_first, r->replaces_last);
			dbrev_error_hint(err, "upgrade it to %s with the files "
			    "as they were before the squash first (revapply "
			    "-d DIR upgrade %s, DIR holding versions/squashed/ "
			    "as its versions/, or a checkout from before), "
			    "then upgrade here", r->replaces_last,
			    r->replaces_last);
		}
	}
	return rc;
}

/* Write the change: baseline rows in, rows of unknown ids out. */
static int
write_rows(const struct dbrev_graph *g, const struct dbrev_driver *drv,
    struct dbrev_conn *c, const char *table, const unsigned char *todo,
    const struct dbrev_applied *rows, size_t n, struct dbrev_error *err)
{
	struct dbrev_error ignore = { 0 };
	const struct dbrev_revision *r;
	size_t i;

	if (drv->begin(c, err) == -1)
		return -1;
	for (i = 0; i < dbrev_graph_count(g); i++) {
		r = dbrev_graph_at(g, i);
		if (todo[i] && drv->table_insert(c, table, r->id, r->checksum,
		    DBREV_ROW_APPLIED, err) == -1)
			goto rollback;
	}
	for (i = 0; i < n; i++)
		if (dbrev_graph_index(g, rows[i].revision) < 0 &&
		    drv->table_delete(c, table, rows[i].revision, err) == -1)
			goto rollback;
	if (drv->commit(c, err) == 0)
		return 0;
rollback:
	drv->rollback(c, &ignore);
	dbrev_error_clear(&ignore);
	return -1;
}

int
dbrev_baseline_settle(const struct dbrev_graph *g,
    const struct dbrev_driver *drv, struct dbrev_conn *c, const char *table,
    struct dbrev_applied **rows, size_t *nrows, struct dbrev_error *err)
{
	const struct dbrev_revision *r;
	struct dbrev_applied *v = *rows;
	unsigned char *todo;
	size_t i, n = *nrows, m = 0, nb = 0;
	int any, rc = -1;

	todo = dbrev_xcalloc(dbrev_graph_count(g) + 1, 1);
	if (pick(g, v, n, todo, &any, err) == -1)
		goto out;
	if (!any) {
		rc = 0;
		goto out;
	}
	if (drv != NULL && write_rows(g, drv, c, table, todo, v, n,
	    err) == -1)
		goto out;
	/* The same in memory: keep known rows, add the baselines'. */
	for (i = 0; i < dbrev_graph_count(g); i++)
		nb += todo[i];
	for (i = 0; i < n; i++) {
		if (dbrev_graph_index(g, v[i].revision) < 0) {
			free(v[i].revision);
			free(v[i].checksum);
			free(v[i].applied_at);
			continue;
		}
		v[m++] = v[i];
	}
	v = dbrev_xrealloc(v, (m + nb + 1) * sizeof(*v));
	for (i = 0; i < dbrev_graph_count(g); i++) {
		if (!todo[i])
			continue;
		r = dbrev_graph_at(g, i);
		v[m].revision = dbrev_xstrdup(r->id);
		v[m].checksum = dbrev_xstrdup(r->checksum);
		v[m].applied_at = dbrev_xstrdup("");
		v[m].state = DBREV_ROW_APPLIED;
		m++;
	}
	*rows = v;
	*nrows = m;
	rc = 0;
out:
	free(todo);
	return rc;
}
