/*
 * backup.c - SQLite backups through sqlite3's online backup API.
 *
 * Taking: one read transaction is held on the source for the whole copy,
 * so the copy is one consistent snapshot however much other connections
 * write (in WAL mode they go on writing; in rollback mode they wait on
 * their busy timeout), and stepping in large page counts never restarts.
 * The destination is the temporary file backup.c made, written through
 * a small VFS shim that gathers the page writes into large ones (the
 * backup API writes one page per call), with no journal: the file has
 * no name yet, and is fsynced and named only once it is complete and
 * PRAGMA integrity_check says ok.
 *
 * Restoring copies the backup into the live database through the same
 * API in one write transaction (atomic: its rollback journal or WAL
 * covers a crash), while backup.c holds revapply's lock.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dbrev/backup.h"
#include "../driver.h"

#define STEP_BYTES	(64u << 20)	/* copy this much between progress calls */
#define WBUF_BYTES	(8u << 20)	/* gather page writes into this much */
#define WCHUNK_BYTES	(124u << 10)	/* most the unix VFS writes at once */
#define MMAP_MAX	((sqlite3_int64)1 << 40)
#define MAX_ATTEMPTS	5

/* What to do about a backup that does not check. */
#define UNTRUSTED	"take a new backup; this one cannot be trusted"
/* How PRAGMA integrity_check's report of the main database begins. */
#define IC_HEADING	"*** in database main ***"

/* --- a VFS shim that gathers consecutive writes --- */

struct bw_file {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* follows this struct in memory */
	unsigned char	*buf;
	size_t		 len;
	sqlite3_int64	 off;		/* file offset of buf[0] */
};

static sqlite3_vfs	*bw_real;
static int		 bw_errno;	/* errno of the last failed write */

#define REAL(f)	(((struct bw_file *)(f))->real)

/*
 * Write the gathered bytes, in pieces the unix VFS takes (it handles at
 * most 128 KiB less one byte per call).
 */
static int
bw_flush(struct bw_file *f)
{
	size_t done = 0, n;
	int rc = SQLITE_OK;

	while (done < f->len) {
		n = f->len - done;
		if (n > WCHUNK_BYTES)
			n = WCHUNK_BYTES;
		errno = 0;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
		    f->off + (sqlite3_int64)done);
		if (rc != SQLITE_OK) {
			bw_errno = errno;
			break;
		}
		done += n;
	}
	f->len = 0;
	return rc;
}

static int
bw_close(sqlite3_file *pf)
{
	struct bw_file *f = (struct bw_file *)pf;
	int rc, rc2;

	rc = bw_flush(f);
	free(f->buf);
	f->buf = NULL;
	rc2 = f->real->pMethods->xClose(f->real);
	return rc != SQLITE_OK ? rc : rc2;
}

static int
bw_read(sqlite3_file *pf, void *p, int amt, sqlite3_int64 off)
{
	struct bw_file *f = (struct bw_file *)pf;
	int rc;

	if (f->len > 0 && off < f->off + (sqlite3_int64)f->len &&
	    off + amt > f->off && (rc = bw_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xRead(f->real, p, amt, off);
}

static int
bw_write(sqlite3_file *pf, const void *p, int amt, sqlite3_int64 off)
{
	struct bw_file *f = (struct bw_file *)pf;
	int rc;

	if (f->buf == NULL || (size_t)amt > WCHUNK_BYTES) {
		if ((rc = bw_flush(f)) != SQLITE_OK)
			return rc;
		errno = 0;
		rc = f->real->pMethods->xWrite(f->real, p, amt, off);
		if (rc != SQLITE_OK)
			bw_errno = errno;
		return rc;
	}
	if (f->len > 0 && (off != f->off + (sqlite3_int64)f->len ||
	    f->len + (size_t)amt > WBUF_BYTES)) {
		if ((rc = bw_flush(f)) != SQLITE_OK)
			return rc;
	}
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, p, (size_t)amt);
	f->len += (size_t)amt;
	return SQLITE_OK;
}

static int
bw_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
	struct bw_file *f = (struct bw_file *)pf;
	int rc;

	if ((rc = bw_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xTruncate(f->real, size);
}

static int
bw_sync(sqlite3_file *pf, int flags)
{
	struct bw_file *f = (struct bw_file *)pf;
	int rc;

	if ((rc = bw_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xSync(f->real, flags);
}

static int
bw_file_size(sqlite3_file *pf, sqlite3_int64 *size)
{
	struct bw_file *f = (struct bw_file *)pf;
	int rc;

	if ((rc = bw_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileSize(f->real, size);
}

static int
bw_lock(sqlite3_file *pf, int l)
{
	return REAL(pf)->pMethods->xLock(REAL(pf), l);
}

static int
bw_unlock(sqlite3_file *pf, int l)
{
	return REAL(pf)->pMethods->xUnlock(REAL(pf), l);
}

static int
bw_check_reserved(sqlite3_file *pf, int *out)
{
	return REAL(pf)->pMethods->xCheckReservedLock(REAL(pf), out);
}

static int
bw_file_control(sqlite3_file *pf, int op, void *arg)
{
	return REAL(pf)->pMethods->xFileControl(REAL(pf), op, arg);
}

static int
bw_sector_size(sqlite3_file *pf)
{
	return REAL(pf)->pMethods->xSectorSize(REAL(pf));
}

static int
bw_device_characteristics(sqlite3_file *pf)
{
	return REAL(pf)->pMethods->xDeviceCharacteristics(REAL(pf));
}

/* Version 1: no shared memory (never WAL), no memory mapping. */
static const sqlite3_io_methods bw_methods = {
	1, bw_close, bw_read, bw_write, bw_truncate, bw_sync, bw_file_size,
	bw_lock, bw_unlock, bw_check_reserved, bw_file_control,
	bw_sector_size, bw_device_characteristics,
	NULL, NULL, NULL, NULL, NULL, NULL
};

static int
bw_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *pf, int flags,
    int *outflags)
{
	struct bw_file *f = (struct bw_file *)pf;
	int rc;

	(void)vfs;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	rc = bw_real->xOpen(bw_real, name, f->real, flags, outflags);
	if (rc != SQLITE_OK) {
		/* sqlite3 calls no method of a file that failed to open. */
		f->base.pMethods = NULL;
		return rc;
	}
	/* Only the database gathers writes; anything else passes through. */
	if (flags & SQLITE_OPEN_MAIN_DB)
		f->buf = malloc(WBUF_BYTES);
	f->base.pMethods = &bw_methods;
	return SQLITE_OK;
}

static int
bw_delete(sqlite3_vfs *v, const char *name, int syncdir)
{
	(void)v;
	return bw_real->xDelete(bw_real, name, syncdir);
}

static int
bw_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return bw_real->xAccess(bw_real, name, flags, out);
}

static int
bw_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return bw_real->xFullPathname(bw_real, name, n, out);
}

static int
bw_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return bw_real->xRandomness(bw_real, n, out);
}

static int
bw_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return bw_real->xSleep(bw_real, us);
}

static int
bw_current_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return bw_real->xCurrentTime(bw_real, out);
}

static int
bw_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return bw_real->xGetLastError(bw_real, n, out);
}

static int
bw_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	if (bw_real->iVersion >= 2 && bw_real->xCurrentTimeInt64 != NULL)
		return bw_real->xCurrentTimeInt64(bw_real, out);
	return SQLITE_ERROR;
}

static sqlite3_vfs bw_vfs;

/* Flush the gathered writes of db's main file. */
static int
bw_flush_db(sqlite3 *db)
{
	sqlite3_file *pf = NULL;

	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER,
	    &pf) != SQLITE_OK || pf == NULL || pf->pMethods != &bw_methods)
		return SQLITE_OK;
	return bw_flush((struct bw_file *)pf);
}

static const char *
bw_register(void)
{
	if (bw_real == NULL) {
		if ((bw_real = sqlite3_vfs_find(NULL)) == NULL)
			return NULL;
		bw_vfs.iVersion = 2;
		bw_vfs.szOsFile = (int)sizeof(struct bw_file) +
		    bw_real->szOsFile;
		bw_vfs.mxPathname = bw_real->mxPathname;
		bw_vfs.zName = "dbrev-bufwrite";
		bw_vfs.xOpen = bw_open;
		bw_vfs.xDelete = bw_delete;
		bw_vfs.xAccess = bw_access;
		bw_vfs.xFullPathname = bw_full_pathname;
		bw_vfs.xRandomness = bw_randomness;
		bw_vfs.xSleep = bw_sleep;
		bw_vfs.xCurrentTime = bw_current_time;
		bw_vfs.xGetLastError = bw_last_error;
		bw_vfs.xCurrentTimeInt64 = bw_current_time64;
		if (sqlite3_vfs_register(&bw_vfs, 0) != SQLITE_OK) {
			bw_real = NULL;
			return NULL;
		}
	}
	return bw_vfs.zName;
}

/* --- helpers --- */

/* A file: URI for path, opened read-only and immutable (no locks, no -wal). */
static char *
immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct dbrev_buf b = { 0 };
	const unsigned char *p;

	dbrev_buf_puts(&b, "file:");
	/* "file:/x" and "file:x" are fine; "file://x" would name a host. */
	if (path[0] == '/' && path[1] == '/')
		dbrev_buf_puts(&b, "/");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL)
			dbrev_buf_add(&b, p, 1);
		else
			dbrev_buf_printf(&b, "%%%c%c", hex[*p >> 4],
			    hex[*p & 15]);
	}
	dbrev_buf_puts(&b, "?immutable=1");
	return dbrev_buf_take(&b);
}

/* Wait timeout seconds (0: not at all) for another connection's lock. */
static void
set_busy(sqlite3 *db, double timeout)
{
	sqlite3_busy_timeout(db, timeout * 1000 < INT_MAX ?
	    (int)(timeout * 1000) : INT_MAX);
}

static int
exec_sql(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static void
close_db(sqlite3 *db)
{
	if (db != NULL)
		sqlite3_close_v2(db);
}

/* Big enough copy steps for speed, small enough to show progress. */
static int
step_pages(int page_size)
{
	int n = page_size > 0 ? (int)(STEP_BYTES / (unsigned)page_size) : 1024;

	return n > 0 ? n : 1;
}

static int
page_size_of(sqlite3 *db, const char *schema)
{
	sqlite3_stmt *st;
	char sql[64];
	int ps = 4096;

	snprintf(sql, sizeof sql, "PRAGMA \"%s\".page_size", schema);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			ps = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return ps;
}

static void
set_mmap(sqlite3 *db, sqlite3_int64 size)
{
	char sql[64];

	if (size <= 0)
		return;
	if (size > MMAP_MAX)
		size = MMAP_MAX;
	snprintf(sql, sizeof sql, "PRAGMA mmap_size=%lld", (long long)size);
	(void)exec_sql(db, sql);
}

static void
progress(const struct dbrev_backup_opts *o, sqlite3_backup *b, int ps)
{
	unsigned long long total, left;

	if (o == NULL || o->progress == NULL)
		return;
	total = (unsigned long long)sqlite3_backup_pagecount(b);
	left = (unsigned long long)sqlite3_backup_remaining(b);
	o->progress(o->progress_arg, (total - left) * (unsigned)ps,
	    total * (unsigned)ps);
}

/*
 * How many bytes of the file the database takes: all but its record and
 * the padding before it, which fill its last ps-byte page (best effort:
 * all of them when the record cannot be read).
 */
static off_t
data_size(const char *path, off_t size, unsigned ps)
{
	struct dbrev_backup_record r;
	struct dbrev_error ignore;
	off_t end = size;
	int rc;

	dbrev_error_init(&ignore);
	rc = dbrev_backup_record_read(path, &r, &end, &ignore);
	if (rc != DBREV_RECORD_OK)
		end = size;
	else
		end -= end % ps;
	dbrev_backup_record_free(&r);
	dbrev_error_clear(&ignore);
	return end;
}

/*
 * Check a SQLite file without changing it: its header against its size
 * (a truncated copy), then PRAGMA integrity_check.  The record at its
 * end, if any, is not part of the database.
 */
static int
check_file(const char *path, char **detail, struct dbrev_error *err)
{
	unsigned char h[100];
	struct stat st;
	off_t size;
	sqlite3 *db = NULL;
	sqlite3_stmt *st_ic = NULL;
	unsigned ps, npages, change, valid;
	const char *ic;
	char *uri;
	int fd, rc;
	ssize_t n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    NULL, "cannot open backup: %s", strerror(errno));
	n = pread(fd, h, sizeof h, 0);
	if (fstat(fd, &st) == -1)
		st.st_size = 0;
	close(fd);
	if (n != (ssize_t)sizeof h)
		return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    UNTRUSTED, "truncated backup: %lld bytes",
		    (long long)st.st_size);
	ps = (unsigned)h[16] << 8 | h[17];
	if (ps == 1)
		ps = 65536;
	npages = (unsigned)h[28] << 24 | (unsigned)h[29] << 16 |
	    (unsigned)h[30] << 8 | h[31];
	change = (unsigned)h[24] << 24 | (unsigned)h[25] << 16 |
	    (unsigned)h[26] << 8 | h[27];
	valid = (unsigned)h[92] << 24 | (unsigned)h[93] << 16 |
	    (unsigned)h[94] << 8 | h[95];
	if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0)
		return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    UNTRUSTED, "corrupt backup: bad page size %u in its "
		    "header", ps);
	size = data_size(path, st.st_size, ps);
	if (npages > 0 && change == valid &&
	    (unsigned long long)size < (unsigned long long)npages * ps)
		return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    UNTRUSTED, "truncated backup: %lld bytes, its header "
		    "says %llu", (long long)size,
		    (unsigned long long)npages * ps);
	if (size % ps != 0)
		return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    UNTRUSTED, "truncated backup: %lld bytes is not a whole "
		    "number of %u-byte pages", (long long)size, ps);

	uri = immutable_uri(path);
	rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL);
	free(uri);
	if (rc != SQLITE_OK)
		goto bad;
	set_mmap(db, st.st_size);
	if ((rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1,
	    &st_ic, NULL)) != SQLITE_OK)
		goto bad;
	rc = sqlite3_step(st_ic);
	if (rc != SQLITE_ROW)
		goto bad;
	ic = (const char *)sqlite3_column_text(st_ic, 0);
	if (ic == NULL || strcmp(ic, "ok") != 0) {
		/* "*** in database main ***\nPage 4: ...": the page says it. */
		if (ic != NULL && strncmp(ic, IC_HEADING,
		    strlen(IC_HEADING)) == 0)
			ic += strspn(ic + strlen(IC_HEADING), "\n") +
			    strlen(IC_HEADING);
		dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    UNTRUSTED, "corrupt backup: %s",
		    ic != NULL ? ic : sqlite3_errmsg(db));
		sqlite3_finalize(st_ic);
		close_db(db);
		return -1;
	}
	sqlite3_finalize(st_ic);
	close_db(db);
	if (detail != NULL) {
		struct dbrev_buf b = { 0 };

		dbrev_buf_printf(&b, "integrity_check ok, %lld pages of %u bytes",
		    (long long)(size / ps), ps);
		free(*detail);
		*detail = dbrev_buf_take(&b);
	}
	return 0;

bad:
	dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path, UNTRUSTED,
	    "corrupt backup: %s",
	    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sqlite3_finalize(st_ic);
	close_db(db);
	return -1;
}

int
dbrev_backup_sqlite_verify(const char *file, struct dbrev_backup_result *res,
    struct dbrev_error *err)
{
	return check_file(file, &res->detail, err);
}

/* An error writing the backup: say why in terms of the disk. */
static int
write_error(sqlite3 *dst, int rc, const char *dir, struct dbrev_error *err)
{
	int e = bw_errno != 0 ? bw_errno : sqlite3_system_errno(dst);

	if ((rc & 0xff) == SQLITE_FULL || e == ENOSPC || e == EFBIG ||
	    e == EDQUOT)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "free some space, raise the file size limit or choose "
		    "another directory", "cannot write backup to %s: %s", dir,
		    e != 0 ? strerror(e) : "disk full");
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
	    "cannot write backup to %s: %s%s%s", dir, sqlite3_errmsg(dst),
	    e != 0 ? ": " : "", e != 0 ? strerror(e) : "");
}

/*
 * Open the source and start the read transaction the whole copy uses;
 * *rev is the revision read through the driver just before and after
 * the snapshot began, which must agree (else a migration committed in
 * between: try again).
 */
static int
open_snapshot(const char *url, const char *path, off_t size,
    const struct dbrev_backup_opts *o, sqlite3 **srcp, char **rev,
    struct dbrev_error *err)
{
	sqlite3 *src = NULL;
	struct dbrev_db *db = NULL;
	char *r1 = NULL, *r2 = NULL;
	double timeout;
	int attempt, rc;

	*srcp = NULL;
	*rev = NULL;
	timeout = dbrev_backup_timeout(o);
	rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot open database %s: %s", path,
		    src != NULL ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		close_db(src);
		return -1;
	}
	set_busy(src, timeout);
	set_mmap(src, size);
	if (dbrev_backup_db_open(url, o, &db, err) == -1)
		goto fail;
	for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		if (dbrev_backup_db_revision(db, o, &r1, err) == -1)
			goto fail;
		if ((rc = exec_sql(src, "BEGIN")) != SQLITE_OK ||
		    (rc = exec_sql(src,
		    "SELECT count(*) FROM sqlite_schema")) != SQLITE_OK) {
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    rc == SQLITE_NOTADB ? "check DATABASE_URL" : NULL,
			    "cannot read database %s: %s", path,
			    sqlite3_errmsg(src));
			goto fail;
		}
		if (dbrev_backup_db_revision(db, o, &r2, err) == -1)
			goto fail;
		if (strcmp(r1, r2) == 0) {
			free(r2);
			dbrev_db_close(db);
			*rev = r1;
			*srcp = src;
			return 0;
		}
		/* A migration committed meanwhile: take a new snapshot. */
		(void)exec_sql(src, "COMMIT");
		free(r1);
		free(r2);
		r1 = r2 = NULL;
	}
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
	    "wait for the migrations to finish, then run it again",
	    "the database's revision kept changing during the backup");
fail:
	dbrev_db_close(db);
	free(r1);
	free(r2);
	close_db(src);
	return -1;
}

int
dbrev_backup_sqlite_take(const char *url, struct dbrev_tmpfile *tmp,
    const struct dbrev_backup_opts *o, char **revision,
    struct dbrev_backup_result *res, struct dbrev_error *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	const char *vfs;
	struct stat st;
	char *path;
	int rc, ps, nstep;

	*revision = NULL;
	if ((path = dbrev_url_sqlite_path(url, err)) == NULL)
		return -1;
	if (strcmp(path, ":memory:") == 0) {
		free(path);
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "an in-memory database cannot be backed up");
	}
	if (stat(path, &st) == -1) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    errno == ENOENT ? "check DATABASE_URL or -u" : NULL,
		    "cannot back up %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot back up %s: not a regular file", path);
		free(path);
		return -1;
	}
	if (st.st_size == 0) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "check DATABASE_URL or -u",
		    "cannot back up %s: the file is empty", path);
		free(path);
		return -1;
	} else {
		enum dbrev_backup_kind k;

		if (dbrev_backup_sniff(path, &k, err) == -1) {
			free(path);
			return -1;
		}
		if (k != DBREV_BACKUP_SQLITE) {
			dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "check DATABASE_URL or -u",
			    "cannot back up %s: not a SQLite database", path);
			free(path);
			return -1;
		}
	}
	if ((vfs = bw_register()) == NULL) {
		free(path);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "sqlite3 has no default VFS");
	}
	if (open_snapshot(url, path, st.st_size, o, &src, revision, err) == -1)
		goto fail;

	bw_errno = 0;
	rc = sqlite3_open_v2(tmp->path, &dst, SQLITE_OPEN_READWRITE, vfs);
	if (rc != SQLITE_OK) {
		write_error(dst, rc, tmp->dir, err);
		goto fail;
	}
	/* The file is nameless until complete: no journal, no syncs yet. */
	(void)exec_sql(dst, "PRAGMA journal_mode=OFF");
	(void)exec_sql(dst, "PRAGMA synchronous=OFF");
	ps = page_size_of(src, "main");
	nstep = step_pages(ps);
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot start the backup of %s: %s", path,
		    sqlite3_errmsg(dst));
		goto fail;
	}
	while ((rc = sqlite3_backup_step(b, nstep)) == SQLITE_OK)
		progress(o, b, ps);
	if (rc == SQLITE_DONE)
		progress(o, b, ps);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
			    "cannot back up %s: %s", path, sqlite3_errstr(rc));
		else
			write_error(dst, rc, tmp->dir, err);
		goto fail;
	}
	(void)exec_sql(src, "COMMIT");
	close_db(src);
	src = NULL;
	/* Write what the shim still holds now, where a failure can be told. */
	if ((rc = bw_flush_db(dst)) != SQLITE_OK) {
		write_error(dst, rc, tmp->dir, err);
		goto fail;
	}
	close_db(dst);
	dst = NULL;
	/* What was written must read back whole. */
	if (check_file(tmp->path, &res->detail, err) == -1)
		goto fail;
	free(path);
	return 0;

fail:
	close_db(dst);
	if (src != NULL)
		(void)exec_sql(src, "ROLLBACK");
	close_db(src);
	free(*revision);
	*revision = NULL;
	free(path);
	return -1;
}

int
dbrev_backup_sqlite_restore(struct dbrev_db *db, const char *url,
    const char *file, const struct dbrev_backup_opts *o,
    struct dbrev_error *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	struct stat st;
	double timeout;
	char *path, *uri;
	int rc, ps, nstep;

	(void)db;	/* holds revapply's lock meanwhile */
	if ((path = dbrev_url_sqlite_path(url, err)) == NULL)
		return -1;
	timeout = dbrev_backup_timeout(o);
	uri = immutable_uri(file);
	rc = sqlite3_open_v2(uri, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, file, NULL,
		    "cannot open backup: %s",
		    src != NULL ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		goto fail;
	}
	if (stat(file, &st) == 0)
		set_mmap(src, st.st_size);
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot open database %s: %s", path,
		    dst != NULL ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		goto fail;
	}
	set_busy(dst, timeout);
	ps = page_size_of(src, "main");
	nstep = step_pages(ps);
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot restore into %s: %s", path, sqlite3_errmsg(dst));
		goto fail;
	}
	/*
	 * The first step takes the write lock on the database and keeps it
	 * until the last: other connections see the old or the new
	 * database, never a mixture, and a crash rolls back.
	 */
	while ((rc = sqlite3_backup_step(b, nstep)) == SQLITE_OK)
		progress(o, b, ps);
	if (rc == SQLITE_DONE)
		progress(o, b, ps);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		int e = sqlite3_system_errno(dst);

		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ?
		    "another connection holds the database; retry, or raise "
		    "--lock-timeout" :
		    (rc & 0xff) == SQLITE_READONLY ?
		    "a database in WAL mode can only take a backup of the same "
		    "page size; remove the database file and restore again" :
		    NULL,
		    "cannot restore into %s: %s%s%s", path, sqlite3_errstr(rc),
		    e != 0 && (rc & 0xff) == SQLITE_IOERR ? ": " : "",
		    e != 0 && (rc & 0xff) == SQLITE_IOERR ? strerror(e) : "");
		goto fail;
	}
	close_db(src);
	if (sqlite3_close(dst) != SQLITE_OK) {
		sqlite3_close_v2(dst);
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "closing database %s after the restore failed", path);
		free(path);
		return -1;
	}
	free(path);
	return 0;

fail:
	close_db(src);
	close_db(dst);
	free(path);
	return -1;
}
