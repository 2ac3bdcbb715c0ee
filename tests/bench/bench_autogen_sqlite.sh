#!/usr/bin/env bash
# bench_autogen_sqlite.sh - revgen --autogenerate on SQLite against the
# sqlite3 CLI loading the same revisions and schema, side by side.
#
# Workload: a 500-table schema ($TABLES) built by 10 revisions; every
# table has six columns, a foreign key to the previous table and two
# indexes.  The schema file changes it in 50 places: 10 added columns,
# 10 type changes (table rebuilds), 5 NOT NULL added, 5 defaults changed,
# 10 indexes added, 5 dropped, 5 new tables.
#
#   autogenerate   revgen -m M --autogenerate --schema s1.sql
#   baseline       sqlite3 :memory: < revisions; sqlite3 :memory: < s1.sql
#
# The baseline is the least any autogenerate must do (build both sides);
# the aim is within 3x.  Median of $TRIALS runs, alternating who goes
# first.  The written revision is checked: it brings a database built by
# the revisions to the schema file, and autogenerate then finds nothing.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
TABLES=${BENCH_TABLES:-500}
TRIALS=${BENCH_TRIALS:-5}
PATH=$DBREV_BINDIR:$PATH
export PATH
unset DATABASE_URL

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-ag.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# --- the workload ----------------------------------------------------
mkdir -p "$work/m/versions"
awk -v dialect=sqlite -v n="$TABLES" -v dir="$work/m/versions" -v s1="$work/s1.sql" \
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
baseline() {
	sqlite3 -bail :memory: <"$work/revisions.sql" &&
	    sqlite3 -bail :memory: <"$work/s1.sql"
}
tool() {
	revgen -q -d "$work/m" -m bench --autogenerate --schema "$work/s1.sql" \
	    >"$work/path" && rm -f "$(cat "$work/path")"
}

: >"$work/t"; : >"$work/b"
for ((trial = 1; trial <= TRIALS; trial++)); do
	if ((trial % 2)); then
		timed t tool; timed b baseline
	else
		timed b baseline; timed t tool
	fi
	echo "$t" >>"$work/t"; echo "$b" >>"$work/b"
done

# Sanity: the revision is right and complete: applied by revapply it
# gives the schema file's schema, and autogenerate then finds nothing.
revgen -q -d "$work/m" -m bench --autogenerate --schema "$work/s1.sql" \
    >"$work/path" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
rev=$(cat "$work/path")
revapply -q -d "$work/m" -u "sqlite:$work/check.db" upgrade || exit 1
revgen -d "$work/m" check --schema "$work/s1.sql" >"$work/out" 2>&1 ||
    { echo "check after autogenerate:" >&2; cat "$work/out" >&2; exit 1; }
sqlite3 -bail "$work/check.db" "SELECT count(*) FROM pragma_foreign_key_check" \
    >"$work/out" && [ "$(cat "$work/out")" = 0 ] ||
    { echo "foreign_key_check not clean" >&2; exit 1; }
rm -f "$rev"
ndiff=$(revgen -d "$work/m" check --schema "$work/s1.sql" 2>/dev/null | wc -l)
[ "$ndiff" -ge 50 ] || { echo "only $ndiff differences, expected 50" >&2; exit 1; }

tt=$(median <"$work/t"); bb=$(median <"$work/b"); r=$(ratio "$tt" "$bb")
verdict=$(awk -v r="$r" 'BEGIN { print (r <= 3) ? "ok" : "MISSED" }')
echo "bench_autogen_sqlite: $TABLES tables, 10 revisions, $ndiff changes;" \
    "median of $TRIALS trials"
printf 'autogenerate  revgen %9s ms   sqlite3 loading both sides %9s ms   ratio %5sx (aim <= 3x: %s)\n' \
    "$(ms "$tt")" "$(ms "$bb")" "$r" "$verdict"
