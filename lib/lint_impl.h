/*
 * lint_impl.h - internal to lib/lint*.c.
 *
 *   lint_sql.c      the SQL front end: tokens with their file lines,
 *                   statements, and a light parse of the DDL the rules
 *                   read (CREATE/ALTER/DROP TABLE, indexes, views,
 *                   triggers); it knows syntax switches, no database.
 *   lint.c          the walk over the revisions in apply order, what
 *                   they built so far (tables, columns, constraints,
 *                   indexes, triggers, views), lint.conf, "lint: allow"
 *                   lines and the findings; it knows no database by
 *                   name beyond picking a rule table.
 *   lint_rules.c    rules both databases share.
 *   db/<name>/lint.c   a database's syntax switches and table of rules.
 *
 * A rule is one function, called with each statement of each revision
 * it checks, before the statement's effects are recorded: what it sees
 * is the schema as the statements before built it.
 */
#ifndef DBREV_LINT_IMPL_H
#define DBREV_LINT_IMPL_H

#include <stddef.h>

#include "dbrev/lint.h"
#include "dbrev/revision.h"
#include "schema/sqltok.h"

/*
 * Every symbol libdbrev defines starts with dbrev_.  The functions
 * shared by lib/lint*.c are named here without it, for reading.
 */
#define lint_tokenize		dbrev_lint_tokenize
#define lint_statements		dbrev_lint_statements
#define lint_stmt_free		dbrev_lint_stmt_free
#define lint_kw			dbrev_lint_kw
#define lint_kws		dbrev_lint_kws
#define lint_punct		dbrev_lint_punct
#define lint_skip		dbrev_lint_skip
#define lint_is_name		dbrev_lint_is_name
#define lint_ident		dbrev_lint_ident
#define lint_text		dbrev_lint_text
#define lint_at			dbrev_lint_at
#define lint_mentions		dbrev_lint_mentions
#define lint_report		dbrev_lint_report
#define lint_is_new		dbrev_lint_is_new
#define lint_recreated_later	dbrev_lint_recreated_later
#define lint_column_type	dbrev_lint_column_type
#define lint_constraint_state	dbrev_lint_constraint_state
#define lint_notnull_check	dbrev_lint_notnull_check
#define lint_index_table	dbrev_lint_index_table
#define lint_function_nonvolatile dbrev_lint_function_nonvolatile
#define lint_referrer		dbrev_lint_referrer
#define lint_existing		dbrev_lint_existing
#define lint_rule_ban_drop_column dbrev_lint_rule_ban_drop_column
#define lint_rule_ban_drop_table dbrev_lint_rule_ban_drop_table
#define lint_rule_renaming_column dbrev_lint_rule_renaming_column
#define lint_rule_renaming_table dbrev_lint_rule_renaming_table
#define lint_rule_transaction_nesting dbrev_lint_rule_transaction_nesting

/* ---- The SQL front end (lint_sql.c) ---- */

/* Syntax switches of a database. */
#define LINT_SYN_NESTED_COMMENTS 0x01	/* slash-star comments nest */
#define LINT_SYN_DOLLAR_QUOTES	 0x02	/* $tag$ ... $tag$ strings */
#define LINT_SYN_ESCAPE_STRINGS	 0x04	/* E'...' with backslash escapes */
#define LINT_SYN_BRACKET_IDENTS	 0x08	/* [name] is an identifier */

struct lint_tok {
	struct dbrev_tok t;	/* type and [s, e) in the section text */
	unsigned	 line;	/* file line of its first byte */
};

/* What a statement is, as far as the rules care. */
enum lint_kind {
	LK_OTHER = 0,
	LK_CREATE_TABLE,
	LK_ALTER_TABLE,
	LK_DROP_TABLE,
	LK_CREATE_INDEX,
	LK_DROP_INDEX,
	LK_REINDEX,
	LK_CREATE_VIEW,
	LK_DROP_VIEW,
	LK_CREATE_TRIGGER,
	LK_DROP_TRIGGER,
	LK_TRUNCATE,
	LK_VACUUM,
	LK_CLUSTER,
	LK_ALTER_TYPE,		/* ALTER TYPE (enums) */
	LK_SET,
	LK_PRAGMA,
	LK_TX_START,		/* BEGIN, START TRANSACTION */
	LK_TX_END,		/* COMMIT, END, ROLLBACK, ABORT */
	LK_LOCK,
	LK_SELECT,
	LK_CREATE_FUNCTION,
	LK_DROP_FUNCTION
};

/* A column definition's constraints. */
#define LC_NOT_NULL	0x001
#define LC_NULL		0x002	/* an explicit NULL */
#define LC_DEFAULT	0x004
#define LC_PRIMARY	0x008
#define LC_UNIQUE	0x010
#define LC_CHECK	0x020
#define LC_REFERENCES	0x040
#define LC_GENERATED	0x080	/* GENERATED ALWAYS AS (expr), AS (expr) */
#define LC_STORED	0x100	/* ... STORED */
#define LC_IDENTITY	0x200	/* GENERATED ... AS IDENTITY */

struct lint_coldef {
	char		*name;
	size_t		 at;		/* token of the name */
	size_t		 type_s, type_e; /* the type's tokens */
	size_t		 def_s, def_e;	/* DEFAULT's expression; equal: none */
	unsigned	 flags;		/* LC_* */
};

enum lint_con_kind {
	LCON_OTHER = 0,
	LCON_CHECK,
	LCON_UNIQUE,
	LCON_PRIMARY,
	LCON_FOREIGN,
	LCON_EXCLUDE,
	LCON_NOT_NULL
};

struct lint_constraint {
	enum lint_con_kind kind;
	char		*name;		/* NULL: unnamed */
	char		*notnull_col;	/* CHECK (c IS NOT NULL), NOT NULL c */
	int		 not_valid;
	int		 using_index;	/* UNIQUE/PRIMARY KEY USING INDEX i */
	size_t		 at;		/* first token */
};

enum lint_act_kind {
	LA_OTHER = 0,
	LA_ADD_COLUMN,
	LA_ADD_CONSTRAINT,
	LA_DROP_COLUMN,
	LA_DROP_CONSTRAINT,
	LA_ALTER_TYPE,
	LA_SET_NOT_NULL,
	LA_SET_DEFAULT,
	LA_VALIDATE,
	LA_RENAME_COLUMN,
	LA_RENAME_TABLE,
	LA_DETACH_PARTITION
};

/* One action of ALTER TABLE. */
struct lint_action {
	enum lint_act_kind kind;
	size_t		 s, e;		/* its tokens */
	char		*column;	/* the column it acts on */
	char		*newname;	/* RENAME ... TO newname */
	struct lint_coldef col;		/* LA_ADD_COLUMN */
	struct lint_constraint con;	/* LA_ADD_CONSTRAINT; name for
					 * LA_VALIDATE, LA_DROP_CONSTRAINT */
	size_t		 type_s, type_e; /* LA_ALTER_TYPE: the new type */
	size_t		 using_s;	/* LA_ALTER_TYPE ... USING: the
					 * expression's first token, or 0 */
	int		 concurrently;	/* LA_DETACH_PARTITION */
};

struct lint_stmt {
	const struct lint_tok *t;	/* its tokens, the ';' left out */
	size_t		 n;
	enum lint_kind	 kind;
	char		*table;		/* the table it works on, or NULL */
	char	       **names;		/* what it creates or drops */
	size_t		 nnames;
	int		 concurrently;
	int		 if_not_exists;
	int		 nonvolatile;	/* CREATE FUNCTION: IMMUTABLE, STABLE */
	size_t		 body_s;	/* view, trigger, index: where the
					 * names it refers to start */
	struct lint_action *act;	/* ALTER TABLE */
	size_t		 nact;
	struct lint_coldef *cols;	/* CREATE TABLE */
	size_t		 ncols;
	struct lint_constraint *cons;	/* CREATE TABLE's table constraints */
	size_t		 ncons;
};

/*
 * Tokens of sql, whose first line is file line first_line (free(*out)).
 * Blanks and comments are left out; strings, dollar quotes and quoted
 * identifiers are single tokens.
 */
void	 lint_tokenize(const char *sql, unsigned first_line, unsigned syntax,
	    struct lint_tok **out, size_t *n);

/*
 * Statements of a token list: split at ';' outside parentheses and
 * outside the BEGIN ... END body of a trigger or routine; empty ones
 * are left out.  Each is parsed (lint_stmt_free each, then free(*out)).
 * default_schema names the schema an unqualified name lives in, left
 * out of qualified names so that both spellings are one name.
 */
void	 lint_statements(const struct lint_tok *, size_t n,
	    const char *default_schema, struct lint_stmt **out, size_t *nst);
void	 lint_stmt_free(struct lint_stmt *);

/* Token i of st is the keyword kw (case-insensitive); out of range: 0. */
int	 lint_kw(const struct lint_stmt *, size_t i, const char *kw);
/* Tokens from *i are the space-separated keywords; if so skip them. */
int	 lint_kws(const struct lint_stmt *, size_t *i, const char *words);
/* Token i is the punctuation c. */
int	 lint_punct(const struct lint_stmt *, size_t i, char c);
/* Index after the group opened at i ('(' or '['), else i + 1. */
size_t	 lint_skip(const struct lint_stmt *, size_t i);
/* Token i (in range) is a name: a word or a quoted identifier. */
int	 lint_is_name(const struct lint_stmt *, size_t i);
/* A name token's text: quotes removed, a word lowercased.  Frees: caller. */
char	*lint_ident(const struct lint_tok *);
/*
 * The tokens [s, e) as one normalised text (words lowercased, single
 * spaces, none around punctuation), e.g. a type "character varying(20)".
 */
char	*lint_text(const struct lint_stmt *, size_t s, size_t e);
/* Line of token i (the statement's last line past the end). */
unsigned lint_at(const struct lint_stmt *, size_t i);
/* A name is among the tokens [s, st->n): as a name or a qualifier. */
int	 lint_mentions(const struct lint_stmt *, size_t s, const char *name);

/* ---- Rules and what they see (lint.c) ---- */

struct lint_ctx;

struct lint_rule {
	struct dbrev_lint_rule_info info;
	void	(*check)(struct lint_ctx *, const struct lint_stmt *);
};

struct lint_dialect {
	const struct lint_rule *rules;
	size_t		 nrules;
	unsigned	 syntax;	/* LINT_SYN_* */
	const char	*default_schema;
};

/* Each database's table is its driver's `lint` (lib/db/<name>/lint.c). */

struct lint_state;
struct lint_map;

/* What a rule sees while it runs. */
struct lint_ctx {
	const struct dbrev_revision *rev;	/* the revision checked */
	const struct lint_stmt *stmts;		/* its statements */
	size_t		 nstmts;
	size_t		 cur;			/* the one checked now */
	/*
	 * A word the running rule keeps for itself across the statements
	 * of one revision (0 at each revision's start).
	 */
	unsigned	*scratch;
	/* Internal to lint.c. */
	struct lint_state *state;
	const struct lint_dialect *d;
	size_t		 rule;			/* index of the running rule */
	size_t		 serial;		/* 1 + the revision's index */
	const enum dbrev_lint_level *levels;
	const unsigned char *allowed;		/* per rule, this revision */
	struct dbrev_lint_result *res;
	size_t		 cap;			/* of res->findings */
	struct lint_map	*recreated;		/* name -> last creating stmt */
};

/*
 * Report a finding of the running rule at a file line: what is
 * dangerous (printf format) and the safe way (hint, may be NULL).  A
 * rule the revision allows is counted, not reported.
 */
void	 lint_report(struct lint_ctx *, unsigned line, const char *hint,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * A table is new: created by an earlier statement of the revision
 * checked (so empty and unseen by the application).  Every other table,
 * also one lint never saw created, counts as existing and populated.
 */
int	 lint_is_new(const struct lint_ctx *, const char *table);

/* A later statement of this revision creates (or renames to) name. */
int	 lint_recreated_later(const struct lint_ctx *, const char *name);

/* The type of table.column as its definition wrote it, or NULL. */
const char *lint_column_type(const struct lint_ctx *, const char *table,
	    const char *column);

/* Constraint `name` of table as the revisions left it, or NULL. */
struct lint_con_state {
	char		*name;
	enum lint_con_kind kind;
	char		*notnull_col;	/* see struct lint_constraint */
	int		 validated;
	size_t		 added;		/* serial of the adding revision */
	size_t		 added_stmt;	/* and its statement */
};
const struct lint_con_state *lint_constraint_state(const struct lint_ctx *,
	    const char *table, const char *name);
/* A validated CHECK (column IS NOT NULL) on table, or NULL. */
const struct lint_con_state *lint_notnull_check(const struct lint_ctx *,
	    const char *table, const char *column);

/*
 * The revisions declared function name (normalised, as a qualified
 * name) IMMUTABLE or STABLE, and have not redefined or dropped it.
 */
int	 lint_function_nonvolatile(const struct lint_ctx *, const char *name);

/* The table of an index, or NULL when lint never saw it created. */
const char *lint_index_table(const struct lint_ctx *, const char *index);

/*
 * A trigger, view or index that refers to table.column (as far as the
 * names in its text tell): its name, and *what ("trigger", "view",
 * "index").  NULL when none.
 */
const char *lint_referrer(const struct lint_ctx *, const char *table,
	    const char *column, const char **what);

/* ---- Rules both databases share (lint_rules.c) ---- */

/* A table the statement works on that existed before this revision. */
int	 lint_existing(const struct lint_ctx *, const char *table);

void	 lint_rule_ban_drop_column(struct lint_ctx *, const struct lint_stmt *);
void	 lint_rule_ban_drop_table(struct lint_ctx *, const struct lint_stmt *);
void	 lint_rule_renaming_column(struct lint_ctx *, const struct lint_stmt *);
void	 lint_rule_renaming_table(struct lint_ctx *, const struct lint_stmt *);
void	 lint_rule_transaction_nesting(struct lint_ctx *,
	    const struct lint_stmt *);

#define LINT_SHARED_RULES \
	{ { "ban-drop-column", DBREV_LINT_ERROR, "DROP COLUMN on an " \
	    "existing table breaks the code still using the column" }, \
	    lint_rule_ban_drop_column }, \
	{ { "ban-drop-table", DBREV_LINT_ERROR, "DROP TABLE of an existing " \
	    "table breaks the code still using it" }, \
	    lint_rule_ban_drop_table }, \
	{ { "renaming-column", DBREV_LINT_ERROR, "RENAME COLUMN on an " \
	    "existing table breaks the code still using the old name" }, \
	    lint_rule_renaming_column }, \
	{ { "renaming-table", DBREV_LINT_ERROR, "RENAME TO of an existing " \
	    "table breaks the code still using the old name" }, \
	    lint_rule_renaming_table }, \
	{ { "transaction-nesting", DBREV_LINT_ERROR, "BEGIN, COMMIT or " \
	    "ROLLBACK inside a transactional revision" }, \
	    lint_rule_transaction_nesting }

#endif /* DBREV_LINT_IMPL_H */
