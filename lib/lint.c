/*
 * lint.c - the lint's walk (see dbrev/lint.h and lint_impl.h): every
 * revision in apply order is tokenized and split into statements; the
 * rules of the database run on the statements of the revisions checked,
 * and every statement's effect on the schema is recorded, so that a
 * rule sees the schema as the statements before it built it.
 *
 * What is recorded: tables (created in which revision, their columns
 * and types, their named constraints and whether each is validated),
 * indexes (and their table), views and triggers (the names their text
 * mentions).  Names are normalised: lowercased, quotes removed, the
 * database's default schema left out.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbrev/apply.h"
#include "dbrev/lint.h"
#include "dbrev/util.h"
#include "db/driver.h"
#include "lint_impl.h"

/* ---- A string map (chained hashing; keys are copied) ---- */

struct lint_entry {
	char			*key;
	void			*val;
	struct lint_entry	*next;
};

struct lint_map {
	struct lint_entry	**b;
	size_t			  nb, n;
};

static size_t
hash(const char *s)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * (1099511628211ULL & SIZE_MAX);
	return h;
}

static struct lint_entry **
map_slot(const struct lint_map *m, const char *key)
{
	struct lint_entry **p;

	if (m->nb == 0)
		return NULL;
	for (p = &m->b[hash(key) % m->nb]; *p != NULL; p = &(*p)->next)
		if (strcmp((*p)->key, key) == 0)
			return p;
	return p;
}

static void *
map_get(const struct lint_map *m, const char *key)
{
	struct lint_entry **p = map_slot(m, key);

	return p != NULL && *p != NULL ? (*p)->val : NULL;
}

/* Remove key; returns its value (NULL when absent). */
static void *
map_del(struct lint_map *m, const char *key)
{
	struct lint_entry **p = map_slot(m, key), *e;
	void *val;

	if (p == NULL || *p == NULL)
		return NULL;
	e = *p;
	*p = e->next;
	val = e->val;
	free(e->key);
	free(e);
	m->n--;
	return val;
}

static void
map_grow(struct lint_map *m)
{
	struct lint_entry **old = m->b, *e, *next;
	size_t oldn = m->nb, i, k;

	m->nb = m->nb ? m->nb * 2 : 64;
	m->b = dbrev_xcalloc(m->nb, sizeof(*m->b));
	for (i = 0; i < oldn; i++)
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			k = hash(e->key) % m->nb;
			e->next = m->b[k];
			m->b[k] = e;
		}
	free(old);
}

/* Set key to val (a value already there is replaced and returned). */
static void *
map_put(struct lint_map *m, const char *key, void *val)
{
	struct lint_entry **p, *e;
	void *old;

	if (m->n + 1 > m->nb)
		map_grow(m);
	p = map_slot(m, key);
	if (*p != NULL) {
		old = (*p)->val;
		(*p)->val = val;
		return old;
	}
	e = dbrev_xmalloc(sizeof(*e));
	e->key = dbrev_xstrdup(key);
	e->val = val;
	e->next = NULL;
	*p = e;
	m->n++;
	return NULL;
}

static void
map_free(struct lint_map *m, void (*freeval)(void *))
{
	struct lint_entry *e, *next;
	size_t i;

	for (i = 0; i < m->nb; i++)
		for (e = m->b[i]; e != NULL; e = next) {
			next = e->next;
			if (freeval != NULL)
				freeval(e->val);
			free(e->key);
			free(e);
		}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

/* ---- What the revisions built ---- */

struct lint_column {
	char	*name;
	char	*type;		/* as written, normalised; "" when none */
};

/* A list of names. */
struct lint_names {
	char	**v;
	size_t	  n;
};

struct lint_table {
	size_t			 created; /* serial of the creating revision */
	struct lint_column	*cols;
	size_t			 ncols;
	struct lint_con_state	*cons;
	size_t			 ncons;
	/* Its indexes and triggers, which go where it goes. */
	struct lint_names	 idx, trg;
};

/* An index, view or trigger. */
struct lint_object {
	char	 *table;	/* index, trigger: its table */
	char	**words;	/* names its text mentions, sorted, unique */
	size_t	  nwords;
};

struct lint_state {
	struct lint_map	 tables, indexes, views, triggers;
	struct lint_map	 functions;	/* the IMMUTABLE or STABLE ones */
};

static void
names_add(struct lint_names *l, const char *name)
{
	l->v = dbrev_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = dbrev_xstrdup(name);
}

static void
names_del(struct lint_names *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0) {
			free(l->v[i]);
			l->v[i] = l->v[--l->n];
			return;
		}
}

static void
names_free(struct lint_names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void
table_free(void *p)
{
	struct lint_table *t = p;
	size_t i;

	if (t == NULL)
		return;
	names_free(&t->idx);
	names_free(&t->trg);
	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].type);
	}
	free(t->cols);
	for (i = 0; i < t->ncons; i++) {
		free(t->cons[i].name);
		free(t->cons[i].notnull_col);
	}
	free(t->cons);
	free(t);
}

static void
object_free(void *p)
{
	struct lint_object *o = p;
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nwords; i++)
		free(o->words[i]);
	free(o->words);
	free(o->table);
	free(o);
}

static void
state_free(struct lint_state *s)
{
	map_free(&s->tables, table_free);
	map_free(&s->indexes, object_free);
	map_free(&s->views, object_free);
	map_free(&s->triggers, object_free);
	map_free(&s->functions, NULL);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_word(const struct lint_object *o, const char *w)
{
	const char *base = strrchr(w, '.');

	base = base != NULL ? base + 1 : w;
	return o->nwords > 0 && bsearch(&base, o->words, o->nwords,
	    sizeof(*o->words), cmp_str) != NULL;
}

/* o is on table, or its text names it. */
static int
about(const struct lint_object *o, const char *table)
{
	return (o->table != NULL && strcmp(o->table, table) == 0) ||
	    has_word(o, table);
}

static void
sort_words(struct lint_object *o)
{
	size_t i, k;

	qsort(o->words, o->nwords, sizeof(*o->words), cmp_str);
	for (i = k = 0; i < o->nwords; i++) {
		if (k > 0 && strcmp(o->words[k - 1], o->words[i]) == 0)
			free(o->words[i]);
		else
			o->words[k++] = o->words[i];
	}
	o->nwords = k;
}

/* An object for the names a statement's text mentions from `from`. */
static struct lint_object *
object_new(const struct lint_stmt *st, size_t from, const char *table)
{
	struct lint_object *o = dbrev_xcalloc(1, sizeof(*o));
	size_t i;

	o->table = table != NULL ? dbrev_xstrdup(table) : NULL;
	o->words = dbrev_xcalloc(st->n > from ? st->n - from : 1,
	    sizeof(*o->words));
	for (i = from; i < st->n; i++)
		if (lint_is_name(st, i))
			o->words[o->nwords++] = lint_ident(&st->t[i]);
	sort_words(o);
	return o;
}

static struct lint_table *
table_get(struct lint_state *s, const char *name)
{
	struct lint_table *t = map_get(&s->tables, name);

	if (t == NULL) {	/* never seen created: an existing table */
		t = dbrev_xcalloc(1, sizeof(*t));
		map_put(&s->tables, name, t);
	}
	return t;
}

static struct lint_column *
column_find(const struct lint_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static void
column_set(const struct lint_stmt *st, struct lint_table *t,
    const char *name, size_t type_s, size_t type_e)
{
	struct lint_column *c = column_find(t, name);

	if (c == NULL) {
		t->cols = dbrev_xrealloc(t->cols, (t->ncols + 1) *
		    sizeof(*t->cols));
		c = &t->cols[t->ncols++];
		c->name = dbrev_xstrdup(name);
	} else
		free(c->type);
	c->type = lint_text(st, type_s, type_e);
}

static void
column_drop(struct lint_table *t, const char *name)
{
	struct lint_column *c = column_find(t, name);

	if (c == NULL)
		return;
	free(c->name);
	free(c->type);
	*c = t->cols[--t->ncols];
}

static struct lint_con_state *
con_find(const struct lint_table *t, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < t->ncons; i++)
		if (strcmp(t->cons[i].name, name) == 0)
			return &t->cons[i];
	return NULL;
}

static void
con_add(const struct lint_ctx *ctx, struct lint_table *t,
    const struct lint_constraint *c)
{
	struct lint_con_state *k;

	if (c->name == NULL || con_find(t, c->name) != NULL)
		return;
	t->cons = dbrev_xrealloc(t->cons, (t->ncons + 1) * sizeof(*t->cons));
	k = &t->cons[t->ncons++];
	k->name = dbrev_xstrdup(c->name);
	k->kind = c->kind;
	k->notnull_col = c->notnull_col != NULL ?
	    dbrev_xstrdup(c->notnull_col) : NULL;
	k->validated = !c->not_valid;
	k->added = ctx->serial;
	k->added_stmt = ctx->cur;
}

static void
con_drop(struct lint_table *t, const char *name)
{
	struct lint_con_state *k = con_find(t, name);

	if (k == NULL)
		return;
	free(k->name);
	free(k->notnull_col);
	*k = t->cons[--t->ncons];
}

/* The list of t that attaches the objects of map m (indexes, triggers). */
static struct lint_names *
attached(struct lint_state *s, struct lint_table *t, const struct lint_map *m)
{
	return m == &s->indexes ? &t->idx : &t->trg;
}

/* Object name of map m leaves its table's list. */
static void
detach(struct lint_state *s, struct lint_map *m, const char *name)
{
	struct lint_object *o = map_get(m, name);
	struct lint_table *t;

	if (o != NULL && o->table != NULL && m != &s->views &&
	    (t = map_get(&s->tables, o->table)) != NULL)
		names_del(attached(s, t, m), name);
}

/* The indexes and triggers of t follow it to table `to`, or (NULL) go. */
static void
objects_follow(struct lint_state *s, struct lint_table *t, const char *to)
{
	struct lint_map *maps[2] = { &s->indexes, &s->triggers };
	struct lint_names *l;
	struct lint_object *o;
	size_t k, i;

	for (k = 0; k < 2; k++) {
		l = attached(s, t, maps[k]);
		for (i = 0; i < l->n; i++) {
			if (to == NULL)
				object_free(map_del(maps[k], l->v[i]));
			else if ((o = map_get(maps[k], l->v[i])) != NULL) {
				free(o->table);
				o->table = dbrev_xstrdup(to);
			}
		}
	}
}

/* In o, the name `from` becomes `to`. */
static void
rename_word(struct lint_object *o, const char *from, const char *to)
{
	size_t k;

	if (!has_word(o, from))
		return;
	for (k = 0; k < o->nwords; k++)
		if (strcmp(o->words[k], from) == 0) {
			free(o->words[k]);
			o->words[k] = dbrev_xstrdup(to);
		}
	sort_words(o);
}

/* Views and triggers of m that are on, or mention, table. */
static void
mentions_rename_word(struct lint_map *m, const char *table, const char *from,
    const char *to)
{
	struct lint_entry *e;
	struct lint_object *o;
	size_t i;

	for (i = 0; i < m->nb; i++)
		for (e = m->b[i]; e != NULL; e = e->next) {
			o = e->val;
			if (about(o, table))
				rename_word(o, from, to);
		}
}

/* Column `from` of table t renamed `to`: what refers to it follows. */
static void
rename_column_refs(struct lint_state *s, struct lint_table *t,
    const char *table, const char *from, const char *to)
{
	struct lint_object *o;
	size_t i;

	for (i = 0; i < t->idx.n; i++)
		if ((o = map_get(&s->indexes, t->idx.v[i])) != NULL)
			rename_word(o, from, to);
	mentions_rename_word(&s->views, table, from, to);
	mentions_rename_word(&s->triggers, table, from, to);
}

static void
drop_table(struct lint_state *s, const char *name)
{
	struct lint_table *t = map_del(&s->tables, name);

	if (t == NULL)
		return;
	objects_follow(s, t, NULL);
	table_free(t);
}

/* "schema.old" renamed to new: "schema.new". */
static char *
sibling_name(const char *old, const char *newname)
{
	const char *dot = strrchr(old, '.');
	struct dbrev_buf b = { 0 };

	if (dot != NULL)
		dbrev_buf_add(&b, old, (size_t)(dot + 1 - old));
	dbrev_buf_puts(&b, newname);
	return dbrev_buf_take(&b);
}

static void
rename_table(struct lint_state *s, const char *from, const char *newname)
{
	struct lint_table *t = map_del(&s->tables, from);
	char *to = sibling_name(from, newname);

	if (t == NULL)
		t = dbrev_xcalloc(1, sizeof(*t));
	drop_table(s, to);
	map_put(&s->tables, to, t);
	objects_follow(s, t, to);
	free(to);
}

static void
track_create_table(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	struct lint_table *t;
	size_t i;

	if (st->table == NULL || (st->if_not_exists &&
	    map_get(&ctx->state->tables, st->table) != NULL))
		return;
	drop_table(ctx->state, st->table);
	t = dbrev_xcalloc(1, sizeof(*t));
	t->created = ctx->serial;
	map_put(&ctx->state->tables, st->table, t);
	for (i = 0; i < st->ncols; i++)
		column_set(st, t, st->cols[i].name, st->cols[i].type_s,
		    st->cols[i].type_e);
	for (i = 0; i < st->ncons; i++)
		con_add(ctx, t, &st->cons[i]);
}

static void
track_alter(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	struct lint_state *s = ctx->state;
	struct lint_table *t;
	struct lint_con_state *k;
	struct lint_column *c;
	const struct lint_action *a;
	size_t i;

	if (st->table == NULL)
		return;
	t = table_get(s, st->table);
	for (i = 0; i < st->nact; i++) {
		a = &st->act[i];
		switch (a->kind) {
		case LA_ADD_COLUMN:
			column_set(st, t, a->column, a->col.type_s,
			    a->col.type_e);
			break;
		case LA_DROP_COLUMN:
			column_drop(t, a->column);
			break;
		case LA_ALTER_TYPE:
			column_set(st, t, a->column, a->type_s, a->type_e);
			break;
		case LA_ADD_CONSTRAINT:
			con_add(ctx, t, &a->con);
			break;
		case LA_DROP_CONSTRAINT:
			con_drop(t, a->con.name);
			break;
		case LA_VALIDATE:
			if ((k = con_find(t, a->con.name)) != NULL)
				k->validated = 1;
			break;
		case LA_RENAME_COLUMN:
			if ((c = column_find(t, a->column)) != NULL) {
				free(c->name);
				c->name = dbrev_xstrdup(a->newname);
			}
			rename_column_refs(s, t, st->table, a->column,
			    a->newname);
			break;
		case LA_RENAME_TABLE:
			rename_table(s, st->table, a->newname);
			return;		/* t is now under the new name */
		default:
			break;
		}
	}
}

/* Add (or replace) the object a statement creates in map m. */
static void
track_object(struct lint_state *s, struct lint_map *m,
    const struct lint_stmt *st)
{
	if (st->nnames == 0 || (st->if_not_exists &&
	    map_get(m, st->names[0]) != NULL))
		return;
	detach(s, m, st->names[0]);
	object_free(map_put(m, st->names[0], object_new(st, st->body_s,
	    st->table)));
	if (m != &s->views && st->table != NULL)
		names_add(attached(s, table_get(s, st->table), m),
		    st->names[0]);
}

static void
drop_objects(struct lint_state *s, struct lint_map *m,
    const struct lint_stmt *st)
{
	size_t i;

	for (i = 0; i < st->nnames; i++) {
		detach(s, m, st->names[i]);
		object_free(map_del(m, st->names[i]));
	}
}

/* Record what a statement does to the schema. */
static void
track(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	struct lint_state *s = ctx->state;
	size_t i;

	switch (st->kind) {
	case LK_CREATE_TABLE:
		track_create_table(ctx, st);
		break;
	case LK_ALTER_TABLE:
		track_alter(ctx, st);
		break;
	case LK_DROP_TABLE:
		for (i = 0; i < st->nnames; i++)
			drop_table(s, st->names[i]);
		break;
	case LK_CREATE_INDEX:
		track_object(s, &s->indexes, st);
		break;
	case LK_DROP_INDEX:
		drop_objects(s, &s->indexes, st);
		break;
	case LK_CREATE_VIEW:
		track_object(s, &s->views, st);
		break;
	case LK_DROP_VIEW:
		drop_objects(s, &s->views, st);
		break;
	case LK_CREATE_TRIGGER:
		track_object(s, &s->triggers, st);
		break;
	case LK_DROP_TRIGGER:
		drop_objects(s, &s->triggers, st);
		break;
	case LK_CREATE_FUNCTION:
		if (st->nnames > 0 && st->nonvolatile)
			map_put(&s->functions, st->names[0], s);
		else if (st->nnames > 0)
			map_del(&s->functions, st->names[0]);
		break;
	case LK_DROP_FUNCTION:
		for (i = 0; i < st->nnames; i++)
			map_del(&s->functions, st->names[i]);
		break;
	default:
		break;
	}
}

/* ---- What the rules may ask ---- */

int
lint_is_new(const struct lint_ctx *ctx, const char *table)
{
	const struct lint_table *t;

	if (table == NULL)
		return 0;
	t = map_get(&ctx->state->tables, table);
	return t != NULL && t->created == ctx->serial;
}

int
lint_recreated_later(const struct lint_ctx *ctx, const char *name)
{
	uintptr_t k = (uintptr_t)map_get(ctx->recreated, name);

	return k != 0 && k - 1 > ctx->cur;
}

const char *
lint_column_type(const struct lint_ctx *ctx, const char *table,
    const char *column)
{
	const struct lint_table *t = map_get(&ctx->state->tables, table);
	const struct lint_column *c;

	if (t == NULL || (c = column_find(t, column)) == NULL)
		return NULL;
	return c->type;
}

const struct lint_con_state *
lint_constraint_state(const struct lint_ctx *ctx, const char *table,
    const char *name)
{
	const struct lint_table *t = map_get(&ctx->state->tables, table);

	return t != NULL ? con_find(t, name) : NULL;
}

const struct lint_con_state *
lint_notnull_check(const struct lint_ctx *ctx, const char *table,
    const char *column)
{
	const struct lint_table *t = map_get(&ctx->state->tables, table);
	size_t i;

	for (i = 0; t != NULL && i < t->ncons; i++)
		if (t->cons[i].validated && t->cons[i].notnull_col != NULL &&
		    strcmp(t->cons[i].notnull_col, column) == 0)
			return &t->cons[i];
	return NULL;
}

int
lint_function_nonvolatile(const struct lint_ctx *ctx, const char *name)
{
	return map_get(&ctx->state->functions, name) != NULL;
}

const char *
lint_index_table(const struct lint_ctx *ctx, const char *index)
{
	const struct lint_object *o = map_get(&ctx->state->indexes, index);

	return o != NULL ? o->table : NULL;
}

/* An object of m referring to table.column: its key, or NULL. */
static const char *
referrer_in(const struct lint_map *m, const char *table, const char *column)
{
	const struct lint_entry *e;
	const struct lint_object *o;
	size_t i;

	for (i = 0; i < m->nb; i++)
		for (e = m->b[i]; e != NULL; e = e->next) {
			o = e->val;
			if (about(o, table) && has_word(o, column))
				return e->key;
		}
	return NULL;
}

/* An index of table whose text names column. */
static const char *
index_referrer(struct lint_state *s, const char *table, const char *column)
{
	const struct lint_table *t = map_get(&s->tables, table);
	const struct lint_object *o;
	size_t i;

	for (i = 0; t != NULL && i < t->idx.n; i++)
		if ((o = map_get(&s->indexes, t->idx.v[i])) != NULL &&
		    has_word(o, column))
			return t->idx.v[i];
	return NULL;
}

const char *
lint_referrer(const struct lint_ctx *ctx, const char *table,
    const char *column, const char **what)
{
	const char *name;

	if ((name = referrer_in(&ctx->state->triggers, table, column)) != NULL)
		*what = "trigger";
	else if ((name = referrer_in(&ctx->state->views, table, column)) !=
	    NULL)
		*what = "view";
	else if ((name = index_referrer(ctx->state, table, column)) != NULL)
		*what = "index";
	return name;
}

void
lint_report(struct lint_ctx *ctx, unsigned line, const char *hint,
    const char *fmt, ...)
{
	struct dbrev_lint_result *res = ctx->res;
	struct dbrev_lint_finding *f;
	va_list ap;
	char *msg;
	int len;

	if (ctx->allowed[ctx->rule]) {
		res->nallowed++;
		return;
	}
	if (res->nfindings == ctx->cap) {
		ctx->cap = ctx->cap ? ctx->cap * 2 : 16;
		res->findings = dbrev_xrealloc(res->findings, ctx->cap *
		    sizeof(*res->findings));
	}
	f = &res->findings[res->nfindings++];
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = dbrev_xmalloc(len > 0 ? (size_t)len + 1 : 1);
	msg[0] = '\0';
	va_start(ap, fmt);
	if (len > 0)
		vsnprintf(msg, (size_t)len + 1, fmt, ap);
	va_end(ap);
	f->rule = ctx->d->rules[ctx->rule].info.name;
	f->level = ctx->levels[ctx->rule];
	f->file = dbrev_xstrdup(ctx->rev->path != NULL ? ctx->rev->path :
	    ctx->rev->id);
	f->line = line;
	f->message = msg;
	f->hint = hint != NULL ? dbrev_xstrdup(hint) : NULL;
	if (f->level == DBREV_LINT_ERROR)
		res->nerrors++;
	else
		res->nwarnings++;
}

/* ---- Rule tables, levels and lint.conf ---- */

static const struct lint_dialect *
dialect_rules(enum dbrev_dialect d)
{
	const struct dbrev_driver *drv = dbrev_driver_for(d);

	return drv != NULL ? drv->lint : NULL;
}

size_t
dbrev_lint_nrules(enum dbrev_dialect d)
{
	const struct lint_dialect *ld = dialect_rules(d);

	return ld != NULL ? ld->nrules : 0;
}

const struct dbrev_lint_rule_info *
dbrev_lint_rule(enum dbrev_dialect d, size_t i)
{
	const struct lint_dialect *ld = dialect_rules(d);

	return ld != NULL && i < ld->nrules ? &ld->rules[i].info : NULL;
}

const char *
dbrev_lint_level_name(enum dbrev_lint_level l)
{
	switch (l) {
	case DBREV_LINT_OFF:
		return "off";
	case DBREV_LINT_WARNING:
		return "warning";
	case DBREV_LINT_ERROR:
		return "error";
	}
	return "?";
}

/* Index of a rule in ld, or -1. */
static long
rule_index(const struct lint_dialect *ld, const char *name, size_t len)
{
	size_t i;

	for (i = 0; ld != NULL && i < ld->nrules; i++)
		if (strlen(ld->rules[i].info.name) == len &&
		    memcmp(ld->rules[i].info.name, name, len) == 0)
			return (long)i;
	return -1;
}

/* The rule is some database's (so a file may name it). */
static int
rule_known(const char *name, size_t len)
{
	const struct dbrev_driver *drv;
	size_t i;

	for (i = 0; (drv = dbrev_driver_at(i)) != NULL; i++)
		if (rule_index(drv->lint, name, len) >= 0)
			return 1;
	return 0;
}

struct dbrev_lint_config {
	const struct lint_dialect *d;
	enum dbrev_lint_level	*levels;	/* per rule of d */
};

#define RULES_SEE "the rules are listed in revorder(1), LINT"

static int
no_rules(enum dbrev_dialect d, struct dbrev_error *err)
{
	if (d == DBREV_DIALECT_UNKNOWN)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "pass --dialect sqlite|postgresql or a database URL",
		    "lint needs to know the database");
	return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
	    dbrev_dialect_unbuilt_hint(d), "cannot lint for %s: "
	    "built without its support", dbrev_dialect_name(d));
}

/* One line of lint.conf: [s, e) without its comment. */
static int
config_line(struct dbrev_lint_config *c, unsigned *setline, const char *path,
    unsigned line, const char *s, const char *e, struct dbrev_error *err)
{
	const char *w[3];
	size_t wl[3], nw = 0;
	long k;
	int level;

	while (s < e && nw < 3) {
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s == e)
			break;
		w[nw] = s;
		while (s < e && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		wl[nw] = (size_t)(s - w[nw]);
		nw++;
	}
	if (nw == 0)
		return 0;
	if (nw == 3)
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
		    "write one 'RULE LEVEL' per line ('#' starts a comment)",
		    "extra words after the level");
	if (!rule_known(w[0], wl[0]))
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
		    RULES_SEE, "unknown lint rule '%.*s'", (int)(wl[0] > 60 ?
		    60 : wl[0]), w[0]);
	if (nw == 1) {
		dbrev_error_set(err, DBREV_ERR_INPUT, path, line, NULL,
		    "rule '%.*s' has no level", (int)wl[0], w[0]);
		dbrev_error_hint(err, "write '%.*s off', '%.*s warning' or "
		    "'%.*s error'", (int)wl[0], w[0], (int)wl[0], w[0],
		    (int)wl[0], w[0]);
		return -1;
	}
	if (wl[1] == 3 && memcmp(w[1], "off", 3) == 0)
		level = DBREV_LINT_OFF;
	else if (wl[1] == 7 && memcmp(w[1], "warning", 7) == 0)
		level = DBREV_LINT_WARNING;
	else if (wl[1] == 5 && memcmp(w[1], "error", 5) == 0)
		level = DBREV_LINT_ERROR;
	else
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
		    "the levels are off, warning and error", "unknown level "
		    "'%.*s'", (int)(wl[1] > 40 ? 40 : wl[1]), w[1]);
	if ((k = rule_index(c->d, w[0], wl[0])) < 0)
		return 0;	/* another database's rule */
	if (setline[k] != 0)
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
		    "keep one of the two lines", "rule '%s' set twice (first "
		    "on line %u)", c->d->rules[k].info.name, setline[k]);
	setline[k] = line;
	c->levels[k] = (enum dbrev_lint_level)level;
	return 0;
}

int
dbrev_lint_config_parse(const char *path, const char *text, size_t len,
    enum dbrev_dialect d, struct dbrev_lint_config **out,
    struct dbrev_error *err)
{
	struct dbrev_lint_config *c;
	const char *s = text, *end = text + len, *nl, *e, *hash_at;
	unsigned line = 0, *setline;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (dialect_rules(d) == NULL)
		return no_rules(d, err);
	c = dbrev_xcalloc(1, sizeof(*c));
	c->d = dialect_rules(d);
	c->levels = dbrev_xcalloc(c->d->nrules + 1, sizeof(*c->levels));
	setline = dbrev_xcalloc(c->d->nrules + 1, sizeof(*setline));
	for (i = 0; i < c->d->nrules; i++)
		c->levels[i] = c->d->rules[i].info.level;
	while (s < end) {
		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		e = nl != NULL ? nl : end;
		hash_at = memchr(s, '#', (size_t)(e - s));
		if (memchr(s, '\0', (size_t)(e - s)) != NULL)
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
			    "lint.conf is a text file", "NUL byte");
		else if (config_line(c, setline, path, line, s, hash_at !=
		    NULL ? hash_at : e, err) == -1)
			rc = -1;
		s = e + (nl != NULL);
	}
	free(setline);
	if (rc == -1) {
		dbrev_lint_config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void
dbrev_lint_config_free(struct dbrev_lint_config *c)
{
	if (c == NULL)
		return;
	free(c->levels);
	free(c);
}

/* ---- "lint: allow RULE -- reason" lines ---- */

/*
 * Check a revision's lint lines; mark the rules they allow.  A problem
 * is chained on err (every line is checked) and -1 returned.
 */
static int
allow_lines(const struct lint_dialect *ld, const struct dbrev_revision *r,
    unsigned char *allowed, struct dbrev_error *err)
{
	const char *v, *name, *why;
	size_t i, len;
	long k;
	int rc = 0;

	for (i = 0; i < r->nlint; i++) {
		v = r->lint[i];
		if (strncmp(v, "allow", 5) != 0 || (v[5] != ' ' &&
		    v[5] != '\t')) {
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
			    r->lint_line[i], "write '-- lint: allow RULE -- "
			    "REASON'", "lint: '%.40s' is not an allow line", v);
			continue;
		}
		for (name = v + 5; *name == ' ' || *name == '\t'; name++)
			;
		len = strcspn(name, " \t");
		for (why = name + len; *why == ' ' || *why == '\t'; why++)
			;
		if (len == 0 || !rule_known(name, len)) {
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
			    r->lint_line[i], RULES_SEE, "lint: unknown rule "
			    "'%.*s'", (int)(len > 60 ? 60 : len), name);
			continue;
		}
		if (strncmp(why, "--", 2) != 0 || why[2 + strspn(why + 2,
		    " \t")] == '\0') {
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
			    r->lint_line[i], NULL, "lint: allowing '%.*s' "
			    "needs a reason", (int)len, name);
			dbrev_error_hint(err, "say why after '--', e.g. '-- "
			    "lint: allow %.*s -- the table is small'",
			    (int)len, name);
			continue;
		}
		if ((k = rule_index(ld, name, len)) >= 0)
			allowed[k] = 1;
	}
	return rc;
}

/* ---- The walk ---- */

/* Names each statement creates (CREATE TABLE, RENAME TO): the last. */
static void
find_recreated(struct lint_map *m, const struct lint_stmt *v, size_t n)
{
	size_t k, i;
	char *to;

	for (k = 0; k < n; k++) {
		if (v[k].kind == LK_CREATE_TABLE && v[k].table != NULL)
			map_put(m, v[k].table, (void *)(uintptr_t)(k + 1));
		for (i = 0; v[k].kind == LK_ALTER_TABLE && i < v[k].nact; i++)
			if (v[k].act[i].kind == LA_RENAME_TABLE &&
			    v[k].table != NULL) {
				to = sibling_name(v[k].table,
				    v[k].act[i].newname);
				map_put(m, to, (void *)(uintptr_t)(k + 1));
				free(to);
			}
	}
}

/* Read one revision; run the rules on it when check is set. */
static void
lint_revision(struct lint_ctx *ctx, const struct dbrev_revision *r,
    int check)
{
	struct lint_tok *toks;
	struct lint_stmt *v;
	struct lint_map recreated = { 0 };
	unsigned *scratch;
	size_t ntok, n, k, i;

	if (r->upgrade == NULL)
		return;
	lint_tokenize(r->upgrade, r->upgrade_line, ctx->d->syntax, &toks,
	    &ntok);
	lint_statements(toks, ntok, ctx->d->default_schema, &v, &n);
	scratch = dbrev_xcalloc(ctx->d->nrules + 1, sizeof(*scratch));
	find_recreated(&recreated, v, n);
	ctx->rev = r;
	ctx->stmts = v;
	ctx->nstmts = n;
	ctx->recreated = &recreated;
	for (k = 0; k < n; k++) {
		ctx->cur = k;
		for (i = 0; check && i < ctx->d->nrules; i++) {
			if (ctx->levels[i] == DBREV_LINT_OFF)
				continue;
			ctx->rule = i;
			ctx->scratch = &scratch[i];
			ctx->d->rules[i].check(ctx, &v[k]);
		}
		track(ctx, &v[k]);
	}
	for (k = 0; k < n; k++)
		lint_stmt_free(&v[k]);
	free(v);
	free(toks);
	free(scratch);
	map_free(&recreated, NULL);
	ctx->recreated = NULL;
}

int
dbrev_lint_graph(const struct dbrev_graph *g, const unsigned char *check,
    enum dbrev_dialect d, const struct dbrev_lint_config *config,
    struct dbrev_lint_result *res, struct dbrev_error *err)
{
	const struct lint_dialect *ld = dialect_rules(d);
	struct lint_state state;
	struct lint_ctx ctx;
	enum dbrev_lint_level *levels;
	unsigned char *allowed;
	size_t n = dbrev_graph_count(g), i, k;
	int rc = 0;

	if (ld == NULL)
		return no_rules(d, err);
	if (config != NULL && config->d != ld)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "lint configuration read for another database");
	/* Every allow line is checked before anything is linted. */
	allowed = dbrev_xcalloc((n ? n : 1) * (ld->nrules + 1), 1);
	for (i = 0; i < n; i++)
		if ((check == NULL || check[i]) && allow_lines(ld,
		    dbrev_graph_at(g, i), allowed + i * (ld->nrules + 1),
		    err) == -1)
			rc = -1;
	if (rc == -1) {
		free(allowed);
		return -1;
	}
	levels = dbrev_xcalloc(ld->nrules + 1, sizeof(*levels));
	for (k = 0; k < ld->nrules; k++)
		levels[k] = config != NULL ? config->levels[k] :
		    ld->rules[k].info.level;
	memset(&state, 0, sizeof(state));
	memset(&ctx, 0, sizeof(ctx));
	ctx.state = &state;
	ctx.d = ld;
	ctx.levels = levels;
	ctx.res = res;
	ctx.cap = res->nfindings;
	for (i = 0; i < n; i++) {
		ctx.serial = i + 1;
		ctx.allowed = allowed + i * (ld->nrules + 1);
		if (check == NULL || check[i])
			res->nrevisions++;
		lint_revision(&ctx, dbrev_graph_at(g, i), check == NULL ||
		    check[i]);
	}
	state_free(&state);
	free(levels);
	free(allowed);
	return 0;
}

void
dbrev_lint_result_free(struct dbrev_lint_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->nfindings; i++) {
		free(res->findings[i].file);
		free(res->findings[i].message);
		free(res->findings[i].hint);
	}
	free(res->findings);
	memset(res, 0, sizeof(*res));
}

/* ---- The whole run ---- */

void
dbrev_lint_options_init(struct dbrev_lint_options *o)
{
	memset(o, 0, sizeof(*o));
	o->dir = "migrations";
}

/* Levels from the file the options name, or DIR/lint.conf if there. */
static int
load_config(const struct dbrev_lint_options *o, enum dbrev_dialect d,
    struct dbrev_lint_config **out, struct dbrev_error *err)
{
	struct dbrev_buf path = { 0 }, text = { 0 };
	struct stat sb;
	int rc = 0;

	*out = NULL;
	if (o->config != NULL)
		dbrev_buf_puts(&path, o->config);
	else {
		dbrev_buf_printf(&path, "%s/lint.conf", o->dir);
		if (stat(path.data, &sb) == -1 && errno == ENOENT) {
			dbrev_buf_free(&path);
			return 0;
		}
	}
	if (dbrev_read_file(path.data, &text, err) == -1 ||
	    dbrev_lint_config_parse(path.data, text.data != NULL ? text.data :
	    "", text.len, d, out, err) == -1)
		rc = -1;
	dbrev_buf_free(&path);
	dbrev_buf_free(&text);
	return rc;
}

/* Which revisions to check: those not applied at o->url. */
static int
unapplied(const struct dbrev_lint_options *o, const struct dbrev_graph *g,
    unsigned char *check, struct dbrev_error *err)
{
	struct dbrev_apply_options ao;
	struct dbrev_status st;
	size_t i, n = dbrev_graph_count(g);
	long k;

	dbrev_apply_options_init(&ao);
	ao.dir = o->dir;
	ao.url = o->url;
	ao.table = o->table;
	if (dbrev_apply_status(&ao, &st, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		k = dbrev_graph_index(st.graph, dbrev_graph_at(g, i)->id);
		check[i] = !(k >= 0 && st.applied.in[k]);
	}
	dbrev_status_free(&st);
	return 0;
}

/* Which revisions to check: those outside o->since's ancestry. */
static int
after(const struct dbrev_lint_options *o, const struct dbrev_graph *g,
    unsigned char *check, struct dbrev_error *err)
{
	struct dbrev_revset set;
	size_t i, n = dbrev_graph_count(g);

	dbrev_revset_init(&set, g);
	if (dbrev_graph_closure(g, o->since, &set, err) == -1) {
		dbrev_revset_free(&set);
		return -1;
	}
	for (i = 0; i < n; i++)
		check[i] = !set.in[i];
	dbrev_revset_free(&set);
	return 0;
}

int
dbrev_lint_run(const struct dbrev_lint_options *o,
    struct dbrev_lint_result *res, struct dbrev_error *err)
{
	struct dbrev_graph *g = NULL;
	struct dbrev_lint_config *config = NULL;
	unsigned char *check = NULL;
	enum dbrev_dialect d = o->dialect;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (d == DBREV_DIALECT_UNKNOWN && o->url != NULL)
		d = dbrev_url_dialect(o->url);
	if (dialect_rules(d) == NULL)
		return no_rules(d, err);
	if (o->url != NULL && o->since != NULL)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "use a database URL or --since, not both",
		    "two ways to choose the revisions to lint");
	if (load_config(o, d, &config, err) == -1 ||
	    dbrev_graph_load(o->dir, 0, &g, err) == -1)
		goto out;
	check = dbrev_xcalloc(dbrev_graph_count(g) + 1, 1);
	if (o->url != NULL && unapplied(o, g, check, err) == -1)
		goto out;
	if (o->since != NULL && after(o, g, check, err) == -1)
		goto out;
	rc = dbrev_lint_graph(g, o->url != NULL || o->since != NULL ? check :
	    NULL, d, config, res, err);
out:
	free(check);
	dbrev_lint_config_free(config);
	dbrev_graph_free(g);
	return rc;
}
