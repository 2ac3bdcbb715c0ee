/*
 * lint_rules.c - lint rules both databases share: changes that break the
 * code still running (expand and contract), and a revision that manages
 * the transaction dbrev runs it in.  See lint_impl.h.
 */
#include <stddef.h>

#include "lint_impl.h"

#define EXPAND_CONTRACT "expand and contract: "

int
lint_existing(const struct lint_ctx *ctx, const char *table)
{
	return table != NULL && !lint_is_new(ctx, table);
}

void
lint_rule_ban_drop_column(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++)
		if (st->act[i].kind == LA_DROP_COLUMN)
			lint_report(ctx, lint_at(st, st->act[i].s),
			    EXPAND_CONTRACT "first release code that no longer "
			    "reads or writes the column, then drop it in a "
			    "later revision with '-- lint: allow "
			    "ban-drop-column -- REASON'", "dropping column "
			    "%s.%s breaks the code still running that uses it, "
			    "and its data is gone", st->table,
			    st->act[i].column);
}

void
lint_rule_ban_drop_table(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_DROP_TABLE)
		return;
	for (i = 0; i < st->nnames; i++)
		if (lint_existing(ctx, st->names[i]) &&
		    !lint_recreated_later(ctx, st->names[i]))
			lint_report(ctx, lint_at(st, 0), EXPAND_CONTRACT
			    "first release code that no longer uses the table, "
			    "then drop it in a later revision with '-- lint: "
			    "allow ban-drop-table -- REASON'", "dropping table "
			    "%s breaks the code still running that uses it, "
			    "and its rows are gone", st->names[i]);
}

void
lint_rule_renaming_column(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++)
		if (st->act[i].kind == LA_RENAME_COLUMN)
			lint_report(ctx, lint_at(st, st->act[i].s),
			    EXPAND_CONTRACT "add the new column, write both, "
			    "backfill, move the reads to it, then drop the old "
			    "one in a later revision", "renaming column %s.%s "
			    "to %s breaks the code still running that uses the "
			    "old name", st->table, st->act[i].column,
			    st->act[i].newname);
}

void
lint_rule_renaming_table(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++)
		if (st->act[i].kind == LA_RENAME_TABLE)
			lint_report(ctx, lint_at(st, st->act[i].s),
			    EXPAND_CONTRACT "keep the old name working (a view "
			    "named after it) until the code uses the new one, "
			    "or keep the old name", "renaming table %s to %s "
			    "breaks the code still running that uses the old "
			    "name", st->table, st->act[i].newname);
}

void
lint_rule_transaction_nesting(struct lint_ctx *ctx,
    const struct lint_stmt *st)
{
	const char *hint = "leave transaction control to dbrev; a revision "
	    "that manages its own transactions says '-- transaction: none'";

	if (!ctx->rev->transactional)
		return;
	if (st->kind == LK_TX_START)
		lint_report(ctx, lint_at(st, 0), hint, "%.*s inside a "
		    "transactional revision: dbrev already runs it in a "
		    "transaction", (int)(st->t[0].t.e - st->t[0].t.s),
		    st->t[0].t.s);
	else if (st->kind == LK_TX_END)
		lint_report(ctx, lint_at(st, 0), hint, "%.*s ends the "
		    "revision's transaction early: what follows runs outside "
		    "it, and a failure leaves the database between revisions",
		    (int)(st->t[0].t.e - st->t[0].t.s), st->t[0].t.s);
}
