/*
 * helpers.h - what several unit tests need, written once (helpers.c is
 * linked into every tests/bin/test_*).  Include after <cmocka.h>.
 *
 * Failures are cmocka failures of the calling test, reported at the
 * caller's file and line.
 */
#ifndef DBREV_TEST_HELPERS_H
#define DBREV_TEST_HELPERS_H

#include <stddef.h>

#include "dbrev/error.h"

/* A new directory $TMPDIR/dbrev-TAG.XXXXXX (TMPDIR or /tmp); free() it. */
char		*th_tmpdir(const char *tag);

/* Remove PATH and everything under it; symbolic links are not followed. */
void		 th_rmtree(const char *path);

/* Write TEXT to PATH, replacing it; fails the test if it cannot. */
void		 th_put_file(const char *path, const char *text);

/*
 * A revision file DIR/versions/ID_x.sql as revgen lays it out: ID resting
 * on PARENTS (space separated, "" for none), UP as its upgrade and DOWN
 * as its downgrade (NULL: no downgrade section).
 */
void		 th_write_rev(const char *dir, const char *id,
		    const char *parents, const char *up, const char *down);

/* The private PostgreSQL's admin URL (DBREV_TEST_PG_URL), or NULL. */
const char	*th_pg_url(void);

/* A libpq notice processor that drops the notices. */
void		 th_pg_quiet(void *arg, const char *msg);

#ifdef DBREV_WITH_POSTGRES
/* Run SQL on the admin URL; fails the test on an error. */
void		 th_pg_admin(const char *sql);

/*
 * A new database dbrev_unit_TAG_PID on the admin URL's server (dropped
 * first if it is there): its name in NAME and its URL in URL.
 */
void		 th_pg_create_db(const char *tag, char *name, size_t namesize,
		    char *url, size_t urlsize);

/* Drop database NAME, closing its sessions. */
void		 th_pg_drop_db(const char *name);
#endif

/* The error's message holds (lacks) TEXT. */
#define th_error_has(e, text)	 th_error_has_at((e), (text), 1, __FILE__, __LINE__)
#define th_error_lacks(e, text)	 th_error_has_at((e), (text), 0, __FILE__, __LINE__)
void		 th_error_has_at(const struct dbrev_error *, const char *text,
		    int want, const char *file, int line);

#endif
