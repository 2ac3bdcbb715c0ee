/*
 * url.c - the sqlite: URL: which file it names.
 *
 *   sqlite:relative/app.db   sqlite:///abs/app.db   sqlite::memory:
 */
#include <stdlib.h>
#include <string.h>

#include "dbrev/url.h"
#include "dbrev/util.h"
#include "sqlite.h"

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *
dbrev_url_sqlite_path(const char *url, struct dbrev_error *err)
{
	static const char hint[] = "write sqlite:relative/path.db, "
	    "sqlite:///absolute/path.db or sqlite::memory:";
	const char *p;

	if (url == NULL || !has_prefix(url, "sqlite:")) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, hint,
		    "not a sqlite: URL");
		return NULL;
	}
	p = url + strlen("sqlite:");
	if (strcmp(p, ":memory:") == 0)
		return dbrev_xstrdup(":memory:");
	if (has_prefix(p, "//")) {
		/* sqlite:///abs: the third slash starts the absolute path. */
		p += 2;
		if (*p != '/') {
			dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, hint,
			    "bad URL sqlite:%s: a sqlite URL names no host",
			    p);
			return NULL;
		}
		while (p[0] == '/' && p[1] == '/')
			p++;
	}
	if (*p == '\0' || strcmp(p, "/") == 0) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, hint,
		    "bad URL %s: no database file named", url);
		return NULL;
	}
	return dbrev_xstrdup(p);
}
