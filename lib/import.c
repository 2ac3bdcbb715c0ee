/*
 * import.c - the import pipeline (see dbrev/import.h): load a source,
 * let its kind parse it (import_<kind>.c), check and complete what the
 * kind produced, render revision files, and publish them all or none.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbrev/graph.h"
#include "dbrev/import.h"
#include "dbrev/revision.h"
#include "dbrev/scaffold.h"
#include "dbrev/util.h"
#include "fs.h"
#include "import_kind.h"

/* By name; dbrev_import_kinds lists them in this order. */
static const struct dbrev_import_kind *const kinds[] = {
	&dbrev_import_alembic, &dbrev_import_dbmate, &dbrev_import_diesel,
	&dbrev_import_flyway, &dbrev_import_golang_migrate,
	&dbrev_import_goose, &dbrev_import_sqitch
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
#define KIND_LIST "alembic, dbmate, diesel, flyway, golang-migrate, goose, " \
	"sqitch"

const char *const *
dbrev_import_kinds(void)
{
	static const char *names[NKINDS + 1];
	size_t i;

	for (i = 0; i < NKINDS; i++)
		names[i] = kinds[i]->name;
	names[NKINDS] = NULL;
	return names;
}

static const struct dbrev_import_kind *
find_kind(const char *name, struct dbrev_error *err)
{
	size_t i;

	for (i = 0; name != NULL && i < NKINDS; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "the kinds are "
	    KIND_LIST, "unknown import kind '%s'", name != NULL ? name : "");
	return NULL;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef)
		return n >= 3 && (s[1] & 0xc0) == 0x80 &&
		    (s[2] & 0xc0) == 0x80 && !(c == 0xe0 && s[1] < 0xa0) &&
		    !(c == 0xed && s[1] >= 0xa0) ? 3 : 0;
	if (c >= 0xf0 && c <= 0xf4)
		return n >= 4 && (s[1] & 0xc0) == 0x80 &&
		    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 &&
		    !(c == 0xf0 && s[1] < 0x90) &&
		    !(c == 0xf4 && s[1] >= 0x90) ? 4 : 0;
	return 0;
}

/* A source file must be UTF-8 text: say where it is not. */
static int
check_text(const char *path, const char *text, size_t len,
    struct dbrev_error *err)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned line = 1;
	size_t i = 0, k;

	while (i < len) {
		if (s[i] == '\n')
			line++;
		if (s[i] == '\0')
			return dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
			    "migrations are SQL text; check that this is the "
			    "right file", "NUL byte: binary content, not text");
		if ((k = utf8_seq(s + i, len - i)) == 0)
			return dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
			    "save the file as UTF-8 (e.g. iconv -f LATIN1 -t "
			    "UTF-8), then import again",
			    "invalid UTF-8 byte sequence (byte 0x%02x)", s[i]);
		i += k;
	}
	return 0;
}

static void
add_file(struct dbrev_import_source *src, char *path, char *rel, char *text,
    size_t len)
{
	struct dbrev_import_file *f;

	if ((src->nfiles & (src->nfiles - 1)) == 0)
		src->files = dbrev_xrealloc(src->files,
		    (src->nfiles ? 2 * src->nfiles : 1) * sizeof(*src->files));
	f = &src->files[src->nfiles++];
	f->path = path;
	f->rel = rel;
	f->text = text;
	f->len = len;
}

/* Read path as a source file: text checked, byte order mark dropped. */
static int
read_source(struct dbrev_import_source *src, const char *path,
    const char *rel, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 };
	char *text;
	size_t off = 0;

	if (dbrev_read_file(path, &b, err) == -1) {
		dbrev_buf_free(&b);
		return -1;
	}
	if (check_text(path, b.data, b.len, err) == -1) {
		dbrev_buf_free(&b);
		return -1;
	}
	if (b.len >= 3 && memcmp(b.data, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	text = dbrev_xstrndup(b.data + off, b.len - off);
	add_file(src, dbrev_xstrdup(path), dbrev_xstrdup(rel), text,
	    b.len - off);
	dbrev_buf_free(&b);
	return 0;
}

/* The directories from the source down to the one being read. */
struct ancestors {
	dev_t	dev[DBREV_IMPORT_MAX_DEPTH + 2];
	ino_t	ino[DBREV_IMPORT_MAX_DEPTH + 2];
	size_t	n;
};

/* Whether st is one of the directories being read (a link loop). */
static int
is_ancestor(const struct ancestors *a, const struct stat *st)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->dev[i] == st->st_dev && a->ino[i] == st->st_ino)
			return 1;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir that are not hidden, sorted; NULL (err set) on error. */
static char **
list_dir(const char *dir, size_t *np, struct dbrev_error *err)
{
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		dbrev_error_set(err, DBREV_ERR_INPUT, dir, 0, NULL,
		    "cannot read directory: %s", strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* hidden, . and .. */
		if ((n & (n - 1)) == 0)
			v = dbrev_xrealloc(v, (n ? 2 * n : 1) * sizeof(*v));
		v[n++] = dbrev_xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), name_cmp);
	*np = n;
	return v != NULL ? v : dbrev_xcalloc(1, sizeof(*v));
}

/* How many entries dir holds besides . and .. (0 when unreadable). */
static size_t
count_entries(const char *dir)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/*
 * Read the files of dir (rel below the source) that k wants, in name
 * order.  A symbolic link to dir itself or to a directory above it is
 * a loop and is not followed.
 */
static int
load_dir(const struct dbrev_import_kind *k, const char *top, const char *rel,
    int depth, struct ancestors *an, struct dbrev_import_source *src,
    struct dbrev_error *err)
{
	char *dir = *rel ? dbrev_fs_join(top, rel) : dbrev_xstrdup(top), *path, *r;
	char **names;
	struct stat st;
	size_t n, i;
	int rc = 0;

	if ((names = list_dir(dir, &n, err)) == NULL) {
		free(dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		path = dbrev_fs_join(dir, names[i]);
		r = *rel ? dbrev_fs_join(rel, names[i]) : dbrev_xstrdup(names[i]);
		if (rc != 0 || stat(path, &st) == -1)
			;	/* a dangling link: nothing to read */
		else if (S_ISDIR(st.st_mode) && !is_ancestor(an, &st)) {
			if (k->wants(r, 1))
				add_file(src, dbrev_xstrdup(path),
				    dbrev_xstrdup(r), NULL, count_entries(path));
			if (depth < k->depth) {
				an->dev[an->n] = st.st_dev;
				an->ino[an->n++] = st.st_ino;
				rc = load_dir(k, top, r, depth + 1, an, src,
				    err);
				an->n--;
			}
		} else if (S_ISREG(st.st_mode) && k->wants(r, 0))
			rc = read_source(src, path, r, err);
		free(path);
		free(r);
		free(names[i]);
	}
	free(names);
	free(dir);
	return rc;
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dbrev_import_file *)a)->rel,
	    ((const struct dbrev_import_file *)b)->rel);
}

int
dbrev_import_load(const char *kind, const char *const *paths, size_t npaths,
    struct dbrev_import_source *src, struct dbrev_error *err)
{
	const struct dbrev_import_kind *k;
	struct ancestors an;
	struct stat st;
	size_t i;

	memset(src, 0, sizeof(*src));
	if ((k = find_kind(kind, err)) == NULL)
		return -1;
	src->kind = dbrev_xstrdup(k->name);
	if (k->wants == NULL) {
		/* Files given one by one, kept in the order given. */
		if (npaths < 1)
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "give UPGRADE.sql [DOWNGRADE.sql ...]", "%s takes "
			    "an upgrade script and downgrade scripts", k->name);
		for (i = 0; i < npaths; i++)
			if (read_source(src, paths[i], imp_base(paths[i]),
			    err) == -1)
				goto fail;
		return 0;
	}
	if (npaths != 1) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "%s takes one directory", k->name);
		dbrev_error_hint(err, "give the directory that holds the "
		    "migrations (%s)", k->where);
		goto fail;
	}
	if (stat(paths[0], &st) == -1 || !S_ISDIR(st.st_mode)) {
		dbrev_error_set(err, DBREV_ERR_INPUT, paths[0], 0, NULL,
		    "%s", stat(paths[0], &st) == 0 ? "not a directory" :
		    errno == ENOENT ? "no such directory" : strerror(errno));
		dbrev_error_hint(err, "give the directory of the %s "
		    "migrations (%s)", k->name, k->where);
		goto fail;
	}
	an.dev[0] = st.st_dev;
	an.ino[0] = st.st_ino;
	an.n = 1;
	if (load_dir(k, paths[0], "", 0, &an, src, err) == -1)
		goto fail;
	if (src->nfiles > 0)
		qsort(src->files, src->nfiles, sizeof(*src->files), file_cmp);
	return 0;
fail:
	dbrev_import_source_free(src);
	return -1;
}

void
dbrev_import_source_free(struct dbrev_import_source *src)
{
	size_t i;

	for (i = 0; i < src->nfiles; i++) {
		free(src->files[i].path);
		free(src->files[i].rel);
		free(src->files[i].text);
	}
	free(src->files);
	free(src->kind);
	memset(src, 0, sizeof(*src));
}

static void
free_ids(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
dbrev_import_list_free(struct dbrev_import_list *l)
{
	struct dbrev_import_rev *r;
	size_t i;

	for (i = 0; i < l->n; i++) {
		r = &l->revs[i];
		free(r->version);
		free(r->id);
		free(r->message);
		free(r->created);
		free(r->origin);
		free(r->up);
		free(r->up_path);
		free(r->down);
		free(r->down_path);
		free_ids(r->parents, r->nparents);
		free_ids(r->depends, r->ndepends);
	}
	free(l->revs);
	memset(l, 0, sizeof(*l));
}

char *
dbrev_import_id(const char *version, char out[DBREV_ID_MAX + 1])
{
	char sum[DBREV_CHECKSUM_LEN + 1];
	size_t n = strlen(version), i;

	if (dbrev_revision_id_valid(version)) {
		memcpy(out, version, n + 1);
		return out;
	}
	for (i = 0; i < n && i < DBREV_ID_MAX; i++) {
		unsigned char c = (unsigned char)version[i];

		out[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')) ? (char)c : '_';
	}
	out[i] = '\0';
	if (n <= DBREV_ID_MAX && dbrev_revision_id_valid(out))
		return out;
	/* Still no id: a prefix and a digest keep it unique and stable. */
	dbrev_checksum(version, n, sum);
	if (i > 23)
		i = 23;
	snprintf(out + i, DBREV_ID_MAX + 1 - i, "_%.8s", sum);
	return out;
}

/* The marker line the revision parser would see in s, or NULL. */
static const char *
marker(const char *s, size_t len)
{
	size_t i = 2;

	len = imp_rtrim(s, len);
	if (len < 3 || s[0] != '-' || s[1] != '-')
		return NULL;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i == 8 && memcmp(s + i, "+upgrade", 8) == 0)
		return "-- +upgrade";
	if (len - i == 10 && memcmp(s + i, "+downgrade", 10) == 0)
		return "-- +downgrade";
	return NULL;
}

/* A section must not hold a line dbrev reads as a section marker. */
static int
check_section(const char *text, const char *path, unsigned first,
    struct dbrev_error *err)
{
	struct imp_line l;
	size_t len = strlen(text);
	const char *m;

	imp_line_init(&l);
	while (imp_line_next(text, len, &l))
		if ((m = marker(l.s, l.len)) != NULL)
			return dbrev_error_set(err, DBREV_ERR_INPUT, path,
			    first + l.no - 1, "reword the comment (dbrev would "
			    "read it as a section marker), then import again",
			    "the line '%s' would cut the revision in two", m);
	return 0;
}

/* Comment text: control characters shown as '?'. */
static void
put_printable(struct dbrev_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		dbrev_buf_add(b, ((unsigned char)*s < 0x20 || *s == 0x7f) ?
		    "?" : s, 1);
}

static void
put_section(struct dbrev_buf *b, const char *marker_line, const char *text)
{
	size_t n = strlen(text);

	dbrev_buf_puts(b, marker_line);
	dbrev_buf_add(b, text, n);
	if (n > 0 && text[n - 1] != '\n')
		dbrev_buf_puts(b, "\n");
}

void
dbrev_import_render(const struct dbrev_import_rev *r, struct dbrev_buf *out)
{
	size_t i;

	dbrev_buf_reset(out);
	dbrev_buf_printf(out, "-- revision: %s\n-- parents:", r->id);
	for (i = 0; i < r->nparents; i++)
		dbrev_buf_printf(out, " %s", r->parents[i]);
	dbrev_buf_printf(out, "\n-- message: %s\n", r->message);
	if (r->created != NULL && *r->created != '\0')
		dbrev_buf_printf(out, "-- created: %s\n", r->created);
	if (r->ndepends > 0) {
		dbrev_buf_puts(out, "-- depends:");
		for (i = 0; i < r->ndepends; i++)
			dbrev_buf_printf(out, " %s", r->depends[i]);
		dbrev_buf_puts(out, "\n");
	}
	if (!r->transactional)
		dbrev_buf_puts(out, "-- transaction: none\n");
	dbrev_buf_puts(out, "\n-- ");
	put_printable(out, r->origin != NULL ? r->origin : "imported");
	dbrev_buf_puts(out, "\n");
	put_section(out, "-- +upgrade\n", r->up != NULL ? r->up : "");
	if (r->down != NULL)
		put_section(out, "-- +downgrade\n", r->down);
}

/* A section as the revision parser gives it back. */
static int
same_section(const char *want, const char *got)
{
	size_t n = strlen(want), m = strlen(got);

	if (n > 0 && want[n - 1] != '\n')
		return m == n + 1 && memcmp(want, got, n) == 0 &&
		    got[n] == '\n';
	return m == n && memcmp(want, got, n) == 0;
}

/* Render r and parse it back: what is written reads as what was meant. */
static int
round_trip(const struct dbrev_import_rev *r, struct dbrev_error *err)
{
	struct dbrev_buf text = { 0 };
	struct dbrev_revision *p = NULL;
	struct dbrev_error e = { 0 };
	int ok;

	dbrev_import_render(r, &text);
	ok = dbrev_revision_parse(r->up_path, text.data, text.len, 0, &p,
	    &e) == 0 && strcmp(p->id, r->id) == 0 &&
	    p->nparents == r->nparents && p->ndepends == r->ndepends &&
	    p->transactional == r->transactional &&
	    same_section(r->up, p->upgrade) &&
	    (r->down == NULL ? !p->has_downgrade :
	    p->has_downgrade && same_section(r->down, p->downgrade));
	if (!ok)
		dbrev_error_set(err, DBREV_ERR_INPUT, r->up_path, r->up_line,
		    "report this with the migration (a bug in the import)",
		    "the revision written for %s would not read back as it "
		    "is%s%s", r->version, dbrev_error_isset(&e) ? ": " : "",
		    dbrev_error_isset(&e) ? e.message : "");
	dbrev_error_clear(&e);
	dbrev_revision_free(p);
	dbrev_buf_free(&text);
	return ok ? 0 : -1;
}

static const struct dbrev_import_list *sort_list;

static int
id_cmp(const void *a, const void *b)
{
	const struct dbrev_import_rev *x = &sort_list->revs[*(const size_t *)a];
	const struct dbrev_import_rev *y = &sort_list->revs[*(const size_t *)b];
	int c = strcmp(x->id, y->id);

	if (c != 0)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Two versions that give one id: the later one is refused. */
static int
check_ids(const struct dbrev_import_list *l, struct dbrev_error *err)
{
	const struct dbrev_import_rev *a, *b;
	size_t *idx, i;
	int rc = 0;

	idx = dbrev_xcalloc(l->n, sizeof(*idx));
	for (i = 0; i < l->n; i++)
		idx[i] = i;
	sort_list = l;
	qsort(idx, l->n, sizeof(*idx), id_cmp);
	for (i = 1; i < l->n; i++) {
		a = &l->revs[idx[i - 1]];
		b = &l->revs[idx[i]];
		if (strcmp(a->id, b->id) != 0)
			continue;
		if (strcmp(a->version, b->version) == 0)
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, b->up_path,
			    b->up_line, "give one of them another version",
			    "version %s is also that of %s", b->version,
			    a->up_path);
		else
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, b->up_path,
			    b->up_line, "rename one of the two so that their "
			    "versions differ", "'%s' becomes revision id '%s', "
			    "as '%s' (%s) does", b->version, b->id, a->version,
			    a->up_path);
	}
	free(idx);
	return rc;
}

/* The checks of one revision, and its transaction from its statements. */
static int
check_rev(struct dbrev_import_rev *r, struct dbrev_error *err)
{
	struct dbrev_error e = { 0 };

	if (r->up == NULL)
		r->up = dbrev_xstrdup("");
	if (dbrev_scaffold_check_message(r->message, &e) == -1) {
		dbrev_error_set(err, DBREV_ERR_INPUT, r->up_path, r->up_line,
		    "rename the migration", "its message '%s' is not "
		    "usable: %s", r->message, e.message);
		dbrev_error_clear(&e);
		return -1;
	}
	if (check_section(r->up, r->up_path, r->up_line, err) == -1 ||
	    (r->down != NULL && check_section(r->down, r->down_path,
	    r->down_line, err) == -1))
		return -1;
	/* SQL that opens or ends its own transaction cannot run in ours. */
	if (r->transactional && (imp_has_txn(r->up) ||
	    (r->down != NULL && imp_has_txn(r->down))))
		r->transactional = 0;
	return round_trip(r, err);
}

int
dbrev_import_parse(const struct dbrev_import_source *src,
    struct dbrev_import_list *out, struct dbrev_error *err)
{
	const struct dbrev_import_kind *k;
	struct dbrev_import_rev *r;
	size_t before = dbrev_error_count(err), i;

	memset(out, 0, sizeof(*out));
	if ((k = find_kind(src->kind, err)) == NULL)
		return -1;
	if (k->parse(src, out, err) == -1)
		goto fail;
	for (i = 0; k->chain && i < out->n; i++) {
		r = &out->revs[i];
		free_ids(r->parents, r->nparents);
		r->parents = NULL;
		r->nparents = 0;
		if (i > 0) {
			r->parents = dbrev_xcalloc(1, sizeof(char *));
			r->parents[0] = dbrev_xstrdup(out->revs[i - 1].id);
			r->nparents = 1;
		}
	}
	check_ids(out, err);
	for (i = 0; i < out->n; i++)
		check_rev(&out->revs[i], err);
	if (dbrev_error_count(err) == before)
		return 0;
fail:
	dbrev_import_list_free(out);
	return -1;
}
