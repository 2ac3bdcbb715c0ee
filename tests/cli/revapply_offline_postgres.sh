# The offline script (revapply --sql) does what the online run does, on
# the PostgreSQL autogenerate corpus: for each tests/autogen/postgres
# case, the revisions revgen writes for S0 and S1 with a revision loading
# its seed data between, applied online and through psql, up to head and
# down to base, give the same schema, rows and version rows, or are
# refused both ways (tests/lib/offline.sh).  Two cases run at a time.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
. "$DBREV_SRCDIR/tests/lib/offline.sh"	# offline_same
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR
P=rop_

if ! pg_available; then
	skip "the PostgreSQL autogenerate corpus" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi
export PGOPTIONS='-c client_min_messages=warning'
url="postgresql:///postgres?host=$PGHOST&port=$PGPORT&user=$PGUSER"

# one CASE-DIR: the check of one case; what is wrong goes to $T/why.NAME.
one() {
	local d=$1 n m s0 args
	n=$(basename "$d") m=$T/ag/$(basename "$d")
	_why=
	revgen -q -d "$m" init >/dev/null 2>&1
	if ! s0=$(revgen -d "$m" -u "$url" -m s0 --autogenerate --schema "$d/s0.sql" 2>"$T/g0.$n"); then
		fail "$n: autogenerate S0: $(head -c 300 "$T/g0.$n")"
	else
		[ -f "$d/seed.sql" ] && rev "$m" 5eed0000000a "$(sed -n 's/^-- revision: //p' "$s0")" \
		    "seed" "$(cat "$d/seed.sql")" "SELECT 1;"
		args=
		[ -f "$d/args" ] && args=$(cat "$d/args")
		# shellcheck disable=SC2086
		if revgen -q -d "$m" -u "$url" -m s1 --autogenerate --schema "$d/s1.sql" $args \
		    >/dev/null 2>"$T/g1.$n"; then
			offline_same postgresql "$m" "postgres/$n" "$n"
		else
			fail "$n: autogenerate S1: $(head -c 300 "$T/g1.$n")"
		fi
	fi
	printf '%s' "$_why" >"$T/why.$n"
}

tcase "the PostgreSQL autogenerate corpus: online and offline agree"
for d in "$DBREV_SRCDIR"/tests/autogen/postgres/*/; do
	while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
	one "$d" &
done
wait
for f in "$T"/why.*; do
	[ -s "$f" ] && fail "$(cat "$f")"
done
[ "$(ls "$T"/why.* | wc -l)" = "$(ls -d "$DBREV_SRCDIR"/tests/autogen/postgres/*/ | wc -l)" ] ||
	fail "not every case ran"

finish
