# A first test of the harness itself.
. "$DBREV_SRCDIR/tests/lib/test.sh"
tcase "private PostgreSQL answers"
if pg_available; then
	run psql -X -Atc 'select 1'
	status_is 0
	stdout_is 1
else
	skip "private PostgreSQL answers" "$DBREV_TEST_PG_SKIP"
fi
finish
