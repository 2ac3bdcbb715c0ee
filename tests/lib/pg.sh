# tests/lib/pg.sh - a private PostgreSQL cluster for the tests.
#
# pg_start DIR: initdb and pg_ctl start a cluster in DIR, listening on a
# unix socket in DIR only (no TCP), as an unprivileged user when run as
# root (postgres refuses root): the "postgres" system user, or one made
# for the purpose.  Exports PGHOST, PGPORT, PGUSER, PGDATABASE and
# DBREV_TEST_PG_URL.  pg_stop DIR stops it; call it from a trap.

pg_bindir() {
	for d in $(command -v initdb 2>/dev/null | xargs -r dirname) \
	    /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
	done
	return 1
}

# Run a server program as the cluster's owner.
pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PG_OWNER" -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	dir=$1
	PG_BIN=$(pg_bindir) || { echo "initdb/pg_ctl not found (apt-get install postgresql)" >&2; return 1; }
	PG_OWNER=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		PG_OWNER=postgres
		if ! id "$PG_OWNER" >/dev/null 2>&1; then
			PG_OWNER=dbrevtest
			id "$PG_OWNER" >/dev/null 2>&1 ||
			    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OWNER" ||
			    return 1
		fi
	fi
	mkdir -p "$dir/data" "$dir/sock" || return 1
	[ "$(id -u)" = 0 ] && chown -R "$PG_OWNER" "$dir"
	chmod 755 "$dir"
	pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust \
	    --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
	    { cat "$dir/initdb.log" >&2; return 1; }
	# Any free port number will do: with listen_addresses='' it only names the socket.
	port=$((20000 + $$ % 20000))
	pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	    -o "-c listen_addresses='' -k $dir/sock -p $port -c fsync=off -c max_connections=60" \
	    start >/dev/null 2>&1 || { cat "$dir/server.log" >&2; return 1; }
	PG_DIR=$dir
	PGHOST=$dir/sock PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	DBREV_TEST_PG_URL="postgresql:///postgres?host=$PGHOST&port=$PGPORT&user=postgres"
	export PGHOST PGPORT PGUSER PGDATABASE DBREV_TEST_PG_URL PG_BIN PG_OWNER PG_DIR
}

pg_stop() {
	[ -n "${1:-}" ] && [ -d "$1/data" ] || return 0
	pg_as_owner "$PG_BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1
	return 0
}
