#!/usr/bin/env bash
# bench_stairway.sh - revapply test (the stairway test) against the native
# client running the same up/down/up SQL, side by side in one run, on
# SQLite and on a private PostgreSQL.
#
# Workload: chain_workload.awk's chain of $N revisions (default 1000; each
# creates a table and inserts rows, every 10th also alters an earlier table
# and adds an index).  Baseline: sqlite3 DB < stair.sql / psql -f
# stair.sql, where stair.sql holds, per revision, its upgrade, downgrade
# and upgrade again, each in its own BEGIN/COMMIT: the SQL the test runs,
# without reading or comparing any schema.  Both run on a fresh database
# (SQLite: a file in $TMPDIR; PostgreSQL: a database on the same server).
# The test's scratch databases give up durability (SQLite: synchronous
# OFF, journal in memory; PostgreSQL: synchronous_commit off), so each is
# also compared with the native client given the same settings ("fast"
# baseline), the fair ratio.  Aim: within 1.5x.  Each figure is the
# median of $TRIALS runs.  revapply test runs as its default does
# (--jobs auto: one scratch database per core, at most 4, one per 100
# revisions) and in one process (--jobs 1, as the native client).
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
N=${BENCH_REVISIONS:-1000}
TRIALS=${BENCH_TRIALS:-3}
PATH=$DBREV_BINDIR:$PATH
export PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-stair.XXXXXX")
chmod 755 "$work"
pg_up=
cleanup() { [ -n "$pg_up" ] && pg_stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.0f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# timed VAR CMD...: elapsed microseconds of CMD in VAR (it must succeed;
# revapply test exits 0 on this history).
timed() {
	local var=$1 t0 t1
	shift
	t0=$(now_ns)
	"$@" >"$work/out" 2>&1 || { echo "FAILED: $*" >&2; tail -n 5 "$work/out" >&2; exit 1; }
	t1=$(now_ns)
	printf -v "$var" '%d' $(((t1 - t0) / 1000))
}

# stair DIALECT: the workload in $work/DIALECT/m and its stair.sql.
stair() {
	mkdir -p "$work/$1/m/versions"
	awk -v dialect="$1" -v n="$N" -v dir="$work/$1/m/versions" \
	    -v up="$work/$1/up.sql" -v down="$work/$1/down.sql" \
	    -f "$DBREV_SRCDIR/tests/bench/chain_workload.awk"
	for f in "$work/$1"/m/versions/*.sql; do
		awk '/^-- \+upgrade$/ { s = 1; next } /^-- \+downgrade$/ { s = 2; next }
		    s == 1 { u = u $0 "\n" } s == 2 { d = d $0 "\n" }
		    END { printf "BEGIN;\n%sCOMMIT;\nBEGIN;\n%sCOMMIT;\nBEGIN;\n%sCOMMIT;\n", u, d, u }' "$f"
	done >"$work/$1/stair.sql"
}

# report NAME TOOL_US BASE_US
report() {
	printf '%-34s %8s ms  vs %8s ms  %sx (aim <= 1.5x)\n' "$1" "$(ms "$2")" \
	    "$(ms "$3")" "$(ratio "$2" "$3")"
}

echo "stairway test of $N revisions, median of $TRIALS"

# --- SQLite -------------------------------------------------------------
stair sqlite
# What the default, --jobs auto, comes to here (lib/stairway_run.c).
cores=$(nproc)
n_jobs=$((cores < 4 ? cores : 4))
[ $((N / 100)) -lt "$n_jobs" ] && n_jobs=$((N / 100 > 0 ? N / 100 : 1))
jobs="$n_jobs job$([ "$n_jobs" = 1 ] || echo s)"

ts=() bs=() fs=() os=()
for ((i = 0; i < TRIALS; i++)); do
	rm -f "$work/base.db"
	timed b sqlite3 -bail "$work/base.db" ".read $work/sqlite/stair.sql"
	rm -f "$work/base.db"
	timed f sqlite3 -bail -cmd "PRAGMA synchronous = OFF" -cmd \
	    "PRAGMA journal_mode = MEMORY" "$work/base.db" ".read $work/sqlite/stair.sql"
	timed t revapply -q -d "$work/sqlite/m" -u "sqlite:$work/never.db" test
	timed o revapply -q -d "$work/sqlite/m" -u "sqlite:$work/never.db" test --jobs 1
	ts+=("$t") bs+=("$b") fs+=("$f") os+=("$o")
done
t=$(printf '%s\n' "${ts[@]}" | median)
o=$(printf '%s\n' "${os[@]}" | median)
report "sqlite: revapply test ($jobs)" "$t" "$(printf '%s\n' "${bs[@]}" | median)"
report "sqlite: vs the fast baseline" "$t" "$(printf '%s\n' "${fs[@]}" | median)"
report "sqlite: --jobs 1 vs fast" "$o" "$(printf '%s\n' "${fs[@]}" | median)"

# --- PostgreSQL ---------------------------------------------------------
if [ "${DBREV_WITH_POSTGRES:-yes}" != yes ]; then
	echo "postgresql: skipped (built --without-postgres)"
	exit 0
fi
. "$DBREV_SRCDIR/tests/lib/pg.sh"
if ! pg_start "$work/pg" >"$work/pg.log" 2>&1; then
	echo "postgresql: skipped (PostgreSQL did not start: $(tail -n 2 "$work/pg.log" | tr '\n' ' '))"
	exit 0
fi
pg_up=yes
stair postgres
url="postgresql:///never_created?host=$PGHOST&port=$PGPORT&user=$PGUSER"
ts=() bs=() js=() fs=()
newbase() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS base" \
	    -c "CREATE DATABASE base TEMPLATE template0" >/dev/null 2>&1
}
for ((i = 0; i < TRIALS; i++)); do
	newbase
	timed b psql -X -q -v ON_ERROR_STOP=1 -d base -f "$work/postgres/stair.sql"
	newbase
	timed f env PGOPTIONS='-c synchronous_commit=off' psql -X -q \
	    -v ON_ERROR_STOP=1 -d base -f "$work/postgres/stair.sql"
	timed t revapply -q -d "$work/postgres/m" -u "$url" test
	timed j revapply -q -d "$work/postgres/m" -u "$url" test --jobs 1
	ts+=("$t") bs+=("$b") js+=("$j") fs+=("$f")
done
base=$(printf '%s\n' "${bs[@]}" | median)
fast=$(printf '%s\n' "${fs[@]}" | median)
t=$(printf '%s\n' "${ts[@]}" | median)
j=$(printf '%s\n' "${js[@]}" | median)
report "postgresql: revapply test ($jobs)" "$t" "$base"
report "postgresql: vs the fast baseline" "$t" "$fast"
report "postgresql: --jobs 1 vs fast" "$j" "$fast"
