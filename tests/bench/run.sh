#!/bin/sh
# tests/bench/run.sh [NAME...] - run the benchmarks and print their output.
#
# Runs every tests/bench/bench_*.sh, or those named (bench_revorder,
# revorder or bench_revorder.sh all name the same one), with the built
# tools ($DBREV_BINDIR) first on PATH.  Each benchmark prints its figures
# as ratios against a baseline it measures side by side in the same run.
# Exits non-zero when a benchmark script fails (not when an aim is missed).
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
PATH=$DBREV_BINDIR:$PATH
export PATH DBREV_SRCDIR DBREV_BINDIR
cd "$DBREV_SRCDIR" || exit 2

if [ $# -eq 0 ]; then
	set -- tests/bench/bench_*.sh
else
	for n in "$@"; do
		n=${n##*/}
		n=${n%.sh}
		n=${n#bench_}
		f=tests/bench/bench_$n.sh
		[ -f "$f" ] || { echo "bench: no benchmark $f" >&2; exit 2; }
		set -- "$@" "$f"
		shift
	done
fi

failed=0
for f in "$@"; do
	[ -f "$f" ] || continue
	echo "=== $(basename "$f" .sh)"
	if ! bash "$f"; then
		echo "bench: $(basename "$f" .sh) failed" >&2
		failed=$((failed + 1))
	fi
done
[ "$failed" = 0 ]
