/*
 * test_postgres_fingerprint.c - the PostgreSQL schema fingerprint that a
 * connection keeps up to date from the catalog rows changed since its
 * last one.  Differential: after every step of a history of DDL, the
 * kept connection's fingerprint equals a new connection's (which reads
 * every owner); each step changes it, and undoing steps brings an
 * earlier one back.  The steps are the ones that change a line without
 * touching its owner's rows: renames of what a line names (column,
 * table, type, schema, sequence, function, collation, role), comments,
 * deletions, a rolled-back change.  Every test runs twice: on a plain
 * connection (it finds changed rows by scanning the catalogs) and on a
 * watched one, as a scratch database's (scratch_fast: event triggers
 * log what each command changes, and only that is read), with steps of
 * its own for what event triggers do not report.  Needs the server
 * tests/run.sh starts (DBREV_TEST_PG_URL).
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
#include <libpq-fe.h>

#include "dbrev/util.h"
#include "../../lib/db/driver.h"

#include "helpers.h"

static const struct dbrev_driver *D = &dbrev_driver_postgres;
static char dbname[64], role[64];
static char url[1024];
static int watching;		/* the group's kept connections are watched */

static int
setup(void **state)
{
	(void)state;
	th_pg_create_db("fp", dbname, sizeof(dbname), url, sizeof(url));
	snprintf(role, sizeof(role), "dbrev_fp_role_%ld", (long)getpid());
	watching = 0;
	return 0;
}

static int
setup_watched(void **state)
{
	setup(state);
	watching = 1;
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
	snprintf(sql, sizeof(sql), "DROP ROLE IF EXISTS %s_o", role);
	th_pg_admin(sql);
	snprintf(sql, sizeof(sql), "DROP ROLE IF EXISTS %s_w", role);
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

/* Run sql on the test's database from a connection of its own. */
static void
on_db(const char *sql)
{
	PGconn *pg = PQconnectdb(url);
	PGresult *r = PQexec(pg, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg));
	PQclear(r);
	PQfinish(pg);
}

/* The connection that keeps its fingerprint: watched in that group. */
static struct dbrev_conn *
open_kept(void)
{
	struct dbrev_error err = { 0 };
	struct dbrev_conn *c = open_ok();
	PGconn *pg;
	PGresult *r;

	if (!watching)
		return c;
	/* One connection watches a database: the last test's goes. */
	on_db("SET client_min_messages = warning; "
	    "DROP EVENT TRIGGER IF EXISTS dbrev_fingerprint_ddl; "
	    "DROP EVENT TRIGGER IF EXISTS dbrev_fingerprint_drop; "
	    "DROP TABLE IF EXISTS pg_catalog.dbrev_fingerprint_log");
	if (D->scratch_fast(c, &err) != 0)
		fail_msg("scratch_fast: %s", err.message);
	pg = PQconnectdb(url);
	r = PQexec(pg, "SELECT count(*) FROM pg_event_trigger WHERE evtname "
	    "IN ('dbrev_fingerprint_ddl', 'dbrev_fingerprint_drop') AND "
	    "evtenabled = 'A'");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "2");
	PQclear(r);
	PQfinish(pg);
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

/*
 * Each step changes some line, owned elsewhere than its rows at times;
 * one starting SAME changes nothing a line shows.  The later ones are an
 * adversarial pass's findings: names whose printing depends on what else
 * exists or on the session, a constraint that shows its index, catalogs
 * first left out, renamed system objects, what introspection reads too.
 */
#define SAME "-- same\n"
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
	/* A new overload, default operator class or schema on the path. */
	"CREATE FUNCTION fx(int) RETURNS bool LANGUAGE sql IMMUTABLE AS "
	    "'SELECT true'; CREATE TABLE vt (id int CHECK (fx(id)))",
	"CREATE FUNCTION fx(int, int DEFAULT 0) RETURNS bool LANGUAGE sql "
	    "IMMUTABLE AS 'SELECT true'",
	"CREATE FUNCTION g(int DEFAULT 0) RETURNS int LANGUAGE sql AS "
	    "'SELECT 1'",
	"CREATE TABLE ov (v varchar); CREATE INDEX ov_v ON ov (v)",
	"CREATE OPERATOR CLASS vc_ops DEFAULT FOR TYPE varchar USING btree AS "
	    "OPERATOR 1 <(text, text), OPERATOR 2 <=(text, text), OPERATOR 3 "
	    "=(text, text), OPERATOR 4 >=(text, text), OPERATOR 5 >(text, "
	    "text), FUNCTION 1 bttextcmp(text, text)",
	"CREATE TYPE e1 AS ENUM ('a'); CREATE TABLE te (c e1)",
	"DO $$BEGIN EXECUTE format('CREATE SCHEMA %I', current_user); "
	    "EXECUTE format('CREATE TYPE %I.e1 AS ENUM (''b'')', "
	    "current_user); END$$",
	"CREATE FUNCTION mk() RETURNS void LANGUAGE plpgsql AS $$BEGIN "
	    "CREATE TEMPORARY TABLE ov (x int); END$$",
	"SELECT mk(); COMMENT ON TABLE public.ov IS 'ov'",
	SAME "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = "
	    "s2, public', current_database()); END$$",
	SAME "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = "
	    "''Asia/Tokyo''', current_database()); END$$",
	"CREATE TABLE tz (t timestamptz DEFAULT '2020-01-01 00:00+00')",
	/* An exclusion constraint shows its index's storage. */
	"CREATE TABLE ex (id int, CONSTRAINT ex_id EXCLUDE USING btree "
	    "(id WITH =))",
	"ALTER INDEX ex_id SET (fillfactor = 50)",
	/* Catalogs: languages, dictionaries; system objects renamed. */
	"ALTER LANGUAGE plpgsql RENAME TO plpg2",
	"ALTER LANGUAGE plpg2 RENAME TO plpgsql",
	"CREATE TEXT SEARCH DICTIONARY d1 (TEMPLATE = simple); CREATE TABLE "
	    "td (d regdictionary DEFAULT 'd1')",
	"ALTER TEXT SEARCH DICTIONARY d1 RENAME TO d2",
	"CREATE TABLE cx (x text COLLATE \"POSIX\" CHECK (upper(x) <> ''))",
	"ALTER COLLATION \"POSIX\" RENAME TO posix_renamed",
	"ALTER COLLATION posix_renamed RENAME TO \"POSIX\"",
	"ALTER FUNCTION upper(text) RENAME TO upper_r",
	"ALTER FUNCTION upper_r(text) RENAME TO upper",
	/* What introspection reads besides. */
	"ALTER TABLE a2 FORCE ROW LEVEL SECURITY",
	"CREATE STATISTICS st1 ON id2, p FROM a2",
	"DROP STATISTICS st1",
	"CREATE TABLE rt (a int); CREATE RULE rr AS ON DELETE TO rt DO "
	    "INSTEAD NOTHING",
	"ALTER TABLE rt DISABLE RULE rr",
	"CREATE TYPE ct AS (a int); CREATE TABLE typed OF ct",
	"ALTER TABLE typed NOT OF",
	"CREATE TABLE par (a int); CREATE TABLE chi () INHERITS (par)",
	"ALTER TABLE chi NO INHERIT par",
	"ALTER DEFAULT PRIVILEGES IN SCHEMA s2 GRANT SELECT ON TABLES TO "
	    "PUBLIC",
	"CREATE PUBLICATION pub1",
	"DROP PUBLICATION pub1",
	/* A second pass: values naming objects with nothing depending. */
	"CREATE TABLE foo (); CREATE TABLE tm (a int); INSERT INTO tm "
	    "VALUES (1); ALTER TABLE tm ADD COLUMN r regclass DEFAULT 'foo'; "
	    "ALTER TABLE tm ALTER COLUMN r DROP DEFAULT",
	"ALTER TABLE foo RENAME TO foo2",
	"CREATE TABLE bar (); CREATE TABLE pr (r regclass) PARTITION BY "
	    "LIST (r); CREATE TABLE pr_bar PARTITION OF pr FOR VALUES IN "
	    "('bar')",
	"ALTER TABLE bar RENAME TO bar2",
	/* A default operator class dropped; overloads in pg_catalog. */
	"DROP OPERATOR CLASS vc_ops USING btree",
	"CREATE FUNCTION pg_catalog.upper(text, int DEFAULT 0) RETURNS text "
	    "LANGUAGE sql AS 'SELECT $1'",
	"DROP FUNCTION pg_catalog.upper(text, int)",
	/* Temporary objects named like built-ins, or like our catalogs. */
	"CREATE TABLE tu (u uuid DEFAULT "
	    "'00000000-0000-0000-0000-000000000000'); CREATE FUNCTION mk2() "
	    "RETURNS void LANGUAGE plpgsql AS $$BEGIN EXECUTE 'CREATE TE' || "
	    "'MPORARY TABLE uuid (x int)'; EXECUTE 'CREATE TE' || 'MPORARY "
	    "TABLE pg_class (x int)'; END$$",
	"SELECT mk2(); ALTER TABLE tu ADD COLUMN n int",
	/* Settings that change how text prints, for new sessions. */
	SAME "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET "
	    "quote_all_identifiers = on', current_database()); END$$",
	"CREATE TABLE bs (s text DEFAULT E'a\\\\b')",
	SAME "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET "
	    "standard_conforming_strings = off', current_database()); END$$",
	"ALTER TABLE bs ADD COLUMN t text DEFAULT E'c\\\\d'",
	/*
	 * What introspection compares, so the fingerprint must show it (a
	 * third pass): a sequence's owner, a domain's collation, a composite
	 * type's comment and privileges, which domain a constraint is on,
	 * an inherited constraint made local, a collation's schema,
	 * extension membership, a base type's storage; and texts that
	 * would run together.
	 */
	"CREATE SEQUENCE sq2; CREATE TABLE so (id int)",
	"ALTER SEQUENCE sq2 OWNED BY so.id",
	"ALTER SEQUENCE sq2 OWNED BY NONE",
	"CREATE DOMAIN dc AS text",
	"DROP DOMAIN dc; CREATE DOMAIN dc AS text COLLATE \"C\"",
	"CREATE TYPE ct2 AS (a int)",
	"COMMENT ON TYPE ct2 IS 'x'",
	"REVOKE USAGE ON TYPE ct2 FROM PUBLIC",
	"CREATE DOMAIN dd1 AS int CONSTRAINT dc1 CHECK (VALUE > 0); "
	    "CREATE DOMAIN dd2 AS int",
	"ALTER DOMAIN dd1 DROP CONSTRAINT dc1; ALTER DOMAIN dd2 ADD "
	    "CONSTRAINT dc1 CHECK (VALUE > 0)",
	"CREATE TABLE pp (x int CONSTRAINT ck9 CHECK (x > 0)); CREATE TABLE "
	    "pc () INHERITS (pp)",
	"ALTER TABLE pp DROP CONSTRAINT ck9; ALTER TABLE pc ADD CONSTRAINT "
	    "ck9 CHECK (x > 0); ALTER TABLE pp ADD CONSTRAINT ck9 CHECK (x > 0)",
	"CREATE SCHEMA cs1; CREATE SCHEMA cs2; CREATE COLLATION cs1.k FROM "
	    "\"C\"; CREATE COLLATION cs2.k FROM \"C\"; CREATE TABLE ckt (x "
	    "text COLLATE cs1.k)",
	"ALTER TABLE ckt ALTER COLUMN x TYPE text COLLATE cs2.k",
	"CREATE EXTENSION citext; CREATE TABLE em (x int)",
	"ALTER EXTENSION citext ADD TABLE em",
	"ALTER EXTENSION citext DROP TABLE em",
	"CREATE TYPE mt; CREATE FUNCTION mt_in(cstring) RETURNS mt LANGUAGE "
	    "internal IMMUTABLE STRICT AS 'textin'; CREATE FUNCTION mt_out(mt) "
	    "RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout'; "
	    "CREATE TYPE mt (INPUT = mt_in, OUTPUT = mt_out, INTERNALLENGTH = "
	    "VARIABLE, STORAGE = extended); CREATE TABLE mtt (x mt)",
	"ALTER TYPE mt SET (STORAGE = main)",
	"CREATE TYPE ec AS ENUM ('a,b')",
	"DROP TYPE ec; CREATE TYPE ec AS ENUM ('a', 'b')",
	"CREATE TYPE eb AS ENUM ('b'); COMMENT ON TYPE eb IS 'x|a'",
	"DROP TYPE eb; CREATE TYPE eb AS ENUM ('a|b'); COMMENT ON TYPE eb IS "
	    "'x'",
	/*
	 * What event triggers report in part or not at all (the watched
	 * group reads only what they log): CLUSTER, a catalog written by
	 * hand, GRANT and REVOKE (which name no object), default
	 * privileges taken back, partitions detached and attached, an index
	 * rebuilt under a new OID, triggers disabled by the replication
	 * role, DISCARD ALL, objects dropped on their own and by CASCADE,
	 * a constraint renamed with its index, a column added to children.
	 */
	"CLUSTER a2 USING a_pkey",
	"CREATE TABLE cv (x int); ALTER TABLE cv ADD CONSTRAINT cv_ck CHECK "
	    "(x > 0) NOT VALID",
	"UPDATE pg_catalog.pg_constraint SET convalidated = true WHERE conname "
	    "= 'cv_ck'",
	"GRANT SELECT ON a2 TO PUBLIC",
	"GRANT UPDATE (p) ON a2 TO PUBLIC",
	"REVOKE SELECT ON a2 FROM PUBLIC",
	"GRANT USAGE ON SCHEMA s2 TO PUBLIC",
	"REVOKE EXECUTE ON FUNCTION g(int) FROM PUBLIC",
	"ALTER DEFAULT PRIVILEGES IN SCHEMA s2 REVOKE SELECT ON TABLES FROM "
	    "PUBLIC",
	"CREATE TABLE pt (a int) PARTITION BY RANGE (a); CREATE TABLE pt1 "
	    "PARTITION OF pt FOR VALUES FROM (0) TO (10)",
	"ALTER TABLE pt DETACH PARTITION pt1",
	"ALTER TABLE pt ATTACH PARTITION pt1 FOR VALUES FROM (0) TO (5)",
	"CREATE TABLE ri (x int); CREATE INDEX ri_x ON ri (x)",
	SAME "REINDEX INDEX CONCURRENTLY ri_x",
	"ALTER INDEX ri_x RENAME TO ri_y",
	"COMMENT ON INDEX ri_y IS 'i'",
	"SET session_replication_role = replica; CREATE TABLE srr (a int); "
	    "RESET session_replication_role",
	"DISCARD ALL; CREATE TABLE dsc (a int)",
	"CREATE TABLE fkp (id int PRIMARY KEY); CREATE TABLE fkc (p int "
	    "REFERENCES fkp (id)); CREATE INDEX fkc_p ON fkc (p)",
	"ALTER TABLE fkp ALTER COLUMN id TYPE bigint",
	"ALTER TABLE fkc ALTER COLUMN p TYPE bigint",
	"ALTER INDEX fkp_pkey RENAME TO fkp_pk",
	"ALTER INDEX a_pkey RENAME TO a_pk",
	"ALTER TABLE pp ADD COLUMN y int",
	"ALTER TYPE ct2 ADD ATTRIBUTE b text",
	"CREATE TABLE cta AS SELECT 1 AS x; SELECT 1 AS y INTO si",
	"DROP TRIGGER tr ON a2",
	"DROP POLICY pol ON a2",
	"DROP RULE rr ON rt",
	"DROP SEQUENCE q2 CASCADE",
	"ALTER TABLE pp DROP COLUMN y",
	"DROP TABLE fkp CASCADE",
	"DROP EXTENSION citext",
	"CREATE FUNCTION uet() RETURNS event_trigger LANGUAGE plpgsql AS "
	    "$$BEGIN END$$; CREATE EVENT TRIGGER uet ON ddl_command_start "
	    "EXECUTE FUNCTION uet()",
	"DROP EVENT TRIGGER uet",
	/* Last: the watch itself disabled (reads fall back to the scan). */
	"DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname "
	    "= 'dbrev_fingerprint_ddl') THEN ALTER EVENT TRIGGER "
	    "dbrev_fingerprint_ddl DISABLE; END IF; END$$; CREATE TABLE evd "
	    "(a int)",
	"ALTER TABLE evd RENAME COLUMN a TO b",
};

static void
test_kept_equals_fresh(void **state)
{
	struct dbrev_conn *c = open_kept();
	char *before, *now;
	size_t i;

	(void)state;
	before = kept(c, "nothing");
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		run(c, steps[i]);
		now = kept(c, steps[i]);
		if ((strcmp(now, before) == 0) != (strncmp(steps[i], SAME,
		    strlen(SAME)) == 0))
			fail_msg("'%s' %s the fingerprint", steps[i],
			    strcmp(now, before) == 0 ? "left" : "changed");
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
	struct dbrev_conn *c = open_kept();
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
 * Another role's objects: made under SET ROLE (the event triggers run
 * as their owner), given away by REASSIGN OWNED, dropped by DROP OWNED.
 */
static void
test_other_owner(void **state)
{
	static const char *const fmt[] = {
		"CREATE ROLE %s_w; GRANT CREATE ON SCHEMA public TO %s_w",
		"SET ROLE %s_w; CREATE TABLE public.rw (a int); RESET ROLE",
		"REASSIGN OWNED BY %s_w TO CURRENT_USER",
		"SET ROLE %s_w; CREATE TABLE public.rw2 (a int); RESET ROLE",
		"DROP OWNED BY %s_w",
		"DROP TABLE public.rw; DROP ROLE %s_w",
	};
	struct dbrev_conn *c = open_kept();
	char sql[256], *before, *now;
	size_t i;

	(void)state;
	before = kept(c, "start");
	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		snprintf(sql, sizeof(sql), fmt[i], role, role);
		run(c, sql);
		now = kept(c, sql);
		if (strcmp(now, before) == 0)
			fail_msg("'%s' left the fingerprint", sql);
		free(before);
		before = now;
	}
	free(before);
	D->close(c);
}

/*
 * Up, down, up: the fingerprint after a downgrade equals the one before
 * the upgrade though every OID differs; a rolled-back change leaves it.
 */
static void
test_down_restores(void **state)
{
	struct dbrev_conn *c = open_kept();
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

/*
 * Statements are prepared again after DEALLOCATE ALL, and after one of
 * them alone is deallocated.
 */
static void
test_deallocated(void **state)
{
	/* A watched connection reads changes where others scan (state). */
	const char *const dealloc[] = {
		"DEALLOCATE ALL; CREATE TABLE d1 (a int)",
		"DEALLOCATE dbrev_fingerprint_lines; CREATE TABLE d2 (a int)",
		"CREATE TABLE d3 (a int)",
		watching ? "DEALLOCATE dbrev_fingerprint_changes; CREATE TABLE "
		    "d4 (a int)" : "DEALLOCATE dbrev_fingerprint_state; CREATE "
		    "TABLE d4 (a int)",
		"CREATE TABLE d5 (a int)",
	};
	struct dbrev_conn *c = open_kept();
	char *s0, *s1;
	size_t i;

	(void)state;
	s0 = kept(c, "start");
	for (i = 0; i < sizeof(dealloc) / sizeof(dealloc[0]); i++) {
		run(c, dealloc[i]);
		s1 = kept(c, dealloc[i]);
		assert_string_not_equal(s1, s0);
		free(s0);
		s0 = s1;
	}
	free(s0);
	run(c, "DROP TABLE d1, d2, d3, d4, d5");
	D->close(c);
}

/*
 * Another session's transaction, open across a fingerprint and committed
 * after: its rows are older than that fingerprint's snapshot.
 */
static void
test_other_session(void **state)
{
	struct dbrev_conn *c = open_kept();
	PGconn *other;
	char *s0, *s1;

	(void)state;
	run(c, "CREATE TABLE os (id int)");
	other = PQconnectdb(url);
	assert_int_equal(PQstatus(other), CONNECTION_OK);
	PQclear(PQexec(other, "BEGIN; ALTER TABLE os RENAME COLUMN id TO id2"));
	run(c, "CREATE TABLE os2 (x int)");
	s0 = kept(c, "another session's open transaction");
	PQclear(PQexec(other, "COMMIT"));
	PQfinish(other);
	run(c, "CREATE TABLE os3 (x int)");
	s1 = kept(c, "another session's commit");
	assert_string_not_equal(s1, s0);
	free(s0);
	free(s1);
	run(c, "DROP TABLE os, os2, os3");
	D->close(c);
}

/* The schema lines say whether the database's owner owns the schema. */
static void
test_database_owner(void **state)
{
	struct dbrev_conn *c = open_kept();
	char sql[256], *s0, *s1;

	(void)state;
	snprintf(sql, sizeof(sql), "CREATE ROLE %s_o; CREATE SCHEMA dbo",
	    role);
	run(c, sql);
	s0 = kept(c, sql);
	snprintf(sql, sizeof(sql), "DO $$BEGIN EXECUTE format('ALTER "
	    "DATABASE %%I OWNER TO %s_o', current_database()); END$$", role);
	run(c, sql);
	s1 = kept(c, sql);
	assert_string_not_equal(s1, s0);
	free(s0);
	free(s1);
	run(c, "DO $$BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO "
	    "CURRENT_USER', current_database()); END$$; DROP SCHEMA dbo");
	D->close(c);
}

/*
 * Inside a transaction every owner is read (an update rolled back would
 * bring back a row with an old xmin); the kept one is right after.
 */
static void
test_in_transaction(void **state)
{
	struct dbrev_conn *c = open_kept();
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

/*
 * An adversarial pass on the watched path: scenarios of DDL, each on a
 * database of its own (setup, then steps); after every step the kept
 * fingerprint must equal a fresh one.  Every stale scenario is listed
 * ("# STALE", with its number), and a step that leaves the fingerprint
 * as it was is noted ("# UNCHANGED") unless it starts SAME; the test
 * fails when any is stale.  ADV_ONLY=n runs scenario n alone, ADV_FROM=n
 * those from n on.  Each database is watched from the start, as a
 * scratch database is.  Stale in the watched group before watch.c
 * learned them: #11 (DROP OWNED takes a role out of a policy), #17
 * #111 #112 #115 (a partitioned table's ALTER COLUMN TYPE makes its
 * partitions' indexes again), #25 #26 #70 #72 #74 #76 #77 (ALTER TYPE
 * ... CASCADE alters typed tables), #95 (a failed CREATE INDEX
 * CONCURRENTLY leaves an index), #96-#98 #108 (EXPLAIN ANALYZE CREATE
 * TABLE AS, SELECT INTO, CREATE MATERIALIZED VIEW), #44 #45 #79-#81
 * (CLUSTER, REASSIGN and catalog names hidden from the word scan), #99
 * (a catalog written through a view), #54-#56 #90 #100 #101 (the watch
 * disabled, misled or its log emptied).  Second pass (#117-#129), each
 * stale in the watched group before its fix: #117 #118 (EXECUTE of a
 * variable whose name starts with "function"/"procedure"), #119 (a
 * built-in the event triggers called, to_regclass, replaced in
 * pg_catalog), #120 (a SQL-language function made earlier runs CLUSTER),
 * #128 #129 (RENAME CONSTRAINT of a CHECK recurses to partitions and
 * children, whose constraints have no pg_depend row on the parent's).
 */
#define MAXSTEPS 16
#define FAILS "-- fails\n"	/* a step whose error is expected */
struct scenario {
	const char	*setup;
	const char	*step[MAXSTEPS];
};

static const struct scenario scenarios[] = {
	/* DROP ... CASCADE */
	/* #0 */
	{ "CREATE DOMAIN d1 AS int CHECK (VALUE > 0); CREATE TABLE t (a int, "
	    "b d1); CREATE TYPE ct AS (x d1, y int)",
	    { "DROP DOMAIN d1 CASCADE" } },
	/* #1 */
	{ "CREATE TYPE e AS ENUM ('a', 'b'); CREATE TABLE t (id int, x e "
	    "DEFAULT 'a', y e[]); CREATE TABLE u (id int, CHECK (id::text::e "
	    "<> 'b'))",
	    { "DROP TYPE e CASCADE" } },
	/* #2 */
	{ "CREATE FUNCTION f1(int) RETURNS int LANGUAGE sql IMMUTABLE AS "
	    "'SELECT $1'; CREATE TABLE t (a int DEFAULT f1(1), b int CHECK "
	    "(f1(b) > 0), g int GENERATED ALWAYS AS (f1(a)) STORED); CREATE "
	    "INDEX ti ON t (f1(b)); CREATE TABLE t2 (a int); CREATE VIEW v AS "
	    "SELECT f1(a) AS b FROM t2; CREATE VIEW v2 AS SELECT 1 AS one; "
	    "CREATE POLICY p ON t2 USING (f1(a) > 0); CREATE FUNCTION trf() "
	    "RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$; "
	    "CREATE TRIGGER tr BEFORE INSERT ON t2 FOR EACH ROW WHEN (f1(NEW.a) "
	    "> 0) EXECUTE FUNCTION trf()",
	    { "DROP FUNCTION f1(int) CASCADE" } },
	/* #3 */
	{ "CREATE FUNCTION f1(int) RETURNS int LANGUAGE sql IMMUTABLE AS "
	    "'SELECT $1'; CREATE TABLE pt (a int) PARTITION BY RANGE (f1(a)); "
	    "CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (10); "
	    "CREATE TABLE keep (a int)",
	    { "DROP FUNCTION f1(int) CASCADE" } },
	/* #4 */
	{ "CREATE SCHEMA s; CREATE TABLE s.r (id int PRIMARY KEY); CREATE TYPE "
	    "s.e AS ENUM ('a'); CREATE SEQUENCE s.q; CREATE FUNCTION s.f() "
	    "RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TABLE pub (id int, "
	    "r int REFERENCES s.r, e s.e, n bigint DEFAULT nextval('s.q'), m "
	    "int DEFAULT s.f()); CREATE VIEW pv AS SELECT id FROM s.r; CREATE "
	    "TABLE s.child () INHERITS (pub); CREATE INDEX pubi ON pub (m) "
	    "WHERE e = 'a'",
	    { "DROP SCHEMA s CASCADE" } },
	/* #5 */
	{ "CREATE EXTENSION citext; CREATE TABLE t (a citext, b int); CREATE "
	    "INDEX ti ON t (b) WHERE a > 'x'; CREATE TABLE u (c int DEFAULT "
	    "length('x'::citext))",
	    { "DROP EXTENSION citext CASCADE" } },
	/* #6 */
	{ "CREATE COLLATION c1 FROM \"C\"; CREATE TABLE t (a text COLLATE c1, b "
	    "text); CREATE INDEX ti ON t (b COLLATE c1); CREATE TABLE u (x "
	    "text CHECK (x COLLATE c1 > 'a'))",
	    { "DROP COLLATION c1 CASCADE" } },
	/* #7 */
	{ "CREATE TABLE r (id int); CREATE UNIQUE INDEX ru ON r (id); CREATE "
	    "TABLE f (x int REFERENCES r (id))",
	    { "DROP INDEX ru CASCADE" } },
	/* #8 */
	{ "CREATE TABLE r (id int, u int UNIQUE); CREATE TABLE f (x int "
	    "REFERENCES r (u)); CREATE VIEW v AS SELECT id, u FROM r",
	    { "ALTER TABLE r DROP COLUMN u CASCADE" } },
	/* #9 */
	{ "CREATE TYPE ct AS (a int); CREATE TABLE t (id int, c ct, cs ct[]); "
	    "CREATE TABLE typed OF ct; CREATE VIEW v AS SELECT (c).a FROM t",
	    { "DROP TYPE ct CASCADE" } },
	/* #10 */
	{ "CREATE TEXT SEARCH CONFIGURATION cfg (COPY = simple); CREATE TABLE "
	    "t (a text); CREATE INDEX ti ON t (to_tsvector('cfg', a)); CREATE "
	    "TABLE u (r regconfig DEFAULT 'cfg')",
	    { "DROP TEXT SEARCH CONFIGURATION cfg CASCADE" } },
	/* DROP OWNED */
	/* #11 */
	{ "CREATE ROLE adv_r1; CREATE ROLE adv_r2; CREATE TABLE t (a int); "
	    "CREATE POLICY p ON t TO adv_r1, adv_r2 USING (true)",
	    { "DROP OWNED BY adv_r1" } },
	/* #12 */
	{ "CREATE ROLE adv_r1; CREATE TABLE t (a int); GRANT SELECT ON t TO "
	    "adv_r1; GRANT UPDATE (a) ON t TO adv_r1; CREATE TYPE e AS ENUM "
	    "('a'); GRANT USAGE ON TYPE e TO adv_r1; CREATE DOMAIN d AS int; "
	    "GRANT USAGE ON DOMAIN d TO adv_r1; CREATE SEQUENCE q; GRANT USAGE "
	    "ON q TO adv_r1; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS "
	    "'SELECT 1'; GRANT EXECUTE ON FUNCTION f() TO adv_r1; CREATE SCHEMA "
	    "s; GRANT USAGE ON SCHEMA s TO adv_r1",
	    { "DROP OWNED BY adv_r1" } },
	/* #13 */
	{ "CREATE ROLE adv_r1; ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES "
	    "TO adv_r1; CREATE SCHEMA s; ALTER DEFAULT PRIVILEGES IN SCHEMA s "
	    "GRANT USAGE ON TYPES TO adv_r1",
	    { "DROP OWNED BY adv_r1" } },
	/* Partitions and inheritance */
	/* #14 */
	{ "CREATE TABLE p (a int) PARTITION BY RANGE (a); CREATE INDEX pi ON p "
	    "(a); CREATE TABLE c (a int); CREATE INDEX ci ON c (a)",
	    { "ALTER TABLE p ATTACH PARTITION c FOR VALUES FROM (0) TO (10)",
	    "ALTER INDEX ci RENAME TO ci2" } },
	/* #15 */
	{ "CREATE TABLE p (a int) PARTITION BY RANGE (a); CREATE INDEX pi ON p "
	    "(a); CREATE TABLE c PARTITION OF p FOR VALUES FROM (0) TO (10); "
	    "ALTER TABLE p ADD CONSTRAINT pk PRIMARY KEY (a)",
	    { "ALTER TABLE p DETACH PARTITION c CONCURRENTLY",
	    "ALTER TABLE p ATTACH PARTITION c FOR VALUES FROM (0) TO (10)" } },
	/* #16 */
	{ "CREATE SCHEMA s; CREATE TABLE p (a int) PARTITION BY LIST (a); "
	    "CREATE TABLE c PARTITION OF p FOR VALUES IN (1); CREATE INDEX pi "
	    "ON p (a); CREATE TABLE r (x p)",
	    { "ALTER TABLE p SET SCHEMA s", "ALTER TABLE s.p RENAME TO p2" } },
	/* #17 */
	{ "CREATE TABLE p (a int PRIMARY KEY, b int) PARTITION BY RANGE (a); "
	    "CREATE TABLE c PARTITION OF p FOR VALUES FROM (0) TO (10); CREATE "
	    "INDEX cb ON c (a, b); CREATE INDEX pb ON p (b); CREATE TABLE r (x "
	    "int)",
	    { "ALTER TABLE p ALTER COLUMN b TYPE bigint",
	    "ALTER INDEX cb RENAME TO cb2", "ALTER TABLE r ALTER COLUMN x TYPE "
	    "bigint" } },
	/* #18 */
	{ "CREATE TABLE p (a int PRIMARY KEY) PARTITION BY RANGE (a); CREATE "
	    "TABLE c PARTITION OF p FOR VALUES FROM (0) TO (10); CREATE TABLE "
	    "r (x int CONSTRAINT rf REFERENCES p (a))",
	    { "ALTER TABLE p DETACH PARTITION c",
	    "ALTER TABLE p ATTACH PARTITION c FOR VALUES FROM (0) TO (10)",
	    "CREATE TABLE c2 PARTITION OF p FOR VALUES FROM (10) TO (20)",
	    "ALTER TABLE c2 RENAME TO c3", "ALTER TABLE p DETACH PARTITION c3; "
	    "DROP TABLE c3",
	    "ALTER TABLE r RENAME CONSTRAINT rf TO rf2" } },
	/* #19 */
	{ "CREATE TABLE p (a int) PARTITION BY RANGE (a); CREATE TABLE c "
	    "PARTITION OF p FOR VALUES FROM (0) TO (10); ALTER TABLE c ADD "
	    "CONSTRAINT cu UNIQUE (a); ALTER TABLE ONLY p ADD CONSTRAINT pu "
	    "UNIQUE (a)",
	    { "ALTER INDEX pu ATTACH PARTITION cu" } },
	/* #20 */
	{ "CREATE TABLE par (a int); CREATE TABLE chi () INHERITS (par); "
	    "CREATE INDEX ci ON chi (a)",
	    { "ALTER TABLE par ALTER COLUMN a TYPE bigint",
	    "ALTER INDEX ci RENAME TO ci2", "ALTER TABLE par RENAME COLUMN a "
	    "TO b", "ALTER TABLE ONLY par DROP COLUMN b",
	    "ALTER TABLE chi NO INHERIT par" } },
	/* #21 */
	{ "CREATE FUNCTION trf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
	    "RETURN NEW; END$$; CREATE TABLE p (a int) PARTITION BY LIST (a); "
	    "CREATE TABLE c PARTITION OF p FOR VALUES IN (1); CREATE TRIGGER tr "
	    "AFTER INSERT ON p FOR EACH ROW EXECUTE FUNCTION trf()",
	    { "ALTER TRIGGER tr ON p RENAME TO tr2",
	    "ALTER TABLE p DISABLE TRIGGER tr2",
	    "ALTER TABLE c ENABLE ALWAYS TRIGGER tr2",
	    "CREATE TABLE c2 PARTITION OF p FOR VALUES IN (2)",
	    "DROP TRIGGER tr2 ON p" } },
	/* #22 */
	{ "CREATE TABLE par (a int CHECK (a > 0)); CREATE TABLE chi (a int "
	    "CONSTRAINT par_a_check CHECK (a > 0))",
	    { "ALTER TABLE chi INHERIT par", "ALTER TABLE par ADD COLUMN b int",
	    "ALTER TABLE par ALTER COLUMN b SET DEFAULT 1",
	    "ALTER TABLE par ADD CONSTRAINT nc CHECK (b > 0) NO INHERIT",
	    "ALTER TABLE chi NO INHERIT par" } },
	/* #23 */
	{ "CREATE TABLE p (a int, b int) PARTITION BY RANGE (a); CREATE TABLE "
	    "m PARTITION OF p FOR VALUES FROM (0) TO (10) PARTITION BY LIST "
	    "(b); CREATE TABLE l PARTITION OF m FOR VALUES IN (1); CREATE "
	    "INDEX pi ON p (b)",
	    { "ALTER TABLE p DETACH PARTITION m", "ALTER INDEX pi RENAME TO "
	    "pi2", "ALTER TABLE p ATTACH PARTITION m FOR VALUES FROM (0) TO "
	    "(5)", "ALTER TABLE m DETACH PARTITION l", "ALTER TABLE p ALTER "
	    "COLUMN b SET NOT NULL" } },
	/* Identity */
	/* #24 */
	{ "CREATE TABLE t (id int NOT NULL, x int NOT NULL)",
	    { "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
	    "ALTER TABLE t ALTER COLUMN id SET GENERATED BY DEFAULT",
	    "ALTER TABLE t ALTER COLUMN id SET INCREMENT BY 5",
	    "ALTER SEQUENCE t_id_seq MAXVALUE 1000",
	    "ALTER SEQUENCE t_id_seq RENAME TO tseq",
	    "ALTER TABLE t RENAME COLUMN id TO id2",
	    "ALTER TABLE t ALTER COLUMN id2 DROP IDENTITY",
	    "ALTER TABLE t ALTER COLUMN x ADD GENERATED BY DEFAULT AS IDENTITY "
	    "(SEQUENCE NAME xs)", "ALTER TABLE t ALTER COLUMN x TYPE bigint" } },
	/* Composite types */
	/* #25 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE t (c ct); CREATE "
	    "VIEW v AS SELECT (c).a FROM t; CREATE TABLE typed OF ct; CREATE "
	    "TABLE u (x int DEFAULT (ROW(1, 'x')::ct).a)",
	    { "ALTER TYPE ct RENAME ATTRIBUTE a TO a2 CASCADE",
	    "ALTER TYPE ct RENAME TO ct2" } },
	/* #26 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE typed OF ct; CREATE "
	    "INDEX ti ON typed (a)",
	    { "ALTER TYPE ct ALTER ATTRIBUTE a TYPE bigint CASCADE",
	    "ALTER INDEX ti RENAME TO ti2", "ALTER TYPE ct DROP ATTRIBUTE b "
	    "CASCADE", "ALTER TYPE ct ADD ATTRIBUTE c int CASCADE",
	    "COMMENT ON COLUMN ct.c IS 'c'" } },
	/* Domains */
	/* #27 */
	{ "CREATE DOMAIN d AS int; CREATE TABLE t (a d)",
	    { "ALTER DOMAIN d ADD CONSTRAINT dc CHECK (VALUE > 0) NOT VALID",
	    "ALTER DOMAIN d VALIDATE CONSTRAINT dc", "ALTER DOMAIN d SET NOT "
	    "NULL", "ALTER DOMAIN d DROP NOT NULL", "ALTER DOMAIN d SET "
	    "DEFAULT 5", "COMMENT ON CONSTRAINT dc ON DOMAIN d IS 'x'",
	    "ALTER DOMAIN d RENAME CONSTRAINT dc TO dc2", "CREATE SCHEMA s; "
	    "ALTER DOMAIN d SET SCHEMA s", "ALTER DOMAIN s.d RENAME TO d2" } },
	/* Functions */
	/* #28 */
	{ "CREATE SCHEMA s; CREATE FUNCTION f(int) RETURNS int LANGUAGE sql "
	    "IMMUTABLE AS 'SELECT $1'; CREATE TABLE t (a int DEFAULT f(1)); "
	    "CREATE INDEX ti ON t (f(a)); CREATE VIEW v AS SELECT f(a) FROM t",
	    { "ALTER FUNCTION f(int) SET SCHEMA s",
	    "ALTER FUNCTION s.f(int) RENAME TO g",
	    "CREATE OR REPLACE FUNCTION s.g(int) RETURNS int LANGUAGE sql "
	    "IMMUTABLE AS 'SELECT $1 + 1'", "ALTER FUNCTION s.g(int) STRICT",
	    "ALTER SCHEMA s RENAME TO s2" } },
	/* #29 */
	{ "CREATE TABLE t (a int); CREATE FUNCTION f() RETURNS bigint "
	    "LANGUAGE sql BEGIN ATOMIC SELECT count(a) FROM t; END",
	    { "ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t RENAME TO "
	    "t2" } },
	/* Views, materialized views, rules */
	/* #30 */
	{ "CREATE TABLE t (a int, b int); CREATE VIEW v AS SELECT a FROM t; "
	    "CREATE VIEW w AS SELECT a FROM v",
	    { "CREATE OR REPLACE VIEW v AS SELECT a, b FROM t",
	    "ALTER VIEW v ALTER COLUMN a SET DEFAULT 1",
	    "ALTER VIEW v SET (security_barrier = true)",
	    "CREATE OR REPLACE VIEW v AS SELECT a, b FROM t WITH CASCADED "
	    "CHECK OPTION", "ALTER VIEW v RENAME COLUMN b TO c",
	    "ALTER TABLE t RENAME COLUMN a TO a2" } },
	/* #31 */
	{ "CREATE TABLE t (a int); CREATE MATERIALIZED VIEW mv AS SELECT a "
	    "FROM t; CREATE INDEX mvi ON mv (a)",
	    { "ALTER MATERIALIZED VIEW mv RENAME COLUMN a TO b",
	    SAME "REFRESH MATERIALIZED VIEW mv",
	    "ALTER MATERIALIZED VIEW mv SET (fillfactor = 50)",
	    "ALTER TABLE t RENAME COLUMN a TO a2", "CLUSTER mv USING mvi" } },
	/* #32 */
	{ "CREATE TABLE t (a int); CREATE TABLE log (a int); CREATE RULE r AS "
	    "ON INSERT TO t DO ALSO INSERT INTO log VALUES (NEW.a)",
	    { "ALTER TABLE log RENAME COLUMN a TO b", "ALTER TABLE log RENAME "
	    "TO log2", "ALTER RULE r ON t RENAME TO r2", "ALTER TABLE t ENABLE "
	    "REPLICA RULE r2", "CREATE OR REPLACE RULE r2 AS ON INSERT TO t DO "
	    "ALSO NOTHING" } },
	/* Policies, statistics */
	/* #33 */
	{ "CREATE ROLE adv_r1; CREATE TABLE t (a int); CREATE TABLE o (b int); "
	    "CREATE POLICY p ON t USING (a IN (SELECT b FROM o))",
	    { "ALTER TABLE o RENAME COLUMN b TO c", "ALTER POLICY p ON t TO "
	    "adv_r1", "ALTER POLICY p ON t RENAME TO p2", "ALTER POLICY p2 ON t "
	    "WITH CHECK (a > 0)", "ALTER ROLE adv_r1 RENAME TO adv_r2" } },
	/* #34 */
	{ "CREATE SCHEMA s; CREATE TABLE t (a int, b int); CREATE STATISTICS "
	    "s.st ON a, b FROM t",
	    { "ALTER STATISTICS s.st RENAME TO st2", "ALTER STATISTICS s.st2 "
	    "SET SCHEMA public", "ALTER TABLE t RENAME COLUMN a TO a2",
	    SAME "ALTER STATISTICS st2 SET STATISTICS 50",
	    "ALTER TABLE t ALTER COLUMN b TYPE bigint",
	    "ALTER SCHEMA s RENAME TO s2" } },
	/* Comments */
	/* #35 */
	{ "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t; CREATE "
	    "MATERIALIZED VIEW mv AS SELECT a FROM t; CREATE TYPE ct AS (x "
	    "int); CREATE DOMAIN d AS int; CREATE SEQUENCE q; CREATE INDEX ti "
	    "ON t (a); CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT "
	    "1'; CREATE TABLE p (a int) PARTITION BY LIST (a)",
	    { "COMMENT ON COLUMN v.a IS 'x'", "COMMENT ON COLUMN mv.a IS 'x'",
	    "COMMENT ON COLUMN ct.x IS 'x'", "COMMENT ON DOMAIN d IS 'x'",
	    "COMMENT ON SEQUENCE q IS 'x'", "COMMENT ON FUNCTION f() IS 'x'",
	    "COMMENT ON TYPE t IS 'row'", "COMMENT ON MATERIALIZED VIEW mv IS "
	    "'x'", "COMMENT ON VIEW v IS 'x'", "COMMENT ON COLUMN p.a IS 'x'",
	    "COMMENT ON TABLE p IS 'x'", "COMMENT ON TYPE ct IS NULL; COMMENT "
	    "ON TYPE t IS NULL" } },
	/* Grants */
	/* #36 */
	{ "CREATE ROLE adv_r1; CREATE TABLE t (a int); CREATE VIEW v AS SELECT "
	    "a FROM t; CREATE SEQUENCE q; CREATE TYPE e AS ENUM ('a'); CREATE "
	    "DOMAIN d AS int; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS "
	    "'SELECT 1'; CREATE SCHEMA s; CREATE TABLE s.x (a int); CREATE "
	    "TABLE p (a int) PARTITION BY LIST (a); CREATE TABLE p1 PARTITION "
	    "OF p FOR VALUES IN (1)",
	    { "GRANT SELECT (a) ON v TO adv_r1", "GRANT USAGE ON SEQUENCE q TO "
	    "adv_r1", "GRANT USAGE ON TYPE e TO adv_r1", "GRANT USAGE ON "
	    "DOMAIN d TO adv_r1", "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC",
	    "GRANT SELECT ON ALL TABLES IN SCHEMA s TO adv_r1",
	    "GRANT SELECT ON t TO adv_r1 WITH GRANT OPTION; SET ROLE "
	    "adv_r1; GRANT SELECT ON t TO PUBLIC; RESET ROLE", "REVOKE ALL ON "
	    "SCHEMA public FROM PUBLIC", "GRANT SELECT ON p TO adv_r1",
	    "REVOKE SELECT ON t FROM adv_r1 CASCADE", "GRANT ALL ON ALL "
	    "SEQUENCES IN SCHEMA public TO adv_r1", "GRANT EXECUTE ON ALL "
	    "FUNCTIONS IN SCHEMA public TO adv_r1", "GRANT SELECT ON p1 TO "
	    "adv_r1" } },
	/* Default privileges */
	/* #37 */
	{ "CREATE ROLE adv_r1; CREATE SCHEMA s",
	    { "ALTER DEFAULT PRIVILEGES FOR ROLE adv_r1 IN SCHEMA s GRANT "
	    "SELECT ON TABLES TO PUBLIC", "ALTER DEFAULT PRIVILEGES GRANT "
	    "USAGE ON TYPES TO adv_r1", "ALTER DEFAULT PRIVILEGES REVOKE "
	    "EXECUTE ON FUNCTIONS FROM PUBLIC", "CREATE FUNCTION f() RETURNS "
	    "int LANGUAGE sql AS 'SELECT 1'", "CREATE TABLE s.t (a int)",
	    "DROP OWNED BY adv_r1" } },
	/* Transactions */
	/* #38 */
	{ "CREATE TABLE t (a int)",
	    { SAME "BEGIN; ALTER TABLE t RENAME COLUMN a TO b; ROLLBACK",
	    "BEGIN; ALTER TABLE t ADD COLUMN c int; SAVEPOINT s; ALTER TABLE t "
	    "RENAME COLUMN a TO b; ROLLBACK TO s; COMMIT",
	    FAILS "CREATE TABLE t2 (a int); CREATE TABLE t3 (a nosuchtype); "
	    "CREATE TABLE t4 (a int)", "BEGIN; CREATE TABLE t5 (a int); "
	    "COMMIT", FAILS "BEGIN; CREATE TABLE t6 (a int); SELECT 1/0; "
	    "COMMIT" } },
	/* Session */
	/* #39 */
	{ "CREATE ROLE adv_r1; CREATE SCHEMA s AUTHORIZATION adv_r1; CREATE "
	    "TABLE s.t (a int); ALTER TABLE s.t OWNER TO adv_r1",
	    { "SET ROLE adv_r1; ALTER TABLE s.t RENAME COLUMN a TO b; RESET "
	    "ROLE", "SET search_path = s; ALTER TABLE t ADD COLUMN c int",
	    "SET session_replication_role = replica; ALTER TABLE s.t RENAME "
	    "COLUMN c TO d", "SET SESSION AUTHORIZATION adv_r1; CREATE TABLE "
	    "s.u (a int)", "DISCARD ALL; ALTER TABLE s.u RENAME TO u2" } },
	/* Temporary objects */
	/* #40 */
	{ "CREATE TABLE t (a int)",
	    { "CREATE TEMP TABLE tt (a int); CREATE TEMP VIEW tv AS SELECT a "
	    "FROM t; ALTER TABLE t RENAME COLUMN a TO b", "CREATE TEMP "
	    "SEQUENCE tq; ALTER TABLE t ADD COLUMN c int", "CREATE TEMP TABLE "
	    "tt2 (a int); DROP TABLE pg_temp.tt2; ALTER TABLE t ADD COLUMN d "
	    "int" } },
	/* Owners */
	/* #41 */
	{ "CREATE ROLE adv_r1; CREATE TABLE t (id serial PRIMARY KEY); CREATE "
	    "VIEW v AS SELECT id FROM t; CREATE MATERIALIZED VIEW mv AS SELECT "
	    "id FROM t; CREATE SCHEMA s; CREATE TABLE p (a int) PARTITION BY "
	    "LIST (a); CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1)",
	    { "ALTER TABLE t OWNER TO adv_r1", "ALTER VIEW v OWNER TO adv_r1",
	    "ALTER MATERIALIZED VIEW mv OWNER TO adv_r1", "ALTER SCHEMA s "
	    "OWNER TO adv_r1", "ALTER TABLE p OWNER TO adv_r1",
	    "ALTER TABLE p1 OWNER TO adv_r1" } },
	/* Storage parameters and column options */
	/* #42 */
	{ "CREATE TABLE t (id int PRIMARY KEY, a text, b int); CREATE INDEX tb "
	    "ON t ((b + 1))",
	    { "ALTER TABLE t SET (fillfactor = 70)", "ALTER TABLE t RESET "
	    "(fillfactor)", "ALTER INDEX t_pkey SET (fillfactor = 60)",
	    "ALTER TABLE t ALTER COLUMN a SET STORAGE EXTERNAL",
	    "ALTER TABLE t ALTER COLUMN a SET COMPRESSION pglz",
	    "ALTER TABLE t ALTER COLUMN b SET STATISTICS 500",
	    "ALTER TABLE t ALTER COLUMN b SET (n_distinct = 10)",
	    "ALTER INDEX tb ALTER COLUMN 1 SET STATISTICS 100",
	    "ALTER TABLE t SET UNLOGGED", "ALTER TABLE t SET LOGGED",
	    "ALTER TABLE t REPLICA IDENTITY FULL",
	    SAME "ALTER TABLE t SET ACCESS METHOD heap",
	    "ALTER TABLE t SET WITHOUT CLUSTER; ALTER TABLE t CLUSTER ON "
	    "t_pkey" } },
	/* #43 */
	{ "CREATE TABLE p (a int, b text) PARTITION BY LIST (a); CREATE TABLE "
	    "p1 PARTITION OF p FOR VALUES IN (1); CREATE TABLE s (id serial "
	    "PRIMARY KEY)",
	    { "ALTER TABLE p ALTER COLUMN a SET STATISTICS 100",
	    "ALTER TABLE p ALTER COLUMN b SET STORAGE EXTERNAL",
	    "ALTER TABLE p ALTER COLUMN b SET COMPRESSION pglz",
	    "ALTER TABLE p ADD COLUMN c int DEFAULT 7",
	    "ALTER TABLE p ALTER COLUMN c SET DEFAULT 8",
	    "ALTER TABLE s SET UNLOGGED",
	    "ALTER TABLE p1 ALTER COLUMN c SET DEFAULT 9" } },
	/* CLUSTER hidden from the word scan */
	/* #44 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "DO $$BEGIN EXECUTE 'CLU' || 'STER t USING ti'; END$$" } },
	/* #45 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "CREATE PROCEDURE pc() LANGUAGE plpgsql AS $$BEGIN EXECUTE "
	    "'CLU' || 'STER t USING ti'; END$$; CALL pc()" } },
	/* #46 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "DO $$BEGIN EXECUTE 'ALTER TABLE t CLU' || 'STER ON ti'; END$$",
	    SAME "DO $$BEGIN EXECUTE 'REIN' || 'DEX TABLE t'; END$$",
	    SAME "VACUUM FULL t" } },
	/* Constraints */
	/* #47 */
	{ "CREATE TABLE r (id int PRIMARY KEY); CREATE TABLE f (x int "
	    "CONSTRAINT fk REFERENCES r (id)); CREATE TABLE u (a int); CREATE "
	    "UNIQUE INDEX ua ON u (a)",
	    { "ALTER TABLE f ALTER CONSTRAINT fk DEFERRABLE INITIALLY DEFERRED",
	    "ALTER TABLE u ADD CONSTRAINT uq UNIQUE USING INDEX ua",
	    "ALTER TABLE u RENAME CONSTRAINT uq TO uq2",
	    "ALTER TABLE r RENAME CONSTRAINT r_pkey TO r_pk",
	    "ALTER TABLE r DROP CONSTRAINT r_pk CASCADE",
	    "ALTER TABLE f ADD CONSTRAINT fc CHECK (x > 0) NOT VALID",
	    "ALTER TABLE f VALIDATE CONSTRAINT fc" } },
	/* Sequences, row types, generated columns */
	/* #48 */
	{ "CREATE SCHEMA s; CREATE TABLE t (id int); CREATE SEQUENCE q OWNED "
	    "BY t.id; ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('q')",
	    { "ALTER TABLE t SET SCHEMA s", "ALTER SEQUENCE s.q AS smallint",
	    "ALTER SEQUENCE s.q OWNED BY NONE", "ALTER SEQUENCE s.q SET SCHEMA "
	    "public" } },
	/* #49 */
	{ "CREATE TABLE t (a int); CREATE TABLE u (r t, rs t[]); CREATE "
	    "FUNCTION ft(t) RETURNS int LANGUAGE sql AS 'SELECT 1'",
	    { "ALTER TABLE t RENAME TO t2", "CREATE SCHEMA s; ALTER TABLE t2 "
	    "SET SCHEMA s" } },
	/* #50 */
	{ "CREATE TABLE t (a int, g int GENERATED ALWAYS AS (a * 2) STORED)",
	    { "ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t ALTER "
	    "COLUMN g DROP EXPRESSION" } },
	/* An enum's labels where values are written */
	/* #51 */
	{ "CREATE TYPE e AS ENUM ('a', 'b'); CREATE TABLE p (x e) PARTITION BY "
	    "LIST (x); CREATE TABLE pa PARTITION OF p FOR VALUES IN ('a'); "
	    "CREATE TABLE t (x e DEFAULT 'a' CHECK (x <> 'b')); CREATE INDEX ti "
	    "ON t (x) WHERE x = 'a'; CREATE VIEW v AS SELECT * FROM t WHERE x "
	    "= 'a'; CREATE TABLE w (y text DEFAULT 'a'::e::text)",
	    { "ALTER TYPE e RENAME VALUE 'a' TO 'z'", "ALTER TYPE e ADD VALUE "
	    "'c' BEFORE 'b'" } },
	/* Foreign tables */
	/* #52 */
	{ "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER sv FOREIGN DATA "
	    "WRAPPER w; CREATE FOREIGN TABLE ft (a int) SERVER sv",
	    { "ALTER FOREIGN TABLE ft ALTER COLUMN a OPTIONS (ADD x 'y')",
	    "ALTER SERVER sv OPTIONS (ADD h 'x')", "ALTER SERVER sv RENAME TO "
	    "sv2", "ALTER FOREIGN TABLE ft RENAME COLUMN a TO b",
	    "ALTER FOREIGN DATA WRAPPER w RENAME TO w2",
	    "ALTER FOREIGN TABLE ft OPTIONS (ADD z 'z')" } },
	/* A user's event trigger doing DDL */
	/* #53 */
	{ "CREATE TABLE audit (a int); CREATE FUNCTION aet() RETURNS "
	    "event_trigger LANGUAGE plpgsql AS $$DECLARE r record; BEGIN FOR r "
	    "IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE "
	    "command_tag = 'CREATE TABLE' LOOP EXECUTE format('COMMENT ON "
	    "TABLE %s IS %L; ALTER TABLE audit ADD COLUMN %I int', "
	    "r.object_identity, 'audited', 'c' || r.objid); END LOOP; END$$; "
	    "CREATE EVENT TRIGGER aaa ON ddl_command_end EXECUTE FUNCTION aet()",
	    { "CREATE TABLE n1 (a int)" } },
	/* The watch itself (hostile) */
	/* #54 */
	{ "CREATE TABLE t (a int)",
	    { "DO $$BEGIN ALTER EVENT TRIGGER dbrev_fingerprint_ddl DISABLE; "
	    "EXCEPTION WHEN undefined_object THEN NULL; END$$; ALTER TABLE t "
	    "RENAME COLUMN a TO b; DO $$BEGIN ALTER EVENT TRIGGER "
	    "dbrev_fingerprint_ddl ENABLE ALWAYS; EXCEPTION WHEN "
	    "undefined_object THEN NULL; END$$" } },
	/* #55 */
	{ "CREATE TABLE t (a int)",
	    { "ALTER TABLE t ADD COLUMN x int; DO $$BEGIN CREATE RULE q AS ON "
	    "INSERT TO pg_catalog.dbrev_fingerprint_log DO INSTEAD NOTHING; "
	    "EXCEPTION WHEN undefined_table THEN NULL; END$$",
	    "ALTER TABLE t RENAME COLUMN a TO b" } },
	/* #56 */
	{ "CREATE TABLE t (a int)",
	    { "ALTER TABLE t RENAME COLUMN a TO b; DO $$BEGIN DELETE FROM "
	    "pg_catalog.dbrev_fingerprint_log; EXCEPTION WHEN undefined_table "
	    "THEN NULL; END$$" } },
	/* #57 */
	{ "CREATE TABLE t (a int)",
	    { "DO $$BEGIN ALTER FUNCTION pg_catalog.dbrev_fingerprint_ddl() SET "
	    "search_path = public, pg_catalog; EXCEPTION WHEN undefined_function "
	    "THEN NULL; END$$; CREATE FUNCTION public.pg_event_trigger_ddl_"
	    "commands() RETURNS TABLE (classid oid, objid oid, objsubid int, "
	    "command_tag text, object_type text, schema_name text, "
	    "object_identity text, in_extension bool, command "
	    "pg_ddl_command) LANGUAGE sql AS 'SELECT NULL::oid, NULL::oid, "
	    "0, NULL, NULL, NULL, NULL, false, NULL::pg_ddl_command WHERE "
	    "false'", "ALTER TABLE t RENAME COLUMN a TO b" } },
	/* Misc */
	/* #58 */
	{ "CREATE TABLE t (a int); CREATE SCHEMA o; CREATE TABLE o.u (r "
	    "public.t); CREATE FUNCTION o.f() RETURNS int LANGUAGE sql AS "
	    "'SELECT 1'",
	    { "ALTER SCHEMA public RENAME TO pub", "ALTER SCHEMA pub RENAME TO "
	    "public" } },
	/* #59 */
	{ "CREATE EXTENSION citext; CREATE SCHEMA s; CREATE TABLE t (a citext)",
	    { "ALTER EXTENSION citext SET SCHEMA s" } },
	/* #60 */
	{ "CREATE PUBLICATION pb; CREATE TABLE t (a int)",
	    { SAME "ALTER PUBLICATION pb ADD TABLE t", "ALTER PUBLICATION pb "
	    "RENAME TO pb2", "ALTER TABLE t REPLICA IDENTITY NOTHING" } },
	/* #61 */
	{ "CREATE TYPE r AS RANGE (subtype = int, multirange_type_name = rm); "
	    "CREATE TABLE t (x r, y rm)",
	    { "ALTER TYPE rm RENAME TO rm2", "ALTER TYPE r RENAME TO r2" } },
	/* #62 */
	{ "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t",
	    { "CREATE TABLE tmp (a int); CREATE VIEW vt AS SELECT a FROM tmp; "
	    "DROP TABLE tmp CASCADE; CREATE TABLE tmp (a int)", "ALTER TABLE t "
	    "RENAME TO t_old; CREATE TABLE t (a int); DROP TABLE t_old "
	    "CASCADE", "ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE t "
	    "RENAME COLUMN b TO a; CREATE VIEW v AS SELECT a FROM t" } },
	/* #63 */
	{ "CREATE FUNCTION trf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
	    "RETURN NEW; END$$; CREATE TABLE t (a int); CREATE TABLE o (b "
	    "int); CREATE TRIGGER tr BEFORE UPDATE OF a ON t FOR EACH ROW "
	    "EXECUTE FUNCTION trf(); CREATE CONSTRAINT TRIGGER ctr AFTER "
	    "INSERT ON t FROM o FOR EACH ROW EXECUTE FUNCTION trf()",
	    { "ALTER TABLE t RENAME COLUMN a TO b", "CREATE OR REPLACE TRIGGER "
	    "tr BEFORE UPDATE OF b ON t FOR EACH ROW WHEN (OLD.b IS DISTINCT "
	    "FROM NEW.b) EXECUTE FUNCTION trf()", "ALTER TABLE t DISABLE "
	    "TRIGGER USER", "ALTER TABLE o RENAME TO o2" } },
	/* #64 */
	{ "CREATE TABLE t (a int); CREATE TABLE s (a int)",
	    { "CREATE RULE \"_RETURN\" AS ON SELECT TO t DO INSTEAD SELECT * "
	    "FROM s" } },
	/* #65 */
	{ "CREATE AGGREGATE ag(int) (SFUNC = int4pl, STYPE = int); CREATE "
	    "TABLE t (a int); CREATE VIEW v AS SELECT ag(a) FROM t",
	    { "ALTER AGGREGATE ag(int) RENAME TO ag2", "CREATE SCHEMA s; ALTER "
	    "AGGREGATE ag2(int) SET SCHEMA s" } },
	/* #66 */
	{ "CREATE TYPE e AS ENUM ('a'); CREATE FUNCTION e2i(e) RETURNS int "
	    "LANGUAGE sql IMMUTABLE AS 'SELECT 1'",
	    { "CREATE CAST (e AS int) WITH FUNCTION e2i(e)", "CREATE TABLE t "
	    "(y int DEFAULT ('a'::e)::int)", "ALTER FUNCTION e2i(e) RENAME TO "
	    "e2j", "DROP CAST (e AS int) CASCADE" } },
	/* #67 */
	{ "CREATE FUNCTION opf(int, int) RETURNS bool LANGUAGE sql IMMUTABLE "
	    "AS 'SELECT $1 < $2'; CREATE OPERATOR <<< (LEFTARG = int, RIGHTARG "
	    "= int, FUNCTION = opf); CREATE TABLE t (a int, b int CHECK (a <<< "
	    "b))",
	    { "CREATE SCHEMA s; ALTER OPERATOR <<< (int, int) SET SCHEMA s",
	    "DROP OPERATOR s.<<< (int, int) CASCADE" } },
	/* #68 */
	{ "CREATE TABLE t (a int)",
	    { "CREATE FUNCTION sd() RETURNS void LANGUAGE plpgsql SECURITY "
	    "DEFINER AS $$BEGIN ALTER TABLE t RENAME COLUMN a TO b; END$$; "
	    "SELECT sd()", "DO $$BEGIN EXECUTE 'ALTER TABLE t ' || 'ADD "
	    "COLUMN c int'; END$$" } },
	/* #69 */
	{ "CREATE TABLE t (a int)",
	    { "CREATE INDEX CONCURRENTLY tc ON t (a)", "ALTER INDEX tc RENAME "
	    "TO tc2", "DROP INDEX CONCURRENTLY tc2" } },
	/* Typed tables of a composite type altered */
	/* #70 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE typed OF ct",
	    { "ALTER TYPE ct RENAME ATTRIBUTE a TO a2 CASCADE" } },
	/* #71 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE t (c ct); CREATE "
	    "VIEW v AS SELECT (c).a FROM t; CREATE TABLE u (x int DEFAULT "
	    "(ROW(1, 'x')::ct).a); CREATE INDEX ui ON t (((c).a))",
	    { "ALTER TYPE ct RENAME ATTRIBUTE a TO a2" } },
	/* #72 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE typed OF ct",
	    { "ALTER TYPE ct ADD ATTRIBUTE c int CASCADE" } },
	/* #73 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE typed OF ct",
	    { "ALTER TYPE ct DROP ATTRIBUTE b CASCADE" } },
	/* #74 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE typed OF ct",
	    { "ALTER TYPE ct ALTER ATTRIBUTE a TYPE bigint CASCADE" } },
	/* #75 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE typed OF ct; "
	    "CREATE SCHEMA s",
	    { "ALTER TYPE ct RENAME TO ct2", "ALTER TYPE ct2 SET SCHEMA s",
	    "COMMENT ON COLUMN typed.a IS 'x'", "ALTER TABLE typed ALTER "
	    "COLUMN a SET DEFAULT 1" } },
	/* #76 */
	{ "CREATE TYPE ct AS (a text, b text); CREATE TABLE typed OF ct",
	    { "ALTER TYPE ct ALTER ATTRIBUTE a TYPE text COLLATE \"C\" "
	    "CASCADE" } },
	/* #77 */
	{ "CREATE TYPE ct AS (a int, b text); CREATE TABLE typed OF ct; "
	    "CREATE VIEW tv AS SELECT a FROM typed; CREATE TABLE r (x int "
	    "PRIMARY KEY); ALTER TABLE typed ADD CONSTRAINT tf FOREIGN KEY (a) "
	    "REFERENCES r (x)",
	    { "ALTER TYPE ct RENAME ATTRIBUTE a TO a2 CASCADE" } },
	/* The only role of a policy, DROP OWNED */
	/* #78 */
	{ "CREATE ROLE adv_r1; CREATE TABLE t (a int); CREATE POLICY p ON t TO "
	    "adv_r1 USING (true)",
	    { "DROP OWNED BY adv_r1" } },
	/* Hidden from the word scan */
	/* #79 */
	{ "CREATE ROLE adv_r1; CREATE TABLE t (a int); ALTER TABLE t OWNER TO "
	    "adv_r1",
	    { "DO $$BEGIN EXECUTE 'REASS' || 'IGN OWNED BY adv_r1 TO ' || "
	    "quote_ident(current_user); END$$" } },
	/* #80 */
	{ "CREATE TABLE t (x int); ALTER TABLE t ADD CONSTRAINT ck CHECK (x > "
	    "0) NOT VALID",
	    { "UPDATE pg_catalog.U&\"pg\\005fconstraint\" SET convalidated = "
	    "true WHERE conname = 'ck'" } },
	/* #81 */
	{ "CREATE TABLE t (x int); ALTER TABLE t ADD CONSTRAINT ck CHECK (x > "
	    "0) NOT VALID",
	    { "DO $$BEGIN EXECUTE format('UPDATE %s SET convalidated = true "
	    "WHERE conname = ''ck''', 2606::regclass); END$$" } },
	/* Migrations as tools write them */
	/* #82 */
	{ "CREATE TYPE status AS ENUM ('a', 'b'); CREATE TABLE t (id int, s "
	    "status DEFAULT 'a' NOT NULL); CREATE INDEX ts ON t (s) WHERE s = "
	    "'a'; CREATE TABLE u (ss status[])",
	    { "ALTER TYPE status RENAME TO status_old; CREATE TYPE status AS "
	    "ENUM ('a', 'b', 'c'); ALTER TABLE t ALTER COLUMN s DROP DEFAULT; "
	    "DROP INDEX ts; ALTER TABLE t ALTER COLUMN s TYPE status USING "
	    "s::text::status; ALTER TABLE t ALTER COLUMN s SET DEFAULT 'a'; "
	    "CREATE INDEX ts ON t (s) WHERE s = 'a'; ALTER TABLE u ALTER "
	    "COLUMN ss TYPE status[] USING ss::text[]::status[]; DROP TYPE "
	    "status_old" } },
	/* #83 */
	{ "CREATE TABLE r (id serial PRIMARY KEY); CREATE TABLE x (id serial "
	    "PRIMARY KEY, y int CONSTRAINT x_y_fk REFERENCES r (id) DEFERRABLE "
	    "INITIALLY DEFERRED); CREATE INDEX x_y ON x (y)",
	    { "SET CONSTRAINTS x_y_fk IMMEDIATE; ALTER TABLE x DROP CONSTRAINT "
	    "x_y_fk; ALTER TABLE r ALTER COLUMN id TYPE bigint USING "
	    "id::bigint; ALTER SEQUENCE r_id_seq AS bigint; ALTER TABLE x "
	    "ALTER COLUMN y TYPE bigint USING y::bigint; ALTER TABLE x ADD "
	    "CONSTRAINT x_y_fk FOREIGN KEY (y) REFERENCES r (id) DEFERRABLE "
	    "INITIALLY DEFERRED" } },
	/* #84 */
	{ "CREATE TABLE users (id bigserial PRIMARY KEY, email text); CREATE "
	    "UNIQUE INDEX index_users_on_email ON users (email); CREATE VIEW "
	    "uv AS SELECT id FROM users",
	    { "ALTER TABLE users RENAME TO people; ALTER TABLE "
	    "public.users_id_seq RENAME TO people_id_seq; ALTER INDEX "
	    "users_pkey RENAME TO people_pkey; ALTER INDEX "
	    "index_users_on_email RENAME TO index_people_on_email" } },
	/* #85 */
	{ "CREATE TABLE t (id serial PRIMARY KEY, a int)",
	    { "ALTER TABLE t ALTER COLUMN id DROP DEFAULT; DROP SEQUENCE "
	    "t_id_seq; ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT "
	    "AS IDENTITY; SELECT setval(pg_get_serial_sequence('t', 'id'), "
	    "1)" } },
	/* #86 */
	{ "CREATE TABLE t (id serial PRIMARY KEY, a int); CREATE VIEW tv AS "
	    "SELECT id FROM t; CREATE TABLE c (t_id int REFERENCES t (id))",
	    { "CREATE TABLE t_new (LIKE t INCLUDING ALL); ALTER TABLE t RENAME "
	    "TO t_old; ALTER TABLE t_new RENAME TO t; DROP TABLE t_old "
	    "CASCADE" } },
	/* #87 */
	{ "CREATE TABLE m (id int, at date NOT NULL DEFAULT '2024-01-01', "
	    "CHECK (id > 0)) PARTITION BY RANGE (at); CREATE INDEX m_at ON m "
	    "(at)",
	    { "CREATE TABLE m_2024_01 (LIKE m INCLUDING DEFAULTS INCLUDING "
	    "CONSTRAINTS); ALTER TABLE m ATTACH PARTITION m_2024_01 FOR VALUES "
	    "FROM ('2024-01-01') TO ('2024-02-01')", "ALTER TABLE m DETACH "
	    "PARTITION m_2024_01; ALTER TABLE m_2024_01 RENAME TO "
	    "m_2024_01_old" } },
	/* The watch itself, hostile */
	/* #88 */
	{ "CREATE TABLE t (a int)",
	    { "DO $$BEGIN ALTER EVENT TRIGGER dbrev_fingerprint_ddl ENABLE "
	    "REPLICA; EXCEPTION WHEN undefined_object THEN NULL; END$$",
	    "ALTER TABLE t RENAME COLUMN a TO b" } },
	/* #89 */
	{ "CREATE TABLE t (a int)",
	    { "ALTER SCHEMA information_schema RENAME TO is2",
	    "ALTER SCHEMA is2 RENAME TO information_schema" } },
	/* #90 */
	{ "CREATE TABLE t (a int)",
	    { "DO $$BEGIN ALTER FUNCTION pg_catalog.dbrev_fingerprint_ddl() SET "
	    "search_path = public, pg_catalog; EXCEPTION WHEN undefined_function "
	    "THEN NULL; END$$; CREATE FUNCTION public.pg_event_trigger_ddl_"
	    "commands() RETURNS TABLE (classid oid, objid oid, objsubid int, "
	    "command_tag text, object_type text, schema_name text, "
	    "object_identity text, in_extension bool, command "
	    "pg_ddl_command) LANGUAGE sql AS 'SELECT NULL::oid, NULL::oid, "
	    "0, NULL, NULL, NULL, NULL, false, NULL::pg_ddl_command WHERE "
	    "false'", "DISCARD PLANS; ALTER TABLE t RENAME COLUMN a TO b" } },
	/* More */
	/* #91 */
	{ "CREATE SCHEMA s; CREATE SCHEMA o; CREATE TABLE s.t (id int "
	    "GENERATED ALWAYS AS IDENTITY, r regclass DEFAULT 's.t'); CREATE "
	    "VIEW o.v AS SELECT id FROM s.t; CREATE FUNCTION s.f(int) RETURNS "
	    "bool LANGUAGE sql IMMUTABLE AS 'SELECT true'; CREATE TABLE o.w (a "
	    "int); ALTER TABLE o.w ENABLE ROW LEVEL SECURITY; CREATE POLICY "
	    "pw ON o.w USING (s.f(a))",
	    { "ALTER TABLE s.t SET SCHEMA o", "ALTER SCHEMA s RENAME TO s2",
	    "ALTER TABLE o.t RENAME TO t2" } },
	/* #92 */
	{ "CREATE TABLE p (a int PRIMARY KEY) PARTITION BY LIST (a); CREATE "
	    "TABLE p1 PARTITION OF p FOR VALUES IN (1); CREATE TABLE r (x int) "
	    "PARTITION BY LIST (x); CREATE TABLE r1 PARTITION OF r FOR VALUES "
	    "IN (1)",
	    { "ALTER TABLE r ADD CONSTRAINT rf FOREIGN KEY (x) REFERENCES p "
	    "(a)", "ALTER TABLE r "
	    "DETACH PARTITION r1", "ALTER TABLE r ATTACH PARTITION r1 FOR "
	    "VALUES IN (1)" } },
	/* #93 */
	{ "CREATE TABLE t (a int)",
	    { "CREATE TABLE t2 (b int); COMMENT ON TABLE t2 IS 'x'; DROP TABLE "
	    "t2; ALTER TABLE t RENAME COLUMN a TO b", "CREATE SCHEMA s "
	    "CREATE TABLE x (a int) CREATE VIEW y AS SELECT a FROM x CREATE "
	    "INDEX xi ON x (a)" } },
	/* #94 */
	{ "CREATE FUNCTION trf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
	    "EXECUTE 'ALTER TABLE t ADD COLUMN IF NOT EXISTS z int'; RETURN "
	    "NEW; END$$; CREATE TABLE t (a int); CREATE TABLE q (a int); "
	    "CREATE TRIGGER tr AFTER INSERT ON q FOR EACH ROW EXECUTE FUNCTION "
	    "trf()",
	    { "INSERT INTO q VALUES (1)" } },
	/* Commands whose catalog rows no event trigger reports */
	/* #95 */
	{ "CREATE TABLE dup (a int); INSERT INTO dup VALUES (1), (1)",
	    { FAILS "CREATE UNIQUE INDEX CONCURRENTLY dupi ON dup (a)" } },
	/* #96 */
	{ "CREATE TABLE t (a int)",
	    { "EXPLAIN (ANALYZE, COSTS OFF) CREATE TABLE ex1 AS SELECT 1 AS "
	    "a" } },
	/* #97 */
	{ "CREATE TABLE t (a int)",
	    { "EXPLAIN (ANALYZE, COSTS OFF) SELECT 1 AS a INTO ex2" } },
	/* #98 */
	{ "CREATE TABLE t (a int)",
	    { "EXPLAIN (ANALYZE, COSTS OFF) CREATE MATERIALIZED VIEW exmv AS "
	    "SELECT a FROM t" } },
	/* #99 */
	{ "CREATE TABLE t (x int); ALTER TABLE t ADD CONSTRAINT ck CHECK (x > "
	    "0) NOT VALID; CREATE VIEW cons AS SELECT oid, conname, "
	    "convalidated FROM pg_catalog.pg_constraint",
	    { "UPDATE cons SET convalidated = true WHERE conname = 'ck'" } },
	/* Hostile, the log table */
	/* #100 */
	{ "CREATE TABLE t (a int); CREATE FUNCTION nolog() RETURNS trigger "
	    "LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$",
	    { "DO $$BEGIN CREATE TRIGGER q BEFORE INSERT ON "
	    "pg_catalog.dbrev_fingerprint_log FOR EACH ROW EXECUTE FUNCTION "
	    "nolog(); EXCEPTION WHEN undefined_table THEN NULL; END$$",
	    "ALTER TABLE t RENAME COLUMN a TO b" } },
	/* #101 */
	{ "CREATE TABLE t (a int)",
	    { "CREATE TABLE t2 (a int); DO $$BEGIN TRUNCATE "
	    "pg_catalog.dbrev_fingerprint_log; EXCEPTION WHEN undefined_table "
	    "THEN NULL; END$$" } },
	/* Partitions attaching what exists */
	/* #102 */
	{ "CREATE TABLE p (a int) PARTITION BY LIST (a); CREATE TABLE p1 "
	    "PARTITION OF p FOR VALUES IN (1); CREATE INDEX p1a ON p1 (a); "
	    "ALTER TABLE p1 ADD CONSTRAINT p1k PRIMARY KEY (a)",
	    { "CREATE INDEX pa ON p (a)", "ALTER TABLE p ADD PRIMARY KEY (a)",
	    "ALTER INDEX p1a RENAME TO p1b" } },
	/* #103 */
	{ "CREATE TABLE r (id int PRIMARY KEY); CREATE TABLE p (a int) "
	    "PARTITION BY LIST (a); CREATE TABLE c (a int CONSTRAINT cf "
	    "REFERENCES r (id))",
	    { "ALTER TABLE p ADD CONSTRAINT cf FOREIGN KEY (a) REFERENCES r "
	    "(id)", "ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1)",
	    "ALTER TABLE p DETACH PARTITION c" } },
	/* #104 */
	{ "CREATE TABLE p (a int PRIMARY KEY) PARTITION BY LIST (a); CREATE "
	    "TABLE p1 PARTITION OF p FOR VALUES IN (1); CREATE TABLE r (x int) "
	    "PARTITION BY LIST (x); CREATE TABLE r1 PARTITION OF r FOR VALUES "
	    "IN (1); ALTER TABLE r ADD CONSTRAINT rf FOREIGN KEY (x) REFERENCES "
	    "p (a)",
	    { "ALTER TABLE r DETACH PARTITION r1", "ALTER TABLE r ATTACH "
	    "PARTITION r1 FOR VALUES IN (1)", "ALTER TABLE p RENAME COLUMN a TO "
	    "b", "ALTER TABLE p DETACH PARTITION p1" } },
	/* #105 */
	{ "CREATE TABLE t (name varchar(100)); CREATE INDEX t_name_like ON t "
	    "(name varchar_pattern_ops)",
	    { "ALTER TABLE t ALTER COLUMN name TYPE varchar(200) USING "
	    "name::varchar(200)", "ALTER INDEX t_name_like RENAME TO "
	    "t_name_like2" } },
	/* #106 */
	{ "CREATE SCHEMA s; CREATE COLLATION s.c FROM \"C\"; CREATE TEXT SEARCH "
	    "CONFIGURATION s.cfg (COPY = simple); CREATE OPERATOR CLASS "
	    "s.my_ops FOR TYPE int USING btree AS OPERATOR 1 <, OPERATOR 2 <=, "
	    "OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 "
	    "btint4cmp(int, int); CREATE TABLE t (a text COLLATE s.c, b int); "
	    "CREATE INDEX ti ON t (b s.my_ops); CREATE INDEX tt ON t "
	    "(to_tsvector('s.cfg', a))",
	    { "ALTER SCHEMA s RENAME TO s2" } },
	/* #107 */
	{ "CREATE AGGREGATE ag(int) (SFUNC = int4pl, STYPE = int); CREATE "
	    "PROCEDURE pr() LANGUAGE sql AS 'SELECT 1'",
	    { "COMMENT ON AGGREGATE ag(int) IS 'x'", "COMMENT ON PROCEDURE pr() "
	    "IS 'x'", "ALTER PROCEDURE pr() RENAME TO pr2", "ALTER ROUTINE "
	    "pr2() SET search_path = public" } },
	/* #108 */
	{ "CREATE TABLE t (a int)",
	    { "DO $$BEGIN EXECUTE 'EXPLAIN ANALYZE CREATE TABLE ex3 AS SELECT 1 "
	    "AS a'; END$$" } },
	/* #109 */
	{ "CREATE TABLE t (a int)",
	    { "PREPARE pq AS SELECT 1 AS a; CREATE TABLE ex4 AS EXECUTE pq" } },
	/* #110 */
	{ "CREATE TABLE t (a int)",
	    { "ALTER TABLE t RENAME COLUMN a TO b; CREATE VIEW v2 AS SELECT b "
	    "FROM t; ALTER TABLE t RENAME COLUMN b TO a" } },
	/* #111 */
	{ "CREATE TABLE p (a int PRIMARY KEY, b int) PARTITION BY RANGE (a); "
	    "CREATE TABLE c PARTITION OF p FOR VALUES FROM (0) TO (10); CREATE "
	    "INDEX pb ON p (b)",
	    { "ALTER TABLE p ALTER COLUMN b TYPE bigint" } },
	/* #112 */
	{ "CREATE TABLE p (a int PRIMARY KEY, b int) PARTITION BY RANGE (a); "
	    "CREATE TABLE c PARTITION OF p FOR VALUES FROM (0) TO (10); CREATE "
	    "INDEX cb ON c (a, b)",
	    { "ALTER TABLE p ALTER COLUMN b TYPE bigint" } },
	/* #113 */
	{ "CREATE TABLE p (a int PRIMARY KEY, b int) PARTITION BY RANGE (a); "
	    "CREATE TABLE c PARTITION OF p FOR VALUES FROM (0) TO (10)",
	    { "ALTER TABLE p ALTER COLUMN b TYPE bigint" } },
	/* #114 */
	{ "CREATE TABLE p (a int, b int); CREATE TABLE c () INHERITS (p); "
	    "CREATE INDEX cb ON c (b)",
	    { "ALTER TABLE p ALTER COLUMN b TYPE bigint" } },
	/* Partitions' indexes made again by the parent's ALTER */
	/* #115 */
	{ "CREATE TABLE p (a int, b int, c text) PARTITION BY LIST (a); "
	    "CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1); ALTER TABLE p1 "
	    "ADD CONSTRAINT p1u UNIQUE (b)",
	    { "ALTER TABLE p ALTER COLUMN b TYPE bigint", "ALTER TABLE p1 "
	    "DROP CONSTRAINT p1u" } },
	/* #116 */
	{ "CREATE TABLE p (a int, b int, c int) PARTITION BY LIST (a); CREATE "
	    "TABLE m PARTITION OF p FOR VALUES IN (1) PARTITION BY LIST (c); "
	    "CREATE TABLE l PARTITION OF m FOR VALUES IN (1); CREATE INDEX lb "
	    "ON l (b)",
	    { "ALTER TABLE p ALTER COLUMN b TYPE bigint" } },
	/* Second pass: the word scan's EXECUTE test is a prefix match */
	/* #117 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "DO $$DECLARE functions text := 'CLU' || 'STER t USING ti'; BEGIN "
	    "EXECUTE functions; END$$" } },
	/* #118 */
	{ "CREATE TABLE t (a int)",
	    { "DO $$DECLARE procedure_sql text := format('UPDATE %s SET attname "
	    "= %L WHERE attrelid = %L::regclass AND attname = %L', "
	    "'pg_catalog.pg_' || 'attribute', 'b', 't', 'a'); BEGIN EXECUTE "
	    "procedure_sql; END$$" } },
	/* A built-in the event triggers call, replaced in pg_catalog */
	/* #119 */
	{ "CREATE TABLE t (a int)",
	    { "CREATE FUNCTION pg_catalog.rc0(text) RETURNS regclass LANGUAGE "
	    "internal STABLE STRICT AS 'to_regclass'; CREATE OR REPLACE FUNCTION "
	    "pg_catalog.to_regclass(text) RETURNS regclass LANGUAGE sql STABLE "
	    "AS $$SELECT CASE WHEN current_setting('plan_cache_mode') = "
	    "'force_generic_plan' THEN pg_catalog.rc0($1) END$$; DISCARD PLANS",
	    "ALTER TABLE t RENAME COLUMN a TO b", "CREATE TABLE u (x int)" } },
	/* A SQL-language function made earlier runs what no trigger sees */
	/* #120 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a); CREATE FUNCTION "
	    "f() RETURNS void LANGUAGE sql AS 'CLUSTER t USING ti'",
	    { "SELECT f()" } },
	/* Row types: expressions, functions, domains and arrays of them */
	/* #121 */
	{ "CREATE SCHEMA s; CREATE TABLE t (x int, y int); CREATE TABLE u (a "
	    "int, b int); CREATE INDEX ui ON u ((ROW(a, b)::t)); CREATE FUNCTION "
	    "ft(t) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'; CREATE "
	    "DOMAIN dt AS t; CREATE TABLE w (c t[], d dt); CREATE INDEX wi ON w "
	    "(((c[1]).x)); CREATE INDEX wd ON w (((d).y))",
	    { "ALTER TABLE t RENAME TO t2", "ALTER TABLE t2 RENAME COLUMN x TO "
	    "x2", "ALTER TABLE t2 RENAME COLUMN y TO y2", "ALTER TABLE t2 SET "
	    "SCHEMA s", "ALTER TABLE s.t2 ADD COLUMN z int" } },
	/* #122 */
	{ "CREATE TABLE t (x int); CREATE TABLE u (r t); CREATE INDEX ur ON u "
	    "(((r).x)); CREATE TABLE p (a int, r t) PARTITION BY LIST (a); "
	    "CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1); CREATE INDEX pr "
	    "ON p (((r).x))",
	    { "ALTER TABLE t RENAME COLUMN x TO y", "ALTER TABLE t ADD COLUMN z "
	    "int", "ALTER TABLE t DROP COLUMN z", "ALTER TABLE t RENAME TO t3" } },
	/* Inheritance trees */
	/* #123 */
	{ "CREATE TABLE p (a int, b int); CREATE TABLE c (b int) INHERITS (p); "
	    "CREATE TABLE c2 () INHERITS (p); CREATE INDEX c2b ON c2 (b)",
	    { "ALTER TABLE p ALTER COLUMN b SET NOT NULL", "ALTER TABLE p ALTER "
	    "COLUMN b SET DEFAULT 1", "ALTER TABLE p ADD CONSTRAINT pk CHECK (a "
	    "> 0)", "ALTER TABLE p ALTER COLUMN a TYPE bigint", "ALTER TABLE p "
	    "ALTER COLUMN a SET STATISTICS 50", "ALTER TABLE p ALTER COLUMN a "
	    "SET STORAGE PLAIN", "ALTER TABLE c NO INHERIT p", "ALTER TABLE c "
	    "INHERIT p", "ALTER TABLE p ADD COLUMN z int GENERATED ALWAYS AS (a "
	    "* 2) STORED", "ALTER TABLE p DROP COLUMN b", "ALTER TABLE p ALTER "
	    "COLUMN z DROP EXPRESSION" } },
	/* Partition trees */
	/* #124 */
	{ "CREATE TABLE p (a int, b text) PARTITION BY LIST (a); CREATE TABLE "
	    "p1 PARTITION OF p FOR VALUES IN (1); CREATE FUNCTION trf() RETURNS "
	    "trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$; CREATE "
	    "TRIGGER tr AFTER INSERT ON p FOR EACH ROW EXECUTE FUNCTION trf()",
	    { "ALTER TABLE p DISABLE TRIGGER tr", "ALTER TRIGGER tr ON p RENAME "
	    "TO tr2", "ALTER TABLE p ALTER COLUMN b SET STORAGE EXTERNAL",
	    "ALTER TABLE p ALTER COLUMN b SET STATISTICS 10", "ALTER TABLE p1 "
	    "ALTER COLUMN b SET DEFAULT 'x'", "ALTER TABLE p ADD CONSTRAINT pk "
	    "PRIMARY KEY (a)", "ALTER TABLE p1 REPLICA IDENTITY USING INDEX "
	    "p1_pkey", "ALTER TABLE p ALTER COLUMN b SET COMPRESSION pglz",
	    "ALTER TABLE p ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY",
	    "ALTER TABLE p ENABLE ALWAYS TRIGGER tr2", "ALTER TABLE p1 DISABLE "
	    "TRIGGER tr2", "ALTER TABLE p DROP CONSTRAINT pk" } },
	/* Transactions inside one script */
	/* #125 */
	{ "CREATE TABLE t (a int)",
	    { "BEGIN; ALTER TABLE t ADD COLUMN b int; COMMIT", "BEGIN; SAVEPOINT "
	    "s1; ALTER TABLE t RENAME COLUMN b TO c; RELEASE SAVEPOINT s1; "
	    "SAVEPOINT s2; DROP TABLE t; ROLLBACK TO SAVEPOINT s2; COMMIT",
	    "DO $$BEGIN BEGIN ALTER TABLE t RENAME COLUMN c TO d; CREATE TABLE "
	    "t (x int); EXCEPTION WHEN duplicate_table THEN NULL; END; ALTER "
	    "TABLE t ADD COLUMN e int; END$$", FAILS "BEGIN; ALTER TABLE t ADD "
	    "COLUMN f int; PREPARE TRANSACTION 'p1'", "BEGIN; ALTER TABLE t ADD "
	    "COLUMN g int; COMMIT AND CHAIN; ALTER TABLE t ADD COLUMN h int; "
	    "COMMIT" } },
	/* Enum labels in bounds, defaults, predicates */
	/* #126 */
	{ "CREATE TYPE e AS ENUM ('a', 'b'); CREATE TABLE p (x e) PARTITION BY "
	    "LIST (x); CREATE TABLE pa PARTITION OF p FOR VALUES IN ('a'); "
	    "CREATE TABLE q (x e DEFAULT 'a'); CREATE INDEX qi ON q (x) WHERE x "
	    "= 'b'",
	    { "ALTER TYPE e RENAME VALUE 'a' TO 'z'", "ALTER TYPE e RENAME TO "
	    "e2" } },
	/* #127 */
	{ "CREATE TYPE ct AS (x int, y int); CREATE FUNCTION mk(int) RETURNS ct "
	    "LANGUAGE sql IMMUTABLE AS 'SELECT ROW($1, $1)::ct'; CREATE TABLE u "
	    "(a int); CREATE INDEX ui ON u (((mk(a)).x)); CREATE TABLE v (c ct); "
	    "CREATE INDEX vi ON v (((c).y))",
	    { "ALTER TYPE ct RENAME ATTRIBUTE x TO x2", "ALTER TYPE ct RENAME TO "
	    "ct2", "ALTER TYPE ct2 ADD ATTRIBUTE z int", "ALTER TYPE ct2 RENAME "
	    "ATTRIBUTE y TO y2 CASCADE" } },
	/* Renamed CHECK constraints of partitions and grandchildren */
	/* #128 */
	{ "CREATE TABLE p (a int) PARTITION BY LIST (a); CREATE TABLE p1 "
	    "PARTITION OF p FOR VALUES IN (1); ALTER TABLE p ADD CONSTRAINT pk "
	    "CHECK (a > 0)",
	    { "ALTER TABLE p RENAME CONSTRAINT pk TO pk2" } },
	/* #129 */
	{ "CREATE TABLE p (a int CONSTRAINT pk CHECK (a > 0)); CREATE TABLE c "
	    "() INHERITS (p); CREATE TABLE g () INHERITS (c)",
	    { "ALTER TABLE p RENAME CONSTRAINT pk TO pk2" } },
	/* A review of the fixes: a variable named exactly function, procedure */
	/* #130 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "DO $$DECLARE function text := 'CLU' || 'STER t USING ti'; BEGIN "
	    "EXECUTE function; END$$" } },
	/* #131 */
	{ "CREATE TABLE t (a int)",
	    { "DO $$DECLARE procedure text := format('UPDATE %s SET attname "
	    "= %L WHERE attrelid = %L::regclass AND attname = %L', "
	    "'pg_catalog.pg_' || 'attribute', 'b', 't', 'a'); BEGIN EXECUTE "
	    "procedure; END$$" } },
	/* Function bodies no word of the script shows: E'' escapes, continued literals */
	/* #132 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a); CREATE FUNCTION "
	    "f() RETURNS void LANGUAGE sql AS E'CLU\\123TER t USING ti'",
	    { "SELECT f()" } },
	/* #133 */
	{ "CREATE TABLE t (a int); CREATE FUNCTION g() RETURNS void LANGUAGE "
	    "sql AS 'UPDATE pg_catalog.pg_attr'\n'ibute SET attname = ''b'' "
	    "WHERE attrelid = ''t''::regclass AND attname = ''a'''",
	    { "SELECT g()" } },
	/* #134 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS "
	    "E'CLU\\123TER t USING ti'", "SELECT f()" } },
	/* A string run by a built-in */
	/* #135 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "SELECT query_to_xml('CLU' || 'STER t USING ti', true, true, '')" } },	/* Third pass: what the word scan reads is not what the server runs */
	/* #136 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "DO E'BEGIN \\x43LUSTER t USING ti; END'" } },
	/* #137 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "DO 'BEGIN CLU'\n'STER t USING ti; END'" } },
	/* #138 */
	{ "CREATE TABLE t (x int); ALTER TABLE t ADD CONSTRAINT ck CHECK (x > "
	    "0) NOT VALID",
	    { "DO E'BEGIN UPDATE pg_catalog.pg_\\x63onstraint SET convalidated "
	    "= true WHERE conname = ''ck''; END'" } },
	/* #139 */
	{ "CREATE TABLE t (a int)",
	    { "ALTER TABLE t RENAME COLUMN a TO b; DO E'BEGIN DELETE FROM "
	    "pg_catalog.dbrev_\\x66ingerprint_log; EXCEPTION WHEN "
	    "undefined_table THEN NULL; END'" } },
	/* #140 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a); CREATE FUNCTION "
	    "f() RETURNS void LANGUAGE sql AS 'SELECT'",
	    { "CREATE OR REPLACE FUNCTION f() RETURNS void LANGUAGE sql AS "
	    "E'\\x43LUSTER t USING ti'", "SELECT f()" } },
	/* #141 */
	{ "CREATE ROLE adv_r1; CREATE ROLE adv_r2; CREATE TABLE t (a int); "
	    "CREATE POLICY p ON t TO adv_r1, adv_r2 USING (true)",
	    { "DROP /* what the role has */ OWNED BY adv_r1" } },
	/* #142 */
	{ "CREATE ROLE adv_r1; CREATE TABLE t (a int); GRANT SELECT ON t TO "
	    "adv_r1",
	    { "DROP -- the role's grants\nOWNED BY adv_r1" } },
	/* #143 */
	{ "CREATE TABLE t (a int); CREATE INDEX ti ON t (a)",
	    { "DO $$DECLARE function text := 'CLU' || 'STER t USING ti'; BEGIN "
	    "EXECUTE function; END$$" } },
	/* #144 */
	{ "CREATE TABLE t (a int)",
	    { "DO $$DECLARE procedure text := format('UPDATE %s SET attname = "
	    "%L WHERE attrelid = %L::regclass AND attname = %L', "
	    "'pg_catalog.pg_' || 'attribute', 'b', 't', 'a'); BEGIN EXECUTE "
	    "procedure; END$$" } },
	/* Relations' options, persistence, row level security */
	/* #145 */
	{ "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, a int); "
	    "CREATE INDEX ti ON t (a)",
	    { "ALTER TABLE t SET UNLOGGED", "ALTER TABLE t SET LOGGED",
	    "ALTER TABLE t SET (fillfactor = 70)", "ALTER TABLE t RESET "
	    "(fillfactor)", SAME "ALTER TABLE t ALTER COLUMN id RESTART WITH "
	    "100", "ALTER TABLE t ALTER COLUMN id SET START WITH 5",
	    SAME "ALTER TABLE t SET ACCESS METHOD heap", "ALTER INDEX ti SET "
	    "(fillfactor = 50)", "ALTER TABLE t SET (autovacuum_enabled = "
	    "off)" } },
	/* #146 */
	{ "CREATE TABLE t (a int); CREATE TABLE p (a int) PARTITION BY LIST "
	    "(a); CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1)",
	    { "ALTER TABLE t ENABLE ROW LEVEL SECURITY", "ALTER TABLE t FORCE "
	    "ROW LEVEL SECURITY", "CREATE POLICY pl ON t FOR SELECT USING (a > "
	    "0)", "ALTER TABLE t NO FORCE ROW LEVEL SECURITY", "DROP POLICY pl "
	    "ON t", "ALTER TABLE t DISABLE ROW LEVEL SECURITY", "ALTER TABLE p "
	    "ENABLE ROW LEVEL SECURITY", "ALTER TABLE p1 FORCE ROW LEVEL "
	    "SECURITY" } },
	/* #147 */
	{ "CREATE TABLE t (a int, b int); CREATE VIEW v AS SELECT a FROM t "
	    "WHERE a > 0",
	    { "ALTER VIEW v SET (check_option = local)", "ALTER VIEW v SET "
	    "(security_invoker = true)", "ALTER VIEW v RESET (check_option)",
	    "COMMENT ON COLUMN v.a IS 'x'", "ALTER VIEW v RENAME COLUMN a TO "
	    "a2", "CREATE MATERIALIZED VIEW mv AS SELECT a FROM t", SAME
	    "REFRESH MATERIALIZED VIEW mv WITH NO DATA" } },
	/* Grants, owners, roles */
	/* #148 */
	{ "CREATE ROLE adv_r1; CREATE TABLE t (a int, b int); CREATE VIEW v AS "
	    "SELECT a FROM t",
	    { "GRANT UPDATE (a) ON t TO adv_r1", "GRANT SELECT (a), INSERT (b) "
	    "ON t TO adv_r1", "REVOKE UPDATE (a) ON t FROM adv_r1", "ALTER "
	    "TABLE t RENAME COLUMN a TO a2", "GRANT SELECT (a) ON v TO adv_r1",
	    "ALTER TABLE t OWNER TO adv_r1", "ALTER VIEW v OWNER TO adv_r1",
	    "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO adv_r1; CREATE "
	    "TABLE u (x int)", "ALTER DEFAULT PRIVILEGES REVOKE SELECT ON "
	    "TABLES FROM adv_r1; CREATE SEQUENCE q" } },
	/* #149 */
	{ "CREATE ROLE adv_r1; GRANT CREATE ON SCHEMA public TO adv_r1; "
	    "CREATE TABLE t (a int); ALTER TABLE t OWNER TO adv_r1",
	    { "SET ROLE adv_r1; ALTER TABLE t ADD COLUMN b int; CREATE TABLE u "
	    "(x int); RESET ROLE", "SET ROLE adv_r1; ALTER TABLE t RENAME "
	    "COLUMN b TO c; DROP TABLE u; RESET ROLE", "SET SESSION "
	    "AUTHORIZATION adv_r1; CREATE INDEX tc ON t (c); RESET SESSION "
	    "AUTHORIZATION" } },
	/* Sequences: owned by, used by defaults */
	/* #150 */
	{ "CREATE SCHEMA s; CREATE TABLE t (a int, b int); CREATE SEQUENCE q; "
	    "CREATE TABLE u (x bigint DEFAULT nextval('q'))",
	    { "ALTER SEQUENCE q OWNED BY t.a", "ALTER SEQUENCE q OWNED BY t.b",
	    "ALTER TABLE t RENAME COLUMN b TO c", "ALTER SEQUENCE q INCREMENT "
	    "BY 3 CACHE 5", "ALTER SEQUENCE q OWNED BY NONE", "ALTER SEQUENCE "
	    "q SET SCHEMA s", "ALTER SEQUENCE s.q RENAME TO q2", "ALTER SCHEMA "
	    "s RENAME TO s2", "ALTER TABLE t SET SCHEMA s2", "ALTER SEQUENCE "
	    "s2.q2 OWNED BY s2.t.c", "ALTER TABLE s2.t DROP COLUMN c "
	    "CASCADE" } },
	/* #151 */
	{ "CREATE SCHEMA s; CREATE TYPE e AS ENUM ('a', 'b'); CREATE FUNCTION "
	    "df() RETURNS e LANGUAGE sql AS $$SELECT 'a'::e$$; CREATE TABLE t "
	    "(x e DEFAULT df(), y e DEFAULT 'b')",
	    { "ALTER TYPE e SET SCHEMA s", "ALTER FUNCTION df() SET SCHEMA s",
	    "BEGIN; ALTER TYPE s.e ADD VALUE 'c'; COMMIT", "ALTER TYPE s.e "
	    "RENAME VALUE 'b' TO 'b2'" } },
	/* Partitioned indexes made on ONLY the parent */
	/* #152 */
	{ "CREATE TABLE p (a int, b int) PARTITION BY LIST (a); CREATE TABLE "
	    "p1 PARTITION OF p FOR VALUES IN (1)",
	    { "CREATE INDEX pi ON ONLY p (b)", "CREATE INDEX p1i ON p1 (b)",
	    "ALTER INDEX pi ATTACH PARTITION p1i", "ALTER INDEX p1i RENAME TO "
	    "p1j", "ALTER TABLE p DETACH PARTITION p1", "ALTER TABLE p ATTACH "
	    "PARTITION p1 FOR VALUES IN (1)" } },
	/* Triggers with WHEN and columns, statistics on expressions */
	/* #153 */
	{ "CREATE FUNCTION trf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
	    "RETURN NEW; END$$; CREATE TABLE t (a int, b int); CREATE TRIGGER "
	    "tr BEFORE UPDATE OF a, b ON t FOR EACH ROW WHEN (NEW.b > 0) "
	    "EXECUTE FUNCTION trf(); CREATE STATISTICS st ON (a + b), a FROM t",
	    { "ALTER TABLE t RENAME COLUMN b TO b2", "ALTER TABLE t RENAME "
	    "COLUMN a TO a2", "ALTER STATISTICS st RENAME TO st2",
	    "ALTER FUNCTION trf() RENAME TO trf2", "ALTER TABLE t DISABLE "
	    "TRIGGER tr" } },
	/* Identifiers that need quotes */
	/* #154 */
	{ "CREATE SCHEMA \"s.x\"; CREATE TABLE \"s.x\".\"t \"\"q\"\" \xc3\xbc\" "
	    "(\"a.b\" int, \"C D\" text DEFAULT 'x', CONSTRAINT \"k k\" CHECK "
	    "(\"a.b\" > 0)); CREATE INDEX \"i.x\" ON \"s.x\".\"t \"\"q\"\" "
	    "\xc3\xbc\" (\"C D\")",
	    { "ALTER TABLE \"s.x\".\"t \"\"q\"\" \xc3\xbc\" RENAME COLUMN "
	    "\"a.b\" TO \"a b\"", "ALTER TABLE \"s.x\".\"t \"\"q\"\" \xc3\xbc\" "
	    "DROP CONSTRAINT \"k k\"", "ALTER TABLE \"s.x\".\"t \"\"q\"\" "
	    "\xc3\xbc\" ALTER COLUMN \"C D\" DROP DEFAULT", "DROP INDEX "
	    "\"s.x\".\"i.x\"", "ALTER TABLE \"s.x\".\"t \"\"q\"\" \xc3\xbc\" "
	    "DROP COLUMN \"C D\"", "ALTER SCHEMA \"s.x\" RENAME TO \"s\"\"y\"" } },
	/* Procedures that commit, event triggers of the user */
	/* #155 */
	{ "CREATE TABLE t (a int); CREATE PROCEDURE pc() LANGUAGE plpgsql AS "
	    "$$BEGIN ALTER TABLE t ADD COLUMN b int; COMMIT; ALTER TABLE t "
	    "RENAME COLUMN b TO c; ROLLBACK; ALTER TABLE t ADD COLUMN d int; "
	    "END$$",
	    { "CALL pc()" } },
	/* #156 */
	{ "CREATE FUNCTION uet() RETURNS event_trigger LANGUAGE plpgsql AS "
	    "$$BEGIN END$$",
	    { "CREATE EVENT TRIGGER u1 ON ddl_command_start EXECUTE FUNCTION "
	    "uet()", "ALTER EVENT TRIGGER u1 DISABLE", "ALTER EVENT TRIGGER u1 "
	    "RENAME TO u2", "ALTER FUNCTION uet() RENAME TO uet2", "ALTER "
	    "EVENT TRIGGER u2 ENABLE REPLICA", "DROP EVENT TRIGGER u2" } },
	/* DEALLOCATE ALL, then owner 0 and a relation both dirty */
	/* #157 */
	{ "CREATE TABLE t0 (a int)",
	    { "CREATE TABLE t1 (a int); CREATE FUNCTION f1() RETURNS int "
	    "LANGUAGE sql AS 'SELECT 1'", "DEALLOCATE ALL; CREATE TABLE t2 (a "
	    "int); CREATE FUNCTION f2() RETURNS int LANGUAGE sql AS 'SELECT 2'",
	    "CREATE TABLE t3 (a int); CREATE FUNCTION f3() RETURNS int "
	    "LANGUAGE sql AS 'SELECT 3'" } },
	/* constraint indexes renamed (partitions, USING INDEX, FK) */
	/* #158 */
	{ "CREATE TABLE p (a int PRIMARY KEY) PARTITION BY LIST (a); CREATE "
	    "TABLE p1 PARTITION OF p FOR VALUES IN (1); CREATE TABLE r (a int "
	    "REFERENCES p); CREATE TABLE q (a int PRIMARY KEY); CREATE TABLE "
	    "r2 (a int REFERENCES q)",
	    { "ALTER INDEX p1_pkey RENAME TO p1_k", "ALTER INDEX p_pkey RENAME "
	    "TO p_k", "ALTER TABLE p1 RENAME CONSTRAINT p1_k TO p1_k2",
	    "ALTER INDEX q_pkey RENAME TO q_k", "ALTER TABLE q RENAME "
	    "CONSTRAINT q_k TO q_k2" } },
	/* #159 */
	{ "CREATE TABLE u (a int, b int); CREATE UNIQUE INDEX ui ON u (a)",
	    { "ALTER TABLE u ADD CONSTRAINT uc UNIQUE USING INDEX ui",
	    "ALTER INDEX uc RENAME TO uc2", "ALTER TABLE u ADD CONSTRAINT ux "
	    "EXCLUDE USING btree (b WITH =)", "ALTER INDEX ux RENAME TO ux2" } },
	/* domain constraints (owner 0) */
	/* #160 */
	{ "CREATE DOMAIN d AS int CONSTRAINT dc CHECK (VALUE > 0); COMMENT ON "
	    "CONSTRAINT dc ON DOMAIN d IS 'x'; CREATE TABLE t (a d)",
	    { "ALTER DOMAIN d RENAME CONSTRAINT dc TO dc2", "COMMENT ON "
	    "CONSTRAINT dc2 ON DOMAIN d IS 'y'", "ALTER DOMAIN d ADD "
	    "CONSTRAINT dn CHECK (VALUE < 100) NOT VALID", "ALTER DOMAIN d "
	    "VALIDATE CONSTRAINT dn", "ALTER DOMAIN d DROP CONSTRAINT dc2",
	    "ALTER DOMAIN d RENAME TO d2" } },
	/* owner 0's lines that name relations */
	/* #161 */
	{ "CREATE TABLE t (a int); CREATE FUNCTION ft(t) RETURNS int LANGUAGE "
	    "sql AS 'SELECT 1'; CREATE TYPE ct AS (x t)",
	    { "ALTER TABLE t RENAME TO t2", "CREATE TABLE g (a int); DROP "
	    "TABLE g; CREATE TABLE g (a int)", "DROP TABLE g; CREATE TABLE g "
	    "(b int)", "DROP TABLE t2 CASCADE" } },
};

static char *
adv_fp(struct dbrev_conn *c)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_error err = { 0 };

	if (D->fingerprint(c, &b, &err) != 0)
		fail_msg("fingerprint: %s", err.message);
	return dbrev_buf_take(&b);
}

static void
test_adversarial(void **state)
{
	struct dbrev_error err = { 0 };
	struct dbrev_conn *c;
	char saved[sizeof(url)], db[64], *prev, *now, *f;
	const char *only = getenv("ADV_ONLY");
	size_t i, j;
	int stale = 0;

	(void)state;
	memcpy(saved, url, sizeof(url));
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (only != NULL && (size_t)atoi(only) != i)
			continue;
		if (getenv("ADV_FROM") != NULL && i < (size_t)atoi(getenv("ADV_FROM")))
			continue;
		th_pg_create_db("fpadv", db, sizeof(db), url, sizeof(url));
		/* As a scratch database: watched from the start. */
		c = open_kept();
		if (scenarios[i].setup != NULL)
			run(c, scenarios[i].setup);
		prev = adv_fp(c);
		f = fresh();
		if (strcmp(prev, f) != 0)
			printf("# STALE %s #%zu setup\n", watching ?
			    "watched" : "scanned", i);
		free(f);
		for (j = 0; j < MAXSTEPS && scenarios[i].step[j] != NULL;
		    j++) {
			const char *s = scenarios[i].step[j];

			if (D->exec(c, s, NULL, 1, &err) != 0) {
				if (strncmp(s, FAILS, strlen(FAILS)) != 0)
					printf("# ERROR %s #%zu.%zu: %s: %s\n",
					    watching ? "watched" : "scanned", i,
					    j, s, err.message);
				dbrev_error_clear(&err);
			}
			now = adv_fp(c);
			f = fresh();
			if (strcmp(now, f) != 0) {
				printf("# STALE %s #%zu.%zu: %s\n", watching ?
				    "watched" : "scanned", i, j, s);
				stale++;
				free(f);
				free(now);
				break;
			}
			free(f);
			if (strcmp(now, prev) == 0 && strncmp(s, SAME,
			    strlen(SAME)) != 0)
				printf("# UNCHANGED %s #%zu.%zu: %s\n",
				    watching ? "watched" : "scanned", i, j, s);
			free(prev);
			prev = now;
		}
		free(prev);
		D->close(c);
		th_pg_drop_db(db);
		th_pg_admin("DROP ROLE IF EXISTS adv_r1, adv_r2, adv_r3");
	}
	memcpy(url, saved, sizeof(url));
	if (stale > 0)
		fail_msg("%d scenarios stale", stale);
}

/* Rows left in the watch's log: 0 after a fingerprint while watched. */
static long
log_rows(void)
{
	PGconn *pg = PQconnectdb(url);
	PGresult *r = PQexec(pg, "SELECT count(*) FROM "
	    "pg_catalog.dbrev_fingerprint_log");
	long n;

	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	n = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(pg);
	return n;
}

/*
 * Scripts real histories are made of keep the watch: a function whose
 * body runs no dynamic SQL, granted with GRANT EXECUTE ON, a trigger's
 * EXECUTE FUNCTION.  A body with dynamic SQL ends it.
 */
static void
test_watch_kept(void **state)
{
	static const char *const kept[] = {
		"CREATE TABLE plain (a int)",
		"CREATE FUNCTION f1() RETURNS int LANGUAGE sql AS 'SELECT 1'; "
		"GRANT EXECUTE ON FUNCTION f1() TO PUBLIC",
		"CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS "
		"$$BEGIN NEW.a := NEW.a + 1; RETURN NEW; END$$; CREATE TRIGGER "
		"tr BEFORE INSERT ON plain FOR EACH ROW EXECUTE FUNCTION tf()",
		"ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC",
	};
	struct dbrev_conn *c;
	size_t i;

	(void)state;
	if (!watching)
		return;
	c = open_kept();
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		run(c, kept[i]);
		free(adv_fp(c));
		if (log_rows() != 0)
			fail_msg("the watch ended after: %s", kept[i]);
	}
	run(c, "CREATE FUNCTION dyn(t text) RETURNS void LANGUAGE plpgsql AS "
	    "$$BEGIN EXECUTE t; END$$");
	free(adv_fp(c));
	run(c, "CREATE TABLE after_dyn (a int)");
	free(adv_fp(c));
	assert_true(log_rows() > 0);
	D->close(c);
}

/*
 * A stairway that drops an index and does not make it again: after up
 * and down the kept fingerprint must not equal the one before up.  Up
 * alters the type of a partitioned table's column (each partition's
 * index is made again, under a new OID) and drops the index.
 */
static void
test_partition_index_down(void **state)
{
	struct dbrev_conn *c = open_kept();
	char *s0, *s1, *f;

	(void)state;
	run(c, "CREATE TABLE pd (a int PRIMARY KEY, b int) PARTITION BY RANGE "
	    "(a); CREATE TABLE pd1 PARTITION OF pd FOR VALUES FROM (0) TO "
	    "(10); CREATE INDEX pd1_b ON pd1 (a, b)");
	s0 = kept(c, "setup");
	run(c, "ALTER TABLE pd ALTER COLUMN b TYPE bigint; DROP INDEX pd1_b");
	free(adv_fp(c));
	run(c, "ALTER TABLE pd ALTER COLUMN b TYPE int");
	s1 = adv_fp(c);
	f = fresh();
	if (strcmp(s1, s0) == 0 && strcmp(f, s0) != 0)
		fail_msg("the kept fingerprint says the down restored the "
		    "index it did not make again");
	assert_string_equal(s1, f);
	free(s0);
	free(s1);
	free(f);
	run(c, "DROP TABLE pd");
	D->close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_equals_fresh),
		cmocka_unit_test(test_role_rename),
		cmocka_unit_test(test_other_owner),
		cmocka_unit_test(test_down_restores),
		cmocka_unit_test(test_deallocated),
		cmocka_unit_test(test_other_session),
		cmocka_unit_test(test_database_owner),
		cmocka_unit_test(test_in_transaction),
		cmocka_unit_test(test_adversarial),
		cmocka_unit_test(test_partition_index_down),
		cmocka_unit_test(test_watch_kept),
	};

	/* cmocka 1.1 reports a skip as "not ok": say it in plain TAP. */
	if (th_pg_url() == NULL) {
		printf("ok 1 - test_postgres_fingerprint # SKIP no private "
		    "PostgreSQL (DBREV_TEST_PG_URL unset)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("scanned", tests, setup,
	    teardown) | cmocka_run_group_tests_name("watched", tests,
	    setup_watched, teardown);
}
