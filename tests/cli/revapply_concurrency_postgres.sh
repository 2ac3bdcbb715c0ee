# revapply runners racing on the private PostgreSQL server: each revision
# is applied exactly once and every runner exits 0; a runner waiting for
# the lock does not deadlock CREATE INDEX CONCURRENTLY run by the holder;
# kill -9 of a runner frees the lock and leaves the database consistent.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR

if ! pg_available; then
	skip "revapply concurrency on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

# Databases are named $P<name>: other tests share the server.
P=rc_
q() { psql -X -At -d "$P$1" -c "$2" 2>&1; }
# wait_for DB SQL VALUE: poll (up to 15 s) until the query gives VALUE.
wait_for() {
	_n=0
	while [ "$(q "$1" "$2")" != "$3" ]; do
		_n=$((_n + 1))
		[ "$_n" -lt 300 ] || return 1
		sleep 0.05
	done
}
newdb() { pg_newdb "$P$1" || { echo "cannot create database $1" >&2; exit 1; }; }
rid() { printf 'r%011d' "$1"; }

# race: a chain of 12 revisions; each creates a table and logs itself in
# a table without a key, so a second application would show (twice).
N=12
rev race "$(rid 0)" "" "log" "CREATE TABLE applied_log (rev text NOT NULL);
INSERT INTO applied_log VALUES ('$(rid 0)');" "DROP TABLE applied_log;"
for i in $(seq 1 $((N - 1))); do
	rev race "$(rid "$i")" "$(rid $((i - 1)))" "step $i" \
	    "CREATE TABLE t$i (id int PRIMARY KEY);
INSERT INTO t$i SELECT g FROM generate_series(1, 200) g;
INSERT INTO applied_log VALUES ('$(rid "$i")');" "DROP TABLE t$i;
DELETE FROM applied_log WHERE rev = '$(rid "$i")';"
done

tcase "8 concurrent runners x 5 trials: each revision applied once, all exit 0"
for trial in 1 2 3 4 5; do
	u=$(newdb "race$trial")
	pids=
	for r in 1 2 3 4 5 6 7 8; do
		timeout 60 revapply -d race -u "$u" --lock-timeout 30 upgrade \
		    >"out.$trial.$r" 2>"err.$trial.$r" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || fail "trial $trial: a runner failed: $(cat err.$trial.*)"
	done
	[ "$(q "race$trial" "select count(*), count(distinct rev) from applied_log")" = "$N|$N" ] ||
		fail "trial $trial: log $(q "race$trial" "select rev, count(*) from applied_log group by rev having count(*) > 1")"
	[ "$(q "race$trial" "select count(*) from dbrev_revisions where state = 'applied'")" = "$N" ] ||
		fail "trial $trial: version rows $(q "race$trial" 'select count(*) from dbrev_revisions')"
	# Who did what: the counts the runners report add up to N.
	sum=0
	for r in 1 2 3 4 5 6 7 8; do
		n=$(sed -n 's/^upgraded \([0-9]*\) revisions\{0,1\} to .*/\1/p' "err.$trial.$r")
		if [ -n "$n" ]; then
			sum=$((sum + n))
		elif ! grep -q "^nothing to do: at $(rid $((N - 1)))\$" "err.$trial.$r"; then
			fail "trial $trial runner $r said: $(cat "err.$trial.$r")"
		fi
	done
	[ "$sum" = "$N" ] || fail "trial $trial: runners report $sum applied, expected $N"
	psql -X -q -d postgres -c "drop database ${P}race$trial" >/dev/null
done

tcase "concurrent downgrades to base: each revision reverted once"
u=$(newdb racedown)
revapply -q -d race -u "$u" upgrade || fail "setup upgrade failed"
pids=
for r in 1 2 3 4 5 6 7 8; do
	timeout 60 revapply -q -d race -u "$u" --lock-timeout 30 downgrade base 2>"derr.$r" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || fail "a downgrading runner failed: $(cat derr.*)"
done
[ "$(q racedown "select count(*) from dbrev_revisions")" = 0 ] || fail "rows left"
[ "$(q racedown "select count(*) from pg_tables where schemaname = 'public' and tablename <> 'dbrev_revisions'")" = 0 ] ||
	fail "tables left: $(q racedown "select tablename from pg_tables where schemaname = 'public'")"

# cic: a1 fills a table; b2 (transaction: none) sleeps, so that a second
# runner arrives and waits, then builds an index concurrently.  A waiter
# blocked inside a statement would hold a snapshot the index build waits
# for, while it waits for the lock: a deadlock.
rev cic a1aaaaaaaaaa "" "fill" "CREATE TABLE big (id int, v text);
INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 20000) g;" "DROP TABLE big;"
rev cic b2bbbbbbbbbb a1aaaaaaaaaa "index concurrently" "SELECT pg_sleep(2);
CREATE INDEX CONCURRENTLY big_v ON big (v);" "DROP INDEX CONCURRENTLY big_v;" "transaction: none"

tcase "a runner waiting while the holder runs CREATE INDEX CONCURRENTLY: no deadlock"
u=$(newdb cic)
t0=$(date +%s)
timeout 30 revapply -d cic -u "$u" --lock-timeout 25 upgrade >out.1 2>err.1 &
p1=$!
# Once the first runner sleeps in b2 (holding the lock), start the second.
wait_for cic "select count(*) from pg_stat_activity where datname = '${P}cic' and query like 'SELECT pg_sleep(2)%' and state = 'active'" 1 ||
	fail "the first runner never reached b2"
timeout 30 revapply -d cic -u "$u" --lock-timeout 25 upgrade >out.2 2>err.2 &
p2=$!
wait_for cic "select count(*) from pg_stat_activity where datname = '${P}cic' and application_name = 'dbrev'" 2 ||
	fail "the second runner never connected"
# It waits for the lock between statements, not inside one: a blocked
# waiter would show active on the lock in every sample.
blocked=0
for i in 1 2 3 4 5 6; do
	[ "$(q cic "select count(*) from pg_stat_activity where datname = '${P}cic' and application_name = 'dbrev' and state = 'active' and query ilike '%advisory_lock%'")" = 1 ] &&
		blocked=$((blocked + 1))
	sleep 0.04
done
[ "$blocked" -lt 6 ] || fail "a waiter is blocked inside a statement"
wait $p1 || fail "first runner failed ($?): $(cat err.1)"
wait $p2 || fail "second runner failed ($?): $(cat err.2)"
t1=$(date +%s)
[ $((t1 - t0)) -lt 20 ] || fail "took $((t1 - t0)) s"
grep -q "^upgraded 2 revisions to b2bbbbbbbbbb" err.1 || fail "first runner: $(cat err.1)"
grep -q "^nothing to do: at b2bbbbbbbbbb" err.2 || fail "second runner: $(cat err.2)"
[ "$(q cic "select indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'big_v'")" = t ] ||
	fail "index not valid"
[ "$(q cic "select string_agg(revision || ':' || state, ' ' order by revision) from dbrev_revisions")" = \
    "a1aaaaaaaaaa:applied b2bbbbbbbbbb:applied" ] || fail "rows: $(q cic 'table dbrev_revisions')"

# slow: a chain of 25 revisions of about 60 ms each (two tables apiece).
S=25
for i in $(seq 1 $S); do
	rev slow "$(rid "$i")" "$([ "$i" -gt 1 ] && rid $((i - 1)))" "slow $i" \
	    "CREATE TABLE a$i (x int);
SELECT pg_sleep(0.06);
CREATE TABLE b$i (x int);" "DROP TABLE b$i;
DROP TABLE a$i;"
done
# consistent DB: every revision is all there with its row, or not at all.
consistent() {
	# Killed before the version table was made: no revision's table either.
	if [ "$(q "$1" "select to_regclass('dbrev_revisions') is null")" = t ]; then
		q "$1" "select count(*) from pg_class where relname ~ '^[ab][0-9]+$'"
		return
	fi
	q "$1" "select count(*) from generate_series(1, $S) i
	    where (to_regclass('a' || i) is not null) <> (to_regclass('b' || i) is not null)
	       or (to_regclass('a' || i) is not null) <>
	          exists (select 1 from dbrev_revisions where revision = 'r' || lpad(i::text, 11, '0') and state = 'applied')"
}

tcase "kill -9 of a runner mid-upgrade frees the lock and leaves the database consistent"
u=$(newdb slow)
# Fixed moments, and two random ones (named in any failure).
for delay in 0.15 0.4 0.25 0.7 0.05 0.5 "0.$((RANDOM % 90 + 10))" "0.$((RANDOM % 90 + 10))"; do
	revapply -q -d slow -u "$u" upgrade 2>/dev/null &
	p=$!
	sleep "$delay"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	[ "$(consistent slow)" = 0 ] || fail "inconsistent after kill at $delay s: $(q slow 'table dbrev_revisions')"
	[ "$(q slow "select to_regclass('dbrev_revisions') is null")" = t ] ||
	[ "$(q slow "select count(*) from dbrev_revisions where state <> 'applied'")" = 0 ] ||
		fail "row left in progress after kill at $delay s"
	# The next runner gets the lock (within seconds, not a timeout).
	run timeout 20 revapply -d slow -u "$u" --lock-timeout 10 downgrade base
	status_is 0
	[ "$(consistent slow)" = 0 ] || fail "inconsistent after downgrade"
done
applied_before=$(q slow "select count(*) from dbrev_revisions")
revapply -q -d slow -u "$u" upgrade 2>/dev/null &
p=$!
wait_for slow "select count(*) >= 3 from pg_class where relname ~ '^b[0-9]+$'" t ||
	fail "the upgrade never got going"
kill -9 $p
wait $p 2>/dev/null
n=$(q slow "select count(*) from dbrev_revisions")
[ "$n" -gt "$applied_before" ] && [ "$n" -lt "$S" ] || fail "the kill was not mid-upgrade ($n of $S applied)"
run timeout 20 revapply -d slow -u "$u" --lock-timeout 10 upgrade
status_is 0
stderr_has "upgraded $((S - n)) revisions to $(rid $S)"
[ "$(consistent slow)" = 0 ] || fail "inconsistent at the end: $(q slow "select string_agg(revision || ':' || state, ' ' order by revision) from dbrev_revisions"); tables $(q slow "select string_agg(tablename, ' ' order by tablename) from pg_tables where schemaname = 'public'"); $(cat "$ERR")"
[ "$(q slow "select count(*) from dbrev_revisions where state = 'applied'")" = "$S" ] || fail "not all applied"

tcase "kill -9 during a transaction: none revision: the lock is freed, the revision reported in progress"
rev tn a1aaaaaaaaaa "" "sleepy" "CREATE TABLE s1 (x int);
SELECT pg_sleep(8);
CREATE TABLE s2 (x int);" "DROP TABLE s2;
DROP TABLE s1;" "transaction: none"
u=$(newdb tn)
revapply -q -d tn -u "$u" upgrade 2>/dev/null &
p=$!
wait_for tn "select count(*) from pg_stat_activity where datname = '${P}tn' and query like 'SELECT pg_sleep(8)%' and state = 'active'" 1 ||
	fail "the revision never got to its sleep"
kill -9 $p
wait $p 2>/dev/null
t0=$(date +%s%N)
run timeout 20 revapply -d tn -u "$u" --lock-timeout 15 upgrade
# The server noticed the dead client mid-statement; the lock did not
# wait for the rest of the 8 s sleep.
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 5000 ] || fail "lock freed only after $ms ms"
status_is 1
stderr_has "revision 'a1aaaaaaaaaa' was left in progress by an interrupted run"
stderr_lacks "lock timeout"
[ "$(q tn "select to_regclass('s1') is not null, to_regclass('s2') is null")" = "t|t" ] ||
	fail "not what ran: $(q tn "select to_regclass('s1'), to_regclass('s2')")"
run revapply -d tn -u "$u" resolve a1aaaaaaaaaa reverted
status_is 0
q tn "drop table s1" >/dev/null
run revapply -d tn -u "$u" upgrade
status_is 0
stderr_has "upgraded 1 revision"

finish
