/*
 * fuzz_sqlite_script.c - libFuzzer target for the SQLite offline
 * script's handling of a revision's text (the driver's script_sql): what
 * it accepts, the sqlite3 shell must read as SQLite does, and it must
 * leave the shell ready for a statement of its own.
 *
 * The judge is the sqlite3 shell's own reading of its input, line by
 * line (process_input() of SQLite's shell.c, 3.40), with SQLite's
 * sqlite3_complete() in process: a line starting with '.' or '#' while
 * no statement is pending is a dot-command or a comment; a line holding
 * only "/" or "go" ends the pending statement; a statement runs when a
 * line with ';' completes it; a pending text of blanks and comments is
 * dropped.
 *
 * Input: one flag byte (bit 0: in a transaction), then the revision's
 * text.  Properties, on every input:
 *   - a refusal is an input error with a line in the text;
 *   - an accepted text is copied as it is, with only a terminator
 *     appended; the shell reads no line of it as a dot-command, a
 *     comment or a "/" / "go" terminator, and is left with no statement
 *     that does not end (what the script writes next is a statement of
 *     its own);
 *   - nothing reads or writes out of bounds (ASan).
 */
#include <ctype.h>

#include <sqlite3.h>

#include "fuzz.h"

#include "../../lib/db/driver.h"

/* shell.c's _all_whitespace(): blanks and complete comments only. */
static int
all_whitespace(const char *z)
{
	for (; *z; z++) {
		if (isspace((unsigned char)z[0]))
			continue;
		if (*z == '/' && z[1] == '*') {
			z += 2;
			while (*z && (*z != '*' || z[1] != '/'))
				z++;
			if (*z == 0)
				return 0;
			z++;
			continue;
		}
		if (*z == '-' && z[1] == '-') {
			z += 2;
			while (*z && *z != '\n')
				z++;
			if (*z == 0)
				return 1;
			continue;
		}
		return 0;
	}
	return 1;
}

/* shell.c's line_is_command_terminator(), roughly: "/" or "go" alone. */
static int
terminator_line(const char *z)
{
	while (isspace((unsigned char)*z))
		z++;
	if (*z == '/')
		z++;
	else if (tolower((unsigned char)z[0]) == 'g' &&
	    tolower((unsigned char)z[1]) == 'o')
		z += 2;
	else
		return 0;
	return all_whitespace(z);
}

static int
complete_with_semicolon(const char *sql)
{
	struct dbrev_buf b = { 0 };
	int yes;

	dbrev_buf_printf(&b, "%s;", sql);
	yes = sqlite3_complete(b.data);
	dbrev_buf_free(&b);
	return yes;
}

/* Feed out to the shell's reading, line by line; check as it goes. */
static void
shell_reads(const char *out)
{
	struct dbrev_buf sql = { 0 };
	const char *p = out, *nl;
	char *line;

	dbrev_buf_puts(&sql, "");
	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = dbrev_xstrndup(p, nl != NULL ? (size_t)(nl - p) :
		    strlen(p));
		p = nl != NULL ? nl + 1 : p + strlen(p);
		if (sql.len == 0 && all_whitespace(line)) {
			free(line);
			continue;
		}
		PROPERTY(!(sql.len == 0 && (line[0] == '.' || line[0] == '#')),
		    "the shell reads '%s' as its own, in '%s'", line, out);
		PROPERTY(!(sql.len > 0 && terminator_line(line) &&
		    complete_with_semicolon(sql.data)),
		    "the shell reads '%s' as ';', in '%s'", line, out);
		dbrev_buf_puts(&sql, line);
		dbrev_buf_puts(&sql, "\n");
		if (strchr(line, ';') != NULL && sqlite3_complete(sql.data))
			dbrev_buf_reset(&sql);
		else if (all_whitespace(sql.data))
			dbrev_buf_reset(&sql);
		free(line);
	}
	/* Whole statements may wait for the next line with a ';'. */
	PROPERTY(sql.len == 0 || sqlite3_complete(sql.data), "the shell is "
	    "left with '%s' pending after '%s'", sql.data, out);
	dbrev_buf_free(&sql);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbrev_buf out = { 0 };
	struct dbrev_error err = { 0 };
	char *f[1];
	int in_tx;

	if (size == 0)
		return 0;
	in_tx = data[0] & 1;
	fields(data + 1, size - 1, f, 1);
	if (dbrev_driver_sqlite.script_sql(&out, f[0], "f.sql", 1, in_tx,
	    &err) != 0) {
		PROPERTY(err.kind == DBREV_ERR_INPUT && err.line >= 1 &&
		    out.len == 0, "refusal without a line: %s", err.message);
	} else {
		PROPERTY(out.len >= strlen(f[0]) &&
		    memcmp(out.data, f[0], strlen(f[0])) == 0,
		    "'%s' is not copied as it is: '%s'", f[0], out.data);
		shell_reads(out.data);
	}
	dbrev_error_clear(&err);
	dbrev_buf_free(&out);
	fields_free(f, 1);
	return 0;
}
