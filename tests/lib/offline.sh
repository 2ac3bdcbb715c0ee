# tests/lib/offline.sh - the differential check of revapply's offline
# script (--sql) against its online run; sourced after tests/lib/test.sh.
#
#   offline_same sqlite|postgresql DIR [NAME [ID]]
#       upgrades a fresh database to head with `revapply upgrade` and
#       another with the script of `revapply --sql upgrade` run by the
#       database's shell (sqlite3 -bail; psql -X -q -v ON_ERROR_STOP=1),
#       then, when that worked, downgrades both to base the same two
#       ways; fails the current case (saying why, with NAME) unless each
#       time both give the same schema, the same rows and the same
#       version rows (revision, checksum, state), or both refuse: the
#       script is refused with exit status 2 exactly when the online run
#       fails.  When both fail while running, their databases must still
#       agree (the revisions before the failing one applied, the
#       version rows in state 'applied' the same).  Times of day in rows
#       are masked.  NAME defaults to DIR.  Databases are named after ID
#       (default: a count of calls; give one to calls in subshells):
#       ${P}off_ID_on and ${P}off_ID_off on the server of $PGHOST (P, the
#       test's prefix, keeps them apart from other tests'), SQLite files
#       in $T.
#
# The revisions' SQL is the test's own; it only has to run in a database
# of its own.

_off_n=0

# _off_mask: times of day masked (DEFAULT now() differs between two runs).
_off_mask() {
	sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([+-][0-9]{2}(:[0-9]{2})?|Z)?/<time>/g'
}

# _off_dump_sqlite FILE: schema and rows, the version table's times left out.
_off_dump_sqlite() {
	[ -f "$1" ] || { echo "(no database)"; return; }
	cp "$1" "$1.cmp"
	sqlite3 "$1.cmp" "UPDATE dbrev_revisions SET applied_at = ''" 2>/dev/null
	sqlite3 "$1.cmp" .dump 2>&1 | _off_mask
	rm -f "$1.cmp"
}

# _off_dump_pg DB: schema and rows as pg_dump prints them, the version
# table's rows as (revision, checksum, state).
_off_dump_pg() {
	pg_dump -d "$1" --exclude-table-data=dbrev_revisions 2>&1 |
	    grep -v -e '^--' -e '^$' -e '^\\restrict ' -e '^\\unrestrict ' | _off_mask
	psql -X -At -d "$1" -c "SELECT revision, checksum, state FROM dbrev_revisions ORDER BY revision" 2>/dev/null
}

# _off_applied: the dump without rows in progress (when both failed).
_off_applied() { grep -v "in_progress"; }

# _off_step KIND DIR NAME VERB TARGET RANGE: online and offline, one
# direction; sets _on, _sql and _cli (exit statuses) and compares.
_off_step() {
	local kind=$1 dir=$2 name=$3 verb=$4 target=$5 range=$6 a b
	if [ "$kind" = sqlite ]; then
		revapply -q -d "$dir" -u "sqlite:$_off_on" "$verb" "$target" >"$T/.off_on.$id" 2>&1
	else
		revapply -q -d "$dir" -u "$_off_on_url" "$verb" "$target" >"$T/.off_on.$id" 2>&1
	fi
	_on=$?
	revapply -q -d "$dir" --dialect "$kind" --sql "$verb" $range >"$T/.off.sql.$id" 2>"$T/.off_sql.$id"
	_sql=$?
	if [ "$_sql" != 0 ]; then
		[ "$_sql" = 2 ] || fail "$name: $verb --sql exited $_sql: $(head -c 300 "$T/.off_sql.$id")"
		[ "$_on" != 0 ] ||
			fail "$name: $verb --sql refused what runs online: $(head -c 300 "$T/.off_sql.$id")"
		_cli=refused
		return
	fi
	if [ "$kind" = sqlite ]; then
		sqlite3 -bail "$_off_off" <"$T/.off.sql.$id" >"$T/.off_cli.$id" 2>&1
	else
		psql -X -q -v ON_ERROR_STOP=1 -d "$_off_off_db" -f "$T/.off.sql.$id" >"$T/.off_cli.$id" 2>&1
	fi
	_cli=$?
	if [ "$_on" = 0 ] && [ "$_cli" != 0 ]; then
		fail "$name: $verb runs online, the script fails: $(head -c 300 "$T/.off_cli.$id")"
		return
	fi
	if [ "$_on" != 0 ] && [ "$_cli" = 0 ]; then
		fail "$name: $verb fails online ($(head -c 300 "$T/.off_on.$id")), the script runs"
		return
	fi
	if [ "$kind" = sqlite ]; then
		a=$(_off_dump_sqlite "$_off_on") b=$(_off_dump_sqlite "$_off_off")
	else
		a=$(_off_dump_pg "$_off_on_db") b=$(_off_dump_pg "$_off_off_db")
	fi
	if [ "$_on" != 0 ]; then
		a=$(printf '%s\n' "$a" | _off_applied) b=$(printf '%s\n' "$b" | _off_applied)
	fi
	[ "$a" = "$b" ] ||
		fail "$name: $verb online and offline differ: $(diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -n 12)"
}

offline_same() {
	local kind=$1 dir=$2 name=${3:-$2} id
	_off_n=$((_off_n + 1))
	id=${4:-$_off_n}
	if [ "$kind" = sqlite ]; then
		_off_on=$T/.off_$id.on.db _off_off=$T/.off_$id.off.db
		rm -f "$_off_on" "$_off_off"
	else
		_off_on_db=${P:-}off_${id}_on _off_off_db=${P:-}off_${id}_off
		_off_on_url=$(pg_newdb "$_off_on_db") && pg_newdb "$_off_off_db" >/dev/null ||
			{ fail "$name: cannot create databases"; return; }
	fi
	_off_step "$kind" "$dir" "$name" upgrade head head
	[ "$_on" = 0 ] || return 0
	# Down to base, when every revision can go down.
	grep -L -- '^-- +downgrade' "$dir"/versions/*.sql 2>/dev/null | grep -q . && return 0
	_off_step "$kind" "$dir" "$name" downgrade base head:base
}
