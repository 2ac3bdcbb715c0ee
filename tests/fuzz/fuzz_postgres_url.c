/*
 * fuzz_postgres_url.c - libFuzzer target for the redaction and scrubbing
 * of database URLs (lib/url.c), with libpq's own parser as the judge of
 * what the password is.
 *
 * Input: URL \0 MESSAGE.  Properties, on every input:
 *   - when libpq reads a password or sslpassword in the URL, the
 *     redacted URL still parses and libpq reads neither in it;
 *   - scrubbing a message that holds the URL, the message and the
 *     secrets as libpq decoded them leaves none of those secrets;
 *   - scrubbing never makes a message longer; nothing reads or writes
 *     out of bounds (ASan).
 */
#include "fuzz.h"

#include "dbrev/url.h"
#include "dbrev/util.h"
#include "../../lib/db/postgres/message.h"

static const char *const secret_kw[] = { "password", "sslpassword" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[2], *secret[2], *red, *v, *msg;
	struct dbrev_buf b = { 0 };
	size_t i, before;
	int parses;

	fields(data, size, f, 2);
	parses = 1;
	for (i = 0; i < 2; i++)
		if (dbrev_pg_url_option(f[0], secret_kw[i], &secret[i]) != 0)
			parses = 0;

	red = dbrev_url_redact(f[0]);
	if (parses && (secret[0] != NULL || secret[1] != NULL)) {
		for (i = 0; i < 2; i++) {
			PROPERTY(dbrev_pg_url_option(red, secret_kw[i], &v) == 0,
			    "redacted '%s' of '%s' does not parse", red, f[0]);
			PROPERTY(v == NULL, "redacted '%s' has %s '%s'", red,
			    secret_kw[i], v);
		}
	}

	dbrev_buf_printf(&b, "%s | %s |", f[1], f[0]);
	for (i = 0; i < 2; i++)
		if (secret[i] != NULL)
			dbrev_buf_printf(&b, " %s |", secret[i]);
	msg = dbrev_buf_take(&b);
	before = strlen(msg);
	dbrev_url_scrub(f[0], msg);
	PROPERTY(strlen(msg) <= before, "scrub made '%s' longer", msg);
	for (i = 0; i < 2; i++)
		PROPERTY(!worth_hiding(secret[i]) || strstr(msg, secret[i]) ==
		    NULL, "%s '%s' of '%s' survives in '%s'", secret_kw[i],
		    secret[i], f[0], msg);

	free(msg);
	free(red);
	free(secret[0]);
	free(secret[1]);
	fields_free(f, 2);
	return 0;
}
