/*
 * import_sqitch.c - a Sqitch project: DIR/sqitch.plan, deploy/ and
 * revert/ (verify/ has no dbrev counterpart and is not read).
 *
 * The plan's changes are deployed in plan order, so each revision's
 * parent is the change before it; a change's requirements ([a b@tag
 * @tag]) become its depends.  Conflicts (!change) have no counterpart
 * and are left out.  A change planned again after a tag is reworked:
 * its earlier instances run the scripts named <change>@<tag>.sql (the
 * latest tag up to the rework whose script exists, as Sqitch chooses),
 * the latest runs <change>.sql.  Ids: the change name, and for its n-th
 * instance (n > 1) the name and "_n", so that a later rework does not
 * change the ids of what was imported before.  The message is the
 * change's note, or its name; created is its planned time.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/util.h"
#include "import_kind.h"

static int
wants(const char *rel, int is_dir)
{
	if (is_dir)
		return strcmp(rel, "deploy") == 0 ||
		    strcmp(rel, "revert") == 0 ||
		    strncmp(rel, "deploy/", 7) == 0 ||
		    strncmp(rel, "revert/", 7) == 0;
	return strcmp(rel, "sqitch.plan") == 0 ||
	    strncmp(rel, "deploy/", 7) == 0 || strncmp(rel, "revert/", 7) == 0;
}

struct change {
	char		*name;
	unsigned	 line;
	unsigned	 instance;	/* 1 for the first of its name */
	char		*deps;		/* the text between [ and ], or NULL */
	char		*time;
	char		*note;
	size_t		 first_tag;	/* its tags: tags[first_tag, ntags) */
	size_t		 ntags;
};

struct tag {
	char		*name;
	size_t		 change;	/* index of the change it follows */
	unsigned	 line;
};

struct plan {
	const struct dbrev_import_file	*f;
	char				*project;
	struct change			*c;
	size_t				 nc;
	struct tag			*t;
	size_t				 nt;
	struct imp_index		 names;	/* of the changes */
	struct imp_index		 tags;
	struct dbrev_error		*err;
};

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
perr(struct plan *p, unsigned line, const char *hint, const char *msg,
    const char *what)
{
	return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->f->path, line, hint,
	    msg, what);
}

/* Sqitch's rule for change, tag and project names, roughly. */
static int
valid_name(const char *s, size_t n)
{
	static const char punct[] = "-!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~";
	size_t i;

	if (n == 0 || strchr(punct, s[0]) != NULL ||
	    strchr(punct, s[n - 1]) != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (blank(s[i]) || s[i] == ':' || s[i] == '@' || s[i] == '#' ||
		    s[i] == '\\' || s[i] == '[' || s[i] == ']' ||
		    (unsigned char)s[i] < 0x20)
			return 0;
	return !((n == 4 && (memcmp(s, "ROOT", 4) == 0 ||
	    memcmp(s, "HEAD", 4) == 0)));
}

/* "YYYY-MM-DDTHH:MM:SSZ" at s (n bytes). */
static int
timestamp(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	if (n != 20)
		return 0;
	for (i = 0; i < 20; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != shape[i])
			return 0;
	return 1;
}

/* The header: pragmas up to the first blank line. */
static int
header(struct plan *p, struct imp_line *l)
{
	size_t i, k, n;

	while (imp_line_next(p->f->text, p->f->len, l)) {
		n = imp_rtrim(l->s, l->len);
		for (i = 0; i < n && blank(l->s[i]); i++)
			;
		if (i == n)
			break;
		if (l->s[i] == '#')
			continue;
		if (l->s[i] != '%')
			return perr(p, l->no, "put a blank line between the "
			    "pragmas and the changes", "%s", "not a pragma");
		for (k = i + 1; k < n && blank(l->s[k]); k++)
			;
		if (n - k > 8 && strncmp(l->s + k, "project", 7) == 0 &&
		    (blank(l->s[k + 7]) || l->s[k + 7] == '=')) {
			k += 7;
			while (k < n && (blank(l->s[k]) || l->s[k] == '='))
				k++;
			free(p->project);
			p->project = dbrev_xstrndup(l->s + k, n - k);
		}
	}
	if (p->project == NULL || !valid_name(p->project,
	    strlen(p->project)))
		return perr(p, 1, "start the plan with '%project=NAME'",
		    "%s", "no valid %project pragma");
	return 0;
}

/* A tag line "@name time planner <email>". */
static int
tag_line(struct plan *p, const char *s, size_t n, unsigned line)
{
	size_t k;

	for (k = 1; k < n && !blank(s[k]); k++)
		;
	if (!valid_name(s + 1, k - 1))
		return perr(p, line, "a tag name has no blanks, ':', '@', "
		    "'#', '\\', and neither starts nor ends with punctuation",
		    "%s", "invalid tag name");
	if (p->nc == 0)
		return perr(p, line, "tag a change: put the tag after one",
		    "%s", "a tag before any change");
	if ((p->nt & (p->nt - 1)) == 0)
		p->t = dbrev_xrealloc(p->t, (p->nt ? 2 * p->nt : 1) *
		    sizeof(*p->t));
	p->t[p->nt].name = dbrev_xstrndup(s + 1, k - 1);
	p->t[p->nt].change = p->nc - 1;
	p->t[p->nt].line = line;
	p->nt++;
	p->c[p->nc - 1].ntags++;
	return 0;
}

/* The fields of a change line after its name: [deps] time planner. */
static int
change_rest(struct plan *p, struct change *c, const char *s, size_t n)
{
	const char *close;
	size_t k = 0, t;

	while (k < n && blank(s[k]))
		k++;
	if (k < n && s[k] == '[') {
		if ((close = memchr(s + k, ']', n - k)) == NULL)
			return perr(p, c->line, "close the list with ']'",
			    "%s", "unterminated dependency list");
		c->deps = dbrev_xstrndup(s + k + 1, (size_t)(close - s) - k - 1);
		k = (size_t)(close - s) + 1;
		while (k < n && blank(s[k]))
			k++;
	}
	for (t = k; t < n && !blank(s[t]); t++)
		;
	if (!timestamp(s + k, t - k))
		return perr(p, c->line, "write the planned time as "
		    "YYYY-MM-DDTHH:MM:SSZ, then the planner's name <email>",
		    "%s", "missing or invalid timestamp");
	c->time = dbrev_xstrndup(s + k, t - k);
	while (t < n && blank(s[t]))
		t++;
	if (t == n || memchr(s + t, '<', n - t) == NULL)
		return perr(p, c->line, "add the planner: Name <email>", "%s",
		    "missing planner name and email");
	return 0;
}

/* A note as Sqitch reads it: \\n, \\r and \\\\ stand for a line break, a
 * carriage return and a backslash. */
static char *
unescape(const char *s, size_t n)
{
	struct dbrev_buf b = { 0 };
	size_t i;

	dbrev_buf_puts(&b, "");
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' ||
		    s[i + 1] == 'r' || s[i + 1] == '\\')) {
			i++;
			dbrev_buf_add(&b, s[i] == 'n' ? "\n" : s[i] == 'r' ?
			    "\r" : "\\", 1);
		} else
			dbrev_buf_add(&b, s + i, 1);
	}
	return dbrev_buf_take(&b);
}

/* A change line: [+]name [deps] time planner <email> [# note]. */
static int
change_line(struct plan *p, const char *s, size_t n, const char *note,
    size_t notelen, unsigned line)
{
	struct change *c;
	size_t k;

	if (s[0] == '-')
		return perr(p, line, "remove the line: dbrev imports plans that "
		    "only deploy", "%s", "a revert ('-') line");
	if (s[0] == '+')
		for (s++, n--; n > 0 && blank(s[0]); s++, n--)
			;
	for (k = 0; k < n && !blank(s[k]) && s[k] != '['; k++)
		;
	if (!valid_name(s, k))
		return perr(p, line, "a change name has no blanks, ':', '@', "
		    "'#', '\\', and neither starts nor ends with punctuation",
		    "%s", "invalid change name");
	if ((p->nc & (p->nc - 1)) == 0)
		p->c = dbrev_xrealloc(p->c, (p->nc ? 2 * p->nc : 1) *
		    sizeof(*p->c));
	c = &p->c[p->nc++];
	memset(c, 0, sizeof(*c));
	c->name = dbrev_xstrndup(s, k);
	c->line = line;
	c->instance = 1;	/* see instances() */
	c->first_tag = p->nt;
	c->note = unescape(note != NULL ? note : "", notelen);
	return change_rest(p, c, s + k, n - k);
}

static int
read_plan(struct plan *p)
{
	struct imp_line l;
	const char *s, *hash, *note;
	size_t n, i, nl;
	int rc = 0;

	imp_line_init(&l);
	if (header(p, &l) == -1)
		return -1;
	while (imp_line_next(p->f->text, p->f->len, &l)) {
		n = imp_rtrim(l.s, l.len);
		for (i = 0; i < n && blank(l.s[i]); i++)
			;
		if (i == n || l.s[i] == '#')
			continue;
		s = l.s + i;
		n -= i;
		note = NULL;
		nl = 0;
		if ((hash = memchr(s, '#', n)) != NULL) {
			for (note = hash + 1; note < s + n && blank(*note);
			    note++)
				;
			nl = (size_t)(s + n - note);
			for (n = (size_t)(hash - s); n > 0 && blank(s[n - 1]);
			    n--)
				;
		}
		if (s[0] == '@')
			rc |= tag_line(p, s, n, l.no);
		else
			rc |= change_line(p, s, n, note, nl, l.no);
	}
	return rc ? -1 : 0;
}

/*
 * Index the names, refuse a tag declared twice, and number each
 * change's instances: a change planned again must have a tag between
 * (sqitch rework puts one there).
 */
static int
instances(struct plan *p)
{
	size_t i;
	long k;
	int rc = 0;

	for (i = 0; i < p->nc; i++)
		imp_index_add(&p->names, p->c[i].name, strlen(p->c[i].name), i);
	for (i = 0; i < p->nt; i++)
		imp_index_add(&p->tags, p->t[i].name, strlen(p->t[i].name), i);
	imp_index_sort(&p->names);
	imp_index_sort(&p->tags);
	for (i = 0; i < p->nt; i++)
		if (imp_index_before(&p->tags, p->t[i].name,
		    strlen(p->t[i].name), i) >= 0)
			rc = perr(p, p->t[i].line, "give it another name",
			    "tag '%s' is already declared", p->t[i].name);
	for (i = 0; i < p->nc; i++) {
		if ((k = imp_index_before(&p->names, p->c[i].name,
		    strlen(p->c[i].name), i)) < 0)
			continue;
		if (p->c[i].first_tag == p->c[k].first_tag)
			rc = perr(p, p->c[i].line, "tag the plan before "
			    "reworking a change (sqitch rework does)", "change "
			    "'%s' planned twice without a tag between",
			    p->c[i].name);
		p->c[i].instance = p->c[k].instance + 1;
	}
	return rc;
}

static void
plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nc; i++) {
		free(p->c[i].name);
		free(p->c[i].deps);
		free(p->c[i].time);
		free(p->c[i].note);
	}
	for (i = 0; i < p->nt; i++)
		free(p->t[i].name);
	free(p->c);
	free(p->t);
	free(p->project);
	imp_index_free(&p->names);
	imp_index_free(&p->tags);
}

/* The index of the latest instance of name[0, n) before change `before`. */
static long
latest(const struct plan *p, const char *name, size_t n, size_t before)
{
	return imp_index_before(&p->names, name, n, before);
}

/* The tag named [s, s + n) declared before change `before`, or NULL. */
static const struct tag *
find_tag(const struct plan *p, const char *s, size_t n, size_t before)
{
	long k = imp_index_before(&p->tags, s, n, (size_t)-1);

	return k >= 0 && p->t[k].change < before ? &p->t[k] : NULL;
}

/* The change a requirement names, as an index, or -1 (err set). */
static long
requirement(struct plan *p, size_t ci, const char *d, size_t n)
{
	const char *at = memchr(d, '@', n), *colon = memchr(d, ':', n);
	const struct tag *t;
	size_t cn;
	long k;

	if (colon != NULL) {
		if ((size_t)(colon - d) != strlen(p->project) ||
		    memcmp(d, p->project, (size_t)(colon - d)) != 0)
			return perr(p, p->c[ci].line, "dbrev imports one "
			    "project: remove the requirement", "'%s' requires "
			    "a change of another project", p->c[ci].name);
		n -= (size_t)(colon - d) + 1;
		d = colon + 1;
		at = memchr(d, '@', n);
	}
	cn = at != NULL ? (size_t)(at - d) : n;
	if (at == NULL || (n - cn == 5 && memcmp(at, "@HEAD", 5) == 0))
		k = cn == 0 ? (long)ci - 1 : latest(p, d, cn, ci);
	else if (n - cn == 5 && memcmp(at, "@ROOT", 5) == 0) {
		/* The first change, or the first instance of the name. */
		if (cn == 0)
			k = 0;
		else if ((k = imp_index_before(&p->names, d, cn, 1)) != 0)
			k = imp_index_after(&p->names, d, cn, 0);
		if (k < 0 || (size_t)k >= ci)
			k = -1;
	} else if ((t = find_tag(p, at + 1, n - cn - 1, ci)) == NULL)
		k = -1;
	else
		k = cn == 0 ? (long)t->change : latest(p, d, cn, t->change + 1);
	if (k < 0)
		perr(p, p->c[ci].line, "require a change planned before it (or "
		    "a tag declared before it)", "'%s' requires an unknown "
		    "change or tag", p->c[ci].name);
	return k;
}

/*
 * The script of change ci in dir ("deploy" or "revert"): <name>.sql for
 * the latest instance of a name; for an earlier one <name>@<tag>.sql,
 * the first tag in Sqitch's order (see below) whose deploy script
 * exists, else the first.  Sets *tagp to that tag (NULL for the latest
 * instance).
 */
static const struct dbrev_import_file *
script(const struct dbrev_import_source *src, const struct plan *p,
    size_t ci, const char *dir, const char **tagp)
{
	const struct change *c = &p->c[ci];
	const struct dbrev_import_file *f = NULL;
	struct dbrev_buf b = { 0 };
	long nx = imp_index_after(&p->names, c->name, strlen(c->name), ci);
	size_t next = nx < 0 ? p->nc : (size_t)nx, ch, t;

	if (next == p->nc) {
		*tagp = NULL;
		dbrev_buf_printf(&b, "%s/%s.sql", dir, c->name);
		f = imp_find(src, b.data);
		dbrev_buf_free(&b);
		return f;
	}
	if (*tagp != NULL) {
		dbrev_buf_printf(&b, "%s/%s@%s.sql", dir, c->name, *tagp);
		f = imp_find(src, b.data);
		dbrev_buf_free(&b);
		return f;
	}
	/* Sqitch's order: from the change before the rework back to this
	 * one, each change's tags in the order they were declared. */
	for (ch = next; f == NULL && ch-- > ci; )
		for (t = p->c[ch].first_tag; f == NULL &&
		    t < p->c[ch].first_tag + p->c[ch].ntags; t++) {
			dbrev_buf_reset(&b);
			dbrev_buf_printf(&b, "%s/%s@%s.sql", dir, c->name,
			    p->t[t].name);
			if (*tagp == NULL)
				*tagp = p->t[t].name;	/* what Sqitch expects */
			if ((f = imp_find(src, b.data)) != NULL)
				*tagp = p->t[t].name;
		}
	dbrev_buf_free(&b);
	return f;
}

/* Add the requirements of change ci to r->depends, each once. */
static int
add_depends(struct plan *p, size_t ci, const char *const *ids,
    struct dbrev_import_rev *r)
{
	const char *d = p->c[ci].deps;
	size_t i, n, j;
	long k;
	int rc = 0;

	for (i = 0; d != NULL && d[i] != '\0'; i += n) {
		while (blank(d[i]))
			i++;
		for (n = 0; d[i + n] != '\0' && !blank(d[i + n]); n++)
			;
		if (n == 0 || d[i] == '!')
			continue;	/* a conflict: no counterpart */
		if ((k = requirement(p, ci, d + i, n)) < 0) {
			rc = -1;
			continue;
		}
		if ((size_t)k + 1 == ci)
			continue;	/* the parent already */
		for (j = 0; j < r->ndepends; j++)
			if (strcmp(r->depends[j], ids[k]) == 0)
				break;
		if (j < r->ndepends)
			continue;
		r->depends = dbrev_xrealloc(r->depends,
		    (r->ndepends + 1) * sizeof(char *));
		r->depends[r->ndepends++] = dbrev_xstrdup(ids[k]);
	}
	return rc;
}

/* The revision of change ci; its id is ids[ci]. */
static int
add_rev(const struct dbrev_import_source *src, struct plan *p, size_t ci,
    const char *const *ids, struct dbrev_import_list *out)
{
	const struct change *c = &p->c[ci];
	const struct dbrev_import_file *up, *down;
	struct dbrev_import_rev *r;
	struct dbrev_buf b = { 0 };
	const char *tag = NULL;

	if ((up = script(src, p, ci, "deploy", &tag)) == NULL ||
	    up->text == NULL) {
		if (tag != NULL)
			dbrev_buf_printf(&b, "deploy/%s@%s.sql", c->name, tag);
		else
			dbrev_buf_printf(&b, "deploy/%s.sql", c->name);
		perr(p, c->line, "add the script, or remove the change from "
		    "the plan", "no deploy script %s", b.data);
		dbrev_buf_free(&b);
		return -1;
	}
	down = script(src, p, ci, "revert", &tag);
	r = imp_add(out);
	if (tag != NULL)
		dbrev_buf_printf(&b, "%s@%s", c->name, tag);
	else
		dbrev_buf_puts(&b, c->name);
	r->version = dbrev_buf_take(&b);
	r->id = dbrev_xstrdup(ids[ci]);
	r->message = *c->note != '\0' ? imp_text(c->note, strlen(c->note)) :
	    NULL;
	if (r->message == NULL)
		r->message = dbrev_xstrdup(c->name);
	r->created = dbrev_xstrdup(c->time);
	r->origin = imp_origin("sqitch", up->rel);
	imp_set_up(r, up, up->text, up->len, 1);
	if (down != NULL && down->text != NULL)
		imp_set_down(r, down, down->text, down->len, 1);
	return add_depends(p, ci, ids, r);
}

static int
parse(const struct dbrev_import_source *src, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	struct plan p = { 0 };
	struct dbrev_buf b = { 0 };
	char id[DBREV_ID_MAX + 1], **ids = NULL;
	size_t i;
	int rc = 0;

	p.err = err;
	if ((p.f = imp_find(src, "sqitch.plan")) == NULL || p.f->text == NULL)
		return dbrev_error_set(err, DBREV_ERR_INPUT, "sqitch.plan", 0,
		    "give the directory of the Sqitch project (it holds "
		    "sqitch.plan, deploy/ and revert/)", "no sqitch.plan");
	/* Both, to report every problem: the lines', then the plan's. */
	if ((read_plan(&p) | instances(&p)) != 0) {
		plan_free(&p);
		return -1;
	}
	ids = dbrev_xcalloc(p.nc + 1, sizeof(*ids));
	for (i = 0; i < p.nc; i++) {
		dbrev_buf_reset(&b);
		dbrev_buf_puts(&b, p.c[i].name);
		if (p.c[i].instance > 1)
			dbrev_buf_printf(&b, "_%u", p.c[i].instance);
		ids[i] = dbrev_xstrdup(dbrev_import_id(b.data, id));
	}
	for (i = 0; i < p.nc; i++)
		if (add_rev(src, &p, i, (const char *const *)ids, out) == -1)
			rc = -1;
	for (i = 0; i < p.nc; i++)
		free(ids[i]);
	free(ids);
	dbrev_buf_free(&b);
	plan_free(&p);
	return rc;
}

const struct dbrev_import_kind dbrev_import_sqitch = {
	"sqitch", "the project directory, holding sqitch.plan", 4, wants,
	parse, 1
};
