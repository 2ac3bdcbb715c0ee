/*
 * test_postgres_messages.c - how the PostgreSQL driver makes libpq's and
 * the server's messages safe to print: one line, no password, no word of
 * a URL libpq cannot parse.  No server needed (libpq is loaded, and
 * parses, but connects nowhere).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/db/driver.h"
#include "../../lib/db/postgres/message.h"

static void
clean_is(const char *url, const char *pw, const char *msg, const char *want)
{
	char *m = dbrev_pg_clean_message(url, pw, msg);

	assert_string_equal(m, want);
	free(m);
}

/* Line breaks are joined, also after a word: the output grows. */
static void
test_clean_joins_lines(void **state)
{
	(void)state;
	clean_is(NULL, NULL, "a\nb\nc", "a. b. c");
	clean_is(NULL, NULL, "NOTICE: drop cascades to 3 other objects; "
	    "DETAIL: drop cascades to view v1\ndrop cascades to view v2\n"
	    "drop cascades to view v3",
	    "NOTICE: drop cascades to 3 other objects; DETAIL: drop cascades "
	    "to view v1. drop cascades to view v2. drop cascades to view v3");
	clean_is(NULL, NULL, "connection to server failed: Connection refused"
	    "\n\tIs the server running on that host and accepting TCP/IP "
	    "connections?\n", "connection to server failed: Connection "
	    "refused. Is the server running on that host and accepting "
	    "TCP/IP connections?");
	clean_is(NULL, NULL, "FATAL:  role \"x\" does not exist\n",
	    "FATAL: role \"x\" does not exist");
	clean_is(NULL, NULL, "ends with a blank \r\n\r\nthen more\t!",
	    "ends with a blank then more !");
	clean_is(NULL, NULL, "\n\n\n", "");
	clean_is(NULL, NULL, "", "");
}

/* Every line ends in a word: twice the characters, never past the end. */
static void
test_clean_many_lines(void **state)
{
	struct dbrev_buf in = { 0 };
	char *m;
	size_t i;

	(void)state;
	for (i = 0; i < 20000; i++)
		dbrev_buf_puts(&in, "drop cascades to view v\n");
	m = dbrev_pg_clean_message(NULL, NULL, in.data);
	assert_null(strchr(m, '\n'));
	assert_int_equal(strlen(m), in.len - 20000 + 2 * 19999);
	free(m);
	dbrev_buf_free(&in);
}

/* The password is removed before and after the lines are joined. */
static void
test_clean_password(void **state)
{
	char *m;

	(void)state;
	clean_is("postgresql://u:s3cret@h/db", NULL,
	    "password for s3cret failed", "password for *** failed");
	clean_is(NULL, "s3cret", "FATAL:  s3cret\nx", "FATAL: *** x");
	/* Joining "x" and "y" makes "x. y": that is the password too. */
	m = dbrev_pg_clean_message(NULL, "x. y", "x\ny x. y");
	assert_null(strstr(m, "x. y"));
	free(m);
	/* Replacing one occurrence makes another: "bb**" -> "b***". */
	m = dbrev_pg_clean_message(NULL, "b**", "bb**");
	assert_null(strstr(m, "b**"));
	free(m);
	/* A password of stars only is left alone (and the cleaning ends). */
	clean_is(NULL, "**", "a ** b", "a ** b");
}

/* The message of a URL libpq refuses, through the driver's open. */
static char *
open_error(const char *url)
{
	struct dbrev_error err = { 0 };
	struct dbrev_conn *c = NULL;
	char *m;

	assert_int_equal(dbrev_driver_postgres.open(url, &c, &err), -1);
	assert_null(c);
	assert_int_equal(err.kind, DBREV_ERR_INPUT);
	assert_null(strchr(err.message, '\n'));
	m = dbrev_xstrdup(err.message);
	dbrev_error_clear(&err);
	return m;
}

static void
test_unparsable_url_words(void **state)
{
	char *m;

	(void)state;
	/* A word where a keyword belongs may be a password: hidden. */
	m = open_error("host=h ab");
	assert_non_null(strstr(m, "missing \"=\" after \"***\""));
	free(m);
	m = open_error("host=h s3cretpw");
	assert_null(strstr(m, "s3cretpw"));
	free(m);
	/* Even with a quote inside it. */
	m = open_error("host=h pa\"ssw0rd");
	assert_null(strstr(m, "pa"));
	assert_null(strstr(m, "ssw0rd"));
	free(m);
	m = open_error("postgresql://u@h/db?sslmode=require&hunter2");
	assert_null(strstr(m, "hunter2"));
	free(m);
	/* Scrubbing the password "I" must not leave "h" a whole word. */
	m = open_error("host=h password=I I.xyIIh");
	assert_null(strstr(m, "h\""));
	free(m);
	/* A connection keyword, or a name in a name's place, helps: shown. */
	m = open_error("host=h dbname");
	assert_non_null(strstr(m, "\"dbname\""));
	free(m);
	m = open_error("postgresql://h/db?frobnicate=1");
	assert_non_null(strstr(m, "frobnicate"));
	free(m);
}

/* The words hidden are whole words: the message around them stays. */
static void
test_hide_whole_words(void **state)
{
	char *m;

	(void)state;
	m = dbrev_pg_hide_url_words("host=h in", "missing \"=\" after \"in\" "
	    "in connection info string");
	assert_string_equal(m, "missing \"=\" after \"***\" *** connection "
	    "info string");
	free(m);
	/* As written, percent-decoded and unescaped. */
	m = dbrev_pg_hide_url_words("postgresql://h/db?x%41y",
	    "bad \"xAy\" and \"x%41y\"");
	assert_string_equal(m, "bad \"***\" and \"***\"");
	free(m);
	m = dbrev_pg_hide_url_words("host=h pa\\ss", "after \"pass\"");
	assert_string_equal(m, "after \"***\"");
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_joins_lines),
		cmocka_unit_test(test_clean_many_lines),
		cmocka_unit_test(test_clean_password),
		cmocka_unit_test(test_unparsable_url_words),
		cmocka_unit_test(test_hide_whole_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
