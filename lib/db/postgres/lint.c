/*
 * lint.c - PostgreSQL's lint rules and syntax (see
 * lint_impl.h).  The names follow squawk's where it has the rule.
 *
 * What makes a PostgreSQL migration dangerous is mostly a lock: ALTER
 * TABLE takes ACCESS EXCLUSIVE, which blocks even reads, and while it
 * waits for a long transaction every later query on the table queues
 * behind it.  So the rules flag statements that hold such a lock for
 * as long as a table scan or rewrite takes (the safe forms split the
 * work: CONCURRENTLY, NOT VALID then VALIDATE, a constant default), the
 * statements that cannot run in the transaction a revision runs in,
 * and a revision that takes such locks without a lock_timeout.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbrev/util.h"
#include "../../lint_impl.h"
#include "postgres.h"

#define ONE_REVISION "in a revision of its own marked '-- transaction: none'"
#define LATER "in a later revision"

/* ---- Types ---- */

struct pgtype {
	char	 name[40];	/* canonical: integer, varchar, timestamptz */
	long	 mod[2];	/* (20), (10,2) */
	int	 nmod;
	int	 array;
	int	 known;		/* parsed */
};

/* Canonical names of the types the rules compare. */
static const char *const aliases[][2] = {
	{ "int", "integer" }, { "int4", "integer" },
	{ "int2", "smallint" }, { "int8", "bigint" },
	{ "serial4", "serial" }, { "serial8", "bigserial" },
	{ "serial2", "smallserial" },
	{ "character varying", "varchar" }, { "char varying", "varchar" },
	{ "character", "char" }, { "bpchar", "char" },
	{ "decimal", "numeric" },
	{ "timestamp without time zone", "timestamp" },
	{ "timestamp with time zone", "timestamptz" },
	{ "time without time zone", "time" },
	{ "time with time zone", "timetz" },
	{ "bit varying", "varbit" },
	{ "float8", "double precision" }, { "float4", "real" },
	{ "bool", "boolean" },
};

/* Append word w (lowercased) to the type's name; 0 when it is full. */
static int
name_add(struct pgtype *ty, size_t *len, const char *w, size_t wl)
{
	size_t k;

	if (*len + (*len > 0) + wl >= sizeof(ty->name))
		return 0;
	if (*len > 0)
		ty->name[(*len)++] = ' ';
	for (k = 0; k < wl; k++)
		ty->name[(*len)++] = (char)tolower((unsigned char)w[k]);
	ty->name[*len] = '\0';
	return 1;
}

/* Parse the type written in tokens [s, e) ("character varying(20)"). */
static void
pg_type_toks(const struct lint_stmt *st, size_t s, size_t e,
    struct pgtype *ty)
{
	const struct lint_tok *t;
	size_t i, k, len = 0, wl;
	int q;

	memset(ty, 0, sizeof(*ty));
	for (i = s; i < e && i < st->n; i++) {
		t = &st->t[i];
		q = t->t.type == T_QUOTED;
		wl = (size_t)(t->t.e - t->t.s);
		if (t->t.type == T_WORD || (q && wl >= 2)) {
			if (lint_punct(st, i + 1, '.'))
				i++;	/* pg_catalog. */
			else if (lint_kw(st, i, "array"))
				ty->array = 1;
			else if (!name_add(ty, &len, t->t.s + q, wl - 2 * q))
				return;		/* not a type we know */
		} else if (lint_punct(st, i, '(')) {
			for (i++; i < e && !lint_punct(st, i, ')'); i++)
				if (st->t[i].t.type == T_NUMBER && ty->nmod < 2)
					ty->mod[ty->nmod++] =
					    strtol(st->t[i].t.s, NULL, 10);
		} else if (lint_punct(st, i, '['))
			ty->array = 1;
	}
	for (k = 0; k < sizeof(aliases) / sizeof(aliases[0]); k++)
		if (ty->name[0] == aliases[k][0][0] &&
		    strcmp(ty->name, aliases[k][0]) == 0) {
			snprintf(ty->name, sizeof(ty->name), "%s",
			    aliases[k][1]);
			break;
		}
	ty->known = len > 0;
}

/* Parse a type as the state keeps it (lint_text of its tokens). */
static void
pg_type(const char *text, struct pgtype *ty)
{
	struct lint_tok *t;
	struct lint_stmt st;

	memset(&st, 0, sizeof(st));
	lint_tokenize(text, 1, LINT_SYN_DOLLAR_QUOTES, &t, &st.n);
	st.t = t;
	pg_type_toks(&st, 0, st.n, ty);
	free(t);
}

static int
is(const struct pgtype *t, const char *name)
{
	return strcmp(t->name, name) == 0;
}

static int
same_mods(const struct pgtype *a, const struct pgtype *b)
{
	return a->nmod == b->nmod && (a->nmod < 1 || a->mod[0] == b->mod[0]) &&
	    (a->nmod < 2 || a->mod[1] == b->mod[1]);
}

/* Length of a typmod-less (unlimited) or larger limit. */
static int
wider(const struct pgtype *o, const struct pgtype *n)
{
	return n->nmod == 0 || (o->nmod > 0 && n->mod[0] >= o->mod[0]);
}

/*
 * PostgreSQL changes the type from o to n without rewriting the table
 * (binary-coercible, and a type modifier that needs no check).
 */
static int
no_rewrite(const struct pgtype *o, const struct pgtype *n)
{
	if (!o->known || !n->known || o->array != n->array)
		return 0;
	if (strcmp(o->name, n->name) == 0) {
		if (same_mods(o, n))
			return 1;
		if (o->array)
			return 0;
		if (is(o, "varchar") || is(o, "varbit"))
			return wider(o, n);
		if (is(o, "numeric"))	/* same scale, more digits */
			return n->nmod == 0 || (o->nmod > 0 &&
			    n->mod[0] >= o->mod[0] && (n->nmod > 1 ?
			    n->mod[1] : 0) == (o->nmod > 1 ? o->mod[1] : 0));
		if (is(o, "timestamp") || is(o, "timestamptz") ||
		    is(o, "time") || is(o, "timetz") || is(o, "interval"))
			return n->nmod == 0 || (o->nmod > 0 &&
			    n->mod[0] >= o->mod[0]);
		return 0;
	}
	if (o->array)
		return 0;
	return (is(o, "varchar") && is(n, "text")) ||
	    ((is(o, "text") || is(o, "citext")) && is(n, "varchar") &&
	    n->nmod == 0) ||
	    ((is(o, "text") || is(o, "varchar")) && is(n, "citext")) ||
	    (is(o, "citext") && is(n, "text")) ||
	    (is(o, "cidr") && is(n, "inet"));
}

static int
serial_type(const struct pgtype *t)
{
	return is(t, "serial") || is(t, "bigserial") || is(t, "smallserial");
}

/* ---- Volatile defaults ---- */

/* Functions that are not volatile (a default using them is stored once). */
static const char *const stable_fns[] = {
	"now", "transaction_timestamp", "statement_timestamp",
	"current_setting", "timezone", "date_trunc", "make_date",
	"make_timestamp", "make_timestamptz", "make_interval", "to_timestamp",
	"to_date", "to_char", "to_number", "lower", "upper", "trim", "btrim",
	"concat", "coalesce", "nullif", "greatest", "least", "length", "abs",
	"round", "floor", "ceil", "cast", "row", "array", "extract",
	"jsonb_build_object", "jsonb_build_array", "json_build_object",
	"json_build_array", "to_jsonb", "to_json", "array_fill", "interval",
	"any", "some", "all", "exists", "values",
	/* keywords before a parenthesis */
	"in", "and", "or", "not", "when", "then", "else", "case", "is", "as",
	"like", "between", "over", "filter", "within", "distinct", NULL
};

/* Functions PostgreSQL marks VOLATILE that defaults use. */
static const char *const volatile_fns[] = {
	"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
	"uuid_generate_v4", "uuidv4", "uuidv7", "clock_timestamp",
	"timeofday", "nextval", "setval", "currval", "lastval", "txid_current",
	"random_normal", NULL
};

static int
in_list(const char *const *list, const char *w)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

/* The function called at token i (a name before '('), qualified. */
static char *
called(const struct lint_stmt *st, size_t s, size_t i)
{
	char *fn = lint_ident(&st->t[i]), *q, *full;
	size_t len;

	if (i < s + 2 || !lint_punct(st, i - 1, '.') ||
	    !lint_is_name(st, i - 2))
		return fn;
	q = lint_ident(&st->t[i - 2]);
	if (strcmp(q, "public") == 0 || strcmp(q, "pg_catalog") == 0) {
		free(q);
		return fn;
	}
	len = strlen(q) + strlen(fn) + 2;
	full = dbrev_xmalloc(len);
	snprintf(full, len, "%s.%s", q, fn);
	free(q);
	free(fn);
	return full;
}

/*
 * The default's first function that is volatile (*known 1) or that lint
 * cannot tell (*known 0): functions are VOLATILE unless declared
 * otherwise, which lint sees when a revision creates the function.
 * NULL when none.  Caller frees.
 */
static char *
volatile_call(const struct lint_ctx *ctx, const struct lint_stmt *st,
    size_t s, size_t e, int *known)
{
	const char *base;
	size_t i;
	char *w;

	for (i = s; i + 1 < e; i++) {
		if (st->t[i].t.type != T_WORD || !lint_punct(st, i + 1, '('))
			continue;
		if (i > s && (lint_kw(st, i - 1, "AS") || (st->t[i - 1].t.e -
		    st->t[i - 1].t.s == 2 && memcmp(st->t[i - 1].t.s, "::",
		    2) == 0)))
			continue;	/* a type: x::t(3), CAST(x AS t(3)) */
		w = called(st, s, i);
		base = strrchr(w, '.') != NULL ? strrchr(w, '.') + 1 : w;
		if (in_list(volatile_fns, base) || (!in_list(stable_fns,
		    base) && !lint_function_nonvolatile(ctx, w))) {
			*known = in_list(volatile_fns, base);
			return w;
		}
		free(w);
	}
	return NULL;
}

/* ---- Rules ---- */

static void
require_concurrent_index_creation(struct lint_ctx *ctx,
    const struct lint_stmt *st)
{
	if (st->kind == LK_CREATE_INDEX && !st->concurrently &&
	    lint_existing(ctx, st->table))
		lint_report(ctx, lint_at(st, 0), "CREATE INDEX CONCURRENTLY, "
		    ONE_REVISION, "CREATE INDEX on existing table %s blocks "
		    "its writes until the index is built", st->table);
}

/* The index is on a table created in this revision. */
static int
index_new(const struct lint_ctx *ctx, const char *index)
{
	const char *t = lint_index_table(ctx, index);

	return t != NULL && lint_is_new(ctx, t);
}

static void
require_concurrent_index_deletion(struct lint_ctx *ctx,
    const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_DROP_INDEX || st->concurrently)
		return;
	for (i = 0; i < st->nnames; i++)
		if (!index_new(ctx, st->names[i])) {
			lint_report(ctx, lint_at(st, 0), "DROP INDEX "
			    "CONCURRENTLY, " ONE_REVISION, "DROP INDEX %s "
			    "locks its table against reads and writes while it "
			    "waits and runs", st->names[i]);
			return;
		}
}

static void
require_concurrent_reindex(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (st->kind != LK_REINDEX || st->concurrently ||
	    (st->table != NULL && lint_is_new(ctx, st->table)) ||
	    (st->nnames > 0 && index_new(ctx, st->names[0])))
		return;
	lint_report(ctx, lint_at(st, 0), "REINDEX ... CONCURRENTLY, "
	    ONE_REVISION, "REINDEX blocks writes to the table, and the reads "
	    "that use the index, until it finishes");
}

static void
ban_concurrent_in_transaction(struct lint_ctx *ctx,
    const struct lint_stmt *st)
{
	size_t i;
	int conc = st->concurrently;

	for (i = 0; st->kind == LK_ALTER_TABLE && i < st->nact; i++)
		conc |= st->act[i].kind == LA_DETACH_PARTITION &&
		    st->act[i].concurrently;
	if (conc && ctx->rev->transactional)
		lint_report(ctx, lint_at(st, 0), "mark the revision "
		    "'-- transaction: none' and keep the statement in a "
		    "revision of its own (if it fails halfway, an INVALID "
		    "index is left to drop)", "CONCURRENTLY cannot run inside "
		    "a transaction block, and the revision runs in one");
}

/* Action i when it adds a column to an existing table, else NULL. */
static const struct lint_coldef *
added_column(const struct lint_ctx *ctx, const struct lint_stmt *st,
    size_t i)
{
	if (st->kind != LK_ALTER_TABLE || st->act[i].kind != LA_ADD_COLUMN ||
	    !lint_existing(ctx, st->table))
		return NULL;
	return &st->act[i].col;
}

static void
adding_required_field(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const struct lint_coldef *c;
	struct pgtype ty;
	size_t i;

	for (i = 0; i < st->nact; i++) {
		if ((c = added_column(ctx, st, i)) == NULL)
			continue;
		if (!(c->flags & LC_NOT_NULL) || c->def_s < c->def_e ||
		    (c->flags & (LC_IDENTITY | LC_GENERATED)))
			continue;
		pg_type_toks(st, c->type_s, c->type_e, &ty);
		if (serial_type(&ty))
			continue;
		lint_report(ctx, lint_at(st, st->act[i].s), "add it "
		    "nullable (or with a constant DEFAULT), fill it, then make "
		    "it NOT NULL through a validated CHECK (see "
		    "adding-not-nullable-field)", "adding NOT NULL column "
		    "%s.%s without a default fails on a table with rows",
		    st->table, c->name);
	}
}

static void
adding_field_with_default(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *hint = "add the column without a default (or with a "
	    "constant one), then SET DEFAULT for new rows and fill the "
	    "existing ones in batches";
	const struct lint_coldef *c;
	struct pgtype ty;
	char *fn;
	size_t i;
	int known = 0;

	for (i = 0; i < st->nact; i++) {
		if ((c = added_column(ctx, st, i)) == NULL)
			continue;
		pg_type_toks(st, c->type_s, c->type_e, &ty);
		fn = volatile_call(ctx, st, c->def_s, c->def_e, &known);
		if (fn != NULL && known)
			lint_report(ctx, lint_at(st, st->act[i].s), hint,
			    "adding column %s.%s with the volatile default "
			    "%s() rewrites the whole table under an ACCESS "
			    "EXCLUSIVE lock", st->table, c->name, fn);
		else if (fn != NULL)
			lint_report(ctx, lint_at(st, st->act[i].s), hint,
			    "adding column %s.%s with the default %s() "
			    "rewrites the whole table under an ACCESS "
			    "EXCLUSIVE lock if %s() is volatile (functions "
			    "are, unless declared STABLE or IMMUTABLE)",
			    st->table, c->name, fn, fn);
		else if (serial_type(&ty) || (c->flags & LC_IDENTITY))
			lint_report(ctx, lint_at(st, st->act[i].s), hint,
			    "adding %s column %s.%s numbers every row: the "
			    "whole table is rewritten under an ACCESS "
			    "EXCLUSIVE lock", serial_type(&ty) ? ty.name :
			    "identity", st->table, c->name);
		else if ((c->flags & LC_GENERATED) && (c->flags & LC_STORED))
			lint_report(ctx, lint_at(st, st->act[i].s), "add a "
			    "plain column, fill it in batches and keep it up "
			    "to date with a trigger", "adding stored generated "
			    "column %s.%s computes it for every row: the whole "
			    "table is rewritten under an ACCESS EXCLUSIVE lock",
			    st->table, c->name);
		free(fn);
	}
}

static void
adding_not_nullable_field(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++)
		if (st->act[i].kind == LA_SET_NOT_NULL &&
		    lint_notnull_check(ctx, st->table, st->act[i].column) ==
		    NULL)
			lint_report(ctx, lint_at(st, st->act[i].s), "first "
			    "ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT "
			    "VALID and VALIDATE it " LATER "; SET NOT NULL "
			    "then skips the scan and the CHECK can be dropped",
			    "SET NOT NULL on %s.%s scans the whole table under "
			    "an ACCESS EXCLUSIVE lock", st->table,
			    st->act[i].column);
}

static void
adding_foreign_key_constraint(struct lint_ctx *ctx,
    const struct lint_stmt *st)
{
	const char *hint = "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, "
	    "then VALIDATE CONSTRAINT " LATER " (it takes a weaker lock)";
	const struct lint_action *a;
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++) {
		a = &st->act[i];
		if (a->kind == LA_ADD_CONSTRAINT && a->con.kind ==
		    LCON_FOREIGN && !a->con.not_valid)
			lint_report(ctx, lint_at(st, a->s), hint, "adding a "
			    "foreign key to %s checks every row while it "
			    "blocks writes to %s and to the table it "
			    "references", st->table, st->table);
		else if (a->kind == LA_ADD_COLUMN &&
		    (a->col.flags & LC_REFERENCES))
			lint_report(ctx, lint_at(st, a->s), "add the column, "
			    "then the constraint NOT VALID, then VALIDATE it "
			    LATER, "adding column %s.%s with REFERENCES checks "
			    "every row while it blocks writes to %s and to the "
			    "table it references", st->table, a->column,
			    st->table);
	}
}

/* VALIDATE of a constraint added NOT VALID in this same transaction. */
static void
validate_same_transaction(struct lint_ctx *ctx, const struct lint_stmt *st,
    const struct lint_action *a)
{
	const struct lint_con_state *k;

	k = lint_constraint_state(ctx, st->table, a->con.name);
	if (k == NULL || k->validated || k->added != ctx->serial ||
	    !ctx->rev->transactional)
		return;
	lint_report(ctx, lint_at(st, a->s), "validate it " LATER,
	    "VALIDATE CONSTRAINT %s in the revision that added it NOT VALID "
	    "scans %s under the ACCESS EXCLUSIVE lock the transaction still "
	    "holds", a->con.name, st->table);
}

static void
constraint_missing_not_valid(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *hint = "ADD CONSTRAINT ... CHECK (...) NOT VALID, then "
	    "VALIDATE CONSTRAINT " LATER " (it takes a weaker lock)";
	const struct lint_action *a;
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++) {
		a = &st->act[i];
		if (a->kind == LA_VALIDATE && a->con.name != NULL)
			validate_same_transaction(ctx, st, a);
		else if (a->kind == LA_ADD_CONSTRAINT && a->con.kind ==
		    LCON_CHECK && !a->con.not_valid)
			lint_report(ctx, lint_at(st, a->s), hint, "adding a "
			    "CHECK constraint to %s scans every row under an "
			    "ACCESS EXCLUSIVE lock", st->table);
		else if (a->kind == LA_ADD_COLUMN && (a->col.flags & LC_CHECK))
			lint_report(ctx, lint_at(st, a->s), "add the column, "
			    "then the CHECK as a constraint NOT VALID, then "
			    "VALIDATE it " LATER, "adding column %s.%s with a "
			    "CHECK scans every row under an ACCESS EXCLUSIVE "
			    "lock", st->table, a->column);
	}
}

static void
disallowed_unique_constraint(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *hint = "CREATE UNIQUE INDEX CONCURRENTLY " ONE_REVISION
	    ", then ADD CONSTRAINT ... UNIQUE (or PRIMARY KEY) USING INDEX";
	const struct lint_action *a;
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++) {
		a = &st->act[i];
		if (a->kind == LA_ADD_CONSTRAINT && (a->con.kind ==
		    LCON_UNIQUE || a->con.kind == LCON_PRIMARY) &&
		    !a->con.using_index)
			lint_report(ctx, lint_at(st, a->s), hint, "adding a "
			    "%s constraint to %s builds its index under an "
			    "ACCESS EXCLUSIVE lock",
			    a->con.kind == LCON_UNIQUE ?
			    "UNIQUE" : "PRIMARY KEY", st->table);
		else if (a->kind == LA_ADD_COLUMN && (a->col.flags &
		    (LC_UNIQUE | LC_PRIMARY)))
			lint_report(ctx, lint_at(st, a->s), hint, "adding "
			    "column %s.%s as %s builds an index under an "
			    "ACCESS EXCLUSIVE lock", st->table, a->column,
			    (a->col.flags & LC_UNIQUE) ? "UNIQUE" :
			    "PRIMARY KEY");
	}
}

static void
adding_exclusion_constraint(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++)
		if (st->act[i].kind == LA_ADD_CONSTRAINT &&
		    st->act[i].con.kind == LCON_EXCLUDE)
			lint_report(ctx, lint_at(st, st->act[i].s), "there "
			    "is no online form: add it while the table is "
			    "small or idle, with a lock_timeout, and allow the "
			    "rule with a reason",
			    "adding an EXCLUDE constraint to %s "
			    "builds its index and checks every row under an "
			    "ACCESS EXCLUSIVE lock", st->table);
}

#define SAFE_TYPE_CHANGES "add a new column, fill it in batches, move " \
	"the code to it, then drop the old one (changes made without a " \
	"rewrite: varchar(n) to varchar(m > n), varchar or text, text to " \
	"varchar, numeric(p,s) to numeric(q > p,s) or numeric, a larger " \
	"timestamp, time or interval precision, cidr to inet, text or " \
	"varchar to citext and back)"

/*
 * USING does more than the type change itself: not just the column, or
 * the column cast to the new type.
 */
static int
using_more(const struct lint_stmt *st, const struct lint_action *a)
{
	size_t i = a->using_s;
	char *cast, *to;
	int more;

	if (i == 0)
		return 0;
	if (!lint_is_name(st, i))
		return 1;
	cast = lint_ident(&st->t[i]);
	more = strcmp(cast, a->column) != 0;
	free(cast);
	if (more || (i + 1 < a->e && !(st->t[i + 1].t.e - st->t[i + 1].t.s ==
	    2 && memcmp(st->t[i + 1].t.s, "::", 2) == 0)))
		return 1;
	if (i + 1 >= a->e)
		return 0;
	cast = lint_text(st, i + 2, a->e);
	to = lint_text(st, a->type_s, a->type_e);
	more = strcmp(cast, to) != 0;
	free(cast);
	free(to);
	return more;
}

static void
changing_column_type(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const struct lint_action *a;
	struct pgtype o, n;
	const char *old;
	char *text;
	size_t i;

	if (st->kind != LK_ALTER_TABLE || !lint_existing(ctx, st->table))
		return;
	for (i = 0; i < st->nact; i++) {
		a = &st->act[i];
		if (a->kind != LA_ALTER_TYPE)
			continue;
		old = lint_column_type(ctx, st->table, a->column);
		text = lint_text(st, a->type_s, a->type_e);
		pg_type_toks(st, a->type_s, a->type_e, &n);
		if (old != NULL)
			pg_type(old, &o);
		if (using_more(st, a))
			lint_report(ctx, lint_at(st, a->s), SAFE_TYPE_CHANGES,
			    "changing the type of %s.%s with USING rewrites "
			    "the table and its indexes under an ACCESS "
			    "EXCLUSIVE lock", st->table, a->column);
		else if (old == NULL || old[0] == '\0')
			lint_report(ctx, lint_at(st, a->s), SAFE_TYPE_CHANGES,
			    "changing the type of %s.%s to %s rewrites the "
			    "table and its indexes under an ACCESS EXCLUSIVE "
			    "lock unless PostgreSQL can skip it (lint does not "
			    "know the column's type)", st->table, a->column,
			    text);
		else if (!no_rewrite(&o, &n))
			lint_report(ctx, lint_at(st, a->s), SAFE_TYPE_CHANGES,
			    "changing %s.%s from %s to %s rewrites the table "
			    "and its indexes under an ACCESS EXCLUSIVE lock",
			    st->table, a->column, old, text);
		free(text);
	}
}

static void
require_enum_value_ordering(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_ALTER_TYPE)
		return;
	for (i = 2; i < st->n; i++)
		if (lint_kw(st, i, "ADD") && lint_kw(st, i + 1, "VALUE"))
			break;
	if (i >= st->n || lint_mentions(st, i, "before") ||
	    lint_mentions(st, i, "after"))
		return;
	lint_report(ctx, lint_at(st, i), "say where it goes: ADD VALUE "
	    "'x' BEFORE 'y' or AFTER 'y'", "ADD VALUE without BEFORE or AFTER "
	    "puts the value last, which decides how the enum sorts");
}

static void
ban_truncate_cascade(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	for (i = 1; st->kind == LK_TRUNCATE && i < st->n; i++)
		if (lint_kw(st, i, "CASCADE")) {
			lint_report(ctx, lint_at(st, i), "name every table "
			    "to empty and leave CASCADE out",
			    "TRUNCATE ... CASCADE also empties every table "
			    "that refers to these, and the tables that refer "
			    "to those");
			return;
		}
}

/* VACUUM FULL, or VACUUM (FULL [true|on|1], ...). */
static int
vacuum_full(const struct lint_stmt *st)
{
	size_t i;

	if (st->kind != LK_VACUUM)
		return 0;
	if (lint_kw(st, 1, "FULL"))
		return 1;
	if (!lint_punct(st, 1, '('))
		return 0;
	for (i = 2; i < st->n && !lint_punct(st, i, ')'); i++)
		if (lint_kw(st, i, "FULL"))
			return !(lint_kw(st, i + 1, "false") ||
			    lint_kw(st, i + 1, "off") ||
			    (i + 1 < st->n && st->t[i + 1].t.type == T_NUMBER &&
			    *st->t[i + 1].t.s == '0'));
	return 0;
}

static void
prefer_repack(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	if (vacuum_full(st) || st->kind == LK_CLUSTER)
		lint_report(ctx, lint_at(st, 0), "reclaim space online with "
		    "pg_repack (or REPACK CONCURRENTLY from PostgreSQL 19), "
		    "outside migrations", "%s rewrites the table under an "
		    "ACCESS EXCLUSIVE lock, blocking reads and writes",
		    st->kind == LK_CLUSTER ? "CLUSTER" : "VACUUM FULL");
}

/* What cannot run inside a transaction block (CONCURRENTLY aside). */
static const char *
no_transaction_stmt(const struct lint_stmt *st)
{
	size_t i;

	if (st->kind == LK_VACUUM)
		return "VACUUM";
	if (lint_kw(st, 0, "CREATE") && lint_kw(st, 1, "DATABASE"))
		return "CREATE DATABASE";
	if (lint_kw(st, 0, "DROP") && lint_kw(st, 1, "DATABASE"))
		return "DROP DATABASE";
	if (lint_kw(st, 0, "ALTER") && lint_kw(st, 1, "SYSTEM"))
		return "ALTER SYSTEM";
	if ((lint_kw(st, 0, "CREATE") || lint_kw(st, 0, "DROP")) &&
	    lint_kw(st, 1, "TABLESPACE"))
		return "CREATE/DROP TABLESPACE";
	if (st->kind == LK_REINDEX) {
		i = lint_punct(st, 1, '(') ? lint_skip(st, 1) : 1;
		if (lint_kw(st, i, "SCHEMA") || lint_kw(st, i, "DATABASE") ||
		    lint_kw(st, i, "SYSTEM"))
			return "REINDEX SCHEMA/DATABASE/SYSTEM";
	}
	return NULL;
}

static void
require_transaction_none(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *what;

	if (ctx->rev->transactional && (what = no_transaction_stmt(st)) !=
	    NULL)
		lint_report(ctx, lint_at(st, 0), "mark the revision "
		    "'-- transaction: none'", "%s cannot run inside a "
		    "transaction block, and the revision runs in one", what);
}

/* A lock_timeout value that sets no timeout: 0 in any unit, or DEFAULT. */
static int
no_timeout(const struct lint_stmt *st, size_t i)
{
	const char *s, *e;

	if (i >= st->n || lint_kw(st, i, "DEFAULT"))
		return 1;
	s = st->t[i].t.s;
	e = st->t[i].t.e;
	if (st->t[i].t.type == T_STRING && e - s >= 2) {
		s++;	/* the quotes */
		e--;
	} else if (st->t[i].t.type != T_NUMBER)
		return 0;
	if (s == e || *s != '0')
		return 0;
	while (s < e && (*s == '0' || *s == '.'))
		s++;
	while (s < e && (isalpha((unsigned char)*s) || *s == ' '))
		s++;	/* the unit */
	return s == e;
}

/* SET [LOCAL|SESSION] lock_timeout, or set_config('lock_timeout', ...). */
static int
sets_lock_timeout(const struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i = 1;

	if (st->kind == LK_SET) {
		if (lint_kws(st, &i, "LOCAL") && !ctx->rev->transactional)
			return 0;	/* no effect outside a transaction */
		lint_kws(st, &i, "SESSION");
		if (!lint_kws(st, &i, "lock_timeout"))
			return 0;
		if (lint_kw(st, i, "TO") || lint_punct(st, i, '='))
			i++;
		return !no_timeout(st, i);
	}
	if (st->kind != LK_SELECT)
		return 0;
	for (i = 1; i + 2 < st->n; i++)
		if (lint_kw(st, i, "set_config") &&
		    lint_punct(st, i + 1, '(') &&
		    st->t[i + 2].t.type == T_STRING &&
		    st->t[i + 2].t.e - st->t[i + 2].t.s == 14 &&
		    strncasecmp(st->t[i + 2].t.s, "'lock_timeout'", 14) == 0)
			return lint_punct(st, i + 3, ',') &&
			    !no_timeout(st, i + 4);
	return 0;
}

/* A statement that waits for a lock that blocks the application. */
static const char *
long_lock(const struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	switch (st->kind) {
	case LK_ALTER_TABLE:
		if (!lint_existing(ctx, st->table))
			return NULL;
		for (i = 0; i < st->nact; i++)
			if (st->act[i].kind != LA_VALIDATE &&
			    !(st->act[i].kind == LA_DETACH_PARTITION &&
			    st->act[i].concurrently))
				return "ALTER TABLE";
		return NULL;
	case LK_CREATE_INDEX:
		return !st->concurrently && lint_existing(ctx, st->table) ?
		    "CREATE INDEX" : NULL;
	case LK_CREATE_TRIGGER:
		return lint_existing(ctx, st->table) ? "CREATE TRIGGER" : NULL;
	case LK_DROP_INDEX:
		return !st->concurrently ? "DROP INDEX" : NULL;
	case LK_REINDEX:
		return !st->concurrently ? "REINDEX" : NULL;
	case LK_DROP_TABLE:
		for (i = 0; i < st->nnames; i++)
			if (lint_existing(ctx, st->names[i]))
				return "DROP TABLE";
		return NULL;
	case LK_TRUNCATE:
		return "TRUNCATE";
	case LK_CLUSTER:
		return "CLUSTER";
	case LK_LOCK:
		return "LOCK";
	default:
		return vacuum_full(st) ? "VACUUM FULL" : NULL;
	}
}

/* scratch: 1 lock_timeout is set, 2 reported. */
static void
require_lock_timeout(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	const char *what;

	if (sets_lock_timeout(ctx, st))
		*ctx->scratch |= 1;
	if (*ctx->scratch != 0 || (what = long_lock(ctx, st)) == NULL)
		return;
	*ctx->scratch |= 2;
	lint_report(ctx, lint_at(st, 0), ctx->rev->transactional ?
	    "start the revision with SET LOCAL lock_timeout = '5s' and retry "
	    "it when it times out" : "start the revision with SET "
	    "lock_timeout = '5s' and retry it when it times out",
	    "%s waits for a lock with no lock_timeout: while it waits behind "
	    "a long transaction, every query on the table queues behind it",
	    what);
}

/* Calls fn for each column type a statement writes: (name, type). */
static void
each_type(struct lint_ctx *ctx, const struct lint_stmt *st,
    void (*fn)(struct lint_ctx *, const struct lint_stmt *, size_t at,
    const char *column, const struct pgtype *))
{
	struct pgtype ty;
	const struct lint_action *a;
	size_t i;

	for (i = 0; st->kind == LK_CREATE_TABLE && i < st->ncols; i++) {
		pg_type_toks(st, st->cols[i].type_s, st->cols[i].type_e, &ty);
		fn(ctx, st, st->cols[i].at, st->cols[i].name, &ty);
	}
	for (i = 0; st->kind == LK_ALTER_TABLE && i < st->nact; i++) {
		a = &st->act[i];
		if (a->kind == LA_ADD_COLUMN)
			pg_type_toks(st, a->col.type_s, a->col.type_e, &ty);
		else if (a->kind == LA_ALTER_TYPE)
			pg_type_toks(st, a->type_s, a->type_e, &ty);
		else
			continue;
		fn(ctx, st, a->s, a->column, &ty);
	}
}

static void
bigint_over_int(struct lint_ctx *ctx, const struct lint_stmt *st, size_t at,
    const char *column, const struct pgtype *ty)
{
	if (is(ty, "integer") || is(ty, "serial"))
		lint_report(ctx, lint_at(st, at), "use bigint (bigserial, or "
		    "bigint GENERATED BY DEFAULT AS IDENTITY)", "%s.%s is a "
		    "32-bit %s: ids and counters run out at 2147483647, and "
		    "widening it later rewrites the table", st->table, column,
		    ty->name);
}

static void
bigint_over_smallint(struct lint_ctx *ctx, const struct lint_stmt *st,
    size_t at, const char *column, const struct pgtype *ty)
{
	if (is(ty, "smallint") || is(ty, "smallserial"))
		lint_report(ctx, lint_at(st, at), "use bigint (or integer "
		    "when the range is known to be small)", "%s.%s is a 16-bit "
		    "%s: it runs out at 32767, and widening it later rewrites "
		    "the table", st->table, column, ty->name);
}

static void
identity(struct lint_ctx *ctx, const struct lint_stmt *st, size_t at,
    const char *column, const struct pgtype *ty)
{
	if (serial_type(ty))
		lint_report(ctx, lint_at(st, at), "use bigint GENERATED BY "
		    "DEFAULT AS IDENTITY", "%s.%s is %s: its sequence is a "
		    "separate object with its own permissions and ownership, "
		    "which copies and dumps of the table can miss", st->table,
		    column, ty->name);
}

static void
timestamptz(struct lint_ctx *ctx, const struct lint_stmt *st, size_t at,
    const char *column, const struct pgtype *ty)
{
	if (is(ty, "timestamp"))
		lint_report(ctx, lint_at(st, at), "use timestamptz (it "
		    "stores an instant and shows it in the session's time "
		    "zone)", "%s.%s is timestamp without time zone: it keeps "
		    "wall-clock times without their offset, so times from "
		    "different zones or around a DST change compare wrongly",
		    st->table, column);
}

static void
prefer_bigint_over_int(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	each_type(ctx, st, bigint_over_int);
}

static void
prefer_bigint_over_smallint(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	each_type(ctx, st, bigint_over_smallint);
}

static void
prefer_identity(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	each_type(ctx, st, identity);
}

static void
prefer_timestamptz(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	each_type(ctx, st, timestamptz);
}

static void
table_rebuild(struct lint_ctx *ctx, const struct lint_stmt *st)
{
	size_t i;

	for (i = 0; st->kind == LK_DROP_TABLE && i < st->nnames; i++)
		if (lint_existing(ctx, st->names[i]) &&
		    lint_recreated_later(ctx, st->names[i]))
			lint_report(ctx, lint_at(st, 0), "alter the table in "
			    "place; if it must be rebuilt, LOCK TABLE it IN "
			    "EXCLUSIVE MODE before copying", "table %s is "
			    "rebuilt (replaced by a copy): every row is "
			    "copied, and rows other sessions write during the "
			    "copy are lost unless the table was locked first",
			    st->names[i]);
}

static const struct lint_rule rules[] = {
	{ { "require-concurrent-index-creation", DBREV_LINT_ERROR,
	    "CREATE INDEX without CONCURRENTLY on an existing table" },
	    require_concurrent_index_creation },
	{ { "require-concurrent-index-deletion", DBREV_LINT_ERROR,
	    "DROP INDEX without CONCURRENTLY on an existing table" },
	    require_concurrent_index_deletion },
	{ { "require-concurrent-reindex", DBREV_LINT_ERROR,
	    "REINDEX without CONCURRENTLY" }, require_concurrent_reindex },
	{ { "ban-concurrent-index-creation-in-transaction", DBREV_LINT_ERROR,
	    "CONCURRENTLY in a transactional revision (it fails)" },
	    ban_concurrent_in_transaction },
	{ { "adding-required-field", DBREV_LINT_ERROR, "ADD COLUMN ... NOT "
	    "NULL without a default (fails on a table with rows)" },
	    adding_required_field },
	{ { "adding-field-with-default", DBREV_LINT_ERROR, "ADD COLUMN that "
	    "rewrites the table: volatile default, serial, identity, stored "
	    "generated" }, adding_field_with_default },
	{ { "adding-not-nullable-field", DBREV_LINT_ERROR, "SET NOT NULL "
	    "without a validated CHECK (column IS NOT NULL)" },
	    adding_not_nullable_field },
	{ { "adding-foreign-key-constraint", DBREV_LINT_ERROR, "a foreign key "
	    "added to an existing table without NOT VALID" },
	    adding_foreign_key_constraint },
	{ { "constraint-missing-not-valid", DBREV_LINT_ERROR, "a CHECK added "
	    "without NOT VALID, or validated in the same transaction" },
	    constraint_missing_not_valid },
	{ { "disallowed-unique-constraint", DBREV_LINT_ERROR, "UNIQUE or "
	    "PRIMARY KEY added to an existing table without USING INDEX" },
	    disallowed_unique_constraint },
	{ { "adding-exclusion-constraint", DBREV_LINT_ERROR, "EXCLUDE added "
	    "to an existing table" }, adding_exclusion_constraint },
	{ { "changing-column-type", DBREV_LINT_ERROR, "ALTER COLUMN TYPE "
	    "that rewrites the table" }, changing_column_type },
	{ { "require-enum-value-ordering", DBREV_LINT_WARNING, "ADD VALUE "
	    "without BEFORE or AFTER" }, require_enum_value_ordering },
	{ { "ban-truncate-cascade", DBREV_LINT_ERROR, "TRUNCATE ... CASCADE" },
	    ban_truncate_cascade },
	{ { "prefer-repack", DBREV_LINT_ERROR, "VACUUM FULL or CLUSTER" },
	    prefer_repack },
	{ { "require-transaction-none", DBREV_LINT_ERROR, "VACUUM, CREATE "
	    "DATABASE and others in a transactional revision (they fail)" },
	    require_transaction_none },
	{ { "require-lock-timeout", DBREV_LINT_WARNING, "a long-locking "
	    "statement in a revision that sets no lock_timeout before it" },
	    require_lock_timeout },
	{ { "table-rebuild", DBREV_LINT_WARNING, "an existing table dropped "
	    "and created again in one revision" }, table_rebuild },
	{ { "prefer-bigint-over-int", DBREV_LINT_WARNING, "integer or serial "
	    "columns" }, prefer_bigint_over_int },
	{ { "prefer-bigint-over-smallint", DBREV_LINT_WARNING, "smallint or "
	    "smallserial columns" }, prefer_bigint_over_smallint },
	{ { "prefer-identity", DBREV_LINT_WARNING, "serial, bigserial and "
	    "smallserial columns" }, prefer_identity },
	{ { "prefer-timestamptz", DBREV_LINT_WARNING, "timestamp without "
	    "time zone columns" }, prefer_timestamptz },
	LINT_SHARED_RULES
};

const struct lint_dialect dbrev_lint_postgres = {
	rules, sizeof(rules) / sizeof(rules[0]),
	LINT_SYN_NESTED_COMMENTS | LINT_SYN_DOLLAR_QUOTES |
	    LINT_SYN_ESCAPE_STRINGS, "public"
};
