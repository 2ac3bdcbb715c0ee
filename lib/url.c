/* url.c - database URLs: dialect, SQLite path, redaction of passwords. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/url.h"
#include "dbrev/util.h"

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
is_uri(const char *url)
{
	return has_prefix(url, "postgresql://") || has_prefix(url, "postgres://");
}

/* Any "scheme://": redaction applies to URLs of unknown schemes too. */
static int
is_any_uri(const char *url)
{
	const char *p = url;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	return strncmp(p, "://", 3) == 0;
}

/*
 * A libpq keyword string starts with "keyword =" (optional blanks);
 * that is what libpq itself checks (an '=' before any '/' or ':'...).
 */
static int
is_keywords(const char *url)
{
	const char *p = url;

	while (isspace((unsigned char)*p))
		p++;
	if (!isalpha((unsigned char)*p) && *p != '_')
		return 0;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	return *p == '=';
}

enum dbrev_dialect
dbrev_url_dialect(const char *url)
{
	if (url == NULL)
		return DBREV_DIALECT_UNKNOWN;
	if (has_prefix(url, "sqlite:"))
		return DBREV_DIALECT_SQLITE;
	if (is_uri(url) || is_keywords(url))
		return DBREV_DIALECT_POSTGRES;
	return DBREV_DIALECT_UNKNOWN;
}

enum dbrev_dialect
dbrev_dialect_from_name(const char *name)
{
	if (name == NULL)
		return DBREV_DIALECT_UNKNOWN;
	if (strcmp(name, "sqlite") == 0 || strcmp(name, "sqlite3") == 0)
		return DBREV_DIALECT_SQLITE;
	if (strcmp(name, "postgresql") == 0 || strcmp(name, "postgres") == 0 ||
	    strcmp(name, "pg") == 0)
		return DBREV_DIALECT_POSTGRES;
	return DBREV_DIALECT_UNKNOWN;
}

const char *
dbrev_dialect_name(enum dbrev_dialect d)
{
	switch (d) {
	case DBREV_DIALECT_SQLITE:
		return "sqlite";
	case DBREV_DIALECT_POSTGRES:
		return "postgresql";
	default:
		return "unknown";
	}
}

char *
dbrev_url_sqlite_path(const char *url, struct dbrev_error *err)
{
	static const char hint[] = "write sqlite:relative/path.db, "
	    "sqlite:///absolute/path.db or sqlite::memory:";
	const char *p;

	if (url == NULL || !has_prefix(url, "sqlite:")) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, hint,
		    "not a sqlite: URL");
		return NULL;
	}
	p = url + strlen("sqlite:");
	if (strcmp(p, ":memory:") == 0)
		return dbrev_xstrdup(":memory:");
	if (has_prefix(p, "//")) {
		/* sqlite:///abs: the third slash starts the absolute path. */
		p += 2;
		if (*p != '/') {
			dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, hint,
			    "bad URL sqlite:%s: a sqlite URL names no host",
			    p);
			return NULL;
		}
		while (p[0] == '/' && p[1] == '/')
			p++;
	}
	if (*p == '\0' || strcmp(p, "/") == 0) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, hint,
		    "bad URL %s: no database file named", url);
		return NULL;
	}
	return dbrev_xstrdup(p);
}

/*
 * Where the password of a URI's user:password@ stands: [*start, *end).
 * As libpq reads it, the userinfo is what precedes an '@' before the
 * first '/' ('?' and '#' included); the last '@' there ends it, so that
 * an unencoded '@' in a password is still removed.  Returns 0 when
 * there is none.
 */
static int
uri_password(const char *url, size_t *start, size_t *end)
{
	const char *auth, *stop, *at, *colon, *p;

	auth = strstr(url, "://");
	if (auth == NULL)
		return 0;
	auth += 3;
	stop = auth + strcspn(auth, "/");
	at = NULL;
	for (p = auth; p < stop; p++)
		if (*p == '@')
			at = p;
	if (at == NULL)
		return 0;
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon == NULL)
		return 0;
	*start = (size_t)(colon - url);	/* includes the ':' */
	*end = (size_t)(at - url);
	return 1;
}

/*
 * Whether [kw, kw + n) is a keyword whose value is secret: password, or
 * sslpassword (the passphrase of the client's key).
 */
static int
secret_kw(const char *kw, size_t n)
{
	static const char *const secret[] = { "password", "sslpassword" };
	size_t i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		if (n == strlen(secret[i]) && strncmp(kw, secret[i], n) == 0)
			return 1;
	return 0;
}

/* Query parameters of a URI: [start, end) of each "password=..." item. */
static const char *
query_password(const char *q, const char **vstart, const char **vend)
{
	const char *item = q;

	while (item != NULL && *item != '\0') {
		const char *next = strchr(item, '&');
		size_t kw = strcspn(item, "=&");

		if (item[kw] == '=' && secret_kw(item, kw)) {
			*vstart = item + kw + 1;
			*vend = next != NULL ? next : item + strlen(item);
			return item;
		}
		item = next != NULL ? next + 1 : NULL;
	}
	return NULL;
}

/*
 * Keyword strings: find "password = value" where value is a bare word
 * or a single-quoted string with backslash escapes, as libpq reads it.
 * Returns the keyword's start, value bounds in *vstart and *vend, and the
 * end of the whole item (after the value) in *iend.
 */
static const char *
keyword_password(const char *s, const char **vstart, const char **vend,
    const char **iend)
{
	const char *p = s;

	for (;;) {
		const char *kw, *kwend, *vs, *ve;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return NULL;
		kw = p;
		while (*p != '\0' && *p != '=' && !isspace((unsigned char)*p))
			p++;
		kwend = p;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			return NULL;	/* not a keyword string after all */
		p++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\'') {
			p++;
			vs = p;
			while (*p != '\0' && *p != '\'') {
				if (*p == '\\' && p[1] != '\0')
					p++;
				p++;
			}
			ve = p;
			if (*p == '\'')
				p++;
		} else {
			vs = p;
			while (*p != '\0' && !isspace((unsigned char)*p)) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				p++;
			}
			ve = p;
		}
		if (secret_kw(kw, (size_t)(kwend - kw))) {
			*vstart = vs;
			*vend = ve;
			*iend = p;
			return kw;
		}
	}
}

char *
dbrev_url_redact(const char *url)
{
	struct dbrev_buf b = { 0 };
	size_t s, e;
	const char *q, *item, *vs, *ve, *ie, *p;

	if (url == NULL)
		return dbrev_xstrdup("");
	if (is_any_uri(url)) {
		if (uri_password(url, &s, &e)) {
			dbrev_buf_add(&b, url, s);
			dbrev_buf_puts(&b, url + e);
		} else
			dbrev_buf_puts(&b, url);
		/* Drop every password=... query parameter. */
		while ((q = strchr(b.data, '?')) != NULL &&
		    (item = query_password(q + 1, &vs, &ve)) != NULL) {
			size_t from = (size_t)(item - b.data);
			size_t to = (size_t)(ve - b.data);

			if (b.data[to] == '&')
				to++;		/* "password=x&a=b" -> "a=b" */
			else if (b.data[from - 1] == '&')
				from--;		/* "a=b&password=x" -> "a=b" */
			else
				from--;		/* "?password=x" -> "" */
			memmove(b.data + from, b.data + to, b.len - to + 1);
			b.len -= to - from;
		}
		return dbrev_buf_take(&b);
	}
	if (is_keywords(url)) {
		p = url;
		while ((item = keyword_password(p, &vs, &ve, &ie)) != NULL) {
			dbrev_buf_add(&b, p, (size_t)(item - p));
			p = ie;
			while (isspace((unsigned char)*p))
				p++;
		}
		dbrev_buf_puts(&b, p);
		/* No trailing blank left by a password at the end. */
		while (b.len > 0 && isspace((unsigned char)b.data[b.len - 1]))
			b.data[--b.len] = '\0';
		if (b.data == NULL)
			dbrev_buf_puts(&b, "");
		return dbrev_buf_take(&b);
	}
	return dbrev_xstrdup(url);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A percent-decoded copy of [s, e). */
static char *
pct_decode(const char *s, const char *e)
{
	char *out = dbrev_xmalloc((size_t)(e - s) + 1), *o = out;

	while (s < e) {
		if (*s == '%' && e - s >= 3 && hexval(s[1]) >= 0 &&
		    hexval(s[2]) >= 0) {
			*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 3;
		} else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/* A copy of a keyword value with libpq's backslash escapes removed. */
static char *
unescape(const char *s, const char *e)
{
	char *out = dbrev_xmalloc((size_t)(e - s) + 1), *o = out;

	while (s < e) {
		if (*s == '\\' && s + 1 < e)
			s++;
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/* Replace every occurrence of secret in msg, in place. */
static void
scrub_one(char *msg, const char *secret)
{
	size_t n = strlen(secret), r;
	char *p;

	if (n == 0)
		return;
	/* "***" when it fits; a shorter secret becomes as many stars. */
	r = n >= 3 ? 3 : n;
	p = msg;
	while ((p = strstr(p, secret)) != NULL) {
		memset(p, '*', r);
		memmove(p + r, p + n, strlen(p + n) + 1);
		p += r;
	}
}

/* Scrub [vs, ve) from msg both as written and as libpq decodes it. */
static void
scrub_value(char *msg, const char *vs, const char *ve,
    char *(*decode)(const char *, const char *))
{
	char *secret = dbrev_xstrndup(vs, (size_t)(ve - vs));

	scrub_one(msg, secret);
	free(secret);
	secret = decode(vs, ve);
	scrub_one(msg, secret);
	free(secret);
}

void
dbrev_url_scrub(const char *url, char *message)
{
	const char *q, *vs, *ve, *ie, *p;
	size_t s, e;

	if (url == NULL || message == NULL)
		return;
	if (is_any_uri(url)) {
		if (uri_password(url, &s, &e) && e > s + 1)
			scrub_value(message, url + s + 1, url + e, pct_decode);
		q = strchr(url, '?');
		while (q != NULL && query_password(q + 1, &vs, &ve) != NULL) {
			scrub_value(message, vs, ve, pct_decode);
			q = *ve == '&' ? ve : NULL;
		}
		return;
	}
	if (is_keywords(url)) {
		p = url;
		while (keyword_password(p, &vs, &ve, &ie) != NULL) {
			scrub_value(message, vs, ve, unescape);
			p = ie;
		}
	}
}
