/*
 * autogen.c - autogenerate on PostgreSQL: two scratch databases
 * on the dev server, one built from the revisions and one from the
 * schema file, read back from the catalogs, diffed both ways.
 *
 * The scratch databases are named dbrev_tmp_<pid>_<random> and dropped
 * (WITH (FORCE)) on every path once created.  The database DATABASE_URL
 * names is never connected to: its URL only gives the dev server (the
 * same connection with dbname=postgres) when --dev-url is not given.
 * Revisions replay through the PostgreSQL driver, each in its own
 * transaction unless marked "transaction: none", so that an error names
 * the revision's file and line; the schema file loads the same way and
 * its errors name schema.sql:LINE.
 */
#include <sys/random.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "libpq.h"

#include "dbrev/autogen.h"
#include "../driver.h"
#include "dbrev/graph.h"
#include "dbrev/revision.h"
#include "dbrev/schema.h"
#include "schema.h"
#include "dbrev/url.h"
#include "dbrev/util.h"
#include "text.h"
#include "../../autogen_impl.h"
#include "../../signals.h"
#include "hooks.h"
#include "postgres.h"

#define DEV_HINT "pass --dev-url URL naming a PostgreSQL server where " \
	"this role may create databases (CREATEDB), or grant it with " \
	"ALTER ROLE ... CREATEDB"

struct scratch {
	PGconn	*admin;		/* the dev server's maintenance database */
	char	*base;		/* connection string of the dev server */
	char	*names[2];	/* scratch databases created, or NULL */
	char	*safe;		/* dev server URL, password removed */
	char	*ci;		/* connection string of the maintenance db */
};

/*
 * A libpq keyword string for url with dbname replaced (NULL: keep it).
 * Returns NULL with err filled when url does not parse.
 */
static char *
conninfo(const char *url, const char *dbname, struct dbrev_error *err)
{
	PQconninfoOption *opts, *o;
	struct dbrev_buf b = { 0 };
	char *perr = NULL;

	if ((opts = PQconninfoParse(url, &perr)) == NULL) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "write postgresql://user@host:port/dbname or a libpq "
		    "keyword string", "invalid PostgreSQL URL for the scratch "
		    "server");
		PQfreemem(perr);
		return NULL;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || *o->val == '\0')
			continue;
		if (dbname != NULL && strcmp(o->keyword, "dbname") == 0)
			continue;
		dbrev_pg_quote_conninfo(&b, o->keyword, o->val);
	}
	if (dbname != NULL)
		dbrev_pg_quote_conninfo(&b, "dbname", dbname);
	if (strstr(b.data ? b.data : "", "application_name=") == NULL)
		dbrev_pg_quote_conninfo(&b, "application_name", "revgen");
	PQconninfoFree(opts);
	return dbrev_buf_take(&b);
}

/* The server's message, one line, password scrubbed. */
static char *
pg_message(const char *url, const char *m)
{
	char *s = dbrev_xstrdup(m != NULL ? m : "unknown error");
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	dbrev_url_scrub(url, s);
	return s;
}

static void
quiet_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static PGconn *
connect_to(const char *ci, const char *url, const char *what,
    struct dbrev_error *err)
{
	PGconn *c = PQconnectdb(ci);
	char *m, *safe;

	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		m = pg_message(url, c != NULL ? PQerrorMessage(c) :
		    "out of memory");
		safe = dbrev_url_redact(url);
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "pass --dev-url URL naming a PostgreSQL server for "
		    "scratch databases", "cannot connect to %s (%s): %s", what,
		    safe, m);
		free(safe);
		free(m);
		PQfinish(c);
		return NULL;
	}
	/* The library never prints: not even libpq's notices. */
	PQsetNoticeProcessor(c, quiet_notices, NULL);
	return c;
}

/* Connect to the dev server and check the role may create databases. */
static int
scratch_open(struct scratch *sc, const struct dbrev_autogen_options *opts,
    struct dbrev_error *err)
{
	const char *url = opts->dev_url != NULL && *opts->dev_url != '\0' ?
	    opts->dev_url : opts->url;
	PGresult *r;
	char *ci;
	int ok;

	memset(sc, 0, sizeof(*sc));
	/* The dev server's maintenance database, never DATABASE_URL's. */
	ci = conninfo(url, opts->dev_url != NULL && *opts->dev_url != '\0' ?
	    NULL : "postgres", err);
	if (ci == NULL)
		return -1;
	sc->base = dbrev_xstrdup(url);
	sc->safe = dbrev_url_redact(url);
	sc->admin = connect_to(ci, url, "the scratch server", err);
	sc->ci = ci;
	if (sc->admin == NULL)
		return -1;
	/* DROP DATABASE ... WITH (FORCE) came in 13. */
	if (PQserverVersion(sc->admin) < 130000)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "pass --dev-url URL naming a PostgreSQL 13 or later server",
		    "the scratch server %s runs PostgreSQL %d, autogenerate "
		    "needs 13 or later", sc->safe,
		    PQserverVersion(sc->admin) / 10000);
	r = PQexec(sc->admin, "SELECT rolcreatedb OR rolsuper, current_user "
	    "FROM pg_roles WHERE rolname = current_user");
	ok = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) == 1;
	if (ok && PQgetvalue(r, 0, 0)[0] != 't') {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, DEV_HINT,
		    "role \"%s\" may not create databases on %s, and "
		    "autogenerate needs two scratch databases there",
		    PQgetvalue(r, 0, 1), sc->safe);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

static int
create_error(struct scratch *sc, PGresult *r, struct dbrev_error *err)
{
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char *msg = pg_message(sc->base, r ? PQresultErrorMessage(r) :
	    PQerrorMessage(sc->admin));

	if (st != NULL && strcmp(st, "42501") == 0)
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, DEV_HINT,
		    "cannot create a scratch database on %s: %s", sc->safe,
		    msg);
	else
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "pass --dev-url URL naming another server",
		    "cannot create a scratch database on %s: %s", sc->safe,
		    msg);
	free(msg);
	return -1;
}

/*
 * Create the two scratch databases, side by side on two connections:
 * copying template0 is most of what a CREATE DATABASE costs.
 */
static int
scratch_create(struct scratch *sc, struct dbrev_error *err)
{
	PGconn *c[2];
	char name[2][64], sql[160];
	int i, sent[2] = { 0, 0 }, rc = 0;

	c[0] = sc->admin;
	c[1] = PQconnectdb(sc->ci);
	if (c[1] == NULL || PQstatus(c[1]) != CONNECTION_OK) {
		PQfinish(c[1]);
		c[1] = NULL;
	} else
		PQsetNoticeProcessor(c[1], quiet_notices, NULL);
	for (i = 0; i < 2; i++) {
		unsigned char rnd[4];

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
			unsigned v = (unsigned)dbrev_now_ms() * 2654435761u +
			    (unsigned)i;

			memcpy(rnd, &v, sizeof(rnd));
		}
		snprintf(name[i], sizeof(name[i]),
		    "dbrev_tmp_%ld_%02x%02x%02x%02x", (long)getpid(), rnd[0],
		    rnd[1], rnd[2], rnd[3]);
	}
	for (i = 0; i < 2; i++) {
		PGconn *on = c[i] != NULL ? c[i] : c[0];
		PGresult *r;

		/* template0: nothing a site added to template1 shows up. */
		snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\" TEMPLATE "
		    "template0", name[i]);
		if (c[i] == NULL) {
			/* No second connection: one after the other. */
			while ((r = PQgetResult(c[0])) != NULL) {
				if (PQresultStatus(r) == PGRES_COMMAND_OK)
					sc->names[0] = dbrev_xstrdup(name[0]);
				else if (rc == 0)
					rc = create_error(sc, r, err);
				PQclear(r);
			}
			sent[0] = 0;
		}
		sent[i] = PQsendQuery(on, sql);
		if (!sent[i] && rc == 0) {
			rc = create_error(sc, NULL, err);
		}
	}
	for (i = 0; i < 2; i++) {
		PGconn *on = c[i] != NULL ? c[i] : c[0];
		PGresult *r;

		if (!sent[i])
			continue;
		while ((r = PQgetResult(on)) != NULL) {
			if (PQresultStatus(r) == PGRES_COMMAND_OK)
				sc->names[i] = dbrev_xstrdup(name[i]);
			else if (rc == 0)
				rc = create_error(sc, r, err);
			PQclear(r);
		}
	}
	PQfinish(c[1]);
	return rc;
}

/*
 * DROP DATABASE name on admin, reconnecting when the connection was
 * lost and trying again while sessions that WITH (FORCE) ended are
 * still exiting (object_in_use), for ten seconds (each try may wait up
 * to five in the server).  A role that
 * is not a superuser may not end an autovacuum worker that is in the
 * database (insufficient_privilege): then once without FORCE, which
 * cancels it and waits for sessions to end.  Errors cannot be reported
 * better than by leaving the database.
 */
static void
drop_database(PGconn *admin, const char *name)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	char sql[160];
	PGresult *r;
	const char *state;
	double deadline = dbrev_now_ms() + 10000;
	int retry, force = 1;

	while (admin != NULL && dbrev_now_ms() < deadline) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\"%s",
		    name, force ? " WITH (FORCE)" : "");
		if (PQstatus(admin) != CONNECTION_OK)
			PQreset(admin);
		r = PQexec(admin, sql);
		state = r != NULL && PQresultStatus(r) == PGRES_FATAL_ERROR ?
		    PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
		retry = PQstatus(admin) != CONNECTION_OK || (state != NULL &&
		    force && (strcmp(state, "55006") == 0 ||
		    strcmp(state, "42501") == 0));
		if (state != NULL && strcmp(state, "42501") == 0)
			force = 0;
		PQclear(r);
		if (!retry)
			return;
		nanosleep(&pause, NULL);
	}
}

/* Drop what was created. */
static void
scratch_close(struct scratch *sc)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (sc->names[i] == NULL)
			continue;
		drop_database(sc->admin, sc->names[i]);
		free(sc->names[i]);
		sc->names[i] = NULL;
	}
	PQfinish(sc->admin);
	sc->admin = NULL;
	free(sc->base);
	free(sc->safe);
	free(sc->ci);
	sc->base = sc->safe = sc->ci = NULL;
}

/* Errors in the revisions or the schema file are input errors. */
static void
as_input(struct dbrev_error *err)
{
	struct dbrev_error *e;

	for (e = err; e != NULL; e = e->next)
		if (e->kind != DBREV_ERR_NONE)
			e->kind = DBREV_ERR_INPUT;
}

/*
 * Signals that end a tool (^C, kill, hangup) are held while scratch
 * databases exist, so that they are dropped first: the pipeline looks
 * for one pending between steps, stops, cleans up and restores the
 * mask, and the signal then takes its usual course.
 */
static int
interrupted(const sigset_t *old, struct dbrev_error *err)
{
	int sig = dbrev_signals_pending(old);

	if (sig == 0)
		return 0;
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL, "interrupted "
	    "(%s); the scratch databases were dropped", strsignal(sig));
	return 1;
}

/* Replay every revision's upgrade, in apply order, repeatables last. */
static int
replay(struct dbrev_db *db, const char *dir, const sigset_t *old,
    struct dbrev_error *err)
{
	const struct dbrev_driver *d = db->driver;
	struct dbrev_graph *g = NULL;
	struct dbrev_error e2 = { 0 };
	size_t i, n;

	if (dbrev_graph_load(dir, 0, &g, err) == -1)
		return -1;
	n = dbrev_graph_count(g);
	for (i = 0; i < n + dbrev_graph_nrepeatable(g); i++) {
		const struct dbrev_revision *r = i < n ? dbrev_graph_at(g, i) :
		    dbrev_graph_repeatable(g, i - n);
		int rc;

		if (interrupted(old, err))
			goto fail;
		if (r->upgrade == NULL)
			continue;
		if (r->transactional && d->begin(db->conn, err) == -1)
			goto fail;
		rc = d->exec(db->conn, r->upgrade, r->path, r->upgrade_line,
		    err);
		if (rc == -1) {
			as_input(err);
			dbrev_error_hint(err, "fix the revision so that it "
			    "applies to the schema its parents build");
			if (r->transactional)
				(void)d->rollback(db->conn, &e2);
			dbrev_error_clear(&e2);
			goto fail;
		}
		if (r->transactional && d->commit(db->conn, err) == -1)
			goto fail;
	}
	dbrev_graph_free(g);
	return 0;
fail:
	dbrev_graph_free(g);
	return -1;
}

/*
 * Does the text hold a statement that cannot run inside a transaction
 * block (or that manages transactions itself)?  A guess on words: a
 * false yes only costs speed.
 */
static int
needs_autocommit(const char *text)
{
	static const char *const words[] = { "concurrently", "add value",
	    "vacuum", "begin", "commit", "rollback", "start transaction",
	    "system", "database", "tablespace" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(text, words[i]) != NULL)
			return 1;
	return 0;
}

/* ------------------------------------------------ psql meta-commands */

static int
ident_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Past the quoted text that opens at p (q the quote; bs: E'' escapes). */
static char *
skip_quote(char *p, char q, int bs)
{
	for (p++; *p != '\0'; p++) {
		if (bs && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == q) {
			if (p[1] != q)
				return p + 1;
			p++;
		}
	}
	return p;
}

/* Past the dollar quote that opens at p, or p itself when none does. */
static char *
skip_dollar(char *p)
{
	char *t = p + 1, *close;
	size_t n;

	if (*t != '$') {
		if (!isalpha((unsigned char)*t) && *t != '_' &&
		    (unsigned char)*t < 0x80)
			return p;
		while (ident_char((unsigned char)*t) && *t != '$')
			t++;
		if (*t != '$')
			return p;
	}
	n = (size_t)(t - p + 1);
	for (close = t + 1; *close != '\0'; close++)
		if (*close == '$' && strncmp(close, p, n) == 0)
			return close + n;
	return close;
}

unsigned
dbrev_pg_strip_meta(char *text, char *cmd, size_t size)
{
	char *p = text, *e;
	unsigned line = 1;
	size_t n;

	while (*p != '\0') {
		char *q = p;

		if (*p == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (*p == '/' && p[1] == '*') {
			int depth = 1;

			for (p += 2; *p != '\0' && depth > 0; p++)
				if (*p == '/' && p[1] == '*')
					depth++, p++;
				else if (*p == '*' && p[1] == '/')
					depth--, p++;
		} else if (*p == '\'' || *p == '"')
			p = skip_quote(p, *p, 0);
		else if ((*p == 'e' || *p == 'E') && p[1] == '\'' &&
		    (p == text || !ident_char((unsigned char)p[-1])))
			p = skip_quote(p + 1, '\'', 1);
		else if (*p == '$' && (p == text ||
		    !ident_char((unsigned char)p[-1])) && skip_dollar(p) != p)
			p = skip_dollar(p);
		else if (*p == '\\') {
			for (e = p + 1; *e != '\0' && !isspace((unsigned char)*e);
			    e++)
				;
			n = (size_t)(e - p - 1);
			if ((n == 8 && strncmp(p + 1, "restrict", 8) == 0) ||
			    (n == 10 && strncmp(p + 1, "unrestrict", 10) == 0)) {
				while (*p != '\0' && *p != '\n')
					*p++ = ' ';
			} else {
				if (size > 0)
					snprintf(cmd, size, "%.*s", (int)n,
					    p + 1);
				return line;
			}
		} else
			p++;
		for (; q < p; q++)
			if (*q == '\n')
				line++;
	}
	return 0;
}

/*
 * Load the schema file as psql would: statement by statement, each
 * committed; in one transaction (one round trip) when nothing in it
 * needs otherwise.
 */
static int
load_schema(struct dbrev_db *db, const char *path, char *text,
    struct dbrev_error *err)
{
	const struct dbrev_driver *d = db->driver;
	struct dbrev_error e2 = { 0 };
	char cmd[64];
	unsigned line;
	int tx;

	/* A pg_dump is a schema file: its \restrict pair goes. */
	if ((line = dbrev_pg_strip_meta(text, cmd, sizeof(cmd))) != 0)
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
		    "remove it: the schema file is loaded as SQL, without "
		    "psql (pg_dump's \\restrict and \\unrestrict are "
		    "understood)", "psql meta-command \\%s is not supported "
		    "in a schema file", cmd);
	tx = !needs_autocommit(text);
	if (tx && d->begin(db->conn, err) == -1)
		return -1;
	if (d->exec(db->conn, text, path, 1, err) == -1) {
		as_input(err);
		dbrev_error_hint(err, "fix the schema file so that psql can "
		    "load it into an empty database");
		if (tx)
			(void)d->rollback(db->conn, &e2);
		dbrev_error_clear(&e2);
		return -1;
	}
	return tx ? d->commit(db->conn, err) : 0;
}

/* ------------------------------------------------ rename hints */

/* The table a hint names: qualified as given, else public, else unique. */
static const struct dbrev_table *
hint_table(const struct dbrev_schema *s, const char *name)
{
	const struct dbrev_table *t = NULL;
	char q[1024];
	size_t i;

	if (strchr(name, '.') != NULL)
		return dbrev_schema_table(s, name);
	snprintf(q, sizeof(q), "public.%s", name);
	if ((t = dbrev_schema_table(s, q)) != NULL)
		return t;
	for (i = 0; i < s->ntables; i++)
		if (strcmp(s->tables[i]->name, name) == 0)
			return s->tables[i];
	return NULL;
}

static int
run_on(PGconn *c, const char *url, const char *sql, struct dbrev_error *err)
{
	PGresult *r = PQexec(c, sql);
	char *m;

	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		m = pg_message(url, r ? PQresultErrorMessage(r) :
		    PQerrorMessage(c));
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "%s: %s", sql, m);
		free(m);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/*
 * A renamed table's serial sequences keep their old names
 * (people_id_seq); when the schema file's table has them under the new
 * name, rename them too rather than drop and create them, which would
 * restart the numbering under rows that exist.
 */
static int
rename_sequences(PGconn *bc, const char *url, struct dbrev_schema **built,
    const struct dbrev_schema *wanted, const char *schema, const char *from,
    const char *to, struct dbrev_buf *up, char ***downs, size_t *nd,
    struct dbrev_error *err)
{
	const struct dbrev_table *t;
	struct dbrev_buf sql = { 0 }, rev = { 0 };
	char q[1024], oldn[512], newn[512], id[600];
	size_t i;
	int any = 0, rc = -1;

	snprintf(q, sizeof(q), "%s.%s", schema, to);
	if ((t = dbrev_schema_table(*built, q)) == NULL)
		return 0;
	for (i = 0; i < t->ncolumns; i++) {
		const struct dbrev_object *o;

		if (snprintf(oldn, sizeof(oldn), "%s.%s_%s_seq", schema, from,
		    t->columns[i].name) >= (int)sizeof(oldn) ||
		    snprintf(newn, sizeof(newn), "%s.%s_%s_seq", schema, to,
		    t->columns[i].name) >= (int)sizeof(newn))
			continue;
		o = dbrev_schema_object(*built, DBREV_OBJ_SEQUENCE, oldn);
		if (o == NULL || dbrev_schema_object(*built,
		    DBREV_OBJ_SEQUENCE, newn) != NULL ||
		    dbrev_schema_object(wanted, DBREV_OBJ_SEQUENCE, newn) ==
		    NULL || dbrev_schema_object(wanted, DBREV_OBJ_SEQUENCE,
		    oldn) != NULL)
			continue;
		dbrev_buf_reset(&sql);
		dbrev_buf_reset(&rev);
		dbrev_buf_puts(&sql, "ALTER SEQUENCE ");
		dbrev_pg_qident(&sql, schema, o->name);
		dbrev_buf_printf(&sql, " RENAME TO %s;\n", dbrev_pg_ident(
		    strchr(newn, '.') + 1, id, sizeof(id)));
		dbrev_buf_puts(&rev, "ALTER SEQUENCE ");
		dbrev_pg_qident(&rev, schema, strchr(newn, '.') + 1);
		dbrev_buf_printf(&rev, " RENAME TO %s;\n", dbrev_pg_ident(
		    o->name, id, sizeof(id)));
		if (run_on(bc, url, sql.data, err) == -1)
			goto out;
		dbrev_buf_puts(up, sql.data);
		dbrev_strv_add(downs, nd, rev.data);
		any = 1;
	}
	if (any) {
		dbrev_schema_free(*built);
		*built = NULL;
		if (dbrev_postgres_introspect(bc, built, err) == -1)
			goto out;
	}
	rc = 0;
out:
	dbrev_buf_free(&sql);
	dbrev_buf_free(&rev);
	return rc;
}

static int
apply_hints(PGconn *bc, const char *url, struct dbrev_schema **built,
    const struct dbrev_schema *wanted, const struct dbrev_rename *hs,
    size_t nh, struct dbrev_buf *up, struct dbrev_buf *down,
    struct dbrev_autogen_result *res, struct dbrev_error *err)
{
	struct dbrev_buf sql = { 0 }, rev = { 0 };
	char **downs = NULL, line[1024], q[600], bschema[256], bname[256];
	size_t i, k, nd = 0;
	int pass, rc = -1;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nh; i++) {
			const struct dbrev_rename *h = &hs[i];
			const struct dbrev_table *bt, *wt;
			int fits = 0;

			if (h->is_table != (pass == 0))
				continue;
			if (h->is_table) {
				bt = hint_table(*built, h->from);
				wt = hint_table(wanted, h->to);
				fits = bt != NULL && wt != NULL &&
				    hint_table(*built, h->to) == NULL &&
				    hint_table(wanted, h->from) == NULL &&
				    strcmp(bt->schema, wt->schema) == 0;
			} else {
				const char *tn = h->table;
				size_t k2;

				/* The table may be named by its old name. */
				if (hint_table(wanted, tn) == NULL)
					for (k2 = 0; k2 < nh; k2++)
						if (hs[k2].is_table && strcmp(
						    hs[k2].from, tn) == 0)
							tn = hs[k2].to;
				bt = hint_table(*built, tn);
				wt = hint_table(wanted, tn);
				fits = bt != NULL && wt != NULL &&
				    dbrev_table_column(bt, h->from) != NULL &&
				    dbrev_table_column(bt, h->to) == NULL &&
				    dbrev_table_column(wt, h->to) != NULL &&
				    dbrev_table_column(wt, h->from) == NULL;
			}
			if (!fits) {
				dbrev_autogen_unmatched(res, h, h->table);
				continue;
			}
			dbrev_buf_reset(&sql);
			dbrev_buf_reset(&rev);
			dbrev_buf_puts(&sql, "ALTER TABLE ");
			if (h->is_table) {
				dbrev_pg_qident(&sql, bt->schema, bt->name);
				dbrev_buf_printf(&sql, " RENAME TO %s;\n",
				    dbrev_pg_ident(wt->name, q, sizeof(q)));
				dbrev_buf_puts(&rev, "ALTER TABLE ");
				dbrev_pg_qident(&rev, wt->schema, wt->name);
				dbrev_buf_printf(&rev, " RENAME TO %s;\n",
				    dbrev_pg_ident(bt->name, q, sizeof(q)));
				snprintf(line, sizeof(line), "rename table "
				    "%s.%s to %s", bt->schema, bt->name,
				    wt->name);
			} else {
				dbrev_pg_qident(&sql, bt->schema, bt->name);
				dbrev_buf_printf(&sql, " RENAME COLUMN %s",
				    dbrev_pg_ident(h->from, q, sizeof(q)));
				dbrev_buf_printf(&sql, " TO %s;\n",
				    dbrev_pg_ident(h->to, q, sizeof(q)));
				dbrev_buf_puts(&rev, "ALTER TABLE ");
				dbrev_pg_qident(&rev, wt->schema, wt->name);
				dbrev_buf_printf(&rev, " RENAME COLUMN %s",
				    dbrev_pg_ident(h->to, q, sizeof(q)));
				dbrev_buf_printf(&rev, " TO %s;\n",
				    dbrev_pg_ident(h->from, q, sizeof(q)));
				snprintf(line, sizeof(line), "rename column "
				    "%s.%s.%s to %s", bt->schema, bt->name,
				    h->from, h->to);
			}
			if (run_on(bc, url, sql.data, err) == -1) {
				dbrev_error_hint(err, "check the rename hint "
				    "\"%s\"", line);
				goto out;
			}
			dbrev_buf_printf(up, "-- %s\n%s", line, sql.data);
			dbrev_strv_add(&downs, &nd, rev.data);
			dbrev_strv_add(&res->differences, &res->ndifferences,
			    line);
			/* Later hints see the renamed schema (bt goes). */
			snprintf(bschema, sizeof(bschema), "%s", bt->schema);
			snprintf(bname, sizeof(bname), "%s", bt->name);
			dbrev_schema_free(*built);
			*built = NULL;
			if (dbrev_postgres_introspect(bc, built, err) == -1)
				goto out;
			if (h->is_table && rename_sequences(bc, url, built,
			    wanted, bschema, bname, wt->name, up, &downs,
			    &nd, err) == -1)
				goto out;
		}
	/* The downgrade renames back, last first. */
	for (k = nd; k > 0; k--)
		dbrev_buf_puts(down, downs[k - 1]);
	rc = 0;
out:
	for (k = 0; k < nd; k++)
		free(downs[k]);
	free(downs);
	dbrev_buf_free(&sql);
	dbrev_buf_free(&rev);
	return rc;
}

/* ------------------------------------------------ the pipeline */

static int
in_strv(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* Unmodelled objects on one side only: differences written by hand. */
static void
unmodelled_presence(const struct dbrev_schema *built,
    const struct dbrev_schema *wanted, struct dbrev_autogen_result *res,
    struct dbrev_buf *sql)
{
	struct dbrev_buf b = { 0 };
	size_t i;
	int side;

	for (side = 0; side < 2; side++) {
		const struct dbrev_schema *a = side ? built : wanted;
		const struct dbrev_schema *o = side ? wanted : built;

		for (i = 0; i < a->nunmodelled; i++) {
			const char *u = a->unmodelled[i], *e;

			if (in_strv(o->unmodelled, o->nunmodelled, u))
				continue;
			/* "rule r on public.t is not compared: ..." */
			e = strstr(u, " is not ");
			dbrev_buf_reset(&b);
			dbrev_buf_printf(&b, "%.*s: only in %s; write a revision "
			    "for it by hand", e ? (int)(e - u) : (int)strlen(u),
			    u, side ? "what the revisions build" :
			    "the schema file");
			dbrev_strv_add(&res->differences, &res->ndifferences,
			    b.data);
			dbrev_strv_add(&res->warnings, &res->nwarnings, b.data);
			dbrev_buf_printf(sql, "-- WARNING: %s\n", b.data);
		}
	}
	dbrev_buf_free(&b);
}

/* ------------------------------------------------ the self-check */

/* What the emitter writes of what it leaves to people. */
#define HAND "needs a hand-written revision"

/* A warning about one direction: on stderr and atop its SQL. */
static void
check_warn(struct dbrev_autogen_result *res, char **sql, const char *line)
{
	struct dbrev_buf b = { 0 };

	dbrev_strv_add(&res->warnings, &res->nwarnings, line);
	dbrev_buf_printf(&b, "-- WARNING: %s\n%s", line, *sql);
	free(*sql);
	*sql = dbrev_buf_take(&b);
}

/* Run one direction as revapply would; 0, or -1 with a warning. */
static int
check_run(struct dbrev_db *db, char **sql, int transactional,
    const char *what, struct dbrev_autogen_result *res)
{
	const struct dbrev_driver *d = db->driver;
	struct dbrev_error e = { 0 }, e2 = { 0 };
	struct dbrev_buf w = { 0 };

	if ((!transactional || d->begin(db->conn, &e) == 0) &&
	    d->exec(db->conn, *sql, what, 1, &e) == 0 &&
	    (!transactional || d->commit(db->conn, &e) == 0))
		return 0;
	if (transactional)
		(void)d->rollback(db->conn, &e2);
	dbrev_buf_printf(&w, "self-check: the %s fails on a scratch database "
	    "built by the revisions", what);
	if (e.line > 0)
		dbrev_buf_printf(&w, ", at line %u of the %s", e.line, what);
	dbrev_buf_printf(&w, ": %s; fix the revision before applying it",
	    e.message != NULL ? e.message : "unknown error");
	check_warn(res, sql, w.data);
	dbrev_buf_free(&w);
	dbrev_error_clear(&e);
	dbrev_error_clear(&e2);
	return -1;
}

/* Does the scratch database now read as `want`?  If not, a warning. */
static int
check_schema(PGconn *c, const struct dbrev_schema *want, char **sql,
    const char *what, const char *wanted_name,
    struct dbrev_autogen_result *res)
{
	struct dbrev_schema *got = NULL;
	struct dbrev_diff d = { 0 };
	struct dbrev_diff_options o;
	struct dbrev_error e = { 0 };
	struct dbrev_buf w = { 0 };
	size_t i;
	int rc;

	dbrev_postgres_diff_options(&o, PQserverVersion(c));
	if (dbrev_postgres_introspect(c, &got, &e) == -1 ||
	    dbrev_schema_diff(got, want, &o, &d, &e) == -1) {
		dbrev_error_clear(&e);
		dbrev_schema_free(got);
		return -1;
	}
	for (i = 0; i < d.nchanges && d.changes[i].description == NULL; i++)
		;
	if (d.nchanges > 0) {
		dbrev_buf_printf(&w, "self-check: after the %s a scratch "
		    "database is not %s (%s); fix the revision before "
		    "applying it", what, wanted_name, i < d.nchanges ?
		    d.changes[i].description : "an object that depends on "
		    "another");
		check_warn(res, sql, w.data);
		dbrev_buf_free(&w);
	}
	rc = d.nchanges > 0 ? -1 : 0;
	dbrev_diff_free(&d);
	dbrev_schema_free(got);
	return rc;
}

/*
 * Run what was written on the scratch database of the revisions (its
 * renames undone first): the upgrade must give the schema file's
 * schema, the downgrade the revisions' one again.  A failure is a
 * warning, said on stderr and in the revision, which is still written
 * to be fixed by hand.
 */
static void
self_check(struct dbrev_db *db, PGconn *c, const char *undo,
    const struct dbrev_schema *built, const struct dbrev_schema *wanted,
    struct dbrev_autogen_result *res)
{
	char *u = dbrev_xstrdup(undo != NULL ? undo : "");

	if (*u != '\0' && check_run(db, &u, 1, "renaming back", res) == -1) {
		free(u);
		return;
	}
	free(u);
	/* What is left to a hand-written revision is already said. */
	if (check_run(db, &res->upgrade, res->transactional, "upgrade",
	    res) == -1 || (strstr(res->upgrade, HAND) == NULL &&
	    check_schema(c, wanted, &res->upgrade, "upgrade",
	    "the schema file's", res) == -1))
		return;
	if (check_run(db, &res->downgrade, res->transactional, "downgrade",
	    res) == -1 || strstr(res->downgrade, HAND) != NULL)
		return;
	(void)check_schema(c, built, &res->downgrade, "downgrade",
	    "the revisions' again", res);
}

/*
 * The schema group's autogenerate (autogen_impl.h) on PostgreSQL: on the scratch server (opts->dev_url,
 * default the server of opts->url with dbname=postgres) create two
 * temporary databases named dbrev_tmp_<pid>_<random>, replay the
 * revisions into one, load the schema file into the other, apply the
 * rename hints to the first, introspect, diff and emit both directions
 * into *res.  Both databases are dropped on every path.  The database
 * opts->url names is never opened.  A role that may not create
 * databases gets an error naming --dev-url.  SIGINT, SIGTERM and SIGHUP
 * are held (blocked) meanwhile and looked for between steps: one that
 * arrives stops the work, the databases are dropped, the caller's mask
 * is restored and the signal then takes its course.
 */
static int
pg_autogen(const struct dbrev_autogen_options *opts, char *text,
    const struct dbrev_rename *renames, size_t nrenames,
    struct dbrev_autogen_result *res, struct dbrev_error *err)
{
	struct scratch sc;
	struct dbrev_schema *built = NULL, *wanted = NULL, *built0 = NULL;
	struct dbrev_diff dup = { 0 }, ddown = { 0 };
	struct dbrev_diff_options dopts;
	struct dbrev_buf up = { 0 }, down = { 0 };
	struct dbrev_buf rup = { 0 }, rdown = { 0 }, hand = { 0 };
	struct dbrev_db *bdb = NULL, *wdb = NULL;
	PGconn *bc = NULL, *wc = NULL;
	char *ci[2] = { NULL, NULL }, **dw = NULL;
	size_t i, ndw = 0;
	sigset_t oldmask;
	int t_up = 1, t_down = 1, rc = -1, held = 0;

	memset(&sc, 0, sizeof(sc));
	if (opts->url == NULL || *opts->url == '\0') {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "set DATABASE_URL or pass -u URL", "no PostgreSQL URL");
		goto out;
	}
	dbrev_signals_hold(&oldmask);
	held = 1;
	if (scratch_open(&sc, opts, err) == -1 ||
	    scratch_create(&sc, err) == -1 || interrupted(&oldmask, err))
		goto out;
	for (i = 0; i < 2; i++)
		if ((ci[i] = conninfo(sc.base, sc.names[i], err)) == NULL)
			goto out;
	if (dbrev_db_open(ci[0], &bdb, err) == -1 ||
	    dbrev_db_open(ci[1], &wdb, err) == -1)
		goto out;
	if (bdb->driver->set_notice != NULL) {
		bdb->driver->set_notice(bdb->conn, quiet_notices, NULL);
		wdb->driver->set_notice(wdb->conn, quiet_notices, NULL);
	}
	if (replay(bdb, opts->dir, &oldmask, err) == -1 ||
	    interrupted(&oldmask, err))
		goto out;
	if (load_schema(wdb, opts->schema_path, text, err) == -1)
		goto out;
	/* The revisions' database stays open for the self-check. */
	dbrev_db_close(wdb);
	wdb = NULL;
	if ((bc = connect_to(ci[0], sc.base, "a scratch database", err)) ==
	    NULL || (wc = connect_to(ci[1], sc.base, "a scratch database",
	    err)) == NULL)
		goto out;
	if (interrupted(&oldmask, err) ||
	    dbrev_postgres_introspect(bc, &built, err) == -1 ||
	    dbrev_postgres_introspect(wc, &wanted, err) == -1 ||
	    interrupted(&oldmask, err))
		goto out;
	/* Before the renames, for the self-check of the downgrade. */
	if (nrenames > 0 && dbrev_postgres_introspect(bc, &built0, err) == -1)
		goto out;
	if (apply_hints(bc, sc.base, &built, wanted, renames, nrenames, &rup,
	    &rdown, res, err) == -1)
		goto out;

	dbrev_postgres_diff_options(&dopts, PQserverVersion(bc));
	if (dbrev_schema_diff(built, wanted, &dopts, &dup, err) == -1 ||
	    dbrev_schema_diff(wanted, built, &dopts, &ddown, err) == -1)
		goto out;
	for (i = 0; i < dup.nchanges; i++)
		if (dup.changes[i].description != NULL)
			dbrev_strv_add(&res->differences, &res->ndifferences,
			    dup.changes[i].description);
	/*
	 * What the model does not compare still counts when it is on one
	 * side only: a difference to write by hand, not a silent "no
	 * changes".
	 */
	unmodelled_presence(built, wanted, res, &hand);
	if (res->ndifferences > 0) {
		for (i = 0; i < wanted->nunmodelled; i++) {
			dbrev_strv_add(&res->warnings, &res->nwarnings,
			    wanted->unmodelled[i]);
			dbrev_buf_printf(&up, "-- NOTE: %s\n",
			    wanted->unmodelled[i]);
		}
		dbrev_buf_puts(&up, hand.data ? hand.data : "");
		dbrev_buf_puts(&up, rup.data ? rup.data : "");
		dbrev_postgres_emit(&dup, PQserverVersion(bc), &up, &t_up,
		    &res->warnings,
		    &res->nwarnings);
		dbrev_postgres_emit(&ddown, PQserverVersion(bc), &down,
		    &t_down, &dw, &ndw);
		dbrev_buf_puts(&down, rdown.data ? rdown.data : "");
		/* What the downgrade cannot do or converts: said now. */
		for (i = 0; i < ndw; i++)
			if (strstr(dw[i], "hand-written") != NULL ||
			    strncmp(dw[i], "converts data: ", 15) == 0) {
				struct dbrev_buf w = { 0 };

				dbrev_buf_printf(&w, "downgrade: %s", dw[i]);
				dbrev_strv_add(&res->warnings, &res->nwarnings,
				    w.data);
				dbrev_buf_free(&w);
			}
		res->transactional = t_up && t_down;
	}
	res->upgrade = dbrev_buf_take(&up);
	res->downgrade = dbrev_buf_take(&down);
	if (res->upgrade == NULL)
		res->upgrade = dbrev_xstrdup("");
	if (res->downgrade == NULL)
		res->downgrade = dbrev_xstrdup("");
	if (res->ndifferences > 0 && !interrupted(&oldmask, err))
		self_check(bdb, bc, rdown.data, built0 != NULL ? built0 : built,
		    wanted, res);
	if (interrupted(&oldmask, err))
		goto out;
	rc = 0;
out:
	dbrev_db_close(bdb);
	dbrev_db_close(wdb);
	PQfinish(bc);
	PQfinish(wc);
	scratch_close(&sc);
	/* A signal held meanwhile is delivered now. */
	if (held)
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
	dbrev_diff_free(&dup);
	dbrev_diff_free(&ddown);
	dbrev_schema_free(built);
	dbrev_schema_free(built0);
	dbrev_schema_free(wanted);
	for (i = 0; i < ndw; i++)
		free(dw[i]);
	free(dw);
	free(ci[0]);
	free(ci[1]);
	dbrev_buf_free(&up);
	dbrev_buf_free(&down);
	dbrev_buf_free(&rup);
	dbrev_buf_free(&rdown);
	dbrev_buf_free(&hand);
	return rc;
}

/*
 * The driver's scratch_create (stairway test, drift): one database
 * dbrev_tmp_<pid>_<random> from template0 on the dev server, as
 * autogenerate makes its two.  s->admin keeps the connection to the
 * maintenance database open for scratch_drop, so that the drop never
 * waits for a free connection slot.
 */
int
dbrev_pg_scratch_create(const char *url, const char *dev_url,
    struct dbrev_scratch *s, struct dbrev_error *err)
{
	struct dbrev_autogen_options o;
	struct scratch sc;
	unsigned char rnd[4];
	char name[64], sql[160];
	PGresult *r;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.dev_url = dev_url;
	s->driver = &dbrev_driver_postgres;
	if (scratch_open(&sc, &o, err) == -1)
		goto out;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		unsigned v = (unsigned)dbrev_now_ms() * 2654435761u;

		memcpy(rnd, &v, sizeof(rnd));
	}
	snprintf(name, sizeof(name), "dbrev_tmp_%ld_%02x%02x%02x%02x",
	    (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3]);
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\" TEMPLATE template0",
	    name);
	r = PQexec(sc.admin, sql);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		create_error(&sc, r, err);
		PQclear(r);
		goto out;
	}
	PQclear(r);
	s->name = dbrev_xstrdup(name);
	s->admin = sc.admin;
	sc.admin = NULL;
	/* Thrown away after: commits need not wait for the disk. */
	snprintf(sql, sizeof(sql), "ALTER DATABASE \"%s\" SET "
	    "synchronous_commit = off", name);
	PQclear(PQexec(s->admin, sql));
	if ((s->url = conninfo(sc.base, name, err)) == NULL)
		goto out;
	rc = 0;
out:
	/* scratch_close drops only what sc.names lists: nothing. */
	scratch_close(&sc);
	if (rc == -1)
		dbrev_pg_scratch_drop(s);
	return rc;
}

void
dbrev_pg_scratch_drop(struct dbrev_scratch *s)
{
	if (s->name != NULL)
		drop_database(s->admin, s->name);
	PQfinish(s->admin);
	free(s->url);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

const struct dbrev_schema_ops dbrev_postgres_schema = {
	.autogen = pg_autogen,
};
