#!/usr/bin/env bash
# bench_lint.sh - revorder --lint against merely reading the same files.
#
# Workload, generated in a temporary directory: BENCH_SIZES revisions
# (default 10,000) in a chain, each like a hand-written migration of
# about 1 KB: a comment, a CREATE TABLE of six columns, an index on the
# table of the revision before, an ALTER TABLE adding a column with a
# default, rows with quoted ';' and a dollar-quoted function body; every
# tenth also renames a column and sets a lock_timeout.  Every revision is
# parsed, tokenized, tracked and checked (findings are formatted and
# printed to /dev/null).
#
# For each dialect, the median of $TRIALS warm-cache runs of
#   revorder --lint --dialect D -d DIR > /dev/null
# against the baseline
#   find DIR/versions -name '*.sql' -exec cat {} + > /dev/null
# Printed: wall times, their ratio, lint's peak RSS and its findings.
# Aim: lint within 3x of the read.
set -u
: "${DBREV_BINDIR:?run with make bench}"
PATH=$DBREV_BINDIR:$PATH
SIZES=${BENCH_SIZES:-10000}
TRIALS=${BENCH_TRIALS:-5}

work=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-bench-lint.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cd "$work" || exit 1

# gen DIR N: write N revision files into DIR/versions.
gen() {
	mkdir -p "$1/versions"
	awk -v dir="$1/versions" -v n="$2" '
	function rid(i) {	# odd multipliers: distinct for i < 2^24
		return sprintf("%06x%06x", (i * 7919 + 13) % 16777216,
		    (i * 104729 + 7) % 16777216)
	}
	BEGIN {
		for (i = 1; i <= n; i++) {
			f = dir "/" rid(i) "_revision_" i ".sql"
			printf("-- revision: %s\n", rid(i)) > f
			if (i > 1)
				printf("-- parents: %s\n", rid(i - 1)) > f
			printf("-- message: revision number %d\n", i) > f
			printf("-- created: 2026-11-24T01:00:00Z\n\n") > f
			printf("-- Orders of customer group %d; see ticket %d.\n", i, i) > f
			printf("-- +upgrade\n") > f
			if (i % 10 == 0)
				printf("SET LOCAL lock_timeout = '\''5s'\'';\n") > f
			printf("CREATE TABLE orders_%d (\n", i) > f
			printf("    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n") > f
			printf("    customer   bigint NOT NULL REFERENCES customers (id),\n") > f
			printf("    note       text DEFAULT '\''none; yet'\'',\n") > f
			printf("    amount     numeric(12,2) NOT NULL DEFAULT 0,\n") > f
			printf("    status     varchar(20) NOT NULL DEFAULT '\''new'\'',\n") > f
			printf("    created_at timestamptz NOT NULL DEFAULT now()\n);\n") > f
			if (i > 1) {
				printf("CREATE INDEX orders_%d_customer ON orders_%d (customer);\n", i - 1, i - 1) > f
				printf("ALTER TABLE orders_%d ADD COLUMN flag boolean DEFAULT false;\n", i - 1) > f
			}
			if (i % 10 == 0 && i > 1)
				printf("ALTER TABLE orders_%d RENAME COLUMN note TO remark;\n", i - 1) > f
			printf("INSERT INTO orders_%d (customer, note) VALUES (1, '\''a; b'\''), (2, E'\''c\\'\''d'\'');\n", i) > f
			printf("CREATE FUNCTION orders_%d_total() RETURNS numeric LANGUAGE plpgsql AS $$\n", i) > f
			printf("BEGIN\n    RETURN (SELECT sum(amount) FROM orders_%d); -- ;\nEND;\n$$;\n\n", i) > f
			printf("-- +downgrade\nDROP TABLE orders_%d;\n", i) > f
			close(f)
		}
	}'
}

# measure OUTVAR CMD...: run CMD, set OUTVAR to "microseconds maxrss_kb".
have_time=0
[ -x /usr/bin/time ] && have_time=1
measure() {
	local var=$1 s e rss=0
	shift
	s=$(date +%s%N)
	if [ "$have_time" = 1 ]; then
		/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/err"
		rss=$(tail -n 1 "$work/rss")
	else
		"$@" >/dev/null 2>"$work/err"
	fi
	e=$(date +%s%N)
	printf -v "$var" '%s %s' "$(( (e - s) / 1000 ))" "$rss"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1; if ($2 > m) m = $2 }
	END { printf "%d %d\n", t[int((NR + 1) / 2)], m }'; }

printf '%-9s %-10s %10s %10s %7s %9s %9s\n' revisions dialect lint "read" \
    ratio "peak RSS" findings
status=0
for n in $SIZES; do
	d=lint-$n
	gen "$d" "$n"
	revorder --check -d "$d" || { status=1; continue; }
	find "$d/versions" -name '*.sql' -exec cat {} + >/dev/null # warm up
	for dialect in postgresql sqlite; do
		revorder --lint --dialect "$dialect" -d "$d" >"$work/findings" 2>/dev/null
		[ $? -le 1 ] || { echo "bench: lint failed" >&2; status=1; continue; }
		found=$(wc -l <"$work/findings")
		r=() c=()
		for _ in $(seq "$TRIALS"); do
			measure x revorder --lint --dialect "$dialect" -d "$d"
			r+=("$x")
			measure x find "$d/versions" -name '*.sql' -exec cat {} +
			c+=("$x")
		done
		read -r rt rm <<<"$(median "${r[@]}")"
		read -r ct _ <<<"$(median "${c[@]}")"
		awk -v n="$n" -v dl="$dialect" -v rt="$rt" -v ct="$ct" -v rm="$rm" \
		    -v ht="$have_time" -v f="$found" 'BEGIN {
			printf "%-9d %-10s %8.3f s %8.3f s %6.2fx %9s %9d\n",
			    n, dl, rt / 1e6, ct / 1e6, (ct > 0 ? rt / ct : 0),
			    (ht ? sprintf("%.1f MB", rm / 1024) : "n/a"), f
		}'
	done
	rm -rf "$d"
done
echo "aim: lint within 3x of the read"
exit $status
