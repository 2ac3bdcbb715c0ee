#!/bin/sh
# bench_revapply_postgres.sh - revapply on PostgreSQL against psql doing
# the least any migration tool must do, side by side in one run.
#
# Workload: a chain of $N revisions (default 1000); each creates a table
# and inserts rows, every 10th also alters an earlier table and adds an
# index.  Baseline: psql -X -q -f running the same SQL, each revision in
# one BEGIN/COMMIT with one tracking-row INSERT (DELETE going down).
#
#   full upgrade          revapply upgrade         vs psql -f up.sql
#   full downgrade        revapply downgrade base  vs psql -f down.sql
#   nothing to do         revapply upgrade         vs psql -c 'select 1'
#
# Each figure is the median of $TRIALS runs (alternating tool and
# baseline, after an untimed warm-up run in each trial); aims: upgrade
# and downgrade within 1.05x, nothing to do within 2x, peak memory under
# 30 MB.  The script starts its own private cluster (tests/lib/pg.sh)
# and stops it on exit.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
N=${BENCH_REVISIONS:-1000}
TRIALS=${BENCH_TRIALS:-5}
NOOP_RUNS=${BENCH_NOOP_RUNS:-30}
PATH=$DBREV_BINDIR:$PATH
export PATH

if [ "${DBREV_WITH_POSTGRES:-yes}" != yes ]; then
	echo "bench_revapply_postgres: skipped (built --without-postgres)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-pg.XXXXXX")
chmod 755 "$work"
. "$DBREV_SRCDIR/tests/lib/pg.sh"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
if ! pg_start "$work/pg" >"$work/pg.log" 2>&1; then
	echo "bench_revapply_postgres: skipped (PostgreSQL did not start:" \
	    "$(tail -n 2 "$work/pg.log" | tr '\n' ' '))"
	exit 0
fi

# --- the workload ----------------------------------------------------
mkdir -p "$work/m/versions"
awk -v dialect=postgres -v n="$N" -v dir="$work/m/versions" -v up="$work/up.sql" \
    -v down="$work/down.sql" -f "$DBREV_SRCDIR/tests/bench/chain_workload.awk"

# --- helpers -----------------------------------------------------------
now_ns() { date +%s%N; }
newdb() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" \
	    -c "CREATE DATABASE \"$1\"" >/dev/null 2>&1
	printf 'postgresql:///%s?host=%s&port=%s&user=%s' "$1" "$PGHOST" "$PGPORT" "$PGUSER"
}
# timed VAR CMD...: run CMD (quietly, failing loudly), elapsed us in VAR.
timed() {
	_var=$1
	shift
	_t0=$(now_ns)
	"$@" >"$work/out" 2>&1 || { echo "FAILED: $*" >&2; cat "$work/out" >&2; exit 1; }
	_t1=$(now_ns)
	eval "$_var=$(((_t1 - _t0) / 1000))"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
noop_loop() {
	_i=0
	while [ "$_i" -lt "$NOOP_RUNS" ]; do
		"$@" >/dev/null || return 1
		_i=$((_i + 1))
	done
}

R="revapply -q -d $work/m"
: >"$work/up.t"; : >"$work/up.b"; : >"$work/down.t"; : >"$work/down.b"
: >"$work/noop.t"; : >"$work/noop.b"
trial=1
while [ "$trial" -le "$TRIALS" ]; do
	ua=$(newdb "tool$trial"); ub=$(newdb "base$trial")
	# Warm up untimed: right after CREATE DATABASE the first run is
	# markedly slower, whoever it is.
	newdb warm >/dev/null
	psql -X -q -d warm -f "$work/up.sql" >/dev/null 2>&1
	# Alternate who goes first, so neither gets a warmer cache.
	if [ $((trial % 2)) = 1 ]; then
		timed t $R -u "$ua" upgrade
		timed b psql -X -q -v ON_ERROR_STOP=1 -d "$ub" -f "$work/up.sql"
	else
		timed b psql -X -q -v ON_ERROR_STOP=1 -d "$ub" -f "$work/up.sql"
		timed t $R -u "$ua" upgrade
	fi
	echo "$t" >>"$work/up.t"; echo "$b" >>"$work/up.b"

	timed t noop_loop $R -u "$ua" upgrade
	timed b noop_loop psql -X -q -d "$ua" -c 'select 1'
	echo $((t / NOOP_RUNS)) >>"$work/noop.t"; echo $((b / NOOP_RUNS)) >>"$work/noop.b"

	if [ $((trial % 2)) = 1 ]; then
		timed t $R -u "$ua" downgrade base
		timed b psql -X -q -v ON_ERROR_STOP=1 -d "$ub" -f "$work/down.sql"
	else
		timed b psql -X -q -v ON_ERROR_STOP=1 -d "$ub" -f "$work/down.sql"
		timed t $R -u "$ua" downgrade base
	fi
	echo "$t" >>"$work/down.t"; echo "$b" >>"$work/down.b"
	psql -X -q -d postgres -c "DROP DATABASE \"tool$trial\"" \
	    -c "DROP DATABASE \"base$trial\"" -c "DROP DATABASE warm"
	trial=$((trial + 1))
done

# Sanity: the tool really did the work (and undid it).
uc=$(newdb check)
revapply -q -d "$work/m" -u "$uc" upgrade || exit 1
got=$(psql -X -At -d "$uc" -c "SELECT count(*) FROM dbrev_revisions")
[ "$got" = "$N" ] || { echo "upgrade recorded $got revisions, expected $N" >&2; exit 1; }

# Peak memory of a full upgrade and a nothing-to-do one (max RSS, KiB).
mem_up=$(/usr/bin/time -f %M revapply -q -d "$work/m" -u "$(newdb mem)" upgrade 2>&1 >/dev/null | tail -n 1)
mem_noop=$(/usr/bin/time -f %M revapply -q -d "$work/m" -u "$uc" upgrade 2>&1 >/dev/null | tail -n 1)

report() {
	name=$1 tf=$2 bf=$3 aim=$4 base=$5
	t=$(median <"$tf"); b=$(median <"$bf"); r=$(ratio "$t" "$b")
	verdict=$(awk -v r="$r" -v a="$aim" 'BEGIN { print (r <= a) ? "ok" : "MISSED" }')
	printf '%-24s revapply %9s ms   %-22s %9s ms   ratio %5sx (aim <= %sx: %s)\n' \
	    "$name" "$(ms "$t")" "$base" "$(ms "$b")" "$r" "$aim" "$verdict"
}
echo "bench_revapply_postgres: $N revisions, median of $TRIALS trials" \
    "(nothing to do: mean of $NOOP_RUNS runs each)"
report "full upgrade" "$work/up.t" "$work/up.b" 1.05 "psql -f up.sql"
report "full downgrade to base" "$work/down.t" "$work/down.b" 1.05 "psql -f down.sql"
report "nothing to do" "$work/noop.t" "$work/noop.b" 2 "psql -c 'select 1'"
printf 'peak memory: full upgrade %s KiB, nothing to do %s KiB (aim < 30 MB)\n' \
    "$mem_up" "$mem_noop"
