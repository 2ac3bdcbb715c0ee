# revgen squash on the private PostgreSQL server (tests/lib/squash.sh):
# the replay runs in scratch databases on the server of DATABASE_URL.
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$T" || exit 2
if ! pg_available; then
	skip "revgen squash on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi
ADB=postgresql
. "$DBREV_SRCDIR/tests/lib/squash.sh"
finish
