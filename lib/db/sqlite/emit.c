/*
 * emit.c - SQL for SQLite from a schema diff.
 *
 * Tables and objects are created from the text the engine stored for
 * the wanted side, so what is built is exactly what the schema file
 * says, including clauses the model only compares as text.  Column
 * additions and drops use ALTER TABLE where SQLite allows them; every
 * other table change uses the twelve-step rebuild of
 * https://www.sqlite.org/lang_altertable.html#otheralter: create the new
 * table, copy the common columns, drop the old one, rename the new one;
 * the diff drops the table's indexes, triggers and the views reading it
 * before and creates them again after.
 *
 * Foreign keys during a rebuild.  DROP TABLE on a table that others
 * reference runs an implicit DELETE (firing ON DELETE actions) and,
 * with foreign keys on, leaves deferred violations that the rename does
 * not clear, so such a rebuild needs PRAGMA foreign_keys=OFF, which
 * SQLite ignores inside a transaction.  Such a revision is therefore
 * "transaction: none" and carries its own BEGIN/COMMIT (fk_off form).
 * A rebuild of a table nobody references runs inside the revision's
 * transaction with PRAGMA defer_foreign_keys=ON.  Both forms end with a
 * foreign_key_check that fails the script when a foreign key no longer
 * holds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/schema.h"
#include "dbrev/util.h"
#include "schema.h"
#include "text.h"
#include "../../schema/sqltok.h"

#define REBUILD_PREFIX "_dbrev_new_"

/* Does the column definition's DEFAULT need more than ADD COLUMN allows? */
static int
default_not_constant(const char *def)
{
	struct dbrev_tok *tv;
	size_t n, i;
	int bad = 0;

	if (def == NULL)
		return 0;
	dbrev_sqltok_all(def, &tv, &n);
	for (i = 0; i + 1 < n; i++)
		if (dbrev_tok_is(&tv[i], "default") &&
		    (dbrev_tok_punct(&tv[i + 1], '(') ||
		    dbrev_tok_is(&tv[i + 1], "current_time") ||
		    dbrev_tok_is(&tv[i + 1], "current_date") ||
		    dbrev_tok_is(&tv[i + 1], "current_timestamp")))
			bad = 1;
	free(tv);
	return bad;
}

int
dbrev_sqlite_needs_rebuild(const struct dbrev_change *c)
{
	size_t i;

	if (c->kind != DBREV_CHANGE_ALTER_TABLE)
		return 0;
	if (c->table_what & DBREV_TABLE_OPTIONS || c->nconstraints > 0)
		return 1;
	for (i = 0; i < c->ncolumns; i++) {
		const struct dbrev_column_change *cc = &c->columns[i];

		switch (cc->kind) {
		case DBREV_COLUMN_ALTER:
			return 1;
		case DBREV_COLUMN_DROP:
			if (cc->from->pk_position > 0)
				return 1;
			break;
		case DBREV_COLUMN_ADD:
			if (cc->to->pk_position > 0 ||
			    (cc->to->generated != NULL &&
			    cc->to->generated_stored) ||
			    (cc->to->notnull && cc->to->generated == NULL &&
			    (cc->to->default_expr == NULL ||
			    strcmp(cc->to->default_expr, "null") == 0)) ||
			    default_not_constant(cc->to->definition))
				return 1;
			break;
		}
	}
	return 0;
}

static int
sqlite_invalidates(const struct dbrev_change *tc,
    const struct dbrev_object *dep, void *arg)
{
	size_t i;

	(void)arg;
	/* A rebuild drops the table with its indexes and triggers. */
	if (dbrev_sqlite_needs_rebuild(tc))
		return 1;
	if (dep->kind == DBREV_OBJ_INDEX)
		return 0;
	for (i = 0; i < tc->ncolumns; i++)
		if (tc->columns[i].kind == DBREV_COLUMN_DROP)
			return 1;
	return 0;
}

void
dbrev_sqlite_diff_options(struct dbrev_diff_options *o)
{
	memset(o, 0, sizeof(*o));
	o->invalidates = sqlite_invalidates;
}

/* Is the table named `name` referenced by a foreign key in s? */
static int
referenced(const struct dbrev_schema *s, const char *name)
{
	size_t i, k;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->ntables; i++)
		for (k = 0; k < s->tables[i]->nconstraints; k++) {
			const struct dbrev_constraint *c =
			    &s->tables[i]->constraints[k];

			if (c->kind == DBREV_CON_FOREIGN_KEY &&
			    c->ref_table != NULL &&
			    strcmp(c->ref_table, name) == 0)
				return 1;
		}
	return 0;
}

int
dbrev_sqlite_needs_fk_off(const struct dbrev_diff *d)
{
	size_t i;

	for (i = 0; i < d->nchanges; i++) {
		const struct dbrev_change *c = &d->changes[i];

		if (!dbrev_sqlite_needs_rebuild(c))
			continue;
		if (referenced(d->from, c->from->name) ||
		    referenced(d->to, c->to->name))
			return 1;
	}
	return 0;
}

static void
put_ident(struct dbrev_buf *out, const char *name)
{
	dbrev_sql_ident_add(out, name);
}

/*
 * Index of the table name token of a CREATE TABLE text, past IF NOT
 * EXISTS and a schema prefix (*first: the prefix's first token), or n.
 */
static size_t
create_name_index(const struct dbrev_tok *tv, size_t n, size_t *first)
{
	size_t i;

	for (i = 0; i < n && !dbrev_tok_is(&tv[i], "table"); i++)
		;
	i++;
	if (i + 2 < n && dbrev_tok_is(&tv[i], "if") &&
	    dbrev_tok_is(&tv[i + 1], "not") && dbrev_tok_is(&tv[i + 2], "exists"))
		i += 3;
	if (i >= n || (tv[i].type != T_WORD && tv[i].type != T_QUOTED &&
	    tv[i].type != T_STRING))
		return n;
	*first = i;
	if (i + 2 < n && dbrev_tok_punct(&tv[i + 1], '.') &&
	    tv[i + 2].type != T_PUNCT)
		i += 2;
	return i;
}

/* A name token as SQLite stores the name: quotes removed, case kept. */
static char *
tok_name(const struct dbrev_tok *t)
{
	struct dbrev_buf b = { 0 };
	const char *s = t->s, *e = t->e;
	char q;

	dbrev_buf_puts(&b, "");
	if (t->type != T_QUOTED && t->type != T_STRING) {
		dbrev_buf_add(&b, s, (size_t)(e - s));
		return dbrev_buf_take(&b);
	}
	q = *s == '[' ? ']' : *s;
	if (e - s >= 2 && e[-1] == q)
		e--;
	for (s++; s < e; s++) {
		if (*s == q && q != ']' && s + 1 < e && s[1] == q)
			s++;
		dbrev_buf_add(&b, s, 1);
	}
	return dbrev_buf_take(&b);
}

char *
dbrev_sqlite_create_name(const char *sql)
{
	struct dbrev_tok *tv;
	size_t n, i, first;
	char *name = NULL;

	dbrev_sqltok_all(sql, &tv, &n);
	if ((i = create_name_index(tv, n, &first)) < n)
		name = tok_name(&tv[i]);
	free(tv);
	return name;
}

void
dbrev_sqlite_put_create_name(struct dbrev_buf *out, const char *sql,
    const char *fallback)
{
	struct dbrev_tok *tv;
	size_t n, i, first;
	char *name;

	dbrev_sqltok_all(sql, &tv, &n);
	if ((i = create_name_index(tv, n, &first)) >= n)
		put_ident(out, fallback);
	else if (tv[i].type == T_WORD)
		dbrev_buf_add(out, tv[i].s, (size_t)(tv[i].e - tv[i].s));
	else {
		name = tok_name(&tv[i]);
		put_ident(out, name);
		free(name);
	}
	free(tv);
}

void
dbrev_sqlite_put_create_renamed(struct dbrev_buf *out, const char *sql,
    const char *newname)
{
	struct dbrev_tok *tv;
	size_t n, i, k, first;
	const char *from;
	char *old, *id;

	dbrev_sqltok_all(sql, &tv, &n);
	if ((i = create_name_index(tv, n, &first)) >= n) {
		dbrev_buf_puts(out, sql);
		free(tv);
		return;
	}
	/* schema.name: replace both. */
	dbrev_buf_add(out, sql, (size_t)(tv[first].s - sql));
	put_ident(out, newname);
	/*
	 * A CHECK may name the table ("t.a > 0"): name the new one, which
	 * the RENAME TO that ends the rebuild turns back.
	 */
	old = dbrev_tok_ident(&tv[i]);
	from = tv[i].e;
	for (k = i + 1; k + 1 < n; k++) {
		if ((tv[k].type != T_WORD && tv[k].type != T_QUOTED) ||
		    !dbrev_tok_punct(&tv[k + 1], '.'))
			continue;
		id = dbrev_tok_ident(&tv[k]);
		if (strcmp(id, old) == 0) {
			dbrev_buf_add(out, from, (size_t)(tv[k].s - from));
			put_ident(out, newname);
			from = tv[k].e;
		}
		free(id);
	}
	dbrev_buf_puts(out, from);
	free(old);
	free(tv);
}

void
dbrev_sqlite_put_statement(struct dbrev_buf *out, const char *sql)
{
	const char *p = sql, *s, *e, *end = sql;
	enum dbrev_tok_type t;

	while ((t = dbrev_sqltok_scan(&p, &s, &e)) != T_END)
		if (!(t == T_PUNCT && e - s == 1 && *s == ';'))
			end = e;
	dbrev_buf_add(out, sql, (size_t)(end - sql));
	dbrev_buf_puts(out, ";\n");
}

void
dbrev_sqlite_put_comment(struct dbrev_buf *out, const char *text)
{
	const char *p;

	dbrev_buf_puts(out, "-- ");
	for (p = text; *p != '\0'; p++) {
		if (*p == '\n')
			dbrev_buf_puts(out, "\\n");
		else if (*p == '\r')
			dbrev_buf_puts(out, "\\r");
		else
			dbrev_buf_add(out, p, 1);
	}
	dbrev_buf_puts(out, "\n");
}

/* A line for stderr (newlines in names made blanks). */
static void
add_warning(char ***w, size_t *nw, struct dbrev_buf *m)
{
	size_t i;

	for (i = 0; i < m->len; i++)
		if (m->data[i] == '\n' || m->data[i] == '\r')
			m->data[i] = ' ';
	dbrev_strv_add(w, nw, m->data);
}

/* A warning: a "-- WARNING: " line in the SQL and a line for stderr. */
static void
put_warning(struct dbrev_buf *out, char ***w, size_t *nw, const char *what,
    const char *detail)
{
	struct dbrev_buf m = { 0 };

	dbrev_buf_printf(&m, "WARNING: %s (%s)", what, detail);
	dbrev_sqlite_put_comment(out, m.data);
	dbrev_buf_reset(&m);
	dbrev_buf_printf(&m, "%s: %s", what, detail);
	add_warning(w, nw, &m);
	dbrev_buf_free(&m);
}

/* A NOT NULL column without a default cannot be added to a table with rows. */
static void
warn_not_null(struct dbrev_buf *out, const char *table,
    const struct dbrev_column *c, char ***w, size_t *nw)
{
	struct dbrev_buf m = { 0 };

	if (!c->notnull || c->generated != NULL || (c->default_expr != NULL &&
	    strcmp(c->default_expr, "null") != 0))
		return;
	dbrev_buf_printf(&m, "WARNING: %s.%s is NOT NULL without a default: "
	    "fails if %s has rows; edit to supply values", table, c->name,
	    table);
	dbrev_sqlite_put_comment(out, m.data);
	dbrev_buf_reset(&m);
	dbrev_buf_printf(&m, "column %s.%s is NOT NULL without a default: the "
	    "change fails if the table has rows; edit the revision to supply "
	    "values", table, c->name);
	add_warning(w, nw, &m);
	dbrev_buf_free(&m);
}

static int
autoincrement(const struct dbrev_table *t)
{
	size_t i;

	for (i = 0; i < t->nconstraints; i++)
		if (t->constraints[i].kind == DBREV_CON_PRIMARY_KEY &&
		    t->constraints[i].extra != NULL &&
		    strstr(t->constraints[i].extra, "autoincrement") != NULL)
			return 1;
	return 0;
}

/* Does the SQL text (table options, a constraint's extra) hold the word? */
static int
has_word(const char *text, const char *word)
{
	struct dbrev_tok *tv;
	size_t n, i;
	int found = 0;

	if (text == NULL)
		return 0;
	dbrev_sqltok_all(text, &tv, &n);
	for (i = 0; i < n && !found; i++)
		found = dbrev_tok_is(&tv[i], word);
	free(tv);
	return found;
}

static int
has_rowid(const struct dbrev_table *t)
{
	return !has_word(t->options, "without");
}

/*
 * The column that is the table's rowid (INTEGER PRIMARY KEY), or NULL.
 * A DESC key is taken as no alias: written on the column it is none.
 */
static const char *
rowid_alias(const struct dbrev_table *t)
{
	const struct dbrev_constraint *k;
	const struct dbrev_column *c;
	size_t i;

	if (!has_rowid(t))
		return NULL;
	for (i = 0; i < t->nconstraints; i++) {
		k = &t->constraints[i];
		if (k->kind != DBREV_CON_PRIMARY_KEY || k->ncolumns != 1 ||
		    has_word(k->extra, "desc"))
			continue;
		c = dbrev_table_column(t, k->columns[0]);
		if (c != NULL && strcmp(c->type, "integer") == 0)
			return c->name;
	}
	return NULL;
}

/* Is column `name` the table's rowid? */
static int
rowid_is(const struct dbrev_table *t, const char *name)
{
	const char *alias = rowid_alias(t);

	return alias != NULL && strcmp(alias, name) == 0;
}

/*
 * How SQLite stores a value in a column (the type's affinity,
 * https://www.sqlite.org/datatype3.html): INTEGER and NUMERIC store
 * alike; BLOB (no type, STRICT's ANY) stores what it is given.
 */
enum affinity { AFF_BLOB, AFF_TEXT, AFF_NUMERIC, AFF_REAL };

static enum affinity
affinity(const struct dbrev_table *t, const struct dbrev_column *c)
{
	char *ty = dbrev_xstrdup(c->type != NULL ? c->type : ""), *p;
	enum affinity a;

	for (p = ty; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (*ty == '\0' || (strcmp(ty, "any") == 0 &&
	    has_word(t->options, "strict")))
		a = AFF_BLOB;
	else if (strstr(ty, "int") != NULL)
		a = AFF_NUMERIC;
	else if (strstr(ty, "char") != NULL || strstr(ty, "clob") != NULL ||
	    strstr(ty, "text") != NULL)
		a = AFF_TEXT;
	else if (strstr(ty, "blob") != NULL)
		a = AFF_BLOB;
	else if (strstr(ty, "real") != NULL || strstr(ty, "floa") != NULL ||
	    strstr(ty, "doub") != NULL)
		a = AFF_REAL;
	else
		a = AFF_NUMERIC;
	free(ty);
	return a;
}

/* Does copying column x into column y change what it holds?  Say so. */
static void
warn_converts(struct dbrev_buf *out, const struct dbrev_change *c,
    const struct dbrev_column *x, const struct dbrev_column *y,
    char ***w, size_t *nw)
{
	static const char *const how[] = {
	    [AFF_BLOB] = "",
	    [AFF_TEXT] = "numbers are stored as text (7 becomes '7')",
	    [AFF_NUMERIC] = ("text that reads as a number is stored as a "
		"number ('007' becomes 7, '1e3' becomes 1000, digits past 64 "
		"bits are rounded off) and whole REAL values as integers"),
	    [AFF_REAL] = ("integers and text that reads as a number are "
		"stored as REAL (exact up to 2^53)") };
	struct dbrev_buf m = { 0 };
	enum affinity ax, ay;
	size_t start;

	dbrev_buf_printf(&m, "column %s.%s: ", c->to->name, y->name);
	start = m.len;
	if (y->generated != NULL) {
		if (x->generated == NULL)
			dbrev_buf_printf(&m, "its values are replaced by the "
			    "generation expression %s", y->generated);
	} else {
		ax = affinity(c->from, x);
		ay = affinity(c->to, y);
		if (ax != ay && ay != AFF_BLOB)
			dbrev_buf_printf(&m, "type %s -> %s: %s",
			    *x->type ? x->type : "(none)",
			    *y->type ? y->type : "(none)", how[ay]);
		if (y->notnull && !x->notnull && y->default_expr != NULL &&
		    strcmp(y->default_expr, "null") != 0)
			dbrev_buf_printf(&m, "%sNULLs become %s",
			    m.len > start ? "; " : "", y->default_expr);
		if (rowid_is(c->to, y->name) && !rowid_is(c->from, x->name))
			dbrev_buf_printf(&m, "%sit becomes the rowid: the rowids "
			    "take its values%s", m.len > start ? "; " : "",
			    x->notnull ? "" : ", and a NULL gets a new number");
	}
	if (m.len > start)
		put_warning(out, w, nw, "converts data", m.data);
	dbrev_buf_free(&m);
}

/* What the rebuild drops or converts, said before it runs. */
static void
rebuild_warnings(struct dbrev_buf *out, const struct dbrev_change *c,
    char ***w, size_t *nw)
{
	const struct dbrev_table *a = c->from, *b = c->to;
	struct dbrev_buf m = { 0 };
	size_t i;

	for (i = 0; i < c->ncolumns; i++) {
		const struct dbrev_column_change *cc = &c->columns[i];

		if (cc->kind == DBREV_COLUMN_DROP) {
			dbrev_buf_reset(&m);
			dbrev_buf_printf(&m, "column %s.%s", a->name,
			    cc->from->name);
			put_warning(out, w, nw, "drops data", m.data);
		} else if (cc->kind == DBREV_COLUMN_ALTER)
			warn_converts(out, c, cc->from, cc->to, w, nw);
		if (cc->kind == DBREV_COLUMN_ADD ||
		    (cc->kind == DBREV_COLUMN_ALTER &&
		    (cc->what & DBREV_COL_GENERATED) &&
		    cc->from->generated != NULL))
			warn_not_null(out, b->name, cc->to, w, nw);
	}
	if (has_rowid(a) && !has_rowid(b) && rowid_alias(a) == NULL) {
		dbrev_buf_reset(&m);
		dbrev_buf_printf(&m, "the rowids of table %s: a WITHOUT ROWID "
		    "table has none", a->name);
		put_warning(out, w, nw, "drops data", m.data);
	}
	dbrev_buf_free(&m);
}

/* A name for the rowid that no column of a or b hides, or NULL. */
static const char *
rowid_name(const struct dbrev_table *a, const struct dbrev_table *b)
{
	static const char *const names[] = { "rowid", "_rowid_", "oid" };
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (dbrev_table_column(a, names[k]) == NULL &&
		    dbrev_table_column(b, names[k]) == NULL)
			return names[k];
	return NULL;
}

/*
 * Copy the rows into the new table: every column both have that the new
 * one does not compute, and the rowid (an external-content FTS index,
 * or anything else, may point at it) unless the new table's rowid is a
 * column copied anyway (a rowid alias listed after the rowid would win
 * over it).  INSERT OR ABORT: a row that a constraint of the new table
 * refuses fails the revision instead of being dropped or replaced by
 * an ON CONFLICT clause.
 */
static void
rebuild_copy(struct dbrev_buf *out, const struct dbrev_change *c,
    const char *tmp, char ***w, size_t *nw)
{
	const struct dbrev_table *a = c->from, *b = c->to;
	struct dbrev_buf cols = { 0 }, sel = { 0 }, m = { 0 };
	const char *rid = NULL, *alias = rowid_alias(b);
	size_t i;

	dbrev_buf_puts(&cols, "");
	dbrev_buf_puts(&sel, "");
	if (has_rowid(a) && has_rowid(b) &&
	    (alias == NULL || dbrev_table_column(a, alias) == NULL)) {
		if ((rid = rowid_name(a, b)) != NULL) {
			dbrev_buf_puts(&cols, rid);
			dbrev_buf_puts(&sel, rid);
		} else {
			dbrev_buf_printf(&m, "table %s: its rowids are "
			    "renumbered (columns hide rowid, _rowid_ and oid)",
			    a->name);
			put_warning(out, w, nw, "converts data", m.data);
		}
	}
	for (i = 0; i < b->ncolumns; i++) {
		const struct dbrev_column *y = &b->columns[i], *x;

		x = dbrev_table_column(a, y->name);
		if (x == NULL || y->generated != NULL)
			continue;
		if (cols.len) {
			dbrev_buf_puts(&cols, ", ");
			dbrev_buf_puts(&sel, ", ");
		}
		put_ident(&cols, y->name);
		/* A column becoming NOT NULL takes its default for NULLs. */
		if (y->notnull && !x->notnull && y->default_expr != NULL) {
			dbrev_buf_puts(&sel, "coalesce(");
			put_ident(&sel, y->name);
			dbrev_buf_printf(&sel, ", %s)", y->default_expr);
		} else
			put_ident(&sel, y->name);
	}
	if (cols.len > 0) {
		dbrev_buf_puts(out, "INSERT OR ABORT INTO ");
		put_ident(out, tmp);
		dbrev_buf_printf(out, " (%s)\n    SELECT %s FROM ", cols.data,
		    sel.data);
		put_ident(out, a->name);
		dbrev_buf_puts(out, ";\n");
	}
	dbrev_buf_free(&cols);
	dbrev_buf_free(&sel);
	dbrev_buf_free(&m);
}

/*
 * Keep the AUTOINCREMENT counter (ids are never reused).  sqlite_sequence
 * holds a table's name as SQLite stores it, case kept.
 */
static void
rebuild_sequence(struct dbrev_buf *out, const struct dbrev_table *a,
    const char *tmp)
{
	char *old = dbrev_sqlite_create_name(a->sql);

	dbrev_buf_puts(out, "DELETE FROM sqlite_sequence WHERE name = ");
	dbrev_sqlite_quote_literal(out, tmp);
	dbrev_buf_puts(out, ";\nINSERT INTO sqlite_sequence (name, seq) "
	    "SELECT ");
	dbrev_sqlite_quote_literal(out, tmp);
	dbrev_buf_puts(out, ", seq FROM sqlite_sequence WHERE name = ");
	dbrev_sqlite_quote_literal(out, old != NULL ? old : a->name);
	dbrev_buf_puts(out, ";\n");
	free(old);
}

static void
emit_rebuild(struct dbrev_buf *out, const struct dbrev_change *c,
    char ***w, size_t *nw)
{
	const struct dbrev_table *a = c->from, *b = c->to;
	struct dbrev_buf tmp = { 0 };

	dbrev_buf_printf(&tmp, REBUILD_PREFIX "%s", b->name);
	dbrev_buf_puts(out, "-- rebuild: SQLite cannot make this change in "
	    "place (create, copy, drop, rename)\n");
	rebuild_warnings(out, c, w, nw);
	dbrev_sqlite_put_create_renamed(out, b->sql, tmp.data);
	dbrev_buf_puts(out, ";\n");
	rebuild_copy(out, c, tmp.data, w, nw);
	if (autoincrement(b))
		rebuild_sequence(out, a, tmp.data);
	dbrev_buf_puts(out, "DROP TABLE ");
	put_ident(out, a->name);
	dbrev_buf_puts(out, ";\nALTER TABLE ");
	put_ident(out, tmp.data);
	/* The name as the schema file spells it (case kept). */
	dbrev_buf_puts(out, " RENAME TO ");
	dbrev_sqlite_put_create_name(out, b->sql, b->name);
	dbrev_buf_puts(out, ";\n");
	dbrev_buf_free(&tmp);
}

static void
emit_alter(struct dbrev_buf *out, const struct dbrev_change *c,
    char ***w, size_t *nw)
{
	struct dbrev_buf m = { 0 };
	size_t i;

	for (i = 0; i < c->ncolumns; i++) {
		const struct dbrev_column_change *cc = &c->columns[i];

		if (cc->kind == DBREV_COLUMN_DROP) {
			dbrev_buf_reset(&m);
			dbrev_buf_printf(&m, "column %s.%s", c->from->name,
			    cc->from->name);
			put_warning(out, w, nw, "drops data", m.data);
			dbrev_buf_puts(out, "ALTER TABLE ");
			put_ident(out, c->from->name);
			dbrev_buf_puts(out, " DROP COLUMN ");
			put_ident(out, cc->from->name);
			dbrev_buf_puts(out, ";\n");
		}
	}
	for (i = 0; i < c->ncolumns; i++) {
		const struct dbrev_column_change *cc = &c->columns[i];

		if (cc->kind == DBREV_COLUMN_ADD) {
			dbrev_buf_puts(out, "ALTER TABLE ");
			put_ident(out, c->to->name);
			dbrev_buf_printf(out, " ADD COLUMN %s;\n",
			    cc->to->definition);
		}
	}
	dbrev_buf_free(&m);
}

static const char *
drop_keyword(enum dbrev_object_kind k)
{
	switch (k) {
	case DBREV_OBJ_INDEX:	return "INDEX";
	case DBREV_OBJ_VIEW:	return "VIEW";
	case DBREV_OBJ_TRIGGER:	return "TRIGGER";
	default:		return "TABLE";	/* virtual table */
	}
}

/*
 * Is this CREATE VIRTUAL TABLE an FTS4/FTS5 index of another table's
 * rows (content=T, T not empty)?  Created again it starts empty, and
 * its 'rebuild' command fills it from that table.
 */
static int
fts_external_content(const char *sql)
{
	struct dbrev_tok *tv;
	size_t n, i;
	int fts = 0, ext = 0;

	dbrev_sqltok_all(sql, &tv, &n);
	for (i = 0; i + 1 < n && !fts; i++)
		fts = dbrev_tok_is(&tv[i], "using") &&
		    (dbrev_tok_is(&tv[i + 1], "fts5") ||
		    dbrev_tok_is(&tv[i + 1], "fts4"));
	for (; fts && i + 2 < n && !ext; i++)
		ext = dbrev_tok_is(&tv[i], "content") &&
		    dbrev_tok_punct(&tv[i + 1], '=') &&
		    tv[i + 2].e - tv[i + 2].s > (tv[i + 2].type == T_WORD ?
		    0 : 2);
	free(tv);
	return ext;
}

static void
emit_create_object(struct dbrev_buf *out, const struct dbrev_object *o)
{
	dbrev_sqlite_put_statement(out, o->sql);
	if (o->kind != DBREV_OBJ_OTHER || !fts_external_content(o->sql))
		return;
	dbrev_buf_puts(out, "-- index the rows of its content table\n"
	    "INSERT INTO ");
	put_ident(out, o->name);
	dbrev_buf_puts(out, " (");
	put_ident(out, o->name);
	dbrev_buf_puts(out, ") VALUES ('rebuild');\n");
}

static const char fk_check[] =
    "-- fail unless every foreign key still holds (PRAGMA foreign_key_check)\n"
    "CREATE TEMP TABLE _dbrev_fk_check (violations INTEGER"
    " CHECK (violations = 0));\n"
    "INSERT INTO _dbrev_fk_check SELECT count(*) FROM"
    " pragma_foreign_key_check;\n"
    "DROP TABLE _dbrev_fk_check;\n";

void
dbrev_sqlite_emit(const struct dbrev_diff *d, int fk_off, const char *before,
    const char *after, struct dbrev_buf *out, char ***w, size_t *nw)
{
	struct dbrev_buf m = { 0 };
	size_t i, k;
	int rebuilds = 0;

	for (i = 0; i < d->nchanges; i++)
		if (dbrev_sqlite_needs_rebuild(&d->changes[i]))
			rebuilds++;
	if (before == NULL)
		before = "";
	if (after == NULL)
		after = "";
	if (d->nchanges == 0 && *before == '\0' && *after == '\0')
		return;
	if (fk_off)
		dbrev_buf_puts(out,
		    "-- Rebuilds a table that other tables reference: foreign "
		    "keys must be off,\n-- which SQLite allows only outside a "
		    "transaction (hence \"transaction: none\").\n"
		    "PRAGMA foreign_keys = OFF;\nBEGIN;\n");
	else if (rebuilds > 0)
		dbrev_buf_puts(out, "PRAGMA defer_foreign_keys = ON;\n");
	/* Unmodelled objects, named before anything runs. */
	for (k = 0; d->to != NULL && k < d->to->nunmodelled; k++) {
		dbrev_buf_reset(&m);
		dbrev_buf_printf(&m, "NOTE: %s", d->to->unmodelled[k]);
		dbrev_sqlite_put_comment(out, m.data);
	}
	dbrev_buf_puts(out, before);
	for (i = 0; i < d->nchanges; i++) {
		const struct dbrev_change *c = &d->changes[i];

		dbrev_buf_reset(&m);
		if (c->description != NULL)
			dbrev_buf_puts(&m, c->description);
		else if (c->kind == DBREV_CHANGE_DROP_OBJECT)
			dbrev_buf_printf(&m, "%s %s: dropped while what it "
			    "depends on changes", dbrev_object_kind_name(
			    c->obj_from->kind), c->obj_from->name);
		else if (c->kind == DBREV_CHANGE_CREATE_OBJECT)
			dbrev_buf_printf(&m, "%s %s: created again",
			    dbrev_object_kind_name(c->obj_to->kind),
			    c->obj_to->name);
		if (m.len > 0) {
			dbrev_buf_puts(out, "\n");
			dbrev_sqlite_put_comment(out, m.data);
		}
		dbrev_buf_reset(&m);
		switch (c->kind) {
		case DBREV_CHANGE_CREATE_TABLE:
			dbrev_sqlite_put_statement(out, c->to->sql);
			break;
		case DBREV_CHANGE_DROP_TABLE:
			dbrev_buf_printf(&m, "table %s", c->from->name);
			put_warning(out, w, nw, "drops data", m.data);
			dbrev_buf_puts(out, "DROP TABLE ");
			put_ident(out, c->from->name);
			dbrev_buf_puts(out, ";\n");
			break;
		case DBREV_CHANGE_ALTER_TABLE:
			if (dbrev_sqlite_needs_rebuild(c))
				emit_rebuild(out, c, w, nw);
			else
				emit_alter(out, c, w, nw);
			break;
		case DBREV_CHANGE_CREATE_OBJECT:
		case DBREV_CHANGE_ALTER_OBJECT:	/* not produced for SQLite */
			emit_create_object(out, c->obj_to);
			break;
		case DBREV_CHANGE_DROP_OBJECT:
			if (c->obj_from->kind == DBREV_OBJ_OTHER) {
				dbrev_buf_printf(&m, "virtual table %s",
				    c->obj_from->name);
				put_warning(out, w, nw, "drops data", m.data);
			}
			dbrev_buf_printf(out, "DROP %s ",
			    drop_keyword(c->obj_from->kind));
			put_ident(out, c->obj_from->name);
			dbrev_buf_puts(out, ";\n");
			break;
		}
	}
	dbrev_buf_puts(out, after);
	if (rebuilds > 0 || fk_off) {
		dbrev_buf_puts(out, "\n");
		dbrev_buf_puts(out, fk_check);
	}
	if (fk_off)
		dbrev_buf_puts(out, "COMMIT;\nPRAGMA foreign_keys = ON;\n");
	dbrev_buf_free(&m);
}

void
dbrev_sqlite_emit_rename_table(struct dbrev_buf *out, const char *from,
    const char *to)
{
	struct dbrev_buf m = { 0 };

	dbrev_buf_printf(&m, "rename table %s to %s (hint)", from, to);
	dbrev_buf_puts(out, "\n");
	dbrev_sqlite_put_comment(out, m.data);
	dbrev_buf_free(&m);
	dbrev_buf_puts(out, "ALTER TABLE ");
	put_ident(out, from);
	dbrev_buf_puts(out, " RENAME TO ");
	put_ident(out, to);
	dbrev_buf_puts(out, ";\n");
}

void
dbrev_sqlite_emit_rename_column(struct dbrev_buf *out, const char *table,
    const char *from, const char *to)
{
	struct dbrev_buf m = { 0 };

	dbrev_buf_printf(&m, "rename column %s.%s to %s (hint)", table, from,
	    to);
	dbrev_buf_puts(out, "\n");
	dbrev_sqlite_put_comment(out, m.data);
	dbrev_buf_free(&m);
	dbrev_buf_puts(out, "ALTER TABLE ");
	put_ident(out, table);
	dbrev_buf_puts(out, " RENAME COLUMN ");
	put_ident(out, from);
	dbrev_buf_puts(out, " TO ");
	put_ident(out, to);
	dbrev_buf_puts(out, ";\n");
}
