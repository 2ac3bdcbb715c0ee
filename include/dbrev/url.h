/*
 * dbrev/url.h - database URLs: which database a URL names, the file it
 * names when the database is one local file, and a form safe to print
 * (password removed).
 *
 *   sqlite:relative/app.db   sqlite:///abs/app.db   sqlite::memory:
 *   postgresql://...  postgres://...  (and libpq keyword strings such as
 *   "host=/tmp dbname=x"), handed to libpq as they are.
 */
#ifndef DBREV_URL_H
#define DBREV_URL_H

#include "dbrev/error.h"

enum dbrev_dialect {
	DBREV_DIALECT_UNKNOWN = 0,
	DBREV_DIALECT_SQLITE,
	DBREV_DIALECT_POSTGRES
};

/*
 * A database URL read once, at the edge (the tool), and passed down:
 * which database it names, the URL itself (for the driver only; it may
 * hold a password), and a display form without secrets.  Never fails:
 * a missing URL, an unknown scheme or a database not compiled in is
 * reported when the target is used (connected to, backed up, ...), as
 * the operation that needs it would report it.  Free with
 * dbrev_target_free.
 */
struct dbrev_target;

struct dbrev_target *dbrev_target_new(const char *url);
void	 dbrev_target_free(struct dbrev_target *);
/* The URL as given (may hold a password: never print it). */
const char *dbrev_target_url(const struct dbrev_target *);
/* The URL without secrets, safe to print ("" for no URL). */
const char *dbrev_target_display(const struct dbrev_target *);
/* Which database it names: UNKNOWN for no URL or an unknown scheme. */
enum dbrev_dialect dbrev_target_dialect(const struct dbrev_target *);
/*
 * The database file when the database is one local file (SQLite's; not
 * for :memory: or a malformed URL), else NULL.
 */
const char *dbrev_target_file(const struct dbrev_target *);

/* Which database the URL names, or UNKNOWN. */
enum dbrev_dialect dbrev_url_dialect(const char *url);

/* Dialect from a name as given to --dialect ("sqlite", "postgresql"). */
enum dbrev_dialect dbrev_dialect_from_name(const char *name);
const char	*dbrev_dialect_name(enum dbrev_dialect);

/*
 * A copy of the URL safe to print or to key state on: any password
 * (user:PASSWORD@, password=..., ?password=...) removed.  Caller frees.
 */
char	*dbrev_url_redact(const char *url);

/*
 * Remove every occurrence of the URL's password from a message (in
 * place, replaced by "***"), for text a database client produced.
 */
void	 dbrev_url_scrub(const char *url, char *message);

struct dbrev_error;

/* dbrev_url_scrub every message and hint of an error chain (url NULL: none). */
void	 dbrev_error_scrub(struct dbrev_error *err, const char *url);

#endif /* DBREV_URL_H */
