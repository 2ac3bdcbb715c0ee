# revapply on real SQLite files: every verb and target form, branches
# and merges, failures and how they are reported, offline SQL.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
. "$DBREV_SRCDIR/tests/lib/offline.sh"	# offline_same
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR

q() { sqlite3 "$1" "$2" 2>&1; }
rows() { sqlite3 "$1" "select revision from dbrev_revisions order by revision" 2>/dev/null | tr '\n' ' '; }

# A chain a1 -> b2 -> c3.
rev m a1aaaaaaaaaa "" "Create users" \
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);" "DROP TABLE users;"
rev m b2bbbbbbbbbb a1aaaaaaaaaa "Add prefs" \
    "CREATE TABLE prefs (id INTEGER PRIMARY KEY, user_id INTEGER);
INSERT INTO prefs VALUES (1, 1);" "DROP TABLE prefs;"
rev m c3cccccccccc b2bbbbbbbbbb "Add posts" \
    "CREATE TABLE posts (id INTEGER PRIMARY KEY);" "DROP TABLE posts;"
export DATABASE_URL=sqlite:app.db

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
[ "$(rows app.db)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] ||
	fail "rows: $(rows app.db)"
[ "$(q app.db "select count(*) from sqlite_master where name in ('users','prefs','posts')")" = 3 ] ||
	fail "tables missing"
[ "$(q app.db "select count(*) from dbrev_revisions where state='applied' and length(checksum)=64 and applied_at like '20__-__-__T__:__:__Z'")" = 3 ] ||
	fail "rows not complete: $(q app.db 'select * from dbrev_revisions')"

tcase "upgrade again: nothing to do"
run revapply -d m upgrade
status_is 0
stderr_is "nothing to do: at c3cccccccccc"

tcase "-q is silent"
run revapply -q -d m upgrade head
status_is 0
stderr_is ""
stdout_is ""

tcase "-v names the database (no password), table and directory"
run revapply -v -d m upgrade
status_is 0
stderr_has "database sqlite:app.db, version table dbrev_revisions, revisions in m/versions"

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
[ "$(q app.db "select count(*) from sqlite_master where name='posts'")" = 0 ] ||
	fail "posts still there"
run revapply -d m current
stdout_is "b2bbbbbbbbbb"

tcase "downgrade base reverts everything"
run revapply -d m downgrade base
status_is 0
stderr_has "downgrade a1aaaaaaaaaa -> <base>, Create users ("
stderr_has "downgraded 2 revisions to <base> in "
[ "$(rows app.db)" = "" ] || fail "rows left: $(rows app.db)"
[ "$(q app.db "select count(*) from sqlite_master where name in ('users','prefs')")" = 0 ] ||
	fail "tables left"
run revapply -d m current
status_is 0
stdout_is ""

tcase "upgrade to an id, a prefix, +N; downgrade to an id and -N"
run revapply -d m upgrade a1aaaaaaaaaa
status_is 0
[ "$(rows app.db)" = "a1aaaaaaaaaa " ] || fail "after id: $(rows app.db)"
run revapply -d m upgrade +1
status_is 0
[ "$(rows app.db)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "after +1: $(rows app.db)"
run revapply -d m upgrade c3cc
status_is 0
stderr_has "upgraded 1 revision to c3cccccccccc"
run revapply -d m downgrade a1aa
status_is 0
[ "$(rows app.db)" = "a1aaaaaaaaaa " ] || fail "after downgrade id: $(rows app.db)"
run revapply -d m upgrade heads
status_is 0
run revapply -d m downgrade -2
status_is 0
stderr_has "downgraded 2 revisions to a1aaaaaaaaaa"
run revapply -d m upgrade base
status_is 0
stderr_is "nothing to do: at a1aaaaaaaaaa"

tcase "unknown and bad targets exit 2"
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
[ "$(rows app.db)" = "a1aaaaaaaaaa " ] || fail "changed: $(rows app.db)"

tcase "stamp sets the version table, running no SQL"
run revapply -d m stamp head
status_is 0
stderr_has "stamped: at c3cccccccccc (2 rows changed)"
[ "$(rows app.db)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(rows app.db)"
[ "$(q app.db "select count(*) from sqlite_master where name='posts'")" = 0 ] ||
	fail "stamp ran SQL"
run revapply -d m stamp b2bb
status_is 0
[ "$(rows app.db)" = "a1aaaaaaaaaa b2bbbbbbbbbb " ] || fail "rows: $(rows app.db)"
run revapply -d m stamp base
status_is 0
[ "$(rows app.db)" = "" ] || fail "rows: $(rows app.db)"
run revapply -d m stamp nosuch
status_is 2

tcase "branches: head is ambiguous, heads applies all, current lists both"
rev br r00000000001 "" "root" "CREATE TABLE r (x);" "DROP TABLE r;"
rev br x00000000001 r00000000001 "left" "CREATE TABLE lft (x);" "DROP TABLE lft;"
rev br y00000000001 r00000000001 "right" "CREATE TABLE rgt (x);" "DROP TABLE rgt;"
run revapply -d br -u sqlite:br.db upgrade
status_is 2
stderr_has "several heads"
stderr_has "x00000000001"
run revapply -d br -u sqlite:br.db upgrade heads
status_is 0
stderr_has "upgraded 3 revisions to x00000000001, y00000000001"
run revapply -d br -u sqlite:br.db current
stdout_is "x00000000001 (head)
y00000000001 (head)"
run revapply -d br -u sqlite:br.db history
stdout_has "<base> -> r00000000001 (branchpoint) [applied], root"

tcase "merges: upgrade and downgrade through a merge revision"
rev br z00000000001 "x00000000001 y00000000001" "merge" "CREATE TABLE mrg (x);" "DROP TABLE mrg;"
run revapply -d br -u sqlite:br.db upgrade
status_is 0
stderr_has "upgrade x00000000001, y00000000001 -> z00000000001, merge ("
run revapply -d br -u sqlite:br.db current
stdout_is "z00000000001 (head)"
run revapply -d br -u sqlite:br.db history
stdout_has "x00000000001, y00000000001 -> z00000000001 (head) (mergepoint) (current), merge"
run revapply -d br -u sqlite:br.db downgrade
status_is 0
stderr_has "downgrade z00000000001 -> x00000000001, y00000000001, merge ("
run revapply -d br -u sqlite:br.db downgrade x0000
status_is 0
stderr_is "nothing to do: at x00000000001, y00000000001"
run revapply -d br -u sqlite:br.db downgrade r0000
status_is 0
stderr_has "downgraded 2 revisions to r00000000001"
run revapply -d br -u sqlite:br.db upgrade y0000
status_is 0
stderr_has "upgraded 1 revision to y00000000001"
run revapply -d br -u sqlite:br.db upgrade z0000
status_is 0
stderr_has "upgraded 2 revisions to z00000000001"

tcase "a failing statement mid-revision mid-chain: earlier kept, failing one leaves no trace"
rev f a1aaaaaaaaaa "" "one" "CREATE TABLE one (x);" "DROP TABLE one;"
rev f b2bbbbbbbbbb a1aaaaaaaaaa "two" "CREATE TABLE two (x);
INSERT INTO two VALUES (1);

-- the next statement fails
INSERT INTO
    nosuch VALUES (2);
CREATE TABLE two_b (x);" "DROP TABLE two;"
rev f c3cccccccccc b2bbbbbbbbbb "three" "CREATE TABLE three (x);" "DROP TABLE three;"
run revapply -d f -u sqlite:f.db upgrade
status_is 1
stderr_has "upgrade <base> -> a1aaaaaaaaaa, one ("
stderr_has "revapply: f/versions/b2bbbbbbbbbb_rev.sql:10: no such table: nosuch (revision b2bbbbbbbbbb)"
[ "$(grep -c nosuch "$ERR")" = 1 ] || fail "error printed more than once"
stderr_lacks "c3cccccccccc"
[ "$(rows f.db)" = "a1aaaaaaaaaa " ] || fail "rows: $(rows f.db)"
[ "$(q f.db "select group_concat(name) from sqlite_master where name in ('one','two','two_b','three')")" = one ] ||
	fail "tables: $(q f.db 'select name from sqlite_master')"
run revapply -d f -u sqlite:f.db current
stdout_is "a1aaaaaaaaaa"

tcase "--single-transaction: a failure rolls back every revision of the run"
rm -f f.db
run revapply -d f -u sqlite:f.db --single-transaction upgrade
status_is 1
stderr_has "f/versions/b2bbbbbbbbbb_rev.sql:10: no such table: nosuch"
[ "$(rows f.db)" = "" ] || fail "rows: $(rows f.db)"
[ "$(q f.db "select count(*) from sqlite_master where name='one'")" = 0 ] || fail "one kept"
# The revision reported before the failure is said to be rolled back.
stderr_has "upgrade <base> -> a1aaaaaaaaaa"
stderr_has "revapply: --single-transaction: the upgrade of the 1 revision reported before it (a1aaaaaaaaaa) was rolled back with it: the database is as before the run"
run revapply -d m -u sqlite:single.db --single-transaction upgrade
status_is 0
stderr_has "upgraded 3 revisions"
[ "$(rows single.db)" = "a1aaaaaaaaaa b2bbbbbbbbbb c3cccccccccc " ] || fail "rows: $(rows single.db)"

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

tcase "an edited applied revision is refused with both checksums"
cp -r m e
run revapply -d e -u sqlite:e.db upgrade
status_is 0
old=$(q e.db "select checksum from dbrev_revisions where revision='b2bbbbbbbbbb'")
sed -i 's/INSERT INTO prefs VALUES (1, 1);/INSERT INTO prefs VALUES (2, 2);/' e/versions/b2bbbbbbbbbb_rev.sql
new=$(sed -n '/^-- +upgrade$/,/^-- +downgrade$/p' e/versions/b2bbbbbbbbbb_rev.sql | sed '1d;$d' | sha256sum | cut -c1-64)
run revapply -d e -u sqlite:e.db upgrade
status_is 1
stderr_has "e/versions/b2bbbbbbbbbb_rev.sql: revision 'b2bbbbbbbbbb' was edited after it was applied"
stderr_has "$old"
stderr_has "$new"
stderr_has "revapply resolve b2bbbbbbbbbb applied"
run revapply -d e -u sqlite:e.db downgrade
status_is 1
run revapply -d e -u sqlite:e.db history
stdout_has "[edited]"
run revapply -d e -u sqlite:e.db current
status_is 0
stdout_is "c3cccccccccc (head)"
stderr_is "revapply: e/versions/b2bbbbbbbbbb_rev.sql: revision 'b2bbbbbbbbbb' was edited after it was applied (checksum differs); restore the file as applied, or run 'revapply resolve b2bbbbbbbbbb applied' if the database matches it"
run revapply -d e -u sqlite:e.db resolve b2bbbbbbbbbb applied
status_is 0
run revapply -d e -u sqlite:e.db upgrade
status_is 0
stderr_is "nothing to do: at c3cccccccccc"
[ "$(q e.db "select checksum from dbrev_revisions where revision='b2bbbbbbbbbb'")" = "$new" ] ||
	fail "checksum not updated"

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

tcase "an interrupted transaction: none revision blocks the run until resolved"
q n.db "insert into dbrev_revisions (revision, checksum, state) values ('d4dddddddddd', 'x', 'in_progress')" >/dev/null
run revapply -d n -u sqlite:n.db upgrade
status_is 1
stderr_has "n/versions/d4dddddddddd_rev.sql: revision 'd4dddddddddd' was left in progress by an interrupted run"
stderr_has "revapply resolve d4dddddddddd applied"
run revapply -d n -u sqlite:n.db downgrade
status_is 1
run revapply -d n -u sqlite:n.db current
status_is 0
stdout_has "d4dddddddddd (in progress)"
stderr_has "revapply: n/versions/d4dddddddddd_rev.sql: revision 'd4dddddddddd' was left in progress by an interrupted run; check the database, then run 'revapply resolve d4dddddddddd applied' or 'revapply resolve d4dddddddddd reverted'"
run revapply -d n -u sqlite:n.db resolve d4dd reverted
status_is 0
run revapply -d n -u sqlite:n.db upgrade
status_is 0
stderr_has "upgraded 1 revision to d4dddddddddd"

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

tcase "downgrading across an irreversible revision is refused before anything runs"
cp -r m ir
rev ir d4dddddddddd c3cccccccccc "irreversible" "CREATE TABLE four (x);"
rev ir e5eeeeeeeeee d4dddddddddd "five" "CREATE TABLE five (x);" "DROP TABLE five;"
run revapply -d ir -u sqlite:ir.db upgrade
status_is 0
run revapply -d ir -u sqlite:ir.db downgrade base
status_is 2
stderr_has "d4dddddddddd"
stderr_has "irreversible"
[ "$(rows ir.db | wc -w)" = 5 ] || fail "something ran: $(rows ir.db)"
[ "$(q ir.db "select count(*) from sqlite_master where name='five'")" = 1 ] || fail "five dropped"
run revapply -d ir -u sqlite:ir.db downgrade -1
status_is 0

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

tcase "another run holding the lock: --lock-timeout expires with a clear error"
flock -o lock.db sh -c 'echo $$ >holder.pid; exec sleep 10' >/dev/null 2>&1 &
holder=$!
# Until the holder has it (a loaded machine may be slow to start it).
i=0
while flock -n lock.db true && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
run revapply -d m -u sqlite:lock.db --lock-timeout 0.5 upgrade
status_is 1
stderr_has "timed out after 0.5 s waiting for the lock on lock.db"
kill "$(cat holder.pid)"
wait "$holder" 2>/dev/null
run revapply -d m -u sqlite:lock.db --lock-timeout 0.5 upgrade
status_is 0

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

tcase "every migrations directory of this script: the offline script does what the online run does"
for d in "$T"/*/versions; do
	offline_same sqlite "${d%/versions}" "$(basename "${d%/versions}")"
done

finish
