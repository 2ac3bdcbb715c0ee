/*
 * message.h - private to libdbrev: what libpq and the server say, made
 * safe to show, and libpq's own reading of a URL (lib/db/postgres/
 * driver.c), shared by the files of its home and its tests.  Not
 * installed.
 */
#ifndef DBREV_DB_POSTGRES_MESSAGE_H
#define DBREV_DB_POSTGRES_MESSAGE_H

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
 * libpq's own reading of a URL: *val is the value of option kw
 * ("password", "sslpassword", ...; caller frees) or NULL when the URL
 * sets none.  Returns -1 (and *val NULL) when libpq cannot parse it.
 */
int	 dbrev_pg_url_option(const char *url, const char *kw, char **val);

#endif /* DBREV_DB_POSTGRES_MESSAGE_H */
