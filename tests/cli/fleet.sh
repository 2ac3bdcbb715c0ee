# revapply --fleet FILE (issue 17) without make: many SQLite files, one
# of them failing, in N worker processes; a second run opens no file
# (strace); canaries, --stop, --shard, --fleet-cmd; hostile paths and
# values; the file's refusals (file:line, exit 2, no secret shown);
# PostgreSQL tenants (schema=) of one database, a password from the
# environment that reaches no output.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR

rev m a1 "" "one" "CREATE TABLE a (x INTEGER); CREATE TABLE log (r TEXT); INSERT INTO log VALUES ('a1');"
rev m b2 a1 "two" "INSERT INTO log VALUES ('b2');"
log_of() { sqlite3 "$1" "SELECT group_concat(r, ' ') FROM (SELECT r FROM log ORDER BY r)" 2>&1; }

# 40 files whose paths hold what a shell or make would read as syntax.
mkdir -p "d b/x;\$(y)#z'q\""
D="d b/x;\$(y)#z'q\""
# ("...": \" and \$ stand for the character, '#' and ';' are text)
for i in $(seq -w 1 40); do
	printf 'f%s "sqlite:d b/x;\\$(y)#z'"'"'q\\"/f%s.db"\n' "$i" "$i"
done >fleet.list

tcase "--fleet FILE upgrade --jobs 4 brings 40 hostile paths to head"
run revapply -d m --fleet fleet.list --state-dir st upgrade --jobs 4
status_is 0
stderr_has "fleet: 40 upgraded"
[ "$(grep -c '^\[[0-9]*/40\] f[0-9]* upgraded (2 revisions, [0-9]* ms)$' "$ERR")" = 40 ] ||
    fail "not 40 progress lines: $(head -c 400 "$ERR")"
[ "$(log_of "$D/f07.db")" = "a1 b2" ] || fail "f07: $(log_of "$D/f07.db")"
[ "$(ls "$D" | grep -c '^f[0-9]*\.db$')" = 40 ] || fail "files: $(ls "$D" | head)"
[ ! -e y ] && [ ! -e '$(y)' ] || fail "something ran"

tcase "a second run settles every file without opening it (strace: no SQLite open, no lock)"
# What it may do is read the 100-byte header it compares (open
# read-only, no lock); SQLite opens read-write and locks.
# (LeakSanitizer cannot run under ptrace: leaks are checked elsewhere.)
run env ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq -e trace=open,openat,fcntl -o "$T/trace" \
    revapply -d m --fleet fleet.list --state-dir st upgrade --jobs 4
status_is 0
stderr_has "fleet: 40 at head"
stderr_lacks "upgraded"
! grep -E '/f[0-9]*\.db.*O_RDWR|F_SETLK|F_OFD_SETLK' "$T/trace" >/dev/null ||
    fail "opened: $(grep -E 'O_RDWR|SETLK' "$T/trace" | head -n 3)"
grep -q 'fleet.list' "$T/trace" || fail "strace saw nothing: $(head -n 3 "$T/trace")"

tcase "one database's rows make a revision fail: named, left at its revision, the others upgraded, exit 1"
sqlite3 "$D/f13.db" "INSERT INTO a VALUES (1), (1)"
rev m c3 b2 "three" "CREATE UNIQUE INDEX a_x ON a (x); INSERT INTO log VALUES ('c3');"
run revapply -d m --fleet fleet.list --state-dir st upgrade --jobs 3
status_is 1
stderr_has "fleet: 39 upgraded, 1 failed: f13 at b2 (m/versions/c3_rev.sql:"
grep -q '^\[[0-9]*/40\] f13 failed at b2: m/versions/c3_rev.sql:[0-9]*: ' "$ERR" || fail "no progress line: $(grep f13 "$ERR")"
[ "$(log_of "$D/f13.db")" = "a1 b2" ] || fail "f13: $(log_of "$D/f13.db")"
[ "$(log_of "$D/f40.db")" = "a1 b2 c3" ] || fail "f40: $(log_of "$D/f40.db")"

tcase "status and current: one line per database on stdout, the failing one named"
run revapply -d m --fleet fleet.list --state-dir st status
status_is 0
stdout_has "f13: 1 pending, at b2"
stdout_has "f01: at head"
[ "$(wc -l <"$OUT")" = 40 ] || fail "not 40 lines: $(wc -l <"$OUT")"
run revapply -d m --fleet fleet.list --state-dir st current
stdout_has "f13: b2"
stdout_has "f40: c3 (head)"

tcase "check fails where an upgrade would refuse (an edited revision), naming the file"
run revapply -d m --fleet fleet.list --name f13 check
status_is 0
cp m/versions/b2_rev.sql b2.keep
echo "-- edited" >>m/versions/b2_rev.sql
run revapply -d m --fleet fleet.list check --jobs 2
status_is 1
stderr_has "40 failed"
stderr_has "was edited after it was applied"
cp b2.keep m/versions/b2_rev.sql

tcase "a failing canary stops the rest; --stop starts nothing after a failure"
rev m d4 c3 "four" "INSERT INTO log VALUES ('d4');"
run revapply -d m --fleet fleet.list --state-dir st --canary f13,f02 upgrade --jobs 2
status_is 1
stderr_has "38 not run (a canary failed)"
stderr_has "1 failed: f13 at b2"
[ "$(log_of "$D/f30.db")" = "a1 b2 c3" ] || fail "f30 ran: $(log_of "$D/f30.db")"
run revapply -d m --fleet fleet.list --state-dir st --stop upgrade
status_is 1
stderr_has "27 not run (the run stopped at a failure), 1 failed: f13"
[ "$(log_of "$D/f12.db")" = "a1 b2 c3 d4" ] || fail "f12: $(log_of "$D/f12.db")"
[ "$(log_of "$D/f14.db")" = "a1 b2 c3" ] || fail "f14 ran: $(log_of "$D/f14.db")"
sqlite3 "$D/f13.db" "DELETE FROM a"
run revapply -d m --fleet fleet.list --state-dir st upgrade --jobs 4
status_is 0
stderr_has "12 at head, 28 upgraded"

tcase "--shard K/N: the shards are disjoint and cover the fleet"
: >shards
for k in 1 2 3; do
	revapply -d m --fleet fleet.list --shard $k/3 list | cut -f1 >>shards
done
[ "$(sort shards | uniq | wc -l)" = 40 ] && [ "$(wc -l <shards)" = 40 ] ||
    fail "shards: $(sort shards | uniq -c | head)"
run revapply -d m --fleet fleet.list --shard 4/3 list
status_is 2
run revapply -d m --fleet fleet.list --shard 0/3 list
status_is 2

tcase "--fleet-cmd: the fleet a command prints; a failing command fails the run"
run revapply -d m --fleet-cmd "grep -v f2 fleet.list" --state-dir st upgrade
status_is 0
stderr_has "fleet: 30 at head"
run revapply -d m --fleet-cmd "exit 3" upgrade
status_is 1
stderr_has "command"

tcase "list --format=make: names only, those known at head left out"
run revapply -d m --fleet fleet.list --state-dir st list --format=make
status_is 0
stdout_lacks "sqlite"
stdout_lacks "f01"
run revapply -d m --fleet fleet.list list --format=make
stdout_has "f01 f02"

# A fleet file that is wrong: file:line, exit 2, nothing run, no value.
refused() {
	printf '%s\n' "$1" >bad.list
	run revapply -d m --fleet bad.list --state-dir st upgrade
	status_is 2
	stderr_has "bad.list:$2: "
	[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
	stderr_lacks "s3cr3t"
}
tcase "a bad fleet file: one line naming file:line, exit 2, no secret shown"
export FLEET_SECRET=s3cr3t
refused 'a sqlite:x.db
a sqlite:y.db' 2
refused 'x;y sqlite:x.db' 1
refused '$(x) sqlite:x.db' 1
refused 'a postgresql://u:s3cr3t@h/db' 1
refused 'a "postgresql://u:${FLEET_SECRET}@h/db" schema=A;B' 1
refused 'a sqlite:x.db ${FLEET_NOPE}' 1
refused 'a sqlite:$(x).db' 1
refused "a 'sqlite:x.db" 1
refused 'a sqlite:x.db colour=red' 1
refused 'a sqlite:x.db schema=t1' 1
[ ! -e x.db ] && [ ! -e y.db ] || fail "a database was created"

tcase "usage: --fleet takes no -u, --jobs is 1 to 1024, --name must be in the fleet"
run revapply -d m -u sqlite:x.db --fleet fleet.list upgrade
status_is 2
run revapply -d m --fleet fleet.list upgrade --jobs 0
status_is 2
run revapply -d m --fleet fleet.list --name nope upgrade
status_is 2
stderr_has "nope"
run revapply -d m --jobs 2 upgrade
status_is 2
stderr_has "jobs with test or --fleet"

if ! pg_available; then
	skip "PostgreSQL tenants in a fleet" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

tcase "PostgreSQL: tenants by schema= and by options=-csearch_path, a password from the environment"
pg_newdb dbrev_cli_fleet >/dev/null || fail "cannot create a database"
export FLEET_PW='pa$(ss) #;"w0rd'"'"
for i in 1 2 3 4 5 6; do
	printf 't%s "postgresql://%s:${FLEET_PW}@/dbrev_cli_fleet?host=%s&port=%s" schema=t%s\n' \
	    "$i" "$PGUSER" "$PGHOST" "$PGPORT" "$i"
done >pg.list
printf 't7 "postgresql:///dbrev_cli_fleet?host=%s&port=%s&user=%s&options=-csearch_path%%3Dt7"\n' \
    "$PGHOST" "$PGPORT" "$PGUSER" >>pg.list
psql -X -q -d dbrev_cli_fleet -c "CREATE SCHEMA t7"
run revapply -v -d m --fleet pg.list upgrade --jobs 4
status_is 0
stderr_has "fleet: 7 upgraded"
for i in 1 2 3 4 5 6 7; do
	got=$(psql -X -At -d dbrev_cli_fleet -c "SELECT string_agg(r, ' ' ORDER BY r) FROM t$i.log; SELECT count(*) FROM t$i.dbrev_revisions")
	[ "$got" = "a1 a1 b2 c3 d4
4" ] && continue
	[ "$got" = "a1 b2 c3 d4
4" ] || fail "t$i: $got"
done
[ "$(psql -X -At -d dbrev_cli_fleet -c "SELECT count(*) FROM pg_tables WHERE tablename = 'dbrev_revisions' AND schemaname = 'public'")" = 0 ] ||
    fail "a version table in public"
run revapply -v -d m --fleet pg.list status --jobs 2
status_is 0
stdout_has "t3: at head"
cat "$OUT" "$ERR" >>all.out

tcase "no password from the environment reaches any output"
grep -F "w0rd" all.out && fail "the password was printed"
run revapply -d m --fleet pg.list list
stdout_lacks "w0rd"
stdout_has "t1	postgresql://"

finish
