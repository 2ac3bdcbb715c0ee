/*
 * dbrev/graph.h - the revision graph of a migrations directory.
 *
 * Built from each revision's parents and depends.  Duplicate ids,
 * missing parents or depends, and cycles are errors.  Revisions are
 * kept in apply order: topological, ties broken by id, so the order is
 * the same on every machine.  Targets resolve as Alembic's do.
 */
#ifndef DBREV_GRAPH_H
#define DBREV_GRAPH_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/revision.h"

struct dbrev_graph;	/* opaque */

/*
 * Load every DIR/versions/ *.sql file (DIR is the migrations directory)
 * with the given DBREV_PARSE_* flags and build the graph.  Names not
 * ending in ".sql", hidden names and directories are skipped; files are
 * read in name order, each once.  All problems found are chained in err:
 * every malformed or unreadable file (kind INPUT, RUNTIME for a read
 * error) or, when all files parse, every graph problem (duplicate ids
 * naming both files, missing parents and depends, cycles).  A missing
 * DIR or DIR/versions is an INPUT error hinting at 'revgen init'.
 * Revision paths are "DIR/versions/NAME".  Returns 0 or -1.
 */
int	 dbrev_graph_load(const char *dir, unsigned flags,
	    struct dbrev_graph **out, struct dbrev_error *err);

/*
 * Build a graph from revisions the caller parsed (the graph takes
 * ownership of the array's elements, not of the array, and frees them
 * even when it fails), e.g. in tests.
 */
int	 dbrev_graph_build(struct dbrev_revision **revs, size_t n,
	    struct dbrev_graph **out, struct dbrev_error *err);

void	 dbrev_graph_free(struct dbrev_graph *);

/* Number of revisions, and the i-th in apply order. */
size_t	 dbrev_graph_count(const struct dbrev_graph *);
const struct dbrev_revision *
	 dbrev_graph_at(const struct dbrev_graph *, size_t i);

/*
 * Repeatable revisions ("repeatable: yes") stand outside the chain: no
 * parents, and no versioned revision names one.  They are not counted
 * by dbrev_graph_count nor seen by the functions that take apply-order
 * indices (heads, plans, closures, current).  Kept in run order: after
 * each other as their depends say (a depends on a versioned revision
 * is always met: repeatables run after all of them), ties in file-name
 * order.  The graph's checks cover them: ids unique across both kinds,
 * depends known, no cycle.
 */
size_t	 dbrev_graph_nrepeatable(const struct dbrev_graph *);
const struct dbrev_revision *
	 dbrev_graph_repeatable(const struct dbrev_graph *, size_t i);
/* Run-order position of the repeatable with this exact id, or -1. */
long	 dbrev_graph_repeatable_index(const struct dbrev_graph *,
	    const char *id);

/* Position in apply order of the revision with this exact id, or -1. */
long	 dbrev_graph_index(const struct dbrev_graph *, const char *id);

/* The revision with this exact id, or NULL. */
const struct dbrev_revision *
	 dbrev_graph_find(const struct dbrev_graph *, const char *id);

/*
 * Heads (no child through parents), bases (no parents), branch points
 * (two or more children) and merge points (two or more parents): fill
 * out[] with apply-order indices (out sized dbrev_graph_count) and
 * return how many.
 */
size_t	 dbrev_graph_heads(const struct dbrev_graph *, size_t *out);
size_t	 dbrev_graph_bases(const struct dbrev_graph *, size_t *out);
int	 dbrev_graph_is_head(const struct dbrev_graph *, size_t i);
int	 dbrev_graph_is_branchpoint(const struct dbrev_graph *, size_t i);

/*
 * One line of a history listing (revorder --history, revapply history),
 * appended to out: "PARENTS -> ID" (PARENTS "a, b", or "<base>"), then
 * " (head)", " (branchpoint)", " (mergepoint)" as they apply, then marks
 * as given (may be NULL), then ", MESSAGE" when there is one, and "\n".
 */
void	 dbrev_graph_history_line(struct dbrev_buf *out,
	    const struct dbrev_graph *, size_t i, const char *marks);

/* Number of children of revision i (through parents). */
size_t	 dbrev_graph_nchildren(const struct dbrev_graph *, size_t i);

/*
 * Resolve an id or a unique prefix of one to its apply-order index (an
 * exact id wins over longer ids it prefixes).  Unknown, empty or
 * ambiguous (up to ten candidates listed) fills err (INPUT) and returns
 * -1.  The keywords head, heads and base are not resolved here.
 */
long	 dbrev_graph_lookup(const struct dbrev_graph *, const char *idprefix,
	    struct dbrev_error *err);

/* A set of applied revisions: one flag per apply-order index. */
struct dbrev_revset {
	unsigned char	*in;	/* in[i] != 0: revision i is in the set */
	size_t		 n;	/* == dbrev_graph_count() */
};

/* An empty set sized for the graph; free with dbrev_revset_free. */
void	 dbrev_revset_init(struct dbrev_revset *, const struct dbrev_graph *);
void	 dbrev_revset_free(struct dbrev_revset *);

/* What a plan does to each of its revisions. */
enum dbrev_direction {
	DBREV_UPGRADE,
	DBREV_DOWNGRADE
};

/* An ordered list of revisions to apply or revert. */
struct dbrev_plan {
	enum dbrev_direction	 direction;
	size_t			*steps;	 /* apply-order indices, in run order */
	size_t			 nsteps;
};

void	 dbrev_plan_free(struct dbrev_plan *);

/*
 * Compute the plan that takes the database from `applied` to `target`:
 *
 *   upgrade:   head (the single head; several is an error naming them),
 *              heads, an id or unique prefix (applies it and all its
 *              ancestors through parents and depends), +N (the next N
 *              not yet applied, in apply order), base (nothing).
 *   downgrade: base (revert all), an id or prefix (revert the applied
 *              revisions that descend from it, which must be applied),
 *              -N (the last N applied, in reverse apply order).
 *
 * A NULL or empty target means head (upgrade) or -1 (downgrade).  For a
 * downgrade, head names the single head like an id.  +0 is an empty
 * plan; a larger N than there are revisions to apply (or applied ones to
 * revert) is an error saying how many there are.  A downgrade to an id
 * that is not applied is an error.  Targets of the wrong direction
 * (-N for upgrade, +N or heads for downgrade) are errors.
 *
 * A revision in the plan never runs before one it rests on (upgrade:
 * apply order; downgrade: reverse apply order).  Downgrading across an
 * irreversible revision is an error naming each one (file and line of
 * its revision header), before anything runs.  Errors are kind INPUT.
 * `applied` must be closed under ancestry (revapply checks that first).
 * On error out->steps is NULL and out->nsteps 0.
 */
int	 dbrev_graph_plan(const struct dbrev_graph *,
	    const struct dbrev_revset *applied, enum dbrev_direction,
	    const char *target, struct dbrev_plan *out,
	    struct dbrev_error *err);

/*
 * The set a target denotes for stamping: the target and all its
 * ancestors through parents and depends (head, heads, base, id or
 * prefix; NULL or "" means head).  Replaces the contents of `out`
 * (already initialised) and returns 0, or -1 with err (INPUT).
 */
int	 dbrev_graph_closure(const struct dbrev_graph *, const char *target,
	    struct dbrev_revset *out, struct dbrev_error *err);

/*
 * The "current" revisions of an applied set: the applied ones with no
 * applied child through parents (the tips of the applied branches, as
 * Alembic's current; a `depends` link does not hide its target).
 * Fills out[] (in apply order) and returns how many.
 */
size_t	 dbrev_graph_current(const struct dbrev_graph *,
	    const struct dbrev_revset *applied, size_t *out);

/*
 * The same as ids: a new array of *n new strings (the array is never
 * NULL; the caller frees each string and the array).
 */
char	**dbrev_graph_current_ids(const struct dbrev_graph *,
	    const struct dbrev_revset *applied, size_t *n);

/*
 * Check that an applied set is closed under ancestry; if not, fill err
 * (kind RUNTIME, one entry per such revision) naming each applied
 * revision whose parent or dependency is not applied, and return -1.
 */
int	 dbrev_graph_check_applied(const struct dbrev_graph *,
	    const struct dbrev_revset *applied, struct dbrev_error *err);

#endif /* DBREV_GRAPH_H */
