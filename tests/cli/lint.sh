# tests/cli/lint.sh - revorder --lint as a user types it: the finding
# lines and exit statuses, choosing the revisions (--since, a database),
# allow lines and lint.conf, awkward names, large inputs, the whole test
# corpus; differential checks that the rules agree with what sqlite3 and
# PostgreSQL really do (fail on a table with rows, fail in a transaction,
# rewrite the table); and what revgen --autogenerate writes, linted.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"

cd "$T" || exit 1
unset DATABASE_URL
# A finding: path:line: rule: what; the safe way
FINDING='^[^:]+:[0-9]+: [a-z][a-z-]*: .+; .+$'

# lint_one DIALECT SETUP STATEMENT: lint STATEMENT (revision r1, SQL on
# line 6) after SETUP (r0); prints the rules it flags, one per line.
lint_one() {
	rm -rf "$T/one"
	rev "$T/one" r0 "" setup "$2"
	rev "$T/one" r1 r0 statement "$3"
	revorder -q -d "$T/one" --lint --dialect "$1" --since r0 |
	    sed -n 's/^[^:]*:6: \([a-z-]*\): .*/\1/p' | sort -u
}

M=$T/m
rev "$M" aa "" "create" "CREATE TABLE t (id bigint PRIMARY KEY, a text);"
rev "$M" bb aa "index" "CREATE INDEX t_a ON t (a);
ALTER TABLE t ADD COLUMN n integer;"

tcase "--lint needs a dialect: --dialect, -u or DATABASE_URL"
run revorder -d "$M" --lint
status_is 2
stderr_has "revorder: --lint needs the database: --dialect sqlite|postgresql, -u URL or DATABASE_URL"
stdout_is ""

tcase "usage errors exit 2"
for args in "--lint --dialect mysql" "--since aa" "--dialect sqlite" \
    "--lint -u sqlite:x.db --since aa" "--lint -u sqlite:x.db --dialect sqlite" \
    "--lint --dialect sqlite --table v" "--lint --heads"; do
	# shellcheck disable=SC2086
	run revorder -d "$M" $args
	[ "$STATUS" = 2 ] || fail "revorder $args: status $STATUS"
	grep -q '^usage: revorder' "$ERR" || fail "revorder $args: no usage line"
done
[ ! -e x.db ] || fail "x.db was created"

tcase "findings on stdout, path:line: rule: what; the safe way; exit 1 on an error"
run revorder -d "$M" --lint --dialect postgresql
status_is 1
stdout_has "$M/versions/bb_rev.sql:6: require-concurrent-index-creation: CREATE INDEX on existing table t blocks its writes until the index is built; CREATE INDEX CONCURRENTLY, in a revision of its own marked '-- transaction: none'"
stdout_has "$M/versions/bb_rev.sql:7: prefer-bigint-over-int: warning: t.n is a 32-bit integer"
stdout_has "$M/versions/bb_rev.sql:6: require-lock-timeout: warning: "
[ "$(wc -l <"$OUT")" = 3 ] || fail "expected 3 findings: $(cat "$OUT")"
grep -Evq "$FINDING" "$OUT" && fail "malformed line: $(grep -Ev "$FINDING" "$OUT")"
stderr_is "revorder: lint: 2 revisions checked: 1 error, 2 warnings"

tcase "-q: no summary; warnings alone exit 0"
run revorder -q -d "$M" --lint --dialect sqlite
status_is 0
stderr_is ""
stdout_is "$M/versions/bb_rev.sql:6: blocking-index-creation: warning: building an index on existing table t reads every row while the database is locked for writes; run it when the database is quiet (readers go on in WAL mode, writers wait up to their busy timeout), or allow it with a reason when the table is small"

tcase "DATABASE_URL names the dialect only: nothing connects, every revision is linted"
DATABASE_URL='postgresql://u:s3cret@nohost.invalid:1/db?connect_timeout=30' \
    run revorder -d "$M" --lint
status_is 1
stderr_has "2 revisions checked"
stderr_lacks "s3cret"
DATABASE_URL="sqlite:$T/nodir/app.db" run revorder -d "$M" --lint
status_is 0
[ ! -e "$T/nodir" ] || fail "the DATABASE_URL directory was created"

tcase "--since REV: only what an upgrade from REV applies"
run revorder -d "$M" --lint --dialect postgresql --since aa
status_is 1
stderr_has "1 revision checked"
run revorder -d "$M" --lint --dialect postgresql --since head
status_is 0
stderr_has "0 revisions checked"
stdout_is ""
run revorder -d "$M" --lint --dialect postgresql --since nope
status_is 2
stderr_has "nope"

tcase "-u URL: only the revisions not applied there; a missing SQLite file is not created"
run revorder -d "$M" --lint -u "sqlite:$T/app.db"
status_is 0
stderr_has "2 revisions checked"
[ ! -e "$T/app.db" ] || fail "the database was created"
run revapply -q -d "$M" -u "sqlite:$T/app.db" upgrade aa
status_is 0
run revorder -d "$M" --lint -u "sqlite:$T/app.db"
stderr_has "1 revision checked"
run revapply -q -d "$M" -u "sqlite:$T/app.db" upgrade
run revorder -d "$M" --lint -u "sqlite:$T/app.db"
status_is 0
stderr_has "0 revisions checked"
run revorder -d "$M" --lint -u "sqlite:$T/app.db" --table other_table
stderr_has "2 revisions checked"

tcase "-u URL that cannot be read: exit 1, no password shown"
run revorder -d "$M" --lint -u 'postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=5'
status_is 1
stderr_lacks "s3cret"
stdout_is ""

tcase "lint: allow RULE -- reason leaves that rule out of that revision"
A=$T/allow
rev "$A" aa "" "create" "CREATE TABLE t (id bigint, a text);"
rev "$A" bb aa "drop" "ALTER TABLE t DROP COLUMN a;
DROP TABLE t;" - "lint: allow ban-drop-column -- the code stopped reading it in 2.4"
run revorder -d "$A" --lint --dialect postgresql
status_is 1
stdout_lacks "ban-drop-column"
stdout_has "$A/versions/bb_rev.sql:8: ban-drop-table: "
stderr_is "revorder: lint: 2 revisions checked: 1 error, 1 warning, 1 allowed by 'lint: allow' lines"

tcase "an allow line without a reason, or of an unknown rule: file:line, exit 2"
rev "$A" cc bb "bad" "SELECT 1;" - "lint: allow ban-drop-table"
run revorder -d "$A" --lint --dialect sqlite
status_is 2
stderr_is "revorder: $A/versions/cc_rev.sql:4: lint: allowing 'ban-drop-table' needs a reason; say why after '--', e.g. '-- lint: allow ban-drop-table -- the table is small'"
stdout_is ""
rev "$A" cc bb "bad" "SELECT 1;" - "lint: allow drop-everything -- why not"
run revorder -d "$A" --lint --dialect sqlite
status_is 2
stderr_has "cc_rev.sql:4: lint: unknown rule 'drop-everything'; the rules are listed in revorder(1), LINT"
rm -f "$A/versions/cc_rev.sql"

tcase "lint.conf sets levels; a bad line is file:line, exit 2"
printf '# project levels\nprefer-bigint-over-int error\nrequire-lock-timeout off # we set it in revapply\n' >"$M/lint.conf"
run revorder -d "$M" --lint --dialect postgresql --since aa
status_is 1
stdout_has "prefer-bigint-over-int: t.n is a 32-bit integer"
stdout_lacks "require-lock-timeout"
stderr_has "2 errors, 0 warnings"
printf 'ban-drop-table off\nban-drop-column loud\n' >"$M/lint.conf"
run revorder -d "$M" --lint --dialect postgresql
status_is 2
stderr_is "revorder: $M/lint.conf:2: unknown level 'loud'; the levels are off, warning and error"
rm -f "$M/lint.conf"

tcase "names with ; spaces \$( quotes and # are data, never syntax"
W="$T/we; ird \$(touch PWNED) 'q' \"dq\" #x"
rev "$W" aa "" "create" "CREATE TABLE \"t; \$(touch PWNED) 'q' #\" (id bigint, \"c;\"\"x\" text);"
rev "$W" bb aa "drop" "ALTER TABLE \"t; \$(touch PWNED) 'q' #\" DROP COLUMN \"c;\"\"x\";"
run revorder -d "$W" --lint --dialect postgresql
status_is 1
stdout_has "$W/versions/bb_rev.sql:6: ban-drop-column: dropping column t; \$(touch pwned) 'q' #.c;\"x breaks"
[ ! -e PWNED ] && [ ! -e "$W/PWNED" ] || fail "a name was run as a command"

tcase "a newline in a directory or table name: still one finding per line, shown escaped"
N="$T/new
line"
rev "$N" aa "" "create" "CREATE TABLE \"a
b\" (id bigint);"
rev "$N" bb aa "drop" "DROP TABLE \"a
b\";"
run revorder -d "$N" --lint --dialect sqlite
status_is 1
stdout_is "$T/new\\nline/versions/bb_rev.sql:6: ban-drop-table: dropping table a\\nb breaks the code still running that uses it, and its rows are gone; expand and contract: first release code that no longer uses the table, then drop it in a later revision with '-- lint: allow ban-drop-table -- REASON'"

tcase "strings, dollar quotes, comments and quoted names are not statements"
S=$T/strings
rev "$S" aa "" "create" "CREATE TABLE t (id bigint);"
rev "$S" bb aa "data" "INSERT INTO t VALUES (1); -- DROP TABLE t;
SELECT 'DROP TABLE t;', \$x\$ DROP TABLE t; \$x\$, E'\\'; DROP TABLE t;' AS \"DROP TABLE t;\";
/* DROP TABLE t; /* nested */ DROP TABLE t; */
DO \$\$ BEGIN EXECUTE 'DROP TABLE t'; END \$\$;
DROP TABLE t;"
run revorder -d "$S" --lint --dialect postgresql --since aa
status_is 1
stdout_has "$S/versions/bb_rev.sql:10: ban-drop-table:"
[ "$(grep -c ban-drop-table "$OUT")" = 1 ] || fail "$(cat "$OUT")"

tcase "the guide's safe forms lint clean"
G=$T/guide
rev "$G" aa "" "create" "CREATE TABLE users (id bigint, email text);
CREATE TABLE orders (id bigint, users_id bigint);"
rev "$G" bb aa "expand" "SET LOCAL lock_timeout = '5s';
ALTER TABLE users ADD CONSTRAINT email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD COLUMN token uuid;
ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();
UPDATE orders SET token = gen_random_uuid() WHERE id BETWEEN 1 AND 10000 AND token IS NULL;
ALTER TABLE orders ADD CONSTRAINT orders_users FOREIGN KEY (users_id) REFERENCES users (id) NOT VALID;"
rev "$G" cc bb "index" "CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);" - "transaction: none"
rev "$G" dd cc "validate" "SET LOCAL lock_timeout = '5s';
ALTER TABLE users VALIDATE CONSTRAINT email_not_null;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT email_not_null;
ALTER TABLE orders VALIDATE CONSTRAINT orders_users;
ALTER TABLE users ADD CONSTRAINT users_email UNIQUE USING INDEX users_email;"
run revorder -d "$G" --lint --dialect postgresql
status_is 0
stdout_is ""
stderr_is "revorder: lint: 4 revisions checked: 0 errors, 0 warnings"

tcase "large inputs: a revision of 100,000 statements, 10,000 revisions"
L=$T/large
mkdir -p "$L/versions"
awk 'BEGIN {
	print "-- revision: big\n\n-- +upgrade\nCREATE TABLE t (id bigint, s text);"
	for (i = 0; i < 100000; i++)
		printf "INSERT INTO t VALUES (%d, '\''a; b'\'');\n", i
	print "DROP TABLE t;"
}' >"$L/versions/big.sql"
run revorder -q -d "$L" --lint --dialect postgresql
status_is 0
[ ! -s "$OUT" ] || fail "the table of the same revision: $(head -c 300 "$OUT")"
awk 'BEGIN {
	print "-- revision: big\n\n-- +upgrade\nSELECT 1;"
	for (i = 0; i < 100000; i++)
		printf "INSERT INTO t VALUES (%d, '\''a; b'\'');\n", i
	print "DROP TABLE t;"
}' >"$L/versions/big.sql"
run revorder -q -d "$L" --lint --dialect postgresql
status_is 1
stdout_has "$L/versions/big.sql:100005: ban-drop-table:"
rm -rf "$L"
mkdir -p "$L/versions"
awk -v dir="$L/versions" 'BEGIN {
	for (i = 1; i <= 10000; i++) {
		f = sprintf("%s/r%05d.sql", dir, i)
		printf "-- revision: r%05d\n", i > f
		if (i > 1)
			printf "-- parents: r%05d\n", i - 1 > f
		printf "\n-- +upgrade\nCREATE TABLE t%d (id bigint, a text);\n", i > f
		if (i > 1)
			printf "CREATE INDEX t%d_a ON t%d (a);\n", i - 1, i - 1 > f
		close(f)
	}
}'
run revorder -d "$L" --lint --dialect postgresql
status_is 1
stderr_has "10000 revisions checked: 9999 errors, 9999 warnings"
[ "$(grep -c require-concurrent-index-creation "$OUT")" = 9999 ] || fail "$(grep -c . "$OUT") lines"
stdout_has "$L/versions/r10000.sql:6: require-concurrent-index-creation: CREATE INDEX on existing table t9999 "

tcase "the whole test corpus lints without a crash, in both dialects"
C=$T/corpus
mkdir -p "$C/versions"
n=0 parent=
for f in $(cd "$DBREV_SRCDIR" && git ls-files 'tests/*.sql' 'examples/*.sql' 2>/dev/null ||
    find tests examples -name '*.sql'); do
	src=$DBREV_SRCDIR/$f
	# Text only (the revision parser refuses the rest, as it should).
	tr -d '\000' <"$src" | cmp -s - "$src" || continue
	iconv -f UTF-8 -t UTF-8 "$src" >/dev/null 2>&1 || continue
	n=$((n + 1))
	id=$(printf 'c%05d' "$n")
	{
		printf -- '-- revision: %s\n' "$id"
		[ -n "$parent" ] && printf -- '-- parents: %s\n' "$parent"
		printf -- '-- message: %s\n\n-- +upgrade\n' "$(printf '%s' "$f" | tr -c 'A-Za-z0-9_./-' _)"
		sed -e '/^--[[:blank:]]*+upgrade/d' -e '/^--[[:blank:]]*+downgrade/d' "$src"
	} >"$C/versions/$id.sql"
	parent=$id
done
[ "$n" -gt 200 ] || fail "only $n corpus files"
for dialect in sqlite postgresql; do
	run revorder -d "$C" --lint --dialect "$dialect"
	[ "$STATUS" = 0 ] || [ "$STATUS" = 1 ] || fail "$dialect: status $STATUS: $(head -c 400 "$ERR")"
	grep -Evq "$FINDING" "$OUT" && fail "$dialect: malformed: $(grep -Ev "$FINDING" "$OUT" | head -3)"
	echo "# corpus ($n files), $dialect: $(tail -n 1 "$ERR")"
	for d in "$DBREV_SRCDIR"/examples/*/migrations; do
		run revorder -d "$d" --lint --dialect "$dialect"
		[ "$STATUS" = 0 ] || [ "$STATUS" = 1 ] || fail "$d: status $STATUS"
	done
done

# ---- Differential: the rules against sqlite3 itself ----

tcase "sqlite: ADD COLUMN flagged exactly when sqlite3 refuses it on a table with rows"
for col in "f INTEGER NOT NULL" "f INTEGER NOT NULL DEFAULT 0" "f NOT NULL DEFAULT NULL" \
    "f TEXT DEFAULT CURRENT_TIMESTAMP" "f DEFAULT CURRENT_DATE" "f DEFAULT (1 + 1)" \
    "f DEFAULT -1" "f DEFAULT 'x'" "f TEXT" "f INTEGER NOT NULL DEFAULT (0)" \
    "f DEFAULT (-1)" "f DEFAULT +1" "f DEFAULT (CAST(1 AS TEXT))" "f DEFAULT ('x' || 'y')" \
    "f DEFAULT abc" "f DEFAULT (abc)" "f DEFAULT x'00'" "f DEFAULT TRUE" "f DEFAULT (NULL)" \
    "f DEFAULT (- (1))" "f DEFAULT -'1'" "f DEFAULT (random())"; do
	rm -f d.db
	sqlite3 d.db "CREATE TABLE t (a); INSERT INTO t VALUES (1);"
	if sqlite3 d.db "ALTER TABLE t ADD COLUMN $col;" 2>/dev/null; then real=ok; else real=fails; fi
	rules=$(lint_one sqlite "CREATE TABLE t (a);" "ALTER TABLE t ADD COLUMN $col;")
	case $rules in *adding-required-field*|*adding-field-with-default*) lint=fails ;; *) lint=ok ;; esac
	[ "$real" = "$lint" ] || fail "ADD COLUMN $col: sqlite3 $real, lint says $lint ($rules)"
done

# The schema breaks when SQLite refuses the drop, or when what refers to
# the column fails once it is gone (SQLite checks only some triggers).
tcase "sqlite: DROP COLUMN flagged exactly when it fails or breaks a trigger or view"
for schema in "CREATE VIEW v AS SELECT b FROM t;" "CREATE VIEW v AS SELECT a FROM t;" \
    "CREATE VIEW v AS SELECT * FROM t;" "CREATE VIEW v AS SELECT t.b FROM t JOIN u;" \
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT new.b; END;" \
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT new.a; END;" \
    "CREATE TRIGGER tr AFTER INSERT ON t WHEN new.b > 0 BEGIN SELECT 1; END;" \
    "CREATE TRIGGER tr AFTER INSERT ON u BEGIN UPDATE t SET b = 1; END;" \
    "CREATE TRIGGER tr AFTER INSERT ON u BEGIN INSERT INTO t (b) VALUES (1); END;" \
    "CREATE TRIGGER tr AFTER INSERT ON u BEGIN SELECT b FROM t; END;" \
    "CREATE TRIGGER tr AFTER INSERT ON u BEGIN SELECT new.b; END;" \
    "CREATE INDEX tb ON t (b);" "CREATE INDEX tab ON t (a, (b + 1));" "CREATE INDEX ta ON t (a);"; do
	rm -f d.db
	sqlite3 d.db "CREATE TABLE t (a, b); CREATE TABLE u (b); $schema"
	if sqlite3 d.db "ALTER TABLE t DROP COLUMN b;" 2>/dev/null &&
	    sqlite3 d.db "INSERT INTO u VALUES (1); INSERT INTO t (a) VALUES (1);
	        $(case $schema in *VIEW*) echo 'SELECT * FROM v;' ;; esac)" >/dev/null 2>&1; then
		real=ok
	else
		real=fails
	fi
	rules=$(lint_one sqlite "CREATE TABLE t (a, b); CREATE TABLE u (b); $schema" "ALTER TABLE t DROP COLUMN b;")
	case $rules in *drop-column-referenced*) lint=fails ;; *) lint=ok ;; esac
	[ "$real" = "$lint" ] || fail "$schema: sqlite3 $real, lint says $lint"
done

tcase "sqlite: in a transaction, flagged exactly when sqlite3 fails or ignores it"
for stmt in "VACUUM" "PRAGMA journal_mode = WAL" "PRAGMA foreign_keys = ON" \
    "PRAGMA foreign_keys" "PRAGMA user_version = 3" "ANALYZE"; do
	rm -f d.db
	sqlite3 d.db "CREATE TABLE t (a);"
	out=$(sqlite3 d.db "BEGIN; $stmt; PRAGMA foreign_keys; COMMIT;" 2>&1)
	case "$stmt:$out" in
	*"foreign_keys = ON:"*0) real=noop ;;
	*rror*) real=fails ;;
	*) real=ok ;;
	esac
	rules=$(lint_one sqlite "CREATE TABLE t (a);" "$stmt;")
	case $rules in
	*pragma-foreign-keys-in-transaction*) lint=noop ;;
	*require-transaction-none*) lint=fails ;;
	*) lint=ok ;;
	esac
	[ "$real" = "$lint" ] || fail "$stmt: sqlite3 $real ($out), lint says $lint"
done

# ---- Differential: the rules against PostgreSQL itself ----

if pg_available; then
	pgdb=$(pg_newdb lint_diff) || fail "cannot create a database"
	psqlq() { psql -X -q -At -v ON_ERROR_STOP=1 -d lint_diff "$@"; }
	PGT="CREATE TABLE t (a integer, b text, c varchar(10), d numeric(10,2), e timestamp(3), f cidr, g varchar(10)[], h time(2), k char(5));"
	# rewrites STATEMENT: "rewrite", "same" or "fails" on t with rows
	# (TimeZone not UTC: there timestamp to timestamptz is a rewrite).
	rewrites() {
		PGOPTIONS='-c TimeZone=Europe/Paris -c client_min_messages=warning' psqlq >"$T/pg.out" 2>&1 <<SQL || { echo fails; return; }
DROP TABLE IF EXISTS t CASCADE;
$PGT
INSERT INTO t SELECT x, 'b', 'c', 1.5, now(), '10.0.0.0/8', '{x}', now(), 'k' FROM generate_series(1, 50) x;
SELECT pg_relation_filenode('t') AS before \gset
$1;
SELECT CASE WHEN pg_relation_filenode('t') = :before THEN 'same' ELSE 'rewrite' END;
SQL
		tail -n 1 "$T/pg.out"
	}

	tcase "postgresql: flagged as a rewrite exactly when the table's file changes"
	citext=
	psqlq -c "CREATE EXTENSION IF NOT EXISTS citext" >/dev/null 2>&1 &&
	    citext="ALTER COLUMN b TYPE citext|ALTER COLUMN c TYPE citext|ALTER COLUMN b TYPE citext USING b::citext"
	[ -n "$citext" ] || echo "# citext is not installed: its cases are left out"
	IFS='|'
	# shellcheck disable=SC2086
	set -- $citext
	unset IFS
	for stmt in "ADD COLUMN z timestamptz DEFAULT now()" "$@" \
	    "ADD COLUMN z timestamptz DEFAULT clock_timestamp()" \
	    "ADD COLUMN z float8 DEFAULT random()" "ADD COLUMN z uuid DEFAULT gen_random_uuid()" \
	    "ADD COLUMN z bigserial" "ADD COLUMN z bigint GENERATED ALWAYS AS IDENTITY" \
	    "ADD COLUMN z int8 GENERATED ALWAYS AS (a * 2) STORED" \
	    "ADD COLUMN z date DEFAULT CURRENT_DATE" "ADD COLUMN z text DEFAULT 'x'::varchar(3)" \
	    "ADD COLUMN z int8 NOT NULL DEFAULT 0" "ADD COLUMN z jsonb DEFAULT '{}'::jsonb" \
	    "ADD COLUMN z timestamptz DEFAULT timezone('utc', now())" \
	    "ALTER COLUMN a TYPE bigint" "ALTER COLUMN a TYPE int4" \
	    "ALTER COLUMN c TYPE varchar(20)" "ALTER COLUMN c TYPE varchar(5)" \
	    "ALTER COLUMN c TYPE character varying" "ALTER COLUMN c TYPE text" \
	    "ALTER COLUMN c TYPE text USING c::text" "ALTER COLUMN b TYPE varchar(20) USING b" \
	    "ALTER COLUMN b TYPE varchar" "ALTER COLUMN b TYPE varchar(20)" \
	    "ALTER COLUMN d TYPE numeric(12,2)" "ALTER COLUMN d TYPE numeric(12,3)" \
	    "ALTER COLUMN d TYPE numeric" "ALTER COLUMN e TYPE timestamp(6)" \
	    "ALTER COLUMN e TYPE timestamp(1)" "ALTER COLUMN e TYPE timestamptz" \
	    "ALTER COLUMN f TYPE inet" "ALTER COLUMN g TYPE varchar(20)[]" \
	    "ALTER COLUMN g TYPE text[]" "ALTER COLUMN h TYPE time(4)" \
	    "ALTER COLUMN k TYPE char(10)" "ALTER COLUMN k TYPE text"; do
		real=$(rewrites "ALTER TABLE t $stmt")
		rules=$(lint_one postgresql "$PGT" "ALTER TABLE t $stmt;")
		case $rules in *adding-field-with-default*|*changing-column-type*) lint=rewrite ;; *) lint=same ;; esac
		[ "$real" = "$lint" ] || fail "$stmt: PostgreSQL $real, lint says $lint"
	done

	tcase "postgresql: fails on a table with rows / in a transaction exactly when flagged"
	for stmt in "ALTER TABLE t ADD COLUMN z int8 NOT NULL" \
	    "ALTER TABLE t ADD COLUMN z int8 NOT NULL DEFAULT 1" \
	    "ALTER TABLE t ADD COLUMN z int8 NOT NULL GENERATED ALWAYS AS IDENTITY" \
	    "CREATE INDEX CONCURRENTLY ta ON t (a)" "CREATE INDEX ta ON t (a)" \
	    "REINDEX TABLE CONCURRENTLY t" "VACUUM t" "VACUUM FULL t" \
	    "ANALYZE t" "ALTER TYPE mood ADD VALUE 'x'"; do
		if PGOPTIONS='-c client_min_messages=warning' psqlq -1 >/dev/null 2>&1 <<SQL
DROP TABLE IF EXISTS t CASCADE; DROP TYPE IF EXISTS mood; CREATE TYPE mood AS ENUM ('a');
$PGT INSERT INTO t (a) VALUES (1);
$stmt;
SQL
		then real=ok; else real=fails; fi
		rules=$(lint_one postgresql "$PGT" "$stmt;")
		case $rules in
		*adding-required-field*|*ban-concurrent-index-creation-in-transaction*|*require-transaction-none*) lint=fails ;;
		*) lint=ok ;;
		esac
		[ "$real" = "$lint" ] || fail "$stmt: PostgreSQL $real, lint says $lint ($rules)"
	done

	tcase "postgresql -u URL: only the revisions not applied there"
	P=$T/pgm
	rev "$P" aa "" "create" "CREATE TABLE t (id bigint);"
	rev "$P" bb aa "index" "CREATE INDEX ti ON t (id);"
	url=$(pg_newdb lint_applied) || fail "cannot create a database"
	run revorder -d "$P" --lint -u "$url"
	status_is 1
	stderr_has "2 revisions checked"
	run revapply -q -d "$P" -u "$url" upgrade aa
	run revorder -d "$P" --lint -u "$url"
	status_is 1
	stderr_has "1 revision checked: 1 error"
	stdout_has "$P/versions/bb_rev.sql:6: require-concurrent-index-creation:"
	run revapply -q -d "$P" -u "$url" upgrade
	run revorder -d "$P" --lint -u "$url"
	status_is 0
	stderr_has "0 revisions checked"
else
	skip "postgresql: flagged as a rewrite exactly when the table's file changes" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
fi

# ---- What revgen --autogenerate writes, linted ----

# autogen_lint DIALECT CORPUS URL: for each pair NN/{s0,s1}.sql, the
# revision autogenerate writes from S0 to S1, linted; one "# " line per
# pair naming the rules that fire.
autogen_lint() {
	local dialect=$1 corpus=$2 url=$3 d n m args first rules
	for d in "$corpus"/*/; do
		n=$(basename "$d")
		m=$T/ag/$dialect/$n
		[ -f "$d/s0.sql" ] && [ -f "$d/s1.sql" ] || continue
		revgen -q -d "$m" init >/dev/null 2>&1
		first=$(revgen -d "$m" -u "$url" -m s0 --autogenerate --schema "$d/s0.sql" 2>"$T/ag.err") ||
		    { fail "$dialect $n: autogenerate S0: $(head -c 300 "$T/ag.err")"; continue; }
		args=
		[ -f "$d/args" ] && args=$(cat "$d/args")
		# shellcheck disable=SC2086
		revgen -d "$m" -u "$url" -m s1 --autogenerate --schema "$d/s1.sql" $args >/dev/null 2>"$T/ag.err" ||
		    { fail "$dialect $n: autogenerate S1: $(head -c 300 "$T/ag.err")"; continue; }
		first=$(sed -n 's/^-- revision: //p' "${first:-/dev/null}")
		run revorder -d "$m" --lint --dialect "$dialect" --since "${first:-base}"
		[ "$STATUS" = 0 ] || [ "$STATUS" = 1 ] || fail "$dialect $n: lint status $STATUS: $(cat "$ERR")"
		grep -Evq "$FINDING" "$OUT" && fail "$dialect $n: malformed: $(grep -Ev "$FINDING" "$OUT" | head -2)"
		rules=$(sed -E 's/^[^:]*:[0-9]+: ([a-z-]+): (warning: )?.*/\1\2/; s/warning: $/(w)/' "$OUT" |
		    sort | uniq -c | awk '{ printf "%s%s%s", sep, $2, ($1 > 1 ? " x" $1 : ""); sep = ", " }')
		echo "# autogen $dialect $n: ${rules:-clean}"
	done
}

tcase "what revgen --autogenerate writes for SQLite lints (rules listed)"
autogen_lint sqlite "$DBREV_SRCDIR/tests/autogen/sqlite" "sqlite:$T/never/app.db"
[ ! -e "$T/never" ] || fail "autogenerate created the database"

if pg_available; then
	tcase "what revgen --autogenerate writes for PostgreSQL lints (rules listed)"
	PGOPTIONS='-c client_min_messages=warning' \
	    autogen_lint postgresql "$DBREV_SRCDIR/tests/autogen/postgres" "$DBREV_TEST_PG_URL"
else
	skip "what revgen --autogenerate writes for PostgreSQL lints" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
fi

finish
