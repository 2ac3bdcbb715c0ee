/*
 * schema.c - the PostgreSQL driver's schema group: introspection of an
 * open connection, the SQL of a difference, a read-only connection
 * (scratch databases are made where autogenerate makes its own, in
 * autogen.c).
 */
#include <stdlib.h>

#include "libpq.h"

#include "dbrev/schema.h"
#include "hooks.h"
#include "schema.h"

int
dbrev_pg_conn_introspect(struct dbrev_conn *c, struct dbrev_schema **out,
    struct dbrev_error *err)
{
	return dbrev_postgres_introspect(dbrev_pg_conn_pg(c), out, err);
}

void
dbrev_pg_conn_diff_options(struct dbrev_conn *c, struct dbrev_diff_options *o)
{
	dbrev_postgres_diff_options(o, PQserverVersion(dbrev_pg_conn_pg(c)));
}

void
dbrev_pg_diff_sql(struct dbrev_conn *c, const struct dbrev_diff *d,
    struct dbrev_buf *out)
{
	char **w = NULL;
	size_t nw = 0, i;
	int tx = 1;

	dbrev_postgres_emit(d, PQserverVersion(dbrev_pg_conn_pg(c)), out, &tx,
	    &w, &nw);
	for (i = 0; i < nw; i++)
		free(w[i]);
	free(w);
}

int
dbrev_pg_read_only(struct dbrev_conn *c, struct dbrev_error *err)
{
	PGresult *r = PQexec(dbrev_pg_conn_pg(c),
	    "SET default_transaction_read_only = on");
	int ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	if (!ok)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot make the connection read-only");
	return 0;
}

/*
 * One query over every catalog the introspection reads, in the user's
 * schemas, by name and definition (never by OID, which a drop and
 * create changes): classes, columns (every pg_attribute field but the
 * OIDs and the position, which a downgrade and upgrade may change),
 * constraints, indexes, triggers, rules, policies, views, functions,
 * types, sequences, extensions, schemas, comments and privileges.
 */
#define USER_NS(n) "(" n " NOT IN ('pg_catalog', 'information_schema') " \
	"AND " n " NOT LIKE 'pg\\_toast%' AND " n " NOT LIKE 'pg\\_temp%')"

static const char FINGERPRINT_SQL[] =
    "SELECT concat_ws(E'\\n',"
    " (SELECT string_agg(format('%s|%s|%s|%s', nspname, nspacl, "
    "  obj_description(oid, 'pg_namespace'), nspowner = (SELECT datdba "
    "  FROM pg_database WHERE datname = current_database())), "
    "  E'\\n' ORDER BY nspname) FROM pg_namespace WHERE " USER_NS("nspname")
    "),"
    " (SELECT string_agg(format('%s.%s|%s|%s|%s|%s|%s|%s|%s|%s', n.nspname,"
    "  c.relname, c.relkind, c.reloptions, c.relpersistence, c.relacl, "
    "  obj_description(c.oid, 'pg_class'), c.relreplident, "
    "  pg_get_expr(c.relpartbound, c.oid), CASE WHEN c.relkind = 'p' THEN "
    "  pg_get_partkeydef(c.oid) END), E'\\n' ORDER BY n.nspname, c.relname)"
    "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "  WHERE " USER_NS("n.nspname") "),"
    " (SELECT string_agg(format('%s.%s.%s|%s|%s|%s|%s|%s', n.nspname, "
    "  c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
    "  (to_jsonb(a) - ARRAY['attrelid', 'attnum', 'atttypid', "
    "  'attcollation', 'attname']), co.collname, pg_get_expr(d.adbin, "
    "  d.adrelid), col_description(c.oid, a.attnum)), E'\\n' ORDER BY "
    "  n.nspname, c.relname, a.attname)"
    "  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "  JOIN pg_namespace n ON n.oid = c.relnamespace "
    "  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = "
    "  a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation "
    "  WHERE a.attnum > 0 AND NOT a.attisdropped AND " USER_NS("n.nspname")
    "),"
    " (SELECT string_agg(format('%s|%s|%s|%s|%s', n.nspname, "
    "  conrelid::regclass, conname, pg_get_constraintdef(co.oid), "
    "  obj_description(co.oid, 'pg_constraint')), E'\\n' ORDER BY 1) "
    "  FROM pg_constraint co JOIN pg_namespace n ON n.oid = "
    "  co.connamespace WHERE " USER_NS("n.nspname") "),"
    " (SELECT string_agg(x, E'\\n' ORDER BY x) FROM ("
    "  SELECT pg_get_indexdef(i.indexrelid) || '|' || i.indisclustered::text"
    "  || '|' || i.indisreplident::text AS x FROM pg_index i JOIN "
    "  pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = "
    "  c.relnamespace WHERE " USER_NS("n.nspname")
    "  UNION ALL SELECT pg_get_triggerdef(t.oid) || '|' || t.tgenabled::text || "
    "  '|' || coalesce(obj_description(t.oid, 'pg_trigger'), '') FROM "
    "  pg_trigger t WHERE NOT t.tgisinternal"
    "  UNION ALL SELECT pg_get_ruledef(r.oid) FROM pg_rewrite r JOIN "
    "  pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = "
    "  c.relnamespace WHERE " USER_NS("n.nspname")
    "  UNION ALL SELECT format('%s|%s|%s|%s|%s|%s|%s', polrelid::regclass, "
    "  polname, polcmd, polpermissive, polroles::regrole[], "
    "  pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid))"
    "  FROM pg_policy"
    "  UNION ALL SELECT format('%s|%s|%s|%s|%s', p.oid::regprocedure, "
    "  CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) "
    "  END, p.proacl, obj_description(p.oid, 'pg_proc'), p.prokind) FROM "
    "  pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE "
    USER_NS("n.nspname")
    "  UNION ALL SELECT format('%s.%s|%s|%s|%s|%s|%s|%s|%s', n.nspname, "
    "  t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod), "
    "  t.typnotnull, t.typdefault, t.typacl, obj_description(t.oid, "
    "  'pg_type'), (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder)"
    "  FROM pg_enum WHERE enumtypid = t.oid)) FROM pg_type t JOIN "
    "  pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN ('e', "
    "  'd', 'r', 'm', 'b') AND " USER_NS("n.nspname")
    "  UNION ALL SELECT format('%s|%s', s.seqrelid::regclass, (to_jsonb(s) "
    "  - ARRAY['seqrelid', 'seqtypid']) || jsonb_build_object('t', "
    "  format_type(s.seqtypid, NULL))) FROM pg_sequence s"
    "  UNION ALL SELECT format('%s|%s|%s', e.extname, e.extversion, "
    "  e.extnamespace::regnamespace) FROM pg_extension e"
    "  UNION ALL SELECT format('%s|%s|%s', d.defaclrole::regrole, "
    "  d.defaclobjtype, d.defaclacl) FROM pg_default_acl d"
    " ) u))";

int
dbrev_pg_fingerprint(struct dbrev_conn *c, struct dbrev_buf *out,
    struct dbrev_error *err)
{
	PGresult *r = PQexec(dbrev_pg_conn_pg(c), FINGERPRINT_SQL);
	int ok = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) == 1;

	dbrev_buf_reset(out);
	if (ok)
		dbrev_buf_puts(out, PQgetvalue(r, 0, 0));
	else
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot read the schema: %s", r != NULL ?
		    PQresultErrorMessage(r) : "out of memory");
	PQclear(r);
	return ok ? 0 : -1;
}
