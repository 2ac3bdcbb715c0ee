/*
 * private.h - functions private to libdbrev, shared between its files
 * and exposed to its own fuzz targets (tests/fuzz/) and unit tests.
 * Not installed, not part of the API: names and contracts may change.
 *
 * Every function here rewrites or quotes a string; each has a libFuzzer
 * target checking its contract on every input.  None needs a database
 * connection.
 */
#ifndef DBREV_PRIVATE_H
#define DBREV_PRIVATE_H

#include <stddef.h>

#include "dbrev/util.h"

/* --- url.c ---------------------------------------------------------- */

/* A percent-decoded copy of [s, e) (as libpq decodes a URI's parts). */
char	*dbrev_url_decode(const char *s, const char *e);

/* A copy of [s, e) without backslash escapes (libpq's keyword values). */
char	*dbrev_url_unescape(const char *s, const char *e);

/* Whether url is a libpq keyword string ("keyword = value ..."). */
int	 dbrev_url_is_keywords(const char *url);

/* --- lib/db/sqlite/driver.c ------------------------------------------------ */

/*
 * "name" or "schema"."name" (split at the first '.'), each part an
 * SQLite identifier that reads back as the given bytes.
 */
void	 dbrev_sqlite_quote_table(struct dbrev_buf *, const char *table);

/* An SQLite string literal that reads back as s. */
void	 dbrev_sqlite_quote_literal(struct dbrev_buf *, const char *s);

/* --- lib/db/postgres/driver.c and lib/db/postgres/backup.c (with libpq) ------- */

/*
 * A message from libpq or the server made one printable line with no
 * password in it: libpq's password (may be NULL) and every secret of
 * the URL (may be NULL) removed, as written and as decoded, line breaks
 * joined.  Caller frees.
 */
char	*dbrev_pg_clean_message(const char *url, const char *password,
	    const char *msg);

/*
 * For a URL libpq cannot parse: a copy of libpq's message in which no
 * word of the URL is left but connection keywords, the scheme and words
 * in a name's place ("word="), as whole words.  Caller frees.
 */
char	*dbrev_pg_hide_url_words(const char *url, const char *msg);

/*
 * lib/db/postgres/quote.c, without a connection: a PostgreSQL
 * identifier ("..." of n bytes) that reads back as the given bytes.
 * The string literal is dbrev_pg_literal (dbrev/schema_postgres.h).
 */
void	 dbrev_pg_quote_ident(struct dbrev_buf *, const char *s, size_t n);

/*
 * libpq's own reading of a URL: *val is the value of option kw
 * ("password", "sslpassword", ...; caller frees) or NULL when the URL
 * sets none.  Returns -1 (and *val NULL) when libpq cannot parse it.
 */
int	 dbrev_pg_url_option(const char *url, const char *kw, char **val);

/*
 * lib/db/postgres/quote.c: keyword='value' for a libpq keyword string (a
 * blank first unless b is empty).
 */
void	 dbrev_pg_quote_conninfo(struct dbrev_buf *, const char *kw,
	    const char *val);

#endif /* DBREV_PRIVATE_H */
