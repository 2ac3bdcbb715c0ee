# revgen as a user types it: init, new revisions, branches, merges,
# hostile messages, errors, and (once it is built) autogenerate.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"

cd "$T" || exit 2
unset DBREV_DIR DATABASE_URL

# id_of PATH: the revision id in a revision file's header.
id_of() { sed -n 's/^-- revision: //p' "$1"; }
nfiles() { ls "$1"/versions/*.sql 2>/dev/null | wc -l | tr -d ' '; }

tcase "init scaffolds versions/, README and the template"
run revgen init
status_is 0
stdout_has "migrations/versions/"
stdout_has "migrations/README"
stdout_has "migrations/script.sql.tmpl"
[ -d migrations/versions ] || fail "no migrations/versions"
grep -q "Never edit a revision" migrations/README 2>/dev/null ||
	fail "README does not say never to edit applied revisions"
grep -q '\${message}' migrations/script.sql.tmpl 2>/dev/null ||
	fail "the template lacks its placeholders"

tcase "init again refuses and says what exists"
echo "my notes" >migrations/README
run revgen init
status_is 2
stderr_has "migrations/versions"
stderr_has "migrations/README"
stderr_has "exist"
[ "$(cat migrations/README)" = "my notes" ] || fail "README was overwritten"

tcase "-m on an empty directory writes a root revision"
run revgen -m "Create users table"
status_is 0
first=$(cat "$OUT")
case $first in
migrations/versions/[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]_create_users_table.sql) ;;
*) fail "unexpected path '$first'" ;;
esac
[ -f "$first" ] || fail "$first not written"
A=$(id_of "$first")
grep -qx -- "-- parents:" "$first" || fail "root revision has parents: $(cat "$first")"
grep -qx -- "-- message: Create users table" "$first" || fail "message not in header"
grep -Eqx -- "-- created: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z" "$first" ||
	fail "no UTC ISO 8601 created line"
grep -qx -- "-- +upgrade" "$first" || fail "no upgrade section"
grep -qx -- "-- +downgrade" "$first" || fail "no downgrade section"
[ "$(nfiles migrations)" = 1 ] || fail "expected 1 file"

tcase "a second -m is a child of the first"
run revgen -m "Add email to users"
status_is 0
second=$(cat "$OUT")
B=$(id_of "$second")
grep -qx -- "-- parents: $A" "$second" || fail "parent is not $A: $(head -3 "$second")"
[ "$A" != "$B" ] || fail "same id twice"

tcase "revorder shows both in order"
run revorder
status_is 0
[ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$A $B " ] ||
	fail "revorder: $(cat "$OUT")"

tcase "--head on an older revision (by prefix) makes a branch"
prefix=$(printf %s "$A" | cut -c1-7)
run revgen --head "$prefix" -m "Experimental branch"
status_is 0
branch=$(cat "$OUT")
C=$(id_of "$branch")
grep -qx -- "-- parents: $A" "$branch" || fail "branch parent is not $A"

tcase "with two heads, -m refuses and lists both"
run revgen -m "Ambiguous"
status_is 2
stderr_has "2 heads"
stderr_has "$B"
stderr_has "$C"
stderr_has "--head"
stderr_has "revgen merge"
[ "$(nfiles migrations)" = 3 ] || fail "a file was written"

tcase "--head head with two heads refuses as -m does; --head heads points at merge"
run revgen --head head -m "Ambiguous"
status_is 2
stderr_has "2 heads"
run revgen --head heads -m "Ambiguous"
status_is 2
stderr_has "revgen merge"
[ "$(nfiles migrations)" = 3 ] || fail "a file was written"

tcase "--head with an unknown revision is an error"
run revgen --head ffffffffffff_nope -m x
status_is 2
stderr_has "ffffffffffff_nope"
[ "$(nfiles migrations)" = 3 ] || fail "a file was written"

tcase "merge joins all heads"
run revgen merge -m "Merge branches"
status_is 0
merge=$(cat "$OUT")
M=$(id_of "$merge")
parents=$(sed -n 's/^-- parents: //p' "$merge")
case " $parents " in *" $B "*) ;; *) fail "merge parents '$parents' lack $B" ;; esac
case " $parents " in *" $C "*) ;; *) fail "merge parents '$parents' lack $C" ;; esac
run revorder --heads
stdout_has "$M"
[ "$(wc -l <"$OUT")" = 1 ] || fail "not a single head: $(cat "$OUT")"

tcase "merge with a single head is refused"
run revgen merge -m "Nothing to merge"
status_is 2
stderr_has "nothing to merge"
stderr_has "$M"

tcase "-m after merge goes on the merge revision"
run revgen -m "After merge"
status_is 0
grep -qx -- "-- parents: $M" "$(cat "$OUT")" || fail "parent is not the merge"

tcase "--head head is the single head"
run revgen --head head -m "After that"
status_is 0
grep -qx -- "-- parents: $(id_of "$(ls migrations/versions/*after_merge.sql)")" "$(cat "$OUT")" ||
	fail "parent is not the single head"

tcase "hostile messages stay text"
mkdir -p home
echo canary >home/canary
before=$(nfiles migrations)
HOME=$T/home run revgen -m 'x"; rm -rf ~; "'
status_is 0
f1=$(cat "$OUT")
HOME=$T/home run revgen -m '$(touch pwned) `touch pwned2` ${upgrade} %s%n'
status_is 0
f2=$(cat "$OUT")
grep -qxF -- '-- message: x"; rm -rf ~; "' "$f1" || fail "header: $(sed -n 3p "$f1")"
grep -qxF -- '-- message: $(touch pwned) `touch pwned2` ${upgrade} %s%n' "$f2" ||
	fail "header: $(sed -n 3p "$f2")"
case $f1 in migrations/versions/*_x_rm_rf.sql) ;; *) fail "file name '$f1'" ;; esac
case $f2 in migrations/versions/*_touch_pwned_touch_pwned2_upgrade_s_n.sql) ;; *) fail "file name '$f2'" ;; esac
[ -f home/canary ] || fail "HOME was emptied"
[ ! -e pwned ] && [ ! -e pwned2 ] && [ ! -e migrations/pwned ] ||
	fail "a command in the message ran"
[ "$(nfiles migrations)" = $((before + 2)) ] || fail "not exactly two new files"
run revorder --check
status_is 0

tcase "a message with a newline is refused with exit 2"
before=$(nfiles migrations)
run revgen -m "first line
second line"
status_is 2
stderr_has "more than one line"
[ "$(nfiles migrations)" = "$before" ] || fail "a file was written"

tcase "a message with a control character is refused with exit 2, for every command"
before=$(nfiles migrations)
for m in "$(printf 'tab\there')" "$(printf 'esc \033[31mred')" "$(printf 'csi \302\23331m')" \
    "$(printf 'rlo \342\200\256 txt')" "$(printf 'line\342\200\250sep')"; do
	for verb in "" merge; do
		run revgen $verb -m "$m"
		status_is 2
		stderr_has "revgen: the message"
		[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
	done
done
[ "$(nfiles migrations)" = "$before" ] || fail "a file was written"

tcase "an empty message is refused"
run revgen -m "   "
status_is 2
stderr_has "message is empty"

tcase "-m is required"
run revgen
status_is 2
stderr_has "-m MSG"
stderr_has "usage:"

tcase "missing migrations directory: clear error, exit 2"
run revgen -d nowhere -m "x"
status_is 2
stderr_has "nowhere: no such migrations directory"
stderr_has "revgen init"
[ ! -e nowhere ] || fail "nowhere was created"

tcase "a directory without versions/ is not a migrations directory"
mkdir -p notmig
run revgen -d notmig -m "x"
status_is 2
stderr_has "notmig: not a migrations directory"

tcase "DBREV_DIR picks the directory, -d wins over it"
DBREV_DIR=$T/other run revgen init -q
status_is 0
[ -d other/versions ] || fail "DBREV_DIR not used by init"
DBREV_DIR=$T/other run revgen -m "in other"
status_is 0
stdout_has "$T/other/versions/"
DBREV_DIR=$T/nowhere run revgen -d other -m "with -d"
status_is 0
stdout_has "other/versions/"

tcase "--head base starts a new root; --no-transaction marks the file"
run revgen -d other --head base --no-transaction -m "second root"
status_is 0
f=$(cat "$OUT")
grep -qx -- "-- parents:" "$f" || fail "not a root"
grep -qx -- "-- transaction: none" "$f" || fail "no transaction: none"
run revorder -d other --heads
[ "$(wc -l <"$OUT")" = 2 ] || fail "expected two heads: $(cat "$OUT")"

tcase "options after the command word, and POSIXLY_CORRECT"
POSIXLY_CORRECT=1 run revgen merge -d other -m "join roots"
status_is 0
stdout_has "other/versions/"
run revgen -d other -m "pre" merge
status_is 2
stderr_has "nothing to merge"

tcase "usage errors exit 2"
run revgen frobnicate
status_is 2
stderr_has "unknown command 'frobnicate'"
stderr_has "usage:"
run revgen init -m "x"
status_is 2
stderr_has "-m does not go with init"
run revgen merge
status_is 2
stderr_has "merge needs a message"
run revgen --bogus
status_is 2
stderr_has "usage:"
run revgen -m x --schema s.sql
status_is 2
stderr_has "--autogenerate"
run revgen init extra
status_is 2
stderr_has "unexpected argument 'extra'"

tcase "a user template is used; a broken one writes nothing"
cat >other/script.sql.tmpl <<'EOF'
## house template
-- revision: ${revision}
-- parents: ${parents}
-- message: ${message}
-- created: ${created}
${transaction}

-- +upgrade
-- ${message}: write the upgrade here
${upgrade}

-- +downgrade
${downgrade}
EOF
run revgen -d other -m "templated"
status_is 0
f=$(cat "$OUT")
grep -qx -- "-- templated: write the upgrade here" "$f" || fail "template not used: $(cat "$f")"
grep -q "house template" "$f" && fail "template comment copied"
before=$(nfiles other)
printf '%s\n' '-- revision: ${revision}' '-- author: ${author}' >other/script.sql.tmpl
run revgen -d other -m "broken"
status_is 2
stderr_has "script.sql.tmpl:2: unknown placeholder '\${author}'"
[ "$(nfiles other)" = "$before" ] || fail "a file was written"

tcase "an invalid revision in the directory is reported, nothing written"
printf -- '-- revision: bad id!\n\n-- +upgrade\n' >other/versions/zz_bad.sql
before=$(nfiles other)
run revgen -d other -m "x"
status_is 2
stderr_has "zz_bad.sql:1:"
[ "$(nfiles other)" = "$before" ] || fail "a file was written"
rm -f other/versions/zz_bad.sql

tcase "--help and --version"
run revgen --help
status_is 0
stdout_has "usage: revgen"
stdout_has "--autogenerate"
[ ! -s "$ERR" ] || fail "stderr not empty"
run revgen --version
status_is 0
stdout_has "revgen dbrev "

tcase "-v says what it wrote; the path is always on stdout"
run revgen -v -m "verbose one"
status_is 0
stderr_has "new revision"
[ "$(wc -l <"$OUT")" = 1 ] || fail "stdout is not one path"

# ---- autogenerate: needs the autogenerate issue (lib/autogen.c) ----
revision ag/versions/000000000001_users.sql 000000000001 "" users \
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" \
    "DROP TABLE users;"
echo 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);' >same.sql
cat >more.sql <<'EOF'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));
EOF
printf 'CREATE TABLE broken (\n  id INTEGER PRIMARY KEY,\n  oops NOT A TYPE (((\n);\n' >bad.sql

run revgen -d ag check --schema same.sql
if grep -q "not built yet" "$ERR"; then
	why="autogenerate is not built yet (lib/autogen.c is a stub): $(head -c 200 "$ERR")"
	for c in "check: equal schema exits 0 silently" \
	    "check -v says so" \
	    "check: differences listed, exit 1" \
	    "autogenerate with no changes writes nothing" \
	    "autogenerate writes the revision on the head" \
	    "after autogenerate, check passes" \
	    "autogenerate never opens DATABASE_URL" \
	    "a bad schema file names its line, nothing written" \
	    "autogenerate with several heads refuses"; do
		skip "$c" "$why"
	done
	finish
fi

tcase "check: equal schema exits 0 silently"
status_is 0
[ ! -s "$OUT" ] || fail "stdout: $(cat "$OUT")"
[ ! -s "$ERR" ] || fail "stderr: $(cat "$ERR")"

tcase "check -v says so"
run revgen -d ag -v check --schema same.sql
status_is 0
stderr_has "No changes in schema detected."

tcase "check: differences listed, exit 1"
run revgen -d ag check --schema more.sql
status_is 1
[ -s "$OUT" ] || fail "no differences listed"
stdout_has "posts"
stdout_has "email"
stderr_has "do not build"

tcase "autogenerate with no changes writes nothing"
run revgen -d ag -m "nothing" --autogenerate --schema same.sql
status_is 0
stderr_has "No changes in schema detected."
[ ! -s "$OUT" ] || fail "stdout: $(cat "$OUT")"
[ "$(nfiles ag)" = 1 ] || fail "a file was written"

tcase "autogenerate writes the revision on the head"
run revgen -d ag -m "posts and email" --autogenerate --schema more.sql
status_is 0
f=$(cat "$OUT")
[ -f "$f" ] || fail "no file at '$f'"
grep -qx -- "-- parents: 000000000001" "$f" || fail "parent: $(head -3 "$f")"
grep -qi "create table.*posts" "$f" || fail "no CREATE TABLE posts: $(cat "$f")"
grep -qx -- "-- +downgrade" "$f" || fail "no downgrade"
run revorder -d ag --check
status_is 0

tcase "after autogenerate, check passes"
run revgen -d ag check --schema more.sql
status_is 0

tcase "autogenerate never opens DATABASE_URL"
DATABASE_URL="sqlite:$T/never/app.db" run revgen -d ag check --schema more.sql
status_is 0
[ ! -e never ] || fail "the DATABASE_URL database was created"

tcase "a bad schema file names its line, nothing written"
before=$(nfiles ag)
run revgen -d ag -m "bad" --autogenerate --schema bad.sql
status_is 2
stderr_has "bad.sql:"
[ "$(nfiles ag)" = "$before" ] || fail "a file was written"

tcase "autogenerate with several heads refuses"
run revgen -d ag --head base -m "another root"
run revgen -d ag -m "x" --autogenerate --schema more.sql
status_is 2
stderr_has "2 heads"
stderr_has "revgen merge"

finish
