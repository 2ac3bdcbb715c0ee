#!/usr/bin/env bash
# bench_revorder.sh - revorder against merely reading the same files.
#
# Workloads, generated in a temporary directory: 10,000 and 100,000
# revisions (BENCH_SIZES), each as a linear chain and as a branchy graph
# (every 10 revisions: a branch point, two branches of four, a merge;
# every 100th revision also depends on one 50 back).  Files look like
# revgen's: random-looking 12-hex-digit ids, a header, a few lines of SQL.
#
# For each, the median of $TRIALS warm-cache runs of
#   revorder -d DIR > /dev/null          (apply order, every file parsed)
#   revorder --check -d DIR
# against the baseline
#   find DIR/versions -name '*.sql' -exec cat {} + > /dev/null
# (cat versions/* with the argument list split, as 100,000 names exceed
# ARG_MAX).  Printed: wall times, their ratio, and revorder's peak RSS
# (the files' paths, which revorder keeps, are like
# "branchy-100000/versions/0a1b2c3d4e5f_revision_12345.sql").
# Aims: within 3x of the read cost, under 50 MB at 100,000 revisions.
set -u
: "${DBREV_BINDIR:?run with make bench}"
PATH=$DBREV_BINDIR:$PATH
SIZES=${BENCH_SIZES:-10000 100000}
TRIALS=${BENCH_TRIALS:-3}

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-revorder.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
# Relative names, as a project's "-d migrations": paths of realistic length.
cd "$work" || exit 1

# gen DIR N SHAPE: write N revision files into DIR/versions.
gen() {
	mkdir -p "$1/versions"
	awk -v dir="$1/versions" -v n="$2" -v shape="$3" '
	function rid(i) {	# odd multipliers: distinct for i < 2^24
		return sprintf("%06x%06x", (i * 7919 + 13) % 16777216,
		    (i * 104729 + 7) % 16777216)
	}
	function emit(i, parents, depends,   f) {
		f = dir "/" rid(i) "_revision_" i ".sql"
		printf("-- revision: %s\n-- parents: %s\n", rid(i), parents) > f
		if (depends != "")
			printf("-- depends: %s\n", depends) > f
		printf("-- message: revision number %d\n", i) > f
		printf("-- created: 2026-11-24T01:00:00Z\n\n-- +upgrade\n") > f
		printf("CREATE TABLE t%d (\n    id INTEGER PRIMARY KEY,\n", i) > f
		printf("    name TEXT NOT NULL\n);\n") > f
		printf("CREATE INDEX t%d_name ON t%d (name);\n\n", i, i) > f
		printf("-- +downgrade\nDROP TABLE t%d;\n", i) > f
		close(f)
	}
	BEGIN {
		head = ""
		for (i = 1; i <= n; i++) {
			dep = (i % 100 == 0 && i > 50) ? rid(i - 50) : ""
			if (shape == "linear") {
				emit(i, head, dep)
				head = rid(i)
				continue
			}
			k = (i - 1) % 10	# 0 branch point, 1-4 A, 5-8 B, 9 merge
			if (k == 0) { emit(i, head, dep); bp = rid(i); a = bp; b = bp }
			else if (k <= 4) { emit(i, a, dep); a = rid(i) }
			else if (k <= 8) { emit(i, b, dep); b = rid(i) }
			else { emit(i, a " " b, dep); head = rid(i) }
		}
	}'
}

# measure OUTVAR CMD...: run CMD, set OUTVAR to "seconds maxrss_kb".
have_time=0
[ -x /usr/bin/time ] && have_time=1
measure() {
	local var=$1 s e rss=0
	shift
	s=$(date +%s%N)
	if [ "$have_time" = 1 ]; then
		/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/err" ||
			{ cat "$work/err" >&2; return 1; }
		rss=$(tail -n 1 "$work/rss")
	else
		"$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
	fi
	e=$(date +%s%N)
	printf -v "$var" '%s %s' "$(( (e - s) / 1000 ))" "$rss"
}

# median of the first field (microseconds) and max of the second.
median() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1; if ($2 > m) m = $2 }
	END { printf "%d %d\n", t[int((NR + 1) / 2)], m }'; }


printf '%-8s %-8s %-7s %10s %10s %7s %9s\n' revisions graph mode revorder \
    "read" ratio "peak RSS"
status=0
for n in $SIZES; do
	for shape in linear branchy; do
		d=$shape-$n
		gen "$d" "$n" "$shape"
		revorder --check -d "$d" || { status=1; continue; }
		find "$d/versions" -name '*.sql' -exec cat {} + >/dev/null # warm up
		for mode in order check; do
			r=() c=()
			for _ in $(seq "$TRIALS"); do
				if [ "$mode" = order ]; then
					measure x revorder -d "$d" || status=1
				else
					measure x revorder --check -d "$d" || status=1
				fi
				r+=("$x")
				measure x find "$d/versions" -name '*.sql' \
				    -exec cat {} + || status=1
				c+=("$x")
			done
			read -r rt rm <<<"$(median "${r[@]}")"
			read -r ct _ <<<"$(median "${c[@]}")"
			awk -v n="$n" -v s="$shape" -v m="$mode" -v rt="$rt" \
			    -v ct="$ct" -v rm="$rm" -v ht="$have_time" 'BEGIN {
				printf "%-8d %-8s %-7s %8.3f s %8.3f s %6.2fx %6s\n",
				    n, s, m, rt / 1e6, ct / 1e6, (ct > 0 ? rt / ct : 0),
				    (ht ? sprintf("%.1f MB", rm / 1024) : "n/a")
			}'
		done
		rm -rf "$d"
	done
done
echo "aims: revorder within 3x of the read, under 50 MB at 100000 revisions"
exit $status
