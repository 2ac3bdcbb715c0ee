/*
 * backup_util.c - what the backup pipeline (backup.c) and each
 * database's backup group (lib/db/<name>/backup.c) share: labels and
 * kinds of backups, reading the revision a database is at, one-line
 * messages about files, and the state the signal handler cleans up.  It calls no backup group, so the
 * groups depend on it and the pipeline on both, without a cycle.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "backup_impl.h"
#include "dbrev/graph.h"
#include "dbrev/revision.h"

int
dbrev_backup_rev_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

int
dbrev_backup_label_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

char *
dbrev_backup_db_label(const char *name)
{
	char *s, *p;

	if (name == NULL || *name == '\0')
		return dbrev_xstrdup("db");
	s = dbrev_xstrdup(name);
	for (p = s; *p != '\0'; p++)
		if (!dbrev_backup_label_char((unsigned char)*p))
			*p = '_';
	/* A leading '.' would hide the file; a leading '-' reads as an option. */
	if (s[0] == '.' || s[0] == '-')
		s[0] = '_';
	return s;
}

int
dbrev_backup_sniff(const char *path, enum dbrev_backup_kind *kind,
    struct dbrev_error *err)
{
	static const char sqlite_magic[16] = "SQLite format 3";
	unsigned char head[16];
	struct stat st;
	ssize_t n;
	int fd;

	*kind = DBREV_BACKUP_NONE;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    NULL, "cannot open backup: %s", strerror(errno));
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		return dbrev_backup_file_error(err, DBREV_ERR_INPUT, path,
		    "give a file dbbackup wrote", "not a regular file");
	}
	n = read(fd, head, sizeof head);
	close(fd);
	if (n == (ssize_t)sizeof head &&
	    memcmp(head, sqlite_magic, sizeof sqlite_magic) == 0)
		*kind = DBREV_BACKUP_SQLITE;
	else if (n >= 5 && memcmp(head, "PGDMP", 5) == 0)
		*kind = DBREV_BACKUP_PGDUMP;
	return 0;
}

/* What the signal handler cleans up: one temporary file, one child. */
static char			 sig_tmp[4096];
static volatile sig_atomic_t	 sig_tmp_set;
static volatile pid_t		 sig_child;

/* A copy of the revision id s with anything unsafe for a name made '_'. */
static char *
safe_revision(const char *s)
{
	char *r, *p;

	if (s == NULL || *s == '\0')
		return dbrev_xstrdup("base");
	r = dbrev_xstrndup(s, strnlen(s, DBREV_ID_MAX));
	for (p = r; *p != '\0'; p++)
		if (!dbrev_backup_rev_char((unsigned char)*p))
			*p = '_';
	return r;
}

char *
dbrev_backup_revision_of(const struct dbrev_applied *rows, size_t n,
    const struct dbrev_graph *g)
{
	struct dbrev_revset set;
	struct dbrev_buf b = { 0 };
	size_t i, napplied = 0, ncur, *cur;
	long last = -1;

	for (i = 0; i < n; i++)
		if (rows[i].state == DBREV_ROW_APPLIED && (g == NULL ||
		    dbrev_graph_repeatable_index(g, rows[i].revision) < 0)) {
			napplied++;
			last = (long)i;	/* rows come ordered by applied_at */
		}
	if (napplied == 0)
		return dbrev_xstrdup("base");
	if (g == NULL)
		return safe_revision(rows[last].revision);
	dbrev_revset_init(&set, g);
	for (i = 0; i < n; i++) {
		long ix;

		if (rows[i].state != DBREV_ROW_APPLIED)
			continue;
		/* A repeatable is no revision to be at. */
		if (dbrev_graph_repeatable_index(g, rows[i].revision) >= 0)
			continue;
		if ((ix = dbrev_graph_index(g, rows[i].revision)) < 0) {
			/* The directory does not know it: trust the table. */
			dbrev_revset_free(&set);
			return safe_revision(rows[last].revision);
		}
		set.in[ix] = 1;
	}
	cur = dbrev_xcalloc(dbrev_graph_count(g) + 1, sizeof(*cur));
	ncur = dbrev_graph_current(g, &set, cur);
	for (i = 0; i < ncur; i++) {
		if (i > 0)
			dbrev_buf_puts(&b, "+");
		dbrev_buf_puts(&b, dbrev_graph_at(g, cur[i])->id);
	}
	free(cur);
	dbrev_revset_free(&set);
	if (b.len == 0) {
		dbrev_buf_free(&b);
		return safe_revision(rows[last].revision);
	}
	return dbrev_buf_take(&b);
}

const char *
dbrev_backup_table(const struct dbrev_backup_opts *o)
{
	return o != NULL && o->table != NULL ? o->table : DBREV_DEFAULT_TABLE;
}

void
dbrev_backup_opts_init(struct dbrev_backup_opts *o)
{
	memset(o, 0, sizeof *o);
	o->lock_timeout = DBREV_DEFAULT_LOCK_TIMEOUT;
}

double
dbrev_backup_timeout(const struct dbrev_backup_opts *o)
{
	/* !(x >= 0) is also true of nan. */
	return o == NULL || !(o->lock_timeout >= 0) ?
	    DBREV_DEFAULT_LOCK_TIMEOUT : o->lock_timeout;
}

int
dbrev_backup_db_open(const char *url, const struct dbrev_backup_opts *o,
    struct dbrev_db **db, struct dbrev_error *err)
{
	if (dbrev_db_open(url, db, err) == -1)
		return -1;
	if (dbrev_db_set_lock_timeout(*db, dbrev_backup_timeout(o),
	    err) == -1) {
		dbrev_db_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

int
dbrev_backup_db_revision(struct dbrev_db *db,
    const struct dbrev_backup_opts *o, char **revision,
    struct dbrev_error *err)
{
	struct dbrev_applied *rows = NULL;
	struct dbrev_graph *g = NULL;
	struct dbrev_error gerr;
	size_t n = 0;
	const char *dir;

	*revision = NULL;
	if (db->driver->table_read(db->conn, dbrev_backup_table(o), &rows, &n,
	    err) == -1)
		return -1;
	dir = o != NULL && o->migrations_dir != NULL ? o->migrations_dir :
	    "migrations";
	dbrev_error_init(&gerr);
	/* A directory that cannot be loaded only costs the naming precision. */
	if (n > 0 && dbrev_graph_load(dir, DBREV_PARSE_HEADER_ONLY, &g,
	    &gerr) == -1)
		g = NULL;
	dbrev_error_clear(&gerr);
	*revision = dbrev_backup_revision_of(rows, n, g);
	dbrev_graph_free(g);
	dbrev_applied_free(rows, n);
	return 0;
}

int
dbrev_backup_read_revision(const char *url, const struct dbrev_backup_opts *o,
    char **revision, struct dbrev_error *err)
{
	struct dbrev_db *db;
	int rc;

	*revision = NULL;
	if (dbrev_backup_db_open(url, o, &db, err) == -1)
		return -1;
	rc = dbrev_backup_db_revision(db, o, revision, err);
	dbrev_db_close(db);
	return rc;
}

char *
dbrev_backup_oneline(const char *s, int join)
{
	static const char hex[] = "0123456789abcdef";
	struct dbrev_buf b = { 0 };
	const unsigned char *p;
	int brk = 0;

	dbrev_buf_puts(&b, "");
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (join && (*p == '\n' || *p == '\r')) {
			brk = b.len > 0;
			continue;
		}
		if (brk) {
			dbrev_buf_puts(&b, "; ");
			brk = 0;
		}
		if (*p >= 0x20 && *p != 0x7f)
			dbrev_buf_add(&b, p, 1);
		else if (*p == '\t')
			dbrev_buf_puts(&b, join ? " " : "\\t");
		else if (*p == '\n')
			dbrev_buf_puts(&b, "\\n");
		else if (*p == '\r')
			dbrev_buf_puts(&b, "\\r");
		else
			dbrev_buf_printf(&b, "\\x%c%c", hex[*p >> 4],
			    hex[*p & 15]);
	}
	return dbrev_buf_take(&b);
}

int
dbrev_backup_file_error(struct dbrev_error *err, enum dbrev_error_kind kind,
    const char *file, const char *hint, const char *fmt, ...)
{
	char *text, *f, *m, *h;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = dbrev_xcalloc(n > 0 ? (size_t)n + 1 : 1, 1);
	if (n > 0) {
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	f = dbrev_backup_oneline(file, 0);
	m = dbrev_backup_oneline(text, 1);
	h = hint != NULL ? dbrev_backup_oneline(hint, 1) : NULL;
	dbrev_error_set(err, kind, f, 0, h, "%s", m);
	free(text);
	free(f);
	free(m);
	free(h);
	return -1;
}

void
dbrev_backup_result_free(struct dbrev_backup_result *r)
{
	if (r == NULL)
		return;
	free(r->path);
	free(r->revision);
	free(r->program);
	free(r->detail);
	free(r->note);
	free(r->database);
	free(r->taken);
	free(r->safety);
	memset(r, 0, sizeof *r);
}

/* --- what the signal handler cleans up --- */

void
dbrev_backup_interrupted(void)
{
	pid_t c = sig_child;

	if (c > 0)
		kill(c, SIGTERM);
	if (sig_tmp_set)
		unlink(sig_tmp);
}

void
dbrev_backup_set_child(pid_t pid)
{
	sig_child = pid;
}

void
dbrev_backup_sig_remember(const char *path)
{
	sig_tmp_set = 0;
	if (path != NULL && strlen(path) < sizeof sig_tmp) {
		memcpy(sig_tmp, path, strlen(path) + 1);
		sig_tmp_set = 1;
	}
}
