/*
 * revapply - bring a database to a target revision (upgrade, downgrade,
 * stamp, resolve), report where it stands (current, history), or print
 * the SQL offline (--sql).  All the work is in libdbrev (dbrev/apply.h).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/adopt.h"
#include "dbrev/apply.h"
#include "dbrev/backup.h"
#include "dbrev/fleet.h"
#include "dbrev/json.h"
#include "dbrev/stairway.h"
#include "dbrev/track.h"

#include "front.h"

static int	 quiet, verbose, json;
static const char *fleet_format;	/* --format=make */
static char	**args, **rel;	/* argv without, and with only, -N/+N */

void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: revapply [-qv] [-d DIR] [-u URL] [--table NAME] "
	    "[--lock-timeout SECONDS]\n"
	    "                [--statement-lock-timeout DUR] "
	    "[--statement-timeout DUR] [--retries N]\n"
	    "                [--single-transaction] upgrade [TARGET] | "
	    "downgrade [TARGET]\n"
	    "       revapply [-q] [-d DIR] [-u URL | --dialect NAME] "
	    "[--table NAME] --sql\n"
	    "                upgrade|downgrade [FROM:]TO\n"
	    "       revapply [-qv] [-d DIR] [-u URL] [--table NAME] "
	    "[--lock-timeout SECONDS]\n"
	    "                current | history\n"
	    "       revapply [-qv] [-d DIR] [-u URL] [--table NAME] "
	    "current --exit-code\n"
	    "                [--state-dir DIR]\n"
	    "       revapply [-qv] [-d DIR] [-u URL] [--table NAME] "
	    "[--lock-timeout SECONDS]\n"
	    "                stamp TARGET | resolve REVISION "
	    "applied|reverted\n"
	    "       revapply [-qv] [-d DIR] [-u URL] [--table NAME] "
	    "[--lock-timeout SECONDS]\n"
	    "                adopt --from KIND\n"
	    "       revapply [-qv] [-d DIR] [-u URL] [--dev-url URL] "
	    "[--strict] [--keep-going]\n"
	    "                [--data-hook PATH] [--jobs N] [--exact-names] "
	    "test [FROM:TO]\n"
	    "       revapply [-qv] [-d DIR] [-u URL] [--table NAME] "
	    "status [--exit-code]\n"
	    "       revapply [-qv] [-d DIR] [-u URL] [--table NAME] "
	    "[--dev-url URL] drift\n"
	    "       (current, history, status, test and drift take "
	    "--format=json)\n"
	    "       revapply [-qv] [-d DIR] [--table NAME] "
	    "[--lock-timeout SECONDS]\n"
	    "                --fleet FILE | --fleet-cmd COMMAND [--name NAME] "
	    "[--shard K/N]\n"
	    "                [--canary NAMES] [--stop] [--jobs N] "
	    "[--state-dir DIR]\n"
	    "                [--backup-dir DIR [--backup-keep N]]\n"
	    "                upgrade | current | status | check | "
	    "list [--format=make] | plan VERB\n"
	    "       revapply [-qv] --run-dir DIR (--name NAME VERB | report)\n");
	if (f == stdout)
		fprintf(f,
		    "\n"
		    "  upgrade [TARGET]     apply up to TARGET (default head): head, heads,\n"
		    "                       a revision or unique prefix, +N\n"
		    "  downgrade [TARGET]   revert down to TARGET (default -1): base, a\n"
		    "                       revision or prefix, -N\n"
		    "  current              the applied heads\n"
		    "    --exit-code        exit 0 at head, 3 when revisions are pending,\n"
		    "                       1 when the database is in the way of an upgrade\n"
		    "    --state-dir DIR    remember in DIR what was found, so that when\n"
		    "                       neither the files nor a SQLite database changed\n"
		    "                       the answer needs neither (make's db-upgrade)\n"
		    "  history              the graph, newest first, applied ones marked\n"
		    "  stamp TARGET         set the version table to TARGET, running no SQL\n"
		    "  resolve REV applied|reverted\n"
		    "                       settle REV's row by hand (after an interrupted\n"
		    "                       transaction: none revision, or an edited file)\n"
		    "  adopt --from KIND    record as applied the imported revisions that\n"
		    "                       KIND's version table records (alembic, dbmate,\n"
		    "                       diesel, flyway, golang-migrate, goose, sqitch)\n"
		    "  test [FROM:TO]       stairway test on a scratch database: up, down, up\n"
		    "                       per revision, schemas compared (never DATABASE_URL)\n"
		    "    --strict           irreversible revisions fail the test\n"
		    "    --keep-going       go on after a failing revision\n"
		    "    --data-hook PATH   SQL file run after each upgrade, or a directory\n"
		    "                       of REVISION.sql files\n"
		    "    --jobs N|auto      N scratch databases side by side (auto, the\n"
		    "                       default: one per core, at most 4, one per 100\n"
		    "                       revisions; 1 with --keep-going)\n"
		    "    --exact-names      constraint names the database invents count\n"
		    "  status               pending, in progress, edited and unknown rows\n"
		    "  drift                live schema vs the one the applied revisions build;\n"
		    "                       exit 1 with the SQL both ways when they differ\n"
		    "      --dev-url URL    PostgreSQL server for scratch databases\n"
		    "                       (default: DATABASE_URL's server)\n"
		    "      --format=json    a JSON document on stdout (see revapply(1))\n"
		    "\n"
		    "Many databases (a fleet file: NAME URL [schema=S] [table=T] per line):\n"
		    "      --fleet FILE        the databases of FILE (${VAR} from the environment)\n"
		    "      --fleet-cmd CMD     the databases the shell command CMD prints\n"
		    "      --name NAME         only this one\n"
		    "      --shard K/N         only those whose name hashes to shard K of N\n"
		    "      --canary NAMES      these first; the others only if they succeed\n"
		    "      --stop              start no database after one failed\n"
		    "      --jobs N            N databases at once (default 1)\n"
		    "      --backup-dir DIR    back up each to DIR/NAME/ before upgrading it\n"
		    "      --backup-keep N     keep the N newest backups there\n"
		    "      --run-dir DIR       a run of make's db-fleet-* targets (plan, report)\n"
		    "  list [--format=make]   the databases (make: their names as make reads them)\n"
		    "  plan VERB              start a run of make: print its run directory\n"
		    "  report                 end it: the summary, and its exit status\n"
		    "\n"
		    "  -d, --dir DIR           migrations directory (default $DBREV_DIR or migrations)\n"
		    "  -u, --url URL           database (default $DATABASE_URL)\n"
		    "      --sql               print the SQL instead of running it; no connection\n"
		    "      --dialect NAME      sqlite or postgresql, for --sql without a URL\n"
		    "      --table NAME        version table (default " DBREV_DEFAULT_TABLE ")\n"
		    "      --lock-timeout SEC  wait this long for the migration lock and the\n"
		    "                          version table (default 60; 0: do not wait)\n"
		    "      --statement-lock-timeout DUR\n"
		    "                          PostgreSQL: each statement of a revision waits\n"
		    "                          this long for another session's lock (500ms,\n"
		    "                          10s, 2min; default 5s; 0: no limit)\n"
		    "      --statement-timeout DUR\n"
		    "                          PostgreSQL: each statement of a revision runs\n"
		    "                          at most this long (default 0: no limit)\n"
		    "      --retries N         try a revision that hit its lock timeout again,\n"
		    "                          N times (default 2; 0: never)\n"
		    "      --single-transaction  all revisions in one transaction\n"
		    "  -q, --quiet             no progress\n"
		    "  -v, --verbose           more detail\n"
		    "      --help              this text\n"
		    "      --version           print the version\n");
	exit(status);
}

/* "a, b" for the ids, or "<base>". */
static void
put_ids(FILE *f, char *const *ids, size_t n)
{
	size_t i;

	if (n == 0)
		fputs("<base>", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", ids[i]);
}

static void
on_step(void *arg, const struct dbrev_step_report *r)
{
	const struct dbrev_revision *rev = r->rev;
	int up = r->direction == DBREV_UPGRADE;

	(void)arg;
	if (quiet || (r->skipped && !verbose))
		return;
	if (r->skipped) {
		fprintf(stderr, "%s %s: already done by another run\n",
		    up ? "upgrade" : "downgrade", rev->id);
		return;
	}
	if (rev->repeatable) {
		fprintf(stderr, "upgrade (repeatable) %s", rev->id);
		if (rev->message[0] != '\0')
			fprintf(stderr, ", %s", rev->message);
		fprintf(stderr, " (%.0f ms)\n", r->ms);
		return;
	}
	fprintf(stderr, "%s ", up ? "upgrade" : "downgrade");
	if (!up)
		fprintf(stderr, "%s -> ", rev->id);
	put_ids(stderr, rev->parents, rev->nparents);
	if (up)
		fprintf(stderr, " -> %s", rev->id);
	if (rev->message[0] != '\0')
		fprintf(stderr, ", %s", rev->message);
	fprintf(stderr, " (%.0f ms)\n", r->ms);
}

/* A revision rolled back on its lock timeout, about to be tried again. */
static void
on_retry(void *arg, const struct dbrev_retry_report *r)
{
	(void)arg;
	if (quiet)
		return;
	warnx("%s: lock timeout (try %u/%u), retrying %sin %.1f s",
	    r->rev->path, r->try, r->tries, r->whole_run ?
	    "the single transaction " : "", r->delay);
	if (verbose)
		warnx("%s", r->message);
}

/* Notices the database raises while migrations run (PostgreSQL). */
static void
on_notice(void *arg, const char *msg)
{
	(void)arg;
	if (!quiet)
		warnx("%s", msg);
}

static int
table_name_ok(const char *s)
{
	int part = 0;

	for (;;) {
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    *s == '_'))
			return 0;
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '_')
			s++;
		if (*s == '\0')
			return 1;
		if (*s != '.' || part++ > 0)
			return 0;
		s++;
	}
}

/* "-N" and "+N" are targets, not options. */
static int
is_relative(const char *s)
{
	if ((s[0] != '-' && s[0] != '+') || s[1] == '\0')
		return 0;
	for (s++; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The database URL, read once (main) and passed down in the options. */
static struct dbrev_target *url_target;

/* -v: which database, table and directory a run works on. */
static void
say_where(const struct dbrev_apply_options *o)
{
	fprintf(stderr, "database %s, version table %s, revisions in "
	    "%s/versions\n", dbrev_target_display(o->target), o->table, o->dir);
}

/* A database file that is not there was only looked at: say so, once. */
static void
note_missing(const struct dbrev_apply_options *o)
{
	const char *path = dbrev_target_file(o->target);

	if (quiet || path == NULL)
		return;
	fprintf(stderr, "at <base>: %s does not exist yet; revapply upgrade "
	    "creates it\n", path);
}

static void
cmd_run(struct dbrev_apply_options *o, enum dbrev_direction dir,
    const char *target)
{
	struct dbrev_apply_result res;
	struct dbrev_error e = { 0 };
	int up = dir == DBREV_UPGRADE;

	o->on_step = on_step;
	o->on_notice = on_notice;
	o->on_retry = on_retry;
	if (verbose && !quiet)
		say_where(o);
	if (dbrev_apply_run(o, dir, target, &res, &e) == -1) {
		if (res.no_database)
			note_missing(o);
		dbrev_apply_result_free(&res);
		fail(&e);
	}
	if (!quiet) {
		if (res.napplied == 0)
			fputs("nothing to do: at ", stderr);
		else
			fprintf(stderr, "%s %zu revision%s to ",
			    up ? "upgraded" : "downgraded", res.napplied,
			    res.napplied == 1 ? "" : "s");
		put_ids(stderr, res.current, res.ncurrent);
		if (res.napplied > 0)
			fprintf(stderr, " in %.0f ms", res.ms);
		fputc('\n', stderr);
	}
	if (res.no_database)
		note_missing(o);
	dbrev_apply_result_free(&res);
}

static void
cmd_sql(struct dbrev_apply_options *o, enum dbrev_direction dir,
    const char *range, const char *dialect)
{
	struct dbrev_buf out = { 0 };
	struct dbrev_error e = { 0 };
	enum dbrev_dialect d;
	char *from = NULL, *to, *colon;

	if (dialect != NULL) {
		d = dbrev_dialect_from_name(dialect);
		if (d == DBREV_DIALECT_UNKNOWN)
			usage_error("unknown dialect (sqlite or postgresql): %s",
			    dialect);
	} else if (dbrev_target_url(o->target) != NULL) {
		d = dbrev_target_dialect(o->target);
		if (d == DBREV_DIALECT_UNKNOWN) {
			warnx("bad database URL '%s': unknown scheme; use "
			    "sqlite:... or postgresql://..., or --dialect",
			    dbrev_target_display(o->target));
			exit(2);
		}
	} else
		usage_error("--sql needs --dialect NAME or a database URL "
		    "(-u or DATABASE_URL) for its dialect");
	if (range == NULL && dir == DBREV_DOWNGRADE)
		usage_error("downgrade --sql needs FROM:TO");
	to = range != NULL ? dbrev_xstrdup(range) : NULL;
	if (to != NULL && (colon = strchr(to, ':')) != NULL) {
		*colon = '\0';
		from = to;
		to = dbrev_xstrdup(colon + 1);
		if (*from == '\0' || *to == '\0') {
			free(from);	/* LeakSanitizer would make exit 2 a 1 */
			free(to);
			usage_error("FROM:TO needs both revisions: %s", range);
		}
	} else if (dir == DBREV_DOWNGRADE) {
		free(to);
		usage_error("downgrade --sql needs FROM:TO, e.g. head:-1 "
		    "or head:base, not %s", range);
	}
	if (dbrev_apply_sql(o, d, dir, from, to, &out, &e) == -1) {
		free(from);
		free(to);
		fail(&e);
	}
	if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
		err(1, "stdout");
	stdout_done();
	dbrev_buf_free(&out);
	free(from);
	free(to);
}

/* Write a JSON document to stdout. */
static void
put_json(struct dbrev_buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
		err(1, "stdout");
	dbrev_buf_free(b);
}

/* Text lines indented, each line of s on its own. */
static void
put_indented(const char *s, const char *indent)
{
	const char *nl;

	for (; s != NULL && *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		printf("%s%.*s\n", indent, (int)(nl - s), s);
		if (*nl == '\0')
			break;
	}
}

static void
on_stair(void *arg, const struct dbrev_stair_step *st)
{
	const struct dbrev_revision *r = st->rev;

	(void)arg;
	printf("%s %s", r->id, dbrev_stair_verdict_name(st->verdict));
	if (st->verdict == DBREV_STAIR_DOWNGRADE_FAILS ||
	    st->verdict == DBREV_STAIR_UPGRADE_FAILS ||
	    (st->verdict == DBREV_STAIR_REUPGRADE_FAILS && st->sql == NULL))
		printf(": %s\n", st->detail);
	else {
		if (r->message[0] != '\0')
			printf(", %s", r->message);
		if (verbose)
			printf(" (%.0f ms)", st->ms);
		putchar('\n');
	}
	if (st->sql != NULL) {
		printf("    %s; what would make it equal:\n",
		    st->verdict == DBREV_STAIR_DOWNGRADE_DIFFERS ?
		    "after the downgrade the schema differs from the one "
		    "before the upgrade" : "after the second upgrade the "
		    "schema differs from the one after the first");
		put_indented(st->detail, "      ");
		printf("    as SQL:\n");
		put_indented(st->sql, "      ");
	}
	fflush(stdout);
}

static void __attribute__((noreturn))
cmd_test(struct dbrev_stairway_options *so, const struct dbrev_apply_options *o,
    const char *range)
{
	struct dbrev_stairway_result res;
	struct dbrev_error e = { 0 };
	struct dbrev_buf b = { 0 };
	int v, status;

	so->dir = o->dir;
	so->url = o->url;
	so->range = range;
	so->on_step = json ? NULL : on_stair;
	if (dbrev_stairway_run(so, &res, &e) == -1)
		fail(&e);
	if (json) {
		dbrev_json_stairway(&b, &res, so->strict);
		put_json(&b);
	} else {
		printf("%zu revision%s tested: ", res.nsteps - res.untried,
		    res.nsteps - res.untried == 1 ? "" : "s");
		for (v = 0; v < DBREV_STAIR_NVERDICTS; v++)
			if (res.count[v] > 0 || v == DBREV_STAIR_OK)
				printf("%s%zu %s", v ? ", " : "", res.count[v],
				    dbrev_stair_verdict_name(v));
		if (res.untried > 0)
			printf(", %zu not tried (%s)", res.untried,
			    so->keep_going ? "an upgrade failed: nothing "
			    "after it can be reached" : "stopped at the first "
			    "failure; --keep-going goes on");
		printf("; %s", res.failed > 0 ? "FAILED" : "passed");
		if (res.jobs > 1)
			printf(" (%u scratch databases side by side)", res.jobs);
		printf("\n");
	}
	status = res.failed > 0 ? 1 : 0;
	dbrev_stairway_result_free(&res);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	free(args);
	free(rel);
	exit(status);
}

/* 0 at head, 3 pending, 1 in the way (current --exit-code's meaning). */
static int
status_code(const struct dbrev_status *st)
{
	size_t i, n = dbrev_graph_count(st->graph);
	int pending = 0;

	if (st->nunknown > 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (st->in_progress[i] || st->edited[i])
			return 1;
		if (!st->applied.in[i])
			pending = 1;
	}
	return pending ? 3 : 0;
}

static void
status_list(const struct dbrev_status *st, const char *what,
    const unsigned char *flags, int want)
{
	const struct dbrev_revision *r;
	size_t i, n = dbrev_graph_count(st->graph), k = 0;

	for (i = 0; i < n; i++)
		k += (flags[i] != 0) == want;
	printf("%s: %zu\n", what, k);
	for (i = 0; i < n; i++)
		if ((flags[i] != 0) == want) {
			r = dbrev_graph_at(st->graph, i);
			printf("  %s %s%s%s\n", r->id, r->path,
			    r->message[0] != '\0' ? ", " : "", r->message);
		}
}

static void __attribute__((noreturn))
cmd_status(struct dbrev_apply_options *o, int exit_code)
{
	struct dbrev_status st;
	struct dbrev_error e = { 0 };
	struct dbrev_buf b = { 0 };
	unsigned char *pend;
	size_t i, n;
	int code;

	if (dbrev_apply_status(o, &st, &e) == -1)
		fail(&e);
	code = status_code(&st);
	n = dbrev_graph_count(st.graph);
	if (json) {
		dbrev_json_status(&b, "status", &st, NULL, code);
		put_json(&b);
	} else {
		pend = dbrev_xcalloc(n + 1, 1);
		for (i = 0; i < n; i++)
			pend[i] = !st.applied.in[i] && !st.in_progress[i];
		printf("current:");
		for (i = 0; i < st.ncurrent; i++)
			printf(" %s", dbrev_graph_at(st.graph,
			    st.current[i])->id);
		printf("%s\n", st.ncurrent == 0 ? " <base>" : "");
		status_list(&st, "pending", pend, 1);
		status_list(&st, "in progress", st.in_progress, 1);
		status_list(&st, "edited", st.edited, 1);
		printf("unknown: %zu\n", st.nunknown);
		for (i = 0; i < st.nunknown; i++)
			printf("  %s\n", st.unknown[i]);
		printf("state: %s\n", code == 0 ? "at head" : code == 3 ?
		    "pending" : "in the way of an upgrade");
		free(pend);
	}
	dbrev_status_free(&st);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	free(args);
	free(rel);
	exit(exit_code ? code : 0);
}

/* drift exits 0 (none), 1 (drift) or 2 (could not tell). */
static void __attribute__((noreturn))
cmd_drift(const struct dbrev_apply_options *o, const char *dev_url,
    int exact_names)
{
	struct dbrev_drift_options d;
	struct dbrev_drift_result res;
	struct dbrev_error e = { 0 };
	struct dbrev_buf b = { 0 };
	char buf[8192];
	const struct dbrev_error *p;
	size_t i;
	int status;

	memset(&d, 0, sizeof(d));
	d.dir = o->dir;
	d.url = o->url;
	d.dev_url = dev_url;
	d.table = o->table;
	d.exact_names = exact_names;
	if (dbrev_drift_run(&d, &res, &e) == -1) {
		for (p = &e; p != NULL; p = p->next)
			warnx("%s", dbrev_error_format(p, buf, sizeof buf));
		dbrev_error_clear(&e);
		exit(2);
	}
	status = res.ndifferences > 0 ? 1 : 0;
	if (json) {
		dbrev_json_drift(&b, &res);
		put_json(&b);
	} else if (status == 0) {
		if (!quiet)
			printf("no drift: the schema is the one the %zu applied "
			    "revision%s build\n", res.napplied,
			    res.napplied == 1 ? "" : "s");
	} else {
		printf("drift: the schema differs from the one the %zu applied "
		    "revision%s build; changed by hand:\n", res.napplied,
		    res.napplied == 1 ? "" : "s");
		for (i = 0; i < res.ndifferences; i++)
			printf("  %s\n", res.differences[i]);
		printf("\n-- SQL that brings the database back to its "
		    "revisions:\n%s\n", res.repair);
		printf("\n-- SQL that makes the revisions' schema the "
		    "database's (for a new revision):\n%s\n", res.reverse);
	}
	dbrev_drift_result_free(&res);
	if (fflush(stdout) == EOF)
		err(2, "stdout");
	free(args);
	free(rel);
	exit(status);
}

/* Rows naming revisions that are not in the directory. */
static void
warn_unknown(const struct dbrev_apply_options *o, const struct dbrev_status *st)
{
	size_t i;

	for (i = 0; i < st->nunknown; i++)
		warnx("version table records revision '%s', which is not in "
		    "%s/versions: the database was migrated with revisions "
		    "this directory lacks; restore its file (another branch, "
		    "a newer checkout?), or run 'revapply resolve %s "
		    "reverted'", st->unknown[i], o->dir, st->unknown[i]);
}

/* Only looking at a SQLite file that is not there: say so, once. */
static void
note_no_database(const struct dbrev_apply_options *o,
    const struct dbrev_status *st)
{
	if (st->no_database)
		note_missing(o);
}

/*
 * The repeatables: each pending one (all with -v, or for history), as
 * "ID (repeatable...)" for current and "<repeatable> -> ID ..." for
 * history, newest first as the history is (they run last).
 */
static void
print_repeatables(const struct dbrev_status *st, int history)
{
	static const char *const state[] = { "", ", pending: never applied",
	    ", pending: changed since applied" };
	static const char *const hstate[] = { " [applied]", "",
	    " [changed]" };
	const struct dbrev_revision *r;
	size_t i;
	unsigned char k;

	for (i = dbrev_graph_nrepeatable(st->graph); i > 0; i--) {
		r = dbrev_graph_repeatable(st->graph, i - 1);
		k = st->rep_state[i - 1];
		if (!history && k == DBREV_REP_CURRENT && !verbose)
			continue;
		if (history)
			printf("<repeatable> -> %s%s", r->id, hstate[k]);
		else
			printf("%s (repeatable%s)", r->id, state[k]);
		if ((history || verbose) && r->message[0] != '\0')
			printf(", %s", r->message);
		putchar('\n');
		if (history && verbose)
			printf("    file: %s\n", r->path);
	}
}

static void
cmd_current(struct dbrev_apply_options *o)
{
	struct dbrev_status st;
	struct dbrev_error e = { 0 };
	const struct dbrev_revision *r;
	size_t i, n, unknown;

	if (dbrev_apply_status(o, &st, &e) == -1)
		fail(&e);
	if (json) {
		struct dbrev_buf b = { 0 };
		int code = st.nunknown > 0 ? 1 : 0;

		dbrev_json_status(&b, "current", &st, NULL, code);
		put_json(&b);
		dbrev_status_free(&st);
		if (code)
			exit(1);
		return;
	}
	n = dbrev_graph_count(st.graph);
	for (i = 0; i < st.ncurrent; i++) {
		r = dbrev_graph_at(st.graph, st.current[i]);
		printf("%s%s", r->id, dbrev_graph_is_head(st.graph,
		    st.current[i]) ? " (head)" : "");
		if (verbose && r->message[0] != '\0')
			printf(", %s", r->message);
		putchar('\n');
	}
	for (i = 0; i < n; i++) {
		r = dbrev_graph_at(st.graph, i);
		if (st.in_progress[i]) {
			printf("%s (in progress)\n", r->id);
			warnx("%s: revision '%s' was left in progress by an "
			    "interrupted run; check the database, then run "
			    "'revapply resolve %s applied' or 'revapply "
			    "resolve %s reverted'", r->path, r->id, r->id,
			    r->id);
		}
		if (st.edited[i])
			warnx("%s: revision '%s' was edited after it was "
			    "applied (checksum differs); restore the file as "
			    "applied, or run 'revapply resolve %s applied' if "
			    "the database matches it", r->path, r->id, r->id);
	}
	print_repeatables(&st, 0);
	warn_unknown(o, &st);
	if (st.no_database)
		note_no_database(o, &st);
	else if (st.ncurrent == 0 && st.nunknown == 0 && !quiet && n > 0)
		fputs("at <base>: no revision applied\n", stderr);
	/*
	 * A row of a revision this directory lacks: where the database
	 * stands is not known here (a newer checkout, another branch).
	 */
	unknown = st.nunknown;
	dbrev_status_free(&st);
	if (unknown > 0)
		exit(1);
}

/*
 * current --exit-code: the same output, and the exit status says whether
 * the database is at head (0), has revisions pending (3) or is in the way
 * of an upgrade (1: a row in progress, an edited revision, an unknown
 * row; the warnings say which).  At head, the heads are printed without
 * loading the graph or, with --state-dir, opening an unchanged database.
 */
static void __attribute__((noreturn))
cmd_current_exit(struct dbrev_apply_options *o, const char *state_dir)
{
	struct dbrev_track t;
	struct dbrev_error e = { 0 };
	size_t i;
	int status;

	if (json) {
		struct dbrev_status st;
		struct dbrev_buf b = { 0 };

		if (dbrev_apply_status(o, &st, &e) == -1)
			fail(&e);
		status = status_code(&st);
		dbrev_json_status(&b, "current", &st, NULL, status);
		put_json(&b);
		dbrev_status_free(&st);
		free(args);
		free(rel);
		if (fflush(stdout) == EOF)
			err(1, "stdout");
		exit(status);
	}
	if (dbrev_track_check(o, state_dir, &t, &e) == -1)
		fail(&e);
	if (t.verdict == DBREV_TRACK_AT_HEAD) {
		for (i = 0; i < t.nheads; i++)
			printf("%s (head)\n", t.heads[i]);
		if (verbose && !quiet)
			fprintf(stderr, "at head%s\n", t.known ? " (unchanged "
			    "since last looked at: not opened)" : "");
	} else
		cmd_current(o);
	status = t.verdict == DBREV_TRACK_AT_HEAD ? 0 :
	    t.verdict == DBREV_TRACK_PENDING ? 3 : 1;
	dbrev_track_free(&t);
	free(args);
	free(rel);
	stdout_done();
	exit(status);
}

static void
print_history_line(const struct dbrev_graph *g, size_t i,
    const struct dbrev_status *st, const unsigned char *current)
{
	struct dbrev_buf line = { 0 }, marks = { 0 };

	if (st != NULL) {
		if (current[i])
			dbrev_buf_puts(&marks, " (current)");
		else if (st->applied.in[i])
			dbrev_buf_puts(&marks, " [applied]");
		if (st->in_progress[i])
			dbrev_buf_puts(&marks, " [in progress]");
		if (st->edited[i])
			dbrev_buf_puts(&marks, " [edited]");
	}
	dbrev_graph_history_line(&line, g, i, marks.data);
	fputs(line.data, stdout);
	if (verbose)
		printf("    file: %s\n", dbrev_graph_at(g, i)->path);
	dbrev_buf_free(&line);
	dbrev_buf_free(&marks);
}

static void
cmd_history(struct dbrev_apply_options *o)
{
	struct dbrev_status st;
	struct dbrev_error e = { 0 };
	struct dbrev_graph *g;
	unsigned char *current;
	size_t i, n;

	if (dbrev_target_url(o->target) == NULL) {
		/* No database: the graph alone, as revorder --history. */
		if (dbrev_graph_load(o->dir, DBREV_PARSE_HEADER_ONLY, &g,
		    &e) == -1)
			fail(&e);
		if (json) {
			struct dbrev_buf b = { 0 };

			dbrev_json_status(&b, "history", NULL, g, 0);
			put_json(&b);
			dbrev_graph_free(g);
			return;
		}
		for (i = dbrev_graph_nrepeatable(g); i > 0; i--)
			printf("<repeatable> -> %s%s%s\n",
			    dbrev_graph_repeatable(g, i - 1)->id,
			    *dbrev_graph_repeatable(g, i - 1)->message ? ", " :
			    "", dbrev_graph_repeatable(g, i - 1)->message);
		for (i = dbrev_graph_count(g); i > 0; i--)
			print_history_line(g, i - 1, NULL, NULL);
		dbrev_graph_free(g);
		return;
	}
	if (dbrev_apply_status(o, &st, &e) == -1)
		fail(&e);
	if (json) {
		struct dbrev_buf b = { 0 };

		dbrev_json_status(&b, "history", &st, NULL, 0);
		put_json(&b);
		dbrev_status_free(&st);
		return;
	}
	n = dbrev_graph_count(st.graph);
	current = dbrev_xcalloc(n + 1, 1);
	for (i = 0; i < st.ncurrent; i++)
		current[st.current[i]] = 1;
	print_repeatables(&st, 1);
	for (i = n; i > 0; i--)
		print_history_line(st.graph, i - 1, &st, current);
	warn_unknown(o, &st);
	note_no_database(o, &st);
	free(current);
	dbrev_status_free(&st);
}

static void
cmd_stamp(struct dbrev_apply_options *o, const char *target)
{
	struct dbrev_apply_result res;
	struct dbrev_error e = { 0 };

	if (verbose && !quiet)
		say_where(o);
	if (dbrev_apply_stamp(o, target, &res, &e) == -1) {
		dbrev_apply_result_free(&res);
		fail(&e);
	}
	if (!quiet) {
		fputs("stamped: at ", stderr);
		put_ids(stderr, res.current, res.ncurrent);
		fprintf(stderr, " (%zu row%s changed)\n", res.napplied,
		    res.napplied == 1 ? "" : "s");
	}
	dbrev_apply_result_free(&res);
}

static void
cmd_adopt(struct dbrev_apply_options *o, const char *kind)
{
	struct dbrev_apply_result res;
	struct dbrev_error e = { 0 };

	if (verbose && !quiet)
		say_where(o);
	if (dbrev_apply_adopt(o, kind, &res, &e) == -1) {
		dbrev_apply_result_free(&res);
		fail(&e);
	}
	if (!quiet) {
		if (res.napplied == 0)
			fprintf(stderr, "nothing to adopt: the version table "
			    "already records what %s's does; at ", kind);
		else
			fprintf(stderr, "adopted from %s: %zu revision%s "
			    "recorded as applied; at ", kind, res.napplied,
			    res.napplied == 1 ? "" : "s");
		put_ids(stderr, res.current, res.ncurrent);
		fputc('\n', stderr);
	}
	dbrev_apply_result_free(&res);
}

static void
cmd_resolve(struct dbrev_apply_options *o, const char *rev, const char *how)
{
	struct dbrev_error e = { 0 };
	int applied;

	if (strcmp(how, "applied") == 0)
		applied = 1;
	else if (strcmp(how, "reverted") == 0)
		applied = 0;
	else
		usage_error("resolve REVISION takes 'applied' or 'reverted', "
		    "not %s", how);
	if (dbrev_apply_resolve(o, rev, applied, &e) == -1)
		fail(&e);
	if (!quiet)
		fprintf(stderr, "resolved %s: %s\n", rev, applied ?
		    "recorded as applied" : "row removed, not applied");
}

/* The options of the reports (test, drift, --format). */
static void
report_option(int c, struct dbrev_stairway_options *so, int *test_opt)
{
	unsigned long jobs;
	char *end;

	switch (c) {
	case 'F':
		/* make: revapply --fleet's listing, for its make fragment. */
		if (strcmp(optarg, "json") == 0)
			json = 1;
		else if (strcmp(optarg, "make") == 0)
			fleet_format = optarg;
		else if (strcmp(optarg, "text") != 0)
			usage_error("bad --format (text, json or make): %s",
			    optarg);
		break;
	case 'U':
		so->dev_url = optarg;
		break;
	case 's':
		so->strict = *test_opt = 1;
		break;
	case 'k':
		so->keep_going = *test_opt = 1;
		break;
	case 'H':
		so->data_hook = optarg;
		*test_opt = 1;
		break;
	case 'j':
		*test_opt = 1;
		if (strcmp(optarg, "auto") == 0) {
			so->jobs = DBREV_STAIR_JOBS_AUTO;
			break;
		}
		errno = 0;
		jobs = strtoul(optarg, &end, 10);
		if (*optarg < '1' || *optarg > '9' || *end != '\0' ||
		    errno != 0 || jobs > 1024)
			usage_error("bad --jobs (1 to 1024): %s", optarg);
		so->jobs = (unsigned)jobs;
		*test_opt = 1;
		break;
	case 'x':
		so->exact_names = 1;
		break;
	}
}

static void
report_verb_check(const char *verb, int test_opt)
{
	if (fleet_format != NULL)
		usage_error("--format=make goes with --fleet");
	if (test_opt && strcmp(verb, "test") != 0)
		usage_error("--strict, --keep-going and --data-hook go with "
		    "test, --jobs with test or --fleet; not %s", verb);
	if (json && strcmp(verb, "current") != 0 && strcmp(verb, "history") !=
	    0 && strcmp(verb, "status") != 0 && strcmp(verb, "test") != 0 &&
	    strcmp(verb, "drift") != 0)
		usage_error("--format=json goes with current, history, status, "
		    "test or drift, not %s", verb);
}

/* --- Many databases: --fleet, --fleet-cmd, --run-dir. --- */

static struct fleet_args {
	const char	*file, *cmd, *name, *canary, *run_dir, *format;
	const char	*backup_dir;
	unsigned	 shard_k, shard_n, jobs, keep;
	int		 stop, have_keep;
} fa;

/* SIGINT and the like: a backup being written is removed, then die. */
static void
fleet_on_signal(int sig)
{
	dbrev_backup_interrupted();
	signal(sig, SIG_DFL);
	raise(sig);
}

static unsigned
fleet_number(const char *what, const char *s, unsigned min, unsigned max)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		usage_error("%s %s", what, s);
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		usage_error("%s %s", what, s);
	return (unsigned)v;
}

static void
fleet_shard(const char *s)
{
	const char *slash = strchr(s, '/');
	char *k;

	if (slash == NULL)
		usage_error("bad --shard (K/N, 1 <= K <= N): %s", s);
	k = dbrev_xstrndup(s, (size_t)(slash - s));
	fa.shard_k = fleet_number("bad --shard (K/N, 1 <= K <= N):", k, 1,
	    100000);
	free(k);
	fa.shard_n = fleet_number("bad --shard (K/N, 1 <= K <= N):", slash + 1,
	    1, 100000);
	if (fa.shard_k > fa.shard_n)
		usage_error("bad --shard (K/N, 1 <= K <= N): %s", s);
}

static void
fleet_print(FILE *f, struct dbrev_buf *b)
{
	if (b->len > 0)
		fprintf(f, "%s\n", b->data);
	dbrev_buf_reset(b);
}

static void
fleet_progress(void *arg, size_t done, size_t total,
    const struct dbrev_fleet_result *r)
{
	struct dbrev_buf b = { 0 };

	(void)arg;
	if (quiet && r->outcome != DBREV_FLEET_FAILED)
		return;
	dbrev_fleet_progress_line(&b, done, total, r, verbose);
	fleet_print(stderr, &b);
	dbrev_buf_free(&b);
}

/* The report lines (stdout) and the summary (stderr); the exit status. */
static int
fleet_report(const struct dbrev_fleet *f, const struct dbrev_fleet_result *r,
    enum dbrev_fleet_verb v)
{
	struct dbrev_buf b = { 0 };
	int status = dbrev_fleet_status(f, r);
	size_t i;

	if (v != DBREV_FLEET_UPGRADE)
		for (i = 0; i < f->n; i++) {
			if (!f->db[i].selected)
				continue;
			dbrev_fleet_report_line(&b, v, &r[i]);
			fleet_print(stdout, &b);
		}
	if (!quiet || status != 0) {
		dbrev_fleet_summary(&b, f, r, v);
		fflush(stdout);
		fleet_print(stderr, &b);
	}
	dbrev_buf_free(&b);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return status;
}

static void
fleet_free_results(const struct dbrev_fleet *f, struct dbrev_fleet_result *r)
{
	size_t i;

	for (i = 0; r != NULL && i < f->n; i++)
		dbrev_fleet_result_free(&r[i]);
	free(r);
}

/* Make is running us with -n: its recipes only show what they would do. */
static int
make_dry_run(void)
{
	const char *m = getenv("MAKEFLAGS");
	size_t n;

	if (m == NULL || *m == '-' || *m == ' ')
		return 0;
	n = strcspn(m, " ");
	return memchr(m, 'n', n) != NULL;
}

/* One database of a make run: its result recorded, its line printed. */
static void __attribute__((noreturn))
fleet_one_of_run(const char *verb)
{
	struct dbrev_fleet_result r;
	struct dbrev_error e = { 0 };
	enum dbrev_fleet_verb v;
	size_t done = 0, total = 0;
	int fail_target = 0;

	if (dbrev_fleet_verb_parse(verb, &v) == -1)
		usage_error("--run-dir --name NAME takes a verb (upgrade, "
		    "current, status, check), not %s", verb);
	if (dbrev_fleet_plan_one(fa.run_dir, fa.name, v, &r, &done, &total,
	    &fail_target, &e) == -1)
		fail(&e);
	fleet_progress(NULL, done, total, &r);
	dbrev_fleet_result_free(&r);
	exit(fail_target);
}

/* The end of a make run: the report, and the run directory removed. */
static void __attribute__((noreturn))
fleet_end_of_run(void)
{
	struct dbrev_fleet *f;
	struct dbrev_fleet_result *r;
	struct dbrev_error e = { 0 };
	enum dbrev_fleet_verb v;
	int status = 0;

	if (dbrev_fleet_plan_end(fa.run_dir, make_dry_run(), &f, &r, &v,
	    &e) == -1)
		fail(&e);
	if (r != NULL)
		status = fleet_report(f, r, v);
	fleet_free_results(f, r);
	dbrev_fleet_free(f);
	exit(status);
}

static void
fleet_list(const struct dbrev_fleet *f, const struct dbrev_fleet_opts *fo)
{
	struct dbrev_fleet_result *known;
	struct dbrev_buf b = { 0 };
	size_t i;

	if (fa.format != NULL && strcmp(fa.format, "make") == 0) {
		/* Known ones (at head, from --state-dir) need no target. */
		known = dbrev_xcalloc(f->n + 1, sizeof(*known));
		for (i = 0; i < f->n; i++)
			if (f->db[i].selected)
				(void)dbrev_fleet_known(&f->db[i], fo, &known[i]);
		dbrev_fleet_make(&b, f, known);
		fputs(b.data, stdout);
		fleet_free_results(f, known);
	} else
		for (i = 0; i < f->n; i++)
			if (f->db[i].selected)
				printf("%s\t%s%s%s\n", f->db[i].name,
				    f->db[i].safe_url, f->db[i].table != NULL ?
				    "\ttable=" : "", f->db[i].table != NULL ?
				    f->db[i].table : "");
	dbrev_buf_free(&b);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
}

/* revapply --fleet FILE VERB [ARG]: never returns. */
static void __attribute__((noreturn))
fleet_main(const struct dbrev_apply_options *o, const char *state_dir,
    const char *verb, const char *arg)
{
	struct dbrev_fleet_parse_opts po = { 0 };
	struct dbrev_fleet_opts fo;
	struct dbrev_fleet_result *r;
	struct dbrev_fleet *f;
	struct dbrev_buf text = { 0 };
	struct dbrev_error e = { 0 };
	enum dbrev_fleet_verb v;
	char *run;
	int status, plan = strcmp(verb, "plan") == 0;

	signal(SIGINT, fleet_on_signal);
	signal(SIGTERM, fleet_on_signal);
	signal(SIGHUP, fleet_on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (fa.run_dir != NULL) {
		if (fa.file != NULL || fa.cmd != NULL)
			usage_error("--run-dir takes the fleet of its plan: no "
			    "--fleet or --fleet-cmd");
		if (strcmp(verb, "report") == 0 && arg == NULL && fa.name == NULL)
			fleet_end_of_run();
		if (fa.name == NULL || arg != NULL)
			usage_error("--run-dir goes with --name NAME VERB, or "
			    "report");
		fleet_one_of_run(verb);
	}
	if (fa.file != NULL && fa.cmd != NULL)
		usage_error("--fleet and --fleet-cmd: give one");
	if (plan ? arg == NULL || dbrev_fleet_verb_parse(arg, &v) == -1 :
	    arg != NULL || (strcmp(verb, "list") != 0 &&
	    dbrev_fleet_verb_parse(verb, &v) == -1))
		usage_error("with --fleet: upgrade, current, status, check, "
		    "list or plan VERB, not %s", plan && arg != NULL ? arg : verb);
	if (fa.format != NULL && strcmp(verb, "list") != 0)
		usage_error("--format=make goes with list, not %s", verb);
	po.table = o->table;
	if ((fa.file != NULL ? dbrev_fleet_load(fa.file, &po, &f, &text, &e) :
	    dbrev_fleet_load_cmd(fa.cmd, &po, &f, &text, &e)) == -1 ||
	    dbrev_fleet_select(f, fa.name, fa.shard_k, fa.shard_n, fa.canary,
	    &e) == -1)
		fail(&e);
	dbrev_fleet_opts_init(&fo);
	fo.dir = o->dir;
	fo.state_dir = state_dir;
	fo.backup_dir = fa.backup_dir;
	fo.backup_keep = fa.keep;
	fo.lock_timeout = o->lock_timeout;
	fo.jobs = fa.jobs;
	fo.stop = fa.stop;
	fo.on_result = fleet_progress;
	if (strcmp(verb, "list") == 0) {
		fleet_list(f, &fo);
		status = 0;
	} else if (plan) {
		if (dbrev_fleet_plan(f, text.data != NULL ? text.data : "",
		    text.len, v, &fo, &run, &e) == -1)
			fail(&e);
		printf("%s\n", run);
		free(run);
		status = fflush(stdout) == EOF;
	} else {
		if (dbrev_fleet_run(f, v, &fo, &r, &e) == -1) {
			fleet_free_results(f, r);
			fail(&e);
		}
		status = fleet_report(f, r, v);
		fleet_free_results(f, r);
	}
	dbrev_buf_free(&text);
	dbrev_fleet_free(f);
	free(args);
	free(rel);
	exit(status);
}

/* An option of the run itself: table, lock and statement timeouts. */
static void
run_option(int c, struct dbrev_apply_options *o)
{
	char *end;

	switch (c) {
	case 'T':
		if (!table_name_ok(optarg))
			usage_error("bad --table name (letters, digits "
			    "and _, optionally schema.table): %s",
			    optarg);
		o->table = optarg;
		break;
	case 'L':
		o->lock_timeout = strtod(optarg, &end);
		/* !(x >= 0 && x <= 1e6) also refuses nan. */
		if (*optarg == '\0' || *end != '\0' ||
		    !(o->lock_timeout >= 0 && o->lock_timeout <= 1e6))
			usage_error("bad --lock-timeout (seconds, 0 "
			    "to 1000000): %s", optarg);
		break;
	case 'K':
		if (dbrev_duration_parse(optarg, strlen(optarg),
		    &o->statement_lock_timeout) == -1)
			usage_error("bad --statement-lock-timeout (500ms, "
			    "10s, 2min, 1h; 0: no limit): %s", optarg);
		break;
	case 'M':
		if (dbrev_duration_parse(optarg, strlen(optarg),
		    &o->statement_timeout) == -1)
			usage_error("bad --statement-timeout (500ms, 10s, "
			    "2min, 1h; 0: no limit): %s", optarg);
		break;
	case 'R':
		o->retries = (int)strtol(optarg, &end, 10);
		if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
		    o->retries < 0 || o->retries > 100 ||
		    end - optarg > 3)
			usage_error("bad --retries (0 to 100): %s", optarg);
		break;
	case '1':
		o->single_transaction = 1;
		break;
	}
}

/* An option of --fleet runs (into fa). */
static void
fleet_option(int c)
{
	switch (c) {
	case 'W':
		fa.file = optarg;
		break;
	case 'C':
		fa.cmd = optarg;
		break;
	case 'N':
		fa.name = optarg;
		break;
	case 'A':
		fleet_shard(optarg);
		break;
	case 'Y':
		fa.canary = optarg;
		break;
	case 'P':
		fa.stop = 1;
		break;
	case 'B':
		fa.backup_dir = optarg;
		break;
	case 'G':
		fa.keep = fleet_number("bad --backup-keep (1 to "
		    "1000000):", optarg, 1, 1000000);
		fa.have_keep = 1;
		break;
	case 'I':
		fa.run_dir = optarg;
		break;
	}
}

/* The run's flags besides its options (checked against the verb). */
struct flags {
	const char	*dialect;	/* --dialect */
	const char	*state_dir;	/* --state-dir */
	const char	*from;		/* --from */
	int		 sql;		/* --sql */
	int		 exit_code;	/* --exit-code */
	int		 test_opt;	/* an option of test's was given */
	int		 url_given;	/* -u */
};

/* Usage errors for flags that do not go with the verb. */
static void
check_flags(const struct flags *fl, const char *verb)
{
	if (fl->sql && strcmp(verb, "upgrade") != 0 &&
	    strcmp(verb, "downgrade") != 0)
		usage_error("--sql goes with upgrade or downgrade, not %s",
		    verb);
	if (fl->dialect != NULL && !fl->sql)
		usage_error("--dialect goes with --sql");
	if (fl->exit_code && strcmp(verb, "current") != 0 &&
	    strcmp(verb, "status") != 0)
		usage_error("--exit-code goes with current or status, not %s",
		    verb);
	if (fl->from != NULL && strcmp(verb, "adopt") != 0)
		usage_error("--from goes with adopt, not %s", verb);
	report_verb_check(verb, fl->test_opt);
	if (fl->state_dir != NULL && !fl->exit_code)
		usage_error("--state-dir goes with current --exit-code");
}

/* Run the verb; usage errors for its arguments. */
static void
run_verb(struct dbrev_apply_options *o, struct dbrev_stairway_options *so,
    const struct flags *fl, const char *verb, const char *arg1,
    const char *arg2)
{
	if (strcmp(verb, "upgrade") == 0 || strcmp(verb, "downgrade") == 0) {
		enum dbrev_direction dir = verb[0] == 'u' ? DBREV_UPGRADE :
		    DBREV_DOWNGRADE;

		if (fl->sql)
			cmd_sql(o, dir, arg1, fl->dialect);
		else
			cmd_run(o, dir, arg1);
	} else if (strcmp(verb, "current") == 0) {
		if (arg1 != NULL)
			usage_error("current takes no argument: %s", arg1);
		if (fl->exit_code)
			cmd_current_exit(o, fl->state_dir);
		cmd_current(o);
	} else if (strcmp(verb, "test") == 0) {
		cmd_test(so, o, arg1);
	} else if (strcmp(verb, "drift") == 0) {
		if (arg1 != NULL)
			usage_error("drift takes no argument: %s", arg1);
		cmd_drift(o, so->dev_url, so->exact_names);
	} else if (strcmp(verb, "status") == 0) {
		if (arg1 != NULL)
			usage_error("status takes no argument: %s", arg1);
		cmd_status(o, fl->exit_code);
	} else if (strcmp(verb, "history") == 0) {
		if (arg1 != NULL)
			usage_error("history takes no argument: %s", arg1);
		cmd_history(o);
	} else if (strcmp(verb, "stamp") == 0) {
		if (arg1 == NULL)
			usage_error("stamp needs a TARGET (head, heads, base "
			    "or a revision)");
		cmd_stamp(o, arg1);
	} else if (strcmp(verb, "resolve") == 0) {
		if (arg1 == NULL || arg2 == NULL)
			usage_error("resolve needs REVISION and 'applied' or "
			    "'reverted'");
		cmd_resolve(o, arg1, arg2);
	} else if (strcmp(verb, "adopt") == 0) {
		if (arg1 != NULL)
			usage_error("adopt takes no argument: %s", arg1);
		if (fl->from == NULL)
			usage_error("adopt needs --from KIND (alembic, dbmate, "
			    "diesel, flyway, golang-migrate, goose, sqitch)");
		cmd_adopt(o, fl->from);
	} else
		usage_error("unknown command: %s", verb);
}

static const struct option long_options[] = {
	{ "dir",		required_argument, NULL, 'd' },
	{ "url",		required_argument, NULL, 'u' },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "sql",		no_argument,	   NULL, 'S' },
	{ "dialect",		required_argument, NULL, 'D' },
	{ "table",		required_argument, NULL, 'T' },
	{ "lock-timeout",	required_argument, NULL, 'L' },
	{ "statement-lock-timeout", required_argument, NULL, 'K' },
	{ "statement-timeout",	required_argument, NULL, 'M' },
	{ "retries",		required_argument, NULL, 'R' },
	{ "single-transaction",	no_argument,	   NULL, '1' },
	{ "exit-code",		no_argument,	   NULL, 'E' },
	{ "state-dir",		required_argument, NULL, 'Z' },
	{ "from",		required_argument, NULL, 'f' },
	{ "format",		required_argument, NULL, 'F' },
	{ "dev-url",		required_argument, NULL, 'U' },
	{ "strict",		no_argument,	   NULL, 's' },
	{ "keep-going",		no_argument,	   NULL, 'k' },
	{ "data-hook",		required_argument, NULL, 'H' },
	{ "jobs",		required_argument, NULL, 'j' },
	{ "exact-names",	no_argument,	   NULL, 'x' },
	{ "fleet",		required_argument, NULL, 'W' },
	{ "fleet-cmd",		required_argument, NULL, 'C' },
	{ "name",		required_argument, NULL, 'N' },
	{ "shard",		required_argument, NULL, 'A' },
	{ "canary",		required_argument, NULL, 'Y' },
	{ "stop",		no_argument,	   NULL, 'P' },
	{ "backup-dir",		required_argument, NULL, 'B' },
	{ "backup-keep",	required_argument, NULL, 'G' },
	{ "run-dir",		required_argument, NULL, 'I' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ NULL,			0,		   NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct dbrev_apply_options o;
	struct dbrev_stairway_options so;
	struct flags fl = { 0 };
	const char *verb, *arg1, *arg2;
	int c, nargs = 0, nrel = 0, i, n;

	memset(&so, 0, sizeof(so));

	dbrev_apply_options_init(&o);
	if ((o.dir = getenv("DBREV_DIR")) == NULL || o.dir[0] == '\0')
		o.dir = "migrations";
	o.url = getenv("DATABASE_URL");

	/* Take "-1" / "+2" out before getopt sees them as options. */
	args = dbrev_xcalloc((size_t)argc + 1, sizeof(*args));
	rel = dbrev_xcalloc((size_t)argc + 1, sizeof(*rel));
	for (i = 0; i < argc; i++) {
		if (i > 0 && is_relative(argv[i]) && (i == 0 ||
		    (strcmp(argv[i - 1], "--lock-timeout") != 0 &&
		    strcmp(argv[i - 1], "--statement-lock-timeout") != 0 &&
		    strcmp(argv[i - 1], "--statement-timeout") != 0 &&
		    strcmp(argv[i - 1], "--retries") != 0)))
			rel[nrel++] = argv[i];
		else
			args[nargs++] = argv[i];
	}
	while ((c = getopt_long(nargs, args, "d:u:qv", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case 'u':
			o.url = optarg;
			fl.url_given = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'S':
			fl.sql = 1;
			break;
		case 'D':
			fl.dialect = optarg;
			break;
		case 'T': case 'L': case 'K': case 'M': case 'R': case '1':
			run_option(c, &o);
			break;
		case 'E':
			fl.exit_code = 1;
			break;
		case 'Z':
			fl.state_dir = optarg;
			break;
		case 'f':
			fl.from = optarg;
			break;
		case 'F': case 'U': case 's': case 'k': case 'H': case 'j':
		case 'x':
			report_option(c, &so, &fl.test_opt);
			break;
		case 'W': case 'C': case 'N': case 'A': case 'Y': case 'P':
		case 'B': case 'G': case 'I':
			fleet_option(c);
			break;
		case 'h':
			usage(stdout, 0);
		case 'V':
			version("revapply");
		default:
			usage(stderr, 2);
		}
	}
	/* Positional words, with the relative targets back in place. */
	n = nargs - optind;
	if (n + nrel == 0)
		usage_error("missing command");
	verb = n > 0 ? args[optind] : rel[0];
	arg1 = n > 1 ? args[optind + 1] : (nrel > 0 ? rel[0] : NULL);
	arg2 = n > 2 ? args[optind + 2] : NULL;
	if (n == 0 || n + nrel > 3 || (nrel > 0 && n > 1) || (n == 3 &&
	    strcmp(verb, "resolve") != 0))
		usage_error("too many arguments");
	if (o.dir[0] == '\0')
		usage_error("empty directory name for -d");
	if (fa.file != NULL || fa.cmd != NULL || fa.run_dir != NULL) {
		if (nrel > 0 || fl.sql || fl.exit_code || o.single_transaction ||
		    fl.url_given)
			usage_error("with a fleet, the fleet names the databases "
			    "(no -u) and a run is upgrade to head, current, "
			    "status or check");
		if (fa.have_keep && fa.backup_dir == NULL)
			usage_error("--backup-keep goes with --backup-dir");
		if (so.jobs == DBREV_STAIR_JOBS_AUTO)
			usage_error("--jobs auto goes with test");
		fa.jobs = so.jobs;
		fa.format = fleet_format;
		fleet_main(&o, fl.state_dir, verb, arg1);
	}
	if (fa.name != NULL || fa.shard_n != 0 || fa.canary != NULL ||
	    fa.stop || fa.backup_dir != NULL || fa.have_keep)
		usage_error("--name, --shard, --canary, --stop, --backup-dir "
		    "and --backup-keep go with --fleet");
	if (so.jobs > 64 && so.jobs != DBREV_STAIR_JOBS_AUTO)
		usage_error("bad --jobs (1 to 64): %u", so.jobs);

	check_flags(&fl, verb);
	/*
	 * Ranges side by side give one process's verdicts, except after a
	 * failure that --keep-going goes past: there, one process.
	 */
	if (so.jobs == 0)
		so.jobs = so.keep_going ? 1 : DBREV_STAIR_JOBS_AUTO;
	o.target = url_target = dbrev_target_new(o.url);
	run_verb(&o, &so, &fl, verb, arg1, arg2);
	dbrev_target_free(url_target);
	free(args);
	free(rel);
	return 0;
}
