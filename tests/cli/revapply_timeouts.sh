# revapply's statement lock timeout, statement timeout and retries: on
# PostgreSQL a revision waiting for a lock that another session holds
# gives up after its lock timeout, is rolled back and tried again (each
# try reported), so that other sessions' queries never queue behind it
# for longer; on SQLite the header lines are accepted with a note.
# Deterministic: the locks are held by a psql session the test controls
# and released from the test once the tries it waits for are reported.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR

# --- SQLite: the header lines are accepted, with a note ----------------

rev lite a0000000000a "" "table" "CREATE TABLE t (id integer);" \
    "DROP TABLE t;" "lock-timeout: 10s"
rev lite b0000000000b a0000000000a "column" "ALTER TABLE t ADD COLUMN c int;" \
    "ALTER TABLE t DROP COLUMN c;" "statement-timeout: 1min"

tcase "sqlite: lock-timeout and statement-timeout lines run, each with a note"
run revapply -d lite -u sqlite:lite.db --statement-lock-timeout 1s \
    --statement-timeout 2s --retries 0 upgrade
status_is 0
stderr_has "revapply: note: lite/versions/a0000000000a_rev.sql:4: lock-timeout has no effect on sqlite (its busy timeout, --lock-timeout, bounds the waits for locks)"
stderr_has "revapply: note: lite/versions/b0000000000b_rev.sql:4: statement-timeout has no effect on sqlite"
stderr_has "upgraded 2 revisions to b0000000000b"
run revapply -d lite -u sqlite:lite.db -q downgrade base
status_is 0
[ ! -s "$ERR" ] || fail "-q printed: $(cat "$ERR")"

tcase "bad values are usage errors (exit 2), a bad header line is file:line"
for opt in "--statement-lock-timeout soon" "--statement-timeout -1s" \
    "--retries x" "--retries -1" "--retries 101" "--statement-lock-timeout 5 s"; do
	# shellcheck disable=SC2086
	run revapply -d lite -u sqlite:lite.db $opt upgrade
	status_is 2
done
rev badhdr c0000000000c "" "bad" "SELECT 1;" - "lock-timeout: soon"
run revapply -d badhdr -u sqlite:bad.db upgrade
status_is 2
stderr_has "badhdr/versions/c0000000000c_rev.sql:4: lock-timeout: 'soon' is not a duration; write a number and a unit"
[ ! -e bad.db ] || fail "a database was created for an invalid directory"

if ! pg_available; then
	skip "statement lock timeouts on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

# --- PostgreSQL ---------------------------------------------------------

P=to_
q() { psql -X -q -At -d "$P$1" -c "$2" 2>&1; }

# hold DB SQL MODE: a psql session runs SQL and keeps its transaction open
# until release; returns once it holds MODE on table t.
hold() {
	rm -f "$T/ctl"
	mkfifo "$T/ctl"
	psql -X -q -d "$P$1" <"$T/ctl" >/dev/null 2>&1 &
	holder=$!
	exec 8>"$T/ctl"
	echo "$2" >&8
	_i=0
	until [ "$(q "$1" "SELECT count(*) FROM pg_locks WHERE granted AND mode = '$3' AND relation = 't'::regclass AND pid <> pg_backend_pid()")" = 1 ]; do
		_i=$((_i + 1))
		[ $_i -lt 750 ] || { fail "the lock was never taken"; break; }
		sleep 0.02
	done
}
release() {
	echo "COMMIT;" >&8
	exec 8>&-
	wait $holder
}
# until_file FILE TEXT: wait (up to 60 s) until FILE holds TEXT.
until_file() {
	_i=0
	until grep -qF -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 1200 ] || { fail "never saw '$2' in $1: $(cat "$1")"; return 1; }
		sleep 0.05
	done
}
# waiting DB MODE: wait until a session waits for MODE on table t.
waiting() {
	_i=0
	until [ "$(q "$1" "SELECT count(*) FROM pg_locks WHERE NOT granted AND mode = '$2' AND relation = 't'::regclass")" = 1 ]; do
		_i=$((_i + 1))
		[ $_i -lt 1200 ] || { fail "nothing ever waited for $2"; return 1; }
		sleep 0.01
	done
}
# probe DB: a reader's query on t; prints how long it took, in ms (psql's
# own timing: connecting does not count), or its error.
probe() {
	printf '\\timing on\nSELECT count(*) FROM t;\n' |
	    psql -X -q -At -v ON_ERROR_STOP=1 -d "$P$1" 2>&1 |
	    sed -n 's/^Time: \([0-9]*\)\..*/\1/p; /ERROR/p'
}

u=$(pg_newdb "${P}main") || { fail "cannot create a database"; finish; }
rev pg a0000000000a "" "table" "CREATE TABLE t (id int PRIMARY KEY);
INSERT INTO t SELECT g FROM generate_series(1, 1000) g;" "DROP TABLE t;"
revapply -q -d pg -u "$u" upgrade || fail "setup upgrade failed"
rev pg b0000000000b a0000000000a "add c" "ALTER TABLE t ADD COLUMN c int;" \
    "ALTER TABLE t DROP COLUMN c;"

tcase "postgresql: first tries time out, each reported, then it succeeds once the lock is released; readers wait at most the timeout"
hold main "BEGIN; LOCK TABLE t IN ACCESS SHARE MODE;" AccessShareLock
timeout 120 revapply -d pg -u "$u" --statement-lock-timeout 2s \
    --retries 20 upgrade >out.1 2>err.1 &
runner=$!
worst=0
for try in 1 2; do
	# A reader arriving while the ALTER waits queues behind it: it must
	# not wait longer than the ALTER's lock timeout (2 s) + a margin.
	waiting main AccessExclusiveLock
	ms=$(probe main)
	case $ms in
	''|*[!0-9]*) fail "probe during try $try: $ms" ;;
	*) echo "# a reader's query during try $try: $ms ms"
	   [ "$ms" -gt "$worst" ] && worst=$ms ;;
	esac
	until_file err.1 "lock timeout (try $try/21)"
done
[ "$worst" -lt 3500 ] || fail "a reader waited $worst ms behind the ALTER (lock timeout 2 s)"
release
wait $runner
st=$?
[ "$st" = 0 ] || fail "revapply exited $st: $(cat err.1)"
grep -q "^revapply: pg/versions/b0000000000b_rev.sql: lock timeout (try 1/21), retrying in [0-9.]* s\$" err.1 ||
	fail "try 1 not reported as expected: $(cat err.1)"
grep -q "^revapply: pg/versions/b0000000000b_rev.sql: lock timeout (try 2/21), retrying in [0-9.]* s\$" err.1 ||
	fail "try 2 not reported as expected: $(cat err.1)"
grep -q "^upgrade a0000000000a -> b0000000000b, add c" err.1 || fail "no step line: $(cat err.1)"
[ "$(q main "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c'")" = 1 ] ||
	fail "column c not added"
[ "$(q main "SELECT count(*) FROM dbrev_revisions")" = 2 ] || fail "version rows: $(q main 'SELECT * FROM dbrev_revisions')"

tcase "postgresql: --statement-lock-timeout 0 waits without limit, and a reader queues behind the ALTER (what the timeout prevents)"
rev pg c0000000000c b0000000000b "add d" "ALTER TABLE t ADD COLUMN d int;" \
    "ALTER TABLE t DROP COLUMN d;"
hold main "BEGIN; LOCK TABLE t IN ACCESS SHARE MODE;" AccessShareLock
timeout 120 revapply -q -d pg -u "$u" --statement-lock-timeout 0 upgrade 2>err.2 &
runner=$!
waiting main AccessExclusiveLock
r=$(printf 'SET statement_timeout = 1000;\nSELECT count(*) FROM t;\n' |
    psql -X -q -At -d "${P}main" 2>&1)
case $r in
*"canceling statement due to statement timeout"*) ;;
*) fail "the reader was not held up behind the waiting ALTER: $r" ;;
esac
release
wait $runner || fail "revapply failed: $(cat err.2)"
[ ! -s err.2 ] || fail "stderr: $(cat err.2)"

tcase "postgresql: retries exhausted: exit 1 naming the revision, nothing of it applied; the header's lock-timeout wins over the option"
rev pg d0000000000d c0000000000c "two steps" "CREATE TABLE side (x int);
ALTER TABLE t ADD COLUMN e int;" "DROP TABLE side;
ALTER TABLE t DROP COLUMN e;" "lock-timeout: 200ms"
hold main "BEGIN; LOCK TABLE t IN ACCESS SHARE MODE;" AccessShareLock
run timeout 120 revapply -d pg -u "$u" --statement-lock-timeout 1h --retries 1 upgrade
release
status_is 1
stderr_has "revapply: pg/versions/d0000000000d_rev.sql: lock timeout (try 1/2), retrying in"
stderr_lacks "(try 2/2)"
stderr_has "revapply: pg/versions/d0000000000d_rev.sql:8: canceling statement due to lock timeout (revision d0000000000d); another session held a lock that revision d0000000000d needs longer than its lock timeout, on 2 tries"
[ "$(q main "SELECT to_regclass('side') IS NULL")" = t ] || fail "side was created: half applied"
[ "$(q main "SELECT count(*) FROM dbrev_revisions WHERE revision = 'd0000000000d'")" = 0 ] ||
	fail "d0000000000d recorded"
run revapply -q -d pg -u "$u" upgrade
status_is 0
[ "$(q main "SELECT to_regclass('side') IS NOT NULL")" = t ] || fail "no side after the second run"

tcase "postgresql: --statement-timeout cancels a long statement, not retried; the header's 0 lifts it"
rev pg e0000000000e d0000000000d "slow" "SELECT pg_sleep(1);" "SELECT 1;"
run timeout 60 revapply -d pg -u "$u" --statement-timeout 100ms upgrade
status_is 1
stderr_has "pg/versions/e0000000000e_rev.sql:6: canceling statement due to statement timeout (revision e0000000000e)"
stderr_lacks "lock timeout (try"
rm pg/versions/e0000000000e_rev.sql
rev pg e0000000000e d0000000000d "slow" "SELECT pg_sleep(1);" "SELECT 1;" "statement-timeout: 0"
run timeout 60 revapply -q -d pg -u "$u" --statement-timeout 100ms upgrade
status_is 0

tcase "postgresql: a transaction: none revision whose first statement times out is unmarked and tried again"
rev pg f0000000000f e0000000000e "index" "CREATE INDEX CONCURRENTLY t_c ON t (c);" \
    "DROP INDEX CONCURRENTLY t_c;" "transaction: none"
hold main "BEGIN; LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE;" ShareUpdateExclusiveLock
timeout 120 revapply -d pg -u "$u" --statement-lock-timeout 300ms --retries 20 upgrade >out.3 2>err.3 &
runner=$!
until_file err.3 "lock timeout (try 1/21)"
release
wait $runner || fail "revapply failed: $(cat err.3)"
[ "$(q main "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_c'::regclass")" = t ] ||
	fail "no valid index t_c: $(cat err.3)"
[ "$(q main "SELECT state FROM dbrev_revisions WHERE revision = 'f0000000000f'")" = applied ] ||
	fail "row: $(q main "SELECT * FROM dbrev_revisions")"

tcase "postgresql: CREATE INDEX CONCURRENTLY timing out after its first phase left an invalid index: not tried again, left in progress"
rev pg f1000000000f f0000000000f "index 2" "CREATE INDEX CONCURRENTLY t_id2 ON t (id);" \
    "DROP INDEX CONCURRENTLY t_id2;" "transaction: none"
# A writer's open transaction: the index is created (its first phase
# commits), then it waits for the writer, and times out.
hold main "BEGIN; INSERT INTO t (id) VALUES (100001);" RowExclusiveLock
run timeout 120 revapply -d pg -u "$u" --statement-lock-timeout 300ms --retries 3 upgrade f1000000000f
release
status_is 1
stderr_has "pg/versions/f1000000000f_rev.sql:7: canceling statement due to lock timeout (revision f1000000000f)"
stderr_has "(revision f1000000000f); it ran without a transaction, so some statements may have taken effect"
stderr_lacks "rolled back whole"
stderr_lacks "lock timeout (try"
[ "$(q main "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id2'::regclass")" = f ] ||
	fail "expected the invalid index the server leaves behind"
[ "$(q main "SELECT state FROM dbrev_revisions WHERE revision = 'f1000000000f'")" = in_progress ] ||
	fail "row: $(q main "SELECT * FROM dbrev_revisions")"
q main "DROP INDEX t_id2" >/dev/null
run revapply -q -d pg -u "$u" resolve f1000000000f reverted
status_is 0
rm pg/versions/f1000000000f_rev.sql

tcase "postgresql: --single-transaction is tried again whole"
rev pg g0000000000g f0000000000f "g" "CREATE TABLE g (x int);" "DROP TABLE g;"
rev pg h0000000000h g0000000000g "h" "ALTER TABLE t ADD COLUMN h int;" \
    "ALTER TABLE t DROP COLUMN h;"
hold main "BEGIN; LOCK TABLE t IN ACCESS SHARE MODE;" AccessShareLock
timeout 120 revapply -d pg -u "$u" --single-transaction --statement-lock-timeout 300ms \
    --retries 20 upgrade >out.4 2>err.4 &
runner=$!
until_file err.4 "pg/versions/h0000000000h_rev.sql: lock timeout (try 1/21), retrying the single transaction in"
[ "$(q main "SELECT to_regclass('g') IS NULL")" = t ] || fail "g is there while the transaction was rolled back"
release
wait $runner || fail "revapply failed: $(cat err.4)"
grep -q "^upgraded 2 revisions to h0000000000h" err.4 || fail "$(cat err.4)"
[ "$(q main "SELECT count(*) FROM dbrev_revisions")" = 8 ] || fail "version rows: $(q main 'SELECT revision FROM dbrev_revisions')"


tcase "postgresql: a repeatable waiting for a lock is tried again, alone and in --single-transaction"
rev pg rv000000000v "" "view" "CREATE OR REPLACE VIEW tv AS SELECT id FROM t;" - "repeatable: yes"
hold main "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE;" AccessExclusiveLock
timeout 120 revapply -d pg -u "$u" --statement-lock-timeout 300ms --retries 20 upgrade >out.5 2>err.5 &
runner=$!
until_file err.5 "pg/versions/rv000000000v_rev.sql: lock timeout (try 1/21), retrying in"
release
wait $runner || fail "revapply failed: $(cat err.5)"
[ "$(q main "SELECT to_regclass('tv') IS NOT NULL")" = t ] || fail "no view tv: $(cat err.5)"
[ "$(q main "SELECT state FROM dbrev_revisions WHERE revision = 'rv000000000v'")" = applied ] ||
	fail "row: $(q main "SELECT * FROM dbrev_revisions")"
rev pg rv000000000v "" "view" "CREATE OR REPLACE VIEW tv AS SELECT id, c FROM t;" - "repeatable: yes"
hold main "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE;" AccessExclusiveLock
timeout 120 revapply -d pg -u "$u" --single-transaction --statement-lock-timeout 300ms \
    --retries 20 upgrade >out.6 2>err.6 &
runner=$!
until_file err.6 "pg/versions/rv000000000v_rev.sql: lock timeout (try 1/21), retrying the single transaction in"
release
wait $runner || fail "revapply failed: $(cat err.6)"
[ "$(q main "SELECT count(*) FROM information_schema.columns WHERE table_name = 'tv' AND column_name = 'c'")" = 1 ] ||
	fail "tv not replaced: $(cat err.6)"

finish
