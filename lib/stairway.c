/*
 * stairway.c - the stairway test: up, down, up for each revision on a
 * scratch database, each step's schema read back and compared.
 *
 * Everything per database goes through the driver's runtime group
 * (begin, exec, commit) and schema group (scratch databases,
 * introspection, diff options and SQL); this file names no database.
 * With jobs > 1 the revisions under test are cut into contiguous ranges,
 * each tested by a child process on a scratch database of its own that
 * first replays what comes before its range; children send their steps
 * back through a pipe.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/driver.h"
#include "dbrev/graph.h"
#include "dbrev/schema.h"
#include "dbrev/stairway.h"
#include "dbrev/url.h"
#include "dbrev/util.h"
#include "stairway_impl.h"
#include "signals.h"

static const char *const verdict_names[DBREV_STAIR_NVERDICTS] = {
	"ok", "irreversible", "downgrade differs", "downgrade fails",
	"upgrade after downgrade fails", "upgrade fails"
};

const char *
dbrev_stair_verdict_name(enum dbrev_stair_verdict v)
{
	return (unsigned)v < DBREV_STAIR_NVERDICTS ? verdict_names[v] : "?";
}

/* ------------------------------------------------- scratch database */

int
dbrev_stair_open(struct dbrev_stair_db *s, const char *url,
    const char *dev_url, struct dbrev_error *err)
{
	const struct dbrev_driver *d;
	enum dbrev_dialect dialect;

	memset(s, 0, sizeof(*s));
	/* No URL: the default database, always built in. */
	dialect = url == NULL || *url == '\0' ?
	    dbrev_driver_at(0)->dialect : dbrev_url_dialect(url);
	if (dialect == DBREV_DIALECT_UNKNOWN)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "use sqlite:PATH or postgresql://...",
		    "cannot tell the database from the URL");
	if ((d = dbrev_driver_for(dialect)) == NULL)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "reconfigure with support for it",
		    "built without support for %s", dbrev_dialect_name(dialect));
	if (d->scratch_create == NULL || d->introspect == NULL)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "%s has no scratch databases or introspection", d->name);
	if (d->scratch_create(url, dev_url, &s->scratch, err) == -1)
		return -1;
	s->made = 1;
	if (dbrev_db_open(s->scratch.url, &s->db, err) == -1 ||
	    (d->scratch_fast != NULL && d->scratch_fast(s->db->conn,
	    err) == -1)) {
		dbrev_stair_close(s);
		return -1;
	}
	d->diff_options(s->db->conn, &s->dopts);
	return 0;
}

void
dbrev_stair_close(struct dbrev_stair_db *s)
{
	dbrev_db_close(s->db);
	s->db = NULL;
	if (s->made)
		s->scratch.driver->scratch_drop(&s->scratch);
	s->made = 0;
}

/*
 * Run one section (and then the hook, when given) as revapply would:
 * in a transaction unless the revision says "transaction: none".
 */
int
dbrev_stair_exec(struct dbrev_stair_db *s, const struct dbrev_revision *r,
    const char *sql, unsigned line, const struct dbrev_stair_hook *hook,
    struct dbrev_error *err)
{
	const struct dbrev_driver *d = s->db->driver;
	struct dbrev_conn *c = s->db->conn;
	struct dbrev_error e2 = { 0 };
	int tx = r->transactional;

	if (tx && d->begin(c, err) == -1)
		return -1;
	if (d->exec(c, sql, r->path, line, err) == -1 ||
	    (hook != NULL && hook->sql != NULL && d->exec(c, hook->sql,
	    hook->path, 1, err) == -1)) {
		if (tx)
			(void)d->rollback(c, &e2);
		dbrev_error_clear(&e2);
		return -1;
	}
	if (tx && d->commit(c, err) == -1)
		return -1;
	return 0;
}

int
dbrev_stair_schema(struct dbrev_stair_db *s, struct dbrev_schema **out,
    struct dbrev_error *err)
{
	*out = NULL;
	return s->db->driver->introspect(s->db->conn, out, err);
}

/* --------------------------------------------------------- compare */

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
strv_eq(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (!streq(a[i], b[i]))
			return 0;
	return 1;
}

/* Equal but for the name. */
static int
con_same(const struct dbrev_constraint *a, const struct dbrev_constraint *b)
{
	return a->kind == b->kind &&
	    strv_eq(a->columns, a->ncolumns, b->columns, b->ncolumns) &&
	    streq(a->expr, b->expr) && streq(a->ref_table, b->ref_table) &&
	    strv_eq(a->ref_columns, a->nref_columns, b->ref_columns,
	    b->nref_columns) && streq(a->on_update, b->on_update) &&
	    streq(a->on_delete, b->on_delete) && streq(a->match, b->match) &&
	    a->deferrable == b->deferrable &&
	    a->initially_deferred == b->initially_deferred &&
	    streq(a->extra, b->extra);
}

/*
 * A name the database made up: TABLE_..._SUFFIX[N] with PostgreSQL's
 * suffixes (pkey, key, fkey, check, excl), N a counter it adds on a
 * clash.
 */
static int
invented(const char *table, const char *name)
{
	static const char *const sfx[] = { "_pkey", "_key", "_fkey", "_check",
	    "_excl" };
	size_t tl = strlen(table), n, i, k;

	if (name == NULL)
		return 1;
	n = strlen(name);
	if (n <= tl || strncmp(name, table, tl) != 0 || name[tl] != '_')
		return 0;
	while (n > tl && name[n - 1] >= '0' && name[n - 1] <= '9')
		n--;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		k = strlen(sfx[i]);
		if (n >= tl + k && strncmp(name + n - k, sfx[i], k) == 0)
			return 1;
	}
	return 0;
}

void
dbrev_schema_match_invented_names(const struct dbrev_schema *from,
    struct dbrev_schema *to)
{
	char qn[1024];
	size_t i, j, k;

	for (i = 0; i < to->ntables; i++) {
		struct dbrev_table *t = to->tables[i];
		const struct dbrev_table *f;
		unsigned char *used;

		f = dbrev_schema_table(from, dbrev_qname(t->schema, t->name, qn,
		    sizeof(qn)));
		if (f == NULL)
			continue;
		used = dbrev_xcalloc(f->nconstraints + 1, 1);
		for (j = 0; j < t->nconstraints; j++) {
			struct dbrev_constraint *c = &t->constraints[j];

			if (!invented(t->name, c->name))
				continue;
			for (k = 0; k < f->nconstraints; k++) {
				const struct dbrev_constraint *fc =
				    &f->constraints[k];

				if (used[k] || !invented(f->name, fc->name) ||
				    !con_same(c, fc))
					continue;
				used[k] = 1;
				free(c->name);
				c->name = fc->name != NULL ?
				    dbrev_xstrdup(fc->name) : NULL;
				break;
			}
		}
		free(used);
	}
}

char *
dbrev_stair_trimmed(const char *s)
{
	const char *e = s + strlen(s);

	while (*s == '\n' || *s == ' ')
		s++;
	while (e > s && (e[-1] == '\n' || e[-1] == ' '))
		e--;
	return dbrev_xstrndup(s, (size_t)(e - s));
}

/*
 * Compare the schema found with the one expected; on a difference fill
 * *detail (one line per difference) and *sql (what takes found to
 * expected) and return 1; 0 when equal; -1 with err.
 */
int
dbrev_stair_compare(struct dbrev_stair_db *s, const struct dbrev_schema *want,
    struct dbrev_schema *got, int exact_names, char **detail, char **sql,
    struct dbrev_error *err)
{
	struct dbrev_diff d = { 0 };
	struct dbrev_buf b = { 0 }, q = { 0 };
	size_t i;

	*detail = *sql = NULL;
	if (!exact_names)
		dbrev_schema_match_invented_names(want, got);
	if (dbrev_schema_diff(got, want, &s->dopts, &d, err) == -1)
		return -1;
	if (d.nchanges == 0) {
		dbrev_diff_free(&d);
		return 0;
	}
	for (i = 0; i < d.nchanges; i++)
		if (d.changes[i].description != NULL)
			dbrev_buf_printf(&b, "%s%s", b.len ? "\n" : "",
			    d.changes[i].description);
	if (b.len == 0)
		dbrev_buf_puts(&b, "a dependent object");
	s->db->driver->diff_sql(s->db->conn, &d, &q);
	dbrev_diff_free(&d);
	*detail = dbrev_buf_take(&b);
	*sql = dbrev_stair_trimmed(q.data != NULL ? q.data : "");
	dbrev_buf_free(&q);
	return 1;
}

/* --------------------------------------------------------- signals */

int
dbrev_stair_interrupted(const sigset_t *old, struct dbrev_error *err)
{
	int sig = dbrev_signals_pending(old);

	if (sig == 0)
		return 0;
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL, "interrupted "
	    "(%s); the scratch database was dropped", strsignal(sig));
	return 1;
}

/* ------------------------------------------------------ data hook */

/* The hook for revision r: the file, DIR/REV.sql, or none. */
int
dbrev_stair_hook_for(const char *hook, const struct dbrev_revision *r,
    struct dbrev_stair_hook *h, struct dbrev_error *err)
{
	struct dbrev_buf path = { 0 }, text = { 0 };
	struct stat st;

	memset(h, 0, sizeof(*h));
	if (hook == NULL)
		return 0;
	if (stat(hook, &st) == -1)
		return dbrev_error_set(err, DBREV_ERR_INPUT, hook, 0,
		    "name a SQL file or a directory of REVISION.sql files",
		    "cannot read the data hook: %s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		dbrev_buf_printf(&path, "%s/%s.sql", hook, r->id);
		if (stat(path.data, &st) == -1) {
			dbrev_buf_free(&path);
			return 0;
		}
	} else
		dbrev_buf_puts(&path, hook);
	if (dbrev_read_file(path.data, &text, err) == -1) {
		err->kind = DBREV_ERR_INPUT;
		dbrev_buf_free(&path);
		return -1;
	}
	h->path = dbrev_buf_take(&path);
	h->sql = text.data != NULL ? dbrev_buf_take(&text) : dbrev_xstrdup("");
	return 0;
}

void
dbrev_stair_hook_free(struct dbrev_stair_hook *h)
{
	free(h->path);
	free(h->sql);
	memset(h, 0, sizeof(*h));
}
