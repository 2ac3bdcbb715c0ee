/* sqltok.c - the SQL tokenizer lib/schema shares (see sqltok.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbrev/util.h"
#include "sqltok.h"


/*
 * Length of the dollar-quote delimiter ($$ or $tag$, the tag a letter or
 * _ then letters, digits or _) that opens at p, or 0.
 */
static int
dollar_tag(const char *p)
{
	const char *t = p + 1;

	if (*t == '$')
		return 2;
	if (!isalpha((unsigned char)*t) && *t != '_' &&
	    (unsigned char)*t < 0x80)
		return 0;
	while (isalnum((unsigned char)*t) || *t == '_' ||
	    (unsigned char)*t >= 0x80)
		t++;
	return *t == '$' && t - p < 1000 ? (int)(t - p + 1) : 0;
}

/*
 * Scan one token at *pp: returns its class, sets [*start, *end) and
 * advances *pp.  Comments and white space are skipped.
 */
enum dbrev_tok_type
dbrev_sqltok_scan(const char **pp, const char **start, const char **end)
{
	const char *p = *pp;
	int q;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p != '\0' && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p != '\0')
				p += 2;
			continue;
		}
		break;
	}
	*start = p;
	if (*p == '\0') {
		*end = *pp = p;
		return T_END;
	}
	/* PostgreSQL's E'...': a backslash escapes the next character. */
	if ((*p == 'e' || *p == 'E') && p[1] == '\'') {
		for (p += 2; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '\'') {
				if (p[1] == '\'')
					p++;
				else {
					p++;
					break;
				}
			}
		}
		*end = *pp = p;
		return T_STRING;
	}
	/* PostgreSQL's dollar quotes: $$...$$, $tag$...$tag$. */
	if (*p == '$' && (q = dollar_tag(p)) > 0) {
		const char *close;

		for (close = p + q; *close != '\0'; close++)
			if (*close == '$' && strncmp(close, p, (size_t)q) == 0)
				break;
		p = *close != '\0' ? close + q : close;
		*end = *pp = p;
		return T_STRING;
	}
	if (*p == '\'' || ((*p == 'x' || *p == 'X') && p[1] == '\'')) {
		if (*p != '\'')
			p++;
		for (p++; *p != '\0'; p++)
			if (*p == '\'') {
				if (p[1] == '\'')
					p++;
				else {
					p++;
					break;
				}
			}
		*end = *pp = p;
		return T_STRING;
	}
	if (*p == '"' || *p == '`' || *p == '[') {
		q = *p == '[' ? ']' : (unsigned char)*p;
		for (p++; *p != '\0'; p++)
			if (*p == q) {
				if (q != ']' && p[1] == q)
					p++;
				else {
					p++;
					break;
				}
			}
		*end = *pp = p;
		return T_QUOTED;
	}
	if (isdigit((unsigned char)*p) || (*p == '.' &&
	    isdigit((unsigned char)p[1]))) {
		while (isalnum((unsigned char)*p) || *p == '.' ||
		    ((*p == '+' || *p == '-') && (p[-1] == 'e' || p[-1] == 'E')))
			p++;
		*end = *pp = p;
		return T_NUMBER;
	}
	if (isalpha((unsigned char)*p) || *p == '_' || *p == '$' ||
	    (unsigned char)*p >= 0x80) {
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
		    (unsigned char)*p >= 0x80)
			p++;
		*end = *pp = p;
		return T_WORD;
	}
	/* Two- and three-character operators. */
	if ((p[0] == '-' && p[1] == '>' && p[2] == '>'))
		p += 3;
	else if ((p[0] == '|' && p[1] == '|') || (p[0] == '<' && p[1] == '=') ||
	    (p[0] == '>' && p[1] == '=') || (p[0] == '<' && p[1] == '>') ||
	    (p[0] == '!' && p[1] == '=') || (p[0] == '=' && p[1] == '=') ||
	    (p[0] == '<' && p[1] == '<') || (p[0] == '>' && p[1] == '>') ||
	    (p[0] == '-' && p[1] == '>') || (p[0] == ':' && p[1] == ':'))
		p += 2;
	else
		p++;
	*end = *pp = p;
	return T_PUNCT;
}

void
dbrev_sqltok_all(const char *sql, struct dbrev_tok **out, size_t *n)
{
	struct dbrev_tok *v = NULL;
	size_t len = 0, cap = 0;
	const char *p = sql, *s, *e;
	enum dbrev_tok_type t;

	while ((t = dbrev_sqltok_scan(&p, &s, &e)) != T_END) {
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			v = dbrev_xrealloc(v, cap * sizeof(*v));
		}
		v[len].type = t;
		v[len].s = s;
		v[len].e = e;
		len++;
	}
	*out = v;
	*n = len;
}

int
dbrev_tok_is(const struct dbrev_tok *t, const char *kw)
{
	size_t n = strlen(kw);

	return t->type == T_WORD && (size_t)(t->e - t->s) == n &&
	    strncasecmp(t->s, kw, n) == 0;
}

int
dbrev_tok_punct(const struct dbrev_tok *t, char c)
{
	return t->type == T_PUNCT && t->e - t->s == 1 && *t->s == c;
}

char *
dbrev_tok_ident(const struct dbrev_tok *t)
{
	struct dbrev_buf b = { 0 };
	const char *s = t->s, *e = t->e;
	char q;
	size_t i;

	dbrev_buf_puts(&b, "");
	if (t->type == T_QUOTED || t->type == T_STRING) {
		q = *s == '[' ? ']' : *s;
		for (s++, e--; s < e; s++) {
			if (*s == q && q != ']' && s + 1 < e && s[1] == q)
				s++;
			dbrev_buf_add(&b, s, 1);
		}
	} else
		dbrev_buf_add(&b, s, (size_t)(e - s));
	for (i = 0; i < b.len; i++)
		b.data[i] = (char)tolower((unsigned char)b.data[i]);
	return dbrev_buf_take(&b);
}

/* The value of one escape of an E'...' string at p (after the \\). */
static const char *
e_escape(const char *p, const char *e, struct dbrev_buf *b)
{
	static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
	const char *k;
	unsigned v = 0;
	int n = 0;

	if ((k = strchr(from, *p)) != NULL && *p != '\0') {
		dbrev_buf_add(b, &to[k - from], 1);
		return p + 1;
	}
	if (*p >= '0' && *p <= '7') {
		for (; n < 3 && p < e && *p >= '0' && *p <= '7'; n++, p++)
			v = v * 8 + (unsigned)(*p - '0');
	} else if (*p == 'x' && p + 1 < e && isxdigit((unsigned char)p[1])) {
		for (p++; n < 2 && p < e && isxdigit((unsigned char)*p); n++, p++)
			v = v * 16 + (unsigned)(isdigit((unsigned char)*p) ?
			    *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
	} else {
		dbrev_buf_add(b, p, 1);
		return p + 1;
	}
	{
		char c = (char)(v & 0xff);

		dbrev_buf_add(b, &c, 1);
	}
	return p;
}

char *
dbrev_tok_text(const struct dbrev_tok *t)
{
	struct dbrev_buf b = { 0 };
	const char *s = t->s, *e = t->e;
	char q;
	int n;

	dbrev_buf_puts(&b, "");
	if (t->type == T_STRING && *s == '$' && (n = dollar_tag(s)) > 0) {
		if (e - s >= 2 * n && memcmp(e - n, s, (size_t)n) == 0)
			dbrev_buf_add(&b, s + n, (size_t)(e - s - 2 * n));
		else
			dbrev_buf_add(&b, s + n, (size_t)(e - s - n));
	} else if (t->type == T_STRING && (*s == 'e' || *s == 'E')) {
		for (s += 2, e--; s < e;) {
			if (*s == '\\' && s + 1 < e)
				s = e_escape(s + 1, e, &b);
			else {
				if (*s == '\'' && s + 1 < e && s[1] == '\'')
					s++;
				dbrev_buf_add(&b, s++, 1);
			}
		}
	} else if ((t->type == T_QUOTED || t->type == T_STRING) && e - s >= 2) {
		if (*s == 'x' || *s == 'X')
			s++;
		q = *s == '[' ? ']' : *s;
		for (s++, e--; s < e; s++) {
			if (*s == q && q != ']' && s + 1 < e && s[1] == q)
				s++;
			dbrev_buf_add(&b, s, 1);
		}
	} else
		dbrev_buf_add(&b, s, (size_t)(e - s));
	return dbrev_buf_take(&b);
}
