/*
 * test_schema.c - the schema model and the dialect-neutral diff: what
 * counts as a difference and the order changes come out in, on models
 * built by hand (the way any dialect's introspection builds them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dbrev/schema.h"
#include "../../lib/schema/sqltok.h"

static struct dbrev_table *
table(struct dbrev_schema *s, const char *schema, const char *name,
    const char *cols)
{
	struct dbrev_table *t = dbrev_schema_add_table(s, schema, name);
	char buf[256], *c, *save = NULL;

	snprintf(buf, sizeof buf, "%s", cols);
	for (c = strtok_r(buf, ",", &save); c != NULL;
	    c = strtok_r(NULL, ",", &save)) {
		struct dbrev_column *col = dbrev_table_add_column(t, c);
		col->type = strdup("integer");
	}
	return t;
}

static struct dbrev_object *
object(struct dbrev_schema *s, enum dbrev_object_kind k, const char *schema,
    const char *name, const char *def, const char *dep)
{
	struct dbrev_object *o = dbrev_schema_add_object(s, k, schema, name);

	o->definition = strdup(def);
	o->sql = strdup(def);
	if (dep != NULL)
		dbrev_strv_add(&o->deps, &o->ndeps, dep);
	return o;
}

static void
fk(struct dbrev_table *t, const char *col, const char *ref, const char *refq)
{
	struct dbrev_constraint *c;

	c = dbrev_table_add_constraint(t, DBREV_CON_FOREIGN_KEY, NULL);
	dbrev_strv_add(&c->columns, &c->ncolumns, col);
	c->ref_table = strdup(ref);
	dbrev_strv_add(&t->deps, &t->ndeps, refq);
}

/* "kind name" of each change, one per line, for order assertions. */
static char *
order(const struct dbrev_diff *d)
{
	static char buf[4096];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < d->nchanges; i++) {
		const struct dbrev_change *c = &d->changes[i];
		static const char *const k[] = { "create-table", "drop-table",
		    "alter-table", "create", "drop", "alter" };
		const char *name = c->to ? c->to->name : c->from ? c->from->name :
		    c->obj_to ? c->obj_to->name : c->obj_from->name;

		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %s\n",
		    k[c->kind], name);
	}
	return buf;
}

static void
diff(const struct dbrev_schema *a, const struct dbrev_schema *b,
    const struct dbrev_diff_options *o, struct dbrev_diff *d)
{
	struct dbrev_error e = { 0 };

	assert_int_equal(dbrev_schema_diff(a, b, o, d, &e), 0);
}

static void
test_equal_schemas(void **state)
{
	struct dbrev_schema *a = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_schema *b = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_diff d;

	(void)state;
	table(a, "public", "t", "a,b,c");
	table(b, "public", "t", "c,a,b");	/* order does not count */
	object(a, DBREV_OBJ_INDEX, "public", "ix", "create index ix on t(a)",
	    "public.t");
	object(b, DBREV_OBJ_INDEX, "public", "ix", "create index ix on t(a)",
	    "public.t");
	dbrev_schema_sort(a);
	dbrev_schema_sort(b);
	diff(a, b, NULL, &d);
	assert_int_equal(d.nchanges, 0);
	assert_int_equal(d.ndifferences, 0);
	dbrev_diff_free(&d);
	dbrev_schema_free(a);
	dbrev_schema_free(b);
}

/* Types before the tables that use them; tables dropped before types. */
static void
test_prerequisites_order(void **state)
{
	struct dbrev_schema *a = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_schema *b = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_table *t;
	struct dbrev_diff d;

	(void)state;
	t = table(b, "public", "orders", "id,state");
	dbrev_strv_add(&t->deps, &t->ndeps, "public.state");
	object(b, DBREV_OBJ_ENUM, "public", "state", "enum(a,b)", NULL);
	object(b, DBREV_OBJ_VIEW, "public", "open", "select ... orders",
	    "public.orders");
	object(b, DBREV_OBJ_SCHEMA, NULL, "public", "schema public", NULL);
	dbrev_schema_sort(a);
	dbrev_schema_sort(b);
	diff(a, b, NULL, &d);
	assert_string_equal(order(&d), "create public\ncreate state\n"
	    "create-table orders\ncreate open\n");
	assert_int_equal(d.ndifferences, 4);
	dbrev_diff_free(&d);
	/* And back: view, table, then the type. */
	diff(b, a, NULL, &d);
	assert_string_equal(order(&d), "drop open\ndrop-table orders\n"
	    "drop state\ndrop public\n");
	assert_int_equal(d.changes[1].destructive, 1);
	dbrev_diff_free(&d);
	dbrev_schema_free(a);
	dbrev_schema_free(b);
}

/* A type a table needs only through a domain also waits for the table. */
static void
test_prerequisite_chain(void **state)
{
	struct dbrev_schema *a = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_schema *b = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_table *t;
	struct dbrev_diff d;

	(void)state;
	t = table(a, "public", "t", "id,m");
	dbrev_strv_add(&t->deps, &t->ndeps, "public.mood_d");
	object(a, DBREV_OBJ_DOMAIN, "public", "mood_d", "domain mood_d as mood",
	    "public.mood");
	object(a, DBREV_OBJ_ENUM, "public", "mood", "enum(a)", NULL);
	object(a, DBREV_OBJ_FUNCTION, "public", "f()", "function f", NULL);
	dbrev_schema_sort(a);
	dbrev_schema_sort(b);
	diff(a, b, NULL, &d);
	assert_string_equal(order(&d), "drop f()\ndrop-table t\n"
	    "drop mood_d\ndrop mood\n");
	dbrev_diff_free(&d);
	diff(b, a, NULL, &d);
	assert_string_equal(order(&d), "create f()\ncreate mood\n"
	    "create mood_d\ncreate-table t\n");
	dbrev_diff_free(&d);
	dbrev_schema_free(a);
	dbrev_schema_free(b);
}

/* Referenced tables first when creating, last when dropping. */
static void
test_foreign_key_order(void **state)
{
	struct dbrev_schema *a = dbrev_schema_new(DBREV_DIALECT_SQLITE);
	struct dbrev_schema *b = dbrev_schema_new(DBREV_DIALECT_SQLITE);
	struct dbrev_diff d;

	(void)state;
	fk(table(b, NULL, "a_child", "id,p"), "p", "z_parent", "z_parent");
	fk(table(b, NULL, "m_grandchild", "id,c"), "c", "a_child", "a_child");
	table(b, NULL, "z_parent", "id");
	/* A cycle must not hang: self reference. */
	fk(table(b, NULL, "node", "id,up"), "up", "node", "node");
	dbrev_schema_sort(b);
	diff(a, b, NULL, &d);
	assert_string_equal(order(&d), "create-table z_parent\n"
	    "create-table a_child\ncreate-table m_grandchild\n"
	    "create-table node\n");
	dbrev_diff_free(&d);
	diff(b, a, NULL, &d);
	assert_string_equal(order(&d), "drop-table node\n"
	    "drop-table m_grandchild\ndrop-table a_child\n"
	    "drop-table z_parent\n");
	dbrev_diff_free(&d);
	dbrev_schema_free(a);
	dbrev_schema_free(b);
}

/*
 * A column change invalidates views on the table (and views on those):
 * dropped first, dependents first; created again after the alter.
 */
static void
test_views_around_alter(void **state)
{
	struct dbrev_schema *a = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_schema *b = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_table *ta, *tb;
	struct dbrev_diff d;

	(void)state;
	ta = table(a, "public", "t", "a,b");
	tb = table(b, "public", "t", "a,b");
	free(tb->columns[1].type);
	tb->columns[1].type = strdup("bigint");
	object(a, DBREV_OBJ_VIEW, "public", "v1", "select a, b from t",
	    "public.t");
	object(a, DBREV_OBJ_VIEW, "public", "v2", "select * from v1",
	    "public.v1");
	object(a, DBREV_OBJ_INDEX, "public", "ix", "index on t(b)", "public.t");
	object(b, DBREV_OBJ_VIEW, "public", "v1", "select a, b from t",
	    "public.t");
	object(b, DBREV_OBJ_VIEW, "public", "v2", "select * from v1",
	    "public.v1");
	object(b, DBREV_OBJ_INDEX, "public", "ix", "index on t(b)", "public.t");
	dbrev_schema_sort(a);
	dbrev_schema_sort(b);
	diff(a, b, NULL, &d);
	assert_string_equal(order(&d), "drop v2\ndrop v1\nalter-table t\n"
	    "create v1\ncreate v2\n");
	assert_int_equal(d.ndifferences, 1);	/* only the column */
	assert_non_null(strstr(d.changes[2].description,
	    "alter column public.t.b: type integer -> bigint"));
	assert_int_equal(d.changes[2].ncolumns, 1);
	assert_int_equal(d.changes[2].columns[0].what, DBREV_COL_TYPE);
	assert_null(d.changes[0].description);
	dbrev_diff_free(&d);
	(void)ta;
	dbrev_schema_free(a);
	dbrev_schema_free(b);
}

/* An alterable kind changes in place; others are dropped and created. */
static void
test_alterable_kinds(void **state)
{
	struct dbrev_schema *a = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_schema *b = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_diff_options o = { 0 };
	struct dbrev_diff d;

	(void)state;
	object(a, DBREV_OBJ_ENUM, "public", "mood", "enum(sad,ok)", NULL);
	object(b, DBREV_OBJ_ENUM, "public", "mood", "enum(sad,ok,happy)", NULL);
	dbrev_schema_sort(a);
	dbrev_schema_sort(b);
	diff(a, b, NULL, &d);
	assert_string_equal(order(&d), "drop mood\ncreate mood\n");
	assert_string_equal(d.changes[0].description, "change enum public.mood");
	dbrev_diff_free(&d);
	o.alterable_kinds = 1u << DBREV_OBJ_ENUM;
	diff(a, b, &o, &d);
	assert_string_equal(order(&d), "alter mood\n");
	dbrev_diff_free(&d);
	dbrev_schema_free(a);
	dbrev_schema_free(b);
}

static int
replaces_views(const struct dbrev_object *o, const struct dbrev_schema *from,
    const struct dbrev_schema *to, void *arg)
{
	(void)from;
	(void)to;
	return o->kind == DBREV_OBJ_VIEW && arg == (void *)&replaces_views;
}

/* An object altered in place can still make what uses it be recreated. */
static void
test_replaces(void **state)
{
	struct dbrev_schema *a = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_schema *b = dbrev_schema_new(DBREV_DIALECT_POSTGRES);
	struct dbrev_diff_options o = { 0 };
	struct dbrev_diff d;

	(void)state;
	object(a, DBREV_OBJ_ENUM, "public", "mood", "enum(sad,ok)", NULL);
	object(b, DBREV_OBJ_ENUM, "public", "mood", "enum(ok,sad)", NULL);
	object(a, DBREV_OBJ_VIEW, "public", "v", "select mood", "public.mood");
	object(b, DBREV_OBJ_VIEW, "public", "v", "select mood", "public.mood");
	object(a, DBREV_OBJ_VIEW, "public", "w", "select v", "public.v");
	object(b, DBREV_OBJ_VIEW, "public", "w", "select v", "public.v");
	dbrev_schema_sort(a);
	dbrev_schema_sort(b);
	o.alterable_kinds = 1u << DBREV_OBJ_ENUM;
	diff(a, b, &o, &d);
	assert_string_equal(order(&d), "alter mood\n");
	dbrev_diff_free(&d);
	/* v is replaced, so is w, which reads it; dependents first. */
	o.replaces = replaces_views;
	o.arg = (void *)&replaces_views;
	diff(a, b, &o, &d);
	assert_string_equal(order(&d), "drop w\ndrop v\nalter mood\n"
	    "create v\ncreate w\n");
	assert_int_equal(d.ndifferences, 1);
	dbrev_diff_free(&d);
	dbrev_schema_free(a);
	dbrev_schema_free(b);
}

/* Constraints compare as a set; a changed one is drop + add. */
static void
test_constraints(void **state)
{
	struct dbrev_schema *a = dbrev_schema_new(DBREV_DIALECT_SQLITE);
	struct dbrev_schema *b = dbrev_schema_new(DBREV_DIALECT_SQLITE);
	struct dbrev_table *ta, *tb;
	struct dbrev_constraint *c;
	struct dbrev_diff d;

	(void)state;
	ta = table(a, NULL, "t", "a");
	tb = table(b, NULL, "t", "a");
	c = dbrev_table_add_constraint(ta, DBREV_CON_CHECK, NULL);
	c->expr = strdup("a > 0");
	c = dbrev_table_add_constraint(ta, DBREV_CON_UNIQUE, NULL);
	dbrev_strv_add(&c->columns, &c->ncolumns, "a");
	c = dbrev_table_add_constraint(tb, DBREV_CON_UNIQUE, NULL);
	dbrev_strv_add(&c->columns, &c->ncolumns, "a");
	c = dbrev_table_add_constraint(tb, DBREV_CON_CHECK, "pos");
	c->expr = strdup("a > 0");
	diff(a, b, NULL, &d);
	assert_int_equal(d.nchanges, 1);
	assert_int_equal(d.changes[0].nconstraints, 2);
	assert_string_equal(d.changes[0].description,
	    "drop check (a > 0) on t; add constraint pos check (a > 0) on t");
	dbrev_diff_free(&d);
	dbrev_schema_free(a);
	dbrev_schema_free(b);
}

static void
test_ident(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(dbrev_sql_ident("users", buf, sizeof buf), "users");
	assert_string_equal(dbrev_sql_ident("Users", buf, sizeof buf),
	    "\"Users\"");
	assert_string_equal(dbrev_sql_ident("order", buf, sizeof buf),
	    "\"order\"");
	assert_string_equal(dbrev_sql_ident("a\"b", buf, sizeof buf),
	    "\"a\"\"b\"");
	assert_string_equal(dbrev_sql_ident("my col", buf, sizeof buf),
	    "\"my col\"");
}

/* The value of the only token of sql, of type t. */
static void
tok_is(const char *sql, enum dbrev_tok_type t, const char *value)
{
	struct dbrev_tok *tv;
	size_t n;
	char *v;

	dbrev_sqltok_all(sql, &tv, &n);
	assert_int_equal(n, 1);
	assert_int_equal(tv[0].type, t);
	v = dbrev_tok_text(&tv[0]);
	assert_string_equal(v, value);
	free(v);
	free(tv);
}

static void
test_tokens(void **state)
{
	struct dbrev_tok *tv;
	size_t n;

	(void)state;
	tok_is("'it''s'", T_STRING, "it's");
	tok_is("E'a\\\\b\\'c\\n'", T_STRING, "a\\b'c\n");
	tok_is("e'\\x41\\101'", T_STRING, "AA");
	tok_is("$$a 'b' -- c$$", T_STRING, "a 'b' -- c");
	tok_is("$f$ $$ $g$ $f$", T_STRING, " $$ $g$ ");
	tok_is("\"a\"\"b\"", T_QUOTED, "a\"b");
	tok_is("[x y]", T_QUOTED, "x y");
	tok_is("Name", T_WORD, "Name");
	/* $1 is a parameter, not a dollar quote; a quote inside E'' ends
	   only when not escaped. */
	dbrev_sqltok_all("$1 E'\\'' x", &tv, &n);
	assert_int_equal(n, 3);
	assert_int_equal(tv[0].type, T_WORD);
	assert_int_equal(tv[1].type, T_STRING);
	assert_int_equal(tv[2].type, T_WORD);
	free(tv);
	/* Unterminated: everything to the end, no overread. */
	tok_is("$q$ never closed", T_STRING, " never closed");
	dbrev_sqltok_all("E'open", &tv, &n);
	assert_int_equal(n, 1);
	free(tv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_schemas),
		cmocka_unit_test(test_prerequisites_order),
		cmocka_unit_test(test_prerequisite_chain),
		cmocka_unit_test(test_foreign_key_order),
		cmocka_unit_test(test_views_around_alter),
		cmocka_unit_test(test_alterable_kinds),
		cmocka_unit_test(test_replaces),
		cmocka_unit_test(test_constraints),
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
