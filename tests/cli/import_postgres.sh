# revgen import on the private PostgreSQL server, for the kinds whose
# histories are PostgreSQL-flavoured: goose with a $$ function between
# StatementBegin/End and a CREATE INDEX CONCURRENTLY under NO
# TRANSACTION, Flyway's CONCURRENTLY, Sqitch's BEGIN/COMMIT scripts, and
# Alembic's PostgreSQL script (BEGIN/COMMIT, a branch, a merge, an
# autocommit block).  Each is imported, applied by revapply to a fresh
# database and compared (pg_dump -s) with a database built by psql
# running the source's own SQL in the tool's order; then downgraded to
# base.
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$T" || exit 2
unset DBREV_DIR DATABASE_URL

if ! pg_available; then
	skip "revgen import on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

P=imp_
newdb() { pg_newdb "$P$1" || { echo "cannot create database $1" >&2; exit 1; }; }
# schema DB: the schema, without the tools' version tables.
schema() {
	pg_dump -s -x -O -T dbrev_revisions -T alembic_version -d "$P$1" |
	    grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog' -e '^$' -e '^\\'
}
# native DB FILE...: psql runs each file, stopping at the first error.
native() {
	_db=$1
	shift
	newdb "$_db" >/dev/null
	for _f; do
		psql -X -q -v ON_ERROR_STOP=1 -d "$P$_db" -f "$_f" >/dev/null ||
			return 1
	done
}
fresh() { rm -rf "$1" && revgen -q -d "$1" init >/dev/null; }
# check NAME KIND SOURCE...: import, upgrade, compare with native_NAME,
# downgrade to base.
check() {
	_n=$1 _k=$2
	shift 2
	tcase "$_n: import, upgrade, same schema as psql running the source"
	fresh "m_$_n"
	run revgen -d "m_$_n" import --from "$_k" "$@"
	status_is 0
	url=$(newdb "$_n")
	run revapply -d "m_$_n" -u "$url" upgrade
	status_is 0
	schema "$_n" >got.sql
	schema "native_$_n" >want.sql
	[ -s got.sql ] || fail "empty schema"
	cmp -s got.sql want.sql || fail "schemas differ: $(diff want.sql got.sql | head -40)"
	tcase "$_n: downgrade to base"
	run revapply -d "m_$_n" -u "$url" downgrade base
	status_is 0
	[ -z "$(schema "$_n")" ] || fail "left: $(schema "$_n")"
}

# --- goose -------------------------------------------------------------
mkdir -p gs
cat >gs/20240101000000_users.sql <<'EOF'
-- +goose Up
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, updated_at timestamptz);

-- +goose StatementBegin
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();  -- a comment; with a semicolon
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch();

-- +goose Down
DROP TABLE users;
DROP FUNCTION touch();
EOF
cat >gs/20240102000000_index.sql <<'EOF'
-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY users_email ON users (email);

-- +goose Down
DROP INDEX CONCURRENTLY users_email;
EOF
sed -n '/^-- +goose Up$/,/^-- +goose Down$/p' gs/20240101000000_users.sql >gs1.sql
sed -n '/^-- +goose Up$/,/^-- +goose Down$/p' gs/20240102000000_index.sql >gs2.sql
native native_gs gs1.sql gs2.sql
check gs goose gs

tcase "goose: the CONCURRENTLY migration is transaction: none"
grep -qx -- "-- transaction: none" m_gs/versions/20240102000000_index.sql ||
	fail "$(head -6 m_gs/versions/20240102000000_index.sql)"

# --- flyway -------------------------------------------------------------
mkdir -p fw
printf 'CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric(12,2));\n' >fw/V1__orders.sql
printf 'CREATE INDEX CONCURRENTLY orders_total ON orders (total);\n' >fw/V1.1__index.sql
printf "CREATE TYPE status AS ENUM ('new');\nALTER TABLE orders ADD COLUMN status status;\n" >fw/V1.10__status.sql
printf 'DROP INDEX CONCURRENTLY orders_total;\n' >fw/U1.1__index.sql
printf 'DROP TABLE orders;\n' >fw/U1__orders.sql
printf 'ALTER TABLE orders DROP COLUMN status;\nDROP TYPE status;\n' >fw/U1.10__status.sql
native native_fw fw/V1__orders.sql fw/V1.1__index.sql fw/V1.10__status.sql
check fw flyway fw

tcase "flyway: CONCURRENTLY, which Flyway runs outside a transaction, is transaction: none"
grep -qx -- "-- transaction: none" m_fw/versions/1_1_index.sql || fail "no"
grep -q -- "-- transaction" m_fw/versions/1_orders.sql && fail "V1 is not transactional"

# --- sqitch -------------------------------------------------------------
mkdir -p sq/deploy sq/revert
cat >sq/sqitch.plan <<'EOF'
%syntax-version=1.0.0
%project=shop

appschema 2020-01-01T00:00:00Z Ann <ann@example.com> # Add schema for all shop objects.
products [appschema] 2020-01-02T00:00:00Z Ann <ann@example.com> # Products.
prices [appschema] 2020-01-03T00:00:00Z Ann <ann@example.com> # Prices.
catalog [products prices] 2020-01-04T00:00:00Z Ann <ann@example.com> # The catalog view.
EOF
sq() {
	printf -- '-- Deploy shop:%s to pg\n\nBEGIN;\n\n%s\n\nCOMMIT;\n' "$1" "$2" >"sq/deploy/$1.sql"
	printf -- '-- Revert shop:%s from pg\n\nBEGIN;\n\n%s\n\nCOMMIT;\n' "$1" "$3" >"sq/revert/$1.sql"
}
sq appschema "CREATE SCHEMA shop;" "DROP SCHEMA shop;"
sq products "CREATE TABLE shop.products (id int PRIMARY KEY, name text);" "DROP TABLE shop.products;"
sq prices "CREATE TABLE shop.prices (product int, cents int);" "DROP TABLE shop.prices;"
sq catalog "CREATE VIEW shop.catalog AS SELECT p.name, c.cents FROM shop.products p JOIN shop.prices c ON c.product = p.id;" \
    "DROP VIEW shop.catalog;"
native native_sq sq/deploy/appschema.sql sq/deploy/products.sql sq/deploy/prices.sql sq/deploy/catalog.sql
check sq sqitch sq

tcase "sqitch: a merge of requirements as depends, the parent the change before"
f=m_sq/versions/catalog_the_catalog_view.sql
grep -qx -- "-- parents: prices" "$f" || fail "$(head -6 "$f")"
grep -qx -- "-- depends: products" "$f" || fail "$(head -6 "$f")"

# --- alembic ------------------------------------------------------------
# `alembic upgrade base:head --sql` for PostgreSQL: one transaction, a
# branch and its merge, and an autocommit_block() (COMMIT; ... BEGIN;)
# around ALTER TYPE ... ADD VALUE.
cat >up.sql <<'EOF'
BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> a1

CREATE TYPE mood AS ENUM ('ok');

CREATE TABLE person (
    id SERIAL NOT NULL, 
    mood mood, 
    PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;

-- Running upgrade a1 -> b2

ALTER TABLE person ADD COLUMN name VARCHAR(40);

UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';

-- Running upgrade a1 -> c3

CREATE FUNCTION person_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM person; $$;

INSERT INTO alembic_version (version_num) VALUES ('c3') RETURNING alembic_version.version_num;

-- Running upgrade b2, c3 -> d4

DELETE FROM alembic_version WHERE alembic_version.version_num = 'b2';

UPDATE alembic_version SET version_num='d4' WHERE alembic_version.version_num = 'c3';

-- Running upgrade d4 -> e5

COMMIT;

ALTER TYPE mood ADD VALUE 'happy';

BEGIN;

UPDATE alembic_version SET version_num='e5' WHERE alembic_version.version_num = 'd4';

COMMIT;

EOF
cat >down.sql <<'EOF'
BEGIN;

-- Running downgrade e5 -> d4

UPDATE alembic_version SET version_num='d4' WHERE alembic_version.version_num = 'e5';

-- Running downgrade d4 -> b2, c3

UPDATE alembic_version SET version_num='c3' WHERE alembic_version.version_num = 'd4';

INSERT INTO alembic_version (version_num) VALUES ('b2') RETURNING alembic_version.version_num;

-- Running downgrade c3 -> a1

DROP FUNCTION person_count();

DELETE FROM alembic_version WHERE alembic_version.version_num = 'c3';

-- Running downgrade b2 -> a1

ALTER TABLE person DROP COLUMN name;

UPDATE alembic_version SET version_num='a1' WHERE alembic_version.version_num = 'b2';

-- Running downgrade a1 -> 

DROP TABLE person;

DROP TYPE mood;

DELETE FROM alembic_version WHERE alembic_version.version_num = 'a1';

COMMIT;

EOF
native native_al up.sql
check al alembic up.sql down.sql

tcase "alembic: the autocommit block makes transaction: none; no BEGIN/COMMIT copied"
grep -qx -- "-- transaction: none" m_al/versions/e5_*.sql || fail "$(cat m_al/versions/e5_*.sql)"
grep -l -x -e 'BEGIN;' -e 'COMMIT;' m_al/versions/* && fail "Alembic's BEGIN/COMMIT copied"
grep -q -- "-- transaction" m_al/versions/a1_*.sql && fail "a1 is not transactional"
grep -qx -- "-- parents: b2 c3" m_al/versions/d4_*.sql || fail "merge"

finish
