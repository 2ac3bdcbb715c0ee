/*
 * introspect.c - read a PostgreSQL database from its catalogs
 * into the schema model.
 *
 * Everything is read as the server itself prints it (format_type,
 * pg_get_expr, pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef,
 * pg_get_functiondef, pg_get_triggerdef): both sides of a diff come from
 * the same server, so its canonical text compares as is and is also
 * valid SQL to emit.  Objects that belong to an extension, the system
 * schemas and the version table are left out.  Dependencies come from
 * pg_depend (normal dependencies), mapped to the model's qualified
 * names, so that the diff can order statements.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq.h"

#include "../driver.h"
#include "dbrev/schema.h"
#include "schema.h"
#include "dbrev/util.h"
#include "text.h"

/* Namespaces never read. */
#define USER_NSP(n) \
	"(" n ".nspname NOT IN ('pg_catalog', 'information_schema', " \
	"'pg_toast') AND " n ".nspname NOT LIKE 'pg\\_temp\\_%' AND " \
	n ".nspname NOT LIKE 'pg\\_toast\\_temp\\_%')"

/* Not a member of an extension. */
#define NOT_EXT(cat, oidexpr) \
	"NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = '" cat \
	"'::regclass AND xd.objid = " oidexpr " AND xd.deptype = 'e')"

/* Separator of lists aggregated in SQL (names cannot hold it in practice). */
#define SEP "\x1f"

/* ------------------------------------------------ identifiers, text */

/* PostgreSQL's keywords that quote_ident quotes (not "unreserved"). */
static const char *const pg_keywords[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc",
	"asymmetric", "authorization", "between", "bigint", "binary", "bit",
	"boolean", "both", "case", "cast", "char", "character", "check",
	"coalesce", "collate", "collation", "column", "concurrently",
	"constraint", "create", "cross", "current_catalog", "current_date",
	"current_role", "current_schema", "current_time",
	"current_timestamp", "current_user", "dec", "decimal", "default",
	"deferrable", "desc", "distinct", "do", "else", "end", "except",
	"exists", "extract", "false", "fetch", "float", "for", "foreign",
	"freeze", "from", "full", "grant", "greatest", "group", "grouping",
	"having", "ilike", "in", "initially", "inner", "inout", "int",
	"integer", "intersect", "interval", "into", "is", "isnull", "join",
	"lateral", "leading", "least", "left", "like", "limit", "localtime",
	"localtimestamp", "national", "natural", "nchar", "none",
	"normalize", "not", "notnull", "null", "nullif", "numeric", "offset",
	"on", "only", "or", "order", "out", "outer", "overlaps", "overlay",
	"placing", "position", "precision", "primary", "real", "references",
	"returning", "right", "row", "select", "session_user", "setof",
	"similar", "smallint", "some", "substring", "symmetric", "table",
	"tablesample", "then", "time", "timestamp", "to", "trailing",
	"treat", "trim", "true", "union", "unique", "user", "using",
	"values", "varchar", "variadic", "verbose", "when", "where",
	"window", "with", "xmlattributes", "xmlconcat", "xmlelement",
	"xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi",
	"xmlroot", "xmlserialize", "xmltable"
};

static int
pg_is_keyword(const char *s)
{
	size_t lo = 0, hi = sizeof(pg_keywords) / sizeof(pg_keywords[0]), i;
	int r;

	while (lo < hi) {
		i = (lo + hi) / 2;
		r = strcmp(pg_keywords[i], s);
		if (r == 0)
			return 1;
		if (r < 0)
			lo = i + 1;
		else
			hi = i;
	}
	return 0;
}

/* name, quoted when PostgreSQL would fold or refuse it, appended to b. */
static void
ident_add(struct dbrev_buf *b, const char *name)
{
	const char *p;
	int plain;

	plain = (islower((unsigned char)name[0]) || name[0] == '_');
	for (p = name; plain && *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_' && *p != '$')
			plain = 0;
	if (plain && !pg_is_keyword(name)) {
		dbrev_buf_puts(b, name);
		return;
	}
	dbrev_buf_puts(b, "\"");
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			dbrev_buf_puts(b, "\"");
		dbrev_buf_add(b, p, 1);
	}
	dbrev_buf_puts(b, "\"");
}

const char *
dbrev_pg_ident(const char *name, char *buf, size_t size)
{
	struct dbrev_buf b = { 0 };

	ident_add(&b, name);
	snprintf(buf, size, "%s", b.data);
	dbrev_buf_free(&b);
	return buf;
}

void
dbrev_pg_qident(struct dbrev_buf *b, const char *schema, const char *name)
{
	if (schema != NULL) {
		ident_add(b, schema);
		dbrev_buf_puts(b, ".");
	}
	ident_add(b, name);
}

/* ------------------------------------------------ dependency map */

/*
 * (kind, oid) -> the model element it belongs to.  kind: 'c' pg_class,
 * 't' pg_type, 'p' pg_proc, 'e' pg_extension, 'n' pg_namespace, 'g'
 * pg_trigger, 'o' pg_opclass and 'r' pg_operator (of extensions).
 */
struct dep_ent {
	uint64_t	  key;		/* 0: empty */
	char		 *qname;
	char		***deps;	/* the element's deps, or NULL */
	size_t		 *ndeps;
};

struct depmap {
	struct dep_ent	*v;
	size_t		 cap, n;
};

static uint64_t
dkey(char kind, unsigned oid)
{
	return ((uint64_t)(unsigned char)kind << 32) | oid;
}

static size_t
dhash(uint64_t k, size_t cap)
{
	k ^= k >> 29;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 32;
	return (size_t)k & (cap - 1);
}

static struct dep_ent *
dm_find(struct depmap *m, uint64_t k)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = dhash(k, m->cap); m->v[i].key != 0; i = (i + 1) & (m->cap - 1))
		if (m->v[i].key == k)
			return &m->v[i];
	return NULL;
}

static void
dm_put(struct depmap *m, char kind, unsigned oid, const char *qname,
    char ***deps, size_t *ndeps)
{
	uint64_t k = dkey(kind, oid);
	struct dep_ent *old;
	size_t i, j;

	if ((m->n + 1) * 2 > m->cap) {
		struct dep_ent *ov = m->v;
		size_t ocap = m->cap;

		m->cap = m->cap ? m->cap * 2 : 1024;
		m->v = dbrev_xcalloc(m->cap, sizeof(*m->v));
		for (j = 0; j < ocap; j++) {
			if (ov[j].key == 0)
				continue;
			for (i = dhash(ov[j].key, m->cap); m->v[i].key != 0;
			    i = (i + 1) & (m->cap - 1))
				;
			m->v[i] = ov[j];
		}
		free(ov);
	}
	if ((old = dm_find(m, k)) != NULL)
		return;
	for (i = dhash(k, m->cap); m->v[i].key != 0; i = (i + 1) & (m->cap - 1))
		;
	m->v[i].key = k;
	m->v[i].qname = dbrev_xstrdup(qname);
	m->v[i].deps = deps;
	m->v[i].ndeps = ndeps;
	m->n++;
}

static void
dm_free(struct depmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->v[i].key != 0)
			free(m->v[i].qname);
	free(m->v);
}

/* Add dep to (deps, ndeps) unless present or the element itself. */
static void
dep_add(char ***deps, size_t *ndeps, const char *self, const char *dep)
{
	size_t i;

	if (self != NULL && strcmp(self, dep) == 0)
		return;
	for (i = 0; i < *ndeps; i++)
		if (strcmp((*deps)[i], dep) == 0)
			return;
	dbrev_strv_add(deps, ndeps, dep);
}

/* ------------------------------------------------ queries */

struct ctx {
	PGconn			*pg;
	struct dbrev_schema	*s;
	struct depmap		 map;
	struct dbrev_error	*err;
};

static PGresult *
query(struct ctx *x, const char *sql)
{
	PGresult *r = PQexec(x->pg, sql);

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *m = r != NULL ? PQresultErrorMessage(r) :
		    PQerrorMessage(x->pg);
		char *msg = dbrev_xstrdup(m != NULL ? m : "unknown error");
		size_t n = strlen(msg);

		while (n > 0 && isspace((unsigned char)msg[n - 1]))
			msg[--n] = '\0';
		dbrev_error_set(x->err, DBREV_ERR_RUNTIME, NULL, 0,
		    "check that the scratch server is PostgreSQL 13 or later",
		    "cannot read the PostgreSQL catalogs: %s", msg);
		free(msg);
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Column value or NULL when SQL NULL. */
static const char *
val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static unsigned
uval(const PGresult *r, int row, int col)
{
	return (unsigned)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

static int
bval(const PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? dbrev_xstrdup(s) : NULL;
}

/* Split a SEP-joined list into a string array. */
static void
split_list(const char *s, char ***v, size_t *n)
{
	const char *p, *e;

	if (s == NULL || *s == '\0')
		return;
	for (p = s;; p = e + 1) {
		char *w;

		e = strchr(p, SEP[0]);
		if (e == NULL)
			e = p + strlen(p);
		w = dbrev_xstrndup(p, (size_t)(e - p));
		dbrev_strv_add(v, n, w);
		free(w);
		if (*e == '\0')
			break;
	}
}

static char *
qn(const char *schema, const char *name)
{
	char buf[1024];

	return dbrev_xstrdup(dbrev_qname(schema, name, buf, sizeof(buf)));
}

/* A comment on a non-table object: COMMENT ON <target> IS '...'. */
static void
add_comment(struct ctx *x, const char *target, const char *on_qname,
    const char *text)
{
	struct dbrev_object *o;
	struct dbrev_buf b = { 0 };

	if (text == NULL)
		return;
	o = dbrev_schema_add_object(x->s, DBREV_OBJ_COMMENT, NULL, target);
	dbrev_buf_printf(&b, "COMMENT ON %s IS ", target);
	dbrev_pg_literal(&b, text);
	o->sql = dbrev_buf_take(&b);
	o->definition = dbrev_xstrdup(text);
	if (on_qname != NULL)
		dbrev_strv_add(&o->deps, &o->ndeps, on_qname);
}

/* "INDEX public.x" and the like, quoted. */
static char *
target(const char *what, const char *schema, const char *name,
    const char *suffix)
{
	struct dbrev_buf b = { 0 };

	dbrev_buf_printf(&b, "%s ", what);
	dbrev_pg_qident(&b, schema, name);
	if (suffix != NULL)
		dbrev_buf_puts(&b, suffix);
	return dbrev_buf_take(&b);
}

/* Objects in a schema other than public depend on that schema. */
static void
schema_dep(char ***deps, size_t *ndeps, const char *schema)
{
	if (schema != NULL && strcmp(schema, "public") != 0)
		dep_add(deps, ndeps, NULL, schema);
}

/* ------------------------------------------------ object kinds */

static int
read_schemas(struct ctx *x)
{
	PGresult *r;
	int i;

	r = query(x, "SELECT n.oid, n.nspname, "
	    "obj_description(n.oid, 'pg_namespace') FROM pg_namespace n "
	    "WHERE " USER_NSP("n") " AND n.nspname <> 'public' AND "
	    NOT_EXT("pg_namespace", "n.oid") " ORDER BY 2");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		struct dbrev_object *o;
		struct dbrev_buf b = { 0 };
		char *t;

		o = dbrev_schema_add_object(x->s, DBREV_OBJ_SCHEMA, NULL,
		    val(r, i, 1));
		o->definition = dbrev_xstrdup("schema");
		dbrev_buf_puts(&b, "CREATE SCHEMA ");
		dbrev_pg_qident(&b, NULL, o->name);
		o->sql = dbrev_buf_take(&b);
		dm_put(&x->map, 'n', uval(r, i, 0), o->name, &o->deps,
		    &o->ndeps);
		t = target("SCHEMA", NULL, o->name, NULL);
		add_comment(x, t, o->name, val(r, i, 2));
		free(t);
	}
	PQclear(r);
	return 0;
}

static int
read_extensions(struct ctx *x)
{
	PGresult *r;
	int i;

	r = query(x, "SELECT e.oid, e.extname, n.nspname, e.extversion, "
	    "obj_description(e.oid, 'pg_extension') FROM pg_extension e "
	    "JOIN pg_namespace n ON n.oid = e.extnamespace "
	    "WHERE e.extname <> 'plpgsql' ORDER BY 2");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		struct dbrev_object *o;
		struct dbrev_buf b = { 0 };

		o = dbrev_schema_add_object(x->s, DBREV_OBJ_EXTENSION, NULL,
		    val(r, i, 1));
		dbrev_buf_printf(&b, "SCHEMA %s", val(r, i, 2));
		o->definition = dbrev_buf_take(&b);
		dbrev_buf_puts(&b, "CREATE EXTENSION IF NOT EXISTS ");
		dbrev_pg_qident(&b, NULL, o->name);
		dbrev_buf_puts(&b, " WITH SCHEMA ");
		dbrev_pg_qident(&b, NULL, val(r, i, 2));
		o->sql = dbrev_buf_take(&b);
		schema_dep(&o->deps, &o->ndeps, val(r, i, 2));
		/* Its comment comes with it (the extension's script sets it). */
		dm_put(&x->map, 'e', uval(r, i, 0), o->name, &o->deps,
		    &o->ndeps);
	}
	PQclear(r);
	/* What an extension owns stands for the extension. */
	r = query(x, "SELECT CASE d.classid WHEN 'pg_class'::regclass THEN 'c' "
	    "WHEN 'pg_type'::regclass THEN 't' WHEN 'pg_proc'::regclass "
	    "THEN 'p' WHEN 'pg_opclass'::regclass THEN 'o' "
	    "WHEN 'pg_operator'::regclass THEN 'r' END, d.objid, e.extname "
	    "FROM pg_depend d JOIN "
	    "pg_extension e ON e.oid = d.refobjid WHERE d.refclassid = "
	    "'pg_extension'::regclass AND d.deptype = 'e' AND d.classid IN "
	    "('pg_class'::regclass, 'pg_type'::regclass, "
	    "'pg_proc'::regclass, 'pg_opclass'::regclass, "
	    "'pg_operator'::regclass) AND e.extname <> 'plpgsql'");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++)
		dm_put(&x->map, val(r, i, 0)[0], uval(r, i, 1), val(r, i, 2),
		    NULL, NULL);
	PQclear(r);
	/* Array types of those types too. */
	r = query(x, "SELECT t.typarray, e.extname FROM pg_depend d JOIN "
	    "pg_extension e ON e.oid = d.refobjid JOIN pg_type t ON t.oid = "
	    "d.objid WHERE d.refclassid = 'pg_extension'::regclass AND "
	    "d.deptype = 'e' AND d.classid = 'pg_type'::regclass AND "
	    "t.typarray <> 0 AND e.extname <> 'plpgsql'");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++)
		dm_put(&x->map, 't', uval(r, i, 0), val(r, i, 1), NULL, NULL);
	PQclear(r);
	return 0;
}

/* "START WITH 1 INCREMENT BY 1 ..." of a pg_sequence row. */
static void
seq_options(struct dbrev_buf *b, const PGresult *r, int i, int c)
{
	dbrev_buf_printf(b, "START WITH %s INCREMENT BY %s MINVALUE %s "
	    "MAXVALUE %s CACHE %s %s", val(r, i, c), val(r, i, c + 1),
	    val(r, i, c + 2), val(r, i, c + 3), val(r, i, c + 4),
	    bval(r, i, c + 5) ? "CYCLE" : "NO CYCLE");
}

static int
read_types(struct ctx *x)
{
	PGresult *r, *rc;
	int i, j;

	/* Enums, domains and composite types. */
	r = query(x, "SELECT t.oid, n.nspname, t.typname, t.typtype, "
	    "t.typarray, format_type(t.typbasetype, t.typtypmod), "
	    "t.typnotnull, t.typdefault, CASE WHEN t.typcollation <> 0 AND "
	    "t.typcollation <> bt.typcollation THEN (SELECT CASE WHEN "
	    "cn.nspname = 'pg_catalog' THEN quote_ident(c.collname) ELSE "
	    "quote_ident(cn.nspname) || '.' || quote_ident(c.collname) END "
	    "FROM pg_collation c JOIN pg_namespace cn ON cn.oid = "
	    "c.collnamespace WHERE c.oid = t.typcollation) END, "
	    "(SELECT string_agg(e.enumlabel, E'" SEP "' ORDER BY "
	    "e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), "
	    "(SELECT string_agg(quote_ident(a.attname) || ' ' || "
	    "format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) "
	    "FROM pg_attribute a WHERE a.attrelid = t.typrelid AND "
	    "a.attnum > 0 AND NOT a.attisdropped), "
	    "obj_description(t.oid, 'pg_type'), t.typrelid "
	    "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
	    "LEFT JOIN pg_type bt ON bt.oid = t.typbasetype "
	    "WHERE " USER_NSP("n") " AND " NOT_EXT("pg_type", "t.oid")
	    " AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND "
	    "(SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')) "
	    "ORDER BY 2, 3");
	if (r == NULL)
		return -1;
	rc = query(x, "SELECT c.contypid, c.conname, "
	    "pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE "
	    "c.contypid <> 0 ORDER BY 1, 2");
	if (rc == NULL) {
		PQclear(r);
		return -1;
	}
	for (i = 0; i < PQntuples(r); i++) {
		const char *nsp = val(r, i, 1), *name = val(r, i, 2);
		char kind = val(r, i, 3)[0], *q, *t;
		struct dbrev_object *o;
		struct dbrev_buf b = { 0 }, d = { 0 };
		size_t k;

		o = dbrev_schema_add_object(x->s, kind == 'e' ? DBREV_OBJ_ENUM :
		    kind == 'd' ? DBREV_OBJ_DOMAIN : DBREV_OBJ_TYPE, nsp, name);
		q = qn(nsp, name);
		dbrev_buf_puts(&b, "CREATE ");
		if (kind == 'e') {
			split_list(val(r, i, 9), &o->values, &o->nvalues);
			dbrev_buf_puts(&b, "TYPE ");
			dbrev_pg_qident(&b, nsp, name);
			dbrev_buf_puts(&b, " AS ENUM (");
			dbrev_buf_puts(&d, "ENUM (");
			for (k = 0; k < o->nvalues; k++) {
				dbrev_buf_puts(&b, k ? ", " : "");
				dbrev_pg_literal(&b, o->values[k]);
				dbrev_buf_puts(&d, k ? ", " : "");
				dbrev_pg_literal(&d, o->values[k]);
			}
			dbrev_buf_puts(&b, ")");
			dbrev_buf_puts(&d, ")");
		} else if (kind == 'd') {
			/*
			 * One clause a line, so that the emitter can alter
			 * a domain in place: AS, COLLATE, DEFAULT, NOT NULL,
			 * CONSTRAINT.
			 */
			dbrev_buf_puts(&b, "DOMAIN ");
			dbrev_pg_qident(&b, nsp, name);
			dbrev_buf_printf(&d, "AS %s\n", val(r, i, 5));
			if (val(r, i, 8) != NULL)
				dbrev_buf_printf(&d, "COLLATE %s\n",
				    val(r, i, 8));
			if (val(r, i, 7) != NULL)
				dbrev_buf_printf(&d, "DEFAULT %s\n",
				    val(r, i, 7));
			if (bval(r, i, 6))
				dbrev_buf_puts(&d, "NOT NULL\n");
			for (j = 0; j < PQntuples(rc); j++) {
				char cn[256];

				if (uval(rc, j, 0) != uval(r, i, 0))
					continue;
				dbrev_buf_printf(&d, "CONSTRAINT %s %s\n",
				    dbrev_pg_ident(val(rc, j, 1), cn,
				    sizeof(cn)), val(rc, j, 2));
			}
			{
				char *p, *dd = dbrev_xstrdup(d.data);
				size_t n;

				for (p = dd; *p != '\0'; p++)
					if (*p == '\n')
						*p = ' ';
				n = strlen(dd);
				while (n > 0 && dd[n - 1] == ' ')
					dd[--n] = '\0';
				dbrev_buf_printf(&b, " %s", dd);
				free(dd);
			}
		} else {
			dbrev_buf_puts(&b, "TYPE ");
			dbrev_pg_qident(&b, nsp, name);
			dbrev_buf_printf(&b, " AS (%s)", val(r, i, 10) ?
			    val(r, i, 10) : "");
			dbrev_buf_printf(&d, "AS (%s)", val(r, i, 10) ?
			    val(r, i, 10) : "");
			/* Composite: its attributes' types are deps. */
			dm_put(&x->map, 'c', uval(r, i, 12), q, &o->deps,
			    &o->ndeps);
		}
		o->sql = dbrev_buf_take(&b);
		while (d.len > 0 && d.data[d.len - 1] == '\n')
			d.data[--d.len] = '\0';
		o->definition = dbrev_buf_take(&d);
		schema_dep(&o->deps, &o->ndeps, nsp);
		dm_put(&x->map, 't', uval(r, i, 0), q, &o->deps, &o->ndeps);
		if (uval(r, i, 4) != 0)
			dm_put(&x->map, 't', uval(r, i, 4), q, NULL, NULL);
		t = target(kind == 'd' ? "DOMAIN" : "TYPE", nsp, name, NULL);
		add_comment(x, t, q, val(r, i, 11));
		free(t);
		free(q);
	}
	PQclear(r);
	PQclear(rc);

	/* What the model does not express: said, never dropped silently. */
	r = query(x, "SELECT n.nspname || '.' || t.typname, t.typtype FROM "
	    "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE "
	    USER_NSP("n") " AND " NOT_EXT("pg_type", "t.oid") " AND "
	    "t.typtype IN ('b', 'r') AND t.typelem = 0 ORDER BY 1");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++)
		dbrev_schema_add_unmodelled(x->s, "%s type %s is not "
		    "compared: write its changes by hand", val(r, i, 1)[0] ==
		    'r' ? "range" : "base", val(r, i, 0));
	PQclear(r);
	return 0;
}

static int
read_functions(struct ctx *x)
{
	PGresult *r;
	int i;

	r = query(x, "SELECT p.oid, n.nspname, p.proname, "
	    "pg_get_function_identity_arguments(p.oid), p.prokind, "
	    "CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) "
	    "END, obj_description(p.oid, 'pg_proc') FROM pg_proc p JOIN "
	    "pg_namespace n ON n.oid = p.pronamespace WHERE " USER_NSP("n")
	    " AND " NOT_EXT("pg_proc", "p.oid") " ORDER BY 2, 3, 4");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		const char *nsp = val(r, i, 1), *kind = val(r, i, 4);
		struct dbrev_object *o;
		struct dbrev_buf b = { 0 };
		char *name, *q, *t;

		if (kind[0] != 'f' && kind[0] != 'p') {
			dbrev_schema_add_unmodelled(x->s, "%s %s.%s(%s) is not "
			    "compared: write its changes by hand",
			    kind[0] == 'a' ? "aggregate" : "window function",
			    nsp, val(r, i, 2), val(r, i, 3));
			continue;
		}
		dbrev_buf_printf(&b, "%s(%s)", val(r, i, 2), val(r, i, 3));
		name = dbrev_buf_take(&b);
		o = dbrev_schema_add_object(x->s, kind[0] == 'p' ?
		    DBREV_OBJ_PROCEDURE : DBREV_OBJ_FUNCTION, nsp, name);
		dbrev_buf_puts(&b, val(r, i, 5));
		while (b.len > 0 && isspace((unsigned char)b.data[b.len - 1]))
			b.data[--b.len] = '\0';
		o->definition = dbrev_xstrdup(b.data);
		o->sql = dbrev_buf_take(&b);
		q = qn(nsp, name);
		schema_dep(&o->deps, &o->ndeps, nsp);
		dm_put(&x->map, 'p', uval(r, i, 0), q, &o->deps, &o->ndeps);
		dbrev_buf_printf(&b, "%s ", kind[0] == 'p' ? "PROCEDURE" :
		    "FUNCTION");
		dbrev_pg_qident(&b, nsp, val(r, i, 2));
		dbrev_buf_printf(&b, "(%s)", val(r, i, 3));
		t = dbrev_buf_take(&b);
		add_comment(x, t, q, val(r, i, 6));
		free(t);
		free(q);
		free(name);
	}
	PQclear(r);
	return 0;
}

/*
 * What else a column has that is not its default (compared as the
 * column's extra): "COMPRESSION lz4 STORAGE EXTERNAL STATISTICS 500",
 * a storage told with its type's own ("STORAGE EXTERNAL (default
 * EXTENDED)") so that it can be put back.  NULL when all are defaults.
 * Columns c..c+3: attcompression, attstorage, typstorage, attstattarget.
 */
static char *
column_extra(const PGresult *r, int i, int c)
{
	static const char letters[] = "pemx";
	static const char *const names[] = { "PLAIN", "EXTERNAL", "MAIN",
	    "EXTENDED" };
	struct dbrev_buf b = { 0 };
	const char *cm = val(r, i, c), *st = val(r, i, c + 1);
	const char *ts = val(r, i, c + 2), *stat = val(r, i, c + 3), *p, *q;

	if (cm != NULL && (cm[0] == 'p' || cm[0] == 'l'))
		dbrev_buf_printf(&b, "COMPRESSION %s", cm[0] == 'p' ? "pglz" :
		    "lz4");
	if (st != NULL && ts != NULL && st[0] != ts[0] &&
	    (p = strchr(letters, st[0])) != NULL && st[0] != '\0' &&
	    (q = strchr(letters, ts[0])) != NULL && ts[0] != '\0')
		dbrev_buf_printf(&b, "%sSTORAGE %s (default %s)", b.len ? " " : "",
		    names[p - letters], names[q - letters]);
	/* -1, or NULL from PostgreSQL 17: the default target. */
	if (stat != NULL && strcmp(stat, "-1") != 0)
		dbrev_buf_printf(&b, "%sSTATISTICS %s", b.len ? " " : "", stat);
	return b.len ? dbrev_buf_take(&b) : NULL;
}

/*
 * pg_get_indexdef's text, except that a partitioned table's index is
 * made ON the table, not ON ONLY it: without ONLY it is made on every
 * partition too, which is what a partition's part of it (not read, see
 * the query) needs.
 */
static char *
index_def(const char *def, const char *name)
{
	struct dbrev_buf b = { 0 };
	const char *p = strstr(def, "INDEX ");
	char q[300];

	if (p == NULL)
		return dbrev_xstrdup(def);
	p += 6;
	if (strncmp(p, "CONCURRENTLY ", 13) == 0)
		p += 13;
	dbrev_pg_ident(name, q, sizeof(q));
	if (strncmp(p, q, strlen(q)) != 0 || strncmp(p + strlen(q),
	    " ON ONLY ", 9) != 0)
		return dbrev_xstrdup(def);
	p += strlen(q) + 4;
	dbrev_buf_add(&b, def, (size_t)(p - def));
	dbrev_buf_puts(&b, p + 5);
	return dbrev_buf_take(&b);
}

struct toid {
	unsigned		 oid;
	struct dbrev_table	*t;
};

static int
toid_cmp(const void *a, const void *b)
{
	const struct toid *x = a, *y = b;

	return x->oid < y->oid ? -1 : x->oid > y->oid;
}

/* The table with this oid (tabs sorted by oid), or NULL. */
static struct dbrev_table *
table_by_oid(const struct toid *tabs, size_t n, unsigned oid)
{
	size_t lo = 0, hi = n, i;

	while (lo < hi) {
		i = (lo + hi) / 2;
		if (tabs[i].oid == oid)
			return tabs[i].t;
		if (tabs[i].oid < oid)
			lo = i + 1;
		else
			hi = i;
	}
	return NULL;
}

/*
 * The CREATE TABLE of tb (foreign keys are added later), and each
 * column's definition: a partition is made PARTITION OF its parent, with
 * its own constraints only; a partitioned table is made PARTITION BY.
 */
static void
table_sql(struct dbrev_table *tb)
{
	struct dbrev_buf b = { 0 };
	char *part_of, *part_by, *parent = NULL, *bound = NULL;
	size_t k, pass, head;
	int any = 0;

	part_of = dbrev_pg_option(tb->options, "PARTITION OF");
	part_by = dbrev_pg_option(tb->options, "PARTITION BY");
	dbrev_buf_printf(&b, "CREATE %sTABLE ", tb->options != NULL &&
	    strncmp(tb->options, "UNLOGGED", 8) == 0 ? "UNLOGGED " : "");
	dbrev_pg_qident(&b, tb->schema, tb->name);
	/* A partition: its columns are its parent's. */
	if (part_of != NULL) {
		dbrev_pg_partition_of(part_of, &parent, &bound);
		dbrev_buf_printf(&b, " PARTITION OF %s", parent);
	}
	head = b.len;
	dbrev_buf_puts(&b, " (");
	for (k = 0; k < tb->ncolumns; k++) {
		struct dbrev_column *c = &tb->columns[k];
		struct dbrev_buf d = { 0 };
		char cq[300];

		dbrev_buf_printf(&d, "%s %s", dbrev_pg_ident(c->name, cq,
		    sizeof(cq)), c->type);
		if (c->collation != NULL)
			dbrev_buf_printf(&d, " COLLATE %s", c->collation);
		if (c->generated != NULL)
			dbrev_buf_printf(&d, " GENERATED ALWAYS AS (%s) "
			    "STORED", c->generated);
		if (c->default_expr != NULL)
			dbrev_buf_printf(&d, " DEFAULT %s",
			    c->default_expr);
		if (c->notnull)
			dbrev_buf_puts(&d, " NOT NULL");
		if (c->identity != DBREV_IDENTITY_NONE) {
			dbrev_buf_printf(&d, " GENERATED %s AS IDENTITY",
			    c->identity == DBREV_IDENTITY_ALWAYS ?
			    "ALWAYS" : "BY DEFAULT");
			if (c->identity_options != NULL)
				dbrev_buf_printf(&d, " (%s)",
				    c->identity_options);
		}
		c->definition = dbrev_buf_take(&d);
		if (part_of != NULL)
			continue;
		dbrev_buf_printf(&b, "%s\n    %s", any ? "," : "",
		    c->definition);
		any = 1;
	}
	/* Primary key, unique, exclusion, then checks. */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < tb->nconstraints; k++) {
			struct dbrev_constraint *c = &tb->constraints[k];
			char cq[300];

			if (c->kind == DBREV_CON_FOREIGN_KEY ||
			    (c->kind == DBREV_CON_CHECK) != (pass == 1))
				continue;
			dbrev_buf_printf(&b, "%s\n    CONSTRAINT %s %s",
			    any ? "," : "", dbrev_pg_ident(c->name, cq,
			    sizeof(cq)), c->expr);
			any = 1;
		}
	dbrev_buf_puts(&b, "\n)");
	if (part_of != NULL && !any) {
		/* PARTITION OF p FOR VALUES ...: no list at all. */
		b.len = head;
		b.data[b.len] = '\0';
	}
	if (part_of != NULL)
		dbrev_buf_printf(&b, " %s", bound);
	if (part_by != NULL)
		dbrev_buf_printf(&b, " PARTITION BY %s", part_by);
	if (tb->options != NULL && strstr(tb->options, "WITH (") != NULL)
		dbrev_buf_printf(&b, " %s", strstr(tb->options,
		    "WITH ("));
	tb->sql = dbrev_buf_take(&b);
	free(part_of);
	free(part_by);
	if (part_of != NULL) {
		free(parent);
		free(bound);
	}
}

/* The options of table row i of the pg_class query (read_classes). */
static char *
table_options(PGresult *r, int i, struct dbrev_table *tb)
{
	struct dbrev_buf b = { 0 };

	if (val(r, i, 4)[0] == 'u')
		dbrev_buf_puts(&b, "UNLOGGED");
	/* PARTITION OF parent bound, PARTITION BY key. */
	if (val(r, i, 15) != NULL && val(r, i, 16) != NULL) {
		const char *sep = strchr(val(r, i, 15), SEP[0]);

		dbrev_buf_printf(&b, "%sPARTITION OF %.*s %s",
		    b.len ? " " : "", (int)(sep - val(r, i, 15)),
		    val(r, i, 15), val(r, i, 16));
		dep_add(&tb->deps, &tb->ndeps, NULL, sep + 1);
	}
	if (val(r, i, 14) != NULL)
		dbrev_buf_printf(&b, "%sPARTITION BY %s",
		    b.len ? " " : "", val(r, i, 14));
	/* REPLICA IDENTITY other than DEFAULT, before WITH. */
	if (val(r, i, 12)[0] != 'd' && (val(r, i, 12)[0] != 'i' ||
	    val(r, i, 13) != NULL))
		dbrev_buf_printf(&b, "%sREPLICA IDENTITY %s%s",
		    b.len ? " " : "", val(r, i, 12)[0] == 'f' ?
		    "FULL" : val(r, i, 12)[0] == 'n' ? "NOTHING" :
		    "USING INDEX ", val(r, i, 12)[0] == 'i' ?
		    val(r, i, 13) : "");
	if (val(r, i, 5) != NULL && *val(r, i, 5) != '\0')
		dbrev_buf_printf(&b, "%sWITH (%s)",
		    b.len ? " " : "", val(r, i, 5));
	if (b.len == 0) {
		dbrev_buf_free(&b);
		return NULL;
	}
	return dbrev_buf_take(&b);
}

/* A table (or partitioned table) of the pg_class query, row i. */
static void
rel_table(struct ctx *x, PGresult *r, int i, const char *q,
    struct toid *tab)
{
	const char *nsp = val(r, i, 1), *name = val(r, i, 2);
	struct dbrev_table *tb;

	tb = dbrev_schema_add_table(x->s, nsp, name);
	tb->options = table_options(r, i, tb);
	tb->comment = dup_or_null(val(r, i, 6));
	schema_dep(&tb->deps, &tb->ndeps, nsp);
	dm_put(&x->map, 'c', uval(r, i, 0), q, &tb->deps,
	    &tb->ndeps);
	dm_put(&x->map, 't', uval(r, i, 7), q, NULL, NULL);
	tab->t = tb;
	tab->oid = uval(r, i, 0);
}

/* A view or materialized view of the pg_class query, row i. */
static void
rel_view(struct ctx *x, PGresult *r, int i, const char *q)
{
	const char *nsp = val(r, i, 1), *name = val(r, i, 2);
	char kind = val(r, i, 3)[0], *t;
	struct dbrev_buf b = { 0 };
	struct dbrev_object *o;
	struct dbrev_buf d = { 0 };
	size_t n;

	o = dbrev_schema_add_object(x->s, kind == 'v' ?
	    DBREV_OBJ_VIEW : DBREV_OBJ_MATVIEW, nsp, name);
	split_list(val(r, i, 11), &o->colrefs, &o->ncolrefs);
	dbrev_buf_puts(&d, val(r, i, 9));
	n = d.len;
	while (n > 0 && (isspace((unsigned char)d.data[n - 1]) ||
	    d.data[n - 1] == ';'))
		d.data[--n] = '\0';
	d.len = n;
	if (val(r, i, 5) != NULL && *val(r, i, 5) != '\0')
		dbrev_buf_printf(&d, "\nWITH (%s)", val(r, i, 5));
	o->definition = dbrev_buf_take(&d);
	dbrev_buf_printf(&b, "CREATE %s ", kind == 'v' ? "VIEW" :
	    "MATERIALIZED VIEW");
	dbrev_pg_qident(&b, nsp, name);
	if (kind == 'v' && val(r, i, 5) != NULL &&
	    *val(r, i, 5) != '\0')
		dbrev_buf_printf(&b, " WITH (%s)", val(r, i, 5));
	dbrev_buf_printf(&b, " AS\n%.*s", (int)n,
	    val(r, i, 9));
	o->sql = dbrev_buf_take(&b);
	schema_dep(&o->deps, &o->ndeps, nsp);
	dm_put(&x->map, 'c', uval(r, i, 0), q, &o->deps,
	    &o->ndeps);
	dm_put(&x->map, 't', uval(r, i, 7), q, NULL, NULL);
	t = target(kind == 'v' ? "VIEW" : "MATERIALIZED VIEW",
	    nsp, name, NULL);
	add_comment(x, t, q, val(r, i, 6));
	free(t);
}

/*
 * Tables, views and materialized views (pg_class); the tables, with
 * their oids, in tabs[*ntabs] (caller frees).
 */
static int
read_classes(struct ctx *x, struct toid **tabsp, size_t *ntabs)
{
	struct toid *tabs;
	PGresult *r;
	int i, rows;

	*tabsp = NULL;
	*ntabs = 0;
	r = query(x, "SELECT c.oid, n.nspname, c.relname, c.relkind, "
	    "c.relpersistence, array_to_string(c.reloptions, ', '), "
	    "obj_description(c.oid, 'pg_class'), c.reltype, c.relispartition, "
	    "CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END, "
	    "EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid), "
	    /* The table columns a view reads. */
	    "CASE WHEN c.relkind IN ('v', 'm') THEN (SELECT string_agg(DISTINCT "
	    "rn.nspname || '.' || rc.relname || '.' || ra.attname, E'" SEP "') "
	    "FROM pg_rewrite rw JOIN pg_depend dd ON dd.classid = "
	    "'pg_rewrite'::regclass AND dd.objid = rw.oid JOIN pg_class rc ON "
	    "rc.oid = dd.refobjid JOIN pg_namespace rn ON rn.oid = "
	    "rc.relnamespace JOIN pg_attribute ra ON ra.attrelid = dd.refobjid "
	    "AND ra.attnum = dd.refobjsubid WHERE rw.ev_class = c.oid AND "
	    "dd.refclassid = 'pg_class'::regclass AND dd.refobjsubid > 0) END, "
	    "c.relreplident, (SELECT quote_ident(ic.relname) FROM pg_index ri "
	    "JOIN pg_class ic ON ic.oid = ri.indexrelid WHERE ri.indrelid = "
	    "c.oid AND ri.indisreplident), "
	    /* Partitioning: the key, the parent (SQL, model name), bound. */
	    "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
	    "(SELECT quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) "
	    "|| E'" SEP "' || pn.nspname || '.' || pc.relname FROM pg_inherits "
	    "pi JOIN pg_class pc ON pc.oid = pi.inhparent JOIN pg_namespace pn "
	    "ON pn.oid = pc.relnamespace WHERE c.relispartition AND "
	    "pi.inhrelid = c.oid), pg_get_expr(c.relpartbound, c.oid) "
	    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE " USER_NSP("n") " AND " NOT_EXT("pg_class", "c.oid") " AND "
	    "c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname <> '"
	    DBREV_DEFAULT_TABLE "' ORDER BY 2, 3");
	if (r == NULL)
		return -1;
	rows = PQntuples(r);
	tabs = dbrev_xcalloc((size_t)rows + 1, sizeof(*tabs));
	for (i = 0; i < rows; i++) {
		char kind = val(r, i, 3)[0], *q;

		q = qn(val(r, i, 1), val(r, i, 2));
		/* Partitions and partitioned tables are modelled; not so
		   inheritance and foreign tables. */
		if (kind == 'f' || (!bval(r, i, 8) && bval(r, i, 10)))
			dbrev_schema_add_unmodelled(x->s, "%s %s is not fully "
			    "compared (%s): write its inheritance changes by "
			    "hand", kind == 'f' ? "foreign table" : "table", q,
			    kind == 'f' ? "foreign" : "inheritance child");
		if (kind == 'r' || kind == 'p')
			rel_table(x, r, i, q, &tabs[(*ntabs)++]);
		else if (kind == 'v' || kind == 'm')
			rel_view(x, r, i, q);
		free(q);
	}
	PQclear(r);
	qsort(tabs, *ntabs, sizeof(*tabs), toid_cmp);
	*tabsp = tabs;
	return 0;
}

/* Columns of tables; comments on view columns. */
static int
read_columns(struct ctx *x, const struct toid *tabs, size_t ntabs)
{
	PGresult *r;
	int i;

	r = query(x, "SELECT a.attrelid, a.attname, "
	    "format_type(a.atttypid, a.atttypmod), a.attnotnull, "
	    "pg_get_expr(d.adbin, d.adrelid), CASE WHEN a.attcollation <> 0 "
	    "AND a.attcollation <> t.typcollation THEN (SELECT CASE WHEN "
	    "cn.nspname = 'pg_catalog' THEN quote_ident(co.collname) ELSE "
	    "quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END "
	    "FROM pg_collation co JOIN pg_namespace cn ON cn.oid = "
	    "co.collnamespace WHERE co.oid = a.attcollation) END, "
	    "a.attidentity, a.attgenerated, col_description(a.attrelid, "
	    "a.attnum), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, "
	    "s.seqcache, s.seqcycle, c.relkind, n.nspname, c.relname, "
	    /* The columns and functions its expression uses. */
	    "(SELECT string_agg(ra.attname, E'" SEP "' ORDER BY ra.attnum) "
	    "FROM pg_depend dd JOIN pg_attribute ra ON ra.attrelid = "
	    "dd.refobjid AND ra.attnum = dd.refobjsubid WHERE dd.classid = "
	    "'pg_attrdef'::regclass AND dd.objid = d.oid AND dd.refclassid = "
	    "'pg_class'::regclass AND dd.refobjid = a.attrelid AND "
	    "dd.refobjsubid <> a.attnum AND dd.deptype = 'n'), "
	    "(SELECT string_agg(pn.nspname || '.' || p.proname || '(' || "
	    "pg_get_function_identity_arguments(p.oid) || ')', E'" SEP "' "
	    "ORDER BY 1) FROM pg_depend dd JOIN pg_proc p ON p.oid = "
	    "dd.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace "
	    "WHERE dd.classid = 'pg_attrdef'::regclass AND dd.objid = d.oid "
	    "AND dd.refclassid = 'pg_proc'::regclass), "
	    /* An identity column's sequence: its name counts too. */
	    "(SELECT quote_ident(sn.nspname) || '.' || quote_ident(sc.relname) "
	    "FROM pg_class sc JOIN pg_namespace sn ON sn.oid = sc.relnamespace "
	    "WHERE sc.oid = sd.objid), "
	    "a.attcompression, a.attstorage, t.typstorage, a.attstattarget "
	    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
	    "JOIN pg_namespace n ON n.oid = c.relnamespace "
	    "JOIN pg_type t ON t.oid = a.atttypid "
	    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = "
	    "a.attnum LEFT JOIN pg_depend sd ON a.attidentity <> '' AND "
	    "sd.refclassid = 'pg_class'::regclass AND sd.refobjid = "
	    "a.attrelid AND sd.refobjsubid = a.attnum AND sd.classid = "
	    "'pg_class'::regclass AND sd.deptype = 'i' LEFT JOIN pg_sequence s "
	    "ON s.seqrelid = sd.objid WHERE a.attnum > 0 AND NOT "
	    "a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND "
	    USER_NSP("n") " ORDER BY a.attrelid, a.attnum");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		unsigned oid = uval(r, i, 0);
		struct dbrev_table *tb = NULL;
		struct dbrev_column *col;
		struct dbrev_buf b = { 0 };
		const char *relk = val(r, i, 15);

		if (relk[0] == 'v' || relk[0] == 'm') {
			char *t, *q, sfx[600], cq[300];

			if (val(r, i, 8) == NULL)
				continue;
			snprintf(sfx, sizeof(sfx), ".%s", dbrev_pg_ident(
			    val(r, i, 1), cq, sizeof(cq)));
			t = target("COLUMN", val(r, i, 16), val(r, i, 17), sfx);
			q = qn(val(r, i, 16), val(r, i, 17));
			add_comment(x, t, q, val(r, i, 8));
			free(t);
			free(q);
			continue;
		}
		if ((tb = table_by_oid(tabs, ntabs, oid)) == NULL)
			continue;
		col = dbrev_table_add_column(tb, val(r, i, 1));
		col->type = dbrev_xstrdup(val(r, i, 2));
		col->notnull = bval(r, i, 3);
		col->collation = dup_or_null(val(r, i, 5));
		col->extra = column_extra(r, i, 21);
		col->comment = dup_or_null(val(r, i, 8));
		split_list(val(r, i, 18), &col->reads, &col->nreads);
		split_list(val(r, i, 19), &col->calls, &col->ncalls);
		if (val(r, i, 7)[0] == 's') {
			col->generated = dup_or_null(val(r, i, 4));
			col->generated_stored = 1;
		} else
			col->default_expr = dup_or_null(val(r, i, 4));
		if (val(r, i, 6)[0] != '\0') {
			col->identity = val(r, i, 6)[0] == 'a' ?
			    DBREV_IDENTITY_ALWAYS : DBREV_IDENTITY_BY_DEFAULT;
			if (val(r, i, 9) != NULL) {
				if (val(r, i, 20) != NULL)
					dbrev_buf_printf(&b, "SEQUENCE NAME %s ",
					    val(r, i, 20));
				seq_options(&b, r, i, 9);
				col->identity_options = dbrev_buf_take(&b);
			}
		}
	}
	PQclear(r);
	return 0;
}

/* Constraints of tables. */
static int
read_constraints(struct ctx *x, const struct toid *tabs, size_t ntabs)
{
	PGresult *rc;
	int i;

	rc = query(x, "SELECT c.conrelid, c.conname, c.contype, "
	    "(SELECT string_agg(a.attname, E'" SEP "' ORDER BY k.i) FROM "
	    "unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON "
	    "a.attrelid = c.conrelid AND a.attnum = k.n), "
	    "(SELECT rn.nspname || '.' || rc.relname FROM pg_class rc JOIN "
	    "pg_namespace rn ON rn.oid = rc.relnamespace WHERE rc.oid = "
	    "c.confrelid), "
	    "(SELECT string_agg(a.attname, E'" SEP "' ORDER BY k.i) FROM "
	    "unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON "
	    "a.attrelid = c.confrelid AND a.attnum = k.n), "
	    "c.confupdtype, c.confdeltype, c.confmatchtype, c.condeferrable, "
	    "c.condeferred, pg_get_constraintdef(c.oid), "
	    "obj_description(c.oid, 'pg_constraint'), c.conindid, "
	    "n.nspname, cl.relname FROM pg_constraint c "
	    "JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON "
	    "n.oid = cl.relnamespace WHERE c.contype IN ('p', 'u', 'c', 'f', "
	    "'x') AND c.conrelid <> 0 AND " USER_NSP("n") " AND c.conislocal "
	    "ORDER BY c.conrelid, c.conname");
	if (rc == NULL)
		return -1;
	for (i = 0; i < PQntuples(rc); i++) {
		static const char actions[] = "arcnd";
		static const char *const anames[] = { "NO ACTION", "RESTRICT",
		    "CASCADE", "SET NULL", "SET DEFAULT" };
		unsigned oid = uval(rc, i, 0);
		struct dbrev_table *tb = NULL;
		struct dbrev_constraint *con;
		enum dbrev_constraint_kind kind;
		const char *p;
		char ty = val(rc, i, 2)[0], *q, *t;
		size_t k;

		if ((tb = table_by_oid(tabs, ntabs, oid)) == NULL)
			continue;
		kind = ty == 'p' ? DBREV_CON_PRIMARY_KEY : ty == 'u' ?
		    DBREV_CON_UNIQUE : ty == 'c' ? DBREV_CON_CHECK : ty == 'f' ?
		    DBREV_CON_FOREIGN_KEY : DBREV_CON_EXCLUDE;
		con = dbrev_table_add_constraint(tb, kind, val(rc, i, 1));
		split_list(val(rc, i, 3), &con->columns, &con->ncolumns);
		/* The server's own text: canonical, and SQL to emit. */
		con->expr = dbrev_xstrdup(val(rc, i, 11));
		if (kind == DBREV_CON_PRIMARY_KEY)
			for (k = 0; k < con->ncolumns; k++) {
				struct dbrev_column *col = dbrev_table_column(tb,
				    con->columns[k]);

				if (col != NULL)
					col->pk_position = (int)k + 1;
			}
		if (kind == DBREV_CON_FOREIGN_KEY) {
			con->ref_table = dup_or_null(val(rc, i, 4));
			split_list(val(rc, i, 5), &con->ref_columns,
			    &con->nref_columns);
			p = strchr(actions, val(rc, i, 6)[0]);
			con->on_update = dbrev_xstrdup(anames[p ? p - actions :
			    0]);
			p = strchr(actions, val(rc, i, 7)[0]);
			con->on_delete = dbrev_xstrdup(anames[p ? p - actions :
			    0]);
			con->match = dbrev_xstrdup(val(rc, i, 8)[0] == 'f' ?
			    "FULL" : val(rc, i, 8)[0] == 'p' ? "PARTIAL" :
			    "SIMPLE");
			con->deferrable = bval(rc, i, 9);
			con->initially_deferred = bval(rc, i, 10);
			if (con->ref_table != NULL)
				dep_add(&tb->deps, &tb->ndeps, NULL,
				    con->ref_table);
		} else if (kind != DBREV_CON_CHECK) {
			con->deferrable = bval(rc, i, 9);
			con->initially_deferred = bval(rc, i, 10);
		}
		/*
		 * The index behind a key stands for its table: what refers
		 * to it (a foreign key) and what it needs (an operator class
		 * of an extension) count for the table.
		 */
		if (uval(rc, i, 13) != 0 && kind != DBREV_CON_FOREIGN_KEY) {
			q = qn(val(rc, i, 14), val(rc, i, 15));
			dm_put(&x->map, 'c', uval(rc, i, 13), q, &tb->deps,
			    &tb->ndeps);
			free(q);
		}
		if (val(rc, i, 12) != NULL) {
			t = target("CONSTRAINT", NULL, con->name, NULL);
			q = qn(val(rc, i, 14), val(rc, i, 15));
			{
				struct dbrev_buf b = { 0 };

				dbrev_buf_printf(&b, "%s ON ", t);
				dbrev_pg_qident(&b, val(rc, i, 14),
				    val(rc, i, 15));
				free(t);
				t = dbrev_buf_take(&b);
			}
			add_comment(x, t, q, val(rc, i, 12));
			free(t);
			free(q);
		}
	}
	PQclear(rc);
	return 0;
}

/* Indexes not behind a constraint. */
static int
read_indexes(struct ctx *x)
{
	PGresult *rk;
	int i;

	rk = query(x, "SELECT i.indexrelid, n.nspname, ic.relname, "
	    "tn.nspname || '.' || tc.relname, pg_get_indexdef(i.indexrelid), "
	    "i.indisunique, obj_description(i.indexrelid, 'pg_class'), "
	    "(SELECT string_agg(tn.nspname || '.' || tc.relname || '.' || "
	    "a.attname, E'" SEP "' ORDER BY a.attnum) FROM pg_depend dd "
	    "JOIN pg_attribute a ON a.attrelid = dd.refobjid AND a.attnum = "
	    "dd.refobjsubid WHERE dd.classid = 'pg_class'::regclass AND "
	    "dd.objid = i.indexrelid AND dd.refclassid = 'pg_class'::regclass "
	    "AND dd.refobjid = i.indrelid AND dd.refobjsubid > 0) "
	    "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
	    "JOIN pg_namespace n ON n.oid = ic.relnamespace "
	    "JOIN pg_class tc ON tc.oid = i.indrelid JOIN pg_namespace tn ON "
	    "tn.oid = tc.relnamespace WHERE " USER_NSP("tn") " AND "
	    "tc.relkind IN ('r', 'm', 'p') AND tc.relname <> '"
	    DBREV_DEFAULT_TABLE "' AND " NOT_EXT("pg_class", "tc.oid")
	    " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE "
	    "c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')) "
	    /* A partition's part of a partitioned index comes with it. */
	    "AND NOT ic.relispartition ORDER BY 2, 3");
	if (rk == NULL)
		return -1;
	for (i = 0; i < PQntuples(rk); i++) {
		struct dbrev_object *o;
		char *q, *t;

		o = dbrev_schema_add_object(x->s, DBREV_OBJ_INDEX, val(rk, i, 1),
		    val(rk, i, 2));
		o->table = dbrev_xstrdup(val(rk, i, 3));
		o->definition = index_def(val(rk, i, 4), o->name);
		o->sql = dbrev_xstrdup(o->definition);
		o->unique = bval(rk, i, 5);
		split_list(val(rk, i, 7), &o->colrefs, &o->ncolrefs);
		dbrev_strv_add(&o->deps, &o->ndeps, o->table);
		q = qn(o->schema, o->name);
		dm_put(&x->map, 'c', uval(rk, i, 0), q, &o->deps, &o->ndeps);
		t = target("INDEX", o->schema, o->name, NULL);
		add_comment(x, t, q, val(rk, i, 6));
		free(t);
		free(q);
	}
	PQclear(rk);
	return 0;
}

/* Sequences, except those behind identity columns. */
static int
read_sequences(struct ctx *x)
{
	PGresult *rs;
	int i;

	rs = query(x, "SELECT c.oid, n.nspname, c.relname, "
	    "format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
	    "s.seqmin, s.seqmax, s.seqcache, s.seqcycle, "
	    "(SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname) "
	    "|| '.' || quote_ident(a.attname) FROM pg_depend d JOIN pg_class "
	    "t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = "
	    "t.relnamespace JOIN pg_attribute a ON a.attrelid = t.oid AND "
	    "a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass "
	    "AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND "
	    "d.deptype = 'a' LIMIT 1), obj_description(c.oid, 'pg_class') "
	    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	    "JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind = 'S' "
	    "AND " USER_NSP("n") " AND " NOT_EXT("pg_class", "c.oid") " AND "
	    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = "
	    "'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i') "
	    "ORDER BY 2, 3");
	if (rs == NULL)
		return -1;
	for (i = 0; i < PQntuples(rs); i++) {
		struct dbrev_object *o;
		struct dbrev_buf b = { 0 };
		char *q, *t;

		o = dbrev_schema_add_object(x->s, DBREV_OBJ_SEQUENCE,
		    val(rs, i, 1), val(rs, i, 2));
		dbrev_buf_printf(&b, "AS %s ", val(rs, i, 3));
		seq_options(&b, rs, i, 4);
		/* OWNED BY is set by the emitter once the table exists. */
		dbrev_buf_printf(&b, " OWNED BY %s", val(rs, i, 10) != NULL ?
		    val(rs, i, 10) : "NONE");
		o->definition = dbrev_buf_take(&b);
		dbrev_buf_puts(&b, "CREATE SEQUENCE ");
		dbrev_pg_qident(&b, o->schema, o->name);
		dbrev_buf_printf(&b, " AS %s ", val(rs, i, 3));
		seq_options(&b, rs, i, 4);
		o->sql = dbrev_buf_take(&b);
		q = qn(o->schema, o->name);
		schema_dep(&o->deps, &o->ndeps, o->schema);
		dm_put(&x->map, 'c', uval(rs, i, 0), q, &o->deps, &o->ndeps);
		t = target("SEQUENCE", o->schema, o->name, NULL);
		add_comment(x, t, q, val(rs, i, 11));
		free(t);
		free(q);
	}
	PQclear(rs);
	return 0;
}

/* Tables, views, materialized views and sequences. */
static int
read_relations(struct ctx *x)
{
	struct toid *tabs;
	size_t ntabs, ti;
	int rc = -1;

	if (read_classes(x, &tabs, &ntabs) == -1)
		return -1;
	if (read_columns(x, tabs, ntabs) == -1 ||
	    read_constraints(x, tabs, ntabs) == -1 ||
	    read_indexes(x) == -1 || read_sequences(x) == -1)
		goto out;
	for (ti = 0; ti < ntabs; ti++)
		table_sql(tabs[ti].t);
	rc = 0;
out:
	free(tabs);
	return rc;
}

static int
read_triggers(struct ctx *x)
{
	PGresult *r;
	int i;

	r = query(x, "SELECT t.oid, n.nspname, c.relname, t.tgname, "
	    "pg_get_triggerdef(t.oid), obj_description(t.oid, 'pg_trigger'), "
	    "t.tgenabled, (SELECT string_agg(n.nspname || '.' || c.relname || "
	    "'.' || a.attname, E'" SEP "' ORDER BY a.attnum) FROM pg_depend dd "
	    "JOIN pg_attribute a ON a.attrelid = dd.refobjid AND a.attnum = "
	    "dd.refobjsubid WHERE dd.classid = 'pg_trigger'::regclass AND "
	    "dd.objid = t.oid AND dd.refclassid = 'pg_class'::regclass AND "
	    "dd.refobjsubid > 0) FROM pg_trigger t JOIN pg_class c ON c.oid = "
	    "t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
	    "NOT t.tgisinternal AND " USER_NSP("n") " AND "
	    NOT_EXT("pg_class", "c.oid") " ORDER BY 2, 3, 4");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		const char *nsp = val(r, i, 1), *tab = val(r, i, 2);
		struct dbrev_object *o;
		struct dbrev_buf b = { 0 };
		char *q, *t, cq[300];

		/* Trigger names are per table: name them table.trigger. */
		dbrev_buf_printf(&b, "%s.%s", tab, val(r, i, 3));
		t = dbrev_buf_take(&b);
		o = dbrev_schema_add_object(x->s, DBREV_OBJ_TRIGGER, nsp, t);
		free(t);
		o->table = qn(nsp, tab);
		split_list(val(r, i, 7), &o->colrefs, &o->ncolrefs);
		dbrev_buf_puts(&b, val(r, i, 4));
		if (val(r, i, 6)[0] == 'D') {
			dbrev_buf_puts(&b, ";\nALTER TABLE ");
			dbrev_pg_qident(&b, nsp, tab);
			dbrev_buf_printf(&b, " DISABLE TRIGGER %s",
			    dbrev_pg_ident(val(r, i, 3), cq, sizeof(cq)));
		}
		o->definition = dbrev_xstrdup(b.data);
		o->sql = dbrev_buf_take(&b);
		dbrev_strv_add(&o->deps, &o->ndeps, o->table);
		q = qn(nsp, o->name);
		dm_put(&x->map, 'g', uval(r, i, 0), q, &o->deps, &o->ndeps);
		dbrev_buf_printf(&b, "TRIGGER %s ON ", dbrev_pg_ident(
		    val(r, i, 3), cq, sizeof(cq)));
		dbrev_pg_qident(&b, nsp, tab);
		t = dbrev_buf_take(&b);
		add_comment(x, t, q, val(r, i, 5));
		free(t);
		free(q);
	}
	PQclear(r);
	return 0;
}

/*
 * The privileges an ACL gives beyond its object's defaults ('+') and
 * the defaults it takes away ('-'), the owner's own left out: op,
 * privilege_type, grantee, is_grantable.
 */
#define ACL_DIFF(acl, kind, owner) \
	"SELECT '+' AS op, e.privilege_type, e.grantee, e.is_grantable " \
	"FROM aclexplode(" acl ") e WHERE e.grantee <> " owner " EXCEPT " \
	"SELECT '+', d.privilege_type, d.grantee, d.is_grantable FROM " \
	"aclexplode(acldefault(" kind ", " owner ")) d UNION ALL (SELECT " \
	"'-', d.privilege_type, d.grantee, d.is_grantable FROM aclexplode(" \
	"acldefault(" kind ", " owner ")) d WHERE d.grantee <> " owner \
	" EXCEPT SELECT '-', e.privilege_type, e.grantee, e.is_grantable " \
	"FROM aclexplode(" acl ") e)"

/* One object's or column's privileges being read. */
struct grant_group {
	struct dbrev_object	*o;
	struct dbrev_buf	 def, sql;
};

static void
grant_flush(struct grant_group *g)
{
	if (g->o == NULL)
		return;
	g->o->definition = dbrev_buf_take(&g->def);
	g->o->sql = dbrev_buf_take(&g->sql);
	g->o = NULL;
}

/*
 * Privileges on relations, columns, functions, schemas and types that
 * differ from the defaults, as DBREV_OBJ_GRANT objects (dbrev/schema.h):
 * what a GRANT or REVOKE in the schema file did, so that it is
 * compared, kept when its object is made again, and written.
 */
static int
read_privileges(struct ctx *x)
{
	struct grant_group g = { 0 };
	char prev[2048] = "";
	PGresult *r;
	int i;

	r = query(x, "SELECT k, nsp, name, col, a.op, a.privilege_type, CASE "
	    "WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid("
	    "a.grantee)) END, a.is_grantable FROM ("
	    "SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END "
	    "AS k, n.nspname AS nsp, c.relname AS name, NULL::name AS col, "
	    "c.relacl AS acl, CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"
	    "\"char\" AS dk, c.relowner AS owner FROM pg_class c JOIN "
	    "pg_namespace n ON n.oid = c.relnamespace WHERE c.relacl IS NOT "
	    "NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relname <> '" DBREV_DEFAULT_TABLE
	    "' AND " USER_NSP("n") " AND " NOT_EXT("pg_class", "c.oid")
	    " UNION ALL SELECT 'TABLE', n.nspname, c.relname, a.attname, "
	    "a.attacl, NULL, c.relowner FROM pg_attribute a JOIN pg_class c ON "
	    "c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped "
	    "AND " USER_NSP("n") " AND " NOT_EXT("pg_class", "c.oid")
	    " UNION ALL SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE "
	    "'FUNCTION' END, n.nspname, p.proname || '(' || "
	    "pg_get_function_identity_arguments(p.oid) || ')', NULL, p.proacl, "
	    "'f', p.proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = "
	    "p.pronamespace WHERE p.proacl IS NOT NULL AND p.prokind IN ('f', "
	    "'p') AND " USER_NSP("n")
	    " AND " NOT_EXT("pg_proc", "p.oid") " UNION ALL SELECT 'SCHEMA', "
	    "NULL, n.nspname, NULL, n.nspacl, 'n', n.nspowner FROM pg_namespace "
	    "n WHERE n.nspacl IS NOT NULL AND " USER_NSP("n") " AND "
	    NOT_EXT("pg_namespace", "n.oid")
	    " UNION ALL SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE "
	    "'TYPE' END, n.nspname, t.typname, NULL, t.typacl, 'T', t.typowner "
	    "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
	    "WHERE t.typacl IS NOT NULL AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT "
	    "relkind FROM pg_class WHERE oid = t.typrelid) = 'c')) AND "
	    USER_NSP("n") " AND " NOT_EXT("pg_type", "t.oid") ") o, LATERAL ("
	    "SELECT '+' AS op, e.privilege_type, e.grantee, e.is_grantable FROM "
	    "aclexplode(o.acl) e WHERE o.dk IS NULL AND e.grantee <> o.owner "
	    "UNION ALL SELECT * FROM (" ACL_DIFF("o.acl", "o.dk", "o.owner")
	    ") d WHERE o.dk IS NOT NULL AND o.acl IS NOT NULL) a "
	    "ORDER BY 1, 2, 3, 4 NULLS FIRST, 5, 6, 7");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		const char *k = val(r, i, 0), *nsp = val(r, i, 1);
		const char *name = val(r, i, 2), *col = val(r, i, 3);
		struct dbrev_buf key = { 0 }, line = { 0 }, t = { 0 };
		char cq[300];

		/* The target as GRANT takes it, and the group's key. */
		dbrev_buf_printf(&t, "%s ", k);
		if (strcmp(k, "FUNCTION") == 0 || strcmp(k, "PROCEDURE") == 0) {
			const char *paren = strchr(name, '(');
			char *bare = dbrev_xstrndup(name, (size_t)(paren - name));

			dbrev_pg_qident(&t, nsp, bare);
			dbrev_buf_puts(&t, paren);
			free(bare);
		} else
			dbrev_pg_qident(&t, nsp, name);
		dbrev_buf_puts(&key, t.data);
		if (col != NULL)
			dbrev_buf_printf(&key, " (%s)", dbrev_pg_ident(col, cq,
			    sizeof(cq)));
		if (strcmp(key.data, prev) != 0) {
			char *q;

			grant_flush(&g);
			snprintf(prev, sizeof(prev), "%s", key.data);
			g.o = dbrev_schema_add_object(x->s, DBREV_OBJ_GRANT, NULL,
			    key.data);
			g.o->table = dbrev_xstrdup(t.data);
			q = nsp != NULL ? qn(nsp, name) : dbrev_xstrdup(name);
			dbrev_strv_add(&g.o->deps, &g.o->ndeps, q);
			free(q);
			if (col != NULL) {
				dbrev_buf_printf(&line, "%s.%s.%s", nsp, name, col);
				dbrev_strv_add(&g.o->colrefs, &g.o->ncolrefs,
				    line.data);
				dbrev_buf_reset(&line);
			}
		}
		dbrev_buf_printf(&line, "%s%s", val(r, i, 4), val(r, i, 5));
		if (col != NULL)
			dbrev_buf_printf(&line, " (%s)", cq);
		dbrev_buf_printf(&line, "\t%s%s", val(r, i, 6), bval(r, i, 7) ?
		    "\t*" : "");
		dbrev_strv_add(&g.o->values, &g.o->nvalues, line.data);
		dbrev_buf_printf(&g.def, "%s%s", g.def.len ? "\n" : "",
		    line.data);
		if (g.sql.len > 0)
			dbrev_buf_puts(&g.sql, ";\n");
		dbrev_pg_grant(&g.sql, t.data, line.data, 0);
		dbrev_buf_free(&key);
		dbrev_buf_free(&line);
		dbrev_buf_free(&t);
	}
	grant_flush(&g);
	dbrev_buf_free(&g.def);
	dbrev_buf_free(&g.sql);
	PQclear(r);
	return 0;
}

/* What else is there that the model does not express. */
static int
read_unmodelled(struct ctx *x)
{
	PGresult *r;
	int i;

	r = query(x, "SELECT 'row level security policy ' || p.polname || "
	    "' on ' || n.nspname || '.' || c.relname FROM pg_policy p JOIN "
	    "pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = "
	    "c.relnamespace WHERE " USER_NSP("n") " UNION ALL "
	    "SELECT 'rule ' || r.rulename || ' on ' || n.nspname || '.' || "
	    "c.relname FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
	    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
	    USER_NSP("n") " AND r.rulename <> '_RETURN' UNION ALL "
	    "SELECT 'event trigger ' || evtname FROM pg_event_trigger WHERE "
	    "evtname NOT IN ('dbrev_fingerprint_ddl', 'dbrev_fingerprint_drop')"
	    " UNION ALL SELECT 'publication ' || pubname FROM pg_publication "
	    "UNION ALL SELECT 'operator ' || n.nspname || '.' || o.oprname "
	    "FROM pg_operator o JOIN pg_namespace n ON n.oid = "
	    "o.oprnamespace WHERE " USER_NSP("n") " AND "
	    NOT_EXT("pg_operator", "o.oid") " UNION ALL "
	    "SELECT 'collation ' || n.nspname || '.' || c.collname FROM "
	    "pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace "
	    "WHERE " USER_NSP("n") " AND " NOT_EXT("pg_collation", "c.oid")
	    " UNION ALL SELECT 'statistics object ' || n.nspname || '.' || "
	    "s.stxname FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = "
	    "s.stxnamespace WHERE " USER_NSP("n") " UNION ALL "
	    "SELECT 'text search configuration ' || n.nspname || '.' || "
	    "c.cfgname FROM pg_ts_config c JOIN pg_namespace n ON n.oid = "
	    "c.cfgnamespace WHERE " USER_NSP("n") " AND "
	    NOT_EXT("pg_ts_config", "c.oid") " UNION ALL "
	    "SELECT 'foreign server ' || srvname FROM pg_foreign_server "
	    "UNION ALL SELECT 'cast (' || format_type(c.castsource, NULL) || "
	    "' AS ' || format_type(c.casttarget, NULL) || ')' FROM pg_cast c "
	    "WHERE c.oid >= 16384 AND " NOT_EXT("pg_cast", "c.oid")
	    " UNION ALL SELECT 'row level security on ' || n.nspname || '.' || "
	    "c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
	    "c.relnamespace WHERE c.relrowsecurity AND " USER_NSP("n")
	    /* Owners: every scratch object is the role's own. */
	    " UNION ALL SELECT 'default privileges (ALTER DEFAULT PRIVILEGES) "
	    "of ' || pg_get_userbyid(d.defaclrole) FROM pg_default_acl d "
	    "UNION ALL "
	    "SELECT 'owner of ' || n.nspname || '.' || c.relname FROM pg_class "
	    "c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relowner "
	    "<> (SELECT oid FROM pg_roles WHERE rolname = current_user) AND "
	    "c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " USER_NSP("n")
	    " ORDER BY 1");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++)
		dbrev_schema_add_unmodelled(x->s, "%s is not compared: write "
		    "its changes by hand", val(r, i, 0));
	PQclear(r);
	return 0;
}

/* pg_depend, normal dependencies, mapped onto the model. */
static int
read_depends(struct ctx *x)
{
	PGresult *r;
	int i;

	r = query(x, "SELECT dk, doid, rk, roid FROM (SELECT "
	    "CASE d.classid WHEN 'pg_class'::regclass THEN 'c' "
	    "WHEN 'pg_attrdef'::regclass THEN 'c' "
	    "WHEN 'pg_constraint'::regclass THEN CASE WHEN con.conrelid <> 0 "
	    "THEN 'c' ELSE 't' END WHEN 'pg_rewrite'::regclass THEN 'c' "
	    "WHEN 'pg_trigger'::regclass THEN 'g' "
	    "WHEN 'pg_type'::regclass THEN 't' "
	    "WHEN 'pg_proc'::regclass THEN 'p' END AS dk, "
	    "CASE d.classid WHEN 'pg_attrdef'::regclass THEN ad.adrelid "
	    "WHEN 'pg_constraint'::regclass THEN CASE WHEN con.conrelid <> 0 "
	    "THEN con.conrelid ELSE con.contypid END "
	    "WHEN 'pg_rewrite'::regclass THEN rw.ev_class ELSE d.objid END "
	    "AS doid, CASE d.refclassid WHEN 'pg_class'::regclass THEN 'c' "
	    "WHEN 'pg_type'::regclass THEN 't' "
	    "WHEN 'pg_proc'::regclass THEN 'p' "
	    "WHEN 'pg_extension'::regclass THEN 'e' "
	    "WHEN 'pg_namespace'::regclass THEN 'n' "
	    "WHEN 'pg_opclass'::regclass THEN 'o' "
	    "WHEN 'pg_operator'::regclass THEN 'r' END AS rk, "
	    "d.refobjid AS roid FROM pg_depend d "
	    "LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass "
	    "AND ad.oid = d.objid LEFT JOIN pg_constraint con ON d.classid = "
	    "'pg_constraint'::regclass AND con.oid = d.objid "
	    "LEFT JOIN pg_rewrite rw ON d.classid = 'pg_rewrite'::regclass "
	    "AND rw.oid = d.objid WHERE d.deptype = 'n' AND d.objid >= 16384 "
	    "AND d.refobjid >= 16384) s WHERE dk IS NOT NULL AND rk IS NOT "
	    "NULL");
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		struct dep_ent *de, *re;

		de = dm_find(&x->map, dkey(val(r, i, 0)[0], uval(r, i, 1)));
		re = dm_find(&x->map, dkey(val(r, i, 2)[0], uval(r, i, 3)));
		if (de == NULL || re == NULL || de->deps == NULL)
			continue;
		dep_add(de->deps, de->ndeps, de->qname, re->qname);
	}
	PQclear(r);
	return 0;
}

int
dbrev_postgres_introspect(struct pg_conn *conn, struct dbrev_schema **out,
    struct dbrev_error *err)
{
	struct ctx x;

	memset(&x, 0, sizeof(x));
	x.pg = conn;
	x.err = err;
	x.s = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	*out = NULL;
	if (read_schemas(&x) == -1 || read_extensions(&x) == -1 ||
	    read_types(&x) == -1 || read_functions(&x) == -1 ||
	    read_relations(&x) == -1 || read_triggers(&x) == -1 ||
	    read_privileges(&x) == -1 ||
	    read_unmodelled(&x) == -1 || read_depends(&x) == -1) {
		dm_free(&x.map);
		dbrev_schema_free(x.s);
		return -1;
	}
	dm_free(&x.map);
	dbrev_schema_sort(x.s);
	*out = x.s;
	return 0;
}
