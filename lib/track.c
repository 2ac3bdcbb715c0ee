/*
 * track.c - is a database at head, decided cheaply (dbrev/track.h).
 *
 * A state directory holds two kinds of files, each written whole to a
 * temporary name and renamed over the old one, each named after what it
 * describes (dbrev_track_state_name: an injective escape):
 *
 *   graph-<migrations directory>
 *       dbrev-state 1 / graph <at-head digest> / heads <ids> /
 *       files <length>, then that many bytes: the names and stat data of
 *       versions/ *.sql as last read, compared byte for byte
 *   db-<URL without its password>[_t<version table>]   (SQLite only)
 *       dbrev-state 1 / graph <at-head digest it was at head of> /
 *       file <hex of the file's and its -wal file's identity>
 *
 * What changes is compared raw, as git's index does, so the fast path
 * computes no digest (and never starts libcrypto).  The at-head digest
 * hashes the sorted (id, checksum) pairs, so that the graph and the
 * version table compare as two strings.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/driver.h"
#include "dbrev/graph.h"
#include "dbrev/track.h"
#include "dbrev/url.h"

#include "fs.h"

#define STATE_MAGIC	"dbrev-state 1"
#define STATE_MAX	(1 << 20)	/* a longer header is not ours */
#define FILES_MAX	(64 << 20)	/* nor a longer list of files */
#define ID_HEX_MAX	2048		/* nor a longer file identity */
#define NAME_MAX_ESC	200		/* escaped names longer: digested */
#define HEADER_BYTES	100		/* SQLite's database header */
#define WAL_HEADER	32

/* --- Digests. --- */

struct pair {
	const char	*id;
	const char	*sum;
};

static int
pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pair *)a)->id,
	    ((const struct pair *)b)->id);
}

void
dbrev_track_digest(char *const *ids, char *const *checksums, size_t n,
    char out[DBREV_CHECKSUM_LEN + 1])
{
	struct dbrev_buf b = { 0 };
	struct pair *p = dbrev_xmalloc((n ? n : 1) * sizeof(*p));
	size_t i;

	for (i = 0; i < n; i++) {
		p[i].id = ids[i];
		p[i].sum = checksums[i];
	}
	qsort(p, n, sizeof(*p), pair_cmp);
	dbrev_buf_puts(&b, "");
	for (i = 0; i < n; i++)
		dbrev_buf_printf(&b, "%s %s\n", p[i].id, p[i].sum);
	dbrev_checksum(b.data, b.len, out);
	dbrev_buf_free(&b);
	free(p);
}

/* At head, every revision has its row: the repeatables' too. */
static void
graph_digest(const struct dbrev_graph *g, char out[DBREV_CHECKSUM_LEN + 1])
{
	size_t i, n = dbrev_graph_count(g), nr = dbrev_graph_nrepeatable(g);
	char **ids = dbrev_xmalloc((n + nr + 1) * sizeof(*ids));
	char **sums = dbrev_xmalloc((n + nr + 1) * sizeof(*sums));
	const struct dbrev_revision *r;

	for (i = 0; i < n + nr; i++) {
		r = i < n ? dbrev_graph_at(g, i) :
		    dbrev_graph_repeatable(g, i - n);
		ids[i] = r->id;
		sums[i] = (char *)r->checksum;
	}
	dbrev_track_digest(ids, sums, n + nr, out);
	free(ids);
	free(sums);
}

/* The digest of the rows in state applied; *busy when one is not. */
static void
rows_digest(const struct dbrev_applied *rows, size_t n, int *busy,
    char out[DBREV_CHECKSUM_LEN + 1])
{
	char **ids = dbrev_xmalloc((n ? n : 1) * sizeof(*ids));
	char **sums = dbrev_xmalloc((n ? n : 1) * sizeof(*sums));
	size_t i, k = 0;

	*busy = 0;
	for (i = 0; i < n; i++) {
		if (rows[i].state != DBREV_ROW_APPLIED) {
			*busy = 1;
			continue;
		}
		ids[k] = rows[i].revision;
		sums[k++] = rows[i].checksum;
	}
	dbrev_track_digest(ids, sums, k, out);
	free(ids);
	free(sums);
}

/* --- Timestamps too recent to be told apart from a later change. --- */

/*
 * A file changed again within the clock tick that stamped it keeps the
 * same timestamps.  A state is remembered only when its timestamps are
 * older than the coarsest tick that could have stamped them: 50 ms for
 * timestamps with nanoseconds (the kernel's coarse clock ticks at most
 * every 10 ms), 2 s for whole seconds (ext3, FAT, some NFS servers).
 */
static int
too_recent(const struct timespec *t, const struct timespec *now)
{
	long long margin_ns = t->tv_nsec == 0 ? 2000000000LL : 50000000LL;
	long long d = (long long)(now->tv_sec - t->tv_sec) * 1000000000LL +
	    (now->tv_nsec - t->tv_nsec);

	return d < margin_ns;
}

/* What a digest takes of a file's stat data: fixed-size fields, raw. */
static void
put_stat(struct dbrev_buf *b, const struct stat *st)
{
	long long v[8];

	v[0] = (long long)st->st_dev;
	v[1] = (long long)st->st_ino;
	v[2] = (long long)st->st_mode;
	v[3] = (long long)st->st_size;
	v[4] = (long long)st->st_mtim.tv_sec;
	v[5] = st->st_mtim.tv_nsec;
	v[6] = (long long)st->st_ctim.tv_sec;
	v[7] = st->st_ctim.tv_nsec;
	dbrev_buf_add(b, v, sizeof(v));
}

static int
stat_recent(const struct stat *st, const struct timespec *now)
{
	return too_recent(&st->st_mtim, now) || too_recent(&st->st_ctim, now);
}

/* --- The revision files' names and stat data. --- */

struct entry {
	char		*name;
	struct stat	 st;
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
	    ((const struct entry *)b)->name);
}

/* The names dbrev_graph_load reads: *.sql, not hidden. */
static int
wanted(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".sql") == 0;
}

/*
 * Hash DIR/versions: the directory's own identity, then each wanted
 * name with its stat data, in name order.  *recent when a timestamp is
 * too recent to remember.  Returns -1 when the directory or a file
 * cannot be looked at (loading the graph then says why).
 */
static int
scan_files(const char *dir, const struct timespec *now, int *recent,
    struct dbrev_buf *b)
{
	struct dbrev_buf path = { 0 };
	struct entry *v = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat st;
	int fd, rc = -1;
	DIR *d;

	dbrev_buf_printf(&path, "%s/versions", dir);
	if ((fd = open(path.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		dbrev_buf_free(&path);
		return -1;
	}
	if (fstat(fd, &st) == -1 || (d = fdopendir(fd)) == NULL) {
		close(fd);
		dbrev_buf_free(&path);
		return -1;
	}
	*recent = 0;
	dbrev_buf_reset(b);
	dbrev_buf_add(b, path.data, path.len + 1);
	put_stat(b, &st);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!wanted(de->d_name))
			continue;
		if (fstatat(fd, de->d_name, &st, 0) == -1)
			goto out;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = dbrev_xrealloc(v, cap * sizeof(*v));
		}
		v[n].name = dbrev_xstrdup(de->d_name);
		v[n++].st = st;
	}
	if (errno != 0)
		goto out;
	if (n > 0)
		qsort(v, n, sizeof(*v), entry_cmp);
	for (i = 0; i < n; i++) {
		/* The NUL ends the name: no name can forge the next field. */
		dbrev_buf_add(b, v[i].name, strlen(v[i].name) + 1);
		put_stat(b, &v[i].st);
		*recent |= stat_recent(&v[i].st, now);
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	closedir(d);
	dbrev_buf_free(&path);
	return rc;
}

/* --- A SQLite file's identity. --- */

/*
 * Stat data of path and its first `want` bytes, into b.  Returns 0, or
 * the errno of the failed open or fstat.
 */
static int
put_file(struct dbrev_buf *b, const char *path, size_t want,
    const struct timespec *now, int *recent)
{
	unsigned char hdr[HEADER_BYTES];
	struct stat st;
	ssize_t got;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return errno;
	if (fstat(fd, &st) == -1) {
		e = errno;
		close(fd);
		return e;
	}
	got = pread(fd, hdr, want, 0);
	close(fd);
	put_stat(b, &st);
	/* How many bytes follow is known from st_size: no separator. */
	if (got > 0)
		dbrev_buf_add(b, hdr, (size_t)got);
	*recent |= stat_recent(&st, now);
	return 0;
}

/*
 * The file's stat data and header, and its -wal file's (SQLite writes
 * there first in WAL mode).  Returns 0, or the errno of looking at the
 * file (ENOENT: it is not there).
 */
static int
file_identity(const char *path, const struct timespec *now, int *recent,
    struct dbrev_buf *b)
{
	static const char hex[] = "0123456789abcdef";
	struct dbrev_buf raw = { 0 }, wal = { 0 };
	size_t i;
	int e;

	*recent = 0;
	if ((e = put_file(&raw, path, HEADER_BYTES, now, recent)) != 0) {
		dbrev_buf_free(&raw);
		return e;
	}
	dbrev_buf_printf(&wal, "%s-wal", path);
	if (put_file(&raw, wal.data, WAL_HEADER, now, recent) != 0)
		dbrev_buf_add(&raw, "-", 1);	/* no -wal file */
	dbrev_buf_reset(b);
	for (i = 0; i < raw.len; i++) {
		char h[2] = { hex[(unsigned char)raw.data[i] >> 4],
		    hex[raw.data[i] & 15] };

		dbrev_buf_add(b, h, 2);
	}
	dbrev_buf_free(&raw);
	dbrev_buf_free(&wal);
	return 0;
}

/* --- State files. --- */

static int
ids_ok(char *s)
{
	char *p, *save = NULL, *copy = dbrev_xstrdup(s);
	int ok = 1;

	for (p = strtok_r(copy, " ", &save); p != NULL && ok;
	    p = strtok_r(NULL, " ", &save))
		ok = dbrev_revision_id_valid(p);
	free(copy);
	return ok && strstr(s, "  ") == NULL && s[0] != ' ' &&
	    (s[0] == '\0' || s[strlen(s) - 1] != ' ');
}

/* Lowercase hex: exactly `len` digits, or an even number up to max. */
static int
is_hex(const char *s, size_t len, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return len != 0 ? i == len : i > 0 && i % 2 == 0 && i <= max;
}

static int
is_count(const char *s)
{
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		;
	return i > 0 && i <= 9 && s[i] == '\0' && (s[0] != '0' || i == 1);
}

static int
value_ok(const char *key, char *v)
{
	if (strcmp(key, "heads") == 0)
		return ids_ok(v);
	if (strcmp(key, "files") == 0)
		return is_count(v);
	if (strcmp(key, "file") == 0)
		return is_hex(v, 0, ID_HEX_MAX);
	return is_hex(v, DBREV_CHECKSUM_LEN, 0);
}

int
dbrev_track_parse_state(const char *text, size_t len,
    const char *const *keys, size_t n, const char **vals, char **copy)
{
	char *s, *line, *next;
	size_t i, kl;

	*copy = NULL;
	if (len > STATE_MAX || memchr(text, '\0', len) != NULL)
		return -1;
	s = dbrev_xstrndup(text, len);
	line = s;
	for (i = 0; i <= n; i++) {
		if ((next = strchr(line, '\n')) == NULL)
			goto bad;
		*next++ = '\0';
		if (i == 0) {
			if (strcmp(line, STATE_MAGIC) != 0)
				goto bad;
		} else {
			kl = strlen(keys[i - 1]);
			if (strncmp(line, keys[i - 1], kl) != 0 ||
			    line[kl] != ' ')
				goto bad;
			vals[i - 1] = line + kl + 1;
			if (!value_ok(keys[i - 1], line + kl + 1))
				goto bad;
		}
		line = next;
	}
	if (*line != '\0')
		goto bad;
	*copy = s;
	return 0;
bad:
	free(s);
	return -1;
}

/*
 * Read state file DIR/NAME: its header of n keys into vals (free *copy).
 * When the last key is "files", its value is the length of the bytes
 * that follow the header, which go to *tail.  0, or -1 when the file is
 * missing or not exactly what state_write writes.
 */
static int
state_read(const char *dir, const char *name, const char *const *keys,
    size_t n, const char **vals, char **copy, struct dbrev_buf *tail)
{
	struct dbrev_buf path = { 0 }, text = { 0 };
	struct dbrev_error ignore = { 0 };
	struct stat st;
	size_t hlen = 0, lines = 0;
	int rc = -1;

	*copy = NULL;
	dbrev_buf_printf(&path, "%s/%s", dir, name);
	/* Only a regular file of a sane size: never a FIFO, never huge. */
	if (stat(path.data, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > STATE_MAX + FILES_MAX ||
	    dbrev_read_file(path.data, &text, &ignore) == -1)
		goto out;
	/* The header: the magic line and one line per key. */
	while (hlen < text.len && lines <= n)
		if (text.data[hlen++] == '\n')
			lines++;
	if (lines != n + 1 || (tail == NULL && hlen != text.len) ||
	    dbrev_track_parse_state(text.data, hlen, keys, n, vals, copy) == -1)
		goto out;
	if (tail != NULL) {
		if (strtoul(vals[n - 1], NULL, 10) != text.len - hlen) {
			free(*copy);
			*copy = NULL;
			goto out;
		}
		dbrev_buf_reset(tail);
		dbrev_buf_add(tail, text.data + hlen, text.len - hlen);
	}
	rc = 0;
out:
	dbrev_error_clear(&ignore);
	dbrev_buf_free(&path);
	dbrev_buf_free(&text);
	return rc;
}

/*
 * Write DIR/NAME whole: a temporary file renamed over it, so a reader
 * sees the old text or the new one.  A failure only loses the memory.
 */
static void
state_write(const char *dir, const char *name, const char *text, size_t len)
{
	struct dbrev_buf tmp = { 0 }, path = { 0 };
	int fd, ok;

	/* mkdir -p; errors are left to the mkstemp that follows. */
	(void)dbrev_fs_mkdirs(dir, 0777, NULL, NULL);
	dbrev_buf_printf(&tmp, "%s/.%s.XXXXXX", dir, name);
	dbrev_buf_printf(&path, "%s/%s", dir, name);
	if ((fd = mkstemp(tmp.data)) != -1) {
		ok = write(fd, text, len) == (ssize_t)len;
		ok &= close(fd) == 0;
		if (!ok || rename(tmp.data, path.data) == -1)
			unlink(tmp.data);
	}
	dbrev_buf_free(&tmp);
	dbrev_buf_free(&path);
}

void
dbrev_track_state_name(struct dbrev_buf *out, const char *prefix,
    const char *text)
{
	static const char hex[] = "0123456789abcdef";
	char sum[DBREV_CHECKSUM_LEN + 1];
	size_t start = out->len;
	const unsigned char *p;

	dbrev_buf_puts(out, prefix);
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '+')
			dbrev_buf_add(out, p, 1);
		else if (*p == '_')
			dbrev_buf_puts(out, "__");
		else {
			char e[3] = { '_', hex[*p >> 4], hex[*p & 15] };

			dbrev_buf_add(out, e, 3);
		}
	}
	if (out->len - start > NAME_MAX_ESC) {
		/* No escape starts "_h": 'h' is not a hex digit. */
		out->len = start;
		out->data[start] = '\0';
		dbrev_checksum(text, strlen(text), sum);
		dbrev_buf_printf(out, "%s_h%s", prefix, sum);
	}
}

/* --- The graph: its at-head digest and heads. --- */

static void
heads_from_graph(const struct dbrev_graph *g, struct dbrev_track *out)
{
	size_t n = dbrev_graph_count(g), i;
	size_t *idx = dbrev_xmalloc((n ? n : 1) * sizeof(*idx));

	out->nheads = dbrev_graph_heads(g, idx);
	out->heads = dbrev_xcalloc(out->nheads + 1, sizeof(*out->heads));
	for (i = 0; i < out->nheads; i++)
		out->heads[i] = dbrev_xstrdup(dbrev_graph_at(g, idx[i])->id);
	free(idx);
}

/* "id id ..." as a state file holds them (checked by the parser). */
static void
heads_from_text(const char *s, struct dbrev_track *out)
{
	const char *p = s;
	size_t n = 0, len;

	out->heads = dbrev_xcalloc(strlen(s) / 2 + 2, sizeof(*out->heads));
	while (*p != '\0') {
		len = strcspn(p, " ");
		out->heads[n++] = dbrev_xstrndup(p, len);
		p += len;
		if (*p == ' ')
			p++;
	}
	out->nheads = n;
}

/*
 * The at-head digest of o->dir and its heads: from the state directory
 * while the files are as it remembers them, else from the graph, then
 * remembered when the files' timestamps allow.  The files are looked at
 * before the graph is read: a change in between is seen next time.
 */
static int
graph_state(const struct dbrev_apply_options *o, const char *state_dir,
    const struct timespec *now, char digest[DBREV_CHECKSUM_LEN + 1],
    struct dbrev_track *out, struct dbrev_error *err)
{
	static const char *const keys[] = { "graph", "heads", "files" };
	struct dbrev_buf name = { 0 }, text = { 0 }, files = { 0 };
	struct dbrev_buf was = { 0 };
	const char *vals[3];
	struct dbrev_graph *g;
	int recent = 1, scanned = 0, rc = -1;
	char *copy;
	size_t i;

	if (state_dir != NULL) {
		scanned = scan_files(o->dir, now, &recent, &files) == 0;
		dbrev_track_state_name(&name, "graph-", o->dir);
	}
	if (scanned && state_read(state_dir, name.data, keys, 3, vals, &copy,
	    &was) == 0) {
		if (was.len == files.len &&
		    memcmp(was.data, files.data, files.len) == 0) {
			memcpy(digest, vals[0], DBREV_CHECKSUM_LEN + 1);
			heads_from_text(vals[1], out);
			free(copy);
			rc = 0;
			goto out;
		}
		free(copy);
	}
	if (dbrev_graph_load(o->dir, DBREV_PARSE_HEADER_ONLY, &g, err) == -1)
		goto out;
	graph_digest(g, digest);
	heads_from_graph(g, out);
	dbrev_graph_free(g);
	if (scanned && !recent && files.len <= FILES_MAX) {
		dbrev_buf_printf(&text, STATE_MAGIC "\ngraph %s\nheads ", digest);
		for (i = 0; i < out->nheads; i++)
			dbrev_buf_printf(&text, "%s%s", i ? " " : "",
			    out->heads[i]);
		dbrev_buf_printf(&text, "\nfiles %zu\n", files.len);
		dbrev_buf_add(&text, files.data, files.len);
		state_write(state_dir, name.data, text.data, text.len);
	}
	rc = 0;
out:
	dbrev_buf_free(&name);
	dbrev_buf_free(&text);
	dbrev_buf_free(&files);
	dbrev_buf_free(&was);
	return rc;
}

/* --- The database. --- */

static const char *
table_of(const struct dbrev_apply_options *o)
{
	return o->table != NULL && *o->table != '\0' ? o->table :
	    DBREV_DEFAULT_TABLE;
}

/* The version table's at-head digest; *busy when a row is in progress. */
static int
table_digest(const struct dbrev_apply_options *o, int *busy,
    char out[DBREV_CHECKSUM_LEN + 1], struct dbrev_error *err)
{
	const char *table = table_of(o);
	struct dbrev_applied *rows;
	struct dbrev_db *db;
	size_t n;
	int rc;

	if (dbrev_db_connect(o->target, &db, err) == -1)
		return -1;
	rc = db->driver->table_read(db->conn, table, &rows, &n, err);
	dbrev_db_close(db);
	if (rc == -1)
		return -1;
	rows_digest(rows, n, busy, out);
	dbrev_applied_free(rows, n);
	return 0;
}

/* Not at head: pending, or in the way of an upgrade (status says). */
static int
classify(const struct dbrev_apply_options *o, struct dbrev_track *out,
    struct dbrev_error *err)
{
	struct dbrev_status st;
	size_t i, n;
	int trouble, pending = 0;

	if (dbrev_apply_status(o, &st, err) == -1)
		return -1;
	n = dbrev_graph_count(st.graph);
	trouble = st.nunknown > 0;
	for (i = 0; i < n; i++) {
		trouble |= st.in_progress[i] | st.edited[i];
		pending |= !st.applied.in[i];
	}
	for (i = 0; i < dbrev_graph_nrepeatable(st.graph); i++)
		pending |= st.rep_state[i] != DBREV_REP_CURRENT;
	out->verdict = trouble ? DBREV_TRACK_TROUBLE : pending ?
	    DBREV_TRACK_PENDING : DBREV_TRACK_AT_HEAD;
	dbrev_status_free(&st);
	return 0;
}

/*
 * The state file of a database file's version table: db-<URL without
 * password>, and "_t" and the table's name unless it is the default (no
 * escape starts "_t": 't' is not a hex digit).
 */
static void
db_state_name(struct dbrev_buf *name, const struct dbrev_target *t,
    const char *table)
{
	dbrev_track_state_name(name, "db-", dbrev_target_display(t));
	if (strcmp(table, DBREV_DEFAULT_TABLE) != 0)
		dbrev_track_state_name(name, "_t", table);
}

/* What looking at a database file without opening it found. */
struct look {
	int		 done;		/* the verdict is known */
	int		 have_fid;	/* fid may be remembered */
	struct dbrev_buf fid;		/* its identity, hex */
	struct dbrev_buf name;		/* its state file */
};

/*
 * The verdict on a database that is one local file (path) without
 * opening it: done when the file is missing (pending) or is as
 * remembered at head of this graph; else its identity, to remember once
 * it is found at head.
 */
static void
file_look(const struct dbrev_apply_options *o, const char *path,
    const char *state_dir, const struct timespec *now, const char *gdigest,
    struct dbrev_track *out, struct look *lk)
{
	static const char *const keys[] = { "graph", "file" };
	const char *vals[2];
	char *copy;
	int recent, e;

	e = file_identity(path, now, &recent, &lk->fid);
	if (e == ENOENT) {
		/* Not created by looking: nothing is applied. */
		char none[DBREV_CHECKSUM_LEN + 1];

		dbrev_track_digest(NULL, NULL, 0, none);
		out->verdict = strcmp(gdigest, none) != 0 ?
		    DBREV_TRACK_PENDING : DBREV_TRACK_AT_HEAD;
		out->known = lk->done = 1;
	} else if (e == 0 && state_dir != NULL) {
		lk->have_fid = !recent && lk->fid.len <= ID_HEX_MAX;
		db_state_name(&lk->name, o->target, table_of(o));
		if (state_read(state_dir, lk->name.data, keys, 2, vals,
		    &copy, NULL) == 0) {
			if (strcmp(vals[0], gdigest) == 0 &&
			    strcmp(vals[1], lk->fid.data) == 0) {
				out->verdict = DBREV_TRACK_AT_HEAD;
				out->known = lk->done = 1;
			}
			free(copy);
		}
	}
}

static int
db_state(const struct dbrev_apply_options *o, const char *state_dir,
    const struct timespec *now, const char *gdigest, struct dbrev_track *out,
    struct dbrev_error *err)
{
	struct look lk = { 0 };
	const char *path = dbrev_target_file(o->target);
	struct dbrev_buf text = { 0 };
	char tdigest[DBREV_CHECKSUM_LEN + 1];
	int busy, rc = -1;

	if (path != NULL)
		file_look(o, path, state_dir, now, gdigest, out, &lk);
	if (lk.done) {
		rc = 0;
		goto out;
	}
	if (table_digest(o, &busy, tdigest, err) == -1)
		goto out;
	if (!busy && strcmp(tdigest, gdigest) == 0) {
		out->verdict = DBREV_TRACK_AT_HEAD;
		/*
		 * The identity was taken before the read: a write since
		 * then differs from it.
		 */
		if (lk.have_fid) {
			dbrev_buf_printf(&text, STATE_MAGIC "\ngraph %s\n"
			    "file %s\n", gdigest, lk.fid.data);
			state_write(state_dir, lk.name.data, text.data,
			    text.len);
		}
		rc = 0;
	} else
		rc = classify(o, out, err);
out:
	dbrev_buf_free(&lk.name);
	dbrev_buf_free(&lk.fid);
	dbrev_buf_free(&text);
	return rc;
}

int
dbrev_track_check(const struct dbrev_apply_options *o, const char *state_dir,
    struct dbrev_track *out, struct dbrev_error *err)
{
	struct dbrev_apply_options to = *o;
	struct dbrev_target *own = NULL;
	char gdigest[DBREV_CHECKSUM_LEN + 1];
	struct timespec now;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (to.target == NULL)
		to.target = own = dbrev_target_new(o->url);
	if (dbrev_target_url(to.target) == NULL) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "set DATABASE_URL or give -u URL", "no database named");
		goto out;
	}
	if (dbrev_target_check(to.target, "open", err) == -1)
		goto out;
	if (state_dir != NULL && *state_dir == '\0')
		state_dir = NULL;
	/* Realtime, as file timestamps are. */
	clock_gettime(CLOCK_REALTIME, &now);
	if (graph_state(&to, state_dir, &now, gdigest, out, err) == -1 ||
	    db_state(&to, state_dir, &now, gdigest, out, err) == -1) {
		dbrev_error_scrub(err, dbrev_target_url(to.target));
		dbrev_track_free(out);
		goto out;
	}
	rc = 0;
out:
	dbrev_target_free(own);
	return rc;
}

void
dbrev_track_free(struct dbrev_track *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nheads; i++)
		free(t->heads[i]);
	free(t->heads);
	t->heads = NULL;
	t->nheads = 0;
}

int
dbrev_track_known(const struct dbrev_apply_options *o, const char *state_dir,
    struct dbrev_track *out, struct dbrev_error *err)
{
	struct dbrev_apply_options to = *o;
	struct dbrev_target *own = NULL;
	char gdigest[DBREV_CHECKSUM_LEN + 1];
	struct look lk = { 0 };
	struct timespec now;
	const char *path;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (state_dir == NULL || *state_dir == '\0')
		return 0;
	if (to.target == NULL)
		to.target = own = dbrev_target_new(o->url);
	/* Only a database that is one local file can be known unopened. */
	if (dbrev_target_url(to.target) == NULL ||
	    (path = dbrev_target_file(to.target)) == NULL)
		goto out;
	clock_gettime(CLOCK_REALTIME, &now);
	if (graph_state(&to, state_dir, &now, gdigest, out, err) == -1) {
		dbrev_error_scrub(err, dbrev_target_url(to.target));
		rc = -1;
	} else {
		file_look(&to, path, state_dir, &now, gdigest, out, &lk);
		rc = lk.done && out->verdict == DBREV_TRACK_AT_HEAD;
	}
out:
	if (rc != 1)
		dbrev_track_free(out);
	dbrev_buf_free(&lk.name);
	dbrev_buf_free(&lk.fid);
	dbrev_target_free(own);
	return rc;
}
