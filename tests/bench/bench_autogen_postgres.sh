#!/usr/bin/env bash
# bench_autogen_postgres.sh - revgen --autogenerate on PostgreSQL against
# psql loading the same revisions and schema file, side by side.
#
# Workload: a 500-table schema ($TABLES) built by 10 revisions; every
# table has six columns, a foreign key to the previous table and two
# indexes.  The schema file changes it in 50 places: 10 added columns,
# 10 type changes, 5 NOT NULL added, 5 defaults changed, 10 indexes
# added, 5 dropped, 5 new tables.
#
#   autogenerate   revgen -m M --autogenerate --schema s1.sql
#                  (creates two scratch databases on the server, replays,
#                  loads, introspects both, diffs, writes, drops them)
#   baseline       psql: CREATE DATABASE x2 (template0), psql -1 -f of the
#                  revisions into one and of s1.sql into the other, DROP
#                  DATABASE x2 -- the least any autogenerate must do
#   also shown     the two psql -1 -f loads alone, into databases made
#                  beforehand (psql sends one statement per round trip;
#                  revgen sends a revision or the schema file in one)
#
# The aim is within 3x.  Median of $TRIALS runs, alternating who goes
# first.  The written revision is checked: applied by revapply it gives
# the schema file's schema, and autogenerate then finds nothing.  The
# script starts its own private cluster (tests/lib/pg.sh) and stops it on
# exit.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
TABLES=${BENCH_TABLES:-500}
TRIALS=${BENCH_TRIALS:-5}
PATH=$DBREV_BINDIR:$PATH
export PATH

if [ "${DBREV_WITH_POSTGRES:-yes}" != yes ]; then
	echo "bench_autogen_postgres: skipped (built --without-postgres)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-agpg.XXXXXX")
chmod 755 "$work"
. "$DBREV_SRCDIR/tests/lib/pg.sh"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
if ! pg_start "$work/pg" >"$work/pg.log" 2>&1; then
	echo "bench_autogen_postgres: skipped (PostgreSQL did not start:" \
	    "$(tail -n 2 "$work/pg.log" | tr '\n' ' '))"
	exit 0
fi
export PGOPTIONS='-c client_min_messages=warning'
url() { printf 'postgresql:///%s?host=%s&port=%s&user=%s' "$1" "$PGHOST" "$PGPORT" "$PGUSER"; }
# The database DATABASE_URL names is never opened; it need not exist.
export DATABASE_URL=$(url app)

# --- the workload ----------------------------------------------------
mkdir -p "$work/m/versions"
awk -v dialect=postgres -v n="$TABLES" -v dir="$work/m/versions" -v s1="$work/s1.sql" \
    -v all="$work/revisions.sql" -f "$DBREV_SRCDIR/tests/bench/schema_workload.awk"

# --- helpers -----------------------------------------------------------
now_ns() { date +%s%N; }
timed() {
	local var=$1 t0 t1
	shift
	t0=$(now_ns)
	"$@" >"$work/out" 2>&1 || { echo "FAILED: $*" >&2; cat "$work/out" >&2; exit 1; }
	t1=$(now_ns)
	printf -v "$var" '%d' $(((t1 - t0) / 1000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
P() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
baseline() {
	P -d postgres -c 'CREATE DATABASE base_b TEMPLATE template0' \
	    -c 'CREATE DATABASE base_w TEMPLATE template0' &&
	P -1 -d base_b -f "$work/revisions.sql" &&
	P -1 -d base_w -f "$work/s1.sql" &&
	P -d postgres -c 'DROP DATABASE base_b WITH (FORCE)' \
	    -c 'DROP DATABASE base_w WITH (FORCE)'
}
# Loading alone, into databases made beforehand (not timed).
load_only() {
	P -1 -d load_b -f "$work/revisions.sql" &&
	P -1 -d load_w -f "$work/s1.sql"
}
tool() {
	revgen -q -d "$work/m" -m bench --autogenerate --schema "$work/s1.sql" \
	    >"$work/path" && rm -f "$(cat "$work/path")"
}

: >"$work/t"; : >"$work/b"; : >"$work/l"
for ((trial = 1; trial <= TRIALS; trial++)); do
	if ((trial % 2)); then
		timed t tool; timed b baseline
	else
		timed b baseline; timed t tool
	fi
	echo "$t" >>"$work/t"; echo "$b" >>"$work/b"
	P -d postgres -c 'CREATE DATABASE load_b TEMPLATE template0' \
	    -c 'CREATE DATABASE load_w TEMPLATE template0'
	timed l load_only
	P -d postgres -c 'DROP DATABASE load_b' -c 'DROP DATABASE load_w'
	echo "$l" >>"$work/l"
done

# Sanity: the revision is right and complete: applied by revapply it
# gives the schema file's schema, and autogenerate then finds nothing;
# no scratch database is left.
revgen -q -d "$work/m" -m bench --autogenerate --schema "$work/s1.sql" \
    >"$work/path" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
rev=$(cat "$work/path")
P -d postgres -c 'CREATE DATABASE check_db'
revapply -q -d "$work/m" -u "$(url check_db)" upgrade || exit 1
revgen -d "$work/m" check --schema "$work/s1.sql" >"$work/out" 2>&1 ||
    { echo "check after autogenerate:" >&2; cat "$work/out" >&2; exit 1; }
rm -f "$rev"
ndiff=$(revgen -d "$work/m" check --schema "$work/s1.sql" 2>/dev/null | wc -l)
[ "$ndiff" -ge 45 ] || { echo "only $ndiff differences, expected about 50" >&2; exit 1; }
left=$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'dbrev\_tmp\_%'")
[ "$left" = 0 ] || { echo "$left scratch databases left" >&2; exit 1; }
mem=$(/usr/bin/time -f %M revgen -q -d "$work/m" check --schema "$work/s1.sql" 2>&1 >/dev/null | tail -n 1)

tt=$(median <"$work/t"); bb=$(median <"$work/b"); r=$(ratio "$tt" "$bb")
verdict=$(awk -v r="$r" 'BEGIN { print (r <= 3) ? "ok" : "MISSED" }')
echo "bench_autogen_postgres: $TABLES tables, 10 revisions, $ndiff differences" \
    "(tables changed count once each); median of $TRIALS trials"
printf 'autogenerate  revgen %9s ms   psql creating and loading both sides %9s ms   ratio %5sx (aim <= 3x: %s)\n' \
    "$(ms "$tt")" "$(ms "$bb")" "$r" "$verdict"
ll=$(median <"$work/l")
printf 'autogenerate  revgen %9s ms   psql loading both sides only         %9s ms   ratio %5sx (databases made beforehand, untimed)\n' \
    "$(ms "$tt")" "$(ms "$ll")" "$(ratio "$tt" "$ll")"
printf 'peak memory of revgen check: %s KiB\n' "$mem"
