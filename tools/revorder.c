/*
 * revorder - read a migrations directory, validate its revision graph
 * and print it: in apply order (default), its heads, its history, or a
 * make include; or lint the revisions' SQL.  All the work is in
 * libdbrev (dbrev/graph.h, dbrev/lint.h).
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/graph.h"
#include "dbrev/json.h"
#include "dbrev/lint.h"
#include "dbrev/mkname.h"

#include "front.h"

enum mode {
	M_ORDER,
	M_HEADS,
	M_HISTORY,
	M_CHECK,
	M_MAKE,
	M_LINT
};

static int	 quiet, verbose, json;

void
usage(FILE *f, int status)
{
	fprintf(f, "usage: revorder [-qv] [-d DIR] [--heads | --history | --check | "
	    "--format=make] [--single-head]\n"
	    "       revorder [-qv] [-d DIR] --lint [--since REV] "
	    "[-u URL [--table NAME] | --dialect NAME]\n");
	if (f == stdout)
		fprintf(f,
		    "\n"
		    "Print the revisions of DIR/versions in apply order, one\n"
		    "\"revision<TAB>file\" per line, after checking the graph.\n"
		    "\n"
		    "  -d, --dir DIR     migrations directory (default $DBREV_DIR or migrations)\n"
		    "      --heads       the heads, in apply order\n"
		    "      --history     newest first: parents -> revision, message\n"
		    "      --check       validate only (exit 0 valid, 2 invalid)\n"
		    "      --format=make a make include: DBREV_REVISIONS, DBREV_HEADS,\n"
		    "                    DBREV_REPEATABLES, DBREV_FILES\n"
		    "      --format=json the listing (order, --heads, --history) as JSON\n"
		    "      --single-head several heads are an error\n"
		    "      --lint        find dangerous SQL (findings on stdout; exit 1 on an error)\n"
		    "      --since REV   lint only the revisions an upgrade from REV applies\n"
		    "  -u, --url URL     lint only the revisions not applied there\n"
		    "      --table NAME  its version table (default dbrev_revisions)\n"
		    "      --dialect NAME sqlite or postgresql (default: $DATABASE_URL's)\n"
		    "  -q, --quiet       no notes\n"
		    "  -v, --verbose     more detail\n"
		    "      --help        this text\n"
		    "      --version     print the version\n");
	exit(status);
}

/*
 * What a listing cannot carry is refused, one error per file: a control
 * character in a path breaks every line of a text listing, and for
 * --format=make any byte make would read as syntax (dbrev/mkname.h).
 */
static void
check_names(const char *dir, const struct dbrev_graph *g, int for_make)
{
	static const char *const what[] = { "a listing of one revision per "
	    "line", "make" };
	struct dbrev_error e = { 0 };
	struct dbrev_buf path = { 0 }, c = { 0 };
	const struct dbrev_revision *r;
	const char *bad, *name;
	char one[2] = { 0 };
	size_t i, n = dbrev_graph_count(g), nr = dbrev_graph_nrepeatable(g);
	int dir_bad;

	bad = for_make ? dbrev_mkname_bad(dir) : dbrev_name_control(dir);
	if ((dir_bad = bad != NULL)) {
		one[0] = *bad;
		dbrev_mkname_show(&path, dir);
		dbrev_mkname_show(&c, one);
		dbrev_error_set(&e, DBREV_ERR_INPUT, path.data, 0,
		    "use a migrations directory without it (-d, DB_DIR)",
		    "the directory name holds '%s', which %s cannot handle",
		    c.data, what[for_make]);
	}
	for (i = 0; !dir_bad && i < n + nr; i++) {
		r = i < n ? dbrev_graph_at(g, i) :
		    dbrev_graph_repeatable(g, i - n);
		name = strrchr(r->path, '/');
		name = name != NULL ? name + 1 : r->path;
		bad = for_make ? dbrev_mkname_bad(name) :
		    dbrev_name_control(name);
		if (bad == NULL)
			continue;
		one[0] = *bad;
		dbrev_buf_reset(&path);
		dbrev_buf_reset(&c);
		dbrev_mkname_show(&path, r->path);
		dbrev_mkname_show(&c, one);
		dbrev_error_set(&e, DBREV_ERR_INPUT, path.data, 0, "rename it",
		    "the file name holds '%s', which %s cannot handle", c.data,
		    what[for_make]);
	}
	dbrev_buf_free(&path);
	dbrev_buf_free(&c);
	if (dbrev_error_isset(&e))
		fail(&e);
}

/* --format=json: the listing of mode; returns M_LINT (nothing left). */
static enum mode
print_json(enum mode mode, const struct dbrev_graph *g, const size_t *heads,
    size_t nheads)
{
	struct dbrev_buf b = { 0 };

	dbrev_json_graph(&b, mode == M_ORDER ? "order" : mode == M_HEADS ?
	    "heads" : "history", g, mode == M_HEADS ? heads : NULL, nheads);
	if (fwrite(b.data, 1, b.len, stdout) != b.len)
		err(1, "stdout");
	dbrev_buf_free(&b);
	return M_LINT;
}

static void
print_heads(const struct dbrev_graph *g, const size_t *heads, size_t nheads)
{
	const struct dbrev_revision *r;
	size_t i;

	for (i = 0; i < nheads; i++) {
		r = dbrev_graph_at(g, heads[i]);
		if (r->message[0] != '\0')
			printf("%s (head), %s\n", r->id, r->message);
		else
			printf("%s (head)\n", r->id);
		if (verbose)
			printf("    %s\n", r->path);
	}
}

/* Repeatables run last: newest first, they head the history. */
static void
print_repeatables(const struct dbrev_graph *g)
{
	const struct dbrev_revision *r;
	size_t i, j;

	for (i = dbrev_graph_nrepeatable(g); i > 0; i--) {
		r = dbrev_graph_repeatable(g, i - 1);
		printf("<repeatable> -> %s", r->id);
		if (r->message[0] != '\0')
			printf(", %s", r->message);
		putchar('\n');
		if (verbose) {
			printf("    file: %s\n", r->path);
			if (r->ndepends > 0) {
				fputs("    depends:", stdout);
				for (j = 0; j < r->ndepends; j++)
					printf(" %s", r->depends[j]);
				putchar('\n');
			}
		}
	}
}

static void
print_history(const struct dbrev_graph *g)
{
	struct dbrev_buf line = { 0 };
	const struct dbrev_revision *r;
	size_t i, j, n = dbrev_graph_count(g);

	print_repeatables(g);
	for (i = n; i > 0; i--) {
		r = dbrev_graph_at(g, i - 1);
		dbrev_buf_reset(&line);
		dbrev_graph_history_line(&line, g, i - 1, NULL);
		fputs(line.data, stdout);
		if (verbose) {
			printf("    file: %s\n", r->path);
			if (r->created[0] != '\0')
				printf("    created: %s\n", r->created);
			if (r->ndepends > 0) {
				fputs("    depends:", stdout);
				for (j = 0; j < r->ndepends; j++)
					printf(" %s", r->depends[j]);
				putchar('\n');
			}
			if (!r->has_downgrade)
				fputs("    irreversible\n", stdout);
			if (!r->transactional)
				fputs("    transaction: none\n", stdout);
		}
	}
	dbrev_buf_free(&line);
}

static void
print_make(const struct dbrev_graph *g, const size_t *heads, size_t nheads)
{
	size_t i, n = dbrev_graph_count(g);

	puts("# generated by revorder --format=make; do not edit");
	fputs("DBREV_REVISIONS :=", stdout);
	for (i = 0; i < n; i++)
		printf(" %s", dbrev_graph_at(g, i)->id);
	fputs("\nDBREV_HEADS :=", stdout);
	for (i = 0; i < nheads; i++)
		printf(" %s", dbrev_graph_at(g, heads[i])->id);
	fputs("\nDBREV_REPEATABLES :=", stdout);
	for (i = 0; i < dbrev_graph_nrepeatable(g); i++)
		printf(" %s", dbrev_graph_repeatable(g, i)->id);
	fputs("\nDBREV_FILES :=", stdout);
	for (i = 0; i < n; i++)
		printf(" %s", dbrev_graph_at(g, i)->path);
	for (i = 0; i < dbrev_graph_nrepeatable(g); i++)
		printf(" %s", dbrev_graph_repeatable(g, i)->path);
	putchar('\n');
}

/* Lint arguments, kept for after the mode is known. */
struct lint_args {
	const char	*url;		/* -u */
	const char	*dialect;	/* --dialect */
	const char	*since;		/* --since */
	const char	*table;		/* --table */
};

/*
 * --lint: one finding per line on stdout, a summary on stderr.  Only an
 * explicit -u URL is read for what is applied; $DATABASE_URL only names
 * the dialect (so every revision is linted unless asked otherwise).
 */
static int
lint(const char *dir, const struct lint_args *a)
{
	struct dbrev_lint_options o;
	struct dbrev_lint_result res;
	const struct dbrev_lint_finding *f;
	struct dbrev_buf line = { 0 };
	struct dbrev_error e;
	const char *env = getenv("DATABASE_URL");
	size_t i;

	dbrev_lint_options_init(&o);
	o.dir = dir;
	o.url = a->url;
	o.since = a->since;
	o.table = a->table;
	if (a->url != NULL && (a->dialect != NULL || a->since != NULL))
		usage_error("-u names the database to compare with; leave out "
		    "--dialect and --since");
	if (a->table != NULL && a->url == NULL)
		usage_error("--table goes with -u");
	if (a->dialect != NULL &&
	    (o.dialect = dbrev_dialect_from_name(a->dialect)) ==
	    DBREV_DIALECT_UNKNOWN)
		usage_error("unknown dialect (sqlite or postgresql): %s",
		    a->dialect);
	if (a->url == NULL && a->dialect == NULL && env != NULL)
		o.dialect = dbrev_url_dialect(env);
	if (a->url == NULL && o.dialect == DBREV_DIALECT_UNKNOWN)
		usage_error("--lint needs the database: --dialect sqlite|"
		    "postgresql, -u URL or DATABASE_URL");
	dbrev_error_init(&e);
	if (dbrev_lint_run(&o, &res, &e) == -1)
		fail(&e);
	/* One line each: a control character in a name is shown escaped. */
	for (i = 0; i < res.nfindings; i++) {
		f = &res.findings[i];
		dbrev_buf_reset(&line);
		dbrev_mkname_show(&line, f->file);
		dbrev_buf_printf(&line, ":%u: %s: %s", f->line, f->rule,
		    f->level == DBREV_LINT_WARNING ? "warning: " : "");
		dbrev_mkname_show(&line, f->message);
		if (f->hint != NULL) {
			dbrev_buf_puts(&line, "; ");
			dbrev_mkname_show(&line, f->hint);
		}
		puts(line.data);
	}
	dbrev_buf_free(&line);
	if (!quiet && res.nallowed > 0)
		warnx("lint: %zu revision%s checked: %zu error%s, %zu "
		    "warning%s, %zu allowed by 'lint: allow' lines",
		    res.nrevisions, res.nrevisions == 1 ? "" : "s", res.nerrors,
		    res.nerrors == 1 ? "" : "s", res.nwarnings,
		    res.nwarnings == 1 ? "" : "s", res.nallowed);
	else if (!quiet)
		warnx("lint: %zu revision%s checked: %zu error%s, %zu "
		    "warning%s", res.nrevisions, res.nrevisions == 1 ? "" :
		    "s", res.nerrors, res.nerrors == 1 ? "" : "s",
		    res.nwarnings, res.nwarnings == 1 ? "" : "s");
	i = res.nerrors;
	dbrev_lint_result_free(&res);
	stdout_done();
	return i > 0 ? 1 : 0;
}

/*
 * Several heads: an error with --single-head (exit 2), a note with
 * --check, else nothing.
 */
static void
several_heads(const char *dir, struct dbrev_graph *g, size_t *heads,
    size_t nheads, int single_head, int check)
{
	struct dbrev_buf list = { 0 };
	struct dbrev_error e;
	size_t i;

	dbrev_error_init(&e);
	for (i = 0; i < nheads; i++)
		dbrev_buf_printf(&list, "%s%s", i ? ", " : "",
		    dbrev_graph_at(g, heads[i])->id);
	if (single_head) {
		dbrev_error_set(&e, DBREV_ERR_INPUT, dir, 0,
		    "merge them with 'revgen merge -m MESSAGE'",
		    "several heads: %s", list.data);
		free(heads);
		dbrev_buf_free(&list);
		dbrev_graph_free(g);
		fail(&e);
	}
	if (check && !quiet)
		warnx("note: several heads: %s; 'revgen merge' joins "
		    "them", list.data);
	dbrev_buf_free(&list);
}

static const struct option long_options[] = {
	{ "dir",	 required_argument, NULL, 'd' },
	{ "url",	 required_argument, NULL, 'u' },
	{ "quiet",	 no_argument,	    NULL, 'q' },
	{ "verbose",	 no_argument,	    NULL, 'v' },
	{ "heads",	 no_argument,	    NULL, 'H' },
	{ "history",	 no_argument,	    NULL, 'Y' },
	{ "check",	 no_argument,	    NULL, 'C' },
	{ "format",	 required_argument, NULL, 'f' },
	{ "single-head", no_argument,	    NULL, 'S' },
	{ "lint",	 no_argument,	    NULL, 'L' },
	{ "since",	 required_argument, NULL, 's' },
	{ "dialect",	 required_argument, NULL, 'D' },
	{ "table",	 required_argument, NULL, 'T' },
	{ "help",	 no_argument,	    NULL, 'h' },
	{ "version",	 no_argument,	    NULL, 'V' },
	{ NULL,		 0,		    NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct dbrev_error e;
	struct dbrev_graph *g;
	struct lint_args la = { NULL, NULL, NULL, NULL };
	const char *dir = getenv("DBREV_DIR");
	enum mode mode = M_ORDER, want;
	int c, single_head = 0, modes = 0;
	size_t *heads, nheads, i, n;

	if (dir == NULL || dir[0] == '\0')
		dir = "migrations";
	while ((c = getopt_long(argc, argv, "d:u:qv", long_options,
	    NULL)) != -1) {
		want = mode;
		switch (c) {
		case 'd':
			dir = optarg;
			continue;
		case 'u':	/* common option; only --lint reads it */
			la.url = optarg;
			continue;
		case 's':
			la.since = optarg;
			continue;
		case 'D':
			la.dialect = optarg;
			continue;
		case 'T':
			la.table = optarg;
			continue;
		case 'L':
			want = M_LINT;
			break;
		case 'q':
			quiet = 1;
			continue;
		case 'v':
			verbose = 1;
			continue;
		case 'S':
			single_head = 1;
			continue;
		case 'H':
			want = M_HEADS;
			break;
		case 'Y':
			want = M_HISTORY;
			break;
		case 'C':
			want = M_CHECK;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				/* A form of the listing, not a mode. */
				json = 1;
				continue;
			}
			if (strcmp(optarg, "make") == 0)
				want = M_MAKE;
			else if (strcmp(optarg, "text") == 0)
				want = M_ORDER;
			else
				usage_error("unknown format (make, json or "
				    "text): %s",
				    optarg);
			break;
		case 'h':
			usage(stdout, 0);
		case 'V':
			version("revorder");
		default:
			usage(stderr, 2);
		}
		if (modes++ > 0 && want != mode)
			usage_error("choose one of --heads, --history, --check, "
			    "--format and --lint");
		mode = want;
	}
	if (optind < argc)
		usage_error("unexpected argument: %s", argv[optind]);
	if (dir[0] == '\0')
		usage_error("empty directory name for -d");
	if (mode == M_LINT)
		return lint(dir, &la);
	if (la.since != NULL || la.dialect != NULL || la.table != NULL)
		usage_error("--since, --dialect and --table go with --lint");

	if (json && mode != M_ORDER && mode != M_HEADS && mode != M_HISTORY)
		usage_error("--format=json goes with the listings (apply order, "
		    "--heads, --history)");

	dbrev_error_init(&e);
	/* Everything is checked, but no SQL text is kept in memory. */
	if (dbrev_graph_load(dir, DBREV_PARSE_HEADER_ONLY, &g, &e) == -1)
		fail(&e);
	/* Only where paths are printed (--check prints none). */
	if (!json && (mode == M_MAKE || mode == M_ORDER ||
	    (verbose && (mode == M_HEADS || mode == M_HISTORY))))
		check_names(dir, g, mode == M_MAKE);
	n = dbrev_graph_count(g);
	heads = dbrev_xmalloc((n ? n : 1) * sizeof(*heads));
	nheads = dbrev_graph_heads(g, heads);
	if (nheads > 1)
		several_heads(dir, g, heads, nheads, single_head,
		    mode == M_CHECK);

	if (json)
		mode = print_json(mode, g, heads, nheads);
	switch (mode) {
	case M_ORDER:
		for (i = 0; i < n; i++)
			printf("%s\t%s\n", dbrev_graph_at(g, i)->id,
			    dbrev_graph_at(g, i)->path);
		for (i = 0; i < dbrev_graph_nrepeatable(g); i++)
			printf("%s\t%s\n", dbrev_graph_repeatable(g, i)->id,
			    dbrev_graph_repeatable(g, i)->path);
		break;
	case M_HEADS:
		print_heads(g, heads, nheads);
		break;
	case M_HISTORY:
		print_history(g);
		break;
	case M_CHECK:
		if (verbose) {
			size_t nr = dbrev_graph_nrepeatable(g);

			printf("%s: %zu revision%s, %zu head%s", dir, n,
			    n == 1 ? "" : "s", nheads, nheads == 1 ? "" : "s");
			if (nr > 0)
				printf(", %zu repeatable%s", nr,
				    nr == 1 ? "" : "s");
			puts(": valid");
		}
		break;
	case M_MAKE:
		print_make(g, heads, nheads);
		break;
	case M_LINT:	/* handled before the graph is loaded */
		break;
	}
	free(heads);
	dbrev_graph_free(g);
	stdout_done();
	return 0;
}
