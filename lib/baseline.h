/*
 * baseline.h - internal to libdbrev: the version table in the light of
 * revgen squash's baselines (lib/baseline.c).
 */
#ifndef DBREV_BASELINE_H
#define DBREV_BASELINE_H

#include <stddef.h>

#include "db/driver.h"
#include "dbrev/graph.h"

/*
 * For each baseline of g that has no row while its last replaced
 * revision has one: add its row to *rows (checksum of its file) and
 * drop the rows of revisions not in g.  With drv non-NULL the table is
 * changed too, in one transaction (the caller holds the lock); with drv
 * NULL only *rows.  A row for a baseline's first replaced revision
 * without one for its last is an error (RUNTIME), changing nothing.
 */
int	 dbrev_baseline_settle(const struct dbrev_graph *g,
	    const struct dbrev_driver *drv, struct dbrev_conn *c,
	    const char *table, struct dbrev_applied **rows, size_t *nrows,
	    struct dbrev_error *err);

#endif /* DBREV_BASELINE_H */
