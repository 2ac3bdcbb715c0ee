/* helpers.c - what several unit tests need (helpers.h). */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#ifdef DBREV_WITH_POSTGRES
#include <libpq-fe.h>
#endif

#include "helpers.h"

char *
th_tmpdir(const char *tag)
{
	const char *t = getenv("TMPDIR");
	size_t n;
	char *p;

	if (t == NULL || *t == '\0')
		t = "/tmp";
	n = strlen(t) + strlen(tag) + sizeof("/dbrev-.XXXXXX");
	p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/dbrev-%s.XXXXXX", t, tag);
	if (mkdtemp(p) == NULL)
		fail_msg("mkdtemp %s failed", p);
	return p;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void
th_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
th_put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

void
th_write_rev(const char *dir, const char *id, const char *parents,
    const char *up, const char *down)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/versions/%s_x.sql", dir, id);
	f = fopen(path, "w");
	if (f == NULL)
		fail_msg("cannot write %s", path);
	fprintf(f, "-- revision: %s\n-- parents: %s\n-- message: msg %s\n\n"
	    "-- +upgrade\n%s\n", id, parents, id, up);
	if (down != NULL)
		fprintf(f, "\n-- +downgrade\n%s\n", down);
	assert_int_equal(fclose(f), 0);
}

const char *
th_pg_url(void)
{
	const char *u = getenv("DBREV_TEST_PG_URL");

	return u != NULL && *u != '\0' ? u : NULL;
}

void
th_pg_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

#ifdef DBREV_WITH_POSTGRES
void
th_pg_admin(const char *sql)
{
	PGconn *pg = PQconnectdb(th_pg_url());
	PGresult *r;

	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	PQsetNoticeProcessor(pg, th_pg_quiet, NULL);
	r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg));
	PQclear(r);
	PQfinish(pg);
}

void
th_pg_create_db(const char *tag, char *name, size_t namesize, char *url,
    size_t urlsize)
{
	const char *q = strchr(th_pg_url(), '?');
	char sql[160];

	snprintf(name, namesize, "dbrev_unit_%s_%ld", tag, (long)getpid());
	th_pg_drop_db(name);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	th_pg_admin(sql);
	/* postgresql:///postgres?host=... -> postgresql:///NAME?host=... */
	snprintf(url, urlsize, "postgresql:///%s%s", name, q != NULL ? q : "");
}

void
th_pg_drop_db(const char *name)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
	    name);
	th_pg_admin(sql);
}
#endif

void
th_error_has_at(const struct dbrev_error *e, const char *text, int want,
    const char *file, int line)
{
	const char *m = e->message != NULL ? e->message : "";

	if ((strstr(m, text) != NULL) == (want != 0))
		return;
	print_error("error message '%s' %s '%s'\n", m,
	    want ? "lacks" : "holds", text);
	_fail(file, line);
}
