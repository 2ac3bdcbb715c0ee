/*
 * import_golang_migrate.c - golang-migrate's migrations: DIR/
 * <version>_<title>.up.<ext> and .down.<ext> (its regular expression
 * ^([0-9]+)_(.*)\.(down|up)\.(.*)$, whose '.' matches no line break),
 * the version an unsigned 64-bit number, applied in numeric order.  Each file is one script run as it
 * is; golang-migrate has no transaction setting (a script that holds its
 * own BEGIN/COMMIT becomes "transaction: none", see import.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/util.h"
#include "import_kind.h"

struct name {
	size_t	ndigits;	/* the version: rel[0, ndigits) */
	size_t	title;		/* the title: rel[ndigits + 1, title_end) */
	size_t	title_end;
	int	up;
};

/* Match the name; the greedy title ends at the last ".up." / ".down.". */
static int
parse_name(const char *rel, struct name *nm)
{
	size_t n = strlen(rel), i, p;

	for (i = 0; isdigit((unsigned char)rel[i]); i++)
		;
	if (i == 0 || rel[i] != '_')
		return 0;
	nm->ndigits = i;
	nm->title = i + 1;
	for (p = n; p-- > nm->title; ) {
		if (strncmp(rel + p, ".up.", 4) == 0) {
			nm->up = 1;
			break;
		}
		if (strncmp(rel + p, ".down.", 6) == 0) {
			nm->up = 0;
			break;
		}
	}
	if (p == (size_t)-1 || p < nm->title)
		return 0;
	nm->title_end = p;
	/* Its '.' matches no line break. */
	return strchr(rel, '/') == NULL && strchr(rel, '\n') == NULL;
}

static int
wants(const char *rel, int is_dir)
{
	struct name nm;

	return !is_dir && parse_name(rel, &nm);
}

struct entry {
	unsigned long long		 v;
	struct name			 nm;
	const struct dbrev_import_file	*f;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	if (x->nm.up != y->nm.up)
		return x->nm.up ? -1 : 1;
	return strcmp(x->f->rel, y->f->rel);
}

/* The entries of the source, sorted; -1 on an overflowing version. */
static struct entry *
entries(const struct dbrev_import_source *src, size_t *np,
    struct dbrev_error *err)
{
	struct entry *e = dbrev_xcalloc(src->nfiles, sizeof(*e));
	const struct dbrev_import_file *f;
	size_t i, k, n = 0;
	int rc = 0;

	for (i = 0; i < src->nfiles; i++) {
		f = &src->files[i];
		if (f->text == NULL || !parse_name(f->rel, &e[n].nm))
			continue;
		e[n].f = f;
		e[n].v = 0;
		for (k = 0; k < e[n].nm.ndigits; k++) {
			if (e[n].v > (~0ULL - (unsigned)(f->rel[k] - '0')) /
			    10) {
				rc = dbrev_error_set(err, DBREV_ERR_INPUT,
				    f->path, 1, "use a version below 2^64 "
				    "(golang-migrate cannot read it either)",
				    "the version does not fit in 64 bits");
				break;
			}
			e[n].v = e[n].v * 10 + (unsigned)(f->rel[k] - '0');
		}
		n++;
	}
	qsort(e, n, sizeof(*e), entry_cmp);
	*np = n;
	if (rc == 0)
		return e;
	free(e);
	return NULL;
}

static int
parse(const struct dbrev_import_source *src, struct dbrev_import_list *out,
    struct dbrev_error *err)
{
	struct dbrev_import_rev *r = NULL;
	struct entry *e;
	char id[DBREV_ID_MAX + 1], v[32];
	size_t i, n;
	int rc = 0;

	if ((e = entries(src, &n, err)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && e[i].v == e[i - 1].v && e[i].nm.up == e[i - 1].nm.up) {
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, e[i].f->path,
			    1, "keep one of them (golang-migrate refuses this "
			    "too)", "a second %s file for version %llu (the "
			    "other is %s)", e[i].nm.up ? "up" : "down",
			    e[i].v, e[i - 1].f->path);
			continue;
		}
		if (!e[i].nm.up && (i == 0 || e[i - 1].v != e[i].v)) {
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, e[i].f->path,
			    1, "add its .up. file, or remove this one",
			    "a down migration without an up migration");
			continue;
		}
		if (!e[i].nm.up) {
			imp_set_down(r, e[i].f, e[i].f->text, e[i].f->len, 1);
			continue;
		}
		snprintf(v, sizeof(v), "%llu", e[i].v);
		r = imp_add(out);
		r->version = dbrev_xstrdup(v);
		r->id = dbrev_xstrdup(dbrev_import_id(v, id));
		r->message = imp_message(e[i].f->rel + e[i].nm.title,
		    e[i].nm.title_end - e[i].nm.title,
		    "golang-migrate migration %s", v);
		r->created = imp_created_digits(v, strlen(v));
		r->origin = imp_origin("golang-migrate", e[i].f->rel);
		imp_set_up(r, e[i].f, e[i].f->text, e[i].f->len, 1);
	}
	free(e);
	return rc;
}

const struct dbrev_import_kind dbrev_import_golang_migrate = {
	"golang-migrate", "the directory given to migrate -path", 0, wants,
	parse, 1
};
