/*
 * driver.c - the SQLite driver (libsqlite3).
 *
 * Runners serialise on an exclusive flock(2) on the database file for
 * the whole run (it dies with the process) and write in BEGIN IMMEDIATE
 * transactions with a busy timeout, which also keeps out writers that
 * are not dbrev.  Scripts run one statement at a time so that an error
 * names the line of the failing statement.  The journal mode and other
 * settings are left as the user set them.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../driver.h"
#include "sqlite.h"
#include "hooks.h"
#include "text.h"

/* Cached statements on the version table, prepared once per connection. */
enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_GET,
	ST_INSERT,
	ST_SET_STATE,
	ST_DELETE,
	ST_READ,
	ST_COUNT
};

/*
 * Connection settings a revision can change with PRAGMA and that would
 * otherwise carry over into the revisions after it in the same run (a
 * table rebuild's "PRAGMA foreign_keys = ON" turning foreign keys on for
 * the rest).  Put back after each revision, so that one run of several
 * revisions does what a run of each alone does.  PRAGMAS_SQL reads them
 * in this order.
 */
static const char *const session_pragmas[] = {
	"foreign_keys", "recursive_triggers", "query_only",
	"ignore_check_constraints", "legacy_alter_table",
	"reverse_unordered_selects"
};
#define NPRAGMAS	(sizeof(session_pragmas) / sizeof(session_pragmas[0]))
#define PRAGMAS_SQL	"SELECT * FROM pragma_foreign_keys, " \
	"pragma_recursive_triggers, pragma_query_only, " \
	"pragma_ignore_check_constraints, pragma_legacy_alter_table, " \
	"pragma_reverse_unordered_selects"

struct dbrev_conn {
	sqlite3		*db;
	char		*path;		/* file, or ":memory:" */
	int		 lockfd;	/* for flock, -1 until lock() */
	int		 locked;
	double		 timeout;	/* busy timeout, seconds */
	char		*table;		/* the table the cache was made for */
	sqlite3_stmt	*st[ST_COUNT];
	sqlite3_stmt	*pragmas_st;	/* PRAGMAS_SQL */
	int		 pragmas_known;	/* pragmas holds the values at open:
					 * read before the first script
					 * that has a PRAGMA */
	int		 pragmas[NPRAGMAS];
	int		 kept;		/* the last exec() outside a transaction
					 * changed something that was kept */
};

#define TIMESTAMP_SQL "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/*
 * SQLite says only "attempt to write a readonly database" when the file
 * or its directory (where the journal goes) cannot be written: say
 * which, about the database rather than the statement that wrote first.
 * Returns 0 when the last error was another one.
 */
static int
readonly_error(struct dbrev_conn *c, struct dbrev_error *err)
{
	struct dbrev_buf why = { 0 };
	char *dir, *slash;
	int e = 0;

	if (sqlite3_errcode(c->db) != SQLITE_READONLY)
		return 0;
	dir = dbrev_xstrdup(c->path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	if (sqlite3_db_readonly(c->db, "main") == 1 ||
	    access(c->path, W_OK) == -1) {
		e = access(c->path, W_OK) == -1 ? errno : EACCES;
		dbrev_buf_puts(&why, e == EROFS ? "it is on a read-only file "
		    "system" : "the file is read-only for this user");
	} else if (access(dir, W_OK) == -1) {
		e = errno;
		if (e == EROFS)
			dbrev_buf_puts(&why, "it is on a read-only file system");
		else
			dbrev_buf_printf(&why, "its directory %s is read-only "
			    "for this user, and SQLite writes its journal "
			    "there", dir);
	} else
		dbrev_buf_puts(&why, sqlite3_errmsg(c->db));
	dbrev_error_set(err, DBREV_ERR_RUNTIME, c->path, 0, e == EROFS ?
	    "copy it to a writable file system" : "give this user the right "
	    "to write the file and its directory, or run as one who has it",
	    "the database cannot be written: %s", why.data);
	dbrev_buf_free(&why);
	free(dir);
	return -1;
}

static int
db_error(struct dbrev_conn *c, struct dbrev_error *err, const char *what)
{
	if (readonly_error(c, err) != 0)
		return -1;
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
	    "%s: %s", what, sqlite3_errmsg(c->db));
}

/*
 * "name" or "schema"."name" (split at the first '.', as the PostgreSQL
 * driver does), each part quoted as an identifier.
 */
void
dbrev_sqlite_quote_table(struct dbrev_buf *b, const char *table)
{
	const char *p;
	int split = 0;

	dbrev_buf_puts(b, "\"");
	for (p = table; *p != '\0'; p++) {
		if (*p == '"')
			dbrev_buf_puts(b, "\"\"");
		else if (*p == '.' && !split++)
			dbrev_buf_puts(b, "\".\"");
		else
			dbrev_buf_add(b, p, 1);
	}
	dbrev_buf_puts(b, "\"");
}

void
dbrev_sqlite_quote_literal(struct dbrev_buf *b, const char *s)
{
	dbrev_buf_puts(b, "'");
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			dbrev_buf_puts(b, "''");
		else
			dbrev_buf_add(b, s, 1);
	}
	dbrev_buf_puts(b, "'");
}

static void
finalize_all(struct dbrev_conn *c)
{
	int i;

	for (i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(c->st[i]);
		c->st[i] = NULL;
	}
	sqlite3_finalize(c->pragmas_st);
	c->pragmas_st = NULL;
	free(c->table);
	c->table = NULL;
}

/*
 * The cached statement `which` for `table`, prepared on first use.
 * Returns NULL with err filled when it cannot be prepared.
 */
static sqlite3_stmt *
stmt(struct dbrev_conn *c, int which, const char *table,
    struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	int rc;

	if (table != NULL && (c->table == NULL || strcmp(c->table, table))) {
		/* Another table: drop the table statements, keep the rest. */
		int i;

		for (i = ST_GET; i < ST_COUNT; i++) {
			sqlite3_finalize(c->st[i]);
			c->st[i] = NULL;
		}
		free(c->table);
		c->table = dbrev_xstrdup(table);
	}
	if (c->st[which] != NULL)
		return c->st[which];
	switch (which) {
	case ST_BEGIN:
		dbrev_buf_puts(&b, "BEGIN IMMEDIATE");
		break;
	case ST_COMMIT:
		dbrev_buf_puts(&b, "COMMIT");
		break;
	case ST_ROLLBACK:
		dbrev_buf_puts(&b, "ROLLBACK");
		break;
	case ST_GET:
		dbrev_buf_puts(&b, "SELECT state FROM ");
		dbrev_sqlite_quote_table(&b, table);
		dbrev_buf_puts(&b, " WHERE revision = ?1");
		break;
	case ST_INSERT:
		dbrev_buf_puts(&b, "INSERT INTO ");
		dbrev_sqlite_quote_table(&b, table);
		dbrev_buf_puts(&b, " (revision, checksum, state, applied_at) "
		    "VALUES (?1, ?2, ?3, " TIMESTAMP_SQL ")");
		break;
	case ST_SET_STATE:
		dbrev_buf_puts(&b, "UPDATE ");
		dbrev_sqlite_quote_table(&b, table);
		dbrev_buf_puts(&b, " SET state = ?2, applied_at = "
		    TIMESTAMP_SQL " WHERE revision = ?1");
		break;
	case ST_DELETE:
		dbrev_buf_puts(&b, "DELETE FROM ");
		dbrev_sqlite_quote_table(&b, table);
		dbrev_buf_puts(&b, " WHERE revision = ?1");
		break;
	case ST_READ:
		dbrev_buf_puts(&b, "SELECT revision, checksum, state, "
		    "applied_at FROM ");
		dbrev_sqlite_quote_table(&b, table);
		dbrev_buf_puts(&b, " ORDER BY applied_at, revision");
		break;
	}
	rc = sqlite3_prepare_v3(c->db, b.data, -1, SQLITE_PREPARE_PERSISTENT,
	    &c->st[which], NULL);
	dbrev_buf_free(&b);
	if (rc != SQLITE_OK) {
		db_error(c, err, table != NULL ? table : "sqlite");
		sqlite3_finalize(c->st[which]);
		c->st[which] = NULL;
		return NULL;
	}
	return c->st[which];
}

/* Step a cached statement that returns no rows, then reset it. */
static int
run_stmt(struct dbrev_conn *c, sqlite3_stmt *st, struct dbrev_error *err,
    const char *what)
{
	int rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_error(c, err, what);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/*
 * The busy timeout: how long a statement waits for a lock another
 * connection holds.  Negative or nan is the default, 0 does not wait,
 * more milliseconds than an int holds is as good as forever.
 */
static void
set_busy(struct dbrev_conn *c, double timeout)
{
	if (!(timeout >= 0))
		timeout = DBREV_DEFAULT_LOCK_TIMEOUT;
	c->timeout = timeout;
	sqlite3_busy_timeout(c->db, timeout * 1000 < INT_MAX ?
	    (int)(timeout * 1000) : INT_MAX);
}

static int
sq_set_lock_timeout(struct dbrev_conn *c, double timeout,
    struct dbrev_error *err)
{
	(void)err;
	set_busy(c, timeout);
	return 0;
}

static int
sq_open(const char *url, struct dbrev_conn **out, struct dbrev_error *err)
{
	struct dbrev_conn *c;
	char *path;
	int rc;

	*out = NULL;
	if ((path = dbrev_url_sqlite_path(url, err)) == NULL)
		return -1;
	c = dbrev_xcalloc(1, sizeof(*c));
	c->path = path;
	c->lockfd = -1;
	rc = sqlite3_open_v2(path, &c->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "check that its directory exists and is writable",
		    "cannot open SQLite database %s: %s", path,
		    c->db != NULL ? sqlite3_errmsg(c->db) :
		    sqlite3_errstr(rc));
		sqlite3_close(c->db);
		free(path);
		free(c);
		return -1;
	}
	sqlite3_extended_result_codes(c->db, 0);
	set_busy(c, DBREV_DEFAULT_LOCK_TIMEOUT);
	*out = c;
	return 0;
}

static void
sq_close(struct dbrev_conn *c)
{
	if (c == NULL)
		return;
	finalize_all(c);
	sqlite3_close(c->db);
	/*
	 * Closed after SQLite's own descriptors: closing any descriptor of
	 * the file drops the process's POSIX locks, SQLite's included.
	 */
	if (c->lockfd != -1)
		close(c->lockfd);
	free(c->path);
	free(c);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
sq_lock(struct dbrev_conn *c, const char *table, double timeout,
    struct dbrev_error *err)
{
	const char *file;
	double start, waited;
	long nap = 1;

	(void)table;
	set_busy(c, timeout);
	timeout = c->timeout;
	if (c->locked)
		return 0;
	file = sqlite3_db_filename(c->db, "main");
	if (file == NULL || *file == '\0')
		return 0;	/* :memory: or temporary: nobody to wait for */
	if (c->lockfd == -1 &&
	    (c->lockfd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot open %s to lock it: %s", file, strerror(errno));
	start = dbrev_now_ms();
	while (flock(c->lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL,
			    0, NULL, "cannot lock %s: %s", file,
			    strerror(errno));
		waited = dbrev_now_ms() - start;
		if (waited >= timeout * 1000)
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL,
			    0, "wait for the other run to finish, or raise "
			    "--lock-timeout",
			    "timed out after %g s waiting for the lock on %s: "
			    "another revapply or dbbackup is running", timeout,
			    c->path);
		sleep_ms(nap);
		if (nap < 25)
			nap *= 2;
	}
	c->locked = 1;
	return 0;
}

static int
sq_unlock(struct dbrev_conn *c, const char *table, struct dbrev_error *err)
{
	(void)table;
	(void)err;
	if (c->locked && c->lockfd != -1)
		flock(c->lockfd, LOCK_UN);
	c->locked = 0;
	return 0;
}

static int
sq_begin(struct dbrev_conn *c, struct dbrev_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = stmt(c, ST_BEGIN, NULL, err)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_BUSY)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "wait for the other writer to finish, or raise "
		    "--lock-timeout",
		    "timed out waiting to write to %s: %s", c->path,
		    sqlite3_errmsg(c->db));
	if (rc != SQLITE_DONE)
		return db_error(c, err, "BEGIN IMMEDIATE");
	return 0;
}

static int
sq_commit(struct dbrev_conn *c, struct dbrev_error *err)
{
	sqlite3_stmt *st;

	if ((st = stmt(c, ST_COMMIT, NULL, err)) == NULL)
		return -1;
	return run_stmt(c, st, err, "COMMIT");
}

static int
sq_rollback(struct dbrev_conn *c, struct dbrev_error *err)
{
	sqlite3_stmt *st;

	if (sqlite3_get_autocommit(c->db))
		return 0;	/* an error already rolled it back */
	if ((st = stmt(c, ST_ROLLBACK, NULL, err)) == NULL)
		return -1;
	return run_stmt(c, st, err, "ROLLBACK");
}

/*
 * Skip blanks and comments from p; count the newlines passed in *line.
 */
static const char *
skip_space(const char *p, const char *end, unsigned *line)
{
	while (p < end) {
		if (*p == '\n') {
			(*line)++;
			p++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\f')	/* SQLite's blanks (not \v) */
			p++;
		else if (p[0] == '-' && p + 1 < end && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (p[0] == '/' && p + 1 < end && p[1] == '*') {
			p += 2;
			while (p < end && !(p[0] == '*' && p + 1 < end &&
			    p[1] == '/')) {
				if (*p == '\n')
					(*line)++;
				p++;
			}
			p = p < end ? p + 2 : end;
		} else
			break;
	}
	return p;
}

static unsigned
count_lines(const char *p, const char *end)
{
	unsigned n = 0;

	for (; p < end; p++)
		if (*p == '\n')
			n++;
	return n;
}

/* The length of keyword kw at p (any case, a whole word), or 0. */
static size_t
word_is(const char *p, const char *kw)
{
	size_t n = strlen(kw);

	if (strncasecmp(p, kw, n) != 0 || isalnum((unsigned char)p[n]) ||
	    p[n] == '_')
		return 0;
	return n;
}

/*
 * Whether a statement starting at p would end the transaction the
 * revision runs in (BEGIN, COMMIT, END, ROLLBACK but not ROLLBACK TO a
 * savepoint): what ran before it would be kept whatever came after.
 */
static int
ends_tx(const char *p)
{
	size_t n;

	if (word_is(p, "BEGIN") || word_is(p, "COMMIT") || word_is(p, "END"))
		return 1;
	if ((n = word_is(p, "ROLLBACK")) == 0)
		return 0;
	for (p += n; isspace((unsigned char)*p); p++)
		;
	if ((n = word_is(p, "TRANSACTION")) != 0)
		for (p += n; isspace((unsigned char)*p); p++)
			;
	return word_is(p, "TO") == 0;
}

/* The refusal of a statement that ends the revision's transaction. */
static int
ends_tx_error(struct dbrev_error *err, const char *file, unsigned line)
{
	return dbrev_error_set(err, DBREV_ERR_INPUT, file, line, "remove it "
	    "(each revision runs in a transaction of its own), or mark the "
	    "revision '-- transaction: none'", "a statement that ends the "
	    "revision's transaction (BEGIN, COMMIT, END or ROLLBACK)");
}

/* Past the quote that opens at p (' " ` or [): past its close, or NULL. */
static const char *
quote_end(const char *p, const char *end)
{
	char close = *p == '[' ? ']' : *p;

	for (p++; p < end; p++)
		if (*p == close) {
			if (close != ']' && p + 1 < end && p[1] == close) {
				p++;
				continue;
			}
			return p + 1;
		}
	return NULL;
}

/* Whether [p, e) with blanks and comments left out is a whole statement. */
static int
complete(const char *p, const char *e)
{
	char *s = dbrev_xstrndup(p, (size_t)(e - p));
	int yes = sqlite3_complete(s);

	free(s);
	return yes;
}

/* Whether stmt (to its end), with a ';' after it, is a whole statement. */
static int
complete_semicolon(const char *stmt, int open_comment)
{
	struct dbrev_buf b = { 0 };
	int yes;

	dbrev_buf_printf(&b, "%s%s\n;", stmt, open_comment ? " */" : "");
	yes = sqlite3_complete(b.data);
	dbrev_buf_free(&b);
	return yes;
}

/*
 * Whether the line at p is one the sqlite3 shell reads as ';' (Oracle's
 * "/", SQL Server's "go", alone on the line but for blanks and a
 * comment), which SQLite refuses.
 */
static int
shell_terminator(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f')
		p++;
	if (*p == '/' && p[1] != '*')
		p++;
	else if (strncasecmp(p, "go", 2) == 0)
		p += 2;
	else
		return 0;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f')
		p++;
	return *p == '\0' || *p == '\n' || strncmp(p, "--", 2) == 0 ||
	    strncmp(p, "/*", 2) == 0;
}

/*
 * One statement of the offline script, at stmt (its first token, line
 * `line`): refused as exec() refuses it, and *began kept: the line of a
 * BEGIN not ended yet (transaction: none), or 0.
 */
static int
script_stmt(const char *stmt, const char *file, unsigned line, int in_tx,
    unsigned *began, struct dbrev_error *err)
{
	if (in_tx && ends_tx(stmt))
		return ends_tx_error(err, file, line);
	if (!in_tx && word_is(stmt, "BEGIN"))
		*began = line;
	else if (!in_tx && ends_tx(stmt))
		*began = 0;
	return 0;
}

/*
 * Offline: the revision's text as the sqlite3 shell reads it, refused
 * (file:line) where the online run would refuse it or the shell would
 * read it otherwise than SQLite: a line starting with '.' or '#' where
 * no statement is pending (a dot-command, a comment), an unclosed quote
 * (the shell reads the script after it as part of it).  Terminated so
 * that what follows is a statement of its own: a block comment left
 * open (SQLite ends it at the end of the text) is closed, a last
 * statement without ';' gets one.
 */
static int
sq_script_sql(struct dbrev_buf *out, const char *sql, const char *file,
    unsigned first_line, int in_tx, struct dbrev_error *err)
{
	const char *p = sql, *end = sql + strlen(sql), *stmt = NULL, *q;
	unsigned line = first_line, stmt_line = 0, began = 0;
	int open_comment = 0;

	while (p < end) {
		if ((p == sql || p[-1] == '\n') && stmt == NULL &&
		    (*p == '.' || *p == '#'))
			return dbrev_error_set(err, DBREV_ERR_INPUT, file, line,
			    "indent it, or remove it", "a line that starts "
			    "with '%c': the sqlite3 shell would read it as %s, "
			    "SQLite refuses it", *p, *p == '.' ?
			    "a dot-command" : "a comment");
		if ((p == sql || p[-1] == '\n') && shell_terminator(p))
			return dbrev_error_set(err, DBREV_ERR_INPUT, file, line,
			    "end statements with ';'", "a line of only '/' or "
			    "'go': the sqlite3 shell would read it as ';', "
			    "SQLite refuses it");
		if (*p == '\n') {
			line++;
			p++;
		} else if (p[0] == '-' && p + 1 < end && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (p[0] == '/' && p + 1 < end && p[1] == '*') {
			if ((q = strstr(p + 2, "*/")) == NULL) {
				open_comment = 1;
				break;
			}
			line += count_lines(p, q);
			p = q + 2;
		} else if (strchr("'\"`[", *p) != NULL) {
			if (stmt == NULL) {
				stmt = p;
				stmt_line = line;
			}
			if ((q = quote_end(p, end)) == NULL)
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    file, line, "close it", "a quoted string or "
				    "name that is not closed");
			line += count_lines(p, q);
			p = q;
		} else if (*p == ';') {
			p++;
			if (stmt != NULL && complete(stmt, p)) {
				if (script_stmt(stmt, file, stmt_line, in_tx,
				    &began, err) != 0)
					return -1;
				stmt = NULL;
			}
		} else {
			/*
			 * SQLite's tokenizer refuses a control character
			 * (a vertical tab is no blank to it; the shell
			 * skips a line of them).
			 */
			if ((unsigned char)*p < 0x20 &&
			    strchr("\t\r\f", *p) == NULL)
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    file, line, "remove it", "a control "
				    "character (0x%02x) outside quotes",
				    (unsigned char)*p);
			if (stmt == NULL && strchr(" \t\r\f", *p) == NULL) {
				stmt = p;
				stmt_line = line;
			}
			p++;
		}
	}
	if (stmt != NULL && script_stmt(stmt, file, stmt_line, in_tx, &began,
	    err) != 0)
		return -1;
	/* A ';' cannot end it (a trigger without END): SQLite refuses it. */
	if (stmt != NULL && !complete_semicolon(stmt, open_comment))
		return dbrev_error_set(err, DBREV_ERR_INPUT, file, stmt_line,
		    "end it (a trigger with END;)", "a statement that does not "
		    "end: the sqlite3 shell would read the rest of the script "
		    "into it");
	if (began != 0)
		return dbrev_error_set(err, DBREV_ERR_INPUT, file, began,
		    "end it with COMMIT",
		    "the revision begins a transaction and does not end it");
	dbrev_buf_puts(out, sql);
	if (open_comment)
		dbrev_buf_puts(out, " */");
	if (stmt != NULL)
		dbrev_buf_puts(out, "\n;");
	if (out->len > 0 && out->data[out->len - 1] != '\n')
		dbrev_buf_puts(out, "\n");
	return 0;
}

/* Read the session pragmas into v: 0, or -1 with err. */
static int
pragmas_read(struct dbrev_conn *c, int v[NPRAGMAS], struct dbrev_error *err)
{
	size_t i;
	int rc;

	if (c->pragmas_st == NULL && sqlite3_prepare_v2(c->db, PRAGMAS_SQL,
	    -1, &c->pragmas_st, NULL) != SQLITE_OK)
		return db_error(c, err, "cannot read the connection's settings");
	if ((rc = sqlite3_step(c->pragmas_st)) != SQLITE_ROW) {
		db_error(c, err, "cannot read the connection's settings");
		sqlite3_reset(c->pragmas_st);
		return -1;
	}
	for (i = 0; i < NPRAGMAS; i++)
		v[i] = sqlite3_column_int(c->pragmas_st, (int)i);
	sqlite3_reset(c->pragmas_st);
	return 0;
}

/* Put back the session pragmas a revision changed. */
static int
pragmas_restore(struct dbrev_conn *c, struct dbrev_error *err)
{
	char sql[64];
	int now[NPRAGMAS];
	size_t i;

	if (!c->pragmas_known)
		return 0;
	if (pragmas_read(c, now, err) == -1)
		return -1;
	for (i = 0; i < NPRAGMAS; i++) {
		if (now[i] == c->pragmas[i])
			continue;
		snprintf(sql, sizeof(sql), "PRAGMA %s = %d", session_pragmas[i],
		    c->pragmas[i]);
		if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return db_error(c, err, "cannot restore the "
			    "connection's settings after a revision");
	}
	return 0;
}

/*
 * Whether the last error says the statement cannot run in a transaction
 * (VACUUM, a change of journal mode or synchronous level, ATTACH).
 */
static int
not_in_tx(struct dbrev_conn *c)
{
	const char *m = sqlite3_errmsg(c->db);

	return strstr(m, "within a transaction") != NULL ||
	    strstr(m, "within transaction") != NULL ||
	    strstr(m, "inside a transaction") != NULL;
}

#define NOT_IN_TX_HINT	"mark the revision '-- transaction: none' to run " \
	"it outside a transaction"

/* Run a script statement by statement (in_tx: inside the caller's). */
static int
exec_script(struct dbrev_conn *c, const char *sql, const char *file,
    unsigned first_line, int in_tx, struct dbrev_error *err)
{
	const char *p = sql, *end = sql + strlen(sql), *tail, *start;
	unsigned line = first_line;
	sqlite3_stmt *st;
	int rc;

	while (p < end) {
		start = skip_space(p, end, &line);
		if (start >= end)
			break;
		/*
		 * The length counts the terminating NUL: without it SQLite
		 * copies the rest of the script to terminate it, on every
		 * statement (quadratic in a large data migration).
		 */
		rc = sqlite3_prepare_v2(c->db, start, (int)(end - start) + 1,
		    &st, &tail);
		if (rc != SQLITE_OK)
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, file,
			    line, NULL, "%s", sqlite3_errmsg(c->db));
		if (st != NULL && in_tx && ends_tx(start)) {
			sqlite3_finalize(st);
			return ends_tx_error(err, file, line);
		}
		if (st != NULL) {
			int was_auto = sqlite3_get_autocommit(c->db);

			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			if (rc != SQLITE_DONE) {
				if (readonly_error(c, err) == 0)
					dbrev_error_set(err, DBREV_ERR_RUNTIME,
					    file, line, in_tx &&
					    not_in_tx(c) ? NOT_IN_TX_HINT : NULL,
					    "%s", sqlite3_errmsg(c->db));
				sqlite3_finalize(st);
				return -1;
			}
			/*
			 * Kept whatever follows: a change made outside a
			 * transaction (a failing statement changes nothing),
			 * a transaction ended but not rolled back.
			 */
			if (was_auto ? !sqlite3_stmt_readonly(st) :
			    sqlite3_get_autocommit(c->db) &&
			    !word_is(start, "ROLLBACK"))
				c->kept = 1;
			sqlite3_finalize(st);
		}
		if (tail == NULL || tail <= start)
			break;
		line += count_lines(start, tail);
		p = tail;
	}
	return 0;
}

static int
sq_exec(struct dbrev_conn *c, const char *sql, const char *file,
    unsigned first_line, struct dbrev_error *err)
{
	/* Called inside a transaction: the caller's, not to be ended. */
	int rc, in_tx = !sqlite3_get_autocommit(c->db);
	/*
	 * Only a PRAGMA statement changes the session pragmas: skip the
	 * check (a statement prepared again after every schema change)
	 * for scripts that have none.
	 */
	int pragmas = strcasestr(sql, "pragma") != NULL;

	c->kept = 0;
	if (pragmas && !c->pragmas_known) {
		if (pragmas_read(c, c->pragmas, err) == -1)
			return -1;
		c->pragmas_known = 1;
	}
	rc = exec_script(c, sql, file, first_line, in_tx, err);
	if (!in_tx && !sqlite3_get_autocommit(c->db)) {
		/*
		 * A transaction: none script that began a transaction and
		 * failed inside it, or never ended it: undo what it began.
		 */
		(void)sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		if (rc == 0)
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, file, 0,
			    "end it with COMMIT",
			    "the revision begins a transaction and does not "
			    "end it; it was rolled back");
	}
	if (pragmas && pragmas_restore(c, rc == 0 ? err : NULL) == -1 &&
	    rc == 0)
		rc = -1;
	return rc;
}

static int
sq_exec_kept(struct dbrev_conn *c)
{
	return c->kept;
}

static void
ddl(struct dbrev_buf *b, const char *table)
{
	dbrev_buf_puts(b, "CREATE TABLE IF NOT EXISTS ");
	dbrev_sqlite_quote_table(b, table);
	dbrev_buf_puts(b, " (\n"
	    "    revision   TEXT PRIMARY KEY,\n"
	    "    checksum   TEXT NOT NULL,\n"
	    "    state      TEXT NOT NULL DEFAULT 'applied'\n"
	    "               CHECK (state IN ('applied', 'in_progress')),\n"
	    "    applied_at TEXT NOT NULL DEFAULT (" TIMESTAMP_SQL ")\n"
	    ")");
}

static int
sq_table_ensure(struct dbrev_conn *c, const char *table,
    struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	char *msg = NULL;
	int rc;

	ddl(&b, table);
	rc = sqlite3_exec(c->db, b.data, NULL, NULL, &msg);
	dbrev_buf_free(&b);
	if (rc != SQLITE_OK && readonly_error(c, err) != 0) {
		sqlite3_free(msg);
		return -1;
	}
	if (rc != SQLITE_OK) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot create version table %s: %s", table,
		    msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return dbrev_xstrdup(t != NULL ? (const char *)t : "");
}

static enum dbrev_row_state
parse_state(const unsigned char *t)
{
	return t != NULL && strcmp((const char *)t, "in_progress") == 0 ?
	    DBREV_ROW_IN_PROGRESS : DBREV_ROW_APPLIED;
}

static int
missing_table(struct dbrev_conn *c)
{
	return strncmp(sqlite3_errmsg(c->db), "no such table", 13) == 0;
}

/* Reading the version table failed: a lock not had in time, or else. */
static int
read_error(struct dbrev_conn *c, const char *table, struct dbrev_error *err)
{
	if (sqlite3_errcode(c->db) == SQLITE_BUSY)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "wait for it to finish, or raise --lock-timeout",
		    "cannot read version table %s: another connection has "
		    "%s locked (waited %g s)", table, c->path, c->timeout);
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
	    "cannot read version table %s: %s", table, sqlite3_errmsg(c->db));
}

static int
sq_table_read(struct dbrev_conn *c, const char *table,
    struct dbrev_applied **rows, size_t *nrows, struct dbrev_error *err)
{
	struct dbrev_error e2 = { 0 };
	struct dbrev_applied *v = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	int rc;

	*rows = NULL;
	*nrows = 0;
	if ((st = stmt(c, ST_READ, table, &e2)) == NULL) {
		if (missing_table(c)) {
			dbrev_error_clear(&e2);
			return 0;	/* nothing applied yet */
		}
		read_error(c, table, err);
		dbrev_error_clear(&e2);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = dbrev_xrealloc(v, cap * sizeof(*v));
		}
		v[n].revision = col_text(st, 0);
		v[n].checksum = col_text(st, 1);
		v[n].state = parse_state(sqlite3_column_text(st, 2));
		v[n].applied_at = col_text(st, 3);
		n++;
	}
	if (rc != SQLITE_DONE) {
		read_error(c, table, err);
		sqlite3_reset(st);
		dbrev_applied_free(v, n);
		return -1;
	}
	sqlite3_reset(st);
	*rows = v;
	*nrows = n;
	return 0;
}

static const char *
state_text(enum dbrev_row_state s)
{
	return s == DBREV_ROW_IN_PROGRESS ? "in_progress" : "applied";
}

static int
sq_table_insert(struct dbrev_conn *c, const char *table, const char *revision,
    const char *checksum, enum dbrev_row_state state, struct dbrev_error *err)
{
	sqlite3_stmt *st;

	if ((st = stmt(c, ST_INSERT, table, err)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, revision, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, checksum, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, state_text(state), -1, SQLITE_STATIC);
	return run_stmt(c, st, err, "recording the revision");
}

static int
sq_table_set_state(struct dbrev_conn *c, const char *table,
    const char *revision, enum dbrev_row_state state, struct dbrev_error *err)
{
	sqlite3_stmt *st;

	if ((st = stmt(c, ST_SET_STATE, table, err)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, revision, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, state_text(state), -1, SQLITE_STATIC);
	return run_stmt(c, st, err, "updating the revision's row");
}

static int
sq_table_delete(struct dbrev_conn *c, const char *table, const char *revision,
    struct dbrev_error *err)
{
	sqlite3_stmt *st;

	if ((st = stmt(c, ST_DELETE, table, err)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, revision, -1, SQLITE_STATIC);
	return run_stmt(c, st, err, "removing the revision's row");
}

static int
sq_table_get(struct dbrev_conn *c, const char *table, const char *revision,
    int *found, enum dbrev_row_state *state, struct dbrev_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if ((st = stmt(c, ST_GET, table, err)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, revision, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		*state = parse_state(sqlite3_column_text(st, 0));
	} else if (rc != SQLITE_DONE) {
		db_error(c, err, "reading the version table");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

static void
sq_script_table_ensure(struct dbrev_buf *out, const char *table)
{
	ddl(out, table);
	dbrev_buf_puts(out, ";\n");
}

static void
sq_script_insert(struct dbrev_buf *out, const char *table,
    const char *revision, const char *checksum)
{
	dbrev_buf_puts(out, "INSERT INTO ");
	dbrev_sqlite_quote_table(out, table);
	dbrev_buf_puts(out, " (revision, checksum, state, applied_at) VALUES (");
	dbrev_sqlite_quote_literal(out, revision);
	dbrev_buf_puts(out, ", ");
	dbrev_sqlite_quote_literal(out, checksum);
	dbrev_buf_puts(out, ", 'applied', " TIMESTAMP_SQL ");\n");
}

static void
sq_script_delete(struct dbrev_buf *out, const char *table,
    const char *revision)
{
	dbrev_buf_puts(out, "DELETE FROM ");
	dbrev_sqlite_quote_table(out, table);
	dbrev_buf_puts(out, " WHERE revision = ");
	dbrev_sqlite_quote_literal(out, revision);
	dbrev_buf_puts(out, ";\n");
}

/*
 * After a revision with a PRAGMA, set the session PRAGMAs back as
 * sq_exec() does online: to the values a connection starts with, which
 * this library tells on a connection of its own (dbrev sets none, and
 * the sqlite3 shell starts with the library's defaults too).  Inside the
 * revision's transaction, as online (foreign_keys cannot change there).
 */
static void
sq_script_reset(struct dbrev_buf *out, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t i;

	if (sql == NULL || strcasestr(sql, "pragma") == NULL)
		return;
	if (sqlite3_open(":memory:", &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, PRAGMAS_SQL, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < NPRAGMAS; i++)
			dbrev_buf_printf(out, "PRAGMA %s = %d;\n",
			    session_pragmas[i], sqlite3_column_int(st, (int)i));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/*
 * Other tools' version tables, for revapply adopt: the query that gives
 * version, type, name and flag (see struct dbrev_foreign_row) in the
 * order the tool wrote the rows.  Each tool's SQLite layout, as it
 * creates it.
 */
static const struct {
	const char	*kind;
	const char	*table;
	const char	*sql;
} foreign_sql[] = {
	{ "dbmate", "schema_migrations", "SELECT CAST(version AS TEXT), "
	    "NULL, NULL, 1 FROM schema_migrations ORDER BY version" },
	{ "golang-migrate", "schema_migrations", "SELECT CAST(version AS "
	    "TEXT), NULL, NULL, dirty FROM schema_migrations" },
	{ "goose", "goose_db_version", "SELECT CAST(version_id AS TEXT), "
	    "NULL, NULL, is_applied FROM goose_db_version ORDER BY id" },
	{ "flyway", "flyway_schema_history", "SELECT version, type, script, "
	    "success FROM flyway_schema_history ORDER BY installed_rank" },
	{ "diesel", "__diesel_schema_migrations", "SELECT CAST(version AS "
	    "TEXT), NULL, NULL, 1 FROM __diesel_schema_migrations ORDER BY "
	    "version" },
	{ "sqitch", "changes", "SELECT change, NULL, project, 1 FROM changes "
	    "ORDER BY committed_at, rowid" },
	{ "alembic", "alembic_version", "SELECT version_num, NULL, NULL, 1 "
	    "FROM alembic_version ORDER BY version_num" },
};

static char *
col_or_null(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? dbrev_xstrdup((const char *)t) : NULL;
}

/*
 * Sqitch keeps its registry in a database of its own beside the
 * target's: "sqitch" with the target's extension (app.db: sqitch.db).
 */
static char *
sqitch_registry(const char *path)
{
	struct dbrev_buf b = { 0 };
	const char *slash = strrchr(path, '/'), *base, *dot;

	base = slash != NULL ? slash + 1 : path;
	dot = strrchr(base, '.');
	if (slash != NULL)
		dbrev_buf_add(&b, path, (size_t)(base - path));
	dbrev_buf_puts(&b, "sqitch");
	if (dot != NULL && dot != base)
		dbrev_buf_puts(&b, dot);
	return dbrev_buf_take(&b);
}

static int
sq_foreign_read(struct dbrev_conn *c, const char *kind,
    struct dbrev_foreign_row **rows, size_t *nrows, struct dbrev_error *err)
{
	struct dbrev_foreign_row *v = NULL;
	sqlite3 *db = c->db;
	sqlite3_stmt *st = NULL;
	char *reg = NULL;
	size_t i, n = 0, cap = 0;
	int rc;

	*rows = NULL;
	*nrows = 0;
	for (i = 0; i < sizeof(foreign_sql) / sizeof(foreign_sql[0]); i++)
		if (strcmp(foreign_sql[i].kind, kind) == 0)
			break;
	if (i == sizeof(foreign_sql) / sizeof(foreign_sql[0]))
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "unknown kind '%s'", kind);
	if (strcmp(kind, "sqitch") == 0) {
		reg = sqitch_registry(c->path);
		db = NULL;
		if (access(reg, F_OK) == -1) {
			free(reg);
			return 1;
		}
		if (sqlite3_open_v2(reg, &db, SQLITE_OPEN_READONLY,
		    NULL) != SQLITE_OK) {
			dbrev_error_set(err, DBREV_ERR_RUNTIME, reg, 0, NULL,
			    "cannot open Sqitch's registry: %s",
			    sqlite3_errmsg(db));
			goto fail;
		}
		sqlite3_busy_timeout(db, (int)(c->timeout * 1000));
	}
	if (sqlite3_prepare_v2(db, foreign_sql[i].sql, -1, &st,
	    NULL) != SQLITE_OK) {
		if (strncmp(sqlite3_errmsg(db), "no such table", 13) == 0) {
			rc = 1;
			goto done;
		}
		dbrev_error_set(err, DBREV_ERR_RUNTIME, reg, 0, "check that "
		    "it is the table that tool made", "cannot read %s's "
		    "table %s: %s", kind, foreign_sql[i].table,
		    sqlite3_errmsg(db));
		goto fail;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = dbrev_xrealloc(v, cap * sizeof(*v));
		}
		v[n].version = col_or_null(st, 0);
		v[n].type = col_or_null(st, 1);
		v[n].name = col_or_null(st, 2);
		v[n].flag = sqlite3_column_int(st, 3);
		n++;
	}
	if (rc != SQLITE_DONE) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, reg, 0, NULL,
		    "cannot read %s's table %s: %s", kind,
		    foreign_sql[i].table, sqlite3_errmsg(db));
		goto fail;
	}
	*rows = v;
	*nrows = n;
	v = NULL;
	n = 0;
	rc = 0;
	goto done;
fail:
	rc = -1;
done:
	dbrev_foreign_rows_free(v, n);
	sqlite3_finalize(st);
	if (db != c->db)
		sqlite3_close(db);
	free(reg);
	return rc;
}

sqlite3 *
dbrev_sqlite_conn_db(struct dbrev_conn *c)
{
	return c->db;
}

/* The database file of a sqlite: URL; none for :memory: or a bad URL. */
static char *
sq_file_of(const char *url)
{
	struct dbrev_error ignore = { 0 };
	char *path;

	if ((path = dbrev_url_sqlite_path(url, &ignore)) == NULL) {
		dbrev_error_clear(&ignore);
		return NULL;
	}
	if (strcmp(path, ":memory:") == 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* sqlite::memory: lives in its connection; a bad URL names no file. */
static int
sq_url_lasting(const char *url, struct dbrev_error *err)
{
	struct dbrev_error e = { 0 };
	char *path;
	int lasting;

	if ((path = dbrev_url_sqlite_path(url, &e)) == NULL) {
		dbrev_error_clear(&e);
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "write sqlite:relative/path.db or "
		    "sqlite:///absolute/path.db", "no SQLite file named");
	}
	lasting = strcmp(path, ":memory:") != 0;
	free(path);
	return lasting;
}

const struct dbrev_driver dbrev_driver_sqlite = {
	.name = "sqlite",
	.title = "SQLite",
	.url_example = "sqlite:",
	.dialect = DBREV_DIALECT_SQLITE,
	.file_of = sq_file_of,
	.url_lasting = sq_url_lasting,
	.script_preamble = "-- run with: sqlite3 DATABASE < FILE\n"
	    ".bail on\n",
	.backup = &dbrev_sqlite_backup,
	.schema = &dbrev_sqlite_schema,
	.lint = &dbrev_lint_sqlite,
	.open = sq_open,
	.close = sq_close,
	.lock = sq_lock,
	.unlock = sq_unlock,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.exec = sq_exec,
	.exec_kept = sq_exec_kept,
	.table_ensure = sq_table_ensure,
	.table_read = sq_table_read,
	.table_insert = sq_table_insert,
	.table_set_state = sq_table_set_state,
	.table_delete = sq_table_delete,
	.script_table_ensure = sq_script_table_ensure,
	.script_insert = sq_script_insert,
	.script_delete = sq_script_delete,
	.script_reset = sq_script_reset,
	.script_sql = sq_script_sql,
	.table_get = sq_table_get,
	.set_lock_timeout = sq_set_lock_timeout,
	.foreign_read = sq_foreign_read,
	.scratch_create = dbrev_sqlite_scratch_create,
	.scratch_drop = dbrev_sqlite_scratch_drop,
	.introspect = dbrev_sqlite_conn_introspect,
	.diff_options = dbrev_sqlite_conn_diff_options,
	.diff_sql = dbrev_sqlite_diff_sql,
	.read_only = dbrev_sqlite_read_only,
	.fingerprint = dbrev_sqlite_fingerprint,
	.scratch_fast = dbrev_sqlite_scratch_fast,
};
