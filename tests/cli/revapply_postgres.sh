# revapply on the private PostgreSQL server: every verb and target form,
# branches and merges, failures and how they are reported, NOTICEs, a
# schema-qualified version table, offline SQL through psql, connection
# errors, and passwords that never show.  (Concurrency and kill -9:
# revapply_concurrency_postgres.sh.)
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
. "$DBREV_SRCDIR/tests/lib/offline.sh"	# offline_same
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR

if ! pg_available; then
	skip "revapply on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

# Databases are named $P<name>: other tests share the server.
P=rp_
# q DB SQL: one query's rows, fields separated by |.
q() { psql -X -At -d "$P$1" -c "$2" 2>&1; }
# rows DB [TABLE]: the revisions recorded, sorted, space separated.
rows() {
	q "$1" "select revision from ${2:-dbrev_revisions} order by revision" |
	    tr '\n' ' '
}
# has DB NAME: 1 when a relation of that name exists, else 0.
has() { q "$1" "select count(*) from pg_class where relname = '$2'"; }
# wait_for DB SQL VALUE: poll (up to 15 s) until the query gives VALUE.
wait_for() {
	_n=0
	while [ "$(q "$1" "$2")" != "$3" ]; do
		_n=$((_n + 1))
		[ "$_n" -lt 300 ] || return 1
		sleep 0.05
	done
}
newdb() { pg_newdb "$P$1" || { echo "cannot create database $1" >&2; exit 1; }; }
# url DB: the URL of an existing database.
url() { printf 'postgresql:///%s?host=%s&port=%s&user=%s' "$P$1" "$PGHOST" "$PGPORT" "$PGUSER"; }

# A chain a1 -> b2 -> c3.
rev m a1aaaaaaaaaa "" "Create users" \
    "CREATE TABLE users (id serial PRIMARY KEY, name text);" "DROP TABLE users;"
rev m b2bbbbbbbbbb a1aaaaaaaaaa "Add prefs" \
    "CREATE TABLE prefs (id int PRIMARY KEY, user_id int REFERENCES users);
INSERT INTO users (name) VALUES ('ann');
INSERT INTO prefs VALUES (1, 1);" "DROP TABLE prefs;"
rev m c3cccccccccc b2bbbbbbbbbb "Add posts" \
    "CREATE TABLE posts (id int PRIMARY KEY);" "DROP TABLE posts;"
DATABASE_URL=$(newdb app)
export DATABASE_URL
app=app

tcase "upgrade a fresh database to head reports each step"
run revapply -d m upgrade
status_is 0
stdout_is ""
stderr_has "upgrade <base> -> a1aaaaaaaaaa, Create users ("
stderr_has "upgrade a1aaaaaaaaaa -> b2bbbbbbbbbb, Add prefs ("
stderr_has "upgrade b2bbbbbbbbbb -> c3cccccccccc, Add posts ("
grep -Eq '^upgraded 3 revisions to c3cccccccccc in [0-9]+ ms$' "$ERR" ||
	fail "no summary line: $(cat "$ERR")"
[ "$(rows $app)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] ||
	fail "rows: $(rows $app)"
[ "$(q $app "select count(*) from pg_tables where tablename in ('users','prefs','posts')")" = 3 ] ||
	fail "tables missing"
[ "$(q $app "select count(*) from dbrev_revisions where state = 'applied' and checksum ~ '^[0-9a-f]{64}$' and applied_at > now() - interval '1 hour'")" = 3 ] ||
	fail "rows not complete: $(q $app 'table dbrev_revisions')"
[ "$(q $app "select string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' order by ordinal_position) from information_schema.columns where table_name = 'dbrev_revisions'")" = \
    "revision text NO, checksum text NO, state text NO, applied_at timestamp with time zone NO" ] ||
	fail "version table columns: $(q $app "select column_name, data_type from information_schema.columns where table_name = 'dbrev_revisions'")"

tcase "upgrade again: nothing to do; -q is silent"
run revapply -d m upgrade
status_is 0
stderr_is "nothing to do: at c3cccccccccc"
run revapply -q -d m upgrade head
status_is 0
stderr_is ""
stdout_is ""

tcase "current and history"
run revapply -d m current
status_is 0
stdout_is "c3cccccccccc (head)"
run revapply -d m history
status_is 0
stdout_is "b2bbbbbbbbbb -> c3cccccccccc (head) (current), Add posts
a1aaaaaaaaaa -> b2bbbbbbbbbb [applied], Add prefs
<base> -> a1aaaaaaaaaa [applied], Create users"

tcase "downgrade defaults to -1; base reverts everything"
run revapply -d m downgrade
status_is 0
stderr_has "downgrade c3cccccccccc -> b2bbbbbbbbbb, Add posts ("
stderr_has "downgraded 1 revision to b2bbbbbbbbbb in "
[ "$(has $app posts)" = 0 ] || fail "posts still there"
run revapply -d m downgrade base
status_is 0
stderr_has "downgrade a1aaaaaaaaaa -> <base>, Create users ("
stderr_has "downgraded 2 revisions to <base> in "
[ "$(rows $app)" = "" ] || fail "rows left: $(rows $app)"
[ "$(q $app "select count(*) from pg_tables where tablename in ('users','prefs')")" = 0 ] ||
	fail "tables left"
run revapply -d m current
status_is 0
stdout_is ""

tcase "upgrade to an id, a prefix, +N, heads; downgrade to an id and -N"
run revapply -d m upgrade a1aaaaaaaaaa
status_is 0
[ "$(rows $app)" = "a1aaaaaaaaaa " ] || fail "after id: $(rows $app)"
run revapply -d m upgrade +1
status_is 0
[ "$(rows $app)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "after +1: $(rows $app)"
run revapply -d m upgrade c3cc
status_is 0
stderr_has "upgraded 1 revision to c3cccccccccc"
run revapply -d m downgrade a1aa
status_is 0
[ "$(rows $app)" = "a1aaaaaaaaaa " ] || fail "after downgrade id: $(rows $app)"
run revapply -d m upgrade heads
status_is 0
stderr_has "upgraded 2 revisions to c3cccccccccc"
run revapply -d m downgrade -2
status_is 0
stderr_has "downgraded 2 revisions to a1aaaaaaaaaa"
run revapply -d m upgrade base
status_is 0
stderr_is "nothing to do: at a1aaaaaaaaaa"

tcase "unknown and bad targets exit 2 and change nothing"
run revapply -d m upgrade ffff
status_is 2
stderr_has "ffff"
run revapply -d m downgrade +1
status_is 2
run revapply -d m upgrade +9
status_is 2
run revapply -d m downgrade c3cccccccccc
status_is 2
[ "$(rows $app)" = "a1aaaaaaaaaa " ] || fail "changed: $(rows $app)"

tcase "stamp sets the version table, running no SQL"
run revapply -d m stamp head
status_is 0
stderr_has "stamped: at c3cccccccccc"
[ "$(rows $app)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(rows $app)"
[ "$(has $app posts)" = 0 ] || fail "stamp ran SQL"
run revapply -d m stamp b2bb
status_is 0
[ "$(rows $app)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "rows: $(rows $app)"
run revapply -d m stamp base
status_is 0
[ "$(rows $app)" = "" ] || fail "rows: $(rows $app)"
run revapply -d m stamp nosuch
status_is 2

tcase "branches: head is ambiguous, heads applies all, current lists both"
rev br r00000000001 "" "root" "CREATE TABLE r (x int);" "DROP TABLE r;"
rev br x00000000001 r00000000001 "left" "CREATE TABLE lft (x int);" "DROP TABLE lft;"
rev br y00000000001 r00000000001 "right" "CREATE TABLE rgt (x int);" "DROP TABLE rgt;"
bru=$(newdb br)
run revapply -d br -u "$bru" upgrade
status_is 2
stderr_has "several heads"
run revapply -d br -u "$bru" upgrade heads
status_is 0
stderr_has "upgraded 3 revisions to x00000000001, y00000000001"
run revapply -d br -u "$bru" current
stdout_is "x00000000001 (head)
y00000000001 (head)"

tcase "merges: upgrade and downgrade through a merge revision"
rev br z00000000001 "x00000000001 y00000000001" "merge" "CREATE TABLE mrg (x int);" "DROP TABLE mrg;"
run revapply -d br -u "$bru" upgrade
status_is 0
stderr_has "upgrade x00000000001, y00000000001 -> z00000000001, merge ("
run revapply -d br -u "$bru" current
stdout_is "z00000000001 (head)"
run revapply -d br -u "$bru" downgrade
status_is 0
stderr_has "downgrade z00000000001 -> x00000000001, y00000000001, merge ("
run revapply -d br -u "$bru" downgrade r0000
status_is 0
stderr_has "downgraded 2 revisions to r00000000001"
run revapply -d br -u "$bru" upgrade y0000
status_is 0
run revapply -d br -u "$bru" upgrade z0000
status_is 0
stderr_has "upgraded 2 revisions to z00000000001"
[ "$(rows br)" = "r00000000001 x00000000001 y00000000001 z00000000001 " ] || fail "rows: $(rows br)"

# f: a1 ok; b2 fails on line 11 (the server points at "nosuch"); c3 ok.
rev f a1aaaaaaaaaa "" "one" "CREATE TABLE one (x int);" "DROP TABLE one;"
rev f b2bbbbbbbbbb a1aaaaaaaaaa "two" "CREATE TABLE two (x int);
INSERT INTO two VALUES (1);

-- the next statement fails; 'é' is one character, two bytes
INSERT INTO two SELECT 'é' = 'é'::text AND true, x FROM
    nosuch;
CREATE TABLE two_b (x int);" "DROP TABLE two;"
rev f c3cccccccccc b2bbbbbbbbbb "three" "CREATE TABLE three (x int);" "DROP TABLE three;"

tcase "a failing statement mid-revision mid-chain: file:line, earlier kept, failing one rolled back"
fu=$(newdb f)
run revapply -d f -u "$fu" upgrade
status_is 1
stderr_has "upgrade <base> -> a1aaaaaaaaaa, one ("
stderr_has 'revapply: f/versions/b2bbbbbbbbbb_rev.sql:11: relation "nosuch" does not exist (revision b2bbbbbbbbbb)'
[ "$(grep -c nosuch "$ERR")" = 1 ] || fail "error printed more than once"
stderr_lacks "c3cccccccccc"
[ "$(rows f)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows f)"
[ "$(q f "select string_agg(tablename, ',') from pg_tables where tablename in ('one','two','two_b','three')")" = one ] ||
	fail "tables: $(q f "select tablename from pg_tables where schemaname = 'public'")"
run revapply -d f -u "$fu" current
stdout_is "a1aaaaaaaaaa"

tcase "an error without a position names its statement's first line"
rev f2 a1aaaaaaaaaa "" "one" "CREATE TABLE one (x int PRIMARY KEY);
INSERT INTO one VALUES (1);
/* a comment; with a semicolon */ INSERT INTO one
  VALUES (1);" "DROP TABLE one;"
run revapply -d f2 -u "$(newdb f2)" upgrade
status_is 1
stderr_has 'f2/versions/a1aaaaaaaaaa_rev.sql:8: duplicate key value violates unique constraint "one_pkey"'
[ "$(has f2 one)" = 0 ] || fail "not rolled back"
rev f3 a1aaaaaaaaaa "" "one" "CREATE TABLE one (x int);
CREATE FUNCTION f() RETURNS int AS \$\$ SELECT 1; \$\$ LANGUAGE sql;
SELEC 1;" "DROP TABLE one;"
run revapply -d f3 -u "$(newdb f3)" upgrade
status_is 1
stderr_has 'f3/versions/a1aaaaaaaaaa_rev.sql:8: syntax error at or near "SELEC"'

tcase "--single-transaction: a failure rolls back every revision of the run"
fu=$(newdb fs)
run revapply -d f -u "$fu" --single-transaction upgrade
status_is 1
stderr_has 'f/versions/b2bbbbbbbbbb_rev.sql:11: relation "nosuch" does not exist'
[ "$(rows fs)" = "" ] || fail "rows: $(rows fs)"
[ "$(has fs one)" = 0 ] || fail "one kept"
stderr_has "revapply: --single-transaction: the upgrade of the 1 revision reported before it (a1aaaaaaaaaa) was rolled back with it: the database is as before the run"
run revapply -d m -u "$(newdb single)" --single-transaction upgrade
status_is 0
stderr_has "upgraded 3 revisions"
[ "$(rows single)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(rows single)"

tcase "a statement that cannot run in a transaction suggests transaction: none"
rev vac a1aaaaaaaaaa "" "vacuum" "CREATE TABLE vac_t (x int);
VACUUM vac_t;" "DROP TABLE vac_t;"
run revapply -d vac -u "$(newdb vac)" upgrade
status_is 1
stderr_is "revapply: vac/versions/a1aaaaaaaaaa_rev.sql:7: VACUUM cannot run inside a transaction block (revision a1aaaaaaaaaa); mark the revision '-- transaction: none' to run it outside a transaction"

tcase "a revision that ends its own transaction is refused before anything of it runs"
rev tx a1aaaaaaaaaa "" "one" "CREATE TABLE one (x int);" "DROP TABLE one;"
rev tx b2bbbbbbbbbb a1aaaaaaaaaa "commits" "CREATE TABLE two (x int);
SAVEPOINT s; ROLLBACK TO SAVEPOINT s; RELEASE s;
DO \$\$ BEGIN PERFORM 1; END \$\$;
  /* c */ commit;
CREATE TABLE three (x int);" "DROP TABLE two;"
txu=$(newdb tx)
run revapply -d tx -u "$txu" upgrade
status_is 2
stderr_has "revapply: tx/versions/b2bbbbbbbbbb_rev.sql:9: a statement that ends the revision's transaction"
stderr_has "transaction: none"
[ "$(rows tx)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows tx)"
[ "$(has tx two)$(has tx three)" = 00 ] || fail "two or three kept"
for stmt in "START TRANSACTION" "END" "abort" "ROLLBACK WORK" "PREPARE TRANSACTION 'x'"; do
	rev tx b2bbbbbbbbbb a1aaaaaaaaaa "ends" "CREATE TABLE two (x int); $stmt;" "DROP TABLE two;"
	run revapply -d tx -u "$txu" upgrade
	status_is 2
	stderr_has "ends the revision's transaction"
done
rev tx b2bbbbbbbbbb a1aaaaaaaaaa "its own" "BEGIN; CREATE TABLE two (x int); COMMIT;" "DROP TABLE two;" "transaction: none"
run revapply -d tx -u "$txu" upgrade
status_is 0
[ "$(rows tx)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "rows: $(rows tx)"

tcase "a revision failing at its COMMIT (deferred constraint) names its file and revision"
rev dc a1aaaaaaaaaa "" "one" "CREATE TABLE p (id int PRIMARY KEY);" "DROP TABLE p;"
rev dc b2bbbbbbbbbb a1aaaaaaaaaa "deferred" "CREATE TABLE k (p int REFERENCES p DEFERRABLE INITIALLY DEFERRED);
INSERT INTO k VALUES (42);" "DROP TABLE k;"
run revapply -d dc -u "$(newdb dc)" upgrade
status_is 1
stderr_has "revapply: dc/versions/b2bbbbbbbbbb_rev.sql: "
stderr_has "foreign key"
stderr_has "(revision b2bbbbbbbbbb)"
[ "$(grep -c '^revapply: ' "$ERR")" = 1 ] || fail "not one message: $(cat "$ERR")"
[ "$(rows dc)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows dc)"
[ "$(has dc k)" = 0 ] || fail "k kept"

tcase "NOTICEs raised by migrations are shown on stderr"
rev nt a1aaaaaaaaaa "" "noisy" "DO \$\$ BEGIN RAISE NOTICE 'hello from a1'; END \$\$;
DROP TABLE IF EXISTS not_there;
CREATE TABLE quiet (x int);" "DROP TABLE quiet;
DO \$\$ BEGIN RAISE WARNING 'bye from a1'; END \$\$;"
ntu=$(newdb nt)
run revapply -d nt -u "$ntu" upgrade
status_is 0
stderr_has "NOTICE: hello from a1"
stderr_has 'NOTICE: table "not_there" does not exist, skipping'
stdout_lacks "NOTICE"
# The version table's own creation raises none.
stderr_lacks "already exists"
run revapply -d nt -u "$ntu" downgrade
status_is 0
stderr_has "WARNING: bye from a1"
run revapply -q -d nt -u "$ntu" upgrade
status_is 0
stdout_lacks "NOTICE"

tcase "--table SCHEMA.TABLE: schema created, rows there, default table untouched"
su=$(newdb sq)
run revapply -d m -u "$su" --table migr.revs upgrade
status_is 0
[ "$(rows sq migr.revs)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(rows sq migr.revs)"
[ "$(has sq dbrev_revisions)" = 0 ] || fail "default table made"
run revapply -d m -u "$su" --table migr.revs current
stdout_is "c3cccccccccc (head)"
run revapply -d m -u "$su" current
stdout_is ""
run revapply -d m -u "$su" --table migr.revs downgrade base
status_is 0
[ "$(rows sq migr.revs)" = "" ] || fail "rows: $(rows sq migr.revs)"
# An existing schema (and a plain table name in it via search_path) work too.
q sq "create schema other" >/dev/null
run revapply -d m -u "$su" --table other.MyRevs upgrade a1aa
status_is 0
[ "$(q sq "select revision from other.\"MyRevs\"")" = a1aaaaaaaaaa ] || fail "MyRevs: $(q sq 'select * from other."MyRevs"')"

tcase "an edited applied revision is refused with both checksums"
cp -r m e
eu=$(newdb e)
run revapply -d e -u "$eu" upgrade
status_is 0
old=$(q e "select checksum from dbrev_revisions where revision = 'b2bbbbbbbbbb'")
sed -i 's/INSERT INTO prefs VALUES (1, 1);/INSERT INTO prefs VALUES (2, 1);/' e/versions/b2bbbbbbbbbb_rev.sql
new=$(sed -n '/^-- +upgrade$/,/^-- +downgrade$/p' e/versions/b2bbbbbbbbbb_rev.sql | sed '1d;$d' | sha256sum | cut -c1-64)
run revapply -d e -u "$eu" upgrade
status_is 1
stderr_has "e/versions/b2bbbbbbbbbb_rev.sql: revision 'b2bbbbbbbbbb' was edited after it was applied"
stderr_has "$old"
stderr_has "$new"
run revapply -d e -u "$eu" resolve b2bbbbbbbbbb applied
status_is 0
run revapply -d e -u "$eu" upgrade
status_is 0
stderr_is "nothing to do: at c3cccccccccc"

# n: m plus a transaction: none revision building an index concurrently.
cp -r m n
rev n d4dddddddddd c3cccccccccc "index concurrently" \
    "CREATE INDEX CONCURRENTLY users_name ON users (name);
CREATE INDEX CONCURRENTLY prefs_user ON prefs (user_id);" \
    "DROP INDEX CONCURRENTLY prefs_user;
DROP INDEX CONCURRENTLY users_name;" "transaction: none"
nu=$(newdb n)

tcase "transaction: none revisions (CREATE INDEX CONCURRENTLY) run and are recorded"
run revapply -d n -u "$nu" upgrade
status_is 0
stderr_has "upgrade c3cccccccccc -> d4dddddddddd, index concurrently ("
[ "$(q n "select state from dbrev_revisions where revision = 'd4dddddddddd'")" = applied ] ||
	fail "not applied"
[ "$(q n "select count(*) from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname in ('users_name','prefs_user') and i.indisvalid")" = 2 ] ||
	fail "indexes missing or invalid"
run revapply -d n -u "$nu" downgrade
status_is 0
[ "$(has n users_name)" = 0 ] || fail "index kept"
[ "$(rows n)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(rows n)"

tcase "an interrupted transaction: none revision blocks the run until resolved"
q n "insert into dbrev_revisions (revision, checksum, state) values ('d4dddddddddd', 'x', 'in_progress')" >/dev/null
run revapply -d n -u "$nu" upgrade
status_is 1
stderr_has "n/versions/d4dddddddddd_rev.sql: revision 'd4dddddddddd' was left in progress by an interrupted run"
stderr_has "revapply resolve d4dddddddddd"
run revapply -d n -u "$nu" downgrade
status_is 1
run revapply -d n -u "$nu" current
status_is 0
stdout_has "d4dddddddddd (in progress)"
run revapply -d n -u "$nu" resolve d4dd reverted
status_is 0
run revapply -d n -u "$nu" upgrade
status_is 0
stderr_has "upgraded 1 revision to d4dddddddddd"

tcase "a failing transaction: none revision keeps what ran and is left in progress"
rev n e5eeeeeeeeee d4dddddddddd "bad" "CREATE TABLE e5 (x int);
CREATE INDEX CONCURRENTLY e5_x ON e5 (x);
INSERT INTO nosuch VALUES (1);" "DROP TABLE e5;" "transaction: none"
run revapply -d n -u "$nu" upgrade
status_is 1
stderr_has 'n/versions/e5eeeeeeeeee_rev.sql:9: relation "nosuch" does not exist (revision e5eeeeeeeeee)'
[ "$(q n "select state from dbrev_revisions where revision = 'e5eeeeeeeeee'")" = in_progress ] ||
	fail "not marked in progress"
[ "$(has n e5_x)" = 1 ] || fail "statements before the failure not kept"
run revapply -d n -u "$nu" upgrade
status_is 1
stderr_has "left in progress"

tcase "a failing transaction: none revision: the way out shows with the server's own hint"
rev hn a1aaaaaaaaaa "" "hinted" "CREATE TABLE h1 (x int);
SELECT nosuchfunc(1);" "DROP TABLE h1;" "transaction: none"
run revapply -d hn -u "$(newdb hn)" upgrade
status_is 1
stderr_has 'hn/versions/a1aaaaaaaaaa_rev.sql:8: function nosuchfunc(integer) does not exist (revision a1aaaaaaaaaa); No function matches'
stderr_has "revapply: hn/versions/a1aaaaaaaaaa_rev.sql: revision 'a1aaaaaaaaaa' is left in progress; it ran without a transaction"
stderr_has "revapply resolve a1aaaaaaaaaa reverted"
[ "$(grep -c '^revapply: ' "$ERR")" = 2 ] || fail "not two messages: $(cat "$ERR")"

tcase "a transaction: none revision that fails inside its own BEGIN: what it began is rolled back"
rev tn a1aaaaaaaaaa "" "fails" "BEGIN;
CREATE TABLE tn_two (x int);
INSERT INTO nosuch VALUES (1);
COMMIT;" "DROP TABLE tn_two;" "transaction: none"
run revapply -d tn -u "$(newdb tn)" upgrade
status_is 1
stderr_has 'tn/versions/a1aaaaaaaaaa_rev.sql:9: relation "nosuch" does not exist (revision a1aaaaaaaaaa)'
stderr_has "revision 'a1aaaaaaaaaa' was rolled back whole (it changed nothing outside its own transaction): the database is as before it"
[ "$(has tn tn_two)" = 0 ] || fail "tn_two kept"
[ "$(rows tn)" = "" ] || fail "rows: $(rows tn)"
# What ran before its BEGIN was kept: left in progress, as before.
rev tk a1aaaaaaaaaa "" "fails" "CREATE TABLE tk_kept (x int);
SET search_path = public;
BEGIN;
INSERT INTO nosuch VALUES (1);
COMMIT;" "DROP TABLE tk_kept;" "transaction: none"
run revapply -d tk -u "$(newdb tk)" upgrade
status_is 1
stderr_lacks "rolled back whole"
[ "$(q tk "select state from dbrev_revisions")" = in_progress ] || fail "not left in progress"
# A SET before the BEGIN changes only the session: rolled back whole.
rev ts a1aaaaaaaaaa "" "fails" "SET lock_timeout = '5s';
BEGIN;
CREATE TABLE ts_two (x int);
INSERT INTO nosuch VALUES (1);
COMMIT;" "DROP TABLE ts_two;" "transaction: none"
run revapply -d ts -u "$(newdb ts)" upgrade
status_is 1
stderr_has "rolled back whole"
[ "$(rows ts)" = "" ] || fail "rows: $(rows ts)"

tcase "a transaction: none revision that never ends its BEGIN: an error, rolled back"
rev to a1aaaaaaaaaa "" "open" "BEGIN;
CREATE TABLE to_two (x int);" "DROP TABLE to_two;" "transaction: none"
run revapply -d to -u "$(newdb to)" upgrade
status_is 2
stderr_has "revapply: to/versions/a1aaaaaaaaaa_rev.sql: the revision begins a transaction and does not end it; it was rolled back (revision a1aaaaaaaaaa); end it with COMMIT"
stderr_has "rolled back whole"
[ "$(has to to_two)" = 0 ] || fail "to_two kept"
[ "$(rows to)" = "" ] || fail "rows: $(rows to)"

tcase "a revision's SET does not carry over: one run does what a run per revision does"
rev sp a1aaaaaaaaaa "" "schema" "CREATE SCHEMA other;
SET search_path = other;
SET statement_timeout = '1ms';" "DROP SCHEMA other;"
rev sp b2bbbbbbbbbb a1aaaaaaaaaa "t" "CREATE TABLE t (x int);
INSERT INTO t SELECT 1 FROM pg_sleep(0.05);" "DROP TABLE t;"
rev sp c3cccccccccc b2bbbbbbbbbb "none" "SET search_path = other;
SET ROLE NONE;" "SELECT 1;" "transaction: none"
rev sp d4dddddddddd c3cccccccccc "u" "CREATE TABLE u (x int);" "DROP TABLE u;"
run revapply -d sp -u "$(newdb sp1)" upgrade
status_is 0
[ "$(q sp1 "select relnamespace::regnamespace from pg_class where relname in ('t', 'u') order by relname" | tr '\n' ' ')" = "public public " ] ||
	fail "tables not in public: $(q sp1 "select relname, relnamespace::regnamespace from pg_class where relname in ('t', 'u')")"
sp4=$(newdb sp4)
for i in 1 2 3 4; do
	run revapply -d sp -u "$sp4" upgrade +1
	status_is 0
done
[ "$(q sp4 "select relnamespace::regnamespace from pg_class where relname in ('t', 'u') order by relname" | tr '\n' ' ')" = "public public " ] ||
	fail "run per revision: tables not in public"
# In one transaction too.
rev ss a1aaaaaaaaaa "" "schema" "CREATE SCHEMA other;
SET search_path = other;" "DROP SCHEMA other;"
rev ss b2bbbbbbbbbb a1aaaaaaaaaa "t" "CREATE TABLE t (x int);" "DROP TABLE t;"
run revapply -d ss -u "$(newdb ss)" --single-transaction upgrade
status_is 0
[ "$(q ss "select relnamespace::regnamespace from pg_class where relname = 't'")" = public ] ||
	fail "--single-transaction: t not in public"
# And in the offline script, through psql.
newdb ssoff >/dev/null
run revapply -d ss --dialect postgresql --sql upgrade head
status_is 0
cp "$OUT" ss.sql
run psql -X -q -v ON_ERROR_STOP=1 -d ${P}ssoff -f ss.sql
status_is 0
[ "$(q ssoff "select relnamespace::regnamespace from pg_class where relname = 't'")" = public ] ||
	fail "offline: t not in public"

tcase "a revision's SET ROLE and SET SESSION AUTHORIZATION end with it: online, per revision, single transaction, offline"
# The role may create tables, but not write the version table: the row
# is written as the connecting user.
psql -X -q -d postgres -c "CREATE ROLE ${P}mig_role NOLOGIN" >/dev/null 2>&1
rev ro a1aaaaaaaaaa "" "as role" "SET ROLE ${P}mig_role;
CREATE TABLE ro_x (id int);" "DROP TABLE ro_x;"
rev ro b2bbbbbbbbbb a1aaaaaaaaaa "plain" "CREATE TABLE ro_y (id int);" "DROP TABLE ro_y;"
rev ro c3cccccccccc b2bbbbbbbbbb "as session user" "SET SESSION AUTHORIZATION ${P}mig_role;
CREATE TABLE ro_z (id int);" "DROP TABLE ro_z;" "transaction: none"
rev ro d4dddddddddd c3cccccccccc "local" "SET LOCAL ROLE ${P}mig_role;
CREATE TABLE ro_w (id int);" "DROP TABLE ro_w;"
rev ro e5eeeeeeeeee d4dddddddddd "plain again" "CREATE TABLE ro_v (id int);" "DROP TABLE ro_v;"
owners() {
	q "$1" "select string_agg(relname || '=' || pg_get_userbyid(relowner), ' ' order by relname) from pg_class where relname like 'ro\_%'"
}
want="ro_v=postgres ro_w=${P}mig_role ro_x=${P}mig_role ro_y=postgres ro_z=${P}mig_role"
for db in ro1 ro5 roall rooff; do
	newdb $db >/dev/null
	psql -X -q -d "$P$db" -c "GRANT CREATE ON SCHEMA public TO ${P}mig_role" >/dev/null
done
run revapply -d ro -u "$(url ro1)" upgrade
status_is 0
[ "$(owners ro1)" = "$want" ] || fail "one run: $(owners ro1)"
for i in 1 2 3 4 5; do
	run revapply -d ro -u "$(url ro5)" upgrade +1
	status_is 0
done
[ "$(owners ro5)" = "$want" ] || fail "a run per revision: $(owners ro5)"
[ "$(q ro1 "select count(*) from dbrev_revisions")" = 5 ] || fail "rows: $(rows ro1)"
run revapply -d ro -u "$(url ro1)" downgrade base
status_is 0
[ "$(owners ro1)" = "" ] || fail "after downgrade: $(owners ro1)"
rm ro/versions/c3cccccccccc_rev.sql
sed -i 's/^-- parents: c3cccccccccc$/-- parents: b2bbbbbbbbbb/' ro/versions/d4dddddddddd_rev.sql
run revapply -d ro -u "$(url roall)" --single-transaction upgrade
status_is 0
[ "$(owners roall)" = "ro_v=postgres ro_w=${P}mig_role ro_x=${P}mig_role ro_y=postgres" ] ||
	fail "--single-transaction: $(owners roall)"
run revapply -d ro --dialect postgresql --sql upgrade head
status_is 0
cp "$OUT" ro.sql
run psql -X -q -v ON_ERROR_STOP=1 -d ${P}rooff -f ro.sql
status_is 0
[ "$(owners rooff)" = "$(owners roall)" ] || fail "offline: $(owners rooff)"

tcase "a revision's temporary tables, prepared statements, cursors, LISTEN and currval end with it"
rev se a1aaaaaaaaaa "" "leaves things" "CREATE TEMP TABLE scratch (x int);
PREPARE stmt AS SELECT 1;
DECLARE held CURSOR WITH HOLD FOR SELECT 1;
LISTEN chan;
CREATE SEQUENCE se_seq;
SELECT nextval('se_seq');" "DROP SEQUENCE se_seq;"
rev se b2bbbbbbbbbb a1aaaaaaaaaa "does the same" "CREATE TEMP TABLE scratch (x int);
PREPARE stmt AS SELECT 1;
DECLARE held CURSOR WITH HOLD FOR SELECT 1;
DO \$\$BEGIN PERFORM currval('se_seq'); RAISE EXCEPTION 'currval known';
EXCEPTION WHEN object_not_in_prerequisite_state THEN NULL; END\$\$;
CREATE TABLE se_done (x int);" "DROP TABLE se_done;"
for mode in "" --single-transaction; do
	run revapply -d se -u "$(newdb se)" $mode upgrade
	status_is 0
	[ "$(has se se_done)" = 1 ] || fail "$mode: se_done missing"
done
run revapply -d se --dialect postgresql --sql upgrade head
status_is 0
cp "$OUT" se.sql
newdb seoff >/dev/null
run psql -X -q -v ON_ERROR_STOP=1 -d ${P}seoff -f se.sql
status_is 0
[ "$(has seoff se_done)" = 1 ] || fail "offline: se_done missing: $(cat "$ERR")"
# A serial column's default calls nextval(): currval() ends with it too.
rev sq a1aaaaaaaaaa "" "serial" "CREATE TABLE sq_t (id serial, x int);
INSERT INTO sq_t (x) SELECT 1;" "DROP TABLE sq_t;"
rev sq b2bbbbbbbbbb a1aaaaaaaaaa "currval" "DO \$\$BEGIN PERFORM currval('sq_t_id_seq'); RAISE EXCEPTION 'currval known';
EXCEPTION WHEN object_not_in_prerequisite_state THEN NULL; END\$\$;" "SELECT 1;"
run revapply -d sq -u "$(newdb sq)" upgrade
status_is 0

tcase "a revision's DEALLOCATE ALL does not break the version table's statements"
rev da a1aaaaaaaaaa "" "deallocate" "DEALLOCATE ALL;
CREATE TABLE da_one (x int);" "DROP TABLE da_one;"
rev da b2bbbbbbbbbb a1aaaaaaaaaa "more" "CREATE TABLE da_two (x int);" "DROP TABLE da_two;"
run revapply -d da -u "$(newdb da)" upgrade
status_is 0
[ "$(rows da)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "rows: $(rows da)"

tcase "--single-transaction refuses transaction: none revisions"
rm n/versions/e5eeeeeeeeee_rev.sql
run revapply -d n -u "$(newdb n2)" --single-transaction upgrade
status_is 2
stderr_has "transaction: none"
[ "$(has n2 dbrev_revisions)$(has n2 users)" = 00 ] || fail "ran"

tcase "downgrading across an irreversible revision is refused before anything runs"
cp -r m ir
rev ir d4dddddddddd c3cccccccccc "irreversible" "CREATE TABLE four (x int);"
rev ir e5eeeeeeeeee d4dddddddddd "five" "CREATE TABLE five (x int);" "DROP TABLE five;"
iu=$(newdb ir)
run revapply -d ir -u "$iu" upgrade
status_is 0
run revapply -d ir -u "$iu" downgrade base
status_is 2
stderr_has "d4dddddddddd"
stderr_has "irreversible"
[ "$(rows ir | wc -w)" = 5 ] || fail "something ran: $(rows ir)"
[ "$(has ir five)" = 1 ] || fail "five dropped"
run revapply -d ir -u "$iu" downgrade -1
status_is 0

# dump DB: the schema as pg_dump prints it, comments and the random
# \restrict keys of recent pg_dump left out.
dump() {
	pg_dump --schema-only -d "$P$1" 2>&1 |
	    grep -v -e '^--' -e '^$' -e '^\\restrict ' -e '^\\unrestrict '
}
vr() { q "$1" "select revision, checksum, state from ${2:-dbrev_revisions} order by revision"; }

tcase "offline SQL through psql gives the same schema and version rows as online"
cp -r br off
rev off w00000000001 z00000000001 "concurrently" \
    "CREATE INDEX CONCURRENTLY mrg_x ON mrg (x);" "DROP INDEX CONCURRENTLY mrg_x;" "transaction: none"
ou=$(newdb online); newdb offline >/dev/null
run revapply -d off -u "$ou" upgrade
status_is 0
run revapply -d off --dialect postgresql --sql upgrade head
status_is 0
stderr_is ""
cp "$OUT" up.sql
grep -q '^BEGIN;$' up.sql || fail "no BEGIN"
run psql -X -q -v ON_ERROR_STOP=1 -d ${P}offline -f up.sql
status_is 0
dump online | grep -q "CREATE TABLE public.mrg" || fail "no dump: $(dump online | head -5)"
[ "$(dump online)" = "$(dump offline)" ] ||
	fail "schemas differ: $(diff <(dump online) <(dump offline) | head -20)"
[ "$(vr online)" = "$(vr offline)" ] || fail "rows differ: $(vr offline)"
[ "$(vr offline | wc -l)" = 5 ] || fail "rows: $(vr offline)"
# Downgrade halfway, then to base: still the same.
run revapply -d off -u "$ou" --sql downgrade head:r00000000001
status_is 0
cp "$OUT" down1.sql
run psql -X -q -v ON_ERROR_STOP=1 -d ${P}offline -f down1.sql
status_is 0
revapply -q -d off -u "$ou" downgrade r0000
[ "$(dump online)" = "$(dump offline)" ] || fail "schemas differ after downgrade"
[ "$(vr online)" = "$(vr offline)" ] || fail "rows differ after downgrade: $(vr offline)"
[ "$(vr offline)" = "$(vr online)" ] && [ "$(vr offline | wc -l)" = 1 ] || fail "rows: $(vr offline)"

tcase "offline SQL with a schema-qualified table"
newdb offq >/dev/null; oqu=$(newdb onq)
run revapply -d m -u "$oqu" --table migr.revs upgrade
status_is 0
run revapply -d m --dialect postgresql --table migr.revs --sql upgrade head
status_is 0
cp "$OUT" upq.sql
run psql -X -q -v ON_ERROR_STOP=1 -d ${P}offq -f upq.sql
status_is 0
dump onq | grep -q 'CREATE TABLE migr.revs' || fail "no dump: $(dump onq | head -5)"
[ "$(dump onq)" = "$(dump offq)" ] || fail "schemas differ: $(diff <(dump onq) <(dump offq) | head)"
[ "$(vr onq migr.revs)" = "$(vr offq migr.revs)" ] || fail "rows differ"
# The online tool reads what the offline script recorded.
run revapply -d m -u "$(echo "$oqu" | sed "s|/${P}onq?|/${P}offq?|")" --table migr.revs current
stdout_is "c3cccccccccc (head)"

# hold: one revision that sleeps in its transaction until killed.
rev hold a1aaaaaaaaaa "" "hold" "SELECT pg_sleep(60);" "SELECT 1;"
# sleeping APP: the SQL that finds APP's session asleep in the revision.
sleeping() {
	echo "select count(*) from pg_stat_activity where datname = '${P}hold' and application_name = '$1' and state = 'active' and query like 'SELECT pg_sleep(60)%'"
}

tcase "the connection is labelled application_name=dbrev unless the URL says otherwise"
hu=$(newdb hold)
revapply -q -d hold -u "$hu" upgrade &
pid=$!
wait_for hold "$(sleeping dbrev)" 1 ||
	fail "no dbrev session: $(q hold "select application_name, query from pg_stat_activity where datname = '${P}hold'")"
kill -9 $pid
wait $pid 2>/dev/null
revapply -q -d hold -u "$hu&application_name=mine" upgrade &
pid=$!
wait_for hold "$(sleeping mine)" 1 || fail "URL's application_name not kept"

tcase "another run holding the lock: --lock-timeout expires with a clear error"
# The runner labelled "mine" is still asleep, holding the lock.
[ "$(q hold "$(sleeping mine)")" = 1 ] || fail "the holder is gone"
run revapply -d m -u "$hu" --lock-timeout 0.3 upgrade
status_is 1
stderr_has "lock timeout"
stderr_has "--lock-timeout"
stderr_has "0.3 s"
stderr_has "application mine"
[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"
# The same table named with its schema waits for the same lock.
run revapply -d m -u "$hu" --table public.dbrev_revisions --lock-timeout 0.3 upgrade
status_is 1
stderr_has "lock timeout"
# A killed holder frees the lock (its transaction rolled back).
kill -9 $pid
wait $pid 2>/dev/null
run revapply -d m -u "$hu" --lock-timeout 10 upgrade
status_is 0
stderr_has "upgraded 3 revisions"
[ "$(has hold dbrev_revisions)" = 1 ] && [ "$(rows hold)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] ||
	fail "rows: $(rows hold)"

tcase "libpq keyword strings and PG* variables work"
run revapply -d m -u "dbname=${P}e" current
status_is 0
stdout_is "c3cccccccccc (head)"
run revapply -d m -u "postgresql:///${P}e" current
status_is 0
stdout_is "c3cccccccccc (head)"
run env PGDATABASE=${P}e revapply -d m -u "postgres://" current
status_is 0
stdout_is "c3cccccccccc (head)"

tcase "unreachable server, missing database, bad URL: one clear line each"
run revapply -d m -u "postgresql://127.0.0.1:1/db?connect_timeout=3" upgrade
status_is 1
stderr_has "cannot connect to postgresql://127.0.0.1:1/db"
[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"
run revapply -d m -u "postgresql:///no_such_db?host=$PGHOST&port=$PGPORT" current
status_is 1
stderr_has 'database "no_such_db" does not exist'
[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"
run revapply -d m -u "postgresql:///app?host=/nonexistent/dir" upgrade
status_is 1
stderr_has "cannot connect"
[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"
run revapply -d m -u "postgresql://h/db?frobnicate=1" upgrade
status_is 2
stderr_has "invalid PostgreSQL URL"
stderr_has "frobnicate"
[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"
run revapply -d m -u "host=h dbname" upgrade
status_is 2
[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"

tcase "a password in the URL never appears in any output"
psql -X -q -d postgres -c "create role rp_sekrit login password 'Pw0rd-sekrit-42' superuser" 2>/dev/null
pw='Pw0rd-sekrit-42'
newdb sec >/dev/null
pwu="postgresql://rp_sekrit:$pw@/${P}sec?host=$PGHOST&port=$PGPORT"
out=
check_secret() {
	for f in "$OUT" "$ERR"; do
		! grep -qF -- "$pw" "$f" || fail "$1: password shown: $(cat "$f")"
		! grep -qF -- "Pw0rd%2Dsekrit" "$f" || fail "$1: encoded password shown"
	done
}
run revapply -v -d m -u "$pwu" upgrade; check_secret upgrade; status_is 0
run revapply -v -d m -u "$pwu" downgrade -1; check_secret downgrade; status_is 0
run revapply -d m -u "$pwu" current; check_secret current; status_is 0
run revapply -d m -u "$pwu" history; check_secret history; status_is 0
run revapply -d nt -u "$pwu" --table noisy upgrade; check_secret notice; status_is 0
run revapply -d f -u "$pwu" --table failing upgrade; check_secret "sql error"; status_is 1
run revapply -d m -u "postgresql://rp_sekrit:$pw@/no_such_db?host=$PGHOST&port=$PGPORT" upgrade
check_secret "missing database"; status_is 1; stderr_has "no_such_db"
run revapply -d m -u "postgresql://rp_sekrit:$pw@no-such-host.invalid/db?connect_timeout=3" upgrade
check_secret "unknown host"; status_is 1; stderr_has "no-such-host.invalid"
run revapply -d m -u "postgresql://rp_sekrit:$pw@127.0.0.1:1/db?connect_timeout=3" upgrade
check_secret "refused"; status_is 1
run revapply -d m -u "postgresql://rp_sekrit:Pw0rd%2Dsekrit-42@/${P}sec?host=$PGHOST&port=$PGPORT" current
check_secret "percent-encoded"; status_is 0
run revapply -d m -u "postgresql://rp_sekrit:$pw@[::1/db" upgrade
check_secret "malformed URL"; [ "$STATUS" != 0 ] || fail "accepted a malformed URL"
run revapply -d m -u "postgresql://rp_sekrit:$pw@h/db?bad=1" upgrade
check_secret "bad parameter"; status_is 2
run revapply -d m -u "host=$PGHOST port=$PGPORT password$pw dbname=${P}sec" upgrade
check_secret "mistyped keyword string"; status_is 2
run revapply -d m -u "host=$PGHOST port=$PGPORT user=rp_sekrit password=$pw dbname=no_such_db" upgrade
check_secret "keyword string"; status_is 1
run revapply -d m -u "host=$PGHOST password='$pw' dbname=${P}sec user=rp_sekrit port=$PGPORT" --lock-timeout 0 current
check_secret "quoted keyword"; status_is 0
run revapply -d m -u "postgresql:///${P}sec?host=$PGHOST&port=$PGPORT&user=rp_sekrit&password=$pw" history
check_secret "query password"; status_is 0
# The client key's passphrase (unused on a unix socket) is a secret too.
run revapply -v -d m -u "$pwu&sslpassword=$pw" --lock-timeout 0 stamp head
check_secret "sslpassword"; status_is 0; stderr_has "database postgresql://rp_sekrit@/"
run revapply -d m -u "postgresql:///nodb?host=$PGHOST&port=$PGPORT&user=rp_sekrit&password=$pw" history
check_secret "query password, missing database"; status_is 1
psql -X -q -d postgres -c "drop owned by rp_sekrit" -c "drop role rp_sekrit" >/dev/null 2>&1

tcase "every migrations directory of this script: the offline script does what the online run does"
for d in "$T"/*/versions; do
	offline_same postgresql "${d%/versions}" "$(basename "${d%/versions}")"
done

finish
