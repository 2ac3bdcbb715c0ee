/*
 * test_fleet.c - many databases (dbrev/fleet.h): the fleet file's syntax
 * and every refusal (each message "source:line: ...", none showing a URL
 * or a variable's value), shards and canaries, result records, the
 * lines people read, the make listing and run directory, and runs over
 * real SQLite files: a failing database, a failing canary, --stop, and
 * a second run that opens nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "dbrev/apply.h"
#include "dbrev/fleet.h"

#define SECRET	"Xy$(9k'#;s3cr3t"

static char	 tmp[256];
static char	 dir[300];

/* ${VAR}s: SECRET for PW, text with blanks and syntax for others. */
static const char *
env(void *arg, const char *name)
{
	(void)arg;
	if (strcmp(name, "PW") == 0 || strcmp(name, "PGPASSWORD") == 0)
		return SECRET;
	if (strcmp(name, "DIR") == 0)
		return "a dir/with $(x) and #";
	if (strcmp(name, "URL") == 0)
		return "postgresql://u:" SECRET "@h/db";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	return NULL;
}

static struct dbrev_fleet *
parse_ok(const char *text)
{
	struct dbrev_fleet_parse_opts o = { "f.list", NULL, env, NULL };
	struct dbrev_fleet *f = NULL;
	struct dbrev_error e = { 0 };
	char buf[1024];

	if (dbrev_fleet_parse(text, strlen(text), &o, &f, &e) != 0)
		fail_msg("parse: %s", dbrev_error_format(&e, buf, sizeof buf));
	return f;
}

/*
 * text must be refused with a message holding want, on line `line`,
 * in one line of "f.list:LINE: ...", with no secret in it.
 */
static void
parse_bad(const char *text, unsigned line, const char *want)
{
	struct dbrev_fleet_parse_opts o = { "f.list", NULL, env, NULL };
	struct dbrev_fleet *f = NULL;
	struct dbrev_error e = { 0 };
	char buf[1024], at[32];

	if (dbrev_fleet_parse(text, strlen(text), &o, &f, &e) == 0)
		fail_msg("accepted: %s", text);
	assert_null(f);
	dbrev_error_format(&e, buf, sizeof buf);
	snprintf(at, sizeof at, "f.list:%u: ", line);
	if (strncmp(buf, at, strlen(at)) != 0 || strstr(buf, want) == NULL)
		fail_msg("for %s: '%s' (want %s... %s)", text, buf, at, want);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_null(strstr(buf, "s3cr3t"));
	assert_null(strchr(buf, '\n'));
	assert_non_null(e.hint);
	dbrev_error_clear(&e);
}

static void
test_syntax(void **st)
{
	struct dbrev_fleet *f;

	(void)st;
	f = parse_ok("# the fleet\n"
	    "\n"
	    "  a1   sqlite:data/a1.db   # a comment\n"
	    "b.2\tsqlite:///abs/b#2.db\r\n"
	    "c-3 'sqlite:it''s a \"dir\"/c.db'\n"
	    "d_4 \"sqlite:${DIR}/\\\"\\$x\\\\.db\"\n"
	    "e5 sqlite:sp\\ ace.db table=revs\n"
	    "f6 \"host=/tmp dbname=x password=${PW}\" schema=t6 table=v\n"
	    "g7 ${URL}\n"
	    "h8 postgresql://h/db?sslmode=disable schema=_t8\n");
	assert_int_equal(f->n, 8);
	assert_string_equal(f->source, "f.list");
	assert_string_equal(f->db[0].name, "a1");
	assert_string_equal(f->db[0].url, "sqlite:data/a1.db");
	assert_int_equal(f->db[0].line, 3);
	assert_null(f->db[0].table);
	assert_string_equal(f->db[1].url, "sqlite:///abs/b#2.db");
	assert_string_equal(f->db[2].url, "sqlite:its a \"dir\"/c.db");
	/* A value is text: its blanks, $( and # are not syntax again. */
	assert_string_equal(f->db[3].url,
	    "sqlite:a dir/with $(x) and #/\"$x\\.db");
	assert_string_equal(f->db[4].url, "sqlite:sp ace.db");
	assert_string_equal(f->db[4].table, "revs");
	/* schema=: search_path in the URL's own syntax, the table in it. */
	assert_string_equal(f->db[5].url, "host=/tmp dbname=x password="
	    SECRET " options='-csearch_path=t6'");
	assert_string_equal(f->db[5].schema, "t6");
	assert_string_equal(f->db[5].table, "t6.v");
	assert_null(strstr(f->db[5].safe_url, "s3cr3t"));
	assert_string_equal(f->db[6].url, "postgresql://u:" SECRET "@h/db");
	/* Shown as written: nothing from the environment. */
	assert_string_equal(f->db[6].safe_url, "${URL}");
	assert_string_equal(f->db[3].safe_url, "sqlite:${DIR}/\"$x\\.db");
	assert_string_equal(f->db[5].safe_url, "host=/tmp dbname=x "
	    "options='-csearch_path=t6'");
	assert_string_equal(f->db[7].url, "postgresql://h/db?sslmode=disable"
	    "&options=-csearch_path%3D_t8");
	assert_string_equal(f->db[7].table, "_t8.dbrev_revisions");
	assert_int_equal(f->db[7].selected, 1);
	dbrev_fleet_free(f);

	f = parse_ok("x postgresql://h/db schema=s1\n");
	assert_string_equal(f->db[0].url,
	    "postgresql://h/db?options=-csearch_path%3Ds1");
	dbrev_fleet_free(f);
	f = parse_ok("");
	assert_int_equal(f->n, 0);
	dbrev_fleet_free(f);
	f = parse_ok("last sqlite:x.db");	/* no newline at the end */
	assert_int_equal(f->n, 1);
	dbrev_fleet_free(f);
}

static void
test_default_table(void **st)
{
	struct dbrev_fleet_parse_opts o = { "f.list", "ops.revs", env, NULL };
	struct dbrev_fleet *f = NULL;
	struct dbrev_error e = { 0 };
	const char *t = "a sqlite:a.db\nb postgresql://h/db schema=s\n";

	(void)st;
	/* A default in a schema and a tenant's schema= cannot both hold. */
	assert_int_equal(dbrev_fleet_parse(t, strlen(t), &o, &f, &e), -1);
	assert_int_equal(e.line, 2);
	dbrev_error_clear(&e);
	o.table = "revs";
	assert_int_equal(dbrev_fleet_parse(t, strlen(t), &o, &f, &e), 0);
	assert_string_equal(f->db[0].table, "revs");
	assert_string_equal(f->db[1].table, "s.revs");
	assert_string_equal(f->table, "revs");
	dbrev_fleet_free(f);
	o.table = "bad name";
	assert_int_equal(dbrev_fleet_parse(t, strlen(t), &o, &f, &e), -1);
	dbrev_error_clear(&e);
}

static void
test_refusals(void **st)
{
	static const char *const hostile[] = { ";", "$(x)", "'", "\"", ":",
	    "%", "=", "/", "\\", "*", "`", "|", "&", "(", "!", "@", ",", "+" };
	char line[128];
	size_t i;

	(void)st;
	/* Names make or a shell would read as syntax, or a path. */
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		snprintf(line, sizeof line, "a%sb sqlite:x.db\n", hostile[i]);
		parse_bad(line, 1, "a database's name holds '");
	}
	parse_bad("-a sqlite:x.db\n", 1, "must start with a letter or a digit");
	parse_bad(".a sqlite:x.db\n", 1, "must start with a letter or a digit");
	parse_bad("a\xc3\xa9 sqlite:x.db\n", 1, "a byte other than");
	parse_bad("a sqlite:a.db\n\n# x\na sqlite:b.db\n", 4,
	    "'a' is already named on line 1");
	parse_bad("a\n", 1, "'a' has no URL");
	parse_bad("a # x\n", 1, "'a' has no URL");
	parse_bad("a ''\n", 1, "empty URL");
	parse_bad("a mysql://h/db\n", 1, "names no database dbrev knows");
	parse_bad("a sqlite::memory:\n", 1, "in-memory");
	parse_bad("a sqlite:\n", 1, "names no SQLite file");
	parse_bad("a sqlite:x.db schema=s\n", 1, "no PostgreSQL database");
	parse_bad("a postgresql://h/db?options=-cx schema=s\n", 1,
	    "schema= and a URL with options");
	parse_bad("a postgresql://h/db schema=S1\n", 1, "plain schema name");
	parse_bad("a postgresql://h/db schema=1s\n", 1, "plain schema name");
	parse_bad("a postgresql://h/db schema=s;drop\n", 1, "plain schema");
	parse_bad("a postgresql://h/db schema=s table=x.y\n", 1,
	    "a table in another schema");
	parse_bad("a sqlite:x.db table=a.b.c\n", 1, "not a table name");
	parse_bad("a sqlite:x.db table=x table=y\n", 1, "table= twice");
	parse_bad("a sqlite:x.db colour=red\n", 1, "unknown field 'colour'");
	parse_bad("a sqlite:x.db Table=x\n", 1, "not KEY=VALUE");
	parse_bad("a sqlite:x.db extra\n", 1, "not KEY=VALUE");
	parse_bad("a 'sqlite:x.db\n", 1, "unterminated '");
	parse_bad("a \"sqlite:x.db\n", 1, "unterminated \"");
	parse_bad("a sqlite:x.db\\\n", 1, "'\\' at the end");
	parse_bad("a sqlite:$HOME/x.db\n", 1, "a '$' that starts no ${NAME}");
	parse_bad("a sqlite:${1X}.db\n", 1, "bad ${...}");
	parse_bad("a sqlite:${X\n", 1, "bad ${...}");
	parse_bad("a sqlite:${NOPE}.db\n", 1, "${NOPE} is not set");
	parse_bad("a \"sqlite:${NOPE}\"\n", 1, "${NOPE} is not set");
	parse_bad("a sqlite:x.db\n\x01b sqlite:y.db\n", 2, "control character");
	parse_bad("a sqlite:x\x7f.db\n", 1, "control character");
	/* Passwords come from the environment, never the file. */
	parse_bad("a postgresql://u:s3cr3t@h/db\n", 1, "password written in");
	parse_bad("a postgresql://h/db?password=s3cr3t\n", 1, "password");
	parse_bad("a postgresql://h/db?sslpassword=s3cr3t\n", 1, "password");
	parse_bad("a 'host=h password=s3cr3t'\n", 1, "password written in");
	parse_bad("a \"host=h password='s3cr3t'\"\n", 1, "password");
	/* Every bad line is named, not only the first. */
	{
		struct dbrev_fleet_parse_opts o = { "f.list", NULL, env, NULL };
		struct dbrev_fleet *f;
		struct dbrev_error e = { 0 };
		const char *t = "a\nb sqlite:b.db\nc;d sqlite:c.db\n";

		assert_int_equal(dbrev_fleet_parse(t, strlen(t), &o, &f, &e),
		    -1);
		assert_int_equal(dbrev_error_count(&e), 2);
		assert_int_equal(e.line, 1);
		assert_int_equal(e.next->line, 3);
		dbrev_error_clear(&e);
	}
}

static void
test_passwords_from_env(void **st)
{
	struct dbrev_fleet *f;

	(void)st;
	f = parse_ok("a postgresql://u:${PW}@h/db\n"
	    "b postgresql://h/db?password=${PW}\n"
	    "c \"host=h password=${PW} dbname=x\"\n"
	    "d postgresql://u:@h/db\n"
	    "e postgresql://u@h/db?user=${PW}\n");
	assert_string_equal(f->db[0].url, "postgresql://u:" SECRET "@h/db");
	assert_string_equal(f->db[0].safe_url, "postgresql://u@h/db");
	assert_string_equal(f->db[1].safe_url, "postgresql://h/db");
	assert_null(strstr(f->db[2].safe_url, "s3cr3t"));
	dbrev_fleet_free(f);
}

static void
test_names(void **st)
{
	char n[80];

	(void)st;
	assert_true(dbrev_fleet_name_valid("a"));
	assert_true(dbrev_fleet_name_valid("0.a_b-c"));
	assert_false(dbrev_fleet_name_valid(""));
	assert_false(dbrev_fleet_name_valid("_a"));
	assert_false(dbrev_fleet_name_valid("a/b"));
	assert_false(dbrev_fleet_name_valid("a b"));
	memset(n, 'a', 64);
	n[64] = '\0';
	assert_true(dbrev_fleet_name_valid(n));
	n[64] = 'a';
	n[65] = '\0';
	assert_false(dbrev_fleet_name_valid(n));
}

static void
test_select(void **st)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_fleet *f;
	struct dbrev_error e = { 0 };
	unsigned counts[4] = { 0 }, k, seen;
	size_t i;

	(void)st;
	/* FNV-1a 64: "" and "a" are the published vectors. */
	assert_int_equal(dbrev_fleet_shard_of("", 1000), 1 +
	    (unsigned)(14695981039346656037ULL % 1000));
	assert_int_equal(dbrev_fleet_shard_of("a", 1000), 1 +
	    (unsigned)(0xaf63dc4c8601ec8cULL % 1000));
	for (i = 0; i < 400; i++)
		dbrev_buf_printf(&b, "t%zu sqlite:t%zu.db\n", i, i);
	f = parse_ok(b.data);
	/* Four shards: each database in exactly one, none nearly empty. */
	for (k = 1; k <= 4; k++) {
		assert_true(dbrev_fleet_select(f, NULL, k, 4, NULL, &e) > 60);
		for (i = 0; i < f->n; i++)
			counts[k - 1] += f->db[i].selected;
	}
	assert_int_equal(counts[0] + counts[1] + counts[2] + counts[3], 400);
	for (i = 0; i < f->n; i++) {
		for (k = 1, seen = 0; k <= 4; k++)
			seen += dbrev_fleet_shard_of(f->db[i].name, 4) == k;
		assert_int_equal(seen, 1);
	}
	assert_int_equal(dbrev_fleet_select(f, "t7", 0, 0, "t7", &e), 1);
	assert_true(f->db[7].selected && f->db[7].canary);
	assert_false(f->db[8].selected);
	assert_int_equal(dbrev_fleet_select(f, NULL, 0, 0, "t1, t2,t3", &e),
	    400);
	assert_true(f->db[1].canary && f->db[2].canary && f->db[3].canary);
	assert_false(f->db[4].canary);
	assert_int_equal(dbrev_fleet_select(f, "nope", 0, 0, NULL, &e), -1);
	assert_non_null(strstr(e.message, "no database 'nope'"));
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_fleet_select(f, NULL, 0, 0, "t1 zz", &e), -1);
	assert_non_null(strstr(e.message, "'zz'"));
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_fleet_select(f, NULL, 0, 0, "$(x)", &e), -1);
	assert_null(strstr(e.message, "$(x)"));
	dbrev_error_clear(&e);
	k = dbrev_fleet_shard_of("t1", 4);
	assert_int_equal(dbrev_fleet_select(f, NULL, k % 4 + 1, 4, "t1", &e),
	    -1);
	assert_non_null(strstr(e.message, "another shard"));
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_fleet_select(f, NULL, 5, 4, NULL, &e), -1);
	dbrev_error_clear(&e);
	dbrev_fleet_free(f);
	dbrev_buf_free(&b);
}

static void
test_escape(void **st)
{
	static const char *const s[] = { "", "plain", "a\\b", "\\x41",
	    "new\nline\ttab\x7f\x01", "\\\\x0a" };
	struct dbrev_buf b = { 0 };
	size_t i;
	char bad[][8] = { "\\", "\\y", "\\x4", "\\x41", "\\x00", "\\x0A",
	    "a\nb" };

	(void)st;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		dbrev_buf_reset(&b);
		dbrev_fleet_escape(&b, s[i]);
		assert_null(strchr(b.data, '\n'));
		assert_int_equal(dbrev_fleet_unescape(b.data), 0);
		assert_string_equal(b.data, s[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dbrev_fleet_unescape(bad[i]), -1);
	dbrev_buf_free(&b);
}

static void
test_records(void **st)
{
	struct dbrev_fleet_result r = { 0 }, back;
	struct dbrev_buf b = { 0 }, c = { 0 };
	size_t i;

	(void)st;
	r.name = "t17";
	r.outcome = DBREV_FLEET_FAILED;
	r.applied = 2;
	r.pending = 3;
	r.ms = 14.25;
	r.current = "3f2a9c1b7e44 (head), 1a";
	r.error = "v/x.sql:12: no such table: t\nline two; fix it";
	r.reason = "";
	dbrev_fleet_result_encode(&b, &r);
	assert_int_equal(dbrev_fleet_result_decode(b.data, b.len, &back), 0);
	assert_string_equal(back.name, "t17");
	assert_int_equal(back.outcome, DBREV_FLEET_FAILED);
	assert_int_equal(back.applied, 2);
	assert_int_equal(back.pending, 3);
	assert_true(back.ms == 14.25);
	assert_string_equal(back.current, r.current);
	assert_string_equal(back.error, r.error);
	assert_string_equal(back.reason, "");
	assert_null(back.backup);
	dbrev_fleet_result_encode(&c, &back);
	assert_int_equal(c.len, b.len);
	assert_memory_equal(c.data, b.data, b.len);
	dbrev_fleet_result_free(&back);
	/* Any byte changed, any line dropped or added: not a record. */
	for (i = 0; i < b.len; i++) {
		char saved = b.data[i];

		b.data[i] = saved == '1' ? '7' : saved == '\n' ? ' ' : '\001';
		if (dbrev_fleet_result_decode(b.data, b.len, &back) == 0) {
			dbrev_fleet_result_free(&back);
			/* Only a value's text may change to other text. */
			assert_true(saved != '\n');
		}
		b.data[i] = saved;
	}
	assert_int_equal(dbrev_fleet_result_decode(b.data, b.len - 1, &back),
	    -1);
	dbrev_buf_puts(&b, "more\n");
	assert_int_equal(dbrev_fleet_result_decode(b.data, b.len, &back), -1);
	r.name = "a/b";
	dbrev_buf_reset(&b);
	dbrev_fleet_result_encode(&b, &r);
	assert_int_equal(dbrev_fleet_result_decode(b.data, b.len, &back), -1);
	dbrev_buf_free(&b);
	dbrev_buf_free(&c);
}

static void
test_lines(void **st)
{
	struct dbrev_fleet_result r[3];
	struct dbrev_buf b = { 0 };
	struct dbrev_fleet *f;

	(void)st;
	memset(r, 0, sizeof r);
	r[0].name = "tenant37";
	r[0].outcome = DBREV_FLEET_UPGRADED;
	r[0].applied = 2;
	r[0].ms = 14.2;
	dbrev_fleet_progress_line(&b, 37, 200, &r[0], 0);
	assert_string_equal(b.data, "[37/200] tenant37 upgraded "
	    "(2 revisions, 14 ms)");
	r[0].applied = 1;
	dbrev_buf_reset(&b);
	dbrev_fleet_progress_line(&b, 1, 2, &r[0], 0);
	assert_string_equal(b.data, "[1/2] tenant37 upgraded (1 revision, "
	    "14 ms)");
	r[1].name = "tenant17";
	r[1].outcome = DBREV_FLEET_FAILED;
	r[1].current = "3f2a9c1b7e44";
	r[1].error = "versions/x.sql:12: boom\nagain; fix it";
	r[1].reason = "versions/x.sql:12: boom";
	dbrev_buf_reset(&b);
	dbrev_fleet_progress_line(&b, 2, 2, &r[1], 0);
	assert_string_equal(b.data, "[2/2] tenant17 failed at 3f2a9c1b7e44: "
	    "versions/x.sql:12: boom\\x0aagain; fix it");
	r[2].name = "t3";
	r[2].outcome = DBREV_FLEET_AT_HEAD;
	r[2].known = 1;
	dbrev_buf_reset(&b);
	dbrev_fleet_progress_line(&b, 3, 3, &r[2], 0);
	assert_string_equal(b.data, "");
	dbrev_fleet_progress_line(&b, 3, 3, &r[2], 1);
	assert_string_equal(b.data, "[3/3] t3 at head (not opened)");

	f = parse_ok("tenant37 sqlite:a.db\ntenant17 sqlite:b.db\n"
	    "t3 sqlite:c.db\n");
	dbrev_buf_reset(&b);
	dbrev_fleet_summary(&b, f, r, DBREV_FLEET_UPGRADE);
	assert_string_equal(b.data, "fleet: 1 at head, 1 upgraded, 1 failed: "
	    "tenant17 at 3f2a9c1b7e44 (versions/x.sql:12: boom)");
	assert_int_equal(dbrev_fleet_status(f, r), 1);
	f->db[0].canary = 1;
	r[0].outcome = DBREV_FLEET_NOT_RUN;
	f->db[1].canary = 1;
	dbrev_buf_reset(&b);
	dbrev_fleet_summary(&b, f, r, DBREV_FLEET_UPGRADE);
	assert_non_null(strstr(b.data, "1 not run (a canary failed)"));
	r[1].outcome = DBREV_FLEET_PENDING;
	r[1].pending = 4;
	r[0].outcome = DBREV_FLEET_AT_HEAD;
	r[0].current = "abc (head)";
	dbrev_buf_reset(&b);
	dbrev_fleet_summary(&b, f, r, DBREV_FLEET_STATUS);
	assert_string_equal(b.data, "fleet: 3 databases: 2 at head, 1 pending");
	assert_int_equal(dbrev_fleet_status(f, r), 0);
	dbrev_buf_reset(&b);
	dbrev_fleet_report_line(&b, DBREV_FLEET_STATUS, &r[1]);
	assert_string_equal(b.data, "tenant17: 4 pending, at 3f2a9c1b7e44");
	dbrev_buf_reset(&b);
	dbrev_fleet_report_line(&b, DBREV_FLEET_CURRENT, &r[0]);
	assert_string_equal(b.data, "tenant37: abc (head)");
	dbrev_buf_reset(&b);
	dbrev_fleet_report_line(&b, DBREV_FLEET_STATUS, &r[0]);
	assert_string_equal(b.data, "tenant37: at head");
	f->db[2].selected = 0;
	f->db[0].selected = f->db[1].selected = 0;
	dbrev_buf_reset(&b);
	dbrev_fleet_summary(&b, f, r, DBREV_FLEET_UPGRADE);
	assert_string_equal(b.data, "fleet: no database to run");
	dbrev_fleet_free(f);
	dbrev_buf_free(&b);
}

/* The summary names five failures, then counts the others. */
static void
test_many_failures(void **st)
{
	struct dbrev_fleet_result r[8];
	struct dbrev_buf b = { 0 }, t = { 0 };
	struct dbrev_fleet *f;
	char names[8][8];
	size_t i;

	(void)st;
	memset(r, 0, sizeof r);
	for (i = 0; i < 8; i++) {
		snprintf(names[i], sizeof names[i], "d%zu", i);
		dbrev_buf_printf(&t, "d%zu sqlite:d%zu.db\n", i, i);
		r[i].name = names[i];
		r[i].outcome = DBREV_FLEET_FAILED;
		r[i].reason = "cannot open";
	}
	f = parse_ok(t.data);
	dbrev_fleet_summary(&b, f, r, DBREV_FLEET_UPGRADE);
	assert_non_null(strstr(b.data, "fleet: 8 failed: d0 (cannot open), "));
	assert_non_null(strstr(b.data, "d4 (cannot open), and 3 more (above)"));
	assert_null(strstr(b.data, "d5"));
	dbrev_fleet_free(f);
	dbrev_buf_free(&b);
	dbrev_buf_free(&t);
}

/* --- Real SQLite files. --- */

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
write_rev(const char *id, const char *parent, const char *up)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/versions/%s_x.sql", dir, id);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "-- revision: %s\n-- parents: %s\n-- message: msg %s\n\n"
	    "-- +upgrade\n%s\n\n-- +downgrade\nSELECT 1;\n", id, parent, id,
	    up);
	fclose(f);
}

static int
setup(void **st)
{
	char path[512];

	(void)st;
	snprintf(tmp, sizeof(tmp), "%s/dbrev-fleet.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmp));
	snprintf(dir, sizeof(dir), "%s/m", tmp);
	snprintf(path, sizeof(path), "%s/versions", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	write_rev("aaa", "", "CREATE TABLE a (x);");
	write_rev("bbb", "aaa", "CREATE UNIQUE INDEX ua ON a (x);");
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* A fleet of n SQLite files in tmp: d0 ... d(n-1). */
static struct dbrev_fleet *
sqlite_fleet(size_t n)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_fleet *f;
	size_t i;

	for (i = 0; i < n; i++)
		dbrev_buf_printf(&b, "d%zu sqlite:%s/d%zu.db\n", i, tmp, i);
	f = parse_ok(b.data);
	dbrev_buf_free(&b);
	return f;
}

static void
sql(const char *name, const char *text)
{
	char path[512];
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/%s.db", tmp, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Bring one database to aaa, as another run would have. */
static void
at_aaa(const struct dbrev_fleet_db *db)
{
	struct dbrev_apply_options o;
	struct dbrev_apply_result r;
	struct dbrev_error e = { 0 };

	dbrev_apply_options_init(&o);
	o.dir = dir;
	o.url = db->url;
	assert_int_equal(dbrev_apply_run(&o, DBREV_UPGRADE, "aaa", &r, &e), 0);
	dbrev_apply_result_free(&r);
}

static void
opts(struct dbrev_fleet_opts *o, const char *state)
{
	static char sdir[320];

	dbrev_fleet_opts_init(o);
	o->dir = dir;
	o->jobs = 2;
	o->lock_timeout = 0.2;
	if (state != NULL) {
		snprintf(sdir, sizeof sdir, "%s/%s", tmp, state);
		o->state_dir = sdir;
	}
}

static struct dbrev_fleet_result *
run(struct dbrev_fleet *f, enum dbrev_fleet_verb v,
    const struct dbrev_fleet_opts *o)
{
	struct dbrev_fleet_result *r;
	struct dbrev_error e = { 0 };

	if (dbrev_fleet_run(f, v, o, &r, &e) != 0)
		fail_msg("run: %s", e.message);
	return r;
}

static void
free_results(struct dbrev_fleet *f, struct dbrev_fleet_result *r)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		dbrev_fleet_result_free(&r[i]);
	free(r);
}

static size_t ncalls;

static void
count_call(void *arg, size_t done, size_t total,
    const struct dbrev_fleet_result *r)
{
	(void)arg;
	(void)r;
	assert_true(done >= 1 && done <= total);
	ncalls++;
}

static void
test_run(void **st)
{
	struct dbrev_fleet *f = sqlite_fleet(5);
	struct dbrev_fleet_result *r;
	struct dbrev_fleet_opts o;
	sqlite3 *lock;
	char path[512];
	size_t i;

	(void)st;
	/* d3, at aaa, holds rows that make bbb fail: only d3 fails. */
	at_aaa(&f->db[3]);
	sql("d3", "INSERT INTO a VALUES (1), (1);");
	opts(&o, "state");
	o.on_result = count_call;
	ncalls = 0;
	r = run(f, DBREV_FLEET_UPGRADE, &o);
	assert_int_equal(ncalls, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(r[i].outcome, i == 3 ? DBREV_FLEET_FAILED :
		    DBREV_FLEET_UPGRADED);
	assert_string_equal(r[3].current, "aaa");
	assert_non_null(strstr(r[3].error, "bbb_x.sql:"));
	assert_non_null(strstr(r[3].reason, "UNIQUE"));
	assert_int_equal(r[0].applied, 2);
	assert_int_equal(dbrev_fleet_status(f, r), 1);
	free_results(f, r);

	/*
	 * Again: the four at head are known from the state directory
	 * (remembered at the end of the run), even with their files
	 * locked exclusively; d3 still fails.
	 */
	snprintf(path, sizeof path, "%s/d0.db", tmp);
	assert_int_equal(sqlite3_open(path, &lock), SQLITE_OK);
	assert_int_equal(sqlite3_exec(lock, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL), SQLITE_OK);
	ncalls = 0;
	r = run(f, DBREV_FLEET_UPGRADE, &o);
	assert_int_equal(ncalls, 5);
	assert_int_equal(r[0].outcome, DBREV_FLEET_AT_HEAD);
	assert_true(r[0].known);
	assert_string_equal(r[0].current, "bbb (head)");
	assert_int_equal(r[3].outcome, DBREV_FLEET_FAILED);
	free_results(f, r);
	sqlite3_close(lock);

	/* Status: d3 pending (2), the others at head. */
	r = run(f, DBREV_FLEET_STATUS, &o);
	assert_int_equal(r[3].outcome, DBREV_FLEET_PENDING);
	assert_int_equal(r[3].pending, 1);
	assert_int_equal(r[1].outcome, DBREV_FLEET_AT_HEAD);
	assert_int_equal(dbrev_fleet_status(f, r), 0);
	free_results(f, r);
	dbrev_fleet_free(f);
}

static void
test_canary_and_stop(void **st)
{
	struct dbrev_fleet *f = sqlite_fleet(6);
	struct dbrev_fleet_result *r;
	struct dbrev_fleet_opts o;
	struct dbrev_error e = { 0 };
	size_t i, n;

	(void)st;
	sql("d1", "CREATE TABLE a (y);");	/* aaa fails on d1 */
	opts(&o, NULL);
	assert_int_equal(dbrev_fleet_select(f, NULL, 0, 0, "d1 d2", &e), 6);
	r = run(f, DBREV_FLEET_UPGRADE, &o);
	assert_int_equal(r[1].outcome, DBREV_FLEET_FAILED);
	assert_int_equal(r[2].outcome, DBREV_FLEET_UPGRADED);
	for (i = 0; i < 6; i++)
		if (i != 1 && i != 2)
			assert_int_equal(r[i].outcome, DBREV_FLEET_NOT_RUN);
	free_results(f, r);

	/* --stop, one job: nothing starts after d1 fails. */
	assert_int_equal(dbrev_fleet_select(f, NULL, 0, 0, NULL, &e), 6);
	o.jobs = 1;
	o.stop = 1;
	r = run(f, DBREV_FLEET_UPGRADE, &o);
	assert_int_equal(r[0].outcome, DBREV_FLEET_UPGRADED);
	assert_int_equal(r[1].outcome, DBREV_FLEET_FAILED);
	/* d2 waited for d1's slot: d1's failure is seen before it starts. */
	for (i = 2, n = 0; i < 6; i++)
		n += r[i].outcome == DBREV_FLEET_NOT_RUN;
	assert_int_equal(n, 4);
	free_results(f, r);
	dbrev_fleet_free(f);
}

static void
test_several_heads(void **st)
{
	struct dbrev_fleet *f = sqlite_fleet(2);
	struct dbrev_fleet_result *r;
	struct dbrev_fleet_opts o;
	struct dbrev_error e = { 0 };

	(void)st;
	write_rev("ccc", "aaa", "SELECT 1;");
	opts(&o, NULL);
	assert_int_equal(dbrev_fleet_run(f, DBREV_FLEET_UPGRADE, &o, &r, &e),
	    -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_non_null(strstr(e.message, "2 heads (bbb, ccc)"));
	dbrev_error_clear(&e);
	dbrev_fleet_free(f);
}

/* The make run: plan, a database recorded, collected, removed. */
static void
test_plan(void **st)
{
	struct dbrev_fleet *f = sqlite_fleet(3), *g;
	struct dbrev_fleet_result *r, one;
	struct dbrev_fleet_plan p;
	struct dbrev_fleet_opts o;
	struct dbrev_error e = { 0 };
	struct dbrev_buf b = { 0 }, path = { 0 }, ft = { 0 };
	char *run_dir;
	size_t done, total;
	enum dbrev_fleet_verb v;
	int fail_target;
	struct stat sb;
	FILE *fp;

	(void)st;
	opts(&o, "st ate");
	o.backup_dir = "b $(x)";
	o.stop = 1;
	assert_int_equal(dbrev_fleet_select(f, NULL, 0, 0, "d2", &e), 3);
	dbrev_buf_printf(&ft, "d0 sqlite:%s/d0.db\nd1 sqlite:%s/d1.db\n"
	    "d2 sqlite:%s/d2.db\n", tmp, tmp, tmp);
	assert_int_equal(dbrev_fleet_plan(f, ft.data, ft.len,
	    DBREV_FLEET_UPGRADE, &o, &run_dir, &e), 0);
	assert_non_null(strstr(run_dir, "/st ate/fleet-run."));
	dbrev_buf_printf(&path, "%s/targets.mk", run_dir);
	dbrev_buf_reset(&b);
	assert_int_equal(dbrev_read_file(path.data, &b, &e), 0);
	assert_non_null(strstr(b.data, "DBREV_FLEET_CANARY := \\\n\td2\n"));
	assert_non_null(strstr(b.data, "DBREV_FLEET_REST := \\\n\td0 d1\n"));
	assert_non_null(strstr(b.data, "DBREV_FLEET_VERB := upgrade\n"));
	assert_null(strstr(b.data, "sqlite:"));

	assert_int_equal(dbrev_fleet_plan_read(run_dir, &p, &g, &e), 0);
	assert_int_equal(p.verb, DBREV_FLEET_UPGRADE);
	assert_int_equal(p.total, 3);
	assert_string_equal(p.opts.dir, dir);
	assert_string_equal(p.opts.backup_dir, "b $(x)");
	assert_true(p.opts.lock_timeout == 0.2);
	assert_true(p.opts.stop);
	assert_int_equal(g->n, 3);
	assert_true(g->db[2].canary && !g->db[0].canary);
	dbrev_fleet_one(&g->db[1], p.verb, &p.opts, &one);
	assert_int_equal(one.outcome, DBREV_FLEET_UPGRADED);
	assert_int_equal(dbrev_fleet_record(run_dir, &one, &done, &e), 0);
	assert_int_equal(done, 1);
	dbrev_fleet_result_free(&one);
	dbrev_fleet_collect(run_dir, g, &r);
	assert_int_equal(r[1].outcome, DBREV_FLEET_UPGRADED);
	assert_int_equal(r[0].outcome, DBREV_FLEET_NOT_RUN);
	free_results(g, r);
	dbrev_fleet_free(g);
	dbrev_fleet_plan_free(&p);

	/* A make target: the plan's verb and names only. */
	assert_int_equal(dbrev_fleet_plan_one(run_dir, "d0",
	    DBREV_FLEET_STATUS, &one, &done, &total, &fail_target, &e), -1);
	assert_int_equal(dbrev_error_exit_status(&e), 2);
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_fleet_plan_one(run_dir, "d9",
	    DBREV_FLEET_UPGRADE, &one, &done, &total, &fail_target, &e), -1);
	assert_non_null(strstr(e.message, "d9"));
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_fleet_plan_one(run_dir, "d2",
	    DBREV_FLEET_UPGRADE, &one, &done, &total, &fail_target, &e), 0);
	assert_int_equal(one.outcome, DBREV_FLEET_UPGRADED);
	assert_int_equal(done, 2);
	assert_int_equal(total, 3);
	assert_false(fail_target);
	dbrev_fleet_result_free(&one);

	/* Under make -n only the directory goes; else the results too. */
	assert_int_equal(dbrev_fleet_plan_end(run_dir, 0, &g, &r, &v, &e), 0);
	assert_int_equal(v, DBREV_FLEET_UPGRADE);
	assert_int_equal(r[2].outcome, DBREV_FLEET_UPGRADED);
	assert_int_equal(r[0].outcome, DBREV_FLEET_NOT_RUN);
	assert_int_equal(stat(run_dir, &sb), -1);
	free_results(g, r);
	dbrev_fleet_free(g);
	free(run_dir);
	assert_int_equal(dbrev_fleet_plan(f, ft.data, ft.len,
	    DBREV_FLEET_UPGRADE, &o, &run_dir, &e), 0);
	assert_int_equal(dbrev_fleet_plan_end(run_dir, 1, &g, &r, &v, &e), 0);
	assert_null(r);
	assert_int_equal(stat(run_dir, &sb), -1);
	dbrev_fleet_free(g);
	free(run_dir);
	assert_int_equal(dbrev_fleet_plan(f, ft.data, ft.len,
	    DBREV_FLEET_UPGRADE, &o, &run_dir, &e), 0);

	/* A plan that is not what plan wrote is not trusted. */
	dbrev_buf_reset(&path);
	dbrev_buf_printf(&path, "%s/plan", run_dir);
	fp = fopen(path.data, "a");
	fputs("extra\n", fp);
	fclose(fp);
	assert_int_equal(dbrev_fleet_plan_read(run_dir, &p, &g, &e), -1);
	assert_non_null(strstr(e.message, "no fleet run directory"));
	dbrev_error_clear(&e);
	dbrev_fleet_plan_remove(run_dir);
	assert_int_equal(stat(run_dir, &sb), -1);
	free(run_dir);
	dbrev_fleet_free(f);
	dbrev_buf_free(&b);
	dbrev_buf_free(&ft);
	dbrev_buf_free(&path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_default_table),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_passwords_from_env),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_many_failures),
		cmocka_unit_test_setup_teardown(test_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_canary_and_stop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_several_heads, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
