/*
 * introspect.c - read an SQLite database's schema into the model.
 *
 * Columns come from PRAGMA table_xinfo (name, declared type, NOT NULL,
 * default as the engine stores it, primary key position, generated).
 * What the pragmas do not show is read from the CREATE TABLE text the
 * engine keeps in sqlite_schema: COLLATE, generation expressions,
 * CHECK, UNIQUE, PRIMARY KEY and FOREIGN KEY constraints with their
 * names, actions and DEFERRABLE, ON CONFLICT clauses, table options.
 * SQLite names are case-insensitive, so the model holds them lowercased.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../driver.h"
#include "dbrev/schema.h"
#include "dbrev/util.h"
#include "schema.h"
#include "text.h"
#include "../../schema/sqltok.h"

/* Normalized text of tokens [a, b) of tv. */
static char *
span_norm(const struct dbrev_tok *tv, size_t a, size_t b)
{
	char *raw, *n;

	if (a >= b)
		return dbrev_xstrdup("");
	raw = dbrev_xstrndup(tv[a].s, (size_t)(tv[b - 1].e - tv[a].s));
	n = dbrev_sql_normalize(raw);
	free(raw);
	return n;
}

/* Index just after the parenthesis matching the one at i. */
static size_t
skip_parens(const struct dbrev_tok *tv, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (dbrev_tok_punct(&tv[i], '('))
			depth++;
		else if (dbrev_tok_punct(&tv[i], ')') && --depth == 0)
			return i + 1;
	}
	return n;
}

/* Append normalized tokens [a, b) to an "extra" string. */
static void
extra_add(char **extra, const struct dbrev_tok *tv, size_t a, size_t b)
{
	struct dbrev_buf buf = { 0 };
	char *n;

	if (a >= b)
		return;
	n = span_norm(tv, a, b);
	if (*extra != NULL) {
		dbrev_buf_puts(&buf, *extra);
		dbrev_buf_puts(&buf, " ");
		free(*extra);
	}
	dbrev_buf_puts(&buf, n);
	free(n);
	*extra = dbrev_buf_take(&buf);
}

/* ON CONFLICT x: index after it, or i when absent. */
static size_t
skip_conflict(const struct dbrev_tok *tv, size_t n, size_t i)
{
	if (i + 2 < n && dbrev_tok_is(&tv[i], "on") &&
	    dbrev_tok_is(&tv[i + 1], "conflict"))
		return i + 3;
	return i;
}

/* "(a, b COLLATE x DESC)": column names into v; the rest into extra. */
static size_t
parse_collist(const struct dbrev_tok *tv, size_t n, size_t i, char ***v,
    size_t *nv, char **extra)
{
	size_t end, j;

	if (i >= n || !dbrev_tok_punct(&tv[i], '('))
		return i;
	end = skip_parens(tv, n, i);
	for (j = i + 1; j < end - 1; j++) {
		char *id;

		if (dbrev_tok_punct(&tv[j], ','))
			continue;
		id = dbrev_tok_ident(&tv[j]);
		dbrev_strv_add(v, nv, id);
		free(id);
		/* COLLATE / ASC / DESC after a name: not modelled. */
		while (j + 1 < end - 1 && !dbrev_tok_punct(&tv[j + 1], ',')) {
			extra_add(extra, tv, j + 1, j + 2);
			j++;
		}
	}
	return end;
}

static char *
action_text(const struct dbrev_tok *tv, size_t n, size_t *i)
{
	size_t j = *i;

	if (j < n && dbrev_tok_is(&tv[j], "set") && j + 1 < n) {
		*i = j + 2;
		return dbrev_tok_is(&tv[j + 1], "null") ?
		    dbrev_xstrdup("SET NULL") : dbrev_xstrdup("SET DEFAULT");
	}
	if (j < n && dbrev_tok_is(&tv[j], "cascade")) {
		*i = j + 1;
		return dbrev_xstrdup("CASCADE");
	}
	if (j < n && dbrev_tok_is(&tv[j], "restrict")) {
		*i = j + 1;
		return dbrev_xstrdup("RESTRICT");
	}
	*i = j + 2;	/* NO ACTION */
	return dbrev_xstrdup("NO ACTION");
}

/* REFERENCES t (cols) [ON DELETE|UPDATE x] [MATCH m] [DEFERRABLE ...] */
static size_t
parse_references(const struct dbrev_tok *tv, size_t n, size_t i,
    struct dbrev_constraint *c)
{
	i++;	/* REFERENCES */
	if (i < n) {
		c->ref_table = dbrev_tok_ident(&tv[i]);
		i++;
	}
	if (i < n && dbrev_tok_punct(&tv[i], '('))
		i = parse_collist(tv, n, i, &c->ref_columns, &c->nref_columns,
		    &c->extra);
	while (i < n) {
		if (dbrev_tok_is(&tv[i], "on") && i + 1 < n &&
		    (dbrev_tok_is(&tv[i + 1], "delete") ||
		    dbrev_tok_is(&tv[i + 1], "update"))) {
			int del = dbrev_tok_is(&tv[i + 1], "delete");
			char *a;

			i += 2;
			a = action_text(tv, n, &i);
			if (del) {
				free(c->on_delete);
				c->on_delete = a;
			} else {
				free(c->on_update);
				c->on_update = a;
			}
		} else if (dbrev_tok_is(&tv[i], "match") && i + 1 < n) {
			free(c->match);
			c->match = dbrev_tok_ident(&tv[i + 1]);
			i += 2;
		} else if (dbrev_tok_is(&tv[i], "not") && i + 1 < n &&
		    dbrev_tok_is(&tv[i + 1], "deferrable")) {
			c->deferrable = 0;
			i += 2;
		} else if (dbrev_tok_is(&tv[i], "deferrable")) {
			c->deferrable = 1;
			i++;
		} else if (dbrev_tok_is(&tv[i], "initially") && i + 1 < n) {
			c->initially_deferred = dbrev_tok_is(&tv[i + 1],
			    "deferred");
			i += 2;
		} else
			break;
	}
	if (c->on_delete == NULL)
		c->on_delete = dbrev_xstrdup("NO ACTION");
	if (c->on_update == NULL)
		c->on_update = dbrev_xstrdup("NO ACTION");
	return i;
}

static int
is_colcon_start(const struct dbrev_tok *t)
{
	static const char *const kw[] = { "constraint", "primary", "not",
	    "null", "unique", "check", "default", "collate", "references",
	    "generated", "as" };
	size_t k;

	for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
		if (dbrev_tok_is(t, kw[k]))
			return 1;
	return 0;
}

/* Skip a DEFAULT value: literal, signed number, (expr) or word. */
static size_t
skip_default(const struct dbrev_tok *tv, size_t n, size_t i)
{
	if (i >= n)
		return i;
	if (dbrev_tok_punct(&tv[i], '('))
		return skip_parens(tv, n, i);
	if (dbrev_tok_punct(&tv[i], '-') || dbrev_tok_punct(&tv[i], '+'))
		return i + 2;
	return i + 1;
}

/* One column definition, tokens [a, b). */
static void
parse_column(struct dbrev_table *t, const struct dbrev_tok *tv, size_t a,
    size_t b)
{
	struct dbrev_column *col;
	struct dbrev_constraint *c;
	char *name, *cname = NULL;
	size_t i, j;

	name = dbrev_tok_ident(&tv[a]);
	col = dbrev_table_column(t, name);
	if (col == NULL) {	/* not in the pragma: ignore */
		free(name);
		return;
	}
	free(col->definition);
	col->definition = dbrev_xstrndup(tv[a].s, (size_t)(tv[b - 1].e -
	    tv[a].s));
	i = a + 1;
	while (i < b && !is_colcon_start(&tv[i])) {
		if (dbrev_tok_punct(&tv[i], '('))
			i = skip_parens(tv, b, i);
		else
			i++;
	}
	while (i < b) {
		if (dbrev_tok_is(&tv[i], "constraint") && i + 1 < b) {
			free(cname);
			cname = dbrev_tok_ident(&tv[i + 1]);
			i += 2;
			continue;
		}
		if (dbrev_tok_is(&tv[i], "primary")) {
			c = dbrev_table_add_constraint(t, DBREV_CON_PRIMARY_KEY,
			    cname);
			dbrev_strv_add(&c->columns, &c->ncolumns, name);
			j = i + 2;
			while (j < b && (dbrev_tok_is(&tv[j], "asc") ||
			    dbrev_tok_is(&tv[j], "desc") ||
			    dbrev_tok_is(&tv[j], "autoincrement") ||
			    dbrev_tok_is(&tv[j], "on")))
				j = dbrev_tok_is(&tv[j], "on") ?
				    skip_conflict(tv, b, j) : j + 1;
			extra_add(&c->extra, tv, i + 2, j);
			i = j;
		} else if (dbrev_tok_is(&tv[i], "not") && i + 1 < b &&
		    dbrev_tok_is(&tv[i + 1], "null")) {
			j = skip_conflict(tv, b, i + 2);
			if (cname != NULL || j > i + 2) {
				/* The pragma has NOT NULL; keep the rest. */
				if (cname != NULL) {
					struct dbrev_buf e = { 0 };
					dbrev_buf_printf(&e, "constraint %s",
					    cname);
					if (col->extra != NULL) {
						dbrev_buf_printf(&e, " %s",
						    col->extra);
						free(col->extra);
					}
					col->extra = dbrev_buf_take(&e);
				}
				extra_add(&col->extra, tv, i, j);
			}
			i = j;
		} else if (dbrev_tok_is(&tv[i], "null")) {
			i = skip_conflict(tv, b, i + 1);
		} else if (dbrev_tok_is(&tv[i], "unique")) {
			c = dbrev_table_add_constraint(t, DBREV_CON_UNIQUE, cname);
			dbrev_strv_add(&c->columns, &c->ncolumns, name);
			j = skip_conflict(tv, b, i + 1);
			extra_add(&c->extra, tv, i + 1, j);
			i = j;
		} else if (dbrev_tok_is(&tv[i], "check") && i + 1 < b) {
			c = dbrev_table_add_constraint(t, DBREV_CON_CHECK, cname);
			j = skip_parens(tv, b, i + 1);
			c->expr = span_norm(tv, i + 2, j - 1);
			i = j;
		} else if (dbrev_tok_is(&tv[i], "default")) {
			if (cname != NULL)
				extra_add(&col->extra, tv, i - 2, i);
			i = skip_default(tv, b, i + 1);
		} else if (dbrev_tok_is(&tv[i], "collate") && i + 1 < b) {
			free(col->collation);
			col->collation = dbrev_tok_ident(&tv[i + 1]);
			i += 2;
		} else if (dbrev_tok_is(&tv[i], "references")) {
			c = dbrev_table_add_constraint(t, DBREV_CON_FOREIGN_KEY,
			    cname);
			dbrev_strv_add(&c->columns, &c->ncolumns, name);
			i = parse_references(tv, b, i, c);
		} else if (dbrev_tok_is(&tv[i], "generated") ||
		    dbrev_tok_is(&tv[i], "as")) {
			while (i < b && !dbrev_tok_punct(&tv[i], '('))
				i++;
			j = skip_parens(tv, b, i);
			free(col->generated);
			col->generated = span_norm(tv, i + 1, j - 1);
			col->generated_stored = j < b &&
			    dbrev_tok_is(&tv[j], "stored");
			if (j < b && (dbrev_tok_is(&tv[j], "stored") ||
			    dbrev_tok_is(&tv[j], "virtual")))
				j++;
			i = j;
		} else {
			/* Not understood: compared as text. */
			extra_add(&col->extra, tv, i, i + 1);
			i++;
		}
		free(cname);
		cname = NULL;
	}
	free(cname);
	free(name);
}

/* One table constraint, tokens [a, b). */
static void
parse_table_constraint(struct dbrev_table *t, const struct dbrev_tok *tv,
    size_t a, size_t b)
{
	struct dbrev_constraint *c;
	char *cname = NULL;
	size_t i = a, j;

	if (dbrev_tok_is(&tv[i], "constraint") && i + 1 < b) {
		cname = dbrev_tok_ident(&tv[i + 1]);
		i += 2;
	}
	if (i >= b) {
		free(cname);
		return;
	}
	if (dbrev_tok_is(&tv[i], "primary") || dbrev_tok_is(&tv[i], "unique")) {
		int pk = dbrev_tok_is(&tv[i], "primary");

		c = dbrev_table_add_constraint(t, pk ? DBREV_CON_PRIMARY_KEY :
		    DBREV_CON_UNIQUE, cname);
		i += pk ? 2 : 1;
		i = parse_collist(tv, b, i, &c->columns, &c->ncolumns,
		    &c->extra);
		extra_add(&c->extra, tv, i, b);	/* ON CONFLICT ... */
	} else if (dbrev_tok_is(&tv[i], "check")) {
		c = dbrev_table_add_constraint(t, DBREV_CON_CHECK, cname);
		j = skip_parens(tv, b, i + 1);
		c->expr = span_norm(tv, i + 2, j - 1);
	} else if (dbrev_tok_is(&tv[i], "foreign")) {
		c = dbrev_table_add_constraint(t, DBREV_CON_FOREIGN_KEY, cname);
		i = parse_collist(tv, b, i + 2, &c->columns, &c->ncolumns,
		    &c->extra);
		if (i < b && dbrev_tok_is(&tv[i], "references"))
			i = parse_references(tv, b, i, c);
		extra_add(&c->extra, tv, i, b);
	}
	free(cname);
}

/* Parse the stored CREATE TABLE text for what the pragmas lack. */
static void
parse_create_table(struct dbrev_table *t, const char *sql)
{
	struct dbrev_tok *tv;
	size_t n, i, start, end, item;
	int depth;

	dbrev_sqltok_all(sql, &tv, &n);
	for (i = 0; i < n && !dbrev_tok_punct(&tv[i], '('); i++)
		;
	if (i >= n) {
		free(tv);
		return;
	}
	end = skip_parens(tv, n, i);
	/* Table options after the body. */
	if (end < n)
		t->options = span_norm(tv, end, n);
	start = i + 1;
	depth = 0;
	for (item = start, i = start; i < end; i++) {
		int last = i == end - 1;

		if (dbrev_tok_punct(&tv[i], '('))
			depth++;
		else if (dbrev_tok_punct(&tv[i], ')'))
			depth--;
		if (!last && !(depth == 0 && dbrev_tok_punct(&tv[i], ',')))
			continue;
		if (i > item) {
			const struct dbrev_tok *f = &tv[item];

			if (dbrev_tok_is(f, "constraint") ||
			    dbrev_tok_is(f, "primary") ||
			    dbrev_tok_is(f, "unique") ||
			    dbrev_tok_is(f, "check") ||
			    dbrev_tok_is(f, "foreign"))
				parse_table_constraint(t, tv, item, i);
			else
				parse_column(t, tv, item, i);
		}
		item = i + 1;
	}
	free(tv);
}

static char *
lower_dup(const char *s)
{
	char *d = dbrev_xstrdup(s != NULL ? s : "");
	char *p;

	for (p = d; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

static int
read_columns(sqlite3 *db, struct dbrev_table *t, struct dbrev_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\", dflt_value,"
	    " pk, hidden FROM pragma_table_xinfo(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "reading columns of %s: %s", t->name, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbrev_column *c;
		char *name;
		int hidden;

		hidden = sqlite3_column_int(st, 5);
		if (hidden == 1)	/* hidden column of a virtual table */
			continue;
		name = lower_dup((const char *)sqlite3_column_text(st, 0));
		c = dbrev_table_add_column(t, name);
		free(name);
		c->type = dbrev_sql_normalize((const char *)
		    sqlite3_column_text(st, 1) != NULL ?
		    (const char *)sqlite3_column_text(st, 1) : "");
		c->notnull = sqlite3_column_int(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			c->default_expr = dbrev_sql_normalize((const char *)
			    sqlite3_column_text(st, 3));
		c->pk_position = sqlite3_column_int(st, 4);
		c->generated_stored = hidden == 3;
		if (hidden == 2 || hidden == 3)
			c->generated = dbrev_xstrdup("");	/* from the SQL */
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "reading columns of %s: %s", t->name, sqlite3_errmsg(db));
	return 0;
}

/* Names (tables and views) an SQL text mentions, as dependencies. */
static void
add_name_deps(const struct dbrev_schema *s, const char *self, const char *sql,
    char ***deps, size_t *ndeps)
{
	struct dbrev_tok *tv;
	size_t n, i, k;

	dbrev_sqltok_all(sql, &tv, &n);
	for (i = 0; i < n; i++) {
		char *id;
		int found = 0;

		if (tv[i].type != T_WORD && tv[i].type != T_QUOTED)
			continue;
		id = dbrev_tok_ident(&tv[i]);
		if (strcmp(id, self) == 0) {
			free(id);
			continue;
		}
		if (dbrev_schema_table(s, id) != NULL ||
		    dbrev_schema_object(s, DBREV_OBJ_VIEW, id) != NULL) {
			found = 1;
			for (k = 0; k < *ndeps; k++)
				if (strcmp((*deps)[k], id) == 0)
					found = 0;
		}
		if (found)
			dbrev_strv_add(deps, ndeps, id);
		free(id);
	}
	free(tv);
}

size_t
dbrev_sqlite_internal_table(const char *sql)
{
	static const char *const names[] = { "sqlite_sequence", "sqlite_stat1",
	    "sqlite_stat2", "sqlite_stat3", "sqlite_stat4",
	    DBREV_DEFAULT_TABLE };
	struct dbrev_tok tok[7];
	const char *p = sql, *s, *e;
	enum dbrev_tok_type t;
	size_t n = 0, i = 2, k;
	char *name, *stmt;
	int hit = 0, whole;

	/* CREATE TABLE [IF NOT EXISTS] [main.]name */
	while (n < 7 && (t = dbrev_sqltok_scan(&p, &s, &e)) != T_END) {
		tok[n].type = t;
		tok[n].s = s;
		tok[n++].e = e;
	}
	if (n < 3 || !dbrev_tok_is(&tok[0], "create") ||
	    !dbrev_tok_is(&tok[1], "table"))
		return 0;
	if (n > 5 && dbrev_tok_is(&tok[2], "if") &&
	    dbrev_tok_is(&tok[3], "not") && dbrev_tok_is(&tok[4], "exists"))
		i = 5;
	if (i + 2 < n && dbrev_tok_punct(&tok[i + 1], '.')) {
		name = dbrev_tok_ident(&tok[i]);
		hit = strcmp(name, "main") == 0;
		free(name);
		if (!hit)
			return 0;
		i += 2;
	}
	if (tok[i].type != T_WORD && tok[i].type != T_QUOTED &&
	    tok[i].type != T_STRING)
		return 0;
	name = dbrev_tok_ident(&tok[i]);
	for (hit = 0, k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		hit |= strcmp(name, names[k]) == 0;
	free(name);
	if (!hit)
		return 0;
	/*
	 * The statement ends at the first ";" outside quotes and comments;
	 * one that SQLite would not read as whole (an unclosed quote) is
	 * left for SQLite to report.
	 */
	for (p = sql; (t = dbrev_sqltok_scan(&p, &s, &e)) != T_END;)
		if (t == T_PUNCT && e - s == 1 && *s == ';')
			break;
	stmt = dbrev_xmalloc((size_t)(p - sql) + 3);
	memcpy(stmt, sql, (size_t)(p - sql));
	memcpy(stmt + (p - sql), "\n;", 3);
	whole = sqlite3_complete(stmt);
	free(stmt);
	return whole ? (size_t)(p - sql) : 0;
}

int
dbrev_sqlite_introspect(struct sqlite3 *db, struct dbrev_schema **out,
    struct dbrev_error *err)
{
	struct dbrev_schema *s;
	sqlite3_stmt *st;
	size_t i, k;
	int rc;

	*out = NULL;
	s = dbrev_schema_new(DBREV_DIALECT_SQLITE);
	/* Shadow tables of virtual tables belong to them: leave them out. */
	rc = sqlite3_prepare_v2(db,
	    "SELECT m.type, m.name, m.tbl_name, m.sql FROM sqlite_schema m"
	    " WHERE m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	    " AND m.sql IS NOT NULL"
	    " AND m.name NOT IN (SELECT l.name FROM pragma_table_list l"
	    "  WHERE l.schema = 'main' AND l.type = 'shadow')"
	    " ORDER BY m.name", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		dbrev_schema_free(s);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "reading the SQLite schema: %s", sqlite3_errmsg(db));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *sql = (const char *)sqlite3_column_text(st, 3);
		char *name = lower_dup((const char *)sqlite3_column_text(st, 1));
		char *tbl = lower_dup((const char *)sqlite3_column_text(st, 2));
		struct dbrev_object *o = NULL;
		struct dbrev_tok *tv;
		size_t n;

		dbrev_sqltok_all(sql, &tv, &n);
		if (strcmp(type, "table") == 0 && n > 1 &&
		    dbrev_tok_is(&tv[1], "virtual")) {
			o = dbrev_schema_add_object(s, DBREV_OBJ_OTHER, NULL,
			    name);
			dbrev_schema_add_unmodelled(s, "virtual table %s: not "
			    "modelled; a change to it is written as drop and "
			    "create, which loses its rows", name);
		} else if (strcmp(type, "table") == 0) {
			struct dbrev_table *t;

			t = dbrev_schema_add_table(s, NULL, name);
			t->sql = dbrev_xstrdup(sql);
		} else if (strcmp(type, "index") == 0) {
			o = dbrev_schema_add_object(s, DBREV_OBJ_INDEX, NULL,
			    name);
			o->unique = n > 1 && dbrev_tok_is(&tv[1], "unique");
			o->table = dbrev_xstrdup(tbl);
			dbrev_strv_add(&o->deps, &o->ndeps, tbl);
		} else if (strcmp(type, "view") == 0) {
			o = dbrev_schema_add_object(s, DBREV_OBJ_VIEW, NULL,
			    name);
		} else if (strcmp(type, "trigger") == 0) {
			o = dbrev_schema_add_object(s, DBREV_OBJ_TRIGGER, NULL,
			    name);
			o->table = dbrev_xstrdup(tbl);
		}
		if (o != NULL) {
			o->sql = dbrev_xstrdup(sql);
			o->definition = dbrev_sql_normalize(sql);
		}
		free(tv);
		free(name);
		free(tbl);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dbrev_schema_free(s);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "reading the SQLite schema: %s", sqlite3_errmsg(db));
	}
	/* Temporary objects vanish with the connection: named, not kept. */
	if (sqlite3_prepare_v2(db, "SELECT type, name FROM temp.sqlite_schema"
	    " ORDER BY name", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			dbrev_schema_add_unmodelled(s, "temporary %s %s: not "
			    "part of the database schema; ignored",
			    (const char *)sqlite3_column_text(st, 0),
			    (const char *)sqlite3_column_text(st, 1));
		sqlite3_finalize(st);
	}
	dbrev_schema_sort(s);
	for (i = 0; i < s->ntables; i++) {
		struct dbrev_table *t = s->tables[i];

		if (read_columns(db, t, err) == -1) {
			dbrev_schema_free(s);
			return -1;
		}
		parse_create_table(t, t->sql);
		for (k = 0; k < t->ncolumns; k++)
			if (t->columns[k].definition == NULL)
				t->columns[k].definition =
				    dbrev_xstrdup(t->columns[k].name);
		for (k = 0; k < t->nconstraints; k++) {
			const struct dbrev_constraint *c = &t->constraints[k];
			size_t d;
			int dup = 0;

			if (c->kind != DBREV_CON_FOREIGN_KEY ||
			    c->ref_table == NULL ||
			    strcmp(c->ref_table, t->name) == 0)
				continue;
			for (d = 0; d < t->ndeps; d++)
				if (strcmp(t->deps[d], c->ref_table) == 0)
					dup = 1;
			if (!dup)
				dbrev_strv_add(&t->deps, &t->ndeps,
				    c->ref_table);
		}
	}
	for (i = 0; i < s->nobjects; i++) {
		struct dbrev_object *o = s->objects[i];

		if (o->kind == DBREV_OBJ_VIEW || o->kind == DBREV_OBJ_TRIGGER)
			add_name_deps(s, o->name, o->sql, &o->deps, &o->ndeps);
	}
	*out = s;
	return 0;
}
