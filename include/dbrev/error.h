/*
 * dbrev/error.h - how libdbrev reports what went wrong.
 *
 * The library never prints.  A function that can fail returns 0 on
 * success and -1 on failure, and fills the caller's struct dbrev_error
 * with where (file, line), what (message) and how to fix it (hint).
 * Loading a directory may find several problems; they are chained on
 * `next` so the tool can print them all, each once, in one place.
 */
#ifndef DBREV_ERROR_H
#define DBREV_ERROR_H

#include <stddef.h>

/* What kind of failure: the tools map it to their exit status. */
enum dbrev_error_kind {
	DBREV_ERR_NONE = 0,
	DBREV_ERR_INPUT,	/* invalid input files or arguments: exit 2 */
	DBREV_ERR_RUNTIME	/* the operation failed: exit 1 */
};

struct dbrev_error {
	enum dbrev_error_kind	 kind;
	char			*file;	   /* NULL when no file is concerned */
	unsigned		 line;	   /* 0 when no line is concerned */
	char			*message;  /* what is wrong */
	char			*hint;	   /* how to fix it, or NULL */
	struct dbrev_error	*next;	   /* further errors, or NULL */
};

/* Initialise an empty error; a zeroed struct is also empty. */
void	 dbrev_error_init(struct dbrev_error *);

/* Free everything the error holds and make it empty again. */
void	 dbrev_error_clear(struct dbrev_error *);

/*
 * Record an error of `kind` at file:line (file may be NULL, line 0).
 * If the error already holds one, the new one is appended to the chain.
 * Returns -1, so that `return dbrev_error_set(...)` reads naturally.
 * `hint` may be NULL.
 */
int	 dbrev_error_set(struct dbrev_error *, enum dbrev_error_kind kind,
	    const char *file, unsigned line, const char *hint,
	    const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));

/* Add a hint to the last error of the chain (if it has none yet). */
void	 dbrev_error_hint(struct dbrev_error *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Non-zero when the error holds at least one entry. */
int	 dbrev_error_isset(const struct dbrev_error *);

/* How many entries the chain holds. */
size_t	 dbrev_error_count(const struct dbrev_error *);

/*
 * Format one entry as "file:line: message; hint" (parts left out when
 * absent) into buf; returns buf.  The tools print this after their name.
 */
char	*dbrev_error_format(const struct dbrev_error *, char *buf, size_t size);

/* Exit status for the error chain: 2 for input errors, 1 otherwise. */
int	 dbrev_error_exit_status(const struct dbrev_error *);

#endif /* DBREV_ERROR_H */
