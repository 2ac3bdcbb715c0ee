# revapply under concurrency and crashes on one SQLite file:
#  - 8 runners at once, 5 trials: every revision applied exactly once,
#    every runner exits 0, the ones that waited find nothing to do;
#  - kill -9 at random moments of a 200-revision upgrade: after each
#    kill the database holds whole revisions only, and a rerun finishes.
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR

# chain DIR N [TXNONE-AT]: revisions r0001..rN, each creating t_i with
# two rows and logging i; revision TXNONE-AT (if given) runs without a
# transaction.
chain() {
	mkdir -p "$1/versions"
	i=1
	while [ "$i" -le "$2" ]; do
		id=$(printf 'r%04d' "$i")
		parent=$([ "$i" -gt 1 ] && printf 'r%04d' $((i - 1)))
		{
			echo "-- revision: $id"
			echo "-- parents: $parent"
			echo "-- message: step $i"
			[ "$i" = "${3:-0}" ] && echo "-- transaction: none"
			echo
			echo "-- +upgrade"
			[ "$i" = 1 ] && echo "CREATE TABLE log (rev TEXT);"
			echo "CREATE TABLE t_$i (x INTEGER);"
			echo "INSERT INTO t_$i VALUES (1);"
			echo "INSERT INTO t_$i VALUES (2);"
			echo "INSERT INTO log VALUES ('$id');"
			echo
			echo "-- +downgrade"
			echo "DROP TABLE t_$i;"
			echo "DELETE FROM log WHERE rev = '$id';"
			[ "$i" = 1 ] && echo "DROP TABLE log;"
		} >"$1/versions/${id}_step.sql"
		i=$((i + 1))
	done
}

# consistent DB N: the applied revisions are a prefix r0001..rK of the
# chain and exactly their effects are present, each once and whole.
# Prints K.
consistent() {
	db=$1
	applied=$(sqlite3 "$db" "select revision from dbrev_revisions where state='applied' order by revision" 2>/dev/null)
	k=$(printf '%s' "$applied" | grep -c .)
	want=$(i=1; while [ "$i" -le "$k" ]; do printf 'r%04d\n' "$i"; i=$((i + 1)); done)
	[ "$applied" = "$want" ] || { echo "applied set is not a prefix: $applied"; return 1; }
	[ "$(sqlite3 "$db" "select count(*) from dbrev_revisions where state <> 'applied'" 2>/dev/null || echo 0)" = 0 ] ||
		{ echo "rows in progress"; return 1; }
	tables=$(sqlite3 "$db" "select count(*) from sqlite_master where type='table' and name like 't\_%' escape '\\'")
	[ "$tables" = "$k" ] || { echo "$tables tables for $k revisions"; return 1; }
	if [ "$k" -gt 0 ]; then
		[ "$(sqlite3 "$db" "select count(*) || ' ' || count(distinct rev) from log")" = "$k $k" ] ||
			{ echo "log: $(sqlite3 "$db" 'select count(*) from log')"; return 1; }
		q=$(i=1; while [ "$i" -le "$k" ]; do
			[ "$i" -gt 1 ] && printf ' union all '
			printf 'select count(*) = 2 and sum(x) = 3 as ok from t_%d' "$i"
			i=$((i + 1)); done)
		[ "$(sqlite3 "$db" "select count(*) from ($q) where ok")" = "$k" ] ||
			{ echo "a table is partial"; return 1; }
	fi
	echo "$k"
}

chain c 20 10

tcase "8 concurrent runners, 5 trials: each revision applied exactly once, all exit 0"
trial=1
while [ "$trial" -le 5 ]; do
	rm -f "c$trial.db"
	pids=
	r=1
	while [ "$r" -le 8 ]; do
		revapply -d c -u "sqlite:c$trial.db" upgrade >"run$trial.$r.out" 2>"run$trial.$r.err" &
		pids="$pids $!"
		r=$((r + 1))
	done
	r=1
	for p in $pids; do
		wait "$p" || fail "trial $trial runner $r exited $?: $(cat "run$trial.$r.err")"
		r=$((r + 1))
	done
	k=$(consistent "c$trial.db") || fail "trial $trial: $k"
	[ "$k" = 20 ] || fail "trial $trial: $k revisions applied"
	ups=$(cat run$trial.*.err | grep -c '^upgrade ')
	[ "$ups" = 20 ] || fail "trial $trial: $ups upgrade steps reported, want 20"
	did=$(grep -l '^upgraded ' run$trial.*.err | wc -l)
	idle=$(grep -l '^nothing to do: at r0020$' run$trial.*.err | wc -l)
	[ $((did + idle)) = 8 ] || fail "trial $trial: $did upgraded, $idle idle"
	trial=$((trial + 1))
done

tcase "a second runner waits for the first and finds nothing to do"
rm -f short.db
revapply -d c -u sqlite:short.db --lock-timeout 30 upgrade 2>short1.err &
p1=$!
revapply -d c -u sqlite:short.db --lock-timeout 30 upgrade 2>short2.err &
p2=$!
wait "$p1" || fail "first: $(cat short1.err)"
wait "$p2" || fail "second: $(cat short2.err)"
k=$(consistent short.db) || fail "$k"
[ "$(cat short1.err short2.err | grep -c '^nothing to do: at r0020$')" = 1 ] ||
	fail "want one idle runner: $(cat short1.err short2.err | tail -n 2)"

chain long 200

tcase "kill -9 at random moments of a 200-revision upgrade: consistent after each, a rerun finishes"
# How long a whole run takes here, to aim the kills inside it.
revapply -q -d long -u sqlite:probe.db upgrade || fail "probe run failed"
start=$(date +%s%N)
revapply -q -d long -u sqlite:probe2.db upgrade
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -gt 0 ] || ms=1
kills=0 partial=0 k=0
n=1
while [ "$n" -le 8 ]; do
	revapply -q -d long -u sqlite:crash.db upgrade 2>/dev/null &
	pid=$!
	# Within what is left of the run.
	delay=$(( RANDOM % (ms * (200 - k) / 200 + 1) ))
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	k=$(consistent crash.db) || { fail "after kill $n: $k"; break; }
	[ "$k" -gt 0 ] && [ "$k" -lt 200 ] && partial=$((partial + 1))
	n=$((n + 1))
done
[ "$kills" -gt 0 ] || fail "no run was killed (each finished in under ${ms} ms?)"
run revapply -d long -u sqlite:crash.db upgrade
status_is 0
k=$(consistent crash.db) || fail "after the rerun: $k"
[ "$k" = 200 ] || fail "rerun left $k applied"
echo "# $kills kills, $partial left a partial chain; full run ${ms} ms"

finish
