/*
 * autogen.c - autogenerate: the SQL between the schema the revisions
 * build and the schema a file declares.  The pipeline: read the schema
 * file, parse the rename hints (its "-- dbrev: rename" lines and
 * --rename), and hand both to the schema group of the database the URL
 * names (lib/db/<name>/autogen.c), which builds, diffs and writes.  The
 * database DATABASE_URL names is never opened: the URL only picks the
 * database; none picks the default one (SQLite, embedded).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/autogen.h"
#include "dbrev/schema.h"
#include "dbrev/url.h"
#include "dbrev/util.h"
#include "autogen_impl.h"
#include "db/driver.h"

struct hints {
	struct dbrev_rename	*v;
	size_t			 n;
};

static void
hints_free(struct hints *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].table);
		free(h->v[i].from);
		free(h->v[i].to);
	}
	free(h->v);
}

/* Lowercased copy of [s, e) with blanks trimmed and quotes removed. */
static char *
word(const char *s, const char *e)
{
	char *w, *p;

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (e - s >= 2 && (*s == '"' || *s == '`' || *s == '[') &&
	    (e[-1] == '"' || e[-1] == '`' || e[-1] == ']')) {
		s++;
		e--;
	}
	w = dbrev_xstrndup(s, (size_t)(e - s));
	for (p = w; *p != '\0'; p++) {
		if (isspace((unsigned char)*p))
			return free(w), NULL;
		*p = (char)tolower((unsigned char)*p);
	}
	if (*w == '\0')
		return free(w), NULL;
	return w;
}

/*
 * Parse "table A -> B" or "T.A -> B" (blanks optional around "->").
 * Returns 0, or -1 when the text is not a hint.
 */
static int
hint_parse(const char *text, struct dbrev_rename *h)
{
	const char *arrow, *dot, *s = text;

	memset(h, 0, sizeof(*h));
	while (isspace((unsigned char)*s))
		s++;
	if (strncasecmp(s, "table", 5) == 0 && isspace((unsigned char)s[5])) {
		h->is_table = 1;
		s += 5;
	}
	if ((arrow = strstr(s, "->")) == NULL)
		return -1;
	h->to = word(arrow + 2, arrow + 2 + strlen(arrow + 2));
	if (h->is_table)
		h->from = word(s, arrow);
	else {
		dot = memchr(s, '.', (size_t)(arrow - s));
		if (dot == NULL) {	/* "old->new": a table */
			h->is_table = 1;
			h->from = word(s, arrow);
		} else {
			h->table = word(s, dot);
			h->from = word(dot + 1, arrow);
			if (h->table == NULL)
				h->from = (free(h->from), NULL);
		}
	}
	if (h->from == NULL || h->to == NULL) {
		free(h->table);
		free(h->from);
		free(h->to);
		memset(h, 0, sizeof(*h));
		return -1;
	}
	return 0;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
dbrev_autogen_unmatched(struct dbrev_autogen_result *res,
    const struct dbrev_rename *h, const char *table)
{
	char line[1024];

	if (h->line != 0)
		return;	/* a file's hint stays after its revision is written */
	snprintf(line, sizeof(line), "--rename %s%s%s%s->%s matches nothing "
	    "to rename; ignored", h->is_table ? "table " : "",
	    h->is_table ? "" : table, h->is_table ? "" : ".", h->from, h->to);
	dbrev_strv_add(&res->warnings, &res->nwarnings, line);
}

static void
hints_add(struct hints *hs, const struct dbrev_rename *h)
{
	hs->v = dbrev_xrealloc(hs->v, (hs->n + 1) * sizeof(*hs->v));
	hs->v[hs->n++] = *h;
}

/* "-- dbrev: rename ..." lines of the schema file. */
static int
hints_from_file(const char *path, const char *text, struct hints *hs,
    struct dbrev_error *err)
{
	const char *p = text, *nl, *s;
	unsigned line = 1;

	for (; *p != '\0'; p = nl + 1, line++) {
		struct dbrev_rename h;
		char *l;

		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		s = p;
		while (s < nl && isspace((unsigned char)*s))
			s++;
		if (nl - s > 2 && s[0] == '-' && s[1] == '-') {
			s += 2;
			while (s < nl && isspace((unsigned char)*s))
				s++;
			if (nl - s >= 6 && strncmp(s, "dbrev:", 6) == 0) {
				s += 6;
				while (s < nl && isspace((unsigned char)*s))
					s++;
				l = dbrev_xstrndup(s, (size_t)(nl - s));
				if (strncasecmp(l, "rename", 6) != 0 ||
				    hint_parse(l + 6, &h) == -1) {
					dbrev_error_set(err, DBREV_ERR_INPUT,
					    path, line, "write \"-- dbrev: rename"
					    " TABLE.OLD -> NEW\" or \"-- dbrev: "
					    "rename table OLD -> NEW\"",
					    "cannot understand the hint \"%s\"",
					    l);
					free(l);
					return -1;
				}
				free(l);
				h.origin = path;
				h.line = line;
				hints_add(hs, &h);
			}
		}
		if (*nl == '\0')
			break;
	}
	return 0;
}

/* The schema file and every hint (file and --rename). */
static int
read_input(const struct dbrev_autogen_options *opts, struct dbrev_buf *text,
    struct hints *hs, struct dbrev_error *err)
{
	size_t i;

	if (dbrev_read_file(opts->schema_path, text, err) == -1) {
		err->kind = DBREV_ERR_INPUT;
		return -1;
	}
	if (text->data == NULL)
		dbrev_buf_puts(text, "");
	if (hints_from_file(opts->schema_path, text->data, hs, err) == -1)
		return -1;
	for (i = 0; i < opts->nrenames; i++) {
		struct dbrev_rename h;

		if (hint_parse(opts->renames[i], &h) == -1)
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "write --rename TABLE.OLD->NEW or --rename "
			    "\"table OLD->NEW\"", "cannot understand --rename "
			    "\"%s\"", opts->renames[i]);
		h.origin = "--rename";
		hints_add(hs, &h);
	}
	return 0;
}

/* The schema group of the URL's database, or an error saying why none. */
static int
schema_ops(const char *url, const struct dbrev_schema_ops **ops,
    struct dbrev_error *err)
{
	const struct dbrev_driver *drv;
	enum dbrev_dialect d;

	if (url == NULL || *url == '\0')
		drv = dbrev_driver_at(0);
	else if ((drv = dbrev_driver_for(d = dbrev_url_dialect(url))) ==
	    NULL) {
		if (d == DBREV_DIALECT_UNKNOWN)
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "use sqlite:PATH or postgresql://...",
			    "cannot tell the database from the URL");
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    dbrev_dialect_unbuilt_hint(d), "%s autogenerate not "
		    "available: built without %s support",
		    dbrev_dialect_title(d), dbrev_dialect_title(d));
	}
	if ((*ops = drv->schema) == NULL)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "%s autogenerate not available", drv->title);
	return 0;
}

int
dbrev_autogen_diff(const struct dbrev_autogen_options *opts,
    struct dbrev_autogen_result *res, struct dbrev_error *err)
{
	const struct dbrev_schema_ops *ops;
	struct dbrev_buf text = { 0 };
	struct hints hs = { 0 };
	int rc = -1;

	memset(res, 0, sizeof(*res));
	res->transactional = 1;
	if (schema_ops(opts->url, &ops, err) == -1)
		return -1;
	if (read_input(opts, &text, &hs, err) == -1)
		goto out;
	rc = ops->autogen(opts, text.data, hs.v, hs.n, res, err);
	/* Revisions written for another database fail oddly: say why. */
	if (rc == -1 && (opts->url == NULL || *opts->url == '\0'))
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "set DATABASE_URL (or -u) to the kind of database the "
		    "revisions are written for",
		    "no DATABASE_URL, so autogenerate assumed %s",
		    dbrev_driver_at(0)->title);
out:
	if (rc == -1)
		dbrev_autogen_result_free(res);
	hints_free(&hs);
	dbrev_buf_free(&text);
	return rc;
}

void
dbrev_autogen_result_free(struct dbrev_autogen_result *res)
{
	if (res == NULL)
		return;
	free(res->upgrade);
	free(res->downgrade);
	strv_free(res->differences, res->ndifferences);
	strv_free(res->warnings, res->nwarnings);
	memset(res, 0, sizeof(*res));
	res->transactional = 1;
}
