/*
 * fuzz_import.c - libFuzzer target for the import parsers.
 *
 * Input: the first byte picks the kind; the rest is a source, files
 * separated by lines "@@@ NAME" (a NAME ending in '/' is a directory,
 * in "//" an empty one);
 * text before the first such line is the kind's usual first file.  NUL
 * bytes become spaces (the loader refuses them).  What must hold:
 * nothing crashes or leaks; parsing twice gives the same revisions; on
 * success every id is valid and unique, every parent and dependency is
 * an earlier revision (Alembic's may be in the migrations directory:
 * a script may start partway),
 * and each rendered revision parses back with dbrev's own parser to
 * the same id, parents, transaction and sections; on failure every
 * error is an input error with a message and a hint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/import.h"
#include "dbrev/revision.h"
#include "dbrev/scaffold.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const first_file[] = {
	"up.sql", "1_a.sql", "1_a/up.sql", "V1__a.sql", "1_a.up.sql",
	"1_a.sql", "sqitch.plan"
};

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dbrev_import_file *)a)->rel,
	    ((const struct dbrev_import_file *)b)->rel);
}

static void
add(struct dbrev_import_source *s, const char *name, size_t nlen,
    const char *text, size_t len)
{
	struct dbrev_import_file *f;
	size_t i;

	s->files = realloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	f = &s->files[s->nfiles++];
	f->rel = strndup(name, nlen);
	nlen = strlen(f->rel);		/* a NUL cuts the name */
	f->path = strdup(f->rel);
	f->text = NULL;
	f->len = 0;
	if (nlen > 0 && name[nlen - 1] == '/') {
		f->rel[nlen - 1] = '\0';	/* a directory */
		f->len = nlen > 1 && name[nlen - 2] == '/' ? 0 : 1;
		return;
	}
	f->text = malloc(len + 1);
	for (i = 0; i < len; i++)
		f->text[i] = text[i] == '\0' ? ' ' : text[i];
	f->text[len] = '\0';
	f->len = len;
}

static void
build(struct dbrev_import_source *s, const char *d, size_t n, size_t k)
{
	const char *name = first_file[k], *p = d, *e = d + n, *nl, *next;
	size_t nlen = strlen(name);

	memset(s, 0, sizeof(*s));
	s->kind = strdup(dbrev_import_kinds()[k]);
	while (p <= e) {
		/* The next "@@@ " line at a line start. */
		for (next = p; next < e; next++)
			if ((next == d || next[-1] == '\n') && e - next >= 4 &&
			    memcmp(next, "@@@ ", 4) == 0)
				break;
		if (next > p || p == d)
			add(s, name, nlen, p, (size_t)(next - p));
		if (next >= e)
			break;
		name = next + 4;
		nl = memchr(name, '\n', (size_t)(e - name));
		nlen = (size_t)((nl != NULL ? nl : e) - name);
		p = nl != NULL ? nl + 1 : e;
		if (p == e) {
			add(s, name, nlen, p, 0);
			break;
		}
	}
	/* The loader sorts a directory's files; Alembic's keep their order. */
	if (strcmp(s->kind, "alembic") != 0 && s->nfiles > 0)
		qsort(s->files, s->nfiles, sizeof(*s->files), file_cmp);
}

static int
earlier(const struct dbrev_import_list *l, size_t i, const char *id)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(l->revs[j].id, id) == 0)
			return 1;
	return 0;
}

/* A section as the revision parser reads it back. */
static int
same(const char *want, const char *got)
{
	size_t n = strlen(want);

	if (n > 0 && want[n - 1] != '\n')
		return strlen(got) == n + 1 && strncmp(want, got, n) == 0;
	return strcmp(want, got) == 0;
}

static void
check_rev(const struct dbrev_import_list *l, size_t i, int alembic)
{
	const struct dbrev_import_rev *r = &l->revs[i];
	struct dbrev_revision *p = NULL;
	struct dbrev_buf b = { 0 };
	struct dbrev_error e = { 0 };
	size_t k;

	if (!dbrev_revision_id_valid(r->id) || earlier(l, i, r->id) ||
	    dbrev_scaffold_check_message(r->message, &e) == -1)
		abort();
	for (k = 0; k < r->nparents; k++)
		if (!alembic && !earlier(l, i, r->parents[k]))
			abort();
	for (k = 0; k < r->ndepends; k++)
		if (!alembic && !earlier(l, i, r->depends[k]))
			abort();
	dbrev_import_render(r, &b);
	if (dbrev_revision_parse("f.sql", b.data, b.len, 0, &p, &e) == -1)
		abort();
	if (strcmp(p->id, r->id) != 0 || p->nparents != r->nparents ||
	    p->ndepends != r->ndepends || p->transactional != r->transactional ||
	    !same(r->up, p->upgrade) || p->has_downgrade != (r->down != NULL) ||
	    (r->down != NULL && !same(r->down, p->downgrade)))
		abort();
	for (k = 0; k < r->nparents; k++)
		if (strcmp(p->parents[k], r->parents[k]) != 0)
			abort();
	dbrev_revision_free(p);
	dbrev_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbrev_import_source s;
	struct dbrev_import_list l1, l2;
	struct dbrev_error e1 = { 0 }, e2 = { 0 }, *p;
	struct dbrev_buf b1 = { 0 }, b2 = { 0 };
	size_t i, nkinds = 0;
	int r1, r2;

	while (dbrev_import_kinds()[nkinds] != NULL)
		nkinds++;
	if (size == 0)
		return 0;
	build(&s, (const char *)data + 1, size - 1, data[0] % nkinds);
	r1 = dbrev_import_parse(&s, &l1, &e1);
	r2 = dbrev_import_parse(&s, &l2, &e2);
	if (r1 != r2 || l1.n != l2.n ||
	    dbrev_error_count(&e1) != dbrev_error_count(&e2))
		abort();
	if (r1 == 0) {
		for (i = 0; i < l1.n; i++) {
			check_rev(&l1, i, strcmp(s.kind, "alembic") == 0);
			dbrev_import_render(&l1.revs[i], &b1);
			dbrev_import_render(&l2.revs[i], &b2);
			if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len))
				abort();
		}
	} else {
		if (l1.n != 0)
			abort();
		for (p = &e1; p != NULL; p = p->next)
			if (p->kind != DBREV_ERR_INPUT || p->message == NULL ||
			    *p->message == '\0' || p->hint == NULL)
				abort();
	}
	dbrev_buf_free(&b1);
	dbrev_buf_free(&b2);
	dbrev_import_list_free(&l1);
	dbrev_import_list_free(&l2);
	dbrev_error_clear(&e1);
	dbrev_error_clear(&e2);
	dbrev_import_source_free(&s);
	return 0;
}
