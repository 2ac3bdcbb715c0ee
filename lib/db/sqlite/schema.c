/*
 * schema.c - the SQLite driver's schema group: scratch databases in
 * temporary files, introspection of an open connection, the SQL of a
 * difference, a read-only connection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbrev/schema.h"
#include "hooks.h"
#include "schema.h"

int
dbrev_sqlite_scratch_create(const char *url, const char *dev_url,
    struct dbrev_scratch *s, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	const char *tmp = getenv("TMPDIR");
	int fd;

	(void)url;
	(void)dev_url;
	memset(s, 0, sizeof(*s));
	s->driver = &dbrev_driver_sqlite;
	dbrev_buf_printf(&b, "%s/dbrev-scratch-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	s->name = dbrev_buf_take(&b);
	if ((fd = mkstemp(s->name)) == -1) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "set TMPDIR to a writable directory",
		    "cannot create a scratch SQLite database %s: %s", s->name,
		    strerror(errno));
		free(s->name);
		s->name = NULL;
		return -1;
	}
	close(fd);
	dbrev_buf_printf(&b, "sqlite:%s%s", s->name[0] == '/' ? "//" : "",
	    s->name);
	s->url = dbrev_buf_take(&b);
	return 0;
}

void
dbrev_sqlite_scratch_drop(struct dbrev_scratch *s)
{
	static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
	struct dbrev_buf b = { 0 };
	size_t i;

	if (s->name != NULL)
		for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
			dbrev_buf_reset(&b);
			dbrev_buf_printf(&b, "%s%s", s->name, suffix[i]);
			(void)unlink(b.data);
		}
	dbrev_buf_free(&b);
	free(s->url);
	free(s->name);
	free(s->admin);
	memset(s, 0, sizeof(*s));
}

int
dbrev_sqlite_conn_introspect(struct dbrev_conn *c, struct dbrev_schema **out,
    struct dbrev_error *err)
{
	return dbrev_sqlite_introspect(dbrev_sqlite_conn_db(c), out, err);
}

void
dbrev_sqlite_conn_diff_options(struct dbrev_conn *c,
    struct dbrev_diff_options *o)
{
	(void)c;
	dbrev_sqlite_diff_options(o);
}

void
dbrev_sqlite_diff_sql(struct dbrev_conn *c, const struct dbrev_diff *d,
    struct dbrev_buf *out)
{
	char **w = NULL;
	size_t nw = 0, i;

	(void)c;
	dbrev_sqlite_emit(d, dbrev_sqlite_needs_fk_off(d), NULL, NULL, out,
	    &w, &nw);
	for (i = 0; i < nw; i++)
		free(w[i]);
	free(w);
}

int
dbrev_sqlite_read_only(struct dbrev_conn *c, struct dbrev_error *err)
{
	sqlite3 *db = dbrev_sqlite_conn_db(c);

	if (sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot make the connection read-only: %s",
		    sqlite3_errmsg(db));
	return 0;
}

/* A row of sqlite_schema, counted fields, in fingerprint()'s buffer. */
struct schema_row {
	const char	*key;		/* type, '\0', name, '\0' */
	size_t		 keylen;
	const char	*fields;	/* the counted fields */
	size_t		 len;
};

static int
by_type_name(const void *a, const void *b)
{
	const struct schema_row *x = a, *y = b;
	int c = memcmp(x->key, y->key, x->keylen < y->keylen ? x->keylen :
	    y->keylen);

	return c != 0 ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

/*
 * Append sqlite_schema's current row: type and name (the key), then its
 * four columns, each counted so that no text can forge a boundary.
 */
static void
add_row(sqlite3_stmt *st, struct dbrev_buf *b)
{
	const void *v;
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		v = sqlite3_column_text(st, i);
		dbrev_buf_add(b, v != NULL ? v : "", v != NULL ?
		    (size_t)sqlite3_column_bytes(st, i) + 1 : 1);
	}
	for (i = 0; i < 4; i++) {
		v = sqlite3_column_text(st, i);
		n = v != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;
		dbrev_buf_add(b, &n, sizeof(n));
		dbrev_buf_add(b, v != NULL ? v : "", n);
	}
}

/*
 * Everything the introspection reads is derived from sqlite_schema's
 * rows (the pragmas describe what the stored CREATE text declares).
 * Sorted by type and name here, which costs less than ORDER BY.
 */
int
dbrev_sqlite_fingerprint(struct dbrev_conn *c, struct dbrev_buf *out,
    struct dbrev_error *err)
{
	sqlite3 *db = dbrev_sqlite_conn_db(c);
	sqlite3_stmt *st;
	struct dbrev_buf b = { 0 }, at = { 0 };
	struct schema_row *row;
	size_t n = 0, i, *start;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM "
	    "sqlite_schema", -1, &st, NULL) != SQLITE_OK)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot read the schema: %s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dbrev_buf_add(&at, &b.len, sizeof(b.len));
		add_row(st, &b);
		n++;
	}
	sqlite3_finalize(st);
	dbrev_buf_add(&at, &b.len, sizeof(b.len));
	start = (size_t *)(void *)at.data;
	row = dbrev_xcalloc(n + 1, sizeof(*row));
	for (i = 0; i < n; i++) {
		row[i].key = b.data + start[i];
		row[i].keylen = strlen(row[i].key) + 1;
		row[i].keylen += strlen(row[i].key + row[i].keylen) + 1;
		row[i].fields = row[i].key + row[i].keylen;
		row[i].len = start[i + 1] - start[i] - row[i].keylen;
	}
	qsort(row, n, sizeof(*row), by_type_name);
	dbrev_buf_reset(out);
	dbrev_buf_puts(out, "");
	for (i = 0; i < n; i++)
		dbrev_buf_add(out, row[i].fields, row[i].len);
	free(row);
	dbrev_buf_free(&at);
	dbrev_buf_free(&b);
	if (rc != SQLITE_DONE)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot read the schema: %s", sqlite3_errmsg(db));
	return 0;
}

int
dbrev_sqlite_scratch_fast(struct dbrev_conn *c, struct dbrev_error *err)
{
	sqlite3 *db = dbrev_sqlite_conn_db(c);

	if (sqlite3_exec(db, "PRAGMA synchronous = OFF; PRAGMA journal_mode "
	    "= MEMORY", NULL, NULL, NULL) != SQLITE_OK)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot set up the scratch database: %s",
		    sqlite3_errmsg(db));
	return 0;
}
