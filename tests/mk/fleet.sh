# A fleet through the installed fragments (issue 17): 200 SQLite files and
# 50 PostgreSQL tenants (a schema each, in one database) in one fleet file.
# make -j4 db-fleet-upgrade brings all to head; a second run does nothing
# and opens no SQLite file (each is held under an exclusive lock); one
# tenant whose rows make a revision fail is named, left where it was, and
# the other 249 are upgraded; a failing canary stops the rest; FLEET_STOP=1
# stops at the first failure; two runs at once apply each revision once
# per database; no password (from the environment, through the fleet
# file) reaches any output or file.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

install_fragments
BIN=$T/bin
recording_bindir "$BIN"
PW='pa$(ss) #;"w0rd'"'"
export FLEET_PW=$PW
ALL=$T/all-output
: >"$ALL"

# fm ARGS...: make -C $P with the installed tools, its output kept.
fm() { im "$@"; cat "$OUT" "$ERR" >>"$ALL"; }
# fr ARGS...: the same with the recording tools.
fr() { mk "$@"; cat "$OUT" "$ERR" >>"$ALL"; }

inst_project "$T/p" "" "DB_BACKUP = no"
im db-init
new_rev "$P/migrations" r1 "" "CREATE TABLE a (x INTEGER); CREATE TABLE log (r TEXT); INSERT INTO log VALUES ('r1');"
new_rev "$P/migrations" r2 r1 "INSERT INTO log VALUES ('r2');"
mkdir -p "$P/db"
# The tenants first: the failing one (p17, or s017 without PostgreSQL)
# is then 17th, and FLEET_STOP=1 -j1 has 16 databases to run before it.
: >"$P/databases.list"
NPG=0
if pg_available; then
	NPG=50
	pg_newdb dbrev_mk_fleet >/dev/null || fail "cannot create a database"
	for i in $(seq -w 1 50); do
		printf 'p%s "postgresql://%s:${FLEET_PW}@/dbrev_mk_fleet?host=%s&port=%s" schema=p%s\n' \
		    "$i" "$PGUSER" "$PGHOST" "$PGPORT" "$i"
	done >>"$P/databases.list"
else
	skip "50 PostgreSQL tenants in the fleet" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
fi
for i in $(seq -w 1 200); do
	printf 's%s sqlite:db/s%s.db\n' "$i" "$i"
done >>"$P/databases.list"
N=$((200 + NPG))

# log_of NAME: the revisions NAME's log table records, one line.
log_of() {
	case $1 in
	s*) sqlite3 "$P/db/$1.db" "SELECT group_concat(r, ' ') FROM (SELECT r FROM log ORDER BY r)" ;;
	p*) psql -X -At -d dbrev_mk_fleet -c "SELECT string_agg(r, ' ' ORDER BY r) FROM $1.log" ;;
	esac
}
# all_logs_are TEXT [EXCEPT]: every database's log is TEXT (but EXCEPT's).
all_logs_are() {
	wrong=
	for i in $(seq -w 1 200); do
		[ "s$i" = "${2:-}" ] && continue
		[ "$(log_of "s$i")" = "$1" ] || wrong="$wrong s$i:$(log_of "s$i")"
	done
	if [ "$NPG" != 0 ]; then
		# One query for the 50 schemas.
		got=$(psql -X -At -d dbrev_mk_fleet -c "SELECT n, string_agg(r, ' ' ORDER BY r) FROM ($(
		    for i in $(seq -w 1 50); do
			[ "p$i" = "${2:-}" ] && continue
			printf "SELECT 'p%s' AS n, r FROM p%s.log UNION ALL " "$i" "$i"
		    done) SELECT NULL, NULL WHERE false) x GROUP BY n HAVING string_agg(r, ' ' ORDER BY r) <> '$1'")
		[ -z "$got" ] || wrong="$wrong $got"
	fi
	[ -z "$wrong" ] || fail "logs not '$1':$(printf '%s' "$wrong" | head -c 400)"
}

tcase "make -j4 db-fleet-upgrade brings $N databases to head"
fm -j4 db-fleet-upgrade
status_is 0
stderr_has "fleet: $N upgraded"
stderr_has "[$N/$N] "
[ "$(grep -c '^\[[0-9]*/'"$N"'\] .* upgraded (2 revisions, ' "$ERR")" = "$N" ] ||
    fail "not $N progress lines: $(head -c 300 "$ERR")"
all_logs_are "r1 r2"
[ -z "$(ls -d "$P"/.dbrev/fleet-run.* 2>/dev/null)" ] || fail "run directory left behind"

# Held under exclusive locks, ten files a holder: opening any waits.
hold_all() {
	HOLDERS=
	for g in $(seq 0 19); do
		f=$T/hold$g
		rm -f "$f.in" "$f.out"
		mkfifo "$f.in"
		first=$(printf 's%03d' $((g * 10 + 1)))
		sqlite3 "$P/db/$first.db" <"$f.in" >"$f.out" 2>&1 &
		HOLDERS="$HOLDERS $!"
		exec {fd}>"$f.in"
		FDS="${FDS:-} $fd"
		{
			for k in $(seq 2 10); do
				printf "ATTACH '%s/db/s%03d.db' AS a%d;\n" "$P" $((g * 10 + k)) "$k"
			done
			printf "BEGIN EXCLUSIVE;\nSELECT 'held';\n"
		} >&$fd
	done
	for g in $(seq 0 19); do
		while ! grep -q held "$T/hold$g.out" 2>/dev/null; do
			sleep 0.05
		done
	done
}
# closed CMD...: CMD without the holders' pipes, so that releasing them
# (closing ours) ends the holders even while CMD or its children run.
# (Backgrounded with &, call nofds in the subshell itself instead: the
# subshell & makes would keep them.)
nofds() { for fd in ${FDS:-}; do exec {fd}>&-; done; }
closed() { ( nofds; exec "$@" ); }
release_all() {
	for fd in $FDS; do exec {fd}>&-; done
	FDS=
	for p in $HOLDERS; do wait "$p" 2>/dev/null; done
}

tcase "a second run does nothing, and opens no SQLite file (all 200 held under exclusive locks)"
settle
hold_all
calls_clear
run closed timeout 120 "$MAKE_CMD" --no-print-directory -C "$P" DBREV_BINDIR="$BIN" -j4 db-fleet-upgrade
cat "$OUT" "$ERR" >>"$ALL"
status_is 0
stderr_has "fleet: $N at head"
stderr_lacks "upgraded"
# plan and report, and a look at each server database; none per SQLite file.
calls_has "revapply -d migrations --state-dir .dbrev --fleet databases.list"
calls_lacks "--name s"
[ "$(grep -c -- '--name p' "$CALLS")" = "$NPG" ] || fail "not $NPG tenants asked: $(grep -c -- '--name' "$CALLS")"
# The same run, made to look at one file: it waits on the lock.
rm -f "$P/.dbrev/db-sqlite_3adb_2fs007.db"
run closed timeout 5 "$MAKE_CMD" --no-print-directory -C "$P" -j4 db-fleet-upgrade
status_is 124
release_all
rm -rf "$P"/.dbrev/fleet-run.*

tcase "one tenant's rows make a revision fail: it is named and left where it was, the other $((N - 1)) are upgraded"
bad=p17
[ "$NPG" = 0 ] && bad=s017
if [ "$bad" = p17 ]; then
	psql -X -q -d dbrev_mk_fleet -c "INSERT INTO p17.a VALUES (1), (1)"
else
	sqlite3 "$P/db/s017.db" "INSERT INTO a VALUES (1), (1)"
fi
new_rev "$P/migrations" r3 r2 "CREATE UNIQUE INDEX a_x ON a (x); INSERT INTO log VALUES ('r3');"
settle
fm -j4 db-fleet-upgrade
status_is 2
stderr_has "fleet: $((N - 1)) upgraded, 1 failed: $bad at r2 ("
stderr_has "r3_m.sql:"
grep -q "^\[[0-9]*/$N\] $bad failed at r2: .*r3_m.sql:[0-9]*: " "$ERR" || fail "no progress line for $bad: $(grep "$bad" "$ERR")"
[ "$(log_of $bad)" = "r1 r2" ] || fail "$bad: $(log_of $bad)"
all_logs_are "r1 r2 r3" $bad

tcase "db-fleet-status names the tenant behind, db-fleet-current says where each is"
fm db-fleet-status
status_is 0
stdout_has "$bad: 1 pending, at r2"
stdout_has "s001: at head"
[ "$(wc -l <"$OUT")" = "$N" ] || fail "not $N lines"
stderr_has "fleet: $N databases: $((N - 1)) at head, 1 pending"
fm db-fleet-current
status_is 0
stdout_has "s200: r3 (head)"
stdout_has "$bad: r2"

tcase "a failing canary stops the rest"
new_rev "$P/migrations" r4 r3 "INSERT INTO log VALUES ('r4');"
settle
fm -j4 db-fleet-upgrade FLEET_CANARY="$bad"
status_is 2
stderr_has "fleet: $((N - 1)) not run (a canary failed), 1 failed: $bad at r2"
all_logs_are "r1 r2 r3" $bad

tcase "FLEET_STOP=1 starts nothing after the first failure"
fm -j1 db-fleet-upgrade FLEET_STOP=1
status_is 2
first=p01
[ "$bad" = p17 ] || first=s001
stderr_has "$((N - 17)) not run (the run stopped at a failure), 1 failed: $bad"
[ "$(log_of $first)" = "r1 r2 r3 r4" ] || fail "$first: $(log_of $first)"
[ "$(log_of s200)" = "r1 r2 r3" ] || fail "s200 ran: $(log_of s200)"

tcase "two runs at once apply each revision exactly once per database"
if [ "$bad" = p17 ]; then
	psql -X -q -d dbrev_mk_fleet -c "DELETE FROM p17.a"
else
	sqlite3 "$P/db/s017.db" "DELETE FROM a"
fi
new_rev "$P/migrations" r5 r4 "INSERT INTO log VALUES ('r5');"
settle
# Both wait on the locks held here, then race for every database.
hold_all
(nofds; exec "$MAKE_CMD" --no-print-directory -C "$P" -j4 db-fleet-upgrade) >"$T/run1.out" 2>&1 &
r1=$!
(nofds; exec "$MAKE_CMD" --no-print-directory -C "$P" -j4 db-fleet-upgrade) >"$T/run2.out" 2>&1 &
r2=$!
while [ "$(ls -d "$P"/.dbrev/fleet-run.* 2>/dev/null | wc -l)" -lt 2 ]; do
	kill -0 $r1 2>/dev/null || kill -0 $r2 2>/dev/null || break
	sleep 0.05
done
release_all
wait $r1; s1=$?
wait $r2; s2=$?
cat "$T/run1.out" "$T/run2.out" >>"$ALL"
[ "$s1" = 0 ] && [ "$s2" = 0 ] || fail "runs exited $s1 and $s2: $(tail -n 3 "$T/run1.out" "$T/run2.out")"
all_logs_are "r1 r2 r3 r4 r5"
grep -q "fleet: " "$T/run1.out" && grep -q "fleet: " "$T/run2.out" || fail "a run has no summary"

tcase "no password reaches any output, the state directory or a run directory"
fm -j4 db-fleet-status V=1
fm db-fleet-check
grep -rlF "w0rd" "$ALL" "$P/.dbrev" "$T"/run*.out && fail "the password was written"
[ "$NPG" = 0 ] || grep -q 'p01 "postgresql://' "$P/databases.list" || fail "the fleet names no password variable"

finish
