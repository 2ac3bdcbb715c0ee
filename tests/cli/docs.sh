# docs/adding-a-database.md says where a database's code, table, registry
# line and test adapter live: every path it names exists, and every
# database directory has what the page says it has.
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$DBREV_SRCDIR" || exit 1
doc=docs/adding-a-database.md

tcase "every path $doc names exists"
# The `quoted` words with a slash (or Makefile, configure), except
# patterns such as lib/db/<name>/.
paths=$(grep -o '`[^`]*`' "$doc" | tr -d '`' |
    grep -E '^([A-Za-z0-9_.-]+/)+[A-Za-z0-9_.-]*$|^(Makefile|configure)$' |
    sort -u)
[ -n "$paths" ] || fail "no paths found in $doc"
n=0
for p in $paths; do
	n=$((n + 1))
	[ -e "$p" ] || fail "$doc names $p, which does not exist"
done
[ "$n" -ge 20 ] || fail "only $n paths found in $doc"

tcase "every database directory has its table, its registry line and its test adapter"
for d in lib/db/*/; do
	name=$(basename "$d")
	[ -f "$d/driver.c" ] || fail "$d has no driver.c"
	grep -q "dbrev_driver_$name\b" "$d/driver.c" ||
		fail "$d/driver.c defines no dbrev_driver_$name"
	grep -q "dbrev_driver_$name\b" lib/db/registry.c ||
		fail "lib/db/registry.c has no line for $name"
	[ -f "tests/lib/db_$name.sh" ] || fail "no test adapter tests/lib/db_$name.sh"
done

tcase "no file outside lib/db/ calls a database's client library"
bad=$(grep -rlE '\b(sqlite3_[a-z_]+|PQ[a-zA-Z]+)\(' lib tools --include='*.c' |
    grep -v '^lib/db/' || true)
[ -z "$bad" ] || fail "outside lib/db/: $bad"

finish
