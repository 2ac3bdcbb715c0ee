/*
 * squash.c - revgen squash: the revisions up to REV become one baseline
 * (dbrev/squash.h).  The schema is emitted by autogenerate itself: the
 * range, copied alone into a scratch migrations directory, is compared
 * with an empty schema, and the direction that builds it from nothing
 * is the baseline's upgrade (the other, that drops it, its downgrade).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbrev/autogen.h"
#include "dbrev/graph.h"
#include "dbrev/scaffold.h"
#include "dbrev/schema.h"
#include "dbrev/squash.h"
#include "import_kind.h"	/* the statement splitter */

/* Create path holding text, flushed; excl: it must not exist. */
static int
put_file(const char *path, const char *text, size_t len, int excl,
    struct dbrev_error *err)
{
	ssize_t n;
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    (excl ? O_EXCL : 0), 0666);
	if (fd == -1)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0, NULL,
		    "cannot create: %s", strerror(errno));
	while (len > 0) {
		if ((n = write(fd, text, len)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		text += n;
		len -= (size_t)n;
	}
	if (len > 0 || fsync(fd) == -1 || close(fd) == -1) {
		e = errno;
		if (len > 0)
			close(fd);
		unlink(path);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0, NULL,
		    "cannot write: %s", strerror(e));
	}
	return 0;
}

static char *
join(const char *a, const char *b)
{
	struct dbrev_buf p = { 0 };

	dbrev_buf_printf(&p, "%s/%s", a, b);
	return dbrev_buf_take(&p);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/*
 * The range: REV and all it rests on; *last is REV's index.  REV must
 * name one revision (head resolves to it).
 */
static int
range_of(const struct dbrev_graph *g, const char *upto,
    struct dbrev_revset *range, size_t *last, struct dbrev_error *err)
{
	size_t *tips, n;

	if (upto == NULL || strcmp(upto, "heads") == 0 ||
	    strcmp(upto, "base") == 0)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "name one revision: an id, a unique prefix or head",
		    "--upto needs one revision, not '%s'", upto ? upto : "");
	if (dbrev_graph_closure(g, upto, range, err) == -1)
		return -1;
	tips = dbrev_xcalloc(range->n + 1, sizeof(*tips));
	n = dbrev_graph_current(g, range, tips);
	*last = tips[0];
	free(tips);
	if (n != 1)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "name one revision", "--upto %s names %zu revisions",
		    upto, n);
	return 0;
}

/*
 * Revisions after the range may rest on REV only: one resting on
 * another revision of the range would lose it.  Each such is an error.
 */
static int
check_outside(const struct dbrev_graph *g, const struct dbrev_revset *range,
    size_t last, struct dbrev_error *err)
{
	const struct dbrev_revision *r, *rl = dbrev_graph_at(g, last);
	size_t i, j;
	long k;
	int rc = 0;

	for (i = 0; i < range->n; i++) {
		if (range->in[i])
			continue;
		r = dbrev_graph_at(g, i);
		for (j = 0; j < r->nparents + r->ndepends; j++) {
			const char *p = j < r->nparents ? r->parents[j] :
			    r->depends[j - r->nparents];

			k = dbrev_graph_index(g, p);
			if (k < 0 || !range->in[k] || (size_t)k == last)
				continue;
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
			    j < r->nparents ? r->parents_line :
			    r->depends_line, NULL, "revision %s rests on %s, "
			    "which the squash up to %s would replace", r->id,
			    p, rl->id);
			dbrev_error_hint(err, "squash up to a revision that "
			    "every later one descends from (merge the "
			    "branches first, or choose a later REV)");
		}
	}
	return rc;
}

/* Copy the range's files into tmp/versions (tmp made here). */
static int
scratch_dir(const struct dbrev_graph *g, const struct dbrev_revset *range,
    char *tmp, struct dbrev_error *err)
{
	struct dbrev_buf text = { 0 };
	const struct dbrev_revision *r;
	char *v, *p;
	size_t i;
	int rc = 0;

	if (mkdtemp(tmp) == NULL)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, tmp, 0,
		    "set TMPDIR to a writable directory", "cannot create a "
		    "scratch directory: %s", strerror(errno));
	v = join(tmp, "versions");
	if (mkdir(v, 0700) == -1)
		rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, v, 0, NULL,
		    "cannot create: %s", strerror(errno));
	for (i = 0; rc == 0 && i < range->n; i++) {
		if (!range->in[i])
			continue;
		r = dbrev_graph_at(g, i);
		dbrev_buf_reset(&text);
		if (dbrev_read_file(r->path, &text, err) == -1) {
			rc = -1;
			break;
		}
		p = join(v, base_name(r->path));
		rc = put_file(p, text.data != NULL ? text.data : "", text.len,
		    1, err);
		free(p);
	}
	p = join(tmp, "schema.sql");
	if (rc == 0)
		rc = put_file(p, "", 0, 1, err);
	free(p);
	free(v);
	dbrev_buf_free(&text);
	return rc;
}

/* Remove the scratch directory (only files and versions/ are in it). */
static void
scratch_remove(const struct dbrev_graph *g, const struct dbrev_revset *range,
    const char *tmp)
{
	char *v = join(tmp, "versions"), *p;
	size_t i;

	for (i = 0; i < range->n; i++) {
		if (!range->in[i])
			continue;
		p = join(v, base_name(dbrev_graph_at(g, i)->path));
		unlink(p);
		free(p);
	}
	rmdir(v);
	free(v);
	p = join(tmp, "schema.sql");
	unlink(p);
	free(p);
	rmdir(tmp);
}

/* Whether a statement only changes data (kept by --keep-data). */
static int
data_only(const char *s, const char *e)
{
	static const char *const kw[] = {
		"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE"
	};
	const char *w[1];
	size_t wl[1], i;

	if (imp_words(s, e, w, wl, 1) != 1)
		return 0;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (imp_word_is(w[0], wl[0], kw[i]))
			return 1;
	return 0;
}

/* The range's data statements, in apply order, each ended by ';'. */
static size_t
data_statements(const struct dbrev_graph *g, const struct dbrev_revset *range,
    struct dbrev_buf *out)
{
	const struct dbrev_revision *r;
	size_t i, pos, s, e, n = 0, len;
	int said;

	for (i = 0; i < range->n; i++) {
		if (!range->in[i])
			continue;
		r = dbrev_graph_at(g, i);
		if (r->upgrade == NULL)
			continue;
		len = strlen(r->upgrade);
		said = 0;
		for (pos = 0; imp_stmt(r->upgrade, len, &pos, &s, &e); ) {
			if (!data_only(r->upgrade + s, r->upgrade + e))
				continue;
			if (!said++)
				dbrev_buf_printf(out, "\n-- data from %s\n",
				    r->id);
			dbrev_buf_add(out, r->upgrade + s, e - s);
			if (e == s || r->upgrade[e - 1] != ';')
				dbrev_buf_puts(out, ";");
			dbrev_buf_puts(out, "\n");
			n++;
		}
	}
	return n;
}

/* The baseline's text. */
static void
render(const struct dbrev_squash_options *o, const char *id,
    const struct dbrev_squash_result *res, size_t n,
    const struct dbrev_autogen_result *ag, const char *data,
    struct dbrev_buf *out)
{
	char ts[DBREV_TIMESTAMP_LEN + 1];

	dbrev_buf_printf(out, "-- revision: %s\n-- parents:\n-- message: %s\n"
	    "-- created: %s\n", id, o->message, dbrev_scaffold_timestamp(ts));
	if (strcmp(res->first, res->last) == 0)
		dbrev_buf_printf(out, "-- replaces: %s\n", res->first);
	else
		dbrev_buf_printf(out, "-- replaces: %s %s\n", res->first,
		    res->last);
	if (!ag->transactional)
		dbrev_buf_puts(out, "-- transaction: none\n");
	dbrev_buf_printf(out, "\n-- revgen squash: the schema that %zu "
	    "revision%s, %s to %s, built%s\n-- +upgrade\n", n, n == 1 ? "" :
	    "s", res->first, res->last, o->keep_data ? ", then their data "
	    "statements" : "");
	dbrev_buf_puts(out, ag->downgrade);
	dbrev_buf_puts(out, data);
	dbrev_buf_puts(out, "\n-- +downgrade\n");
	dbrev_buf_puts(out, ag->upgrade);
}

/*
 * The blanks around a list's ids: the parser splits on ' ' and '\t' and
 * trims the others from the line's end (an id holds none of them).
 */
static int
list_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Copy [s, e) with every blank-delimited word `from` made `to`. */
static size_t
swap_words(const char *s, const char *e, const char *from, const char *to,
    struct dbrev_buf *out)
{
	size_t flen = strlen(from), n = 0;
	const char *w;

	while (s < e) {
		if (list_blank(*s)) {
			dbrev_buf_add(out, s++, 1);
			continue;
		}
		for (w = s; w < e && !list_blank(*w); w++)
			;
		if ((size_t)(w - s) == flen && memcmp(s, from, flen) == 0) {
			dbrev_buf_puts(out, to);
			n++;
		} else
			dbrev_buf_add(out, s, (size_t)(w - s));
		s = w;
	}
	return n;
}

int
dbrev_squash_repoint(const char *path, const char *text, size_t len,
    const char *from, const char *to, struct dbrev_buf *out,
    struct dbrev_error *err)
{
	struct dbrev_revision *r = NULL;
	const char *p, *nl, *end = text + len, *colon;
	unsigned line = 0;

	if (dbrev_revision_parse(path, text, len, DBREV_PARSE_HEADER_ONLY, &r,
	    err) == -1)
		return -1;
	for (p = text; p < end; p = nl) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl != NULL ? nl + 1 : end;
		line++;
		if ((line != r->parents_line && line != r->depends_line) ||
		    (colon = memchr(p, ':', (size_t)(nl - p))) == NULL) {
			dbrev_buf_add(out, p, (size_t)(nl - p));
			continue;
		}
		dbrev_buf_add(out, p, (size_t)(colon + 1 - p));
		swap_words(colon + 1, nl[-1] == '\n' ? nl - 1 : nl, from, to,
		    out);
		if (nl[-1] == '\n')
			dbrev_buf_puts(out, "\n");
	}
	dbrev_revision_free(r);
	return 0;
}

/* Point file r at `to` instead of `from` (a temporary file, renamed). */
static int
repoint(const struct dbrev_revision *r, const char *from, const char *to,
    struct dbrev_error *err)
{
	struct dbrev_buf text = { 0 }, out = { 0 }, t = { 0 };
	char *tmp;
	int rc;

	if (dbrev_read_file(r->path, &text, err) == -1)
		return -1;
	if (dbrev_squash_repoint(r->path, text.data != NULL ? text.data : "",
	    text.len, from, to, &out, err) == -1) {
		dbrev_buf_free(&text);
		return -1;
	}
	dbrev_buf_printf(&t, "%s.squash.tmp", r->path);
	tmp = dbrev_buf_take(&t);
	rc = put_file(tmp, out.data != NULL ? out.data : "", out.len, 0, err);
	if (rc == 0 && rename(tmp, r->path) == -1) {
		rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, r->path, 0, NULL,
		    "cannot replace: %s", strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	dbrev_buf_free(&text);
	dbrev_buf_free(&out);
	return rc;
}

/* Each squashed file's place in versions/squashed/ must be free. */
static int
check_moves(const struct dbrev_graph *g, const struct dbrev_revset *range,
    const char *sq, struct dbrev_error *err)
{
	struct stat st;
	char *p;
	size_t i;
	int rc = 0;

	for (i = 0; i < range->n; i++) {
		if (!range->in[i])
			continue;
		p = join(sq, base_name(dbrev_graph_at(g, i)->path));
		if (lstat(p, &st) == 0)
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, p, 0,
			    "move it away, or squash with --delete",
			    "already exists");
		free(p);
	}
	return rc;
}

/* Move (or delete) the squashed files, and point the later ones. */
static int
retire(const struct dbrev_squash_options *o, const struct dbrev_graph *g,
    const struct dbrev_revset *range, size_t last, const char *sq,
    struct dbrev_squash_result *res, struct dbrev_error *err)
{
	const struct dbrev_revision *r;
	const char *lid = dbrev_graph_at(g, last)->id;
	char *p;
	size_t i, j;

	for (i = 0; i < range->n; i++) {
		if (range->in[i])
			continue;
		r = dbrev_graph_at(g, i);
		for (j = 0; j < r->nparents + r->ndepends; j++)
			if (strcmp(j < r->nparents ? r->parents[j] :
			    r->depends[j - r->nparents], lid) == 0)
				break;
		if (j == r->nparents + r->ndepends)
			continue;
		if (repoint(r, lid, res->id, err) == -1)
			return -1;
		dbrev_strv_add(&res->rewritten, &res->nrewritten, r->path);
	}
	if (!o->delete_files && mkdir(sq, 0777) == -1 && errno != EEXIST)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, sq, 0, NULL,
		    "cannot create: %s", strerror(errno));
	for (i = 0; i < range->n; i++) {
		if (!range->in[i])
			continue;
		r = dbrev_graph_at(g, i);
		if (o->delete_files) {
			if (unlink(r->path) == -1)
				return dbrev_error_set(err, DBREV_ERR_RUNTIME,
				    r->path, 0, NULL, "cannot delete: %s",
				    strerror(errno));
			continue;
		}
		p = join(sq, base_name(r->path));
		if (rename(r->path, p) == -1) {
			dbrev_error_set(err, DBREV_ERR_RUNTIME, r->path, 0,
			    NULL, "cannot move to %s: %s", p,
			    strerror(errno));
			free(p);
			return -1;
		}
		free(p);
	}
	return 0;
}

/* Build the baseline's text: replay, emit, data; checked by parsing. */
static int
build(const struct dbrev_squash_options *o, const struct dbrev_graph *g,
    const struct dbrev_revset *range, const char *tmp, const char *id,
    struct dbrev_squash_result *res, struct dbrev_buf *text,
    struct dbrev_error *err)
{
	struct dbrev_autogen_options ao = { 0 };
	struct dbrev_autogen_result ag = { 0 };
	struct dbrev_revision *back = NULL;
	struct dbrev_buf data = { 0 };
	char *schema = join(tmp, "schema.sql");
	size_t i, n = 0;
	int rc = -1;

	ao.dir = tmp;
	ao.schema_path = schema;
	ao.url = o->url;
	ao.dev_url = o->dev_url;
	if (dbrev_autogen_diff(&ao, &ag, err) == -1)
		goto out;
	/* Warnings of the drop-everything direction are not the baseline's. */
	for (i = 0; i < ag.nwarnings; i++)
		if (strncmp(ag.warnings[i], "drops", 5) != 0 &&
		    strstr(ag.warnings[i], "data loss") == NULL)
			dbrev_strv_add(&res->warnings, &res->nwarnings,
			    ag.warnings[i]);
	for (i = 0; i < range->n; i++)
		n += range->in[i];
	if (o->keep_data)
		res->ndata = data_statements(g, range, &data);
	res->nsquashed = n;
	render(o, id, res, n, &ag, data.data != NULL ? data.data : "", text);
	if (dbrev_revision_parse("the baseline", text->data, text->len, 0,
	    &back, err) == -1)
		goto out;
	rc = 0;
out:
	dbrev_revision_free(back);
	dbrev_autogen_result_free(&ag);
	dbrev_buf_free(&data);
	free(schema);
	return rc;
}

int
dbrev_squash(const struct dbrev_squash_options *o,
    struct dbrev_squash_result *res, struct dbrev_error *err)
{
	struct dbrev_graph *g = NULL;
	struct dbrev_revset range = { 0 };
	struct dbrev_buf text = { 0 }, tpath = { 0 };
	char slug[DBREV_SLUG_MAX + 1], id[DBREV_NEWID_LEN + 1];
	char *versions = NULL, *sq = NULL, *tmp = NULL, *tmpfile = NULL;
	const char *dir = o->dir != NULL ? o->dir : "migrations", *t;
	size_t last = 0, i;
	int rc = -1, scratch = 0;

	memset(res, 0, sizeof(*res));
	if (dbrev_scaffold_check_message(o->message, err) == -1 ||
	    dbrev_graph_load(dir, 0, &g, err) == -1)
		goto out;
	dbrev_revset_init(&range, g);
	if (range_of(g, o->upto, &range, &last, err) == -1 ||
	    check_outside(g, &range, last, err) == -1)
		goto out;
	for (i = 0; i < range.n; i++)
		if (range.in[i]) {
			snprintf(res->first, sizeof(res->first), "%s",
			    dbrev_graph_at(g, i)->id);
			break;
		}
	snprintf(res->last, sizeof(res->last), "%s",
	    dbrev_graph_at(g, last)->id);
	versions = join(dir, "versions");
	sq = join(versions, "squashed");
	if (!o->delete_files && check_moves(g, &range, sq, err) == -1)
		goto out;
	if (dbrev_scaffold_new_id(g, id, err) == -1)
		goto out;
	snprintf(res->id, sizeof(res->id), "%s", id);
	t = getenv("TMPDIR");
	dbrev_buf_printf(&tpath, "%s/dbrev-squash.XXXXXX", t != NULL &&
	    *t != '\0' ? t : "/tmp");
	tmp = dbrev_buf_take(&tpath);
	if (scratch_dir(g, &range, tmp, err) == -1)
		goto out;
	scratch = 1;
	if (build(o, g, &range, tmp, id, res, &text, err) == -1)
		goto out;
	/* The baseline first: the squashed files go only once it is there. */
	dbrev_buf_printf(&tpath, "%s/%s_%s.sql", versions, id,
	    dbrev_scaffold_slug(o->message, slug));
	res->path = dbrev_buf_take(&tpath);
	if (put_file(res->path, text.data, text.len, 1, err) == -1) {
		free(res->path);
		res->path = NULL;
		goto out;
	}
	if (retire(o, g, &range, last, sq, res, err) == -1)
		goto out;
	rc = 0;
out:
	if (scratch)
		scratch_remove(g, &range, tmp);
	free(tmp);
	free(tmpfile);
	free(versions);
	free(sq);
	dbrev_buf_free(&text);
	dbrev_buf_free(&tpath);
	dbrev_revset_free(&range);
	dbrev_graph_free(g);
	return rc;
}

void
dbrev_squash_result_free(struct dbrev_squash_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	free(res->path);
	for (i = 0; i < res->nrewritten; i++)
		free(res->rewritten[i]);
	free(res->rewritten);
	for (i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	memset(res, 0, sizeof(*res));
}
