/*
 * test_postgres_fingerprint.c - the PostgreSQL schema fingerprint that a
 * connection keeps up to date from the catalog rows changed since its
 * last one.  Differential: after every step of a history of DDL, the
 * kept connection's fingerprint equals a new connection's (which reads
 * every owner); each step changes it, and undoing steps brings an
 * earlier one back.  The steps are the ones that change a line without
 * touching its owner's rows: renames of what a line names (column,
 * table, type, schema, sequence, function, collation, role), comments,
 * deletions, a rolled-back change.  Needs the server tests/run.sh
 * starts (DBREV_TEST_PG_URL).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dbrev/util.h"
#include "../../lib/db/driver.h"

#include "helpers.h"

static const struct dbrev_driver *D = &dbrev_driver_postgres;
static char dbname[64], role[64];
static char url[1024];

static int
setup(void **state)
{
	(void)state;
	th_pg_create_db("fp", dbname, sizeof(dbname), url, sizeof(url));
	snprintf(role, sizeof(role), "dbrev_fp_role_%ld", (long)getpid());
	return 0;
}

static int
teardown(void **state)
{
	char sql[160];

	(void)state;
	th_pg_drop_db(dbname);
	snprintf(sql, sizeof(sql), "DROP ROLE IF EXISTS %s", role);
	th_pg_admin(sql);
	snprintf(sql, sizeof(sql), "DROP ROLE IF EXISTS %s_b", role);
	th_pg_admin(sql);
	return 0;
}

static struct dbrev_conn *
open_ok(void)
{
	struct dbrev_error err = { 0 };
	struct dbrev_conn *c = NULL;

	if (D->open(url, &c, &err) != 0)
		fail_msg("open: %s", err.message);
	D->set_notice(c, th_pg_quiet, NULL);
	return c;
}

static void
run(struct dbrev_conn *c, const char *sql)
{
	struct dbrev_error err = { 0 };

	if (D->exec(c, sql, NULL, 1, &err) != 0)
		fail_msg("%s: %s", sql, err.message);
}

/* The fingerprint a new connection reads, every owner rendered. */
static char *
fresh(void)
{
	struct dbrev_conn *c = open_ok();
	struct dbrev_buf b = { 0 };
	struct dbrev_error err = { 0 };

	if (D->fingerprint(c, &b, &err) != 0)
		fail_msg("fingerprint: %s", err.message);
	D->close(c);
	return dbrev_buf_take(&b);
}

/* The kept connection's fingerprint, which must equal a fresh one. */
static char *
kept(struct dbrev_conn *c, const char *step)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_error err = { 0 };
	char *f;

	if (D->fingerprint(c, &b, &err) != 0)
		fail_msg("fingerprint: %s", err.message);
	f = fresh();
	if (strcmp(b.data, f) != 0)
		fail_msg("after '%s' the kept fingerprint is stale", step);
	free(f);
	return dbrev_buf_take(&b);
}

/* Each step changes some line, owned elsewhere than its rows at times. */
static const char *const steps[] = {
	"CREATE TABLE a (id int PRIMARY KEY, name text DEFAULT 'x')",
	"CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id))",
	"CREATE INDEX b_a ON b (a_id)",
	"COMMENT ON TABLE a IS 'A'; COMMENT ON COLUMN a.name IS 'n'",
	"ALTER TABLE a RENAME COLUMN id TO aid",
	"ALTER TABLE a RENAME TO a2",
	"CREATE TYPE mood AS ENUM ('x'); ALTER TABLE b ADD COLUMN m mood",
	"ALTER TYPE mood RENAME TO feeling",
	"ALTER TYPE feeling ADD VALUE 'y'",
	"CREATE SCHEMA s; ALTER TABLE b SET SCHEMA s",
	"ALTER SCHEMA s RENAME TO s2",
	"CREATE SEQUENCE q; ALTER TABLE a2 ALTER COLUMN name SET DEFAULT "
	    "nextval('q')::text",
	"ALTER SEQUENCE q RENAME TO q2",
	"CREATE VIEW v AS SELECT aid FROM a2",
	"ALTER TABLE a2 RENAME COLUMN aid TO id2",
	"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS "
	    "$$BEGIN RETURN NEW; END$$; CREATE TRIGGER tr BEFORE INSERT ON a2 "
	    "FOR EACH ROW EXECUTE FUNCTION f()",
	"ALTER FUNCTION f() RENAME TO g",
	"COMMENT ON TRIGGER tr ON a2 IS 'T'",
	"COMMENT ON CONSTRAINT b_a_id_fkey ON s2.b IS 'fk'",
	"COMMENT ON CONSTRAINT b_a_id_fkey ON s2.b IS NULL",
	"ALTER TABLE s2.b RENAME CONSTRAINT b_a_id_fkey TO b_fk",
	"ALTER INDEX s2.b_a RENAME TO b_a2",
	"CREATE COLLATION c1 FROM \"C\"; ALTER TABLE a2 ADD COLUMN t text "
	    "COLLATE c1",
	"ALTER COLLATION c1 RENAME TO c2",
	"CREATE DOMAIN pos AS int CONSTRAINT pos_ok CHECK (VALUE > 0)",
	"ALTER DOMAIN pos RENAME CONSTRAINT pos_ok TO pos_good",
	"ALTER TABLE a2 ADD COLUMN p pos",
	"ALTER TABLE a2 ALTER COLUMN p TYPE bigint",
	"ALTER TABLE a2 DROP COLUMN t",
	"ALTER TABLE a2 ENABLE ROW LEVEL SECURITY; CREATE POLICY pol ON a2 "
	    "USING (id2 > 0)",
	"CREATE RULE r AS ON DELETE TO v DO INSTEAD NOTHING",
	"ALTER TABLE s2.b DROP CONSTRAINT b_fk",
	"COMMENT ON SCHEMA public IS 'the default'",
	"COMMENT ON SCHEMA public IS NULL",
	"DROP VIEW v",
	"DROP TABLE s2.b",
};

static void
test_kept_equals_fresh(void **state)
{
	struct dbrev_conn *c = open_ok();
	char *before, *now;
	size_t i;

	(void)state;
	before = kept(c, "nothing");
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		run(c, steps[i]);
		now = kept(c, steps[i]);
		if (strcmp(now, before) == 0)
			fail_msg("'%s' left the fingerprint as it was",
			    steps[i]);
		free(before);
		before = now;
	}
	free(before);
	D->close(c);
}

/* Roles: privileges name them, and a role is not the database's row. */
static void
test_role_rename(void **state)
{
	struct dbrev_conn *c = open_ok();
	char sql[256], *before, *now;

	(void)state;
	run(c, "CREATE TABLE g (a int)");
	snprintf(sql, sizeof sql, "CREATE ROLE %s; GRANT SELECT ON g TO %s",
	    role, role);
	run(c, sql);
	before = kept(c, sql);
	snprintf(sql, sizeof sql, "ALTER ROLE %s RENAME TO %s_b", role, role);
	run(c, sql);
	now = kept(c, sql);
	assert_string_not_equal(now, before);
	free(before);
	free(now);
	snprintf(sql, sizeof sql, "DROP TABLE g; DROP ROLE %s_b", role);
	run(c, sql);
	free(kept(c, sql));
	D->close(c);
}

/*
 * Up, down, up: the fingerprint after a downgrade equals the one before
 * the upgrade though every OID differs; a rolled-back change leaves it.
 */
static void
test_down_restores(void **state)
{
	struct dbrev_conn *c = open_ok();
	const char *up = "CREATE TABLE u (id serial PRIMARY KEY, n int "
	    "CHECK (n > 0)); CREATE INDEX u_n ON u (n); COMMENT ON TABLE u "
	    "IS 'u'";
	char *s0, *s1, *s2, *s3;

	(void)state;
	s0 = kept(c, "start");
	run(c, up);
	s1 = kept(c, up);
	run(c, "DROP TABLE u");
	s2 = kept(c, "DROP TABLE u");
	run(c, up);
	s3 = kept(c, up);
	assert_string_equal(s2, s0);
	assert_string_equal(s3, s1);
	assert_string_not_equal(s1, s0);
	run(c, "BEGIN; ALTER TABLE u RENAME COLUMN n TO m; ROLLBACK");
	free(s2);
	s2 = kept(c, "a rolled-back rename");
	assert_string_equal(s2, s1);
	run(c, "ALTER TABLE u ALTER COLUMN n SET DEFAULT 1");
	free(s2);
	s2 = kept(c, "SET DEFAULT");
	assert_string_not_equal(s2, s1);
	run(c, "ALTER TABLE u ALTER COLUMN n DROP DEFAULT");
	free(s2);
	s2 = kept(c, "DROP DEFAULT");
	assert_string_equal(s2, s1);
	free(s0);
	free(s1);
	free(s2);
	free(s3);
	D->close(c);
}

/* The statements are prepared again after DEALLOCATE ALL. */
static void
test_deallocated(void **state)
{
	struct dbrev_conn *c = open_ok();
	char *s0, *s1;

	(void)state;
	s0 = kept(c, "start");
	run(c, "DEALLOCATE ALL; CREATE TABLE d (a int)");
	s1 = kept(c, "DEALLOCATE ALL");
	assert_string_not_equal(s1, s0);
	free(s0);
	free(s1);
	run(c, "DROP TABLE d");
	D->close(c);
}

/*
 * Inside a transaction every owner is read (an update rolled back would
 * bring back a row with an old xmin); the kept one is right after.
 */
static void
test_in_transaction(void **state)
{
	struct dbrev_conn *c = open_ok();
	struct dbrev_error err = { 0 };
	struct dbrev_buf in = { 0 };
	char *s0, *s1;

	(void)state;
	run(c, "CREATE TABLE w (a int)");
	s0 = kept(c, "CREATE TABLE w");
	assert_int_equal(D->begin(c, &err), 0);
	run(c, "ALTER TABLE w RENAME COLUMN a TO b");
	assert_int_equal(D->fingerprint(c, &in, &err), 0);
	assert_string_not_equal(in.data, s0);
	assert_int_equal(D->rollback(c, &err), 0);
	s1 = kept(c, "a rolled-back transaction");
	assert_string_equal(s1, s0);
	dbrev_buf_free(&in);
	free(s0);
	free(s1);
	run(c, "DROP TABLE w");
	D->close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_equals_fresh),
		cmocka_unit_test(test_role_rename),
		cmocka_unit_test(test_down_restores),
		cmocka_unit_test(test_deallocated),
		cmocka_unit_test(test_in_transaction),
	};

	/* cmocka 1.1 reports a skip as "not ok": say it in plain TAP. */
	if (th_pg_url() == NULL) {
		printf("ok 1 - test_postgres_fingerprint # SKIP no private "
		    "PostgreSQL (DBREV_TEST_PG_URL unset)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
