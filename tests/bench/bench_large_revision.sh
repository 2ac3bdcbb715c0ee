#!/usr/bin/env bash
# bench_large_revision.sh - one large revision (a data migration, seed
# data) on SQLite and PostgreSQL against the native client running the
# same file, side by side in one run.
#
# Workload: one transactional revision that creates a table and inserts
# $N rows, one INSERT statement each (default N=100000; BENCH_STATEMENTS
# may list several sizes, e.g. "25000 50000 100000 200000", to show how
# the time grows).  Baseline: the same SQL in one BEGIN/COMMIT with the
# version table's row, through sqlite3 DB < FILE and psql -X -q -v
# ON_ERROR_STOP=1 -f FILE.
#
# Each figure is the median of $TRIALS runs (alternating tool and
# baseline); aim: within 1.3x of the native client at every size (the
# time grows linearly with N).  Peak memory of revapply is printed too.
# PostgreSQL runs on a private cluster (tests/lib/pg.sh) the script
# starts and stops; it is skipped, saying why, when there is none.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
SIZES=${BENCH_STATEMENTS:-100000}
TRIALS=${BENCH_TRIALS:-3}
PATH=$DBREV_BINDIR:$PATH
export PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-large.XXXXXX")
chmod 755 "$work"
. "$DBREV_SRCDIR/tests/lib/pg.sh"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

pg_note=
if [ "${DBREV_WITH_POSTGRES:-yes}" != yes ]; then
	pg_note="built --without-postgres"
elif ! pg_start "$work/pg" >"$work/pg.log" 2>&1; then
	pg_note="PostgreSQL did not start: $(tail -n 2 "$work/pg.log" | tr '\n' ' ')"
fi

# workload N: $work/m/versions/ holds the revision, $work/plain.sql the
# same statements as the baseline runs them.
workload() {
	local n=$1
	rm -rf "$work/m"
	mkdir -p "$work/m/versions"
	awk -v n="$n" -v rev="$work/m/versions/0a1b2c3d4e5f_seed.sql" \
	    -v plain="$work/plain.sql" '
	function both(s) { print s >rev; print s >plain }
	BEGIN {
		printf "-- revision: 0a1b2c3d4e5f\n-- parents:\n" \
		    "-- message: seed data\n\n-- +upgrade\n" >rev
		print "BEGIN;" >plain
		both("CREATE TABLE seed (id integer PRIMARY KEY, name text NOT NULL, qty integer);")
		for (i = 1; i <= n; i++)
			both(sprintf("INSERT INTO seed (id, name, qty) VALUES (%d, '\''name %d; -- not a comment'\'', %d);", i, i, i % 97))
		printf "\n-- +downgrade\nDROP TABLE seed;\n" >rev
		print "CREATE TABLE IF NOT EXISTS dbrev_revisions (revision text PRIMARY KEY, checksum text NOT NULL, state text NOT NULL DEFAULT '\''applied'\'', applied_at text);" >plain
		print "INSERT INTO dbrev_revisions (revision, checksum) VALUES ('\''0a1b2c3d4e5f'\'', '\''x'\'');" >plain
		print "COMMIT;" >plain
	}'
}

now_ns() { date +%s%N; }
# timed FILE CMD...: run CMD (failing loudly), append its wall time (us) to FILE.
timed() {
	local f=$1 t0 t1
	shift
	t0=$(now_ns)
	"$@" >"$work/out" 2>&1 || { echo "FAILED: $*" >&2; cat "$work/out" >&2; exit 1; }
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000)) >>"$f"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
report() {
	local name=$1 tf=$2 bf=$3 base=$4 t b r verdict
	t=$(median <"$tf"); b=$(median <"$bf"); r=$(ratio "$t" "$b")
	verdict=$(awk -v r="$r" 'BEGIN { print (r <= 1.3) ? "ok" : "MISSED" }')
	printf '%-22s revapply %9s ms   %-8s %9s ms   ratio %5sx (aim <= 1.3x: %s)\n' \
	    "$name" "$(ms "$t")" "$base" "$(ms "$b")" "$r" "$verdict"
}
newdb() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" \
	    -c "CREATE DATABASE \"$1\"" >/dev/null 2>&1
	printf 'postgresql:///%s?host=%s&port=%s&user=%s' "$1" "$PGHOST" "$PGPORT" "$PGUSER"
}
rows_are() {	# rows_are N COUNT-OUTPUT
	[ "$2" = "$1" ] || { echo "the seed table holds $2 rows, expected $1" >&2; exit 1; }
}

echo "bench_large_revision: one revision of N INSERTs, median of $TRIALS trials"
for n in $SIZES; do
	workload "$n"
	R="revapply -q -d $work/m"
	rm -f "$work"/*.t "$work"/*.b
	for ((trial = 1; trial <= TRIALS; trial++)); do
		ta=$work/tool.db tb=$work/base.db
		rm -f "$ta" "$tb"
		if ((trial % 2)); then
			timed "$work/sq.t" $R -u "sqlite:$ta" upgrade
			timed "$work/sq.b" sqlite3 -bail "$tb" <"$work/plain.sql"
		else
			timed "$work/sq.b" sqlite3 -bail "$tb" <"$work/plain.sql"
			timed "$work/sq.t" $R -u "sqlite:$ta" upgrade
		fi
		rows_are "$n" "$(sqlite3 "$ta" 'SELECT count(*) FROM seed')"
		[ -n "$pg_note" ] && continue
		ua=$(newdb tool) ub=$(newdb base)
		if ((trial % 2)); then
			timed "$work/pg.t" $R -u "$ua" upgrade
			timed "$work/pg.b" psql -X -q -v ON_ERROR_STOP=1 -d base -f "$work/plain.sql"
		else
			timed "$work/pg.b" psql -X -q -v ON_ERROR_STOP=1 -d base -f "$work/plain.sql"
			timed "$work/pg.t" $R -u "$ua" upgrade
		fi
		rows_are "$n" "$(psql -X -At -d tool -c 'SELECT count(*) FROM seed')"
	done
	report "sqlite, N=$n" "$work/sq.t" "$work/sq.b" sqlite3
	rm -f "$work/tool.db"
	mem=$(/usr/bin/time -f %M $R -u "sqlite:$work/tool.db" upgrade 2>&1 >/dev/null | tail -n 1)
	echo "  peak memory of revapply: $mem KiB (the revision file: $(($(wc -c <"$work"/m/versions/*.sql) / 1024)) KiB)"
	if [ -n "$pg_note" ]; then
		echo "postgresql, N=$n: skipped ($pg_note)"
		continue
	fi
	report "postgresql, N=$n" "$work/pg.t" "$work/pg.b" psql
	ua=$(newdb tool)
	mem=$(/usr/bin/time -f %M $R -u "$ua" upgrade 2>&1 >/dev/null | tail -n 1)
	echo "  peak memory of revapply: $mem KiB"
done
