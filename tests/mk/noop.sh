# A tracked db-upgrade does nothing only when the database is at head
# (issue 11, part 3), through the installed fragments.  SQLite: a file put
# back from an older copy with cp -p, mv, rsync -a or tar x (older mtime,
# same size) is noticed; so is a change made elsewhere (revapply run by
# hand, another checkout, WAL mode); two files whose URLs an older key
# mixed up are two databases; an unchanged file is not opened (a lock the
# test holds would stop any reader).  PostgreSQL: two tenants that differ
# only in options=-csearch_path, a pg_restore of an older dump and
# another checkout's downgrade are noticed; the check takes no lock.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

install_fragments
BIN=$T/bin
recording_bindir "$BIN"

# A chain of revisions in $P/migrations; r3 only adds a row, so a copy
# of the database taken at r2 has the size it has at r3.
three_revisions() {
	im db-init
	new_rev "$P/migrations" r1 "" "CREATE TABLE a (x INTEGER);" "" "DROP TABLE a;"
	new_rev "$P/migrations" r2 r1 "CREATE TABLE b (x INTEGER);" "" "DROP TABLE b;"
	new_rev "$P/migrations" r3 r2 "INSERT INTO a VALUES (1);" "" "DELETE FROM a WHERE x = 1;"
}

# current_is LINE: what db-current prints.
current_is() {
	im db-current
	status_is 0
	stdout_is "$1"
}

# hold_lock CMD FILE-OR-DB SQL READY: a client ($1: sqlite3 or psql)
# holding a lock taken by SQL, until release_lock; waits until it says
# READY, so the lock is held before the test goes on.
hold_lock() {
	rm -f "$T/lock.in" "$T/lock.out"
	mkfifo "$T/lock.in"
	if [ "$1" = sqlite3 ]; then
		sqlite3 "$2" <"$T/lock.in" >"$T/lock.out" 2>&1 &
	else
		psql -X -q -At -d "$2" <"$T/lock.in" >"$T/lock.out" 2>&1 &
	fi
	LOCKPID=$!
	exec 8>"$T/lock.in"
	printf '%s\nSELECT '"'"'%s'"'"';\n' "$3" "$4" >&8
	while ! grep -q "$4" "$T/lock.out" 2>/dev/null; do
		kill -0 $LOCKPID 2>/dev/null || { fail "lock holder died: $(cat "$T/lock.out")"; return 1; }
		sleep 0.05
	done
}
release_lock() {
	exec 8>&-
	wait $LOCKPID 2>/dev/null
}

# --- SQLite ---

inst_project "$T/s" sqlite:app.db
three_revisions
im db-upgrade REV=r2
# The copy is dated two seconds back: rsync's quick check compares whole
# seconds, and would skip a copy whose size and second equal the file's.
cp -p "$P/app.db" "$T/app-r2.db"
touch -d "@$(($(date +%s) - 2))" "$T/app-r2.db"
mkdir "$T/r2" && cp -p "$T/app-r2.db" "$T/r2/app.db"
(cd "$T/r2" && tar cf "$T/app-r2.tar" app.db)
settle
im db-upgrade
im db-upgrade
current_is "r3 (head)"

for how in "cp -p" mv "rsync -a" "tar x"; do
	if [ "$how" = "rsync -a" ] && ! command -v rsync >/dev/null 2>&1; then
		skip "sqlite: a copy at r2 put back with rsync -a" "rsync is not installed (apt-get install rsync)"
		continue
	fi
	tcase "sqlite: a copy at r2 put back with $how (older mtime, same size) is upgraded again"
	settle
	im db-upgrade
	status_is 0
	stdout_is ""
	a=$(stat -c %s "$T/app-r2.db") b=$(stat -c %s "$P/app.db")
	[ "$a" = "$b" ] || fail "sizes differ ($a, $b): the case would not be the one named"
	case $how in
	"cp -p")	cp -p "$T/app-r2.db" "$P/app.db" ;;
	mv)		cp -p "$T/app-r2.db" "$T/moved.db" && mv "$T/moved.db" "$P/app.db" ;;
	"rsync -a")	rsync -a "$T/app-r2.db" "$P/app.db.tmp" && rsync -a "$T/app-r2.db" "$P/app.db" ;;
	"tar x")	(cd "$P" && tar xf "$T/app-r2.tar") ;;
	esac
	[ "$(stat -c %Y "$P/app.db")" -le "$(stat -c %Y "$T/app-r2.db")" ] ||
	    fail "$how left a newer mtime: the case would not be the one named"
	rm -f "$P/app.db.tmp"
	cmp -s "$T/app-r2.db" "$P/app.db" || fail "$how did not put the copy back: the case would not be the one named"
	current_is r2
	im db-upgrade
	status_is 0
	stdout_has UPGRADE
	current_is "r3 (head)"
done

tcase "sqlite: the seed guide's restore (db-backup, later cp -p of it) is noticed"
settle
im db-backup
b=$(grep -v '^  ' "$OUT" | tail -n 1)
new_rev "$P/migrations" r4 r3 "INSERT INTO a VALUES (4);" "" "DELETE FROM a WHERE x = 4;"
im db-upgrade
current_is "r4 (head)"
settle
im db-upgrade
stdout_is ""
cp -p "$P/$b" "$P/app.db"
im db-upgrade
status_is 0
stdout_has UPGRADE
current_is "r4 (head)"

tcase "sqlite: changed elsewhere (revapply by hand, another checkout) is noticed"
settle
im db-upgrade
(cd "$P" && DATABASE_URL=sqlite:app.db revapply -q downgrade)
im db-upgrade
status_is 0
stdout_has UPGRADE
current_is "r4 (head)"
mkdir -p "$T/s2"
cp -R "$P/migrations" "$T/s2/"
printf 'DATABASE_URL = sqlite:%s/app.db\ninclude %s\n' "$P" "$INSTMK" >"$T/s2/Makefile"
settle
im db-upgrade
run "$MAKE_CMD" --no-print-directory -C "$T/s2" db-downgrade REV=r2 DB_BACKUP=no
status_is 0
im db-upgrade
status_is 0
stdout_has UPGRADE
current_is "r4 (head)"

tcase "sqlite in WAL mode: a downgrade that only reached the -wal file is noticed"
sqlite3 "$P/app.db" "PRAGMA journal_mode=WAL" >/dev/null
settle
im db-upgrade
im db-upgrade
stdout_is ""
hold_lock sqlite3 "$P/app.db" "SELECT count(*) FROM a;" walready
(cd "$P" && DATABASE_URL=sqlite:app.db revapply -q downgrade)
[ -s "$P/app.db-wal" ] || fail "no -wal file: the case would not be the one named"
im db-upgrade
status_is 0
stdout_has UPGRADE
release_lock
current_is "r4 (head)"
sqlite3 "$P/app.db" "PRAGMA journal_mode=DELETE" >/dev/null

tcase "sqlite: an app's own writes leave it at head: no backup, no upgrade"
sqlite3 "$P/app.db" "INSERT INTO b VALUES (7)"
calls_clear
run "$MAKE_CMD" --no-print-directory -C "$P" DBREV_BINDIR="$BIN" db-upgrade
status_is 0
stdout_is ""
calls_lacks dbbackup
calls_lacks "migrations upgrade"

tcase "sqlite: an unchanged file is not opened (a reader would wait on the lock held here)"
settle
im db-upgrade
hold_lock sqlite3 "$P/app.db" "BEGIN EXCLUSIVE;" exclusive
run timeout 50 "$MAKE_CMD" --no-print-directory -C "$P" db-upgrade
status_is 0
stdout_is ""
# The same check, made to look: it waits on the lock (killed at 3 s).
rm -rf "$P/.dbrev"
run timeout 3 "$MAKE_CMD" --no-print-directory -C "$P" db-upgrade
status_is 124
release_lock

tcase "sqlite: sqlite:a/b.db and sqlite:a_b.db are two databases, each upgraded, each remembered"
mkdir -p "$P/a"
for u in sqlite:a/b.db sqlite:a_b.db; do
	im db-upgrade DATABASE_URL=$u
	status_is 0
	stdout_has UPGRADE
done
settle
for u in sqlite:a/b.db sqlite:a_b.db; do
	im db-upgrade DATABASE_URL=$u
	status_is 0
	stdout_is ""
done
[ -f "$P/.dbrev/db-sqlite_3aa_2fb.db" ] && [ -f "$P/.dbrev/db-sqlite_3aa__b.db" ] ||
    fail "state files: $(ls "$P/.dbrev")"
run sqlite3 "$P/a/b.db" "select count(*) from dbrev_revisions"
stdout_is 4
run sqlite3 "$P/a_b.db" "select count(*) from dbrev_revisions"
stdout_is 4

# --- PostgreSQL ---

if ! pg_available; then
	skip "the tracked no-op on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

pg_newdb dbrev_mk_noop >/dev/null || fail "cannot create a database"
q() { psql -X -At -d dbrev_mk_noop -c "$1"; }
pgurl="postgresql:///dbrev_mk_noop?host=$PGHOST&port=$PGPORT&user=$PGUSER"

tcase "postgresql: two tenants differing only in options=-csearch_path are both upgraded"
q "CREATE SCHEMA t1; CREATE SCHEMA t2" >/dev/null
inst_project "$T/pg" ""
three_revisions
for t in t1 t2; do
	im db-upgrade DATABASE_URL="$pgurl&options=-csearch_path%3D$t" DB_BACKUP=no
	status_is 0
	stdout_has UPGRADE
done
for t in t1 t2; do
	im db-upgrade DATABASE_URL="$pgurl&options=-csearch_path%3D$t" DB_BACKUP=no
	status_is 0
	stdout_is ""
	run q "SELECT count(*) FROM $t.dbrev_revisions"
	stdout_is 3
	run q "SELECT count(*) FROM $t.a"
	stdout_is 1
done

tcase "postgresql: a pg_restore of an older dump is noticed"
u1="$pgurl&options=-csearch_path%3Dt1"
im db-downgrade DATABASE_URL="$u1" DB_BACKUP=no REV=r2
pg_dump -Fc -n t1 -d dbrev_mk_noop -f "$T/t1-r2.dump" || fail "pg_dump failed"
im db-upgrade DATABASE_URL="$u1" DB_BACKUP=no
im db-upgrade DATABASE_URL="$u1" DB_BACKUP=no
stdout_is ""
q "SET client_min_messages = warning; DROP SCHEMA t1 CASCADE" >/dev/null
pg_restore -d dbrev_mk_noop "$T/t1-r2.dump" || fail "pg_restore failed"
run q "SELECT count(*) FROM t1.dbrev_revisions"
stdout_is 2
im db-upgrade DATABASE_URL="$u1" DB_BACKUP=no
status_is 0
stdout_has UPGRADE
run q "SELECT count(*) FROM t1.dbrev_revisions"
stdout_is 3

tcase "postgresql: another checkout's downgrade is noticed"
mkdir -p "$T/pg2"
cp -R "$P/migrations" "$T/pg2/"
printf 'include %s\n' "$INSTMK" >"$T/pg2/Makefile"
run "$MAKE_CMD" --no-print-directory -C "$T/pg2" db-downgrade DATABASE_URL="$u1" DB_BACKUP=no REV=base
status_is 0
im db-upgrade DATABASE_URL="$u1" DB_BACKUP=no
status_is 0
stdout_has UPGRADE
run q "SELECT count(*) FROM t1.dbrev_revisions"
stdout_is 3

tcase "postgresql: the check takes no lock (revapply's advisory lock held here)"
key=$(printf 'dbrev-lock:dbrev_revisions' | sha256sum | cut -c1-16)
hold_lock psql dbrev_mk_noop "SELECT pg_advisory_lock(('x$key')::bit(64)::bigint);" pglocked
run "$MAKE_CMD" --no-print-directory -C "$P" db-upgrade DATABASE_URL="$u1" DB_BACKUP=no
status_is 0
stdout_is ""
release_lock

finish
