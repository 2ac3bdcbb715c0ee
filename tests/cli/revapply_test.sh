# tests/cli/revapply_test.sh - revapply test (the stairway test) and
# revapply status / --format=json, on SQLite and on the private
# PostgreSQL cluster, as a user types them.
#
# One history holds each kind of revision the stairway test names: a
# good one, an irreversible one, a downgrade that forgets an index, a
# downgrade that fails, and one whose upgrade fails after its downgrade
# (the downgrade leaves a row behind).  Every case runs on both
# databases with the same expectations, except where noted; on
# PostgreSQL, the test a superuser runs (its scratch database logs what
# changes) and one a plain user runs (the catalogs are scanned) agree.
. "$DBREV_SRCDIR/tests/lib/test.sh"

cd "$T" || exit 1
export PGOPTIONS='-c client_min_messages=warning'

rev() {	# rev DIR ID PARENT MESSAGE UPGRADE [DOWNGRADE]
	local f=$1/versions/$2.sql
	mkdir -p "$1/versions"
	{
		printf -- '-- revision: %s\n-- parents: %s\n-- message: %s\n\n-- +upgrade\n%s\n' \
		    "$2" "$3" "$4" "$5"
		[ $# -ge 6 ] && printf -- '\n-- +downgrade\n%s\n' "$6"
	} >"$f"
}

# The five kinds; line numbers below are those of these files.
rev m s1 "" "good" \
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);" \
    "DROP TABLE settings;
DROP TABLE users;"
rev m s2 s1 "backfill, irreversible" "UPDATE users SET email = lower(email);"
rev m s3 s2 "forgets an index" \
    "CREATE INDEX ix_users_email ON users (email);
ALTER TABLE users ADD COLUMN name TEXT;" \
    "ALTER TABLE users DROP COLUMN name;"
rev m s4 s3 "downgrade fails" \
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);" \
    "DROP TABLE post;"
rev m s5 s4 "re-upgrade fails" \
    "INSERT INTO settings (key, value) VALUES ('theme', 'light');
CREATE TABLE tags (id INTEGER PRIMARY KEY);" \
    "DROP TABLE tags;"

# A history that passes, with an irreversible revision for --strict.
rev ok g1 "" 'good "one" $(touch pwned) caf'$'\xc3\xa9' \
    "CREATE TABLE a (id INTEGER PRIMARY KEY, b TEXT UNIQUE CHECK (b <> ''));" \
    "DROP TABLE a;"
rev ok g2 g1 "data only" "INSERT INTO a (id, b) VALUES (1, 'x');"
rev ok g3 g2 "an index" "CREATE INDEX a_b ON a (b);" "DROP INDEX a_b;"

# A downgrade that breaks on data the data hook puts in.
rev d h1 "" "table" "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT);
CREATE UNIQUE INDEX u_email ON u (email);" "DROP TABLE u;"
rev d h2 h1 "drop the unique index" "DROP INDEX u_email;" \
    "CREATE UNIQUE INDEX u_email ON u (email);"
mkdir hooks
printf "INSERT INTO u (id, email) VALUES (1, 'a@x'), (2, 'a@x');\n" >hooks/h2.sql

# Rows a data hook puts in outlive the revision tested (k1's go with its
# downgrade, k2's stay): k3's unique index then fails on the second row.
rev hk k1 "" "table" "CREATE TABLE k (v INTEGER);" "DROP TABLE k;"
rev hk k2 k1 "index" "CREATE INDEX k_v ON k (v);" "DROP INDEX k_v;"
rev hk k3 k2 "unique" "CREATE UNIQUE INDEX k_u ON k (v);" "DROP INDEX k_u;"
echo "INSERT INTO k (v) VALUES (1);" >hk.sql

# Up, down and up of v2 leave two rows where one upgrade leaves one (the
# comparison does not look at rows): v7's unique index then fails in one
# process, and must in a range that starts after v2 too.
rev res v1 "" "seed" "CREATE TABLE seed (v INTEGER);" "DROP TABLE seed;"
rev res v2 v1 "a row" "INSERT INTO seed (v) VALUES (1);" "DELETE FROM seed WHERE 0 = 1;"
for i in 3 4 5 6; do
	rev res v$i v$((i - 1)) "filler $i" "CREATE TABLE f$i (id INTEGER);" "DROP TABLE f$i;"
done
rev res v7 v6 "unique" "CREATE UNIQUE INDEX seed_u ON seed (v);" "DROP INDEX seed_u;"

# An upgrade that fails halfway through: nothing after it can be reached.
rev u u1 "" "good" "CREATE TABLE a (id INTEGER PRIMARY KEY);" "DROP TABLE a;"
rev u u2 u1 "upgrade fails" "CREATE TABLE b (id INTEGER PRIMARY KEY;" "DROP TABLE b;"
for i in 3 4 5 6; do
	rev u u$i u$((i - 1)) "good $i" "CREATE TABLE c$i (id INTEGER);" "DROP TABLE c$i;"
done

# A long history (250 revisions), for the default number of jobs.
p=
for i in $(seq -w 1 250); do
	rev long l$i "$p" "table $i" "CREATE TABLE t$i (id INTEGER PRIMARY KEY, v TEXT);" "DROP TABLE t$i;"
	p=l$i
done
cores=$(nproc)
auto_jobs=$((cores < 2 ? cores : 2))	# one per 100 revisions: 2 at most here

# The results of a --format=json document, without the timings.
NO_MS='[(.revisions | map(del(.ms))), (.summary | del(.ms))]'

# jobs_agree DIR ARGS...: --jobs 1 and --jobs 3 give the same document.
jobs_agree() {
	local d=$1
	shift
	run revapply -d "$d" test --format=json --jobs 1 "$@"
	jq -c "$NO_MS" "$OUT" >one.json
	run revapply -d "$d" test --format=json --jobs 3 "$@"
	jq -c "$NO_MS" "$OUT" >three.json
	cmp -s one.json three.json || fail "$d $*: one job: $(cat one.json); three: $(cat three.json)"
}

# signal_stops KIND URL SLOW: SIGTERM to revapply test (not to its jobs)
# a second into a run that takes several (SLOW, a file of SQL, slows
# each revision of a copy of the long history; a data hook would make it
# one process) ends it at once, every job with it; the caller checks
# what is left.
signal_stops() {
	local t0 st f kids alive
	tcase "$1: a signal to revapply test stops every job at once; the first range's lines came as they went"
	mkdir -p "$T/sigtmp"
	rm -rf slow
	cp -r long slow
	for f in slow/versions/*.sql; do
		sed -i "/^-- +upgrade\$/r $3" "$f"
	done
	TMPDIR=$T/sigtmp command revapply -d slow -u "$2" test --jobs 2 >sig.out 2>&1 &
	sleep 1
	t0=$(date +%s%N)
	kill -TERM $!
	wait $!
	st=$?
	[ "$st" = 143 ] || fail "exit status $st, not 143 (SIGTERM): $(tail -n 2 sig.out)"
	# One step is about 80 ms; the whole run about 10 s.
	[ $(($(date +%s%N) - t0)) -lt 2500000000 ] || fail "it took $(( ($(date +%s%N) - t0) / 1000000 )) ms to stop"
	grep -q "l250 " sig.out && fail "it ran to the end"
	# The first range's lines come as they go, before the run is over.
	grep -q "^l001 ok" sig.out || fail "no line printed in a second: $(head -c 200 sig.out)"
	[ -z "$(ls -A "$T/sigtmp")" ] || fail "left behind: $(ls -A "$T/sigtmp")"

	tcase "$1: kill -9 of revapply test stops its jobs too, each dropping its scratch database"
	TMPDIR=$T/sigtmp command revapply -d slow -u "$2" test --jobs 2 >sig.out 2>&1 &
	st=$!
	sleep 1
	kids=$(pgrep -P "$st")
	[ -n "$kids" ] || fail "no jobs to kill"
	kill -KILL "$st"
	wait "$st"
	for t0 in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		alive=
		for f in $kids; do kill -0 "$f" 2>/dev/null && alive="$alive $f"; done
		[ -z "$alive" ] && break
		sleep 0.2
	done
	[ -z "$alive" ] || { fail "jobs still running 3 s after their parent died:$alive"; kill $alive; }
	[ -z "$(ls -A "$T/sigtmp")" ] || fail "left behind: $(ls -A "$T/sigtmp")"
}

# stairway KIND URL: every case on one database.
stairway() {
	local kind=$1 url=$2
	export DATABASE_URL=$url

	tcase "$kind: revapply test names each kind of revision exactly"
	run revapply -d m test --keep-going
	status_is 1
	stdout_has "s1 ok, good"
	stdout_has "s2 irreversible, backfill, irreversible"
	stdout_has "s3 downgrade differs, forgets an index"
	stdout_has "DROP INDEX"
	stdout_has "ix_users_email"
	stdout_has "s4 downgrade fails: m/versions/s4.sql:9: "
	stdout_has "post"
	stdout_has "s5 upgrade after downgrade fails: m/versions/s5.sql:6: "
	stdout_has "5 revisions tested: 1 ok, 1 irreversible, 1 downgrade differs, 1 downgrade fails, 1 upgrade after downgrade fails; FAILED"

	tcase "$kind: revapply test stops at the first failure without --keep-going"
	run revapply -d m test
	status_is 1
	stdout_has "s3 downgrade differs"
	stdout_lacks "s4 "
	stdout_has "2 not tried"

	tcase "$kind: --jobs gives what one job gives: the same first failure stops it, an upgrade that fails ends every range after it"
	jobs_agree m
	jq -e '.[1].tested == 3' three.json >/dev/null || fail "m: $(cat three.json)"
	jobs_agree u
	jobs_agree u --keep-going
	jq -e '.[0][1].result == "upgrade fails" and .[1].tested == 2' three.json >/dev/null ||
		fail "u: $(cat three.json)"
	run revapply -d u test --jobs 3
	status_is 1
	stdout_has "u2 upgrade fails: u/versions/u2.sql:"
	stdout_has "4 not tried (stopped at the first failure"
	run revapply -d u test --keep-going
	stdout_has "4 not tried (an upgrade failed: nothing after it can be reached)"

	tcase "$kind: a range starts where one process would be: what up, down and up of the revisions before it left (rows too) is there"
	jobs_agree res
	jq -e '.[0][6].result == "upgrade fails" and .[0][1].result == "ok"' three.json >/dev/null ||
		fail "res: $(cat three.json)"

	tcase "$kind: by default (--jobs auto) a long history is tested on one scratch database per core (at most 4, one per 100 revisions), with the results of one process"
	run revapply -d long test --format=json --jobs 1
	status_is 0
	jq -c "$NO_MS" "$OUT" >one.json
	run revapply -d long test --format=json
	jq -c "$NO_MS" "$OUT" >auto.json
	cmp -s one.json auto.json || fail "auto: $(head -c 300 auto.json)"
	for how in "" "--jobs auto"; do
		run revapply -d long test $how
		status_is 0
		if [ "$auto_jobs" -gt 1 ]; then
			stdout_has "250 revisions tested: 250 ok; passed ($auto_jobs scratch databases side by side)"
		else
			stdout_has "250 revisions tested: 250 ok; passed"
			stdout_lacks "side by side"
		fi
	done
	run revapply -d long test --jobs 1
	stdout_has "250 revisions tested: 250 ok; passed"
	stdout_lacks "side by side"
	# Past a failure, one process (a range could not know what it rebuilt).
	run revapply -d long test --keep-going
	stdout_has "250 revisions tested: 250 ok; passed"
	stdout_lacks "side by side"
	run revapply -d m test --jobs auto
	stdout_lacks "side by side"
	run revapply -d m test --jobs 4 s3:s4
	stdout_has "1 revision tested"
	stdout_lacks "side by side"
	run revapply --fleet fleet.list upgrade --jobs auto
	status_is 2
	stderr_has "--jobs auto goes with test"

	tcase "$kind: revapply test FROM:TO tests only that range"
	run revapply -d m test s3:s4
	status_is 1
	stdout_lacks "s1 "
	stdout_lacks "s3 "
	stdout_has "s4 downgrade fails"
	stdout_has "1 revision tested"

	tcase "$kind: a history that passes exits 0; --strict fails the irreversible revision"
	run revapply -d ok test
	status_is 0
	stdout_has "g2 irreversible"
	stdout_has "passed"
	run revapply -d ok test --strict
	status_is 1
	stdout_has "FAILED"

	tcase "$kind: the data hook makes a downgrade that breaks on data fail"
	run revapply -d d test
	status_is 0
	run revapply -d d test --data-hook hooks
	status_is 1
	stdout_has "h2 downgrade fails: d/versions/h2.sql:"

	tcase "$kind: with a data hook --jobs gives what one job gives (a range could not replay the rows the hooks put in before it)"
	jobs_agree hk --data-hook hk.sql
	jq -e '.[0][2].result == "upgrade fails"' three.json >/dev/null || fail "hk: $(cat three.json)"
	jobs_agree d --data-hook hooks

	tcase "$kind: revapply test --format=json is valid and names each result"
	run revapply -d m test --keep-going --format=json
	status_is 1
	jq -e '.format_version == 1 and .command == "test" and .passed == false' "$OUT" >/dev/null ||
		fail "bad document: $(head -c 400 "$OUT")"
	[ "$(jq -r '[.revisions[].result] | join(",")' "$OUT")" = \
	    "ok,irreversible,downgrade differs,downgrade fails,upgrade after downgrade fails" ] ||
		fail "results: $(jq -c '[.revisions[].result]' "$OUT")"
	jq -e '.summary.failed == 3 and .summary.tested == 5' "$OUT" >/dev/null ||
		fail "summary: $(jq -c .summary "$OUT")"
	run revapply -d ok test --format=json
	[ "$(jq -r '.revisions[0].message' "$OUT")" = 'good "one" $(touch pwned) caf'$'\xc3\xa9' ] ||
		fail "message did not read back: $(jq -r '.revisions[0].message' "$OUT")"
	[ ! -e pwned ] || fail "a message ran as a command"

	tcase "$kind: usage errors exit 2"
	run revapply -d m test --jobs 0
	status_is 2
	run revapply -d m current --strict
	status_is 2
	run revapply -d m upgrade --format=json
	status_is 2
}

# status_cases KIND URL: revapply status / current / history for machines.
status_cases() {
	local kind=$1 url=$2
	export DATABASE_URL=$url

	tcase "$kind: revapply status lists pending revisions; --exit-code 3"
	run revapply -d ok status --exit-code
	status_is 3
	stdout_has "pending: 3"
	stdout_has "state: pending"
	run revapply -q -d ok upgrade g2
	run revapply -d ok status --exit-code --format=json
	status_is 3
	jq -e '.format_version == 1 and .command == "status" and .exit_status == 3 and
	    ([.pending[].revision] == ["g3"]) and ([.current[].revision] == ["g2"])' "$OUT" >/dev/null ||
		fail "status document: $(head -c 600 "$OUT")"
	run revapply -d ok status
	status_is 0

	tcase "$kind: at head: status --exit-code 0, current --format=json"
	run revapply -q -d ok upgrade
	run revapply -d ok status --exit-code
	status_is 0
	stdout_has "state: at head"
	run revapply -d ok current --format=json --exit-code
	status_is 0
	jq -e '.command == "current" and .exit_status == 0 and ([.current[].revision] == ["g3"])' \
	    "$OUT" >/dev/null || fail "current document: $(head -c 600 "$OUT")"

	tcase "$kind: status shows an edited revision and an unknown row; --exit-code 1"
	printf -- '-- edited\n' >>ok/versions/g2.sql
	cp -r ok ok2
	rm ok2/versions/g3.sql
	run revapply -d ok status --exit-code
	status_is 1
	stdout_has "edited: 1"
	stdout_has "  g2 ok/versions/g2.sql"
	run revapply -d ok2 status --exit-code --format=json
	status_is 1
	jq -e '.unknown == ["g3"] and ([.edited[].revision] == ["g2"])' "$OUT" >/dev/null ||
		fail "status document: $(head -c 600 "$OUT")"

	tcase "$kind: history --format=json lists every revision, applied ones marked"
	run revapply -d ok history --format=json
	status_is 0
	jq -e '.command == "history" and ([.revisions[] | select(.applied)] | length) == 3 and
	    ([.revisions[] | select(.current) | .revision] == ["g3"])' "$OUT" >/dev/null ||
		fail "history document: $(head -c 600 "$OUT")"
	rm -rf ok2
	sed -i '/^-- edited$/d' ok/versions/g2.sql
}

tcase "revorder --format=json: apply order, heads, history; a hostile file name is escaped"
cp ok/versions/g3.sql "ok/versions/g3 \"new
line\" \$(x).sql"
rm ok/versions/g3.sql
run revorder -d ok --format=json
status_is 0
jq -e '.format_version == 1 and .command == "order" and ([.revisions[].revision] == ["g1", "g2", "g3"])' \
    "$OUT" >/dev/null || fail "order: $(head -c 400 "$OUT")"
[ "$(jq -r '.revisions[2].file' "$OUT")" = 'ok/versions/g3 "new
line" $(x).sql' ] || fail "file: $(jq '.revisions[2].file' "$OUT")"
run revorder -d ok --heads --format=json
jq -e '([.revisions[].revision] == ["g3"]) and .revisions[0].head' "$OUT" >/dev/null ||
	fail "heads: $(head -c 400 "$OUT")"
run revorder -d ok --history --format=json
jq -e '.command == "history" and (.revisions | length) == 3' "$OUT" >/dev/null ||
	fail "history: $(head -c 400 "$OUT")"
run revorder -d ok --check --format=json
status_is 2
mv ok/versions/g3*.sql ok/versions/g3.sql

stairway sqlite "sqlite:$T/live.db"
# About 80 ms a revision: 250 take 10 s on two jobs.
echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT count(*) FROM c;" >slow_sqlite.sql
signal_stops sqlite "sqlite:$T/live.db" slow_sqlite.sql
tcase "sqlite: revapply test never creates or opens the live database"
[ ! -e "$T/live.db" ] || fail "live.db was created"
status_cases sqlite "sqlite:$T/status.db"

if ! pg_available; then
	skip "revapply test on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi
# The runs here connect as a superuser of their own (the watched
# fingerprint needs one), so that their scratch databases, the jobs'
# too (named after the jobs' own pids), are found by their owner.
psql -X -q -d postgres -c "CREATE ROLE dbrev_stair LOGIN SUPERUSER" >/dev/null 2>&1
pgurl() { printf 'postgresql:///%s?host=%s&port=%s&user=dbrev_stair\n' "$1" "$PGHOST" "$PGPORT"; }
tmpdbs() {
	psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datdba = 'dbrev_stair'::regrole AND datname LIKE 'dbrev\_tmp\_%'"
}

# The live database does not exist: the test must neither need nor make it.
stairway postgresql "$(pgurl stairway_never_created)"
tcase "postgresql: revapply test never creates the live database, drops its scratch databases"
[ "$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = 'stairway_never_created'")" = 0 ] ||
	fail "the live database was created"
[ "$(tmpdbs)" = 0 ] || fail "scratch databases left: $(tmpdbs)"

# As a role of its own: the jobs' scratch databases are named after
# their own pids, unknown here, and are found by their owner.
psql -X -q -d postgres -c "CREATE ROLE dbrev_jobs LOGIN CREATEDB" >/dev/null 2>&1
echo "SELECT pg_sleep(0.05);" >slow_pg.sql
signal_stops postgresql "postgresql:///stairway_never_created?host=$PGHOST&port=$PGPORT&user=dbrev_jobs" slow_pg.sql
left=$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datdba = 'dbrev_jobs'::regrole")
[ "$left" = 0 ] || fail "scratch databases left: $left"

tcase "postgresql: --jobs 3 gives the same results as one job"
export DATABASE_URL=$(pgurl stairway_never_created)
run revapply -d m test --keep-going --format=json
jq -c '[.revisions[] | [.revision, .result, .detail]]' "$OUT" >one.json
run revapply -d m test --keep-going --format=json --jobs 3
status_is 1
jq -c '[.revisions[] | [.revision, .result, .detail]]' "$OUT" >three.json
cmp -s one.json three.json || fail "one job: $(cat one.json); three: $(cat three.json)"
run revapply -d m test --keep-going --jobs 2
status_is 1
stdout_has "s1 ok, good"
stdout_has "s5 upgrade after downgrade fails: m/versions/s5.sql:6: "
stdout_has "5 revisions tested"
[ "$(tmpdbs)" = 0 ] || fail "scratch databases left: $(tmpdbs)"

# Ranges take a scratch database (two connections) each: a range whose
# job a role allowed fewer could not open is tested once the others are
# done, with the same results.
tcase "postgresql: a role with too few connections for ranges side by side is tested all the same"
psql -X -q -d postgres -c "CREATE ROLE dbrev_few LOGIN CREATEDB CONNECTION LIMIT 3" >/dev/null 2>&1
for how in "" "--jobs 1" "--jobs 3"; do
	run revapply -d long -u "postgresql:///stairway_never_created?host=$PGHOST&port=$PGPORT&user=dbrev_few" test $how
	status_is 0
	stdout_has "250 revisions tested: 250 ok; passed"
done
run revapply -d u -u "postgresql:///stairway_never_created?host=$PGHOST&port=$PGPORT&user=dbrev_few" test --jobs 3 --format=json
jq -c "$NO_MS" "$OUT" >few.json
run revapply -d u test --jobs 1 --format=json
jq -c "$NO_MS" "$OUT" >one.json
cmp -s one.json few.json || fail "few connections: $(cat few.json); one: $(cat one.json)"
# A server that refuses every range refuses the one process too: its error.
run revapply -d long -u "postgresql:///stairway_never_created?host=$PGHOST&port=$PGPORT&user=nosuchrole" test --jobs 2
status_is 1
stderr_has 'role "nosuchrole" does not exist'
stdout_lacks " ok"
left=$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datdba = 'dbrev_few'::regrole")
[ "$left" = 0 ] || fail "scratch databases left: $left"

# A revision starts on what the one before it left after its second
# upgrade: n3's up makes a table only when n2's up, down and up left two
# rows, and its second up does not; n4's downgrade makes that table
# again, so it gives back the state after n3's first up, not its second:
# "downgrade differs", in one process as in a range that starts at n4.
tcase "postgresql: a revision's downgrade is compared with what the one before it left, in one process as in a range"
rev cond n1 "" "cnt" "CREATE TABLE cnt (n int);" "DROP TABLE cnt;"
rev cond n2 n1 "row" "INSERT INTO cnt VALUES (1);" "SELECT 1;"
rev cond n3 n2 "cond" 'DO $$BEGIN IF (SELECT count(*) FROM cnt) = 2 THEN CREATE TABLE extra (a int); END IF; INSERT INTO cnt VALUES (1); END$$;' \
    "DROP TABLE IF EXISTS extra;"
rev cond n4 n3 "z" "CREATE TABLE z (a int);" "DROP TABLE z; CREATE TABLE extra (a int);"
jobs_agree cond
jq -e '[.[0][].result] == ["ok", "ok", "ok", "downgrade differs"]' three.json >/dev/null ||
	fail "cond: $(cat three.json)"

# What a superuser's scratch database reads from its event-trigger log,
# a non-superuser's finds by scanning the catalogs: the two must agree.
# Each revision's downgrade either undoes it or forgets one thing that
# the log reaches another way (a grant, a detached partition, a comment,
# a function, a NOT VALID constraint); the others undo an index rebuilt
# under a new OID, a rename, CLUSTER, default privileges.
rev w w1 "" "table" "CREATE TABLE t (id int PRIMARY KEY, v varchar(10));
CREATE INDEX t_v ON t (v);" "DROP TABLE t;"
rev w w2 w1 "grant" "GRANT SELECT ON t TO PUBLIC;" "SELECT 1;"
rev w w3 w2 "widen" "ALTER TABLE t ALTER COLUMN v TYPE varchar(20);" \
    "ALTER TABLE t ALTER COLUMN v TYPE varchar(10);"
rev w w4 w3 "partitions" "CREATE TABLE p (a int) PARTITION BY RANGE (a);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);" \
    "ALTER TABLE p DETACH PARTITION p1;
DROP TABLE p;"
rev w w5 w4 "comment" "COMMENT ON COLUMN t.v IS 'v';" "COMMENT ON COLUMN t.id IS NULL;"
rev w w6 w5 "rename" "ALTER INDEX t_v RENAME TO t_v2;" "ALTER INDEX t_v2 RENAME TO t_v;"
rev w w7 w6 "default" "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER TABLE t ADD COLUMN w int DEFAULT f();" "ALTER TABLE t DROP COLUMN w;"
rev w w8 w7 "cluster" "CLUSTER t USING t_v2;" "ALTER TABLE t SET WITHOUT CLUSTER;"
rev w w9 w8 "check" "ALTER TABLE t ADD CONSTRAINT t_v_len CHECK (length(v) > 0) NOT VALID;" \
    "SELECT 1;"
rev w w10 w9 "defaults" "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;" \
    "ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM PUBLIC;"

tcase "postgresql: the watched test (a superuser's) and the scanned one agree on every verdict"
psql -X -q -d postgres -c "CREATE ROLE dbrev_scan LOGIN CREATEDB" >/dev/null 2>&1
run revapply -d w test --keep-going --format=json -u "$(pgurl stairway_never_created)"
status_is 1
jq -c '[.revisions[] | [.revision, .result, .detail]]' "$OUT" >watched.json
jq -r '.revisions[] | "\(.revision) \(.result)"' "$OUT" >watched.txt
PGUSER=dbrev_scan run revapply -d w test --keep-going --format=json -u \
    "postgresql:///stairway_never_created?host=$PGHOST&port=$PGPORT&user=dbrev_scan"
status_is 1
jq -c '[.revisions[] | [.revision, .result, .detail]]' "$OUT" >scanned.json
cmp -s watched.json scanned.json || fail "watched: $(cat watched.json); scanned: $(cat scanned.json)"
printf '%s\n' "w1 ok" "w2 downgrade differs" "w3 ok" "w4 downgrade differs" \
    "w5 downgrade differs" "w6 ok" "w7 downgrade differs" "w8 ok" \
    "w9 downgrade differs" "w10 ok" >want.txt
cmp -s want.txt watched.txt || fail "verdicts: $(tr '\n' ';' <watched.txt)"
[ "$(tmpdbs)" = 0 ] || fail "scratch databases left: $(tmpdbs)"

tcase "postgresql: --dev-url names the scratch server"
run revapply -d ok test --dev-url "$(pgurl postgres)"
status_is 0
run revapply -d ok test --dev-url "postgresql:///postgres?host=$T/nowhere&port=1"
status_is 1
stderr_has "--dev-url"

db=$(pg_newdb stairway_status) || fail "cannot create a database"
status_cases postgresql "$db"
finish
