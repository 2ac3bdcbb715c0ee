/*
 * lint_sql.c - the lint's SQL front end (see lint_impl.h): tokens with
 * their file lines, statements, and a light parse of the DDL the rules
 * read.  It is not a parser of either database's grammar: it finds the
 * parts of a statement the rules ask about and leaves the rest alone,
 * so that SQL it does not understand is never an error.
 *
 * Tokens come from lib/schema's tokenizer (dbrev_sqltok_scan); this file
 * adds what a migration's text has beyond a stored definition: comments
 * that nest, dollar-quoted bodies, E'' strings, and file lines.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbrev/util.h"
#include "lint_impl.h"

static int
ident_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static int
ident_cont(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* Skip blanks and comments from p, counting the lines passed. */
static const char *
skip_blank(const char *p, unsigned syntax, unsigned *line)
{
	int depth;

	for (;;) {
		if (*p == '\n') {
			(*line)++;
			p++;
		} else if (isspace((unsigned char)*p)) {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2, depth = 1; *p != '\0' && depth > 0; ) {
				if (p[0] == '*' && p[1] == '/') {
					depth--;
					p += 2;
				} else if (p[0] == '/' && p[1] == '*' &&
				    (syntax & LINT_SYN_NESTED_COMMENTS)) {
					depth++;
					p += 2;
				} else {
					if (*p == '\n')
						(*line)++;
					p++;
				}
			}
		} else
			return p;
	}
}

/*
 * The end of a dollar-quoted string opening at p ('$'), the end of the
 * text when it is not closed, or NULL when no dollar quote opens there
 * ($1 is a parameter).
 */
static const char *
dollar_end(const char *p)
{
	const char *q = p + 1, *c;
	size_t taglen;

	if (ident_start((unsigned char)*q))
		while (ident_cont((unsigned char)*q))
			q++;
	if (*q != '$')
		return NULL;
	taglen = (size_t)(q + 1 - p);
	for (c = q + 1; (c = strchr(c, '$')) != NULL; c++)
		if (strncmp(c, p, taglen) == 0)
			return c + taglen;
	return p + strlen(p);
}

/* The end of an E'...' string whose quote is at p. */
static const char *
escape_string_end(const char *p)
{
	for (p++; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '\'') {
			if (p[1] != '\'')
				return p + 1;
			p++;
		}
	}
	return p;
}

void
lint_tokenize(const char *sql, unsigned first_line, unsigned syntax,
    struct lint_tok **out, size_t *n)
{
	struct lint_tok *v = NULL;
	size_t len = 0, cap = 0;
	unsigned line = first_line;
	const char *p = sql, *s, *e, *c;
	enum dbrev_tok_type type;

	for (;;) {
		p = skip_blank(p, syntax, &line);
		if (*p == '\0')
			break;
		s = p;
		if (*p == '$' && (syntax & LINT_SYN_DOLLAR_QUOTES) &&
		    (e = dollar_end(p)) != NULL)
			type = T_STRING;
		else if ((*p == 'e' || *p == 'E') && p[1] == '\'' &&
		    (syntax & LINT_SYN_ESCAPE_STRINGS)) {
			e = escape_string_end(p + 1);
			type = T_STRING;
		} else if ((*p == '[' || *p == ']') &&
		    !(syntax & LINT_SYN_BRACKET_IDENTS)) {
			e = p + 1;
			type = T_PUNCT;
		} else
			type = dbrev_sqltok_scan(&p, &s, &e);
		if (e <= s)	/* cannot happen; never loop forever */
			e = s + 1;
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			v = dbrev_xrealloc(v, cap * sizeof(*v));
		}
		v[len].t.type = type;
		v[len].t.s = s;
		v[len].t.e = e;
		v[len].line = line;
		len++;
		for (c = s; c < e; c++)
			if (*c == '\n')
				line++;
		p = e;
	}
	*out = v;
	*n = len;
}

/* ---- Token helpers ---- */

/* Token i is the word w of len bytes (ASCII case-insensitive). */
static int
tok_word(const struct lint_stmt *st, size_t i, const char *w, size_t len)
{
	const struct dbrev_tok *t;

	if (i >= st->n)
		return 0;
	t = &st->t[i].t;
	return t->type == T_WORD && (size_t)(t->e - t->s) == len &&
	    (*t->s | 0x20) == (*w | 0x20) && strncasecmp(t->s, w, len) == 0;
}

int
lint_kw(const struct lint_stmt *st, size_t i, const char *kw)
{
	return tok_word(st, i, kw, strlen(kw));
}

int
lint_kws(const struct lint_stmt *st, size_t *i, const char *words)
{
	const char *p = words;
	size_t j = *i, len;

	while (*p != '\0') {
		len = strcspn(p, " ");
		if (!tok_word(st, j, p, len))
			return 0;
		j++;
		p += len;
		while (*p == ' ')
			p++;
	}
	*i = j;
	return 1;
}

int
lint_punct(const struct lint_stmt *st, size_t i, char c)
{
	return i < st->n && dbrev_tok_punct(&st->t[i].t, c);
}

size_t
lint_skip(const struct lint_stmt *st, size_t i)
{
	size_t depth = 0;

	if (!lint_punct(st, i, '(') && !lint_punct(st, i, '['))
		return i + 1;
	for (; i < st->n; i++) {
		if (lint_punct(st, i, '(') || lint_punct(st, i, '['))
			depth++;
		else if ((lint_punct(st, i, ')') || lint_punct(st, i, ']')) &&
		    --depth == 0)
			return i + 1;
	}
	return st->n;
}

int
lint_is_name(const struct lint_stmt *st, size_t i)
{
	return i < st->n && (st->t[i].t.type == T_WORD ||
	    st->t[i].t.type == T_QUOTED);
}

char *
lint_ident(const struct lint_tok *t)
{
	return dbrev_tok_ident(&t->t);
}

unsigned
lint_at(const struct lint_stmt *st, size_t i)
{
	if (st->n == 0)
		return 0;
	return st->t[i < st->n ? i : st->n - 1].line;
}

/* No space before these, nor after the first three. */
static int
tight(const struct lint_tok *t, int after)
{
	if (t->t.type != T_PUNCT || t->t.e - t->t.s != 1)
		return 0;
	if (after)
		return strchr("([.,", *t->t.s) != NULL;
	return strchr("()[].,", *t->t.s) != NULL;
}

char *
lint_text(const struct lint_stmt *st, size_t s, size_t e)
{
	struct dbrev_buf b = { 0 };
	size_t i, k, start;

	dbrev_buf_puts(&b, "");
	for (i = s; i < e && i < st->n; i++) {
		if (i > s && !tight(&st->t[i - 1], 1) && !tight(&st->t[i], 0))
			dbrev_buf_puts(&b, " ");
		start = b.len;
		dbrev_buf_add(&b, st->t[i].t.s, (size_t)(st->t[i].t.e -
		    st->t[i].t.s));
		if (st->t[i].t.type == T_WORD)
			for (k = start; k < b.len; k++)
				b.data[k] = (char)tolower((unsigned char)
				    b.data[k]);
	}
	return dbrev_buf_take(&b);
}

/* Token i, a name, is `name` (lowercase), ignoring a qualifier in name. */
static int
name_is(const struct lint_stmt *st, size_t i, const char *name)
{
	const char *base = strrchr(name, '.');
	size_t len;
	char *id;
	int eq;

	base = base != NULL ? base + 1 : name;
	len = strlen(base);
	if (st->t[i].t.type == T_WORD)
		return (size_t)(st->t[i].t.e - st->t[i].t.s) == len &&
		    strncasecmp(st->t[i].t.s, base, len) == 0;
	if (st->t[i].t.type != T_QUOTED)
		return 0;
	id = lint_ident(&st->t[i]);
	eq = strcmp(id, base) == 0;
	free(id);
	return eq;
}

int
lint_mentions(const struct lint_stmt *st, size_t s, const char *name)
{
	size_t i;

	for (i = s; i < st->n; i++)
		if (lint_is_name(st, i) && name_is(st, i, name))
			return 1;
	return 0;
}

/*
 * A possibly qualified name at *i, normalised ("schema.name", the
 * default schema left out); advances *i.  NULL when no name is there.
 */
static char *
qname(const struct lint_stmt *st, size_t *i, const char *dschema)
{
	struct dbrev_buf b = { 0 };
	size_t j = *i, parts = 0, dlen;
	char *part;

	if (!lint_is_name(st, j))
		return NULL;
	for (;;) {
		part = lint_ident(&st->t[j]);
		if (parts++ > 0)
			dbrev_buf_puts(&b, ".");
		dbrev_buf_puts(&b, part);
		free(part);
		j++;
		if (!lint_punct(st, j, '.') || !lint_is_name(st, j + 1))
			break;
		j++;
	}
	*i = j;
	dlen = dschema != NULL ? strlen(dschema) : 0;
	if (parts == 2 && dlen > 0 && strncmp(b.data, dschema, dlen) == 0 &&
	    b.data[dlen] == '.')
		memmove(b.data, b.data + dlen + 1, b.len - dlen);
	return dbrev_buf_take(&b);
}

/* Next comma-separated element of [*i, end): [*s, *e); past the comma. */
static int
next_elem(const struct lint_stmt *st, size_t *i, size_t end, size_t *s,
    size_t *e)
{
	size_t j = *i;

	if (j >= end)
		return 0;
	*s = j;
	while (j < end && !lint_punct(st, j, ','))
		j = lint_skip(st, j);
	if (j > end)
		j = end;
	*e = j;
	*i = j < end ? j + 1 : end;
	return 1;
}

static void
add_name(struct lint_stmt *st, char *name)
{
	st->names = dbrev_xrealloc(st->names, (st->nnames + 1) *
	    sizeof(*st->names));
	st->names[st->nnames++] = name;
}

/* ---- Column definitions and constraints ---- */

/* Words that end a column's type. */
static int
type_end(const struct lint_stmt *st, size_t i)
{
	static const char *const w[] = { "constraint", "not", "null",
	    "default", "primary", "unique", "check", "references", "collate",
	    "generated", "as", "compression", "storage", NULL };
	size_t k;

	for (k = 0; w[k] != NULL; k++)
		if (lint_kw(st, i, w[k]))
			return 1;
	return 0;
}

/* Words that end a DEFAULT expression (its first token is always in). */
static int
default_end(const struct lint_stmt *st, size_t i)
{
	static const char *const w[] = { "constraint", "not", "null",
	    "primary", "unique", "check", "references", "collate",
	    "generated", NULL };
	size_t k;

	for (k = 0; w[k] != NULL; k++)
		if (lint_kw(st, i, w[k]))
			return 1;
	return 0;
}

/* GENERATED ... at i: identity or a generated column; past it. */
static size_t
generated(const struct lint_stmt *st, size_t i, size_t e, unsigned *flags)
{
	if (lint_kws(st, &i, "GENERATED ALWAYS AS IDENTITY") ||
	    lint_kws(st, &i, "GENERATED BY DEFAULT AS IDENTITY")) {
		*flags |= LC_IDENTITY;
		if (i < e && lint_punct(st, i, '('))	/* sequence options */
			i = lint_skip(st, i);
		return i;
	}
	if (lint_kws(st, &i, "GENERATED ALWAYS AS") || lint_kws(st, &i, "AS")) {
		*flags |= LC_GENERATED;
		return lint_skip(st, i);
	}
	return i + 1;
}

static void
parse_coldef(const struct lint_stmt *st, size_t s, size_t e,
    struct lint_coldef *c)
{
	size_t i = s + 1;

	c->name = lint_ident(&st->t[s]);
	c->at = s;
	c->type_s = i;
	while (i < e && !type_end(st, i))
		i = lint_skip(st, i);
	c->type_e = i < e ? i : e;
	while (i < e) {
		if (lint_kws(st, &i, "NOT NULL"))
			c->flags |= LC_NOT_NULL;
		else if (lint_kws(st, &i, "NULL"))
			c->flags |= LC_NULL;
		else if (lint_kws(st, &i, "DEFAULT")) {
			c->flags |= LC_DEFAULT;
			c->def_s = i;
			if (i < e)
				i = lint_skip(st, i);
			while (i < e && !default_end(st, i))
				i = lint_skip(st, i);
			c->def_e = i < e ? i : e;
		} else if (lint_kws(st, &i, "PRIMARY KEY"))
			c->flags |= LC_PRIMARY;
		else if (lint_kws(st, &i, "UNIQUE"))
			c->flags |= LC_UNIQUE;
		else if (lint_kws(st, &i, "CHECK")) {
			c->flags |= LC_CHECK;
			i = lint_skip(st, i);
		} else if (lint_kws(st, &i, "REFERENCES"))
			c->flags |= LC_REFERENCES;
		else if (lint_kw(st, i, "GENERATED") || (lint_kw(st, i, "AS") &&
		    lint_punct(st, i + 1, '(')))
			i = generated(st, i, e, &c->flags);
		else if (lint_kws(st, &i, "STORED"))
			c->flags |= LC_STORED;
		else
			i = lint_skip(st, i);
	}
}

/* CHECK (col IS NOT NULL), extra parentheses allowed: col, or NULL. */
static char *
notnull_check(const struct lint_stmt *st, size_t i)
{
	size_t open = 0, k;

	while (lint_punct(st, i, '(')) {
		open++;
		i++;
	}
	if (open == 0 || !lint_is_name(st, i))
		return NULL;
	k = i + 1;
	if (!lint_kws(st, &k, "IS NOT NULL"))
		return NULL;
	while (open > 0 && lint_punct(st, k, ')')) {
		open--;
		k++;
	}
	return open == 0 ? lint_ident(&st->t[i]) : NULL;
}

static int
constraint_start(const struct lint_stmt *st, size_t i)
{
	return lint_kw(st, i, "CONSTRAINT") || lint_kw(st, i, "CHECK") ||
	    lint_kw(st, i, "UNIQUE") || lint_kw(st, i, "PRIMARY") ||
	    lint_kw(st, i, "FOREIGN") || lint_kw(st, i, "EXCLUDE");
}

static void
parse_constraint(const struct lint_stmt *st, size_t s, size_t e,
    struct lint_constraint *c)
{
	size_t i = s, k;

	c->at = s;
	if (lint_kws(st, &i, "CONSTRAINT") && lint_is_name(st, i) &&
	    !constraint_start(st, i) && !lint_kw(st, i, "NOT"))
		c->name = lint_ident(&st->t[i++]);
	if (lint_kws(st, &i, "CHECK")) {
		c->kind = LCON_CHECK;
		c->notnull_col = notnull_check(st, i);
	} else if (lint_kws(st, &i, "PRIMARY KEY"))
		c->kind = LCON_PRIMARY;
	else if (lint_kws(st, &i, "UNIQUE"))
		c->kind = LCON_UNIQUE;
	else if (lint_kws(st, &i, "FOREIGN KEY"))
		c->kind = LCON_FOREIGN;
	else if (lint_kws(st, &i, "EXCLUDE"))
		c->kind = LCON_EXCLUDE;
	else if (lint_kws(st, &i, "NOT NULL")) {
		c->kind = LCON_NOT_NULL;
		if (lint_is_name(st, i))
			c->notnull_col = lint_ident(&st->t[i]);
	}
	for (; i < e; i = lint_skip(st, i)) {
		k = i;
		if (lint_kws(st, &k, "NOT VALID"))
			c->not_valid = 1;
		else if (lint_kws(st, &k, "USING INDEX") &&
		    !lint_kw(st, k, "TABLESPACE"))
			c->using_index = 1;
	}
}

/* ---- Statements ---- */

static void
parse_create_table(struct lint_stmt *st, size_t i, const char *dschema)
{
	size_t end, s, e;
	struct lint_coldef *c;
	struct lint_constraint *k;

	st->kind = LK_CREATE_TABLE;
	if (lint_kws(st, &i, "IF NOT EXISTS"))
		st->if_not_exists = 1;
	if ((st->table = qname(st, &i, dschema)) == NULL ||
	    !lint_punct(st, i, '('))
		return;		/* AS query, PARTITION OF, OF type */
	end = lint_skip(st, i);
	if (end > i + 1 && lint_punct(st, end - 1, ')'))
		end--;
	for (i++; next_elem(st, &i, end, &s, &e); ) {
		if (s == e || lint_kw(st, s, "LIKE"))
			continue;
		if (constraint_start(st, s)) {
			st->cons = dbrev_xrealloc(st->cons, (st->ncons + 1) *
			    sizeof(*st->cons));
			k = &st->cons[st->ncons++];
			memset(k, 0, sizeof(*k));
			parse_constraint(st, s, e, k);
		} else if (lint_is_name(st, s)) {
			st->cols = dbrev_xrealloc(st->cols, (st->ncols + 1) *
			    sizeof(*st->cols));
			c = &st->cols[st->ncols++];
			memset(c, 0, sizeof(*c));
			parse_coldef(st, s, e, c);
		}
	}
}

/* ALTER [COLUMN] col ...: the part after the column name. */
static void
parse_alter_column(const struct lint_stmt *st, size_t i, size_t e,
    struct lint_action *a)
{
	if (lint_kws(st, &i, "SET DATA TYPE") || lint_kws(st, &i, "TYPE")) {
		a->kind = LA_ALTER_TYPE;
		a->type_s = i;
		while (i < e && !lint_kw(st, i, "COLLATE") &&
		    !lint_kw(st, i, "USING"))
			i = lint_skip(st, i);
		a->type_e = i < e ? i : e;
		for (; i < e; i = lint_skip(st, i))
			if (lint_kw(st, i, "USING"))
				a->using_s = i + 1;
	} else if (lint_kws(st, &i, "SET NOT NULL"))
		a->kind = LA_SET_NOT_NULL;
	else if (lint_kws(st, &i, "SET DEFAULT"))
		a->kind = LA_SET_DEFAULT;
}

static void
parse_add(const struct lint_stmt *st, size_t i, size_t e,
    struct lint_action *a)
{
	if (constraint_start(st, i)) {
		a->kind = LA_ADD_CONSTRAINT;
		parse_constraint(st, i, e, &a->con);
		return;
	}
	lint_kws(st, &i, "COLUMN");
	lint_kws(st, &i, "IF NOT EXISTS");
	if (i < e && lint_is_name(st, i)) {
		a->kind = LA_ADD_COLUMN;
		parse_coldef(st, i, e, &a->col);
		a->column = dbrev_xstrdup(a->col.name);
	}
}

static void
parse_action(struct lint_stmt *st, size_t s, size_t e)
{
	struct lint_action a;
	size_t i = s;

	memset(&a, 0, sizeof(a));
	a.s = s;
	a.e = e;
	if (lint_kws(st, &i, "ADD"))
		parse_add(st, i, e, &a);
	else if (lint_kws(st, &i, "DROP CONSTRAINT")) {
		a.kind = LA_DROP_CONSTRAINT;
		lint_kws(st, &i, "IF EXISTS");
		if (i < e && lint_is_name(st, i))
			a.con.name = lint_ident(&st->t[i]);
	} else if (lint_kws(st, &i, "DROP")) {
		lint_kws(st, &i, "COLUMN");
		lint_kws(st, &i, "IF EXISTS");
		if (i < e && lint_is_name(st, i)) {
			a.kind = LA_DROP_COLUMN;
			a.column = lint_ident(&st->t[i]);
		}
	} else if (lint_kws(st, &i, "ALTER")) {
		lint_kws(st, &i, "COLUMN");
		if (i < e && lint_is_name(st, i)) {
			a.column = lint_ident(&st->t[i]);
			parse_alter_column(st, i + 1, e, &a);
		}
	} else if (lint_kws(st, &i, "VALIDATE CONSTRAINT")) {
		a.kind = LA_VALIDATE;
		if (i < e && lint_is_name(st, i))
			a.con.name = lint_ident(&st->t[i]);
	} else if (lint_kws(st, &i, "RENAME TO")) {
		if (i < e && lint_is_name(st, i)) {
			a.kind = LA_RENAME_TABLE;
			a.newname = lint_ident(&st->t[i]);
		}
	} else if (lint_kws(st, &i, "RENAME") &&
	    !lint_kw(st, i, "CONSTRAINT")) {
		lint_kws(st, &i, "COLUMN");
		if (i + 2 < e && lint_is_name(st, i) &&
		    lint_kw(st, i + 1, "TO") && lint_is_name(st, i + 2)) {
			a.kind = LA_RENAME_COLUMN;
			a.column = lint_ident(&st->t[i]);
			a.newname = lint_ident(&st->t[i + 2]);
		}
	} else if (lint_kws(st, &i, "DETACH PARTITION")) {
		a.kind = LA_DETACH_PARTITION;
		for (; i < e; i++)
			if (lint_kw(st, i, "CONCURRENTLY"))
				a.concurrently = 1;
	}
	st->act = dbrev_xrealloc(st->act, (st->nact + 1) * sizeof(*st->act));
	st->act[st->nact++] = a;
}

static void
parse_alter_table(struct lint_stmt *st, size_t i, const char *dschema)
{
	size_t s, e;

	st->kind = LK_ALTER_TABLE;
	lint_kws(st, &i, "IF EXISTS");
	lint_kws(st, &i, "ONLY");
	if ((st->table = qname(st, &i, dschema)) == NULL)
		return;
	if (lint_punct(st, i, '*'))
		i++;
	while (next_elem(st, &i, st->n, &s, &e))
		if (s < e)
			parse_action(st, s, e);
}

/* CREATE [UNIQUE] INDEX, after INDEX. */
static void
parse_create_index(struct lint_stmt *st, size_t i, const char *dschema)
{
	char *name;

	st->kind = LK_CREATE_INDEX;
	if (lint_kws(st, &i, "CONCURRENTLY"))
		st->concurrently = 1;
	if (lint_kws(st, &i, "IF NOT EXISTS"))
		st->if_not_exists = 1;
	if (!lint_kw(st, i, "ON") && (name = qname(st, &i, dschema)) != NULL)
		add_name(st, name);
	if (!lint_kws(st, &i, "ON"))
		return;
	lint_kws(st, &i, "ONLY");
	st->table = qname(st, &i, dschema);
	st->body_s = i;
}

/* CREATE [MATERIALIZED] VIEW, after VIEW. */
static void
parse_create_view(struct lint_stmt *st, size_t i, const char *dschema)
{
	char *name;

	st->kind = LK_CREATE_VIEW;
	if (lint_kws(st, &i, "IF NOT EXISTS"))
		st->if_not_exists = 1;
	if ((name = qname(st, &i, dschema)) == NULL)
		return;
	add_name(st, name);
	while (i < st->n && !lint_kw(st, i, "AS"))
		i = lint_skip(st, i);
	st->body_s = i;
}

/* CREATE TRIGGER, after TRIGGER: the table is the first ON's. */
static void
parse_create_trigger(struct lint_stmt *st, size_t i, const char *dschema)
{
	char *name;

	st->kind = LK_CREATE_TRIGGER;
	if (lint_kws(st, &i, "IF NOT EXISTS"))
		st->if_not_exists = 1;
	if ((name = qname(st, &i, dschema)) == NULL)
		return;
	add_name(st, name);
	st->body_s = i;
	while (i < st->n && !lint_kw(st, i, "ON"))
		i = lint_skip(st, i);
	if (lint_kws(st, &i, "ON"))
		st->table = qname(st, &i, dschema);
}

/* CREATE FUNCTION, after FUNCTION: its name and its volatility. */
static void
parse_create_function(struct lint_stmt *st, size_t i, const char *dschema)
{
	char *name;

	st->kind = LK_CREATE_FUNCTION;
	if ((name = qname(st, &i, dschema)) == NULL)
		return;
	add_name(st, name);
	for (; i < st->n; i = lint_skip(st, i))
		if (lint_kw(st, i, "IMMUTABLE") || lint_kw(st, i, "STABLE"))
			st->nonvolatile = 1;
		else if (lint_kw(st, i, "VOLATILE"))
			st->nonvolatile = 0;
}

static void
parse_create(struct lint_stmt *st, const char *dschema)
{
	size_t i = 1;

	lint_kws(st, &i, "OR REPLACE");
	while (lint_kws(st, &i, "TEMP") || lint_kws(st, &i, "TEMPORARY") ||
	    lint_kws(st, &i, "UNLOGGED") || lint_kws(st, &i, "GLOBAL") ||
	    lint_kws(st, &i, "LOCAL") || lint_kws(st, &i, "MATERIALIZED") ||
	    lint_kws(st, &i, "RECURSIVE") || lint_kws(st, &i, "CONSTRAINT") ||
	    lint_kws(st, &i, "UNIQUE"))
		;
	if (lint_kws(st, &i, "TABLE"))
		parse_create_table(st, i, dschema);
	else if (lint_kws(st, &i, "INDEX"))
		parse_create_index(st, i, dschema);
	else if (lint_kws(st, &i, "VIEW"))
		parse_create_view(st, i, dschema);
	else if (lint_kws(st, &i, "TRIGGER"))
		parse_create_trigger(st, i, dschema);
	else if (lint_kws(st, &i, "FUNCTION"))
		parse_create_function(st, i, dschema);
}

/*
 * DROP TABLE|INDEX|VIEW|TRIGGER|FUNCTION [CONCURRENTLY] [IF EXISTS] a,
 * b [ON t].
 */
static void
parse_drop(struct lint_stmt *st, const char *dschema)
{
	size_t i = 1;
	char *name;

	if (lint_kws(st, &i, "TABLE"))
		st->kind = LK_DROP_TABLE;
	else if (lint_kws(st, &i, "INDEX"))
		st->kind = LK_DROP_INDEX;
	else if (lint_kws(st, &i, "VIEW") ||
	    lint_kws(st, &i, "MATERIALIZED VIEW"))
		st->kind = LK_DROP_VIEW;
	else if (lint_kws(st, &i, "TRIGGER"))
		st->kind = LK_DROP_TRIGGER;
	else if (lint_kws(st, &i, "FUNCTION"))
		st->kind = LK_DROP_FUNCTION;
	else
		return;
	if (lint_kws(st, &i, "CONCURRENTLY"))
		st->concurrently = 1;
	lint_kws(st, &i, "IF EXISTS");
	while ((name = qname(st, &i, dschema)) != NULL) {
		add_name(st, name);
		if (lint_punct(st, i, '('))	/* a function's arguments */
			i = lint_skip(st, i);
		if (!lint_punct(st, i, ','))
			break;
		i++;
	}
	if (lint_kws(st, &i, "ON"))
		st->table = qname(st, &i, dschema);
}

/* REINDEX [(options)] [INDEX|TABLE|...] [CONCURRENTLY] name. */
static void
parse_reindex(struct lint_stmt *st, const char *dschema)
{
	size_t i = 1;
	char *name;
	int table;

	st->kind = LK_REINDEX;
	if (lint_punct(st, i, '('))
		i = lint_skip(st, i);
	table = lint_kws(st, &i, "TABLE");
	if (!table && !lint_kws(st, &i, "INDEX") &&
	    !lint_kws(st, &i, "SCHEMA") && !lint_kws(st, &i, "DATABASE"))
		lint_kws(st, &i, "SYSTEM");
	if (lint_kws(st, &i, "CONCURRENTLY"))
		st->concurrently = 1;
	if ((name = qname(st, &i, dschema)) == NULL)
		return;
	if (table)
		st->table = name;
	else
		add_name(st, name);
}

/* TRUNCATE [TABLE] [ONLY] a [*], b ... */
static void
parse_truncate(struct lint_stmt *st, const char *dschema)
{
	size_t i = 1;
	char *name;

	st->kind = LK_TRUNCATE;
	lint_kws(st, &i, "TABLE");
	for (;;) {
		lint_kws(st, &i, "ONLY");
		if ((name = qname(st, &i, dschema)) == NULL)
			break;
		add_name(st, name);
		if (lint_punct(st, i, '*'))
			i++;
		if (!lint_punct(st, i, ','))
			break;
		i++;
	}
}

/* Classify and parse one statement. */
static void
parse_stmt(struct lint_stmt *st, const char *dschema)
{
	if (lint_kw(st, 0, "CREATE"))
		parse_create(st, dschema);
	else if (lint_kw(st, 0, "ALTER") && lint_kw(st, 1, "TABLE"))
		parse_alter_table(st, 2, dschema);
	else if (lint_kw(st, 0, "ALTER") && lint_kw(st, 1, "TYPE"))
		st->kind = LK_ALTER_TYPE;
	else if (lint_kw(st, 0, "DROP"))
		parse_drop(st, dschema);
	else if (lint_kw(st, 0, "REINDEX"))
		parse_reindex(st, dschema);
	else if (lint_kw(st, 0, "TRUNCATE"))
		parse_truncate(st, dschema);
	else if (lint_kw(st, 0, "VACUUM"))
		st->kind = LK_VACUUM;
	else if (lint_kw(st, 0, "CLUSTER"))
		st->kind = LK_CLUSTER;
	else if (lint_kw(st, 0, "SET"))
		st->kind = LK_SET;
	else if (lint_kw(st, 0, "PRAGMA"))
		st->kind = LK_PRAGMA;
	else if (lint_kw(st, 0, "LOCK"))
		st->kind = LK_LOCK;
	else if (lint_kw(st, 0, "SELECT"))
		st->kind = LK_SELECT;
	else if (lint_kw(st, 0, "BEGIN") || (lint_kw(st, 0, "START") &&
	    lint_kw(st, 1, "TRANSACTION")))
		st->kind = LK_TX_START;
	else if (lint_kw(st, 0, "COMMIT") || lint_kw(st, 0, "END") ||
	    lint_kw(st, 0, "ABORT") || (lint_kw(st, 0, "ROLLBACK") &&
	    !lint_kw(st, 1, "TO") && !lint_kw(st, 2, "TO") &&
	    !lint_kw(st, 1, "PREPARED")))
		st->kind = LK_TX_END;
}

/*
 * The statement starting at t opens a body that ends with END (a
 * trigger, or a routine with a BEGIN ATOMIC body).
 */
static int
has_body(const struct lint_tok *t, size_t n)
{
	struct lint_stmt st;
	size_t i = 1;

	memset(&st, 0, sizeof(st));
	st.t = t;
	st.n = n < 8 ? n : 8;
	if (!lint_kw(&st, 0, "CREATE"))
		return 0;
	lint_kws(&st, &i, "OR REPLACE");
	while (lint_kws(&st, &i, "TEMP") || lint_kws(&st, &i, "TEMPORARY") ||
	    lint_kws(&st, &i, "CONSTRAINT"))
		;
	return lint_kw(&st, i, "TRIGGER") || lint_kw(&st, i, "FUNCTION") ||
	    lint_kw(&st, i, "PROCEDURE");
}

void
lint_statements(const struct lint_tok *t, size_t n, const char *dschema,
    struct lint_stmt **out, size_t *nst)
{
	struct lint_stmt *v = NULL, *st;
	size_t len = 0, cap = 0, i = 0, start, paren, depth;
	int body;

	while (i < n) {
		if (dbrev_tok_punct(&t[i].t, ';')) {
			i++;
			continue;
		}
		start = i;
		paren = depth = 0;
		body = has_body(t + i, n - i);
		for (; i < n; i++) {
			if (dbrev_tok_punct(&t[i].t, '('))
				paren++;
			else if (dbrev_tok_punct(&t[i].t, ')')) {
				if (paren > 0)
					paren--;
			} else if (dbrev_tok_punct(&t[i].t, ';')) {
				if (paren == 0 && depth == 0)
					break;
			} else if (body && paren == 0) {
				if (dbrev_tok_is(&t[i].t, "BEGIN") ||
				    (depth > 0 &&
				    dbrev_tok_is(&t[i].t, "CASE")))
					depth++;
				else if (depth > 0 &&
				    dbrev_tok_is(&t[i].t, "END"))
					depth--;
			}
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = dbrev_xrealloc(v, cap * sizeof(*v));
		}
		st = &v[len++];
		memset(st, 0, sizeof(*st));
		st->t = t + start;
		st->n = i - start;
		parse_stmt(st, dschema);
	}
	*out = v;
	*nst = len;
}

static void
coldef_free(struct lint_coldef *c)
{
	free(c->name);
}

static void
constraint_free(struct lint_constraint *c)
{
	free(c->name);
	free(c->notnull_col);
}

void
lint_stmt_free(struct lint_stmt *st)
{
	size_t i;

	free(st->table);
	for (i = 0; i < st->nnames; i++)
		free(st->names[i]);
	free(st->names);
	for (i = 0; i < st->nact; i++) {
		free(st->act[i].column);
		free(st->act[i].newname);
		coldef_free(&st->act[i].col);
		constraint_free(&st->act[i].con);
	}
	free(st->act);
	for (i = 0; i < st->ncols; i++)
		coldef_free(&st->cols[i]);
	free(st->cols);
	for (i = 0; i < st->ncons; i++)
		constraint_free(&st->cons[i]);
	free(st->cons);
}
