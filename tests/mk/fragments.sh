# The make fragments against each database (tests/lib/db_*.sh): every
# target, the tracked db-upgrade (one check when nothing is pending; a
# server that is not there is an error, never "nothing to do"), the
# knobs' safety, passwords kept out, -j, and the sqlite-app and
# postgres-app examples.
# per-database
SUITE=mk/fragments
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"
. "$DBREV_SRCDIR/tests/lib/chain.sh"
DB_PREFIX=dbrev_mk_
. "$DBREV_SRCDIR/tests/lib/db.sh"

BIN=$T/bin
recording_bindir "$BIN"
# URL: the project's DATABASE_URL; SHOWN: how the steps show it;
# USERS_SQL: the first revision's table; has_column TABLE COLUMN: 1 or 0.
if on sqlite; then
	URL=sqlite:app.db
	SHOWN=$URL
	USERS_SQL="CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
	EMAIL_TYPE=TEXT
	has_column() { sqlite3 "$P/app.db" "select count(*) from pragma_table_info('$1') where name='$2'"; }
else
	db_new pg >/dev/null
	# Host and port come from PGHOST/PGPORT: pointing PGPORT elsewhere
	# shows whether make connects.  The password (ignored by the trust
	# cluster) must never be shown.
	URL="postgresql:///dbrev_mk_pg?user=postgres&password=sekrit"
	SHOWN="postgresql:///dbrev_mk_pg?user=postgres"
	USERS_SQL="CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);"
	EMAIL_TYPE=text
	psql_db() { psql -X -At -d dbrev_mk_pg -c "$1"; }
	has_column() { psql_db "select count(*) from information_schema.columns where table_name='$1' and column_name='$2'"; }
fi
project "$T/p" "$URL"

tcase "include first: the project's default goal stays its own"
mk
status_is 0
stdout_is default-goal
calls_none


if only sqlite "fragments included alone or twice: make only, run once"; then
tcase "a fragment alone, and fragments included twice"
mkdir -p "$T/alone"
printf 'DATABASE_URL = sqlite:app.db\ninclude %s/mk/dbrev-backup.mk\ninclude %s/mk/dbrev-backup.mk\nall:\n\t@echo mine\n' \
    "$DBREV_SRCDIR" "$DBREV_SRCDIR" >"$T/alone/Makefile"
run "$MAKE_CMD" --no-print-directory -C "$T/alone" DBREV_BINDIR="$BIN"
status_is 0
stdout_is mine
run "$MAKE_CMD" --no-print-directory -C "$T/alone" DBREV_BINDIR="$BIN" db-upgrade
status_is 2
stderr_has "No rule to make target 'db-upgrade'"
printf 'DATABASE_URL = sqlite:app.db\ninclude %s/mk/dbrev-migrate.mk\ninclude %s/mk/dbrev.mk\nall:\n\t@echo mine\n' \
    "$DBREV_SRCDIR" "$DBREV_SRCDIR" >"$T/alone/Makefile"
run "$MAKE_CMD" --no-print-directory -C "$T/alone" DBREV_BINDIR="$BIN"
status_is 0
stdout_is mine
run "$MAKE_CMD" --no-print-directory -C "$T/alone" DBREV_BINDIR="$BIN" db-help
status_is 0
stderr_is ""
fi

tcase "db-help lists every target and knob"
mk db-help
status_is 0
for t in db-init db-revision db-migrate db-upgrade db-downgrade db-current \
    db-history db-heads db-branches db-show db-stamp db-merge db-check \
    db-sql db-backup db-restore DATABASE_URL DB_DIR DB_SCHEMA DB_BACKUP \
    DB_BACKUP_DIR DB_BACKUP_KEEP DB_STATE_DIR DB_TABLE DB_LOCK_TIMEOUT \
    DB_STATEMENT_TIMEOUT DB_RETRIES DBREV_BINDIR; do
	stdout_has "$t"
done

tcase "db-init scaffolds the migrations directory"
mk db-init
status_is 0
stdout_has "INIT"
[ -d "$P/migrations/versions" ] || fail "no migrations/versions"

tcase "db-revision without M= says how"
calls_clear
mk db-revision
status_is 2
stderr_has 'needs a message: make db-revision M="'
calls_none

tcase "db-revision M= writes a revision"
mk db-revision M="Create users table"
status_is 0
stdout_has "REVISION"
r1=$(ls "$P"/migrations/versions/*_create_users_table.sql 2>/dev/null)
[ -f "$r1" ] || fail "no revision file"
fill "$r1" "$USERS_SQL" "DROP TABLE users;"
id1=$(basename "$r1" | cut -c1-12)

tcase "first db-upgrade: upgrade, a backup first only of a database that exists"
calls_clear
mk db-upgrade
status_is 0
stdout_has "  UPGRADE  $SHOWN"
calls_has "revapply -d migrations -q current --exit-code --state-dir .dbrev"
calls_has "revapply -d migrations upgrade"
if on sqlite; then
	# Nothing to back up yet: the file is not there.
	calls_lacks "dbbackup"
	[ -f "$P/app.db" ] || fail "no app.db"
	run sqlite3 "$P/app.db" "select name from sqlite_master where name='users'"
	stdout_is users
else
	# The database exists, empty: backed up first.
	stdout_has "  BACKUP   $SHOWN"
	calls_order dbbackup "revapply -d migrations upgrade"
	run psql_db "select count(*) from users"
	stdout_is 0
fi

if only postgres "a URL with a password"; then
tcase "the password is in no output and no file name"
mk db-upgrade V=1
stdout_lacks sekrit
stderr_lacks sekrit
mk db-help
stdout_lacks sekrit
[ -z "$(find "$P" -name '*sekrit*')" ] || fail "a file is named after the password"
! grep -rq sekrit "$P/.dbrev" || fail "the password is in .dbrev"
fi

tcase "nothing changed: db-upgrade runs one check and nothing else"
settle
mk db-upgrade
calls_clear
mk db-upgrade
status_is 0
stdout_lacks UPGRADE
stdout_is ""
[ "$(cat "$CALLS")" = "revapply -d migrations -q current --exit-code --state-dir .dbrev" ] ||
    fail "calls: $(cat "$CALLS")"
if on sqlite; then
	[ -f "$P/.dbrev/db-sqlite_3aapp.db" ] || fail "no state for app.db: $(ls -a "$P/.dbrev")"
fi

tcase "nothing changed: make -n db-upgrade shows the check, nothing else to run"
calls_clear
mk -n db-upgrade
status_is 0
stdout_has "current --exit-code"
stdout_lacks "UPGRADE"
stdout_lacks 'revapply -d "$DBREV_DIR" upgrade'
stdout_lacks dbbackup
stdout_lacks revorder
calls_lacks upgrade

tcase "nothing changed: no backup, no upgrade is even started"
mkdir -p "$T/broken"
cp "$BIN"/* "$T/broken/"
printf '#!/bin/sh\ncase "$*" in *"current --exit-code"*) exec "%s/revapply" "$@";; esac\necho broken-revapply-ran >&2\nexit 99\n' \
    "$DBREV_BINDIR" >"$T/broken/revapply"
printf '#!/bin/sh\necho broken-dbbackup-ran >&2\nexit 99\n' >"$T/broken/dbbackup"
chmod +x "$T/broken/revapply" "$T/broken/dbbackup"
run "$MAKE_CMD" --no-print-directory -C "$P" DBREV_BINDIR="$T/broken" db-upgrade
status_is 0
stderr_lacks broken

if only postgres "a server that is not there"; then
tcase "nothing changed but the server is not there: an error, not 'nothing to do'"
calls_clear
PGHOST=$T/nowhere PGPORT=1 mk db-upgrade
[ "$STATUS" != 0 ] || fail "db-upgrade said nothing to do without reaching the server"
stderr_has "cannot connect"
stderr_lacks sekrit
calls_lacks dbbackup
calls_lacks "migrations upgrade"
fi

tcase "a new revision: backup first, then upgrade"
mk db-revision M="Add email to users"
r2=$(ls "$P"/migrations/versions/*_add_email_to_users.sql)
fill "$r2" "ALTER TABLE users ADD COLUMN email $EMAIL_TYPE;" \
    "ALTER TABLE users DROP COLUMN email;"
id2=$(basename "$r2" | cut -c1-12)
calls_clear
mk db-upgrade
status_is 0
stdout_has "  BACKUP   $SHOWN"
stdout_has "  UPGRADE  $SHOWN"
calls_order "revapply -d migrations -q current --exit-code" "dbbackup"
calls_order "dbbackup" "revapply -d migrations upgrade"
[ -n "$(ls "$P/backups" 2>/dev/null)" ] || fail "no file in backups/"
[ "$(has_column users email)" = 1 ] || fail "no column users.email"

if only sqlite "SQLite's run of the targets, knobs, state key and the sqlite-app example"; then
tcase "up to date again: only the check"
calls_clear
mk db-upgrade
status_is 0
calls_lacks dbbackup
calls_lacks "migrations upgrade"

tcase "a touched but unchanged revision: no backup of an up-to-date database"
sleep 0.01
touch "$r2"
calls_clear
nb=$(ls "$P/backups" | wc -l)
mk db-upgrade
status_is 0
calls_lacks dbbackup
[ "$(ls "$P/backups" | wc -l)" = "$nb" ] || fail "a backup was taken"

tcase "DB_BACKUP=no: a new revision is applied without a backup"
mk db-revision M="Add posts"
r3=$(ls "$P"/migrations/versions/*_add_posts.sql)
fill "$r3" "CREATE TABLE posts (id INTEGER PRIMARY KEY);" "DROP TABLE posts;"
id3=$(basename "$r3" | cut -c1-12)
calls_clear
mk db-upgrade DB_BACKUP=no
status_is 0
calls_lacks dbbackup
calls_has "revapply -d migrations upgrade"

tcase "db-current shows the head"
mk db-current
status_is 0
stdout_has "$id3"

tcase "db-history marks the applied revisions"
mk db-history
status_is 0
stdout_has "$id1"
stdout_has "$id3"
stdout_has "Add posts"

tcase "db-heads"
mk db-heads
status_is 0
stdout_has "$id3"
stdout_lacks "$id1"

tcase "db-show REV=<prefix> prints that revision"
mk db-show REV="$(echo "$id2" | cut -c1-8)"
status_is 0
stdout_has "-- message: Add email to users"
stdout_has "ADD COLUMN email"

tcase "db-show defaults to the head"
mk db-show
status_is 0
stdout_has "-- message: Add posts"

tcase "db-show of an unknown revision fails"
mk db-show REV=ffffffffffff
status_is 2
stderr_has "matches 0 revisions"

tcase "db-show REV=base, heads, +N or -N: says it shows one revision"
for r in base heads -1 +1; do
	mk db-show REV=$r
	status_is 2
	stderr_has "db-show shows one revision's file"
	stdout_is ""
done

tcase "db-downgrade: backup, downgrade one step"
settle
mk db-upgrade
calls_clear
mk db-downgrade
status_is 0
stdout_has "DOWNGRADE"
calls_order dbbackup "revapply -d migrations -- downgrade"
run sqlite3 "$P/app.db" "select count(*) from sqlite_master where name='posts'"
stdout_is 0

tcase "after a downgrade db-upgrade runs again"
calls_clear
mk db-upgrade
status_is 0
calls_has "revapply -d migrations upgrade"
run sqlite3 "$P/app.db" "select count(*) from sqlite_master where name='posts'"
stdout_is 1

tcase "db-downgrade REV=base goes all the way (REV reaches the tool as one argument)"
mk db-downgrade REV=base DB_BACKUP=no
status_is 0
run sqlite3 "$P/app.db" "select count(*) from sqlite_master where name='users'"
stdout_is 0

tcase "db-upgrade REV=<id>: only that far, untracked"
mk db-upgrade REV="$id2"
status_is 0
mk db-current
stdout_has "$id2"

tcase "db-upgrade REV=heads"
mk db-upgrade REV=heads
status_is 0
mk db-current
stdout_has "$id3"

tcase "a deleted database file is noticed"
rm -f "$P/app.db"
calls_clear
mk db-upgrade
status_is 0
calls_has "revapply -d migrations upgrade"
run sqlite3 "$P/app.db" "select count(*) from sqlite_master where name='posts'"
stdout_is 1

tcase "db-stamp without REV= says how"
mk db-stamp
status_is 2
stderr_has "needs REV="

tcase "db-stamp REV=: version table set, no SQL, the next db-upgrade sees it"
settle
mk db-upgrade
mk db-stamp REV="$id1"
status_is 0
mk db-current
stdout_has "$id1"
run sqlite3 "$P/app.db" "select count(*) from sqlite_master where name='posts'"
stdout_is 1
mk -n db-upgrade
stdout_has 'revapply -d "$DBREV_DIR" upgrade'
mk db-stamp REV=head
status_is 0

tcase "db-sql: only SQL on stdout"
mk db-sql
status_is 0
stdout_has "CREATE TABLE users"
stdout_has "CREATE TABLE posts"
stdout_lacks "  SQL"
stderr_has "  SQL      base:head"
run sqlite3 "$T/fromsql.db" ".read $OUT"
status_is 0

tcase "db-sql FROM= REV="
mk db-sql FROM="$id1" REV="$id2"
status_is 0
stdout_has "ADD COLUMN email"
stdout_lacks "CREATE TABLE users"
stdout_lacks "CREATE TABLE posts"

tcase "db-backup prints the backup's path; db-restore puts it back"
mk db-backup
status_is 0
b=$(grep -v '^  ' "$OUT" | tail -n 1)
[ -f "$P/$b" ] || [ -f "$b" ] || fail "db-backup printed '$b', not a file"
sqlite3 "$P/app.db" "insert into users (name) values ('later')"
mk db-upgrade
mk db-restore BACKUP="$b"
status_is 0
stdout_has RESTORE
run sqlite3 "$P/app.db" "select count(*) from users where name='later'"
stdout_is 0

tcase "DB_BACKUP_KEEP=1 keeps the newest backup only"
mk db-backup DB_BACKUP_KEEP=1
status_is 0
mk db-backup DB_BACKUP_KEEP=1
status_is 0
b=$(grep -v '^  ' "$OUT" | tail -n 1)
[ "$(ls "$P/backups" | wc -l)" = 1 ] || fail "backups: $(ls "$P/backups")"
[ -f "$P/$b" ] || fail "the newest ($b) is not the one kept"

tcase "DB_STATE_DIR and DB_BACKUP_DIR move the state and the backups"
mk db-upgrade DB_STATE_DIR=state DB_BACKUP_DIR=bk REV=heads
status_is 0
settle
mk db-upgrade DB_STATE_DIR=state DB_BACKUP_DIR=bk REV=heads
status_is 0
[ -f "$P/state/db-sqlite_3aapp.db" ] || fail "no state/db-sqlite_3aapp.db: $(ls -a "$P/state")"
mk db-backup DB_BACKUP_DIR=bk
status_is 0
[ -n "$(ls "$P/bk" 2>/dev/null)" ] || fail "nothing in bk/"

tcase "db-restore without BACKUP= lists the backups"
mk db-restore
status_is 2
stderr_has "needs BACKUP="

tcase "db-restore keeps its safety backup in DB_BACKUP_DIR; another database's backup needs FORCE=yes"
mkdir -p "$T/other"
sqlite3 "$T/other/app.db" "create table other_only (x)"
"$BIN/dbbackup" -u "sqlite:$T/other/app.db" --dir "$T/other/bk" >"$T/other.out" 2>&1 || fail "other backup: $(cat "$T/other.out")"
ob=$(ls "$T/other/bk"/* | head -n 1)
rm -rf "$P/safe"
mk db-restore BACKUP="$ob" DB_BACKUP_DIR=safe
status_is 2
stderr_has "force"
run sqlite3 "$P/app.db" "select count(*) from sqlite_master where name='other_only'"
stdout_is 0
mk db-restore BACKUP="$ob" DB_BACKUP_DIR=safe FORCE=yes
status_is 0
run sqlite3 "$P/app.db" "select count(*) from sqlite_master where name='other_only'"
stdout_is 1
[ -n "$(ls "$P/safe" 2>/dev/null)" ] || fail "no safety backup in safe/: $(ls "$P")"
[ ! -d "$P/backups" ] || [ -z "$(find "$P/backups" -newer "$ob" -type f)" ] || fail "a safety backup went to backups/"
mk db-upgrade REV=heads

tcase "db-lint lints for DATABASE_URL's database; db-check fails on a lint error; SINCE= narrows"
mkdir -p "$T/lintp/migrations/versions"
printf 'DATABASE_URL = sqlite:app.db\ninclude %s/mk/dbrev.mk\n' "$DBREV_SRCDIR" >"$T/lintp/Makefile"
revision "$T/lintp/migrations/versions/a1_t.sql" a1 "" "t" "CREATE TABLE t (a INTEGER);"
revision "$T/lintp/migrations/versions/a2_v.sql" a2 a1 "vacuum" "VACUUM;"
run "$MAKE_CMD" --no-print-directory -C "$T/lintp" DBREV_BINDIR="$DBREV_BINDIR" db-lint
status_is 2
stdout_has "a2_v.sql:6: require-transaction-none"
run "$MAKE_CMD" --no-print-directory -C "$T/lintp" DBREV_BINDIR="$DBREV_BINDIR" db-check
status_is 2
stdout_has "require-transaction-none"
run "$MAKE_CMD" --no-print-directory -C "$T/lintp" DBREV_BINDIR="$DBREV_BINDIR" db-lint SINCE=a2
status_is 0
stdout_lacks "require-transaction-none"
run "$MAKE_CMD" --no-print-directory -C "$T/lintp" DBREV_BINDIR="$DBREV_BINDIR" db-lint SINCE='a1;touch pwned'
status_is 2
stderr_has "SINCE= takes a revision"
[ ! -e "$T/lintp/pwned" ] || fail "SINCE= ran a command"

tcase "a hostile M= is a message, nothing more"
rm -f "$T/pwned" "$P/pwned" "$HOME/.dbrev-pwned"
for m in 'x"; touch pwned; "' "x'; touch pwned; '" '$(shell touch pwned)' \
    '`touch pwned`' '$$(touch pwned)' 'x # y \'; do
	mk db-revision M="$m"
	status_is 0
	f=$(grep -l -F -x -- "-- message: $m" "$P"/migrations/versions/*.sql | head -n 1)
	[ -n "$f" ] || fail "message '$m' not kept verbatim: $(cat "$OUT" "$ERR")"
	[ -n "$f" ] && rm -f "$f"
done
[ ! -e "$P/pwned" ] && [ ! -e "$T/pwned" ] || fail "a message ran a command"

tcase "bad REV= values are refused before any tool runs"
for r in 'a;b' 'x y' '$(shell touch pwned)' '`id`' '../etc' 'a"b'; do
	calls_clear
	mk db-stamp REV="$r"
	status_is 2
	stderr_has "REV= takes a revision"
	calls_lacks revapply
	calls_lacks dbbackup
done
mk db-downgrade REV='-1;rm'
status_is 2
mk db-sql FROM='base|x'
status_is 2
stderr_has "FROM= takes a revision"
[ ! -e "$P/pwned" ] || fail "a REV ran a command"

tcase "an invalid graph stops db-upgrade with revorder's message, nothing applied"
cp "$r1" "$P/migrations/versions/dup.sql"
calls_clear
mk db-upgrade
status_is 2
stderr_has "duplicate revision id"
calls_lacks dbbackup
calls_lacks "migrations upgrade"
mk db-upgrade
status_is 2
rm -f "$P/migrations/versions/dup.sql"
mk db-upgrade
status_is 0

tcase "two heads: db-branches, db-check fails, db-merge joins them"
mk db-revision M="Side branch" REV="$id2"
status_is 0
mk db-heads
[ "$(grep -c . "$OUT")" = 2 ] || fail "expected two heads: $(cat "$OUT")"
mk db-branches
status_is 0
stdout_has "$id2 (branchpoint)"
mk db-check
[ "$STATUS" != 0 ] || fail "db-check passed with two heads"
calls_clear
mk db-upgrade
status_is 2
stderr_has "several heads"
stderr_has "make db-merge"
calls_lacks dbbackup
calls_lacks "migrations upgrade"
mk db-merge M="Merge side branch"
status_is 0
stdout_has MERGE
mk db-heads
[ "$(grep -c . "$OUT")" = 1 ] || fail "expected one head: $(cat "$OUT")"
calls_clear
mk db-upgrade
status_is 0
calls_order dbbackup "revapply -d migrations upgrade"

tcase "the deploy line db-backup db-upgrade: one backup, taken before the upgrade"
mk db-revision M="Deploy step"
status_is 0
n=$(ls "$P/backups" 2>/dev/null | wc -l)
calls_clear
mk -j4 db-check db-backup db-upgrade
status_is 0
[ "$(ls "$P/backups" | wc -l)" = $((n + 1)) ] || fail "expected one new backup: $(ls "$P/backups")"
calls_order dbbackup "revapply -d migrations upgrade"
calls_clear
mk db-downgrade db-backup
status_is 0
[ "$(ls "$P/backups" | wc -l)" = $((n + 2)) ] || fail "expected one more backup: $(ls "$P/backups")"
calls_order dbbackup "revapply -d migrations -- downgrade"
mk db-upgrade
status_is 0

tcase "make -j4 across several targets"
calls_clear
mk -j4 db-upgrade db-current db-heads db-history db-branches db-sql
status_is 0
mk db-heads
head=$(awk '{ print $1 }' "$OUT")
mk db-current
stdout_has "$head"
calls_clear
mk -j4 db-upgrade db-heads db-history
status_is 0
calls_lacks "revapply -d migrations upgrade"

tcase "V=1 shows the commands, never the URL's value"
mk db-current V=1
status_is 0
stdout_has 'revapply -d "$DBREV_DIR" current'

tcase "tools not built: the project's own goals work, db-upgrade says so"
touch "$P"/migrations/versions/*.sql
run "$MAKE_CMD" --no-print-directory -C "$P" DBREV_BINDIR="$T/nonexistent"
status_is 0
stdout_is default-goal
stderr_is ""
run "$MAKE_CMD" --no-print-directory -C "$P" DBREV_BINDIR="$T/nonexistent" db-upgrade
status_is 2
stderr_has "revapply not found: build dbrev first"

tcase "make -s: no step lines, only the tools' output"
mk -s db-sql
status_is 0
stderr_lacks "  SQL"
stdout_has "CREATE TABLE"

tcase "make -q db-upgrade answers whether the database is at head"
mk db-upgrade
mk -q db-upgrade
status_is 0
sleep 0.01
touch "$P"/migrations/versions/*.sql
mk -q db-upgrade
status_is 0
mk db-revision M="Pending one"
mk -q db-upgrade
[ "$STATUS" != 0 ] || fail "make -q said a database with a pending revision is at head"
mk db-upgrade
status_is 0

cat >"$P/schema.sql" <<'EOF'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY);
EOF
mk db-check
if grep -q "not built yet" "$ERR"; then
	skip "db-check: graph and schema agree" "autogenerate not built yet"
else
	tcase "db-check: graph and schema agree"
	status_is 0
	stdout_has CHECK

	tcase "db-check fails when schema.sql differs"
	echo "CREATE TABLE tags (id INTEGER PRIMARY KEY);" >>"$P/schema.sql"
	mk db-check
	status_is 2
	stdout_has "create table tags"
	stderr_has "1 difference"

	tcase "db-migrate writes the revision that gets there"
	mk db-migrate M="Add tags"
	status_is 0
	stdout_has MIGRATE
	f=$(ls "$P"/migrations/versions/*_add_tags.sql 2>/dev/null)
	[ -f "$f" ] && grep -q "CREATE TABLE" "$f" || fail "no tags revision"
	mk db-check
	status_is 0
	mk db-upgrade
	status_is 0
	run sqlite3 "$P/app.db" "select count(*) from sqlite_master where name='tags'"
	stdout_is 1

	tcase "db-migrate with no change writes nothing"
	n=$(ls "$P"/migrations/versions | wc -l)
	mk db-migrate M="Nothing"
	status_is 0
	stderr_has "No changes in schema detected."
	[ "$(ls "$P"/migrations/versions | wc -l)" = "$n" ] || fail "a revision was written"
fi

tcase "without DATABASE_URL: the project builds, the db- targets explain"
project "$T/nourl" ""
mk
status_is 0
stdout_is default-goal
for t in db-upgrade db-downgrade db-current db-stamp db-backup db-restore; do
	mk "$t" REV=head
	status_is 2
	stderr_has "$t needs DATABASE_URL"
	stderr_has "DATABASE_URL ?= sqlite:app.db"
done
mk db-help
status_is 0
calls_clear
mk db-sql
status_is 2
stderr_has "db-sql needs DATABASE_URL for the SQL dialect"
calls_none

tcase "DATABASE_URL set after the include: the error says so"
mkdir -p "$T/late"
printf 'include %s/mk/dbrev.mk\nDATABASE_URL = sqlite:x.db\n' "$DBREV_SRCDIR" >"$T/late/Makefile"
run "$MAKE_CMD" --no-print-directory -C "$T/late" DBREV_BINDIR="$BIN" db-upgrade
status_is 2
stderr_has "after the include line"

tcase "db-help with a password in DATABASE_URL prints no password"
project "$T/pw" 'sqlite:app.db'
mk db-help DATABASE_URL='postgresql://bob:sekrit@localhost/app?password=sekrit2'
status_is 0
stdout_lacks sekrit

tcase "the state key: one file per database and table, escaped, never shared by two"
# lib/track.c names a SQLite database's state db-<URL>[_t<table>]: bytes
# other than [A-Za-z0-9.+-] become _XX, '_' becomes "__".  The names below
# differ only where that escape maps a character (' ' and "_20", '_' and
# "__", the table suffix and a URL ending in "_ta"); each must get a file
# of its own, holding its own database's identity.
project "$T/sk"
mkdir -p "$P/migrations/versions"
new_rev "$P/migrations" a1aaaaaaaaaa "" "CREATE TABLE t (x int);"
sk_dbs=("x y.db" "x_20y.db" "x_y.db" "x__y.db" "a;\$(b)'c\"#.db" "x.db" "x.db_ta")
sk_keys=(db-sqlite_3ax_20y.db db-sqlite_3ax__20y.db db-sqlite_3ax__y.db
    db-sqlite_3ax____y.db db-sqlite_3aa_3b_24_28b_29_27c_22_23.db db-sqlite_3ax.db_ta
    db-sqlite_3ax.db__ta)
sk_up() {	# sk_up INDEX: db-upgrade of database INDEX (x.db with DB_TABLE=a)
	if [ "$1" = 5 ]; then
		mk db-upgrade DB_BACKUP=no "DATABASE_URL=sqlite:${sk_dbs[$1]}" DB_TABLE=a
	else
		mk db-upgrade DB_BACKUP=no "DATABASE_URL=sqlite:${sk_dbs[$1]}"
	fi
}
for i in "${!sk_dbs[@]}"; do
	sk_up "$i"
	status_is 0
	stdout_has "UPGRADE"
done
settle
# The first check of each at head remembers it, under its own key.
for i in "${!sk_dbs[@]}"; do
	sk_up "$i"
	status_is 0
	stdout_is ""
done
[ "$(cd "$P/.dbrev" && ls -d db-* | sort)" = "$(printf '%s\n' "${sk_keys[@]}" | sort)" ] ||
	fail "state files: $(ls "$P/.dbrev")"
[ "$(cat "$P"/.dbrev/db-* 2>/dev/null | grep -c '^file ')" = "${#sk_keys[@]}" ] &&
    [ "$(cat "$P"/.dbrev/db-* | grep '^file ' | sort -u | wc -l)" = "${#sk_keys[@]}" ] ||
	fail "state files do not each hold their own database: $(grep -H '^file ' "$P"/.dbrev/db-* | cut -c1-120)"
# Each remembered key answers for its own database only: a run per
# database is one check, and a database replaced behind a key is noticed.
calls_clear
for i in "${!sk_dbs[@]}"; do
	sk_up "$i"
	stdout_is ""
done
[ "$(grep -c 'current --exit-code' "$CALLS")" = "${#sk_dbs[@]}" ] && [ "$(wc -l <"$CALLS")" = "${#sk_dbs[@]}" ] ||
	fail "calls: $(tr '\n' ';' <"$CALLS")"
rm "$P/x_20y.db"
sk_up 1
status_is 0
stdout_has "UPGRADE  sqlite:x_20y.db"
[ "$(sqlite3 "$P/x_20y.db" "select revision from dbrev_revisions")" = a1aaaaaaaaaa ] ||
	fail "x_20y.db not upgraded"

tcase "the sqlite-app example builds, migrates and runs"
mkdir -p "$T/tree/examples"
ln -s "$DBREV_SRCDIR/mk" "$T/tree/mk"
cp -R "$DBREV_SRCDIR/examples/sqlite-app" "$T/tree/examples/"
rm -rf "$T/tree/examples/sqlite-app/app" "$T/tree/examples/sqlite-app/app.db" \
    "$T/tree/examples/sqlite-app/.dbrev" "$T/tree/examples/sqlite-app/backups"
run "$MAKE_CMD" --no-print-directory -C "$T/tree/examples/sqlite-app" \
    DBREV_BINDIR="$DBREV_BINDIR" run
status_is 0
stdout_has "Ada Lovelace"
stdout_has "Edsger Dijkstra"
stdout_has "3 users"

tcase "the sqlite-app example: a second run migrates nothing"
run "$MAKE_CMD" --no-print-directory -C "$T/tree/examples/sqlite-app" \
    DBREV_BINDIR="$T/broken" run
status_is 0
stdout_has "3 users"
stdout_lacks UPGRADE

tcase "the sqlite-app example: db-check, downgrade to base and back"
run "$MAKE_CMD" --no-print-directory -C "$T/tree/examples/sqlite-app" \
    DBREV_BINDIR="$DBREV_BINDIR" db-downgrade REV=base
status_is 0
run "$MAKE_CMD" --no-print-directory -C "$T/tree/examples/sqlite-app" \
    DBREV_BINDIR="$DBREV_BINDIR" run
status_is 0
stdout_has "Grace Hopper"
run "$MAKE_CMD" --no-print-directory -C "$T/tree/examples/sqlite-app" \
    DBREV_BINDIR="$DBREV_BINDIR" db-check
if grep -q "not built yet" "$ERR"; then
	skip "the sqlite-app example: schema.sql matches" "autogenerate not built yet"
else
	tcase "the sqlite-app example: schema.sql matches"
	status_is 0
fi
fi

if only postgres "PostgreSQL's run of the targets and the postgres-app example"; then
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
fi

finish
