/*
 * test_import.c - the import parsers on sources built in memory: each
 * kind's ordering, ids, transactions, downs and refusals (with their
 * lines), the statement splitter, derived ids, and rendering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dbrev/error.h"
#include "dbrev/import.h"
#include "dbrev/revision.h"
#include "dbrev/util.h"

/* The splitter is internal: its symbols are declared here. */
int	 dbrev_imp_stmt(const char *, size_t, size_t *, size_t *, size_t *);
int	 dbrev_imp_stmt_txn(const char *, const char *);
int	 dbrev_imp_stmt_notxn(const char *, const char *);

struct dbrev_imp_key {
	const char	*s;
	size_t		 len;
	size_t		 pos;
};
struct dbrev_imp_index {
	struct dbrev_imp_key	*k;
	size_t			 n;
};
void	 dbrev_imp_index_add(struct dbrev_imp_index *, const char *, size_t,
	    size_t);
void	 dbrev_imp_index_sort(struct dbrev_imp_index *);
long	 dbrev_imp_index_before(const struct dbrev_imp_index *, const char *,
	    size_t, size_t);
long	 dbrev_imp_index_after(const struct dbrev_imp_index *, const char *,
	    size_t, size_t);
void	 dbrev_imp_index_free(struct dbrev_imp_index *);

/* ---- helpers ---- */

static struct dbrev_import_source src;
static struct dbrev_import_list list;
static struct dbrev_error err;

static int
setup(void **state)
{
	(void)state;
	memset(&src, 0, sizeof(src));
	memset(&list, 0, sizeof(list));
	dbrev_error_init(&err);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dbrev_import_source_free(&src);
	dbrev_import_list_free(&list);
	dbrev_error_clear(&err);
	return 0;
}

static void
kind(const char *k)
{
	src.kind = strdup(k);
}

/* Add a file (text NULL: a directory), keeping the files sorted. */
static void
add(const char *rel, const char *text)
{
	struct dbrev_import_file *f;
	size_t i;

	src.files = realloc(src.files, (src.nfiles + 1) * sizeof(*src.files));
	for (i = src.nfiles; i > 0 && strcmp(src.files[i - 1].rel, rel) > 0;
	    i--)
		src.files[i] = src.files[i - 1];
	f = &src.files[i];
	src.nfiles++;
	f->rel = strdup(rel);
	f->path = malloc(strlen(rel) + 5);
	sprintf(f->path, "src/%s", rel);
	f->text = text != NULL ? strdup(text) : NULL;
	f->len = text != NULL ? strlen(text) : 1;	/* a directory's entries */
}

/* An empty directory. */
static void
add_empty_dir(const char *rel)
{
	size_t i;

	add(rel, NULL);
	for (i = 0; i < src.nfiles; i++)
		if (strcmp(src.files[i].rel, rel) == 0)
			src.files[i].len = 0;
}

static int
parse(void)
{
	return dbrev_import_parse(&src, &list, &err);
}

/* The ids in order, space separated. */
static const char *
ids(void)
{
	static char buf[1024];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < list.n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
		    i ? " " : "", list.revs[i].id);
	return buf;
}

/* The first error as printed: "file:line: message; hint". */
static const char *
error_text(void)
{
	static char buf[2048];

	return dbrev_error_format(&err, buf, sizeof(buf));
}

/* ---- ids and the splitter ---- */

static void
test_ids(void **state)
{
	char a[DBREV_ID_MAX + 1], b[DBREV_ID_MAX + 1];

	(void)state;
	assert_string_equal(dbrev_import_id("20151129054053", a),
	    "20151129054053");
	assert_string_equal(dbrev_import_id("add-users", a), "add_users");
	dbrev_import_id("head", a);
	assert_true(dbrev_revision_id_valid(a));
	assert_int_equal(strncmp(a, "head_", 5), 0);
	dbrev_import_id("a_very_long_change_name_that_goes_on_and_on_1", a);
	dbrev_import_id("a_very_long_change_name_that_goes_on_and_on_2", b);
	assert_true(dbrev_revision_id_valid(a));
	assert_true(dbrev_revision_id_valid(b));
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), DBREV_ID_MAX);
	dbrev_import_id("", a);
	assert_true(dbrev_revision_id_valid(a));
	dbrev_import_id("caf\xc3\xa9", a);
	assert_string_equal(a, "caf__");
}

/* Statements of sql, as "first word|..." */
static const char *
stmts(const char *sql)
{
	static char buf[1024];
	size_t pos = 0, s, e, len = strlen(sql), k;

	buf[0] = '\0';
	while (dbrev_imp_stmt(sql, len, &pos, &s, &e)) {
		for (k = s; k < e && sql[k] != ' ' && sql[k] != ';' &&
		    sql[k] != '\n'; k++)
			;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%.*s%s|",
		    (int)(k - s), sql + s,
		    dbrev_imp_stmt_txn(sql + s, sql + e) ? "*" : "");
	}
	return buf;
}

/* The name index: nearest positions below and above, prefixes apart. */
static void
test_index(void **state)
{
	static const char *const names[] = { "b", "a", "ab", "b", "a", "b" };
	struct dbrev_imp_index x = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++)
		dbrev_imp_index_add(&x, names[i], strlen(names[i]), i);
	dbrev_imp_index_sort(&x);
	assert_int_equal(dbrev_imp_index_before(&x, "b", 1, 3), 0);
	assert_int_equal(dbrev_imp_index_before(&x, "b", 1, 0), -1);
	assert_int_equal(dbrev_imp_index_before(&x, "b", 1, (size_t)-1), 5);
	assert_int_equal(dbrev_imp_index_after(&x, "b", 1, 0), 3);
	assert_int_equal(dbrev_imp_index_after(&x, "b", 1, 4), 5);
	assert_int_equal(dbrev_imp_index_after(&x, "b", 1, 5), -1);
	assert_int_equal(dbrev_imp_index_before(&x, "a", 1, 2), 1);
	assert_int_equal(dbrev_imp_index_after(&x, "a", 1, 1), 4);
	assert_int_equal(dbrev_imp_index_before(&x, "ab", 2, 6), 2);
	assert_int_equal(dbrev_imp_index_before(&x, "abc", 2, 6), 2);
	assert_int_equal(dbrev_imp_index_before(&x, "c", 1, 6), -1);
	assert_int_equal(dbrev_imp_index_after(&x, "", 0, 0), -1);
	dbrev_imp_index_free(&x);
}

static void
test_splitter(void **state)
{
	(void)state;
	assert_string_equal(stmts("BEGIN; SELECT 1; COMMIT;"),
	    "BEGIN*|SELECT|COMMIT*|");
	assert_string_equal(stmts("CREATE FUNCTION f() RETURNS int AS $$ "
	    "BEGIN; COMMIT; $$ LANGUAGE sql; END;"), "CREATE|END*|");
	assert_string_equal(stmts("CREATE FUNCTION f() AS $body$ a; $x$ "
	    "b; $body$; SELECT 2"), "CREATE|SELECT|");
	assert_string_equal(stmts("SELECT E'it\\'s; here'; ROLLBACK TO s; "
	    "ROLLBACK WORK TO s; ROLLBACK;"), "SELECT|ROLLBACK|ROLLBACK|"
	    "ROLLBACK*|");
	assert_string_equal(stmts("CREATE TRIGGER t AFTER INSERT ON x BEGIN\n"
	    "  UPDATE y SET a = CASE WHEN 1 THEN 2 END;\n  DELETE FROM z;\n"
	    "END;\nEND;"), "CREATE|END*|");
	assert_string_equal(stmts("/* a /* nested */ ; */ SELECT 'a;b', "
	    "\"c;d\", [e;f] -- ;\n; -- only a comment"), "SELECT|");
	assert_string_equal(stmts("CREATE TABLE t (begin int); COMMIT;"),
	    "CREATE|COMMIT*|");
	assert_string_equal(stmts("SELECT a$b; START TRANSACTION; PREPARE "
	    "TRANSACTION 'x'; PREPARE p AS SELECT 1;"),
	    "SELECT|START*|PREPARE*|PREPARE|");
	assert_true(dbrev_imp_stmt_notxn("CREATE UNIQUE INDEX CONCURRENTLY i",
	    "CREATE UNIQUE INDEX CONCURRENTLY i" + 34));
	assert_false(dbrev_imp_stmt_notxn("CREATE INDEX i ON t (a)",
	    "CREATE INDEX i ON t (a)" + 23));
}

/* ---- the kinds ---- */

static void
test_dbmate(void **state)
{
	(void)state;
	kind("dbmate");
	add("1_a.sql", "-- migrate:up\nCREATE TABLE a (x);\n"
	    "-- migrate:down transaction:false\nDROP TABLE a;\n");
	add("2_b.sql", "-- a comment\n\n--migrate:up\nSELECT 1;\n"
	    "-- migrate:upgrade is a comment\n");
	add("3_c.sql", "-- migrate:up\nSELECT 3;\n-- migrate:down\n");
	add("10_d.sql", "-- migrate:up\n");
	add("notes.txt", "not read");
	assert_int_equal(parse(), 0);
	/* dbmate sorts by file name: "10_d" before "1_a". */
	assert_string_equal(ids(), "10 1 2 3");
	assert_int_equal(list.revs[1].transactional, 0);
	assert_string_equal(list.revs[1].up, "CREATE TABLE a (x);\n");
	assert_string_equal(list.revs[1].down, "DROP TABLE a;\n");
	assert_string_equal(list.revs[2].up,
	    "SELECT 1;\n-- migrate:upgrade is a comment\n");
	assert_null(list.revs[2].down);		/* no down: irreversible */
	assert_non_null(list.revs[3].down);	/* an empty down is one */
	assert_string_equal(list.revs[3].down, "");
	assert_string_equal(list.revs[1].parents[0], "10");
	assert_int_equal(list.revs[0].nparents, 0);
	assert_int_equal(list.revs[2].up_line, 4);
}

static void
test_dbmate_refusals(void **state)
{
	(void)state;
	kind("dbmate");
	add("1_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n"
	    "SELECT 2;\n-- migrate:up\nSELECT 3;\n");
	assert_int_equal(parse(), -1);
	assert_string_equal(error_text(), "src/1_a.sql:5: a second "
	    "'-- migrate:up' section; dbrev makes one revision of each file: "
	    "move this section into a migration file of its own");
	assert_int_equal(err.kind, DBREV_ERR_INPUT);
	assert_int_equal(list.n, 0);
}

static void
test_goose(void **state)
{
	(void)state;
	kind("goose");
	add("00010_c.sql", "-- +goose UP\nSELECT 10;\n");
	add("2_b.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 2;\n"
	    "-- +goose Down\nSELECT -2;\n");
	add("20170506082420_d.sql", "-- +goose Up\nSELECT 4;\n");
	add("1_a.sql", "\n-- comment\n-- +goose Up\n-- +goose StatementBegin\n"
	    "SELECT 1;\n-- +goose StatementEnd\n-- +goose down\n");
	add("helpers.go", "package x");
	add("1_a_test.go", "package x");
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "1 2 10 20170506082420");
	assert_int_equal(list.revs[1].transactional, 0);
	assert_int_equal(list.revs[0].transactional, 1);
	assert_string_equal(list.revs[0].up, "-- +goose StatementBegin\n"
	    "SELECT 1;\n-- +goose StatementEnd\n");
	assert_string_equal(list.revs[0].down, "");
	assert_null(list.revs[2].down);
	assert_string_equal(list.revs[3].created, "2017-05-06T08:24:20Z");
}

static void
test_goose_refusals(void **state)
{
	(void)state;
	kind("goose");
	add("1_a.sql", "-- +goose Up\n  -- +goose StatementBegin\n");
	add("2_b.sql", "-- +goose ENVSUB ON\n-- +goose Up\nSELECT '${X}';\n");
	add("3_c.sql", "SELECT 1;\n-- +goose Up\n");
	add("4_d.go", "package x");
	assert_int_equal(parse(), -1);
	assert_int_equal(dbrev_error_count(&err), 4);
	assert_string_equal(err.file, "src/1_a.sql");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.next->line, 1);
	assert_non_null(strstr(err.next->message, "ENVSUB"));
	assert_non_null(strstr(err.next->next->message, "before"));
	assert_non_null(strstr(err.next->next->next->message, "Go migration"));
}

static void
test_golang_migrate(void **state)
{
	(void)state;
	kind("golang-migrate");
	add("1_a.up.sql", "SELECT 1;");
	add("1_a.down.sql", "SELECT -1;");
	add("2_x.up.y.down.sql", "SELECT -2;");
	add("10_c.up.sql", "BEGIN;\nSELECT 10;\nCOMMIT;\n");
	add("README", "no");
	assert_int_equal(parse(), -1);
	/* "2_x.up.y.down.sql" is version 2's down (the greedy title). */
	assert_non_null(strstr(error_text(), "a down migration without an up"));
	dbrev_error_clear(&err);
	add("2_x.up.sql", "SELECT 2;");
	dbrev_import_list_free(&list);
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "1 2 10");
	assert_string_equal(list.revs[1].message, "x");
	assert_string_equal(list.revs[1].down, "SELECT -2;");
	/* Its own BEGIN/COMMIT: the revision cannot run in dbrev's. */
	assert_int_equal(list.revs[2].transactional, 0);
	assert_int_equal(list.revs[0].transactional, 1);
	dbrev_import_list_free(&list);
	add("99999999999999999999_big.up.sql", "");
	assert_int_equal(parse(), -1);
	assert_non_null(strstr(error_text(), "64 bits"));
}

static void
test_flyway(void **state)
{
	(void)state;
	kind("flyway");
	add("V2__two.sql", "SELECT 2;");
	add("a/V1.10__ten.sql", "SELECT 10;");
	add("V1_2__one_two.sql", "SELECT 12;");
	add("b/c/V1.1__one_one.sql", "SELECT 11;");
	add("V1__one.sql", "SELECT 1;");
	add("U1.1__one_one.sql", "SELECT -11;");
	add("V1_2__one_two.sql.conf", "executeInTransaction = false\n");
	add("v3__lower.sql", "ignored");
	add("V4.sql", "ignored: no separator");
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "1 1_1 1_2 1_10 2");
	assert_string_equal(list.revs[1].version, "1.1");
	assert_string_equal(list.revs[1].down, "SELECT -11;");
	assert_string_equal(list.revs[2].message, "one two");
	assert_int_equal(list.revs[2].transactional, 0);
	assert_null(list.revs[3].down);
}

static void
test_flyway_refusals(void **state)
{
	(void)state;
	kind("flyway");
	add("R__views.sql", "SELECT 1;");
	add("V1__a.sql", "SELECT 1;");
	add("V1.0.0__b.sql", "SELECT 1;");
	add("V1.x__c.sql", "SELECT 1;");
	add("afterMigrate.sql", "SELECT 1;");
	add("B5__base.sql", "SELECT 1;");
	add("U7__undo.sql", "SELECT 1;");
	assert_int_equal(parse(), -1);
	assert_int_equal(dbrev_error_count(&err), 6);
	assert_string_equal(error_text(), "src/B5__base.sql:1: a Flyway "
	    "baseline migration: dbrev has none; import the versioned "
	    "migrations it stands for, and move it out of the directory");
	assert_non_null(strstr(err.next->message, "repeatable"));
	assert_string_equal(err.next->file, "src/R__views.sql");
	assert_non_null(strstr(err.next->next->message, "invalid version"));
	assert_non_null(strstr(err.next->next->next->message, "callback"));
	assert_non_null(strstr(err.next->next->next->next->message,
	    "version 1 is also that of src/V1.0.0__b.sql"));
	assert_non_null(strstr(err.next->next->next->next->next->message,
	    "undo migration without"));
}

static void
test_diesel(void **state)
{
	(void)state;
	kind("diesel");
	add("2015-12-09-135212_create_users", NULL);
	add("2015-12-09-135212_create_users/up.sql", "CREATE TABLE u (a);");
	add("2015-12-09-135212_create_users/down.sql", "DROP TABLE u;");
	add("2015-12-09-135212_create_users/metadata.toml",
	    "# only another key: diesel reads run_in_transaction as false\n"
	    "[other]\nrun_in_transaction = true\n");
	add("00000000000000_diesel_initial_setup", NULL);
	add("00000000000000_diesel_initial_setup/up.sql", "SELECT 0;");
	add("2016-01-01-000000_b", NULL);
	add("2016-01-01-000000_b/up.sql", "SELECT 1;");
	add("2016-01-01-000000_b/down.sql", "");
	add("2016-01-01-000000_b/metadata.toml",
	    "run_in_transaction = true # yes\n");
	/* Left behind by a checkout of another branch: diesel skips it. */
	add_empty_dir("2015-06-01-000000_gone");
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "00000000000000 20151209135212 "
	    "20160101000000");
	assert_int_equal(list.revs[1].transactional, 0);
	assert_int_equal(list.revs[2].transactional, 1);
	assert_null(list.revs[2].down);		/* empty down.sql */
	assert_null(list.revs[0].down);		/* no down.sql */
	assert_string_equal(list.revs[1].created, "2015-12-09T13:52:12Z");
	assert_string_equal(list.revs[0].message, "diesel initial setup");
	dbrev_import_list_free(&list);
	add("2017-01-01-000000_c", NULL);
	add("2017-01-01-000000_c/metadata.toml", "run_in_transaction = maybe\n");
	assert_int_equal(parse(), -1);
	assert_non_null(strstr(error_text(), "without up.sql"));
}

static const char plan[] =
    "%syntax-version=1.0.0\n"
    "%project=p\n"
    "\n"
    "a 2020-01-01T00:00:00Z A <a@x> # First.\n"
    "b [a] 2020-01-02T00:00:00Z A <a@x>\n"
    "c [a !b p:b] 2020-01-03T00:00:00Z A <a@x> # Third; with # in it.\n"
    "@v1 2020-01-04T00:00:00Z A <a@x>\n"
    "@v2 2020-01-04T00:00:01Z A <a@x>\n"
    "\n"
    "b [b@v1 @v1] 2020-01-05T00:00:00Z A <a@x> # Rework b.\n";

static void
test_sqitch(void **state)
{
	(void)state;
	kind("sqitch");
	add("sqitch.plan", plan);
	add("deploy/a.sql", "SELECT 'a';");
	add("deploy/b@v1.sql", "SELECT 'b1';");
	add("deploy/b.sql", "SELECT 'b2';");
	add("deploy/c.sql", "SELECT 'c';");
	add("revert/b@v1.sql", "SELECT '-b1';");
	add("revert/a.sql", "SELECT '-a';");
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "a b c b_2");
	assert_string_equal(list.revs[1].up, "SELECT 'b1';");
	assert_string_equal(list.revs[1].down, "SELECT '-b1';");
	assert_string_equal(list.revs[1].version, "b@v1");
	assert_string_equal(list.revs[3].up, "SELECT 'b2';");
	assert_null(list.revs[3].down);
	/* c requires a (not its parent b); !b is a conflict, p:b is b. */
	assert_int_equal(list.revs[2].ndepends, 1);
	assert_string_equal(list.revs[2].depends[0], "a");
	assert_string_equal(list.revs[2].parents[0], "b");
	assert_string_equal(list.revs[2].message, "Third; with # in it.");
	assert_string_equal(list.revs[1].message, "b");
	/* b@v1 and @v1 are b's first instance and c. */
	assert_int_equal(list.revs[3].ndepends, 1);
	assert_string_equal(list.revs[3].depends[0], "b");
	assert_string_equal(list.revs[0].created, "2020-01-01T00:00:00Z");
}

/*
 * Sqitch's choices: of a reworked change's scripts, the one of the
 * first tag declared on the latest tagged change (with @v1 and @v2 on
 * one change, @v1); notes unescaped (\\n, \\\\) before they become
 * one-line messages.
 */
static void
test_sqitch_rework_tags(void **state)
{
	(void)state;
	kind("sqitch");
	add("sqitch.plan", "%project=p\n\n"
	    "b 2020-01-01T00:00:00Z A <a@x> # Two lines:\\nsecond \\\\ one.\n"
	    "c 2020-01-02T00:00:00Z A <a@x>\n"
	    "@v1 2020-01-03T00:00:00Z A <a@x>\n"
	    "@v2 2020-01-03T00:00:01Z A <a@x>\n"
	    "b [b@v1] 2020-01-04T00:00:00Z A <a@x> # Rework.\n");
	add("deploy/b@v1.sql", "SELECT 'b at v1';");
	add("deploy/b@v2.sql", "SELECT 'b at v2';");
	add("deploy/b.sql", "SELECT 'b';");
	add("deploy/c.sql", "SELECT 'c';");
	add("revert/b@v1.sql", "SELECT '-b at v1';");
	add("revert/b@v2.sql", "SELECT '-b at v2';");
	assert_int_equal(parse(), 0);
	assert_string_equal(list.revs[0].version, "b@v1");
	assert_string_equal(list.revs[0].up, "SELECT 'b at v1';");
	assert_string_equal(list.revs[0].down, "SELECT '-b at v1';");
	assert_string_equal(list.revs[0].message, "Two lines: second \\ one.");
}

static void
test_sqitch_refusals(void **state)
{
	(void)state;
	kind("sqitch");
	add("sqitch.plan", "%project=p\n\na 2020-01-01T00:00:00Z A <a@x>\n"
	    "a 2020-01-02T00:00:00Z A <a@x>\n"
	    "b [q:x] 2020-01-02T00:00:00Z A <a@x>\n"
	    "c 2020-01-02 A <a@x>\n");
	add("deploy/a.sql", "SELECT 1;");
	/* Every problem: the lines' first, then the plan's. */
	assert_int_equal(parse(), -1);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.message, "timestamp"));
	assert_int_equal(err.next->line, 4);
	assert_non_null(strstr(err.next->message,
	    "planned twice without a tag"));
}

static const char up_pg[] =
    "BEGIN;\n\n"
    "CREATE TABLE app.versions (\n    version_num VARCHAR(32) NOT NULL\n);\n\n"
    "-- Running upgrade  -> aa\n\n"
    "CREATE TABLE t (a int);\n\n"
    "INSERT INTO app.versions (version_num) VALUES ('aa');\n\n"
    "-- Running upgrade aa -> bb\n\n"
    "SELECT 1; UPDATE \"versions\" SET version_num='bb' WHERE "
    "versions.version_num = 'aa';\n"
    "COMMIT;\n\n"
    "CREATE INDEX CONCURRENTLY i ON t (a);\n\n"
    "BEGIN;\n\n"
    "UPDATE app.versions SET version_num='bb' WHERE "
    "versions.version_num = 'aa';\n\n"
    "COMMIT;\n";

static void
test_alembic(void **state)
{
	(void)state;
	kind("alembic");
	add("0up.sql", up_pg);
	add("1down.sql", "BEGIN;\n\n-- Running downgrade bb -> aa\n\n"
	    "DROP INDEX i;\n\n-- Running downgrade aa -> \n\nDROP TABLE t;\n\n"
	    "DELETE FROM app.versions WHERE versions.version_num = 'aa';\n\n"
	    "DROP TABLE app.versions;\n\nCOMMIT;\n");
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "aa bb");
	assert_string_equal(list.revs[0].up, "CREATE TABLE t (a int);\n");
	assert_int_equal(list.revs[0].transactional, 1);
	assert_int_equal(list.revs[0].up_line, 9);
	/* What stands on the line before the version statement stays. */
	assert_string_equal(list.revs[1].up,
	    "SELECT 1; \nCREATE INDEX CONCURRENTLY i ON t (a);\n");
	assert_int_equal(list.revs[1].transactional, 0);
	assert_string_equal(list.revs[1].parents[0], "aa");
	assert_string_equal(list.revs[0].down, "DROP TABLE t;\n");
	assert_string_equal(list.revs[1].down, "DROP INDEX i;\n");
	assert_string_equal(list.revs[1].origin,
	    "imported from alembic: upgrade aa -> bb");
}

/*
 * The version table, however the script names it: created IF NOT EXISTS
 * (a committed script edited by hand), or never created (a script that
 * starts partway) under a name of the project's.
 */
static void
test_alembic_version_table(void **state)
{
	(void)state;
	kind("alembic");
	add("0up.sql", "BEGIN;\n\nCREATE TABLE IF NOT EXISTS alembic_version "
	    "(\n    version_num VARCHAR(32) NOT NULL\n);\n\n"
	    "-- Running upgrade  -> aa\n\nCREATE TABLE t (a int);\n\n"
	    "INSERT INTO alembic_version (version_num) VALUES ('aa');\n\n"
	    "-- Running upgrade aa -> bb\n\nCREATE TABLE u (a int);\n\n"
	    "UPDATE alembic_version SET version_num='bb' WHERE "
	    "alembic_version.version_num = 'aa';\n\nCOMMIT;\n");
	assert_int_equal(parse(), 0);
	assert_string_equal(list.revs[0].up, "CREATE TABLE t (a int);\n");
	assert_string_equal(list.revs[1].up, "CREATE TABLE u (a int);\n");
	teardown(NULL);
	setup(NULL);
	kind("alembic");
	add("0up.sql", "BEGIN;\n\n-- Running upgrade  -> aa\n\n"
	    "CREATE TABLE t (a int);\n\nINSERT INTO meta.\"app_versions\" "
	    "(version_num) VALUES ('aa') RETURNING meta.app_versions."
	    "version_num;\n\nCOMMIT;\n");
	add("1down.sql", "BEGIN;\n\n-- Running downgrade aa -> \n\n"
	    "DROP TABLE t;\n\nDELETE FROM meta.app_versions WHERE "
	    "meta.app_versions.version_num = 'aa';\n\n"
	    "DROP TABLE IF EXISTS meta.app_versions;\n\nCOMMIT;\n");
	assert_int_equal(parse(), 0);
	assert_string_equal(list.revs[0].up, "CREATE TABLE t (a int);\n");
	assert_string_equal(list.revs[0].down, "DROP TABLE t;\n");
}

/*
 * Two heads: Alembic prints no downgrade from both (heads:base is
 * refused), so each head's script is given; what they share must agree.
 */
static const char up_heads[] =
    "-- Running upgrade  -> a1\n\nCREATE TABLE t (a int);\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('a1');\n\n"
    "-- Running upgrade a1 -> b1\n\nCREATE TABLE u (a int);\n\n"
    "UPDATE alembic_version SET version_num='b1' WHERE "
    "alembic_version.version_num = 'a1';\n\n"
    "-- Running upgrade a1 -> b2\n\nCREATE TABLE v (a int);\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('b2');\n\n";

static void
test_alembic_heads(void **state)
{
	(void)state;
	kind("alembic");
	add("0up.sql", up_heads);
	add("1down.sql", "-- Running downgrade b1 -> a1\n\nDROP TABLE u;\n\n"
	    "-- Running downgrade a1 -> \n\nDROP TABLE t;\n\n");
	add("2down.sql", "-- Running downgrade b2 -> a1\n\nDROP TABLE v;\n\n"
	    "-- Running downgrade a1 -> \n\nDROP TABLE t;\n\n");
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "a1 b1 b2");
	assert_string_equal(list.revs[0].down, "DROP TABLE t;\n");
	assert_string_equal(list.revs[0].down_path, "src/1down.sql");
	assert_string_equal(list.revs[1].down, "DROP TABLE u;\n");
	assert_string_equal(list.revs[2].down, "DROP TABLE v;\n");
	teardown(NULL);
	setup(NULL);
	kind("alembic");
	add("0up.sql", up_heads);
	add("1down.sql", "-- Running downgrade a1 -> \n\nDROP TABLE t;\n\n");
	add("2down.sql", "-- Running downgrade a1 -> \n\nDROP TABLE t2;\n\n");
	assert_int_equal(parse(), -1);
	assert_string_equal(error_text(), "src/2down.sql:1: revision a1 is "
	    "downgraded otherwise in src/1down.sql; give the scripts of one "
	    "history, each generated once");
}

/*
 * depends_on, as Alembic 1.8 prints it when the dependency is a head of
 * another branch: x2 (down_revision x1, depends_on b2) deletes x1's row
 * and moves b2's to itself.
 */
static void
test_alembic_depends(void **state)
{
	(void)state;
	kind("alembic");
	add("0up.sql", "-- Running upgrade  -> a1\n\nSELECT 1;\n\n"
	    "INSERT INTO alembic_version (version_num) VALUES ('a1');\n\n"
	    "-- Running upgrade a1 -> b2\n\nSELECT 2;\n\n"
	    "UPDATE alembic_version SET version_num='b2' WHERE "
	    "alembic_version.version_num = 'a1';\n\n"
	    "-- Running upgrade  -> x1\n\nSELECT 3;\n\n"
	    "INSERT INTO alembic_version (version_num) VALUES ('x1');\n\n"
	    "-- Running upgrade x1 -> x2\n\nSELECT 4;\n\n"
	    "DELETE FROM alembic_version WHERE alembic_version.version_num = "
	    "'x1';\n\nUPDATE alembic_version SET version_num='x2' WHERE "
	    "alembic_version.version_num = 'b2';\n\n");
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "a1 b2 x1 x2");
	assert_int_equal(list.revs[3].nparents, 1);
	assert_string_equal(list.revs[3].parents[0], "x1");
	assert_int_equal(list.revs[3].ndepends, 1);
	assert_string_equal(list.revs[3].depends[0], "b2");
	assert_int_equal(list.revs[1].ndepends, 0);
	assert_string_equal(list.revs[3].up, "SELECT 4;\n");
	teardown(NULL);
	setup(NULL);
	/* One blank before the arrow (edited by hand): still a root. */
	kind("alembic");
	add("0up.sql", "-- Running upgrade -> a1\n\nSELECT 1;\n");
	assert_int_equal(parse(), 0);
	assert_string_equal(ids(), "a1");
	assert_int_equal(list.revs[0].nparents, 0);
}

static void
test_alembic_refusals(void **state)
{
	(void)state;
	kind("alembic");
	add("0up.sql", "SET search_path = x;\n-- Running upgrade  -> aa\n");
	assert_int_equal(parse(), -1);
	assert_string_equal(err.file, "src/0up.sql");
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.message, "belongs to no revision"));
	teardown(NULL);
	setup(NULL);
	kind("alembic");
	add("0up.sql", "-- Running upgrade  -> aa\n");
	add("1down.sql", "-- Running downgrade aa -> \n"
	    "-- Running downgrade aa -> \n");
	assert_int_equal(parse(), -1);
	assert_string_equal(error_text(), "src/1down.sql:2: revision aa is "
	    "downgraded twice; give the scripts of one history, each "
	    "generated once");
}

/* ---- rendering ---- */

static void
test_render(void **state)
{
	struct dbrev_revision *r = NULL;
	struct dbrev_buf b = { 0 };

	(void)state;
	kind("dbmate");
	add("1_a.sql", "-- migrate:up\r\nSELECT 1;\r\n-- migrate:down\r\n"
	    "SELECT 2;");
	add("2_b.sql", "-- migrate:up\nSELECT 1;\n  -- +upgrade is no marker\n"
	    "--   +upgrade  \n");
	assert_int_equal(parse(), -1);
	assert_string_equal(error_text(), "src/2_b.sql:4: the line '-- "
	    "+upgrade' would cut the revision in two; reword the comment "
	    "(dbrev would read it as a section marker), then import again");
	dbrev_error_clear(&err);
	free(src.files[1].text);
	src.files[1].text = strdup("-- migrate:up\n");
	src.files[1].len = strlen(src.files[1].text);
	if (parse() != 0)
		fail_msg("%s", error_text());
	dbrev_import_render(&list.revs[0], &b);
	assert_int_equal(dbrev_revision_parse("x.sql", b.data, b.len, 0, &r,
	    &err), 0);
	assert_string_equal(r->upgrade, "SELECT 1;\r\n");
	/* A final newline is added where the source has none. */
	assert_string_equal(r->downgrade, "SELECT 2;\n");
	assert_string_equal(r->message, "a");
	dbrev_revision_free(r);
	dbrev_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_splitter),
		cmocka_unit_test(test_index),
		cmocka_unit_test_setup_teardown(test_dbmate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbmate_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_goose, setup, teardown),
		cmocka_unit_test_setup_teardown(test_goose_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_golang_migrate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flyway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flyway_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_diesel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqitch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqitch_rework_tags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sqitch_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_alembic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alembic_version_table,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_alembic_heads, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_alembic_depends, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_alembic_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_render, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
