/*
 * import_dbmate.c - dbmate's migrations: DIR/<digits><anything>.sql
 * (no line break in the name: dbmate's pattern does not match it),
 * applied in file name order (byte order, as dbmate sorts them), the
 * version being the leading digits.  A file holds "-- migrate:up" and
 * usually "-- migrate:down" lines; "transaction:false" after either
 * runs the migration outside a transaction.  Only blank lines and
 * comments may come before "-- migrate:up".
 */
#include <ctype.h>
#include <string.h>

#include "dbrev/util.h"
#include "import_kind.h"

/* dbmate's ^(\d+).*\.sql$, whose '.' matches no line break. */
static int
wants(const char *rel, int is_dir)
{
	size_t n = strlen(rel);

	return !is_dir && isdigit((unsigned char)rel[0]) && n > 4 &&
	    strcmp(rel + n - 4, ".sql") == 0 && strchr(rel, '\n') == NULL;
}

enum directive { D_NONE, D_UP, D_DOWN };

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * "--", blanks, "migrate:up" or "migrate:down", then the end of the line
 * or blanks and options.  *opt points past the directive.
 */
static enum directive
directive(const char *s, size_t len, size_t *opt)
{
	enum directive d;
	size_t i = 2, n;

	if (len < 2 || s[0] != '-' || s[1] != '-')
		return D_NONE;
	while (i < len && space(s[i]))
		i++;
	if (len - i >= 10 && memcmp(s + i, "migrate:up", 10) == 0) {
		d = D_UP;
		n = 10;
	} else if (len - i >= 12 && memcmp(s + i, "migrate:down", 12) == 0) {
		d = D_DOWN;
		n = 12;
	} else
		return D_NONE;
	i += n;
	if (i < len && !space(s[i]))
		return D_NONE;	/* "-- migrate:upgrade" is a comment */
	*opt = i;
	return d;
}

/* Whether the options after a directive say transaction:false. */
static int
no_transaction(const char *s, size_t len)
{
	size_t i = 0, k;

	while (i < len) {
		while (i < len && space(s[i]))
			i++;
		for (k = i; k < len && !space(s[k]); k++)
			;
		if (k - i == 17 && memcmp(s + i, "transaction:false", 17) == 0)
			return 1;
		i = k;
	}
	return 0;
}

static int
parse_file(const struct dbrev_import_file *f, struct dbrev_import_rev *r,
    struct dbrev_error *err)
{
	enum { PRE, UP, DOWN } state = PRE;
	struct imp_line l;
	size_t opt = 0, up_start = 0, down_start = 0;
	unsigned up_line = 0, down_line = 0;
	enum directive d;

	imp_line_init(&l);
	while (imp_line_next(f->text, f->len, &l)) {
		d = directive(l.s, l.len, &opt);
		if (d != D_NONE && no_transaction(l.s + opt, l.len - opt))
			r->transactional = 0;
		if (state == PRE && d == D_UP) {
			state = UP;
			up_start = l.next;
			up_line = l.no + 1;
		} else if (state == PRE && d == D_DOWN)
			return dbrev_error_set(err, DBREV_ERR_INPUT, f->path,
			    l.no, "put '-- migrate:up' and its SQL first",
			    "'-- migrate:down' before '-- migrate:up'");
		else if (state == PRE && !imp_blank(l.s, l.len) &&
		    !imp_comment(l.s, l.len))
			return dbrev_error_set(err, DBREV_ERR_INPUT, f->path,
			    l.no, "move it below the '-- migrate:up' line "
			    "(dbmate refuses it too)",
			    "SQL before '-- migrate:up'");
		else if (state != PRE && d == D_UP)
			return dbrev_error_set(err, DBREV_ERR_INPUT, f->path,
			    l.no, "dbrev makes one revision of each file: move "
			    "this section into a migration file of its own",
			    "a second '-- migrate:up' section");
		else if (state == DOWN && d == D_DOWN)
			return dbrev_error_set(err, DBREV_ERR_INPUT, f->path,
			    l.no, "keep one (dbmate refuses it too)",
			    "a second '-- migrate:down' line");
		else if (state == UP && d == D_DOWN) {
			imp_set_up(r, f, f->text + up_start, l.off - up_start,
			    up_line);
			state = DOWN;
			down_start = l.next;
			down_line = l.no + 1;
		}
	}
	if (state == PRE)
		return dbrev_error_set(err, DBREV_ERR_INPUT, f->path, 1,
		    "start the migration with a '-- migrate:up' line",
		    "no '-- migrate:up' line");
	if (state == UP)
		imp_set_up(r, f, f->text + up_start, f->len - up_start,
		    up_line);
	else
		imp_set_down(r, f, f->text + down_start, f->len - down_start,
		    down_line);
	return 0;
}

static int
parse(const struct dbrev_import_source *src, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	const struct dbrev_import_file *f;
	struct dbrev_import_rev *r;
	char id[DBREV_ID_MAX + 1];
	size_t i, nd, n;
	int rc = 0;

	for (i = 0; i < src->nfiles; i++) {
		f = &src->files[i];
		if (f->text == NULL || !wants(f->rel, 0))
			continue;
		n = strlen(f->rel);
		for (nd = 0; isdigit((unsigned char)f->rel[nd]); nd++)
			;
		r = imp_add(out);
		r->version = dbrev_xstrndup(f->rel, nd);
		r->id = dbrev_xstrdup(dbrev_import_id(r->version, id));
		r->message = imp_message(f->rel + nd, n - nd - 4,
		    "dbmate migration %s", r->version);
		r->created = imp_created_digits(f->rel, nd);
		r->origin = imp_origin("dbmate", f->rel);
		r->up_path = dbrev_xstrdup(f->path);
		r->up_line = 1;
		if (parse_file(f, r, err) == -1)
			rc = -1;
	}
	return rc;
}

const struct dbrev_import_kind dbrev_import_dbmate = {
	"dbmate", "db/migrations", 0, wants, parse, 1
};
