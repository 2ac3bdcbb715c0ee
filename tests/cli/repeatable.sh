# Repeatable revisions ("-- repeatable: yes") on real SQLite files and
# the private PostgreSQL server: run after the versioned revisions, again
# only when their file changes (each repeatable writes a row into a log
# table, so what ran is counted, not guessed), a failure rolled back and
# named by file:line, partial upgrades, downgrade, stamp, resolve, two
# runners, online vs offline script, hostile file names, and the checks
# revorder makes.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
. "$DBREV_SRCDIR/tests/lib/offline.sh"	# offline_same
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR

# rpt DIR FILE ID BODY [HEADER-LINE]: DIR/versions/FILE, a repeatable;
# BODY starts on line 6, or 7 with HEADER-LINE (e.g. "depends: x").
rpt() {
	mkdir -p "$1/versions"
	{
		echo "-- revision: $3"
		echo "-- repeatable: yes"
		echo "-- message: view $3"
		[ -n "${5:-}" ] && echo "-- $5"
		echo
		echo "-- +upgrade"
		printf '%s\n' "$4"
	} >"$1/versions/$2"
}

P=rpt_
# The backend's helpers: url NAME, q NAME SQL (rows, fields split by |).
use_sqlite() {
	B=sqlite CASCADE=
	url() { printf 'sqlite:%s/%s.db' "$T" "$1"; }
	q() { sqlite3 "$T/$1.db" "$2" 2>&1; }
	newdb() { rm -f "$T/$1.db"; }
}
use_pg() {
	B=postgresql CASCADE=" CASCADE"
	url() { printf 'postgresql:///%s%s?host=%s&port=%s&user=%s' "$P" "$1" "$PGHOST" "$PGPORT" "$PGUSER"; }
	q() { psql -X -At -d "$P$1" -c "$2" 2>&1; }
	newdb() { pg_newdb "$P$1" >/dev/null || { echo "cannot create database $1" >&2; exit 1; }; }
}
# ran DB: how often each repeatable ran, "id=n" sorted.
ran() { q "$1" "SELECT what || '=' || count(*) FROM runlog GROUP BY what ORDER BY what" | tr '\n' ' '; }
# sum DB ID: the checksum recorded for ID; nrows DB ID: its rows.
sum() { q "$1" "SELECT checksum FROM dbrev_revisions WHERE revision = '$2'"; }
nrows() { q "$1" "SELECT count(*) FROM dbrev_revisions WHERE revision = '$2'"; }
# upsum FILE: the SHA-256 of a revision file's upgrade section.
upsum() { sed '1,/^-- +upgrade$/d' "$1" | sha256sum | cut -d' ' -f1; }
# line_of FILE TEXT: the first line number holding TEXT.
line_of() { grep -nF -- "$2" "$1" | head -n 1 | cut -d: -f1; }

# The history: a1 -> b2, and three repeatables.  a_named depends on
# v_items, so it runs after it although its file sorts first.
history() {
	rm -rf "$1"
	rev "$1" a1aaaaaaaaaa "" "Create items" \
	    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE runlog (what TEXT);" "DROP TABLE items$CASCADE;
DROP TABLE runlog;"
	rev "$1" b2bbbbbbbbbb a1aaaaaaaaaa "Add price" \
	    "ALTER TABLE items ADD COLUMN price INTEGER;" \
	    "ALTER TABLE items DROP COLUMN price;"
	rpt "$1" R__a_named.sql a_named "DROP VIEW IF EXISTS a_named;
CREATE VIEW a_named AS SELECT name FROM v_items;
INSERT INTO runlog VALUES ('a_named');" "depends: v_items"
	rpt "$1" R__f_count.sql f_count "DROP VIEW IF EXISTS f_count;
CREATE VIEW f_count AS SELECT count(*) AS n FROM items;
INSERT INTO runlog VALUES ('f_count');"
	rpt "$1" R__v_items.sql v_items "DROP VIEW IF EXISTS v_items$CASCADE;
CREATE VIEW v_items AS SELECT id, name FROM items;
INSERT INTO runlog VALUES ('v_items');"
}

backend_cases() {
	M=m_$B
	history "$M"
	newdb one
	export DATABASE_URL
	DATABASE_URL=$(url one)

	tcase "$B: a fresh upgrade runs the versioned revisions, then the repeatables (depends, then file name)"
	run revapply -d "$M" current --exit-code
	status_is 3
	stdout_has "v_items (repeatable, pending: never applied)"
	run revapply -d "$M" upgrade
	status_is 0
	[ "$(grep -o '^upgrade [^,]*' "$ERR" | tr '\n' '|')" = "upgrade <base> -> a1aaaaaaaaaa|upgrade a1aaaaaaaaaa -> b2bbbbbbbbbb|upgrade (repeatable) f_count|upgrade (repeatable) v_items|upgrade (repeatable) a_named|" ] ||
		fail "order: $(cat "$ERR")"
	[ "$(ran one)" = "a_named=1 f_count=1 v_items=1 " ] || fail "ran: $(ran one)"
	[ "$(sum one v_items)" = "$(upsum "$M/versions/R__v_items.sql")" ] ||
		fail "checksum of v_items: $(sum one v_items)"
	run revapply -d "$M" current --exit-code
	status_is 0
	stdout_is "b2bbbbbbbbbb (head)"

	tcase "$B: an unchanged repeatable is not applied again"
	run revapply -d "$M" upgrade
	status_is 0
	stderr_is "nothing to do: at b2bbbbbbbbbb"
	[ "$(ran one)" = "a_named=1 f_count=1 v_items=1 " ] || fail "ran: $(ran one)"

	tcase "$B: an edited view: current --exit-code says pending, upgrade re-applies only it"
	sed -i 's/count(\*) AS n/count(*) AS n, 1 AS one/' "$M/versions/R__f_count.sql"
	run revapply -d "$M" current --exit-code
	status_is 3
	stdout_has "f_count (repeatable, pending: changed since applied)"
	stdout_lacks "v_items"
	run revapply -d "$M" upgrade
	status_is 0
	stderr_has "upgrade (repeatable) f_count, view f_count ("
	stderr_lacks "v_items"
	stderr_lacks "a_named"
	stderr_has "upgraded 1 revision to b2bbbbbbbbbb"
	[ "$(ran one)" = "a_named=1 f_count=2 v_items=1 " ] || fail "ran: $(ran one)"
	[ "$(q one "SELECT one FROM f_count")" = 1 ] || fail "view not replaced"
	[ "$(nrows one f_count)" = 1 ] || fail "rows: $(nrows one f_count)"
	[ "$(sum one f_count)" = "$(upsum "$M/versions/R__f_count.sql")" ] ||
		fail "checksum not updated"
	run revapply -d "$M" history
	stdout_has "<repeatable> -> f_count [applied], view f_count"

	tcase "$B: editing a repeatable re-applies those that depend on it, not the others"
	sed -i 's/SELECT id, name FROM items/SELECT id, name, price FROM items/' "$M/versions/R__v_items.sql"
	run revapply -d "$M" upgrade
	status_is 0
	[ "$(ran one)" = "a_named=2 f_count=2 v_items=2 " ] || fail "ran: $(ran one)"
	[ "$(q one "SELECT count(*) FROM a_named")" = 0 ] || fail "a_named lost: $(q one "SELECT count(*) FROM a_named")"

	tcase "$B: a repeatable that fails rolls back alone, named by file:line; what ran before it stays"
	rev "$M" c3cccccccccc b2bbbbbbbbbb "Add extra" "CREATE TABLE extra (x INTEGER);" "DROP TABLE extra;"
	sed -i 's/, 1 AS one/, 2 AS one/' "$M/versions/R__f_count.sql"
	printf 'INSERT INTO no_such_table VALUES (1);\n' >>"$M/versions/R__a_named.sql"
	sed -i 's/SELECT name FROM v_items/SELECT name, id FROM v_items/' "$M/versions/R__a_named.sql"
	before=$(sum one a_named)
	run revapply -d "$M" upgrade
	status_is 1
	stderr_has "$M/versions/R__a_named.sql:$(line_of "$M/versions/R__a_named.sql" no_such_table):"
	stderr_has "(revision a_named)"
	[ "$(q one "SELECT count(*) FROM dbrev_revisions WHERE revision = 'c3cccccccccc'")" = 1 ] ||
		fail "c3 not kept"
	[ "$(q one "SELECT count(*) FROM extra")" = 0 ] || fail "extra missing"
	[ "$(ran one)" = "a_named=2 f_count=3 v_items=2 " ] || fail "ran: $(ran one)"
	[ "$(q one "SELECT one FROM f_count")" = 2 ] || fail "f_count not kept"
	[ "$(sum one a_named)" = "$before" ] || fail "a_named's row changed"
	# The view is the one before: a_named has no id column.
	q one "SELECT id FROM a_named" >/dev/null 2>&1
	[ "$(q one "SELECT count(*) FROM a_named")" = 0 ] || fail "a_named gone"
	run revapply -d "$M" current --exit-code
	status_is 3
	stdout_has "a_named (repeatable, pending: changed since applied)"

	tcase "$B: fixed, the next upgrade runs only it"
	sed -i '/no_such_table/d' "$M/versions/R__a_named.sql"
	run revapply -d "$M" upgrade
	status_is 0
	[ "$(ran one)" = "a_named=3 f_count=3 v_items=2 " ] || fail "ran: $(ran one)"
	[ "$(q one "SELECT count(*) FROM a_named WHERE id IS NULL")" = 0 ] || fail "a_named not replaced"

	tcase "$B: an upgrade short of head leaves the repeatables for later"
	newdb two
	run revapply -d "$M" -u "$(url two)" upgrade a1aaaaaaaaaa
	status_is 0
	stderr_lacks "(repeatable)"
	[ "$(ran two)" = "" ] || fail "ran: $(ran two)"
	run revapply -d "$M" -u "$(url two)" upgrade +1
	status_is 0
	stderr_lacks "(repeatable)"
	run revapply -d "$M" -u "$(url two)" upgrade
	status_is 0
	stderr_has "upgrade (repeatable) a_named"
	[ "$(ran two)" = "a_named=1 f_count=1 v_items=1 " ] || fail "ran: $(ran two)"

	tcase "$B: downgrade and stamp leave the repeatables and their rows"
	run revapply -d "$M" -u "$(url two)" downgrade -1
	status_is 0
	stderr_lacks "repeatable"
	[ "$(q two "SELECT count(*) FROM dbrev_revisions WHERE revision IN ('a_named', 'f_count', 'v_items')")" = 3 ] ||
		fail "rows: $(q two "SELECT revision FROM dbrev_revisions")"
	run revapply -d "$M" -u "$(url two)" stamp b2bbbbbbbbbb
	status_is 0
	[ "$(q two "SELECT count(*) FROM dbrev_revisions WHERE revision IN ('a_named', 'f_count', 'v_items')")" = 3 ] ||
		fail "stamp dropped rows: $(q two "SELECT revision FROM dbrev_revisions")"
	run revapply -d "$M" -u "$(url two)" upgrade
	status_is 0
	stderr_lacks "(repeatable)"
	[ "$(ran two)" = "a_named=1 f_count=1 v_items=1 " ] || fail "ran: $(ran two)"

	tcase "$B: resolve ID reverted runs it again next time; resolve ID applied records an edit unrun"
	run revapply -d "$M" resolve f_count reverted
	status_is 0
	run revapply -d "$M" current --exit-code
	status_is 3
	stdout_has "f_count (repeatable, pending: never applied)"
	run revapply -d "$M" upgrade
	status_is 0
	[ "$(ran one)" = "a_named=3 f_count=4 v_items=2 " ] || fail "ran: $(ran one)"
	echo "-- a comment: the database already has this" >>"$M/versions/R__f_count.sql"
	run revapply -d "$M" resolve f_count applied
	status_is 0
	run revapply -d "$M" current --exit-code
	status_is 0
	[ "$(ran one)" = "a_named=3 f_count=4 v_items=2 " ] || fail "ran: $(ran one)"

	tcase "$B: two runners after an edit: the repeatable runs once"
	sed -i 's/, 2 AS one/, 3 AS one/' "$M/versions/R__f_count.sql"
	revapply -q -d "$M" upgrade >"$T/r1.out" 2>&1 &
	p1=$!
	revapply -q -d "$M" upgrade >"$T/r2.out" 2>&1
	s2=$?
	wait "$p1"
	s1=$?
	[ "$s1.$s2" = 0.0 ] || fail "exit $s1 $s2: $(cat "$T/r1.out" "$T/r2.out")"
	[ "$(ran one)" = "a_named=3 f_count=5 v_items=2 " ] || fail "ran: $(ran one)"

	tcase "$B: a repeatable whose file is gone is refused as any unknown row"
	mv "$M/versions/R__f_count.sql" "$T/f_count.sql"
	run revapply -d "$M" upgrade
	status_is 1
	stderr_has "records revision 'f_count', which is not in $M/versions"
	stderr_has "revapply resolve f_count reverted"
	mv "$T/f_count.sql" "$M/versions/R__f_count.sql"

	tcase "$B: --sql to head has every repeatable after the chain; to another target none"
	run revapply -d "$M" --dialect "$B" --sql upgrade
	status_is 0
	stdout_has "and 3 repeatables"
	stdout_has "-- upgrade (repeatable) v_items, view v_items ($M/versions/R__v_items.sql)"
	[ "$(grep -n -- '-- upgrade' "$OUT" | tail -n 3 | grep -c repeatable)" = 3 ] ||
		fail "not last: $(grep -- '-- upgrade' "$OUT")"
	run revapply -d "$M" --dialect "$B" --sql upgrade base:b2bbbbbbbbbb
	status_is 0
	stdout_lacks "repeatable"

	tcase "$B: the schema the revisions build (revgen check, autogenerate) has the repeatables' views"
	history "chk_$B"
	# The schema file: every upgrade section in run order, as written.
	revorder -d "chk_$B" | cut -f2 | while IFS= read -r f; do
		awk '/^-- \+upgrade/ { u = 1; next } /^-- \+downgrade/ { u = 0 } u' "$f"
	done >"chk_$B.sql"
	grep -q "CREATE VIEW a_named" "chk_$B.sql" || fail "schema file: $(cat "chk_$B.sql")"
	run revgen -d "chk_$B" -u "$(url one)" check --schema "chk_$B.sql"
	status_is 0
	stdout_lacks "VIEW"

	tcase "$B: online upgrade and the offline script agree (schema, rows, version table)"
	history "off_$B"
	offline_same "$B" "off_$B" "repeatables"
	# One that fails: both stop at it, the same before it.
	printf 'INSERT INTO no_such_table VALUES (1);\n' >>"off_$B/versions/R__f_count.sql"
	offline_same "$B" "off_$B" "failing repeatable"
}

use_sqlite
backend_cases
if pg_available; then
	use_pg
	backend_cases
else
	skip "repeatables on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
fi

# --- What does not depend on the database. ---
unset DATABASE_URL

tcase "hostile file names: applied, named in errors, never run as shell"
H=m_hostile
rm -rf "$H"
rev "$H" a1aaaaaaaaaa "" "Base" "CREATE TABLE runlog (what TEXT);" "DROP TABLE runlog;"
name="R__x; \$(touch pwned) 'q' \"d\" #1 \`id\`.sql"
rpt "$H" "$name" hostile "INSERT INTO runlog VALUES ('hostile');
INSERT INTO nothing VALUES (1);"
run revapply -d "$H" -u "sqlite:$T/h.db" upgrade
status_is 1
stderr_has "$H/versions/$name:7:"
[ ! -e pwned ] || fail "a name ran"
sed -i '/nothing/d' "$H/versions/$name"
run revapply -d "$H" -u "sqlite:$T/h.db" upgrade
status_is 0
stderr_has "upgrade (repeatable) hostile"
[ "$(sqlite3 "$T/h.db" "SELECT count(*) FROM runlog")" = 1 ] || fail "not run"
run revorder -d "$H"
status_is 0
stdout_has "hostile	$H/versions/$name"
run revorder -d "$H" --format=make
status_is 2
stderr_has "which make cannot handle"
[ ! -e pwned ] || fail "a name ran"

# bad FILE-BODY EXPECTED: revorder --check refuses the directory so.
bad() {
	run revorder -d m_bad --check
	status_is 2
	stderr_has "$1"
}

tcase "revorder: a repeatable with parents, a downgrade, transaction: none or another value is refused at its line"
rm -rf m_bad
rev m_bad a1aaaaaaaaaa "" "Base" "SELECT 1;"
printf -- '-- revision: r1\n-- repeatable: yes\n-- parents: a1aaaaaaaaaa\n\n-- +upgrade\nSELECT 1;\n' >m_bad/versions/R__r1.sql
bad "m_bad/versions/R__r1.sql:3: a repeatable revision has no parents: it is not in the chain, it runs after the versioned revisions; remove the parents line (order repeatables with 'depends'), or the repeatable line"
printf -- '-- revision: r1\n-- repeatable: yes\n\n-- +upgrade\nSELECT 1;\n\n-- +downgrade\nSELECT 2;\n' >m_bad/versions/R__r1.sql
bad "m_bad/versions/R__r1.sql:7: a repeatable revision has no '-- +downgrade' section; remove the section: a downgrade leaves repeatables as they are"
printf -- '-- revision: r1\n-- repeatable: yes\n-- transaction: none\n\n-- +upgrade\nSELECT 1;\n' >m_bad/versions/R__r1.sql
bad "m_bad/versions/R__r1.sql:3: a repeatable revision runs in a transaction: 'transaction: none' is not allowed"
printf -- '-- revision: r1\n-- repeatable: no\n\n-- +upgrade\nSELECT 1;\n' >m_bad/versions/R__r1.sql
bad "m_bad/versions/R__r1.sql:2: repeatable: 'no' is not a valid value; the only value is 'yes'"

tcase "revorder: versioned revisions cannot rest on a repeatable; depends known, no cycle, ids unique"
rm -rf m_bad
rev m_bad a1aaaaaaaaaa "" "Base" "SELECT 1;"
rpt m_bad R__r1.sql r1 "SELECT 1;"
rev m_bad b2bbbbbbbbbb "a1aaaaaaaaaa" "On a repeatable" "SELECT 1;" - "depends: r1"
bad "m_bad/versions/b2bbbbbbbbbb_rev.sql:4: dependency 'r1' of revision 'b2bbbbbbbbbb' is a repeatable revision; repeatables run after every versioned revision"
rev m_bad b2bbbbbbbbbb "r1" "Child of a repeatable" "SELECT 1;"
bad "m_bad/versions/b2bbbbbbbbbb_rev.sql:2: parent 'r1' of revision 'b2bbbbbbbbbb' is a repeatable revision"
rm m_bad/versions/b2bbbbbbbbbb_rev.sql
rpt m_bad R__r2.sql r2 "SELECT 1;" "depends: nope"
bad "m_bad/versions/R__r2.sql:4: dependency 'nope' of revision 'r2' does not exist"
rpt m_bad R__r1.sql r1 "SELECT 1;" "depends: r2"
rpt m_bad R__r2.sql r2 "SELECT 1;" "depends: r1"
bad "revisions form a cycle: r1 -> r2 -> r1"
rpt m_bad R__r2.sql a1aaaaaaaaaa "SELECT 1;"
rpt m_bad R__r1.sql r1 "SELECT 1;"
bad "m_bad/versions/R__r2.sql:1: duplicate revision id 'a1aaaaaaaaaa' (also in m_bad/versions/a1aaaaaaaaaa_rev.sql)"
rpt m_bad R__r2.sql r1 "SELECT 1;"
bad "duplicate revision id 'r1' (also in m_bad/versions/R__r"

tcase "revorder lists repeatables after the chain, in history and for make"
history m_list
run revorder -d m_list
status_is 0
[ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "a1aaaaaaaaaa b2bbbbbbbbbb f_count v_items a_named " ] ||
	fail "order: $(cat "$OUT")"
run revorder -d m_list --history
stdout_has "<repeatable> -> a_named, view a_named"
run revorder -d m_list --check -v
stdout_is "m_list: 2 revisions, 1 head, 3 repeatables: valid"
run revorder -d m_list --format=make
status_is 0
stdout_has "DBREV_REVISIONS := a1aaaaaaaaaa b2bbbbbbbbbb"
stdout_has "DBREV_REPEATABLES := f_count v_items a_named"
stdout_has "m_list/versions/R__a_named.sql"

tcase "revgen --repeatable writes R__<slug>.sql with no parents, refuses --head and a second of that name"
rm -rf m_gen
revgen -q -d m_gen init >/dev/null
run revgen -d m_gen -m "Base" 
run revgen -d m_gen -m "View of items" --repeatable
status_is 0
stdout_is "m_gen/versions/R__view_of_items.sql"
f=m_gen/versions/R__view_of_items.sql
grep -qx -- "-- repeatable: yes" "$f" || fail "$(cat "$f")"
grep -q -- "-- parents" "$f" && fail "parents: $(cat "$f")"
grep -q -- "+downgrade" "$f" && fail "downgrade: $(cat "$f")"
run revorder -d m_gen --check
status_is 0
run revgen -d m_gen -m "View of items" --repeatable
status_is 2
stderr_has "m_gen/versions/R__view_of_items.sql: already exists; choose another message"
run revgen -d m_gen -m "x" --repeatable --head base
status_is 2
stderr_has "--head does not go with --repeatable"
run revgen -d m_gen -m "x" --repeatable --no-transaction
status_is 2
run revapply -d m_gen -u "sqlite:$T/gen.db" upgrade
status_is 0
stderr_has "upgrade (repeatable)"

finish
