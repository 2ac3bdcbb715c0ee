# tests/lib/db_sqlite.sh - the SQLite adapter of tests/lib/db.sh: a
# database NAME is the file NAME.db in the current directory, read and
# written with the sqlite3 shell; revapply's lock is flock(2) on it.
DB=sqlite
DIALECT=sqlite
DB_UNAVAILABLE=
command -v sqlite3 >/dev/null 2>&1 || DB_UNAVAILABLE="no sqlite3 shell (apt-get install sqlite3)"

db_url() { printf 'sqlite:%s.db\n' "$1"; }
db_new() { rm -f "$1.db" "$1.db-wal" "$1.db-shm" "$1.db-journal"; db_url "$1"; }
db_q() { sqlite3 "$1.db" "$2" 2>&1; }
db_script() { sqlite3 -bail "$1.db" <"$2" >/dev/null 2>&1; }
db_schema() { sqlite3 "$1.db" .schema 2>&1; }
db_has() { db_q "$1" "select count(*) from sqlite_master where name = '$2'"; }
db_rows() {
	sqlite3 "$1.db" "select revision from ${2:-dbrev_revisions} order by revision" 2>/dev/null |
	    tr '\n' ' '
}
db_drop() { rm -f "$1.db" "$1.db-wal" "$1.db-shm" "$1.db-journal"; }

# flock(2) of the file, as revapply takes it; held by a sleep that
# db_lock_release kills.
db_lock_hold() {
	: >>"$1.db"
	flock -o "$1.db" sh -c 'echo $$ >"$0"; exec sleep 600' "$T/.db_lock.pid" \
	    >/dev/null 2>&1 &
	_db_lock_job=$!
	_n=0
	while flock -n "$1.db" true && [ "$_n" -lt 300 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
}
db_lock_release() {
	kill "$(cat "$T/.db_lock.pid")" 2>/dev/null
	wait "$_db_lock_job" 2>/dev/null
	rm -f "$T/.db_lock.pid"
}
