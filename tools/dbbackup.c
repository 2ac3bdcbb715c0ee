/*
 * dbbackup - take, verify, list, prune and restore consistent backups of
 * a database.  All the work is in libdbrev (dbrev/backup.h); this file
 * parses arguments and prints.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbrev/backup.h"

#include "front.h"

static int	 quiet, verbose;

/* Progress on a terminal: when it last printed, and whether it did. */
static double	 progress_last;
static double	 progress_start;
static int	 progress_shown;

#define PROGRESS_MIN_BYTES	(64ULL << 20)	/* smaller copies are quick */

void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: dbbackup [-qv] [-u URL] [-d DIR] [--backup-dir DIR | -o FILE] "
	    "[--keep N]\n"
	    "                [--table NAME] [--lock-timeout SEC] "
	    "[--pg-dump PATH] [--pg-restore PATH]\n"
	    "       dbbackup [-q] [-u URL] --prune --keep N [--backup-dir DIR]\n"
	    "       dbbackup [-q] [-u URL] --list [--backup-dir DIR]\n"
	    "       dbbackup [-qv] [-u URL] [--pg-restore PATH] --verify FILE\n"
	    "       dbbackup [-qv] [-u URL] [-d DIR] [--backup-dir DIR] "
	    "[--table NAME]\n"
	    "                [--lock-timeout SEC] [--pg-dump PATH] "
	    "[--pg-restore PATH]\n"
	    "                [--force] [--no-safety-backup] --restore FILE\n");
	if (f == stdout)
		fprintf(f,
		    "\n"
		    "  (no mode)            take a backup, print its path\n"
		    "  --list               the database's backups in --backup-dir\n"
		    "                       (all without a URL), oldest first:\n"
		    "                       time, revision, size in bytes, path\n"
		    "  --verify FILE        check a backup thoroughly\n"
		    "  --restore FILE       verify, back up the database into\n"
		    "                       --backup-dir, then restore FILE into it\n"
		    "  --prune              with --keep: prune only, take no backup\n"
		    "\n"
		    "  -u, --url URL           database (default $DATABASE_URL)\n"
		    "  -d DIR                  migrations directory, names the revision\n"
		    "                          (default $DBREV_DIR or migrations)\n"
		    "      --backup-dir DIR    backup directory (default "
		    DBREV_BACKUP_DEFAULT_DIR ")\n"
		    "      --dir DIR           old spelling of --backup-dir (deprecated)\n"
		    "  -o, --output FILE       write exactly FILE (never overwritten)\n"
		    "      --keep N            after the backup, keep the newest N of this\n"
		    "                          database's backups in --backup-dir, remove older ones\n"
		    "      --table NAME        version table (default "
		    DBREV_DEFAULT_TABLE ")\n"
		    "      --lock-timeout SEC  wait this long for another connection's\n"
		    "                          lock (default 60; 0: do not wait)\n"
		    "      --pg-dump PATH      pg_dump to run (default: searched)\n"
		    "      --pg-restore PATH   pg_restore to run (default: searched)\n"
		    "      --force             restore a backup of another database too\n"
		    "      --no-safety-backup  restore without backing up the database first\n"
		    "  -q, --quiet             no progress or notes\n"
		    "  -v, --verbose           more detail\n"
		    "      --help              this text\n"
		    "      --version           print the version\n");
	exit(status);
}


static void
on_signal(int sig)
{
	dbrev_backup_interrupted();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
human(char *buf, size_t size, unsigned long long n)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", n);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
}

/* Warnings show even with -q: they are about the user's data. */
static void
on_warn(void *arg, const char *msg)
{
	(void)arg;
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
	fprintf(stderr, "dbbackup: warning: %s\n", msg);
}

static void
on_progress(void *arg, unsigned long long done, unsigned long long total)
{
	char a[32], b[32];
	double now = dbrev_now_ms();

	(void)arg;
	if (total < PROGRESS_MIN_BYTES)
		return;
	if (done < total && now - progress_last < 200)
		return;
	progress_last = now;
	human(a, sizeof a, done);
	human(b, sizeof b, total);
	fprintf(stderr, "\rdbbackup: %3d%% %s of %s\033[K",
	    (int)(total ? done * 100 / total : 0), a, b);
	progress_shown = 1;
}

static void
progress_done(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

static int
parse_keep(const char *s, size_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v == 0 ||
	    v > 1000000)
		return -1;
	*out = (size_t)v;
	return 0;
}

/*
 * Which database url names, for --list and --keep: its identity, its
 * label (for backups without a record) and kind.  Without a URL, id and
 * label are NULL: every database.
 */
static void
which_db(const char *url, char **id, char **label,
    enum dbrev_backup_kind *kind, struct dbrev_error *err)
{
	*id = *label = NULL;
	*kind = DBREV_BACKUP_NONE;
	if (url == NULL)
		return;
	if (dbrev_backup_identity(url, id, err) == -1 ||
	    dbrev_backup_url_label(url, label, err) == -1)
		fail(err);
	*kind = dbrev_backup_kind_for(dbrev_url_dialect(url));
}

static void
do_list(const char *dir, const char *url, struct dbrev_error *err)
{
	struct dbrev_backup_entry *v;
	enum dbrev_backup_kind kind;
	size_t n, i, unrecorded = 0;
	char *id, *label;

	which_db(url, &id, &label, &kind, err);
	if (dbrev_backup_list(dir, id, label, kind, &v, &n, err) == -1)
		fail(err);
	for (i = 0; i < n; i++) {
		struct tm tm;
		char when[32];

		gmtime_r(&v[i].name.time, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%s  %-14s %12lld  %s\n", when, v[i].name.revision,
		    (long long)v[i].size, v[i].path);
		unrecorded += v[i].record != DBREV_RECORD_OK;
	}
	if (n == 0 && !quiet)
		fprintf(stderr, "dbbackup: no backups %sin %s\n",
		    id != NULL ? "of this database " : "", dir);
	if (id != NULL && unrecorded > 0)
		on_warn(NULL, unrecorded == 1 ?
		    "1 of these is listed by its name only: it does not "
		    "record which database it is of (an older dbbackup "
		    "wrote it)" : "some of these are listed by their name "
		    "only: they do not record which database they are of "
		    "(an older dbbackup wrote them)");
	dbrev_backup_entries_free(v, n);
	free(id);
	free(label);
}

/* Remove this database's backups beyond the newest keep. */
static int
prune(const char *url, const char *dir, size_t keep, struct dbrev_error *err)
{
	enum dbrev_backup_kind kind;
	size_t i, unrecorded = 0;
	char **removed = NULL;
	char *id = NULL, *label = NULL;
	int rc;

	/* Which files are this database's needs no connection. */
	if (url == NULL || dbrev_url_dialect(url) == DBREV_DIALECT_UNKNOWN)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "set DATABASE_URL or pass -u URL",
		    "--keep needs the database's URL to know its backups");
	which_db(url, &id, &label, &kind, err);
	rc = dbrev_backup_prune(dir, id, label, kind, keep, &removed,
	    &unrecorded, err);
	if (removed != NULL) {
		for (i = 0; removed[i] != NULL; i++) {
			if (!quiet)
				fprintf(stderr, "dbbackup: removed %s\n",
				    removed[i]);
			free(removed[i]);
		}
		free(removed);
	}
	if (unrecorded > 0 && !quiet)
		fprintf(stderr, "dbbackup: left alone: %zu backup(s) named "
		    "like this database's that do not record which database "
		    "they are of (an older dbbackup wrote them); remove them "
		    "by hand when no longer needed\n", unrecorded);
	free(id);
	free(label);
	return rc;
}

/* -v: what a backup's record says. */
static void
record_detail(const struct dbrev_backup_result *res)
{
	if (res->record == DBREV_RECORD_OK) {
		char *db = dbrev_backup_oneline(res->database, 0);

		fprintf(stderr, "dbbackup: a backup of %s at %s, taken %s\n",
		    db, res->revision != NULL ? res->revision : "?",
		    res->taken != NULL ? res->taken : "?");
		free(db);
	} else
		fprintf(stderr, "dbbackup: it does not record which database "
		    "it is of (an older dbbackup wrote it)\n");
}

enum mode { M_TAKE, M_LIST, M_VERIFY, M_RESTORE, M_PRUNE };

/* The command line, read and checked. */
struct args {
	struct dbrev_backup_opts o;
	const char	*url;		/* NULL: none */
	const char	*dir;		/* backup directory */
	const char	*out;		/* -o FILE, or NULL */
	const char	*file;		/* of --verify and --restore */
	enum mode	 mode;
	int		 have_keep;
	size_t		 keep;
};

enum {
	OPT_BACKUP_DIR = 256, OPT_DIR, OPT_LIST, OPT_KEEP, OPT_VERIFY,
	OPT_RESTORE, OPT_PRUNE, OPT_TABLE, OPT_LOCK_TIMEOUT, OPT_PG_DUMP,
	OPT_PG_RESTORE, OPT_HELP, OPT_VERSION, OPT_FORCE, OPT_NO_SAFETY
};

static const struct option longopts[] = {
	{ "url", required_argument, NULL, 'u' },
	{ "output", required_argument, NULL, 'o' },
	{ "backup-dir", required_argument, NULL, OPT_BACKUP_DIR },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "restore", required_argument, NULL, OPT_RESTORE },
	{ "prune", no_argument, NULL, OPT_PRUNE },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
	{ "pg-dump", required_argument, NULL, OPT_PG_DUMP },
	{ "pg-restore", required_argument, NULL, OPT_PG_RESTORE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "no-safety-backup", no_argument, NULL, OPT_NO_SAFETY },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static double
parse_lock_timeout(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < 0 || v > 1e6)
		usage_error("bad --lock-timeout (seconds, 0 to 1000000): %s",
		    s);
	return v;
}

/* A mode option: at most one is given. */
static void
set_mode(struct args *a, enum mode m, const char *file, int *nmodes)
{
	a->mode = m;
	a->file = file;
	(*nmodes)++;
}

/*
 * --dir is the old spelling of --backup-dir: it still works, and says
 * so where a person reads it (a script's stderr stays as it was).
 */
static void
deprecated_dir(void)
{
	if (!quiet && isatty(STDERR_FILENO))
		fprintf(stderr, "dbbackup: --dir is deprecated, write "
		    "--backup-dir (-d is the migrations directory, as in "
		    "revgen, revapply and revorder)\n");
}

/* The options of one getopt_long answer; returns 0, or -1 for --dir. */
static int
parse_option(struct args *a, int ch, const char **migdir, int *nmodes)
{
	switch (ch) {
	case 'd':
		*migdir = optarg;
		break;
	case 'o':
		a->out = optarg;
		break;
	case 'q':
		quiet = 1;
		break;
	case 'u':
		a->url = optarg;
		break;
	case 'v':
		verbose = 1;
		break;
	case OPT_DIR:
		a->dir = optarg;
		return -1;
	case OPT_BACKUP_DIR:
		a->dir = optarg;
		break;
	case OPT_LIST:
		set_mode(a, M_LIST, NULL, nmodes);
		break;
	case OPT_KEEP:
		if (parse_keep(optarg, &a->keep) == -1)
			usage_error("--keep wants a whole number of "
			    "backups, 1 or more, not %s", optarg);
		a->have_keep = 1;
		break;
	case OPT_VERIFY:
		set_mode(a, M_VERIFY, optarg, nmodes);
		break;
	case OPT_RESTORE:
		set_mode(a, M_RESTORE, optarg, nmodes);
		break;
	case OPT_PRUNE:
		set_mode(a, M_PRUNE, NULL, nmodes);
		break;
	case OPT_TABLE:
		a->o.table = optarg;
		break;
	case OPT_LOCK_TIMEOUT:
		a->o.lock_timeout = parse_lock_timeout(optarg);
		break;
	case OPT_PG_DUMP:
		a->o.pg_dump = optarg;
		break;
	case OPT_PG_RESTORE:
		a->o.pg_restore = optarg;
		break;
	case OPT_FORCE:
		a->o.force = 1;
		break;
	case OPT_NO_SAFETY:
		a->o.no_safety_backup = 1;
		break;
	case OPT_HELP:
		usage(stdout, 0);
	case OPT_VERSION:
		version("dbbackup");
	default:
		usage(stderr, 2);
	}
	return 0;
}

/* The options that do not go together are refused, exit 2. */
static void
check_args(const struct args *a, int nmodes)
{
	if (nmodes > 1)
		usage_error("give at most one of --list, --verify, --restore "
		    "and --prune");
	if (a->mode == M_PRUNE && !a->have_keep)
		usage_error("--prune needs --keep N");
	if (a->have_keep && a->mode != M_TAKE && a->mode != M_PRUNE)
		usage_error("--keep goes with taking a backup or --prune");
	if (a->out != NULL && (a->mode != M_TAKE || a->have_keep))
		usage_error("-o goes with taking a backup, without --keep");
	if (a->out != NULL && *a->out == '\0')
		usage_error("-o wants a file name");
	if (*a->dir == '\0')
		usage_error("--backup-dir wants a directory");
	if ((a->o.force || a->o.no_safety_backup) && a->mode != M_RESTORE)
		usage_error("--force and --no-safety-backup go with --restore");
}

static void
parse_args(int argc, char *argv[], struct args *a)
{
	const char *migdir = getenv("DBREV_DIR");
	int nmodes = 0, old_dir = 0, ch;

	memset(a, 0, sizeof *a);
	dbrev_backup_opts_init(&a->o);
	a->url = getenv("DATABASE_URL");
	a->dir = DBREV_BACKUP_DEFAULT_DIR;
	a->mode = M_TAKE;
	while ((ch = getopt_long(argc, argv, "d:o:qu:v", longopts,
	    NULL)) != -1)
		if (parse_option(a, ch, &migdir, &nmodes) == -1)
			old_dir = 1;
	if (optind < argc)
		usage_error("unexpected argument %s", argv[optind]);
	check_args(a, nmodes);
	if (old_dir)
		deprecated_dir();
	a->o.backup_dir = a->dir;
	a->o.warn = on_warn;
	a->o.migrations_dir = migdir != NULL && *migdir != '\0' ? migdir :
	    "migrations";
	if (a->url != NULL && *a->url == '\0')
		a->url = NULL;
}

static void
do_verify(struct args *a)
{
	struct dbrev_backup_result res;
	struct dbrev_error err;

	dbrev_error_init(&err);
	if (dbrev_backup_verify(a->url, a->file, &a->o, &res, &err) == -1)
		fail(&err);
	progress_done();
	printf("%s: ok\n", res.path);
	if (verbose) {
		fprintf(stderr, "dbbackup: %s, %llu bytes%s%s%s%s\n",
		    dbrev_backup_kind_name(res.kind), res.size,
		    res.detail != NULL ? "; " : "",
		    res.detail != NULL ? res.detail : "",
		    res.program != NULL ? "; checked with " : "",
		    res.program != NULL ? res.program : "");
		record_detail(&res);
	}
	dbrev_backup_result_free(&res);
	stdout_done();
}

static void
do_restore(struct args *a, double start)
{
	struct dbrev_backup_result res;
	struct dbrev_error err;

	dbrev_error_init(&err);
	if (dbrev_backup_restore(a->url, a->file, &a->o, &res, &err) == -1)
		fail(&err);
	progress_done();
	if (res.safety != NULL && !quiet)
		fprintf(stderr, "dbbackup: the database as it was is in "
		    "%s\n", res.safety);
	printf("restored %s; the database is at %s\n", res.path,
	    res.revision != NULL ? res.revision : "base");
	if (res.note != NULL && !quiet)
		fprintf(stderr, "dbbackup: not in the backup, so left "
		    "in place: %s\n", res.note);
	if (verbose)
		fprintf(stderr, "dbbackup: restored in %.0f ms%s%s\n",
		    dbrev_now_ms() - start,
		    res.program != NULL ? " with " : "",
		    res.program != NULL ? res.program : "");
	dbrev_backup_result_free(&res);
	stdout_done();
}

static void
do_take(struct args *a, double start)
{
	struct dbrev_backup_result res;
	struct dbrev_error err;
	char sz[32];

	dbrev_error_init(&err);
	if (dbrev_backup_take(a->url, a->out, a->dir, &a->o, &res,
	    &err) == -1)
		fail(&err);
	progress_done();
	printf("%s\n", res.path);
	/* Its path is how a script finds the backup: say if lost. */
	stdout_done();
	if (verbose) {
		human(sz, sizeof sz, res.size);
		fprintf(stderr, "dbbackup: %s at %s, %s in %.0f ms%s%s"
		    "%s%s\n", dbrev_backup_kind_name(res.kind),
		    res.revision, sz, dbrev_now_ms() - start,
		    res.detail != NULL ? "; " : "",
		    res.detail != NULL ? res.detail : "",
		    res.program != NULL ? "; made with " : "",
		    res.program != NULL ? res.program : "");
		record_detail(&res);
	}
	dbrev_backup_result_free(&res);
	if (a->have_keep && prune(a->url, a->dir, a->keep, &err) == -1)
		fail(&err);
}

int
main(int argc, char *argv[])
{
	struct args a;
	struct dbrev_error err;
	double start;

	front_before_message = progress_done;
	parse_args(argc, argv, &a);
	dbrev_error_init(&err);

	/* A full disk or a file size limit must fail a write, not kill us. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (!quiet && isatty(STDERR_FILENO)) {
		a.o.progress = on_progress;
		progress_start = progress_last = dbrev_now_ms();
	}

	start = dbrev_now_ms();
	switch (a.mode) {
	case M_LIST:
		do_list(a.dir, a.url, &err);
		stdout_done();
		break;
	case M_PRUNE:
		if (prune(a.url, a.dir, a.keep, &err) == -1)
			fail(&err);
		break;
	case M_VERIFY:
		do_verify(&a);
		break;
	case M_RESTORE:
		do_restore(&a, start);
		break;
	case M_TAKE:
		do_take(&a, start);
		break;
	}
	return 0;
}
