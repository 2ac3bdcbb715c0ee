/*
 * registry.c - the databases dbrev knows, and the URL schemes and
 * --dialect names that pick each.  The one place outside lib/db/<name>/
 * that names a database: a new database is one line in `known` (and its
 * directory).  A database that is known but not compiled in (configure
 * --without-postgres) still has its schemes here, so that its URLs get
 * "built without ... support" rather than "unknown scheme".
 */
#include <stdlib.h>
#include <string.h>

#include "dbrev/url.h"
#include "dbrev/util.h"
#include "driver.h"
#include "../private.h"

#if DBREV_WITH_POSTGRES
#define POSTGRES_DRIVER	(&dbrev_driver_postgres)
#else
#define POSTGRES_DRIVER	NULL
#endif

struct known {
	enum dbrev_dialect		 dialect;
	const char			*name;		/* canonical */
	const char			*title;		/* in sentences */
	const char			*names[4];	/* for --dialect */
	const char			*prefixes[3];	/* URL schemes */
	int				 keywords;	/* libpq keyword strings */
	const char			*unbuilt;	/* how to build it in */
	const struct dbrev_driver	*driver;	/* NULL: not built */
};

static const struct known known[] = {
	{ DBREV_DIALECT_SQLITE, "sqlite", "SQLite", { "sqlite", "sqlite3" },
	    { "sqlite:" }, 0, NULL, &dbrev_driver_sqlite },
	{ DBREV_DIALECT_POSTGRES, "postgresql", "PostgreSQL",
	    { "postgresql", "postgres", "pg" },
	    { "postgresql://", "postgres://" }, 1,
	    "reconfigure without --without-postgres", POSTGRES_DRIVER },
};

#define NKNOWN	(sizeof(known) / sizeof(known[0]))

static const struct known *
known_of_url(const char *url)
{
	size_t i, j;

	if (url == NULL)
		return NULL;
	for (i = 0; i < NKNOWN; i++) {
		for (j = 0; known[i].prefixes[j] != NULL; j++)
			if (strncmp(url, known[i].prefixes[j],
			    strlen(known[i].prefixes[j])) == 0)
				return &known[i];
		if (known[i].keywords && dbrev_url_is_keywords(url))
			return &known[i];
	}
	return NULL;
}

static const struct known *
known_of_dialect(enum dbrev_dialect d)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (known[i].dialect == d)
			return &known[i];
	return NULL;
}

enum dbrev_dialect
dbrev_url_dialect(const char *url)
{
	const struct known *k = known_of_url(url);

	return k != NULL ? k->dialect : DBREV_DIALECT_UNKNOWN;
}

enum dbrev_dialect
dbrev_dialect_from_name(const char *name)
{
	size_t i, j;

	if (name == NULL)
		return DBREV_DIALECT_UNKNOWN;
	for (i = 0; i < NKNOWN; i++)
		for (j = 0; known[i].names[j] != NULL; j++)
			if (strcmp(name, known[i].names[j]) == 0)
				return known[i].dialect;
	return DBREV_DIALECT_UNKNOWN;
}

const char *
dbrev_dialect_name(enum dbrev_dialect d)
{
	const struct known *k = known_of_dialect(d);

	return k != NULL ? k->name : "unknown";
}

const char *
dbrev_dialect_title(enum dbrev_dialect d)
{
	const struct known *k = known_of_dialect(d);

	return k != NULL ? k->title : "unknown";
}

const struct dbrev_driver *
dbrev_driver_for(enum dbrev_dialect d)
{
	const struct known *k = known_of_dialect(d);

	return k != NULL ? k->driver : NULL;
}

const char *
dbrev_dialect_unbuilt_hint(enum dbrev_dialect d)
{
	const struct known *k = known_of_dialect(d);

	return k != NULL && k->driver == NULL ? k->unbuilt : NULL;
}

const struct dbrev_driver *
dbrev_driver_at(size_t i)
{
	size_t k;

	for (k = 0; k < NKNOWN; k++)
		if (known[k].driver != NULL && i-- == 0)
			return known[k].driver;
	return NULL;
}

int
dbrev_driver_of_url(const char *url, const char *doing,
    const struct dbrev_driver **drv, struct dbrev_error *err)
{
	const struct known *k;
	char *safe;

	*drv = NULL;
	if (url == NULL || *url == '\0')
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "set DATABASE_URL or pass -u URL "
		    "(e.g. sqlite:app.db or postgresql://host/db)",
		    "no database URL given");
	if ((k = known_of_url(url)) != NULL && k->driver != NULL) {
		*drv = k->driver;
		return 0;
	}
	safe = dbrev_url_redact(url);
	if (k == NULL)
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "use sqlite:path.db, sqlite:///abs/path.db, "
		    "postgresql://... or a libpq keyword string",
		    "bad database URL '%s': unknown scheme", safe);
	else
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    dbrev_dialect_unbuilt_hint(k->dialect),
		    "cannot %s '%s': built without %s support", doing, safe,
		    k->title);
	free(safe);
	return -1;
}
