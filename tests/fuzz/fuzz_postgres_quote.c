/*
 * fuzz_postgres_quote.c - libFuzzer target for the PostgreSQL quoting
 * done without a connection (lib/db/postgres/quote.c): identifiers and
 * literals of the offline script and of autogenerate, and keyword='value'
 * of a libpq keyword string (backup, autogenerate's scratch databases).
 *
 * PostgreSQL's parser is not at hand in process, so a literal and an
 * identifier are read back by the lexer's rules, written out here from
 * the PostgreSQL documentation (4.1.1, 4.1.2.1, 4.1.2.2): a literal must
 * read back as the text whether standard_conforming_strings is on or
 * off (psql runs the script on whatever server it is given).  libpq's
 * own parser reads back the keyword string.  tests/unit/
 * test_postgres_driver.c checks the same quoting on a real server.
 *
 * Input: TEXT \0 TEXT2.  Properties, on every input:
 *   - the literal of TEXT is one token that reads back as TEXT, with
 *     standard_conforming_strings on and off;
 *   - the identifier of a non-empty TEXT reads back as TEXT;
 *   - "dbname=<quoted TEXT> user=<quoted TEXT2>" gives libpq TEXT and
 *     TEXT2;
 *   - nothing reads or writes out of bounds (ASan).
 */
#include "fuzz.h"

#include "../../lib/db/postgres/schema.h"
#include "../../lib/db/postgres/message.h"


static int
octal(char c)
{
	return c >= '0' && c <= '7';
}

static int
hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/*
 * Read q as one string-literal token: 'x' (backslash escapes when
 * !scs) or E'x' (always), after blanks.  Returns the text (caller
 * frees) or NULL when q is not exactly one such token.  Only escapes
 * that yield one byte are decoded; \u and \U give NULL (never written).
 */
static char *
read_literal(const char *q, int scs)
{
	struct dbrev_buf b = { 0 };
	int esc = !scs;
	char c;

	while (*q == ' ')
		q++;
	if (*q == 'E' || *q == 'e') {
		esc = 1;
		q++;
	}
	if (*q++ != '\'')
		return NULL;
	dbrev_buf_puts(&b, "");
	for (;;) {
		c = *q++;
		if (c == '\0')
			goto bad;
		if (c == '\'') {
			if (*q != '\'')
				break;
			q++;
		} else if (c == '\\' && esc) {
			c = *q++;
			switch (c) {
			case '\0':
				goto bad;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': case 'U':
				goto bad;
			case 'x':
				if (!hex(*q)) {
					c = 'x';
					break;
				}
				c = (char)hexval(*q++);
				if (hex(*q))
					c = (char)(c * 16 + hexval(*q++));
				break;
			default:
				if (octal(c)) {
					int v = c - '0';

					if (octal(*q))
						v = v * 8 + *q++ - '0';
					if (octal(*q))
						v = v * 8 + *q++ - '0';
					c = (char)v;
				}
				break;
			}
		}
		dbrev_buf_add(&b, &c, 1);
	}
	if (*q != '\0')
		goto bad;
	return dbrev_buf_take(&b);
bad:
	dbrev_buf_free(&b);
	return NULL;
}

/* Read q as one "..." identifier token; NULL when it is not one. */
static char *
read_ident(const char *q)
{
	struct dbrev_buf b = { 0 };

	if (*q++ != '"')
		return NULL;
	dbrev_buf_puts(&b, "");
	for (;;) {
		if (*q == '\0') {
			dbrev_buf_free(&b);
			return NULL;
		}
		if (*q == '"') {
			if (q[1] != '"')
				break;
			q++;
		}
		dbrev_buf_add(&b, q++, 1);
	}
	if (q[1] != '\0' || b.len == 0) {	/* "" is no identifier */
		dbrev_buf_free(&b);
		return NULL;
	}
	return dbrev_buf_take(&b);
}

static void
check_literal(const char *text)
{
	struct dbrev_buf b = { 0 };
	char *r;
	int scs;

	dbrev_pg_literal(&b, text);
	for (scs = 0; scs <= 1; scs++) {
		r = read_literal(b.data, scs);
		PROPERTY(r != NULL && strcmp(r, text) == 0, "%s reads as '%s' "
		    "with standard_conforming_strings %s", b.data,
		    r != NULL ? r : "(not a literal)", scs ? "on" : "off");
		free(r);
	}
	dbrev_buf_free(&b);
}

static void
check_ident(const char *text)
{
	struct dbrev_buf b = { 0 };
	char *r;

	if (*text == '\0')
		return;
	dbrev_pg_quote_ident(&b, text, strlen(text));
	r = read_ident(b.data);
	PROPERTY(r != NULL && strcmp(r, text) == 0, "%s reads as '%s'",
	    b.data, r != NULL ? r : "(not an identifier)");
	free(r);
	dbrev_buf_free(&b);
}

static void
check_conninfo(const char *v1, const char *v2)
{
	struct dbrev_buf b = { 0 };
	char *r;

	dbrev_pg_quote_conninfo(&b, "dbname", v1);
	dbrev_pg_quote_conninfo(&b, "user", v2);
	PROPERTY(dbrev_pg_url_option(b.data, "dbname", &r) == 0,
	    "libpq cannot parse %s", b.data);
	PROPERTY(strcmp(r != NULL ? r : "", v1) == 0, "%s gives dbname '%s'",
	    b.data, r);
	free(r);
	PROPERTY(dbrev_pg_url_option(b.data, "user", &r) == 0 &&
	    strcmp(r != NULL ? r : "", v2) == 0, "%s gives user '%s'", b.data,
	    r);
	free(r);
	dbrev_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[2];

	fields(data, size, f, 2);
	check_literal(f[0]);
	check_ident(f[0]);
	check_conninfo(f[0], f[1]);
	fields_free(f, 2);
	return 0;
}
