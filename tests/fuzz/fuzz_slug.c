/*
 * fuzz_slug.c - libFuzzer target for the file-name slug of a revision's
 * message (dbrev_scaffold_slug, lib/scaffold.c).
 *
 * Properties, on every input (a message): the slug is 1 to
 * DBREV_SLUG_MAX of [a-z0-9_], with no '_' leading, trailing or doubled;
 * it is "revision" when the message has no ASCII letter or digit, else
 * a prefix of the message's full slug (its ASCII words, lowercased,
 * joined by '_') that is all of it when that fits, and otherwise ends at
 * a word boundary past the half or at the limit; nothing is written
 * past out[DBREV_SLUG_MAX] (ASan).
 */
#include <ctype.h>

#include "fuzz.h"

#include "dbrev/scaffold.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[1], *out, *full, *p;
	const unsigned char *s;
	size_t n = 0, len, i;
	int sep = 0;

	fields(data, size, f, 1);
	/* Exactly the size the contract asks for, so ASan sees more. */
	out = malloc(DBREV_SLUG_MAX + 1);
	PROPERTY(dbrev_scaffold_slug(f[0], out) == out, "not out");
	full = malloc(2 * strlen(f[0]) + 1);
	for (s = (const unsigned char *)f[0]; *s != '\0'; s++) {
		if (*s >= 0x80 || !isalnum(*s)) {
			sep = 1;
			continue;
		}
		if (sep && n > 0)
			full[n++] = '_';
		sep = 0;
		full[n++] = (char)tolower(*s);
	}
	full[n] = '\0';
	len = strlen(out);
	PROPERTY(len >= 1 && len <= DBREV_SLUG_MAX, "length %zu: '%s'", len,
	    out);
	for (p = out; *p != '\0'; p++)
		PROPERTY((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_', "'%s' has %#x", out, (unsigned char)*p);
	PROPERTY(out[0] != '_' && out[len - 1] != '_' &&
	    strstr(out, "__") == NULL, "'%s' has a stray '_'", out);
	if (n == 0)
		PROPERTY(strcmp(out, "revision") == 0, "'%s' for no word", out);
	else if (n <= DBREV_SLUG_MAX)
		PROPERTY(strcmp(out, full) == 0, "'%s' is not '%s'", out, full);
	else {
		PROPERTY(strncmp(out, full, len) == 0, "'%s' is no prefix of "
		    "'%s'", out, full);
		PROPERTY(len == DBREV_SLUG_MAX || (full[len] == '_' &&
		    len >= DBREV_SLUG_MAX / 2), "'%s' cut from '%s'", out,
		    full);
	}
	for (i = 0; i < 1; i++)
		free(f[i]);
	free(full);
	free(out);
	return 0;
}
