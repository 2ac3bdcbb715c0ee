/*
 * import_alembic.c - Alembic's offline scripts: what `alembic upgrade
 * base:heads --sql` prints (files[0]) and what `alembic downgrade
 * HEAD:base --sql` prints (files[1] on, one per head: Alembic refuses
 * heads:base).  A revision downgraded in several must be downgraded
 * the same in each.
 *
 * "-- Running upgrade A, B -> X" starts revision X, whose parents are A
 * and B (none after an empty left side): Alembic's ids, branches and
 * merges are kept.  "-- Running downgrade X -> ..." starts X's
 * downgrade.  Alembic's own statements are left out: its BEGIN; and
 * COMMIT; and every statement on its version table (alembic_version, or
 * the table the script creates with a version_num column).  A COMMIT;
 * followed by SQL in the same revision is Alembic's autocommit_block():
 * that revision runs outside a transaction.  Alembic's depends_on links
 * and messages are not in the scripts; a revision is named "alembic
 * revision X".  A revision missing from the downgrade script is
 * irreversible.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/util.h"
#include "import_kind.h"

#define MARK_UP		"-- Running upgrade "
#define MARK_DOWN	"-- Running downgrade "

enum kind { S_USER, S_BEGIN, S_COMMIT, S_VERSION };

#define NWORDS	12	/* enough for CREATE TABLE IF NOT EXISTS s.t ( x */

/* Past "IF [NOT] EXISTS" at word i of w, if it stands there. */
static size_t
past_if(const char **w, const size_t *wl, size_t nw, size_t i)
{
	if (i < nw && imp_word_is(w[i], wl[i], "IF")) {
		i++;
		if (i < nw && imp_word_is(w[i], wl[i], "NOT"))
			i++;
		if (i < nw && imp_word_is(w[i], wl[i], "EXISTS"))
			i++;
	}
	return i;
}

/*
 * The table name starting at word i (schema.table: the last part),
 * unquoted, as [*s, *s + *len); returns the index of the word after
 * it, or 0 when there is none.
 */
static size_t
table_at(const char **w, const size_t *wl, size_t nw, size_t i,
    const char **s, size_t *len)
{
	if (i >= nw)
		return 0;
	while (i + 2 < nw && wl[i + 1] == 1 && *w[i + 1] == '.')
		i += 2;
	*s = w[i];
	*len = wl[i];
	if (*len >= 2 && (**s == '"' || **s == '`' || **s == '[')) {
		(*s)++;
		*len -= 2;
	}
	return i + 1;
}

/* Whether the table name at word i is `table`. */
static int
table_is(const char **w, const size_t *wl, size_t nw, size_t i,
    const char *table)
{
	const char *s;
	size_t len;

	return table_at(w, wl, nw, i, &s, &len) != 0 &&
	    imp_word_is(s, len, table);
}

/* What statement [s, e) is to Alembic. */
static enum kind
classify(const char *s, const char *e, const char *table)
{
	const char *w[NWORDS];
	size_t wl[NWORDS], n;

	n = imp_words(s, e, w, wl, NWORDS);
	if (n == 0)
		return S_USER;
	if (n <= 2 && (n == 1 || *w[1] == ';')) {
		if (imp_word_is(w[0], wl[0], "BEGIN"))
			return S_BEGIN;
		if (imp_word_is(w[0], wl[0], "COMMIT"))
			return S_COMMIT;
	}
	if (n >= 3 && ((imp_word_is(w[0], wl[0], "INSERT") &&
	    imp_word_is(w[1], wl[1], "INTO")) ||
	    (imp_word_is(w[0], wl[0], "DELETE") &&
	    imp_word_is(w[1], wl[1], "FROM"))) && table_is(w, wl, n, 2, table))
		return S_VERSION;
	if (n >= 3 && (imp_word_is(w[0], wl[0], "CREATE") ||
	    imp_word_is(w[0], wl[0], "DROP")) &&
	    imp_word_is(w[1], wl[1], "TABLE") &&
	    table_is(w, wl, n, past_if(w, wl, n, 2), table))
		return S_VERSION;
	if (n >= 2 && imp_word_is(w[0], wl[0], "UPDATE") &&
	    table_is(w, wl, n, 1, table))
		return S_VERSION;
	return S_USER;
}

/*
 * The version table: the one the preamble creates with a version_num
 * column, or (for a script that starts partway, without the CREATE)
 * the one a statement inserts or updates version_num in.
 */
static char *
version_table(const char *sql, size_t len)
{
	const char *w[NWORDS], *t;
	size_t wl[NWORDS], n, pos = 0, s, e, i, tl;

	while (imp_stmt(sql, len, &pos, &s, &e)) {
		n = imp_words(sql + s, sql + e, w, wl, NWORDS);
		i = 0;
		if (n >= 4 && imp_word_is(w[0], wl[0], "CREATE") &&
		    imp_word_is(w[1], wl[1], "TABLE") &&
		    memmem(sql + s, e - s, "version_num", 11) != NULL)
			i = table_at(w, wl, n, past_if(w, wl, n, 2), &t, &tl);
		else if (n >= 5 && imp_word_is(w[0], wl[0], "INSERT") &&
		    imp_word_is(w[1], wl[1], "INTO") &&
		    (i = table_at(w, wl, n, 2, &t, &tl)) != 0)
			i = i + 1 < n && *w[i] == '(' &&
			    imp_word_is(w[i + 1], wl[i + 1], "version_num") ? i : 0;
		else if (n >= 4 && imp_word_is(w[0], wl[0], "UPDATE") &&
		    (i = table_at(w, wl, n, 1, &t, &tl)) != 0)
			i = i + 1 < n && imp_word_is(w[i], wl[i], "SET") &&
			    imp_word_is(w[i + 1], wl[i + 1], "version_num") ? i : 0;
		if (i != 0)
			return dbrev_xstrndup(t, tl);
	}
	return dbrev_xstrdup("alembic_version");
}

/* Offset of the start of the line holding offset p. */
static size_t
line_start(const char *t, size_t p)
{
	while (p > 0 && t[p - 1] != '\n')
		p--;
	return p;
}

/* Past the end of the line holding p, and one blank line after it. */
static size_t
line_end(const char *t, size_t len, size_t p)
{
	const char *nl = memchr(t + p, '\n', len - p);
	size_t q;

	p = nl != NULL ? (size_t)(nl - t) + 1 : len;
	for (q = p; q < len && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r');
	    q++)
		;
	if (q < len && t[q] == '\n')
		return q + 1;
	return p;
}

/* Number of newlines in [s, e). */
static unsigned
lines(const char *s, const char *e)
{
	unsigned n = 0;

	for (; s < e; s++)
		n += *s == '\n';
	return n;
}

struct chunk {
	const struct dbrev_import_file	*f;
	size_t				 start, end;	/* the SQL */
	unsigned			 line;		/* of start */
	struct dbrev_buf		 out;
	unsigned			 out_line;
	int				 autocommit;
	/* The versions its version statements replace or delete, each
	 * followed by a NUL. */
	struct dbrev_buf		 gone;
};

/*
 * The version a DELETE or UPDATE of the version table replaces: the
 * last "version_num = 'X'" of [s, e) (the WHERE clause), added to gone.
 */
static void
replaced(const char *s, const char *e, struct dbrev_buf *gone)
{
	const char *p = NULL, *q = s, *v, *end;

	while ((q = memmem(q, (size_t)(e - q), "version_num", 11)) != NULL) {
		p = q;
		q += 11;
	}
	if (p == NULL)
		return;
	for (v = p + 11; v < e && (*v == ' ' || *v == '\t' || *v == '\n' ||
	    *v == '\r'); v++)
		;
	if (v >= e || *v++ != '=')
		return;
	while (v < e && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
		v++;
	if (v >= e || *v++ != '\'' ||
	    (end = memchr(v, '\'', (size_t)(e - v))) == NULL)
		return;
	dbrev_buf_add(gone, v, (size_t)(end - v));
	dbrev_buf_add(gone, "", 1);
}

/*
 * Copy the chunk without Alembic's statements into c->out.  In the
 * preamble (before any marker) SQL of the user's is an error.
 */
static int
filter(struct chunk *c, const char *table, int preamble,
    struct dbrev_error *err)
{
	const char *t = c->f->text + c->start;
	size_t len = c->end - c->start, pos = 0, s, e, from = 0, a, b;
	int committed = 0, own;
	enum kind k;

	dbrev_buf_reset(&c->out);
	dbrev_buf_reset(&c->gone);
	while (imp_stmt(t, len, &pos, &s, &e)) {
		k = classify(t + s, t + e, table);
		if (k == S_USER) {
			if (preamble)
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    c->f->path, c->line + lines(t, t + s),
				    "Alembic prints only its own statements "
				    "here; generate the script again with "
				    "--sql, unedited", "SQL before the first "
				    "'-- Running' line belongs to no revision");
			c->autocommit |= committed;
			continue;
		}
		committed |= k == S_COMMIT;
		if (k == S_VERSION && (imp_word_is(t + s, 6, "DELETE") ||
		    imp_word_is(t + s, 6, "UPDATE")))
			replaced(t + s, t + e, &c->gone);
		/* Its whole line when nothing else stands on it. */
		a = line_start(t, s);
		own = a >= from && imp_blank(t + a, s - a);
		if (!own)
			a = s < from ? from : s;
		b = e;
		while (b < len && (t[b] == ' ' || t[b] == '\t' || t[b] == '\r'))
			b++;
		b = (b == len || t[b] == '\n') && own ?
		    line_end(t, len, e) : e;
		dbrev_buf_add(&c->out, t + from, a - from);
		from = b;
		pos = b > pos ? b : pos;
	}
	dbrev_buf_add(&c->out, t + from, len - from);
	return 0;
}

/* The kept SQL without leading and trailing blank lines. */
static void
trim(struct chunk *c)
{
	size_t i = 0, k, n = c->out.len;
	char *d = c->out.data != NULL ? c->out.data : "";

	c->out_line = c->line;
	for (k = 0; k < n; k++) {
		if (d[k] == '\n') {
			i = k + 1;
			c->out_line++;
		} else if (d[k] != ' ' && d[k] != '\t' && d[k] != '\r')
			break;
	}
	if (k == n)
		i = n;
	while (n > i && (d[n - 1] == '\n' || d[n - 1] == ' ' ||
	    d[n - 1] == '\t' || d[n - 1] == '\r'))
		n--;
	if (n > i && n < c->out.len)
		d[n++] = '\n';	/* one newline ends the last line */
	memmove(d, d + i, n - i);
	c->out.len = n - i;
	if (c->out.data != NULL)
		c->out.data[c->out.len] = '\0';
}

/* The markers of a script: offsets of each "-- Running" line. */
static size_t
markers(const struct dbrev_import_file *f, size_t **at, unsigned **no)
{
	struct imp_line l;
	size_t n = 0;

	*at = NULL;
	*no = NULL;
	imp_line_init(&l);
	while (imp_line_next(f->text, f->len, &l)) {
		if (l.len < 11 || memcmp(l.s, "-- Running ", 11) != 0)
			continue;
		if ((n & (n - 1)) == 0) {
			*at = dbrev_xrealloc(*at, (n ? 2 * n : 1) *
			    sizeof(**at));
			*no = dbrev_xrealloc(*no, (n ? 2 * n : 1) *
			    sizeof(**no));
		}
		(*at)[n] = l.off;
		(*no)[n++] = l.no;
	}
	return n;
}

/*
 * Split a marker line "-- Running <verb> A, B -> X" into its sides:
 * lists of ids, each as a NUL-separated copy.  Returns 0 or -1.
 */
static int
marker_sides(const char *s, size_t len, const char *mark, char **left,
    char **right)
{
	const char *arrow, *p;
	size_t m = strlen(mark);

	len = imp_rtrim(s, len);
	if (len < m || memcmp(s, mark, m) != 0 ||
	    (arrow = memmem(s + m - 1, len - m + 1, " -> ", 4)) == NULL) {
		/* "downgrade X -> " loses its trailing blank to rtrim */
		if (len >= m && memcmp(s, mark, m) == 0 && len >= 3 &&
		    memcmp(s + len - 3, " ->", 3) == 0)
			arrow = s + len - 3;
		else
			return -1;
	}
	/* "upgrade -> X" (one blank) has its arrow inside the mark. */
	for (p = arrow < s + m ? arrow : s + m; p < arrow && *p == ' '; p++)
		;
	*left = dbrev_xstrndup(p, (size_t)(arrow - p));
	p = arrow + 3;
	while (p < s + len && *p == ' ')
		p++;
	*right = dbrev_xstrndup(p, (size_t)(s + len - p));
	return 0;
}

/* Split "A, B" into ids; returns how many, -1 for an empty item. */
static long
id_list(const char *s, char ***out)
{
	char id[DBREV_ID_MAX + 1];
	size_t n = 0, k;
	const char *p = s;

	*out = NULL;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	for (;;) {
		for (k = 0; p[k] != '\0' && p[k] != ',' && p[k] != ' '; k++)
			;
		if (k == 0)
			goto bad;
		*out = dbrev_xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n] = dbrev_xstrndup(p, k);
		dbrev_import_id((*out)[n], id);
		free((*out)[n]);
		(*out)[n++] = dbrev_xstrdup(id);
		p += k;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return (long)n;
		if (*p++ != ',')
			goto bad;
		while (*p == ' ')
			p++;
	}
bad:
	while (n > 0)
		free((*out)[--n]);
	free(*out);
	*out = NULL;
	return -1;
}

/* The downgrade chunk c of revision `version`; ix: the upgrades' versions. */
static int
add_down(const struct chunk *c, const char *version, unsigned line,
    const struct imp_index *ix, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	struct dbrev_import_rev *r;
	long v = imp_index_before(ix, version, strlen(version), (size_t)-1);
	size_t k = v < 0 ? out->n : (size_t)v;

	if (k == out->n || (out->revs[k].down != NULL &&
	    strcmp(out->revs[k].down_path, c->f->path) == 0))
		return dbrev_error_set(err, DBREV_ERR_INPUT, c->f->path, line,
		    "give the scripts of one history, each generated once",
		    "revision %s is %s", version, k == out->n ?
		    "not in the upgrade script" : "downgraded twice");
	r = &out->revs[k];
	if (r->down != NULL) {
		/* Also in an earlier downgrade script (of another head). */
		if (strlen(r->down) == c->out.len && memcmp(r->down,
		    c->out.len > 0 ? c->out.data : "", c->out.len) == 0) {
			if (c->autocommit)
				r->transactional = 0;
			return 0;
		}
		return dbrev_error_set(err, DBREV_ERR_INPUT, c->f->path, line,
		    "give the scripts of one history, each generated once",
		    "revision %s is downgraded otherwise in %s", version,
		    r->down_path);
	}
	imp_set_down(r, c->f, c->out.data != NULL ? c->out.data : "",
	    c->out.len, c->out_line);
	if (c->autocommit)
		r->transactional = 0;
	return 0;
}

/*
 * Alembic's depends_on, where the script shows it: a version the step
 * replaces in the version table that is not a parent (the step runs
 * after a head of another branch that it depends on, and absorbs it).
 */
static void
depends_of(const struct chunk *c, struct dbrev_import_rev *r)
{
	char id[DBREV_ID_MAX + 1];
	const char *v;
	size_t i;

	for (v = c->gone.data; v != NULL && v < c->gone.data + c->gone.len;
	    v += strlen(v) + 1) {
		dbrev_import_id(v, id);
		for (i = 0; i < r->nparents; i++)
			if (strcmp(r->parents[i], id) == 0)
				break;
		if (i < r->nparents || strcmp(r->id, id) == 0)
			continue;
		for (i = 0; i < r->ndepends; i++)
			if (strcmp(r->depends[i], id) == 0)
				break;
		if (i < r->ndepends)
			continue;
		r->depends = dbrev_xrealloc(r->depends,
		    (r->ndepends + 1) * sizeof(char *));
		r->depends[r->ndepends++] = dbrev_xstrdup(id);
	}
}

/*
 * One script's revisions: upgrades into out (ix NULL), or downgrades of
 * those (ix: an index of their versions).
 */
static int
script(const struct dbrev_import_file *f, const char *table,
    const struct imp_index *ix, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	int down = ix != NULL;
	const char *mark = down ? MARK_DOWN : MARK_UP;
	struct chunk c = { 0 };
	struct dbrev_import_rev *r;
	char *left = NULL, *right = NULL, **ids = NULL, id[DBREV_ID_MAX + 1];
	const char *nl;
	size_t *at, n, i, k;
	unsigned *no;
	long nids = 0;
	int rc = 0;

	c.f = f;
	if ((n = markers(f, &at, &no)) == 0)
		return dbrev_error_set(err, DBREV_ERR_INPUT, f->path, 1,
		    down ? "give what 'alembic downgrade head:base --sql' "
		    "prints" : "give what 'alembic upgrade base:head --sql' "
		    "prints", "no '%s' line", down ? "-- Running downgrade" :
		    "-- Running upgrade");
	c.end = at[0];
	c.line = 1;
	if (filter(&c, table, 1, err) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		nl = memchr(f->text + at[i], '\n', f->len - at[i]);
		c.start = nl != NULL ? (size_t)(nl - f->text) + 1 : f->len;
		c.end = i + 1 < n ? at[i + 1] : f->len;
		c.line = no[i] + 1;
		c.autocommit = 0;
		free(left);
		free(right);
		left = right = NULL;
		if (marker_sides(f->text + at[i], (nl != NULL ?
		    (size_t)(nl - f->text) : f->len) - at[i], mark, &left,
		    &right) == -1 || strpbrk(down ? left : right, ", ") != NULL ||
		    *(down ? left : right) == '\0' ||
		    (nids = id_list(down ? right : left, &ids)) < 0) {
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, f->path,
			    no[i], down ? "give the downgrade script second" :
			    "give the upgrade script first, unedited",
			    "not a '%sREV -> ...' line Alembic prints", mark);
			break;
		}
		if (filter(&c, table, 0, err) == -1) {
			rc = -1;
			break;
		}
		trim(&c);
		if (down)
			rc = add_down(&c, left, no[i], ix, out, err);
		else {
			r = imp_add(out);
			r->version = dbrev_xstrdup(right);
			r->id = dbrev_xstrdup(dbrev_import_id(right, id));
			r->message = imp_message("", 0, "alembic revision %s",
			    right);
			r->created = dbrev_xstrdup("");
			imp_set_up(r, f, c.out.data != NULL ? c.out.data : "",
			    c.out.len, c.out_line);
			dbrev_buf_reset(&c.out);
			dbrev_buf_add(&c.out, f->text + at[i] + 11,
			    imp_rtrim(f->text + at[i], (nl != NULL ?
			    (size_t)(nl - f->text) : f->len) - at[i]) - 11);
			r->origin = imp_origin("alembic", c.out.data);
			r->transactional = !c.autocommit;
			r->parents = ids;
			r->nparents = (size_t)nids;
			ids = NULL;
			depends_of(&c, r);
		}
		for (k = 0; ids != NULL && k < (size_t)nids; k++)
			free(ids[k]);
		free(ids);
		ids = NULL;
	}
	free(left);
	free(right);
	free(at);
	free(no);
	dbrev_buf_free(&c.out);
	dbrev_buf_free(&c.gone);
	return rc;
}

static int
parse(const struct dbrev_import_source *src, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	struct imp_index ix = { 0 };
	char *table;
	size_t k;
	int rc;

	if (src->nfiles < 1 || src->files[0].text == NULL)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "give UPGRADE.sql [DOWNGRADE.sql]", "no upgrade script");
	table = version_table(src->files[0].text, src->files[0].len);
	rc = script(&src->files[0], table, NULL, out, err);
	for (k = 0; k < out->n; k++)
		imp_index_add(&ix, out->revs[k].version,
		    strlen(out->revs[k].version), k);
	imp_index_sort(&ix);
	for (k = 1; rc == 0 && k < src->nfiles; k++)
		if (src->files[k].text != NULL)
			rc = script(&src->files[k], table, &ix, out, err);
	imp_index_free(&ix);
	free(table);
	return rc;
}

const struct dbrev_import_kind dbrev_import_alembic = {
	"alembic", "UPGRADE.sql [DOWNGRADE.sql]", 0, NULL, parse, 0
};
