# tests/lib/test.sh - a small harness for shell tests of what a user types.
#
#   . "$DBREV_SRCDIR/tests/lib/test.sh"
#   tcase "revorder lists apply order"
#   run revorder -d "$T/m"          # stdout in $OUT, stderr in $ERR, status in $STATUS
#   status_is 0
#   stdout_has "1a2b3c4d5e6f"
#   finish                           # at the end of the script
#
# Each case prints "ok - NAME" or "not ok - NAME" (with "# ..." lines
# saying why); tests/run.sh counts them.  $T is a fresh temporary
# directory, removed at exit.  The built tools are first on PATH.

set -u
: "${DBREV_SRCDIR:?run the tests with make check}"
: "${DBREV_BINDIR:?run the tests with make check}"
PATH=$DBREV_BINDIR:$PATH
export PATH
T=$(mktemp -d "${TMPDIR:-/tmp}/dbrev-test.XXXXXX")
chmod 755 "$T"
OUT=$T/.stdout
ERR=$T/.stderr
STATUS=0
_case=
_why=
_failed=0
_checks=0	# assertion helpers called (finish prints the count)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

_flush() {
	[ -n "$_case" ] || return 0
	if [ -z "$_why" ]; then
		echo "ok - $_case"
	else
		echo "not ok - $_case"
		printf '%s' "$_why" | sed 's/^/#   /'
		_failed=$((_failed + 1))
	fi
	_case=
	_why=
}

# tcase NAME: start a test case.
tcase() { _flush; _case=$*; _why=; }

# fail MESSAGE: the current case fails.
fail() { _why="$_why$*
"; }

# skip NAME REASON: a case that cannot run here (an error under CI).
skip() { _flush; echo "ok - $1 # SKIP $2"; }

# run CMD...: run a command, keeping its stdout, stderr and status.
run() {
	"$@" >"$OUT" 2>"$ERR" </dev/null
	STATUS=$?
	return 0
}

status_is() {
	_checks=$((_checks + 1))
	[ "$STATUS" = "$1" ] ||
		fail "exit status $STATUS, expected $1; stderr: $(head -c 600 "$ERR")"
}
stdout_has() { _checks=$((_checks + 1)); grep -qF -- "$1" "$OUT" || fail "stdout lacks '$1': $(head -c 600 "$OUT")"; }
stderr_has() { _checks=$((_checks + 1)); grep -qF -- "$1" "$ERR" || fail "stderr lacks '$1': $(head -c 600 "$ERR")"; }
stdout_lacks() { _checks=$((_checks + 1)); ! grep -qF -- "$1" "$OUT" || fail "stdout has '$1'"; }
stderr_lacks() { _checks=$((_checks + 1)); ! grep -qF -- "$1" "$ERR" || fail "stderr has '$1'"; }
stdout_is() {
	_checks=$((_checks + 1))
	[ "$(cat "$OUT")" = "$1" ] || fail "stdout is '$(head -c 600 "$OUT")', expected '$1'"
}
stderr_is() {
	_checks=$((_checks + 1))
	[ "$(cat "$ERR")" = "$1" ] || fail "stderr is '$(head -c 600 "$ERR")', expected '$1'"
}
# assert CMD...: the command must succeed.
assert() { _checks=$((_checks + 1)); "$@" >/dev/null 2>&1 || fail "failed: $*"; }
# refute CMD...: the command must fail.
refute() { _checks=$((_checks + 1)); ! "$@" >/dev/null 2>&1 || fail "succeeded, should not: $*"; }

# finish: end of the script; its exit status says whether all passed.
finish() { _flush; echo "# $_checks checks"; [ "$_failed" = 0 ]; exit $?; }

# pg_available: true when the runner started a private PostgreSQL.
pg_available() { [ -n "${DBREV_TEST_PG_URL:-}" ]; }

# pg_newdb NAME: create a fresh database on the private cluster and
# print its URL.  Databases are dropped with the cluster.
pg_newdb() {
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" \
	    -c "CREATE DATABASE \"$1\"" >/dev/null 2>&1 || return 1
	printf 'postgresql:///%s?host=%s&port=%s&user=%s\n' "$1" "$PGHOST" "$PGPORT" "$PGUSER"
}
