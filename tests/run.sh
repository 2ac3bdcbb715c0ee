#!/usr/bin/env bash
# tests/run.sh - run every test (or those named) and end with "N passed, N failed".
#
# Unit tests are cmocka binaries in $DBREV_BUILD/tests/bin (TAP output);
# CLI and make-fragment tests are tests/cli/*.sh and tests/mk/*.sh using
# tests/lib/test.sh.  One private PostgreSQL cluster is started for the
# whole run (tests/lib/pg.sh) and stopped at the end, even on failure.
# A skipped case says why; under CI (CI=true) a skip counts as a failure.
#
# Usage: tests/run.sh [NAME...]   (NAME: test_graph, cli/revorder,
# cli/revapply[sqlite], or cli/revapply for it under every adapter)
set -u
: "${DBREV_BUILD:?run with make check}" "${DBREV_SRCDIR:?run with make check}"
export DBREV_BUILD DBREV_SRCDIR DBREV_BINDIR
cd "$DBREV_SRCDIR" || exit 2

jobs=${DBREV_TEST_JOBS:-2}
per_test_timeout=${DBREV_TEST_TIMEOUT:-900}
work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-run.XXXXXX")
chmod 755 "$work"
. tests/lib/pg.sh

cleanup() {
	pg_stop "$work/pg"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What to run: "name<TAB>command".
list=()
for b in "$DBREV_BUILD"/tests/bin/test_*; do
	[ -x "$b" ] && list+=("$(basename "$b")	$b")
done
# A suite marked "# per-database" (tests/lib/db.sh) runs once per
# adapter tests/lib/db_NAME.sh, as SUITE[NAME].
adapters=()
for a in tests/lib/db_*.sh; do
	a=${a#tests/lib/db_}
	adapters+=("${a%.sh}")
done
for s in tests/cli/*.sh tests/mk/*.sh; do
	[ -f "$s" ] || continue
	n=${s#tests/}
	n=${n%.sh}
	if head -n 10 "$s" | grep -q '^# per-database'; then
		for a in "${adapters[@]}"; do
			list+=("$n[$a]	env DBREV_TEST_DB=$a bash $s")
		done
	else
		list+=("$n	bash $s")
	fi
done
# NAME picks a test; SUITE picks a suite under every adapter.
if [ $# -gt 0 ]; then
	sel=()
	for e in "${list[@]}"; do
		for want in "$@"; do
			case ${e%%	*} in
			"$want"|"$want["*) sel+=("$e"); break ;;
			esac
		done
	done
	list=("${sel[@]}")
fi

pg_note=
if [ "${DBREV_WITH_POSTGRES:-yes}" != yes ]; then
	pg_note="built --without-postgres"
elif ! pg_start "$work/pg" >"$work/pg.log" 2>&1; then
	pg_note="private PostgreSQL did not start: $(tail -n 3 "$work/pg.log" | tr '\n' ' ')"
fi
[ -n "$pg_note" ] && echo "# PostgreSQL tests skipped: $pg_note"
export DBREV_TEST_PG_SKIP="$pg_note"

export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

i=0
for e in "${list[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	name=${e%%	*} cmd=${e#*	}
	( timeout "$per_test_timeout" $cmd >"$work/$i.log" 2>&1; echo $? >"$work/$i.rc" ) &
	i=$((i + 1))
done
wait

passed=0 failed=0 skipped=0 i=0
for e in "${list[@]}"; do
	name=${e%%	*}
	rc=$(cat "$work/$i.rc" 2>/dev/null || echo 1)
	echo "=== $name"
	p=0 f=0 s=0
	while IFS= read -r line; do
		case $line in
		"not ok"*) f=$((f + 1)); echo "$line" ;;
		"ok "*"# SKIP"*|"ok "*"# skip"*) s=$((s + 1)); echo "$line" ;;
		"ok "*) p=$((p + 1)); echo "$line" ;;
		"#"*) echo "$line" ;;
		*) [ "$rc" != 0 ] && echo "# $line" ;;
		esac
	done <"$work/$i.log"
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	i=$((i + 1))
done

if [ "${CI:-}" = true ] && [ "$skipped" != 0 ]; then
	echo "# CI skips nothing: $skipped skipped case(s) count as failures"
	failed=$((failed + skipped))
	skipped=0
fi
if [ "$skipped" != 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
