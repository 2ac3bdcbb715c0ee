/*
 * backup_record.c - which database a backup is of: its identity, and the
 * record every backup carries at its end.
 *
 * The record is text appended after the data, which neither SQLite (it
 * reads the pages its header counts) nor pg_restore (it reads the blocks
 * its table of contents points to) ever looks at, so it goes wherever the
 * file goes:
 *
 *   [zero bytes: a SQLite backup stays a whole number of pages]
 *   dbbackup record 1
 *   database: sqlite:///srv/app/app.db
 *   revision: 3f2a9c1b7e44
 *   taken: 2026-11-24T01:02:03Z
 *   dbrev: 0.1.0
 *   end of dbbackup record: 0000006e 5d41402abc4b2a76
 *
 * The last line has a fixed length: the body's length in hex and the
 * first 16 hex digits of its SHA-256, so a reader finds the record from
 * the end and knows it whole.  Values are %-encoded where they hold a
 * control character or '%'; unknown keys are skipped.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbrev/backup.h"
#include "db/driver.h"

#define REC_HEAD	"dbbackup record "
#define REC_FOOT	"end of dbbackup record: "
#define REC_FOOT_LEN	(sizeof(REC_FOOT) - 1 + 8 + 1 + 16 + 1)
#define REC_MAX		(64 * 1024)	/* longest body read */
#define REC_VERSION	1

void
dbrev_backup_record_free(struct dbrev_backup_record *r)
{
	if (r == NULL)
		return;
	free(r->database);
	free(r->revision);
	free(r->taken);
	free(r->dbrev);
	memset(r, 0, sizeof *r);
}

/* Append s %-encoded: control characters, DEL and '%'. */
static void
pct_put(struct dbrev_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '%')
			dbrev_buf_printf(b, "%%%c%c", hex[*p >> 4],
			    hex[*p & 15]);
		else
			dbrev_buf_add(b, p, 1);
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) (%XX escapes); NULL when malformed or it holds a NUL. */
static char *
pct_get(const char *s, size_t n)
{
	struct dbrev_buf b = { 0 };
	size_t i;

	dbrev_buf_puts(&b, "");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				goto bad;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto bad;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c < 0x20 || c == 0x7f)
			goto bad;
		dbrev_buf_add(&b, &c, 1);
	}
	return dbrev_buf_take(&b);
bad:
	dbrev_buf_free(&b);
	return NULL;
}

char *
dbrev_backup_record_encode(const struct dbrev_backup_record *r, size_t *len)
{
	static const struct { const char *key; size_t off; } f[] = {
		{ "database", offsetof(struct dbrev_backup_record, database) },
		{ "revision", offsetof(struct dbrev_backup_record, revision) },
		{ "taken", offsetof(struct dbrev_backup_record, taken) },
		{ "dbrev", offsetof(struct dbrev_backup_record, dbrev) },
	};
	struct dbrev_buf b = { 0 };
	char sum[DBREV_CHECKSUM_LEN + 1];
	size_t i, body;

	dbrev_buf_printf(&b, REC_HEAD "%d\n", REC_VERSION);
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		const char *v = *(char *const *)((const char *)r + f[i].off);

		if (v == NULL)
			continue;
		dbrev_buf_printf(&b, "%s: ", f[i].key);
		pct_put(&b, v);
		dbrev_buf_puts(&b, "\n");
	}
	body = b.len;
	dbrev_checksum(b.data, body, sum);
	dbrev_buf_printf(&b, REC_FOOT "%08zx %.16s\n", body, sum);
	*len = b.len;
	return dbrev_buf_take(&b);
}

/* Parse n hex digits at s into *out; -1 when they are not. */
static int
hex_field(const char *s, size_t n, size_t *out)
{
	size_t i, v = 0;

	for (i = 0; i < n; i++) {
		int d = hexval((unsigned char)s[i]);

		if (d < 0 || (s[i] >= 'A' && s[i] <= 'F'))
			return -1;
		v = v << 4 | (size_t)d;
	}
	*out = v;
	return 0;
}

/* The body's lines after the first: "key: value", each once. */
static int
parse_body(const char *p, const char *end, struct dbrev_backup_record *r)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *colon;
		char **slot = NULL, *v;

		if (nl == NULL)
			return -1;
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon == NULL || colon + 1 >= nl || colon[1] != ' ')
			return -1;
#define KEY(k, field) \
		if ((size_t)(colon - p) == strlen(k) && \
		    memcmp(p, k, strlen(k)) == 0) slot = &r->field
		KEY("database", database);
		KEY("revision", revision);
		KEY("taken", taken);
		KEY("dbrev", dbrev);
#undef KEY
		if (slot != NULL) {
			if (*slot != NULL)
				return -1;	/* twice */
			v = pct_get(colon + 2, (size_t)(nl - colon - 2));
			if (v == NULL)
				return -1;
			*slot = v;
		}
		p = nl + 1;
	}
	return r->database != NULL && *r->database != '\0' ? 0 : -1;
}

int
dbrev_backup_record_decode(const char *buf, size_t len,
    struct dbrev_backup_record *r, size_t *start)
{
	const char *foot, *body, *p;
	char sum[DBREV_CHECKSUM_LEN + 1];
	size_t blen, flen = sizeof(REC_FOOT) - 1;

	memset(r, 0, sizeof *r);
	if (len < REC_FOOT_LEN)
		return 0;
	foot = buf + len - REC_FOOT_LEN;
	if (memcmp(foot, REC_FOOT, flen) != 0)
		return 0;
	/* From here on, a record was written: what fails is damage. */
	if (hex_field(foot + flen, 8, &blen) == -1 || foot[flen + 8] != ' ' ||
	    foot[REC_FOOT_LEN - 1] != '\n' ||
	    blen > len - REC_FOOT_LEN || blen > REC_MAX)
		return -1;
	body = foot - blen;
	dbrev_checksum(body, blen, sum);
	if (memcmp(sum, foot + flen + 9, 16) != 0)
		return -1;
	if (blen < sizeof(REC_HEAD) || memcmp(body, REC_HEAD,
	    sizeof(REC_HEAD) - 1) != 0)
		return -1;
	for (p = body + sizeof(REC_HEAD) - 1; p < foot && *p >= '0' &&
	    *p <= '9'; p++)
		;
	if (p == body + sizeof(REC_HEAD) - 1 || p >= foot || *p != '\n' ||
	    parse_body(p + 1, foot, r) == -1) {
		dbrev_backup_record_free(r);
		return -1;
	}
	if (start != NULL)
		*start = (size_t)(body - buf);
	return 1;
}

/* pread all of n bytes at off, or -1. */
static int
read_at(int fd, void *buf, size_t n, off_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done,
		    off + (off_t)done);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

/* dbrev_backup_record_read on an open file: -2 when damaged, -1 errno. */
static int
record_fd(int fd, struct dbrev_backup_record *r, off_t *data_end)
{
	char foot[REC_FOOT_LEN], *buf;
	size_t blen, start = 0;
	struct stat st;
	int rc;

	memset(r, 0, sizeof *r);
	if (fstat(fd, &st) == -1)
		return -1;
	*data_end = st.st_size;
	if ((size_t)st.st_size < REC_FOOT_LEN)
		return 0;
	if (read_at(fd, foot, sizeof foot, st.st_size - REC_FOOT_LEN) == -1)
		return -1;
	if (memcmp(foot, REC_FOOT, sizeof(REC_FOOT) - 1) != 0)
		return 0;
	if (hex_field(foot + sizeof(REC_FOOT) - 1, 8, &blen) == -1 ||
	    blen > REC_MAX || blen + REC_FOOT_LEN > (size_t)st.st_size)
		return -2;
	buf = dbrev_xcalloc(blen + REC_FOOT_LEN, 1);
	if (read_at(fd, buf, blen + REC_FOOT_LEN,
	    st.st_size - (off_t)(blen + REC_FOOT_LEN)) == -1) {
		free(buf);
		return -1;
	}
	rc = dbrev_backup_record_decode(buf, blen + REC_FOOT_LEN, r, &start);
	free(buf);
	if (rc != 1)
		return -2;
	*data_end = st.st_size - (off_t)(blen + REC_FOOT_LEN);
	return 1;
}

int
dbrev_backup_record_read(const char *path, struct dbrev_backup_record *r,
    off_t *data_end, struct dbrev_error *err)
{
	int fd, rc, e;
	off_t end = 0;

	memset(r, 0, sizeof *r);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    NULL, "cannot open backup: %s", strerror(errno));
	rc = record_fd(fd, r, &end);
	e = errno;
	close(fd);
	if (data_end != NULL)
		*data_end = end;
	if (rc == -1)
		return dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, path,
		    NULL, "cannot read backup: %s", strerror(e));
	return rc == -2 ? DBREV_RECORD_DAMAGED : rc;
}

int
dbrev_backup_record_append(int fd, const struct dbrev_backup_record *r,
    size_t pad_to, struct dbrev_error *err)
{
	struct stat st;
	size_t len, pad = 0, done = 0;
	char *text, *all;
	int e;

	if (fstat(fd, &st) == -1)
		goto fail;
	text = dbrev_backup_record_encode(r, &len);
	if (pad_to > 0)
		pad = (pad_to - ((size_t)st.st_size + len) % pad_to) % pad_to;
	all = dbrev_xcalloc(pad + len, 1);
	memcpy(all + pad, text, len);
	free(text);
	while (done < pad + len) {
		ssize_t w = pwrite(fd, all + done, pad + len - done,
		    st.st_size + (off_t)done);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w == 0 ? EIO : errno;
			free(all);
			errno = e;
			goto fail;
		}
		done += (size_t)w;
	}
	free(all);
	return 0;
fail:
	e = errno;
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
	    e == ENOSPC || e == EFBIG || e == EDQUOT ?
	    "free some space, raise the file size limit or choose another "
	    "directory" : NULL, "cannot write backup: %s", strerror(e));
}

/* --- identity ------------------------------------------------------- */

/*
 * Append the path's components to the absolute path in b, resolving "."
 * and ".." by name (they are below the part that exists, so no link can
 * be in the way).
 */
static void
append_lexical(struct dbrev_buf *b, const char *rest)
{
	const char *p = rest;

	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(b->data, '/');

			if (slash != NULL && slash != b->data)
				*slash = '\0';
			else
				b->data[1] = '\0';
			b->len = strlen(b->data);
		} else {
			if (b->len > 1)
				dbrev_buf_puts(b, "/");
			dbrev_buf_add(b, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
}

/*
 * The canonical absolute path of a file that may not exist yet:
 * realpath() of it, or of its nearest existing ancestor directory with
 * the rest appended by name.  A symbolic link is followed (up to 40),
 * also when it points to a file not there yet.
 */
static char *
canonical_path(const char *path)
{
	struct dbrev_buf b = { 0 };
	char real[PATH_MAX], *cur, *s, *slash;
	int hops;

	cur = dbrev_xstrdup(path);
	for (hops = 0; hops < 40; hops++) {
		char link[PATH_MAX];
		struct stat st;
		ssize_t n;

		if (realpath(cur, real) != NULL) {
			free(cur);
			return dbrev_xstrdup(real);
		}
		if (lstat(cur, &st) == -1 || !S_ISLNK(st.st_mode) ||
		    (n = readlink(cur, link, sizeof link - 1)) <= 0)
			break;
		link[n] = '\0';
		/* A relative target is relative to the link's directory. */
		if (link[0] != '/' && (slash = strrchr(cur, '/')) != NULL) {
			dbrev_buf_add(&b, cur, (size_t)(slash - cur) + 1);
			dbrev_buf_puts(&b, link);
			free(cur);
			cur = dbrev_buf_take(&b);
		} else {
			free(cur);
			cur = dbrev_xstrdup(link);
		}
	}
	/* Not there: the nearest ancestor that is, and the rest by name. */
	if (cur[0] != '/') {
		if (getcwd(real, sizeof real) == NULL)
			snprintf(real, sizeof real, "/");
		dbrev_buf_printf(&b, "%s/%s", real, cur);
		free(cur);
		cur = dbrev_buf_take(&b);
	}
	s = dbrev_xstrdup(cur);
	for (;;) {
		slash = strrchr(s, '/');
		if (slash == s) {
			dbrev_buf_puts(&b, "/");
			break;
		}
		*slash = '\0';
		if (realpath(s, real) != NULL) {
			dbrev_buf_puts(&b, real);
			break;
		}
	}
	/* cur's components after the ancestor found. */
	append_lexical(&b, cur + (slash - s) + 1);
	free(s);
	free(cur);
	return dbrev_buf_take(&b);
}

static int
sqlite_identity(const char *url, char **id, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	char *path, *canon;

	if ((path = dbrev_url_sqlite_path(url, err)) == NULL)
		return -1;
	if (strcmp(path, ":memory:") == 0) {
		free(path);
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "an in-memory database cannot be backed up");
	}
	canon = canonical_path(path);
	if (strcmp(canon, "/") == 0) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "bad URL %s: it names the root directory, not a file",
		    url);
		free(canon);
		free(path);
		return -1;
	}
	dbrev_buf_printf(&b, "sqlite://%s", canon);
	free(canon);
	free(path);
	*id = dbrev_buf_take(&b);
	return 0;
}

int
dbrev_backup_identity(const char *url, char **id, struct dbrev_error *err)
{
	*id = NULL;
	switch (url != NULL ? dbrev_url_dialect(url) : DBREV_DIALECT_UNKNOWN) {
	case DBREV_DIALECT_SQLITE:
		return sqlite_identity(url, id, err);
#if DBREV_WITH_POSTGRES
	case DBREV_DIALECT_POSTGRES:
		return dbrev_backup_pg_identity(url, id, err);
#endif
	default:
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "set DATABASE_URL or pass -u URL",
		    "no database URL to name the database by");
	}
}
