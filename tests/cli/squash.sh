# revgen squash on SQLite (tests/lib/squash.sh).
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$T" || exit 2
ADB=sqlite
. "$DBREV_SRCDIR/tests/lib/squash.sh"
finish
