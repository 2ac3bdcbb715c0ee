/*
 * emit_sqlite.c - SQL for SQLite from a schema diff.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/schema.h"
#include "dbrev/util.h"
#include "sqltok.h"

#define REBUILD_PREFIX "_dbrev_new_"

static void
warn(char ***w, size_t *nw, const char *fmt, const char *a, const char *b)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), fmt, a, b != NULL ? b : "");
	dbrev_strv_add(w, nw, buf);
}

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

/* The CREATE TABLE text with the table's name replaced by newname. */
static void
put_create_renamed(struct dbrev_buf *out, const char *sql,
    const char *newname)
{
	struct dbrev_tok *tv;
	size_t n, i;

	dbrev_sqltok_all(sql, &tv, &n);
	for (i = 0; i < n && !dbrev_tok_is(&tv[i], "table"); i++)
		;
	i++;
	if (i + 2 < n && dbrev_tok_is(&tv[i], "if"))
		i += 3;
	if (i >= n) {
		dbrev_buf_puts(out, sql);
		free(tv);
		return;
	}
	/* schema.name: replace both. */
	dbrev_buf_add(out, sql, (size_t)(tv[i].s - sql));
	put_ident(out, newname);
	if (i + 2 < n && dbrev_tok_punct(&tv[i + 1], '.'))
		i += 2;
	dbrev_buf_puts(out, tv[i].e);
	free(tv);
}

static void
put_statement(struct dbrev_buf *out, const char *sql)
{
	size_t n = strlen(sql);

	while (n > 0 && (sql[n - 1] == ';' || sql[n - 1] == ' ' ||
	    sql[n - 1] == '\n' || sql[n - 1] == '\t'))
		n--;
	dbrev_buf_add(out, sql, n);
	dbrev_buf_puts(out, ";\n");
}

/* A NOT NULL column without a default cannot be added to a table with rows. */
static void
warn_not_null(struct dbrev_buf *out, const char *table,
    const struct dbrev_column *c, char ***w, size_t *nw)
{
	if (!c->notnull || c->generated != NULL || (c->default_expr != NULL &&
	    strcmp(c->default_expr, "null") != 0))
		return;
	dbrev_buf_printf(out, "-- WARNING: %s.%s is NOT NULL without a default: "
	    "fails if %s has rows; edit to supply values\n", table, c->name,
	    table);
	warn(w, nw, "column %s.%s is NOT NULL without a default: the change "
	    "fails if the table has rows; edit the revision to supply values",
	    table, c->name);
}

static void
put_literal(struct dbrev_buf *out, const char *s)
{
	dbrev_buf_puts(out, "'");
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			dbrev_buf_puts(out, "'");
		dbrev_buf_add(out, s, 1);
	}
	dbrev_buf_puts(out, "'");
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

static void
emit_rebuild(struct dbrev_buf *out, const struct dbrev_change *c,
    char ***w, size_t *nw)
{
	const struct dbrev_table *a = c->from, *b = c->to;
	struct dbrev_buf cols = { 0 }, sel = { 0 };
	char tmp[600];
	size_t i;

	snprintf(tmp, sizeof(tmp), REBUILD_PREFIX "%s", b->name);
	dbrev_buf_puts(out, "-- rebuild: SQLite cannot make this change in "
	    "place (create, copy, drop, rename)\n");
	for (i = 0; i < c->ncolumns; i++)
		if (c->columns[i].kind == DBREV_COLUMN_DROP) {
			dbrev_buf_printf(out, "-- WARNING: drops data "
			    "(column %s.%s)\n", a->name, c->columns[i].from->name);
			warn(w, nw, "drops data: column %s.%s is dropped",
			    a->name, c->columns[i].from->name);
		}
	for (i = 0; i < c->ncolumns; i++)
		if (c->columns[i].kind == DBREV_COLUMN_ADD ||
		    (c->columns[i].kind == DBREV_COLUMN_ALTER &&
		    (c->columns[i].what & DBREV_COL_GENERATED) &&
		    c->columns[i].from->generated != NULL))
			warn_not_null(out, b->name, c->columns[i].to, w, nw);
	put_create_renamed(out, b->sql, tmp);
	dbrev_buf_puts(out, ";\n");
	dbrev_buf_puts(&cols, "");
	dbrev_buf_puts(&sel, "");
	for (i = 0; i < b->ncolumns; i++) {
		const struct dbrev_column *y = &b->columns[i], *x;

		x = dbrev_table_column(a, y->name);
		if (x == NULL || x->generated != NULL || y->generated != NULL)
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
		dbrev_buf_puts(out, "INSERT INTO ");
		put_ident(out, tmp);
		dbrev_buf_printf(out, " (%s)\n    SELECT %s FROM ", cols.data,
		    sel.data);
		put_ident(out, a->name);
		dbrev_buf_puts(out, ";\n");
	}
	if (autoincrement(b)) {
		/* Keep the AUTOINCREMENT counter: ids are never reused. */
		dbrev_buf_puts(out, "DELETE FROM sqlite_sequence WHERE name = ");
		put_literal(out, tmp);
		dbrev_buf_puts(out, ";\nINSERT INTO sqlite_sequence (name, seq) "
		    "SELECT ");
		put_literal(out, tmp);
		dbrev_buf_puts(out, ", seq FROM sqlite_sequence WHERE name = ");
		put_literal(out, a->name);
		dbrev_buf_puts(out, ";\n");
	}
	dbrev_buf_puts(out, "DROP TABLE ");
	put_ident(out, a->name);
	dbrev_buf_puts(out, ";\nALTER TABLE ");
	put_ident(out, tmp);
	dbrev_buf_puts(out, " RENAME TO ");
	put_ident(out, b->name);
	dbrev_buf_puts(out, ";\n");
	dbrev_buf_free(&cols);
	dbrev_buf_free(&sel);
}

static void
emit_alter(struct dbrev_buf *out, const struct dbrev_change *c,
    char ***w, size_t *nw)
{
	size_t i;

	for (i = 0; i < c->ncolumns; i++) {
		const struct dbrev_column_change *cc = &c->columns[i];

		if (cc->kind == DBREV_COLUMN_DROP) {
			dbrev_buf_printf(out, "-- WARNING: drops data "
			    "(column %s.%s)\n", c->from->name, cc->from->name);
			warn(w, nw, "drops data: column %s.%s is dropped",
			    c->from->name, cc->from->name);
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
		dbrev_buf_printf(out, "-- NOTE: %s\n", d->to->unmodelled[k]);
	}
	dbrev_buf_puts(out, before);
	for (i = 0; i < d->nchanges; i++) {
		const struct dbrev_change *c = &d->changes[i];

		if (c->description != NULL)
			dbrev_buf_printf(out, "\n-- %s\n", c->description);
		else if (c->kind == DBREV_CHANGE_DROP_OBJECT)
			dbrev_buf_printf(out, "\n-- %s %s: dropped while what it "
			    "depends on changes\n", dbrev_object_kind_name(
			    c->obj_from->kind), c->obj_from->name);
		else if (c->kind == DBREV_CHANGE_CREATE_OBJECT)
			dbrev_buf_printf(out, "\n-- %s %s: created again\n",
			    dbrev_object_kind_name(c->obj_to->kind),
			    c->obj_to->name);
		switch (c->kind) {
		case DBREV_CHANGE_CREATE_TABLE:
			put_statement(out, c->to->sql);
			break;
		case DBREV_CHANGE_DROP_TABLE:
			dbrev_buf_printf(out, "-- WARNING: drops data (table "
			    "%s)\n", c->from->name);
			warn(w, nw, "drops data: table %s is dropped%s",
			    c->from->name, "");
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
			put_statement(out, c->obj_to->sql);
			break;
		case DBREV_CHANGE_DROP_OBJECT:
			if (c->obj_from->kind == DBREV_OBJ_OTHER) {
				dbrev_buf_printf(out, "-- WARNING: drops data "
				    "(virtual table %s)\n", c->obj_from->name);
				warn(w, nw, "drops data: virtual table %s is "
				    "dropped%s", c->obj_from->name, "");
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
}

void
dbrev_sqlite_emit_rename_table(struct dbrev_buf *out, const char *from,
    const char *to)
{
	dbrev_buf_printf(out, "\n-- rename table %s to %s (hint)\n", from, to);
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
	dbrev_buf_printf(out, "\n-- rename column %s.%s to %s (hint)\n", table,
	    from, to);
	dbrev_buf_puts(out, "ALTER TABLE ");
	put_ident(out, table);
	dbrev_buf_puts(out, " RENAME COLUMN ");
	put_ident(out, from);
	dbrev_buf_puts(out, " TO ");
	put_ident(out, to);
	dbrev_buf_puts(out, ";\n");
}
