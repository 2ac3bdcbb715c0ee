/*
 * sqltok.h - internal to lib/schema: an SQL tokenizer good enough for
 * SQLite's and PostgreSQL's stored definitions (not a parser).  Strings
 * are '...', x'...' and PostgreSQL's E'...' and $tag$...$tag$ (all
 * T_STRING); quoted identifiers "...", `...`, [...] (T_QUOTED).
 */
#ifndef DBREV_SQLTOK_H
#define DBREV_SQLTOK_H

#include <stddef.h>

enum dbrev_tok_type {
	T_END, T_WORD, T_QUOTED, T_STRING, T_NUMBER, T_PUNCT
};

struct dbrev_tok {
	enum dbrev_tok_type	 type;
	const char		*s, *e;		/* [s, e) in the source text */
};

/*
 * Scan one token at *pp: returns its type, sets [*start, *end) and
 * advances *pp.  Comments and white space are skipped.
 */
enum dbrev_tok_type dbrev_sqltok_scan(const char **pp, const char **start,
	    const char **end);

/* All tokens of sql (no T_END); free(*out). */
void	 dbrev_sqltok_all(const char *sql, struct dbrev_tok **out, size_t *n);

/* Token is the word kw (ASCII case-insensitive). */
int	 dbrev_tok_is(const struct dbrev_tok *, const char *kw);

/* Token is the single punctuation character c. */
int	 dbrev_tok_punct(const struct dbrev_tok *, char c);

/* Identifier text of a token: unquoted and lowercased.  Caller frees. */
char	*dbrev_tok_ident(const struct dbrev_tok *);

/*
 * The exact value a token stands for: a quoted identifier or string
 * unquoted (doubled quotes undone, E'...' escapes decoded, a dollar
 * quote's body as is), any other token its text.  An unterminated
 * quote gives what is inside it.  Caller frees.
 */
char	*dbrev_tok_text(const struct dbrev_tok *);

#endif /* DBREV_SQLTOK_H */
