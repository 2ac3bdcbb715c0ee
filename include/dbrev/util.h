/*
 * dbrev/util.h - small helpers shared by the library and the tools:
 * a growable byte buffer, checked allocation, whole-file reading and
 * the SHA-256 checksum (libcrypto).
 */
#ifndef DBREV_UTIL_H
#define DBREV_UTIL_H

#include <stddef.h>

#include "dbrev/error.h"

/* A growable, always NUL-terminated byte buffer.  Zero-initialise it. */
struct dbrev_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

/* Append bytes, a string, or printf output.  Abort on out-of-memory. */
void	 dbrev_buf_add(struct dbrev_buf *, const void *, size_t);
void	 dbrev_buf_puts(struct dbrev_buf *, const char *);
void	 dbrev_buf_printf(struct dbrev_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Empty the buffer but keep its memory. */
void	 dbrev_buf_reset(struct dbrev_buf *);
/* Hand the string to the caller (who frees it); the buffer is emptied. */
char	*dbrev_buf_take(struct dbrev_buf *);
void	 dbrev_buf_free(struct dbrev_buf *);

/* malloc, calloc, realloc and strdup that abort on out-of-memory. */
void	*dbrev_xmalloc(size_t);
void	*dbrev_xcalloc(size_t, size_t);
void	*dbrev_xrealloc(void *, size_t);
char	*dbrev_xstrdup(const char *);
char	*dbrev_xstrndup(const char *, size_t);

/*
 * Read the whole of `path` into buf (replacing its contents).  On
 * failure fills err (kind RUNTIME) naming the path and returns -1.
 */
int	 dbrev_read_file(const char *path, struct dbrev_buf *buf,
	    struct dbrev_error *err);

/*
 * The same for a file that must be a regular file of at most max bytes
 * (a revision): anything else (a FIFO, a device, a directory; a larger
 * file) fills err (kind INPUT) without waiting for a writer or reading
 * without bound.
 */
int	 dbrev_read_regular_file(const char *path, size_t max,
	    struct dbrev_buf *buf, struct dbrev_error *err);

/* Hex SHA-256 of data, written as 64 characters and a NUL into out. */
#define DBREV_CHECKSUM_LEN 64
void	 dbrev_checksum(const void *data, size_t len,
	    char out[DBREV_CHECKSUM_LEN + 1]);

/* Milliseconds from a monotonic clock, for reporting durations. */
double	 dbrev_now_ms(void);

#endif /* DBREV_UTIL_H */
