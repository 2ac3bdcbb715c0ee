# revapply adopt on SQLite: every kind's version table as its tool fills
# it, adopted after an import; refusals (tests/lib/adopt.sh).
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$T" || exit 2
ADB=sqlite
. "$DBREV_SRCDIR/tests/lib/adopt.sh"

tcase "sqlite: a database file that is not there is refused, not created"
run revapply -d m_dbm -u "sqlite:$T/nothere.db" adopt --from dbmate
status_is 1
stderr_has "no such SQLite database: there is nothing to adopt"
[ -e nothere.db ] && fail "created"

tcase "sqlite: Sqitch's registry is found beside the database, named for its extension"
cp sq.db blog.sqlite
sqlite3 blog.sqlite "DROP TABLE dbrev_revisions"
cp sqitch.db sqitch.sqlite
rm sqitch.db
run revapply -d m_sq -u "sqlite:$T/blog.sqlite" adopt --from sqitch
status_is 0
stderr_has "4 revisions recorded as applied"
run revapply -d m_sq -u "sqlite:$T/sq.db" adopt --from sqitch
status_is 1
stderr_has "has no table sqitch.changes: sqitch has not migrated it"

finish
