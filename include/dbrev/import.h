/*
 * dbrev/import.h - turn another tool's migrations into dbrev revisions.
 *
 * Import is three steps, each usable alone:
 *
 *   load   read the source into memory (dbrev_import_load): every file
 *          the kind looks at, with its path and text;
 *   parse  turn those files into a neutral list of revisions in the
 *          source's own order (dbrev_import_parse): version, id, message,
 *          upgrade and downgrade text, transaction, parents, depends;
 *   write  render each as a revision file and publish them all or none
 *          (dbrev_import).
 *
 * Parsing touches no file system, so tests and fuzzers feed it files
 * built in memory.  Ids are derived from the source's versions only, so
 * importing the same source twice gives the same revisions; a revision
 * whose id exists already is skipped when its content is the same and
 * refused when it differs.  Every input error is kind INPUT with the
 * source file and line.  The kinds and their rules are in revgen(1),
 * IMPORT.
 */
#ifndef DBREV_IMPORT_H
#define DBREV_IMPORT_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/revision.h"
#include "dbrev/util.h"

/* One file (or directory) of the source, read into memory. */
struct dbrev_import_file {
	char	*path;		/* as shown in messages: DIR/REL, or as given */
	char	*rel;		/* relative to the source directory */
	char	*text;		/* NUL-terminated; NULL for a directory */
	size_t	 len;		/* bytes of text (no NUL inside: checked);
				   for a directory, how many entries it
				   holds, hidden ones included */
};

/* A source: the files a kind reads, sorted by rel (bytewise). */
struct dbrev_import_source {
	char			 *kind;
	struct dbrev_import_file *files;
	size_t			  nfiles;
};

/* One revision to write, in the neutral form every kind produces. */
struct dbrev_import_rev {
	char	 *version;	/* the source's version, as its tool spells it */
	char	 *id;		/* the dbrev revision id derived from it */
	char	 *message;	/* one line, from the source's name or note */
	char	 *created;	/* ISO 8601 UTC when the source dates it, or "" */
	char	 *origin;	/* what it came from, for the file's comment */
	char	 *up;		/* upgrade SQL, byte for byte */
	char	 *up_path;	/* where up came from, and its first line */
	unsigned  up_line;
	char	 *down;		/* downgrade SQL; NULL when the source has none */
	char	 *down_path;
	unsigned  down_line;
	int	  transactional; /* 0: "transaction: none" */
	char	**parents;	/* ids */
	size_t	  nparents;
	char	**depends;	/* ids of extra prerequisites */
	size_t	  ndepends;
};

/* A parsed source: revisions in the source's order (parents first). */
struct dbrev_import_list {
	struct dbrev_import_rev	*revs;
	size_t			 n;
};

/* The kinds, as a NULL-terminated list of names. */
const char *const *dbrev_import_kinds(void);

/*
 * Read a source of `kind` into src.  For every kind but alembic, paths
 * holds one directory; for alembic the upgrade script and any number
 * of downgrade scripts (`alembic upgrade base:heads --sql`, and
 * `alembic downgrade HEAD:base --sql` for each head).  Only the files the kind looks
 * at are read; hidden names are skipped.  A file that is not UTF-8 text
 * (a NUL byte, an invalid sequence) is an INPUT error with its line.  A
 * byte order mark at the start of a file is dropped.  An unknown kind
 * or a wrong number of paths is an INPUT error.
 */
int	 dbrev_import_load(const char *kind, const char *const *paths,
	    size_t npaths, struct dbrev_import_source *src,
	    struct dbrev_error *err);

/*
 * Parse a loaded (or hand-built) source into out, in apply order, with
 * ids, parents and depends set and everything the written files need
 * checked: unique ids, one-line messages, sections that no dbrev marker
 * line would cut.  Every problem found is chained in err (kind INPUT,
 * file:line, a hint); on error out is empty.
 */
int	 dbrev_import_parse(const struct dbrev_import_source *src,
	    struct dbrev_import_list *out, struct dbrev_error *err);

/*
 * The revision file text of rev: the header, a comment naming its
 * origin, "-- +upgrade" and the upgrade text, and "-- +downgrade" and
 * the downgrade text when it has one.  The sections are the source's
 * bytes; a final newline is added to a section whose last line has
 * none.  Parsing the text gives back rev's sections (checked by
 * dbrev_import_parse).
 */
void	 dbrev_import_render(const struct dbrev_import_rev *rev,
	    struct dbrev_buf *out);

/*
 * The id dbrev derives from a source version or name: the text itself
 * when it is a valid id; else every byte outside [A-Za-z0-9_] becomes
 * '_', and when that is still not valid (empty, longer than 32, a
 * reserved word) the first 23 characters, '_' and 8 hex digits of the
 * SHA-256 of the original text.  out holds DBREV_ID_MAX + 1 bytes.
 */
char	*dbrev_import_id(const char *version, char out[DBREV_ID_MAX + 1]);

void	 dbrev_import_source_free(struct dbrev_import_source *);
void	 dbrev_import_list_free(struct dbrev_import_list *);

/* What dbrev_import writes. */
struct dbrev_import_options {
	const char		*kind;
	const char *const	*paths;		/* see dbrev_import_load */
	size_t			 npaths;
	const char		*dir;		/* the migrations directory */
};

struct dbrev_import_result {
	char	**written;	/* paths of the new revision files, in order */
	size_t	  nwritten;
	size_t	  nunchanged;	/* revisions that were there already */
	size_t	  total;	/* revisions in the source */
};

/*
 * Load, parse and write: every revision of the source whose id is not in
 * dir yet is rendered, checked with the revision parser and published
 * into dir/versions/<id>_<slug>.sql; one whose id is there with the same
 * parents, depends, transaction and sections is left as it is; one whose
 * id is there with other content is an error.  Files are staged first
 * and published all or none: on any error nothing is written.
 */
int	 dbrev_import(const struct dbrev_import_options *,
	    struct dbrev_import_result *, struct dbrev_error *err);

void	 dbrev_import_result_free(struct dbrev_import_result *);

#endif /* DBREV_IMPORT_H */
