#!/usr/bin/env bash
# bench_import.sh - revgen import of large histories against sqlite3
# running the same SQL, side by side.
#
# Workloads:
#   statements   one dbmate migration of $STMTS INSERT statements
#   KIND         $REVS migrations of one CREATE TABLE each, in the layout
#                of goose, golang-migrate, flyway, diesel and sqitch
#                (each change requiring the two before it), and an
#                Alembic upgrade/downgrade script pair
#
#   import       revgen import --from KIND into an empty migrations
#                directory (made beforehand, not timed): read, parse,
#                check, render, stage, flush and publish every revision
#   baseline     sqlite3 running the same upgrade SQL in one transaction
#                on a fresh file -- what the history costs to run once
#
# Import reads and writes what running it would; the aim is within 3x of
# the baseline.  Median of $TRIALS runs, alternating who goes first.
# Each import is checked: revorder --check accepts the directory and it
# holds one revision per migration.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
STMTS=${BENCH_STMTS:-100000}
REVS=${BENCH_REVS:-10000}
TRIALS=${BENCH_TRIALS:-3}
PATH=$DBREV_BINDIR:$PATH
export PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-import.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cd "$work" || exit 1

# --- the workloads -----------------------------------------------------
mkdir stmts goose gm flyway diesel sqitch sqitch/deploy sqitch/revert alembic
awk -v n="$STMTS" 'BEGIN {
	print "-- migrate:up"
	for (i = 1; i <= n; i++)
		printf "INSERT INTO t (id, v) VALUES (%d, \x27value %d; -- not a comment\x27);\n", i, i
	print "\n-- migrate:down\nDELETE FROM t;"
}' >stmts/1_statements.sql
{
	echo "BEGIN; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
	sed -n '2,/^-- migrate:down/p' stmts/1_statements.sql | sed '$d'
	echo "COMMIT;"
} >stmts.sql
awk -v n="$REVS" 'function put(f, s) { printf "%s", s >f; close(f) }
BEGIN {
	print "%project=bench\n" >"sqitch/sqitch.plan"
	print "BEGIN;\n\nCREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n" >"alembic/up.sql"
	print "BEGIN;\n" >"alembic/down.sql"
	print "BEGIN;" >"revs.sql"
	for (i = 1; i <= n; i++) {
		up = sprintf("CREATE TABLE t%d (id INTEGER PRIMARY KEY);\n", i)
		down = sprintf("DROP TABLE t%d;\n", i)
		put(sprintf("goose/%d_t%d.sql", i, i), "-- +goose Up\n" up "-- +goose Down\n" down)
		put(sprintf("gm/%d_t%d.up.sql", i, i), up)
		put(sprintf("gm/%d_t%d.down.sql", i, i), down)
		put(sprintf("flyway/V1.%d__t%d.sql", i, i), up)
		put(sprintf("flyway/U1.%d__t%d.sql", i, i), down)
		d = sprintf("diesel/%014d_t%d", i, i)
		system("mkdir " d)
		put(d "/up.sql", up)
		put(d "/down.sql", down)
		put(sprintf("sqitch/deploy/c%d.sql", i), up)
		put(sprintf("sqitch/revert/c%d.sql", i), down)
		printf "c%d%s 2020-01-01T00:00:00Z Bench <b@example.org> # change %d\n", i,
		    (i > 2 ? sprintf(" [c%d c%d]", i - 2, i - 1) : ""), i >"sqitch/sqitch.plan"
		printf "-- Running upgrade %s -> r%d\n\n%s\n", (i > 1 ? "r" (i - 1) : ""), i, up >"alembic/up.sql"
		if (i == 1)
			print "INSERT INTO alembic_version (version_num) VALUES (\x27r1\x27);\n" >"alembic/up.sql"
		else
			printf "UPDATE alembic_version SET version_num=\x27r%d\x27 WHERE alembic_version.version_num = \x27r%d\x27;\n\n", i, i - 1 >"alembic/up.sql"
		printf "%s", up >"revs.sql"
	}
	for (i = n; i >= 1; i--) {
		printf "-- Running downgrade r%d -> %s\n\nDROP TABLE t%d;\n\n", i, (i > 1 ? "r" (i - 1) : ""), i >"alembic/down.sql"
		if (i == 1)
			print "DELETE FROM alembic_version WHERE alembic_version.version_num = \x27r1\x27;\n" >"alembic/down.sql"
		else
			printf "UPDATE alembic_version SET version_num=\x27r%d\x27 WHERE alembic_version.version_num = \x27r%d\x27;\n\n", i - 1, i >"alembic/down.sql"
	}
	print "COMMIT;" >"alembic/up.sql"
	print "COMMIT;" >"alembic/down.sql"
	print "COMMIT;" >"revs.sql"
}'

# --- helpers -----------------------------------------------------------
now_us() { echo $(($(date +%s%N) / 1000)); }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
status=0
# import KIND SOURCE...: time one import into a fresh directory.
import() {
	local k=$1 t0 t1
	shift
	rm -rf m && revgen -q -d m init >/dev/null || return 1
	t0=$(now_us)
	revgen -q -d m import --from "$k" "$@" >/dev/null 2>err ||
		{ cat err >&2; return 1; }
	t1=$(now_us)
	echo $((t1 - t0))
}
# baseline FILE: time sqlite3 running FILE on a fresh database.
baseline() {
	local t0 t1
	rm -f b.db
	t0=$(now_us)
	sqlite3 -bail b.db <"$1" >/dev/null || return 1
	t1=$(now_us)
	echo $((t1 - t0))
}
# bench LABEL REVISIONS SQL KIND SOURCE...
bench() {
	local label=$1 want=$2 sql=$3 i t=() b=() x
	shift 3
	for i in $(seq "$TRIALS"); do
		if [ $((i % 2)) = 1 ]; then
			x=$(import "$@") || { status=1; return; }
			t+=("$x")
			x=$(baseline "$sql") || { status=1; return; }
			b+=("$x")
		else
			x=$(baseline "$sql") || { status=1; return; }
			b+=("$x")
			x=$(import "$@") || { status=1; return; }
			t+=("$x")
		fi
	done
	revorder --check -d m || status=1
	[ "$(ls m/versions | grep -c '\.sql$')" = "$want" ] ||
		{ echo "$label: $(ls m/versions | wc -l) revisions, want $want" >&2; status=1; }
	awk -v l="$label" -v t="$(median "${t[@]}")" -v b="$(median "${b[@]}")" 'BEGIN {
		printf "%-16s %10.3f s %10.3f s %7.2fx\n", l, t / 1e6, b / 1e6, t / b }'
}

printf '%-16s %12s %12s %8s\n' workload import sqlite3 ratio
bench "statements" 1 stmts.sql dbmate stmts
bench "goose" "$REVS" revs.sql goose goose
bench "golang-migrate" "$REVS" revs.sql golang-migrate gm
bench "flyway" "$REVS" revs.sql flyway flyway
bench "diesel" "$REVS" revs.sql diesel diesel
bench "sqitch" "$REVS" revs.sql sqitch sqitch
bench "alembic" "$REVS" revs.sql alembic alembic/up.sql alembic/down.sql
echo "statements: $STMTS in one migration; others: $REVS revisions; aim: within 3x of sqlite3"
exit $status
