/*
 * dbrev/revision.h - one revision file: parse, check, checksum.
 *
 * The format is in dbrev-revision(5): a header of "-- key: value" lines,
 * then "-- +upgrade" and optionally "-- +downgrade".  Parsing is strict:
 * every problem is reported as file:line with what would fix it.
 */
#ifndef DBREV_REVISION_H
#define DBREV_REVISION_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/util.h"

#define DBREV_ID_MAX 32		/* longest revision id */
/* The largest revision file read: data belongs in data loads. */
#define DBREV_REVISION_MAX ((size_t)1 << 30)	/* 1 GiB */

/* A parsed revision.  Owned by whoever created it; see revision_free. */
struct dbrev_revision {
	char	 *id;
	char	**parents;	/* parents, in file order */
	size_t	  nparents;
	char	**depends;	/* extra revisions applied first */
	size_t	  ndepends;
	char	 *message;	/* "" when absent */
	char	 *created;	/* "" when absent */
	char	 *path;		/* the file it came from */
	/*
	 * A baseline ("replaces: FIRST LAST", revgen squash): the first and
	 * last revisions of the squashed range, which are no longer in the
	 * directory; both NULL otherwise (one id: both point at it).
	 */
	char	 *replaces_first;
	char	 *replaces_last;
	/*
	 * Section text, each exactly as in the file (NULL when parsed with
	 * DBREV_PARSE_HEADER_ONLY).  *_line is the file line on which the
	 * text's first line stands, to map an SQL error back to the file.
	 */
	char	 *upgrade;
	char	 *downgrade;	/* NULL when irreversible or header-only */
	/*
	 * The "lint:" header lines (any number; read by revorder --lint),
	 * in file order: each value and its line.
	 */
	char	**lint;
	unsigned *lint_line;
	size_t	  nlint;
	/*
	 * The "lock-timeout:" and "statement-timeout:" lines, in seconds
	 * (0: no limit), and their lines: a value counts only when its
	 * line is not 0 (absent: the run's default applies).
	 */
	double	  lock_timeout;
	double	  statement_timeout;
	unsigned  lock_timeout_line;
	unsigned  statement_timeout_line;
	unsigned  upgrade_line;
	unsigned  downgrade_line;
	/* Header lines (0 when absent), so that graph errors name them. */
	unsigned  revision_line;
	unsigned  parents_line;
	unsigned  depends_line;
	unsigned  replaces_line;
	int	  transactional; /* 0 for "transaction: none" */
	int	  has_downgrade; /* 0: irreversible */
	int	  repeatable;	/* "repeatable: yes": no parents, re-applied
				 * when its checksum changes (graph.h) */
	char	  checksum[DBREV_CHECKSUM_LEN + 1]; /* SHA-256 of upgrade */
	/*
	 * Internal: the parser allocates the struct and its header strings
	 * in one block of this size; dbrev_revision_free frees separately
	 * only the pointers outside it, so a hand-built revision (every
	 * field malloc'd, block_size 0) is freed correctly too.
	 */
	size_t	  block_size;
};

/* Flags for parsing. */
#define DBREV_PARSE_HEADER_ONLY	0x01	/* check all, keep no SQL text */

/*
 * Parse `len` bytes of `text` read from `path` (used in messages and
 * copied into the revision).  text need not be NUL-terminated; a NUL
 * byte in it is an error.  On success *out is a new revision (free with
 * dbrev_revision_free).  On failure returns -1 with one error appended
 * to err (kind INPUT, the first problem of the file, with its line and
 * a hint) and *out NULL.  The checksum is computed in both modes.
 */
int	 dbrev_revision_parse(const char *path, const char *text, size_t len,
	    unsigned flags, struct dbrev_revision **out,
	    struct dbrev_error *err);

/*
 * Read and parse the file at path: a regular file of at most
 * DBREV_REVISION_MAX bytes (a FIFO or device is refused, not read).
 */
int	 dbrev_revision_load(const char *path, unsigned flags,
	    struct dbrev_revision **out, struct dbrev_error *err);

void	 dbrev_revision_free(struct dbrev_revision *);

/* The longest duration a header line or option may give, in seconds. */
#define DBREV_DURATION_MAX	1e6

/*
 * Parse a duration of len bytes (no NUL needed): a decimal number, no
 * sign or exponent, and a unit, one of ms, s, m or min, h (none:
 * seconds), with nothing around it: "500ms", "10s", "1.5min", "0".
 * At most DBREV_DURATION_MAX seconds.  Returns 0 and sets *seconds, or
 * -1 leaving it alone.
 */
int	 dbrev_duration_parse(const char *s, size_t len, double *seconds);

/*
 * Non-zero when s is a valid revision id: 1-32 of [A-Za-z0-9_], and not
 * one of the target keywords head, heads, base.
 */
int	 dbrev_revision_id_valid(const char *s);

#endif /* DBREV_REVISION_H */
