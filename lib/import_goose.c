/*
 * import_goose.c - goose's migrations: DIR/<version>_<name>.sql, the
 * version a positive 64-bit number (a timestamp or a sequence), applied
 * in numeric order.  "-- +goose Up" and "-- +goose Down" start the
 * sections; "-- +goose StatementBegin/End" bracket a statement holding
 * semicolons (kept: they are comments to the database); "-- +goose NO
 * TRANSACTION" runs it outside a transaction.  Annotations are matched
 * as goose does: a line starting "--" that holds "+goose", any case.
 * Go migrations (<version>_<name>.go) are refused: dbrev runs SQL.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbrev/util.h"
#include "import_kind.h"

/* The version before the first '_', as strconv.ParseInt reads it. */
static int
version_of(const char *rel, long long *v)
{
	const char *us = strchr(rel, '_'), *p = rel;
	unsigned long long x = 0;
	int neg = 0;

	if (us == NULL)
		return 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p == us)
		return 0;
	for (; p < us; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		if (x > (9223372036854775807ULL - (unsigned)(*p - '0')) / 10)
			return 0;
		x = x * 10 + (unsigned)(*p - '0');
	}
	if (neg || x < 1)
		return 0;	/* goose: a version is greater than zero */
	*v = (long long)x;
	return 1;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int
wants(const char *rel, int is_dir)
{
	long long v;

	if (is_dir || has_suffix(rel, "_test.go"))
		return 0;
	return (has_suffix(rel, ".sql") || has_suffix(rel, ".go")) &&
	    version_of(rel, &v);
}

enum annot { A_NONE, A_UP, A_DOWN, A_BEGIN, A_END, A_NOTX, A_ENVON,
    A_ENVOFF, A_BAD };

/* The annotation of a line, as goose's extractAnnotation reads it. */
static enum annot
annotation(const char *s, size_t len)
{
	static const struct { const char *name; enum annot a; } names[] = {
		{ "Up", A_UP }, { "Down", A_DOWN },
		{ "StatementBegin", A_BEGIN }, { "StatementEnd", A_END },
		{ "NO TRANSACTION", A_NOTX }, { "ENVSUB ON", A_ENVON },
		{ "ENVSUB OFF", A_ENVOFF }
	};
	struct dbrev_buf b = { 0 };
	const char *p;
	size_t i, k;
	enum annot a = A_BAD;

	if (!imp_comment(s, len) || (p = memmem(s, len, "+goose", 6)) == NULL)
		return A_NONE;
	if (s[0] == ' ' || s[0] == '\t')
		return A_BAD;	/* goose refuses leading white space */
	/* Drop every "--" and the first "+goose"; trim. */
	for (i = 0; i < len; ) {
		if (i + 1 < len && s[i] == '-' && s[i + 1] == '-')
			i += 2;
		else if (s + i == p)
			i += 6;
		else
			dbrev_buf_add(&b, s + i++, 1);
	}
	for (i = 0; i < b.len && isspace((unsigned char)b.data[i]); i++)
		;
	for (k = b.len; k > i && isspace((unsigned char)b.data[k - 1]); k--)
		;
	for (size_t j = 0; k > i && j < sizeof(names) / sizeof(names[0]); j++)
		if (strlen(names[j].name) == k - i &&
		    strncasecmp(names[j].name, b.data + i, k - i) == 0)
			a = names[j].a;
	dbrev_buf_free(&b);
	return a;
}

static int
bad(const struct dbrev_import_file *f, unsigned line, const char *hint,
    const char *what, struct dbrev_error *err)
{
	return dbrev_error_set(err, DBREV_ERR_INPUT, f->path, line, hint, "%s",
	    what);
}

/* One annotation in state *st; -1 with err when goose would refuse it. */
static int
step(const struct dbrev_import_file *f, const struct imp_line *l,
    enum annot a, int *st, struct dbrev_import_rev *r, size_t *mark,
    struct dbrev_error *err)
{
	enum { START, UP, UPSTMT, DOWN, DOWNSTMT };

	switch (a) {
	case A_UP:
		if (*st != START)
			return bad(f, l->no, "keep one (goose refuses it too)",
			    "a second '-- +goose Up'", err);
		*st = UP;
		*mark = l->next;
		r->up_line = l->no + 1;
		return 0;
	case A_DOWN:
		if (*st == START)
			return bad(f, l->no, "put '-- +goose Up' and its SQL "
			    "first", "'-- +goose Down' before '-- +goose Up'",
			    err);
		if (*st != UP)
			return bad(f, l->no, "close the statement with '-- "
			    "+goose StatementEnd' first", "'-- +goose Down' "
			    "inside a StatementBegin/End block", err);
		imp_set_up(r, f, f->text + *mark, l->off - *mark, r->up_line);
		*st = DOWN;
		*mark = l->next;
		r->down_line = l->no + 1;
		return 0;
	case A_BEGIN:
		if (*st != UP && *st != DOWN)
			return bad(f, l->no, "put it after '-- +goose Up' or "
			    "'-- +goose Down', outside another block",
			    "misplaced '-- +goose StatementBegin'", err);
		*st = *st == UP ? UPSTMT : DOWNSTMT;
		return 0;
	case A_END:
		if (*st != UPSTMT && *st != DOWNSTMT)
			return bad(f, l->no, "open the block with '-- +goose "
			    "StatementBegin' first", "'-- +goose StatementEnd' "
			    "without StatementBegin", err);
		*st = *st == UPSTMT ? UP : DOWN;
		return 0;
	case A_NOTX:
		r->transactional = 0;
		return 0;
	case A_ENVON:
		return bad(f, l->no, "write the values into the SQL and remove "
		    "the annotation, then import again", "'-- +goose ENVSUB "
		    "ON' substitutes environment variables, which dbrev does "
		    "not", err);
	case A_ENVOFF:
	case A_NONE:
		return 0;
	case A_BAD:
		break;
	}
	return bad(f, l->no, "the annotations are Up, Down, StatementBegin, "
	    "StatementEnd, NO TRANSACTION, ENVSUB ON/OFF, each at the start "
	    "of a line", "not a goose annotation goose accepts", err);
}

static int
parse_file(const struct dbrev_import_file *f, struct dbrev_import_rev *r,
    struct dbrev_error *err)
{
	enum { START, UP, UPSTMT, DOWN, DOWNSTMT };
	struct imp_line l;
	size_t mark = 0;
	int st = START;
	enum annot a;

	imp_line_init(&l);
	while (imp_line_next(f->text, f->len, &l)) {
		if ((a = annotation(l.s, l.len)) != A_NONE) {
			if (step(f, &l, a, &st, r, &mark, err) == -1)
				return -1;
		} else if (st == START && !imp_blank(l.s, l.len) &&
		    !imp_comment(l.s, l.len))
			return bad(f, l.no, "move it below '-- +goose Up' "
			    "(goose refuses it too)",
			    "SQL before '-- +goose Up'", err);
	}
	if (st == START)
		return bad(f, 1, "start the migration with '-- +goose Up'",
		    "no '-- +goose Up' annotation", err);
	if (st == UPSTMT || st == DOWNSTMT)
		return bad(f, l.no, "close the statement with '-- +goose "
		    "StatementEnd'", "'-- +goose StatementBegin' without "
		    "StatementEnd", err);
	if (st == UP)
		imp_set_up(r, f, f->text + mark, f->len - mark, r->up_line);
	else
		imp_set_down(r, f, f->text + mark, f->len - mark,
		    r->down_line);
	return 0;
}

struct entry {
	long long			 v;
	const struct dbrev_import_file	*f;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return strcmp(x->f->rel, y->f->rel);
}

static int
parse(const struct dbrev_import_source *src, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	struct entry *e = dbrev_xcalloc(src->nfiles, sizeof(*e));
	struct dbrev_import_rev *r;
	const char *name;
	char id[DBREV_ID_MAX + 1], v[32];
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < src->nfiles; i++)
		if (src->files[i].text != NULL && wants(src->files[i].rel, 0) &&
		    version_of(src->files[i].rel, &e[n].v))
			e[n++].f = &src->files[i];
	qsort(e, n, sizeof(*e), entry_cmp);
	for (i = 0; i < n; i++) {
		if (has_suffix(e[i].f->rel, ".go")) {
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, e[i].f->path,
			    1, "rewrite it as an SQL migration (or as a dbrev "
			    "revision after the import) and remove the .go "
			    "file, then import again", "a Go migration: dbrev "
			    "imports SQL migrations only");
			continue;
		}
		snprintf(v, sizeof(v), "%lld", e[i].v);
		name = strchr(e[i].f->rel, '_') + 1;
		r = imp_add(out);
		r->version = dbrev_xstrdup(v);
		r->id = dbrev_xstrdup(dbrev_import_id(v, id));
		r->message = imp_message(name, strlen(name) - 4,
		    "goose migration %s", v);
		r->created = imp_created_digits(v, strlen(v));
		r->origin = imp_origin("goose", e[i].f->rel);
		r->up_path = dbrev_xstrdup(e[i].f->path);
		r->up_line = 1;
		if (parse_file(e[i].f, r, err) == -1)
			rc = -1;
	}
	free(e);
	return rc;
}

const struct dbrev_import_kind dbrev_import_goose = {
	"goose", "the directory given to goose -dir", 0, wants, parse, 1
};
