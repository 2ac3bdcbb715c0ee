/* url.c - database URLs: redaction of passwords, whatever the database. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/error.h"
#include "dbrev/url.h"
#include "dbrev/util.h"
#include "private.h"

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
int
dbrev_url_is_keywords(const char *url)
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

/*
 * Where the password of a URI's user:password@ stands: [*start, *end),
 * the ':' included.  libpq looks for the userinfo up to the first '/'
 * (a '?' or '#' before it belongs to the password) and ends it at the
 * first '@'; with `last` 1, at the last '@' before that '/' and before
 * a '?' that follows the first '@' instead, which also covers an
 * unencoded '@' in a password; with `last` 2, at the last '@' before the
 * '/' (the widest reading, for scrubbing).  Returns 0 when there is none.
 */
static int
uri_password(const char *url, int last, size_t *start, size_t *end)
{
	const char *auth, *stop, *at, *colon, *p, *q;

	auth = strstr(url, "://");
	if (auth == NULL)
		return 0;
	auth += 3;
	stop = auth + strcspn(auth, "/");
	at = memchr(auth, '@', (size_t)(stop - auth));
	if (at == NULL)
		return 0;
	/* After the first '@', a '?' starts libpq's parameters: an '@'
	 * past it belongs to them (unless `last` is 2, the widest). */
	if (last) {
		q = last == 1 ? memchr(at, '?', (size_t)(stop - at)) : NULL;
		for (p = at + 1; p < (q != NULL ? q : stop); p++)
			if (*p == '@')
				at = p;
	}
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon == NULL)
		return 0;
	*start = (size_t)(colon - url);
	*end = (size_t)(at - url);
	return 1;
}

/*
 * Whether [kw, kw + n) is a keyword whose value is secret: password, or
 * sslpassword (the passphrase of the client's key).  libpq decodes a
 * URI's parameter names: "pass%77ord" is the password too.
 */
static int
secret_kw(const char *kw, size_t n, int decode)
{
	static const char *const secret[] = { "password", "sslpassword" };
	char *name = decode ? dbrev_url_decode(kw, kw + n) :
	    dbrev_xstrndup(kw, n);
	size_t i;
	int yes = 0;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		if (strcmp(name, secret[i]) == 0)
			yes = 1;
	free(name);
	return yes;
}

/*
 * The first "password=..." item of the query parameters starting at q
 * (items separated by '&', names percent-decoded as libpq does): the
 * item's start, its value in [*vstart, *vend); NULL when none.
 */
static const char *
query_password(const char *q, const char **vstart, const char **vend)
{
	const char *item = q;

	while (item != NULL && *item != '\0') {
		const char *next = strchr(item, '&');
		size_t kw = strcspn(item, "=&");

		if (item[kw] == '=' && secret_kw(item, kw, 1)) {
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
		if (secret_kw(kw, (size_t)(kwend - kw), 0)) {
			*vstart = vs;
			*vend = ve;
			*iend = p;
			return kw;
		}
	}
}

/*
 * Where libpq's parameters start in a URI: the first '?' after the host,
 * which starts after the userinfo's '@' when one comes before any '/'
 * (a '?' in the user name or the password is theirs); NULL when none.
 */
static const char *
uri_query(const char *url)
{
	const char *auth = strstr(url, "://"), *p;

	if (auth == NULL)
		return NULL;
	auth += 3;
	p = auth + strcspn(auth, "@/");
	return strchr(*p == '@' ? p + 1 : auth, '?');
}

char *
dbrev_url_redact(const char *url)
{
	struct dbrev_buf b = { 0 };
	size_t s, e;
	const char *item, *vs, *ve, *ie, *p, *q;

	if (url == NULL)
		return dbrev_xstrdup("");
	if (is_any_uri(url)) {
		if (uri_password(url, 1, &s, &e)) {
			dbrev_buf_add(&b, url, s);
			dbrev_buf_puts(&b, url + e);
		} else
			dbrev_buf_puts(&b, url);
		/* Drop every password=... parameter libpq would read. */
		while ((q = uri_query(b.data)) != NULL &&
		    (item = query_password(q + 1, &vs, &ve)) != NULL) {
			size_t from = (size_t)(item - b.data);
			size_t to = (size_t)(ve - b.data);

			if (b.data[to] == '&')
				to++;		/* "password=x&a=b" -> "a=b" */
			else
				from--;		/* "a=b&password=x" -> "a=b", */
					/* "?password=x" -> "" */
			memmove(b.data + from, b.data + to, b.len - to + 1);
			b.len -= to - from;
		}
		return dbrev_buf_take(&b);
	}
	if (dbrev_url_is_keywords(url)) {
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
char *
dbrev_url_decode(const char *s, const char *e)
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
char *
dbrev_url_unescape(const char *s, const char *e)
{
	char *out = dbrev_xmalloc((size_t)(e - s) + 1), *o = out;

	while (s < e) {
		if (*s == '\\' && ++s == e)
			break;		/* a backslash at the end is dropped */
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/*
 * Replace every occurrence of secret in msg, in place; returns whether
 * it replaced any.  A secret of stars only is left alone: it reads as
 * the replacement already.
 */
static int
scrub_one(char *msg, const char *secret)
{
	size_t n = strlen(secret), r;
	char *p;
	int any = 0;

	if (n == 0 || secret[strspn(secret, "*")] == '\0')
		return 0;
	/* "***" when it fits; a shorter secret becomes as many stars. */
	r = n >= 3 ? 3 : n;
	p = msg;
	while ((p = strstr(p, secret)) != NULL) {
		memset(p, '*', r);
		memmove(p + r, p + n, strlen(p + n) + 1);
		p += r;
		any = 1;
	}
	return any;
}

/* Add [vs, ve) to the list, as written and as libpq decodes it. */
static void
secret_add(struct dbrev_buf *list, const char *vs, const char *ve,
    char *(*decode)(const char *, const char *))
{
	char *d = decode(vs, ve);

	dbrev_buf_add(list, vs, (size_t)(ve - vs));
	dbrev_buf_add(list, "", 1);
	dbrev_buf_add(list, d, strlen(d) + 1);
	free(d);
}

/*
 * The secrets of a URL, NUL-separated: wherever libpq may read a
 * password or sslpassword, and the wider readings redaction removes.
 */
static void
url_secrets(const char *url, struct dbrev_buf *list)
{
	const char *q, *p, *vs, *ve, *ie;
	size_t s, e;
	int last;

	if (is_any_uri(url)) {
		for (last = 0; last <= 2; last++)
			if (uri_password(url, last, &s, &e) && e > s + 1)
				secret_add(list, url + s + 1, url + e,
				    dbrev_url_decode);
		for (q = strchr(url, '?'); q != NULL; q = strchr(q + 1, '?'))
			for (p = q + 1; query_password(p, &vs, &ve) != NULL;
			    p = ve)
				secret_add(list, vs, ve, dbrev_url_decode);
	} else if (dbrev_url_is_keywords(url)) {
		for (p = url; keyword_password(p, &vs, &ve, &ie) != NULL;
		    p = ie)
			secret_add(list, vs, ve, dbrev_url_unescape);
	}
}

static int
longer_first(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

void
dbrev_url_scrub(const char *url, char *message)
{
	struct dbrev_buf list = { 0 };
	const char *sec;
	const char **v;
	size_t n = 0, i;
	int changed;

	if (url == NULL || message == NULL)
		return;
	url_secrets(url, &list);
	for (sec = list.data; sec != NULL && sec < list.data + list.len;
	    sec += strlen(sec) + 1)
		n++;
	v = dbrev_xmalloc((n ? n : 1) * sizeof(*v));
	for (i = 0, sec = list.data; i < n; i++, sec += strlen(sec) + 1)
		v[i] = sec;
	/* The longest first: a short one may be part of a longer one. */
	qsort(v, n, sizeof(*v), longer_first);
	/* Until none is left: a replacement can make a new occurrence. */
	do {
		changed = 0;
		for (i = 0; i < n; i++)
			changed |= scrub_one(message, v[i]);
	} while (changed);
	free(v);
	dbrev_buf_free(&list);
}

void
dbrev_error_scrub(struct dbrev_error *err, const char *url)
{
	struct dbrev_error *e;

	if (url == NULL || !dbrev_error_isset(err))
		return;
	for (e = err; e != NULL; e = e->next) {
		if (e->message != NULL)
			dbrev_url_scrub(url, e->message);
		if (e->hint != NULL)
			dbrev_url_scrub(url, e->hint);
	}
}
