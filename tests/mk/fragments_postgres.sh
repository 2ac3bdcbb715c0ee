# The make fragments on the private PostgreSQL: every target, the tracked
# db-upgrade (one read of the version table when nothing is pending; a
# server that is not there is an error, never "nothing to do"),
# passwords kept out, -j, and the postgres-app example.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

if ! pg_available; then
	skip "make fragments on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

BIN=$T/bin
recording_bindir "$BIN"
pg_newdb dbrev_mk_pg >/dev/null || fail "cannot create a database"
# Host and port come from PGHOST/PGPORT: pointing PGPORT elsewhere shows
# whether make connects.  The password (ignored by the trust cluster)
# must never be shown.
URL="postgresql:///dbrev_mk_pg?user=postgres&password=sekrit"
project "$T/p" "$URL"
psql_db() { psql -X -At -d dbrev_mk_pg -c "$1"; }

tcase "db-init, db-revision"
mk db-init
status_is 0
mk db-revision M="Create users table"
status_is 0
r1=$(ls "$P"/migrations/versions/*_create_users_table.sql)
fill "$r1" "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);" \
    "DROP TABLE users;"
id1=$(basename "$r1" | cut -c1-12)

tcase "first db-upgrade: backup of the empty database, then upgrade"
calls_clear
mk db-upgrade
status_is 0
stdout_has "  BACKUP   postgresql:///dbrev_mk_pg?user=postgres"
stdout_has "  UPGRADE  postgresql:///dbrev_mk_pg?user=postgres"
calls_order dbbackup "revapply -d migrations upgrade"
run psql_db "select count(*) from users"
stdout_is 0

tcase "the password is in no output and no file name"
mk db-upgrade V=1
stdout_lacks sekrit
stderr_lacks sekrit
mk db-help
stdout_lacks sekrit
[ -z "$(find "$P" -name '*sekrit*')" ] || fail "a file is named after the password"
! grep -rq sekrit "$P/.dbrev" || fail "the password is in .dbrev"

tcase "nothing changed: one check, no backup, no upgrade"
calls_clear
mk db-upgrade
status_is 0
stdout_is ""
[ "$(cat "$CALLS")" = "revapply -d migrations -q current --exit-code --state-dir .dbrev" ] ||
    fail "calls: $(cat "$CALLS")"
mk -n db-upgrade
status_is 0
stdout_lacks dbbackup
stdout_lacks 'revapply -d "$DBREV_DIR" upgrade'

tcase "nothing changed but the server is not there: an error, not 'nothing to do'"
calls_clear
PGHOST=$T/nowhere PGPORT=1 mk db-upgrade
[ "$STATUS" != 0 ] || fail "db-upgrade said nothing to do without reaching the server"
stderr_has "cannot connect"
stderr_lacks sekrit
calls_lacks dbbackup
calls_lacks "migrations upgrade"

tcase "a new revision: backup, then upgrade"
mk db-revision M="Add email"
r2=$(ls "$P"/migrations/versions/*_add_email.sql)
fill "$r2" "ALTER TABLE users ADD COLUMN email text;" \
    "ALTER TABLE users DROP COLUMN email;"
id2=$(basename "$r2" | cut -c1-12)
calls_clear
mk db-upgrade
status_is 0
calls_order dbbackup "revapply -d migrations upgrade"
run psql_db "select count(*) from information_schema.columns where table_name='users' and column_name='email'"
stdout_is 1

tcase "db-current, db-history, db-heads, db-branches, db-show"
mk db-current
status_is 0
stdout_has "$id2"
mk db-history
status_is 0
stdout_has "$id1"
mk db-heads
stdout_has "$id2"
mk db-branches
status_is 0
mk db-show REV="$id1"
status_is 0
stdout_has "CREATE TABLE users"

tcase "db-sql prints SQL that psql runs"
mk db-sql
status_is 0
stdout_has "CREATE TABLE users"
pg_newdb dbrev_mk_pg_sql >/dev/null
run psql -X -q -v ON_ERROR_STOP=1 -d dbrev_mk_pg_sql -f "$OUT"
status_is 0

tcase "db-downgrade, then db-upgrade runs again"
mk db-downgrade
status_is 0
run psql_db "select count(*) from information_schema.columns where column_name='email'"
stdout_is 0
calls_clear
mk db-upgrade
status_is 0
calls_has "revapply -d migrations upgrade"

tcase "db-stamp"
mk db-stamp REV="$id1"
status_is 0
mk db-current
stdout_has "$id1"
mk db-stamp REV=head
status_is 0

tcase "db-backup, db-restore"
mk db-backup
status_is 0
b=$(grep -v '^  ' "$OUT" | tail -n 1)
psql_db "insert into users values (1, 'later')" >/dev/null
mk db-restore BACKUP="$b"
status_is 0
run psql_db "select count(*) from users"
stdout_is 0

tcase "db-merge, db-check"
mk db-revision M="Side" REV="$id1"
status_is 0
mk db-check
[ "$STATUS" != 0 ] || fail "db-check passed with two heads"
mk db-merge M="Merge side"
status_is 0
mk db-upgrade
status_is 0
mk db-heads
[ "$(grep -c . "$OUT")" = 1 ] || fail "expected one head"

tcase "make -j4 across several targets"
mk db-revision M="More"
mk -j4 db-upgrade db-current db-heads db-history db-branches
status_is 0

tcase "DB_TABLE names the version table"
pg_newdb dbrev_mk_pg_t >/dev/null
mk db-upgrade DATABASE_URL="postgresql:///dbrev_mk_pg_t?user=postgres" DB_TABLE=my_versions DB_BACKUP=no
status_is 0
run psql -X -At -d dbrev_mk_pg_t -c "select count(*) from my_versions"
[ "$(cat "$OUT")" -ge 1 ] 2>/dev/null || fail "no rows in my_versions: $(cat "$OUT" "$ERR")"

tcase "the postgres-app example builds, migrates and runs"
pg_newdb dbrev_mk_example >/dev/null
mkdir -p "$T/tree/examples"
ln -s "$DBREV_SRCDIR/mk" "$T/tree/mk"
cp -R "$DBREV_SRCDIR/examples/postgres-app" "$T/tree/examples/"
rm -rf "$T/tree/examples/postgres-app/app" "$T/tree/examples/postgres-app/.dbrev" \
    "$T/tree/examples/postgres-app/backups"
ex_url="postgresql:///dbrev_mk_example?host=$PGHOST&port=$PGPORT&user=$PGUSER"
DATABASE_URL=$ex_url run "$MAKE_CMD" --no-print-directory \
    -C "$T/tree/examples/postgres-app" DBREV_BINDIR="$DBREV_BINDIR" run
status_is 0
stdout_has "Ada Lovelace"
stdout_has "3 users"
run psql -X -At -d dbrev_mk_example -c "select count(*) from pg_indexes where indexname='ix_posts_user_id'"
stdout_is 1

tcase "the postgres-app example never shows a password libpq quotes"
DATABASE_URL="postgresql://$PGUSER:s3cr%zzet@/dbrev_mk_example?host=$PGHOST" \
    run "$T/tree/examples/postgres-app/app"
status_is 2
stderr_has "not a valid connection string"
stderr_lacks "s3cr"
DATABASE_URL="postgresql:///no_such_db?host=$PGHOST&port=$PGPORT&user=$PGUSER&password=s3cr3t" \
    run "$T/tree/examples/postgres-app/app"
status_is 1
stderr_has "no_such_db"
stderr_lacks "s3cr3t"

tcase "the postgres-app example: down to base and up again"
DATABASE_URL=$ex_url run "$MAKE_CMD" --no-print-directory \
    -C "$T/tree/examples/postgres-app" DBREV_BINDIR="$DBREV_BINDIR" db-downgrade REV=base
status_is 0
DATABASE_URL=$ex_url run "$MAKE_CMD" --no-print-directory \
    -C "$T/tree/examples/postgres-app" DBREV_BINDIR="$DBREV_BINDIR" run
status_is 0
stdout_has "Grace Hopper"

DATABASE_URL=$ex_url run "$MAKE_CMD" --no-print-directory \
    -C "$T/tree/examples/postgres-app" DBREV_BINDIR="$DBREV_BINDIR" db-check
if grep -q "not available yet" "$ERR"; then
	skip "the postgres-app example: schema.sql matches" "PostgreSQL autogenerate not built yet"
else
	tcase "the postgres-app example: schema.sql matches"
	status_is 0

	tcase "db-migrate on PostgreSQL, then db-check"
	cat >"$P/schema.sql" <<'EOF'
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);
EOF
	mk db-migrate M="Add tags"
	status_is 0
	[ -n "$(ls "$P"/migrations/versions/*_add_tags.sql 2>/dev/null)" ] || fail "no revision"
	mk db-check
	status_is 0
	mk db-upgrade
	status_is 0
	run psql_db "select count(*) from tags"
	stdout_is 0
fi

tcase "the postgres-app example without DATABASE_URL: builds, run explains"
(unset DATABASE_URL; run "$MAKE_CMD" --no-print-directory \
    -C "$T/tree/examples/postgres-app" DBREV_BINDIR="$DBREV_BINDIR" run
    echo "$STATUS" >"$T/st")
[ "$(cat "$T/st")" = 2 ] || fail "status $(cat "$T/st")"
stderr_has "needs DATABASE_URL"

finish
