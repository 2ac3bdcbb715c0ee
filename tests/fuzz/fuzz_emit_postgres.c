/*
 * fuzz_emit_postgres.c - libFuzzer target for the PostgreSQL quoting and
 * rewriting functions of lib/schema (identifier, qualified name and
 * literal quoting, dollar quoting, a type's modifier taken off, psql
 * meta-commands blanked out of a schema file) and the tokenizer they are
 * checked with.
 *
 * PostgreSQL's parser is not in process, so quoting is checked
 * structurally: what a quoting function writes must read back, through
 * lib/schema/sqltok.c, as exactly one token (or name.name) whose value
 * is the input.  The first byte of the input picks the function, the
 * rest (up to a NUL) is its argument.  Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/schema_postgres.h"
#include "dbrev/util.h"
#include "../../lib/db/postgres/text.h"
#include "../../lib/schema/sqltok.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The only token of sql, or abort. */
static struct dbrev_tok
one_token(const char *sql)
{
	struct dbrev_tok *tv, t;
	size_t n;

	dbrev_sqltok_all(sql, &tv, &n);
	if (n != 1 || tv[0].s != sql || *tv[0].e != '\0')
		abort();
	t = tv[0];
	free(tv);
	return t;
}

static void
same(char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		abort();
	free(got);
}

static void
check_ident(const char *s)
{
	size_t size = strlen(s) * 2 + 3, k;
	char *full = malloc(size), small[8];
	struct dbrev_tok t;
	const char *p;

	dbrev_pg_ident(s, full, size);
	t = one_token(full);
	if (t.type == T_WORD) {
		/* Unquoted only when it folds to itself. */
		for (p = s; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				abort();
		same(dbrev_tok_text(&t), s);
	} else if (t.type == T_QUOTED && *full == '"')
		same(dbrev_tok_text(&t), s);
	else
		abort();
	/* A short buffer: truncated, terminated, a prefix. */
	for (k = 1; k <= sizeof(small); k++) {
		memset(small, 'x', sizeof(small));
		dbrev_pg_ident(s, small, k);
		if (memchr(small, '\0', k) == NULL ||
		    strncmp(small, full, strlen(small)) != 0)
			abort();
	}
	free(full);
}

static void
check_qident(const char *s)
{
	const char *dot = strchr(s, '\x01');
	struct dbrev_buf b = { 0 };
	struct dbrev_tok *tv;
	char *schema;
	size_t n;

	if (dot == NULL)
		return;
	schema = dbrev_xstrndup(s, (size_t)(dot - s));
	dbrev_pg_qident(&b, schema, dot + 1);
	dbrev_sqltok_all(b.data, &tv, &n);
	if (n != 3 || !dbrev_tok_punct(&tv[1], '.') || *tv[2].e != '\0')
		abort();
	same(dbrev_tok_text(&tv[0]), schema);
	same(dbrev_tok_text(&tv[2]), dot + 1);
	free(tv);
	free(schema);
	dbrev_buf_free(&b);
}

static void
check_string(const char *s, int dollar)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_tok t;

	if (dollar)
		dbrev_pg_dollar(&b, s);
	else
		dbrev_pg_literal(&b, s);
	t = one_token(b.data);
	if (t.type != T_STRING)
		abort();
	same(dbrev_tok_text(&t), s);
	dbrev_buf_free(&b);
}

static void
check_meta(const char *s)
{
	char *a = dbrev_xstrdup(s), *b, cmd[16];
	size_t i, len = strlen(s), lines = 1;
	unsigned line;

	for (i = 0; i < len; i++)
		lines += s[i] == '\n';
	line = dbrev_pg_strip_meta(a, cmd, sizeof(cmd));
	/* Bytes are only blanked, never moved; newlines stay. */
	if (strlen(a) != len)
		abort();
	for (i = 0; i < len; i++)
		if (a[i] != s[i] && (a[i] != ' ' || s[i] == '\n'))
			abort();
	if (line > lines || (line > 0 && strlen(cmd) >= sizeof(cmd)))
		abort();
	if (line == 0) {
		/* Blanking again changes nothing. */
		b = dbrev_xstrdup(a);
		if (dbrev_pg_strip_meta(b, cmd, sizeof(cmd)) != 0 ||
		    strcmp(a, b) != 0)
			abort();
		free(b);
	}
	free(a);
}

static void
check_type(const char *s)
{
	char *b = dbrev_pg_type_base(s);

	if (strlen(b) > strlen(s) + 8)
		abort();
	free(b);
}

static void
check_tokens(const char *s)
{
	struct dbrev_tok *tv;
	size_t n, i;
	char *v;

	dbrev_sqltok_all(s, &tv, &n);
	for (i = 0; i < n; i++) {
		if (tv[i].s >= tv[i].e || tv[i].e > s + strlen(s))
			abort();
		v = dbrev_tok_text(&tv[i]);
		if (strlen(v) > (size_t)(tv[i].e - tv[i].s))
			abort();
		free(v);
	}
	free(tv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0)
		return 0;
	/* The argument: exactly the bytes after the selector, up to a NUL. */
	s = dbrev_xstrndup((const char *)data + 1, size - 1);
	switch (data[0] % 7) {
	case 0:
		check_ident(s);
		break;
	case 1:
		check_qident(s);
		break;
	case 2:
		check_string(s, 0);
		break;
	case 3:
		check_string(s, 1);
		break;
	case 4:
		check_meta(s);
		break;
	case 5:
		check_type(s);
		break;
	default:
		check_tokens(s);
		break;
	}
	free(s);
	return 0;
}
