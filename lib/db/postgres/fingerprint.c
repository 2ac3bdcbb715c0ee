/*
 * fingerprint.c - the PostgreSQL driver's schema fingerprint: bytes
 * that are equal for two states of one database when every catalog row
 * the introspection reads renders the same (by name and definition,
 * never by OID, which a drop and create changes).
 *
 * The rendered lines are grouped by owner: a relation (its class,
 * columns, constraints, triggers, rules, policies, sequence, the array
 * type of its row type, comments on them), an index, or 0 for the rest
 * (schemas, functions, types, domains, extensions, default privileges).
 * The server hashes each owner's sorted lines; the fingerprint is a
 * digest of the multiset of those hashes.  A connection keeps the owners
 * of its last fingerprint and renders again only the owners whose
 * catalog rows changed since: a row written since has an xmin at or past
 * the last fingerprint's snapshot xmin (the oldest transaction then
 * running), a row deleted shows in its owner's row count, and an owner
 * whose lines name a changed object (a table or column renamed) is found
 * through pg_depend.  Finding those compares xmins and counts rows;
 * rendering is what costs, and only changed owners pay it (on a watched
 * database, only those that are still there, and owner 0 only when it
 * changed: its lines are a statement of their own).
 * Inside a transaction (a rolled-back update would bring an old row
 * back) and when the role names change (privileges name roles, which
 * are not the database's rows) every owner is rendered.
 *
 * Not seen: a column of a system relation renamed by a superuser (the
 * scans skip the system's rows, for speed).  Read differently by
 * another session: a permanent object that names this session's
 * temporary one.  Inside a transaction the reads take its snapshot.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq.h"

#include "../../private.h"
#include "hooks.h"

#define USER_NS(n) "(" n " NOT IN ('pg_catalog', 'information_schema') " \
	"AND " n " NOT LIKE 'pg\\_toast%%' AND " n " NOT LIKE 'pg\\_temp%%')"

/*
 * The relation that owns a pg_type row: its own, or the one whose row
 * type has it as array type (found through typelem, which is indexed).
 */
#define ROW_ARRAY_OF(t) "FROM pg_type e WHERE e.oid = " t ".typelem AND " \
	"e.typrelid <> 0 AND e.typarray = " t ".oid"
#define TYPE_OWNER(t) "CASE WHEN " t ".typrelid <> 0 THEN " t ".typrelid " \
	"ELSE coalesce((SELECT e.typrelid " ROW_ARRAY_OF(t) "), 0) END"

/*
 * Of a user's object (OIDs below 16384 are the system's, which a
 * migration cannot rename: the test skips most catalog rows at once).
 */
#define USER_OID(oid) oid " >= 16384 AND "

/* A row written at or after the last fingerprint's snapshot. */
#define NEWER(xmin) "age(" xmin ") <= (SELECT age FROM since)"

/* A comment's row joined to object o of catalog cat (objsubid sub). */
#define COMMENT(alias, o, cat, sub) " LEFT JOIN pg_description " alias \
	" ON " alias ".objoid = " o " AND " alias ".classoid = '" cat \
	"'::regclass AND " alias ".objsubid = " sub

/*
 * Whether object o of catalog cat belongs to an extension (a scalar
 * subquery, looked up by index per row: EXISTS would hash all of them).
 */
#define MEMBER(cat, o) "coalesce((SELECT true FROM pg_depend x WHERE " \
	"x.classid = '" cat "'::regclass AND x.objid = " o " AND " \
	"x.deptype = 'e' LIMIT 1), false)"

/*
 * A type's line (pg_type t), and what it joins: a relation's row type
 * and its array are the relation's, any other type the database's
 * (owner 0).  Free text is quoted, so that no two states print alike.
 */
#define TYPE_LINE "format('y|%%I.%%I|%%s|%%s|%%s|%%L|%%s|%%L|%%L|%%s|%%s|" \
	"%%s', n.nspname, t.typname, t.typtype, format_type(t.typbasetype, " \
	"t.typtypmod), t.typnotnull, t.typdefault, t.typacl, ds.description, " \
	"(SELECT array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum " \
	"WHERE enumtypid = t.oid)::text, CASE WHEN t.typcollation <> 0 THEN " \
	"t.typcollation::regcollation END, t.typstorage, " \
	MEMBER("pg_type", "t.oid") ")"
#define TYPE_JOINS " JOIN pg_namespace n ON n.oid = t.typnamespace" \
	COMMENT("ds", "t.oid", "pg_type", "0") " WHERE t.typtype IN ('e', " \
	"'d', 'r', 'm', 'b', 'c') AND " USER_NS("n.nspname")

/*
 * The lines of constraints: a table's (conrelid <> 0) are its table's, a
 * domain's (conrelid = 0) the database's.
 */
#define CONSTRAINT_LINES(conrelid_is) "SELECT co.conrelid, format('k|%%I|" \
	"%%s|%%s|%%I|%%s|%%s|%%L|%%L', n.nspname, co.conrelid::regclass, " \
	"format_type(co.contypid, NULL), co.conname, co.conislocal, " \
	"co.coninhcount, pg_get_constraintdef(co.oid), ds.description) FROM " \
	"pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace" \
	COMMENT("ds", "co.oid", "pg_constraint", "0") " WHERE " \
	USER_NS("n.nspname") " AND co.conrelid " conrelid_is " 0"

/*
 * The lines of relations (tables, views, sequences, indexes), with their
 * owner: a relation, or the table of a column, constraint, trigger, rule,
 * policy and the rest.  The pg_attribute fields are named (not
 * the OIDs and the position, which a downgrade and upgrade may change,
 * nor the value ADD COLUMN leaves for old rows, which introspection
 * does not read and which may name objects that nothing depends on);
 * %s: "a.attcompression" from PostgreSQL 14, else "''".
 */
static const char LINES_OF_RELATIONS[] =
    "SELECT c.oid, format('c|%%I.%%I|%%s|%%s|%%s|%%s|%%L|%%s|"
    "%%L|%%L|%%s|%%s|%%s|%%I|%%s', n.nspname, c.relname, c.relkind, "
    " c.reloptions, c.relpersistence, c.relacl, ds.description, "
    " c.relreplident, pg_get_expr(c.relpartbound, c.oid), CASE WHEN "
    " c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
    " c.relrowsecurity, c.relforcerowsecurity, format_type(c.reloftype, "
    " NULL), pg_get_userbyid(c.relowner), " MEMBER("pg_class", "c.oid")
    ") FROM pg_class c JOIN pg_namespace n "
    " ON n.oid = c.relnamespace" COMMENT("ds", "c.oid", "pg_class", "0")
    " WHERE " USER_NS("n.nspname")
    " UNION ALL SELECT c.oid, format('a|%%I.%%I.%%I|%%s|%%s|%%s|%%L|%%L', "
    " n.nspname, c.relname, a.attname, format_type(a.atttypid, "
    " a.atttypmod), format('%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|%%L|%%L|%%L|"
    "%%s', a.attstattarget, a.attndims, a.attstorage, a.attnotnull, "
    " a.atthasdef, a.attidentity, a.attgenerated, a.attislocal || '/' || "
    " a.attinhcount, a.attacl, a.attoptions, a.attfdwoptions, %s), "
    " co.oid::regcollation, pg_get_expr(d.adbin, d.adrelid), "
    " ds.description)"
    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = "
    " a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation"
    COMMENT("ds", "a.attrelid", "pg_class", "a.attnum")
    " WHERE a.attnum > 0 AND NOT a.attisdropped AND " USER_NS("n.nspname")
    " UNION ALL " CONSTRAINT_LINES("<>")
    " UNION ALL SELECT i.indexrelid, 'i|' || pg_get_indexdef(i.indexrelid) "
    " || '|' || i.indisclustered::text || '|' || i.indisreplident::text "
    " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE " USER_NS("n.nspname")
    " UNION ALL SELECT t.tgrelid, 't|' || pg_get_triggerdef(t.oid) || '|' "
    " || t.tgenabled::text || '|' || quote_nullable(ds.description) FROM "
    " pg_trigger t" COMMENT("ds", "t.oid", "pg_trigger", "0")
    " WHERE NOT t.tgisinternal"
    " UNION ALL SELECT r.ev_class, 'r|' || pg_get_ruledef(r.oid) || '|' || "
    " r.ev_enabled::text FROM "
    " pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace"
    " n ON n.oid = c.relnamespace WHERE " USER_NS("n.nspname")
    " UNION ALL SELECT p.polrelid, format('p|%%s|%%s|%%s|%%s|%%s|%%s|%%s', "
    " p.polrelid::regclass, p.polname, p.polcmd, p.polpermissive, "
    " p.polroles::regrole[], pg_get_expr(p.polqual, p.polrelid), "
    " pg_get_expr(p.polwithcheck, p.polrelid)) FROM pg_policy p"
    " UNION ALL SELECT c.oid, " TYPE_LINE " FROM pg_class c JOIN pg_type e"
    " ON e.oid = c.reltype AND c.reltype <> 0 JOIN pg_type t ON t.oid = "
    " e.typarray AND e.typarray <> 0" TYPE_JOINS
    " UNION ALL SELECT c.oid, " TYPE_LINE " FROM pg_class c JOIN pg_type t"
    " ON t.oid = c.reltype AND c.reltype <> 0" TYPE_JOINS
    " UNION ALL SELECT s.seqrelid, format('s|%%s|%%s|%%s|%%s|%%s|%%s|%%s|"
    "%%s|%%s', s.seqrelid::regclass, format_type(s.seqtypid, NULL), "
    " s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, "
    " s.seqcycle, (SELECT string_agg(o.refobjid::regclass::text || '.' || "
    " quote_ident(a.attname), ',') FROM pg_depend o JOIN pg_attribute a ON "
    " a.attrelid = o.refobjid AND a.attnum = o.refobjsubid WHERE o.classid "
    " = 'pg_class'::regclass AND o.objid = s.seqrelid AND o.refclassid = "
    " 'pg_class'::regclass AND o.deptype IN ('a', 'i'))) FROM pg_sequence s"
    " UNION ALL SELECT h.inhrelid, format('h|%%s|%%s', "
    " h.inhparent::regclass, h.inhseqno) FROM pg_inherits h"
    " UNION ALL SELECT x.stxrelid, 'x|' || pg_get_statisticsobjdef(x.oid) "
    " FROM pg_statistic_ext x";

/*
 * The lines of owner 0, the database: schemas, domain constraints,
 * functions, types not of a relation, extensions, default privileges, and what introspection lists
 * as not compared, by name (operators, collations, text search
 * configurations, event triggers, publications, servers, casts).
 */
static const char LINES_OF_THE_DATABASE[] =
    "SELECT 0::oid, format('n|%%I|%%s|%%L|%%s', s.nspname, "
    " s.nspacl, ds.description, s.nspowner = (SELECT datdba FROM "
    " pg_database WHERE datname = current_database()))"
    " FROM pg_namespace s" COMMENT("ds", "s.oid", "pg_namespace", "0")
    " WHERE " USER_NS("s.nspname")
    " UNION ALL " CONSTRAINT_LINES("=")
    " UNION ALL SELECT 0::oid, format('f|%%s|%%L|%%s|%%L|%%s|%%s', "
    " p.oid::regprocedure, CASE WHEN p.prokind IN ('f', 'p') THEN "
    " pg_get_functiondef(p.oid) END, p.proacl, ds.description, p.prokind, "
    MEMBER("pg_proc", "p.oid") ")"
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    COMMENT("ds", "p.oid", "pg_proc", "0")
    " WHERE " USER_NS("n.nspname")
    " UNION ALL SELECT 0::oid, " TYPE_LINE " FROM pg_type t" TYPE_JOINS
    " AND t.typrelid = 0 AND NOT EXISTS (SELECT 1 " ROW_ARRAY_OF("t") ")"
    " UNION ALL SELECT 0::oid, format('e|%%s|%%s|%%s', e.extname, "
    " e.extversion, e.extnamespace::regnamespace) FROM pg_extension e"
    " UNION ALL SELECT 0::oid, format('d|%%s|%%s|%%s|%%s', "
    " d.defaclrole::regrole, d.defaclnamespace::regnamespace, "
    " d.defaclobjtype, d.defaclacl) FROM pg_default_acl d"
    " UNION ALL SELECT 0::oid, format('o|%%s|%%s', o.oid::regoperator, "
    " o.oprcode::regprocedure) FROM pg_operator o JOIN pg_namespace n ON "
    " n.oid = o.oprnamespace WHERE " USER_NS("n.nspname")
    " UNION ALL SELECT 0::oid, format('l|%%s|%%s|%%s|%%s', "
    " co.oid::regcollation, "
    " co.collprovider, co.collcollate, co.collctype) FROM pg_collation co "
    " JOIN pg_namespace n ON n.oid = co.collnamespace WHERE "
    USER_NS("n.nspname")
    " UNION ALL SELECT 0::oid, format('g|%%s|%%s', g.oid::regconfig, "
    " g.cfgparser) FROM pg_ts_config g WHERE g.oid >= 16384"
    " UNION ALL SELECT 0::oid, format('v|%%s|%%s|%%s|%%s', v.evtname, "
    " v.evtevent, v.evtenabled, v.evtfoid::regprocedure) FROM "
    " pg_event_trigger v"
    " UNION ALL SELECT 0::oid, format('u|%%s|%%s', u.pubname, "
    " u.puballtables) FROM pg_publication u"
    " UNION ALL SELECT 0::oid, format('F|%%s|%%s', f.srvname, f.srvoptions) "
    " FROM pg_foreign_server f"
    " UNION ALL SELECT 0::oid, format('C|%%s|%%s|%%s|%%s', "
    " format_type(k.castsource, NULL), format_type(k.casttarget, NULL), "
    " k.castfunc::regprocedure, k.castcontext) FROM pg_cast k WHERE k.oid "
    " >= 16384";

/*
 * The pg_depend rows a line shows (a sequence's owning column, an
 * extension's members) and the owner of the line.
 */
#define DEP_KEPT "d.objid >= 16384 AND (d.deptype = 'e' OR (d.deptype IN " \
	"('a', 'i') AND d.classid = 'pg_class'::regclass AND d.refclassid = " \
	"'pg_class'::regclass AND d.refobjsubid > 0))"
#define DEP_OWNER "CASE d.classid WHEN 'pg_class'::regclass THEN d.objid " \
	"WHEN 'pg_type'::regclass THEN (SELECT " TYPE_OWNER("t") " FROM " \
	"pg_type t WHERE t.oid = d.objid) ELSE 0 END"

/* A row of a global object (owner 0) written since. */
#define GLOBAL(catalog, oid) " UNION ALL SELECT 0, '" catalog "'::regclass, " \
	oid " FROM " catalog " WHERE " NEWER("xmin")

/* The owner of the line a comment (pg_description ds) shows in. */
#define COMMENT_OWNER "CASE ds.classoid WHEN 'pg_class'::regclass THEN " \
	"ds.objoid WHEN 'pg_constraint'::regclass THEN (SELECT conrelid " \
	"FROM pg_constraint WHERE oid = ds.objoid) WHEN 'pg_trigger'::regclass" \
	" THEN (SELECT tgrelid FROM pg_trigger WHERE oid = ds.objoid) WHEN " \
	"'pg_type'::regclass THEN (SELECT " TYPE_OWNER("t") " FROM pg_type t " \
	"WHERE t.oid = ds.objoid) ELSE 0 END"

/* The owner of the lines of pg_depend's object d.classid, d.objid. */
#define DEP_ROW_OWNER "CASE d.classid WHEN 'pg_class'::regclass THEN " \
	"d.objid WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM " \
	"pg_attrdef WHERE oid = d.objid) WHEN 'pg_constraint'::regclass THEN " \
	"(SELECT conrelid FROM pg_constraint WHERE oid = d.objid) WHEN " \
	"'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger WHERE " \
	"oid = d.objid) WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class " \
	"FROM pg_rewrite WHERE oid = d.objid) WHEN 'pg_policy'::regclass THEN" \
	" (SELECT polrelid FROM pg_policy WHERE oid = d.objid) WHEN " \
	"'pg_statistic_ext'::regclass THEN (SELECT stxrelid FROM " \
	"pg_statistic_ext WHERE oid = d.objid) WHEN 'pg_type'::regclass THEN " \
	"(SELECT " TYPE_OWNER("t") " FROM pg_type t WHERE t.oid = d.objid) " \
	"ELSE 0 END"

/* Partitions whose bounds print names (of an oid-like key): always read. */
#define OIDLIKE_BOUNDS "SELECT DISTINCT 'x', h.inhrelid, 0 FROM " \
	"pg_inherits h JOIN pg_partitioned_table pt ON pt.partrelid = " \
	"h.inhparent JOIN pg_opclass oc ON oc.oid = ANY (pt.partclass) WHERE " \
	"oc.opcintype = 'oid'::regtype"

/*
 * What the client needs to tell which owners to read again, by kind:
 *   'o'  an owner (every relation in the user's schemas; 0 is implied);
 *   'n'  an owner's count of the rows that can go while it stays
 *        (defaults, constraints, triggers, rules, policies, comments,
 *        parents, statistics; for 0, its schemas, functions, types and
 *        the rest), so that a deletion shows;
 *   'x'  an owner with a row written at or after xid $1, or whose lines
 *        name an object written since, or one that does, and so on
 *        (pg_depend, followed to the end: a renamed column shows in
 *        another table's foreign key and in an index), or whose
 *        constraint shows an index written since;
 *   'a'  read every owner: a system object was written since (renamed
 *        by a superuser), or an operator class (a new default one
 *        changes how indexes print), or a function, type or operator in
 *        pg_catalog (an overload there changes how built-ins print);
 *   'w'  the oldest transaction still running (this snapshot's xmin):
 *        the next call's $1, as what commits later is written by it
 *        or a younger one;
 *   'r'  a hash of what changes many lines without a row of theirs: role
 *        names (privileges), the database owner (schema lines), how many
 *        operator classes, families, access methods and languages there
 *        are (one dropped changes how indexes print), and how many of the
 *        user's functions, types and operators are in pg_catalog.
 * Rows written since are found by a scan that only compares xmin: no
 * line is rendered here.
 */
static const char STATE_SQL[] =
    "WITH RECURSIVE since AS (SELECT age($1::text::xid) AS age),"
    " ns AS (SELECT oid FROM pg_namespace WHERE " USER_NS("nspname") "),"
    " newrow(owner, classid, obj) AS ("
    " SELECT c.oid, 'pg_class'::regclass::oid, c.oid FROM pg_class c WHERE "
    USER_OID("c.oid") NEWER("c.xmin")
    " UNION ALL SELECT a.attrelid, 'pg_class'::regclass, a.attrelid FROM "
    " pg_attribute a WHERE " USER_OID("a.attrelid") NEWER("a.xmin")
    " UNION ALL SELECT d.adrelid, 'pg_attrdef'::regclass, d.oid FROM "
    " pg_attrdef d WHERE " USER_OID("d.oid") NEWER("d.xmin")
    " UNION ALL SELECT co.conrelid, 'pg_constraint'::regclass, co.oid FROM "
    " pg_constraint co WHERE " USER_OID("co.oid") NEWER("co.xmin")
    " UNION ALL SELECT i.indexrelid, 'pg_class'::regclass, i.indexrelid "
    " FROM pg_index i WHERE " USER_OID("i.indexrelid") NEWER("i.xmin")
    " UNION ALL SELECT t.tgrelid, 'pg_trigger'::regclass, t.oid FROM "
    " pg_trigger t WHERE " USER_OID("t.oid") NEWER("t.xmin")
    " UNION ALL SELECT w.ev_class, 'pg_rewrite'::regclass, w.oid FROM "
    " pg_rewrite w WHERE " USER_OID("w.oid") NEWER("w.xmin")
    " UNION ALL SELECT p.polrelid, 'pg_policy'::regclass, p.oid FROM "
    " pg_policy p WHERE " USER_OID("p.oid") NEWER("p.xmin")
    " UNION ALL SELECT s.seqrelid, 'pg_class'::regclass, s.seqrelid FROM "
    " pg_sequence s WHERE " USER_OID("s.seqrelid") NEWER("s.xmin")
    " UNION ALL SELECT h.inhrelid, 0, 0 FROM pg_inherits h WHERE "
    NEWER("h.xmin")
    " UNION ALL SELECT x.stxrelid, 'pg_statistic_ext'::regclass, x.oid "
    " FROM pg_statistic_ext x WHERE " NEWER("x.xmin")
    " UNION ALL SELECT " TYPE_OWNER("t") ", 'pg_type'::regclass, t.oid "
    " FROM pg_type t WHERE " NEWER("t.xmin")
    " UNION ALL SELECT " COMMENT_OWNER ", 0, 0 FROM pg_description ds "
    " WHERE " NEWER("ds.xmin")
    /* Owned by a column, or a member of an extension: pg_depend alone. */
    " UNION ALL SELECT " DEP_OWNER ", 0, 0 FROM pg_depend d WHERE "
    DEP_KEPT " AND " NEWER("d.xmin")
    /* A label renamed shows where a value of its type is written. */
    " UNION ALL SELECT 0, 'pg_type'::regclass, e.enumtypid FROM pg_enum e "
    " WHERE " NEWER("e.xmin")
    GLOBAL("pg_namespace", "oid") GLOBAL("pg_proc", "oid")
    GLOBAL("pg_extension", "oid")
    GLOBAL("pg_default_acl", "oid") GLOBAL("pg_collation", "oid")
    GLOBAL("pg_operator", "oid") GLOBAL("pg_opclass", "oid")
    GLOBAL("pg_opfamily", "oid") GLOBAL("pg_am", "oid")
    GLOBAL("pg_language", "oid") GLOBAL("pg_cast", "oid")
    GLOBAL("pg_ts_config", "oid") GLOBAL("pg_ts_dict", "oid")
    GLOBAL("pg_ts_parser", "oid") GLOBAL("pg_ts_template", "oid")
    GLOBAL("pg_event_trigger", "oid") GLOBAL("pg_publication", "oid")
    GLOBAL("pg_foreign_server", "oid")
    GLOBAL("pg_foreign_data_wrapper", "oid") "),"
    " dep(classid, objid) AS (SELECT classid, obj FROM newrow WHERE "
    " classid <> 0 UNION SELECT d.classid, d.objid FROM pg_depend d JOIN "
    " dep ON d.refclassid = dep.classid AND d.refobjid = dep.objid),"
    " cnt(owner) AS (SELECT d.adrelid FROM pg_attrdef d"
    " UNION ALL SELECT co.conrelid FROM pg_constraint co WHERE "
    " co.connamespace IN (SELECT oid FROM ns)"
    " UNION ALL SELECT t.tgrelid FROM pg_trigger t WHERE NOT t.tgisinternal"
    " UNION ALL SELECT w.ev_class FROM pg_rewrite w WHERE w.ev_class >= "
    " 16384"
    " UNION ALL SELECT p.polrelid FROM pg_policy p"
    " UNION ALL SELECT h.inhrelid FROM pg_inherits h"
    " UNION ALL SELECT x.stxrelid FROM pg_statistic_ext x"
    " UNION ALL SELECT " DEP_OWNER " FROM pg_depend d WHERE " DEP_KEPT
    " UNION ALL SELECT " COMMENT_OWNER " FROM pg_description ds WHERE "
    " ds.objoid >= 16384 OR ds.classoid = 'pg_namespace'::regclass"
    " UNION ALL SELECT 0 FROM pg_namespace WHERE oid IN (SELECT oid FROM "
    " ns)"
    " UNION ALL SELECT 0 FROM pg_proc WHERE pronamespace IN (SELECT oid "
    " FROM ns)"
    " UNION ALL SELECT 0 FROM pg_operator WHERE oprnamespace IN (SELECT "
    " oid FROM ns)"
    " UNION ALL SELECT 0 FROM pg_collation WHERE collnamespace IN (SELECT "
    " oid FROM ns)"
    " UNION ALL SELECT 0 FROM pg_ts_config WHERE oid >= 16384"
    " UNION ALL SELECT 0 FROM pg_cast WHERE oid >= 16384"
    " UNION ALL SELECT 0 FROM pg_event_trigger UNION ALL SELECT 0 FROM "
    " pg_publication UNION ALL SELECT 0 FROM pg_foreign_server"
    " UNION ALL SELECT 0 FROM pg_extension UNION ALL SELECT 0 FROM "
    " pg_default_acl)"
    /* Types not of a relation: all, less the arrays of row types. */
    " SELECT 'n', 0, (SELECT count(*) FROM cnt WHERE owner = 0) + "
    " (SELECT count(*) FILTER (WHERE typrelid = 0) - count(*) FILTER "
    " (WHERE typrelid <> 0 AND typarray <> 0) FROM pg_type WHERE "
    " typnamespace IN (SELECT oid FROM ns))"
    " UNION ALL SELECT 'n', owner, count(*) FROM cnt WHERE owner <> 0 "
    " GROUP BY owner"
    " UNION ALL SELECT 'o', c.oid, 0 FROM pg_class c WHERE c.relnamespace "
    " IN (SELECT oid FROM ns)"
    " UNION ALL SELECT DISTINCT 'x', owner, 0 FROM newrow"
    " UNION ALL SELECT DISTINCT 'x', " DEP_ROW_OWNER ", 0 FROM dep d"
    /* Bounds of an oid-like key (regclass...) print names: always. */
    " UNION ALL " OIDLIKE_BOUNDS
    " UNION ALL SELECT DISTINCT 'x', co.conrelid, 0 FROM pg_constraint co "
    " JOIN newrow n ON n.obj = co.conindid AND n.classid = "
    " 'pg_class'::regclass WHERE co.conindid <> 0"
    " UNION ALL SELECT 'a', 0, 0 WHERE EXISTS (SELECT 1 FROM newrow WHERE "
    " (obj < 16384 AND classid <> 0) OR classid IN "
    " ('pg_opclass'::regclass, 'pg_opfamily'::regclass)) OR EXISTS (SELECT "
    " 1 FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace AND "
    NEWER("xmin") ") OR EXISTS (SELECT 1 FROM pg_type WHERE typnamespace = "
    " 'pg_catalog'::regnamespace AND " NEWER("xmin") ") OR EXISTS (SELECT 1 "
    " FROM pg_operator WHERE oprnamespace = 'pg_catalog'::regnamespace AND "
    NEWER("xmin") ")"
    " UNION ALL SELECT 'w', 0, txid_snapshot_xmin(txid_current_snapshot()) "
    " %% 4294967296"
    " UNION ALL SELECT 'r' || md5(string_agg(oid::text || ':' || rolname, "
    " ',' ORDER BY oid) || '/' || (SELECT datdba FROM pg_database WHERE "
    " datname = current_database()) || '/' || (SELECT count(*) FROM "
    " pg_opclass) || '/' || (SELECT count(*) FROM pg_opfamily) || '/' || "
    " (SELECT count(*) FROM pg_am) || '/' || (SELECT count(*) FROM "
    " pg_language) || '/' || (SELECT count(*) FROM pg_proc WHERE "
    " pronamespace = 'pg_catalog'::regnamespace AND oid >= 16384) || '/' "
    " || (SELECT count(*) FROM pg_type WHERE typnamespace = "
    " 'pg_catalog'::regnamespace AND oid >= 16384) || '/' || (SELECT "
    " count(*) FROM pg_operator WHERE oprnamespace = "
    " 'pg_catalog'::regnamespace AND oid >= 16384)), 0, 0 FROM pg_roles";

/*
 * On a watched database (watch.c), what changed since the last
 * fingerprint, from the log that event triggers wrote (emptied here):
 * 'x' an owner to read again, with 'y' when it is there (else its
 * lines are gone and there is nothing to read); 'd' a relation reached as an object
 * (its indexes then are too: one kept but not reached is gone); 'a'
 * read every owner; 'e' end the watch (an object over a system
 * catalog, or in pg_catalog); 'f' the body of a function made or
 * altered (one that can write what the log misses, called later, ends
 * the watch); 'w' the snapshot's xmin (the next $1); 'i' the watch's own
 * signature (another means a script changed it: stop trusting it); 't'
 * a hash of what no event trigger reports: role names, the database
 * owner, the event triggers.
 */
static const char CHANGES_SQL[] =
    "WITH RECURSIVE since AS (SELECT age($1::text::xid) AS age),"
    " log AS (DELETE FROM pg_catalog.dbrev_fingerprint_log RETURNING "
    " kind, classid, objid),"
    " dep(classid, objid) AS (SELECT classid, objid FROM log WHERE kind IN "
    " ('d', 's') AND classid IS NOT NULL"
    /* A relation's row type: typed tables and columns of it use that. */
    " UNION SELECT 'pg_type'::regclass, c.reltype FROM log JOIN pg_class c "
    " ON c.oid = log.objid WHERE log.kind IN ('d', 's') AND log.classid = "
    " 'pg_class'::regclass AND c.reltype <> 0"
    /*
     * A table constraint's table: RENAME CONSTRAINT reports only the
     * parent's, and renames its children's too (no pg_depend row).
     */
    " UNION SELECT 'pg_class'::regclass, co.conrelid FROM log JOIN "
    " pg_constraint co ON co.oid = log.objid WHERE log.kind = 'd' AND "
    " log.classid = 'pg_constraint'::regclass AND co.conrelid <> 0"
    " UNION SELECT d.classid, d.objid FROM pg_depend d JOIN dep ON "
    " d.refclassid = dep.classid AND d.refobjid = dep.objid),"
    " x(owner) AS (SELECT " DEP_ROW_OWNER " FROM dep d"
    /*
     * A constraint shows its index (renamed with it): the constraint
     * whose index it is (a foreign key's, on the index, is in dep),
     * found by the index's row (coalesce: not by the constraint's).
     */
    " UNION SELECT t FROM (SELECT (SELECT co.conrelid FROM pg_depend i "
    " JOIN pg_constraint co ON co.oid = i.refobjid WHERE i.classid = "
    " 'pg_class'::regclass AND i.objid = dep.objid AND i.objsubid = 0 AND "
    " coalesce(i.refclassid, 0) = 'pg_constraint'::regclass AND i.deptype "
    " = 'i' LIMIT 1)"
    " FROM dep WHERE dep.classid = 'pg_class'::regclass) c(t) WHERE t IS "
    " NOT NULL"
    " UNION SELECT objid FROM log WHERE kind = 'o'"
    " UNION SELECT c.oid FROM pg_class c WHERE EXISTS (SELECT 1 FROM log "
    " WHERE kind = 's') AND " USER_OID("c.oid") NEWER("c.xmin")
    " UNION SELECT a.attrelid FROM pg_attribute a WHERE EXISTS (SELECT 1 "
    " FROM log WHERE kind = 's') AND " USER_OID("a.attrelid")
    NEWER("a.xmin")
    " UNION SELECT o FROM (" OIDLIKE_BOUNDS ") b(k, o, z)),"
    /* Toast tables and their indexes have no lines (gone ones stay). */
    " xn(owner, ns) AS (SELECT owner, (SELECT relnamespace FROM pg_class "
    " WHERE oid = owner) FROM x),"
    " xs(owner, here) AS (SELECT owner, owner = 0 OR ns IS NOT NULL FROM "
    " xn WHERE coalesce(ns, 0) <> 'pg_toast'::regnamespace)"
    " SELECT 'x' AS kind, owner, CASE WHEN here THEN 'y' ELSE '' END AS "
    " value FROM xs"
    " UNION ALL SELECT 'd', objid, '' FROM dep WHERE classid = "
    " 'pg_class'::regclass"
    " UNION ALL SELECT 'a', 0, '' WHERE EXISTS (SELECT 1 FROM log WHERE "
    " kind = '?')"
    " UNION ALL SELECT 'e', 0, '' WHERE EXISTS (SELECT 1 FROM log WHERE "
    " kind = '!')"
    " UNION ALL SELECT 'f', 0, p.prosrc FROM pg_proc p WHERE p.oid IN "
    " (SELECT objid FROM log WHERE classid = 'pg_proc'::regclass)"
    " UNION ALL SELECT 'w', 0, (txid_snapshot_xmin(txid_current_snapshot()) "
    " %% 4294967296)::text"
    " UNION ALL SELECT 'i', 0, " DBREV_PG_WATCH_SIG
    " UNION ALL SELECT 't', 0, md5(string_agg(oid::text || ':' || rolname, "
    " ',' ORDER BY oid) || '/' || (SELECT datdba FROM pg_database WHERE "
    " datname = current_database()) || '/' || coalesce((SELECT "
    " string_agg(format('%%I|%%s|%%s|%%s|%%s', evtname, evtevent, "
    " evtenabled, evtfoid, evttags), ',' ORDER BY evtname) FROM "
    " pg_event_trigger), '')) FROM pg_roles";

/*
 * An owner of lines: its OID, its count of rows that can go while it
 * stays ('n'), and its lines' hash.
 */
struct owner {
	unsigned	 oid;
	unsigned	 rel;		/* an index's table, a sequence's */
	int		 dirty;		/* READ or GONE, else 0 */
	long long	 rows;
	int		 has_lines;
	uint64_t	 md5[2];	/* its lines' hash, when it has lines */
};

#define READ	1	/* its lines are to be read */
#define GONE	2	/* its lines are gone (it is, or was made again) */

/* Our statements, by index in struct dbrev_pg_fpcache's prepared. */
enum statement {
	STATE, LINES_OF_OWNERS, CHANGES, LINES_OF_DATABASE, NSTATEMENTS
};

struct dbrev_pg_fpcache {
	struct owner	*o;		/* sorted by oid */
	size_t		 n;
	char		 since[24];	/* the last snapshot's xmin */
	char		 roles[33];
	int		 valid;
	int		 prepared[NSTATEMENTS];
	size_t		 planned_for[NSTATEMENTS]; /* n when it was prepared */
	int		 watched;	/* watch.c's log is there to read */
	int		 unsure;	/* a script wrote what the log misses */
	char		 token[33];	/* CHANGES_SQL's 't' */
	char		 sig[33];	/* DBREV_PG_WATCH_SIG as installed */
};

void
dbrev_pg_fpcache_free(struct dbrev_pg_fpcache *fc)
{
	if (fc == NULL)
		return;
	free(fc->o);
	free(fc);
}

static int
by_oid(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;

	return x->oid < y->oid ? -1 : x->oid > y->oid;
}

static struct owner *
find(struct owner *o, size_t n, unsigned oid)
{
	struct owner key = { .oid = oid };

	return n == 0 ? NULL : bsearch(&key, o, n, sizeof(*o), by_oid);
}

#define OF_RELATIONS	1
#define OF_DATABASE	2

/*
 * The owners' hashes of their sorted lines, of relations, of the
 * database or both (of), where filter says, and the relation each
 * belongs to (an index's table, an owned sequence's; a watched log may
 * name only that when the index is made again).
 */
static void
lines_sql(struct dbrev_buf *b, int server_version, int of,
    const char *filter)
{
	dbrev_buf_puts(b, "SELECT owner, md5(string_agg(line, E'\\n' ORDER "
	    "BY line COLLATE pg_catalog.\"C\")), coalesce((SELECT indrelid "
	    "FROM pg_index WHERE indexrelid = owner), (SELECT refobjid FROM "
	    "pg_depend WHERE classid = 'pg_class'::regclass AND objid = owner "
	    "AND objsubid = 0 AND refclassid = 'pg_class'::regclass AND "
	    "deptype IN ('a', 'i') AND refobjid <> owner LIMIT 1), owner) "
	    "FROM (");
	if (of & OF_RELATIONS)
		dbrev_buf_printf(b, LINES_OF_RELATIONS, server_version >=
		    140000 ? "a.attcompression" : "''");
	if (of == (OF_RELATIONS | OF_DATABASE))
		dbrev_buf_puts(b, " UNION ALL ");
	if (of & OF_DATABASE)
		dbrev_buf_printf(b, LINES_OF_THE_DATABASE);
	dbrev_buf_printf(b, ") l(owner, line)%s GROUP BY owner", filter);
}

/* Fill err from r, or from the connection when there is no result. */
static PGresult *
failed(PGconn *pg, PGresult *r, struct dbrev_error *err)
{
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
	    "cannot read the schema: %s", r != NULL ?
	    PQresultErrorMessage(r) : PQerrorMessage(pg));
	PQclear(r);
	return NULL;
}

/*
 * What a line prints depends on the session: names are qualified unless
 * visible on the search path, times follow TimeZone and DateStyle.  Every
 * read sets these for itself only (set_config local to the transaction,
 * in one statement): the path holds pg_catalog
 * and then pg_temp, so no user object is visible and no temporary one
 * hides a built-in (or our catalogs).  And what makes it fast:
 * jit off, as the planner overrates these queries, and the generic plan,
 * as planning one costs more than running it.
 */
static const char FIXED_SETTINGS[] = "SELECT "
    "set_config('search_path', 'pg_catalog, pg_temp', true), "
    "set_config('quote_all_identifiers', 'off', true), "
    "set_config('standard_conforming_strings', 'on', true), "
    "set_config('TimeZone', 'UTC', true), "
    "set_config('DateStyle', 'ISO, YMD', true), "
    "set_config('IntervalStyle', 'postgres', true), "
    "set_config('extra_float_digits', '3', true), "
    "set_config('bytea_output', 'hex', true), "
    "set_config('jit', 'off', true), "
    "set_config('plan_cache_mode', 'force_generic_plan', true)";
#define NSETTINGS 1	/* statements in FIXED_SETTINGS */

/*
 * Added for the statements that look up a few owners by key (lines and
 * changes): their generic plan is made on first use, when the catalogs
 * may be small, and kept while they grow; a hash join over a whole
 * catalog would then cost what the catalog weighs, on every call.
 */
static const char BY_KEY_SETTINGS[] = ", "
    "set_config('enable_hashjoin', 'off', true), "
    "set_config('enable_mergejoin', 'off', true), "
    "set_config('enable_seqscan', 'off', true)";

/*
 * Send sql, nres statements, after the fixed settings and, with by_key,
 * BY_KEY_SETTINGS (inside the caller's transaction, in a savepoint
 * rolled back after) and fill res with their results, the first error
 * in the place of the statement that failed (or of the first, when a
 * setting did); the caller's transaction is left as it was either way.
 * -1: nothing was sent.
 */
static int
send_n(PGconn *pg, int in_tx, int by_key, const char *sql, PGresult **res,
    size_t nres)
{
	struct dbrev_buf b = { 0 };
	PGresult *r;
	size_t i, k, want = NSETTINGS + (in_tx ? 1 : 0);
	int sent, failed_at = -1;

	memset(res, 0, nres * sizeof(*res));
	if (in_tx)
		dbrev_buf_puts(&b, "SAVEPOINT dbrev_fingerprint; ");
	dbrev_buf_puts(&b, FIXED_SETTINGS);
	if (by_key)
		dbrev_buf_puts(&b, BY_KEY_SETTINGS);
	dbrev_buf_puts(&b, "; ");
	dbrev_buf_puts(&b, sql);
	if (in_tx)
		dbrev_buf_puts(&b, "; ROLLBACK TO SAVEPOINT dbrev_fingerprint; "
		    "RELEASE SAVEPOINT dbrev_fingerprint");
	sent = PQsendQuery(pg, b.data);
	dbrev_buf_free(&b);
	if (!sent)
		return -1;
	for (k = 0; (r = PQgetResult(pg)) != NULL; k++) {
		i = k < want ? 0 : k - want;
		if (failed_at == -1 && PQresultStatus(r) == PGRES_FATAL_ERROR &&
		    i < nres) {
			failed_at = (int)i;
			res[i] = r;
		} else if (failed_at == -1 && k >= want && i < nres)
			res[i] = r;
		else
			PQclear(r);
	}
	if (in_tx && failed_at != -1)
		PQclear(PQexec(pg, "ROLLBACK TO SAVEPOINT dbrev_fingerprint; "
		    "RELEASE SAVEPOINT dbrev_fingerprint"));
	return 0;
}

/* send_n of one statement: its result or the first error (or NULL). */
static PGresult *
send(PGconn *pg, int in_tx, const char *sql)
{
	PGresult *r;

	return send_n(pg, in_tx, 0, sql, &r, 1) == -1 ? NULL : r;
}

static int
has_state(PGresult *r, const char *sqlstate)
{
	const char *s = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) :
	    NULL;

	return s != NULL && strcmp(s, sqlstate) == 0;
}

static const char *const statement[NSTATEMENTS] = {
	"dbrev_fingerprint_state", "dbrev_fingerprint_lines",
	"dbrev_fingerprint_changes", "dbrev_fingerprint_database"
};

/* PREPARE statement k (replacing one of ours that a revision made). */
static int
prepare(PGconn *pg, int in_tx, enum statement k, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 }, d = { 0 };
	PGresult *r;

	dbrev_buf_printf(&b, "PREPARE %s%s AS ", statement[k],
	    k == LINES_OF_OWNERS ? "(oid[])" : k == LINES_OF_DATABASE ? "" :
	    "(text)");
	if (k == STATE)
		dbrev_buf_printf(&b, STATE_SQL);
	else if (k == CHANGES)
		dbrev_buf_printf(&b, CHANGES_SQL);
	else if (k == LINES_OF_OWNERS)
		lines_sql(&b, PQserverVersion(pg), OF_RELATIONS,
		    " WHERE owner = ANY($1)");
	else
		lines_sql(&b, PQserverVersion(pg), OF_DATABASE, "");
	r = send(pg, in_tx, b.data);
	if (has_state(r, "42P05")) {
		PQclear(r);
		dbrev_buf_printf(&d, "DEALLOCATE %s", statement[k]);
		PQclear(send(pg, in_tx, d.data));
		r = send(pg, in_tx, b.data);
	}
	dbrev_buf_free(&b);
	dbrev_buf_free(&d);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		failed(pg, r, err);
		return -1;
	}
	PQclear(r);
	return 0;
}

/*
 * Statement k prepared: on first use, again when the revisions
 * deallocated it, and again when the schema has grown (a plan made for
 * a small one is slow on a large one).
 */
static int
ready(PGconn *pg, struct dbrev_pg_fpcache *fc, int in_tx, enum statement k,
    struct dbrev_error *err)
{
	if (fc->n > 2 * fc->planned_for[k] + 100)
		fc->prepared[k] = 0;
	if (fc->prepared[k])
		return 0;
	if (prepare(pg, in_tx, k, err) == -1)
		return -1;
	fc->planned_for[k] = fc->n;
	fc->prepared[k] = 1;
	return 0;
}

/*
 * EXECUTE statements k[0..n) (each with its arg, NULL for none) in one
 * round trip, each prepared on first use and again when the revisions
 * deallocated it: 0 with their rows in res, -1 with err.
 */
static int
execute_n(PGconn *pg, struct dbrev_pg_fpcache *fc, int in_tx,
    const enum statement *k, const char *const *arg, size_t n,
    PGresult **res, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	size_t i;
	int again, rc = -1, deallocated;

	for (i = 0; i < n; i++)
		dbrev_buf_printf(&b, "%sEXECUTE %s%s%s%s", i ? "; " : "",
		    statement[k[i]], arg[i] ? "(" : "", arg[i] ? arg[i] : "",
		    arg[i] ? ")" : "");
	memset(res, 0, n * sizeof(*res));
	for (again = 0; again < 2; again++) {
		for (i = 0; i < n; i++) {
			PQclear(res[i]);
			res[i] = NULL;
		}
		for (i = 0; i < n; i++)
			if (ready(pg, fc, in_tx, k[i], err) == -1)
				goto out;	/* err is filled */
		if (send_n(pg, in_tx, k[0] != STATE, b.data, res, n) == -1) {
			failed(pg, NULL, err);
			goto out;
		}
		/*
		 * A script deallocated one (DEALLOCATE ALL: the ones after
		 * it too, which did not run): prepare them again, once.
		 */
		for (deallocated = 0, i = 0; i < n; i++)
			if (deallocated || has_state(res[i], "26000"))
				fc->prepared[k[i]] = 0, deallocated = 1;
		if (!deallocated)
			break;
	}
	for (i = 0; i < n; i++)
		if (res[i] == NULL || PQresultStatus(res[i]) != PGRES_TUPLES_OK) {
			failed(pg, res[i], err);
			res[i] = NULL;
			goto out;
		}
	rc = 0;
out:
	dbrev_buf_free(&b);
	for (i = 0; rc == -1 && i < n; i++) {
		PQclear(res[i]);
		res[i] = NULL;
	}
	return rc;
}

/* The rows of EXECUTE statement k (arg); NULL with err on an error. */
static PGresult *
execute(PGconn *pg, struct dbrev_pg_fpcache *fc, int in_tx,
    enum statement k, const char *arg, struct dbrev_error *err)
{
	PGresult *r;

	return execute_n(pg, fc, in_tx, &k, &arg, 1, &r, err) == -1 ? NULL :
	    r;
}

static unsigned
oid_at(PGresult *r, int row, int col)
{
	return (unsigned)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

/*
 * The owners the state query found, sorted by oid, *n of them: dirty
 * when named by an 'x' row, new or with another count; else with the
 * cached hash.  Fills since and roles; sets *all when every owner is to
 * be read ('a', or other roles).
 */
static struct owner *
read_state(PGresult *r, const struct dbrev_pg_fpcache *fc, size_t *n,
    char *since, char *roles, int *all)
{
	int i, nt = PQntuples(r);
	struct owner *o = dbrev_xcalloc((size_t)nt + 2, sizeof(*o)), *p, *old;
	size_t k = 1;
	const char *kind;

	/* Owner 0, the lines of no relation, is always there. */
	for (i = 0; i < nt; i++)
		if (PQgetvalue(r, i, 0)[0] == 'o')
			o[k++].oid = oid_at(r, i, 1);
	qsort(o, k, sizeof(*o), by_oid);
	for (i = 0; i < nt; i++) {
		kind = PQgetvalue(r, i, 0);
		p = find(o, k, oid_at(r, i, 1));
		if (*kind == 'n' && p != NULL)
			p->rows = strtoll(PQgetvalue(r, i, 2), NULL, 10);
		else if (*kind == 'x' && p != NULL)
			p->dirty = READ;
		else if (*kind == 'a')
			*all = 1;
		else if (*kind == 'w')
			snprintf(since, 24, "%s", PQgetvalue(r, i, 2));
		else if (*kind == 'r')
			snprintf(roles, 33, "%s", kind + 1);
	}
	for (p = o; p < o + k; p++) {
		old = fc->valid && strcmp(fc->roles, roles) == 0 ?
		    find(fc->o, fc->n, p->oid) : NULL;
		if (old == NULL || old->rows != p->rows)
			p->dirty = READ;
		else if (!p->dirty) {
			p->has_lines = old->has_lines;
			memcpy(p->md5, old->md5, sizeof(p->md5));
		}
	}
	*n = k;
	return o;
}

/* md5 as hex (32 digits, as the server prints it) in two halves; 0 if not. */
static int
hex_md5(const char *hex, uint64_t *md5)
{
	int i, d;

	md5[0] = md5[1] = 0;
	for (i = 0; i < 32; i++) {
		if (hex[i] >= '0' && hex[i] <= '9')
			d = hex[i] - '0';
		else if (hex[i] >= 'a' && hex[i] <= 'f')
			d = hex[i] - 'a' + 10;
		else
			return 0;
		md5[i / 16] = md5[i / 16] << 4 | (uint64_t)d;
	}
	return hex[32] == '\0';
}

/* The dirty owners' hashes and relations, from lines rows (r). */
static void
store_lines(PGresult *r, struct owner *o, size_t n)
{
	struct owner *p;
	int i;

	for (i = 0; i < PQntuples(r); i++)
		if ((p = find(o, n, oid_at(r, i, 0))) != NULL && p->dirty) {
			p->has_lines = hex_md5(PQgetvalue(r, i, 1), p->md5);
			p->rel = oid_at(r, i, 2);
		}
}

/*
 * Read the lines of the owners in o[0..n) marked READ, in one round
 * trip: the relations' by key, the database's (owner 0) when it is one;
 * 0 with their hashes and relations stored.
 */
static int
read_dirty(PGconn *pg, struct dbrev_pg_fpcache *fc, int in_tx,
    struct owner *o, size_t n, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	enum statement k[2];
	const char *arg[2];
	PGresult *res[2];
	struct owner *p;
	size_t nk = 0, nrel = 0, i;
	int rc;

	dbrev_buf_puts(&b, "'{");
	for (p = o; p < o + n; p++)
		if (p->dirty == READ && p->oid != 0)
			dbrev_buf_printf(&b, "%s%u", nrel++ ? "," : "", p->oid);
	dbrev_buf_puts(&b, "}'");
	if (nrel > 0) {
		k[nk] = LINES_OF_OWNERS;
		arg[nk++] = b.data;
	}
	if ((p = find(o, n, 0)) != NULL && p->dirty == READ) {
		k[nk] = LINES_OF_DATABASE;
		arg[nk++] = NULL;
	}
	rc = nk == 0 ? 0 : execute_n(pg, fc, in_tx, k, arg, nk, res, err);
	dbrev_buf_free(&b);
	for (i = 0; rc == 0 && i < nk; i++) {
		store_lines(res[i], o, n);
		PQclear(res[i]);
	}
	return rc;
}

/*
 * Hash the lines of the dirty owners in o[0..n) (of every owner with
 * all).  An owner without lines is left without.
 */
static int
read_lines(PGconn *pg, struct dbrev_pg_fpcache *fc, struct owner *o,
    size_t n, int all, int in_tx, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	struct owner *p;
	PGresult *r;

	for (p = o; p < o + n; p++)
		if (p->dirty)
			p->has_lines = 0;
	if (!all)
		return read_dirty(pg, fc, in_tx, o, n, err);
	lines_sql(&b, PQserverVersion(pg), OF_RELATIONS | OF_DATABASE, "");
	if ((r = send(pg, in_tx, b.data)) == NULL ||
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		r = failed(pg, r, err);
	dbrev_buf_free(&b);
	if (r == NULL)
		return -1;
	store_lines(r, o, n);
	PQclear(r);
	return 0;
}

/*
 * The fingerprint: a digest of the multiset of the owners' hashes, which
 * no order of owners changes (their OIDs do not count): how many, their
 * sum modulo 2^128 and their exclusive or.  Made in one pass, unsorted.
 */
static void
write_fingerprint(const struct owner *o, size_t n, struct dbrev_buf *out)
{
	uint64_t sum_hi = 0, sum_lo = 0, xor_hi = 0, xor_lo = 0, hi, lo;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!o[i].has_lines)
			continue;
		hi = o[i].md5[0];
		lo = o[i].md5[1];
		sum_lo += lo;
		sum_hi += hi + (sum_lo < lo);
		xor_hi ^= hi;
		xor_lo ^= lo;
		k++;
	}
	dbrev_buf_reset(out);
	dbrev_buf_printf(out, "%zu %016llx%016llx %016llx%016llx\n", k,
	    (unsigned long long)sum_hi, (unsigned long long)sum_lo,
	    (unsigned long long)xor_hi, (unsigned long long)xor_lo);
}

/* The state query's rows, since the last snapshot when that is kept. */
static PGresult *
read_state_rows(PGconn *pg, struct dbrev_pg_fpcache *fc, int in_tx,
    struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	PGresult *r;

	if (fc->valid)
		dbrev_buf_printf(&b, "'%s'", fc->since);
	r = execute(pg, fc, in_tx, STATE, fc->valid ? b.data : "NULL", err);
	dbrev_buf_free(&b);
	return r;
}

/*
 * o[0..kept) sorted by oid, o[kept..k) new owners not among them: the
 * new ones sorted and merged in (each once); returns how many.
 */
static size_t
merge_new(struct owner *o, size_t kept, size_t k)
{
	struct owner *m;
	size_t i = 0, j = kept, n = 0;

	if (k == kept)
		return k;
	qsort(o + kept, k - kept, sizeof(*o), by_oid);
	m = dbrev_xcalloc(k, sizeof(*m));
	while (i < kept || j < k)
		if (j == k || (i < kept && o[i].oid < o[j].oid))
			m[n++] = o[i++];
		else if (n > 0 && m[n - 1].oid == o[j].oid)
			j++;
		else
			m[n++] = o[j++];
	memcpy(o, m, n * sizeof(*o));
	free(m);
	return n;
}

static int
by_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/*
 * The kept owners with those CHANGES_SQL's rows (r) name marked dirty
 * (added when new), *n of them; the relations it reached, sorted, in
 * *rels (*nrels).  Sets *all, since and fc's token as the rows say.
 */
static struct owner *
mark_changes(PGresult *r, struct dbrev_pg_fpcache *fc, size_t *n,
    unsigned **rels, size_t *nrels, char *since, int *all)
{
	struct owner *o, *p;
	const char *kind;
	size_t k;
	int i;

	o = dbrev_xcalloc(fc->n + (size_t)PQntuples(r) + 1, sizeof(*o));
	*rels = dbrev_xcalloc((size_t)PQntuples(r) + 1, sizeof(**rels));
	*nrels = 0;
	if (fc->n > 0)
		memcpy(o, fc->o, fc->n * sizeof(*o));
	for (k = 0; k < fc->n; k++)
		o[k].dirty = 0;
	for (i = 0; i < PQntuples(r); i++) {
		kind = PQgetvalue(r, i, 0);
		if (*kind == 'x' && (p = find(o, fc->n, oid_at(r, i, 1))) == NULL)
			p = &o[k++];
		if (*kind == 'x') {
			p->oid = oid_at(r, i, 1);
			p->dirty = *PQgetvalue(r, i, 2) == 'y' ? READ : GONE;
		} else if (*kind == 'd')
			(*rels)[(*nrels)++] = oid_at(r, i, 1);
		else if (*kind == 'a')
			*all = 1;
		else if ((*kind == 'i' && strcmp(fc->sig, PQgetvalue(r, i, 2))) ||
		    *kind == 'e' || (*kind == 'f' &&
		    dbrev_pg_watch_unseen_body(PQgetvalue(r, i, 2)) > 0))
			fc->watched = 0, *all = 1;
		else if (*kind == 'w')
			snprintf(since, 24, "%s", PQgetvalue(r, i, 2));
		else if (*kind == 't' && strcmp(fc->token, PQgetvalue(r, i, 2))) {
			snprintf(fc->token, sizeof(fc->token), "%s",
			    PQgetvalue(r, i, 2));
			*all = 1;
		}
	}
	qsort(*rels, *nrels, sizeof(**rels), by_uint);
	*n = merge_new(o, fc->n, k);
	return o;
}

/*
 * Forget the dirty owners' hashes, and those of owners of a relation
 * reached that were not reached themselves: they are gone (an index
 * made again under another OID is reached through its table).
 */
static void
forget_changed(struct owner *o, size_t n, const unsigned *rels,
    size_t nrels)
{
	struct owner *p;

	for (p = o; p < o + n; p++)
		if (p->dirty || (p->rel != p->oid && bsearch(&p->rel, rels,
		    nrels, sizeof(*rels), by_uint) != NULL))
			p->has_lines = 0;
}

/*
 * On a watched database: the kept owners brought up to date from the
 * log, *n of them; NULL when every owner is to be read (the log says
 * so, a script wrote what it misses, the hash of what it cannot see
 * changed, or it cannot be read).  Empties the log either way; fills
 * since.
 */
static struct owner *
read_watched(PGconn *pg, struct dbrev_pg_fpcache *fc, size_t *n,
    char *since)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_error ignore = { 0 };
	struct owner *o = NULL;
	PGresult *r;
	unsigned *rels = NULL;
	size_t nrels;
	int all = !fc->valid || fc->unsure;

	dbrev_buf_printf(&b, "'%s'", fc->since);
	r = execute(pg, fc, 0, CHANGES, fc->valid ? b.data : "NULL", &ignore);
	dbrev_buf_free(&b);
	if (r != NULL) {
		o = mark_changes(r, fc, n, &rels, &nrels, since, &all);
		PQclear(r);
		fc->unsure = 0;
		if (all || since[0] == '\0') {
			free(o);
			free(rels);
			return NULL;
		}
		forget_changed(o, *n, rels, nrels);
		free(rels);
		if (read_dirty(pg, fc, 0, o, *n, &ignore) == 0)
			return o;
		free(o);
	}
	/* Dropped or broken by a script: read the catalogs from now. */
	dbrev_error_clear(&ignore);
	fc->watched = fc->unsure = 0;
	return NULL;
}

/*
 * Keep only owners with lines, and 0: a watched log names an owner
 * again when it is made (a relation of the user's always has lines).
 */
static size_t
without_lines_dropped(struct owner *o, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (o[i].oid == 0 || o[i].has_lines)
			o[k++] = o[i];
	return k;
}

void
dbrev_pg_fingerprint_watched(struct dbrev_conn *c, const char *sig)
{
	struct dbrev_pg_fpcache **fcp = dbrev_pg_conn_fpcache(c);

	if (*fcp == NULL)
		*fcp = dbrev_xcalloc(1, sizeof(**fcp));
	(*fcp)->watched = 1;
	(*fcp)->valid = 0;
	snprintf((*fcp)->sig, sizeof((*fcp)->sig), "%s", sig);
}

void
dbrev_pg_fingerprint_saw(struct dbrev_pg_fpcache *fc, const char *sql,
    int failed)
{
	int unseen;

	if (fc == NULL || !fc->watched)
		return;
	unseen = failed ? 1 : dbrev_pg_watch_unseen(sql);
	if (unseen > 0)
		fc->unsure = 1;
	if (unseen > 1)
		fc->watched = 0, fc->valid = 0;
}

int
dbrev_pg_fingerprint(struct dbrev_conn *c, struct dbrev_buf *out,
    struct dbrev_error *err)
{
	PGconn *pg = dbrev_pg_conn_pg(c);
	struct dbrev_pg_fpcache **fcp = dbrev_pg_conn_fpcache(c), *fc;
	struct owner *o;
	char since[24] = "", roles[33] = "";
	int in_tx, all = 0;
	size_t n, i;
	PGresult *r;

	/* Statements the driver holds back (BEGIN, RESET ALL) go first. */
	if (dbrev_pg_conn_flush(c, err) == -1)
		return -1;
	if (*fcp == NULL)
		*fcp = dbrev_xcalloc(1, sizeof(**fcp));
	fc = *fcp;
	/* A rolled-back update brings back a row with an old xmin. */
	in_tx = PQtransactionStatus(pg) != PQTRANS_IDLE;
	if (in_tx)
		fc->valid = 0;
	if (fc->watched && !in_tx) {
		if ((o = read_watched(pg, fc, &n, since)) != NULL) {
			write_fingerprint(o, n, out);
			free(fc->o);
			fc->o = o;
			fc->n = without_lines_dropped(o, n);
			memcpy(fc->since, since, sizeof(since));
			return 0;
		}
		/* Kept counts are not kept while watched: read all. */
		fc->valid = 0;
		since[0] = '\0';
	}
	if ((r = read_state_rows(pg, fc, in_tx, err)) == NULL)
		return -1;
	o = read_state(r, fc, &n, since, roles, &all);
	PQclear(r);
	if (all || !fc->valid || strcmp(fc->roles, roles) != 0)
		for (all = 1, i = 0; i < n; i++)
			o[i].dirty = READ;
	if (read_lines(pg, fc, o, n, all, in_tx, err) == -1) {
		free(o);
		fc->valid = 0;
		return -1;
	}
	free(fc->o);
	fc->o = o;
	fc->n = n;
	memcpy(fc->since, since, sizeof(since));
	memcpy(fc->roles, roles, sizeof(roles));
	fc->valid = !in_tx && since[0] != '\0';
	write_fingerprint(o, n, out);
	return 0;
}
