/*
 * dbrev/track.h - is a database at head?  Answered cheaply, for the make
 * fragments (revapply current --exit-code --state-dir DIR).
 *
 * At head means: every revision of the graph has its row in the version
 * table, in state applied, with the checksum of its file, and the table
 * holds no other row.  This is decided from the database every time,
 * except where a state directory proves that nothing changed since it was
 * last decided:
 *
 *   - the revision files: the names and stat data (device, inode, size,
 *     mtime, ctime) of DIR/versions/ *.sql; while they are the ones
 *     remembered, the graph is not loaded again;
 *   - a SQLite file: its stat data (and its -wal file's) and the first 100
 *     bytes of its header (change counter, schema cookie), so a file
 *     replaced by any means (cp -p, mv, rsync -a, tar x of an older copy,
 *     whatever its mtime) or written by anyone differs; while they are the
 *     ones remembered together with the graph it was at head of, the
 *     database is not opened.
 *
 * Both are compared raw, byte for byte: no digest is computed (nor
 * libcrypto started) when nothing changed.
 *
 * A server database (PostgreSQL) is always asked: one connection and a
 * read of the version table, under no lock.  Nothing is remembered from
 * a state whose timestamps are too recent to tell a later change from it
 * (a write in the same clock tick): it is decided again next time.  A
 * state directory that cannot be written only costs speed; a file in it
 * that is not exactly what this code writes is ignored and rewritten.
 */
#ifndef DBREV_TRACK_H
#define DBREV_TRACK_H

#include <stddef.h>

#include "dbrev/apply.h"
#include "dbrev/error.h"
#include "dbrev/util.h"

enum dbrev_track_verdict {
	DBREV_TRACK_AT_HEAD = 0,
	DBREV_TRACK_PENDING,	/* revisions to apply, nothing in the way */
	DBREV_TRACK_TROUBLE	/* a row in progress, an edited revision or a
				 * row for a revision not in the directory:
				 * revapply upgrade would refuse */
};

struct dbrev_track {
	enum dbrev_track_verdict verdict;
	int	  known;	/* answered without opening the database */
	char	**heads;	/* the graph's heads, apply order */
	size_t	  nheads;
};

/*
 * Decide whether the database o->url names (version table o->table, or
 * the default) is at the head of the revisions in o->dir.  state_dir may
 * be NULL (nothing remembered) or a directory, created when missing.
 * A SQLite file that does not exist is not created (pending, unless the
 * directory holds no revision).  Returns 0 with *out filled (free with
 * dbrev_track_free), or -1 with err: an invalid graph (INPUT) or a
 * database that cannot be read (RUNTIME).  No password reaches err.
 */
int	 dbrev_track_check(const struct dbrev_apply_options *o,
	    const char *state_dir, struct dbrev_track *out,
	    struct dbrev_error *err);
void	 dbrev_track_free(struct dbrev_track *);

/*
 * Only what state_dir proves, never opening the database: 1 when it
 * shows the SQLite database o->url names at head (out filled as by
 * dbrev_track_check, known), 0 when only the database could tell (a
 * server database, a file changed or never found at head, no state),
 * -1 with err for an invalid graph.  For runs over many databases
 * (dbrev/fleet.h), which ask the others in parallel.
 */
int	 dbrev_track_known(const struct dbrev_apply_options *o,
	    const char *state_dir, struct dbrev_track *out,
	    struct dbrev_error *err);

/*
 * The digest that "at head" compares: SHA-256 (hex) over the pairs
 * (id, checksum) sorted by id, one "id checksum\n" line each.  Exposed
 * for the tests: the graph's pairs and the applied rows' must agree.
 */
void	 dbrev_track_digest(char *const *ids, char *const *checksums, size_t n,
	    char out[DBREV_CHECKSUM_LEN + 1]);

/*
 * The state file parser, exposed for the fuzzer and the tests: parse the
 * header of a state file whose keys are the n names in keys[] (each must
 * appear once, in that order, after the "dbrev-state 1" line); vals[i]
 * receive pointers into a copy the caller frees with *copy.  Values:
 * "graph" 64 lowercase hex digits, "file" an even number of them (up to
 * 2048), "files" a count, "heads" zero or more revision ids.  Returns
 * 0, or -1 when the text is anything else.
 */
int	 dbrev_track_parse_state(const char *text, size_t len,
	    const char *const *keys, size_t n, const char **vals,
	    char **copy);

/*
 * Append prefix and the name of the state file describing `text` (a
 * directory's name, a URL without its password): text escaped so that
 * two texts never share a name ('_' is "__", a byte other than a letter,
 * digit, '.', '-' or '+' is "_" and two hex digits), or, when that is
 * longer than 200 bytes, "_h" and its SHA-256.
 */
void	 dbrev_track_state_name(struct dbrev_buf *out, const char *prefix,
	    const char *text);

#endif /* DBREV_TRACK_H */
