/*
 * app - the example application: list the users of its SQLite database
 * with their full name and number of posts.
 *
 * The database is DATABASE_URL (sqlite:app.db, sqlite:///abs/app.db),
 * as for the dbrev tools, or sqlite:app.db when unset.  It needs the
 * schema that `make db-upgrade` builds: `make run` migrates, then runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

static const char *
sqlite_path(const char *url)
{
	if (strncmp(url, "sqlite:", 7) != 0)
		return NULL;
	url += 7;
	if (strncmp(url, "//", 2) == 0)
		url += 2;	/* sqlite:///abs/app.db */
	return *url != '\0' ? url : NULL;
}

int
main(void)
{
	const char *url = getenv("DATABASE_URL"), *path;
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (url == NULL || *url == '\0')
		url = "sqlite:app.db";
	if ((path = sqlite_path(url)) == NULL) {
		fprintf(stderr, "app: DATABASE_URL must be sqlite:FILE\n");
		return 2;
	}
	/* Open without creating: a missing database is an error here. */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "app: %s: %s (run: make db-upgrade)\n", path,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	rc = sqlite3_prepare_v2(db,
	    "SELECT u.id, u.full_name, u.email, count(p.id)"
	    "  FROM users u LEFT JOIN posts p ON p.user_id = u.id"
	    " GROUP BY u.id ORDER BY u.id", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "app: %s: %s (is the schema up to date? "
		    "make db-upgrade)\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	printf("%-4s %-20s %-24s %s\n", "id", "full_name", "email", "posts");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 1);

		printf("%-4d %-20s %-24s %d\n", sqlite3_column_int(st, 0),
		    name != NULL ? (const char *)name : "(none)",
		    (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_int(st, 3));
		n++;
	}
	if (rc != SQLITE_DONE)
		fprintf(stderr, "app: %s: %s\n", path, sqlite3_errmsg(db));
	printf("%d user%s\n", n, n == 1 ? "" : "s");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : 1;
}
