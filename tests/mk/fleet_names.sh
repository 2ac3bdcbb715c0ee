# db-fleet-* with hostile input (issue 17): database paths, a fleet file
# name, knob values and per-run values holding ';', '$(', quotes, '#',
# blanks reach no shell and no make as syntax; a name make cannot carry
# stops the run at its line before anything runs; make -n shows each
# database's command and no URL; DB_FLEET_CMD; FLEET_SHARD; a run
# directory that is not exactly what plan wrote is refused.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

BIN=$T/bin
recording_bindir "$BIN"
H="x;\$(touch PWNED)#'q\" z"
project "$T/p" ""
{
	printf 'DB_FLEET = my fleet;$$(touch PWNED).list\n'
	printf 'DB_BACKUP_DIR = b k\n'
	cat "$P/Makefile"
} >"$P/Makefile.new" && mv "$P/Makefile.new" "$P/Makefile"
mk db-init
new_rev "$P/migrations" r1 "" "CREATE TABLE log (r TEXT); INSERT INTO log VALUES ('r1');"
mkdir -p "$P/$H"
FL="$P/my fleet;\$(touch PWNED).list"
for i in 1 2 3 4 5 6; do
	printf 'h%s "sqlite:x;\\$(touch PWNED)#'"'"'q\\" z/h%s.db"\n' "$i" "$i"
done >"$FL"
pwned() { [ ! -e "$P/PWNED" ] && [ ! -e PWNED ] || fail "a value ran as a command"; }

tcase "hostile paths and fleet file name: make -j3 db-fleet-upgrade upgrades all, runs nothing"
mk -j3 db-fleet-upgrade
status_is 0
stderr_has "fleet: 6 upgraded"
[ "$(sqlite3 "$P/$H/h4.db" 'SELECT r FROM log')" = r1 ] || fail "h4 not upgraded"
[ "$(ls "$P/b k/h2" 2>/dev/null | wc -l)" = 0 ] || fail "a backup of a file that was not there"
pwned

tcase "a backup per database in DB_BACKUP_DIR/NAME, before something is applied"
new_rev "$P/migrations" r2 r1 "INSERT INTO log VALUES ('r2');"
settle
mk -j3 db-fleet-upgrade
status_is 0
stderr_has "fleet: 6 upgraded"
[ "$(ls "$P/b k/h2" | grep -c .)" -ge 1 ] || fail "no backup of h2: $(ls -R "$P/b k" | head)"
pwned

tcase "per-run values are text: FLEET_CANARY, FLEET_SHARD with \$( and ;"
mk db-fleet-status FLEET_CANARY='h1;$(touch PWNED)'
status_is 2
stderr_has "a canary is not a database name"
mk db-fleet-status FLEET_SHARD='1/2;$(touch PWNED)'
status_is 2
stderr_has "--shard"
mk db-fleet-status FLEET_STOP='$(touch PWNED)'
status_is 2
stderr_has "FLEET_STOP="
pwned

tcase "FLEET_SHARD=K/N: the shards split the fleet"
n=0
for k in 1 2 3; do
	mk db-fleet-status FLEET_SHARD=$k/3
	status_is 0
	n=$((n + $(grep -c '^h[0-9]: ' "$OUT")))
done
[ "$n" = 6 ] || fail "shards hold $n databases, not 6"

tcase "a name make cannot carry stops the run at its line, before any tool touches a database"
cp "$FL" "$T/fleet.keep"
printf 'ok sqlite:ok.db\nh$(touch PWNED) sqlite:bad.db\n' >>"$FL"
calls_clear
mk db-fleet-upgrade
status_is 2
stderr_has "fleet;\$(touch PWNED).list:8: "
[ ! -e "$P/ok.db" ] || fail "a database of a bad fleet was created"
calls_lacks "--name"
printf 'h:a sqlite:bad.db\n' >"$FL"
mk db-fleet-upgrade
status_is 2
printf 'a%%b sqlite:bad.db\n' >"$FL"
mk db-fleet-upgrade
status_is 2
cp "$T/fleet.keep" "$FL"
pwned

tcase "make -n shows each database's command, runs none, and no URL"
new_rev "$P/migrations" r3 r2 "INSERT INTO log VALUES ('r3');"
settle
mk -n db-fleet-upgrade
status_is 0
stdout_has "--name h1 upgrade"
stdout_lacks "sqlite:"
[ "$(sqlite3 "$P/$H/h4.db" 'SELECT count(*) FROM log')" = 2 ] || fail "make -n upgraded"
[ -z "$(ls -d "$P"/.dbrev/fleet-run.* 2>/dev/null)" ] || fail "make -n left a run directory"

tcase "DB_FLEET_CMD: the fleet a command prints"
mk db-fleet-upgrade DB_FLEET_CMD="grep -v '^h[12] ' 'my fleet;\$(touch PWNED).list'"
status_is 0
stderr_has "fleet: 4 upgraded"
pwned

tcase "a run directory that is not what plan wrote is refused"
run env DBREV_FLEET_CMD= "$BIN/revapply" -d "$P/migrations" --state-dir "$P/.dbrev" \
    --fleet "$FL" plan upgrade
status_is 0
rd=$(cat "$OUT")
printf 'h1\n' >>"$rd/plan"
run "$BIN/revapply" --run-dir "$rd" --name h1 upgrade
status_is 2
[ "$(sqlite3 "$P/$H/h1.db" 'SELECT count(*) FROM log')" = 2 ] || fail "h1 upgraded from a bad plan"
run "$BIN/revapply" --run-dir "$rd" report
status_is 2
pwned

finish
