/*
 * driver.c - the PostgreSQL driver, through libpq.
 *
 * URLs and keyword strings go to libpq as they are (expand_dbname), so
 * PG* variables and .pgpass work; application_name defaults to "dbrev".
 * Every message libpq or the server produces is scrubbed of the URL's
 * password before it reaches an error.
 *
 * Inside a transaction a script is sent as one simple query (one round
 * trip); the server reports a parse error's position, and for an error
 * without one the number of statements that completed tells which
 * statement failed.  Outside a transaction (a revision marked
 * "transaction: none") statements are sent one by one, since the server
 * refuses CREATE INDEX CONCURRENTLY inside a multi-statement query.
 * BEGIN and the version-table statements (prepared once) wait and are
 * pipelined with what follows, so that a revision costs three round
 * trips: BEGIN and its row looked up; its SQL; its row and COMMIT.
 *
 * Runners serialise on a session advisory lock keyed from the version
 * table's schema and name.  A waiting runner polls pg_try_advisory_lock instead of
 * blocking in a statement: a blocked statement would hold a snapshot,
 * and the holder's CREATE INDEX CONCURRENTLY would wait for it forever.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "libpq.h"
#include "../../private.h"

#include "../driver.h"
#include "postgres.h"
#include "schema.h"
#include "hooks.h"
#include "message.h"

#define LOCK_POLL_FIRST_MS	10.0	/* first wait between lock attempts */
#define LOCK_POLL_MAX_MS	100.0	/* backoff ceiling */

/*
 * The version-table statements, prepared once per connection and table
 * (plus BEGIN, COMMIT and others of ours, ST_SQL with the text in
 * params[0], sent unprepared).
 */
enum stmt {
	ST_INSERT, ST_DELETE, ST_STATE, ST_GET, ST_NPREPARED,
	ST_BEGIN = ST_NPREPARED, ST_COMMIT, ST_SQL
};

/*
 * Have the server watch the socket during long statements, so that a
 * killed runner's session (and its advisory lock) ends when it dies.
 */
#define CHECK_INTERVAL_SQL	"SET client_connection_check_interval = 1000"

/* A statement waiting for the next round trip (batch()). */
struct pending {
	enum stmt	 which;
	char		*params[3];
	int		 nparams;
	const char	*what;		/* what it does, for an error */
	int		 check;		/* must touch one row (params[0]) */
};

struct dbrev_conn {
	PGconn		*pg;
	char		*url;		/* as given: dbrev_url_scrub needs it */
	char		*password;	/* as libpq parsed it, or NULL */
	int		 in_tx;		/* begin() without commit/rollback */
	int		 quiet;		/* drop notices of our own statements */
	int		 utf8;		/* client encoding counts characters */
	int		 scs;		/* standard_conforming_strings on */
	int		 check_interval; /* we SET CHECK_INTERVAL_SQL */
	int		 kept;		/* the last exec() outside a transaction
					 * changed something that was kept */
	int		 lock_timed_out; /* the last server error was 55P03 */
	void		(*notice)(void *, const char *);
	void		*notice_arg;
	struct dbrev_pg_fpcache *fpcache; /* the last schema fingerprint */

	/* The version table's name, split and quoted, for the last table. */
	char		*t_given;	/* as the caller named it */
	char		*t_schema;	/* schema part, unquoted, or NULL */
	char		*t_quoted;	/* "schema"."table" or "table" */
	char		*t_qschema;	/* "schema" or NULL */
	int		 t_pinned;	/* t_quoted names its schema */
	int		 t_prepared;	/* statements prepared for t_quoted */
	unsigned	 t_gen;		/* numbers their names */

	/* The advisory lock taken, for the table named lock_table. */
	char		*lock_table;
	long long	 lock_key;

	/*
	 * Round trips saved: BEGIN and version-table changes wait here and
	 * go to the server, pipelined, with the next statement: a revision
	 * costs "BEGIN + look up its row", "its SQL", "its row + COMMIT".
	 */
	struct pending	*pend;
	size_t		 npend, pcap;
};

/* --- messages ------------------------------------------------------ */

/*
 * Replace every occurrence of `needle` in buf by "***".  A needle of
 * stars only is left alone: it reads as the replacement already (and
 * replacing it would never end).
 */
static void
replace_all(struct dbrev_buf *b, const char *needle)
{
	struct dbrev_buf out = { 0 };
	size_t n = strlen(needle);
	const char *p, *q;

	if (n == 0 || needle[strspn(needle, "*")] == '\0' || b->data == NULL ||
	    strstr(b->data, needle) == NULL)
		return;
	for (p = b->data; (q = strstr(p, needle)) != NULL; p = q + n) {
		dbrev_buf_add(&out, p, (size_t)(q - p));
		dbrev_buf_puts(&out, "***");
	}
	dbrev_buf_puts(&out, p);
	dbrev_buf_free(b);
	*b = out;
}

/*
 * Scrub the password (as libpq decoded it) and the URL's secrets from b
 * until none is left: a replacement can join text into a new occurrence.
 */
static void
scrub_all(struct dbrev_buf *b, const char *url, const char *password)
{
	struct dbrev_buf before = { 0 };

	do {
		dbrev_buf_reset(&before);
		dbrev_buf_puts(&before, b->data);
		if (password != NULL)
			replace_all(b, password);
		if (url != NULL)
			dbrev_url_scrub(url, b->data);	/* never longer */
		b->len = strlen(b->data);
	} while (strcmp(before.data, b->data) != 0);
	dbrev_buf_free(&before);
}

/*
 * A message from libpq or the server made safe and printable on one
 * line: the password removed (as the URL spells it and as libpq decoded
 * it), line breaks (and the blanks after them) joined, "FATAL:  x" made
 * "FATAL: x".  Written into a new string: joining a line after a word
 * adds a character ('.').  Scrubbed before the joining (a password may
 * hold a line break) and after it (joining may make one appear).
 */
char *
dbrev_pg_clean_message(const char *url, const char *password,
    const char *msg)
{
	struct dbrev_buf in = { 0 }, out = { 0 };
	const char *s;
	char ch;

	dbrev_buf_puts(&in, msg != NULL ? msg : "");
	scrub_all(&in, url, password);
	dbrev_buf_puts(&out, "");
	for (s = in.data; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r') {
			while (s[1] == '\n' || s[1] == '\r' || s[1] == '\t' ||
			    s[1] == ' ')
				s++;
			if (out.len == 0 || s[1] == '\0')
				continue;
			/* "refused\n\tIs the server..." reads as two sentences. */
			if (isalnum((unsigned char)out.data[out.len - 1]))
				dbrev_buf_puts(&out, ".");
			if (out.data[out.len - 1] != ' ')
				dbrev_buf_puts(&out, " ");
			continue;
		}
		if (*s == ' ' && out.len >= 2 && out.data[out.len - 1] == ' ' &&
		    out.data[out.len - 2] == ':')
			continue;
		ch = *s == '\t' ? ' ' : *s;
		dbrev_buf_add(&out, &ch, 1);
	}
	dbrev_buf_free(&in);
	scrub_all(&out, url, password);
	while (out.len > 0 && out.data[out.len - 1] == ' ')
		out.data[--out.len] = '\0';
	return dbrev_buf_take(&out);
}

/* Bytes that separate the words of a URL or keyword string. */
static int
url_sep(unsigned char ch)
{
	return ch != '\0' && (isspace(ch) || strchr("='\":/@?&#[],", ch));
}

static int
word_char(unsigned char ch)
{
	return isalnum(ch) || ch == '_' || ch >= 0x80;
}

/*
 * Replace each occurrence of w in b that is a whole word (not glued to
 * a letter or digit on a side where w has one) by "***".  Returns
 * whether it replaced any.
 */
static int
replace_word(struct dbrev_buf *b, const char *w)
{
	struct dbrev_buf out = { 0 };
	size_t n = strlen(w);
	const char *p = b->data, *q;
	int any = 0;

	if (n == 0 || w[strspn(w, "*")] == '\0')
		return 0;
	while ((q = strstr(p, w)) != NULL) {
		int whole = (q == b->data || !word_char((unsigned char)w[0]) ||
		    !word_char((unsigned char)q[-1])) &&
		    (!word_char((unsigned char)w[n - 1]) ||
		    !word_char((unsigned char)q[n]));

		dbrev_buf_add(&out, p, (size_t)(q - p));
		if (whole) {
			dbrev_buf_puts(&out, "***");
			any = 1;
			p = q + n;
		} else {
			dbrev_buf_add(&out, q, 1);
			p = q + 1;
		}
	}
	dbrev_buf_puts(&out, p);
	dbrev_buf_free(b);
	*b = out;
	return any;
}

/* Whether [w, w + n) is a connection keyword or a URI scheme. */
static int
known_word(const PQconninfoOption *defs, const char *w, size_t n)
{
	static const char *const schemes[] = { "postgresql", "postgres" };
	const PQconninfoOption *o;
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i]) == n && strncmp(schemes[i], w, n) == 0)
			return 1;
	for (o = defs; o != NULL && o->keyword != NULL; o++)
		if (strlen(o->keyword) == n && strncmp(o->keyword, w, n) == 0)
			return 1;
	return 0;
}

static int
longer_first(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

/*
 * When libpq cannot parse a URL, its message may echo a piece of it
 * (a word where a keyword was expected, the whole URI), and the piece
 * may be a mistyped password ("host=h secret").  No password can be
 * found in what libpq cannot parse, so: a copy of msg in which every
 * word of the URL is replaced by "***" (as written, percent-decoded
 * and unescaped), except connection keywords, the scheme and words in
 * a name's place (followed by '='), which say what is wrong.
 */
char *
dbrev_pg_hide_url_words(const char *url, const char *msg)
{
	struct dbrev_buf b = { 0 }, words = { 0 };
	PQconninfoOption *defs = PQconndefaults();
	const char *p, *w, *e, *after;
	const char **v;
	char *form;
	size_t n, i;
	int changed;

	/* The words to hide, NUL-separated: each as written and decoded. */
	for (p = url != NULL ? url : ""; *p != '\0'; p = e) {
		for (w = p; url_sep((unsigned char)*w); w++)
			;
		for (e = w; *e != '\0' && !url_sep((unsigned char)*e); e++)
			;
		for (after = e; isspace((unsigned char)*after); after++)
			;
		if (e == w || *after == '=' || known_word(defs, w,
		    (size_t)(e - w)))
			continue;
		dbrev_buf_add(&words, w, (size_t)(e - w));
		dbrev_buf_add(&words, "", 1);
		form = dbrev_url_decode(w, e);
		dbrev_buf_add(&words, form, strlen(form) + 1);
		free(form);
		form = dbrev_url_unescape(w, e);
		dbrev_buf_add(&words, form, strlen(form) + 1);
		free(form);
	}
	PQconninfoFree(defs);
	for (w = words.data, n = 0; w != NULL && w < words.data + words.len;
	    w += strlen(w) + 1)
		n++;
	v = dbrev_xmalloc((n ? n : 1) * sizeof(*v));
	for (i = 0, w = words.data; i < n; i++, w += strlen(w) + 1)
		v[i] = w;
	/* The longest first: a short word may be part of a longer one. */
	qsort(v, n, sizeof(*v), longer_first);
	dbrev_buf_puts(&b, msg != NULL ? msg : "");
	/* Until none is left: a replacement can make a neighbour whole. */
	do {
		changed = 0;
		for (i = 0; i < n; i++)
			changed |= replace_word(&b, v[i]);
	} while (changed);
	free(v);
	dbrev_buf_free(&words);
	return dbrev_buf_take(&b);
}

static char *
conn_message(struct dbrev_conn *c, const char *msg)
{
	return dbrev_pg_clean_message(c->url, c->password, msg);
}

/* Fill err from the connection's last libpq error. */
static int
conn_error(struct dbrev_conn *c, struct dbrev_error *err, const char *what)
{
	char *m = conn_message(c, PQerrorMessage(c->pg));

	c->lock_timed_out = 0;
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL, "%s: %s",
	    what, *m != '\0' ? m : "unknown libpq error");
	free(m);
	return -1;
}

static const char *
sqlstate(const PGresult *r)
{
	const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	return s != NULL ? s : "";
}

/* Fill err from a failed result: the server's message and its hint. */
static int
result_error(struct dbrev_conn *c, const PGresult *r, const char *file,
    unsigned line, const char *what, struct dbrev_error *err)
{
	const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
	struct dbrev_buf b = { 0 };
	char *m, *h = NULL;

	if (what != NULL)
		dbrev_buf_printf(&b, "%s: ", what);
	if (primary != NULL) {
		dbrev_buf_puts(&b, primary);
		if (detail != NULL)
			dbrev_buf_printf(&b, " (%s)", detail);
	} else if (*PQresultErrorMessage(r) != '\0')
		dbrev_buf_puts(&b, PQresultErrorMessage(r));
	else if (*PQerrorMessage(c->pg) != '\0')
		dbrev_buf_puts(&b, PQerrorMessage(c->pg));
	else
		dbrev_buf_puts(&b, "unknown error");
	m = conn_message(c, b.data);
	if (hint != NULL)
		h = conn_message(c, hint);
	c->lock_timed_out = strcmp(sqlstate(r), "55P03") == 0;
	dbrev_error_set(err, DBREV_ERR_RUNTIME, file, line, h, "%s", m);
	dbrev_buf_free(&b);
	free(m);
	free(h);
	return -1;
}


/* Server notices go to the caller's callback, or nowhere. */
static void
notice_receiver(void *arg, const PGresult *r)
{
	struct dbrev_conn *c = arg;
	const char *sev, *primary, *detail, *hint;
	struct dbrev_buf b = { 0 };
	char *m;

	if (c->quiet || c->notice == NULL)
		return;
	sev = PQresultErrorField(r, PG_DIAG_SEVERITY);
	primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
	if (primary == NULL)
		return;
	dbrev_buf_printf(&b, "%s: %s", sev != NULL ? sev : "NOTICE", primary);
	if (detail != NULL)
		dbrev_buf_printf(&b, "; DETAIL: %s", detail);
	if (hint != NULL)
		dbrev_buf_printf(&b, "; HINT: %s", hint);
	m = conn_message(c, b.data);
	c->notice(c->notice_arg, m);
	free(m);
	dbrev_buf_free(&b);
}

static void
pg_set_notice(struct dbrev_conn *c, void (*fn)(void *, const char *),
    void *arg)
{
	c->notice = fn;
	c->notice_arg = arg;
}

/* --- deferred statements ------------------------------------------ */

static void
pending_free(struct pending *p)
{
	for (int i = 0; i < p->nparams; i++)
		free(p->params[i]);
}

/* Forget what is pending (the BEGIN too). */
static void
pend_clear(struct dbrev_conn *c)
{
	for (size_t i = 0; i < c->npend; i++)
		pending_free(&c->pend[i]);
	c->npend = 0;
}

/* Whether a BEGIN is pending, that is, nothing was sent since. */
static int
pend_begin(const struct dbrev_conn *c)
{
	return c->npend > 0 && c->pend[0].which == ST_BEGIN;
}

/* Defer a statement to the next round trip; params are copied. */
static void
pend_add(struct dbrev_conn *c, enum stmt which, const char *const *params,
    int nparams, const char *what, int check)
{
	struct pending *p;

	if (c->npend == c->pcap) {
		c->pcap = c->pcap ? c->pcap * 2 : 8;
		c->pend = dbrev_xrealloc(c->pend, c->pcap * sizeof(*c->pend));
	}
	p = &c->pend[c->npend++];
	memset(p, 0, sizeof(*p));
	p->which = which;
	p->nparams = nparams;
	for (int i = 0; i < nparams; i++)
		p->params[i] = dbrev_xstrdup(params[i]);
	p->what = what;
	p->check = check;
}

/* --- open and close ------------------------------------------------ */

static void
conn_free(struct dbrev_conn *c)
{
	if (c == NULL)
		return;
	if (c->pg != NULL)
		PQfinish(c->pg);
	if (c->password != NULL) {
		memset(c->password, 0, strlen(c->password));
		free(c->password);
	}
	free(c->url);
	free(c->t_given);
	free(c->t_schema);
	free(c->t_quoted);
	free(c->t_qschema);
	free(c->lock_table);
	dbrev_pg_fpcache_free(c->fpcache);
	pend_clear(c);
	free(c->pend);
	free(c);
}

/* The value of option kw in libpq's reading of a URL, or NULL. */
static char *
opts_value(const PQconninfoOption *opts, const char *kw)
{
	const PQconninfoOption *o;

	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, kw) == 0 && o->val != NULL &&
		    *o->val != '\0')
			return dbrev_xstrdup(o->val);
	return NULL;
}

int
dbrev_pg_url_option(const char *url, const char *kw, char **val)
{
	PQconninfoOption *opts;
	char *perr = NULL;

	*val = NULL;
	if ((opts = PQconninfoParse(url, &perr)) == NULL) {
		PQfreemem(perr);
		return -1;
	}
	*val = opts_value(opts, kw);
	PQconninfoFree(opts);
	return 0;
}

static int
pg_open(const char *url, struct dbrev_conn **out, struct dbrev_error *err)
{
	/* Later entries win: the URL's own application_name wins over ours. */
	const char *kw[] = { "fallback_application_name", "dbname", NULL };
	const char *val[] = { "dbrev", url, NULL };
	PQconninfoOption *opts;
	struct dbrev_conn *c;
	char *perr = NULL, *m, *safe;
	const char *s;

	*out = NULL;
	if (url == NULL || *url == '\0')
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "pass --url or set DATABASE_URL",
		    "no PostgreSQL URL given");
	c = dbrev_xcalloc(1, sizeof(*c));
	c->url = dbrev_xstrdup(url);

	/* Parse first: to know the password to scrub, and to fail early. */
	if ((opts = PQconninfoParse(url, &perr)) == NULL) {
		/* Hidden last: scrubbing can make a word whole. */
		safe = dbrev_pg_clean_message(url, NULL, perr != NULL ? perr :
		    "out of memory");
		m = dbrev_pg_hide_url_words(url, safe);
		free(safe);
		/* Not shown: redacting a string libpq cannot parse is a guess. */
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "write postgresql://user@host:port/dbname?param=value or "
		    "a libpq keyword string such as \"host=... dbname=...\"",
		    "invalid PostgreSQL URL: %s", m);
		free(m);
		PQfreemem(perr);
		conn_free(c);
		return -1;
	}
	c->password = opts_value(opts, "password");
	PQconninfoFree(opts);

	c->pg = PQconnectdbParams(kw, val, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		m = dbrev_pg_clean_message(url, c->password, c->pg != NULL ?
		    PQerrorMessage(c->pg) : "out of memory");
		safe = dbrev_url_redact(url);
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "check the URL (--url or DATABASE_URL) and that the "
		    "server is running and accepts you",
		    "cannot connect to %s: %s", safe, m);
		free(safe);
		free(m);
		conn_free(c);
		return -1;
	}
	/* Never let libpq print notices itself: the library never prints. */
	PQsetNoticeReceiver(c->pg, notice_receiver, c);
	/*
	 * A killed runner's session (and its advisory lock) should end
	 * when it dies, not when its current statement finishes
	 * (PostgreSQL 14+, on systems that support it; failure is
	 * harmless).
	 */
	if (PQserverVersion(c->pg) >= 140000 &&
	    strstr(url, "client_connection_check_interval") == NULL) {
		PGresult *r;

		c->quiet = 1;
		r = PQexec(c->pg, CHECK_INTERVAL_SQL);
		c->check_interval = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		c->quiet = 0;
	}
	s = PQparameterStatus(c->pg, "standard_conforming_strings");
	c->scs = s == NULL || strcmp(s, "on") == 0;
	c->utf8 = strcmp(pg_encoding_to_char(PQclientEncoding(c->pg)),
	    "UTF8") == 0;
	*out = c;
	return 0;
}

static void
pg_close(struct dbrev_conn *c)
{
	conn_free(c);
}

/* --- statements ---------------------------------------------------- */

/*
 * Send text as one simple query and gather its results: how many
 * statements completed before the first error, and that error (caller
 * clears), or NULL; with `last`, the last successful result too (caller
 * clears).  Returns -1 when nothing could be sent.
 */
static int
run_query(struct dbrev_conn *c, const char *text, size_t *ndone,
    PGresult **failed, PGresult **last)
{
	PGresult *r;
	char *data;

	*ndone = 0;
	*failed = NULL;
	if (last != NULL)
		*last = NULL;
	if (!PQsendQuery(c->pg, text))
		return -1;
	while ((r = PQgetResult(c->pg)) != NULL) {
		switch (PQresultStatus(r)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_EMPTY_QUERY:
			if (*failed == NULL)
				(*ndone)++;
			if (last != NULL && *failed == NULL) {
				PQclear(*last);
				*last = r;
			} else
				PQclear(r);
			break;
		case PGRES_COPY_IN:
			PQputCopyEnd(c->pg, "COPY FROM STDIN cannot read "
			    "data in a revision");
			PQclear(r);
			break;
		case PGRES_COPY_OUT:
			while (PQgetCopyData(c->pg, &data, 0) > 0)
				PQfreemem(data);
			PQclear(r);
			break;
		default:
			if (*failed == NULL)
				*failed = r;
			else
				PQclear(r);
			break;
		}
	}
	if (*failed == NULL && PQstatus(c->pg) != CONNECTION_OK) {
		if (last != NULL) {
			PQclear(*last);
			*last = NULL;
		}
		return -1;
	}
	return 0;
}

static void
stmt_name(const struct dbrev_conn *c, enum stmt which, char *buf,
    size_t size)
{
	snprintf(buf, size, "dbrev_%u_%d", c->t_gen, (int)which);
}

/*
 * Prepare the version-table statements for the current table.  A change
 * that must touch exactly one row is written to divide by zero when it
 * touches none, so that it fails (and fails the transaction) even when
 * a COMMIT follows it in the same pipeline.
 */
static int
prepare(struct dbrev_conn *c, struct dbrev_error *err)
{
	static const char *const sql[ST_NPREPARED] = {
		"INSERT INTO %s (revision, checksum, state) "
		    "VALUES ($1, $2, $3)",
		"WITH d AS (DELETE FROM %s WHERE revision = $1 RETURNING 1) "
		    "SELECT 1 / count(*) FROM d",
		"WITH d AS (UPDATE %s SET state = $2, applied_at = now() "
		    "WHERE revision = $1 RETURNING 1) SELECT 1 / count(*) FROM d",
		"SELECT state FROM %s WHERE revision = $1",
	};
	struct dbrev_buf b = { 0 };
	char name[48];
	PGresult *r;
	int rc = 0, i;

	if (c->t_prepared)
		return 0;
	c->t_gen++;	/* new names: no need to deallocate old ones */
	for (i = 0; i < ST_NPREPARED && rc == 0; i++) {
		dbrev_buf_reset(&b);
		dbrev_buf_printf(&b, sql[i], c->t_quoted);
		stmt_name(c, (enum stmt)i, name, sizeof name);
		if ((r = PQprepare(c->pg, name, b.data, 0, NULL)) == NULL)
			rc = conn_error(c, err, "cannot use the version table");
		else if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = result_error(c, r, NULL, 0,
			    "cannot use the version table", err);
		PQclear(r);
	}
	dbrev_buf_free(&b);
	if (rc == 0)
		c->t_prepared = 1;
	return rc;
}

/* Queue one statement (pipeline mode) or send it (without). */
static int
send_one(struct dbrev_conn *c, const struct pending *p)
{
	const char *params[3];
	char name[48];

	for (int i = 0; i < p->nparams; i++)
		params[i] = p->params[i];
	if (p->which == ST_BEGIN)
		return PQsendQueryParams(c->pg, "BEGIN", 0, NULL, NULL, NULL,
		    NULL, 0);
	if (p->which == ST_COMMIT)
		return PQsendQueryParams(c->pg, "COMMIT", 0, NULL, NULL,
		    NULL, NULL, 0);
	if (p->which == ST_SQL)
		return PQsendQueryParams(c->pg, p->params[0], 0, NULL, NULL,
		    NULL, NULL, 0);
	stmt_name(c, p->which, name, sizeof name);
	return PQsendQueryPrepared(c->pg, name, p->nparams, params, NULL,
	    NULL, 0);
}

/* The error of a failed pending statement. */
static int
pending_error(struct dbrev_conn *c, const struct pending *p,
    const PGresult *r, struct dbrev_error *err)
{
	/* A one-row check that found no row divides by zero on purpose. */
	if (p->check && strcmp(sqlstate(r), "22012") == 0)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "%s: revision %s is not recorded in %s", p->what,
		    p->params[0], c->t_given != NULL ? c->t_given :
		    "the version table");
	return result_error(c, r, NULL, 0, p->what, err);
}

/*
 * Read one statement's results up to its NULL: the first failure fills
 * err (when rc is still 0); with `want`, the result is kept in *keep.
 * Returns the new rc.
 */
static int
results(struct dbrev_conn *c, const struct pending *p, int want,
    PGresult **keep, int rc, struct dbrev_error *err)
{
	PGresult *r;

	while ((r = PQgetResult(c->pg)) != NULL) {
		ExecStatusType st = PQresultStatus(r);

		if (rc == 0 && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
			rc = pending_error(c, p, r, err);
		if (rc == 0 && want) {
			PQclear(*keep);
			*keep = r;
		} else
			PQclear(r);
	}
	return rc;
}

/*
 * Send everything pending in one round trip (libpq's pipeline mode) and
 * read the results.  The first failure fills err (the server skips the
 * rest); with `last`, the last statement's result is handed back
 * (caller clears).  Nothing is pending afterwards.
 */
static int
batch(struct dbrev_conn *c, PGresult **last, struct dbrev_error *err)
{
	struct pending *p = c->pend;
	size_t n = c->npend, total = n, i;
	PGresult *keep = NULL;
	int rc = 0, prep = 0;

	if (last != NULL)
		*last = NULL;
	if (n == 0)
		return 0;
	c->pend = NULL;
	c->npend = c->pcap = 0;
	for (i = 0; i < n; i++)
		prep |= p[i].which < ST_NPREPARED;
	if (prep && prepare(c, err) != 0) {
		rc = -1;
		goto out;
	}
#ifdef LIBPQ_HAS_PIPELINING
	if (!PQenterPipelineMode(c->pg)) {
		rc = conn_error(c, err, p[0].what);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!send_one(c, &p[i]))
			break;
	if (i < n)
		rc = conn_error(c, err, p[i].what);
	n = i;	/* read what was queued */
	if (!PQpipelineSync(c->pg) && rc == 0)
		rc = conn_error(c, err, p[0].what);
	for (i = 0; i < n; i++)
		rc = results(c, &p[i], i == n - 1 && last != NULL, &keep, rc,
		    err);
	/* Then the sync point. */
	for (PGresult *r; (r = PQgetResult(c->pg)) != NULL;) {
		ExecStatusType st = PQresultStatus(r);

		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (!PQexitPipelineMode(c->pg) && rc == 0)
		rc = conn_error(c, err, p[0].what);
#else
	for (i = 0; i < n && rc == 0; i++) {
		if (!send_one(c, &p[i])) {
			rc = conn_error(c, err, p[i].what);
			break;
		}
		rc = results(c, &p[i], i == n - 1 && last != NULL, &keep, rc,
		    err);
	}
#endif
out:
	if (rc == 0 && last != NULL)
		*last = keep;
	else
		PQclear(keep);
	for (i = 0; i < total; i++)
		pending_free(&p[i]);
	free(p);
	return rc;
}

/* Send what is pending before talking to the server otherwise. */
static int
flush(struct dbrev_conn *c, struct dbrev_error *err)
{
	return batch(c, NULL, err);
}

/* A simple statement of ours that returns no rows. */
static int
simple(struct dbrev_conn *c, const char *sql, const char *what,
    struct dbrev_error *err)
{
	PGresult *r = PQexec(c->pg, sql);
	int rc = 0;

	if (r == NULL)
		return conn_error(c, err, what);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = result_error(c, r, NULL, 0, what, err);
	PQclear(r);
	return rc;
}

/* BEGIN waits for the statement that follows it (batch()). */
static int
pg_begin(struct dbrev_conn *c, struct dbrev_error *err)
{
	if (c->in_tx)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot begin a transaction: one is already open");
	if (flush(c, err) != 0)
		return -1;
	c->in_tx = 1;
	pend_add(c, ST_BEGIN, NULL, 0, "cannot begin a transaction", 0);
	return 0;
}

static int
pg_commit(struct dbrev_conn *c, struct dbrev_error *err)
{
	PGresult *r;
	int rc = 0;

	c->in_tx = 0;
	c->lock_timed_out = 0;
	if (pend_begin(c) && c->npend == 1) {
		/* Nothing was sent: nothing to commit. */
		pend_clear(c);
		return 0;
	}
	pend_add(c, ST_COMMIT, NULL, 0, "cannot commit", 0);
	if (batch(c, &r, err) != 0)
		return -1;
	if (r != NULL && strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
		/* COMMIT of a failed transaction rolls back, quietly. */
		rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot commit: the transaction had failed and was "
		    "rolled back");
	PQclear(r);
	return rc;
}

static int
pg_rollback(struct dbrev_conn *c, struct dbrev_error *err)
{
	int sent = !pend_begin(c), rc;

	c->in_tx = 0;
	pend_clear(c);
	if (!sent)
		return 0;
	c->quiet = 1;	/* no "there is no transaction in progress" */
	rc = simple(c, "ROLLBACK", "cannot roll back", err);
	c->quiet = 0;
	return rc;
}

/*
 * Split SQL into statements the way psql does: at semicolons outside
 * quotes, comments, dollar quotes, parentheses and the BEGIN ... END body
 * of CREATE FUNCTION/PROCEDURE.  Statements holding only blanks and
 * comments are skipped, as the server skips them.
 */
struct splitter {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	int		 scs;
};

static int
ident_start(unsigned char ch)
{
	return isalpha(ch) || ch == '_' || ch >= 0x80;
}

static int
ident_cont(unsigned char ch)
{
	return isalnum(ch) || ch == '_' || ch == '$' || ch >= 0x80;
}

/* After the quote at i: the index past its close, or SIZE_MAX. */
static size_t
quote_end(const char *s, size_t len, size_t i, char q, int backslash)
{
	for (i++; i < len; i++) {
		if (backslash && s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == q) {
			if (i + 1 < len && s[i + 1] == q) {
				i++;
				continue;
			}
			return i + 1;
		}
	}
	return SIZE_MAX;
}

/* Skip a quoted string or identifier starting at i (the quote). */
static size_t
skip_quoted(const char *s, size_t len, size_t i, char q, int backslash)
{
	size_t end = quote_end(s, len, i, q, backslash);

	return end == SIZE_MAX ? len : end;
}

/* If a dollar quote opens at i, skip to after its close; else return i. */
static size_t
skip_dollar(const char *s, size_t len, size_t i)
{
	size_t j = i + 1, taglen;
	const char *p;

	if (j < len && ident_start((unsigned char)s[j]))
		while (j < len && ident_cont((unsigned char)s[j]) &&
		    s[j] != '$')
			j++;
	if (j >= len || s[j] != '$')
		return i;
	taglen = j + 1 - i;
	for (p = s + j + 1; p + taglen <= s + len; p++)
		if (*p == '$' && memcmp(p, s + i, taglen) == 0)
			return (size_t)(p - s) + taglen;
	return len;
}

/*
 * The next statement with content: [*start, *end) from its first token
 * to just after its semicolon (or the end of text).  Returns 0 when
 * there is none left.
 */
static int
next_statement(struct splitter *sp, size_t *start, size_t *end)
{
	const char *s = sp->s;
	size_t len = sp->len, i = sp->pos, j;
	int have = 0, paren = 0, depth = 0, nid = 0, routine = 0;
	char ids[4] = { 0 };

	while (i < len) {
		unsigned char ch = (unsigned char)s[i];

		if (isspace(ch)) {
			i++;
			continue;
		}
		if (ch == '-' && i + 1 < len && s[i + 1] == '-') {
			while (i < len && s[i] != '\n')
				i++;
			continue;
		}
		if (ch == '/' && i + 1 < len && s[i + 1] == '*') {
			int nest = 1;

			for (i += 2; i < len && nest > 0; i++) {
				if (s[i] == '/' && i + 1 < len &&
				    s[i + 1] == '*') {
					nest++;
					i++;
				} else if (s[i] == '*' && i + 1 < len &&
				    s[i + 1] == '/') {
					nest--;
					i++;
				}
			}
			continue;
		}
		if (ch == ';' && paren == 0 && depth == 0) {
			i++;
			if (have) {
				*end = i;
				sp->pos = i;
				return 1;
			}
			continue;
		}
		if (!have) {
			have = 1;
			*start = i;
		}
		if (ch == '\'') {
			i = skip_quoted(s, len, i, '\'', !sp->scs);
		} else if (ch == '"') {
			i = skip_quoted(s, len, i, '"', 0);
		} else if (ch == '$') {
			j = skip_dollar(s, len, i);
			i = j == i ? i + 1 : j;
		} else if (ident_start(ch)) {
			j = i;
			while (j < len && ident_cont((unsigned char)s[j]))
				j++;
			if (j - i == 1 && (ch == 'e' || ch == 'E') && j < len &&
			    s[j] == '\'') {
				i = skip_quoted(s, len, j, '\'', 1);
				continue;
			}
			/* CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ... END */
			if (nid < 4) {
				static const char *const words[] = { "create",
				    "or", "replace", "function", "procedure" };
				ids[nid] = 0;
				for (size_t w = 0; w < 5; w++)
					if (strlen(words[w]) == j - i &&
					    strncasecmp(s + i, words[w],
					    j - i) == 0)
						ids[nid] = words[w][0];
				nid++;
				if (nid >= 2 && ids[0] == 'c' &&
				    (ids[1] == 'f' || ids[1] == 'p' ||
				    (nid >= 4 && ids[1] == 'o' &&
				    ids[2] == 'r' && (ids[3] == 'f' ||
				    ids[3] == 'p'))))
					routine = 1;
			}
			if (routine && paren == 0) {
				if (j - i == 5 && strncasecmp(s + i, "begin",
				    5) == 0)
					depth++;
				else if (j - i == 4 && strncasecmp(s + i,
				    "case", 4) == 0 && depth > 0)
					depth++;
				else if (j - i == 3 && strncasecmp(s + i,
				    "end", 3) == 0 && depth > 0)
					depth--;
			}
			i = j;
		} else {
			if (ch == '(')
				paren++;
			else if (ch == ')' && paren > 0)
				paren--;
			i++;
		}
	}
	sp->pos = len;
	if (have) {
		*end = len;
		return 1;
	}
	return 0;
}

/* File line of byte offset `off` in sql. */
static unsigned
line_at(const char *sql, size_t off, unsigned first_line)
{
	unsigned line = first_line;

	for (size_t i = 0; i < off && sql[i] != '\0'; i++)
		if (sql[i] == '\n')
			line++;
	return line;
}

/* Byte offset of the character at index `chars` of s (client encoding). */
static size_t
char_to_byte(const struct dbrev_conn *c, const char *s, size_t len,
    size_t chars)
{
	size_t i;

	if (!c->utf8)
		return chars < len ? chars : len;
	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xC0) == 0x80)
			continue;
		if (chars-- == 0)
			return i;
	}
	return len;
}

/*
 * Report a script error at the right line: the server's position when
 * it gives one (a character index into the text sent, which starts at
 * byte `base` of sql), else the first line of the failing statement.
 */
static int
script_error(struct dbrev_conn *c, PGresult *r, const char *sql,
    size_t base, size_t stmt_start, const char *file, unsigned first_line,
    struct dbrev_error *err)
{
	const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	size_t off = stmt_start;
	long p;

	if (pos != NULL && (p = strtol(pos, NULL, 10)) > 0)
		off = base + char_to_byte(c, sql + base, strlen(sql + base),
		    (size_t)p - 1);
	return result_error(c, r, file, line_at(sql, off, first_line), NULL,
	    err);
}

/* The length of keyword kw at [p, e) (any case, a whole word), or 0. */
static size_t
word_at(const char *p, const char *e, const char *kw)
{
	size_t n = strlen(kw);

	if ((size_t)(e - p) < n || strncasecmp(p, kw, n) != 0 ||
	    (p + n < e && (isalnum((unsigned char)p[n]) || p[n] == '_')))
		return 0;
	return n;
}

/* Past blanks from p. */
static const char *
blanks(const char *p, const char *e)
{
	while (p < e && isspace((unsigned char)*p))
		p++;
	return p;
}

/*
 * Whether the statement [p, e) would end the transaction the revision
 * runs in (BEGIN, START, COMMIT, END, ABORT, PREPARE TRANSACTION,
 * ROLLBACK but not ROLLBACK TO a savepoint): what ran before it would
 * be kept whatever came after.
 */
static int
ends_tx(const char *p, const char *e)
{
	static const char *const kw[] = { "BEGIN", "START", "COMMIT", "END",
	    "ABORT" };
	size_t i, n;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (word_at(p, e, kw[i]))
			return 1;
	if ((n = word_at(p, e, "PREPARE")) != 0)
		return word_at(blanks(p + n, e), e, "TRANSACTION") != 0;
	if ((n = word_at(p, e, "ROLLBACK")) == 0)
		return 0;
	p = blanks(p + n, e);
	if ((n = word_at(p, e, "TRANSACTION")) != 0 ||
	    (n = word_at(p, e, "WORK")) != 0)
		p = blanks(p + n, e);
	return word_at(p, e, "TO") == 0;
}

/* The refusal of a statement that ends the revision's transaction. */
static int
ends_tx_error(struct dbrev_error *err, const char *file, unsigned line)
{
	return dbrev_error_set(err, DBREV_ERR_INPUT, file, line, "remove it "
	    "(each revision runs in a transaction of its own), or mark the "
	    "revision '-- transaction: none'", "a statement that ends the "
	    "revision's transaction (BEGIN, COMMIT, END, ROLLBACK and the "
	    "like)");
}

/* Whether the statement [p, e) begins a transaction (BEGIN, START). */
static int
begins_tx(const char *p, const char *e)
{
	return word_at(p, e, "BEGIN") != 0 || word_at(p, e, "START") != 0;
}

/* Whether the statement [p, e) is COPY ... FROM STDIN. */
static int
copy_from_stdin(const char *p, const char *e)
{
	const char *q;

	if (word_at(p, e, "COPY") == 0)
		return 0;
	for (q = p; q < e; q++)
		if ((q == p || !ident_cont((unsigned char)q[-1])) &&
		    word_at(q, e, "STDIN") != 0)
			return 1;
	return 0;
}

/*
 * psql's reading of a script where the server's differs (offline, with
 * standard_conforming_strings on, the default): the offset of the first
 * backslash outside quotes and comments (psql runs a meta-command from
 * it; the server refuses it), and of the start of a quote, dollar quote
 * or comment left open at the end (psql reads what follows as part of
 * it); SIZE_MAX for none.
 */
static void
psql_scan(const char *s, size_t len, size_t *backslash, size_t *open)
{
	size_t i = 0, j, tag;
	const char *close;
	int nest;

	*backslash = *open = SIZE_MAX;
	while (i < len && *open == SIZE_MAX) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '-' && i + 1 < len && s[i + 1] == '-') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (ch == '/' && i + 1 < len && s[i + 1] == '*') {
			for (j = i + 2, nest = 1; j < len && nest > 0; j++) {
				if (s[j] == '/' && j + 1 < len &&
				    s[j + 1] == '*') {
					nest++;
					j++;
				} else if (s[j] == '*' && j + 1 < len &&
				    s[j + 1] == '/') {
					nest--;
					j++;
				}
			}
			if (nest > 0)
				*open = i;
			i = j;
		} else if (ch == '\'' || ch == '"') {
			if ((j = quote_end(s, len, i, (char)ch, 0)) == SIZE_MAX)
				*open = i;
			i = j;
		} else if (ch == '$' && (j = skip_dollar(s, len, i)) != i) {
			/* skip_dollar: past the tag's close, or len. */
			for (tag = i + 1; s[tag] != '$'; tag++)
				;
			tag = tag + 1 - i;
			close = memmem(s + i + tag, len - i - tag, s + i, tag);
			if (close == NULL)
				*open = i;
			i = j;
		} else if (ident_start(ch)) {
			j = i;
			while (j < len && ident_cont((unsigned char)s[j]))
				j++;
			if (j - i == 1 && (ch == 'e' || ch == 'E') && j < len &&
			    s[j] == '\'') {
				if ((j = quote_end(s, len, j, '\'', 1)) ==
				    SIZE_MAX)
					*open = i;
			}
			i = j;
		} else {
			if (ch == '\\' && *backslash == SIZE_MAX)
				*backslash = i;
			i++;
		}
	}
}

/*
 * Offline: the revision's text for psql, refused (file:line) where the
 * online run would refuse it or psql would read it otherwise than the
 * server, and terminated so that what follows is a statement of its own.
 */
static int
pg_script_sql(struct dbrev_buf *out, const char *sql, const char *file,
    unsigned first_line, int in_tx, struct dbrev_error *err)
{
	struct splitter sp = { sql, strlen(sql), 0, 1 };
	size_t start, end = 0, bs, open, began = SIZE_MAX;

	psql_scan(sql, sp.len, &bs, &open);
	if (open != SIZE_MAX)
		return dbrev_error_set(err, DBREV_ERR_INPUT, file,
		    line_at(sql, open, first_line), "close it",
		    "a quoted string, dollar quote or comment that is not "
		    "closed");
	if (bs != SIZE_MAX)
		return dbrev_error_set(err, DBREV_ERR_INPUT, file,
		    line_at(sql, bs, first_line), "remove it, or put it in a "
		    "string", "a backslash outside quotes: psql would run it "
		    "as a meta-command, the server refuses it");
	while (next_statement(&sp, &start, &end)) {
		const char *p = sql + start, *e = sql + end;

		if (in_tx && ends_tx(p, e))
			return ends_tx_error(err, file,
			    line_at(sql, start, first_line));
		if (!in_tx && begins_tx(p, e))
			began = start;
		else if (!in_tx && ends_tx(p, e))
			began = SIZE_MAX;
		if (copy_from_stdin(p, e))
			return dbrev_error_set(err, DBREV_ERR_INPUT, file,
			    line_at(sql, start, first_line), "load the rows "
			    "with INSERT, or COPY from a file on the server",
			    "COPY FROM STDIN: a revision has no data to give "
			    "it");
	}
	if (began != SIZE_MAX)
		return dbrev_error_set(err, DBREV_ERR_INPUT, file,
		    line_at(sql, began, first_line), "end it with COMMIT",
		    "the revision begins a transaction and does not end it");
	dbrev_buf_puts(out, sql);
	/* The last statement's ';' (after a line comment, on a line). */
	if (end > 0 && sql[end - 1] != ';')
		dbrev_buf_puts(out, "\n;");
	if (out->len > 0 && out->data[out->len - 1] != '\n')
		dbrev_buf_puts(out, "\n");
	return 0;
}

/* In a transaction: the whole script in one round trip. */
static int
exec_script(struct dbrev_conn *c, const char *sql, const char *file,
    unsigned first_line, struct dbrev_error *err)
{
	struct splitter sp = { sql, strlen(sql), 0, c->scs };
	size_t ndone, start = 0, end, k;
	PGresult *r;
	int rc;

	/* Refused before anything runs: the transaction is dbrev's. */
	while (next_statement(&sp, &start, &end))
		if (ends_tx(sql + start, sql + end))
			return ends_tx_error(err, file,
			    line_at(sql, start, first_line));
	sp.pos = 0;
	start = 0;
	if (run_query(c, sql, &ndone, &r, NULL) != 0)
		return conn_error(c, err, file != NULL ? file :
		    "cannot run SQL");
	if (r == NULL)
		return 0;
	/* The statement that failed is the one after those that completed. */
	for (k = 0; k <= ndone; k++)
		if (!next_statement(&sp, &start, &end)) {
			start = 0;
			break;
		}
	rc = script_error(c, r, sql, 0, start, file, first_line, err);
	/* "VACUUM cannot run inside a transaction block" and the like. */
	if (strcmp(sqlstate(r), "25001") == 0)
		dbrev_error_hint(err, "mark the revision '-- transaction: none' "
		    "to run it outside a transaction");
	PQclear(r);
	return rc;
}

/* Whether the statement [p, e) ends a transaction by rolling it back. */
static int
rolls_back(const char *p, const char *e)
{
	return (word_at(p, e, "ROLLBACK") != 0 || word_at(p, e, "ABORT") != 0) &&
	    ends_tx(p, e);
}

/* Whether the statement [p, e) changes no more than the session. */
static int
session_only(const char *p, const char *e)
{
	static const char *const kw[] = { "BEGIN", "START", "SET", "RESET",
	    "SHOW", "ROLLBACK", "ABORT" };
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (word_at(p, e, kw[i]) != 0)
			return 1;
	return 0;
}

/*
 * Whether the statement [p, e) may commit work of its own before it
 * fails: 1 for a procedure or DO block (it may COMMIT), 2 for one with
 * CONCURRENTLY, which commits its first phase: a CREATE INDEX, REINDEX
 * or DROP INDEX CONCURRENTLY stopped part way leaves an index not
 * valid, a DETACH PARTITION CONCURRENTLY a partition pending detach.
 * A rough scan: a false hit costs a look at the catalogue (half_done).
 */
static int
commits_itself(const char *p, const char *e)
{
	char *stmt;
	int hit;

	if (word_at(p, e, "CALL") != 0 || word_at(p, e, "DO") != 0)
		return 1;
	stmt = dbrev_xstrndup(p, (size_t)(e - p));
	hit = strcasestr(stmt, "concurrently") != NULL;
	free(stmt);
	return hit ? 2 : 0;
}

/* What CONCURRENTLY stopped part way leaves (see above); -1: unknown. */
static long
half_done(struct dbrev_conn *c)
{
	PGresult *r;
	long n = -1;

	r = PQexec(c->pg, PQserverVersion(c->pg) >= 140000 ?
	    "SELECT (SELECT count(*) FROM pg_catalog.pg_index "
	    "WHERE NOT indisvalid OR NOT indisready) + (SELECT count(*) "
	    "FROM pg_catalog.pg_inherits WHERE inhdetachpending)" :
	    "SELECT count(*) FROM pg_catalog.pg_index "
	    "WHERE NOT indisvalid OR NOT indisready");
	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) == 1)
		n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

/* Outside a transaction: statement by statement, each committed alone. */
static int
exec_each(struct dbrev_conn *c, const char *sql, const char *file,
    unsigned first_line, struct dbrev_error *err)
{
	struct splitter sp = { sql, strlen(sql), 0, c->scs };
	size_t start, end, ndone;
	PGresult *r;
	char *stmt;
	int rc;

	while (next_statement(&sp, &start, &end)) {
		PGTransactionStatusType before = PQtransactionStatus(c->pg);
		int self = before == PQTRANS_IDLE ?
		    commits_itself(sql + start, sql + end) : 0;
		long left = self == 2 ? half_done(c) : 0;

		stmt = dbrev_xstrndup(sql + start, end - start);
		rc = run_query(c, stmt, &ndone, &r, NULL);
		free(stmt);
		/*
		 * Kept whatever follows: a statement that changes more than
		 * the session run outside a transaction, a transaction ended
		 * but not rolled back (a failing statement changes nothing,
		 * unless it commits by itself).
		 */
		if (rc == 0 && r == NULL && (before == PQTRANS_IDLE ?
		    !session_only(sql + start, sql + end) :
		    PQtransactionStatus(c->pg) == PQTRANS_IDLE &&
		    !rolls_back(sql + start, sql + end)))
			c->kept = 1;
		if (rc == 0 && r != NULL && (self == 1 || (self == 2 &&
		    (left < 0 || half_done(c) != left))))
			c->kept = 1;
		if (rc != 0)
			return conn_error(c, err, file != NULL ? file :
			    "cannot run SQL");
		if (r != NULL) {
			script_error(c, r, sql, start, start, file,
			    first_line, err);
			PQclear(r);
			return -1;
		}
	}
	return 0;
}

/*
 * What a revision's script can leave in the session beyond what RESET
 * ALL undoes, and the statements that undo it (each allowed in a
 * transaction block, unlike DISCARD ALL).  The role, the session user
 * and what currval() and lastval() know always (any INSERT may call
 * nextval()); the rest when the script has the word that makes it (a
 * rough scan: a false hit costs one cheap statement).  Not undone:
 * session advisory locks (pg_advisory_unlock_all would drop the
 * migration lock) and the random seed.
 */
static const char *const undo_always[] = {
	"RESET SESSION AUTHORIZATION", "RESET ROLE", "RESET ALL",
	"DISCARD SEQUENCES"	/* currval, lastval: any INSERT may set them */
};
static const struct {
	const char	*word;
	const char	*sql;
} undo_if[] = {
	{ "temp", "DISCARD TEMP" },	/* TEMP, TEMPORARY tables */
	{ "listen", "UNLISTEN *" },
	{ "cursor", "CLOSE ALL" },	/* WITH HOLD cursors */
};
#define NUNDO_IF	(sizeof(undo_if) / sizeof(undo_if[0]))

/* The script's own prepared statements (not ours): DEALLOCATE each. */
static int
undo_prepared(struct dbrev_conn *c, struct dbrev_buf *list,
    struct dbrev_error *err)
{
	PGresult *r;
	char *q;
	int i, rc = 0;

	r = PQexec(c->pg, "SELECT name FROM pg_prepared_statements "
	    "WHERE name !~ '^dbrev_[0-9]+_[0-9]+$'");
	if (r == NULL)
		return conn_error(c, err, "cannot reset the session");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = result_error(c, r, NULL, 0, "cannot reset the session",
		    err);
	for (i = 0; rc == 0 && i < PQntuples(r); i++) {
		q = PQescapeIdentifier(c->pg, PQgetvalue(r, i, 0),
		    (size_t)PQgetlength(r, i, 0));
		if (q == NULL) {
			rc = conn_error(c, err, "cannot reset the session");
			break;
		}
		dbrev_buf_printf(list, "DEALLOCATE %s", q);
		dbrev_buf_add(list, "", 1);
		PQfreemem(q);
	}
	PQclear(r);
	return rc;
}

/*
 * The statements that put the session back after script `sql` ran,
 * NUL-separated into list: as in a run of its own, the revisions after
 * it run as the connecting user, with its settings.
 */
static int
undo_list(struct dbrev_conn *c, const char *sql, struct dbrev_buf *list,
    struct dbrev_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(undo_always) / sizeof(undo_always[0]); i++)
		dbrev_buf_add(list, undo_always[i], strlen(undo_always[i]) + 1);
	if (c->check_interval)
		dbrev_buf_add(list, CHECK_INTERVAL_SQL,
		    sizeof(CHECK_INTERVAL_SQL));
	for (i = 0; i < NUNDO_IF; i++)
		if (strcasestr(sql, undo_if[i].word) != NULL)
			dbrev_buf_add(list, undo_if[i].sql,
			    strlen(undo_if[i].sql) + 1);
	/* DEALLOCATE ALL or DISCARD ALL in the script drop ours too. */
	if (strcasestr(sql, "deallocate") != NULL ||
	    strcasestr(sql, "discard") != NULL)
		c->t_prepared = 0;
	if (strcasestr(sql, "prepare") != NULL)
		return undo_prepared(c, list, err);
	return 0;
}

static int
pg_exec(struct dbrev_conn *c, const char *sql, const char *file,
    unsigned first_line, struct dbrev_error *err)
{
	struct dbrev_buf list = { 0 }, joined = { 0 };
	struct dbrev_error ignore = { 0 };
	PGTransactionStatusType ts;
	const char *u;
	int rc;

	c->lock_timed_out = 0;
	dbrev_pg_fingerprint_saw(c->fpcache, sql, 0);
	if (flush(c, err) != 0)
		return -1;
	if (c->in_tx) {
		if (exec_script(c, sql, file, first_line, err) != 0) {
			dbrev_pg_fingerprint_saw(c->fpcache, sql, 1);
			return -1;
		}
		/*
		 * Undo what the revision left in the session inside its
		 * transaction, sent with the statements that follow (no
		 * round trip of its own): the version table's row is
		 * written as the connecting user, and the revisions after
		 * it run as in a run of their own, --single-transaction too.
		 */
		rc = undo_list(c, sql, &list, err);
		for (u = list.data; rc == 0 && u != NULL &&
		    u < list.data + list.len; u += strlen(u) + 1)
			pend_add(c, ST_SQL, &u, 1, "cannot reset the session",
			    0);
		dbrev_buf_free(&list);
		return rc;
	}
	c->kept = 0;
	rc = exec_each(c, sql, file, first_line, err);
	/* What failed halfway may have left what no event trigger saw. */
	if (rc != 0)
		dbrev_pg_fingerprint_saw(c->fpcache, sql, 1);
	ts = PQtransactionStatus(c->pg);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
		/*
		 * A transaction: none script that began a transaction and
		 * failed inside it, or never ended it: undo what it began.
		 */
		c->quiet = 1;
		PQclear(PQexec(c->pg, "ROLLBACK"));
		c->quiet = 0;
		if (rc == 0)
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, file, 0,
			    "end it with COMMIT",
			    "the revision begins a transaction and does not "
			    "end it; it was rolled back");
	}
	/* As above (one round trip), after a failure too: its row is next. */
	if (undo_list(c, sql, &list, rc == 0 ? err : &ignore) != 0)
		rc = -1;
	for (u = list.data; u != NULL && u < list.data + list.len;
	    u += strlen(u) + 1)
		dbrev_buf_printf(&joined, "%s%s", joined.len ? "; " : "", u);
	if (joined.len > 0 && simple(c, joined.data, "cannot reset the "
	    "session", rc == 0 ? err : &ignore) != 0)
		rc = -1;
	dbrev_error_clear(&ignore);
	dbrev_buf_free(&list);
	dbrev_buf_free(&joined);
	return rc;
}

static int
pg_exec_kept(struct dbrev_conn *c)
{
	return c->kept;
}

/*
 * SET LOCAL in a transaction (pending: it goes with BEGIN and the row's
 * look-up), else SET for the session, which exec()'s RESET ALL ends.
 * Milliseconds, as the server counts: 0 is no limit to it, so a
 * positive timeout is at least 1 ms.
 */
static int
pg_set_statement_timeouts(struct dbrev_conn *c, double lock_timeout,
    double statement_timeout, struct dbrev_error *err)
{
	const char *scope = c->in_tx ? "SET LOCAL" : "SET";
	double v[2] = { lock_timeout, statement_timeout }, ms;
	char sql[2][96];
	const char *q;
	int i;

	for (i = 0; i < 2; i++) {
		ms = v[i] > 0 ? v[i] * 1000 : 0;
		if (v[i] > 0 && ms < 1)
			ms = 1;
		snprintf(sql[i], sizeof sql[i], "%s %s = %.0f", scope,
		    i == 0 ? "lock_timeout" : "statement_timeout",
		    ms < INT32_MAX ? ms : (double)INT32_MAX);
	}
	c->lock_timed_out = 0;
	if (c->in_tx) {
		for (i = 0; i < 2; i++) {
			q = sql[i];
			pend_add(c, ST_SQL, &q, 1, "cannot set the revision's "
			    "timeouts", 0);
		}
		return 0;
	}
	if (flush(c, err) != 0)
		return -1;
	c->quiet = 1;
	i = simple(c, sql[0], "cannot set lock_timeout", err) == 0 &&
	    simple(c, sql[1], "cannot set statement_timeout", err) == 0;
	c->quiet = 0;
	return i ? 0 : -1;
}

static int
pg_lock_timed_out(struct dbrev_conn *c)
{
	return c->lock_timed_out;
}

/* --- the version table's name -------------------------------------- */

/* The table argument, where NULL means the default. */
static const char *
table_or_default(const char *table)
{
	return table != NULL && *table != '\0' ? table : DBREV_DEFAULT_TABLE;
}

/*
 * Split TABLE or SCHEMA.TABLE (names taken literally, case kept) and
 * quote both parts with libpq.  Cached for the last table named.
 */
static int
table_names(struct dbrev_conn *c, const char *table, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	const char *dot, *name;
	char *q;

	table = table_or_default(table);
	if (c->t_given != NULL && strcmp(c->t_given, table) == 0)
		return 0;
	dot = strchr(table, '.');
	if (dot == table || (dot != NULL && (dot[1] == '\0' ||
	    strchr(dot + 1, '.') != NULL)))
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "name it TABLE or SCHEMA.TABLE",
		    "invalid version table name \"%s\"", table);
	free(c->t_given);
	free(c->t_schema);
	free(c->t_quoted);
	free(c->t_qschema);
	c->t_given = c->t_schema = c->t_quoted = c->t_qschema = NULL;
	c->t_pinned = dot != NULL;
	c->t_prepared = 0;
	name = table;
	if (dot != NULL) {
		c->t_schema = dbrev_xstrndup(table, (size_t)(dot - table));
		if ((q = PQescapeIdentifier(c->pg, c->t_schema,
		    strlen(c->t_schema))) == NULL)
			goto bad;
		c->t_qschema = dbrev_xstrdup(q);
		dbrev_buf_printf(&b, "%s.", q);
		PQfreemem(q);
		name = dot + 1;
	}
	if ((q = PQescapeIdentifier(c->pg, name, strlen(name))) == NULL)
		goto bad;
	dbrev_buf_puts(&b, q);
	PQfreemem(q);
	c->t_quoted = dbrev_buf_take(&b);
	c->t_given = dbrev_xstrdup(table);
	return 0;
bad:
	dbrev_buf_free(&b);
	free(c->t_schema);
	free(c->t_qschema);
	c->t_schema = c->t_qschema = NULL;
	return conn_error(c, err, "invalid version table name");
}

/* CREATE statements for the version table, shared by online and offline. */
static void
table_ddl(struct dbrev_buf *b, const char *qschema, const char *qtable)
{
	if (qschema != NULL)
		dbrev_buf_printf(b, "CREATE SCHEMA IF NOT EXISTS %s;\n",
		    qschema);
	dbrev_buf_printf(b,
	    "CREATE TABLE IF NOT EXISTS %s (\n"
	    "    revision   text PRIMARY KEY,\n"
	    "    checksum   text NOT NULL,\n"
	    "    state      text NOT NULL DEFAULT 'applied'\n"
	    "               CHECK (state IN ('applied', 'in_progress')),\n"
	    "    applied_at timestamptz NOT NULL DEFAULT now()\n"
	    ");\n", qtable);
}

/* --- locking ------------------------------------------------------- */

/*
 * The advisory lock key: 64 bits of SHA-256 of "schema.table", the
 * schema being the one the table is in (or, not there yet, will be
 * created in), so that "revs" and "public.revs" (one table, named two
 * ways) share one lock, while tenants of one database, a schema and a
 * version table each, never wait for each other.
 */
static long long
lock_key(const char *schema, const char *name)
{
	struct dbrev_buf b = { 0 };
	char sum[DBREV_CHECKSUM_LEN + 1];
	uint64_t k = 0;

	dbrev_buf_printf(&b, "dbrev-lock:%s.%s", schema, name);
	dbrev_checksum(b.data, b.len, sum);
	dbrev_buf_free(&b);
	for (int i = 0; i < 16; i++) {
		int ch = sum[i];

		k = k << 4 | (uint64_t)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
	}
	return (long long)k;
}

static void
sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* One query returning one boolean. */
static int
query_bool(struct dbrev_conn *c, const char *sql, int nparams,
    const char *const *params, const char *what, int *out,
    struct dbrev_error *err)
{
	PGresult *r;
	int rc = 0;

	if (flush(c, err) != 0)
		return -1;
	if ((r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL,
	    0)) == NULL)
		return conn_error(c, err, what);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = result_error(c, r, NULL, 0, what, err);
	else
		*out = PQntuples(r) > 0 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return rc;
}

/* Who holds the lock, for the timeout message ("" when unknown). */
static char *
lock_holder(struct dbrev_conn *c, long long key)
{
	char hi[24], lo[24];
	const char *params[2] = { hi, lo };
	struct dbrev_buf b = { 0 };
	PGresult *r;

	snprintf(hi, sizeof hi, "%u", (unsigned)((uint64_t)key >> 32));
	snprintf(lo, sizeof lo, "%u", (unsigned)((uint64_t)key & 0xffffffffu));
	r = PQexecParams(c->pg,
	    "SELECT l.pid, coalesce(a.application_name, ''), "
	    "coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS'), '') "
	    "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
	    "WHERE l.locktype = 'advisory' AND l.granted "
	    "AND l.database = (SELECT oid FROM pg_database "
	    "WHERE datname = current_database()) "
	    "AND l.classid = $1::oid AND l.objid = $2::oid "
	    "AND l.objsubid = 1 LIMIT 1", 2, NULL, params, NULL, NULL, 0);
	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) == 1) {
		dbrev_buf_printf(&b, " (held by server process %s",
		    PQgetvalue(r, 0, 0));
		if (*PQgetvalue(r, 0, 1) != '\0')
			dbrev_buf_printf(&b, ", application %s",
			    PQgetvalue(r, 0, 1));
		if (*PQgetvalue(r, 0, 2) != '\0')
			dbrev_buf_printf(&b, ", connected since %s",
			    PQgetvalue(r, 0, 2));
		dbrev_buf_puts(&b, ")");
	}
	PQclear(r);
	if (b.data == NULL)
		return dbrev_xstrdup("");
	return dbrev_buf_take(&b);
}

/*
 * The key of the version table's lock: SCHEMA.TABLE as named, or for a
 * table named alone, the schema search_path finds it in, else the one
 * CREATE TABLE would put it in (current_schema()).
 */
static int
table_lock_key(struct dbrev_conn *c, const char *table, long long *key,
    struct dbrev_error *err)
{
	const char *name = table_or_default(table), *dot = strchr(name, '.');
	const char *params[1];
	char *schema, *q;
	PGresult *r;

	if (dot != NULL) {
		schema = dbrev_xstrndup(name, (size_t)(dot - name));
		*key = lock_key(schema, dot + 1);
		free(schema);
		return 0;
	}
	if (flush(c, err) != 0)
		return -1;
	if ((q = PQescapeIdentifier(c->pg, name, strlen(name))) == NULL)
		return conn_error(c, err, "invalid version table name");
	params[0] = q;
	r = PQexecParams(c->pg, "SELECT coalesce((SELECT n.nspname FROM "
	    "pg_catalog.pg_class k JOIN pg_catalog.pg_namespace n ON n.oid = "
	    "k.relnamespace WHERE k.oid = pg_catalog.to_regclass($1)), "
	    "pg_catalog.current_schema(), '')", 1, NULL, params, NULL, NULL,
	    0);
	PQfreemem(q);
	if (r == NULL)
		return conn_error(c, err, "cannot take the migration lock");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		result_error(c, r, NULL, 0, "cannot take the migration lock",
		    err);
		PQclear(r);
		return -1;
	}
	*key = lock_key(PQgetvalue(r, 0, 0), name);
	PQclear(r);
	return 0;
}

static int
pg_lock(struct dbrev_conn *c, const char *table, double timeout,
    struct dbrev_error *err)
{
	long long key;
	char keys[24];
	const char *params[1] = { keys };
	double deadline, now, wait = LOCK_POLL_FIRST_MS;
	char *holder, *m;
	int got = 0;

	if (!(timeout >= 0))	/* negative or nan: the default, as on SQLite */
		timeout = DBREV_DEFAULT_LOCK_TIMEOUT;
	if (table_lock_key(c, table, &key, err) != 0)
		return -1;
	snprintf(keys, sizeof keys, "%lld", key);
	deadline = dbrev_now_ms() + timeout * 1000;
	for (;;) {
		/* Each attempt is its own short statement: no snapshot held. */
		if (query_bool(c, "SELECT pg_try_advisory_lock($1::bigint)", 1,
		    params, "cannot take the migration lock", &got, err) != 0)
			return -1;
		if (got) {
			/* Released by this key, wherever the table is then. */
			free(c->lock_table);
			c->lock_table = dbrev_xstrdup(table_or_default(table));
			c->lock_key = key;
			return 0;
		}
		now = dbrev_now_ms();
		if (now >= deadline)
			break;
		sleep_ms(deadline - now < wait ? deadline - now : wait);
		wait = wait * 1.5 > LOCK_POLL_MAX_MS ? LOCK_POLL_MAX_MS :
		    wait * 1.5;
	}
	holder = lock_holder(c, key);
	m = dbrev_pg_clean_message(c->url, c->password, holder);
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
	    "another runner is migrating this database: wait for it, or "
	    "raise --lock-timeout",
	    "lock timeout: could not take the migration lock for version "
	    "table %s within %g s%s", table_or_default(table), timeout, m);
	free(holder);
	free(m);
	return -1;
}

/*
 * The session's lock_timeout.  To the server 0 means no limit, so not
 * waiting is the least it takes, 1 ms: it only counts once a statement
 * waits for a lock, so an uncontended statement never trips it.
 */
static int
pg_set_lock_timeout(struct dbrev_conn *c, double timeout,
    struct dbrev_error *err)
{
	char sql[64];
	double ms;
	int rc;

	if (!(timeout >= 0))
		timeout = DBREV_DEFAULT_LOCK_TIMEOUT;
	ms = timeout * 1000 < 1 ? 1 : timeout * 1000;
	snprintf(sql, sizeof sql, "SET lock_timeout = %.0f",
	    ms < INT32_MAX ? ms : (double)INT32_MAX);
	if (flush(c, err) != 0)
		return -1;
	c->quiet = 1;
	rc = simple(c, sql, "cannot set lock_timeout", err);
	c->quiet = 0;
	return rc;
}

static int
pg_unlock(struct dbrev_conn *c, const char *table, struct dbrev_error *err)
{
	char keys[24];
	const char *params[1] = { keys };
	long long key;
	int released = 0;

	if (c->lock_table != NULL &&
	    strcmp(c->lock_table, table_or_default(table)) == 0)
		key = c->lock_key;
	else if (table_lock_key(c, table, &key, err) != 0)
		return -1;
	snprintf(keys, sizeof keys, "%lld", key);
	if (query_bool(c, "SELECT pg_advisory_unlock($1::bigint)", 1, params,
	    "cannot release the migration lock", &released, err) != 0)
		return -1;
	if (!released)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot release the migration lock for version table "
		    "%s: this session does not hold it",
		    table_or_default(table));
	free(c->lock_table);
	c->lock_table = NULL;
	return 0;
}

/* --- the version table --------------------------------------------- */

/*
 * Pin an unqualified table name to the schema the table was found in,
 * so that a migration's SET search_path cannot move the version table
 * from under the statements that follow.
 */
static int
table_pin(struct dbrev_conn *c, const char *schema, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	char *qs, *qt;

	if ((qs = PQescapeIdentifier(c->pg, schema, strlen(schema))) == NULL)
		return conn_error(c, err, "invalid version table schema");
	if ((qt = PQescapeIdentifier(c->pg, c->t_given,
	    strlen(c->t_given))) == NULL) {
		PQfreemem(qs);
		return conn_error(c, err, "invalid version table name");
	}
	dbrev_buf_printf(&b, "%s.%s", qs, qt);
	PQfreemem(qs);
	PQfreemem(qt);
	free(c->t_quoted);
	c->t_quoted = dbrev_buf_take(&b);
	c->t_pinned = 1;
	c->t_prepared = 0;
	return 0;
}

/* Whether the version table (and its schema) exist. */
static int
table_exists(struct dbrev_conn *c, int *table_ok, int *schema_ok,
    struct dbrev_error *err)
{
	const char *params[2] = { c->t_quoted, c->t_schema };
	PGresult *r;
	int rc = 0;

	if (flush(c, err) != 0)
		return -1;
	r = PQexecParams(c->pg,
	    "SELECT n.nspname, $2::text IS NULL OR "
	    "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $2) "
	    "FROM (SELECT to_regclass($1) AS oid) t "
	    "LEFT JOIN pg_class k ON k.oid = t.oid "
	    "LEFT JOIN pg_namespace n ON n.oid = k.relnamespace",
	    2, NULL, params, NULL, NULL, 0);
	if (r == NULL)
		return conn_error(c, err, "cannot look for the version table");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		rc = result_error(c, r, NULL, 0,
		    "cannot look for the version table", err);
	else {
		*table_ok = !PQgetisnull(r, 0, 0);
		*schema_ok = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
		if (*table_ok && !c->t_pinned)
			rc = table_pin(c, PQgetvalue(r, 0, 0), err);
	}
	PQclear(r);
	return rc;
}

static int
pg_table_ensure(struct dbrev_conn *c, const char *table,
    struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	int tok = 0, sok = 0, attempt, rc = -1;
	size_t ndone;
	PGresult *r;

	if (table_names(c, table, err) != 0)
		return -1;
	for (attempt = 0; attempt < 3; attempt++) {
		/* break, not return: b holds the DDL after a retry. */
		if (table_exists(c, &tok, &sok, err) != 0)
			break;
		if (tok) {
			rc = 0;
			break;
		}
		/*
		 * CREATE SCHEMA checks the privilege even when the schema
		 * exists: only create what is missing.
		 */
		dbrev_buf_reset(&b);
		table_ddl(&b, sok ? NULL : c->t_qschema, c->t_quoted);
		c->quiet = 1;	/* no "already exists, skipping" notices */
		if (run_query(c, b.data, &ndone, &r, NULL) != 0) {
			c->quiet = 0;
			conn_error(c, err, "cannot create the version table");
			break;
		}
		c->quiet = 0;
		if (r == NULL) {
			/* Look once more, to pin the schema it landed in. */
			rc = c->t_pinned ? 0 : table_exists(c, &tok, &sok, err);
			break;
		}
		/* A concurrent runner created it first: look again. */
		if (!c->in_tx && (strcmp(sqlstate(r), "23505") == 0 ||
		    strcmp(sqlstate(r), "42P07") == 0 ||
		    strcmp(sqlstate(r), "42P06") == 0)) {
			PQclear(r);
			continue;
		}
		result_error(c, r, NULL, 0, "cannot create the version table",
		    err);
		dbrev_error_hint(err, "create it by hand, or grant the "
		    "privilege to create it");
		PQclear(r);
		break;
	}
	if (attempt == 3)
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot create the version table %s", c->t_given);
	dbrev_buf_free(&b);
	return rc;
}

static int
state_from(const char *s, enum dbrev_row_state *st)
{
	if (strcmp(s, "applied") == 0)
		*st = DBREV_ROW_APPLIED;
	else if (strcmp(s, "in_progress") == 0)
		*st = DBREV_ROW_IN_PROGRESS;
	else
		return -1;
	return 0;
}

static const char *
state_name(enum dbrev_row_state st)
{
	return st == DBREV_ROW_IN_PROGRESS ? "in_progress" : "applied";
}

static int
pg_table_read(struct dbrev_conn *c, const char *table,
    struct dbrev_applied **rows, size_t *nrows, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_applied *v;
	int tok = 1, sok, n, i, rc = 0;
	PGresult *r;

	*rows = NULL;
	*nrows = 0;
	if (table_names(c, table, err) != 0)
		return -1;
	/*
	 * Look first when the name is not pinned yet, or in a transaction
	 * (a failed SELECT would abort it).
	 */
	if ((c->in_tx || !c->t_pinned) &&
	    table_exists(c, &tok, &sok, err) != 0)
		return -1;
	if (!tok)
		return 0;
	if (flush(c, err) != 0)
		return -1;
	dbrev_buf_printf(&b, "SELECT revision, checksum, state, "
	    "applied_at::text FROM %s ORDER BY applied_at, revision",
	    c->t_quoted);
	r = PQexec(c->pg, b.data);
	dbrev_buf_free(&b);
	if (r == NULL)
		return conn_error(c, err, "cannot read the version table");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		/* No table (or schema) yet: nothing applied. */
		if (strcmp(sqlstate(r), "42P01") != 0 &&
		    strcmp(sqlstate(r), "3F000") != 0)
			rc = result_error(c, r, NULL, 0,
			    "cannot read the version table", err);
		/* lock_not_available: set_lock_timeout's limit was reached. */
		if (strcmp(sqlstate(r), "55P03") == 0)
			dbrev_error_hint(err, "another session holds a lock "
			    "on it: wait for it to finish, or raise "
			    "--lock-timeout");
		PQclear(r);
		return rc;
	}
	n = PQntuples(r);
	v = dbrev_xcalloc((size_t)n, sizeof(*v));
	for (i = 0; i < n; i++) {
		if (state_from(PQgetvalue(r, i, 2), &v[i].state) != 0) {
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "set it to 'applied' or 'in_progress', or delete "
			    "the row",
			    "version table %s: revision %s has an unknown "
			    "state '%s'", c->t_given, PQgetvalue(r, i, 0),
			    PQgetvalue(r, i, 2));
			break;
		}
		v[i].revision = dbrev_xstrdup(PQgetvalue(r, i, 0));
		v[i].checksum = dbrev_xstrdup(PQgetvalue(r, i, 1));
		v[i].applied_at = dbrev_xstrdup(PQgetvalue(r, i, 3));
	}
	PQclear(r);
	if (rc != 0) {
		dbrev_applied_free(v, (size_t)i);
		return -1;
	}
	*rows = v;
	*nrows = (size_t)n;
	return 0;
}

/*
 * Version-table changes inside a transaction wait for the COMMIT (or
 * whatever is sent next), pipelined with it: a failure fails the commit
 * and nothing is kept.  Outside a transaction they are sent at once.
 */
static int
row_change(struct dbrev_conn *c, const char *table, enum stmt which,
    const char *const *params, int nparams, const char *what, int check,
    struct dbrev_error *err)
{
	if (table_names(c, table, err) != 0)
		return -1;
	pend_add(c, which, params, nparams, what, check);
	return c->in_tx ? 0 : flush(c, err);
}

static int
pg_table_insert(struct dbrev_conn *c, const char *table, const char *rev,
    const char *checksum, enum dbrev_row_state st, struct dbrev_error *err)
{
	const char *params[3] = { rev, checksum, state_name(st) };

	return row_change(c, table, ST_INSERT, params, 3,
	    "cannot record the revision in the version table", 0, err);
}

static int
pg_table_set_state(struct dbrev_conn *c, const char *table, const char *rev,
    enum dbrev_row_state st, struct dbrev_error *err)
{
	const char *params[2] = { rev, state_name(st) };

	return row_change(c, table, ST_STATE, params, 2,
	    "cannot update the version table", 1, err);
}

static int
pg_table_delete(struct dbrev_conn *c, const char *table, const char *rev,
    struct dbrev_error *err)
{
	const char *params[1] = { rev };

	return row_change(c, table, ST_DELETE, params, 1,
	    "cannot remove the revision from the version table", 1, err);
}

static int
pg_table_get(struct dbrev_conn *c, const char *table, const char *rev,
    int *found, enum dbrev_row_state *st, struct dbrev_error *err)
{
	const char *params[1] = { rev };
	PGresult *r;
	int rc = 0;

	*found = 0;
	if (table_names(c, table, err) != 0)
		return -1;
	/* Usually right after begin(): BEGIN and this, one round trip. */
	pend_add(c, ST_GET, params, 1, "cannot read the version table", 0);
	if (batch(c, &r, err) != 0)
		return -1;
	if (r != NULL && PQntuples(r) == 1) {
		*found = 1;
		if (state_from(PQgetvalue(r, 0, 0), st) != 0)
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "set it to 'applied' or 'in_progress', or delete "
			    "the row",
			    "version table %s: revision %s has an unknown "
			    "state '%s'", c->t_given, rev, PQgetvalue(r, 0, 0));
	}
	PQclear(r);
	return rc;
}

/* --- offline scripts ----------------------------------------------- */

/* The quoted "schema"."table" (and "schema") without a connection. */
static void
script_names(const char *table, struct dbrev_buf *qtable,
    struct dbrev_buf *qschema)
{
	const char *dot;

	table = table_or_default(table);
	dot = strchr(table, '.');
	if (dot != NULL && dot != table && dot[1] != '\0') {
		dbrev_pg_quote_ident(qschema, table, (size_t)(dot - table));
		dbrev_buf_printf(qtable, "%s.", qschema->data);
		table = dot + 1;
	}
	dbrev_pg_quote_ident(qtable, table, strlen(table));
}

static void
pg_script_table_ensure(struct dbrev_buf *out, const char *table)
{
	struct dbrev_buf t = { 0 }, s = { 0 };

	script_names(table, &t, &s);
	table_ddl(out, s.data, t.data);
	dbrev_buf_free(&t);
	dbrev_buf_free(&s);
}

static void
pg_script_insert(struct dbrev_buf *out, const char *table,
    const char *revision, const char *checksum)
{
	struct dbrev_buf t = { 0 }, s = { 0 };

	script_names(table, &t, &s);
	dbrev_buf_printf(out, "INSERT INTO %s (revision, checksum, state) "
	    "VALUES (", t.data);
	dbrev_pg_literal(out, revision);
	dbrev_buf_puts(out, ", ");
	dbrev_pg_literal(out, checksum);
	dbrev_buf_puts(out, ", 'applied');\n");
	dbrev_buf_free(&t);
	dbrev_buf_free(&s);
}

static void
pg_script_delete(struct dbrev_buf *out, const char *table,
    const char *revision)
{
	struct dbrev_buf t = { 0 }, s = { 0 };

	script_names(table, &t, &s);
	dbrev_buf_printf(out, "DELETE FROM %s WHERE revision = ", t.data);
	dbrev_pg_literal(out, revision);
	dbrev_buf_puts(out, ";\n");
	dbrev_buf_free(&t);
	dbrev_buf_free(&s);
}

/* As pg_exec() does after a revision; no statements of ours to keep. */
static void
pg_script_reset(struct dbrev_buf *out, const char *sql)
{
	size_t i;

	if (sql == NULL)
		sql = "";
	for (i = 0; i < sizeof(undo_always) / sizeof(undo_always[0]); i++)
		dbrev_buf_printf(out, "%s;\n", undo_always[i]);
	for (i = 0; i < NUNDO_IF; i++)
		if (strcasestr(sql, undo_if[i].word) != NULL)
			dbrev_buf_printf(out, "%s;\n", undo_if[i].sql);
	if (strcasestr(sql, "prepare") != NULL)
		dbrev_buf_puts(out, "DEALLOCATE ALL;\n");
}

/*
 * Other tools' version tables, for revapply adopt: the query that gives
 * version, type, name and flag (see struct dbrev_foreign_row) as text,
 * in the order the tool wrote the rows.  Names are unqualified, found on
 * the search_path as each tool finds them (Sqitch's registry is its
 * schema "sqitch").
 */
static const struct {
	const char	*kind;
	const char	*sql;
} foreign_sql[] = {
	{ "dbmate", "SELECT version::text, NULL, NULL, 1 FROM "
	    "schema_migrations ORDER BY version" },
	{ "golang-migrate", "SELECT version::text, NULL, NULL, dirty::int "
	    "FROM schema_migrations" },
	{ "goose", "SELECT version_id::text, NULL, NULL, is_applied::int "
	    "FROM goose_db_version ORDER BY id" },
	{ "flyway", "SELECT version, type, script, success::int FROM "
	    "flyway_schema_history ORDER BY installed_rank" },
	{ "diesel", "SELECT version::text, NULL, NULL, 1 FROM "
	    "__diesel_schema_migrations ORDER BY version" },
	{ "sqitch", "SELECT change, NULL, project, 1 FROM sqitch.changes "
	    "ORDER BY committed_at, change_id" },
	{ "alembic", "SELECT version_num::text, NULL, NULL, 1 FROM "
	    "alembic_version ORDER BY version_num" },
};

static char *
value_or_null(const PGresult *r, int i, int j)
{
	return PQgetisnull(r, i, j) ? NULL : dbrev_xstrdup(PQgetvalue(r, i,
	    j));
}

static int
pg_foreign_read(struct dbrev_conn *c, const char *kind,
    struct dbrev_foreign_row **rows, size_t *nrows, struct dbrev_error *err)
{
	struct dbrev_foreign_row *v;
	PGresult *r;
	size_t i;
	int n, j;

	*rows = NULL;
	*nrows = 0;
	for (i = 0; i < sizeof(foreign_sql) / sizeof(foreign_sql[0]); i++)
		if (strcmp(foreign_sql[i].kind, kind) == 0)
			break;
	if (i == sizeof(foreign_sql) / sizeof(foreign_sql[0]))
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "unknown kind '%s'", kind);
	if (c->in_tx)	/* a missing table would abort the transaction */
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "internal: foreign_read inside a transaction");
	if (flush(c, err) != 0)
		return -1;
	if ((r = PQexec(c->pg, foreign_sql[i].sql)) == NULL)
		return conn_error(c, err, "cannot read the other tool's table");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		/* undefined_table, invalid_schema_name: not there. */
		n = strcmp(sqlstate(r), "42P01") == 0 ||
		    strcmp(sqlstate(r), "3F000") == 0 ? 1 :
		    result_error(c, r, NULL, 0, "cannot read the other "
		    "tool's table", err);
		PQclear(r);
		return n;
	}
	n = PQntuples(r);
	v = dbrev_xcalloc((size_t)n + 1, sizeof(*v));
	for (j = 0; j < n; j++) {
		v[j].version = value_or_null(r, j, 0);
		v[j].type = value_or_null(r, j, 1);
		v[j].name = value_or_null(r, j, 2);
		v[j].flag = !PQgetisnull(r, j, 3) &&
		    strcmp(PQgetvalue(r, j, 3), "0") != 0;
	}
	PQclear(r);
	*rows = v;
	*nrows = (size_t)n;
	return 0;
}

struct pg_conn *
dbrev_pg_conn_pg(struct dbrev_conn *c)
{
	return c->pg;
}

int
dbrev_pg_conn_flush(struct dbrev_conn *c, struct dbrev_error *err)
{
	return batch(c, NULL, err);
}

struct dbrev_pg_fpcache **
dbrev_pg_conn_fpcache(struct dbrev_conn *c)
{
	return &c->fpcache;
}

/*
 * options=-csearch_path=SCHEMA added to a URL, in its own syntax; none
 * when the URL has options already, which could set the path too.
 */
static char *
pg_url_with_schema(const char *url, const char *schema, const char **hint)
{
	struct dbrev_buf b = { 0 };

	if (strstr(url, "options") != NULL) {
		*hint = "set the schema once: schema=NAME, or "
		    "options=-csearch_path%3DNAME in the URL";
		return NULL;
	}
	dbrev_buf_puts(&b, url);
	if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0)
		/* libpq decodes %3D; a bare '=' in a query value it refuses. */
		dbrev_buf_printf(&b, "%coptions=-csearch_path%%3D%s",
		    strchr(url, '?') != NULL ? '&' : '?', schema);
	else
		dbrev_buf_printf(&b, " options='-csearch_path=%s'", schema);
	return dbrev_buf_take(&b);
}

const struct dbrev_driver dbrev_driver_postgres = {
	.name = "postgresql",
	.title = "PostgreSQL",
	.url_example = "postgresql://",
	.url_with_schema = pg_url_with_schema,
	.dialect = DBREV_DIALECT_POSTGRES,
	.load = dbrev_libpq_load,
	.script_preamble = "-- run with: psql -d DATABASE -f FILE\n"
	    "\\set ON_ERROR_STOP on\n",
	.backup = &dbrev_postgres_backup,
	.schema = &dbrev_postgres_schema,
	.lint = &dbrev_lint_postgres,
	.open = pg_open,
	.close = pg_close,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.exec_kept = pg_exec_kept,
	.table_ensure = pg_table_ensure,
	.table_read = pg_table_read,
	.table_insert = pg_table_insert,
	.table_set_state = pg_table_set_state,
	.table_delete = pg_table_delete,
	.script_table_ensure = pg_script_table_ensure,
	.script_insert = pg_script_insert,
	.script_delete = pg_script_delete,
	.script_reset = pg_script_reset,
	.script_sql = pg_script_sql,
	.table_get = pg_table_get,
	.set_notice = pg_set_notice,
	.set_lock_timeout = pg_set_lock_timeout,
	.set_statement_timeouts = pg_set_statement_timeouts,
	.lock_timed_out = pg_lock_timed_out,
	.foreign_read = pg_foreign_read,
	.scratch_create = dbrev_pg_scratch_create,
	.scratch_drop = dbrev_pg_scratch_drop,
	.scratch_fast = dbrev_pg_watch,
	.introspect = dbrev_pg_conn_introspect,
	.diff_options = dbrev_pg_conn_diff_options,
	.diff_sql = dbrev_pg_diff_sql,
	.read_only = dbrev_pg_read_only,
	.fingerprint = dbrev_pg_fingerprint,
};
