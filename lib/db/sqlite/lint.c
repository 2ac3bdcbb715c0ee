/*
 * lint.c - SQLite's lint rules and syntax (see lint_impl.h).
 *
 * SQLite locks the whole database for writing while a transaction
 * writes: a statement that reads or rewrites every row of a big table
 * holds every other writer back (up to its busy timeout; readers go on
 * in WAL mode).  Some ALTER TABLE forms work on an empty table and fail
 * on one with rows, so they pass on a developer's fresh database and
 * fail in production; others fail because the schema refers to what
 * they remove; some statements do nothing, or fail, inside the
 * transaction dbrev runs a revision in.
 */
#include <stddef.h>
#include <string.h>

#include "../../lint_impl.h"
#include "sqlite.h"

#define QUIET_TIME "run it when the database is quiet (readers go on in " \
	"WAL mode, writers wait up to their busy timeout), or allow it " \
	"with a reason when the table is small"

/* ALTER TABLE ... DROP COLUMN of a column the schema still refers to. */
static void
drop_column_referenced(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *what = NULL, *by;
	size_t i;

	if (st->kind != LK_ALTER_TABLE || st->table == NULL)
		return;
	for (i = 0; i < st->nact; i++) {
		if (st->act[i].kind != LA_DROP_COLUMN)
			continue;
		by = lint_referrer(ctx, st->table, st->act[i].column, &what);
		if (by != NULL)
			lint_report(ctx, lint_at(st, st->act[i].s),
			    "drop it before the column and create it again "
			    "without the column, in the same revision",
			    "dropping column %s.%s breaks %s %s, which refers "
			    "to it: SQLite refuses the DROP COLUMN, or the %s "
			    "fails once the column is gone", st->table,
			    st->act[i].column, what, by, what);
	}
}

/* PRAGMA [schema.]name = value, or (value): a setting being changed. */
static int
pragma_set(const struct lint_stmt *st, const char *name)
{
	size_t i = 1;

	if (st->kind != LK_PRAGMA)
		return 0;
	if (lint_is_name(st, i) && lint_punct(st, i + 1, '.'))
		i += 2;
	return lint_kw(st, i, name) && (lint_punct(st, i + 1, '=') ||
	    lint_punct(st, i + 1, '('));
}

static void
pragma_foreign_keys(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (ctx->rev->transactional && pragma_set(st, "foreign_keys"))
		lint_report(ctx, lint_at(st, 0), "mark the revision "
		    "'-- transaction: none' (dbrev puts the setting back after "
		    "it)", "PRAGMA foreign_keys does nothing inside a "
		    "transaction, and the revision runs in one");
}

static void
require_transaction_none(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *what = NULL;

	if (!ctx->rev->transactional)
		return;
	if (st->kind == LK_VACUUM)
		what = "VACUUM";
	else if (pragma_set(st, "journal_mode"))
		what = "changing PRAGMA journal_mode";
	if (what != NULL)
		lint_report(ctx, lint_at(st, 0), "mark the revision "
		    "'-- transaction: none'", "%s fails inside a transaction, "
		    "and the revision runs in one", what);
}

static void
table_rebuild(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	if (st->kind == LK_VACUUM)
		lint_report(ctx, lint_at(st, 0), QUIET_TIME, "VACUUM "
		    "rebuilds the whole database file, holding it locked");
	for (i = 0; st->kind == LK_DROP_TABLE && i < st->nnames; i++)
		if (lint_existing(ctx, st->names[i]) &&
		    lint_recreated_later(ctx, st->names[i]))
			lint_report(ctx, lint_at(st, 0), QUIET_TIME,
			    "table %s is rebuilt (replaced by a copy): every "
			    "row is copied while the database is locked for "
			    "writes", st->names[i]);
	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++)
		if (st->act[i].kind == LA_DROP_COLUMN)
			lint_report(ctx, lint_at(st, st->act[i].s),
			    QUIET_TIME, "dropping column %s.%s rewrites every "
			    "row of %s while the database is locked for writes",
			    st->table, st->act[i].column, st->table);
}

static void
blocking_index_creation(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (st->kind == LK_CREATE_INDEX && lint_existing(ctx, st->table))
		lint_report(ctx, lint_at(st, 0), QUIET_TIME, "building an "
		    "index on existing table %s reads every row while the "
		    "database is locked for writes", st->table);
}

/* ADD COLUMN ... NOT NULL with no default, or DEFAULT NULL. */
static void
adding_required_field(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const struct lint_coldef *c;
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++) {
		c = &st->act[i].col;
		if (st->act[i].kind != LA_ADD_COLUMN ||
		    !(c->flags & LC_NOT_NULL) || (c->flags & LC_GENERATED))
			continue;
		if (c->def_s < c->def_e && !(c->def_e - c->def_s == 1 &&
		    lint_kw(st, c->def_s, "NULL")))
			continue;
		lint_report(ctx, lint_at(st, st->act[i].s), "give it a "
		    "constant DEFAULT, or add it nullable and fill it",
		    "adding NOT NULL column %s.%s without a default fails on a "
		    "table with rows (it works on an empty one)", st->table,
		    c->name);
	}
}

/*
 * SQLite's test for an added column's default: a value it can compute
 * without a row.  Parentheses and signs around a literal, a bare name
 * (read as a string) and CAST of a constant pass; CURRENT_TIME and its
 * kin, a name in parentheses and any operator or function do not.
 */
static int
constant_default(const struct lint_stmt *st, size_t s, size_t e, int paren)
{
	while (s < e && (lint_punct(st, s, '-') || lint_punct(st, s, '+') ||
	    (lint_punct(st, s, '(') && lint_skip(st, s) == e))) {
		if (lint_punct(st, s, '(')) {
			paren = 1;
			e--;
		}
		s++;
	}
	if (s + 1 == e) {
		if (st->t[s].t.type == T_NUMBER || st->t[s].t.type == T_STRING)
			return 1;
		if (lint_kw(st, s, "CURRENT_TIME") ||
		    lint_kw(st, s, "CURRENT_DATE") ||
		    lint_kw(st, s, "CURRENT_TIMESTAMP"))
			return 0;
		if (lint_kw(st, s, "NULL") || lint_kw(st, s, "TRUE") ||
		    lint_kw(st, s, "FALSE"))
			return 1;
		return !paren && lint_is_name(st, s);
	}
	if (lint_kw(st, s, "CAST") && lint_punct(st, s + 1, '(') &&
	    lint_skip(st, s + 1) == e) {
		for (e = s + 2; e < st->n && !lint_kw(st, e, "AS"); )
			e = lint_skip(st, e);
		return constant_default(st, s + 2, e, 1);
	}
	return 0;
}

/* ADD COLUMN ... DEFAULT with a value SQLite cannot compute alone. */
static void
adding_field_with_default(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const struct lint_coldef *c;
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++) {
		c = &st->act[i].col;
		if (st->act[i].kind != LA_ADD_COLUMN || c->def_s >= c->def_e)
			continue;
		if (constant_default(st, c->def_s, c->def_e, 0))
			continue;
		lint_report(ctx, lint_at(st, st->act[i].s), "add it with a "
		    "constant default (or none), then UPDATE the rows",
		    "adding column %s.%s with a non-constant default fails on "
		    "a table with rows (it works on an empty one)", st->table,
		    c->name);
	}
}

static const struct lint_rule rules[] = {
	{ { "drop-column-referenced", DBREV_LINT_ERROR, "DROP COLUMN of a "
	    "column a trigger, view or index refers to (SQLite refuses it)" },
	    drop_column_referenced },
	{ { "pragma-foreign-keys-in-transaction", DBREV_LINT_ERROR,
	    "PRAGMA foreign_keys in a transactional revision (a no-op)" },
	    pragma_foreign_keys },
	{ { "require-transaction-none", DBREV_LINT_ERROR, "VACUUM or a "
	    "journal_mode change in a transactional revision (they fail)" },
	    require_transaction_none },
	{ { "table-rebuild", DBREV_LINT_WARNING, "a statement that rewrites "
	    "a whole existing table (rebuild, DROP COLUMN, VACUUM)" },
	    table_rebuild },
	{ { "blocking-index-creation", DBREV_LINT_WARNING, "CREATE INDEX on "
	    "an existing table (reads it all under the write lock)" },
	    blocking_index_creation },
	{ { "adding-required-field", DBREV_LINT_ERROR, "ADD COLUMN ... NOT "
	    "NULL without a default (fails on a table with rows)" },
	    adding_required_field },
	{ { "adding-field-with-default", DBREV_LINT_ERROR, "ADD COLUMN with "
	    "a non-constant default (fails on a table with rows)" },
	    adding_field_with_default },
	LINT_SHARED_RULES
};

const struct lint_dialect dbrev_lint_sqlite = {
	rules, sizeof(rules) / sizeof(rules[0]),
	LINT_SYN_BRACKET_IDENTS, "main"
};
