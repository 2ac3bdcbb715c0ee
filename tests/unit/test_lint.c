/*
 * test_lint.c - the migration lint (dbrev/lint.h): every rule of both
 * databases flags its dangerous form at the right line and leaves its
 * safe form alone; what the tokenizer must not mistake for SQL; what a
 * revision knows it created; lint.conf; "lint: allow" lines; choosing
 * the revisions (check mask, --since, a database's applied ones).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dbrev/apply.h"
#include "dbrev/graph.h"
#include "dbrev/lint.h"
#include "dbrev/revision.h"

#define SQ DBREV_DIALECT_SQLITE
#define PG DBREV_DIALECT_POSTGRES

/*
 * A revision's text after its two header lines (revision, parents):
 * UP puts the SQL on line 5, NONE (transaction: none) on line 6.
 */
#define UP(sql)		"\n-- +upgrade\n" sql
#define NONE(sql)	"-- transaction: none\n\n-- +upgrade\n" sql

/* Build a chain r0 <- r1 <- ... from bodies; NULL ends the list. */
static struct dbrev_graph *
chain(const char *const *bodies)
{
	struct dbrev_revision *revs[8];
	struct dbrev_graph *g = NULL;
	struct dbrev_error e;
	char text[8192], path[32], buf[1024];
	size_t n;

	dbrev_error_init(&e);
	for (n = 0; bodies[n] != NULL; n++) {
		assert_true(n < 8);
		if (n == 0)
			snprintf(text, sizeof text, "-- revision: r0\n"
			    "-- parents:\n%s", bodies[n]);
		else
			snprintf(text, sizeof text, "-- revision: r%zu\n"
			    "-- parents: r%zu\n%s", n, n - 1, bodies[n]);
		snprintf(path, sizeof path, "v/r%zu.sql", n);
		if (dbrev_revision_parse(path, text, strlen(text), 0,
		    &revs[n], &e) != 0)
			fail_msg("revision %zu: %s", n,
			    dbrev_error_format(&e, buf, sizeof buf));
	}
	if (dbrev_graph_build(revs, n, &g, &e) != 0)
		fail_msg("graph: %s", dbrev_error_format(&e, buf, sizeof buf));
	return g;
}

static void
lint_chain(enum dbrev_dialect d, const char *const *bodies,
    const unsigned char *check, const struct dbrev_lint_config *config,
    struct dbrev_lint_result *res)
{
	struct dbrev_graph *g = chain(bodies);
	struct dbrev_error e;
	char buf[1024];

	dbrev_error_init(&e);
	memset(res, 0, sizeof(*res));
	if (dbrev_lint_graph(g, check, d, config, res, &e) != 0)
		fail_msg("lint: %s", dbrev_error_format(&e, buf, sizeof buf));
	dbrev_graph_free(g);
}

/* The finding of rule in file at line, or NULL. */
static const struct dbrev_lint_finding *
find(const struct dbrev_lint_result *res, const char *rule,
    const char *file, unsigned line)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		if (strcmp(res->findings[i].rule, rule) == 0 &&
		    (file == NULL || strcmp(res->findings[i].file, file) == 0) &&
		    (line == 0 || res->findings[i].line == line))
			return &res->findings[i];
	return NULL;
}

static void
dump(const struct dbrev_lint_result *res)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		print_message("#   %s:%u: %s: %s\n", res->findings[i].file,
		    res->findings[i].line, res->findings[i].rule,
		    res->findings[i].message);
}

/*
 * A case: the revisions (the last one is where a finding must be, or
 * must not be), the rule, and the line of the last revision it flags
 * (0: the rule must flag nothing at all).
 */
struct lcase {
	const char		*name;
	enum dbrev_dialect	 d;
	const char		*revs[7];
	const char		*rule;
	unsigned		 line;
};

#define T0 UP("CREATE TABLE t (a integer, b text, c varchar(10), " \
	"d numeric(10,2), e timestamp(3));\n")

static const struct lcase cases[] = {
	/* PostgreSQL: indexes */
	{ "pg create index on existing table", PG, { T0,
	    UP("CREATE INDEX ti ON t (a);\n") },
	    "require-concurrent-index-creation", 5 },
	{ "pg create index concurrently", PG, { T0,
	    NONE("CREATE INDEX CONCURRENTLY ti ON t (a);\n") },
	    "require-concurrent-index-creation", 0 },
	{ "pg index on a table of the same revision", PG, {
	    UP("CREATE TABLE u (a int8);\nCREATE INDEX ON public.u (a);\n") },
	    "require-concurrent-index-creation", 0 },
	{ "pg drop index", PG, { T0, UP("CREATE INDEX ti ON t (a);\n"),
	    UP("SELECT 1;\nDROP INDEX ti;\n") },
	    "require-concurrent-index-deletion", 6 },
	{ "pg drop index concurrently", PG, { T0,
	    NONE("DROP INDEX CONCURRENTLY IF EXISTS ti;\n") },
	    "require-concurrent-index-deletion", 0 },
	{ "pg drop index of a new table", PG, {
	    UP("CREATE TABLE u (a int8);\nCREATE INDEX ui ON u (a);\n"
	    "DROP INDEX ui;\n") }, "require-concurrent-index-deletion", 0 },
	{ "pg reindex", PG, { T0, UP("REINDEX INDEX ti;\n") },
	    "require-concurrent-reindex", 5 },
	{ "pg reindex concurrently", PG, { T0,
	    NONE("REINDEX (VERBOSE) TABLE CONCURRENTLY t;\n") },
	    "require-concurrent-reindex", 0 },
	{ "pg concurrently in a transaction", PG, { T0,
	    UP("\n\nCREATE INDEX CONCURRENTLY ti ON t (a);\n") },
	    "ban-concurrent-index-creation-in-transaction", 7 },
	{ "pg detach concurrently in a transaction", PG, { T0,
	    UP("ALTER TABLE t DETACH PARTITION p CONCURRENTLY;\n") },
	    "ban-concurrent-index-creation-in-transaction", 5 },
	{ "pg concurrently without a transaction", PG, { T0,
	    NONE("CREATE UNIQUE INDEX CONCURRENTLY ti ON t (a);\n") },
	    "ban-concurrent-index-creation-in-transaction", 0 },
	/* PostgreSQL: columns */
	{ "pg add not null column without default", PG, { T0,
	    UP("ALTER TABLE t\n    ADD COLUMN f int8 NOT NULL;\n") },
	    "adding-required-field", 6 },
	{ "pg add not null column with default", PG, { T0,
	    UP("ALTER TABLE t ADD COLUMN f int8 NOT NULL DEFAULT 0;\n") },
	    "adding-required-field", 0 },
	{ "pg add not null identity", PG, { T0,
	    UP("ALTER TABLE t ADD f int8 NOT NULL GENERATED ALWAYS AS "
	    "IDENTITY;\n") }, "adding-required-field", 0 },
	{ "pg volatile default", PG, { T0,
	    UP("ALTER TABLE t ADD COLUMN f uuid DEFAULT gen_random_uuid();\n") },
	    "adding-field-with-default", 5 },
	{ "pg unknown function default", PG, { T0,
	    UP("ALTER TABLE t ADD COLUMN f int8 DEFAULT my_counter();\n") },
	    "adding-field-with-default", 5 },
	{ "pg serial column added", PG, { T0,
	    UP("ALTER TABLE t ADD COLUMN f bigserial;\n") },
	    "adding-field-with-default", 5 },
	{ "pg stored generated column added", PG, { T0,
	    UP("ALTER TABLE t ADD COLUMN f int8 GENERATED ALWAYS AS (a * 2) "
	    "STORED;\n") }, "adding-field-with-default", 5 },
	{ "pg stable and constant defaults", PG, { T0,
	    UP("ALTER TABLE t ADD COLUMN f timestamptz DEFAULT now(),\n"
	    "  ADD COLUMN g text DEFAULT 'x'::varchar(3) NOT NULL,\n"
	    "  ADD COLUMN h jsonb DEFAULT '{}'::jsonb,\n"
	    "  ADD COLUMN i int8 DEFAULT CAST(2 AS numeric(3)),\n"
	    "  ADD COLUMN j date DEFAULT CURRENT_DATE;\n") },
	    "adding-field-with-default", 0 },
	{ "pg default of a function declared immutable", PG, { T0,
	    UP("CREATE OR REPLACE FUNCTION add_one(x int8) RETURNS int8\n"
	    "  LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;\n"
	    "CREATE FUNCTION util.f() RETURNS int8 AS $$ SELECT 1 $$\n"
	    "  LANGUAGE sql STABLE;\n"),
	    UP("ALTER TABLE t ADD COLUMN f int8 DEFAULT add_one(0),\n"
	    "  ADD COLUMN g int8 DEFAULT public.add_one(1),\n"
	    "  ADD COLUMN h int8 DEFAULT util.f();\n") },
	    "adding-field-with-default", 0 },
	{ "pg default of a function redefined volatile", PG, { T0,
	    UP("CREATE FUNCTION f() RETURNS int8 LANGUAGE sql STABLE\n"
	    "  AS 'SELECT 1';\nCREATE OR REPLACE FUNCTION f() RETURNS int8\n"
	    "  LANGUAGE sql VOLATILE AS 'SELECT 1';\n"),
	    UP("ALTER TABLE t ADD COLUMN f int8 DEFAULT f();\n") },
	    "adding-field-with-default", 5 },
	{ "pg default of a dropped function", PG, { T0,
	    UP("CREATE FUNCTION f() RETURNS int8 LANGUAGE sql STABLE\n"
	    "  AS 'SELECT 1';\nDROP FUNCTION IF EXISTS g(int), f();\n"),
	    UP("ALTER TABLE t ADD COLUMN f int8 DEFAULT f();\n") },
	    "adding-field-with-default", 5 },
	{ "pg default of a function of another schema", PG, { T0,
	    UP("CREATE FUNCTION util.f() RETURNS int8 LANGUAGE sql STABLE\n"
	    "  AS 'SELECT 1';\n"),
	    UP("ALTER TABLE t ADD COLUMN f int8 DEFAULT f();\n") },
	    "adding-field-with-default", 5 },
	{ "pg volatile default on a new table", PG, {
	    UP("CREATE TABLE u (a int8);\n"
	    "ALTER TABLE u ADD COLUMN f uuid DEFAULT gen_random_uuid();\n") },
	    "adding-field-with-default", 0 },
	{ "pg set not null", PG, { T0,
	    UP("ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n") },
	    "adding-not-nullable-field", 5 },
	{ "pg set not null after a validated check", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) "
	    "NOT VALID;\n"), UP("ALTER TABLE t VALIDATE CONSTRAINT a_nn;\n"),
	    UP("ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n") },
	    "adding-not-nullable-field", 0 },
	{ "pg set not null after a check never validated", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT a_nn CHECK ((a IS NOT NULL)) "
	    "NOT VALID;\n"), UP("ALTER TABLE t ALTER a SET NOT NULL;\n") },
	    "adding-not-nullable-field", 5 },
	/* PostgreSQL: constraints */
	{ "pg foreign key", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (a) "
	    "REFERENCES u (id);\n") }, "adding-foreign-key-constraint", 5 },
	{ "pg foreign key column", PG, { T0,
	    UP("ALTER TABLE t ADD COLUMN u_id int8 REFERENCES u;\n") },
	    "adding-foreign-key-constraint", 5 },
	{ "pg foreign key not valid", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (a) "
	    "REFERENCES u (id) NOT VALID;\n"),
	    UP("ALTER TABLE t VALIDATE CONSTRAINT t_fk;\n") },
	    "adding-foreign-key-constraint", 0 },
	{ "pg check", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0);\n") },
	    "constraint-missing-not-valid", 5 },
	{ "pg check validated in the same transaction", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0) NOT VALID;\n"
	    "ALTER TABLE t VALIDATE CONSTRAINT pos;\n") },
	    "constraint-missing-not-valid", 6 },
	{ "pg check validated later", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0) NOT VALID;\n"),
	    UP("ALTER TABLE t VALIDATE CONSTRAINT pos;\n") },
	    "constraint-missing-not-valid", 0 },
	{ "pg check validated without a transaction", PG, { T0,
	    NONE("ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0) NOT VALID;\n"
	    "ALTER TABLE t VALIDATE CONSTRAINT pos;\n") },
	    "constraint-missing-not-valid", 0 },
	{ "pg unique", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT t_a UNIQUE (a);\n") },
	    "disallowed-unique-constraint", 5 },
	{ "pg primary key", PG, { T0, UP("ALTER TABLE t ADD PRIMARY KEY (a);\n") },
	    "disallowed-unique-constraint", 5 },
	{ "pg unique using index", PG, { T0,
	    NONE("CREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a);\n"),
	    UP("ALTER TABLE t ADD CONSTRAINT t_a UNIQUE USING INDEX t_a;\n") },
	    "disallowed-unique-constraint", 0 },
	{ "pg unique on a new table", PG, {
	    UP("CREATE TABLE u (a int8);\n"
	    "ALTER TABLE u ADD CONSTRAINT u_a UNIQUE (a);\n") },
	    "disallowed-unique-constraint", 0 },
	{ "pg exclusion", PG, { T0,
	    UP("ALTER TABLE t ADD CONSTRAINT t_x EXCLUDE USING gist "
	    "(e WITH &&);\n") }, "adding-exclusion-constraint", 5 },
	/* PostgreSQL: types */
	{ "pg int to bigint", PG, { T0,
	    UP("ALTER TABLE t ALTER COLUMN a TYPE bigint;\n") },
	    "changing-column-type", 5 },
	{ "pg varchar shortened", PG, { T0,
	    UP("ALTER TABLE t ALTER COLUMN c TYPE varchar(5);\n") },
	    "changing-column-type", 5 },
	{ "pg type of an unknown column", PG, { T0,
	    UP("ALTER TABLE other ALTER COLUMN x SET DATA TYPE text;\n") },
	    "changing-column-type", 5 },
	{ "pg type change with using", PG, { T0,
	    UP("ALTER TABLE t ALTER COLUMN b TYPE text USING b || '';\n") },
	    "changing-column-type", 5 },
	{ "pg type changes without a rewrite", PG, { T0,
	    UP("ALTER TABLE t ALTER COLUMN c TYPE character varying(20),\n"
	    "  ALTER COLUMN d TYPE numeric(12,2), ALTER COLUMN e TYPE "
	    "timestamp(6) without time zone;\n"),
	    UP("ALTER TABLE t ALTER COLUMN c TYPE text;\n"),
	    UP("ALTER TABLE t ALTER COLUMN c TYPE varchar;\n"),
	    UP("ALTER TABLE t ALTER COLUMN c TYPE text USING c::text;\n"),
	    UP("ALTER TABLE t ALTER COLUMN c TYPE citext, ALTER COLUMN b "
	    "TYPE citext;\nALTER TABLE t ALTER COLUMN c TYPE varchar;\n") },
	    "changing-column-type", 0 },
	/* PostgreSQL: other statements */
	{ "pg enum value appended", PG, { T0,
	    UP("ALTER TYPE mood ADD VALUE 'meh';\n") },
	    "require-enum-value-ordering", 5 },
	{ "pg enum value placed", PG, { T0,
	    UP("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'ok';\n") },
	    "require-enum-value-ordering", 0 },
	{ "pg truncate cascade", PG, { T0, UP("TRUNCATE t CASCADE;\n") },
	    "ban-truncate-cascade", 5 },
	{ "pg truncate", PG, { T0, UP("TRUNCATE TABLE t RESTART IDENTITY;\n") },
	    "ban-truncate-cascade", 0 },
	{ "pg vacuum full", PG, { T0, NONE("VACUUM FULL t;\n") },
	    "prefer-repack", 6 },
	{ "pg vacuum (full)", PG, { T0, NONE("VACUUM (FULL, ANALYZE) t;\n") },
	    "prefer-repack", 6 },
	{ "pg cluster", PG, { T0, UP("CLUSTER t USING ti;\n") },
	    "prefer-repack", 5 },
	{ "pg plain vacuum", PG, { T0, NONE("VACUUM (FULL false) t;\n") },
	    "prefer-repack", 0 },
	{ "pg vacuum in a transaction", PG, { T0, UP("VACUUM ANALYZE t;\n") },
	    "require-transaction-none", 5 },
	{ "pg reindex database in a transaction", PG, { T0,
	    UP("REINDEX (VERBOSE) DATABASE app;\n") },
	    "require-transaction-none", 5 },
	{ "pg reindex table in a transaction", PG, { T0,
	    UP("REINDEX TABLE database;\n") }, "require-transaction-none", 0 },
	{ "pg vacuum without a transaction", PG, { T0,
	    NONE("VACUUM ANALYZE t;\n") }, "require-transaction-none", 0 },
	{ "pg no lock_timeout", PG, { T0,
	    UP("SELECT 1;\nALTER TABLE t ADD COLUMN f text;\n"
	    "ALTER TABLE t ADD COLUMN g text;\n") }, "require-lock-timeout", 6 },
	{ "pg lock_timeout set", PG, { T0,
	    UP("SET LOCAL lock_timeout = '5s';\n"
	    "ALTER TABLE t ADD COLUMN f text;\n") }, "require-lock-timeout", 0 },
	{ "pg lock_timeout set to none", PG, { T0,
	    UP("SET LOCAL lock_timeout TO 0;\nSET lock_timeout = '0ms';\n"
	    "SET lock_timeout TO DEFAULT;\n"
	    "SELECT set_config('lock_timeout', '0', true);\n"
	    "ALTER TABLE t ADD COLUMN f text;\n") }, "require-lock-timeout", 9 },
	{ "pg lock_timeout of 10 and 1.5s", PG, { T0,
	    UP("SET lock_timeout = 10;\nSET lock_timeout = '1.5s';\n"
	    "ALTER TABLE t ADD COLUMN f text;\n") }, "require-lock-timeout", 0 },
	{ "pg lock_timeout by set_config", PG, { T0,
	    UP("SELECT set_config('lock_timeout', '5s', true);\n"
	    "ALTER TABLE t ADD COLUMN f text;\n") }, "require-lock-timeout", 0 },
	{ "pg set local outside a transaction does nothing", PG, { T0,
	    NONE("SET LOCAL lock_timeout = '5s';\n"
	    "ALTER TABLE t ADD COLUMN f text;\n") }, "require-lock-timeout", 7 },
	{ "pg session lock_timeout without a transaction", PG, { T0,
	    NONE("SET lock_timeout TO '5s';\n"
	    "ALTER TABLE t ADD COLUMN f text;\n") }, "require-lock-timeout", 0 },
	{ "pg lock_timeout set too late", PG, { T0,
	    UP("DROP INDEX ti;\nSET lock_timeout = '1s';\n") },
	    "require-lock-timeout", 5 },
	{ "pg rebuild", PG, { T0,
	    UP("CREATE TABLE t_new (a int8);\n"
	    "INSERT INTO t_new SELECT a FROM t;\nDROP TABLE t;\n"
	    "ALTER TABLE t_new RENAME TO t;\n") }, "table-rebuild", 7 },
	{ "pg int column", PG, { UP("CREATE TABLE u (\n  id int8,\n"
	    "  n int4 NOT NULL\n);\n") }, "prefer-bigint-over-int", 7 },
	{ "pg int column added", PG, { T0,
	    UP("ALTER TABLE t ADD COLUMN n integer;\n") },
	    "prefer-bigint-over-int", 5 },
	{ "pg bigint columns", PG, { UP("CREATE TABLE u (id bigint, n int8, "
	    "s bigserial, i bigint GENERATED BY DEFAULT AS IDENTITY);\n") },
	    "prefer-bigint-over-int", 0 },
	{ "pg smallint column", PG, { UP("CREATE TABLE u (n smallint);\n") },
	    "prefer-bigint-over-smallint", 5 },
	{ "pg serial column", PG, { UP("CREATE TABLE u (\nid serial8);\n") },
	    "prefer-identity", 6 },
	{ "pg identity column", PG, { UP("CREATE TABLE u (id int8 GENERATED "
	    "ALWAYS AS IDENTITY);\n") }, "prefer-identity", 0 },
	{ "pg timestamp column", PG, { UP("CREATE TABLE u (at timestamp "
	    "without time zone);\n") }, "prefer-timestamptz", 5 },
	{ "pg timestamptz column", PG, { UP("CREATE TABLE u (at timestamp(3) "
	    "with time zone, b timestamptz);\n") }, "prefer-timestamptz", 0 },
	/* Both: expand and contract, transactions */
	{ "pg drop column", PG, { T0, UP("ALTER TABLE t DROP COLUMN b;\n") },
	    "ban-drop-column", 5 },
	{ "sqlite drop column", SQ, { T0, UP("ALTER TABLE t DROP b;\n") },
	    "ban-drop-column", 5 },
	{ "drop column of a new table", PG, { UP("CREATE TABLE u (a int8, "
	    "b text);\nALTER TABLE u DROP COLUMN IF EXISTS b;\n") },
	    "ban-drop-column", 0 },
	{ "pg drop table", PG, { T0, UP("DROP TABLE IF EXISTS t, u;\n") },
	    "ban-drop-table", 5 },
	{ "sqlite drop table", SQ, { T0, UP("DROP TABLE main.t;\n") },
	    "ban-drop-table", 5 },
	{ "drop table of the same revision", SQ, {
	    UP("CREATE TABLE u (a);\nDROP TABLE u;\n") }, "ban-drop-table", 0 },
	{ "drop table rebuilt", SQ, { T0,
	    UP("CREATE TABLE t2 (a);\nDROP TABLE t;\n"
	    "ALTER TABLE t2 RENAME TO t;\n") }, "ban-drop-table", 0 },
	{ "pg rename column", PG, { T0,
	    UP("ALTER TABLE t RENAME COLUMN b TO bb;\n") },
	    "renaming-column", 5 },
	{ "sqlite rename column", SQ, { T0,
	    UP("ALTER TABLE t RENAME b TO bb;\n") }, "renaming-column", 5 },
	{ "pg rename table", PG, { T0, UP("ALTER TABLE t RENAME TO tt;\n") },
	    "renaming-table", 5 },
	{ "sqlite rename table", SQ, { T0,
	    UP("ALTER TABLE \"T\" RENAME TO tt;\n") }, "renaming-table", 5 },
	{ "rename a new table", PG, { UP("CREATE TABLE u (a int8);\n"
	    "ALTER TABLE u RENAME TO uu;\nALTER TABLE uu RENAME a TO b;\n") },
	    "renaming-table", 0 },
	{ "pg begin in a transaction", PG, { T0,
	    UP("BEGIN;\nSELECT 1;\nCOMMIT;\n") }, "transaction-nesting", 5 },
	{ "sqlite commit in a transaction", SQ, { T0,
	    UP("SELECT 1;\nEND TRANSACTION;\n") }, "transaction-nesting", 6 },
	{ "begin without a transaction", SQ, { T0,
	    NONE("BEGIN IMMEDIATE;\nSELECT 1;\nCOMMIT;\nROLLBACK TO x;\n") },
	    "transaction-nesting", 0 },
	{ "rollback to a savepoint", PG, { T0,
	    UP("SAVEPOINT a;\nROLLBACK TO SAVEPOINT a;\n") },
	    "transaction-nesting", 0 },
	/* SQLite */
	{ "sqlite drop column a view uses", SQ, {
	    UP("CREATE TABLE t (a, b);\nCREATE VIEW v AS SELECT b FROM t;\n"),
	    UP("ALTER TABLE t DROP COLUMN b;\n") },
	    "drop-column-referenced", 5 },
	{ "sqlite drop column a trigger uses", SQ, {
	    UP("CREATE TABLE t (a, b);\nCREATE TABLE log (x);\n"
	    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	    "  INSERT INTO log VALUES (new.b);\nEND;\n"),
	    UP("ALTER TABLE t DROP COLUMN b;\n") },
	    "drop-column-referenced", 5 },
	{ "sqlite drop column an index uses, renamed", SQ, {
	    UP("CREATE TABLE t (a, b);\nCREATE INDEX tb ON t (b);\n"),
	    UP("ALTER TABLE t RENAME COLUMN b TO c;\n"),
	    UP("ALTER TABLE t DROP COLUMN c;\n") },
	    "drop-column-referenced", 5 },
	{ "sqlite drop column another table's trigger writes", SQ, {
	    UP("CREATE TABLE t (a, b);\nCREATE TABLE u (x);\n"
	    "CREATE TRIGGER tr AFTER INSERT ON u BEGIN\n"
	    "  UPDATE t SET b = 1;\nEND;\n"),
	    UP("ALTER TABLE t DROP COLUMN b;\n") },
	    "drop-column-referenced", 5 },
	{ "sqlite drop column a trigger's UPDATE OF names", SQ, {
	    UP("CREATE TABLE t (a, b);\n"
	    "CREATE TRIGGER tr AFTER UPDATE OF b ON t BEGIN SELECT 1; END;\n"),
	    UP("ALTER TABLE t DROP COLUMN b;\n") },
	    "drop-column-referenced", 5 },
	{ "sqlite drop column after dropping the view", SQ, {
	    UP("CREATE TABLE t (a, b);\nCREATE VIEW v AS SELECT b FROM t;\n"),
	    UP("DROP VIEW v;\nALTER TABLE t DROP COLUMN b;\n"
	    "CREATE VIEW v AS SELECT a FROM t;\n") },
	    "drop-column-referenced", 0 },
	{ "sqlite drop column of a dropped table's trigger", SQ, {
	    UP("CREATE TABLE t (a, b);\nCREATE TABLE u (b);\n"
	    "CREATE TRIGGER tr AFTER INSERT ON u BEGIN SELECT new.b; END;\n"),
	    UP("DROP TABLE u;\nALTER TABLE t DROP COLUMN b;\n") },
	    "drop-column-referenced", 0 },
	{ "sqlite pragma foreign_keys in a transaction", SQ, { T0,
	    UP("PRAGMA foreign_keys = OFF;\n") },
	    "pragma-foreign-keys-in-transaction", 5 },
	{ "sqlite pragma foreign_keys without a transaction", SQ, { T0,
	    NONE("PRAGMA main.foreign_keys=off;\n") },
	    "pragma-foreign-keys-in-transaction", 0 },
	{ "sqlite reading pragma foreign_keys", SQ, { T0,
	    UP("PRAGMA foreign_keys;\n") },
	    "pragma-foreign-keys-in-transaction", 0 },
	{ "sqlite vacuum in a transaction", SQ, { T0, UP("VACUUM;\n") },
	    "require-transaction-none", 5 },
	{ "sqlite journal_mode in a transaction", SQ, { T0,
	    UP("PRAGMA journal_mode = WAL;\n") }, "require-transaction-none", 5 },
	{ "sqlite vacuum without a transaction", SQ, { T0, NONE("VACUUM;\n") },
	    "require-transaction-none", 0 },
	{ "sqlite rebuild", SQ, { T0,
	    UP("CREATE TABLE t2 (a);\nINSERT INTO t2 SELECT a FROM t;\n"
	    "DROP TABLE t;\nALTER TABLE t2 RENAME TO t;\n") },
	    "table-rebuild", 7 },
	{ "sqlite drop column rewrites", SQ, { T0,
	    UP("ALTER TABLE t DROP COLUMN b;\n") }, "table-rebuild", 5 },
	{ "sqlite index on existing table", SQ, { T0,
	    UP("CREATE INDEX ti ON t (a);\n") }, "blocking-index-creation", 5 },
	{ "sqlite index on a new table", SQ, { UP("CREATE TABLE u (a);\n"
	    "CREATE UNIQUE INDEX IF NOT EXISTS ui ON u (a);\n") },
	    "blocking-index-creation", 0 },
	{ "sqlite add not null column", SQ, { T0,
	    UP("ALTER TABLE t ADD COLUMN f INTEGER NOT NULL;\n") },
	    "adding-required-field", 5 },
	{ "sqlite add not null column default null", SQ, { T0,
	    UP("ALTER TABLE t ADD f NOT NULL DEFAULT NULL;\n") },
	    "adding-required-field", 5 },
	{ "sqlite add not null column with default", SQ, { T0,
	    UP("ALTER TABLE t ADD COLUMN f INTEGER NOT NULL DEFAULT -1;\n") },
	    "adding-required-field", 0 },
	{ "sqlite current_timestamp default", SQ, { T0,
	    UP("ALTER TABLE t ADD COLUMN f TEXT DEFAULT CURRENT_TIMESTAMP;\n") },
	    "adding-field-with-default", 5 },
	{ "sqlite expression default", SQ, { T0,
	    UP("ALTER TABLE t ADD COLUMN f DEFAULT (1 + 1);\n") },
	    "adding-field-with-default", 5 },
	{ "sqlite constant defaults", SQ, { T0,
	    UP("ALTER TABLE t ADD COLUMN f DEFAULT 'x';\n"
	    "ALTER TABLE t ADD COLUMN g DEFAULT -1.5;\n"
	    "ALTER TABLE t ADD COLUMN h DEFAULT (- (1));\n"
	    "ALTER TABLE t ADD COLUMN i DEFAULT (CAST(1 AS TEXT));\n"
	    "ALTER TABLE t ADD COLUMN j DEFAULT abc NOT NULL;\n") },
	    "adding-field-with-default", 0 },
	{ "sqlite name in parentheses as default", SQ, { T0,
	    UP("ALTER TABLE t ADD COLUMN f DEFAULT (abc);\n") },
	    "adding-field-with-default", 5 },
	/* What is not SQL */
	{ "strings, comments and identifiers are not statements", PG, { T0,
	    UP("INSERT INTO t (b) VALUES ('x; DROP TABLE t;');\n"
	    "-- DROP TABLE t;\n/* DROP TABLE t; /* nested */ DROP TABLE t; */\n"
	    "SELECT E'it\\'s; DROP TABLE t;' AS \"DROP TABLE t;\";\n"
	    "DO $body$ BEGIN DROP TABLE t; END $body$;\n"
	    "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
	    "BEGIN ATOMIC SELECT 1; DROP TABLE t; END;\n") },
	    "ban-drop-table", 0 },
	{ "sqlite comments do not nest", SQ, { T0,
	    UP("/* DROP TABLE x; /* a */ DROP TABLE t; -- */\n") },
	    "ban-drop-table", 5 },
	{ "sqlite trigger bodies are one statement", SQ, { T0,
	    UP("CREATE TRIGGER tr AFTER DELETE ON t BEGIN\n"
	    "  DROP TABLE t;\n  SELECT CASE WHEN 1 THEN 2 END;\nEND;\n"
	    "DROP TABLE t;\n") }, "ban-drop-table", 9 },
	{ "the line after a multi-line string", PG, { T0,
	    UP("INSERT INTO t (b) VALUES ('one\ntwo\n');\n"
	    "SELECT $$\n$$;\nDROP TABLE t;\n") }, "ban-drop-table", 10 },
	{ "names are case-insensitive and unquoted", PG, {
	    UP("CREATE TABLE \"Users\" (a int8);\n"
	    "CREATE INDEX ON USERS (a);\nDROP TABLE public.users;\n") },
	    "ban-drop-table", 0 },
	{ "a table of another schema is another table", PG, {
	    UP("CREATE TABLE audit.t (a int8);\nCREATE INDEX ON t (a);\n") },
	    "require-concurrent-index-creation", 6 },
};

static void
test_rules(void **state)
{
	struct dbrev_lint_result res;
	const struct lcase *c;
	const struct dbrev_lint_finding *f;
	char last[32];
	size_t i, n, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		if (dbrev_lint_nrules(c->d) == 0)
			continue;	/* built without PostgreSQL */
		for (n = 0; c->revs[n] != NULL; n++)
			;
		snprintf(last, sizeof last, "v/r%zu.sql", n - 1);
		lint_chain(c->d, c->revs, NULL, NULL, &res);
		f = find(&res, c->rule, NULL, 0);
		if (c->line == 0 && f != NULL) {
			dump(&res);
			fail_msg("%s: %s flagged %s:%u", c->name, c->rule,
			    f->file, f->line);
		}
		if (c->line != 0 && find(&res, c->rule, last, c->line) ==
		    NULL) {
			dump(&res);
			fail_msg("%s: %s not flagged at %s:%u", c->name,
			    c->rule, last, c->line);
		}
		/* Every finding says what and how, at its rule's level. */
		for (k = 0; k < res.nfindings; k++) {
			f = &res.findings[k];
			assert_non_null(f->message);
			assert_non_null(f->hint);
			assert_true(f->level == DBREV_LINT_WARNING ||
			    f->level == DBREV_LINT_ERROR);
		}
		dbrev_lint_result_free(&res);
	}
}

/* Every rule of both databases has a dangerous case above. */
static void
test_every_rule_has_a_case(void **state)
{
	const enum dbrev_dialect ds[] = { SQ, PG };
	const struct dbrev_lint_rule_info *r;
	size_t d, i, k;
	int found;

	(void)state;
	for (d = 0; d < (dbrev_lint_nrules(PG) > 0 ? 2 : 1); d++) {
		assert_true(dbrev_lint_nrules(ds[d]) > 0);
		for (i = 0; (r = dbrev_lint_rule(ds[d], i)) != NULL; i++) {
			found = 0;
			for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
				if (cases[k].d == ds[d] && cases[k].line != 0 &&
				    strcmp(cases[k].rule, r->name) == 0)
					found = 1;
			if (!found)
				fail_msg("%s rule %s has no case",
				    dbrev_dialect_name(ds[d]), r->name);
			assert_non_null(r->summary);
		}
		assert_null(dbrev_lint_rule(ds[d], i));
	}
}

/* The header: any number of lint lines, kept with their lines. */
static void
test_header_lint_lines(void **state)
{
	static const char text[] =
	    "-- revision: a1\n"
	    "-- lint: allow ban-drop-table -- old table, unused since 2.3\n"
	    "-- message: m\n"
	    "--lint:   allow ban-drop-column -- x  \n"
	    "\n-- +upgrade\nSELECT 1;\n";
	static const char twice[] =
	    "-- revision: a1\n-- message: m\n-- message: n\n\n-- +upgrade\n";
	struct dbrev_revision *r = NULL;
	struct dbrev_error e;

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_revision_parse("v/a.sql", text,
	    sizeof(text) - 1, 0, &r, &e), 0);
	assert_int_equal(r->nlint, 2);
	assert_string_equal(r->lint[0],
	    "allow ban-drop-table -- old table, unused since 2.3");
	assert_int_equal(r->lint_line[0], 2);
	assert_string_equal(r->lint[1], "allow ban-drop-column -- x");
	assert_int_equal(r->lint_line[1], 4);
	assert_string_equal(r->message, "m");
	dbrev_revision_free(r);
	/* Header-only parsing keeps them too. */
	assert_int_equal(dbrev_revision_parse("v/a.sql", text,
	    sizeof(text) - 1, DBREV_PARSE_HEADER_ONLY, &r, &e), 0);
	assert_int_equal(r->nlint, 2);
	dbrev_revision_free(r);
	/* Other keys still may not repeat. */
	assert_int_equal(dbrev_revision_parse("v/a.sql", twice,
	    sizeof(twice) - 1, 0, &r, &e), -1);
	assert_int_equal(e.line, 3);
	dbrev_error_clear(&e);
}

static void
test_allow(void **state)
{
	const char *revs[] = { T0,
	    "-- lint: allow ban-drop-table -- unused since 2.3\n"
	    "-- lint: allow blocking-index-creation -- SQLite's rule\n"
	    UP("DROP TABLE t;\nALTER TABLE t2 DROP COLUMN x;\n"), NULL };
	struct dbrev_lint_result res;

	(void)state;
	if (dbrev_lint_nrules(PG) == 0)
		skip();	/* built without PostgreSQL */
	lint_chain(PG, revs, NULL, NULL, &res);
	assert_null(find(&res, "ban-drop-table", NULL, 0));
	assert_non_null(find(&res, "ban-drop-column", "v/r1.sql", 8));
	assert_int_equal(res.nallowed, 1);
	dbrev_lint_result_free(&res);
}

static void
test_bad_allow_lines(void **state)
{
	const char *revs[] = { T0,
	    "-- lint: allow ban-drop-table\n"
	    "-- lint: allow no-such-rule -- why\n"
	    "-- lint: allow ban-drop-table --   \n"
	    "-- lint: deny ban-drop-table -- no\n"
	    UP("DROP TABLE t;\n"), NULL };
	struct dbrev_graph *g = chain(revs);
	struct dbrev_lint_result res;
	struct dbrev_error e;
	const struct dbrev_error *p;
	unsigned lines[] = { 3, 4, 5, 6 };
	size_t i;

	(void)state;
	if (dbrev_lint_nrules(PG) == 0)
		skip();	/* built without PostgreSQL */
	dbrev_error_init(&e);
	memset(&res, 0, sizeof(res));
	assert_int_equal(dbrev_lint_graph(g, NULL, PG, NULL, &res, &e), -1);
	assert_int_equal(dbrev_error_count(&e), 4);
	for (p = &e, i = 0; p != NULL; p = p->next, i++) {
		assert_int_equal(p->kind, DBREV_ERR_INPUT);
		assert_string_equal(p->file, "v/r1.sql");
		assert_int_equal(p->line, lines[i]);
		assert_non_null(p->hint);
	}
	assert_non_null(strstr(e.message, "needs a reason"));
	assert_non_null(strstr(e.next->message, "unknown rule 'no-such-rule'"));
	assert_int_equal(res.nfindings, 0);
	dbrev_error_clear(&e);
	/* Not checked, not read: an old revision's lines do not matter. */
	{
		unsigned char check[] = { 1, 0 };

		assert_int_equal(dbrev_lint_graph(g, check, PG, NULL, &res,
		    &e), 0);
		dbrev_lint_result_free(&res);
	}
	dbrev_graph_free(g);
}

static void
test_config(void **state)
{
	static const char conf[] =
	    "# levels for this project\n"
	    "prefer-bigint-over-int error   # ids\n"
	    "\n"
	    "  require-lock-timeout off\n"
	    "blocking-index-creation warning\n";
	const char *revs[] = { UP("CREATE TABLE u (a int4);\n"), T0,
	    UP("ALTER TABLE t ADD COLUMN x text;\n"), NULL };
	struct dbrev_lint_config *c = NULL;
	struct dbrev_lint_result res;
	struct dbrev_error e;
	const struct dbrev_lint_finding *f;

	(void)state;
	if (dbrev_lint_nrules(PG) == 0)
		skip();	/* built without PostgreSQL */
	dbrev_error_init(&e);
	assert_int_equal(dbrev_lint_config_parse("m/lint.conf", conf,
	    sizeof(conf) - 1, PG, &c, &e), 0);
	lint_chain(PG, revs, NULL, c, &res);
	f = find(&res, "prefer-bigint-over-int", "v/r0.sql", 5);
	assert_non_null(f);
	assert_int_equal(f->level, DBREV_LINT_ERROR);
	assert_null(find(&res, "require-lock-timeout", NULL, 0));
	assert_true(res.nerrors >= 1);
	dbrev_lint_result_free(&res);
	dbrev_lint_config_free(c);
	/* Without it: a warning. */
	lint_chain(PG, revs, NULL, NULL, &res);
	f = find(&res, "prefer-bigint-over-int", "v/r0.sql", 5);
	assert_int_equal(f->level, DBREV_LINT_WARNING);
	assert_non_null(find(&res, "require-lock-timeout", "v/r2.sql", 5));
	dbrev_lint_result_free(&res);
}

static void
test_bad_config(void **state)
{
	static const char conf[] =
	    "prefer-bigint-over-int\n"
	    "no-such-rule off\n"
	    "ban-drop-table loud\n"
	    "ban-drop-table off extra\n"
	    "ban-drop-column off\n"
	    "ban-drop-column error\n";
	struct dbrev_lint_config *c = (void *)&c;
	struct dbrev_error e;
	const struct dbrev_error *p;
	unsigned lines[] = { 1, 2, 3, 4, 6 };
	size_t i;

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_lint_config_parse("m/lint.conf", conf,
	    sizeof(conf) - 1, SQ, &c, &e), -1);
	assert_null(c);
	assert_int_equal(dbrev_error_count(&e), 5);
	for (p = &e, i = 0; p != NULL; p = p->next, i++) {
		assert_string_equal(p->file, "m/lint.conf");
		assert_int_equal(p->line, lines[i]);
		assert_int_equal(p->kind, DBREV_ERR_INPUT);
		assert_non_null(p->hint);
	}
	assert_string_equal(e.message,
	    "rule 'prefer-bigint-over-int' has no level");
	assert_non_null(strstr(e.next->next->next->next->message,
	    "set twice (first on line 5)"));
	dbrev_error_clear(&e);
	/* A rule of the other database is accepted (and ignored). */
	assert_int_equal(dbrev_lint_config_parse("c", "prefer-identity off\n",
	    20, SQ, &c, &e), 0);
	dbrev_lint_config_free(c);
	assert_int_equal(dbrev_lint_config_parse("c", "x", 1,
	    DBREV_DIALECT_UNKNOWN, &c, &e), -1);
	dbrev_error_clear(&e);
}

/* Revisions not checked still build the schema the checked ones see. */
static void
test_check_mask(void **state)
{
	const char *revs[] = { T0, UP("DROP TABLE t;\n"),
	    UP("CREATE TABLE t (a int8);\n"), UP("DROP TABLE t;\n"), NULL };
	unsigned char check[] = { 0, 0, 1, 1 };
	struct dbrev_lint_result res;

	(void)state;
	lint_chain(SQ, revs, check, NULL, &res);
	assert_int_equal(res.nrevisions, 2);
	assert_int_equal(res.nfindings, 1);
	assert_non_null(find(&res, "ban-drop-table", "v/r3.sql", 5));
	dbrev_lint_result_free(&res);
}

/* Write DIR/versions/NAME. */
static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
test_run(void **state)
{
	char dir[] = "/tmp/dbrev-lint-XXXXXX", sub[600], url[700], db[600];
	struct dbrev_lint_options o;
	struct dbrev_lint_result res;
	struct dbrev_apply_options ao;
	struct dbrev_apply_result ar;
	struct dbrev_error e;
	struct stat sb;

	(void)state;
	dbrev_error_init(&e);
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/versions", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	put_file(sub, "a.sql", "-- revision: a\n\n-- +upgrade\n"
	    "CREATE TABLE t (a INTEGER, b TEXT);\n");
	put_file(sub, "b.sql", "-- revision: b\n-- parents: a\n\n-- +upgrade\n"
	    "DROP TABLE t;\n");
	put_file(sub, "c.sql", "-- revision: c\n-- parents: b\n\n-- +upgrade\n"
	    "CREATE TABLE t (a INTEGER);\nCREATE INDEX ta ON t (a);\n");
	put_file(sub, "d.sql", "-- revision: d\n-- parents: c\n\n-- +upgrade\n"
	    "CREATE INDEX tb ON t (a);\n");
	dbrev_lint_options_init(&o);
	o.dir = dir;
	o.dialect = SQ;
	assert_int_equal(dbrev_lint_run(&o, &res, &e), 0);
	assert_int_equal(res.nrevisions, 4);
	assert_non_null(find(&res, "ban-drop-table", NULL, 5));
	assert_non_null(find(&res, "blocking-index-creation", NULL, 5));
	dbrev_lint_result_free(&res);
	/* --since: what an upgrade from b applies. */
	o.since = "b";
	assert_int_equal(dbrev_lint_run(&o, &res, &e), 0);
	assert_int_equal(res.nrevisions, 2);
	assert_null(find(&res, "ban-drop-table", NULL, 0));
	assert_non_null(find(&res, "blocking-index-creation", NULL, 5));
	dbrev_lint_result_free(&res);
	o.since = "nope";
	assert_int_equal(dbrev_lint_run(&o, &res, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	dbrev_error_clear(&e);
	/* A database: only what is not applied there; a missing file stays. */
	snprintf(db, sizeof db, "%s/app.db", dir);
	snprintf(url, sizeof url, "sqlite:%s", db);
	o.since = NULL;
	o.url = url;
	o.dialect = DBREV_DIALECT_UNKNOWN;
	assert_int_equal(dbrev_lint_run(&o, &res, &e), 0);
	assert_int_equal(res.nrevisions, 4);
	assert_int_equal(stat(db, &sb), -1);
	dbrev_lint_result_free(&res);
	dbrev_apply_options_init(&ao);
	ao.dir = dir;
	ao.url = url;
	memset(&ar, 0, sizeof(ar));
	assert_int_equal(dbrev_apply_run(&ao, DBREV_UPGRADE, "b", &ar, &e), 0);
	dbrev_apply_result_free(&ar);
	assert_int_equal(dbrev_lint_run(&o, &res, &e), 0);
	assert_int_equal(res.nrevisions, 2);
	assert_null(find(&res, "ban-drop-table", NULL, 0));
	dbrev_lint_result_free(&res);
	/* Both ways at once is an error; so is a bad lint.conf. */
	o.since = "a";
	assert_int_equal(dbrev_lint_run(&o, &res, &e), -1);
	dbrev_error_clear(&e);
	o.since = NULL;
	o.url = NULL;
	o.dialect = SQ;
	put_file(dir, "lint.conf", "blocking-index-creation off\n"
	    "ban-drop-table maybe\n");
	assert_int_equal(dbrev_lint_run(&o, &res, &e), -1);
	assert_int_equal(e.line, 2);
	assert_non_null(strstr(e.file, "lint.conf"));
	dbrev_error_clear(&e);
	put_file(dir, "lint.conf", "blocking-index-creation off\n");
	assert_int_equal(dbrev_lint_run(&o, &res, &e), 0);
	assert_null(find(&res, "blocking-index-creation", NULL, 0));
	dbrev_lint_result_free(&res);
	snprintf(sub, sizeof sub, "rm -rf '%s'", dir);
	assert_int_equal(system(sub), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_every_rule_has_a_case),
		cmocka_unit_test(test_header_lint_lines),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_bad_allow_lines),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_check_mask),
		cmocka_unit_test(test_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
