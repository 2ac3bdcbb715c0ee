# revgen import on SQLite: for each kind a small history in its tool's
# layout and quirks, imported, applied by revapply to a fresh database
# and compared with what sqlite3 builds from the source's own SQL run in
# the tool's order (differential); re-imports byte-identical; downgrade
# to base; errors as one line with file:line, exit 2, nothing written.
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$T" || exit 2
unset DBREV_DIR DATABASE_URL

# schema DB: a SQLite database's schema without the tools' own tables.
schema() {
	sqlite3 "$1" "select type || ' ' || name || ' ' || tbl_name || ' ' ||
	    coalesce(sql, '') from sqlite_master where name not in
	    ('dbrev_revisions', 'alembic_version') and name not like
	    'sqlite_autoindex_dbrev%' and name not like
	    'sqlite_autoindex_alembic%' order by type, name"
}
# native DB FILE...: run each file with sqlite3, stopping at an error.
native() {
	_db=$1
	shift
	for _f; do sqlite3 -bail "$_db" <"$_f" || return 1; done
}
# fresh NAME: an empty migrations directory.
fresh() { rm -rf "$1" && revgen -q -d "$1" init >/dev/null; }
# check_kind NAME KIND SOURCE... : import into m_NAME, upgrade a fresh
# database and compare with native.db (built by the caller); then the
# re-import cases and, unless NODOWN is set, downgrade to base.
check_kind() {
	_n=$1 _k=$2
	shift 2
	tcase "$_n: import, upgrade, same schema as the source's SQL"
	fresh "m_$_n"
	run revgen -d "m_$_n" import --from "$_k" "$@"
	status_is 0
	run revapply -d "m_$_n" -u "sqlite:$_n.db" upgrade
	status_is 0
	[ -n "$(schema "$_n.db")" ] || fail "empty schema"
	[ "$(schema "$_n.db")" = "$(schema "native_$_n.db")" ] ||
		fail "schemas differ:
$(schema "$_n.db")
--- native:
$(schema "native_$_n.db")"
	tcase "$_n: a re-import into a fresh directory is byte-identical"
	fresh "m2_$_n"
	run revgen -d "m2_$_n" import --from "$_k" "$@"
	status_is 0
	diff -r "m_$_n/versions" "m2_$_n/versions" >/dev/null ||
		fail "differs: $(diff -r "m_$_n/versions" "m2_$_n/versions")"
	tcase "$_n: importing again writes nothing"
	run revgen -d "m_$_n" import --from "$_k" "$@"
	status_is 0
	stdout_is ""
	stderr_has "imported 0 revisions from $_k"
	[ -n "${NODOWN:-}" ] && return 0
	tcase "$_n: downgrade to base leaves nothing"
	run revapply -d "m_$_n" -u "sqlite:$_n.db" downgrade base
	status_is 0
	[ -z "$(schema "$_n.db")" ] || fail "left: $(schema "$_n.db")"
}

# --- dbmate ------------------------------------------------------------
mkdir -p dbm
# dbmate FILE UP DOWN [OPTS]: a migration; UP also goes to FILE.up.
dbmate() {
	printf -- '-- migrate:up%s\n%s\n\n-- migrate:down%s\n%s\n' "${4:-}" \
	    "$2" "${4:-}" "$3" >"dbm/$1"
	printf '%s\n' "$2" >"dbm.$1.up"
}
dbmate 20151129054053_create_users.sql \
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);" \
    "DROP TABLE users;"
dbmate 20200227231541_add_email.sql \
    "ALTER TABLE users ADD COLUMN email TEXT;" \
    "ALTER TABLE users DROP COLUMN email;"
# transaction:false, and statements that need it (VACUUM).
dbmate "20200301000000_index emails; \$(rm -rf x) 'q' #1.sql" \
    "CREATE INDEX users_email ON users (email);
VACUUM;" "DROP INDEX users_email;" " transaction:false"
echo "not a migration" >dbm/README.md
native native_dbmate.db dbm.20151129054053_create_users.sql.up \
    dbm.20200227231541_add_email.sql.up \
    "dbm.20200301000000_index emails; \$(rm -rf x) 'q' #1.sql.up"
check_kind dbmate dbmate dbm

tcase "dbmate: ids are the versions, parents the previous, transaction:false kept"
f=$(ls m_dbmate/versions/20200301000000_*.sql)
case $f in
*/20200301000000_index_emails_rm_rf_x_q_1.sql) ;;
*) fail "file name $f" ;;
esac
grep -qx -- "-- parents: 20200227231541" "$f" || fail "parents: $(head -3 "$f")"
grep -qx -- "-- transaction: none" "$f" || fail "no transaction: none"
grep -qx -- "-- message: index emails; \$(rm -rf x) 'q' #1" "$f" ||
	fail "message: $(grep message "$f")"
grep -qx -- "-- created: 2020-03-01T00:00:00Z" "$f" || fail "created"
grep -qx -- "-- parents:" m_dbmate/versions/20151129054053_create_users.sql ||
	fail "the first is not a root"

tcase "dbmate, golang-migrate: a line break in a name is not a migration, as for them"
# Their patterns' '.' matches no line break: they never ran such a file,
# so an import (and an adopt after it) must not run it either.
mkdir -p dbm_nl gm_nl
printf -- '-- migrate:up\nSELECT 1;\n' >"dbm_nl/1_two
lines.sql"
printf -- '-- migrate:up\nSELECT 2;\n' >dbm_nl/2_one_line.sql
printf 'SELECT 1;\n' >"gm_nl/1_two
lines.up.sql"
printf 'SELECT 2;\n' >gm_nl/2_one_line.up.sql
fresh m_nl
run revgen -d m_nl import --from dbmate dbm_nl
status_is 0
stdout_is "m_nl/versions/2_one_line.sql"
fresh m_nl
run revgen -d m_nl import --from golang-migrate gm_nl
status_is 0
stdout_is "m_nl/versions/2_one_line.sql"

tcase "dbmate: sections are the source's bytes"
sed -n '/^-- +upgrade$/,/^-- +downgrade$/p' \
    m_dbmate/versions/20200227231541_add_email.sql | sed '1d;$d' >got
sed -n '2,/^-- migrate:down/p' dbm/20200227231541_add_email.sql | sed '$d' >want
cmp -s got want || fail "upgrade section differs: $(diff want got)"

tcase "dbmate: a source changed after the import is refused, nothing written"
cp -r dbm dbm_changed
sed 's/email TEXT/email VARCHAR/' dbm/20200227231541_add_email.sql \
    >dbm_changed/20200227231541_add_email.sql
dbmate_new() { printf -- '-- migrate:up\nCREATE TABLE x (a);\n' >"$1"; }
dbmate_new dbm_changed/20300101000000_more.sql
before=$(ls m_dbmate/versions)
run revgen -d m_dbmate import --from dbmate dbm_changed
status_is 2
stderr_has "m_dbmate/versions/20200227231541_add_email.sql: revision 20200227231541 is already there, with another upgrade section than dbm_changed/20200227231541_add_email.sql:2 gives; nothing was written"
[ "$(ls m_dbmate/versions)" = "$before" ] || fail "something was written"

tcase "dbmate: new source migrations are added on top"
rm -rf dbm_more && cp -r dbm dbm_more
dbmate_new dbm_more/20300101000000_more.sql
run revgen -d m_dbmate import --from dbmate dbm_more
status_is 0
stdout_is "m_dbmate/versions/20300101000000_more.sql"
stderr_has "imported 1 revision from dbmate into m_dbmate (3 already there)"
grep -qx -- "-- parents: 20200301000000" m_dbmate/versions/20300101000000_more.sql ||
	fail "not on the last one"
grep -q -- "-- +downgrade" m_dbmate/versions/20300101000000_more.sql &&
	fail "no down in the source, yet a downgrade section"

tcase "dbmate: SQL before '-- migrate:up' is one line with file:line, exit 2"
mkdir -p dbm_bad
printf -- '-- a comment\n\nCREATE TABLE early (a);\n-- migrate:up\nSELECT 1;\n' \
    >dbm_bad/1_bad.sql
fresh m_bad
run revgen -d m_bad import --from dbmate dbm_bad
status_is 2
stderr_is "revgen: dbm_bad/1_bad.sql:3: SQL before '-- migrate:up'; move it below the '-- migrate:up' line (dbmate refuses it too)"
[ -z "$(ls m_bad/versions)" ] || fail "something was written"

# --- goose -------------------------------------------------------------
mkdir -p gs
cat >gs/00001_create_accounts.sql <<'EOF'
-- +goose Up
-- +goose StatementBegin
CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
CREATE TRIGGER accounts_positive BEFORE UPDATE ON accounts
WHEN NEW.balance < 0
BEGIN
    SELECT RAISE(ABORT, 'negative; balance');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE accounts;
EOF
cat >gs/00002_seed.sql <<'EOF'
-- +goose up
INSERT INTO accounts VALUES (1, 10);
-- +goose down
DELETE FROM accounts;
EOF
# Numeric order: 10 after 2 (a name sort would put it first).
cat >gs/10_ledger.sql <<'EOF'
-- +goose NO TRANSACTION
-- +goose Up
CREATE TABLE ledger (account INTEGER REFERENCES accounts, amount INTEGER);
CREATE INDEX ledger_account ON ledger (account);

-- +goose Down
DROP TABLE ledger;
EOF
echo "package migrations // helpers, no version" >gs/helpers.go
printf 'CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
CREATE TRIGGER accounts_positive BEFORE UPDATE ON accounts
WHEN NEW.balance < 0
BEGIN
    SELECT RAISE(ABORT, %s);
END;
INSERT INTO accounts VALUES (1, 10);
CREATE TABLE ledger (account INTEGER REFERENCES accounts, amount INTEGER);
CREATE INDEX ledger_account ON ledger (account);
' "'negative; balance'" >gs.native
native native_goose.db gs.native
check_kind goose goose gs

tcase "goose: numeric order, NO TRANSACTION, ids without leading zeros"
[ "$(revorder -d m_goose | cut -f1 | tr '\n' ' ')" = "1 2 10 " ] ||
	fail "order: $(revorder -d m_goose)"
grep -qx -- "-- transaction: none" m_goose/versions/10_ledger.sql ||
	fail "NO TRANSACTION lost"
grep -q -- "-- transaction" m_goose/versions/1_create_accounts.sql &&
	fail "the first is not transactional"

tcase "goose: a Go migration is refused, naming the file"
mkdir -p gs_go && cp gs/*.sql gs_go/ &&
    printf 'package migrations\n' >gs_go/00003_backfill.go
fresh m_go
run revgen -d m_go import --from goose gs_go
status_is 2
stderr_is "revgen: gs_go/00003_backfill.go:1: a Go migration: dbrev imports SQL migrations only; rewrite it as an SQL migration (or as a dbrev revision after the import) and remove the .go file, then import again"
[ -z "$(ls m_go/versions)" ] || fail "something was written"

tcase "goose: an unterminated StatementBegin is refused with its file"
mkdir -p gs_bad
printf -- '-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n' >gs_bad/1_a.sql
fresh m_gbad
run revgen -d m_gbad import --from goose gs_bad
status_is 2
stderr_has "gs_bad/1_a.sql:3: '-- +goose StatementBegin' without StatementEnd"

# --- golang-migrate ----------------------------------------------------
mkdir -p gm
printf 'CREATE TABLE items (id INTEGER PRIMARY KEY);\n' >gm/1_items.up.sql
printf 'DROP TABLE items;\n' >gm/1_items.down.sql
# Its own transaction: imported as transaction: none.
printf 'BEGIN;\nALTER TABLE items ADD COLUMN price INTEGER;\nUPDATE items SET price = 0;\nCOMMIT;\n' \
    >gm/000002_add.price.up.sql
printf 'ALTER TABLE items DROP COLUMN price;\n' >gm/000002_add.price.down.sql
printf 'CREATE INDEX items_price ON items (price);\n' >gm/10_idx.up.sql
printf 'DROP INDEX items_price;\n' >gm/10_idx.down.sql
native native_gm.db gm/1_items.up.sql gm/000002_add.price.up.sql gm/10_idx.up.sql
check_kind gm golang-migrate gm

tcase "golang-migrate: its own BEGIN/COMMIT makes transaction: none; title with dots"
grep -qx -- "-- transaction: none" m_gm/versions/2_add_price.sql ||
	fail "$(cat m_gm/versions/2_add_price.sql)"
grep -qx -- "-- message: add.price" m_gm/versions/2_add_price.sql ||
	fail "message: $(grep message m_gm/versions/2_add_price.sql)"

tcase "golang-migrate: a second up file for a version is refused"
mkdir -p gm_dup && cp gm/* gm_dup/ && cp gm/1_items.up.sql gm_dup/01_again.up.sql
fresh m_gmd
run revgen -d m_gmd import --from golang-migrate gm_dup
status_is 2
stderr_has "a second up file for version 1"

# --- flyway -------------------------------------------------------------
mkdir -p fw/sub
printf 'CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT);\n' >fw/V1.1__create_person.sql
printf 'ALTER TABLE person ADD COLUMN email TEXT;\n' >fw/V1_2__add_email.sql
printf 'CREATE INDEX person_email ON person (email);\n' >fw/sub/V1.10__index_email.sql
printf 'CREATE VIEW person_emails AS SELECT email FROM person;\n' >fw/V2__view.sql
printf 'DROP VIEW person_emails;\n' >fw/U2__view.sql
printf 'DROP INDEX person_email;\n' >fw/sub/U1.10__index_email.sql
printf 'ALTER TABLE person DROP COLUMN email;\n' >fw/U1.2__add_email.sql
printf 'DROP TABLE person;\n' >fw/U1.1__create_person.sql
printf '# script configuration\nexecuteInTransaction=false\n' >fw/V2__view.sql.conf
echo "ignored by Flyway" >fw/notes.txt
native native_fw.db fw/V1.1__create_person.sql fw/V1_2__add_email.sql \
    fw/sub/V1.10__index_email.sql fw/V2__view.sql
check_kind fw flyway fw

tcase "flyway: 1.1 < 1.2 < 1.10 < 2, undo files are the downgrades"
[ "$(revorder -d m_fw | cut -f1 | tr '\n' ' ')" = "1_1 1_2 1_10 2 " ] ||
	fail "order: $(revorder -d m_fw)"
grep -qx -- "-- message: create person" m_fw/versions/1_1_create_person.sql ||
	fail "description"
grep -qx -- "-- transaction: none" m_fw/versions/2_view.sql ||
	fail "executeInTransaction=false lost"

tcase "flyway: a repeatable migration is refused, naming the file"
mkdir -p fw_r && cp fw/*.sql fw_r/ &&
    printf 'CREATE VIEW v AS SELECT 1;\n' >fw_r/R__views.sql
fresh m_fwr
run revgen -d m_fwr import --from flyway fw_r
status_is 2
stderr_has "fw_r/R__views.sql:1: a Flyway repeatable migration: dbrev does not support repeatable revisions yet"
[ -z "$(ls m_fwr/versions)" ] || fail "something was written"

tcase "flyway: 1.0 and 1 are one version; a placeholder is refused at its line"
mkdir -p fw_d fw_p
printf 'SELECT 1;\n' >fw_d/V1__a.sql
printf 'SELECT 2;\n' >fw_d/V1.0__b.sql
fresh m_fwd
run revgen -d m_fwd import --from flyway fw_d
status_is 2
stderr_has "version 1 is also that of fw_d/V1.0__b.sql"
printf 'SELECT 1;\nCREATE TABLE ${prefix}_t (a);\n' >fw_p/V1__a.sql
run revgen -d m_fwd import --from flyway fw_p
status_is 2
stderr_has "fw_p/V1__a.sql:2: Flyway placeholder '\${prefix}'"

tcase "flyway: symbolic links to the location or above it are loops, not followed"
# Three links to the location made 3^16 paths (the import never ended);
# one made each file appear 16 times (duplicate versions).
mkdir -p fw_ln/sub
cp fw/*.sql fw/*.conf fw_ln/ && cp fw/sub/*.sql fw_ln/sub/
ln -s . fw_ln/x && ln -s .. fw_ln/sub/y && ln -s "$PWD/fw_ln" fw_ln/sub/z
ln -s ../fw/sub fw_ln/linked
rm fw_ln/sub/*.sql
fresh m_fwl
run revgen -d m_fwl import --from flyway fw_ln
status_is 0
[ "$(revorder -d m_fwl | cut -f1 | tr '\n' ' ')" = "1_1 1_2 1_10 2 " ] ||
	fail "order: $(revorder -d m_fwl)"
grep -qx -- "-- imported from flyway: linked/V1.10__index_email.sql" \
    m_fwl/versions/1_10_index_email.sql || fail "a link to another directory is read"

# --- diesel -------------------------------------------------------------
mkdir -p ds/2015-12-09-135212_create_posts ds/2016-01-10-101010_add_tags \
    ds/2016-02-01-000000_index_tags
printf 'CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\n' \
    >ds/2015-12-09-135212_create_posts/up.sql
printf 'DROP TABLE posts;\n' >ds/2015-12-09-135212_create_posts/down.sql
printf 'CREATE TABLE tags (post INTEGER REFERENCES posts, tag TEXT);\n' \
    >ds/2016-01-10-101010_add_tags/up.sql
printf 'DROP TABLE tags;\n' >ds/2016-01-10-101010_add_tags/down.sql
printf 'CREATE INDEX tags_tag ON tags (tag);\n' >ds/2016-02-01-000000_index_tags/up.sql
printf 'DROP INDEX tags_tag;\n' >ds/2016-02-01-000000_index_tags/down.sql
printf '# no transaction\nrun_in_transaction = false\n' \
    >ds/2016-02-01-000000_index_tags/metadata.toml
touch ds/.keep
native native_ds.db ds/2015-12-09-135212_create_posts/up.sql \
    ds/2016-01-10-101010_add_tags/up.sql ds/2016-02-01-000000_index_tags/up.sql
check_kind ds diesel ds

tcase "diesel: versions without dashes, metadata.toml, created from the version"
f=m_ds/versions/20160201000000_index_tags.sql
grep -qx -- "-- transaction: none" "$f" || fail "run_in_transaction lost"
grep -qx -- "-- created: 2016-02-01T00:00:00Z" "$f" || fail "created"
grep -qx -- "-- parents: 20160110101010" "$f" || fail "parents"

tcase "diesel: an empty down.sql is irreversible (diesel refuses to run it)"
mkdir -p ds_e/1_a && printf 'CREATE TABLE a (x);\n' >ds_e/1_a/up.sql && : >ds_e/1_a/down.sql
fresh m_dse
run revgen -d m_dse import --from diesel ds_e
status_is 0
grep -q -- "-- +downgrade" m_dse/versions/1_a.sql && fail "has a downgrade"

tcase "diesel: an empty directory is skipped, one with a file but no up.sql refused"
# git leaves emptied directories behind on a checkout of another branch.
mkdir -p ds_e/0_left_behind ds_e/2_b
fresh m_dse2
run revgen -d m_dse2 import --from diesel ds_e
status_is 0
stdout_is "m_dse2/versions/1_a.sql"
touch ds_e/2_b/.gitkeep
run revgen -d m_dse2 import --from diesel ds_e
status_is 2
stderr_has "ds_e/2_b: a migration directory without up.sql"

# --- sqitch -------------------------------------------------------------
mkdir -p sq/deploy sq/revert sq/verify
cat >sq/sqitch.plan <<'EOF'
%syntax-version=1.0.0
%project=flipr
%uri=https://example.org/flipr/

users 2013-12-30T23:19:42Z Marge N. O'Vera <marge@example.com> # Creates table to track our users.
flips [users] 2013-12-31T00:27:43Z Marge N. O'Vera <marge@example.com> # Adds table for storing flips.
hashtags [users] 2013-12-31T00:40:00Z Marge N. O'Vera <marge@example.com>
insert_flip [flips hashtags !old_flip] 2014-01-02T00:00:00Z Marge N. O'Vera <marge@example.com> # Creates a view.
@v1.0.0-dev1 2014-01-03T00:00:00Z Marge N. O'Vera <marge@example.com> # Tag v1.0.0-dev1.

insert_flip [insert_flip@v1.0.0-dev1] 2014-01-04T00:00:00Z Marge N. O'Vera <marge@example.com> # Reworks the view.
EOF
# sqitch NAME DEPLOY REVERT: scripts as sqitch add writes them for SQLite.
sqitch() {
	printf -- '-- Deploy flipr:%s\n\nBEGIN;\n\n%s\n\nCOMMIT;\n' "$1" "$2" >"sq/deploy/$1.sql"
	printf -- '-- Revert flipr:%s\n\nBEGIN;\n\n%s\n\nCOMMIT;\n' "$1" "$3" >"sq/revert/$1.sql"
	printf 'SELECT 1;\n' >"sq/verify/$1.sql"
}
sqitch users "CREATE TABLE users (nickname TEXT PRIMARY KEY);" "DROP TABLE users;"
sqitch flips "CREATE TABLE flips (id INTEGER PRIMARY KEY, nickname TEXT REFERENCES users, body TEXT);" \
    "DROP TABLE flips;"
sqitch hashtags "CREATE TABLE hashtags (flip INTEGER, tag TEXT);" "DROP TABLE hashtags;"
sqitch insert_flip "CREATE VIEW flip_view AS SELECT id, body FROM flips;" "DROP VIEW flip_view;"
mv sq/deploy/insert_flip.sql "sq/deploy/insert_flip@v1.0.0-dev1.sql"
mv sq/revert/insert_flip.sql "sq/revert/insert_flip@v1.0.0-dev1.sql"
sqitch insert_flip "DROP VIEW flip_view;
CREATE VIEW flip_view AS SELECT id, body, nickname FROM flips;" \
    "DROP VIEW flip_view;
CREATE VIEW flip_view AS SELECT id, body FROM flips;"
native native_sq.db sq/deploy/users.sql sq/deploy/flips.sql \
    sq/deploy/hashtags.sql "sq/deploy/insert_flip@v1.0.0-dev1.sql" \
    sq/deploy/insert_flip.sql
check_kind sq sqitch sq

tcase "sqitch: plan order, requirements as depends, the rework its own id"
[ "$(revorder -d m_sq | cut -f1 | tr '\n' ' ')" = "users flips hashtags insert_flip insert_flip_2 " ] ||
	fail "order: $(revorder -d m_sq)"
grep -qx -- "-- depends: flips" m_sq/versions/insert_flip_creates_a_view.sql ||
	fail "depends: $(head -6 m_sq/versions/insert_flip_creates_a_view.sql)"
grep -qx -- "-- depends: users" m_sq/versions/hashtags_hashtags.sql ||
	fail "hashtags' requirement (users, not its parent flips)"
grep -qx -- "-- created: 2013-12-31T00:27:43Z" m_sq/versions/flips_adds_table_for_storing_flips.sql ||
	fail "planned time"
grep -q -- "DROP VIEW flip_view;" m_sq/versions/insert_flip_2_reworks_the_view.sql ||
	fail "the rework runs the new script"
grep -qx -- "-- transaction: none" m_sq/versions/users_creates_table_to_track_our_users.sql ||
	fail "scripts with their own BEGIN/COMMIT must be transaction: none"

tcase "sqitch: a requirement on an unknown change is refused at its line"
mkdir -p sq_bad/deploy && cp sq/deploy/users.sql sq_bad/deploy/
printf '%%project=x\n\nusers [nobody] 2013-12-30T23:19:42Z M <m@x>\n' >sq_bad/sqitch.plan
fresh m_sqb
run revgen -d m_sqb import --from sqitch sq_bad
status_is 2
stderr_has "sq_bad/sqitch.plan:3: 'users' requires an unknown change or tag"

# --- alembic ------------------------------------------------------------
# What `alembic upgrade base:head --sql` prints for SQLite (no BEGIN): a
# root, a branch (two children of it), and their merge.
cat >up.sql <<'EOF'
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 1975ea83b712

CREATE TABLE account (
    id INTEGER NOT NULL, 
    name VARCHAR(50) NOT NULL, 
    PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712') RETURNING version_num;

-- Running upgrade 1975ea83b712 -> ae1027a6acf

ALTER TABLE account ADD COLUMN last_seen DATETIME;

UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = '1975ea83b712';

-- Running upgrade 1975ea83b712 -> 27c6a30d7c24

CREATE TABLE audit (id INTEGER NOT NULL, note VARCHAR, PRIMARY KEY (id));

INSERT INTO alembic_version (version_num) VALUES ('27c6a30d7c24') RETURNING version_num;

-- Running upgrade ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5

DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf';

UPDATE alembic_version SET version_num='53fffde5ad5' WHERE alembic_version.version_num = '27c6a30d7c24';

-- Running upgrade 53fffde5ad5 -> 3bd8a3a5c2f1

CREATE INDEX ix_audit_note ON audit (note);

UPDATE alembic_version SET version_num='3bd8a3a5c2f1' WHERE alembic_version.version_num = '53fffde5ad5';

EOF
cat >down.sql <<'EOF'
-- Running downgrade 3bd8a3a5c2f1 -> 53fffde5ad5

DROP INDEX ix_audit_note;

UPDATE alembic_version SET version_num='53fffde5ad5' WHERE alembic_version.version_num = '3bd8a3a5c2f1';

-- Running downgrade 53fffde5ad5 -> ae1027a6acf, 27c6a30d7c24

UPDATE alembic_version SET version_num='27c6a30d7c24' WHERE alembic_version.version_num = '53fffde5ad5';

INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf') RETURNING version_num;

-- Running downgrade 27c6a30d7c24 -> 1975ea83b712

DROP TABLE audit;

DELETE FROM alembic_version WHERE alembic_version.version_num = '27c6a30d7c24';

-- Running downgrade ae1027a6acf -> 1975ea83b712

ALTER TABLE account DROP COLUMN last_seen;

UPDATE alembic_version SET version_num='1975ea83b712' WHERE alembic_version.version_num = 'ae1027a6acf';

-- Running downgrade 1975ea83b712 -> 

DROP TABLE account;

DELETE FROM alembic_version WHERE alembic_version.version_num = '1975ea83b712';

DROP TABLE alembic_version;

EOF
# Alembic's own script, run by sqlite3, is the reference.
native native_al.db up.sql
check_kind al alembic up.sql down.sql

tcase "alembic: ids, branch and merge kept; its version table left out"
f=m_al/versions/53fffde5ad5_alembic_revision_53fffde5ad5.sql
grep -qx -- "-- parents: ae1027a6acf 27c6a30d7c24" "$f" || fail "merge: $(head -3 "$f")"
grep -qx -- "-- parents: 1975ea83b712" m_al/versions/27c6a30d7c24_*.sql ||
	fail "branch"
grep -l alembic_version m_al/versions/* && fail "alembic_version copied"
sed -n '/^-- +upgrade$/,$p' m_al/versions/ae1027a6acf_*.sql >got
printf -- '-- +upgrade\nALTER TABLE account ADD COLUMN last_seen DATETIME;\n-- +downgrade\nALTER TABLE account DROP COLUMN last_seen;\n' >want
cmp -s got want || fail "sections: $(cat got)"

tcase "alembic: sqlite3 running Alembic's downgrade script agrees (empty)"
native native_al.db down.sql || fail "downgrade script failed"
[ -z "$(schema native_al.db)" ] || fail "native left: $(schema native_al.db)"

tcase "alembic: without the downgrade script the revisions are irreversible"
fresh m_al1
run revgen -d m_al1 import --from alembic up.sql
status_is 0
grep -l -- "-- +downgrade" m_al1/versions/* && fail "a downgrade section"

tcase "alembic: two heads, a downgrade script for each (Alembic refuses heads:base)"
sed '/^-- Running upgrade ae1027a6acf, 27c6a30d7c24/,$d' up.sql >up_heads.sql
# block FROM: the downgrade of revision FROM in down.sql
block() { awk -v m="-- Running downgrade $1 ->" 'index($0, "-- Running") == 1 { on = index($0, m) == 1 } on' down.sql; }
{ block ae1027a6acf; block 1975ea83b712; } >down_ae.sql
{ block 27c6a30d7c24; block 1975ea83b712; } >down_27.sql
fresh m_alh
run revgen -d m_alh import --from alembic up_heads.sql down_ae.sql down_27.sql
status_is 0
[ "$(wc -l <"$OUT")" = 3 ] || fail "wrote: $(cat "$OUT")"
run revapply -d m_alh -u sqlite:alh.db upgrade heads
status_is 0
rm -f native_alh.db && native native_alh.db up_heads.sql
[ "$(schema alh.db)" = "$(schema native_alh.db)" ] || fail "schemas differ"
run revapply -d m_alh -u sqlite:alh.db downgrade base
status_is 0
[ -z "$(schema alh.db)" ] || fail "left: $(schema alh.db)"
sed 's/DROP TABLE account;/DROP TABLE account; -- edited/' down_27.sql >down_27e.sql
fresh m_alh
run revgen -d m_alh import --from alembic up_heads.sql down_ae.sql down_27e.sql
status_is 2
stderr_has "down_27e.sql:7: revision 1975ea83b712 is downgraded otherwise in down_ae.sql"

tcase "alembic: a script that starts partway names the missing revision"
sed -n '/^-- Running upgrade ae1027a6acf, 27c6a30d7c24/,$p' up.sql >part.sql
fresh m_alp
run revgen -d m_alp import --from alembic part.sql
status_is 2
stderr_has "'53fffde5ad5' rests on revision 'ae1027a6acf', which is neither in this source before it nor in the migrations directory"

# --- all kinds ------------------------------------------------------------
tcase "an unknown kind, a missing directory: one line each, exit 2"
run revgen import --from liquibase db
status_is 2
stderr_has "unknown import kind 'liquibase'; the kinds are alembic, dbmate, diesel, flyway, golang-migrate, goose, sqitch"
fresh migrations
run revgen import --from dbmate no/such/dir
status_is 2
stderr_is "revgen: no/such/dir: no such directory; give the directory of the dbmate migrations (db/migrations)"
run revgen import dbm
status_is 2
stderr_has "import needs the source's kind: --from KIND"

tcase "a file in the way of one revision: nothing at all is written"
fresh m_way
mkdir -p m_way/versions/20200227231541_add_email.sql
run revgen -d m_way import --from dbmate dbm
status_is 2
stderr_has "m_way/versions/20200227231541_add_email.sql: exists, but does not hold revision 20200227231541"
[ "$(ls -A m_way/versions)" = "20200227231541_add_email.sql" ] ||
	fail "left: $(ls -A m_way/versions)"

tcase "a source that is not UTF-8 is refused at its line"
mkdir -p dbm_l1 && printf -- '-- migrate:up\nINSERT INTO t VALUES (\047caf\351\047);\n' >dbm_l1/1_a.sql
fresh m_l1
run revgen -d m_l1 import --from dbmate dbm_l1
status_is 2
stderr_has "dbm_l1/1_a.sql:2: invalid UTF-8 byte sequence (byte 0xe9)"

tcase "a comment that reads as a dbrev section marker is refused at its line"
mkdir -p dbm_mk && printf -- '-- migrate:up\nSELECT 1;\n-- +downgrade\n' >dbm_mk/1_a.sql
fresh m_mk
run revgen -d m_mk import --from dbmate dbm_mk
status_is 2
stderr_has "dbm_mk/1_a.sql:3: the line '-- +downgrade' would cut the revision in two"

tcase "10,000 goose migrations: imported in order, re-import writes nothing"
mkdir -p big
awk 'BEGIN { for (i = 1; i <= 10000; i++) {
	f = sprintf("big/%05d_step_%d.sql", i, i)
	printf "-- +goose Up\nCREATE TABLE t%d (a);\n-- +goose Down\nDROP TABLE t%d;\n", i, i > f
	close(f) } }'
fresh m_big
run revgen -q -d m_big import --from goose big
status_is 0
[ "$(wc -l <"$OUT")" = 10000 ] || fail "wrote $(wc -l <"$OUT")"
[ "$(revorder -d m_big | awk '{ printf "%s ", $1 }' | cut -c1-20)" = "1 2 3 4 5 6 7 8 9 10" ] ||
	fail "order: $(revorder -d m_big | head -n 12)"
[ "$(revorder -d m_big | tail -n 1 | cut -f1)" = 10000 ] || fail "last is not 10000"
grep -qx -- "-- parents: 9999" m_big/versions/10000_step_10000.sql || fail "chain"
run revgen -d m_big import --from goose big
status_is 0
stderr_has "imported 0 revisions from goose into m_big (10000 already there)"

finish
