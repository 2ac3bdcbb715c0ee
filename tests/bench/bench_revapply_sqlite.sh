#!/usr/bin/env bash
# bench_revapply_sqlite.sh - revapply on SQLite against the sqlite3 CLI
# doing the least any migration tool must do, side by side in one run.
#
# Workload: a chain of $N revisions (default 1000); each creates a table
# and inserts rows, every 10th also alters an earlier table and adds an
# index.  Baseline: sqlite3 DB < FILE running the same SQL, each revision
# in one BEGIN/COMMIT with one tracking-row INSERT (DELETE going down).
#
#   full upgrade          revapply upgrade         vs sqlite3 db < up.sql
#   full downgrade        revapply downgrade base  vs sqlite3 db < down.sql
#   nothing to do         revapply upgrade         vs sqlite3 db 'select 1'
#
# Each figure is the median of $TRIALS runs (alternating tool and
# baseline); aims: upgrade and downgrade within 1.05x, nothing to do
# within 2x, peak memory under 30 MB.  Files live in $TMPDIR (default
# /tmp), the same file system for both.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
N=${BENCH_REVISIONS:-1000}
TRIALS=${BENCH_TRIALS:-5}
NOOP_RUNS=${BENCH_NOOP_RUNS:-30}
PATH=$DBREV_BINDIR:$PATH
export PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-sqlite.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# --- the workload ----------------------------------------------------
mkdir -p "$work/m/versions"
awk -v dialect=sqlite -v n="$N" -v dir="$work/m/versions" -v up="$work/up.sql" \
    -v down="$work/down.sql" -f "$DBREV_SRCDIR/tests/bench/chain_workload.awk"

# --- helpers -----------------------------------------------------------
now_ns() { date +%s%N; }
# timed VAR CMD...: run CMD (quietly, failing loudly), elapsed us in VAR;
# the CPU time (user + system, us) is appended to $work/cpu.VAR.
timed() {
	local var=$1 t0 t1
	shift
	t0=$(now_ns)
	/usr/bin/time -f '%U %S' -o "$work/rusage" "$@" >"$work/out" 2>&1 ||
		{ echo "FAILED: $*" >&2; cat "$work/out" >&2; exit 1; }
	t1=$(now_ns)
	printf -v "$var" '%d' $(((t1 - t0) / 1000))	# microseconds
	awk '{ printf "%d\n", ($1 + $2) * 1000000 }' "$work/rusage" >>"$work/cpu.$var"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
noop_loop() { local i; for ((i = 0; i < NOOP_RUNS; i++)); do "$@" >/dev/null || return 1; done; }
# Wall time of a loop of quick runs, without /usr/bin/time in the way.
timed_loop() {
	local var=$1 t0 t1
	shift
	t0=$(now_ns)
	noop_loop "$@" || { echo "FAILED: $*" >&2; exit 1; }
	t1=$(now_ns)
	printf -v "$var" '%d' $(((t1 - t0) / 1000))
}

R="revapply -q -d $work/m"
: >"$work/up.t"; : >"$work/up.b"; : >"$work/down.t"; : >"$work/down.b"
: >"$work/noop.t"; : >"$work/noop.b"; : >"$work/noop.r"
for ((trial = 1; trial <= TRIALS; trial++)); do
	ta=$work/tool$trial.db tb=$work/base$trial.db
	rm -f "$ta" "$tb"
	# Alternate who goes first, so neither gets a warmer cache.
	if ((trial % 2)); then
		timed t $R -u "sqlite:$ta" upgrade
		timed b sqlite3 -bail "$tb" <"$work/up.sql"
	else
		timed b sqlite3 -bail "$tb" <"$work/up.sql"
		timed t $R -u "sqlite:$ta" upgrade
	fi
	echo "$t" >>"$work/up.t"; echo "$b" >>"$work/up.b"
	mv "$work/cpu.t" "$work/up.ct.$trial"; mv "$work/cpu.b" "$work/up.cb.$trial"

	if ((trial % 2)); then
		timed_loop t $R -u "sqlite:$ta" upgrade
		timed_loop b sqlite3 "$ta" 'select 1'
		timed_loop r sqlite3 "$ta" 'select * from dbrev_revisions'
	else
		timed_loop r sqlite3 "$ta" 'select * from dbrev_revisions'
		timed_loop b sqlite3 "$ta" 'select 1'
		timed_loop t $R -u "sqlite:$ta" upgrade
	fi
	echo $((r / NOOP_RUNS)) >>"$work/noop.r"
	echo $((t / NOOP_RUNS)) >>"$work/noop.t"; echo $((b / NOOP_RUNS)) >>"$work/noop.b"

	if ((trial % 2)); then
		timed t $R -u "sqlite:$ta" downgrade base
		timed b sqlite3 -bail "$tb" <"$work/down.sql"
	else
		timed b sqlite3 -bail "$tb" <"$work/down.sql"
		timed t $R -u "sqlite:$ta" downgrade base
	fi
	echo "$t" >>"$work/down.t"; echo "$b" >>"$work/down.b"
	mv "$work/cpu.t" "$work/down.ct.$trial"; mv "$work/cpu.b" "$work/down.cb.$trial"
	rm -f "$ta" "$tb"
done

# Sanity: the tool really did the work (and undid it).
revapply -q -d "$work/m" -u "sqlite:$work/check.db" upgrade || exit 1
got=$(sqlite3 "$work/check.db" "SELECT count(*) FROM dbrev_revisions")
[ "$got" = "$N" ] || { echo "upgrade recorded $got revisions, expected $N" >&2; exit 1; }
got=$(sqlite3 "$work/check.db" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 't%_qty_%'")
[ "$got" = $((N / 10)) ] || { echo "upgrade made $got indexes, expected $((N / 10))" >&2; exit 1; }

# Peak memory of a full upgrade and a nothing-to-do one (max RSS, KiB).
mem_up=$(/usr/bin/time -f %M revapply -q -d "$work/m" -u "sqlite:$work/mem.db" upgrade 2>&1 >/dev/null | tail -n 1)
mem_noop=$(/usr/bin/time -f %M revapply -q -d "$work/m" -u "sqlite:$work/check.db" upgrade 2>&1 >/dev/null | tail -n 1)
mem_base=$(/usr/bin/time -f %M sqlite3 -bail "$work/membase.db" <"$work/up.sql" 2>&1 >/dev/null | tail -n 1)

report() {
	local name=$1 tf=$2 bf=$3 aim=$4 base=$5 t b r verdict
	t=$(median <"$tf"); b=$(median <"$bf"); r=$(ratio "$t" "$b")
	verdict=$(awk -v r="$r" -v a="$aim" 'BEGIN { print (r <= a) ? "ok" : "MISSED" }')
	printf '%-24s revapply %9s ms   %-26s %9s ms   ratio %5sx (aim <= %sx: %s)\n' \
	    "$name" "$(ms "$t")" "$base" "$(ms "$b")" "$r" "$aim" "$verdict"
}
echo "bench_revapply_sqlite: $N revisions, median of $TRIALS trials" \
    "(nothing to do: mean of $NOOP_RUNS runs each)"
report "full upgrade" "$work/up.t" "$work/up.b" 1.05 "sqlite3 db < up.sql"
report "full downgrade to base" "$work/down.t" "$work/down.b" 1.05 "sqlite3 db < down.sql"
report "nothing to do" "$work/noop.t" "$work/noop.b" 2 "sqlite3 db 'select 1'"
# Wall time on a shared machine is mostly fsync and varies; CPU time
# (user + system) shows the work each side does.
cat "$work"/up.ct.* >"$work/up.ct"; cat "$work"/up.cb.* >"$work/up.cb"
cat "$work"/down.ct.* >"$work/down.ct"; cat "$work"/down.cb.* >"$work/down.cb"
report "  upgrade, CPU time" "$work/up.ct" "$work/up.cb" 1.05 "sqlite3, CPU time"
report "  downgrade, CPU time" "$work/down.ct" "$work/down.cb" 1.05 "sqlite3, CPU time"
# What any tool must do at least: read its table, which makes SQLite
# parse the schema of every table the revisions made.
report "  nothing to do" "$work/noop.t" "$work/noop.r" 2 "sqlite3 'select * from dbrev_revisions'"
printf 'peak memory: full upgrade %s KiB, nothing to do %s KiB, sqlite3 upgrade %s KiB (aim < 30 MB)\n' \
    "$mem_up" "$mem_noop" "$mem_base"
