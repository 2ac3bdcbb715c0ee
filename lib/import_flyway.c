/*
 * import_flyway.c - Flyway's SQL migrations, found anywhere below DIR
 * as Flyway scans its locations: V<version>__<description>.sql, with
 * U<version>__<description>.sql its undo.  A version is numbers joined
 * by '.' or '_' ("1_1" is "1.1"), compared part by part as numbers with
 * trailing zeros ignored: 1.1 < 1.2 < 1.10 < 2, and 1.0 is 1.  The
 * description's '_' are spaces.  A script configuration file
 * <migration>.sql.conf with executeInTransaction=false, or a statement
 * that Flyway itself runs outside a transaction (CREATE INDEX
 * CONCURRENTLY, VACUUM, ...), makes it "transaction: none".
 * Refused, each naming its file: repeatable migrations (R__), which
 * dbrev does not support yet; baseline migrations (B); callbacks
 * (beforeMigrate.sql, ...); placeholders ${...}, which Flyway would
 * replace and dbrev would not.  Other files are ignored, as by Flyway.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/util.h"
#include "import_kind.h"

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int
wants(const char *rel, int is_dir)
{
	return !is_dir && (has_suffix(rel, ".sql") ||
	    has_suffix(rel, ".sql.conf"));
}

struct mig {
	char				 prefix;	/* V, U, R, B */
	char				*version;	/* dotted */
	const char			*desc;		/* in the base name */
	size_t				 desc_len;
	const struct dbrev_import_file	*f;
};

/*
 * Split a base name "V1_2__add_users.sql".  Returns 1 for a migration
 * name, 0 for a name Flyway ignores, -1 (err set) for one it refuses.
 */
static int
split_name(const struct dbrev_import_file *f, struct mig *m,
    struct dbrev_error *err)
{
	const char *b = imp_base(f->rel), *sep;
	size_t n = strlen(b) - 4, i;	/* without ".sql" */

	if ((strncmp(b, "before", 6) == 0 || strncmp(b, "after", 5) == 0) &&
	    isupper((unsigned char)b[b[0] == 'b' ? 6 : 5]))
		return dbrev_error_set(err, DBREV_ERR_INPUT, f->path, 1,
		    "dbrev has no callbacks: put its SQL into the revisions "
		    "that need it, or remove it, then import again",
		    "a Flyway callback");
	if (strchr("VURB", b[0]) == NULL || b[0] == '\0' ||
	    (sep = strstr(b, "__")) == NULL || (size_t)(sep - b) > n)
		return 0;
	if (b[0] == 'R')
		return dbrev_error_set(err, DBREV_ERR_INPUT, f->path, 1,
		    "make it a versioned migration (V<version>__...) or move "
		    "it out of the directory, then import again",
		    "a Flyway repeatable migration: dbrev does not support "
		    "repeatable revisions yet");
	if (b[0] == 'B')
		return dbrev_error_set(err, DBREV_ERR_INPUT, f->path, 1,
		    "import the versioned migrations it stands for, and move "
		    "it out of the directory", "a Flyway baseline migration: "
		    "dbrev has none");
	m->prefix = b[0];
	m->version = dbrev_xstrndup(b + 1, (size_t)(sep - b) - 1);
	for (i = 0; m->version[i] != '\0'; i++) {
		if (m->version[i] == '_')
			m->version[i] = '.';
		if (!(isdigit((unsigned char)m->version[i]) ||
		    (m->version[i] == '.' && i > 0 &&
		    m->version[i - 1] != '.' && m->version[i + 1] != '\0')))
			break;
	}
	if (i == 0 || m->version[i] != '\0') {
		dbrev_error_set(err, DBREV_ERR_INPUT, f->path, 1, "a version "
		    "is numbers separated by '.' or '_', e.g. V1.2__name.sql "
		    "(Flyway refuses this too)", "invalid version '%s'",
		    m->version);
		free(m->version);
		return -1;
	}
	m->desc = sep + 2;
	m->desc_len = n - (size_t)(sep + 2 - b);
	m->f = f;
	return 1;
}

/* Compare dotted versions as Flyway does. */
static int
vcmp(const char *a, const char *b)
{
	size_t la, lb;
	int c;

	for (;;) {
		while (*a == '.')
			a++;
		while (*b == '.')
			b++;
		la = strcspn(a, ".");
		lb = strcspn(b, ".");
		if (la == 0 && lb == 0)
			return 0;
		/* A missing part is 0: 1.0 equals 1. */
		c = imp_numcmp(la ? a : "0", la ? la : 1, lb ? b : "0",
		    lb ? lb : 1);
		if (c != 0)
			return c;
		a += la;
		b += lb;
	}
}

static int
mig_cmp(const void *x, const void *y)
{
	const struct mig *a = x, *b = y;
	int c = vcmp(a->version, b->version);

	if (c != 0)
		return c;
	if (a->prefix != b->prefix)
		return a->prefix == 'V' ? -1 : 1;
	return strcmp(a->f->rel, b->f->rel);
}

/* executeInTransaction=false in the script configuration file. */
static int
conf_no_tx(const struct dbrev_import_source *src, const char *rel)
{
	const struct dbrev_import_file *f;
	struct dbrev_buf name = { 0 };
	struct imp_line l;
	size_t i;

	dbrev_buf_printf(&name, "%s.conf", rel);
	f = imp_find(src, name.data);
	dbrev_buf_free(&name);
	if (f == NULL || f->text == NULL)
		return 0;
	imp_line_init(&l);
	while (imp_line_next(f->text, f->len, &l)) {
		for (i = 0; i < l.len && isspace((unsigned char)l.s[i]); i++)
			;
		if (l.len - i >= 20 && strncmp(l.s + i,
		    "executeInTransaction", 20) == 0) {
			i += 20;
			while (i < l.len && isspace((unsigned char)l.s[i]))
				i++;
			if (i < l.len && (l.s[i] == '=' || l.s[i] == ':'))
				i++;
			while (i < l.len && isspace((unsigned char)l.s[i]))
				i++;
			if (imp_rtrim(l.s + i, l.len - i) == 5 &&
			    strncmp(l.s + i, "false", 5) == 0)
				return 1;
		}
	}
	return 0;
}

/* Refuse ${...}: Flyway replaces placeholders, dbrev runs the text. */
static int
placeholders(const struct dbrev_import_file *f, struct dbrev_error *err)
{
	struct imp_line l;
	const char *p, *q;

	imp_line_init(&l);
	while (imp_line_next(f->text, f->len, &l))
		if ((p = memmem(l.s, l.len, "${", 2)) != NULL &&
		    (q = memchr(p, '}', l.len - (size_t)(p - l.s))) != NULL)
			return dbrev_error_set(err, DBREV_ERR_INPUT, f->path,
			    l.no, "write its value instead, then import "
			    "again", "Flyway placeholder '%.*s': dbrev does "
			    "not replace placeholders", (int)(q - p + 1), p);
	return 0;
}

/* Whether a statement of sql is one Flyway runs outside a transaction. */
static int
needs_no_tx(const char *sql, size_t len)
{
	size_t pos = 0, s, e;

	while (imp_stmt(sql, len, &pos, &s, &e))
		if (imp_stmt_notxn(sql + s, sql + e))
			return 1;
	return 0;
}

static void
add_rev(const struct dbrev_import_source *src, const struct mig *v,
    const struct mig *u, struct dbrev_import_list *out)
{
	struct dbrev_import_rev *r = imp_add(out);
	char id[DBREV_ID_MAX + 1], *u_ver;
	size_t i;

	/* The id is the version with '_' for '.': 1.10 is 1_10. */
	r->version = dbrev_xstrdup(v->version);
	u_ver = dbrev_xstrdup(v->version);
	for (i = 0; u_ver[i] != '\0'; i++)
		if (u_ver[i] == '.')
			u_ver[i] = '_';
	r->id = dbrev_xstrdup(dbrev_import_id(u_ver, id));
	free(u_ver);
	r->message = imp_message(v->desc, v->desc_len, "Flyway V%s",
	    v->version);
	r->created = dbrev_xstrdup("");
	r->origin = imp_origin("flyway", v->f->rel);
	imp_set_up(r, v->f, v->f->text, v->f->len, 1);
	if (u != NULL)
		imp_set_down(r, u->f, u->f->text, u->f->len, 1);
	if (conf_no_tx(src, v->f->rel) || (u != NULL &&
	    conf_no_tx(src, u->f->rel)) || needs_no_tx(v->f->text, v->f->len) ||
	    (u != NULL && needs_no_tx(u->f->text, u->f->len)))
		r->transactional = 0;
}

static int
parse(const struct dbrev_import_source *src, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	struct mig *m = dbrev_xcalloc(src->nfiles, sizeof(*m)), *u;
	size_t i, k, n = 0;
	int rc = 0;

	for (i = 0; i < src->nfiles; i++) {
		if (src->files[i].text == NULL ||
		    !has_suffix(src->files[i].rel, ".sql"))
			continue;
		switch (split_name(&src->files[i], &m[n], err)) {
		case 1:
			if (placeholders(m[n].f, err) == -1)
				rc = -1;
			n++;
			break;
		case -1:
			rc = -1;
			break;
		}
	}
	qsort(m, n, sizeof(*m), mig_cmp);
	for (i = 0; i < n; i = k) {
		/* A run of one version: V first, then any U. */
		for (k = i + 1; k < n && vcmp(m[k].version, m[i].version) == 0;
		    k++)
			;
		if (m[i].prefix != 'V') {
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, m[i].f->path,
			    1, "add its versioned migration (V<version>__...), "
			    "or remove the undo file", "an undo migration "
			    "without a versioned migration %s", m[i].version);
			continue;
		}
		if (k - i > 2 || (k - i == 2 && m[i + 1].prefix == 'V')) {
			u = m[i + 1].prefix == 'V' ? &m[i + 1] : &m[i + 2];
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, u->f->path, 1,
			    "give one of them another version (Flyway refuses "
			    "this too)", "version %s is also that of %s",
			    u->version, m[i].f->path);
			continue;
		}
		add_rev(src, &m[i], k - i == 2 ? &m[i + 1] : NULL, out);
	}
	for (i = 0; i < n; i++)
		free(m[i].version);
	free(m);
	return rc;
}

const struct dbrev_import_kind dbrev_import_flyway = {
	"flyway", "its location, e.g. sql/ or src/main/resources/db/migration",
	DBREV_IMPORT_MAX_DEPTH, wants, parse, 1
};
