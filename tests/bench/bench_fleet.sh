#!/usr/bin/env bash
# bench_fleet.sh - a fleet of BENCH_FLEET (1,000) SQLite databases, each
# brought from nothing to 10 revisions, and the no-op run once all are
# at head, against a baseline run side by side: a shell loop calling
# `revapply upgrade` once per database (what a script without fleets
# does).  Timed, each once per round (BENCH_ROUNDS, 3; the median is
# shown), on fresh files:
#
#   make -jJ db-fleet-upgrade           J = 1, 2 (the fragments)
#   revapply --fleet F upgrade --jobs J J = 1, 2 (no make)
#   for each db: revapply upgrade       the baseline
#
# and for the no-op (all at head, remembered in the state directory):
#
#   make db-fleet-upgrade, revapply --fleet F upgrade
#   for each db: revapply current --exit-code --state-dir  the baseline
#
# Aim: the no-op fleet under 1 s at 1,000 databases (no file opened).
# The machine is shared: ratios are what to read, not absolute times.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
N=${BENCH_FLEET:-1000}
ROUNDS=${BENCH_ROUNDS:-3}
PATH=$DBREV_BINDIR:$PATH
export PATH
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-fleet.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
P=$work/p
mkdir -p "$P/migrations/versions"
cd "$P" || exit 1
printf 'DB_BACKUP = no\ninclude %s/mk/dbrev.mk\n' "$DBREV_SRCDIR" >Makefile
for i in $(seq 1 10); do
	id=$(printf 'r%011d' "$i")
	{
		printf -- '-- revision: %s\n-- parents:%s\n-- message: r%d\n\n' \
		    "$id" "${prev:+ $prev}" "$i"
		printf -- '-- +upgrade\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, v TEXT);\n' "$i"
		printf 'INSERT INTO t%d (v) VALUES (%s);\n' "$i" "'x'"
	} >"migrations/versions/${id}_r.sql"
	prev=$id
done
for i in $(seq -w 1 "$N"); do
	printf 'd%s sqlite:db/d%s.db\n' "$i" "$i"
done >databases.list

fresh() { rm -rf db .dbrev; mkdir db; }
# ms CMD...: run it, failing loudly; its wall time in MS.
ms() {
	local t0=$EPOCHREALTIME t1
	"$@" >/dev/null 2>"$work/err" || { echo "FAILED: $*" >&2; tail -n 5 "$work/err" >&2; exit 1; }
	t1=$EPOCHREALTIME
	MS=$(( (${t1/./} - ${t0/./}) / 1000 ))
}
median() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'; }
loop_upgrade() {
	for i in $(seq -w 1 "$N"); do
		revapply -q -u "sqlite:db/d$i.db" upgrade || return 1
	done
}
loop_noop() {
	for i in $(seq -w 1 "$N"); do
		revapply -u "sqlite:db/d$i.db" current --exit-code --state-dir .dbrev ||
		    return 1
	done
}
make_up() { make -s -j"$1" db-fleet-upgrade; }
tool_up() { revapply -q --fleet databases.list --state-dir .dbrev upgrade --jobs "$1"; }

declare -A t
names="make-j1 make-j2 tool-j1 tool-j2 loop noop-make noop-tool noop-loop"
for r in $(seq "$ROUNDS"); do
	for w in make_up:1:make-j1 make_up:2:make-j2 tool_up:1:tool-j1 \
	    tool_up:2:tool-j2 loop_upgrade::loop; do
		IFS=: read -r fn arg key <<<"$w"
		fresh
		ms $fn $arg
		t[$key]="${t[$key]:-} $MS"
		[ "$(sqlite3 db/d$N.db 'SELECT count(*) FROM dbrev_revisions')" = 10 ] ||
		    { echo "bench_fleet: $key did not upgrade" >&2; exit 1; }
	done
	# All at head (the last run: the loop), remembered by one fleet run.
	sleep 0.1
	tool_up 2 >/dev/null 2>&1
	ms make -s db-fleet-upgrade; t[noop-make]="${t[noop-make]:-} $MS"
	ms revapply -q --fleet databases.list --state-dir .dbrev upgrade
	t[noop-tool]="${t[noop-tool]:-} $MS"
	ms loop_noop; t[noop-loop]="${t[noop-loop]:-} $MS"
done

declare -A m
for k in $names; do m[$k]=$(median ${t[$k]}); done
printf '%d SQLite databases x 10 revisions, median of %d (ms; ratio to the baseline)\n' "$N" "$ROUNDS"
for k in make-j1 make-j2 tool-j1 tool-j2 loop; do
	awk -v k="$k" -v a="${m[$k]}" -v b="${m[loop]}" \
	    'BEGIN { printf "  upgrade %-8s %8d ms %6.2fx of the shell loop\n", k, a, a / b }'
done
for k in noop-make noop-tool noop-loop; do
	awk -v k="$k" -v a="${m[$k]}" -v b="${m[noop-loop]}" \
	    'BEGIN { printf "  %-16s %8d ms %6.2fx of the shell loop\n", k, a, a / b }'
done
awk -v a="${m[noop-make]}" 'BEGIN { printf "aim: the no-op fleet under 1000 ms: %s\n", a < 1000 ? "met" : "missed" }'
