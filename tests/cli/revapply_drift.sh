# tests/cli/revapply_drift.sh - revapply drift on SQLite and on the
# private PostgreSQL cluster: each change made by hand (a column added,
# an index dropped, a default changed, a trigger added) is reported with
# the SQL both ways; a clean database reports nothing; drift never writes
# to the live database (a read-only file / a role that may only SELECT).
. "$DBREV_SRCDIR/tests/lib/test.sh"

cd "$T" || exit 1
export PGOPTIONS='-c client_min_messages=warning'
mkdir -p m/versions
cat >m/versions/r1.sql <<'EOF'
-- revision: r1
-- parents:
-- message: users

-- +upgrade
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT DEFAULT 'x', name TEXT);
CREATE INDEX users_email ON users (email);

-- +downgrade
DROP TABLE users;
EOF
cat >m/versions/r2.sql <<'EOF'
-- revision: r2
-- parents: r1
-- message: posts, not applied in every case

-- +upgrade
CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);

-- +downgrade
DROP TABLE posts;
EOF

# drift_cases KIND NEWDB SQLCMD TRIGGER_SQL: NEWDB prints a fresh URL,
# SQLCMD URL SQL runs SQL by hand with the native client.
drift_cases() {
	local kind=$1 newdb=$2 sqlcmd=$3 trig=$4 url

	tcase "$kind: a clean database reports no drift"
	url=$($newdb clean)
	run revapply -d m -u "$url" upgrade r1
	run revapply -d m -u "$url" drift
	status_is 0
	stdout_has "no drift"
	run revapply -d m -u "$url" drift --format=json
	status_is 0
	jq -e '.format_version == 1 and .command == "drift" and .drift == false and
	    .differences == [] and .applied == ["r1"]' "$OUT" >/dev/null ||
		fail "document: $(head -c 400 "$OUT")"

	tcase "$kind: a column added by hand is reported, with the SQL both ways"
	url=$($newdb col)
	run revapply -d m -u "$url" upgrade
	$sqlcmd "$url" "ALTER TABLE users ADD COLUMN nick TEXT"
	run revapply -d m -u "$url" drift
	status_is 1
	stdout_has "add column"
	stdout_has "nick"
	stdout_has "DROP COLUMN nick"
	stdout_has "ADD COLUMN nick"

	tcase "$kind: an index dropped by hand is reported"
	url=$($newdb idx)
	run revapply -d m -u "$url" upgrade
	$sqlcmd "$url" "DROP INDEX users_email"
	run revapply -d m -u "$url" drift
	status_is 1
	stdout_has "drop index"
	stdout_has "CREATE INDEX users_email ON"

	tcase "$kind: a default changed by hand is reported"
	url=$($newdb def)
	run revapply -d m -u "$url" upgrade
	if [ "$kind" = sqlite ]; then
		# SQLite has no ALTER COLUMN: the rebuild a DBA would write.
		$sqlcmd "$url" "PRAGMA foreign_keys=OFF; BEGIN; CREATE TABLE u2 (id INTEGER PRIMARY KEY, email TEXT DEFAULT 'y', name TEXT); INSERT INTO u2 SELECT * FROM users; DROP TABLE users; ALTER TABLE u2 RENAME TO users; CREATE INDEX users_email ON users (email); COMMIT;"
	else
		$sqlcmd "$url" "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'y'"
	fi
	run revapply -d m -u "$url" drift --format=json
	status_is 1
	jq -e '.drift == true and (.differences | length) == 1' "$OUT" >/dev/null ||
		fail "document: $(head -c 600 "$OUT")"
	jq -r '.differences[0], .repair_sql' "$OUT" | grep -q "'x'" ||
		fail "the default is not named: $(head -c 600 "$OUT")"

	tcase "$kind: a trigger added by hand is reported"
	url=$($newdb trg)
	run revapply -d m -u "$url" upgrade
	$sqlcmd "$url" "$trig"
	run revapply -d m -u "$url" drift
	status_is 1
	stdout_has "create trigger"
	stdout_has "DROP TRIGGER"

	tcase "$kind: dbrev's own version table (renamed with --table) is not drift"
	url=$($newdb tbl)
	run revapply -d m -u "$url" --table my_versions upgrade
	run revapply -d m -u "$url" --table my_versions drift
	status_is 0

	tcase "$kind: drift exits 2 when it cannot tell"
	url=$($newdb bad)
	run revapply -d m -u "$url" upgrade
	sed -i 's/body TEXT)/body TEXT NOT NULL)/' m/versions/r2.sql
	run revapply -d m -u "$url" drift
	status_is 2
	stderr_has "edited"
	sed -i 's/body TEXT NOT NULL)/body TEXT)/' m/versions/r2.sql
}

sq_newdb() { echo "sqlite:$T/$1.db"; }
sq_sql() { sqlite3 "${1#sqlite:}" "$2" || fail "sqlite3: $2"; }
drift_cases sqlite sq_newdb sq_sql \
    "CREATE TRIGGER tr AFTER INSERT ON users BEGIN UPDATE users SET name = 'n' WHERE id = new.id; END;"

tcase "sqlite: drift never writes: a read-only file, unchanged to the byte"
url=$(sq_newdb ro)
run revapply -d m -u "$url" upgrade
sq_sql "$url" "ALTER TABLE users ADD COLUMN nick TEXT"
mkdir rodir
mv "$T/ro.db" rodir/ro.db
chmod 0444 rodir/ro.db
chmod 0555 rodir
sum=$(sha256sum <rodir/ro.db) mt=$(stat -c %Y rodir/ro.db)
if [ "$(id -u)" = 0 ]; then
	# root writes to any file: drift runs as nobody.
	chmod 0755 "$T" m m/versions
	chmod 0644 m/versions/*
	runuser -u nobody -- revapply -d m -u "sqlite:$T/rodir/ro.db" drift >"$OUT" 2>"$ERR"
	STATUS=$?
else
	run revapply -d m -u "sqlite:$T/rodir/ro.db" drift
fi
status_is 1
stdout_has "nick"
[ "$(sha256sum <rodir/ro.db)" = "$sum" ] && [ "$(stat -c %Y rodir/ro.db)" = "$mt" ] ||
	fail "the live file changed"
[ "$(ls rodir)" = ro.db ] || fail "files appeared next to it: $(ls rodir)"
chmod 0755 rodir

if ! pg_available; then
	skip "revapply drift on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi
pg_sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "$2" >/dev/null || fail "psql: $2"; }
pg_db() { pg_newdb "drift_$1"; }
drift_cases postgresql pg_db pg_sql \
    "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER tr BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f();"

tcase "postgresql: drift never writes: a role that may only SELECT"
url=$(pg_db ro)
run revapply -d m -u "$url" upgrade
pg_sql "$url" "ALTER TABLE users ADD COLUMN nick TEXT"
pg_sql "$url" "DROP ROLE IF EXISTS drift_reader; CREATE ROLE drift_reader LOGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO drift_reader;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
run revapply -d m -u "${url%user=*}user=drift_reader" \
    --dev-url "${url%%\?*}?host=$PGHOST&port=$PGPORT&user=$PGUSER" drift
status_is 1
stdout_has "nick"
[ "$(psql -X -At -d "$url" -c "SELECT count(*) FROM users")" = 0 ] || fail "rows appeared"
finish
