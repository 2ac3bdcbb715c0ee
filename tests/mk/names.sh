# Revision file names and directory names that make or a shell would
# read as syntax (issue 11, part 1): revorder --format=make refuses them
# with one line per file, revorder's line listings refuse control
# characters, revgen never writes such a name, and the fragments never
# hand a file name to make (tests through the installed fragments are in
# names_fragments.sh).
. "$DBREV_SRCDIR/tests/lib/test.sh"

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

tcase "a newline in a file name: one line per file in every listing, shown as \\n"
hostile "$(printf 'a\nb.sql')" nl1
for mode in "" --heads --history --check --format=make; do
	run revorder -d "$M" $mode
	status_is 2
	stdout_is ""
	[ "$(wc -l <"$ERR")" = 1 ] || fail "$mode: not one line: $(cat "$ERR")"
	stderr_has "$M/versions/a\\nb.sql: the file name holds '\\n'"
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

finish
