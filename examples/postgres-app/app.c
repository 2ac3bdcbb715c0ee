/*
 * app - the example application on PostgreSQL: list the users with their
 * full name and number of posts.
 *
 * The database is DATABASE_URL (postgresql://user@host/dbname, or a
 * libpq keyword string), as for the dbrev tools; libpq's PG* variables
 * and ~/.pgpass fill in the rest.  `make run` migrates, then runs.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

int
main(void)
{
	const char *url = getenv("DATABASE_URL");
	PQconninfoOption *opts;
	PGconn *conn;
	PGresult *res;
	char *why = NULL;
	int i, n;

	if (url == NULL || *url == '\0') {
		fprintf(stderr, "app: set DATABASE_URL, e.g. "
		    "export DATABASE_URL=postgresql://user@localhost/app\n");
		return 2;
	}
	/*
	 * libpq's reason for refusing a URL quotes the bad part, which may
	 * be the password (a stray '%' in it): say only that it is bad.
	 */
	if ((opts = PQconninfoParse(url, &why)) == NULL) {
		fprintf(stderr, "app: DATABASE_URL is not a valid connection "
		    "string; check its percent-encoding and quoting\n");
		PQfreemem(why);
		return 2;
	}
	PQconninfoFree(opts);
	conn = PQconnectdb(url);
	if (PQstatus(conn) != CONNECTION_OK) {
		/* Once the URL parses, libpq's message names no password. */
		fprintf(stderr, "app: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return 1;
	}
	res = PQexec(conn,
	    "SELECT u.id, u.full_name, u.email, count(p.id)"
	    "  FROM users u LEFT JOIN posts p ON p.user_id = u.id"
	    " GROUP BY u.id ORDER BY u.id");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "app: %s(is the schema up to date? "
		    "make db-upgrade)\n", PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		return 1;
	}
	n = PQntuples(res);
	printf("%-4s %-20s %-24s %s\n", "id", "full_name", "email", "posts");
	for (i = 0; i < n; i++)
		printf("%-4s %-20s %-24s %s\n", PQgetvalue(res, i, 0),
		    PQgetisnull(res, i, 1) ? "(none)" : PQgetvalue(res, i, 1),
		    PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
	printf("%d user%s\n", n, n == 1 ? "" : "s");
	PQclear(res);
	PQfinish(conn);
	return 0;
}
