/*
 * revapply - bring a database to a target revision (upgrade, downgrade,
 * stamp, resolve), report where it stands (current, history), or print
 * the SQL offline (--sql).  All the work is in libdbrev (dbrev/apply.h).
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/adopt.h"
#include "dbrev/apply.h"
#include "dbrev/track.h"

#include "front.h"

static int	 quiet, verbose;
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
	    "                adopt --from KIND\n");
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

static void
cmd_current(struct dbrev_apply_options *o)
{
	struct dbrev_status st;
	struct dbrev_error e = { 0 };
	const struct dbrev_revision *r;
	size_t i, n, unknown;

	if (dbrev_apply_status(o, &st, &e) == -1)
		fail(&e);
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
		for (i = dbrev_graph_count(g); i > 0; i--)
			print_history_line(g, i - 1, NULL, NULL);
		dbrev_graph_free(g);
		return;
	}
	if (dbrev_apply_status(o, &st, &e) == -1)
		fail(&e);
	n = dbrev_graph_count(st.graph);
	current = dbrev_xcalloc(n + 1, 1);
	for (i = 0; i < st.ncurrent; i++)
		current[st.current[i]] = 1;
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

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
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
		{ "from",		required_argument, NULL, 'F' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "version",		no_argument,	   NULL, 'V' },
		{ NULL,			0,		   NULL, 0 }
	};
	struct dbrev_apply_options o;
	struct dbrev_target *target;
	const char *dialect = NULL, *verb, *arg1, *arg2, *state_dir = NULL;
	const char *from = NULL;
	char *end;
	int c, sql = 0, nargs = 0, nrel = 0, i, n, exit_code = 0;

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
	while ((c = getopt_long(nargs, args, "d:u:qv", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case 'u':
			o.url = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'S':
			sql = 1;
			break;
		case 'D':
			dialect = optarg;
			break;
		case 'T':
			if (!table_name_ok(optarg))
				usage_error("bad --table name (letters, digits "
				    "and _, optionally schema.table): %s",
				    optarg);
			o.table = optarg;
			break;
		case 'L':
			o.lock_timeout = strtod(optarg, &end);
			/* !(x >= 0 && x <= 1e6) also refuses nan. */
			if (*optarg == '\0' || *end != '\0' ||
			    !(o.lock_timeout >= 0 && o.lock_timeout <= 1e6))
				usage_error("bad --lock-timeout (seconds, 0 "
				    "to 1000000): %s", optarg);
			break;
		case 'K':
			if (dbrev_duration_parse(optarg, strlen(optarg),
			    &o.statement_lock_timeout) == -1)
				usage_error("bad --statement-lock-timeout (500ms, "
				    "10s, 2min, 1h; 0: no limit): %s", optarg);
			break;
		case 'M':
			if (dbrev_duration_parse(optarg, strlen(optarg),
			    &o.statement_timeout) == -1)
				usage_error("bad --statement-timeout (500ms, 10s, "
				    "2min, 1h; 0: no limit): %s", optarg);
			break;
		case 'R':
			o.retries = (int)strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    o.retries < 0 || o.retries > 100 ||
			    end - optarg > 3)
				usage_error("bad --retries (0 to 100): %s", optarg);
			break;
		case '1':
			o.single_transaction = 1;
			break;
		case 'E':
			exit_code = 1;
			break;
		case 'Z':
			state_dir = optarg;
			break;
		case 'F':
			from = optarg;
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

	if (sql && strcmp(verb, "upgrade") != 0 &&
	    strcmp(verb, "downgrade") != 0)
		usage_error("--sql goes with upgrade or downgrade, not %s",
		    verb);
	if (dialect != NULL && !sql)
		usage_error("--dialect goes with --sql");
	if (exit_code && strcmp(verb, "current") != 0)
		usage_error("--exit-code goes with current, not %s", verb);
	if (from != NULL && strcmp(verb, "adopt") != 0)
		usage_error("--from goes with adopt, not %s", verb);
	if (state_dir != NULL && !exit_code)
		usage_error("--state-dir goes with current --exit-code");

	/* The URL, read once. */
	o.target = target = dbrev_target_new(o.url);
	if (strcmp(verb, "upgrade") == 0 || strcmp(verb, "downgrade") == 0) {
		enum dbrev_direction dir = verb[0] == 'u' ? DBREV_UPGRADE :
		    DBREV_DOWNGRADE;

		if (sql)
			cmd_sql(&o, dir, arg1, dialect);
		else
			cmd_run(&o, dir, arg1);
	} else if (strcmp(verb, "current") == 0) {
		if (arg1 != NULL)
			usage_error("current takes no argument: %s", arg1);
		if (exit_code)
			cmd_current_exit(&o, state_dir);
		cmd_current(&o);
	} else if (strcmp(verb, "history") == 0) {
		if (arg1 != NULL)
			usage_error("history takes no argument: %s", arg1);
		cmd_history(&o);
	} else if (strcmp(verb, "stamp") == 0) {
		if (arg1 == NULL)
			usage_error("stamp needs a TARGET (head, heads, base "
			    "or a revision)");
		cmd_stamp(&o, arg1);
	} else if (strcmp(verb, "resolve") == 0) {
		if (arg1 == NULL || arg2 == NULL)
			usage_error("resolve needs REVISION and 'applied' or "
			    "'reverted'");
		cmd_resolve(&o, arg1, arg2);
	} else if (strcmp(verb, "adopt") == 0) {
		if (arg1 != NULL)
			usage_error("adopt takes no argument: %s", arg1);
		if (from == NULL)
			usage_error("adopt needs --from KIND (alembic, dbmate, "
			    "diesel, flyway, golang-migrate, goose, sqitch)");
		cmd_adopt(&o, from);
	} else
		usage_error("unknown command: %s", verb);
	dbrev_target_free(target);
	free(args);
	free(rel);
	return 0;
}
