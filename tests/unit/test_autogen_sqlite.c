/*
 * test_autogen_sqlite.c - autogenerate on SQLite, through the library.
 *
 * For every pair tests/autogen/sqlite/NN_name/{s0.sql,s1.sql} (with an
 * optional seed.sql of rows for s0 and an optional `expect` file):
 *   - autogenerate against a migrations directory whose one revision is
 *     s0.sql gives the upgrade and downgrade;
 *   - a database at s0 (plus seed rows, foreign keys on) plus the
 *     upgrade introspects equal to s1, with the rows of kept columns
 *     unchanged and foreign_key_check clean; plus the downgrade it
 *     introspects equal to s0 again, rows kept again;
 *   - with the generated revision added, autogenerate reports no change.
 * `expect` lines: "diff TEXT", "warn TEXT", "nowarn", "up TEXT",
 * "noup TEXT", "down TEXT", "txn", "notxn", "ndiff N",
 * "after SQL => ROWS", "before SQL => ROWS" (rows joined by ";",
 * columns by "|"), "seed_after FILE.sql" (run after the upgrade),
 * "converts TABLE.COLUMN" (its values may change: the upgrade says so;
 * check them with "after"), "upfails TEXT" (the upgrade must fail with
 * an error holding TEXT and leave the schema and every row as they
 * were; nothing after it is run).
 * Other cases: errors with file:line, hints, the URL never opened.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "dbrev/autogen.h"
#include "dbrev/schema.h"
#include "dbrev/util.h"
#include "../../lib/db/sqlite/schema.h"
#if defined(DBREV_WITH_POSTGRES) && defined(__has_include)
#if __has_include("../../lib/db/postgres/schema.h")
#include "../../lib/db/postgres/schema.h"
#endif
#endif

#include "helpers.h"

static char *
slurp(const char *path)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_error e = { 0 };

	if (dbrev_read_file(path, &b, &e) == -1) {
		dbrev_error_clear(&e);
		dbrev_buf_free(&b);
		return NULL;
	}
	if (b.data == NULL)
		dbrev_buf_puts(&b, "");
	return dbrev_buf_take(&b);
}

static void
spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *
mktempdir(void)
{
	char tmpl[256];
	const char *t = getenv("TMPDIR");

	snprintf(tmpl, sizeof tmpl, "%s/dbrev-ag.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

/* A migrations directory under tmp with s0 as its root revision. */
static void
write_rev(const char *dir, const char *id, const char *parent,
    const char *up, const char *down, int txn)
{
	char path[1024];
	struct dbrev_buf b = { 0 };

	snprintf(path, sizeof path, "%s/versions", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/versions/%s.sql", dir, id);
	dbrev_buf_printf(&b, "-- revision: %s\n-- parents: %s\n-- message: "
	    "m\n%s\n-- +upgrade\n%s\n-- +downgrade\n%s\n", id,
	    parent ? parent : "", txn ? "" : "-- transaction: none\n", up,
	    down ? down : "");
	spit(path, b.data);
	dbrev_buf_free(&b);
}

static sqlite3 *
db_open(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	return db;
}

static void
db_exec(sqlite3 *db, const char *sql, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s\n--- SQL:\n%s", what, msg, sql);
}

static struct dbrev_schema *
introspect(sqlite3 *db)
{
	struct dbrev_schema *s = NULL;
	struct dbrev_error e = { 0 };

	if (dbrev_sqlite_introspect(db, &s, &e) == -1)
		fail_msg("introspect: %s", e.message);
	return s;
}

/* Fail unless a and b have no difference, listing them. */
static void
assert_same(const struct dbrev_schema *a, const struct dbrev_schema *b,
    const char *what)
{
	struct dbrev_diff d = { 0 };
	struct dbrev_diff_options o;
	struct dbrev_error e = { 0 };
	struct dbrev_buf m = { 0 };
	size_t i;

	dbrev_sqlite_diff_options(&o);
	assert_int_equal(dbrev_schema_diff(a, b, &o, &d, &e), 0);
	for (i = 0; i < d.nchanges; i++)
		dbrev_buf_printf(&m, "  %s\n", d.changes[i].description ?
		    d.changes[i].description : "(dependent step)");
	if (d.nchanges != 0)
		fail_msg("%s: schemas differ:\n%s", what, m.data);
	dbrev_diff_free(&d);
	dbrev_buf_free(&m);
}

static char *query(sqlite3 *, const char *);

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * What the engine's pragmas say about the schema, independent of the
 * model: per table its columns (by name), foreign keys and indexes (by
 * columns, not by their generated names), plus the normalized text of
 * indexes, views and triggers.  Sorted lines, so order does not count.
 */
static char *
fingerprint(sqlite3 *db)
{
	struct dbrev_buf out = { 0 }, q = { 0 };
	char **lines = NULL, *names, *save = NULL, *t, *r;
	size_t n = 0, i;

	names = query(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
	    " AND name NOT LIKE 'sqlite%' AND sql NOT LIKE 'CREATE VIRTUAL%'"
	    " ORDER BY name");
	for (t = strtok_r(names, ";", &save); t != NULL;
	    t = strtok_r(NULL, ";", &save)) {
		static const char *const fmt[] = {
		    "SELECT lower(name), lower(type), \"notnull\", dflt_value,"
		    " pk, hidden FROM pragma_table_xinfo('%s') ORDER BY 1",
		    "SELECT lower(\"table\"), lower(\"from\"), lower(\"to\"),"
		    " on_update, on_delete, \"match\" FROM"
		    " pragma_foreign_key_list('%s') ORDER BY 2, 1",
		    "SELECT l.\"unique\", l.origin, l.partial, (SELECT"
		    " group_concat(ifnull(lower(x.name), '<expr>') || ' ' ||"
		    " x.\"desc\" || ' ' || lower(x.coll), ',') FROM"
		    " pragma_index_xinfo(l.name) x WHERE x.key) FROM"
		    " pragma_index_list('%s') l ORDER BY 4, 1, 2, 3" };
		size_t k;

		for (k = 0; k < 3; k++) {
			dbrev_buf_reset(&q);
			dbrev_buf_printf(&q, fmt[k], t);
			r = query(db, q.data);
			dbrev_buf_reset(&q);
			dbrev_buf_printf(&q, "%s %zu: %s", t, k, r);
			free(r);
			for (i = 0; q.data[i] != '\0'; i++)
				q.data[i] = (char)(q.data[i] >= 'A' &&
				    q.data[i] <= 'Z' ? q.data[i] + 32 :
				    q.data[i]);
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			lines[n++] = dbrev_xstrdup(q.data);
		}
	}
	free(names);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM"
		    " sqlite_schema WHERE type IN ('index', 'view', 'trigger')"
		    " AND sql IS NOT NULL", -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			lines[n++] = dbrev_sql_normalize((const char *)
			    sqlite3_column_text(st, 0));
		}
		sqlite3_finalize(st);
	}
	if (n > 1)
		qsort(lines, n, sizeof(*lines), line_cmp);
	dbrev_buf_puts(&out, "");
	for (i = 0; i < n; i++) {
		dbrev_buf_printf(&out, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	dbrev_buf_free(&q);
	return dbrev_buf_take(&out);
}

static void
assert_same_fingerprint(sqlite3 *db, const char *want, const char *what)
{
	char *got = fingerprint(db);

	if (strcmp(got, want) != 0)
		fail_msg("%s: the pragmas differ\n--- got:\n%s--- want:\n%s",
		    what, got, want);
	free(got);
}

/* Rows of one query: columns "|", rows ";". */
static char *
query(sqlite3 *db, const char *sql)
{
	struct dbrev_buf b = { 0 };
	sqlite3_stmt *st;
	int i, rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("query %s: %s", sql, sqlite3_errmsg(db));
	dbrev_buf_puts(&b, "");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (b.len)
			dbrev_buf_puts(&b, ";");
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			dbrev_buf_printf(&b, "%s%s", i ? "|" : "",
			    t ? (const char *)t : "NULL");
		}
	}
	if (rc != SQLITE_DONE)
		fail_msg("query %s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return dbrev_buf_take(&b);
}

/* Does expect hold the line "converts TABLE.COLUMN"? */
static int
converts(const char *expect, const char *table, const char *column)
{
	char line[1200];

	if (expect == NULL)
		return 0;
	snprintf(line, sizeof line, "\nconverts %s.%s\n", table, column);
	if (strncmp(expect, line + 1, strlen(line + 1)) == 0)
		return 1;
	return strstr(expect, line) != NULL;
}

/*
 * The rows of every column both schemas have (not generated, not
 * named by a "converts" line of expect).
 */
static char *
kept_rows(sqlite3 *db, const struct dbrev_schema *a,
    const struct dbrev_schema *b, const char *expect)
{
	struct dbrev_buf out = { 0 }, q = { 0 };
	char id[512];
	size_t i, k;

	dbrev_buf_puts(&out, "");
	for (i = 0; i < a->ntables; i++) {
		const struct dbrev_table *ta = a->tables[i], *tb;
		int n = 0;

		if ((tb = dbrev_schema_table(b, ta->name)) == NULL)
			continue;
		dbrev_buf_reset(&q);
		dbrev_buf_puts(&q, "SELECT ");
		for (k = 0; k < ta->ncolumns; k++) {
			const struct dbrev_column *cb;

			cb = dbrev_table_column(tb, ta->columns[k].name);
			if (cb == NULL || cb->generated != NULL ||
			    ta->columns[k].generated != NULL ||
			    converts(expect, ta->name, ta->columns[k].name))
				continue;
			dbrev_buf_printf(&q, "%s%s", n++ ? ", " : "",
			    dbrev_sql_ident(ta->columns[k].name, id,
			    sizeof id));
		}
		if (n == 0)
			continue;
		dbrev_buf_printf(&q, " FROM %s ORDER BY 1", dbrev_sql_ident(
		    ta->name, id, sizeof id));
		{
			char *r = query(db, q.data);
			dbrev_buf_printf(&out, "%s: %s\n", ta->name, r);
			free(r);
		}
	}
	dbrev_buf_free(&q);
	return dbrev_buf_take(&out);
}

static int
has_line(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(v[i], s) != NULL)
			return 1;
	return 0;
}

static int
autogen(const char *dir, const char *schema, const char *url,
    const char *const *renames, size_t nrenames,
    struct dbrev_autogen_result *res, struct dbrev_error *e)
{
	struct dbrev_autogen_options o = { 0 };

	o.dir = dir;
	o.schema_path = schema;
	o.url = url;
	o.renames = renames;
	o.nrenames = nrenames;
	return dbrev_autogen_diff(&o, res, e);
}

/* Apply a generated script as revapply would (own transaction or not). */
static void
apply(sqlite3 *db, const char *sql, int txn, const char *what)
{
	if (txn)
		db_exec(db, "BEGIN", what);
	db_exec(db, sql, what);
	if (txn)
		db_exec(db, "COMMIT", what);
}

static void
check_fk(sqlite3 *db, const char *what)
{
	char *r = query(db, "SELECT count(*) FROM pragma_foreign_key_check");

	if (strcmp(r, "0") != 0)
		fail_msg("%s: foreign_key_check reports %s violations", what, r);
	free(r);
}

/* Check "after"/"before" expectations at one stage. */
static void
check_queries(sqlite3 *db, const char *expect, const char *stage,
    const char *cname)
{
	char *copy, *line, *save = NULL;
	size_t sl = strlen(stage);

	if (expect == NULL)
		return;
	copy = strdup(expect);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *arrow, *got;

		if (strncmp(line, stage, sl) != 0 || line[sl] != ' ')
			continue;
		if ((arrow = strstr(line, " => ")) == NULL)
			fail_msg("%s: bad expect line %s", cname, line);
		*arrow = '\0';
		got = query(db, line + sl + 1);
		if (strcmp(got, arrow + 4) != 0)
			fail_msg("%s: %s %s gave '%s', expected '%s'", cname,
			    stage, line + sl + 1, got, arrow + 4);
		free(got);
	}
	free(copy);
}

static void
check_expect(const char *expect, const struct dbrev_autogen_result *r,
    const char *cname)
{
	char *copy, *line, *save = NULL;

	if (expect == NULL)
		return;
	copy = strdup(expect);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "diff ", 5) == 0) {
			if (!has_line(r->differences, r->ndifferences, line + 5))
				fail_msg("%s: no difference '%s'", cname,
				    line + 5);
		} else if (strncmp(line, "warn ", 5) == 0) {
			if (!has_line(r->warnings, r->nwarnings, line + 5))
				fail_msg("%s: no warning '%s'", cname, line + 5);
		} else if (strcmp(line, "nowarn") == 0) {
			if (r->nwarnings != 0)
				fail_msg("%s: unexpected warning '%s'", cname,
				    r->warnings[0]);
		} else if (strncmp(line, "up ", 3) == 0) {
			if (strstr(r->upgrade, line + 3) == NULL)
				fail_msg("%s: upgrade lacks '%s':\n%s", cname,
				    line + 3, r->upgrade);
		} else if (strncmp(line, "noup ", 5) == 0) {
			if (strstr(r->upgrade, line + 5) != NULL)
				fail_msg("%s: upgrade has '%s':\n%s", cname,
				    line + 5, r->upgrade);
		} else if (strncmp(line, "down ", 5) == 0) {
			if (strstr(r->downgrade, line + 5) == NULL)
				fail_msg("%s: downgrade lacks '%s':\n%s", cname,
				    line + 5, r->downgrade);
		} else if (strcmp(line, "txn") == 0) {
			if (!r->transactional)
				fail_msg("%s: not transactional", cname);
		} else if (strcmp(line, "notxn") == 0) {
			if (r->transactional)
				fail_msg("%s: transactional", cname);
		} else if (strncmp(line, "ndiff ", 6) == 0) {
			if (r->ndifferences != strtoul(line + 6, NULL, 10))
				fail_msg("%s: %zu differences, expected %s",
				    cname, r->ndifferences, line + 6);
		}
	}
	free(copy);
}

/*
 * The upgrade must fail with an error holding `want` and leave the
 * database as it was: schema m0 and the rows `before`.
 */
static void
upgrade_fails(sqlite3 *db, const struct dbrev_autogen_result *r,
    const char *want, const struct dbrev_schema *m0,
    const struct dbrev_schema *m1, const char *before, const char *expect,
    const char *cname)
{
	struct dbrev_schema *got;
	char *msg = NULL, *after;
	int rc;

	if (r->transactional)
		db_exec(db, "BEGIN", cname);
	rc = sqlite3_exec(db, r->upgrade, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		fail_msg("%s: the upgrade did not fail", cname);
	if (strstr(msg, want) == NULL)
		fail_msg("%s: the upgrade failed with '%s', expected '%s'",
		    cname, msg, want);
	sqlite3_free(msg);
	if (!sqlite3_get_autocommit(db))
		db_exec(db, "ROLLBACK", cname);
	got = introspect(db);
	assert_same(got, m0, cname);
	dbrev_schema_free(got);
	after = kept_rows(db, m0, m1, expect);
	if (strcmp(before, after) != 0)
		fail_msg("%s: a failed upgrade changed rows\nbefore:\n%s"
		    "after:\n%s", cname, before, after);
	free(after);
}

/* The round trip on one corpus pair. */
/*
 * The round trip from the schema in file p0 to the one in p1 (seed and
 * expect may be NULL).
 */
static void
roundtrip(const char *cname, const char *p0, const char *p1,
    const char *seed, const char *expect)
{
	char *s0, *tmp, *before = NULL, *after = NULL, *fails;
	struct dbrev_autogen_result r = { 0 }, r2 = { 0 };
	struct dbrev_error e = { 0 };
	struct dbrev_schema *m0, *m1, *got;
	char *f0, *f1;
	sqlite3 *db, *ref;
	char what[256];

	s0 = slurp(p0);
	assert_non_null(s0);

	tmp = mktempdir();
	write_rev(tmp, "r0base", NULL, s0, "", 1);
	if (autogen(tmp, p1, "sqlite:/nonexistent-dir/app.db", NULL, 0, &r,
	    &e) == -1)
		fail_msg("%s: autogenerate failed: %s:%u: %s", cname,
		    e.file ? e.file : "", e.line, e.message);
	check_expect(expect, &r, cname);

	/* Reference schemas, loaded straight from the files. */
	ref = db_open();
	db_exec(ref, s0, "load s0");
	m0 = introspect(ref);
	f0 = fingerprint(ref);
	sqlite3_close(ref);
	ref = db_open();
	{
		char *s1 = slurp(p1);
		db_exec(ref, s1, "load s1");
		free(s1);
	}
	m1 = introspect(ref);
	f1 = fingerprint(ref);
	sqlite3_close(ref);

	/* A database at s0 with rows, foreign keys on as an app has them. */
	db = db_open();
	db_exec(db, "PRAGMA foreign_keys = ON", "fk on");
	db_exec(db, s0, "load s0");
	if (seed != NULL)
		db_exec(db, seed, "seed");
	before = kept_rows(db, m0, m1, expect);

	snprintf(what, sizeof what, "%s: upgrade", cname);
	if (expect != NULL && (fails = strstr(expect, "upfails ")) != NULL &&
	    (fails == expect || fails[-1] == '\n')) {
		char *want = strndup(fails + 8, strcspn(fails + 8, "\n"));

		upgrade_fails(db, &r, want, m0, m1, before, expect, what);
		free(want);
		sqlite3_close(db);
		goto out;
	}
	apply(db, r.upgrade, r.transactional, what);
	got = introspect(db);
	assert_same(got, m1, what);
	dbrev_schema_free(got);
	assert_same_fingerprint(db, f1, what);
	check_fk(db, what);
	after = kept_rows(db, m0, m1, expect);
	if (strcmp(before, after) != 0)
		fail_msg("%s: rows changed\nbefore:\n%safter:\n%s", what, before,
		    after);
	check_queries(db, expect, "after", cname);

	snprintf(what, sizeof what, "%s: downgrade", cname);
	apply(db, r.downgrade, r.transactional, what);
	got = introspect(db);
	assert_same(got, m0, what);
	dbrev_schema_free(got);
	assert_same_fingerprint(db, f0, what);
	check_fk(db, what);
	free(after);
	after = kept_rows(db, m0, m1, expect);
	if (strcmp(before, after) != 0)
		fail_msg("%s: rows changed\nbefore:\n%safter:\n%s", what, before,
		    after);
	check_queries(db, expect, "before", cname);
	sqlite3_close(db);

	/* With the generated revision in place: nothing left to do. */
	if (r.ndifferences > 0)
		write_rev(tmp, "r1gen", "r0base", r.upgrade, r.downgrade,
		    r.transactional);
	if (autogen(tmp, p1, "sqlite:/nonexistent-dir/app.db", NULL, 0, &r2,
	    &e) == -1)
		fail_msg("%s: second autogenerate failed: %s:%u: %s", cname,
		    e.file ? e.file : "", e.line, e.message);
	if (r2.ndifferences != 0)
		fail_msg("%s: second autogenerate found '%s'", cname,
		    r2.differences[0]);
	assert_string_equal(r2.upgrade, "");
out:
	dbrev_autogen_result_free(&r);
	dbrev_autogen_result_free(&r2);
	dbrev_schema_free(m0);
	dbrev_schema_free(m1);
	free(f0);
	free(f1);
	th_rmtree(tmp);
	free(tmp);
	free(s0);
	free(before);
	free(after);
}

static void
test_pair(void **state)
{
	const char *cdir = *state;
	const char *cname = strrchr(cdir, '/') + 1;
	char p0[1024], p1[1024], pseed[1024], pexp[1024], rname[300];
	char *seed, *expect, *s1;

	snprintf(p0, sizeof p0, "%s/s0.sql", cdir);
	snprintf(p1, sizeof p1, "%s/s1.sql", cdir);
	snprintf(pseed, sizeof pseed, "%s/seed.sql", cdir);
	snprintf(pexp, sizeof pexp, "%s/expect", cdir);
	seed = slurp(pseed);
	expect = slurp(pexp);
	roundtrip(cname, p0, p1, seed, expect);
	/* The other way round too (no rows: the seed is for s0). */
	s1 = slurp(p1);
	if (strstr(s1, "dbrev: rename") == NULL) {
		snprintf(rname, sizeof rname, "%s reversed", cname);
		roundtrip(rname, p1, p0, NULL, NULL);
	}
	free(s1);
	free(seed);
	free(expect);
}

/* ------------------------------------------------- other cases */

struct fixture {
	char	*dir;		/* migrations directory */
	char	 schema[1024];	/* schema file path */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = mktempdir();
	snprintf(f->schema, sizeof f->schema, "%s/schema.sql", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	th_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void
test_bad_schema_names_line(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x);", "", 1);
	spit(f->schema, "CREATE TABLE a (x);\n\n-- a comment\nCREATE TABLE b (\n"
	    "  y INTEGER,\n  z REFERENCES\n);\n");
	assert_int_equal(autogen(f->dir, f->schema, "sqlite:x.db", NULL, 0,
	    &r, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_string_equal(e.file, f->schema);
	assert_int_equal(e.line, 4);
	th_error_has(&e, "syntax error");
	assert_null(r.upgrade);
	dbrev_error_clear(&e);
}

static void
test_bad_revision_names_line(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };
	char want[1024];

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x);", "", 1);
	write_rev(f->dir, "r1next", "r0base", "ALTER TABLE a ADD y;\n"
	    "INSERT INTO nosuch VALUES (1);", "", 1);
	spit(f->schema, "CREATE TABLE a (x, y);\n");
	assert_int_equal(autogen(f->dir, f->schema, "sqlite:x.db", NULL, 0,
	    &r, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	snprintf(want, sizeof want, "%s/versions/r1next.sql", f->dir);
	assert_string_equal(e.file, want);
	/* header 3 lines, blank, "-- +upgrade" on 5, statements on 6, 7 */
	assert_int_equal(e.line, 7);
	th_error_has(&e, "no such table: nosuch");
	dbrev_error_clear(&e);
}

static void
test_url_never_opened(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };
	char url[1200], path[1100];
	struct stat sb;

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x);", "", 1);
	spit(f->schema, "CREATE TABLE a (x, y);\n");
	snprintf(path, sizeof path, "%s/app.db", f->dir);
	snprintf(url, sizeof url, "sqlite:%s", path);
	assert_int_equal(autogen(f->dir, f->schema, url, NULL, 0, &r, &e), 0);
	assert_int_equal(r.ndifferences, 1);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(errno, ENOENT);
	dbrev_autogen_result_free(&r);
	/* A path that cannot even be created works just as well. */
	assert_int_equal(autogen(f->dir, f->schema,
	    "sqlite:/nonexistent-dir/sub/app.db", NULL, 0, &r, &e), 0);
	assert_int_equal(r.ndifferences, 1);
	dbrev_autogen_result_free(&r);
}

/* Until issue 7 lands, a postgres URL gets a clear error. */
#ifndef DBREV_HAVE_AUTOGEN_POSTGRES
static void
test_postgres_not_yet(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x);", "", 1);
	spit(f->schema, "CREATE TABLE a (x);\n");
	assert_int_equal(autogen(f->dir, f->schema,
	    "postgresql://nobody@/nodb", NULL, 0, &r, &e), -1);
	th_error_has(&e, "PostgreSQL autogenerate");
	assert_null(r.upgrade);
	dbrev_error_clear(&e);
}
#endif

static void
test_empty_diff(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x INTEGER NOT NULL, "
	    "y TEXT DEFAULT 'q');\nCREATE INDEX ax ON a(x);", "", 1);
	spit(f->schema, "create table \"A\" (Y text default 'q',\n"
	    "  [X] integer not null);\ncreate index AX on A (X);\n");
	assert_int_equal(autogen(f->dir, f->schema, NULL, NULL, 0, &r, &e), 0);
	assert_int_equal(r.ndifferences, 0);
	assert_int_equal(r.nwarnings, 0);
	assert_string_equal(r.upgrade, "");
	assert_string_equal(r.downgrade, "");
	dbrev_autogen_result_free(&r);
}

static void
test_rename_option(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };
	const char *hints[] = { "table people->users", "users.name->full_name" };
	const char *bad[] = { "nonsense" };
	const char *stale[] = { "ghosts.a->b" };

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE people (id INTEGER "
	    "PRIMARY KEY, name TEXT);", "", 1);
	spit(f->schema, "CREATE TABLE users (id INTEGER PRIMARY KEY, "
	    "full_name TEXT);\n");
	/* Without a hint: drop and create, flagged. */
	assert_int_equal(autogen(f->dir, f->schema, NULL, NULL, 0, &r, &e), 0);
	assert_true(has_line(r.warnings, r.nwarnings, "drops data"));
	assert_non_null(strstr(r.upgrade, "-- WARNING: drops data"));
	assert_non_null(strstr(r.upgrade, "DROP TABLE people"));
	dbrev_autogen_result_free(&r);
	/* With both hints: renames, no data dropped. */
	assert_int_equal(autogen(f->dir, f->schema, NULL, hints, 2, &r, &e), 0);
	assert_int_equal(r.nwarnings, 0);
	assert_null(strstr(r.upgrade, "DROP"));
	assert_non_null(strstr(r.upgrade,
	    "ALTER TABLE people RENAME TO users;"));
	assert_non_null(strstr(r.upgrade,
	    "ALTER TABLE users RENAME COLUMN name TO full_name;"));
	assert_non_null(strstr(r.downgrade,
	    "ALTER TABLE users RENAME COLUMN full_name TO name;"));
	assert_non_null(strstr(r.downgrade,
	    "ALTER TABLE users RENAME TO people;"));
	assert_true(strstr(r.downgrade, "RENAME COLUMN") <
	    strstr(r.downgrade, "RENAME TO people"));
	assert_true(has_line(r.differences, r.ndifferences,
	    "rename table people to users"));
	dbrev_autogen_result_free(&r);
	/* A hint that is not a hint. */
	assert_int_equal(autogen(f->dir, f->schema, NULL, bad, 1, &r, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	th_error_has(&e, "--rename");
	dbrev_error_clear(&e);
	/* A --rename that fits nothing is named. */
	assert_int_equal(autogen(f->dir, f->schema, NULL, stale, 1, &r, &e), 0);
	assert_true(has_line(r.warnings, r.nwarnings, "ghosts.a->b"));
	dbrev_autogen_result_free(&r);
}

static void
test_bad_hint_in_file(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x);", "", 1);
	spit(f->schema, "CREATE TABLE a (x);\n-- dbrev: rename a.x\n");
	assert_int_equal(autogen(f->dir, f->schema, NULL, NULL, 0, &r, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_int_equal(e.line, 2);
	th_error_has(&e, "hint");
	dbrev_error_clear(&e);
}

/* A hint whose rename SQLite refuses names the hint's line. */
static void
test_failing_hint(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x);\n"
	    "CREATE TABLE b (y);\nCREATE VIEW v AS SELECT y FROM b;\n"
	    "DROP TABLE b;", "", 1);
	spit(f->schema, "CREATE TABLE a (z);\n\n-- dbrev: rename a.x -> z\n");
	assert_int_equal(autogen(f->dir, f->schema, NULL, NULL, 0, &r, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_string_equal(e.file, f->schema);
	assert_int_equal(e.line, 3);
	th_error_has(&e, "rename column a.x to z");
	th_error_has(&e, "error in view v");
	assert_null(r.upgrade);
	dbrev_error_clear(&e);
}

/*
 * A view reading something missing: SQLite takes it, then refuses any
 * table rename.  Named, and the self-check says the upgrade fails.
 */
static void
test_broken_view_warned(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x);\n"
	    "CREATE VIEW broken AS SELECT * FROM missing;", "", 1);
	spit(f->schema, "CREATE TABLE a (x NOT NULL DEFAULT 0);\n"
	    "CREATE VIEW broken AS SELECT * FROM missing;\n");
	assert_int_equal(autogen(f->dir, f->schema, NULL, NULL, 0, &r, &e), 0);
	assert_int_equal(r.ndifferences, 1);
	assert_true(has_line(r.warnings, r.nwarnings,
	    "view broken in the schema the revisions build cannot be used: "
	    "no such table: main.missing"));
	assert_true(has_line(r.warnings, r.nwarnings, "schema.sql cannot be "
	    "used"));
	assert_true(has_line(r.warnings, r.nwarnings,
	    "self-check: the upgrade fails on the scratch database: error in "
	    "view broken"));
	dbrev_autogen_result_free(&r);
}

/*
 * What `sqlite3 DB .schema` prints for tables SQLite makes itself (and
 * for dbrev's version table) is skipped; any other sqlite_ name is
 * still refused with its line.
 */
static void
test_dot_schema_internal_tables(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };

	write_rev(f->dir, "r0base", NULL, "SELECT 1;", "", 1);
	spit(f->schema, "CREATE TABLE IF NOT EXISTS \"Orders\" (id INTEGER "
	    "PRIMARY KEY AUTOINCREMENT, ref TEXT);\n"
	    "CREATE TABLE sqlite_sequence(name,seq);\n"
	    "CREATE INDEX orders_ref ON \"Orders\" (ref);\n"
	    "CREATE TABLE IF NOT EXISTS \"dbrev_revisions\" (\n"
	    "    revision TEXT PRIMARY KEY,\n    note TEXT DEFAULT 'a;b'\n);\n"
	    "CREATE TABLE sqlite_stat1(tbl,idx,stat);\n"
	    "CREATE TABLE IF NOT EXISTS sqlite_stat4(tbl,idx,neq,nlt,ndlt,"
	    "sample);\n"
	    "CREATE TABLE t2 (a);\n");
	assert_int_equal(autogen(f->dir, f->schema, NULL, NULL, 0, &r, &e), 0);
	assert_int_equal(r.ndifferences, 3);
	assert_non_null(strstr(r.upgrade, "CREATE TABLE \"Orders\""));
	assert_non_null(strstr(r.upgrade, "CREATE TABLE t2 (a);"));
	assert_null(strstr(r.upgrade, "sqlite_"));
	assert_null(strstr(r.upgrade, "dbrev_revisions"));
	assert_int_equal(r.nwarnings, 0);
	dbrev_autogen_result_free(&r);
	/* Any other name SQLite reserves: the error names the line. */
	spit(f->schema, "CREATE TABLE a (x);\n\nCREATE TABLE sqlite_foo(x);\n");
	assert_int_equal(autogen(f->dir, f->schema, NULL, NULL, 0, &r, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_int_equal(e.line, 3);
	th_error_has(&e, "reserved for internal use");
	dbrev_error_clear(&e);
}

static void
test_missing_schema_file(void **state)
{
	struct fixture *f = *state;
	struct dbrev_autogen_result r = { 0 };
	struct dbrev_error e = { 0 };

	write_rev(f->dir, "r0base", NULL, "CREATE TABLE a (x);", "", 1);
	assert_int_equal(autogen(f->dir, f->schema, NULL, NULL, 0, &r, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	dbrev_error_clear(&e);
}

static void
test_normalize(void **state)
{
	char *n;

	(void)state;
	n = dbrev_sql_normalize("CREATE  INDEX \"Ix\" ON [T] ( a , `B` )"
	    " -- c\n WHERE x = 'A''b' /* z */");
	assert_string_equal(n, "create index ix on t(a, b) where x = 'A''b'");
	free(n);
	n = dbrev_sql_normalize("SELECT \"order\" FROM t");
	assert_string_equal(n, "select \"order\" from t");
	free(n);
	/* An empty quoted name first (SQLite takes "" as a name). */
	n = dbrev_sql_normalize("\"\" > 0 AND [] < ``");
	assert_string_equal(n, "\"\" > 0 and \"\" < \"\"");
	free(n);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test_setup_teardown(test_bad_schema_names_line,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_revision_names_line,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_never_opened,
		    setup, teardown),
#ifndef DBREV_HAVE_AUTOGEN_POSTGRES
		cmocka_unit_test_setup_teardown(test_postgres_not_yet,
		    setup, teardown),
#endif
		cmocka_unit_test_setup_teardown(test_empty_diff,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_option,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_hint_in_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_hint,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_view_warned,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_schema_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dot_schema_internal_tables,
		    setup, teardown),
	};
	struct CMUnitTest *tests;
	const char *src = getenv("DBREV_SRCDIR");
	char corpus[1024], **names = NULL;
	size_t n = 0, i, nf = sizeof(fixed) / sizeof(fixed[0]);
	DIR *d;
	struct dirent *de;
	int rc;

	snprintf(corpus, sizeof corpus, "%s/tests/autogen/sqlite",
	    src ? src : ".");
	if ((d = opendir(corpus)) == NULL) {
		fprintf(stderr, "cannot read %s (set DBREV_SRCDIR)\n", corpus);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char p[2048];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", corpus, de->d_name);
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(p);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	tests = calloc(n + nf, sizeof(*tests));
	for (i = 0; i < nf; i++)
		tests[i] = fixed[i];
	for (i = 0; i < n; i++) {
		tests[nf + i].name = strrchr(names[i], '/') + 1;
		tests[nf + i].test_func = test_pair;
		tests[nf + i].initial_state = names[i];
	}
	rc = _cmocka_run_group_tests("autogen_sqlite", tests, n + nf, NULL,
	    NULL);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}
