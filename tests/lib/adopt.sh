# tests/lib/adopt.sh - the revapply adopt cases, run on SQLite by
# tests/cli/adopt.sh and on PostgreSQL by tests/cli/adopt_postgres.sh
# (ADB=sqlite or postgresql; sourced after tests/lib/test.sh, in $T).
#
# For each kind: a small history in the tool's own layout, applied by
# the tool's own SQL through sqlite3 or psql, the tool's version table
# created and filled as the tool fills it; imported; adopted.  Then every
# revision is applied, upgrade has nothing to do, the other table is
# untouched, and a fresh database built by revapply from the import has
# the same schema as the one the tool's SQL built (differential).
unset DBREV_DIR DATABASE_URL

P=adopt_
if [ "$ADB" = sqlite ]; then
	BOOL=BOOLEAN
	url() { printf 'sqlite:%s/%s.db\n' "$T" "$1"; }
	newdb() { rm -f "$T/$1.db"; : >"$T/$1.db"; url "$1"; }
	# q DB SQL: run SQL, print rows with fields separated by |.
	q() { sqlite3 -bail "$T/$1.db" "$2"; }
	# qf DB FILE: run a file.
	qf() { sqlite3 -bail "$T/$1.db" <"$2" >/dev/null; }
	schema() {
		q "$1" "select type || ' ' || name || ' ' || coalesce(sql, '')
		    from sqlite_master where name not in ('dbrev_revisions',
		    'schema_migrations', 'goose_db_version',
		    'flyway_schema_history', '__diesel_schema_migrations',
		    'alembic_version', 'sqlite_sequence') and name not like
		    'sqlite_autoindex_%' and name <> 'version_unique'
		    order by type, name"
	}
else
	BOOL=boolean
	url() { printf 'postgresql:///%s%s?host=%s&port=%s&user=%s\n' "$P" "$1" "$PGHOST" "$PGPORT" "$PGUSER"; }
	newdb() { pg_newdb "$P$1" || { echo "cannot create database $1" >&2; exit 1; }; }
	q() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$P$1" -c "$2"; }
	qf() { psql -X -q -v ON_ERROR_STOP=1 -d "$P$1" -f "$2" >/dev/null; }
	schema() {
		pg_dump -s -x -O -T dbrev_revisions -T schema_migrations \
		    -T goose_db_version -T 'goose_db_version_id_seq' \
		    -T flyway_schema_history -T __diesel_schema_migrations \
		    -T alembic_version -N sqitch -d "$P$1" |
		    grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog' -e '^$' -e '^\\'
	}
fi
# rows DB: dbrev's version table, revision ids in apply order... sorted.
rows() { q "$1" "select revision from dbrev_revisions order by revision" | tr '\n' ' '; }
# body FILE START END: the lines of FILE between two marker lines.
body() { sed -n "/^$2\$/,/^$3\$/p" "$1" | sed '1d;$d'; }
fresh() { rm -rf "$1" && revgen -q -d "$1" init >/dev/null; }

# adopted NAME KIND SOURCE...: import SOURCE into m_NAME; adopt database
# NAME (already migrated by the tool's SQL); check the result and the
# differential against a fresh database built by revapply.
adopted() {
	_n=$1 _k=$2
	shift 2
	fresh "m_$_n"
	revgen -q -d "m_$_n" import --from "$_k" "$@" >/dev/null ||
		fail "import failed"
	_tool_before=$(tool_table "$_n" "$_k")
	tcase "$ADB $_n: adopt --from $_k records every revision as applied"
	run revapply -d "m_$_n" -u "$(url "$_n")" adopt --from "$_k"
	status_is 0
	stderr_has "adopted from $_k: $(revorder -d "m_$_n" | wc -l | tr -d ' ') revisions recorded as applied"
	run revapply -d "m_$_n" -u "$(url "$_n")" current --exit-code
	status_is 0
	tcase "$ADB $_n: upgrade after adopt has nothing to do"
	run revapply -d "m_$_n" -u "$(url "$_n")" upgrade
	status_is 0
	stderr_has "nothing to do"
	tcase "$ADB $_n: the $_k table is left as it was"
	[ "$(tool_table "$_n" "$_k")" = "$_tool_before" ] ||
		fail "changed: $(tool_table "$_n" "$_k")"
	tcase "$ADB $_n: adopt again has nothing to adopt"
	run revapply -d "m_$_n" -u "$(url "$_n")" adopt --from "$_k"
	status_is 0
	stderr_has "nothing to adopt"
	tcase "$ADB $_n: revapply on a fresh database builds what $_k's SQL built"
	newdb "fresh_$_n" >/dev/null
	run revapply -d "m_$_n" -u "$(url "fresh_$_n")" upgrade
	status_is 0
	[ -n "$(schema "$_n")" ] || fail "empty schema"
	[ "$(schema "fresh_$_n")" = "$(schema "$_n")" ] ||
		fail "schemas differ: $(schema "fresh_$_n") --- $_k: $(schema "$_n")"
}
# tool_table DB KIND: the other tool's table, as text.
tool_table() {
	case $2 in
	sqitch)
		if [ "$ADB" = sqlite ]; then
			sqlite3 "$T/sqitch.db" "select change, project from changes order by change_id"
		else
			q "$1" "select change, project from sqitch.changes order by change_id"
		fi ;;
	dbmate|golang-migrate) q "$1" "select * from schema_migrations order by 1" ;;
	goose) q "$1" "select id, version_id, is_applied from goose_db_version order by id" ;;
	flyway) q "$1" "select installed_rank, version, type, success from flyway_schema_history order by 1" ;;
	diesel) q "$1" "select version from __diesel_schema_migrations order by 1" ;;
	alembic) q "$1" "select version_num from alembic_version order by 1" ;;
	esac
}

# The same three steps in every layout: users, then posts, then an index
# and a view.
UP1="CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
DN1="DROP TABLE users;"
UP2="CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER REFERENCES users (id), body TEXT);"
DN2="DROP TABLE posts;"
UP3="CREATE INDEX posts_author ON posts (author);
CREATE VIEW post_count AS SELECT author, count(*) AS n FROM posts GROUP BY author;"
DN3="DROP VIEW post_count;
DROP INDEX posts_author;"

# --- dbmate -------------------------------------------------------------
mkdir dbm
printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$UP1" "$DN1" >dbm/20240101000000_users.sql
printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$UP2" "$DN2" >dbm/20240102000000_posts.sql
printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$UP3" "$DN3" >dbm/20240103000000_index.sql
# dbmate: each migration in a transaction with its row.
newdb dbm >/dev/null
q dbm "CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY)"
for f in dbm/*.sql; do
	v=$(basename "$f" | cut -d_ -f1)
	{ echo "BEGIN;"; body "$f" '-- migrate:up' '-- migrate:down';
	  echo "INSERT INTO schema_migrations (version) VALUES ('$v');"; echo "COMMIT;"; } >run.sql
	qf dbm run.sql || fail "dbmate's SQL failed"
done
adopted dbm dbmate dbm

# --- golang-migrate -----------------------------------------------------
mkdir gm
printf '%s\n' "$UP1" >gm/1_users.up.sql;  printf '%s\n' "$DN1" >gm/1_users.down.sql
printf '%s\n' "$UP2" >gm/2_posts.up.sql;  printf '%s\n' "$DN2" >gm/2_posts.down.sql
printf '%s\n' "$UP3" >gm/3_index.up.sql;  printf '%s\n' "$DN3" >gm/3_index.down.sql
newdb gm >/dev/null
if [ "$ADB" = sqlite ]; then
	q gm "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64, dirty bool);
	    CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);"
else
	q gm "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)"
fi
# golang-migrate: set the version dirty, run, set it clean; one row.
for v in 1 2 3; do
	q gm "DELETE FROM schema_migrations; INSERT INTO schema_migrations (version, dirty) VALUES ($v, true)"
	qf gm gm/${v}_*.up.sql || fail "golang-migrate's SQL failed"
	q gm "DELETE FROM schema_migrations; INSERT INTO schema_migrations (version, dirty) VALUES ($v, false)"
done
adopted gm golang-migrate gm

tcase "$ADB golang-migrate: a dirty version is refused, nothing written"
newdb gmd >/dev/null
q gmd "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty $BOOL NOT NULL); INSERT INTO schema_migrations VALUES (2, true)"
run revapply -d m_gm -u "$(url gmd)" adopt --from golang-migrate
status_is 1
stderr_has "golang-migrate's table schema_migrations says version 2 is dirty"
stderr_has "migrate force VERSION"
[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
[ -z "$(rows gmd 2>/dev/null)" ] || fail "written: $(rows gmd)"

tcase "$ADB golang-migrate: at version 2, adopt then upgrade runs only 3"
newdb gm2 >/dev/null
q gm2 "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty $BOOL NOT NULL); INSERT INTO schema_migrations VALUES (2, false)"
qf gm2 gm/1_users.up.sql
qf gm2 gm/2_posts.up.sql
run revapply -d m_gm -u "$(url gm2)" adopt --from golang-migrate
status_is 0
stderr_has "2 revisions recorded as applied; at 2"
run revapply -d m_gm -u "$(url gm2)" upgrade
status_is 0
stderr_has "upgraded 1 revision to 3"
[ "$(schema gm2)" = "$(schema gm)" ] || fail "schemas differ"

# --- goose --------------------------------------------------------------
mkdir gs
for i in 1 2 3; do
	eval "u=\$UP$i d=\$DN$i"
	printf -- '-- +goose Up\n-- +goose StatementBegin\n%s\n-- +goose StatementEnd\n\n-- +goose Down\n%s\n' \
	    "$u" "$d" >"gs/0000$i$(echo _users _posts _index | cut -d' ' -f$i).sql"
done
newdb gs >/dev/null
if [ "$ADB" = sqlite ]; then
	q gs "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')))"
else
	q gs "CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL default now(), PRIMARY KEY(id))"
fi
# goose: version 0 first, then a row per migration, in its transaction.
q gs "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)"
for f in gs/*.sql; do
	v=$(basename "$f" | cut -d_ -f1 | sed 's/^0*//')
	{ echo "BEGIN;"; body "$f" '-- +goose Up' '-- +goose Down';
	  echo "INSERT INTO goose_db_version (version_id, is_applied) VALUES ($v, true);"; echo "COMMIT;"; } >run.sql
	qf gs run.sql || fail "goose's SQL failed"
done
adopted gs goose gs

tcase "$ADB goose: a row of an older goose's down (is_applied false) takes the version back"
newdb gsd >/dev/null
q gsd "CREATE TABLE goose_db_version (id integer PRIMARY KEY, version_id bigint NOT NULL, is_applied $BOOL NOT NULL)"
q gsd "INSERT INTO goose_db_version VALUES (1, 0, true), (2, 1, true), (3, 2, true), (4, 3, true), (5, 3, false), (6, 99, true), (7, 99, false)"
body gs/00001_users.sql '-- +goose Up' '-- +goose Down' >gs1.sql
qf gsd gs1.sql
body gs/00002_posts.sql '-- +goose Up' '-- +goose Down' >gs2.sql
qf gsd gs2.sql
run revapply -d m_gs -u "$(url gsd)" adopt --from goose
status_is 0
stderr_has "2 revisions recorded as applied; at 2"
run revapply -d m_gs -u "$(url gsd)" upgrade
status_is 0
stderr_has "upgraded 1 revision to 3"

# --- flyway -------------------------------------------------------------
mkdir fw
printf '%s\n' "$UP1" >fw/V1__users.sql;    printf '%s\n' "$DN1" >fw/U1__users.sql
printf '%s\n' "$UP2" >fw/V1.1__posts.sql;  printf '%s\n' "$DN2" >fw/U1.1__posts.sql
printf '%s\n' "$UP3" >fw/V1.10__index.sql; printf '%s\n' "$DN3" >fw/U1.10__index.sql
fw_table() {
	if [ "$ADB" = sqlite ]; then
		q "$1" "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), execution_time INT NOT NULL, success BOOLEAN NOT NULL)"
	else
		q "$1" "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INTEGER, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL, CONSTRAINT flyway_schema_history_pk PRIMARY KEY (installed_rank))"
	fi
}
# fw_row DB RANK VERSION DESC TYPE SCRIPT SUCCESS
fw_row() {
	q "$1" "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ($2, $3, '$4', '$5', '$6', 12345, 'flyway', 7, $7)"
}
newdb fw >/dev/null
fw_table fw
r=1
for f in V1__users V1.1__posts V1.10__index; do
	v=${f%%__*}
	{ echo "BEGIN;"; cat "fw/$f.sql"; echo "COMMIT;"; } >run.sql
	qf fw run.sql || fail "flyway's SQL failed"
	fw_row fw $r "'${v#V}'" "${f#*__}" SQL "$f.sql" true
	r=$((r + 1))
done
adopted fw flyway fw

tcase "$ADB flyway: a baseline stands for the versions up to it; an undo takes one back"
newdb fwb >/dev/null
fw_table fwb
qf fwb fw/V1__users.sql
fw_row fwb 1 "'1'" '<< Flyway Baseline >>' BASELINE '<< Flyway Baseline >>' true
qf fwb fw/V1.1__posts.sql
fw_row fwb 2 "'1.1'" posts SQL V1.1__posts.sql true
qf fwb fw/V1.10__index.sql
fw_row fwb 3 "'1.10'" index SQL V1.10__index.sql true
qf fwb fw/U1.10__index.sql
fw_row fwb 4 "'1.10'" index UNDO_SQL U1.10__index.sql true
run revapply -d m_fw -u "$(url fwb)" adopt --from flyway
status_is 0
stderr_has "2 revisions recorded as applied; at 1_1"
run revapply -d m_fw -u "$(url fwb)" upgrade
status_is 0
stderr_has "upgraded 1 revision to 1_10"
[ "$(schema fwb)" = "$(schema fw)" ] || fail "schemas differ"

tcase "$ADB flyway: a failed migration and a repeatable are refused, nothing written"
newdb fwf >/dev/null
fw_table fwf
fw_row fwf 1 "'1'" users SQL V1__users.sql true
fw_row fwf 2 "'1.1'" posts SQL V1.1__posts.sql false
fw_row fwf 3 NULL view SQL R__view.sql true
run revapply -d m_fw -u "$(url fwf)" adopt --from flyway
status_is 1
stderr_has "records a failed migration, V1.1__posts.sql; fix the database, run 'flyway repair'"
stderr_has "records a repeatable migration, R__view.sql, which dbrev does not import"
[ -z "$(rows fwf 2>/dev/null)" ] || fail "written: $(rows fwf)"

# --- diesel -------------------------------------------------------------
mkdir ds
n=1
for name in users posts index; do
	d=ds/2024-01-0${n}-000000_$name
	mkdir "$d"
	eval "printf '%s\n' \"\$UP$n\" >$d/up.sql; printf '%s\n' \"\$DN$n\" >$d/down.sql"
	n=$((n + 1))
done
newdb ds >/dev/null
q ds "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
for d in ds/*/; do
	v=$(basename "$d" | cut -d_ -f1 | tr -d -)
	{ echo "BEGIN;"; cat "$d/up.sql"; echo "INSERT INTO __diesel_schema_migrations (version) VALUES ('$v');"; echo "COMMIT;"; } >run.sql
	qf ds run.sql || fail "diesel's SQL failed"
done
adopted ds diesel ds

# --- sqitch -------------------------------------------------------------
mkdir -p sq/deploy sq/revert
cat >sq/sqitch.plan <<'EOF'
%syntax-version=1.0.0
%project=blog

users 2024-01-01T00:00:00Z Ann <ann@example.com> # Users.
posts [users] 2024-01-02T00:00:00Z Ann <ann@example.com> # Posts.
post_count [posts] 2024-01-03T00:00:00Z Ann <ann@example.com> # The count view.
@v1 2024-01-04T00:00:00Z Ann <ann@example.com> # Tag v1.

post_count [post_count@v1] 2024-01-05T00:00:00Z Ann <ann@example.com> # Index too.
EOF
sqf() { printf -- '-- %s blog:%s\n\nBEGIN;\n\n%s\n\nCOMMIT;\n' "$1" "$2" "$3"; }
sqf Deploy users "$UP1" >sq/deploy/users.sql;  sqf Revert users "$DN1" >sq/revert/users.sql
sqf Deploy posts "$UP2" >sq/deploy/posts.sql;  sqf Revert posts "$DN2" >sq/revert/posts.sql
sqf Deploy post_count "CREATE VIEW post_count AS SELECT author, count(*) AS n FROM posts GROUP BY author;" >sq/deploy/post_count@v1.sql
sqf Revert post_count "DROP VIEW post_count;" >sq/revert/post_count@v1.sql
sqf Deploy post_count "CREATE INDEX posts_author ON posts (author);" >sq/deploy/post_count.sql
sqf Revert post_count "DROP INDEX posts_author;" >sq/revert/post_count.sql
newdb sq >/dev/null
# Sqitch's registry: beside the database on SQLite (sqitch.db), the
# schema sqitch on PostgreSQL; a row per change deployed, a reworked
# change once per instance.
if [ "$ADB" = sqlite ]; then
	rm -f sqitch.db
	SQS=
	sqreg() { sqlite3 -bail "$T/sqitch.db" "$1"; }
	sqreg "CREATE TABLE projects (project TEXT PRIMARY KEY, uri TEXT NULL UNIQUE, created_at DATETIME NOT NULL DEFAULT(strftime('%Y-%m-%d %H:%M:%f')), creator_name TEXT NOT NULL, creator_email TEXT NOT NULL)"
	sqreg "CREATE TABLE changes (change_id TEXT PRIMARY KEY, script_hash TEXT NULL, change TEXT NOT NULL, project TEXT NOT NULL REFERENCES projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '', committed_at DATETIME NOT NULL DEFAULT(strftime('%Y-%m-%d %H:%M:%f')), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at DATETIME NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE(project, script_hash))"
else
	sqreg() { q sq "$1"; }
	SQS=sqitch.
	sqreg "CREATE SCHEMA sqitch"
	sqreg "CREATE TABLE sqitch.projects (project TEXT PRIMARY KEY, uri TEXT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), creator_name TEXT NOT NULL, creator_email TEXT NOT NULL)"
	sqreg "CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, script_hash TEXT NULL, change TEXT NOT NULL, project TEXT NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '', committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE(project, script_hash))"
fi
sqreg "INSERT INTO ${SQS}projects (project, creator_name, creator_email) VALUES ('blog', 'Ann', 'ann@example.com')"
n=1
for c in users posts post_count@v1 post_count; do
	qf sq "sq/deploy/$c.sql" || fail "sqitch's SQL failed"
	sqreg "INSERT INTO ${SQS}changes (change_id, script_hash, change, project, note, committer_name, committer_email, planned_at, planner_name, planner_email) VALUES ('id$n', 'h$n', '${c%@*}', 'blog', '', 'Ann', 'ann@example.com', '2024-01-0${n}T00:00:00Z', 'Ann', 'ann@example.com')"
	n=$((n + 1))
done
adopted sq sqitch sq
tcase "$ADB sqitch: the reworked change's two rows are its two instances"
[ "$(rows sq)" = "post_count post_count_2 posts users " ] || fail "rows: $(rows sq)"

# --- alembic ------------------------------------------------------------
# What `alembic upgrade base:head --sql` prints: a branch and its merge;
# the script fills alembic_version itself.
{
	echo "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
	echo; echo "-- Running upgrade  -> a1"; echo; echo "$UP1"; echo
	echo "INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING version_num;"
	echo; echo "-- Running upgrade a1 -> b2"; echo; echo "$UP2"; echo
	echo "UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';"
	echo; echo "-- Running upgrade a1 -> c3"; echo
	echo "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);"; echo
	echo "INSERT INTO alembic_version (version_num) VALUES ('c3') RETURNING version_num;"
	echo; echo "-- Running upgrade b2, c3 -> d4"; echo; echo "$UP3"; echo
	echo "DELETE FROM alembic_version WHERE alembic_version.version_num = 'b2';"; echo
	echo "UPDATE alembic_version SET version_num='d4' WHERE alembic_version.version_num = 'c3';"
} >al_up.sql
newdb al >/dev/null
qf al al_up.sql || fail "alembic's script failed"
adopted al alembic al_up.sql

tcase "$ADB alembic: a database on one branch (b2) gets b2's ancestors only"
newdb alb >/dev/null
q alb "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('b2')"
run revapply -d m_al -u "$(url alb)" adopt --from alembic
status_is 0
[ "$(rows alb)" = "a1 b2 " ] || fail "rows: $(rows alb)"

tcase "$ADB alembic: dbrev's table recording the other branch disagrees, refused"
newdb ald >/dev/null
q ald "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('b2')"
revapply -q -d m_al -u "$(url ald)" stamp c3
run revapply -d m_al -u "$(url ald)" adopt --from alembic
status_is 1
stderr_has "version table dbrev_revisions records revision c3 as applied, which alembic's table alembic_version does not: the two disagree"
[ "$(rows ald)" = "a1 c3 " ] || fail "rows changed: $(rows ald)"

# --- refusals -------------------------------------------------------------
tcase "$ADB: a version with no imported revision is refused, naming it, nothing written"
newdb unk >/dev/null
q unk "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240104000000')"
run revapply -d m_dbm -u "$(url unk)" adopt --from dbmate
status_is 1
stderr_is "revapply: dbmate's table schema_migrations records version '20240104000000' as applied, but m_dbm/versions has no revision 20240104000000 for it; import the whole history again ('revgen import --from dbmate SOURCE') so that every applied migration has its revision, then adopt; nothing was written"
[ -z "$(rows unk 2>/dev/null)" ] || fail "written: $(rows unk)"

tcase "$ADB: a version with quotes, ';' and a newline is named on one line"
q unk "DELETE FROM schema_migrations; INSERT INTO schema_migrations VALUES ('1''; DROP TABLE x; --
\$(id)')"
run revapply -d m_dbm -u "$(url unk)" adopt --from dbmate
status_is 1
[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
stderr_has "records version '1'; DROP TABLE x; --?\$(id)' as applied"

tcase "$ADB: a version applied before the one it rests on (out of order) is refused"
q unk "DELETE FROM schema_migrations; INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240103000000')"
run revapply -d m_dbm -u "$(url unk)" adopt --from dbmate
status_is 1
stderr_has "dbmate's table schema_migrations records revision 20240103000000 as applied but not 20240102000000, which it rests on"
[ -z "$(rows unk 2>/dev/null)" ] || fail "written: $(rows unk)"

tcase "$ADB: an edited file whose revision dbrev recorded is refused"
newdb ed >/dev/null
q ed "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240102000000')"
revapply -q -d m_dbm -u "$(url ed)" stamp 20240101000000
cp -r m_dbm m_ed
sed -i 's/^-- +upgrade$/&\n-- edited/' m_ed/versions/20240101000000_users.sql
run revapply -d m_ed -u "$(url ed)" adopt --from dbmate
status_is 1
stderr_has "revision '20240101000000' was edited after it was applied"
[ "$(rows ed)" = "20240101000000 " ] || fail "rows changed: $(rows ed)"

tcase "$ADB: a database the tool has not migrated is refused"
newdb none >/dev/null
run revapply -d m_dbm -u "$(url none)" adopt --from diesel
status_is 1
stderr_has "has no table __diesel_schema_migrations: diesel has not migrated it; check the URL and --from"

tcase "$ADB: --from is checked; adopt needs it"
run revapply -d m_dbm -u "$(url none)" adopt --from liquibase
status_is 2
stderr_has "unknown kind 'liquibase'"
run revapply -d m_dbm -u "$(url none)" adopt
status_is 2
stderr_has "adopt needs --from KIND"
