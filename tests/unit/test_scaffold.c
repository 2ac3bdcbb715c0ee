/*
 * test_scaffold.c - revgen's library part: slugs, ids, messages, the
 * template, writing revision files (never over another) and init.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dbrev/error.h"
#include "dbrev/graph.h"
#include "dbrev/revision.h"
#include "dbrev/scaffold.h"
#include "dbrev/util.h"

/* ---- helpers ---- */

static char *
tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char path[4096];

	snprintf(path, sizeof(path), "%s/dbrev-scaffold.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	assert_non_null(mkdtemp(path));
	return strdup(path);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rmtree(char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
}

static char *
pathf(const char *fmt, ...)
{
	struct dbrev_buf b = { 0 };
	va_list ap;
	char tmp[4096];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	dbrev_buf_puts(&b, tmp);
	return dbrev_buf_take(&b);
}

static void
put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *
get_file(const char *path)
{
	struct dbrev_buf b = { 0 };
	struct dbrev_error e = { 0 };

	assert_int_equal(dbrev_read_file(path, &b, &e), 0);
	return dbrev_buf_take(&b);
}

/* Number of entries in dir (without . and ..). */
static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
is_slug(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > DBREV_SLUG_MAX || s[0] == '_' || s[n - 1] == '_')
		return 0;
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
		if (s[0] == '_' && s[1] == '_')
			return 0;
	}
	return 1;
}

/* ---- slugs ---- */

static void
slug_is(const char *msg, const char *want)
{
	char out[DBREV_SLUG_MAX + 1];

	dbrev_scaffold_slug(msg, out);
	assert_string_equal(out, want);
	assert_true(is_slug(out));
}

static void
test_slug_plain(void **state)
{
	(void)state;
	slug_is("Add user preferences table", "add_user_preferences_table");
	slug_is("add_users", "add_users");
	slug_is("ABC def 123", "abc_def_123");
	slug_is("v2", "v2");
}

static void
test_slug_punctuation(void **state)
{
	(void)state;
	slug_is("  Hello,   World!! ", "hello_world");
	slug_is("__x__", "x");
	slug_is("abc-def.ghi/jkl", "abc_def_ghi_jkl");
	slug_is("x\"; rm -rf ~; \"", "x_rm_rf");
	slug_is("$(touch pwned)", "touch_pwned");
	slug_is("`id`", "id");
	slug_is("../../etc/passwd", "etc_passwd");
	slug_is("a\tb", "a_b");
}

static void
test_slug_unicode(void **state)
{
	(void)state;
	/* Non-ASCII bytes separate words; they never reach the name. */
	slug_is("caf\xc3\xa9 cr\xc3\xa8me", "caf_cr_me");
	slug_is("\xc3\x9c" "bersicht", "bersicht");
	slug_is("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "revision");
	slug_is("add \xf0\x9f\x98\x80 emoji", "add_emoji");
	slug_is("\xff\xfe bad bytes", "bad_bytes");
}

static void
test_slug_empty(void **state)
{
	(void)state;
	slug_is("", "revision");
	slug_is(NULL, "revision");
	slug_is("!!! ... ???", "revision");
	slug_is("   ", "revision");
}

static void
test_slug_long(void **state)
{
	char msg[300], out[DBREV_SLUG_MAX + 1];

	(void)state;
	memset(msg, 'a', 200);
	msg[200] = '\0';
	dbrev_scaffold_slug(msg, out);
	assert_int_equal(strlen(out), DBREV_SLUG_MAX);
	assert_true(is_slug(out));

	/* Cut at a word boundary, not in the middle of a word. */
	slug_is("add the column that holds the preferred colour theme of "
	    "each user", "add_the_column_that_holds_the_preferred");
	/* A boundary just at the limit. */
	slug_is("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	/* No boundary near: a hard cut. */
	slug_is("a bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	    "a_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	/* Many separators never make '__' or a trailing '_'. */
	slug_is("a                                       ! b c d e f g h i j k",
	    "a_b_c_d_e_f_g_h_i_j_k");
	snprintf(msg, sizeof(msg), "%s", "x !@#$%^&*() y ,.;:'\" z");
	slug_is(msg, "x_y_z");
}

/* ---- ids ---- */

static int
is_newid(const char *s)
{
	size_t i;

	if (strlen(s) != DBREV_NEWID_LEN)
		return 0;
	for (i = 0; i < DBREV_NEWID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_id_format_and_uniqueness(void **state)
{
	struct dbrev_error e = { 0 };
	enum { N = 2000 };
	char **ids = calloc(N, sizeof(*ids));
	char id[DBREV_NEWID_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < N; i++) {
		assert_int_equal(dbrev_scaffold_new_id(NULL, id, &e), 0);
		assert_true(is_newid(id));
		assert_true(dbrev_revision_id_valid(id));
		ids[i] = strdup(id);
	}
	qsort(ids, N, sizeof(*ids), cmpstr);
	for (i = 1; i < N; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
	for (i = 0; i < N; i++)
		free(ids[i]);
	free(ids);
}

/* A scripted random source: hands out the given byte strings in turn. */
struct script {
	const unsigned char	(*draws)[6];
	size_t			  n, next;
	int			  fail;
};

static int
scripted(void *buf, size_t len, void *arg)
{
	struct script *s = arg;

	assert_int_equal(len, 6);
	if (s->fail) {
		errno = EIO;
		return -1;
	}
	memcpy(buf, s->draws[s->next < s->n ? s->next : s->n - 1], len);
	s->next++;
	return 0;
}

static struct dbrev_revision *
parse_rev(const char *text)
{
	struct dbrev_revision *r = NULL;
	struct dbrev_error e = { 0 };
	char buf[4096];

	if (dbrev_revision_parse("test.sql", text, strlen(text), 0, &r,
	    &e) == -1)
		fail_msg("%s", dbrev_error_format(&e, buf, sizeof(buf)));
	return r;
}

static struct dbrev_graph *
graph_of(const char *const *ids, size_t n)
{
	struct dbrev_revision *revs[8];
	struct dbrev_graph *g = NULL;
	struct dbrev_error e = { 0 };
	char text[256];
	size_t i;

	assert_true(n <= 8);
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "-- revision: %s\n-- parents:%s%s\n"
		    "-- message: m\n\n-- +upgrade\nSELECT 1;\n", ids[i],
		    i ? " " : "", i ? ids[i - 1] : "");
		revs[i] = parse_rev(text);
	}
	assert_int_equal(dbrev_graph_build(revs, n, &g, &e), 0);
	return g;
}

static void
test_id_retries_on_clash(void **state)
{
	static const unsigned char draws[][6] = {
		{ 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f },	/* exists */
		{ 0xab, 0xcd, 0x00, 0x00, 0x00, 0x01 },	/* "abcd" is a prefix */
		{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },	/* free */
	};
	static const char *const ids[] = { "1a2b3c4d5e6f", "abcd" };
	struct script s = { draws, 3, 0, 0 };
	struct dbrev_error e = { 0 };
	struct dbrev_graph *g = graph_of(ids, 2);
	char id[DBREV_NEWID_LEN + 1];

	(void)state;
	assert_int_equal(dbrev_scaffold_new_id_from(g, scripted, &s, id, &e),
	    0);
	assert_string_equal(id, "001122334455");
	assert_int_equal(s.next, 3);

	/* Without a graph the first draw is taken. */
	s.next = 0;
	assert_int_equal(dbrev_scaffold_new_id_from(NULL, scripted, &s, id,
	    &e), 0);
	assert_string_equal(id, "1a2b3c4d5e6f");
	dbrev_graph_free(g);
}

static void
test_id_existing_is_longer(void **state)
{
	/* An existing longer id starting with the new one would be shadowed. */
	static const unsigned char draws[][6] = {
		{ 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc },
		{ 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbd },
	};
	static const char *const ids[] = { "123456789abc_extra" };
	struct script s = { draws, 2, 0, 0 };
	struct dbrev_error e = { 0 };
	struct dbrev_graph *g = graph_of(ids, 1);
	char id[DBREV_NEWID_LEN + 1];

	(void)state;
	assert_int_equal(dbrev_scaffold_new_id_from(g, scripted, &s, id, &e),
	    0);
	assert_string_equal(id, "123456789abd");
	dbrev_graph_free(g);
}

static void
test_id_gives_up(void **state)
{
	static const unsigned char draws[][6] = {
		{ 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f },
	};
	static const char *const ids[] = { "1a2b3c4d5e6f" };
	struct script s = { draws, 1, 0, 0 };
	struct dbrev_error e = { 0 };
	struct dbrev_graph *g = graph_of(ids, 1);
	char id[DBREV_NEWID_LEN + 1];

	(void)state;
	assert_int_equal(dbrev_scaffold_new_id_from(g, scripted, &s, id, &e),
	    -1);
	assert_int_equal(e.kind, DBREV_ERR_RUNTIME);
	assert_non_null(strstr(e.message, "no new revision id"));
	dbrev_error_clear(&e);

	s.fail = 1;
	assert_int_equal(dbrev_scaffold_new_id_from(NULL, scripted, &s, id,
	    &e), -1);
	assert_non_null(strstr(e.message, "random"));
	dbrev_error_clear(&e);
	dbrev_graph_free(g);
}

/* ---- messages and timestamps ---- */

static void
message_refused(const char *msg, const char *why)
{
	struct dbrev_error e = { 0 };

	assert_int_equal(dbrev_scaffold_check_message(msg, &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	if (strstr(e.message, why) == NULL)
		fail_msg("message '%s': '%s' lacks '%s'", msg, e.message, why);
	assert_non_null(e.hint);
	dbrev_error_clear(&e);
}

static void
test_message_check(void **state)
{
	struct dbrev_error e = { 0 };

	(void)state;
	assert_int_equal(dbrev_scaffold_check_message("add users", &e), 0);
	assert_int_equal(dbrev_scaffold_check_message(
	    "x\"; rm -rf ~; \"", &e), 0);
	assert_int_equal(dbrev_scaffold_check_message("$(touch pwned)", &e),
	    0);
	assert_int_equal(dbrev_scaffold_check_message(
	    "caf\xc3\xa9 \xe2\x9c\x93 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", &e), 0);
	assert_false(dbrev_error_isset(&e));

	message_refused("two\nlines", "more than one line");
	message_refused("trailing newline\n", "more than one line");
	message_refused("carriage\rreturn", "more than one line");
	message_refused("", "empty");
	message_refused(NULL, "empty");
	message_refused("    ", "empty");
	message_refused("bell\a", "control character (U+0007)");
	message_refused("esc\x1b[31m", "control character (U+001B)");
	message_refused("del\x7f", "control character (U+007F)");
	/* Control characters as the man page says: tab, C1, separators, bidi. */
	message_refused("tab\there", "control character (U+0009)");
	message_refused("c1 \xc2\x9b" "31m", "control character (U+009B)");
	message_refused("line\xe2\x80\xa8sep", "more than one line");
	message_refused("para\xe2\x80\xa9sep", "more than one line");
	message_refused("rlo \xe2\x80\xae txt", "control character (U+202E)");
	message_refused("isolate \xe2\x81\xa6 x", "control character (U+2066)");
	message_refused("bad \xff byte", "UTF-8");
	message_refused("overlong \xc0\xaf", "UTF-8");
	message_refused("cut \xe2\x9c", "UTF-8");
	message_refused("surrogate \xed\xa0\x80", "UTF-8");
}

static void
test_timestamp(void **state)
{
	char ts[DBREV_TIMESTAMP_LEN + 1];
	int y, mo, d, h, mi, s;
	char z;

	(void)state;
	dbrev_scaffold_timestamp(ts);
	assert_int_equal(strlen(ts), 20);
	assert_int_equal(sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d,
	    &h, &mi, &s, &z), 7);
	assert_int_equal(z, 'Z');
	assert_true(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
}

/* ---- templates ---- */

static char *
render(const char *tmpl, const struct dbrev_newrev *rev, int want_rc,
    struct dbrev_error *e)
{
	struct dbrev_buf out = { 0 };

	assert_int_equal(dbrev_scaffold_render(tmpl, "t.tmpl", rev, &out, e),
	    want_rc);
	return dbrev_buf_take(&out);
}

static void
test_render_default(void **state)
{
	static const char *const parents[] = { "1a2b3c4d5e6f" };
	struct dbrev_newrev rev = { 0 };
	struct dbrev_error e = { 0 };
	char *s;

	(void)state;
	rev.id = "3f2a9c1b7e44";
	rev.parents = parents;
	rev.nparents = 1;
	rev.message = "Add user preferences table";
	rev.created = "2026-11-24T01:00:00Z";
	s = render(dbrev_scaffold_default_template, &rev, 0, &e);
	assert_string_equal(s,
	    "-- revision: 3f2a9c1b7e44\n"
	    "-- parents: 1a2b3c4d5e6f\n"
	    "-- message: Add user preferences table\n"
	    "-- created: 2026-11-24T01:00:00Z\n"
	    "\n"
	    "-- +upgrade\n"
	    "\n"
	    "-- +downgrade\n");
	free(s);

	/* SQL bodies, trailing newlines trimmed; transaction: none; root. */
	rev.parents = NULL;
	rev.nparents = 0;
	rev.upgrade = "CREATE TABLE t (a INTEGER);\n\n";
	rev.downgrade = "DROP TABLE t;\n";
	rev.no_transaction = 1;
	s = render(dbrev_scaffold_default_template, &rev, 0, &e);
	assert_string_equal(s,
	    "-- revision: 3f2a9c1b7e44\n"
	    "-- parents:\n"
	    "-- message: Add user preferences table\n"
	    "-- created: 2026-11-24T01:00:00Z\n"
	    "-- transaction: none\n"
	    "\n"
	    "-- +upgrade\n"
	    "CREATE TABLE t (a INTEGER);\n"
	    "\n"
	    "-- +downgrade\n"
	    "DROP TABLE t;\n");
	free(s);
}

static void
test_render_values_stay_text(void **state)
{
	struct dbrev_newrev rev = { 0 };
	struct dbrev_error e = { 0 };
	char *s;

	(void)state;
	rev.id = "aaaaaaaaaaaa";
	rev.message = "${upgrade} $(touch pwned) `id` $HOME ${nope";
	rev.created = "2026-01-01T00:00:00Z";
	rev.upgrade = "SELECT '${message}';";
	s = render("m=${message}\nu=${upgrade}\n", &rev, 0, &e);
	assert_string_equal(s,
	    "m=${upgrade} $(touch pwned) `id` $HOME ${nope\n"
	    "u=SELECT '${message}';\n");
	free(s);
}

static void
test_render_template_features(void **state)
{
	static const char *const parents[] = { "p1", "p2" };
	struct dbrev_newrev rev = { 0 };
	struct dbrev_error e = { 0 };
	char *s;

	(void)state;
	rev.id = "abc";
	rev.parents = parents;
	rev.nparents = 2;
	rev.message = "m";
	rev.created = "C";
	/* "##" lines go, a lone empty placeholder's line goes, $$ stays. */
	s = render("## comment ${bogus}\n"
	    "-- revision: ${revision}\n"
	    "-- parents: ${parents}\n"
	    "  ${transaction}  \n"
	    "DO $$ BEGIN END $$;\n"
	    "${upgrade}\n"
	    "-- created: ${created} ${downgrade}\n"
	    "last line without newline", &rev, 0, &e);
	assert_string_equal(s,
	    "-- revision: abc\n"
	    "-- parents: p1 p2\n"
	    "DO $$ BEGIN END $$;\n"
	    "-- created: C\n"
	    "last line without newline\n");
	free(s);
	assert_false(dbrev_error_isset(&e));
}

static void
test_render_bad_template(void **state)
{
	struct dbrev_newrev rev = { 0 };
	struct dbrev_error e = { 0 };
	char buf[512], *s;

	(void)state;
	rev.id = "abc";
	rev.message = "m";
	s = render("-- revision: ${revision}\n\n-- x ${revison}\n", &rev, -1,
	    &e);
	free(s);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_string_equal(e.file, "t.tmpl");
	assert_int_equal(e.line, 3);
	assert_string_equal(e.message, "unknown placeholder '${revison}'");
	assert_non_null(strstr(dbrev_error_format(&e, buf, sizeof(buf)),
	    "${revision} ${parents}"));
	dbrev_error_clear(&e);

	s = render("ok\n-- ${revision\n", &rev, -1, &e);
	free(s);
	assert_int_equal(e.line, 2);
	assert_non_null(strstr(e.message, "unterminated"));
	dbrev_error_clear(&e);

	rev.id = NULL;
	s = render("x\n", &rev, -1, &e);
	free(s);
	dbrev_error_clear(&e);
}

/* ---- writing files ---- */

struct tdir {
	char	*root;	/* temp dir */
	char	*dir;	/* root/m, a migrations directory */
};

static void
tdir_init(struct tdir *t)
{
	struct dbrev_error e = { 0 };
	char **created = NULL;
	size_t i;

	t->root = tmpdir();
	t->dir = pathf("%s/m", t->root);
	assert_int_equal(dbrev_scaffold_init(t->dir, &created, &e), 0);
	for (i = 0; created[i] != NULL; i++)
		free(created[i]);
	free(created);
}

static void
tdir_free(struct tdir *t)
{
	free(t->dir);
	rmtree(t->root);
}

static void
test_write_and_reparse(void **state)
{
	static const char *const parents[] = { "1a2b3c4d5e6f" };
	struct dbrev_newrev rev = { 0 };
	struct dbrev_revision *r = NULL;
	struct dbrev_error e = { 0 };
	char *path, *want, *versions, id[DBREV_ID_MAX + 1];
	struct tdir t;

	(void)state;
	tdir_init(&t);
	rev.parents = parents;
	rev.nparents = 1;
	rev.message = "  Add users; DROP TABLE x \"--\" ";
	rev.upgrade = "CREATE TABLE users (id INTEGER PRIMARY KEY);\n";
	rev.downgrade = "DROP TABLE users;\n";
	rev.no_transaction = 1;
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, id,
	    &e), 0);
	assert_true(is_newid(id));
	want = pathf("%s/versions/%s_add_users_drop_table_x.sql", t.dir, id);
	assert_string_equal(path, want);

	assert_int_equal(dbrev_revision_load(path, 0, &r, &e), 0);
	assert_string_equal(r->id, id);
	assert_int_equal(r->nparents, 1);
	assert_string_equal(r->parents[0], "1a2b3c4d5e6f");
	assert_string_equal(r->message, "Add users; DROP TABLE x \"--\"");
	assert_int_equal(r->transactional, 0);
	assert_true(r->has_downgrade);
	assert_non_null(strstr(r->upgrade, "CREATE TABLE users"));
	assert_non_null(strstr(r->downgrade, "DROP TABLE users;"));
	assert_int_equal(strlen(r->created), 20);
	dbrev_revision_free(r);

	/* Only the new file: no temporary file left behind. */
	versions = pathf("%s/versions", t.dir);
	assert_int_equal(count_entries(versions), 1);
	free(versions);
	free(want);
	free(path);
	tdir_free(&t);
}

static void
test_write_never_overwrites(void **state)
{
	struct dbrev_newrev rev = { 0 };
	struct dbrev_error e = { 0 };
	char *path = NULL, *path2 = NULL, *other, *text, *versions;
	struct tdir t;

	(void)state;
	tdir_init(&t);
	rev.id = "fixed0000001";
	rev.message = "first";
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), 0);
	text = get_file(path);

	/* The same name again: refused, the file untouched. */
	rev.upgrade = "DROP TABLE everything;";
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path2, NULL,
	    &e), -1);
	assert_null(path2);
	assert_int_equal(e.kind, DBREV_ERR_RUNTIME);
	assert_string_equal(e.file, path);
	assert_string_equal(e.message, "already exists");
	dbrev_error_clear(&e);
	other = get_file(path);
	assert_string_equal(other, text);
	free(other);

	/* A file someone else put there by hand is not replaced either. */
	rev.id = "fixed0000002";
	other = pathf("%s/versions/fixed0000002_first.sql", t.dir);
	put_file(other, "precious\n");
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path2, NULL,
	    &e), -1);
	dbrev_error_clear(&e);
	free(text);
	text = get_file(other);
	assert_string_equal(text, "precious\n");

	versions = pathf("%s/versions", t.dir);
	assert_int_equal(count_entries(versions), 2);	/* no temp files */
	free(versions);
	free(other);
	free(text);
	free(path);
	tdir_free(&t);
}

static void
test_write_refuses_bad_input(void **state)
{
	static const char *const badparent[] = { "no-such-id!" };
	struct dbrev_newrev rev = { 0 };
	struct dbrev_error e = { 0 };
	char *path = NULL, *versions, *nodir;
	struct tdir t;

	(void)state;
	tdir_init(&t);
	versions = pathf("%s/versions", t.dir);

	rev.message = "two\nlines";
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_non_null(strstr(e.message, "more than one line"));
	dbrev_error_clear(&e);

	rev.message = "";
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), -1);
	assert_non_null(strstr(e.message, "empty"));
	dbrev_error_clear(&e);

	rev.message = "ok";
	rev.parents = badparent;
	rev.nparents = 1;
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	dbrev_error_clear(&e);

	rev.nparents = 0;
	rev.id = "bad id";
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), -1);
	assert_non_null(strstr(e.message, "not a valid revision id"));
	dbrev_error_clear(&e);
	assert_int_equal(count_entries(versions), 0);

	/* Not a migrations directory. */
	rev.id = NULL;
	nodir = pathf("%s/nope", t.root);
	assert_int_equal(dbrev_scaffold_write(nodir, NULL, &rev, &path, NULL,
	    &e), -1);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_string_equal(e.file, nodir);
	assert_string_equal(e.message, "no such migrations directory");
	assert_non_null(strstr(e.hint, "revgen init"));
	dbrev_error_clear(&e);
	assert_int_equal(mkdir(nodir, 0777), 0);
	assert_int_equal(dbrev_scaffold_write(nodir, NULL, &rev, &path, NULL,
	    &e), -1);
	assert_non_null(strstr(e.message, "no versions/"));
	dbrev_error_clear(&e);
	assert_null(path);

	free(nodir);
	free(versions);
	tdir_free(&t);
}

static void
test_write_uses_dir_template(void **state)
{
	struct dbrev_newrev rev = { 0 };
	struct dbrev_error e = { 0 };
	char *path = NULL, *tmpl, *text, *versions;
	struct tdir t;

	(void)state;
	tdir_init(&t);
	tmpl = pathf("%s/" DBREV_TEMPLATE_NAME, t.dir);
	versions = pathf("%s/versions", t.dir);

	/* The template written by init is the default plus comments. */
	text = get_file(tmpl);
	assert_non_null(strstr(text, dbrev_scaffold_default_template));
	assert_non_null(strstr(text, "## "));
	free(text);

	unlink(tmpl);
	put_file(tmpl, "-- revision: ${revision}\n-- parents: ${parents}\n"
	    "-- message: ${message}\n-- created: ${created}\n\n"
	    "-- +upgrade\n-- house style: ${message}\n${upgrade}\n");
	rev.message = "styled";
	rev.created = "2026-11-24T01:00:00Z";
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), 0);
	text = get_file(path);
	assert_non_null(strstr(text, "-- house style: styled\n"));
	assert_null(strstr(text, "+downgrade"));
	free(text);
	free(path);
	path = NULL;

	/* A template whose output would not parse: nothing is written. */
	unlink(tmpl);
	put_file(tmpl, "-- revision: ${revision}\n-- colour: blue\n\n"
	    "-- +upgrade\n");
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), -1);
	assert_true(dbrev_error_count(&e) >= 2);
	assert_int_equal(dbrev_error_exit_status(&e), 2);
	dbrev_error_clear(&e);

	/* A template that drops the parents: refused. */
	unlink(tmpl);
	put_file(tmpl, "-- revision: ${revision}\n\n-- +upgrade\n");
	{
		static const char *const parents[] = { "1a2b3c4d5e6f" };

		rev.parents = parents;
		rev.nparents = 1;
		assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev,
		    &path, NULL, &e), -1);
		assert_non_null(strstr(e.message, "parents"));
		dbrev_error_clear(&e);
		rev.nparents = 0;
	}

	/* An unknown placeholder names the template's line. */
	unlink(tmpl);
	put_file(tmpl, "-- revision: ${revision}\n${author}\n");
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), -1);
	assert_string_equal(e.file, tmpl);
	assert_int_equal(e.line, 2);
	dbrev_error_clear(&e);
	assert_int_equal(count_entries(versions), 1);

	/* No template at all: the built-in one. */
	unlink(tmpl);
	rev.message = "builtin";
	assert_int_equal(dbrev_scaffold_write(t.dir, NULL, &rev, &path, NULL,
	    &e), 0);
	text = get_file(path);
	assert_non_null(strstr(text, "-- message: builtin\n"));
	assert_non_null(strstr(text, "-- +downgrade\n"));
	free(text);
	free(path);
	assert_int_equal(count_entries(versions), 2);

	free(versions);
	free(tmpl);
	tdir_free(&t);
}

/* ---- init ---- */

static void
test_init(void **state)
{
	struct dbrev_error e = { 0 };
	char **created = NULL, *root = tmpdir(), *dir, *readme, *text;
	size_t n;

	(void)state;
	dir = pathf("%s/a/b/migrations", root);
	assert_int_equal(dbrev_scaffold_init(dir, &created, &e), 0);
	for (n = 0; created[n] != NULL; n++)
		;
	assert_int_equal(n, 4);		/* dir, versions/, README, template */
	assert_string_equal(created[0], dir);
	assert_non_null(strstr(created[1], "/versions/"));
	for (n = 0; created[n] != NULL; n++)
		free(created[n]);
	free(created);
	assert_int_equal(count_entries(dir), 3);
	readme = pathf("%s/README", dir);
	text = get_file(readme);
	assert_non_null(strstr(text, "Never edit a revision that has been "
	    "applied"));
	assert_non_null(strstr(text, "revgen -m"));
	free(text);

	/* Again: refused, naming what exists, nothing touched. */
	put_file(readme, "mine\n");
	assert_int_equal(dbrev_scaffold_init(dir, &created, &e), -1);
	assert_null(created);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_non_null(strstr(e.message, "versions"));
	assert_non_null(strstr(e.message, "README"));
	assert_non_null(strstr(e.message, DBREV_TEMPLATE_NAME));
	dbrev_error_clear(&e);
	text = get_file(readme);
	assert_string_equal(text, "mine\n");
	free(text);
	free(readme);
	free(dir);

	/* Only a README there: refused, and versions/ not created. */
	dir = pathf("%s/partial", root);
	assert_int_equal(mkdir(dir, 0777), 0);
	readme = pathf("%s/README", dir);
	put_file(readme, "x\n");
	assert_int_equal(dbrev_scaffold_init(dir, NULL, &e), -1);
	assert_non_null(strstr(e.message, "README exists"));
	assert_null(strstr(e.message, "versions"));
	dbrev_error_clear(&e);
	assert_int_equal(count_entries(dir), 1);
	free(readme);
	free(dir);

	/* An existing empty directory is fine. */
	dir = pathf("%s/empty", root);
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(dbrev_scaffold_init(dir, NULL, &e), 0);
	assert_int_equal(count_entries(dir), 3);
	free(dir);

	/* A file in the way. */
	dir = pathf("%s/file", root);
	put_file(dir, "");
	assert_int_equal(dbrev_scaffold_init(dir, NULL, &e), -1);
	assert_string_equal(e.message, "exists and is not a directory");
	dbrev_error_clear(&e);
	free(dir);

	assert_int_equal(dbrev_scaffold_init("", NULL, &e), -1);
	dbrev_error_clear(&e);
	rmtree(root);
}

static void
test_check_dir(void **state)
{
	struct dbrev_error e = { 0 };
	struct tdir t;
	char *f;

	(void)state;
	tdir_init(&t);
	assert_int_equal(dbrev_scaffold_check_dir(t.dir, &e), 0);
	f = pathf("%s/README", t.dir);
	assert_int_equal(dbrev_scaffold_check_dir(f, &e), -1);
	assert_string_equal(e.message, "not a directory");
	dbrev_error_clear(&e);
	free(f);
	tdir_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug_plain),
		cmocka_unit_test(test_slug_punctuation),
		cmocka_unit_test(test_slug_unicode),
		cmocka_unit_test(test_slug_empty),
		cmocka_unit_test(test_slug_long),
		cmocka_unit_test(test_id_format_and_uniqueness),
		cmocka_unit_test(test_id_retries_on_clash),
		cmocka_unit_test(test_id_existing_is_longer),
		cmocka_unit_test(test_id_gives_up),
		cmocka_unit_test(test_message_check),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_render_default),
		cmocka_unit_test(test_render_values_stay_text),
		cmocka_unit_test(test_render_template_features),
		cmocka_unit_test(test_render_bad_template),
		cmocka_unit_test(test_write_and_reparse),
		cmocka_unit_test(test_write_never_overwrites),
		cmocka_unit_test(test_write_refuses_bad_input),
		cmocka_unit_test(test_write_uses_dir_template),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_check_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
