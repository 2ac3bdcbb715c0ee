# The offline script (revapply --sql) does what the online run does:
# every revision the test suites have (the examples, the SQLite
# autogenerate corpus of tests/autogen as revgen writes it, with its seed
# data) and hostile ones, applied online and through sqlite3 / psql, give
# the same schema, rows and version rows, or are refused both ways.  (The
# PostgreSQL corpus: revapply_offline_postgres.sh; the revisions of
# revapply_sqlite.sh and revapply_postgres.sh are checked at their end.)
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"	# rev
. "$DBREV_SRCDIR/tests/lib/offline.sh"	# offline_same
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR
P=ro_

tcase "the examples: online and offline agree"
offline_same sqlite "$DBREV_SRCDIR/examples/sqlite-app/migrations" sqlite-app
if pg_available; then
	offline_same postgresql "$DBREV_SRCDIR/examples/postgres-app/migrations" postgres-app
else
	skip "the PostgreSQL example" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
fi

# corpus KIND DIR URL: for each tests/autogen/DIR case, the revisions
# revgen writes for S0, a revision loading its seed data, and S1.
corpus() {
	local kind=$1 url=$3 d n m s0 args
	for d in "$DBREV_SRCDIR"/tests/autogen/"$2"/*/; do
		n=$(basename "$d") m=$T/ag_$kind/$n
		revgen -q -d "$m" init >/dev/null 2>&1
		s0=$(revgen -d "$m" -u "$url" -m s0 --autogenerate --schema "$d/s0.sql" 2>"$T/.g0") ||
			{ fail "$n: autogenerate S0: $(head -c 300 "$T/.g0")"; continue; }
		if [ -f "$d/seed.sql" ]; then
			rev "$m" 5eed0000000a "$(sed -n 's/^-- revision: //p' "$s0")" "seed" \
			    "$(cat "$d/seed.sql")" "SELECT 1;"
		fi
		args=
		[ -f "$d/args" ] && args=$(cat "$d/args")
		# shellcheck disable=SC2086
		revgen -q -d "$m" -u "$url" -m s1 --autogenerate --schema "$d/s1.sql" $args \
		    >/dev/null 2>"$T/.g1" || { fail "$n: autogenerate S1: $(head -c 300 "$T/.g1")"; continue; }
		offline_same "$kind" "$m" "$kind/$n"
	done
}

tcase "the SQLite autogenerate corpus: online and offline agree"
corpus sqlite sqlite "sqlite:$T/never.db"
[ ! -e "$T/never.db" ] || fail "autogenerate opened DATABASE_URL"

# hostile DIR DIALECT: revisions that online and offline runs used to
# read differently, one migrations directory each under DIR.
hostile() {
	local h=$1 kind=$2 n
	n() { echo "$h/$1"; }
	# A transactional revision that commits half of itself.
	rev "$(n commit)" a1aaaaaaaaaa "" "commit" "CREATE TABLE a (x int);
COMMIT;
CREATE TABLE b (x int);" "DROP TABLE b; DROP TABLE a;"
	# No ';' after the last statement: the next line is not glued to it.
	rev "$(n nosemi)" a1aaaaaaaaaa "" "no semicolon" "CREATE TABLE a (x int)" "DROP TABLE a"
	rev "$(n nosemi)" b2bbbbbbbbbb a1aaaaaaaaaa "again" "CREATE TABLE b (x int);
INSERT INTO b VALUES (1) -- a comment; and no semicolon" "DROP TABLE b"
	# A block comment left open at the end of the section.
	rev "$(n opencomment)" a1aaaaaaaaaa "" "open comment" "CREATE TABLE a (x int);
/* a note that is never closed" "DROP TABLE a;"
	rev "$(n opencomment)" b2bbbbbbbbbb a1aaaaaaaaaa "after" "CREATE TABLE b (x int);" "DROP TABLE b;"
	# What the shells read as their own commands.
	rev "$(n dot)" a1aaaaaaaaaa "" "dot" "CREATE TABLE a (x int);
.shell touch $h/pwned
CREATE TABLE b (x int);" "DROP TABLE a;"
	rev "$(n hash)" a1aaaaaaaaaa "" "hash" "# a shell comment
CREATE TABLE a (x int);" "DROP TABLE a;"
	rev "$(n meta)" a1aaaaaaaaaa "" "meta" "CREATE TABLE a (x int);
\\! touch $h/pwned
SELECT 1 \\g" "DROP TABLE a;"
	# Quotes: left open, and names and values that look like SQL.
	rev "$(n openquote)" a1aaaaaaaaaa "" "open quote" "CREATE TABLE a (x text);
INSERT INTO a VALUES ('it is never closed);" "DROP TABLE a;"
	rev "$(n names)" a1aaaaaaaaaa "" "names" "CREATE TABLE \"we;ird \"\"t\"\" -- x\" (\"c;ol\" text);
INSERT INTO \"we;ird \"\"t\"\" -- x\" VALUES ('it''s; -- not a comment /* nor this'), ('\$(touch $h/pwned)'), ('
.line'), ('\\x'), ('#');" "DROP TABLE \"we;ird \"\"t\"\" -- x\";"
	# transaction: none: its own transaction, ended or not.
	rev "$(n ownbegin)" a1aaaaaaaaaa "" "own" "BEGIN;
CREATE TABLE a (x int);
COMMIT;
CREATE TABLE b (x int);" "DROP TABLE b;
DROP TABLE a" "transaction: none"
	rev "$(n openbegin)" a1aaaaaaaaaa "" "open" "BEGIN;
CREATE TABLE a (x int);" "DROP TABLE a;" "transaction: none"
	# CRLF line ends, and a failing revision after a good one.
	rev "$(n crlf)" a1aaaaaaaaaa "" "crlf" "$(printf 'CREATE TABLE a (x int);\r\nINSERT INTO a VALUES (1);\r')" \
	    "$(printf 'DROP TABLE a;\r')"
	rev "$(n fails)" a1aaaaaaaaaa "" "good" "CREATE TABLE a (x int);" "DROP TABLE a;"
	rev "$(n fails)" b2bbbbbbbbbb a1aaaaaaaaaa "bad" "CREATE TABLE b (x int);
INSERT INTO nosuch VALUES (1);" "DROP TABLE b;"
	if [ "$kind" = sqlite ]; then
		# A trigger body, and no ';' after its END.
		rev "$(n trigger)" a1aaaaaaaaaa "" "trigger" "CREATE TABLE a (x int);
CREATE TABLE log (x int);
CREATE TRIGGER a_ins AFTER INSERT ON a BEGIN
  INSERT INTO log VALUES (new.x);
  INSERT INTO log VALUES (new.x + 1);
END" "DROP TABLE log; DROP TABLE a;"
		rev "$(n trigger)" b2bbbbbbbbbb a1aaaaaaaaaa "fire" "INSERT INTO a VALUES (1);" "DELETE FROM a; DELETE FROM log;"
		# A rebuild's PRAGMA foreign_keys = ON, then a DELETE that
		# would cascade with foreign keys on (issue 18, item 12).
		rev "$(n fkrebuild)" a1aaaaaaaaaa "" "tables" "CREATE TABLE p (id INTEGER PRIMARY KEY);
CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE);
INSERT INTO p VALUES (1);
INSERT INTO c VALUES (1, 1);" "DROP TABLE c; DROP TABLE p;"
		rev "$(n fkrebuild)" b2bbbbbbbbbb a1aaaaaaaaaa "rebuild" "PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE p_new (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO p_new (id) SELECT id FROM p;
DROP TABLE p;
ALTER TABLE p_new RENAME TO p;
COMMIT;
PRAGMA foreign_keys = ON;" "SELECT 1;" "transaction: none"
		rev "$(n fkrebuild)" c3cccccccccc b2bbbbbbbbbb "delete" "DELETE FROM p WHERE id = 1;" "INSERT INTO p (id) VALUES (1);"
		rev "$(n vacuum)" a1aaaaaaaaaa "" "vacuum" "CREATE TABLE a (x int);
VACUUM;" "DROP TABLE a;"
		# Lines the shell reads as ';' (Oracle, SQL Server), a
		# character SQLite refuses, a trigger without its END.
		rev "$(n slash)" a1aaaaaaaaaa "" "slash" "CREATE TABLE a (x int)
/" "DROP TABLE a;"
		rev "$(n go)" a1aaaaaaaaaa "" "go" "CREATE TABLE a (x int);
GO -- done" "DROP TABLE a;"
		rev "$(n vtab)" a1aaaaaaaaaa "" "vertical tab" "$(printf 'CREATE TABLE a (x int);\v')" "DROP TABLE a;"
		rev "$(n noend)" a1aaaaaaaaaa "" "no end" "CREATE TABLE a (x int);
CREATE TRIGGER t AFTER INSERT ON a BEGIN
  DELETE FROM a;" "DROP TABLE a;"
	else
		rev "$(n copy)" a1aaaaaaaaaa "" "copy" "CREATE TABLE a (x int);
COPY a FROM STDIN;" "DROP TABLE a;"
		rev "$(n dollar)" a1aaaaaaaaaa "" "dollar" "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS \$\$ SELECT ';' || E'\\\\' || '\\\\' \$\$;
CREATE TABLE a AS SELECT f() AS v;
CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END" "DROP TABLE a; DROP FUNCTION f(); DROP FUNCTION g()"
		rev "$(n opendollar)" a1aaaaaaaaaa "" "open dollar" "CREATE TABLE a (x int);
SELECT \$x\$ never closed" "DROP TABLE a;"
		rev "$(n settings)" a1aaaaaaaaaa "" "settings" "CREATE SCHEMA other;
SET search_path = other;
CREATE TEMP TABLE scratch (x int);" "DROP SCHEMA other;"
		rev "$(n settings)" b2bbbbbbbbbb a1aaaaaaaaaa "after" "CREATE TABLE t (x int);
CREATE TEMP TABLE scratch (x int);" "DROP TABLE t;"
	fi
}

tcase "hostile revisions on SQLite: online and offline agree, or both refuse"
hostile "$T/hs" sqlite
for d in "$T"/hs/*/; do
	offline_same sqlite "$d" "sqlite/$(basename "$d")"
done
[ ! -e "$T/hs/pwned" ] || fail "a shell command ran"

tcase "hostile revisions on PostgreSQL: online and offline agree, or both refuse"
if pg_available; then
	hostile "$T/hp" postgresql
	for d in "$T"/hp/*/; do
		offline_same postgresql "$d" "postgresql/$(basename "$d")"
	done
	[ ! -e "$T/hp/pwned" ] || fail "a shell command ran"
else
	skip "hostile revisions on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
fi

tcase "the offline script refuses with file:line what the online run refuses"
run revapply -d "$T/hs/commit" --dialect sqlite --sql upgrade
status_is 2
stderr_is "revapply: $T/hs/commit/versions/a1aaaaaaaaaa_rev.sql:7: a statement that ends the revision's transaction (BEGIN, COMMIT, END or ROLLBACK); remove it (each revision runs in a transaction of its own), or mark the revision '-- transaction: none'"
stdout_is ""
run revapply -d "$T/hs/dot" --dialect sqlite --sql upgrade
status_is 2
stderr_has "a1aaaaaaaaaa_rev.sql:7: a line that starts with '.': the sqlite3 shell would read it as a dot-command"
run revapply -d "$T/hs/openbegin" --dialect sqlite --sql upgrade
status_is 2
stderr_has "a1aaaaaaaaaa_rev.sql:7: the revision begins a transaction and does not end it"
run revapply -d "$T/hs/openquote" --dialect postgresql --sql upgrade
status_is 2
stderr_has "a1aaaaaaaaaa_rev.sql:7: a quoted string, dollar quote or comment that is not closed"
run revapply -d "$T/hs/meta" --dialect postgresql --sql upgrade
status_is 2
stderr_has "a1aaaaaaaaaa_rev.sql:7: a backslash outside quotes"

finish
