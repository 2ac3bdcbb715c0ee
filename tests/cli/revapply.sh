# revapply against each database (tests/lib/db_*.sh): every verb and
# target form, branches and merges, failures and how they are reported,
# offline SQL run by the native client, the lock, and passwords that
# never show.  (Concurrency and kill -9: revapply_concurrency_*.sh.)
# per-database
SUITE=cli/revapply
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
. "$DBREV_SRCDIR/tests/lib/offline.sh"	# offline_same
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR
# Databases are named $P<name>: other tests share the server.
P=rp_
. "$DBREV_SRCDIR/tests/lib/db.sh"

# The helpers of the cases written for one database.
if on sqlite; then
	q() { sqlite3 "$1" "$2" 2>&1; }
	rows() { sqlite3 "$1" "select revision from dbrev_revisions order by revision" 2>/dev/null | tr '\n' ' '; }
else
	# q DB SQL: one query's rows, fields separated by |.
	q() { db_q "$@"; }
	# rows DB [TABLE]: the revisions recorded, sorted, space separated.
	rows() { db_rows "$@"; }
	# has DB NAME: 1 when a relation of that name exists, else 0.
	has() { db_has "$@"; }
	# wait_for DB SQL VALUE: poll (up to 15 s) until the query gives VALUE.
	wait_for() {
		_n=0
		while [ "$(q "$1" "$2")" != "$3" ]; do
			_n=$((_n + 1))
			[ "$_n" -lt 300 ] || return 1
			sleep 0.05
		done
	}
	newdb() { db_new "$@"; }
	# url DB: the URL of an existing database.
	url() { db_url "$1" | tr -d '\n'; }
fi

# A chain a1 -> b2 -> c3.
rev m a1aaaaaaaaaa "" "Create users" \
    "CREATE TABLE users (id int PRIMARY KEY, name text);" "DROP TABLE users;"
rev m b2bbbbbbbbbb a1aaaaaaaaaa "Add prefs" \
    "CREATE TABLE prefs (id int PRIMARY KEY, user_id int REFERENCES users);
INSERT INTO users VALUES (1, 'ann');
INSERT INTO prefs VALUES (1, 1);" "DROP TABLE prefs;
DELETE FROM users;"
rev m c3cccccccccc b2bbbbbbbbbb "Add posts" \
    "CREATE TABLE posts (id int PRIMARY KEY);" "DROP TABLE posts;"
DATABASE_URL=$(db_new app)
export DATABASE_URL
app=app

if only sqlite "usage needs no database: run once"; then
tcase "--help and --version"
run revapply --help
status_is 0
stdout_has "usage: revapply"
stdout_has "--lock-timeout"
run revapply --version
status_is 0
stdout_has "revapply dbrev "

tcase "usage errors exit 2"
run revapply -d m
status_is 2
stderr_has "missing command"
run revapply -d m frobnicate
status_is 2
stderr_has "unknown command: frobnicate"
run revapply -d m stamp
status_is 2
run revapply -d m --lock-timeout soon upgrade
status_is 2
for bad in nan inf -1 1e7; do
	run revapply -d m --lock-timeout "$bad" upgrade
	status_is 2
	stderr_has "bad --lock-timeout"
done
run revapply -d m --table 'x;drop' upgrade
status_is 2
run revapply -d m current extra
status_is 2
run revapply -d m --dialect sqlite upgrade
status_is 2

tcase "each usage error: one line saying what, then the usage, exit 2, stdout empty"
# usage_err MESSAGE ARGS...: revapply ARGS fails so.
usage_err() {
	_m=$1
	shift
	run revapply "$@"
	status_is 2
	stderr_has "revapply: $_m"
	stderr_has "usage: revapply"
	stdout_is ""
	[ "$(grep -c '^revapply: ' "$ERR")" = 1 ] || fail "$*: not one message: $(cat "$ERR")"
}
usage_err "bad --table name" -d m --table a.b.c upgrade
usage_err "bad --table name" -d m --table 1abc upgrade
usage_err "--dialect goes with --sql" -d m --dialect sqlite current
usage_err "--sql goes with upgrade or downgrade, not stamp" -d m --sql stamp head
usage_err "resolve REVISION takes 'applied' or 'reverted', not maybe" -d m resolve a1aa maybe
usage_err "resolve needs REVISION" -d m resolve a1aa
usage_err "stamp needs a TARGET" -d m stamp
usage_err "current takes no argument: x" -d m current x
usage_err "history takes no argument: x" -d m history x
usage_err "too many arguments" -d m upgrade a b
usage_err "too many arguments" -d m downgrade x -1
usage_err "empty directory name for -d" -d '' upgrade
usage_err "unknown dialect (sqlite or postgresql): oracle" -d m --dialect oracle --sql upgrade
usage_err "FROM:TO needs both revisions: a1aa:" -d m --dialect sqlite --sql upgrade a1aa:
usage_err "downgrade --sql needs FROM:TO, e.g. head:-1" -d m --dialect sqlite --sql downgrade base
usage_err "unknown command: frob" -d m frob
fi

tcase "upgrade a fresh database to head reports each step"
run revapply -d m upgrade
status_is 0
stdout_is ""
stderr_has "upgrade <base> -> a1aaaaaaaaaa, Create users ("
stderr_has "upgrade a1aaaaaaaaaa -> b2bbbbbbbbbb, Add prefs ("
stderr_has "upgrade b2bbbbbbbbbb -> c3cccccccccc, Add posts ("
grep -Eq '^upgraded 3 revisions to c3cccccccccc in [0-9]+ ms$' "$ERR" ||
	fail "no summary line: $(cat "$ERR")"
[ "$(tail -n 1 "$ERR" | cut -c1-8)" = upgraded ] || fail "summary not last"
[ "$(db_rows app)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] ||
	fail "rows: $(db_rows app)"
[ "$(db_has app users)$(db_has app prefs)$(db_has app posts)" = 111 ] ||
	fail "tables missing"
if on sqlite; then
	[ "$(q app.db "select count(*) from dbrev_revisions where state='applied' and length(checksum)=64 and applied_at like '20__-__-__T__:__:__Z'")" = 3 ] ||
		fail "rows not complete: $(q app.db 'select * from dbrev_revisions')"
else
	[ "$(q $app "select count(*) from dbrev_revisions where state = 'applied' and checksum ~ '^[0-9a-f]{64}$' and applied_at > now() - interval '1 hour'")" = 3 ] ||
		fail "rows not complete: $(q $app 'table dbrev_revisions')"
	[ "$(q $app "select string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' order by ordinal_position) from information_schema.columns where table_name = 'dbrev_revisions'")" = \
	    "revision text NO, checksum text NO, state text NO, applied_at timestamp with time zone NO" ] ||
		fail "version table columns: $(q $app "select column_name, data_type from information_schema.columns where table_name = 'dbrev_revisions'")"
fi

tcase "upgrade again: nothing to do"
run revapply -d m upgrade
status_is 0
stderr_is "nothing to do: at c3cccccccccc"

tcase "-q is silent"
run revapply -q -d m upgrade head
status_is 0
stderr_is ""
stdout_is ""

if only sqlite "the display form of a file URL"; then
tcase "-v names the database (no password), table and directory"
run revapply -v -d m upgrade
status_is 0
stderr_has "database sqlite:app.db, version table dbrev_revisions, revisions in m/versions"
fi

tcase "current shows the applied head"
run revapply -d m current
status_is 0
stdout_is "c3cccccccccc (head)"

tcase "history marks current and applied revisions, newest first"
run revapply -d m history
status_is 0
stdout_is "b2bbbbbbbbbb -> c3cccccccccc (head) (current), Add posts
a1aaaaaaaaaa -> b2bbbbbbbbbb [applied], Add prefs
<base> -> a1aaaaaaaaaa [applied], Create users"
run env -u DATABASE_URL revapply -d m history
status_is 0
stdout_has "<base> -> a1aaaaaaaaaa, Create users"
stdout_lacks "applied"

tcase "downgrade defaults to -1"
run revapply -d m downgrade
status_is 0
stderr_has "downgrade c3cccccccccc -> b2bbbbbbbbbb, Add posts ("
stderr_has "downgraded 1 revision to b2bbbbbbbbbb in "
[ "$(db_has app posts)" = 0 ] || fail "posts still there"
run revapply -d m current
stdout_is "b2bbbbbbbbbb"

tcase "downgrade base reverts everything"
run revapply -d m downgrade base
status_is 0
stderr_has "downgrade a1aaaaaaaaaa -> <base>, Create users ("
stderr_has "downgraded 2 revisions to <base> in "
[ "$(db_rows app)" = "" ] || fail "rows left: $(db_rows app)"
[ "$(db_has app users)$(db_has app prefs)" = 00 ] || fail "tables left"
run revapply -d m current
status_is 0
stdout_is ""

tcase "upgrade to an id, a prefix, +N, heads; downgrade to an id and -N"
run revapply -d m upgrade a1aaaaaaaaaa
status_is 0
[ "$(db_rows app)" = "a1aaaaaaaaaa " ] || fail "after id: $(db_rows app)"
run revapply -d m upgrade +1
status_is 0
[ "$(db_rows app)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "after +1: $(db_rows app)"
run revapply -d m upgrade c3cc
status_is 0
stderr_has "upgraded 1 revision to c3cccccccccc"
run revapply -d m downgrade a1aa
status_is 0
[ "$(db_rows app)" = "a1aaaaaaaaaa " ] || fail "after downgrade id: $(db_rows app)"
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
stderr_has "not applied"
[ "$(db_rows app)" = "a1aaaaaaaaaa " ] || fail "changed: $(db_rows app)"

tcase "stamp sets the version table, running no SQL"
run revapply -d m stamp head
status_is 0
stderr_has "stamped: at c3cccccccccc (2 rows changed)"
[ "$(db_rows app)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(db_rows app)"
[ "$(db_has app posts)" = 0 ] || fail "stamp ran SQL"
run revapply -d m stamp b2bb
status_is 0
[ "$(db_rows app)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "rows: $(db_rows app)"
run revapply -d m stamp base
status_is 0
[ "$(db_rows app)" = "" ] || fail "rows: $(db_rows app)"
run revapply -d m stamp nosuch
status_is 2

tcase "branches: head is ambiguous, heads applies all, current lists both"
rev br r00000000001 "" "root" "CREATE TABLE r (x int);" "DROP TABLE r;"
rev br x00000000001 r00000000001 "left" "CREATE TABLE lft (x int);" "DROP TABLE lft;"
rev br y00000000001 r00000000001 "right" "CREATE TABLE rgt (x int);" "DROP TABLE rgt;"
bru=$(db_new br)
run revapply -d br -u "$bru" upgrade
status_is 2
stderr_has "several heads"
stderr_has "x00000000001"
run revapply -d br -u "$bru" upgrade heads
status_is 0
stderr_has "upgraded 3 revisions to x00000000001, y00000000001"
run revapply -d br -u "$bru" current
stdout_is "x00000000001 (head)
y00000000001 (head)"
run revapply -d br -u "$bru" history
stdout_has "<base> -> r00000000001 (branchpoint) [applied], root"

tcase "merges: upgrade and downgrade through a merge revision"
rev br z00000000001 "x00000000001 y00000000001" "merge" "CREATE TABLE mrg (x int);" "DROP TABLE mrg;"
run revapply -d br -u "$bru" upgrade
status_is 0
stderr_has "upgrade x00000000001, y00000000001 -> z00000000001, merge ("
run revapply -d br -u "$bru" current
stdout_is "z00000000001 (head)"
run revapply -d br -u "$bru" history
stdout_has "x00000000001, y00000000001 -> z00000000001 (head) (mergepoint) (current), merge"
run revapply -d br -u "$bru" downgrade
status_is 0
stderr_has "downgrade z00000000001 -> x00000000001, y00000000001, merge ("
run revapply -d br -u "$bru" downgrade x0000
status_is 0
stderr_is "nothing to do: at x00000000001, y00000000001"
run revapply -d br -u "$bru" downgrade r0000
status_is 0
stderr_has "downgraded 2 revisions to r00000000001"
run revapply -d br -u "$bru" upgrade y0000
status_is 0
stderr_has "upgraded 1 revision to y00000000001"
run revapply -d br -u "$bru" upgrade z0000
status_is 0
stderr_has "upgraded 2 revisions to z00000000001"
[ "$(db_rows br)" = "r00000000001 x00000000001 y00000000001 z00000000001 " ] || fail "rows: $(db_rows br)"

# f: a1 ok; b2 fails on the line the database points at; c3 ok.
rev f a1aaaaaaaaaa "" "one" "CREATE TABLE one (x int);" "DROP TABLE one;"
if on sqlite; then
	rev f b2bbbbbbbbbb a1aaaaaaaaaa "two" "CREATE TABLE two (x int);
INSERT INTO two VALUES (1);

-- the next statement fails
INSERT INTO
    nosuch VALUES (2);
CREATE TABLE two_b (x int);" "DROP TABLE two;"
	f_err="f/versions/b2bbbbbbbbbb_rev.sql:10: no such table: nosuch"
else
	# The server points at "nosuch": line 11, 'é' one character, two bytes.
	rev f b2bbbbbbbbbb a1aaaaaaaaaa "two" "CREATE TABLE two (x int);
INSERT INTO two VALUES (1);

-- the next statement fails; 'é' is one character, two bytes
INSERT INTO two SELECT 'é' = 'é'::text AND true, x FROM
    nosuch;
CREATE TABLE two_b (x int);" "DROP TABLE two;"
	f_err='f/versions/b2bbbbbbbbbb_rev.sql:11: relation "nosuch" does not exist'
fi
rev f c3cccccccccc b2bbbbbbbbbb "three" "CREATE TABLE three (x int);" "DROP TABLE three;"

tcase "a failing statement mid-revision mid-chain: file:line, earlier kept, failing one rolled back"
fu=$(db_new f)
run revapply -d f -u "$fu" upgrade
status_is 1
stderr_has "upgrade <base> -> a1aaaaaaaaaa, one ("
stderr_has "revapply: $f_err (revision b2bbbbbbbbbb)"
[ "$(grep -c nosuch "$ERR")" = 1 ] || fail "error printed more than once"
stderr_lacks "c3cccccccccc"
[ "$(db_rows f)" = "a1aaaaaaaaaa " ] || fail "rows: $(db_rows f)"
[ "$(db_has f one)$(db_has f two)$(db_has f two_b)$(db_has f three)" = 1000 ] ||
	fail "tables: $(db_has f one)$(db_has f two)$(db_has f two_b)$(db_has f three)"
run revapply -d f -u "$fu" current
stdout_is "a1aaaaaaaaaa"

if only postgres "the server reports no position for these errors"; then
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
fi

tcase "--single-transaction: a failure rolls back every revision of the run"
fu=$(db_new fs)
run revapply -d f -u "$fu" --single-transaction upgrade
status_is 1
stderr_has "$f_err"
[ "$(db_rows fs)" = "" ] || fail "rows: $(db_rows fs)"
[ "$(db_has fs one)" = 0 ] || fail "one kept"
# The revision reported before the failure is said to be rolled back.
stderr_has "upgrade <base> -> a1aaaaaaaaaa"
stderr_has "revapply: --single-transaction: the upgrade of the 1 revision reported before it (a1aaaaaaaaaa) was rolled back with it: the database is as before the run"
run revapply -d m -u "$(db_new single)" --single-transaction upgrade
status_is 0
stderr_has "upgraded 3 revisions"
[ "$(db_rows single)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(db_rows single)"

if only sqlite "SQLite's own transaction statements, journal and PRAGMAs"; then
tcase "a revision that ends its own transaction is refused before that statement runs"
rev tx a1aaaaaaaaaa "" "one" "CREATE TABLE one (x);" "DROP TABLE one;"
rev tx b2bbbbbbbbbb a1aaaaaaaaaa "commits" "CREATE TABLE two (x);
SAVEPOINT s; ROLLBACK TO s; RELEASE s;
  commit;
CREATE TABLE three (x);" "DROP TABLE two;"
run revapply -d tx -u sqlite:tx.db upgrade
status_is 2
stderr_has "revapply: tx/versions/b2bbbbbbbbbb_rev.sql:8: a statement that ends the revision's transaction (BEGIN, COMMIT, END or ROLLBACK) (revision b2bbbbbbbbbb); remove it"
[ "$(rows tx.db)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows tx.db)"
[ "$(q tx.db "select count(*) from sqlite_master where name in ('two','three')")" = 0 ] || fail "two or three kept"
# Without a transaction it is the revision's own business.
rev tx b2bbbbbbbbbb a1aaaaaaaaaa "commits" "BEGIN; CREATE TABLE two (x); COMMIT;" "DROP TABLE two;" "transaction: none"
run revapply -d tx -u sqlite:tx.db upgrade
status_is 0
[ "$(rows tx.db)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "rows: $(rows tx.db)"

tcase "a transaction: none revision that fails inside its own BEGIN: what it began is rolled back"
rev tn a1aaaaaaaaaa "" "one" "CREATE TABLE one (x);" "DROP TABLE one;"
rev tn b2bbbbbbbbbb a1aaaaaaaaaa "fails" "BEGIN;
CREATE TABLE two (x);
INSERT INTO nosuch VALUES (1);
COMMIT;" "DROP TABLE two;" "transaction: none"
run revapply -d tn -u sqlite:tn.db upgrade
status_is 1
stderr_has "revapply: tn/versions/b2bbbbbbbbbb_rev.sql:9: no such table: nosuch (revision b2bbbbbbbbbb)"
# Nothing of it was kept: it is not left in progress (issue 18, item 13).
stderr_has "revapply: tn/versions/b2bbbbbbbbbb_rev.sql: revision 'b2bbbbbbbbbb' was rolled back whole (it changed nothing outside its own transaction): the database is as before it"
[ "$(q tn.db "select count(*) from sqlite_master where name = 'two'")" = 0 ] || fail "two kept"
[ "$(rows tn.db)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows tn.db)"
# The connection is usable afterwards: the next command reads it.
run revapply -d tn -u sqlite:tn.db current
status_is 0
stdout_is "a1aaaaaaaaaa"
# A foreign-keys-off rebuild that fails, both ways.
rev fr a1aaaaaaaaaa "" "one" "CREATE TABLE p (id INTEGER PRIMARY KEY);
CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));" "DROP TABLE c; DROP TABLE p;"
rev fr b2bbbbbbbbbb a1aaaaaaaaaa "rebuild p" "PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE _n (id INTEGER PRIMARY KEY, x TEXT NOT NULL);
INSERT INTO _n (id) SELECT id FROM p;
DROP TABLE p;
ALTER TABLE _n RENAME TO p;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;" "PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE _o (id INTEGER PRIMARY KEY, y TEXT NOT NULL);
INSERT INTO _o (id) SELECT id FROM p;
DROP TABLE p;
ALTER TABLE _o RENAME TO p;
COMMIT;
PRAGMA foreign_keys = ON;" "transaction: none"
revapply -q -d fr -u sqlite:fr.db upgrade a1aaaaaaaaaa
q fr.db "INSERT INTO p VALUES (1)" >/dev/null
run revapply -d fr -u sqlite:fr.db upgrade
status_is 1
stderr_has "NOT NULL constraint failed: _n.x"
stderr_has "rolled back whole"
[ "$(rows fr.db)" = "a1aaaaaaaaaa " ] || fail "upgrade: rows: $(rows fr.db)"
[ "$(q fr.db "select sql from sqlite_master where name = 'p'")" = "CREATE TABLE p (id INTEGER PRIMARY KEY)" ] ||
	fail "p changed"
q fr.db "DELETE FROM p" >/dev/null
run revapply -d fr -u sqlite:fr.db upgrade
status_is 0
q fr.db "INSERT INTO p VALUES (1, 'x')" >/dev/null
run revapply -d fr -u sqlite:fr.db downgrade -1
status_is 1
stderr_has "rolled back whole"
[ "$(q fr.db "select revision, state from dbrev_revisions order by revision" | tr '\n' ' ')" = "a1aaaaaaaaaa|applied b2bbbbbbbbbb|applied " ] ||
	fail "downgrade: rows: $(q fr.db "select revision, state from dbrev_revisions")"
# What ran before its BEGIN was kept: left in progress, as before.
rev tk a1aaaaaaaaaa "" "fails" "CREATE TABLE kept (x);
BEGIN;
INSERT INTO nosuch VALUES (1);
COMMIT;" "DROP TABLE kept;" "transaction: none"
run revapply -d tk -u sqlite:tk.db upgrade
status_is 1
stderr_lacks "rolled back whole"
stderr_has "revapply resolve a1aaaaaaaaaa"
[ "$(q tk.db "select state from dbrev_revisions")" = in_progress ] || fail "not left in progress"

tcase "a transaction: none revision that never ends its BEGIN: an error, rolled back"
rev to a1aaaaaaaaaa "" "one" "CREATE TABLE one (x);" "DROP TABLE one;"
rev to b2bbbbbbbbbb a1aaaaaaaaaa "open" "BEGIN;
CREATE TABLE two (x);" "DROP TABLE two;" "transaction: none"
run revapply -d to -u sqlite:to.db upgrade
status_is 2
stderr_has "revapply: to/versions/b2bbbbbbbbbb_rev.sql: the revision begins a transaction and does not end it; it was rolled back (revision b2bbbbbbbbbb); end it with COMMIT"
stderr_has "rolled back whole"
[ "$(q to.db "select count(*) from sqlite_master where name = 'two'")" = 0 ] || fail "two kept"
[ "$(rows to.db)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows to.db)"

tcase "a revision's PRAGMA does not carry over: one run does what a run per revision does"
# A table rebuild turns foreign keys on at its end; the connection had
# them off (SQLite's default), and so must the next revision.
rev fk a1aaaaaaaaaa "" "parent and child" "CREATE TABLE p (id INTEGER PRIMARY KEY);
CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));" "DROP TABLE c; DROP TABLE p;"
rev fk b2bbbbbbbbbb a1aaaaaaaaaa "rebuild p" "PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE _n (id INTEGER PRIMARY KEY, x TEXT);
INSERT INTO _n (id) SELECT id FROM p;
DROP TABLE p;
ALTER TABLE _n RENAME TO p;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
PRAGMA recursive_triggers = ON;" "SELECT 1;" "transaction: none"
rev fk c3cccccccccc b2bbbbbbbbbb "rows" "INSERT INTO c VALUES (1, 42);
CREATE TABLE settings AS SELECT * FROM pragma_foreign_keys, pragma_recursive_triggers;" "DROP TABLE settings; DELETE FROM c;"
# A later DELETE cascades only with foreign keys on.
rev fk d4dddddddddd c3cccccccccc "cascade" "INSERT INTO p (id) VALUES (7);
CREATE TABLE k (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE);
INSERT INTO k VALUES (1, 7);
DELETE FROM p WHERE id = 7;" "DROP TABLE k;"
run revapply -d fk -u sqlite:fk1.db upgrade
status_is 0
[ "$(q fk1.db "select * from c")" = "1|42" ] || fail "row: $(q fk1.db 'select * from c')"
for i in 1 2 3 4; do
	run revapply -d fk -u sqlite:fk3.db upgrade +1
	status_is 0
done
[ "$(q fk1.db "select * from settings")" = "0|0" ] ||
	fail "settings in one run: $(q fk1.db 'select * from settings')"
[ "$(q fk1.db "select * from settings")" = "$(q fk3.db "select * from settings")" ] ||
	fail "one run and three differ"
[ "$(q fk1.db "select count(*) from k")" = 1 ] || fail "cascaded online"
# The offline script does the same through sqlite3.
run revapply -d fk --dialect sqlite --sql upgrade head
status_is 0
cp "$OUT" fk.sql
sqlite3 -bail fkoff.db <fk.sql >/dev/null 2>&1 || fail "sqlite3 failed on the script"
[ "$(q fkoff.db "select * from settings")" = "0|0" ] ||
	fail "settings offline: $(q fkoff.db 'select * from settings')"
[ "$(q fkoff.db "select count(*) from k")" = 1 ] || fail "cascaded offline"
fi

if only postgres "PostgreSQL's VACUUM message, transaction statements, deferred constraints, NOTICEs and schemas"; then
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
fi

tcase "an edited applied revision is refused with both checksums"
cp -r m e
eu=$(db_new e)
run revapply -d e -u "$eu" upgrade
status_is 0
old=$(db_q e "select checksum from dbrev_revisions where revision = 'b2bbbbbbbbbb'")
sed -i 's/INSERT INTO prefs VALUES (1, 1);/INSERT INTO prefs VALUES (2, 1);/' e/versions/b2bbbbbbbbbb_rev.sql
new=$(sed -n '/^-- +upgrade$/,/^-- +downgrade$/p' e/versions/b2bbbbbbbbbb_rev.sql | sed '1d;$d' | sha256sum | cut -c1-64)
run revapply -d e -u "$eu" upgrade
status_is 1
stderr_has "e/versions/b2bbbbbbbbbb_rev.sql: revision 'b2bbbbbbbbbb' was edited after it was applied"
stderr_has "$old"
stderr_has "$new"
stderr_has "revapply resolve b2bbbbbbbbbb applied"
run revapply -d e -u "$eu" downgrade
status_is 1
run revapply -d e -u "$eu" history
stdout_has "[edited]"
run revapply -d e -u "$eu" current
status_is 0
stdout_is "c3cccccccccc (head)"
stderr_is "revapply: e/versions/b2bbbbbbbbbb_rev.sql: revision 'b2bbbbbbbbbb' was edited after it was applied (checksum differs); restore the file as applied, or run 'revapply resolve b2bbbbbbbbbb applied' if the database matches it"
run revapply -d e -u "$eu" resolve b2bbbbbbbbbb applied
status_is 0
run revapply -d e -u "$eu" upgrade
status_is 0
stderr_is "nothing to do: at c3cccccccccc"
[ "$(db_q e "select checksum from dbrev_revisions where revision = 'b2bbbbbbbbbb'")" = "$new" ] ||
	fail "checksum not updated"

if only sqlite "a row edited in place in the file"; then
tcase "a row naming a revision not in the directory is an error"
q e.db "insert into dbrev_revisions values ('gone00000000', 'x', 'applied', 'now')" >/dev/null
run revapply -d e -u sqlite:e.db upgrade
status_is 1
stderr_has "records revision 'gone00000000', which is not in e/versions"
for verb in current history; do
	run revapply -d e -u sqlite:e.db $verb
	[ $verb = current ] && status_is 1 || status_is 0
	stderr_has "revapply: version table records revision 'gone00000000', which is not in e/versions: the database was migrated with revisions this directory lacks; restore its file (another branch, a newer checkout?), or run 'revapply resolve gone00000000 reverted'"
done
# Only such a row: current says what it is, not "at <base>", and fails.
revapply -q -d e -u sqlite:unknown.db stamp base
q unknown.db "insert into dbrev_revisions values ('f00000000000', 'x', 'applied', 'now')" >/dev/null
run revapply -d e -u sqlite:unknown.db current
status_is 1
stdout_is ""
stderr_is "revapply: version table records revision 'f00000000000', which is not in e/versions: the database was migrated with revisions this directory lacks; restore its file (another branch, a newer checkout?), or run 'revapply resolve f00000000000 reverted'"
run revapply -d e -u sqlite:e.db resolve gone00000000 reverted
status_is 0
run revapply -d e -u sqlite:e.db upgrade
status_is 0

tcase "transaction: none revisions run and are recorded applied"
cp -r m n
rev n d4dddddddddd c3cccccccccc "vacuum" "VACUUM;" "VACUUM;" "transaction: none"
run revapply -d n -u sqlite:n.db upgrade
status_is 0
stderr_has "upgrade c3cccccccccc -> d4dddddddddd, vacuum ("
[ "$(q n.db "select state from dbrev_revisions where revision='d4dddddddddd'")" = applied ] ||
	fail "not applied"
run revapply -d n -u sqlite:n.db downgrade
status_is 0
[ "$(rows n.db)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(rows n.db)"
fi

if only postgres "CREATE INDEX CONCURRENTLY"; then
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
fi

tcase "an interrupted transaction: none revision blocks the run until resolved"
nu=$(db_url n)
db_q n "insert into dbrev_revisions (revision, checksum, state) values ('d4dddddddddd', 'x', 'in_progress')" >/dev/null
run revapply -d n -u "$nu" upgrade
status_is 1
stderr_has "n/versions/d4dddddddddd_rev.sql: revision 'd4dddddddddd' was left in progress by an interrupted run"
stderr_has "revapply resolve d4dddddddddd applied"
run revapply -d n -u "$nu" downgrade
status_is 1
run revapply -d n -u "$nu" current
status_is 0
stdout_has "d4dddddddddd (in progress)"
stderr_has "revapply: n/versions/d4dddddddddd_rev.sql: revision 'd4dddddddddd' was left in progress by an interrupted run; check the database, then run 'revapply resolve d4dddddddddd applied' or 'revapply resolve d4dddddddddd reverted'"
run revapply -d n -u "$nu" resolve d4dd reverted
status_is 0
run revapply -d n -u "$nu" upgrade
status_is 0
stderr_has "upgraded 1 revision to d4dddddddddd"

if only sqlite "SQLite's triggers, busy timeout and file"; then
tcase "a failing transaction: none revision is left in progress"
rev n e5eeeeeeeeee d4dddddddddd "bad" "CREATE TABLE e5 (x);
INSERT INTO nosuch VALUES (1);" "DROP TABLE e5;" "transaction: none"
run revapply -d n -u sqlite:n.db upgrade
status_is 1
stderr_has "n/versions/e5eeeeeeeeee_rev.sql:8: no such table: nosuch (revision e5eeeeeeeeee)"
stderr_has "resolve"
[ "$(q n.db "select state from dbrev_revisions where revision='e5eeeeeeeeee'")" = in_progress ] ||
	fail "not marked in progress"
run revapply -d n -u sqlite:n.db upgrade
status_is 1
stderr_has "left in progress"
run revapply -d n -u sqlite:n.db resolve e5eeeeeeeeee applied
status_is 0
[ "$(q n.db "select state from dbrev_revisions where revision='e5eeeeeeeeee'")" = applied ] ||
	fail "not resolved"

tcase "a transaction: none revision that ran but cannot settle its row says so"
cp -r n ns
cp n.db ns.db
# Its statements run, then a trigger of its own refuses the row's update.
rev ns f6ffffffffff e5eeeeeeeeee "settle" "CREATE TRIGGER no_settle BEFORE UPDATE ON dbrev_revisions
BEGIN SELECT RAISE(ABORT, 'settling refused'); END;" "DROP TRIGGER no_settle;" "transaction: none"
run revapply -d ns -u sqlite:ns.db upgrade
status_is 1
stderr_has "settling refused"
stderr_has "revapply: ns/versions/f6ffffffffff_rev.sql: revision 'f6ffffffffff' ran completely, but its row stays in progress; run 'revapply resolve f6ffffffffff applied'"
[ "$(grep -c '^revapply: ' "$ERR")" = 2 ] || fail "not two messages: $(cat "$ERR")"
[ "$(q ns.db "select state from dbrev_revisions where revision='f6ffffffffff'")" = in_progress ] ||
	fail "not left in progress"

tcase "resolve: unknown revisions and missing rows are errors"
run revapply -d n -u sqlite:n.db resolve ffffffffffff applied
status_is 2
stderr_has "ffffffffffff"
run revapply -d n -u sqlite:n.db resolve ffffffffffff reverted
status_is 2
revapply -q -d n -u sqlite:fresh.db stamp base
run revapply -d n -u sqlite:fresh.db resolve a1aaaaaaaaaa reverted
status_is 2
stderr_has "has no row in version table dbrev_revisions"
# Neither way creates a database that is not there.
for how in reverted applied; do
	run revapply -d n -u sqlite:nofile.db resolve a1aaaaaaaaaa $how
	status_is 2
	stderr_has "nofile.db: no such SQLite database"
done
[ ! -e nofile.db ] || fail "resolve created nofile.db"
run revapply -d n -u sqlite:n.db resolve a1aaaaaaaaaa maybe
status_is 2
stderr_has "'applied' or 'reverted'"
run revapply -d n -u sqlite:n.db resolve a1aaaaaaaaaa
status_is 2

tcase "stamp settles rows in progress and edited checksums"
cp n.db st.db
q st.db "update dbrev_revisions set state='in_progress' where revision='e5eeeeeeeeee'" >/dev/null
q st.db "update dbrev_revisions set checksum='x' where revision='b2bbbbbbbbbb'" >/dev/null
run revapply -d n -u sqlite:st.db upgrade
status_is 1
run revapply -d n -u sqlite:st.db stamp e5ee
status_is 0
stderr_has "(2 rows changed)"
run revapply -d n -u sqlite:st.db upgrade
status_is 0
stderr_is "nothing to do: at e5eeeeeeeeee"

tcase "a writer that is not dbrev holding the database: busy timeout, clear error"
revapply -q -d m -u sqlite:busy.db upgrade a1aa
{ echo "BEGIN IMMEDIATE;"; sleep 10 & echo $! >sleeper.pid; wait; echo "COMMIT;"; } | sqlite3 busy.db &
holder=$!
i=0
while sqlite3 busy.db "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null && [ "$i" -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
run revapply -d m -u sqlite:busy.db --lock-timeout 0.3 upgrade
status_is 1
stderr_has "timed out waiting to write to busy.db"
stderr_has "--lock-timeout"
kill "$(cat sleeper.pid)"
wait "$holder" 2>/dev/null
[ "$(rows busy.db)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows busy.db)"
run revapply -d m -u sqlite:busy.db upgrade
status_is 0

tcase "--single-transaction refuses transaction: none revisions"
run revapply -d n -u sqlite:n2.db --single-transaction upgrade
status_is 2
stderr_has "transaction: none"
[ "$(rows n2.db)" = "" ] || fail "ran: $(rows n2.db)"
fi

if only postgres "the server's hints, SET, roles and session state"; then
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
fi

tcase "downgrading across an irreversible revision is refused before anything runs"
cp -r m ir
rev ir d4dddddddddd c3cccccccccc "irreversible" "CREATE TABLE four (x int);"
rev ir e5eeeeeeeeee d4dddddddddd "five" "CREATE TABLE five (x int);" "DROP TABLE five;"
iu=$(db_new ir)
run revapply -d ir -u "$iu" upgrade
status_is 0
run revapply -d ir -u "$iu" downgrade base
status_is 2
stderr_has "d4dddddddddd"
stderr_has "irreversible"
[ "$(db_rows ir | wc -w)" = 5 ] || fail "something ran: $(db_rows ir)"
[ "$(db_has ir five)" = 1 ] || fail "five dropped"
run revapply -d ir -u "$iu" downgrade -1
status_is 0

if only sqlite "sqlite3 shell, journal mode"; then
tcase "offline SQL through sqlite3 gives the same schema and rows as online"
cp -r br off
run revapply -d off -u sqlite:online.db upgrade z0000
status_is 0
run revapply -d off --dialect sqlite --sql upgrade z0000
status_is 0
stderr_is ""
cp "$OUT" up.sql
grep -q '^BEGIN;$' up.sql || fail "no BEGIN"
grep -q 'CREATE TABLE IF NOT EXISTS "dbrev_revisions"' up.sql || fail "no DDL"
sqlite3 offline.db <up.sql >/dev/null 2>&1 || fail "sqlite3 failed on the script"
[ "$(sqlite3 online.db .schema)" = "$(sqlite3 offline.db .schema)" ] ||
	fail "schemas differ"
vr() { q "$1" "select revision, checksum, state from dbrev_revisions order by revision"; }
[ "$(vr online.db)" = "$(vr offline.db)" ] || fail "rows differ: $(vr offline.db)"
[ "$(vr offline.db | wc -l)" = 4 ] || fail "rows: $(vr offline.db)"
# The URL gives the dialect; FROM:TO and downgrade.
run revapply -d off -u sqlite:whatever.db --sql upgrade x0000:z0000
status_is 0
stdout_has "CREATE TABLE rgt"
stdout_has "CREATE TABLE mrg"
stdout_lacks "CREATE TABLE lft"
[ ! -e whatever.db ] || fail "--sql connected"
run revapply -d off -u sqlite:online.db --sql downgrade z0000:base
status_is 0
cp "$OUT" down.sql
sqlite3 offline.db <down.sql >/dev/null 2>&1 || fail "sqlite3 failed on the downgrade"
revapply -d off -u sqlite:online.db downgrade base 2>/dev/null
[ "$(sqlite3 online.db .schema)" = "$(sqlite3 offline.db .schema)" ] ||
	fail "schemas differ after downgrade"
[ "$(vr offline.db)" = "" ] || fail "rows left: $(vr offline.db)"

tcase "offline SQL: usage and dialects"
run env -u DATABASE_URL revapply -d off --sql upgrade
status_is 2
stderr_has "--dialect"
run revapply -d off --dialect sqlite --sql downgrade base
status_is 2
stderr_has "FROM:TO"
run revapply -d off --dialect oracle --sql upgrade
status_is 2
run revapply -d off --dialect sqlite --sql current
status_is 2
run revapply -d off --dialect sqlite --sql upgrade nosuch
status_is 2
run revapply -d n --dialect sqlite --sql upgrade d4dddddddddd
status_is 0
awk '/d4dddddddddd, vacuum/{f=1} f&&/^BEGIN;$/{print "tx"} /^VACUUM;$/{exit}' "$OUT" | grep -q tx &&
	fail "transaction: none wrapped in BEGIN"
if [ "${DBREV_WITH_POSTGRES:-yes}" = yes ]; then
	run revapply -d off --dialect postgresql --sql upgrade z0000
	status_is 0
	stdout_has "ON_ERROR_STOP"
	stdout_has "dbrev_revisions"
fi

tcase "--table names the version table"
run revapply -d m -u sqlite:tbl.db --table my_versions upgrade
status_is 0
[ "$(q tbl.db "select count(*) from my_versions")" = 3 ] || fail "no rows in my_versions"
[ "$(q tbl.db "select count(*) from sqlite_master where name='dbrev_revisions'")" = 0 ] ||
	fail "default table made"
run revapply -d m -u sqlite:tbl.db --table my_versions current
stdout_is "c3cccccccccc (head)"

tcase "the journal mode is left as the user set it"
sqlite3 wal.db "pragma journal_mode=wal" >/dev/null
run revapply -d m -u sqlite:wal.db upgrade
status_is 0
[ "$(q wal.db "pragma journal_mode")" = wal ] || fail "journal mode changed"
fi

tcase "another run holding the lock: --lock-timeout expires with a clear error"
lu=$(db_new lock)
db_lock_hold lock
run revapply -d m -u "$lu" --lock-timeout 0.5 upgrade
status_is 1
stderr_has "--lock-timeout"
if on sqlite; then
	stderr_has "timed out after 0.5 s waiting for the lock on lock.db"
else
	stderr_has "lock timeout"
	stderr_has "0.5 s"
	[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"
fi
[ "$(db_has lock users)" = 0 ] || fail "ran: $(db_rows lock)"
db_lock_release
run revapply -d m -u "$lu" --lock-timeout 0.5 upgrade
status_is 0

if only sqlite "files: missing, read-only, not regular; libpq never loaded"; then
tcase "missing directory, bad URLs, no URL"
run revapply -d nowhere upgrade
status_is 2
stderr_has "nowhere"
run revapply -d m -u mysql://u:hunter2@h/d upgrade
status_is 2
stderr_has "unknown scheme"
stderr_lacks "hunter2"
run revapply -d m -u sqlite://host/x.db upgrade
status_is 2
run revapply -d m -u "" upgrade
status_is 2
stderr_has "DATABASE_URL"
run revapply -d m -u sqlite:nodir/sub/x.db upgrade
status_is 1
stderr_has "nodir/sub/x.db"

tcase "current and history on a file that is not there: at base, nothing created"
run revapply -d m -u sqlite:typo.db current
status_is 0
stdout_is ""
stderr_is "at <base>: typo.db does not exist yet; revapply upgrade creates it"
[ ! -e typo.db ] || fail "current created typo.db"
run revapply -d m -u sqlite:typo.db history
status_is 0
stdout_has "<base> -> a1aaaaaaaaaa, Create users"
stdout_lacks "applied"
stdout_lacks "current"
stderr_is "at <base>: typo.db does not exist yet; revapply upgrade creates it"
run revapply -q -d m -u sqlite:nodir/typo.db current
status_is 0
stderr_is ""
[ ! -e typo.db ] && [ ! -e nodir ] || fail "a file or directory was created"
run revapply -d m -u sqlite:typo.db upgrade
status_is 0
[ "$(rows typo.db)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] ||
	fail "upgrade did not create it: $(rows typo.db)"
rm -f typo.db

tcase "downgrade and resolve on a file that is not there: nothing created"
run revapply -d m -u sqlite:typo.db downgrade base
status_is 0
stderr_is "nothing to do: at <base>
at <base>: typo.db does not exist yet; revapply upgrade creates it"
run revapply -d m -u sqlite:typo.db downgrade
status_is 2
stderr_has "typo.db does not exist yet"
run revapply -d m -u sqlite:typo.db resolve a1aaaaaaaaaa reverted
status_is 2
stderr_is "revapply: typo.db: no such SQLite database: there is no row to resolve; check the URL (--url or DATABASE_URL)"
[ ! -e typo.db ] || fail "typo.db created"

tcase "a read-only database or directory: the database cannot be written, and why"
# As root, permissions hold for another user only.
as_user() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}
mkdir -p rodir
cp -r m rodir/m
revapply -q -d rodir/m -u sqlite:rodir/app.db upgrade a1aaaaaaaaaa
chmod 755 rodir
chmod 444 rodir/app.db
cd rodir || exit 1
run as_user "$DBREV_BINDIR/revapply" -d m -u sqlite:app.db upgrade
status_is 1
stderr_is "revapply: app.db: the database cannot be written: the file is read-only for this user (revision b2bbbbbbbbbb); give this user the right to write the file and its directory, or run as one who has it"
run as_user "$DBREV_BINDIR/revapply" -d m -u sqlite:app.db stamp head
status_is 1
stderr_has "revapply: app.db: the database cannot be written: the file is read-only for this user"
chmod 666 app.db
chmod 555 .
run as_user "$DBREV_BINDIR/revapply" -d m -u sqlite:app.db upgrade
status_is 1
stderr_is "revapply: app.db: the database cannot be written: its directory . is read-only for this user, and SQLite writes its journal there (revision b2bbbbbbbbbb); give this user the right to write the file and its directory, or run as one who has it"
chmod 755 .
cd "$T" || exit 1
[ "$(rows rodir/app.db)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows rodir/app.db)"

tcase "a statement SQLite refuses in a transaction suggests transaction: none"
rev vac a1aaaaaaaaaa "" "vacuum" "CREATE TABLE v (x);
VACUUM;" "DROP TABLE v;"
run revapply -d vac -u sqlite:vac.db upgrade
status_is 1
stderr_is "revapply: vac/versions/a1aaaaaaaaaa_rev.sql:7: cannot VACUUM from within a transaction (revision a1aaaaaaaaaa); mark the revision '-- transaction: none' to run it outside a transaction"

tcase "a versions/*.sql that is not a regular file, or over 1 GiB, is refused without hanging"
cp -r m nr
mkfifo nr/versions/zz_fifo.sql
run timeout 20 revapply -d nr -u sqlite:nr.db upgrade
status_is 2
stderr_is "revapply: nr/versions/zz_fifo.sql: a FIFO, not a regular file; a revision is a file: move this out of the directory"
rm nr/versions/zz_fifo.sql
ln -s /dev/zero nr/versions/zz_zero.sql
run timeout 20 revapply -d nr -u sqlite:nr.db current
status_is 2
stderr_is "revapply: nr/versions/zz_zero.sql: a character device, not a regular file; a revision is a file: move this out of the directory"
rm nr/versions/zz_zero.sql
truncate -s 1073741825 nr/versions/zz_big.sql
run timeout 20 revapply -d nr -u sqlite:nr.db upgrade
status_is 2
stderr_is "revapply: nr/versions/zz_big.sql: 1073741825 bytes, over the limit of 1073741824 bytes for this file; split it, or load data outside migrations"
rm nr/versions/zz_big.sql
[ ! -e nr.db ] || fail "nr.db created"

tcase "no password in any output"
if [ "${DBREV_WITH_POSTGRES:-yes}" = yes ]; then
	run revapply -d m -u 'postgresql://alice:s3cretpw@127.0.0.1:1/db?connect_timeout=2' upgrade
	[ "$STATUS" != 0 ] || fail "connected?"
	stderr_lacks "s3cretpw"
	run revapply -d m -u 'host=127.0.0.1 port=1 password=s3cretpw dbname=x connect_timeout=2' current
	[ "$STATUS" != 0 ] || fail "connected?"
	stderr_lacks "s3cretpw"
	# libpq is loaded when first needed; when it cannot be, one clear line.
	run env DBREV_LIBPQ=/nonexistent/libpq.so.5 revapply -d m -u 'postgresql://alice:s3cretpw@h/db' upgrade
	status_is 1
	stderr_has "cannot load libpq (/nonexistent/libpq.so.5"
	stderr_lacks "s3cretpw"
	[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"
	# ... and SQLite runs do not load it at all.
	run env DBREV_LIBPQ=/nonexistent/libpq.so.5 revapply -d m current
	status_is 0
else
	run revapply -d m -u 'postgresql://alice:s3cretpw@h/db' upgrade
	status_is 2
	stderr_has "built without PostgreSQL support"
	stderr_lacks "s3cretpw"
fi
fi

if only postgres "pg_dump, application_name, libpq, server connections and roles"; then
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

tcase "another run asleep in a revision holds the lock: its application named, the table spelled with its schema waits too, a killed holder frees it"
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
fi

tcase "every migrations directory of this script: the offline script does what the online run does"
for d in "$T"/*/versions; do
	offline_same "$DIALECT" "${d%/versions}" "$(basename "${d%/versions}")"
done

finish
