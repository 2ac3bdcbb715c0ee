/*
 * watch.c - a scratch database's change log, so that its fingerprint
 * costs what changed rather than the size of the schema: event triggers
 * write every DDL command's object (ddl_command_end) and every dropped
 * object's owner (sql_drop) to pg_catalog.dbrev_fingerprint_log, which
 * fingerprint.c reads and empties.  Only for a superuser (event
 * triggers need one), and for the first connection that asks (one
 * reader empties the log; any number may write it).
 *
 * Each row says what to read again:
 *   'd'  classid, objid: an object made or altered, and what depends on
 *        it (pg_depend, followed to the end), at their owners;
 *   'o'  objid: an owner (a dropped relation, the relation of a dropped
 *        column, default, constraint, trigger, rule or policy; 0 for a
 *        dropped function, type, schema and the like);
 *   's'  rows of pg_class and pg_attribute written since the last
 *        fingerprint (GRANT and REVOKE on tables, which name no object;
 *        ALTER TABLE of a partitioned table, which can detach one);
 *   '?'  anything else: every owner is read again;
 *   '!'  an object made or altered that depends on a system catalog,
 *        or any object in pg_catalog (a replaced built-in can mislead
 *        the triggers): the watch ends (writes through it would not be
 *        seen).
 * What event triggers never see is caught otherwise: the driver tells
 * dbrev_pg_fingerprint_saw() each script and each failure, and a script
 * that failed (CREATE INDEX CONCURRENTLY leaves an index), names a
 * system catalog, CLUSTER, REASSIGN, REINDEX, EXPLAIN, DROP OWNED or
 * runs dynamic SQL has every owner read again; one that names the
 * watch's objects, or an object made that depends on a system catalog
 * (a view over one can write it), ends the watch; so does a function
 * made or altered whose stored body has such a word (called later, it
 * would do the same where no word shows).  Event triggers themselves,
 * roles and the database owner are hashed by the read, and the watch's
 * own triggers, functions and log are signed.  Not defended: a script
 * that replaces an operator the triggers compare with, or reaches a
 * catalog through a built-in that runs a string other than those named.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libpq.h"

#include "../../private.h"
#include "hooks.h"

/*
 * Commands whose changes are their object's and its dependents' (the
 * extension's, operator classes', languages' and access methods' change
 * how other objects print: read everything).
 */
#define TRACKED "'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', " \
	"'CREATE FOREIGN TABLE', 'CREATE VIEW', 'CREATE MATERIALIZED VIEW', " \
	"'REFRESH MATERIALIZED VIEW', 'CREATE INDEX', 'CREATE SEQUENCE', " \
	"'CREATE TRIGGER', 'CREATE FUNCTION', 'CREATE PROCEDURE', " \
	"'CREATE AGGREGATE', 'CREATE TYPE', 'CREATE DOMAIN', " \
	"'CREATE SCHEMA', 'CREATE RULE', 'CREATE POLICY', " \
	"'CREATE STATISTICS', 'CREATE COLLATION', 'CREATE OPERATOR', " \
	"'CREATE CAST', 'CREATE TEXT SEARCH CONFIGURATION', " \
	"'CREATE TEXT SEARCH DICTIONARY', 'CREATE PUBLICATION', " \
	"'CREATE SERVER', 'CREATE CONVERSION', 'COMMENT', 'SECURITY LABEL', " \
	"'ALTER TABLE', 'ALTER FOREIGN TABLE', 'ALTER INDEX', 'ALTER VIEW', " \
	"'ALTER MATERIALIZED VIEW', 'ALTER SEQUENCE', 'ALTER TRIGGER', " \
	"'ALTER FUNCTION', 'ALTER PROCEDURE', 'ALTER ROUTINE', " \
	"'ALTER AGGREGATE', 'ALTER TYPE', 'ALTER DOMAIN', 'ALTER SCHEMA', " \
	"'ALTER POLICY', 'ALTER RULE', 'ALTER STATISTICS', " \
	"'ALTER COLLATION', 'ALTER OPERATOR', " \
	"'ALTER TEXT SEARCH CONFIGURATION', 'ALTER TEXT SEARCH DICTIONARY', " \
	"'ALTER PUBLICATION', 'ALTER SERVER', 'ALTER CONVERSION'"

/* A range table entry of a system relation (OID below 16384), in a parse tree. */
#define SYSTEM_RELID "':relid ([1-9][0-9]{0,3}|1[0-5][0-9]{3}|16[0-3][0-9]{2}) '"

/* Dropped objects whose line is their relation's, named in address_names. */
#define OF_RELATION "'table column', 'default value', 'table constraint', " \
	"'trigger', 'rule', 'policy'"
/* Dropped objects whose line is the database's (owner 0). */
#define OF_DATABASE "'function', 'procedure', 'aggregate', 'type', " \
	"'domain', 'domain constraint', 'schema', 'operator', 'cast', " \
	"'collation', 'text search configuration', " \
	"'text search dictionary', 'publication', 'server', 'conversion', " \
	"'default acl', 'foreign-data wrapper'"

/*
 * Whether the log is there (a script may drop it: the signature then
 * tells).  A catalog lookup, not to_regclass(): a script may replace a
 * built-in function, and the command that does is to be logged.
 */
#define LOG_EXISTS "EXISTS (SELECT 1 FROM pg_class WHERE relname = " \
	"'dbrev_fingerprint_log' AND relnamespace = 11)"

static const char INSTALL_SQL[] =
    "SET allow_system_table_mods = on;"
    "CREATE UNLOGGED TABLE pg_catalog.dbrev_fingerprint_log (kind \"char\","
    " classid oid, objid oid);"
    "RESET allow_system_table_mods;"
    "CREATE OR REPLACE FUNCTION pg_catalog.dbrev_fingerprint_ddl() RETURNS "
    " event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = "
    " pg_catalog, pg_temp AS $dbrev$ BEGIN"
    " IF NOT " LOG_EXISTS " THEN RETURN; END IF;"
    " INSERT INTO pg_catalog.dbrev_fingerprint_log SELECT CASE"
    " WHEN c.schema_name = 'pg_catalog' THEN '!'"
    " WHEN c.command_tag IN ('GRANT', 'REVOKE') THEN CASE WHEN"
    " c.object_type IN ('TABLE', 'SEQUENCE') THEN 's' WHEN c.object_type"
    " IN ('FUNCTION', 'PROCEDURE', 'ROUTINE', 'SCHEMA', 'LANGUAGE', "
    " 'DATABASE', 'TABLESPACE', 'LARGE OBJECT', 'FOREIGN SERVER', "
    " 'FOREIGN DATA WRAPPER', 'PARAMETER') THEN 'o' ELSE '?' END"
    " WHEN c.command_tag = 'ALTER DEFAULT PRIVILEGES' THEN 'o'"
    " WHEN c.classid IS NULL OR c.objid IS NULL OR c.command_tag NOT IN ("
    TRACKED ") THEN '?'"
    /*
     * A view, rule or SQL-bodied function over a system relation can
     * write it later (no dependency on a system object is recorded:
     * their parse trees name it).  Scalar subqueries: looked up per row
     * by index, never hashed over every rule.
     */
    " WHEN c.classid = 'pg_class'::regclass AND (SELECT true FROM "
    " pg_rewrite r WHERE r.ev_class = c.objid AND r.ev_action::text ~ "
    SYSTEM_RELID " LIMIT 1) THEN '!'"
    " WHEN c.classid = 'pg_rewrite'::regclass AND (SELECT true FROM "
    " pg_rewrite r WHERE r.oid = c.objid AND r.ev_action::text ~ "
    SYSTEM_RELID " LIMIT 1) THEN '!'"
    " WHEN c.classid = 'pg_proc'::regclass AND (SELECT true FROM pg_proc p "
    " WHERE p.oid = c.objid AND (to_jsonb(p) ->> 'prosqlbody') ~ "
    SYSTEM_RELID " LIMIT 1) THEN '!'"
    " WHEN c.command_tag = 'ALTER TABLE' AND EXISTS (SELECT 1 FROM "
    " pg_partitioned_table WHERE partrelid = c.objid) THEN 's'"
    " ELSE 'd' END, c.classid, coalesce(c.objid, 0)"
    " FROM pg_event_trigger_ddl_commands() c;"
    " END $dbrev$;"
    "CREATE OR REPLACE FUNCTION pg_catalog.dbrev_fingerprint_drop() RETURNS "
    " event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = "
    " pg_catalog, pg_temp AS $dbrev$ BEGIN"
    " IF NOT " LOG_EXISTS " THEN RETURN; END IF;"
    " INSERT INTO pg_catalog.dbrev_fingerprint_log SELECT * FROM (SELECT"
    " CASE WHEN o.schema_name = 'pg_catalog' THEN '!'"
    " WHEN o.classid = 'pg_class'::regclass THEN 'o'"
    " WHEN o.object_type IN (" OF_RELATION ") THEN CASE WHEN o.rel IS NULL"
    " THEN NULL ELSE 'o' END"
    /* A relation's row type and its array go with the relation. */
    " WHEN o.classid = 'pg_type'::regclass AND EXISTS (SELECT 1 FROM "
    " pg_event_trigger_dropped_objects() p WHERE p.classid = "
    " 'pg_class'::regclass AND o.object_identity IN (p.object_identity, "
    " p.object_identity || '[]')) THEN NULL"
    " WHEN o.object_type IN (" OF_DATABASE ") THEN 'o'"
    " ELSE '?' END AS kind, NULL::oid,"
    " CASE WHEN o.classid = 'pg_class'::regclass THEN o.objid ELSE"
    " coalesce(o.rel, 0) END"
    /*
     * The relation of a column, constraint...: gone with it, or there
     * (looked up by index, per object).
     */
    " FROM (SELECT d.*, CASE WHEN d.object_type IN (" OF_RELATION ") THEN"
    " (SELECT r.oid FROM pg_class r WHERE r.relname = d.address_names[2]"
    " AND r.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE"
    " n.nspname = d.address_names[1])) END AS rel"
    " FROM pg_event_trigger_dropped_objects() d WHERE NOT d.is_temporary) o"
    " ) l WHERE kind IS NOT NULL;"
    " END $dbrev$;"
    "CREATE EVENT TRIGGER dbrev_fingerprint_ddl ON ddl_command_end "
    " EXECUTE FUNCTION pg_catalog.dbrev_fingerprint_ddl();"
    "ALTER EVENT TRIGGER dbrev_fingerprint_ddl ENABLE ALWAYS;"
    "CREATE EVENT TRIGGER dbrev_fingerprint_drop ON sql_drop "
    " EXECUTE FUNCTION pg_catalog.dbrev_fingerprint_drop();"
    "ALTER EVENT TRIGGER dbrev_fingerprint_drop ENABLE ALWAYS";

int
dbrev_pg_watch(struct dbrev_conn *c, struct dbrev_error *err)
{
	PGconn *pg = dbrev_pg_conn_pg(c);
	struct dbrev_buf sig = { 0 };
	PGresult *r;
	int ok;

	if (dbrev_pg_conn_flush(c, err) == -1)
		return -1;
	/*
	 * Not a superuser, or another connection watches (it empties the
	 * log): fingerprints read the catalogs, as elsewhere.
	 */
	if (strcmp(PQparameterStatus(pg, "is_superuser") != NULL ?
	    PQparameterStatus(pg, "is_superuser") : "off", "on") != 0)
		return 0;
	r = PQexec(pg, "SELECT to_regclass('pg_catalog.dbrev_fingerprint_log')"
	    " IS NULL");
	ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!ok)
		return 0;
	/*
	 * Installed and signed in one transaction: the signature is ours.
	 * Refused (a server without plpgsql, say): no watch, as above.
	 */
	dbrev_buf_puts(&sig, "BEGIN; ");
	dbrev_buf_puts(&sig, INSTALL_SQL);
	dbrev_buf_printf(&sig, "; SELECT " DBREV_PG_WATCH_SIG "; COMMIT");
	ok = PQsendQuery(pg, sig.data);
	dbrev_buf_reset(&sig);
	while ((r = PQgetResult(pg)) != NULL) {
		if (PQresultStatus(r) == PGRES_FATAL_ERROR)
			ok = 0;
		else if (PQresultStatus(r) == PGRES_TUPLES_OK &&
		    PQntuples(r) == 1)
			dbrev_buf_puts(&sig, PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	if (ok && sig.data != NULL)
		dbrev_pg_fingerprint_watched(c, sig.data);
	else if (PQtransactionStatus(pg) != PQTRANS_IDLE)
		PQclear(PQexec(pg, "ROLLBACK"));
	dbrev_buf_free(&sig);
	return 0;
}

#define WHITE " \t\r\n\f\v"

/*
 * Words of a script that writes what no event trigger sees: a system
 * catalog the fingerprint reads (written directly, or named in Unicode
 * escapes), CLUSTER (marks an index), REASSIGN OWNED (changes owners),
 * REINDEX (CONCURRENTLY gives an index another OID), EXPLAIN ANALYZE
 * (makes a table of CREATE TABLE AS without a DDL command), built-ins
 * that run a string (query_to_xml, dblink).  A false hit in a script
 * costs one full read; in a function's body, the watch.
 */
static const char *const unseen_words[] = {
	"cluster", "reassign", "reindex", "explain", "u&", "query_to_xml",
	"dblink",
	"allow_system_table_mods", "pg_class",
	"pg_attribute", "pg_attrdef", "pg_constraint", "pg_index",
	"pg_trigger", "pg_rewrite", "pg_policy", "pg_sequence",
	"pg_inherits", "pg_statistic_ext", "pg_type", "pg_description",
	"pg_depend", "pg_enum", "pg_namespace", "pg_proc", "pg_extension",
	"pg_default_acl", "pg_collation", "pg_operator", "pg_opclass",
	"pg_opfamily", "pg_am", "pg_language", "pg_cast", "pg_ts_",
	"pg_event_trigger", "pg_publication", "pg_foreign_",
	"pg_partitioned_table", "pg_import_system_collations"
};

/* Whether the word before p (case aside, blanks between) is word. */
static int
after_word(const char *sql, const char *p, const char *word)
{
	size_t n = strlen(word);

	while (p > sql && strchr(WHITE, p[-1]) != NULL)
		p--;
	return (size_t)(p - sql) >= n && strncasecmp(p - n, word, n) == 0;
}

/* An identifier's byte: a letter, digit, _, $ or any non-ASCII byte. */
static int
ident_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Whether the word after p (blanks between) is word, whole. */
static int
before_word(const char *p, const char *word)
{
	size_t n = strlen(word);

	p += strspn(p, WHITE);
	return strncasecmp(p, word, n) == 0 && !ident_char((unsigned char)p[n]);
}

/* Past a name, [schema.]name with quoted parts too; p itself if none. */
static const char *
past_name(const char *p)
{
	const char *q = p, *s;

	for (;;) {
		q += strspn(q, WHITE);
		if (*q == '"') {
			for (q++; *q != '\0' && (*q != '"' || q[1] == '"');
			    q += *q == '"' ? 2 : 1)
				;
			if (*q++ != '"')
				return p;
		} else {
			for (s = q; ident_char((unsigned char)*q); q++)
				;
			if (q == s)
				return p;
		}
		q += strspn(q, WHITE);
		if (*q != '.')
			return q;
		q++;
	}
}

/*
 * Whether what follows an EXECUTE (at p) makes it no dynamic SQL: a
 * trigger's FUNCTION or PROCEDURE name(, or GRANT/REVOKE EXECUTE ON.
 * A PL/pgSQL variable may be named function or procedure.
 */
static int
not_dynamic(const char *p)
{
	const char *q;

	if (before_word(p, "on"))
		return 1;
	if (!before_word(p, "function") && !before_word(p, "procedure"))
		return 0;
	p += strspn(p, WHITE);
	p += before_word(p, "function") ? 8 : 9;
	q = past_name(p);
	return q != p && *q == '(';
}

/* Past the block comment at p: they nest, as the server reads them. */
static char *
past_block_comment(char *p)
{
	int depth = 0;

	while (*p != '\0')
		if (p[0] == '/' && p[1] == '*')
			depth++, p += 2;
		else if (p[0] == '*' && p[1] == '/') {
			p += 2;
			if (--depth == 0)
				break;
		} else
			p++;
	return p;
}

/*
 * The script with its comments blanked (a copy; caller frees).  Quotes
 * are not followed: it is read for phrases in addition to the script,
 * so a "comment" inside a string only adds hits.
 */
static char *
without_comments(const char *sql)
{
	char *s = dbrev_xstrdup(sql), *p = s, *e;

	while (*p != '\0')
		if (p[0] == '-' && p[1] == '-') {
			e = p + strcspn(p, "\n");
			memset(p, ' ', (size_t)(e - p));
			p = e;
		} else if (p[0] == '/' && p[1] == '*') {
			e = past_block_comment(p);
			memset(p, ' ', (size_t)(e - p));
			p = e;
		} else
			p++;
	return s;
}

/*
 * Dynamic SQL (EXECUTE of a string, which can spell any word above in
 * pieces), or DROP OWNED (takes a role out of a policy without a DDL
 * command; comments may sit between the words).
 */
static int
unseen_phrase(const char *sql)
{
	const char *p;
	char *bare;
	int hit = 0;

	for (p = sql; (p = strcasestr(p, "execute")) != NULL; p += 7)
		if (!not_dynamic(p + 7))
			return 1;
	bare = without_comments(sql);
	for (p = bare; !hit && (p = strcasestr(p, "owned")) != NULL; p += 5)
		hit = after_word(bare, p, "drop");
	free(bare);
	return hit;
}

/*
 * What the server reads otherwise than the words above show in a
 * script: a backslash (an escape in an E'' string, run by DO, can spell
 * any word), or two string constants with a newline between (one
 * constant to the server, 'CLU' and 'STER' to the scan; -- comments
 * may sit between).  A function's stored body is already decoded.
 */
static int
unseen_spelling(const char *sql)
{
	const char *p, *q;
	int newline;

	if (strchr(sql, '\\') != NULL)
		return 1;
	for (p = sql; (p = strchr(p, '\'')) != NULL; p++) {
		for (q = p + 1, newline = 0;;)
			if (*q != '\0' && strchr(" \t\r\f\v", *q) != NULL)
				q++;
			else if (*q == '\n')
				q++, newline = 1;
			else if (q[0] == '-' && q[1] == '-')
				q += strcspn(q, "\n");
			else
				break;
		if (newline && *q == '\'')
			return 1;
	}
	return 0;
}

int
dbrev_pg_watch_unseen_body(const char *body)
{
	size_t i;

	/* A script that names the watch's own objects may have changed it. */
	if (strcasestr(body, "dbrev_fingerprint") != NULL)
		return 2;
	for (i = 0; i < sizeof(unseen_words) / sizeof(unseen_words[0]); i++)
		if (strcasestr(body, unseen_words[i]) != NULL)
			return 1;
	return unseen_phrase(body);
}

int
dbrev_pg_watch_unseen(const char *sql)
{
	int n = dbrev_pg_watch_unseen_body(sql);

	return n > 0 ? n : unseen_spelling(sql);
}
