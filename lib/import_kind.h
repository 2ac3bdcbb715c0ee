/*
 * import_kind.h - internal to lib/import*.c: the table of operations
 * each source kind fills, and the helpers the kinds share.
 *
 * A kind says which files dbrev_import_load reads (wants) and turns the
 * loaded files into revisions in its tool's own order (parse).  parse
 * sets version, id, message, created, origin, the sections with their
 * file and line, and transactional; it sets parents only when the kind
 * has its own graph (chain == 0), otherwise import.c makes each
 * revision the child of the one before it.  Errors are INPUT, with the
 * source file and line and a hint.
 */
#ifndef DBREV_IMPORT_KIND_H
#define DBREV_IMPORT_KIND_H

#include <stddef.h>

#include "dbrev/error.h"
#include "dbrev/import.h"

/* The deepest any kind reads below its source directory. */
#define DBREV_IMPORT_MAX_DEPTH	16

struct dbrev_import_kind {
	const char	*name;
	/* Where the tool keeps its migrations, for the hint of a bad DIR. */
	const char	*where;
	/* Depth of directories read below DIR (0: DIR's files only), at
	 * most DBREV_IMPORT_MAX_DEPTH. */
	int		 depth;
	/* Whether to read rel (is_dir: a directory, listed without text). */
	int		(*wants)(const char *rel, int is_dir);
	int		(*parse)(const struct dbrev_import_source *,
			    struct dbrev_import_list *, struct dbrev_error *);
	int		 chain;	/* parents: the revision before, in order */
};

extern const struct dbrev_import_kind dbrev_import_dbmate;
extern const struct dbrev_import_kind dbrev_import_goose;
extern const struct dbrev_import_kind dbrev_import_golang_migrate;
extern const struct dbrev_import_kind dbrev_import_flyway;
extern const struct dbrev_import_kind dbrev_import_diesel;
extern const struct dbrev_import_kind dbrev_import_sqitch;
extern const struct dbrev_import_kind dbrev_import_alembic;

/*
 * The helpers are library symbols: every one carries the dbrev_ prefix,
 * the short names below are for reading.
 */
#define imp_add              dbrev_imp_add
#define imp_base             dbrev_imp_base
#define imp_blank            dbrev_imp_blank
#define imp_comment          dbrev_imp_comment
#define imp_created_digits   dbrev_imp_created_digits
#define imp_find             dbrev_imp_find
#define imp_has_txn          dbrev_imp_has_txn
#define imp_index_add        dbrev_imp_index_add
#define imp_index_after      dbrev_imp_index_after
#define imp_index_before     dbrev_imp_index_before
#define imp_index_free       dbrev_imp_index_free
#define imp_index_sort       dbrev_imp_index_sort
#define imp_line_init        dbrev_imp_line_init
#define imp_line_next        dbrev_imp_line_next
#define imp_message          dbrev_imp_message
#define imp_numcmp           dbrev_imp_numcmp
#define imp_origin           dbrev_imp_origin
#define imp_rtrim            dbrev_imp_rtrim
#define imp_set_down         dbrev_imp_set_down
#define imp_set_up           dbrev_imp_set_up
#define imp_stmt             dbrev_imp_stmt
#define imp_stmt_notxn       dbrev_imp_stmt_notxn
#define imp_stmt_txn         dbrev_imp_stmt_txn
#define imp_text             dbrev_imp_text
#define imp_word_is          dbrev_imp_word_is
#define imp_words            dbrev_imp_words

/* One line of a text: [s, s + len) without its newline, numbered from 1. */
struct imp_line {
	const char	*s;
	size_t		 len;	/* without "\n" (a "\r" stays) */
	size_t		 off;	/* offset of s in the text */
	size_t		 next;	/* offset of the next line */
	unsigned	 no;
};

/* The first line at offset 0: call imp_line_next until it returns 0. */
void	 imp_line_init(struct imp_line *);
int	 imp_line_next(const char *text, size_t len, struct imp_line *);

/* Length of s without trailing blanks and "\r". */
size_t	 imp_rtrim(const char *s, size_t len);
/* Whether the line is blank, or a "--" comment after blanks. */
int	 imp_blank(const char *s, size_t len);
int	 imp_comment(const char *s, size_t len);

/* Append a new zeroed revision to l and return it. */
struct dbrev_import_rev *imp_add(struct dbrev_import_list *l);

/*
 * Set a revision's upgrade (or downgrade) text from [s, s + len) of the
 * file f, starting on line `line`.
 */
void	 imp_set_up(struct dbrev_import_rev *, const struct dbrev_import_file *f,
	    const char *s, size_t len, unsigned line);
void	 imp_set_down(struct dbrev_import_rev *,
	    const struct dbrev_import_file *f, const char *s, size_t len,
	    unsigned line);

/*
 * A message from a migration's name: '_' becomes a space, control
 * characters too, blanks are trimmed.  When nothing is left, `fallback`
 * (printf-style) is used.
 */
char	*imp_message(const char *name, size_t len, const char *fallback, ...)
	    __attribute__((format(printf, 3, 4)));

/* A message from free text: control characters become spaces, blanks
 * are trimmed; NULL when nothing is left. */
char	*imp_text(const char *s, size_t len);

/* "YYYY-MM-DDTHH:MM:SSZ" from 14 digits that are a valid UTC time, or "". */
char	*imp_created_digits(const char *digits, size_t len);

/* The file whose rel is exactly `rel`, or NULL (binary search). */
const struct dbrev_import_file *imp_find(const struct dbrev_import_source *,
	    const char *rel);

/* Compare two strings of decimal digits by value (leading zeros ignored). */
int	 imp_numcmp(const char *a, size_t alen, const char *b, size_t blen);

/*
 * A sorted index from names to positions, so that finding a name among
 * n costs O(log n): add every (name, position), sort once, then ask for
 * the position of a name nearest below or above a given one.  The names
 * are not copied.
 */
struct imp_key {
	const char	*s;
	size_t		 len;
	size_t		 pos;
};
struct imp_index {
	struct imp_key	*k;
	size_t		 n;
};

void	 imp_index_add(struct imp_index *, const char *s, size_t len,
	    size_t pos);
void	 imp_index_sort(struct imp_index *);
/* The greatest position below pos (any: (size_t)-1) held by name
 * [s, s + len), or -1 when there is none. */
long	 imp_index_before(const struct imp_index *, const char *s, size_t len,
	    size_t pos);
/* The least position above pos held by the name, or -1. */
long	 imp_index_after(const struct imp_index *, const char *s, size_t len,
	    size_t pos);
void	 imp_index_free(struct imp_index *);

/* "imported from KIND: WHAT", for the comment above "-- +upgrade". */
char	*imp_origin(const char *kind, const char *what);

/* The part of rel after its last '/'. */
const char *imp_base(const char *rel);

/* Next statement, see import_sql.c. */
int	 imp_stmt(const char *sql, size_t len, size_t *pos, size_t *start,
	    size_t *end);
/* Whether [s, e) is a statement that begins or ends a transaction. */
int	 imp_stmt_txn(const char *s, const char *e);
/* Whether [s, e) cannot run inside a transaction (VACUUM, CONCURRENTLY...). */
int	 imp_stmt_notxn(const char *s, const char *e);
/* Whether any statement of sql is a transaction statement. */
int	 imp_has_txn(const char *sql);
/*
 * The words of statement [s, e) from its start: copies up to n of them,
 * each as [w[i], w[i] + wl[i]), skipping comments; returns how many.
 * A quoted identifier counts as one word (quotes included).
 */
size_t	 imp_words(const char *s, const char *e, const char **w, size_t *wl,
	    size_t n);
/* Whether word [w, w + len) is kw, ignoring ASCII case. */
int	 imp_word_is(const char *w, size_t len, const char *kw);

#endif /* DBREV_IMPORT_KIND_H */
