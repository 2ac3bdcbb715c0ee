/*
 * diff.c - compare two schema models and order the changes between them.
 *
 * Dialect-neutral: tables compare column by column (order not counted)
 * and constraint by constraint (as a set); other objects compare by
 * their normalized definition.  The dialect says, through
 * dbrev_diff_options, which table changes force dependent objects to be
 * dropped and created again, and which object kinds it alters in place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/schema.h"
#include "dbrev/util.h"

/* A qualified name for people, quoted where SQL would need it. */
static const char *
hq(const char *schema, const char *name, char *buf, size_t size)
{
	char a[512], b[512];

	if (schema != NULL)
		snprintf(buf, size, "%s.%s", dbrev_sql_ident(schema, a,
		    sizeof(a)), dbrev_sql_ident(name, b, sizeof(b)));
	else
		snprintf(buf, size, "%s", dbrev_sql_ident(name, b, sizeof(b)));
	return buf;
}

/* One identifier for people (static buffer rotation: up to 4 at once). */
static const char *
hi(const char *name)
{
	static char bufs[4][512];
	static int k;

	k = (k + 1) % 4;
	return dbrev_sql_ident(name, bufs[k], sizeof(bufs[k]));
}

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* A constraint as one comparable string (its identity). */
static char *
con_sig(const struct dbrev_constraint *c)
{
	struct dbrev_buf b = { 0 };
	size_t i;

	dbrev_buf_printf(&b, "%d|%s|", (int)c->kind, c->name ? c->name : "");
	for (i = 0; i < c->ncolumns; i++)
		dbrev_buf_printf(&b, "%s,", c->columns[i]);
	dbrev_buf_printf(&b, "|%s|%s|", c->expr ? c->expr : "",
	    c->ref_table ? c->ref_table : "");
	for (i = 0; i < c->nref_columns; i++)
		dbrev_buf_printf(&b, "%s,", c->ref_columns[i]);
	dbrev_buf_printf(&b, "|%s|%s|%s|%d|%d|%s",
	    c->on_update ? c->on_update : "", c->on_delete ? c->on_delete : "",
	    c->match ? c->match : "", c->deferrable, c->initially_deferred,
	    c->extra ? c->extra : "");
	return dbrev_buf_take(&b);
}

/* "unique (a, b)", "check (x > 0)", "foreign key (a) references p" */
static void
con_describe(struct dbrev_buf *b, const struct dbrev_constraint *c)
{
	static const char *const kinds[] = { "primary key", "unique", "check",
	    "foreign key", "exclude" };
	size_t i;

	if (c->name != NULL)
		dbrev_buf_printf(b, "constraint %s ", hi(c->name));
	dbrev_buf_puts(b, kinds[c->kind]);
	if (c->kind == DBREV_CON_CHECK || c->kind == DBREV_CON_EXCLUDE) {
		dbrev_buf_printf(b, " (%s)", c->expr ? c->expr : "");
		return;
	}
	dbrev_buf_puts(b, " (");
	for (i = 0; i < c->ncolumns; i++)
		dbrev_buf_printf(b, "%s%s", i ? ", " : "", hi(c->columns[i]));
	dbrev_buf_puts(b, ")");
	if (c->kind == DBREV_CON_FOREIGN_KEY) {
		dbrev_buf_printf(b, " references %s", hi(c->ref_table));
		if (c->nref_columns > 0) {
			dbrev_buf_puts(b, " (");
			for (i = 0; i < c->nref_columns; i++)
				dbrev_buf_printf(b, "%s%s", i ? ", " : "",
				    hi(c->ref_columns[i]));
			dbrev_buf_puts(b, ")");
		}
		if (c->on_delete && strcmp(c->on_delete, "NO ACTION") != 0)
			dbrev_buf_printf(b, " on delete %s", c->on_delete);
		if (c->on_update && strcmp(c->on_update, "NO ACTION") != 0)
			dbrev_buf_printf(b, " on update %s", c->on_update);
		if (c->deferrable)
			dbrev_buf_puts(b, " deferrable");
	}
	if (c->extra != NULL && *c->extra != '\0')
		dbrev_buf_printf(b, " %s", c->extra);
}

static const char *
orq(const char *s)
{
	return s != NULL ? s : "(none)";
}

static unsigned
column_what(const struct dbrev_column *a, const struct dbrev_column *b)
{
	unsigned w = 0;

	if (!streq(a->type, b->type))
		w |= DBREV_COL_TYPE;
	if (!!a->notnull != !!b->notnull)
		w |= DBREV_COL_NOTNULL;
	if (!streq(a->default_expr, b->default_expr))
		w |= DBREV_COL_DEFAULT;
	if (!streq(a->collation, b->collation))
		w |= DBREV_COL_COLLATION;
	if (!streq(a->generated, b->generated) ||
	    (a->generated != NULL && a->generated_stored != b->generated_stored))
		w |= DBREV_COL_GENERATED;
	if (a->identity != b->identity ||
	    !streq(a->identity_options, b->identity_options))
		w |= DBREV_COL_IDENTITY;
	if (!streq(a->comment, b->comment))
		w |= DBREV_COL_COMMENT;
	if (!streq(a->extra, b->extra))
		w |= DBREV_COL_EXTRA;
	/* The primary key compares as a constraint, not here. */
	return w;
}

static void
column_describe(struct dbrev_buf *b, const char *t,
    const struct dbrev_column *x, const struct dbrev_column *y, unsigned w)
{
	const char *sep = "";

	dbrev_buf_printf(b, "alter column %s.%s:", t, hi(x->name));
	if (w & DBREV_COL_TYPE) {
		dbrev_buf_printf(b, " type %s -> %s",
		    *x->type ? x->type : "(none)", *y->type ? y->type : "(none)");
		sep = ",";
	}
	if (w & DBREV_COL_NOTNULL) {
		dbrev_buf_printf(b, "%s %s", sep, y->notnull ? "set not null" :
		    "drop not null");
		sep = ",";
	}
	if (w & DBREV_COL_DEFAULT) {
		dbrev_buf_printf(b, "%s default %s -> %s", sep,
		    orq(x->default_expr), orq(y->default_expr));
		sep = ",";
	}
	if (w & DBREV_COL_COLLATION) {
		dbrev_buf_printf(b, "%s collation %s -> %s", sep,
		    orq(x->collation), orq(y->collation));
		sep = ",";
	}
	if (w & DBREV_COL_GENERATED) {
		dbrev_buf_printf(b, "%s generated %s -> %s", sep,
		    orq(x->generated), orq(y->generated));
		sep = ",";
	}
	if (w & DBREV_COL_IDENTITY) {
		dbrev_buf_printf(b, "%s identity", sep);
		sep = ",";
	}
	if (w & DBREV_COL_COMMENT) {
		dbrev_buf_printf(b, "%s comment", sep);
		sep = ",";
	}
	if (w & DBREV_COL_EXTRA)
		dbrev_buf_printf(b, "%s %s -> %s", sep, orq(x->extra),
		    orq(y->extra));
}

/* Work list of changes while diffing. */
struct clist {
	struct dbrev_change	*v;
	size_t			 n, cap;
};

static struct dbrev_change *
clist_add(struct clist *l, enum dbrev_change_kind kind)
{
	struct dbrev_change *c;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = dbrev_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	return c;
}

static void
change_free(struct dbrev_change *c)
{
	free(c->columns);
	free(c->constraints);
	free(c->description);
}

/* Compare one table present on both sides; 1 when it changed. */
static int
table_diff(const struct dbrev_table *a, const struct dbrev_table *b,
    struct dbrev_change *ch)
{
	struct dbrev_buf d = { 0 };
	char qa[512], **sa, **sb;
	unsigned char *used;
	size_t i, j;

	hq(a->schema, a->name, qa, sizeof(qa));
	ch->kind = DBREV_CHANGE_ALTER_TABLE;
	ch->from = a;
	ch->to = b;
	/* Columns: by name; order does not count. */
	for (i = 0; i < a->ncolumns; i++) {
		const struct dbrev_column *y = dbrev_table_column(b,
		    a->columns[i].name);
		unsigned w;

		if (y == NULL) {
			ch->columns = dbrev_xrealloc(ch->columns,
			    (ch->ncolumns + 1) * sizeof(*ch->columns));
			ch->columns[ch->ncolumns++] = (struct dbrev_column_change)
			    { DBREV_COLUMN_DROP, &a->columns[i], NULL, 0 };
			ch->destructive = 1;
			dbrev_buf_printf(&d, "%sdrop column %s.%s",
			    d.len ? "; " : "", qa, hi(a->columns[i].name));
		} else if ((w = column_what(&a->columns[i], y)) != 0) {
			ch->columns = dbrev_xrealloc(ch->columns,
			    (ch->ncolumns + 1) * sizeof(*ch->columns));
			ch->columns[ch->ncolumns++] = (struct dbrev_column_change)
			    { DBREV_COLUMN_ALTER, &a->columns[i], y, w };
			if (d.len)
				dbrev_buf_puts(&d, "; ");
			column_describe(&d, qa, &a->columns[i], y, w);
		}
	}
	for (i = 0; i < b->ncolumns; i++)
		if (dbrev_table_column(a, b->columns[i].name) == NULL) {
			ch->columns = dbrev_xrealloc(ch->columns,
			    (ch->ncolumns + 1) * sizeof(*ch->columns));
			ch->columns[ch->ncolumns++] = (struct dbrev_column_change)
			    { DBREV_COLUMN_ADD, NULL, &b->columns[i], 0 };
			dbrev_buf_printf(&d, "%sadd column %s.%s",
			    d.len ? "; " : "", qa, hi(b->columns[i].name));
		}
	/* Constraints: as a multiset of signatures. */
	sa = dbrev_xcalloc(a->nconstraints + 1, sizeof(*sa));
	sb = dbrev_xcalloc(b->nconstraints + 1, sizeof(*sb));
	used = dbrev_xcalloc(b->nconstraints + 1, 1);
	for (i = 0; i < a->nconstraints; i++)
		sa[i] = con_sig(&a->constraints[i]);
	for (j = 0; j < b->nconstraints; j++)
		sb[j] = con_sig(&b->constraints[j]);
	for (i = 0; i < a->nconstraints; i++) {
		for (j = 0; j < b->nconstraints; j++)
			if (!used[j] && strcmp(sa[i], sb[j]) == 0)
				break;
		if (j < b->nconstraints) {
			used[j] = 1;
			continue;
		}
		ch->constraints = dbrev_xrealloc(ch->constraints,
		    (ch->nconstraints + 1) * sizeof(*ch->constraints));
		ch->constraints[ch->nconstraints++] =
		    (struct dbrev_constraint_change){ 0, &a->constraints[i] };
		dbrev_buf_printf(&d, "%sdrop ", d.len ? "; " : "");
		con_describe(&d, &a->constraints[i]);
		dbrev_buf_printf(&d, " on %s", qa);
	}
	for (j = 0; j < b->nconstraints; j++) {
		if (used[j])
			continue;
		ch->constraints = dbrev_xrealloc(ch->constraints,
		    (ch->nconstraints + 1) * sizeof(*ch->constraints));
		ch->constraints[ch->nconstraints++] =
		    (struct dbrev_constraint_change){ 1, &b->constraints[j] };
		dbrev_buf_printf(&d, "%sadd ", d.len ? "; " : "");
		con_describe(&d, &b->constraints[j]);
		dbrev_buf_printf(&d, " on %s", qa);
	}
	for (i = 0; i < a->nconstraints; i++)
		free(sa[i]);
	for (j = 0; j < b->nconstraints; j++)
		free(sb[j]);
	free(sa);
	free(sb);
	free(used);
	if (!streq(a->options, b->options)) {
		ch->table_what |= DBREV_TABLE_OPTIONS;
		dbrev_buf_printf(&d, "%stable options of %s: %s -> %s",
		    d.len ? "; " : "", qa, orq(a->options), orq(b->options));
	}
	if (!streq(a->comment, b->comment)) {
		ch->table_what |= DBREV_TABLE_COMMENT;
		dbrev_buf_printf(&d, "%scomment on table %s", d.len ? "; " : "",
		    qa);
	}
	if (d.len == 0) {
		free(ch->columns);
		free(ch->constraints);
		ch->columns = NULL;
		ch->constraints = NULL;
		ch->ncolumns = ch->nconstraints = 0;
		return 0;
	}
	ch->description = dbrev_buf_take(&d);
	return 1;
}

/* ------------------------------------------------------ ordering */

/*
 * A node of one side's dependency graph: a table or an object, with
 * the change that concerns it (if any) and DFS marks.
 */
struct node {
	const struct dbrev_table	*t;
	const struct dbrev_object	*o;
	char				 qname[512];
	int				 rank;	/* tie-break class */
	struct dbrev_change		*ch;	/* in this phase, or NULL */
	int				 mark;	/* 0 new, 1 visiting, 2 done */
};

struct graph {
	struct node	*v;
	size_t		 n;
};

static int
object_rank(enum dbrev_object_kind k)
{
	switch (k) {
	case DBREV_OBJ_SCHEMA:
	case DBREV_OBJ_EXTENSION:
		return 0;
	case DBREV_OBJ_ENUM:
	case DBREV_OBJ_DOMAIN:
	case DBREV_OBJ_TYPE:
	case DBREV_OBJ_SEQUENCE:
	case DBREV_OBJ_FUNCTION:
	case DBREV_OBJ_PROCEDURE:
		return 1;
	case DBREV_OBJ_INDEX:
		return 3;
	case DBREV_OBJ_VIEW:
	case DBREV_OBJ_MATVIEW:
	case DBREV_OBJ_OTHER:
		return 4;
	case DBREV_OBJ_TRIGGER:
		return 5;
	case DBREV_OBJ_COMMENT:
	case DBREV_OBJ_GRANT:
		return 6;
	}
	return 4;
}

static void
graph_build(struct graph *g, const struct dbrev_schema *s)
{
	size_t i, k = 0;

	g->n = s->ntables + s->nobjects;
	g->v = dbrev_xcalloc(g->n + 1, sizeof(*g->v));
	for (i = 0; i < s->ntables; i++, k++) {
		g->v[k].t = s->tables[i];
		g->v[k].rank = 2;
		dbrev_qname(s->tables[i]->schema, s->tables[i]->name,
		    g->v[k].qname, sizeof(g->v[k].qname));
	}
	for (i = 0; i < s->nobjects; i++, k++) {
		g->v[k].o = s->objects[i];
		g->v[k].rank = object_rank(s->objects[i]->kind);
		dbrev_qname(s->objects[i]->schema, s->objects[i]->name,
		    g->v[k].qname, sizeof(g->v[k].qname));
	}
}

static void
node_deps(const struct node *nd, char *const **deps, size_t *ndeps)
{
	if (nd->t != NULL) {
		*deps = nd->t->deps;
		*ndeps = nd->t->ndeps;
	} else {
		*deps = nd->o->deps;
		*ndeps = nd->o->ndeps;
	}
}

/* Nodes named qname (a table and objects may share a name). */
static void
graph_find(const struct graph *g, const char *qname, size_t **out,
    size_t *nout)
{
	size_t i;

	*nout = 0;
	for (i = 0; i < g->n; i++)
		if (strcmp(g->v[i].qname, qname) == 0) {
			*out = dbrev_xrealloc(*out, (*nout + 1) * sizeof(**out));
			(*out)[(*nout)++] = i;
		}
}

/* Depth-first: the dependencies of node i (with changes) first. */
static void
visit(struct graph *g, size_t i, struct dbrev_change ***order, size_t *n)
{
	char *const *deps;
	const char *schema;
	size_t nd, k, *hits = NULL, nh, h;

	if (g->v[i].mark != 0)
		return;		/* done, or a cycle: break it here */
	g->v[i].mark = 1;
	node_deps(&g->v[i], &deps, &nd);
	for (k = 0; k < nd; k++) {
		graph_find(g, deps[k], &hits, &nh);
		for (h = 0; h < nh; h++)
			if (hits[h] != i)
				visit(g, hits[h], order, n);
	}
	/* Everything in a schema (namespace) depends on it. */
	schema = g->v[i].t ? g->v[i].t->schema : g->v[i].o->schema;
	if (schema != NULL) {
		graph_find(g, schema, &hits, &nh);
		for (h = 0; h < nh; h++)
			if (hits[h] != i && g->v[hits[h]].o != NULL &&
			    g->v[hits[h]].o->kind == DBREV_OBJ_SCHEMA)
				visit(g, hits[h], order, n);
	}
	free(hits);
	g->v[i].mark = 2;
	if (g->v[i].ch != NULL) {
		*order = dbrev_xrealloc(*order, (*n + 1) * sizeof(**order));
		(*order)[(*n)++] = g->v[i].ch;
	}
}

static int
g_rank_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->qname, y->qname);
}

/* Changes attached to g's nodes, dependencies first. */
static void
graph_order(struct graph *g, struct dbrev_change ***order, size_t *n)
{
	size_t i;

	qsort(g->v, g->n, sizeof(*g->v), g_rank_cmp);
	for (i = 0; i < g->n; i++)
		if (g->v[i].ch != NULL)
			visit(g, i, order, n);
}

static struct node *
graph_node_t(struct graph *g, const struct dbrev_table *t)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->v[i].t == t)
			return &g->v[i];
	return NULL;
}

static struct node *
graph_node_o(struct graph *g, const struct dbrev_object *o)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->v[i].o == o)
			return &g->v[i];
	return NULL;
}

/* ---------------------------------------------------------- diff */

/* "VERB [KIND] NAME", newly allocated. */
static char *
describe(const char *verb, const char *kind, const char *schema,
    const char *name)
{
	struct dbrev_buf b = { 0 };
	char q[1100];

	dbrev_buf_printf(&b, "%s %s%s%s", verb, kind ? kind : "", kind ? " " :
	    "", hq(schema, name, q, sizeof(q)));
	return dbrev_buf_take(&b);
}

static int
default_invalidates(const struct dbrev_change *tc,
    const struct dbrev_object *dep, void *arg)
{
	size_t i;

	(void)arg;
	if (dep->kind != DBREV_OBJ_VIEW && dep->kind != DBREV_OBJ_MATVIEW &&
	    dep->kind != DBREV_OBJ_TRIGGER)
		return 0;
	for (i = 0; i < tc->ncolumns; i++)
		if (tc->columns[i].kind != DBREV_COLUMN_ADD)
			return 1;
	return 0;
}

static int
depends_on(char *const *deps, size_t n, const char *qname)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(deps[i], qname) == 0)
			return 1;
	return 0;
}

/* Mark in pre[] the objects of s named qname (any kind but SCHEMA). */
static void
mark_named(const struct dbrev_schema *s, char **oq, const char *qname,
    unsigned char *pre, size_t *stack, size_t *nstack)
{
	size_t i;

	for (i = 0; i < s->nobjects; i++)
		if (!pre[i] && strcmp(oq[i], qname) == 0 &&
		    s->objects[i]->kind != DBREV_OBJ_SCHEMA) {
			pre[i] = 1;
			stack[(*nstack)++] = i;
		}
}

/* Mark in pre[] the SCHEMA object named schema. */
static void
mark_schema(const struct dbrev_schema *s, const char *schema,
    unsigned char *pre, size_t *stack, size_t *nstack)
{
	size_t i;

	if (schema == NULL)
		return;
	for (i = 0; i < s->nobjects; i++)
		if (!pre[i] && s->objects[i]->kind == DBREV_OBJ_SCHEMA &&
		    strcmp(s->objects[i]->name, schema) == 0) {
			pre[i] = 1;
			stack[(*nstack)++] = i;
		}
}

/*
 * The objects that a table of s needs, directly or through other
 * objects (a type used by a domain a column has), and their schemas.
 */
static void
mark_prereqs(const struct dbrev_schema *s, unsigned char *pre)
{
	size_t *stack, nstack = 0, i, k;
	char **oq;

	oq = dbrev_xcalloc(s->nobjects + 1, sizeof(*oq));
	stack = dbrev_xcalloc(s->nobjects + 1, sizeof(*stack));
	for (i = 0; i < s->nobjects; i++) {
		char q[512];

		oq[i] = dbrev_xstrdup(dbrev_qname(s->objects[i]->schema,
		    s->objects[i]->name, q, sizeof(q)));
	}
	for (i = 0; i < s->ntables; i++) {
		for (k = 0; k < s->tables[i]->ndeps; k++)
			mark_named(s, oq, s->tables[i]->deps[k], pre, stack,
			    &nstack);
		mark_schema(s, s->tables[i]->schema, pre, stack, &nstack);
	}
	while (nstack > 0) {
		const struct dbrev_object *o = s->objects[stack[--nstack]];

		for (k = 0; k < o->ndeps; k++)
			mark_named(s, oq, o->deps[k], pre, stack, &nstack);
		mark_schema(s, o->schema, pre, stack, &nstack);
	}
	for (i = 0; i < s->nobjects; i++)
		free(oq[i]);
	free(oq);
	free(stack);
}

/* Reverse what graph_order appends: dependents before what they need. */
static void
order_reversed(struct graph *g, struct dbrev_change ***order, size_t *norder)
{
	size_t a = *norder, b;
	struct dbrev_change *tmp;

	graph_order(g, order, norder);
	for (b = *norder; a + 1 < b; a++, b--) {
		tmp = (*order)[a];
		(*order)[a] = (*order)[b - 1];
		(*order)[b - 1] = tmp;
	}
}

/* Tables dropped, altered and created, into tab. */
static void
diff_tables(const struct dbrev_schema *from, const struct dbrev_schema *to,
    struct clist *tab)
{
	struct dbrev_change *c;
	char q[512];
	size_t i;

	for (i = 0; i < from->ntables; i++) {
		const struct dbrev_table *a = from->tables[i], *b;

		b = dbrev_schema_table(to, dbrev_qname(a->schema, a->name, q,
		    sizeof(q)));
		if (b == NULL) {
			c = clist_add(tab, DBREV_CHANGE_DROP_TABLE);
			c->from = a;
			c->destructive = 1;
			c->description = describe("drop table", NULL,
			    a->schema, a->name);
		} else {
			struct dbrev_change tmp;

			memset(&tmp, 0, sizeof(tmp));
			if (table_diff(a, b, &tmp)) {
				c = clist_add(tab, DBREV_CHANGE_ALTER_TABLE);
				*c = tmp;
			}
		}
	}
	for (i = 0; i < to->ntables; i++) {
		const struct dbrev_table *b = to->tables[i];

		if (dbrev_schema_table(from, dbrev_qname(b->schema, b->name, q,
		    sizeof(q))) == NULL) {
			c = clist_add(tab, DBREV_CHANGE_CREATE_TABLE);
			c->to = b;
			c->description = describe("create table", NULL,
			    b->schema, b->name);
		}
	}
}

/*
 * Objects of `from` to drop: removed, changed (unless altered in place),
 * invalidated by a table change (tab), or depending on another object
 * dropped -- to a fixpoint.  drop[] and changed[] have one entry per
 * object of from.
 */
static void
mark_drops(const struct dbrev_schema *from, const struct dbrev_schema *to,
    const struct dbrev_diff_options *opts, const struct clist *tab,
    unsigned char *drop, unsigned char *changed)
{
	char q[512];
	size_t i, j, k;
	int again;

	for (i = 0; i < from->nobjects; i++) {
		const struct dbrev_object *a = from->objects[i], *b;

		b = dbrev_schema_object(to, a->kind, dbrev_qname(a->schema,
		    a->name, q, sizeof(q)));
		if (b == NULL)
			drop[i] = 1;
		else if (!streq(a->definition, b->definition)) {
			changed[i] = 1;
			if (!(opts->alterable_kinds & (1u << a->kind)))
				drop[i] = 1;
		}
	}
	for (i = 0; i < from->nobjects; i++) {
		const struct dbrev_object *o = from->objects[i];

		if (!drop[i] && opts->replaces != NULL &&
		    opts->replaces(o, from, to, opts->arg))
			drop[i] = 1;
		for (k = 0; k < tab->n && !drop[i]; k++) {
			const struct dbrev_table *t = tab->v[k].from;

			if (t == NULL)
				continue;
			dbrev_qname(t->schema, t->name, q, sizeof(q));
			if (!depends_on(o->deps, o->ndeps, q))
				continue;
			if (tab->v[k].kind == DBREV_CHANGE_DROP_TABLE ||
			    opts->invalidates(&tab->v[k], o, opts->arg))
				drop[i] = 1;
		}
	}
	do {
		again = 0;
		for (i = 0; i < from->nobjects; i++) {
			if (drop[i])
				continue;
			for (j = 0; j < from->nobjects; j++) {
				const struct dbrev_object *d = from->objects[j];

				if (!drop[j] || j == i)
					continue;
				dbrev_qname(d->schema, d->name, q, sizeof(q));
				if (depends_on(from->objects[i]->deps,
				    from->objects[i]->ndeps, q)) {
					drop[i] = 1;
					again = 1;
					break;
				}
			}
		}
	} while (again);
}

/* Objects dropped (and created again), altered and created, into obj. */
static void
diff_objects(const struct dbrev_schema *from, const struct dbrev_schema *to,
    const unsigned char *drop, const unsigned char *changed,
    struct clist *obj)
{
	struct dbrev_change *c;
	char q[512];
	size_t i;

	for (i = 0; i < from->nobjects; i++) {
		const struct dbrev_object *a = from->objects[i], *b;

		b = dbrev_schema_object(to, a->kind, dbrev_qname(a->schema,
		    a->name, q, sizeof(q)));
		if (drop[i]) {
			c = clist_add(obj, DBREV_CHANGE_DROP_OBJECT);
			c->obj_from = a;
			if (b == NULL || changed[i]) {
				c->description = describe(b == NULL ? "drop" :
				    "change", dbrev_object_kind_name(a->kind),
				    a->schema, a->name);
			}
			if (b != NULL) {
				c = clist_add(obj, DBREV_CHANGE_CREATE_OBJECT);
				c->obj_to = b;
			}
		} else if (changed[i]) {
			c = clist_add(obj, DBREV_CHANGE_ALTER_OBJECT);
			c->obj_from = a;
			c->obj_to = b;
			c->description = describe("change",
			    dbrev_object_kind_name(a->kind), a->schema, a->name);
		}
	}
	for (i = 0; i < to->nobjects; i++) {
		const struct dbrev_object *b = to->objects[i];

		if (dbrev_schema_object(from, b->kind, dbrev_qname(b->schema,
		    b->name, q, sizeof(q))) == NULL) {
			c = clist_add(obj, DBREV_CHANGE_CREATE_OBJECT);
			c->obj_to = b;
			c->description = describe("create",
			    dbrev_object_kind_name(b->kind), b->schema, b->name);
		}
	}
}

/*
 * Phase 1: drop objects, dependents first, except removed objects that
 * a table of `from` needs, directly or through other objects (types of
 * domains...): they go after the tables.
 */
static void
order_drops(struct graph *gf, const struct dbrev_schema *from,
    const struct dbrev_schema *to, struct clist *obj,
    struct dbrev_change ***order, size_t *norder)
{
	unsigned char *prereq;
	char q[512];
	size_t i, k;

	prereq = dbrev_xcalloc(from->nobjects + 1, 1);
	mark_prereqs(from, prereq);
	graph_build(gf, from);
	for (i = 0; i < obj->n; i++) {
		struct node *nd;
		const struct dbrev_object *o = obj->v[i].obj_from;

		if (obj->v[i].kind != DBREV_CHANGE_DROP_OBJECT)
			continue;
		for (k = 0; k < from->nobjects; k++)
			if (from->objects[k] == o)
				break;
		dbrev_qname(o->schema, o->name, q, sizeof(q));
		if (k < from->nobjects && prereq[k] &&
		    dbrev_schema_object(to, o->kind, q) == NULL)
			continue;
		nd = graph_node_o(gf, obj->v[i].obj_from);
		if (nd != NULL)
			nd->ch = &obj->v[i];
	}
	order_reversed(gf, order, norder);
	free(prereq);
}

/* Phase 2: create and alter, dependencies first. */
static void
order_creates(struct graph *gt, const struct dbrev_schema *to,
    struct clist *tab, struct clist *obj, struct dbrev_change ***order,
    size_t *norder)
{
	size_t i;

	graph_build(gt, to);
	for (i = 0; i < tab->n; i++) {
		struct node *nd;

		if (tab->v[i].kind == DBREV_CHANGE_DROP_TABLE)
			continue;
		nd = graph_node_t(gt, tab->v[i].to);
		if (nd != NULL)
			nd->ch = &tab->v[i];
	}
	for (i = 0; i < obj->n; i++) {
		struct node *nd;

		if (obj->v[i].kind == DBREV_CHANGE_DROP_OBJECT)
			continue;
		nd = graph_node_o(gt, obj->v[i].obj_to);
		if (nd != NULL)
			nd->ch = &obj->v[i];
	}
	graph_order(gt, order, norder);
}

/* Phase 3: drop tables, then the objects only they needed. */
static void
order_table_drops(struct graph *gf, struct clist *tab, struct clist *obj,
    struct dbrev_change ***order, size_t *norder)
{
	size_t i;

	for (i = 0; i < gf->n; i++) {
		gf->v[i].ch = NULL;
		gf->v[i].mark = 0;
	}
	for (i = 0; i < tab->n; i++) {
		struct node *nd;

		if (tab->v[i].kind != DBREV_CHANGE_DROP_TABLE)
			continue;
		nd = graph_node_t(gf, tab->v[i].from);
		if (nd != NULL)
			nd->ch = &tab->v[i];
	}
	for (i = 0; i < obj->n; i++) {
		struct node *nd;
		size_t m;
		int placed = 0;

		if (obj->v[i].kind != DBREV_CHANGE_DROP_OBJECT)
			continue;
		for (m = 0; m < *norder; m++)
			if ((*order)[m] == &obj->v[i])
				placed = 1;
		if (placed)
			continue;
		nd = graph_node_o(gf, obj->v[i].obj_from);
		if (nd != NULL)
			nd->ch = &obj->v[i];
	}
	order_reversed(gf, order, norder);
}

int
dbrev_schema_diff(const struct dbrev_schema *from,
    const struct dbrev_schema *to, const struct dbrev_diff_options *opts,
    struct dbrev_diff *out, struct dbrev_error *err)
{
	struct dbrev_diff_options defopts = { default_invalidates, NULL, 0,
	    NULL };
	struct clist tab = { 0 }, obj = { 0 };
	struct graph gf = { 0 }, gt = { 0 };
	struct dbrev_change **order = NULL;
	unsigned char *drop, *changed;
	size_t norder = 0, i;

	(void)err;
	memset(out, 0, sizeof(*out));
	out->from = from;
	out->to = to;
	if (opts == NULL)
		opts = &defopts;
	if (opts->invalidates == NULL) {
		defopts.alterable_kinds = opts->alterable_kinds;
		defopts.replaces = opts->replaces;
		defopts.arg = opts->arg;
		opts = &defopts;
	}

	diff_tables(from, to, &tab);
	drop = dbrev_xcalloc(from->nobjects + 1, 1);
	changed = dbrev_xcalloc(from->nobjects + 1, 1);
	mark_drops(from, to, opts, &tab, drop, changed);
	diff_objects(from, to, drop, changed, &obj);
	order_drops(&gf, from, to, &obj, &order, &norder);
	order_creates(&gt, to, &tab, &obj, &order, &norder);
	order_table_drops(&gf, &tab, &obj, &order, &norder);

	/* Copy the changes out in that order. */
	out->changes = dbrev_xcalloc(norder + 1, sizeof(*out->changes));
	for (i = 0; i < norder; i++) {
		out->changes[i] = *order[i];
		order[i]->columns = NULL;
		order[i]->constraints = NULL;
		order[i]->description = NULL;
		if (out->changes[i].description != NULL)
			out->ndifferences++;
	}
	out->nchanges = norder;
	for (i = 0; i < tab.n; i++)
		change_free(&tab.v[i]);
	for (i = 0; i < obj.n; i++)
		change_free(&obj.v[i]);
	free(tab.v);
	free(obj.v);
	free(gf.v);
	free(gt.v);
	free(order);
	free(drop);
	free(changed);
	return 0;
}

void
dbrev_diff_free(struct dbrev_diff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nchanges; i++)
		change_free(&d->changes[i]);
	free(d->changes);
	memset(d, 0, sizeof(*d));
}
