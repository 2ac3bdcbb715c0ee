# make db-upgrade on a history squashed by revgen squash (SQLite): a
# database tracked at r25 goes on from the baseline to head, the next
# db-upgrade does nothing, and a new database is built from the baseline.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

BIN=$T/bin
recording_bindir "$BIN"
project "$T/p" sqlite:app.db

tcase "db-upgrade to r25 of a 30-revision history"
mk db-init
status_is 0
prev=
for i in $(seq 1 30); do
	printf -- '-- revision: r%s\n-- parents:%s\n-- message: step %s\n\n-- +upgrade\nCREATE TABLE t%s (id INTEGER PRIMARY KEY);\n' \
	    "$i" "${prev:+ r$prev}" "$i" "$i" >"$P/migrations/versions/r${i}_step.sql"
	prev=$i
done
mk db-upgrade REV=r25 DB_BACKUP=no
status_is 0
[ "$(sqlite3 "$P/app.db" 'select count(*) from dbrev_revisions')" = 25 ] || fail "not at r25"

tcase "after revgen squash --upto r20, db-upgrade goes on to head"
run revgen -q -d "$P/migrations" -u sqlite:app.db squash --upto r20 -m "Baseline at r20"
status_is 0
mk db-upgrade DB_BACKUP=no
status_is 0
stdout_has "UPGRADE"
run revapply -d "$P/migrations" -u "sqlite:$P/app.db" current --exit-code
status_is 0
[ "$(sqlite3 "$P/app.db" 'select count(*) from dbrev_revisions')" = 11 ] || fail "rows: $(sqlite3 "$P/app.db" 'select revision from dbrev_revisions')"

tcase "the next db-upgrade has nothing to do"
calls_clear
mk db-upgrade DB_BACKUP=no
status_is 0
calls_lacks "revapply -d migrations upgrade"

tcase "a new database is built from the baseline"
mk db-upgrade DB_BACKUP=no DATABASE_URL=sqlite:new.db
status_is 0
[ "$(sqlite3 "$P/new.db" "select count(*) from sqlite_master where type = 'table' and name like 't%'")" = 30 ] ||
	fail "tables: $(sqlite3 "$P/new.db" .tables)"

finish
