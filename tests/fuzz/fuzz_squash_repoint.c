/*
 * fuzz_squash_repoint.c - libFuzzer target for the rewrite that points a
 * revision at a squash's baseline (dbrev_squash_repoint, lib/squash.c).
 *
 * Input: the file text, FROM and TO, separated by NUL bytes.  With FROM
 * and TO valid distinct ids, TO nowhere in the text: the rewrite fails
 * exactly when the text does not parse, appending nothing; otherwise
 * the result parses to the same revision (id, message, created,
 * transaction, sections, checksum, lint and replaces lines) whose
 * parents and depends are the old ones with FROM made TO, and it is the
 * old text with as many FROMs made TOs and nothing else changed.
 */
#include "fuzz.h"

#include "dbrev/revision.h"
#include "dbrev/squash.h"

static void
same_list(char **a, size_t na, char **b, size_t nb, const char *from,
    const char *to, const char *what)
{
	size_t i;

	PROPERTY(na == nb, "%s: %zu, now %zu", what, na, nb);
	for (i = 0; i < na; i++)
		PROPERTY(strcmp(b[i], strcmp(a[i], from) == 0 ? to : a[i]) == 0,
		    "%s %zu: '%s' became '%s'", what, i, a[i], b[i]);
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbrev_revision *a = NULL, *b = NULL;
	struct dbrev_error e, e2;
	struct dbrev_buf out = { 0 };
	char *f[3];
	size_t n = 0, i, len;
	int rc;

	fields(data, size, f, 3);
	len = strlen(f[0]);
	if (!dbrev_revision_id_valid(f[1]) || !dbrev_revision_id_valid(f[2]) ||
	    strcmp(f[1], f[2]) == 0 || strstr(f[0], f[2]) != NULL)
		goto out;
	dbrev_error_init(&e);
	dbrev_error_init(&e2);
	rc = dbrev_squash_repoint("t.sql", f[0], len, f[1], f[2], &out, &e);
	if (dbrev_revision_parse("t.sql", f[0], len, 0, &a, &e2) == -1) {
		PROPERTY(rc == -1 && out.len == 0, "rewrote a bad file");
		goto done;
	}
	PROPERTY(rc == 0, "refused a good file: %s", e.message);
	PROPERTY(dbrev_revision_parse("t.sql", out.data, out.len, 0, &b,
	    &e2) == 0, "the result does not parse: %s", e2.message);
	PROPERTY(strcmp(a->id, b->id) == 0 && strcmp(a->message,
	    b->message) == 0 && strcmp(a->created, b->created) == 0 &&
	    a->transactional == b->transactional, "header changed");
	PROPERTY(same_str(a->upgrade, b->upgrade) && same_str(a->downgrade,
	    b->downgrade) && strcmp(a->checksum, b->checksum) == 0,
	    "sections changed");
	PROPERTY(same_str(a->replaces_first, b->replaces_first) &&
	    same_str(a->replaces_last, b->replaces_last) &&
	    a->nlint == b->nlint, "other header lines changed");
	same_list(a->parents, a->nparents, b->parents, b->nparents, f[1], f[2],
	    "parents");
	same_list(a->depends, a->ndepends, b->depends, b->ndepends, f[1], f[2],
	    "depends");
	for (i = 0; i < a->nparents; i++)
		n += strcmp(a->parents[i], f[1]) == 0;
	for (i = 0; i < a->ndepends; i++)
		n += strcmp(a->depends[i], f[1]) == 0;
	PROPERTY(out.len == len + n * strlen(f[2]) - n * strlen(f[1]),
	    "length %zu from %zu with %zu swaps", out.len, len, n);
	if (n == 0)
		PROPERTY(memcmp(out.data, f[0], len) == 0, "changed without "
		    "a swap");
done:
	dbrev_revision_free(a);
	dbrev_revision_free(b);
	dbrev_error_clear(&e);
	dbrev_error_clear(&e2);
	dbrev_buf_free(&out);
out:
	fields_free(f, 3);
	return 0;
}
