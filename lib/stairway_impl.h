/*
 * stairway_impl.h - what lib/stairway.c, lib/stairway_run.c and
 * lib/drift.c share: a scratch database through the driver, schema
 * reads and comparison, held signals, data hooks.  Private to libdbrev.
 */
#ifndef DBREV_STAIRWAY_IMPL_H
#define DBREV_STAIRWAY_IMPL_H

#include <signal.h>

#include "db/driver.h"
#include "dbrev/schema.h"
#include "dbrev/stairway.h"

struct dbrev_stair_db {
	struct dbrev_scratch	 scratch;
	int			 made;
	struct dbrev_db		*db;
	struct dbrev_diff_options dopts;
};

struct dbrev_stair_hook {
	char	*path;		/* NULL: no hook */
	char	*sql;
};

/* Make and open a scratch database of url's kind; close drops it. */
int	 dbrev_stair_open(struct dbrev_stair_db *, const char *url,
	    const char *dev_url, struct dbrev_error *);
void	 dbrev_stair_close(struct dbrev_stair_db *);

/* Run a section of r (and the hook after it, in its transaction). */
int	 dbrev_stair_exec(struct dbrev_stair_db *, const struct dbrev_revision *r,
	    const char *sql, unsigned line, const struct dbrev_stair_hook *,
	    struct dbrev_error *);
int	 dbrev_stair_schema(struct dbrev_stair_db *, struct dbrev_schema **,
	    struct dbrev_error *);
/* 0 equal, 1 different (detail and sql filled), -1 error. */
int	 dbrev_stair_compare(struct dbrev_stair_db *,
	    const struct dbrev_schema *want, struct dbrev_schema *got,
	    int exact_names, char **detail, char **sql, struct dbrev_error *);

/* A copy of s without leading and trailing blank lines. */
char	*dbrev_stair_trimmed(const char *s);

/*
 * A signal that ends a tool is pending (held by dbrev_signals_hold, *old
 * the mask before): 1 with err saying the scratch database was dropped.
 */
int	 dbrev_stair_interrupted(const sigset_t *old, struct dbrev_error *);

int	 dbrev_stair_hook_for(const char *hook, const struct dbrev_revision *,
	    struct dbrev_stair_hook *, struct dbrev_error *);
void	 dbrev_stair_hook_free(struct dbrev_stair_hook *);

#endif /* DBREV_STAIRWAY_IMPL_H */
