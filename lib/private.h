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

#endif /* DBREV_PRIVATE_H */
