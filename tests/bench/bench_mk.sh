#!/usr/bin/env bash
# bench_mk.sh - make's tracked no-op: `make -s db-upgrade` on a database
# already at head, at 100, 1,000 and 10,000 revisions (BENCH_SIZES), on
# SQLite and PostgreSQL, against baselines run side by side:
#
#   make -f null.mk                    make starting and doing nothing
#                                      (null.mk: "all: ;")
#   sqlite3 app.db 'select 1'          the SQLite client, one query
#   psql -X -c 'select 1'              the PostgreSQL client, one query
#
# The project is a Makefile including the fragments of this tree; the
# database is brought to head with revapply stamp (the revisions' SQL
# does not matter to a no-op), then db-upgrade runs twice untimed (the
# second finds nothing changed and remembers it).  Each figure is the
# median wall time of $RUNS runs, tool and baseline alternating, and the
# mean CPU time (user + system, make and what it ran) of those runs.
# Aims: SQLite at most 10 ms at 1,000 revisions and 50 ms at 10,000,
# growing linearly, and no connection; PostgreSQL within 2x of psql.
# The PostgreSQL part starts its own private cluster and stops it.
set -u
: "${DBREV_SRCDIR:?run with make bench}" "${DBREV_BINDIR:?run with make bench}"
SIZES=${BENCH_SIZES:-100 1000 10000}
RUNS=${BENCH_RUNS:-21}
PATH=$DBREV_BINDIR:$PATH
export PATH
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS
MAKE_CMD=make

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-mk.XXXXXX")
chmod 755 "$work"
. "$DBREV_SRCDIR/tests/lib/pg.sh"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# gen DIR N: a chain of N revisions, as revgen writes them.
gen() {
	mkdir -p "$1/versions"
	awk -v dir="$1/versions" -v n="$2" 'BEGIN {
		for (i = 1; i <= n; i++) {
			id = sprintf("%06x%06x", (i * 7919 + 13) % 16777216,
			    (i * 104729 + 7) % 16777216)
			f = dir "/" id "_revision_" i ".sql"
			printf("-- revision: %s\n-- parents: %s\n", id, prev) > f
			printf("-- message: revision number %d\n", i) > f
			printf("-- created: 2026-11-24T01:00:00Z\n\n") > f
			printf("-- +upgrade\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, name TEXT);\n\n", i) > f
			printf("-- +downgrade\nDROP TABLE t%d;\n", i) > f
			close(f)
			prev = id
		}
	}'
}

# us CMD...: run CMD quietly, failing loudly; its wall time in US (us).
us() {
	local t0=$EPOCHREALTIME t1
	"$@" >/dev/null 2>"$work/err" || { echo "FAILED: $*" >&2; cat "$work/err" >&2; exit 1; }
	t1=$EPOCHREALTIME
	US=$(( (${t1/./} - ${t0/./}) ))
}
median() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'; }
# cpu CMD...: mean CPU ms (user + system, with what it ran) of RUNS
# runs of CMD (a program, not a function).
cpu() {
	/usr/bin/time -f '%U %S' -o "$work/cpu" bash -c \
	    'for i in $(seq '"$RUNS"'); do "$@" >/dev/null 2>&1; done' _ "$@"
	awk -v r="$RUNS" '{ printf "%.1f", ($1 + $2) * 1000 / r }' "$work/cpu"
}

# bench LABEL NOOP... -- BASE...: median wall (ms) of each, alternating;
# prints a line with both, their ratio and the mean CPU of each.
bench() {
	local label=$1 a=() b=() noop=() base=() i
	shift
	while [ "$1" != -- ]; do noop+=("$1"); shift; done
	shift
	base=("$@")
	for i in $(seq "$RUNS"); do
		us "${noop[@]}"; a+=("$US")
		us "${base[@]}"; b+=("$US")
	done
	awk -v l="$label" -v a="$(median "${a[@]}")" -v b="$(median "${b[@]}")" \
	    -v ca="$(cpu "${noop[@]}")" -v cb="$(cpu "${base[@]}")" 'BEGIN {
		printf "%-34s %8.2f ms %8.2f ms %6.2fx %7s ms %7s ms\n",
		    l, a / 1000, b / 1000, (b > 0 ? a / b : 0), ca, cb
	}'
}

project() {
	P=$work/$1
	mkdir -p "$P"
	cp -R "$work/m$2" "$P/migrations"
	printf 'include %s/mk/dbrev.mk\nall:\n\t@echo default\n' "$DBREV_SRCDIR" >"$P/Makefile"
}
# NOOP: the command timed; BASE: what it is compared with.
noop_cmd() {
	NOOP=("$MAKE_CMD" -s -C "$P" DBREV_BINDIR="$DBREV_BINDIR" \
	    DATABASE_URL="$URL" db-upgrade)
}
# ready: at head, nothing pending, and the no-op known to be one.
ready() {
	noop_cmd
	(cd "$P" && DATABASE_URL=$URL revapply -q stamp head) || exit 1
	"${NOOP[@]}" >/dev/null || exit 1
	sleep 0.2
	"${NOOP[@]}" >/dev/null || exit 1
	[ -z "$("${NOOP[@]}" 2>&1)" ] || { echo "bench_mk: db-upgrade is not a no-op" >&2; exit 1; }
}
printf 'all: ;\n' >"$work/null.mk"

have_pg=yes
if [ "${DBREV_WITH_POSTGRES:-yes}" != yes ]; then
	have_pg="skipped (built --without-postgres)"
elif ! pg_start "$work/pg" >"$work/pg.log" 2>&1; then
	have_pg="skipped (PostgreSQL did not start: $(tail -n 2 "$work/pg.log" | tr '\n' ' '))"
fi

printf '%-34s %11s %11s %7s %10s %10s\n' "no-op, revisions" "db-upgrade" baseline ratio \
    "cpu" "cpu base"
for n in $SIZES; do
	gen "$work/m$n" "$n"

	project "s$n" "$n"
	URL=sqlite:$P/app.db
	ready
	bench "sqlite $n vs make -f null.mk" "${NOOP[@]}" -- \
	    "$MAKE_CMD" -s -f "$work/null.mk"
	bench "sqlite $n vs sqlite3 'select 1'" "${NOOP[@]}" -- \
	    sqlite3 "$P/app.db" 'select 1'

	if [ "$have_pg" = yes ]; then
		project "p$n" "$n"
		psql -X -q -d postgres -c "CREATE DATABASE bench_mk_$n" >/dev/null
		URL="postgresql:///bench_mk_$n?host=$PGHOST&port=$PGPORT&user=$PGUSER"
		ready
		bench "postgresql $n vs psql 'select 1'" "${NOOP[@]}" -- \
		    psql -X -q -At -d "bench_mk_$n" -c 'select 1'
	fi
	rm -rf "$work/s$n" "$work/p$n" "$work/m$n"
done
[ "$have_pg" = yes ] || echo "postgresql: $have_pg"
echo "aims: sqlite <= 10 ms at 1000 and <= 50 ms at 10000, linear, no connection;" \
    "postgresql <= 2x psql"
