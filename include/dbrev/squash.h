/*
 * dbrev/squash.h - squash the start of a long history into one baseline
 * revision.
 *
 * The revisions up to REV (REV and everything it rests on) are replayed
 * into a scratch database, as autogenerate replays them, and the schema
 * they build is written as one new root revision, emitted as
 * autogenerate emits it, marked "-- replaces: FIRST LAST" (the first of
 * them in apply order, and REV).  Revisions that rested on REV rest on
 * the baseline instead (their parents/depends lines are rewritten; the
 * checksum covers the upgrade section only, so databases that applied
 * them are not disturbed).  The squashed files move to
 * versions/squashed/, or are deleted.  How databases meet a baseline is
 * in lib/baseline.c and revgen(1), SQUASH.
 */
#ifndef DBREV_SQUASH_H
#define DBREV_SQUASH_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/revision.h"
#include "dbrev/util.h"

struct dbrev_squash_options {
	const char	*dir;		/* migrations directory */
	const char	*upto;		/* REV: an id, a unique prefix, head */
	const char	*message;	/* the baseline's message */
	const char	*url;		/* DATABASE_URL: the dialect only */
	const char	*dev_url;	/* PostgreSQL scratch server, or NULL */
	int		 keep_data;	/* add the range's data statements */
	int		 delete_files;	/* delete instead of versions/squashed/ */
};

struct dbrev_squash_result {
	char	 *path;			/* the baseline's file */
	char	  id[DBREV_ID_MAX + 1];
	char	  first[DBREV_ID_MAX + 1];	/* the replaced range */
	char	  last[DBREV_ID_MAX + 1];
	size_t	  nsquashed;		/* revisions replaced */
	size_t	  ndata;		/* data statements kept */
	char	**rewritten;		/* files whose parents changed */
	size_t	  nrewritten;
	char	**warnings;		/* from the emission */
	size_t	  nwarnings;
};

/*
 * Squash.  Refuses (INPUT) a REV that is not one revision, a revision
 * outside the range that rests on one inside other than REV, and a
 * squashed file whose name is taken in versions/squashed/; a range the
 * scratch replay cannot build fails as autogenerate does.  Nothing is
 * written unless the baseline was built and parses back.
 */
int	 dbrev_squash(const struct dbrev_squash_options *,
	    struct dbrev_squash_result *, struct dbrev_error *);

void	 dbrev_squash_result_free(struct dbrev_squash_result *);

/*
 * Append to out the revision file text[0, len) (read from path, for
 * messages) with every id `from` in its parents and depends lines made
 * `to`, every other byte as it was: the revision squash points at the
 * baseline.  A text that does not parse is an error (INPUT), appending
 * nothing.
 */
int	 dbrev_squash_repoint(const char *path, const char *text, size_t len,
	    const char *from, const char *to, struct dbrev_buf *out,
	    struct dbrev_error *err);

#endif /* DBREV_SQUASH_H */
