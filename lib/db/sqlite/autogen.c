/*
 * autogen.c - SQLite's autogenerate (the schema group of its table):
 * the revisions are replayed, in apply order, into one in-memory
 * database and the schema file is loaded into another; rename hints are
 * applied to the first with ALTER TABLE (so the engine itself carries
 * them into indexes, views and triggers); both are read back into the
 * schema model, diffed both ways, written as SQL, and run on the first
 * as a self-check.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dbrev/graph.h"
#include "dbrev/revision.h"
#include "dbrev/schema.h"
#include "dbrev/util.h"
#include "schema.h"
#include "../../autogen_impl.h"
#include "sqlite.h"
#include "text.h"

/*
 * Run a script statement by statement; on an error fill err with
 * file:line of the failing statement (first_line is the file line of
 * the script's first line).  A schema file (schema_file 1) may be what
 * `sqlite3 DB .schema` prints: the CREATE TABLE of the tables SQLite
 * (and dbrev) make themselves are skipped, as sqlite3's .dump does.
 */
static int
run_script(sqlite3 *db, const char *sql, const char *file,
    unsigned first_line, const char *hint, int schema_file,
    struct dbrev_error *err)
{
	const char *p = sql, *tail, *q;
	unsigned line = first_line;
	sqlite3_stmt *st;
	size_t skip;
	int rc;

	while (*p != '\0') {
		/* The statement's line is that of its first token. */
		for (;;) {
			while (isspace((unsigned char)*p)) {
				if (*p == '\n')
					line++;
				p++;
			}
			if (p[0] == '-' && p[1] == '-') {
				while (*p != '\0' && *p != '\n')
					p++;
			} else if (p[0] == '/' && p[1] == '*') {
				for (p += 2; *p != '\0' &&
				    !(p[0] == '*' && p[1] == '/'); p++)
					if (*p == '\n')
						line++;
				if (*p != '\0')
					p += 2;
			} else
				break;
		}
		if (*p == '\0')
			break;
		if (schema_file && (skip = dbrev_sqlite_internal_table(p)) > 0) {
			tail = p + skip;
			st = NULL;
		} else if ((rc = sqlite3_prepare_v2(db, p, -1, &st, &tail)) !=
		    SQLITE_OK)
			return dbrev_error_set(err, DBREV_ERR_INPUT, file, line,
			    hint, "%s", sqlite3_errmsg(db));
		if (st != NULL) {
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			if (rc != SQLITE_DONE) {
				dbrev_error_set(err, DBREV_ERR_INPUT, file, line,
				    hint, "%s", sqlite3_errmsg(db));
				sqlite3_finalize(st);
				return -1;
			}
			sqlite3_finalize(st);
		}
		if (tail == NULL || tail <= p)
			break;
		for (q = p; q < tail; q++)
			if (*q == '\n')
				line++;
		p = tail;
	}
	return 0;
}

static int
open_memory(sqlite3 **db, struct dbrev_error *err)
{
	if (sqlite3_open(":memory:", db) != SQLITE_OK) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot open an in-memory SQLite database: %s",
		    *db != NULL ? sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

/* Replay every revision's upgrade, in apply order, repeatables last. */
static int
replay(sqlite3 *db, const char *dir, struct dbrev_error *err)
{
	struct dbrev_graph *g = NULL;
	size_t i, n;

	if (dbrev_graph_load(dir, 0, &g, err) == -1)
		return -1;
	n = dbrev_graph_count(g);
	for (i = 0; i < n + dbrev_graph_nrepeatable(g); i++) {
		const struct dbrev_revision *r = i < n ? dbrev_graph_at(g, i) :
		    dbrev_graph_repeatable(g, i - n);

		if (r->upgrade == NULL)
			continue;
		if (run_script(db, r->upgrade, r->path, r->upgrade_line,
		    "fix the revision so that it applies to the schema "
		    "its parents build", 0, err) == -1) {
			dbrev_graph_free(g);
			return -1;
		}
	}
	dbrev_graph_free(g);
	return 0;
}

static int
has_table(const struct dbrev_schema *s, const char *t)
{
	return dbrev_schema_table(s, t) != NULL;
}

static int
has_column(const struct dbrev_schema *s, const char *t, const char *c)
{
	const struct dbrev_table *tt = dbrev_schema_table(s, t);

	return tt != NULL && dbrev_table_column(tt, c) != NULL;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * A column hint may name its table by the old name of a table that a
 * table hint renames: use the new name.
 */
static const char *
column_hint_table(const struct dbrev_rename *hs, size_t nh,
    const struct dbrev_rename *h, const struct dbrev_schema *wanted)
{
	size_t i;

	if (has_table(wanted, h->table))
		return h->table;
	for (i = 0; i < nh; i++)
		if (hs[i].is_table && strcmp(hs[i].from, h->table) == 0)
			return hs[i].to;
	return h->table;
}

/*
 * Apply the hints that fit (the old name exists in what the revisions
 * build and only the new one in the schema file) to the built database,
 * table renames first.  A hint that already took effect is left alone
 * (it stays in schema.sql after its revision is written); a --rename
 * that fits nothing is a warning.
 */
static int
apply_hints(sqlite3 *db, struct dbrev_schema **built,
    const struct dbrev_schema *wanted, const struct dbrev_rename *hs,
    size_t nh, struct dbrev_buf *up, struct dbrev_buf *down,
    struct dbrev_autogen_result *res, struct dbrev_error *err)
{
	struct dbrev_buf sql = { 0 }, rev = { 0 };
	struct dbrev_error e = { 0 };
	size_t i, k, nd = 0;
	char **downs = NULL, line[1024];
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nh; i++) {
			const struct dbrev_rename *h = &hs[i];
			const char *tn = h->table;
			int fits;

			if (h->is_table != (pass == 0))
				continue;
			if (!h->is_table)
				tn = column_hint_table(hs, nh, h, wanted);
			if (h->is_table)
				fits = has_table(*built, h->from) &&
				    !has_table(*built, h->to) &&
				    has_table(wanted, h->to) &&
				    !has_table(wanted, h->from);
			else
				fits = has_column(*built, tn, h->from) &&
				    !has_column(*built, tn, h->to) &&
				    has_column(wanted, tn, h->to) &&
				    !has_column(wanted, tn, h->from);
			if (!fits) {
				dbrev_autogen_unmatched(res, h, tn);
				continue;
			}
			dbrev_buf_reset(&sql);
			dbrev_buf_reset(&rev);
			if (h->is_table) {
				dbrev_sqlite_emit_rename_table(&sql, h->from,
				    h->to);
				dbrev_sqlite_emit_rename_table(&rev, h->to,
				    h->from);
				snprintf(line, sizeof(line), "rename table %s "
				    "to %s", h->from, h->to);
			} else {
				dbrev_sqlite_emit_rename_column(&sql, tn,
				    h->from, h->to);
				dbrev_sqlite_emit_rename_column(&rev, tn,
				    h->to, h->from);
				snprintf(line, sizeof(line), "rename column "
				    "%s.%s to %s", tn, h->from, h->to);
			}
			if (run_script(db, sql.data, NULL, 0, NULL, 0, &e) == -1) {
				/* Name the hint, not the SQL made from it. */
				dbrev_error_set(err, DBREV_ERR_INPUT, h->line ?
				    h->origin : NULL, h->line, "check the rename "
				    "hint", "%s%s: %s", h->line ? "" :
				    "--rename: ", line, e.message);
				dbrev_error_clear(&e);
				dbrev_buf_free(&sql);
				dbrev_buf_free(&rev);
				strv_free(downs, nd);
				return -1;
			}
			dbrev_buf_puts(up, sql.data);
			dbrev_strv_add(&downs, &nd, rev.data);
			dbrev_strv_add(&res->differences, &res->ndifferences,
			    line);
			/* Later hints see the renamed schema. */
			dbrev_schema_free(*built);
			*built = NULL;
			if (dbrev_sqlite_introspect(db, built, err) == -1) {
				dbrev_buf_free(&sql);
				dbrev_buf_free(&rev);
				strv_free(downs, nd);
				return -1;
			}
		}
	/* The downgrade renames back, last first. */
	for (k = nd; k > 0; k--)
		dbrev_buf_puts(down, downs[k - 1]);
	dbrev_buf_free(&sql);
	dbrev_buf_free(&rev);
	strv_free(downs, nd);
	return 0;
}

/*
 * SQLite takes a view that reads something missing and fails only when
 * it is used -- or when any table is renamed.  Name such views.
 */
static void
check_views(sqlite3 *db, const struct dbrev_schema *s, const char *where,
    struct dbrev_autogen_result *res)
{
	struct dbrev_buf q = { 0 };
	sqlite3_stmt *st;
	char line[1024];
	size_t i;

	for (i = 0; i < s->nobjects; i++) {
		if (s->objects[i]->kind != DBREV_OBJ_VIEW)
			continue;
		dbrev_buf_reset(&q);
		dbrev_buf_puts(&q, "SELECT * FROM ");
		dbrev_sql_ident_add(&q, s->objects[i]->name);
		dbrev_buf_puts(&q, " LIMIT 0");
		if (sqlite3_prepare_v2(db, q.data, -1, &st, NULL) != SQLITE_OK) {
			snprintf(line, sizeof(line), "view %s in %s cannot be "
			    "used: %s (SQLite then refuses to rename or rebuild "
			    "tables)", s->objects[i]->name, where,
			    sqlite3_errmsg(db));
			dbrev_strv_add(&res->warnings, &res->nwarnings, line);
		}
		sqlite3_finalize(st);
	}
	dbrev_buf_free(&q);
}

/* Run one direction as revapply would; 0, or -1 with a warning. */
static int
verify_run(sqlite3 *db, const char *sql, int transactional,
    const char *what, struct dbrev_autogen_result *res)
{
	struct dbrev_error e = { 0 };
	char line[1024];

	if (transactional)
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (run_script(db, sql, NULL, 0, NULL, 0, &e) == -1) {
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(line, sizeof(line), "self-check: the %s fails on the "
		    "scratch database: %s (a view or trigger that refers to "
		    "something missing?); check the revision before applying "
		    "it", what, e.message);
		dbrev_strv_add(&res->warnings, &res->nwarnings, line);
		dbrev_error_clear(&e);
		return -1;
	}
	if (transactional)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return 0;
}

/* Does the database now have schema `want`?  If not, a warning. */
static int
verify_schema(sqlite3 *db, const struct dbrev_schema *want,
    const char *what, struct dbrev_autogen_result *res)
{
	struct dbrev_schema *got = NULL;
	struct dbrev_diff d = { 0 };
	struct dbrev_diff_options o;
	struct dbrev_error e = { 0 };
	char line[1024];
	int rc = 0;

	dbrev_sqlite_diff_options(&o);
	if (dbrev_sqlite_introspect(db, &got, &e) == -1 ||
	    dbrev_schema_diff(got, want, &o, &d, &e) == -1) {
		dbrev_error_clear(&e);
		dbrev_schema_free(got);
		return -1;
	}
	if (d.nchanges > 0) {
		snprintf(line, sizeof(line), "self-check: after the %s the "
		    "scratch database still differs (%s); check the revision "
		    "before applying it", what, d.changes[0].description ?
		    d.changes[0].description : "a dependent object");
		dbrev_strv_add(&res->warnings, &res->nwarnings, line);
		rc = -1;
	}
	dbrev_diff_free(&d);
	dbrev_schema_free(got);
	return rc;
}

/*
 * Run what was written on the scratch database of the revisions (its
 * renames undone first): the upgrade must give the schema file's
 * schema and the downgrade the revisions' one again.  A failure is a
 * warning, not an error: the revision is still written, to be looked
 * at by hand (a view or trigger referring to something missing makes
 * SQLite refuse table renames).
 */
static void
verify(sqlite3 *db, const char *undo_renames, const struct dbrev_schema *built,
    const struct dbrev_schema *wanted, struct dbrev_autogen_result *res)
{
	if (undo_renames != NULL && *undo_renames != '\0' &&
	    verify_run(db, undo_renames, 1, "renaming back", res) == -1)
		return;
	if (verify_run(db, res->upgrade, res->transactional, "upgrade",
	    res) == -1 || verify_schema(db, wanted, "upgrade", res) == -1)
		return;
	if (verify_run(db, res->downgrade, res->transactional, "downgrade",
	    res) == -1)
		return;
	verify_schema(db, built, "downgrade", res);
}

/*
 * Each ALTER TABLE makes SQLite parse the whole schema again, so the
 * self-check costs about (ALTER TABLE statements) x (schema objects)
 * parses.  It runs when that stays small (a few tenths of a second):
 * always on ordinary schemas, not on a large one with many rebuilds.
 */
#define VERIFY_BUDGET	20000

static size_t
verify_cost(const struct dbrev_autogen_result *res,
    const struct dbrev_schema *s)
{
	const char *texts[2] = { res->upgrade, res->downgrade }, *p;
	size_t alters = 0, k;

	for (k = 0; k < 2; k++)
		for (p = texts[k]; (p = strstr(p, "ALTER TABLE")) != NULL; p++)
			alters++;
	return alters * (s->ntables + s->nobjects);
}

/* A difference, on one line (a newline in a name written as \n). */
static void
add_line(struct dbrev_autogen_result *res, const char *text)
{
	struct dbrev_buf b = { 0 };
	const char *p;

	dbrev_buf_puts(&b, "");
	for (p = text; *p != '\0'; p++)
		if (*p == '\n')
			dbrev_buf_puts(&b, "\\n");
		else if (*p == '\r')
			dbrev_buf_puts(&b, "\\r");
		else
			dbrev_buf_add(&b, p, 1);
	dbrev_strv_add(&res->differences, &res->ndifferences, b.data);
	dbrev_buf_free(&b);
}

static void
add_prefixed(struct dbrev_autogen_result *res, const char *prefix,
    const char *line)
{
	struct dbrev_buf b = { 0 };

	dbrev_buf_printf(&b, "%s%s", prefix, line);
	dbrev_strv_add(&res->warnings, &res->nwarnings, b.data);
	dbrev_buf_free(&b);
}

static int
sq_autogen(const struct dbrev_autogen_options *opts, char *text,
    const struct dbrev_rename *hs, size_t nh,
    struct dbrev_autogen_result *res, struct dbrev_error *err)
{
	struct dbrev_schema *built = NULL, *wanted = NULL, *built0 = NULL;
	struct dbrev_diff dup = { 0 }, ddown = { 0 };
	struct dbrev_diff_options dopts;
	struct dbrev_buf rup = { 0 }, rdown = { 0 };
	struct dbrev_buf up = { 0 }, down = { 0 };
	sqlite3 *bdb = NULL, *wdb = NULL;
	char **dw = NULL;
	size_t ndw = 0, i;
	int fk_off, rc = -1;

	if (open_memory(&bdb, err) == -1 || open_memory(&wdb, err) == -1)
		goto out;
	if (replay(bdb, opts->dir, err) == -1)
		goto out;
	if (run_script(wdb, text, opts->schema_path, 1,
	    "fix the schema file so that sqlite3 can load it", 1, err) == -1)
		goto out;
	if (dbrev_sqlite_introspect(bdb, &built, err) == -1 ||
	    dbrev_sqlite_introspect(wdb, &wanted, err) == -1)
		goto out;
	check_views(bdb, built, "the schema the revisions build", res);
	check_views(wdb, wanted, opts->schema_path, res);
	/* The revisions' schema before any rename, for the self-check. */
	if (nh > 0 && dbrev_sqlite_introspect(bdb, &built0, err) == -1)
		goto out;
	if (apply_hints(bdb, &built, wanted, hs, nh, &rup, &rdown, res,
	    err) == -1)
		goto out;

	dbrev_sqlite_diff_options(&dopts);
	if (dbrev_schema_diff(built, wanted, &dopts, &dup, err) == -1 ||
	    dbrev_schema_diff(wanted, built, &dopts, &ddown, err) == -1)
		goto out;
	for (i = 0; i < dup.nchanges; i++)
		if (dup.changes[i].description != NULL)
			add_line(res, dup.changes[i].description);
	if (res->ndifferences > 0) {
		fk_off = dbrev_sqlite_needs_fk_off(&dup) ||
		    dbrev_sqlite_needs_fk_off(&ddown);
		res->transactional = !fk_off;
		dbrev_sqlite_emit(&dup, fk_off, rup.data, NULL, &up,
		    &res->warnings, &res->nwarnings);
		/*
		 * Data the downgrade drops is what the upgrade added; what it
		 * converts is said, as the upgrade's conversions are.
		 */
		dbrev_sqlite_emit(&ddown, fk_off, NULL, rdown.data, &down,
		    &dw, &ndw);
		for (i = 0; i < ndw; i++)
			if (strncmp(dw[i], "converts data", 13) == 0)
				add_prefixed(res, "downgrade: ", dw[i]);
	}
	/* What the model cannot express is named even when nothing changed. */
	for (i = 0; i < wanted->nunmodelled; i++)
		dbrev_strv_add(&res->warnings, &res->nwarnings,
		    wanted->unmodelled[i]);
	res->upgrade = dbrev_buf_take(&up);
	res->downgrade = dbrev_buf_take(&down);
	if (res->upgrade == NULL)
		res->upgrade = dbrev_xstrdup("");
	if (res->downgrade == NULL)
		res->downgrade = dbrev_xstrdup("");
	if (res->ndifferences > 0 && verify_cost(res, built) <= VERIFY_BUDGET)
		verify(bdb, rdown.data, built0 != NULL ? built0 : built, wanted,
		    res);
	rc = 0;
out:
	dbrev_diff_free(&dup);
	dbrev_diff_free(&ddown);
	dbrev_schema_free(built);
	dbrev_schema_free(built0);
	dbrev_schema_free(wanted);
	sqlite3_close(bdb);
	sqlite3_close(wdb);
	strv_free(dw, ndw);
	dbrev_buf_free(&rup);
	dbrev_buf_free(&rdown);
	dbrev_buf_free(&up);
	dbrev_buf_free(&down);
	return rc;
}

const struct dbrev_schema_ops dbrev_sqlite_schema = {
	.autogen = sq_autogen,
};
