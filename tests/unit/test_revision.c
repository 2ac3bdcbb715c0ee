/* test_revision.c - the revision file parser: good files and every bad one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dbrev/revision.h"

#include "helpers.h"

#define HDR "-- revision: 1a2b3c4d5e6f\n"

/* Parse text (with its length, NULs included) and expect one error. */
static void
check_error(const char *text, size_t len, unsigned line, const char *msg,
    const char *hint_part)
{
	struct dbrev_revision *r = (struct dbrev_revision *)&r;
	struct dbrev_error e;

	dbrev_error_init(&e);
	assert_int_equal(dbrev_revision_parse("v/t.sql", text, len, 0, &r, &e),
	    -1);
	assert_null(r);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_string_equal(e.file, "v/t.sql");
	assert_string_equal(e.message, msg);
	assert_int_equal(e.line, line);
	assert_non_null(e.hint);
	if (hint_part != NULL && strstr(e.hint, hint_part) == NULL)
		fail_msg("hint '%s' lacks '%s'", e.hint, hint_part);
	assert_null(e.next);
	/* The same in header-only mode: everything is still checked. */
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_revision_parse("v/t.sql", text, len,
	    DBREV_PARSE_HEADER_ONLY, &r, &e), -1);
	assert_string_equal(e.message, msg);
	assert_int_equal(e.line, line);
	dbrev_error_clear(&e);
}

#define BAD(text, line, msg) check_error(text, sizeof(text) - 1, line, msg, NULL)
#define BADH(text, line, msg, hint) \
	check_error(text, sizeof(text) - 1, line, msg, hint)

static struct dbrev_revision *
parse_ok(const char *text, unsigned flags)
{
	struct dbrev_revision *r = NULL;
	struct dbrev_error e;
	char buf[1024];

	dbrev_error_init(&e);
	if (dbrev_revision_parse("v/t.sql", text, strlen(text), flags, &r,
	    &e) != 0)
		fail_msg("unexpected error: %s",
		    dbrev_error_format(&e, buf, sizeof buf));
	assert_false(dbrev_error_isset(&e));
	assert_non_null(r);
	return r;
}

static const char full[] =
    "-- revision: 3f2a9c1b7e44\n"
    "-- parents: 1a2b3c4d5e6f 0000aaaa\n"
    "-- message: Add user preferences table\n"
    "-- created: 2026-11-24T01:00:00Z\n"
    "-- depends: dep_1\n"
    "\n"
    "-- a comment before the upgrade\n"
    "-- +upgrade\n"
    "CREATE TABLE a (x INTEGER);\n"
    "\n"
    "-- +downgrade\n"
    "DROP TABLE a;\n";

static void
test_full(void **state)
{
	struct dbrev_revision *r = parse_ok(full, 0);
	char sum[DBREV_CHECKSUM_LEN + 1];

	(void)state;
	assert_string_equal(r->id, "3f2a9c1b7e44");
	assert_int_equal(r->nparents, 2);
	assert_string_equal(r->parents[0], "1a2b3c4d5e6f");
	assert_string_equal(r->parents[1], "0000aaaa");
	assert_int_equal(r->ndepends, 1);
	assert_string_equal(r->depends[0], "dep_1");
	assert_string_equal(r->message, "Add user preferences table");
	assert_string_equal(r->created, "2026-11-24T01:00:00Z");
	assert_string_equal(r->path, "v/t.sql");
	assert_int_equal(r->transactional, 1);
	assert_int_equal(r->has_downgrade, 1);
	assert_string_equal(r->upgrade, "CREATE TABLE a (x INTEGER);\n\n");
	assert_int_equal(r->upgrade_line, 9);
	assert_string_equal(r->downgrade, "DROP TABLE a;\n");
	assert_int_equal(r->downgrade_line, 12);
	assert_int_equal(r->revision_line, 1);
	assert_int_equal(r->parents_line, 2);
	assert_int_equal(r->depends_line, 5);
	/* SHA-256 of the upgrade text, bytes as in the file. */
	assert_string_equal(r->checksum,
	    "4715152489e882b0f408bc3894bfdea2bd5ffa4d654442b6b2ed9d56d645512f");
	dbrev_checksum(r->upgrade, strlen(r->upgrade), sum);
	assert_string_equal(r->checksum, sum);
	dbrev_revision_free(r);
}

static void
test_header_only(void **state)
{
	struct dbrev_revision *r = parse_ok(full, DBREV_PARSE_HEADER_ONLY);

	(void)state;
	assert_null(r->upgrade);
	assert_null(r->downgrade);
	assert_int_equal(r->has_downgrade, 1);
	assert_int_equal(r->upgrade_line, 9);
	assert_int_equal(r->downgrade_line, 12);
	/* The checksum is computed all the same. */
	assert_string_equal(r->checksum,
	    "4715152489e882b0f408bc3894bfdea2bd5ffa4d654442b6b2ed9d56d645512f");
	assert_string_equal(r->parents[1], "0000aaaa");
	dbrev_revision_free(r);
}

static void
test_minimal(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	/* Root, no message, irreversible, upgrade marker on the last line. */
	r = parse_ok("-- revision: a\n-- +upgrade", 0);
	assert_string_equal(r->id, "a");
	assert_int_equal(r->nparents, 0);
	assert_int_equal(r->ndepends, 0);
	assert_string_equal(r->message, "");
	assert_string_equal(r->created, "");
	assert_int_equal(r->has_downgrade, 0);
	assert_null(r->downgrade);
	assert_int_equal(r->downgrade_line, 0);
	assert_string_equal(r->upgrade, "");
	assert_int_equal(r->upgrade_line, 3);
	assert_string_equal(r->checksum,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	dbrev_revision_free(r);

	/* An empty parents line is a root too. */
	r = parse_ok("-- revision: b\n-- parents:\n-- message:\n\n-- +upgrade\n"
	    "SELECT 1;\n", 0);
	assert_int_equal(r->nparents, 0);
	assert_string_equal(r->upgrade, "SELECT 1;\n");
	assert_int_equal(r->upgrade_line, 6);
	dbrev_revision_free(r);
}

static void
test_transaction_none(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	r = parse_ok(HDR "-- transaction: none\n-- +upgrade\n"
	    "CREATE INDEX CONCURRENTLY i ON t (x);\n", 0);
	assert_int_equal(r->transactional, 0);
	dbrev_revision_free(r);
}

static void
test_spacing_crlf_bom(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	/* CRLF line ends, trailing blanks, a BOM, tight "--key:value". */
	r = parse_ok("\xef\xbb\xbf--revision:abc  \r\n--  parents:  p1   p2\r\n"
	    "-- message: hello world \r\n\r\n--+upgrade\r\nSELECT 1;\r\n"
	    "-- +downgrade  \r\nSELECT 2;\r\n", 0);
	assert_string_equal(r->id, "abc");
	assert_int_equal(r->nparents, 2);
	assert_string_equal(r->parents[1], "p2");
	assert_string_equal(r->message, "hello world");
	assert_string_equal(r->upgrade, "SELECT 1;\r\n");
	assert_string_equal(r->downgrade, "SELECT 2;\r\n");
	assert_int_equal(r->upgrade_line, 6);
	assert_int_equal(r->downgrade_line, 8);
	dbrev_revision_free(r);
}

static void
test_utf8_ok(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	r = parse_ok(HDR "-- message: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n"
	    "-- +upgrade\nSELECT '\xe6\x97\xa5';\n", 0);
	assert_string_equal(r->message, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	dbrev_revision_free(r);
}

static void
test_sections_text_exact(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	/* Comments inside sections stay; -- lines with a colon too. */
	r = parse_ok(HDR "-- +upgrade\n-- note: kept\nSELECT 1;\n-- +downgrade",
	    0);
	assert_string_equal(r->upgrade, "-- note: kept\nSELECT 1;\n");
	assert_string_equal(r->downgrade, "");
	assert_int_equal(r->has_downgrade, 1);
	assert_int_equal(r->downgrade_line, 6);
	dbrev_revision_free(r);
}

static void
test_empty(void **state)
{
	(void)state;
	BAD("", 1, "empty file");
	BAD(" \n\n\t\r\n", 1, "empty file");
}

static void
test_unknown_key(void **state)
{
	(void)state;
	BADH(HDR "-- parents: a\n-- author: me\n-- +upgrade\n", 3,
	    "unknown header key 'author'", "revision, parents, message");
	/* Keys are lowercase. */
	BAD("-- Revision: a\n-- +upgrade\n", 1, "unknown header key 'Revision'");
}

static void
test_missing_revision(void **state)
{
	(void)state;
	BADH("-- parents: a\n-- message: m\n-- +upgrade\n", 1,
	    "no 'revision' in the header", "-- revision: ID");
	BAD("-- +upgrade\nSELECT 1;\n", 1, "no 'revision' in the header");
	BAD("SELECT 1;\n", 1, "no 'revision' in the header");
	/* The header must stand at the top. */
	BAD("\n-- revision: a\n-- +upgrade\n", 1, "no 'revision' in the header");
	BAD("-- just a comment\n-- revision: a\n-- +upgrade\n", 1,
	    "no 'revision' in the header");
}

static void
test_bad_id(void **state)
{
	(void)state;
	BADH("-- revision: ab-cd\n-- +upgrade\n", 1,
	    "revision id 'ab-cd' has the invalid character '-'", "A-Z a-z 0-9 _");
	BAD("-- revision: a b\n-- +upgrade\n", 1,
	    "revision id 'a b' has the invalid character \\x20");
	BAD("-- revision: caf\xc3\xa9\n-- +upgrade\n", 1,
	    "revision id 'caf\xc3\xa9' has the invalid character \\xc3");
	BAD("-- revision:\n-- +upgrade\n", 1, "empty revision id");
	BAD("-- revision: 0123456789abcdef0123456789abcdefX\n-- +upgrade\n", 1,
	    "revision id '0123456789abcdef0123456789abcdef...' is 33 characters "
	    "long");
	BADH("-- revision: head\n-- +upgrade\n", 1,
	    "revision id 'head' is reserved", "choose another id");
	BAD("-- revision: base\n-- +upgrade\n", 1, "revision id 'base' is reserved");
	BAD("-- revision: heads\n-- +upgrade\n", 1,
	    "revision id 'heads' is reserved");
}

static void
test_id_32_ok(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	r = parse_ok("-- revision: 0123456789abcdef0123456789ABCDE_\n-- +upgrade\n",
	    0);
	assert_int_equal(strlen(r->id), 32);
	dbrev_revision_free(r);
}

static void
test_bad_lists(void **state)
{
	(void)state;
	BAD(HDR "-- parents: a b!c\n-- +upgrade\n", 2,
	    "parent 'b!c' has the invalid character '!'");
	BADH(HDR "-- parents: a, b\n-- +upgrade\n", 2,
	    "parent 'a,' has the invalid character ','", "spaces, not commas");
	BAD(HDR "-- parents: a b a\n-- +upgrade\n", 2, "parent 'a' is listed twice");
	BAD(HDR "-- message: m\n-- depends: x y-z\n-- +upgrade\n", 3,
	    "dependency 'y-z' has the invalid character '-'");
	BAD(HDR "-- depends: head\n-- +upgrade\n", 2,
	    "dependency 'head' is reserved");
	BAD(HDR "-- depends: q q\n-- +upgrade\n", 2,
	    "dependency 'q' is listed twice");
	BAD(HDR "-- parents: 0123456789abcdef0123456789abcdef0\n-- +upgrade\n",
	    2, "parent '0123456789abcdef0123456789abcdef...' is 33 characters "
	    "long");
}

static void
test_duplicate_key(void **state)
{
	(void)state;
	BAD(HDR "-- parents: a\n-- message: m\n-- parents: b\n-- +upgrade\n", 4,
	    "header key 'parents' repeated (first on line 2)");
	BAD(HDR "-- revision: x\n-- +upgrade\n", 2,
	    "header key 'revision' repeated (first on line 1)");
}

static void
test_bad_transaction(void **state)
{
	(void)state;
	BADH(HDR "-- transaction: yes\n-- +upgrade\n", 2,
	    "transaction: 'yes' is not a valid value", "'none'");
	BAD(HDR "-- transaction:\n-- +upgrade\n", 2,
	    "transaction: '' is not a valid value");
	BAD(HDR "-- transaction: NONE\n-- +upgrade\n", 2,
	    "transaction: 'NONE' is not a valid value");
}

static void
test_missing_upgrade(void **state)
{
	(void)state;
	BADH(HDR "-- parents: a\n", 2, "no '-- +upgrade' section",
	    "add a '-- +upgrade' line");
	BAD(HDR "\n-- a comment\n\n", 4, "no '-- +upgrade' section");
	BAD(HDR "-- +up\n", 2, "no '-- +upgrade' section");
}

static void
test_sql_before_upgrade(void **state)
{
	(void)state;
	BADH(HDR "\n-- comment\nCREATE TABLE t (x);\n-- +upgrade\n", 4,
	    "SQL before '-- +upgrade'", "after the '-- +upgrade' line");
	/* Right after the header, too. */
	BAD(HDR "SELECT 1;\n-- +upgrade\n", 2, "SQL before '-- +upgrade'");
}

static void
test_misplaced_sections(void **state)
{
	(void)state;
	BAD(HDR "-- +downgrade\nDROP TABLE t;\n-- +upgrade\n", 2,
	    "'-- +downgrade' before '-- +upgrade'");
	BAD(HDR "-- +upgrade\nA;\n-- +upgrade\nB;\n", 4,
	    "'-- +upgrade' repeated (first on line 2)");
	BAD(HDR "-- +upgrade\nA;\n-- +downgrade\nB;\n-- +downgrade\n", 6,
	    "'-- +downgrade' repeated (first on line 4)");
	BAD(HDR "-- +upgrade\nA;\n-- +downgrade\nB;\n-- +upgrade\n", 6,
	    "'-- +upgrade' after '-- +downgrade' (line 4)");
}

static void
test_binary(void **state)
{
	(void)state;
	BADH(HDR "-- +upgrade\nSELECT\0 1;\n", 3,
	    "NUL byte: binary content, not text", "UTF-8");
	BAD("\0", 1, "NUL byte: binary content, not text");
}

static void
test_bad_utf8(void **state)
{
	(void)state;
	BADH(HDR "-- message: caf\xe9\n-- +upgrade\n", 2,
	    "invalid UTF-8 byte sequence (byte 0xe9)", "save the file as UTF-8");
	/* Overlong, surrogate, above U+10FFFF, stray continuation. */
	BAD(HDR "-- +upgrade\n\xc0\xaf\n", 3,
	    "invalid UTF-8 byte sequence (byte 0xc0)");
	BAD(HDR "-- +upgrade\n\xe0\x80\xaf\n", 3,
	    "invalid UTF-8 byte sequence (byte 0xe0)");
	BAD(HDR "-- +upgrade\n\xed\xa0\x80\n", 3,
	    "invalid UTF-8 byte sequence (byte 0xed)");
	BAD(HDR "-- +upgrade\n\xf4\x90\x80\x80\n", 3,
	    "invalid UTF-8 byte sequence (byte 0xf4)");
	BAD(HDR "-- +upgrade\n\xf0\x80\x80\x80\n", 3,
	    "invalid UTF-8 byte sequence (byte 0xf0)");
	BAD(HDR "-- +upgrade\n\x80\n", 3,
	    "invalid UTF-8 byte sequence (byte 0x80)");
	/* Truncated at the end of the file. */
	BAD(HDR "-- +upgrade\n\xe2\x82", 3,
	    "invalid UTF-8 byte sequence (byte 0xe2)");
}

static void
test_first_error_wins(void **state)
{
	(void)state;
	/* Bad bytes are found before header problems. */
	BAD("-- foo: \xff\n", 1, "invalid UTF-8 byte sequence (byte 0xff)");
	/* A header problem before a body problem. */
	BAD("-- revision: a\n-- bad: 1\nSELECT 1;\n", 2,
	    "unknown header key 'bad'");
}

static void
test_id_valid(void **state)
{
	(void)state;
	assert_true(dbrev_revision_id_valid("a"));
	assert_true(dbrev_revision_id_valid("1a2b3c4d5e6f"));
	assert_true(dbrev_revision_id_valid("A_z_09"));
	assert_true(dbrev_revision_id_valid("0123456789abcdef0123456789abcdef"));
	assert_true(dbrev_revision_id_valid("headx"));
	assert_false(dbrev_revision_id_valid("0123456789abcdef0123456789abcdef0"));
	assert_false(dbrev_revision_id_valid(""));
	assert_false(dbrev_revision_id_valid(NULL));
	assert_false(dbrev_revision_id_valid("a-b"));
	assert_false(dbrev_revision_id_valid("a b"));
	assert_false(dbrev_revision_id_valid("+1"));
	assert_false(dbrev_revision_id_valid("head"));
	assert_false(dbrev_revision_id_valid("heads"));
	assert_false(dbrev_revision_id_valid("base"));
}

static void
test_load(void **state)
{
	char dir[] = "/tmp/dbrev-test-rev.XXXXXX", path[256];
	struct dbrev_revision *r = NULL;
	struct dbrev_error e;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.sql", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(full, f);
	fclose(f);
	dbrev_error_init(&e);
	assert_int_equal(dbrev_revision_load(path, 0, &r, &e), 0);
	assert_string_equal(r->path, path);
	assert_string_equal(r->downgrade, "DROP TABLE a;\n");
	dbrev_revision_free(r);
	unlink(path);

	/* A missing file: runtime error naming it. */
	assert_int_equal(dbrev_revision_load(path, 0, &r, &e), -1);
	assert_null(r);
	assert_int_equal(e.kind, DBREV_ERR_RUNTIME);
	assert_string_equal(e.file, path);
	th_error_has(&e, "cannot open");
	dbrev_error_clear(&e);
	rmdir(dir);
}

static void
test_free_hand_built(void **state)
{
	struct dbrev_revision *r = calloc(1, sizeof(*r));

	(void)state;
	/* Every field malloc'd separately, as a caller might build one. */
	r->id = strdup("x");
	r->nparents = 1;
	r->parents = malloc(sizeof(char *));
	r->parents[0] = strdup("p");
	r->message = strdup("m");
	r->created = strdup("");
	r->path = strdup("x.sql");
	r->upgrade = strdup("SELECT 1;");
	dbrev_revision_free(r);	/* ASan reports a leak or a bad free */
	dbrev_revision_free(NULL);
}

/* A baseline's "replaces: FIRST LAST" (revgen squash). */
static void
test_replaces(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	r = parse_ok(HDR "-- parents:\n-- replaces: r1 r200\n\n"
	    "-- +upgrade\nCREATE TABLE a (x INTEGER);\n", 0);
	assert_string_equal(r->replaces_first, "r1");
	assert_string_equal(r->replaces_last, "r200");
	assert_int_equal(r->replaces_line, 3);
	dbrev_revision_free(r);
	/* One revision squashed: one id, both ends. */
	r = parse_ok(HDR "-- replaces: only\n-- +upgrade\n",
	    DBREV_PARSE_HEADER_ONLY);
	assert_string_equal(r->replaces_first, "only");
	assert_string_equal(r->replaces_last, "only");
	dbrev_revision_free(r);
	r = parse_ok(HDR "-- +upgrade\n", 0);
	assert_null(r->replaces_first);
	assert_null(r->replaces_last);
	dbrev_revision_free(r);
	BADH(HDR "-- replaces: a b c\n-- +upgrade\n", 2,
	    "replaces: takes two revision ids", "FIRST LAST");
	BAD(HDR "-- replaces:\n-- +upgrade\n", 2,
	    "replaces: takes two revision ids");
	BAD(HDR "-- replaces: a a\n-- +upgrade\n", 2,
	    "replaced revision 'a' is listed twice");
	BAD(HDR "-- replaces: a b-c\n-- +upgrade\n", 2,
	    "replaced revision 'b-c' has the invalid character '-'");
}

static void
test_repeatable(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	r = parse_ok(HDR "-- repeatable: yes\n-- depends: other\n-- +upgrade\n"
	    "CREATE VIEW v AS SELECT 1;\n", 0);
	assert_int_equal(r->repeatable, 1);
	assert_int_equal(r->transactional, 1);
	assert_int_equal(r->nparents, 0);
	assert_int_equal(r->ndepends, 1);
	dbrev_revision_free(r);
	/* An empty parents line is no parent. */
	r = parse_ok(HDR "-- parents:\n-- repeatable: yes\n-- +upgrade\n", 0);
	assert_int_equal(r->repeatable, 1);
	dbrev_revision_free(r);
	r = parse_ok(HDR "-- +upgrade\n", 0);
	assert_int_equal(r->repeatable, 0);
	dbrev_revision_free(r);
}

static void
test_bad_repeatable(void **state)
{
	(void)state;
	BADH(HDR "-- repeatable: no\n-- +upgrade\n", 2,
	    "repeatable: 'no' is not a valid value", "'yes'");
	BADH(HDR "-- parents: a\n-- repeatable: yes\n-- +upgrade\n", 2,
	    "a repeatable revision has no parents: it is not in the chain, "
	    "it runs after the versioned revisions", "depends");
	BAD(HDR "-- repeatable: yes\n-- transaction: none\n-- +upgrade\n", 3,
	    "a repeatable revision runs in a transaction: 'transaction: none' "
	    "is not allowed");
	BAD(HDR "-- repeatable: yes\n\n-- +upgrade\nSELECT 1;\n"
	    "-- +downgrade\nSELECT 2;\n", 6,
	    "a repeatable revision has no '-- +downgrade' section");
	BAD(HDR "-- repeatable: yes\n-- repeatable: yes\n-- +upgrade\n", 3,
	    "header key 'repeatable' repeated (first on line 2)");
}

/* The lock-timeout and statement-timeout lines: values and lines kept. */
static void
test_timeouts(void **state)
{
	struct dbrev_revision *r;

	(void)state;
	r = parse_ok(HDR "-- lock-timeout: 10s\n-- statement-timeout: 1.5min\n"
	    "-- +upgrade\nSELECT 1;\n", 0);
	assert_int_equal(r->lock_timeout_line, 2);
	assert_true(r->lock_timeout == 10.0);
	assert_int_equal(r->statement_timeout_line, 3);
	assert_true(r->statement_timeout == 90.0);
	dbrev_revision_free(r);
	/* 0 is no limit, and is kept apart from an absent line. */
	r = parse_ok(HDR "-- lock-timeout: 0\n-- +upgrade\n", 0);
	assert_int_equal(r->lock_timeout_line, 2);
	assert_true(r->lock_timeout == 0.0);
	assert_int_equal(r->statement_timeout_line, 0);
	dbrev_revision_free(r);
	r = parse_ok(HDR "-- +upgrade\n", DBREV_PARSE_HEADER_ONLY);
	assert_int_equal(r->lock_timeout_line, 0);
	assert_int_equal(r->statement_timeout_line, 0);
	dbrev_revision_free(r);
	/* Trailing blanks and CRLF, as for every header line. */
	r = parse_ok(HDR "-- lock-timeout:\t250ms \r\n-- +upgrade\n", 0);
	assert_true(r->lock_timeout == 0.25);
	dbrev_revision_free(r);
}

static void
test_bad_timeouts(void **state)
{
	(void)state;
	BADH(HDR "-- lock-timeout: soon\n-- +upgrade\n", 2,
	    "lock-timeout: 'soon' is not a duration", "500ms, 10s");
	BADH(HDR "-- message: m\n-- statement-timeout: 5 s\n-- +upgrade\n", 3,
	    "statement-timeout: '5 s' is not a duration", "0 for no limit");
	BAD(HDR "-- lock-timeout:\n-- +upgrade\n", 2,
	    "lock-timeout: '' is not a duration");
	BAD(HDR "-- lock-timeout: -1s\n-- +upgrade\n", 2,
	    "lock-timeout: '-1s' is not a duration");
	BAD(HDR "-- lock-timeout: 1000001\n-- +upgrade\n", 2,
	    "lock-timeout: '1000001' is not a duration");
	BAD(HDR "-- lock-timeout: 5s\n-- lock-timeout: 6s\n-- +upgrade\n", 3,
	    "header key 'lock-timeout' repeated (first on line 2)");
	/* An injection attempt is a bad value, never SQL. */
	BAD(HDR "-- lock-timeout: 1s'; DROP TABLE t; --\n-- +upgrade\n", 2,
	    "lock-timeout: '1s'; DROP TABLE t; --' is not a duration");
}

static double
dur(const char *s)
{
	double v = -42;

	if (dbrev_duration_parse(s, strlen(s), &v) != 0)
		return -1;
	return v;
}

static void
test_duration_parse(void **state)
{
	static const char *const bad[] = {
		"", "s", "ms", ".5s", "5.", "5.s", "+5", "-5", " 5", "5 ",
		"5S", "5sec", "5mins", "1e3", "0x10", "5d", "5us", "1,5s",
		"nan", "inf", "5s5", "1000001", "16667min", "278h",
		"000000000000000000000000000000001",
	};
	double v = 7;
	size_t i;

	(void)state;
	assert_true(dur("0") == 0);
	assert_true(dur("0ms") == 0);
	assert_true(dur("5") == 5);
	assert_true(dur("5s") == 5);
	assert_true(dur("500ms") == 0.5);
	assert_true(dur("2m") == 120);
	assert_true(dur("2min") == 120);
	assert_true(dur("1h") == 3600);
	assert_true(dur("1.25s") == 1.25);
	assert_true(dur("1000000") == 1e6);
	assert_true(dur("277h") == 277 * 3600.0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dur(bad[i]) != -1)
			fail_msg("'%s' read as a duration", bad[i]);
	/* Only len bytes are read; *seconds is left alone on failure. */
	assert_int_equal(dbrev_duration_parse("10sXYZ", 3, &v), 0);
	assert_true(v == 10);
	v = 7;
	assert_int_equal(dbrev_duration_parse("soon", 4, &v), -1);
	assert_true(v == 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_transaction_none),
		cmocka_unit_test(test_spacing_crlf_bom),
		cmocka_unit_test(test_utf8_ok),
		cmocka_unit_test(test_sections_text_exact),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_revision),
		cmocka_unit_test(test_bad_id),
		cmocka_unit_test(test_id_32_ok),
		cmocka_unit_test(test_bad_lists),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_bad_transaction),
		cmocka_unit_test(test_repeatable),
		cmocka_unit_test(test_bad_repeatable),
		cmocka_unit_test(test_missing_upgrade),
		cmocka_unit_test(test_sql_before_upgrade),
		cmocka_unit_test(test_misplaced_sections),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_free_hand_built),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_bad_timeouts),
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_replaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
