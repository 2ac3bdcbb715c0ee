# tests/mk/stairway.sh - make db-test, db-status and db-drift (SQLite; the
# tools themselves are tested on both databases in tests/cli).
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

project "$T/p" "sqlite:app.db"
mkdir -p "$P/migrations/versions"
cat >"$P/migrations/versions/a1_t.sql" <<'X'
-- revision: a1
-- parents:
-- message: t

-- +upgrade
CREATE TABLE t (a INTEGER);

-- +downgrade
DROP TABLE t;
X
cat >"$P/migrations/versions/a2_i.sql" <<'X'
-- revision: a2
-- parents: a1
-- message: index, forgotten by the downgrade

-- +upgrade
CREATE INDEX t_a ON t (a);

-- +downgrade
SELECT 1;
X
mkm() { run "$MAKE_CMD" --no-print-directory -C "$P" DBREV_BINDIR="$DBREV_BINDIR" "$@"; }

tcase "make db-test runs the stairway test and fails on a bad downgrade, never on app.db"
mkm db-test
status_is 2
stdout_has "a1 ok"
stdout_has "a2 downgrade differs"
[ ! -e "$P/app.db" ] || fail "db-test created app.db"
mkm db-test REV=a1
status_is 0
stdout_has "1 revision tested"
mkm db-test FROM=a1
status_is 2
stdout_lacks "a1 ok"

tcase "db-test: a hostile FROM= or DB_DEV_URL is text, nothing more"
mkm db-test FROM='a1;touch pwned'
status_is 2
mkm db-test REV=a1 DB_DEV_URL='$(shell touch pwned) "; touch pwned; "'
status_is 0
[ ! -e "$P/pwned" ] && [ ! -e pwned ] || fail "a knob ran a command"

tcase "make db-status says what is pending"
mkm db-status
status_is 0
stdout_has "pending: 2"
mkm db-upgrade DB_BACKUP=no
mkm db-status
stdout_has "state: at head"

tcase "make db-drift: clean, then a change by hand fails the target"
mkm db-drift
status_is 0
stdout_has "no drift"
sqlite3 "$P/app.db" "CREATE INDEX t_by_hand ON t (a)"
mkm db-drift
status_is 2
stdout_has "create index t_by_hand"

tcase "db-test, db-status and db-drift without DATABASE_URL explain it"
project "$T/q"
for t in db-test db-status db-drift; do
	run "$MAKE_CMD" --no-print-directory -C "$T/q" DBREV_BINDIR="$DBREV_BINDIR" $t
	status_is 2
	stderr_has "needs DATABASE_URL"
done
finish
