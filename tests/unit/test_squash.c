/* test_squash.c - pointing a revision at a squash's baseline. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dbrev/squash.h"
#include "dbrev/util.h"

/* Repoint text from `from` to `to`; expect exactly `want`. */
static void
check_repoint(const char *text, const char *from, const char *to,
    const char *want)
{
	struct dbrev_buf out = { 0 };
	struct dbrev_error e;

	dbrev_error_init(&e);
	assert_int_equal(dbrev_squash_repoint("v/t.sql", text, strlen(text),
	    from, to, &out, &e), 0);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	dbrev_buf_free(&out);
}

/* Only whole ids in the parents and depends lines change. */
static void
test_repoint_lists(void **state)
{
	(void)state;
	check_repoint("-- revision: m1\n-- parents: r1 r10\tr1x\n"
	    "-- depends: r1\n-- message: r1\n-- +upgrade\nSELECT 'r1';\n",
	    "r1", "base",
	    "-- revision: m1\n-- parents: base r10\tr1x\n"
	    "-- depends: base\n-- message: r1\n-- +upgrade\nSELECT 'r1';\n");
}

/*
 * A list's last id followed by blanks the parser trims ('\v', '\f',
 * '\r') is still that id: it is swapped too (fuzz_squash_repoint).
 */
static void
test_repoint_trailing_blanks(void **state)
{
	(void)state;
	check_repoint("-- revision: m1\n-- parents: r200 x r\v\t\f\r\n"
	    "-- +upgrade\nSELECT 1;\n", "r", "0b_1",
	    "-- revision: m1\n-- parents: r200 x 0b_1\v\t\f\r\n"
	    "-- +upgrade\nSELECT 1;\n");
}

/* A file that does not parse is refused, and nothing is appended. */
static void
test_repoint_bad_file(void **state)
{
	struct dbrev_buf out = { 0 };
	struct dbrev_error e;
	const char *text = "-- revision: m1\n-- parents: r1,r2\n-- +upgrade\n";

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_squash_repoint("v/t.sql", text, strlen(text),
	    "r1", "base", &out, &e), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(e.line, 2);
	dbrev_error_clear(&e);
	dbrev_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repoint_lists),
		cmocka_unit_test(test_repoint_trailing_blanks),
		cmocka_unit_test(test_repoint_bad_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
