#!/bin/sh
# tests/fuzz/run.sh BINARY SECONDS - run a libFuzzer binary for SECONDS
# seconds, seeded with tests/fuzz/corpus/NAME/ (NAME: the binary's base
# name).  New corpus entries go to a temporary directory, not the repo.
# A crash leaves its input in DIR-OF-BINARY/crashes/ and exits non-zero;
# turn it into a unit test in tests/unit/ and keep the input as a seed.
set -u
[ $# -eq 2 ] || { echo "usage: tests/fuzz/run.sh BINARY SECONDS" >&2; exit 2; }
bin=$1 secs=$2
name=$(basename "$bin")
here=$(cd "$(dirname "$0")" && pwd)
seed=$here/corpus/$name
crashes=$(cd "$(dirname "$bin")" && pwd)/crashes
[ -x "$bin" ] || { echo "fuzz: $bin: not an executable" >&2; exit 2; }
[ -d "$seed" ] || { echo "fuzz: no seed corpus $seed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/corpus" "$work/tmp" "$crashes"

# The first corpus directory receives new entries; the seeds are read only.
TMPDIR=$work/tmp "$bin" -max_total_time="$secs" -timeout=10 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$crashes/$name-" \
    "$work/corpus" "$seed" >"$work/log" 2>&1
status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
if [ "$status" -ne 0 ]; then
	tail -n 60 "$work/log" >&2
	echo "fuzz: $name FAILED (exit $status); inputs in $crashes" >&2
	exit 1
fi
echo "fuzz: $name: ${runs:-?} runs in $secs s, $(ls "$work/corpus" | wc -l) new corpus entries, no crash"
