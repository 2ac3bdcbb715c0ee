# dbbackup on SQLite, as a user types it: take, name, list, keep, verify,
# restore; consistency under a concurrent writer; kill -9, a write that
# fails part way, corrupt, truncated and wrong-kind backups.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"

cd "$T" || exit 1
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

finish
