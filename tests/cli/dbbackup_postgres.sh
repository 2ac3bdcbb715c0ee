# dbbackup on the private PostgreSQL: take, verify, keep, restore under
# revapply's lock; consistency under a concurrent writer; secrets kept
# out of argv and output; kill -9, a write failing part way, missing or
# too old pg_dump, corrupt, truncated and wrong-kind backups.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"

if ! pg_available; then
	skip "dbbackup on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

cd "$T" || exit 1
revision m/versions/a1_create.sql aaaa00000001 "" "create t" \
    "CREATE TABLE t (id integer PRIMARY KEY, v integer NOT NULL, pad text);" \
    "DROP TABLE t;"
revision m/versions/a2_more.sql aaaa00000002 aaaa00000001 "add u" \
    "CREATE TABLE u (id integer PRIMARY KEY);" "DROP TABLE u;"
export DBREV_DIR=$T/m
unset DATABASE_URL

PW='Pw-s3cr3t-9f8e7d'
base=$(pg_newdb dbbackup_shop) || { fail "cannot create a database"; finish; }
# With a password (the private cluster trusts, so any will do).
URL="$base&password=$PW"
export DATABASE_URL="$URL"

q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
# pgdump DB: schema and data as SQL, without the per-run \restrict keys.
pgdump() { pg_dump --no-owner -d "$1" | grep -v '^\\\(un\)\{0,1\}restrict'; }

revapply upgrade aaaa00000001 >/dev/null 2>&1 || fail "revapply failed"
q dbbackup_shop "INSERT INTO t SELECT g, g % 7, repeat(md5(g::text), 4) FROM generate_series(1, 20000) g"

# A pg_dump / pg_restore that records how it was called, then runs the real one.
for p in pg_dump pg_restore; do
	real=$(command -v $p)
	cat >fake_$p <<EOF
#!/bin/sh
{ printf 'ARGV'; printf ' %s' "\$0" "\$@"; echo; } >>"$T/calls.log"
env | sed 's/^/ENV /' >>"$T/calls.log"
exec "$real" "\$@"
EOF
	chmod +x fake_$p
done

tcase "take a backup: named db-time-revision.pgdump, mode 0600, a valid archive"
run dbbackup --dir b
status_is 0
b1=$(cat "$OUT")
case $b1 in
b/dbbackup_shop-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z-aaaa00000001.pgdump) ;;
*) fail "unexpected name '$b1'" ;;
esac
[ "$(stat -c %a "$b1")" = 600 ] || fail "mode $(stat -c %a "$b1")"
assert pg_restore --list "$b1"
[ "$(ls -A b)" = "$(basename "$b1")" ] || fail "other files: $(ls -A b)"
stdout_lacks "$PW"
stderr_lacks "$PW"
[ ! -s "$ERR" ] || fail "stderr not empty: $(cat "$ERR")"

tcase "the password reaches pg_dump through its environment, never its argv"
: >calls.log
run dbbackup --dir b --pg-dump "$T/fake_pg_dump" --pg-restore "$T/fake_pg_restore" -v
status_is 0
grep -q "^ARGV $T/fake_pg_dump --format=custom" calls.log || fail "fake pg_dump not run: $(head -c 400 calls.log)"
grep -q "^ARGV $T/fake_pg_restore --list" calls.log || fail "not verified with pg_restore --list"
! grep '^ARGV' calls.log | grep -qF "$PW" || fail "password in argv: $(grep '^ARGV' calls.log)"
grep -qx "ENV PGPASSWORD=$PW" calls.log || fail "PGPASSWORD not in pg_dump's environment"
grep -q "^ENV PGHOST=$PGHOST\$" calls.log || fail "PGHOST not passed"
grep -q "^ENV PGPORT=$PGPORT\$" calls.log || fail "PGPORT not passed"
grep '^ARGV' calls.log | grep -q -- "--dbname=dbname='dbbackup_shop'" || fail "no --dbname: $(grep '^ARGV' calls.log)"
stdout_lacks "$PW"
stderr_lacks "$PW"
stderr_has "fake_pg_dump"

tcase "a password in user:password@ form is kept out of argv too"
: >calls.log
url2="postgresql://postgres:$PW@/dbbackup_shop?host=$PGHOST&port=$PGPORT"
run dbbackup -u "$url2" --dir b --pg-dump "$T/fake_pg_dump"
status_is 0
! grep '^ARGV' calls.log | grep -qF "$PW" || fail "password in argv"
grep -qx "ENV PGPASSWORD=$PW" calls.log || fail "PGPASSWORD not in pg_dump's environment"
stderr_lacks "$PW"

tcase "a child's message is relayed without the password"
wrap_program leaky_pg_dump "$(command -v pg_dump)" <<EOF
echo "pg_dump: error: connection failed for password \$PGPASSWORD" >&2
exit 1
EOF
run dbbackup --dir lk --pg-dump "$T/leaky_pg_dump"
status_is 1
stderr_has "pg_dump failed: connection failed for password ***"
stderr_lacks "$PW"
[ -z "$(ls -A lk)" ] || fail "left: $(ls -A lk)"

tcase "an unreachable database: a clear line without the password"
run dbbackup -u "postgresql://postgres:$PW@/no_such_db?host=$PGHOST&port=$PGPORT" --dir b0
status_is 1
stderr_has "no_such_db"
stderr_lacks "$PW"
[ -z "$(ls -A b0 2>/dev/null)" ] || fail "left: $(ls -A b0)"

tcase "--verify a good dump"
run dbbackup --verify "$b1"
status_is 0
stdout_is "$b1: ok"

tcase "restore round trip: the database is as it was, revision reported"
before=$(pgdump dbbackup_shop)
q dbbackup_shop "DELETE FROM t WHERE id > 100; UPDATE t SET v = -1 WHERE id < 10; INSERT INTO t VALUES (999999, 1, 'new')"
[ "$(pgdump dbbackup_shop)" != "$before" ] || fail "nothing changed"
: >calls.log
run dbbackup --restore "$b1" --pg-restore "$T/fake_pg_restore"
status_is 0
stdout_is "restored $b1; the database is at aaaa00000001"
[ "$(pgdump dbbackup_shop)" = "$before" ] || fail "dump differs after restore"
stderr_lacks "left in place"
grep -q "^ARGV $T/fake_pg_restore --clean --if-exists --single-transaction" calls.log || fail "not restored with pg_restore --clean: $(grep ARGV calls.log)"
! grep '^ARGV' calls.log | grep -qF "$PW" || fail "password in pg_restore's argv"
stdout_lacks "$PW"
stderr_lacks "$PW"

tcase "restore after a later migration reports the backup's revision"
revapply upgrade >/dev/null 2>&1
run dbbackup --dir b
status_is 0
stdout_has "-aaaa00000002"
run dbbackup --restore "$b1"
status_is 0
stdout_has "the database is at aaaa00000001"
stderr_has "dbbackup: not in the backup, so left in place: public.u"
run revapply current
stdout_has "aaaa00000001"
stdout_lacks "aaaa00000002"
q dbbackup_shop "DROP TABLE IF EXISTS u"

tcase "a pg_restore that fails: its message, exit 1, the database as it was"
wrap_program failing_pg_restore "$(command -v pg_restore)" <<EOF
case " \$* " in *" --clean "*)
	echo "pg_restore: error: could not execute query: out of luck" >&2
	exit 1 ;;
esac
exec "$(command -v pg_restore)" "\$@"
EOF
live=$(pgdump dbbackup_shop)
run dbbackup --restore "$b1" --pg-restore "$T/failing_pg_restore"
status_is 1
stderr_has "dbbackup: pg_restore failed: could not execute query: out of luck; nothing was restored"
stderr_lacks "$PW"
[ "$(pgdump dbbackup_shop)" = "$live" ] || fail "the database changed"

tcase "restore waits for revapply's advisory lock, and gives up cleanly"
# revapply is held inside its third revision by a lock this test holds
# (not by a sleep, which a loaded machine can outlast) until the restore
# has given up.
mkdir -p slow/versions
cp m/versions/*.sql slow/versions/
revision slow/versions/a3_slow.sql aaaa00000003 aaaa00000002 slow \
    "SELECT pg_advisory_lock(4242, 1); SELECT pg_advisory_unlock(4242, 1);" "SELECT 1;"
rm -f "$T/gate"
mkfifo "$T/gate"
psql -X -q -d dbbackup_shop <"$T/gate" >/dev/null 2>&1 &
gate=$!
exec 8>"$T/gate"
echo "SELECT pg_advisory_lock(4242, 1);" >&8
gate_is() {	# granted not-granted: poll (up to 15 s) for those lock counts
	_i=0
	while [ "$(q postgres "SELECT count(*) FILTER (WHERE granted) || ' ' || count(*) FILTER (WHERE NOT granted) FROM pg_locks WHERE locktype = 'advisory' AND classid = 4242 AND objid = 1")" != "$1 $2" ]; do
		_i=$((_i + 1))
		[ $_i -lt 750 ] || return 1
		sleep 0.02
	done
}
gate_is 1 0 || fail "the test never held its lock"
revapply -d slow upgrade >/dev/null 2>&1 &
rpid=$!
gate_is 1 1 || fail "revapply never reached the slow revision"
run dbbackup --restore "$b1" --lock-timeout 0.5
status_is 1
stderr_has "lock"
echo "SELECT pg_advisory_unlock(4242, 1);" >&8
exec 8>&-
wait $gate
wait $rpid || fail "revapply failed"
# The upgrade went through untouched by the restore that gave up.
[ "$(q dbbackup_shop "SELECT count(*) FROM dbrev_revisions")" = 3 ] || fail "revapply's work undone"
run dbbackup --restore "$b1"
status_is 0
stdout_has "the database is at aaaa00000001"
q dbbackup_shop "DROP TABLE IF EXISTS u"

tcase "a backup taken while another session writes is consistent"
q dbbackup_shop "CREATE TABLE pairs (id bigserial PRIMARY KEY, x integer NOT NULL)"
i=0
while [ $i -lt 300 ]; do
	echo "BEGIN; INSERT INTO pairs (x) VALUES ($i); INSERT INTO pairs (x) VALUES (-$i); COMMIT;"
	i=$((i + 1))
done >writes.sql
rm -f stop
(while [ ! -e stop ]; do cat writes.sql; done) | psql -X -q -d dbbackup_shop >/dev/null 2>writer.err &
wpid=$!
sleep 0.3
mkdir c
counts=
for n in 1 2 3; do
	run dbbackup --dir c -q
	status_is 0
	f=$(cat "$OUT")
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS chk" -c "CREATE DATABASE chk" >/dev/null 2>&1
	pg_restore -d chk "$f" 2>/dev/null || fail "backup $n does not restore"
	r=$(q chk "SELECT count(*) % 2, coalesce(sum(x), 0) FROM pairs")
	[ "$r" = "0|0" ] || fail "backup $n is inconsistent: $r"
	counts="$counts $(q chk 'SELECT count(*) FROM pairs')"
done
kill -0 $wpid 2>/dev/null || fail "the writer stopped early: $(cat writer.err)"
touch stop
kill $wpid
wait $wpid
[ "$(echo $counts | tr ' ' '\n' | sort -u | wc -l)" -gt 1 ] || fail "no writes seen between backups: $counts"
q dbbackup_shop "DROP TABLE pairs"

tcase "--keep N keeps exactly this database's newest N and nothing else"
mkdir k
for i in 1 2 3 4; do dbbackup --dir k >/dev/null || fail "backup $i"; done
other=$(pg_newdb dbbackup_other) || fail "cannot create a database"
dbbackup -q -u "$other" -o k/other-20200101T000000Z-base.pgdump || fail "other's backup"
touch k/dbbackup_shop-20200101T000000Z-base.sqlite3 k/notes
# Oldest first, as dbbackup orders them (a "-1" suffix sorts after none).
newest=$(dbbackup --list --dir k | awk '{ print $4 }' | grep '^k/dbbackup_shop-.*pgdump$' | tail -n 2)
run dbbackup --dir k --keep 3
status_is 0
[ "$(ls k/dbbackup_shop-*.pgdump | wc -l)" = 3 ] || fail "kept $(ls k/dbbackup_shop-*.pgdump | wc -l)"
for f in $newest $(cat "$OUT") k/other-20200101T000000Z-base.pgdump k/dbbackup_shop-20200101T000000Z-base.sqlite3 k/notes; do
	[ -f "$f" ] || fail "removed $f"
done
run env -u DATABASE_URL dbbackup --list --dir k
status_is 0
[ "$(wc -l <"$OUT")" = 5 ] || fail "list: $(cat "$OUT")"
run dbbackup --list --dir k
[ "$(wc -l <"$OUT")" = 3 ] || fail "this database's: $(cat "$OUT")"

big=$(dbbackup -q --dir v) || fail "backup for the damage cases"
live=$(pgdump dbbackup_shop)

tcase "a truncated dump is refused by verify and restore, database untouched"
size=$(stat -c %s "$big")
head -c $((size / 2)) "$big" >trunc.pgdump
run dbbackup --verify trunc.pgdump
status_is 1
stderr_has "dbbackup: trunc.pgdump: damaged backup ("
stderr_has "; take a new backup; this one cannot be trusted"
[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
run dbbackup --restore trunc.pgdump
status_is 1
[ "$(pgdump dbbackup_shop)" = "$live" ] || fail "live database changed"

tcase "a corrupt dump is refused by verify and restore, database untouched"
cp "$big" corrupt.pgdump
head -c 4096 /dev/urandom | dd of=corrupt.pgdump bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run dbbackup --verify corrupt.pgdump
status_is 1
stderr_has "dbbackup: corrupt.pgdump: damaged backup ("
[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
run dbbackup --restore corrupt.pgdump
status_is 1
[ "$(pgdump dbbackup_shop)" = "$live" ] || fail "live database changed"

tcase "a backup of the other kind, or not a backup, is refused"
sqlite3 x.db "CREATE TABLE a (b)"
run dbbackup --restore x.db
status_is 2
stderr_has "x.db: a SQLite database, not a backup of a PostgreSQL database"
echo "SELECT 1;" >x.sql
run dbbackup --restore x.sql
status_is 2
stderr_has "x.sql: not a backup"
run dbbackup --restore "$big" -u sqlite:app.db
status_is 2
stderr_has ": a PostgreSQL dump, not a backup of a SQLite database"
[ ! -e app.db ] || fail "the SQLite database was created"
[ "$(pgdump dbbackup_shop)" = "$live" ] || fail "live database changed"

tcase "a write that fails part way (file size limit): exit 1, nothing left"
mkdir lim
( ulimit -f 64; exec dbbackup --dir lim ) >"$OUT" 2>"$ERR"
STATUS=$?
status_is 1
stderr_has "File too large"
[ -z "$(ls -A lim)" ] || fail "left behind: $(ls -A lim)"
[ ! -s "$OUT" ] || fail "printed a path: $(cat "$OUT")"

tcase "a missing pg_dump: a clear message, nothing left"
mkdir np
run dbbackup --dir np --pg-dump "$T/no/such/pg_dump"
status_is 1
stderr_has "cannot run $T/no/such/pg_dump"
[ -z "$(ls -A np)" ] || fail "left: $(ls -A np)"

tcase "a pg_dump too old for the server is refused, saying which"
cat >old_pg_dump <<'EOF'
#!/bin/sh
echo "pg_dump (PostgreSQL) 9.6.24"
EOF
chmod +x old_pg_dump
run dbbackup --dir np --pg-dump "$T/old_pg_dump"
status_is 1
stderr_has "cannot handle this server"
stderr_has "9.6.24"
[ -z "$(ls -A np)" ] || fail "left: $(ls -A np)"

tcase "the pg_dump whose major version is the server's is preferred"
server=$(psql -X -At -d postgres -c "SHOW server_version_num")
major=$((server / 10000))
mkdir -p fakebin
cat >fakebin/pg_dump <<EOF
#!/bin/sh
echo "\$*" >>"$T/newer.log"
case "\$1" in --version) echo "pg_dump (PostgreSQL) $((major + 1)).0"; exit 0 ;; esac
exit 1
EOF
chmod +x fakebin/pg_dump
: >newer.log
# The fake comes first on PATH; the server's own version is found later.
PATH=$T/fakebin:$PATH run dbbackup --dir pref -v
status_is 0
[ "$(cat newer.log)" = "--version" ] || fail "the newer pg_dump was run for the dump: $(cat newer.log)"
stderr_has "made with /"
stderr_lacks "made with $T/fakebin/pg_dump"

tcase "a migration committed during the dump: taken again, named right"
realdump=$(command -v pg_dump)
wrap_program moving_pg_dump "$realdump" <<EOF
echo dump >>"$T/moving.log"
revapply -q -d "$T/m" -u "$URL" upgrade >/dev/null 2>&1
exec "$realdump" "\$@"
EOF
: >moving.log
[ "$(q dbbackup_shop "SELECT string_agg(revision, ',') FROM dbrev_revisions")" = aaaa00000001 ] || fail "not at aaaa00000001"
run dbbackup --dir mv --pg-dump "$T/moving_pg_dump"
status_is 0
stdout_has "-aaaa00000002.pgdump"
[ "$(wc -l <moving.log)" = 2 ] || fail "dumped $(wc -l <moving.log) times, expected 2"
pg_restore --list "$(cat "$OUT")" | grep -q 'TABLE public u ' || fail "the dump lacks the new table"
[ "$(ls mv | wc -l)" = 1 ] || fail "files: $(ls -A mv)"

tcase "a revision that keeps changing during the dump: a clear error, nothing left"
wrap_program flapping_pg_dump "$realdump" <<EOF
if [ "\$(psql -X -At -d dbbackup_shop -c 'SELECT count(*) FROM dbrev_revisions')" = 2 ]; then
	revapply -q -d "$T/m" -u "$URL" downgrade >/dev/null 2>&1
else
	revapply -q -d "$T/m" -u "$URL" upgrade >/dev/null 2>&1
fi
exec "$realdump" "\$@"
EOF
run dbbackup --dir fl --pg-dump "$T/flapping_pg_dump"
status_is 1
stderr_has "the database's revision kept changing during the backup"
[ -z "$(ls -A fl)" ] || fail "left: $(ls -A fl)"

tcase "kill -9 during a backup leaves no file under a final name"
wrap_program slow_pg_dump "$(command -v pg_dump)" <<EOF
echo \$\$ >"$T/slow.pid"
"$(command -v pg_dump)" "\$@"
sleep 2
EOF
mkdir kd
rm -f slow.pid
dbbackup --dir kd --pg-dump "$T/slow_pg_dump" >/dev/null 2>&1 &
bpid=$!
for i in $(seq 1 200); do
	[ -s slow.pid ] && [ -n "$(ls -A kd)" ] && break
	sleep 0.02
done
[ -n "$(ls -A kd)" ] || fail "no temporary file seen"
{ kill -9 $bpid; wait $bpid; } 2>/dev/null
[ -s slow.pid ] && kill "$(cat slow.pid)" 2>/dev/null
[ -z "$(ls kd)" ] || fail "a file under a visible name: $(ls kd)"
run dbbackup --list --dir kd
stdout_is ""

tcase "SIGTERM during pg_dump stops pg_dump and removes the temporary file"
# pg_dump waits for a table that another session holds locked.
rm -f "$T/lk.ctl" term.pid
mkfifo "$T/lk.ctl"
psql -X -q -d dbbackup_shop <"$T/lk.ctl" >/dev/null 2>&1 &
lpid=$!
exec 8>"$T/lk.ctl"
echo "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);" >&8
wrap_program term_pg_dump "$(command -v pg_dump)" <<EOF
echo \$\$ >"$T/term.pid"
exec "$(command -v pg_dump)" "\$@"
EOF
mkdir kt
dbbackup --dir kt --pg-dump "$T/term_pg_dump" >/dev/null 2>&1 &
bpid=$!
i=0
until [ "$(q postgres "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'dbbackup % pg_dump' AND wait_event_type = 'Lock'")" = 1 ]; do
	i=$((i + 1))
	[ $i -lt 250 ] || { fail "pg_dump never waited for the lock"; break; }
	sleep 0.02
done
[ -n "$(ls -A kt)" ] || fail "no temporary file seen"
kill -TERM $bpid
wait $bpid
[ $? = 143 ] || fail "dbbackup did not end by SIGTERM"
i=0
while kill -0 "$(cat term.pid)" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 250 ] || { fail "pg_dump still runs"; break; }
	sleep 0.02
done
[ -z "$(ls -A kt)" ] || fail "left: $(ls -A kt)"
exec 8>&-
kill $lpid 2>/dev/null
wait $lpid 2>/dev/null


# --- which database a backup is of ---------------------------------------

# A second private server, so that "shop" lives on two servers (as on two
# hosts): its socket directory tells them apart.
. "$DBREV_SRCDIR/tests/lib/pg.sh"
trap 'pg_stop "$T/pg2"; rm -rf "$T"' EXIT
A_HOST=$PGHOST A_PORT=$PGPORT
if ! s2=$(pg_start "$T/pg2" >"$T/pg2.log" 2>&1 && echo "$PGHOST $PGPORT"); then
	fail "a second server did not start: $(tail -n 5 "$T/pg2.log")"
	finish
fi
B_HOST=${s2% *} B_PORT=${s2#* }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$A_HOST" -p "$A_PORT" -d "$1" -c "$2"; }
qb() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$B_HOST" -p "$B_PORT" -d "$1" -c "$2"; }
qa postgres "DROP DATABASE IF EXISTS shop" && qa postgres "CREATE DATABASE shop" || fail "shop on A"
qb postgres "CREATE DATABASE shop" || fail "shop on B"
UA="postgresql:///shop?host=$A_HOST&port=$A_PORT&user=postgres"
UB="postgresql:///shop?host=$B_HOST&port=$B_PORT&user=postgres"
for u in "$UA" "$UB"; do
	revapply -q -u "$u" upgrade aaaa00000001 || fail "upgrade $u"
done
qa shop "INSERT INTO t VALUES (1, 1, 'server a')"
qb shop "INSERT INTO t VALUES (1, 1, 'server b')"
mkdir shared

tcase "shop on two servers, one backup directory: --keep 1 of one never touches the other's"
run dbbackup -u "$UA" --dir shared
status_is 0
abk=$(cat "$OUT")
for i in 1 2; do
	run dbbackup -u "$UB" --dir shared --keep 1
	status_is 0
done
bbk=$(cat "$OUT")
[ -f "$abk" ] || fail "server A's only backup was pruned: $(ls shared)"
[ "$(ls shared | wc -l)" = 2 ] || fail "expected one each: $(ls shared)"
run dbbackup -u "$UA" --list --dir shared
stdout_has "$abk"
stdout_lacks "$bbk"
run dbbackup --verify "$abk" -v
stderr_has "a backup of postgresql://$(printf %s "$A_HOST" | sed 's|/|%2F|g'):$A_PORT/shop at aaaa00000001"

tcase "one server spelled several ways (URI, keywords, PGHOST, a linked socket directory) is one database"
ln -s "$A_HOST" "$T/socklink"
for u in "host=$A_HOST port=$A_PORT dbname=shop user=postgres" \
    "postgresql://postgres@$(printf %s "$A_HOST" | sed 's|/|%2F|g'):$A_PORT/shop" \
    "host=$T/socklink/ port=0$A_PORT dbname=shop"; do
	run dbbackup -u "$u" --dir shared -q
	status_is 0
	run dbbackup -u "$u" --dir shared --prune --keep 1
	[ "$(dbbackup -u "$UA" --list --dir shared | wc -l)" = 1 ] || fail "$u: not pruned as A's: $(ls shared)"
	[ -f "$bbk" ] || fail "$u: server B's was pruned"
done
PGHOST=$A_HOST PGPORT=$A_PORT run dbbackup -u "postgresql:///shop?user=postgres" --dir shared --prune --keep 1
status_is 0
abk=$(dbbackup -u "$UA" --list --dir shared | awk '{print $4}')
run dbbackup --restore "$abk" -u "host=$T/socklink port=$A_PORT dbname=shop" --dir shared --no-safety-backup
status_is 0
stderr_lacks "warning"

tcase "restore refuses server A's backup into server B, touching nothing"
bdump=$(pg_dump -h "$B_HOST" -p "$B_PORT" --no-owner -d shop | grep -v '^\\')
n=$(ls shared | wc -l)
run dbbackup --restore "$abk" -u "$UB" --dir shared
status_is 2
[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
stderr_has ": a backup of postgresql://"
stderr_has ", not of postgresql://"
stderr_has "; restore it into that database, or pass --force to restore it into this one"
[ "$(qb shop "SELECT pad FROM t")" = "server b" ] || fail "B changed"
[ "$(ls shared | wc -l)" = "$n" ] || fail "files made: $(ls shared)"

tcase "--force restores it, after a safety backup (pg_dump) of B as it was"
run dbbackup --restore "$abk" -u "$UB" --dir shared --force
status_is 0
stderr_has "dbbackup: warning: $abk is a backup of postgresql://"
[ "$(qb shop "SELECT pad FROM t")" = "server a" ] || fail "not restored"
safety=$(sed -n 's/^dbbackup: the database as it was is in //p' "$ERR")
[ -f "$safety" ] || fail "no safety backup named: $(cat "$ERR")"
qb postgres "CREATE DATABASE chk2" || fail "chk2"
pg_restore -h "$B_HOST" -p "$B_PORT" -d chk2 "$safety" 2>/dev/null || fail "the safety backup does not restore"
[ "$(qb chk2 "SELECT pad FROM t")" = "server b" ] || fail "the safety backup is not B as it was"
run dbbackup -u "$UB" --list --dir shared
stdout_has "$safety"
run dbbackup --restore "$safety" -u "$UB" --dir shared --no-safety-backup
status_is 0
stderr_lacks "warning"
[ "$(qb shop "SELECT pad FROM t")" = "server b" ] || fail "not put back"

tcase "a dump an older dbbackup wrote (plain pg_dump -Fc) lists and restores with a warning, never pruned"
old=shared/shop-20200101T000000Z-aaaa00000001.pgdump
pg_dump -h "$B_HOST" -p "$B_PORT" -Fc -f "$old" shop || fail "pg_dump"
run dbbackup -u "$UB" --list --dir shared
stdout_has "$old"
stderr_has "listed by its name only"
run dbbackup --restore "$old" -u "$UB" --dir shared --no-safety-backup
status_is 0
stderr_has "dbbackup: warning: $old does not record which database it is of (an older dbbackup wrote it): restoring it into postgresql://"
run dbbackup -u "$UB" --dir shared --prune --keep 1
status_is 0
[ -f "$old" ] || fail "pruned a backup that does not say whose it is"
stderr_has "left alone: 1 backup(s)"

finish
