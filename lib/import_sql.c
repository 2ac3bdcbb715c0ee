/*
 * import_sql.c - just enough SQL for import: split a script into
 * statements and say what a statement's first words make it.
 *
 * The splitter knows what can hide a ';' in SQLite and PostgreSQL
 * scripts: '...' and E'...' strings, "..." `...` [...] identifiers,
 * $tag$...$tag$ bodies, -- and nested / * * / comments, and the
 * BEGIN ... END (and CASE ... END) bodies of a CREATE TRIGGER.  It is
 * not a parser: it only finds where statements start and end.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "import_kind.h"

static int
word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Past a comment at p (or p itself when none starts there). */
static size_t
skip_comment(const char *s, size_t len, size_t p)
{
	int depth;

	if (p + 1 < len && s[p] == '-' && s[p + 1] == '-') {
		while (p < len && s[p] != '\n')
			p++;
		return p;
	}
	if (p + 1 < len && s[p] == '/' && s[p + 1] == '*') {
		/* PostgreSQL nests them; SQLite never has "/ *" inside. */
		for (depth = 0; p < len; ) {
			if (p + 1 < len && s[p] == '/' && s[p + 1] == '*') {
				depth++;
				p += 2;
			} else if (p + 1 < len && s[p] == '*' &&
			    s[p + 1] == '/') {
				p += 2;
				if (--depth == 0)
					break;
			} else
				p++;
		}
	}
	return p;
}

/* Past blanks and comments from p. */
static size_t
skip_space(const char *s, size_t len, size_t p)
{
	size_t q;

	for (;;) {
		while (p < len && isspace((unsigned char)s[p]))
			p++;
		if ((q = skip_comment(s, len, p)) == p)
			return p;
		p = q;
	}
}

/* Length of the dollar-quote tag "$tag$" at p, or 0 when none. */
static size_t
dollar_tag(const char *s, size_t len, size_t p)
{
	size_t q = p + 1;

	if (p > 0 && word_char((unsigned char)s[p - 1]))
		return 0;	/* a$b is a name, not a quote */
	if (q < len && (isalpha((unsigned char)s[q]) || s[q] == '_' ||
	    (unsigned char)s[q] >= 0x80))
		while (q < len && (isalnum((unsigned char)s[q]) ||
		    s[q] == '_' || (unsigned char)s[q] >= 0x80))
			q++;
	return q < len && s[q] == '$' ? q - p + 1 : 0;
}

/* Past the quoted text opening at p (quote character s[p]). */
static size_t
skip_quoted(const char *s, size_t len, size_t p)
{
	char q = s[p] == '[' ? ']' : s[p];
	/* E'...' (and e'...'): backslash escapes the next character. */
	int esc = q == '\'' && p > 0 && (s[p - 1] == 'E' || s[p - 1] == 'e') &&
	    (p < 2 || !word_char((unsigned char)s[p - 2]));

	for (p++; p < len; p++) {
		if (esc && s[p] == '\\') {
			p++;
			continue;
		}
		if (s[p] == q) {
			if (q != ']' && p + 1 < len && s[p + 1] == q) {
				p++;
				continue;
			}
			return p + 1;
		}
	}
	return len;
}

/* Past a $tag$ body opening at p with a tag of n bytes. */
static size_t
skip_dollar(const char *s, size_t len, size_t p, size_t n)
{
	const char *e;
	size_t q = p + n;

	while (q + n <= len) {
		if ((e = memchr(s + q, '$', len - q)) == NULL)
			break;
		q = (size_t)(e - s);
		if (q + n <= len && memcmp(s + q, s + p, n) == 0)
			return q + n;
		q++;
	}
	return len;
}

/*
 * Whether the statement at [s, e) is a CREATE TRIGGER, FUNCTION or
 * PROCEDURE, whose body may hold BEGIN ... END with ';' inside.
 */
static int
has_body(const char *s, const char *e)
{
	const char *w[6];
	size_t wl[6], n, i;

	n = imp_words(s, e, w, wl, 6);
	if (n < 2 || !imp_word_is(w[0], wl[0], "CREATE"))
		return 0;
	for (i = 1; i < n && *w[i] != ';'; i++)
		if (imp_word_is(w[i], wl[i], "TRIGGER") ||
		    imp_word_is(w[i], wl[i], "FUNCTION") ||
		    imp_word_is(w[i], wl[i], "PROCEDURE"))
			return 1;
	return 0;
}

/*
 * The next statement of sql[0, len) from *pos: [*start, *end) runs from
 * its first word to its ';' included (or to the end of the text).
 * Returns 0 when only blanks and comments are left.
 */
int
imp_stmt(const char *sql, size_t len, size_t *pos, size_t *start, size_t *end)
{
	size_t p = skip_space(sql, len, *pos), q, n, w;
	int create, depth = 0;

	if (p >= len) {
		*pos = len;
		return 0;
	}
	*start = p;
	create = has_body(sql + p, sql + len);
	while (p < len) {
		unsigned char c = (unsigned char)sql[p];

		if ((q = skip_comment(sql, len, p)) != p) {
			p = q;
			continue;
		}
		if (c == '\'' || c == '"' || c == '`' || c == '[') {
			p = skip_quoted(sql, len, p);
			continue;
		}
		if (c == '$' && (n = dollar_tag(sql, len, p)) != 0) {
			p = skip_dollar(sql, len, p, n);
			continue;
		}
		if (word_char(c) && (p == 0 ||
		    !word_char((unsigned char)sql[p - 1]))) {
			for (w = p; w < len && word_char((unsigned char)sql[w]);
			    w++)
				;
			/* A trigger's body: BEGIN ... END, CASE ... END. */
			if (create && (imp_word_is(sql + p, w - p, "BEGIN") ||
			    imp_word_is(sql + p, w - p, "CASE")))
				depth++;
			else if (create && depth > 0 &&
			    imp_word_is(sql + p, w - p, "END"))
				depth--;
			p = w;
			continue;
		}
		p++;
		if (c == ';' && depth == 0)
			break;
	}
	*end = p;
	*pos = p;
	return 1;
}

int
imp_word_is(const char *w, size_t len, const char *kw)
{
	return strlen(kw) == len && strncasecmp(w, kw, len) == 0;
}

size_t
imp_words(const char *s, const char *e, const char **w, size_t *wl, size_t n)
{
	size_t len = (size_t)(e - s), p = 0, k = 0, q;

	while (k < n) {
		p = skip_space(s, len, p);
		if (p >= len)
			break;
		if (s[p] == '"' || s[p] == '`' || s[p] == '[')
			q = skip_quoted(s, len, p);
		else if (word_char((unsigned char)s[p]))
			for (q = p; q < len && word_char((unsigned char)s[q]);
			    q++)
				;
		else
			q = p + 1;
		w[k] = s + p;
		wl[k] = q - p;
		k++;
		p = q;
	}
	return k;
}

int
imp_stmt_txn(const char *s, const char *e)
{
	static const char *const kw[] = { "BEGIN", "START", "COMMIT", "END",
	    "ABORT" };
	const char *w[4];
	size_t wl[4], n, i;

	n = imp_words(s, e, w, wl, 4);
	if (n == 0)
		return 0;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (imp_word_is(w[0], wl[0], kw[i]))
			return 1;
	if (imp_word_is(w[0], wl[0], "PREPARE"))
		return n > 1 && imp_word_is(w[1], wl[1], "TRANSACTION");
	if (!imp_word_is(w[0], wl[0], "ROLLBACK"))
		return 0;
	/* ROLLBACK [TRANSACTION | WORK] TO is a savepoint's. */
	i = 1;
	if (n > 1 && (imp_word_is(w[1], wl[1], "TRANSACTION") ||
	    imp_word_is(w[1], wl[1], "WORK")))
		i = 2;
	return !(n > i && imp_word_is(w[i], wl[i], "TO"));
}

int
imp_stmt_notxn(const char *s, const char *e)
{
	const char *w[5];
	size_t wl[5], n, i;

	n = imp_words(s, e, w, wl, 5);
	if (n == 0)
		return 0;
	if (imp_word_is(w[0], wl[0], "VACUUM"))
		return 1;
	if (n >= 2 && imp_word_is(w[0], wl[0], "ALTER") &&
	    imp_word_is(w[1], wl[1], "SYSTEM"))
		return 1;
	if (n >= 2 && (imp_word_is(w[0], wl[0], "CREATE") ||
	    imp_word_is(w[0], wl[0], "DROP")) &&
	    (imp_word_is(w[1], wl[1], "DATABASE") ||
	    imp_word_is(w[1], wl[1], "TABLESPACE")))
		return 1;
	/* CREATE [UNIQUE] INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY,
	 * REINDEX ... CONCURRENTLY */
	for (i = 1; i < n; i++)
		if (imp_word_is(w[i], wl[i], "CONCURRENTLY"))
			return imp_word_is(w[0], wl[0], "CREATE") ||
			    imp_word_is(w[0], wl[0], "DROP") ||
			    imp_word_is(w[0], wl[0], "REINDEX");
	return 0;
}

int
imp_has_txn(const char *sql)
{
	size_t len = strlen(sql), pos = 0, s, e;

	while (imp_stmt(sql, len, &pos, &s, &e))
		if (imp_stmt_txn(sql + s, sql + e))
			return 1;
	return 0;
}
