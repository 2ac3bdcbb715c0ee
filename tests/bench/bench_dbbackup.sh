#!/bin/sh
# bench_dbbackup.sh - dbbackup against the programs it stands for, side by
# side in one run.
#
#   SQLite, a 1 GiB database:
#     dbbackup -o FILE               vs  sqlite3 DB ".backup FILE"   (aim <= 1.1x)
#     (for scale: cp DB FILE, the disk's own limit, and .backup followed by
#      sync FILE, since dbbackup also fsyncs and runs integrity_check)
#   PostgreSQL, a database of a few hundred MB:
#     dbbackup -o FILE               vs  pg_dump -Fc -f FILE          (aim <= 1.05x)
#
# Each figure is the median of $BENCH_TRIALS runs (default 5), alternating
# which goes first; dirty pages are flushed (sync) before every run so no
# run pays for the one before.  CPU time (user + system, children
# included) is shown too: it does not move with the machine's load.  The 1 GiB database is generated once with a
# recursive CTE of randomblob rows and cached in $DBREV_BENCH_CACHE
# (default ${TMPDIR:-/tmp}/dbrev-bench-cache).  PostgreSQL runs in a private
# cluster (tests/lib/pg.sh) stopped on exit.  BENCH_SQLITE_MB and
# BENCH_PG_ROWS make them smaller for a quick look.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
TRIALS=${BENCH_TRIALS:-5}
SQLITE_MB=${BENCH_SQLITE_MB:-1024}
PG_ROWS=${BENCH_PG_ROWS:-1000000}
CACHE=${DBREV_BENCH_CACHE:-${TMPDIR:-/tmp}/dbrev-bench-cache}
PATH=$DBREV_BINDIR:$PATH
export PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-backup.XXXXXX")
chmod 755 "$work"
. "$DBREV_SRCDIR/tests/lib/pg.sh"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }
# timed VAR CMD...: run CMD (quietly, failing loudly): elapsed us in VAR,
# CPU us (user + system, children included) in VAR_cpu.
timed() {
	_var=$1
	shift
	sync
	_t0=$(now_ns)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$work/cpu" "$@" >"$work/out" 2>&1 ||
		    { echo "FAILED: $*" >&2; cat "$work/out" >&2; exit 1; }
	else
		"$@" >"$work/out" 2>&1 || { echo "FAILED: $*" >&2; cat "$work/out" >&2; exit 1; }
		echo "0 0" >"$work/cpu"
	fi
	_t1=$(now_ns)
	eval "$_var=$(((_t1 - _t0) / 1000))"
	eval "${_var}_cpu=$(awk '{ printf "%d", ($1 + $2) * 1000000 }' "$work/cpu")"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.0f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
report() {
	name=$1 tf=$2 bf=$3 aim=$4 base=$5
	t=$(median <"$tf"); b=$(median <"$bf"); r=$(ratio "$t" "$b")
	if [ -n "$aim" ]; then
		verdict=$(awk -v r="$r" -v a="$aim" 'BEGIN { print (r <= a) ? "ok" : "MISSED" }')
		aimtxt="(aim <= ${aim}x: $verdict)"
	else
		aimtxt="(for scale)"
	fi
	printf '%-10s dbbackup %7s ms   %-28s %7s ms   ratio %5sx %s\n' \
	    "$name" "$(ms "$t")" "$base" "$(ms "$b")" "$r" "$aimtxt"
}

# --- SQLite ------------------------------------------------------------
mkdir -p "$CACHE"
db=$CACHE/bench-${SQLITE_MB}m.db
rows=$((SQLITE_MB * 256))	# 4000-byte blobs: about 256 rows per MiB
if [ ! -f "$db" ] || [ "$(sqlite3 "$db" 'SELECT count(*) FROM t' 2>/dev/null)" != "$rows" ]; then
	echo "bench_dbbackup: generating a ${SQLITE_MB} MiB SQLite database in $CACHE (once)"
	rm -f "$db"
	sqlite3 "$db" "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
	    CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB);
	    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $rows)
	    INSERT INTO t (b) SELECT randomblob(4000) FROM c;" >/dev/null || exit 1
fi
size=$(stat -c %s "$db")

: >"$work/s.t"; : >"$work/s.b"; : >"$work/s.cp"; : >"$work/s.bs"
: >"$work/s.tc"; : >"$work/s.bc"
trial=1
while [ "$trial" -le "$TRIALS" ]; do
	rm -f "$work"/o.*
	if [ $((trial % 2)) = 1 ]; then
		timed t dbbackup -q -u "sqlite:$db" -o "$work/o.dbbackup"
		timed b sqlite3 "$db" ".backup $work/o.backup"
	else
		timed b sqlite3 "$db" ".backup $work/o.backup"
		timed t dbbackup -q -u "sqlite:$db" -o "$work/o.dbbackup"
	fi
	rm -f "$work/o.backup"
	timed bs sh -c "sqlite3 '$db' '.backup $work/o.backup' && sync '$work/o.backup'"
	timed c cp "$db" "$work/o.cp"
	echo "$t" >>"$work/s.t"; echo "$b" >>"$work/s.b"
	echo "$c" >>"$work/s.cp"; echo "$bs" >>"$work/s.bs"
	echo "$t_cpu" >>"$work/s.tc"; echo "$b_cpu" >>"$work/s.bc"
	trial=$((trial + 1))
done
# Sanity: dbbackup's copy is the database.
[ "$(sqlite3 "$work/o.dbbackup" 'SELECT count(*) FROM t')" = "$rows" ] ||
    { echo "bench_dbbackup: the SQLite backup is wrong" >&2; exit 1; }
rm -f "$work"/o.*

echo "bench_dbbackup: SQLite $(awk -v s="$size" 'BEGIN { printf "%.2f GiB", s / 1073741824 }'), median of $TRIALS trials"
report "sqlite" "$work/s.t" "$work/s.b" 1.1 'sqlite3 .backup'
report "sqlite" "$work/s.t" "$work/s.bs" "" 'sqlite3 .backup + sync FILE'
report "sqlite" "$work/s.t" "$work/s.cp" "" 'cp'
report "sqlite CPU" "$work/s.tc" "$work/s.bc" "" 'sqlite3 .backup, CPU time'

# --- PostgreSQL --------------------------------------------------------
if [ "${DBREV_WITH_POSTGRES:-yes}" != yes ]; then
	echo "bench_dbbackup: PostgreSQL skipped (built --without-postgres)"
	exit 0
fi
if ! pg_start "$work/pg" >"$work/pg.log" 2>&1; then
	echo "bench_dbbackup: PostgreSQL skipped (did not start:" \
	    "$(tail -n 2 "$work/pg.log" | tr '\n' ' '))"
	exit 0
fi
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE bench" >/dev/null || exit 1
psql -X -q -v ON_ERROR_STOP=1 -d bench -c "
    CREATE TABLE orders (id bigint PRIMARY KEY, customer integer NOT NULL,
        note text NOT NULL, payload text NOT NULL, placed timestamptz NOT NULL);
    INSERT INTO orders SELECT g, g % 9973, md5(g::text),
        md5((g * 7)::text) || md5((g * 13)::text) || md5((g * 17)::text) || md5((g * 19)::text),
        timestamptz '2026-01-01' + g * interval '1 second'
    FROM generate_series(1, $PG_ROWS) g;
    CREATE INDEX orders_customer ON orders (customer);" \
    -c "VACUUM ANALYZE orders" >/dev/null || exit 1
pgsize=$(psql -X -At -d bench -c "SELECT pg_size_pretty(pg_database_size('bench'))")
url="postgresql:///bench?host=$PGHOST&port=$PGPORT&user=$PGUSER"
# The baseline runs the very pg_dump dbbackup chooses.
pgdump=$(dbbackup -v -u "$url" -o "$work/o.probe" 2>&1 >/dev/null | sed -n 's/.*made with //p')
[ -x "$pgdump" ] || pgdump=$(command -v pg_dump)
rm -f "$work/o.probe"

: >"$work/p.t"; : >"$work/p.b"; : >"$work/p.tc"; : >"$work/p.bc"
trial=1
while [ "$trial" -le "$TRIALS" ]; do
	rm -f "$work"/o.*
	if [ $((trial % 2)) = 1 ]; then
		timed t dbbackup -q -u "$url" -o "$work/o.dbbackup"
		timed b "$pgdump" -Fc -f "$work/o.pgdump" -d bench
	else
		timed b "$pgdump" -Fc -f "$work/o.pgdump" -d bench
		timed t dbbackup -q -u "$url" -o "$work/o.dbbackup"
	fi
	echo "$t" >>"$work/p.t"; echo "$b" >>"$work/p.b"
	echo "$t_cpu" >>"$work/p.tc"; echo "$b_cpu" >>"$work/p.bc"
	trial=$((trial + 1))
done
pg_restore --list "$work/o.dbbackup" | grep -q 'TABLE DATA public orders' ||
    { echo "bench_dbbackup: the PostgreSQL backup is wrong" >&2; exit 1; }
echo "bench_dbbackup: PostgreSQL database of $pgsize ($PG_ROWS rows), dump" \
    "$(stat -c %s "$work/o.dbbackup" | awk '{ printf "%.0f MB", $1 / 1e6 }'), median of $TRIALS trials"
echo "bench_dbbackup: both run $pgdump"
report "postgresql" "$work/p.t" "$work/p.b" 1.05 'pg_dump -Fc'
report "pg (CPU)" "$work/p.tc" "$work/p.bc" "" 'pg_dump -Fc, CPU time'
