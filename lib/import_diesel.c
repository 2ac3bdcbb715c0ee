/*
 * import_diesel.c - diesel's migrations: DIR/<version>_<name>/ holding
 * up.sql, optionally down.sql and metadata.toml.  The version is the
 * directory name up to its first '_' without its dashes (2015-12-09-
 * 135212 is 20151209135212, as __diesel_schema_migrations records it);
 * diesel applies them in version order, compared as strings.  An empty
 * directory is skipped, as by diesel (a checkout of another branch
 * leaves them behind); any other must hold up.sql (diesel refuses the
 * source otherwise).  A
 * down.sql that is missing or empty (diesel refuses to run an empty
 * one) makes the revision irreversible.  metadata.toml's
 * run_in_transaction = false makes it "transaction: none"; as in
 * diesel, a metadata.toml without the key means false.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/util.h"
#include "import_kind.h"

static int
wants(const char *rel, int is_dir)
{
	const char *s = strchr(rel, '/');

	if (is_dir)
		return s == NULL;
	return s != NULL && strchr(s + 1, '/') == NULL &&
	    (strcmp(s + 1, "up.sql") == 0 || strcmp(s + 1, "down.sql") == 0 ||
	    strcmp(s + 1, "metadata.toml") == 0);
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * run_in_transaction from metadata.toml: 1, 0, or -1 (err set) for a
 * line this reader does not understand.  Keys under a [table] are not
 * diesel's and are skipped.
 */
static int
run_in_transaction(const struct dbrev_import_file *f, struct dbrev_error *err)
{
	struct imp_line l;
	const char *eq;
	size_t i, k, e, v;
	int in_table = 0, value = 0;

	imp_line_init(&l);
	while (imp_line_next(f->text, f->len, &l)) {
		for (i = 0; i < l.len && blank(l.s[i]); i++)
			;
		if (i == l.len || l.s[i] == '#')
			continue;
		if (l.s[i] == '[') {
			in_table = 1;
			continue;
		}
		if ((eq = memchr(l.s, '=', l.len)) == NULL)
			return dbrev_error_set(err, DBREV_ERR_INPUT, f->path,
			    l.no, "write 'run_in_transaction = false' (or "
			    "true)", "not a 'key = value' line");
		e = (size_t)(eq - l.s);
		for (k = e; k > i && blank(l.s[k - 1]); k--)
			;
		for (v = e + 1; v < l.len && blank(l.s[v]); v++)
			;
		if (in_table || !(k - i == 18 && memcmp(l.s + i,
		    "run_in_transaction", 18) == 0))
			continue;
		e = v;
		while (e < l.len && isalpha((unsigned char)l.s[e]))
			e++;
		for (k = e; k < l.len && blank(l.s[k]); k++)
			;
		if ((k < l.len && l.s[k] != '#') || !((e - v == 4 &&
		    memcmp(l.s + v, "true", 4) == 0) || (e - v == 5 &&
		    memcmp(l.s + v, "false", 5) == 0)))
			return dbrev_error_set(err, DBREV_ERR_INPUT, f->path,
			    l.no, "write true or false",
			    "run_in_transaction is not a boolean");
		value = e - v == 4;
	}
	return value;
}

static const struct dbrev_import_file *
member(const struct dbrev_import_source *src, const char *dir,
    const char *name)
{
	const struct dbrev_import_file *f;
	struct dbrev_buf b = { 0 };

	dbrev_buf_printf(&b, "%s/%s", dir, name);
	f = imp_find(src, b.data);
	dbrev_buf_free(&b);
	return f != NULL && f->text != NULL ? f : NULL;
}

struct mig {
	char				*version;
	const struct dbrev_import_file	*dir;
};

static int
mig_cmp(const void *x, const void *y)
{
	const struct mig *a = x, *b = y;
	int c = strcmp(a->version, b->version);

	return c != 0 ? c : strcmp(a->dir->rel, b->dir->rel);
}

static int
add_rev(const struct dbrev_import_source *src, const struct mig *m,
    struct dbrev_import_list *out, struct dbrev_error *err)
{
	const struct dbrev_import_file *up, *down, *meta;
	const char *name = strchr(m->dir->rel, '_');
	struct dbrev_import_rev *r;
	char id[DBREV_ID_MAX + 1];
	int tx = 1;

	if ((up = member(src, m->dir->rel, "up.sql")) == NULL)
		return dbrev_error_set(err, DBREV_ERR_INPUT, m->dir->path, 0,
		    "add its up.sql, or move the directory away (diesel "
		    "refuses it too)", "a migration directory without up.sql");
	down = member(src, m->dir->rel, "down.sql");
	if ((meta = member(src, m->dir->rel, "metadata.toml")) != NULL &&
	    (tx = run_in_transaction(meta, err)) == -1)
		return -1;
	r = imp_add(out);
	r->version = dbrev_xstrdup(m->version);
	r->id = dbrev_xstrdup(dbrev_import_id(m->version, id));
	r->message = name != NULL ? imp_message(name + 1, strlen(name + 1),
	    "diesel migration %s", m->version) :
	    imp_message("", 0, "diesel migration %s", m->version);
	r->created = imp_created_digits(m->version, strlen(m->version));
	r->origin = imp_origin("diesel", m->dir->rel);
	r->transactional = tx;
	imp_set_up(r, up, up->text, up->len, 1);
	if (down != NULL && down->len > 0)
		imp_set_down(r, down, down->text, down->len, 1);
	return 0;
}

static int
parse(const struct dbrev_import_source *src, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	struct mig *m = dbrev_xcalloc(src->nfiles, sizeof(*m));
	const struct dbrev_import_file *f;
	size_t i, k, n = 0, len;
	int rc = 0;

	for (i = 0; i < src->nfiles; i++) {
		f = &src->files[i];
		if (f->text != NULL || strchr(f->rel, '/') != NULL ||
		    f->len == 0)
			continue;	/* a file, or an empty directory */
		len = strcspn(f->rel, "_");
		m[n].version = dbrev_xmalloc(len + 1);
		for (k = 0, len = 0; f->rel[k] != '\0' && f->rel[k] != '_'; k++)
			if (f->rel[k] != '-')
				m[n].version[len++] = f->rel[k];
		m[n].version[len] = '\0';
		m[n++].dir = f;
	}
	qsort(m, n, sizeof(*m), mig_cmp);
	for (i = 0; i < n; i++)
		if (add_rev(src, &m[i], out, err) == -1)
			rc = -1;
	for (i = 0; i < n; i++)
		free(m[i].version);
	free(m);
	return rc;
}

const struct dbrev_import_kind dbrev_import_diesel = {
	"diesel", "migrations/", 1, wants, parse, 1
};
