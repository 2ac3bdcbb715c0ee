/* model.c - the schema model: building, freeing, lookups, SQL text. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/schema.h"
#include "dbrev/util.h"
#include "sqltok.h"

struct dbrev_schema *
dbrev_schema_new(enum dbrev_dialect dialect)
{
	struct dbrev_schema *s;

	s = dbrev_xcalloc(1, sizeof(*s));
	s->dialect = dialect;
	return s;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
dbrev_strv_add(char ***v, size_t *n, const char *s)
{
	*v = dbrev_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = dbrev_xstrdup(s);
}

static void
column_free(struct dbrev_column *c)
{
	free(c->name);
	free(c->type);
	free(c->default_expr);
	free(c->collation);
	free(c->generated);
	free(c->identity_options);
	free(c->comment);
	free(c->extra);
	free(c->definition);
	strv_free(c->reads, c->nreads);
	strv_free(c->calls, c->ncalls);
}

static void
constraint_free(struct dbrev_constraint *c)
{
	free(c->name);
	strv_free(c->columns, c->ncolumns);
	free(c->expr);
	free(c->ref_table);
	strv_free(c->ref_columns, c->nref_columns);
	free(c->on_update);
	free(c->on_delete);
	free(c->match);
	free(c->extra);
}

static void
table_free(struct dbrev_table *t)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++)
		column_free(&t->columns[i]);
	free(t->columns);
	for (i = 0; i < t->nconstraints; i++)
		constraint_free(&t->constraints[i]);
	free(t->constraints);
	free(t->schema);
	free(t->name);
	free(t->options);
	free(t->comment);
	free(t->sql);
	strv_free(t->deps, t->ndeps);
	free(t);
}

static void
object_free(struct dbrev_object *o)
{
	free(o->schema);
	free(o->name);
	free(o->table);
	free(o->definition);
	free(o->sql);
	strv_free(o->deps, o->ndeps);
	strv_free(o->values, o->nvalues);
	strv_free(o->colrefs, o->ncolrefs);
	free(o);
}

void
dbrev_schema_free(struct dbrev_schema *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ntables; i++)
		table_free(s->tables[i]);
	free(s->tables);
	for (i = 0; i < s->nobjects; i++)
		object_free(s->objects[i]);
	free(s->objects);
	strv_free(s->unmodelled, s->nunmodelled);
	free(s);
}

struct dbrev_table *
dbrev_schema_add_table(struct dbrev_schema *s, const char *schema,
    const char *name)
{
	struct dbrev_table *t;

	t = dbrev_xcalloc(1, sizeof(*t));
	t->schema = schema != NULL ? dbrev_xstrdup(schema) : NULL;
	t->name = dbrev_xstrdup(name);
	s->tables = dbrev_xrealloc(s->tables,
	    (s->ntables + 1) * sizeof(*s->tables));
	s->tables[s->ntables++] = t;
	return t;
}

struct dbrev_object *
dbrev_schema_add_object(struct dbrev_schema *s, enum dbrev_object_kind kind,
    const char *schema, const char *name)
{
	struct dbrev_object *o;

	o = dbrev_xcalloc(1, sizeof(*o));
	o->kind = kind;
	o->schema = schema != NULL ? dbrev_xstrdup(schema) : NULL;
	o->name = dbrev_xstrdup(name);
	s->objects = dbrev_xrealloc(s->objects,
	    (s->nobjects + 1) * sizeof(*s->objects));
	s->objects[s->nobjects++] = o;
	return o;
}

void
dbrev_schema_add_unmodelled(struct dbrev_schema *s, const char *fmt, ...)
{
	struct dbrev_buf b = { 0 };
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = dbrev_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	dbrev_buf_puts(&b, msg);
	free(msg);
	s->unmodelled = dbrev_xrealloc(s->unmodelled,
	    (s->nunmodelled + 1) * sizeof(*s->unmodelled));
	s->unmodelled[s->nunmodelled++] = dbrev_buf_take(&b);
}

struct dbrev_column *
dbrev_table_add_column(struct dbrev_table *t, const char *name)
{
	struct dbrev_column *c;

	t->columns = dbrev_xrealloc(t->columns,
	    (t->ncolumns + 1) * sizeof(*t->columns));
	c = &t->columns[t->ncolumns++];
	memset(c, 0, sizeof(*c));
	c->name = name != NULL ? dbrev_xstrdup(name) : NULL;
	return c;
}

struct dbrev_constraint *
dbrev_table_add_constraint(struct dbrev_table *t,
    enum dbrev_constraint_kind kind, const char *name)
{
	struct dbrev_constraint *c;

	t->constraints = dbrev_xrealloc(t->constraints,
	    (t->nconstraints + 1) * sizeof(*t->constraints));
	c = &t->constraints[t->nconstraints++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->name = name != NULL ? dbrev_xstrdup(name) : NULL;
	return c;
}

const char *
dbrev_qname(const char *schema, const char *name, char *buf, size_t size)
{
	if (schema != NULL)
		snprintf(buf, size, "%s.%s", schema, name);
	else
		snprintf(buf, size, "%s", name);
	return buf;
}

static int
cmp_name(const char *sa, const char *na, const char *sb, const char *nb)
{
	int r;

	if (sa == NULL || sb == NULL) {
		if (sa != sb)
			return sa == NULL ? -1 : 1;
	} else if ((r = strcmp(sa, sb)) != 0)
		return r;
	return strcmp(na, nb);
}

static int
table_cmp(const void *a, const void *b)
{
	const struct dbrev_table *x = *(struct dbrev_table *const *)a;
	const struct dbrev_table *y = *(struct dbrev_table *const *)b;

	return cmp_name(x->schema, x->name, y->schema, y->name);
}

static int
object_cmp(const void *a, const void *b)
{
	const struct dbrev_object *x = *(struct dbrev_object *const *)a;
	const struct dbrev_object *y = *(struct dbrev_object *const *)b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return cmp_name(x->schema, x->name, y->schema, y->name);
}

void
dbrev_schema_sort(struct dbrev_schema *s)
{
	if (s->ntables > 1)
		qsort(s->tables, s->ntables, sizeof(*s->tables), table_cmp);
	if (s->nobjects > 1)
		qsort(s->objects, s->nobjects, sizeof(*s->objects), object_cmp);
}

/* Split "schema.name" (schema NULL when there is no dot). */
static int
qname_match(const char *schema, const char *name, const char *qname)
{
	size_t n;

	if (schema == NULL)
		return strcmp(name, qname) == 0;
	n = strlen(schema);
	return strncmp(qname, schema, n) == 0 && qname[n] == '.' &&
	    strcmp(qname + n + 1, name) == 0;
}

struct dbrev_table *
dbrev_schema_table(const struct dbrev_schema *s, const char *qname)
{
	size_t lo = 0, hi = s->ntables, i;
	char buf[512];
	int r;

	/* Binary search when sorted; fall back to a scan otherwise. */
	while (lo < hi) {
		i = (lo + hi) / 2;
		r = strcmp(dbrev_qname(s->tables[i]->schema, s->tables[i]->name,
		    buf, sizeof(buf)), qname);
		if (r == 0)
			return s->tables[i];
		if (r < 0)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = 0; i < s->ntables; i++)
		if (qname_match(s->tables[i]->schema, s->tables[i]->name, qname))
			return s->tables[i];
	return NULL;
}

struct dbrev_object *
dbrev_schema_object(const struct dbrev_schema *s, enum dbrev_object_kind kind,
    const char *qname)
{
	size_t lo = 0, hi = s->nobjects, i;
	char buf[512];
	int r;

	/* Sorted by kind, then name: binary search, then a scan. */
	while (lo < hi) {
		const struct dbrev_object *o;

		i = (lo + hi) / 2;
		o = s->objects[i];
		if (o->kind != kind)
			r = o->kind < kind ? -1 : 1;
		else
			r = strcmp(dbrev_qname(o->schema, o->name, buf,
			    sizeof(buf)), qname);
		if (r == 0)
			return s->objects[i];
		if (r < 0)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = 0; i < s->nobjects; i++)
		if (s->objects[i]->kind == kind &&
		    qname_match(s->objects[i]->schema, s->objects[i]->name,
		    qname))
			return s->objects[i];
	return NULL;
}

struct dbrev_column *
dbrev_table_column(const struct dbrev_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++)
		if (strcmp(t->columns[i].name, name) == 0)
			return &t->columns[i];
	return NULL;
}

const char *
dbrev_object_kind_name(enum dbrev_object_kind k)
{
	switch (k) {
	case DBREV_OBJ_INDEX:		return "index";
	case DBREV_OBJ_VIEW:		return "view";
	case DBREV_OBJ_TRIGGER:		return "trigger";
	case DBREV_OBJ_MATVIEW:		return "materialized view";
	case DBREV_OBJ_SCHEMA:		return "schema";
	case DBREV_OBJ_SEQUENCE:	return "sequence";
	case DBREV_OBJ_ENUM:		return "enum";
	case DBREV_OBJ_DOMAIN:		return "domain";
	case DBREV_OBJ_TYPE:		return "type";
	case DBREV_OBJ_FUNCTION:	return "function";
	case DBREV_OBJ_PROCEDURE:	return "procedure";
	case DBREV_OBJ_EXTENSION:	return "extension";
	case DBREV_OBJ_COMMENT:		return "comment";
	case DBREV_OBJ_OTHER:		return "object";
	case DBREV_OBJ_GRANT:		return "privileges";
	}
	return "object";
}

/* ------------------------------------------------------ SQL text */

static const char *const keywords[] = {
	"abort", "action", "add", "after", "all", "alter", "analyze", "and",
	"as", "asc", "attach", "autoincrement", "before", "begin", "between",
	"by", "cascade", "case", "cast", "check", "collate", "column",
	"commit", "conflict", "constraint", "create", "cross", "current",
	"current_date", "current_time", "current_timestamp", "database",
	"default", "deferrable", "deferred", "delete", "desc", "detach",
	"distinct", "do", "drop", "each", "else", "end", "escape", "except",
	"exclude", "exclusive", "exists", "explain", "fail", "filter",
	"first", "following", "for", "foreign", "from", "full", "generated",
	"glob", "group", "groups", "having", "if", "ignore", "immediate", "in",
	"index", "indexed", "initially", "inner", "insert", "instead",
	"intersect", "into", "is", "isnull", "join", "key", "last", "left",
	"like", "limit", "match", "natural", "no", "not", "nothing",
	"notnull", "null", "nulls", "of", "offset", "on", "or", "order",
	"others", "outer", "over", "partition", "plan", "pragma", "preceding",
	"primary", "query", "raise", "range", "recursive", "references",
	"regexp", "reindex", "release", "rename", "replace", "restrict",
	"returning", "right", "rollback", "row", "rows", "savepoint",
	"select", "set", "table", "temp", "temporary", "then", "ties", "to",
	"transaction", "trigger", "unbounded", "union", "unique", "update",
	"user", "using", "vacuum", "values", "view", "virtual", "when",
	"where", "window", "with", "without"
};

static int
is_keyword(const char *s)
{
	size_t lo = 0, hi = sizeof(keywords) / sizeof(keywords[0]), i;
	int r;

	while (lo < hi) {
		i = (lo + hi) / 2;
		r = strcmp(keywords[i], s);
		if (r == 0)
			return 1;
		if (r < 0)
			lo = i + 1;
		else
			hi = i;
	}
	return 0;
}

const char *
dbrev_sql_ident(const char *name, char *buf, size_t size)
{
	struct dbrev_buf b = { 0 };

	dbrev_sql_ident_add(&b, name);
	snprintf(buf, size, "%s", b.data);
	dbrev_buf_free(&b);
	return buf;
}

void
dbrev_sql_ident_add(struct dbrev_buf *b, const char *name)
{
	const char *p;
	char lower[256];
	int plain;
	size_t i;

	/* Plain: lowercase letters, digits and _ (what an unquoted name
	   folds to), and not a keyword. */
	plain = (islower((unsigned char)name[0]) || name[0] == '_');
	for (p = name; plain && *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_')
			plain = 0;
	if (plain) {
		for (i = 0; name[i] != '\0' && i + 1 < sizeof(lower); i++)
			lower[i] = (char)tolower((unsigned char)name[i]);
		lower[i] = '\0';
		/* A name as long as lower[] is no keyword. */
		if (name[i] != '\0' || !is_keyword(lower)) {
			dbrev_buf_puts(b, name);
			return;
		}
	}
	dbrev_buf_puts(b, "\"");
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			dbrev_buf_puts(b, "\"");
		dbrev_buf_add(b, p, 1);
	}
	dbrev_buf_puts(b, "\"");
}

/* Unquote a quoted identifier token into b. */
static void
unquote(struct dbrev_buf *b, const char *s, const char *e)
{
	char q = *s == '[' ? ']' : *s;

	for (s++, e--; s < e; s++) {
		if (*s == q && q != ']' && s + 1 < e && s[1] == q)
			s++;
		dbrev_buf_add(b, s, 1);
	}
}

char *
dbrev_sql_normalize(const char *sql)
{
	struct dbrev_buf out = { 0 }, w = { 0 };
	const char *p = sql, *s, *e;
	char prev = '\0';
	enum dbrev_tok_type t;
	char buf[1024];
	size_t i;

	dbrev_buf_puts(&out, "");
	while ((t = dbrev_sqltok_scan(&p, &s, &e)) != T_END) {
		/* Spacing is a function of the token sequence only. */
		if (prev != '\0' && prev != '(' && prev != '.' &&
		    !(t == T_PUNCT && (*s == ')' || *s == ',' || *s == '(' ||
		    *s == '.')))
			dbrev_buf_puts(&out, " ");
		dbrev_buf_reset(&w);
		switch (t) {
		case T_WORD:
		case T_NUMBER:
			for (i = 0; s + i < e; i++) {
				char c = (char)tolower((unsigned char)s[i]);
				dbrev_buf_add(&w, &c, 1);
			}
			dbrev_buf_puts(&out, w.data);
			break;
		case T_QUOTED:
			dbrev_buf_puts(&w, "");	/* "" is a name too */
			unquote(&w, s, e);
			for (i = 0; i < w.len; i++)
				w.data[i] = (char)tolower((unsigned char)w.data[i]);
			if (w.len < sizeof(buf) - 8)
				dbrev_buf_puts(&out, dbrev_sql_ident(w.data, buf,
				    sizeof(buf)));
			else
				dbrev_buf_add(&out, s, (size_t)(e - s));
			break;
		case T_STRING:
			if (*s == 'X')
				dbrev_buf_puts(&out, "x"), s++;
			dbrev_buf_add(&out, s, (size_t)(e - s));
			break;
		default:
			dbrev_buf_add(&out, s, (size_t)(e - s));
			break;
		}
		prev = out.len > 0 ? out.data[out.len - 1] : ' ';
	}
	dbrev_buf_free(&w);
	return dbrev_buf_take(&out);
}
