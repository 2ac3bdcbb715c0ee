/*
 * fuzz_postgres_message.c - libFuzzer target for how the PostgreSQL
 * driver makes libpq's and the server's messages safe to print
 * (lib/db/postgres/driver.c).
 *
 * Input: URL \0 PASSWORD \0 MESSAGE.  Properties, on every input:
 *   - the cleaned message is one line (no CR, LF or tab), ends in no
 *     blank, and holds neither PASSWORD nor any secret libpq reads in
 *     the URL;
 *   - for a URL libpq cannot parse, the error of the driver's open holds
 *     no word of the URL as a whole word but connection keywords (as
 *     libpq accepts "WORD=x"), the scheme and words followed by '=';
 *   - nothing reads or writes out of bounds (ASan).
 */
#include <ctype.h>

#include "fuzz.h"

#include "../../lib/db/driver.h"
#include "../../lib/db/postgres/message.h"
#include "../../lib/private.h"

static int
sep(unsigned char ch)
{
	return ch != '\0' && (isspace(ch) || strchr("='\":/@?&#[],", ch));
}

static int
word(unsigned char ch)
{
	return isalnum(ch) || ch == '_' || ch >= 0x80;
}

/* Whether w occurs in s as a whole word. */
static int
has_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	const char *q;

	for (q = s; (q = strstr(q, w)) != NULL; q++)
		if ((q == s || !word((unsigned char)w[0]) ||
		    !word((unsigned char)q[-1])) &&
		    (!word((unsigned char)w[n - 1]) ||
		    !word((unsigned char)q[n])))
			return 1;
	return 0;
}

/* Whether libpq knows w as a connection keyword, or it is the scheme. */
static int
known(const char *w)
{
	struct dbrev_buf b = { 0 };
	char *v;
	int ok;

	if (strcmp(w, "postgresql") == 0 || strcmp(w, "postgres") == 0)
		return 1;
	if (strpbrk(w, "= \t\n\v\f\r'\\") != NULL)
		return 0;
	dbrev_buf_printf(&b, "%s=x", w);
	ok = dbrev_pg_url_option(b.data, "dbname", &v) == 0;
	free(v);
	dbrev_buf_free(&b);
	return ok;
}

static void
check_hidden(const char *url, const char *shown, const char *w)
{
	PROPERTY(!worth_hiding(w) || !has_word(shown, w),
	    "word '%s' of URL '%s' shows in '%s'", w, url, shown);
}

/* The open of a URL libpq cannot parse: no word of it shows. */
static void
check_open_error(const char *url)
{
	static const char pre[] = "invalid PostgreSQL URL: ";
	struct dbrev_error err = { 0 };
	struct dbrev_conn *c = NULL;
	const char *p, *w, *e, *after, *shown;
	char *t;

	PROPERTY(dbrev_driver_postgres.open(url, &c, &err) == -1 &&
	    c == NULL, "open of unparsable '%s' succeeded", url);
	PROPERTY(strncmp(err.message, pre, sizeof(pre) - 1) == 0 &&
	    strpbrk(err.message, "\r\n\t") == NULL,
	    "open of '%s' says '%s'", url, err.message);
	shown = err.message + sizeof(pre) - 1;
	for (p = url; *p != '\0'; p = e) {
		for (w = p; sep((unsigned char)*w); w++)
			;
		for (e = w; *e != '\0' && !sep((unsigned char)*e); e++)
			;
		for (after = e; isspace((unsigned char)*after); after++)
			;
		if (e == w || *after == '=')
			continue;
		t = dbrev_xstrndup(w, (size_t)(e - w));
		if (!known(t)) {
			check_hidden(url, shown, t);
			free(t);
			t = dbrev_url_decode(w, e);
			check_hidden(url, shown, t);
			free(t);
			t = dbrev_url_unescape(w, e);
			check_hidden(url, shown, t);
		}
		free(t);
	}
	dbrev_error_clear(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kw[] = { "password", "sslpassword" };
	char *f[3], *m, *secret;
	size_t i, n;

	fields(data, size, f, 3);
	m = dbrev_pg_clean_message(f[0], f[1], f[2]);
	n = strlen(m);
	PROPERTY(strpbrk(m, "\r\n\t") == NULL && (n == 0 || m[n - 1] != ' '),
	    "not one trimmed line: '%s'", m);
	PROPERTY(!worth_hiding(f[1]) || strstr(m, f[1]) == NULL,
	    "password '%s' survives in '%s'", f[1], m);
	for (i = 0; i < 2; i++) {
		if (dbrev_pg_url_option(f[0], kw[i], &secret) != 0) {
			check_open_error(f[0]);
			break;
		}
		PROPERTY(!worth_hiding(secret) || strstr(m, secret) == NULL,
		    "%s '%s' of '%s' survives in '%s'", kw[i], secret, f[0],
		    m);
		free(secret);
	}
	free(m);
	fields_free(f, 3);
	return 0;
}
