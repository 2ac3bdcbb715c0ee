# tests/lib/db_postgres.sh - the PostgreSQL adapter of tests/lib/db.sh: a
# database NAME is $P$NAME on the private cluster tests/run.sh started
# (tests/lib/pg.sh), read and written with psql; revapply's lock is a
# session advisory lock keyed from the version table's name.
DB=postgres
DIALECT=postgresql
DB_UNAVAILABLE=
[ "${DBREV_WITH_POSTGRES:-yes}" = yes ] || DB_UNAVAILABLE="built --without-postgres"
[ -n "$DB_UNAVAILABLE" ] || pg_available ||
    DB_UNAVAILABLE=${DBREV_TEST_PG_SKIP:-no private PostgreSQL}
: "${P:?a suite on PostgreSQL sets P, the prefix of its databases}"

db_url() {
	printf 'postgresql:///%s?host=%s&port=%s&user=%s\n' "$P$1" "$PGHOST" "$PGPORT" "$PGUSER"
}
db_new() { pg_newdb "$P$1" || { echo "cannot create database $P$1" >&2; exit 1; }; }
db_q() { psql -X -At -d "$P$1" -c "$2" 2>&1; }
db_script() { psql -X -q -v ON_ERROR_STOP=1 -d "$P$1" -f "$2" >/dev/null 2>&1; }
# pg_dump's schema, its comments and the random \restrict keys of recent
# pg_dump left out.
db_schema() {
	pg_dump --schema-only -d "$P$1" 2>&1 |
	    grep -v -e '^--' -e '^$' -e '^\\restrict ' -e '^\\unrestrict '
}
db_has() { db_q "$1" "select count(*) from pg_class where relname = '$2'"; }
db_rows() {
	db_q "$1" "select revision from ${2:-dbrev_revisions} order by revision" |
	    tr '\n' ' '
}
db_drop() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$P$1\"" >/dev/null 2>&1
}

# The key revapply takes (lib/db/postgres/driver.c, lock_key): the first
# 64 bits of SHA-256 of "dbrev-lock:" and the table's name without its
# schema, as a signed bigint.
_db_lock_key() {
	_t=${1:-dbrev_revisions}
	_t=${_t##*.}
	echo $((16#$(printf 'dbrev-lock:%s' "$_t" | sha256sum | cut -c1-16)))
}
# A psql session holding the lock, fed through a FIFO.
db_lock_hold() {
	_db_lock_key=$(_db_lock_key "${2:-}")
	_db_lock_db=$1
	rm -f "$T/.db_lock.fifo"
	mkfifo "$T/.db_lock.fifo"
	psql -X -q -d "$P$1" <"$T/.db_lock.fifo" >/dev/null 2>&1 &
	_db_lock_job=$!
	exec 7>"$T/.db_lock.fifo"
	echo "SELECT pg_advisory_lock($_db_lock_key);" >&7
	_n=0
	while [ "$(db_q "$1" "select count(*) from pg_locks where locktype = 'advisory' and granted and ((classid::bigint << 32) | objid::bigint) = ($_db_lock_key)")" != 1 ] &&
	    [ "$_n" -lt 300 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
}
db_lock_release() {
	echo '\q' >&7
	exec 7>&-
	wait "$_db_lock_job" 2>/dev/null
	rm -f "$T/.db_lock.fifo"
}
