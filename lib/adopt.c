/*
 * adopt.c - revapply adopt: take over a database that another tool
 * migrated (dbrev/adopt.h).  Reading the other tool's table is per
 * database (the driver's foreign_read); here its rows get their meaning
 * per kind, are matched to the imported revisions, and are stamped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbrev/adopt.h"
#include "db/driver.h"
#include "dbrev/import.h"
#include "dbrev/url.h"

/* Each kind's table, as messages name it. */
static const struct {
	const char	*kind;
	const char	*table;
} tables[] = {
	{ "alembic", "alembic_version" },
	{ "dbmate", "schema_migrations" },
	{ "diesel", "__diesel_schema_migrations" },
	{ "flyway", "flyway_schema_history" },
	{ "golang-migrate", "schema_migrations" },
	{ "goose", "goose_db_version" },
	{ "sqitch", "sqitch.changes" },
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

struct adopt {
	const char		*kind;
	const char		*table;	/* the other tool's, for messages */
	const char		*dir;
	const struct dbrev_graph *g;
	struct dbrev_revset	 want;	/* what the other table records */
	struct dbrev_error	*err;
	int			 rc;
};

/* s for a one-line message: control characters shown as '?'. */
static char *
shown(const char *s)
{
	char *t = dbrev_xstrdup(s != NULL ? s : "NULL"), *p;

	for (p = t; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return t;
}

/*
 * The revision the import derives from a version (Flyway's with '_'
 * for '.' first, as its import does), or -1; when report, a version
 * without one is an error.
 */
static long
find(struct adopt *a, const char *version, int report)
{
	char id[DBREV_ID_MAX + 1], *v, *p, *s;
	long k;

	if (version == NULL) {
		a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME, NULL, 0,
		    "check that it is the table that tool made", "%s's table "
		    "%s has a row without a version", a->kind, a->table);
		return -1;
	}
	v = dbrev_xstrdup(version);
	if (strcmp(a->kind, "flyway") == 0)
		for (p = v; *p != '\0'; p++)
			if (*p == '.')
				*p = '_';
	dbrev_import_id(v, id);
	free(v);
	if ((k = dbrev_graph_index(a->g, id)) >= 0 || !report)
		return k;
	s = shown(version);
	a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
	    "%s's table %s records version '%s' as applied, but %s/versions "
	    "has no revision %s for it", a->kind, a->table, s, a->dir, id);
	dbrev_error_hint(a->err, "import the whole history again ('revgen "
	    "import --from %s SOURCE') so that every applied migration has "
	    "its revision, then adopt; nothing was written", a->kind);
	free(s);
	return -1;
}

/* Revision k and everything it rests on. */
static void
mark_closure(struct adopt *a, long k)
{
	struct dbrev_revset t;
	size_t i;

	if (k < 0)
		return;
	dbrev_revset_init(&t, a->g);
	if (dbrev_graph_closure(a->g, dbrev_graph_at(a->g, (size_t)k)->id,
	    &t, a->err) == -1)
		a->rc = -1;
	for (i = 0; i < t.n; i++)
		if (t.in[i])
			a->want.in[i] = 1;
	dbrev_revset_free(&t);
}

/*
 * A log of rows, each saying a version is applied (1) or not (0), the
 * last row of a version winning (goose's is_applied, Flyway's undo).
 * state[i] < 0: row i says nothing.
 */
static void
settle(struct adopt *a, const struct dbrev_foreign_row *rows,
    const int *state, size_t n)
{
	unsigned char *seen = dbrev_xcalloc(a->want.n + 1, 1);
	size_t i, j;
	long k;

	for (i = n; i-- > 0;) {
		if (state[i] < 0)
			continue;
		if ((k = find(a, rows[i].version, 0)) >= 0) {
			if (!seen[k])
				a->want.in[k] = (unsigned char)state[i];
			seen[k] = 1;
			continue;
		}
		if (rows[i].version == NULL || state[i] == 0) {
			if (rows[i].version == NULL)
				find(a, NULL, 1);
			continue;
		}
		for (j = i + 1; j < n; j++)
			if (state[j] >= 0 && rows[j].version != NULL &&
			    strcmp(rows[j].version, rows[i].version) == 0)
				break;
		if (j == n)	/* its last row says applied */
			find(a, rows[i].version, 1);
	}
	free(seen);
}

/* dbmate, diesel: one row per applied version. */
static void
read_set(struct adopt *a, const struct dbrev_foreign_row *rows, size_t n)
{
	size_t i;
	long k;

	for (i = 0; i < n; i++)
		if ((k = find(a, rows[i].version, 1)) >= 0)
			a->want.in[k] = 1;
}

/* alembic: one row per head; each head's ancestors are applied. */
static void
read_heads(struct adopt *a, const struct dbrev_foreign_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		mark_closure(a, find(a, rows[i].version, 1));
}

/* golang-migrate: one row, the last version applied, and its dirty flag. */
static void
read_golang_migrate(struct adopt *a, const struct dbrev_foreign_row *rows,
    size_t n)
{
	char *s;

	if (n == 0)
		return;
	if (n > 1) {
		a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME, NULL, 0,
		    "check that it is golang-migrate's table (dbmate's has "
		    "the same name: --from dbmate)", "golang-migrate's table "
		    "%s has %zu rows; golang-migrate keeps one", a->table, n);
		return;
	}
	s = shown(rows[0].version);
	if (rows[0].flag) {
		a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME, NULL, 0,
		    NULL, "golang-migrate's table %s says version %s is "
		    "dirty: a migration failed partway, and golang-migrate "
		    "itself refuses to go on", a->table, s);
		dbrev_error_hint(a->err, "finish or undo that migration by "
		    "hand, record the version really applied with 'migrate "
		    "force VERSION', then adopt; nothing was written");
	} else if (rows[0].version == NULL || strcmp(rows[0].version,
	    "-1") != 0)	/* -1: golang-migrate's "no version" */
		mark_closure(a, find(a, rows[0].version, 1));
	free(s);
}

/* goose: a log of (version_id, is_applied); version 0 is goose's own. */
static void
read_goose(struct adopt *a, const struct dbrev_foreign_row *rows, size_t n)
{
	int *state = dbrev_xcalloc(n + 1, sizeof(*state));
	size_t i;

	for (i = 0; i < n; i++)
		state[i] = rows[i].version != NULL &&
		    strcmp(rows[i].version, "0") == 0 ? -1 : rows[i].flag != 0;
	settle(a, rows, state, n);
	free(state);
}

/*
 * Flyway's order of versions: parts split at '.' or '_' compared as
 * numbers, trailing zero parts ignored (1.0 is 1).  -2: not a version.
 */
static int
fw_part(const char **p, const char **s, size_t *len)
{
	const char *q = *p;

	while (*q == '0' && q[1] >= '0' && q[1] <= '9')
		q++;
	*s = q;
	while (*q >= '0' && *q <= '9')
		q++;
	*len = (size_t)(q - *s);
	if (*len == 0)
		return -1;
	if (*q == '.' || *q == '_')
		q++;
	else if (*q != '\0')
		return -1;
	*p = q;
	return 0;
}

static int
fw_cmp(const char *a, const char *b)
{
	const char *sa, *sb;
	size_t la, lb;
	int c;

	while (*a != '\0' || *b != '\0') {
		if (*a == '\0') {
			sa = "0";
			la = 1;
		} else if (fw_part(&a, &sa, &la) == -1)
			return -2;
		if (*b == '\0') {
			sb = "0";
			lb = 1;
		} else if (fw_part(&b, &sb, &lb) == -1)
			return -2;
		if (la != lb)
			return la < lb ? -1 : 1;
		if ((c = memcmp(sa, sb, la)) != 0)
			return c < 0 ? -1 : 1;
	}
	return 0;
}

/* Whether r's file says it was imported from kind (its origin comment). */
static int
imported_from(const struct dbrev_revision *r, const char *kind)
{
	struct dbrev_error ignore = { 0 };
	struct dbrev_buf b = { 0 }, want = { 0 };
	const char *p, *nl;
	int yes = 0;

	if (r->path == NULL || dbrev_read_file(r->path, &b, &ignore) == -1) {
		dbrev_error_clear(&ignore);
		return 0;
	}
	dbrev_buf_printf(&want, "-- imported from %s: ", kind);
	for (p = b.data; p != NULL && p < b.data + b.len; p = nl + 1) {
		if (strncmp(p, "-- +upgrade", 11) == 0)
			break;
		if (strncmp(p, want.data, want.len) == 0) {
			yes = 1;
			break;
		}
		if ((nl = memchr(p, '\n', b.len - (size_t)(p - b.data))) ==
		    NULL)
			break;
	}
	dbrev_buf_free(&want);
	dbrev_buf_free(&b);
	return yes;
}

/* A Flyway baseline at version v: every imported version up to it. */
static void
fw_baseline(struct adopt *a, const char *v)
{
	const struct dbrev_revision *r;
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < dbrev_graph_count(a->g); i++) {
		r = dbrev_graph_at(a->g, i);
		if (fw_cmp(r->id, v) != -2 && fw_cmp(r->id, v) <= 0 &&
		    imported_from(r, "flyway"))
			a->want.in[i] = 1;
	}
}

/* The row types Flyway writes for a versioned migration that it ran. */
static int
fw_applied_type(const char *t)
{
	return strcmp(t, "SQL") == 0 || strcmp(t, "JDBC") == 0 ||
	    strcmp(t, "SPRING_JDBC") == 0 || strcmp(t, "SCRIPT") == 0 ||
	    strcmp(t, "CUSTOM") == 0;
}

/* flyway: a log by installed_rank; undo and delete rows take one back. */
static void
read_flyway(struct adopt *a, const struct dbrev_foreign_row *rows, size_t n)
{
	int *state = dbrev_xcalloc(n + 1, sizeof(*state));
	const char *t;
	char *s;
	size_t i;

	for (i = 0; i < n; i++) {
		t = rows[i].type != NULL ? rows[i].type : "";
		state[i] = -1;
		s = shown(rows[i].name != NULL ? rows[i].name :
		    rows[i].version);
		if (!rows[i].flag) {
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    NULL, 0, NULL, "flyway's table %s records a "
			    "failed migration, %s", a->table, s);
			dbrev_error_hint(a->err, "fix the database, run "
			    "'flyway repair' to remove the failed row, then "
			    "adopt; nothing was written");
		} else if (strcmp(t, "SCHEMA") == 0 ||
		    strcmp(t, "BASELINE") == 0)
			;	/* Flyway's own rows; a baseline is read below */
		else if (strstr(t, "BASELINE") != NULL) {
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    NULL, 0, NULL, "flyway's table %s records a "
			    "baseline migration, %s, which dbrev does not "
			    "import", a->table, s);
			dbrev_error_hint(a->err, "write the schema it builds "
			    "as a dbrev revision, or adopt a database that "
			    "Flyway migrated from its versioned migrations");
		} else if (rows[i].version == NULL) {
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    NULL, 0, NULL, "flyway's table %s records a "
			    "repeatable migration, %s, which dbrev does not "
			    "import", a->table, s);
			dbrev_error_hint(a->err, "move what it creates into "
			    "a versioned migration and adopt a database that "
			    "holds no repeatable; nothing was written");
		} else if (strncmp(t, "UNDO_", 5) == 0 ||
		    strcmp(t, "DELETE") == 0)
			state[i] = 0;
		else if (fw_applied_type(t))
			state[i] = 1;
		else {
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    NULL, 0, "check that it is the table Flyway made",
			    "flyway's table %s records %s with an unknown "
			    "type '%s'", a->table, s, t);
		}
		free(s);
	}
	if (a->rc == 0) {
		for (i = 0; i < n; i++)
			if (rows[i].type != NULL &&
			    strcmp(rows[i].type, "BASELINE") == 0)
				fw_baseline(a, rows[i].version);
		settle(a, rows, state, n);
	}
	free(state);
}

/* Rows of sqitch.changes by change name, then in the order deployed. */
static const struct dbrev_foreign_row *sort_rows;

static int
by_change(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = strcmp(sort_rows[i].version, sort_rows[j].version);

	return c != 0 ? c : (i < j ? -1 : i > j);
}

/*
 * sqitch: one row per deployed change.  A change reworked after a tag
 * has a row per instance deployed: the n-th is imported as NAME_n.
 */
static void
read_sqitch(struct adopt *a, const struct dbrev_foreign_row *rows,
    size_t n)
{
	struct dbrev_buf b = { 0 };
	size_t *idx, i, inst = 0;
	char *p1, *p2;

	for (i = 0; i < n; i++) {
		if (rows[i].version == NULL || rows[i].name == NULL) {
			find(a, NULL, 1);
			return;
		}
		if (strcmp(rows[i].name, rows[0].name) != 0) {
			p1 = shown(rows[0].name);
			p2 = shown(rows[i].name);
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    NULL, 0, "adopt one project per database: a "
			    "registry shared by several projects is not "
			    "supported", "the Sqitch registry holds changes "
			    "of more than one project (%s, %s)", p1, p2);
			free(p1);
			free(p2);
			return;
		}
	}
	idx = dbrev_xcalloc(n + 1, sizeof(*idx));
	for (i = 0; i < n; i++)
		idx[i] = i;
	sort_rows = rows;
	qsort(idx, n, sizeof(*idx), by_change);
	for (i = 0; i < n; i++) {
		inst = i > 0 && strcmp(rows[idx[i]].version,
		    rows[idx[i - 1]].version) == 0 ? inst + 1 : 1;
		dbrev_buf_reset(&b);
		dbrev_buf_puts(&b, rows[idx[i]].version);
		if (inst > 1)
			dbrev_buf_printf(&b, "_%zu", inst);
		mark_closure(a, find(a, b.data, 1));
	}
	dbrev_buf_free(&b);
	free(idx);
}

/*
 * What the rows record, in a->want: chains an error for each thing
 * dbrev cannot take over, and one for each revision applied without
 * one it rests on.
 */
static int
read_rows(struct adopt *a, const struct dbrev_foreign_row *rows, size_t n)
{
	const struct dbrev_revision *r;
	size_t i, j;
	long k;

	if (strcmp(a->kind, "dbmate") == 0 || strcmp(a->kind, "diesel") == 0)
		read_set(a, rows, n);
	else if (strcmp(a->kind, "alembic") == 0)
		read_heads(a, rows, n);
	else if (strcmp(a->kind, "golang-migrate") == 0)
		read_golang_migrate(a, rows, n);
	else if (strcmp(a->kind, "goose") == 0)
		read_goose(a, rows, n);
	else if (strcmp(a->kind, "flyway") == 0)
		read_flyway(a, rows, n);
	else
		read_sqitch(a, rows, n);
	if (a->rc != 0)
		return -1;
	for (i = 0; i < a->want.n; i++) {
		if (!a->want.in[i])
			continue;
		r = dbrev_graph_at(a->g, i);
		for (j = 0; j < r->nparents + r->ndepends; j++) {
			const char *p = j < r->nparents ? r->parents[j] :
			    r->depends[j - r->nparents];

			if ((k = dbrev_graph_index(a->g, p)) < 0 ||
			    a->want.in[k])
				continue;
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    r->path, r->revision_line, NULL, "%s's table %s "
			    "records revision %s as applied but not %s, which "
			    "it rests on", a->kind, a->table, r->id, p);
			dbrev_error_hint(a->err, "apply %s with %s first (it "
			    "was skipped or applied out of order), then "
			    "adopt; nothing was written", p, a->kind);
			break;
		}
	}
	return a->rc;
}

/*
 * dbrev's own rows against what the other table records: a row in
 * progress, an edited file, or (when there is something to add) an
 * imported revision recorded that the other table does not record.
 */
static int
check_own(struct adopt *a, const struct dbrev_applied *rows, size_t n,
    const char *own, unsigned char *have)
{
	const struct dbrev_revision *r;
	size_t i, add = 0;
	long k;

	for (i = 0; i < n; i++) {
		if ((k = dbrev_graph_index(a->g, rows[i].revision)) < 0) {
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    NULL, 0, "restore its file, or settle the row "
			    "with 'revapply resolve'", "version table %s "
			    "records revision '%s', which is not in "
			    "%s/versions", own, rows[i].revision, a->dir);
			continue;
		}
		r = dbrev_graph_at(a->g, (size_t)k);
		if (rows[i].state == DBREV_ROW_IN_PROGRESS)
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    r->path, 0, "settle it with 'revapply resolve' "
			    "first", "revision '%s' was left in progress by "
			    "an interrupted run", r->id);
		else if (strcmp(rows[i].checksum, r->checksum) != 0)
			a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME,
			    r->path, 0, "restore the file as it was applied, "
			    "or settle it with 'revapply resolve'", "revision "
			    "'%s' was edited after it was applied: checksum "
			    "applied %s, file now %s", r->id,
			    rows[i].checksum, r->checksum);
		have[k] = 1;
	}
	for (i = 0; i < a->want.n; i++)
		add += a->want.in[i] && !have[i];
	for (i = 0; add > 0 && i < a->want.n; i++) {
		r = dbrev_graph_at(a->g, i);
		if (!have[i] || a->want.in[i] || !imported_from(r, a->kind))
			continue;
		a->rc = dbrev_error_set(a->err, DBREV_ERR_RUNTIME, r->path, 0,
		    NULL, "version table %s records revision %s as applied, "
		    "which %s's table %s does not: the two disagree", own,
		    r->id, a->kind, a->table);
		dbrev_error_hint(a->err, "find out which is right; settle "
		    "dbrev's row with 'revapply resolve %s applied|reverted' "
		    "or stamp by hand; nothing was written", r->id);
	}
	return a->rc;
}

/*
 * A database that is one local file (dbrev_target_file) not there:
 * nothing to adopt from, and opening it would create it.  A bad URL is
 * left to dbrev_db_open to report.
 */
static int
file_missing(const char *url, struct dbrev_error *err)
{
	struct dbrev_target *t = dbrev_target_new(url);
	const char *path = dbrev_target_file(t);
	struct stat st;
	int missing;

	missing = path != NULL && stat(path, &st) == -1 && errno == ENOENT;
	if (missing)
		dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0, "check the URL "
		    "(--url or DATABASE_URL)", "no such %s database: "
		    "there is nothing to adopt",
		    dbrev_dialect_title(dbrev_target_dialect(t)));
	dbrev_target_free(t);
	return missing ? -1 : 0;
}

/* Record the wanted revisions that dbrev's table does not have yet. */
static int
stamp(struct adopt *a, struct dbrev_db *db, const char *own,
    const unsigned char *have, struct dbrev_apply_result *res)
{
	const struct dbrev_driver *drv = db->driver;
	struct dbrev_error ignore = { 0 };
	const struct dbrev_revision *r;
	size_t i;

	if (drv->table_ensure(db->conn, own, a->err) == -1 ||
	    drv->begin(db->conn, a->err) == -1)
		return -1;
	for (i = 0; i < a->want.n; i++) {
		if (!a->want.in[i] || have[i])
			continue;
		r = dbrev_graph_at(a->g, i);
		if (drv->table_insert(db->conn, own, r->id, r->checksum,
		    DBREV_ROW_APPLIED, a->err) == -1)
			goto rollback;
		res->napplied++;
	}
	if (drv->commit(db->conn, a->err) == 0)
		return 0;
rollback:
	drv->rollback(db->conn, &ignore);
	dbrev_error_clear(&ignore);
	res->napplied = 0;
	return -1;
}

int
dbrev_apply_adopt(const struct dbrev_apply_options *o, const char *kind,
    struct dbrev_apply_result *res, struct dbrev_error *err)
{
	struct adopt a = { 0 };
	struct dbrev_graph *g = NULL;
	struct dbrev_db *db = NULL;
	struct dbrev_error ignore = { 0 };
	struct dbrev_applied *own_rows = NULL;
	struct dbrev_foreign_row *rows = NULL;
	const char *own = o->table != NULL && *o->table != '\0' ? o->table :
	    DBREV_DEFAULT_TABLE;
	unsigned char *have = NULL;
	size_t i, nown = 0, n = 0;
	double t0 = dbrev_now_ms();
	int locked = 0, rc = -1, got;

	memset(res, 0, sizeof(*res));
	a.kind = kind;
	a.dir = o->dir != NULL ? o->dir : "migrations";
	a.err = err;
	for (i = 0; i < NTABLES; i++)
		if (strcmp(tables[i].kind, kind) == 0)
			a.table = tables[i].table;
	if (a.table == NULL)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "name one "
		    "of alembic, dbmate, diesel, flyway, golang-migrate, goose, "
		    "sqitch", "unknown kind '%s'", kind);
	if (dbrev_graph_load(a.dir, DBREV_PARSE_HEADER_ONLY, &g, err) == -1 ||
	    file_missing(o->url, err) == -1 ||
	    dbrev_db_open(o->url, &db, err) == -1)
		goto out;
	a.g = g;
	dbrev_revset_init(&a.want, g);
	if (db->driver->foreign_read == NULL) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL, "adopt "
		    "is not available on %s databases", db->driver->name);
		goto out;
	}
	if (db->driver->lock(db->conn, own, o->lock_timeout, err) == -1)
		goto out;
	locked = 1;
	if (db->driver->table_read(db->conn, own, &own_rows, &nown,
	    err) == -1 || (got = db->driver->foreign_read(db->conn, kind,
	    &rows, &n, err)) == -1)
		goto out;
	if (got == 1) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL, "%s has "
		    "no table %s: %s has not migrated it", db->url_redacted,
		    a.table, kind);
		dbrev_error_hint(err, "check the URL and --from: adopt reads "
		    "the database that %s migrated", kind);
		goto out;
	}
	have = dbrev_xcalloc(dbrev_graph_count(g) + 1, 1);
	if (read_rows(&a, rows, n) != 0 ||
	    check_own(&a, own_rows, nown, own, have) != 0 ||
	    stamp(&a, db, own, have, res) != 0)
		goto out;
	for (i = 0; i < a.want.n; i++)
		a.want.in[i] |= have[i];
	res->current = dbrev_graph_current_ids(g, &a.want, &res->ncurrent);
	rc = 0;
out:
	if (locked)
		db->driver->unlock(db->conn, own, &ignore);
	dbrev_error_clear(&ignore);
	dbrev_db_close(db);
	dbrev_applied_free(own_rows, nown);
	dbrev_foreign_rows_free(rows, n);
	dbrev_revset_free(&a.want);
	dbrev_graph_free(g);
	free(have);
	res->ms = dbrev_now_ms() - t0;
	if (rc == -1)
		dbrev_error_scrub(err, o->url);
	return rc;
}
