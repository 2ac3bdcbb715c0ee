/*
 * fuzz_postgres_watch.c - libFuzzer target for the word scan that tells
 * the watched fingerprint a script (or a function's body) may write
 * what its event triggers miss (lib/db/postgres/watch.c), which blanks
 * comments in a copy of the script.
 *
 * Input: a script.  Properties, on every input:
 *   - each answer is 0, 1 or 2, and a script is never thought safer
 *     than the same text as a function's body;
 *   - naming the watch's objects is 2; one more unseen word (CLUSTER)
 *     after the script is at least 1, and so is DROP OWNED with the
 *     script as a comment, or nested comments, between the two words;
 *   - nothing reads or writes out of bounds (ASan).
 */
#include "fuzz.h"

#include "../../lib/db/postgres/hooks.h"

/* dbrev_pg_watch_unseen of a, b and c joined. */
static int
unseen3(const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
	char *s = malloc(na + nb + nc + 1);
	int n;

	memcpy(s, a, na);
	memcpy(s + na, b, nb);
	memcpy(s + na + nb, c, nc + 1);
	n = dbrev_pg_watch_unseen(s);
	free(s);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[1];
	int script, body;

	fields(data, size, f, 1);
	script = dbrev_pg_watch_unseen(f[0]);
	body = dbrev_pg_watch_unseen_body(f[0]);
	PROPERTY(script >= 0 && script <= 2 && body >= 0 && body <= 2,
	    "%d %d", script, body);
	PROPERTY(script >= body, "script %d, body %d", script, body);
	PROPERTY(unseen3(f[0], "; SELECT dbrev_fingerprint_log", "") == 2,
	    "naming the log");
	PROPERTY(unseen3(f[0], "\n;CLUSTER t;", "") >= 1, "CLUSTER after");
	/* The comment is one only when the script makes no other mark. */
	if (strpbrk(f[0], "*/") == NULL) {
		PROPERTY(unseen3("DROP /*", f[0], "*/ OWNED BY r") >= 1,
		    "DROP OWNED around a comment");
		PROPERTY(unseen3("DROP /* /* ", f[0], " */ */ OWNED BY r") >= 1,
		    "DROP OWNED around nested comments");
	}
	fields_free(f, 1);
	return 0;
}
