# tests/lib/db.sh - run a suite against the database tests/run.sh names;
# sourced after tests/lib/test.sh by a suite marked "# per-database" in
# its first ten lines.  tests/run.sh runs such a suite once per adapter,
# tests/lib/db_NAME.sh, as SUITE[NAME] with DBREV_TEST_DB=NAME.
#
# Every adapter defines:
#   DB                  its name (sqlite, postgres), as in the test's name
#   DIALECT             revapply's --dialect for it (sqlite, postgresql)
#   db_new NAME         make a fresh, empty database NAME (dropping one of
#                       that name) and print its URL
#   db_url NAME         the URL of database NAME, making nothing
#   db_q NAME SQL       the rows of a query run by the native client
#                       (sqlite3, psql), fields separated by "|"
#   db_script NAME FILE run an SQL script with the native client, stopping
#                       at the first error; its status
#   db_schema NAME      the schema as the native client prints it
#   db_has NAME REL     1 when a table, index or view REL exists, else 0
#   db_rows NAME [TABLE] the revisions in the version table, sorted,
#                       each followed by a space
#   db_lock_hold NAME [TABLE]  hold revapply's lock on NAME (for version
#                       table TABLE) until db_lock_release; returns once
#                       it is held
#   db_lock_release     let it go
#   db_drop NAME        remove database NAME
# and, for cases that only make sense on one database:
#   on NAME             true when the suite runs against NAME
#   only NAME WHY       the same; WHY says why the case is NAME's alone
# Names are short words; adapters keep them apart from other tests'
# (SQLite: files NAME.db in the current directory, which a suite keeps in
# $T; PostgreSQL: databases $P$NAME, P set by the suite).

: "${DBREV_TEST_DB:=sqlite}"
case $DBREV_TEST_DB in
sqlite|postgres) . "$DBREV_SRCDIR/tests/lib/db_$DBREV_TEST_DB.sh" ;;
*) echo "not ok - unknown DBREV_TEST_DB: $DBREV_TEST_DB"; exit 1 ;;
esac

on() { [ "$DB" = "$1" ]; }
only() { [ "$DB" = "$1" ]; }

# When this adapter cannot run here, one skipped case
# saying why (an error under CI), and the suite ends.
if [ -n "${DB_UNAVAILABLE:-}" ]; then
	skip "${SUITE:?a suite sets SUITE, its name} on $DB" "$DB_UNAVAILABLE"
	finish
fi
