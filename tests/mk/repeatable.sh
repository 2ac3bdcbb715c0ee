# Repeatable revisions through the make fragments, on SQLite and on the
# private PostgreSQL: the tracked db-upgrade notices an edited
# repeatable and re-applies only it (each repeatable logs a row when it
# runs), an unchanged one leaves the database alone (one check, no
# backup, no upgrade), a failing one stops make with file:line, hostile
# file names never reach make or a shell.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

BIN=$T/bin
recording_bindir "$BIN"

# rpt FILE ID BODY: $P/migrations/versions/FILE, a repeatable.
rpt() {
	printf -- '-- revision: %s\n-- repeatable: yes\n-- message: view %s\n\n-- +upgrade\n%s\n' \
	    "$2" "$2" "$3" >"$P/migrations/versions/$1"
}
# ran: how often each repeatable ran, "id=n" sorted.
ran() { q "SELECT what || '=' || count(*) FROM runlog GROUP BY what ORDER BY what" | tr '\n' ' '; }

cases() {
	tcase "$B: db-upgrade runs the chain, then the repeatables"
	mk db-init
	status_is 0
	new_rev "$P/migrations" r1 "" "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE runlog (what TEXT);" "" "DROP TABLE runlog; DROP TABLE items$CASCADE;"
	rpt R__a_names.sql a_names "DROP VIEW IF EXISTS a_names;
CREATE VIEW a_names AS SELECT name FROM items;
INSERT INTO runlog VALUES ('a_names');"
	rpt "R__b; \$(touch pwned) 'q' \"d\" #1.sql" b_count "DROP VIEW IF EXISTS b_count;
CREATE VIEW b_count AS SELECT count(*) AS n FROM items;
INSERT INTO runlog VALUES ('b_count');"
	calls_clear
	mk db-upgrade
	status_is 0
	stdout_has "UPGRADE"
	[ "$(ran)" = "a_names=1 b_count=1 " ] || fail "ran: $(ran) $(cat "$ERR")"
	[ ! -e "$P/pwned" ] && [ ! -e pwned ] || fail "a file name ran"

	tcase "$B: nothing changed: one check, no backup, no upgrade"
	settle
	mk db-upgrade
	calls_clear
	mk db-upgrade
	status_is 0
	stdout_is ""
	[ "$(cat "$CALLS")" = "revapply -d migrations -q current --exit-code --state-dir .dbrev" ] ||
		fail "calls: $(cat "$CALLS")"
	[ "$(ran)" = "a_names=1 b_count=1 " ] || fail "ran: $(ran)"

	tcase "$B: an edited repeatable: db-upgrade backs up and re-applies only it"
	f="$P/migrations/versions/R__b; \$(touch pwned) 'q' \"d\" #1.sql"
	sed -i 's/count(\*) AS n/count(*) AS n, 2 AS two/' "$f"
	calls_clear
	mk db-upgrade
	status_is 0
	stdout_has "UPGRADE"
	calls_has dbbackup
	calls_order dbbackup "revapply -d migrations upgrade"
	# The backup is named after the revision the database is at (a -N
	# suffix when an earlier case's backup took the same second).
	grep -Eq -- '-r1(-[0-9]+)?\.' "$OUT" || fail "backup name: $(cat "$OUT")"
	[ "$(ran)" = "a_names=1 b_count=2 " ] || fail "ran: $(ran)"
	[ "$(q "SELECT two FROM b_count")" = 2 ] || fail "view not replaced"
	settle
	calls_clear
	mk db-upgrade
	stdout_is ""
	calls_lacks "upgrade"

	tcase "$B: a failing repeatable stops make with its file:line; fixed, only it runs"
	sed -i 's/, 2 AS two/, 3 AS two/' "$f"
	printf 'INSERT INTO no_such_table VALUES (1);\n' >>"$f"
	mk db-upgrade
	[ "$STATUS" != 0 ] || fail "make succeeded"
	stderr_has "migrations/versions/R__b; \$(touch pwned) 'q' \"d\" #1.sql:9:"
	[ "$(ran)" = "a_names=1 b_count=2 " ] || fail "ran: $(ran)"
	[ "$(q "SELECT two FROM b_count")" = 2 ] || fail "not rolled back"
	sed -i '/no_such_table/d' "$f"
	mk db-upgrade
	status_is 0
	[ "$(ran)" = "a_names=1 b_count=3 " ] || fail "ran: $(ran)"
	[ ! -e "$P/pwned" ] && [ ! -e pwned ] || fail "a file name ran"

	tcase "$B: db-sql includes the repeatables; db-history shows them"
	mk db-sql
	status_is 0
	stdout_has "-- upgrade (repeatable) a_names, view a_names"
	mk db-history
	status_is 0
	stdout_has "<repeatable> -> b_count [applied], view b_count"
}

# --- SQLite ---
B=sqlite CASCADE=
project "$T/s" sqlite:app.db
q() { sqlite3 "$P/app.db" "$1" 2>&1; }
cases

# --- PostgreSQL ---
if pg_available; then
	B=postgresql CASCADE=" CASCADE"
	pg_newdb dbrev_mk_rpt >/dev/null || fail "cannot create a database"
	project "$T/p" "postgresql:///dbrev_mk_rpt?user=postgres"
	q() { psql -X -At -d dbrev_mk_rpt -c "$1" 2>&1; }
	cases
else
	skip "repeatables through make on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
fi

finish
