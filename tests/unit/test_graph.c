/* test_graph.c - the revision graph: order, errors, targets and plans. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dbrev/graph.h"

#include "helpers.h"

/* A revision "id" resting on parents and depends (space separated). */
static struct dbrev_revision *
rev(const char *id, const char *parents, const char *depends, int reversible)
{
	struct dbrev_revision *r = NULL;
	struct dbrev_error e;
	char text[512], path[64];

	snprintf(text, sizeof text, "-- revision: %s\n-- parents: %s\n"
	    "-- depends: %s\n-- message: msg %s\n\n-- +upgrade\nSELECT '%s';\n%s",
	    id, parents, depends, id, id,
	    reversible ? "-- +downgrade\nSELECT 'undo';\n" : "");
	snprintf(path, sizeof path, "versions/%s.sql", id);
	dbrev_error_init(&e);
	if (dbrev_revision_parse(path, text, strlen(text), 0, &r, &e) != 0)
		fail_msg("bad test revision %s: %s", id, e.message);
	return r;
}

/*
 * Build from a spec "id:parents:depends[:!]" per entry ("!" marks an
 * irreversible revision), expecting success.
 */
static struct dbrev_graph *
build_spec(const char **spec, size_t n, struct dbrev_error *e)
{
	struct dbrev_revision **revs = calloc(n ? n : 1, sizeof(*revs));
	struct dbrev_graph *g = NULL;
	char buf[256], *id, *par, *dep, *flag;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof buf, "%s", spec[i]);
		id = buf;
		par = strchr(id, ':');
		*par++ = '\0';
		dep = strchr(par, ':');
		*dep++ = '\0';
		flag = strchr(dep, ':');
		if (flag != NULL)
			*flag++ = '\0';
		revs[i] = rev(id, par, dep, flag == NULL);
	}
	rc = dbrev_graph_build(revs, n, &g, e);
	free(revs);
	if (rc != 0)
		assert_null(g);
	return g;
}

static struct dbrev_graph *
graph_ok(const char **spec, size_t n)
{
	struct dbrev_error e;
	struct dbrev_graph *g;
	char buf[1024];

	dbrev_error_init(&e);
	g = build_spec(spec, n, &e);
	if (g == NULL)
		fail_msg("graph failed: %s", dbrev_error_format(&e, buf, sizeof buf));
	assert_false(dbrev_error_isset(&e));
	return g;
}

static size_t
count_spec(const char **spec)
{
	size_t n = 0;

	while (spec[n] != NULL)
		n++;
	return n;
}

#define GRAPH(...) graph_ok((const char *[]){ __VA_ARGS__, NULL }, \
	count_spec((const char *[]){ __VA_ARGS__, NULL }))

/* Apply order as "a b c". */
static char *
order(const struct dbrev_graph *g)
{
	static char buf[1024];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < dbrev_graph_count(g); i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, dbrev_graph_at(g, i)->id);
	}
	return buf;
}

/* Ids of a list of indices as "a b". */
static char *
ids(const struct dbrev_graph *g, const size_t *idx, size_t n)
{
	static char buf[1024];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, dbrev_graph_at(g, idx[i])->id);
	}
	return buf;
}

/* An applied set from "a b c". */
static void
applied_set(const struct dbrev_graph *g, struct dbrev_revset *s,
    const char *list)
{
	char buf[256], *w, *save = NULL;
	long i;

	dbrev_revset_init(s, g);
	snprintf(buf, sizeof buf, "%s", list);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		i = dbrev_graph_index(g, w);
		assert_true(i >= 0);
		s->in[i] = 1;
	}
}

/* Plan as "a b" (ids in run order), or NULL with the error in e. */
static char *
plan(const struct dbrev_graph *g, const char *applied,
    enum dbrev_direction dir, const char *target, struct dbrev_error *e)
{
	static char buf[1024];
	struct dbrev_revset s;
	struct dbrev_plan p;
	int rc;

	applied_set(g, &s, applied);
	rc = dbrev_graph_plan(g, &s, dir, target, &p, e);
	dbrev_revset_free(&s);
	if (rc != 0) {
		assert_int_equal(p.nsteps, 0);
		assert_true(dbrev_error_isset(e));
		return NULL;
	}
	assert_int_equal(p.direction, dir);
	snprintf(buf, sizeof buf, "%s", ids(g, p.steps, p.nsteps));
	dbrev_plan_free(&p);
	return buf;
}

static void
plan_is(const struct dbrev_graph *g, const char *applied,
    enum dbrev_direction dir, const char *target, const char *want)
{
	struct dbrev_error e;
	char *got, buf[1024];

	dbrev_error_init(&e);
	got = plan(g, applied, dir, target, &e);
	if (got == NULL)
		fail_msg("plan %s from {%s} failed: %s", target ? target : "NULL",
		    applied, dbrev_error_format(&e, buf, sizeof buf));
	assert_string_equal(got, want);
}

/* The plan fails with this formatted first error. */
static void
plan_fails(const struct dbrev_graph *g, const char *applied,
    enum dbrev_direction dir, const char *target, const char *want)
{
	struct dbrev_error e;
	char buf[1024];

	dbrev_error_init(&e);
	if (plan(g, applied, dir, target, &e) != NULL)
		fail_msg("plan %s from {%s} should fail", target, applied);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	assert_string_equal(dbrev_error_format(&e, buf, sizeof buf), want);
	dbrev_error_clear(&e);
}

#define UP DBREV_UPGRADE
#define DOWN DBREV_DOWNGRADE

static void
test_linear(void **state)
{
	struct dbrev_graph *g = GRAPH("c:b:", "a::", "b:a:");
	size_t out[3];

	(void)state;
	assert_int_equal(dbrev_graph_count(g), 3);
	assert_string_equal(order(g), "a b c");
	assert_int_equal(dbrev_graph_index(g, "b"), 1);
	assert_int_equal(dbrev_graph_index(g, "x"), -1);
	assert_int_equal(dbrev_graph_index(g, "b "), -1);
	assert_string_equal(dbrev_graph_find(g, "c")->path, "versions/c.sql");
	assert_null(dbrev_graph_find(g, "z"));
	assert_null(dbrev_graph_at(g, 3));
	assert_int_equal(dbrev_graph_heads(g, out), 1);
	assert_string_equal(ids(g, out, 1), "c");
	assert_int_equal(dbrev_graph_bases(g, out), 1);
	assert_string_equal(ids(g, out, 1), "a");
	assert_true(dbrev_graph_is_head(g, 2));
	assert_false(dbrev_graph_is_head(g, 1));
	assert_false(dbrev_graph_is_branchpoint(g, 0));
	assert_int_equal(dbrev_graph_nchildren(g, 0), 1);
	assert_int_equal(dbrev_graph_nchildren(g, 2), 0);
	dbrev_graph_free(g);
}

static void
test_empty_graph(void **state)
{
	struct dbrev_graph *g = GRAPH("x::");
	struct dbrev_graph *e;
	struct dbrev_error err;
	struct dbrev_revset s;
	size_t out[1];

	(void)state;
	dbrev_graph_free(g);
	dbrev_error_init(&err);
	assert_int_equal(dbrev_graph_build(NULL, 0, &e, &err), 0);
	assert_int_equal(dbrev_graph_count(e), 0);
	assert_int_equal(dbrev_graph_heads(e, out), 0);
	assert_int_equal(dbrev_graph_bases(e, out), 0);
	plan_is(e, "", UP, "head", "");
	plan_is(e, "", UP, "heads", "");
	plan_is(e, "", DOWN, "base", "");
	plan_fails(e, "", DOWN, "-1",
	    "cannot downgrade 1 revision: only 0 are applied; use 'base' to "
	    "revert all");
	dbrev_revset_init(&s, e);
	assert_int_equal(dbrev_graph_closure(e, "head", &s, &err), 0);
	assert_int_equal(dbrev_graph_current(e, &s, out), 0);
	dbrev_revset_free(&s);
	dbrev_graph_free(e);
}

static void
test_tie_break_and_roots(void **state)
{
	/* Several roots; ready revisions go in id order. */
	struct dbrev_graph *g = GRAPH("r2::", "r1::", "b1:r1:", "a2:r2:",
	    "z0::");
	size_t out[5];

	(void)state;
	assert_string_equal(order(g), "r1 b1 r2 a2 z0");
	assert_int_equal(dbrev_graph_bases(g, out), 3);
	assert_string_equal(ids(g, out, 3), "r1 r2 z0");
	assert_int_equal(dbrev_graph_heads(g, out), 3);
	assert_string_equal(ids(g, out, 3), "b1 a2 z0");
	dbrev_graph_free(g);
}

static void
test_branch_merge(void **state)
{
	/*
	 *     b - d
	 *    /     \
	 *   a       m - n
	 *    \     /
	 *     c --
	 */
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "c:a:", "d:b:",
	    "m:d c:", "n:m:");
	size_t out[6];

	(void)state;
	assert_string_equal(order(g), "a b c d m n");
	assert_true(dbrev_graph_is_branchpoint(g, 0));
	assert_int_equal(dbrev_graph_nchildren(g, 0), 2);
	assert_int_equal(dbrev_graph_heads(g, out), 1);
	assert_string_equal(ids(g, out, 1), "n");
	assert_int_equal(dbrev_graph_at(g, 4)->nparents, 2);
	dbrev_graph_free(g);
}

static void
test_depends_order(void **state)
{
	/* b (id before z) depends on z: it must wait for z. */
	struct dbrev_graph *g = GRAPH("a::", "b:a:z", "z::");
	size_t out[3];

	(void)state;
	assert_string_equal(order(g), "a z b");
	/* depends makes no child: z stays a head. */
	assert_int_equal(dbrev_graph_heads(g, out), 2);
	assert_string_equal(ids(g, out, 2), "z b");
	assert_int_equal(dbrev_graph_nchildren(g, 1), 0);
	dbrev_graph_free(g);
}

/* Build, expect failure, and return the formatted chain "e1 | e2". */
static char *
build_errors(const char **spec, size_t n)
{
	static char all[2048];
	struct dbrev_error e, *p;
	char buf[1024];

	dbrev_error_init(&e);
	assert_null(build_spec(spec, n, &e));
	all[0] = '\0';
	for (p = &e; p != NULL; p = p->next) {
		assert_int_equal(p->kind, DBREV_ERR_INPUT);
		if (p != &e)
			strcat(all, " | ");
		strcat(all, dbrev_error_format(p, buf, sizeof buf));
	}
	dbrev_error_clear(&e);
	return all;
}

#define ERRORS(...) build_errors((const char *[]){ __VA_ARGS__, NULL }, \
	count_spec((const char *[]){ __VA_ARGS__, NULL }))

static void
test_duplicate(void **state)
{
	(void)state;
	assert_string_equal(ERRORS("a::", "b:a:", "a::"),
	    "versions/a.sql:1: duplicate revision id 'a' (also in "
	    "versions/a.sql); give one of them a new id (revgen makes unique "
	    "ones)");
}

static void
test_missing(void **state)
{
	(void)state;
	assert_string_equal(ERRORS("a::", "b:x:", "c:a:y"),
	    "versions/b.sql:2: parent 'x' of revision 'b' does not exist; fix "
	    "the id, or add the missing revision file | "
	    "versions/c.sql:3: dependency 'y' of revision 'c' does not exist; "
	    "fix the id, or add the missing revision file");
}

static void
test_cycles(void **state)
{
	const char *hint = "; a revision must come after its parents and "
	    "depends; remove one of these links";
	char want[512];

	(void)state;
	snprintf(want, sizeof want, "versions/a.sql:2: revisions form a "
	    "cycle: a -> a%s", hint);
	assert_string_equal(ERRORS("a:a:"), want);

	snprintf(want, sizeof want, "versions/b.sql:2: revisions form a "
	    "cycle: b -> c -> b%s", hint);
	assert_string_equal(ERRORS("r::", "b:c:", "c:b:", "d:c:"), want);

	/* Through depends: the line named is the depends line. */
	snprintf(want, sizeof want, "versions/p.sql:3: revisions form a "
	    "cycle: p -> q -> s -> p%s", hint);
	assert_string_equal(ERRORS("p::s", "q:p:", "s:q:"), want);

	/* Two separate cycles, both reported. */
	snprintf(want, sizeof want, "versions/a.sql:2: revisions form a "
	    "cycle: a -> b -> a%s | versions/x.sql:2: revisions form a cycle: "
	    "x -> y -> x%s", hint, hint);
	assert_string_equal(ERRORS("a:b:", "b:a:", "x:y:", "y:x:", "z:y:"),
	    want);
}

static void
test_errors_chain(void **state)
{
	(void)state;
	/* Every problem, not only the first. */
	assert_string_equal(ERRORS("a::", "a::", "b:nope:", "c:c:"),
	    "versions/a.sql:1: duplicate revision id 'a' (also in "
	    "versions/a.sql); give one of them a new id (revgen makes unique "
	    "ones) | versions/b.sql:2: parent 'nope' of revision 'b' does not "
	    "exist; fix the id, or add the missing revision file | "
	    "versions/c.sql:2: revisions form a cycle: c -> c; a revision must "
	    "come after its parents and depends; remove one of these links");
}

static void
test_lookup(void **state)
{
	struct dbrev_graph *g = GRAPH("ab12::", "ab34:ab12:", "ab:ab34:",
	    "cd99:ab:", "x1::", "x2::", "x3::", "x4::", "x5::", "x6::", "x7::",
	    "x8::", "x9::", "xa::", "xb::", "xc::");
	struct dbrev_error e;
	char buf[512];

	(void)state;
	dbrev_error_init(&e);
	assert_int_equal(dbrev_graph_lookup(g, "cd99", &e), 3);
	assert_int_equal(dbrev_graph_lookup(g, "c", &e), 3);
	assert_int_equal(dbrev_graph_lookup(g, "ab1", &e), 0);
	/* An exact id wins over a longer one it prefixes. */
	assert_int_equal(dbrev_graph_lookup(g, "ab", &e), 2);
	assert_false(dbrev_error_isset(&e));

	assert_int_equal(dbrev_graph_lookup(g, "a", &e), -1);
	assert_string_equal(dbrev_error_format(&e, buf, sizeof buf),
	    "ambiguous revision 'a' matches ab, ab12, ab34; give more "
	    "characters of the id");
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	dbrev_error_clear(&e);

	assert_int_equal(dbrev_graph_lookup(g, "x", &e), -1);
	assert_string_equal(e.message, "ambiguous revision 'x' matches x1, x2, "
	    "x3, x4, x5, x6, x7, x8, x9, xa and 2 more");
	dbrev_error_clear(&e);

	assert_int_equal(dbrev_graph_lookup(g, "q", &e), -1);
	assert_string_equal(dbrev_error_format(&e, buf, sizeof buf),
	    "unknown revision 'q'; revorder lists the revisions");
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_graph_lookup(g, "ab123", &e), -1);
	assert_string_equal(e.message, "unknown revision 'ab123'");
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_graph_lookup(g, "", &e), -1);
	assert_string_equal(e.message, "empty revision name");
	dbrev_error_clear(&e);
	/* Past the last id. */
	assert_int_equal(dbrev_graph_lookup(g, "zz", &e), -1);
	dbrev_error_clear(&e);
	dbrev_graph_free(g);
}

static void
test_upgrade(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "c:b:", "d:c:");

	(void)state;
	plan_is(g, "", UP, "head", "a b c d");
	plan_is(g, "", UP, NULL, "a b c d");
	plan_is(g, "a b", UP, "head", "c d");
	plan_is(g, "a b c d", UP, "head", "");
	plan_is(g, "", UP, "heads", "a b c d");
	plan_is(g, "", UP, "c", "a b c");
	plan_is(g, "a b c", UP, "b", "");
	plan_is(g, "", UP, "base", "");
	plan_is(g, "a", UP, "+2", "b c");
	plan_is(g, "a", UP, "+3", "b c d");
	plan_is(g, "a", UP, "+0", "");
	plan_fails(g, "a", UP, "+4", "cannot upgrade 4 revisions: only 3 are "
	    "not applied; use 'heads' to apply all");
	plan_fails(g, "a b c", UP, "+2", "cannot upgrade 2 revisions: only 1 "
	    "is not applied; use 'heads' to apply all");
	plan_fails(g, "", UP, "-1", "'-1' is not an upgrade target; upgrade "
	    "takes head, heads, base, a revision or +N");
	plan_fails(g, "", UP, "+x", "'+x' is not an upgrade target; upgrade "
	    "takes head, heads, base, a revision or +N");
	plan_fails(g, "", UP, "zz", "unknown revision 'zz'; revorder lists the "
	    "revisions");
	dbrev_graph_free(g);
}

static void
test_upgrade_branches(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "c:a:", "d:b:", "e:c:");
	struct dbrev_graph *m;

	(void)state;
	plan_fails(g, "", UP, "head", "several heads: d, e; name one of them, "
	    "use 'heads', or merge them with 'revgen merge'");
	plan_fails(g, "", UP, NULL, "several heads: d, e; name one of them, "
	    "use 'heads', or merge them with 'revgen merge'");
	plan_is(g, "", UP, "heads", "a b c d e");
	plan_is(g, "", UP, "e", "a c e");
	plan_is(g, "a c", UP, "d", "b d");
	dbrev_graph_free(g);

	/* Across a merge: the other branch comes too. */
	m = GRAPH("a::", "b:a:", "c:a:", "m:b c:", "n:m:");
	plan_is(m, "a b", UP, "head", "c m n");
	plan_is(m, "a c", UP, "m", "b m");
	plan_is(m, "a b", UP, "+1", "c");
	dbrev_graph_free(m);
}

static void
test_upgrade_depends(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "x::", "y:x:", "c:b:y");

	(void)state;
	assert_string_equal(order(g), "a b x y c");
	/* Upgrading to c brings its dependency's branch along. */
	plan_is(g, "", UP, "c", "a b x y c");
	plan_is(g, "a b", UP, "c", "x y c");
	dbrev_graph_free(g);
}

static void
test_downgrade(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "c:b:", "d:c:");

	(void)state;
	plan_is(g, "a b c d", DOWN, "-1", "d");
	plan_is(g, "a b c d", DOWN, NULL, "d");
	plan_is(g, "a b c d", DOWN, "-3", "d c b");
	plan_is(g, "a b c d", DOWN, "base", "d c b a");
	plan_is(g, "a b", DOWN, "base", "b a");
	plan_is(g, "", DOWN, "base", "");
	plan_is(g, "a b c d", DOWN, "b", "d c");
	plan_is(g, "a b c", DOWN, "a", "c b");
	plan_is(g, "a b c d", DOWN, "head", "");
	plan_fails(g, "a b", DOWN, "-3", "cannot downgrade 3 revisions: only 2 "
	    "are applied; use 'base' to revert all");
	plan_fails(g, "a b", DOWN, "c", "versions/c.sql: revision 'c' is not "
	    "applied; downgrade to an applied revision (revapply current "
	    "shows them)");
	plan_fails(g, "a b", DOWN, "+1", "'+1' is not a downgrade target; "
	    "downgrade takes base, a revision or -N");
	plan_fails(g, "a b", DOWN, "heads", "'heads' is not a downgrade "
	    "target; downgrade takes base, a revision or -N");
	dbrev_graph_free(g);
}

static void
test_downgrade_merge(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "c:a:", "m:b c:", "n:m:");

	(void)state;
	plan_is(g, "a b c m n", DOWN, "-2", "n m");
	plan_is(g, "a b c m n", DOWN, "b", "n m");
	plan_is(g, "a b c m n", DOWN, "c", "n m");
	plan_is(g, "a b c m n", DOWN, "a", "n m c b");
	plan_is(g, "a b c", DOWN, "b", "");
	plan_is(g, "a b c", DOWN, "-1", "c");
	dbrev_graph_free(g);
}

static void
test_downgrade_depends(void **state)
{
	/* Reverting y also reverts c, which depends on it. */
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "x::", "y:x:", "c:b:y");

	(void)state;
	plan_is(g, "a b x y c", DOWN, "x", "c y");
	plan_is(g, "a b x y c", DOWN, "a", "c b");
	dbrev_graph_free(g);
}

static void
test_irreversible(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a::!", "c:b:", "d:c::!");
	struct dbrev_error e;
	char buf[512];

	(void)state;
	plan_is(g, "a b c d", DOWN, "d", "");
	plan_fails(g, "a b c d", DOWN, "-1", "versions/d.sql:1: revision 'd' "
	    "is irreversible: it has no downgrade section; add a '-- "
	    "+downgrade' section to it, or downgrade to a later revision");
	/* Every blocker is named, nothing is planned. */
	dbrev_error_init(&e);
	assert_null(plan(g, "a b c d", DOWN, "a", &e));
	assert_int_equal(dbrev_error_count(&e), 2);
	assert_string_equal(dbrev_error_format(&e, buf, sizeof buf),
	    "versions/b.sql:1: revision 'b' is irreversible: it has no "
	    "downgrade section; add a '-- +downgrade' section to it, or "
	    "downgrade to a later revision");
	assert_string_equal(e.next->message, "revision 'd' is irreversible: "
	    "it has no downgrade section");
	dbrev_error_clear(&e);
	plan_is(g, "a b c", DOWN, "b", "c");
	dbrev_graph_free(g);
}

static void
test_closure(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "c:a:", "d:b:", "e:c:");
	struct dbrev_graph *one;
	struct dbrev_error e;
	struct dbrev_revset s;
	size_t i;
	char got[64];

	(void)state;
	dbrev_error_init(&e);
	dbrev_revset_init(&s, g);
	assert_int_equal(s.n, 5);
#define SET() do { got[0] = '\0'; for (i = 0; i < s.n; i++) \
	if (s.in[i]) strcat(got, dbrev_graph_at(g, i)->id); } while (0)
	assert_int_equal(dbrev_graph_closure(g, "d", &s, &e), 0);
	SET();
	assert_string_equal(got, "abd");
	assert_int_equal(dbrev_graph_closure(g, "heads", &s, &e), 0);
	SET();
	assert_string_equal(got, "abcde");
	assert_int_equal(dbrev_graph_closure(g, "base", &s, &e), 0);
	SET();
	assert_string_equal(got, "");
	assert_int_equal(dbrev_graph_closure(g, "e", &s, &e), 0);
	SET();
	assert_string_equal(got, "ace");
	assert_int_equal(dbrev_graph_closure(g, "head", &s, &e), -1);
	assert_string_equal(e.message, "several heads: d, e");
	dbrev_error_clear(&e);
	assert_int_equal(dbrev_graph_closure(g, "+1", &s, &e), -1);
	assert_string_equal(e.message, "'+1' is not a target for stamp");
	dbrev_error_clear(&e);
	dbrev_revset_free(&s);
	dbrev_graph_free(g);
#undef SET

	one = GRAPH("a::", "b:a:", "c:b:");
	dbrev_revset_init(&s, one);
	assert_int_equal(dbrev_graph_closure(one, "head", &s, &e), 0);
	assert_true(s.in[0] && s.in[1] && s.in[2]);
	assert_int_equal(dbrev_graph_closure(one, "b", &s, &e), 0);
	assert_true(s.in[0] && s.in[1] && !s.in[2]);
	dbrev_revset_free(&s);
	dbrev_graph_free(one);
}

static void
test_current(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "c:a:", "m:b c:",
	    "x::", "y:a:x");
	struct dbrev_revset s;
	size_t out[6], n;
	char **cur;

	(void)state;
	applied_set(g, &s, "a b c");
	n = dbrev_graph_current(g, &s, out);
	assert_string_equal(ids(g, out, n), "b c");
	dbrev_revset_free(&s);
	applied_set(g, &s, "a b c m");
	n = dbrev_graph_current(g, &s, out);
	assert_string_equal(ids(g, out, n), "m");
	dbrev_revset_free(&s);
	/* A depends link does not hide x. */
	applied_set(g, &s, "a x y");
	n = dbrev_graph_current(g, &s, out);
	assert_string_equal(ids(g, out, n), "x y");
	/* The same as strings of their own. */
	cur = dbrev_graph_current_ids(g, &s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(cur[0], "x");
	assert_string_equal(cur[1], "y");
	free(cur[0]);
	free(cur[1]);
	free(cur);
	dbrev_revset_free(&s);
	applied_set(g, &s, "");
	assert_int_equal(dbrev_graph_current(g, &s, out), 0);
	dbrev_revset_free(&s);
	dbrev_graph_free(g);
}

static void
test_check_applied(void **state)
{
	struct dbrev_graph *g = GRAPH("a::", "b:a:", "x::", "y:b:x");
	struct dbrev_revset s;
	struct dbrev_error e;

	(void)state;
	dbrev_error_init(&e);
	applied_set(g, &s, "a b x y");
	assert_int_equal(dbrev_graph_check_applied(g, &s, &e), 0);
	dbrev_revset_free(&s);
	applied_set(g, &s, "a b y");
	assert_int_equal(dbrev_graph_check_applied(g, &s, &e), -1);
	assert_string_equal(e.message, "revision 'y' is applied but its "
	    "dependency 'x' is not");
	assert_int_equal(e.kind, DBREV_ERR_RUNTIME);
	assert_non_null(e.hint);
	dbrev_error_clear(&e);
	dbrev_revset_free(&s);
	applied_set(g, &s, "b x");
	assert_int_equal(dbrev_graph_check_applied(g, &s, &e), -1);
	assert_string_equal(e.message, "revision 'b' is applied but its "
	    "parent 'a' is not");
	dbrev_error_clear(&e);
	dbrev_revset_free(&s);
	dbrev_graph_free(g);
}

/* Write a file under dir. */
static void
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
test_load_dir(void **state)
{
	char dir[] = "/tmp/dbrev-test-graph.XXXXXX", v[256], buf[1024];
	struct dbrev_graph *g;
	struct dbrev_error e;

	(void)state;
	dbrev_error_init(&e);
	assert_non_null(mkdtemp(dir));

	/* No versions directory. */
	assert_int_equal(dbrev_graph_load(dir, 0, &g, &e), -1);
	assert_null(g);
	assert_int_equal(e.kind, DBREV_ERR_INPUT);
	snprintf(v, sizeof v, "%s/versions: no versions directory here; "
	    "create a migrations directory with 'revgen init', or name yours "
	    "with -d DIR", dir);
	assert_string_equal(dbrev_error_format(&e, buf, sizeof buf), v);
	dbrev_error_clear(&e);
	snprintf(v, sizeof v, "%s/nothere", dir);
	assert_int_equal(dbrev_graph_load(v, 0, &g, &e), -1);
	assert_string_equal(e.message, "no such migrations directory");
	dbrev_error_clear(&e);

	snprintf(v, sizeof v, "%s/versions", dir);
	assert_int_equal(mkdir(v, 0755), 0);
	/* Empty: a valid, empty graph. */
	assert_int_equal(dbrev_graph_load(dir, 0, &g, &e), 0);
	assert_int_equal(dbrev_graph_count(g), 0);
	dbrev_graph_free(g);

	put(v, "b_second.sql", "-- revision: b\n-- parents: a\n-- +upgrade\nB;\n");
	put(v, "a_first.sql", "-- revision: a\n-- +upgrade\nA;\n-- +downgrade\n"
	    "-A;\n");
	put(v, "README", "not a revision");
	put(v, "notes.txt", "not a revision");
	put(v, ".#a_first.sql", "an editor's lock file");
	put(v, "x.sql~", "a backup");
	snprintf(buf, sizeof buf, "%s/dir.sql", v);
	assert_int_equal(mkdir(buf, 0755), 0);
	/* A trailing slash on DIR is fine. */
	snprintf(buf, sizeof buf, "%s/", dir);
	assert_int_equal(dbrev_graph_load(buf, 0, &g, &e), 0);
	assert_string_equal(order(g), "a b");
	snprintf(buf, sizeof buf, "%s/versions/a_first.sql", dir);
	assert_string_equal(dbrev_graph_at(g, 0)->path, buf);
	assert_string_equal(dbrev_graph_at(g, 0)->downgrade, "-A;\n");
	dbrev_graph_free(g);
	/* Header only: no SQL kept, checksum there. */
	assert_int_equal(dbrev_graph_load(dir, DBREV_PARSE_HEADER_ONLY, &g, &e),
	    0);
	assert_null(dbrev_graph_at(g, 1)->upgrade);
	assert_int_equal(strlen(dbrev_graph_at(g, 1)->checksum), 64);
	dbrev_graph_free(g);

	/* Every bad file is reported, in name order. */
	put(v, "c.sql", "-- revision: c\n-- parents: b\n-- colour: red\n"
	    "-- +upgrade\n");
	put(v, "d.sql", "");
	put(v, "e.sql", "-- revision: e\n-- parents: b\nSELECT 1;\n");
	assert_int_equal(dbrev_graph_load(dir, 0, &g, &e), -1);
	assert_int_equal(dbrev_error_count(&e), 3);
	snprintf(buf, sizeof buf, "%s/versions/c.sql", dir);
	assert_string_equal(e.file, buf);
	assert_int_equal(e.line, 3);
	assert_string_equal(e.next->message, "empty file");
	assert_string_equal(e.next->next->message, "SQL before '-- +upgrade'");
	assert_int_equal(e.next->next->line, 3);
	dbrev_error_clear(&e);

	/* Graph problems across files: duplicate ids name both files. */
	snprintf(buf, sizeof buf, "rm -f %s/c.sql %s/d.sql %s/e.sql", v, v, v);
	assert_int_equal(system(buf), 0);
	put(v, "z_again.sql", "-- revision: a\n-- +upgrade\n");
	assert_int_equal(dbrev_graph_load(dir, 0, &g, &e), -1);
	snprintf(buf, sizeof buf, "duplicate revision id 'a' (also in "
	    "%s/versions/a_first.sql)", dir);
	assert_string_equal(e.message, buf);
	assert_null(e.next);
	dbrev_error_clear(&e);
	th_rmtree(dir);
}

/*
 * A chain 20,000 deep, in reverse id order, is built, ordered and planned
 * both ways on a thread whose stack is 256 KiB: a walk that recursed once
 * per revision would need at least 16 bytes a level (a return address and
 * a frame pointer), 320 KB, and die of the overflow.  How fast it goes is
 * measured by make bench BENCH=revorder (10,000 and 100,000 revisions).
 * cmocka's assertions jump to the main thread's frame, so the thread only
 * records what it found and the test asserts it afterwards.
 */
#define DEEP_STACK	(256 * 1024)

struct deep {
	struct dbrev_revision	**revs;
	size_t			  n;
	int			  built, up, down;	/* return values */
	char			  first[16], last[16];	/* the order's ends */
	size_t			  up_steps, up_last, down_steps, down_first;
};

static void *
deep_chain_work(void *arg)
{
	struct deep *d = arg;
	struct dbrev_graph *g;
	struct dbrev_error e;
	struct dbrev_revset s;
	struct dbrev_plan p;

	dbrev_error_init(&e);
	d->built = dbrev_graph_build(d->revs, d->n, &g, &e);
	if (d->built != 0) {
		dbrev_error_clear(&e);
		return NULL;
	}
	snprintf(d->first, sizeof d->first, "%s", dbrev_graph_at(g, 0)->id);
	snprintf(d->last, sizeof d->last, "%s", dbrev_graph_at(g, d->n - 1)->id);
	dbrev_revset_init(&s, g);
	d->up = dbrev_graph_plan(g, &s, DBREV_UPGRADE, "head", &p, &e);
	if (d->up == 0) {
		d->up_steps = p.nsteps;
		d->up_last = p.steps[p.nsteps - 1];
		dbrev_plan_free(&p);
	}
	memset(s.in, 1, d->n);
	d->down = dbrev_graph_plan(g, &s, DBREV_DOWNGRADE, "r00001", &p, &e);
	if (d->down == 0) {
		d->down_steps = p.nsteps;
		d->down_first = p.steps[0];
		dbrev_plan_free(&p);
	}
	dbrev_revset_free(&s);
	dbrev_graph_free(g);
	dbrev_error_clear(&e);
	return NULL;
}

static void
test_deep_chain_small_stack(void **state)
{
	size_t n = 20000, i;
	struct deep d = { .n = n };
	char id[16], par[16];
	pthread_attr_t attr;
	pthread_t t;

	(void)state;
	d.revs = calloc(n, sizeof(*d.revs));
	assert_non_null(d.revs);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof id, "r%05zu", n - i);
		snprintf(par, sizeof par, "r%05zu", n - i - 1);
		d.revs[i] = rev(id, i + 1 < n ? par : "", "", 1);
	}
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, DEEP_STACK), 0);
	assert_int_equal(pthread_create(&t, &attr, deep_chain_work, &d), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&attr);
	assert_int_equal(d.built, 0);
	free(d.revs);
	assert_string_equal(d.first, "r00001");
	assert_string_equal(d.last, "r20000");
	assert_int_equal(d.up, 0);
	assert_int_equal(d.up_steps, n);
	assert_int_equal(d.up_last, n - 1);
	assert_int_equal(d.down, 0);
	assert_int_equal(d.down_steps, n - 1);
	assert_int_equal(d.down_first, n - 1);
}

/* A baseline (revgen squash): a root, beside none of what it replaces. */
static void
test_baseline(void **state)
{
	struct dbrev_revision *revs[3];
	struct dbrev_graph *g = NULL;
	struct dbrev_error e;
	char buf[1024];
	const char *base =
	    "-- revision: b\n-- parents:%s\n-- replaces: r1 r9\n\n"
	    "-- +upgrade\nSELECT 1;\n";
	char text[256];

	(void)state;
	dbrev_error_init(&e);
	snprintf(text, sizeof text, base, "");
	assert_int_equal(dbrev_revision_parse("versions/b.sql", text,
	    strlen(text), 0, &revs[0], &e), 0);
	revs[1] = rev("r10", "b", "", 1);
	assert_int_equal(dbrev_graph_build(revs, 2, &g, &e), 0);
	assert_int_equal(dbrev_graph_count(g), 2);
	dbrev_graph_free(g);
	/* A replaced revision still there. */
	assert_int_equal(dbrev_revision_parse("versions/b.sql", text,
	    strlen(text), 0, &revs[0], &e), 0);
	revs[1] = rev("r10", "b", "", 1);
	revs[2] = rev("r9", "", "", 1);
	assert_int_equal(dbrev_graph_build(revs, 3, &g, &e), -1);
	assert_string_equal(dbrev_error_format(&e, buf, sizeof buf),
	    "versions/r9.sql: revision 'r9' is in the directory, but baseline "
	    "'b' (versions/b.sql:3) replaces it; move the squashed files to "
	    "versions/squashed/ (upgrade a database with them from another "
	    "directory: revapply -d)");
	dbrev_error_clear(&e);
	/* A baseline with parents. */
	snprintf(text, sizeof text, base, " r10");
	assert_int_equal(dbrev_revision_parse("versions/b.sql", text,
	    strlen(text), 0, &revs[0], &e), 0);
	revs[1] = rev("r10", "", "", 1);
	assert_int_equal(dbrev_graph_build(revs, 2, &g, &e), -1);
	assert_string_equal(dbrev_error_format(&e, buf, sizeof buf),
	    "versions/b.sql:2: baseline 'b' (replaces: r1 r9) has parents; "
	    "a baseline starts the history: remove its parents, or its "
	    "replaces line");
	dbrev_error_clear(&e);
}

/* A repeatable revision in file `name`, resting on depends. */
static struct dbrev_revision *
rpt(const char *name, const char *id, const char *depends)
{
	struct dbrev_revision *r = NULL;
	struct dbrev_error e;
	char text[512], path[128];

	snprintf(text, sizeof text, "-- revision: %s\n-- repeatable: yes\n"
	    "-- depends: %s\n\n-- +upgrade\nSELECT '%s';\n", id, depends, id);
	snprintf(path, sizeof path, "versions/%s", name);
	dbrev_error_init(&e);
	if (dbrev_revision_parse(path, text, strlen(text), 0, &r, &e) != 0)
		fail_msg("bad test repeatable %s: %s", id, e.message);
	return r;
}

/*
 * Repeatables stand apart: not counted, not heads, not planned; in run
 * order by their depends on each other, ties by file name without
 * ".sql" (R__v before R__v_2), whatever their ids.
 */
static void
test_repeatables(void **state)
{
	struct dbrev_revision *in[6];
	struct dbrev_graph *g = NULL;
	struct dbrev_error e;
	struct dbrev_revset s;
	struct dbrev_plan p;
	size_t out[4];

	(void)state;
	dbrev_error_init(&e);
	in[0] = rpt("R__v_2.sql", "aaa", "");
	in[1] = rev("b", "a", "", 1);
	in[2] = rpt("R__v.sql", "zzz", "b");
	in[3] = rpt("R__a.sql", "mmm", "aaa");
	in[4] = rev("a", "", "", 1);
	in[5] = rpt("R__c.sql", "ccc", "");
	assert_int_equal(dbrev_graph_build(in, 6, &g, &e), 0);
	assert_int_equal(dbrev_graph_count(g), 2);
	assert_int_equal(dbrev_graph_nrepeatable(g), 4);
	assert_string_equal(dbrev_graph_repeatable(g, 0)->id, "ccc");
	assert_string_equal(dbrev_graph_repeatable(g, 1)->id, "zzz");
	assert_string_equal(dbrev_graph_repeatable(g, 2)->id, "aaa");
	assert_string_equal(dbrev_graph_repeatable(g, 3)->id, "mmm");
	assert_null(dbrev_graph_repeatable(g, 4));
	assert_int_equal(dbrev_graph_repeatable_index(g, "mmm"), 3);
	assert_int_equal(dbrev_graph_repeatable_index(g, "zzz"), 1);
	assert_int_equal(dbrev_graph_repeatable_index(g, "b"), -1);
	assert_int_equal(dbrev_graph_index(g, "mmm"), -1);
	assert_int_equal(dbrev_graph_heads(g, out), 1);
	assert_string_equal(dbrev_graph_at(g, out[0])->id, "b");
	dbrev_revset_init(&s, g);
	assert_int_equal(dbrev_graph_plan(g, &s, DBREV_UPGRADE, "head", &p,
	    &e), 0);
	assert_int_equal(p.nsteps, 2);
	dbrev_plan_free(&p);
	dbrev_revset_free(&s);
	dbrev_graph_free(g);
}

/* build IN: expect failure, return the errors as one string. */
static char *
build_fails(struct dbrev_revision **in, size_t n)
{
	struct dbrev_graph *g = NULL;
	struct dbrev_error e, *p;
	static char all[2048];
	char buf[512];

	dbrev_error_init(&e);
	assert_int_equal(dbrev_graph_build(in, n, &g, &e), -1);
	assert_null(g);
	all[0] = '\0';
	for (p = &e; p != NULL && p->kind != DBREV_ERR_NONE; p = p->next) {
		strncat(all, dbrev_error_format(p, buf, sizeof buf),
		    sizeof all - strlen(all) - 2);
		strcat(all, "\n");
	}
	dbrev_error_clear(&e);
	return all;
}

static void
test_repeatable_errors(void **state)
{
	struct dbrev_revision *in[4];

	(void)state;
	/* A versioned revision names a repeatable: parent or depends. */
	in[0] = rev("a", "", "", 1);
	in[1] = rev("b", "a", "r", 1);
	in[2] = rpt("R__r.sql", "r", "");
	in[3] = rev("c", "r", "", 1);
	assert_string_equal(build_fails(in, 4),
	    "versions/b.sql:3: dependency 'r' of revision 'b' is a repeatable "
	    "revision; repeatables run after every versioned revision; remove "
	    "the id, or make it a versioned revision\n"
	    "versions/c.sql:2: parent 'r' of revision 'c' is a repeatable "
	    "revision; repeatables run after every versioned revision; remove "
	    "the id, or make it a versioned revision\n");
	/* Ids unique across both kinds and among repeatables. */
	in[0] = rev("a", "", "", 1);
	in[1] = rpt("R__a.sql", "a", "");
	in[2] = rpt("R__x.sql", "x", "");
	in[3] = rpt("R__y.sql", "x", "");
	assert_string_equal(build_fails(in, 4),
	    "versions/R__a.sql:1: duplicate revision id 'a' (also in "
	    "versions/a.sql); give one of them a new id (revgen makes unique "
	    "ones)\n"
	    "versions/R__y.sql:1: duplicate revision id 'x' (also in "
	    "versions/R__x.sql); give one of them a new id (revgen makes "
	    "unique ones)\n");
	/* Depends unknown; a cycle among repeatables. */
	in[0] = rpt("R__p.sql", "p", "q");
	in[1] = rpt("R__q.sql", "q", "p");
	assert_string_equal(build_fails(in, 2),
	    "versions/R__p.sql:3: revisions form a cycle: p -> q -> p; a "
	    "revision must come after its parents and depends; remove one of "
	    "these links\n");
	in[0] = rpt("R__p.sql", "p", "nope");
	assert_string_equal(build_fails(in, 1),
	    "versions/R__p.sql:3: dependency 'nope' of revision 'p' does not "
	    "exist; fix the id, or add the missing revision file\n");
}

/* 10,000 repeatables, each on the next: ordered, in O(n log n). */
static void
test_repeatables_many(void **state)
{
	enum { N = 10000 };
	struct dbrev_revision **in = calloc(N, sizeof(*in));
	struct dbrev_graph *g = NULL;
	struct dbrev_error e;
	char name[32], id[32], dep[32];
	size_t i;

	(void)state;
	dbrev_error_init(&e);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof name, "R__%05zu.sql", i);
		snprintf(id, sizeof id, "r%zu", i);
		if (i + 1 < N)
			snprintf(dep, sizeof dep, "r%zu", i + 1);
		else
			dep[0] = '\0';
		in[i] = rpt(name, id, dep);
	}
	assert_int_equal(dbrev_graph_build(in, N, &g, &e), 0);
	assert_int_equal(dbrev_graph_nrepeatable(g), N);
	assert_string_equal(dbrev_graph_repeatable(g, 0)->id, "r9999");
	assert_string_equal(dbrev_graph_repeatable(g, N - 1)->id, "r0");
	for (i = 0; i < N; i += 997) {
		snprintf(id, sizeof id, "r%zu", i);
		assert_int_equal(dbrev_graph_repeatable_index(g, id),
		    (long)(N - 1 - i));
	}
	dbrev_graph_free(g);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeatables),
		cmocka_unit_test(test_repeatable_errors),
		cmocka_unit_test(test_repeatables_many),
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_empty_graph),
		cmocka_unit_test(test_tie_break_and_roots),
		cmocka_unit_test(test_branch_merge),
		cmocka_unit_test(test_depends_order),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_errors_chain),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_upgrade_branches),
		cmocka_unit_test(test_upgrade_depends),
		cmocka_unit_test(test_downgrade),
		cmocka_unit_test(test_downgrade_merge),
		cmocka_unit_test(test_downgrade_depends),
		cmocka_unit_test(test_irreversible),
		cmocka_unit_test(test_closure),
		cmocka_unit_test(test_current),
		cmocka_unit_test(test_check_applied),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_deep_chain_small_stack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
