# Revision file names and directory names that make or a shell would
# read as syntax (issue 11, part 1): revorder --format=make refuses them
# with one line per file, revorder's line listings refuse control
# characters, revgen never writes such a name, and the fragments never
# hand a file name to make nor take a state file's word for anything:
# through the installed fragments, on SQLite and PostgreSQL.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

M=$T/m
revgen -d "$M" init >/dev/null 2>&1
first=$(revgen -d "$M" -m "first" 2>/dev/null)
V=$M/versions

# A revision under a hostile name: a copy of the first with its own id.
hostile() {
	sed -e "s/^-- revision: .*/-- revision: $2/" -e "s/^-- parents: .*/-- parents:/" \
	    "$first" >"$V/$1"
}

tcase "revorder --format=make: a ';' in a file name is refused, one line naming the file"
hostile ';id>PWNED;.sql' abc1
run revorder -d "$M" --format=make
status_is 2
stdout_is ""
stderr_is "revorder: $M/versions/;id>PWNED;.sql: the file name holds ';', which make cannot handle; rename it"

tcase "revorder --format=make: every character make reads as syntax, each file named"
rm -f "$V"/*PWNED*
i=0
for c in ' ' ':' '#' '$' '%' '\' '*' '?' '[' '(' ')' '=' '|' "'" '"' '`' '~' '<' '>' '&' '!' '{'; do
	i=$((i + 1))
	hostile "x${c}y$i.sql" "bad$i"
done
run revorder -d "$M" --format=make
status_is 2
stdout_is ""
[ "$(grep -c 'which make cannot handle; rename it' "$ERR")" = "$i" ] ||
    fail "expected $i lines: $(cat "$ERR")"
stderr_has "x:y2.sql: the file name holds ':'"
stderr_has "x\\\\y6.sql: the file name holds '\\\\'"
rm -f "$V"/x*

tcase "a newline in a file name: every listing of paths refuses it in one line, shown as \\n"
hostile "$(printf 'a\nb.sql')" nl1
for mode in "" "-v --heads" "-v --history" --format=make; do
	run revorder -d "$M" $mode
	status_is 2
	stdout_is ""
	[ "$(wc -l <"$ERR")" = 1 ] || fail "$mode: not one line: $(cat "$ERR")"
	stderr_has "$M/versions/a\\nb.sql: the file name holds '\\n'"
done
# What prints no path has nothing to refuse.
for mode in --heads --history "--check -q"; do
	run revorder -d "$M" $mode
	status_is 0
done
rm -f "$V/$(printf 'a\nb.sql')"

tcase "names make can carry are listed as they are"
hostile "0002_créer-table+v2,final@x.sql" ok1
run revorder -d "$M" --format=make
status_is 0
stdout_has "0002_créer-table+v2,final@x.sql"
rm -f "$V"/0002_*

tcase "a migrations directory make cannot name: said once, about the directory"
mkdir -p "$T/my dir"
cp -R "$M" "$T/my dir/m"
run revorder -d "$T/my dir/m" --format=make
status_is 2
stderr_is "revorder: $T/my dir/m: the directory name holds ' ', which make cannot handle; use a migrations directory without it (-d, DB_DIR)"
run revorder -d "$T/my dir/m"
status_is 0
stdout_has "$T/my dir/m/versions/"

tcase "revgen never writes a name make cannot carry, whatever the message"
for m in ';id>PWNED;' 'a b:c#d$(e)%f\g*h?i[j' "quote'\"\`" 'é à ü' '../../etc/x' '-rf .' ' '; do
	run revgen -d "$M" -m "$m"
	[ "$STATUS" = 0 ] || continue	# refused outright is fine too
	f=$(basename "$(cat "$OUT")")
	case $f in *[!a-z0-9_.]*) fail "revgen wrote '$f' for '$m'" ;; esac
done
run revorder -d "$M" --format=make
status_is 0

# --- Through the installed fragments. ---
install_fragments
BIN=$T/bin
recording_bindir "$BIN"

# pwned: whether a file name or state text was run as a command.
pwned() { [ -z "$(find "$T" -name '*PWNED*' ! -path '*/versions/*' 2>/dev/null)" ] ||
    fail "a command ran: $(find "$T" -name '*PWNED*' ! -path '*/versions/*')"; }

count_t() {
	if [ "$1" = sqlite ]; then
		sqlite3 "$P/app.db" "select count(*) from sqlite_master where name like 't%'"
	else
		psql -X -At -d dbrev_mk_names -c "select count(*) from pg_tables where tablename like 't%'"
	fi
}

for db in sqlite postgres; do
	if [ $db = sqlite ]; then
		url=sqlite:app.db
	elif pg_available; then
		url=$(pg_newdb dbrev_mk_names) || fail "cannot create a database"
	else
		skip "file names through the fragments on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
		continue
	fi
	inst_project "$T/n-$db" "$url"
	im db-init
	V=$P/migrations/versions

	tcase "$db: a file named ';id>PWNED;.sql' is never run: make, make -n db-upgrade, make db-upgrade"
	new_rev "$P/migrations" t0 "" "CREATE TABLE t0 (id INTEGER);"
	touch "$V/;id>PWNED;.sql"
	im
	status_is 0
	stdout_is default-goal
	im -n db-upgrade
	im db-upgrade
	status_is 2
	stderr_has ";id>PWNED;.sql"
	pwned
	rm -f "$V/;id>PWNED;.sql"
	im db-upgrade
	status_is 0

	tcase "$db: names with a blank, ':', '#', '\$', '%', a backslash or quotes are revisions like any other"
	prev=t0 i=0
	for name in 'a b.sql' 'a:b.sql' 'a#b.sql' 'a$(shell touch PWNED)b.sql' 'a%b.sql' \
	    'a\b.sql' "a'b\"c\`d.sql" 'a;b|c&d.sql'; do
		i=$((i + 1))
		new_rev "$P/migrations" "t$i" "$prev" "CREATE TABLE t$i (id INTEGER);" "$name"
		prev=t$i
	done
	im
	status_is 0
	stdout_is default-goal
	im db-upgrade
	status_is 0
	stdout_has UPGRADE
	[ "$(count_t $db)" = 9 ] || fail "tables: $(count_t $db), expected 9"
	im db-upgrade
	status_is 0
	stdout_is ""
	pwned

	tcase "$db: with those names every target works: db-current, db-history, db-heads, db-branches, db-show, db-sql, db-help"
	for t in db-current db-history db-heads db-branches db-sql db-help; do
		im $t
		status_is 0
	done
	im db-show REV=t3
	status_is 0
	stdout_has "CREATE TABLE t3"
	im db-show REV=t4
	status_is 0
	stdout_has "CREATE TABLE t4"
	pwned

	tcase "$db: a newline in a name: make works, the revision is applied; gone, nothing is left broken"
	nl=$(printf 'a\nb.sql')
	new_rev "$P/migrations" t9 t8 "CREATE TABLE t9 (id INTEGER);" "$nl"
	im
	status_is 0
	stdout_is default-goal
	im -n db-upgrade
	status_is 0
	im db-upgrade
	status_is 0
	[ "$(count_t $db)" = 10 ] || fail "tables: $(count_t $db), expected 10"
	mv "$V/$nl" "$V/t9_renamed.sql"
	new_rev "$P/migrations" t10 t9 "CREATE TABLE t10 (id INTEGER);" "$(printf 'c\nd.sql')"
	im
	status_is 0
	rm -f "$V/$(printf 'c\nd.sql')"
	im
	status_is 0
	stdout_is default-goal
	im db-upgrade
	status_is 0
	new_rev "$P/migrations" t10 t9 "CREATE TABLE t10 (id INTEGER);"
	im db-upgrade
	status_is 0
	stdout_has UPGRADE
	[ "$(count_t $db)" = 11 ] || fail "tables: $(count_t $db), expected 11"

	tcase "$db: a state directory holding garbage is not believed, and not run"
	settle
	im db-upgrade
	status_is 0
	new_rev "$P/migrations" t11 t10 "CREATE TABLE t11 (id INTEGER);"
	mkdir -p "$P/.dbrev/sqlite_app.db"
	# What an older dbrev left (make syntax with a newline), and lies.
	printf 'DBREV_FILES := a\nb.sql ;id>PWNED;\n$(shell touch PWNED)\n' >"$P/.dbrev/sqlite_app.db/graph.mk"
	for f in "$P"/.dbrev/graph-* "$P"/.dbrev/db-*; do
		[ -f "$f" ] || continue
		printf 'dbrev-state 1\nfiles %064d\ngraph %064d\nheads t0\n$(shell touch PWNED)\n' 0 0 >"$f"
	done
	im
	status_is 0
	im db-upgrade
	status_is 0
	stdout_has UPGRADE
	[ "$(count_t $db)" = 12 ] || fail "tables: $(count_t $db), expected 12"
	im db-current
	stdout_has "t11 (head)"
	pwned

	tcase "$db: DB_DIR and DB_STATE_DIR with blanks and quotes work"
	D=$T/d-$db
	inst_project "$D" "$url" "DB_DIR = my migrations
DB_STATE_DIR = state dir 'x'"
	[ $db = sqlite ] || psql -X -q -d dbrev_mk_names -c "DROP TABLE dbrev_revisions" >/dev/null
	im db-upgrade
	status_is 2
	stderr_has "dbrev: no my migrations/versions directory: make db-init creates one (or set DB_DIR)"
	im db-init
	status_is 0
	[ -d "$D/my migrations/versions" ] || fail "no 'my migrations/versions'"
	im db-revision M="first here"
	status_is 0
	im db-upgrade
	status_is 0
	stdout_has UPGRADE
	settle
	im db-upgrade
	status_is 0
	stdout_is ""
	[ -d "$D/state dir 'x'" ] || fail "no state dir: $(ls "$D")"
	im db-current
	status_is 0
	stdout_has "(head)"
done

finish
