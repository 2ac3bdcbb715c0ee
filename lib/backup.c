/*
 * backup.c - backups: names, listing, retention, atomic writing, and
 * the take / verify / restore pipelines, which call the backup group of
 * the database's table of operations (backup_impl.h) and nothing of a
 * database by name.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup_impl.h"
#include "dbrev/graph.h"
#include "dbrev/revision.h"

#include "fs.h"
#include "signals.h"

#define TMP_PREFIX	".dbbackup-"
#define TMP_SUFFIX	".tmp"
#define MAX_SEQ		9999


const char *
dbrev_backup_ext(enum dbrev_backup_kind kind)
{
	switch (kind) {
	case DBREV_BACKUP_SQLITE:
		return ".sqlite3";
	case DBREV_BACKUP_PGDUMP:
		return ".pgdump";
	default:
		return "";
	}
}

enum dbrev_backup_kind
dbrev_backup_kind_for(enum dbrev_dialect d)
{
	const struct dbrev_driver *drv = dbrev_driver_for(d);

	return drv != NULL && drv->backup != NULL ? drv->backup->kind :
	    DBREV_BACKUP_NONE;
}

/* The driver whose backups are of a kind, or NULL. */
static const struct dbrev_driver *
driver_of_kind(enum dbrev_backup_kind kind)
{
	const struct dbrev_driver *drv;
	size_t i;

	for (i = 0; (drv = dbrev_driver_at(i)) != NULL; i++)
		if (drv->backup != NULL && drv->backup->kind == kind)
			return drv;
	return NULL;
}

const char *
dbrev_backup_kind_name(enum dbrev_backup_kind kind)
{
	switch (kind) {
	case DBREV_BACKUP_SQLITE:
		return "SQLite database";
	case DBREV_BACKUP_PGDUMP:
		return "PostgreSQL dump";
	default:
		return "unknown file";
	}
}

char *
dbrev_backup_name_format(const char *db, time_t t, const char *revision,
    unsigned seq, enum dbrev_backup_kind kind)
{
	struct dbrev_buf b = { 0 };
	struct tm tm;
	char stamp[32];
	char *label;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	label = dbrev_backup_db_label(db);
	dbrev_buf_printf(&b, "%s-%s-%s", label, stamp,
	    revision != NULL && *revision != '\0' ? revision : "base");
	if (seq > 0)
		dbrev_buf_printf(&b, "-%u", seq);
	dbrev_buf_puts(&b, dbrev_backup_ext(kind));
	free(label);
	return dbrev_buf_take(&b);
}

/* Is s[0..16) a YYYYMMDDTHHMMSSZ stamp of a real time?  Sets *t. */
static int
parse_stamp(const char *s, time_t *t)
{
	struct tm tm, back;
	int i, v[6];
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	const char *p = s;

	for (i = 0; i < 6; i++) {
		int k;

		if (i == 3) {
			if (*p++ != 'T')
				return -1;
		}
		v[i] = 0;
		for (k = 0; k < width[i]; k++, p++) {
			if (*p < '0' || *p > '9')
				return -1;
			v[i] = v[i] * 10 + (*p - '0');
		}
	}
	if (*p != 'Z')
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	*t = timegm(&tm);
	/* Reject 20261332T...: the time must print back the same. */
	if (gmtime_r(t, &back) == NULL || back.tm_year != v[0] - 1900 ||
	    back.tm_mon != v[1] - 1 || back.tm_mday != v[2] ||
	    back.tm_hour != v[3] || back.tm_min != v[4] ||
	    back.tm_sec != v[5])
		return -1;
	return 0;
}

/* "base", or revision ids of at most DBREV_ID_MAX joined with '+'. */
static int
valid_revision_part(const char *s, size_t n)
{
	size_t i, run = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			if (run == 0)
				return 0;
			run = 0;
		} else if (dbrev_backup_rev_char((unsigned char)s[i])) {
			if (++run > DBREV_ID_MAX)
				return 0;
		} else
			return 0;
	}
	return run > 0;
}

int
dbrev_backup_name_parse(const char *filename, struct dbrev_backup_name *out)
{
	const char *name, *ext, *rev, *dash;
	enum dbrev_backup_kind kind;
	size_t len, stemlen, i, elen;
	unsigned long seq = 0;
	time_t t;

	memset(out, 0, sizeof *out);
	if (filename == NULL)
		return -1;
	name = strrchr(filename, '/');
	name = name != NULL ? name + 1 : filename;
	len = strlen(name);
	for (kind = DBREV_BACKUP_SQLITE; kind <= DBREV_BACKUP_PGDUMP; kind++) {
		ext = dbrev_backup_ext(kind);
		elen = strlen(ext);
		if (len > elen && strcmp(name + len - elen, ext) == 0)
			break;
	}
	if (kind > DBREV_BACKUP_PGDUMP)
		return -1;
	stemlen = len - elen;
	/* db "-" stamp "-" rest: the last stamp followed by a '-' wins. */
	if (stemlen < 1 + 1 + DBREV_BACKUP_STAMP_LEN + 1 + 1)
		return -1;
	for (i = stemlen - DBREV_BACKUP_STAMP_LEN - 3; ; i--) {
		if (name[i] == '-' &&
		    name[i + 1 + DBREV_BACKUP_STAMP_LEN] == '-' &&
		    parse_stamp(name + i + 1, &t) == 0)
			break;
		if (i == 1)
			return -1;
	}
	if (name[0] == '.')
		return -1;	/* hidden: our temporary files, never ours */
	for (size_t k = 0; k < i; k++)
		if (!dbrev_backup_label_char((unsigned char)name[k]))
			return -1;
	rev = name + i + 2 + DBREV_BACKUP_STAMP_LEN;
	dash = memchr(rev, '-', (size_t)(name + stemlen - rev));
	if (dash != NULL) {
		const char *d;

		if (dash + 1 == name + stemlen || dash[1] == '0')
			return -1;
		for (d = dash + 1; d < name + stemlen; d++) {
			if (*d < '0' || *d > '9')
				return -1;
			seq = seq * 10 + (unsigned long)(*d - '0');
			if (seq > MAX_SEQ)
				return -1;
		}
	} else
		dash = name + stemlen;
	if (!valid_revision_part(rev, (size_t)(dash - rev)))
		return -1;
	out->db = dbrev_xstrndup(name, i);
	memcpy(out->stamp, name + i + 1, DBREV_BACKUP_STAMP_LEN);
	out->stamp[DBREV_BACKUP_STAMP_LEN] = '\0';
	out->time = t;
	out->revision = dbrev_xstrndup(rev, (size_t)(dash - rev));
	out->seq = (unsigned)seq;
	out->kind = kind;
	return 0;
}

void
dbrev_backup_name_free(struct dbrev_backup_name *n)
{
	if (n == NULL)
		return;
	free(n->db);
	free(n->revision);
	memset(n, 0, sizeof *n);
}

int
dbrev_backup_entry_cmp(const void *a, const void *b)
{
	const struct dbrev_backup_entry *x = a, *y = b;
	const char *bx, *by;

	if (x->name.time != y->name.time)
		return x->name.time < y->name.time ? -1 : 1;
	if (x->name.seq != y->name.seq)
		return x->name.seq < y->name.seq ? -1 : 1;
	bx = strrchr(x->path, '/');
	by = strrchr(y->path, '/');
	return strcmp(bx != NULL ? bx + 1 : x->path,
	    by != NULL ? by + 1 : y->path);
}

/*
 * Read the record of entry e (best effort: a file that cannot be read
 * counts as one without a record).
 */
static void
entry_record(struct dbrev_backup_entry *e)
{
	struct dbrev_backup_record r;
	struct dbrev_error ignore;

	dbrev_error_init(&ignore);
	e->database = NULL;
	e->record = dbrev_backup_record_read(e->path, &r, NULL, &ignore);
	if (e->record == -1)
		e->record = DBREV_RECORD_NONE;
	if (e->record == DBREV_RECORD_OK) {
		e->database = r.database;
		r.database = NULL;
	}
	dbrev_backup_record_free(&r);
	dbrev_error_clear(&ignore);
}

/* Is e a backup of database id, or one without a record labelled so? */
static int
entry_of(const struct dbrev_backup_entry *e, const char *id,
    const char *label)
{
	if (e->record == DBREV_RECORD_OK)
		return strcmp(e->database, id) == 0;
	return label != NULL && strcmp(e->name.db, label) == 0;
}

int
dbrev_backup_list(const char *dir, const char *id, const char *label,
    enum dbrev_backup_kind kind, struct dbrev_backup_entry **out, size_t *n,
    struct dbrev_error *err)
{
	struct dbrev_backup_entry *v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	*out = NULL;
	*n = 0;
	if (dir == NULL)
		dir = DBREV_BACKUP_DEFAULT_DIR;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot read backup directory %s: %s", dir,
		    strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		struct dbrev_backup_name nm;
		char *path;

		if (dbrev_backup_name_parse(de->d_name, &nm) == -1)
			continue;
		if (kind != DBREV_BACKUP_NONE && nm.kind != kind) {
			dbrev_backup_name_free(&nm);
			continue;
		}
		path = dbrev_fs_join(dir, de->d_name);
		/* Only regular files: never follow a link to prune elsewhere. */
		if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
			free(path);
			dbrev_backup_name_free(&nm);
			continue;
		}
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			v = dbrev_xrealloc(v, cap * sizeof(*v));
		}
		v[cnt].path = path;
		v[cnt].name = nm;
		v[cnt].size = st.st_size;
		entry_record(&v[cnt]);
		if (id != NULL && !entry_of(&v[cnt], id, label)) {
			free(v[cnt].path);
			free(v[cnt].database);
			dbrev_backup_name_free(&v[cnt].name);
			continue;
		}
		cnt++;
	}
	closedir(d);
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), dbrev_backup_entry_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

void
dbrev_backup_entries_free(struct dbrev_backup_entry *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].database);
		dbrev_backup_name_free(&v[i].name);
	}
	free(v);
}

/* Is entry e one retention may remove: its record names id? */
static int
prunable(const struct dbrev_backup_entry *e, const char *id,
    enum dbrev_backup_kind kind)
{
	return e->record == DBREV_RECORD_OK && e->name.kind == kind &&
	    strcmp(e->database, id) == 0;
}

size_t
dbrev_backup_prune_select(const struct dbrev_backup_entry *v, size_t n,
    const char *id, enum dbrev_backup_kind kind, size_t keep, size_t *out)
{
	size_t i, mine = 0, drop, k = 0;

	for (i = 0; i < n; i++)
		if (prunable(&v[i], id, kind))
			mine++;
	if (mine <= keep)
		return 0;
	drop = mine - keep;
	for (i = 0; i < n && k < drop; i++)
		if (prunable(&v[i], id, kind))
			out[k++] = i;
	return k;
}

int
dbrev_backup_prune(const char *dir, const char *id, const char *label,
    enum dbrev_backup_kind kind, size_t keep, char ***removed,
    size_t *unrecorded, struct dbrev_error *err)
{
	struct dbrev_backup_entry *v;
	size_t n, k, i, nrem = 0;
	size_t *idx;
	char **rem;
	int rc = 0;

	if (removed != NULL)
		*removed = NULL;
	if (unrecorded != NULL)
		*unrecorded = 0;
	if (dbrev_backup_list(dir, id, label, kind, &v, &n, err) == -1)
		return -1;
	idx = dbrev_xcalloc(n + 1, sizeof(*idx));
	rem = dbrev_xcalloc(n + 1, sizeof(*rem));
	k = dbrev_backup_prune_select(v, n, id, kind, keep, idx);
	for (i = 0; i < k; i++) {
		const char *p = v[idx[i]].path;

		if (unlink(p) == -1 && errno != ENOENT) {
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    NULL, "cannot remove old backup %s: %s", p,
			    strerror(errno));
			continue;
		}
		rem[nrem++] = dbrev_xstrdup(p);
	}
	for (i = 0; i < n && unrecorded != NULL; i++)
		if (v[i].record != DBREV_RECORD_OK)
			(*unrecorded)++;
	free(idx);
	dbrev_backup_entries_free(v, n);
	if (removed != NULL)
		*removed = rem;
	else {
		for (i = 0; i < nrem; i++)
			free(rem[i]);
		free(rem);
	}
	return rc;
}

/* --- writing a file atomically --- */

int
dbrev_tmpfile_open(const char *dir, struct dbrev_tmpfile *t,
    struct dbrev_error *err)
{
	sigset_t old;
	int e;

	t->fd = -1;
	t->dir = dbrev_xstrdup(dir);
	/* mkstemps replaces six X's before the suffix: put them there. */
	t->path = dbrev_fs_join(dir, TMP_PREFIX "......" TMP_SUFFIX);
	memset(t->path + strlen(t->path) - strlen(TMP_SUFFIX) - 6, 'X', 6);
	/*
	 * A signal between creating the file and recording its name for
	 * the handler would leave the file behind: hold it until then.
	 */
	dbrev_signals_hold(&old);
	if ((t->fd = mkstemps(t->path, (int)strlen(TMP_SUFFIX))) == -1) {
		e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		free(t->dir);
		free(t->path);
		t->dir = t->path = NULL;
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    e == EACCES || e == EROFS || e == EPERM ?
		    "choose a writable directory with --dir or -o" :
		    e == ENOENT || e == ENOTDIR ?
		    "create the directory, or choose another with --dir or -o" :
		    NULL,
		    "cannot create a file in %s: %s", dir, strerror(e));
	}
	/* mkstemp already makes 0600; say it, whatever the libc. */
	(void)fchmod(t->fd, 0600);
	dbrev_backup_sig_remember(t->path);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

int
dbrev_tmpfile_commit(struct dbrev_tmpfile *t, const char *final,
    struct dbrev_error *err)
{
	int r;

	if (t->fd != -1) {
		if (fsync(t->fd) == -1)
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "free some space or choose another directory",
			    "cannot write backup to %s: %s", t->dir,
			    strerror(errno));
		if (close(t->fd) == -1) {
			t->fd = -1;
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    NULL, "cannot write backup to %s: %s", t->dir,
			    strerror(errno));
		}
		t->fd = -1;
	}
	r = dbrev_fs_publish(t->path, final);
	if (r == 1)
		return 1;
	if (r == -1)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot name the backup %s: %s", final, strerror(errno));
	dbrev_backup_sig_remember(NULL);
	free(t->path);
	t->path = NULL;
	/*
	 * The file is whole and synced under its name; a directory that
	 * will not sync is no reason to call the backup failed.
	 */
	(void)dbrev_fs_sync_dir(t->dir);
	free(t->dir);
	t->dir = NULL;
	return 0;
}

void
dbrev_tmpfile_discard(struct dbrev_tmpfile *t)
{
	if (t == NULL)
		return;
	if (t->fd != -1)
		close(t->fd);
	t->fd = -1;
	if (t->path != NULL) {
		(void)unlink(t->path);
		dbrev_backup_sig_remember(NULL);
	}
	free(t->path);
	free(t->dir);
	t->path = t->dir = NULL;
}

/* --- the operations --- */

/* Remove dir and its parents up to `created`, all made by make_dirs. */
static void
unmake_dirs(const char *dir, const char *created)
{
	char *s = dbrev_xstrdup(dir), *slash;
	size_t top = strlen(created);

	/* A part never made (make_dirs failed below it) is ENOENT. */
	while (strlen(s) >= top && (rmdir(s) == 0 || errno == ENOENT) &&
	    strlen(s) > top && (slash = strrchr(s, '/')) != NULL)
		*slash = '\0';
	free(s);
}

/*
 * mkdir -p, new directories 0700: backups hold the whole database.
 * *created is set to the topmost directory it made (NULL when none), so
 * that a failed backup can take them away again (unmake_dirs).
 */
static int
make_dirs(const char *dir, char **created, struct dbrev_error *err)
{
	char *failed;
	struct stat st;
	int e;

	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "choose a directory with --dir",
		    "backup directory %s is not a directory", dir);
	}
	if (dbrev_fs_mkdirs(dir, 0700, created, &failed) == -1) {
		e = errno;
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "create it, or choose a writable directory with --dir",
		    "cannot create backup directory %s: %s", failed,
		    strerror(e));
		free(failed);
		return -1;
	}
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "choose a directory with --dir",
		    "backup directory %s is not a directory", dir);
	return 0;
}

static char *
dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return dbrev_xstrdup(".");
	if (s == path)
		return dbrev_xstrdup("/");
	return dbrev_xstrndup(path, (size_t)(s - path));
}

/* The backup group of the URL's database, or an error saying why none. */
static int
url_ops(const char *url, const struct dbrev_backup_ops **ops,
    struct dbrev_error *err)
{
	const struct dbrev_driver *drv;

	if (dbrev_driver_of_url(url, "back up", &drv, err) == -1)
		return -1;
	if ((*ops = drv->backup) == NULL)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "no backup support for %s databases", drv->title);
	return 0;
}

int
dbrev_backup_url_label(const char *url, char **label, struct dbrev_error *err)
{
	const struct dbrev_backup_ops *ops;

	*label = NULL;
	if (url_ops(url, &ops, err) == -1)
		return -1;
	return ops->label(url, label, err);
}

/* The first free "-N" for a backup of db taken in second t. */
static unsigned
next_seq(const char *dir, const char *db, enum dbrev_backup_kind kind,
    time_t t)
{
	struct dbrev_backup_entry *v;
	struct dbrev_error e;
	unsigned seq = 0;
	size_t n, i;

	dbrev_error_init(&e);
	if (dbrev_backup_list(dir, NULL, NULL, kind, &v, &n, &e) == -1) {
		dbrev_error_clear(&e);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (strcmp(v[i].name.db, db) == 0 && v[i].name.time == t &&
		    v[i].name.seq + 1 > seq)
			seq = v[i].name.seq + 1;
	dbrev_backup_entries_free(v, n);
	return seq;
}

/*
 * Append the record (database id, revision rev, taken at t) to the
 * backup being written, and read it back, padded as ops says (a SQLite
 * backup stays a whole number of pages).
 */
static int
append_record(struct dbrev_tmpfile *tmp, const struct dbrev_backup_ops *ops,
    const char *id, const char *rev, time_t t, char **when,
    struct dbrev_error *err)
{
	struct dbrev_backup_record r, back;
	char taken[32];
	struct tm tm;
	int rc;

	gmtime_r(&t, &tm);
	strftime(taken, sizeof taken, "%Y-%m-%dT%H:%M:%SZ", &tm);
	memset(&r, 0, sizeof r);
	r.database = (char *)id;
	r.revision = (char *)rev;
	r.taken = taken;
	r.dbrev = (char *)DBREV_VERSION;
	if (dbrev_backup_record_append(tmp->fd, &r, ops->record_pad != NULL ?
	    ops->record_pad(tmp->fd) : 0, err) == -1)
		return -1;
	if ((rc = dbrev_backup_record_read(tmp->path, &back, NULL, err)) == -1)
		return -1;
	if (rc != DBREV_RECORD_OK || strcmp(back.database, id) != 0)
		rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot write backup to %s: its record does not read "
		    "back", tmp->dir);
	dbrev_backup_record_free(&back);
	if (rc == -1)
		return -1;
	*when = dbrev_xstrdup(taken);
	return 0;
}

/*
 * Name the backup dir/db-time-revision[-N].ext.  Within one second,
 * the backups of a database are numbered in the order taken, whatever
 * their revisions, so that names sort in time order (retention relies
 * on it).  *final is the name given.
 */
static int
commit_named(struct dbrev_tmpfile *tmp, const char *dir, const char *db,
    time_t t, const char *rev, enum dbrev_backup_kind kind, char **final,
    struct dbrev_error *err)
{
	unsigned seq;
	char *name;
	int r;

	for (seq = next_seq(dir, db, kind, t); ; seq++) {
		if (seq > MAX_SEQ)
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "wait a second, or prune with --keep",
			    "too many backups of %s taken within one second "
			    "in %s", db, dir);
		name = dbrev_backup_name_format(db, t, rev, seq, kind);
		free(*final);
		*final = dbrev_fs_join(dir, name);
		free(name);
		if ((r = dbrev_tmpfile_commit(tmp, *final, err)) != 1)
			return r;
	}
}

int
dbrev_backup_take(const char *url, const char *out_file, const char *dir,
    const struct dbrev_backup_opts *o, struct dbrev_backup_result *res,
    struct dbrev_error *err)
{
	struct dbrev_tmpfile tmp = { -1, NULL, NULL };
	const struct dbrev_backup_ops *ops;
	char *rev = NULL, *dbname = NULL, *id = NULL, *outdir = NULL;
	char *final = NULL, *created = NULL;
	struct stat st;
	time_t now;
	int r;

	memset(res, 0, sizeof *res);
	if (url_ops(url, &ops, err) == -1 ||
	    ops->label(url, &dbname, err) == -1 ||
	    ops->identity(url, &id, err) == -1)
		goto fail;
	if (out_file != NULL) {
		if (lstat(out_file, &st) == 0) {
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "remove it or choose another name",
			    "%s already exists; dbbackup never overwrites a file",
			    out_file);
			goto fail;
		}
		outdir = dir_of(out_file);
	} else {
		outdir = dbrev_xstrdup(dir != NULL ? dir :
		    DBREV_BACKUP_DEFAULT_DIR);
		if (make_dirs(outdir, &created, err) == -1)
			goto fail;
	}
	now = time(NULL);
	if (dbrev_tmpfile_open(outdir, &tmp, err) == -1 ||
	    ops->take(url, &tmp, o, &rev, res, err) == -1 ||
	    append_record(&tmp, ops, id, rev, now, &res->taken, err) == -1)
		goto fail;
	if (out_file != NULL) {
		final = dbrev_xstrdup(out_file);
		r = dbrev_tmpfile_commit(&tmp, final, err);
		if (r == 1)
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "remove it or choose another name",
			    "%s already exists; dbbackup never overwrites a file",
			    out_file);
		if (r != 0)
			goto fail;
	} else if (commit_named(&tmp, outdir, dbname, now, rev, ops->kind,
	    &final, err) != 0)
		goto fail;
	dbrev_tmpfile_discard(&tmp);
	res->path = final;
	res->revision = rev;
	res->kind = ops->kind;
	res->record = DBREV_RECORD_OK;
	res->database = id;
	if (stat(final, &st) == 0)
		res->size = (unsigned long long)st.st_size;
	free(created);
	free(dbname);
	free(outdir);
	return 0;

fail:
	dbrev_tmpfile_discard(&tmp);
	/* A failed backup leaves no trace, not even its new directory. */
	if (created != NULL)
		unmake_dirs(outdir, created);
	free(created);
	dbrev_backup_result_free(res);
	free(final);
	free(rev);
	free(id);
	free(dbname);
	free(outdir);
	return -1;
}

/*
 * Sniff the file and check it suits the URL's database (any database
 * when url is NULL): *ops is the backup group that reads it.
 */
static int
check_kind(const char *url, const char *file,
    const struct dbrev_backup_ops **ops, struct dbrev_error *err)
{
	const struct dbrev_driver *want = NULL, *got;
	enum dbrev_backup_kind kind;

	if (url != NULL && (dbrev_driver_of_url(url, "back up", &want,
	    err) == -1 || url_ops(url, ops, err) == -1))
		return -1;
	if (dbrev_backup_sniff(file, &kind, err) == -1)
		return -1;
	if (kind == DBREV_BACKUP_NONE)
		return dbrev_backup_file_error(err, DBREV_ERR_INPUT, file,
		    "give a file dbbackup wrote", "not a backup: neither a "
		    "SQLite database nor a pg_dump custom-format archive");
	got = driver_of_kind(kind);
	if (want != NULL && want != got) {
		char hint[64];

		snprintf(hint, sizeof hint, "restore it into a %s URL",
		    got != NULL ? got->url_example : "matching");
		return dbrev_backup_file_error(err, DBREV_ERR_INPUT, file,
		    hint, "a %s, not a backup of a %s database",
		    dbrev_backup_kind_name(kind), want->title);
	}
	if (got == NULL)
		return dbrev_backup_file_error(err, DBREV_ERR_INPUT, file,
		    "rebuild dbrev with that database's support",
		    "a %s: built without its support",
		    dbrev_backup_kind_name(kind));
	*ops = got->backup;
	return 0;
}

/* Tell the caller about something worth a warning (one line). */
static void __attribute__((format(printf, 2, 3)))
warn(const struct dbrev_backup_opts *o, const char *fmt, ...)
{
	char *text, *line;
	va_list ap;
	int n;

	if (o == NULL || o->warn == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text = dbrev_xcalloc((size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	line = dbrev_backup_oneline(text, 1);
	o->warn(o->warn_arg, line);
	free(line);
	free(text);
}

/*
 * What the file's record says, in res: record, database, revision and
 * taken; without a record, the revision its name says (if it has one).
 */
static int
read_record(const char *file, struct dbrev_backup_result *res,
    struct dbrev_error *err)
{
	struct dbrev_backup_record r;
	struct dbrev_backup_name nm;

	if ((res->record = dbrev_backup_record_read(file, &r, NULL,
	    err)) == -1)
		return -1;
	if (res->record == DBREV_RECORD_OK) {
		res->database = r.database;
		res->revision = r.revision;
		res->taken = r.taken;
		r.database = r.revision = r.taken = NULL;
	} else if (dbrev_backup_name_parse(file, &nm) == 0) {
		res->revision = nm.revision;
		nm.revision = NULL;
		dbrev_backup_name_free(&nm);
	}
	dbrev_backup_record_free(&r);
	return 0;
}

/*
 * The checks of dbrev_backup_verify, but a damaged record is left for
 * the caller to judge (res->record).  res is filled either way; the
 * caller frees it.
 */
static int
verify_file(const char *url, const char *file,
    const struct dbrev_backup_opts *o, struct dbrev_backup_result *res,
    struct dbrev_error *err)
{
	const struct dbrev_backup_ops *ops;
	struct stat st;

	memset(res, 0, sizeof *res);
	if (check_kind(url, file, &ops, err) == -1)
		return -1;
	res->path = dbrev_xstrdup(file);
	res->kind = ops->kind;
	if (stat(file, &st) == 0)
		res->size = (unsigned long long)st.st_size;
	if (read_record(file, res, err) == -1)
		return -1;
	return ops->verify(url, file, o, res, err);
}

static int
damaged_record(const char *file, struct dbrev_error *err)
{
	return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, file,
	    "take a new backup, or restore it with --force",
	    "damaged backup record: it no longer says which database it is "
	    "of");
}

int
dbrev_backup_verify(const char *url, const char *file,
    const struct dbrev_backup_opts *o, struct dbrev_backup_result *res,
    struct dbrev_error *err)
{
	int rc = verify_file(url, file, o, res, err);

	if (rc == 0 && res->record == DBREV_RECORD_DAMAGED)
		rc = damaged_record(file, err);
	/* The result is the caller's only on success. */
	if (rc == -1)
		dbrev_backup_result_free(res);
	return rc;
}

/*
 * May backup b (of file) be restored into database id (the URL's)?
 * Not when its record names another database or is damaged, unless
 * o->force; with a warning when it has no record.
 */
static int
check_database(const char *url, const char *file, const char *id,
    const struct dbrev_backup_result *b, const struct dbrev_backup_opts *o,
    struct dbrev_error *err)
{
	struct dbrev_backup_name nm;
	struct dbrev_error ignore;
	char *label = NULL;
	int force = o != NULL && o->force;

	if (b->record == DBREV_RECORD_OK) {
		if (strcmp(b->database, id) == 0)
			return 0;
		if (!force)
			return dbrev_backup_file_error(err, DBREV_ERR_INPUT,
			    file, "restore it into that database, or pass "
			    "--force to restore it into this one",
			    "a backup of %s, not of %s", b->database, id);
		warn(o, "%s is a backup of %s: restoring it into %s, as "
		    "--force says", file, b->database, id);
		return 0;
	}
	if (b->record == DBREV_RECORD_DAMAGED) {
		if (!force)
			return damaged_record(file, err);
		warn(o, "%s has a damaged record: restoring it into %s, as "
		    "--force says", file, id);
		return 0;
	}
	dbrev_error_init(&ignore);
	if (dbrev_backup_name_parse(file, &nm) == 0 &&
	    dbrev_backup_url_label(url, &label, &ignore) == 0 &&
	    strcmp(nm.db, label) != 0)
		warn(o, "%s does not record which database it is of (an "
		    "older dbbackup wrote it), and its name says %s: "
		    "restoring it into %s all the same", file, nm.db, id);
	else
		warn(o, "%s does not record which database it is of (an "
		    "older dbbackup wrote it): restoring it into %s as its "
		    "own", file, id);
	dbrev_backup_name_free(&nm);
	dbrev_error_clear(&ignore);
	free(label);
	return 0;
}

/* Warn when the migrations directory lacks the backup's revision. */
static void
check_revision(const char *file, const char *rev,
    const struct dbrev_backup_opts *o)
{
	struct dbrev_graph *g = NULL;
	struct dbrev_error gerr;
	struct dbrev_buf missing = { 0 };
	const char *dir, *p;

	if (rev == NULL || strcmp(rev, "base") == 0 || o == NULL ||
	    o->warn == NULL)
		return;
	dir = o->migrations_dir != NULL ? o->migrations_dir : "migrations";
	dbrev_error_init(&gerr);
	if (dbrev_graph_load(dir, DBREV_PARSE_HEADER_ONLY, &g, &gerr) == -1) {
		warn(o, "%s is at revision %s, which cannot be checked "
		    "against %s: %s", file, rev, dir, gerr.message != NULL ?
		    gerr.message : "it cannot be loaded");
		dbrev_error_clear(&gerr);
		return;
	}
	for (p = rev; *p != '\0'; ) {
		size_t n = strcspn(p, "+");
		char *id = dbrev_xstrndup(p, n);

		if (dbrev_graph_index(g, id) < 0)
			dbrev_buf_printf(&missing, "%s%s",
			    missing.len > 0 ? ", " : "", id);
		free(id);
		p += n + (p[n] == '+');
	}
	if (missing.len > 0)
		warn(o, "%s is at revision %s, which %s does not have: "
		    "revapply cannot upgrade or downgrade the database from "
		    "there until it does", file, missing.data, dir);
	dbrev_buf_free(&missing);
	dbrev_graph_free(g);
}

/* A database file that is not there or empty has nothing to lose. */
static int
nothing_to_save(const char *url)
{
	struct dbrev_target *t = dbrev_target_new(url);
	const char *path = dbrev_target_file(t);
	struct stat st;
	int none;

	none = path != NULL && ((stat(path, &st) == -1 && errno == ENOENT) ||
	    (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0));
	dbrev_target_free(t);
	return none;
}

/* Keep the database as it is before a restore overwrites it. */
static int
safety_backup(const char *url, const struct dbrev_backup_opts *o,
    struct dbrev_backup_result *res, struct dbrev_error *err)
{
	struct dbrev_backup_result sres;

	if ((o != NULL && o->no_safety_backup) || nothing_to_save(url))
		return 0;
	if (dbrev_backup_take(url, NULL, o != NULL ? o->backup_dir : NULL,
	    o, &sres, err) == -1)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "pass --no-safety-backup to restore without one",
		    "nothing was restored: the backup of the database as it "
		    "is failed");
	res->safety = sres.path;
	sres.path = NULL;
	dbrev_backup_result_free(&sres);
	return 0;
}

/* Under the lock on db: the safety backup, the restore, the revision. */
static int
restore_locked(struct dbrev_db *db, const char *url, const char *file,
    const struct dbrev_backup_ops *ops, const struct dbrev_backup_opts *o,
    struct dbrev_backup_result *res, struct dbrev_error *err)
{
	int rc;

	if (safety_backup(url, o, res, err) == -1)
		return -1;
	rc = ops->restore(db, url, file, o, res, err);
	if (rc == 0) {
		free(res->revision);
		rc = dbrev_backup_db_revision(db, o, &res->revision, err);
	}
	return rc;
}

int
dbrev_backup_restore(const char *url, const char *file,
    const struct dbrev_backup_opts *o, struct dbrev_backup_result *res,
    struct dbrev_error *err)
{
	struct dbrev_error uerr;
	struct dbrev_db *db;
	const struct dbrev_backup_ops *ops;
	char *id = NULL;
	int rc;

	memset(res, 0, sizeof *res);
	if (url_ops(url, &ops, err) == -1 ||
	    ops->identity(url, &id, err) == -1)
		return -1;
	/* Never touch the database with a backup that does not verify. */
	rc = verify_file(url, file, o, res, err) == -1 ||
	    check_database(url, file, id, res, o, err) == -1 ? -1 : 0;
	free(id);
	if (rc == -1 || dbrev_backup_db_open(url, o, &db, err) == -1) {
		dbrev_backup_result_free(res);
		return -1;
	}
	check_revision(file, res->revision, o);
	if (db->driver->lock(db->conn, dbrev_backup_table(o), dbrev_backup_timeout(o),
	    err) == -1) {
		dbrev_db_close(db);
		dbrev_backup_result_free(res);
		return -1;
	}
	rc = restore_locked(db, url, file, ops, o, res, err);
	dbrev_error_init(&uerr);
	if (db->driver->unlock(db->conn, dbrev_backup_table(o), &uerr) == -1 &&
	    rc == 0) {
		/* Restored, but say so if the lock would not let go. */
		dbrev_error_set(err, uerr.kind, NULL, 0, NULL, "%s",
		    uerr.message != NULL ? uerr.message : "unlock failed");
		rc = -1;
	}
	dbrev_error_clear(&uerr);
	dbrev_db_close(db);
	if (rc == -1)
		dbrev_backup_result_free(res);
	return rc;
}
