/*
 * emit.c - SQL for PostgreSQL from the diff's change list.
 *
 * The diff gives the order (types and functions before the tables that
 * use them, views dropped before what they read changes and created
 * after); on top of it, foreign keys are dropped first and added last,
 * so that tables referencing each other are created in any order, and a
 * sequence's OWNED BY is set once its table exists.  Tables change in
 * place with ALTER TABLE (a type change carries USING col::type); enums
 * gain values in place with ALTER TYPE ... ADD VALUE, which makes the
 * revision "transaction: none" (its new value cannot be used in the
 * transaction that adds it; before PostgreSQL 12 it cannot run in one
 * at all).  A removed or reordered enum value, or a domain whose base
 * type changes, is left to a hand-written revision, said in a comment
 * and a warning.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/schema.h"
#include "dbrev/schema_postgres.h"
#include "dbrev/util.h"
#include "text.h"
#include "../../schema/sqltok.h"

/* Kinds the emitter changes in place (dbrev_diff_options.alterable_kinds). */
#define PG_ALTERABLE ((1u << DBREV_OBJ_ENUM) | (1u << DBREV_OBJ_SEQUENCE) | \
	(1u << DBREV_OBJ_FUNCTION) | (1u << DBREV_OBJ_PROCEDURE) | \
	(1u << DBREV_OBJ_DOMAIN) | (1u << DBREV_OBJ_COMMENT) | \
	(1u << DBREV_OBJ_GRANT))

/* "schema.table.column" of a column of t, in buf. */
static const char *
colref(const struct dbrev_table *t, const char *col, char *buf, size_t n)
{
	snprintf(buf, n, "%s.%s.%s", t->schema ? t->schema : "", t->name, col);
	return buf;
}

static int
in_strv(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* The change of column `name` in a table change, or NULL. */
static const struct dbrev_column_change *
col_change(const struct dbrev_change *tc, const char *name)
{
	size_t i;

	for (i = 0; i < tc->ncolumns; i++) {
		const struct dbrev_column *c = tc->columns[i].from != NULL ?
		    tc->columns[i].from : tc->columns[i].to;

		if (strcmp(c->name, name) == 0)
			return &tc->columns[i];
	}
	return NULL;
}

static int
type_changes(const struct dbrev_change *tc, char *const *cols, size_t n)
{
	const struct dbrev_column_change *r;
	size_t i;

	for (i = 0; i < n; i++)
		if ((r = col_change(tc, cols[i])) != NULL &&
		    r->kind == DBREV_COLUMN_ALTER &&
		    (r->what & (DBREV_COL_TYPE | DBREV_COL_COLLATION)))
			return 1;
	return 0;
}

/* What becomes of a column of the old table in a table change. */
enum fate {
	KEPT,			/* as it was, or changed in place */
	DROPPED,
	RETYPED,		/* type, collation or expression changes */
	RECREATED		/* dropped and added again */
};

/*
 * A column is dropped and added again when it becomes generated; when
 * it is generated and its expression changes, before PostgreSQL 17
 * (no SET EXPRESSION); when it is generated and reads a column whose
 * type changes (PostgreSQL refuses that type change while it is
 * there).  A generated column's values are derived, so nothing is lost.
 */
static enum fate
col_fate(const struct dbrev_change *tc, const char *name, int version)
{
	const struct dbrev_column_change *cc = col_change(tc, name);
	const struct dbrev_column *x = dbrev_table_column(tc->from, name);
	const struct dbrev_column *y = dbrev_table_column(tc->to, name);

	if (x == NULL || y == NULL)
		return x == NULL ? KEPT : DROPPED;
	if (y->generated != NULL) {
		if (cc != NULL && (cc->what & DBREV_COL_GENERATED) &&
		    (x->generated == NULL || version < 170000))
			return RECREATED;
		if (type_changes(tc, x->reads, x->nreads) ||
		    type_changes(tc, y->reads, y->nreads))
			return RECREATED;
	}
	if (cc != NULL && (cc->what & (DBREV_COL_TYPE | DBREV_COL_COLLATION |
	    DBREV_COL_GENERATED)))
		return RETYPED;
	return KEPT;
}

/*
 * Which objects on a changed table must be dropped before and created
 * after: a view over a table whose columns are dropped or change type
 * (it pins them); a trigger reading a column that is dropped, changes
 * type or is added again (PostgreSQL refuses to change it under one);
 * an index on a column added again (it went with it).
 */
static int
pg_invalidates(const struct dbrev_change *tc, const struct dbrev_object *dep,
    void *arg)
{
	int version = (int)(intptr_t)arg;
	char q[1600];
	enum fate f;
	size_t i;

	for (i = 0; i < tc->from->ncolumns; i++) {
		const char *name = tc->from->columns[i].name;

		if ((f = col_fate(tc, name, version)) == KEPT)
			continue;
		if (dep->kind == DBREV_OBJ_VIEW || dep->kind == DBREV_OBJ_MATVIEW)
			return 1;
		if (!in_strv(dep->colrefs, dep->ncolrefs, colref(tc->from, name,
		    q, sizeof(q))))
			continue;
		if (dep->kind == DBREV_OBJ_TRIGGER || (f == RECREATED &&
		    (dep->kind == DBREV_OBJ_INDEX || dep->kind ==
		    DBREV_OBJ_GRANT)))
			return 1;
	}
	return 0;
}

static int pg_replaces(const struct dbrev_object *,
    const struct dbrev_schema *, const struct dbrev_schema *, void *);

void
dbrev_postgres_diff_options(struct dbrev_diff_options *o, int server_version)
{
	memset(o, 0, sizeof(*o));
	o->invalidates = pg_invalidates;
	o->replaces = pg_replaces;
	o->arg = (void *)(intptr_t)server_version;
	o->alterable_kinds = PG_ALTERABLE;
}

/* ------------------------------------------------ text */

void
dbrev_pg_dollar(struct dbrev_buf *b, const char *body)
{
	struct dbrev_buf t = { 0 }, all = { 0 };
	const char *hit;
	unsigned n;

	/* The first "$tag$" in body + "$tag$" must be the closing one. */
	for (n = 0;; n++) {
		dbrev_buf_reset(&t);
		dbrev_buf_reset(&all);
		if (n == 0)
			dbrev_buf_puts(&t, "$dbrev$");
		else
			dbrev_buf_printf(&t, "$dbrev%u$", n);
		dbrev_buf_puts(&all, body);
		dbrev_buf_puts(&all, t.data);
		hit = strstr(all.data, t.data);
		if (hit == all.data + strlen(body))
			break;
	}
	dbrev_buf_printf(b, "%s%s%s", t.data, body, t.data);
	dbrev_buf_free(&t);
	dbrev_buf_free(&all);
}

char *
dbrev_pg_type_base(const char *type)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_tok *tv;
	size_t n, i, j, depth;

	dbrev_sqltok_all(type, &tv, &n);
	/* The modifier: the first "(...)" after a name, before any "[". */
	for (i = 0; i < n; i++) {
		if (tv[i].type == T_QUOTED && *tv[i].s == '[')
			break;
		if (dbrev_tok_punct(&tv[i], '(') && i > 0 &&
		    (tv[i - 1].type == T_WORD || tv[i - 1].type == T_QUOTED))
			break;
	}
	if (i < n && dbrev_tok_punct(&tv[i], '(')) {
		for (j = i, depth = 0; j < n; j++) {
			if (dbrev_tok_punct(&tv[j], '('))
				depth++;
			else if (dbrev_tok_punct(&tv[j], ')') && --depth == 0)
				break;
		}
		dbrev_buf_add(&b, type, (size_t)(tv[i].s - type));
		while (b.len > 0 && b.data[b.len - 1] == ' ')
			b.data[--b.len] = '\0';
		if (j < n) {
			/* Keep one space before what follows a word. */
			if (j + 1 < n && tv[j + 1].type == T_WORD)
				dbrev_buf_puts(&b, " ");
			dbrev_buf_puts(&b, j + 1 < n ? tv[j + 1].s : "");
		}
	} else
		dbrev_buf_puts(&b, type);
	/* "character" and "bit" alone mean a length of one. */
	if (n > 0 && tv[0].s == type && (dbrev_tok_is(&tv[0], "character") ||
	    dbrev_tok_is(&tv[0], "bit")) && !(n > 1 &&
	    dbrev_tok_is(&tv[1], "varying"))) {
		struct dbrev_buf r = { 0 };

		dbrev_buf_puts(&r, dbrev_tok_is(&tv[0], "bit") ? "\"bit\"" :
		    "bpchar");
		dbrev_buf_puts(&r, b.data + (tv[0].e - tv[0].s));
		dbrev_buf_free(&b);
		b = r;
	}
	free(tv);
	if (b.data == NULL)
		dbrev_buf_puts(&b, "");
	return dbrev_buf_take(&b);
}

void
dbrev_pg_grant(struct dbrev_buf *b, const char *target, const char *line,
    int inverse)
{
	const char *priv = line + (*line != '\0'), *tab = strchr(priv, '\t');
	const char *grantee = tab != NULL ? tab + 1 : "", *opt;
	int plus = *line == '+', plen, glen;

	plen = (int)(tab != NULL ? (size_t)(tab - priv) : strlen(priv));
	opt = strchr(grantee, '\t');
	glen = (int)(opt != NULL ? (size_t)(opt - grantee) : strlen(grantee));
	if (plus != inverse)
		dbrev_buf_printf(b, "GRANT %.*s ON %s TO %.*s%s", plen, priv,
		    target, glen, grantee, plus && opt != NULL ?
		    " WITH GRANT OPTION" : "");
	else
		dbrev_buf_printf(b, "REVOKE %.*s ON %s FROM %.*s", plen, priv,
		    target, glen, grantee);
}

char *
dbrev_pg_option(const char *options, const char *key)
{
	static const char *const parts[] = { " PARTITION OF ",
	    " PARTITION BY ", " REPLICA IDENTITY ", " WITH (" };
	const char *p, *end, *e;
	size_t n = strlen(key), i;

	if (options == NULL)
		return NULL;
	for (p = options; (p = strstr(p, key)) != NULL; p++)
		if ((p == options || p[-1] == ' ') && p[n] == ' ')
			break;
	if (p == NULL)
		return NULL;
	p += n + 1;
	end = p + strlen(p);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strncmp(parts[i] + 1, key, n) != 0 &&
		    (e = strstr(p, parts[i])) != NULL && e < end)
			end = e;
	return dbrev_xstrndup(p, (size_t)(end - p));
}

void
dbrev_pg_partition_of(const char *part, char **parent, char **bound)
{
	struct dbrev_tok *tv;
	size_t n, k = 0;
	const char *e = part;

	dbrev_sqltok_all(part, &tv, &n);
	if (n > 0) {
		k = n > 2 && dbrev_tok_punct(&tv[1], '.') ? 2 : 0;
		e = tv[k].e;
	}
	*parent = dbrev_xstrndup(part, (size_t)(e - part));
	while (*e == ' ')
		e++;
	*bound = dbrev_xstrdup(e);
	free(tv);
}

/* ------------------------------------------------ helpers */

struct emit {
	struct dbrev_buf	*out;
	struct dbrev_buf	 head;	/* foreign keys dropped, ownership off */
	struct dbrev_buf	 body;
	struct dbrev_buf	 tail;	/* foreign keys added, OWNED BY */
	char		      ***warnings;
	size_t			*nwarnings;
	struct dbrev_buf	 pre;	/* checks that fail before any change */
	int			 version; /* the server's, PQserverVersion */
	const struct dbrev_diff	*d;
	char			**done;	/* domains the enum swaps remade */
	size_t			 ndone;
};

static void
warn(struct emit *e, struct dbrev_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
warn(struct emit *e, struct dbrev_buf *b, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dbrev_strv_add(e->warnings, e->nwarnings, line);
	dbrev_buf_printf(b, "-- WARNING: %s\n", line);
}

/* "schema.name" (unquoted, as the model names it) quoted into b. */
static void
qname_q(struct dbrev_buf *b, const char *qname)
{
	const char *dot = strchr(qname, '.');
	char *s;

	if (dot == NULL) {
		dbrev_pg_qident(b, NULL, qname);
		return;
	}
	s = dbrev_xstrndup(qname, (size_t)(dot - qname));
	dbrev_pg_qident(b, s, dot + 1);
	free(s);
}

static void
table_q(struct dbrev_buf *b, const struct dbrev_table *t)
{
	dbrev_pg_qident(b, t->schema, t->name);
}

static const char *
id(const char *name, char *buf, size_t n)
{
	return dbrev_pg_ident(name, buf, n);
}

/* ------------------------------------------------ objects */

/* Function name with its argument types: quote the name part only. */
static void
func_q(struct dbrev_buf *b, const struct dbrev_object *o)
{
	const char *paren = strchr(o->name, '(');
	char *n;

	n = dbrev_xstrndup(o->name, paren ? (size_t)(paren - o->name) :
	    strlen(o->name));
	dbrev_pg_qident(b, o->schema, n);
	dbrev_buf_puts(b, paren ? paren : "()");
	free(n);
}

/*
 * Privileges from x to y (either may be NULL): what only x gives is
 * undone, then what only y gives is done.
 */
static void
grants(struct dbrev_buf *b, const struct dbrev_object *x,
    const struct dbrev_object *y)
{
	size_t i;

	for (i = 0; x != NULL && i < x->nvalues; i++)
		if (y == NULL || !in_strv(y->values, y->nvalues, x->values[i])) {
			dbrev_pg_grant(b, x->table, x->values[i], 1);
			dbrev_buf_puts(b, ";\n");
		}
	for (i = 0; y != NULL && i < y->nvalues; i++)
		if (x == NULL || !in_strv(x->values, x->nvalues, y->values[i])) {
			dbrev_pg_grant(b, y->table, y->values[i], 0);
			dbrev_buf_puts(b, ";\n");
		}
}

static void
drop_object(struct emit *e, struct dbrev_buf *b, const struct dbrev_object *o)
{
	char q[600];

	switch (o->kind) {
	case DBREV_OBJ_INDEX:
		dbrev_buf_puts(b, "DROP INDEX IF EXISTS ");
		dbrev_pg_qident(b, o->schema, o->name);
		break;
	case DBREV_OBJ_VIEW:
	case DBREV_OBJ_MATVIEW:
		dbrev_buf_printf(b, "DROP %sVIEW IF EXISTS ", o->kind ==
		    DBREV_OBJ_MATVIEW ? "MATERIALIZED " : "");
		dbrev_pg_qident(b, o->schema, o->name);
		break;
	case DBREV_OBJ_TRIGGER: {
		const char *tn = o->name, *dot;

		/* name is "table.trigger"; the table part is o->table's. */
		dot = strchr(o->table, '.');
		if (dot != NULL && strncmp(tn, dot + 1, strlen(dot + 1)) == 0 &&
		    tn[strlen(dot + 1)] == '.')
			tn += strlen(dot + 1) + 1;
		dbrev_buf_printf(b, "DROP TRIGGER IF EXISTS %s ON ",
		    id(tn, q, sizeof(q)));
		qname_q(b, o->table);
		break;
	}
	case DBREV_OBJ_SCHEMA:
		dbrev_buf_puts(b, "DROP SCHEMA IF EXISTS ");
		dbrev_pg_qident(b, NULL, o->name);
		break;
	case DBREV_OBJ_SEQUENCE:
		dbrev_buf_puts(b, "DROP SEQUENCE IF EXISTS ");
		dbrev_pg_qident(b, o->schema, o->name);
		break;
	case DBREV_OBJ_ENUM:
	case DBREV_OBJ_TYPE:
		dbrev_buf_puts(b, "DROP TYPE IF EXISTS ");
		dbrev_pg_qident(b, o->schema, o->name);
		break;
	case DBREV_OBJ_DOMAIN:
		dbrev_buf_puts(b, "DROP DOMAIN IF EXISTS ");
		dbrev_pg_qident(b, o->schema, o->name);
		break;
	case DBREV_OBJ_FUNCTION:
	case DBREV_OBJ_PROCEDURE:
		dbrev_buf_printf(b, "DROP %s IF EXISTS ", o->kind ==
		    DBREV_OBJ_FUNCTION ? "FUNCTION" : "PROCEDURE");
		func_q(b, o);
		break;
	case DBREV_OBJ_EXTENSION:
		dbrev_buf_puts(b, "DROP EXTENSION IF EXISTS ");
		dbrev_pg_qident(b, NULL, o->name);
		break;
	case DBREV_OBJ_COMMENT:
		dbrev_buf_printf(b, "COMMENT ON %s IS NULL", o->name);
		break;
	case DBREV_OBJ_OTHER:
		warn(e, b, "cannot drop %s: not modelled", o->name);
		return;
	case DBREV_OBJ_GRANT:
		grants(b, o, NULL);
		return;
	}
	dbrev_buf_puts(b, ";\n");
}

/* Split a sequence definition at " OWNED BY ". */
static const char *
seq_owner(const struct dbrev_object *o, size_t *optlen)
{
	const char *p = strstr(o->definition, " OWNED BY ");

	*optlen = p ? (size_t)(p - o->definition) : strlen(o->definition);
	return p ? p + 10 : "NONE";
}

static void
create_object(struct emit *e, struct dbrev_buf *b, const struct dbrev_object *o)
{
	dbrev_buf_printf(b, "%s;\n", o->sql);
	if (o->kind == DBREV_OBJ_SEQUENCE) {
		size_t n;
		const char *own = seq_owner(o, &n);

		if (strcmp(own, "NONE") != 0) {
			dbrev_buf_puts(&e->tail, "ALTER SEQUENCE ");
			dbrev_pg_qident(&e->tail, o->schema, o->name);
			dbrev_buf_printf(&e->tail, " OWNED BY %s;\n", own);
		}
	}
}

/* Is a a subsequence of b (both in order)? */
static int
subsequence(char **a, size_t na, char **b, size_t nb)
{
	size_t i = 0, j;

	for (j = 0; j < nb && i < na; j++)
		if (strcmp(a[i], b[j]) == 0)
			i++;
	return i == na;
}

static int
in_list(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* The line of a domain definition that starts with key, or NULL. */
static char *
dom_line(const char *def, const char *key)
{
	const char *p = def, *nl;
	size_t n = strlen(key);

	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (strncmp(p, key, n) == 0)
			return dbrev_xstrndup(p, (size_t)(nl - p));
	}
	return NULL;
}

static int
has_line(const char *def, const char *line, size_t n)
{
	const char *p = def, *nl;

	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if ((size_t)(nl - p) == n && strncmp(p, line, n) == 0)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------ enums */

static void alter_prefix(struct dbrev_buf *, const struct dbrev_table *);
static void add_fk(struct emit *, const struct dbrev_table *,
    const struct dbrev_constraint *);
static void drop_fk(struct emit *, const struct dbrev_table *,
    const struct dbrev_constraint *);
static char *aside_name(const char *);

/*
 * Does a type as format_type prints it ("status", "app.mood[]") name
 * object o?  1: o itself, 2: an array of it, 0: neither.
 */
static int
type_names(const char *type, const struct dbrev_object *o)
{
	struct dbrev_buf b = { 0 };
	size_t n = strcspn(type, "[");
	char q[600];
	int hit;

	dbrev_pg_qident(&b, o->schema, o->name);
	hit = (strlen(b.data) == n && strncmp(b.data, type, n) == 0) ||
	    (strlen(id(o->name, q, sizeof(q))) == n &&
	    strncmp(q, type, n) == 0);
	dbrev_buf_free(&b);
	return hit ? (type[n] == '\0' ? 1 : 2) : 0;
}

/* Is o a domain of s over enum en? */
static int
domain_over(const struct dbrev_object *o, const struct dbrev_object *en)
{
	char *as;
	int r;

	if (o->kind != DBREV_OBJ_DOMAIN ||
	    (as = dom_line(o->definition, "AS ")) == NULL)
		return 0;
	r = type_names(as + 3, en) != 0;
	free(as);
	return r;
}

/* Does a column of type `type` hold enum en (itself, in an array or a
   domain of s over it)? */
static int
holds_enum(const char *type, const struct dbrev_object *en,
    const struct dbrev_schema *s)
{
	size_t i;

	if (type_names(type, en))
		return 1;
	for (i = 0; i < s->nobjects; i++)
		if (domain_over(s->objects[i], en) &&
		    type_names(type, s->objects[i]))
			return 1;
	return 0;
}

/* Is one of the labels a string literal of text? */
static int
label_in(const char *text, char *const *labels, size_t n)
{
	struct dbrev_tok *tv;
	size_t nt, i;
	int hit = 0;

	if (text == NULL || n == 0)
		return 0;
	dbrev_sqltok_all(text, &tv, &nt);
	for (i = 0; i < nt && !hit; i++)
		if (tv[i].type == T_STRING) {
			char *v = dbrev_tok_text(&tv[i]);

			hit = in_strv(labels, n, v);
			free(v);
		}
	free(tv);
	return hit;
}

/* Is the constraint k of a table also, as it is, on table t (or NULL)? */
static int
con_kept(const struct dbrev_table *t, const struct dbrev_constraint *k)
{
	size_t i;

	for (i = 0; t != NULL && i < t->nconstraints; i++)
		if (t->constraints[i].kind == k->kind &&
		    strcmp(t->constraints[i].name ? t->constraints[i].name : "",
		    k->name ? k->name : "") == 0 &&
		    strcmp(t->constraints[i].expr ? t->constraints[i].expr : "",
		    k->expr ? k->expr : "") == 0)
			return 1;
	return 0;
}

static int
streq0(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/*
 * Does the revision use a value that enum x -> y gains?  A value added
 * by ALTER TYPE ... ADD VALUE cannot be used in the transaction that
 * adds it (PostgreSQL 12 and later allow the ADD VALUE itself there).
 * Used: as a string in a default, expression, constraint or object
 * that is new or changed, or as data, by a column converted to it.
 */
static int
enum_gains_used(const struct dbrev_object *x, const struct dbrev_object *y,
    const struct dbrev_schema *from, const struct dbrev_schema *to)
{
	char **nv = NULL, q[1200];
	size_t nn = 0, i, k;
	int used = 0;

	for (i = 0; i < y->nvalues; i++)
		if (!in_strv(x->values, x->nvalues, y->values[i]))
			dbrev_strv_add(&nv, &nn, y->values[i]);
	for (i = 0; i < to->ntables && nn > 0 && !used; i++) {
		const struct dbrev_table *t = to->tables[i], *f;

		f = dbrev_schema_table(from, dbrev_qname(t->schema, t->name, q,
		    sizeof(q)));
		for (k = 0; k < t->ncolumns && !used; k++) {
			const struct dbrev_column *c = &t->columns[k];
			const struct dbrev_column *fc = f != NULL ?
			    dbrev_table_column(f, c->name) : NULL;

			used = (holds_enum(c->type, y, to) && (fc == NULL ||
			    strcmp(fc->type, c->type) != 0)) ||
			    ((fc == NULL || !streq0(fc->default_expr,
			    c->default_expr)) && label_in(c->default_expr, nv,
			    nn)) || ((fc == NULL || !streq0(fc->generated,
			    c->generated)) && label_in(c->generated, nv, nn));
		}
		for (k = 0; k < t->nconstraints && !used; k++)
			used = !con_kept(f, &t->constraints[k]) &&
			    label_in(t->constraints[k].expr, nv, nn);
	}
	for (i = 0; i < to->nobjects && nn > 0 && !used; i++) {
		const struct dbrev_object *o = to->objects[i], *fo;

		if (o == y)
			continue;
		fo = dbrev_schema_object(from, o->kind, dbrev_qname(o->schema,
		    o->name, q, sizeof(q)));
		used = (fo == NULL || !streq0(fo->definition, o->definition)) &&
		    label_in(o->definition, nv, nn);
	}
	for (i = 0; i < nn; i++)
		free(nv[i]);
	free(nv);
	return used;
}

/*
 * Is enum x -> y done by swapping in a new type (rather than ADD
 * VALUE)?  When values go or move, and when a value it gains is used in
 * the same revision: values listed in CREATE TYPE may be used at once.
 */
static int
enum_swapped(const struct dbrev_object *x, const struct dbrev_object *y,
    const struct dbrev_schema *from, const struct dbrev_schema *to)
{
	return !subsequence(x->values, x->nvalues, y->values, y->nvalues) ||
	    enum_gains_used(x, y, from, to);
}

/* The enum of `from` named qname that this diff swaps, or NULL. */
static const struct dbrev_object *
swapped_enum(const char *qname, const struct dbrev_schema *from,
    const struct dbrev_schema *to)
{
	const struct dbrev_object *x, *y;

	x = dbrev_schema_object(from, DBREV_OBJ_ENUM, qname);
	if (x == NULL || (y = dbrev_schema_object(to, DBREV_OBJ_ENUM,
	    qname)) == NULL || streq0(x->definition, y->definition))
		return NULL;
	return enum_swapped(x, y, from, to) ? x : NULL;
}

/* Is a column named by colref ("schema.table.column") of a swapped enum? */
static int
colref_swapped(const char *ref, const struct dbrev_schema *from,
    const struct dbrev_schema *to)
{
	char q[1200];
	size_t i, k, m;

	for (i = 0; i < from->ntables; i++) {
		const struct dbrev_table *t = from->tables[i];

		for (k = 0; k < t->ncolumns; k++) {
			if (strcmp(colref(t, t->columns[k].name, q, sizeof(q)),
			    ref) != 0)
				continue;
			for (m = 0; m < from->nobjects; m++)
				if (from->objects[m]->kind == DBREV_OBJ_ENUM &&
				    holds_enum(t->columns[k].type,
				    from->objects[m], from) &&
				    swapped_enum(dbrev_qname(
				    from->objects[m]->schema,
				    from->objects[m]->name, q, sizeof(q)), from,
				    to) != NULL)
					return 1;
			return 0;
		}
	}
	return 0;
}

/* Does any enum of `from` change?  (A quick no for most diffs.) */
static int
enums_change(const struct dbrev_schema *from, const struct dbrev_schema *to)
{
	const struct dbrev_object *o, *y;
	char q[1200];
	size_t i;

	for (i = 0; i < from->nobjects; i++) {
		o = from->objects[i];
		if (o->kind != DBREV_OBJ_ENUM)
			continue;
		y = dbrev_schema_object(to, DBREV_OBJ_ENUM, dbrev_qname(o->schema,
		    o->name, q, sizeof(q)));
		if (y != NULL && !streq0(o->definition, y->definition))
			return 1;
	}
	return 0;
}

/*
 * What uses an enum swapped for a new type goes before the swap and
 * comes back after: what depends on it (views, functions, indexes,
 * triggers, its comment and grants) or on a domain over it, and views
 * and triggers reading a column of it.  Domains over it are swapped
 * with it; tables are converted in place.
 */
static int
pg_replaces(const struct dbrev_object *o, const struct dbrev_schema *from,
    const struct dbrev_schema *to, void *arg)
{
	size_t i, k;

	(void)arg;
	switch (o->kind) {
	case DBREV_OBJ_ENUM:
	case DBREV_OBJ_DOMAIN:
	case DBREV_OBJ_TYPE:
	case DBREV_OBJ_SEQUENCE:
	case DBREV_OBJ_SCHEMA:
	case DBREV_OBJ_EXTENSION:
		return 0;
	default:
		break;
	}
	for (i = 0; i < o->ndeps; i++) {
		const struct dbrev_object *d;

		if (swapped_enum(o->deps[i], from, to) != NULL)
			return 1;
		d = dbrev_schema_object(from, DBREV_OBJ_DOMAIN, o->deps[i]);
		for (k = 0; d != NULL && k < d->ndeps; k++)
			if (swapped_enum(d->deps[k], from, to) != NULL)
				return 1;
	}
	if (o->kind == DBREV_OBJ_VIEW || o->kind == DBREV_OBJ_MATVIEW ||
	    o->kind == DBREV_OBJ_TRIGGER)
		for (i = 0; i < o->ncolrefs && enums_change(from, to); i++)
			if (colref_swapped(o->colrefs[i], from, to))
				return 1;
	return 0;
}

/* Add the ALTER TYPE ... ADD VALUE statements of enum x -> y to b. */
static void
enum_add_values(struct dbrev_buf *b, const struct dbrev_object *x,
    const struct dbrev_object *y)
{
	size_t j, k;

	for (j = 0; j < y->nvalues; j++) {
		if (in_list(x->values, x->nvalues, y->values[j]))
			continue;
		dbrev_buf_puts(b, "ALTER TYPE ");
		dbrev_pg_qident(b, y->schema, y->name);
		dbrev_buf_puts(b, " ADD VALUE ");
		dbrev_pg_literal(b, y->values[j]);
		/* In position: before the next old value, or after the last. */
		for (k = j + 1; k < y->nvalues; k++)
			if (in_list(x->values, x->nvalues, y->values[k]))
				break;
		if (k < y->nvalues) {
			dbrev_buf_puts(b, " BEFORE ");
			dbrev_pg_literal(b, y->values[k]);
		} else if (j > 0) {
			dbrev_buf_puts(b, " AFTER ");
			dbrev_pg_literal(b, y->values[j - 1]);
		}
		dbrev_buf_puts(b, ";\n");
	}
}

/*
 * Fail, naming the table, column and value, when a row of t holds a
 * value of enum en that the new type lacks (a DO block, before anything
 * changes); appended to b.
 */
static void
enum_check_rows(struct dbrev_buf *b, const struct dbrev_table *t,
    const struct dbrev_column *c, const struct dbrev_object *en,
    char *const *gone, size_t ngone, int array)
{
	struct dbrev_buf body = { 0 }, tq = { 0 };
	char q[600], eq[1200];
	size_t i;

	table_q(&tq, t);
	id(c->name, q, sizeof(q));
	dbrev_buf_puts(&body, "\nDECLARE v text;\nBEGIN\n    SELECT x INTO v "
	    "FROM ");
	if (array)
		dbrev_buf_printf(&body, "(SELECT u::text AS x FROM %s, unnest(%s)"
		    " AS u) s", tq.data, q);
	else
		dbrev_buf_printf(&body, "(SELECT %s::text AS x FROM %s) s", q,
		    tq.data);
	dbrev_buf_puts(&body, " WHERE x IN (");
	for (i = 0; i < ngone; i++) {
		dbrev_buf_puts(&body, i ? ", " : "");
		dbrev_pg_literal(&body, gone[i]);
	}
	dbrev_buf_puts(&body, ") LIMIT 1;\n    IF FOUND THEN\n        RAISE "
	    "EXCEPTION USING MESSAGE = format('table %s holds %L in column "
	    "%s, a value enum %s no longer has', ");
	dbrev_pg_literal(&body, tq.data);
	dbrev_buf_puts(&body, ", v, ");
	dbrev_pg_literal(&body, q);
	dbrev_buf_puts(&body, ", ");
	dbrev_pg_literal(&body, dbrev_qname(en->schema, en->name, eq,
	    sizeof(eq)));
	dbrev_buf_puts(&body, "),\n            HINT = 'change or delete those "
	    "rows, then apply the revision again';\n    END IF;\nEND\n");
	dbrev_buf_puts(b, "DO ");
	dbrev_pg_dollar(b, body.data);
	dbrev_buf_puts(b, ";\n");
	dbrev_buf_free(&body);
	dbrev_buf_free(&tq);
}

/* "ALTER <kind> x RENAME TO name_dbrev_old" into b; the new SQL name. */
static char *
rename_aside(struct dbrev_buf *b, const char *kind,
    const struct dbrev_object *o)
{
	struct dbrev_buf r = { 0 };
	char *aside = aside_name(o->name), q[600];

	dbrev_buf_printf(b, "ALTER %s ", kind);
	dbrev_pg_qident(b, o->schema, o->name);
	dbrev_buf_printf(b, " RENAME TO %s;\n", id(aside, q, sizeof(q)));
	dbrev_pg_qident(&r, o->schema, aside);
	free(aside);
	return dbrev_buf_take(&r);
}

/* Convert the columns of table t that hold enum en to the new type. */
static void
enum_convert_table(struct emit *e, struct dbrev_buf *b,
    const struct dbrev_table *t, const struct dbrev_object *en)
{
	const struct dbrev_table *tt;
	char q[600], tq[1200], *part;
	size_t i, k, m;
	int any = 0;

	/* A partition's columns change with its parent's. */
	if ((part = dbrev_pg_option(t->options, "PARTITION OF")) != NULL) {
		free(part);
		return;
	}
	tt = dbrev_schema_table(e->d->to, dbrev_qname(t->schema, t->name, tq,
	    sizeof(tq)));
	/* Checks on those columns are parsed again by ALTER TYPE, the old
	   type's name in them: they go first and come back after. */
	for (k = 0; k < t->nconstraints; k++) {
		const struct dbrev_constraint *con = &t->constraints[k];

		for (m = 0; m < con->ncolumns; m++) {
			const struct dbrev_column *c = dbrev_table_column(t,
			    con->columns[m]);

			if (c != NULL && holds_enum(c->type, en, e->d->from))
				break;
		}
		if (m == con->ncolumns || (con->kind != DBREV_CON_CHECK &&
		    con->kind != DBREV_CON_FOREIGN_KEY))
			continue;
		if (con->kind == DBREV_CON_FOREIGN_KEY) {
			drop_fk(e, t, con);
			if (con_kept(tt, con))
				add_fk(e, t, con);
			continue;
		}
		alter_prefix(b, t);
		dbrev_buf_printf(b, "DROP CONSTRAINT %s;\n", id(con->name, q,
		    sizeof(q)));
	}
	for (i = 0; i < t->ncolumns; i++) {
		const struct dbrev_column *c = &t->columns[i], *tc;

		if (!holds_enum(c->type, en, e->d->from))
			continue;
		any = 1;
		id(c->name, q, sizeof(q));
		if (c->default_expr != NULL) {
			alter_prefix(b, t);
			dbrev_buf_printf(b, "ALTER COLUMN %s DROP DEFAULT;\n", q);
		}
		alter_prefix(b, t);
		dbrev_buf_printf(b, "ALTER COLUMN %s TYPE %s USING %s::text::%s;"
		    "\n", q, c->type, q, c->type);
		tc = tt != NULL ? dbrev_table_column(tt, c->name) : NULL;
		if (tc != NULL && tc->default_expr != NULL &&
		    strcmp(tc->type, c->type) == 0) {
			alter_prefix(b, t);
			dbrev_buf_printf(b, "ALTER COLUMN %s SET DEFAULT %s;\n", q,
			    tc->default_expr);
		}
	}
	for (k = 0; any && k < t->nconstraints; k++) {
		const struct dbrev_constraint *con = &t->constraints[k];

		for (m = 0; m < con->ncolumns; m++) {
			const struct dbrev_column *c = dbrev_table_column(t,
			    con->columns[m]);

			if (c != NULL && holds_enum(c->type, en, e->d->from))
				break;
		}
		if (m == con->ncolumns || con->kind != DBREV_CON_CHECK ||
		    !con_kept(tt, con))
			continue;
		alter_prefix(b, t);
		dbrev_buf_printf(b, "ADD CONSTRAINT %s %s;\n", id(con->name, q,
		    sizeof(q)), con->expr);
	}
}

/*
 * The type swap, in the revision's transaction: rows holding a value
 * the new type lacks fail it first, naming table and value; the old
 * type (and each domain over it) is renamed aside, the new one created
 * under its name, every column holding it (as itself, an array or a
 * domain) converted through text, defaults and checks put back, and
 * the old ones dropped.  What depends on the type was dropped before
 * and is created after (pg_replaces).  Tables are rewritten.
 */
static void
enum_swap(struct emit *e, struct dbrev_buf *b, const struct dbrev_object *x,
    const struct dbrev_object *y)
{
	const struct dbrev_schema *from = e->d->from, *to = e->d->to;
	char **gone = NULL, **doms = NULL, *old, *aside, q[1200];
	size_t ngone = 0, ndoms = 0, i, k;

	for (i = 0; i < x->nvalues; i++)
		if (!in_strv(y->values, y->nvalues, x->values[i]))
			dbrev_strv_add(&gone, &ngone, x->values[i]);
	dbrev_buf_printf(b, "-- enum %s: %s, so a new type replaces it in this "
	    "transaction\n-- and the columns holding it are converted (their "
	    "tables rewritten)\n", dbrev_qname(x->schema, x->name, q,
	    sizeof(q)), ngone > 0 ? "values go" : !subsequence(x->values,
	    x->nvalues, y->values, y->nvalues) ? "values move" : "a value it "
	    "gains is used in this revision, which PostgreSQL allows only for "
	    "a type created in the same transaction");
	for (i = 0; ngone > 0 && i < from->ntables; i++) {
		const struct dbrev_table *t = from->tables[i];

		/* Its parent's check reads its rows. */
		if (t->options != NULL && strstr(t->options, "PARTITION OF ") !=
		    NULL)
			continue;
		for (k = 0; k < t->ncolumns; k++) {
			const struct dbrev_column *c = &t->columns[k];

			if (holds_enum(c->type, x, from))
				enum_check_rows(&e->pre, t, c, x, gone, ngone,
				    strchr(c->type, '[') != NULL);
		}
	}
	old = rename_aside(b, "TYPE", x);
	dbrev_buf_printf(b, "%s;\n", y->sql);
	for (i = 0; i < from->nobjects; i++) {
		const struct dbrev_object *d = from->objects[i], *nd;

		if (!domain_over(d, x))
			continue;
		aside = rename_aside(b, "DOMAIN", d);
		dbrev_strv_add(&doms, &ndoms, aside);
		free(aside);
		nd = dbrev_schema_object(to, DBREV_OBJ_DOMAIN, dbrev_qname(
		    d->schema, d->name, q, sizeof(q)));
		dbrev_buf_printf(b, "%s;\n", (nd != NULL ? nd : d)->sql);
		dbrev_strv_add(&e->done, &e->ndone, q);
	}
	for (i = 0; i < from->ntables; i++)
		enum_convert_table(e, b, from->tables[i], x);
	for (i = 0; i < ndoms; i++) {
		dbrev_buf_printf(b, "DROP DOMAIN %s;\n", doms[i]);
		free(doms[i]);
	}
	dbrev_buf_printf(b, "DROP TYPE %s;\n", old);
	for (i = 0; i < ngone; i++)
		free(gone[i]);
	free(gone);
	free(doms);
	free(old);
}

static void
alter_enum(struct emit *e, struct dbrev_buf *b, const struct dbrev_object *x,
    const struct dbrev_object *y)
{
	if (enum_swapped(x, y, e->d->from, e->d->to))
		enum_swap(e, b, x, y);
	else
		/* In the revision's transaction (PostgreSQL 12 and later). */
		enum_add_values(b, x, y);
}

static void
alter_domain(struct emit *e, struct dbrev_buf *b, const struct dbrev_object *x,
    const struct dbrev_object *y)
{
	char *xa = dom_line(x->definition, "AS "), *ya = dom_line(y->definition,
	    "AS "), *xc = dom_line(x->definition, "COLLATE "),
	    *yc = dom_line(y->definition, "COLLATE "), *xd, *yd, q[1024];
	const char *p, *nl;
	int pass;

	dbrev_qname(x->schema, x->name, q, sizeof(q));
	if (strcmp(xa ? xa : "", ya ? ya : "") != 0 ||
	    strcmp(xc ? xc : "", yc ? yc : "") != 0) {
		warn(e, b, "domain %s: changing its base type or collation "
		    "needs a hand-written revision (%s -> %s)", q,
		    xa ? xa + 3 : "?", ya ? ya + 3 : "?");
		free(xa);
		free(ya);
		free(xc);
		free(yc);
		return;
	}
	free(xa);
	free(ya);
	free(xc);
	free(yc);
	xd = dom_line(x->definition, "DEFAULT ");
	yd = dom_line(y->definition, "DEFAULT ");
	if (strcmp(xd ? xd : "", yd ? yd : "") != 0) {
		dbrev_buf_puts(b, "ALTER DOMAIN ");
		dbrev_pg_qident(b, y->schema, y->name);
		if (yd != NULL)
			dbrev_buf_printf(b, " SET %s;\n", yd);
		else
			dbrev_buf_puts(b, " DROP DEFAULT;\n");
	}
	free(xd);
	free(yd);
	if (has_line(x->definition, "NOT NULL", 8) !=
	    has_line(y->definition, "NOT NULL", 8)) {
		dbrev_buf_puts(b, "ALTER DOMAIN ");
		dbrev_pg_qident(b, y->schema, y->name);
		dbrev_buf_printf(b, " %s NOT NULL;\n", has_line(y->definition,
		    "NOT NULL", 8) ? "SET" : "DROP");
	}
	/* Constraints: drop those gone or changed, add the new. */
	for (pass = 0; pass < 2; pass++) {
		const struct dbrev_object *a = pass ? y : x, *o = pass ? x : y;

		for (p = a->definition; *p != '\0'; p = *nl ? nl + 1 : nl) {
			const char *sp;

			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			if (strncmp(p, "CONSTRAINT ", 11) != 0 ||
			    has_line(o->definition, p, (size_t)(nl - p)))
				continue;
			dbrev_buf_puts(b, "ALTER DOMAIN ");
			dbrev_pg_qident(b, y->schema, y->name);
			if (pass == 0) {
				sp = strchr(p + 11, ' ');
				dbrev_buf_printf(b, " DROP CONSTRAINT %.*s;\n",
				    (int)((sp ? sp : nl) - (p + 11)), p + 11);
			} else
				dbrev_buf_printf(b, " ADD %.*s;\n",
				    (int)(nl - p), p);
		}
	}
}

/* The RETURNS line of a function definition (CREATE OR REPLACE keeps it). */
static char *
returns_line(const char *def)
{
	const char *p = strstr(def, "\n RETURNS "), *nl;

	if (p == NULL)
		return dbrev_xstrdup("");
	nl = strchr(p + 1, '\n');
	return dbrev_xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
}

/* Is object o of `from` dropped (or dropped and made again) by d? */
static int
dropped_by(const struct dbrev_diff *d, const struct dbrev_object *o)
{
	size_t i;

	for (i = 0; i < d->nchanges; i++)
		if (d->changes[i].kind == DBREV_CHANGE_DROP_OBJECT &&
		    d->changes[i].obj_from == o)
			return 1;
	return 0;
}

/*
 * Turn the enabled triggers of t off (on: 0) or back on (on: 1), so that
 * rows rewritten to recompute a column do not run them.
 */
static void
triggers_switch(const struct emit *e, struct dbrev_buf *b,
    const struct dbrev_table *t, int on)
{
	const struct dbrev_schema *s = e->d->to;
	char tq[1200], q[600];
	size_t i, n;

	dbrev_qname(t->schema, t->name, tq, sizeof(tq));
	n = strlen(t->name);
	for (i = 0; i < s->nobjects; i++) {
		const struct dbrev_object *o = s->objects[i];

		if (o->kind != DBREV_OBJ_TRIGGER || o->table == NULL ||
		    strcmp(o->table, tq) != 0 ||
		    strstr(o->definition, " DISABLE TRIGGER ") != NULL ||
		    strncmp(o->name, t->name, n) != 0 || o->name[n] != '.')
			continue;
		alter_prefix(b, t);
		dbrev_buf_printf(b, "%s TRIGGER %s;\n", on ? "ENABLE" : "DISABLE",
		    id(o->name + n + 1, q, sizeof(q)));
	}
}

/*
 * A changed function f computes what an expression index or a stored
 * generated column holds: those are computed again (REINDEX; on
 * PostgreSQL 17 SET EXPRESSION, before it an UPDATE of a column the
 * generated one reads, the table's triggers off meanwhile), unless the
 * diff makes them anew anyway; what cannot be recomputed is said.
 */
static void
recompute_users(struct emit *e, struct dbrev_buf *out,
    const struct dbrev_object *f)
{
	const struct dbrev_schema *to = e->d->to, *from = e->d->from;
	struct dbrev_buf buf = { 0 }, *b = &buf;
	char fq[1200], q[1200], cq[600];
	size_t i, k;

	dbrev_qname(f->schema, f->name, fq, sizeof(fq));
	for (i = 0; i < to->nobjects; i++) {
		const struct dbrev_object *o = to->objects[i], *xo;

		if (o->kind != DBREV_OBJ_INDEX || !in_strv(o->deps, o->ndeps, fq) ||
		    (xo = dbrev_schema_object(from, DBREV_OBJ_INDEX, dbrev_qname(
		    o->schema, o->name, q, sizeof(q)))) == NULL ||
		    dropped_by(e->d, xo))
			continue;
		dbrev_buf_puts(b, "REINDEX INDEX ");
		dbrev_pg_qident(b, o->schema, o->name);
		dbrev_buf_puts(b, ";\n");
	}
	for (i = 0; i < to->ntables; i++) {
		const struct dbrev_table *t = to->tables[i], *xt;

		xt = dbrev_schema_table(from, dbrev_qname(t->schema, t->name, q,
		    sizeof(q)));
		for (k = 0; xt != NULL && k < t->ncolumns; k++) {
			const struct dbrev_column *c = &t->columns[k], *xc;

			if (c->generated == NULL || !in_strv(c->calls, c->ncalls,
			    fq) || (xc = dbrev_table_column(xt, c->name)) == NULL ||
			    !streq0(xc->generated, c->generated))
				continue;
			if (e->version >= 170000) {
				alter_prefix(b, t);
				dbrev_buf_printf(b, "ALTER COLUMN %s SET EXPRESSION "
				    "AS (%s);\n", id(c->name, cq, sizeof(cq)),
				    c->generated);
			} else if (c->nreads > 0) {
				triggers_switch(e, b, t, 0);
				dbrev_buf_puts(b, "UPDATE ");
				table_q(b, t);
				id(c->reads[0], cq, sizeof(cq));
				dbrev_buf_printf(b, " SET %s = %s;\n", cq, cq);
				triggers_switch(e, b, t, 1);
			} else
				warn(e, b, "converts data: column %s.%s is "
				    "generated by %s, which changes; its stored "
				    "values are not computed again (recompute them "
				    "by hand)", q, c->name, fq);
		}
	}
	if (buf.len > 0)
		dbrev_buf_printf(out, "-- what is computed with %s is computed "
		    "again\n%s", fq, buf.data);
	dbrev_buf_free(&buf);
}

static void
alter_object(struct emit *e, struct dbrev_buf *b, const struct dbrev_object *x,
    const struct dbrev_object *y)
{
	char q[1200];

	switch (y->kind) {
	case DBREV_OBJ_ENUM:
		alter_enum(e, b, x, y);
		break;
	case DBREV_OBJ_DOMAIN:
		/* Made anew by the swap of the enum it is over. */
		if (!in_strv(e->done, e->ndone, dbrev_qname(y->schema, y->name,
		    q, sizeof(q))))
			alter_domain(e, b, x, y);
		break;
	case DBREV_OBJ_SEQUENCE: {
		size_t nx, ny;
		const char *ox = seq_owner(x, &nx), *oy = seq_owner(y, &ny);

		if (nx != ny || strncmp(x->definition, y->definition, nx) != 0) {
			dbrev_buf_puts(b, "ALTER SEQUENCE ");
			dbrev_pg_qident(b, y->schema, y->name);
			dbrev_buf_printf(b, " %.*s;\n", (int)ny, y->definition);
		}
		if (strcmp(ox, oy) != 0) {
			/* Released first, taken once the table exists. */
			struct dbrev_buf *w = strcmp(oy, "NONE") == 0 ?
			    &e->head : &e->tail;

			dbrev_buf_puts(w, "ALTER SEQUENCE ");
			dbrev_pg_qident(w, y->schema, y->name);
			dbrev_buf_printf(w, " OWNED BY %s;\n", oy);
		}
		break;
	}
	case DBREV_OBJ_FUNCTION:
	case DBREV_OBJ_PROCEDURE: {
		char *rx = returns_line(x->definition),
		    *ry = returns_line(y->definition);

		/* CREATE OR REPLACE cannot change the result type. */
		if (strcmp(rx, ry) != 0)
			drop_object(e, b, x);
		dbrev_buf_printf(b, "%s;\n", y->sql);
		if (y->kind == DBREV_OBJ_FUNCTION)
			recompute_users(e, b, y);
		free(rx);
		free(ry);
		break;
	}
	case DBREV_OBJ_COMMENT:
		dbrev_buf_printf(b, "%s;\n", y->sql);
		break;
	case DBREV_OBJ_GRANT:
		grants(b, x, y);
		break;
	default:
		drop_object(e, b, x);
		create_object(e, b, y);
		break;
	}
}

/* ------------------------------------------------ tables */

static void
alter_prefix(struct dbrev_buf *b, const struct dbrev_table *t)
{
	dbrev_buf_puts(b, "ALTER TABLE ");
	table_q(b, t);
	dbrev_buf_puts(b, " ");
}

static void
add_fk(struct emit *e, const struct dbrev_table *t,
    const struct dbrev_constraint *c)
{
	char q[600];

	alter_prefix(&e->tail, t);
	dbrev_buf_printf(&e->tail, "ADD CONSTRAINT %s %s;\n", id(c->name, q,
	    sizeof(q)), c->expr);
}

static void
drop_fk(struct emit *e, const struct dbrev_table *t,
    const struct dbrev_constraint *c)
{
	char q[600];

	alter_prefix(&e->head, t);
	dbrev_buf_printf(&e->head, "DROP CONSTRAINT IF EXISTS %s;\n",
	    id(c->name, q, sizeof(q)));
}

static void
comment_column(struct dbrev_buf *b, const struct dbrev_table *t,
    const struct dbrev_column *c)
{
	char q[600];

	dbrev_buf_puts(b, "COMMENT ON COLUMN ");
	table_q(b, t);
	dbrev_buf_printf(b, ".%s IS ", id(c->name, q, sizeof(q)));
	if (c->comment != NULL)
		dbrev_pg_literal(b, c->comment);
	else
		dbrev_buf_puts(b, "NULL");
	dbrev_buf_puts(b, ";\n");
}

static void
comment_table(struct dbrev_buf *b, const struct dbrev_table *t)
{
	dbrev_buf_puts(b, "COMMENT ON TABLE ");
	table_q(b, t);
	dbrev_buf_puts(b, " IS ");
	if (t->comment != NULL)
		dbrev_pg_literal(b, t->comment);
	else
		dbrev_buf_puts(b, "NULL");
	dbrev_buf_puts(b, ";\n");
}

/* One setting of a column's extra ("STORAGE EXTERNAL (default ...)"). */
static char *
extra_get(const char *extra, const char *key, int dflt)
{
	const char *p, *e;
	size_t n = strlen(key);

	if (extra == NULL)
		return NULL;
	for (p = extra; (p = strstr(p, key)) != NULL; p++)
		if ((p == extra || p[-1] == ' ') && p[n] == ' ')
			break;
	if (p == NULL)
		return NULL;
	p += n + 1;
	if (dflt) {
		if ((p = strstr(p, "(default ")) == NULL)
			return NULL;
		p += 9;
		e = strchr(p, ')');
	} else
		e = strchr(p, ' ');
	return dbrev_xstrndup(p, e != NULL ? (size_t)(e - p) : strlen(p));
}

/*
 * A column's compression, storage and statistics target, from x's
 * (NULL: a new column, at the defaults) to y's.  A type change has
 * just put compression and storage back to the defaults.
 */
static void
column_extras(struct dbrev_buf *b, const struct dbrev_table *t,
    const struct dbrev_column *x, const struct dbrev_column *y, int retyped)
{
	static const char *const keys[] = { "COMPRESSION", "STORAGE",
	    "STATISTICS" };
	const char *xe = x != NULL && !retyped ? x->extra : NULL;
	char q[600];
	size_t k;

	id(y->name, q, sizeof(q));
	for (k = 0; k < 3; k++) {
		char *a = extra_get(xe, keys[k], 0), *v = extra_get(y->extra,
		    keys[k], 0), *to = v;

		if (k == 2 && retyped && x != NULL)	/* kept by ALTER TYPE */
			a = extra_get(x->extra, keys[k], 0);
		if (!streq0(a, v)) {
			if (to == NULL && k == 1)
				to = extra_get(xe, keys[k], 1);
			alter_prefix(b, t);
			dbrev_buf_printf(b, "ALTER COLUMN %s SET %s %s;\n", q,
			    keys[k], to != NULL ? to : k == 0 ? "default" :
			    "-1");
			if (to != v)
				free(to);
		}
		free(a);
		free(v);
	}
}

/* "REPLICA IDENTITY ..." of table options, or NULL for DEFAULT. */
static char *
replica(const char *opts)
{
	const char *p = opts != NULL ? strstr(opts, "REPLICA IDENTITY ") : NULL,
	    *e;

	if (p == NULL)
		return NULL;
	p += 17;
	e = strstr(p, " WITH (");
	return dbrev_xstrndup(p, e != NULL ? (size_t)(e - p) : strlen(p));
}

/* REPLICA IDENTITY from x's options to y's, once indexes exist. */
static void
replica_identity(struct emit *e, const struct dbrev_table *x,
    const struct dbrev_table *y)
{
	char *rx = replica(x != NULL ? x->options : NULL), *ry = replica(y->options);

	if (!streq0(rx, ry)) {
		alter_prefix(&e->tail, y);
		dbrev_buf_printf(&e->tail, "REPLICA IDENTITY %s;\n", ry != NULL ?
		    ry : "DEFAULT");
	}
	free(rx);
	free(ry);
}

static void
create_table(struct emit *e, struct dbrev_buf *b, const struct dbrev_table *t)
{
	size_t i;

	dbrev_buf_printf(b, "%s;\n", t->sql);
	if (t->comment != NULL)
		comment_table(b, t);
	for (i = 0; i < t->ncolumns; i++) {
		if (t->columns[i].comment != NULL)
			comment_column(b, t, &t->columns[i]);
		if (t->columns[i].extra != NULL)
			column_extras(b, t, NULL, &t->columns[i], 0);
	}
	replica_identity(e, NULL, t);
	for (i = 0; i < t->nconstraints; i++)
		if (t->constraints[i].kind == DBREV_CON_FOREIGN_KEY)
			add_fk(e, t, &t->constraints[i]);
}

/* ------------------------------------------------ sequences of columns */

/*
 * A sequence named in SQL ("public.t_id_seq", "\"T\"_seq") taken apart:
 * schema (public when not given) and name, as the catalogs spell them.
 */
static void
seq_parse(const char *sql, char **schema, char **name)
{
	struct dbrev_tok *tv;
	size_t n, i;
	char *part[2] = { NULL, NULL };
	int k = 0;

	dbrev_sqltok_all(sql, &tv, &n);
	for (i = 0; i < n && k < 2; i++) {
		if (dbrev_tok_punct(&tv[i], '.'))
			continue;
		if (k == 1 && !dbrev_tok_punct(&tv[i - 1], '.'))
			break;
		part[k++] = tv[i].type == T_QUOTED ? dbrev_tok_text(&tv[i]) :
		    dbrev_tok_ident(&tv[i]);
	}
	free(tv);
	*schema = k == 2 ? part[0] : dbrev_xstrdup("public");
	*name = k == 2 ? part[1] : part[0] != NULL ? part[0] :
	    dbrev_xstrdup("");
}

/* Do two SQL names name the same sequence? */
static int
same_seq(const char *a, const char *b)
{
	char *sa, *na, *sb, *nb;
	int r;

	seq_parse(a, &sa, &na);
	seq_parse(b, &sb, &nb);
	r = strcmp(sa, sb) == 0 && strcmp(na, nb) == 0;
	free(sa);
	free(na);
	free(sb);
	free(nb);
	return r;
}

/* The sequence object of s that a SQL name names, or NULL. */
static const struct dbrev_object *
seq_object(const struct dbrev_schema *s, const char *sql)
{
	const struct dbrev_object *o;
	char *sc, *nm, q[1200];

	seq_parse(sql, &sc, &nm);
	o = dbrev_schema_object(s, DBREV_OBJ_SEQUENCE, dbrev_qname(sc, nm, q,
	    sizeof(q)));
	free(sc);
	free(nm);
	return o;
}

/* The sequence of nextval('...'::regclass), a column's default; or NULL. */
static char *
nextval_seq(const struct dbrev_column *c)
{
	struct dbrev_tok *tv;
	size_t n;
	char *r = NULL;

	if (c->default_expr == NULL)
		return NULL;
	dbrev_sqltok_all(c->default_expr, &tv, &n);
	if (n >= 3 && dbrev_tok_is(&tv[0], "nextval") &&
	    dbrev_tok_punct(&tv[1], '(') && tv[2].type == T_STRING)
		r = dbrev_tok_text(&tv[2]);
	free(tv);
	return r;
}

/*
 * An identity's sequence, the SQL name of "SEQUENCE NAME x START ...",
 * or NULL; *rest is the options after it.
 */
static char *
identity_seq(const struct dbrev_column *c, const char **rest)
{
	const char *o = c->identity_options, *p;

	*rest = o;
	if (o == NULL || strncmp(o, "SEQUENCE NAME ", 14) != 0 ||
	    (p = strstr(o + 14, " START ")) == NULL)
		return NULL;
	*rest = p + 1;
	return dbrev_xstrndup(o + 14, (size_t)(p - o - 14));
}

/*
 * NAME_dbrev_old, a name to move something out of the way to, within
 * PostgreSQL's 63 bytes (cut at a character boundary).  Caller frees.
 */
static char *
aside_name(const char *name)
{
	struct dbrev_buf b = { 0 };
	size_t n = strlen(name);

	if (n > 63 - 10) {
		n = 63 - 10;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	dbrev_buf_add(&b, name, n);
	dbrev_buf_puts(&b, "_dbrev_old");
	return dbrev_buf_take(&b);
}

/*
 * Rename sequence `sql` out of the way (aside_name), into b; its new
 * SQL name is returned.
 */
static char *
seq_aside(struct dbrev_buf *b, const char *sql)
{
	struct dbrev_buf r = { 0 };
	char *sc, *nm, *aside, q[600];

	seq_parse(sql, &sc, &nm);
	aside = aside_name(nm);
	dbrev_buf_printf(b, "ALTER SEQUENCE %s RENAME TO %s;\n", sql,
	    id(aside, q, sizeof(q)));
	free(nm);
	nm = aside;
	dbrev_pg_qident(&r, sc, nm);
	free(sc);
	free(nm);
	return dbrev_buf_take(&r);
}

/* Does a column change of the diff turn sequence o's serial to identity? */
static int
seq_taken_over(const struct dbrev_diff *d, const struct dbrev_object *o)
{
	size_t i, k;

	for (i = 0; i < d->nchanges; i++) {
		const struct dbrev_change *c = &d->changes[i];

		if (c->kind != DBREV_CHANGE_ALTER_TABLE)
			continue;
		for (k = 0; k < c->ncolumns; k++) {
			const struct dbrev_column_change *cc = &c->columns[k];
			char *s;
			int hit;

			if (cc->kind != DBREV_COLUMN_ALTER ||
			    cc->from->identity != DBREV_IDENTITY_NONE ||
			    cc->to->identity == DBREV_IDENTITY_NONE ||
			    (s = nextval_seq(cc->from)) == NULL)
				continue;
			hit = seq_object(d->from, s) == o;
			free(s);
			if (hit)
				return 1;
		}
	}
	return 0;
}

/*
 * A serial (or plain) column becomes an identity: numbering goes on
 * where it was.  The identity's sequence takes the serial one's
 * position; when it takes its name too, the serial one is renamed out
 * of the way first and dropped here (not where the diff drops it).
 */
static void
serial_to_identity(struct emit *e, struct dbrev_buf *b,
    const struct dbrev_table *t, const struct dbrev_column *x,
    const struct dbrev_column *y)
{
	char *old = nextval_seq(x), *nn, *src = NULL, q[600];
	const char *rest;
	struct dbrev_buf tn = { 0 };
	int gone;

	id(y->name, q, sizeof(q));
	nn = identity_seq(y, &rest);
	gone = old != NULL && seq_object(e->d->from, old) != NULL &&
	    seq_object(e->d->to, old) == NULL;
	if (gone && nn != NULL && same_seq(old, nn))
		src = seq_aside(b, old);
	alter_prefix(b, t);
	dbrev_buf_printf(b, "ALTER COLUMN %s ADD GENERATED %s AS IDENTITY", q,
	    y->identity == DBREV_IDENTITY_ALWAYS ? "ALWAYS" : "BY DEFAULT");
	if (y->identity_options != NULL)
		dbrev_buf_printf(b, " (%s)", y->identity_options);
	dbrev_buf_puts(b, ";\nSELECT setval(");
	table_q(&tn, t);
	if (nn != NULL)
		dbrev_pg_literal(b, nn);
	else {
		dbrev_buf_puts(b, "pg_get_serial_sequence(");
		dbrev_pg_literal(b, tn.data);
		dbrev_buf_puts(b, ", ");
		dbrev_pg_literal(b, y->name);
		dbrev_buf_puts(b, ")");
	}
	if (old != NULL)
		/* Where the serial sequence was, used or not. */
		dbrev_buf_printf(b, ", last_value, is_called) FROM %s;\n",
		    src != NULL ? src : old);
	else
		/* Rows exist: go on numbering after them. */
		dbrev_buf_printf(b, ", max(%s)) FROM %s HAVING max(%s) IS NOT "
		    "NULL;\n", q, tn.data, q);
	if (gone)
		dbrev_buf_printf(b, "DROP SEQUENCE %s;\n", src != NULL ? src :
		    old);
	dbrev_buf_free(&tn);
	free(old);
	free(nn);
	free(src);
}

/*
 * An identity column becomes a serial one: its sequence's position
 * goes to the serial sequence before DROP IDENTITY drops it (renamed out
 * of the way first when the serial sequence, created by this change,
 * takes its name).
 */
static void
identity_to_serial(struct emit *e, struct dbrev_buf *b,
    const struct dbrev_column *x, const struct dbrev_column *y)
{
	char *ns = nextval_seq(y), *nn, *src = NULL;
	const char *rest;

	nn = identity_seq(x, &rest);
	if (ns != NULL && nn != NULL) {
		if (same_seq(ns, nn) && seq_object(e->d->from, ns) == NULL)
			src = seq_aside(&e->head, nn);
		dbrev_buf_puts(b, "SELECT setval(");
		dbrev_pg_literal(b, ns);
		dbrev_buf_printf(b, ", last_value, is_called) FROM %s;\n",
		    src != NULL ? src : nn);
	}
	free(ns);
	free(nn);
	free(src);
}

/* "START WITH 1 INCREMENT BY 1 ..." -> "SET START WITH 1 SET ..." */
static void
identity_set(struct dbrev_buf *b, const char *opts)
{
	static const char *const kw[] = { "START ", "INCREMENT ", "MINVALUE ",
	    "MAXVALUE ", "CACHE ", "NO CYCLE", "CYCLE" };
	const char *p = opts;
	size_t k;

	while (*p != '\0') {
		for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
			if (strncmp(p, kw[k], strlen(kw[k])) == 0 &&
			    (p == opts || p[-1] == ' '))
				break;
		if (k < sizeof(kw) / sizeof(kw[0])) {
			dbrev_buf_puts(b, p == opts ? " SET " : "SET ");
			dbrev_buf_puts(b, kw[k]);
			p += strlen(kw[k]);
			continue;
		}
		dbrev_buf_add(b, p, 1);
		p++;
	}
}

/* The numbers of a type's modifier ("numeric(12,2)": 12, 2); how many. */
static int
typmods(const char *type, long v[2])
{
	struct dbrev_tok *tv;
	size_t n, i;
	int k = 0;

	dbrev_sqltok_all(type, &tv, &n);
	for (i = 1; i < n; i++)
		if (dbrev_tok_punct(&tv[i], '(') && tv[i - 1].type == T_WORD)
			break;
	for (i++; i < n && k < 2 && tv[i].type == T_NUMBER; i += 2) {
		v[k++] = strtol(tv[i].s, NULL, 10);
		if (i + 1 >= n || !dbrev_tok_punct(&tv[i + 1], ','))
			break;
	}
	free(tv);
	return k;
}

/* Does the type name one of the words, or an array of one? */
static int
base_is(const char *base, const char *const *names)
{
	size_t n = strcspn(base, "[");

	for (; *names != NULL; names++)
		if (strlen(*names) == n && strncmp(base, *names, n) == 0)
			return 1;
	return 0;
}

static const char *const texts[] = { "text", "character varying", NULL };
static const char *const times[] = { "timestamp without time zone",
    "timestamp with time zone", "time without time zone",
    "time with time zone", "interval", NULL };

/* Is `type` (as format_type prints it) an enum or domain of the diff? */
static int
user_type(const struct dbrev_schema *s, const char *type)
{
	char q[1200];
	size_t i, n = strcspn(type, "[");

	for (i = 0; s != NULL && i < s->nobjects; i++) {
		const struct dbrev_object *o = s->objects[i];
		struct dbrev_buf b = { 0 };
		int hit;

		if (o->kind != DBREV_OBJ_ENUM && o->kind != DBREV_OBJ_DOMAIN)
			continue;
		dbrev_pg_qident(&b, o->schema, o->name);
		hit = (strlen(b.data) == n && strncmp(b.data, type, n) == 0) ||
		    (strlen(id(o->name, q, sizeof(q))) == n &&
		    strncmp(q, type, n) == 0);
		dbrev_buf_free(&b);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * Does changing a column from type x to type y change values that fit
 * (rather than keep them or fail)?  Then *why says how.  Within one
 * type, only a smaller numeric scale or fractional-seconds precision
 * rounds (a shorter length fails on a longer value, no USING cast
 * truncating it).  Across types, what is known to keep every value
 * (widening numbers, anything to text, an enum or domain from or to
 * its text) passes; anything else is said.
 */
static int
type_converts(const struct emit *e, const char *x, const char *y, char *why,
    size_t n)
{
	static const char *const ints[] = { "smallint", "integer", "bigint",
	    NULL };
	static const char *const wider[][4] = {
		{ "smallint", "integer", "bigint", "numeric" },
		{ "integer", "bigint", "numeric", "double precision" },
		{ "bigint", "numeric", NULL, NULL },
		{ "real", "double precision", NULL, NULL },
		{ "date", "timestamp without time zone", NULL, NULL },
		{ "jsonb", "json", NULL, NULL },
	};
	char *bx = dbrev_pg_type_base(x), *by = dbrev_pg_type_base(y);
	long mx[2] = { 0, 0 }, my[2] = { 0, 0 };
	int kx = typmods(x, mx), ky = typmods(y, my), rc = 0;
	size_t i, k;

	*why = '\0';
	if ((strchr(bx, '[') == NULL) != (strchr(by, '[') == NULL)) {
		snprintf(why, n, "turns values into arrays or back");
		rc = 1;
	} else if (strcmp(bx, by) == 0) {
		if (base_is(bx, (const char *const[]){ "numeric", NULL }) &&
		    ky > 0 && (kx == 0 || (ky < 2 ? 0 : my[1]) <
		    (kx < 2 ? 0 : mx[1]))) {
			snprintf(why, n, "rounds to %ld decimal places",
			    ky < 2 ? 0 : my[1]);
			rc = 1;
		} else if (base_is(bx, times) && ky > 0 && (kx == 0 ||
		    my[0] < mx[0])) {
			snprintf(why, n, "rounds to %ld fractional digits of "
			    "a second", my[0]);
			rc = 1;
		}
	} else if (base_is(by, texts) || (user_type(e->d->to, by) &&
	    (base_is(bx, texts) || user_type(e->d->from, bx))))
		rc = 0;
	else {
		for (i = 0; i < sizeof(wider) / sizeof(wider[0]); i++)
			for (k = 1; k < 4 && wider[i][k] != NULL; k++)
				if (base_is(bx, (const char *const[]){
				    wider[i][0], NULL }) && base_is(by,
				    (const char *const[]){ wider[i][k], NULL }))
					goto out;
		rc = 1;
		if (base_is(by, (const char *const[]){ "bpchar", NULL }))
			snprintf(why, n, "pads values with blanks, which do not "
			    "read back");
		else if (base_is(bx, texts) || base_is(bx,
		    (const char *const[]){ "bpchar", NULL }))
			snprintf(why, n, "parses the text: its spelling is not "
			    "kept ('007' becomes 7, ' x' may lose its blank)");
		else if (base_is(by, ints))
			snprintf(why, n, "rounds to whole numbers");
		else if (base_is(bx, times) && base_is(by, times))
			snprintf(why, n, "reads the times in the session's "
			    "TimeZone");
		else if (base_is(by, (const char *const[]){ "date", NULL }))
			snprintf(why, n, "drops the time of day");
		else if (base_is(by, (const char *const[]){ "jsonb", NULL }))
			snprintf(why, n, "keeps neither key order, duplicate "
			    "keys nor white space");
		else if (base_is(by, (const char *const[]){ "real", NULL }))
			snprintf(why, n, "keeps 6 significant digits");
		else
			snprintf(why, n, "casts every value (check what each "
			    "becomes)");
	}
out:
	free(bx);
	free(by);
	return rc;
}

static void
alter_column(struct emit *e, struct dbrev_buf *b, const struct dbrev_table *t,
    const struct dbrev_column_change *cc)
{
	const struct dbrev_column *x = cc->from, *y = cc->to;
	unsigned w = cc->what;
	char q[600];
	int dropped_default = 0;

	id(y->name, q, sizeof(q));
	/* (A column added again is not altered: see recreate_columns.) */
	if ((w & DBREV_COL_GENERATED) && x->generated != NULL) {
		alter_prefix(b, t);
		if (y->generated == NULL)
			dbrev_buf_printf(b, "ALTER COLUMN %s DROP EXPRESSION;\n",
			    q);
		else	/* PostgreSQL 17 */
			dbrev_buf_printf(b, "ALTER COLUMN %s SET EXPRESSION AS "
			    "(%s);\n", q, y->generated);
	}
	if (w & DBREV_COL_IDENTITY) {
		if (x->identity != DBREV_IDENTITY_NONE &&
		    y->identity == DBREV_IDENTITY_NONE) {
			identity_to_serial(e, b, x, y);
			alter_prefix(b, t);
			dbrev_buf_printf(b, "ALTER COLUMN %s DROP IDENTITY;\n",
			    q);
		}
	}
	if ((w & (DBREV_COL_TYPE | DBREV_COL_COLLATION)) &&
	    x->default_expr != NULL) {
		/* The old default may not cast to the new type. */
		alter_prefix(b, t);
		dbrev_buf_printf(b, "ALTER COLUMN %s DROP DEFAULT;\n", q);
		dropped_default = 1;
	}
	if (w & (DBREV_COL_TYPE | DBREV_COL_COLLATION)) {
		char *bx = dbrev_pg_type_base(x->type);
		char *by = dbrev_pg_type_base(y->type), why[300], tq[1024];

		dbrev_qname(t->schema, t->name, tq, sizeof(tq));
		if ((w & DBREV_COL_TYPE) && type_converts(e, x->type, y->type,
		    why, sizeof(why)))
			warn(e, b, "converts data: column %s.%s %s -> %s %s", tq,
			    y->name, x->type, y->type, why);
		alter_prefix(b, t);
		dbrev_buf_printf(b, "ALTER COLUMN %s TYPE %s", q, y->type);
		if (y->collation != NULL)
			dbrev_buf_printf(b, " COLLATE %s", y->collation);
		/*
		 * Within a type the assignment cast does it: it fails on a
		 * value too long for a shorter length, where an explicit
		 * cast to the new type would cut it.  Across types the
		 * value is cast to the new type without its modifier, which
		 * the assignment then checks the same way.
		 */
		if ((w & DBREV_COL_TYPE) && strcmp(bx, by) != 0)
			dbrev_buf_printf(b, " USING %s::%s", q, by);
		dbrev_buf_puts(b, ";\n");
		free(bx);
		free(by);
	}
	if ((w & DBREV_COL_DEFAULT) || dropped_default) {
		if (y->default_expr != NULL) {
			alter_prefix(b, t);
			dbrev_buf_printf(b, "ALTER COLUMN %s SET DEFAULT %s;\n",
			    q, y->default_expr);
		} else if (!dropped_default) {
			alter_prefix(b, t);
			dbrev_buf_printf(b, "ALTER COLUMN %s DROP DEFAULT;\n",
			    q);
		}
	}
	if (w & DBREV_COL_NOTNULL) {
		alter_prefix(b, t);
		dbrev_buf_printf(b, "ALTER COLUMN %s %s NOT NULL;\n", q,
		    y->notnull ? "SET" : "DROP");
	}
	if (w & (DBREV_COL_EXTRA | DBREV_COL_TYPE))
		column_extras(b, t, x, y, (w & DBREV_COL_TYPE) != 0);
	if ((w & DBREV_COL_IDENTITY) && y->identity != DBREV_IDENTITY_NONE) {
		const char *rx, *ry;
		char *nx, *ny;

		if (x->identity == DBREV_IDENTITY_NONE)
			serial_to_identity(e, b, t, x, y);
		else {
			/* Its sequence's name counts: a fresh build's. */
			nx = identity_seq(x, &rx);
			ny = identity_seq(y, &ry);
			if (nx != NULL && ny != NULL && !same_seq(nx, ny)) {
				char *sc, *nm, q2[600];

				seq_parse(ny, &sc, &nm);
				dbrev_buf_printf(b, "ALTER SEQUENCE %s RENAME TO "
				    "%s;\n", nx, id(nm, q2, sizeof(q2)));
				free(sc);
				free(nm);
			}
			alter_prefix(b, t);
			dbrev_buf_printf(b, "ALTER COLUMN %s SET GENERATED %s",
			    q, y->identity == DBREV_IDENTITY_ALWAYS ? "ALWAYS" :
			    "BY DEFAULT");
			if (ry != NULL)
				identity_set(b, ry);
			dbrev_buf_puts(b, ";\n");
			free(nx);
			free(ny);
		}
	}
	if (w & DBREV_COL_COMMENT)
		comment_column(b, t, y);
}

/* "UNLOGGED WITH (a=1, b=2)": the reloptions part's keys and pairs. */
static void
reloptions(const char *opts, char ***kv, size_t *n)
{
	const char *p, *e;

	if (opts == NULL || (p = strstr(opts, "WITH (")) == NULL)
		return;
	p += 6;
	while (*p != '\0' && *p != ')') {
		char *s;

		e = strchr(p, ',');
		if (e == NULL)
			e = strchr(p, ')');
		if (e == NULL)
			e = p + strlen(p);
		s = dbrev_xstrndup(p, (size_t)(e - p));
		dbrev_strv_add(kv, n, s);
		free(s);
		p = e;
		if (*p == ',')
			p++;
		while (*p == ' ')
			p++;
	}
}

static void
alter_options(struct emit *e, struct dbrev_buf *b, const struct dbrev_table *x,
    const struct dbrev_table *y)
{
	int ux = x->options && strncmp(x->options, "UNLOGGED", 8) == 0;
	int uy = y->options && strncmp(y->options, "UNLOGGED", 8) == 0;
	char **kx = NULL, **ky = NULL;
	size_t nx = 0, ny = 0, i;
	int any = 0;

	if (ux != uy) {
		alter_prefix(b, y);
		dbrev_buf_printf(b, "SET %s;\n", uy ? "UNLOGGED" : "LOGGED");
	}
	reloptions(x->options, &kx, &nx);
	reloptions(y->options, &ky, &ny);
	for (i = 0; i < nx; i++) {
		size_t k = strcspn(kx[i], "=");

		alter_prefix(b, y);
		dbrev_buf_printf(b, "RESET (%.*s);\n", (int)k, kx[i]);
	}
	for (i = 0; i < ny; i++) {
		if (!any)
			alter_prefix(b, y), dbrev_buf_puts(b, "SET (");
		dbrev_buf_printf(b, "%s%s", any ? ", " : "", ky[i]);
		any = 1;
	}
	if (any)
		dbrev_buf_puts(b, ");\n");
	replica_identity(e, x, y);
	for (i = 0; i < nx; i++)
		free(kx[i]);
	for (i = 0; i < ny; i++)
		free(ky[i]);
	free(kx);
	free(ky);
}

/* Is constraint k of the new table added by the change itself? */
static int
con_added(const struct dbrev_change *c, const struct dbrev_constraint *k)
{
	size_t i;

	for (i = 0; i < c->nconstraints; i++)
		if (c->constraints[i].add && c->constraints[i].con == k)
			return 1;
	return 0;
}

/* ------------------------------------------------ partitions */

/* The table change of partition t's parent in this diff, or NULL. */
static const struct dbrev_change *
parent_change(const struct emit *e, const struct dbrev_table *t)
{
	char *po = dbrev_pg_option(t->options, "PARTITION OF"), *par, *bnd;
	char *sc, *nm, q[1200];
	const struct dbrev_change *pc = NULL;
	size_t i;

	if (po == NULL)
		return NULL;
	dbrev_pg_partition_of(po, &par, &bnd);
	seq_parse(par, &sc, &nm);
	dbrev_qname(sc, nm, q, sizeof(q));
	for (i = 0; i < e->d->nchanges && pc == NULL; i++) {
		const struct dbrev_change *c = &e->d->changes[i];
		char q2[1200];

		if (c->kind == DBREV_CHANGE_ALTER_TABLE &&
		    strcmp(dbrev_qname(c->to->schema, c->to->name, q2,
		    sizeof(q2)), q) == 0)
			pc = c;
	}
	free(po);
	free(par);
	free(bnd);
	free(sc);
	free(nm);
	return pc;
}

/*
 * Is the change of column col of a partition, one both before and
 * after, its parent's too?  Then the parent's ALTER TABLE makes it (it
 * recurses; a partition's inherited column cannot be altered alone).
 */
static int
from_parent(const struct emit *e, const struct dbrev_change *c,
    const char *col)
{
	char *xo = dbrev_pg_option(c->from->options, "PARTITION OF");
	char *yo = dbrev_pg_option(c->to->options, "PARTITION OF");
	const struct dbrev_change *pc = xo != NULL && yo != NULL &&
	    strcmp(xo, yo) == 0 ? parent_change(e, c->to) : NULL;

	free(xo);
	free(yo);
	return pc != NULL && col_change(pc, col) != NULL;
}

/*
 * A table's partitioning cannot change in place: a partition key
 * changed, a table becoming a partition or no longer one, a partition
 * bound or parent changed (DETACH and ATTACH leave the indexes and
 * constraints the parent gave as the table's own, and need those of
 * the new parent first) -- each is said as a hand-written revision.
 */
static void
partitioning(struct emit *e, struct dbrev_buf *b, const struct dbrev_change *c)
{
	static const char *const keys[] = { "PARTITION BY", "PARTITION OF" };
	char *xv, *yv, tq[1200];
	size_t k;

	dbrev_qname(c->to->schema, c->to->name, tq, sizeof(tq));
	for (k = 0; k < 2; k++) {
		xv = dbrev_pg_option(c->from->options, keys[k]);
		yv = dbrev_pg_option(c->to->options, keys[k]);
		if (!streq0(xv, yv))
			warn(e, b, "table %s: changing %s (%s -> %s) needs a "
			    "hand-written revision (PostgreSQL cannot change "
			    "a table's partitioning in place)", tq, keys[k],
			    xv != NULL ? xv : "none", yv != NULL ? yv : "none");
		free(xv);
		free(yv);
	}
}

/*
 * Columns dropped and added again (col_fate): dropped before the other
 * columns change (pass 0), added after (pass 1) with the constraints
 * that went with them and that the change does not add itself; their
 * indexes come back with the diff's invalidated objects.
 */
static void
recreate_columns(struct emit *e, struct dbrev_buf *b,
    const struct dbrev_change *c, int pass)
{
	const struct dbrev_table *t = pass ? c->to : c->from;
	char q[600], tq[1024];
	size_t i, k, m;

	dbrev_qname(t->schema, t->name, tq, sizeof(tq));
	for (i = 0; i < t->ncolumns; i++) {
		const struct dbrev_column *col = &t->columns[i];

		if (col_fate(c, col->name, e->version) != RECREATED ||
		    from_parent(e, c, col->name))
			continue;
		if (pass == 0) {
			if (col->generated == NULL)
				warn(e, b, "converts data: column %s.%s becomes "
				    "generated: its values are replaced by those "
				    "of %s", tq, col->name, dbrev_table_column(
				    c->to, col->name)->generated);
			alter_prefix(b, t);
			dbrev_buf_printf(b, "DROP COLUMN %s;\n",
			    id(col->name, q, sizeof(q)));
			continue;
		}
		alter_prefix(b, t);
		dbrev_buf_printf(b, "ADD COLUMN %s;\n", col->definition);
		if (col->comment != NULL)
			comment_column(b, t, col);
		if (col->extra != NULL)
			column_extras(b, t, NULL, col, 0);
		for (k = 0; k < t->nconstraints; k++) {
			const struct dbrev_constraint *con = &t->constraints[k];

			for (m = 0; m < con->ncolumns; m++)
				if (strcmp(con->columns[m], col->name) == 0)
					break;
			if (m == con->ncolumns || con_added(c, con))
				continue;
			if (con->kind == DBREV_CON_FOREIGN_KEY)
				add_fk(e, t, con);
			else {
				alter_prefix(b, t);
				dbrev_buf_printf(b, "ADD CONSTRAINT %s %s;\n",
				    id(con->name, q, sizeof(q)), con->expr);
			}
		}
	}
}

static void
alter_table(struct emit *e, struct dbrev_buf *b, const struct dbrev_change *c)
{
	const struct dbrev_table *x = c->from, *y = c->to;
	unsigned char *renamed;
	char q[600], tq[1024];
	size_t i, j;

	dbrev_qname(y->schema, y->name, tq, sizeof(tq));
	/*
	 * A constraint dropped and one added that differ only in name (a
	 * renamed table keeps "people_pkey") is renamed: a foreign key may
	 * hang on it.
	 */
	renamed = dbrev_xcalloc(c->nconstraints + 1, 1);
	for (i = 0; i < c->nconstraints; i++) {
		const struct dbrev_constraint *k = c->constraints[i].con;

		if (c->constraints[i].add || renamed[i])
			continue;
		for (j = 0; j < c->nconstraints; j++) {
			const struct dbrev_constraint *n = c->constraints[j].con;

			if (!c->constraints[j].add || renamed[j] ||
			    n->kind != k->kind || strcmp(n->expr, k->expr) != 0)
				continue;
			renamed[i] = renamed[j] = 1;
			alter_prefix(b, x);
			dbrev_buf_printf(b, "RENAME CONSTRAINT %s", id(k->name, q,
			    sizeof(q)));
			dbrev_buf_printf(b, " TO %s;\n", id(n->name, q,
			    sizeof(q)));
			break;
		}
	}
	/* Constraints go first: dropping a column drops its constraints. */
	for (i = 0; i < c->nconstraints; i++) {
		const struct dbrev_constraint *k = c->constraints[i].con;

		if (c->constraints[i].add || renamed[i])
			continue;
		if (k->kind == DBREV_CON_FOREIGN_KEY)
			drop_fk(e, x, k);
		else {
			alter_prefix(b, x);
			dbrev_buf_printf(b, "DROP CONSTRAINT IF EXISTS %s;\n",
			    id(k->name, q, sizeof(q)));
		}
	}
	partitioning(e, b, c);
	recreate_columns(e, b, c, 0);
	for (i = 0; i < c->ncolumns; i++) {
		const struct dbrev_column_change *cc = &c->columns[i];

		if (cc->kind != DBREV_COLUMN_DROP ||
		    from_parent(e, c, cc->from->name))
			continue;
		warn(e, b, "drop column %s.%s drops data", tq, cc->from->name);
		alter_prefix(b, x);
		dbrev_buf_printf(b, "DROP COLUMN %s;\n", id(cc->from->name, q,
		    sizeof(q)));
	}
	for (i = 0; i < c->ncolumns; i++) {
		const struct dbrev_column_change *cc = &c->columns[i];

		if (cc->kind != DBREV_COLUMN_ADD ||
		    from_parent(e, c, cc->to->name))
			continue;
		if (cc->to->notnull && cc->to->default_expr == NULL &&
		    cc->to->generated == NULL &&
		    cc->to->identity == DBREV_IDENTITY_NONE)
			warn(e, b, "add column %s.%s: NOT NULL without a "
			    "default fails if the table has rows (add a "
			    "default, or add it nullable, fill it, then set "
			    "NOT NULL)", tq, cc->to->name);
		alter_prefix(b, y);
		dbrev_buf_printf(b, "ADD COLUMN %s;\n", cc->to->definition);
		if (cc->to->comment != NULL)
			comment_column(b, y, cc->to);
		if (cc->to->extra != NULL)
			column_extras(b, y, NULL, cc->to, 0);
	}
	for (i = 0; i < c->ncolumns; i++)
		if (c->columns[i].kind == DBREV_COLUMN_ALTER &&
		    col_fate(c, c->columns[i].to->name, e->version) !=
		    RECREATED && !from_parent(e, c, c->columns[i].to->name))
			alter_column(e, b, y, &c->columns[i]);
	recreate_columns(e, b, c, 1);
	for (i = 0; i < c->nconstraints; i++) {
		const struct dbrev_constraint *k = c->constraints[i].con;

		if (!c->constraints[i].add || renamed[i])
			continue;
		if (k->kind == DBREV_CON_FOREIGN_KEY)
			add_fk(e, y, k);
		else {
			alter_prefix(b, y);
			dbrev_buf_printf(b, "ADD CONSTRAINT %s %s;\n",
			    id(k->name, q, sizeof(q)), k->expr);
		}
	}
	if (c->table_what & DBREV_TABLE_OPTIONS)
		alter_options(e, b, x, y);
	if (c->table_what & DBREV_TABLE_COMMENT)
		comment_table(b, y);
	free(renamed);
}

/* ------------------------------------------------ the script */

void
dbrev_postgres_emit(const struct dbrev_diff *d, int server_version,
    struct dbrev_buf *out, int *transactional, char ***warnings,
    size_t *nwarnings)
{
	struct emit e;
	size_t i, k;

	memset(&e, 0, sizeof(e));
	e.version = server_version;
	e.d = d;
	e.out = out;
	e.warnings = warnings;
	e.nwarnings = nwarnings;
	for (i = 0; i < d->nchanges; i++) {
		const struct dbrev_change *c = &d->changes[i];
		struct dbrev_buf *b = &e.body;
		char q[1024];

		/* A serial's sequence an identity took over went with it. */
		if (c->kind == DBREV_CHANGE_DROP_OBJECT &&
		    c->obj_from->kind == DBREV_OBJ_SEQUENCE &&
		    seq_taken_over(d, c->obj_from)) {
			dbrev_buf_printf(b, "-- %s: dropped above, where its "
			    "column became an identity\n", c->description ?
			    c->description : "its sequence");
			continue;
		}
		if (c->description != NULL)
			dbrev_buf_printf(b, "-- %s\n", c->description);
		switch (c->kind) {
		case DBREV_CHANGE_CREATE_TABLE:
			create_table(&e, b, c->to);
			break;
		case DBREV_CHANGE_DROP_TABLE:
			dbrev_qname(c->from->schema, c->from->name, q, sizeof(q));
			warn(&e, b, "drop table %s drops data", q);
			for (k = 0; k < c->from->nconstraints; k++)
				if (c->from->constraints[k].kind ==
				    DBREV_CON_FOREIGN_KEY)
					drop_fk(&e, c->from,
					    &c->from->constraints[k]);
			dbrev_buf_puts(b, "DROP TABLE ");
			table_q(b, c->from);
			dbrev_buf_puts(b, ";\n");
			break;
		case DBREV_CHANGE_ALTER_TABLE:
			alter_table(&e, b, c);
			break;
		case DBREV_CHANGE_CREATE_OBJECT:
			create_object(&e, b, c->obj_to);
			break;
		case DBREV_CHANGE_DROP_OBJECT:
			drop_object(&e, b, c->obj_from);
			break;
		case DBREV_CHANGE_ALTER_OBJECT:
			alter_object(&e, b, c->obj_from, c->obj_to);
			break;
		}
	}
	for (i = 0; i < d->nchanges; i++) {
		const struct dbrev_object *o = d->changes[i].obj_to;

		if (d->changes[i].kind != DBREV_CHANGE_DROP_OBJECT && o != NULL &&
		    (o->kind == DBREV_OBJ_FUNCTION ||
		    o->kind == DBREV_OBJ_PROCEDURE))
			break;
	}
	if (i < d->nchanges)
		/* The revision's own setting: reset after it runs. */
		dbrev_buf_puts(out, "-- function bodies may use tables made "
		    "below (as in pg_dump's scripts)\nSET check_function_bodies "
		    "= off;\n");
	if (e.pre.len > 0)
		dbrev_buf_printf(out, "-- rows an enum's new type cannot hold "
		    "fail the revision before it changes anything\n%s",
		    e.pre.data);
	if (e.head.len > 0)
		dbrev_buf_printf(out, "-- foreign keys, sequence ownership and "
		    "names released first\n%s", e.head.data);
	if (e.body.len > 0)
		dbrev_buf_puts(out, e.body.data);
	if (e.tail.len > 0)
		dbrev_buf_printf(out, "-- foreign keys, sequence ownership and "
		    "replica identity, once every table exists\n%s",
		    e.tail.data);
	(void)transactional;	/* every revision it writes is transactional */
	for (i = 0; i < e.ndone; i++)
		free(e.done[i]);
	free(e.done);
	dbrev_buf_free(&e.pre);
	dbrev_buf_free(&e.head);
	dbrev_buf_free(&e.body);
	dbrev_buf_free(&e.tail);
}
