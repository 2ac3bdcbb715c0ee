# revapply adopt on the private PostgreSQL server: every kind's version
# table as its tool fills it, adopted after an import; refusals
# (tests/lib/adopt.sh); a password never shown.
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$T" || exit 2
if ! pg_available; then
	skip "revapply adopt on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi
ADB=postgresql
. "$DBREV_SRCDIR/tests/lib/adopt.sh"

tcase "postgresql: a password in the URL never shows"
run revapply -d m_dbm -u "postgresql://$PGUSER:s3cr3t-pw@/${P}none?host=$PGHOST&port=$PGPORT" adopt --from goose
status_is 1
stderr_has "has no table goose_db_version"
stderr_lacks "s3cr3t-pw"

finish
