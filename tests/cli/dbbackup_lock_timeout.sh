# --lock-timeout, one meaning for dbbackup and revapply: every wait for a
# lock another connection holds gives up after it (0: does not wait;
# negative: a usage error).  The locks are held by non-dbrev clients
# (sqlite3, psql) that the test controls through a FIFO, so no case
# depends on a sleep outlasting anything.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"

cd "$T" || exit 1
revision m/versions/a1_create.sql aaaa00000001 "" "create t" \
    "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);" \
    "DROP TABLE t;"
export DBREV_DIR=$T/m
unset DATABASE_URL

now_ms() { date +%s%3N; }
# waited_between LO HI: the last run took LO ms or more and less than HI.
waited_between() {
	_took=$((t1 - t0))
	[ "$_took" -ge "$1" ] && [ "$_took" -lt "$2" ] ||
		fail "took $_took ms, expected $1 ms or more and less than $2"
}
# timed CMD...: run, with the start and end in t0 and t1 (ms).  A
# timeout(1) keeps a wait that is not bounded from hanging the suite.
timed() { t0=$(now_ms); run timeout 120 "$@"; t1=$(now_ms); }

# sqlite_hold DB SQL: a sqlite3 shell runs SQL (BEGIN EXCLUSIVE, say)
# and keeps its transaction open until sqlite_release.  PROBE is a
# statement that fails, without waiting, only once the lock is held.
sqlite_hold() {
	rm -f "$T/ctl"
	mkfifo "$T/ctl"
	sqlite3 -batch "$1" <"$T/ctl" >/dev/null 2>&1 &
	holder=$!
	exec 9>"$T/ctl"
	# The probe's own read lock must not make the holder's BEGIN fail.
	echo ".timeout 30000" >&9
	echo "$2" >&9
	_i=0
	while sqlite3 -batch "$1" "$3" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -lt 500 ] || { fail "the lock was never taken"; break; }
		sleep 0.02
	done
}
sqlite_release() {
	echo "COMMIT;" >&9
	exec 9>&-
	wait $holder
}

export DATABASE_URL=sqlite:app.db
revapply upgrade >/dev/null 2>&1 || fail "revapply failed"
sqlite3 app.db "INSERT INTO t (v) VALUES (1), (2)"
bk=$(dbbackup -q -o good.sqlite3) || fail "first backup"
live=$(sum_file app.db)

tcase "0 and negative --lock-timeout mean the same to dbbackup and revapply"
for v in -1 -0.5 nan; do
	run dbbackup --lock-timeout "$v" --dir lt0
	status_is 2
	stderr_has "bad --lock-timeout (seconds, 0 to 1000000): $v"
	run revapply --lock-timeout "$v" current
	status_is 2
	stderr_has "bad --lock-timeout (seconds, 0 to 1000000): $v"
done
run dbbackup --lock-timeout 0 --dir lt0
status_is 0
run revapply --lock-timeout 0 current
status_is 0
stdout_has aaaa00000001

# A reader waits for an exclusive lock only (in rollback-journal mode a
# writer's BEGIN IMMEDIATE lets readers on).
sqlite_hold app.db "BEGIN EXCLUSIVE;" "SELECT count(*) FROM sqlite_schema"

tcase "dbbackup gives up after --lock-timeout 2 behind a non-dbrev writer (not 60 s)"
timed dbbackup --lock-timeout 2 --dir lt1
status_is 1
stderr_has "another connection has app.db locked (waited 2 s)"
stderr_has "raise --lock-timeout"
waited_between 1900 30000
[ -z "$(ls -A lt1 2>/dev/null)" ] || fail "left: $(ls -A lt1)"

tcase "dbbackup --lock-timeout 0 does not wait"
timed dbbackup --lock-timeout 0 --dir lt1
status_is 1
stderr_has "locked (waited 0 s)"
waited_between 0 10000

tcase "revapply current and history give up after --lock-timeout, 0 at once"
timed revapply --lock-timeout 1 current
status_is 1
stderr_has "another connection has app.db locked (waited 1 s)"
waited_between 900 30000
timed revapply --lock-timeout 0 history
status_is 1
stderr_has "locked (waited 0 s)"
waited_between 0 10000

tcase "revapply upgrade gives up after --lock-timeout behind the writer"
revision m/versions/a2_more.sql aaaa00000002 aaaa00000001 "add u" \
    "CREATE TABLE u (id INTEGER PRIMARY KEY);" "DROP TABLE u;"
timed revapply --lock-timeout 1 upgrade
status_is 1
stderr_has "raise --lock-timeout"
waited_between 900 30000
rm m/versions/a2_more.sql
sqlite_release
[ "$(sum_file app.db)" = "$live" ] || fail "the database changed"

sqlite_hold app.db "BEGIN IMMEDIATE;" "BEGIN IMMEDIATE"

tcase "a writer's BEGIN IMMEDIATE does not hold up a backup"
timed dbbackup --lock-timeout 0 --dir lt2
status_is 0

tcase "restore gives up after --lock-timeout behind the writer, the database as it was"
timed dbbackup --restore good.sqlite3 --lock-timeout 1
status_is 1
stderr_has "raise --lock-timeout"
waited_between 900 30000
timed dbbackup --restore good.sqlite3 --lock-timeout 0
status_is 1
waited_between 0 10000
sqlite_release
[ "$(sum_file app.db)" = "$live" ] || fail "the database changed"

if ! pg_available; then
	skip "--lock-timeout on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
pgdump() { pg_dump --no-owner -d "$1" | grep -v '^\\\(un\)\{0,1\}restrict'; }

# pg_hold DB SQL MODE REL: a psql session runs SQL and keeps its
# transaction open until pg_release; returns once it holds MODE on REL.
pg_hold() {
	rm -f "$T/pgctl"
	mkfifo "$T/pgctl"
	psql -X -q -d "$1" <"$T/pgctl" >/dev/null 2>&1 &
	holder=$!
	exec 8>"$T/pgctl"
	echo "$2" >&8
	_i=0
	until [ "$(q "$1" "SELECT count(*) FROM pg_locks WHERE granted AND mode = '$3' AND relation = '$4'::regclass")" = 1 ]; do
		_i=$((_i + 1))
		[ $_i -lt 750 ] || { fail "the lock was never taken"; break; }
		sleep 0.02
	done
}
pg_release() {
	echo "COMMIT;" >&8
	exec 8>&-
	wait $holder
}

u=$(pg_newdb dbbackup_lt) || { fail "cannot create a database"; finish; }
export DATABASE_URL=$u
revapply upgrade >/dev/null 2>&1 || fail "revapply failed"
q dbbackup_lt "INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g"
pgb=$(dbbackup -q --dir pgb) || fail "first PostgreSQL backup"
before=$(pgdump dbbackup_lt)

pg_hold dbbackup_lt "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE;" AccessExclusiveLock t

tcase "pg_dump waiting for a table lock gives up after --lock-timeout, saying which"
timed dbbackup --lock-timeout 1 --dir lt3
status_is 1
stderr_has "timed out: pg_dump waited more than 1 s for a lock on t held by server process"
stderr_has "application psql"
stderr_has "raise --lock-timeout"
waited_between 900 30000
[ -z "$(ls -A lt3 2>/dev/null)" ] || fail "left: $(ls -A lt3)"
timed dbbackup --lock-timeout 0 --dir lt3
status_is 1
stderr_has "pg_dump waited more than 0 s"
waited_between 0 10000
pg_release

pg_hold dbbackup_lt "BEGIN; SELECT count(*) FROM t;" AccessShareLock t

tcase "pg_restore waiting for a table lock gives up after --lock-timeout, the database as it was"
q dbbackup_lt "INSERT INTO t VALUES (5000, 1)"
changed=$(pgdump dbbackup_lt)
timed dbbackup --restore "$pgb" --lock-timeout 1
status_is 1
stderr_has "timed out: pg_restore waited more than 1 s for a lock on"
stderr_has "nothing was restored"
waited_between 900 30000
[ "$(pgdump dbbackup_lt)" = "$changed" ] || fail "the database changed"
pg_release
run dbbackup --restore "$pgb"
status_is 0
[ "$(pgdump dbbackup_lt)" = "$before" ] || fail "the restore after the release differs"

pg_hold dbbackup_lt "BEGIN; LOCK TABLE dbrev_revisions IN ACCESS EXCLUSIVE MODE;" AccessExclusiveLock dbrev_revisions

tcase "revapply current and dbbackup's revision read give up after --lock-timeout"
timed revapply --lock-timeout 1 current
status_is 1
stderr_has "lock timeout"
stderr_has "raise --lock-timeout"
waited_between 900 30000
timed revapply --lock-timeout 0 current
status_is 1
waited_between 0 10000
timed dbbackup --lock-timeout 1 --dir lt4
status_is 1
stderr_has "raise --lock-timeout"
waited_between 900 30000
[ -z "$(ls -A lt4 2>/dev/null)" ] || fail "left: $(ls -A lt4)"
pg_release

finish
