/* test_lint.c - the migration lint: the "lint:" header lines it reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dbrev/revision.h"

/* The header: any number of lint lines, kept with their lines. */
static void
test_header_lint_lines(void **state)
{
	static const char text[] =
	    "-- revision: a1\n"
	    "-- lint: allow ban-drop-table -- old table, unused since 2.3\n"
	    "-- message: m\n"
	    "--lint:   allow ban-drop-column -- x  \n"
	    "\n-- +upgrade\nSELECT 1;\n";
	static const char twice[] =
	    "-- revision: a1\n-- message: m\n-- message: n\n\n-- +upgrade\n";
	struct dbrev_revision *r = NULL;
	struct dbrev_error e;

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_revision_parse("v/a.sql", text,
	    sizeof(text) - 1, 0, &r, &e), 0);
	assert_int_equal(r->nlint, 2);
	assert_string_equal(r->lint[0],
	    "allow ban-drop-table -- old table, unused since 2.3");
	assert_int_equal(r->lint_line[0], 2);
	assert_string_equal(r->lint[1], "allow ban-drop-column -- x");
	assert_int_equal(r->lint_line[1], 4);
	assert_string_equal(r->message, "m");
	dbrev_revision_free(r);
	/* Header-only parsing keeps them too. */
	assert_int_equal(dbrev_revision_parse("v/a.sql", text,
	    sizeof(text) - 1, DBREV_PARSE_HEADER_ONLY, &r, &e), 0);
	assert_int_equal(r->nlint, 2);
	dbrev_revision_free(r);
	/* Other keys still may not repeat. */
	assert_int_equal(dbrev_revision_parse("v/a.sql", twice,
	    sizeof(twice) - 1, 0, &r, &e), -1);
	assert_int_equal(e.line, 3);
	dbrev_error_clear(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_lint_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
