/*
 * fuzz_backup_record.c - libFuzzer target for the record a backup
 * carries (its %-encoding and parsing) and for a database's identity
 * (the URL normalisation that names it).
 *
 * The first byte picks what the rest is:
 *   0  fields separated by NUL: a record encodes, and decodes back to
 *      the same fields, found at the start of what was appended
 *   1  the tail of a file: decoding never reads outside it, and what it
 *      accepts encodes and decodes back to the same
 *   2  a PostgreSQL URL: its identity holds only printable ASCII, no
 *      password, and is its own identity (normalising twice changes
 *      nothing)
 *   3  a SQLite path: its identity is its own identity
 * Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/backup.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const vars[] = {
		"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER",
		"PGSERVICE", "PGSERVICEFILE", NULL
	};
	size_t i;

	(void)argc;
	(void)argv;
	/* The identity reads libpq's variables: make them the same every run. */
	for (i = 0; vars[i] != NULL; i++)
		unsetenv(vars[i]);
	setenv("PGUSER", "fuzz", 1);
	return 0;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check_same(const struct dbrev_backup_record *a,
    const struct dbrev_backup_record *b)
{
	if (!same(a->database, b->database) || !same(a->revision, b->revision)
	    || !same(a->taken, b->taken) || !same(a->dbrev, b->dbrev))
		abort();
}

/* Encode r after junk bytes, decode it back: the same, where written. */
static void
round_trip(const struct dbrev_backup_record *r, const char *junk, size_t nj)
{
	struct dbrev_backup_record back;
	size_t len, start = 0;
	char *text, *all;

	text = dbrev_backup_record_encode(r, &len);
	all = malloc(nj + len);
	if (nj > 0)
		memcpy(all, junk, nj);
	memcpy(all + nj, text, len);
	if (dbrev_backup_record_decode(all, nj + len, &back, &start) != 1 ||
	    start != nj)
		abort();
	check_same(r, &back);
	dbrev_backup_record_free(&back);
	free(all);
	free(text);
}

static void
fields(const char *s, size_t n)
{
	struct dbrev_backup_record r;
	char *f[4] = { NULL, NULL, NULL, NULL };
	size_t i, k = 0, at = 0;

	for (i = 0; i <= n && k < 4; i++)
		if (i == n || s[i] == '\0') {
			f[k++] = strndup(s + at, i - at);
			at = i + 1;
		}
	memset(&r, 0, sizeof r);
	r.database = f[0];
	r.revision = f[1];
	r.taken = f[2];
	r.dbrev = f[3];
	/* A record names a database; the rest is optional. */
	if (r.database != NULL && *r.database != '\0')
		round_trip(&r, s, n);
	for (i = 0; i < 4; i++)
		free(f[i]);
}

static void
tail(const char *s, size_t n)
{
	struct dbrev_backup_record r;
	size_t start = 0;
	char *copy = malloc(n ? n : 1);	/* exactly n bytes: ASan sees more */

	if (n > 0)
		memcpy(copy, s, n);
	if (dbrev_backup_record_decode(copy, n, &r, &start) == 1) {
		if (start > n || r.database == NULL)
			abort();
		round_trip(&r, "", 0);
		dbrev_backup_record_free(&r);
	}
	free(copy);
}

static void
identity(const char *prefix, const char *s, size_t n, int printable)
{
	struct dbrev_error e;
	char *url, *id, *id2;
	size_t plen = strlen(prefix);
	const char *p;

	if (memchr(s, '\0', n) != NULL)
		return;
	url = malloc(plen + n + 1);
	memcpy(url, prefix, plen);
	memcpy(url + plen, s, n);
	url[plen + n] = '\0';
	dbrev_error_init(&e);
	if (dbrev_backup_identity(url, &id, &e) == 0) {
		/* A sqlite: URL can come this way too. */
		printable = printable && strncmp(id, "postgresql://", 13) == 0;
		for (p = id; printable && *p != '\0'; p++)
			if (*p <= 0x20 || *p >= 0x7f)
				abort();
		if (printable && strchr(id, '@') != NULL)
			abort();	/* no user, no password */
		if (dbrev_backup_identity(id, &id2, &e) != 0 ||
		    strcmp(id, id2) != 0)
			abort();
		free(id2);
		free(id);
	}
	dbrev_error_clear(&e);
	free(url);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fields(s, size - 1);
		break;
	case 1:
		tail(s, size - 1);
		break;
	case 2:
		/* Without PostgreSQL support every URL is refused: fine. */
		identity("", s, size - 1, 1);
		break;
	case 3:
		identity("sqlite:", s, size - 1, 0);
		break;
	}
	return 0;
}
