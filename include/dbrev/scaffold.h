/*
 * dbrev/scaffold.h - what revgen writes: a migrations directory's
 * skeleton, new revision ids, file name slugs and new revision files.
 *
 * A new revision file is rendered from the directory's template
 * (DIR/script.sql.tmpl, or a built-in one when absent), checked with the
 * revision parser, and written to DIR/versions/<id>_<slug>.sql without
 * ever replacing an existing file.
 */
#ifndef DBREV_SCAFFOLD_H
#define DBREV_SCAFFOLD_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/graph.h"
#include "dbrev/util.h"

#define DBREV_NEWID_LEN		12	/* hex digits in a new revision id */
#define DBREV_SLUG_MAX		40	/* longest file name slug */
#define DBREV_TEMPLATE_NAME	"script.sql.tmpl"

/*
 * The template used when DIR/script.sql.tmpl is absent, and the one
 * `revgen init` writes (there preceded by "##" comment lines).
 */
extern const char dbrev_scaffold_default_template[];
/* The one every repeatable revision is written from. */
extern const char dbrev_scaffold_repeatable_template[];

/*
 * Scaffold a migrations directory: create DIR (and missing parents),
 * DIR/versions/, DIR/README and DIR/script.sql.tmpl.  Nothing is
 * replaced: when any of the three exists, nothing is created and err
 * names each one that exists (kind INPUT).  When `created` is not NULL
 * it is set to a NULL-terminated array of the paths created (free each
 * and the array), also on a partial failure.
 */
int	 dbrev_scaffold_init(const char *dir, char ***created,
	    struct dbrev_error *err);

/*
 * Check that dir is a migrations directory (dir/versions/ exists);
 * otherwise fill err (kind INPUT) suggesting `revgen init`.
 */
int	 dbrev_scaffold_check_dir(const char *dir, struct dbrev_error *err);

/*
 * A source of random bytes: fill len bytes of buf, return 0 or -1.
 * dbrev_scaffold_random (getrandom(2)) is the real one; tests pass
 * scripted ones to dbrev_scaffold_new_id_from.
 */
typedef int (*dbrev_random_fn)(void *buf, size_t len, void *arg);
int	 dbrev_scaffold_random(void *buf, size_t len, void *arg);

/*
 * A new revision id: 12 lowercase hex digits from getrandom(2), written
 * with a NUL into out.  When g is not NULL, an id that exists in g, or
 * that would make an existing id ambiguous as a prefix, is drawn again.
 */
int	 dbrev_scaffold_new_id(const struct dbrev_graph *g,
	    char out[DBREV_NEWID_LEN + 1], struct dbrev_error *err);
/* The same with another random source (tests). */
int	 dbrev_scaffold_new_id_from(const struct dbrev_graph *g,
	    dbrev_random_fn rnd, void *arg, char out[DBREV_NEWID_LEN + 1],
	    struct dbrev_error *err);

/*
 * The file name slug of a message: lowercase ASCII letters, digits and
 * '_', every run of anything else (including non-ASCII) one '_', none
 * leading or trailing, at most DBREV_SLUG_MAX characters (cut at a word
 * boundary when one is near), "revision" when nothing is left.  out must
 * hold DBREV_SLUG_MAX + 1 bytes.  Returns out.
 */
char	*dbrev_scaffold_slug(const char *message,
	    char out[DBREV_SLUG_MAX + 1]);

/*
 * Check a revision message: one line (no newline or carriage return),
 * not empty or blank, no control characters, valid UTF-8.  Fills err
 * (kind INPUT) saying which rule it breaks.
 */
int	 dbrev_scaffold_check_message(const char *message,
	    struct dbrev_error *err);

/* The current time as UTC ISO 8601, e.g. "2026-11-24T01:00:00Z". */
#define DBREV_TIMESTAMP_LEN	20
char	*dbrev_scaffold_timestamp(char out[DBREV_TIMESTAMP_LEN + 1]);

/* What goes into a new revision file. */
struct dbrev_newrev {
	const char		 *id;		/* NULL: a new random id */
	const char *const	 *parents;	/* none for a root */
	size_t			  nparents;
	const char		 *message;	/* checked: one line, not empty */
	const char		 *created;	/* NULL: now */
	const char		 *upgrade;	/* SQL, or NULL for none */
	const char		 *downgrade;	/* SQL, or NULL for none */
	int			  no_transaction; /* "transaction: none" */
	int			  repeatable;	/* "repeatable: yes": no
						 * parents; written from
						 * the built-in repeatable
						 * template */
};

/*
 * Render a revision from a template.  Placeholders are ${revision},
 * ${parents} (space separated), ${message}, ${created}, ${upgrade},
 * ${downgrade} and ${transaction} ("-- transaction: none" or nothing);
 * values are inserted as they are, never expanded again.  A line that
 * holds only a placeholder that expands to nothing is left out, and so
 * is a line starting with "##" (a template comment).  Any other "${"
 * is an error naming tmpl_path:line.  The id in rev must be set.
 */
int	 dbrev_scaffold_render(const char *tmpl, const char *tmpl_path,
	    const struct dbrev_newrev *rev, struct dbrev_buf *out,
	    struct dbrev_error *err);

/*
 * Write a new revision into dir/versions/: a new id (unless rev->id is
 * set) unique in g (may be NULL), the file <id>_<slug>.sql rendered from
 * dir/script.sql.tmpl or the built-in template, re-parsed with the
 * revision parser before it is written, then written atomically (a
 * temporary file, fsync, then linked into place, which fails rather
 * than replace a file).  On success *path is the new file's path (the
 * caller frees it) and, when idout is not NULL, the id is copied there.
 * A repeatable is rendered from dbrev_scaffold_repeatable_template (a
 * project's template has parents and a downgrade section) into
 * versions/R__<slug>.sql, as Flyway names them (they run in file-name
 * order); an existing file of that name is an error.
 */
int	 dbrev_scaffold_write(const char *dir, const struct dbrev_graph *g,
	    const struct dbrev_newrev *rev, char **path,
	    char idout[DBREV_ID_MAX + 1], struct dbrev_error *err);

#endif /* DBREV_SCAFFOLD_H */
