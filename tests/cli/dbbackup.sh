# dbbackup against each database (tests/lib/db_*.sh), as a user types it:
# per-database
# take, name, list, keep, verify, restore (under revapply's lock);
# consistency under a concurrent writer; kill -9, a write that fails part
# way, corrupt, truncated and wrong-kind backups; on PostgreSQL secrets
# kept out of argv and output and a missing or too old pg_dump.
#
# A SQLite backup is a database file copied with SQLite's backup API, a
# PostgreSQL one pg_dump's custom archive: the cases differ in what they
# check, so each database's run keeps its own, and the usage cases, which
# need no database, run once.
SUITE=cli/dbbackup
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"
DB_PREFIX=dbbackup_
. "$DBREV_SRCDIR/tests/lib/db.sh"

cd "$T" || exit 1

if only sqlite "SQLite files copied by the backup API; the usage cases, run once"; then
revision m/versions/a1_create.sql aaaa00000001 "" "create t" \
    "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);" \
    "DROP TABLE t;"
revision m/versions/a2_more.sql aaaa00000002 aaaa00000001 "add u" \
    "CREATE TABLE u (id INTEGER PRIMARY KEY, note TEXT);" "DROP TABLE u;"
export DBREV_DIR=$T/m
unset DATABASE_URL

# sql DB SQL...: run statements with the sqlite3 shell.
sql() { db=$1; shift; sqlite3 -batch "$db" "$@"; }
# dump DB: the database as SQL, to compare states.
dump() { sqlite3 -batch "$1" .dump; }
# only_files DIR: the names in DIR, hidden ones included, one per line.
only_files() { ls -A "$1" | sort; }

# hold_exclusive DB: another process holds an exclusive lock on DB until
# release; returns once the lock is held.  hold_flock FILE: the same with
# flock(1), revapply's lock.
hold_exclusive() {
	rm -f "$T/ctl"
	mkfifo "$T/ctl"
	# With a busy timeout: a writer just stopped may still hold it.
	sqlite3 -batch -cmd '.timeout 10000' "$1" <"$T/ctl" >/dev/null 2>&1 &
	holder=$!
	exec 9>"$T/ctl"
	echo "BEGIN EXCLUSIVE;" >&9
	_i=0
	while sqlite3 -batch "$1" "SELECT count(*) FROM sqlite_schema" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -lt 500 ] || { fail "the lock was never taken"; break; }
		sleep 0.02
	done
}
hold_flock() {
	rm -f "$T/ctl"
	mkfifo "$T/ctl"
	flock -x "$1" cat "$T/ctl" >/dev/null &
	holder=$!
	exec 9>"$T/ctl"
	_i=0
	while flock -n "$1" true; do
		_i=$((_i + 1))
		[ $_i -lt 500 ] || { fail "the lock was never taken"; break; }
		sleep 0.02
	done
}
release() {
	echo "COMMIT;" >&9
	exec 9>&-
	wait $holder
}

tcase "help and version"
run dbbackup --help
status_is 0
stdout_has "usage: dbbackup"
stdout_has "--restore FILE"
run dbbackup --version
status_is 0
stdout_has "dbbackup dbrev "

tcase "usage errors exit 2 with a usage line"
run dbbackup --list --verify x
status_is 2
stderr_has "usage: dbbackup"
run dbbackup --keep 0 -u sqlite:x.db
status_is 2
stderr_has "--keep wants a whole number"
run dbbackup --keep two -u sqlite:x.db
status_is 2
run dbbackup --prune -u sqlite:x.db
status_is 2
stderr_has "--prune needs --keep N"
run dbbackup -o x --keep 2 -u sqlite:x.db
status_is 2
run dbbackup stray -u sqlite:x.db
status_is 2
stderr_has "unexpected argument stray"
for v in nan inf -1 1e7 5s ""; do
	run dbbackup --lock-timeout "$v" -u sqlite:x.db
	status_is 2
	stderr_has "bad --lock-timeout"
	stderr_has "usage: dbbackup"
done

tcase "no URL, unknown scheme: a clear message, exit 2"
run dbbackup
status_is 2
stderr_has "no database URL given"
run dbbackup -u mysql://h/db
status_is 2
stderr_has "unknown scheme"

tcase "a missing database: exit 1, nothing written"
run dbbackup -u sqlite:nothere.db --dir b0
status_is 1
stderr_has "nothere.db"
[ ! -e b0 ] || fail "the backup directory was left behind: $(ls -la b0)"
[ ! -e nothere.db ] || fail "the database was created"
mkdir -p kept
run dbbackup -u sqlite:nothere.db --dir kept/new/deeper
status_is 1
[ -d kept ] || fail "a directory that was there before was removed"
[ ! -e kept/new ] || fail "new directories were left behind"

tcase "a file that is not a database is refused"
echo "hello" >notdb.db
run dbbackup -u sqlite:notdb.db --dir b0
status_is 2
stderr_has "not a SQLite database"
[ -z "$(ls -A b0 2>/dev/null)" ] || fail "files left: $(ls -A b0)"

export DATABASE_URL=sqlite:app.db
revapply upgrade aaaa00000001 >/dev/null 2>&1 || fail "revapply failed"
sql app.db "INSERT INTO t (v) VALUES (1), (2), (3)"

tcase "take a backup: prints its path, named db-time-revision, mode 0600"
run dbbackup
status_is 0
b1=$(cat "$OUT")
case $b1 in
backups/app-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z-aaaa00000001.sqlite3) ;;
*) fail "unexpected name '$b1'" ;;
esac
[ -f "$b1" ] || fail "no file $b1"
[ "$(stat -c %a "$b1")" = 600 ] || fail "mode $(stat -c %a "$b1")"
[ "$(stat -c %a backups)" = 700 ] || fail "new directory mode $(stat -c %a backups)"
[ "$(sql "$b1" 'PRAGMA integrity_check')" = ok ] || fail "backup not ok"
[ "$(dump "$b1")" = "$(dump app.db)" ] || fail "backup differs from the database"
[ "$(only_files backups)" = "$(basename "$b1")" ] || fail "other files: $(only_files backups)"
[ ! -s "$ERR" ] || fail "stderr not empty: $(cat "$ERR")"

tcase "two backups in one second never collide, numbered in order"
run dbbackup
b2=$(cat "$OUT")
run dbbackup
b3=$(cat "$OUT")
run dbbackup
b4=$(cat "$OUT")
status_is 0
[ "$(ls backups | wc -l)" = 4 ] || fail "expected 4 files: $(ls backups)"
[ "$b2" != "$b3" ] && [ "$b3" != "$b4" ] && [ "$b1" != "$b2" ] || fail "names collide"
# Within a second the suffixes count up in the order taken, so that
# --list (oldest first) shows them in that order.
run dbbackup --list
[ "$(awk '{print $4}' "$OUT" | tr '\n' ' ')" = "$b1 $b2 $b3 $b4 " ] || fail "not in the order taken: $(cat "$OUT")"

tcase "-o FILE writes exactly that file, and never overwrites"
run dbbackup -o out/my.sqlite3
status_is 1
stderr_has "cannot create a file in out"
mkdir out
run dbbackup -o out/my.sqlite3
status_is 0
stdout_is "out/my.sqlite3"
[ "$(dump out/my.sqlite3)" = "$(dump app.db)" ] || fail "copy differs"
before=$(sum_file out/my.sqlite3)
sql app.db "INSERT INTO t (v) VALUES (4)"
run dbbackup -o out/my.sqlite3
status_is 1
stderr_has "out/my.sqlite3 already exists; dbbackup never overwrites a file"
[ "$(sum_file out/my.sqlite3)" = "$before" ] || fail "overwritten"
[ "$(only_files out)" = my.sqlite3 ] || fail "left: $(only_files out)"
sql app.db "DELETE FROM t WHERE v = 4"

tcase "the name records the revision: after an upgrade, the new head"
revapply upgrade >/dev/null 2>&1
run dbbackup --dir b2
status_is 0
stdout_has "-aaaa00000002"

tcase "without the migrations directory the newest applied row names it"
run dbbackup --dir b2 -d "$T/nowhere"
status_is 0
stdout_has "-aaaa00000002"

tcase "an empty database is at base"
sql fresh.db "CREATE TABLE x (a)"
run dbbackup -u sqlite:fresh.db --dir b2
status_is 0
stdout_has "b2/fresh-"
stdout_has "-base.sqlite3"

tcase "--table names the version table the revision is read from"
revapply -u sqlite:other.db --table my_revs upgrade aaaa00000001 >/dev/null 2>&1 || fail "revapply --table"
run dbbackup -u sqlite:other.db --dir b3 --table my_revs
status_is 0
stdout_has "b3/other-"
stdout_has "-aaaa00000001.sqlite3"
run dbbackup -u sqlite:other.db --dir b3 -v
status_is 0
stdout_has "-base"
stderr_has "SQLite database at base"
stderr_has "integrity_check ok"

tcase "--list shows time, revision and size of dbbackup's own files"
echo "notes" >b2/notes.txt
echo "x" >b2/app-old.sqlite3
# Without a URL: every database's.
run env -u DATABASE_URL dbbackup --list --dir b2
status_is 0
[ "$(wc -l <"$OUT")" = 3 ] || fail "expected 3 lines: $(cat "$OUT")"
stdout_has "aaaa00000002"
stdout_has "base"
stdout_lacks "notes.txt"
stdout_lacks "app-old"
f=$(head -n 1 "$OUT" | awk '{print $4}')
[ "$(head -n 1 "$OUT" | awk '{print $3}')" = "$(stat -c %s "$f")" ] || fail "size column wrong: $(head -n 1 "$OUT")"
head -n 1 "$OUT" | grep -Eq '^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]{8}Z ' || fail "time column: $(head -n 1 "$OUT")"
run env -u DATABASE_URL dbbackup --list --dir nowhere
status_is 0
stderr_has "no backups in nowhere"

tcase "--list with a URL shows that database's backups only"
run dbbackup --list --dir b2
status_is 0
[ "$(wc -l <"$OUT")" = 2 ] || fail "expected app.db's 2: $(cat "$OUT")"
stdout_lacks "fresh-"
run dbbackup --list --dir b2 -u sqlite:fresh.db
[ "$(wc -l <"$OUT")" = 1 ] || fail "expected fresh.db's 1: $(cat "$OUT")"
stdout_has "b2/fresh-"
run dbbackup --list --dir nowhere
stderr_has "no backups of this database in nowhere"

tcase "--keep N keeps exactly this database's newest N and nothing else"
mkdir k
for i in 1 2 3 4 5; do dbbackup --dir k >/dev/null || fail "backup $i"; done
touch k/app-20200101T000000Z-zzzz.pgdump		# another kind
dbbackup -q -u sqlite:fresh.db -o k/other-20200101T000000Z-base.sqlite3	# another database
echo x >k/README
echo x >k/app.sqlite3
newest=$(dbbackup --list --dir k | grep ' k/app-' | grep -v pgdump | tail -n 2 | awk '{print $4}' | sort)
run dbbackup --dir k --keep 3
status_is 0
taken=$(cat "$OUT")
stderr_has "removed k/app-"
[ "$(ls k/app-*.sqlite3 | wc -l)" = 3 ] || fail "kept $(ls k/app-*.sqlite3 | wc -l), not 3"
[ -f "$taken" ] || fail "the new backup was pruned"
for f in $newest; do [ -f "$f" ] || fail "a newest backup went: $f"; done
for f in k/app-20200101T000000Z-zzzz.pgdump k/other-20200101T000000Z-base.sqlite3 k/README k/app.sqlite3; do
	[ -f "$f" ] || fail "removed a file not its own: $f"
done

tcase "--prune --keep 1 prunes without taking a backup"
run dbbackup --dir k --prune --keep 1 -q
status_is 0
[ "$(ls k/app-*.sqlite3)" = "$taken" ] || fail "left: $(ls k/app-*.sqlite3)"
[ ! -s "$OUT" ] || fail "printed: $(cat "$OUT")"
[ "$(ls k | wc -l)" = 5 ] || fail "others touched: $(ls k)"

tcase "--verify a good backup"
run dbbackup --verify "$taken"
status_is 0
stdout_is "$taken: ok"
run dbbackup --verify "$taken" -v
stderr_has "integrity_check ok"

tcase "restore round trip: the database is as it was, revision reported"
before=$(dump app.db)
run dbbackup -q
bk=$(cat "$OUT")
sql app.db "INSERT INTO t (v) VALUES (7); DELETE FROM t WHERE v = 1; INSERT INTO u (note) VALUES ('n')"
revapply downgrade aaaa00000001 >/dev/null 2>&1
sql app.db "CREATE TABLE extra (z)"
[ "$(dump app.db)" != "$before" ] || fail "nothing changed before the restore"
run dbbackup --restore "$bk"
status_is 0
stdout_is "restored $bk; the database is at aaaa00000002"
[ "$(dump app.db)" = "$before" ] || fail "dump differs after restore"
run revapply current
stdout_has "aaaa00000002"
[ "$(sql app.db 'PRAGMA integrity_check')" = ok ] || fail "restored database not ok"

tcase "restore into a database that does not exist yet: --force (another database's backup)"
run dbbackup --restore "$bk" -u sqlite:new.db
status_is 2
[ ! -e new.db ] || fail "new.db was created"
run dbbackup --restore "$bk" -u sqlite:new.db --force
status_is 0
[ "$(dump new.db)" = "$before" ] || fail "new database differs"
stderr_lacks "as it was is in"		# nothing to keep

tcase "restore waits for revapply's lock, and gives up cleanly"
live=$(sum_file app.db)
hold_flock app.db
run dbbackup --restore "$bk" --lock-timeout 0.5
status_is 1
stderr_has "lock"
[ "$(sum_file app.db)" = "$live" ] || fail "the live database changed"
# 0 does not wait (as for revapply), rather than meaning the default.
t0=$(date +%s)
run dbbackup --restore "$bk" --lock-timeout 0
status_is 1
stderr_has "lock"
[ $(($(date +%s) - t0)) -lt 10 ] || fail "--lock-timeout 0 waited"
[ "$(sum_file app.db)" = "$live" ] || fail "the live database changed"
release

if [ -w /dev/full ]; then
	tcase "output that cannot be written is an error, the backup kept"
	n=$(ls backups | wc -l)
	dbbackup >/dev/full 2>"$ERR"
	STATUS=$?
	status_is 1
	stderr_has "dbbackup: stdout: No space left on device"
	[ "$(ls backups | wc -l)" = $((n + 1)) ] || fail "no backup left"
	dbbackup --list >/dev/full 2>"$ERR"
	STATUS=$?
	status_is 1
	stderr_has "stdout"
	dbbackup --verify "$bk" >/dev/full 2>"$ERR"
	STATUS=$?
	status_is 1
else
	skip "output that cannot be written" "no writable /dev/full"
fi

# A database worth a second of copying for the cases below.
sql big.db "PRAGMA journal_mode=WAL" >/dev/null
sql big.db "CREATE TABLE pairs (id INTEGER PRIMARY KEY, x INTEGER NOT NULL, pad BLOB);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000)
INSERT INTO pairs (x, pad) SELECT (i % 2) * 2 - 1, randomblob(8000) FROM c;"

tcase "a backup taken while another process writes is consistent"
# The writer inserts +n and -n in one transaction: every consistent
# state holds an even number of rows summing to zero.
(
	i=0
	while [ $i -lt 400 ]; do
		echo "BEGIN; INSERT INTO pairs (x) VALUES ($i); INSERT INTO pairs (x) VALUES (-$i); COMMIT;"
		i=$((i + 1))
	done
) >writes.sql
rm -f stop
(while [ ! -e stop ]; do cat writes.sql; done) | sqlite3 -batch -cmd '.timeout 20000' -cmd 'PRAGMA synchronous=OFF' big.db >/dev/null 2>writer.err &
wpid=$!
sleep 0.2
counts=
mkdir c
for n in 1 2 3 4; do
	run dbbackup -u sqlite:big.db --dir c -q
	status_is 0
	f=$(cat "$OUT")
	[ "$(sql "$f" 'PRAGMA integrity_check')" = ok ] || fail "backup $n not ok"
	r=$(sql "$f" "SELECT count(*) % 2, coalesce(sum(x), 0) FROM pairs")
	[ "$r" = "0|0" ] || fail "backup $n is inconsistent: count%2|sum = $r"
	counts="$counts $(sql "$f" 'SELECT count(*) FROM pairs')"
done
kill -0 $wpid 2>/dev/null || fail "the writer stopped early: $(cat writer.err)"
# Stop it mid-stream: an interrupted transaction must not show either.
touch stop
kill $wpid
wait $wpid
[ "$(echo $counts | tr ' ' '\n' | sort -u | wc -l)" -gt 1 ] || fail "no writes seen between backups: $counts"

tcase "the same in rollback-journal mode (the writer waits its turn)"
sql big.db "PRAGMA journal_mode=DELETE" >/dev/null
rm -f stop
(while [ ! -e stop ]; do cat writes.sql; done) | sqlite3 -batch -cmd '.timeout 20000' -cmd 'PRAGMA synchronous=OFF' big.db >/dev/null 2>writer.err &
wpid=$!
sleep 0.2
for n in 1 2 3; do
	run dbbackup -u sqlite:big.db --dir c -q
	status_is 0
	f=$(cat "$OUT")
	r=$(sql "$f" "SELECT count(*) % 2, coalesce(sum(x), 0) FROM pairs")
	[ "$r" = "0|0" ] || fail "backup $n is inconsistent: $r"
done
kill -0 $wpid 2>/dev/null || fail "the writer stopped early: $(cat writer.err)"
touch stop
kill $wpid
wait $wpid
[ "$(sql big.db 'SELECT count(*) % 2, sum(x) FROM pairs')" = "0|0" ] || fail "live database broken"

tcase "kill -9 while waiting on a locked database leaves no backup"
mkdir kl
hold_exclusive big.db
dbbackup -u sqlite:big.db --dir kl -q >/dev/null 2>&1 &
bpid=$!
for i in $(seq 1 100); do
	[ -n "$(ls -A kl)" ] && break
	sleep 0.02
done
{ kill -9 $bpid; wait $bpid; } 2>/dev/null
[ -z "$(ls kl)" ] || fail "a file under a visible name: $(ls kl)"
release
run dbbackup --list --dir kl
stdout_is ""

tcase "SIGTERM or SIGINT while waiting: exits, removes its temporary file"
for sig in TERM INT; do
	mkdir -p "ks$sig"
	hold_exclusive big.db
	dbbackup -u sqlite:big.db --dir "ks$sig" -q >/dev/null 2>&1 &
	bpid=$!
	for i in $(seq 1 100); do
		[ -n "$(ls -A "ks$sig")" ] && break
		sleep 0.02
	done
	[ -n "$(ls -A "ks$sig")" ] || fail "no temporary file seen ($sig)"
	kill -s $sig $bpid
	{ wait $bpid; } 2>/dev/null
	[ -z "$(ls -A "ks$sig")" ] || fail "left after SIG$sig: $(ls -A "ks$sig")"
	release
done

tcase "kill -9 in the middle of the copy leaves no file under a final name"
mkdir km
sql big.db "INSERT INTO pairs (x, pad) SELECT 0, randomblob(8000) FROM pairs LIMIT 8000" || fail "grow"
killed=0
for attempt in 1 2 3; do
	dbbackup -u sqlite:big.db --dir km -q >/dev/null 2>&1 &
	bpid=$!
	# Wait until the temporary file holds data: the copy is under way.
	for i in $(seq 1 200); do
		s=$(stat -c %s km/.dbbackup-* 2>/dev/null | head -n 1)
		[ -n "$s" ] && [ "$s" -gt 0 ] && break
		sleep 0.005
	done
	if kill -9 $bpid 2>/dev/null; then
		{ wait $bpid; } 2>/dev/null
		[ $? = 137 ] && killed=1
	else
		wait $bpid
	fi
	[ $killed = 1 ] && break
	rm -f km/*.sqlite3
done
[ $killed = 1 ] || fail "the backup always finished before the kill"
[ -z "$(ls km)" ] || fail "a file under a visible name: $(ls km)"
run dbbackup --list --dir km
stdout_is ""

tcase "a write that fails part way (file size limit): exit 1, nothing left"
mkdir lim
live=$(sum_file big.db)
( ulimit -f 2048; exec dbbackup -u sqlite:big.db --dir lim ) >"$OUT" 2>"$ERR"
STATUS=$?
status_is 1
stderr_has "cannot write backup to lim: File too large"
[ -z "$(ls -A lim)" ] || fail "left behind: $(ls -A lim)"
[ "$(sum_file big.db)" = "$live" ] || fail "live database changed"
[ ! -s "$OUT" ] || fail "printed a path: $(cat "$OUT")"

tcase "a write that fails part way with -o: nothing left either"
( ulimit -f 2048; exec dbbackup -u sqlite:big.db -o lim/x.sqlite3 ) >"$OUT" 2>"$ERR"
STATUS=$?
status_is 1
[ -z "$(ls -A lim)" ] || fail "left behind: $(ls -A lim)"

mkdir ro
chmod 555 ro
if [ "$(id -u)" != 0 ] || command -v setpriv >/dev/null 2>&1; then
	tcase "an unwritable directory: a clear message, nothing written"
	if [ "$(id -u)" = 0 ]; then
		# root writes anywhere: be somebody else for this one.
		chmod 644 app.db
		run setpriv --reuid=65534 --regid=65534 --clear-groups dbbackup --dir ro
	else
		run dbbackup --dir ro
	fi
	status_is 1
	stderr_has "cannot create a file in ro: Permission denied"
	[ -z "$(ls -A ro)" ] || fail "left: $(ls -A ro)"
else
	skip "an unwritable directory" "running as root without setpriv(1)"
fi

tcase "a directory that cannot be made: a clear message"
run dbbackup --dir app.db/sub
status_is 1
stderr_has "cannot create backup directory app.db/sub: Not a directory"
run dbbackup --dir app.db
status_is 1
stderr_is "dbbackup: backup directory app.db is not a directory; choose a directory with --dir"
run dbbackup --list --dir app.db
status_is 1
stderr_is "dbbackup: cannot read backup directory app.db: Not a directory"

tcase "an in-memory database cannot be backed up"
run dbbackup -u "sqlite::memory:" --dir mem
status_is 2
stderr_is "dbbackup: an in-memory database cannot be backed up"
[ ! -e mem ] || [ -z "$(ls -A mem)" ] || fail "left: $(ls -A mem)"

dbbackup -q -o good.sqlite3 >/dev/null || fail "backup good.sqlite3"
bk=good.sqlite3
live=$(sum_file app.db)
livedump=$(dump app.db)

tcase "a truncated backup is refused by verify and restore"
size=$(stat -c %s "$bk")
head -c $((size / 2)) "$bk" >trunc.sqlite3
run dbbackup --verify trunc.sqlite3
status_is 1
stderr_has "trunc.sqlite3: truncated backup: "
run dbbackup --restore trunc.sqlite3
status_is 1
stderr_has "truncated"
[ "$(sum_file app.db)" = "$live" ] || fail "live database changed"

tcase "a backup cut at a page boundary with its header intact is refused"
head -c 8192 "$bk" >cut.sqlite3
run dbbackup --verify cut.sqlite3
status_is 1
run dbbackup --restore cut.sqlite3
status_is 1
[ "$(sum_file app.db)" = "$live" ] || fail "live database changed"

tcase "a corrupt backup is refused by verify and restore"
cp "$bk" corrupt.sqlite3
ps=$(sql corrupt.sqlite3 'PRAGMA page_size')
root=$(sql corrupt.sqlite3 "SELECT rootpage FROM sqlite_schema WHERE name = 't'")
head -c "$ps" /dev/urandom | dd of=corrupt.sqlite3 bs="$ps" seek=$((root - 1)) conv=notrunc 2>/dev/null
run dbbackup --verify corrupt.sqlite3
status_is 1
stderr_has "corrupt.sqlite3: corrupt backup: "
stderr_has "; take a new backup; this one cannot be trusted"
run dbbackup --restore corrupt.sqlite3
status_is 1
stderr_has "corrupt"
[ "$(sum_file app.db)" = "$live" ] || fail "live database changed"
[ "$(dump app.db)" = "$livedump" ] || fail "live database differs"

tcase "a corrupt or truncated backup is one line: file: what is wrong; what to do"
# integrity_check reports on two lines ("*** in database main ***" and
# the page); the name holds a newline and a tab.
evil=$(printf 'evil\nname\t.sqlite3')
cp corrupt.sqlite3 "$evil"
for mode in --verify --restore; do
	run dbbackup $mode "$evil"
	status_is 1
	[ "$(wc -l <"$ERR")" = 1 ] || fail "$mode: not one line: $(cat "$ERR")"
	stderr_has 'dbbackup: evil\nname\t.sqlite3: corrupt backup: Page '
	stderr_lacks "*** in database"
done
cp trunc.sqlite3 "$evil"
run dbbackup --verify "$evil"
status_is 1
stderr_is 'dbbackup: evil\nname\t.sqlite3: truncated backup: '"$(stat -c %s trunc.sqlite3)"' bytes, its header says '"$(($(sql "$bk" 'PRAGMA page_count') * $(sql "$bk" 'PRAGMA page_size')))"'; take a new backup; this one cannot be trusted'
[ "$(sum_file app.db)" = "$live" ] || fail "live database changed"

tcase "a backup of the other kind, or not a backup at all, is refused"
printf 'PGDMP\001\016\000\004\010\001\001' >x.pgdump
run dbbackup --restore x.pgdump
status_is 2
stderr_is "dbbackup: x.pgdump: a PostgreSQL dump, not a backup of a SQLite database; restore it into a postgresql:// URL"
echo "CREATE TABLE t (x);" >x.sql
run dbbackup --restore x.sql
status_is 2
stderr_is "dbbackup: x.sql: not a backup: neither a SQLite database nor a pg_dump custom-format archive; give a file dbbackup wrote"
run dbbackup --verify x.sql
status_is 2
: >empty.sqlite3
run dbbackup --restore empty.sqlite3
status_is 2
run dbbackup --restore missing.sqlite3
status_is 1
stderr_has "missing.sqlite3"
[ "$(sum_file app.db)" = "$live" ] || fail "live database changed"

tcase "a SQLite backup restored into a PostgreSQL URL is refused before connecting"
run dbbackup --restore "$bk" -u "postgresql://u:hunter2@127.0.0.1:1/db"
status_is 2
if [ "${DBREV_WITH_POSTGRES:-yes}" = yes ]; then
	stderr_has ": a SQLite database, not a backup of a PostgreSQL database"
else
	stderr_has "built without PostgreSQL support"
fi
stderr_lacks "hunter2"

# --- which database a backup is of ---------------------------------------

# Two databases of one file name, in directories whose names a shell, make
# or a message would trip on, backed up into one shared directory.
mkdir -p "w/staging ;\$(x)'\"#" w/prod w/shared
ST="w/staging ;\$(x)'\"#/app.db" PR=w/prod/app.db
revapply -q -u "sqlite:$ST" upgrade || fail "upgrade staging"
revapply -q -u "sqlite:$PR" upgrade || fail "upgrade prod"
sql "$ST" "INSERT INTO u (note) VALUES ('staging')"
sql "$PR" "INSERT INTO u (note) VALUES ('prod')"

tcase "staging and prod share a backup directory: --keep 1 of one never touches the other's"
run dbbackup -u "sqlite:$PR" --dir w/shared
status_is 0
prodbk=$(cat "$OUT")
for i in 1 2 3; do
	run dbbackup -u "sqlite:$ST" --dir w/shared --keep 1
	status_is 0
done
stagebk=$(cat "$OUT")
[ -f "$prodbk" ] || fail "prod's only backup was pruned: $(ls w/shared)"
[ "$(ls w/shared | wc -l)" = 2 ] || fail "expected one each: $(ls w/shared)"
run dbbackup -u "sqlite:$PR" --dir w/shared --prune --keep 1
[ -f "$prodbk" ] && [ -f "$stagebk" ] || fail "pruned: $(ls w/shared)"
run dbbackup --list --dir w/shared -u "sqlite:$PR"
stdout_is "$(env -u DATABASE_URL dbbackup --list --dir w/shared | grep -F "$prodbk")"
run dbbackup --list --dir w/shared -u "sqlite:$ST"
[ "$(wc -l <"$OUT")" = 1 ] && stdout_has "$stagebk"

tcase "the same database spelled another way, or through a symbolic link, is one database"
ln -s prod w/prodlink
for u in "sqlite:w/../w/prod/./app.db" "sqlite://$T/w/prod/app.db" "sqlite:w/prodlink/app.db"; do
	run dbbackup -u "$u" --dir w/shared -q
	status_is 0
	run dbbackup -u "$u" --dir w/shared --prune --keep 1
	status_is 0
	[ "$(dbbackup --list --dir w/shared -u "sqlite:$PR" | wc -l)" = 1 ] || fail "$u: not pruned as prod's: $(ls w/shared)"
	[ -f "$stagebk" ] || fail "$u: staging's was pruned"
done
prodbk=$(dbbackup --list --dir w/shared -u "sqlite:$PR" | awk '{print $4}')

tcase "the record says which database, and survives a copy and a rename"
mkdir -p w/elsewhere
cp "$prodbk" w/elsewhere/renamed.bin
run dbbackup --verify w/elsewhere/renamed.bin -v
status_is 0
stderr_has "a backup of sqlite://$T/w/prod/app.db at aaaa00000002, taken 20"
# The file is still a SQLite database that sqlite3 opens as it is.
[ "$(sql w/elsewhere/renamed.bin "SELECT note FROM u")" = prod ] || fail "sqlite3 does not read it"
[ "$(sql w/elsewhere/renamed.bin "PRAGMA integrity_check")" = ok ] || fail "integrity_check"

tcase "restore refuses a backup of another database, in one line, and touches nothing"
live=$(sum_file "$ST")
n=$(ls w/shared | wc -l)
run dbbackup --restore w/elsewhere/renamed.bin -u "sqlite:$ST" --dir w/shared
status_is 2
[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
stderr_is "dbbackup: w/elsewhere/renamed.bin: a backup of sqlite://$T/w/prod/app.db, not of sqlite://$T/w/staging ;\$(x)'\"#/app.db; restore it into that database, or pass --force to restore it into this one"
[ "$(sum_file "$ST")" = "$live" ] || fail "staging changed"
[ "$(ls w/shared | wc -l)" = "$n" ] || fail "files made: $(ls w/shared)"

tcase "--force restores it, with a warning, after a safety backup of what it overwrites"
before=$(dump "$ST")
run dbbackup --restore w/elsewhere/renamed.bin -u "sqlite:$ST" --dir w/shared --force
status_is 0
stderr_has "dbbackup: warning: w/elsewhere/renamed.bin is a backup of sqlite://$T/w/prod/app.db: restoring it into sqlite://$T/w/staging ;\$(x)'\"#/app.db, as --force says"
[ "$(sql "$ST" "SELECT note FROM u")" = prod ] || fail "not restored"
safety=$(sed -n 's/^dbbackup: the database as it was is in //p' "$ERR")
[ -f "$safety" ] || fail "no safety backup named: $(cat "$ERR")"
[ "$(dump "$safety")" = "$before" ] || fail "the safety backup is not the database as it was"
run dbbackup --list --dir w/shared -u "sqlite:$ST"
stdout_has "$safety"

tcase "restore puts staging's own safety backup back without a word about it; --no-safety-backup takes none"
n=$(ls w/shared | wc -l)
run dbbackup --restore "$safety" -u "sqlite:$ST" --dir w/shared --no-safety-backup
status_is 0
stderr_lacks "warning"
[ "$(dump "$ST")" = "$before" ] || fail "not put back"
[ "$(ls w/shared | wc -l)" = "$n" ] || fail "a backup was taken: $(ls w/shared)"

tcase "the safety backup failing stops the restore"
live=$(sum_file "$ST")
echo x >w/notadir
run dbbackup --restore "$safety" -u "sqlite:$ST" --dir w/notadir
status_is 1
stderr_has "nothing was restored: the backup of the database as it is failed; pass --no-safety-backup"
[ "$(sum_file "$ST")" = "$live" ] || fail "staging changed"

tcase "a backup whose revision the migrations directory lacks restores with a warning"
mkdir -p w/short/versions
cp m/versions/a1_create.sql w/short/versions/
run dbbackup --restore "$safety" -u "sqlite:$ST" --dir w/shared -d w/short
status_is 0
stderr_has "dbbackup: warning: $safety is at revision aaaa00000002, which w/short does not have: revapply cannot upgrade or downgrade the database from there until it does"
run dbbackup --restore "$safety" -u "sqlite:$ST" --dir w/shared -d w/nowhere
status_is 0
stderr_has "which cannot be checked against w/nowhere"

tcase "a backup an older dbbackup wrote (no record) lists, restores with a warning, and is never pruned"
# What an older dbbackup wrote is the database's pages alone.
oldname=w/shared/app-20200101T000000Z-aaaa00000002.sqlite3
head -c $(($(sql "$safety" 'PRAGMA page_count') * $(sql "$safety" 'PRAGMA page_size'))) "$safety" >"$oldname"
run dbbackup --verify "$oldname" -v
status_is 0
stderr_has "it does not record which database it is of"
run dbbackup --list --dir w/shared -u "sqlite:$ST"
stdout_has "$oldname"
stderr_has "listed by its name only"
run dbbackup --list --dir w/shared -u "sqlite:$PR"
stdout_has "$oldname"		# its name could be either's
run dbbackup --restore "$oldname" -u "sqlite:$ST" --dir w/shared --no-safety-backup
status_is 0
stderr_has "dbbackup: warning: $oldname does not record which database it is of (an older dbbackup wrote it): restoring it into sqlite://$T/w/staging"
[ "$(dump "$ST")" = "$before" ] || fail "not restored"
run dbbackup -u "sqlite:$ST" --dir w/shared --prune --keep 1
status_is 0
[ -f "$oldname" ] || fail "pruned a backup that does not say whose it is"
stderr_has "left alone: 1 backup(s) named like this database's"
cp "$oldname" w/shared/other-20200101T000000Z-base.sqlite3
run dbbackup --restore w/shared/other-20200101T000000Z-base.sqlite3 -u "sqlite:$ST" --dir w/shared --no-safety-backup
status_is 0
stderr_has "and its name says other"

tcase "a damaged record: verify fails in one line, restore refuses unless --force"
cp "$prodbk" w/damaged.sqlite3
size=$(stat -c %s w/damaged.sqlite3)
printf 'X' | dd of=w/damaged.sqlite3 bs=1 seek=$((size - 80)) conv=notrunc 2>/dev/null
run dbbackup --verify w/damaged.sqlite3
status_is 1
stderr_is "dbbackup: w/damaged.sqlite3: damaged backup record: it no longer says which database it is of; take a new backup, or restore it with --force"
live=$(sum_file "$ST")
run dbbackup --restore w/damaged.sqlite3 -u "sqlite:$ST" --dir w/shared
status_is 1
[ "$(sum_file "$ST")" = "$live" ] || fail "staging changed"
run dbbackup --restore w/damaged.sqlite3 -u "sqlite:$ST" --dir w/shared --force
status_is 0
stderr_has "has a damaged record: restoring it into"
[ "$(sql "$ST" "SELECT note FROM u")" = prod ] || fail "not restored"

tcase "--force and --no-safety-backup go with --restore only"
run dbbackup --force -u "sqlite:$ST" --dir w/shared
status_is 2
stderr_has "--force and --no-safety-backup go with --restore"

tcase "progress shows on a terminal for a large copy, not otherwise"
if command -v script >/dev/null 2>&1; then
	script -qec "dbbackup -u sqlite:big.db --dir pr" /dev/null >tty.out 2>&1
	grep -q '%' tty.out || fail "no progress on a terminal: $(tr '\r' '\n' <tty.out | tail -n 3)"
	run dbbackup -u sqlite:big.db --dir pr
	stderr_lacks "%"
else
	skip "progress on a terminal" "script(1) not installed"
fi
fi

if only postgres "pg_dump archives, the password in pg_dump's environment, pg_dump versions"; then
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
fi

finish
